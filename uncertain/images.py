"""Image and PDF inputs for OCR: opening, page rendering, size limits and preprocessing.

This module owns turning a file into page images that tesseract can read:

- PNG, JPEG, TIFF (every frame of a multi-page TIFF), GIF (each distinct frame of an
  animated one: its repeated frames are not read again), BMP, WebP, JPEG 2000, the
  PNM family, HEIF and AVIF, each known by its bytes (:func:`uncertain._io.sniff_bytes`;
  formats Pillow decodes with no signature to be known by, or one too weak to tell from
  other data, such as TGA, PCX and ICO, are refused); PDF pages rendered with pypdfium2
  at a chosen DPI, the values of a filled-in form's fields drawn, with the PDF's own text
  layer kept when a page has one;
- the pixel limit, checked from the header (or the PDF page size) *before* any pixel is
  decoded, so a decompression bomb raises :class:`~uncertain.errors.InputTooLargeError`;
- the mapping of Pillow and pdfium errors to the project's exceptions (one boundary);
- a camera's EXIF orientation, applied on opening: pages (and word boxes) are the image
  as viewers show it;
- preprocessing: grayscale on white, turning by a multiple of 90 degrees, rescaling.

Pages are produced lazily, one at a time, so a long PDF never holds every page in memory.
"""

from __future__ import annotations

import logging
import math
import os
import re
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from uncertain._io import check_input, sniff
from uncertain._quiet import quiet
from uncertain.errors import (
    CorruptInputError,
    EncryptedInputError,
    InputTooLargeError,
    UnsupportedFormatError,
)

log = logging.getLogger("uncertain")

DEFAULT_MAX_PIXELS = 100_000_000
"""Largest page accepted, in pixels (width x height): 100 megapixels."""

DEFAULT_PDF_DPI = 300.0
MIN_PDF_DPI = 10.0
"""Lowest resolution PDF pages are rendered at: below it no print is legible (at 0.5 dpi
a page is a few pixels across)."""
#: the resolutions an image's DPI tag is believed within: tesseract's own range for one
#: it reads from a file ("Invalid resolution 5000 dpi. Using 70"); told one outside it
#: (--dpi 5000), it took 11-pixel print for specks and dropped 18 words of 24
MIN_IMAGE_DPI = 70.0
MAX_IMAGE_DPI = 2400.0
_EXIF_ORIENTATION = 0x0112
_PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_PDFIUM_FILE_ERROR = 2  # FPDF_ERR_FILE
#: held by every call into pdfium, which may not be called by two threads at once, not
#: even for two documents (pypdfium2's "Incompatibility with Threading": it may crash or
#: corrupt the process); its last error, which tells a password-protected PDF from a
#: damaged one, is the process's: a service reading PDFs on several threads had
#: encrypted ones refused as damaged. A page is rendered under it, not read by tesseract.
_PDFIUM = threading.RLock()


@dataclass
class PageImage:
    """One page ready for recognition: its pixels, DPI and any text the file carried."""

    number: int  # 1-based
    image: Image.Image
    dpi: float | None = None
    text_layer: str | None = None
    pages: int | None = None  # how many the file holds
    note: str | None = None  # something the page's reader should know (a tag ignored)
    #: how many times taller than wide its pixels are, by its resolution tag (a fax at
    #: standard resolution, 204 x 98 dpi: 2.08); 1.0 for square ones
    aspect: float = 1.0


@dataclass
class PageError:
    """A page of a many-page file that cannot be read (damaged, or the file cut short
    before it), where the pages before it could: they are read, and this is said."""

    number: int  # 1-based
    message: str  # what is wrong, naming the page ("page 3 of 3 does not decode: ...")
    pages: int | None = None
    #: over ``max_pixels`` (even at the lowest resolution): a higher limit reads it
    too_large: bool = False


def _inches(points: float) -> str:
    """A page side of ``points`` (1/72 in) in inches, to a tenth: A4 is 8.3 x 11.7 in
    (whole inches made it "8 x 12 in", which no paper is)."""
    return f"{round(points / 72, 1):g}"


def _pixels(points: float, dpi: float) -> int:
    """How many pixels ``points`` (1/72 inch) make at ``dpi``: rounded up to a whole pixel,
    computed exactly (``points * (dpi / 72)`` in floats made a 6-inch page 1801 pixels
    wide at 300 dpi, and a 200-inch one 60,001)."""
    return math.ceil(Fraction(points) * Fraction(dpi) / 72)


def _render_scale(width_pt: float, height_pt: float, dpi: float) -> float:
    """The scale pdfium renders a page of ``width_pt`` x ``height_pt`` at ``dpi`` with:
    ``dpi / 72``, lowered by the last bits of a float when pdfium, which rounds the
    page's size times it up to whole pixels, would make the page a pixel larger."""
    scale = dpi / 72.0
    width, height = _pixels(width_pt, dpi), _pixels(height_pt, dpi)
    while math.ceil(width_pt * scale) > width or math.ceil(height_pt * scale) > height:
        scale = math.nextafter(scale, 0.0)
    return scale


def _fitting_dpi(width_pt: float, height_pt: float, max_pixels: int) -> int:
    """The highest whole DPI at which a page of ``width_pt`` x ``height_pt`` points makes
    at most ``max_pixels`` pixels (at least 1)."""
    fits = math.floor(72 * (max_pixels / max(width_pt * height_pt, 1e-9)) ** 0.5) + 1
    while fits > 1 and _pixels(width_pt, fits) * _pixels(height_pt, fits) > max_pixels:
        fits -= 1  # page sizes are rounded up to whole pixels
    return fits


def _too_large(path: Path, width: int, height: int, max_pixels: int, what: str,
               size_pt: tuple[float, float] | None = None) -> None:
    if width * height > max_pixels:
        remedy = "raise max_pixels to accept it"
        if size_pt is not None:  # a PDF page: not even the lowest resolution fits
            remedy = f"even at {MIN_PDF_DPI:g} dpi: raise max_pixels to read it"
        raise InputTooLargeError(
            path, f"{what} is {width}x{height} = {width * height} pixels, over the limit "
                  f"of {max_pixels} ({remedy})")


def _image_dpi(img: Image.Image) -> tuple[float | None, str | None]:
    """The image's resolution from its tag, and a note when the tag is not believed:
    None for no tag (Pillow's 1 for a TIFF without one), or one outside ``MIN_IMAGE_DPI``
    to ``MAX_IMAGE_DPI`` (a writer's placeholder or mistake: 2 dpi, 5000 dpi)."""
    dpi = img.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and dpi[0]:
        try:
            value = float(dpi[0])
        except (TypeError, ValueError):
            return None, None
        if not math.isfinite(value) or value <= 1:
            return None, None
        value = round(value, 1)  # PNG stores dots per metre: 72 dpi is 72.009
        if not MIN_IMAGE_DPI <= value <= MAX_IMAGE_DPI:
            return None, (f"the image's resolution tag says {value:g} dpi, outside the "
                          f"{MIN_IMAGE_DPI:g}-{MAX_IMAGE_DPI:g} a scan or photo has: read "
                          "as an image without one")
        return value, None
    return None, None


#: how much more one resolution of an image's tag must be than the other for its pixels
#: to be read as oblong: a fax at standard resolution is 204 x 98 dpi (2.08), at fine
#: 204 x 196 (1.04, which tesseract reads as it is)
_OBLONG = 1.25


def _tag_dpis(img: Image.Image) -> tuple[float, float] | None:
    """The image's horizontal and vertical resolutions from its tag, when both are
    believed (within ``MIN_IMAGE_DPI`` to ``MAX_IMAGE_DPI``); else None."""
    dpi = img.info.get("dpi")
    if not (isinstance(dpi, tuple) and len(dpi) == 2):
        return None
    try:
        x, y = (round(float(v), 1) for v in dpi)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) and MIN_IMAGE_DPI <= v <= MAX_IMAGE_DPI for v in (x, y)):
        return None
    return x, y


def _aspect(img: Image.Image) -> float:
    """How many times taller than wide the image's pixels are, by its resolution tag (its
    horizontal resolution over its vertical one): 1.0 unless they differ by ``_OBLONG``
    or more."""
    dpis = _tag_dpis(img)
    if dpis is None:
        return 1.0
    ratio = dpis[0] / dpis[1]
    return ratio if max(ratio, 1.0 / ratio) >= _OBLONG else 1.0


def _square_dpi(img: Image.Image) -> float | None:
    """The resolution of an image with oblong pixels once they are made square (its
    higher one: the other axis is stretched to it)."""
    dpis = _tag_dpis(img)
    return max(dpis) if dpis else None


def square_pixels(image: Image.Image, aspect: float,
                  max_pixels: int) -> tuple[Image.Image, float, float]:
    """``image``, whose pixels are ``aspect`` times taller than wide, with square pixels,
    and the factors its width and height were scaled by: its shorter pixels' axis
    stretched (bicubic), or, where that would make it over ``max_pixels``, its longer
    pixels' axis shrunk. Tesseract reads print squashed to half its height (a fax at
    standard resolution) as other letters: "Lisinepril", "meuth"."""
    if aspect == 1.0:
        return image, 1.0, 1.0
    sx, sy = (1.0, aspect) if aspect > 1.0 else (1.0 / aspect, 1.0)
    if image.width * sx * image.height * sy > max_pixels:
        sx, sy = sx / max(sx, sy), sy / max(sx, sy)
    size = (max(1, round(image.width * sx)), max(1, round(image.height * sy)))
    return (image.resize(size, Image.Resampling.BICUBIC), size[0] / image.width,
            size[1] / image.height)


#: what Pillow's decoders raise on a damaged file, besides OSError: a truncated
#: multi-page TIFF "Missing dimensions" (TypeError), a GIF cut in its last frame an
#: IndexError, an MPO cut short a struct.error, a damaged AVIF a RuntimeError
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError,
                  RuntimeError, struct.error)


def _open_image(path: Path, *, max_pixels: int) -> Iterator[PageImage | PageError]:
    try:
        # the size is checked against max_pixels below, before decoding; a damaged
        # file's warnings ("Corrupt EXIF data") are Pillow's, not the user's to read
        with quiet(Image.DecompressionBombWarning, UserWarning):
            img = Image.open(path)
    except Image.DecompressionBombError as exc:
        # Pillow's own limit (twice its 89 megapixels) is met first: said as ours is
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1))} pixels" if found else "too many pixels to decode"
        raise InputTooLargeError(path, f"the image is {size}, over the limit of {max_pixels} "
                                       "(raise max_pixels to accept it)") from exc
    except UnidentifiedImageError as exc:
        raise CorruptInputError(path, "not a readable image (damaged or mislabelled)") from exc
    except _DECODE_ERRORS as exc:
        raise CorruptInputError(path, f"cannot read the image: {exc}") from exc
    with img:
        cut: str | None = None  # why frames after the ones counted cannot be found
        try:
            with quiet(UserWarning):
                # an MPO (a phone's JPEG) holds previews, depth or gain maps after its
                # picture, not pages; a TIFF's, a GIF's or an APNG's frames are pages
                if img.format == "MPO":
                    frames = 1
                else:
                    frames, cut = _frames(img)
                indices = _tiff_pages(img, frames) if img.format == "TIFF" else range(frames)
        except _DECODE_ERRORS as exc:
            raise CorruptInputError(path, f"cannot read the image: {exc}") from exc
        if not indices:
            raise CorruptInputError(path, f"cannot read the image: {cut}")
        repeated = ""
        if img.format != "TIFF" and len(indices) > 1:  # (a TIFF's pages are pages)
            indices, repeated = _distinct_frames(img, list(indices), max_pixels)
        frames = len(indices)
        for number, index in enumerate(indices, start=1):
            what = (f"page {number}" if cut else f"page {number} of {frames}" if frames > 1
                    else "the image")
            try:
                with quiet(UserWarning):
                    img.seek(index)
                    _too_large(path, img.width, img.height, max_pixels, what)
                    img.load()
                    pixels = _upright(img)
                    dpi, note = _image_dpi(img)
                    aspect = _aspect(img)
                    if aspect != 1.0:
                        if pixels.size != img.size:  # (EXIF turned it a quarter)
                            aspect = 1.0 / aspect
                        dpi = _square_dpi(img)
            except Image.DecompressionBombError as exc:
                raise InputTooLargeError(path, f"{what} is too large: {exc}") from exc
            except _DECODE_ERRORS as exc:
                if number == 1 and frames == 1 and not cut:
                    raise CorruptInputError(path, f"{what} does not decode: {exc}") from exc
                # the pages before it are read; a frame depends on the one before it (a
                # GIF's), or the file ends in it: what follows is not tried
                rest = frames - number
                if cut:
                    said = ("the file is cut short or damaged there; it and any pages after "
                            "it are not read")
                else:
                    said = "it is not read" + (
                        f", nor the {rest} page{'s' if rest > 1 else ''} after it" if rest
                        else "")
                yield PageError(number, f"{what} does not decode ({exc}): {said}",
                                None if cut else frames)
                return
            if number == 1 and repeated:
                note = f"{note}; {repeated}" if note else repeated
            yield PageImage(number=number, image=pixels, dpi=dpi,
                            pages=None if cut else frames, note=note, aspect=aspect)
        if cut:
            yield PageError(frames + 1, f"the file is cut short or damaged after page "
                                        f"{frames} ({cut}): any pages after it cannot be read")


def _frames(img: Image.Image) -> tuple[int, str | None]:
    """How many frames ``img`` has, and None; or, when the file is cut short or damaged
    part of the way through (Pillow cannot count them: "Missing dimensions"), how many
    can be found before the damage, and what is wrong."""
    try:
        return getattr(img, "n_frames", 1), None
    except _DECODE_ERRORS as exc:
        count = 0
        while True:
            try:
                img.seek(count)
            except EOFError:
                return count, None
            except _DECODE_ERRORS:
                if count:
                    img.seek(0)
                return count, str(exc)
            count += 1


def _distinct_frames(img: Image.Image, indices: list[int],
                     max_pixels: int) -> tuple[list[int], str]:
    """Of an animation's frames (a GIF's, an APNG's, a WebP's), those that are not a
    picture shown before, and a note saying how many were left out (or ""). An animated
    GIF repeats its frames (a loop of two pictures, twelve frames): each was read as a
    page, the same words read six times over. Frames are compared as shown (composited on
    the ones before, as RGBA); one too large or that does not decode, and those after
    it, are kept as they are, for the pages' reading to say what is wrong with them."""
    import hashlib

    seen: set[bytes] = set()
    kept: list[int] = []
    for k, index in enumerate(indices):
        try:
            with quiet(UserWarning):
                img.seek(index)
                if img.width * img.height > max_pixels:
                    raise ValueError("over max_pixels")  # (said by the page's reading)
                shown = hashlib.blake2b(img.convert("RGBA").tobytes(),
                                        digest_size=16).digest()
        except _DECODE_ERRORS:
            kept += indices[k:]
            break
        if shown not in seen:
            seen.add(shown)
            kept.append(index)
    try:
        img.seek(0)
    except _DECODE_ERRORS:  # (the page's reading says it)
        pass
    left = len(indices) - len(kept)
    if not left:
        return indices, ""
    return kept, (f"{left} of the {len(indices)} frames of this {img.format} repeat a "
                  "picture shown before them (an animation): each of its "
                  f"{len(kept)} pictures is read once, as a page")


#: TIFF's NewSubfileType tag, and its bit for a reduced-resolution copy of another page
_NEW_SUBFILE_TYPE = 254
_REDUCED_RESOLUTION = 1


def _tiff_pages(img: Image.Image, frames: int) -> list[int]:
    """The frames of a TIFF that are pages: not the reduced-resolution copies (a scanner's
    thumbnail or preview) its NewSubfileType marks, unless every frame is one. Reads
    only the frames' directories, and leaves the image at its first frame."""
    pages = []
    for index in range(frames):
        img.seek(index)
        kind = getattr(img, "tag_v2", {}).get(_NEW_SUBFILE_TYPE, 0)
        if not (isinstance(kind, int) and kind & _REDUCED_RESOLUTION):
            pages.append(index)
    img.seek(0)
    return pages or list(range(frames))


def _upright(frame: Image.Image) -> Image.Image:
    """A copy of ``frame`` as viewers show it: a camera's EXIF orientation applied, so a
    phone photo taken sideways is read, and boxed, the right way up."""
    orientation = frame.getexif().get(_EXIF_ORIENTATION, 1)
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        upright = ImageOps.exif_transpose(frame)
        if upright is not None:
            log.debug("applied EXIF orientation %d", orientation)
            return upright
    return frame.copy()


def _open_pdf(path: Path, *, dpi: float,
              max_pixels: int) -> Iterator[PageImage | PageError]:
    import pypdfium2 as pdfium

    with _PDFIUM:
        _mark_pdfium_error()
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code == _PDFIUM_PASSWORD_ERROR:
                raise EncryptedInputError(path, "the PDF is password-protected") from exc
            if code in (0, _PDFIUM_FILE_ERROR):  # the mark: this file's load set no error
                raise CorruptInputError(path, "not a readable PDF: pdfium refused it without "
                                              "a reason (as it refuses a PDF with no pages)"
                                        ) from exc
            raise CorruptInputError(path, f"not a readable PDF: {exc}") from exc
    try:
        # before any page is loaded, or pdfium draws no form field: the values typed into
        # a filled-in form (a prescription, an intake form) are in no page's content
        # (quiet's lock is taken before pdfium's, as everywhere: an abandoned page
        # generator, closed by another thread's garbage collection, takes pdfium's)
        with quiet(), _PDFIUM:  # an XFA form pdfium cannot load warns: AcroForm only
            pdf.init_forms()
            count = len(pdf)
        if count == 0:
            raise CorruptInputError(path, "the PDF has no pages")
        for index in range(count):
            with _PDFIUM:  # (not held while the page is read: the caller's OCR runs then)
                page = _pdf_page(pdf, path, index, count, dpi=dpi, max_pixels=max_pixels)
            yield page
    finally:
        with _PDFIUM:
            pdf.close()


def _pdf_page(pdf: Any, path: Path, index: int, count: int, *, dpi: float,
              max_pixels: int) -> PageImage | PageError:
    """Page ``index`` of the open ``pdf`` (of ``count`` pages), rendered at ``dpi`` (or at
    the resolution that fits ``max_pixels``), with its text layer; call under ``_PDFIUM``.
    What it opened of pdfium's is closed here, not when a thread's garbage is collected."""
    import pypdfium2 as pdfium

    opened: list[Any] = []
    try:
        page = pdf[index]
        opened.append(page)
        width_pt, height_pt = page.get_size()
        width, height = _pixels(width_pt, dpi), _pixels(height_pt, dpi)
        page_dpi, note = dpi, None
        if width * height > max_pixels:
            fits = _fitting_dpi(width_pt, height_pt, max_pixels)
            if fits >= MIN_PDF_DPI:
                # a poster or a plan among letter pages: read at the resolution that
                # fits, not refused with the file's other pages
                page_dpi = float(fits)
                note = (f"{_inches(width_pt)} x {_inches(height_pt)} in: read at "
                        f"{fits} dpi, as {dpi:g} dpi would make {width}x{height} "
                        f"pixels, over the limit of {max_pixels} (raise max_pixels "
                        f"to read it at {dpi:g})")
            elif count > 1:
                return PageError(index + 1, f"page {index + 1} of {count} is "
                                            f"{_inches(width_pt)} x {_inches(height_pt)} in, "
                                            f"over {max_pixels} pixels even at "
                                            f"{MIN_PDF_DPI:g} dpi: it is not read (raise "
                                            "max_pixels to read it)", count, too_large=True)
            else:
                _too_large(path, width, height, max_pixels,
                           f"page {index + 1} at {dpi:g} dpi", (width_pt, height_pt))
        textpage = page.get_textpage()
        opened.append(textpage)
        # what the page shows: text outside its crop box (a trimmed margin, the half of a
        # sheet cut off) is no text of the page
        # (pdfium ends its lines with "\r\n": a document's lines end in "\n")
        text = _lines(textpage.get_text_bounded(*page.get_cropbox())) or None
        scale = _render_scale(width_pt, height_pt, page_dpi)
        # in colour, as an image file's page is read: a stamp or a highlighter over the
        # print is read with its colour made light (vivid_light); a page without such
        # colour is kept grey, as pdfium's grey rendering made it (alike to the level on
        # grey pages, within 2 of 255 on coloured print; rendering in colour took no
        # longer: 22 ms a letter page at 300 dpi)
        bitmap = page.render(scale=scale, rev_byteorder=True)
        opened.append(bitmap)
        image = bitmap.to_pil()  # (its pixels are a Python buffer, kept by the image)
        if not _vivid(image):
            image = image.convert("L")
    except pdfium.PdfiumError as exc:
        if count == 1:
            raise CorruptInputError(path, f"page 1 does not render: {exc}") from exc
        # the other pages are read (a PDF's pages are independent of each other)
        return PageError(index + 1, f"page {index + 1} of {count} does not render "
                                    f"({exc}): it is not read", count)
    finally:
        for held in reversed(opened):
            held.close()
    return PageImage(number=index + 1, image=image, dpi=page_dpi, text_layer=text,
                     pages=count, note=note)


#: pdfium's mark of a word hyphenated at a line's end, between the word's two halves
_BROKEN_WORD = re.compile(r"(?<=\w)[\x02\ufffe](?:\r?\n)?(?=\w)")


def _lines(text: str) -> str:
    """``text`` with its lines ended by "\n" alone, without blank lines at either end.

    pdfium gives a word hyphenated at a line's end as one word, with a marker in place of
    the hyphen and no line break ("metfor\x02min"; U+FFFE from its text range): the
    hyphen and the break are put back, as the page prints them.
    """
    text = _BROKEN_WORD.sub("-\n", text)
    return "\n".join(text.splitlines()).strip()


def _mark_pdfium_error() -> None:
    """Set pdfium's last error to "file access" (a load of no file): a load that fails
    without setting one of its own (a PDF with no pages) leaves the last error of an
    earlier file, which said "password-protected" for the file after an encrypted one.
    The file being loaded has been read already, so a real access error cannot be its."""
    import pypdfium2.raw as pdfium_c

    pdfium_c.FPDF_LoadDocument(b"", None)


def check_dpi(dpi: float) -> float:
    """``dpi`` as a float, or ``ValueError`` unless it is a number from ``MIN_PDF_DPI``
    on (0, a negative, NaN or infinity made pdfium fail on the page, or crop it)."""
    value = float(dpi)
    if not (math.isfinite(value) and value >= MIN_PDF_DPI):
        raise ValueError(f"dpi={dpi!r}: PDF pages are rendered at {MIN_PDF_DPI:g} dpi or "
                         "more (300 by default)")
    return value


def open_pages(path: str | os.PathLike[str], *, dpi: float = DEFAULT_PDF_DPI,
               max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[PageImage | PageError]:
    """Yield the pages of an image or PDF file, one at a time.

    ``dpi`` applies to PDFs (image files keep their own pixels). Raises the project's
    input errors: missing/empty file, unsupported format, corrupt or encrypted input,
    a page over ``max_pixels`` (checked before decoding). A page of a many-page file
    that cannot be read is a :class:`PageError` in its place: a PDF's other pages
    follow it; in a multi-page TIFF or GIF cut short or damaged, the pages before it
    are read and nothing after it is tried.
    """
    dpi = check_dpi(dpi)
    p = check_input(path)
    kind = sniff(p)
    if kind.kind == "pdf":
        yield from _open_pdf(p, dpi=dpi, max_pixels=max_pixels)
    elif kind.kind == "image":
        if kind.format == "heif":
            _register_heif(p)
        yield from _open_image(p, max_pixels=max_pixels)
    else:
        hint = " (use the audio stage)" if kind.kind == "audio" else ""
        raise UnsupportedFormatError(
            p, f"content is {kind.format}, not an image or PDF{hint}")


def _register_heif(path: Path) -> None:
    """Teach Pillow HEIF/HEIC (what phones save photos as), through pillow-heif."""
    try:
        import pillow_heif
    except ImportError as exc:
        raise UnsupportedFormatError(
            path, "a HEIF/HEIC image (a phone photo) needs pillow-heif: "
                  "pip install -e '.[heif]' in this project's checkout") from exc
    pillow_heif.register_heif_opener()


def to_grayscale(image: Image.Image) -> Image.Image:
    """The page as 8-bit grayscale, transparent areas on white, or on black when what is
    opaque is light and the lesser part, as print is (white print on a transparent
    background, a dark-mode label or logo: on white it vanishes; a white page on a
    transparent canvas stays on white)."""
    if image.mode == "L":
        return image
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        return _deep_to_gray(image)
    if "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        opaque = alpha >= 128
        shade = 255
        if opaque.any() and opaque.mean() < 0.5:
            light = np.asarray(rgba.convert("RGB").convert("L"))[opaque].mean()
            shade = 0 if light > 128 else 255
        background = Image.new("RGBA", rgba.size, (shade, shade, shade, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    return image.convert("L")


#: a pixel of saturated colour, as a stamp's or a highlighter's ink is: its channels this
#: many grey levels apart (chroma) or more, its brightest channel this light or more.
#: Black print has none; dark-blue print (20, 30, 110), as dark as it is coloured, is
#: kept dark by the second; a red stamp over paper (212, 68, 74) and a blue one (72,
#: 110, 208) are both
_VIVID_CHROMA = 80
_VIVID_VALUE = 160
#: the share of a page's pixels of saturated colour from which it is read again with
#: that colour made light (:func:`vivid_light`): a stamp over a page's text covers 1-3%
#: of it, a highlighter's strokes 5-9%; a page of dark-blue print 0-0.2%
_VIVID_SHARE = 0.004


def vivid_light(image: Image.Image) -> Image.Image | None:
    """A colour page with its saturated colours made light, as 8-bit grayscale (each
    pixel its brightest channel: black stays black, dark-blue print dark grey, a red or
    blue stamp and a yellow highlighter's ink light grey to white, the print under them
    black; a stamp's ink then the paper's level, see below), or None for a page with
    little such colour (under :data:`_VIVID_SHARE` of its pixels) or none at all
    (grayscale, or with transparency, which :func:`to_grayscale` lays on its own
    background). Made grey by brightness, a red
    stamp over black text is as dark as the print it covers: tesseract read the words
    under it as junk, or not at all (mean word error 0.42 under a red stamp over a dev
    set's pages, 0.07 read this way: ``benchmarks/ocr_stamps.py``)."""
    if image.mode not in ("RGB", "CMYK", "YCbCr", "LAB", "HSV", "P") or (
            image.mode == "P" and ("transparency" in image.info
                                   or image.palette is None
                                   or image.palette.mode != "RGB")):
        return None
    rgb = image.convert("RGB")
    if not _vivid(rgb):
        return None
    pixels = np.asarray(rgb)
    top = pixels.max(axis=2)
    vivid = (top - pixels.min(axis=2) >= _VIVID_CHROMA) & (top >= _VIVID_VALUE)
    # the ink's brightest channel is under the paper's (a blue stamp's, 0.8 of it): made
    # its brightest channel alone, the stamp over paper stayed grey (170-210), which
    # tesseract read (its word and date as the page's, the lines under it lost: word
    # error 0.40 -> 0.66). Its pixels are scaled by paper / ink (the paper most of the
    # page, the ink over paper most of its colour), which undoes the ink's darkening: the
    # stamp is paper; the print under it, dark, is not saturated and stays dark; a
    # highlighter's ink, as light as the paper, is left as it is (lifting every such
    # pixel to the paper's level thinned faint print under it: 0.32 -> 0.70 on a page)
    sample = (slice(None, None, 4), slice(None, None, 4))
    paper = float(np.median(top[sample][~vivid[sample]])) if (~vivid[sample]).any() else 255.0
    ink = float(np.median(top[sample][vivid[sample]])) if vivid[sample].any() else 255.0
    light = top.copy()
    if paper > ink:
        light[vivid] = np.minimum(top[vivid] * (paper / ink), 255).astype(np.uint8)
    return Image.fromarray(light, mode="L")


def _vivid(rgb: Image.Image) -> bool:
    """Whether :data:`_VIVID_SHARE` or more of an RGB page's pixels are of saturated
    colour (see :func:`vivid_light`)."""
    small = rgb
    factor = 512 / max(rgb.size)
    if factor < 1:  # (the share is measured on a small copy: a page's arrays are large)
        small = rgb.resize((max(1, round(rgb.width * factor)),
                            max(1, round(rgb.height * factor))), Image.Resampling.NEAREST)
    pixels = np.asarray(small, dtype=np.int16)
    top, bottom = pixels.max(axis=2), pixels.min(axis=2)
    vivid = (top - bottom >= _VIVID_CHROMA) & (top >= _VIVID_VALUE)
    return bool(vivid.size) and bool(vivid.mean() >= _VIVID_SHARE)


def _deep_to_gray(image: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit or float grayscale page as 8-bit: scaled from its full scale
    (65,535 for 16 bits; 255 or 1.0 for values that stay within them), or from its own
    brightest value when that is under an eighth of it (12 bits stored in 16). Pillow's
    own conversion clips every value over 255 to white: a 16-bit scan became a blank page.
    A 32-bit or float page whose values span more than 16 bits is scaled by its 0.1st to
    99.9th percentiles, the rest clipped. A page whose values then fill under half of 8
    bits (``_STRETCH_UNDER``) is stretched to all of them.
    """
    values = np.asarray(image, dtype=np.float64)
    values = np.where(np.isfinite(values), values, 0.0)
    bottom = float(values.min()) if values.size else 0.0
    top = float(values.max()) if values.size else 0.0
    if top - bottom > 65535 and image.mode in ("F", "I"):
        # values beyond any full scale (a hot pixel of 1e30 in a float page) are outliers:
        # the scale is the page's bulk's, not theirs (one such pixel made a page black)
        bottom, top = (float(v) for v in np.percentile(values, [0.1, 99.9]))
    low = min(0.0, bottom)
    high = top - low
    if image.mode.startswith("I;16") or high > 255:
        scale = 65535.0 if high <= 65535 else high
    else:
        scale = 1.0 if image.mode == "F" and high <= 1.0 else 255.0
    if 0 < high < scale / 8:
        scale = high
    levels = (values - low) * (255.0 / scale)
    if levels.size:
        # a dim or faint page whose values lie in a narrow band of the scale (a 16-bit
        # scan of grey print on grey paper: 1,000 of 65,535 values) is stretched to
        # the whole of 8 bits: the band alone made 4 grey levels, and tesseract lost
        # its print to them where its own conversion (the top 8 bits, thresholded)
        # kept it. The band is the page's 0.01st to 99.99th percentiles (a hot pixel
        # does not set it); a page using half the scale or more keeps its levels
        dark, light = (float(v) for v in np.percentile(levels, [0.01, 99.99]))
        if 0 < light - dark < _STRETCH_UNDER:
            levels = (levels - dark) * (255.0 / (light - dark))
    gray = np.clip(levels, 0, 255).round().astype(np.uint8)
    return Image.fromarray(gray, mode="L")


#: the grey levels (of 255) under which a deep page's band of values is stretched to
#: the whole of 8 bits (:func:`_deep_to_gray`)
_STRETCH_UNDER = 128.0


def bilevel(image: Image.Image) -> bool:
    """Whether a page is black and white (a fax, a scan its scanner thresholded): 99% of
    its pixels or more within 10 grey levels of black or of white."""
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    if not gray.size:
        return False
    return bool(np.count_nonzero((gray <= 10) | (gray >= 245)) >= 0.99 * gray.size)


#: the percentile of a part of the page taken as its paper's brightness (light_spread):
#: the top 20 of a part's 4,096 pixels on the measuring copy, so that a few specks of
#: glare or dust do not set it
_LIGHTEST = 99.5
#: grey levels between a part's lightest and darkest (its 0.5th percentile) from which
#: something is printed on it: a part of plain paper, or of a dark fill, has no ink to
#: read lighter or darker, whatever its light
_MARKED = 40.0


def light_spread(image: Image.Image, *, blocks: int = 8) -> float:
    """How unevenly a page is lit: the range, in grey levels (0-255), of the paper's
    brightness across the page, from its lightest part to the darkest of those with
    something printed on them (each of ``blocks`` x ``blocks`` parts' paper: its
    lightest, the 99.5th percentile). An evenly lit page: 0-2; a page half in shadow:
    150 or more. A header band of white letters on a dark fill (a hospital's
    letterhead) is lit paper where its letters are, as light as the page's, and a fill
    where they are not, with nothing to read: the 90th percentile of every part took
    the fill for paper in shadow (215 grey levels), and the page was read a second time
    with its light evened, for the same words. Over the nine dev sets' 270 pages the
    spread moved by 0-41 grey levels (72 -> 31 at most), none crossing the shadow's
    threshold (80) either way; a page half in shadow measures as before (167)."""
    small = image if image.mode == "L" else image.convert("L")
    factor = 512 / max(small.size)
    if factor < 1:  # a page's light is its large areas: measured on a small copy
        small = small.resize((max(1, round(small.width * factor)),
                              max(1, round(small.height * factor))), Image.Resampling.BOX)
    gray = np.asarray(small, dtype=np.float32)
    h, w = gray.shape
    bh, bw = h // blocks, w // blocks
    if bh < 2 or bw < 2:
        return 0.0
    parts = gray[:bh * blocks, :bw * blocks].reshape(blocks, bh, blocks, bw).swapaxes(1, 2)
    dark, paper = np.percentile(parts.reshape(blocks * blocks, -1), [100 - _LIGHTEST,
                                                                      _LIGHTEST], axis=1)
    marked = paper - dark >= _MARKED
    if not marked.any():  # (a blank page: nothing to read, however lit)
        return 0.0
    return float(paper.max() - paper[marked].min())


def even_light(image: Image.Image, window: float) -> Image.Image:
    """``image`` (greyscale) with its paper made evenly white: each pixel divided by the
    paper's brightness around it, the lightest of the parts ``window`` pixels wide about
    it (wider than the print's lines, so the print is no paper). A page half in
    shadow then has one paper and one ink, which a threshold separates; evenly lit paper
    stays as it was."""
    gray = image if image.mode == "L" else image.convert("L")
    factor = min(1.0, 5.0 / max(window, 5.0))  # a window of 5 pixels on the small copy
    small = gray.resize((max(1, round(gray.width * factor)), max(1, round(gray.height * factor))),
                        Image.Resampling.BOX)
    # the lightest around (a closing: the print goes, a shadow's edge stays where it is)
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MinFilter(5))
    light = np.array(paper.resize(gray.size, Image.Resampling.BILINEAR), dtype=np.float32)
    np.maximum(light, 1.0, out=light)  # (in place: a page's arrays are tens of MB)
    np.divide(np.asarray(gray, dtype=np.float32), light, out=light)
    light *= 255.0
    np.clip(light, 0, 255, out=light)
    return Image.fromarray(light.astype(np.uint8))


#: widest side of the copy the skew is measured on (pixels): enough for text lines
_SKEW_SIDE = 1000


def skew_angle(image: Image.Image, *, max_angle: float = 20.0) -> float | None:
    """The angle (degrees, counter-clockwise) that makes the page's text lines level, or
    None for a page with no ink: the one whose ink, projected onto the rows, is most
    uneven (lines and the gaps between them), searched in half degrees, then tenths.

    None too when the most uneven angle is at an end of the range searched (``max_angle``
    either way) and the page turned a quarter is more uneven still: its lines run down it.
    A page on its side measured as it lies (read in ``psm=6``, whose lines cannot be seen
    to run down it) measured -20.4, and levelled by it no turn of the page read a word
    right; a page tilted 25 degrees is still levelled by 20."""
    gray = image.convert("L")
    factor = min(1.0, _SKEW_SIDE / max(gray.size))
    if factor < 1.0:
        gray = gray.resize((max(1, round(gray.width * factor)),
                            max(1, round(gray.height * factor))), Image.Resampling.BOX)
    pixels = np.asarray(gray, dtype=np.float32)
    ink = pixels < _otsu(pixels)
    if not ink.any() or ink.mean() > 0.5:
        return None
    mask = Image.fromarray((ink * 255).astype(np.uint8))

    def unevenness(angle: float) -> float:
        turned = np.asarray(mask.rotate(angle, resample=Image.Resampling.NEAREST, expand=True),
                            dtype=np.float32)
        return float(np.var(turned.sum(axis=1)))

    angles = np.arange(-max_angle, max_angle + 0.25, 0.5)
    coarse = max(angles, key=unevenness)
    if abs(coarse) >= max_angle:
        mask = mask.rotate(90, expand=True)
        down = max(unevenness(a) for a in angles)
        mask = mask.rotate(-90, expand=True)
        if down > unevenness(coarse):
            return None
    fine = max(np.arange(coarse - 0.4, coarse + 0.45, 0.1), key=unevenness)
    return round(float(fine), 1)


def _otsu(pixels: np.ndarray) -> float:
    """Otsu's threshold of 8-bit pixel values."""
    if float(pixels.min()) == float(pixels.max()):
        return float(pixels.min())  # one value: nothing darker than it
    counts = np.bincount(pixels.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(counts)
    mass = np.cumsum(counts * levels)
    total, total_mass = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mass * weight - mass * total) ** 2 / (weight * (total - weight))
    return float(np.nanargmax(between)) + 0.5


def deskew(image: Image.Image, angle: float) -> Image.Image:
    """The page turned counter-clockwise by ``angle`` degrees on a white canvas that
    holds all of it."""
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                        fillcolor=255 if image.mode == "L" else None)


def unskew_box(box: tuple[float, float, float, float], angle: float, width: int,
               height: int, straight: tuple[int, int]) -> tuple[float, float, float, float]:
    """Map a box on the page as :func:`deskew` turned it (``straight`` = its size) back
    onto the original page of ``width`` x ``height``: the box around its turned corners."""
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = straight[0] / 2, straight[1] / 2
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(width / 2 + dx * cos - dy * sin)
        ys.append(height / 2 + dx * sin + dy * cos)
    return (max(0.0, min(xs)), max(0.0, min(ys)), min(float(width), max(xs)),
            min(float(height), max(ys)))


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """Turn a page clockwise by a multiple of 90 degrees."""
    quarter = (degrees // 90) % 4
    if quarter == 0:
        return image
    method = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180,
              3: Image.Transpose.ROTATE_90}[quarter]
    return image.transpose(method)


def rescale(image: Image.Image, factor: float) -> Image.Image:
    """The page resized by ``factor`` (bicubic), or the page itself for 1.0."""
    if factor == 1.0:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.BICUBIC)


def unturn_box(box: tuple[float, float, float, float], degrees: int, width: int,
               height: int) -> tuple[float, float, float, float]:
    """Map a box on a page turned clockwise by ``degrees`` back onto the unturned page.

    ``width`` and ``height`` are the size of the unturned page.
    """
    x0, y0, x1, y1 = box
    quarter = (degrees // 90) % 4
    if quarter == 0:
        return box
    if quarter == 2:
        return (width - x1, height - y1, width - x0, height - y0)
    if quarter == 1:  # turned clockwise: (x, y) on the turned page = (height - y, x)
        return (y0, height - x1, y1, height - x0)
    return (width - y1, x0, width - y0, x1)
