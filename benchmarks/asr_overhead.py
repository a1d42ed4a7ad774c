"""How much slower is ``uncertain.asr.transcribe`` than raw faster-whisper?

Both run the bundled tiny.en on the CPU with the same options (word timestamps on) and
thread count, on the same >= 2 minutes of speech (the samples looped, made in a temporary
folder). Raw faster-whisper gets the decoded array; ``transcribe`` gets the file and does
everything itself (decoding, token capture, hashing, building the Document).
Repetitions are interleaved in one run and timed in wall-clock and process CPU time.
Goal: ratio <= 1.05.

It also times ``transcribe`` with an engine that replays the raw output instantly: that
is everything ``transcribe`` adds, measured without the model's run-to-run noise.

    python benchmarks/asr_overhead.py [--seconds 135] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _asr_audio import looped_wav
from faster_whisper import WhisperModel

from uncertain import models
from uncertain.asr import TranscribeOptions, transcribe
from uncertain.audio import decode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=135.0)
    parser.add_argument("--repeats", type=int, default=4)
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
        cpu: dict[str, list[float]] = {"raw": [], "ours": []}
        words: dict[str, int] = {}
        for i in range(args.repeats):
            order = [("raw", run_raw), ("ours", run_ours)]
            for name, run in order if i % 2 == 0 else order[::-1]:
                t0, c0 = time.perf_counter(), time.process_time()
                words[name] = run()
                times[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)

        segments, info = raw_model.transcribe(audio, **kwargs)
        replay = _Replay(list(segments), info)
        adapter = []
        for _ in range(5):
            t0 = time.perf_counter()
            transcribe(path, engine=replay)
            adapter.append(time.perf_counter() - t0)

    raw, ours = statistics.median(times["raw"]), statistics.median(times["ours"])
    print(f"raw faster-whisper  : median {raw:.2f} s  min {min(times['raw']):.2f} s  "
          f"runs {_fmt(times['raw'])}  {words['raw']} words")
    print(f"uncertain.transcribe: median {ours:.2f} s  min {min(times['ours']):.2f} s  "
          f"runs {_fmt(times['ours'])}  {words['ours']} words")
    print(f"ratio of medians {ours / raw:.3f}, of minima "
          f"{min(times['ours']) / min(times['raw']):.3f} (goal <= 1.05)")
    raw_cpu, ours_cpu = statistics.median(cpu["raw"]), statistics.median(cpu["ours"])
    print(f"CPU time (all threads; steadier when other work shares the cores): raw "
          f"{raw_cpu:.2f} s, transcribe {ours_cpu:.2f} s, ratio {ours_cpu / raw_cpu:.3f}")
    added = statistics.median(adapter)
    print(f"transcribe's own work (decode, hash, Document) with a replaying engine: "
          f"{added:.3f} s = {added / raw:.2%} of the raw run")


class _Replay:
    def __init__(self, segments: list[Any], info: Any) -> None:
        self.segments, self.info = segments, info

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]:
        return iter(self.segments), self.info


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
