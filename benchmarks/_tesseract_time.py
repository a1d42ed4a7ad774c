"""Tesseract's own time, for the scan benchmarks that compare a pass's cost.

Importing this module wraps :meth:`uncertain.ocr.PytesseractEngine._process` (one
tesseract call on one page image) once, however many benchmarks import it, so that each
call adds its wall time to ``TESSERACT[0]``: a benchmark sets it to 0 before reading a
page and reads it after. (``benchmarks/ocr_overhead.py`` times ``run_tesseract`` as well,
to part tesseract's time from the stage's own, and keeps its own timer.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from uncertain.ocr import PytesseractEngine

#: seconds spent in tesseract since a benchmark last set it to 0
TESSERACT = [0.0]


def _timed(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TESSERACT[0] += time.perf_counter() - start
    wrapper.tesseract_timed = True  # type: ignore[attr-defined]
    return wrapper


if not getattr(PytesseractEngine._process, "tesseract_timed", False):
    PytesseractEngine._process = _timed(PytesseractEngine._process)  # type: ignore[method-assign]
