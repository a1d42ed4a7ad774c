"""How much slower is ``uncertain.asr.transcribe`` than raw faster-whisper?

Both run the bundled tiny.en on the CPU with the same options (word timestamps on) and
thread count, on the same >= 2 minutes of speech (the samples looped, made in a temporary
folder). Raw faster-whisper gets the decoded array; ``transcribe`` gets the file and does
everything itself (decoding, token capture, hashing, building the Document).
Repetitions are interleaved in one run. Goal: ratio <= 1.05.

    python benchmarks/asr_overhead.py [--seconds 135] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _asr_audio import looped_wav
from faster_whisper import WhisperModel

from uncertain import models
from uncertain.asr import TranscribeOptions, transcribe
from uncertain.audio import decode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=135.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    threads = models.default_cpu_threads()
    resolved = models.resolve_model("tiny.en")
    kwargs = {**TranscribeOptions().engine_kwargs(), "language": None}

    t0 = time.perf_counter()
    raw_model = WhisperModel(str(resolved.path), device="cpu", compute_type="int8",
                             cpu_threads=threads)
    raw_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    models.load_model(resolved, device="cpu", compute_type="int8", cpu_threads=threads)
    ours_load = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        path = looped_wav(Path(tmp) / "speech.wav", args.seconds)
        audio = decode(path)
        print(f"audio: {len(audio) / 16000:.1f} s, tiny.en cpu int8, {threads} threads, "
              f"beam {kwargs['beam_size']}, word timestamps on")
        print(f"model load: faster-whisper {raw_load:.2f} s, uncertain.load_model "
              f"{ours_load:.2f} s (once per process)")

        def run_raw() -> int:
            segments, _ = raw_model.transcribe(audio, **kwargs)
            return sum(len(s.words or ()) for s in segments)

        def run_ours() -> int:
            doc = transcribe(path, device="cpu", compute_type="int8")
            return len(doc.words)

        run_raw(), run_ours()  # warm-up: caches, allocator, first-call costs
        times: dict[str, list[float]] = {"raw": [], "ours": []}
        words: dict[str, int] = {}
        for i in range(args.repeats):
            order = [("raw", run_raw), ("ours", run_ours)]
            for name, run in order if i % 2 == 0 else order[::-1]:
                t0 = time.perf_counter()
                words[name] = run()
                times[name].append(time.perf_counter() - t0)

    raw, ours = statistics.median(times["raw"]), statistics.median(times["ours"])
    print(f"raw faster-whisper : median {raw:.2f} s  runs {_fmt(times['raw'])}  "
          f"{words['raw']} words")
    print(f"uncertain.transcribe: median {ours:.2f} s  runs {_fmt(times['ours'])}  "
          f"{words['ours']} words")
    print(f"ratio {ours / raw:.3f} (goal <= 1.05)")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
