"""The ASR adapter, driven by a fake engine that replays recorded faster-whisper output.

``tests/data/asr/{jfk,dictation}.json`` hold what the real engine returned (re-record with
``python tests/data/asr/record.py``). Tests marked slow run the real bundled model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import shutil
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from faster_whisper.transcribe import Segment as FWSegment

from uncertain import asr
from uncertain.audio import SAMPLE_RATE
from uncertain.document import Document
from uncertain.errors import CorruptInputError, EmptyInputError, MissingFileError
from uncertain.models import TokenWord

ROOT = Path(__file__).resolve().parent.parent
ASR = ROOT / "tests" / "data" / "asr"
JFK = ROOT / "samples" / "jfk.flac"
DICTATION = ROOT / "samples" / "dictation.wav"


class ReplayEngine:
    """Returns recorded faster-whisper output, whatever the audio; remembers each call."""

    def __init__(self, *recordings: dict[str, Any]) -> None:
        self.recordings = list(recordings)
        self.calls: list[tuple[int, dict[str, Any]]] = []

    @classmethod
    def from_file(cls, name: str) -> ReplayEngine:
        return cls(json.loads((ASR / name).read_text(encoding="utf-8")))

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
        self.calls.append((len(audio), kwargs))
        data = self.recordings[min(len(self.calls), len(self.recordings)) - 1]
        info = SimpleNamespace(**data["info"])
        segments = (
            FWSegment(**{**s, "words": [TokenWord(**{**w, "tokens": [tuple(t) for t in
                                                                     w["tokens"]]})
                                        for w in s["words"]]})
            for s in data["segments"]
        )
        return segments, info


def recording(segments: list[dict[str, Any]], language: str = "en") -> dict[str, Any]:
    return {"info": {"language": language, "language_probability": 0.9}, "segments": segments}


def segment(text: str, words: list[tuple[str, float, float, float]], **extra: Any
            ) -> dict[str, Any]:
    base = {"id": 1, "seek": 0, "start": words[0][1] if words else 0.0,
            "end": words[-1][2] if words else 0.0, "text": text, "tokens": [],
            "avg_logprob": -0.3, "compression_ratio": 1.2, "no_speech_prob": 0.05,
            "temperature": 0.0,
            "words": [{"word": w, "start": s, "end": e, "probability": p,
                       "tokens": [[w.strip(), p]]} for w, s, e, p in words]}
    return {**base, **extra}


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


# -- replayed real output --------------------------------------------------------------------


def test_asr_max_seconds_refuses_a_longer_recording_by_name() -> None:
    """The audio length limit was the environment's alone
    (``$UNCERTAIN_MAX_AUDIO_SECONDS``): ``max_seconds=`` sets it for one call, and a
    wrong one is said before any work."""
    from uncertain.errors import InputTooLargeError

    engine = ReplayEngine.from_file("jfk.json")
    with pytest.raises(InputTooLargeError, match=r"jfk\.flac.*over the limit of 5 s"):
        asr.transcribe(JFK, engine=engine, max_seconds=5)
    with pytest.raises(ValueError, match="max_seconds"):
        asr.transcribe(JFK, engine=engine, max_seconds=0)
    assert "fellow Americans" in asr.transcribe(JFK, engine=engine, max_seconds=60).text


def test_asr_replay_jfk_builds_the_document() -> None:
    engine = ReplayEngine.from_file("jfk.json")
    doc = asr.transcribe(JFK, engine=engine)
    assert "fellow Americans" in doc.text
    recorded = engine.recordings[0]["segments"]
    raw_words = [w for s in recorded for w in s["words"]]
    assert [w.text for w in doc.words] == [w["word"].strip() for w in raw_words]
    for word, raw in zip(doc.words, raw_words, strict=True):
        assert word.confidence == pytest.approx(raw["probability"])
        assert word.raw_score == word.confidence
        assert (word.start, word.end) == (raw["start"], raw["end"])
        assert not word.text.startswith(" ")
    first = doc.segments[0]
    assert first.avg_logprob == recorded[0]["avg_logprob"]
    assert first.no_speech_prob == recorded[0]["no_speech_prob"]
    assert first.compression_ratio == recorded[0]["compression_ratio"]
    assert first.temperature == 0.0
    assert first.text == recorded[0]["text"].strip()


def test_asr_progress_reports_the_seconds_transcribed() -> None:
    """``progress`` hears where each segment ends in the file as it is decoded, then the
    chunk's end: rising, up to the recording's length."""
    seen: list[tuple[float, float | None]] = []
    doc = asr.transcribe(JFK, engine=ReplayEngine.from_file("jfk.json"),
                         progress=lambda done, total: seen.append((done, total)))
    ends = [s.end for s in doc.segments]
    done = [d for d, _ in seen]
    assert done[:len(ends)] == pytest.approx(ends) and len(done) == len(ends) + 1
    assert done == sorted(done) and done[-1] == pytest.approx(doc.source.duration)
    # the length the container declares, for the bar's end
    assert [t for _, t in seen] == pytest.approx([doc.source.duration] * len(seen), abs=0.05)


def test_asr_source_records_provenance() -> None:
    doc = asr.transcribe(JFK, engine=ReplayEngine.from_file("jfk.json"), model="tiny.en")
    src = doc.source
    assert src.modality == "audio"
    assert src.engine == "faster-whisper"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", src.engine_version or "")
    assert src.model == "tiny.en"
    assert src.path == str(JFK)
    assert len(src.sha256) == 64
    assert src.duration == pytest.approx(11.0)
    assert (src.language, src.language_probability) == ("en", 1.0)
    assert "token" in (src.confidence_definition or "")
    assert "probability" in (src.raw_score_definition or "")
    assert src.options["beam_size"] == 5
    assert src.options["chunk_seconds"] == asr.TranscribeOptions().chunk_seconds


@pytest.mark.parametrize("name", ["jfk.json", "dictation.json"])
def test_asr_tokens_are_kept_and_average_to_the_confidence(name: str) -> None:
    doc = asr.transcribe(JFK, engine=ReplayEngine.from_file(name))
    assert doc.words
    for word in doc.words:
        assert word.tokens, word.text
        mean = float(np.mean([t.probability for t in word.tokens]))
        assert mean == pytest.approx(word.confidence, abs=1e-6)
        assert "".join(t.text for t in word.tokens) in word.text


def test_asr_engine_gets_word_timestamps_and_options() -> None:
    engine = ReplayEngine.from_file("jfk.json")
    asr.transcribe(JFK, engine=engine, beam_size=2, language="en",
                   options=asr.TranscribeOptions(initial_prompt="Kennedy"))
    (samples, kwargs), = engine.calls
    assert samples == 11 * SAMPLE_RATE
    assert kwargs["word_timestamps"] is True
    assert kwargs["beam_size"] == 2
    assert kwargs["language"] == "en"
    assert kwargs["initial_prompt"] == "Kennedy"
    assert not {"chunk_seconds", "search_seconds", "silence_db"} & kwargs.keys()


def test_asr_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        asr.transcribe(JFK, engine=ReplayEngine.from_file("jfk.json"), beem_size=3)


def test_asr_one_temperature_is_taken_as_faster_whisper_takes_it() -> None:
    # temperature=0.0, as faster-whisper's own transcribe takes it, failed with "'float'
    # object is not iterable", naming no option
    engine = ReplayEngine.from_file("jfk.json")
    doc = asr.transcribe(JFK, engine=engine, temperature=0.0)
    (_, kwargs), = engine.calls
    assert kwargs["temperature"] == [0.0]
    assert doc.source.options["temperature"] == [0.0]
    assert asr.TranscribeOptions(temperature=[0, 0.5]).temperature == (0.0, 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("overrides", [
    {"temperature": ()}, {"temperature": -0.2}, {"temperature": "hot"},
    {"temperature": (0.0, float("nan"))}, {"beam_size": 0}, {"beam_size": 2.5},
    {"best_of": 0}, {"beam_size": True}, {"patience": 0}, {"patience": -1.0},
    {"patience": float("nan")}, {"chunk_seconds": 5}, {"chunk_seconds": 0},
    {"search_seconds": -1}, {"chunk_seconds": 30, "search_seconds": 30},
    {"vad_parameters": {"bogus": 1}, "vad_filter": True}, {"vad_parameters": [("threshold", 0.5)]}])
def test_asr_options_faster_whisper_cannot_take_are_refused_by_name(
        overrides: dict[str, object]) -> None:
    # beam_size=0 reached CTranslate2: "The beam size must be > 0", after the audio was read;
    # patience=0 likewise, an unknown VAD parameter as faster-whisper's TypeError, and a
    # chunk shorter than its search as "need chunk_seconds > search_seconds >= 0"
    with pytest.raises(ValueError, match=rf"^{next(iter(overrides))}="):
        asr.transcribe(JFK, engine=ReplayEngine.from_file("jfk.json"), **overrides)


class TokenizingEngine(ReplayEngine):
    """A replaying engine with the bundled model's tokenizer, as a loaded model has."""

    def __init__(self, *recordings: dict[str, Any]) -> None:
        from uncertain.models import resolve_model, tokenizer_of

        super().__init__(*recordings)
        self.hf_tokenizer = tokenizer_of(resolve_model())


@pytest.mark.parametrize("name", ["initial_prompt", "hotwords"])
def test_asr_a_prompt_longer_than_whisper_reads_is_refused_by_name(name: str) -> None:
    # a 5,000-character prompt reached Whisper as its last 223 tokens, cut mid-word ("XC
    # his belly counseled him"), and the transcript was garbled; hotwords as their first
    engine = TokenizingEngine(json.loads((ASR / "jfk.json").read_text(encoding="utf-8")))
    tokenizer = engine.hf_tokenizer
    text = ("The patient takes metformin, lisinopril and atorvastatin daily. " * 80)[:5000]
    count = len(tokenizer.encode(" " + text, add_special_tokens=False).ids)
    with pytest.raises(ValueError, match=rf"^{name} is {count} tokens long and Whisper "
                                         rf"reads at most {asr.PROMPT_TOKENS}\b"):
        asr.transcribe(JFK, engine=engine, **{name: text})
    assert not engine.calls  # (said before the audio is decoded)
    ids = tokenizer.encode(" " + text, add_special_tokens=False).ids[:asr.PROMPT_TOKENS]
    fits = tokenizer.decode(ids).strip()
    assert len(tokenizer.encode(" " + fits, add_special_tokens=False).ids) == asr.PROMPT_TOKENS
    asr.transcribe(JFK, engine=engine, **{name: fits})
    assert engine.calls[-1][1][name] == fits


@pytest.mark.slow
def test_asr_real_long_prompt_is_refused_before_the_model_loads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from uncertain import models

    def no_loading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(asr, "load_model", no_loading)
    with pytest.raises(ValueError, match=r"^initial_prompt is \d+ tokens long"):
        asr.transcribe(JFK, initial_prompt="metformin " * 400)
    assert models.tokenizer_of(models.resolve_model()).get_vocab_size() > 50000


def test_asr_vad_parameters_faster_whisper_knows_are_taken() -> None:
    engine = ReplayEngine.from_file("jfk.json")
    asr.transcribe(JFK, engine=engine, vad_filter=True,
                   vad_parameters={"min_silence_duration_ms": 200, "threshold": 0.4})
    (_, kwargs), = engine.calls
    assert kwargs["vad_parameters"] == {"min_silence_duration_ms": 200, "threshold": 0.4}
    assert asr.TranscribeOptions(chunk_seconds=30, search_seconds=0).search_seconds == 0


def test_asr_words_written_together_keep_no_space() -> None:
    # Whisper's word " follow" then "-up": the second carries no leading space
    doc = asr.transcribe(DICTATION, engine=ReplayEngine.from_file("dictation.json"))
    first = doc.segments[0]
    k = [w.text for w in first.words].index("follow")
    assert first.words[k + 1].text == "-up"
    assert [w.space_after for w in first.words[k:k + 2]] == [False, True]
    assert "for follow-up and type 2 diabetes" in doc.text
    assert first.words[-1].space_after  # a segment's last word


def test_asr_document_round_trips_through_json() -> None:
    doc = asr.transcribe(DICTATION, engine=ReplayEngine.from_file("dictation.json"))
    assert Document.from_json(doc.to_json()) == doc


# -- edge cases --------------------------------------------------------------------------------


def test_asr_silence_gives_an_empty_document(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(3 * SAMPLE_RATE))
    engine = ReplayEngine(recording([segment(" You", [(" You", 0.0, 1.0, 0.02)])]))
    doc = asr.transcribe(path, engine=engine)
    assert doc.segments == [] and doc.text == ""
    assert doc.warnings == ["no speech recognised in 3.0 s of audio"]
    assert engine.calls == []  # digital silence never reaches the engine
    assert doc.source.duration == pytest.approx(3.0)
    asr.transcribe(path, engine=engine, silence_db=None)
    assert len(engine.calls) == 1


def test_asr_samples_that_are_no_numbers_reach_the_engine_as_silence(tmp_path: Path) -> None:
    """One NaN makes every feature Whisper computes over a chunk NaN: the engine gets
    silence in its place, and the document says how much of the audio was damaged."""
    from test_audio import write_float_wav

    samples = np.full(2 * SAMPLE_RATE, 0.1, dtype=np.float32)
    samples[1000:1008] = np.nan
    path = write_float_wav(tmp_path / "damaged.wav", samples)
    heard: list[np.ndarray] = []

    class Listening(ReplayEngine):
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
            heard.append(audio)
            return super().transcribe(audio, **kwargs)

    engine = Listening(recording([segment(" Hi.", [(" Hi.", 0.0, 0.5, 0.9)])]))
    doc = asr.transcribe(path, engine=engine)
    assert np.isfinite(heard[0]).all() and (heard[0][1000:1008] == 0).all()
    assert doc.text == "Hi." and doc.warnings == [
        "8 samples (0.001 s) of the audio were not numbers (NaN or infinite: a damaged "
        "recording) and were read as silence"]
    # silence (the NaNs alone): both notes, the repair's first
    path = write_float_wav(tmp_path / "lost.wav", np.full(SAMPLE_RATE, np.nan, np.float32))
    doc = asr.transcribe(path, engine=Listening([]))
    assert [w.split(" (")[0] for w in doc.warnings] == [
        "16000 samples", "no speech recognised in 1.0 s of audio"]


def test_asr_a_file_damaged_inside_is_transcribed_with_a_warning(tmp_path: Path) -> None:
    """An MP3 with bytes overwritten mid-file was refused whole; the engine now hears it
    all, the damaged stretch as silence in its place, and the document says where."""
    from test_audio import _burst_after_damage

    _, damaged = _burst_after_damage(tmp_path, "mp3", "mp3", "libmp3lame", 16000)
    heard: list[int] = []

    class Listening(ReplayEngine):
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
            heard.append(len(audio))
            return super().transcribe(audio, **kwargs)

    engine = Listening(recording([segment(" Hi.", [(" Hi.", 7.0, 7.5, 0.9)])]))
    doc = asr.transcribe(damaged, engine=engine, silence_db=None)
    assert heard[0] / SAMPLE_RATE == pytest.approx(10.0, abs=0.1)
    # (the hum before the burst and after it rises and falls, at its level: decoded again,
    # nothing kept)
    assert [n / SAMPLE_RATE for n in heard[1:]] == [pytest.approx(7.0, abs=0.1),
                                                    pytest.approx(2.5, abs=0.1)]
    assert doc.text == "Hi." and len(doc.warnings) == 1
    assert re.fullmatch(re.escape(f"{damaged}: damaged at ") + r"\d+\.\d\d-\d+\.\d\d s: "
                        r"\d\.\d\d s of audio unreadable, read as silence", doc.warnings[0])


def test_asr_punctuation_only_segments_are_dropped(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "hiss.wav", 0.05 * np.ones(SAMPLE_RATE))
    engine = ReplayEngine(recording([segment(" .", [(" .", 0.0, 0.5, 0.9)]),
                                     segment(" Hi.", [(" Hi.", 0.5, 0.9, 0.8)])]))
    doc = asr.transcribe(path, engine=engine)
    assert doc.text == "Hi." and doc.segments[0].id == 0


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: d / "missing.flac", MissingFileError),
        (lambda d: d / "empty.wav", EmptyInputError),
        (lambda d: d / "text.wav", CorruptInputError),
    ],
)
def test_asr_bad_input_raises_with_path(tmp_path: Path, make, error) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "text.wav").write_text("not audio at all\n")
    path = make(tmp_path)
    with pytest.raises(error, match=re.escape(str(path))):
        asr.transcribe(path, engine=ReplayEngine.from_file("jfk.json"))


def test_asr_long_audio_is_chunked_and_times_are_offset(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    path = write_wav(tmp_path / "long.wav", 0.2 * rng.standard_normal(10 * SAMPLE_RATE))
    engine = ReplayEngine(
        recording([segment(" one two", [(" one", 0.5, 0.9, 0.8), (" two", 1.0, 1.4, 0.6)])],
                  language="de"),
        recording([segment(" three", [(" three", 0.25, 0.75, 0.7)])], language="fr"),
    )
    doc = asr.transcribe(path, engine=engine, chunk_seconds=3.0, search_seconds=1.0)
    starts = [0.0]
    for n, _ in engine.calls[:-1]:
        starts.append(starts[-1] + n / SAMPLE_RATE)
    assert len(engine.calls) >= 3
    assert sum(n for n, _ in engine.calls) == 10 * SAMPLE_RATE
    first, second = doc.words[0], doc.words[2]
    assert (first.start, first.end) == (0.5, 0.9)
    assert second.start == pytest.approx(starts[1] + 0.25, abs=1e-3)
    assert second.end == pytest.approx(starts[1] + 0.75, abs=1e-3)
    assert doc.segments[-1].start == pytest.approx(starts[-1] + 0.25, abs=1e-3)
    assert [s.id for s in doc.segments] == list(range(len(doc.segments)))
    # the first chunk with speech fixes the language; later chunks get the previous words
    assert engine.calls[0][1]["language"] is None
    assert all(kw["language"] == "de" for _, kw in engine.calls[1:])
    assert doc.source.language == "de"
    assert engine.calls[1][1]["initial_prompt"] == "one two"
    assert engine.calls[2][1]["initial_prompt"] == "one two three"
    assert doc.source.duration == pytest.approx(10.0)


def _speechlike(seconds: float, seed: int = 3) -> np.ndarray:
    """Noise whose level rises and falls four times a second, as speech does."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    noise = np.random.default_rng(seed).standard_normal(len(t))
    return 0.1 * noise * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t))


def test_asr_long_silence_inside_a_chunk_is_shortened(tmp_path: Path) -> None:
    """A minute of silence before a dictation was sent to Whisper with it: Whisper heard
    "You" in each silent window and, conditioned on that, took the dictation for silence
    (54 words lost). Silence of 30 s or more inside a chunk is cut to 10 s on each side
    of the sound around it (no window of Whisper's is all silence, and a quiet word by
    it is heard as before); the words keep the file's times."""
    samples = np.concatenate([_speechlike(4.0), np.zeros(40 * SAMPLE_RATE), _speechlike(5.0),
                              np.zeros(35 * SAMPLE_RATE)])
    path = write_wav(tmp_path / "gap.wav", samples)
    engine = ReplayEngine(recording([
        segment(" one two", [(" one", 0.5, 0.9, 0.8), (" two", 4.5, 15.5, 0.8)]),
        segment(" three four", [(" three", 24.1, 24.5, 0.8), (" four", 28.0, 28.4, 0.8)])]))
    doc = asr.transcribe(path, engine=engine)
    assert [n for n, _ in engine.calls] == [39 * SAMPLE_RATE]  # 4 + 10 + 10 + 5 + 10
    assert [(w.text, w.start, w.end) for w in doc.words] == [
        ("one", 0.5, 0.9), ("two", 4.5, 35.5), ("three", 44.1, 44.5), ("four", 48.0, 48.4)]
    assert doc.segments[0].end == 35.5
    assert doc.segments[1].start == 44.1 and doc.segments[1].end == 48.4
    assert doc.source.duration == pytest.approx(84.0)
    # silence_db=None sends everything, as before
    engine = ReplayEngine(recording([segment(" one", [(" one", 0.5, 0.9, 0.8)])]))
    asr.transcribe(path, engine=engine, silence_db=None)
    assert engine.calls[0][0] == 84 * SAMPLE_RATE
    # a silence under 30 s, or one a quiet sound breaks, stays in
    tick = np.zeros(35 * SAMPLE_RATE)
    tick[17 * SAMPLE_RATE:17 * SAMPLE_RATE + 1600] = 10 ** (-70 / 20)  # -70 dB
    for pause in (np.zeros(29 * SAMPLE_RATE), tick):
        short = write_wav(tmp_path / "short.wav",
                          np.concatenate([_speechlike(4.0), pause, _speechlike(5.0)]))
        engine = ReplayEngine(recording([segment(" one", [(" one", 0.5, 0.9, 0.8)])]))
        asr.transcribe(short, engine=engine)
        assert engine.calls[0][0] == 9 * SAMPLE_RATE + len(pause)


def test_asr_a_stretch_of_speech_with_no_word_is_decoded_again(tmp_path: Path) -> None:
    """Whisper leaves out a whole window it takes for no speech, and whether it does
    depends on where the windows fall and on the prompt: a 17-minute recording lost five
    windows of speech (166 words). A stretch of 8 s or more with no word whose sound rises
    and falls is decoded once more on its own, with no prompt; only the words that fall
    inside it are kept, in order, with the file's times."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(22.5))  # (ends where z ends)
    first = recording([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                       segment(" z", [(" z", 22.0, 22.5, 0.7)])])
    again = recording([segment(" c d e", [(" c", 0.5, 1.0, 0.6), (" d", 5.0, 5.5, 0.6),
                                          (" e", 21.0, 21.5, 0.6)])])
    engine = ReplayEngine(first, again)
    doc = asr.transcribe(path, engine=engine, initial_prompt="earlier words")
    assert len(engine.calls) == 2
    n, kwargs = engine.calls[1]
    assert n == round(20.5 * SAMPLE_RATE)  # from b's end to z's start
    assert kwargs["condition_on_previous_text"] is False and kwargs["initial_prompt"] is None
    assert kwargs["temperature"] == [0.0] and kwargs["max_new_tokens"] == 152  # 20.5 s
    assert [(w.text, w.start) for w in doc.words] == [
        ("a", 0.5), ("b", 1.0), ("c", 2.0), ("d", 6.5), ("z", 22.0)]  # "e" falls after z
    assert [s.id for s in doc.segments] == [0, 1, 2]
    assert doc.segments[1].text == "c d" and doc.text.split() == ["a", "b", "c", "d", "z"]
    # what Whisper itself finds likely no speech is not taken ("Thank you." in a pause)
    unsure = recording([segment(" c d", [(" c", 0.5, 1.0, 0.6), (" d", 5.0, 5.5, 0.6)],
                                no_speech_prob=0.8)])
    doc = asr.transcribe(path, engine=ReplayEngine(first, unsure))
    assert doc.text.split() == ["a", "b", "z"]
    # a steady hiss, or room tone (its level moving 4 dB), is not decoded again
    rng = np.random.default_rng(1)
    tone = np.cumsum(rng.standard_normal(25 * SAMPLE_RATE))  # brown noise
    tone = np.convolve(tone - np.convolve(tone, np.ones(400) / 400, "same"), [1.0], "same")
    for noise in (0.05 * rng.standard_normal(25 * SAMPLE_RATE), 0.05 * tone / tone.std()):
        engine = ReplayEngine(first, again)
        asr.transcribe(write_wav(tmp_path / "noise.wav", noise), engine=engine)
        assert len(engine.calls) == 1


def test_asr_speech_under_a_word_stretched_over_it_is_decoded_again(tmp_path: Path) -> None:
    """Whisper skips a stretch of speech by stretching the word before it: in a noisy
    15-minute reading "work." lasted from 312.1 s to 333.2 s and the 20 s of speech under
    it (46 words) were lost, unseen by the search for stretches with no word. A word
    longer than 3 s counts as heard only in its first 1.5 s (Whisper times a word's start
    well and drags its end over what it skipped); what is heard after that when decoded
    again is kept, and the word is cut back to its start. Heard in its first and last 2 s,
    as first built, "or" stretched over 15 s of another reading hid the speech in both."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(22.5))  # (ends where z ends)
    first = recording([segment(" a work.", [(" a", 0.5, 1.0, 0.8), (" work.", 1.0, 22.0, 0.9)]),
                       segment(" z", [(" z", 22.0, 22.5, 0.7)])])
    again = recording([segment(" c d e", [(" c", 0.5, 1.0, 0.6), (" d", 15.0, 15.5, 0.6),
                                          (" e", 19.0, 19.4, 0.6)])])
    engine = ReplayEngine(first, again)
    doc = asr.transcribe(path, engine=engine)
    assert len(engine.calls) == 2
    assert engine.calls[1][0] == round(19.5 * SAMPLE_RATE)  # 2.5-22.0 s, inside "work."
    assert [(w.text, w.start, w.end) for w in doc.words] == [
        ("a", 0.5, 1.0), ("work.", 1.0, 3.0), ("c", 3.0, 3.5), ("d", 17.5, 18.0),
        ("e", 21.5, 21.9), ("z", 22.0, 22.5)]
    assert doc.segments[0].end == 3.0 and [s.text for s in doc.segments] == [
        "a work.", "c d e", "z"]
    # a segment's first word is dragged back over what was skipped before it: heard in
    # its last 1.5 s, and cut back at its start
    first = recording([segment(" a", [(" a", 0.5, 1.0, 0.8)]),
                       segment(" work z", [(" work", 1.0, 22.0, 0.9), (" z", 22.0, 22.5, 0.7)])])
    again = recording([segment(" c", [(" c", 1.0, 1.5, 0.6)])])
    engine = ReplayEngine(first, again)
    doc = asr.transcribe(path, engine=engine)
    assert engine.calls[1][0] == round(19.5 * SAMPLE_RATE)  # 1.0-20.5 s
    assert [(w.text, w.start, w.end) for w in doc.words] == [
        ("a", 0.5, 1.0), ("c", 2.0, 2.5), ("work", 2.5, 22.0), ("z", 22.0, 22.5)]
    assert doc.segments[2].start == 2.5
    # nothing heard in it: the word keeps its times; a word of 3 s is not searched
    path = write_wav(tmp_path / "speech.wav", _speechlike(29.5))  # (ends where y ends)
    rest = [(" z", 22.0, 22.5, 0.7), (" y", 29.0, 29.5, 0.7)]
    steady = [(" z", 5.0, 5.5, 0.7), (" y", 12.0, 12.5, 0.7), (" x", 19.0, 19.5, 0.7),
              (" w", 26.0, 26.5, 0.7), (" v", 29.0, 29.5, 0.7)]
    for words, calls in (([(" work.", 1.0, 22.0, 0.9), *rest], 2),
                         ([(" work.", 1.0, 4.0, 0.9), *steady], 1)):
        engine = ReplayEngine(recording([segment(" work. z y", words)]), recording([]))
        doc = asr.transcribe(path, engine=engine)
        assert len(engine.calls) == calls
        assert [(w.start, w.end) for w in doc.words] == [w[1:3] for w in words]


def _late_copy(at: float, z: tuple[float, float], after: dict[str, Any]
               ) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, float, float, float]]]:
    """A first decoding of 30 s that times "The corresponding source is the same." late,
    from ``at`` s (then "z" over ``z``), and the decoding of the gap before it again,
    which hears the sentence where it was said (0.5 s into the gap), then ``after``; and
    the late sentence's words."""
    late = [(w, at + a, at + b, 0.9) for w, a, b in (
        (" The", 0.0, 0.3), (" corresponding", 0.3, 1.0), (" source", 1.0, 1.4),
        (" is", 1.4, 1.6), (" the", 1.6, 1.8), (" same.", 1.8, 2.2))]
    first = recording([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                       segment(" The corresponding source is the same. z",
                               [*late, (" z", *z, 0.9)]),
                       segment(" y", [(" y", 29.0, 29.5, 0.9)])])
    again = recording([
        segment(" The corresponding source is a same.",
                [(" The", 0.5, 0.8, 0.6), (" corresponding", 0.8, 1.4, 0.6),
                 (" source", 1.4, 1.8, 0.6), (" is", 1.8, 2.0, 0.6), (" a", 2.0, 2.2, 0.6),
                 (" same.", 2.2, 2.6, 0.6)]),
        after])
    return first, again, late


def test_asr_a_sentence_timed_late_is_not_kept_twice(tmp_path: Path) -> None:
    """Whisper's alignment can time a sentence 20 s late and move on from there: the
    speech before it is a gap, and decoding the gap again hears the same sentence where
    it was said (a 15-minute reading said "provided that you comply with the terms of
    this license" twice). The copy next to the gap goes; the sentence keeps the time it
    was heard at in the gap, in order, and a segment left with no word goes too; the
    stretch the copy stood on is decoded again (a 15-minute reading lost 25 words there)."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(30.0))
    first, again, late = _late_copy(22.0, (24.3, 24.8), segment(
        " All rights granted.", [(" All", 8.0, 8.3, 0.6), (" rights", 8.3, 8.8, 0.6),
                                 (" granted.", 8.8, 9.5, 0.6)]))
    # where the late copy was is decoded in a second round (it held other speech)
    later = recording([segment(" Run it.", [(" Run", 12.0, 12.3, 0.6), (" it.", 12.3, 12.6, 0.6)])])
    engine = ReplayEngine(first, again, later)
    doc = asr.transcribe(path, engine=engine)
    assert doc.text.split() == ["a", "b", "The", "corresponding", "source", "is", "a", "same.",
                                "All", "rights", "granted.", "Run", "it.", "z", "y"]
    assert [w.start for w in doc.words][2] == 2.0 and doc.segments[4].start == 24.3
    assert [n for n, _ in engine.calls][1:] == [round(20.5 * SAMPLE_RATE),
                                                 round(13.3 * SAMPLE_RATE)]  # 11.0-24.3 s
    # a segment that is only the late copy goes whole
    first["segments"][1] = segment(" The corresponding source is the same.", late)
    doc = asr.transcribe(path, engine=ReplayEngine(first, again, recording([])))
    assert [s.text for s in doc.segments] == [
        "a b", "The corresponding source is a same.", "All rights granted.", "y"]
    assert [s.id for s in doc.segments] == [0, 1, 2, 3]
    # two words alike, or words alike far from the gap, are no copy
    for said in ([(" the", 0.5, 0.8, 0.6), (" same.", 2.2, 2.6, 0.6), (" q", 3.0, 3.2, 0.6)],
                 [(" x", 0.5, 0.6, 0.6), (" x", 0.6, 0.7, 0.6), (" x", 0.7, 0.8, 0.6),
                  (" x", 0.8, 0.9, 0.6), (" z", 1.0, 1.2, 0.6)]):
        first["segments"][1] = segment(" The corresponding source is the same. z",
                                       [*late, (" z", 24.3, 24.8, 0.9)])
        doc = asr.transcribe(path, engine=ReplayEngine(first, recording([segment(" q", said)])))
        assert "corresponding" in doc.text.split()


def test_asr_a_late_copy_of_two_segments_goes_whole(tmp_path: Path) -> None:
    """A sentence timed late can be the copy of two segments heard in the gap: in a noisy
    17-minute reading the copy of "... make modification" and of "exclusively for you ...
    those works" lost the first segment's words and kept the second's as speech at
    621.97-622.85 s, twelve words in under a second. Each segment's copy is looked for
    next to the gap once the copies found before it are gone, in either order."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(30.0))
    one = [(" The", 0.5, 0.8), (" corresponding", 0.8, 1.4), (" source", 1.4, 1.8),
           (" is", 1.8, 2.0), (" the", 2.0, 2.2), (" same.", 2.2, 2.6)]
    two = [(" All", 8.0, 8.3), (" rights", 8.3, 8.8), (" are", 8.8, 9.0),
           (" granted", 9.0, 9.4), (" here.", 9.4, 9.8)]
    again = recording([segment("".join(w for w, *_ in one), [(*w, 0.6) for w in one]),
                       segment("".join(w for w, *_ in two), [(*w, 0.6) for w in two])])
    said = [w for w, *_ in one + two]
    # the copy after the gap, and (its mirror) a copy before a gap, each said once
    late = [(w, 22.0 + 0.2 * k, 22.2 + 0.2 * k, 0.9) for k, w in enumerate(said)]
    early = [(w, 0.5 + 0.2 * k, 0.7 + 0.2 * k, 0.9) for k, w in enumerate(said)]
    for first, gap in (
            (recording([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                        segment(" copy z", [*late, (" z", 24.5, 24.8, 0.9)]),
                        segment(" y", [(" y", 29.0, 29.5, 0.9)])]), 1.5),
            (recording([segment(" copy", early),
                        segment(" y", [(" y", 29.0, 29.5, 0.9)])]), 2.7)):
        doc = asr.transcribe(path, engine=ReplayEngine(first, again, recording([])))
        heard = [w.text for w in doc.words]
        assert [heard.count(w.strip()) for w in said] == [1] * len(said), heard
        assert [w.start for w in doc.words if w.text == "All"] == [gap + 8.0]


def test_asr_the_short_stretch_a_late_copy_stood_on_is_decoded_again(tmp_path: Path) -> None:
    """The speech under a late copy is lost with it unless it is decoded again, and only
    stretches of 8 s or more were: in a noisy 17-minute reading a 12-word copy left 5.9 s
    unheard, 17 words said there ("direction and control on terms that prohibit them
    ..."). The stretch a copy was taken out of is decoded again from 2 s on, when its
    sound is speech's; another stretch as short is not."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(30.0))
    first, again, _ = _late_copy(20.0, (23.0, 23.4), segment(
        " We heard more.", [(" We", 16.0, 16.5, 0.6), (" heard", 16.5, 17.0, 0.6),
                            (" more.", 17.0, 18.0, 0.6)]))
    under = recording([segment(" Run it.", [(" Run", 0.5, 0.9, 0.6), (" it.", 0.9, 1.5, 0.6)])])
    engine = ReplayEngine(first, again, under)
    doc = asr.transcribe(path, engine=engine)
    assert [n for n, _ in engine.calls] == [30 * SAMPLE_RATE, round(18.5 * SAMPLE_RATE),
                                            round(3.5 * SAMPLE_RATE)]  # 19.5-23.0 s
    assert doc.text.split() == ["a", "b", "The", "corresponding", "source", "is", "a",
                                "same.", "We", "heard", "more.", "Run", "it.", "z", "y"]
    assert [(w.start, w.end) for w in doc.words if w.text == "Run"] == [(20.0, 20.4)]
    # the same stretch with no copy taken out of it is left alone
    first["segments"][1] = segment(" z", [(" z", 23.0, 23.4, 0.9)])
    engine = ReplayEngine(first, again, under)
    assert "Run" not in asr.transcribe(path, engine=engine).text and len(engine.calls) == 2


class SeededEngine(ReplayEngine):
    """A :class:`ReplayEngine` with ``seeded_sampling``: remembers, for each call, whether
    it came inside the block, and how often the block was entered."""

    def __init__(self, *recordings: dict[str, Any]) -> None:
        super().__init__(*recordings)
        self.inside = False
        self.entered = 0
        self.seeded: list[bool] = []

    @contextlib.contextmanager
    def seeded_sampling(self) -> Iterator[None]:
        self.entered += 1
        self.inside = True
        try:
            yield
        finally:
            self.inside = False

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
        self.seeded.append(self.inside)
        segments, info = super().transcribe(audio, **kwargs)
        return (s for s in segments if self.seeded.append(self.inside) is None), info


def test_asr_decodes_inside_the_engines_seeded_sampling(tmp_path: Path) -> None:
    """Whisper's fallback samples, and a model's generator ran on from one recording to
    the next: a recording read otherwise after others. Every decoding of a call, the
    stretches decoded again too, runs inside the engine's ``seeded_sampling`` (a
    generator of the call's own), entered once a call."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(22.5))
    first = recording([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                       segment(" z", [(" z", 22.0, 22.5, 0.7)])])
    again = recording([segment(" c d", [(" c", 0.5, 1.0, 0.6), (" d", 5.0, 5.5, 0.6)])])
    engine = SeededEngine(first, again)
    doc = asr.transcribe(path, engine=engine, chunk_seconds=12.0, search_seconds=2.0)
    assert len(engine.calls) >= 2 and doc.words  # (a gap decoded again)
    assert engine.seeded and all(engine.seeded) and engine.entered == 1
    assert not engine.inside


def test_asr_text_whisper_doubts_over_no_sound_is_dropped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the end of a noisy 17-minute reading Whisper wrote "Thanks for watching, see you
    in the next video. ..." over the last seconds of noise: no-speech probability 0.71,
    over its 0.6 line, but a mean log-probability of -0.95, inside its -1, so kept, 17 of
    its 23 words timed as lasting no time. A segment over the no-speech line with half
    its words, and 3 or more, in no time is dropped; one with its words timed, one under
    the line, or a run with no line is kept."""
    from uncertain import audio

    # (the noise stands in for speech: the speech detector is taken to hear it as such)
    monkeypatch.setattr(audio, "speech_heard", lambda samples: True)
    path = write_wav(tmp_path / "end.wav", np.concatenate([_speechlike(6.0), np.zeros(
        3 * SAMPLE_RATE)]))
    said = segment(" as needed.", [(" as", 4.0, 4.4, 0.9), (" needed.", 4.4, 5.9, 0.9)])
    words = [(" Thanks", 5.9, 5.9, 0.1), (" for", 5.9, 5.9, 0.8),
             (" watching,", 5.9, 6.3, 0.6), (" see", 6.3, 6.3, 0.1), (" you.", 6.3, 6.3, 0.9)]

    def transcribed(no_speech: float, words: list[tuple[str, float, float, float]],
                    **options: Any) -> Document:
        thanks = segment(" Thanks for watching, see you.", words, no_speech_prob=no_speech)
        return asr.transcribe(path, engine=ReplayEngine(recording([said, thanks])), **options)

    def heard(no_speech: float, words: list[tuple[str, float, float, float]],
              **options: Any) -> list[str]:
        return transcribed(no_speech, words, **options).text.split()

    assert heard(0.71, words) == ["as", "needed."]
    # what was left out is said, with its time and its text
    assert transcribed(0.71, words).warnings == [
        "5.9-6.3 s: left out 5 words Whisper wrote over no sound (no-speech probability "
        "0.71, most words timed as lasting no time): 'Thanks for watching, see you.'"]
    assert transcribed(0.5, words).warnings == []
    timed = [(w, 5.9 + 0.3 * k, 6.2 + 0.3 * k, p) for k, (w, _, _, p) in enumerate(words)]
    three = [(w, 5.9 + 0.3 * k, 5.9 + 0.3 * k + 0.2 * (k > 2), p)
             for k, (w, _, _, p) in enumerate(words)]  # 3 of 5 untimed; then 2 of 5
    assert heard(0.71, three) == ["as", "needed."]
    for kept in (heard(0.71, timed), heard(0.71, three[:2] + timed[2:]), heard(0.5, words),
                 heard(0.71, words, no_speech_threshold=None)):
        assert kept == ["as", "needed.", "Thanks", "for", "watching,", "see", "you."]


def test_asr_text_over_no_sound_heard_in_a_stretch_decoded_again_is_dropped(
        tmp_path: Path) -> None:
    """The rule for text written over no sound ran only on a chunk's first decoding: a
    stretch decoded again (a gap, the end) kept "Thanks for watching ..." Whisper doubted
    (no-speech probability 0.7, under the gap's own 0.75) and timed as lasting no time.
    Every decoding goes through the same rule, and the warning names what it left out,
    with the file's times; with no no-speech line it is kept, as in the first decoding."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(22.5))
    first = recording([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                       segment(" z", [(" z", 22.0, 22.5, 0.7)])])
    thanks = [(" Thanks", 10.0, 10.0, 0.3), (" for", 10.0, 10.0, 0.8),
              (" watching,", 10.0, 10.4, 0.6), (" bye.", 10.4, 10.4, 0.9)]
    again = recording([segment(" c d", [(" c", 0.5, 1.0, 0.6), (" d", 5.0, 5.5, 0.6)]),
                       segment(" Thanks for watching, bye.", thanks, no_speech_prob=0.7)])
    doc = asr.transcribe(path, engine=ReplayEngine(first, again))
    assert doc.text.split() == ["a", "b", "c", "d", "z"]
    assert doc.warnings == [
        "11.5-11.9 s: left out 4 words Whisper wrote over no sound (no-speech probability "
        "0.70, most words timed as lasting no time): 'Thanks for watching, bye.'"]
    doc = asr.transcribe(path, engine=ReplayEngine(first, again), no_speech_threshold=None)
    assert doc.text.split() == ["a", "b", "c", "d", "Thanks", "for", "watching,", "bye.", "z"]
    assert doc.warnings == []


def test_asr_text_over_no_sound_that_repeats_words_heard_says_so(tmp_path: Path) -> None:
    """After a dictation, 90 s of silence and another sentence, Whisper wrote "The patient
    takes 1,500 milligrams twice daily, and the patient takes ..." (no-speech probability
    0.97, its words timed as lasting no time) at the end: the warning said words "Whisper
    wrote over no sound" were left out, as if speech were lost, where they were the first
    sentence again. It says they repeat the words heard there; other text is said as
    before."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(8.0))
    said = [(" The", 0.5, 0.7, 0.9), (" patient", 0.7, 1.2, 0.9), (" takes", 1.2, 1.5, 0.9),
            (" metformin", 1.5, 2.3, 0.6), (" twice", 2.3, 2.7, 0.9), (" daily.", 2.7, 3.2, 0.9)]
    again = [(" The", 7.9, 7.9, 0.5), (" patient", 7.9, 7.9, 0.5), (" takes", 7.9, 7.9, 0.5),
             (" 1,500", 7.9, 7.9, 0.3), (" twice", 7.9, 8.0, 0.5), (" daily.", 8.0, 8.0, 0.5)]
    other = [(w, s, e, p) for (_, s, e, p), w in zip(
        again, [" Thanks", " for", " watching,", " see", " you", " soon."], strict=True)]
    for words, text, told in ((again, "The patient takes 1,500 twice daily.",
                               ", a repeat of the words heard at 0.5-3.2 s"),
                              (other, "Thanks for watching, see you soon.", "")):
        first = recording([segment(" The patient takes metformin twice daily.", said),
                           segment(" " + text, words, no_speech_prob=0.97)])
        doc = asr.transcribe(path, engine=ReplayEngine(first, recording([])))
        assert doc.text == "The patient takes metformin twice daily."
        assert doc.warnings == [
            f"7.9-8.0 s: left out 6 words Whisper wrote over no sound{told} (no-speech "
            f"probability 0.97, most words timed as lasting no time): {text!r}"]


def test_asr_text_whisper_doubts_where_no_speech_is_heard_is_left_out(
        tmp_path: Path) -> None:
    """Whisper wrote "You" (no-speech probability 0.84) over 20 s of plucked chords, and
    the document kept it as the recording's one word, with no warning. Text Whisper
    doubts where the speech detector hears no speech is left out, with a warning; over
    speech, or doubted less, it is kept."""
    from uncertain import audio

    t = np.arange(12 * SAMPLE_RATE) / SAMPLE_RATE
    chords = (0.3 * np.sin(2 * np.pi * 262 * t) * np.exp(-(t % 1.5) * 3)).astype(np.float32)
    speech = audio.decode(DICTATION)[:12 * SAMPLE_RATE]
    you = [(" You", 6.1, 7.5, 0.03)]
    for samples, doubt, kept in ((chords, 0.84, False), (speech, 0.84, True),
                                 (chords, 0.5, True)):
        path = write_wav(tmp_path / "rec.wav", samples)
        first = recording([segment(" You", you, no_speech_prob=doubt)])
        doc = asr.transcribe(path, engine=ReplayEngine(first, recording([])))
        assert doc.text == ("You" if kept else "")
        if not kept:
            assert doc.warnings == [
                "6.1-7.5 s: left out a word Whisper doubted where the speech detector heard "
                "no speech (no-speech probability 0.84, music or noise?): 'You'",
                "no speech recognised in 12.0 s of audio"]


def test_asr_speech_after_the_last_word_is_decoded_again(tmp_path: Path) -> None:
    """Whisper stops before the end of what it hears: a dictation ending "Takes hydralazine
    25 milligrams" came back as "takes hydrogen", the dose's last 2.3 s lost with no
    warning. The stretch of 2 s or more after the last word, where the sound rises and
    falls as speech does at the level of the speech before it, is decoded again on its
    own; the words heard in it keep the file's times."""
    path = write_wav(tmp_path / "speech.wav", _speechlike(9.0))
    # (a first word at the start: the speech-like sound before 6 s is no stretch unheard)
    first = recording([segment(" so takes hydrogen", [(" so", 0.1, 0.5, 0.8),
                                                      (" takes", 6.02, 6.24, 0.8),
                                                      (" hydrogen", 6.24, 6.68, 0.4)])])
    again = recording([segment(" in 25 milligrams.", [
        (" in", 0.0, 0.34, 0.5), (" 25", 0.34, 1.04, 0.9), (" milligrams.", 1.04, 1.78, 0.9)])])
    engine = ReplayEngine(first, again)
    doc = asr.transcribe(path, engine=engine)
    assert [n for n, _ in engine.calls] == [9 * SAMPLE_RATE, round(2.32 * SAMPLE_RATE)]
    kwargs = engine.calls[1][1]
    assert kwargs["temperature"] == [0.0] and kwargs["initial_prompt"] is None
    assert [(w.text, w.start, w.end) for w in doc.words] == [
        ("so", 0.1, 0.5), ("takes", 6.02, 6.24), ("hydrogen", 6.24, 6.68), ("in", 6.68, 7.02),
        ("25", 7.02, 7.72), ("milligrams.", 7.72, 8.46)]
    assert [s.text for s in doc.segments] == ["so takes hydrogen", "in 25 milligrams."]
    # what Whisper takes for no speech there is not kept; under 2 s is not decoded
    unsure = recording([{**again["segments"][0], "no_speech_prob": 0.8}])
    assert asr.transcribe(path, engine=ReplayEngine(first, unsure)).text == (
        "so takes hydrogen")
    engine = ReplayEngine(first, again)
    asr.transcribe(write_wav(tmp_path / "short.wav", _speechlike(8.6)), engine=engine)
    assert len(engine.calls) == 1


def test_asr_speech_before_the_first_word_is_decoded_again(tmp_path: Path) -> None:
    """A telephone call's first 4.4 s ("Medication list. Metformin 500 milligrams twice
    daily.") were lost in batch: the batched decoder's reading began at 4.6 s, and only
    stretches of 8 s or more, or after the last word, were decoded again. The stretch of
    2 s or more before the first word is decoded again as the one after the last is, when
    its sound rises and falls at the level of the speech after it; a silent lead-in, a
    held chord or a quiet murmur is not."""
    path = write_wav(tmp_path / "call.wav", _speechlike(9.0))
    first = recording([segment(" listen up", [(" listen", 4.42, 4.9, 0.8),
                                              (" up", 5.2, 5.4, 0.8)]),
                       segment(" daily", [(" daily", 8.0, 8.9, 0.8)])])
    again = recording([segment(" Medication list.", [(" Medication", 0.0, 0.68, 0.7),
                                                     (" list.", 0.68, 1.3, 0.8)]),
                       segment(" listen", [(" listen", 4.3, 4.8, 0.5)])])  # past the stretch
    engine = ReplayEngine(first, again)
    doc = asr.transcribe(path, engine=engine)
    assert [n for n, _ in engine.calls] == [9 * SAMPLE_RATE, round(4.42 * SAMPLE_RATE)]
    assert engine.calls[1][1]["initial_prompt"] is None
    assert [(w.text, w.start) for w in doc.words] == [
        ("Medication", 0.0), ("list.", 0.68), ("listen", 4.42), ("up", 5.2), ("daily", 8.0)]
    rng = np.random.default_rng(5)
    n = round(4.4 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    chord = 0.05 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    murmur = 0.002 * _speechlike(4.4)  # 34 dB under the speech after it
    for name, lead in (("silence", np.zeros(n)), ("hiss", 0.05 * rng.standard_normal(n)),
                       ("chord", chord), ("murmur", murmur)):
        path = write_wav(tmp_path / f"{name}.wav", np.concatenate([lead, _speechlike(4.6)]))
        engine = ReplayEngine(first, again)
        assert asr.transcribe(path, engine=engine).text.split() == ["listen", "up", "daily"]
        assert len(engine.calls) == 1, name
    # under 2 s before the first word is not decoded
    early = recording([segment(" listen", [(" listen", 1.9, 2.3, 0.8), (" up", 2.4, 2.6, 0.8),
                                           (" daily", 8.0, 8.9, 0.8)])])
    engine = ReplayEngine(early, again)
    asr.transcribe(path.with_name("call.wav"), engine=engine)
    assert len(engine.calls) == 1


def test_asr_no_speech_after_the_last_word_is_not_decoded_again(tmp_path: Path) -> None:
    """After the last word a recording often holds no speech: silence, a steady hiss, room
    tone, music held to the end, a breath, or the end of the last word where Whisper
    timed it early. Whisper invents words in such sound ("Thank you."), so none of it is
    decoded again: it does not rise and fall as speech does, or too little of it (under
    1 s) is near the level of the speech before it."""
    rng = np.random.default_rng(5)
    n = 3 * SAMPLE_RATE
    t = np.arange(n) / SAMPLE_RATE
    brown = np.cumsum(rng.standard_normal(n))
    tone = brown - np.convolve(brown, np.ones(400) / 400, "same")  # level moving 4 dB
    breath = np.zeros(n)
    breath[:round(0.4 * SAMPLE_RATE)] = 0.005 * rng.standard_normal(round(0.4 * SAMPLE_RATE))
    timed_early = np.zeros(n)
    timed_early[:round(0.5 * SAMPLE_RATE)] = _speechlike(0.5)
    chord = 0.05 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    first = recording([segment(" a b", [(" a", 0.5, 1.0, 0.8), (" b", 5.5, 6.0, 0.8)])])
    again = recording([segment(" Thank you.", [(" Thank", 0.5, 0.8, 0.6),
                                               (" you.", 0.8, 1.0, 0.6)])])
    for name, tail in (("silence", np.zeros(n)), ("hiss", 0.05 * rng.standard_normal(n)),
                       ("room-tone", 0.05 * tone / tone.std()), ("chord", chord),
                       ("breath", breath), ("timed-early", timed_early)):
        path = write_wav(tmp_path / f"{name}.wav", np.concatenate([_speechlike(6.0), tail]))
        engine = ReplayEngine(first, again)
        doc = asr.transcribe(path, engine=engine)
        assert len(engine.calls) == 1, name
        assert doc.text == "a b"


def test_asr_a_chunk_boundary_is_no_recording_end(tmp_path: Path) -> None:
    """A long recording is heard in chunks, each decoded as a recording of its own: the
    stretch after a chunk's last word runs to the chunk's end (where it was cut), not to
    the recording's, is decoded again with the file's times, and a chunk whose words
    run to its cut has nothing decoded again there."""
    from uncertain.audio import iter_chunks

    samples = np.concatenate([_speechlike(9.0), np.zeros(SAMPLE_RATE), _speechlike(9.0)])
    path = write_wav(tmp_path / "long.wav", samples)
    cut = next(iter_chunks(path, chunk_seconds=10.0, search_seconds=2.0)).end
    assert 9.0 <= cut <= 10.0
    to_cut = recording([segment(" a b", [(" a", 0.5, 1.0, 0.8), (" b", 8.4, 8.9, 0.8)])])
    # words to the end of both chunks: nothing decoded again at the cut or the end
    engine = ReplayEngine(to_cut, recording([segment(" c d", [(" c", 1.5, 2.0, 0.8),
                                                              (" d", 18.5 - cut, 19.0 - cut,
                                                               0.8)])]))
    doc = asr.transcribe(path, engine=engine, chunk_seconds=10.0, search_seconds=2.0)
    assert [n for n, _ in engine.calls] == [round(cut * SAMPLE_RATE),
                                            round((19.0 - cut) * SAMPLE_RATE)]
    assert doc.text.split() == ["a", "b", "c", "d"]
    # the first chunk's words stop at 6 s: 6 s to the cut is decoded again, in the file's
    # times, and the second chunk is heard as before
    early = recording([segment(" a b", [(" a", 0.5, 1.0, 0.8), (" b", 5.5, 6.0, 0.8)])])
    tail = recording([segment(" e", [(" e", 0.5, 1.0, 0.8)])])
    engine = ReplayEngine(early, tail, recording([segment(" c d", [
        (" c", 1.5, 2.0, 0.8), (" d", 18.5 - cut, 19.0 - cut, 0.8)])]))
    doc = asr.transcribe(path, engine=engine, chunk_seconds=10.0, search_seconds=2.0)
    assert [n for n, _ in engine.calls] == [round(cut * SAMPLE_RATE),
                                            round((cut - 6.0) * SAMPLE_RATE),
                                            round((19.0 - cut) * SAMPLE_RATE)]
    assert [(w.text, w.start) for w in doc.words] == [
        ("a", 0.5), ("b", 5.5), ("e", 6.5), ("c", round(cut + 1.5, 3)), ("d", 18.5)]


def test_asr_a_recording_is_heard_in_ten_minute_chunks(tmp_path: Path) -> None:
    """Whisper lost more stretches of speech in three-minute chunks than in ten-minute
    ones (benchmarks/long_speech.py): a five-minute recording is one stream."""
    path = write_wav(tmp_path / "long.wav", _speechlike(295.5))  # (ends where its words end)
    engine = ReplayEngine(recording([
        segment(" a", [(" a", t, t + 0.5, 0.8)]) for t in range(0, 300, 5)]))
    asr.transcribe(path, engine=engine)
    assert [n for n, _ in engine.calls] == [round(295.5 * SAMPLE_RATE)]


def test_asr_options_are_a_frozen_dataclass() -> None:
    opts = asr.TranscribeOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.beam_size = 1  # type: ignore[misc]
    assert opts.engine_kwargs()["temperature"] == list(opts.temperature)
    assert "vad_parameters" not in opts.engine_kwargs()
    vad = dataclasses.replace(opts, vad_filter=True,
                              vad_parameters={"min_silence_duration_ms": 500})
    assert vad.engine_kwargs()["vad_parameters"] == {"min_silence_duration_ms": 500}
    json.dumps(opts.as_dict())


# -- the real engine ---------------------------------------------------------------------------


@pytest.mark.slow
def test_asr_real_jfk() -> None:
    doc = asr.transcribe(JFK)
    assert "fellow Americans" in doc.text
    assert doc.source.model == "tiny.en"
    duration = doc.source.duration or 0.0
    previous = 0.0
    for word in doc.words:
        assert word.confidence is not None and 0.0 <= word.confidence <= 1.0
        assert word.start is not None and word.end is not None
        assert previous <= word.start <= word.end <= duration + 0.05
        previous = word.start
        assert word.tokens
        mean = float(np.mean([t.probability for t in word.tokens]))
        assert mean == pytest.approx(word.confidence, abs=1e-6)


DRUGS = ("metformin", "lisinopril", "atorvastatin", "ibuprofen", "omeprazole")


_SAMPLED = """
import json, sys
from uncertain import asr
doc = asr.transcribe(sys.argv[1], temperature=(1.0,), best_of=1)
print(json.dumps([doc.text, doc.source.options.get("sampling_seed")]))
"""


@pytest.mark.slow
def test_asr_real_sampled_decoding_gives_the_same_words_in_each_process() -> None:
    """Whisper's temperature fallback samples, and CTranslate2 seeded each process's
    sampling from the OS: the dictation decoded by sampling gave other words in each
    process ("Patient seen today for follow up ...", "Patient seen today for follow-up
    Type 2 ..."). Seeded when the model is loaded, two fresh processes agree."""
    import subprocess
    import sys

    runs = [json.loads(subprocess.run([sys.executable, "-c", _SAMPLED, str(DICTATION)],
                                      capture_output=True, text=True, check=True,
                                      cwd=ROOT).stdout)
            for _ in range(2)]
    assert runs[0][0] and runs[0] == runs[1]
    assert runs[0][1] == 0  # recorded in the document's options


_FAST = """
import json, sys
from uncertain import asr
print(json.dumps(asr.transcribe(sys.argv[1]).text))
"""


@pytest.mark.slow
def test_asr_real_fallback_reads_the_same_whatever_was_transcribed_before(
        tmp_path: Path) -> None:
    """CTranslate2 draws a model's sampling from one generator per worker thread, seeded
    once, so a recording Whisper fell back to sampling on read otherwise after others in
    one process: a fast dictation read "They should take seven or 25 milligrams" first,
    "They should take several hours, 25 milligrams" after four other files. Each
    transcription samples with a generator of its own, seeded: it reads the same after
    others, beside another on a second thread, and in a fresh process."""
    import sys
    import threading

    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for this test (apt-get install espeak-ng)")
    fast = tmp_path / "fast.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "350", "-w", str(fast),
                    "Patient takes metoprolol twenty five milligrams twice daily and "
                    "lisinopril ten milligrams, no propranolol, allergic to penicillin, "
                    "follow up in two weeks."], check=True)
    first = asr.transcribe(fast)
    assert any((s.temperature or 0.0) > 0 for s in first.segments)  # it fell back
    asr.transcribe(fast, temperature=(1.0,))  # sampling all through
    asr.transcribe(JFK)
    assert asr.transcribe(fast).text == first.text
    beside: list[str] = []
    other = threading.Thread(
        target=lambda: beside.append(asr.transcribe(fast, temperature=(1.0,)).text))
    other.start()
    assert asr.transcribe(fast).text == first.text
    other.join()
    assert beside and beside[0] != first.text  # (the other thread did sample meanwhile)
    fresh = subprocess.run([sys.executable, "-c", _FAST, str(fast)], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout
    assert json.loads(fresh) == first.text


@pytest.mark.slow
def test_asr_real_dictation_has_a_doubtful_drug_word() -> None:
    """tiny.en mishears most drug names in the synthetic dictation, and says so."""
    doc = asr.transcribe(DICTATION)
    reference = (ROOT / "samples" / "references" / "dictation.txt").read_text().lower()
    plain = set(re.findall(r"[a-z]+", reference)) - set(DRUGS)

    def key(text: str) -> str:
        return re.sub(r"[^a-z]", "", text.lower())

    # words of the drug sentences that are not ordinary words of the reference stand
    # where a drug name was spoken (misheard) or are the drug names themselves
    drug_words = [w for s in doc.segments if "milligram" in s.text or "ibuprofen" in s.text
                  for w in s.words if key(w.text) and key(w.text) not in plain]
    assert drug_words
    assert min(w.confidence or 0.0 for w in drug_words) < 0.5


@pytest.mark.slow
def test_asr_real_dictation_damaged_inside_is_heard_after_the_damage(tmp_path: Path) -> None:
    """An MP3 of the dictation with 4 KB overwritten a third of the way in was refused
    whole; read around the damage, the words after it are heard at their times."""
    from test_audio import _encode

    from uncertain import audio

    whole = _encode(tmp_path / "whole.mp3", audio.decode(DICTATION), "mp3", "libmp3lame",
                    16000)
    data = bytearray(whole.read_bytes())
    at = len(data) // 3
    data[at:at + 4096] = np.random.default_rng(5).integers(0, 256, 4096, np.uint8).tobytes()
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(bytes(data))
    clean = asr.transcribe(whole)
    doc = asr.transcribe(damaged)
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith(f"{damaged}: damaged at ")
    end = float(doc.warnings[0].split("damaged at ")[1].split("-")[1].split(" s")[0])
    after = [(w.text, w.start) for w in doc.words if w.start > end + 1.0]
    heard = [w for w in clean.words if w.start > end + 1.0]
    assert len(after) >= 0.8 * len(heard) and "kidney" in doc.text and "clinic" in doc.text
    times = {w.text: w.start for w in heard}
    same = [abs(start - times[text]) for text, start in after if text in times]
    assert len(same) >= 0.7 * len(after) and float(np.median(same)) < 0.15


@pytest.mark.slow
def test_asr_real_dictation_with_damaged_samples_is_still_heard(tmp_path: Path) -> None:
    """Ten NaN samples in 32 s of a float WAV made tiny.en hear no speech at all, and the
    dictation at 100 times full scale six words; repaired, both are heard as the sound
    file is, with a warning."""
    from test_audio import write_float_wav

    from uncertain import audio

    samples = audio.decode(DICTATION)
    clean = asr.transcribe(write_float_wav(tmp_path / "clean.wav", samples))
    damaged = samples.copy()
    damaged[50_000:50_010] = np.nan
    doc = asr.transcribe(write_float_wav(tmp_path / "damaged.wav", damaged))
    assert "milligrams" in doc.text and "kidney function" in doc.text
    assert len(doc.words) >= 0.9 * len(clean.words)
    assert doc.warnings == ["10 samples (0.001 s) of the audio were not numbers (NaN or "
                            "infinite: a damaged recording) and were read as silence"]
    # at a hundred times full scale tiny.en heard six words of it; scaled down, all
    loud = asr.transcribe(write_float_wav(tmp_path / "loud.wav", samples * 100))
    assert len(loud.words) >= 0.9 * len(clean.words) and "kidney function" in loud.text
    assert "read scaled down by its loudest sample" in loud.warnings[0]
    # one click at a hundred times full scale, scaled by, left the speech after it 40 dB
    # too quiet ("Add or master Twin or the milligram 10 time"); read as silence, it is not
    clicked = samples.copy()
    clicked[16000 * 8] = 100.0
    doc = asr.transcribe(write_float_wav(tmp_path / "clicked.wav", clicked))
    assert len(doc.words) >= 0.9 * len(clean.words) and "kidney function" in doc.text
    assert "bedtime" in doc.text and "breakfast" in doc.text
    assert doc.warnings == ["1 sample (0.000 s) of the audio were far beyond full scale "
                            "among samples within it (clicks: a damaged recording) and were "
                            "read as silence"]


@pytest.mark.slow
def test_asr_real_dictation_whose_channels_cancel_is_heard(tmp_path: Path) -> None:
    """The dictation in stereo with the right channel the left inverted mixed to digital
    silence ("no speech recognised"); read from one channel, it is heard."""
    from test_audio import _write_stereo

    from uncertain import audio

    samples = audio.decode(DICTATION)
    path = _write_stereo(tmp_path / "inverted.wav", samples, -samples, SAMPLE_RATE,
                         "pcm_s16le")
    doc = asr.transcribe(path)
    assert "milligrams" in doc.text and "kidney function" in doc.text
    assert doc.warnings == ["the audio's 2 channels cancel when mixed to mono (one is "
                            "another inverted); channel 1 alone was read"]


def _said_dictation(path: Path) -> Path:
    """Two sentences of a dictation said by espeak-ng (en-us, 150 words a minute) into
    ``path``."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for this test (apt-get install espeak-ng)")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path),
                    "The patient takes metformin five hundred milligrams twice daily. "
                    "Blood pressure today is one hundred thirty eight over eighty six."],
                   check=True)
    return path


@pytest.mark.slow
def test_asr_real_speech_in_one_channel_noise_in_the_other_is_heard(tmp_path: Path) -> None:
    """A sentence in the left channel and steady noise twice as loud in the right were
    mixed to mono under the noise: "no speech recognised" (raw faster-whisper heard
    nothing either). The noise channel holds no speech and is left out while the other
    speaks: the sentence is heard as from the left channel alone."""
    from test_audio import _write_stereo

    from uncertain import audio
    from uncertain.metrics import wer

    speech = audio.decode(_said_dictation(tmp_path / "said.wav"))
    speech = np.concatenate([np.zeros(SAMPLE_RATE), 0.5 * speech / np.abs(speech).max(),
                             np.zeros(SAMPLE_RATE)])
    level = float(np.sqrt(np.mean(speech[np.abs(speech) > 0.01] ** 2)))
    noise = np.random.default_rng(1).normal(0, 2 * level, len(speech))
    doc = asr.transcribe(_write_stereo(tmp_path / "call.wav", speech, noise, SAMPLE_RATE,
                                       "pcm_s16le"))
    alone = asr.transcribe(write_wav(tmp_path / "alone.wav", speech))
    assert "milligrams twice daily" in doc.text and "pressure" in doc.text
    assert wer(alone.text, doc.text) <= 0.1
    assert len(doc.warnings) == 1 and "channel 2 none" in doc.warnings[0]


@pytest.mark.slow
def test_asr_real_speech_recorded_far_too_quietly_is_heard(tmp_path: Path) -> None:
    """The silence gate took a chunk whose loudest second was under -60 dB for silence:
    the JFK sample 55 dB down (a distant microphone) was "no speech recognised", though
    Whisper hears it. Speech rises and falls, and is sent on; level noise is not."""
    from uncertain import audio

    samples = audio.decode(JFK)
    quiet = samples / np.abs(samples).max() * 10 ** (-55 / 20)
    assert audio.loudest_db(quiet) < -60
    doc = asr.transcribe(write_wav(tmp_path / "quiet.wav", quiet))
    assert "fellow Americans" in doc.text and doc.warnings == []
    hiss = np.random.default_rng(0).normal(0, 10 ** (-70 / 20), 5 * SAMPLE_RATE)
    doc = asr.transcribe(write_wav(tmp_path / "hiss.wav", hiss))
    assert doc.segments == [] and doc.warnings == ["no speech recognised in 5.0 s of audio"]


@pytest.mark.slow
def test_asr_real_silence_is_empty(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(5 * SAMPLE_RATE))
    doc = asr.transcribe(path)
    assert doc.segments == []
    assert doc.warnings == ["no speech recognised in 5.0 s of audio"]
    assert doc.source.duration == pytest.approx(5.0)


@pytest.mark.slow
def test_asr_real_dictation_after_a_minute_of_silence_is_heard(tmp_path: Path) -> None:
    from uncertain import audio

    speech = audio.decode(DICTATION)
    path = write_wav(tmp_path / "late.wav",
                     np.concatenate([np.zeros(60 * SAMPLE_RATE, dtype=np.float32), speech]))
    doc = asr.transcribe(path)
    assert "You" not in doc.text.split()
    assert "milligrams" in doc.text and len(doc.words) > 40
    assert min(w.start or 0.0 for w in doc.words) > 59.0


@pytest.mark.slow
def test_asr_real_dictation_whose_end_whisper_left_out_is_heard(tmp_path: Path) -> None:
    """tiny.en stops this dictation at "takes high" (7.1 s of 9.7 s): the dose was lost
    with no warning. The speech after the last word is decoded again and the dose heard."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for this test (apt-get install espeak-ng)")
    path = tmp_path / "allergy.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(path),
                    "Allergies: codeine and sulfa drugs. She also reacts to penicillin. "
                    "Takes hydralazine 25 milligrams."], check=True)
    doc = asr.transcribe(path)
    said = [w.text.strip(".,").lower() for w in doc.words]
    assert said[-2:] == ["25", "milligrams"], said
    assert said.count("25") == 1 and doc.words[-1].end > 8.5
    assert [w.start for w in doc.words] == sorted(w.start for w in doc.words)


@pytest.mark.slow
def test_asr_real_chunked_jfk_keeps_times_in_order() -> None:
    doc = asr.transcribe(JFK, chunk_seconds=6.0, search_seconds=2.0)
    assert "fellow Americans" in doc.text
    starts = [w.start or 0.0 for w in doc.words]
    assert starts == sorted(starts)
    assert max(w.end or 0.0 for w in doc.words) <= 11.05


@pytest.mark.slow
def test_asr_real_vad_filter_keeps_tokens_and_times() -> None:
    doc = asr.transcribe(JFK, vad_filter=True)
    assert "fellow Americans" in doc.text
    assert all(w.tokens for w in doc.words)
    starts = [w.start or 0.0 for w in doc.words]
    assert starts == sorted(starts) and starts[-1] <= 11.0


@pytest.mark.slow
def test_asr_real_telephone_audio_at_8_khz_is_resampled_and_heard(tmp_path: Path) -> None:
    """A telephone recording (8 kHz mono WAV, mu-law or 16-bit PCM, as sox makes from a
    sentence espeak-ng said) is resampled to 16 kHz in time with the wideband original
    (no shift, no stretch, its length kept), nothing above the telephone band made up,
    alike from a file, from memory (a batch's archive member) and read in pieces; and the
    model hears the same sentence from either encoding, its words in order."""
    from uncertain import audio
    from uncertain.metrics import wer

    if shutil.which("sox") is None:
        pytest.fail("sox is required for this test (apt-get install sox)")
    said = _said_dictation(tmp_path / "said.wav")
    wide = audio.decode(said)
    docs = {}
    for encoding in ("mu-law", "signed-integer"):
        call = tmp_path / f"call-{encoding}.wav"
        subprocess.run(["sox", str(said), "-r", "8000", "-c", "1", "-e", encoding,
                        *(["-b", "16"] if encoding == "signed-integer" else []), str(call)],
                       check=True)
        samples = audio.decode(call)
        assert abs(len(samples) - len(wide)) <= 2  # (8.74 s either way)
        n = min(len(samples), len(wide))
        spread = np.fft.irfft(np.fft.rfft(samples[:n], 2 * n)
                              * np.conj(np.fft.rfft(wide[:n], 2 * n)))
        assert int(np.argmax(spread)) == 0  # in time with the original
        assert np.corrcoef(samples[:n], wide[:n])[0, 1] > 0.98
        power = np.abs(np.fft.rfft(samples)) ** 2
        above = power[np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE) > 4100].sum()
        assert 10 * np.log10(above / power.sum()) < -35  # (images of the band, filtered)
        assert np.array_equal(audio.decode_bytes(call.read_bytes(), call.name), samples)
        pieces = [c.samples for c in audio.iter_chunks(call, chunk_seconds=4.0,
                                                       search_seconds=1.0)]
        assert len(pieces) > 1
        assert np.allclose(np.concatenate(pieces), samples, atol=1e-6)
        docs[encoding] = asr.transcribe(call)
    for doc in docs.values():
        assert doc.source.duration == pytest.approx(len(wide) / SAMPLE_RATE, abs=0.01)
        assert doc.warnings == []
        said_words = [w.text.strip(".,-").lower() for w in doc.words]
        heard = [w for w in ("patient", "milligrams", "blood", "pressure", "today")
                 if w in said_words]
        assert heard == ["patient", "milligrams", "blood", "pressure", "today"], said_words
        starts = [w.start or 0.0 for w in doc.words]
        assert starts == sorted(starts)
    assert wer(docs["signed-integer"].text, docs["mu-law"].text) <= 0.25
