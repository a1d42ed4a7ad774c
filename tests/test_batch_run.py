"""Batch runs with fake per-file work and the fast real stages: records, resume, exit codes.

Audio goes through a fake ``BatchedInferencePipeline`` that replays output recorded from
the real one (tests/data/batch/batched_segments.json, faster-whisper 1.2.1 over the
bundled tiny.en); the slow tests in test_batch_slow.py run the real engines.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sys
import tarfile
import wave
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np
import pytest

from uncertain import _cli_runs
from uncertain._batch_asr import BatchedASR, BatchedOptions, decode_bytes, plan_device
from uncertain._batch_inputs import Item
from uncertain._batch_records import read_records
from uncertain._batch_work import WorkConfig, Worker, error_record
from uncertain._ray import plan_actors
from uncertain.batch import run_batch
from uncertain.cli import main as cli_main
from uncertain.document import Document
from uncertain.errors import (
    CorruptInputError,
    EngineNotFoundError,
    InputTooLargeError,
    MissingFileError,
    ModelNotFoundError,
)

DATA = Path(__file__).resolve().parent / "data" / "batch"


# -- fakes ---------------------------------------------------------------------------------


class FakeProcessor:
    """Per-file work that reads the bytes: content starting with b"bad" fails."""

    built: ClassVar[list[WorkConfig]] = []

    def __init__(self, config: WorkConfig) -> None:
        FakeProcessor.built.append(config)

    def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
        if item.error is not None:
            return error_record(item.path, sha256, item.error)
        if item.data is None and not Path(item.file or "").is_file():
            return error_record(item.path, sha256, MissingFileError(item.path, "gone"))
        data = item.data if item.data is not None else Path(item.file or "").read_bytes()
        if data.startswith(b"bad"):
            return error_record(item.path, sha256, CorruptInputError(item.path, "bad bytes"))
        return {"path": item.path, "sha256": sha256, "status": "ok", "kind": "audio",
                "duration": float(len(data)), "document": {"text": data.decode()}}


class ReplayPipeline:
    """``BatchedInferencePipeline.transcribe`` replaying recorded output; keeps the kwargs."""

    def __init__(self) -> None:
        self.recorded = json.loads((DATA / "batched_segments.json").read_text())
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
        self.calls.append({"samples": len(audio), **kwargs})
        segments = []
        for raw in self.recorded["segments"]:
            words = [SimpleNamespace(word=w["word"], start=w["start"], end=w["end"],
                                     probability=w["probability"],
                                     tokens=[tuple(t) for t in w["tokens"]])
                     for w in raw["words"]]
            segments.append(SimpleNamespace(**{**raw, "words": words}))
        return iter(segments), SimpleNamespace(**self.recorded["info"])


def _wav_bytes(seconds: float = 0.5) -> bytes:
    t = np.arange(int(16_000 * seconds)) / 16_000
    pcm = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(pcm)
    return buf.getvalue()


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture(autouse=True)
def _reset_fake() -> None:
    FakeProcessor.built = []


def _records(out: Path) -> list[dict[str, Any]]:
    return list(read_records(out))


# -- run_batch with fake work ---------------------------------------------------------------


def test_batch_writes_one_record_per_input(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.wav").write_bytes(b"aaa")
    (tmp_path / "in" / "b.wav").write_bytes(b"bad")
    archive = _tar(tmp_path / "set.tar.gz", {"c.wav": b"cc", "../d.wav": b"dd"})
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path / "in", archive], out=out, processor=FakeProcessor)
    records = _records(out)
    assert [(r["path"], r["status"]) for r in records] == [
        (str(tmp_path / "in" / "a.wav"), "ok"),
        (str(tmp_path / "in" / "b.wav"), "error"),
        (f"{archive}::c.wav", "ok"),
        (f"{archive}::../d.wav", "error"),
    ]
    assert records[0]["sha256"] == hashlib.sha256(b"aaa").hexdigest()
    assert records[2]["sha256"] == hashlib.sha256(b"cc").hexdigest()
    assert records[1]["error"] == "CorruptInputError"
    assert records[3]["error"] == "UnsupportedFormatError" and records[3]["sha256"] is None
    assert all(r["path"] in r["message"] for r in records if r["status"] == "error")
    assert (summary.total, summary.done, summary.failed, summary.skipped) == (4, 2, 2, 0)
    assert summary.audio_seconds == 5.0
    assert summary.errors == {"CorruptInputError": 1, "UnsupportedFormatError": 1}
    assert len(FakeProcessor.built) == 1  # one worker, built once


def test_batch_resume_skips_recorded_inputs_and_redoes_changed_ones(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.wav").write_bytes(name.encode() * 3)
    out = tmp_path / "out.jsonl"
    first = run_batch([folder], out=out, processor=FakeProcessor)
    assert first.done == 3
    (folder / "b.wav").write_bytes(b"changed")
    (folder / "d.wav").write_bytes(b"ddd")
    second = run_batch([folder, folder / "a.wav"], out=out, resume=True,
                       processor=FakeProcessor)
    # (a.wav, named twice, is one input)
    assert (second.done, second.skipped, second.total, second.named_again) == (2, 2, 4, 1)
    # the changed file's new record replaces its old one, and the summary says so
    keys = [(Path(r["path"]).name, r["sha256"]) for r in _records(out)]
    assert [k[0] for k in keys] == ["a.wav", "c.wav", "b.wav", "d.wav"]
    assert (first.redone, second.redone) == (0, 1)
    assert "redone: 1 input an earlier run recorded with other content" in second.format()
    assert "redone" not in first.format()
    third = run_batch([folder], out=out, resume=True, processor=FakeProcessor)
    assert (third.done, third.skipped, third.redone) == (0, 4, 0)
    assert len(_records(out)) == 4


def test_batch_resume_repairs_a_partial_line(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"aaa")
    (tmp_path / "b.wav").write_bytes(b"bbb")
    out = tmp_path / "out.jsonl"
    run_batch([tmp_path / "a.wav"], out=out, processor=FakeProcessor)
    with open(out, "ab") as fh:
        fh.write(b'{"path": "' + str(tmp_path / "b.wav").encode() + b'", "sha')
    summary = run_batch([tmp_path / "a.wav", tmp_path / "b.wav"], out=out, resume=True,
                        processor=FakeProcessor)
    assert summary.repaired_bytes > 0 and (summary.done, summary.skipped) == (1, 1)
    assert [Path(r["path"]).name for r in _records(out)] == ["a.wav", "b.wav"]
    assert out.read_bytes().endswith(b"}\n")


def test_batch_refuses_existing_out_unless_resume_or_force(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"aaa")
    out = tmp_path / "out.jsonl"
    out.write_text('{"path": "old", "sha256": null, "status": "ok"}\n')
    with pytest.raises(FileExistsError, match="--force"):
        run_batch([tmp_path / "a.wav"], out=out, processor=FakeProcessor)
    assert [r["path"] for r in _records(out)] == ["old"]
    run_batch([tmp_path / "a.wav"], out=out, force=True, processor=FakeProcessor)
    assert [Path(r["path"]).name for r in _records(out)] == ["a.wav"]


def test_batch_empty_input_warns_and_writes_nothing(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden.wav").write_bytes(b"x")
    out = tmp_path / "out.jsonl"
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        summary = run_batch([tmp_path / "empty"], out=out, processor=FakeProcessor)
    assert summary.total == 0 and not out.exists()
    assert "no input files" in caplog.text


def test_batch_threads_one_worker_per_gpu(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 2)
    for i in range(7):
        (tmp_path / f"{i}.wav").write_bytes(b"bad" if i == 3 else b"x" * (i + 1))
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path], out=out, processor=FakeProcessor, batch_size=4)
    assert (summary.done, summary.failed) == (6, 1)
    assert sorted(Path(r["path"]).name for r in _records(out)) == sorted(
        f"{i}.wav" for i in range(7))
    assert len(FakeProcessor.built) == 2  # one processor per GPU, built once


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"engine": "spark"}, "unknown engine"),
    ({"batch_size": 0}, "batch_size"),
    # refused before the run: a style failed every record, which --resume then skipped;
    # a language code no Whisper knows stopped the run at its first recording
    ({"prompts": True, "style": "fancy"}, "unknown style 'fancy'"),
    ({"language": "zz"}, "language='zz' is not a language code"),
    # 0 is not CTranslate2's default (which the message said) but the cores this
    # process may use, at most 8 (uncertain.models.default_cpu_threads)
    ({"cpu_threads": -3}, r"cpu_threads must be >= 0 \(0: the cores this process may use, "
                          r"at most 8\)"),
])
def test_batch_rejects_bad_options(tmp_path: Path, kwargs: dict[str, Any],
                                   message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_batch([tmp_path], out=tmp_path / "o.jsonl", **kwargs)
    assert not (tmp_path / "o.jsonl").exists()


# -- the real worker on fast stages, and the batched ASR through a replaying engine -----------


@pytest.fixture
def worker() -> Worker:
    return Worker(WorkConfig(validate=False, prompts=True), asr_engine=ReplayPipeline())


def test_batch_audio_member_keeps_word_probabilities_times_and_tokens(worker: Worker) -> None:
    data = _wav_bytes(1.0)
    sha = hashlib.sha256(data).hexdigest()
    record = worker.process(Item(path="set.tar::a.wav", data=data), sha)
    assert record["status"] == "ok" and record["kind"] == "audio"
    doc = Document.model_validate(record["document"])
    assert doc.source.path == "set.tar::a.wav" and doc.source.sha256 == sha
    assert doc.source.duration == 1.0
    assert doc.source.options["mode"] == "batched"
    assert doc.source.options["word_timestamps"] is True
    assert doc.source.options["condition_on_previous_text"] is False
    assert doc.text.startswith("Patient number 1 takes net form in")
    for word in doc.words:
        assert word.confidence is not None and word.start is not None and word.end is not None
        assert word.tokens and all(0.0 <= t.probability <= 1.0 for t in word.tokens)
    milligrams = next(w for w in doc.words if w.text == "milligrams")
    assert [t.text for t in milligrams.tokens] == ["mill", "ig", "rams"]
    assert isinstance(record["prompt"], str) and "Patient" in record["prompt"]
    engine = worker._asr_engine
    assert isinstance(engine, ReplayPipeline)
    (call,) = engine.calls
    assert call["samples"] == 16_000
    assert call["word_timestamps"] is True and call["batch_size"] == 8


def test_batch_batched_options_record_what_batched_mode_forces() -> None:
    options = BatchedOptions(batch_size=16, vad_filter=False).as_dict()
    assert options["batch_size"] == 16 and options["vad_filter"] is False
    assert options["word_timestamps"] is True
    assert options["hallucination_silence_threshold"] is None
    assert options["max_initial_timestamp"] == 0.0


def test_batch_text_member_is_read_from_memory(worker: Worker) -> None:
    data = "Takes metformin daily.\nNo allergies, café.\n".encode()
    record = worker.process(Item(path="z.zip::notes/n.txt", data=data), "abc")
    assert record["status"] == "ok" and record["kind"] == "text"
    doc = Document.model_validate(record["document"])
    assert doc.source.path == "z.zip::notes/n.txt" and doc.source.sha256 == "abc"
    assert [s.text for s in doc.segments] == ["Takes metformin daily.", "No allergies, café."]


def test_batch_encoding_reads_text_files_and_members_in_it(tmp_path: Path) -> None:
    """Damaged UTF-8 (a stray Latin-1 byte after valid UTF-8) is refused, naming the byte
    and how to say the encoding; with ``encoding=`` (``--encoding``) a file and an
    archive member are read in it, and the document records it."""
    data = "Caf\u00e9 au lait; cr\u00e8me.".encode() + b" Metformin caf\xe9.\n"
    member = Item(path="set.tar::notes/n.txt", data=data)
    refused = Worker(WorkConfig(validate=False)).process(member, "sha")
    assert refused["status"] == "error" and refused["error"] == "CorruptInputError"
    assert "byte 0xe9 at offset 36" in refused["message"] and "--encoding" in refused["message"]
    worker = Worker(WorkConfig(validate=False, encoding="cp1252"))
    for item in (member, Item(path=str(tmp_path / "n.txt"))):
        if item.data is None:
            Path(item.path).write_bytes(data)
        record = worker.process(item, "sha")
        assert record["status"] == "ok", record
        doc = Document.model_validate(record["document"])
        assert doc.text == "Caf\u00c3\u00a9 au lait; cr\u00c3\u00a8me. Metformin caf\u00e9."
        assert doc.source.options["encoding"] == "cp1252"
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(tmp_path / "n.txt"), "--out", str(out), "--no-validate",
                     "--no-progress", "--encoding", "latin-1"]) == 0
    (record,) = _records(out)
    assert record["document"]["source"]["options"]["encoding"] == "latin-1"
    with pytest.raises(ValueError, match="unknown encoding 'nope'"):
        run_batch([tmp_path / "n.txt"], out=tmp_path / "never.jsonl", encoding="nope")
    assert not (tmp_path / "never.jsonl").exists()


@pytest.mark.parametrize(("name", "data", "error"), [
    ("a.wav", b"", "EmptyInputError"),
    ("a.wav", b"just some words", "UnsupportedFormatError"),
    ("a.bin", b"\x00\x01\x02\x03" * 8, "UnsupportedFormatError"),
    ("a.wav", None, "CorruptInputError"),  # a WAV cut short
    ("a.flac", b"fLaC" + b"\x00" * 60, "CorruptInputError"),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "CorruptInputError"),
])
def test_batch_bad_member_gives_an_error_record_naming_it(
        worker: Worker, name: str, data: bytes | None, error: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    content = _wav_bytes(1.0)[:5000] if data is None else data
    record = worker.process(Item(path=f"set.tar::{name}", data=content), "sha")
    assert record["status"] == "error", record
    assert record["error"] == error
    assert f"set.tar::{name}" in record["message"]
    assert "uncertain-member-" not in record["message"]
    assert list(tmp_path.iterdir()) == []  # the spilled member is gone


def test_batch_audio_over_the_length_limit_is_an_error_record_and_the_rest_goes_on(
        worker: Worker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Audio longer than the limit (``$UNCERTAIN_MAX_AUDIO_SECONDS``; hours by default)
    was decoded whole, hours of a small file filling memory: in a batch run it is an
    error record naming the input, file or archive member, and the next input is read."""
    from uncertain import audio

    monkeypatch.setenv(audio.MAX_SECONDS_ENV, "2")
    long, short = _wav_bytes(3.0), _wav_bytes(1.0)
    (tmp_path / "long.wav").write_bytes(long)
    (tmp_path / "short.wav").write_bytes(short)
    for item in (Item(path=str(tmp_path / "long.wav")), Item(path="set.tar::long.wav",
                                                              data=long)):
        record = worker.process(item, "sha")
        assert record["status"] == "error" and record["error"] == "InputTooLargeError"
        assert item.path in record["message"] and "over the limit of 2 s" in record["message"]
    for item in (Item(path=str(tmp_path / "short.wav")), Item(path="set.tar::short.wav",
                                                               data=short)):
        assert worker.process(item, "sha")["status"] == "ok"


def test_batch_a_length_limit_that_is_no_length_stops_the_run_before_it_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # it was an error record for every recording ("ValueError", unexpected)
    from uncertain import audio

    (tmp_path / "a.wav").write_bytes(b"x")
    monkeypatch.setenv(audio.MAX_SECONDS_ENV, "abc")
    with pytest.raises(ValueError, match=audio.MAX_SECONDS_ENV):
        run_batch([tmp_path], out=tmp_path / "o.jsonl", processor=FakeProcessor)
    assert not (tmp_path / "o.jsonl").exists()


def test_batch_worker_turns_unexpected_failures_into_records(worker: Worker) -> None:
    class Broken:
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> Any:
            raise RuntimeError("CUDA failed with error out of memory")

    broken = Worker(WorkConfig(validate=False), asr_engine=Broken())
    record = broken.process(Item(path="x::a.wav", data=_wav_bytes(0.2)), "s")
    assert (record["status"], record["error"]) == ("error", "RuntimeError")
    assert record["message"].startswith("x::a.wav: CUDA failed")


def test_batch_decode_bytes_matches_file_decoding(tmp_path: Path) -> None:
    from uncertain.audio import decode

    data = _wav_bytes(0.75)
    (tmp_path / "a.wav").write_bytes(data)
    from_memory = decode_bytes(data, "a.wav")
    assert from_memory.dtype == np.float32 and len(from_memory) == 12_000
    np.testing.assert_array_equal(from_memory, decode(tmp_path / "a.wav"))


def test_batch_asr_records_language_from_the_engine() -> None:
    asr = BatchedASR(engine=ReplayPipeline(), options=BatchedOptions(batch_size=2))
    doc = asr.transcribe(np.zeros(8000, dtype=np.float32), path="p", sha256="s")
    assert doc.source.language == "en" and doc.source.language_probability == 1.0
    assert doc.source.options["batch_size"] == 2


@pytest.mark.parametrize("name", ["initial_prompt", "hotwords"])
def test_batch_asr_a_prompt_longer_than_whisper_reads_is_refused_by_name(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batched pipeline cuts a prompt over 223 tokens as the sequential decoder does
    (mid-word) and garbled every chunk, where ``transcribe`` refuses it: it is refused
    here too, by name, before the model is loaded."""
    from test_asr import TokenizingEngine

    from uncertain import _batch_asr
    from uncertain.asr import PROMPT_TOKENS

    def no_loading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the model was loaded")

    text = ("The patient takes metformin, lisinopril and atorvastatin daily. " * 80)[:5000]
    monkeypatch.setattr(_batch_asr, "_load", no_loading)
    with pytest.raises(ValueError, match=rf"^{name} is \d+ tokens long and Whisper reads "
                                         rf"at most {PROMPT_TOKENS}\b"):
        BatchedASR(plan=plan_device("cpu"), options=BatchedOptions(**{name: text}))
    engine = TokenizingEngine()  # (a fake pipeline: counted with the gap decoder's tokenizer)
    with pytest.raises(ValueError, match=rf"^{name} is \d+ tokens long"):
        BatchedASR(engine=ReplayPipeline(), gap_engine=engine,
                   options=BatchedOptions(**{name: text}))
    ids = engine.hf_tokenizer.encode(" " + text, add_special_tokens=False).ids[:PROMPT_TOKENS]
    fits = engine.hf_tokenizer.decode(ids).strip()
    asr = BatchedASR(engine=ReplayPipeline(), gap_engine=engine,
                     options=BatchedOptions(**{name: fits}))
    assert asr.options.engine_kwargs()[name] == fits


def _pipeline(segments: list[dict[str, Any]]) -> Any:
    """A batched pipeline that reads any audio as ``segments`` (test_asr's recorded
    form), as faster-whisper's gives them: objects, words too."""
    from test_asr import recording

    class Pipeline:
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
            out = recording(segments)
            return (SimpleNamespace(**{**s, "words": [SimpleNamespace(**w) for w in s["words"]]})
                    for s in out["segments"]), SimpleNamespace(**out["info"])

    return Pipeline()


def test_batch_asr_decodes_again_the_speech_the_pipeline_left_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The batched pipeline dropped whole speech chunks its VAD had found: a 15-minute
    reading under noise lost four stretches of 21-27 s (WER 0.207 against 0.154 now). The
    speech the VAD found in a stretch of 8 s or more with no word is decoded again by
    the sequential decoder; what the VAD left out (music, noise) stays out; the words
    keep the file's times."""
    from test_asr import ReplayEngine, _speechlike, recording, segment

    pipeline = _pipeline([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                     segment(" z", [(" z", 22.0, 22.5, 0.7)])])

    again = recording([segment(" c d", [(" c", 0.5, 1.0, 0.6), (" d", 5.0, 5.5, 0.6)])])
    samples = _speechlike(22.5).astype(np.float32)  # (ends where z ends)
    for heard, calls, words in (
            ([(0.0, 1.6), (3.0, 12.0), (21.9, 22.5)], [9.0], ["a", "b", "c", "d", "z"]),
            ([(0.0, 1.6), (3.0, 5.0), (21.9, 22.5)], [], ["a", "b", "z"]),  # music, not speech
    ):
        engine = ReplayEngine(again)
        asr = BatchedASR(engine=pipeline, gap_engine=engine)
        monkeypatch.setattr(BatchedASR, "_speech", lambda self, s, h=heard: lambda: h)
        doc = asr.transcribe_chunks([(100.0, samples)], path="p", sha256="s")
        assert [n / 16_000 for n, _ in engine.calls] == calls  # the speech in 1.5-22.0 s
        assert doc.text.split() == words
        assert [w.start for w in doc.words][:2] == [100.5, 101.0]
        if calls:
            assert [w.start for w in doc.words][2:4] == [103.5, 108.0]
            assert engine.calls[0][1]["temperature"] == [0.0]
        assert [s.id for s in doc.segments] == list(range(len(doc.segments)))
    # without the VAD (vad_filter off) every such stretch is decoded again
    engine = ReplayEngine(again)
    asr = BatchedASR(engine=pipeline, gap_engine=engine,
                     options=BatchedOptions(vad_filter=False))
    doc = asr.transcribe_chunks([(0.0, samples)], path="p", sha256="s")
    assert [n / 16_000 for n, _ in engine.calls] == [20.5]
    assert doc.source.options["gaps_decoded_again"] is True


@pytest.mark.parametrize(("heard", "cases"), [
    # Whisper stops before the end of what it hears ("takes hydrogen" of "Takes
    # hydralazine 25 milligrams"): the speech the VAD found in the stretch of 2 s or more
    # after a piece's last word is decoded again (5.5-8.6 s); where the VAD found only its
    # padding of the last word, nothing is
    ([(" a", 0.5, 0.9, 0.8), (" b", 5.0, 5.5, 0.8)],
     [([(0.3, 8.6)], [3.1], [("a", 100.5), ("b", 105.0), ("c", 106.0)]),
      ([(0.3, 5.9)], [], [("a", 100.5), ("b", 105.0)])]),
    # a telephone call's first 4.4 s ("Medication list. Metformin 500 ...") were lost: the
    # batched decoder's failed reading, decoded again, began at 4.6 s. The speech the VAD
    # found in the stretch of 2 s or more before a piece's first word is decoded again
    # (0-4.4 s); a lead-in the VAD heard no speech in (music) is not
    ([(" a", 4.4, 4.9, 0.8), (" b", 8.4, 8.9, 0.8)],
     [([(0.0, 1.3), (1.3, 9.0)], [4.4], [("c", 100.5), ("a", 104.4), ("b", 108.4)]),
      ([(4.2, 9.0)], [], [("a", 104.4), ("b", 108.4)])]),
])
def test_batch_asr_decodes_again_the_speech_at_a_piece_edge(
        monkeypatch: pytest.MonkeyPatch, heard: list[tuple[str, float, float, float]],
        cases: list[tuple[list[tuple[float, float]], list[float], list[tuple[str, float]]]]
) -> None:
    """What the batched decoder left unread before a piece's first word or after its
    last is decoded again, with the file's times, where the VAD heard speech in it."""
    from test_asr import ReplayEngine, _speechlike, recording, segment

    pipeline = _pipeline([segment(" a b", heard)])
    again = recording([segment(" c", [(" c", 0.5, 1.0, 0.6)])])
    samples = _speechlike(9.0).astype(np.float32)
    for speech, calls, words in cases:
        engine = ReplayEngine(again)
        asr = BatchedASR(engine=pipeline, gap_engine=engine)
        monkeypatch.setattr(BatchedASR, "_speech", lambda self, s, h=speech: lambda: h)
        doc = asr.transcribe_chunks([(100.0, samples)], path="p", sha256="s")
        assert [round(n / 16_000, 3) for n, _ in engine.calls] == calls
        assert [(w.text, w.start) for w in doc.words] == words


def test_batch_asr_a_segment_is_cut_where_its_words_pause_long() -> None:
    """The pipeline decodes a chunk of speech joined across the silences its VAD cut out
    as one segment: a dictation's two parts 40 s apart were one segment from 0 s to 63 s,
    one line stamped [00:00.0] in the prompt, where annotate has a segment (a line, a
    time) after the silence. A pause of 8 s or more between two words of a segment cuts
    it there; shorter pauses (a speaker's) do not."""
    from test_asr import segment

    words = [(" a", 0.0, 0.5, 0.8), (" b.", 0.6, 1.1, 0.7), (" c", 53.9, 54.2, 0.9),
             (" d", 54.3, 54.9, 0.9), (" e.", 62.5, 63.4, 0.9)]

    pipeline = _pipeline([{**segment(" a b. c d e.", words), "start": 0.0, "end": 63.7,
                      "avg_logprob": -0.4}])

    asr = BatchedASR(engine=pipeline, options=BatchedOptions(vad_filter=False))
    doc = asr.transcribe_chunks([(100.0, np.zeros(64 * 16_000, np.float32))], path="p",
                                sha256="s")
    assert [(s.id, s.text, s.start, s.end, s.avg_logprob) for s in doc.segments] == [
        (0, "a b.", 100.0, 101.1, -0.4), (1, "c d e.", 153.9, 163.7, -0.4)]
    assert [w.start for w in doc.words] == [100.0, 100.6, 153.9, 154.3, 162.5]


@pytest.mark.parametrize(("extra", "redone"), [
    ({"compression_ratio": 17.3}, True),  # "1 .1 .1 .1 ..." on a telephone line
    ({"avg_logprob": -2.2}, True),
    ({"avg_logprob": -2.2, "no_speech_prob": 0.9}, False),  # taken for no speech
    ({}, False),
])
def test_batch_asr_decodes_again_a_segment_the_batched_decoder_failed(
        extra: dict[str, Any], redone: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batched pipeline decodes at one temperature and checks nothing: a telephone
    recording came back as "1 .1 .1 ..." over 13 s (compression ratio 17.3), two voices as
    one phrase repeated 84 times, with no warning, where `annotate` read the words. A
    segment Whisper's own checks call failed is decoded again as `transcribe` decodes it
    (falling back to higher temperatures), and the document says so."""
    from test_asr import ReplayEngine, _speechlike, recording, segment

    from uncertain import audio

    # (the noise stands in for speech: the speech detector is taken to hear it as such)
    monkeypatch.setattr(audio, "speech_heard", lambda samples: True)
    pipeline = _pipeline([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                     segment(" 1 .1 .1", [(" 1", 2.0, 2.2, 0.7), (" .1", 2.3, 2.5, 0.7),
                                          (" .1", 2.6, 6.0, 0.7)], **extra)])

    again = recording([segment(" metformin 500", [(" metformin", 0.3, 1.0, 0.6),
                                                  (" 500", 1.2, 1.8, 0.7)])])
    engine = ReplayEngine(again)
    asr = BatchedASR(engine=pipeline, gap_engine=engine,
                     options=BatchedOptions(vad_filter=False))
    # (the recording ends less than 2 s after the words, where nothing more is decoded)
    doc = asr.transcribe_chunks([(10.0, _speechlike(5.5).astype(np.float32))],
                                path="p.wav", sha256="s")
    if redone:
        assert doc.text.split() == ["a", "b", "metformin", "500"]
        assert [w.start for w in doc.words] == [10.5, 11.0, 12.1, 13.0]
        assert [n / 16_000 for n, _ in engine.calls] == [pytest.approx(3.7)]  # 1.8-5.5 s
        assert engine.calls[0][1]["temperature"] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        (warning,) = doc.warnings
        assert warning.startswith("p.wav: 12.0-16.0 s: the batched decoder's reading failed")
    else:
        assert doc.text.split() == ["a", "b", "1", ".1", ".1"] and doc.warnings == []


def test_batch_asr_decodes_again_inside_the_models_seeded_sampling() -> None:
    """A failed batched reading is decoded again with Whisper's fallback, which samples,
    and a model's generator ran on from one recording to the next. A recording's
    decodings run inside the sequential decoder's ``seeded_sampling`` (a generator of the
    recording's own), entered once a recording."""
    from test_asr import SeededEngine, _speechlike, recording, segment

    pipeline = _pipeline([segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)]),
                          segment(" 1 .1", [(" 1", 2.0, 2.2, 0.7), (" .1", 2.3, 6.0, 0.7)],
                                  compression_ratio=17.3)])
    engine = SeededEngine(recording([segment(" metformin", [(" metformin", 0.3, 1.0, 0.6)])]))
    asr = BatchedASR(engine=pipeline, gap_engine=engine,
                     options=BatchedOptions(vad_filter=False))
    pieces = [(0.0, _speechlike(5.5).astype(np.float32)),
              (5.5, _speechlike(5.5).astype(np.float32))]
    doc = asr.transcribe_chunks(pieces, path="p.wav", sha256="s")
    assert "metformin" in doc.text and len(engine.calls) >= 2
    assert all(engine.seeded) and engine.entered == 1 and not engine.inside


def test_batch_asr_drops_text_over_no_sound_as_transcribe_does() -> None:
    """``batch`` kept what ``annotate`` drops: text Whisper wrote over no sound (no-speech
    probability over 0.6, most words timed as lasting no time), from the batched pipeline
    or from a failed reading decoded again. The same rule runs on every decoding, and the
    document's warnings name what it left out, with the file's times."""
    from test_asr import ReplayEngine, _speechlike, recording, segment

    said = segment(" a b", [(" a", 0.5, 0.9, 0.8), (" b", 1.0, 1.5, 0.8)])
    bye = segment(" Thanks for watching.", [(" Thanks", 4.0, 4.0, 0.2), (" for", 4.0, 4.0, 0.8),
                                            (" watching.", 4.0, 4.0, 0.5)],
                  no_speech_prob=0.71, avg_logprob=-0.95)
    samples = _speechlike(5.5).astype(np.float32)
    asr = BatchedASR(engine=_pipeline([said, bye]), options=BatchedOptions(vad_filter=False))
    doc = asr.transcribe_chunks([(10.0, samples)], path="p.wav", sha256="s")
    assert doc.text.split() == ["a", "b"]
    assert doc.warnings == [
        "p.wav: 14.0-14.0 s: left out 3 words Whisper wrote over no sound (no-speech "
        "probability 0.71, most words timed as lasting no time): 'Thanks for watching.'"]
    # a failed reading decoded again: what the sequential decoder writes over no sound
    failed = segment(" 1 .1", [(" 1", 2.0, 2.2, 0.7), (" .1", 2.3, 5.0, 0.7)],
                     compression_ratio=17.3)
    again = recording([segment(" metformin", [(" metformin", 1.0, 1.8, 0.6)]),
                       {**bye, "start": 1.9, "end": 1.9, "words": [
                           {**w, "start": 1.9, "end": 1.9} for w in bye["words"]]}])
    engine = ReplayEngine(again)
    asr = BatchedASR(engine=_pipeline([said, failed]), gap_engine=engine,
                     options=BatchedOptions(vad_filter=False))
    doc = asr.transcribe_chunks([(10.0, samples)], path="p.wav", sha256="s")
    assert doc.text.split() == ["a", "b", "metformin"] and len(engine.calls) == 1
    assert len(doc.warnings) == 2 and doc.warnings[1] == (
        "p.wav: 13.7-13.7 s: left out 3 words Whisper wrote over no sound (no-speech "
        "probability 0.71, most words timed as lasting no time): 'Thanks for watching.'")


def test_batch_asr_raises_a_quiet_recording_for_the_speech_detector() -> None:
    """A reading whose loudest second is at -69 dB kept only its last 4 s in batch (the
    pipeline's speech detector heard nothing before), where `annotate` read it whole."""
    from test_asr import _speechlike

    heard: list[float] = []

    class Pipeline:
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
            from uncertain.audio import loudest_db
            heard.append(loudest_db(audio))
            return iter([]), SimpleNamespace(language="en", language_probability=0.9)

    from uncertain.audio import loudest_db

    quiet = (_speechlike(5.0) * 10 ** (-50 / 20)).astype(np.float32)
    doc = BatchedASR(engine=Pipeline()).transcribe_chunks([(0.0, quiet)], path="q.wav",
                                                          sha256="s")
    assert heard[0] == pytest.approx(-20.0, abs=0.5)
    assert "q.wav: 0.0 s on: the recording is quiet" in doc.warnings[0]
    loud = _speechlike(5.0).astype(np.float32)
    BatchedASR(engine=Pipeline()).transcribe_chunks([(0.0, loud)], path="l.wav", sha256="s")
    assert heard[1] == loudest_db(loud)  # a recording at a usual level is left as it is
    silence = np.zeros(16_000 * 5, dtype=np.float32)
    BatchedASR(engine=Pipeline()).transcribe_chunks([(0.0, silence)], path="s.wav", sha256="s")
    assert heard[2] == -np.inf


# -- devices and Ray sizing -----------------------------------------------------------------


@pytest.mark.parametrize(("gpus", "device", "expected"), [
    (0, "auto", ("cpu", "int8", (0,))),
    (0, "cpu", ("cpu", "int8", (0,))),
    (2, "auto", ("cuda", "float16", (0, 1))),
    (1, "cuda", ("cuda", "float16", (0,))),
    (2, "cpu", ("cpu", "int8", (0,))),
])
def test_batch_plan_device(monkeypatch: pytest.MonkeyPatch, gpus: int, device: str,
                           expected: tuple[str, str, tuple[int, ...]]) -> None:
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: gpus)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types",
                        lambda d: {"float16", "int8_float16", "float32"})
    plan = plan_device(device)
    assert (plan.device, plan.compute_type, plan.device_index) == expected
    assert plan.workers == len(expected[2]) if expected[0] == "cuda" else plan.workers == 1
    assert plan.device == "cuda" or plan.cpu_threads >= 1


def test_batch_plan_device_refuses_cuda_without_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctranslate2

    from uncertain.errors import ModelNotFoundError

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(ModelNotFoundError, match="no GPU"):
        plan_device("cuda")


@pytest.mark.parametrize(("resources", "device", "threads", "expected"), [
    ({"CPU": 2.0}, "auto", 0, (1, 0.0, "cpu", 2)),
    ({"CPU": 16.0}, "auto", 0, (4, 0.0, "cpu", 4)),
    ({"CPU": 16.0}, "auto", 8, (2, 0.0, "cpu", 8)),
    ({"CPU": 32.0, "GPU": 4.0}, "auto", 0, (4, 1.0, "cuda", 0)),
    ({"CPU": 32.0, "GPU": 4.0}, "cpu", 2, (16, 0.0, "cpu", 2)),
])
def test_batch_plan_actors(resources: dict[str, float], device: str, threads: int,
                           expected: tuple[int, float, str, int]) -> None:
    plan = plan_actors(resources, WorkConfig(device=device, cpu_threads=threads))
    assert (plan.concurrency, plan.num_gpus, plan.config.device,
            plan.config.cpu_threads) == expected


# -- command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(("names", "flags", "status"), [
    (["a.txt", "b.txt"], [], 0),
    (["a.txt", "bad.wav"], [], 1),
    (["a.txt", "bad.wav"], ["--allow-failures"], 0),
    ([], [], 3),  # (no input file: told apart from a run that went well)
    ([], ["--allow-failures"], 3),
])
def test_batch_cli_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               caplog: pytest.LogCaptureFixture,
                               names: list[str], flags: list[str], status: int) -> None:
    (tmp_path / "a.txt").write_text("Takes metformin.")
    (tmp_path / "b.txt").write_text("No allergies.")
    (tmp_path / "bad.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    out = tmp_path / "out.jsonl"
    argv = [str(tmp_path / n) for n in names] + [
        "--out", str(out), "--no-validate", "--no-progress", *flags]
    assert cli_main(["batch", *argv]) == status
    err = capsys.readouterr().err
    if names:
        assert f"of {len(names)} inputs" in err
        assert len(_records(out)) == len(names)
    else:
        assert "no input files" in caplog.text  # (logged: on stderr outside the tests)


def test_batch_cli_refuses_existing_out(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("hello")
    out = tmp_path / "out.jsonl"
    out.write_text("")
    argv = [str(tmp_path / "a.txt"), "--out", str(out), "--no-validate", "--no-progress"]
    assert cli_main(["batch", *argv]) == 1
    assert "FileExistsError" in capsys.readouterr().err
    assert cli_main(["batch", *argv, "--resume"]) == 0
    assert cli_main(["batch", *argv, "--resume"]) == 0
    assert len(_records(out)) == 1


def test_batch_add_batch_parser_plugs_into_a_cli() -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="uncertain")
    _cli_runs.add_batch_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["batch", "x.tar.gz", "--out", "o.jsonl", "--engine", "ray",
                              "--lexicon", "my.tsv", "--resume", "--batch-size", "16",
                              "--dpi", "200"])
    assert (args.inputs, args.engine, args.lexicon, args.resume, args.batch_size,
            args.dpi) == (["x.tar.gz"], "ray", ["my.tsv"], True, 16, 200.0)
    assert args.func is _cli_runs.run_batch_command


# -- the Ray engine's pieces, without Ray -----------------------------------------------------


def test_batch_ray_windows_bound_items_and_bytes() -> None:
    from uncertain._ray import _windows

    items = [(Item(path=f"a::{i}", data=b"x" * 10), f"s{i}") for i in range(5)]
    items.insert(2, (Item(path="a::../bad", error=CorruptInputError("a::../bad", "no")), None))
    items.append((Item(path="f.txt", file="f.txt"), "sf"))
    windows = list(_windows(iter(items), 3, 25))
    assert [[r["path"] for r in rows] for rows, _ in windows] == [
        ["a::0", "a::1", "a::2"], ["a::3", "a::4", "f.txt"]]
    assert [[e["path"] for e in errors] for _, errors in windows] == [["a::../bad"], []]
    row = windows[1][0][2]
    assert (row["file"], row["data"], row["in_memory"], row["sha256"]) == ("f.txt", b"", False,
                                                                         "sf")
    assert len(list(_windows(iter(items), 100, 25))) == 2  # 30 bytes held: a second window


def _fake_ray(monkeypatch: pytest.MonkeyPatch, *, kill_after: int | None = None,
              hidden: tuple[str, ...] = ()) -> None:
    """Ray as the Ray engine uses it, in this process: ``init`` takes SIGTERM as Ray
    does (``sys.exit(signum)``), and the actors run here; ``kill_after`` rows, SIGTERM.
    The actors run without the environment variables ``hidden`` (a cluster's workers
    have their own environment, not the driver's)."""
    import signal
    from contextlib import contextmanager

    @contextmanager
    def on_a_worker() -> Any:
        saved = {name: os.environ.pop(name) for name in hidden if name in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)

    class Dataset:
        def __init__(self, rows: list[dict[str, Any]]) -> None:
            self.rows = rows

        def map_batches(self, actor: Any, *, fn_constructor_kwargs: dict[str, Any],
                        **kwargs: Any) -> Dataset:
            with on_a_worker():
                self.actor = actor(**fn_constructor_kwargs)
            return self

        def iter_rows(self) -> Any:
            for n, row in enumerate(self.rows):
                if n == kill_after:
                    os.kill(os.getpid(), signal.SIGTERM)
                batch = {k: np.array([v], dtype=object) for k, v in row.items()}
                with on_a_worker():
                    record = self.actor(batch)["record"][0]
                yield {"record": record}

    def init(**kwargs: Any) -> None:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(signum))

    data = SimpleNamespace(DataContext=SimpleNamespace(get_current=SimpleNamespace),
                           from_items=Dataset, ActorPoolStrategy=lambda size: None)
    ray = SimpleNamespace(is_initialized=lambda: False, init=init, shutdown=lambda: None,
                          cluster_resources=lambda: {"CPU": 2.0}, data=data)
    monkeypatch.setitem(sys.modules, "ray", ray)
    monkeypatch.setitem(sys.modules, "ray.data", data)


def test_batch_ray_says_each_failure_and_stops_on_sigterm_as_local(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Under --engine ray the failures were counted ("1 failed") but no file was named,
    the actors' logs going nowhere; and SIGTERM, taken by Ray's own handler, ended the
    run with status 15, saying nothing. Each failure is said as a local run says it, and
    SIGTERM stops the run as under --engine local: what is recorded is said kept, 143."""
    import uncertain.batch

    monkeypatch.setattr(uncertain.batch, "Worker", FakeProcessor)
    for name, data in (("a.wav", b"aaa"), ("b.wav", b"bad"), ("c.wav", b"ccc")):
        (tmp_path / name).write_bytes(data)
    argv = ["batch", str(tmp_path), "--engine", "ray", "--no-progress"]
    _fake_ray(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        assert cli_main([*argv, "--out", str(tmp_path / "all.jsonl")]) == 1
    assert f"CorruptInputError: {tmp_path / 'b.wav'}: bad bytes" in caplog.text
    capsys.readouterr()
    _fake_ray(monkeypatch, kill_after=1)
    out = tmp_path / "cut.jsonl"
    assert cli_main([*argv, "--out", str(out)]) == 143
    assert f"interrupted; the 1 record this run wrote in {out} is kept whole" in \
        capsys.readouterr().err
    assert [r["path"] for r in _records(out)] == [str(tmp_path / "a.wav")]


@pytest.mark.parametrize("given", [None, 2.0])
def test_batch_ray_actors_take_the_drivers_audio_length_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: float | None) -> None:
    """The audio length limit was read by each worker from its own environment: on Ray
    (a cluster, or a Ray started before the driver set it) ``$UNCERTAIN_MAX_AUDIO_SECONDS``
    did not reach the actors, which transcribed an 11 s file the driver had limited to
    5 s. The driver's setting (the variable, or ``max_seconds=``) goes to every actor."""
    from uncertain import audio

    if given is None:
        monkeypatch.setenv(audio.MAX_SECONDS_ENV, "2")
    else:
        monkeypatch.delenv(audio.MAX_SECONDS_ENV, raising=False)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "long.wav").write_bytes(_wav_bytes(3.0))
    (inputs / "short.wav").write_bytes(_wav_bytes(1.0))
    _tar(inputs / "set.tar.gz", {"long.wav": _wav_bytes(3.0)})
    _fake_ray(monkeypatch, hidden=(audio.MAX_SECONDS_ENV,))
    out = tmp_path / "out.jsonl"
    run_batch([inputs], out=out, engine="ray", validate=False, max_seconds=given,
              processor=lambda config: Worker(config, asr_engine=ReplayPipeline()))
    got = {Path(r["path"]).name: (r["status"], r.get("error")) for r in _records(out)}
    assert got == {"long.wav": ("error", "InputTooLargeError"), "short.wav": ("ok", None),
                   "set.tar.gz::long.wav": ("error", "InputTooLargeError")}


def test_batch_ray_actor_rebuilds_items_from_columns(tmp_path: Path) -> None:
    from uncertain._ray import _Actor

    (tmp_path / "f.wav").write_bytes(b"from file")
    actor = _Actor(WorkConfig(), FakeProcessor)
    batch = {"path": np.array(["m::a.wav", str(tmp_path / "f.wav")], dtype=object),
             "sha256": np.array(["s1", ""], dtype=object),
             "file": np.array(["", str(tmp_path / "f.wav")], dtype=object),
             "data": np.array([b"in memory", b""], dtype=object),
             "in_memory": np.array([True, False])}
    records = [json.loads(r) for r in actor(batch)["record"]]
    assert [(r["path"], r["sha256"], r["document"]["text"]) for r in records] == [
        ("m::a.wav", "s1", "in memory"), (str(tmp_path / "f.wav"), None, "from file")]


def test_batch_bad_lexicon_fails_before_touching_out(tmp_path: Path) -> None:
    from uncertain.errors import UncertainError

    (tmp_path / "a.txt").write_text("Takes metformin.")
    out = tmp_path / "out.jsonl"
    with pytest.raises(UncertainError):
        run_batch([tmp_path / "a.txt"], out=out, lexicons=[str(tmp_path / "missing.tsv")])
    assert not out.exists()


def test_batch_resumed_with_nothing_left_indexes_no_lexicon(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resumed run with every input recorded built the validator, indexing the user's
    lexicons (83 s of CPU for a million terms), before it found nothing to do: the
    lexicons are read (a malformed one still refused before the output is touched) and
    indexed for the first document to validate."""
    from uncertain.errors import LexiconError
    from uncertain.validate import Validator

    built: list[int] = []
    real = Validator.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Validator, "__init__", counted)
    formulary = tmp_path / "formulary.tsv"
    formulary.write_text("Zorbaxin\tzorbaxin\tgeneric\t0.9\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Takes Zorbaxn daily.")
    out = tmp_path / "out.jsonl"
    first = run_batch([tmp_path / "a.txt"], out=out, lexicons=[str(formulary)])
    assert first.done == 1 and len(built) == 1
    (record,) = _records(out)
    assert record["document"]["validation"]["lexicons"] == ["drugs", "clinical", "formulary"]
    again = run_batch([tmp_path / "a.txt"], out=out, lexicons=[str(formulary)], resume=True)
    assert (again.done, again.skipped, len(built)) == (0, 1, 1)
    before = out.read_bytes()
    formulary.write_text("Zorbaxin\tzorbaxin\tgeneric\t7\n", encoding="utf-8")
    with pytest.raises(LexiconError):
        run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out=out,
                  lexicons=[str(formulary)], resume=True)
    assert out.read_bytes() == before and len(built) == 1


def test_batch_resume_with_nothing_left_needs_no_write_access(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`batch --resume` of a finished output on a read-only file system failed ("Read-only
    file system") as it opened the output for appending, before finding nothing to do: it
    is read, and an input left to do is refused, naming the output, before any work."""
    import errno

    for name in ("a", "b"):
        (tmp_path / f"{name}.wav").write_bytes(name.encode() * 3)
    out = tmp_path / "out.jsonl"
    run_batch([tmp_path / "a.wav", tmp_path / "b.wav"], out=out, processor=FakeProcessor)
    before = out.read_bytes()
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if (flags & (os.O_WRONLY | os.O_RDWR) and os.path.realpath(path)
                in (os.path.realpath(out), os.path.realpath(tmp_path))):
            raise OSError(errno.EROFS, "Read-only file system", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    again = run_batch([tmp_path / "a.wav", tmp_path / "b.wav"], out=out, resume=True,
                      processor=FakeProcessor)
    assert (again.done, again.skipped, again.total) == (0, 2, 2)
    assert out.read_bytes() == before
    (tmp_path / "c.wav").write_bytes(b"ccc")
    processed: list[str] = []

    class Counting(FakeProcessor):
        def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
            processed.append(item.path)
            return super().process(item, sha256)

    with pytest.raises(OSError, match=r"Read-only file system.*c\.wav") as raised:
        run_batch([tmp_path], out=out, resume=True, processor=Counting)
    assert raised.value.filename == os.fspath(out) and processed == []
    assert out.read_bytes() == before


class _Refusing(FakeProcessor):
    """A processor that stops the run at its first input, as a model that cannot take
    the language asked does."""

    def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
        raise ModelNotFoundError("tiny.en is English-only: language='fr' cannot be ...")


def test_batch_a_run_stopped_before_its_first_record_leaves_no_output(
        tmp_path: Path) -> None:
    """`batch --language fr` with tiny.en stopped at the first recording and left an empty
    --out, so the run after the fix was refused: "exists; pass --resume or --force"."""
    (tmp_path / "a.wav").write_bytes(b"aaa")
    out = tmp_path / "out.jsonl"
    with pytest.raises(ModelNotFoundError):
        run_batch([tmp_path / "a.wav"], out=out, processor=_Refusing)
    assert not out.exists()
    assert run_batch([tmp_path / "a.wav"], out=out, processor=FakeProcessor).done == 1
    # an output the run did not make stays, empty or not
    out.write_bytes(b"")
    with pytest.raises(ModelNotFoundError):
        run_batch([tmp_path / "a.wav"], out=out, processor=_Refusing, resume=True)
    assert out.exists()


def test_batch_local_pipeline_keeps_input_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.wav").write_bytes(_wav_bytes(0.5))
    (folder / "b.txt").write_text("Takes metformin.")
    (folder / "c.wav").write_bytes(_wav_bytes(0.5)[:3000])
    (folder / "d.wav").write_bytes(_wav_bytes(0.25))
    out = tmp_path / "out.jsonl"
    summary = run_batch([folder], out=out, processor=lambda config: Worker(
        WorkConfig(validate=False), asr_engine=ReplayPipeline()))
    records = _records(out)
    assert [(Path(r["path"]).name, r["status"]) for r in records] == [
        ("a.wav", "ok"), ("b.txt", "ok"), ("c.wav", "error"), ("d.wav", "ok")]
    assert [r.get("kind") for r in records] == ["audio", "text", None, "audio"]
    assert (summary.done, summary.failed) == (3, 1)
    assert summary.audio_seconds == 0.75


def test_batch_out_that_is_an_input_or_a_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A manifest named as its own --out with --force was emptied before it was read
    ("0 done ... of 2 inputs", status 0); an --out that is a folder or cannot be made
    ended in a traceback."""
    (tmp_path / "a.txt").write_text("Take metformin.")
    manifest = tmp_path / "list.jsonl"
    manifest.write_text(json.dumps({"path": "a.txt"}) + "\n")
    before = manifest.read_bytes()
    assert cli_main(["batch", str(manifest), "--out", str(manifest), "--force",
                     "--no-progress", "--no-validate"]) == 1
    assert "is one of the inputs" in capsys.readouterr().err
    assert manifest.read_bytes() == before
    folder = tmp_path / "outdir"
    folder.mkdir()
    assert cli_main(["batch", str(tmp_path / "a.txt"), "--out", str(folder), "--resume",
                     "--no-progress", "--no-validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("IsADirectoryError:") and str(folder) in err
    assert "Traceback" not in err
    # without --resume or --force it told to pass one of them, which failed as above
    for how in ([], ["--force"], ["--resume"]):
        assert cli_main(["batch", str(tmp_path / "a.txt"), "--out", f"{folder}/", *how,
                         "--no-progress", "--no-validate"]) == 1
        assert capsys.readouterr().err == (
            f"IsADirectoryError: {folder} is a folder; name a file to write\n")
    assert cli_main(["batch", str(tmp_path / "a.txt"), "--out",
                     str(tmp_path / "a.txt" / "o.jsonl"), "--no-progress"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    # a FIFO (or /dev/stdout) as --out: reading it back or locking it waited forever
    import os

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    for how in ("--resume", "--force"):
        assert cli_main(["batch", str(tmp_path / "a.txt"), "--out", str(fifo), how,
                         "--no-progress", "--no-validate"]) == 1
        assert capsys.readouterr().err == (
            f"FileExistsError: {fifo} is not a regular file (a pipe, a socket or a device): "
            "--out must name a file, which the run reads back to resume\n")


def test_batch_resume_knows_an_input_however_its_path_is_spelled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resuming with the same files named another way ("./d", an absolute path,
    "d/x/../a.txt") did every input again: 60 inputs became 180 records."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d" / "x").mkdir(parents=True)
    for name in ("a.txt", "b.txt"):
        (tmp_path / "d" / name).write_text(f"Note {name}.")
    out = tmp_path / "out.jsonl"
    assert run_batch(["d"], out=out, validate=False).done == 2
    for spelled in (["./d"], [str(tmp_path / "d")], ["d/x/../a.txt", "d/b.txt"]):
        summary = run_batch(spelled, out=out, resume=True, validate=False)
        assert (summary.done, summary.skipped) == (0, 2), spelled
    # and named twice in one run, it is done once
    fresh = tmp_path / "fresh.jsonl"
    assert run_batch(["d/a.txt", "./d/a.txt"], out=fresh, validate=False).done == 1
    assert len(_records(out)) == 2 and len(_records(fresh)) == 1


def test_batch_an_input_named_twice_is_counted_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A file named twice (twice alike, by two paths, or in a folder named too) was done
    once but counted twice: "1 done, 0 failed, 1 skipped (of 2 inputs)", and on --resume
    "2 skipped (of 2 inputs)", for one input. It counts once, and the summary says it was
    named again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.wav").write_bytes(b"aaa")
    (tmp_path / "d" / "b.wav").write_bytes(b"bbb")
    out = tmp_path / "out.jsonl"
    first = run_batch(["d/a.wav", "d/a.wav"], out=out, processor=FakeProcessor)
    assert (first.total, first.done, first.skipped) == (1, 1, 0)
    assert first.named_again == 1
    assert "1 done, 0 failed, 0 skipped (of 1 input)" in first.format()
    assert "named again: 1 input named more than once" in first.format()
    again = run_batch(["d/a.wav", "./d/a.wav"], out=out, resume=True,
                      processor=FakeProcessor)
    assert (again.total, again.done, again.skipped) == (1, 0, 1)
    both = run_batch(["d", "d/b.wav", str(tmp_path / "d" / "a.wav")], out=out, resume=True,
                     processor=FakeProcessor)
    assert (both.total, both.done, both.skipped) == (2, 1, 1)
    assert both.named_again == 2
    assert "named again: 2 inputs named more than once" in both.format()
    assert len(_records(out)) == 2
    once = run_batch(["d"], out=out, resume=True, processor=FakeProcessor)
    assert once.named_again == 0 and "named again" not in once.format()
    # on the command line
    (tmp_path / "c.txt").write_text("Take metformin.")
    argv = ["batch", "c.txt", "c.txt", "--out", str(tmp_path / "cli.jsonl"),
            "--no-progress", "--no-validate"]
    assert cli_main(argv) == 0
    assert "1 done, 0 failed, 0 skipped (of 1 input)" in capsys.readouterr().err
    assert cli_main([*argv, "--resume"]) == 0
    assert "0 done, 0 failed, 1 skipped (of 1 input)" in capsys.readouterr().err


def test_batch_resume_knows_an_input_reached_through_a_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder done, named again through a link to it ("link", "link/a.txt"), was
    done again on --resume; so were inputs of an earlier run's records, which keep the
    link in their ``input``. And a manifest's "../" path is recorded without it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "man").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "d" / name).write_text(f"Note {name}.")
    (tmp_path / "link").symlink_to(tmp_path / "d")
    out = tmp_path / "out.jsonl"
    assert run_batch(["d"], out=out, validate=False).done == 2
    for spelled in (["link"], ["link/a.txt", "./link/../d/b.txt"]):
        summary = run_batch(spelled, out=out, resume=True, validate=False)
        assert (summary.done, summary.skipped) == (0, 2), spelled
    # named through the link and directly in one run, it is done once
    assert run_batch(["d/a.txt", "link/a.txt"], out=tmp_path / "fresh.jsonl",
                     validate=False).done == 1
    # an earlier version's records: the links kept in "input" (or no "input" at all)
    older = tmp_path / "older.jsonl"
    with older.open("w") as fh:
        for record in _records(out):
            record["path"] = f"link/{Path(record['path']).name}"
            if record["path"].endswith("a.txt"):
                record["input"] = str(tmp_path / record["path"])
            else:
                del record["input"]
            fh.write(json.dumps(record) + "\n")
    summary = run_batch(["d"], out=older, resume=True, validate=False)
    assert (summary.done, summary.skipped) == (0, 2)
    # a manifest's path, resolved against its folder, is recorded without its ".."
    (tmp_path / "man" / "m.jsonl").write_text(json.dumps({"path": "../d/a.txt"}) + "\n")
    listed = tmp_path / "listed.jsonl"
    assert run_batch(["man/m.jsonl"], out=listed, validate=False).done == 1
    assert [r["path"] for r in _records(listed)] == [str(Path("d") / "a.txt")]
    assert run_batch(["d/a.txt"], out=listed, resume=True, validate=False).skipped == 1


def test_batch_resumed_run_counts_the_failures_it_skips(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A resumed run skipped an earlier run's error records and exited 0, "0 failed":
    a script checking the status across a kill and a resume missed them. --resume with
    --force (continue, and start afresh) was taken as --resume."""
    (tmp_path / "a.txt").write_text("Take metformin.")
    (tmp_path / "b.wav").write_text("just words")  # text named as audio: an error record
    out = tmp_path / "out.jsonl"
    argv = [str(tmp_path / "a.txt"), str(tmp_path / "b.wav"), "--out", str(out),
            "--no-validate", "--no-progress"]
    assert cli_main(["batch", *argv]) == 1
    capsys.readouterr()
    assert cli_main(["batch", *argv, "--resume"]) == 1
    assert "0 done, 0 failed, 2 skipped (1 of them failed in an earlier run)" in (
        capsys.readouterr().err)
    assert cli_main(["batch", *argv, "--resume", "--allow-failures"]) == 0
    with pytest.raises(SystemExit) as exited:
        cli_main(["batch", *argv, "--resume", "--force"])
    assert exited.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
    with pytest.raises(ValueError, match="contradict"):
        run_batch([tmp_path / "a.txt"], out=out, resume=True, force=True)


class FlakyProcessor(FakeProcessor):
    """The fake, failing on content starting with b"oom" as an engine or a bug fails
    (not an input error) until ``healed``."""

    healed: ClassVar[bool] = False

    def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
        data = Path(item.file or "").read_bytes()
        if data.startswith(b"oom") and not FlakyProcessor.healed:
            return error_record(item.path, sha256, MemoryError("out of memory"))
        if data.startswith(b"tess") and not FlakyProcessor.healed:
            return error_record(item.path, sha256, EngineNotFoundError("tesseract missing"))
        return super().process(item, sha256)


def test_batch_resume_does_again_what_the_run_failed_not_the_input(tmp_path: Path) -> None:
    """A file that failed for a reason of the run (the engine out of memory, a missing
    tesseract binary, a bug) got an error record like a damaged file, and --resume
    skipped it for good: an archive run through a passing fault kept the fault's records.
    The input's own errors stay final."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in [("a", b"aaa"), ("b", b"bad"), ("c", b"oom!"), ("d", b"tess")]:
        (folder / f"{name}.wav").write_bytes(data)
    out = tmp_path / "out.jsonl"
    FlakyProcessor.healed = False
    first = run_batch([folder], out=out, processor=FlakyProcessor)
    assert (first.done, first.failed) == (1, 3)
    again = run_batch([folder], out=out, resume=True, processor=FlakyProcessor)
    assert (again.done, again.failed, again.skipped, again.retried) == (0, 2, 2, 2)
    FlakyProcessor.healed = True
    healed = run_batch([folder], out=out, resume=True, processor=FlakyProcessor)
    assert (healed.done, healed.failed, healed.skipped, healed.retried) == (2, 0, 2, 2)
    assert "retried: 2 inputs an earlier run failed on" in healed.format()
    # one record of each input: the new one replaces the error record it did again
    last = {Path(r["path"]).name: (r["status"], r.get("error")) for r in _records(out)}
    assert last == {"a.wav": ("ok", None), "b.wav": ("error", "CorruptInputError"),
                    "c.wav": ("ok", None), "d.wav": ("ok", None)}
    assert len(_records(out)) == 4
    done = run_batch([folder], out=out, resume=True, processor=FlakyProcessor)
    assert (done.done, done.failed, done.skipped, done.retried) == (0, 0, 4, 0)
    assert len(_records(out)) == 4


def test_batch_resume_replaces_the_error_record_of_an_input_it_does_again(
        tmp_path: Path) -> None:
    """An input the run failed on got a second error record at every --resume that
    failed on it again (three resumes, three records), and a record done at last
    followed them: the output held an input's failures as many times as it was resumed.
    The new record replaces the old, in the file's order of the rest; a run killed
    between the two leaves both, and the next resumed run drops the old."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in [("a", b"aaa"), ("c", b"oom!"), ("z", b"zzz")]:
        (folder / f"{name}.wav").write_bytes(data)
    out = tmp_path / "out.jsonl"
    FlakyProcessor.healed = False
    run_batch([folder], out=out, processor=FlakyProcessor)
    for _ in range(3):
        again = run_batch([folder], out=out, resume=True, processor=FlakyProcessor)
        assert (again.failed, again.retried) == (1, 1)
        assert [(Path(r["path"]).name, r["status"]) for r in _records(out)] == [
            ("a.wav", "ok"), ("z.wav", "ok"), ("c.wav", "error")]
    assert "replaces its error record" in again.format()
    # killed after the new record was written: both are in the file, the last the result
    FlakyProcessor.healed = True
    done = run_batch([folder / "c.wav"], out=tmp_path / "done.jsonl",
                     processor=FlakyProcessor)
    assert done.done == 1
    with out.open("a") as fh:
        fh.write((tmp_path / "done.jsonl").read_text())
    assert len(_records(out)) == 4
    after = run_batch([folder], out=out, resume=True, processor=FlakyProcessor)
    assert (after.done, after.failed, after.skipped, after.failed_before) == (0, 0, 3, 0)
    assert [(Path(r["path"]).name, r["status"]) for r in _records(out)] == [
        ("a.wav", "ok"), ("z.wav", "ok"), ("c.wav", "ok")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.jsonl", "in", "out.jsonl"]


def test_batch_resume_replaces_the_record_of_a_changed_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An input whose file changed between a run and its --resume got its new record
    after the old one, and kept both: a reader of the output saw two records of one
    input, the earlier of content it no longer has. The new record replaces the old (and
    an error record of the input unread then), as a retried input's does; a file that
    cannot be read now keeps the record of the content it had, beside its error record,
    until it is read again."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.wav").write_bytes(name.encode() * 3)
    gone = folder / "g.wav"
    out = tmp_path / "out.jsonl"
    run_batch([folder, gone], out=out, processor=FakeProcessor)  # g: not there yet
    assert [r["status"] for r in _records(out)] == ["ok", "ok", "ok", "error"]
    (folder / "b.wav").write_bytes(b"changed")
    gone.write_bytes(b"ggg")
    again = run_batch([folder, gone], out=out, resume=True, processor=FakeProcessor)
    assert (again.done, again.skipped, again.redone) == (2, 2, 2)
    assert "the new record of each replaces the earlier one" in again.format()
    assert [(Path(r["path"]).name, r["document"]["text"]) for r in _records(out)] == [
        ("a.wav", "aaa"), ("c.wav", "ccc"), ("b.wav", "changed"), ("g.wav", "ggg")]
    # g gone again: its transcript stays, its error record beside it; back as it was,
    # the error record goes
    gone.unlink()
    went = run_batch([folder, gone], out=out, resume=True, processor=FakeProcessor)
    assert (went.done, went.failed, went.skipped, went.redone, went.gone) == (0, 1, 3, 0, 1)
    assert "gone: 1 input an earlier run recorded cannot be read now" in went.format()
    assert [(Path(r["path"]).name, r["status"]) for r in _records(out)][-2:] == [
        ("g.wav", "ok"), ("g.wav", "error")]
    gone.write_bytes(b"ggg")
    back = run_batch([folder, gone], out=out, resume=True, processor=FakeProcessor)
    assert (back.done, back.failed, back.skipped, back.failed_before) == (0, 0, 4, 0)
    assert [(Path(r["path"]).name, r["document"]["text"]) for r in _records(out)] == [
        ("a.wav", "aaa"), ("c.wav", "ccc"), ("b.wav", "changed"), ("g.wav", "ggg")]
    # changed back: the record of the content it has again is made anew
    (folder / "b.wav").write_bytes(b"bbb")
    undone = run_batch([folder], out=out, resume=True, processor=FakeProcessor)
    assert (undone.done, undone.skipped, undone.redone) == (1, 3, 1)
    assert [(Path(r["path"]).name, r["document"]["text"]) for r in _records(out)] == [
        ("a.wav", "aaa"), ("c.wav", "ccc"), ("g.wav", "ggg"), ("b.wav", "bbb")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl"]


def test_batch_a_run_stopped_before_the_stale_record_is_dropped_leaves_both_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stale record of a changed input is dropped by rewriting the output beside
    itself and renaming it over: a run stopped before the rename (killed, a full disk)
    leaves the file whole with both records, the new one last, and the next --resume
    skips the input and drops the old one."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.wav").write_bytes(name.encode() * 3)
    out = tmp_path / "out.jsonl"
    run_batch([folder], out=out, processor=FakeProcessor)
    (folder / "a.wav").write_bytes(b"changed")

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", stopped)
        with pytest.raises(KeyboardInterrupt):
            run_batch([folder], out=out, resume=True, processor=FakeProcessor)
    assert [(Path(r["path"]).name, r["document"]["text"]) for r in _records(out)] == [
        ("a.wav", "aaa"), ("b.wav", "bbb"), ("a.wav", "changed")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl"]
    after = run_batch([folder], out=out, resume=True, processor=FakeProcessor)
    assert (after.done, after.skipped, after.redone) == (0, 2, 0)
    assert [(Path(r["path"]).name, r["document"]["text"]) for r in _records(out)] == [
        ("b.wav", "bbb"), ("a.wav", "changed")]


def _replaying(config: WorkConfig) -> Worker:
    return Worker(config, asr_engine=ReplayPipeline())


def test_batch_resumed_with_a_higher_limit_does_again_what_the_lower_one_refused(
        tmp_path: Path) -> None:
    """A recording over --max-audio-seconds got a final error record, and the run resumed
    with a higher limit to let the long files in skipped them as "failed in an earlier
    run": the records kept no limit to compare. An input refused under a limit keeps the
    limits of its kind; a resumed run that raises one does it again, one that keeps or
    lowers them skips it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.wav").write_bytes(_wav_bytes(3.0))
    (folder / "short.wav").write_bytes(_wav_bytes(1.0))
    out = tmp_path / "out.jsonl"
    options: dict[str, Any] = {"out": out, "validate": False, "rescore": False,
                               "processor": _replaying}
    first = run_batch([folder], max_seconds=2, **options)
    assert (first.done, first.failed) == (1, 1)
    (refused,) = [r for r in _records(out) if r["status"] == "error"]
    assert (refused["error"], refused["limits"]) == ("InputTooLargeError",
                                                     {"max_audio_seconds": 2.0})
    for kept in (2, 1.5):
        again = run_batch([folder], max_seconds=kept, resume=True, **options)
        assert (again.done, again.skipped, again.failed_before, again.retried) == (
            0, 2, 1, 0), kept
    higher = run_batch([folder], max_seconds=10, resume=True, **options)
    assert (higher.done, higher.failed, higher.skipped, higher.retried) == (1, 0, 1, 1)
    assert "retried: 1 input an earlier run" in higher.format()
    assert sorted((Path(r["path"]).name, r["status"]) for r in _records(out)) == [
        ("long.wav", "ok"), ("short.wav", "ok")]  # (the error record replaced)
    # done now: a lower limit again does not take the result back
    assert run_batch([folder], max_seconds=2, resume=True, **options).skipped == 2


def test_batch_an_image_over_the_pixel_limit_keeps_the_image_limits(tmp_path: Path) -> None:
    # an image's refusal names the image limits (tesseract's seconds, the pixels); a
    # transcript too large, or an archive member, is over no limit a run sets
    from PIL import Image

    Image.new("L", (40, 30), 255).save(tmp_path / "page.png")
    worker = Worker(WorkConfig(validate=False, max_pixels=100, ocr_timeout=0.0))
    record = worker.process(Item(path=str(tmp_path / "page.png")), "sha")
    assert record["error"] == "InputTooLargeError"
    assert record["limits"] == {"ocr_timeout": None, "max_pixels": 100, "max_pages": 1000}
    worker = Worker(WorkConfig(validate=False, ocr_timeout=5.0))
    big = Item(path="set.tar::x.txt", error=InputTooLargeError("set.tar::x.txt", "big"))
    assert "limits" not in worker.process(big, None)


def test_batch_record_over_a_limit_is_final_unless_the_run_raises_it() -> None:
    from uncertain._batch_records import final

    record = {"path": "a.png", "status": "error", "error": "InputTooLargeError",
              "limits": {"ocr_timeout": 5.0, "max_pixels": 100}}
    run = {"max_audio_seconds": 21600.0, "ocr_timeout": 5.0, "max_pixels": 100}
    assert final(record, run) and final(record)
    assert final(record, {**run, "ocr_timeout": 2.0, "max_audio_seconds": None})
    assert not final(record, {**run, "ocr_timeout": 10.0})
    assert not final(record, {**run, "ocr_timeout": None})  # no limit now
    assert not final(record, {**run, "max_pixels": 200})
    unlimited = {**record, "limits": {"ocr_timeout": None, "max_pixels": 100}}
    assert final(unlimited, {**run, "ocr_timeout": None})
    # a record of an earlier version, which kept no limits, stays final
    assert final({k: v for k, v in record.items() if k != "limits"}, {**run, "max_pixels": 200})


def test_batch_a_long_recording_is_transcribed_in_pieces(tmp_path: Path) -> None:
    """A recording file was decoded whole and handed to the pipeline whole: a 4-hour
    file took 3.7 GB (1 h: 1.3 GB), where annotate stays flat. It is transcribed in
    pieces cut where it is quiet, their times shifted onto the recording, and the
    acoustic pass reads its windows from the file (no samples are kept)."""
    engine = ReplayPipeline()
    worker = Worker(WorkConfig(validate=False, chunk_seconds=1.0, search_seconds=0.2),
                    asr_engine=engine)
    path = tmp_path / "long.wav"
    path.write_bytes(_wav_bytes(3.0))
    staged = worker.stage(Item(path=str(path), file=str(path)), "abc")
    assert not isinstance(staged, dict) and staged.audio is None
    assert len(engine.calls) >= 2 and sum(c["samples"] for c in engine.calls) == 48_000
    doc = staged.document
    assert doc.source.duration == 3.0
    per_call = len(engine.recorded["segments"])
    assert len(doc.segments) == per_call * len(engine.calls)
    starts = [s.start for s in doc.segments[::per_call]]
    assert starts[0] == engine.recorded["segments"][0]["start"] and starts == sorted(starts)
    assert [s.id for s in doc.segments] == list(range(len(doc.segments)))
    # a recording of one piece keeps its samples for the acoustic pass, as before
    short = tmp_path / "short.wav"
    short.write_bytes(_wav_bytes(0.5))
    staged = worker.stage(Item(path=str(short), file=str(short)), "def")
    assert not isinstance(staged, dict) and len(staged.audio) == 8_000


def test_batch_a_long_recording_is_rescored_from_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A recording of more than one piece (over 200 s by default) kept no samples, and
    the acoustic pass, run only on samples kept, skipped it in silence: its flags were
    never weighed and its hunches stayed, as with --no-rescore."""
    import importlib

    rescore_module = importlib.import_module("uncertain.rescore")
    given: list[Any] = []

    def fake(doc: Document, **kwargs: Any) -> Document:
        given.append(kwargs["audio"])
        return doc

    monkeypatch.setattr(rescore_module, "rescore", fake)
    worker = Worker(WorkConfig(chunk_seconds=1.0, search_seconds=0.2),
                    asr_engine=ReplayPipeline())
    for seconds in (3.0, 0.5):  # in pieces, and of one piece
        path = tmp_path / f"{seconds}.wav"
        path.write_bytes(_wav_bytes(seconds))
        assert worker.process(Item(path=str(path), file=str(path)), "abc")["status"] == "ok"
    assert given[0] == str(tmp_path / "3.0.wav")
    assert isinstance(given[1], np.ndarray) and len(given[1]) == 8_000
    no_pass = Worker(WorkConfig(chunk_seconds=1.0, search_seconds=0.2, rescore=False),
                     asr_engine=ReplayPipeline())
    assert no_pass.process(Item(path=str(path), file=str(path)), "abc")["status"] == "ok"
    assert len(given) == 2


def test_batch_a_file_damaged_inside_is_read_with_a_warning(tmp_path: Path) -> None:
    """An MP3 with bytes overwritten mid-file, on disk or in an archive, failed its record
    ("cannot decode audio"); it is read around the damage, and the record says where."""
    from test_audio import _burst_after_damage

    class Silent:
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> Any:
            return iter([]), SimpleNamespace(language="en", language_probability=1.0)

    _, damaged = _burst_after_damage(tmp_path, "mp3", "mp3", "libmp3lame", 16000)
    worker = Worker(WorkConfig(validate=False), asr_engine=Silent())
    for item, name in ((Item(path=str(damaged), file=str(damaged)), str(damaged)),
                       (Item(path="a.tar::damaged.mp3", data=damaged.read_bytes()),
                        "a.tar::damaged.mp3")):
        record = worker.process(item, "abc")
        assert record["status"] == "ok", record.get("message")
        doc = Document.model_validate(record["document"])
        assert doc.source.duration == pytest.approx(10.0, abs=0.1)
        assert doc.warnings[0].startswith(f"{name}: damaged at ")
        assert doc.warnings[0].endswith(" s of audio unreadable, read as silence")


def test_batch_a_recording_without_speech_says_so(tmp_path: Path) -> None:
    # annotate's document says "no speech recognised"; a batch record said nothing
    class Silent:
        def transcribe(self, audio: np.ndarray, **kwargs: Any) -> Any:
            return iter([]), SimpleNamespace(language="en", language_probability=1.0)

    worker = Worker(WorkConfig(validate=False), asr_engine=Silent())
    record = worker.process(Item(path="a.tar::quiet.wav", data=_wav_bytes(2.0)), "abc")
    doc = Document.model_validate(record["document"])
    assert doc.segments == [] and doc.warnings == ["no speech recognised in 2.0 s of audio"]


def test_run_batch_takes_one_path_as_one_input(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # a string is one path, not its letters: "note.txt" was n, o, t, e, "." (the whole
    # working folder), t, x, t; a lexicon named by a string likewise
    monkeypatch.chdir(tmp_path)
    Path("note.txt").write_text("Continue Zapain 5 mg daily.\n")
    Path("other.txt").write_text("Not to be read.\n")
    Path("formulary.tsv").write_text("Zapain\tzapainol\tbrand\t0.6\n")
    summary = run_batch("note.txt", out="out.jsonl", lexicons="formulary.tsv", rescore=False)
    records = [json.loads(line) for line in Path("out.jsonl").read_text().splitlines()]
    assert [r["path"] for r in records] == ["note.txt"]
    assert (summary.total, summary.done, summary.failed) == (1, 1, 0)
    flags = records[0]["document"]["flags"]
    assert any(f["reason"] == "verified" and f["candidates"][0]["canonical"] == "zapainol"
               for f in flags)


def test_run_batch_that_cannot_run_leaves_no_output(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # no GPU for --device cuda, no Ray for --engine ray: the run failed with an empty
    # --out left behind, and the run after the fix asked for --force
    import ctranslate2

    from uncertain.errors import EngineNotFoundError, ModelNotFoundError

    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    out = tmp_path / "out.jsonl"
    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(ModelNotFoundError, match="sees no GPU"):
            run_batch([note], out=out, device="cuda")
        assert not out.exists()
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray: ImportError
    with pytest.raises(EngineNotFoundError, match="needs Ray Data"):
        run_batch([note], out=out, engine="ray")
    assert not out.exists()


def test_batch_ray_refuses_an_unknown_compute_type_before_the_run(tmp_path: Path) -> None:
    """A local run refuses a compute type CTranslate2 has not before the output is
    touched; a Ray run started, made the output, and stopped when its actors failed to
    load the model, said as a ModelNotFoundError "cannot load the Whisper model"."""
    from uncertain.errors import OptionError

    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    out = tmp_path / "out.jsonl"
    with pytest.raises(OptionError, match="compute_type='int3' is no CTranslate2 compute type"):
        run_batch([note], out=out, engine="ray", compute_type="int3")
    assert not out.exists()


def test_cli_batch_with_stderr_closed_still_writes(tmp_path: Path) -> None:
    # tqdm wrote to a closed stderr (None) and the run died before writing anything
    import subprocess

    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m uncertain.cli batch "{note}" -o "{out}" 2>&-'],
        capture_output=False, stdout=subprocess.PIPE, timeout=300)
    assert done.returncode == 0
    assert json.loads(out.read_text())["status"] == "ok"


def test_run_batch_resumed_with_another_model_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the output mixed tiny.en's and base's transcripts without a word
    out = tmp_path / "out.jsonl"
    doc = {"source": {"modality": "audio", "model": "tiny.en", "path": "a.wav"}}
    out.write_text(json.dumps({"path": str(tmp_path / "a.wav"), "sha256": "0" * 64,
                               "status": "ok", "document": doc}) + "\n")
    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        run_batch([note], out=out, resume=True, model="base", rescore=False)
    assert "transcribed with tiny.en; this run uses base" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        run_batch([note], out=out, resume=True, rescore=False)
    assert "transcribed with" not in caplog.text


def test_run_batch_resumed_says_no_other_model_of_records_it_drops(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A recording done with base, changed since and done again with tiny.en, left both
    records in an output whose run was stopped before the earlier was dropped: resuming
    with tiny.en warned "transcribed with base ... the output will hold both", where the
    base record is the one the run drops."""
    out = tmp_path / "out.jsonl"
    wav = str(tmp_path / "a.wav")
    out.write_text("".join(
        json.dumps({"path": wav, "sha256": sha * 64, "status": "ok", "document": {
            "source": {"modality": "audio", "model": model, "path": wav}}}) + "\n"
        for sha, model in [("0", "base"), ("1", "tiny.en")]))
    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        summary = run_batch([note], out=out, resume=True, rescore=False)
    assert summary.done == 1
    assert "transcribed with" not in caplog.text
    assert [r["sha256"][0] for r in _records(out) if r["path"] == wav] == ["1"]
    with caplog.at_level(logging.WARNING, logger="uncertain"):  # the one kept: base's
        run_batch([note], out=out, resume=True, model="base", rescore=False)
    assert "transcribed with tiny.en; this run uses base" in caplog.text


def test_ray_says_an_actors_model_error_as_itself() -> None:
    # under --engine ray a model that cannot load ended the run in a 150-line traceback,
    # the useful line near its end: the actor's error reaches the driver only as text
    from uncertain._ray import _our_error
    from uncertain.errors import ModelNotFoundError

    remote = ("ray::MapWorker(MapBatches(_Actor)).submit() (pid=839)\n"
              "  File \"uncertain/models.py\", line 405, in pick_device\n"
              "uncertain.errors.ModelNotFoundError: compute_type='bogus' is not supported\n"
              "\nThe above exception was the direct cause of the following exception:\n"
              "ray.exceptions.UserCodeException: UDF failed to process a data block.")
    found = _our_error(RuntimeError(remote))
    assert isinstance(found, ModelNotFoundError)
    assert str(found) == "compute_type='bogus' is not supported"
    assert _our_error(RuntimeError("ray.exceptions.UserCodeException: boom")) is None
    # an input's error is a record, never the run's: not taken from the text
    assert _our_error(RuntimeError("uncertain.errors.CorruptInputError: a.wav: bad")) is None


def test_batch_cli_says_which_file_a_full_disk_stopped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A full disk under --out printed "OSError: [Errno 28] No space left on device",
    naming no file and not saying what was kept."""
    import errno

    from uncertain import batch as batch_module
    from uncertain.cli import main

    out = tmp_path / "out.jsonl"

    def full(inputs: Any, *, out: Path, **_: Any) -> None:
        Path(out).write_text('{"path": "a"}\n{"path": "b"}\n')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch_module, "run_batch", full)
    (tmp_path / "a.txt").write_text("x")
    assert main(["batch", str(tmp_path / "a.txt"), "-o", str(out), "--no-progress"]) == 1
    assert capsys.readouterr().err == (
        f"OSError: {out}: No space left on device; the 2 records this run wrote in {out} "
        "are kept whole: --resume goes on from there\n")

    def stopped(inputs: Any, *, out: Path, **_: Any) -> None:  # Ctrl-C: it said nothing
        Path(out).write_text('{"path": "a"}\n')
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "run_batch", stopped)
    assert main(["batch", str(tmp_path / "a.txt"), "-o", str(out), "--no-progress",
                 "--force"]) == 130
    assert capsys.readouterr().err == (
        f"uncertain batch: interrupted; the 1 record this run wrote in {out} is kept whole "
        "(the earlier run's were dropped as it wrote its first): --resume goes on from "
        "there\n")


def test_cli_batch_interrupted_says_whose_records_are_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`batch --force` stopped before its first record leaves the earlier run's records
    (the file is emptied as the first is written), and said "the 3 records ... are kept
    whole" as though they were its own; a stopped --resume did not say which were new."""
    from uncertain import batch as batch_module
    from uncertain.cli import main

    out = tmp_path / "out.jsonl"
    out.write_text('{"path": "a"}\n{"path": "b"}\n{"path": "c"}\n')
    (tmp_path / "a.txt").write_text("x")
    argv = ["batch", str(tmp_path / "a.txt"), "-o", str(out), "--no-progress"]

    def stopped(inputs: Any, *, out: Path, **_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "run_batch", stopped)
    assert main([*argv, "--force"]) == 130
    assert capsys.readouterr().err == (
        f"uncertain batch: interrupted; the earlier run's 3 records in {out} are kept whole "
        "(this run wrote none): --resume goes on from there\n")

    def added(inputs: Any, *, out: Path, **_: Any) -> None:
        with open(out, "a") as fh:
            fh.write('{"path": "d"}\n')
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "run_batch", added)
    assert main([*argv, "--resume"]) == 130
    assert capsys.readouterr().err == (
        f"uncertain batch: interrupted; the 4 records in {out}, 1 of them this run's and "
        "the rest the earlier run's, are kept whole: --resume goes on from there\n")


class _Chatty(FakeProcessor):
    """Logs an INFO record for each file, as a stage loading its model does."""

    def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
        logging.getLogger("uncertain").info("read %s", item.path)
        return super().process(item, sha256)


def test_batch_progress_leaves_the_logging_alone_where_no_bar_is_drawn(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``progress`` and no terminal (a service's run), no bar is drawn, yet tqdm's
    log redirection added a console handler of no level: the INFO records the service's
    own handler (WARNING, to a log) dropped were printed on stderr."""
    (tmp_path / "a.wav").write_bytes(b"RIFF audio")
    kept = io.StringIO()
    handler = logging.StreamHandler(kept)
    handler.setLevel(logging.WARNING)
    monkeypatch.setattr(logging.root, "handlers", [handler])
    monkeypatch.setattr(logging.getLogger("uncertain"), "level", logging.INFO)
    summary = run_batch([tmp_path / "a.wav"], out=tmp_path / "out.jsonl", processor=_Chatty,
                        progress=True)
    assert summary.done == 1
    assert "read" not in capsys.readouterr().err
    assert kept.getvalue() == "" and logging.root.handlers == [handler]


def test_batch_progress_logs_above_a_drawn_bar_at_the_console_handlers_level(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from uncertain._progress import logging_above

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    monkeypatch.setattr(logging.root, "handlers", [console])
    with logging_above(SimpleNamespace(disable=False)):
        (above,) = logging.root.handlers
        assert above is not console and above.level == logging.WARNING
    assert logging.root.handlers == [console]


def test_cli_batch_says_style_does_nothing_without_prompts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"batch ... --style bracket" without --prompts wrote records without prompts, as
    without it, and said nothing of the option it did not use."""
    note = tmp_path / "note.txt"
    note.write_text("Continue metformin daily.\n")
    base = ["batch", str(note), "--no-progress", "--no-validate", "--style", "bracket"]
    assert cli_main([*base, "--out", str(tmp_path / "a.jsonl")]) == 0
    assert capsys.readouterr().err.startswith(
        "warning: --style bracket sets how the prompts are rendered; without --prompts the "
        "records hold none\n")
    assert "prompt" not in _records(tmp_path / "a.jsonl")[0]
    assert cli_main([*base, "--prompts", "--out", str(tmp_path / "b.jsonl")]) == 0
    assert "warning" not in capsys.readouterr().err
    assert "[x?0.15|a/b] marks text x" in _records(tmp_path / "b.jsonl")[0]["prompt"]


def test_batch_resumed_with_or_without_prompts_says_the_output_will_mix_them(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A run resumed with --prompts skipped the inputs recorded without, their records
    left with no prompt, and said nothing; resumed without it, it wrote records without
    prompts beside records with. Either is said, as a second model is."""
    (tmp_path / "a.txt").write_text("Take metformin.")
    (tmp_path / "b.txt").write_text("Stop aspirin.")
    (tmp_path / "c.txt").write_text("Start warfarin.")
    out = tmp_path / "out.jsonl"
    run_batch([tmp_path / "a.txt"], out=out, validate=False)
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out=out, resume=True,
                  validate=False, prompts=True)
    assert (f"{out}: 1 document in it has no prompt (written without --prompts); an input "
            "skipped keeps its record as it is (uncertain render renders it)") in caplog.text
    assert ["prompt" in r for r in _records(out)] == [False, True]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        run_batch([tmp_path / "c.txt"], out=out, resume=True, validate=False)
    assert (f"{out}: its documents have prompts (--prompts); this run, without --prompts, "
            "writes none") in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="uncertain"):  # all alike: nothing said
        run_batch([tmp_path / "c.txt"], out=tmp_path / "new.jsonl", validate=False)
        run_batch([tmp_path / "a.txt"], out=tmp_path / "new.jsonl", resume=True,
                  validate=False)
    assert "prompt" not in caplog.text


def test_batch_resumed_with_prompts_over_prompts_unsaved_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Records written with --prompts before batch kept each prompt as prompt_json hold
    its text alone, which reconcile --prompt cannot read; a run resumed with --prompts
    skipped them, as it skips records without a prompt, and said nothing (it says so of
    those). It is said once, with how many."""
    for name, text in (("a", "Take metformin."), ("b", "Stop aspirin."), ("c", "Go.")):
        (tmp_path / f"{name}.txt").write_text(text)
    out = tmp_path / "out.jsonl"
    run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out=out, validate=False,
              prompts=True)
    older = [{k: v for k, v in r.items() if k != "prompt_json"} for r in _records(out)]
    out.write_text("".join(json.dumps(r) + "\n" for r in older), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        run_batch([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"], out=out,
                  resume=True, validate=False, prompts=True)
    said = [r.getMessage() for r in caplog.records]
    assert said == [f"{out}: 2 documents in it have a prompt's text but no saved prompt "
                    "(prompt_json, which batch --prompts writes since), so reconcile --prompt "
                    "cannot read theirs; an input skipped keeps its record as it is (uncertain "
                    "render --prompt-json saves one)"]
    assert ["prompt_json" in r for r in _records(out)] == [False, False, True]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="uncertain"):  # saved alike: nothing said
        run_batch([tmp_path / "a.txt"], out=tmp_path / "new.jsonl", validate=False,
                  prompts=True)
        run_batch([tmp_path / "a.txt", tmp_path / "c.txt"], out=tmp_path / "new.jsonl",
                  resume=True, validate=False, prompts=True)
    assert not [r for r in caplog.records if "prompt" in r.getMessage()]


@pytest.mark.parametrize(("total", "said"), [(1, "(of 1 input) -> o.jsonl"),
                                             (2, "(of 2 inputs) -> o.jsonl")])
def test_batch_summary_says_input_or_inputs(total: int, said: str) -> None:
    """The summary said "(of 1 inputs)"."""
    from uncertain.batch import BatchSummary

    assert said in BatchSummary(out="o.jsonl", total=total, done=total).format()


def test_batch_real_time_factor_leaves_out_loading_the_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of 1.7 s of audio said a real-time factor of 19.7: the time the speech model
    and the validator took to load was counted as the audio's. The summary says the
    seconds spent loading apart, and the factor and the files an hour leave them out."""
    import time

    from uncertain import _batch_asr
    from uncertain.batch import BatchSummary

    real = _batch_asr.BatchedASR.__init__

    def slow(self: Any, *args: Any, **kwargs: Any) -> None:
        time.sleep(1.0)  # (a model loading)
        real(self, *args, **kwargs)

    monkeypatch.setattr(_batch_asr.BatchedASR, "__init__", slow)
    (tmp_path / "a.wav").write_bytes(_wav_bytes(2.0))
    summary = run_batch([tmp_path / "a.wav"], out=tmp_path / "out.jsonl", validate=False,
                        processor=lambda config: Worker(config, asr_engine=ReplayPipeline()))
    assert summary.done == 1 and summary.audio_seconds == pytest.approx(2.0)
    assert 1.0 <= summary.load_seconds < summary.wall_seconds
    assert summary.real_time_factor == pytest.approx(
        (summary.wall_seconds - summary.load_seconds) / summary.audio_seconds)
    said = summary.format()
    assert f"({summary.load_seconds:.1f} s of it loading the model and lexicons)" in said
    assert "after loading" in said
    assert "loading" not in BatchSummary(out="o", audio_seconds=2.0, wall_seconds=1.0).format()


def test_batch_members_of_one_name_each_get_a_record(tmp_path: Path) -> None:
    """Of a tar's two members named a.wav, the second was dropped as "named again"."""
    arc = tmp_path / "arc.tar"
    with tarfile.open(arc, "w") as tar:
        for data in (b"first", b"second"):
            info = tarfile.TarInfo("a.wav")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out.jsonl"
    summary = run_batch([arc], out=out, processor=FakeProcessor)
    assert (summary.total, summary.done, summary.named_again) == (2, 2, 0)
    assert [r["path"] for r in _records(out)] == [f"{arc}::a.wav", f"{arc}::a.wav#2"]
    again = run_batch([arc], out=out, resume=True, processor=FakeProcessor)
    assert (again.total, again.skipped) == (2, 2)


def test_cli_batch_prompts_keep_the_prompt_reconcile_reads_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """batch --prompts kept the prompt's text alone: reconcile --prompt, which needs the
    prompt as render --prompt-json saves it, could not be given what the model was
    shown. The record keeps it as prompt_json, and reconcile --prompt reads the record."""
    note = tmp_path / "note.txt"
    note.write_text("Patient takes zorbafen daily.\n")
    out = tmp_path / "b.jsonl"
    assert cli_main(["batch", str(note), "--no-progress", "--no-rescore", "--prompts",
                     "--style", "bracket", "--out", str(out)]) == 0
    (record,) = _records(out)
    assert record["prompt_json"]["text"] == record["prompt"]
    assert record["prompt_json"]["style"] == "bracket"
    answer = tmp_path / "answer.txt"
    answer.write_text("Patient takes sorafenib daily.\n")
    capsys.readouterr()
    assert cli_main(["reconcile", str(out), str(answer), "--prompt", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in result["spans"]] == ["zorbafen"]
    plain = tmp_path / "plain.jsonl"
    assert cli_main(["batch", str(note), "--no-progress", "--no-rescore",
                     "--out", str(plain)]) == 0
    capsys.readouterr()
    assert cli_main(["reconcile", str(plain), str(answer), "--prompt", str(plain)]) == 1
    assert capsys.readouterr().err == (
        f"EmptyInputError: {plain}: holds no prompt (batch records: batch --prompts keeps "
        "each document's)\n")


def test_cli_batch_of_no_input_files_says_so_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """An empty folder was said twice: "no input files in d", then "no input files"; and
    its status was 0, which a script read as a run that went well: it is 3, and --out
    is not written. A newline in the folder's name is escaped, as in other messages."""
    (tmp_path / "d").mkdir()
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main(["batch", str(tmp_path / "d"), "--no-progress",
                         "--out", str(tmp_path / "o.jsonl")]) == 3
    said = capsys.readouterr().err + caplog.text
    assert said.count("no input files") == 1
    assert f"no input files in {tmp_path / 'd'}" in said
    assert not (tmp_path / "o.jsonl").exists()
    (tmp_path / "e\nf").mkdir()
    caplog.clear()
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main(["batch", str(tmp_path / "e\nf"), "--no-progress",
                         "--out", str(tmp_path / "o.jsonl")]) == 3
    assert f"no input files in {tmp_path}/e\\nf" in caplog.text


def test_cli_batch_resumed_with_other_lexicons_says_the_output_will_mix_them(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A run resumed with a formulary added (or with --no-validate) kept the documents
    validated without it and said nothing, as it says of another --model: the output
    held documents validated two ways, and nothing told which."""
    lexicon = tmp_path / "hosp.tsv"
    lexicon.write_text("term\tcanonical\tkind\nzorbafen\tzorbafen\tdrug\n")
    notes = []
    for name in ("a", "b", "c"):
        notes.append(tmp_path / f"{name}.txt")
        notes[-1].write_text(f"Patient {name} takes zorbafen daily.\n")
    out = str(tmp_path / "out.jsonl")
    base = ["batch", "--no-progress", "--out", out]
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main([*base, str(notes[0])]) == 0
        assert cli_main([*base, str(notes[0]), "--resume"]) == 0
        assert "lexicons" not in caplog.text and "validated" not in caplog.text
        assert cli_main([*base, *map(str, notes[:2]), "--resume", "--lexicon",
                         str(lexicon)]) == 0
    assert (f"{out}: its documents were validated with drugs+clinical; this run's are "
            "validated with drugs+clinical+hosp, so the output will hold both") in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main([*base, *map(str, notes), "--resume", "--no-validate"]) == 0
    assert (f"{out}: its documents were validated with drugs+clinical, validated with "
            "drugs+clinical+hosp; this run's are not validated (--no-validate)"
            in caplog.text)


def test_cli_batch_warns_of_a_lexicon_without_entries_as_annotate_does(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`annotate --lexicon empty.tsv` warns "the lexicon has no entries"; batch said
    nothing, and a formulary of a header alone validated every document unsaid."""
    empty = tmp_path / "new\nformulary.tsv"
    empty.write_text("term\tcanonical\n# nothing yet\n")
    full = tmp_path / "hosp.tsv"
    full.write_text("zorbafen\n")
    note = tmp_path / "a.txt"
    note.write_text("Patient takes zorbafen daily.\n")
    out = tmp_path / "out.jsonl"
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main(["batch", str(note), "--no-progress", "--out", str(out), "--lexicon",
                         str(full), "--lexicon", str(empty)]) == 0
    said = [r.getMessage() for r in caplog.records if "no entries" in r.getMessage()]
    assert said == [f"{tmp_path}/new\\nformulary.tsv: the lexicon has no entries"]
    assert len(_records(out)) == 1


def test_cli_batch_on_ray_warns_of_a_lexicon_without_entries_and_refuses_a_bad_one_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Under --engine ray the lexicon of no entries was looked for in a local worker's
    validator, and there is none: the run said nothing. A malformed lexicon was found by
    the actors only, after Ray had started, and said in 300 lines of Ray's traceback. The
    driver reads the user's lexicons: the warning is said once, a bad line before Ray."""
    empty = tmp_path / "formulary.tsv"
    empty.write_text("term\tcanonical\n# nothing yet\n")
    bad = tmp_path / "bad.tsv"
    bad.write_text("zorbafen\tzorbafen\tdrug\tnot a prior\n")
    note = tmp_path / "a.txt"
    note.write_text("Patient takes zorbafen daily.\n")
    base = ["batch", str(note), "--engine", "ray", "--no-progress"]
    _fake_ray(monkeypatch)
    out = tmp_path / "out.jsonl"
    with caplog.at_level("WARNING", logger="uncertain"):
        assert cli_main([*base, "--out", str(out), "--lexicon", str(empty)]) == 0
    said = [r.getMessage() for r in caplog.records if "no entries" in r.getMessage()]
    assert said == [f"{empty}: the lexicon has no entries"]
    assert [r["status"] for r in _records(out)] == ["ok"]
    capsys.readouterr()
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(sys.modules["ray"], "init", lambda **kwargs: started.append(kwargs))
    out = tmp_path / "bad.jsonl"
    assert cli_main([*base, "--out", str(out), "--lexicon", str(bad)]) == 1
    assert f"LexiconError: {bad}:1: bad prior 'not a prior'" in capsys.readouterr().err
    assert not started and not out.exists()


@pytest.mark.parametrize("before", [None, b""])
def test_batch_a_forced_run_stopped_before_its_first_record_leaves_no_output(
        tmp_path: Path, before: bytes | None) -> None:
    """`batch --force --model typo` stopped at the first recording and left an empty
    --out (it was removed only when the run was not forced): the next run without
    --force was refused as "exists; pass --resume or --force", for a file of nothing."""
    (tmp_path / "a.wav").write_bytes(b"aaa")
    out = tmp_path / "out.jsonl"
    if before is not None:
        out.write_bytes(before)
    with pytest.raises(ModelNotFoundError):
        run_batch([tmp_path / "a.wav"], out=out, processor=_Refusing, force=True)
    assert not out.exists()
    assert run_batch([tmp_path / "a.wav"], out=out, processor=FakeProcessor).done == 1


class _Interrupted(FakeProcessor):
    """A processor Ctrl-C stops at its ``stop``th input (counted from 1)."""

    stop = 1
    seen = 0

    def process(self, item: Item, sha256: str | None) -> dict[str, Any]:
        type(self).seen += 1
        if type(self).seen >= self.stop:
            raise KeyboardInterrupt
        return super().process(item, sha256)


@pytest.mark.parametrize("fail", [KeyboardInterrupt, ModelNotFoundError])
def test_batch_a_forced_run_stopped_before_its_first_record_keeps_the_earlier_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: type[BaseException]) -> None:
    """`batch --force` emptied --out as it started: Ctrl-C (or a model that cannot be
    loaded) before its first record left nothing of the earlier run's records, none of its
    own. The earlier records stay until the forced run writes its first; after that the
    file holds its records only."""
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.wav").write_bytes(name.encode() * 3)
    inputs = [tmp_path / f"{name}.wav" for name in ("a", "b", "c")]
    out = tmp_path / "out.jsonl"
    assert run_batch(inputs, out=out, processor=FakeProcessor).done == 3
    earlier = out.read_bytes()
    monkeypatch.setattr(_Interrupted, "seen", 0)
    monkeypatch.setattr(_Interrupted, "stop", 1)
    processor = _Interrupted if fail is KeyboardInterrupt else _Refusing
    with pytest.raises(fail):
        run_batch(inputs, out=out, processor=processor, force=True)
    assert out.read_bytes() == earlier
    # stopped after its first record: the forced run's records, no earlier one
    monkeypatch.setattr(_Interrupted, "seen", 0)
    monkeypatch.setattr(_Interrupted, "stop", 3)
    (tmp_path / "a.wav").write_bytes(b"new")
    with pytest.raises(KeyboardInterrupt):
        run_batch(inputs, out=out, processor=_Interrupted, force=True)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["path"], r["document"]["text"]) for r in records] == [
        (str(inputs[0]), "new"), (str(inputs[1]), "bbb")]


def test_cli_batch_interrupted_before_its_first_record_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C (or SIGTERM) before the first record ended the run with status 130 and not
    a word, where one after it says what records are kept."""
    import uncertain.batch

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(uncertain.batch, "run_batch", interrupted)
    (tmp_path / "a.txt").write_text("Take metformin.")
    out = tmp_path / "out.jsonl"
    assert cli_main(["batch", str(tmp_path / "a.txt"), "--out", str(out)]) == 130
    assert capsys.readouterr().err == (
        f"uncertain batch: interrupted before the first record; {out} not written\n")
