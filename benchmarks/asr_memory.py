"""Peak memory of transcribing a one-hour recording, measured in a fresh subprocess.

Makes a one-hour FLAC (the samples looped) in a temporary folder, then runs in separate
child processes and reports each one's peak RSS:

- ``load``: only loading the bundled tiny.en (the floor every run pays);
- ``decode``: streaming the hour through :func:`uncertain.audio.iter_chunks`;
- ``transcribe``: :func:`uncertain.asr.transcribe` on the hour (chunked; ``--chunk-seconds``);
- ``raw`` (with ``--raw``): faster-whisper given the whole hour at once, for contrast.

    python benchmarks/asr_memory.py [--seconds 3600] [--raw] [--chunk-seconds S] [--only JOB]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _asr_audio import looped_flac

CHILD = {
    "load": "from uncertain.models import load_model; load_model(device='cpu')",
    "decode": "from uncertain.audio import iter_chunks\n"
              "n = sum(len(c.samples) for c in iter_chunks(PATH))\n"
              "print(f'decoded {n / 16000:.0f} s', file=sys.stderr)",
    "transcribe": "from uncertain.asr import transcribe\n"
                  "doc = transcribe(PATH, device='cpu', **CHUNK)\n"
                  "print(f'{len(doc.segments)} segments, {len(doc.words)} words, '\n"
                  "      f'{doc.source.duration:.0f} s', file=sys.stderr)",
    "raw": "from faster_whisper import WhisperModel\n"
           "from uncertain.models import resolve_model, default_cpu_threads\n"
           "m = WhisperModel(str(resolve_model().path), device='cpu', compute_type='int8',\n"
           "                 cpu_threads=default_cpu_threads())\n"
           "segments, _ = m.transcribe(PATH, word_timestamps=True)\n"
           "n = sum(len(s.words or ()) for s in segments)\n"
           "print(f'{n} words', file=sys.stderr)",
}
PRELUDE = ("import resource, sys\nPATH = sys.argv[1]\n"
           "CHUNK = {'chunk_seconds': float(sys.argv[2])} if len(sys.argv) > 2 else {}\n")
REPORT = "\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"  # KiB on Linux


def peak_rss_mib(job: str, path: Path, *extra: str) -> tuple[float, float, str]:
    """Run ``job`` in a fresh interpreter; its peak RSS in MiB, wall time and its remarks."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + CHILD[job] + REPORT, str(path), *extra],
        capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - t0
    remark = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return int(done.stdout.split()[-1]) / 1024, elapsed, remark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--raw", action="store_true", help="also run faster-whisper unchunked")
    parser.add_argument("--chunk-seconds", type=float, help="transcribe's chunk length")
    parser.add_argument("--only", choices=sorted(CHILD), action="append", help="run these jobs")
    args = parser.parse_args()
    jobs = args.only or ["load", "decode", "transcribe"] + (["raw"] if args.raw else [])
    extra = [str(args.chunk_seconds)] if args.chunk_seconds else []
    with tempfile.TemporaryDirectory() as tmp:
        path = looped_flac(Path(tmp) / "hour.flac", args.seconds)
        print(f"input: {args.seconds:.0f} s FLAC, {path.stat().st_size / 2**20:.0f} MiB")
        for job in jobs:
            peak, elapsed, remark = peak_rss_mib(job, path, *extra)
            print(f"{job:>10}: peak RSS {peak:7.0f} MiB  ({elapsed:6.1f} s)  {remark}")


if __name__ == "__main__":
    main()
