"""What comparing a PDF page's text layer with OCR finds, and what it costs.

Run: ``.venv/bin/python benchmarks/ocr_text_layer.py``

The sample pages (``prescription.png``, ``phototest.tif``, the two pages of ``scan.pdf``)
are put into PDFs as a scanner writes them, the page image under an invisible text layer,
of three kinds: the page's reference text (``exact``: a born-digital page, or a better
reader's layer), tesseract's own plain reading of the page (``tesseract``: the layer
OCRmyPDF and many scanners write, sharing the misreadings of the OCR it is compared with),
and another page's reference (``other``). Each is recognised; per PDF the script prints
the layer's agreement, the words given an alternative, how many of those OCR misread and
the layer reads right (by the reference), the agreeing words that are wrong by the
reference (agreement that is no proof), and the time the comparison takes against the
whole recognition. Then the agreement of every pair of different sample references, the
chance level a layer of another page reaches.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

import pytesseract
from PIL import Image
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data" / "ocr"))

from ocr_replay import pdf_scan  # noqa: E402

from uncertain import _text_layer, images, ocr  # noqa: E402
from uncertain.document import Word  # noqa: E402

SAMPLES = ROOT / "samples"


def _pages() -> list[tuple[str, Image.Image, float, str]]:
    refs = SAMPLES / "references"
    out: list[tuple[str, Image.Image, float, str]] = [
        ("prescription", Image.open(SAMPLES / "prescription.png"), 110.0,
         (refs / "prescription.txt").read_text()),
        ("phototest", Image.open(SAMPLES / "phototest.tif"), 200.0,
         (refs / "phototest.txt").read_text())]
    # the reference of scan.pdf holds both pages: the first five lines are the first's
    lines = (refs / "scan.txt").read_text().splitlines()
    parts = ["\n".join(lines[:5]), "\n".join(lines[5:])]
    for k, page in enumerate(images.open_pages(SAMPLES / "scan.pdf", dpi=150)):
        assert isinstance(page, images.PageImage)
        out.append((f"scan-{k + 1}", page.image, 150.0, parts[k]))
    return out


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1").replace("(", "[").replace(
        ")", "]").replace("\\", "/")


def _norm(text: str) -> str:
    return _text_layer._norm(text)


def main() -> None:
    timed = {"compare": 0.0}
    compare = _text_layer.compare_layer

    def timing(words: list[Word], layer: str | None) -> _text_layer.LayerComparison:
        start = time.perf_counter()
        try:
            return compare(words, layer)
        finally:
            timed["compare"] += time.perf_counter() - start

    ocr.compare_layer = timing
    pages = _pages()
    total = {"ocr": 0.0, "compare": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, image, dpi, reference) in enumerate(pages):
            plain = pytesseract.image_to_string(image)
            other = pages[(k + 1) % len(pages)][3]
            for kind, layer in (("exact", reference), ("tesseract", plain), ("other", other)):
                pdf = pdf_scan(Path(tmp) / f"{name}-{kind}.pdf", image,
                               "\n".join(_latin(ln) for ln in layer.splitlines()), dpi=dpi)
                timed["compare"] = 0.0
                start = time.perf_counter()
                doc = ocr.recognize(pdf, dpi=dpi)
                spent = time.perf_counter() - start
                total["ocr"] += spent
                total["compare"] += timed["compare"]
                words = doc.words
                ref = [_norm(t) for t in reference.split() if _norm(t)]
                units = [i for i, w in enumerate(words) if _norm(w.text)]
                truth: dict[int, str] = {}
                for op in Levenshtein.opcodes([_norm(words[i].text) for i in units], ref):
                    if op.tag in ("equal", "replace") and (
                            op.src_end - op.src_start == op.dest_end - op.dest_start):
                        for d in range(op.src_end - op.src_start):
                            truth[units[op.src_start + d]] = ref[op.dest_start + d]
                alts = [(i, a.text) for i, w in enumerate(words) for a in w.alternatives
                        if a.source == _text_layer.SOURCE]
                # an alternative is right where OCR misread a word when its words are the
                # reference's and the word is not
                known = set(ref)
                fixed = sum(1 for i, text in alts if _norm(words[i].text) not in known
                            and all(_norm(t) in known for t in text.split()))
                found = compare([w.model_copy(update={"alternatives": []}) for w in words],
                                doc.pages[0].text_layer)
                layer_keys = {_norm(t) for t in (doc.pages[0].text_layer or "").split()}
                agreeing_wrong = sum(1 for i, t in truth.items()
                                     if _norm(words[i].text) != t
                                     and _norm(words[i].text) in layer_keys) if found.used else 0
                wrong = sum(1 for i, t in truth.items() if _norm(words[i].text) != t)
                print(f"{name:13s} {kind:9s} agreement {found.agreement:4.2f} used "
                      f"{found.used!s:5s} words {len(words):3d} wrong {wrong:2d} "
                      f"alternatives {len(alts):2d} (right where OCR is wrong: {fixed:2d}) "
                      f"agreeing but wrong {agreeing_wrong:2d}  "
                      f"compare {1000 * timed['compare']:.2f} ms of {spent:.2f} s")
    print(f"comparison time / recognition time: {total['compare'] / total['ocr']:.5f}")
    refs = {p.stem: p.read_text() for p in sorted((SAMPLES / "references").glob("*.txt"))}
    chance = []
    for (a, ta), (b, tb) in itertools.permutations(refs.items(), 2):
        words = [Word(text=t) for t in ta.split()]
        chance.append((compare(words, tb).agreement, a, b))
    for agreement, a, b in sorted(chance, reverse=True)[:6]:
        print(f"another page's layer: {a} against {b}'s: agreement {agreement:.2f}")


if __name__ == "__main__":
    main()
