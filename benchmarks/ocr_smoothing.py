"""Word error of the OCR stage with and without its smoothed pass for black-and-white pages.

Run: ``.venv/bin/python benchmarks/ocr_smoothing.py [--devset DIR ...] [--generated N]``

``recognize`` reads a black-and-white page (a fax, a scan its scanner thresholded) that
reads at a mean word confidence under 90 again blurred and scaled up towards 48-pixel
lines (``RecognizeOptions.smooth``). Each page below is read twice, with ``smooth="auto"``
(the default) and ``smooth="off"``, and its word error against its reference text is
printed for both, with the pages the pass was kept on and the pages it made worse.

The pages:

- generated: black-and-white pages of prescription lines as a fax makes them (the text
  drawn antialiased at a few sizes, some pages shrunk to a fax's resolution, then
  thresholded to 1 bit; a few with specks), from a fixed seed;
- real: the sample scans with reference texts (``samples/``: ``phototest.tif``,
  ``prescription.png``, ``scan.pdf``) and the photographed pages under ``tests/data/ocr``
  (no reference texts: compared as the words each reading finds, to check the pass
  leaves pages of greys alone);
- ``--devset DIR``: the image items of a dev set built by ``benchmarks/devset.py``
  (``DIR/refs.jsonl``), e.g. ``benchmarks/_work/devset``.

The time tesseract spends (its processes, wrapped with a timer as in
``benchmarks/ocr_overhead.py``) is summed over each side, and the extra time of the pass
is printed as a ratio against the run without it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain.metrics import wer  # noqa: E402
from uncertain.ocr import recognize  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from _tesseract_time import TESSERACT  # noqa: E402

SAMPLES = ROOT / "samples"
FONT = "DejaVuSans.ttf"
LINES = [
    "Patient: Maria Lopez DOB 04/22/1961",
    "Rx: Lisinopril 20 mg by mouth daily",
    "Metformin 850 mg twice daily with meals",
    "Atorvastatin 40 mg at bedtime",
    "Amoxicillin 500 mg TID x 10 days",
    "Warfarin 5 mg daily, INR weekly",
    "Refills: 2 Dr. Helen Moore MD",
]


def generated(count: int, workdir: Path, seed: int = 5) -> list[tuple[str, Path, str]]:
    """``count`` black-and-white pages of prescription lines, as faxes and thresholded
    scans come: print 14 to 30 pixels, half shrunk to a fax's resolution and back."""
    rng = random.Random(seed)
    pages = []
    for k in range(count):
        px = rng.choice([14, 16, 18, 22, 26, 30])
        lines = rng.sample(LINES, 4)
        font = ImageFont.truetype(FONT, px)
        image = Image.new("L", (px * 24, px * 2 * len(lines) + 2 * px), 255)
        draw = ImageDraw.Draw(image)
        for n, line in enumerate(lines):
            draw.text((px, px + 2 * px * n), line, font=font, fill=0)
        how = rng.choice(["threshold", "fax", "fax"])
        if how == "fax":  # shrunk to a fax's resolution and back, then thresholded
            factor = rng.choice([0.6, 0.75])
            small = image.resize((round(image.width * factor), round(image.height * factor)),
                                 Image.Resampling.BILINEAR)
            image = small.resize(image.size, Image.Resampling.NEAREST)
        cut = rng.choice([100, 128, 160])
        bw = image.point(lambda v, cut=cut: 255 if v > cut else 0).convert("1")
        if rng.random() < 0.3:  # specks
            draw = ImageDraw.Draw(bw)
            for _ in range(bw.width * bw.height // 2000):
                draw.point((rng.randrange(bw.width), rng.randrange(bw.height)), fill=0)
        path = workdir / f"generated-{k:02d}-{how}-{px}px.png"
        bw.save(path)
        pages.append((path.name, path, "\n".join(lines)))
    return pages


def real() -> list[tuple[str, Path, str | None]]:
    pages: list[tuple[str, Path, str | None]] = []
    for name in ("phototest.tif", "prescription.png", "scan.pdf"):
        reference = (SAMPLES / "references" / name).with_suffix(".txt")
        pages.append((name, SAMPLES / name, reference.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "tests" / "data" / "ocr").glob("*.*")):
        if path.suffix in (".png", ".jpg"):
            pages.append((path.name, path, None))
    return pages


def devset(directory: Path) -> list[tuple[str, Path, str | None]]:
    pages: list[tuple[str, Path, str | None]] = []
    with open(directory / "refs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item.get("modality") == "image":
                pages.append((f"{directory.name}/{item['id']}", directory / item["path"],
                              item["text"]))
    return pages


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^\w/.]+", " ", text.lower()).split())


def measure(label: str, pages: list[tuple[str, Path, str | None]],
            totals: dict[str, float]) -> None:
    print(f"\n== {label}: {len(pages)} pages")
    errors: dict[str, list[float]] = {"off": [], "auto": []}
    kept = worse = 0
    for name, path, reference in pages:
        read: dict[str, Any] = {}
        for how in ("off", "auto"):
            TESSERACT[0] = 0.0
            read[how] = recognize(path, smooth=how)
            totals[how] += TESSERACT[0]
        smoothed = [n for n in read["auto"].warnings if "read smoothed" in n]
        kept += bool(smoothed)
        if reference is not None:
            off, auto = wer(reference, read["off"].text), wer(reference, read["auto"].text)
            errors["off"].append(off)
            errors["auto"].append(auto)
            worse += auto > off
            line = f"{off:.3f} -> {auto:.3f}"
        else:
            same = _words(read["off"].text) == _words(read["auto"].text)
            worse += not same and not smoothed
            line = "same words" if same else "other words"
        note = smoothed[0].split(": ", 1)[1] if smoothed else ""
        print(f"  {name:40s} {line}  {note}", flush=True)
    if errors["off"]:
        n = len(errors["off"])
        print(f"  mean word error over {n}: without the pass "
              f"{sum(errors['off']) / n:.4f}, with it {sum(errors['auto']) / n:.4f}")
    print(f"  pass kept on {kept} page(s); worse with it on {worse}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devset", type=Path, action="append", default=[],
                        help="a dev set directory (refs.jsonl and its images); repeatable")
    parser.add_argument("--generated", type=int, default=12,
                        help="how many generated pages (default 12)")
    args = parser.parse_args()
    totals = {"off": 0.0, "auto": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        measure("generated black-and-white pages", list(generated(args.generated, Path(tmp))),
                totals)
        measure("real pages", real(), totals)
        for directory in args.devset:
            measure(f"dev set {directory}", devset(directory), totals)
    print(f"\ntesseract time: without the pass {totals['off']:.1f} s, with it "
          f"{totals['auto']:.1f} s: x{totals['auto'] / max(totals['off'], 1e-9):.2f}")


if __name__ == "__main__":
    main()
