"""reconcile: an LLM's corrected text mapped back onto words, times and boxes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_render_budget import _suggested

from uncertain.document import Candidate, Document, Flag, Segment, Source, Word
from uncertain.reconcile import Reconciliation, _capped_blanks, clean_answer, reconcile
from uncertain.render import STYLES, Style, render

DATA = Path(__file__).resolve().parent / "data" / "render"

DICTATION = (
    "Patient is a 58-year-old man with type 2 diabetes.\n"
    "He takes {med} 500 milligrams {freq} daily.\n"
    "Blood pressure is managed with {ace} fifteen milligrams.\n"
    "Continue atorvastatin 40 at night.\n"
    "Follow up in three months."
)


def _load(name: str) -> Document:
    return Document.from_json((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _text_doc(text: str) -> Document:
    from uncertain.text import document_from_text

    return document_from_text(text, path="note.txt")  # no flags: every word confident


def _assert_two_dictation_fixes(answer: str) -> None:
    """``answer`` read onto the dictation sample fixes its two doubtful names, metformin
    and lisinopril, as a corrected copy with no warning."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.corrected_copy and result.warnings == ()


def _answer(med: str = "metformin", freq: str = "twice", ace: str = "lisinopril") -> str:
    return DICTATION.format(med=med, freq=freq, ace=ace)


def _lines_given(said: str) -> Reconciliation:
    """The dictation's second and third lines given fixed in the words of ``said``
    (``{nth}``, ``{n}``, ``{line}``), read back onto the sample: its two names fixed."""
    lines = _answer().split("\n")
    answer = "\n".join(said.format(nth=nth, n=n, line=lines[n - 1])
                       for n, nth in ((2, "second"), (3, "third")))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    return result


def test_reconcile_correct_fix_maps_to_the_original_words_and_times() -> None:
    doc = _load("dictation")
    result = reconcile(doc, _answer())
    assert [(c.word_start, c.word_end, c.original, c.new) for c in result.resolved] == [
        (11, 14, "met for me", "metformin"),
        (23, 27, "lie sin oh pril", "lisinopril"),
    ]
    fix = result.resolved[0]
    assert (fix.start, fix.end) == (4.92, 5.79)  # "met" starts, "me" ends
    assert fix.kind == "replace"
    assert fix.candidate is True
    assert result.overcorrections == []
    assert [result.spans[i].text for i in result.unchanged] == ["fifteen"]


def test_reconcile_reports_an_overcorrection() -> None:
    doc = _load("dictation")
    result = reconcile(doc, _answer(freq="three times"))
    assert [(c.word_start, c.word_end, c.original, c.new, c.span)
            for c in result.overcorrections] == [(16, 17, "twice", "three times", None)]
    assert (result.overcorrections[0].start, result.overcorrections[0].end) == (6.86, 7.2)
    assert len(result.resolved) == 2


def test_reconcile_choice_outside_the_suggestions_is_not_a_candidate() -> None:
    result = reconcile(_load("dictation"), _answer(med="insulin"))
    assert result.resolved[0].new == "insulin"
    assert result.resolved[0].candidate is False


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_reconcile_answer_that_keeps_the_markup(style: str) -> None:
    doc = _load("dictation")
    prompt = render(doc, style=style, tokenizer="estimate")  # type: ignore[arg-type]
    if style == "inline":
        answer = prompt.document.replace(">met for me<", ">metformin<")
    elif style == "bracket":
        answer = prompt.document.replace("[met for me?", "[metformin?")
    else:
        data = json.loads(prompt.document)
        data["text"] = data["text"].replace("met for me", "metformin")
        answer = json.dumps(data)
    for named in (style, None):
        result = reconcile(doc, answer, style=named)  # type: ignore[arg-type]
        assert [(c.original, c.new) for c in result.resolved] == [("met for me", "metformin")]
        assert result.overcorrections == []
        assert len(result.unchanged) == 2


def test_reconcile_answer_with_half_removed_markup() -> None:
    answer = (
        '[00:04.2] He takes <unsure p="0.15">metformin 500 milligrams twice daily.\n'
        "Blood pressure is managed with lisinopril</unsure> &lt;fifteen&gt; milligrams."
    )
    assert clean_answer(answer) == (
        "He takes metformin 500 milligrams twice daily.\n"
        "Blood pressure is managed with lisinopril <fifteen> milligrams.")
    # a tag without its ">" kept its name in the word ("amoxicillin</unsure"), and an
    # opening tag its attributes; the text after it is text
    assert clean_answer('Then amoxicillin</unsure 500 mg. Take <unsure p="0.2" '
                        'maybe="a|b" metformin daily.', style="inline") == (
        "Then amoxicillin 500 mg. Take  metformin daily.")
    doc = _load("dictation")
    prompt = render(doc, tokenizer="estimate", candidate_gap=None).document
    half = prompt.replace('<unsure p="0.15" maybe="metformin|metoprolol">met for me',
                          "metformin").replace(">lie sin oh pril</unsure>", ">lisinopril")
    result = reconcile(doc, half)
    assert [(c.original, c.new) for c in result.resolved] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.overcorrections == []


def test_reconcile_answer_that_drops_the_markup_but_keeps_times() -> None:
    doc = _load("dictation")
    prompt = render(doc, tokenizer="estimate")
    answer = "\n".join(line.split("] ", 1)[0] + "] " + body for line, body in
                       zip(prompt.document.split("\n"), _answer().split("\n"), strict=True))
    result = reconcile(doc, answer)
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert result.overcorrections == []


def test_reconcile_ignores_case_and_edge_punctuation() -> None:
    doc = _load("dictation")
    answer = _answer().replace("daily.", "Daily").replace("Patient", "PATIENT,")
    assert reconcile(doc, answer).overcorrections == []


@pytest.mark.parametrize(("before", "after"), [
    ("follow-up", "follow up"),
    ("follow up", "follow-up"),
    ("e-GFR", "eGFR"),
    ("38.5 °C", "38.5°C"),
    ("10 - 20", "10-20"),
    ("b.i.d.", "BID"),
    ("twice daily", "twice\u2013daily"),
    # a number in digits for the words said: a dictation's "five hundred milligrams"
    # written "500 milligrams" by the answer was an over-correction, one per dose
    ("five hundred", "500"),
    ("ten", "10"),
    ("twenty-five", "25"),
    ("two thousand five hundred", "2,500"),
    ("40", "forty"),
    ("one hundred twenty", "120"),
    # a number of hundreds said the short way, as a blood pressure is dictated: "one
    # thirty two over eighty four" written 132/84 was an over-correction
    ("one thirty two over eighty four", "132/84"),
    ("five twenty", "520"),
    ("132/84", "one thirty two over eighty four"),
    # a dose's units and directions spelled out or abbreviated
    ("milligrams by mouth twice daily", "mg PO BID"),
    ("mg PO qHS", "milligrams orally at bedtime"),
    ("milligrams every 6 hours as needed", "mg q6h PRN"),
    ("milligrams daily", "mg once a day"),
])
def test_reconcile_reads_the_same_words_written_otherwise_as_no_overcorrection(
        before: str, after: str) -> None:
    doc = _text_doc(f"Plan to continue {before} as before.")
    result = reconcile(doc, f"Plan to continue {after} as before.")
    assert result.overcorrections == []
    assert [(c.original, c.new) for c in result.reformatted] == [(before, after)]
    assert result.reformatted[0].reformatted is True
    assert result.kept == 1.0


@pytest.mark.parametrize(("before", "after"), [
    ("1-2", "12"),  # between digits a hyphen, a dot and a space are what the number says
    ("2.5", "25"),
    ("2 5", "25"),
    ("10 mg", "10mcg"),
    ("fifty", "15"),  # a teen and its tens are two doses
    ("fifteen", "50"),
    ("five hundred", "5000"),
    ("for", "4"),  # a homophone is another word
    ("two five", "25"),
    ("1 50", "150"),  # digits parted are two numbers, not one said the short way
    ("twenty one thirty", "2130"),
    ("one thirty", "13"),
    ("twice daily", "TID"),
    ("1-2", "1/2"),
    ("milligrams", "mcg"),
    ("at night", "qAM"),
])
def test_reconcile_keeps_a_changed_number_an_overcorrection(before: str, after: str) -> None:
    doc = _text_doc(f"Take {before} tablets daily.")
    result = reconcile(doc, f"Take {after} tablets daily.")
    assert [(c.original, c.new) for c in result.overcorrections] == [(before, after)]
    assert result.reformatted == []
    assert result.kept < 1.0


def test_reconcile_pairs_a_dose_in_words_with_its_digits_not_with_a_fixed_span() -> None:
    # "Add or master 10 forty milligrams" (atorvastatin 40) answered "Add atorvastatin 40
    # milligrams": "10" spelled into the span's fix made it "or master 10" -> "atorvastatin
    # 40", a dose changed from 10 to 40, and "forty" deleted
    doc = _timed(["Add", ("or", 0.03), ("master", 0.02), ("10", 0.04), "forty", "milligrams",
                  "at", "bedtime."])
    doc = doc.model_copy(update={"flags": [Flag(
        reason="near_lexicon", text="or master 10", start=1, end=4, confidence=0.96,
        candidates=[Candidate(term="atorvastatin", canonical="atorvastatin", score=0.9)])]})
    result = reconcile(doc, "Add atorvastatin 40 milligrams at bedtime.")
    assert [(c.original, c.new, c.span, c.candidate, c.reformatted) for c in result.changes] \
        == [("or master 10", "atorvastatin", 0, True, False), ("forty", "40", None, False, True)]
    assert result.overcorrections == []


_READING = ["Blood", "pressure", ("won", 0.15), "hundred", "thirty", "eight", "over",
            "eighty", "six."]


def test_reconcile_a_fixed_number_written_in_digits_is_one_change() -> None:
    # "won hundred thirty eight over eighty six" answered "138/86": the misheard "won"
    # resolved and the reading written in digits, not "won" -> "138/86." and the six
    # confident words deleted (an over-correction)
    result = reconcile(_timed(_READING), "Blood pressure 138/86.")
    (fix,) = result.changes
    assert (fix.original, fix.new, fix.span, fix.outside, fix.start, fix.end) == (
        "won hundred thirty eight over eighty six.", "138/86.", 0, (), 1.0, 4.5)
    assert result.overcorrections == []
    assert result.kept == 1.0  # the reading is all there, in digits: "won" by its fix
    # ... and before the span: "one hundred fifty" with "fifty" in doubt, written "150"
    doc = _timed(["Take", "one", "hundred", ("fifty", 0.2), "milligrams."])
    result = reconcile(doc, "Take 150 milligrams.")
    (fix,) = result.changes
    assert (fix.original, fix.new, fix.span, fix.outside) == ("one hundred fifty", "150", 0,
                                                              ())
    assert result.kept == 1.0


def test_reconcile_another_reading_in_digits_keeps_the_words_deleted() -> None:
    result = reconcile(_timed(_READING), "Blood pressure 140/90.")
    assert [(c.original, c.new, c.span) for c in result.changes] == [
        ("won", "140/90.", 0), ("hundred thirty eight over eighty six.", "", None)]
    assert [c.kind for c in result.overcorrections] == ["delete"]
    assert result.kept == round(2 / 9, 4)  # "Blood pressure" alone


def test_reconcile_doubtful_span_joined_is_resolved_not_reformatted() -> None:
    doc = _load("dictation")
    result = reconcile(doc, doc.text.replace("met for me", "metforme"))
    (fix,) = result.resolved
    assert (fix.original, fix.new, fix.reformatted) == ("met for me", "metforme", False)
    assert result.reformatted == []


@pytest.mark.parametrize(("new", "hedged"), [
    ("metformin", False),
    ("metformin (uncertain)", True),
    ("metformin or metoprolol", True),
    ("metformin/metoprolol", True),
    ("metformin 875/125", False),  # a number per number is a dose, or a reading
    ("138/86", False),
    ("metformin 500 mg/day", False),  # a unit per day
    ("metformin 20 units/hour", False),
    ("metformin and/or diet", False),
    ("metformin?", True),
    ("[inaudible]", True),
    ("probably metformin", True),
    ("metformin [verify]", True),
    ("metformin (check dose)", True),
    ("metformin (please confirm)", True),
    ("metformin, please verify", True),  # a plea to check, with no brackets
    ("metformin, please confirm", True),
    ("metformin (dose unclear)", True),
    ("possibly metoprolol", True),  # another reading, doubted
    ("metformin (not certain)", True),
    ("metformin (not 100% sure)", True),
    ("metformin (best guess)", True),
])
def test_reconcile_says_when_the_answer_hedges(new: str, hedged: bool) -> None:
    """The preamble asks the model to flag a drug it cannot settle, not to pick one: an
    answer that does so was read as a resolution like any other."""
    doc = _load("dictation")
    (change,) = reconcile(doc, doc.text.replace("met for me", new)).resolved
    assert (change.original, change.new, change.hedged) == ("met for me", new, hedged)
    assert change.to_dict()["hedged"] is hedged


@pytest.mark.parametrize(("new", "candidate"), [
    ("metformin (biguanide)", True),
    ("metformin (Glucophage)", True),
    ("metformin (biguanide).", True),
    ("metoprolol (beta blocker)", False),  # another name, glossed
    ("(biguanide)", False),  # a gloss alone names nothing
    ("metformin (uncertain)", False),  # a doubt is no gloss: no suggestion taken
])
def test_reconcile_a_gloss_after_a_suggestion_still_names_it(new: str,
                                                             candidate: bool) -> None:
    """An answer that took a span's suggestion and glossed it ("metformin (biguanide)",
    as models do for a drug's class or brand) was read as naming none of them."""
    doc = _load("dictation")
    (change,) = reconcile(doc, doc.text.replace("met for me", new)).resolved
    assert (change.original, change.new, change.candidate) == ("met for me", new, candidate)


@pytest.mark.parametrize("order", ["Check potassium in one week.", "Verify allergies.",
                                   "Confirm the dose with pharmacy.", "check BMP"])
def test_reconcile_an_order_to_check_is_no_hedge(order: str) -> None:
    """"Check" and "verify" say the answer is unsure of its reading only in a note in
    brackets ("[verify]", "(check dose)"): an order a clinical note gives, inserted or
    put for a span, was read as a hedge."""
    doc = _load("dictation")
    (added,) = reconcile(doc, f"{doc.text} {order}").overcorrections
    assert (added.kind, added.new, added.hedged) == ("insert", order, False)
    within = reconcile(doc, _answer(med=f"metformin. {order}")).changes
    assert any(order.split()[0] in c.new for c in within)
    assert [c.hedged for c in within] == [False] * len(within)


@pytest.mark.parametrize(("added", "hedged"), [
    ("Likely viral URI.", False),
    ("Probably secondary to his diabetes.", False),
    ("It is possibly a side effect.", False),
    ("(possibly)", True),
    ("Please verify.", True),
    ("(Dose unclear.)", True),
    ("She is not certain of the dates.", False),
    ("(Not certain.)", True),
])
def test_reconcile_a_hedge_word_of_what_the_answer_adds_is_no_hedge(
        added: str, hedged: bool) -> None:
    """A sentence the answer adds ("Likely viral URI.") was hedged for its hedge word, as
    if the answer doubted a reading: what it writes of its own is an over-correction like
    any other; a doubt it adds with nothing else said is still one (in brackets, a note of
    the answer's own: an aside, no over-correction)."""
    doc = _load("dictation")
    answer = _answer().replace("diabetes.\n", f"diabetes. {added}\n")
    result = reconcile(doc, answer)
    note = added.startswith("(")
    (extra,) = result.asides if note else result.overcorrections
    assert not (result.overcorrections if note else result.asides)
    assert (extra.kind, extra.new, extra.hedged) == ("insert", added, hedged)
    clause = added.rstrip(".").lower()
    (extra,) = reconcile(doc, answer.replace(f"diabetes. {added}",
                                             f"diabetes, {clause}.")).changes[:1]
    assert extra.hedged is hedged
    within = reconcile(doc, _answer(med=f"metformin. {added}")).changes
    assert [c.hedged for c in within if added.split()[0] in c.new] == [hedged]


@pytest.mark.parametrize(("note", "hedged"), [
    ("Note: I am not sure about lisinopril; please verify.", ["lisinopril"]),
    ('Changes made:\n- "met for me" -> "metformin"\n- "lie sin oh pril" -> "lisinopril" '
     "(uncertain)", ["lisinopril"]),
    ("Please double-check metformin and lisinopril.", ["metformin", "lisinopril"]),
    ('I could not make out "lie sin oh pril" well.', ["lisinopril"]),
    ("I'm not 100% certain about lisinopril.", ["lisinopril"]),
    ("Metformin is my best guess.", ["metformin"]),
    # no doubt of a fix: of the document's reading, of no fix named, or none at all
    ("I fixed metformin and lisinopril, which were likely misheard.", []),
    ("Note: one of the words was unclear.", []),
    ("Changes made: metformin, lisinopril.", []),
])
def test_reconcile_a_doubt_said_in_a_note_hedges_the_fix_it_names(
        note: str, hedged: list[str]) -> None:
    """The preamble asks to flag a drug the answer cannot settle; an answer that did so in
    a note after the document ("I am not sure about lisinopril; please verify.") had the
    fix read as settled, the note an aside no one looks at: the fix it names is hedged."""
    doc = _load("dictation")
    for answer in (f"{_answer()}\n\n{note}", f"Here is the corrected text. {note}\n\n{_answer()}"):
        result = reconcile(doc, answer)
        assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
        assert [c.new for c in result.resolved if c.hedged] == hedged
        assert len(result.asides) == 1 and not result.overcorrections


@pytest.mark.parametrize(("preface", "closing", "hedged"), [
    ("Here's my best guess:", "", []),
    ("I'm not entirely sure, but here is the corrected text:", "", []),
    ("", "These are my best guesses; please verify.", []),
    ("Here's my best guess (lisinopril is the least certain):", "", ["lisinopril"]),
])
def test_reconcile_a_doubt_of_the_whole_answer_hedges_no_fix(
        preface: str, closing: str, hedged: list[str]) -> None:
    """A preface or a closing line that doubts the whole answer and names no fix
    ("Here's my best guess:") hedges none of its fixes: it says nothing of which is in
    doubt, and models write it by habit; every fix of a doubtful span is the reviewer's
    to check all the same. It stays an aside; a fix it names is hedged."""
    answer = "\n\n".join(part for part in (preface, _answer(), closing) if part)
    result = reconcile(_load("dictation"), answer)
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.resolved if c.hedged] == hedged
    assert len(result.asides) == 1 and result.corrected_copy


@pytest.mark.parametrize(("fields", "hedged"), [
    ({"notes": "lisinopril is probably right; please verify"}, ["lisinopril"]),
    ({"note": "Unsure about metformin."}, ["metformin"]),
    ({"uncertain": ["lisinopril"]}, ["lisinopril"]),
    ({"needs_verification": ["metformin", "lisinopril"]}, ["metformin", "lisinopril"]),
    ({"flagged_for_review": ["lisinopril"]}, ["lisinopril"]),
    ({"notes": "Please review metformin."}, ["metformin"]),
    ({"changes": [{"from": "met for me", "to": "metformin", "note": "not sure"},
                  {"from": "lie sin oh pril", "to": "lisinopril"}]}, ["metformin"]),
    # no doubt: of no fix, or in the document before the fixes
    ({"changes": [{"from": "met for me", "to": "metformin"}]}, []),
    ({"original_text": "possibly metformin, uncertain lisinopril"}, []),
    ({"note": "2 suggestions cut"}, []),
])
def test_reconcile_a_doubt_in_a_json_answers_field_hedges_the_fix_it_names(
        fields: dict[str, Any], hedged: list[str]) -> None:
    """A JSON answer that said its doubt in a field beside the corrected text ("notes",
    "uncertain": [...], a list of changes with a note each) had it dropped with the
    field: the fixes it names read as settled."""
    doc = _load("dictation")
    for answer in ({"corrected_text": _answer(), **fields}, {"text": _answer(), **fields}):
        result = reconcile(doc, json.dumps(answer))
        assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
        assert [c.new for c in result.resolved if c.hedged] == hedged


@pytest.mark.parametrize(("answer", "hedged"), [
    ("Allergies: unknown Dx: possibly viral", [False, False]),
    ("Allergies: unknown (uncertain) Dx: possibly viral", [True, False]),
    ("Allergies: unknown Dx: probably viral", [False, True]),  # another word than read
    ("Allergies: NKDA? Dx: possibly (verify) viral", [True, True]),
])
def test_reconcile_a_hedge_word_the_document_held_misread_is_no_hedge(
        answer: str, hedged: list[bool]) -> None:
    """A form's own "unknown", or a note's "possibly", that OCR misread ("unkn0wn",
    "possibIy") and the answer read right was the answer's hedge, as if it doubted its
    reading: a hedge word like a word of the original is that word."""
    said = [("Allergies:", 0.9), ("unkn0wn", 0.2), ("Dx:", 0.9), ("possibIy", 0.3),
            ("viral", 0.9)]
    doc = Document(source=Source(path="a.png", sha256="0" * 64, modality="image",
                                 engine="test"),
                   segments=[Segment(id=0, words=[Word(text=t, confidence=c)
                                                  for t, c in said])])
    result = reconcile(doc, answer)
    assert [c.original for c in result.resolved] == ["unkn0wn", "possibIy"]
    assert [c.hedged for c in result.resolved] == hedged


def test_reconcile_hedge_words_the_document_had_are_no_hedge() -> None:
    doc = _text_doc("Is the rash worse at night? It is possibly eczema, or psoriasis.")
    result = reconcile(doc, "Is the rash worse at night? It is probably eczema, or psoriasis.")
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("possibly", "probably", False)]  # the document said it was unsure, not the answer


def test_reconcile_unchanged_answer_has_no_changes() -> None:
    doc = _load("dictation")
    result = reconcile(doc, doc.text)
    assert result.changes == ()
    assert len(result.unchanged) == len(result.spans) == 3


def test_reconcile_ocr_change_carries_page_and_box() -> None:
    doc = _load("discharge")
    answer = doc.text.replace("5OO", "500").replace("Dr. A.", "Dr. B.")
    result = reconcile(doc, answer)
    (fix,) = result.resolved
    assert (fix.original, fix.new, fix.page, fix.bbox) == ("5OO", "500", 1,
                                                          (388.0, 400.0, 460.0, 442.0))
    (over,) = result.overcorrections
    assert (over.original, over.new, over.page) == ("A.", "B.", 2)
    merged = reconcile(doc, doc.text.replace("10 mg once", "20 mcg twice"))
    (change,) = merged.overcorrections
    assert change.bbox == (412.0, 330.0, 648.0, 372.0)  # the union of the three boxes


def test_reconcile_insertions_and_deletions() -> None:
    doc = _load("dictation")
    result = reconcile(doc, doc.text + " Signed.")
    (insert,) = result.overcorrections
    assert (insert.kind, insert.word_start, insert.word_end, insert.new) == ("insert", 39, 39,
                                                                             "Signed.")
    assert (insert.start, insert.end) == (19.51, None)  # the gap after the last word
    inside = reconcile(doc, doc.text.replace("met for me", "met XR for me"))
    (change,) = inside.resolved
    assert (change.kind, change.word_start, change.word_end, change.new) == ("insert", 12, 12, "XR")
    deleted = reconcile(doc, doc.text.replace("He takes met for me", "He takes"))
    (gone,) = deleted.resolved
    assert (gone.kind, gone.original, gone.new) == ("delete", "met for me", "")


def test_reconcile_change_across_span_and_confident_word() -> None:
    doc = _load("dictation")
    result = reconcile(doc, doc.text.replace("met for me 500", "metformin XR 850"))
    assert [(c.original, c.new, c.span) for c in result.changes] == [
        ("met for me", "metformin XR", 0), ("500", "850", None)]


def _plain(words: list[str], *, confidence: float | None = None) -> Document:
    return Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=0, words=[Word(text=w, confidence=confidence) for w in words])]
        if words else [])


def _scored(words: list[tuple[str, float]]) -> Document:
    """A one-line document of ``(text, confidence)`` words."""
    return Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=0, words=[Word(text=w, confidence=c) for w, c in words])])


def test_reconcile_empty_document() -> None:
    doc = _plain([])
    assert reconcile(doc, "").changes == ()
    (insert,) = reconcile(doc, "hello").overcorrections
    assert (insert.kind, insert.word_start, insert.new, insert.start) == ("insert", 0, "hello",
                                                                          None)


def test_reconcile_all_null_confidences() -> None:
    doc = _plain(["take", "met", "for", "me"])
    result = reconcile(doc, "take metformin")
    assert result.spans == ()
    assert [(c.original, c.new, c.start, c.page) for c in result.overcorrections] == [
        ("met for me", "metformin", None, None)]


def test_reconcile_word_with_spaces_changes_as_a_whole() -> None:
    doc = _plain(["in", "New York", "today"], confidence=0.9)
    assert reconcile(doc, "in New York today").changes == ()
    (change,) = reconcile(doc, "in New Jersey today").changes
    assert (change.word_start, change.word_end, change.original, change.new) == (
        1, 2, "New York", "New Jersey")


def test_reconcile_words_written_together_are_one_token() -> None:
    words = [Word(text=t, confidence=c, start=i / 2, end=i / 2 + 0.4, space_after=sp)
             for i, (t, c, sp) in enumerate([("follow", 0.9, False), ("-up", 0.9, True),
                                             ("in", 0.9, True), ("2", 0.9, False),
                                             (".5", 0.2, True), ("weeks", 0.9, True)])]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    assert doc.text == "follow-up in 2.5 weeks"
    assert reconcile(doc, "Follow-up in 2.5 weeks.").changes == ()
    (change,) = reconcile(doc, "follow-up in 3.5 weeks").changes
    assert (change.word_start, change.word_end, change.original, change.new) == (
        3, 5, "2.5", "3.5")
    assert (change.start, change.end) == (1.5, 2.4)
    assert change.span == 0  # the doubtful ".5" is part of the token changed


def test_reconcile_says_how_much_of_the_document_the_answer_keeps() -> None:
    """A corrected copy keeps most of the document's words; a refusal, a summary or an
    answer about something else keeps little, and its changes are no corrections."""
    doc = _load("dictation")
    n = len(doc.text.split())
    fixed = reconcile(doc, _answer())
    # "met for me" and "lie sin oh pril" have their corrections in their place: kept whole
    # (at 0.87, when a span's words counted one by one, a short note so corrected fell
    # under README's 0.5)
    assert fixed.kept == 1.0
    assert n > 30
    assert reconcile(doc, doc.text).kept == 1.0
    refusal = reconcile(doc, "I cannot help with that.")
    assert refusal.kept < 0.05 and refusal.overcorrections
    summary = reconcile(doc, "A 58-year-old man with type 2 diabetes on metformin and "
                             "lisinopril; follow up in three months.")
    assert 0.05 < summary.kept < 0.5
    assert reconcile(_plain([]), "hello").kept == 1.0  # no words to keep


def test_reconcile_an_answer_that_is_no_corrected_copy_resolves_no_span() -> None:
    """A refusal or a summary listed its deletion of each doubtful span in ``resolved``
    from the Python API (only the CLI warned): applied, it deleted every word in doubt.
    Such an answer now resolves nothing, leaves every span to check and says why."""
    doc = _load("dictation")
    refusal = reconcile(doc, "I cannot help with that.")
    assert refusal.spans and any(c.span is not None for c in refusal.changes)
    assert refusal.resolved == [] and not refusal.corrected_copy
    assert refusal.unchanged == tuple(range(len(refusal.spans)))
    (warning,) = refusal.warnings
    assert warning.startswith(f"the answer keeps {refusal.kept:.0%} of")
    assert "no corrected copy" in warning
    assert refusal.to_dict()["resolved"] == [] and refusal.to_dict()["corrected_copy"] is False
    summary = reconcile(doc, "A 58-year-old man with type 2 diabetes on metformin and "
                             "lisinopril; follow up in three months.")
    assert summary.resolved == [] and len(summary.unchanged) == len(summary.spans)
    assert "no corrected copy" in summary.warnings[-1]
    assert reconcile(doc, "").warnings[-1].startswith("the answer holds no text")
    # a corrected copy, and a document without words, are read as before
    fixed = reconcile(doc, _answer())
    assert fixed.corrected_copy and fixed.resolved and fixed.warnings == ()
    empty = reconcile(_plain([]), "hello")
    assert empty.corrected_copy and empty.warnings == ()


def test_reconcile_a_correction_of_doubtful_words_keeps_them() -> None:
    """kept counted only words left as they were, so a perfect correction of a document
    all of whose words were doubtful kept 0.0, and README's check (kept < 0.5: no
    corrected copy) refused it; a doubtful word with a word in its place is kept."""
    doc = _scored([("metfromin", 0.2), ("lisinoprl", 0.3)])
    assert reconcile(doc, "metformin lisinopril").kept == 1.0
    assert reconcile(doc, "I cannot help with that.").kept < 0.5
    assert reconcile(doc, "").kept == 0.0


def test_reconcile_an_insertion_on_a_scan_says_where_it_goes() -> None:
    """An insertion on a scan had no page and no box: a reviewer could not see where the
    answer added its words. It has the point it goes at: a box of no width after the word
    before it (before the first word, at the start)."""
    doc = _load("discharge")
    (added,) = reconcile(doc, doc.text.replace("Smlth", "Smlth Jr.")).overcorrections
    assert (added.kind, added.new, added.page, added.bbox) == (
        "insert", "Jr.", 2, (624.0, 540.0, 624.0, 582.0))  # "Smlth" ends at x 624, page 2
    first = doc.words[0]
    assert first.bbox is not None
    (opening,) = reconcile(doc, "Dear " + doc.text).overcorrections
    assert (opening.page, opening.bbox) == (first.page, (first.bbox[0], first.bbox[1],
                                                         first.bbox[0], first.bbox[3]))


@pytest.mark.parametrize(("rotation", "after", "before"), [
    # the boxes of "as directed" as read from the image; reading runs right (0), up the
    # image (90), leftwards (180) or down it (270)
    (0, (300.0, 500.0, 420.0, 530.0), (100.0, 500.0, 150.0, 530.0)),
    (90, (321.0, 1935.0, 348.0, 2078.0), (321.0, 2200.0, 348.0, 2300.0)),
    (180, (1868.0, 900.0, 1940.0, 930.0), (2000.0, 900.0, 2100.0, 930.0)),
    (270, (321.0, 1935.0, 348.0, 2078.0), (321.0, 1700.0, 348.0, 1800.0)),
])
def test_reconcile_an_insertion_on_a_turned_page_goes_where_its_reading_goes(
        rotation: int, after: tuple[float, float, float, float],
        before: tuple[float, float, float, float]) -> None:
    """On a page read turned 90 degrees, "with food" added after "directed" got a strip
    down the word's right side, and on one turned 180 the point where the word's reading
    starts: the point after a word is where its reading ends, in its page's direction."""
    from uncertain.document import Page

    words = [Word(text="as", confidence=0.99, page=1, bbox=before),
             Word(text="directed", confidence=0.99, page=1, bbox=after)]
    doc = Document(source=Source(path="rx.png", sha256="0" * 64, modality="image",
                                 engine="tesseract"),
                   segments=[Segment(id=0, words=words, page=1)],
                   pages=[Page(number=1, width=2480, height=3508, rotation=rotation)])
    (added,) = reconcile(doc, "as directed with food").overcorrections
    x0, y0, x1, y1 = after
    assert added.bbox == {0: (x1, y0, x1, y1), 90: (x0, y0, x1, y0),
                          180: (x0, y0, x0, y1), 270: (x0, y1, x1, y1)}[rotation]
    (opening,) = reconcile(doc, "Take as directed").overcorrections
    x0, y0, x1, y1 = before
    assert opening.bbox == {0: (x0, y0, x0, y1), 90: (x0, y1, x1, y1),
                            180: (x1, y0, x1, y1), 270: (x0, y0, x1, y0)}[rotation]


def test_reconcile_text_inserted_beside_a_doubtful_span_is_an_insertion() -> None:
    """A run inserted beside a corrected span joined its correction: "and also start
    warfarin 5 mg and lisinopril" was the fix of "lisinoprl", a new drug accepted as a
    spelling's correction. A run longer than the span (and two words) is an insertion of
    its own; a word or two ("metformin XR", "of") still belongs to the correction."""
    doc = _scored([("Take", 0.99), ("metformin", 0.99), ("and", 0.99), ("lisinoprl", 0.3),
                  ("10", 0.99), ("mg.", 0.99)])
    result = reconcile(doc, "Take metformin and also start warfarin 5 mg and lisinopril "
                            "10 mg.")
    (fix,) = result.resolved
    assert (fix.original, fix.new) == ("lisinoprl", "lisinopril")
    (added,) = result.overcorrections
    assert (added.kind, added.new) == ("insert", "also start warfarin 5 mg and")
    (fix,) = reconcile(doc, "Take metformin and lisinopril XR 10 mg.").resolved
    assert (fix.new, fix.span) == ("lisinopril XR", 0)
    assert reconcile(doc, "Take metformin and lisinopril XR 10 mg.").overcorrections == []


def test_reconcile_is_linear_in_a_long_answer() -> None:
    """Each inserted token looked for its neighbours and the next answer token by a scan
    (a 147 KB answer to a 16-word document took 41 s); they are found in one pass."""
    import time

    doc = _scored([("Take", 0.99), ("metfromin", 0.2), ("500", 0.99), ("mg.", 0.99)])
    answer = "Take metformin 500 mg and lisinopril 10 mg daily. " * 3000
    started = time.process_time()
    result = reconcile(doc, answer)
    assert time.process_time() - started < 10  # about 0.5 s; 41 s before
    assert result.kept == 1.0 and result.resolved[0].new == "metformin"


def test_reconcile_is_linear_in_a_long_document_with_many_spans() -> None:
    """50,000 words, 5,000 of them doubtful, against an answer fixing some: the spans'
    sizes are counted in one pass over the words, not once per span."""
    import time

    doc = _scored([(f"word{k % 97}", 0.2 if k % 10 == 0 else 0.99) for k in range(50_000)])
    started = time.process_time()
    result = reconcile(doc, doc.text.replace("word3 ", "wort3 "))
    assert time.process_time() - started < 10  # about 0.4 s
    assert len(result.spans) == 5_000 and result.kept > 0.99


def test_reconcile_reads_a_prompt_s_many_spans_given_back_in_linear_time() -> None:
    """An answer keeping the markup of each of many spans had every word looked for in
    each marked stretch: 40,000 words, 4,000 of them doubtful and marked, took 11 s; each
    word's stretch is now looked up."""
    import time

    doc = _scored([(f"word{k % 97}", 0.2 if k % 10 == 0 else 0.99) for k in range(40_000)])
    answer = render(doc, style="bracket", tokenizer="estimate").document
    started = time.process_time()
    result = reconcile(doc, answer)
    assert time.process_time() - started < 4  # about 0.7 s
    assert len(result.unchanged) == len(result.spans) == 4_000 and result.changes == ()


@pytest.mark.parametrize("shape", [
    "- met for me -> metformin{S}(was met for me)\n- lie sin oh pril -> lisinopril{S}\n",
    "- met for me \u2192 metformin{T}(not sure)\n",
    "met for me should be metformin{S}(it is a drug)\n",
    "-{S}\n-{S}\n- met for me = metformin{S}\n",
    "- met for me \u2192 metformin\n{S}- (not sure)\n",
])
def test_reconcile_reads_long_runs_of_blanks_as_short_ones(shape: str) -> None:
    """Readings looking for blanks before a mark were tried at each blank of a run and
    scanned the rest of it: three bullets of 1,000 spaces took 64 s, a listed fix with
    3,000 spaces before its note 4 s; a run past 16 blanks is read as 16 of them."""
    import time

    doc = _load("dictation")
    long = shape.replace("{S}", " " * 3000).replace("{T}", "\t" * 3000)
    short = shape.replace("{S}", " ").replace("{T}", "\t")
    started = time.process_time()
    result = reconcile(doc, long)
    assert time.process_time() - started < 10  # about 0.02 s; over a minute before
    expected = reconcile(doc, short)
    assert result.changes == expected.changes and result.warnings == expected.warnings


@pytest.mark.parametrize(("words", "times"), [
    ("probably ", 3000), ("should be ", 3000), (", twice daily", 8000),
    (": twice daily", 8000), (" - twice daily", 8000)])
def test_reconcile_reads_a_listed_fix_s_long_words_in_linear_time(words: str,
                                                                 times: int) -> None:
    """A listed fix said after thousands of hedges ("met for me → probably probably ...
    metformin") failed with a RecursionError, a hedge read by a call each; one whose
    words went on after thousands of commas, colons or dashes took seconds (8 s for
    3,000 commas), what follows each looked through again for a note's hedge. The words
    said before a fix are read in a loop, and what follows a cut once."""
    import time

    doc = _load("dictation")
    before = words.endswith(" ")
    fix = "metformin"
    answer = ("- met for me → " + words * times + fix if before
              else "- met for me → " + fix + words * times + " 5")
    started = time.process_time()
    result = reconcile(doc, answer)
    assert time.process_time() - started < 10  # about 0.3 s; 36 s or a crash before
    short = ("- met for me → " + words + fix if before else "- met for me → " + fix + words)
    expected = reconcile(doc, short)
    assert [(c.original, c.hedged) for c in result.changes][:1] == [
        (c.original, c.hedged) for c in expected.changes][:1] == [("met for me", before
                                                                     and "probably" in words)]
    assert result.changes[0].new.startswith(fix)


def test_reconcile_a_line_saying_what_words_are_many_times_is_read() -> None:
    """A line that said what a span's words are again and again ("fifteen is probably
    the dose fifteen is probably the dose ...") failed with a RecursionError, a fix
    looked for after each saying by a call of its own. They are read in a loop, a fix
    after at most 20 of them; the line of a few is read as before."""
    import time

    doc = _load("dictation")
    started = time.process_time()
    result = reconcile(doc, "- fifteen is probably the dose " * 1500 + "and met for me is "
                            "probably metformin")
    assert time.process_time() - started < 10  # about 0.6 s; a crash before
    assert not result.corrected_copy
    (fix,) = reconcile(doc, "- fifteen is probably the dose " * 3 + "and met for me is "
                            "probably metformin").changes
    assert (fix.original, fix.new, fix.hedged) == ("met for me", "metformin", True)


@pytest.mark.parametrize("items", [400, 1200])
def test_reconcile_a_long_line_of_labels_is_read_in_linear_time(items: int) -> None:
    """A line of many labels and colons, a compact JSON list of objects that name no
    fix ('[{"a": "met for me", "b": "metformin"}, ...]'), had each label read as one of
    the answer's own before a fix and the rest of the line read again after it: 400
    items took 3 s, 600 failed with a RecursionError. A line is read after one such
    label at most; the line of one label is read as before."""
    import json
    import time

    started = time.process_time()
    reconcile(_load("dictation"), json.dumps([{"a": "met for me", "b": "metformin"}] * items))
    assert time.process_time() - started < 10  # about 0.1 s and 0.4 s; 3 s or a crash before
    result = reconcile(_load("dictation"), "The rest looks correct except: met for me = "
                                           "metformin, lie sin oh pril = lisinopril")
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]


@pytest.mark.parametrize("answer", [
    "a " * 3000 + "instead of met for me", "takes " * 3000 + "instead of met for me"])
def test_reconcile_a_long_fix_given_before_the_words_it_replaces_is_read_quickly(
        answer: str) -> None:
    """A fix given new words first ("... instead of met for me") looked for each run of
    its first words before the words read in the document, a search each: 1,000 words
    before "instead of" took 4 s, 3,000 words 40 s. They are compared word by word,
    only where the word before the words read is the document's; a line of the
    document's with a fix in it is still that line."""
    import time

    started = time.process_time()
    reconcile(_load("dictation"), answer)
    assert time.process_time() - started < 10  # about 0.05 s; 40 s and more before
    line = reconcile(_load("dictation"), "He takes metformin instead of met for me 500 "
                                         "milligrams twice daily.")
    assert all(c.new != "He takes metformin" for c in line.changes)


def test_reconcile_cuts_an_answers_runs_of_blanks_to_16_or_the_documents_own() -> None:
    """A copy laid out in columns is read as the page; a document's own longer run of
    blanks is kept in the answer as it is."""
    page = "Metformin 500 mg\nLisinoprl 10 mg"
    doc = _scored([(w, 0.2 if w == "Lisinoprl" else 0.99) for w in page.split()])
    columns = page.replace(" ", " " * 40).replace("Lisinoprl", "Lisinopril")
    result = reconcile(doc, columns)
    assert [(c.original, c.new) for c in result.changes] == [("Lisinoprl", "Lisinopril")]
    assert _capped_blanks("a" + " " * 100 + "b\tc", "x" + " " * 40 + "y") == (
        "a" + " " * 40 + "b\tc")
    assert _capped_blanks("a" + " \t" * 50 + "b", "xy") == "a" + " \t" * 8 + "b"
    assert _capped_blanks("a" + " " * 16 + "b", "") == "a" + " " * 16 + "b"


def test_reconcile_refuses_an_answer_that_is_no_text() -> None:
    doc = _scored([("metfromin", 0.2)])
    for answer in (None, b"metformin"):
        with pytest.raises(TypeError, match="llm_output must be the answer's text"):
            reconcile(doc, answer)  # type: ignore[arg-type]
    assert reconcile(doc, "\ufeffmetformin").resolved[0].new == "metformin"
    with pytest.raises(TypeError, match="takes the Document that was rendered, not NoneType"):
        reconcile(None, "metformin")  # type: ignore[arg-type]


def test_reconcile_to_dict_is_json() -> None:
    result = reconcile(_load("discharge"), _load("discharge").text.replace("Smlth", "Smith"))
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"text", "kept", "corrected_copy", "reordered", "spans",
                         "resolved", "unchanged", "raised",
                         "overcorrections",
                         "reformatted", "asides", "warnings"}
    assert data["resolved"][0]["new"] == "Smith"
    assert data["resolved"][0]["bbox"] == [504.0, 540.0, 624.0, 582.0]
    assert [s["text"] for s in data["unchanged"]] == ["Lisinoprll", "5OO"]
    # where the spans the answer left are on the scan, for a reviewer to look at
    assert {k: data["unchanged"][0][k] for k in ("page", "bbox")} == {
        "page": 1, "bbox": [150.0, 330.0, 390.0, 372.0]}
    assert "seconds" not in data["unchanged"][0]
    assert next(x for x in data["spans"] if x["text"] == "Lisinoprll") == data["unchanged"][0]


def test_reconcile_to_dict_says_when_each_span_was_said() -> None:
    doc = _load("dictation")
    data = reconcile(doc, doc.text).to_dict()
    assert [(s["text"], s["seconds"]) for s in data["unchanged"]] == [
        ("met for me", [4.92, 5.79]),
        ("lie sin oh pril", [11.07, 12.33]), ("fifteen", [12.41, 12.85])]
    assert "page" not in data["unchanged"][0]


def test_reconcile_says_on_which_line_of_a_text_file_each_change_is() -> None:
    # a typed or pasted transcript has no times or boxes: the line is where to look
    from uncertain.text import document_from_text
    from uncertain.validate import validate

    text = ("Discharge medications:\n\n1. Lisinipril 10mg PO daily\n2. Zoloft 50mg daily\n"
            "Follow up in 2 weeks.\n")
    doc = validate(document_from_text(text, path="note.txt"))
    answer = text.replace("Lisinipril", "Lisinopril").replace("50mg", "100mg")
    result = reconcile(doc, answer + "\nI corrected one spelling.")
    assert [(c.original, c.new, c.line) for c in result.changes] == [
        ("Lisinipril", "Lisinopril", 3), ("50mg", "100mg", 4),
        ("", "I corrected one spelling.", 5)]  # an aside after the last word: its line
    data = json.loads(json.dumps(result.to_dict()))
    assert data["overcorrections"][0]["line"] == 4
    assert [(s["text"], s["line"]) for s in data["spans"]] == [("Lisinipril", 3)]
    # a recording's and a scan's changes say their seconds and boxes, not a line
    recorded = reconcile(_MET, "Continue metformin five hundred milligrams twice daily.")
    assert [(c.line, c.start) for c in recorded.changes] == [(None, 0.5)]
    assert "line" not in recorded.to_dict()["spans"][0]


VOCAB = ["take", "the", "a", "metformin", "500", "mg", "twice", "daily.", "BP", "<", "&"]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12),
       data=st.data(), confidence=st.none() | st.floats(0.0, 1.0))
def test_reconcile_any_single_word_edit_maps_to_that_word(words: list[str], data: st.DataObject,
                                                          confidence: float | None) -> None:
    doc = _plain(words, confidence=confidence)
    k = data.draw(st.integers(0, len(words) - 1))
    answer = " ".join("zzqx" if i == k else w for i, w in enumerate(words))
    (change,) = reconcile(doc, answer).changes
    assert (change.kind, change.word_start, change.word_end, change.original, change.new) == (
        "replace", k, k + 1, words[k], "zzqx")
    assert (change.span is None) == (confidence is None or confidence >= 0.5)


def test_reconcile_subtitle_change_carries_the_cue_times() -> None:
    # a subtitle file's words have no times of their own: a change takes its cue's
    from uncertain.text import document_from_text
    from uncertain.validate import validate

    srt = ("1\n00:00:01,000 --> 00:00:03,500\nContinue met for men 500 milligrams\n"
           "twice a day.\n\n2\n00:00:04,000 --> 00:00:06,000\nStart lives in awful 10 mg.\n")
    doc = validate(document_from_text(srt, path="visit.srt"))
    prompt = render(doc, style="inline", tokenizer="estimate")
    answer = prompt.text.replace(
        '<unsure p="0.00" maybe="metformin">met for men</unsure>', "metformin")
    answer = answer.split("\n\n", 1)[1]  # the model answers without the preamble
    answer = answer.replace("lives in awful", "lisinopril")
    changes = reconcile(doc, answer, style="inline").changes
    assert [(c.original, c.new, c.start, c.end) for c in changes] == [
        ("met for men", "metformin", 1.0, 3.5), ("lives in awful", "lisinopril", 4.0, 6.0)]
    # an insertion between two words of one cue lies within that cue
    inserted = reconcile(doc, doc.text.replace("500 milligrams", "500 milligrams oral")).changes
    assert [(c.kind, c.new, c.start, c.end) for c in inserted] == [("insert", "oral", 1.0, 3.5)]


def _timed(words: list[str | tuple[str, float]]) -> Document:
    """A one-segment recording of ``words`` (``(text, confidence)`` for a doubtful one),
    half a second each."""
    made = []
    for k, item in enumerate(words):
        text, conf = item if isinstance(item, tuple) else (item, 0.95)
        made.append(Word(text=text, confidence=conf, start=k / 2, end=k / 2 + 0.5))
    return Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                  engine="test"), segments=[Segment(id=0, words=made)])


@pytest.mark.parametrize(("stamp", "written"), [
    (r"\[(\d\d:\d\d)\.\d\] ", r"[\1] "),  # the tenths dropped
    (r"\[(\d\d:\d\d\.\d)\] ", r"(\1) "),
    (r"\[(\d\d:\d\d\.\d)\] ", r"\1 - "),
    (r"\[(\d\d:\d\d\.\d)\] ", "\\1 \u2014 "),
])
def test_reconcile_segment_times_written_the_answers_way_are_no_words(
        stamp: str, written: str) -> None:
    """A recording's prompt answered with each line's time written otherwise ("[00:05]",
    "(00:05.8)", "00:05.8 - ") had every time reported inserted, an over-correction a
    line."""
    doc = _load("dictation")
    prompt = render(doc, style="bracket", words="none")
    assert re.search(stamp, prompt.document)
    answer = re.sub(stamp, written, prompt.document).replace("met for me", "metformin")
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.changes] == [("met for me", "metformin")]
    # a time the words hold, or one with nothing round it, is the line's
    said = _timed(["(10:30)", "seen", "today."])
    assert reconcile(said, "(10:30) seen today.").changes == ()
    plain = _timed(["seen", "at", "ten", "thirty."])
    assert [c.new for c in reconcile(plain, "10:30 seen").changes] == ["10:30", ""]


_MET = _timed(["Continue", ("met", 0.02), ("for", 0.02), ("men", 0.02), "five", "hundred",
               "milligrams", "twice", "daily."])


@pytest.mark.parametrize(("answer", "expected"), [
    # the dose rewritten in digits beside the fixed name: not part of the name's fix, and
    # "five hundred" not deleted
    ("Continue metformin 500 milligrams twice daily.",
     [("met for men", "metformin", 0.5, 2.0, 0), ("five hundred", "500", 2.0, 3.0, None)]),
    ("Continue metformin eight hundred milligrams twice daily.",
     [("met for men", "metformin", 0.5, 2.0, 0), ("five", "eight", 2.0, 2.5, None)]),
    ("Continue metformin 500 mg twice daily.",
     [("met for men", "metformin", 0.5, 2.0, 0),
      ("five hundred milligrams", "500 mg", 2.0, 3.5, None)]),
    # a new word right after the span's fix, and nothing else of the document changed
    ("Continue metformin XR five hundred milligrams twice daily.",
     [("met for men", "metformin XR", 0.5, 2.0, 0)]),
])
def test_reconcile_change_beside_a_fixed_span_stays_its_own(
        answer: str, expected: list[tuple[str, str, float, float, int | None]]) -> None:
    result = reconcile(_MET, answer)
    assert [(c.original, c.new, c.start, c.end, c.span) for c in result.changes] == expected
    assert result.resolved[0].candidate is False  # (no suggestions on this document)


def test_reconcile_verb_changed_before_a_fixed_span_is_an_overcorrection() -> None:
    doc = _timed(["Add", ("or", 0.03), ("promote", 0.01), "20", "milligrams."])
    result = reconcile(doc, "Stop omeprazole 20 milligrams.")
    assert [(c.original, c.new, c.span) for c in result.changes] == [
        ("Add", "Stop", None), ("or promote", "omeprazole", 0)]
    # an answer that hedges between two names changes the span whole: not an insertion
    # of one name beside the span and the other picked
    (hedge,) = reconcile(doc, "Add omeprazole or loperamide 20 milligrams.").changes
    assert (hedge.original, hedge.new, hedge.span, hedge.start, hedge.end) == (
        "or promote", "omeprazole or loperamide", 0, 0.5, 1.5)


def test_reconcile_fix_and_a_neighbour_changed_on_the_samples() -> None:
    # every doubtful span of the dictation fixed, and the confident word before or after
    # it changed too: two changes, each on its own words
    doc = _load("dictation")
    words = [w.text for w in doc.words]
    spans = reconcile(doc, doc.text).spans
    inside = {i for s in spans for i in range(s.word_start or 0, s.word_end or 0)}
    tried = 0
    for span in spans:
        assert span.word_start is not None and span.word_end is not None
        fix = span.candidates[0] if span.candidates else "fixed"
        for k in (span.word_start - 1, span.word_end):
            if not 0 <= k < len(words) or k in inside:
                continue
            for other in ("zzz", "Stop", "8"):
                new = list(words)
                new[k] = other
                answer = " ".join([*new[:span.word_start], fix, *new[span.word_end:]])
                got = {(c.word_start, c.word_end, c.new, c.span)
                       for c in reconcile(doc, answer).changes}
                assert (span.word_start, span.word_end, fix, spans.index(span)) in got
                assert (k, k + 1, other, None) in got
                tried += 1
    assert tried >= 12


def test_reconcile_typographic_quotes_and_dashes_are_no_change() -> None:
    doc = _plain(["The", "patient's", "pain", "is", "7-8", "today."], confidence=0.9)
    assert reconcile(doc, "The patient\u2019s pain is 7\u20138 today.").changes == ()


def test_reconcile_answer_made_a_list_or_joined_the_lines() -> None:
    doc = _timed(["Take", "aspirin", "daily.", ("Add", 0.05), ("or", 0.05), ("master", 0.05),
                  "40", "milligrams."])
    doc = doc.model_copy(update={"segments": [
        Segment(id=0, words=doc.words[:3]), Segment(id=1, words=doc.words[3:])]})
    for answer in ("- Take aspirin daily.\n- Atorvastatin 40 milligrams.",
                   "1. Take aspirin daily.\n2) Atorvastatin 40 milligrams.",
                   "[00:00.0] Take aspirin daily. [00:01.5] Atorvastatin 40 milligrams."):
        result = reconcile(doc, answer)
        assert [(c.original, c.new, c.span) for c in result.changes] == [
            ("Add or master", "Atorvastatin", 0)], answer
    # a document whose own lines are a list keeps its marks as words
    listed = _plain(["-", "aspirin", "daily"], confidence=0.9)
    assert reconcile(listed, "- aspirin daily").changes == ()
    (gone,) = reconcile(listed, "aspirin daily").changes
    assert (gone.kind, gone.original) == ("delete", "-")


@pytest.mark.parametrize("broken", ["lisino-\npril", "lisino-\r\n   pril", "lisin-  \nopril"])
def test_reconcile_a_word_broken_with_a_hyphen_at_a_line_s_end_is_one_word(broken: str) -> None:
    # an answer wrapped at a fixed width breaks a word: its first part was read as the fix
    # ("lie sin oh" -> "lisino-") and its second as the span's word kept
    _assert_two_dictation_fixes(_answer(ace=broken))
    wrapped = _answer().replace("type 2", "type\n2").replace("58-year", "58-\nyear")
    _assert_two_dictation_fixes(wrapped.replace("lisinopril", broken))
    # a word the document breaks so itself, copied as it is, is no change; a hyphen
    # beside a digit is no break in a word ("2-\n3": the range)
    doc = _text_doc("Blood pressure managed with lisino-\npril 2-3 times daily.")
    for same in ("Blood pressure managed with lisino-\npril 2-3 times daily.",
                 "Blood pressure managed with lisino-\npril 2-\n3 times daily."):
        assert reconcile(doc, same).changes == ()
    (fix,) = reconcile(doc, "Blood pressure managed with lisinopril 2-3 times daily.").changes
    assert (fix.original, fix.new, fix.reformatted) == ("lisino- pril", "lisinopril", True)


def test_reconcile_answer_in_a_code_block() -> None:
    doc = _timed(["Follow", "up", "visit.", ("met", 0.02), ("for", 0.02), ("men", 0.02),
                  "daily."])
    text = json.dumps({"text": "Follow up visit. metformin daily."})
    for answer in (f"```json\n{text}\n```", "```\nFollow up visit. metformin daily.\n```"):
        result = reconcile(doc, answer)
        assert [(c.original, c.new) for c in result.changes] == [("met for men", "metformin")]
        assert result.kept == 1.0


def test_reconcile_an_invisible_character_in_the_fix_is_no_difference() -> None:
    # a zero-width space inside "metformin" made the fix no suggestion of the span's
    doc = _scored([("Continue", 0.95), ("metfromin", 0.2), ("daily.", 0.95)])
    doc = doc.model_copy(update={"flags": [Flag(
        reason="near_lexicon", text="metfromin", start=1, end=2, confidence=0.8,
        candidates=[Candidate(term="metformin", canonical="metformin", score=0.9)])]})
    (fix,) = reconcile(doc, "Continue met\u200bformin daily.").changes
    assert (fix.original, fix.candidate) == ("metfromin", True)


def test_reconcile_a_preamble_or_a_closing_note_is_an_aside() -> None:
    # "Here is the corrected transcript:" was an over-correction, so every chatty answer
    # read as the LLM changing confident words
    doc = _load("dictation")
    body = _answer()
    result = reconcile(doc, "Here is the corrected transcript:\n\n" + body
                       + "\n\nI changed two drug names.")
    assert result.overcorrections == []
    assert [(c.word_start, c.new) for c in result.asides] == [
        (0, "Here is the corrected transcript:"), (39, "I changed two drug names.")]
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert json.loads(json.dumps(result.to_dict()))["asides"][0]["aside"] is True
    # words added on the document's own first or last line are a change of it
    (signed,) = reconcile(doc, body + " Signed.").overcorrections
    assert (signed.new, signed.aside) == ("Signed.", False)
    # but a note in parentheses put after its last word, on its line, is the answer's
    # (it was an over-correction, and a doubt it said hedged nothing)
    result = reconcile(doc, body + " (Note: not sure about lisinopril.)")
    assert result.overcorrections == []
    assert [(c.new, c.aside) for c in result.asides] == [
        ("(Note: not sure about lisinopril.)", True)]
    assert [c.new for c in result.resolved if c.hedged] == ["lisinopril"]


@pytest.mark.parametrize("text", [
    "Pt reports BP [?] 140/90, continue Méttorrtin 500 mg.",
    "Dose was [? 20] mg per the patient; continue Méttorrtin 500 mg.",
    "Saved to C:\\notes\\new\\tmp [?] continue Méttorrtin 500 mg.",
    "[00:00.0] Patient seen today.\n[00:05.8] Continue Méttorrtin 500 mg daily.",
    "--- page 1 ---\nContinue Méttorrtin 500 mg daily.\n--- page 2 ---\nFollow up.",
    "AT&amp;T plan; continue Méttorrtin 500 mg.",
    "Plan:\n<!-- draft -->\nContinue Méttorrtin 500 mg daily.",
    "<note>call back</note>\nContinue Méttorrtin 500 mg daily.",
    "[! urgent]\nContinue Méttorrtin 500 mg daily.",
])
def test_reconcile_the_documents_own_markup_like_text_is_text(text: str) -> None:
    """A note's own "[?]" or "[? 20]" was read as bracket markup (the dose deleted, its
    "\\n" in a path decoded), its own time stamps and page lines as structure, its
    "&amp;" as an inline escape, its own line that reads as a budget's note ("<!-- draft
    -->", "[! urgent]") as one: the document itself given back read as changed."""
    from uncertain.validate import validate

    doc = validate(_text_doc(text))
    assert any(f.text == "Méttorrtin" for f in doc.flags)
    same = reconcile(doc, doc.text)
    assert (same.text, same.changes, same.kept) == (doc.text, (), 1.0)
    fixed = reconcile(doc, doc.text.replace("Méttorrtin", "metformin"))
    assert [(c.original, c.new) for c in fixed.changes] == [("Méttorrtin", "metformin")]
    assert fixed.kept == 1.0
    prompt = render(doc, style="inline").text
    kept_markup = re.sub(r'<unsure [^>]*>Méttorrtin</unsure>', "metformin", prompt)
    assert kept_markup != prompt
    assert [(c.original, c.new) for c in reconcile(doc, kept_markup).changes] == [
        ("Méttorrtin", "metformin")]


@pytest.mark.parametrize("wrap", [
    "{}",
    "Here is the corrected JSON:\n```json\n{}\n```",
    "Here is the corrected JSON:\n\n{}\n\nI corrected two drug names.",
    "{}\nI corrected two drug names.",
])
@pytest.mark.parametrize("style", [None, "json"])
def test_reconcile_a_json_answer_with_a_preface_or_a_note(wrap: str, style: str | None) -> None:
    """A JSON answer after a preface, in a code block with one, or before a closing note
    was not unwrapped, even with style="json": its keys and escapes were read as
    over-corrections (kept 0.82)."""
    from uncertain.validate import validate

    doc = validate(_text_doc("Continue Méttorrtin 500 mg twice daily.\n"
                             "Start Lisinioprii 10 mg daily."))
    fixed = json.dumps({"text": "Continue metformin 500 mg twice daily.\n"
                                "Start lisinopril 10 mg daily.", "spans": []})
    result = reconcile(doc, wrap.replace("{}", fixed), style=style)  # type: ignore[arg-type]
    assert [(c.original, c.new) for c in result.changes] == [
        ("Méttorrtin", "metformin"), ("Lisinioprii", "lisinopril")]
    assert result.kept == 1.0
    own = _text_doc('Log line:\n{"text": "as logged", "level": 1}\nContinue metformin.')
    assert not reconcile(own, own.text).changes  # the document's own JSON is its text


@pytest.mark.parametrize("stamp", ["[{}] ", "[{}]", "**[{}]** ", "*[{}]* ", "`[{}]` "])
def test_reconcile_time_prefixes_written_another_way_are_structure(stamp: str) -> None:
    """An answer that wrote the segments' times without the space after them, or in
    Markdown emphasis, had them read as words: "[00:04.2]He" an over-correction of
    "He" on every line."""
    times = ["00:00.0", "00:04.2", "00:08.9", "00:14.1", "00:17.6"]
    answer = "\n".join(stamp.format(t) + line for t, line in zip(
        times, _answer().split("\n"), strict=True))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.text == _answer()


@pytest.mark.parametrize("style", ["inline", "bracket"])
@pytest.mark.parametrize("indent", [" ", "\t", "    "])
def test_reconcile_text_keeps_the_indentation_after_a_time_prefix(style: Style,
                                                                   indent: str) -> None:
    """The spaces after a time prefix but the one render puts there are the line's own
    indentation: the second of "a" and " a" came back as "a"."""
    segments = [Segment(id=k, start=float(k), indent=lead, words=[
        Word(text="a", confidence=0.9, start=float(k), end=k + 0.5)])
        for k, lead in enumerate(["", indent])]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=segments)
    assert doc.text == f"a\n{indent}a"
    prompt = render(doc, style=style, tokenizer="estimate")
    for answer in (prompt.text, prompt.document):
        result = reconcile(doc, answer)
        assert (result.text, result.changes) == (doc.text, ())
    assert clean_answer(prompt.document, document_text=doc.text) == doc.text


@pytest.mark.parametrize("lines", [["take x -->"], ["take x", "-->"]])
def test_reconcile_a_comment_opened_in_a_bracket_suggestion_is_none(lines: list[str]) -> None:
    """A suggestion holding "<!--" in a bracket prompt ("[x?0.20|a<!-- ]") was read as
    a comment running to the next "-->" of the text, and the words between, the span's
    closing bracket among them, removed: the prompt given back was read as changed."""
    segments = [Segment(id=k, words=[Word(text=t, confidence=0.9) for t in line.split()])
                for k, line in enumerate(lines)]
    flags = [Flag(reason="near_lexicon", text="x", start=1, end=2, confidence=0.8,
                  candidates=[Candidate(term="a<!-- ", canonical="a", score=0.9)])]
    doc = Document(source=Source(path="a.txt", sha256="0" * 64, modality="text",
                                 engine="test"), segments=segments, flags=flags)
    prompt = render(doc, style="bracket", tokenizer="estimate")
    assert "|a<!-- ]" in prompt.document
    for answer in (prompt.text, prompt.document):
        result = reconcile(doc, answer)
        assert (result.text, result.changes) == (doc.text, ())


@pytest.mark.parametrize("written", ["metformin", "`metformin`", "**metformin**",
                                     "*metformin*", "__metformin__", "_metformin_"])
def test_reconcile_a_suggestion_in_markdown_is_the_suggestion(written: str) -> None:
    """The fix is the word, not its Markdown: "**metformin**" was reported as the new
    text (and "`metformin`" as no candidate chosen: a backtick is no punctuation)."""
    result = reconcile(_load("dictation"), _answer(med=written))
    (fix, _) = result.resolved
    assert (fix.original, fix.new, fix.candidate) == ("met for me", "metformin", True)
    assert result.text == _answer()


@pytest.mark.parametrize("written", ["***metformin***", "___metformin___", "**_metformin_**",
                                     "_**metformin**_", "*`metformin`*"])
def test_reconcile_a_suggestion_in_emphasis_twice_is_the_suggestion(written: str) -> None:
    """A fix in bold and italics at once ("***metformin***", "_**metformin**_") kept
    its marks, reported as its new text and left in the text. Emphasis inside emphasis
    goes as emphasis does."""
    result = reconcile(_load("dictation"), _answer(med=written))
    (fix, _) = result.resolved
    assert (fix.original, fix.new, fix.candidate) == ("met for me", "metformin", True)
    assert result.text == _answer()
    # (marks inside words are no emphasis)
    doc = _text_doc("Ratio 2*3*4 and snake_case_name kept.")
    assert reconcile(doc, "Ratio 2*3*4 and snake_case_name kept.").changes == ()


def test_reconcile_a_highlighted_fix_is_the_fix() -> None:
    """A fix the answer highlighted in Markdown's extension ("==metformin==") kept the
    marks: reported as the new text and left in the text. They go as emphasis does;
    "==" between words ("a==b") is no highlight."""
    result = reconcile(_load("dictation"), _answer(med="==metformin==", ace="==lisinopril=="))
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.text == _answer()
    doc = _text_doc("Check that a==b and c==d hold.")
    assert reconcile(doc, "Check that a==b and c==d hold.").changes == ()


def test_reconcile_quotes_around_a_suggestion_are_the_answers() -> None:
    (fix, _) = reconcile(_load("dictation"), _answer(med="\u201cmetformin\u201d")).resolved
    assert (fix.new, fix.candidate) == ("\u201cmetformin\u201d", True)


@pytest.mark.parametrize("med", [
    "metformin (corrected from \"met for me\")",
    "metformin [originally transcribed as 'met for me']",
    "metformin (was heard as met for me)",
    "metformin [corrected]",
    "metformin (misheard)",
    "metformin (was: met for me)",  # the words it replaced left as they were, and
    "metformin (original: \"met for me\")",  # "metformin (was:" inserted before them
    "metformin [before: met for me]",
    "~~met for me~~ metformin",
    "~~met for me~~ **metformin**",
    "<del>met for me</del> <b>metformin</b>",
    "[metformin]",
])
def test_reconcile_an_answers_note_beside_its_fix_is_no_text(med: str) -> None:
    """An answer that says what it fixed beside the fix, or strikes the old words out,
    had the note's words or the struck words reported as part of the fix, or as
    insertions."""
    result = reconcile(_load("dictation"), _answer(med=med))
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.overcorrections == []


@pytest.mark.parametrize(("med", "new"), [
    ("metformin (not \"met for me\")", "metformin"),
    ("metformin (not 'met for me')", "metformin"),
    ("metformin [not \u201cmet for me\u201d]", "metformin"),
    ("metformin (not met for me)", "metformin"),
    ("metformin (instead of met for me)", "metformin"),
    ("metformin (rather than \"met for me\")", "metformin"),
    ("metformin (was met for me)", "metformin"),
    ("metformin (formerly 'met for me')", "metformin"),
    ("metformin (not tolerated)", "metformin (not tolerated)"),  # words of its own
    ("metformin (was stopped)", "metformin (was stopped)"),
])
def test_reconcile_a_note_naming_the_words_a_fix_replaced_as_not_meant_is_no_text(
        med: str, new: str) -> None:
    """An answer that wrote after its fix the words it replaced as what is not meant,
    'metformin (not "met for me")', "(was met for me)", had "metformin (not" reported
    inserted and the span left as it was. Such a note, its words quoted or the
    document's, is the answer's; "(not tolerated)" said after a fix is its words."""
    result = reconcile(_load("dictation"), _answer(med=med))
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", new), ("lie sin oh pril", "lisinopril")]


@pytest.mark.parametrize(("med", "ace", "new"), [
    ("metformin (for met for me)", "lisinopril", "metformin"),
    ('metformin (for "met for me")', "lisinopril [for lie sin oh pril]", "metformin"),
    ("Metformin XR (for met for me)", "lisinopril", "Metformin XR"),
    ("metformin (for diabetes)", "lisinopril", "metformin (for diabetes)"),  # its own words
    ("metformin (for type 2 diabetes)", "lisinopril",  # words the document holds elsewhere
     "metformin (for type 2 diabetes)"),
])
def test_reconcile_a_note_naming_the_words_a_fix_is_for_is_no_text(med: str, ace: str,
                                                                  new: str) -> None:
    """A copy that wrote after its fix the words it replaced as what it is for, "He takes
    metformin (for met for me) 500", had "metformin (for" reported inserted and the span
    left as it was. Such a note, naming the words the document holds where the fix
    stands (or quoted words it holds), is the answer's; "(for diabetes)" is its words."""
    result = reconcile(_load("dictation"), _answer(med=med, ace=ace))
    assert " ".join(c.new for c in result.changes if c.span != 1) == new
    assert [(c.original, c.new) for c in result.changes if c.span == 1] == [
        ("lie sin oh pril", "lisinopril")]
    assert [c.original for c in result.changes if c.span == 0] == ["met for me"]


@pytest.mark.parametrize(("marks", "notes", "hedged"), [
    ("[^1]", '[^1]: corrected from "met for me"\n[^2]: corrected from "lie sin oh pril"',
     []),
    (" [^a]", "[^a]: Not fully certain of this one.\n[^b]: originally lie sin oh pril",
     ["metformin"]),
    ("[^1]", "", []),  # marks with no footnote
])
def test_reconcile_an_answers_footnotes_are_notes_beside_its_fixes(
        marks: str, notes: str, hedged: list[str]) -> None:
    """An answer that marked its fixes with Markdown footnotes ("metformin[^1]", "[^1]:
    corrected from ..." at its end) had each mark read as part of the fix
    ("metformin[^1]") and the footnotes as lines of its own, their doubt of no fix. A
    footnote is the note of the word its mark follows; a doubt there hedges its fix. A
    document that holds such marks keeps them."""
    second = marks.replace("1", "2").replace("a", "b")
    answer = _answer(med=f"metformin{marks}", ace=f"lisinopril{second}") + f"\n\n{notes}"
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes if not c.aside] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [c.new for c in result.changes if c.hedged] == hedged
    own = _text_doc("Take metformin[^1] daily.\n\n[^1]: with food")
    assert reconcile(own, own.text).changes == ()


@pytest.mark.parametrize(("med", "ace", "notes", "hedged"), [
    ("metformin", "lisinopril*", '*corrected from "lie sin oh pril"', []),
    ("metformin*", "lisinopril**", "* was met for me\n** not fully certain of this one",
     ["lisinopril"]),
    ("metformin\u2020", "lisinopril", "\u2020 corrected from met for me", []),
])
def test_reconcile_an_answers_footnotes_marked_with_symbols_are_notes(
        med: str, ace: str, notes: str, hedged: list[str]) -> None:
    """An answer that marked a fix with a symbol ("lisinopril*", "metformin\u2020") and
    wrote its note on a line of its own after the copy ('*corrected from "..."') had
    the mark read as part of the fix ("lisinopril*"). Such a footnote is read as a
    Markdown one: the note of the word its mark follows, a doubt there hedging its fix.
    A line in emphasis after the copy ("*Please verify the doses.*") is an aside, as
    before."""
    answer = _answer(med=med, ace=ace) + f"\n\n{notes}"
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes if not c.aside] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [c.new for c in result.changes if c.hedged] == hedged
    plain = reconcile(_load("dictation"), _answer() + "\n\n*Please verify the doses.*")
    assert [c.new for c in plain.changes if c.aside] == ["Please verify the doses."]


@pytest.mark.parametrize("shape", [
    "Original: {old}\nCorrected: {new}",
    "**Original transcript:**\n{old}\n\n**Corrected transcript:**\n{new}",
    "Original text:\n{old}\n\nCorrected version:\n{new}\n",
    "Corrected: {new}",
    "**Corrected:** {new}",
])
def test_reconcile_an_answer_giving_the_original_and_the_corrected_text(shape: str) -> None:
    """An answer that wrote the document before and after its fixes had the whole
    original read as inserted words."""
    old = _answer(med="met for me", ace="lie sin oh pril")
    result = reconcile(_load("dictation"), shape.format(old=old, new=_answer()))
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.text.strip() == _answer()


@pytest.mark.parametrize("text", [
    "Allergies: *penicillin* (rash). Metformin 500 mg.",
    "Correction: metformin 500 mg, not 850 mg (previously 850 mg).",
    "Original: metformin 1000 mg ~~daily~~ twice daily.",
    "Use snake_case_names and 2*3*4 here.",
    "Reply to <b>clinic</b> [urgent] re metformin.",
])
def test_reconcile_a_documents_own_marks_and_labels_are_text(text: str) -> None:
    result = reconcile(_text_doc(text), text)
    assert result.changes == ()
    assert result.text == text


def test_reconcile_an_answer_s_invisible_characters_are_not_in_its_words() -> None:
    # "metformin\u200b" came back as the new text: a zero-width space, a joiner, a word
    # joiner or a soft hyphen is no part of what the answer says
    doc = _scored([("Continue", 0.95), ("metfromin", 0.2), ("daily.", 0.95)])
    for answer in ("Continue metformin\u200b daily.", "Continue met\u00adfor\u2060min daily.",
                   "\ufeffContinue \u200dmetformin daily."):
        result = reconcile(doc, answer)
        assert [(c.original, c.new) for c in result.changes] == [("metfromin", "metformin")]


MEDS = (
    "Blood glucose was poorly controlled; met for men was held.\n"
    "\n"
    "Discharge medications:\n"
    "1. lisa no pril 10 mg PO daily\n"
    "2. atorva statin 40 mg PO qhs\n"
    "3. aliquis 5 mg PO BID\n"
    "4. Metoprolol 25 mg PO daily\n"
    "\n"
    "Follow up in 1 week."
)
#: each doubtful span of MEDS and its suggestions, (term, canonical)
MEDS_FLAGS = (("met for men", (("metformin", "metformin"),)),
              ("lisa no pril", (("lisinopril", "lisinopril"),)),
              ("atorva statin", (("atorvastatin", "atorvastatin"),)),
              ("aliquis", (("Eliquis", "apixaban"),)))


def _meds() -> Document:
    """A validated discharge list (a text file's) with four doubtful drug names."""
    from uncertain.document import Validation

    doc = _text_doc(MEDS)
    texts = [w.text for w in doc.words]
    flags = []
    for span, candidates in MEDS_FLAGS:
        n = len(span.split())
        start = next(i for i in range(len(texts)) if texts[i:i + n] == span.split())
        flags.append(Flag(reason="near_lexicon", text=span, start=start, end=start + n,
                          confidence=0.95, candidates=[
                              Candidate(term=t, canonical=c, score=0.9) for t, c in candidates]))
    return doc.model_copy(update={"flags": flags,
                                  "validation": Validation(lexicons=["drugs"])})


def _summary(result: Any) -> list[tuple[str, str, bool, bool]]:
    return [(c.original, c.new, c.candidate, c.hedged) for c in result.resolved]


def test_reconcile_a_suggestion_s_canonical_name_is_a_candidate() -> None:
    # "apixaban" for the suggested brand "Eliquis" (canonical apixaban) was no candidate
    answer = (MEDS.replace("met for men", "Metformin").replace("lisa no pril", "LISINOPRIL")
              .replace("atorva statin", "Atorvastatin,").replace("aliquis", "apixaban"))
    assert _summary(reconcile(_meds(), answer)) == [
        ("met for men", "Metformin", True, False), ("lisa no pril", "LISINOPRIL", True, False),
        ("atorva statin", "Atorvastatin,", True, False), ("aliquis", "apixaban", True, False)]
    # a name no suggestion's is none
    (change,) = reconcile(_meds(), MEDS.replace("aliquis", "warfarin")).resolved
    assert (change.new, change.candidate) == ("warfarin", False)


def test_reconcile_a_json_answer_under_another_key_is_decoded() -> None:
    # {"corrected_text": "...\n..."} was read as text: the braces, the key and every "\n"
    # escape were over-corrections
    fixed = MEDS.replace("met for men", "metformin").replace("lisa no pril", "lisinopril")
    for key in ("corrected_text", "transcript", "corrected", "output", "correctedText"):
        for answer in (json.dumps({key: fixed}),
                       json.dumps({key: fixed, "changes": [{"from": "met for men",
                                                            "to": "metformin"}]}, indent=2),
                       json.dumps({"notes": "two names fixed", key: fixed})):
            result = reconcile(_meds(), answer)
            assert result.text == fixed, (key, answer)
            assert result.overcorrections == [] and result.kept == 1.0
            assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    # an object of one string field is the document, whatever its name
    assert reconcile(_meds(), json.dumps({"result": fixed})).text == fixed
    # the JSON style's own object: its "text", not another field
    assert reconcile(_meds(), json.dumps({"text": fixed, "output": "x"})).text == fixed


def test_reconcile_a_json_answer_of_the_document_s_segments_is_decoded() -> None:
    """An answer that gave the transcript back as JSON segments, each with its time and
    text (``[{"time": "00:00.0", "text": "..."}, ...]``, or under a key of its own), was
    read as text: no copy, every word deleted. Their texts, a line each, are the
    document; a list of fixes that names a field "text" is still a list of fixes."""
    doc = _load("dictation")
    starts = ["00:00.0", "00:04.2", "00:08.9", "00:14.1", "00:17.6"]
    segments = [{"time": t, "text": line} for t, line in zip(starts, _answer().split("\n"),
                                                             strict=True)]
    for answer in (json.dumps(segments, indent=2), json.dumps({"segments": segments}),
                   f"```json\n{json.dumps(segments)}\n```"):
        _assert_two_dictation_fixes(answer)
    fixes = json.dumps([{"text": "met for me", "corrected": "metformin"}])
    assert [(c.original, c.new) for c in reconcile(doc, fixes).changes] == [
        ("met for me", "metformin")]


def test_reconcile_a_markdown_table_s_pipes_are_layout() -> None:
    # the answer set the list out as a table: "| lisinopril |" was the new text (no
    # candidate), an untouched span read as resolved, and every "|" an over-correction
    answer = (
        "Blood glucose was poorly controlled; metformin was held.\n\n"
        "**Discharge medications:**\n\n"
        "| # | Drug | Dose | Route | Frequency |\n"
        "|---|:-----|-----:|:-----:|-----------|\n"
        "| 1. | lisinopril | 10 mg | PO | daily |\n"
        "| 2. | atorva statin | 40 mg | PO | qhs |\n"
        "| 3. | Eliquis | 5 mg | PO | BID |\n"
        "| 4. | Metoprolol | 25 mg | PO | daily |\n\n"
        "Follow up in 1 week.")
    result = reconcile(_meds(), answer)
    assert _summary(result) == [("met for men", "metformin", True, False),
                                ("lisa no pril", "lisinopril", True, False),
                                ("aliquis", "Eliquis", True, False)]
    assert [result.spans[i].text for i in result.unchanged] == ["atorva statin"]
    # the header row is words the answer added; no "|" or "---" is a change
    assert [c.new for c in result.overcorrections] == ["# Drug Dose Route Frequency"]
    assert "|" not in result.text and "---" not in result.text
    # a document that has such pipes keeps them as its text
    own = _text_doc("| a | metformin |\n|---|---|\n")
    assert reconcile(own, "| a | metformin |\n|---|---|\n").changes == ()


@pytest.mark.parametrize("wrap", ["quote", "html"])
def test_reconcile_an_answer_quoted_or_in_html_paragraphs(wrap: str) -> None:
    """An answer that quoted the document in Markdown ("> " before each line) or set it
    in HTML paragraphs and line breaks ("<p>", "<br>") had every mark reported as words
    inserted or changed: an over-correction a line."""
    lines = _answer().split("\n")
    answer = ("\n".join(f"> {line}" for line in lines) if wrap == "quote"
              else "<p>" + "<br>\n".join(lines) + "</p>")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.kept == 1.0
    # a document's own line that begins so keeps it
    own = _text_doc("BP readings:\n> 140/90 twice")
    assert reconcile(own, "BP readings:\n> 140/90 twice").changes == ()


def test_reconcile_a_tab_separated_list_answered_as_a_table() -> None:
    doc = _text_doc("Drug\tDose\nLisinopril\t20 mg\nAmoxicillin-clavulanate\t875 mg\n")
    result = reconcile(doc, "| Drug | Dose |\n|---|---|\n| Lisinopril | 20 mg |\n"
                            "| Amoxicillin-clavulanate | 875 mg |\n")
    assert result.changes == () and result.kept == 1.0


@pytest.mark.parametrize("marked", [
    "<unsure>atorvastatin</unsure>", '<unsure p="0.6">atorvastatin</unsure>',
    '<unsure p="0.6" maybe="atorvastatin|rosuvastatin">atorvastatin</unsure>',
    # in the case the answer wrote the tags in: "<UNSURE>" was read as text, the fix
    # "<UNSURE>atorvastatin</UNSURE>", no candidate
    "<UNSURE>atorvastatin</UNSURE>", '<Unsure p="0.6">atorvastatin</Unsure>',
    "[atorvastatin?]", "[atorvastatin?0.6|atorvastatin/rosuvastatin]"])
def test_reconcile_a_fix_the_answer_keeps_marked_as_doubtful_is_hedged(marked: str) -> None:
    # the answer's own doubt, written in the prompt's markup, read as a sure fix
    fixed = MEDS.replace("met for men", "metformin").replace("lisa no pril", "lisinopril")
    result = reconcile(_meds(), fixed.replace("atorva statin", marked))
    assert _summary(result) == [("met for men", "metformin", True, False),
                                ("lisa no pril", "lisinopril", True, False),
                                ("atorva statin", "atorvastatin", True, True)]
    assert result.text == fixed.replace("atorva statin", "atorvastatin")
    # a span the answer left as it was, markup and all, is still unchanged, not hedged
    rendered = render(_meds(), style="bracket" if marked[0] == "[" else "inline").document
    result = reconcile(_meds(), rendered.replace("[atorva statin?0.05|atorvastatin]", marked)
                       .replace('<unsure p="0.05" maybe="atorvastatin">atorva statin</unsure>',
                                marked))
    assert _summary(result) == [("atorva statin", "atorvastatin", True, True)]
    assert [result.spans[i].text for i in result.unchanged] == [
        "met for men", "lisa no pril", "aliquis"]


def test_reconcile_a_json_answer_s_spans_are_its_doubts() -> None:
    fixed = MEDS.replace("met for men", "metformin").replace("atorva statin", "atorvastatin")
    at = fixed.index("atorvastatin")
    for span in ({"start": at, "end": at + 12, "text": "atorvastatin", "p": 0.5},
                 {"start": at + 3, "end": at + 20, "text": "atorvastatin"},  # offsets off
                 {"start": at, "end": at + 12}):
        result = reconcile(_meds(), json.dumps({"text": fixed, "spans": [span]}))
        assert _summary(result) == [("met for men", "metformin", True, False),
                                    ("atorva statin", "atorvastatin", True, True)], span
    # the rendered spans given back as they were (their offsets now off) say nothing
    spans = json.loads(render(_meds(), style="json").document)["spans"]
    result = reconcile(_meds(), json.dumps({"text": fixed, "spans": spans}))
    assert [c.hedged for c in result.resolved] == [False, False]


_SORTED = ("1. lisa no pril 10 mg PO daily\n2. atorva statin 40 mg PO qhs\n"
           "3. aliquis 5 mg PO BID\n",
           "1. atorvastatin 40 mg PO qhs\n2. Eliquis 5 mg PO BID\n"
           "3. lisinopril 10 mg PO daily\n")


@pytest.mark.parametrize("answer", [
    "<ol>\n<li><b>met for me</b> &rarr; <b>metformin</b></li>\n"
    "<li><b>lie sin oh pril</b> &RightArrow; <b>lisinopril</b></li>\n</ol>",
    "<p>" + _answer().replace("\n", "</p>\n<p>").replace("He takes ", "He&nbsp;takes ")
    + "</p>",
])
def test_reconcile_an_html_answer_s_entities_are_its_characters(answer: str) -> None:
    """An answer given as HTML wrote its arrows and spaces as entities ("&rarr;",
    "&nbsp;"): its list of fixes was read as a summary (no fix mapped), and "He&nbsp;takes"
    as a change of "He takes". Entities are read as the characters they stand for,
    where the document holds none; those the prompt's markup escapes itself stay."""
    _assert_two_dictation_fixes(answer)
    own = _text_doc("Tylenol &amp; codeine &rarr; as needed.")
    assert reconcile(own, own.text).changes == ()


def test_reconcile_an_answer_in_another_line_order_is_read_in_the_document_s() -> None:
    """An answer that sorted the list, its lines each given once, was aligned line
    against line: no span resolved, "kept" low, the lines' words changed into others'."""
    answer = MEDS.replace("met for men", "metformin").replace(*_SORTED)
    result = reconcile(_meds(), answer)
    assert result.reordered and result.text == clean_answer(answer)
    assert _summary(result) == [("met for men", "metformin", True, False),
                                ("lisa no pril", "lisinopril", True, False),
                                ("atorva statin", "atorvastatin", True, False),
                                ("aliquis", "Eliquis", True, False)]
    # the list renumbered: its numbers are what changed
    assert [(c.original, c.new) for c in result.overcorrections] == [
        ("1.", "3."), ("2.", "1."), ("3.", "2.")]
    assert result.unchanged == () and result.kept > 0.9
    assert result.to_dict()["reordered"] is True
    # with a line of its own before or after the document's: an aside, as in order
    for said in (f"Here is the sorted list:\n\n{answer}", f"Sure.\n{answer}\nDone."):
        prefaced = reconcile(_meds(), said)
        assert prefaced.reordered and _summary(prefaced) == _summary(result)
        assert prefaced.overcorrections == result.overcorrections and prefaced.asides
    # sentences of a dictation moved: the fixes are the fixes
    doc = _load("dictation")
    lines = _answer().split("\n")
    moved = reconcile(doc, "\n".join([lines[3], *lines[:3], lines[4]]))
    assert moved.reordered and moved.overcorrections == []
    assert [c.new for c in moved.resolved] == ["metformin", "lisinopril"]
    # in its own order, or a line changed past knowing, an answer is read as it is
    assert not reconcile(doc, _answer()).reordered
    assert not reconcile(doc, "\n".join([lines[1], "I cannot help.", *lines[2:]])).reordered


def test_reconcile_a_reordered_list_does_not_cross_map_drug_names() -> None:
    # the answer sorted the list and dropped its heading: "lisa no pril" ->
    # "atorvastatin" and "atorva statin" -> "Eliquis 5" were reported as those spans'
    # resolutions; its lines, each once, are read in the document's order, the heading
    # deleted
    answer = MEDS.replace("met for men", "metformin").replace(*_SORTED).replace(
        "Discharge medications:\n", "")
    result = reconcile(_meds(), answer)
    assert result.reordered
    assert _summary(result) == [("met for men", "metformin", True, False),
                                ("lisa no pril", "lisinopril", True, False),
                                ("atorva statin", "atorvastatin", True, False),
                                ("aliquis", "Eliquis", True, False)]
    # the sorted list written on one line: no line moved, the names not cross-mapped
    answer = MEDS.replace("met for men", "metformin").replace(
        _SORTED[0], _SORTED[1].replace("\n", "; ") + "\n")
    result = reconcile(_meds(), answer)
    assert not result.reordered
    assert _summary(result) == [("met for men", "metformin", True, False)]
    assert [result.spans[i].text for i in result.unchanged] == [
        "lisa no pril", "atorva statin", "aliquis"]
    # a span's own suggestion beside another's is still its fix
    both = MEDS.replace("lisa no pril", "lisinopril (not atorvastatin)")
    assert [c.new for c in reconcile(_meds(), both).resolved] == [
        "lisinopril (not atorvastatin)"]


def _glued_scan() -> Document:
    """A scan's lines whose names OCR glued to their doses, flagged as the validator
    flags them (the words and flags of a real one, "Metforrnin500mg" at 0.95)."""
    lines = [["Rx:", "Metforrnin500mg", "1", "tab", "PO", "BID"],
             ["Warfarln-5mg", "as", "directed"], ["\u201cQty:.60..", "Refills:", "3"]]
    segments, index, y = [], 0, 10
    for k, line in enumerate(lines):
        words = [Word(text=t, confidence=0.95, page=1, bbox=(10 + 80 * i, y, 80 + 80 * i, y + 20))
                 for i, t in enumerate(line)]
        segments.append(Segment(id=k, words=words, page=1))
        index, y = index + len(line), y + 30
    flags = [
        Flag(reason="near_lexicon", text="Metforrnin500mg", start=1, end=2, confidence=0.999,
             candidates=[Candidate(term="metformin", canonical="metformin", score=0.95),
                         Candidate(term="Glucophage", canonical="metformin", score=0.9)]),
        Flag(reason="near_lexicon", text="Warfarln-5mg", start=6, end=7, confidence=0.99,
             candidates=[Candidate(term="Coumadin", canonical="warfarin", score=0.95)]),
        Flag(reason="low_confidence", text="\u201cQty:.60..", start=9, end=10, confidence=0.7,
             candidates=[Candidate(term="QTY", canonical="quantity", score=1.0)]),
    ]
    return Document(source=Source(path="rx.png", sha256="0" * 64, modality="image",
                                  engine="test"), segments=segments, flags=flags)


_GLUED = "Rx: {} 1 tab PO BID\n{} as directed\n{} Refills: 3"


@pytest.mark.parametrize(("fixes", "candidate", "lost"), [
    # the names alone, as a suggestion of the name alone invited: the doses are gone
    (("metformin", "Coumadin", "QTY"), False, [("500",), ("5",), ("60",)]),
    (("Metformin", "warfarin", "Quantity"), False, [("500",), ("5",), ("60",)]),
    # the corrected names with the doses kept, however spaced and cased
    (("Metformin 500 mg", "Coumadin 5mg", "Qty: 60"), True, [(), (), ()]),
    (("metformin500mg", "coumadin-5mg", "QTY:60"), True, [(), (), ()]),
    (("Glucophage 500 MG", "warfarin 5 mg", "quantity 60"), True, [(), (), ()]),
    # the doses changed: the numbers the scan read are gone
    (("Metformin 850 mg", "Coumadin 2.5 mg", "Qty: 30"), False, [("500",), ("5",), ("60",)]),
])
def test_reconcile_a_dose_glued_to_a_name(fixes: tuple[str, str, str], candidate: bool,
                                          lost: list[tuple[str, ...]]) -> None:
    """"Metforrnin500mg" was suggested "metformin", and an answer taking it, the dose
    dropped, was read as resolved by its candidate with everything kept; "Metformin 500
    mg" was no candidate. The suggestion keeps the dose ("metformin500mg"), writing it
    so is its candidate, and a change that loses the dose says so and names none."""
    doc = _glued_scan()
    result = reconcile(doc, _GLUED.format(*fixes))
    assert [(c.original, c.new) for c in result.resolved] == list(zip(
        ["Metforrnin500mg", "Warfarln-5mg", "\u201cQty:.60.."], fixes, strict=True))
    assert [c.candidate for c in result.resolved] == [candidate] * 3
    assert [c.lost_numbers for c in result.resolved] == lost
    assert not result.overcorrections and not result.unchanged
    assert result.to_dict()["resolved"][0]["lost_numbers"] == list(lost[0])
    assert result.resolved[0].page == 1 and result.resolved[0].bbox == (90, 10, 160, 30)


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_reconcile_the_glued_prompt_itself_is_no_change(style: str) -> None:
    doc = _glued_scan()
    prompt = render(doc, style=style, tokenizer="estimate")  # type: ignore[arg-type]
    assert "metformin500mg" in prompt.document
    result = reconcile(doc, prompt.text, style=style)  # type: ignore[arg-type]
    assert not result.changes and result.kept == 1.0


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_reconcile_a_prompt_saved_as_json_is_the_prompt(style: Style) -> None:
    """A prompt saved as JSON when it was sent, to reconcile the answer later in another
    process, could not be rebuilt: Prompt.to_dict gave no suggestion terms, so a dose
    glued to a name ("metformin500mg" for "Metforrnin500mg") was lost from the rebuilt
    prompt and "metformin" read as a candidate that kept everything."""
    from uncertain.render import Prompt

    doc = _glued_scan()
    full = render(doc, style=style, tokenizer="estimate")
    prompt = render(doc, style=style, tokenizer="estimate", budget=full.tokens - 2)
    assert prompt.cut or prompt.dropped
    saved = Prompt.from_dict(json.loads(json.dumps(prompt.to_dict())))
    assert saved == prompt and saved.to_dict() == prompt.to_dict()
    assert [(s.word_start, s.word_end, s.terms) for s in saved.spans] == [
        (s.word_start, s.word_end, s.terms) for s in prompt.spans]
    for fixes in [("metformin", "Coumadin", "QTY"), ("Metformin 500 mg", "Coumadin 5mg",
                                                     "Qty: 60")]:
        answer = _GLUED.format(*fixes)
        assert reconcile(doc, answer, prompt=saved) == reconcile(doc, answer, prompt=prompt)
    (fix, *_) = reconcile(doc, _GLUED.format("metformin", "Coumadin", "QTY"),
                          prompt=saved).resolved
    assert (fix.new, fix.candidate, fix.lost_numbers) == ("metformin", False, ("500",))


def test_reconcile_a_saved_prompt_changed_or_malformed_is_refused() -> None:
    from uncertain.render import Prompt

    data = render(_glued_scan(), tokenizer="estimate").to_dict()
    for broken in ({**data, "text": data["text"] + " more"}, {**data, "style": "xml"},
                   {**data, "spans": [{"start": "0"}]}, {**data, "marked": -1},
                   {k: v for k, v in data.items() if k != "document"}, [data]):
        with pytest.raises(ValueError, match=r"saved prompt|span"):
            Prompt.from_dict(broken)
    with pytest.raises(TypeError, match=r"Prompt\.from_dict reads a saved one"):
        reconcile(_glued_scan(), "x", prompt=data)  # type: ignore[arg-type]
    # one saved before the spans gave their terms reads as it did: the suggestions alone
    old = {**data, "spans": [{k: v for k, v in s.items() if k != "terms"}
                             for s in data["spans"]]}
    assert [s.terms for s in Prompt.from_dict(old).spans] == [()] * len(data["spans"])


def test_reconcile_cli_reads_the_prompt_render_saved(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`uncertain render --prompt-json` saves the prompt as sent; `uncertain reconcile
    --prompt` reads it back: the spans a budget left unmarked are no span, as with the
    options given again, and a prompt of another document, or beside render's options,
    is refused."""
    from uncertain.cli import main

    doc = _glued_scan()
    path, answer = tmp_path / "rx.json", tmp_path / "answer.txt"
    path.write_text(doc.to_json())
    answer.write_text(_GLUED.format("metformin", "warfarin 5 mg", "Qty: 60"))
    budget = render(doc).tokens
    while render(doc, budget=budget).marked > 1:
        budget -= 1
    saved = tmp_path / "prompt.json"
    assert main(["render", str(path), "--budget", str(budget), "--prompt-json",
                 str(saved)]) == 0
    sent = capsys.readouterr().out
    assert sent == render(doc, budget=budget).text + "\n"
    assert json.loads(saved.read_text()) == render(doc, budget=budget).to_dict()
    assert main(["reconcile", str(path), str(answer), "--prompt", str(saved)]) == 0
    by_prompt = json.loads(capsys.readouterr().out)
    assert main(["reconcile", str(path), str(answer), "--budget", str(budget)]) == 0
    assert by_prompt == json.loads(capsys.readouterr().out)
    assert [s["text"] for s in by_prompt["spans"]] == ["Metforrnin500mg"]
    assert by_prompt["resolved"][0]["lost_numbers"] == ["500"]
    assert [c["original"] for c in by_prompt["overcorrections"]] == ["Warfarln-5mg"]  # unmarked
    # several documents: one prompt a line, each reconciled with its own
    other = tmp_path / "note.json"
    other.write_text(_text_doc("Continue metformin daily.").to_json())
    assert main(["render", str(other), str(path), "--prompt-json", str(saved)]) == 0
    capsys.readouterr()
    assert len(saved.read_text().splitlines()) == 2
    assert main(["reconcile", str(path), str(answer), "--prompt", str(saved)]) == 0
    assert len(json.loads(capsys.readouterr().out)["spans"]) == 3  # (no budget: all three)
    assert main(["render", str(other), "--prompt-json", str(saved)]) == 0
    capsys.readouterr()
    assert main(["reconcile", str(path), str(answer), "--prompt", str(saved)]) == 1
    assert "holds no prompt rendered from" in capsys.readouterr().err
    assert main(["reconcile", str(path), str(answer), "--prompt", str(answer)]) == 1
    assert "not a saved prompt" in capsys.readouterr().err
    assert main(["reconcile", str(path), str(answer), "--prompt", str(saved),
                 "--budget", "100"]) == 2
    assert "--prompt says what the answer was shown" in capsys.readouterr().err
    # "-": the JSON on standard output, in place of the text
    assert main(["render", str(path), "--prompt-json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == render(doc).to_dict()


def test_reconcile_a_glued_dose_written_beside_the_name_is_kept() -> None:
    """More words than a span's correction takes ("Metformin ER 500 mg") leave the dose
    in an insertion beside it: not lost."""
    result = reconcile(_glued_scan(), _GLUED.format("Metformin ER 500 mg", "Coumadin 5 mg",
                                                    "Qty: 60"))
    first = result.resolved[0]
    assert (first.new, first.candidate, first.lost_numbers) == ("Metformin", False, ())
    assert [c.new for c in result.overcorrections] == ["ER 500 mg"]


def _rx_line(line: list[str]) -> Document:
    """A scanned line of ``line``'s words, 80 pixels each, its second word flagged with
    lisinopril as its candidate."""
    words = [Word(text=t, confidence=0.95, page=1, bbox=(10 + 80 * i, 10, 80 + 80 * i, 30))
             for i, t in enumerate(line)]
    return Document(source=Source(path="rx.png", sha256="0" * 64, modality="image",
                                  engine="test"),
                    segments=[Segment(id=0, words=words, page=1)],
                    flags=[Flag(reason="near_lexicon", text=line[1], start=1, end=2,
                                confidence=0.99,
                                candidates=[Candidate(term="lisinopril",
                                                      canonical="lisinopril", score=0.95)])])


@pytest.mark.parametrize(("fix", "route"), [
    ("Lisinopril 10 mg", "by mouth"),
    ("lisinopril 10mg", "by mouth"),
    ("Lisinopril 10 mg", "orally"),
])
def test_reconcile_a_glued_dose_before_an_abbreviation_spelled_out(fix: str,
                                                                    route: str) -> None:
    """An answer that fixed a name glued to its dose and spelled out the abbreviation
    after it ("Lisinioprii-10'mg PO" -> "Lisinopril 10 mg by mouth") had the dose taken
    from the span: "Lisinioprii-10'mg" -> "Lisinopril", its 10 lost, and "PO" -> "10 mg
    by mouth" an over-correction; or "lisinopril 10mg by" and "PO" -> "mouth". Spelling
    paired the dose with the name; the words after it are PO's."""
    line = ["Rx:", "Lisinioprii-10'mg", "PO", "daily"]
    doc = _rx_line(line)
    result = reconcile(doc, f"Rx: {fix} {route} daily")
    assert [(c.original, c.new, c.candidate, c.lost_numbers, c.bbox)
            for c in result.resolved] == [(line[1], fix, True, (), (90, 10, 160, 30))]
    assert [(c.original, c.new, c.reformatted, c.bbox) for c in result.changes[1:]] == [
        ("PO", route, True, (170, 10, 240, 30))]
    assert not result.overcorrections and result.kept == 1.0


@pytest.mark.parametrize("fix", ["Lisinopril 10 mg", "lisinopril 10mg"])
def test_reconcile_a_glued_dose_before_two_words_spelled_out(fix: str) -> None:
    """An answer that spelled out the two words after the span as well ("PO daily" ->
    "by mouth once a day") had the span's dose taken from it: "Lisinioprii-10'mg" ->
    "Lisinopril", its 10 lost, and "PO daily" -> "10 mg by mouth once a day"."""
    line = ["Rx:", "Lisinioprii-10'mg", "PO", "daily", "for", "BP"]
    doc = _rx_line(line)
    result = reconcile(doc, f"Rx: {fix} by mouth once a day for BP")
    assert [(c.original, c.new, c.candidate, c.lost_numbers)
            for c in result.resolved] == [(line[1], fix, True, ())]
    assert [(c.original, c.new, c.reformatted) for c in result.changes[1:]] == [
        ("PO daily", "by mouth once a day", True)]
    assert not result.overcorrections and result.kept == 1.0


def _two_pages(*lines: str) -> Document:
    """A scan of one line a page, every word confident, each with its page and box."""
    segments = [Segment(id=k, page=k + 1, words=[
        Word(text=t, confidence=0.95, page=k + 1, bbox=(10 + 80 * i, 10, 80 + 80 * i, 30))
        for i, t in enumerate(line.split())]) for k, line in enumerate(lines)]
    return Document(source=Source(path="scan.pdf", sha256="0" * 64, modality="image",
                                  engine="test"), segments=segments)


@pytest.mark.parametrize("mark", ["## Page 2\n", "**Page 2**\n", "Page 2:\n", "[Page 2]\n",
                                  "--- page 2 --- ", "PAGE 2 OF 2\n"])
def test_reconcile_a_page_marked_the_answers_way_is_no_word(mark: str) -> None:
    """An answer to a scan's prompt that marked its pages its own way ("## Page 2",
    "**Page 2**") or joined the rendered "--- page 2 ---" line to the text had the mark
    reported inserted in the document, an over-correction on page 1."""
    doc = _two_pages("Troponin was normal.", "Aspirin 81 mg daily.")
    answer = f"{mark.replace('2', '1')}Troponin was negative.\n{mark}Aspirin 81 mg daily."
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.page) for c in result.changes] == [
        ("normal.", "negative.", 1)]
    # a page's own line that says so is its text
    own = _two_pages("Troponin was normal.", "Page 2 of 2")
    assert reconcile(own, "Troponin was normal.\nPage 2 of 2").changes == ()


@pytest.mark.parametrize(("new", "candidate"), [
    ("mg BID", True),
    ("milligrams twice daily", True),  # the suggestion spelled out
    ("mg b.i.d.", True),
    ("mg TID", False),
    ("milligrams TID", False),
])
def test_reconcile_a_suggestion_written_otherwise_is_named(new: str, candidate: bool) -> None:
    """An answer that wrote a span's suggestion spelled out or abbreviated otherwise
    ("milligrams twice daily" for the suggested "mg BID"; "1" for "one") was read as
    naming none of the suggestions: as reformatted words are, they say the same."""
    words = [Word(text=t, confidence=c) for t, c in
             [("Metformin", 0.95), ("500", 0.95), ("mg:B10", 0.3), ("with", 0.95),
              ("meals", 0.95)]]
    doc = Document(source=Source(path="rx.png", sha256="0" * 64, modality="image",
                                 engine="test"),
                   segments=[Segment(id=0, words=words)],
                   flags=[Flag(reason="low_confidence", text="mg:B10", start=2, end=3,
                               confidence=0.7,
                               candidates=[Candidate(term="mg BID", canonical="mg BID",
                                                     score=0.9)])])
    (change,) = reconcile(doc, f"Metformin 500 {new} with meals").changes
    assert (change.original, change.new, change.candidate) == ("mg:B10", new, candidate)
    spoken = _timed(["Blood", "pressure", ("won", 0.15), "hundred", "thirty"])
    spoken = spoken.model_copy(update={"flags": [Flag(
        reason="low_confidence", text="won", start=2, end=3, confidence=0.9,
        candidates=[Candidate(term="one", canonical="one", score=0.9)])]})
    (change,) = reconcile(spoken, "Blood pressure 1 hundred thirty").changes
    assert (change.new, change.candidate) == ("1", True)


def test_reconcile_a_number_in_a_name_is_no_dose() -> None:
    """Digits read for a name's letters ("Lisinopri1") or a name's own digits are no dose
    the answer could lose."""
    words = [Word(text=t, confidence=0.95) for t in ["Start", "Lisinopri1", "daily"]]
    doc = Document(source=Source(path="rx.txt", sha256="0" * 64, modality="text",
                                 engine="test"),
                   segments=[Segment(id=0, words=words)],
                   flags=[Flag(reason="near_lexicon", text="Lisinopri1", start=1, end=2,
                               confidence=0.9, candidates=[Candidate(
                                   term="lisinopril", canonical="lisinopril", score=0.95)])])
    fix = reconcile(doc, "Start lisinopril daily").resolved[0]
    assert (fix.candidate, fix.lost_numbers) == (True, ())


def _budgeted(doc: Document, *, marked: int, **options: Any) -> Any:
    """The prompt of the largest budget under the full prompt's that marks ``marked`` spans."""
    budget = render(doc, tokenizer=len, candidate_gap=None, **options).tokens - 1
    while True:
        prompt = render(doc, tokenizer=len, candidate_gap=None, budget=budget, **options)
        if prompt.marked <= marked:
            return prompt
        budget -= 1


def test_reconcile_with_the_prompt_counts_only_the_spans_it_marked() -> None:
    """The spans a budget left unmarked were counted as doubtful spans the answer left
    unchanged, and a fix of one as a resolution: what the model was never asked about."""
    doc = _suggested()
    prompt = _budgeted(doc, marked=2)
    assert [s.text for s in prompt.spans] == ["metfromin", "lisnopril"]
    answer = "take metformin and lisnopril then atorvastatin with warfrin daily"
    result = reconcile(doc, answer, prompt=prompt)
    assert [s.text for s in result.spans] == ["metfromin", "lisnopril"]
    assert [result.spans[i].text for i in result.unchanged] == ["lisnopril"]
    assert [(c.original, c.new) for c in result.resolved] == [("metfromin", "metformin")]
    assert [(c.original, c.new) for c in result.overcorrections] == [
        ("atorvastin", "atorvastatin")]
    assert len(result.places) == 2
    # without it, every doubtful span counts, as before
    whole = reconcile(doc, answer)
    assert [whole.spans[i].text for i in whole.unchanged] == ["lisnopril", "warfrin"]
    assert [c.original for c in whole.resolved] == ["metfromin", "atorvastin"]
    assert whole.overcorrections == []


def test_reconcile_with_the_prompt_a_cut_suggestion_is_none_offered() -> None:
    doc = _suggested()
    prompt = _budgeted(doc, marked=4, max_candidates=1)
    assert prompt.cut and not prompt.dropped
    span = next(s for s in prompt.spans if s.text == "warfrin")
    assert span.candidates == ()
    answer = "take metformin and lisinopril then atorvastatin with warfarin daily"
    shown = {c.original: c.candidate for c in reconcile(doc, answer, prompt=prompt).resolved}
    assert shown["metfromin"] is True
    assert shown["warfrin"] is False  # the answer's own reading: "warfarin" was cut
    assert {c.original: c.candidate for c in reconcile(doc, answer).resolved}["warfrin"]


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_reconcile_a_budgeted_prompt_given_back_is_no_change(style: Style) -> None:
    doc = _suggested()
    budget = render(doc, style=style).tokens
    prompt = render(doc, style=style, budget=budget)
    while not prompt.dropped:
        budget -= 1
        prompt = render(doc, style=style, budget=budget)
    assert prompt.marked
    result = reconcile(doc, prompt.text, prompt=prompt)
    assert result.changes == () and result.kept == 1.0
    assert len(result.unchanged) == len(result.spans) == prompt.marked


def test_reconcile_the_prompt_of_another_document_is_refused() -> None:
    doc = _suggested()
    other = render(_load("dictation"))
    with pytest.raises(ValueError, match="not rendered from this document"):
        reconcile(doc, doc.text, prompt=other)
    with pytest.raises(ValueError, match="not both"):
        reconcile(doc, doc.text, prompt=render(doc), threshold=0.5)
    with pytest.raises(TypeError, match="Prompt"):
        reconcile(doc, doc.text, prompt=doc.text)  # type: ignore[arg-type]


def test_reconcile_with_the_prompt_its_verified_spans_are_no_doubt() -> None:
    doc = _load("dictation")
    prompt = render(doc, include_verified=True)
    assert any(s.verified for s in prompt.spans)
    result = reconcile(doc, _answer(), prompt=prompt)
    assert result.spans == reconcile(doc, _answer()).spans
    assert not any(s.verified for s in result.spans)


@pytest.mark.parametrize("note", ["<!-- 2 suggestions cut -->", "<note>2 suggestions cut</note>",
                                  "[! 2 suggestions cut]"])
def test_reconcile_a_budget_note_the_answer_copies_is_no_word(note: str) -> None:
    doc = _suggested()
    answer = f"{note}\ntake metformin and lisnopril then atorvastin with warfrin daily"
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.changes] == [("metfromin", "metformin")]


_FIXED = "take metformin and lisnopril then atorvastin with warfrin daily"


@pytest.mark.parametrize("answer", [
    f"<!-- 2 suggestions cut --> {_FIXED}",
    f"<note>2 suggestions cut</note> {_FIXED}",
    _FIXED.replace("atorvastin", "atorvastin <!-- fixed one -->"),
    f"{_FIXED} <!-- the rest\nas given -->",
])
def test_reconcile_a_comment_beside_the_answer_s_words_is_no_word(answer: str) -> None:
    """The budget's note copied before the first word, or a comment of the answer's own,
    was read as words inserted in the document."""
    result = reconcile(_suggested(), answer)
    assert [(c.original, c.new) for c in result.changes] == [("metfromin", "metformin")]
    # a document whose own text holds one keeps it
    own = _text_doc("take <!-- x --> metformin")
    assert reconcile(own, "take <!-- x --> metformin").changes == ()


@pytest.mark.parametrize("style", [None, "bracket"])
def test_reconcile_a_bracket_note_before_the_first_word_is_no_word(style: str | None) -> None:
    """The bracket style's budget note copied onto the first line ("[! 2 suggestions cut]
    take ...") came back as "! 2 suggestions cut" inserted in the document: the note is
    dropped where a line begins with it, as a line of it alone was."""
    doc = _suggested()
    prompt = render(doc, style="bracket", budget=render(doc, style="bracket").tokens - 4)
    assert prompt.note is not None and prompt.document.startswith(f"[! {prompt.note}]\n")
    kept = prompt.document.replace("\n", " ", 1)  # (the markup kept)
    for answer in (kept, f"[! {prompt.note}] {_FIXED}"):
        result = reconcile(doc, answer.replace("metfromin", "metformin"),
                           style=style)  # type: ignore[arg-type]
        assert [(c.original, c.new) for c in result.changes] == [("metfromin", "metformin")]
    # a line of the document's own that begins so keeps it
    own = _text_doc("[! urgent] take metformin")
    assert reconcile(own, "[! urgent] take metformin", style=style).changes == ()  # type: ignore[arg-type]


@pytest.mark.parametrize("style", ["inline", "bracket", "json"])
def test_reconcile_a_forced_style_reads_the_documents_own_marks_as_text(style: Style) -> None:
    """With the style forced (``--style``) and an answer that dropped the markup, the
    document's own "&amp;", "\\\\" and "[x?]", written as they are, were read as the
    markup's ("AT&amp;T" -> "AT&T" an over-correction); auto-detection read them right.
    An answer that keeps the markup's escapes of them is still read by the style."""
    text = ("Seen at AT&amp;T clinic. Path C:\\\\temp noted [x?] by nurse.\n"
            "Start metfromin 500 mg daily.")
    doc = _text_doc(text)
    fixed = text.replace("metfromin", "metformin")
    for forced in (None, style):
        result = reconcile(doc, fixed, style=forced)
        assert [(c.original, c.new) for c in result.changes] == [("metfromin", "metformin")]
        assert result.text == fixed
    # the markup's escapes kept, the spans dropped: the style's reading
    rendered = render(doc, style=style).document
    if style != "json":
        assert reconcile(doc, rendered, style=style).changes == ()


def _html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")


def test_reconcile_an_answer_escaped_once_more_is_read() -> None:
    """An answer that escaped the inline markup once more, as a page's HTML is
    ("&lt;unsure p=&quot;0.15&quot;&gt;metformin&lt;/unsure&gt;", "BP &amp;lt;140"), kept
    the escaped tags and entities in the new text of its changes."""
    doc = _load("dictation")
    prompt = render(doc, style="inline", tokenizer="estimate").document
    answer = _html_escaped(prompt.replace(">met for me<", ">metformin<"))
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, True)]
    own = _text_doc("Goal BP <140 & A1c <7.\nStart metfromin daily.")
    escaped = _html_escaped(render(own, style="inline").document).replace("metfromin",
                                                                          "metformin")
    assert [(c.original, c.new) for c in reconcile(own, escaped).changes] == [
        ("metfromin", "metformin")]


@pytest.mark.parametrize("left", ["?0.15", "?0.15|metformin", "?0.15|metformin/Metreton"])
def test_reconcile_what_a_bracket_span_left_after_a_word_is_no_text(left: str) -> None:
    """An answer that dropped a bracket span's brackets but kept its "?p" (and its
    suggestions) after the word had them in the new text: "metformin?0.15". The word
    stays, kept marked as doubtful, as a bracket span round it is."""
    doc = _load("dictation")
    answer = _answer().replace("metformin", "metformin" + left)
    for style in (None, "bracket"):
        result = reconcile(doc, answer, style=style)  # type: ignore[arg-type]
        assert [(c.original, c.new, c.candidate, c.hedged) for c in result.resolved] == [
            ("met for me", "metformin", True, True),
            ("lie sin oh pril", "lisinopril", True, False)]
        assert not result.overcorrections
    own = _text_doc("Is it ok?0.5 ml given?ok then.")  # the document's own are text
    assert reconcile(own, "Is it ok?0.5 ml given?ok then.").changes == ()


@pytest.mark.parametrize("style", ["inline", "bracket"])
def test_reconcile_an_answer_that_kept_only_the_escapes_is_read_by_them(style: Style) -> None:
    """An answer that dropped the markup but copied the rest as it was shown kept the
    style's escapes of the document's "&", "<" or "\\\\" ("AT&amp;amp;T"): with the style
    guessed, only escapes the document's own text does not hold were a sign of markup,
    and "AT&amp;T" -> "AT&amp;amp;T" came back an over-correction. The answer is read as
    plain text or by the style whose escapes it holds, whichever keeps more of the
    document's words."""
    text = "Seen at AT&amp;T &lt;clinic&gt; C:\\\\temp [x?] today.\nStart metfromin daily."
    doc = _text_doc(text)
    shown = render(doc, style=style).document
    assert reconcile(doc, shown).changes == ()
    fixed = shown.replace("metfromin", "metformin")
    assert [(c.original, c.new) for c in reconcile(doc, fixed).changes] == [
        ("metfromin", "metformin")]
    # written as the document has them, they are its text
    assert [(c.original, c.new) for c in reconcile(
        doc, text.replace("metfromin", "metformin")).changes] == [("metfromin", "metformin")]


@pytest.mark.parametrize("wrap", [
    lambda fixes: json.dumps(fixes),
    lambda fixes: json.dumps({"corrections": fixes}, indent=2),
    lambda fixes: "Here are the fixes:\n```json\n" + json.dumps({"changes": fixes}) + "\n```",
])
def test_reconcile_an_answer_of_fixes_only_is_mapped(wrap: Any) -> None:
    """An answer that gives only a list of fixes ([{"original": "met for me",
    "corrected": "metformin"}], or {"corrections": [...]}) was read as the answer's text:
    no corrected copy, kept near nought, its fixes not mapped. Each is now made where the
    document holds its words (case apart), one it names in a doubtful span's place of
    several, a doubt its note says hedging it; one it cannot place is a warning."""
    doc = _load("dictation")
    fixes = [{"original": "Met for me", "corrected": "metformin"},
             {"from": "lie sin oh pril", "to": "lisinopril", "note": "not sure; verify"},
             {"original": "milligrams", "corrected": "mg"},  # twice in the text, not doubtful
             {"original": "warfarin", "corrected": "Coumadin"}]  # not in the text
    result = reconcile(doc, wrap(fixes))
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.kept == 1.0
    assert result.text == _answer()
    assert result.warnings == (
        'the fix of "milligrams" names words the document holds in 2 places, 0 of them '
        "doubtful: not mapped",
        'the fix of "warfarin" names words the document does not hold: not mapped')
    # a JSON answer with its document is read as it was: its list of changes is a note
    with_text = json.dumps({"corrected_text": _answer(), "changes": fixes[:1]})
    assert reconcile(doc, with_text).warnings == ()
    assert [c.new for c in reconcile(doc, with_text).resolved] == ["metformin", "lisinopril"]


@pytest.mark.parametrize("style", ["inline", "bracket", None])
def test_reconcile_an_answer_of_original_and_corrected_pairs(style: Style | None) -> None:
    """An answer that gave each fixed line under "Original:" and its fix under
    "Corrected:", pair after pair, was read as the last "Corrected:" line alone: every
    other line deleted, the first pair's span among them ("lives in awful" -> "").
    Each pair is now a fix made where the document holds its original (as the answer
    quotes it, in the prompt's markup or not)."""
    doubtful = {"lives", "in", "awful", "met", "for", "men"}
    doc = Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=k, words=[Word(text=w, confidence=0.2 if w in doubtful else 0.95)
                                       for w in line.split()])
                  for k, line in enumerate([
                      "Patient reports a cough since starting lives in awful ten mg daily.",
                      "Blood pressure is fine.",
                      "Continue met for men five hundred mg twice a day."])])
    lines = doc.text.split("\n")
    shown = (render(doc, style=style).document if style else doc.text).split("\n")
    answer = (f"Here are my corrections:\n\n**Original:** {shown[0]}\n**Corrected:** "
              f"{lines[0].replace('lives in awful', 'lisinopril')}\n\n**Original:** "
              f"{shown[2]}\n**Corrected:** {lines[2].replace('met for men', 'metformin')}"
              "\n\nThe rest of the note is unchanged.")
    result = reconcile(doc, answer, style=style)
    assert [(c.original, c.new, c.span) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0), ("met for men", "metformin", 1)]
    assert result.kept == 1.0 and result.warnings == ()


@pytest.mark.parametrize("answer", [
    'Corrections:\n- "lives in awful" → "lisinopril" (please verify)\n'
    '- "met for men" → "metformin"',
    "Here are the fixes:\n\n1. **lives in awful** -> **lisinopril** (uncertain)\n"
    "2. **met for men** -> **metformin**\n\nEverything else looks right.",
    "- [lives in awful?0.31|lisinopril] => lisinopril (not sure)\n- met for men => metformin",
])
def test_reconcile_an_answer_listing_its_fixes_as_text_is_mapped(answer: str) -> None:
    """An answer that listed only its fixes, a line each ('"met for men" -> "metformin"'),
    was read as the document's text: no corrected copy, its spans unchanged, its lines
    over-corrections. Each is now made where the document holds its words, the doubt of
    its note in brackets hedging it; a corrected copy with its fixes listed after it is
    read as the copy."""
    doc = _clinic()
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.span, c.candidate, c.hedged) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0, True, True),
        ("met for men", "metformin", 1, True, False)]
    assert result.kept == 1.0
    copy = doc.text.replace("lives in awful", "lisinopril").replace("met for men", "metformin")
    listed = reconcile(doc, f"{copy}\n\nChanges:\n- lives in awful -> lisinopril\n"
                            "- met for men -> metformin")
    assert [c.new for c in listed.resolved] == ["lisinopril", "metformin"]
    assert len(listed.asides) == 1 and not listed.overcorrections


@pytest.mark.parametrize("answer", [
    "lives in awful: lisinopril (please verify)\nmet for men: metformin",
    'Corrections:\n- "lives in awful": "lisinopril" (uncertain)\n- "met for men": "metformin"',
    "1. **lives in awful**: **lisinopril** - please verify\n2. met for men: metformin\n\n"
    "Note: the rest looks right.",
])
def test_reconcile_an_answer_listing_its_fixes_with_colons_is_mapped(answer: str) -> None:
    """A list of fixes written with a colon for an arrow ("met for men: metformin") was
    read as the document's text, no corrected copy. Each line whose words before the
    colon are a doubtful span's is now a fix, as an arrow's is."""
    doc = _clinic()
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.span, c.candidate, c.hedged) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0, True, True),
        ("met for men", "metformin", 1, True, False)]
    assert result.kept == 1.0 and result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize(("answer", "hedged"), [
    ("* **met for me** (p=0.15): almost certainly **metformin**.\n"
     "* **lie sin oh pril** (p=0.10): **lisinopril** (verify).", ["lisinopril"]),
    ("- met for me (p=0.15): metformin\n- lie sin oh pril (p=0.10): lisinopril", []),
    ("- met for me → definitely metformin\n- lie sin oh pril → lisinopril, please verify",
     ["lisinopril"]),
])
def test_reconcile_a_listed_fix_with_the_span_s_p_or_a_word_of_certainty_is_mapped(
        answer: str, hedged: list[str]) -> None:
    """A list of fixes that quoted each span's p before a colon ("met for me (p=0.15):
    metformin") was read as a summary (the "=" of the p left no colon fix), and one
    that said a fix with certainty ("almost certainly metformin", "definitely
    metformin") had those words made part of the fix. The p is a gloss of the words
    read, as before an arrow; the words of certainty are no part of the fix, nor a
    doubt of it."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [c.new for c in result.changes if c.hedged] == hedged
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("style", ["inline", "bracket"])
def test_reconcile_a_doubt_the_answer_raises_of_a_confident_word_is_reported(
        style: Style) -> None:
    """An answer that marked confident words as doubtful ("<unsure>ten
    milligrams</unsure>"), words the prompt did not doubt, lost that doubt: the words
    were as they were, no change. They are now in ``raised``, where the document has them,
    for a person to check; marked words the answer changed are its hedged change."""
    doc = _clinic()
    fixed = doc.text.replace("lives in awful", "lisinopril").replace("met for men", "metformin")
    mark = "<unsure>{}</unsure>" if style == "inline" else "[{}?]"
    result = reconcile(doc, fixed.replace("ten milligrams", mark.format("ten milligrams"))
                       .replace("hypertension", mark.format("hypertension")), style=style)
    assert [(s.text, s.word_start, s.word_end, doc.text[s.start:s.end]) for s in result.raised
            ] == [("hypertension", 4, 5, "hypertension"),
                  ("ten milligrams", 19, 21, "ten milligrams")]
    assert [c.new for c in result.resolved] == ["lisinopril", "metformin"]
    assert not result.overcorrections and result.kept == 1.0
    assert [r["text"] for r in result.to_dict()["raised"]] == ["hypertension", "ten milligrams"]
    # a marked stretch the answer changed is the change's doubt, not raised; the prompt's
    # own marks kept round the spans are theirs
    changed = reconcile(doc, fixed.replace("ten milligrams", mark.format("fifteen milligrams")),
                        style=style)
    assert changed.raised == ()
    assert [(c.original, c.new, c.hedged) for c in changed.overcorrections] == [
        ("ten", "fifteen", True)]
    assert reconcile(doc, render(doc, style=style).document, style=style).raised == ()
    assert reconcile(doc, fixed).raised == ()


def test_reconcile_a_table_s_column_of_line_numbers_is_layout() -> None:
    """An answer that set the document out in a table with a column of line numbers
    ("| Line | Text |", "| 1 | ... |") had each number, and the header with the first,
    as over-corrections. The numbers are now the table's layout, the header an aside;
    a document whose lines start with numbers keeps them as words."""
    doc = _clinic()
    fixed = doc.text.replace("lives in awful", "lisinopril").replace("met for men", "metformin")
    table = "| Line | Text |\n|---|---|\n" + "\n".join(
        f"| {k + 1} | {line} |" for k, line in enumerate(fixed.split("\n")))
    result = reconcile(doc, table)
    assert [c.new for c in result.resolved] == ["lisinopril", "metformin"]
    assert result.overcorrections == [] and [c.new for c in result.asides] == ["Line Text"]
    numbered = Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=k, words=[Word(text=w, confidence=0.95) for w in line.split()])
                  for k, line in enumerate(["1 tab daily", "2 tabs at night"])])
    said = reconcile(numbered, "| # | Dose |\n|---|---|\n| 1 | tab daily |\n"
                               "| 2 | tabs at night |")
    assert said.overcorrections == [] and [" ".join(line.split()) for line in
                                           said.text.split("\n")[2:]] == [
        "1 tab daily", "2 tabs at night"]


@pytest.mark.parametrize("labels", [("Doctor: ", "Patient: "), ("**Speaker 1:** ",),
                                    ("DR. SMITH: ",)])
def test_reconcile_a_speaker_s_label_before_a_line_is_an_aside(labels: tuple[str, ...]) -> None:
    """An answer that put a label before the document's lines ("Doctor: ...") had each
    label as an over-correction. A label (a capital, up to three words, a colon) at the
    start of a line of the answer and of the document is now an aside, its own text; a
    word it inserts at a line's start, or a label within a line, is still a change."""
    doc = _clinic()
    fixed = doc.text.replace("lives in awful", "lisinopril").replace("met for men", "metformin")
    lines = fixed.split("\n")
    answer = "\n".join(labels[k % len(labels)] + line for k, line in enumerate(lines))
    result = reconcile(doc, answer)
    assert [c.new for c in result.resolved] == ["lisinopril", "metformin"]
    assert result.overcorrections == []
    assert [c.new for c in result.asides] == [
        labels[k % len(labels)].replace("*", "").strip() for k in range(len(lines))]
    assert all(c.word_start == c.word_end for c in result.asides)
    inserted = reconcile(doc, fixed.replace("Blood", "Also blood")
                         .replace("dry cough", "Doctor: dry cough"))
    assert [(c.original, c.new) for c in inserted.overcorrections] == [
        ("", "Doctor:"), ("", "Also")]
    assert inserted.asides == []


@pytest.mark.parametrize(("before", "after"), [("Before:", "After:"), ("**Old:**", "**New:**"),
                                               ("Old:", "New:"), ("Heard:", "Meant:"),
                                               ("**Transcribed:**", "**Intended:**")])
def test_reconcile_an_answer_of_before_and_after_pairs(before: str, after: str) -> None:
    """An answer that gave each fix as a "Before:"/"After:" pair ("Old:"/"New:",
    "Heard:"/"Meant:", "Transcribed:"/"Intended:") was read as a copy with those lines
    added, or as a summary. Each pair is a fix, as an "Original:"/"Corrected:" one is; a
    document's line opening with "New:" is its own."""
    lines = _clinic().text.split("\n")
    answer = "\n\n".join(
        f"{before} {old}\n{after} {new}" for old, new in [
            (lines[1], lines[1].replace("lives in awful", "lisinopril")),
            ("met for men", "metformin")])
    result = reconcile(_clinic(), answer)
    assert [(c.original, c.new, c.span) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0), ("met for men", "metformin", 1)]
    assert result.corrected_copy and result.warnings == ()
    doc = _text_doc("New: rash on the left arm.\nOld: knee pain, resolved.")
    copy = reconcile(doc, "New: rash on the left forearm.\nOld: knee pain, resolved.")
    assert [(c.original, c.new) for c in copy.changes] == [("arm.", "forearm.")]


@pytest.mark.parametrize("answer", [
    "lives in awful -> lisinopril (please verify); met for men -> metformin",
    "Fixes: lives in awful → lisinopril (uncertain); met for men → metformin.",
    "lives in awful: lisinopril (not sure); met for men: metformin",
])
def test_reconcile_fixes_listed_on_one_line_are_each_mapped(answer: str) -> None:
    """Fixes listed on one line, parted by semicolons, had the second read as the first's
    note (its span left unchanged, unsaid), and a label before the first ("Fixes: ...")
    made it a fix of words the document does not hold. Each is now a fix of its own."""
    result = reconcile(_clinic(), answer)
    assert [(c.original, c.new, c.span, c.hedged) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0, True), ("met for men", "metformin", 1, False)]
    assert result.warnings == () and result.unchanged == ()
    # a note after a semicolon stays the fix's note
    noted = reconcile(_clinic(), "lives in awful -> lisinopril; please verify")
    assert [(c.new, c.hedged) for c in noted.changes] == [("lisinopril", True)]


def test_reconcile_a_summary_with_a_label_is_no_list_of_fixes() -> None:
    """A colon after words the document holds but does not doubt is a label of the
    answer's own ("Patient: ..."), no fix: such a summary stays no corrected copy."""
    doc = _clinic()
    result = reconcile(doc, "Patient: cough on lisinopril; continue metformin.")
    assert not result.corrected_copy and result.resolved == []


def _clinic() -> Document:
    """The sample clinic note, two spans doubtful."""
    lines = ["Follow up visit for hypertension and type two diabetes.",
             "Patient reports a dry cough since starting lives in awful ten milligrams daily.",
             "Blood pressure today is one thirty two over eighty four.",
             "Continue met for men five hundred milligrams twice a day with meals."]
    doubtful = {(1, 7), (1, 8), (1, 9), (3, 1), (3, 2), (3, 3)}  # (line, word)
    words = [[Word(text=w, confidence=0.2 if (k, i) in doubtful else 0.95)
              for i, w in enumerate(line.split())] for k, line in enumerate(lines)]
    flags = [Flag(reason="near_lexicon", text=text, start=start, end=start + 3, confidence=0.9,
                  candidates=[Candidate(term=term, canonical=term, score=0.9)])
             for text, start, term in [("lives in awful", 16, "lisinopril"),
                                       ("met for men", 33, "metformin")]]
    return Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=k, words=ws) for k, ws in enumerate(words)], flags=flags)


@pytest.mark.parametrize(("words", "threshold"), [
    ([("a -->", None, True), ("\\", None, True)], 0.0),
    ([("0", 0.0, False), (" -->", None, True), ("a", 0.0, True)], 1.0),
])
def test_reconcile_a_document_with_an_arrow_given_back_is_no_list_of_fixes(
        words: list[tuple[str, float | None, bool]], threshold: float) -> None:
    """A document whose words hold an arrow ("a --> \\\\"), its prompt given back, was read
    as a list of fixes, "a" -> "\\\\": the answer keeps the document's words, it is no
    list of fixes."""
    doc = Document(
        source=Source(path="a.wav", sha256="0" * 64, modality="audio", engine="test"),
        segments=[Segment(id=0, words=[
            Word(text=t, confidence=c, space_after=after, start=k * 0.4, end=k * 0.4 + 0.3)
            for k, (t, c, after) in enumerate(words)])])
    for style in STYLES:
        prompt = render(doc, style=style, threshold=threshold, tokenizer="estimate",
                        structure=False, preamble=False)
        assert reconcile(doc, prompt.text, style=style, threshold=threshold).changes == ()


@pytest.mark.parametrize(("words", "answer", "changes"), [
    # a preface line above a changed first word: the change's new text, or a span's
    (["Follow", "up", "visit."], "Here's the cleaned-up note:\nFollow-up visit.",
     [("", "Here's the cleaned-up note:", True, False), ("Follow up", "Follow-up", False, True)]),
    (["Metforrnin", "500", "mg."], "Transcript:\nMetformin 500 mg.",
     [("", "Transcript:", True, False), ("Metforrnin", "Metformin", False, False)]),
    # a closing line below a changed last word
    (["Take", "500", "mg", "metforrnin"], "Take 500 mg metformin\nDone.",
     [("metforrnin", "metformin", False, False), ("", "Done.", True, False)]),
])
def test_reconcile_a_line_added_beside_a_changed_edge_word_is_an_aside(
        words: list[str], answer: str, changes: list[tuple[str, str, bool, bool]]) -> None:
    """A line the answer adds before the document's first word or after its last was part
    of the change of that word when the word changed: "Follow up" -> "Here's the
    cleaned-up note: Follow-up" an over-correction, "Metforrnin" -> "Transcript:
    Metformin" a span's fix naming no suggestion. The line is an aside of its own."""
    doubtful = [w for w in words if "rnin" in w]
    doc = Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=0, words=[Word(text=w, confidence=0.3 if w in doubtful else 0.95)
                                       for w in words])],
        flags=[Flag(reason="near_lexicon", text=w, start=words.index(w),
                    end=words.index(w) + 1, confidence=0.9,
                    candidates=[Candidate(term="metformin", canonical="metformin", score=0.9)])
               for w in doubtful])
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.aside, c.reformatted) for c in result.changes] == changes
    assert all(c.candidate for c in result.resolved)


@pytest.mark.parametrize(("line", "hedged"), [
    ("Metformin 500 mg BID (verify dose)", True),
    ("Metformin 500 mg BID [uncertain]", True),
    ("Metformin 500 mg BID (please confirm).", True),
    ("Metformin 500 mg BID (with meals)", False),  # a note that doubts nothing
    ("Metformin 500 mg TID (verify dose)", False),  # a change of its own between
])
def test_reconcile_a_note_to_check_after_a_fix_on_its_line_hedges_it(line: str,
                                                                      hedged: bool) -> None:
    """An answer that put a note asking to check the line after its fix ("Metformin 500
    mg BID (verify dose)" for "Metformin 5OO mg BID") had the fix read as settled, the
    note an over-correction of its own."""
    doc = _load("discharge")
    answer = doc.text.replace("Metformin 5OO mg BID", line).replace("Lisinoprll", "Lisinopril")
    result = reconcile(doc, answer)
    fix = next(c for c in result.resolved if c.original == "5OO")
    assert (fix.new, fix.hedged) == ("500", hedged)
    assert next(c for c in result.resolved if c.original == "Lisinoprll").hedged is False


@pytest.mark.parametrize(("note", "hedged"), [
    # (the dose is doubted, not the drug's name: "the lisinopril dose")
    ("The lisinopril dose (15 mg) is uncertain; it may have been fifty.", ["15"]),
    ("The lisinopril dose is uncertain; please verify.", ["15"]),
    ("Please verify the dose of lisinopril.", ["15"]),
    ("The spelling of lisinopril and its dose are uncertain.", ["lisinopril"]),
    ("I am not sure about 15.", ["15"]),
    ("Please verify the dose of 15 mg.", ["15"]),
    ("Numbers were written as digits (15, 40). Please verify lisinopril.", ["lisinopril"]),
])
def test_reconcile_a_doubt_said_in_a_note_of_a_dose_hedges_it(note: str,
                                                               hedged: list[str]) -> None:
    """A note that doubted a dose the answer wrote in digits ("The lisinopril dose (15 mg)
    is uncertain") hedged the name beside it, not the dose: a name of fewer than four
    letters, unquoted, was no fix named. A number of two digits or more names it. A name
    said as the drug of a dose ("the lisinopril dose", "the dose of lisinopril") names
    that dose, the fix after it on its line with a number, not the name's fix."""
    doc = _load("dictation")
    answer = _answer().replace("fifteen", "15")
    result = reconcile(doc, f"{answer}\n\n{note}")
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril", "15"]
    assert [c.new for c in result.resolved if c.hedged] == hedged


@pytest.mark.parametrize("shown", ["[{old} → {new}]", "[{old} -> {new}]", "[{old} => {new}]"])
def test_reconcile_a_fix_shown_with_an_arrow_in_brackets_is_the_fix(shown: str) -> None:
    """An answer that showed its fixes in brackets with an arrow ("[met for me →
    metformin]") had the span read as unchanged and the arrow and fix as words inserted
    after it. The fix after the arrow is the span's new text."""
    doc = _load("dictation")
    answer = _answer(med=shown.format(old="met for me", new="metformin"),
                     ace=shown.format(old="lie sin oh pril", new="lisinopril"))
    result = reconcile(doc, answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    own = _text_doc("Titrate [5 -> 10 mg] weekly.")  # the document's own are its text
    assert reconcile(own, own.text).changes == ()


@pytest.mark.parametrize("shown", ["{old} \u2192 {new}", "{old} -> {new}", "{old} \u21d2 {new}",
                                   "**{old}** \u2192 **{new}**"])
def test_reconcile_a_fix_shown_with_an_arrow_in_a_copy_s_line_is_the_fix(shown: str) -> None:
    """An answer that gave the document back with its fixes shown with an arrow in their
    lines ("He takes met for me → metformin 500 milligrams ...") had the arrow and the
    fix read as words inserted after the span, left as it was. Of a line like the
    document's, the words before the arrow likest the words after it are those it
    replaces ("met for me"), or the one word before it ("fifteen → 15")."""
    doc = _load("dictation")
    answer = _answer(med=shown.format(old="met for me", new="metformin"),
                     ace=shown.format(old="lie sin oh pril", new="lisinopril"))
    result = reconcile(doc, answer.replace("fifteen", shown.format(old="fifteen", new="15")))
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril"), ("fifteen", "15")]
    assert result.corrected_copy and not result.warnings
    # a list of the changes after the copy is the answer's own; the document's arrows are
    # its text
    listed = reconcile(doc, f"{_answer()}\n\nChanges:\n{shown.format(old='a', new='b')}")
    assert [c.aside for c in listed.changes] == [False, False, True]
    own = _text_doc("Titrate 5 -> 10 mg weekly.\nThen 10 \u2192 20 mg.")
    assert reconcile(own, own.text).changes == ()


@pytest.mark.parametrize("wrap", [("eighty four. Continue", "eighty four.\nContinue"),
                                  ("twice a day", "twice\na day")])
def test_reconcile_a_copy_wrapped_elsewhere_than_its_lines_is_a_copy(
        wrap: tuple[str, str]) -> None:
    """A corrected copy given as one paragraph wrapped at other places than the
    document's lines ("... met for men five hundred milligrams twice" over "a day with
    meals.") was read as the
    document's last line given alone with a line of the answer's own before it: the
    fixes in that line were lost, the others read as unchanged, with a warning. An
    answer holding half the document's words or more gives more than its fixed lines."""
    fixed = _clinic().text.replace("lives in awful", "lisinopril").replace("met for men",
                                                                             "metformin")
    answer = " ".join(fixed.split("\n")).replace(*wrap)
    result = reconcile(_clinic(), answer)
    assert [(c.original, c.new) for c in result.changes if not c.aside] == [
        ("lives in awful", "lisinopril"), ("met for men", "metformin")]
    assert result.warnings == ()


@pytest.mark.parametrize("style", ["inline", "bracket", None])
def test_reconcile_an_answer_of_the_fixed_lines_alone_reads_the_others_as_they_were(
        style: Style | None) -> None:
    """An answer that gave only the lines it fixed had every other line read as deleted,
    the spans on them among them: "lie sin oh pril" -> "" resolved as a deletion. The
    lines it gives are read in their places, the others as they were, its spans still
    to check, and a warning says so."""
    doc = _load("dictation")
    shown = render(doc, style=style).document.split("\n") if style else None
    line = shown[1] if shown else "He takes met for me 500 milligrams twice daily."
    answer = "Here is the fixed line:\n" + line.replace("met for me", "metformin")
    answer = re.sub(r"<unsure[^>]*>|</unsure>", "", answer)
    answer = re.sub(r"\[(metformin)\?[^\]]*\]", r"\1", answer)
    result = reconcile(doc, answer, style=style)
    assert [(c.original, c.new, c.aside) for c in result.changes] == [
        ("", "Here is the fixed line:", True), ("met for me", "metformin", False)]
    assert [result.spans[i].text for i in result.unchanged] == ["lie sin oh pril", "fifteen"]
    assert result.warnings == ("the answer gives 1 of the document's 5 lines: the others "
                               "are read as unchanged",)
    assert result.kept == 1.0
    # a corrected copy that joined two lines into one is no answer of some lines
    joined = _answer().replace(".\nBlood", ". Blood")
    assert reconcile(doc, joined).warnings == ()


@pytest.mark.parametrize(("written", "new"), [
    ("fifteen (possibly fifty)", "fifteen (possibly fifty)"),
    ('<unsure p="0.38">fifteen or fifty</unsure>', "fifteen or fifty"),
    ("fifteen (?)", "fifteen (?)"),
])
def test_reconcile_a_doubt_written_after_a_span_kept_is_its_change(written: str,
                                                                   new: str) -> None:
    """An answer that kept a span's words and wrote its doubt of them right after
    ("fifteen (possibly fifty)", "fifteen or fifty" in the span's tag) had the span read
    as left unchanged and the doubt as words it added of its own, an over-correction.
    The doubt is the span's change, hedged; words added that doubt nothing stay apart."""
    doc = _load("dictation")
    result = reconcile(doc, _answer().replace("fifteen", written))
    assert [(c.original, c.new, c.hedged, c.span) for c in result.changes][2:] == [
        ("fifteen", new, True, 2)]
    assert result.unchanged == () and not result.overcorrections
    plain = reconcile(doc, _answer().replace("fifteen", "fifteen daily"))
    assert [c.new for c in plain.overcorrections] == ["daily"] and plain.unchanged == (2,)


def test_reconcile_a_table_with_a_column_of_times_is_read_without_them() -> None:
    """An answer that set a recording's transcript out as a table with its times in a
    column ("| 00:04.2 | He takes metformin ... |") had each time reported as a word
    inserted, the header joined to the first: "Time Text 00:00.0". A cell that holds a
    time alone is no word (unless the document says it); the header is an aside."""
    doc = _load("dictation")
    rows = "\n".join(f"| {stamp} | {line} |" for stamp, line in zip(
        ["00:00.0", "00:04.2", "[00:08.9]", "00:14.1", "00:17.6"], _answer().split("\n"),
        strict=True))
    result = reconcile(doc, f"| Time | Text |\n|------|------|\n{rows}")
    assert [(c.original, c.new, c.aside) for c in result.changes] == [
        ("", "Time Text", True), ("met for me", "metformin", False),
        ("lie sin oh pril", "lisinopril", False)]
    own = _text_doc("Seen at 10:30 for review.")
    assert reconcile(own, "| 10:30 | Seen at for review. |").overcorrections[0].new == "10:30"


def test_reconcile_cleans_a_plain_answer_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading an answer with no markup, no escapes and no list of fixes cleaned it three
    times over (each reading tried, and a look for fixes listed as text): reconcile of a
    long transcript took half as long again. It is cleaned once."""
    import sys

    module = sys.modules["uncertain.reconcile"]  # (the package's "reconcile" is the function)
    calls: list[str | None] = []
    real = module._clean_as

    def counted(answer: str, found: Any, document_text: str) -> str:
        calls.append(found)
        return real(answer, found, document_text)

    monkeypatch.setattr(module, "_clean_as", counted)
    doc = _load("dictation")
    assert [c.new for c in reconcile(doc, _answer()).resolved] == ["metformin", "lisinopril"]
    assert calls == [None]


@pytest.mark.parametrize("answer", [
    '- "met for me" → "metformin". I\'m fairly confident but please verify.\n'
    '- "lie sin oh pril" → "lisinopril". Clear from context.',
    "1. met for me -> metformin. I'm fairly confident, but please verify.\n"
    "2. lie sin oh pril -> lisinopril; clear from the drug class.",
    '- **met for me** → **metformin** - not sure, please check\n'
    '- **lie sin oh pril** → **lisinopril**: certain',
])
def test_reconcile_a_note_after_a_listed_fix_is_no_part_of_it(answer: str) -> None:
    """A list of fixes whose item went on after the fix with a sentence of its own
    ('"metformin". I'm fairly confident but please verify.') had the fix read as
    'metformin".' and the sentence as words inserted into the document, an
    over-correction, and its doubt hedged nothing. The fix is the words quoted, or up to
    a sentence, a semicolon or a dash of the note's; the note's doubt hedges it."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, True), ("lie sin oh pril", "lisinopril", True, False)]
    assert result.text == _answer()


@pytest.mark.parametrize(("notes", "hedged"), [
    ('Changes:\n- "met for me" → "metformin". I\'m fairly confident but please verify.\n'
     '- "lie sin oh pril" → "lisinopril".', ["metformin"]),
    ('I changed "met for me" to metformin. I\'m not sure of it, please verify.',
     ["metformin"]),
    ("I changed met for me to metformin and lie sin oh pril to lisinopril. Please verify.",
     ["metformin", "lisinopril"]),
    # a doubt that names a fix is of that fix alone
    ("I changed met for me to metformin. Please verify lisinopril.", ["lisinopril"]),
    # a line of its own doubts no fix named on another
    ("I changed met for me to metformin.\nPlease review the rest.", []),
])
def test_reconcile_a_doubt_after_a_fix_named_on_its_line_hedges_it(
        notes: str, hedged: list[str]) -> None:
    """A note that named a fix in one sentence and doubted it in the next, without
    naming it again ("- \\"met for me\\" → \\"metformin\\". I'm fairly confident but
    please verify."), hedged nothing. Such a doubt, naming no fix of its own, is of the
    fixes named before it on its line (a list's item, a paragraph)."""
    result = reconcile(_load("dictation"), f"{_answer()}\n\n{notes}")
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.resolved if c.hedged] == hedged


@pytest.mark.parametrize(("header", "note"), [
    ("| Original | Corrected | Confidence |", "medium, please verify"),
    ("| # | Original text | Corrected text | Notes |", "not sure"),
    ("Original | Suggested | Reason", "possibly lisinopril (verify)"),
    ("| Heard | Likely intended | Comment |", "uncertain"),
    ("| Uncertain text | Most likely | Confidence |", "Low"),
    ("| Flagged word | Best guess | Confidence |", "low"),
])
def test_reconcile_an_answer_of_a_table_of_fixes_is_mapped(header: str, note: str) -> None:
    """An answer that gave its fixes as a Markdown table ("| Original | Corrected |
    Confidence |") was read as a corrected copy: every line of the document replaced by
    the table's cells, "fifteen" -> "lisinopril" among them, the spans left unchanged.
    Each row is a fix made where the document holds its words, its other cells notes
    whose doubt hedges it, as a JSON list of fixes is. The columns named as a prompt's
    doubtful words are ("Uncertain text", "Flagged word"), and their fix's ("Most
    likely", "Best guess"; those had left the table unread)."""
    doc = _load("dictation")
    columns = header.strip("| ").split(" | ")
    rows = [["met for me", "metformin", "high"], ["`lie sin oh pril`", "**lisinopril**", note]]
    if columns[0] == "#":
        rows = [[str(k + 1), *row] for k, row in enumerate(rows)]
    table = "\n".join([header, "|" + "---|" * len(columns),
                       *("| " + " | ".join(row) + " |" for row in rows)])
    result = reconcile(doc, f"Here are the corrections:\n\n{table}\n")
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.text == _answer() and result.kept == 1.0
    # a corrected copy with such a table after it is read as the copy
    copied = reconcile(doc, f"{_answer()}\n\n{table}")
    assert [c.new for c in copied.resolved] == ["metformin", "lisinopril"]
    assert not copied.overcorrections


def _said(lines: list[str], doubtful: str, term: str) -> Document:
    """A recording of ``lines``, each word half a second, ``doubtful`` flagged with ``term``
    suggested."""
    segments, t = [], 0.0
    for k, line in enumerate(lines):
        words = []
        for w in line.split():
            words.append(Word(text=w, confidence=0.3 if w == doubtful else 0.95, start=t,
                              end=t + 0.4))
            t += 0.5
        segments.append(Segment(id=k, words=words, start=words[0].start, end=words[-1].end))
    at = [w.text for s in segments for w in s.words].index(doubtful)
    return Document(
        source=Source(path="a.wav", sha256="0" * 64, modality="audio", engine="test"),
        segments=segments,
        flags=[Flag(reason="near_lexicon", text=doubtful, start=at, end=at + 1, confidence=0.9,
                    candidates=[Candidate(term=term, canonical=term, score=0.9)])])


@pytest.mark.parametrize(("before", "after"), [
    ("Here is the corrected discharge summary:\n\n", ""),
    ("Sure, here is the discharge summary.\n", ""),
    ("Discharge summary (corrected):\n\n", ""),
    ("**Corrected discharge summary**\n\n", ""),
    ("", "\n\nLet me know if you want the follow up in two weeks changed."),
])
def test_reconcile_a_line_of_the_answers_like_the_documents_first_is_an_aside(
        before: str, after: str) -> None:
    """A line the answer put above the document whose last words are like the document's
    first line's ("Here is the corrected discharge summary:" above "Discharge summary.")
    had that line paired with them: "Here is the corrected" an insertion at the start,
    and the document's first line itself read as words inserted after it, at its last
    word's time. The document begins at the line most like its first; the line before is
    an aside. A closing line like its last alike."""
    doc = _said(["Discharge summary.", "Continue metforrnin 500 mg twice daily.",
                 "Follow up in two weeks."], "metforrnin", "metformin")
    body = doc.text.replace("metforrnin", "metformin")
    result = reconcile(doc, before + body + after)
    assert [(c.original, c.new, c.start) for c in result.resolved] == [
        ("metforrnin", "metformin", 1.5)]
    assert not result.overcorrections
    assert [c.new for c in result.asides] == [(before + after).strip(" \n*").replace(
        "**", "").replace(" (corrected)", "")]
    # a first or last line the answer drops is a deletion still, not an answer's line
    dropped = reconcile(doc, body.split("\n", 1)[1])
    assert [(c.original, c.new) for c in dropped.overcorrections] == [("Discharge summary.", "")]


def test_reconcile_a_preface_naming_the_first_lines_fix_is_no_part_of_it() -> None:
    """A preface that ended with the fixed first line's words ("... where I fixed continue
    metformin:") had them read as the span's fix: "metforrnin" -> "metformin: Continue
    metformin"."""
    doc = _said(["Continue metforrnin 500 mg twice daily.", "Follow up in two weeks."],
                "metforrnin", "metformin")
    body = doc.text.replace("metforrnin", "metformin")
    result = reconcile(doc, f"Here is the note, where I fixed continue metformin:\n\n{body}")
    assert [(c.original, c.new, c.aside) for c in result.changes] == [
        ("", "Here is the note, where I fixed continue metformin:", True),
        ("metforrnin", "metformin", False)]


@pytest.mark.parametrize("listed", [
    "Changes:\n- met for me \u2192 metformin\n- lie sin oh pril \u2192 losartan",
    'Changes made:\n1. "met for me" was corrected to "metformin"\n'
    '2. "lie sin oh pril" was corrected to "losartan"',
])
def test_reconcile_a_list_of_fixes_beside_the_copy_that_says_otherwise_is_warned(
        listed: str) -> None:
    # the copy's "lisinopril" won silently over the list's "losartan"
    result = reconcile(_load("dictation"), f"{_answer()}\n\n{listed}")
    assert [(c.original, c.new, c.hedged) for c in result.changes if not c.aside] == [
        ("met for me", "metformin", False), ("lie sin oh pril", "lisinopril", True)]
    assert result.warnings == (
        "the answer's copy gives 'lisinopril' for 'lie sin oh pril' where its list of "
        "fixes gives 'losartan': the copy's fix is marked hedged, to check",)
    # a list before the copy; a span the copy left as it was and the list fixes
    result = reconcile(_load("dictation"), f"{listed}\n\n{_answer(ace='lie sin oh pril')}")
    assert [(c.original, c.new, c.hedged) for c in result.changes if not c.aside] == [
        ("met for me", "metformin", False)]
    assert [result.spans[k].text for k in result.unchanged] == ["lie sin oh pril", "fifteen"]
    assert result.warnings == (
        "the answer's copy keeps 'lie sin oh pril' where its list of fixes gives "
        "'losartan': the span is read as the copy has it, to check",)
    # a list that agrees with the copy, written otherwise or said the same, says nothing
    agrees = ("Changes:\n- met for me \u2192 Metformin\n- lie sin oh pril \u2192 lisinopril\n"
              "- fifteen \u2192 unchanged")
    result = reconcile(_load("dictation"), f"{_answer()}\n\n{agrees}")
    assert [(c.original, c.new, c.hedged) for c in result.changes if not c.aside] == [
        ("met for me", "metformin", False), ("lie sin oh pril", "lisinopril", False)]
    assert result.warnings == ()
    said = reconcile(_load("dictation"), _answer().replace("fifteen", "15")
                     + "\n\nChanges:\n- lie sin oh pril \u2192 lisinopril\n"
                     "- fifteen \u2192 unchanged")
    assert [(c.original, c.new) for c in said.changes if c.span == 2] == [("fifteen", "15")]
    assert said.warnings == ()


def test_reconcile_a_note_after_a_fix_listed_beside_the_copy_is_no_other_reading() -> None:
    # the note after the fix's words was read as the list's reading: "lisinopril, which
    # fit ..." is not "lisinopril", and the copy's fix was warned of and hedged
    explained = ('I changed "met for me" to metformin and "lie sin oh pril" to lisinopril, '
                 "which fit the context of diabetes and blood pressure.")
    result = reconcile(_load("dictation"), f"{_answer()}\n\n{explained}")
    assert [(c.original, c.new, c.hedged) for c in result.changes if not c.aside] == [
        ("met for me", "metformin", False), ("lie sin oh pril", "lisinopril", False)]
    assert result.warnings == ()
    other = explained.replace("to lisinopril", "to losartan")
    assert len(reconcile(_load("dictation"), f"{_answer()}\n\n{other}").warnings) == 1


@pytest.mark.parametrize(("lines", "answer", "deleted"), [
    (["Take metforrnin 500 mg daily.", "Stop aspirin."], "Take metformin 500 mg daily.",
     ["Stop aspirin."]),
    (["Take metforrnin 500 mg daily.", "Stop aspirin.", "BP is fine.", "No rash.",
      "Follow up in a month."], "Take metforrnin 500 mg daily.\nBP is fine.",
     ["Stop aspirin.", "No rash. Follow up in a month."]),
])
def test_reconcile_a_line_dropped_of_a_few_is_deleted(lines: list[str], answer: str,
                                                      deleted: list[str]) -> None:
    """An answer that left one line of a two-line document out ("Stop aspirin.") was read
    as giving only the line it fixed, the other kept, with a warning: the deletion was
    not reported. So was one that gave some lines back as they were. An answer of the
    fixed lines alone now leaves two lines out at least and changes one of those it
    gives; a line dropped otherwise is deleted."""
    doc = Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=k, words=[Word(text=w, confidence=0.2 if "rnin" in w else 0.95)
                                       for w in line.split()])
                  for k, line in enumerate(lines)])
    result = reconcile(doc, answer)
    # (not read as the fixed lines alone; three lines of five dropped keep under half the
    # words: no corrected copy, which the one warning says)
    assert not any(w.startswith("the answer gives") for w in result.warnings)
    assert len(result.warnings) == (0 if result.corrected_copy else 1)
    assert [(c.original, c.new) for c in result.changes if c.kind == "delete"] == [
        (text, "") for text in deleted]


@pytest.mark.parametrize(("line", "written", "original", "new"), [
    ("Take metformin 500 mg PO daily.", "Take metformin 500 mg by mouth once daily.",
     "PO daily.", "by mouth once daily."),
    ("Take metformin 500 mg once daily.", "Take metformin 500 mg daily.",
     "once daily.", "daily."),
    ("Take metformin daily with food.", "Take metformin once daily with food.",
     "daily", "once daily"),
])
def test_reconcile_directions_spelled_out_with_a_kept_word_are_reformatted(
        line: str, written: str, original: str, new: str) -> None:
    """An answer that spelled out "PO daily" as "by mouth once daily" had "daily" read as
    kept and "PO" -> "by mouth once" reported as an over-correction: the words it says
    are those of "PO daily" (the same directions), but "once" was laid on "PO". The
    change is taken with the kept words beside it that say the same together: "PO daily"
    -> "by mouth once daily", reformatted. A direction changed is still changed."""
    doc = _text_doc(f"{line}\nFollow up.")
    result = reconcile(doc, f"{written}\nFollow up.")
    assert [(c.original, c.new) for c in result.reformatted] == [(original, new)]
    assert not result.overcorrections and result.kept == 1.0
    other = reconcile(doc, f"{line.replace('daily', 'twice daily')}\nFollow up.")
    assert [(c.original, c.new) for c in other.overcorrections] == [("", "twice")]


@pytest.mark.parametrize(("note", "fifteen", "hedged"), [
    ("(verify dose)", "fifteen", []),  # the dose left as it was: a span still to check
    ("(verify dose)", "15", ["15"]),
    ("[check the dosage]", "15", ["15"]),
    ("(verify drug name and dose)", "15", ["15"]),  # the last fix before it
    ("(verify spelling)", "fifteen", ["lisinopril"]),
    ("(please verify)", "fifteen", ["lisinopril"]),
])
def test_reconcile_a_note_of_the_dose_hedges_the_fix_of_a_number(
        note: str, fifteen: str, hedged: list[str]) -> None:
    """A note asking to check the dose after the line's fixes ("lisinopril fifteen
    milligrams (verify dose)") hedged the name fixed before it, though the dose was left
    as it was (a span still to check) and the name is not what it doubts. A note of the
    dose alone hedges the line's last fix that holds a number, or none."""
    answer = _answer().replace("fifteen milligrams.", f"{fifteen} milligrams {note}.")
    result = reconcile(_load("dictation"), answer)
    assert [c.new for c in result.resolved if c.hedged] == hedged


def test_reconcile_a_listed_fix_of_confident_words_is_an_overcorrection() -> None:
    """A list of fixes that also changes a confident word it was not asked about, held
    once by the document ("atorvastatin" -> "rosuvastatin"), is made there and reported
    as what it is, an over-correction at that word's time; the span it left out of the
    list is still to check."""
    doc = _load("dictation")
    result = reconcile(doc, '- "met for me" → "metformin"\n- "atorvastatin" → "rosuvastatin"')
    assert [(c.original, c.new) for c in result.resolved] == [("met for me", "metformin")]
    assert [(c.original, c.new, c.start) for c in result.overcorrections] == [
        ("atorvastatin", "rosuvastatin", 14.66)]
    assert [result.spans[i].text for i in result.unchanged] == ["lie sin oh pril", "fifteen"]


def test_reconcile_lines_reordered_with_one_dropped_are_read_in_order() -> None:
    """An answer that gave the document's lines in another order and dropped one had the
    moved line read as deleted where it stood and added before the first: "met for me"
    reported deleted, its fix an aside. The lines it gives, each once, more than half of
    them, are read in the document's order; the line it dropped is deleted."""
    doc = _load("dictation")
    lines = _answer().split("\n")
    result = reconcile(doc, "\n".join([lines[1], lines[0], lines[2], lines[4]]))
    assert result.reordered
    assert [(c.original, c.new) for c in result.resolved] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [(c.original, c.new) for c in result.overcorrections] == [
        ("Continue atorvastatin 40 at night.", "")]
    assert not result.asides
    # a line dropped, the others in order: no move
    kept = reconcile(doc, "\n".join([lines[0], lines[1], lines[2], lines[4]]))
    assert not kept.reordered and len(kept.overcorrections) == 1


@pytest.mark.parametrize(("note", "hedged"), [
    ("Remarque : je ne suis pas sûr de « lisinopril », veuillez vérifier.", ["lisinopril"]),
    ("Nota: no estoy seguro de lisinopril; por favor, verificar.", ["lisinopril"]),
    ("Hinweis: Bei lisinopril bin ich mir nicht sicher, bitte prüfen.", ["lisinopril"]),
    ("Nota: lisinopril è incerto.", ["lisinopril"]),
    ("Remarque : lisinopril corrigé d'après le contexte.", []),  # no doubt said
])
def test_reconcile_a_doubt_in_a_note_in_another_language_hedges_the_fix(
        note: str, hedged: list[str]) -> None:
    """An answer that kept the document in English but wrote its note in the language it
    was asked in ("je ne suis pas sûr de « lisinopril », veuillez vérifier") had the
    doubt read as none: the fix it names was settled. The words of doubt and of a plea to
    check in French, Spanish, German, Italian and Portuguese say it too."""
    result = reconcile(_load("dictation"), f"Voici la transcription :\n\n{_answer()}\n\n{note}")
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.resolved if c.hedged] == hedged


@pytest.mark.parametrize(("lines", "answer", "change"), [
    (["Take aspirin 81 mg daily.", "Take metforrnin 500 mg daily.",
      "Take atorvastatin 40 mg daily."],
     "Take metformin 500 mg daily.\nTake atorvastatin 40 mg daily.",
     ("Take aspirin 81 mg daily.", "", 0.0, 2.4)),
    (["Take metforrnin 500 mg daily.", "Take atorvastatin 40 mg daily.",
      "Take aspirin 81 mg daily."],
     "Take metformin 500 mg daily.\nTake aspirin 81 mg daily.",
     ("Take atorvastatin 40 mg daily.", "", 2.5, 4.9)),
    (["Take metforrnin 500 mg daily.", "Take atorvastatin 40 mg daily."],
     "Take metformin 500 mg daily.\nTake aspirin 81 mg daily.\nTake atorvastatin 40 mg daily.",
     ("", "Take aspirin 81 mg daily.", 2.4, 2.5)),
])
def test_reconcile_a_line_deleted_or_added_among_alike_lines_is_that_line(
        lines: list[str], answer: str, change: tuple[str, str, float, float]) -> None:
    """A line the answer dropped between lines that begin alike ("Take ...") was read
    as "aspirin 81 mg daily. Take" deleted: the next line's first word for the line's
    own, the times shifted by a word. A run deleted or inserted beside a word kept as
    it was is moved, where it may be, to begin a line."""
    doc = _said(lines, "metforrnin", "metformin")
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.resolved] == [("metforrnin", "metformin")]
    assert [(c.original, c.new, c.start, c.end) for c in result.overcorrections] == [change]


@pytest.mark.parametrize("answer", [
    '- "met for me" should be "metformin"\n- "lie sin oh pril" should be "lisinopril" '
    "(not sure)",
    "Corrections:\n1. Replaced 'met for me' with 'metformin'.\n"
    "2. Replaced 'lie sin oh pril' with 'lisinopril', though this is uncertain.",
    'I changed **"met for me"** to **"metformin"**.\n'
    'I changed **"lie sin oh pril"** to **"lisinopril"** - please verify.',
])
def test_reconcile_an_answer_listing_its_fixes_in_words_is_mapped(answer: str) -> None:
    """An answer that listed its fixes in words, both parts quoted ('"met for me" should be
    "metformin"', "Replaced 'met for me' with 'metformin'."), was read as a corrected
    copy: the document's lines replaced by the list's, the doubtful "fifteen" reported
    deleted. Each is a fix as an arrow's is, what follows it on its line its note."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.kept == 1.0 and result.warnings == ()


@pytest.mark.parametrize("answer", [
    "s/met for me/metformin/\ns/lie sin oh pril/lisinopril/ (not sure)",
    "```sed\ns/met for me/metformin/g\ns|lie sin oh pril|lisinopril|  # please verify\n```",
    "Substitutions:\n- `s/met for me/metformin/`\n- `s/lie sin oh pril/lisinopril/` (unsure)",
])
def test_reconcile_fixes_written_as_sed_commands_are_mapped(answer: str) -> None:
    """Fixes written as sed commands ("s/met for me/metformin/") were read as a summary:
    no corrected copy, no span resolved. Each is a fix, its words read between the first
    two delimiters and its fix between the last two, what follows it its note."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()


def test_reconcile_a_copy_saying_status_post_is_no_sed_command() -> None:
    """A corrected copy whose line opens with "s/p" (status post), a slash after it, is
    the copy, no sed command."""
    doc = _text_doc("s/p knee replacement/ doing well.\nTakes met for me daily.")
    result = reconcile(doc, "s/p knee replacement/ doing well.\nTakes metformin daily.")
    assert [(c.original, c.new) for c in result.changes] == [("met for me", "metformin")]
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("answer", [
    '- metformin instead of "met for me"\n- lisinopril instead of "lie sin oh pril" (unsure)',
    "Use metformin rather than met for me.\n"
    "Use lisinopril instead of lie sin oh pril (please verify).",
    '1. **metformin** in place of *met for me*\n2. "lisinopril", instead of "lie sin oh pril" '
    "- probably",
])
def test_reconcile_a_fix_given_before_the_words_it_replaces_is_mapped(answer: str) -> None:
    """Fixes listed new words first, "metformin instead of 'met for me'", were read as a
    summary: no corrected copy, no span resolved. Each is a fix where the document
    doubts the words after "instead of" ("rather than", "in place of")."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("answer", [
    "Likely: metformin (for 'met for me'), lisinopril (for 'lie sin oh pril').",
    "- metformin (was: met for me)\n- lisinopril (not lie sin oh pril)",
    "1. **metformin** [transcribed as *met for me*]\n2. lisinopril (from lie sin oh pril)",
])
def test_reconcile_a_fix_given_before_the_words_it_replaces_in_brackets_is_mapped(
        answer: str) -> None:
    """Fixes listed new words first and the words read in brackets after them, named as
    such ("metformin (for 'met for me')", "(was: ...)", "(not ...)", "[transcribed as
    ...]"), were read as a summary: no corrected copy, no span resolved. Each is a fix
    where the document doubts the words in brackets; a note of the answer's own in
    brackets ("metformin (for diabetes)") is none."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.corrected_copy and result.warnings == ()
    summary = reconcile(_load("dictation"), "- metformin (for diabetes)\n"
                                            "- lisinopril (for blood pressure)")
    assert not summary.corrected_copy and not summary.resolved


def test_reconcile_a_document_line_saying_instead_of_is_the_line() -> None:
    """A line of the document's given with a fix in it ("He takes metformin instead of
    met for me 500 milligrams ...") is that line, no fix of "met for me 500 milligrams
    twice daily" by "He takes metformin"."""
    result = reconcile(_load("dictation"), "He takes metformin instead of met for me 500 "
                                           "milligrams twice daily.")
    assert all(c.new != "He takes metformin" for c in result.changes)
    assert result.warnings[0].startswith("the answer gives 1 of the document's 5 lines")


@pytest.mark.parametrize("answer", [
    'Line 2, "met for me": should be "metformin".\nLine 3, "lie sin oh pril": should be '
    '"lisinopril" (unsure).',
    "- In line 2: 'met for me' should read 'metformin'\n"
    "- Line 3 - 'lie sin oh pril': probably 'lisinopril'",
    "met for me: should be metformin\nlie sin oh pril: should probably be lisinopril",
])
def test_reconcile_a_fix_naming_its_line_first_is_mapped(answer: str) -> None:
    """A listed fix that named its line first ('Line 2, "met for me": should be
    "metformin"') was read as a summary, and one with a colon before "should be" had
    "should be metformin" for its fix. The line's place is no part of the words read, and
    the verb after the colon none of the fix (its hedge doubts it)."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()


def test_reconcile_a_note_naming_a_line_is_no_fix() -> None:
    """A note that names a line and fixes nothing ("In line 2, the dose is unclear.") is
    no list of fixes: no corrected copy."""
    result = reconcile(_load("dictation"), "In line 2, the dose is unclear: please check it.")
    assert not result.corrected_copy and result.resolved == []


@pytest.mark.parametrize("answer", [
    '### Fix 1\n"met for me" → "metformin"\n### Fix 2\n"lie sin oh pril" → "lisinopril" (unsure)',
    "**Fix 1**\n- met for me -> metformin\n\n**Fix 2**\n- lie sin oh pril -> lisinopril "
    "(please verify)\n\nFix 3:\n**fifteen → fifteen (unchanged)**",
    "### Fix 1\n**Original:** met for me\n**Corrected:** metformin\n\n"
    "### Fix 2\n**Original:** lie sin oh pril\n**Corrected:** lisinopril",
    "## Fix 1\nOriginal:\n```\nHe takes met for me 500 milligrams twice daily.\n```\n"
    "Corrected:\n```\nHe takes metformin 500 milligrams twice daily.\n```\n\n"
    "## Fix 2\nOriginal:\n```\nBlood pressure is managed with lie sin oh pril fifteen "
    "milligrams.\n```\nCorrected:\n```\nBlood pressure is managed with lisinopril fifteen "
    "milligrams.\n```",
])
def test_reconcile_fixes_each_under_a_heading_of_their_own_are_mapped(answer: str) -> None:
    """Fixes each under a heading of the answer's own ("### Fix 1", "**Fix 2**", "Fix
    3:") were read as a summary, or the next fix's heading, or the code block a part was
    set in, read as words of a fix. Such headings are no part of the fixes, the blocks'
    fences none of their words; a line wholly in bold that holds a fix is that fix."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False),
        ("lie sin oh pril", "lisinopril", True, "Original" not in answer)]
    assert result.corrected_copy and result.warnings == ()


def _sectioned() -> Document:
    """A note in sections ("Medications:"), its "met for men" doubtful."""
    lines = ["History:", "Type two diabetes, stable.", "Medications:",
             "Continue met for men five hundred milligrams twice a day.", "Plan:",
             "Recheck kidney function in three months."]
    words = [[Word(text=w, confidence=0.2 if k == 3 and i in (1, 2, 3) else 0.95)
              for i, w in enumerate(line.split())] for k, line in enumerate(lines)]
    return Document(
        source=Source(path="x.txt", sha256="0" * 64, modality="text", engine="text"),
        segments=[Segment(id=k, words=ws) for k, ws in enumerate(words)],
        flags=[Flag(reason="near_lexicon", text="met for men", start=7, end=10, confidence=0.9,
                    candidates=[Candidate(term="metformin", canonical="metformin", score=0.9)])])


@pytest.mark.parametrize("answer", [
    "Medications:\n- met for men -> metformin",
    '## Medications\n- "met for men" → "metformin"',
    "**Medications**\n1. met for men should be metformin\n\nPlan:\nNo change.",
])
def test_reconcile_fixes_listed_under_the_document_s_heading_are_mapped(answer: str) -> None:
    """Fixes listed under a heading the document holds ("Medications:", its section)
    were read as a copy of the document, its other lines deleted: no corrected copy, no
    span resolved. A heading is no line given fixed: the fixes are mapped."""
    result = reconcile(_sectioned(), answer)
    assert [(c.original, c.new) for c in result.changes] == [("met for men", "metformin")]
    assert result.corrected_copy and result.warnings == ()
    # a copy of the note, its headings too, stays a copy
    copy = reconcile(_sectioned(), _sectioned().text.replace("met for men", "metformin"))
    assert [(c.original, c.new) for c in copy.changes] == [("met for men", "metformin")]
    assert copy.corrected_copy and copy.kept == 1.0


@pytest.mark.parametrize("answer", [
    "Correcciones:\n- «met for me» debería ser «metformin»\n"
    "- «lie sin oh pril» debería ser «lisinopril» (no estoy seguro)",
    "« met for me » devrait être « metformin »\n« lie sin oh pril » devrait être "
    "« lisinopril » (à vérifier)",
    "„met for me“ sollte „metformin“ sein\n„lie sin oh pril“ sollte „lisinopril“ lauten "
    "(unsicher)",
    '"met for me" dovrebbe essere "metformin"\n"lie sin oh pril" dovrebbe essere '
    '"lisinopril" (da verificare)',
])
def test_reconcile_a_fix_said_in_another_language_is_mapped(answer: str) -> None:
    """A list of fixes said in another language, both parts quoted ("«met for me»
    debería ser «metformin»"), was read as a summary: no corrected copy, no span
    resolved. Each is a fix as '"met for me" should be "metformin"' is; a doubt in the
    note after it hedges it."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()
    # (a note that quotes the words and fixes nothing is no fix)
    assert not reconcile(_load("dictation"), "«met for me» es un error.").corrected_copy


@pytest.mark.parametrize("answer", [
    "1. met for me → metformin\n   Explanation: a common diabetes medication.\n"
    "2. lie sin oh pril → lisinopril\n   Explanation: an ACE inhibitor, though I am unsure.",
    "- met for me -> metformin\n  - reason: first-line for type 2 diabetes\n"
    "- lie sin oh pril -> lisinopril\n  - reason: blood pressure\n  - please verify",
    "Corrections:\n\tmet for me: metformin\n\t\tfits the dose\n\tlie sin oh pril: lisinopril\n"
    "\t\tunsure\nNothing else changed.",
])
def test_reconcile_a_note_set_in_under_a_listed_fix_is_its_note(answer: str) -> None:
    """A list of fixes with a line of explanation set in under each ("1. a → b" over
    "   Explanation: ..."), or bullets of reasons nested under it, was read as a
    summary: no corrected copy, no span resolved. A line set in deeper under a fix's is
    that fix's note; a doubt in it hedges the fix."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()
    # (a fix set in under another is a fix of its own)
    nested = reconcile(_load("dictation"), "- met for me -> metformin\n"
                                           "  - lie sin oh pril -> lisinopril")
    assert [c.new for c in nested.changes] == ["metformin", "lisinopril"]


@pytest.mark.parametrize("answer", [
    "✅ met for me → metformin\n✅ lie sin oh pril → lisinopril (please verify)\n"
    "⚠️ Please double-check the doses.",
    "👉 'met for me' should be 'metformin'\n👉 'lie sin oh pril' should be 'lisinopril' "
    "(unsure)",
    "► met for me: metformin\n► lie sin oh pril: lisinopril [verify]",
    "met for me → metformin ✅\nlie sin oh pril → lisinopril ⚠️ (verify)",
    "- met for me: metformin 👍\n- lie sin oh pril: lisinopril (not sure) ❓",
])
def test_reconcile_fixes_listed_after_symbols_are_mapped(answer: str) -> None:
    """A list of fixes whose bullets were symbols or emoji ("✅ met for me →
    metformin") had each fix's words read with the symbol ("✅ met for me"), words the
    document does not hold: no fix mapped. A symbol and a space opening the line are
    its bullet; after the fix ("→ metformin ✅"), they are its note (they had been part
    of the fix)."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()
    # (a copy of a document whose lines open with symbols is its copy)
    doc = _text_doc("★ Takes met for me daily.\n★ Blood pressure fine.\n★ Recheck in June.")
    copy = reconcile(doc, doc.text.replace("met for me", "metformin"))
    assert [(c.original, c.new) for c in copy.changes] == [("met for me", "metformin")]
    assert copy.corrected_copy and copy.warnings == ()


@pytest.mark.parametrize("answer", [
    "The transcript looks correct except: met for me = metformin, lie sin oh pril = "
    "lisinopril (unsure).",
    "Everything else is fine apart from these two: 'met for me' should be 'metformin', and "
    "'lie sin oh pril' should be 'lisinopril' (please verify).",
])
def test_reconcile_fixes_after_words_of_the_answer_s_and_a_colon_are_mapped(
        answer: str) -> None:
    """Fixes on a line after a sentence of the answer's own and a colon ("The transcript
    looks correct except: met for me = metformin, ...") were read as a summary: no
    corrected copy, no span resolved. The words before the colon are no part of the
    first fix."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, True)]
    assert result.corrected_copy and result.warnings == ()
    # (a sentence and a colon before words that fix nothing are a summary's)
    summary = reconcile(_load("dictation"), "In short: he takes metformin and lisinopril.")
    assert not summary.corrected_copy


@pytest.mark.parametrize("heading", ["Corrections (original → corrected):",
                                     "**Fixes (heard -> meant):**", "Format: old = new:"])
def test_reconcile_a_heading_with_an_arrow_over_fixes_is_no_fix(heading: str) -> None:
    """A heading over a list of fixes that showed the list's form with an arrow
    ("Corrections (original → corrected):") was read as a fix of words the document
    does not hold, warned of. A line ending in a colon heads what follows: no fix."""
    answer = f"{heading}\n(1) met for me → metformin\n(2) lie sin oh pril → lisinopril"
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.warnings == ()


def test_reconcile_a_listed_fix_of_a_misreading_said_several_times_fixes_each() -> None:
    """A list of fixes that named a misreading the document holds in several doubtful
    spans ("met for men", said twice) once, or once for each place, was not mapped: a
    warning for each, every span left unchanged. Each place that is a doubtful span's
    words whole (its end mark apart) is fixed; the same fix listed again is no
    overlap."""
    lines = ["Continue met for men 500 mg daily.", "Blood pressure is fine.",
             "Restart met for men."]
    words = [Word(text=w, confidence=0.2 if w in {"met", "for", "men", "men."} else 0.95)
             for line in lines for w in line.split()]
    cut = [0, 7, 11, 15]
    flags = [Flag(reason="near_lexicon", text="met for men", start=start, end=start + 3,
                  confidence=0.9, candidates=[Candidate(term="metformin", canonical="metformin",
                                                        score=0.9)])
             for start in (1, 12)]
    doc = Document(source=Source(path="x.txt", sha256="0" * 64, modality="text",
                                 engine="text"),
                   segments=[Segment(id=k, words=words[cut[k]:cut[k + 1]]) for k in range(3)],
                   flags=flags)
    for answer in ('- "met for men" → "metformin"',
                   '- "met for men" → "metformin"\n- "met for men" → "metformin"'):
        result = reconcile(doc, answer)
        assert [(c.original, c.new, c.word_start) for c in result.resolved] == [
            ("met for men", "metformin", 1), ("met for men.", "metformin.", 12)]
        assert result.warnings == () and result.unchanged == ()


@pytest.mark.parametrize(("med", "ace"), [
    ("<corrected>metformin</corrected>", "<corrected>lisinopril</corrected>"),
    ('<fix from="met for me">metformin</fix>', "<fix original='lie sin oh pril'>lisinopril</fix>"),
    ("<mark>metformin</mark>", "<b>lisinopril</b>"),
])
def test_reconcile_tags_of_the_answers_own_making_are_no_words(med: str, ace: str) -> None:
    """An answer that set its fixes in tags of its own making ("<corrected>metformin
    </corrected>", '<fix from="met for me">metformin</fix>') had the tags read as the
    fix's words, "<corrected>metformin</corrected>" a suggestion named by none. A tag
    is markup, as HTML's are, unless the document's own text holds "<"; the prompt's own
    tags still say what the answer keeps in doubt."""
    result = reconcile(_load("dictation"), _answer(med=med, ace=ace))
    assert [(c.original, c.new, c.candidate) for c in result.resolved] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.kept == 1.0


def test_reconcile_a_change_across_a_line_end_is_parted_where_the_lines_end() -> None:
    """An answer that wrote a number in digits at a line's end and dropped the filler
    that began the next ("ten" / "uh follow up" -> "10." / "Follow up") had one change
    over both lines, "ten uh" -> "10.", an over-correction at both words' times. The
    change is parted where the document's line and the answer's end: "ten" -> "10."
    reformatted, "uh" deleted at its own time."""
    doc = _said(["the patient takes met4min twice a day and lisinopril ten",
                 "uh follow up in two weeks"], "met4min", "metformin")
    result = reconcile(doc, "The patient takes metformin twice a day, and lisinopril 10.\n"
                            "Follow up in two weeks.")
    assert [(c.original, c.new, c.start) for c in result.overcorrections] == [
        ("uh", "", 5.0)]
    assert [(c.original, c.new) for c in result.reformatted] == [("ten", "10.")]
    # lines the answer joins stay one change where they meet
    joined = reconcile(doc, "The patient takes metformin twice a day and lisinopril 10, "
                            "follow up in two weeks.")
    assert [(c.original, c.new) for c in joined.overcorrections] == [("ten uh", "10,")]


@pytest.mark.parametrize(("line", "inserted"), [
    ("He takes 500 milligrams of metformin twice daily.", ["of"]),
    ("He takes 500 milligrams twice daily, metformin.", []),
    ("Metformin: he takes 500 milligrams twice daily.", []),
])
def test_reconcile_a_fix_moved_along_its_line_is_the_spans_fix(line: str,
                                                              inserted: list[str]) -> None:
    """An answer that moved a span's fix along its line ("He takes met for me 500
    milligrams" -> "He takes 500 milligrams of metformin") had the span read as deleted,
    its fix dropped, and "of metformin" as words inserted. A span deleted where it
    stands whose suggestion the answer inserts on its line is fixed by it, at its own
    words' times; the other words inserted stay an over-correction."""
    result = reconcile(_load("dictation"), _answer().replace(
        "He takes metformin 500 milligrams twice daily.", line))
    fix = result.resolved[0]
    assert (fix.kind, fix.original, fix.new.lower(), fix.candidate, fix.start, fix.end) == (
        "replace", "met for me", "metformin", True, 4.92, 5.79)
    assert [c.new for c in result.overcorrections if c.kind == "insert"] == inserted


@pytest.mark.parametrize("answer", [
    json.dumps([{"original": "met for me", "corrected": "metformin", "confidence": 0.95},
                {"original": "lie sin oh pril", "corrected": "lisinopril", "confidence": 0.4}]),
    json.dumps([{"original": "met for me", "corrected": "metformin", "confidence": "high"},
                {"original": "lie sin oh pril", "corrected": "lisinopril",
                 "confidence": "low"}]),
    json.dumps([{"original": "met for me", "corrected": "metformin", "uncertain": False},
                {"original": "lie sin oh pril", "corrected": "lisinopril", "uncertain": True}]),
    '- "met for me" → "metformin" (confidence: 90%)\n'
    '- "lie sin oh pril" → "lisinopril" (confidence: 30%)',
    "| Original | Corrected | Confidence |\n|---|---|---|\n| met for me | metformin | High |\n"
    "| lie sin oh pril | lisinopril | Medium |",
])
def test_reconcile_a_listed_fix_given_a_low_confidence_is_hedged(answer: str) -> None:
    """A list of fixes that gave each a confidence ("confidence": 0.4, "low", "30%", a
    table's "Medium") had none hedged: a number was no note, and "low" no doubt. A
    confidence low or middling in words, or under a half as a number (as a span's p
    under the prompt's threshold is), hedges the fix; a high one does not."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.new, c.hedged) for c in result.resolved] == [
        ("metformin", False), ("lisinopril", True)]


@pytest.mark.parametrize("prefix", ["Line {n}: ", "L{n}. ", "{n}: ", "{n} | ", "{n}| ",
                                    "[{start} --> {end}] ",
                                    "00:00:{start_s},000 --> 00:00:{end_s},000 ",
                                    "({start} - {end}) "])
def test_reconcile_lines_numbered_or_timed_as_subtitles_are_structure(prefix: str) -> None:
    """An answer that numbered the transcript's lines ("Line 2: ...", "2: ...", "2 | ...",
    as a file viewer shows them) or gave each its start and end as subtitles do
    ("[00:04.2 --> 00:08.9] ...") had each label reported as words inserted at the line's
    start. They are structure, where the document's own lines have none."""
    doc = _load("dictation")
    starts = ["00:00.0", "00:04.2", "00:08.9", "00:14.1", "00:17.6", "00:20.0"]
    answer = "\n".join(prefix.format(n=k + 1, start=starts[k], end=starts[k + 1],
                                     start_s=starts[k][3:5], end_s=starts[k + 1][3:5]) + line
                       for k, line in enumerate(_answer().split("\n")))
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    for own in (_text_doc("Line 1: take metformin.\nLine 2: stop aspirin."),
                _text_doc("1 | take metformin.\n2 | stop aspirin.")):
        assert reconcile(own, own.text).changes == ()


@pytest.mark.parametrize("answer", [
    "# DISCHARGE SUMMARY\nName: J. Doe DOB: 03/11/1966\n## Medications:\n"
    "Lisinopril 10 mg once daily\nMetformin 500 mg BID\nTarget BP < 130/80 & HbA1c < 7%\n"
    "Signed: Dr. A. Smith",
    "DISCHARGE SUMMARY<br>\nName: J. Doe DOB: 03/11/1966<br>\nMedications:<br>\n"
    "Lisinopril 10 mg once daily<br>\n<b>Metformin</b> 500 mg BID<br>\n"
    "Target BP < 130/80 & HbA1c < 7%<br>\nSigned: Dr. A. Smith",
])
def test_reconcile_headings_and_tags_are_layout_beside_a_documents_own_less_than(
        answer: str) -> None:
    """An answer that set the scan's title and section as Markdown headings ("# DISCHARGE
    SUMMARY") had each "#" reported as a word inserted; one that ended its lines with
    "<br>" had each line's last word changed ("BID" -> "BID<br>"), HTML being kept as
    text because the document holds a "<" ("BP < 130/80"). A heading's marks are layout
    where no line of the document starts so, and tags where the document holds none:
    its "< 130" is no tag."""
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril"), ("5OO", "500"), ("Smlth", "Smith")]


@pytest.mark.parametrize(("note", "hedged"), [
    ("please verify", True), ("not sure", True), ("probably", True),
    ("please double-check the dose", True),
    ("likely misheard", False),  # a doubt of the document's reading, not of the fix
])
def test_reconcile_an_unquoted_fix_s_note_after_a_comma_is_no_part_of_it(
        note: str, hedged: bool) -> None:
    """An unquoted fix with a note after a comma ("lives in awful -> lisinopril, please
    verify") wrote the note into the fix's new text ("lisinopril, please verify"); a
    hedge or a plea after a comma is the fix's note, as after a semicolon or a dash."""
    result = reconcile(_clinic(), f"lives in awful -> lisinopril, {note}\n"
                                  "met for men -> metformin")
    assert [(c.original, c.new, c.span, c.hedged) for c in result.changes] == [
        ("lives in awful", "lisinopril", 0, hedged), ("met for men", "metformin", 1, False)]
    assert result.warnings == () and result.unchanged == ()


@pytest.mark.parametrize("answer", [
    "- met for me 500 mg -> metformin 500 mg\n- lie sin oh pril 15 mg -> lisinopril 15 mg",
    'Here are the corrections:\n1. "He takes met for me 500 mg twice daily" → "He takes '
    'metformin 500 mg twice daily"\n2. "lie sin oh pril fifteen milligrams" → "lisinopril '
    'fifteen milligrams"',
    "**Original:** met for me 500 mg twice daily\n**Corrected:** metformin 500 mg twice "
    "daily\n**Original:** lie sin oh pril 15 mg\n**Corrected:** lisinopril 15 mg",
])
def test_reconcile_a_listed_fix_whose_words_run_past_the_span_is_the_span_s(
        answer: str) -> None:
    """A listed fix that quoted words beside the doubtful span as well, written another
    way than the document has them ("met for me 500 mg -> metformin 500 mg" where it says
    "500 milligrams"), was not mapped, and the list was read as a corrected copy: every
    line an over-correction, no corrected copy. The words a fix gives the same on both
    sides, at its start and end, are no part of it: the span's fix is made."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.corrected_copy and result.kept == 1.0 and result.warnings == ()


@pytest.mark.parametrize(("answer", "hedged"), [
    ("Here are the corrections:\n\n- met for me should be metformin\n"
     "- lie sin oh pril should be lisinopril\n", []),
    ("'met for me' is probably metformin, and 'lie sin oh pril' is likely lisinopril.",
     ["metformin", "lisinopril"]),
    ("I think met for me should be metformin. Lie sin oh pril is most likely lisinopril, "
     "please verify.", ["lisinopril"]),
    ("Changed met for me to metformin and lie sin oh pril to lisinopril.", []),
    ("Corrections:\n1. **met for me** should read **metformin**\n"
     "2. lie sin oh pril means lisinopril (please verify)\n\nThe rest is correct.",
     ["lisinopril"]),
])
def test_reconcile_fixes_said_in_words_without_quotes_are_mapped(
        answer: str, hedged: list[str]) -> None:
    """A fix said in words with its parts unquoted ("met for me should be metformin",
    "'lives in awful' is probably lisinopril", "Changed met for me to metformin and ...")
    was read as the document's text: no corrected copy, no span resolved. Such a line is
    now a fix where the document holds the words before its verb in a doubtful span; a
    hedge it is said with ("is probably") doubts it."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert [c.new for c in result.resolved if c.hedged] == hedged
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("answer", [
    "**Yes** \u2014 *met for me* is metformin, and *lie sin oh pril* is lisinopril.",
    "- met for me is metformin\n- lie sin oh pril is lisinopril\n"
    "- fifteen is unusual for lisinopril",
    "met for me is metformin; lie sin oh pril is lisinopril; fifteen is correct",
    "The transcript is accurate, except that *met for me* is metformin and *lie sin oh "
    "pril* is lisinopril.",
    "*met for me* is metformin, which is a biguanide.\n*lie sin oh pril* is lisinopril.",
])
def test_reconcile_a_fix_said_with_a_bare_is_is_mapped(answer: str) -> None:
    """A fix said with a bare "is" ("*met for me* is metformin") was read as the
    document's text: no corrected copy, no span resolved. It is now a fix where the
    words after "is" read as the span's (a suggestion of its, or alike in letters);
    words said of the span ("fifteen is unusual for lisinopril", "is correct") are no
    fix, the span left to check."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False),
        ("lie sin oh pril", "lisinopril", True, False)]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]
    assert result.corrected_copy and result.warnings == ()
    clinic = reconcile(_clinic(), "- *lives in awful* is lisinopril\n- met for men is metformin")
    assert [(c.original, c.new) for c in clinic.changes] == [
        ("lives in awful", "lisinopril"), ("met for men", "metformin")]


@pytest.mark.parametrize(("answer", "hedged"), [
    ("I corrected met for me to metformin, but I'm not sure about lie sin oh pril, so I "
     "left it.", False),
    ("I corrected met for me to metformin, but I'm not sure about it.", True),
])
def test_reconcile_a_doubt_of_another_span_after_a_fix_said_in_words_is_not_its(
        answer: str, hedged: bool) -> None:
    """A fix said in words and then a doubt of another span left as it was ("... to
    metformin, but I'm not sure about lie sin oh pril, so I left it") had the rest of
    the sentence read as the fix ("metformin, but I'm not sure ..."), then, once a
    doubt after a comma was its note, the fix hedged by a doubt of the other span's.
    The doubt is that span's; said of nothing else ("about it"), it is the fix's."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", hedged)]
    assert 1 in result.unchanged  # (lie sin oh pril)


@pytest.mark.parametrize("answer", [
    "The patient is probably doing well on metformin.",
    "Metformin should be continued.\nLisinopril is likely fine.",
])
def test_reconcile_a_summary_saying_should_be_is_no_list_of_fixes(answer: str) -> None:
    """Sentences of a summary that say "should be" or "is likely" of words the document
    holds in no doubtful span are no fixes: the answer is no corrected copy."""
    result = reconcile(_load("dictation"), answer)
    assert not result.corrected_copy and not result.resolved


@pytest.mark.parametrize(("answer", "notes"), [
    (_answer().replace("twice daily.", "twice daily. [Note: the drug name was hard to hear; "
                                       "metformin fits the context.]"),
     # (as written, its brackets kept: no bracket span's)
     ["[Note: the drug name was hard to hear; metformin fits the context.]"]),
    (_answer().replace("a 58-year-old", "a [Transcriber's note: age unclear] 58-year-old"),
     ["[Transcriber's note: age unclear]"]),
    (_answer().replace("fifteen milligrams.", "fifteen milligrams (verify dose)."),
     ["(verify dose)."]),
    (_answer().replace("diabetes.\n", "diabetes.\n(Note: speaker changes here.)\n")
     .replace("40 at night.", "40 at night [please confirm]."),
     ["(Note: speaker changes here.)", "[please confirm]."]),
])
def test_reconcile_a_note_in_brackets_within_the_document_is_an_aside(
        answer: str, notes: list[str]) -> None:
    """A note the answer put in brackets within the document ("[Note: ...]" after a
    line, "(verify dose)" after a dose it left as it was) was an over-correction, words
    inserted into the document. It is the answer's own text: an aside."""
    result = reconcile(_load("dictation"), answer)
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.asides] == notes
    assert result.overcorrections == []
    assert not any(c.hedged for c in result.resolved if c.new == "lisinopril")


@pytest.mark.parametrize(("note", "hedged"), [
    ("The lisinopril dose is uncertain; please verify.", []),
    ("Note: lisinopril's dose (fifteen milligrams) could not be confirmed.", []),
    ("I am not sure about lisinopril; please verify.", ["lisinopril"]),
    ("The lisinopril name is uncertain, and so is its dose.", ["lisinopril"]),
])
def test_reconcile_a_doubt_of_a_drug_s_dose_left_as_it_was_hedges_no_fix(
        note: str, hedged: list[str]) -> None:
    """A closing note that doubted the dose of a drug whose name was fixed, the dose
    left as it was ("The lisinopril dose is uncertain"), hedged the name's fix: the name
    was read right, the dose is what is in doubt (its span still to check)."""
    result = reconcile(_load("dictation"), f"{_answer()}\n\n{note}")
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.resolved if c.hedged] == hedged
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]


def test_reconcile_a_copy_of_more_than_half_the_lines_with_fewer_of_the_words() -> None:
    """An answer that gave back more than half of the document's lines, in its order,
    its fixes made, but fewer than half of its words (shorter lines, every other line)
    was read as no corrected copy: none of its fixes resolved. It is a copy with lines
    left out (deleted), as one that keeps more of the words is."""
    doc = _load("dictation")
    lines = _answer().split("\n")
    result = reconcile(doc, "\n".join([lines[1], lines[3], lines[4]]))
    assert result.kept < 0.5 and result.corrected_copy and result.warnings == ()
    assert [(c.original, c.new) for c in result.resolved if c.new] == [
        ("met for me", "metformin")]
    summary = reconcile(doc, "Type 2 diabetes on metformin.\nBP managed with lisinopril.\n"
                             "Statin continued.\nFollow up in three months.")
    assert not summary.corrected_copy and not summary.resolved


def test_reconcile_every_other_line_of_a_long_transcript_resolves_its_fixes() -> None:
    """The answer of every other line of a long transcript, its fixes made (just over
    half its lines, just under half its words), resolved none of them."""
    from test_reconcile_benchmark import _reconcile_speed

    bench = _reconcile_speed()
    doc = bench.transcript(5000, 200)
    result = reconcile(doc, bench.answers(doc)["every other line"])
    fixed = {"met for men": "metformin", "lie sin oh pril": "lisinopril",
             "a tor va statin": "atorvastatin", "am low dip ine": "amlodipine",
             "warfa rin": "warfarin"}
    made = [c for c in result.resolved if c.new]
    assert result.corrected_copy and len(made) > 80
    assert all(c.new.rstrip(".") == fixed[c.original.rstrip(".")] and c.candidate
               for c in made)


@pytest.mark.parametrize("answer", [
    "- 'met for me' → likely 'metformin'\n- 'lie sin oh pril' → 'lisinopril'",
    "Possible corrections:\n1. met for me -> probably metformin\n2. lie sin oh pril -> lisinopril",
    "| Original | Corrected |\n|---|---|\n| met for me | most likely: metformin |\n"
    "| lie sin oh pril | lisinopril |",
])
def test_reconcile_a_hedge_before_a_listed_fix_is_its_note(answer: str) -> None:
    """A listed fix said with a hedge before its words ("→ likely 'metformin'") was
    made as "likely 'metformin" (its words and a quotation mark), no suggestion. The
    hedge is a note of the fix's, doubting it."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, True), ("lie sin oh pril", "lisinopril", True, False)]


@pytest.mark.parametrize("answer", [
    "Likely: metformin (for met for me), lisinopril (for lie sin oh pril)",
    "Likely metformin (for met for me), lisinopril (for lie sin oh pril).",
    "Probably: met for me \u2192 metformin; lie sin oh pril \u2192 lisinopril",
    "- I'm not sure: met for me \u2192 metformin, lie sin oh pril \u2192 lisinopril",
])
def test_reconcile_a_hedge_before_a_line_s_fixes_hedges_each(answer: str) -> None:
    """A hedge said before a line of several fixes ("Likely: a (for x), b (for y)") was
    read as the first fix's alone, or, as a label before arrows, as none's. It doubts
    each fix of its line; a note in brackets before an arrow is no such lead."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, True), ("lie sin oh pril", "lisinopril", True, True)]
    plain = reconcile(_load("dictation"), "Fixes: met for me \u2192 metformin; lie sin oh "
                      "pril (maybe: lisinopril) \u2192 lisinopril")
    assert [(c.new, c.hedged) for c in plain.changes] == [("metformin", False),
                                                          ("lisinopril", False)]


@pytest.mark.parametrize("answer", [
    "met for me = metformin\nlie sin oh pril = lisinopril",
    'The transcript is accurate, except that "met for me" sounds like metformin and '
    '"lie sin oh pril" sounds like lisinopril.',
    "Two corrections:\n- met for me was probably meant to be metformin\n"
    "- lie sin oh pril should have been lisinopril",
])
def test_reconcile_a_fix_said_with_an_equals_sign_or_sounds_like_is_mapped(
        answer: str) -> None:
    """Fixes written "met for me = metformin", or said "sounds like", "was meant to be",
    "should have been", were read as the document's text: no corrected copy."""
    _assert_two_dictation_fixes(answer)


def test_reconcile_a_copy_with_an_equals_sign_of_its_own_is_no_list_of_fixes() -> None:
    """A copy of a document whose lines hold an equals sign is no list of fixes."""
    doc = _text_doc("BMI = 32\nA1c = 7.9\nBP = 132/84")
    result = reconcile(doc, "BMI = 32.5\nA1c = 7.9\nBP = 132/84")
    assert [(c.original, c.new) for c in result.changes] == [("32", "32.5")]


def test_reconcile_a_dose_said_unusual_for_a_drug_hedges_no_name() -> None:
    """A closing note that found the dose unusual for a drug whose name was fixed ('The
    dose "fifteen milligrams" seems unusual for lisinopril; you may want to verify it.')
    hedged the name's fix: the dose is doubted, its span still to check."""
    answer = ("Here's the corrected transcript:\n\n" + _answer() + "\n\n**Changes made:**\n"
              "- **met for me** → **metformin** (a common diabetes medication)\n"
              "- **lie sin oh pril** → **lisinopril** (an ACE inhibitor)\n\n"
              'The dose "fifteen milligrams" seems unusual for lisinopril; you may want '
              "to verify it.")
    result = reconcile(_load("dictation"), answer)
    assert [(c.new, c.hedged) for c in result.resolved] == [
        ("metformin", False), ("lisinopril", False)]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]
    assert not result.overcorrections


@pytest.mark.parametrize("answer", [
    '"met for me" → "metformin" (high confidence)\n"lie sin oh pril" → "lisinopril" (high '
    'confidence)\n"fifteen" → no change (medium confidence — lisinopril doses are usually '
    "10 or 20 mg)",
    "| Original | Correction | Confidence |\n|---|---|---|\n| met for me | metformin | High |\n"
    "| lie sin oh pril | lisinopril | High |\n| fifteen | fifteen (unchanged) | Medium |",
    '[{"original": "met for me", "corrected": "metformin"}, {"original": "lie sin oh pril", '
    '"corrected": "lisinopril"}, {"original": "fifteen", "corrected": "N/A", "note": '
    '"keep; please verify"}]',
])
def test_reconcile_a_listed_fix_that_says_no_change_leaves_the_span(answer: str) -> None:
    """A list of fixes that named a span it left as it was ('"fifteen" → no change',
    "fifteen (unchanged)") had the words "no change" made in the document in its place
    (read as "lisinopril no", "change"), or the note kept as its words. It is no fix:
    the span is still to check."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]
    assert result.warnings == ()


@pytest.mark.parametrize("leaves", ["left as is", "Kept unchanged", "leave it alone",
                                    "looks correct", "seems fine", "plausible",
                                    "seems plausible"])
def test_reconcile_a_listed_fix_that_says_it_left_the_words_leaves_the_span(
        leaves: str) -> None:
    """A listed fix that said it left its words as they were in other words ("fifteen:
    left as is", "fifteen → looks correct") had those words made in the document in
    the span's place. It is no fix: the span is still to check; a fix to "fine" alone
    is still a fix."""
    answer = ("1. **met for me → metformin**: a first-line drug for diabetes.\n"
              "2. **lie sin oh pril → lisinopril**: an ACE inhibitor.\n"
              f"3. **fifteen**: {leaves}; lisinopril usually comes in 10 or 20 mg.")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]
    fine = reconcile(_load("dictation"), "fifteen → fine")
    assert [(c.original, c.new) for c in fine.changes] == [("fifteen", "fine")]


@pytest.mark.parametrize("judged", ["fifteen is probably correct",
                                    "fifteen is likely fine as transcribed.",
                                    "**fifteen** \u2192 probably correct, but verify the dose",
                                    "fifteen: correct as dictated"])
def test_reconcile_a_listed_fix_that_judges_the_words_right_leaves_the_span(
        judged: str) -> None:
    """A listed line that judged the span's words right ("fifteen is probably correct")
    was read as a hedged fix putting "correct" in their place. Words of a reading being
    right, unlike the words read in their letters, leave them: the span is still to
    check. Alike in letters they are a fix ("corect → correct", "fifteen → fine")."""
    answer = f"- met for me \u2192 metformin\n- lie sin oh pril \u2192 lisinopril\n- {judged}"
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", False), ("lie sin oh pril", "lisinopril", False)]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]
    assert result.warnings == ()
    doc = _said(["Continue corect dose."], "corect", "correct")
    (fix,) = reconcile(doc, "corect is probably correct").changes
    assert (fix.original, fix.new, fix.hedged) == ("corect", "correct", True)


@pytest.mark.parametrize("order", ["fifteen: check the dose", "fifteen \u2192 please verify",
                                   "**fifteen** \u2192 confirm with the prescriber"])
def test_reconcile_a_listed_order_to_check_the_words_leaves_the_span(order: str) -> None:
    """A listed line asking to check a span's words in a fix's place ("fifteen: check
    the dose") had the order made in the document as the words' fix ("fifteen" ->
    "the dose", "lisinopril check"). It is no reading: the span is still to check."""
    answer = f"- met for me \u2192 metformin\n- lie sin oh pril \u2192 lisinopril\n- {order}"
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert [result.spans[k].text for k in result.unchanged] == ["fifteen"]


@pytest.mark.parametrize("answer", [
    '- Line 2: "met for me" → "metformin"\n- Line 3: "lie sin oh pril" → "lisinopril"',
    "1. Line 2: **met for me** -> **metformin**\n2. Line 3: **lie sin oh pril** -> "
    "**lisinopril**",
])
def test_reconcile_a_label_before_a_listed_fix_s_quoted_words_goes(answer: str) -> None:
    """A list of fixes that put a label before each fix's quoted words ('Line 2: "met
    for me" → "metformin"') was not mapped: the label and the opening quotation mark
    were read as its words."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.warnings == ()


@pytest.mark.parametrize(("items", "hedged"), [
    ('- "fifteen milligrams" — lisinopril is usually dosed at 10, 20 or 40 mg; please '
     'confirm.\n- "metformin" — fairly confident.', []),
    ("- Lisinopril at this dose is unusual; please confirm.", []),
    ("- lisinopril: not sure of the drug name, please verify.", ["lisinopril"]),
])
def test_reconcile_an_uncertain_item_of_a_dose_hedges_no_name(
        items: str, hedged: list[str]) -> None:
    """A list of uncertain items after the copy whose item doubted a dose by its drug
    ("lisinopril is usually dosed at 10, 20 or 40 mg; please confirm") hedged the fix of
    the drug's name, read right."""
    answer = f"**Corrected transcript:**\n\n{_answer()}\n\n**Uncertain items:**\n{items}"
    result = reconcile(_load("dictation"), answer)
    assert [c.new for c in result.resolved] == ["metformin", "lisinopril"]
    assert [c.new for c in result.resolved if c.hedged] == hedged


@pytest.mark.parametrize("note", [
    "(I corrected three OCR errors: Lisinopril, 500, and Smith. The physician's name is "
    "a guess.)",
    "I fixed Lisinoprll, 5OO and Smlth (now Smith).",
])
def test_reconcile_a_closing_note_naming_the_last_word_s_fix_is_no_part_of_it(
        note: str) -> None:
    """A closing note that named the fix of the document's last word ("... and Smith.")
    had that word's fix read from the note ("Smlth" -> "Smith.", or left as "Smlth"), the
    note's other words inserted into the document: over-corrections. The lines of the
    answer's own after the document pair with none of its words."""
    doc = _load("discharge")
    copy = (doc.text.replace("Lisinoprll", "Lisinopril").replace("5OO", "500")
            .replace("Smlth", "Smith"))
    result = reconcile(doc, f"{copy}\n\n{note}")
    assert [(c.original, c.new) for c in result.resolved] == [
        ("Lisinoprll", "Lisinopril"), ("5OO", "500"), ("Smlth", "Smith")]
    assert result.overcorrections == [] and [c.new for c in result.asides] == [note]


@pytest.mark.parametrize("answer", [
    "The OCR errors are: Lisinoprll should be Lisinopril, 5OO should be 500, and Smlth is "
    "probably Smith.",
    "Lisinoprll -> Lisinopril, 5OO -> 500, Smlth -> Smith (probably)",
])
def test_reconcile_fixes_listed_on_a_line_parted_by_commas_are_each_mapped(
        answer: str) -> None:
    """Several fixes on one line parted by commas ("a should be b, c should be d, and e
    is probably f") were read as one fix, its new words running over the next."""
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril", False), ("5OO", "500", False), ("Smlth", "Smith", True)]
    assert result.warnings == ()


def test_reconcile_a_listed_fix_with_a_comma_of_its_own_is_one_fix() -> None:
    """A fix whose words hold a comma ("metformin 500 mg, twice daily") is one fix."""
    result = reconcile(_load("dictation"), "- met for me 500 milligrams twice daily -> "
                                           "metformin 500 milligrams, twice daily")
    assert [(c.original, c.new) for c in result.resolved] == [("met for me", "metformin")]


@pytest.mark.parametrize("answer", [
    "~~met for me~~ **metformin**\n~~lie sin oh pril~~ **lisinopril**",
    "Corrections:\n- Take ~~met for me~~ **metformin** 500 mg\n"
    "- ~~lie sin oh pril~~ lisinopril fifteen milligrams",
    "1. He takes ~~met for me~~ metformin 500 milligrams twice daily.\n"
    "2. ~~lie sin oh pril~~ __lisinopril__",
    "**Original:** ~~met for me~~ **Corrected:** metformin\n"
    "**Original:** ~~lie sin oh pril~~ **Corrected:** lisinopril",
    "- Original: ~~met for me~~ New: **metformin**\n"
    "- Before: ~~lie sin oh pril~~ After: lisinopril",
])
def test_reconcile_a_list_of_struck_through_fixes_is_a_list_of_fixes(answer: str) -> None:
    """A list of fixes shown struck through, the new words after the old ("~~met for me~~
    **metformin**", a line of the document's words round it or not), was read as a
    summary: its struck words dropped, no corrected copy, no span resolved. Each line is
    a fix of the struck words. Labels of its parts ("**Original:** ~~met for me~~
    **Corrected:** metformin") are no part of them (the label had been the fix)."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert result.corrected_copy and result.text == _answer() and result.warnings == ()


def test_reconcile_a_struck_fix_s_note_hedges_it_and_strikes_of_no_doubt_are_text() -> None:
    result = reconcile(_load("dictation"), "- ~~met for me~~ **metformin**\n"
                       "- ~~lie sin oh pril~~ lisinopril (please verify)")
    assert [(c.new, c.hedged) for c in result.resolved] == [
        ("metformin", False), ("lisinopril", True)]
    # struck words the document does not hold are no fix: a summary
    summary = reconcile(_load("dictation"), "- ~~insulin~~ **metformin**\n- ~~no~~ yes")
    assert not summary.corrected_copy and not summary.resolved


def test_reconcile_a_label_of_the_document_s_own_in_brackets_is_its_words() -> None:
    # (the brackets kept of bracket markup round the document's labelled words go)
    result = reconcile(_text_doc("Dose: fifteen mg daily."), "[Dose: fifteen] mg daily.")
    assert result.changes == () and result.text == "Dose: fifteen mg daily."


@pytest.mark.parametrize("answer", [
    "Fifteen is probably the dose.",
    "fifteen is likely a typo",
    "Fifteen must be its strength, please verify.",
])
def test_reconcile_words_saying_what_a_span_is_are_no_fix(answer: str) -> None:
    """A line saying what a doubtful span's words are ("Fifteen is probably the dose.")
    was read as their fix, "fifteen" replaced with "the dose" in a corrected copy. A
    phrase that opens with an article, a demonstrative or a possessive, unlike the words
    in its letters, says what they are: no fix, the answer no corrected copy."""
    result = reconcile(_load("dictation"), answer)
    assert not result.corrected_copy and not result.resolved


@pytest.mark.parametrize(("answer", "fixes"), [
    ("met for me is probably metformin", [("met for me", "metformin")]),
    ("Fifteen is probably the dose, and met for me is probably metformin.",
     [("met for me", "metformin")]),
    ("met for me is probably the metformin", [("met for me", "the metformin")]),
])
def test_reconcile_a_fix_said_beside_words_saying_what_a_span_is_is_kept(
        answer: str, fixes: list[tuple[str, str]]) -> None:
    result = reconcile(_load("dictation"), answer)
    assert result.corrected_copy
    assert [(c.original, c.new) for c in result.resolved] == fixes


def test_reconcile_a_phrase_like_the_span_s_letters_is_its_fix() -> None:
    # (an article-led fix that reads the same letters: "apple" heard for "a pill")
    doc = _said(["Take one apple daily."], "apple", "a pill")
    result = reconcile(doc, "apple is probably a pill")
    assert [(c.original, c.new, c.hedged) for c in result.resolved] == [
        ("apple", "a pill", True)]


@pytest.mark.parametrize("answer", [
    "atorvastatin is probably the statin",
    "Atorvastatin is likely a statin.",
])
def test_reconcile_a_phrase_naming_part_of_a_span_s_letters_is_no_fix(answer: str) -> None:
    """A sentence about a doubtful drug name ("atorvastatin is probably the statin") was
    read as its fix, the name replaced with "the statin" in a corrected copy: the
    phrase's letters are alike enough to the name's (67%). A phrase opening with an
    article whose words are a part of the span's letters (the class its name ends with)
    says what it is: no fix, the answer no corrected copy."""
    doc = _said(["Continue atorvastatin 40 at night.", "Follow up in three months."],
                "atorvastatin", "atorvastatin")
    result = reconcile(doc, answer)
    assert not result.corrected_copy and not result.resolved


@pytest.mark.parametrize(("doubtful", "answer", "fix"), [
    ("thepill", "thepill is probably the pill", "the pill"),
    ("atablet", "atablet is likely a tablet", "a tablet"),
])
def test_reconcile_a_span_s_letters_spaced_with_an_article_are_its_fix(
        doubtful: str, answer: str, fix: str) -> None:
    doc = _said([f"Take {doubtful} daily."], doubtful, fix)
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.resolved] == [(doubtful, fix)]


@pytest.mark.parametrize(("answer", "fixes"), [
    ("Corrections:\n- ~~met for me~~ metformin\n"
     "- ~~lie sin oh pril~~ lisinopril ~~fifteen~~ 15 milligrams",
     [("met for me", "metformin"), ("lie sin oh pril", "lisinopril"), ("fifteen", "15")]),
    ("- ~~lie sin oh pril~~ lisinopril ~~fifteen~~ **15**\n- ~~met for me~~ metformin",
     [("met for me", "metformin"), ("lie sin oh pril", "lisinopril"), ("fifteen", "15")]),
    ("1. Take ~~met for me~~ metformin 500 milligrams ~~twice~~ two times daily\n"
     "2. ~~lie sin oh pril~~ **lisinopril**",
     [("met for me", "metformin"), ("twice daily.", "two times daily."),
      ("lie sin oh pril", "lisinopril")]),
])
def test_reconcile_each_struck_run_of_a_listed_line_is_a_fix(
        answer: str, fixes: list[tuple[str, str]]) -> None:
    """A listed line with several struck runs, the first with no emphasis round its new
    words ("~~lie sin oh pril~~ lisinopril ~~fifteen~~ 15"), was read as the fix of the
    last struck run alone, the first one's new words read as the document's: "lie sin
    oh pril lisinopril fifteen", words it does not hold, not mapped. Each struck run's
    new words are those up to where the line goes on as the document does."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == fixes
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize(("answer", "hedged"), [
    ("- <del>met for me</del> metformin\n- <s>lie sin oh pril</s> lisinopril", []),
    ("<del>met for me</del> <b>metformin</b>\n"
     "<strike>lie sin oh pril</strike> <strong>lisinopril</strong>", []),
    ("Corrections:\n1. He takes <del>met for me</del> <ins>metformin</ins> 500 milligrams "
     "twice daily.\n2. <s>lie sin oh pril</s> lisinopril (please verify)", ["lisinopril"]),
    ("<ul>\n<li><del>met for me</del> metformin</li>\n"
     "<li><s>lie sin oh pril</s> lisinopril</li>\n</ul>", []),
])
def test_reconcile_a_list_of_fixes_struck_in_html_is_a_list_of_fixes(
        answer: str, hedged: list[str]) -> None:
    """A list of fixes struck through in HTML ("<del>met for me</del> metformin",
    "<s>...</s> <b>...</b>") was read as a summary, its struck words dropped: no
    corrected copy, no span resolved. It is read as the same list in Markdown is."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate) for c in result.changes] == [
        ("met for me", "metformin", True), ("lie sin oh pril", "lisinopril", True)]
    assert [c.new for c in result.resolved if c.hedged] == hedged
    assert result.corrected_copy and result.text == _answer() and result.warnings == ()


@pytest.mark.parametrize(("answer", "note"), [
    ("Note: patient fasting.\n[Note: the drug name was hard to hear]\n"
     "Take metformin 500 mg daily.", "[Note: the drug name was hard to hear]"),
    ("Note: patient fasting.\nTake metformin 500 mg daily. [Note: dose unclear]",
     "[Note: dose unclear]"),
])
def test_reconcile_a_note_s_label_the_document_holds_elsewhere_keeps_its_brackets(
        answer: str, note: str) -> None:
    """A note in brackets whose label the document also holds elsewhere ("[Note: ...]"
    where a line of its own opens "Note:") lost its brackets, read as words of the
    document's kept of bracket markup. A label is the document's words only where it
    holds it at that place, after the same word (or at the start)."""
    doc = _text_doc("Note: patient fasting.\nTake metformin 500 mg daily.")
    result = reconcile(doc, answer)
    assert [c.new for c in result.asides] == [note]
    assert result.overcorrections == [] and result.resolved == []
    # (the document's own label, in brackets where it holds it, is its words)
    kept = reconcile(doc, "[Note: patient] fasting.\nTake metformin 500 mg daily.")
    assert kept.changes == () and kept.text == doc.text


@pytest.mark.parametrize("answer", [
    "**Corrections:**\n1. met for me ➜ metformin\n2. lie sin oh pril ➜ lisinopril",
    "Corrections:\n• met for me ➡️ metformin\n• lie sin oh pril ➡ lisinopril",
    "Corrections:\n- met for me→metformin\n- lie sin oh pril⇒lisinopril",
    'Corrections:\n- "met for me" --> "metformin"\n- "lie sin oh pril" ==> "lisinopril"',
    "- met for me ⟹ metformin\n- lie sin oh pril ⇨ lisinopril",
])
def test_reconcile_a_list_of_fixes_with_arrows_of_other_kinds_is_mapped(answer: str) -> None:
    """A list of fixes written with an arrow of another kind ("➜", "➡️", "==>") or a
    Unicode arrow with no spaces round it ("met for me→metformin") was read as a summary:
    no corrected copy, no span resolved, or its last fix alone."""
    _assert_two_dictation_fixes(answer)


def test_reconcile_an_ascii_arrow_within_words_is_no_fix() -> None:
    # (an ASCII arrow is one between spaces: "a->b" of a document's own is its text)
    doc = _text_doc("Flow A->B is stable.\nTake metformin daily.")
    result = reconcile(doc, "Flow A->B is stable.\nTake metformin twice daily.")
    assert [(c.original, c.new) for c in result.changes] == [("", "twice")]


@pytest.mark.parametrize("answer", [
    "Korrekturen:\n- „met for me“ → „metformin“\n- „lie sin oh pril“ → „lisinopril“",
    "修正:\n1. 「met for me」→「metformin」\n2. 「lie sin oh pril」→「lisinopril」",
    "- ‹met for me› → ‹metformin›\n- ‹lie sin oh pril› → ‹lisinopril›",
    "«met for me» should be «metformin», and «lie sin oh pril» should be «lisinopril».",
    "„met for me“ should be „metformin“; »lie sin oh pril« should be »lisinopril«.",
])
def test_reconcile_fixes_in_another_language_s_quotation_marks_are_mapped(
        answer: str) -> None:
    """A list of fixes quoted in another language's quotation marks („…“, «…», ‹…›,
    「…」) was not mapped (the opening mark read as a part of the words: "„met for me",
    words the document does not hold), or was read as a summary."""
    _assert_two_dictation_fixes(answer)


@pytest.mark.parametrize("answer", [
    '- "met for me" (p=0.15) → "metformin"\n- "lie sin oh pril" (p=0.00) → "lisinopril"',
    "1. met for me (maybe: metformin) → metformin\n"
    "2. lie sin oh pril (maybe: lisinopril) → lisinopril",
    "- met for me [line 2] -> metformin\n- lie sin oh pril [line 3] -> lisinopril",
])
def test_reconcile_a_note_after_a_listed_fix_s_words_is_no_part_of_them(answer: str) -> None:
    """A listed fix that gave the markup's doubt or suggestions back after its words,
    before the arrow ('"met for me" (p=0.15) → "metformin"'), was not mapped: the note
    was read as a part of the words, which the document does not hold."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new, c.candidate, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", True, False), ("lie sin oh pril", "lisinopril", True, False)]
    assert result.corrected_copy and result.warnings == ()



@pytest.mark.parametrize("answer", [
    "Uncertain span 1: metformin\nUncertain span 2: lisinopril\n"
    "Uncertain span 3: fifteen (left as is; please verify)",
    "#1 \u2192 metformin\n#2 \u2192 lisinopril\n#3 \u2192 no change",
    "- Span 2: lisinopril\n- Span 1: metformin",
])
def test_reconcile_fixes_naming_spans_by_their_place_are_mapped(answer: str) -> None:
    """A list of fixes that named the doubtful spans by their place among them
    ("Uncertain span 1: metformin", "#2 → lisinopril") was read as a summary, or its
    fixes as words the document does not hold. Each is the fix of the span so placed in
    reading order (the spans the prompt marked); a number past the last names none."""
    _assert_two_dictation_fixes(answer)
    past = reconcile(_load("dictation"), "#1 \u2192 metformin\n#2 \u2192 lisinopril\n"
                     "#4 \u2192 atorvastatin")
    assert [(c.original, c.new) for c in past.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert past.warnings == ('the fix of "#4" names words the document does not hold: not '
                             "mapped",)


@pytest.mark.parametrize("answer", [
    "- [x] met for me \u2192 metformin\n- [x] lie sin oh pril \u2192 lisinopril",
    "* [X] met for me should be metformin\n* [ ] lie sin oh pril should be lisinopril",
    "\n".join(f"- [x] {line}" for line in _answer().split("\n")),
])
def test_reconcile_a_task_list_s_boxes_are_list_marks(answer: str) -> None:
    """An answer set out as a Markdown task list ("- [x] met for me → metformin") had
    its boxes read as the fixes' words ("x met for me", not in the document: no fix
    mapped) or, in a copy, as inserted words ("x"). A box after a bullet is part of
    the list's mark."""
    _assert_two_dictation_fixes(answer)


@pytest.mark.parametrize("answer", [
    "Corrections:\na) met for me -> metformin\nb) lie sin oh pril -> lisinopril",
    "(a) met for me should be metformin\n(b) lie sin oh pril should be lisinopril",
    'A. "met for me" → "metformin"\nB. "lie sin oh pril" → "lisinopril"',
])
def test_reconcile_a_list_of_fixes_lettered_is_mapped(answer: str) -> None:
    """A list of fixes whose items open with a letter ("a)", "(b)", "C.") was not mapped:
    the letter was read as a part of each fix's words, which the document does not
    hold."""
    _assert_two_dictation_fixes(answer)


def test_reconcile_a_note_after_a_table_s_quoted_fix_is_its_note() -> None:
    """A table of fixes whose cell gave a note after the quoted fix ('| "Smith" (likely)
    |') had the fix made as 'Smith" (likely)', a quotation mark and the note in the
    document. The note after the quotes is the fix's note, whose doubt hedges it."""
    answer = ('| # | OCR text | Correction |\n|---|---|---|\n| 1 | "Lisinoprll" | "Lisinopril" |\n'
              '| 2 | "5OO" | "500" — fairly sure |\n| 3 | "Smlth" | "Smith" (likely) |')
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril", False), ("5OO", "500", False), ("Smlth", "Smith", True)]
    assert result.warnings == ()


@pytest.mark.parametrize("answer", [
    "**Corrections table**\n\n| # | Heard as | Should be |\n|---|---|---|\n"
    "| 1. | *met for me* | **metformin** |\n| 2. | *lie sin oh pril* | **lisinopril** |",
    '[{"heard": "met for me", "should_be": "metformin"}, '
    '{"heard": "lie sin oh pril", "should_be": "lisinopril"}]',
])
def test_reconcile_fixes_under_a_should_be_column_are_mapped(answer: str) -> None:
    """A table (or a JSON list) of fixes whose column for the new words is named
    "Should be" was read as a summary: no corrected copy, no span resolved."""
    _assert_two_dictation_fixes(answer)


def test_reconcile_a_heading_like_a_document_s_line_in_letters_is_the_answer_s() -> None:
    """A list of fixes under a heading whose letters are like a line of the document's
    ("Corrections:" where it has a line "Medications:", 67% alike, no word the same) was
    read as a corrected copy: the heading put in the line's place, the fixes inserted
    as text, no span resolved."""
    answer = "Corrections:\n1) Lisinoprll → Lisinopril\n2) 5OO → 500\n3) Smlth → Smith"
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril"), ("5OO", "500"), ("Smlth", "Smith")]
    assert result.warnings == ()


@pytest.mark.parametrize("label", ["Line {n} should read:", "Line {n} (corrected):",
                                   "Line {n} now reads:", "Line {n} should be -"])
def test_reconcile_a_line_given_fixed_under_a_label_saying_so_is_the_line(label: str) -> None:
    """Lines given fixed under a label that says so ("Line 2 should read: He takes
    metformin ...") had the label inserted into the document, an over-correction each.
    The label goes, as "Line 2:" does."""
    lines = _answer().split("\n")
    answer = "\n".join(f"{label.format(n=n)} {lines[n - 1]}" for n in (2, 3))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.overcorrections == [] and result.text == _answer()


@pytest.mark.parametrize("answer", [
    "1. Lisinoprll->Lisinopril\n2. 5OO->500\n3. Smlth->Smith",
    "- Lisinoprll=>Lisinopril\n- 5OO=>500\n- Smlth-->Smith",
])
def test_reconcile_a_list_of_fixes_with_ascii_arrows_and_no_spaces_is_mapped(
        answer: str) -> None:
    """A list of fixes written with an ASCII arrow and no spaces round it
    ("5OO->500") was read as a summary: no corrected copy, no span resolved."""
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril"), ("5OO", "500"), ("Smlth", "Smith")]
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("label", ["Corrected:", "Revised sentence:", "Corrected line:",
                                   "**Fixed line:**"])
def test_reconcile_a_label_before_each_line_given_fixed_goes(label: str) -> None:
    """Lines given fixed under a label each ("Corrected: He takes metformin ...\\n
    Corrected: Blood pressure ...") had the first label dropped and the others inserted
    into the document, an over-correction each ("Revised sentence:", "Corrected line:"
    were inserted every time). Each such label goes."""
    lines = _answer().split("\n")
    answer = "\n".join(f"{label} {lines[n]}" for n in (1, 2))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.overcorrections == [] and result.text == _answer()


def test_reconcile_an_original_and_a_revised_sentence_are_a_fix() -> None:
    answer = ("Original sentence: He takes met for me 500 milligrams twice daily.\n"
              "Revised sentence: He takes metformin 500 milligrams twice daily.")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [("met for me", "metformin")]


def test_reconcile_a_list_of_fixes_numbered_in_brackets_is_mapped() -> None:
    """A list of fixes numbered in brackets ("(1) 'Lisinoprll' → 'Lisinopril'") was not
    mapped: the number was read as a part of each fix's words."""
    answer = "(1) 'Lisinoprll' → 'Lisinopril'\n(2) '5OO' → '500'\n(3) 'Smlth' → 'Smith'"
    result = reconcile(_load("discharge"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("Lisinoprll", "Lisinopril"), ("5OO", "500"), ("Smlth", "Smith")]
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("answer", [
    'Replace "met for me" with "metformin".\nReplace "lie sin oh pril" with "lisinopril".',
    "- Change met for me to metformin\n- Change lie sin oh pril to lisinopril",
    "Correct 'met for me' to 'metformin', and fix 'lie sin oh pril' to 'lisinopril'.",
])
def test_reconcile_fixes_said_as_orders_are_mapped(answer: str) -> None:
    """Fixes said as orders ('Replace "met for me" with "metformin".', "Change met for
    me to metformin") were read as a summary: no corrected copy, no span resolved, as
    those said in the past ("Replaced ...", "Changed ...") are not."""
    _assert_two_dictation_fixes(answer)


def test_reconcile_a_fix_said_with_would_be_is_mapped() -> None:
    """A fix said with "would be" ("met for me would be metformin") was read as a
    summary: no corrected copy, no span resolved, as one said with "should be" is not."""
    result = reconcile(_load("dictation"), "met for me would be metformin, and lie sin oh "
                                           "pril would be lisinopril.")
    assert [(c.original, c.new, c.hedged) for c in result.changes] == [
        ("met for me", "metformin", False), ("lie sin oh pril", "lisinopril", False)]
    assert result.corrected_copy and result.warnings == ()


@pytest.mark.parametrize("quotes", ['"{}"', "\u201c{}\u201d", '"{}".'])
def test_reconcile_a_line_given_in_quotation_marks_is_the_line(quotes: str) -> None:
    """Lines given fixed alone in quotation marks ('Line 2: "He takes metformin ..."')
    kept their quotation marks in the text read back. They go, where the document's
    lines are not quoted whole."""
    lines = _answer().split("\n")
    answer = "\n".join(f"Line {n}: {quotes.format(lines[n - 1])}" for n in (2, 3))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.text == _answer()


def test_reconcile_a_document_s_quoted_line_keeps_its_quotation_marks() -> None:
    """A line the document itself gives in quotation marks keeps them."""
    doc = _text_doc('Patient said "I feel dizzy when I stand up."\nNo other complaints.')
    result = reconcile(doc, 'Patient said "I feel dizzy when I stand up."\n'
                            '"No other complaints today at all."')
    assert result.text.endswith('"No other complaints today at all."')


@pytest.mark.parametrize("said", ['The {nth} line should say "{line}"',
                                  "I'd rewrite line {n} as:\n\n\"{line}\"",
                                  "Line {n} should read \u201c{line}\u201d.",
                                  'Change line {n} to: "{line}"'])
def test_reconcile_words_before_a_quoted_line_are_the_answer_s(said: str) -> None:
    """Lines given fixed in quotation marks after words of the answer's own ('The second
    line should say "He takes metformin ..."', "I'd rewrite line 2 as:" over it) had the
    words inserted into the document, an over-correction each. They go, as the
    quotation marks do."""
    result = _lines_given(said)
    assert result.overcorrections == [] and result.text == _answer()


def test_reconcile_a_document_s_words_before_a_quotation_stay() -> None:
    """Words before a quotation the document holds are its own: they stay, the
    quotation marks with them."""
    doc = _text_doc("Patient said he feels dizzy when he stands up.\nNo other complaints.")
    answer = 'Patient said "he feels dizzy when he stands up."\nNo other complaints.'
    result = reconcile(doc, answer)
    assert result.changes == () and result.text == answer


@pytest.mark.parametrize("header", ["| Transcript says | Should be |",
                                    "| Texte transcrit | Corrig\u00e9 |",
                                    "| Original | Korrektur |",
                                    "| Texto original | Correcci\u00f3n |",
                                    '[{"transcription": "met for me", "korrigiert": "x"}]'])
def test_reconcile_a_table_s_columns_named_otherwise_are_read(header: str) -> None:
    """A table of fixes whose header names its columns otherwise ("| Transcript says |
    Should be |") or in another language ("| Original | Korrektur |") was read as a
    corrected copy: its header and cells inserted, no corrected copy. Its fixes are
    read, as a JSON list's fields named so are."""
    if header.startswith("["):
        answer = ('[{"transcription": "met for me", "korrigiert": "metformin"}, '
                  '{"transcription": "lie sin oh pril", "korrigiert": "lisinopril"}]')
    else:
        answer = (f"{header}\n|---|---|\n| met for me | metformin |\n"
                  "| lie sin oh pril | lisinopril |")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()


def test_reconcile_a_corresponding_column_names_no_fix() -> None:
    """A column whose name starts as "correction" does but says something else
    ("Corresponding line") is a note, not the fix."""
    answer = ("| Original | Corrected | Corresponding line |\n|---|---|---|\n"
              "| met for me | metformin | 2 |\n| lie sin oh pril | lisinopril | 3 |")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]


@pytest.mark.parametrize("notes", ["## Notes\nBoth names are common drugs for these conditions.",
                                   "Notes:\nThe doses were left as dictated.",
                                   "---\nLet me know if anything else looks off."])
@pytest.mark.parametrize("fixes", [
    "- met for me \u2192 metformin\n- lie sin oh pril \u2192 lisinopril",
    "| Original | Corrected |\n|---|---|\n| met for me | metformin |\n"
    "| lie sin oh pril | lisinopril |"])
def test_reconcile_a_notes_section_after_a_list_of_fixes_is_the_answer_s(
        fixes: str, notes: str) -> None:
    """A list (or table) of fixes followed by a notes section of two lines, a heading and
    a sentence ("## Notes" over "Both names are common drugs ..."), was read as a
    summary: no corrected copy, no span resolved. Two lines of the answer's own that
    quote none of the document's words after the list are its notes."""
    result = reconcile(_load("dictation"), f"{fixes}\n\n{notes}")
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()


def test_reconcile_lines_quoting_the_document_after_fixes_are_no_notes() -> None:
    """Two lines after a list of fixes that quote the document's words ("follow up in
    three months", a summary of it) are no notes of the list's: the answer is read as a
    whole, not as its one fix."""
    answer = ("- met for me \u2192 metformin\n\nSummary:\n"
              "Routine visit; follow up in three months as planned.")
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] != [("met for me", "metformin")]


@pytest.mark.parametrize("answer", [
    '{"met for me": "metformin", "lie sin oh pril": "lisinopril"}',
    '```json\n{"corrections": {"met for me": "metformin", "lie sin oh pril": "lisinopril"}}\n```',
])
def test_reconcile_a_json_map_of_words_to_their_fix_is_read(answer: str) -> None:
    """A JSON object mapping the words read to their fix ({"met for me": "metformin"})
    was read as no corrected copy, its keys and values inserted. Where each key is
    words of the document's, each pair is a fix."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()


def test_reconcile_a_json_answer_s_text_field_is_no_fix_of_the_word_text() -> None:
    """A JSON answer's "text" field is its document, though the document says "text"."""
    doc = _text_doc("Patient sent a text about the dose.\nNo other complaints.")
    result = reconcile(doc, '{"text": "Patient sent a text about the doses.\\n'
                            'No other complaints."}')
    assert [(c.original, c.new) for c in result.changes] == [("dose.", "doses.")]


def _diff(context: bool) -> str:
    old, new = _answer("met for me", ace="lie sin oh pril").split("\n"), _answer().split("\n")
    lines = ["--- transcript", "+++ corrected", "@@ -1,5 +1,5 @@"] if context else []
    for a, b in zip(old, new, strict=True):
        if a != b:
            lines += [f"-{a}", f"+{b}"] if context else [f"- {a}", f"+ {b}"]
        elif context:
            lines.append(f" {a}")
    return "\n".join(lines)


@pytest.mark.parametrize("answer", [_diff(False), f"```diff\n{_diff(False)}\n```",
                                    f"```diff\n{_diff(True)}\n```"])
def test_reconcile_a_diff_of_the_document_s_lines_is_read(answer: str) -> None:
    """An answer giving its fixes as a diff of the document's lines ("- He takes met for
    me ..." over "+ He takes metformin ...") was read with both lines, the one it
    removes an insertion. The lines it removes go, each a line of the document's."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.overcorrections == [] and result.text == _answer()


@pytest.mark.parametrize("answer", [
    "```diff\n- met for me\n+ metformin\n- lie sin oh pril\n+ lisinopril\n```",
    "--- transcript\n+++ corrected\n-met for me\n+metformin\n-lie sin oh pril\n+lisinopril",
])
def test_reconcile_a_diff_of_words_is_a_list_of_fixes(answer: str) -> None:
    """An answer giving its fixes as a diff of words, not of the document's lines ("-
    met for me" over "+ metformin"), was read as a summary: no corrected copy, no span
    resolved. Each pair of lines is a fix, as "met for me → metformin" is; a diff of the
    document's lines, and bullets with no "+" line, read as before."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.warnings == ()
    assert not reconcile(_load("dictation"), "- met for me\n- lie sin oh pril").resolved


def test_reconcile_a_bulleted_copy_is_no_diff() -> None:
    """Lines after a "-" with no "+" line are a list of the answer's, not a diff."""
    answer = "\n".join(f"- {line}" for line in _answer().split("\n"))
    result = reconcile(_load("dictation"), answer)
    assert result.text == _answer()


@pytest.mark.parametrize("said", ["I'd rewrite line {n} as: {line}",
                                  "Here is line {n}, corrected: {line}",
                                  "The {nth} sentence should read: {line}"])
def test_reconcile_unquoted_words_of_the_answer_s_before_a_line_go(said: str) -> None:
    """Lines given fixed, unquoted, after words of the answer's own and a colon ("I'd
    rewrite line 2 as: He takes metformin ...") had the words inserted into the
    document, an over-correction each. Words that say a line is given again, before
    words like the document's line, go; a speaker's label ("Dr. Smith: ...") says no such
    thing, and stays an aside."""
    result = _lines_given(said)
    assert result.overcorrections == [] and result.asides == []
    labelled = reconcile(_load("dictation"), _answer().replace("He takes", "Dr. Smith: He takes"))
    assert [c.new for c in labelled.asides] == ["Dr. Smith:"]
    # (a lead the document holds is its own words)
    doc = _text_doc("The nurse should read: dose is met for me daily.\nNo other changes.")
    own = reconcile(doc, "The nurse should read: dose is metformin daily.\nNo other changes.")
    assert [(c.original, c.new) for c in own.changes] == [("met for me", "metformin")]


@pytest.mark.parametrize("said", ["Line {n}: '{line}'", "Line {n} should say: \u2018{line}\u2019",
                                  "I'd rewrite line {n} as: '{line}'"])
def test_reconcile_a_line_given_in_single_quotation_marks_is_the_line(said: str) -> None:
    """Lines given fixed in single quotation marks ("Line 2: 'He takes metformin ...'")
    kept them, and the words before them were inserted. They go, as double quotation
    marks do; an apostrophe between letters is no quotation mark."""
    lines = _answer().replace("He takes", "He's taking").split("\n")
    answer = "\n".join(said.format(n=n, line=lines[n - 1]) for n in (2, 3))
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("He takes", "He's taking"), ("met for me", "metformin"),
        ("lie sin oh pril", "lisinopril")]
    assert result.text == "\n".join(lines)


def test_reconcile_quoted_words_inside_a_line_stay() -> None:
    """Words quoted inside a line, not the line whole, keep their quotation marks."""
    doc = _text_doc("Take as needed doses per the doctor's orders.\nNo other complaints.")
    answer = "Take 'as needed' doses per the 'doctor's orders'\nNo other complaints."
    assert reconcile(doc, answer).text == answer


@pytest.mark.parametrize("answer", [
    "<table><tr><th>Original</th><th>Corrected</th></tr>"
    "<tr><td>met for me</td><td>metformin</td></tr>"
    "<tr><td>lie sin oh pril</td><td>lisinopril</td></tr></table>",
    "Corrections:\n<table>\n  <thead><tr><th>Heard</th><th>Meant</th><th>Note</th></tr></thead>\n"
    "  <tbody>\n    <tr><td><code>met for me</code></td><td><b>metformin</b></td><td>&lt;sure&gt;"
    "</td></tr>\n    <tr><td>lie sin oh pril</td><td>lisinopril</td><td></td></tr>\n"
    "  </tbody>\n</table>",
])
def test_reconcile_an_html_table_of_fixes_is_read(answer: str) -> None:
    """A table of fixes given in HTML (<table><tr><th>Original</th>...) was read as no
    corrected copy, its cells run together and inserted. It is read as a Markdown
    table of fixes is."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()


@pytest.mark.parametrize("answer", [
    "- original: met for me\n  corrected: metformin\n"
    "- original: lie sin oh pril\n  corrected: lisinopril",
    "```yaml\ncorrections:\n  - from: \"met for me\"\n    to: \"metformin\"\n    confidence: high\n"
    "  - from: \"lie sin oh pril\"\n    to: \"lisinopril\"\n```",
])
def test_reconcile_a_yaml_list_of_fixes_is_read(answer: str) -> None:
    """A list of fixes given as YAML ("- original: met for me" over "  corrected:
    metformin") was read as no corrected copy, its fields inserted. Its items are read
    as a JSON list's are."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()


def test_reconcile_a_list_of_labelled_lines_is_no_yaml_list_of_fixes() -> None:
    """A list whose items' labels name no fix ("- Metformin: 500 mg") is the answer's
    text, as before."""
    doc = _text_doc("Medications:\n- Metformin: 500 mg twice daily\n- Lisinopril: 15 mg")
    answer = "Medications:\n- Metformin: 500 mg twice daily\n- Lisinopril: 10 mg"
    result = reconcile(doc, answer)
    assert [(c.original, c.new) for c in result.changes] == [("15", "10")]


@pytest.mark.parametrize("answer", [
    "Original\tCorrected\nmet for me\tmetformin\nlie sin oh pril\tlisinopril",
    "original\tcorrected\tconfidence\nmet for me\tmetformin\thigh\n"
    "lie sin oh pril\tlisinopril\thigh\n",
])
def test_reconcile_a_tab_separated_table_of_fixes_is_read(answer: str) -> None:
    """A table of fixes given as tab-separated lines ("Original<TAB>Corrected") was
    read as no corrected copy, its cells inserted. Its lines are read as a Markdown
    table's rows are, the first its header."""
    result = reconcile(_load("dictation"), answer)
    assert [(c.original, c.new) for c in result.changes] == [
        ("met for me", "metformin"), ("lie sin oh pril", "lisinopril")]
    assert result.corrected_copy and result.text == _answer()
