"""Throughput of ``uncertain batch`` against raw faster-whisper ``BatchedInferencePipeline``.

Builds a tar.gz of synthesised recordings (espeak-ng), then, in alternating rounds, runs

- raw: read each member, ``faster_whisper.decode_audio``, ``BatchedInferencePipeline.
  transcribe(word_timestamps=True, batch_size=N)`` on the bundled tiny.en, consume the
  segments;
- validated: :func:`uncertain.batch.run_batch` on the same archive, same device, model
  and batch size, validation on (drugs + clinical lexicons), records fsync-ed to a file;
- rescored: the same with the acoustic second pass on flagged spans (the default of
  ``uncertain batch``).

Each variant runs in its own process (so its peak memory is its own); the one-time setup
(model load, and for uncertain's variants the lexicon index) is timed apart from the steady-state
pass over the archive, and the best round of each is reported, with the CPU seconds each
used (a shared machine's load moves wall time more than CPU time). Usage::

    .venv/bin/python benchmarks/batch_throughput.py [--files 24] [--rounds 2]
        [--device cpu] [--batch-size 8]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

SENTENCES = [
    "The patient takes metformin five hundred milligrams twice daily with meals.",
    "Start lisinopril ten milligrams once a day and check the blood pressure in two weeks.",
    "She reports no known drug allergies and denies chest pain or shortness of breath.",
    "Continue atorvastatin forty milligrams at night and repeat the lipid panel.",
    "Amoxicillin five hundred milligrams three times a day for seven days.",
    "The wound is healing well, with no sign of infection or swelling.",
    "Blood glucose this morning was one hundred and forty, slightly above the target.",
    "Prescribe omeprazole twenty milligrams before breakfast for four weeks.",
    "He was given ibuprofen four hundred milligrams for the knee pain.",
    "Follow up in the clinic in three months, sooner if the symptoms return.",
    "Levothyroxine fifty micrograms every morning on an empty stomach.",
    "The chest x-ray shows no consolidation and the heart size is normal.",
]
VOICES = ["en-us", "en", "en-us+f3", "en+m3"]


def build_archive(folder: Path, files: int) -> tuple[Path, float]:
    """A tar.gz of ``files`` recordings; returns it and the total audio seconds."""
    import wave

    archive = folder / "recordings.tar.gz"
    total = 0.0
    with tarfile.open(archive, "w:gz") as tar:
        for i in range(files):
            text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 3))
            wav = folder / f"rec{i:03d}.wav"
            subprocess.run(["espeak-ng", "-v", VOICES[i % len(VOICES)], "-s",
                            str(140 + 10 * (i % 4)), "-w", str(wav), text], check=True)
            with wave.open(str(wav)) as w:
                total += w.getnframes() / w.getframerate()
            tar.add(wav, arcname=f"clinic/rec{i:03d}.wav")
            wav.unlink()
    return archive, total


def _cpu() -> float:
    """CPU seconds used by this process so far (all threads), less sensitive to load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_raw(archive: Path, device: str, batch_size: int) -> dict[str, Any]:
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    from uncertain.models import default_cpu_threads, pick_device, resolve_model

    t0 = time.perf_counter()
    device, compute_type = pick_device(device, "auto")
    model = WhisperModel(str(resolve_model(None).path), device=device,
                         compute_type=compute_type, cpu_threads=default_cpu_threads())
    pipeline = BatchedInferencePipeline(model)
    setup = time.perf_counter() - t0
    t0, cpu0 = time.perf_counter(), _cpu()
    files = words = 0
    with tarfile.open(archive, "r|gz") as tar:
        for member in tar:
            fh = tar.extractfile(member)
            if fh is None:
                continue
            audio = decode_audio(io.BytesIO(fh.read()))
            segments, _ = pipeline.transcribe(audio, batch_size=batch_size,
                                              word_timestamps=True)
            words += sum(len(s.words or ()) for s in segments)
            files += 1
    return {"setup": setup, "seconds": time.perf_counter() - t0, "cpu": _cpu() - cpu0,
            "files": files, "words": words}


VARIANTS = ("raw", "validated", "rescored")


def run_uncertain(archive: Path, device: str, batch_size: int, *,
                  rescore: bool = False) -> dict[str, Any]:
    from uncertain._batch_work import WorkConfig, Worker
    from uncertain.batch import run_batch

    t0 = time.perf_counter()
    config = WorkConfig(device=device, batch_size=batch_size, validate=True, rescore=rescore)
    worker = Worker(config)
    _ = worker.asr  # load the model now, like the raw variant
    setup = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        t0, cpu0 = time.perf_counter(), _cpu()
        summary = run_batch([archive], out=out, device=device, batch_size=batch_size,
                            processor=lambda _config: worker)
        seconds, cpu = time.perf_counter() - t0, _cpu() - cpu0
        words = flags = 0
        for line in out.read_text().splitlines():
            doc = json.loads(line)["document"]
            words += sum(len(s["words"]) for s in doc["segments"])
            flags += len(doc["flags"])
    return {"setup": setup, "seconds": seconds, "cpu": cpu, "files": summary.done,
            "failed": summary.failed, "words": words, "flags": flags}


def _child(args: argparse.Namespace) -> None:
    archive = Path(args.archive)
    if args.variant == "raw":
        result = run_raw(archive, args.device, args.batch_size)
    else:
        result = run_uncertain(archive, args.device, args.batch_size,
                               rescore=args.variant == "rescored")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--archive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        _child(args)
        return
    if args.files < 20:
        parser.error("--files must be at least 20")
    with tempfile.TemporaryDirectory(prefix="uncertain-bench-") as tmp:
        archive, audio_seconds = build_archive(Path(tmp), args.files)
        print(f"archive: {args.files} recordings, {audio_seconds:.1f} s of audio "
              f"({audio_seconds / 3600:.4f} h), device {args.device}, model tiny.en, "
              f"batch size {args.batch_size}, word timestamps on")
        results: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
        for round_ in range(1, args.rounds + 1):
            for variant in VARIANTS:
                proc = subprocess.run(
                    [sys.executable, __file__, "--variant", variant, "--archive", str(archive),
                     "--device", args.device, "--batch-size", str(args.batch_size)],
                    capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    sys.exit(f"the {variant} run failed:\n{proc.stderr}")
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                results[variant].append(result)
                print(f"round {round_} {variant:9s}: {result['seconds']:7.2f} s "
                      f"({result['cpu']:.1f} CPU s) for "
                      f"{result['files']} files, {result['words']} words"
                      + (f", {result['flags']} flags" if "flags" in result else "")
                      + f" (setup {result['setup']:.2f} s, peak RSS "
                        f"{result['peak_rss_mb']:.0f} MB)")
    best = {v: min(r, key=lambda x: x["seconds"]) for v, r in results.items()}
    print()
    print(f"{'':10s} {'files/hour':>11s} {'RTF':>7s} {'CPU s':>7s} {'setup s':>8s} "
          f"{'peak MB':>8s}")
    for variant, r in best.items():
        print(f"{variant:10s} {r['files'] * 3600 / r['seconds']:11.0f} "
              f"{r['seconds'] / audio_seconds:7.4f} {r['cpu']:7.1f} {r['setup']:8.2f} "
              f"{r['peak_rss_mb']:8.0f}")
    cpu_best = {v: min(x["cpu"] for x in r) for v, r in results.items()}
    for variant, label in (("validated", "validation on"),
                           ("rescored", "validation and acoustic second pass on")):
        ratio = best["raw"]["seconds"] / best[variant]["seconds"]
        print(f"throughput ratio {variant}/raw (best rounds, {label}): {ratio:.3f}"
              + (" (goal >= 0.9)" if variant == "validated" else ""))
        print(f"  CPU-time ratio raw/{variant} (less sensitive to other load): "
              f"{cpu_best['raw'] / cpu_best[variant]:.3f}")
        end_to_end = ((best["raw"]["seconds"] + best["raw"]["setup"])
                      / (best[variant]["seconds"] + best[variant]["setup"]))
        print(f"  including one-time setup (model load, lexicon index): {end_to_end:.3f}")


if __name__ == "__main__":
    main()
