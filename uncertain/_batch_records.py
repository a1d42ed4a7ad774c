"""The batch output file: whole JSON lines appended one write at a time, and resuming.

:class:`RecordWriter` owns the ``--out`` file of a batch run. Each record is encoded as
one line and handed to a single ``os.write`` on a descriptor opened with ``O_APPEND``
(a line over the 2 GiB one call writes takes more, and a kill between them leaves the
partial line resuming cuts off), then ``fsync``-ed, so a killed run leaves whole lines
only (a write that fails, from a full disk, is cut back off and raised). A path that is
no valid Unicode (a file name's bytes that are not UTF-8, kept by Python as lone
surrogates) is written as JSON's ``\\udcXX`` escapes, which read back to the same name.
On opening for appending, a trailing partial line
left by an older crash (or a foreign writer) is truncated away and reported, and the
records already there are read so that :meth:`RecordWriter.seen` can tell the runner
what to skip. An exclusive ``flock`` keeps two runs from appending to one file. An
input a resumed run does again (failed by the run: :func:`final`; or changed since) gets
its new record at the end, and the record it replaces is dropped when the writer is done
(:meth:`RecordWriter.drop_replaced`: the file rewritten beside itself and renamed over
itself), so an input keeps one record; a run killed between the two leaves both, the
new one last, and the next resumed run drops the old one. A record of an input that
could not be read (gone since) replaces no record of its content (:meth:`RecordWriter.
_supersede`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from uncertain._batch_inputs import MEMBER_SEPARATOR, STDIN
from uncertain.document import json_text
from uncertain.errors import InputError

log = logging.getLogger("uncertain")


def _subclasses(cls: type) -> list[type]:
    out: list[type] = [cls]
    direct: type
    for direct in type.__subclasses__(cls):
        out += _subclasses(direct)
    return out


Key = tuple[str, str | None]


def record_key(record: dict[str, Any]) -> Key:
    """What makes a record unique: its input path (:func:`input_key`, as the run that
    wrote it resolved it: its ``input``, when recorded) and content hash (None when
    unread)."""
    written = record.get("input")
    # (an ``input`` an earlier version wrote kept the links in it: resolved here)
    key = input_key(written if isinstance(written, str) else str(record["path"]))
    return (key, record.get("sha256"))


#: the errors that are the input's own: a record of one is final, and a resumed run skips
#: the input (:class:`uncertain.errors.InputError` and its subclasses)
INPUT_ERRORS = frozenset(cls.__name__ for cls in _subclasses(InputError))


def final(record: dict[str, Any], limits: Mapping[str, float | None] | None = None) -> bool:
    """Whether a record is an input's result: done, or failed for a reason of the input
    (it is missing, empty, damaged, of no format handled, too large, encrypted). An error
    of the run (a missing tesseract binary, a lexicon or calibration file it could not
    use, the engine running out of memory, a bug) is no result: a resumed run does the
    input again, and its new record replaces the old one (:meth:`RecordWriter.
    drop_replaced`). Nor is an input's refusal for
    going over a limit of the run's (its record's ``limits``: a recording's length, a
    tesseract run's seconds, an image's pixels) that ``limits``, the resumed run's, raise
    (:func:`looser`)."""
    if record.get("status") != "error":
        return True
    if record.get("error") not in INPUT_ERRORS:
        return False
    return limits is None or not looser(limits, record.get("limits"))


def looser(limits: Mapping[str, float | None], recorded: Any) -> bool:
    """Whether ``limits`` let through more than ``recorded`` (an error record's ``limits``)
    in one of the limits recorded; None is no limit."""
    if not isinstance(recorded, dict):
        return False  # (a record of no limit's, or of a version that kept none)
    for name, then in recorded.items():
        if name not in limits or then is None:
            continue  # another limit's, or none then: nothing lets through more
        now = limits[name]
        if isinstance(then, int | float) and (now is None or now > then):
            return True
    return False


def input_key(path: str) -> str:
    """An input's path as resuming compares it: the file (or the archive of a member,
    ``archive.tar::member``) made absolute against the working folder, its links
    resolved, so "d/a.txt", "./d/a.txt", "d/x/../a.txt", "/work/d/a.txt" and "link/a.txt"
    (``link`` a link to ``d``) are one input. A record keeps it as ``input``, so that a
    run resumed from another folder knows it."""
    archive, separator, member = path.partition(MEMBER_SEPARATOR)
    if not archive or path == STDIN:  # (standard input is no file of the working folder)
        return path
    return os.path.realpath(archive) + separator + member


def _unwritable(error: OSError) -> bool:
    """Whether opening a file for writing failed for want of write access (a read-only
    file, folder or file system), not for a fault of the file."""
    return isinstance(error, PermissionError) or error.errno == errno.EROFS


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of a batch output file; lines that are not JSON objects are skipped."""
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.endswith(b"\n"):
                log.warning("%s:%d: ignoring a partial last line", path, number)
                return
            try:
                record = json.loads(line)
            except ValueError:
                log.warning("%s:%d: not a JSON record; ignored", path, number)
                continue
            if isinstance(record, dict) and "path" in record:
                yield record


class RecordWriter:
    """Appends whole records to a JSON-lines file (see the module docstring).

    ``mode`` is ``"new"`` (the file must not exist), ``"overwrite"`` (truncate it, as the
    first record is written: until then the earlier records stay) or
    ``"append"`` (repair its tail and keep its records). ``limits`` are the run's limits on
    inputs (:func:`uncertain._batch_work.run_limits`): a record of an input refused under
    a lower one is done again, as a failure of the run's is (:func:`final`).
    """

    def __init__(self, path: str | os.PathLike[str], *, mode: str = "new",
                 fsync: bool = True, limits: Mapping[str, float | None] | None = None
                 ) -> None:
        if mode not in ("new", "overwrite", "append"):
            raise ValueError(f"unknown mode {mode!r}")
        self.path = Path(path)
        self.fsync = fsync
        self.limits = limits
        self.repaired_bytes = 0
        self._seen: set[Key] = set()
        self._earlier_paths: frozenset[str] = frozenset()  # (set once the file is read)
        self._failed: set[Key] = set()  # of those, the inputs recorded as errors
        self._retry: set[Key] = set()  # inputs recorded as the run's failures (not seen)
        self._lines = 0  # the whole lines in the file
        #: each input's last record of content read (a hash), and last record of it unread
        #: (none: it was gone, or could not be read), by line
        self._read_at: dict[str, tuple[int, Key]] = {}
        self._unread_at: dict[str, tuple[int, Key]] = {}
        self._replaced: set[int] = set()  # the lines of records a later one replaces
        self._model_at: dict[int, str] = {}  # the speech model of each line's recording
        #: each line's document's prompt: 2 saved (prompt_json), 1 its text alone (written
        #: before batch --prompts kept prompt_json), 0 none
        self._prompted_at: dict[int, int] = {}
        #: the lexicons each line's document was validated with (None: not validated)
        self._lexicons_at: dict[int, tuple[str, ...] | None] = {}
        self._emptied = True  # (--force: False until the file is emptied, by write)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        opened = self.path
        if mode == "new":
            flags |= os.O_EXCL  # (which refuses a link, even to no file)
            if self.path.is_symlink() and not self.path.exists():
                # a link to the file to write, not made yet: made where the link points
                opened = Path(os.path.realpath(self.path))
                opened.parent.mkdir(parents=True, exist_ok=True)
        #: why the file cannot be written (a read-only file, or file system), when it is
        #: appended to: a resumed run with nothing left to do needs no write access, and
        #: the first record to write (:meth:`require_writable`) raises it
        self.unwritable: OSError | None = None
        try:
            self._fd: int | None = os.open(opened, flags, 0o644)
        except FileExistsError:  # another run made it between the check and here
            raise FileExistsError(f"{self.path} exists (another batch run started it?); "
                                  "pass --resume to continue it or --force to overwrite "
                                  "it") from None
        except OSError as error:
            if mode != "append" or not _unwritable(error) or not self.path.is_file():
                raise
            self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            self.unwritable = error
        try:
            try:
                # (shared when only read: a run writing it holds it exclusively)
                fcntl.flock(self._fd, (fcntl.LOCK_SH if self.unwritable else fcntl.LOCK_EX)
                            | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise FileExistsError(
                    f"{self.path} is being written by another batch run") from exc
            if mode == "overwrite":
                # emptied as the first record is written, not before: a run stopped (or
                # failing) before then left the earlier run's records lost for none
                self._emptied = False
            else:
                self._read_batch_output()
                # (a partial last line is left, unread, in a file that cannot be written:
                # the record it began is of an input left to do, which then raises)
                self.repaired_bytes = 0 if self.unwritable else self._repair_tail()
        except BaseException:
            self.close()
            raise

    def _read_batch_output(self) -> None:
        """Note what the file records, in one pass, refusing a file that is not a batch
        run's output (notes, another command's JSON lines): its last line would be cut
        as an interrupted run's and records appended to it. Every whole line must be a
        record (a JSON object with a ``path`` and a ``status``), and a partial last line
        (cut off next) must begin as one does."""
        with open(self.path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.endswith(b"\n"):
                    good = line.startswith(b'{"path"')
                else:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        good = False
                    else:
                        good = isinstance(record, dict) and {"path", "status"} <= record.keys()
                        if good:
                            self._lines += 1
                            self._note(record)
                if not good:
                    raise FileExistsError(
                        f"{self.path}: line {number} is not a batch record: the file is not a "
                        "batch run's output, and --resume appends only to one (name a new "
                        "--out)")
        self._earlier_paths = frozenset(self._read_at.keys() | self._unread_at.keys())

    def _note(self, record: dict[str, Any]) -> None:
        """Note a record read back: an input's last record decides whether it is done,
        failed or to do again, and the records before it that it replaces
        (:meth:`_supersede`) are dropped."""
        key = record_key(record)
        self._supersede(key, self._lines - 1)
        if not final(record, self.limits):
            # the run's failure (or a limit this run raised), not the input's: a resumed
            # run does it again
            self._retry.add(key)
            return
        self._seen.add(key)
        self._note_made(record, self._lines - 1)
        if record["status"] == "error":
            self._failed.add(key)

    def _note_made(self, record: dict[str, Any], line: int) -> None:
        """Note how the record on ``line`` was made: its recording's model, its prompt, the
        lexicons it was validated with."""
        document = record.get("document") or {}
        source = document.get("source") or {}
        if source.get("modality") == "audio" and source.get("model"):
            self._model_at[line] = str(source["model"])
        if record.get("status") == "ok":
            self._prompted_at[line] = (2 if "prompt_json" in record else 1 if "prompt" in record
                                       else 0)
            validation = document.get("validation")
            self._lexicons_at[line] = (
                tuple(str(name) for name in validation.get("lexicons") or ())
                if isinstance(validation, dict) else None)

    @property
    def models(self) -> set[str]:
        """The speech models the file's records were transcribed with, but for the records
        a later one replaces (:meth:`drop_replaced` drops them: a resumed run that redid
        every input another model had done was told the output would hold both)."""
        return {model for line, model in self._model_at.items() if line not in self._replaced}

    @property
    def lexicons(self) -> set[tuple[str, ...] | None]:
        """The lexicons the file's documents were validated with (None: a document not
        validated), but for the records a later one replaces."""
        return {names for line, names in self._lexicons_at.items()
                if line not in self._replaced}

    @property
    def prompted(self) -> tuple[int, int, int]:
        """How many of the file's documents have a rendered prompt (``--prompts``) saved
        as reconcile --prompt reads it (``prompt_json``), how many its text alone (records
        written before batch kept ``prompt_json``), and how many have none, but for the
        records a later one replaces."""
        kept = [has for line, has in self._prompted_at.items() if line not in self._replaced]
        return kept.count(2), kept.count(1), kept.count(0)

    def _supersede(self, key: Key, line: int) -> None:
        """The input ``key`` is recorded on ``line``: the records of it before that this one
        replaces are to be dropped (:meth:`drop_replaced`) and no longer count. A record of
        content read replaces every earlier record of the input (of other content, since
        changed, or of the same, failed by the run); a record of the input unread (gone,
        or not readable) replaces only such a record, and the record of the content it
        had stays, its transcript not lost while the file is away."""
        path, sha = key
        earlier = [self._unread_at.pop(path, None)]
        if sha is not None:
            earlier.append(self._read_at.pop(path, None))
        for found in earlier:
            if found is not None:
                self._drop(*found)
        (self._unread_at if sha is None else self._read_at)[path] = (line, key)

    def _drop(self, line: int, key: Key) -> None:
        """The record on ``line`` (of ``key``) is replaced: dropped, and forgotten."""
        self._replaced.add(line)
        self._seen.discard(key)
        self._failed.discard(key)
        self._retry.discard(key)

    def _repair_tail(self) -> int:
        """Cut off a trailing partial line; return how many bytes were removed."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size == 0:
            return 0
        with open(self.path, "rb") as fh:
            keep = size
            block = 1 << 16
            while keep > 0:
                start = max(0, keep - block)
                fh.seek(start)
                chunk = fh.read(keep - start)
                if keep == size and chunk.endswith(b"\n"):
                    return 0
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    keep = start + cut + 1
                    break
                keep = start
        removed = size - keep
        os.ftruncate(self._fd, keep)
        os.fsync(self._fd)
        log.warning("%s: removed a partial last line (%d bytes) left by an interrupted run",
                    self.path, removed)
        return removed

    def require_writable(self, first: str) -> None:
        """Raise, naming the file, if it cannot be written (:attr:`unwritable`): called
        before the first input left to do (``first``) is worked on, not after."""
        if self.unwritable is not None:
            error = self.unwritable
            raise OSError(error.errno,
                          f"{error.strerror}: --resume found inputs left to do (the "
                          f"first: {first}), whose records cannot be written to the output; "
                          "nothing was done",
                          os.fspath(self.path)) from error

    def seen(self, path: str, sha256: str | None) -> bool:
        """Whether a record for this input path and content is already in the file."""
        return (input_key(path), sha256) in self._seen

    def unchanged(self, path: str, sha256: str | None) -> None:
        """The input is read with the content it is recorded with (a resumed run skips
        it): the error record of it unread since (the file was gone, and is back) is
        replaced."""
        key = input_key(path)
        found = self._unread_at.get(key)
        if sha256 is not None and found is not None and (key, sha256) in self._seen:
            del self._unread_at[key]
            self._drop(*found)

    def recorded_before(self, path: str) -> bool:
        """Whether the file recorded this input path before this run, whatever its
        content was."""
        return input_key(path) in self._earlier_paths

    def retrying(self, path: str, sha256: str | None) -> bool:
        """Whether the file records this input and content as failed by the run rather
        than by the input, or refused under a lower limit than this run's
        (:func:`final`): a resumed run does it again."""
        return (input_key(path), sha256) in self._retry

    def failed(self, path: str, sha256: str | None) -> bool:
        """Whether the file records this input and content as an error (an earlier run's
        failure, which a resumed run skips)."""
        return (input_key(path), sha256) in self._failed

    @property
    def recorded(self) -> int:
        """How many distinct inputs the file records."""
        return len(self._seen)

    def write(self, record: dict[str, Any]) -> bool:
        """Append ``record`` as one line; False (and nothing written) if it was recorded."""
        if self._fd is None:
            raise ValueError(f"{self.path}: the writer is closed")
        self.require_writable(str(record["path"]))
        # the input as this run resolved it: a run resumed from another folder reads the
        # same relative "path" as another file
        record.setdefault("input", input_key(str(record["path"])))
        key = record_key(record)
        if key in self._seen:
            return False
        # lone surrogates (a non-UTF-8 file name) as \\udcXX, the escape JSON reads back
        # (a NaN or infinite float as a string, as Document.to_json writes it)
        line = (json_text(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode(
            "utf-8", "backslashreplace")
        if not self._emptied:
            os.ftruncate(self._fd, 0)
            self._emptied = True
        before = os.fstat(self._fd).st_size
        written = 0
        try:
            while written < len(line):
                step = os.write(self._fd, memoryview(line)[written:])
                if step == 0:
                    break
                written += step
        finally:
            if written != len(line):
                os.ftruncate(self._fd, before)
        if written != len(line):
            raise OSError(f"{self.path}: short write ({written} of {len(line)} bytes); "
                          "the partial line was removed (is the disk full?)")
        if self.fsync:
            os.fsync(self._fd)
        self._lines += 1
        self._supersede(key, self._lines - 1)
        self._seen.add(key)
        self._note_made(record, self._lines - 1)
        return True

    @property
    def replaced(self) -> int:
        """How many records a later record of the same input replaces (dropped by
        :meth:`drop_replaced`)."""
        return len(self._replaced)

    def drop_replaced(self) -> int:
        """Rewrite the file without the records a later record of the same input replaces
        (:meth:`_supersede`: the input done again by a resumed run, :func:`final`, or
        changed since); return how many were dropped.

        The records kept are copied, byte for byte, to a file beside it, which is synced
        and renamed over it (the file a link names, if it is one): a kill leaves one or
        the other whole. Nothing is written to the file after this."""
        if self._fd is None or not self._replaced:
            return 0
        if self.unwritable is not None:  # (a read-only file is not replaced either)
            raise self.unwritable
        target = Path(os.path.realpath(self.path))
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, open(target, "rb") as fh:
                for number, line in enumerate(fh):
                    if number not in self._replaced:
                        out.write(line)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, stat.S_IMODE(os.fstat(self._fd).st_mode))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # the rename, kept through a power cut
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        dropped = len(self._replaced)
        self._model_at = {line: model for line, model in self._model_at.items()
                          if line not in self._replaced}
        self._prompted_at = {line: has for line, has in self._prompted_at.items()
                             if line not in self._replaced}
        self._lexicons_at = {line: names for line, names in self._lexicons_at.items()
                             if line not in self._replaced}
        self._replaced = set()
        self.close()
        return dropped

    def close(self) -> None:
        """Release the lock and the descriptor (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            dropped = self.drop_replaced()
        except OSError as error:  # (a full disk): the next resumed run drops them
            log.warning("%s: the %d records replaced by later records stay in it: %s",
                        self.path, self.replaced, error)
        else:
            if dropped:
                log.info("%s: dropped %d record%s replaced by later records",
                         self.path, dropped, "s" * (dropped != 1))
        finally:
            self.close()
