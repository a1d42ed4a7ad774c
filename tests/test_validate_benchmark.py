"""benchmarks/validate_quality.py: its recovery intervals and its stage caches."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def vq() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("validate_quality", ROOT / "benchmarks" /
                                                  "validate_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _interval(line: str, name: str) -> tuple[float, ...]:
    """``share, low, high`` of the figure ``name`` in an interval line, in percent."""
    found = re.search(re.escape(name) + r" ([\d.]+)% \[([\d.]+)%, ([\d.]+)%\]", line)
    assert found is not None, line
    return tuple(float(x) for x in found.groups())


def test_intervals_draw_whole_items(vq: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    items = [Counter(mentions=2, recovered=2, recovered_top1=1),
             Counter(mentions=1, recovered=0, recovered_top1=0),
             Counter(mentions=3, recovered=1, recovered_top1=1),
             Counter(mentions=1, recovered=1, recovered_top1=1)]
    vq.intervals({"audio": items, "text": [Counter(mentions=4, recovered=4,
                                                   recovered_top1=4)]}, 500)
    out = capsys.readouterr().out
    audio = next(line for line in out.splitlines() if ", audio (" in line)
    assert "(4 items with mentions, 500 resamples)" in audio
    share, lo, hi = _interval(audio, "recovered@3")
    assert share == pytest.approx(100 * 4 / 7, abs=0.05)
    assert lo < share < hi and 0 <= lo and hi <= 100
    share1, lo1, hi1 = _interval(audio, "top-1")
    assert share1 == pytest.approx(100 * 3 / 7, abs=0.05) and lo1 < share1 < hi1
    # one item, all recovered: nothing to resample
    text = next(line for line in out.splitlines() if ", text (" in line)
    assert _interval(text, "recovered@3") == (100.0, 100.0, 100.0)


def test_prompted_transcripts_are_cached_apart(vq: ModuleType) -> None:
    plain = vq._cache_dir("audio", None)
    prompted = vq._cache_dir("audio", None, "Clinical dictation.")
    other = vq._cache_dir("audio", None, "Clinical notes.")
    assert len({plain, prompted, other, vq._cache_dir("audio", "base")}) == 4
    assert prompted == vq._cache_dir("audio", None, "Clinical dictation.")
    # a prompt is Whisper's: images and text share one cache whatever it is
    assert vq._cache_dir("image", None, "x") == vq._cache_dir("image", None)
