"""benchmarks/reconcile_speed.py keeps running and maps every answer's fixes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _reconcile_speed() -> Any:
    spec = importlib.util.spec_from_file_location("reconcile_speed", ROOT / "benchmarks" /
                                                  "reconcile_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reconcile_speed_benchmark_maps_each_answers_fixes(
        capsys: pytest.CaptureFixture[str]) -> None:
    module = _reconcile_speed()
    assert module.main(["--words", "600", "--flags", "24", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("document: ")
    rows = {line[:28].strip(): line[28:].split() for line in out.splitlines()[2:-1]}
    assert list(rows) == ["copy", "prompt given back", "preface and note", "markdown bullets",
                          "lines shuffled, one dropped", "every other line", "list of fixes",
                          "table of fixes", "summary"]
    for name in ("copy", "preface and note", "markdown bullets", "lines shuffled, one dropped",
                 "list of fixes", "table of fixes"):
        _seconds, resolved, unchanged, over, kept = rows[name]
        assert (resolved, unchanged) == ("24", "0"), name
        assert float(kept) > 0.95 and int(over) <= 1, name
    assert rows["prompt given back"][1:3] == ["0", "24"]
    assert "goal: under 1 s each" in out
