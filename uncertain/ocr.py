"""The OCR stage: image or PDF -> ``Document``, on tesseract run as pytesseract runs it.

This module owns the tesseract adapter: the options (:class:`RecognizeOptions`), the
engine seam (any object with pytesseract's ``image_to_pdf_or_hocr``, ``image_to_osd`` and
``get_languages``), the mapping of tesseract's scores to the project's and of its pages
to a ``Document``. How each page is read (one tesseract run writing hOCR, then, only
when the page reads badly or its text is tilted, small or sideways, passes with adaptive
thresholding, levelled, turned or scaled up, each kept only when it reads better) is
:mod:`uncertain._ocr_page`'s.

Scores: ``Word.confidence`` is tesseract's word confidence (``x_wconf``) / 100 and
``Word.raw_score`` the 0-100 value. ``Word.chars`` holds, per character, the LSTM's choices
with their confidences / 100, the written character first. ``Word.alternatives`` are the
likeliest other spellings built from those choices (single and double substitutions);
an alternative's confidence is the product over characters of each choice's confidence
normalised within its position. Boxes are ``[x0, y0, x1, y1]`` pixels of the original
page image, whatever turning or scaling was applied before recognition.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from uncertain import images
from uncertain._hocr import Choice, HocrWord
from uncertain._io import require_path, sha256_file
from uncertain._ocr_page import PagePass, Runner, read_page
from uncertain._text_layer import compare_layer
from uncertain.calibrate import Calibration, calibrate_document
from uncertain.document import (
    Alternative,
    BBox,
    CharChoice,
    CharChoices,
    Document,
    Page,
    Segment,
    Source,
    Word,
    join_words,
)
from uncertain.errors import CorruptInputError, InputTooLargeError, finite_number

log = logging.getLogger("uncertain")

CONFIDENCE_DEFINITION = "tesseract word confidence (hOCR x_wconf, 0-100) divided by 100"
RAW_SCORE_DEFINITION = (
    "tesseract word confidence, 0-100 (hOCR x_wconf: the TSV conf truncated to an integer)"
)


#: the most pages a file may have (:attr:`RecognizeOptions.max_pages`): tesseract reads a
#: page in 1-4 s, so a 1,000-page file is an hour or more of reading; a longer one is
#: refused before any page is read, naming the file and its count
DEFAULT_MAX_PAGES = 1000

#: tesseract's language argument: trained-data names joined by "+"
_LANG = re.compile(r"[A-Za-z0-9_\-]+(?:\+[A-Za-z0-9_\-]+)*")


@dataclass(frozen=True)
class RecognizeOptions:
    """Options of :func:`recognize`; any of them can also be passed as a keyword."""

    dpi: float = images.DEFAULT_PDF_DPI
    """Resolution PDF pages are rendered at."""
    psm: int | None = None
    """Tesseract page segmentation mode; ``None`` keeps tesseract's default (3, automatic)."""
    oem: int | None = None
    """Tesseract engine mode; ``None`` keeps the default (LSTM)."""
    char_alternatives: bool = True
    """Ask tesseract for per-character choices and build alternative spellings from them."""
    max_alternatives: int = 5
    """At most this many alternative spellings per word."""
    min_alternative_ratio: float = 0.05
    """Alternative spellings less likely than this fraction of the written one are dropped."""
    upscale: bool = True
    """Scale small text up and recognise again (kept only when it reads more confident
    text, in words or letters, and more confidently, or when its sure words alone hold
    more letters than every word read before)."""
    min_line_height: float = 16.0
    """Median line-box height in pixels (ascender to descender) under which text is small."""
    target_line_height: float = 32.0
    """Line height an upscaled page aims for."""
    max_upscale: float = 4.0
    """Largest upscaling factor."""
    deskew: Literal["auto", "off"] = "auto"
    """``auto``: when a page looks bad or reads empty, or its lines slope 2 degrees or
    more, measure how far its text lines are tilted (a photographed page) and, from
    ``min_skew`` degrees, read it again levelled, keeping that pass when it reads more
    confident text with a higher mean word confidence, or when the words it reads at
    confidence 80 or more alone hold more letters than every word read before (a tilted
    page that loses whole lines may read the rest a little more surely)."""
    min_skew: float = 1.0
    """Smallest tilt (degrees) worth levelling."""
    binarize: Literal["auto", "off"] = "auto"
    """``auto``: when a page looks bad or reads empty, read it again with adaptive
    (Sauvola) thresholding and keep that pass when it reads half as much confident text
    again or more."""
    smooth: Literal["auto", "off"] = "auto"
    """``auto``: when a black-and-white page (a fax, a scan its scanner thresholded: 99% of
    its pixels black or white) reads at a mean word confidence under 90, read it again
    blurred (radius 1) and, where its lines are under 48 pixels tall, scaled up towards
    them (at most x2), and keep that pass when it reads more confident text, in words
    or letters, and more confidently, or when its sure words alone hold more letters
    than every word read before."""
    orientation: Literal["auto", "off"] = "auto"
    """``auto``: when a page looks bad, check whether it is turned (OSD, else 180 degrees)."""
    orientation_threshold: float = 0.6
    """Mean word confidence under which a page's orientation is checked."""
    max_pixels: int = images.DEFAULT_MAX_PIXELS
    """Largest page in pixels, checked before decoding (100 megapixels)."""
    max_pages: int = DEFAULT_MAX_PAGES
    """The most pages a file may have (1,000): a file of more is refused with
    :class:`~uncertain.errors.InputTooLargeError` naming it and its count, before any
    page is read (a 500-page scan is 10-30 minutes of tesseract). Not recorded in the
    document's options: it decides whether a file is read, not how."""
    tesseract_cmd: str | None = None
    """The tesseract binary; ``None``: ``tesseract`` on the PATH. It is this call's own:
    calls naming different binaries run at once, each its own (pytesseract's global
    ``tesseract_cmd`` is neither read nor changed)."""
    timeout: float = 0.0
    """Seconds allowed per tesseract run; 0 for no limit (``--ocr-timeout`` in ``uncertain
    annotate`` and ``batch``). A first reading that takes longer raises
    :class:`~uncertain.errors.InputTooLargeError` naming the file and the limit; a later pass
    that only tries to read the page better is given up, with a warning."""
    threads: int | None = 1
    """OpenMP threads per tesseract run (``OMP_THREAD_LIMIT`` in its environment), unless
    the environment sets ``OMP_THREAD_LIMIT`` itself; ``None``: tesseract's own default.
    Tesseract's LSTM starts up to ten threads per run whatever the cores, which on 2
    cores made the samples several times slower to read (``benchmarks/ocr_overhead.py``
    times both)."""
    config: str = ""
    """Extra tesseract command-line flags, appended as given."""

    def __post_init__(self) -> None:
        # tesseract takes a bad mode as no mode at all and writes no output file, which
        # read as "FileNotFoundError: /tmp/tess_....hocr"
        for name, high in (("psm", 13), ("oem", 3)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not 0 <= value <= high):
                raise ValueError(f"{name}={value!r}: a whole number from 0 to {high}, or None")
        if self.psm in _NO_TEXT_PSM:  # (tesseract then writes no hOCR: no words to read)
            raise ValueError(f"psm={self.psm}: {_NO_TEXT_PSM[self.psm]}, which reads no text; "
                             "3 (the default) reads a page, 6 one block of text (a table row "
                             "by row), 11 sparse text")
        # (infinity overflowed deep in the subprocess call, unnamed; a negative limit timed
        # out at once and blamed the page as too large)
        if not _number_in(self.timeout, 0, math.inf):
            raise ValueError(f"timeout={self.timeout!r}: seconds per tesseract run, a finite "
                             "number >= 0 (0: no limit)")
        # a switch was read as "auto" or not: deskew="on" (or True) turned deskewing off
        for name in ("deskew", "binarize", "smooth", "orientation"):
            if getattr(self, name) not in ("auto", "off"):
                raise ValueError(f"{name}={getattr(self, name)!r}: \"auto\" or \"off\"")
        # max_pixels=0 blamed the file ("over 0 pixels even at 10 dpi"), -1 failed in a
        # square root ("must be real number, not complex"); the others were taken silently
        for name in ("max_pixels", "max_pages"):
            whole: object = getattr(self, name)
            if isinstance(whole, float) and whole.is_integer():
                object.__setattr__(self, name, int(whole))  # (1e8)
        for name, low in (("max_pixels", 1), ("max_pages", 1), ("max_alternatives", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name}={value!r}: a whole number >= {low}")
        if self.threads is not None and (isinstance(self.threads, bool)
                                         or not isinstance(self.threads, int) or self.threads < 1):
            raise ValueError(f"threads={self.threads!r}: a whole number >= 1, or None "
                             "(tesseract's own default)")
        ranges: tuple[tuple[str, float, float, str], ...] = (
                ("min_alternative_ratio", 0.0, 1.0, "a fraction from 0 to 1"),
                ("orientation_threshold", 0.0, 1.0, "a mean word confidence from 0 to 1"),
                ("min_line_height", 0.0, math.inf, "pixels, >= 0"),
                ("min_skew", 0.0, math.inf, "degrees, >= 0"),
                ("target_line_height", 1.0, math.inf, "pixels, >= 1"),
                ("max_upscale", 1.0, math.inf, "a factor >= 1"))
        for name, bottom, top, what in ranges:
            if not _number_in(getattr(self, name), bottom, top, closed=top < math.inf):
                raise ValueError(f"{name}={getattr(self, name)!r}: {what}")


def _number_in(value: object, low: float, high: float, *, closed: bool = False) -> bool:
    """A number (not a bool) from ``low`` to below ``high`` (to ``high`` itself if
    ``closed``)."""
    if not finite_number(value):
        return False
    assert isinstance(value, int | float)
    return low <= value <= high if closed else low <= value < high


#: tesseract's page segmentation modes that recognise no text
_NO_TEXT_PSM = {0: "orientation and script detection only", 2: "page layout only"}


class TesseractEngine(Protocol):
    """What :func:`recognize` calls; the ``pytesseract`` module itself fits."""

    def image_to_pdf_or_hocr(self, image: Any, lang: str | None = ..., config: str = ...,
                             nice: int = ..., extension: str = ...,
                             timeout: float = ...) -> bytes: ...

    def image_to_osd(self, image: Any, lang: str = ..., config: str = ..., nice: int = ...,
                     output_type: str = ..., timeout: float = ...) -> Any: ...

    def get_languages(self, config: str = ...) -> list[str]: ...


class PytesseractEngine:
    """Tesseract run as pytesseract runs it (the same command line, output and errors), with
    this engine's binary (``cmd``) and a limit on tesseract's OpenMP threads (``threads``;
    see :class:`RecognizeOptions`).

    pytesseract names its binary in a module global (``pytesseract.tesseract_cmd``) and
    hands every tesseract its module's ``environ``: a binary chosen per call through them
    had to hold a lock over each run, one page at a time in the whole process, and a
    thread that set neither could run another's binary. Here each run is this engine's
    own subprocess, its binary and environment its own; pytesseract's globals are
    neither read nor changed (``None`` runs ``tesseract`` from the PATH, as pytesseract's
    default does)."""

    def __init__(self, cmd: str | None = None, threads: int | None = 1) -> None:
        self.cmd = cmd
        self.threads = threads

    def _command(self) -> str:
        return self.cmd if self.cmd is not None else "tesseract"

    def _environ(self) -> dict[str, str]:
        # only the tesseract subprocesses see the limit: this process's own OpenMP
        # (CTranslate2's, for Whisper) keeps its threads
        env = dict(os.environ)
        if self.threads is not None and "OMP_THREAD_LIMIT" not in env:
            env["OMP_THREAD_LIMIT"] = str(self.threads)
        return env

    def _run(self, image: Any, extension: str, lang: str | None, config: str, nice: int,
             timeout: float) -> bytes:
        """One tesseract run on ``image`` (a file, or a PIL image saved for it), the bytes of
        its ``extension`` output; pytesseract's exceptions for its failures."""
        with tempfile.TemporaryDirectory(prefix="uncertain-tess-") as tmp:
            if isinstance(image, str | os.PathLike):
                source = os.fspath(image)
            else:
                source = os.path.join(tmp, "input.png")
                image.save(source, format="PNG")
            base = os.path.join(tmp, "out")
            args = ["nice", "-n", str(nice)] if nice and sys.platform != "win32" else []
            args += [self._command(), source, base]
            if lang is not None:
                args += ["-l", lang]
            args += shlex.split(config)
            if extension not in ("osd", "tsv", "box", "xml"):
                args.append(extension)
            self._process(args, timeout)
            try:
                return Path(f"{base}.{extension}").read_bytes()
            except FileNotFoundError as exc:  # flags that ask for another output
                import pytesseract

                raise pytesseract.TesseractError(0, f"it wrote no {extension} output (flags: "
                                                 f"{config.strip() or 'none'})") from exc

    def _process(self, args: list[str], timeout: float) -> None:
        """The tesseract process itself (``benchmarks/ocr_overhead.py`` times it)."""
        import pytesseract

        try:
            proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, env=self._environ(),
                                  timeout=timeout or None, check=False)
        except FileNotFoundError as exc:
            raise pytesseract.TesseractNotFoundError() from exc
        except subprocess.TimeoutExpired as exc:  # (the process is killed)
            raise RuntimeError("Tesseract process timeout") from exc
        if proc.returncode:
            raise pytesseract.TesseractError(proc.returncode, " ".join(
                proc.stderr.decode("utf-8", "replace").splitlines()).strip())

    def image_to_pdf_or_hocr(self, image: Any, lang: str | None = None, config: str = "",
                             nice: int = 0, extension: str = "hocr",
                             timeout: float = 0) -> bytes:
        if extension not in ("pdf", "hocr"):
            raise ValueError(f"Unsupported extension: {extension}")
        if extension == "hocr":
            config = f"-c tessedit_create_hocr=1 {config.strip()}"
        return self._run(image, extension, lang, config, nice, timeout)

    def image_to_osd(self, image: Any, lang: str = "osd", config: str = "", nice: int = 0,
                     output_type: str = "string", timeout: float = 0) -> Any:
        if output_type not in ("string", "bytes"):
            raise ValueError(f"output_type={output_type!r}: 'string' or 'bytes'")
        out = self._run(image, "osd", lang, f"--psm 0 {config.strip()}", nice, timeout)
        return out if output_type == "bytes" else out.decode("utf-8")

    def get_languages(self, config: str = "") -> list[str]:
        import pytesseract

        try:
            proc = subprocess.run([self._command(), "--list-langs", *shlex.split(config)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=self._environ(), check=False)
        except OSError as exc:
            raise pytesseract.TesseractNotFoundError() from exc
        if proc.returncode not in (0, 1):
            raise pytesseract.TesseractNotFoundError()
        lines = proc.stdout.decode("utf-8", "replace").splitlines()
        return [line.strip() for line in lines if re.fullmatch(r"[a-z_]+", line.strip())]


def spellings(chars: Sequence[Sequence[Choice]], *, limit: int = 5,
              min_ratio: float = 0.05) -> list[tuple[str, float]]:
    """The likeliest other spellings from per-character choices, best first.

    ``chars[i]`` lists the choices for character ``i`` as ``(text, confidence)``, the written
    character first. Spellings differ from the written word in one or two characters; a
    spelling's confidence is the product over positions of its choice's confidence divided
    by the sum of that position's confidences. Spellings less likely than ``min_ratio``
    times the written word are left out.
    """
    norm: list[list[tuple[str, float]]] = []
    for pos in chars:
        total = sum(conf for _, conf in pos if conf > 0)
        if total <= 0:
            norm.append([(pos[0][0], 1.0)] if pos else [])
            continue
        norm.append([(text, conf / total) for text, conf in pos])
    base = [p[0][0] for p in norm if p]
    base_prob = 1.0
    for p in norm:
        if p:
            base_prob *= p[0][1]
    written = "".join(base)
    # single substitutions: (position, text, probability ratio against the written choice)
    singles = sorted(
        ((i, text, q / p[0][1]) for i, p in enumerate(norm) if p and p[0][1] > 0
         for text, q in p[1:] if q > 0),
        key=lambda s: -s[2])[:12]
    found: dict[str, float] = {}

    def add(subs: Sequence[tuple[int, str, float]]) -> None:
        letters = list(base)
        prob = base_prob
        for i, text, ratio in subs:
            letters[i] = text
            prob *= ratio
        word = "".join(letters)
        if word != written and prob >= min_ratio * base_prob and prob > 0:
            found[word] = max(found.get(word, 0.0), min(prob, 1.0))

    for s in singles:
        add([s])
    for a in range(len(singles)):
        for b in range(a + 1, len(singles)):
            if singles[a][0] != singles[b][0]:
                add([singles[a], singles[b]])
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:limit]


#: a gap between two words of a line wider than this many times the line's height is a
#: table's or a form's gap between columns ("Metformin 500 mg PO BID" of a chart's row,
#: its given doses under their times): kept as a tab, so that the prompt shows the
#: columns apart; the words of a line of prose are a fraction of a height apart
COLUMN_GAP = 1.5


def _word(w: HocrWord, *, number: int, box: tuple[float, float, float, float],
          options: RecognizeOptions) -> Word:
    conf = w.conf if w.conf is not None and w.conf >= 0 else None
    chars = [CharChoices(choices=[CharChoice(text=t, confidence=min(c, 100.0) / 100)
                                  for k, (t, c) in enumerate(pos) if k == 0 or c > 0])
             for pos in w.chars]
    alternatives = [
        Alternative(text=text, confidence=p, source="ocr_choices")
        for text, p in spellings(w.chars, limit=options.max_alternatives,
                                 min_ratio=options.min_alternative_ratio)
    ] if w.chars else []
    return Word(text=w.text, confidence=conf / 100 if conf is not None else None,
                raw_score=conf, page=number, bbox=box, chars=chars, alternatives=alternatives)


def _segments(best: PagePass, *, number: int, width: int, height: int,
              options: RecognizeOptions, first_id: int) -> list[Segment]:
    # the page the passes read: the levelled one when the page was levelled
    read_w, read_h = best.straight or (width, height)
    turned_w, turned_h = (read_h, read_w) if best.rotation in (90, 270) else (read_w, read_h)

    def original(box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        s = best.scale
        x0, y0, x1, y1 = (min(box[0] / s, turned_w), min(box[1] / s, turned_h),
                          min(box[2] / s, turned_w), min(box[3] / s, turned_h))
        x0, y0, x1, y1 = images.unturn_box((x0, y0, x1, y1), best.rotation, read_w, read_h)
        if best.straight is not None:
            x0, y0, x1, y1 = images.unskew_box((x0, y0, x1, y1), best.skew, width, height,
                                               best.straight)
        return (round(max(x0, 0.0), 1), round(max(y0, 0.0), 1), round(x1, 1), round(y1, 1))

    segments: list[Segment] = []
    for line in best.page.lines:
        words = [_word(w, number=number, box=original(w.bbox), options=options)
                 for w in line.words]
        if not words:
            continue
        # a table's or a form's columns stay apart: a tab, not a space, across a gap
        tall = line.bbox[3] - line.bbox[1]  # (the line's; ``height`` is the page's)
        words = [word.model_copy(update={"whitespace": "\t"})
                 if k + 1 < len(words) and tall > 0 and (
                     line.words[k + 1].bbox[0] - line.words[k].bbox[2] > COLUMN_GAP * tall)
                 else word for k, word in enumerate(words)]
        confs = [w.confidence for w in words if w.confidence is not None]
        # a blank line between paragraphs, as the page shows them
        new_paragraph = bool(segments) and (segments[-1].block, segments[-1].paragraph) != (
            line.block, line.paragraph)
        segments.append(Segment(
            id=first_id + len(segments), text=join_words(words), words=words,
            page=number, bbox=original(line.bbox), kind="line", block=line.block,
            paragraph=line.paragraph, line=line.line, blank_lines=int(new_paragraph),
            confidence=statistics.fmean(confs) if confs else None))
    return segments


def _unstretched(segment: Segment, sx: float, sy: float) -> Segment:
    """``segment`` read on a page scaled by ``sx`` across and ``sy`` down, its boxes and
    its words' mapped back onto the page as stored."""

    def back(box: BBox | None) -> BBox | None:
        if box is None:
            return None
        return (round(box[0] / sx, 1), round(box[1] / sy, 1), round(box[2] / sx, 1),
                round(box[3] / sy, 1))

    words = [w.model_copy(update={"bbox": back(w.bbox)}) for w in segment.words]
    return segment.model_copy(update={"bbox": back(segment.bbox), "words": words})


def _with_layer(segments: list[Segment], layer: str, number: int,
                notes: list[str]) -> list[Segment] | None:
    """A page's ``segments`` with the readings of its PDF text ``layer`` where it reads their
    words otherwise, as alternatives (:mod:`uncertain._text_layer`); ``None`` where the
    layer does not align with the page, left out with a note."""
    words = [w for seg in segments for w in seg.words]
    found = compare_layer(words, layer)
    if found.oversized:
        notes.append(f"page {number}: the PDF's text layer holds {found.layer_words} words, "
                     f"OCR read {len(words)} on the page: not compared (the text of more "
                     "than the page)")
        return None
    if found.foreign:
        notes.append(f"page {number}: the PDF's text layer reads {found.foreign} words OCR "
                     "was sure of as unlike ones, where it agrees with the rest "
                     f"({found.agreement:.0%}): not compared (a layer of another copy of "
                     "the page's form, another patient's)")
        return None
    if not found.used:
        notes.append(f"page {number}: the PDF's text layer agrees with little of what OCR "
                     f"read ({found.equal} words alike, {found.agreement:.0%}): not compared "
                     "further (a layer of another page, of encoded glyphs, or misplaced)")
        return None
    log.debug("page %d: text layer agrees on %d words (%.0f%%), %d alternatives", number,
              found.equal, 100 * found.agreement, found.alternatives)
    out: list[Segment] = []
    at = 0
    for seg in segments:
        n = len(seg.words)
        changed = [_run_in_line(w, n - k) for k, w in enumerate(found.words[at:at + n])]
        out.append(seg if changed == seg.words else seg.model_copy(update={"words": changed}))
        at += n
    return out


def _run_in_line(word: Word, left: int) -> Word:
    """``word`` (with ``left`` words of its line from it on), its text layer's reading of a
    run that goes on past the line as the word's alone: the validator searches a run's
    reading on the window of its words, and no window crosses a line."""
    if not any(a.span is not None and a.span > left for a in word.alternatives):
        return word
    return word.model_copy(update={"alternatives": [
        a if a.span is None or a.span <= left else a.model_copy(update={"span": None})
        for a in word.alternatives]})


def _with_layers(segments: list[Segment], layered: list[tuple[int, int, str, int]],
                 notes: list[str]) -> tuple[list[Segment], set[int]]:
    """``segments`` with each page's text layer compared (:func:`_with_layer`), where the
    page's words and its layer align better with each other than with the next or the
    previous page's: a layer shifted by a page (a scanner's OCR of another page, pages
    reordered after it) agrees with the page on a form's or a letterhead's printed words
    and gave the other page's name, date and drug as alternatives; and the numbers of
    the pages whose layer was compared (not left out)."""
    out = list(segments)
    used: set[int] = set()
    at = {number: k for k, (_, _, _, number) in enumerate(layered)}
    words = [[w for seg in segments[first:end] for w in seg.words]
             for first, end, _, _ in layered]
    for k, (first, end, layer, number) in enumerate(layered):
        own = compare_layer(words[k], layer).equal
        for other in (number - 1, number + 1):
            j = at.get(other)
            if j is not None and max(compare_layer(words[j], layer).equal,
                                     compare_layer(words[k], layered[j][2]).equal) > own:
                notes.append(f"page {number}: the PDF's text layer agrees less with what "
                             f"OCR read on the page than with page {other}: not compared "
                             "(a layer shifted by a page)")
                break
        else:
            compared = _with_layer(segments[first:end], layer, number, notes)
            if compared is not None:
                out[first:end] = compared
                used.add(number)
    return out, used


def _check_pages(path: Path, page: images.PageImage | images.PageError, limit: int,
                 pages: Iterator[images.PageImage | images.PageError]) -> None:
    """Refuse a file of more than ``limit`` pages, told by its first page (which knows
    the file's count), or, in a file cut short whose count is not known, by the first
    page past the limit; ``pages`` (the file's pages) is closed first."""
    if page.pages is not None and page.number == 1 and page.pages > limit:
        said = f"the file has {page.pages} pages"
    elif page.number > limit:
        said = f"the file has more than {limit} pages"
    else:
        return
    close = getattr(pages, "close", None)
    if close is not None:
        close()
    raise InputTooLargeError(path, f"{said}, over the limit of {limit} (raise max_pages to "
                                   "read it)")


def recognize(path: str | os.PathLike[str], *, lang: str = "eng",
              options: RecognizeOptions | None = None, engine: TesseractEngine | None = None,
              calibration: Calibration | str | os.PathLike[str] | None = None,
              progress: Callable[[float, float | None], None] | None = None,
              **overrides: Any) -> Document:
    """Recognise the text of an image or PDF file with tesseract.

    Every page gives a ``Page`` and its lines give ``Segment``s (``kind="line"``) of
    words with confidence, raw score, page, box, character choices and alternatives (see
    the module docstring). A blank page gives a page without words. ``overrides`` set
    fields of :class:`RecognizeOptions`. ``engine`` replaces pytesseract (tests replay
    recorded tesseract output through it). ``calibration`` (a Calibration, a file,
    ``"default"`` for the shipped one, ``"auto"`` for the shipped one when there is one)
    turns confidences into calibrated probabilities. ``progress`` is told ``(page, pages)``
    after each page; an exception raised from it cancels the call (it comes out as
    raised, the pages' temporary images removed).
    """
    require_path(path, "recognize")
    opts = dataclasses.replace(options or RecognizeOptions(), **overrides)
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        raise ValueError(f"lang={lang!r}: tesseract language codes joined by '+' ('eng', "
                         "'eng+deu')")
    p = Path(path)
    pages_iter = images.open_pages(p, dpi=opts.dpi, max_pixels=opts.max_pixels)
    eng: TesseractEngine = engine if engine is not None else PytesseractEngine(
        opts.tesseract_cmd, opts.threads)
    pages: list[Page] = []
    segments: list[Segment] = []
    notes: list[str] = []
    # the pages with a text layer: (first segment, end, layer, page number)
    layered: list[tuple[int, int, str, int]] = []
    version: str | None = None
    with tempfile.TemporaryDirectory(prefix="uncertain-ocr-") as tmp:
        runner = Runner(eng, p, lang, opts, Path(tmp))
        unread: list[images.PageError] = []
        for page in pages_iter:
            _check_pages(p, page, opts.max_pages, pages_iter)
            if isinstance(page, images.PageError):
                unread.append(page)
                notes.append(page.message)
                if progress is not None:
                    progress(page.number, page.pages)
                continue
            if page.note:
                notes.append(f"page {page.number}: {page.note}")
            gray = images.to_grayscale(page.image)
            # a page of oblong pixels (a fax at standard resolution) is read with square
            # ones, its boxes mapped back onto the page as stored
            square, sx, sy = images.square_pixels(gray, page.aspect, opts.max_pixels)
            if square is not gray:
                notes.append(f"page {page.number}: its pixels are {page.aspect:.3g} times as "
                             "tall as wide (its resolution tag; a fax at standard resolution"
                             f"): read stretched to square ones, {gray.width}x{gray.height} -> "
                             f"{square.width}x{square.height} (boxes are on the page as it is)")
            # a page of saturated colour (a stamp, a highlighter over the print) is read
            # also with that colour made light, by read_page
            vivid = images.vivid_light(page.image)
            if vivid is not None and square is not gray:
                vivid = images.square_pixels(vivid, page.aspect, opts.max_pixels)[0]
            best = read_page(runner, square, page.dpi, notes, page.number, vivid=vivid)
            version = version or best.version
            found = _segments(best, number=page.number, width=square.width,
                              height=square.height, options=opts, first_id=len(segments))
            if square is not gray:
                found = [_unstretched(seg, sx, sy) for seg in found]
            if not found:
                notes.append(f"page {page.number}: no text recognised (a blank page, or "
                             "print tesseract cannot read)")
            elif page.text_layer:
                layered.append((len(segments), len(segments) + len(found), page.text_layer,
                                page.number))
            segments.extend(found)
            if progress is not None:
                progress(page.number, page.pages)
            pages.append(Page(number=page.number, width=gray.width, height=gray.height,
                              dpi=page.dpi, text_layer=page.text_layer,
                              rotation=best.upright,
                              orientation_confidence=best.orientation_confidence,
                              scale=best.scale, skew=best.skew))
            log.debug("%s page %d: %d lines", p, page.number, len(best.page.lines))
    if unread and not pages:
        # pages over the pixel limit are the limit's: a higher one reads them (a batch
        # run resumed with it does the file again, as an image over it)
        over = [page for page in unread if page.too_large]
        if over:
            raise InputTooLargeError(p, over[0].message)
        raise CorruptInputError(p, unread[0].message)
    segments, compared = _with_layers(segments, layered, notes)
    # (a layer left out, or on a page OCR read nothing of, is kept but was not used)
    pages = [pg.model_copy(update={"text_source": "ocr+pdf_text_layer"})
             if pg.number in compared else pg for pg in pages]
    if any(pg.text_layer for pg in pages):
        notes.append("words come from OCR; the PDF's own text layer is kept in "
                     "pages[].text_layer for the pages that have one, and where it reads a "
                     "word otherwise, its reading is an alternative of the word (source "
                     "pdf_text_layer)")
    recorded = {k: v for k, v in dataclasses.asdict(opts).items()
                if k not in ("tesseract_cmd", "max_pages")}
    recorded["lang"] = lang
    doc = Document(
        source=Source(path=str(p), sha256=sha256_file(p), modality="image", engine="tesseract",
                      engine_version=version, model=lang, options=recorded,
                      confidence_definition=CONFIDENCE_DEFINITION,
                      raw_score_definition=RAW_SCORE_DEFINITION, language=lang),
        pages=pages, segments=segments, warnings=notes)
    return calibrate_document(doc, calibration)
