"""benchmarks/render_cost.py keeps running and reports every style of every document."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _render_cost() -> Any:
    """benchmarks/render_cost.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("render_cost", ROOT / "benchmarks" /
                                                  "render_cost.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_render_cost_benchmark_reports_each_style(capsys: pytest.CaptureFixture[str]) -> None:
    module = _render_cost()
    fixture = ROOT / "tests" / "data" / "render" / "discharge.json"
    assert module.main([str(fixture), "--tokenizer", "estimate", "--as-given"]) == 0
    out = capsys.readouterr().out
    assert "tokenizer: estimate" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("discharge ")]
    assert [row[1] for row in rows] == ["inline", "bracket", "json"]
    assert all(row[3] == "3" for row in rows)  # three marked spans in each style
    assert "goal: inline markup < 15% of plain tokens" in out
    # the floor counts the spans' p values and suggestions, below every style's markup
    floor = next(line for line in out.splitlines() if line.startswith("floor:"))
    tokens = int(floor.split(" are ")[1].split()[0])
    markups = [int(row[5]) for row in rows]
    assert 0 < tokens < min(markups)


def test_render_cost_benchmark_reports_what_a_budget_just_under_keeps(
        capsys: pytest.CaptureFixture[str]) -> None:
    module = _render_cost()
    fixture = ROOT / "tests" / "data" / "render" / "dictation.json"
    assert module.main([str(fixture), "--tokenizer", "estimate", "--under", "3"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if "tokens under the full prompt" in line]
    assert [line.split(":")[0] for line in lines] == ["inline", "bracket", "json"]
    for line in lines:
        spans, suggestions = (float(x) for x in re.findall(r"([\d.]+)% of", line))
        assert 0 <= suggestions < 100 and 0 <= spans <= 100
