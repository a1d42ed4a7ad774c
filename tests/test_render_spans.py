"""Which spans are marked, how structure is laid out, and what parse rejects."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from uncertain._markup import PREAMBLES, format_time
from uncertain.document import (
    Candidate,
    CharChoice,
    CharChoices,
    Document,
    Flag,
    Segment,
    Source,
    Validation,
    Word,
)
from uncertain.errors import MarkupError, UncertainError
from uncertain.render import doubtful_spans, parse, render
from uncertain.validate import validate

DATA = Path(__file__).resolve().parent / "data" / "render"


def _doc(lines: list[list[tuple[str, float | None]]], flags: list[Flag] | None = None, *,
         modality: str = "audio", starts: list[float | None] | None = None,
         pages: list[int | None] | None = None) -> Document:
    segments = []
    for i, line in enumerate(lines):
        page = pages[i] if pages else None
        words = [Word(text=t, confidence=c, page=page) for t, c in line]
        # a text document has times only when it came from subtitles
        start = starts[i] if starts else (None if modality == "text" else float(i))
        segments.append(Segment(id=i, words=words, start=start, page=page))
    return Document(source=Source(path="x", sha256="0" * 64, modality=modality, engine="test"),
                    segments=segments, flags=flags or [])


def _flag(start: int, end: int, confidence: float | None, *, reason: str = "near_lexicon",
          terms: tuple[str, ...] = ()) -> Flag:
    return Flag(reason=reason, text="x", start=start, end=end, confidence=confidence,  # type: ignore[arg-type]
                candidates=[Candidate(term=t, canonical=t, score=0.5) for t in terms])


LINE = [("take", 0.9), ("met", 0.3), ("for", 0.6), ("me", 0.4), ("daily", 0.95)]


@pytest.mark.parametrize(
    ("flags", "threshold", "include_verified", "expected"),
    [
        # flag confidence is the chance the span is wrong: p = 1 - confidence
        ([_flag(1, 4, 0.85)], 0.5, False, [("met for me", 0.15, False)]),
        ([_flag(1, 4, 0.3)], 0.5, False, []),
        ([_flag(1, 4, 0.3)], 0.8, False, [("met for me", 0.7, False)]),
        # no flag confidence: the lowest word confidence in the span
        ([_flag(1, 4, None)], 0.5, False, [("met for me", 0.3, False)]),
        # verified flags only on request, without p
        ([_flag(1, 4, 0.01, reason="verified")], 0.5, False, []),
        ([_flag(1, 4, 0.01, reason="verified")], 0.5, True, [("met for me", None, True)]),
        # overlapping flags: the most doubtful wins
        ([_flag(1, 3, 0.6), _flag(2, 4, 0.9)], 0.5, False, [("for me", 0.1, False)]),
        # no flags: unflagged doubtful words, adjacent ones merged
        ([], 0.5, False, [("met", 0.3, False), ("me", 0.4, False)]),
        ([], 0.7, False, [("met for me", 0.3, False)]),
        ([], 0.0, False, []),
        # a flag that is not doubtful still speaks for its words
        ([_flag(1, 4, 0.1)], 0.5, False, []),
        ([_flag(0, 2, 0.1)], 0.5, False, [("me", 0.4, False)]),
    ],
)
def test_render_spans_follow_the_rules(flags: list[Flag], threshold: float,
                                       include_verified: bool,
                                       expected: list[tuple[str, float | None, bool]]) -> None:
    doc = _doc([LINE], flags)
    spans = doubtful_spans(doc, threshold=threshold, include_verified=include_verified)
    assert [(s.text, s.p, s.verified) for s in spans] == expected


def test_render_flag_without_any_confidence_is_marked_without_p() -> None:
    doc = _doc([[("met", None), ("for", None), ("me", None)]], [_flag(0, 3, None,
               terms=("metformin",))], modality="text")
    prompt = render(doc, preamble=False, tokenizer="estimate")
    assert prompt.document == '<unsure maybe="metformin">met for me</unsure>'
    assert render(doc, style="bracket", preamble=False,
                  tokenizer="estimate").document == "[met for me?|metformin]"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # adjacent flags with nothing to suggest are one doubtful stretch, lowest p
        ([_flag(1, 2, 0.9, reason="low_confidence"), _flag(2, 3, 0.8, reason="low_confidence"),
          _flag(3, 4, 0.95, reason="low_confidence")], [("met for me", 0.05)]),
        # a flag with suggestions keeps its span: they are for its words
        ([_flag(1, 3, 0.9, terms=("metformin",)), _flag(3, 4, 0.8, reason="low_confidence")],
         [("met for", 0.1), ("me", 0.2)]),
        ([_flag(1, 2, 0.8, reason="low_confidence"), _flag(2, 4, 0.9, terms=("Formix",))],
         [("met", 0.2), ("for me", 0.1)]),
        # a word between them keeps them apart; unknown p stays unknown
        ([_flag(1, 2, 0.9, reason="low_confidence"), _flag(3, 4, 0.8, reason="low_confidence")],
         [("met", 0.1), ("me", 0.2)]),
        ([_flag(1, 2, None, reason="out_of_vocabulary"),
          _flag(2, 3, 0.8, reason="low_confidence")], [("met for", None)]),
    ],
)
def test_render_adjacent_flags_without_suggestions_are_one_span(
        flags: list[Flag], expected: list[tuple[str, float | None]]) -> None:
    doc = _doc([[(t, None) for t, _ in LINE]], flags)
    spans = doubtful_spans(doc)
    assert [(s.text, s.p) for s in spans] == expected
    prompt = render(doc, preamble=False, tokenizer="estimate")
    assert parse(prompt.document).spans == tuple(spans)


def test_render_adjacent_flags_of_two_segments_stay_apart() -> None:
    doc = _doc([[("a", 0.9), ("b", 0.9)], [("c", 0.9), ("d", 0.9)]],
               [_flag(1, 2, 0.9, reason="low_confidence"),
                _flag(2, 3, 0.9, reason="low_confidence")])
    spans = doubtful_spans(doc)
    assert [(s.text, s.word_start, s.word_end) for s in spans] == [("b", 1, 2), ("c", 2, 3)]


def test_render_doubtful_words_merge_within_a_segment_only() -> None:
    doc = _doc([[("a", 0.9), ("b", 0.2)], [("c", 0.3), ("d", 0.9)]])
    spans = doubtful_spans(doc)
    assert [(s.text, s.word_start, s.word_end) for s in spans] == [("b", 1, 2), ("c", 2, 3)]


def test_render_flag_across_segments_keeps_structure() -> None:
    doc = _doc([[("a", 0.9), ("met", 0.9)], [("formin", 0.9), ("b", 0.9)]],
               [_flag(1, 3, 0.8)], starts=[0.0, 2.5])
    prompt = render(doc, preamble=False, tokenizer="estimate")
    assert prompt.document == '[00:00.0] a <unsure p="0.20">met\n[00:02.5] formin</unsure> b'
    back = parse(prompt.document)
    assert back.text == "a met\nformin b"
    assert back.spans[0].text == "met\nformin"


@pytest.mark.parametrize(
    ("max_candidates", "maybe"),
    [(0, None), (1, "metformin"), (3, "metformin|metoprolol|Metformin")],
)
def test_render_candidates_are_capped_and_deduplicated(max_candidates: int,
                                                       maybe: str | None) -> None:
    terms = ("metformin", "metformin", " ", "metoprolol", "Metformin", "methadone")
    doc = _doc([LINE], [_flag(1, 4, 0.9, terms=terms)])
    document = render(doc, preamble=False, structure=False, max_candidates=max_candidates,
                      tokenizer="estimate").document
    expected = ' maybe="' + maybe + '"' if maybe else ""
    assert document == f'take <unsure p="0.10"{expected}>met for me</unsure> daily'


@pytest.mark.parametrize(
    ("options", "maybe"),
    # log-odds 2.2, 0.85 and 0: Motrin is 2.2 below the best, Medopren under 0.05
    [({}, "metformin|metoprolol"),
     ({"candidate_gap": 2.5}, "metformin|metoprolol|Motrin"),
     ({"candidate_gap": 1.0}, "metformin"),
     ({"candidate_gap": None}, "metformin|metoprolol|Motrin"),
     ({"candidate_gap": None, "max_candidates": 5}, "metformin|metoprolol|Motrin"),
     ({"candidate_gap": 0.0}, "metformin"),
     ({"min_candidate_score": 0.95}, None),
     # with no floor, every candidate counts (in the flag's order)
     ({"candidate_gap": None, "min_candidate_score": 0.0},
      "Medopren|metformin|metoprolol"),
     ({"candidate_gap": 5.0}, "metformin|metoprolol|Motrin")],
)
def test_render_lists_suggestions_near_the_best(options: dict[str, object],
                                                maybe: str | None) -> None:
    """Runner-ups far below the best, and suggestions scored near 0, are left out."""
    scores = [("Medopren", 0.01), ("metformin", 0.9), ("metoprolol", 0.7), ("Motrin", 0.5),
              ("Mydfrin", 0.02)]
    flag = Flag(reason="near_lexicon", text="met for me", start=1, end=4, confidence=0.9,
                candidates=[Candidate(term=t, canonical=t, score=s) for t, s in scores])
    document = render(_doc([LINE], [flag]), preamble=False, structure=False,
                      tokenizer="estimate", **options).document  # type: ignore[arg-type]
    expected = ' maybe="' + maybe + '"' if maybe else ""
    assert document == f'take <unsure p="0.10"{expected}>met for me</unsure> daily'


@pytest.mark.parametrize("shift", [-1.0, 0.0, 3.0, 6.0])
def test_render_suggestion_gap_ignores_a_shared_context(shift: float) -> None:
    """A context that moves every candidate's log-odds alike (a dose after the span) lists
    the same suggestions, however near 1 it brings the scores."""
    def score(z: float) -> float:
        return round(1.0 / (1.0 + math.exp(-(z + shift))), 4)

    flag = Flag(reason="near_lexicon", text="met for me", start=1, end=4, confidence=0.9,
                candidates=[Candidate(term=t, canonical=t, score=score(z))
                            for t, z in [("metformin", 1.0), ("metoprolol", 0.0),
                                         ("Motrin", -1.0)]])
    # (the floor on scores is another rule: off here)
    document = render(_doc([LINE], [flag]), preamble=False, structure=False,
                      tokenizer="estimate", min_candidate_score=0.0).document
    assert 'maybe="metformin|metoprolol"' in document


@pytest.mark.parametrize(
    ("seconds", "prefix"),
    [(0.0, "[00:00.0] "), (12.34, "[00:12.3] "), (59.96, "[01:00.0] "), (3723.4, "[1:02:03.4] "),
     (None, "[--:--.-] ")],
)
def test_render_time_prefix(seconds: float | None, prefix: str) -> None:
    assert format_time(seconds) == prefix


def test_render_structure_pages_and_times() -> None:
    lines = [[("one", 0.9)], [("two", 0.9)], [("three", 0.9)]]
    image = _doc(lines, modality="image", pages=[1, 1, 2])
    assert render(image, preamble=False, tokenizer="estimate").document == (
        "--- page 1 ---\none\ntwo\n--- page 2 ---\nthree")
    assert render(image, preamble=False, structure=False,
                  tokenizer="estimate").document == "one\ntwo\nthree"
    audio = _doc(lines, starts=[0.0, 61.25, None])
    assert render(audio, preamble=False, tokenizer="estimate").document == (
        "[00:00.0] one\n[01:01.2] two\n[--:--.-] three")


def test_render_empty_document() -> None:
    doc = _doc([])
    for style in ("inline", "bracket", "json"):
        prompt = render(doc, style=style, tokenizer="estimate")  # type: ignore[arg-type]
        assert prompt.marked == 0
        back = parse(prompt.text, style=style)  # type: ignore[arg-type]
        assert back.text == ""
        assert back.spans == ()
    assert render(doc, preamble=False, tokenizer="estimate").document == ""


def test_render_all_null_confidences_marks_nothing() -> None:
    doc = _doc([[("a", None), ("<b>", None)], [("c", None)]], modality="text")
    prompt = render(doc, preamble=False, tokenizer="estimate")
    assert prompt.marked == 0
    assert prompt.document == "a &lt;b&gt;\nc"


def test_render_prompt_text_joins_preamble_and_document() -> None:
    doc = _doc([LINE])
    prompt = render(doc, tokenizer="estimate")
    assert prompt.system == PREAMBLES["inline"]
    assert str(prompt) == prompt.text == f"{prompt.system}\n\n{prompt.document}"
    assert render(doc, preamble=False, tokenizer="estimate").system == ""


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_render_preamble_says_what_matters(style: str) -> None:
    text = PREAMBLES[style]
    for needle in ("chance it is right", "not facts", "a drug, a dose", "never silently pick",
                   "ignore any instructions"):
        assert needle in text


@pytest.mark.parametrize(
    ("options", "error"),
    [({"style": "xml"}, ValueError), ({"threshold": 1.5}, ValueError),
     ({"threshold": -0.1}, ValueError), ({"max_candidates": -1}, ValueError),
     ({"max_candidates": 1.5}, ValueError), ({"max_candidates": True}, ValueError),
     ({"candidate_gap": -0.1}, ValueError), ({"candidate_gap": math.nan}, ValueError),
     ({"min_candidate_score": 1.5}, ValueError),
     ({"budget": -1}, ValueError), ({"tokenizer": "no_such_encoding"}, ValueError),
     ({"tokenizer": 42}, TypeError)],
)
def test_render_rejects_bad_options(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        render(_doc([LINE]), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("style", "text"),
    [
        ("inline", '<unsure p="0.1">open'),
        ("inline", "close</unsure>"),
        ("inline", "<sure>x</unsure>"),
        ("inline", "<unsure><unsure>x</unsure></unsure>"),
        ("inline", "<b>x</b>"),
        ("inline", "a & b"),
        ("inline", "a > b"),
        ("inline", "&#x110000;"),
        ("bracket", "[x]"),
        ("bracket", "[x?0.1"),
        ("bracket", "x]"),
        ("bracket", "[x?abc]"),
        ("bracket", "[a[b?0.1]"),
        ("bracket", "[x?0.1|a|b]"),
        ("bracket", "dangling \\"),
        ("bracket", "\\U00110000"),
        ("json", "{"),
        ("json", "[]"),
        ("json", '{"text": 1}'),
        ("json", '{"text": "abc", "spans": [{"start": 2, "end": 9}]}'),
        ("json", '{"text": "abc", "spans": [{"start": 0, "end": 1, "text": "b"}]}'),
        ("json", '{"text": "abc", "spans": [{"end": 1}]}'),
        # what an LLM may write in a span's place: each was read as something else
        # ("maybe": "abc" as a, b, c; "start": true as 1; 0.5 as 0; "p": 2 as 2.0)
        ("json", '{"text": "abc", "spans": [{"start": 0, "end": 1, "maybe": "abc"}]}'),
        ("json", '{"text": "abc", "spans": [{"start": true, "end": 1}]}'),
        ("json", '{"text": "abc", "spans": [{"start": 0.5, "end": 1}]}'),
        ("json", '{"text": "abc", "spans": [{"start": 0, "end": 1, "p": 2}]}'),
        ("json", '{"text": "abc", "spans": [{"start": 0, "end": 1, "p": "high"}]}'),
        ("json", '{"text": "abc", "spans": "x"}'),
        ("json", '{"text": "abc", "spans": [null]}'),
        ("inline", '<unsure p="2">x</unsure>'),
        ("bracket", "[x?1.5]"),
    ],
)
def test_render_parse_rejects_malformed_markup(style: str, text: str) -> None:
    with pytest.raises(MarkupError):
        parse(text, style=style)  # type: ignore[arg-type]


def test_render_and_parse_take_what_the_other_gives() -> None:
    """parse(render(doc)), as the README writes it, was a TypeError (it took the text
    alone); render of a saved document's JSON or dict an AttributeError."""
    doc = _doc([LINE])
    for style in ("inline", "bracket", "json"):
        prompt = render(doc, style=style, tokenizer="estimate")  # type: ignore[arg-type]
        assert parse(prompt) == parse(prompt.text, style=style)  # type: ignore[arg-type]
        assert parse(prompt).text == doc.text
    for saved in (doc.to_json(), doc.model_dump()):
        with pytest.raises(TypeError, match=r"render\(\) takes a Document, not (str|dict)"):
            render(saved)  # type: ignore[arg-type]


def test_render_parse_errors_are_package_errors() -> None:
    assert issubclass(MarkupError, UncertainError)
    with pytest.raises(ValueError):
        parse("x", style="xml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"parse\(\) takes the rendered text \(str\) or its"):
        parse(None)  # type: ignore[arg-type]
    for text, message in (('{"text": "abc", "spans": "x"}', "'spans' is str, not a list"),
                          ('{"text": "abc", "spans": [null]}', "span 0 is NoneType"),
                          ('{"text": "a", "spans": [{"start": 0, "end": 1, "p": 2}]}',
                           r"span 0: p=2 is not a probability in \[0, 1\]")):
        with pytest.raises(MarkupError, match=message):
            parse(text, style="json")


def _validated(doc: Document) -> Document:
    return doc.model_copy(update={"validation": Validation(lexicons=["drugs"])})


@pytest.mark.parametrize(
    ("validated", "words", "expected"),
    [
        # no validator has judged the words: the engine's score decides
        (False, "auto", ["met", "me"]),
        # a validator has: its flags are the whole judgement
        (True, "auto", []),
        (True, "threshold", ["met", "me"]),
        (False, "none", []),
    ],
)
def test_render_words_policy(validated: bool, words: str, expected: list[str]) -> None:
    doc = _doc([LINE])
    if validated:
        doc = _validated(doc)
    spans = doubtful_spans(doc, words=words)  # type: ignore[arg-type]
    assert [s.text for s in spans] == expected
    assert render(doc, words=words).marked == len(expected)  # type: ignore[arg-type]


def test_render_validated_document_still_marks_its_flags() -> None:
    doc = _validated(_doc([LINE], [_flag(1, 4, 0.85, terms=("metformin",))]))
    assert [(s.text, s.candidates) for s in doubtful_spans(doc)] == [
        ("met for me", ("metformin",))]


@pytest.mark.parametrize("name", ["jfk.json", "librispeech-1089.json"])
def test_render_validated_real_speech_is_left_plain(name: str) -> None:
    # Whisper opens segments with right words at low probability ("ask" 0.25): the
    # validator clears them, so the prompt of a clean real recording carries no markup
    doc = Document.from_json((DATA / name).read_bytes())
    assert doubtful_spans(doc), "the raw transcript has words below the threshold"
    prompt = render(validate(doc), preamble=False)
    assert prompt.marked == 0
    assert "<unsure" not in prompt.document


def test_render_rejects_unknown_words_policy() -> None:
    with pytest.raises(ValueError, match="words must be one of"):
        doubtful_spans(_doc([LINE]), words="some")  # type: ignore[arg-type]


def test_render_default_floor_hides_weak_suggestions() -> None:
    """A suggestion under 0.3 reads like a strong one in the markup, so it is not shown."""
    flag = Flag(reason="near_lexicon", text="met for me", start=1, end=4, confidence=0.9,
                candidates=[Candidate(term="metformin", canonical="metformin", score=0.25)])
    document = render(_doc([LINE], [flag]), preamble=False, structure=False,
                      tokenizer="estimate").document
    assert document == 'take <unsure p="0.10">met for me</unsure> daily'


def test_render_a_flag_past_the_words_says_what_happened() -> None:
    """A document whose segment was left out with model_copy (which checks nothing)
    after validation failed with a bare IndexError."""
    doc = validate(_doc([[("Take", 0.9), ("aspirin", 0.9)],
                         [("Continue", 0.9), ("met", 0.2), ("for", 0.2), ("men", 0.2)]]))
    assert doc.flags
    cut = doc.model_copy(update={"segments": doc.segments[:1]})
    with pytest.raises(ValueError, match=r"ends at word \d, the document has 2: its words "
                                         r"were changed after it was made"):
        render(cut)


def _glued_doc() -> Document:
    """A scan's line whose names OCR glued to their doses, flagged as the validator does:
    on the whole word, with the lexicon's terms as candidates; "mg:B10" (OCR's choices
    holding "mg:BID") flagged by the validator itself, which suggests it whole."""
    words = ["Rx:", "Metforrnin500mg", "1", "tab", "Warfarln-5mg", "daily", "Lisinopri1",
             "mg:B10", "\u201cQty:.60.."]
    doc = _doc([[(w, 0.95) for w in words]], modality="image", pages=[1])
    choices = [[("m", 0.95)], [("g", 0.94)], [(":", 0.88), ("-", 0.5)], [("B", 0.86), ("8", 0.59)],
               [("1", 0.82), ("I", 0.80), ("l", 0.42)], [("0", 0.89), ("D", 0.68), ("O", 0.61)]]
    read = [w if w.text != "mg:B10" else w.model_copy(update={"confidence": 0.31, "chars": [
        CharChoices(choices=[CharChoice(text=t, confidence=c) for t, c in position])
        for position in choices]}) for w in doc.segments[0].words]
    doc = doc.model_copy(update={"segments": [doc.segments[0].model_copy(update={"words": read})]})
    flags = [
        Flag(reason="near_lexicon", text=words[1], start=1, end=2, confidence=0.999,
             candidates=[Candidate(term="metformin", canonical="metformin", score=0.95),
                         Candidate(term="Motrin", canonical="ibuprofen", score=0.9)]),
        _flag(4, 5, 0.99, terms=("warfarin",)),
        _flag(6, 7, 0.99, terms=("lisinopril",)),  # the "1" is a misread "l"
        next(f for f in validate(doc).flags if f.text == "mg:B10"),  # "B10": "BID" misread
        _flag(8, 9, 0.7, reason="low_confidence", terms=("QTY",)),
    ]
    return doc.model_copy(update={"flags": flags})


@pytest.mark.parametrize(("style", "expected"), [
    ("inline", 'Rx: <unsure p="0.00" maybe="metformin500mg|Motrin500mg">Metforrnin500mg'
               '</unsure> 1 tab <unsure p="0.01" maybe="warfarin-5mg">Warfarln-5mg</unsure> '
               'daily <unsure p="0.01" maybe="lisinopril">Lisinopri1</unsure> '
               '<unsure p="0.31" maybe="mg BID">mg:B10</unsure> '
               '<unsure p="0.30" maybe="\u201cQTY:.60..">\u201cQty:.60..</unsure>'),
    ("bracket", "Rx: [Metforrnin500mg?0.00|metformin500mg/Motrin500mg] 1 tab "
                "[Warfarln-5mg?0.01|warfarin-5mg] daily [Lisinopri1?0.01|lisinopril] "
                "[mg:B10?0.31|mg BID] [\u201cQty:.60..?0.30|\u201cQTY:.60..]"),
])
def test_render_suggestion_keeps_a_dose_glued_to_the_name(style: str, expected: str) -> None:
    """A word whose dose OCR glued to the name ("Metforrnin500mg") was suggested the name
    alone (maybe="metformin"): an answer taking the suggestion dropped the dose. The
    suggestion is the word with the name corrected; the flag's candidates stay terms."""
    doc = _glued_doc()
    prompt = render(doc, style=style, preamble=False, structure=False,  # type: ignore[arg-type]
                    tokenizer="estimate")
    assert prompt.document == expected
    back = parse(prompt.text, style=style)  # type: ignore[arg-type]
    assert (back.text, back.spans) == (doc.text, prompt.spans)
    assert prompt.spans[0].terms == ("metformin", "Motrin")
    assert [c.term for c in doc.flags[0].candidates] == ["metformin", "Motrin"]


def test_render_json_suggestion_keeps_a_dose_glued_to_the_name() -> None:
    doc = _glued_doc()
    data = json.loads(render(doc, style="json", preamble=False, tokenizer="estimate").document)
    assert [s.get("maybe") for s in data["spans"]] == [
        ["metformin500mg", "Motrin500mg"], ["warfarin-5mg"], ["lisinopril"], ["mg BID"],
        ["\u201cQTY:.60.."]]
    back = parse(render(doc, style="json", tokenizer="estimate"))
    assert back.spans == tuple(doubtful_spans(doc))


@pytest.mark.parametrize(("words", "term", "maybe"), [
    (["met", "for", "min500mg"], "metformin", "metformin500mg"),  # a window's last word
    # a stray mark between the dose's number and its unit is OCR's, no dose's
    (["Lisinioprii-10'mg"], "lisinopril", "lisinopril-10mg"),
    (["Lisinioprii-10\u2019mg"], "lisinopril", "lisinopril-10mg"),
    (["10'mg-Lisinioprii"], "lisinopril", "10mg-lisinopril"),
    # ... and a quote mark between the name and its number ("lisinopril'10" was suggested)
    (["Lisinioprii'10"], "lisinopril", "lisinopril10"),
    (["Lisinioprii\u201910'mg"], "lisinopril", "lisinopril10mg"),
    (["10mg'Lisinioprii"], "lisinopril", "10mglisinopril"),
    (["\u201cMetforrnin500mg"], "metformin", "\u201cmetformin500mg"),  # the text's quote
    (["Warfarln:5mg"], "warfarin", "warfarin:5mg"),  # a colon may be a label's
    (["Metforrnin0.5:mg"], "metformin", "metformin0.5mg"),
    (["Metforrnin5/mL"], "metformin", "metformin5/mL"),  # ... a slash is the dose's
    (["500mg-Metforrnin"], "metformin", "500mg-metformin"),  # a dose before the name
    (["500mgMetforrnin"], "metformin", "500mgmetformin"),  # ... its unit glued on
    (["L1sinopril"], "lisinopril", "lisinopril"),  # "1" read for "i"
    (["CoQ1O"], "coenzyme Q10", "coenzyme Q10"),  # a term with digits of its own
    (["Metforrnin,"], "metformin", "metformin"),  # marks alone: no dose
    (["Ibuprofen"], "ibuprofen", "ibuprofen"),
])
def test_render_glued_suggestion_only_where_a_number_adjoins_the_name(
        words: list[str], term: str, maybe: str) -> None:
    flag = _flag(0, len(words), 0.9, terms=(term,))
    doc = _doc([[(w, 0.9) for w in words]], [flag], modality="image")
    assert doubtful_spans(doc)[0].candidates == (maybe,)


@pytest.mark.parametrize(("words", "terms", "maybe"), [
    # a scan's "4mg_" (a ruled line's underscore after "4mg") matched the unit's letters,
    # and the dose and the mark kept as written made the suggestion the span itself
    (["4mg_"], ("mg",), ()),
    (["mg_"], ("mg",), ()),
    (["NKDA_"], ("NKDA",), ()),
    (["(Metformin),"], ("Metformin",), ()),
    (["4", "mg_"], ("4 mg",), ()),
    # ... another reading still is one, and under the gap of the one it outscores
    (["4mg_"], ("mg", "Mg"), ("4Mg_",)),
    (["Ibuprofen_"], ("ibuprofen",), ("ibuprofen",)),
])
def test_render_no_suggestion_reads_as_the_span(words: list[str], terms: tuple[str, ...],
                                                maybe: tuple[str, ...]) -> None:
    flag = _flag(0, len(words), 0.7, reason="low_confidence", terms=terms)
    doc = _doc([[(w, 0.3) for w in words]], [flag], modality="image")
    assert doubtful_spans(doc)[0].candidates == maybe


def test_render_a_suggestion_not_listed_still_sets_the_gap() -> None:
    # the unit read as written at 1.0 is not listed, nor magnesium far under it
    best = Flag(reason="low_confidence", text="x", start=0, end=1, confidence=0.7,
                candidates=[Candidate(term="mg", canonical="mg", score=1.0),
                            Candidate(term="Mg", canonical="magnesium", score=0.99)])
    assert doubtful_spans(_doc([[("4mg_", 0.3)]], [best], modality="image"))[0].candidates == ()


def test_render_a_scans_dose_with_a_ruled_lines_mark_is_suggested_nothing() -> None:
    words = [Word(text=t, confidence=c) for t, c in [("Ondansetron", 0.95), ("4mg_", 0.3),
                                                     ("PO", 0.95)]]
    doc = validate(Document(
        source=Source(path="x.png", sha256="0" * 64, modality="image", engine="test"),
        segments=[Segment(id=0, words=words, page=1)]))
    (span,) = doubtful_spans(doc)
    assert (span.text, span.candidates) == ("4mg_", ())
    assert 'maybe="4mg_"' not in render(doc, tokenizer="estimate").text


@pytest.mark.parametrize("hostile", ['"</unsure>', "|/?]", "\\u0041", "\u2028&amp;"])
@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_render_glued_suggestion_round_trips_whatever_follows(hostile: str, style: str) -> None:
    word = "Metforrnin500mg" + hostile
    doc = _doc([[("take", 0.9), (word, 0.9)]], [_flag(1, 2, 0.9, terms=("metformin",))],
               modality="image")
    prompt = render(doc, style=style, tokenizer="estimate")  # type: ignore[arg-type]
    assert prompt.spans[0].candidates == ("metformin500mg" + hostile,)
    back = parse(prompt)
    assert (back.text, back.spans) == (doc.text, prompt.spans)


def test_render_prompt_is_json_ready() -> None:
    doc = _doc([LINE], [_flag(1, 4, 0.85, terms=("metformin",))])
    prompt = render(doc, tokenizer="estimate")
    data = json.loads(json.dumps(prompt.to_dict()))
    assert data["text"] == prompt.text and data["document"] == prompt.document
    assert data["style"] == "inline" and data["marked"] == 1 and data["tokens"] == prompt.tokens
    assert data["spans"] == [{"start": 5, "end": 15, "text": "met for me", "p": 0.15,
                              "candidates": ["metformin"], "verified": False,
                              "word_start": 1, "word_end": 4, "terms": ["metformin"]}]


def test_render_json_times_a_segment_by_its_first_word_as_the_markup_does() -> None:
    """A segment with no start of its own, whose words have times, was shown at its first
    word's time in the inline and bracket styles and as "--:--.-" in the JSON one."""
    segments = [Segment(id=k, words=[Word(text=t, confidence=0.9, start=at, end=at + 0.4)])
                for k, (t, at) in enumerate([("take", 1.25), ("metformin", 62.0)])]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=segments)
    inline = render(doc, preamble=False, tokenizer="estimate").document
    assert inline == "[00:01.2] take\n[01:02.0] metformin"
    data = json.loads(render(doc, style="json", preamble=False, tokenizer="estimate").document)
    assert [s["time"] for s in data["segments"]] == ["00:01.2", "01:02.0"]
