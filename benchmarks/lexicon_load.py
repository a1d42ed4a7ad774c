"""Load time, lookup speed and memory of the shipped lexicons.

    .venv/bin/python benchmarks/lexicon_load.py

Speed is given against the raw floor in the same run: reading the same file and
splitting its lines into columns, with no checks, merging or index.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain import lexicon as lex  # noqa: E402

REPEATS = 5


def best_of(func: Callable[[], object], repeats: int = REPEATS) -> float:
    """Best wall time of ``repeats`` runs."""
    return best_of_both(func, repeats)[0]


def best_of_both(func: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Best wall time and best CPU time of this process (less sensitive to a busy machine)."""
    walls, cpus = [], []
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def raw_split(path: Path) -> int:
    rows = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            line.split("\t")
            rows += 1
    return rows


def main() -> None:
    start = time.perf_counter()
    first = lex.default_lexicons()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    lex.default_lexicons()
    cached = time.perf_counter() - start
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"default_lexicons(): first call {cold * 1000:.0f} ms (cold, includes file reads); "
        f"cached call {cached * 1e6:.1f} us"
    )

    for lexicon in first:
        assert lexicon.path is not None
        path = lexicon.path
        load, load_cpu = best_of_both(lambda: lex.load_lexicon(path))  # noqa: B023
        raw, raw_cpu = best_of_both(lambda: raw_split(path))  # noqa: B023
        gc.collect()
        tracemalloc.start()
        loaded = lex.load_lexicon(path)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{lexicon.name}: {len(loaded)} entries, {len(loaded.terms())} distinct terms, "
            f"file {path.stat().st_size / 1e6:.2f} MB"
        )
        print(
            f"  load_lexicon   {load * 1000:7.1f} ms wall, {load_cpu * 1000:.1f} ms CPU "
            f"(best of {REPEATS}); raw read+split {raw * 1000:.1f} ms wall, "
            f"{raw_cpu * 1000:.1f} ms CPU; ratio {load_cpu / max(raw_cpu, 1e-9):.1f}x (CPU)"
        )
        print(
            f"  memory         {current / 1e6:7.1f} MB held after load, "
            f"{peak / 1e6:.1f} MB peak during load (tracemalloc)"
        )
        del loaded

    drugs = first[0]
    queries = [e.term for e in drugs][::7] + ["met for me", "lisinoprill", "today", "xyz"] * 100
    per = best_of(lambda: [drugs.get(q) for q in queries]) / len(queries)
    contains = best_of(lambda: [q in drugs for q in queries]) / len(queries)
    print(
        f"drugs.get: {per * 1e6:.2f} us per lookup; 'in': {contains * 1e6:.2f} us "
        f"({len(queries)} queries)"
    )
    norm = best_of(lambda: [lex.normalize_term(q) for q in queries]) / len(queries)
    print(f"normalize_term: {norm * 1e6:.2f} us per term")
    lex.english_zipf.cache_clear()
    start = time.perf_counter()
    lex.english_zipf("metformin")
    print(
        f"english_zipf: first call {(time.perf_counter() - start) * 1000:.0f} ms (loads wordfreq)"
    )
    words = sorted({normalized for e in drugs for normalized in e.term.lower().split()})[:5000]
    start = time.perf_counter()
    for word in words:
        lex.english_zipf(word)
    uncached = (time.perf_counter() - start) / len(words)
    cached = best_of(lambda: [lex.english_zipf(w) for w in words]) / len(words)
    print(f"english_zipf: {uncached * 1e6:.1f} us per new word, {cached * 1e6:.2f} us cached")
    priors = [e.prior for e in drugs if e.term.lower() == e.canonical]
    print(
        f"drugs prior of canonical entries: median {statistics.median(priors):.3f}, "
        f"max {max(priors):.3f}"
    )


if __name__ == "__main__":
    main()
