"""Decoder alternatives: aligning n-best hypotheses to the words heard, with a fake decoder."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from uncertain._io import sha256_file
from uncertain.audio import SAMPLE_RATE
from uncertain.document import Alternative, Document, Flag, Segment, Source, Word
from uncertain.nbest import NbestOptions, add_nbest, align_hypothesis


@pytest.mark.parametrize(
    ("words", "hypothesis", "expected"),
    [
        ("Continue met four min five", "Continue metformin five", [(1, "metformin")]),
        ("Start listing up little ten", "Start lisinopril 10.", [(1, "lisinopril 10")]),
        ("take two a day", "take 2 a day", [(1, "2")]),
        ("take two a day", "Take two a day.", []),  # case and punctuation are no change
        ("a b c", "a c", []),  # a dropped word has nothing to offer
        ("a b c", "a b x c", []),  # nor an inserted one
        ("or master ten", "atorvastatin ten", [(0, "atorvastatin")]),
        ("one two", "three four", [(0, "three"), (1, "four")]),
    ],
)
def test_nbest_align_hypothesis(words: str, hypothesis: str,
                                expected: list[tuple[int, str]]) -> None:
    assert align_hypothesis(words.split(), hypothesis.split()) == expected


class FakeDecoder:
    def __init__(self, hypotheses: list[tuple[str, float]]) -> None:
        self.hypotheses = hypotheses
        self.calls: list[tuple[int, int]] = []

    def nbest(self, audio: np.ndarray, n: int) -> list[tuple[str, float]]:
        self.calls.append((len(audio), n))
        return self.hypotheses[:n]


def make_doc(modality: str = "audio") -> Document:
    doubtful = [Word(text=t, start=s, end=s + 0.3, confidence=c) for t, s, c in
                [("Continue", 0.0, 0.9), ("met", 0.3, 0.4), ("four", 0.6, 0.3),
                 ("min", 0.9, 0.5), ("daily.", 1.2, 0.9)]]
    sure = [Word(text=t, start=s, end=s + 0.3, confidence=0.95) for t, s in
            [("Check", 2.0), ("potassium.", 2.3)]]
    doubtful[1] = doubtful[1].model_copy(update={
        "alternatives": [Alternative(text="mat", confidence=0.1, source="other")]})
    source = Source(path="/nonexistent.wav", sha256="0" * 64, modality=modality,  # type: ignore[arg-type]
                    engine="faster-whisper", duration=3.0)
    return Document(source=source, segments=[
        Segment(id=0, words=doubtful, start=0.0, end=1.5),
        Segment(id=1, words=sure, start=2.0, end=2.6)],
        flags=[Flag(reason="low_confidence", text="four", start=2, end=3, confidence=0.7)])


AUDIO = np.full(3 * SAMPLE_RATE, 0.1, dtype=np.float32)
HYPOTHESES = [("Continue met four min daily.", -3.0), ("Continue metformin daily.", -3.5),
              ("Continue met for me daily.", -5.0), ("Continue Metformin daily.", -6.0)]


def test_nbest_adds_alternatives_to_doubtful_segments_only() -> None:
    doc = make_doc()
    decoder = FakeDecoder(HYPOTHESES)
    out = add_nbest(doc, audio=AUDIO, n=4, decoder=decoder)
    # segment 0, 0.2 s of margin, and the pause up to the next segment's first word
    assert decoder.calls == [(round(2.0 * SAMPLE_RATE), 4)]
    met = out.segments[0].words[1]
    assert [a.text for a in met.alternatives] == ["mat", "metformin"]
    assert met.alternatives[0].source == "other"  # what was there stays first
    assert met.alternatives[1].source == "nbest"
    # the word's doubt (1 - 0.4), all of it: every hypothesis that says something else
    # there says metformin (in two casings, one alternative)
    assert met.alternatives[1].confidence == pytest.approx(0.6, abs=1e-4)
    four = out.segments[0].words[2]
    assert [(a.text, a.confidence) for a in four.alternatives] == [("for", 0.7)]
    assert out.segments[1] == doc.segments[1]


def test_nbest_alternatives_share_out_the_words_doubt() -> None:
    """An alternative's confidence was its hypotheses' share of the n-best list: a sure,
    right "Start" (0.81) had "Add" at 1.0 beside it."""
    hypotheses = [("Continue met four min daily.", -3.0), ("Continue metformin daily.", -3.5),
                  ("Continue metoprolol daily.", -4.0), ("Continued met four min daily.", -4.5)]
    out = add_nbest(make_doc(), audio=AUDIO, decoder=FakeDecoder(hypotheses))
    weights = [math.exp(t + 3.0) for _, t in hypotheses]
    met = out.segments[0].words[1]
    assert [(a.text, a.confidence) for a in met.alternatives[1:]] == [
        ("metformin", pytest.approx(0.6 * weights[1] / (weights[1] + weights[2]), abs=1e-4)),
        ("metoprolol", pytest.approx(0.6 * weights[2] / (weights[1] + weights[2]), abs=1e-4))]
    (continued,) = out.segments[0].words[0].alternatives
    assert continued.text == "Continued" and continued.confidence == pytest.approx(0.1)
    for word in out.words:
        assert (word.confidence or 0.0) + sum(
            a.confidence for a in word.alternatives if a.source == "nbest") <= 1.0 + 1e-6


def test_nbest_writing_the_same_words_otherwise_is_no_alternative() -> None:
    """"follow-up" was an alternative of "follow" "-up" (the engine's two pieces of it),
    "one" of "1" and "bed time" of "bedtime"."""
    words = [Word(text=t, start=k * 0.4, end=k * 0.4 + 0.3, confidence=0.3,
                  space_after=t != "follow")
             for k, t in enumerate(["Book", "follow", "-up", "in", "1", "week", "bedtime."])]
    source = Source(path="/nonexistent.wav", sha256="0" * 64, modality="audio",
                    engine="faster-whisper", duration=3.0)
    doc = Document(source=source, segments=[Segment(id=0, words=words, start=0.0, end=2.7)])
    hypotheses = [("Book follow-up in one week, bed time.", -1.0),
                  ("Book follow up in 1 week bedtime", -2.0),
                  ("Look follow-up in one week bedtime.", -3.0)]
    out = add_nbest(doc, audio=AUDIO, decoder=FakeDecoder(hypotheses))
    assert [(w.text, [a.text for a in w.alternatives]) for w in out.words
            if w.alternatives] == [("Book", ["Look"])]


def test_nbest_reads_every_window_of_a_file_in_one_stream(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without audio=, the file was decoded from its start once per doubtful segment
    (36 times for a 5.5-minute dictation)."""
    from test_audio import write_wav

    from uncertain import audio as audio_module

    path = write_wav(tmp_path / "note.wav", AUDIO)
    doc = make_doc()
    sure = [w.model_copy(update={"confidence": 0.3}) for w in doc.segments[1].words]
    doc = doc.model_copy(update={
        "segments": [doc.segments[0], doc.segments[1].model_copy(update={"words": sure})],
        "source": doc.source.model_copy(update={"path": str(path),
                                                "sha256": sha256_file(path)})})
    reads = []
    real = audio_module.iter_chunks
    monkeypatch.setattr(audio_module, "iter_chunks",
                        lambda *a, **k: reads.append(a) or real(*a, **k))
    decoder = FakeDecoder(HYPOTHESES)
    add_nbest(doc, decoder=decoder)
    assert len(decoder.calls) == 2 and all(n > 0 for n, _ in decoder.calls)
    assert len(reads) == 1


def test_nbest_changes_no_word_time_or_flag() -> None:
    doc = make_doc()
    out = add_nbest(doc, audio=AUDIO, decoder=FakeDecoder(HYPOTHESES))
    strip = [[w.model_dump(exclude={"alternatives"}) for w in s.words] for s in out.segments]
    assert strip == [[w.model_dump(exclude={"alternatives"}) for w in s.words]
                     for s in doc.segments]
    assert out.flags == doc.flags
    assert out.source.options["nbest"] == 4


@pytest.mark.parametrize("modality", ["text", "image"])
def test_nbest_is_a_noop_off_audio(modality: str) -> None:
    doc = make_doc(modality)
    decoder = FakeDecoder(HYPOTHESES)
    assert add_nbest(doc, decoder=decoder) is doc
    assert decoder.calls == []


def test_nbest_is_a_noop_when_every_word_is_confident() -> None:
    doc = make_doc()
    decoder = FakeDecoder(HYPOTHESES)
    assert add_nbest(doc, decoder=decoder, options=NbestOptions(below=0.1)) is doc
    assert decoder.calls == []


def test_nbest_needs_two_hypotheses() -> None:
    with pytest.raises(ValueError, match="n >= 2"):
        add_nbest(make_doc(), n=1, decoder=FakeDecoder(HYPOTHESES))
