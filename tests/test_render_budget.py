"""Token budgets: suggestions go before markup, the most doubtful spans keep theirs
longest, and the prompt says what was left out."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from uncertain import _tokens
from uncertain._markup import note_line
from uncertain.document import Candidate, Document, Flag, Segment, Source, Word
from uncertain.errors import UncertainError
from uncertain.render import STYLES, BudgetError, Prompt, estimate_tokens, parse, render

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


def test_render_budget_note_appears_only_when_markup_is_left_out(
        tokenizer: str | None) -> None:
    doc = _dictation()
    full = render(doc, tokenizer=tokenizer)
    fits = render(doc, tokenizer=tokenizer, budget=full.tokens)
    assert (fits.dropped, fits.cut, fits.trimmed, fits.note) == (0, 0, 0, None)
    assert "<!--" not in fits.document
    tight = render(doc, tokenizer=tokenizer, budget=full.tokens - 1)
    assert tight.dropped + tight.cut >= 1
    assert tight.note is not None and tight.note.endswith((" unmarked", " cut"))
    assert tight.document.startswith(f"<!-- {tight.note} -->\n")
    assert parse(tight.text).note == tight.note
    bracket = render(doc, style="bracket", tokenizer=tokenizer,
                     budget=render(doc, style="bracket", tokenizer=tokenizer).tokens - 1)
    assert bracket.document.startswith(f"[! {bracket.note}]\n")
    json_ = render(doc, style="json", tokenizer=tokenizer,
                   budget=render(doc, style="json", tokenizer=tokenizer).tokens - 1)
    assert parse(json_).note == json_.note is not None


@pytest.mark.parametrize(("style", "counter"),
                         [("inline", None), ("inline", "estimate"), ("bracket", None)])
def test_render_budget_note_a_token_short_costs_no_span(style: str, counter: str | None) -> None:
    """The note's every token is one the markup loses: at a budget one token short of the
    whole prompt, "1 of 3 doubtful spans left unmarked, 2 suggestions cut (token
    budget)" cost the dictation a span (two of three with the estimate, or in brackets):
    cutting its two suggestions saved fewer tokens than that note took."""
    doc = _dictation()
    full = render(doc, style=style, tokenizer=counter)  # type: ignore[arg-type]
    assert (full.marked, sum(len(s.candidates) for s in full.spans)) == (3, 2)
    tight = render(doc, style=style, tokenizer=counter,  # type: ignore[arg-type]
                   budget=full.tokens - 1)
    assert (tight.marked, tight.dropped, tight.cut) == (3, 0, 2)
    assert tight.note == "2 suggestions cut"


@pytest.mark.parametrize("counter", ["o200k_base", "cl100k_base"])
def test_render_budget_inline_note_is_a_comment(counter: str) -> None:
    """The inline note was a ``note`` tag, three tokens more than a comment: a budget up
    to six tokens short of the dictation's full prompt cost it a span, where cutting its
    two suggestions, and a comment saying so, fits."""
    pytest.importorskip("bpe_openai")
    doc = _dictation()
    full = render(doc, tokenizer=counter)
    for short in range(1, 7):
        prompt = render(doc, tokenizer=counter, budget=full.tokens - short)
        assert (prompt.marked, prompt.cut) == (3, 2)
        assert prompt.document.startswith("<!-- 2 suggestions cut -->\n")
        assert parse(prompt).note == "2 suggestions cut"
    # a note tag, as a prompt rendered before had it, is read back as one
    back = parse("<note>2 suggestions cut</note>\n" + prompt.document.split("\n", 1)[1])
    assert (back.note, back.text, back.spans) == ("2 suggestions cut", doc.text, prompt.spans)


def _suggested() -> Document:
    """Four flagged names, each with three suggestions, p 0.1 to 0.4, among plain words."""
    said = [("take", 0.99), ("metfromin", 0.2), ("and", 0.99), ("lisnopril", 0.3),
            ("then", 0.99), ("atorvastin", 0.4), ("with", 0.99), ("warfrin", 0.4), ("daily", 0.99)]
    words = [Word(text=t, confidence=c, start=i * 0.5, end=i * 0.5 + 0.4)
             for i, (t, c) in enumerate(said)]
    terms = {1: ("metformin", "metoprolol", "methotrexate"),
             3: ("lisinopril", "lisdexamfetamine", "linagliptin"),
             5: ("atorvastatin", "rosuvastatin", "pravastatin"),
             7: ("warfarin", "warfarin sodium", "Coumadin")}
    flags = [Flag(reason="near_lexicon", text=said[i][0], start=i, end=i + 1,
                  confidence=0.9 - 0.1 * k,
                  candidates=[Candidate(term=t, canonical=t, score=0.9 - 0.1 * j)
                              for j, t in enumerate(terms[i])])
             for k, i in enumerate(sorted(terms))]
    return Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                  engine="test"),
                    segments=[Segment(id=0, words=words, start=0.0)], flags=flags)


def _shown(prompt: Prompt, full: Prompt) -> list[int]:
    """How many suggestions each span of ``full`` shows in ``prompt`` (-1: unmarked),
    most doubtful first."""
    by_start = {s.word_start: s for s in prompt.spans}
    ranked = sorted(full.spans, key=lambda s: (s.p, s.start))
    return [len(by_start[s.word_start].candidates) if s.word_start in by_start else -1
            for s in ranked]


def test_render_budget_cuts_suggestions_before_unmarking_spans() -> None:
    """A prompt over its budget lost the markup of its least doubtful spans whole, while
    the others kept every suggestion: a span kept with its p alone still says "look
    here", and its suggestions cost most of its tokens."""
    doc = _suggested()
    full = render(doc, tokenizer=len, candidate_gap=None)
    assert _shown(full, full) == [3, 3, 3, 3]
    # every span with its p alone, and the note saying so: all stay marked
    bare = render(doc, tokenizer=len, max_candidates=0)
    note = "12 suggestions cut"
    budget = bare.tokens + len(note_line(note, "inline") + "\n")
    prompt = render(doc, tokenizer=len, candidate_gap=None, budget=budget)
    assert (prompt.marked, prompt.dropped, prompt.trimmed, prompt.cut) == (4, 0, 4, 12)
    assert prompt.note == note and prompt.document.startswith(f"<!-- {note} -->\n")
    assert prompt.tokens == budget
    # a little more: the most doubtful get their best suggestion back first
    more = render(doc, tokenizer=len, candidate_gap=None, budget=budget + len(' maybe="metformin"'))
    assert _shown(more, full) == [1, 0, 0, 0]
    assert more.spans[0].candidates == ("metformin",) and more.spans[0].terms == ("metformin",)
    assert (more.trimmed, more.cut) == (4, 11) and more.note == "11 suggestions cut"


def test_render_budget_keeps_a_short_suggestion_the_note_would_cost_more_to_cut() -> None:
    """Cutting a suggestion adds ", 1 suggestion cut" to the note: where that costs more
    than the suggestion, the span keeps it rather than be left unmarked."""
    said = [("take", 0.99), ("metfromin", 0.1), ("and", 0.99), ("then", 0.3), ("one", 0.99),
            ("a", 0.35), ("day", 0.99), ("for", 0.4), ("now", 0.99)]
    doc = Document(
        source=Source(path="a.wav", sha256="0" * 64, modality="audio", engine="test"),
        segments=[Segment(id=0, start=0.0, words=[
            Word(text=t, confidence=c, start=i * 0.5, end=i * 0.5 + 0.4)
            for i, (t, c) in enumerate(said)])],
        flags=[Flag(reason="near_lexicon", text="metfromin", start=1, end=2, confidence=0.9,
                    candidates=[Candidate(term="x", canonical="x", score=0.9)])])
    full = render(doc, tokenizer=len, preamble=False)
    assert [s.text for s in full.spans] == ["metfromin", "then", "a", "for"]
    one = ("<!-- 3 doubtful spans unmarked -->\n"
           '[00:00.0] take <unsure p="0.10" maybe="x">metfromin</unsure> and then one a day for '
           "now")
    assert len(one) < full.tokens
    prompt = render(doc, tokenizer=len, preamble=False, budget=len(one))
    assert prompt.document == one
    assert (prompt.marked, prompt.dropped, prompt.cut) == (1, 3, 0)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("tokenizer", ["estimate", None, len], ids=["estimate", "default", "len"])
def test_render_budget_keeps_the_most_doubtful_richest(style: str, tokenizer: object) -> None:
    doc = _suggested()
    full = render(doc, style=style, tokenizer=tokenizer, candidate_gap=None)  # type: ignore[arg-type]
    plain = render(doc, style=style, tokenizer=tokenizer, threshold=0.0)  # type: ignore[arg-type]
    floor = plain.tokens
    step = max(1, (full.tokens - floor) // 60)
    seen = set()
    for budget in range(floor, full.tokens + 1, step):
        try:
            prompt = render(doc, style=style, tokenizer=tokenizer, candidate_gap=None,  # type: ignore[arg-type]
                            budget=budget)
        except BudgetError:
            continue
        assert prompt.tokens <= budget
        shown = _shown(prompt, full)
        seen.add(tuple(shown))
        # a more doubtful span never shows less than a less doubtful one (-1: unmarked)
        assert shown == sorted(shown, reverse=True)
        # what is shown: the span's best suggestions, and the counts of what is not
        whole = {s.word_start: s for s in full.spans}
        for span in prompt.spans:
            best = whole[span.word_start]
            assert span.candidates == best.candidates[:len(span.candidates)]
            assert span.terms == best.terms[:len(span.candidates)]
        assert prompt.marked == len(prompt.spans) == full.marked - prompt.dropped
        assert prompt.cut == sum(3 - n for n in shown if n >= 0)
        assert prompt.trimmed == sum(1 for n in shown if 0 <= n < 3)
        dropped = f"{prompt.dropped} doubtful span{'s' * (prompt.dropped != 1)} unmarked"
        cut = f"{prompt.cut} suggestion{'s' * (prompt.cut != 1)} cut"
        said = [dropped] * bool(prompt.dropped) + [cut] * bool(prompt.cut)
        # (no note beside the unmarked document where it alone fits)
        assert prompt.note == (None if prompt.text == plain.text else ", ".join(said) or None)
        back = parse(prompt)
        assert (back.text, back.spans, back.note) == (doc.text, prompt.spans, prompt.note)
    # every span marked with fewer suggestions came before any span unmarked
    assert any(min(shown) == 0 for shown in seen)
    assert len(seen) > 4


def test_render_budget_counts_few_prompts() -> None:
    """The budget is met by bisection: a few token counts, not one per step."""
    said = [(f"w{i}", 0.99 if i % 2 else 0.01 * (i % 40)) for i in range(400)]
    words = [Word(text=t, confidence=c) for t, c in said]
    flags = [Flag(reason="near_lexicon", text=t, start=i, end=i + 1, confidence=1 - c,
                  candidates=[Candidate(term=f"{t}x{j}", canonical="c", score=0.9 - 0.1 * j)
                              for j in range(3)])
             for i, (t, c) in enumerate(said) if not i % 2]
    doc = Document(source=Source(path="a.txt", sha256="0" * 64, modality="text", engine="t"),
                   segments=[Segment(id=0, words=words)], flags=flags)
    calls: list[int] = []

    def count(text: str) -> int:
        calls.append(1)
        return len(text)

    full = render(doc, tokenizer=count, candidate_gap=None)
    assert full.marked == 200
    plain = render(doc, tokenizer=len, threshold=0.0).tokens
    # the full and the unmarked prompt; two per step over the spans kept (with no
    # suggestion, or with all); one per step over the suggestions: not 801 choices
    most = 2 + 2 * (1 + math.ceil(math.log2(200 + 1))) + 1 + math.ceil(math.log2(600 + 1))
    for budget in (full.tokens - 1, (full.tokens + plain) // 2, plain + 3000, plain + 100):
        calls.clear()
        prompt = render(doc, tokenizer=count, candidate_gap=None, budget=budget)
        assert prompt.tokens <= budget
        assert len(calls) <= most


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_render_budget_markup_is_monotone(style: str, tokenizer: str | None) -> None:
    doc = _dictation()
    plain = render(doc, style=style, tokenizer=tokenizer, threshold=0.0)  # type: ignore[arg-type]
    full = render(doc, style=style, tokenizer=tokenizer)  # type: ignore[arg-type]
    previous = -1
    for budget in range(plain.tokens, full.tokens + 2):
        prompt = render(doc, style=style, tokenizer=tokenizer, budget=budget)  # type: ignore[arg-type]
        assert prompt.tokens <= budget
        assert prompt.marked >= previous
        assert prompt.marked + prompt.dropped == full.marked
        # the note is left out where nothing is, or the unmarked document alone fits
        unsaid = prompt.dropped == prompt.cut == 0 or prompt.text == plain.text
        assert (prompt.note is None) == unsaid
        previous = prompt.marked
    assert previous == full.marked


@pytest.mark.parametrize("style", STYLES)
def test_render_budget_the_unmarked_document_is_the_floor(style: str,
                                                          tokenizer: str | None) -> None:
    """A budget the unmarked document fits, but not with the note saying so, raised
    BudgetError ("the unmarked prompt needs ..."), though that prompt was to hand: the
    note was counted in the smallest prompt."""
    doc = _dictation()
    plain = render(doc, style=style, tokenizer=tokenizer, threshold=0.0)  # type: ignore[arg-type]
    full = render(doc, style=style, tokenizer=tokenizer)  # type: ignore[arg-type]
    budget = plain.tokens
    prompt = render(doc, style=style, tokenizer=tokenizer, budget=budget)  # type: ignore[arg-type]
    assert (prompt.text, prompt.tokens) == (plain.text, plain.tokens)
    assert (prompt.marked, prompt.dropped, prompt.note) == (0, full.marked, None)
    assert parse(prompt).text == doc.text
    with pytest.raises(BudgetError) as info:
        render(doc, style=style, tokenizer=tokenizer, budget=budget - 1)  # type: ignore[arg-type]
    assert info.value.needed == plain.tokens


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


def test_render_budget_spans_of_one_p_keep_their_markup_in_reading_order() -> None:
    """Spans whose p reads the same (0.041 and 0.044 both show 0.04) are cut the later
    first: their suggestions, then their markup."""
    said = ["take", "metfromin", "and", "lisnopril", "then", "atorvastin", "daily"]
    doubt = {1: 0.044, 3: 0.041, 5: 0.04}
    doc = Document(
        source=Source(path="a.txt", sha256="0" * 64, modality="text", engine="test"),
        segments=[Segment(id=0, words=[Word(text=t, confidence=0.99) for t in said])],
        flags=[Flag(reason="near_lexicon", text=said[i], start=i, end=i + 1,
                    confidence=1 - p, candidates=[Candidate(term=f"{said[i]}x", canonical="c",
                                                            score=0.9)])
               for i, p in doubt.items()])
    full = render(doc, tokenizer=len)
    assert [s.p for s in full.spans] == [0.04, 0.04, 0.04]
    seen = []
    for budget in range(full.tokens - 1, 0, -1):
        try:
            prompt = render(doc, tokenizer=len, budget=budget)
        except BudgetError:
            break
        shown = {s.text: len(s.candidates) for s in prompt.spans}
        seen.append([shown.get(w, -1) for w in ("metfromin", "lisnopril", "atorvastin")])
    assert all(row == sorted(row, reverse=True) for row in seen)
    assert [1, 0, 0] in seen and [0, -1, -1] in seen
