"""Rendered prompts of the fixture documents, checked against reviewed golden files.

Regenerate after an intended change with ``UNCERTAIN_REGEN_GOLDEN=1 pytest
tests/test_render_golden.py`` and review the diff by eye before keeping it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from uncertain.document import Document
from uncertain.render import parse, render

DATA = Path(__file__).resolve().parent / "data" / "render"
GOLDEN = DATA / "golden"
FIXTURES = ["dictation", "discharge", "intake"]
VARIANTS = {
    "full": {"structure": True, "preamble": True},
    "bare": {"structure": False, "preamble": False},
    "verified": {"structure": True, "preamble": False, "include_verified": True},
}
REGEN = os.environ.get("UNCERTAIN_REGEN_GOLDEN") == "1"


def _load(name: str) -> Document:
    return Document.from_json((DATA / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
@pytest.mark.parametrize("fixture", FIXTURES)
def test_render_matches_golden(fixture: str, style: str, variant: str) -> None:
    doc = _load(fixture)
    prompt = render(doc, style=style, tokenizer="estimate", **VARIANTS[variant])  # type: ignore[arg-type]
    path = GOLDEN / f"{fixture}.{style}.{variant}.txt"
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(prompt.text, encoding="utf-8")
    assert prompt.text == path.read_text(encoding="utf-8")
    back = parse(path.read_text(encoding="utf-8"), style=style)  # type: ignore[arg-type]
    assert back.text == doc.text
    assert back.spans == prompt.spans


@pytest.mark.parametrize(
    ("fixture", "marked", "surfaces"),
    [
        ("dictation", 3, ["met for me", "lie sin oh pril", "fifteen"]),
        ("discharge", 3, ["Lisinoprll", "5OO", "Smlth"]),
        ("intake", 0, []),
    ],
)
def test_render_fixtures_mark_the_expected_spans(fixture: str, marked: int,
                                                 surfaces: list[str]) -> None:
    prompt = render(_load(fixture), tokenizer="estimate")
    assert prompt.marked == marked
    assert [s.text for s in prompt.spans] == surfaces


def test_render_text_transcript_is_plain() -> None:
    doc = _load("intake")
    prompt = render(doc, preamble=False, tokenizer="estimate")
    assert prompt.document == doc.text
