"""Opening images and PDFs: pages, DPI, text layers, limits and bad input."""

from __future__ import annotations

import struct
import sys
import threading
import time
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from uncertain import images
from uncertain._io import Sniffed, sniff
from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    EncryptedInputError,
    InputError,
    InputTooLargeError,
    MissingFileError,
    UnsupportedFormatError,
)
from uncertain.ocr import recognize

OCR_DATA = Path(__file__).resolve().parent / "data" / "ocr"
sys.path.insert(0, str(OCR_DATA))
from ocr_replay import ReplayEngine, load_calls, pdf_of, pdf_with_text  # noqa: E402


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    return path


def test_images_png_page(samples_dir: Path) -> None:
    pages = list(images.open_pages(samples_dir / "prescription.png"))
    assert [(p.number, p.image.size, p.dpi, p.text_layer) for p in pages] == [
        (1, (880, 550), 110.0, None)]


def test_images_every_tiff_frame(tmp_path: Path, samples_dir: Path) -> None:
    first = Image.open(samples_dir / "phototest.tif").convert("L")
    tif = tmp_path / "three.tif"
    first.save(tif, save_all=True, append_images=[first.rotate(180), first.resize((320, 240))],
               dpi=(200, 200))
    pages = list(images.open_pages(tif))
    assert [(p.number, p.image.size) for p in pages] == [
        (1, (640, 480)), (2, (640, 480)), (3, (320, 240))]
    assert pages[0].dpi == 200.0


def test_images_tiff_thumbnail_is_no_page(tmp_path: Path, samples_dir: Path) -> None:
    """A scanner's TIFF may hold a reduced-resolution copy of its page (NewSubfileType
    1) after it: that copy was read as a second page, its words twice in the document."""
    from PIL import TiffImagePlugin

    first = Image.open(samples_dir / "phototest.tif").convert("L")
    tif = tmp_path / "thumb.tif"
    with open(tif, "w+b") as fh, TiffImagePlugin.AppendingTiffWriter(fh) as out:
        first.save(out, format="TIFF")
        out.newFrame()
        thumbnail = TiffImagePlugin.ImageFileDirectory_v2()
        thumbnail[254] = 1
        first.resize((64, 48)).save(out, format="TIFF", tiffinfo=thumbnail)
        out.newFrame()
        first.rotate(180).save(out, format="TIFF")
        out.newFrame()
    assert Image.open(tif).n_frames == 3
    assert [(p.number, p.pages, p.image.size) for p in images.open_pages(tif)] == [
        (1, 2, (640, 480)), (2, 2, (640, 480))]


def test_images_an_animation_reads_each_picture_once(tmp_path: Path,
                                                      samples_dir: Path) -> None:
    """An animated GIF that loops over two pictures had each frame read as a page: the
    same words read again and again. Each distinct picture is read once, as a page, and
    page 1's note says so; a TIFF's pages are pages, the same page twice included (a form
    scanned twice)."""
    first = Image.open(samples_dir / "phototest.tif").convert("L")
    other = first.rotate(180)
    gif = tmp_path / "loop.gif"
    first.save(gif, save_all=True, append_images=[other, first, other, first], loop=0,
               duration=500)
    assert Image.open(gif).n_frames == 5
    pages = list(images.open_pages(gif))
    assert [(p.number, p.pages) for p in pages] == [(1, 2), (2, 2)]
    assert all(isinstance(p, images.PageImage) for p in pages)
    assert np.array_equal(np.asarray(pages[1].image.convert("L")), np.asarray(other))
    assert pages[0].note is not None and "3 of the 5 frames of this GIF repeat" in \
        pages[0].note and pages[1].note is None
    still = tmp_path / "three.gif"  # (frames all different: every one a page, unsaid)
    first.save(still, save_all=True, append_images=[other, first.rotate(90)])
    assert [(p.number, p.pages, p.note) for p in images.open_pages(still)] == [
        (1, 3, None), (2, 3, None), (3, 3, None)]
    tif = tmp_path / "twice.tif"
    first.save(tif, save_all=True, append_images=[first])
    assert [(p.number, p.pages) for p in images.open_pages(tif)] == [(1, 2), (2, 2)]


def test_images_damaged_frames_are_corrupt_input(tmp_path: Path, samples_dir: Path) -> None:
    """A multi-page TIFF or an animated GIF cut short failed with Pillow's own errors
    ("TypeError: Missing dimensions", "IndexError") as a fault of the program, and a raw
    "Corrupt EXIF data" warning on stderr: each is a CorruptInputError naming the file
    when no page reads, else the pages before the damage and a PageError saying it."""
    first = Image.open(samples_dir / "phototest.tif").convert("L")
    tif = tmp_path / "three.tif"
    first.save(tif, save_all=True, append_images=[first.rotate(180), first])
    gif = tmp_path / "three.gif"
    first.save(gif, save_all=True, append_images=[first.rotate(90), first.rotate(180)])
    for source in (tif, gif):
        data = source.read_bytes()
        for cut in range(len(data) // 5, len(data), len(data) // 9):
            damaged = tmp_path / f"cut{cut}{source.suffix}"
            damaged.write_bytes(data[:cut])
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # none reaches the user
                try:
                    pages = list(images.open_pages(damaged))
                except CorruptInputError as exc:
                    assert exc.path == str(damaged)
                    continue
                read = [p.number for p in pages if isinstance(p, images.PageImage)]
                unread = [p for p in pages if isinstance(p, images.PageError)]
                assert read == list(range(1, len(read) + 1))
                # the damage is said once, after the pages before it; a cut after the last
                # frame's pixels leaves every page whole
                assert len(unread) == (len(read) < 3)
                assert all(u.number == len(read) + 1 and "page" in u.message for u in unread)


def test_recognize_a_many_page_file_damaged_part_way_reads_the_pages_before(
        tmp_path: Path, samples_dir: Path) -> None:
    """A three-page TIFF cut short in its last page was refused whole ("page 3 of 3 does
    not decode"), its two good pages lost with it (tesseract's own CLI reads them): the
    pages before the damage are read, and a warning says which page is not; cut in its
    second page's pixels, where Pillow cannot count the frames at all ("Missing
    dimensions"), the first page is read. Nothing readable is still an error."""
    first = Image.open(samples_dir / "phototest.tif").convert("L")
    tif = tmp_path / "three.tif"
    first.save(tif, save_all=True, append_images=[first.rotate(180), first])
    data = tif.read_bytes()
    for share, pages, said in ((0.9, [1, 2], "page 3 of 3 does not decode ("),
                               (0.5, [1], "page 2 does not decode (")):
        damaged = tmp_path / f"cut{share}.tif"
        damaged.write_bytes(data[:int(len(data) * share)])
        engine = ReplayEngine(calls=load_calls("phototest") * len(pages))
        doc = recognize(damaged, engine=engine, binarize="off", deskew="off",
                        orientation="off", upscale=False)
        assert [p.number for p in doc.pages] == pages
        assert {s.page for s in doc.segments} == set(pages)
        assert next(n for n in doc.warnings if "not read" in n).startswith(said)
    damaged.write_bytes(data[:int(len(data) * 0.2)])
    with pytest.raises(CorruptInputError, match="page 1 does not decode"):
        recognize(damaged, engine=ReplayEngine(calls=[]))


def test_recognize_a_pdf_page_that_does_not_render_leaves_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF page pdfium cannot render lost the whole document; its other pages are read
    and a warning names it. A one-page PDF that does not render is an error as before."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument.new()
    for _ in range(3):
        src.new_page(300, 200)
    pdf = tmp_path / "three.pdf"
    src.save(str(pdf))
    src.close()
    render = pdfium.PdfPage.render
    calls = []

    def failing(page: Any, **kw: Any) -> Any:
        calls.append(page)
        if len(calls) == 2:  # the second page
            raise pdfium.PdfiumError("Failed to render page.")
        return render(page, **kw)

    monkeypatch.setattr(pdfium.PdfPage, "render", failing)
    pages = list(images.open_pages(pdf))
    assert [type(p).__name__ for p in pages] == ["PageImage", "PageError", "PageImage"]
    assert pages[1].message == ("page 2 of 3 does not render (Failed to render page.): it is "
                                "not read")
    calls.clear()
    doc = recognize(pdf, engine=ReplayEngine(calls=[_blank_hocr()] * 2), binarize="off",
                    deskew="off", orientation="off", upscale=False)
    assert [p.number for p in doc.pages] == [1, 3]
    assert "page 2 of 3 does not render (Failed to render page.): it is not read" in doc.warnings
    one = tmp_path / "one.pdf"
    src = pdfium.PdfDocument.new()
    src.new_page(300, 200)
    src.save(str(one))
    src.close()
    calls[:] = [None]  # its first render is the failing one
    with pytest.raises(CorruptInputError, match="page 1 does not render"):
        list(images.open_pages(one))


def _blank_hocr() -> dict[str, Any]:
    return {"method": "image_to_pdf_or_hocr",
            "output": "<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page' "
                      "title='bbox 0 0 300 200'></div></body></html>"}


def test_images_mpo_photo_is_one_page(tmp_path: Path, samples_dir: Path) -> None:
    """A phone's MPO JPEG holds a preview or depth map after its picture: one page."""
    page = Image.open(samples_dir / "phototest.tif").convert("RGB")
    mpo = tmp_path / "photo.jpg"
    page.save(mpo, format="MPO", save_all=True, append_images=[page.resize((160, 120))])
    assert Image.open(mpo).format == "MPO"
    assert [(p.number, p.image.size, p.pages) for p in images.open_pages(mpo)] == [
        (1, (640, 480), 1)]


def test_images_jpeg2000_is_an_image(tmp_path: Path, samples_dir: Path) -> None:
    page = Image.open(samples_dir / "phototest.tif").convert("L")
    for name in ("page.jp2", "page.j2k"):
        path = tmp_path / name
        page.save(path)
        assert sniff(path) == Sniffed("image", "jpeg2000")
        (read,) = images.open_pages(path)
        assert read.image.size == (640, 480)


@pytest.mark.parametrize(("name", "how"), [
    ("page.jpx", {"format": "JPEG2000"}), ("page.jpf", {"format": "JPEG2000"}),
    ("page.j2c", {"format": "JPEG2000", "no_jp2": True}), ("page.pbm", {"bits": 1}),
    ("page.jfif", {"format": "JPEG"}), ("page.jpe", {"format": "JPEG"}),
    ("page.dib", {"format": "BMP"}), ("page.apng", {"format": "PNG"}),
    ("page.mpo", {"format": "MPO"}), ("page.tif", {"big_tiff": True}),
])
def test_images_every_kind_of_file_pillow_reads_is_an_input(
        tmp_path: Path, samples_dir: Path, name: str, how: dict[str, object]) -> None:
    """A folder left out the names these files go by (.jpx, .pbm, .jfif, .dib, .apng,
    ...), and a BigTIFF (a scan over 4 GB) was refused as "binary" whatever its name."""
    from uncertain._io import is_input_name

    page = Image.open(samples_dir / "phototest.tif").convert("L")
    path = tmp_path / name
    if how.pop("bits", None):
        page = page.convert("1")
    page.convert("RGB" if how.get("format") == "MPO" else page.mode).save(path, **how)
    assert is_input_name(path) and sniff(path).kind == "image"
    assert [p.image.size for p in images.open_pages(path)] == [(640, 480)]


@pytest.mark.parametrize("before", [b"\r\n", b"\xef\xbb\xbf",
                                    b"Content-Type: application/pdf\r\n\r\n"])
def test_images_pdf_after_a_few_bytes_is_a_pdf(tmp_path: Path, before: bytes) -> None:
    """Readers accept up to 1 KB before a PDF's header (a blank line, a byte-order mark,
    a server's header); it was refused as "plain text". A text that quotes a PDF header
    stays text."""
    path = pdf_with_text(tmp_path / "late.pdf", "Metformin", before=before)
    assert sniff(path) == Sniffed("pdf", "pdf")
    (page,) = images.open_pages(path, dpi=72)
    assert page.text_layer == "Metformin"
    quoted = tmp_path / "quoted.txt"
    quoted.write_text("The header read %PDF-1.4 and then 1 0 obj.\n")
    assert sniff(quoted).kind == "text"


@pytest.mark.parametrize("dpi", [0, -72, float("nan"), float("inf"), 9.9])
def test_images_dpi_out_of_range_is_refused(samples_dir: Path, dpi: float) -> None:
    with pytest.raises(ValueError, match=r"dpi=.*: PDF pages are rendered at 10 dpi or more"):
        list(images.open_pages(samples_dir / "scan.pdf", dpi=dpi))
    assert len(list(images.open_pages(samples_dir / "scan.pdf", dpi=10))) == 2
    # a number written as text is the number ("unsupported operand type(s) for /")
    assert [p.dpi for p in images.open_pages(samples_dir / "scan.pdf",
                                             dpi="72")] == [72.0, 72.0]  # type: ignore[arg-type]


def test_images_pdf_without_pages_is_said_so(tmp_path: Path) -> None:
    """pdfium refuses a PDF whose page tree is empty with "Failed to load document
    (PDFium: Success)", which told the user nothing."""
    path = tmp_path / "nopages.pdf"
    path.write_bytes(pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    with pytest.raises(CorruptInputError, match=r"refused it without a reason .*no pages"):
        list(images.open_pages(path))
    # pdfium keeps the last error of an earlier file for it: after an encrypted PDF it
    # was "password-protected", after a damaged one "Data format error"
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>"])[:40])
    for before in (OCR_DATA / "encrypted.pdf", damaged):
        with pytest.raises((EncryptedInputError, CorruptInputError)):
            list(images.open_pages(before))
        with pytest.raises(CorruptInputError, match=r"nopages\.pdf: .*without a reason"):
            list(images.open_pages(path))


def test_images_pdf_pages_at_dpi(samples_dir: Path) -> None:
    pages = list(images.open_pages(samples_dir / "scan.pdf", dpi=100))
    assert [(p.number, p.image.size, p.dpi, p.text_layer) for p in pages] == [
        (1, (827, 1170), 100, None), (2, (827, 1170), 100, None)]


def test_images_pdf_text_layer_is_kept(tmp_path: Path) -> None:
    pdf = pdf_with_text(tmp_path / "text.pdf", "Metformin 500 mg")
    pages = list(images.open_pages(pdf, dpi=72))
    assert [(p.number, p.image.size, p.text_layer) for p in pages] == [
        (1, (612, 792), "Metformin 500 mg")]


def test_images_pdf_text_layer_lines_end_in_newlines(tmp_path: Path) -> None:
    """pdfium ends a text layer's lines with "\\r\\n", which a document's text kept."""
    pdf = pdf_with_text(tmp_path / "lines.pdf", "Metformin 500 mg\ntwice daily\nwith food")
    (page,) = images.open_pages(pdf, dpi=72)
    assert page.text_layer == "Metformin 500 mg\ntwice daily\nwith food"


def test_images_pdf_text_layer_is_what_the_crop_box_shows(tmp_path: Path) -> None:
    """The text layer held the text outside the page's CropBox too, which the rendered
    page (and so OCR) does not show."""
    stream = (b"BT /F1 24 Tf 72 720 Td (Metformin 500 mg) Tj ET "
              b"BT /F1 24 Tf 72 100 Td (Trimmed off) Tj ET")
    pdf = tmp_path / "cropped.pdf"
    pdf.write_bytes(pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /CropBox [0 396 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]))
    pages = list(images.open_pages(pdf, dpi=72))
    assert [(p.image.size, p.text_layer) for p in pages] == [((612, 396), "Metformin 500 mg")]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.png", b"", EmptyInputError),
        ("corrupt.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, CorruptInputError),
        ("corrupt.jpg", b"\xff\xd8\xff\xe0" + b"\x13" * 200, CorruptInputError),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj garbage\n" * 5, CorruptInputError),
        ("notes.txt", b"just some text\n", UnsupportedFormatError),
        ("sound.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, UnsupportedFormatError),
        ("blob.png", bytes(range(256)) * 4, UnsupportedFormatError),
    ],
)
def test_images_bad_input(tmp_path: Path, name: str, content: bytes,
                          error: type[InputError]) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        list(images.open_pages(path))
    assert info.value.path == str(path) and str(path) in str(info.value)


def test_images_truncated_png(tmp_path: Path, samples_dir: Path) -> None:
    data = (samples_dir / "prescription.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptInputError, match=r"cut\.png"):
        list(images.open_pages(path))


def test_images_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError):
        list(images.open_pages(tmp_path / "nope.png"))


@pytest.mark.parametrize(
    ("width", "height", "max_pixels"),
    [
        (100_000, 100_000, images.DEFAULT_MAX_PIXELS),  # Pillow's own bomb check fires too
        (12_000, 10_000, images.DEFAULT_MAX_PIXELS),  # over our 100 MP, under Pillow's error
        (640, 480, 100_000),  # a configured, smaller limit
    ],
)
def test_images_decompression_bomb(tmp_path: Path, width: int, height: int,
                                   max_pixels: int) -> None:
    path = _png_claiming(tmp_path / "bomb.png", width, height)
    assert path.stat().st_size < 200
    # the same words whichever check fires first: Pillow's named its own limit, 178956970
    with pytest.raises(InputTooLargeError, match=rf"bomb\.png: the image is (?:{width}x{height} "
                                                 rf"= )?{width * height} pixels, over the "
                                                 rf"limit of {max_pixels} \(raise max_pixels"):
        list(images.open_pages(path, max_pixels=max_pixels))


def test_images_pdf_page_over_the_limit_is_read_at_the_resolution_that_fits(
        samples_dir: Path) -> None:
    """A page over the pixel limit at the asked resolution refused the whole file, its
    other pages too (a poster among letter pages), and --dpi low enough for it read the
    others too coarsely: it is read at the highest whole DPI that fits, with a note."""
    pages = list(images.open_pages(samples_dir / "scan.pdf", max_pixels=1_000_000))
    assert [p.number for p in pages] == [1, 2]
    for page in pages:
        assert isinstance(page, images.PageImage)
        assert page.image.width * page.image.height <= 1_000_000
        fits = int(page.dpi or 0)
        assert page.note == (f"8.3 x 11.7 in: read at {fits} dpi, as 300 dpi would make "
                             f"2481x3508 pixels, over the limit of 1000000 (raise "
                             f"max_pixels to read it at 300)")
        bigger = next(images.open_pages(samples_dir / "scan.pdf", dpi=fits + 1,
                                        max_pixels=1_000_000))
        assert isinstance(bigger, images.PageImage) and bigger.dpi == fits  # the most
    within = list(images.open_pages(samples_dir / "scan.pdf", dpi=fits, max_pixels=1_000_000))
    assert all(isinstance(p, images.PageImage) and p.note is None for p in within)


def test_images_pdf_poster_among_pages_and_a_page_too_large_at_any_resolution(
        tmp_path: Path) -> None:
    letter = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    path = tmp_path / "mixed.pdf"
    path.write_bytes(pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R 6 0 R] /Count 4 >>",
                             letter,
                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 3000 3000] >>",
                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
                             letter]))
    pages = list(images.open_pages(path, dpi=72, max_pixels=1_000_000))
    assert [(type(p).__name__, p.number) for p in pages] == [
        ("PageImage", 1), ("PageImage", 2), ("PageError", 3), ("PageImage", 4)]
    first, poster, huge, last = pages
    assert isinstance(first, images.PageImage) and isinstance(last, images.PageImage)
    assert (first.dpi, first.image.size, first.note) == (72, (612, 792), None)
    assert (last.dpi, last.note) == (72, None)
    assert isinstance(poster, images.PageImage)
    assert (poster.dpi, poster.image.size) == (24, (1000, 1000))
    assert poster.note == ("41.7 x 41.7 in: read at 24 dpi, as 72 dpi would make 3000x3000 "
                           "pixels, over the limit of 1000000 (raise max_pixels to read it "
                           "at 72)")
    assert isinstance(huge, images.PageError)
    assert huge.message == ("page 3 of 4 is 200 x 200 in, over 1000000 pixels even at 10 "
                            "dpi: it is not read (raise max_pixels to read it)")
    assert huge.too_large
    alone = _blank_pdf(tmp_path / "alone.pdf", 14400, 14400)
    with pytest.raises(InputTooLargeError, match=r"alone\.pdf: page 1 at 72 dpi .* over the "
                                                 r"limit of 1000000 \(even at 10 dpi: raise "
                                                 r"max_pixels to read it\)"):
        list(images.open_pages(alone, dpi=72, max_pixels=1_000_000))


def _blank_pdf(path: Path, width_pt: float, height_pt: float) -> Path:
    path.write_bytes(pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] >>"
                             % (width_pt, height_pt)]))
    return path


def test_images_pdf_page_size_has_no_float_error(tmp_path: Path) -> None:
    """432 pt x 300/72 is 1800.0000000000002 in floats: a 6-inch page rendered 1801
    pixels wide at 300 dpi."""
    pdf = _blank_pdf(tmp_path / "six.pdf", 432, 432)
    assert [p.image.size for p in images.open_pages(pdf)] == [(1800, 1800)]
    assert [p.image.size for p in images.open_pages(pdf, dpi=301)] == [(1806, 1806)]
    assert [p.image.size for p in images.open_pages(pdf, dpi=72.5)] == [(435, 435)]


@pytest.mark.parametrize(("side_pt", "dpi", "max_pixels", "fits"), [
    (432, 301, 1800 * 1800, 300),  # a 6-inch page: 1800 pixels a side at 300 dpi, not 1801
    (14400, 300, images.DEFAULT_MAX_PIXELS, 50),  # a 200-inch poster: 10,000 a side at 50
])
def test_images_pdf_page_over_the_limit_is_read_at_the_highest_dpi_that_fits(
        tmp_path: Path, side_pt: float, dpi: float, max_pixels: int, fits: int) -> None:
    """The page's size in floats came out a pixel too large, and the resolution named
    was one under the highest that fits (49 dpi for a 200-inch page)."""
    assert images._fitting_dpi(side_pt, side_pt, max_pixels) == fits
    if side_pt * fits / 72 <= 2000:  # a 100-megapixel page is not rendered to show it
        pdf = _blank_pdf(tmp_path / "page.pdf", side_pt, side_pt)
        (page,) = images.open_pages(pdf, dpi=dpi, max_pixels=max_pixels)
        assert isinstance(page, images.PageImage) and page.dpi == fits
        assert page.image.width * page.image.height <= max_pixels
        assert page.note is not None and f"read at {fits} dpi" in page.note


def test_images_opened_by_two_threads_at_once_leave_the_warning_filters(
        monkeypatch: pytest.MonkeyPatch, samples_dir: Path) -> None:
    """``warnings.catch_warnings`` puts back the filters it found: two threads opening
    images at once put back each other's, and a service reading images on eight threads
    was left ignoring every UserWarning (its own too) for the rest of the process."""
    real_open = Image.open
    inside = {name: threading.Event() for name in ("first", "second")}
    first_done = threading.Event()

    def open_image(*args: Any, **kwargs: Any) -> Any:
        name = threading.current_thread().name
        inside[name].set()
        if name == "first":  # the second enters while the first is inside, unless it waits
            inside["second"].wait(timeout=0.5)
        else:  # ... and leaves after the first has left
            first_done.wait(timeout=0.5)
        return real_open(*args, **kwargs)

    def first() -> None:
        list(images.open_pages(samples_dir / "prescription.png"))
        first_done.set()

    def second() -> None:
        inside["first"].wait(timeout=5)
        list(images.open_pages(samples_dir / "prescription.png"))

    monkeypatch.setattr(Image, "open", open_image)
    before = list(warnings.filters)
    threads = [threading.Thread(target=first, name="first"),
               threading.Thread(target=second, name="second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert all(event.is_set() for event in inside.values())
    assert warnings.filters == before


def test_images_pdf_waits_for_the_warnings_lock_holding_no_pdfium(
        monkeypatch: pytest.MonkeyPatch, samples_dir: Path) -> None:
    """A thread silencing Pillow's warnings may need pdfium (the garbage collector closing
    an abandoned PDF's pages there): a PDF's forms set-up, holding pdfium, waited for the
    warnings, and the two threads would wait for each other."""
    import pypdfium2.raw as pdfium_c

    from uncertain._quiet import quiet

    real_load, loaded = pdfium_c.FPDF_LoadDocument, threading.Event()

    def load(*args: Any) -> Any:
        document = real_load(*args)
        if threading.current_thread() is other and args[0]:
            loaded.set()
        return document

    monkeypatch.setattr(pdfium_c, "FPDF_LoadDocument", load)
    other = threading.Thread(target=lambda: list(images.open_pages(samples_dir / "scan.pdf",
                                                                   dpi=20)))
    with quiet():
        other.start()
        assert loaded.wait(timeout=10)
        time.sleep(0.2)  # (on to the forms' set-up, waiting for the warnings)
        free = images._PDFIUM.acquire(timeout=2)
        if free:
            images._PDFIUM.release()
    other.join(timeout=10)
    assert free and not other.is_alive()


def test_images_encrypted_pdf() -> None:
    path = OCR_DATA / "encrypted.pdf"
    with pytest.raises(EncryptedInputError, match="password"):
        list(images.open_pages(path))


def test_images_pdf_read_while_another_thread_opens_one_keeps_its_error(
        monkeypatch: pytest.MonkeyPatch, samples_dir: Path) -> None:
    """pdfium's last error is the process's: a password-protected PDF read while another
    thread opened a PDF was refused as damaged ("refused it without a reason"), now and
    then, in a service reading PDFs on several threads. The other thread's open waits."""
    import pypdfium2.raw as pdfium_c

    real_error, real_load = pdfium_c.FPDF_GetLastError, pdfium_c.FPDF_LoadDocument
    loaded = threading.Event()

    def load(*args: Any) -> Any:
        document = real_load(*args)
        if threading.current_thread() is other:
            loaded.set()
        return document

    def last_error() -> int:
        # the encrypted PDF failed to load: the other thread opens one before its error
        # is read, unless pdfium is held
        if threading.current_thread() is not other and other.ident is None:
            other.start()
            loaded.wait(timeout=0.5)
        return int(real_error())

    other = threading.Thread(target=lambda: list(images.open_pages(samples_dir / "scan.pdf",
                                                                   dpi=20)))
    monkeypatch.setattr(pdfium_c, "FPDF_GetLastError", last_error)
    monkeypatch.setattr(pdfium_c, "FPDF_LoadDocument", load)
    try:
        with pytest.raises(EncryptedInputError, match="password"):
            list(images.open_pages(OCR_DATA / "encrypted.pdf"))
    finally:
        other.join(timeout=10)
    assert loaded.is_set() and not other.is_alive()


def test_images_errors_reach_recognize(tmp_path: Path) -> None:
    path = _png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    with pytest.raises(InputTooLargeError):
        recognize(path, engine=object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "color"),
    [("RGB", (10, 200, 30)), ("RGBA", (0, 0, 0, 0)), ("1", 1), ("P", 3), ("L", 77)],
)
def test_images_grayscale(mode: str, color: object) -> None:
    img = Image.new(mode, (4, 3), color)  # type: ignore[arg-type]
    gray = images.to_grayscale(img)
    assert gray.mode == "L" and gray.size == (4, 3)
    if mode == "RGBA":
        assert gray.getpixel((0, 0)) == 255  # transparent becomes white paper


@pytest.mark.parametrize(("dpi", "aspect", "size"), [
    ((204, 98), 204 / 98, (300, 208)), ((98, 204), 98 / 204, (624, 100)),
    ((204, 196), 1.0, (300, 100)), ((300, 30), 1.0, (300, 100))])
def test_images_oblong_pixels_are_read_square(tmp_path: Path, dpi: tuple[int, int],
                                              aspect: float, size: tuple[int, int]) -> None:
    """A fax at standard resolution (204 x 98 dpi) has pixels twice as tall as wide: the
    page says so, and is read stretched to square ones at its higher resolution; nearly
    square pixels (a fine fax, 204 x 196), or a tag not believed, leave it as it is."""
    Image.new("1", (300, 100), 1).save(tmp_path / "fax.tif", compression="group4", dpi=dpi)
    (page,) = images.open_pages(tmp_path / "fax.tif")
    assert isinstance(page, images.PageImage)
    assert page.aspect == pytest.approx(aspect, abs=1e-3)
    square, sx, sy = images.square_pixels(page.image, page.aspect, 10**8)
    assert square.size == size
    assert (sx, sy) == (size[0] / 300, size[1] / 100)
    if aspect != 1.0:
        assert page.dpi == 204
        # stretched over the pixel limit, the other axis is shrunk instead
        assert images.square_pixels(page.image, page.aspect, 40_000)[0].size == (
            (144, 100) if aspect > 1 else (300, 48))


@pytest.mark.parametrize("mode", ["I;16", "F"])
def test_images_grayscale_stretches_a_deep_pages_narrow_band(mode: str) -> None:
    """A dim 16-bit page (grey print on grey paper, 29,500 to 30,000 of 65,535) was
    scaled from the full scale to two grey levels, 115 and 117, and tesseract read
    nothing of it: its band is stretched to the whole of 8 bits, ink dark and paper
    light, and a page that uses the scale keeps its levels."""
    values = np.full((40, 60), 30000.0)
    values[10:30, 10:50] = 29500.0  # the print
    deep = values.astype(np.uint16) if mode == "I;16" else (values / 65535).astype(np.float32)
    gray = np.asarray(images.to_grayscale(Image.fromarray(deep)))
    assert gray[20, 20] == 0 and gray[0, 0] == 255
    values[:] = 60000.0  # dark print on light paper: the page uses most of the scale
    values[10:30, 10:50] = 1000.0
    wide = values.astype(np.uint16) if mode == "I;16" else (values / 65535).astype(np.float32)
    gray = np.asarray(images.to_grayscale(Image.fromarray(wide)))
    assert (gray[20, 20], gray[0, 0]) == (4, 233)


@pytest.mark.slow
def test_images_grayscale_puts_light_print_on_black(samples_dir: Path, tmp_path: Path) -> None:
    """White print on a transparent background (a dark-mode label) vanished on white
    paper; dark print, and a white page on a transparent canvas, stay on white."""
    page = Image.open(samples_dir / "phototest.tif").convert("L")
    ink = np.asarray(page) < 128
    white_print = np.zeros((*ink.shape, 4), dtype=np.uint8)
    white_print[..., :3] = 255
    white_print[..., 3] = ink * 255
    gray = np.asarray(images.to_grayscale(Image.fromarray(white_print, "RGBA")))
    assert (gray[ink] == 255).all() and (gray[~ink] == 0).all()
    dark_print = white_print.copy()
    dark_print[..., :3] = 0
    gray = np.asarray(images.to_grayscale(Image.fromarray(dark_print, "RGBA")))
    assert (gray[ink] == 0).all() and (gray[~ink] == 255).all()
    canvas = np.zeros((600, 800, 4), dtype=np.uint8)  # transparent, a page in its middle
    canvas[60:540, 80:720, :3] = np.asarray(page)[..., None]
    canvas[60:540, 80:720, 3] = 255
    gray = np.asarray(images.to_grayscale(Image.fromarray(canvas, "RGBA")))
    assert gray[0, 0] == 255 and (gray[60:540, 80:720] == np.asarray(page)).all()
    # and tesseract reads the white print so (on white it read nothing)
    path = tmp_path / "label.png"
    Image.fromarray(white_print, "RGBA").save(path)
    assert "quick brown dog" in recognize(path).text


@given(x=st.integers(0, 29), y=st.integers(0, 19), degrees=st.sampled_from([0, 90, 180, 270]))
def test_images_unturn_box_inverts_turn(x: int, y: int, degrees: int) -> None:
    page = Image.new("L", (30, 20), 0)
    page.putpixel((x, y), 255)
    turned = images.turn(page, degrees)
    bbox = turned.getbbox()
    assert bbox is not None
    assert images.unturn_box(tuple(float(v) for v in bbox), degrees, 30, 20) == (  # type: ignore[arg-type]
        x, y, x + 1, y + 1)


def test_images_turn_is_clockwise() -> None:
    page = Image.new("L", (30, 20), 0)
    page.putpixel((0, 0), 255)  # top-left corner
    assert images.turn(page, 90).getbbox() == (19, 0, 20, 1)  # ends top-right


@pytest.mark.parametrize(("orientation", "stored"), [
    (1, lambda im: im),
    (3, lambda im: im.rotate(180)),
    (6, lambda im: im.rotate(90, expand=True)),  # camera held sideways
    (8, lambda im: im.rotate(270, expand=True)),
])
def test_images_exif_orientation_is_applied(tmp_path: Path, samples_dir: Path,
                                             orientation: int, stored: object) -> None:
    upright = Image.open(samples_dir / "phototest.tif").convert("L")
    path = tmp_path / f"photo-{orientation}.jpg"
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored(upright).save(path, exif=exif, quality=95)  # type: ignore[operator]
    (page,) = images.open_pages(path)
    assert page.image.size == upright.size
    # the pixels are the upright page again (JPEG noise aside)
    got = np.asarray(page.image.convert("L"), dtype=float)
    assert np.abs(got - np.asarray(upright, dtype=float)).mean() < 8


def _heic(path: Path, image: Image.Image) -> Path:
    import pillow_heif  # the dev extra installs it, as uncertain[heif] does

    pillow_heif.register_heif_opener()
    image.convert("RGB").save(path, format="HEIF", quality=90)
    return path


def test_images_heic_phone_photo_is_an_image(tmp_path: Path, samples_dir: Path) -> None:
    # phones save photos as HEIC, in the same ISO media box as M4A audio
    path = _heic(tmp_path / "photo.heic", Image.open(samples_dir / "prescription.png"))
    assert sniff(path) == Sniffed("image", "heif")
    (page,) = images.open_pages(path)
    assert page.image.size == Image.open(samples_dir / "prescription.png").size
    m4a = tmp_path / "voice.m4a"
    m4a.write_bytes(b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + b"\x00" * 64)
    assert sniff(m4a).kind == "audio"


def test_images_heic_without_pillow_heif_says_what_to_install(
        tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _heic(tmp_path / "photo.heic", Image.open(samples_dir / "prescription.png"))
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # as if not installed
    with pytest.raises(UnsupportedFormatError, match=r"photo\.heic.*\.\[heif\]"):
        list(images.open_pages(path))


@pytest.mark.parametrize("angle", [-12.0, -4.0, 0.0, 3.0, 7.0])
def test_images_skew_angle_levels_tilted_text(samples_dir: Path, angle: float) -> None:
    page = images.to_grayscale(Image.open(samples_dir / "phototest.tif"))
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert abs(images.skew_angle(tilted) - -angle) <= 0.5
    assert images.skew_angle(Image.new("L", (300, 200), 255)) is None  # no ink


def test_images_skew_angle_of_lines_running_down_the_page_is_none(samples_dir: Path) -> None:
    """A blurred page on its side, cropped to its ink (as a pass in ``psm=6``, which reads
    no line running down, crops it) measured 20.0, the end of the range searched: the
    page levelled by it read no word right, whichever way it was turned. A page tilted
    further than the range is still levelled by its end."""
    from PIL import ImageDraw, ImageFilter, ImageFont, ImageOps

    page = Image.new("L", (1275, 500), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("DejaVuSans.ttf", 29)
    for k, line in enumerate(["Patient: John Carter DOB: 03/14/1958",
                              "Rx: Digoxin 0.125 mg PO daily", "Metformin 500 mg twice daily",
                              "Prescriber: Dr. Helen Moore MD", "Follow up in two weeks"]):
        draw.text((75, 60 + 50 * k), line, font=font, fill=0)
    for turn in (90, 270):
        side = page.filter(ImageFilter.GaussianBlur(2)).rotate(turn, expand=True)
        box = ImageOps.invert(side).getbbox()
        assert images.skew_angle(side.crop(box)) is None
    upright = images.to_grayscale(Image.open(samples_dir / "phototest.tif"))
    tilted = upright.rotate(25, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert -20.5 <= images.skew_angle(tilted) <= -20.0  # type: ignore[operator]


def test_images_unskew_box_finds_the_mark_on_the_original_page() -> None:
    page = Image.new("L", (400, 300), 255)
    page.paste(0, (100, 50, 110, 58))
    straight = images.deskew(page, 12.0)
    ys, xs = np.nonzero(np.asarray(straight) < 128)
    box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
    x0, y0, x1, y1 = images.unskew_box(box, 12.0, 400, 300, straight.size)
    # the box around the turned mark's corners holds the mark, and not much more
    assert x0 <= 100 and y0 <= 50 and x1 >= 110 and y1 >= 58
    assert (x1 - x0) * (y1 - y0) < 3 * 10 * 8


def test_images_even_light_whitens_a_shadow_and_keeps_the_print() -> None:
    """A page whose right half is 130 grey levels darker: its paper comes out white on
    both sides, the print black, the shadow's edge a band of light grey no threshold
    takes for print; an evenly lit page is unchanged."""
    import numpy as np

    page = Image.new("L", (1200, 400), 255)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(page)
    for x in range(100, 1100, 60):  # letters' strokes, 8 pixels wide, across the edge
        draw.rectangle((x, 150, x + 8, 190), fill=0)
    assert np.array_equal(np.asarray(images.even_light(page, 100)), np.asarray(page))
    pixels = np.asarray(page).astype(int)
    pixels[:, 600:] -= 130
    shadowed = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    assert images.light_spread(shadowed) > 100
    even = np.asarray(images.even_light(shadowed, 100)).astype(int)
    paper, ink = even[20:120], even[150:191, [x + 4 for x in range(100, 1100, 60)]]
    away = np.r_[0:560, 640:1200]  # (more than a window's fifth from the edge)
    assert paper[:, away].min() >= 250 and paper.min() >= 160 and ink.max() <= 5
    assert images.light_spread(Image.fromarray(even.astype(np.uint8))) < 10


@pytest.mark.parametrize("band", [200, 300, 500])
def test_images_a_header_band_of_white_letters_is_no_shadow(band: int) -> None:
    """A page under a header band of white letters on a dark fill (a hospital's letterhead)
    was measured as lit unevenly (215 grey levels: the fill taken for paper in shadow),
    and read a second time with its light evened, for the same words. The band's letters
    are as light as the page's paper: it is evenly lit. A page half in shadow still is
    not."""
    from PIL import ImageDraw, ImageFont

    from uncertain._ocr_page import _SHADOWED

    page = Image.new("L", (1100, 1400), 250)
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, 1100, band], fill=35)
    draw.text((60, band // 2 - 25), "ST MARY'S HOSPITAL - DISCHARGE SUMMARY", fill=255,
              font=ImageFont.truetype("DejaVuSans.ttf", 40))
    font = ImageFont.truetype("DejaVuSans.ttf", 30)
    for k, line in enumerate(["Metformin 500 mg twice daily with meals",
                              "Lisinopril 10 mg once daily", "Signed: Dr A. Jones"]):
        draw.text((80, band + 80 + 70 * k), line, fill=10, font=font)
    assert images.light_spread(page) < _SHADOWED
    shadowed = np.asarray(page).astype(int)
    shadowed[:, 550:] -= 110
    assert images.light_spread(Image.fromarray(shadowed.clip(0, 255).astype(np.uint8))) \
        > _SHADOWED


def test_images_vivid_light_makes_a_stamp_light_and_keeps_the_print() -> None:
    """A red stamp over black print is as dark as the print once the page is made grey
    by brightness; made grey by its brightest channel, the stamp is light and the print
    under it black. A page without saturated colour (grey, black print in colour,
    dark-blue print) has no such copy: it is read once."""
    page = np.full((400, 600, 3), 250, dtype=np.uint8)
    page[100:110, 50:550] = 0  # a line of black print
    page[300:310, 50:550] = (20, 30, 110)  # one of dark-blue print
    assert images.vivid_light(Image.fromarray(page)) is None
    assert images.vivid_light(Image.fromarray(page).convert("L")) is None
    stamped = page.copy()
    stamped[80:200, 100:400] = (212, 68, 74)  # the stamp's ink over paper...
    stamped[100:110, 100:400] = 0  # ...and over the print, black still
    gray = np.asarray(Image.fromarray(stamped).convert("L"))
    assert gray[150, 200] < 128  # (by brightness, as dark as print)
    light = np.asarray(images.vivid_light(Image.fromarray(stamped)))  # type: ignore[arg-type]
    assert light[150, 200] >= 200 and light[105, 200] == 0 and light[305, 200] == 110


def test_images_vivid_light_makes_a_stamp_the_papers_level() -> None:
    """Made its brightest channel alone, a dark-blue stamp's ink over paper stayed grey
    (160 of 255), which tesseract read as specks in the print, or its word as the
    page's. The stamp's ink is the paper's level now (grey paper's too, not a white
    frame drawn on it); the print under it and dark-blue print stay as they were."""
    for paper in (250, 205):
        page = np.full((400, 600, 3), paper, dtype=np.uint8)
        page[100:110, 50:550] = 0  # a line of black print
        page[300:310, 50:550] = (20, 30, 110)  # one of dark-blue print
        page[80:200, 100:400] = (30, 60, 160)  # a dark-blue stamp's ink over paper...
        page[100:110, 100:400] = 0  # ...and over the print
        light = images.vivid_light(Image.fromarray(page))
        assert light is not None
        pixels = np.asarray(light)
        assert pixels[150, 200] == paper and pixels[20, 20] == paper
        assert pixels[105, 200] == 0 and pixels[305, 200] == 110


def test_images_a_pdf_page_of_saturated_colour_is_rendered_in_colour(tmp_path: Path) -> None:
    """A PDF's pages were rendered in grey: a red stamp over its print was as dark as the
    print, and the pass that reads such a page with its colour made light (as a PNG's
    page is) was never made. A page of such colour is rendered in colour now; one
    without (grey, or dark-blue print) is grey, as pdfium's grey rendering made it."""
    page = np.full((400, 600, 3), 250, dtype=np.uint8)
    page[100:110, 50:550] = 0  # a line of black print
    page[300:310, 50:550] = (20, 30, 110)  # one of dark-blue print
    stamped = page.copy()
    stamped[80:200, 100:400] = (212, 68, 74)  # a red stamp's ink over paper...
    stamped[100:110, 100:400] = 0  # ...and over the print
    for name, pixels in (("plain", page), ("stamped", stamped)):
        Image.fromarray(pixels).save(tmp_path / f"{name}.pdf", resolution=150.0)
        Image.fromarray(pixels).save(tmp_path / f"{name}.png", dpi=(150, 150))
    (read,) = images.open_pages(tmp_path / "stamped.pdf", dpi=150)
    assert isinstance(read, images.PageImage) and read.image.mode == "RGB"
    light = images.vivid_light(read.image)
    assert light is not None
    assert np.asarray(light)[150, 200] >= 200 and np.asarray(light)[105, 200] < 20
    (plain,) = images.open_pages(tmp_path / "plain.pdf", dpi=150)
    assert isinstance(plain, images.PageImage) and plain.image.mode == "L"
    assert images.vivid_light(plain.image) is None
    # grey as the PNG's page is made grey, within JPEG's loss (PIL saves a PDF's image so)
    (png,) = images.open_pages(tmp_path / "plain.png")
    assert isinstance(png, images.PageImage)
    assert np.abs(np.asarray(plain.image, dtype=int)
                  - np.asarray(images.to_grayscale(png.image), dtype=int)).mean() < 3
