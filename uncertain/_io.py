"""Input files: existence checks, content hashing and format sniffing by magic bytes.

Every stage calls :func:`check_input` first, so a missing or zero-byte file gives the
same error everywhere, and :func:`sniff` decides what a file is from its content.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    MissingFileError,
    UnsupportedFormatError,
)

Kind = Literal["audio", "image", "pdf", "text", "unknown"]

#: sound, and the video files whose sound is read (each one a file FFmpeg decoded and the
#: sniffer took for audio)
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".bwf", ".flac", ".mp3", ".mpga", ".mp2", ".ogg", ".oga", ".ogv",
     ".opus", ".m4a", ".m4b", ".m4r", ".mp4", ".m4v", ".3gp", ".3g2", ".aac", ".adts",
     ".webm", ".weba", ".wma", ".wmv", ".asf", ".aif", ".aiff", ".aifc", ".mka", ".mkv",
     ".mov", ".au", ".snd", ".caf", ".ac3", ".eac3", ".amr", ".w64", ".rf64", ".wv", ".avi",
     ".ts", ".mts", ".m2ts", ".mpg", ".mpeg", ".flv"}
)
IMAGE_EXTENSIONS = frozenset(
    {".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".mpo", ".jp2", ".j2k", ".j2c",
     ".jpx", ".jpf", ".tif", ".tiff", ".bmp", ".dib", ".gif", ".webp", ".pnm", ".pbm", ".pgm",
     ".ppm", ".heic", ".heif", ".hif", ".avif"}
)
PDF_EXTENSIONS = frozenset({".pdf"})
TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".srt", ".vtt"})
#: what a folder walk takes: a file named as one of these (other files are left out)
INPUT_EXTENSIONS = AUDIO_EXTENSIONS | IMAGE_EXTENSIONS | PDF_EXTENSIONS | TEXT_EXTENSIONS
#: major brands of an ISO media file that is a still image: HEIF/HEIC, AVIF
_STILL_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
                           b"msf1", b"avif", b"avis"})


@dataclass(frozen=True)
class Sniffed:
    """What a file's first bytes say it is."""

    kind: Kind
    format: str  # "wav", "flac", "png", "pdf", "utf-8", ...


#: why a named input that is neither a file nor a folder is not read
NOT_REGULAR = "not a regular file (a pipe, a socket or a device)"


def require_path(path: object, caller: str, *, in_memory: str = "") -> None:
    """Raise ``TypeError`` unless ``path`` is a path (a str or an ``os.PathLike``), saying
    what was given: the stages read a file by its name (audio is decoded by FFmpeg,
    images by Pillow and tesseract, each from the path), and a file object or a file's
    bytes otherwise failed with Python's "expected str, bytes or os.PathLike object".
    ``in_memory`` says what takes the content itself, when something does."""
    if isinstance(path, str | os.PathLike):
        return
    name = getattr(path, "name", None)
    held = (f"a file object ({type(path).__name__}): pass its path, {name!r}"
            if isinstance(name, str) else
            f"{type(path).__name__}: pass the file's path (a str or pathlib.Path)")
    raise TypeError(f"{caller}() reads a file by its path, not {held}"
                    + (f"; {in_memory}" if in_memory and not isinstance(name, str) else ""))


#: a URL's start (``https://``, ``s3://``, ``gs://``; a ``pathlib.Path`` of one keeps one
#: slash, ``https:/``)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def _missing(path: Path) -> str:
    """Why ``path``, not found, is not: no such file, a link to nothing (a folder's such
    link is said so too), or "-" named where a file is read, not standard input."""
    if path.is_symlink():
        return f"a link to nothing ({os.readlink(path)})"
    if os.fspath(path) == "-":
        return ("no such file ('-' is standard input to annotate, batch, render and "
                "reconcile, and eval's and calibrate's --refs and --docs, only: save the "
                "input to a file and name it)")
    return "no such file"


def check_input(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path, or raise if it is missing, unreadable or empty."""
    if not os.fspath(path):  # Path("") is ".", which "is a directory"
        raise MissingFileError("", "the path is empty: name a file")
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError as exc:
        # a URL read as a path said "https:/host/a.wav: no such file", one slash gone
        if _URL.match(os.fspath(path)):
            raise MissingFileError(os.fspath(path), "a URL, not a file: files are read "
                                   "from disk, so download it first") from exc
        raise MissingFileError(p, _missing(p)) from exc
    except OSError as exc:
        raise MissingFileError(p, f"cannot read: {exc.strerror or exc}") from exc
    if p.is_dir():
        raise MissingFileError(p, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):  # reading a FIFO waits for a writer that never comes
        raise UnsupportedFormatError(p, NOT_REGULAR)
    if not os.access(p, os.R_OK):
        raise MissingFileError(p, "permission denied")
    if st.st_size == 0:
        raise EmptyInputError(p, "file is empty (0 bytes)")
    return p


def read_standard_input(stream: BinaryIO, limit: int = -1, *, what: str) -> bytes:
    """``stream`` (standard input's bytes) read to its end, ``limit`` bytes at most (-1: no
    limit). When it is a terminal, a line on stderr first says what is read and how to end
    it, as nothing else would: a command named "-" without a pipe waited, silently, for
    ``what`` (its noun, "the text") to be typed."""
    try:
        terminal = stream.isatty()
    except (OSError, ValueError):  # (a closed or unusual stream: no terminal to tell)
        terminal = False
    if terminal and sys.stderr is not None:
        end = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D at the start of a line"
        print(f"uncertain: reading {what} from the terminal (standard input, '-'): type or "
              f"paste it, then end it with {end} (Ctrl-C gives up)", file=sys.stderr,
              flush=True)
    return stream.read(limit)


def json_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a JSON-lines file, numbered from 1, read one at a time and split at
    line feeds only: a JSON string may hold U+2028, U+0085 or a form feed unescaped (a
    saved document does), at which ``str.splitlines`` would break it. A line that is not
    UTF-8 is a :class:`CorruptInputError` naming the line and the byte's offset in the
    file; a byte-order mark before the first line is dropped."""
    offset = 0
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorruptInputError(
                    path, f"line {number}: not UTF-8: byte {raw[exc.start]:#04x} at offset "
                          f"{offset + exc.start}") from exc
            offset += len(raw)
            yield number, line.removeprefix("\ufeff") if number == 1 else line


def sha256_file(path: str | os.PathLike[str], *, chunk_size: int = 1 << 20) -> str:
    """The hex SHA-256 of a file's content, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk_size), b""):
            h.update(block)
    return h.hexdigest()


#: the byte-order marks of Unicode text and the codec each names, longest first: the
#: UTF-32 LE mark begins with the UTF-16 LE one
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bomless_utf16(data: bytes, *, whole: bool = True) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` is UTF-16 text without a
    byte-order mark, else None.

    Text in a Latin script written two bytes a letter has a NUL in the high byte of
    nearly every letter, and almost never in the low one; the whole of ``data`` must
    decode strictly, and its first 2,048 characters hold no control character but tabs
    and line breaks (16-bit audio samples or other binary content decode to those).
    Text in other scripts, and UTF-32, are not guessed at. ``whole=False`` takes ``data``
    as a file's first bytes, which may end inside a character.
    """
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 2 or (whole and len(data) % 2):
        return None
    low_zero = head[0:2 * pairs:2].count(0) / pairs
    high_zero = head[1:2 * pairs:2].count(0) / pairs
    if high_zero >= 0.6 and low_zero <= 0.02:
        encoding = "utf-16-le"
    elif low_zero >= 0.6 and high_zero <= 0.02:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = (data if whole else data[:2 * (len(data) // 2)]).decode(encoding)
    except UnicodeDecodeError as exc:
        if whole or exc.start < len(data) - 4:  # (a sample may end inside a pair)
            return None
        text = data[:exc.start].decode(encoding)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text[:2048]):
        return None
    return encoding


def _is_mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        # ID3v2: major version 2-4, revision < 0xFF, then four sync-safe size bytes
        return len(head) >= 10 and head[3] in (2, 3, 4) and head[4] < 0xFF and all(
            b < 0x80 for b in head[6:10]
        )
    # an MPEG audio frame header: 11 sync bits, a valid layer and bitrate
    return (
        len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        and head[1] & 0x06 != 0 and head[2] & 0xF0 != 0xF0
    )


def _is_bmp(head: bytes) -> bool:
    # "BM", file size, four reserved zero bytes, pixel offset
    return head[:2] == b"BM" and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00"


def _is_pnm(head: bytes) -> bool:
    if len(head) < 4 or head[:1] != b"P" or head[1:2] not in b"123456" or not head[2:3].isspace():
        return False
    rest = head[3:].lstrip()
    while rest.startswith(b"#"):
        rest = rest.split(b"\n", 1)[-1].lstrip()
    return rest[:1].isdigit()


#: a PDF header after up to 1 KB of something else (a byte-order mark, a blank line, a
#: mail or web server's header: readers accept it), followed by the comment of four
#: bytes over 127 that writers put on the next line to mark the file binary (so that a
#: text that quotes a PDF header stays text)
_LATE_PDF = re.compile(rb"%PDF-[12]\.\d[ \t]*\r?\n?\r?%[\x80-\xff]{4}")


def _late_pdf(head: bytes) -> bool:
    start = head.find(b"%PDF-", 0, 1024)
    return start > 0 and _LATE_PDF.match(head, start) is not None


#: the GUIDs that open a Sony Wave64 file and an ASF (Windows Media) file
_W64 = b"riff\x2e\x91\xcf\x11\xa5\xd6\x28\xdb\x04\xc1\x00\x00"
_ASF = b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c"
#: other sound formats by their first bytes: Sun/NeXT audio, Core Audio, AMR
_AUDIO_MAGIC = ((b".snd", "au"), (b"caff", "caf"), (b"#!AMR", "amr"))


#: an MPEG transport stream's packets (a camcorder's .mts, a broadcast recording's .ts):
#: each opens with this sync byte, 188 bytes apart, or 192 with a Blu-ray's (.m2ts) time
#: code before each; how many must be seen before a file is taken for one (a text that
#: begins with a "G" has no other at the same steps)
_TS_SYNC = 0x47
_TS_PACKETS = ((188, 0), (192, 4))
_TS_SEEN = 3


def _is_transport_stream(head: bytes) -> bool:
    for size, offset in _TS_PACKETS:
        starts = range(offset, len(head), size)
        if len(starts) >= _TS_SEEN and all(head[i] == _TS_SYNC for i in starts):
            return True
    return False


#: an SVG drawing: its root element, after any XML declaration, comments and doctype
_SVG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*"
                  rb"<svg[\s>/]", re.DOTALL | re.IGNORECASE)


#: text that is not a transcript, but markup or data holding one: a JSON object or array
#: (a document uncertain saved, a batch run's records, another engine's output), a web
#: page, a word processor's RTF. Each was read as prose, its braces and tags as words
_NOT_PROSE = (
    ("json", re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:\{\s*\"|\[\s*\{)")),
    ("html", re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+html|<html[\s>])",
                        re.DOTALL | re.IGNORECASE)),
    ("rtf", re.compile(rb"(?:\xef\xbb\xbf)?\s*\{\\rtf")),
)


def sniff_bytes(head: bytes) -> Sniffed:
    """Identify a format from the first bytes of a file (at least 16 are best; a
    transport stream is known from 3 packets' sync bytes, 565 bytes)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "wav")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed("audio", "avi")  # a video: its sound is what is read
    if head[:4] == b"wvpk":
        return Sniffed("audio", "wavpack")
    if head[:4] == b"\x00\x00\x01\xba":
        return Sniffed("audio", "mpeg")  # an MPEG program stream (.mpg, a DVD's .vob)
    if head[:4] == b"FLV\x01" and head[5:9] == b"\x00\x00\x00\x09":
        return Sniffed("audio", "flv")
    if _is_transport_stream(head):
        return Sniffed("audio", "mpegts")
    if head[:4] in (b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return Sniffed("audio", "rf64")  # a WAV over 4 GB (broadcast, field recorders)
    if head[:16] == _W64:
        return Sniffed("audio", "w64")
    if head[:16] == _ASF:
        return Sniffed("audio", "asf")  # .wma (and .wmv)
    for magic, name in _AUDIO_MAGIC:
        if head.startswith(magic):
            return Sniffed("audio", name)
    if head[:2] == b"\x0b\x77":
        return Sniffed("audio", "ac3")
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return Sniffed("audio", "aac")  # an ADTS frame header: MPEG sync, layer 0
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "webp")
    if head[:4] == b"fLaC":
        return Sniffed("audio", "flac")
    if head[:4] == b"OggS":
        return Sniffed("audio", "ogg")
    if head[4:8] == b"ftyp":
        # the ISO media box holds phone photos (HEIC) and AVIF as well as M4A/MP4 audio
        if head[8:12] in _STILL_BRANDS:
            return Sniffed("image", "avif" if b"avif" in head[8:40] else "heif")
        return Sniffed("audio", "m4a")
    if head[:4] == b"\x1aE\xdf\xa3":
        return Sniffed("audio", "webm")
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return Sniffed("audio", "aiff")
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return Sniffed("image", "png")
    if head[:3] == b"\xff\xd8\xff":
        return Sniffed("image", "jpeg")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return Sniffed("image", "tiff")  # classic TIFF, or BigTIFF (a scan over 4 GB)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "gif")
    if head[:5] == b"%PDF-" or _late_pdf(head):
        return Sniffed("pdf", "pdf")
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51":
        return Sniffed("image", "jpeg2000")  # a JP2 file, or a bare codestream (.j2k)
    if _SVG.match(head):
        return Sniffed("unknown", "svg")  # text, but markup of a picture, not words
    for name, pattern in _NOT_PROSE:
        if pattern.match(head):
            return Sniffed("unknown", name)
    if any(head.startswith(bom) for bom, _ in BOMS):
        return Sniffed("text", "bom")
    if _is_mp3(head):
        return Sniffed("audio", "mp3")
    if _is_bmp(head):
        return Sniffed("image", "bmp")
    if _is_pnm(head):
        return Sniffed("image", "pnm")
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut by the end of the sample is still text
            if exc.start < len(head) - 3:
                if legacy_text(head) is not None:
                    return Sniffed("text", LEGACY_ENCODING)
                if not _damaged_utf8(head):
                    return Sniffed("unknown", "binary")
        return Sniffed("text", "utf-8")
    bomless = bomless_utf16(head, whole=False)
    if bomless is not None:
        return Sniffed("text", bomless)
    return Sniffed("unknown", "binary")


#: formats by the bytes they open with, the fewest bytes a whole file of each holds (the
#: fixed header the format is known by, or read by) and what it is called; a RIFF file is
#: called by its name's extension when that is one RIFF holds
_HEADERS: tuple[tuple[bytes, int, str], ...] = (
    (b"RIFF", 12, "RIFF"),
    (b"RF64", 12, "RF64 WAV"),
    (b"BW64", 12, "BW64 WAV"),
    (b"FORM", 12, "AIFF"),
    (b"fLaC", 42, "FLAC"),  # the marker and the STREAMINFO block every FLAC holds
    (b"OggS", 27, "Ogg"),  # one page header
    (b"ID3", 10, "MP3 ID3"),
    (b"%PDF-", 8, "PDF"),  # "%PDF-1.7"
    (b"\x89PNG\r\n\x1a\n", 33, "PNG"),  # the signature and the IHDR chunk
    (b"II*\x00", 8, "TIFF"),
    (b"MM\x00*", 8, "TIFF"),
    (b"GIF87a", 13, "GIF"),
    (b"GIF89a", 13, "GIF"),
)
_RIFF_NAMES = {".wav": "WAV", ".wave": "WAV", ".bwf": "WAV", ".avi": "AVI", ".webp": "WebP"}


def cut_short(data: bytes, name: str | os.PathLike[str] = "") -> tuple[str, int] | None:
    """The format whose header ``data``, a whole file's bytes, holds only the start of
    (a copy or download stopped: a WAV cut to its 4 bytes "RIFF"), and the header's
    length; else None.

    ``data`` is shorter than the header and either a start of the format's opening bytes
    (at least three of them, or all when fewer), or those bytes and then more that are
    not text: a text that merely begins with the letters "RIFF" ("RIFF raff.") is text.
    """
    for magic, need, fmt in _HEADERS:
        if len(data) >= need:
            continue
        if len(data) >= min(3, len(magic)) and magic.startswith(data):
            pass
        elif not data.startswith(magic) or _textual(data[len(magic):]):
            continue
        if fmt == "RIFF":
            fmt = _RIFF_NAMES.get(Path(name).suffix.lower(), "RIFF (WAV, AVI or WebP)")
        return fmt, need
    return None


def _textual(data: bytes) -> bool:
    """Whether ``data`` reads as UTF-8 text without control characters."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _controls(text)


#: what a text file that is not UTF-8 is read as (Windows' superset of Latin-1)
LEGACY_ENCODING = "cp1252"
#: a valid UTF-8 sequence of two to four bytes: a file holding one is UTF-8, maybe damaged
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 text with a few bytes that are not (a stray Latin-1 "\xe9" pasted into it):
    text to its reader, who is told where the bad bytes are, not a format it cannot
    name. At most one character in a hundred is bad, and there is no control character
    but tabs, line breaks and form feeds (binary data has them in any 4 KB)."""
    if not _UTF8_SEQUENCE.search(data):
        return False
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(1, len(text) // 100) and not _controls(text)


def _controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than tabs, line breaks and form
    feeds: text files do not, binary data does."""
    return any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text)


def legacy_text(data: bytes) -> str | None:
    """Bytes that are not UTF-8 read as :data:`LEGACY_ENCODING`, if they are text there
    (else None): no UTF-8 sequence anywhere, every byte defined there, and no control
    character but tabs, line breaks and form feeds."""
    if _UTF8_SEQUENCE.search(data):
        return None
    try:
        text = data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        return None
    if _controls(text):
        return None
    return text


def sniff(path: str | os.PathLike[str], *, size: int = 4096) -> Sniffed:
    """Identify a file's format from its content (see :func:`sniff_bytes`)."""
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(size))


def is_input_name(name: str | os.PathLike[str]) -> bool:
    """Whether a file's name says it is audio, an image, a PDF or text: a folder walk
    reads only those (a file named on its own is read whatever its name)."""
    return Path(name).suffix.lower() in INPUT_EXTENSIONS


def kind_from_extension(path: str | os.PathLike[str]) -> Kind:
    """What a file's extension claims it is."""
    ext = Path(path).suffix.lower()
    if ext in AUDIO_EXTENSIONS:
        return "audio"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in PDF_EXTENSIONS:
        return "pdf"
    if ext in TEXT_EXTENSIONS:
        return "text"
    return "unknown"
