"""A fake tesseract engine that replays output recorded from the real one (test helper).

The recordings live in ``tests/data/ocr/<scenario>.json.gz`` and are made by
``tests/data/ocr/record_fixtures.py``; ``scenario_input`` rebuilds each scenario's input.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

OCR_DATA = Path(__file__).resolve().parent
if str(OCR_DATA) not in sys.path:
    sys.path.insert(0, str(OCR_DATA))

from record_fixtures import scenario_input  # noqa: E402

__all__ = ["OCR_DATA", "ReplayEngine", "load_calls", "scenario_input"]


def load_calls(scenario: str) -> list[dict[str, Any]]:
    """The recorded tesseract answers of a scenario, in call order."""
    with gzip.open(OCR_DATA / f"{scenario}.json.gz", "rt", encoding="utf-8") as fh:
        calls: list[dict[str, Any]] = json.load(fh)
    return calls


class ReplayEngine:
    """Answers each call with the next recorded answer; keeps what it was asked."""

    def __init__(self, scenario: str | None = None,
                 calls: list[dict[str, Any]] | None = None) -> None:
        self.recorded = list(calls if calls is not None else load_calls(scenario or ""))
        self.asked: list[dict[str, Any]] = []

    def _next(self, method: str, image: Any, config: str) -> dict[str, Any]:
        size = Image.open(image).size if isinstance(image, str) else None
        self.asked.append({"method": method, "config": config, "size": size})
        if not self.recorded:
            raise AssertionError(f"unexpected extra call {method}({config!r})")
        call = self.recorded.pop(0)
        if call["method"] != method:
            raise AssertionError(f"expected {call['method']}, got {method}")
        if "error" in call:
            raise pytesseract.TesseractError(1, call["error"])
        return call

    def image_to_pdf_or_hocr(self, image: Any, lang: str | None = None, config: str = "",
                             nice: int = 0, extension: str = "hocr",
                             timeout: float = 0) -> bytes:
        return str(self._next("image_to_pdf_or_hocr", image, config)["output"]).encode()

    def image_to_osd(self, image: Any, lang: str = "osd", config: str = "", nice: int = 0,
                     output_type: str = "string", timeout: float = 0) -> Any:
        return self._next("image_to_osd", image, config)["output"]

    def get_languages(self, config: str = "") -> list[str]:
        self.asked.append({"method": "get_languages", "config": config, "size": None})
        return ["eng", "osd"]
