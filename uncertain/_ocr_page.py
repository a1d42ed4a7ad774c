"""How the OCR stage reads one page: tesseract's runs and the passes made on each page.

This module owns :class:`Runner` (tesseract on page images for one input, its errors
mapped to the project's at one place) and :func:`read_page`, the passes made on a page:

1. one tesseract run, writing hOCR (with ``-c lstm_choice_mode=2`` when character
   alternatives are wanted): words, boxes, 0-100 word confidences, block/paragraph/line
   structure and per-character choices all come from that single output; on a colour
   page with much saturated colour (a stamp, a highlighter over the print), a second run
   on the page with that colour made light (``images.vivid_light``), kept, and the
   passes after it made on it, when it reads the page better (``_more_and_surer``);
2. only when that pass looks bad or read nothing (mean word confidence under
   ``orientation_threshold``): a pass with adaptive (Sauvola) thresholding, kept when it
   reads half as much confident text again or more (sum of word confidences):
   tesseract's global threshold loses a phone photo under uneven light whole, where a
   local one reads it (``binarize``); on a page whose paper's light is uneven across it
   (a shadow), a pass on the page with its light evened (``images.even_light``) instead,
   kept by the same rule or when it reads more letters more surely;
3. when the page still looks bad or its lines slope by 2 degrees or more (from the
   axis they run along: down the page on one a PDF's ``/Rotate`` turned a quarter): a
   pass on the page levelled by its text's skew (measured across its lines), kept when
   it reads the page better (``_more_and_surer``: more confident text, more
   confidently, or more text in its sure words alone than the pass before read in all
   of its words) (``deskew``);
4. only when the page still looks bad, or its lines run down it (a page on its side,
   which tesseract may read well as it is): tesseract OSD (``--psm 0``), or when OSD
   cannot decide, or decides under ``_OSD_SURE``, a 180-degree pass (the 90- and
   270-degree passes for a page whose lines run down it or that OSD doubtfully said lies
   on its side, every turn in a ``psm`` that reads lines only across: see
   ``_turns_to_try``), keeping the orientation whose words are more confident (of a page
   whose lines run down it, a quarter turn whose lines run across, unless it reads
   worse), so an upside-down or sideways page is turned rather than read as confident
   garbage;
5. only when the text is small (median height of the lines read legibly under
   ``min_line_height`` pixels; a page of specks read as junk measures none): a
   pass on the page scaled up towards ``target_line_height``, kept when it reads the
   page better by the same rule;
6. only when no ``psm`` was asked for and the page reads like a table tesseract read
   column by column (``_cells_by_column``): a pass reading it row by row (``psm`` 4),
   kept unless it reads less.

A page longer than tesseract reads (``MAX_SIDE``, 32,767 pixels a side: a receipt, a
long page rendered at 300 dpi) is read scaled down to it in every pass, its boxes scaled
back, with a note; an upscaled pass is never scaled beyond it.

Passes 2 to 5 only try to read the page better: when tesseract fails on one (an error,
or its timeout), the page keeps the reading before it and a warning says which pass
failed; a missing binary or language pack is an error whichever pass meets it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageFilter

from uncertain import images
from uncertain._hocr import HocrError, HocrPage, HocrWord, parse_hocr
from uncertain.errors import EngineError, EngineNotFoundError, InputTooLargeError

if TYPE_CHECKING:
    from uncertain.ocr import RecognizeOptions, TesseractEngine

__all__ = ["PagePass", "Runner", "read_page"]

log = logging.getLogger("uncertain")

_INSTALL_TESSERACT = (
    "install it with `apt-get install tesseract-ocr` (Debian/Ubuntu) "
    "or `brew install tesseract` (macOS)"
)
#: the longest side, in pixels, tesseract reads ("Image too large" beyond): a page longer
#: than that (a receipt, a long report page at 300 dpi) is read scaled down to it, its
#: boxes scaled back, as an upscaled pass's are
MAX_SIDE = 32767
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENT_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


@dataclass
class PagePass:
    """One tesseract run on one page, turned by ``rotation`` and scaled by ``scale``."""

    page: HocrPage
    rotation: int
    scale: float
    version: str | None
    thresholding: int = 0  # tesseract's thresholding_method: 0 global Otsu, 2 Sauvola
    #: degrees the page was turned counter-clockwise to level its lines (0: not), and
    #: the size of the levelled page the boxes are on
    skew: float = 0.0
    straight: tuple[int, int] | None = None
    #: tesseract OSD's confidence in ``rotation``, when OSD was run on the page (only a
    #: page that reads badly or lies on its side) and said the rotation the page is read
    #: at; else None
    orientation_confidence: float | None = None
    #: of a page read as it lies on its side (its lines run down it, and it reads
    #: better so than turned upright): the clockwise turn that would stand it upright,
    #: 90 or 270; else None (``rotation`` is the page's turn)
    lying: int | None = None
    #: the page segmentation mode the pass was read in where it is not the options' (a
    #: table tesseract read column by column, read again row by row: ``_ROWS_PSM``)
    psm: int | None = None

    @property
    def words(self) -> list[HocrWord]:
        return [w for line in self.page.lines for w in line.words]

    @property
    def mean_conf(self) -> float:
        confs = [w.conf for w in self.words if w.conf is not None and w.conf >= 0]
        return statistics.fmean(confs) if confs else 0.0

    @property
    def content(self) -> float:
        """The confident text read: the sum of word confidences (0-100 each) / 100."""
        return sum(w.conf for w in self.words if w.conf is not None and w.conf > 0) / 100.0

    @property
    def letters(self) -> float:
        """The confident text read, in letters: each word's letters and digits weighed by its
        confidence, / 100. A tilted line read in fragments ("nort" / "ern") makes more
        words, and so more :attr:`content`, but no more letters."""
        return sum(w.conf * sum(c.isalnum() for c in w.text) for w in self.words
                   if w.conf is not None and w.conf > 0) / 100.0

    @property
    def sure_letters(self) -> int:
        """The letters and digits of the words read at ``_SURE`` confidence or more."""
        return sum(sum(c.isalnum() for c in w.text) for w in self.words
                   if w.conf is not None and w.conf >= _SURE)

    @property
    def all_letters(self) -> int:
        """The letters and digits of every word read, however unsure."""
        return sum(sum(c.isalnum() for c in w.text) for w in self.words)

    @property
    def tilt(self) -> float:
        """How far the lines read slope from the page's axis they run along, in degrees
        (tesseract's baselines; the median over lines of words), positive when they fall
        to the right. Lines that run down the page (a page turned a quarter, as a PDF's
        ``/Rotate`` turns one, which tesseract reads as it is) have baselines that slope
        by nearly 90 degrees ("baseline 181.5 -1452"): their tilt is from the vertical."""
        angles = [_from_axis(math.degrees(math.atan(-ln.slope))) for ln in self.page.lines
                  if ln.words and ln.slope is not None]
        return statistics.median(angles) if angles else 0.0

    @property
    def runs_down(self) -> bool:
        """Whether most of the text read runs down the page: the letters of lines whose
        box is taller than wide outnumber the others'."""
        down = across = 0
        for ln in self.page.lines:
            letters = sum(sum(c.isalnum() for c in w.text) for w in ln.words)
            if ln.bbox[3] - ln.bbox[1] > ln.bbox[2] - ln.bbox[0]:
                down += letters
            else:
                across += letters
        return down > across

    @property
    def upright(self) -> int:
        """The clockwise turn (0, 90, 180 or 270 degrees) that stands the page upright:
        ``lying`` where the page was read as it lies on its side, else ``rotation``."""
        return self.rotation if self.lying is None else self.lying

    @property
    def downward(self) -> int:
        """How the lines read run down the page: the letters of lines whose words follow
        each other down it less those of lines whose words go up it; where no line holds
        two words, the sign of how far the lines move leftward, one after the other (the
        lines of a page whose top is to the right follow each other to the left)."""
        down = 0
        tall = [ln for ln in self.page.lines
                if ln.words and ln.bbox[3] - ln.bbox[1] > ln.bbox[2] - ln.bbox[0]]
        for ln in tall:
            first, last = ln.words[0].bbox, ln.words[-1].bbox
            rise = (last[1] + last[3]) - (first[1] + first[3])
            if rise:
                letters = sum(sum(c.isalnum() for c in w.text) for w in ln.words)
                down += letters if rise > 0 else -letters
        if not down and len(tall) > 1:
            shift = (tall[0].bbox[0] + tall[0].bbox[2]) - (tall[-1].bbox[0] + tall[-1].bbox[2])
            down = (shift > 0) - (shift < 0)
        return down

    @property
    def line_height(self) -> float | None:
        return self._median_height(0.0)

    @property
    def legible_line_height(self) -> float | None:
        """The median height of the lines read legibly (their words' mean confidence
        ``_LEGIBLE`` or more), in pixels of the page; None when no line was. Specks read
        as "words" (a noisy scan: 39 "words" at mean confidence 20, "ee", "Bae") make
        lines of their own height, and a page of them measured 15-pixel lines, whose
        upscaled pass (a 38-megapixel page) took tesseract 19 minutes."""
        return self._median_height(_LEGIBLE)

    def _median_height(self, legible: float) -> float | None:
        # the line box, not hOCR's x_size: tesseract rescales small text internally and
        # reports x_size at its own scale
        sizes = [ln.bbox[3] - ln.bbox[1] for ln in self.page.lines if ln.words
                 and statistics.fmean(max(w.conf or 0.0, 0.0) for w in ln.words) >= legible]
        return statistics.median(sizes) / self.scale if sizes else None


class Runner:
    """Runs tesseract on page images for one input, mapping engine errors at one place."""

    def __init__(self, engine: TesseractEngine, path: Path, lang: str,
                 options: RecognizeOptions, workdir: Path) -> None:
        self.engine = engine
        self.path = path
        self.lang = lang
        self.options = options
        self.workdir = workdir

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        import pytesseract

        try:
            return fn(*args, **kwargs)
        except pytesseract.TesseractNotFoundError as exc:
            cmd = self.options.tesseract_cmd or "tesseract"
            raise EngineNotFoundError(
                f"{self.path}: the tesseract binary ({cmd}) was not found; "
                f"{_INSTALL_TESSERACT}") from exc
        except pytesseract.TesseractError as exc:
            message = str(getattr(exc, "message", "") or exc)
            if "(legacy) engine requested" in message:
                raise EngineError(
                    f"{self.path}: tesseract's data for {self.lang} holds no legacy engine, "
                    f"which oem={self.options.oem} asks for: use oem=1 or 3 (LSTM, the "
                    "default), or legacy-capable data (tessdata, not tessdata_fast or "
                    "tessdata_best)") from exc
            if "Failed loading language" in message or "Error opening data file" in message:
                raise EngineNotFoundError(
                    f"{self.path}: tesseract has no language pack for {self._missing()}; "
                    f"install {self._packages()} (e.g. `apt-get install {self._packages()}`)"
                ) from exc
            raise EngineError(f"{self.path}: tesseract failed: {message}") from exc
        except RuntimeError as exc:  # pytesseract's timeout
            if "timeout" in str(exc).lower() and self.options.timeout:
                # the page's own cost under the run's limit: an input's error, final (a
                # resumed batch with the same limit would only time out again)
                raise InputTooLargeError(
                    self.path, f"tesseract did not finish within the "
                    f"{self.options.timeout:g} s timeout (RecognizeOptions.timeout, "
                    "--ocr-timeout)") from exc
            raise EngineError(f"{self.path}: tesseract: {exc}") from exc

    def _missing(self) -> str:
        wanted = [code for code in self.lang.split("+") if code]
        try:
            have = set(self.engine.get_languages())
        except Exception:  # the listing is only a courtesy for the message
            return "+".join(wanted)
        missing = [code for code in wanted if code not in have]
        return "+".join(missing or wanted)

    def _packages(self) -> str:
        return " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}"
                        for code in self._missing().split("+"))

    def _flags(self, dpi: float | None, *, modes: bool = True, psm: int | None = None) -> str:
        """Tesseract's flags for a page read at ``dpi``; with ``modes``, the page
        segmentation (``psm``, else the options') and engine modes asked for too (an OSD
        run has its own: ``--psm 0``, which a later ``--psm`` would override, writing no
        verdict)."""
        opts = self.options
        flags = []
        if dpi:
            # tesseract checks a resolution it reads from a file, not one it is told: an
            # upscaled pass's (dpi x scale: 3491 for a 1200-dpi scan) or a PDF's rendered
            # at 50 dpi is kept within the range it reads print at
            dpi = min(max(dpi, images.MIN_IMAGE_DPI), images.MAX_IMAGE_DPI)
            flags.append(f"--dpi {round(dpi)}")
        psm = opts.psm if psm is None else psm
        if modes and psm is not None:
            flags.append(f"--psm {psm}")
        if modes and opts.oem is not None:
            flags.append(f"--oem {opts.oem}")
        return " ".join(flags)

    def _write(self, image: Image.Image) -> str:
        # uncompressed TIFF: the quickest for Pillow to write and for tesseract to read
        # (PNG costs a compression, PNM/BMP are read more slowly by leptonica)
        target = self.workdir / "page.tif"
        image.save(target, format="TIFF", compression="raw")
        return str(target)

    def recognise(self, image: Image.Image, *, dpi: float | None, rotation: int,
                  scale: float, thresholding: int = 0, psm: int | None = None) -> PagePass:
        opts = self.options
        scale = min(scale, fitting(image))
        page_image = images.rescale(images.turn(image, rotation), scale)
        config = self._flags(dpi * scale if dpi else None, psm=psm)
        if thresholding:
            config += f" -c thresholding_method={thresholding}"
        if opts.char_alternatives:
            config += " -c lstm_choice_mode=2"
        if opts.config:
            config += " " + opts.config
        hocr = self._call(self.engine.image_to_pdf_or_hocr, self._write(page_image),
                          lang=self.lang, config=config.strip(), extension="hocr",
                          timeout=opts.timeout)
        try:
            result = parse_hocr(hocr)
        except HocrError as exc:
            raise EngineError(f"{self.path}: tesseract wrote unreadable hOCR: {exc}") from exc
        page = result.pages[0] if result.pages else HocrPage(
            index=0, bbox=(0, 0, page_image.width, page_image.height))
        return PagePass(page=page, rotation=rotation, scale=scale, version=result.engine_version,
                        thresholding=thresholding, psm=psm)

    def osd(self, image: Image.Image, *, dpi: float | None) -> tuple[int, float] | None:
        """Tesseract's orientation verdict (clockwise degrees, confidence), or None.

        None when OSD cannot decide (too few characters) or ``osd.traineddata`` is
        missing (apt package ``tesseract-ocr-osd``); the caller then compares passes.
        """
        try:
            text = self._call(self.engine.image_to_osd, self._write(image),
                              config=self._flags(dpi, modes=False),
                              timeout=self.options.timeout)
        except (EngineError, InputTooLargeError) as exc:
            log.info("%s: orientation detection gave no verdict (needs tesseract-ocr-osd): %s",
                     self.path, exc)
            return None
        rotate, conf = _ROTATE.search(str(text)), _ORIENT_CONF.search(str(text))
        if rotate is None:
            return None
        return int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0


#: tesseract's thresholding_method for Sauvola's local thresholding (tesseract >= 5.0)
_SAUVOLA = 2
#: the fewest pixels a side Sauvola's window fits in (tesseract: "whsize must be >= 2"
#: under 7): a smaller image is read with the global threshold alone
_SAUVOLA_MIN_SIDE = 7
#: how much more confident text the adaptive pass must read to be kept
_LOCAL_GAIN = 1.5
#: or how much more in letters, with this much more in words: the half of a page in
#: shadow the global threshold cuts its words short on ("medication a", "at the ant",
#: "on Monday an" at confidence 96), where the adaptive pass reads them whole (a page
#: darkened by 110 grey levels on its right: 1.39 times the letters, 1.29 the words)
_LOCAL_LETTER_GAIN = 1.25
_LOCAL_WORD_GAIN = 1.2
#: grey levels of a page's paper brightness across it (images.light_spread) from which
#: its light is uneven enough to try the adaptive pass however well the page reads (a
#: page half in shadow: 156-168; the dev sets' "uneven light" pages: up to 67)
_SHADOWED = 80.0
#: how many of the global pass's line heights wide the parts are whose lightest is taken
#: as the paper's brightness when a page in shadow is evened (images.even_light)
_LIGHT_LINES = 2.5
#: the word confidence from which a word counts as read surely when passes are compared
#: (``_more_and_surer``): over the six dev sets' 180 pages, 98.7% of the 6,300 words
#: tesseract read at 80 or more are right, 73.5% of the 1,034 under it
_SURE = 80.0
#: the mean word confidence from which a line counts as read legibly
#: (``PagePass.legible_line_height``):
#: specks read as words come at 0-40, small print tesseract strains at reads 60-90
_LEGIBLE = 50.0
#: degrees of baseline slope from which a page that reads well is still levelled
_TILTED = 2.0
#: the resolution tesseract is tuned for, and the line height in points (1/72 inch) under
#: which a resolution tag is not believed when it is higher: tesseract takes print that
#: small for specks (11-pixel lines tagged 600 dpi, 1.3 pt, read 11 of 24 words; the
#: smallest print read on paper, 6 pt, makes lines of about 7 pt)
_REFERENCE_DPI = 300.0
_SMALLEST_LINE_PT = 4.0
#: tesseract's orientation confidence under which its verdict is no verdict: its
#: "upright" (an upside-down page of noise and low contrast read as upright at 0.03 and
#: 0.49) is checked against the page turned, and its quarter turn against the other
#: quarter (a blurred page on its side, its top to the left, "turn 270" at 0.47; an
#: upright blurred page "turn 90" at 0.49; right verdicts on the sample scans, turned
#: each way, came at 1.9 to 14, and at 0.23 to 0.46 blurred or small)
_OSD_SURE = 1.0
#: a black-and-white page's smoothed pass: the Gaussian blur's radius (pixels of the
#: page as it is), the line height (pixels) it is scaled up towards, the largest factor
_SMOOTH_RADIUS = 1.0
_SMOOTH_LINE = 48.0
_SMOOTH_SCALE = 2.0
#: the mean word confidence from which a black-and-white page reads well enough as it
#: is (not read smoothed): the pages it helped on the dev sets read at 67 to 88
_SMOOTH_BELOW = 90.0
#: a table read column by column (``_cells_by_column``): the most words in a line that
#: is a cell, the fewest such lines beside another; the page segmentation mode it is read
#: again in (4, one column of text of varied sizes: lines across the whole page, row by
#: row, a heading or a note above the table kept as its own lines); how much of the
#: letters and the mean word confidence of the reading by columns that pass must keep
_CELL_WORDS = 3
_TABLE_CELLS = 6
_ROWS_PSM = 4
_ROWS_LETTERS = 0.9
_ROWS_CONF_LOSS = 5.0
#: the page segmentation modes in which tesseract reads lines only across the page: of a
#: page on its side it reads garbage across the lines (6) or nothing (4, 11), never lines
#: running down it, so a page read in one cannot be seen to lie on its side by its lines
_ACROSS_ONLY_PSM = frozenset({4, 6, 7, 8, 9, 10, 11, 13})


def fitting(image: Image.Image) -> float:
    """The largest scale at which tesseract reads ``image`` (its longest side at most
    ``MAX_SIDE``), rounded down to six places: under 1 for a page too long to read as it
    is."""
    return math.floor(MAX_SIDE / max(image.size) * 1e6) / 1e6


def _from_axis(angle: float) -> float:
    """An angle (degrees, -90 to 90) as the tilt from the nearer of the two axes."""
    if angle > 45.0:
        return angle - 90.0
    if angle < -45.0:
        return angle + 90.0
    return angle


def _more_and_surer(current: PagePass, other: PagePass, *, letters: bool = False) -> bool:
    """Whether ``other`` reads the page better than ``current``: how a pass that changes
    the page's geometry (levelled, turned, upscaled) earns its place.

    Either it reads both more confident text (in words, or also in letters when
    ``letters``) and more confidently (a higher mean word confidence), or the words it
    reads surely (``_SURE`` or more) alone hold more letters than every word ``current``
    read, however unsure. Mean confidence alone cannot weigh a pass that reads more: a
    page tilted 5 degrees read 48 words at 88, losing two lines whole, and levelled all
    66 at 87.6. The second test counts no unsure word in ``other``'s favour and every
    one in ``current``'s, so a pass that reads more junk, or trades one misreading for
    another, does not pass it."""
    if other.mean_conf > current.mean_conf and (
            other.content > current.content or (letters and other.letters > current.letters)):
        return True
    return other.sure_letters > current.all_letters


def _side_by_side(read: PagePass, enough: int = 2) -> bool:
    """Whether ``enough`` pairs of the lines read stand side by side at the same height: a
    tilted line read in fragments ("er pank." / "oo mg daily." / "ick brown fox J": a card
    tilted 7 degrees, its fragments' baselines sloping 1, read at confidence 87), or a
    page of columns. Either way the page's skew is measured (a tenth of a second); a
    page of columns measures level and is read as it was."""
    boxes = [ln.bbox for ln in read.page.lines if ln.words]
    if read.runs_down:  # lines that run down the page stand side by side across it
        boxes = [(b[1], b[0], b[3], b[2]) for b in boxes]
    found = 0
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            overlap = min(a[3], b[3]) - max(a[1], b[1])
            if (overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])
                    and (a[2] <= b[0] or b[2] <= a[0])):
                found += 1
                if found >= enough:
                    return True
    return False


def _cells_by_column(read: PagePass) -> bool:
    """Whether ``read`` looks like a table tesseract read column by column: lines of a word
    or a few (``_CELL_WORDS``), each standing at the height of a line of another block or
    paragraph beside it, hold half the words read or more (and ``_TABLE_CELLS`` lines at
    least). A page of prose in columns has long lines; a table read row by row has its
    cells on one line, and no line beside it."""
    lines = [ln for ln in read.page.lines if ln.words]
    if read.runs_down or len(lines) < _TABLE_CELLS:
        return False
    beside: set[int] = set()
    for k, a in enumerate(lines):
        for j in range(k + 1, len(lines)):
            b = lines[j]
            if (a.block, a.paragraph) == (b.block, b.paragraph):
                continue
            overlap = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
            if (overlap > 0.5 * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
                    and (a.bbox[2] <= b.bbox[0] or b.bbox[2] <= a.bbox[0])):
                beside.update((k, j))
    cells = [lines[k] for k in beside if len(lines[k].words) <= _CELL_WORDS]
    return (len(cells) >= _TABLE_CELLS
            and 2 * sum(len(ln.words) for ln in cells) >= sum(len(ln.words) for ln in lines))


def _text_region(image: Image.Image, read: PagePass) -> Image.Image:
    """The part of an unturned, unscaled page where a pass found lines, with a margin (the
    whole page when it found none): a photographed page's surroundings are no text."""
    boxes = [ln.bbox for ln in read.page.lines if ln.words]
    if not boxes:
        return image
    margin = max(10, round(0.02 * max(image.size)))
    return image.crop((max(0, min(b[0] for b in boxes) - margin),
                       max(0, min(b[1] for b in boxes) - margin),
                       min(image.width, max(b[2] for b in boxes) + margin),
                       min(image.height, max(b[3] for b in boxes) + margin)))


def _turns_to_try(said: tuple[int, float] | None, best: PagePass, psm: int | None
                  ) -> tuple[tuple[int, ...], str]:
    """The turns a page read as ``best`` is read at to check its orientation, OSD having
    ``said`` (turn, confidence) or nothing, and how they were chosen (for the note).

    A sure verdict (:data:`_OSD_SURE`) is taken: its turn alone. Else a page whose lines
    run down it, or one OSD doubtfully said to lie on its side, is compared with both
    quarter turns (turned 180 its lines still run down, and tesseract may read them well
    so: a blurred page a PDF's /Rotate turned was kept "turned 180", its line height
    measured along the lines, 881 px for 59); a page read in a mode that reads lines only
    across (``psm=6``), whose lines cannot be seen to run down it, with every turn; any
    other with its half turn. Only a page OSD is unsure of costs the passes: always
    comparing the quarter turns was too slow."""
    if said is not None and said[1] >= _OSD_SURE:
        return (said[0],), f"tesseract OSD, orientation confidence {said[1]:.2f}"
    doubt = "OSD gave no sure verdict" + ("" if said is None else
                                          f" (turn {said[0]} at orientation confidence "
                                          f"{said[1]:.2f})")
    if best.runs_down or (said is not None and said[0] in (90, 270)):
        first = said[0] if said is not None and said[0] in (90, 270) else 90
        return ((first, 360 - first), f"{doubt}; compared with quarter turns"
                + (", its lines running down the page" if best.runs_down else ""))
    if psm in _ACROSS_ONLY_PSM:
        return ((90, 180, 270), f"{doubt}; compared with every turn, psm {psm} reading "
                "lines only across the page")
    return (180,), f"{doubt}; compared with a 180-degree pass"


def _another(runner: Runner, image: Image.Image, notes: list[str], number: int, what: str,
             **how: Any) -> PagePass | None:
    """A pass that may read the page better than the one in hand, or None when tesseract
    fails on it: the page keeps what it read (a note says why). A missing binary or
    language pack is no failure of one pass."""
    try:
        return runner.recognise(image, **how)
    except EngineNotFoundError:
        raise
    except (EngineError, InputTooLargeError) as exc:
        log.info("%s", exc)
        notes.append(f"page {number}: {what} failed, the page keeps the reading before it "
                     f"({str(exc).removeprefix(f'{runner.path}: ')})")
        return None


def _read_lying(best: PagePass, tried: list[PagePass], bad: float, notes: list[str],
                number: int) -> PagePass:
    """``best``, a reading of a page whose lines run down it, kept as it lies because no
    turn of it ``tried`` read it better, with the turn that stands the page upright
    (``PagePass.lying``): tesseract read the lines of a page whose top is to the right
    (turned 90 degrees clockwise) as well as its upright copy's, and the page was said
    unturned, ``rotation`` 0, though its lines ran down it. The turn is the quarter turn
    tried that reads the lines across the page the better, else (OSD said the page is
    upright, or those passes failed) the one its lines' own direction says, where they
    read well (tesseract reads sideways lines downward, well only where they run so)."""
    across = [t for t in tried if t.rotation in (90, 270) and not t.runs_down]
    if across:
        side = max(across, key=lambda t: (t.letters, t.mean_conf)).rotation
    elif best.mean_conf >= bad and best.downward:
        side = 270 if best.downward > 0 else 90
    else:
        return best
    notes.append(f"page {number}: lies on its side (its top to the "
                 f"{'right' if side == 270 else 'left'}): read as it lies, where it reads "
                 f"better than turned upright (mean word confidence {best.mean_conf:.0f}"
                 + (f", {max(t.mean_conf for t in across):.0f} turned" if across else "")
                 + f"); its rotation says {side}, its boxes are on the page as it is")
    return dataclasses.replace(best, lying=side)


def read_page(runner: Runner, image: Image.Image, dpi: float | None,
                    notes: list[str], number: int, *,
                    vivid: Image.Image | None = None) -> PagePass:
    """The best reading of a page (see the module's docstring); ``vivid``, the page with
    its saturated colours made light (:func:`uncertain.images.vivid_light`), is read
    too, and kept, with the passes after it made on it, when it reads the page better."""
    opts = runner.options
    best = runner.recognise(image, dpi=dpi, rotation=0, scale=1.0)
    if vivid is not None:
        # a stamp or a highlighter's ink over the print, as dark as the print once made
        # grey: read with its colour made light, kept when it reads the page better
        light = _another(runner, vivid, notes, number, "a pass with its colours made light",
                         dpi=dpi, rotation=0, scale=1.0)
        if light is not None and _more_and_surer(best, light, letters=True):
            notes.append(f"page {number}: read with its saturated colours made light (a "
                         f"stamp or a highlighter over the print): {len(best.words)} -> "
                         f"{len(light.words)} words, mean word confidence "
                         f"{best.mean_conf:.0f} -> {light.mean_conf:.0f}")
            best, image = light, vivid
    height = best.line_height
    if dpi and dpi > _REFERENCE_DPI and (height is None
                                          or height * 72 / dpi < _SMALLEST_LINE_PT):
        # a tag that makes the print implausibly small (a snippet saved with its scan's
        # tag, a tag in the wrong unit) is not believed: the page is read at 300 dpi,
        # unless the tag's reading is the larger and surer (at 700 dpi: 17 words at 72,
        # a line lost; at 300: 20 words at 69)
        told = _another(runner, image, notes, number, f"a pass at {_REFERENCE_DPI:.0f} dpi",
                        dpi=_REFERENCE_DPI, rotation=0, scale=1.0)
        if told is not None and not _more_and_surer(told, best, letters=True):
            notes.append(
                f"page {number}: the image's resolution tag says {dpi:.0f} dpi"
                + (f", which makes its lines {height * 72 / dpi:.1f} pt high" if height
                   else ", and nothing was read at it")
                + f": read at {_REFERENCE_DPI:.0f} dpi, {len(best.words)} -> "
                f"{len(told.words)} words")
            best, dpi = told, _REFERENCE_DPI
    if best.scale < 1.0:
        notes.append(f"page {number}: {image.width}x{image.height} pixels, longer than the "
                     f"{MAX_SIDE} a side tesseract reads: read scaled down by "
                     f"{best.scale:.4g} (boxes are on the page as it is)")
    bad = opts.orientation_threshold * 100
    skew: tuple[float, tuple[int, int]] | None = None
    # the global threshold's lines say a tilt the adaptive pass's may not: on a tilted
    # photo of a page on a dark table they slope 5.0 degrees, its fragments 1.7
    tilt = abs(best.tilt)
    # a page that reads badly, or one half in shadow, whose lit part may read well while
    # the global threshold loses the rest whole
    shadowed = images.light_spread(image) > _SHADOWED
    if (opts.binarize == "auto" and (best.mean_conf < bad or shadowed)
            and min(image.size) * best.scale >= _SAUVOLA_MIN_SIDE):
        # a page in shadow is read with its light evened instead, by the global
        # threshold: a local one alone cut its lines short where the shadow begins
        # ("medicat", "Monda"), and on the evened page it took the shadow's edge for a
        # column's ("medication a" / ... / "nd the plan agreed today.")
        evened = images.even_light(image, _LIGHT_LINES * (best.line_height or 0.0)
                                   or max(image.size) / 32) if shadowed else image
        local = _another(runner, evened, notes, number,
                         "a pass with its light evened" if shadowed
                         else "a pass with adaptive thresholding",
                         dpi=dpi, rotation=0, scale=1.0,
                         thresholding=0 if shadowed else _SAUVOLA)
        # kept only when clearly better: on a page both read alike, the global
        # threshold's lines are the surer ones; on a page in shadow whose light was
        # evened, when it reads more letters, more surely (the words cut short whole)
        if local is not None and (local.content > _LOCAL_GAIN * best.content or (
                local.letters > _LOCAL_LETTER_GAIN * best.letters
                and local.content > _LOCAL_WORD_GAIN * best.content) or (
                shadowed and _more_and_surer(best, local, letters=True))):
            notes.append(f"page {number}: read "
                         + ("with its light evened (its paper lit unevenly)" if shadowed else
                            "with adaptive thresholding (uneven light or low contrast)")
                         + f": {len(best.words)} -> {len(local.words)} words, mean word "
                         f"confidence {best.mean_conf:.0f} -> {local.mean_conf:.0f}")
            best, image = local, evened  # (the passes after it read the evened page)
    if opts.deskew == "auto" and (best.mean_conf < bad
                                  or max(tilt, abs(best.tilt)) >= _TILTED
                                  or _side_by_side(best)):
        region = _text_region(image, best)
        # a page whose lines run down it is measured turned a quarter: the rows of an
        # unturned one are no lines (a straight page a PDF's /Rotate turned measured
        # 1.4 or 2.2 degrees, and was read again "levelled"); the angle that levels
        # the turned page's lines levels the unturned page's
        angle = images.skew_angle(images.turn(region, 90) if best.runs_down else region)
        if angle is not None and abs(angle) >= opts.min_skew:
            straight = images.deskew(image, angle)
            level = _another(runner, straight, notes, number, "a levelled pass", dpi=dpi,
                             rotation=0, scale=1.0, thresholding=best.thresholding)
            # geometry, unlike thresholding, seldom trades one misreading for another:
            # kept when it reads both more confident text (in words, or in letters: a
            # tilted line read in fragments has more words) and more confidently
            if level is not None and _more_and_surer(best, level, letters=True):
                notes.append(f"page {number}: levelled, its lines were tilted {-angle:.1f} "
                             f"degrees: {len(best.words)} -> {len(level.words)} words, mean "
                             f"word confidence {best.mean_conf:.0f} -> {level.mean_conf:.0f}")
                skew = (angle, straight.size)
                image, best = straight, level
    # a page whose lines run down it lies on its side however well it reads (tesseract
    # reads such lines, its line boxes hundreds of pixels high, and the page was kept
    # unturned, at rotation 0, its line height measured along the lines): it is checked
    # too, which costs nothing on a page whose lines run across it
    if (opts.orientation == "auto" and best.words and (best.mean_conf < bad
                                                       or best.runs_down)):
        said = runner.osd(image, dpi=dpi)
        turns, how = _turns_to_try(said, best, opts.psm)
        chosen = best
        tried: list[PagePass] = []
        for rotation in turns:
            if not rotation:
                continue
            turned = _another(runner, image, notes, number, f"a pass turned {rotation} degrees",
                              dpi=dpi, rotation=rotation, scale=1.0,
                              thresholding=best.thresholding)
            # kept when it reads both more confident text (in words, or in letters: a page
            # on its side read across its lines in psm 6 is short junk words, "Ep 2B 4",
            # more of them than the turned page's words) and more confidently: a turn
            # that reads 11 words at the 79 upright words' confidence is no better reading;
            # of a page whose lines run down it, a turn whose lines run across, unless it
            # reads worse: tesseract read the sideways lines as well as the upright ones,
            # the same words at the same confidence, and only the turn has them upright
            if turned is not None:
                tried.append(turned)
            if turned is not None and (_more_and_surer(chosen, turned, letters=True) or (
                    chosen.runs_down and not turned.runs_down
                    and not _more_and_surer(turned, chosen, letters=True))):
                chosen = turned
        if chosen is not best:
            notes.append(f"page {number}: turned {chosen.rotation} degrees clockwise ({how}); "
                         f"mean word confidence {best.mean_conf:.0f} -> "
                         f"{chosen.mean_conf:.0f}")
            best = chosen
        elif best.runs_down:
            best = _read_lying(best, tried, bad, notes, number)
        if said is not None and said[0] == best.upright:
            best = dataclasses.replace(best, orientation_confidence=said[1])
    height = best.line_height
    # only print read legibly is small print: a page whose small lines are specks read
    # as junk is not read again upscaled (the factor is still the one all lines measure)
    legible = best.legible_line_height
    if (opts.upscale and height and height < opts.min_line_height
            and legible is not None and legible < opts.min_line_height):
        factor = min(opts.max_upscale, opts.target_line_height / height)
        factor = min(factor, (opts.max_pixels / (image.width * image.height)) ** 0.5,
                     fitting(image))
        if factor > 1.05:
            log.debug("%s page %d: line height %.1f px, upscaling x%.2f",
                      runner.path, number, height, factor)
            larger = _another(runner, image, notes, number, "an upscaled pass", dpi=dpi,
                              rotation=best.rotation, scale=round(factor, 3),
                              thresholding=best.thresholding)
            # kept when it reads more (in words or in letters: small print read in
            # fragments has more words) and more confidently: on mean confidence alone, a
            # pass that read 6 words of 24 at 93 replaced the 24 read at 85
            if larger is not None and _more_and_surer(best, larger, letters=True):
                best = dataclasses.replace(
                    larger, orientation_confidence=best.orientation_confidence,
                    lying=best.lying)
    if (opts.smooth == "auto" and best.words and best.mean_conf < _SMOOTH_BELOW
            and images.bilevel(image)):
        # a black-and-white page (a fax, a scan its scanner thresholded) is jagged where
        # tesseract's model reads grey, antialiased print: read again smoothed and, where
        # its lines are small, scaled up (the fax-degraded sample: 33 words at mean
        # confidence 67, "Lisinioprii-10'mg", "Méttorrtin"; smoothed, 39 at 85, all but
        # two right), kept when it reads the page better
        height = best.line_height or _SMOOTH_LINE
        factor = min(max(best.scale, min(_SMOOTH_SCALE, _SMOOTH_LINE / height)),
                     (opts.max_pixels / (image.width * image.height)) ** 0.5, fitting(image))
        smooth = _another(runner, image.filter(ImageFilter.GaussianBlur(_SMOOTH_RADIUS)),
                          notes, number, "a smoothed pass", dpi=dpi, rotation=best.rotation,
                          scale=round(max(factor, 1.0), 3), thresholding=best.thresholding)
        if smooth is not None and _more_and_surer(best, smooth, letters=True):
            notes.append(f"page {number}: read smoothed (black and white"
                         + (f", scaled {smooth.scale:.3g}" if smooth.scale != 1.0 else "")
                         + f"): {len(best.words)} -> {len(smooth.words)} words, mean word "
                         f"confidence {best.mean_conf:.0f} -> {smooth.mean_conf:.0f}")
            best = dataclasses.replace(smooth, orientation_confidence=best.orientation_confidence,
                                       lying=best.lying)
    if opts.psm is None and _cells_by_column(best):
        # a table tesseract read column by column (its columns' cells, a word or three
        # each, in blocks side by side whose lines stand at the same heights): read again
        # in a mode that reads lines across the page, row by row, which keeps a drug
        # beside its dose; at the scale the page was read at (small print upscaled),
        # kept unless it reads less
        rows = _another(runner, image, notes, number, "a pass reading rows", dpi=dpi,
                        rotation=best.rotation, scale=best.scale,
                        thresholding=best.thresholding, psm=_ROWS_PSM)
        if (rows is not None and rows.all_letters >= _ROWS_LETTERS * best.all_letters
                and rows.mean_conf >= best.mean_conf - _ROWS_CONF_LOSS):
            notes.append(f"page {number}: a table read column by column, read again row by "
                         f"row (psm {_ROWS_PSM}): {len(best.words)} -> {len(rows.words)} "
                         f"words, mean word confidence {best.mean_conf:.0f} -> "
                         f"{rows.mean_conf:.0f}")
            best = dataclasses.replace(rows, orientation_confidence=best.orientation_confidence,
                                       lying=best.lying)
    if skew is not None:
        best = dataclasses.replace(best, skew=skew[0], straight=skew[1])
    return best
