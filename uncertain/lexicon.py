"""Lexicons: word lists of drugs and clinical terms, their file format and the loader.

A lexicon file is UTF-8 text (``.tsv``, optionally gzip-compressed as ``.tsv.gz``; UTF-16
or UTF-32 with a byte-order mark; a ``.csv`` file is read as CSV, and a field in double
quotes loses them). ``#`` starts a comment line, blank lines are ignored, an optional
header line reads ``term<TAB>canonical<TAB>kind<TAB>prior<TAB>ids`` (or a prefix of it).
Each data line has 1 to 5 tab-separated columns in that order:

- ``term`` (required): a surface form as people write or say it, at most
  :data:`MAX_TERM_LENGTH` (200) characters, as a canonical and a kind;
- ``canonical`` (default: the term): the name it stands for;
- ``kind`` (default ``term``): ``generic``, ``brand``, ``abbreviation``, ``unit``, ... ;
- ``prior`` (default 0.5): commonness in [0, 1];
- ``ids``: ``key:value`` pairs separated by ``;`` (``drugbank:DB00331;unii:9100L32L2N``).

A one-column file is a plain word list (a formulary). Lines that share a normalised
term and canonical are merged (highest prior, union of ids). This module owns the
format, the loader, the check report (``uncertain lexicon``) and the English word
frequencies (wordfreq) that say which words are ordinary English.
"""

from __future__ import annotations

import errno
import gzip
import logging
import math
import os
import re
import stat
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from uncertain._assets import built_once, lexicon_dir
from uncertain._context import classify, strip_punct
from uncertain._io import BOMS, NOT_REGULAR, bomless_utf16, sniff_bytes
from uncertain.errors import LexiconError, shown

__all__ = [
    "DOSED_KINDS",
    "ENGLISH_MIN_ZIPF",
    "MAX_TERM_LENGTH",
    "Entry",
    "Lexicon",
    "LexiconProblem",
    "LexiconReport",
    "check_lexicon",
    "default_lexicons",
    "english_zipf",
    "everyday",
    "format_report",
    "is_english_word",
    "is_shipped",
    "load_lexicon",
    "load_lexicons",
    "matchable",
    "names_drug",
    "normalize_term",
    "shipped_lexicons",
    "split_source",
    "takes_dose",
    "visible",
]

logger = logging.getLogger("uncertain")

#: Zipf frequency (wordfreq, English) from which a word counts as ordinary English:
#: about once per million words of running text.
ENGLISH_MIN_ZIPF = 3.0

#: the most characters of a term, a canonical or a kind: the longest of the shipped
#: lexicons are 59 and 79 ("pupils equal, round and reactive to light and
#: accommodation"); a line of megabytes (a file of another format with no line break)
#: is no name, and is refused by line
MAX_TERM_LENGTH = 200

HEADER = ("term", "canonical", "kind", "prior", "ids")
DEFAULT_KIND = "term"
DEFAULT_PRIOR = 0.5
_SUFFIXES = (".tsv.gz", ".tsv")
_GZIP_MAGIC = b"\x1f\x8b"

# Hyphens, dashes, the minus sign and underscores become a space; apostrophes vanish, and
# so do dots (``b.i.d.`` -> ``bid``, ``St. John's`` -> ``st johns``) unless a digit
# follows (``0.5``, ``.5``).
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d_]+")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u201b\u02bc\u02b9`\u00b4]")
_DOTS = re.compile(r"\.(?!\d)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]")
_IDS = re.compile(r"[a-z]+:[^;:\s]+(?:;[a-z]+:[^;:\s]+)*")
_PLAIN = re.compile(r"[A-Za-z0-9/%+]+(?: [A-Za-z0-9/%+]+)*")


@dataclass(frozen=True, slots=True)
class Entry:
    """One surface form of a lexicon and what it stands for; as in a lexicon file, only
    the term is needed (``Entry("Zapain")``: its own canonical, kind ``term``, prior 0.5;
    :meth:`Lexicon.from_entries` gives it the lexicon's name)."""

    term: str
    canonical: str = ""
    kind: str = "term"
    prior: float = 0.5
    ids: tuple[tuple[str, str], ...] = ()
    lexicon: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.term, str) or not self.term.strip():
            raise ValueError("empty term")
        if self.canonical == "":
            object.__setattr__(self, "canonical", self.term)
        if not self.kind.islower() and self.kind.lower() != self.kind:
            # "Brand" is the kind brand, "Unit" a unit: kinds are compared in lower case
            object.__setattr__(self, "kind", sys.intern(self.kind.lower()))
        if not _WORD.search(self.term) and not normalize_term(self.term):
            raise ValueError(f"term {self.term!r} is empty once normalised")
        if not self.canonical.strip():
            raise ValueError(f"entry {self.term!r} needs a non-empty canonical")
        if not (0.0 <= self.prior <= 1.0):
            raise ValueError(f"entry {self.term!r}: prior {self.prior} is outside [0, 1]")


#: entry kinds that are a dose's context, not a drug
_CONTEXT_KINDS = frozenset({"unit", "form", "term"})


def names_drug(kind: str | None, lexicon: str | None) -> bool:
    """Whether a term of this kind and lexicon names a drug, not a dose's context (a
    unit, a form, a clinical word)."""
    return kind not in _CONTEXT_KINDS and lexicon != "clinical"


#: kinds of the clinical lexicon that a dose or a prescribing word governs: products
#: taken by a name of their own, of no single drug ("stool softener", "insulin"). A class
#: of drugs ("a statin", kind ``class``) is said as itself: a misheard run before a dose
#: is a drug's name, not "antidepressant"
DOSED_KINDS = frozenset({"product"})


def takes_dose(kind: str | None, lexicon: str | None) -> bool:
    """Whether a dose or a prescribing word can govern a term of this kind and lexicon
    as a misheard name: a drug or a product; not a unit or a dose form, nor in the
    clinical lexicon a condition, a test, a class or an abbreviation ("for the infection,
    500 mg" is no infarction)."""
    if lexicon == "clinical":
        return kind in DOSED_KINDS
    return kind not in ("unit", "form")


def visible(text: str) -> str:
    """``text`` without the characters that do not show (Unicode's format characters: a
    soft hyphen, a zero-width space or joiner, a byte-order mark, direction marks), which
    a PDF's or a web page's text carries inside words: "met\u00adformin" is metformin."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def normalize_term(text: str) -> str:
    """The key terms are matched on: NFKC, casefolded, hyphens to spaces, no apostrophes
    or abbreviation dots (a dot before a digit stays), whitespace collapsed and stripped,
    without the characters that do not show (:func:`visible`)."""
    if text.isascii() and _PLAIN.fullmatch(text):
        return text.lower()
    text = unicodedata.normalize("NFKC", visible(text)).casefold()
    text = _DASHES.sub(" ", text)
    text = _APOSTROPHES.sub("", text)
    text = _DOTS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _merge(entries: Iterable[Entry], conflicts: list[str] | None = None
           ) -> tuple[dict[tuple[str, str], Entry], int]:
    """One entry per (normalised term, normalised canonical): the first seen surface form,
    the first kind given (a kind beats the default ``term``: a line of the term alone adds
    nothing), the highest prior, the union of ids. Returns them by key, and how many
    merged; ``conflicts`` collects what the merged lines disagreed on and what was kept."""
    merged: dict[tuple[str, str], Entry] = {}
    canonicals: dict[str, str] = {}
    dropped = 0
    for entry in entries:
        term = normalize_term(entry.term)
        if entry.canonical is entry.term:  # (a word list's entry: its own canonical, not
            canonical = term  # kept twice, nor in the table of canonicals met)
        else:
            met = canonicals.get(entry.canonical)
            if met is None:
                met = canonicals[entry.canonical] = normalize_term(entry.canonical)
            canonical = met
        key = (term, canonical)
        seen = merged.get(key)
        if seen is None:
            merged[key] = entry
            continue
        dropped += 1
        ids = seen.ids + tuple(i for i in entry.ids if i not in seen.ids)
        kind = entry.kind if seen.kind == DEFAULT_KIND else seen.kind
        if conflicts is not None:
            conflicts.extend(_conflicts(seen, entry, kind))
        if entry.prior > seen.prior or ids != seen.ids or kind != seen.kind:
            merged[key] = replace(seen, prior=max(seen.prior, entry.prior), ids=ids, kind=kind)
    return merged, dropped


def _conflicts(seen: Entry, entry: Entry, kind: str) -> list[str]:
    """What a duplicate ``entry`` of ``seen`` says otherwise, and what is kept."""
    name = f"{seen.term} -> {seen.canonical}"
    out = []
    if entry.kind != seen.kind:
        other = entry.kind if kind == seen.kind else seen.kind
        why = "over the default" if other == DEFAULT_KIND else "the first given, over"
        out.append(f"{name}: kind {kind} kept, {why} {other}")
    if entry.prior != seen.prior:
        out.append(f"{name}: prior {max(seen.prior, entry.prior):g} kept, the highest, over "
                   f"{min(seen.prior, entry.prior):g}")
    return out


def _index(keyed: Iterable[tuple[str, Entry]]) -> dict[str, tuple[Entry, ...]]:
    """Normalised term -> its entries, best prior first (stable for equal priors)."""
    found: dict[str, list[Entry]] = {}
    for key, entry in keyed:
        found.setdefault(key, []).append(entry)
    return {
        key: tuple(sorted(entries, key=lambda e: -e.prior)) if len(entries) > 1 else (entries[0],)
        for key, entries in found.items()
    }


class Lexicon:
    """A named, merged set of entries with exact lookup on the normalised term."""

    __slots__ = ("_by_term", "entries", "name", "path")

    def __init__(self, name: str, entries: Iterable[Entry], path: Path | None = None) -> None:
        """Index ``entries`` as given; :meth:`from_entries` also merges duplicates."""
        self.name = name
        self.path = path
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._by_term: dict[str, tuple[Entry, ...]] | None = None

    @property
    def _index(self) -> dict[str, tuple[Entry, ...]]:
        """Normalised term -> its entries, built at the first look-up: the validator
        indexes a lexicon's entries its own way and never looks a term up here, and a
        million terms of a user's held 150 MB in this table for nothing."""
        found = self._by_term
        if found is None:  # (two threads may build it at once: either one is kept)
            found = self._by_term = _index((normalize_term(e.term), e) for e in self.entries)
        return found

    @classmethod
    def from_entries(cls, name: str, entries: Iterable[Entry], path: Path | None = None) -> Lexicon:
        """Build a lexicon from entries: duplicates are merged, each entry takes ``name``."""
        merged, _ = _merge(e if e.lexicon == name else replace(e, lexicon=name) for e in entries)
        return cls._from_merged(name, merged, path)

    @classmethod
    def _from_merged(
        cls, name: str, merged: dict[tuple[str, str], Entry], path: Path | None
    ) -> Lexicon:
        lexicon = cls.__new__(cls)
        lexicon.name = name
        lexicon.path = path
        lexicon.entries = tuple(merged.values())
        lexicon._by_term = None  # (its keys are the terms normalised: built when asked)
        return lexicon

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and normalize_term(term) in self._index

    def get(self, term: str) -> list[Entry]:
        """Entries whose normalised term equals ``term`` normalised, best prior first."""
        return list(self._index.get(normalize_term(term), ()))

    def terms(self) -> list[str]:
        """The distinct normalised terms (the keys :meth:`get` answers)."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"Lexicon(name={self.name!r}, entries={len(self.entries)}, path={self.path!r})"


@dataclass(frozen=True, slots=True)
class LexiconProblem:
    """A malformed line: where and why."""

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class LexiconReport:
    """What :func:`check_lexicon` found in one lexicon file."""

    path: Path
    name: str
    lines: int
    data_lines: int
    entries: int
    merged_duplicates: int
    canonicals: int
    ambiguous_terms: int
    kinds: dict[str, int] = field(default_factory=dict)
    errors: tuple[LexiconProblem, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no line is malformed."""
        return not self.errors


#: the name of ``NAME=FILE``: a word, no path's separator or drive
_SOURCE_NAME = re.compile(r"[^\W][\w.+-]*")


def split_source(source: str | os.PathLike[str]) -> tuple[str | None, str | os.PathLike[str]]:
    """``NAME=FILE`` -> (NAME, FILE); a shipped name, an existing file (whose name may hold
    an ``=``) or anything else -> (None, ``source``). NAME is a word (letters, digits,
    ``_.+-``): ``C:\\x=y.tsv`` or ``./a=b.tsv`` is a path."""
    if isinstance(source, str) and "=" in source and source not in shipped_lexicons():
        name, _, rest = source.partition("=")
        if _SOURCE_NAME.fullmatch(name) and rest and not os.path.exists(source):
            return name, rest
    return None, source


def _resolve(source: str | os.PathLike[str]) -> Path:
    """A shipped lexicon name (``drugs``) or a file path -> the file."""
    if isinstance(source, str) and source in shipped_lexicons():
        return _shipped_path(source)
    path = Path(source)
    if not path.is_file():
        what = _what_it_is(path)
        if what is None:  # (nothing by that name: a shipped lexicon's, mistyped?)
            shipped = ", ".join(shipped_lexicons())
            raise LexiconError(path, f"no such file, and no shipped lexicon by that name "
                               f"({shipped})")
        # (something by that name, which is no file: a shipped name was not meant, and
        # "no shipped lexicon by that name" sent the user looking for one)
        raise LexiconError(path, what)
    return path


def _what_it_is(path: Path) -> str | None:
    """What ``path``, which names no regular file, is, as a lexicon's error says it: a
    folder, a pipe ("--lexicon <(grep ... formulary.tsv)"), a socket or a device, a loop
    of links or a link to nothing; None when nothing is there."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"a loop of links ({exc.strerror})"
        if path.is_symlink():
            return f"a link to nothing ({os.readlink(path)})"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        return f"cannot read: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "a folder, not a lexicon file"
    kind = ("a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else NOT_REGULAR)
    # (a lexicon file is read more than once: checked, parsed, and its index cached by
    # its content)
    return f"{kind}, not a regular file: save what it gives to a file and name that"


def _shipped_path(name: str) -> Path:
    for suffix in _SUFFIXES:
        path = lexicon_dir() / f"{name}{suffix}"
        if path.is_file():
            return path
    raise LexiconError(lexicon_dir() / name, "shipped lexicon missing")


def _name_of(path: Path, name: str | None) -> str:
    """The name of the lexicon in file ``path``: ``name``, or the file's stem. A file of
    the user's does not take a shipped lexicon's name, which the validator treats as that
    lexicon ("clinical": its words are no drugs): by its stem it is named by its file name
    (``clinical.tsv``), and given such a name it is refused."""
    stem = _stem(path)
    shipped = shipped_lexicons()
    if (name or stem) not in shipped:
        return name or stem
    try:
        own = path.resolve() == _shipped_path(name or stem).resolve()
    except (OSError, LexiconError):
        own = False
    if own:
        return name or stem
    if name is not None:
        raise LexiconError(path, f"{name!r} is the name of a shipped lexicon, which the "
                           "validator treats as that lexicon: give the file another name")
    return path.name


def _stem(path: Path) -> str:
    """The file's name without ``.gz`` and a text lexicon's suffix (``.tsv``, ``.txt``,
    ``.csv``): ``f.csv.gz`` is named ``f`` as ``f.csv`` is (it was ``f.csv``)."""
    name = path.name
    packed = name.endswith(".gz") and len(name) > 3
    if packed:
        name = name[:-3]
    for suffix in (".tsv", ".txt", ".csv"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name if packed else path.stem


#: what to do with a file that is not UTF-8
_SAVE_AS_UTF8 = "save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\" or \"Unicode Text\")"


#: reads of a lexicon file that changes while it is read, before it is refused
_READS = 3


def read_whole(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The bytes of the file ``path`` and its stat as they were read: a file that changed
    while it was read (rewritten in place, or another renamed over it: its stat after
    the read, by the file read and by its path, is not the one before) is read again, up
    to :data:`_READS` times, then refused with :class:`LexiconError`. A formulary read
    while it was being written was loaded half (a last line cut short, a term "Q")."""
    for _ in range(_READS):
        try:
            with open(path, "rb") as fh:
                before = os.fstat(fh.fileno())
                data = fh.read()
                after = os.fstat(fh.fileno())
            now = os.stat(path)
        except OSError as exc:
            raise LexiconError(path, f"cannot read: {exc.strerror or exc}") from exc
        if file_signature(before) == file_signature(after) == file_signature(now):
            return data, before
    raise LexiconError(path, f"changed while it was read, {_READS} times: read it once it "
                       "is written (write a new file and rename it over the old one)")


def file_signature(st: os.stat_result) -> tuple[int, ...]:
    """What of a file's stat changes when it is written or replaced: device, inode, size,
    modification and change times."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _read_bytes(path: Path, raw: bytes | None = None) -> tuple[bytes, str | None, bool]:
    """The file's bytes (``raw`` when given: the file as read before) as UTF-8, gunzipped
    when it starts with the gzip magic, without a byte-order mark (UTF-16 and UTF-32 with
    one are re-encoded, and UTF-16 without one that :func:`uncertain._io.bomless_utf16`
    recognises); the second value names the encoding so guessed, or is None; the third
    says whether the bytes were gzip-compressed."""
    data = read_whole(path)[0] if raw is None else raw
    packed = data[:2] == _GZIP_MAGIC
    if packed:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise LexiconError(path, f"not a valid gzip file: {exc}") from exc
    binary = _binary_content(data[:4096])
    if binary is not None:  # (each of its lines was said undecodable, a thousand of them)
        # (a gzipped WAV was said to be "audio (WAV)": the file is no WAV, its content is)
        held = f"gzip-compressed, and what it holds is {binary}" if packed else binary
        raise LexiconError(path, f"not a lexicon: the file is {held}; a lexicon is UTF-8 "
                           "text, one term a line (TSV or CSV), or such a file gzipped")
    for bom, encoding in BOMS:  # ("Unicode Text" of a spreadsheet is UTF-16 with a mark)
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                return data[len(bom):], None, packed  # (decoded line by line: a bad byte is
                # said by line)
            try:
                return data.decode(encoding).encode("utf-8"), None, packed
            except UnicodeDecodeError as exc:
                name = encoding.upper()
                # (the line the bad bytes are on: what decodes before them is whole)
                line = data[:exc.start].decode(encoding, "replace").count("\n") + 1
                raise LexiconError(path, f"invalid {name} (byte-order mark of {name}, "
                                   f"bad bytes at offset {exc.start}): a line cut short, "
                                   "or a file of two encodings?", line=line) from exc
    if b"\x00" in data[:4096]:
        bomless = bomless_utf16(data)
        if bomless is not None:
            return data.decode(bomless).encode("utf-8"), bomless, packed
    return data, None, packed


#: containers of other files by their first bytes (a spreadsheet saved as .xlsx or .ods is
#: a ZIP archive, an old .xls an OLE2 compound file), and what each is called
_ARCHIVES = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx, .ods or .docx is one: save the sheet as "
     "\"CSV UTF-8\")"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office file (.xls, .doc: save the "
     "sheet as \"CSV UTF-8\")"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz-compressed file (only gzip is read: .tsv.gz)"),
    (b"BZh", "a bzip2-compressed file (only gzip is read: .tsv.gz)"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file (only gzip is read: .tsv.gz)"),
)


def _binary_content(head: bytes) -> str | None:
    """What a file whose first bytes are ``head`` is, when it is no text (audio, an image,
    a PDF, an archive, other binary content), else None. Known formats are told by their
    magic bytes; a text file that happens to open with such bytes still decodes as text,
    and is read as one (only a PDF is refused by its header alone)."""
    for magic, what in _ARCHIVES:
        if head.startswith(magic) and not _decodes(head):
            return what
    if head[257:262] == b"ustar":
        return "a tar archive"
    sniffed = sniff_bytes(head)
    if sniffed.kind == "pdf":
        return "a PDF document"
    if sniffed.kind in ("audio", "image") and not _decodes(head):
        what = "audio" if sniffed.kind == "audio" else "an image"
        return f"{what} ({sniffed.format.upper()})"
    if sniffed.kind == "unknown" and sniffed.format == "binary" and _mostly_binary(head):
        return "binary, not text"
    return None


#: the share of a file's first characters, undecodable or control characters, from which
#: it is binary content (a text file with a few bad lines has them said line by line)
_BINARY_SHARE = 0.3


def _mostly_binary(head: bytes) -> bool:
    text = head.decode("utf-8", "replace")
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r"))
    return bad >= _BINARY_SHARE * len(text)


def _decodes(head: bytes) -> bool:
    """Whether ``head`` is UTF-8 text without a NUL (a multi-byte character cut by its
    end is still text)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def _not_utf8(data: bytes, byte: int) -> str:
    """What an undecodable byte of ``data`` says, and what to do."""
    if b"\x00" in data[:4096]:  # ASCII written two or four bytes a letter
        return f"invalid UTF-8 (byte {byte:#04x}): UTF-16 without a byte-order mark? " \
            + _SAVE_AS_UTF8
    return f"invalid UTF-8 (byte {byte:#04x}): " + _SAVE_AS_UTF8


def _decode_lines(path: Path, data: bytes, problems: list[LexiconProblem] | None) -> list[str]:
    """The lines of UTF-8 ``data`` (``\\n`` or ``\\r\\n`` endings, or ``\\r`` in a file
    with no ``\\n``: an old Mac editor's, which text documents are read with too). An
    undecodable line raises, or is reported into ``problems`` and read as blank."""
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        if problems is None:
            line = data.count(b"\n", 0, exc.start) + 1
            raise LexiconError(path, _not_utf8(data, data[exc.start]), line=line) from exc
        lines = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError as line_exc:
                problems.append(LexiconProblem(number, _not_utf8(data, raw[line_exc.start])))
                lines.append("")
    if not data or data.endswith(b"\n"):  # (not an undecodable last line, read blank)
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _parse_ids(text: str) -> tuple[tuple[str, str], ...]:
    if _IDS.fullmatch(text):  # the common, tidy case: "drugbank:DB00331;unii:9100L32L2N"
        pairs = [part.partition(":") for part in text.split(";")]
        return tuple(dict.fromkeys((key, value) for key, _, value in pairs))
    ids: list[tuple[str, str]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key or not value or len(key.split()) != 1:
            raise ValueError(f"bad ids {text!r}: expected key:value pairs separated by ';'")
        if (key, value) not in ids:
            ids.append((key, value))
    return tuple(ids)


def _parse_line(
    columns: list[str], name: str, ids_cache: dict[str, tuple[tuple[str, str], ...]]
) -> Entry:
    if len(columns) > len(HEADER):
        raise ValueError(f"{len(columns)} columns, at most {len(HEADER)} ({', '.join(HEADER)})")
    columns = [c.strip() for c in columns] + [""] * (len(HEADER) - len(columns))
    term, canonical, kind, prior_text, ids_text = columns
    if not term:
        raise ValueError("empty term")
    for what, text in (("term", term), ("canonical", canonical), ("kind", kind),
                       ("ids", ids_text)):
        if len(text) > MAX_TERM_LENGTH and what != "ids":  # (said before what it holds:
            raise ValueError(_too_long(what, text))  # not quoted whole)
        bad = _CONTROL.search(text)
        if bad is not None:  # a NUL pasted from a binary or a spreadsheet's cell break; a
            # line or paragraph separator pasted from a word processor (it was read as a
            # space, "Zor vaxin", two words)
            char = bad.group()
            said = ("control character" if unicodedata.category(char) == "Cc" else
                    "line break")
            name = "" if said[0] == "c" else f" ({unicodedata.name(char)})"
            raise ValueError(f"{said} U+{ord(char):04X}{name} in the {what}"
                             f"{_at(text, bad.start())}")
        if not text.isascii():
            # a zero-width space pasted from a web page or a word processor: "Zor\u200bvaxin"
            # looks like Zorvaxin and matches nothing
            for at, char in enumerate(text):
                if unicodedata.category(char) == "Cf":
                    name = unicodedata.name(char, "format character")
                    raise ValueError(f"invisible character U+{ord(char):04X} ({name}) in the "
                                     f"{what}{_at(text, at)}")
    prior = DEFAULT_PRIOR
    if prior_text:
        try:
            prior = float(prior_text)
        except ValueError:
            raise ValueError(f"bad prior {prior_text!r}: not a number") from None
        if math.isnan(prior) or not 0.0 <= prior <= 1.0:
            raise ValueError(f"bad prior {prior_text!r}: must be in [0, 1]")
    ids = ids_cache.get(ids_text) if ids_text else ()
    if ids is None:
        ids = ids_cache[ids_text] = _parse_ids(ids_text)
    # canonicals and kinds repeat across lines: share one string object each
    canonical = sys.intern(canonical) if canonical else term
    return Entry(term, canonical, sys.intern(kind) if kind else DEFAULT_KIND, prior, ids, name)


def _too_long(what: str, text: str) -> str:
    """What a ``what`` (term, canonical, kind) longer than :data:`MAX_TERM_LENGTH` says:
    its length and its beginning, not the whole of it."""
    why = " (a double quote that never closes?)" if "\n" in text else ""
    return (f"the {what} is {len(text):,} characters long, at most {MAX_TERM_LENGTH}{why}: "
            f"{text[:40]!r}...")


#: characters no name holds (C0 and C1 controls, NEL among them; a tab separates
#: columns), and the two line breaks of Unicode's own (U+2028, U+2029)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _at(text: str, index: int) -> str:
    """Where the character at ``index`` of a field is, for a message: its place (1 for
    the first) and what comes before it, not the whole field (a term holds up to
    :data:`MAX_TERM_LENGTH` characters)."""
    if index == 0:
        return f", its first character (of {len(text)}), before {text[1:21]!r}"
    return f", character {index + 1} of {len(text)}, after {text[max(0, index - 20):index]!r}"


def _stray_quote(columns: list[str]) -> str | None:
    """What a double quote of a tab-separated line's ``columns`` that pairs with none
    says, or None. A field in quotes loses them (:func:`_unquote`); a quote after a digit
    is an inch or a second (``Tylenol 5" tube``), and a pair inside a field is kept as
    written (``Tylenol "PM"``); a quote left alone (``"Zorvaxin``, ``Zor"vaxin``,
    ``10 mg"``: a quoted field holding a tab, split there, or a quote never closed) was
    kept in the name, which then matched no word."""
    for number, column in enumerate(columns):
        text = column.strip()
        if '"' not in text or (len(text) > 1 and text[0] == text[-1] == '"'):
            continue
        if _AFTER_DIGIT.sub("", text).count('"') % 2:
            what = HEADER[number] if number < len(HEADER) else f"column {number + 1}"
            return (f"a double quote that pairs with none in the {what} {_clip(text)}: a "
                    "quoted field holding a tab (split there), or a quote never closed? "
                    "Columns are separated by tabs; a quote inside a quoted field is "
                    'written twice ("")')
    return None


_AFTER_DIGIT = re.compile(r'(?<=\d)"')


def _clip(text: str) -> str:
    """``text`` quoted for a message, its first 40 characters when longer."""
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}..."


def _is_header(columns: list[str]) -> bool:
    """Whether ``columns`` are a header: ``term``, ``canonical``, ... or a prefix of them
    (``term`` alone, a word list's header)."""
    names = tuple(c.strip().lstrip("\ufeff").lower() for c in columns)
    return 0 < len(names) <= len(HEADER) and names == HEADER[: len(names)]


def _unquote(columns: list[str]) -> list[str]:
    """Columns without the double quotes a spreadsheet puts around a field (``"a, b"``),
    as CSV reads them: ``""`` inside is one quote."""
    return [c[1:-1].replace('""', '"') if len(c) > 1 and c[0] == c[-1] == '"' else c
            for c in (c.strip() for c in columns)]


def _csv_rows(lines: list[str]) -> Iterator[tuple[int, list[str], str | None]]:
    """The rows of a CSV file's ``lines``, the line each begins on and what is wrong with
    its quotes (or None): comma-separated (or semicolon-separated, or tab-separated, when
    the first line that is no comment holds no comma but those), double quotes honoured
    (:func:`_csv_fields`), comments and blank lines kept as rows of one column."""
    delimiter = ","
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")),
                 "")
    if "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    at = 0
    while at < len(lines):
        line = lines[at]
        number = at + 1
        at += 1
        if not line.strip() or line.lstrip().startswith("#"):
            yield number, [line], None
        elif '"' not in line:
            yield number, line.split(delimiter), None
        else:
            fields, problem, at = _csv_fields(lines, at - 1, delimiter)
            # (a row refused is its line as written: what is said of it is the problem)
            yield number, fields if problem is None else [line], problem


#: a CSV field's opening double quote (after any spaces: ``term, "canonical"``)
_CSV_QUOTE = re.compile(' *"')


def _csv_fields(lines: list[str], at: int, delimiter: str) -> tuple[list[str], str | None, int]:
    """The fields of the CSV row that begins on ``lines[at]``, what is wrong with its
    quotes (or None), and the index of the line after the row (a quoted field may hold a
    line break: the row goes on until its quote closes).

    A field in double quotes, ``""`` inside it one quote, loses them, as Python's ``csv``
    reads it; where ``csv`` took text after a field's closing quote into the field
    (``"Zor"vaxin``: ``Zorvaxin``), kept a quote left alone in a field not quoted
    (``Zor"vaxin``, ``10 mg"``: matching no word), or stopped with its own error naming
    no file, the quote is said, by column, as a tab-separated file's is
    (:func:`_stray_quote`). A quote after a digit (an inch) and a pair inside a field
    not quoted (``Tylenol "PM"``) are kept as written, as there."""
    text = lines[at]
    end_line = at + 1
    fields: list[str] = []
    pos = 0
    while True:
        column = len(fields)
        what = HEADER[column] if column < len(HEADER) else f"column {column + 1}"
        opening = _CSV_QUOTE.match(text, pos)
        if opening is None:  # a field not quoted: to the next separator
            cut = text.find(delimiter, pos)
            field_text = text[pos:] if cut < 0 else text[pos:cut]
            if '"' in field_text and _AFTER_DIGIT.sub("", field_text).count('"') % 2:
                return fields, (f"a double quote that pairs with none in the {what} "
                                f"{_clip(field_text.strip())}: {_CSV_QUOTING}"), end_line
            fields.append(field_text)
            if cut < 0:
                return fields, None, end_line
            pos = cut + 1
            continue
        inside = opening.end()
        look = inside
        start_line = end_line
        while True:  # the closing quote: one not doubled
            close = text.find('"', look)
            if close < 0 and end_line < len(lines):
                text += "\n" + lines[end_line]
                end_line += 1
                continue
            if close >= 0 and text.startswith('""', close):
                look = close + 2
                continue
            break
        after = close + 1
        while close >= 0 and text.startswith(" ", after):
            after += 1
        if close < 0 or (after < len(text) and not text.startswith(delimiter, after)):
            opened = text[opening.start():].split("\n", 1)[0]
            if close < 0 or end_line > start_line:
                # (the lines after it are read on their own: a quote never closed, not
                # the rest of the file in one field)
                return fields, (f"a double quote that never closes in the {what} "
                                f"{_clip(opened.strip())}: {_CSV_QUOTING}"), at + 1
            cut = text.find(delimiter, after)
            written = text[opening.start():] if cut < 0 else text[opening.start():cut]
            return fields, (f"text after the closing double quote of the {what} "
                            f"{_clip(written.strip())}: {_CSV_QUOTING}"), at + 1
        fields.append(text[inside:close].replace('""', '"'))
        if after >= len(text):
            return fields, None, end_line
        pos = after + 1


#: how a CSV field holding a double quote is written, for the messages of one that is not
_CSV_QUOTING = ('a field holding a quote or the separator is written in double quotes '
                'whole, and a quote inside it twice ("")')


@dataclass(slots=True)
class _Parsed:
    """What :func:`_parse` read: entries in file order, line counts, and what hints at a
    file of another format (a one-column file's terms holding commas or runs of spaces)."""

    entries: list[Entry]
    lines: int
    data_lines: int
    numbers: list[int] = field(default_factory=list)  # each entry's line (checked only)
    wide: int = 1  # most columns on a data line
    commas: list[int] = field(default_factory=list)  # lines whose term holds a comma
    spaced: list[int] = field(default_factory=list)  # ... (or canonicals) a run of spaces
    commented: list[int] = field(default_factory=list)  # comment lines such as "#3"
    guessed: str | None = None  # the encoding of a file read as UTF-16 without a mark
    plain_gz: bool = False  # named .gz, but not gzip-compressed

    def warnings(self) -> list[str]:
        """What hints the file was not read as meant, said, not refused: a file named .gz
        that is not gzip-compressed, one read as UTF-16 without a mark, a one-column file
        whose terms hold commas or runs of spaces (likely a table of another format; a
        term may hold a comma), lines of a file of columns whose term or canonical holds
        a run of spaces (a column spaced apart), comment lines that may be terms."""
        out = []
        if self.plain_gz:  # (a formulary saved as text under the shipped ones' name, or
            # compressed after all and damaged)
            out.append("named .gz but not gzip-compressed: read as plain text")
        if self.guessed is not None:
            out.append(f"no byte-order mark, but every other byte is NUL: read as "
                       f"{self.guessed.upper()}; {_SAVE_AS_UTF8}")
        if self.wide == 1:
            for found, what, hint in ((self.commas, "a comma", "comma-separated (name it "
                                       ".csv)"),
                                      (self.spaced, "a run of spaces", "space-separated")):
                if found:
                    lines = ", ".join(map(str, found[:5])) + (", ..." if len(found) > 5 else "")
                    out.append(f"{len(found)} terms hold {what} (line{'s' * (len(found) > 1)} "
                               f"{lines}) and no line "
                               f"has a tab: is the file {hint}? Columns are separated by tabs")
        elif self.spaced:  # (a file of tabs: a line whose columns someone spaced apart)
            found = self.spaced
            lines = ", ".join(map(str, found[:5])) + (", ..." if len(found) > 5 else "")
            one = len(found) == 1
            out.append(f"line{'' if one else 's'} {lines} hold{'s' if one else ''} a run of "
                       "spaces inside a term or canonical, in a file of several columns: "
                       "is a column separated by spaces there, not by the file's separator? "
                       f"{'It is' if one else 'They are'} read as written, the spaces "
                       "inside the name")
        if self.commented:
            found = self.commented
            lines = ", ".join(map(str, found[:5])) + (", ..." if len(found) > 5 else "")
            one = len(found) == 1
            out.append(f"line{'' if one else 's'} {lines} start{'s' if one else ''} with '#' "
                       f"and a digit, as a term such as \"#3\" does, but "
                       f"{'is' if one else 'are'} read as a comment: a term beginning with "
                       "'#' is written in double quotes")
        return out


_RUN_OF_SPACES = re.compile(r"\S {2,}\S")


def _parse(path: Path, name: str, problems: list[LexiconProblem] | None,
           raw: bytes | None = None) -> _Parsed:
    """Entries of a file (of ``raw``, its bytes as read before, when given), in file order.
    Raises on the first malformed line, or collects malformed lines into ``problems`` when
    given (an unreadable file or broken gzip still raises). A ``.csv`` file is read as CSV,
    other files as tab-separated."""
    data, guessed, packed = _read_bytes(path, raw)
    lines = _decode_lines(path, data, problems)
    csv_file = path.name.lower().endswith((".csv", ".csv.gz"))
    rows: Iterable[tuple[int, list[str], str | None]] = (
        _csv_rows(lines) if csv_file
        else ((n, [line], None) for n, line in enumerate(lines, 1)))
    parsed = _Parsed([], len(lines), 0, guessed=guessed,
                     plain_gz=not packed and path.name.lower().endswith(".gz"))
    entries = parsed.entries
    ids_cache: dict[str, tuple[tuple[str, str], ...]] = {}
    header_allowed = True
    for number, row, quoting in rows:
        line = row[0]
        if len(row) == 1 and (not line.strip() or line.lstrip().startswith("#")):
            if line.lstrip()[1:2].isdigit():  # "#3": a term, or a comment? ("# 3 x" is one)
                parsed.commented.append(number)
            continue
        if csv_file:
            columns = row
        else:
            columns = line.split("\t")
            if '"' in line:
                columns = _unquote(columns)
        if columns[0].strip().lstrip("\ufeff").lower() == "term" and _is_header(columns):
            if header_allowed:
                header_allowed = False
                continue
            if len(columns) > 1 or columns[0].strip() != "term":  # ("term" is a word too)
                message = ("a header line after the first entry (files joined with cat?): "
                           "keep one header, at the top")
                if problems is None:
                    raise LexiconError(path, message, line=number)
                problems.append(LexiconProblem(number, message))
                continue
        header_allowed = False
        parsed.data_lines += 1
        if len(columns) > parsed.wide:
            parsed.wide = len(columns)
        if len(columns) == 1:
            if "," in line:
                parsed.commas.append(number)
            if "  " in line and _RUN_OF_SPACES.search(line):
                parsed.spaced.append(number)
        elif ("  " in line or csv_file) and any(
                "  " in c and _RUN_OF_SPACES.search(c) for c in columns[:2]):
            parsed.spaced.append(number)  # ("Zapain  codeine<TAB>brand": told if tabs are
            # the file's separator, below)
        try:
            if quoting is not None:  # (a CSV row's, by _csv_rows)
                raise ValueError(quoting)
            if '"' in line and not csv_file and (stray := _stray_quote(line.split("\t"))):
                raise ValueError(stray)
            entries.append(_parse_line(columns, name, ids_cache))
            if problems is not None:  # (the check report's: loading needs no line numbers)
                parsed.numbers.append(number)
        except ValueError as exc:
            if problems is None:
                raise LexiconError(path, str(exc), line=number) from None
            problems.append(LexiconProblem(number, str(exc)))
    return parsed


def load_lexicon(source: str | os.PathLike[str], *, name: str | None = None) -> Lexicon:
    """Load a shipped lexicon by name (``"drugs"``, ``"clinical"``) or a lexicon file
    (``"formulary.tsv"``, or ``"hospA=hospA/formulary.tsv"`` to name it).

    ``name`` defaults to the file stem (the file name when the stem is a shipped
    lexicon's: ``clinical.tsv``); a shipped lexicon's name is refused for a file of the
    user's. A shipped lexicon is read once per process and shared (treat a
    :class:`Lexicon` as read-only). Raises :class:`LexiconError` naming the path and line
    of the first malformed line, or when the source is neither a file nor shipped.
    """
    if isinstance(source, str) and (name is None or name == source):
        if source in shipped_lexicons():
            return _shipped(source)
    return _load(source, name)


@built_once()
def _shipped(name: str) -> Lexicon:
    """A shipped lexicon, read back from the cache where it was kept parsed
    (:func:`uncertain._index_cache.cached_lexicon`), else parsed (0.3 s of CPU)."""
    from uncertain._index_cache import cached_lexicon

    return cached_lexicon(_shipped_path(name), lambda raw, said: _load(name, None, raw, said))


def _load(source: str | os.PathLike[str], name: str | None,
          raw: bytes | None = None, said: list[str] | None = None) -> Lexicon:
    """The lexicon ``source``; ``said`` collects the warnings its file gave (logged)."""
    given, source = split_source(source)
    path = _resolve(source)
    lexicon_name = _name_of(path, name or given)
    parsed = _parse(path, lexicon_name, None, raw)
    for warning in parsed.warnings():
        logger.warning("%s: %s", shown(path), warning)
        if said is not None:
            said.append(warning)
    merged, dropped = _merge(parsed.entries)
    logger.debug(
        "lexicon %s: %d entries from %s (%d merged)", lexicon_name, len(merged), path, dropped
    )
    return Lexicon._from_merged(lexicon_name, merged, path)


def lexicon_state(lexicon: Lexicon, warnings: list[str]) -> dict[str, Any]:
    """What :func:`lexicon_from_state` makes ``lexicon`` again of (JSON data, by column:
    read back 5x faster than by entry), and the ``warnings`` its file gave."""
    entries = lexicon.entries
    kinds = sorted({e.kind for e in entries})
    number = {kind: n for n, kind in enumerate(kinds)}
    return {
        "name": lexicon.name, "warnings": warnings, "kinds": kinds,
        "terms": [e.term for e in entries],
        # (null: the term's own, for the canonical and the key most terms are)
        "canonicals": [None if e.canonical == e.term else e.canonical for e in entries],
        "kind": [number[e.kind] for e in entries],
        "priors": [e.prior for e in entries],
        # ("drugbank:DB00331;unii:9100L32L2N", as in the file: a key holds no ":" and
        # neither a ";")
        "ids": [";".join(f"{key}:{value}" for key, value in e.ids) for e in entries],
        "keys": [None if (key := normalize_term(e.term)) == e.term else key for e in entries],
    }


def lexicon_from_state(path: Path, state: dict[str, Any]) -> Lexicon:
    """The lexicon of file ``path`` that :func:`lexicon_state` described, its file's
    warnings logged as when it is parsed. Raises ValueError, TypeError, KeyError or
    IndexError for a state that does not describe one."""
    name = state["name"]
    kinds = [sys.intern(kind) for kind in state["kinds"]]
    shared: dict[str, tuple[tuple[str, str], ...]] = {"": ()}
    entries = []
    terms = state["terms"]
    for term, canonical, kind, prior, text in zip(
            terms, state["canonicals"], state["kind"], state["priors"], state["ids"],
            strict=True):
        ids = shared.get(text)
        if ids is None:  # (one tuple for equal ids, as parsed)
            ids = shared[text] = tuple((key, value) for key, _, value in (
                pair.partition(":") for pair in text.split(";")))
        entries.append(Entry(term, term if canonical is None else sys.intern(canonical),
                             kinds[kind], prior, ids, name))
    keys = [term if key is None else key for key, term in zip(state["keys"], terms,
                                                                strict=True)]
    for warning in state["warnings"]:
        logger.warning("%s: %s", shown(path), warning)
    lexicon = Lexicon.__new__(Lexicon)
    lexicon.name = name
    lexicon.path = path
    lexicon.entries = tuple(entries)
    lexicon._by_term = _index(zip(keys, entries, strict=True))
    logger.debug("lexicon %s: %d entries from %s (kept parsed)", name, len(entries), path)
    return lexicon


def load_lexicon_bytes(source: str | os.PathLike[str], raw: bytes) -> Lexicon:
    """The lexicon file ``source`` (``FILE`` or ``NAME=FILE``) as :func:`load_lexicon` loads
    it, from ``raw``, the bytes read from it: the validator's cache reads a file once,
    keys its index on a hash of those bytes and parses the same bytes, so that a file
    rewritten meanwhile is not indexed under the key of another content."""
    return _load(source, None, raw)


def load_lexicons(sources: Iterable[str | os.PathLike[str] | Lexicon]) -> list[Lexicon]:
    """Load several lexicons; :class:`Lexicon` objects pass through unchanged."""
    return [s if isinstance(s, Lexicon) else load_lexicon(s) for s in sources]


def shipped_lexicons() -> list[str]:
    """Names of the lexicons shipped under ``lexicons/``, sorted."""
    try:
        folder = lexicon_dir()
    except FileNotFoundError:
        return []
    names = {_stem(p) for p in folder.iterdir() if p.is_file() and p.name.endswith(_SUFFIXES)}
    return sorted(names)


def is_shipped(lexicon: Lexicon) -> bool:
    """True for a shipped lexicon as :func:`load_lexicon` shares it (not a copy or a file)."""
    return lexicon.name in shipped_lexicons() and _shipped(lexicon.name) is lexicon


def default_lexicons() -> list[Lexicon]:
    """The shipped ``drugs`` and ``clinical`` lexicons, loaded once per process."""
    return [_shipped("drugs"), _shipped("clinical")]


_LOWER_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1 << 16)
def english_zipf(word: str) -> float:
    """Zipf frequency of ``word`` in English (wordfreq): 0 when unknown, ~7 for "the"."""
    if _LOWER_WORD.fullmatch(word):
        # one lower-case word is its own token: its frequency is read straight from
        # wordfreq's table, as zipf_frequency would, without tokenizing (10x faster)
        frequency = _english_frequencies().get(word, 0.0)
        return round(math.log10(frequency) + 9.0, 2) if frequency > 0 else 0.0
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en")) if word.strip() else 0.0


def everyday(term: str) -> float:
    """How far ``term`` (normalised) is above the frequency of ordinary English, in zipf
    units: 0 for a word rarer than ``ENGLISH_MIN_ZIPF`` (3), 1.84 for "solution"."""
    words = term.split()
    if len(words) > 1 and any(_LOWER_WORD.fullmatch(w) and english_zipf(w) < ENGLISH_MIN_ZIPF
                               for w in words):
        return 0.0  # wordfreq makes a phrase rarer than its rarest word
    return round(max(0.0, english_zipf(term) - ENGLISH_MIN_ZIPF), 4)


@built_once()
def _english_frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def is_english_word(word: str, *, min_zipf: float = ENGLISH_MIN_ZIPF) -> bool:
    """True when ``word`` is ordinary English: zipf frequency at least ``min_zipf``."""
    return english_zipf(word) >= min_zipf


#: disagreements of duplicate lines the check report lists one by one
_MAX_CONFLICTS = 20


def check_lexicon(source: str | os.PathLike[str]) -> LexiconReport:
    """Read a lexicon file (or shipped name) and report counts, malformed lines and warnings
    instead of raising on the first problem. Raises :class:`LexiconError` only when the
    source cannot be read at all (missing, unreadable, broken gzip)."""
    given, source = split_source(source)
    path = _resolve(source)
    name = _name_of(path, given)
    problems: list[LexiconProblem] = []
    parsed = _parse(path, name, problems)
    lines, data_lines = parsed.lines, parsed.data_lines
    problems.sort(key=lambda p: p.line or 0)  # (undecodable lines are found first)
    conflicts: list[str] = []
    merged, dropped = _merge(parsed.entries, conflicts)
    by_term: dict[str, set[str]] = {}
    for term, canonical in merged:
        by_term.setdefault(term, set()).add(canonical)
    ambiguous = sum(1 for canonicals in by_term.values() if len(canonicals) > 1)
    warnings = parsed.warnings()
    unmatched = [(number, entry.term) for entry, number in zip(parsed.entries, parsed.numbers,
                                                                strict=True)
                 if not matchable(entry.term)]
    warnings += [f"line {number}: the term {term!r} is read as a number, not a word: the "
                 "validator never matches it (a term with a name, \"Tylenol #3\", is matched "
                 "whole)" for number, term in unmatched[:_MAX_CONFLICTS]]
    if len(unmatched) > _MAX_CONFLICTS:
        warnings.append(f"... and {len(unmatched) - _MAX_CONFLICTS} more terms read as numbers")
    if data_lines == 0 and not problems:
        warnings.append("no entries")
    if dropped:
        warnings.append(f"{dropped} duplicate lines merged into existing entries")
        warnings += [f"duplicate {c}" for c in conflicts[:_MAX_CONFLICTS]]
        if len(conflicts) > _MAX_CONFLICTS:
            warnings.append(f"... and {len(conflicts) - _MAX_CONFLICTS} more disagreements "
                            "of duplicate lines")
    return LexiconReport(
        path=path,
        name=name,
        lines=lines,
        data_lines=data_lines,
        entries=len(merged),
        merged_duplicates=dropped,
        canonicals=len({canonical for _, canonical in merged}),
        ambiguous_terms=ambiguous,
        kinds=dict(Counter(e.kind for e in merged.values()).most_common()),
        errors=tuple(problems),
        warnings=tuple(warnings),
    )


def matchable(term: str) -> bool:
    """Whether the validator can find ``term`` written in a text: a word of it reads as a
    word ("Tylenol #3"), or it is one unit or frequency, which the dose's rules read
    ("mg", "BID"); not numbers, marks and units alone ("3000", "10 mg"), a dose's."""
    kinds = [classify(strip_punct(part)) for part in normalize_term(term).split(" ")]
    return "word" in kinds or (len(kinds) == 1 and kinds[0] in ("unit", "frequency"))


#: malformed lines the check report lists one by one (a file in another encoding has
#: every line with an accent malformed, thousands)
_MAX_ERRORS = 50


def format_report(report: LexiconReport) -> str:
    """The report as text for the ``uncertain lexicon`` command."""
    out = [
        f"lexicon {shown(report.name)}: {shown(report.path)}",
        f"  lines              {report.lines}",
        f"  data lines         {report.data_lines}",
        f"  entries            {report.entries}",
        f"  merged duplicates  {report.merged_duplicates}",
        f"  canonicals         {report.canonicals}",
        f"  ambiguous terms    {report.ambiguous_terms}",
    ]
    out += [f"  kind {kind:<14}{count}" for kind, count in report.kinds.items()]
    out += [f"  warning: {w}" for w in report.warnings]
    for problem in report.errors[:_MAX_ERRORS]:
        where = shown(report.path) + (f":{problem.line}" if problem.line is not None else "")
        out.append(f"  error: {where}: {problem.message}")
    if len(report.errors) > _MAX_ERRORS:  # (the rest are in report.errors)
        rest = report.errors[_MAX_ERRORS:]
        out.append(f"  error: ... and {len(rest)} more malformed lines (lines "
                   f"{rest[0].line}-{rest[-1].line}): mend those above and check again")
    # merged duplicates are said, and are no fault: the format merges them
    out.append("  status: " + (f"{len(report.errors)} malformed lines" if not report.ok
                               else "no entries" if not report.entries else "ok"))
    return "\n".join(out)
