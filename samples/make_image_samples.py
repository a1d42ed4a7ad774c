"""Render the image samples: a fax-degraded prescription and a two-page scanned PDF.

Run ``.venv/bin/python samples/make_image_samples.py`` from the repository root. The
output is deterministic (fixed seeds, fixed PDF dates) and written next to this script:

- ``prescription.png`` + ``references/prescription.txt``: a prescription page degraded the way a fax
  degrades it (about 110 dpi, slight rotation and blur, threshold, speckle, broken strokes);
- ``scan.pdf`` + ``references/scan.txt``: two pages of text as images only (no text layer), 150 dpi.

Needs a TrueType font: DejaVu (apt package ``fonts-dejavu-core``) or Liberation.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
)
SERIF_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
)

PRESCRIPTION = [
    "Riverside Family Clinic",
    "Patient: John Carter   DOB: 03/14/1958",
    "Date: 11/02/2026",
    "Rx: Lisinopril 10 mg PO daily",
    "Metformin 500 mg BID with meals",
    "Atorvastatin 40 mg qHS",
    "Amoxicillin 500 mg TID x 10 days",
    "Refills: 2   Dr. Helen Moore MD",
]

SCAN_PAGES = [
    [
        "Discharge summary",
        "The patient was admitted with chest pain",
        "and shortness of breath. An ECG showed",
        "no acute changes. Troponin was normal.",
        "She was started on aspirin and a statin.",
    ],
    [
        "Medications on discharge",
        "Aspirin 81 mg once daily",
        "Simvastatin 20 mg at night",
        "Follow up with cardiology in two weeks.",
        "Return if the pain comes back.",
    ],
]


def _font(candidates: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont:
    for path in candidates:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    sys.exit("no TrueType font found: install fonts-dejavu-core")


def _render(lines: list[str], *, size: tuple[int, int], font: ImageFont.FreeTypeFont,
            margin: int, spacing: int) -> Image.Image:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for line in lines:
        draw.text((margin, y), line, font=font, fill=0)
        y += spacing
    return img


def make_prescription(out: Path) -> None:
    """Render at 300 dpi, then degrade to a ~110 dpi fax with noise and broken strokes."""
    rng = random.Random(20260211)
    hi = _render(PRESCRIPTION, size=(2400, 1500), font=_font(FONT_CANDIDATES, 48),
                 margin=120, spacing=140)
    draw = ImageDraw.Draw(hi)
    # broken strokes: thin white scratches across the text, like a dirty fax roller
    for _ in range(60):
        x = rng.randrange(100, 2300)
        y = rng.randrange(100, 1300)
        draw.line([(x, y), (x + rng.randrange(20, 90), y + rng.randrange(-3, 4))],
                  fill=255, width=rng.choice((4, 5, 6)))
    hi = hi.rotate(0.8, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    lo = hi.resize((880, 550), Image.Resampling.BILINEAR)  # 300 -> 110 dpi
    lo = lo.filter(ImageFilter.GaussianBlur(0.7))
    px = lo.load()
    assert px is not None
    w, h = lo.size
    for _ in range(3000):  # speckle before the threshold, like scanner dust
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.choice((0, 60))
    bw = lo.point(lambda v: 0 if v < 135 else 255).convert("1", dither=Image.Dither.NONE)
    bw.save(out, dpi=(110, 110), optimize=True)
    _reference(out).write_text("\n".join(PRESCRIPTION) + "\n", encoding="utf-8")


def make_scan_pdf(out: Path) -> None:
    """Two text pages as 150 dpi grayscale images; PIL writes no text layer."""
    font = _font(SERIF_CANDIDATES, 36)
    pages = []
    for i, lines in enumerate(SCAN_PAGES):
        img = _render(lines, size=(1240, 1754), font=font, margin=110, spacing=70)
        img = img.rotate(0.3 * (1 if i == 0 else -1), resample=Image.Resampling.BICUBIC,
                         fillcolor=255)
        pages.append(img.convert("1", dither=Image.Dither.NONE))
    fixed = time.gmtime(1767225600)  # 2026-01-01, so the file is byte-identical on each run
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=150.0,
                  creationDate=fixed, modDate=fixed, title="scan")
    text = "\n\n".join("\n".join(lines) for lines in SCAN_PAGES)
    _reference(out).write_text(text + "\n", encoding="utf-8")


def _reference(sample: Path) -> Path:
    """Where a sample's reference text lives: ``references/<stem>.txt`` beside it."""
    return sample.parent / "references" / sample.with_suffix(".txt").name


def main() -> None:
    make_prescription(HERE / "prescription.png")
    make_scan_pdf(HERE / "scan.pdf")
    for name in ("prescription.png", "scan.pdf"):
        print(f"{name}: {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
