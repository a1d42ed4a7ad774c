"""Tesseract's own time, for the scan benchmarks that compare a pass's cost.

:func:`time_calls` wraps functions that run tesseract so that each call adds its wall
time to ``TESSERACT[0]``: a benchmark sets it to 0 before reading a page and reads it
after. Importing this module wraps :meth:`uncertain.ocr.PytesseractEngine._process` (one
tesseract call on one page image), the way ``recognize`` reaches the binary;
``benchmarks/ocr_overhead.py`` wraps ``pytesseract.pytesseract.run_tesseract`` too, the
way its plain pytesseract side reaches it. A function is wrapped once, however many
benchmarks import this module or ask for it, and a timed call made inside another (one
wrapped function calling another) is counted once, in the outer call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from uncertain.ocr import PytesseractEngine

#: seconds spent in tesseract since a benchmark last set it to 0
TESSERACT = [0.0]
#: timed calls under way (a call inside another adds nothing of its own)
_DEPTH = [0]


def _timed(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        _DEPTH[0] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:
                TESSERACT[0] += time.perf_counter() - start
    wrapper.tesseract_timed = True  # type: ignore[attr-defined]
    return wrapper


def time_calls(*targets: tuple[Any, str]) -> None:
    """Wrap each ``(owner, name)``'s function (a module's or a class's attribute) with the
    timer, unless it is wrapped already."""
    for owner, name in targets:
        fn = getattr(owner, name)
        if not getattr(fn, "tesseract_timed", False):
            setattr(owner, name, _timed(fn))


time_calls((PytesseractEngine, "_process"))
