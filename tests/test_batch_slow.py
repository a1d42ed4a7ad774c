"""Batch runs on the real engines: a mixed archive, a SIGKILL then --resume, Ray local mode.

Speech is synthesised with espeak-ng into a temporary folder; the image is
samples/prescription.png. The model is the bundled tiny.en on the CPU.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest

from uncertain._batch_records import read_records
from uncertain.batch import run_batch
from uncertain.document import Document

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SENTENCES = [
    "patient number one takes metformin twice daily",
    "start lisinopril ten milligrams in the morning",
    "no known allergies and the blood pressure is fine",
]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is required for the batch tests (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("speech")
    paths = []
    for i, sentence in enumerate(SENTENCES, start=1):
        path = folder / f"speech{i}.wav"
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), sentence], check=True)
        paths.append(path)
    return paths


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _words(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [w for s in record["document"]["segments"] for w in s["words"]]


def test_batch_real_pipeline_over_a_mixed_archive(tmp_path: Path, speech: list[Path]) -> None:
    archive = tmp_path / "mixed.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in speech:
            _add(tar, f"audio/{path.name}", path.read_bytes())
        _add(tar, "scans/prescription.png", (SAMPLES / "prescription.png").read_bytes())
        _add(tar, "notes/note.txt", b"The patient takes metfornin every morning.\n")
        _add(tar, "audio/cut.wav", speech[0].read_bytes()[:4000])
    out = tmp_path / "out.jsonl"
    summary = run_batch([archive], out=out, device="cpu", prompts=True)
    records = {r["path"].split("::")[1]: r for r in read_records(out)}
    assert len(records) == 6
    assert (summary.done, summary.failed, summary.total) == (5, 1, 6)
    assert summary.audio_seconds > 3 and summary.real_time_factor is not None

    for path in speech:
        record = records[f"audio/{path.name}"]
        assert record["status"] == "ok" and record["kind"] == "audio", record.get("message")
        doc = Document.model_validate(record["document"])
        assert doc.source.options["mode"] == "batched"
        assert doc.source.options["word_timestamps"] is True
        assert doc.source.path == f"{archive}::audio/{path.name}"
        words = _words(record)
        assert len(words) >= 4
        for word in words:  # batched mode must not lose any of these
            assert word["confidence"] is not None and 0 <= word["confidence"] <= 1
            assert word["start"] is not None and word["end"] is not None
            assert 0 <= word["start"] <= word["end"] <= doc.source.duration + 0.5
            assert word["tokens"], word
            assert all(0 <= t["probability"] <= 1 for t in word["tokens"])
        starts = [w["start"] for w in words]
        assert starts == sorted(starts)
        assert record["prompt"]

    image = records["scans/prescription.png"]
    assert image["status"] == "ok" and image["kind"] == "image"
    assert Document.model_validate(image["document"]).words

    note = records["notes/note.txt"]
    assert note["status"] == "ok" and note["kind"] == "text"
    flagged = {c["canonical"].lower() for f in note["document"]["flags"]
               for c in f["candidates"]}
    assert "metformin" in flagged  # the validator ran with the shipped lexicons

    cut = records["audio/cut.wav"]
    assert (cut["status"], cut["error"]) == ("error", "CorruptInputError")
    assert "audio/cut.wav" in cut["message"]


def test_batch_sigkill_then_resume_records_every_input_once(tmp_path: Path,
                                                            speech: list[Path]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(3):
        for path in speech:
            shutil.copy(path, folder / f"{copy}-{path.name}")
    (folder / "z-note.txt").write_text("Takes lisinopril daily.")
    (folder / "z-broken.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunk")
    inputs = sorted(str(p) for p in folder.iterdir())
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "uncertain.cli", "batch", str(folder), "--out", str(out),
               "--device", "cpu", "--no-validate", "--no-progress"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.stat().st_size > 0:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    before = out.read_bytes()
    assert before.endswith(b"\n")
    killed_at = len(before.splitlines())
    assert 1 <= killed_at < len(inputs)

    resumed = subprocess.run(
        [*command, "--resume", "--allow-failures"], capture_output=True, text=True,
        timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{killed_at} skipped" in resumed.stderr

    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""
    records = [json.loads(line) for line in lines[:-1]]
    assert sorted(r["path"] for r in records) == inputs  # each exactly once
    assert [r["status"] for r in records].count("error") == 1


def test_batch_ray_local_mode(tmp_path: Path, speech: list[Path]) -> None:
    ray = pytest.importorskip("ray")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(speech[0], folder / "a.wav")
    shutil.copy(speech[1], folder / "b.wav")
    (folder / "c.txt").write_text("Takes metformin.")
    out = tmp_path / "out.jsonl"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        summary = run_batch([folder], out=out, engine="ray", device="cpu", validate=False)
        assert (summary.done, summary.failed) == (3, 0)
        records = {Path(r["path"]).name: r for r in read_records(out)}
        assert sorted(records) == ["a.wav", "b.wav", "c.txt"]
        for name in ("a.wav", "b.wav"):
            words = _words(records[name])
            assert words and all(w["confidence"] is not None and w["start"] is not None
                                 and w["tokens"] for w in words)
        (folder / "d.txt").write_text("No allergies.")
        again = run_batch([folder], out=out, engine="ray", device="cpu", validate=False,
                          resume=True)
        assert (again.done, again.skipped) == (1, 3)
        assert len(list(read_records(out))) == 4
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_batch_pdf_dpi_reaches_the_ocr(tmp_path: Path) -> None:
    # the render resolution reaches the OCR of every page, and is recorded
    out = tmp_path / "out.jsonl"
    summary = run_batch([SAMPLES / "scan.pdf"], out=out, dpi=150, validate=False)
    assert (summary.done, summary.failed) == (1, 0)
    (record,) = read_records(out)
    pages = record["document"]["pages"]
    assert [p["dpi"] for p in pages] == [150.0] * len(pages)
    assert record["document"]["source"]["options"]["dpi"] == 150.0


def test_batch_damaged_float_recording_is_heard_with_a_warning(tmp_path: Path,
                                                              speech: list[Path]) -> None:
    """NaN samples in a float WAV, on disk and in an archive, are read as silence: the
    speech around them is transcribed and the record's document says what was damaged."""
    import numpy as np
    from test_audio import write_float_wav

    from uncertain import audio

    samples = audio.decode(speech[1])
    samples[8_000:8_005] = np.nan
    folder = tmp_path / "in"
    folder.mkdir()
    damaged = write_float_wav(folder / "damaged.wav", samples)
    archive = tmp_path / "in.tar"
    with tarfile.open(archive, "w") as tar:
        _add(tar, "damaged.wav", damaged.read_bytes())
    out = tmp_path / "out.jsonl"
    summary = run_batch([folder, archive], out=out, device="cpu")
    assert (summary.done, summary.failed) == (2, 0)
    for record in read_records(out):
        assert record["status"] == "ok", record.get("message")
        assert len(_words(record)) >= 4  # "start ... ten milligrams in the morning"
        assert record["document"]["warnings"] == [
            "5 samples (0.000 s) of the audio were not numbers (NaN or infinite: a damaged "
            "recording) and were read as silence"]


@pytest.mark.parametrize("setting", [["--model", "no-such-model"],
                                     ["--compute-type", "no-such-type"]])
def test_batch_a_model_that_cannot_load_stops_the_run_and_resume_finishes_it(
        tmp_path: Path, speech: list[Path], setting: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped model or compute type became an error record for every audio file,
    which --resume then skipped for good ("2 skipped (1 of them failed in an earlier
    run)"). It is the run's failure: the run stops, the files done so far kept."""
    from uncertain.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_note.txt").write_text("Start metformin 500 mg daily.\n")
    shutil.copy(speech[0], folder / "b_speech.wav")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(folder), "--out", str(out), "--no-progress", *setting]) == 1
    if setting[0] == "--compute-type":  # known before any file: no output is begun
        assert "'no-such-type' is no CTranslate2 compute type" in capsys.readouterr().err
        assert not out.exists()
    else:
        assert [r["path"] for r in read_records(out)] == [str(folder / "a_note.txt")]
    assert main(["batch", str(folder), "--out", str(out), "--no-progress", "--resume",
                 "--no-rescore"]) == 0
    records = list(read_records(out))
    assert [(Path(r["path"]).name, r["status"]) for r in records] == [
        ("a_note.txt", "ok"), ("b_speech.wav", "ok")]
    assert "twice daily" in records[1]["document"]["segments"][0]["text"]


def test_batch_a_failed_reading_decoded_again_reads_the_same_after_others(
        tmp_path: Path) -> None:
    """A fast dictation the batched pipeline read as a phrase repeated is decoded again
    with Whisper's fallback, which samples: on the model's own generator it read "They
    should take another run out of 25 milligrams." first and "Thank you for watching,
    and I'll see you in the next video." after other files in one process. Each
    recording samples with a generator of its own, seeded."""
    import numpy as np

    from uncertain import asr, audio
    from uncertain._batch_asr import BatchedASR, plan_device

    fast = tmp_path / "fast.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "350", "-w", str(fast),
                    "Patient takes metoprolol twenty five milligrams twice daily and "
                    "lisinopril ten milligrams, no propranolol, allergic to penicillin, "
                    "follow up in two weeks."], check=True)
    samples = np.concatenate([c.samples for c in audio.iter_chunks(fast)])
    batched = BatchedASR(plan=plan_device("cpu"))
    first = batched.transcribe(samples, path=str(fast), sha256="s")
    assert any("reading failed" in w for w in first.warnings)  # decoded again, sampling
    asr.transcribe(fast, temperature=(1.0,))  # sampling all through, on the same model
    assert batched.transcribe(samples, path=str(fast), sha256="s").text == first.text
