"""Parsing tesseract's hOCR output (with or without LSTM character choices).

This module owns the reading of one hOCR document into plain records: pages, lines
numbered like tesseract's TSV (``block``/``paragraph``/``line``, each counted inside its
parent), words with their box and 0-100 ``x_wconf``, and, when tesseract ran with
``-c lstm_choice_mode=2``, the per-character choices from the ``lstm_choices`` spans
(``ocrx_cinfo`` with ``x_confs``). It knows nothing of images or of the data model.

``x_wconf`` is tesseract's word confidence truncated to an integer: TSV reports the same
value with decimals (``int(tsv_conf) == x_wconf``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

_NS = "{http://www.w3.org/1999/xhtml}"
_BLOCK_CLASSES = frozenset({"ocr_carea", "ocr_photo", "ocr_separator"})
_LINE_CLASSES = frozenset({"ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"})
_BBOX = re.compile(r"\bbbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_WCONF = re.compile(r"\bx_wconf\s+(-?[\d.]+)")
_CONFS = re.compile(r"\bx_confs\s+(-?[\d.]+)")
_XSIZE = re.compile(r"\bx_size\s+([\d.]+)")
_BASELINE = re.compile(r"\bbaseline\s+(-?[\d.]+)")
_PAGENO = re.compile(r"\bppageno\s+(\d+)")
_SYSTEM = re.compile(r"tesseract\s+(\S+)")

Box = tuple[int, int, int, int]
Choice = tuple[str, float]  # (text, 0-100 confidence)


class HocrError(ValueError):
    """The text is not hOCR that tesseract could have written."""


@dataclass
class HocrWord:
    """One ``ocrx_word``: text, box, 0-100 conf, and per character of ``text`` its choices.

    ``chars[i][0]`` is ``text[i]`` itself; the other choices follow, best first. Empty when
    tesseract did not run with ``lstm_choice_mode=2``.
    """

    text: str
    bbox: Box
    conf: float | None
    chars: list[list[Choice]] = field(default_factory=list)


@dataclass
class HocrLine:
    """One text line, numbered like TSV (``block``/``paragraph``/``line`` from 1)."""

    block: int
    paragraph: int
    line: int
    bbox: Box
    x_size: float | None
    words: list[HocrWord] = field(default_factory=list)
    #: the baseline's slope (hOCR ``baseline``: rise over run, y down), None when not given
    slope: float | None = None


@dataclass
class HocrPage:
    """One ``ocr_page``: its box (the image size) and its lines in reading order."""

    index: int  # ppageno, 0-based
    bbox: Box
    lines: list[HocrLine] = field(default_factory=list)


@dataclass
class HocrResult:
    """A parsed hOCR document and the engine version named in its header."""

    pages: list[HocrPage]
    engine_version: str | None = None


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _bbox(title: str) -> Box:
    m = _BBOX.search(title)
    if m is None:
        raise HocrError(f"element without bbox: {title!r}")
    x0, y0, x1, y1 = (int(v) for v in m.groups())
    return (x0, y0, x1, y1)


def _float(pattern: re.Pattern[str], title: str) -> float | None:
    m = pattern.search(title)
    return float(m.group(1)) if m else None


def _children(el: ET.Element) -> list[ET.Element]:
    return [c for c in el if c.tag in (f"{_NS}span", f"{_NS}div", f"{_NS}p", "span", "div", "p")]


def _word_text(el: ET.Element) -> str:
    parts = [el.text or ""]
    for child in el:
        if "ocrx_cinfo" not in _classes(child):  # <strong>/<em> around the text
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _char_choices(el: ET.Element) -> list[list[Choice]]:
    """The ``lstm_choices`` positions of a word, best first; whitespace positions left out."""
    positions: list[list[Choice]] = []
    for group in el:
        if not (group.get("id") or "").startswith("lstm_choices"):
            continue
        choices: list[Choice] = []
        for span in group:
            conf = _float(_CONFS, span.get("title") or "")
            if conf is not None:
                choices.append((span.text or "", conf))
        choices.sort(key=lambda c: -c[1])
        if not choices or not choices[0][0].strip():
            continue  # the space before the word, or an empty step
        positions.append([c for c in choices if c[0].strip()])
    return positions


def align_choices(text: str, positions: list[list[Choice]],
                  fallback: float) -> list[list[Choice]]:
    """One list of choices per character of ``text``, the character itself first.

    The LSTM's choice positions do not always spell the word tesseract finally wrote
    (its beam search may differ), so they are aligned to the text by edit distance: a
    position matches a character when any of its choices is that character. The
    character comes first with its own confidence from the matched position, or with
    ``fallback`` (the word's confidence) when no position holds it; the position's other
    choices follow, best first.
    """
    tops = [p[0][0] for p in positions]
    if len(positions) == len(text) and all(t == c for t, c in zip(tops, text, strict=True)):
        return [list(p) for p in positions]
    n, m = len(text), len(positions)
    sets = [{c for c, _ in p} for p in positions]
    # dist[i][j]: edit distance between text[:i] and positions[:j]
    dist = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dist[i][0] = i
    for j in range(m + 1):
        dist[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            sub = 0 if text[i - 1] in sets[j - 1] else 1
            dist[i][j] = min(dist[i - 1][j - 1] + sub, dist[i - 1][j] + 1, dist[i][j - 1] + 1)
    matched: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        sub = 0 if text[i - 1] in sets[j - 1] else 1
        if dist[i][j] == dist[i - 1][j - 1] + sub:
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif dist[i][j] == dist[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    out: list[list[Choice]] = []
    for k, ch in enumerate(text):
        if k not in matched:
            out.append([(ch, fallback)])
            continue
        pos = positions[matched[k]]
        own = next((conf for c, conf in pos if c == ch), fallback)
        out.append([(ch, own), *((c, conf) for c, conf in pos if c != ch)])
    return out


def _walk(el: ET.Element, page: HocrPage, counters: list[int]) -> None:
    """Fill ``page`` from ``el`` depth-first; counters = [block, paragraph, line]."""
    for child in _children(el):
        cls = _classes(child)
        if cls & _BLOCK_CLASSES:
            counters[0] += 1
            counters[1] = 0
            counters[2] = 0
            _walk(child, page, counters)
        elif "ocr_par" in cls:
            counters[1] += 1
            counters[2] = 0
            _walk(child, page, counters)
        elif cls & _LINE_CLASSES:
            counters[2] += 1
            title = child.get("title") or ""
            line = HocrLine(block=counters[0], paragraph=max(counters[1], 1), line=counters[2],
                            bbox=_bbox(title), x_size=_float(_XSIZE, title),
                            slope=_float(_BASELINE, title))
            for w in _children(child):
                if "ocrx_word" not in _classes(w):
                    continue
                text = _word_text(w)
                if not text:
                    continue
                wtitle = w.get("title") or ""
                conf = _float(_WCONF, wtitle)
                positions = _char_choices(w)
                chars = (align_choices(text, positions, conf)
                         if positions and conf is not None else [])
                line.words.append(HocrWord(text=text, bbox=_bbox(wtitle), conf=conf, chars=chars))
            page.lines.append(line)
        else:
            _walk(child, page, counters)


def parse_hocr(data: str | bytes) -> HocrResult:
    """Parse tesseract hOCR into pages, lines and words (see the module docstring)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise HocrError(f"not well-formed hOCR: {exc}") from exc
    version = None
    for meta in root.iter(f"{_NS}meta"):
        if meta.get("name") == "ocr-system":
            m = _SYSTEM.search(meta.get("content") or "")
            version = m.group(1) if m else None
    pages: list[HocrPage] = []
    for div in root.iter(f"{_NS}div"):
        if "ocr_page" not in _classes(div):
            continue
        title = div.get("title") or ""
        pageno = _PAGENO.search(title)
        page = HocrPage(index=int(pageno.group(1)) if pageno else len(pages), bbox=_bbox(title))
        _walk(div, page, [0, 0, 0])
        pages.append(page)
    if not pages and root.find(f".//{_NS}body") is None:
        raise HocrError("no hOCR body")
    return HocrResult(pages=pages, engine_version=version)
