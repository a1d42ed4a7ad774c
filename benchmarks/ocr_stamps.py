"""Word error of the OCR stage with and without its pass for pages of saturated colour.

Run: ``.venv/bin/python benchmarks/ocr_stamps.py --devset DIR [--devset DIR ...]
[--kinds red,highlight,blue,darkblue] [--seed 7] [--format png|pdf]``

``recognize`` reads a colour page with much saturated colour (a stamp, a highlighter's
ink over the print) a second time with that colour made light
(``uncertain.images.vivid_light``), and keeps that reading when it reads the page better.
The pass has no option of its own: the run without it replaces
``uncertain.images.vivid_light`` (the pass's entry point, which ``recognize`` calls once
per page) by one that finds no such colour, as on a grey page, so the page is read
once, as it was before the pass. Both sides run in the same process, on the same pages.

The pages: copies of the image items of each dev set built by ``benchmarks/devset.py``
(``DIR/refs.jsonl``, e.g. ``benchmarks/_work/devset``), made in colour from a fixed seed,
one of each kind per page:

- ``red``, ``blue``: a rubber stamp (a rounded frame, a word such as RECEIVED and a date,
  turned by up to 15 degrees) inked over the text, the ink multiplying what is under it;
- ``highlight``: two strokes of yellow highlighter across the text;
- ``darkblue``: the page printed in dark-blue ink, no stamp (the pass must leave it alone).

The copies are saved as PNG, or with ``--format pdf`` as one-page PDFs (the page an
image in it, at its resolution, as a scanner saves one), which ``recognize`` renders.

Each copy is read with and without the pass; per kind are printed the mean word error
against the page's reference text without -> with the pass, the pages it made better,
worse or left the same, the pages its reading was kept on, and the time tesseract spent
(its processes, wrapped with a timer as in ``benchmarks/ocr_overhead.py``) with the pass
as a ratio of the time without it.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain import images  # noqa: E402
from uncertain.metrics import wer  # noqa: E402
from uncertain.ocr import recognize  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import ocr_smoothing  # noqa: E402
from _tesseract_time import TESSERACT  # noqa: E402

FONT = "DejaVuSans-Bold.ttf"
KINDS = ("red", "highlight", "blue", "darkblue")
#: a stamp's ink (red, blue), a highlighter's (yellow), and dark-blue print
INKS = {"red": (205, 35, 45), "blue": (40, 70, 200), "highlight": (255, 235, 60),
        "darkblue": (20, 30, 110)}
STAMP_WORDS = ["RECEIVED", "COPY", "PAID", "URGENT", "FILED", "VERIFIED", "CHECKED"]
#: the note ``recognize`` leaves on a page whose reading with its colours made light is kept
KEPT_NOTE = "saturated colours made light"


@contextlib.contextmanager
def without_pass() -> Iterator[None]:
    """``recognize`` as it was before the pass: ``images.vivid_light`` finds no saturated
    colour on any page, so none is read a second time with it made light."""
    original = images.vivid_light
    images.vivid_light = lambda image: None
    try:
        yield
    finally:
        images.vivid_light = original


def _stamp_mask(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """Where a rubber stamp inks the page (0-1): a rounded frame, a word and a date in
    bold letters, turned by up to 15 degrees, somewhere over the page's text."""
    w, h = size
    sw, sh = int(w * rng.uniform(0.35, 0.55)), int(h * rng.uniform(0.16, 0.25))
    layer = Image.new("L", (sw, sh), 0)
    draw = ImageDraw.Draw(layer)
    t = max(4, sh // 18)
    draw.rounded_rectangle([t, t, sw - t, sh - t], radius=sh // 8, outline=255, width=t)
    word = rng.choice(STAMP_WORDS)
    font = ImageFont.truetype(FONT, int(sh * 0.38))
    draw.text(((sw - draw.textlength(word, font=font)) / 2, sh * 0.12), word, fill=255,
              font=font)
    small = ImageFont.truetype(FONT, int(sh * 0.2))
    date = f"{rng.randint(1, 28):02d} MAR 2024"
    draw.text(((sw - draw.textlength(date, font=small)) / 2, sh * 0.6), date, fill=255,
              font=small)
    layer = layer.rotate(rng.uniform(-15, 15), expand=True, resample=Image.Resampling.BICUBIC)
    full = Image.new("L", size, 0)
    x = rng.randint(int(w * 0.05), max(int(w * 0.05) + 1, w - layer.width - int(w * 0.05)))
    y = rng.randint(int(h * 0.15), max(int(h * 0.15) + 1, h - layer.height - int(h * 0.1)))
    full.paste(layer, (x, y))
    return np.asarray(full, dtype=np.float32) / 255.0


def colour_copy(page: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    """``page`` (grey print on paper) in colour, as ``kind`` makes it (see the module's
    docstring): an RGB page of the same size."""
    if kind == "darkblue":  # the print's darkness as dark-blue ink on white paper
        paper = np.asarray(page.convert("L"), dtype=np.float32)[..., None] / 255.0
        ink = np.array(INKS[kind], dtype=np.float32)
        return Image.fromarray((255 * paper + ink * (1 - paper)).clip(0, 255).astype(np.uint8))
    rgb = np.asarray(page.convert("RGB"), dtype=np.float32)
    if kind == "highlight":  # two strokes across most of the page's width
        h, w = page.height, page.width
        mask = np.zeros((h, w), dtype=np.float32)
        for _ in range(2):
            y = rng.randint(int(h * 0.15), int(h * 0.8))
            mask[y:y + int(h * 0.06), int(w * 0.08):int(w * 0.8)] = 1.0
        opacity = 0.9
    elif kind in ("red", "blue"):
        mask = _stamp_mask(page.size, rng)
        opacity = rng.uniform(0.75, 0.95)
    else:
        raise ValueError(f"unknown kind of page {kind!r}: one of {', '.join(KINDS)}")
    colour = np.array(INKS[kind], dtype=np.float32) / 255.0
    tint = 1.0 - mask[..., None] * opacity * (1.0 - colour)  # ink multiplies what is under it
    return Image.fromarray((rgb * tint).clip(0, 255).astype(np.uint8))


def devset(directory: Path) -> list[tuple[str, Path, str]]:
    """The image items of a built dev set: (name, page, reference text), as
    ``ocr_smoothing.py`` reads them."""
    return [(name, page, text) for name, page, text in ocr_smoothing.devset(directory)
            if text is not None]


def generated(pages: list[tuple[str, Path, str]], kinds: list[str], workdir: Path,
              seed: int = 7, fmt: str = "png") -> list[tuple[str, str, Path, str]]:
    """A copy of each page of each kind, saved under ``workdir`` at the page's
    resolution as ``fmt`` (png, or pdf): (kind, name, copy, reference text), from
    ``seed`` (the same copies in either format)."""
    rng = random.Random(seed)
    out = []
    for name, path, reference in pages:
        with Image.open(path) as page:
            page.load()
            dpi = page.info.get("dpi", (300, 300))
            for kind in kinds:
                copy = workdir / f"{name.replace('/', '-')}-{kind}.{fmt}"
                made = colour_copy(page, kind, rng)
                if fmt == "pdf":
                    made.save(copy, resolution=float(dpi[0]))
                else:
                    made.save(copy, dpi=dpi)
                out.append((kind, name, copy, reference))
    return out


@dataclass
class Kind:
    """The results of one kind of page, without (``off``) and with (``on``) the pass."""

    errors: dict[str, list[float]] = field(default_factory=lambda: {"off": [], "on": []})
    seconds: dict[str, float] = field(default_factory=lambda: {"off": 0.0, "on": 0.0})
    kept: dict[str, int] = field(default_factory=lambda: {"off": 0, "on": 0})


def measure(copies: list[tuple[str, str, Path, str]], *, verbose: bool = True
            ) -> dict[str, Kind]:
    """Each copy read without and with the pass: its word errors, the tesseract time, and
    whether the reading with its colours made light was kept, summed per kind."""
    results: dict[str, Kind] = {}
    for kind, name, path, reference in copies:
        result = results.setdefault(kind, Kind())
        line = []
        for how in ("off", "on"):
            TESSERACT[0] = 0.0
            with without_pass() if how == "off" else contextlib.nullcontext():
                doc = recognize(path)
            result.seconds[how] += TESSERACT[0]
            error = wer(reference, doc.text)
            result.errors[how].append(error)
            kept = any(KEPT_NOTE in note for note in doc.warnings)
            result.kept[how] += kept
            line.append(f"{error:.3f}")
        if verbose:
            print(f"  {name + ' ' + kind:40s} {' -> '.join(line)}"
                  f"{'  (kept)' if kept else ''}", flush=True)
    return results


def report(results: dict[str, Kind]) -> None:
    total = {"off": 0.0, "on": 0.0}
    for kind, result in results.items():
        off, on = result.errors["off"], result.errors["on"]
        n = len(off)
        better = sum(b < a - 1e-9 for a, b in zip(off, on, strict=True))
        worse = sum(b > a + 1e-9 for a, b in zip(off, on, strict=True))
        for how in total:
            total[how] += result.seconds[how]
        print(f"{kind:10s} {n} pages: mean word error {sum(off) / n:.3f} -> {sum(on) / n:.3f}; "
              f"better on {better}, worse on {worse}, same on {n - better - worse}; "
              f"light reading kept on {result.kept['on']}; tesseract "
              f"{result.seconds['off']:.1f} s -> {result.seconds['on']:.1f} s "
              f"(x{result.seconds['on'] / max(result.seconds['off'], 1e-9):.2f})")
    print(f"tesseract time: without the pass {total['off']:.1f} s, with it {total['on']:.1f} s:"
          f" x{total['on'] / max(total['off'], 1e-9):.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--devset", type=Path, action="append", required=True,
                        help="a dev set directory (refs.jsonl and its images); repeatable")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"the kinds of copies, comma-separated (default {','.join(KINDS)})")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed (default 7)")
    parser.add_argument("--format", choices=("png", "pdf"), default="png",
                        help="how the copies are saved (default png; pdf: a one-page PDF "
                        "each, the page an image in it)")
    parser.add_argument("--quiet", action="store_true", help="no line per page")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}: one of {', '.join(KINDS)}")
    pages = [page for directory in args.devset for page in devset(directory)]
    print(f"{len(pages)} pages of {', '.join(str(d) for d in args.devset)}, "
          f"kinds {', '.join(kinds)}, seed {args.seed}, as {args.format}")
    with tempfile.TemporaryDirectory() as tmp:
        copies = generated(pages, kinds, Path(tmp), args.seed, args.format)
        results = measure(copies, verbose=not args.quiet)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
