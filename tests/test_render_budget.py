"""Token budgets: the most doubtful spans keep their markup first, and the prompt says so."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from uncertain import _tokens
from uncertain.document import Document
from uncertain.errors import UncertainError
from uncertain.render import BudgetError, estimate_tokens, parse, render

DATA = Path(__file__).resolve().parent / "data" / "render"


def _dictation() -> Document:
    return Document.from_json((DATA / "dictation.json").read_text(encoding="utf-8"))


@pytest.fixture(params=["estimate", None], ids=["estimate", "default"])
def tokenizer(request: pytest.FixtureRequest) -> str | None:
    return request.param  # type: ignore[no-any-return]


def test_render_budget_keeps_most_doubtful_first(tokenizer: str | None) -> None:
    doc = _dictation()
    full = render(doc, tokenizer=tokenizer)
    by_p = sorted(full.spans, key=lambda s: s.p if s.p is not None else 1.0)
    for keep in range(len(by_p) + 1):
        trial = render(doc, tokenizer=tokenizer, budget=full.tokens)
        budget = full.tokens
        while trial.marked > keep:  # the largest budget that keeps exactly `keep` spans
            budget -= 1
            trial = render(doc, tokenizer=tokenizer, budget=budget)
        assert {s.text for s in trial.spans} == {s.text for s in by_p[:trial.marked]}
        assert trial.tokens <= budget


def test_render_budget_note_appears_only_when_markup_is_dropped(tokenizer: str | None) -> None:
    doc = _dictation()
    full = render(doc, tokenizer=tokenizer)
    fits = render(doc, tokenizer=tokenizer, budget=full.tokens)
    assert fits.dropped == 0
    assert "<note>" not in fits.document
    tight = render(doc, tokenizer=tokenizer, budget=full.tokens - 1)
    assert tight.dropped >= 1
    note = f"{tight.dropped} of {full.marked} doubtful spans left unmarked (token budget)"
    assert tight.document.startswith(f"<note>{note}</note>\n")
    assert parse(tight.text).note is not None
    bracket = render(doc, style="bracket", tokenizer=tokenizer,
                     budget=render(doc, style="bracket", tokenizer=tokenizer).tokens - 1)
    assert bracket.document.startswith("[! ")
    assert '"note":' in render(doc, style="json", tokenizer=tokenizer,
                               budget=render(doc, style="json", tokenizer=tokenizer).tokens - 1
                               ).document


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_render_budget_markup_is_monotone(style: str, tokenizer: str | None) -> None:
    doc = _dictation()
    plain = render(doc, style=style, tokenizer=tokenizer, threshold=0.0)  # type: ignore[arg-type]
    full = render(doc, style=style, tokenizer=tokenizer)  # type: ignore[arg-type]
    previous = -1
    for budget in range(plain.tokens, full.tokens + 2):
        try:
            prompt = render(doc, style=style, tokenizer=tokenizer, budget=budget)  # type: ignore[arg-type]
        except BudgetError:
            assert previous == -1  # only the smallest budgets may fail (the note costs tokens)
            continue
        assert prompt.tokens <= budget
        assert prompt.marked >= previous
        assert prompt.marked + prompt.dropped == full.marked
        previous = prompt.marked
    assert previous == full.marked


def test_render_budget_too_small_for_plain_text(tokenizer: str | None) -> None:
    doc = _dictation()
    with pytest.raises(BudgetError) as info:
        render(doc, tokenizer=tokenizer, budget=10)
    assert isinstance(info.value, UncertainError)
    assert isinstance(info.value, ValueError)
    assert info.value.budget == 10
    assert info.value.needed > 10
    assert "over the budget of 10" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("a", 1), ("hello world", math.ceil((11 / 4 + 2) / 2)),
     ('<unsure p="0.15">', math.ceil((17 / 4 + 10) / 2))],
)
def test_render_estimate_tokens(text: str, expected: int) -> None:
    assert estimate_tokens(text) == expected


def test_render_tokenizer_accepts_encoders_and_callables() -> None:
    class Encoder:
        def encode(self, text: str) -> list[str]:
            return text.split()

    doc = _dictation()
    by_encoder = render(doc, tokenizer=Encoder())  # type: ignore[arg-type]
    assert by_encoder.tokens == len(by_encoder.text.split())
    by_callable = render(doc, tokenizer=len)
    assert by_callable.tokens == len(by_callable.text)
    assert render(doc, tokenizer="estimate").tokenizer == "estimate"


def test_render_tokenizer_falls_back_to_estimate_offline(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "bpe_openai", None)  # not installed
    monkeypatch.setitem(sys.modules, "bpe_openai._bindings", None)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # tiktoken has no table cached
    _tokens._named.cache_clear()
    try:
        assert _tokens.resolve_counter(None).name == "estimate"
        assert render(_dictation()).tokenizer == "estimate"
    finally:
        _tokens._named.cache_clear()


def test_render_tokenizer_finds_a_cached_tiktoken_table(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    assert not _tokens._tiktoken_cached("o200k_base")
    (tmp_path / "fb374d419588a4632f3f557e76b4b70aebbca790").write_bytes(b"x")
    assert _tokens._tiktoken_cached("o200k_base")
    assert not _tokens._tiktoken_cached("no_such_table")


def test_render_default_tokenizer_is_a_real_bpe() -> None:
    pytest.importorskip("bpe_openai")
    prompt = render(_dictation())
    assert prompt.tokenizer == "o200k_base"
    assert prompt.tokens != estimate_tokens(prompt.text)
