"""A fake tesseract engine that replays output recorded from the real one (test helper).

The recordings live in ``tests/data/ocr/<scenario>.json.gz`` and are made by
``tests/data/ocr/record_fixtures.py``; ``scenario_input`` rebuilds each scenario's input.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

OCR_DATA = Path(__file__).resolve().parent
if str(OCR_DATA) not in sys.path:
    sys.path.insert(0, str(OCR_DATA))

from record_fixtures import scenario_input  # noqa: E402

__all__ = ["OCR_DATA", "ReplayEngine", "load_calls", "pdf_scan", "pdf_with_text",
           "scenario_input"]


def load_calls(scenario: str) -> list[dict[str, Any]]:
    """The recorded tesseract answers of a scenario, in call order."""
    with gzip.open(OCR_DATA / f"{scenario}.json.gz", "rt", encoding="utf-8") as fh:
        calls: list[dict[str, Any]] = json.load(fh)
    return calls


class ReplayEngine:
    """Answers each call with the next recorded answer; keeps what it was asked."""

    def __init__(self, scenario: str | None = None,
                 calls: list[dict[str, Any]] | None = None) -> None:
        self.recorded = list(calls if calls is not None else load_calls(scenario or ""))
        self.asked: list[dict[str, Any]] = []

    def _next(self, method: str, image: Any, config: str) -> dict[str, Any]:
        size = Image.open(image).size if isinstance(image, str) else None
        self.asked.append({"method": method, "config": config, "size": size})
        if not self.recorded:
            raise AssertionError(f"unexpected extra call {method}({config!r})")
        call = self.recorded.pop(0)
        if call["method"] != method:
            raise AssertionError(f"expected {call['method']}, got {method}")
        if "error" in call:
            raise pytesseract.TesseractError(1, call["error"])
        if call.get("timeout"):
            raise RuntimeError("Tesseract process timeout")  # as pytesseract says it
        return call

    def image_to_pdf_or_hocr(self, image: Any, lang: str | None = None, config: str = "",
                             nice: int = 0, extension: str = "hocr",
                             timeout: float = 0) -> bytes:
        return str(self._next("image_to_pdf_or_hocr", image, config)["output"]).encode()

    def image_to_osd(self, image: Any, lang: str = "osd", config: str = "", nice: int = 0,
                     output_type: str = "string", timeout: float = 0) -> Any:
        return self._next("image_to_osd", image, config)["output"]

    def get_languages(self, config: str = "") -> list[str]:
        self.asked.append({"method": "get_languages", "config": config, "size": None})
        return ["eng", "osd"]


def pdf_with_text(path: Path, text: str, *, before: bytes = b"") -> Path:
    """A one-page PDF whose page carries ``text`` as a real text layer (Helvetica), a
    line of the page per line of ``text``; ``before`` comes ahead of its header (see
    :func:`pdf_of`)."""
    stream = " ".join(f"BT /F1 24 Tf 72 {720 - 30 * k} Td ({line}) Tj ET"
                      for k, line in enumerate(text.split("\n"))).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(pdf_of(objects, before=before))
    return path


def pdf_scan(path: Path, image: Image.Image, layer: str, *, dpi: float = 150,
             rotate: int = 0) -> Path:
    """A one-page PDF as a scanner makes one: ``image`` (``dpi``) filling the page, under
    an invisible text layer (render mode 3) of ``layer``'s lines, from the top, one
    line of the page per 24 points; ``rotate`` sets the page's ``/Rotate``."""
    gray = image.convert("L")
    width, height = gray.width * 72 / dpi, gray.height * 72 / dpi
    pixels = zlib.compress(gray.tobytes())
    text = b" ".join(b"BT 3 Tr /F1 12 Tf 36 %g Td (%s) Tj ET" % (height - 36 - 24 * k,
                                                                    line.encode("latin-1"))
                     for k, line in enumerate(layer.split("\n")) if line)
    stream = b"q %g 0 0 %g 0 0 cm /Im1 Do Q " % (width, height) + text
    turned = b" /Rotate %d" % rotate if rotate else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g]%s /Resources << /Font "
        b"<< /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >>" % (
            width, height, turned),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (
            gray.width, gray.height, len(pixels)) + pixels + b"\nendstream",
    ]
    path.write_bytes(pdf_of(objects))
    return path


def pdf_scan_pages(path: Path, image: Image.Image, layers: list[str], *,
                   dpi: float = 150) -> Path:
    """A PDF of one page per layer of ``layers``, each as :func:`pdf_scan` makes it: the
    same ``image`` under that page's invisible text layer ("" for a page without one)."""
    gray = image.convert("L")
    width, height = gray.width * 72 / dpi, gray.height * 72 / dpi
    pixels = zlib.compress(gray.tobytes())
    first = 5  # the first page's object: catalog, pages, font and image come ahead
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(
            b"%d 0 R" % (first + 2 * k) for k in range(len(layers))), len(layers)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (
            gray.width, gray.height, len(pixels)) + pixels + b"\nendstream",
    ]
    for k, layer in enumerate(layers):
        text = b" ".join(b"BT 3 Tr /F1 12 Tf 36 %g Td (%s) Tj ET" % (
            height - 36 - 24 * n, line.encode("latin-1"))
            for n, line in enumerate(layer.split("\n")) if line)
        stream = b"q %g 0 0 %g 0 0 cm /Im1 Do Q " % (width, height) + text
        objects += [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font "
            b"<< /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> /Contents %d 0 R >>" % (
                width, height, first + 2 * k + 1),
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    path.write_bytes(pdf_of(objects))
    return path


def pdf_form_with_value(path: Path, value: str) -> Path:
    """A one-page PDF whose only text is the value typed into a form field, with no
    appearance stream (the viewer draws it), as a filled-in prescription form holds it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /NeedAppearances true"
        b" /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R]"
        b" /Resources << /Font << /Helv 5 0 R >> >> >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (drug) /V (" + value.encode("latin-1")
        + b") /Rect [72 500 540 540] /P 3 0 R /DA (/Helv 20 Tf 0 g) /F 4 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    path.write_bytes(pdf_of(objects))
    return path


def pdf_of(objects: list[bytes], *, before: bytes = b"") -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalog) with its cross-
    reference table; ``before`` comes ahead of the header, as a mail or web server's
    header or a byte-order mark does."""
    out = bytearray(before + b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out) - len(before))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out) - len(before)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
