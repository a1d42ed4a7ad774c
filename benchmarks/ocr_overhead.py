"""Overhead of ``uncertain.ocr.recognize`` against raw ``pytesseract.image_to_data``.

Run: ``.venv/bin/python benchmarks/ocr_overhead.py [--reps N] [--pages N]``

Both sides do the same work from the file on disk: the raw side opens the image with
Pillow (or renders the PDF pages with pypdfium2 at 300 dpi, as ``recognize`` does) and
calls ``pytesseract.image_to_data`` once per page; ``recognize`` runs with its defaults,
once without character alternatives and once with them (``lstm_choice_mode=2``).
Repetitions are interleaved (raw, plain, choices, in a rotating order) in one run, and the
ratio is the sum over inputs of the median times, in wall time and in CPU time (this
process plus its tesseract children). On a busy machine the tesseract process itself
varies by more than the overhead being measured, so the time spent outside the tesseract
process is also timed on both sides (``pytesseract.pytesseract.run_tesseract`` and
``PytesseractEngine._process`` are wrapped with ``benchmarks/_tesseract_time.py``'s
timer) and a ratio at equal tesseract
time is printed. Tesseract runs with ``OMP_THREAD_LIMIT=1`` on both sides unless
``--threads N|all`` (``all``: tesseract's own default on both sides).

Then, with ``OMP_THREAD_LIMIT`` unset, ``recognize`` with its default (one thread per
tesseract run, ``RecognizeOptions.threads``) is timed against ``recognize(threads=None)``
(tesseract's own default: up to ten OpenMP threads per run), interleaved, on the inputs
and on a page of the sample PDF rendered at 300 dpi. Then the peak memory (max RSS) of a
subprocess recognising a generated N-page PDF is measured, next to a subprocess that only
imports the package.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
import pytesseract
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain.ocr import recognize  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from _tesseract_time import TESSERACT, time_calls  # noqa: E402

SAMPLES = ROOT / "samples"
INPUTS = [SAMPLES / "phototest.tif", SAMPLES / "prescription.png", SAMPLES / "scan.pdf"]


def raw_pages(path: Path) -> int:
    """The plain pytesseract pipeline on every page of ``path``; returns the word count."""
    words = 0
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(path)
        images = [pdf[i].render(scale=300 / 72, grayscale=True).to_pil() for i in range(len(pdf))]
        pdf.close()
    else:
        images = [Image.open(path)]
    for image in images:
        data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
        words += sum(1 for c, t in zip(data["conf"], data["text"], strict=True)
                     if float(c) >= 0 and t.strip())
    return words


# the raw side reaches the binary through pytesseract's function, recognize through its
# engine's own (a binary per call, not pytesseract's global); both add to TESSERACT
time_calls((pytesseract.pytesseract, "run_tesseract"))


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (this process and its tesseract children), and wall
    seconds outside the tesseract process."""
    TESSERACT[0] = 0.0
    start, start_cpu = time.perf_counter(), _cpu()
    fn()
    wall = time.perf_counter() - start
    return wall, _cpu() - start_cpu, wall - TESSERACT[0]


def overhead(reps: int, threads: int | None) -> None:
    variants: dict[str, Callable[[Path], object]] = {
        "raw image_to_data": raw_pages,
        "recognize, no char alternatives": lambda p: recognize(p, char_alternatives=False,
                                                               threads=threads),
        "recognize, char alternatives": lambda p: recognize(p, threads=threads),
    }
    names = list(variants)
    times: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for path in INPUTS:  # warm-up: imports, page cache
        for name in names:
            variants[name](path)
    for rep in range(reps):
        order = names[rep % 3:] + names[: rep % 3]
        for path in INPUTS:
            for name in order:
                run = variants[name]
                times.setdefault((path.name, name), []).append(timed(partial(run, path)))
    def med(path: Path, name: str, k: int) -> float:
        return statistics.median(t[k] for t in times[(path.name, name)])

    for label, k in (("wall", 0), ("CPU", 1), ("outside-tesseract wall", 2)):
        print(f"\nmedian {label} seconds over {reps} interleaved repetitions")
        print(f"{'input':<18}" + "".join(f"{n:>34}" for n in names))
        for path in INPUTS:
            print(f"{path.name:<18}" + "".join(f"{med(path, n, k):>34.3f}" for n in names))
        totals = {n: sum(med(p, n, k) for p in INPUTS) for n in names}
        print(f"{'total':<18}" + "".join(f"{totals[n]:>34.3f}" for n in names))
        if k < 2:
            for n in names[1:]:
                print(f"{label} ratio {n} / raw: {totals[n] / totals[names[0]]:.3f}")
    # the same tesseract time on both sides: only the work around the binary differs
    raw_total = sum(med(p, names[0], 0) for p in INPUTS)
    raw_outside = sum(med(p, names[0], 2) for p in INPUTS)
    print()
    for n in names[1:]:
        outside = sum(med(p, n, 2) for p in INPUTS)
        print(f"ratio at equal tesseract time, {n} / raw: "
              f"{(raw_total - raw_outside + outside) / raw_total:.3f}")


def thread_default(reps: int) -> None:
    """``recognize``'s one thread per tesseract run against tesseract's own default."""
    saved = os.environ.pop("OMP_THREAD_LIMIT", None)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            letter = Path(tmp) / "letter_300dpi.png"
            pdf = pdfium.PdfDocument(SAMPLES / "scan.pdf")
            pdf[0].render(scale=300 / 72, grayscale=True).to_pil().save(letter)
            pdf.close()
            inputs = [*INPUTS, letter]
            names = ["threads=1 (default)", "threads=None (tesseract's)"]
            options: dict[str, int | None] = {names[0]: 1, names[1]: None}
            times: dict[tuple[str, str], list[float]] = {}
            for rep in range(reps):
                order = names if rep % 2 == 0 else names[::-1]
                for path in inputs:
                    for name in order:
                        start = time.perf_counter()
                        recognize(path, threads=options[name])
                        times.setdefault((path.name, name), []).append(
                            time.perf_counter() - start)
    finally:
        if saved is not None:
            os.environ["OMP_THREAD_LIMIT"] = saved
    print(f"\nOMP_THREAD_LIMIT unset: median wall seconds of recognize over {reps} "
          "interleaved repetitions")
    print(f"{'input':<22}" + "".join(f"{n:>30}" for n in names))
    totals = dict.fromkeys(names, 0.0)
    for path in inputs:
        row = {n: statistics.median(times[(path.name, n)]) for n in names}
        for n in names:
            totals[n] += row[n]
        print(f"{path.name:<22}" + "".join(f"{row[n]:>30.3f}" for n in names))
    print(f"{'total':<22}" + "".join(f"{totals[n]:>30.3f}" for n in names))
    print(f"wall ratio threads=1 / tesseract's default: {totals[names[0]] / totals[names[1]]:.3f}")


_PEAK = """
import resource, sys
from uncertain.ocr import recognize
if sys.argv[1] != "-":
    doc = recognize(sys.argv[1])
    print(len(doc.pages), len(doc.words), end=" ")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_memory(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = pdfium.PdfDocument(SAMPLES / "scan.pdf")
        first = [pdf[i].render(scale=150 / 72, grayscale=True).to_pil().convert("1")
                 for i in range(len(pdf))]
        pdf.close()
        target = Path(tmp) / f"long_{pages}.pdf"
        sheets = [first[i % len(first)] for i in range(pages)]
        sheets[0].save(target, save_all=True, append_images=sheets[1:], resolution=150.0)
        base = subprocess.run([sys.executable, "-c", _PEAK, "-"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.split()
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _PEAK, str(target)], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
        elapsed = time.perf_counter() - start
    print(f"{pages}-page PDF (rendered at 300 dpi, 2481x3508 per page): {out[0]} pages, "
          f"{out[1]} words in {elapsed:.1f} s")
    print(f"peak RSS of the Python process: {int(out[2]) / 1024:.0f} MiB "
          f"(import only: {int(base[0]) / 1024:.0f} MiB); "
          f"largest tesseract child: {int(out[3]) / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--threads", default="1",
                        help="OMP_THREAD_LIMIT for tesseract on both sides ('all': unset)")
    parser.add_argument("--thread-reps", type=int, default=3,
                        help="repetitions of the thread-default comparison (0: skip it)")
    args = parser.parse_args()
    if args.threads != "all":
        os.environ["OMP_THREAD_LIMIT"] = args.threads
    print(f"OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT', 'unset')}")
    print(f"tesseract {pytesseract.get_tesseract_version()}")
    # recognize's own default would limit its side to one thread: leave it to the setting
    overhead(args.reps, None)
    if args.thread_reps:
        thread_default(args.thread_reps)
    peak_memory(args.pages)


if __name__ == "__main__":
    main()
