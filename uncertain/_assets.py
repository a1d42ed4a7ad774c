"""Finding the data shipped with the package (lexicons, calibrations), and building
what is made of it once per process."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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
