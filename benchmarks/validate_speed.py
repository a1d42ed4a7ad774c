"""Speed of the validator against the full shipped drug lexicon, on one core.

Prints the index build time and memory, then words validated per second on realistic
mixed documents: dictation-like transcripts (drug names, doses, some sound-alike
mishearings and low-confidence words) and general English with Whisper-like
confidences. For scale, it also times the plain approach the index replaces: one
rapidfuzz ``process.extract`` over every lexicon term per searched window.

The cold first pass is timed ``--repeat`` times, each in a fresh fork of the process
taken after the index build, so that every run starts with the same empty caches (and
no garbage pending: see ``_cold_pass``); the median and the best run are printed (CPU
time on one pinned core: other processes on the machine slow a run, never speed it up).

Then what the index costs the garbage collector (objects tracked, and the pause of a
full collection). Last, memory on words never seen (``--unknown``): that many random
spellings heard in doubt, validated in a fresh fork, with the process's peak memory
growth and the size of the candidate caches, which keep a bounded number of spellings
however long a run is.

    .venv/bin/python benchmarks/validate_speed.py [--words 60000] [--seed 7] [--repeat 5]
        [--unknown 30000]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process  # noqa: E402

from uncertain.document import Document, Segment, Source, Word  # noqa: E402
from uncertain.lexicon import default_lexicons, english_zipf  # noqa: E402
from uncertain.validate import Validator  # noqa: E402
from uncertain.vocabulary import clinical_vocabulary  # noqa: E402

# the index is built as without a cache on disk (uncertain._index_cache), neither read
# from an earlier run's nor written (which would count in its time and memory):
# benchmarks/index_cache.py times reading it
_VALIDATE: Any = sys.modules["uncertain.validate"]  # (uncertain.validate names a function)
_VALIDATE.cached_index = lambda lexicons, build: build()

GENERAL = [
    "and so my fellow americans ask not what your country can do for you",
    "he hoped there would be stew for dinner turnips and carrots and bruised potatoes",
    "stuff it into you his belly counselled him",
    "the meeting has been moved to thursday afternoon because the room was booked",
    "we walked along the river until the light began to fade behind the hills",
    "please send me the figures for last quarter before the end of the week",
    "the children played in the garden while their parents prepared the picnic",
    "she said the train would be late again so we took a taxi to the station",
    "there is a small bakery on the corner that sells the best bread in town",
    "after the storm the roads were closed and the power was out for two days",
]
TEMPLATES = [
    "continue {drug} {dose} milligrams twice daily",
    "start {drug} {dose} mg once a day with food",
    "patient is taking {drug} {dose} milligrams at bedtime",
    "stop {drug} and check kidney function in two weeks",
    "increase {drug} to {dose} mg daily and review in one month",
    "she was prescribed {drug} for her blood pressure last year",
]
MISHEARD = ["met for me", "lives in awful", "at our master", "net form in", "listing up little",
            "or promote", "some a star tan", "glue a fudge", "a mock see sill in"]
DRUGS = ["metformin", "lisinopril", "atorvastatin", "amlodipine", "omeprazole", "simvastatin",
         "levothyroxine", "metoprolol", "losartan", "gabapentin", "sertraline", "furosemide",
         "amoxicillin", "prednisone", "warfarin", "insulin glargine", "hydrochlorothiazide"]


def _confidence(rng: random.Random, word: str) -> float:
    """Whisper-like: most words above 0.85, a tail of doubtful ones."""
    if rng.random() < 0.12:
        return round(rng.uniform(0.05, 0.7), 3)
    return round(rng.uniform(0.85, 1.0), 3)


def make_documents(total_words: int, seed: int) -> list[Document]:
    """Documents of dictation-like lines and general English; half of the general lines are
    random runs of the 5,000 commonest English words, so caches do not flatter the figure."""
    from wordfreq import top_n_list

    common = top_n_list("en", 5000)
    rng = random.Random(seed)
    docs: list[Document] = []
    count = 0
    while count < total_words:
        lines = []
        for _ in range(rng.randint(4, 12)):
            if rng.random() < 0.25:
                lines.append(rng.choice(GENERAL))
            elif rng.random() < 0.33:
                lines.append(" ".join(rng.choice(common) for _ in range(rng.randint(8, 14))))
            else:
                drug = rng.choice(MISHEARD) if rng.random() < 0.3 else rng.choice(DRUGS)
                lines.append(rng.choice(TEMPLATES).format(drug=drug, dose=rng.choice(
                    ["5", "10", "20", "40", "500", "1000"])))
        segments = []
        for s, line in enumerate(lines):
            words = [Word(text=w, confidence=_confidence(rng, w)) for w in line.split()]
            count += len(words)
            segments.append(Segment(id=s, words=words))
        docs.append(Document(source=Source(path=f"speed-{len(docs)}.wav", sha256="0" * 64,
                                           modality="audio", engine="bench"),
                             segments=segments))
    return docs


def unknown_documents(total_words: int, seed: int) -> list[Document]:
    """Speech documents of random spellings heard at p 0.3, 20 to a segment and 500 to a
    document: every word a search the caches have not seen (OCR debris, names)."""
    rng = random.Random(seed)
    docs: list[Document] = []
    for start in range(0, total_words, 500):
        words = ["".join(rng.choice("abdefgiklmnoprstuvz") for _ in range(rng.randint(6, 14)))
                 for _ in range(min(500, total_words - start))]
        segments = [Segment(id=k, words=[Word(text=w, confidence=0.3)
                                         for w in words[i:i + 20]])
                    for k, i in enumerate(range(0, len(words), 20))]
        docs.append(Document(source=Source(path=f"unknown-{len(docs)}.wav", sha256="0" * 64,
                                           modality="audio", engine="bench"),
                             segments=segments))
    return docs


def _in_fork(work: Callable[[], object]) -> Any:
    """``work()``'s JSON-able result, computed in a forked child where ``os.fork`` exists."""
    if not hasattr(os, "fork"):
        return work()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleanup
        os.close(read)
        os.write(write, json.dumps(work()).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def _unknown_pass(validator: Validator, docs: list[Document]) -> tuple[float, float, int, int]:
    """(peak RSS growth MB, CPU s, spellings whose matches the search keeps, flags)."""
    def run() -> tuple[float, float, int, int]:
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        c0 = time.process_time()
        flags = sum(len(validator.validate(doc).flags) for doc in docs)
        cpu = time.process_time() - c0
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return (rss1 - rss0) / 1024, cpu, len(validator.search._sim_cache), flags

    growth, cpu, kept, flags = _in_fork(run)
    return float(growth), float(cpu), int(kept), int(flags)


def _cold_pass(validator: Validator, docs: list[Document]) -> tuple[float, float, int]:
    """(wall s, CPU s, flags) of validating ``docs`` with caches as cold as the caller's
    own: in a forked child where ``os.fork`` exists, so every run starts from the same
    state; else in this process (then only the first run is cold). The garbage is
    collected before the clock starts: the documents built for the run (some 400,000
    objects) would otherwise make the collector's first full collection fall inside it,
    a third of a second of walking them charged to the validator."""
    def run() -> tuple[float, float, int]:
        gc.collect()  # (see the docstring)
        t0, c0 = time.perf_counter(), time.process_time()
        flags = sum(len(validator.validate(doc).flags) for doc in docs)
        return time.perf_counter() - t0, time.process_time() - c0, flags

    elapsed, cpu, flags = _in_fork(run)
    return float(elapsed), float(cpu), int(flags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="cold passes (default 5)")
    parser.add_argument("--unknown", type=int, default=30_000,
                        help="words never seen, for the memory check (default 30000; 0: skip)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    t0 = time.perf_counter()
    lexicons = default_lexicons()
    t_load = time.perf_counter() - t0
    # wordfreq's English frequency table (about 1.3 s and 40 MB), shared by the index
    # (each term's frequency) and the validator (each word's): loaded apart, before both
    english_zipf("the"), english_zipf("vitamin e")  # its table, and its tokenizer
    # and the clinical vocabulary (the system's medical dictionary, read once per process)
    vocabulary = clinical_vocabulary()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    c0 = time.process_time()
    validator = Validator(lexicons)
    t_index = time.process_time() - c0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    terms = len(validator.index)
    print(f"lexicons: {', '.join(f'{lx.name} ({len(lx)})' for lx in lexicons)}; "
          f"indexed terms: {terms}; clinical vocabulary: {len(vocabulary)} words "
          f"({vocabulary.path or 'none'}, read apart)")
    print(f"lexicon load: {t_load:.2f} s wall   index build: {t_index:.2f} s CPU   "
          f"index memory (tracemalloc peak): {peak / 1e6:.1f} MB   "
          f"max RSS growth: {(rss1 - rss0) / 1024:.1f} MB")

    docs = make_documents(args.words, args.seed)
    n_words = sum(len(d.words) for d in docs)
    runs = [_cold_pass(validator, docs) for _ in range(max(1, args.repeat))]
    flags = runs[0][2]
    print(f"validated {n_words} words in {len(docs)} documents, {flags} flags "
          f"(first pass, cold caches; {len(runs)} runs, each in a fresh fork of this process "
          f"after the index build):")
    for k, (elapsed, cpu, _) in enumerate(runs, 1):
        print(f"  run {k}: wall {elapsed:.2f} s = {n_words / elapsed:,.0f} words/s; "
              f"CPU {cpu:.2f} s = {n_words / cpu:,.0f} words/s per core")
    cpus = sorted(cpu for _, cpu, _ in runs)
    print(f"  median {n_words / statistics.median(cpus):,.0f} words/s per core (CPU), "
          f"best {n_words / cpus[0]:,.0f} (wall > CPU means other processes shared the core; "
          f"the best run is the least disturbed)")
    for doc in docs:  # this process's own cold pass, so the caches below are warm
        validator.validate(doc)
    c0 = time.process_time()
    for doc in docs:
        validator.validate(doc)
    again = time.process_time() - c0
    print(f"second pass over the same documents (warm caches): "
          f"{n_words / again:,.0f} words/s per core (CPU)")

    # the plain approach the index replaces, timed on a sample of windows
    choices = [item.compact for item in validator.index.items]
    queries = [w.replace(" ", "") for w in MISHEARD + DRUGS] * 3
    c0 = time.process_time()
    for q in queries:
        process.extract(q, choices, scorer=fuzz.ratio, limit=5)
    scan = (time.process_time() - c0) / len(queries)
    c0 = time.process_time()
    for q in queries:
        validator.index.near(q, limit=validator.options.search_limit)
    indexed = (time.process_time() - c0) / len(queries)
    print(f"per searched window: full rapidfuzz scan of {len(choices)} terms {scan * 1e3:.2f} ms, "
          f"index {indexed * 1e3:.3f} ms ({scan / indexed:.0f}x faster)")

    # what the index costs the garbage collector: a full collection walks every object it
    # tracks, and a process that keeps allocating (a service, a batch run) makes one now
    # and then, each a pause of this length
    gc.collect()
    tracked = len(gc.get_objects())
    pauses = []
    for _ in range(5):
        c0 = time.process_time()
        gc.collect()
        pauses.append(time.process_time() - c0)
    print(f"garbage collector: {tracked:,} objects tracked with the validator built; a full "
          f"collection takes {statistics.median(pauses) * 1e3:.0f} ms CPU (median of 5)")

    if args.unknown > 0:
        unknown = unknown_documents(args.unknown, args.seed)
        growth, cpu, kept, flags = _unknown_pass(Validator(lexicons), unknown)
        print(f"words never seen: {args.unknown} random spellings heard at p 0.3, in a fresh "
              f"fork with cold caches: {args.unknown / cpu:,.0f} words/s per core, {flags} "
              f"flags, peak memory growth {growth:.0f} MB; the candidate search keeps the "
              f"matches of {kept} spellings")


if __name__ == "__main__":
    main()
