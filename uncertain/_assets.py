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
    """``functools.lru_cache(maxsize)`` whose calls hold a lock of the function's own:
    threads that ask at once for what is not built yet (an ingestion job's workers
    validating their first documents) wait for one build instead of each making its
    own (eight threads built the shipped lexicons' index eight times, 734 MiB)."""
    def decorate(fn: _F) -> _F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        lock = threading.Lock()

        @functools.wraps(fn)
        def call(*args: Any) -> Any:
            with lock:
                return cached(*args)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]
    return decorate
