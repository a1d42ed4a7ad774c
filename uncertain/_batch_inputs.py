"""Batch inputs: turning the paths a user names into a stream of items, one per input file.

This module owns what counts as one input of a batch run:

- a plain file is one item (read later by the worker, from its path);
- a directory is walked recursively in sorted order, hidden files and folders skipped;
  it gives the files named as audio, images, PDFs or text (by extension:
  :data:`uncertain._io.INPUT_EXTENSIONS`) and the archives; other files (a sidecar
  ``.json``, a ``.csv``, a script) are left out, counted in one warning per folder;
- a tar (plain, gzip, bzip2, xz) or zip archive is read member by member, in archive
  order, without unpacking anything to disk: each member's bytes are read into memory
  and travel with its item; directories, hidden members and ``__MACOSX`` debris are
  skipped, and members not named as inputs are left out as in a folder; a member with
  an absolute path, a ``..`` component, or that is not a regular file (a link, a
  device) is refused with an error item, never read;
- a manifest (``.jsonl`` with ``{"path": ...}`` lines, or ``.csv`` with a ``path`` column)
  names files, directories or archives; relative paths are resolved against the
  manifest's folder, and a ``..`` in the path so made is taken out ("man/../a.wav" is
  "a.wav", one name for one file);
- ``-`` is standard input: its bytes read whole into memory (up to the limit of an
  archive's member), as a member's are, and keyed ``<stdin>`` (:data:`STDIN`).

An item's ``path`` is its key in the output: the file path as found, or
``ARCHIVE::MEMBER`` for an archive member (``ARCHIVE::MEMBER#2`` for the second member
of that name in one archive, "./a.txt" and "a.txt" being one name, and so on: each is
read, where extracting keeps the last).
Problems found while listing (a bad manifest line, an unreadable archive, an unsafe
member) become items that carry their error, so the runner records them and goes on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from uncertain._io import (
    NOT_REGULAR,
    is_input_name,
    kind_from_extension,
    read_standard_input,
    sha256_file,
)
from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    EncryptedInputError,
    InputError,
    InputTooLargeError,
    MissingFileError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    from uncertain.document import Document

MEMBER_SEPARATOR = "::"
DEFAULT_MAX_MEMBER_BYTES = 2 << 30
"""Largest archive member read into memory: 2 GiB (``max_member_bytes`` raises it)."""

#: the name standard input ("-" among the inputs) is given where a file's path would be:
#: its record's key, its document's ``source.path``, its errors
STDIN = "<stdin>"

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_ZIP_SUFFIXES = (".zip",)
_MANIFEST_SUFFIXES = (".jsonl", ".csv")

log = logging.getLogger("uncertain")


@dataclass(frozen=True)
class Item:
    """One input of a batch: a file to read, an archive member's bytes, or a listing error."""

    path: str
    file: str | None = None
    data: bytes | None = None
    error: InputError | None = None
    #: an archive member's name (its ``path`` is ``ARCHIVE::MEMBER``, or
    #: ``ARCHIVE::MEMBER#2`` for the second member of that name)
    member: str | None = None

    @property
    def name(self) -> str:
        """The file name the item's extension is judged by (the member name for members)."""
        if self.member is not None:
            return self.member
        return self.path.rsplit(MEMBER_SEPARATOR, 1)[-1]

    def sha256(self) -> str | None:
        """The hex SHA-256 of the content, or None when it cannot be read."""
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        if self.file is not None:
            try:
                return sha256_file(self.file)
            except OSError:
                return None
        return None


def is_archive(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is named like a tar or zip archive."""
    name = os.fspath(path).lower()
    return name.endswith(_TAR_SUFFIXES + _ZIP_SUFFIXES)


def is_manifest(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is named like a manifest (``.jsonl`` or ``.csv``)."""
    return os.fspath(path).lower().endswith(_MANIFEST_SUFFIXES)


def iter_items(inputs: Iterable[str | os.PathLike[str]], *,
               max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
               exclude: Iterable[str | os.PathLike[str]] = ()) -> Iterator[Item]:
    """Every input file named by ``inputs``, in order (see the module docstring).

    Files in ``exclude`` (the run's own output, found in an input folder) are left out.
    """
    return _items(inputs, max_member_bytes, exclude, listing=False)


def list_items(inputs: Iterable[str | os.PathLike[str]], *,
               exclude: Iterable[str | os.PathLike[str]] = ()) -> Iterator[str]:
    """The paths :func:`iter_items` will yield, without reading any content (for totals)."""
    return (item.path for item in _items(inputs, 0, exclude, listing=True))


def _items(inputs: Iterable[str | os.PathLike[str]], max_member_bytes: int,
           exclude: Iterable[str | os.PathLike[str]], *, listing: bool) -> Iterator[Item]:
    skip = frozenset(os.path.realpath(p) for p in exclude)
    piped = False
    for raw in inputs:
        if os.fspath(raw) == "-":  # (a file named "-" is "./-")
            # read once: named again, it is passed over as any input named again is
            yield (Item(path=STDIN) if piped
                   else stdin_item(max_member_bytes, listing=listing))
            piped = True
            continue
        path = Path(raw)
        if is_manifest(path) and path.is_file():
            yield from _manifest_items(path, max_member_bytes, skip, listing=listing)
        else:
            yield from _guarded(path, max_member_bytes, skip, listing=listing)


def _manifest_items(manifest: Path, max_member_bytes: int, skip: frozenset[str], *,
                    listing: bool, within: frozenset[str] = frozenset()) -> Iterator[Item]:
    """The items a manifest names; a manifest it names is followed (one that names the
    file naming it, or itself, is an error item): it was read as a transcript, its
    inputs never run and the run ending "done"."""
    here = os.path.realpath(manifest)
    for entry in _manifest_entries(manifest):
        if isinstance(entry, Item):
            yield entry
        elif is_manifest(entry) and entry.is_file():
            if os.path.realpath(entry) in within | {here}:
                yield Item(path=os.fspath(entry), error=UnsupportedFormatError(
                    entry, f"named again by {manifest} (a loop of manifests): not read "
                           "again"))
            else:
                yield from _manifest_items(entry, max_member_bytes, skip, listing=listing,
                                           within=within | {here})
        else:
            yield from _guarded(entry, max_member_bytes, skip, listing=listing)


def _guarded(path: Path, max_member_bytes: int, skip: frozenset[str], *,
             listing: bool) -> Iterator[Item]:
    """:func:`_expand`, a name the file system cannot take (a NUL in it, a lone
    surrogate from a manifest's JSON, past the length a name may have) becoming an
    error item rather than the end of the run."""
    try:
        if b"\0" in os.fsencode(path):  # (pathlib answers "no such folder" for these)
            raise ValueError("embedded null byte")
        yield from _expand(path, max_member_bytes, skip, listing=listing)
    except (OSError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        denied = isinstance(exc, PermissionError)  # (a folder of its path not searchable:
        # the name is usable, the file cannot be reached)
        yield Item(path=_named(path), error=MissingFileError(
            _named(path), "permission denied (a folder of its path cannot be searched)" if denied
            else f"not a usable file name ({why})"))


def _named(path: Path) -> str:
    """``path`` as an item names it: a file named "-" as "./-" (pathlib makes "./-" "-",
    which among the inputs is standard input)."""
    name = os.fspath(path)
    return os.path.join(os.curdir, name) if name == "-" else name


def _expand(path: Path, max_member_bytes: int, skip: frozenset[str], *,
            listing: bool) -> Iterator[Item]:
    if path.is_dir():
        # a folder that cannot be listed is an input that failed (an error record, the
        # run's status 1), where it was left out with a warning and the run said "done"
        unread: list[tuple[Path, str]] = []
        for child in input_files(path, archives=True, quiet=listing, unread=unread):
            yield from _expand(child, max_member_bytes, skip, listing=listing)
        for folder, why in unread:
            yield Item(path=os.fspath(folder), error=MissingFileError(folder, why))
    elif skip and os.path.realpath(path) in skip:
        return
    elif is_archive(path) and path.is_file():
        yield from _archive_items(path, max_member_bytes, listing=listing)
    elif path.exists() and not path.is_file():  # hashing a FIFO would wait forever
        yield Item(path=_named(path), error=UnsupportedFormatError(
            _named(path), NOT_REGULAR))
    elif (address := member_address(path)) is not None:
        yield from _addressed(*address, max_member_bytes, listing=listing)
    else:
        yield Item(path=_named(path), file=_named(path))


def stdin_item(max_bytes: int = DEFAULT_MAX_MEMBER_BYTES, *, listing: bool = False) -> Item:
    """Standard input as an input, keyed :data:`STDIN`: its bytes read whole, as an
    archive member's are (a recording piped in is decoded from them, a scan spilled to a
    temporary file for the OCR stage), or an error item when there is none or it holds
    more than ``max_bytes``. ``listing``: the item alone, nothing read."""
    if listing:
        return Item(path=STDIN)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # (a process started without one, or a test's text stream)
        return Item(path=STDIN, error=MissingFileError(
            STDIN, "there is no standard input to read ('-' names it)"))
    try:
        data = read_standard_input(stream, max_bytes + 1 if max_bytes else -1,
                                   what="the input (a transcript, a recording, a scan)")
    except OSError as exc:  # (a terminal gone, a closed descriptor)
        return Item(path=STDIN, error=MissingFileError(
            STDIN, f"standard input cannot be read: {exc.strerror or exc}"))
    if max_bytes and len(data) > max_bytes:
        return Item(path=STDIN, error=InputTooLargeError(
            STDIN, f"standard input holds more than {max_bytes} bytes, which are read into "
                   "memory: save it to a file and name that"))
    if not data:  # (it said "file is empty", of no file)
        return Item(path=STDIN, error=EmptyInputError(
            STDIN, "standard input holds nothing"))
    return Item(path=STDIN, data=data)


def on_stdin(stages: Callable[[Path], Document]) -> Document:
    """``stages`` of standard input (:func:`stdin_item`), spilled to a temporary file for
    them (the acoustic pass reading a recording there too), its document and its errors
    keyed :data:`STDIN` as a member's are by its key."""
    item = stdin_item()
    if item.error is not None:
        raise item.error
    with spilled(item) as tmp:
        return spilled_stage(item, tmp, stages)


def member_address(path: str | os.PathLike[str]) -> tuple[Path, str] | None:
    """``(ARCHIVE, MEMBER)`` of a path written as records write a member's
    (``ARCHIVE::MEMBER``: ``calls.zip::a.wav``) that names no file, ARCHIVE named as an
    archive; else None."""
    text = os.fspath(path)
    archive, separator, member = text.partition(MEMBER_SEPARATOR)
    if not separator or not member or not is_archive(archive) or os.path.lexists(text):
        return None
    return Path(archive), member


def _addressed(archive: Path, member: str, max_bytes: int, *,
               listing: bool) -> Iterator[Item]:
    """The member of ``archive`` keyed ``ARCHIVE::member`` (``a.txt``, or ``a.txt#2`` for
    the second of that name), read alone: an input named by the key its record has (it was
    "no such file"); an error item when the archive holds no such member.

    A key read as a path has lost what pathlib takes out of a path (a doubled slash:
    ``d//a.txt#2`` is ``d/a.txt#2`` to it), which the record's key keeps: the key is
    matched so too."""
    key = f"{archive}{MEMBER_SEPARATOR}{member}"
    for item in _archive_items(archive, max_bytes, listing=listing, only=member):
        if item.path == os.fspath(archive):  # the archive's own error
            yield item
            return
        if item.path == key or Path(item.path) == Path(key):
            yield item
            return
    yield Item(path=key, error=MissingFileError(
        key, f"no such member of {archive} (uncertain batch {archive} reads all its "
             f"members, each recorded as {archive}{MEMBER_SEPARATOR}MEMBER)"))


def addressed_member(path: str | os.PathLike[str]) -> Item | None:
    """The archive's member ``path`` names as batch records key it (``calls.zip::a.wav``,
    ``calls.zip::a.wav#2`` for the second of a name), its bytes read as ``uncertain
    batch`` reads them; None when ``path`` names no member (a file, or a name not so
    written). The member's error (no such member, a refused one, an unreadable archive)
    is raised."""
    address = member_address(path)
    if address is None:
        return None
    item = next(_addressed(*address, DEFAULT_MAX_MEMBER_BYTES, listing=False))
    if item.error is not None:
        raise item.error
    return item


@contextmanager
def spilled(item: Item) -> Iterator[Path]:
    """The member's bytes in a temporary file (named with the member's extension), removed
    when the block ends: for the stages that read a file by its path."""
    suffix = PurePosixPath(item.name).suffix
    fd, name = tempfile.mkstemp(prefix="uncertain-member-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(item.data or b"")
        yield Path(name)
    finally:
        os.unlink(name)


def on_member(path: str | os.PathLike[str], stages: Callable[[Path], Document]) -> Document:
    """``stages(path)``, or, for an archive's member named as batch records name it
    (:func:`addressed_member`), ``stages`` of the member read as ``uncertain batch`` reads
    it, in a file of its own for the stages (the acoustic pass reading it there too), its
    document and errors keyed by the member's key (it was "no such file")."""
    item = addressed_member(path)
    if item is None:
        return stages(Path(path))
    with spilled(item) as tmp:
        return spilled_stage(item, tmp, stages)


def spilled_stage(item: Item, tmp: Path, stage: Callable[[Path], Document]) -> Document:
    """``stage(tmp)``, ``tmp`` holding the member ``item``'s bytes: its document and its
    error keyed by the member's key, and the temporary file's name in its warnings and
    its error's reason said as the key (a warning read "/tmp/uncertain-member-x.txt: not
    UTF-8 ...")."""
    def keyed(text: str) -> str:
        return text.replace(os.fspath(tmp), item.path)

    try:
        doc = stage(tmp)
    except InputError as exc:
        raise type(exc)(item.path, keyed(exc.reason)) from exc
    return doc.model_copy(update={
        "source": doc.source.model_copy(update={"path": item.path}),
        "warnings": [keyed(note) for note in doc.warnings]})


def named_files(paths: Iterable[str | os.PathLike[str]],
                warn: Callable[[str], None] | None = None, *,
                unread: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """The files named, and the input files of the folders named (:func:`input_files`), for
    the commands that read plain files (``annotate``, ``eval``, ``calibrate``). A file
    named more than once (``a.txt a.txt``, ``d/a.txt /abs/d/a.txt``, a folder and a file
    in it) is given once, as first named, and one warning counts such files, as ``batch``
    counts them (``annotate`` wrote two documents for one file); "-" (standard input) is
    given once as ``Path("-")``, and a file named "-" (``./-``) by its absolute path, not
    to be taken for it. A folder that cannot be listed is added to ``unread`` with why,
    when given (else told as a warning)."""
    met: set[str] = set()
    again: set[str] = set()
    for raw in paths:
        if os.fspath(raw) == "-":  # standard input, given as "-" (read once, however often
            if STDIN in met:  # it is named: a second read would find it spent)
                again.add(STDIN)
                continue
            met.add(STDIN)
            yield Path("-")
            continue
        path = Path(raw)
        if path == Path("-"):  # a file named "-" ("./-", which Path makes "-"): not stdin
            path = Path.cwd() / path
        try:
            folder = path.is_dir()
        except OSError:  # (a folder of its path not searchable: read as a file, which
            folder = False  # fails naming it, the others still read; it ended the run)
        for file in input_files(path, warn, unread=unread) if folder else (path,):
            key = os.path.realpath(file)  # (as resuming a batch knows an input)
            if key in met:
                again.add(key)
                continue
            met.add(key)
            yield file
    files = again - {STDIN}
    if again:
        said = [f"{len(files)} input{'s' * (len(files) != 1)} named more than once (alike, "
                "by two paths, or in a folder named too)"] if files else []
        said += ["'-' (standard input) named more than once"] if STDIN in again else []
        message = f"named again: {' and '.join(said)}: read once"
        if warn is not None:
            warn(message)
        else:
            log.warning("%s", message)


def input_files(root: Path, warn: Callable[[str], None] | None = None, *,
                archives: bool = False, quiet: bool = False,
                unread: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """The files under folder ``root`` named as audio, images, PDFs or text (and, with
    ``archives``, tar and zip archives), sorted (hidden ones skipped); the others are left
    out and counted in one warning, logged or given to ``warn`` (``quiet``: not told).
    A folder that cannot be listed (``root``, or one in it) is added to ``unread``, with
    why, when given; else told as a warning."""
    left_out = LeftOut(root, quiet=quiet, warn=warn)
    for child in _walk(root, say=left_out.say, unread=unread):
        if is_input_name(child) or (archives and is_archive(child)):
            yield child
        else:
            left_out.add(child.name)
            left_out.archives += is_archive(child)
            left_out.manifests += archives and is_manifest(child)  # (batch's walk)
    left_out.report()


class LeftOut:
    """Files of a folder or archive left out as not named as inputs, by extension; a
    warning tells how many (``quiet``: not told, for a listing pass that comes before the
    one that reads)."""

    def __init__(self, where: str | os.PathLike[str], *, quiet: bool = False,
                 warn: Callable[[str], None] | None = None, archive: bool = False) -> None:
        self.where = os.fspath(where)
        self.quiet = quiet
        self.warn = warn
        self.archive = archive  # a member is named on its own as ARCHIVE::MEMBER
        self.counts: Counter[str] = Counter()
        #: of the files left out, the archives (a command that reads none: annotate), and
        #: the manifests (batch reads one named as one, not as a file to annotate)
        self.archives = 0
        self.manifests = 0

    def add(self, name: str) -> None:
        suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        self.counts[suffix or "no extension"] += 1

    def report(self) -> None:
        total = sum(self.counts.values())
        if not total or self.quiet:
            return
        kinds = ", ".join(f"{ext} {n}" for ext, n in sorted(self.counts.items()))
        n = self.archives
        message = (f"{self.where}: left out {total} file{'' if total == 1 else 's'} not named"
                   f" as audio, an image, a PDF or text ({kinds}); "
                   + (f"name such a member as {self.where}{MEMBER_SEPARATOR}MEMBER"
                      if self.archive else "name such a file itself")
                   + " to read it anyway"
                   + ("" if not n else
                      # (an archive's archives are not opened, named or not)
                      f"; {'the archive in it is' if n == 1 else f'the {n} archives in it are'}"
                      " not: extract " + ("it" if n == 1 else "them") + " first"
                      if self.archive else
                      "; the archive is not: uncertain batch reads its members"
                      if n == 1 else f"; the {n} archives are not: "
                      "uncertain batch reads their members")
                   + ("" if not self.manifests else
                      "; a .jsonl or .csv file named is read as a manifest of inputs"))
        self.say(message)

    def say(self, message: str) -> None:
        """Tell ``message`` as this folder's or archive's warnings are told (not at all
        when ``quiet``)."""
        if self.quiet:
            return
        if self.warn is not None:
            self.warn(message)
        else:
            log.warning("%s", message)


def _walk(root: Path, seen: frozenset[str] = frozenset(), *,
          say: Callable[[str], None] | None = None,
          unread: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Files under ``root``, sorted, hidden files and folders (and what they hold) skipped.

    Linked folders are followed, except into a folder already being walked (a cycle).
    What cannot be read (a folder that cannot be listed, a link to nothing, a FIFO) is
    left out and told to ``say``; a folder that cannot be listed is added to ``unread``
    instead, when given.
    """
    real = os.path.realpath(root)
    if real in seen:
        return
    seen = seen | {real}
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        if unread is not None:
            unread.append((root, f"cannot read the folder ({exc.strerror or exc}): what "
                                 "it holds is not read"))
        elif say is not None:
            say(f"{root}: cannot read the folder ({exc.strerror or exc}); what it holds is "
                "left out")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = root / entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
            is_file = not is_dir and entry.is_file(follow_symlinks=True)
        except OSError as exc:  # a link in a loop (ELOOP): the walk goes on past it
            if say is not None:
                say(f"{child}: cannot be read ({exc.strerror or exc}); left out")
            continue
        if is_dir:
            yield from _walk(child, seen, say=say, unread=unread)
        elif is_file:
            yield child
        elif say is not None:  # a link to nothing, a FIFO, a socket: no file to read
            say(f"{child}: " + ("a link to nothing" if entry.is_symlink()
                                else NOT_REGULAR)
                + "; left out")


# -- manifests ------------------------------------------------------------------------------


def _manifest_entries(manifest: Path) -> Iterator[Path | Item]:
    """The paths a manifest names (resolved against its folder), or error items."""
    base = manifest.parent
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield Item(path=os.fspath(manifest),
                   error=CorruptInputError(manifest, f"cannot read the manifest: {exc}"))
        return
    if manifest.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "path" not in reader.fieldnames:
            yield Item(path=os.fspath(manifest), error=UnsupportedFormatError(
                manifest, "the CSV manifest has no 'path' column"))
            return
        for row in reader:
            value = (row.get("path") or "").strip()
            where = f"{manifest}:{reader.line_num}"
            if not value:
                yield Item(path=where, error=UnsupportedFormatError(where, "empty path"))
            else:
                yield _resolve(base, value)
        return
    # JSON lines end at line feeds only (see uncertain._io.json_lines)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{manifest}:{number}"
        try:
            value = json.loads(line).get("path")
        except (ValueError, AttributeError):
            value = None
        if not isinstance(value, str) or not value:
            yield Item(path=where, error=UnsupportedFormatError(
                where, 'a manifest line must be a JSON object with a "path" string'))
        else:
            yield _resolve(base, value)


def _resolve(base: Path, value: str) -> Path:
    """A manifest's path, against the manifest's folder ``base``, without ``..``: a file a
    line names as "../audio/a.wav" was recorded as "man/../audio/a.wav", a name of its own
    for a file also named "audio/a.wav". Taken out as the system takes it: after a link
    (where "link/.." is not the folder holding the link), the whole path is resolved."""
    p = Path(value).expanduser()
    joined = p if p.is_absolute() else base / p
    if ".." not in joined.parts:
        return joined
    plain = os.path.normpath(joined)
    same = os.path.realpath(plain) == os.path.realpath(joined)
    return Path(plain if same else os.path.realpath(joined))


# -- archives -------------------------------------------------------------------------------


def member_problem(name: str) -> str | None:
    """Why an archive member name must be refused, or None when it is safe."""
    normalized = name.replace("\\", "/")
    # a Windows drive is a letter, a colon and a slash ("C:/x", "C:\\x"); "9:00 call.txt" and
    # "a:b.txt" are names
    if normalized.startswith("/") or _DRIVE.match(normalized):
        return f"archive member {name!r} has an absolute path; refused"
    if ".." in PurePosixPath(normalized).parts:
        return f"archive member {name!r} climbs out of the archive with '..'; refused"
    return None


_DRIVE = re.compile(r"[A-Za-z]:(?:/|$)")


def _skipped(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return not parts or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _extracted(name: str) -> str:
    """The file a member ``name`` extracts to: "./a.txt", "a.txt" and "d//a.txt" are one."""
    return "/".join(p for p in name.split("/") if p not in ("", "."))


class _Members:
    """The keys of an archive's members, ``ARCHIVE::MEMBER``; a name met again (a tar
    appended to, a zip written to twice, "./a.txt" beside "a.txt": one file extracted) is
    ``ARCHIVE::MEMBER#2``, ``#3``, ...: each member is read, under a key of its own, where
    extracting the archive keeps the last of the name, and one warning says so (the later
    member was taken for the first named again, and dropped)."""

    def __init__(self, archive: Path, left_out: LeftOut) -> None:
        self.archive = archive
        self.left_out = left_out
        #: the names (as written) of the members met, by the file each extracts to
        self.names: dict[str, list[str]] = {}

    def item(self, name: str, data: bytes | None = None) -> Item:
        """The item of the next member named ``name``, holding its ``data``."""
        return Item(path=self._key(name), member=name, data=data)

    def refused(self, name: str, error_type: type[InputError], reason: str) -> Item:
        """The error item of the next member named ``name``."""
        key = self._key(name)
        return Item(path=key, member=name, error=error_type(key, reason))

    def _key(self, name: str) -> str:
        met = self.names.setdefault(_extracted(name), [])
        met.append(name)
        return f"{self.archive}{MEMBER_SEPARATOR}{_numbered(name, len(met))}"

    def report(self) -> None:
        again = {file: names for file, names in self.names.items() if len(names) > 1}
        if not again:
            return
        said = "; ".join(
            (f"{names[0]} {len(names)} times" if len(set(names)) == 1 else
             " and ".join(dict.fromkeys(names)) + f" ({len(names)} members, one file)")
            + ", recorded as "
            + ", ".join(_numbered(name, n) for n, name in enumerate(names, start=1))
            for _, names in sorted(again.items()))
        self.left_out.say(
            f"{self.archive}: {len(again)} member name{'s' * (len(again) != 1)} "
            f"occur{'s' * (len(again) == 1)} more than once ({said}): each member is read "
            "(extracting the archive keeps only the last of a name)")


def _numbered(name: str, n: int) -> str:
    """The key of the ``n``th member extracting to one file, ``name`` as written."""
    return name + (f"#{n}" if n > 1 else "")


def _member_limit(name: str, max_bytes: int) -> int:
    """The most bytes a member ``name`` is read to: a transcript no more than a transcript
    file may hold (``text.MAX_TEXT_BYTES``: more is refused unread, not held in memory
    first), anything else ``max_bytes``."""
    from uncertain.text import MAX_TEXT_BYTES

    return min(max_bytes, MAX_TEXT_BYTES) if kind_from_extension(name) == "text" else max_bytes


def _read_member(fh: IO[bytes], limit: int) -> bytes | None:
    """A member's bytes, read in pieces, or None once they pass ``limit``: a decompression
    bomb (1.5 MB inflating to 1.5 GB) is stopped there, not inflated into memory whole."""
    pieces: list[bytes] = []
    size = 0
    while piece := fh.read(min(1 << 20, limit + 1 - size)):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            return None
    return b"".join(pieces)


def _too_large(members: _Members, name: str, limit: int, max_bytes: int,
               declared: int | None = None) -> Item:
    """The error item of a member over ``limit``: by the size its archive ``declared``,
    or, read, past it."""
    kind = " for a transcript" if limit < max_bytes else ""
    return members.refused(name, InputTooLargeError,
                    f"{declared} bytes, over the limit of {limit}{kind}" if declared is not None
                    else f"inflates past the limit of {limit} bytes{kind} (a decompression "
                         "bomb?); not read")


def _archive_items(archive: Path, max_bytes: int, *, listing: bool,
                   only: str | None = None) -> Iterator[Item]:
    """The items of ``archive``'s members; ``only``: of the members that key (``a.txt`` or
    ``a.txt#2``) may name, whatever their names (a member named by its key is read as a
    file named is), and without a warning of what was left out."""
    try:
        if archive.name.lower().endswith(_ZIP_SUFFIXES):
            yield from _zip_items(archive, max_bytes, listing=listing, only=only)
        else:
            yield from _tar_items(archive, max_bytes, listing=listing, only=only)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        # a damaged archive: what was read stays recorded, the rest is one error item
        if isinstance(exc, PermissionError | FileNotFoundError):
            error: InputError = MissingFileError(archive, f"cannot read the archive: {exc}")
        else:
            error = CorruptInputError(archive, f"cannot read the archive: {exc}")
        yield Item(path=os.fspath(archive), error=error)


#: why an archive within an archive is not read (it was "content is binary ..., not a
#: supported format" when named by its key, which the warning leaving it out advised)
_NESTED = ("an archive within an archive, which is not opened: extract it, and name it to "
           "uncertain batch")


def _wanted(name: str, only: str | None) -> bool:
    """Whether member ``name`` may be the one keyed ``only`` (None: every member is)."""
    if only is None or only == name:
        return True
    base, mark, number = only.rpartition("#")
    # every member extracting to the file is counted, whatever its name as written
    # ("./a.txt" before "a.txt": the latter is "a.txt#2")
    return _extracted(base if mark and number.isdigit() else only) == _extracted(name)


def _tar_items(archive: Path, max_bytes: int, *, listing: bool,
               only: str | None = None) -> Iterator[Item]:
    left_out = LeftOut(archive, quiet=listing or only is not None, archive=True)
    members = _Members(archive, left_out)
    # "r|*" reads the stream once, front to back, whatever the compression
    with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tar:
        for member in tar:
            name = member.name
            problem = member_problem(name)
            if not _wanted(name, only):
                continue
            if problem is not None:
                yield members.refused(name, UnsupportedFormatError, problem)
            elif member.isdir() or _skipped(name):
                continue
            elif only is not None and is_archive(name):
                yield members.refused(name, UnsupportedFormatError, _NESTED)
            elif not (is_input_name(name) or only is not None):
                left_out.add(name)
                left_out.archives += is_archive(name)
            elif not member.isfile():
                what = "a link" if member.issym() or member.islnk() else "not a regular file"
                yield members.refused(name, UnsupportedFormatError,
                               f"archive member {name!r} is {what}; refused")
            elif listing:
                yield members.item(name)
            elif member.size > (limit := _member_limit(name, max_bytes)):
                yield _too_large(members, name, limit, max_bytes, member.size)
            else:
                fh = tar.extractfile(member)
                try:
                    data = _read_member(fh, limit) if fh is not None else b""
                except (tarfile.TarError, EOFError, OSError) as exc:
                    # the listing counted this member: it gets its record, and the
                    # archive's error (raised on) says the rest went unread
                    yield members.refused(name, CorruptInputError,
                                   f"the archive ends inside this member ({exc})")
                    raise
                yield (members.item(name, data) if data is not None
                       else _too_large(members, name, limit, max_bytes))
        _check_tar_end(tar)
    left_out.report()
    members.report()


def _check_tar_end(tar: tarfile.TarFile) -> None:
    """Raise if the stream stopped short of a whole end-of-archive block.

    In stream mode tarfile ends the iteration quietly when a header is cut off, so a
    truncated archive would otherwise look complete.
    """
    stream = tar.fileobj
    if stream is None:
        return
    while stream.read(1 << 20):
        pass
    end = getattr(stream, "pos", None)
    if isinstance(end, int) and end < tar.offset + tarfile.BLOCKSIZE:
        raise tarfile.ReadError(
            f"the archive ends at byte {end}, inside the member at {tar.offset} (truncated)")


def _zip_link(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a symbolic link (Unix mode in its external attributes), as
    a tar's links are refused: its content is the target's name."""
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def _zip_items(archive: Path, max_bytes: int, *, listing: bool,
               only: str | None = None) -> Iterator[Item]:
    left_out = LeftOut(archive, quiet=listing or only is not None, archive=True)
    members = _Members(archive, left_out)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = info.filename
            problem = member_problem(name)
            if not _wanted(name, only):
                continue
            if problem is not None:
                yield members.refused(name, UnsupportedFormatError, problem)
            elif info.is_dir() or _skipped(name):
                continue
            elif only is not None and is_archive(name):
                yield members.refused(name, UnsupportedFormatError, _NESTED)
            elif not (is_input_name(name) or only is not None):
                left_out.add(name)
                left_out.archives += is_archive(name)
            elif _zip_link(info):
                yield members.refused(name, UnsupportedFormatError,
                               f"archive member {name!r} is a link; refused")
            elif info.flag_bits & 0x1:
                yield members.refused(name, EncryptedInputError,
                               f"archive member {name!r} is encrypted")
            elif listing:
                yield members.item(name)
            elif info.file_size > (limit := _member_limit(name, max_bytes)):
                yield _too_large(members, name, limit, max_bytes, info.file_size)
            else:
                try:  # (the size a zip declares may lie: the bytes are counted as read)
                    with zf.open(info) as fh:
                        data = _read_member(fh, limit)
                # RuntimeError also covers an unsupported compression method or encryption
                except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
                    yield members.refused(name, CorruptInputError, f"cannot read: {exc}")
                    continue
                yield (members.item(name, data) if data is not None
                       else _too_large(members, name, limit, max_bytes))
    left_out.report()
    members.report()
