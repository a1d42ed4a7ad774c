"""A cache on disk of the shipped lexicons' candidate index, shared by processes.

This module owns keeping the index of the shipped lexicons (:class:`uncertain._index.
LexiconIndex`) between processes: building it reads every term's sound keys, phones,
English frequency and glyph skeleton (about 3 s of CPU, with the pronouncing lexicon and
wordfreq's table loaded for it), which every command that validates paid, one line of
text as much as a book. Its state is kept as JSON (data only: reading it runs no code)
in ``index/`` of the models' cache (:func:`uncertain.models.cache_dir`), named by a
digest of everything the index is made of: the lexicons' and the shipped phones' bytes,
this package's source, the versions of Python (its Unicode tables), wordfreq and the
pronouncing data. A file is written whole under another name and renamed (processes
building it at once each rename a whole one); one that cannot be read, does not parse or
does not fit the lexicons is ignored and the index built and written again. A file read
is marked used (its time set to now); writing one removes those of other keys unused for
a week, and all but the most recently used few (each version of the package, or of its
source while it is worked on, writes its own). Nothing is
read from a folder or file another user could have written (owned by someone else than
this user or root, or writable by its group or others), nor written where this user
cannot: the index is then built, as without a cache. Users' own lexicons are indexed in
the process, on top of this one.

The shipped lexicons are kept parsed the same way (:func:`cached_lexicon`), in
``lexicons/``, each named by a digest of its file's bytes, this package's source and
Python's version: parsing the drugs' 30,000 lines cost 0.3 s of CPU a process, reading
them back 0.15 s. So is the pronouncing lexicon of gruut's database (:func:`cached_phones`,
in ``phones/``; 0.2 s to read from the database, 0.06 s from the cache), and the
clinical vocabulary of a hunspell dictionary (:func:`cached_vocabulary`, in
``vocabulary/``, named by a digest of the dictionary's and its affix file's bytes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from uncertain._assets import _umask, cache_dir
from uncertain._index import LexiconIndex
from uncertain.errors import ModelNotFoundError
from uncertain.lexicon import Lexicon, lexicon_from_state, lexicon_state
from uncertain.vocabulary import Vocabulary

__all__ = ["cached_index", "cached_lexicon", "cached_phones", "cached_vocabulary",
           "index_cache_dir"]

logger = logging.getLogger(__name__)

#: the layout of a state file (changing it changes every file's name)
_FORMAT = "uncertain-index-1"
#: ... of a lexicon's
_LEXICON_FORMAT = "uncertain-lexicon-1"
#: ... of the pronouncing lexicon's
_PHONES_FORMAT = "uncertain-phones-1"
#: ... of the clinical vocabulary's
_VOCABULARY_FORMAT = "uncertain-vocabulary-1"
_T = TypeVar("_T")
_PACKAGE = Path(__file__).resolve().parent
#: the distributions whose data the index is made of
_DISTRIBUTIONS = ("wordfreq", "gruut-lang-en", "python-crfsuite")
#: state files of other keys untouched this long are removed when one is written
_STALE_SECONDS = 7 * 24 * 3600
#: at most this many state files are kept (the most recently used): a few lexicon sets
#: and versions side by side, not one per change of the source (6.5 MB each)
_KEEP = 6


def index_cache_dir() -> Path:
    """The folder the index's state files are kept in."""
    return cache_dir() / "index"


def cached_index(lexicons: Sequence[Lexicon], build: Callable[[], LexiconIndex]
                 ) -> LexiconIndex:
    """The index of the shipped ``lexicons``, read from the cache when it holds one made of
    the same data, else ``build()`` (and written to the cache when it can be)."""
    try:
        folder = index_cache_dir()
        path = folder / f"{_key(lexicons)}.json"
    except (OSError, ValueError, ModelNotFoundError) as exc:  # no home folder: no cache
        logger.debug("index cache not used: %s", exc)
        return build()
    index = _read(path, lambda state: LexiconIndex.from_state(lexicons, state))
    if index is not None:
        return index
    index = build()
    _write(folder, path, lambda: index.state())
    return index


def cached_lexicon(path: Path, build: Callable[[bytes | None, list[str]], Lexicon]
                   ) -> Lexicon:
    """The shipped lexicon of file ``path``, read back from the cache (``lexicons/``
    beside ``index/``) when it holds it parsed from the same bytes, else ``build(raw,
    warnings)`` (the file's bytes, or None when they cannot be read: ``build`` says why;
    the list it fills with the file's warnings is kept with it, and logged again when it
    is read back)."""
    try:
        raw = path.read_bytes()
        folder = cache_dir() / "lexicons"
        kept = folder / f"{_lexicon_key(path, raw)}.json"
    except (OSError, ValueError, ModelNotFoundError) as exc:
        logger.debug("lexicon cache not used: %s", exc)
        return build(None, [])
    lexicon = _read(kept, lambda state: lexicon_from_state(path, state))
    if lexicon is not None:
        return lexicon
    said: list[str] = []
    lexicon = build(raw, said)
    _write(folder, kept, lambda: lexicon_state(lexicon, said))
    return lexicon


def cached_phones(db: Path, build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The pronouncing lexicon of the database ``db`` (word -> phones), read back from
    the cache (``phones/``) when it holds it as read from the same file, else ``build()``
    (which reads it)."""
    try:
        info = db.stat()
        folder = cache_dir() / "phones"
        digest = hashlib.sha256()
        _add(digest, "format", _PHONES_FORMAT.encode())
        # (the database is 13 MB: named by its place, size and time, as a reinstall
        # changes them, not hashed)
        _add(digest, "db", f"{db.resolve()}\0{info.st_size}\0{info.st_mtime_ns}".encode())
        _add_sources(digest)
        kept = folder / f"{digest.hexdigest()}.json"
    except (OSError, ValueError, ModelNotFoundError) as exc:
        logger.debug("phones cache not used: %s", exc)
        return build()
    words = _read(kept, _pronunciations)
    if words is not None:
        return words
    words = build()
    _write(folder, kept, lambda: {"words": list(words), "phones": list(words.values())})
    return words


def cached_vocabulary(dic: Path, aff: Path | None, build: Callable[[], Vocabulary]
                      ) -> Vocabulary:
    """The clinical vocabulary of the hunspell dictionary ``dic`` and its affix file
    ``aff``, read back from the cache (``vocabulary/``) when it holds the words of the
    same files' bytes, else ``build()`` (which reads them, and says what it cannot)."""
    try:
        digest = hashlib.sha256()
        _add(digest, "format", _VOCABULARY_FORMAT.encode())
        # (words are case-folded by Python's Unicode tables)
        _add(digest, "python", f"{sys.version}\0{unicodedata.unidata_version}".encode())
        _add_sources(digest)
        _add(digest, "dic", dic.read_bytes())
        _add(digest, "aff", b"" if aff is None else f"{aff}\0".encode() + aff.read_bytes())
        folder = cache_dir() / "vocabulary"
        kept = folder / f"{digest.hexdigest()}.json"
    except (OSError, ValueError, ModelNotFoundError) as exc:
        logger.debug("vocabulary cache not used: %s", exc)
        return build()

    def decode(state: dict[str, Any]) -> Vocabulary:
        words = state["words"]
        if not words or not all(type(word) is str for word in words):
            raise TypeError("vocabulary state: not words")
        return Vocabulary(str(dic), frozenset(words))

    vocabulary = _read(kept, decode)
    if vocabulary is not None:
        return vocabulary
    vocabulary = build()
    _write(folder, kept, lambda: {"words": list(vocabulary.words)})
    return vocabulary


def _pronunciations(state: dict[str, Any]) -> dict[str, str]:
    words, phones = state["words"], state["phones"]
    if not all(type(text) is str for column in (words, phones) for text in column):
        raise TypeError("phones state: not words and phones")
    return dict(zip(words, phones, strict=True))


def _lexicon_key(path: Path, raw: bytes) -> str:
    """The digest of what a lexicon parsed from ``raw`` (the bytes of ``path``) is made of."""
    digest = hashlib.sha256()
    _add(digest, "format", _LEXICON_FORMAT.encode())
    _add(digest, "python", f"{sys.version}\0{unicodedata.unidata_version}".encode())
    _add_sources(digest)
    _add(digest, "file", path.name.encode())
    _add(digest, "lexicon", raw)
    return digest.hexdigest()


def _add(digest: Any, label: str, data: bytes) -> None:
    digest.update(f"{label}\0{len(data)}\0".encode())
    digest.update(data)


def _add_sources(digest: Any) -> None:
    """This package's source, into ``digest``."""
    for source in sorted(_PACKAGE.rglob("*.py")):
        _add(digest, source.relative_to(_PACKAGE).as_posix(), source.read_bytes())


def _key(lexicons: Sequence[Lexicon]) -> str:
    """The digest of what the index of ``lexicons`` is made of."""
    from uncertain._assets import lexicon_dir
    from uncertain._phones import PHONES_FILE

    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        _add(digest, label, data)

    add("format", _FORMAT.encode())
    add("python", f"{sys.version}\0{unicodedata.unidata_version}".encode())
    for name in _DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        add(name, version.encode())
    _add_sources(digest)
    phones = lexicon_dir() / PHONES_FILE
    add("phones", phones.read_bytes() if phones.is_file() else b"")
    for lexicon in lexicons:
        if lexicon.path is None:
            raise ValueError(f"lexicon {lexicon.name!r} has no file")
        add(f"lexicon {lexicon.name}", Path(lexicon.path).read_bytes())
    return digest.hexdigest()


def _trusted(info: os.stat_result) -> bool:
    """Whether what ``info`` describes can have been written only by this user or root."""
    return (info.st_uid in (os.getuid(), 0)
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _read(path: Path, decode: Callable[[Any], _T]) -> _T | None:
    """What is kept at ``path`` (``decode`` of its state), or None when there is none
    this user can trust."""
    if not hasattr(os, "getuid"):
        return None  # (no owners to check)
    try:
        if not _trusted(os.stat(path.parent)):
            logger.debug("index cache %s: another user can write it; not read", path.parent)
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None  # (none yet, mostly)
    try:
        with os.fdopen(fd, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                logger.debug("index cache %s: another user can write it; not read", path)
                return None
            state = json.loads(handle.read())
        if state.get("format") != _FORMAT or state.get("key") != path.stem:
            raise ValueError("not this index's state")
        kept = decode(state["index"])
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError) as exc:
        logger.debug("index cache %s: not used (%s)", path, exc)
        return None
    try:
        os.utime(path)  # used: kept over those not used since (_prune)
    except OSError:
        pass  # (a read-only cache is read as well)
    return kept


def _write(folder: Path, path: Path, state: Callable[[], Any]) -> None:
    """Keep ``state()`` at ``path``, if this user can (never failing)."""
    if not hasattr(os, "getuid"):
        return
    tmp = None
    try:
        folder.mkdir(mode=0o755, parents=True, exist_ok=True)
        if not _trusted(os.stat(folder)):
            return
        data = json.dumps({"format": _FORMAT, "key": path.stem, "index": state()},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644 & ~_umask())  # (as the models' files)
            out.write(data)
        os.replace(tmp, path)
        tmp = None
        _prune(folder, path)
    except OSError as exc:  # read-only, full, or another user's folder
        logger.debug("index cache %s: not written (%s)", path, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(folder: Path, kept: Path) -> None:
    """Remove the state files of other keys (and leftovers of writes) not used for
    ``_STALE_SECONDS``, and those beyond the ``_KEEP`` most recently used: an upgrade
    leaves the old one behind, and each change of the source while the package is worked
    on writes another."""
    now = time.time()
    used: list[tuple[float, Path]] = []
    for other in folder.iterdir():
        if other.name == kept.name or not other.name.endswith((".json", ".tmp")):
            continue
        try:
            mtime = other.stat().st_mtime
            if now - mtime > _STALE_SECONDS:
                other.unlink()
            elif other.name.endswith(".json"):
                used.append((mtime, other))
        except OSError:
            pass
    used.sort(key=lambda item: item[0], reverse=True)
    for _, other in used[_KEEP - 1:]:  # (``kept`` is one of the ``_KEEP``)
        try:
            other.unlink()
        except OSError:
            pass
