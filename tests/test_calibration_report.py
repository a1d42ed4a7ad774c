"""benchmarks/calibration_report.py: the bootstrap interval brackets the pooled figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from uncertain.document import Document, Segment, Source, Word

ROOT = Path(__file__).resolve().parent.parent


def _report_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location(
            "calibration_report", ROOT / "benchmarks" / "calibration_report.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def _doc(words: list[tuple[str, float]]) -> Document:
    source = Source(path="x.wav", sha256="0" * 64, modality="audio", engine="faster-whisper",
                    model="tiny.en")
    return Document(source=source, segments=[Segment(id=0, words=[
        Word(text=t, confidence=c, start=float(i), end=i + 0.5)
        for i, (t, c) in enumerate(words)])])


def test_calibration_report_intervals_bracket_a_perfect_and_a_mixed_detector() -> None:
    module = _report_module()
    reference = "take the tablet daily"
    # wrong words ("cable", "gaily") always less confident than right ones: AUROC 1
    perfect = [(_doc([("take", 0.9), ("the", 0.8), ("cable", 0.2), ("daily", 0.95)]),
                reference),
               (_doc([("take", 0.7), ("the", 0.9), ("tablet", 0.85), ("gaily", 0.1)]),
                reference)] * 3
    (a_lo, a_hi), (e_lo, e_hi) = module._intervals(perfect, 200)
    assert a_lo == a_hi == 1.0
    assert 0.0 < e_lo <= e_hi < 0.5
    # one document ranks a wrong word above a right one: the interval now reaches below 1
    mixed = [*perfect, (_doc([("take", 0.3), ("the", 0.9), ("cable", 0.95), ("daily", 0.9)]),
                        reference)]
    (a_lo, a_hi), _ = module._intervals(mixed, 200)
    assert a_lo < 1.0 and a_hi == 1.0
