"""The plain-text stage: a transcript written by any other engine, as a ``Document``.

This module owns decoding a text file and cutting it into segments and words, so that
validation and rendering work on it as on the output of the speech and OCR stages.

- **Decoding.** A byte-order mark decides (UTF-8, UTF-16 or UTF-32, either byte order);
  without one the file is UTF-8, or else a legacy Windows file (cp1252, the superset of
  Latin-1 that Windows editors and many record systems write) when it holds no UTF-8
  sequence at all, reads as cp1252 and has no control characters but tabs and line
  breaks: it is read so, with a warning naming the first byte UTF-8 refused. UTF-16
  without a mark, in a Latin script (a NUL in nearly every other byte), is read so, with
  a warning (:func:`uncertain._io.bomless_utf16`). Other content that is a known binary
  format or holds NUL bytes is refused with
  :class:`UnsupportedFormatError`; UTF-8 that is cut short or damaged (some valid
  sequences, some not), or bytes that fit no rule, with :class:`CorruptInputError`
  (pass ``encoding=`` to say what the file uses). The text is put in Unicode NFC, so a
  name typed with combining accents matches the lexicons.
- **Segments.** One segment per non-empty line (``\\n``, ``\\r\\n`` or ``\\r``), in
  order. Most engines write one utterance or caption per line, and the segment's
  ``line`` (1-based, in the file) is its provenance.
- **Layout.** The blank lines before a line (``blank_lines``), its indentation
  (``indent``) and the spaces and tabs between its words (a word's ``whitespace``) are
  kept, so ``Document.text`` and every rendering give a note's paragraphs, lists and
  tab-separated columns back as written. Other whitespace (a no-break space, a form
  feed) counts as one space; spaces at a line's end and blank lines at the start and
  end of the file are dropped.
- **Subtitles.** A file that opens with ``WEBVTT``, or with an SRT cue (a number, then
  ``00:00:01,000 --> 00:00:04,000``), is read cue by cue: one segment per cue, with its
  ``start`` and ``end`` seconds and the ``line`` of its first text line; cue numbers,
  timings, cue settings, ``NOTE``/``STYLE``/``REGION`` blocks and markup tags
  (``<i>``, ``<v Speaker>``, inline timestamps) are not words. ``source.options``
  records ``format`` (``srt`` or ``vtt``).
- **Words.** A line is split on whitespace, Unicode spaces included. Punctuation stays
  attached to its word (``daily.``, ``Okay,``) as Whisper and tesseract report words;
  the validator strips it when it compares words with a lexicon.
- **Confidence.** A plain transcript says nothing about how sure its engine was: every
  ``confidence`` is ``None`` (never 0) and the source says so.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import logging
import os
import re
import unicodedata

from uncertain._io import (
    BOMS,
    LEGACY_ENCODING,
    bomless_utf16,
    check_input,
    legacy_text,
    require_path,
    sha256_file,
    sniff_bytes,
)
from uncertain.document import Document, Segment, Source, Word
from uncertain.errors import (
    CorruptInputError,
    InputTooLargeError,
    MissingFileError,
    UnsupportedFormatError,
)

log = logging.getLogger("uncertain")

UNKNOWN_ENGINE = "unknown"
CONFIDENCE_DEFINITION = (
    "unknown: a plain-text transcript carries no confidence, so every word's confidence "
    "is null (not zero)"
)

# Two- or three-letter signatures a transcript may well start with ("BMI 31", "P2 ...").
_WEAK_SIGNATURES = frozenset({"bmp", "pnm", "mp3"})


#: the largest transcript read, in bytes: 16 MiB is some 2.7 million words, 300 hours of
#: speech, and a document of them holds several GB; past it is a decompression bomb's
#: text (320 MB of it from a 326 KB zip made a 671 MB record), or no transcript
MAX_TEXT_BYTES = 16 << 20

#: what a refusal over the limit says raises it (the command line, which has no option
#: for it, says what to do instead: :func:`uncertain.cli.command_line_words`)
TEXT_RAISES_IT = "(max_bytes= raises it)"


def read_text(
    path: str | os.PathLike[str], *, engine: str | None = None, encoding: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
) -> Document:
    """Read a plain transcript into a ``Document`` with modality ``text``.

    ``engine`` names whatever produced the transcript (``"unknown"`` when not given);
    ``encoding`` overrides the detection described in the module docstring; a file over
    ``max_bytes`` is refused (:class:`InputTooLargeError`).
    """
    require_path(path, "read_text", in_memory="for text in memory: document_from_text(text)")
    p = check_input(path)
    size = p.stat().st_size
    if size > max_bytes:
        raise InputTooLargeError(p, _too_long(size, max_bytes))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise MissingFileError(p, f"cannot read: {exc.strerror or exc}") from exc
    doc = document_from_bytes(data, path=os.fspath(p), sha256=sha256_file(p), engine=engine,
                              encoding=encoding)
    log.debug("read %s (%s): %d segments, %d words", p, doc.source.options.get("encoding"),
              len(doc.segments), len(doc.words))
    return doc


def document_from_bytes(
    data: bytes, *, path: str, sha256: str, engine: str | None = None,
    encoding: str | None = None, max_bytes: int = MAX_TEXT_BYTES,
) -> Document:
    """A transcript's bytes (a file's, or an archive member's) as a ``Document``, decoded
    as the module docstring says; ``path`` names it in errors and warnings. Over
    ``max_bytes`` is refused, as by :func:`read_text`."""
    if len(data) > max_bytes:
        raise InputTooLargeError(path, _too_long(len(data), max_bytes))
    text, used, note = decode_text(data, path=path, encoding=encoding)
    doc = _build(text, path=path, sha256=sha256, engine=engine, encoding=used)
    if note:
        doc = doc.model_copy(update={"warnings": [note, *doc.warnings]})
    return doc


def _too_long(size: int, limit: int) -> str:
    return f"{size} bytes of text, over the limit of {limit} for a transcript {TEXT_RAISES_IT}"


def document_from_text(
    text: str, *, path: str = "<string>", engine: str | None = None
) -> Document:
    """Turn text already in memory into a ``Document`` (sha256 of its UTF-8 bytes)."""
    if not isinstance(text, str):
        raise TypeError(f"document_from_text() takes a str, not {type(text).__name__}"
                        + (" (document_from_bytes reads bytes)" if isinstance(text, bytes)
                           else ""))
    text = text.removeprefix("\ufeff")
    sha = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return _build(text, path=path, sha256=sha, engine=engine, encoding=None)


def check_encoding(encoding: str) -> None:
    """Raise ``ValueError`` unless Python knows a text encoding of this name (base64,
    zlib or rot13 are codecs, but no text's encoding)."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ValueError(f"unknown encoding {encoding!r}") from exc
    try:
        "a".encode(encoding)  # (an empty string is not looked up)
    except LookupError as exc:  # "'base64' is not a text encoding; use codecs.encode()"
        raise ValueError(f"{encoding!r} is not a text encoding") from exc
    except UnicodeError:
        pass  # a text encoding without an "a" (EBCDIC's have one; a 7-bit one may not)


def decode(
    data: bytes, *, path: str | os.PathLike[str], encoding: str | None = None
) -> tuple[str, str]:
    """Decode a transcript's bytes; return the text and the encoding used.

    Raises ``UnsupportedFormatError`` for binary content and ``CorruptInputError`` for
    bytes that are not valid in the detected (or given) encoding, naming ``path``.
    """
    if encoding is not None:
        check_encoding(encoding)
        return _decode_as(data, encoding, path=path), encoding
    for bom, name in BOMS:
        if data.startswith(bom):
            return _decode_as(data, name, path=path), name
    sniffed = sniff_bytes(data[:4096])
    if sniffed.kind not in ("text", "unknown") and sniffed.format not in _WEAK_SIGNATURES:
        raise UnsupportedFormatError(
            path, f"content is {sniffed.format} ({sniffed.kind}), not a plain-text transcript"
        )
    if b"\x00" in data:
        bomless = bomless_utf16(data)
        if bomless is not None:
            return _decode_as(data, bomless, path=path), bomless
        offset = data.index(b"\x00")
        raise UnsupportedFormatError(
            path, f"binary content (NUL byte at offset {offset}), not a plain-text transcript"
        )
    return _decode_as(data, "utf-8", path=path), "utf-8"


def decode_text(data: bytes, *, path: str | os.PathLike[str], encoding: str | None = None
                ) -> tuple[str, str, str | None]:
    """:func:`decode`, falling back to :data:`LEGACY_ENCODING` (see the module docstring),
    as a transcript is read (and ``uncertain reconcile`` reads an answer); the third value
    is the warning to record when it did, or when it read UTF-16 without a mark."""
    try:
        text, used = decode(data, path=path, encoding=encoding)
        if encoding is None and used in ("utf-16-le", "utf-16-be"):
            return text, used, (f"{path}: no byte-order mark, but every other byte is "
                                f"NUL; read as {used.upper()}")
        return text, used, None
    except CorruptInputError as exc:
        if encoding is not None or not isinstance(exc.__cause__, UnicodeDecodeError):
            raise
        cause = exc.__cause__
        legacy = (None if cause.encoding != "utf-8" or cause.reason == "unexpected end of data"
                  else legacy_text(data))
        if legacy is None:
            raise  # UTF-8 cut short or damaged, or no text at all
        bad = data[cause.start:cause.start + 1].hex()
        return legacy, LEGACY_ENCODING, (
            f"{path}: not UTF-8 (byte 0x{bad} at offset {cause.start}); read as "
            f"{LEGACY_ENCODING} (Windows Western European)")


def _decode_as(data: bytes, encoding: str, *, path: str | os.PathLike[str]) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        hint = ("" if encoding != "utf-8"
                else "; if the file uses another encoding, name it (encoding=, --encoding)")
        raise CorruptInputError(
            path, f"not valid {encoding}: byte 0x{bad} at offset {exc.start}{hint}"
        ) from exc
    return text.removeprefix("\ufeff")


#: a cue timing line: [hh:]mm:ss,mmm --> [hh:]mm:ss,mmm (SRT writes a comma, WebVTT a dot)
_TIMING = re.compile(
    r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})\s*-->\s*"
    r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})(?:\s.*)?$")
#: markup inside a cue's text, and only markup: WebVTT's tags (<i>, </b>, <v Speaker>,
#: <c.loud>, <lang en>, <ruby>, <rt>) and inline timestamps (<00:00:01.500>), and the
#: <font color="..."> SRT writers add, with the override blocks of SubStation Alpha
#: subtitles converted to SRT ({\an8} to place a cue at the top, {\i1}, {\pos(10,20)});
#: "BP < 120 and HR > 60" and "{2 tablets}" are text
_CUE_TAG = re.compile(r"</?(?:[bciuv]|lang|ruby|rt|font)(?:[.\s][^<>\n]*)?>"
                      r"|<(?:\d+:)?\d{2}:\d{2}\.\d{3}>|\{\\[^{}\n]*\}", re.IGNORECASE)
#: a line that means to be a cue's timing, readable or not: one time-like token (it holds
#: a digit), the arrow, another ("The arrow --> points" is text)
_TIMING_LIKE = re.compile(r"^\s*\S*\d\S*\s+-->\s+\S*\d")
#: an arrow a timing line was written with ("00:00:05,000 -> 00:00:06,000", "00:xx -->")
_ARROW = re.compile(r"\d\S*\s*(?:-{1,2}>|\u2192|=>)")
#: WebVTT's blocks that hold no cue
_VTT_BLOCKS = frozenset({"WEBVTT", "NOTE", "STYLE", "REGION"})


def subtitle_format(text: str) -> str | None:
    """``"vtt"`` or ``"srt"`` when ``text`` is a subtitle file, else ``None``: a file that
    opens with ``WEBVTT``, or with an SRT cue (a number then a timing line, or a timing
    line alone, as some writers leave the numbers out)."""
    head = [line.strip() for line in text[:4096].splitlines()]
    head = [line for line in head if line][:2]
    if head and (head[0] == "WEBVTT" or head[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        return "vtt"
    if head and _TIMING.match(head[0]):
        return "srt"
    if len(head) == 2 and head[0].isdigit() and _TIMING.match(head[1]):
        return "srt"
    return None


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    return (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            + int(fraction.ljust(3, "0")) / 1000)


def split_cues(text: str, form: str = "srt", notes: list[str] | None = None
               ) -> list[tuple[int, float | None, float | None, str]]:
    """The cues of a subtitle file as (1-based line of the first text line, start, end,
    text with its lines joined and its markup removed; a WebVTT cue's character
    references, ``&lt;`` ``&amp;`` ``&nbsp;``, decoded); cues without words are left
    out. A cue whose timing line cannot be read (``00:00:xx,000 -->``, ``00:00:05,000 ->
    00:00:06,000``, minutes or seconds past 59) keeps its text without times, as does a
    block of text with no timing line at all; one that ends before it starts ends where
    it starts; ``notes`` is told of each, by line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[tuple[int, float | None, float | None, str]] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        timing = _TIMING.match(line)
        opens = k == 0 or not lines[k - 1].strip() or (
            k >= 2 and not lines[k - 2].strip() and lines[k - 1].strip().isdigit())
        k += 1
        start: float | None = None
        end: float | None = None
        if not timing and not _TIMING_LIKE.match(line) and opens and line.strip():
            # a block that opens with no timing it can read: a header or comment block
            # (WEBVTT, NOTE, STYLE, REGION), a cue's number or id before its timing, a
            # timing written some other way, or text with no timing at all
            head = line.strip()
            following = lines[k] if k < len(lines) else ""
            header = head.split(maxsplit=1)[0] in _VTT_BLOCKS
            if header:
                while k < len(lines) and lines[k].strip():
                    k += 1  # the block's own lines are no cue
            if (header or head.isdigit() or _TIMING.match(following)
                    or _TIMING_LIKE.match(following) or _ARROW.search(following)):
                continue
            if _ARROW.search(line):
                if notes is not None:
                    notes.append(f"line {k}: a cue timing that cannot be read "
                                 f"({head!r}); its text is kept without times")
            else:
                k -= 1  # the block is text: its first line is the cue's
                if notes is not None:
                    notes.append(f"line {k + 1}: text without a cue timing; it is kept "
                                 "without times")
        elif timing is not None and _valid(timing.groups()):
            g = timing.groups()
            start, end = _seconds(*g[:4]), _seconds(*g[4:])
            if end < start and notes is not None:
                notes.append(f"line {k}: the cue ends before it starts ({line.strip()}); "
                             "it is taken to end where it starts")
        elif _TIMING_LIKE.match(line):
            if notes is not None:
                notes.append(f"line {k}: a cue timing that cannot be read "
                             f"({line.strip()!r}); its text is kept without times")
        else:
            continue  # a blank line, or a stray line inside a block already read
        first, body = k + 1, []
        while (k < len(lines) and lines[k].strip() and not _TIMING.match(lines[k])
               and not _TIMING_LIKE.match(lines[k])):
            plain = _CUE_TAG.sub("", lines[k])
            body.append(" ".join((html.unescape(plain) if form == "vtt" else plain).split()))
            k += 1
        words = " ".join(part for part in body if part)
        if words:
            cues.append((first, start, None if start is None or end is None
                         else max(start, end), words))
    return cues


def _valid(groups: tuple[str | None, ...]) -> bool:
    """Whether a timing's minutes and seconds are clock readings (under 60)."""
    return all(int(groups[k] or 0) < 60 for k in (1, 2, 5, 6))


def split_words(line: str) -> list[str]:
    """Whitespace-separated words; punctuation stays attached."""
    return line.split()


_RUN = re.compile(r"\s+")
_NOT_BLANK = re.compile(r"[^ \t]")


def _blanks(run: str) -> str:
    """A whitespace run as spaces and tabs: any other whitespace counts as a space."""
    return _NOT_BLANK.sub(" ", run)


def layout_lines(text: str) -> list[tuple[int, int, str, str]]:
    """The non-empty lines of ``text`` as (1-based line number, blank lines before it,
    its indentation as spaces and tabs, the line without its leading and trailing
    whitespace); the first line's count of blank lines is 0."""
    out: list[tuple[int, int, str, str]] = []
    blank = 0
    # str.splitlines would also break on form feeds and Unicode separators; a
    # transcript's lines are the ones a text editor shows.
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        body = line.strip()
        if not body:
            blank += 1
            continue
        indent = _blanks(line[:len(line) - len(line.lstrip())])
        out.append((number, blank if out else 0, indent, body))
        blank = 0
    return out


def layout_words(line: str, page: int | None = None) -> list[Word]:
    """The words of a stripped line, each with the exact spaces and tabs after it where
    they are not one space (and its ``page``, if given)."""
    texts = _RUN.split(line)
    gaps = [_blanks(run) for run in _RUN.findall(line)] + [" "]
    return [Word(text=text, whitespace=None if gap == " " else gap, page=page)
            for text, gap in zip(texts, gaps, strict=True)]


def _line_breaks(text: str) -> int:
    """How many line breaks ``text`` holds (``\r\n``, ``\r`` or ``\n``)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _build(
    text: str, *, path: str, sha256: str, engine: str | None, encoding: str | None
) -> Document:
    text = unicodedata.normalize("NFC", text)
    segments: list[Segment] = []
    options: dict[str, str] = {"encoding": encoding} if encoding is not None else {}
    form = subtitle_format(text)
    notes: list[str] = []
    if form is not None:
        options["format"] = form
        for number, start, end, line in split_cues(text, form, notes):
            words = [Word(text=w) for w in split_words(line)]
            segments.append(Segment(id=len(segments), text=line, words=words, kind="cue",
                                    line=number, start=start, end=end))
    else:
        # a form feed ends a page (pdftotext writes one after each): with one, every
        # line and word says its page, and the rendering marks where pages begin
        parts = text.split("\f")
        before = 0  # the line breaks before the part
        for k, part in enumerate(parts, 1):
            page = k if len(parts) > 1 else None
            for number, blank, indent, line in layout_lines(part):
                segments.append(Segment(id=len(segments), text=line,
                                        words=layout_words(line, page), kind="line",
                                        line=before + number, blank_lines=blank,
                                        indent=indent, page=page))
            before += _line_breaks(part)
    source = Source(
        path=path, sha256=sha256, modality="text", engine=engine or UNKNOWN_ENGINE,
        options=options, confidence_definition=CONFIDENCE_DEFINITION,
    )
    warnings = [f"{path}: {note}" for note in notes]
    if not segments:
        warnings.append(f"{path}: no words (the text is blank)")
    return Document(source=source, segments=segments, warnings=warnings)
