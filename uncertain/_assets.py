"""Finding the data shipped with the package (lexicons, calibrations) and the user's cache
folder, and building what is made of it once per process."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from uncertain.errors import ModelNotFoundError

_F = TypeVar("_F", bound=Callable[..., Any])

_PACKAGE = Path(__file__).resolve().parent


def lexicon_dir() -> Path:
    """The folder of shipped lexicons: inside an installed wheel, or ``lexicons/`` in a checkout."""
    for candidate in (_PACKAGE / "_lexicons", _PACKAGE.parent / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the shipped lexicons are missing from this installation")


def data_dir() -> Path:
    """Small data files that live inside the package (calibrations, ...)."""
    return _PACKAGE / "data"


def cache_dir() -> Path:
    """``$UNCERTAIN_CACHE``, else ``$XDG_CACHE_HOME/uncertain``, else ``~/.cache/uncertain``
    (a relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification says: it made a
    copy of a joined model in every working folder)."""
    if os.environ.get("UNCERTAIN_CACHE"):
        return Path(os.environ["UNCERTAIN_CACHE"]).expanduser()
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or "").expanduser()
    if xdg.is_absolute():
        return xdg / "uncertain"
    try:
        return Path.home() / ".cache" / "uncertain"
    except RuntimeError as exc:  # no HOME, and a user id with no home in the passwd file
        raise ModelNotFoundError(f"no folder to cache models in ({exc}); set UNCERTAIN_CACHE "
                                 "to a writable folder") from exc


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (setting it
    to read it back would race files other threads create meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def built_once(maxsize: int | None = None) -> Callable[[_F], _F]:
    """``functools.lru_cache(maxsize)`` whose calls for one set of arguments hold a lock of
    their own: threads that ask at once for what is not built yet (an ingestion job's
    workers validating their first documents) wait for one build instead of each making
    its own (eight threads built the shipped lexicons' index eight times, 734 MiB), and a
    thread asking for what is built, or for something else, does not wait for a build
    (one tenant's lexicons being indexed held up every other tenant's validation for as
    long: 1.6 s for a call of 3 ms)."""
    def decorate(fn: _F) -> _F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        guard = threading.Lock()
        building: dict[tuple[Any, ...], threading.Lock] = {}

        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            with guard:
                lock = building.setdefault(args, threading.Lock())
            try:
                with lock:
                    return cached(*args)
            finally:
                with guard:  # (a thread that took this lock meanwhile finds it built)
                    if building.get(args) is lock:
                        del building[args]

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]
    return decorate
