"""The validator: each reason, multi-word windows, OCR choices and glyphs, custom lexicons,
text without confidence, and no flags on ordinary English."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from uncertain.document import (
    Alternative,
    CharChoice,
    CharChoices,
    Document,
    Modality,
    Segment,
    Source,
    Token,
    Word,
)
from uncertain.lexicon import Entry, Lexicon, load_lexicon, takes_dose
from uncertain.render import doubtful_spans, render
from uncertain.text import document_from_text
from uncertain.validate import ValidateOptions, Validator, score_candidate, validate

DATA = Path(__file__).resolve().parent / "data" / "validate"

GENERAL_SENTENCES = [
    # the reference transcripts of the real non-medical samples
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country.",
    "HE HOPED THERE WOULD BE STEW FOR DINNER TURNIPS AND CARROTS AND BRUISED POTATOES AND "
    "FAT MUTTON PIECES TO BE LADLED OUT IN THICK PEPPERED FLOUR FATTENED SAUCE",
    "STUFF IT INTO YOU HIS BELLY COUNSELLED HIM",
    # plain sentences, some with numbers and words that look like drug names
    "The meeting moved to Thursday because the room was booked for ten days.",
    "She bought two pounds of apples and a bag of flour at the market.",
    "We drove 500 miles along the coast and stopped twice daily for coffee.",
    "The orchestra played a medley of marches before the interval.",
    "Let me know if the invoice for the metal frames arrives by Monday.",
    "Our master plan is to finish the garden before the first frost.",
    "He lives in a small flat above the bakery with his sister.",
]


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def make_doc(spec: str, *, modality: Modality = "audio", default: float | None = 0.95) -> Document:
    """Words from ``spec``; ``word/0.4`` gives a word its own confidence."""
    words = []
    for token in spec.split():
        text, _, conf = token.partition("/")
        words.append(Word(text=text, confidence=float(conf) if conf else default))
    return Document(
        source=Source(path=f"test.{modality}", sha256="0" * 64, modality=modality, engine="test"),
        segments=[Segment(id=0, words=words)],
    )


def only_doubtful(doc: Document) -> list:
    return [f for f in doc.flags if f.reason != "verified"]


def doubted_and_hunches(validator: Validator, line: str) -> tuple[list[str], list[str]]:
    """The words of ``line`` (heard as its "word/p" marks say) flagged in doubt, and
    those only held as hunches for the acoustic pass."""
    doc = validator.validate(make_doc(line))
    assert doc.validation is not None
    return ([f.text for f in only_doubtful(doc)], [h.text for h in doc.validation.hunches])


def validated_as(validator: Validator, line: str, modality: Modality) -> Document:
    """``line`` validated as plain text (no confidence) or as speech heard at p 0.93."""
    return validator.validate(make_doc(line, modality=modality,
                                       default=None if modality == "text" else 0.93))


@pytest.mark.parametrize(
    ("spec", "span", "canonical"),
    [
        ("continue met/0.5 for/0.6 me/0.4 500 mg twice daily", "met for me", "metformin"),
        ("net/0.5 form/0.6 in/0.5 500 mg with breakfast", "net form in", "metformin"),
        ("start lives/0.5 in/0.6 awful/0.4 10 milligrams daily", "lives in awful", "lisinopril"),
        ("Continue/0.48 met/0.70 four/0.53 min/0.45 five hundred milligrams twice daily",
         "met four min", "metformin"),
        # a confident split that spells a term exactly is still a misheard window
        ("take at or vastatin daily", "at or vastatin", "atorvastatin"),
        # ... even when its pieces are lexicon terms themselves (Zol, PID)
        ("CONTINUE ZOL PID EM FIVE MILLIGRAMS EVERY EVENING", "ZOL PID EM", "zolpidem"),
    ],
)
def test_validate_near_lexicon_multiword(validator: Validator, spec: str, span: str,
                                         canonical: str) -> None:
    doc = validator.validate(make_doc(spec))
    flags = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert [f.text for f in flags] == [span]
    flag = flags[0]
    assert flag.candidates[0].canonical == canonical
    assert doc.span_text(flag.start, flag.end) == span
    assert flag.confidence is not None and flag.confidence >= 0.5
    assert "near_lexicon" in flag.reasons
    assert set(flag.evidence) & {"sound", "spelling"}
    features = flag.candidates[0].features
    for name in ("spelling", "sound", "sound_class", "prior", "dose_context", "similarity"):
        assert name in features


def test_validate_at_our_master_proposes_atorvastatin(validator: Validator) -> None:
    # the whole three-word window is flagged and atorvastatin is proposed; it ranks just
    # behind "Anatrast" (barium sulfate), a closer sound whose shipped prior is as high
    doc = validator.validate(make_doc("take at/0.5 our/0.6 master/0.4 20 mg at night"))
    flags = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert [f.text for f in flags] == ["at our master"]
    assert "atorvastatin" in [c.canonical for c in flags[0].candidates[:3]]


def test_validate_one_word_close_to_multiword_term() -> None:
    lexicon = Lexicon.from_entries("test", [
        Entry("insulin glargine", "insulin glargine", "generic", 0.8, (), "test"),
        Entry("insulin lispro", "insulin lispro", "generic", 0.7, (), "test"),
    ])
    doc = Validator([lexicon]).validate(make_doc("give insulinglarjine/0.4 10 units at night"))
    flag = only_doubtful(doc)[0]
    assert flag.candidates[0].canonical == "insulin glargine"


def _ocr_word(text: str, conf: float, choices: list[list[tuple[str, float]]]) -> Word:
    return Word(text=text, confidence=conf, page=1, bbox=(0, 0, 10, 10), chars=[
        CharChoices(choices=[CharChoice(text=t, confidence=c) for t, c in position])
        for position in choices
    ])


def _ocr_doc(words: list[Word]) -> Document:
    return Document(
        source=Source(path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)],
    )


def test_validate_ocr_character_choices(validator: Validator) -> None:
    text = "Usinopril"
    chars = [[("U", 0.55), ("Li", 0.4)]] + [[(c, 0.9)] for c in text[1:]]
    word = _ocr_word(text, 0.5, chars)
    doc = validator.validate(_ocr_doc([word, Word(text="10", confidence=0.9),
                                       Word(text="mg", confidence=0.9)]))
    flag = only_doubtful(doc)[0]
    assert flag.text == "Usinopril"
    assert flag.candidates[0].canonical == "lisinopril"
    assert "ocr_choices" in flag.candidates[0].evidence
    assert flag.candidates[0].features["ocr_choices"] > 0


def _dosed_line(word: Word) -> Document:
    return _ocr_doc([Word(text="Metformin", confidence=0.96), Word(text="500", confidence=0.95),
                     word, Word(text="with", confidence=0.95), Word(text="meals", confidence=0.95)])


def test_validate_terms_glued_by_a_mark_are_suggested_whole(validator: Validator) -> None:
    """OCR read "mg BID" as "mg:B10" (at 0.31), its own character choices holding
    "mg:BID": the word was suggested "mg", the letters its key kept, and an answer taking
    the suggestion dropped the frequency. It is suggested as the terms a reading of its
    choices makes of every part; with none, it is doubted with no suggestion."""
    chars = [[("m", 0.95)], [("g", 0.94)], [(":", 0.88), ("-", 0.5)], [("B", 0.86), ("8", 0.59)],
             [("1", 0.82), ("I", 0.80), ("l", 0.42)], [("0", 0.89), ("D", 0.68), ("O", 0.61)]]
    doc = validator.validate(_dosed_line(_ocr_word("mg:B10", 0.31, chars)))
    flag = next(f for f in doc.flags if f.text == "mg:B10")
    assert [(c.term, c.evidence) for c in flag.candidates] == [("mg BID", ["ocr_choices"])]
    assert 'maybe="mg BID">mg:B10</unsure>' in render(doc, preamble=False).text
    plain = _ocr_word("mg:B10", 0.31, [[(c, 0.9)] for c in "mg:B10"])
    doc = validator.validate(_dosed_line(plain))
    flag = next(f for f in doc.flags if f.text == "mg:B10")
    assert flag.candidates == []
    assert '<unsure p="0.31">mg:B10</unsure>' in render(doc, preamble=False).text
    # a reading of the page's text layer of the whole word is the word's own evidence
    layered = plain.model_copy(update={"alternatives": [
        Alternative(text="Metformin", source="pdf_text_layer")]})
    doc = validator.validate(_dosed_line(layered))
    assert [c.term for c in next(f for f in doc.flags if f.text == "mg:B10").candidates] == [
        "metformin"]
    # a piece the candidate corrects is still suggested so
    doc = validator.validate(_dosed_line(Word(text="Metforrnin:tab2", confidence=0.3)))
    flag = next(f for f in doc.flags if f.text == "Metforrnin:tab2")
    assert [c.canonical for c in flag.candidates][:1] == ["metformin"]


@pytest.mark.parametrize(
    ("layer", "choices", "suggested"),
    [("mg", True, [("mg BID", ["ocr_choices"])]),
     ("mg", False, []),
     ("BID", True, [("mg BID", ["text_layer"])]),
     ("BID", False, [("mg BID", ["text_layer"])]),
     ("mg BID", False, [("mg BID", ["text_layer"])]),
     # a layer misreading the whole word as OCR did names no term: OCR's choices say
     ("mg:B1O", True, [("mg BID", ["ocr_choices"])]),
     ("mg:B1O", False, [])],
)
def test_validate_text_layer_reading_part_of_glued_terms_keeps_them_whole(
        validator: Validator, layer: str, choices: bool,
        suggested: list[tuple[str, list[str]]]) -> None:
    """The page's text layer reads "mg" where OCR read "mg:B10", its choices holding
    "mg:BID": the layer's reading kept the word from being read whole, and "mg" was
    suggested, an answer taking it dropping the frequency. A layer's reading of one part
    of the word is that part's: the rest is read from OCR's choices ("mg BID"), or with
    none the piece as written is no suggestion; the layer's misread part in its place
    makes the terms ("BID": "mg BID")."""
    chars = ([[("m", 0.95)], [("g", 0.94)], [(":", 0.88), ("-", 0.5)], [("B", 0.86), ("8", 0.59)],
              [("1", 0.82), ("I", 0.80), ("l", 0.42)], [("0", 0.89), ("D", 0.68), ("O", 0.61)]]
             if choices else [[(c, 0.9)] for c in "mg:B10"])
    word = _ocr_word("mg:B10", 0.31, chars).model_copy(update={"alternatives": [
        Alternative(text=layer, source="pdf_text_layer")]})
    doc = validator.validate(_dosed_line(word))
    flag = next(f for f in doc.flags if f.text == "mg:B10")
    assert [(c.term, c.evidence) for c in flag.candidates] == suggested


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("Metfonnin", "metformin"), ("Amoxici11in", "amoxicillin"), ("Atorvastatln", "atorvastatin"),
     ("Lisinioprii-10'mg", "lisinopril")],
)
def test_validate_ocr_glyph_confusions(validator: Validator, text: str, canonical: str) -> None:
    doc = validator.validate(_ocr_doc([Word(text=text, confidence=0.45),
                                       Word(text="500", confidence=0.9),
                                       Word(text="mg", confidence=0.9)]))
    flag = only_doubtful(doc)[0]
    assert flag.start == 0 and flag.reason == "near_lexicon"
    assert flag.candidates[0].canonical == canonical
    assert "out_of_vocabulary" in flag.reasons


def test_validate_glyph_evidence_on_digit_confusion(validator: Validator) -> None:
    doc = validator.validate(_ocr_doc([Word(text="Amoxici11in", confidence=0.6)]))
    assert "glyph" in doc.flags[0].candidates[0].evidence


def test_validate_glyph_variant_is_not_cut_to_a_letter_run(validator: Validator) -> None:
    # undoing i/1 in the name "PRIYA" spells "pr1ya": a whole spelling, not the run "pr"
    # of a token glued to a dose, so the route abbreviation PR is not proposed
    doc = validator.validate(_ocr_doc([Word(text="PRIYA", confidence=0.96),
                                       Word(text="10", confidence=0.9),
                                       Word(text="mg", confidence=0.9)]))
    assert all(c.canonical != "PR" for f in doc.flags for c in f.candidates)
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("text", ["DOB:", "QTY:", "NKDA", "Rx", "BP"])
def test_validate_form_headings_are_known(validator: Validator, text: str) -> None:
    doc = validator.validate(_ocr_doc([Word(text=text, confidence=0.9),
                                       Word(text="01/02/1960", confidence=0.9)]))
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_spelled_decimal_dose_is_a_number(validator: Validator,
                                                   modality: Modality) -> None:
    # "two point five" is the dose, not syllables of a drug name ("at two point" ~ atropine)
    default = None if modality == "text" else 0.95
    doc = validator.validate(make_doc("KEEP THAT AT TWO POINT FIVE MILLIGRAMS ONCE DAILY",
                                      modality=modality, default=default))
    assert doc.flags == []


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_written_window_stops_at_clause_end(validator: Validator,
                                                      modality: Modality) -> None:
    # "needed, maybe" before "twice a day" is two clauses, not one misspelt nintedanib
    default = None if modality == "text" else 0.95
    doc = validator.validate(make_doc("Ibuprofen 400 when needed, maybe twice a day.",
                                      modality=modality, default=default))
    assert only_doubtful(doc) == []


@pytest.mark.parametrize(
    ("text", "span", "canonical"),
    [("we will stop the all beauty rule today", "all beauty rule", "albuterol"),
     ("patient is allergic to toms you lose in it gave her a rash", "toms you lose in",
      "tamsulosin"),
     # a prescribing word before and a dose right after: the drug's own slot, whose
     # ordinary words outweigh a closer sound-alike that leaves "awful" before the dose
     ("patient reports a dry cough since starting lives in awful ten milligrams daily.",
      "lives in awful", "lisinopril"),
     # "the" is the recogniser's word before a misheard name, not a syllable of it
     ("we will stop the do locks a teen 30 milligrams daily", "do locks a teen",
      "duloxetine"),
     # a prescribing word and a determiner before the name, whatever the verb
     ("hold the monte luke cast until the kidney function is rechecked", "monte luke cast",
      "montelukast"),
     ("Hold the carved lol until the kidney function is rechecked.", "carved lol",
      "carvedilol"),
     # other ways a dictation governs a drug: before it, or after it
     ("He could not tolerate the lever tear a set am, it made him dizzy.",
      "lever tear a set am,", "levetiracetam"),
     ("She ran out of her mem and teen about a week ago.", "mem and teen", "memantine"),
     ("Instead of ox ee bue tin in, let's see how she does.", "ox ee bue tin in,",
      "oxybutynin"),
     ("The valley cycle veer was increased last month.", "valley cycle veer",
      "valacyclovir"),
     ("Her metro nida zoll has been stopped.", "metro nida zoll", "metronidazole"),
     # the nouns of prescribing: "a prescription for", "a course of", "a trial of"
     ("She needs a new prescription for lever thigh rocks in.", "lever thigh rocks in.",
      "levothyroxine"),
     ("She finished a course of a mocks a sillin last week.", "a mocks a sillin",
      "amoxicillin"),
     ("We started a trial of gabby pen tin for the nerve pain.", "gabby pen tin",
      "gabapentin"),
     ("The dose of met for men was too high.", "met for men", "metformin"),
     # ... and through a determiner, as "ran out of her"
     ("Take double dose of the metro lol tomorrow.", "metro lol", "metoprolol"),
     ("She needs a refill of her lever thigh rocks in.", "lever thigh rocks in.",
      "levothyroxine"),
     # a prescribing verb through its object: "started her on", "took him off"
     ("We started her on lever thigh rocks in.", "lever thigh rocks in.", "levothyroxine"),
     ("We took him off met for men last month.", "met for men", "metformin")],
)
def test_validate_plain_text_window_after_a_prescribing_word(
        validator: Validator, text: str, span: str, canonical: str) -> None:
    """Plain text cannot doubt a word: a prescribing word before a run is the evidence."""
    doc = validator.validate(make_doc(text, modality="text", default=None))
    assert [(f.reason, f.text) for f in doc.flags] == [("near_lexicon", span)]
    assert doc.flags[0].candidates[0].canonical == canonical


@pytest.mark.parametrize(
    ("spec", "span", "canonical"),
    [("He could not tolerate the flu connoisseur/0.45 it made him dizzy.", "flu connoisseur",
      "fluconazole"),
     ("Go ahead and taper the lever/0.5 tear/0.8 a/0.7 set/0.8 am/0.6 down to five hundred.",
      "lever tear a set am", "levetiracetam")],
)
def test_validate_speech_window_governed_by_other_prescribing_phrases(
        validator: Validator, spec: str, span: str, canonical: str) -> None:
    doc = validator.validate(make_doc(spec))
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [("near_lexicon", span)]
    assert canonical in [c.canonical for c in doc.flags[0].candidates[:3]]


@pytest.mark.parametrize(("spec", "modality", "spans"), [
    # what is said after a list's last member is said of each member: "were held" governs
    # the name before "and" too
    ("Both metro nida zoll and lever thigh rocks in were held.", "text",
     [("metro nida zoll", "metronidazole"), ("lever thigh rocks in", "levothyroxine")]),
    ("Both the metro nida zoll and the lever thigh rocks in were stopped.", "text",
     [("metro nida zoll", "metronidazole"), ("lever thigh rocks in", "levothyroxine")]),
    ("Both the dozen/0.56 present/0.73 and the rame/0.08 theme/0.2 were given at nine.",
     "audio", [("dozen present", "desmopressin"), ("rame theme", None)]),
    # ... and not across a clause: "dizzy" is no member of a list of names
    ("She felt dizzy and lever thigh rocks in was held.", "text",
     [("lever thigh rocks in", "levothyroxine")]),
])
def test_validate_a_list_shares_the_prescribing_phrase_after_it(
        validator: Validator, spec: str, modality: Modality,
        spans: list[tuple[str, str | None]]) -> None:
    """In "both Restoril and bisoprolol were held" only the last name was searched as a
    drug's: the first, heard as everyday words ("both restored and ..."), was no window
    a prescribing phrase governed."""
    doc = validator.validate(make_doc(spec, modality="text", default=None)
                             if modality == "text" else make_doc(spec))
    found = [(f.text, f.candidates[0].canonical) for f in only_doubtful(doc)]
    assert [text for text, _ in found] == [text for text, _ in spans]
    assert all(want is None or want == got
               for (_, want), (_, got) in zip(spans, found, strict=True))


def test_validate_a_list_joined_by_an_and_heard_in_doubt(validator: Validator) -> None:
    """In speech the list's "and" beside a garbled name may be heard in doubt ("both
    restored and tied up without were held", its "and" at 0.74): the prescribing phrase
    after the list still governs the name before it, for the audio to bear out; an
    "and" heard under the low-confidence line joins no list."""
    doc = validator.validate(make_doc(
        "Both restored/0.45 and/0.74 tied/0.38 up without were held."))
    assert doc.validation is not None
    assert ("restored", "temazepam") in [(h.text, h.candidates[0].canonical)
                                         for h in doc.validation.hunches]
    doc = validator.validate(make_doc(
        "Both restored/0.45 and/0.1 tied/0.38 up without were held."))
    assert doc.validation is not None
    assert "restored" not in [h.text for h in doc.validation.hunches]


@pytest.mark.parametrize(
    ("modality", "searched"),
    [("audio", ["ox to"]),
     # plain text cannot doubt a word: the prescribing word is enough to search the run
     ("text", ["ox to", "ox to the", "ox to the barn"])],
)
def test_validate_windows_no_term_could_flag_are_not_searched(
        validator: Validator, monkeypatch: pytest.MonkeyPatch, modality: Modality,
        searched: list[str]) -> None:
    # a word of fewer than four letters that spells no term ("ox"), and in speech a run
    # of everyday words heard surely after a prescribing word ("ox to the barn"), reach
    # no search: the search would take them for no term, so the sweep no longer hands
    # them over (the half in doubt, "ox to", is searched)
    reached: list[str] = []
    search = validator._window

    def spy(window: list, i: int, j: int, *args: object, **kwargs: object) -> object:
        reached.append(" ".join(w.text for w in window))
        return search(window, i, j, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validator, "_window", spy)
    doc = validator.validate(make_doc("Take the ox/0.4 to the barn", modality=modality,
                                      default=None if modality == "text" else 0.93))
    assert reached == searched
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_word_of_time_is_no_syllable_of_a_name(validator: Validator,
                                                          modality: Modality) -> None:
    # "last month" before the dose's "to" was searched as a name (fentanyl)
    line = "The valley cycle veer was increased last month to 1000 milligrams."
    doc = validated_as(validator, line, modality)
    assert [f.text for f in only_doubtful(doc)] == (
        ["valley cycle veer"] if modality == "text" else [])
    # a syllable the recogniser doubted may still be a word of time misheard
    doc = validator.validate(make_doc("Start metro/0.4 day/0.3 zoll/0.4 500 mg twice daily"))
    assert doc.flags[0].text == "metro day zoll"


@pytest.mark.parametrize(
    ("spec", "span", "canonical"),
    [("Her amateur plan stays at 10 milligrams at bedtime.", "amateur plan", "amitriptyline"),
     ("HER ZIP REX A STAYS AT TEN MILLIGRAMS AT BEDTIME", "ZIP REX A", "olanzapine"),
     ("Her amateur/0.7 plan/0.9 stays at 10 milligrams at bedtime.", "amateur plan",
      "amitriptyline"),
     ("Her repair/0.5 roll/0.6 remains at 0.25 milligrams at bedtime.", "repair roll",
      "ropinirole"),
     ("We'll taper the pred nice own down to 10 milligrams daily.", "pred nice own",
      "prednisone"),
     ("Titrate lie/0.6 sin/0.4 a/0.8 pril/0.3 up to 40 milligrams daily.", "lie sin a pril",
      "lisinopril")],
)
def test_validate_a_word_linking_a_name_to_its_dose(
        validator: Validator, spec: str, span: str, canonical: str) -> None:
    # "X stays at 10 mg", "taper X down to 10 mg": the window before the link is next to
    # the dose, and the link is no syllable of the name ("plan stays at" was searched as
    # psyllium, "pred nice own down" as the name)
    doc = validator.validate(make_doc(spec, modality="text" if "/" not in spec else "audio",
                                      default=None if "/" not in spec else 0.95))
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [("near_lexicon", span)]
    assert canonical in [c.canonical for c in doc.flags[0].candidates[:3]]


@pytest.mark.parametrize(
    ("line", "span", "canonical"),
    [("Okay, so the certain line, we will keep that at 25 milligrams at bedtime.",
      "certain line,", "sertraline"),
     ("okay so the gobble pentin we will keep that at one hundred milligrams at bedtime",
      "gobble pentin", "gabapentin"),
     ("The night trophy ran toin, I'll increase it to 100 milligrams.", "night trophy ran toin,",
      "nitrofurantoin")],
)
def test_validate_a_name_taken_up_again_for_its_dose(
        validator: Validator, line: str, span: str, canonical: str) -> None:
    # "the X, we will keep that at 25 mg": the words after the name put it in a drug's
    # slot, as a prescribing word before it would
    doc = validated_as(validator, line, "text")
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [("near_lexicon", span)]
    assert doc.flags[0].candidates[0].canonical == canonical


def test_validate_the_words_taking_a_name_up_again_are_no_hunch(validator: Validator) -> None:
    # "keep that at" before the dose was kept as a hunch (cobicistat) for the audio to judge
    doc = validated_as(validator, "Okay, so the lisinopril, we will keep that at 10 milligrams "
                       "daily.", "audio")
    assert doc.validation is not None and doc.validation.hunches == []
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "lisinopril,")]


@pytest.mark.parametrize(
    ("line", "modality", "span", "canonical"),
    [("We're holding the dexa meth a sewn today because his pressure was soft overnight.",
      "text", "dexa meth a sewn", "dexamethasone"),
     ("We're holding the dexa meth a sewn today because his pressure was soft overnight.",
      "audio", "dexa meth a sewn", "dexamethasone"),
     ("Keep giving the dual a glue tide every Sunday.", "text", "dual a glue tide",
      "dulaglutide"),
     ("She reacted to riff axe a mean years ago with hives and swollen lips.", "text",
      "riff axe a mean", "rifaximin"),
     # a dose by weight: "the X works out to 250 mg"
     ("So the metro night as all works out to 250 milligrams three times a day.", "text",
      "metro night as all", "metronidazole"),
     ("So the metro night as all works out to 250 milligrams three times a day.", "audio",
      "metro night as all", "metronidazole"),
     # a term of several words beginning with a word of the window goes on like the
     # window by sound as well as by letters
     ("She also takes insulin to Tamir.", "text", "insulin to Tamir.", "insulin detemir"),
     ("She also takes insulin to Tamir.", "audio", "insulin to Tamir.", "insulin detemir")],
)
def test_validate_more_of_the_ways_a_drug_is_spoken_of(
        validator: Validator, line: str, modality: Modality, span: str, canonical: str) -> None:
    # the other forms of the prescribing verbs ("holding", "giving"), an allergy's
    # "reacted to", a dose by weight's "works out to": none was a drug's context before
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [("near_lexicon", span)]
    assert doc.flags[0].candidates[0].canonical == canonical


@pytest.mark.parametrize(
    ("line", "modality", "span", "canonical"),
    [# what a drug's box says of its dose, after the name
     ("My son got into her dennis you mab, the box says 60 milligrams.", "text",
      "dennis you mab,", "denosumab"),
     ("My son got into her dennis you mab, the box says 60 milligrams.", "audio",
      "dennis you mab,", "denosumab"),
     # a count of pills, or an amount, of the drug
     ("She took two of the do lute a grab ear by mistake, is that dangerous?", "text",
      "do lute a grab ear", "dolutegravir"),
     ("She took two of the do lute a grab ear by mistake, is that dangerous?", "audio",
      "do lute a grab ear", "dolutegravir"),
     ("Take half a tab of the scope all a mean until you see the doctor.", "text",
      "scope all a mean", "scopolamine"),
     # which of a patient's doses: "take the last X", "continue home X"
     ("When did you take the last tear a zoe sin this morning?", "text", "tear a zoe sin",
      "terazosin"),
     ("Continue home met for men at the same dose.", "text", "met for men", "metformin"),
     # how the pill looks, after the name
     ("Then there's the al fuzzo sin, the little white one, after supper.", "text",
      "al fuzzo sin,", "alfuzosin")],
)
def test_validate_the_ways_a_pharmacy_and_a_family_speak_of_a_drug(
        validator: Validator, line: str, modality: Modality, span: str, canonical: str) -> None:
    # a box's "says 60 mg", "took two of the", "half a tab of the", "the last", "home",
    # "the little white one": none was a drug's context before
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [("near_lexicon", span)]
    assert doc.flags[0].candidates[0].canonical == canonical


def test_validate_a_doubted_home_is_part_of_the_name(validator: Validator) -> None:
    # "taking home for an old 40 milligram" (omeprazole): the doubted "home" is no word
    # saying which dose ("continue home X"), and the window keeps it
    doc = validator.validate(make_doc(
        "Patient/0.69 reports/0.42 taking/0.44 home/0.16 for/0.01 an/0.00 old/0.05 40/0.80 "
        "milligram/0.64 every/0.80 morning./0.97"))
    flag = only_doubtful(doc)[0]
    assert flag.text == "home for an old"
    assert "omeprazole" in [c.canonical for c in flag.candidates[:3]]


@pytest.mark.parametrize("line", [
    "We took two of the kids to the park.", "Take the last train home tonight.",
    "The car, the little white one, is mine.", "The box says fragile, handle with care.",
    "She bought the oven, the box says 60 inches.", "Take the next exit after the bridge.",
    "Continue home schooling for now.", "I took two of the cookies.",
    "This is the generic for cereal."])
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_the_pharmacy_words_before_everyday_words(
        validator: Validator, line: str, modality: Modality) -> None:
    doc = validated_as(validator, line, modality)
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("line", [
    "I am holding the baby while she sleeps.", "We are giving the car a wash on Sunday.",
    "The recipe works out to 200 grams of flour per loaf.",
    "He reacted to the news with a smile.", "Sodium intake under 2000 mg."])
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_the_same_words_before_everyday_words(
        validator: Validator, line: str, modality: Modality) -> None:
    doc = validated_as(validator, line, modality)
    assert only_doubtful(doc) == []


def test_validate_an_amount_of_it_takes_the_name_up_again(validator: Validator) -> None:
    # "Yeah, the X, I take 125 milligrams of it": the amount is of the name said before,
    # and "it" is no name ("it, mostly" was a hunch, testosterone)
    doc = validator.validate(make_doc(
        "Yeah, the bank/0.52 of/0.50 myson./0.56 I take 125 milligrams of it. Mostly twice "
        "a day"))
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [
        ("near_lexicon", "bank of myson.")]
    assert doc.flags[0].candidates[0].canonical == "vancomycin"
    doc = validator.validate(make_doc("I take 150 milligrams of it/0.07 mostly/0.10 twice a day"))
    assert [f.reason for f in doc.flags] == ["low_confidence"]
    assert doc.validation is not None and doc.validation.hunches == []


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_everyday_sentences_with_prescribing_words_are_not_flagged(
        validator: Validator, modality: Modality) -> None:
    """'Take the bus', 'stop the car': a prescribing word before ordinary words is no drug."""
    lines = (DATA / "everyday_cues.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 50
    default = None if modality == "text" else 0.95
    for line in lines:
        doc = validator.validate(make_doc(line, modality=modality, default=default))
        assert only_doubtful(doc) == [], line


def test_validate_terms_inside_a_sentence_stay_verified(validator: Validator) -> None:
    """Spelling a longer term takes the words' own order: PID then zolpidem stay apart
    (PID with no dose is pelvic inflammatory disease, not phenindione's abbreviation:
    no flag; "PID 50 mg" is the drug)."""
    doc = validator.validate(make_doc("he has PID and takes zolpidem nightly"))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "zolpidem")]
    doc = validator.validate(make_doc("he takes PID 50 mg and zolpidem nightly"))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "PID"),
                                                       ("verified", "zolpidem")]


@pytest.mark.parametrize("modality", ["audio", "text"])
def test_validate_a_foreign_synonym_is_no_drug_name(validator: Validator,
                                                    modality: Modality) -> None:
    """DrugBank gives chlorine the German "Chlor": "chlor ride" (potassium chloride, its
    "potassium" missed) was verified as chlorine. The shipped lexicon leaves such words
    out, not the names they sit beside."""
    doc = validated_as(validator, "Start chlor ride 20 mEq", modality)
    assert not [f for f in doc.flags if f.reason == "verified"]
    assert "chlorine" not in {c.canonical for f in doc.flags for c in f.candidates}
    for line, span, canonical in [
            ("Start potassium chloride 20 mEq", "potassium chloride", "potassium chloride"),
            ("Secretin 16 mcg IV", "Secretin", "secretin human")]:
        doc = validated_as(validator, line, modality)
        (flag,) = [f for f in doc.flags if f.reason == "verified"]
        assert (flag.text, flag.candidates[0].canonical) == (span, canonical)


@pytest.mark.parametrize("modality", ["audio", "text"])
@pytest.mark.parametrize(("line", "salt"), [
    ("Start chlor ride 20 mEq daily.", "potassium chloride"),
    ("Give chlor ride 40 milliequivalents by mouth now.", "potassium chloride"),
    ("Start sit rate 15 mEq twice daily.", "potassium citrate"),
])
def test_validate_a_dose_in_meq_brings_the_salts_so_dosed(validator: Validator, line: str,
                                                          salt: str, modality: Modality) -> None:
    """"chlor ride 20 mEq" (potassium chloride, "potassium" lost) was suggested Chlotride,
    Chlor-Trimeton and the chloride ion, nothing the drug nearly every dose in mEq is of.
    The salts so dosed whose anion the words spell join the flag's candidates; the flag
    stays as it was."""
    doc = validated_as(validator, line, modality)
    (flag,) = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert salt in [c.canonical for c in flag.candidates[:3]]
    scores = [c.score for c in flag.candidates]
    assert scores == sorted(scores, reverse=True)
    # the same words before a dose in milligrams are not so read, nor is the flag changed
    plain = validated_as(validator, line.replace("milliequivalents", "mg").replace("mEq", "mg"),
                         modality)
    (other,) = [f for f in plain.flags if f.reason == "near_lexicon"]
    assert salt not in [c.canonical for c in other.candidates]
    assert (other.start, other.end, other.confidence) == (flag.start, flag.end, flag.confidence)


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize("line", ["Potassium Chioride 20 mEq daily",
                                  "Potassium Chioride ER 20 mEq - 1 tab daily",
                                  "Start chlor ride 20 mEq daily."])
def test_validate_a_salt_dosed_in_meq_is_suggested_first(line: str,
                                                         modality: Modality) -> None:
    """"Potassium Chioride 20 mEq" (OCR's i for l) was suggested potassium iodide first,
    its prior far above potassium chloride's and its letters a little further: no one
    doses the iodide in mEq. A salt so dosed among the candidates comes first; before a
    dose in milligrams the letters and priors say as before."""
    doc = validate(_line_doc(line, modality))
    (flag,) = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert flag.candidates[0].canonical == "potassium chloride"
    scores = [c.score for c in flag.candidates]
    assert scores == sorted(scores, reverse=True) and scores[0] >= flag.confidence
    plain = validate(_line_doc(line.replace("mEq", "mg"), modality))
    (other,) = [f for f in plain.flags if f.reason == "near_lexicon"]
    assert other.confidence == flag.confidence


@pytest.mark.parametrize("modality", ["audio", "text"])
def test_validate_an_anion_dosed_in_meq_is_its_salt(validator: Validator,
                                                    modality: Modality) -> None:
    """"Start chloride 20 mEq daily." was verified as the chloride ion: the rule adding
    the salts dosed in mEq held for doubted spans only. An anion written alone before such
    a dose is doubted, the salt first and the ion after it; before a dose in milligrams,
    or a concentration per litre (a laboratory's value), it stays as it was."""
    doc = validated_as(validator, "Start chloride 20 mEq daily.", modality)
    (flag,) = doc.flags
    assert (flag.reason, flag.text) == ("near_lexicon", "chloride")
    assert [c.canonical for c in flag.candidates] == ["potassium chloride", "chloride ion"]
    assert flag.confidence > 0.5 > flag.candidates[1].score
    for line in ("Start chloride 20 mg daily.", "Start potassium chloride 20 mEq daily."):
        doc = validated_as(validator, line, modality)
        assert not [f for f in doc.flags if f.reason != "verified"], line
    lab = validator.validate(document_from_text("Start chloride 20 mEq/L daily."))
    assert not [f for f in lab.flags if f.reason != "verified"]


@pytest.mark.parametrize("spec", [
    "Recheck potassium and magnesium/0.6 on/0.5 Friday.",
    "Check the potassium/0.7 on/0.4 Monday and the sodium/0.7 on/0.4 Tuesday.",
])
def test_validate_an_electrolyte_checked_on_a_day_is_no_ion(validator: Validator,
                                                            spec: str) -> None:
    """DrugBank names magnesium's and potassium's ions "Magnesium ion", "Potassium ion":
    a dictation's "magnesium on Friday", heard in doubt, was flagged near_lexicon with
    "Magnesium ion" first. The shipped lexicon leaves such chemistry out; the drug is
    still known by its name."""
    doc = validator.validate(make_doc(spec))
    assert [f.text for f in doc.flags if f.reason != "verified"] == []
    doc = validated_as(validator, "Magnesium oxide 400 mg daily", "audio")
    assert [f.candidates[0].canonical for f in doc.flags] == ["magnesium oxide"]


@pytest.mark.parametrize("modality", ["image", "audio"])
def test_validate_a_dose_with_a_ruled_lines_mark_is_a_dose(validator: Validator,
                                                          modality: Modality) -> None:
    """A scan's "4mg_" (a ruled line's underscore after "4mg") was a word, not a dose:
    its letters were verified as the unit mg, and the name before it had no dose's
    context. It reads as "4mg" does."""
    for written in ("4mg_", "4mg"):
        doc = validator.validate(make_doc(f"Ondansetrn/0.5 {written} PO", modality=modality))
        assert [f.text for f in doc.flags] == ["Ondansetrn"]
        assert doc.flags[0].candidates[0].canonical == "ondansetron"
        assert doc.flags[0].candidates[0].features["dose_context"] == 1.0


def test_validate_custom_lexicon_by_path(validator: Validator) -> None:
    formulary = load_lexicon(DATA / "uk_formulary.tsv", name="formulary")
    custom = Validator(["drugs", formulary])
    doc = custom.validate(make_doc("two Calpol 500 mg four times a day"))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "Calpol")]
    assert doc.flags[0].candidates[0].canonical == "paracetamol"
    assert doc.flags[0].candidates[0].lexicon == "formulary"
    doc = custom.validate(make_doc("then zap/0.4 pain/0.5 two tablets 30 mg"))
    flag = only_doubtful(doc)[0]
    assert (flag.text, flag.candidates[0].canonical) == ("zap pain", "co-codamol")
    # without the formulary the brand is unknown to the validator
    plain = validator.validate(make_doc("then zap/0.4 pain/0.5 two tablets 30 mg"))
    assert not any(c.canonical == "co-codamol" for f in plain.flags for c in f.candidates)


@pytest.mark.parametrize(
    ("line", "span", "term"),
    [
        ("Start Médrol 4 mg daily.", "Médrol", "Médrol"),
        ("History of Ménière disease.", "Ménière disease.", "Ménière disease"),
        ("History of Guillain-Barré syndrome.", "Guillain-Barré syndrome.",
         "Guillain-Barré syndrome"),
        # written without the accents, as most notes are
        ("History of Guillain-Barre syndrome.", "Guillain-Barre syndrome.",
         "Guillain-Barré syndrome"),
        ("Start Medrol 4 mg daily.", "Medrol", "Médrol"),
    ],
)
def test_validate_an_accented_user_term_is_verified(line: str, span: str, term: str) -> None:
    """A term's exact key drops its accents as the words' keys do: "Médrol" is verified,
    not a near match of itself."""
    lexicon = Lexicon.from_entries("local", [Entry("Médrol", "méthylprednisolone", "brand", 0.6),
                                             Entry("Ménière disease", kind="condition"),
                                             Entry("Guillain-Barré syndrome", kind="condition")])
    doc = Validator([lexicon]).validate(document_from_text(line))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", span)]
    assert doc.flags[0].candidates[0].term == term


@pytest.mark.parametrize(
    ("line", "span"),
    [
        ("History of Guillain-Barre syndrome.", "Guillain-Barre syndrome."),
        ("History of Guillain Barre syndrome.", "Guillain Barre syndrome."),
        ("Give Kelumab pre-filled syringe weekly.", "Kelumab pre-filled syringe"),
        ("Give Kelumab prefilled syringe weekly.", "Kelumab prefilled syringe"),
        ("Start co-trimoxazole forte today.", "co-trimoxazole forte"),
        ("Start co trimoxazole forte today.", "co trimoxazole forte"),
    ],
)
def test_validate_a_term_with_a_hyphen_inside_a_word_is_verified(line: str, span: str) -> None:
    """The words of a window may break where the term's words do or at none of its
    hyphens: a hyphenated word of a term of several words is written as one word."""
    lexicon = Lexicon.from_entries("local", [
        Entry("Kelumab pre-filled syringe", "Kelumab PFS", "product", 0.6),
        Entry("Guillain-Barre syndrome", kind="condition"),
        Entry("co-trimoxazole forte", "co-trimoxazole", "generic", 0.6)])
    doc = Validator([lexicon]).validate(document_from_text(line))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", span)]


def test_validate_words_breaking_inside_a_term_word_spell_no_term() -> None:
    """"co trimox azole forte" breaks where the term does not: not spelled exactly."""
    lexicon = Lexicon.from_entries("local", [Entry("co-trimoxazole forte", kind="generic")])
    doc = Validator([lexicon]).validate(document_from_text("Start co trimox azole forte today."))
    assert not [f for f in doc.flags if f.reason == "verified"]


#: a hospital's lexicon whose terms hold a mark, a number, units and dose forms, or six
#: words: each is read as a term only written whole
_WHOLE_TERMS = (
    "term\tcanonical\tkind\tprior\n"
    '"Tylenol #3"\tacetaminophen / codeine\tbrand\t0.6\n'
    "Tylenol with Codeine #3\tacetaminophen / codeine\tbrand\t0.6\n"
    "Zylorin #3\tZylorin with codeine\tbrand\t0.5\n"
    "Zorvaxin extended release tablet\tZorvaxin\tbrand\t0.5\n"
    "Vexamor Pulse Monitor 3000\tpulse oximeter\tproduct\t0.5\n"
    "Brenzavo 10 mg tablet\tBrenzavo\tbrand\t0.5\n"
    "Tylenol No. 3\tacetaminophen / codeine\tbrand\t0.6\n"
    "Quorvanta Mylentis Deprazole Oravix Zentrabin Kelmora\tQMD\tbrand\t0.5\n"
)


@pytest.mark.parametrize(
    ("line", "span"),
    [
        ("Patient takes Tylenol #3 for pain.", "Tylenol #3"),
        ("Continue Tylenol with Codeine #3 as needed.", "Tylenol with Codeine #3"),
        ("Give Zylorin #3 at night.", "Zylorin #3"),
        ("(Zylorin #3) at night.", "(Zylorin #3)"),
        ("Started Zorvaxin extended release tablet last week.",
         "Zorvaxin extended release tablet"),
        ("Started Zorvaxin extended-release tablet last week.",
         "Zorvaxin extended-release tablet"),
        ("Uses a Vexamor Pulse Monitor 3000 at home.", "Vexamor Pulse Monitor 3000"),
        ("Uses a Vexamor Pulse Monitor 3000.", "Vexamor Pulse Monitor 3000."),
        ("Take Brenzavo 10 mg tablet daily.", "Brenzavo 10 mg tablet"),
        ("Tylenol No. 3 for pain.", "Tylenol No. 3"),
        ("Prescribed Quorvanta Mylentis Deprazole Oravix Zentrabin Kelmora today.",
         "Quorvanta Mylentis Deprazole Oravix Zentrabin Kelmora"),
    ],
)
def test_validate_a_term_written_whole_is_verified(tmp_path: Path, line: str, span: str) -> None:
    """A user's term holding a mark ("#3"), a number, a unit or a dose form, or of six
    words, was verified in part (or not at all, its name doubted): no window joins a
    number, a unit or a form to the words before it, nor more than five words. Written
    whole as the lexicon has it, it is verified whole."""
    path = tmp_path / "hospital.tsv"
    path.write_text(_WHOLE_TERMS, encoding="utf-8")
    doc = validate(document_from_text(line), lexicons=["drugs", "clinical", path])
    assert [(f.reason, f.text) for f in doc.flags if f.end - f.start > 1
            or f.reason != "verified"] == [("verified", span)]
    flag = next(f for f in doc.flags if f.text == span)
    assert flag.candidates[0].lexicon == "hospital"
    # heard so, it is verified whole too
    heard = Validator(["drugs", "clinical", path]).validate(make_doc(line))
    assert [f.text for f in heard.flags if f.reason == "verified" and f.end - f.start > 1] \
        == [span]


@pytest.mark.parametrize(
    "line",
    [
        "Patient takes Tylenol 3 for pain.",  # not as written: no "#"
        "He took Tylenol. #3 on the list is sleep.",  # a sentence ends between
        "Take Brenzavo 20 mg tablet daily.",  # another dose
        "Uses a Vexamor Pulse Monitor at home.",
    ],
)
def test_validate_a_term_written_otherwise_is_not_verified_whole(tmp_path: Path,
                                                                 line: str) -> None:
    path = tmp_path / "hospital.tsv"
    path.write_text(_WHOLE_TERMS, encoding="utf-8")
    doc = validate(document_from_text(line), lexicons=["drugs", "clinical", path])
    assert not [f for f in doc.flags if f.reason == "verified" and f.candidates[0].lexicon
                == "hospital"]


def test_validate_numbers_outside_a_users_terms_are_read_as_before(
        validator: Validator, tmp_path: Path) -> None:
    """A lexicon of terms holding numbers and units changes nothing of a dose outside
    them: "500 mg", "20 mg tablet" are read by the dose's rules, as without it."""
    path = tmp_path / "hospital.tsv"
    path.write_text(_WHOLE_TERMS, encoding="utf-8")
    own = Validator(["drugs", "clinical", path])
    for line in ("Metformin 500 mg twice daily.", "Take 1 tablet of lisinopril 10 mg daily.",
                 "Start met for min 500 mg tablet twice daily.", "Tylenol 3000 mg per day."):
        for modality in ("text", "audio"):
            doc = make_doc(line, modality=modality, default=None if modality == "text" else 0.6)
            assert [(f.reason, f.start, f.end) for f in own.validate(doc).flags] == [
                (f.reason, f.start, f.end) for f in validator.validate(doc).flags]


def test_validate_two_lexicons_of_one_name_are_refused(tmp_path: Path) -> None:
    """hospA/formulary.tsv and hospB/formulary.tsv were both "formulary": their candidates
    could not be told apart. Named apart, they can; a shipped lexicon given twice is one."""
    from uncertain.errors import LexiconError

    paths = []
    for hospital, prior in (("hospA", 0.6), ("hospB", 0.5)):
        (tmp_path / hospital).mkdir()
        path = tmp_path / hospital / "formulary.tsv"
        path.write_text(f"Zorvaxin\tZorvaxin\tbrand\t{prior}\n", encoding="utf-8")
        paths.append(path)
    with pytest.raises(LexiconError, match="another lexicon is named 'formulary'") as caught:
        Validator(paths)
    assert caught.value.path == str(paths[1])
    named = Validator([f"A={paths[0]}", f"B={paths[1]}", "drugs", "drugs"])
    assert [lx.name for lx in named.lexicons] == ["A", "B", "drugs"]
    # one file named twice is one lexicon, as a shipped name is (it was "another lexicon")
    twice = Validator([paths[0], "drugs", str(paths[0]), tmp_path / "hospA/../hospA/formulary.tsv"])
    assert [lx.name for lx in twice.lexicons] == ["formulary", "drugs"]
    doc = validate(document_from_text("Start Zorvaxen 20 mg daily."),
                   lexicons=[f"A={paths[0]}", f"B={paths[1]}"])
    assert doc.flags[0].candidates[0].lexicon == "A"  # (of the higher prior)
    assert doc.validation is not None and doc.validation.lexicons == ["A", "B"]


def test_validate_a_users_clinical_file_holds_drugs(tmp_path: Path) -> None:
    """A user's clinical.tsv took the shipped clinical lexicon's name, and its drugs were
    treated as clinical words: a dose before them governed none."""
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "clinical.tsv"
    path.write_text("Kelumab\tKelumab\tbrand\t0.6\n", encoding="utf-8")
    doc = validate(document_from_text("Start Kelumap 40 mg daily."), lexicons=[path])
    assert [(f.reason, f.candidates[0].lexicon) for f in doc.flags] == [
        ("near_lexicon", "clinical.tsv")]
    assert doc.flags[0].confidence > 0.95


def test_validate_lexicons_accepts_names_paths_objects() -> None:
    by_path = Validator([DATA / "uk_formulary.tsv"])
    assert by_path.lexicons[0].name == "uk_formulary"
    doc = validate(make_doc("Zapain 30 mg"), lexicons=[str(DATA / "uk_formulary.tsv")])
    assert doc.flags[0].candidates[0].canonical == "co-codamol"
    assert doc.flags[0].candidates[0].lexicon == "uk_formulary"


@pytest.mark.parametrize(
    ("spec", "span", "canonical"),
    [
        ("He takes metfornin 500 mg in the morning", "metfornin", "metformin"),
        ("Continue met for me 500 mg twice daily", "met for me", "metformin"),
        ("Start lisinoprill 10 mg", "lisinoprill", "lisinopril"),
    ],
)
def test_validate_text_without_confidence(validator: Validator, spec: str, span: str,
                                          canonical: str) -> None:
    doc = validator.validate(make_doc(spec, modality="text", default=None))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == [span]
    assert flags[0].candidates[0].canonical == canonical
    assert "low_confidence" not in flags[0].reasons


def test_validate_text_never_low_confidence(validator: Validator) -> None:
    doc = validator.validate(make_doc("the zxqvbn report", modality="text", default=None))
    assert [(f.reason, f.reasons) for f in doc.flags] == [("out_of_vocabulary",
                                                           ["out_of_vocabulary"])]


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("metformin 500 mg twice daily", "metformin"),
        ("she is on Lipitor for her cholesterol", "atorvastatin"),
        ("insulin glargine 20 units at night", "insulin glargine"),
    ],
)
def test_validate_verified_exact_match(validator: Validator, spec: str, canonical: str) -> None:
    doc = validator.validate(make_doc(spec))
    verified = [f for f in doc.flags if f.reason == "verified"]
    assert len(verified) == 1
    assert verified[0].candidates[0].canonical == canonical
    assert verified[0].evidence == ["lexicon"]
    assert verified[0].confidence is not None and verified[0].confidence <= 0.2
    assert not only_doubtful(doc)


def test_validate_low_confidence_exact_term_lists_sound_alikes(validator: Validator) -> None:
    doc = validator.validate(make_doc("hydroxyzine/0.1 25 mg at night"))
    flag = doc.flags[0]
    assert flag.reason == "low_confidence"
    assert flag.candidates[0].canonical == "hydroxyzine"
    assert len(flag.candidates) > 1


@pytest.mark.parametrize(
    ("spec", "modality", "doubted"),
    [
        ("Levothyroxine 50 micrograms/0.05 daily", "audio", ["micrograms"]),
        ("Levothyroxine 50 mcg/0.05 daily", "image", ["mcg"]),
        ("Take metformin twice/0.04 daily", "audio", ["twice"]),
        ("Give 10 units of/0.05 insulin/0.05", "audio", ["of", "insulin"]),
        ("Morphine 5 mg/0.04 IV/0.06 q4h/0.03", "image", ["mg", "IV", "q4h"]),
        # sure, or heard as surely as the line for words that common
        ("Levothyroxine 50 micrograms/0.3 daily", "audio", []),
        ("Morphine 5 mg IV q4h", "image", []),
    ],
)
def test_validate_a_lexicon_word_heard_in_doubt_is_doubted(
        validator: Validator, spec: str, modality: Modality, doubted: list[str]) -> None:
    """A word that is a lexicon term no window proposed (a unit, a dose frequency, a
    route, a drug name that is everyday English said without a dose) was never flagged
    however low its confidence: "mcg" read at 0.05, which may be "mg", reached the reader
    as sure, where "of" at 0.05 was marked. It gets no candidates (its spelling's
    neighbours in the lexicon are no units)."""
    doc = validator.validate(make_doc(spec, modality=modality))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == doubted
    assert all(f.reason == "low_confidence" and f.end - f.start == 1 for f in flags)
    assert all(not f.candidates for f in flags if f.text != "of")


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("the weather was fine/0.05 today", "low_confidence"),
        ("the patient Kowalczyk/0.1 came", "low_confidence"),
        ("the patient reported zxqvbn yesterday", "out_of_vocabulary"),
    ],
)
def test_validate_single_word_reasons(validator: Validator, spec: str, reason: str) -> None:
    doc = validator.validate(make_doc(spec))
    assert [f.reason for f in doc.flags] == [reason]
    assert doc.flags[0].end - doc.flags[0].start == 1


@pytest.mark.parametrize(
    ("spec", "text", "tens"),
    [
        ("Continue famotidine 14 milligrams twice a day.", "14", "40"),
        ("take fifteen mg at night", "fifteen", "fifty"),
        ("Nineteen units of insulin", "Nineteen", "Ninety"),
    ],
)
def test_validate_teen_dose_in_speech_is_confusable(validator: Validator, spec: str,
                                                    text: str, tens: str) -> None:
    # however sure the engine: speech confuses a teen with its tens, the commoner dose
    (flag,) = only_doubtful(validator.validate(make_doc(spec)))
    assert (flag.reason, flag.reasons, flag.text) == ("confusable", ["confusable"], text)
    assert flag.confidence == pytest.approx(0.6)
    assert [(c.term, c.kind, c.evidence) for c in flag.candidates] == [
        (tens, "number", ["sound"])]


def test_validate_teen_dose_heard_in_doubt_keeps_the_larger_doubt(
        validator: Validator) -> None:
    (flag,) = only_doubtful(validator.validate(make_doc("take 15/0.05 milligrams daily")))
    assert flag.reasons == ["low_confidence", "confusable"]
    assert flag.confidence == pytest.approx(0.95)
    assert [c.term for c in flag.candidates] == ["50"]


@pytest.mark.parametrize(
    ("spec", "modality"),
    [
        ("take 40 milligrams daily", "audio"),  # the tens themselves are not doubted
        ("repeat labs in 14 days", "audio"),  # not a dose
        ("take 15 to 20 milligrams", "audio"),
        ("take 115 milligrams", "audio"),
        ("take 14 milligrams daily", "image"),  # print does not confuse the two
        ("take 14 milligrams daily", "text"),
    ],
)
def test_validate_other_numbers_are_not_confusable(validator: Validator, spec: str,
                                                   modality: Modality) -> None:
    doc = validator.validate(make_doc(spec, modality=modality,
                                      default=None if modality == "text" else 0.95))
    assert not [f for f in doc.flags if "confusable" in f.reasons]


@pytest.mark.parametrize(
    ("spec", "text", "number", "modality"),
    [
        ("Blood pressure today won hundred thirty eight over eighty six.", "won", "one",
         "audio"),
        ("He takes methylprednisolone for milligrams as directed.", "for", "four", "audio"),
        ("Take too tablets at night", "too", "two", "audio"),
        ("the patient takes to milligrams nightly", "to", "two", "audio"),
        ("inject ate units before meals", "ate", "eight", "audio"),
        ("Won hundred and twenty over eighty", "Won", "One", "audio"),
        ("He takes prednisone for milligrams daily", "for", "four", "text"),
    ],
)
def test_validate_number_heard_as_its_homophone_is_confusable(
        validator: Validator, spec: str, text: str, number: str, modality: Modality) -> None:
    # a unit, a count of doses or a multiplier with no number before it: the word before
    # it is the small number it sounds as, however sure the engine was
    doc = validator.validate(make_doc(spec, modality=modality,
                                      default=None if modality == "text" else 0.95))
    (flag,) = [f for f in doc.flags if "confusable" in f.reasons]
    assert (flag.reason, flag.text, flag.end - flag.start) == ("confusable", text, 1)
    assert flag.confidence == pytest.approx(0.8)
    assert [(c.term, c.kind, c.evidence) for c in flag.candidates] == [
        (number, "number", ["sound"])]


def test_validate_homophone_number_is_a_dose_of_the_name_before_it(
        validator: Validator) -> None:
    # as the dev set's dictation came out: "methylprednisolone 4 milligrams" heard as a
    # name in pieces, then "for milligrams". The "for" is the dose's number, flagged on its
    # own, not a syllable swallowed by the name's window; and the name keeps its dose
    doc = validator.validate(make_doc(
        "He takes me/0.6 feel/0.19 friendly/0.16 solo/0.42 for/0.63 Milligrams/0.55 as "
        "directed"))
    assert [(f.text, f.reason, f.candidates[0].term) for f in doc.flags] == [
        ("me feel friendly solo", "near_lexicon", "methylprednisolone"),
        ("for", "confusable", "four")]
    assert doc.flags[0].candidates[0].features["dose_context"] > 0


@pytest.mark.parametrize(
    ("spec", "modality"),
    [
        ("Increase to 20 milligrams daily", "audio"),  # the number is there
        ("He waited for a hundred days", "audio"),
        ("She won a hundred dollars", "audio"),
        ("Take it for pain as needed", "audio"),
        ("refer for tablets review", "image"),  # print does not confuse homophones
        ("Take 1 to 2 tablets at night", "audio"),
        ("the team won, hundreds cheered", "audio"),
        # "to" and "for" before a count as it is, or converting a unit
        ("Switch from capsules to tablets next week", "audio"),
        ("Ask the pharmacy for tablets instead", "text"),
        ("convert the dose from micrograms to milligrams", "text"),
        ("the insulin was converted to units", "audio"),
    ],
)
def test_validate_words_before_numbers_are_not_homophones(validator: Validator, spec: str,
                                                         modality: Modality) -> None:
    doc = validator.validate(make_doc(spec, modality=modality, default=0.95))
    assert not [f for f in doc.flags if "confusable" in f.reasons]


@pytest.mark.parametrize(
    ("spec", "text", "canonical"),
    [
        ("Morphine sulfate 4 mg IV every 4 hours as needed", "Morphine sulfate", "morphine"),
        ("Atropine sulfate 0.5 mg IV now", "Atropine sulfate", "atropine"),
        ("KCl 20 mEq PO daily", "KCl", "potassium chloride"),  # not potassium, the ion
        ("K-Dur 20 mEq PO daily", "K-Dur", "potassium chloride"),  # ... nor its brands
        ("Klor-Con M 20 mEq PO daily", "Klor-Con M", "potassium chloride"),
    ],
)
def test_validate_a_salt_form_with_its_dose_is_the_drug_verified_whole(
        validator: Validator, spec: str, text: str, canonical: str) -> None:
    # not the drug's name unmarked and "sulfate" verified as the sulfate ion
    doc = validator.validate(make_doc(spec, modality="text", default=None))
    (flag,) = doc.flags
    assert (flag.reason, flag.text, [c.canonical for c in flag.candidates]) == (
        "verified", text, [canonical])


@pytest.mark.parametrize(
    ("spec", "text", "canonical"),
    [
        ("Start potassium/0.9 chloride/0.8 20 mEq/0.9 by mouth daily.", "potassium chloride",
         "potassium chloride"),
        ("Start metoprolol/0.9 succinate/0.8 25 milligrams/0.9 daily.", "metoprolol succinate",
         "metoprolol"),
    ],
)
def test_validate_a_term_of_several_words_heard_whole_outranks_its_words(
        validator: Validator, spec: str, text: str, canonical: str) -> None:
    """A verified match's confidence is how likely it is wrong: the less sure of the
    words verified alone won over the pair ("chloride", the chloride ion, instead of
    potassium chloride; "metoprolol" and "succinate" apart)."""
    doc = validator.validate(make_doc(spec))
    (flag,) = doc.flags
    assert (flag.reason, flag.text, flag.candidates[0].canonical) == (
        "verified", text, canonical)


@pytest.mark.parametrize("unit", ["milli equivalents", "milli-equivalents", "milliequivalents"])
def test_validate_milliequivalents_said_in_two_words_are_a_unit(validator: Validator,
                                                               unit: str) -> None:
    """A recogniser writes mEq, said, as "milli equivalents": it was no dose's unit, so
    "equivalents" was searched for a drug (Aquaphyllin, theophylline) and the name before
    it had no dose's context."""
    spec = " ".join(f"{w}/0.9" for w in unit.split())
    doc = validator.validate(make_doc(f"Take clor/0.5 con/0.5 20 {spec} daily."))
    (flag,) = doc.flags
    assert flag.text == "clor con"
    assert flag.candidates[0].canonical == "potassium chloride"
    assert flag.candidates[0].features["dose_context"] == 1.0
    doc = validator.validate(make_doc(
        f"Start potassium/0.9 chloride/0.8 20 {spec.replace('0.9', '0.8')} by mouth daily."))
    assert [f.text for f in doc.flags] == ["potassium chloride"]
    assert doc.validation is not None and doc.validation.hunches == []


def test_validate_low_token_probability_counts_as_doubt(validator: Validator) -> None:
    word = Word(text="fine", confidence=0.15, tokens=[Token(text=" fi", probability=0.01),
                                                     Token(text="ne", probability=0.9)])
    plain = make_doc("the weather was fine/0.15 today")
    doc = plain.model_copy(update={"segments": [Segment(id=0, words=[
        *plain.words[:3], word, plain.words[4]])]})
    assert [f.reason for f in validator.validate(doc).flags] == ["low_confidence"]
    assert not validator.validate(plain).flags


@pytest.mark.parametrize("sentence", GENERAL_SENTENCES)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_ordinary_english_has_no_flags(validator: Validator, sentence: str,
                                                modality: Modality) -> None:
    doc = validated_as(validator, sentence, modality)
    assert doc.flags == []


#: everyday sentences with amounts: a dose after a word is no sign that the word is a drug
#: when the amount is *of* something ("contains 500 mg of the active ingredient")
AMOUNT_SENTENCES = [
    "Each tablet contains 500 mg of the active ingredient.",
    "A cup of coffee has about 95 mg of caffeine.",
    "Each dose includes 40 mg of the drug.",
    "Each capsule provides 250 mg of calcium.",
    "Add 100 mg of salt to the solution and stir for five minutes.",
    "One serving delivers 120 mg of magnesium and 20 mg of zinc.",
    "The label says it holds 300 mg of potassium.",
    "Her smoothie adds 10 grams of protein to breakfast.",
    "The study gave volunteers 200 mg of caffeine before the test.",
    "This cereal supplies 8 mg of iron in every bowl.",
    "The spring water carries only 2 mg of sodium per litre.",
    "The farmer sprayed 500 ml of the mixture on each row.",
    "The report found 12 mg of nitrate in the well water.",
]


@pytest.mark.parametrize(("spec", "span", "canonical"), [
    # doses missed, a drug no longer taken, an allergy list and a pharmacy's fill govern a
    # drug as "dose of", "been on", "allergic to" and "refill" do
    ("She missed two doses of lose/0.7 are/0.8 tan/0.7 this week.", "lose are tan",
     "losartan"),
    ("According to his wife, he is no longer on Jennifer/0.6 Brazel./0.4",
     "Jennifer Brazel.", "gemfibrozil"),
    ("Allergies include lose/0.7 are/0.8 tan,/0.7 which caused hives.", "lose are tan,",
     "losartan"),
    ("The pharmacy says they can't fill my met/0.7 for/0.8 men/0.7 until they hear back.",
     "met for men", "metformin"),
])
def test_validate_missed_doses_stopped_drugs_allergies_and_fills_are_a_drugs_slot(
        validator: Validator, spec: str, span: str, canonical: str) -> None:
    doc = validator.validate(make_doc(spec))
    flag = next(f for f in only_doubtful(doc) if f.text == span)
    assert flag.candidates[0].canonical == canonical
    assert (flag.candidates[0].features or {}).get("cue_before") == 1.0


#: everyday sentences that use a prescribing word in its everyday sense
CUE_SENTENCES = [
    "Take the bus to the station and call me when you arrive.",
    "Hold the door for the delivery man.",
    "Start the engine and let it warm up for a minute.",
    "Switch from tea to coffee in the afternoon.",
    "He is allergic to cats and dust.",
    "She is currently on holiday in Spain.",
    "Refill the kettle and make another pot of tea.",
    "Fill the bathtub with warm water.",
    "She is no longer on the night shift.",
    "Allergies include cats and dust.",
    "Take the lasagna out of the oven after forty minutes.",
    "Reduce the heat and let the sauce simmer.",
    "Add the onions and cook until soft.",
]


@pytest.mark.parametrize("sentence", CUE_SENTENCES)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_prescribing_word_in_everyday_use_flags_nothing(
        validator: Validator, sentence: str, modality: Modality) -> None:
    doc = validated_as(validator, sentence, modality)
    assert only_doubtful(doc) == []
    assert doc.validation is not None and doc.validation.hunches == []


#: clinical sentences that continue a therapy that is no drug, with a frequency after it
THERAPY_SENTENCES = [
    "Continue physical therapy twice a week.",
    "Use a heating pad at bedtime.",
    "Continue sleep hygiene measures nightly.",
    "Continue pelvic floor exercises daily.",
    "Start speech therapy three times a week.",
    "Continue cardiac rehab three times a week.",
    "Wear compression stockings every morning.",
]


@pytest.mark.parametrize("sentence", THERAPY_SENTENCES)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_therapy_in_a_drugs_slot_is_no_drug(
        validator: Validator, sentence: str, modality: Modality) -> None:
    doc = validated_as(validator, sentence, modality)
    assert only_doubtful(doc) == []
    # nor is a word of the run a hunch for the audio to bear out by chance
    assert doc.validation is not None and doc.validation.hunches == []


@pytest.mark.parametrize(("line", "flagged", "hunches"), [
    # everyday words heard in doubt but none below the low-confidence line (as tiny.en
    # heard espeak-ng say them) were searched at any similarity: each run was flagged as
    # the nearest name (calcium acetate, 0.63; levofloxacin, 0.60); now a hunch, for the
    # acoustic pass to bear out
    ("Continue/0.95 physical/0.34 therapy/0.33 twice/0.95 a/0.97 week./0.99", [],
     ["physical therapy"]),
    ("Continue/0.93 pelvic/0.43 floor/0.81 exercises/0.62 daily./0.9", [],
     ["pelvic floor exercises"]),
    # ... a misheard name so heard that sounds like one is doubted as before (lisinopril)
    ("start/0.9 lives/0.4 in/0.5 awful/0.35 10/0.9 milligrams/0.9 daily/0.9",
     ["lives in awful"], []),
    # ... and so is a run before a strength, where a name is said (lorazepam, 0.64)
    ("He/0.92 takes/0.9 lower/0.44 us/0.46 from/0.94 0.5/0.89 milligrams/0.97 once/0.89 "
     "a/0.97 day/0.99", ["lower us from"], []),
    # ... and so is a run holding a word heard below the line
    ("Continue/0.95 physical/0.34 therapy/0.15 twice/0.95 a/0.97 week./0.99",
     ["physical therapy"], []),
])
def test_validate_a_run_of_everyday_words_none_heard_low_is_a_hunch_unless_like_a_name(
        validator: Validator, line: str, flagged: list[str], hunches: list[str]) -> None:
    assert doubted_and_hunches(validator, line) == (flagged, hunches)


@pytest.mark.parametrize(("line", "flagged"), [
    # out of any drug's context, a sure word and a doubted one were searched as one name:
    # "country can" was flagged as Contergan (thalidomide), "garden while" as Gardenal
    # (phenobarbital); the doubted word alone is what is doubtful
    ("and/0.95 so/0.95 ask/0.95 what/0.95 your/0.95 country/0.91 can/0.25 do/0.95 for/0.95 "
     "you/0.95", []),
    ("the/0.95 children/0.95 played/0.95 in/0.95 the/0.95 garden/0.87 while/0.06 their/0.95 "
     "parents/0.95", ["while"]),
    # ... a run heard in doubt whole is searched as before (ramipril)
    ("the/0.95 room/0.07 April/0.27 is/0.95 working/0.95", ["room April"]),
    # ... and so is one half heard surely in a drug's slot
    ("Restart/0.95 room/0.9 April/0.3 daily/0.95", ["room April"]),
])
def test_validate_a_run_half_heard_surely_out_of_context_is_no_name(
        validator: Validator, line: str, flagged: list[str]) -> None:
    doc = validator.validate(make_doc(line))
    assert [f.text for f in only_doubtful(doc)] == flagged


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_confident_misheard_run_that_sounds_like_a_name_is_still_found(
        validator: Validator, modality: Modality) -> None:
    # every word ordinary and sure: only its sound says lisinopril (similarity 0.71)
    doc = validated_as(validator, "start lives in awful 10 milligrams daily", modality)
    assert [f.text for f in only_doubtful(doc)] == ["lives in awful"]
    assert doc.flags[0].candidates[0].canonical == "lisinopril"


@pytest.mark.parametrize("sentence", AMOUNT_SENTENCES)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_an_amount_of_something_names_no_drug_before_it(
        validator: Validator, sentence: str, modality: Modality) -> None:
    doc = validated_as(validator, sentence, modality)
    assert only_doubtful(doc) == []
    assert doc.validation is not None and doc.validation.hunches == []


def test_validate_an_amount_of_is_no_slot_for_a_hunch(validator: Validator) -> None:
    # what follows "12 milligrams of" is searched as a name, but everyday amounts are of
    # food and minerals: a window there under the flag threshold is no hunch
    # (as tiny.en heard espeak-ng say it)
    doc = validator.validate(make_doc(
        "The/0.96 lab/0.84 measured/0.96 12/0.86 milligrams/0.81 of/0.82 lead/0.74 in/0.98 "
        "the/0.99 soil/0.97 sample./0.88"))
    assert only_doubtful(doc) == []
    assert doc.validation is not None and doc.validation.hunches == []


def test_validate_a_doubted_of_after_a_dose_is_no_amount_of(validator: Validator) -> None:
    # Whisper writes "milligrams of every six hours" where "milligrams every" was said
    spec = "Please see the Minifam/0.03 325 milligrams of/0.44 every/0.14 six/0.2 hours"
    (flag,) = [f for f in only_doubtful(validator.validate(make_doc(spec)))
               if f.text == "Minifam"]
    assert flag.candidates[0].features["dose_context"] == 1.0


@pytest.mark.parametrize(
    ("line", "text", "canonical"),
    [
        ("Inhale two puffs of all beauty rule every four hours.", "all beauty rule",
         "albuterol"),
        ("Each tablet contains 500 mg of a seat a mino fen.", "a seat a mino fen.",
         "acetaminophen"),
        ("She was given 500 mg of a mocks a sillin by mouth.", "a mocks a sillin",
         "amoxicillin"),
    ],
)
def test_validate_an_amount_of_names_what_follows_its_of(
        validator: Validator, line: str, text: str, canonical: str) -> None:
    flags = only_doubtful(validator.validate(make_doc(line, modality="text", default=None)))
    assert [(f.text, f.candidates[0].canonical) for f in flags] == [(text, canonical)]


@pytest.mark.parametrize(
    "name",
    ["jfk.asr.json", "librispeech-1089-134686-0000.asr.json",
     "librispeech-1089-134686-0001.asr.json"],
)
def test_validate_recorded_non_medical_transcripts(validator: Validator, name: str) -> None:
    doc = Document.from_json((DATA / name).read_text(encoding="utf-8"))
    flags = validator.validate(doc).flags
    # only words the recogniser itself was very unsure of may be flagged, and never as a drug
    assert all(f.reason == "low_confidence" and not f.candidates for f in flags)
    assert len(flags) <= 1


def test_validate_recorded_dictation(validator: Validator) -> None:
    doc = Document.from_json((DATA / "dictation.asr.json").read_text(encoding="utf-8"))
    flags = validator.validate(doc).flags
    found = {(f.text, f.candidates[0].canonical) for f in flags if f.candidates}
    assert ("met four min", "metformin") in found
    assert ("ibuprofen.", "ibuprofen") in found


def test_validate_recorded_prescription_scan(validator: Validator) -> None:
    doc = Document.from_json((DATA / "prescription.ocr.json").read_text(encoding="utf-8"))
    flags = validator.validate(doc).flags
    top = {f.candidates[0].canonical for f in flags
           if f.candidates and f.reason != "low_confidence"}
    assert {"lisinopril", "metformin", "atorvastatin", "amoxicillin"} <= top


def test_validate_flags_do_not_overlap_and_copy_is_new(validator: Validator) -> None:
    original = make_doc("continue met/0.5 for/0.6 me/0.4 500 mg and lives/0.5 in/0.6 awful/0.4 "
                        "10 mg and fine/0.05 and metformin")
    doc = validator.validate(original)
    covered: set[int] = set()
    for flag in doc.flags:
        span = set(range(flag.start, flag.end))
        assert not span & covered
        covered |= span
        assert flag.reason in flag.reasons
        assert flag.candidates == sorted(flag.candidates, key=lambda c: -c.score)
    assert original.flags == []
    assert Document.from_json(doc.to_json()) == doc


def test_validate_options_as_keywords() -> None:
    doc = make_doc("the weather was fine/0.2 today")
    assert not validate(doc, lexicons=[], low_confidence_audio=0.2).flags
    assert [f.reason for f in validate(doc, lexicons=[], low_confidence_audio=0.5).flags] == [
        "low_confidence"]
    with pytest.raises(TypeError, match="no_such_option"):
        validate(doc, no_such_option=1)
    with pytest.raises(ValueError, match="flag_threshold"):
        ValidateOptions(flag_threshold=2.0)
    with pytest.raises(ValueError, match="acoustic_pool"):
        ValidateOptions(acoustic_pool=-1)


@pytest.mark.parametrize(("options", "error", "message"), [
    # an int passed the range check, which looked at floats only: -1 flagged everything
    ({"flag_threshold": -1}, ValueError, "flag_threshold=-1 is out of range"),
    ({"flag_threshold": 2}, ValueError, "flag_threshold=2 is out of range"),
    # a string failed deep inside with "'<' not supported between 'float' and 'str'"
    ({"flag_threshold": "0.5"}, TypeError, "flag_threshold='0.5' must be a number"),
    ({"max_candidates": "3"}, TypeError, "max_candidates='3' must be a whole number"),
    ({"max_candidates": 1.5}, TypeError, "max_candidates=1.5 must be a whole number"),
    ({"flag_threshold": True}, TypeError, "must be a number"),
])
def test_validate_options_are_checked_by_their_type(options: dict[str, object],
                                                    error: type[Exception],
                                                    message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        validate(make_doc("take metfromin/0.2 daily"), **options)


def test_validate_arguments_of_the_wrong_kind_are_said_so() -> None:
    """A lexicon given alone was iterated letter by letter ("LexiconError: d: no such
    file"); a document or options of another type failed as "has no attribute"."""
    doc = make_doc("take metfromin/0.2 daily")
    alone = validate(doc, lexicons="drugs")
    assert alone.flags == validate(doc, lexicons=["drugs"]).flags
    from uncertain.lexicon import load_lexicon

    assert validate(doc, lexicons=load_lexicon("drugs")).flags == alone.flags
    for bad in (None, "take metfromin daily", {"segments": []}):
        with pytest.raises(TypeError, match="validate\\(\\) takes a Document"):
            validate(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="options must be ValidateOptions, not dict"):
        validate(doc, options={"flag_threshold": 0.5})  # type: ignore[arg-type]


def test_validate_score_features_move_the_score() -> None:
    base = {"spelling": 0.8, "prefix": 0.9, "sound": 0.9, "sound_class": 0.9, "glyph": 0.0,
            "ocr_choices": 0.0, "exact": 0.0, "prior": 0.5, "dose_context": 0.0,
            "cue_before": 0.0, "confidence": 0.5, "common_english": 0.5, "words": 2.0,
            "length": 9.0}
    score = score_candidate(dict(base), "audio")
    assert 0.0 < score < 1.0
    assert score_candidate({**base, "dose_context": 1.0}, "audio") > score
    assert score_candidate({**base, "confidence": 0.99}, "audio") < score
    assert score_candidate({**base, "prior": 0.9}, "audio") > score
    assert score_candidate({**base, "common_english": 1.0}, "audio") < score
    assert score_candidate({**base, "acoustic": 1.0}, "audio") == pytest.approx(score)


def test_validate_validators_of_the_shipped_lexicons_share_one_index(tmp_path: Path) -> None:
    """The command line's validator, a batch worker's and calibration's lexicon features
    all index the shipped lexicons: built once per process, not once each."""
    from uncertain.validate import _default_validator

    shared = _default_validator().index
    assert Validator().index is shared
    assert Validator(["drugs", "clinical"]).index is shared
    formulary = load_lexicon(DATA / "uk_formulary.tsv", name="formulary")
    assert Validator(["drugs", "clinical", formulary]).index is not shared
    copy = tmp_path / "clinical.tsv"  # a file that only shares a shipped lexicon's name
    copy.write_text("Zapain\tcodeine / paracetamol\tbrand\t0.4\n", encoding="utf-8")
    own = Validator([load_lexicon("drugs"), load_lexicon(copy)])
    assert own.index is not shared and own.index.lookup("zapain")


def test_validate_threads_that_start_at_once_build_one_validator(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight threads of an ingestion job that validated their first documents at once
    built the shipped lexicons' index eight times (15 s and 734 MiB for 2.5 s and 260)."""
    import importlib
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    module = importlib.import_module("uncertain.validate")  # (the package's is the function)
    built: list[int] = []
    start = threading.Barrier(8)

    class Slow:
        def __init__(self) -> None:
            time.sleep(0.2)  # long enough for every thread to ask before it is built
            built.append(1)

    def ask(_: int) -> object:
        start.wait()
        return module._default_validator()

    monkeypatch.setattr(module, "Validator", Slow)
    module._default_validator.cache_clear()
    try:
        with ThreadPoolExecutor(8) as pool:
            made = list(pool.map(ask, range(8)))
    finally:
        module._default_validator.cache_clear()  # the next test's is the real one
    assert len(built) == 1 and all(m is made[0] for m in made)


@pytest.mark.parametrize("mark", ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_validate_a_character_that_does_not_show_is_no_letter(validator: Validator,
                                                              mark: str) -> None:
    """A soft hyphen or a zero-width space inside a name (a PDF's or a web page's text)
    made "met\u00adformin" a near-lexicon flag at p 0.00 where metformin is verified; an
    everyday word so broken was out of vocabulary."""
    doc = validator.validate(make_doc(f"Take met{mark}formin 500 mg daily, a wonder{mark}ful "
                                      "drug.", modality="text", default=None))
    assert [(f.reason, f.text, f.candidates[0].canonical) for f in doc.flags] == [
        ("verified", f"met{mark}formin", "metformin")]
    lexicon = Lexicon.from_entries("formulary", [Entry(term=f"Zor{mark}vaxin")])
    own = Validator(["drugs", lexicon]).validate(make_doc("Take Zorvaxin daily.",
                                                          modality="text", default=None))
    assert [(f.reason, f.text) for f in own.flags] == [("verified", "Zorvaxin")]


def test_validate_a_letter_glued_to_a_number_is_a_code_not_a_unit(validator: Validator) -> None:
    # Whisper's "L6" (said: Lasix) is not the unit L; "A1c" is the clinical term
    doc = validator.validate(make_doc("hold the L6/0.35 until the kidney function is rechecked"))
    assert not any(c.canonical == "L" for f in doc.flags for c in f.candidates)
    text = validator.validate(make_doc("A1c was 7.8 today", modality="text", default=None))
    assert [(f.reason, f.candidates[0].canonical) for f in text.flags] == [("verified", "A1c")]


@pytest.mark.parametrize(
    ("spec", "span", "canonical"),
    [
        # a commonly prescribed name two sound edits away (blocked by two deletions)
        ("sit/0.4 and/0.5 lift/0.4 in/0.5 100 milligrams once daily", "sit and lift in",
         "sitagliptin"),
        # a digit heard for a syllable before the dose's own number ("-tin" as 10)
        ("Add a/0.5 tour/0.4 of/0.5 ass/0.3 10/0.4 forty milligrams at bedtime",
         "a tour of ass 10", "atorvastatin"),
        ("Start ator/0.4 vasta/0.3 10/0.5 40 milligrams", "ator vasta 10", "atorvastatin"),
    ],
)
def test_validate_misheard_common_drugs(validator: Validator, spec: str, span: str,
                                        canonical: str) -> None:
    doc = validator.validate(make_doc(spec))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == [span]
    assert flags[0].candidates[0].canonical == canonical


def test_validate_the_to_of_decrease_x_to_a_dose_leads_to_it(validator: Validator) -> None:
    # "Decrease trazodone to 50 mg", heard in doubt: the window stops before "to". Its
    # phones are nearer other names (cytarabine's Cytosar-U), so trazodone (as Desyrel)
    # is among the common drugs listed for the acoustic second pass, not first
    doc = validator.validate(make_doc(
        "Decrease that/0.06 is/0.05 yearle/0.01 to/0.69 50 mg at bedtime"))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == ["that is yearle"]
    assert "trazodone" in [c.canonical for c in flags[0].candidates]


def test_validate_phones_tie_more_names_and_the_prior_breaks_the_ties(
        validator: Validator) -> None:
    # by phones, "or master 10" is about as near the rare Armisarte and Orgasteron as
    # atorvastatin; the commonly prescribed name must come first
    doc = validator.validate(make_doc("Add or/0.3 master/0.2 10/0.3 forty milligrams at bedtime"))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == ["or master 10"]
    assert flags[0].candidates[0].canonical == "atorvastatin"


def test_validate_a_unit_heard_amiss_after_a_number_is_a_dose(validator: Validator) -> None:
    # tiny.en writes "100 milligrams" as "100 million" (at p=0.06); a doubted word after a
    # number that begins like milligrams is that unit, so "met across" is before a dose
    doc = validator.validate(make_doc(
        "Start met/0.23 across/0.22 100/0.46 million/0.06 and/0.04 recheck in two weeks"))
    flags = only_doubtful(doc)
    assert [f.text for f in flags][:1] == ["met across"]
    assert flags[0].candidates[0].canonical == "metoprolol"
    # the recogniser sure of "million" heard a number, not a unit: no dose, no flag
    sure = validator.validate(make_doc("Start met/0.23 across/0.22 100 million and more"))
    assert [f.text for f in only_doubtful(sure)] == []


def test_validate_a_weak_suggestion_does_not_name_the_dose_s_drug(validator: Validator) -> None:
    # "really" (0.02) is flagged low-confidence with a weak suggestion (carisoprodol, 0.15):
    # that names no drug, so the dose still sends its sentence to the orphan-dose search
    spec = ("Okay,/0.76 so/0.40 this/0.12 art/0.02 really/0.02 we/0.24 will/0.71 keep/0.97"
            " that/0.93 at/0.63 25/0.71 milli/0.04 rams/0.04 daily/0.93")
    flags = only_doubtful(validator.validate(make_doc(spec)))
    named = [f for f in flags if f.candidates and f.candidates[0].canonical == "sertraline"]
    assert [f.text for f in named] == ["this art really"]


def test_validate_a_garbled_span_is_a_rare_name_not_an_everyday_word(
        validator: Validator) -> None:
    # "seizure" spells "those are" as well as losartan spells "those are 10", but a
    # recogniser that heard "seizure" would have written it: garbled words are a rare name
    doc = validator.validate(make_doc(
        "Prescribed those/0.04 are/0.05 10/0.01 50/0.63 milligrams/0.81 daily"))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == ["those are 10"]
    assert flags[0].candidates[0].canonical == "losartan"
    assert flags[0].candidates[0].features["everyday"] == 0.0


@pytest.mark.parametrize("modality", ["audio", "text"])
@pytest.mark.parametrize(
    ("spec", "span", "canonical", "rank"),
    [
        # Metaphone of the joined letters ("SLKSTR") is far from citalopram's; the words'
        # phones ("sell extra": S V L V K S T R V) are near its "S V L V T V L V P R V N"
        ("Continue sell/0.3 extra/0.2 20 milligrams daily", "sell extra", "citalopram", 1),
        ("He takes progress/0.3 state/0.4 and/0.5 40 milligrams daily",
         "progress state and", "pravastatin", 3),
    ],
)
def test_validate_compares_heard_words_with_drug_names_by_phones(
        validator: Validator, modality: Modality, spec: str, span: str, canonical: str,
        rank: int) -> None:
    if modality == "text":
        spec = " ".join(token.partition("/")[0] for token in spec.split())
    doc = validator.validate(make_doc(spec, modality=modality,
                                      default=None if modality == "text" else 0.95))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == [span]
    names = [c.canonical for c in flags[0].candidates]
    assert canonical in names[:rank]
    assert "phone" in flags[0].candidates[0].features


def test_validate_a_digit_is_a_syllable_only_before_another_number(
        validator: Validator) -> None:
    # "10" followed by a unit is the dose: the window stops before it
    doc = validator.validate(make_doc("Start ator/0.4 vasta/0.3 10/0.5 milligrams daily"))
    assert [f.text for f in only_doubtful(doc)] == ["ator vasta"]
    # two numbers in a row after confident words are two numbers
    assert only_doubtful(validator.validate(make_doc("take 2 20 mg tablets daily"))) == []


def test_validate_a_doubtful_digit_inside_a_misheard_name_is_a_syllable(
        validator: Validator) -> None:
    # "Stop the sumatriptan and start ...": Whisper heard "-triptan" as "Rip 10"
    doc = validator.validate(make_doc(
        "Stop the soon/0.03 match/0.07 Rip/0.02 10/0.02 and/0.57 start sertraline"))
    flag = next(f for f in only_doubtful(doc) if f.reason == "near_lexicon")
    assert flag.text == "soon match Rip 10"
    assert flag.candidates[0].canonical == "sumatriptan"
    # a sure number between words stays a number, and so does one after a sure word
    for spec in ("She is 10 and her brother is 12", "she is 10/0.1 and she/0.3 is 12",
                 "give/0.3 2/0.1 now"):
        assert [f.text for f in only_doubtful(validator.validate(make_doc(spec)))
                if f.reason == "near_lexicon"] == [], spec
    # a digit read as a syllable that no name explains is still marked as a number
    doc = validator.validate(make_doc("the zork/0.1 7/0.05 and/0.9 more"))
    assert "7" in [f.text for f in only_doubtful(doc)]


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_known_stem_ends_a_misheard_name(validator: Validator,
                                                    modality: Modality) -> None:
    """"statin" is a term, but "rose of a statin" is rosuvastatin; "on a statin" is not
    nystatin."""
    default = None if modality == "text" else 0.95
    doc = validator.validate(make_doc(
        "she is currently on rose of a statin ten milligrams every evening",
        modality=modality, default=default))
    assert [(f.reason, f.text) for f in doc.flags] == [("near_lexicon", "rose of a statin")]
    assert doc.flags[0].candidates[0].canonical == "rosuvastatin"
    for line in ("she is on a statin ten milligrams daily",
                 "we stopped it because of a statin 20 mg"):
        doc = validator.validate(make_doc(line, modality=modality, default=default))
        assert [(f.reason, f.text) for f in doc.flags] == [("verified", "statin")], line


def test_validate_a_class_spelled_in_pieces_before_a_dose_is_a_drug_of_it(
        validator: Validator) -> None:
    """"take some of the stat in 20 milligrams" (simvastatin, heard so) was marked as the
    class statin, whose two words spell it: a class takes no dose, so words spelling one
    outrank no longer run naming a drug when a dose follows."""
    doc = validator.validate(make_doc(
        "take some/0.68 of/0.75 the/0.77 stat/0.39 in/0.61 20 milligrams by mouth every evening"))
    assert [(f.reason, f.text) for f in only_doubtful(doc)] == [
        ("near_lexicon", "some of the stat in")]
    assert only_doubtful(doc)[0].candidates[0].canonical == "simvastatin"
    # ... and a class written whole before a dose is still the class
    doc = validator.validate(make_doc("she is on a statin 20 milligrams every evening"))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "statin")]


@pytest.mark.parametrize("modality", ["text", "audio"])
@pytest.mark.parametrize(("line", "said", "canonical"), [
    # Oxy is an acne wash, Cipro and Amox the drugs' own (Chlor, chlorine's German name, is
    # no longer a term)
    ("Make sure she takes the chlor thal a done every morning", "chlor thal a done",
     "chlorthalidone"),
    ("Take oxy but a nin 5 mg daily", "oxy but a nin", "oxybutynin"),
    ("Continue cipro flocks a sin 500 mg twice daily", "cipro flocks a sin",
     "ciprofloxacin"),
    ("Start amox a sillin 500 mg three times a day", "amox a sillin", "amoxicillin"),
])
def test_validate_a_short_name_begins_a_misheard_longer_one(
        validator: Validator, modality: Modality, line: str, said: str,
        canonical: str) -> None:
    """A recogniser breaks a name after a short name it knows: the run is the longer
    name that short one begins, not the short name and a misheard other drug ("flocks a
    sin" as ofloxacin)."""
    default = None if modality == "text" else 0.95
    doc = validator.validate(make_doc(line, modality=modality, default=default))
    assert [(f.reason, f.text) for f in doc.flags] == [("near_lexicon", said)]
    assert doc.flags[0].candidates[0].canonical == canonical


@pytest.mark.parametrize("line", [
    "Cipro and Flagyl were started on Monday",
    "Cipro was stopped because of the rash",
    "Take Cipro for the infection, 500 mg twice daily",
    "The GABA receptor is the target of several sleep medicines",
    "Use the Oxy face wash every night",
])
def test_validate_a_short_name_before_other_words_stays_itself(validator: Validator,
                                                               line: str) -> None:
    doc = validator.validate(make_doc(line))
    assert all(f.reason == "verified" for f in doc.flags), line
    # (GABA with no dose is the neurotransmitter, no drug named: neither verified nor
    # doubted; the others are their drugs)
    assert doc.flags or line.startswith("The GABA"), line


@pytest.mark.parametrize("modality", ["text", "audio"])
@pytest.mark.parametrize("line", [
    "Take Cipro for the infection, 500 mg twice daily",
    "Start cephalexin for the infection 500 mg four times a day",
])
def test_validate_a_dose_is_no_context_for_a_clinical_word(
        validator: Validator, modality: Modality, line: str) -> None:
    """A dose says a drug was meant: "infection" before it is not "infarction"."""
    default = None if modality == "text" else 0.95
    doc = validator.validate(make_doc(line, modality=modality, default=default))
    assert only_doubtful(doc) == [], line


def test_validate_a_product_takes_a_dose_as_a_drug_does(validator: Validator) -> None:
    """Products of no single drug ("stool softener", kind ``product``) are what a dose is
    of too; their candidates keep the dose's context."""
    doc = validator.validate(make_doc("Tool/0.4 softener/0.7 daily./0.9"))
    flag = only_doubtful(doc)[0]
    assert (flag.text, flag.candidates[0].canonical) == ("Tool softener", "stool softener")
    assert "drug" not in flag.candidates[0].features
    # ... and a dose form or a unit among a drug's candidates does not: "mountain to
    # meet 10 mg" is memantine, not ointment (first, 0.98, when the dose counted for it)
    doc = validator.validate(make_doc("Continue the mountain/0.3 to/0.4 meet/0.3 10/0.9 mg/0.9",
                                      modality="audio"))
    flag = only_doubtful(doc)[0]
    assert flag.candidates[0].canonical == "memantine"
    for c in flag.candidates:
        assert takes_dose(c.kind, c.lexicon) == ("drug" not in c.features), c
    assert not any(c.canonical in ("ointment", "L") for c in flag.candidates[:3])


def test_validate_an_ordinary_word_that_is_a_term_is_no_stem_of_a_longer_one(
        validator: Validator) -> None:
    # "diabetes" is a clinical term and everyday English; "for diabetes" is not
    # prediabetes, three letters off
    doc = validator.validate(make_doc(
        "Follow up for/0.6 diabetes./0.2 Recheck kidney function in three months"))
    assert not any(c.canonical == "prediabetes" for f in doc.flags for c in f.candidates)


def test_validate_printed_digits_are_never_syllables(validator: Validator) -> None:
    spec = "Start ator/0.4 vasta/0.3 10/0.5 40 milligrams"
    heard = validator.validate(make_doc(spec))
    printed = validator.validate(make_doc(spec, modality="image"))
    assert [f.text for f in only_doubtful(heard)] == ["ator vasta 10"]
    assert [f.text for f in only_doubtful(printed)] == ["ator vasta"]


# a dose whose sentence names no drug: the name was misheard before the dose (not taken up
# again right before it: "we will keep that at" puts it in a drug's slot, see above)
ORPHAN = "Okay so this/0.6 art/0.3 really/0.2 we will keep going with that at 25 milligrams daily"


def test_validate_a_dose_without_a_drug_searches_its_sentence(validator: Validator) -> None:
    flags = only_doubtful(validator.validate(make_doc(ORPHAN)))
    assert [f.text for f in flags] == ["this art really"]
    top = flags[0].candidates[0]
    assert top.canonical == "sertraline"
    assert top.features["orphan_dose"] == 1.0


@pytest.mark.parametrize("after", [
    ", patient is allergic to oxycodone, it gave her a rash",
    "; no oxycodone since her surgery",
])
def test_validate_a_drug_after_the_dose_s_clause_is_not_its_drug(
        validator: Validator, after: str) -> None:
    """"so the old Brazil, we will keep that at 40 milligrams once a day, patient is
    allergic to oxycodone" (omeprazole): the allergy's drug, in a clause after the dose,
    made the sentence's dose look named, so its misheard name was never searched."""
    flags = only_doubtful(validator.validate(make_doc(ORPHAN + after)))
    assert flags[0].text == "this art really"
    assert flags[0].candidates[0].canonical == "sertraline"


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        (ORPHAN.replace("25 milligrams", "25 days"), "no strength, no dose"),
        (ORPHAN.replace("daily", "of metformin daily"), "the sentence names its drug"),
        (ORPHAN.replace("that at", "the statin at"), "a drug class said as it is"),
        (ORPHAN.replace("really/0.2 we", "really./0.2 We"), "another sentence"),
        (ORPHAN.replace("keep", "take"), "the name follows the last prescribing word"),
    ],
)
def test_validate_an_orphan_dose_needs_its_context(validator: Validator, spec: str,
                                                   why: str) -> None:
    for flag in only_doubtful(validator.validate(make_doc(spec))):
        assert flag.candidates[0].canonical != "sertraline", why
        assert "orphan_dose" not in flag.candidates[0].features, why


def test_validate_an_orphan_dose_heard_amiss_is_still_a_dose(validator: Validator) -> None:
    # "milli rams" is flagged as milligrams, and makes the strength
    spec = ORPHAN.replace("milligrams", "milli/0.05 rams/0.05")
    flags = only_doubtful(validator.validate(make_doc(spec)))
    assert [(f.text, f.candidates[0].term) for f in flags] == [
        ("this art really", "sertraline"), ("milli rams", "milligrams")]


def test_validate_an_orphan_dose_never_searches_after_it_or_sure_words(
        validator: Validator) -> None:
    # after the strength come directions, not the name
    spec = "Okay we will keep that at 25 milligrams this/0.6 art/0.3 really/0.2 daily"
    assert all("orphan_dose" not in f.candidates[0].features
               for f in only_doubtful(validator.validate(make_doc(spec))) if f.candidates)
    # plain text has no doubt to go on: ordinary words before a dose stay ordinary
    for line in ("He said the pain is better after the 400 mg dose.",
                 "The pharmacy called about the 25 milligram tablets again."):
        assert only_doubtful(validator.validate(make_doc(line, modality="text",
                                                         default=None))) == [], line


def test_validate_a_term_sharing_the_first_word_must_go_on_like_the_window(
        validator: Validator) -> None:
    for line in ("Sodium intake under 2000 mg a day, and walk thirty minutes.",
                 "Caffeine intake is around 300 mg per day from coffee."):
        doc = validator.validate(make_doc(line, modality="text", default=None))
        assert only_doubtful(doc) == [], line
    # a term whose rest is misheard but alike is still found
    doc = validator.validate(make_doc("Take sodium bicarb nate 650 mg twice daily",
                                      modality="text", default=None))
    assert [(f.text, f.candidates[0].canonical) for f in only_doubtful(doc)] == [
        ("sodium bicarb nate", "sodium bicarbonate")]


def test_validate_the_plural_of_an_ordinary_word_is_no_drug(validator: Validator) -> None:
    # wordfreq ranks "sunflowers" rare; the lexicon holds sunflower seed (an allergen)
    doc = validator.validate(make_doc(
        "we planted tomatoes, beans and a row of sunflowers./0.7"))
    assert only_doubtful(doc) == []


def test_validate_audio_flags_also_list_common_terms_for_the_acoustic_pass() -> None:
    spec = "continue met/0.5 for/0.6 me/0.4 500 mg twice daily"
    common = Validator(options=ValidateOptions(max_candidates=1))
    narrow = Validator(options=ValidateOptions(max_candidates=1, acoustic_pool=0))
    listed = only_doubtful(common.validate(make_doc(spec)))[0].candidates
    assert listed[0].canonical == "metformin"
    assert len(listed) > 1 and all(c.features["prior"] >= 0.55 and c.lexicon == "drugs"
                                   for c in listed[1:])
    # a dose's context words ("fasting", "milligrams") are no drug the audio could hold
    for spec_ in ("Start listing/0.02 up/0.01 little/0.01 ten milligrams once a day",
                  "Add or/0.06 master/0.04 10/0.01 forty milligrams at bedtime"):
        for flag in only_doubtful(common.validate(make_doc(spec_))):
            assert all(c.lexicon == "drugs" for c in flag.candidates[1:]), spec_
    assert len(only_doubtful(narrow.validate(make_doc(spec)))[0].candidates) == 1
    # printed and plain text list the best max_candidates only
    for modality, default in (("text", None), ("image", 0.3)):
        flags = only_doubtful(common.validate(make_doc(spec, modality=modality,
                                                       default=default)))
        assert flags and all(len(f.candidates) <= 1 for f in flags), modality


@pytest.mark.parametrize(("spec", "span", "drug"), [
    # heard on dev recordings: a name broken into fluent words is far from its spelling
    ("Continue/0.84 select/0.02 20/0.37 milligram/0.59 and/0.78 add digoxin 0.25 "
     "milligrams daily.", "select", "celexa"),
    ("Increase/0.92 not/0.09 seaside/0.02 climate/0.07 at/0.08 100/0.74 milligrams/0.91 "
     "twice/0.97 a day for ten days.", "not seaside climate at", "doxycycline")])
def test_validate_audio_in_a_drugs_slot_searches_deeper_for_the_acoustic_pass(
        validator: Validator, spec: str, span: str, drug: str) -> None:
    """In a drug's slot, audio windows are searched ``acoustic_search`` terms deep, so
    that the commonly prescribed name said, beyond the nearest ``search_limit``, is
    listed for the acoustic pass to weigh; ``acoustic_search=0`` searches as deep as
    anything else."""
    def listed(v: Validator) -> list[str]:
        flags = [f for f in only_doubtful(v.validate(make_doc(spec))) if f.text == span]
        assert flags, span
        return [c.term.casefold() for c in flags[0].candidates]

    assert drug in listed(validator)
    assert drug not in listed(Validator(options=ValidateOptions(acoustic_search=0)))


def test_validate_audio_in_a_drugs_slot_is_bounded_as_deep_as_searched(
        validator: Validator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a window in a drug's slot could flag is judged on the ``acoustic_search``
    terms it is ranked among, not on the nearest ``search_limit``: its terms are scored
    once, at one depth (they were scored at both, and a window was given up whose only
    term to reach the threshold lay deeper)."""
    depths: dict[str, set[int]] = {}
    similar = validator.search.similar

    def spy(key: str, modality: Modality, limit: int, wide: bool, said: str = "") -> object:
        if wide:
            depths.setdefault(key, set()).add(limit)
        return similar(key, modality, limit, wide, said)

    monkeypatch.setattr(validator.search, "similar", spy)
    validator.validate(make_doc("Increase/0.92 not/0.09 seaside/0.02 climate/0.07 at/0.08 "
                                "100/0.74 milligrams/0.91 twice/0.97 a day for ten days."))
    deep = validator.options.acoustic_search
    assert depths and all(found == {deep} for found in depths.values()), depths


def test_validate_a_number_heard_at_low_confidence_is_marked(validator: Validator) -> None:
    # "1300 milligrams" for 300: the dose is what the reader acts on
    doc = validator.validate(make_doc("Prescribed gabapentin 1300/0.08 milligrams three "
                                      "times a day"))
    assert [(f.reason, f.text, f.candidates) for f in only_doubtful(doc)] == [
        ("low_confidence", "1300", [])]
    # heard surely, or of unknown confidence, a number is left alone
    for spec, modality, default in (("Prescribed gabapentin 300/0.9 milligrams", "audio", 0.95),
                                    ("Prescribed gabapentin 1300 milligrams", "text", None)):
        assert only_doubtful(validator.validate(make_doc(spec, modality=modality,
                                                         default=default))) == []


@pytest.mark.parametrize(("spec", "modality", "flagged"), [
    ("Prescribed gabapentin 300/0.45 milligrams", "audio", ["300"]),  # as likely wrong
    ("Prescribed gabapentin 300/0.55 milligrams", "audio", []),
    ("Prescribed gabapentin 7.5/0.45 milligrams", "audio", ["7.5"]),
    ("Prescribed gabapentin 400mg/0.45 daily", "audio", ["400mg"]),  # its unit glued on
    ("Prescribed gabapentin three/0.45 hundred/0.9 milligrams", "audio", []),  # spelled
    ("Blood pressure today was/0.45 fine", "audio", []),  # a word keeps the word line
    ("Prescribed gabapentin 300/0.45 milligrams", "image", []),  # print: the image line
    ("Prescribed gabapentin 300/0.30 milligrams", "image", ["300"]),
])
def test_validate_a_number_heard_as_likely_wrong_as_right_is_marked(
        validator: Validator, spec: str, modality: str, flagged: list[str]) -> None:
    # the shipped tiny.en calibration maps numbers apart, so a number's p is its chance
    # of being right: one at even odds is marked, a word only far lower
    doc = validator.validate(make_doc(spec, modality=modality, default=0.95))
    assert [f.text for f in only_doubtful(doc)] == flagged


def test_validate_a_piece_of_a_number_is_not_a_number_of_its_own(
        validator: Validator) -> None:
    # Whisper writes "7.8%" as "7" and ".8%": the piece's doubt is the number's split
    words = [Word(text=t, confidence=c, space_after=t != "7")
             for t, c in (("A1c", 0.9), ("was", 0.9), ("7", 0.9), (".8%.", 0.12))]
    doc = Document(source=Source(path="test.audio", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    assert only_doubtful(validator.validate(doc)) == []
    words[2] = words[2].model_copy(update={"space_after": True})
    doc = doc.model_copy(update={"segments": [Segment(id=0, words=words)]})
    assert [f.text for f in only_doubtful(validator.validate(doc))] == [".8%."]


def test_validate_a_number_written_in_pieces_is_one_number(validator: Validator) -> None:
    # Whisper writes 7.5 as "7" ".5": the "7" is the dose's own number, not a syllable of
    # the name before it read as "seven" (Zeven)
    words = [Word(text=t, confidence=c, space_after=t != "7")
             for t, c in (("Continue", 0.9), ("now", 0.05), ("at", 0.03), ("second", 0.03),
                          ("7", 0.66), (".5", 0.83), ("milligrams", 0.92), ("daily", 0.9))]
    doc = Document(source=Source(path="test.audio", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    flagged = [f for f in only_doubtful(validator.validate(doc)) if f.end > 4]
    assert flagged == [], [f.text for f in flagged]


@pytest.mark.parametrize("text", ["twice:a", "up:some", "daily;with"])
def test_validate_words_glued_by_a_stray_mark_are_english(validator: Validator,
                                                          text: str) -> None:
    """OCR that loses a space may print a mark instead: each word is English, so the
    token is not out of vocabulary; a glued token that is no English stays one."""
    doc = validator.validate(make_doc(f"Take 1 tablet {text} day", modality="image"))
    assert only_doubtful(doc) == []
    doc = validator.validate(make_doc("Take 1 tablet zxq:vbn day", modality="image"))
    assert [f.reason for f in only_doubtful(doc)] == ["out_of_vocabulary"]
    # digits make it no pair of words: "mg:B10" is "mg BID" misread, still doubtful
    doc = validator.validate(make_doc("Metformin 500 mg:B10/0.31 with meals", modality="image"))
    assert [f.text for f in only_doubtful(doc)] == ["mg:B10"]


@pytest.mark.parametrize("line", [
    "Set max_connections to 100.",
    "Delete node_modules and reinstall.",
    "Thanks @Allegra_Fan for the tip!",
])
def test_validate_an_identifiers_english_words_are_english(validator: Validator,
                                                           line: str) -> None:
    """An identifier whose words an underscore joins ("max_connections") was out of
    vocabulary, suggested "magnesium cation", and "@Allegra_Fan" a handle near Alkeran:
    its words are English as those OCR glued with a mark are."""
    assert only_doubtful(validated_as(validator, line, "text")) == []
    # ... and one of no English words is still out of vocabulary
    doc = validated_as(validator, "Set zxq_vbn to 100.", "text")
    assert [f.reason for f in only_doubtful(doc)] == ["out_of_vocabulary"]


@pytest.mark.parametrize("modality", ["audio", "image"])
def test_validate_confident_words_that_spell_a_term_by_chance(validator: Validator,
                                                              modality: Modality) -> None:
    # "time code" joined is the brand Timecode; read or heard surely, it is what it says
    doc = validator.validate(make_doc("Optional SMPTE time code synchronization.",
                                      modality=modality, default=0.99))
    assert only_doubtful(doc) == []
    # with a dose after it, or doubt on a word, it is a window worth a flag again
    for spec in ("start time code 10 mg daily", "Optional SMPTE time/0.3 code synchronization."):
        flags = only_doubtful(validator.validate(make_doc(spec, modality=modality,
                                                          default=0.99)))
        assert [f.candidates[0].term for f in flags if f.text == "time code"] == ["Timecode"]


def _lines_doc(lines: list[str], modality: Modality, conf: float | None) -> Document:
    """One segment per line, as OCR and plain text give them."""
    return Document(
        source=Source(path=f"test.{modality}", sha256="0" * 64, modality=modality,
                      engine="test"),
        segments=[Segment(id=k, words=[Word(text=t, confidence=conf) for t in line.split()])
                  for k, line in enumerate(lines)],
    )


@pytest.mark.parametrize(("modality", "conf"), [("image", 0.95), ("text", None)])
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a word hyphenated at a line break is the word it makes, not two strange ones
        (["the com-", "munications were terrible."], []),
        (["Continue metfor-", "min 500 mg twice daily."],
         [("verified", "metfor- min", "metformin")]),
        (["Continue metfor-", "nin 500 mg twice daily."],
         [("near_lexicon", "metfor- nin", "metformin")]),
        # a capital opens a new word: "Lisino-" then "Pril" is no hyphenated line break
        (["the com-", "Munications office."], [("out_of_vocabulary", "Munications", "*")]),
    ],
)
def test_validate_words_hyphenated_at_a_line_break(
        validator: Validator, modality: Modality, conf: float | None, lines: list[str],
        expected: list[tuple[str, str, str | None]]) -> None:
    flags = validator.validate(_lines_doc(lines, modality, conf)).flags
    got = [(f.reason, f.text, "*" if want == "*" else
            f.candidates[0].canonical if f.candidates else None)
           for f, (_, _, want) in zip(flags, expected, strict=False)]
    assert len(flags) == len(expected) and got == expected


def test_validate_audio_segments_are_no_hyphenated_lines(validator: Validator) -> None:
    flags = validator.validate(_lines_doc(["Continue metfor-", "min 500 mg twice daily."],
                                          "audio", 0.95)).flags
    assert all(f.end - f.start == 1 for f in flags if "metfor" in f.text)


def test_validate_a_term_of_common_words_said_whole_is_verified(validator: Validator) -> None:
    # "potassium chloride" is that salt, not ordinary English; before, only a window
    # with a doubted word after it ("chloride, it") matched, and flagged both words
    doc = validator.validate(make_doc(
        "Patient is allergic to potassium/0.82 chloride,/0.73 it/0.11 gave/0.3 her a rash."))
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "potassium chloride,")]
    assert doc.flags[0].candidates[0].canonical == "potassium chloride"
    # one common word alone is still ordinary English unless a dose follows ("iron")
    assert validator.validate(make_doc("the iron/0.6 gate was open")).flags == []


def _timed_segments(lines: list[str], pause: float = 0.1) -> Document:
    """Audio segments of ``word/conf`` tokens, 0.4 s per word, ``pause`` between them."""
    segments, t = [], 0.0
    for k, line in enumerate(lines):
        words = []
        for token in line.split():
            text, _, conf = token.partition("/")
            stop = "." if conf.endswith(".") else ""
            words.append(Word(text=text + stop, confidence=float(conf.rstrip(".") or 0.95),
                              start=round(t, 2), end=round(t + 0.4, 2)))
            t += 0.4
        segments.append(Segment(id=k, words=words))
        t += pause
    return Document(source=Source(path="test.wav", sha256="0" * 64, modality="audio",
                                  engine="test"), segments=segments)


@pytest.mark.parametrize(
    ("lines", "pause", "joined"),
    [
        # Whisper cut its segment inside the name: the window reaches across the cut
        (["He is well, increase/0.79 lower/0.76", "tending/0.37 to 10 milligrams daily."],
         0.1, True),
        # a sentence's end or a long pause ends the run
        (["He is well, increase/0.79 lower/0.76.", "Tending/0.37 to 10 milligrams daily."],
         0.1, False),
        (["He is well, increase/0.79 lower/0.76", "tending/0.37 to 10 milligrams daily."],
         1.5, False),
    ],
)
def test_validate_audio_windows_cross_a_segment_cut_mid_sentence(
        validator: Validator, lines: list[str], pause: float, joined: bool) -> None:
    flags = only_doubtful(validator.validate(_timed_segments(lines, pause)))
    across = [f for f in flags if f.text.lower().startswith("lower")]
    if joined:
        assert [f.text for f in across] == ["lower tending"]
        assert "loratadine" in [c.canonical for c in across[0].candidates[:3]]
    else:
        assert across == []
        assert all("lower" not in f.text.lower() or f.end - f.start == 1 for f in flags)


@pytest.mark.parametrize(
    ("lines", "pause", "flagged"),
    [
        # the next sentence's dose is its own drug's, not a name's at the end of this one
        (["The power was out for/0.93 two/0.154 days/0.243.",
          "Continue metformin 500 milligrams twice daily."], 0.1, []),
        (["Stuff it into you his belly counselled/0.596 him/0.103.",
          "Start metformin 1000 mg once a day with food."], 0.1, []),
        # ... and so after a long pause
        (["The power was out for/0.93 two/0.154 days/0.243",
          "continue metformin 500 milligrams twice daily."], 2.0, []),
        # a dose opening the next sentence is still the name's before it
        (["He takes lives/0.75 in/0.8 awful.", "20 milligrams daily."], 0.1,
         ["lives in awful."]),
    ],
)
def test_validate_audio_dose_of_the_next_sentence_is_its_own(
        validator: Validator, lines: list[str], pause: float, flagged: list[str]) -> None:
    flags = validator.validate(_timed_segments(lines, pause)).flags
    assert [f.text for f in flags if f.reason != "verified"] == flagged


def test_validate_words_spelling_a_term_offer_every_term_of_those_letters(
        validator: Validator) -> None:
    # "pro air" spells the rare Pro-air (procaterol, a brand that is ordinary English) with
    # its space, and Proair (albuterol) without: both are that spelling, the common first
    doc = validator.validate(make_doc("Hold the pro/0.86 air/0.66 until the kidney function"))
    flag = next(f for f in doc.flags if f.text == "pro air")
    assert [c.canonical for c in flag.candidates[:2]] == ["albuterol", "procaterol"]


@pytest.mark.parametrize(("spec", "modality", "hunch"), [
    # fluent English in a drug's slot: no flag, a hunch for the acoustic pass
    ("Hold the last/0.72 six/0.85 until the kidney function is rechecked.", "audio",
     ("last six", "furosemide")),
    # no prescribing word before it and no dose after it: nothing
    ("We spent the last/0.72 six/0.85 weeks at the kidney clinic.", "audio", None),
    # print and plain text have no audio to weigh a hunch against
    ("Hold the last/0.72 six/0.85 until the kidney function is rechecked.", "image", None),
])
def test_validate_keeps_hunches_in_a_drugs_slot_for_the_acoustic_pass(
        validator: Validator, spec: str, modality: Modality,
        hunch: tuple[str, str] | None) -> None:
    doc = validator.validate(make_doc(spec, modality=modality))
    assert only_doubtful(doc) == []
    assert doc.validation is not None
    got = [(h.text, h.candidates[0].canonical) for h in doc.validation.hunches]
    assert got == ([hunch] if hunch else [])
    if hunch:
        (h,) = doc.validation.hunches
        assert h.confidence is not None and 0.1 <= h.confidence < 0.5
        # none is kept when the threshold says so
        off = validator.validate(make_doc(spec), options=ValidateOptions(hunch_threshold=1.0))
        assert off.validation is not None and off.validation.hunches == []


@pytest.mark.parametrize(("prior", "hunches"), [(0.7, ["last six"]), (0.2, [])])
def test_validate_hunch_needs_a_commonly_prescribed_candidate(prior: float,
                                                              hunches: list[str]) -> None:
    lexicon = Lexicon.from_entries("test", [
        Entry("Lasix", "furosemide", "brand", prior, (), "test")])
    doc = Validator([lexicon]).validate(make_doc(
        "Hold the last/0.72 six/0.85 until the kidney function is rechecked."))
    assert doc.validation is not None
    assert [h.text for h in doc.validation.hunches] == hunches


@pytest.mark.parametrize(
    ("line", "term", "canonical"),
    [("Take vitamin B12 1000 mcg daily.", "vitamin B12", "cyanocobalamin"),
     ("Start vitamin D3 2000 units daily.", "vitamin D3", "cholecalciferol"),
     ("Continue CoQ10 100 mg daily.", "CoQ10", "ubidecarenone"),
     ("Add coenzyme Q10 100 mg daily.", "coenzyme Q10", "ubidecarenone")],
)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_supplement_named_with_digits_is_verified(
        validator: Validator, line: str, term: str, canonical: str, modality: Modality) -> None:
    # "B12" and "Q10" read alone as codes (more digits than letters), "CoQ10" as the word
    # "coq" glued to a number; with the word before them, or whole, they spell a term
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text, f.candidates[0].canonical) for f in doc.flags] == [
        ("verified", term, canonical)]


MEDICATION_LIST_PRODUCTS = [
    "Multivitamin daily.",
    "Take a multivitamin every morning.",
    "Prenatal vitamins daily.",
    "Probiotic daily.",
    "Elderberry syrup daily.",
    "Ashwagandha 300 mg daily.",
    "Stool softener daily.",
    "Medrol Dosepak as directed.",
]


@pytest.mark.parametrize("line", MEDICATION_LIST_PRODUCTS)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_products_of_a_medication_list_are_not_misheard_drugs(
        validator: Validator, line: str, modality: Modality) -> None:
    # each was flagged as a drug before ("Multivitamin": methamphetamine; "Probiotic":
    # Neobiotic; "Ashwagandha": Saxenda): a word English knows but seldom uses, sure, is
    # what was meant unless it is nearly a term, and the commonest products are terms
    doc = validated_as(validator, line, modality)
    assert [f.text for f in only_doubtful(doc)] == []
    assert doc.validation is not None and doc.validation.hunches == []


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_an_everyday_word_written_before_a_frequency_is_what_was_written(
        validator: Validator, modality: Modality) -> None:
    """"Plan: admit to telemetry, daily weights" flagged "telemetry" as tolmetin (0.55, its
    spelling 0.71 like the drug's): a word English knows (zipf 3.0) written or printed
    surely, before a frequency, was held to less than a rarer word, which must be nearly
    a term (0.85). In speech a sure everyday word in a drug's slot may still be a name
    heard as a word, and is weighed as before."""
    line = "Plan: admit to telemetry, daily weights, strict fluid balance."
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.93))
    assert [f.text for f in only_doubtful(doc)] == []
    # a misspelling still is a flag: nearly the term
    doc = validator.validate(make_doc("Start metformn daily.", modality=modality,
                                      default=None if modality == "text" else 0.93))
    assert [(f.text, f.candidates[0].canonical) for f in only_doubtful(doc)] == [
        ("metformn", "metformin")]


@pytest.mark.parametrize(("line", "flagged", "hunches"), [
    # an everyday word heard surely before a frequency, not nearly a name, was flagged as
    # the name it is nearest (niacin, Zymer): now a hunch, for the audio to bear out
    ("Use the nebulizer machine twice daily.", [], ["machine"]),
    ("Continue summer twice daily.", [], ["summer"]),
    # ... nearly a name, it is doubted as before (Lyrica)
    ("Continue lyric twice daily.", ["lyric"], []),
    # ... and so is one before a strength, in a name's place (Plendil)
    ("Start plenty 20 mg daily.", ["plenty"], []),
])
def test_validate_an_everyday_word_heard_surely_is_a_hunch_at_most(
        validator: Validator, line: str, flagged: list[str], hunches: list[str]) -> None:
    doc = validated_as(validator, line, "audio")
    assert [f.text for f in only_doubtful(doc)] == flagged
    assert doc.validation is not None
    assert [h.text for h in doc.validation.hunches] == hunches


@pytest.mark.parametrize(("line", "flagged", "hunch"), [
    # an everyday word heard in doubt but above the low-confidence line (as tiny.en heard
    # espeak-ng say it), not nearly a name, was flagged as the name it is nearest
    # (capsaicin, similarity 0.64): now a hunch, for the audio to bear out
    ("Continue/0.93 occupational/0.37 therapy/0.93 twice/0.91 a/0.95 week./0.99", [],
     "occupational"),
    # ... and a wider window owing its doubt to such a word is no flag in its place:
    # "pharmacy" (0.66, Fioricet) held back, "pharmacy calling" (tetracycline, 0.59) was
    ("Dana/0.25 from/0.97 the/0.61 pharmacy/0.57 calling/0.88 him/0.33 out/0.92 "
     "leading/0.82 to/0.98 only/0.87 one/0.75 milligram,/0.90 the/0.40 quantity/0.87", [],
     "pharmacy"),
    # ... nearly a name, it is doubted as before (Lyrica)
    ("Continue/0.93 lyric/0.4 twice/0.91 daily./0.95", ["lyric"], None),
    # ... and so is one before a strength, in a name's place (Plendil)
    ("Start/0.93 plenty/0.4 20/0.95 mg/0.95 daily./0.95", ["plenty"], None),
    # ... and one heard under the line
    ("Continue/0.93 occupational/0.1 therapy/0.93 twice/0.91 a/0.95 week./0.99",
     ["occupational"], None),
])
def test_validate_an_everyday_word_heard_in_doubt_none_low_is_a_hunch_at_most(
        validator: Validator, line: str, flagged: list[str], hunch: str | None) -> None:
    doc = validator.validate(make_doc(line))
    assert [f.text for f in only_doubtful(doc)] == flagged
    assert doc.validation is not None
    assert hunch is None or hunch in [h.text for h in doc.validation.hunches]


@pytest.mark.parametrize(("line", "flagged"), [
    # in plain text, a product's name no lexicon holds, of words English knows ("K-Phos",
    # zipf 2.9, and "neutral"), was doubted near the nearest name (Potassium metal, 0.61)
    ("Phos 1.9, started K-Phos neutral 250 mg BID.", []),
    # ... a name split into such words is doubted as before
    ("stop the pred nice own 20 mg", ["pred nice own"]),
    # in plain text, a prescribing word's preposition and the everyday words it governs
    # were a name for their sound alone: "to dry skin" was flagged as tetracycline (0.71)
    ("Apply to dry skin twice daily.", []),
    # ... a name broken into everyday words is doubted as before: with no function word
    # at its edge (lisinopril, 0.69), nearer a name (albuterol, 0.84; valacyclovir)
    ("Take lives in awful twice daily.", ["lives in awful"]),
    ("Stop the all beauty rule.", ["all beauty rule."]),
    ("Start the valley cycle veer twice daily.", ["valley cycle veer"]),
    # ... and so is a run before a number, in a strength's place, as in speech
    ("Start lives in awful at 10 mg daily.", ["lives in awful at"]),
])
def test_validate_a_run_of_known_words_written_must_be_near_a_name(
        validator: Validator, line: str, flagged: list[str]) -> None:
    doc = validated_as(validator, line, "text")
    assert [f.text for f in only_doubtful(doc)] == flagged


EXAM_SENTENCES = [
    "HEENT: normocephalic, anicteric sclerae, PERRLA, EOMI.",
    "Neck: supple, no thyromegaly.",
    "Lungs: unlabored breathing, no rhonchi.",
    "Abdomen: soft, nontender, nondistended, normoactive bowel sounds.",
    "Psych: euthymic mood, nonfocal neurologic exam.",
    "Fundoscopic exam without papilledema.",
    "Assessment: suboptimally controlled hypertension.",
    # the orientation's shorthand, a number glued on: each was out of vocabulary
    "Neuro: A&Ox3, moves all extremities.",
    "General: AAOx4, pleasant and cooperative.",
    "Mental status: AOx3, A&Ox2 overnight.",
]


@pytest.mark.parametrize("sentence", EXAM_SENTENCES)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_physical_exam_written_right_flags_nothing(
        validator: Validator, sentence: str, modality: Modality) -> None:
    # wordfreq hardly knows these words: each was out of vocabulary or near a drug
    # ("thyromegaly": Zithromac; "normoactive": Normocort) until clinical.tsv held them
    doc = validated_as(validator, sentence, modality)
    assert [f.text for f in only_doubtful(doc)] == []


def test_validate_a_seldom_used_word_in_doubt_is_still_searched(validator: Validator) -> None:
    # heard in doubt, not under the low-confidence line, it is searched: a hunch at most,
    # for the acoustic pass to bear out, as an everyday word so heard is
    doc = validator.validate(make_doc("Elderberry/0.4 syrup daily.", modality="audio",
                                      default=0.93))
    assert doc.validation is not None
    assert [h.text for h in doc.validation.hunches] == ["Elderberry"]


@pytest.mark.parametrize(("line", "flagged", "hunches"), [
    # a word English knows but seldom uses heard in doubt, none under the low-confidence
    # line, not nearly a name and before no number, was flagged as the nearest name:
    # "Elderberry syrup daily", "Elderberry" heard at 0.45, as Eldepryl (selegiline,
    # similarity 0.76); now a hunch, as an everyday word so heard is
    ("Elderberry/0.45 syrup/0.83 daily./0.92", [], ["Elderberry"]),
    # ... in a prescribing word's slot it is doubted as before ("limiter": Lipitor)
    ("We/0.93 will/0.93 stop/0.93 the/0.93 limiter/0.24 today./0.93", ["limiter"], []),
    # ... and so is one before a number, in a strength's place
    ("Ashwagandha/0.4 300/0.93 mg/0.93 daily./0.93", ["Ashwagandha"], []),
    # ... and one heard under the line
    ("Elderberry/0.1 syrup/0.83 daily./0.92", ["Elderberry"], []),
])
def test_validate_a_seldom_used_word_heard_in_doubt_none_low_is_a_hunch_at_most(
        validator: Validator, line: str, flagged: list[str], hunches: list[str]) -> None:
    assert doubted_and_hunches(validator, line) == (flagged, hunches)


@pytest.mark.parametrize("line", ["Amoxicillin 500 mg TID x10 days.",
                                  "The B12 level was low.", "Room B12 is on the left."])
def test_validate_a_code_that_ends_no_term_stays_a_number(validator: Validator,
                                                          line: str) -> None:
    doc = validator.validate(make_doc(line, modality="text", default=None))
    assert [f.text for f in only_doubtful(doc)] == []


@pytest.mark.parametrize(
    ("line", "brand", "canonical"),
    [("Start Percocet 5 mg every six hours as needed.", "Percocet", "acetaminophen / oxycodone"),
     ("Continue Norco 10 mg at bedtime.", "Norco", "acetaminophen / hydrocodone"),
     ("Start Bactrim twice a day for seven days.", "Bactrim",
      "sulfamethoxazole / trimethoprim"),
     ("Continue Benicar HCT once daily.", "Benicar HCT", "hydrochlorothiazide / olmesartan"),
     ("Take Lomotil after each loose stool.", "Lomotil", "atropine / diphenoxylate"),
     # the sources named Neosporin as hydrocortisone alone
     ("Apply Neosporin to the wound twice daily.", "Neosporin",
      "bacitracin / neomycin / polymyxin b"),
     # brands of one drug that no source names
     ("Start Macrobid 100 mg twice daily for five days.", "Macrobid", "nitrofurantoin"),
     ("Continue Trileptal 300 mg twice daily.", "Trileptal", "oxcarbazepine"),
     ("Apply Epiduo to the face at night.", "Epiduo", "adapalene / benzoyl peroxide")],
)
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_a_common_combination_brand_is_verified(
        validator: Validator, line: str, brand: str, canonical: str,
        modality: Modality) -> None:
    # none of the open sources lists these brands; the project's curated list does
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text, f.candidates[0].canonical) for f in doc.flags] == [
        ("verified", brand, canonical)]


@pytest.mark.parametrize("line", [
    # a comparison or a frequency is no name: morphine, Fortesta
    "Do not take more than 4 grams of paracetamol in 24 hours.",
    "Drink no more than 14 units a week.",
    "Call if your weight is up more than 2 kg in 3 days.",
    "Cefalexin 500 mg four times daily.",
    "Give four times daily.",
    "Use the inhaler 3 times a day.",
    # the routes: "Inject" was Twinject, "subcutaneously" subcutaneous or Soluble insulin
    "Inject 40 mg subcutaneously once daily.",
    "Inhale two puffs twice daily.",
    # words derived from a term are those words: bilateral, neuropathy
    "Apply twice daily to both legs bilaterally.",
    "She has neuropathic pain in both feet.",
    # British spellings are the words and terms spelled the American way
    "Haemodynamically stable, anaemia noted, oedema of both ankles.",
    "Orthopnoea and tachypnoea settled overnight.",
])
@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_clinical_phrasing_written_out_is_no_misread_name(
        validator: Validator, line: str, modality: Modality) -> None:
    """Clinical sentences no dev set holds, written by hand to check for false flags:
    each of these flagged a drug or a clinical term it was derived from (a dose heard as
    a teen is doubted as ever)."""
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text) for f in only_doubtful(doc) if f.reason != "confusable"] == []


@pytest.mark.parametrize(("line", "text", "canonical"), [
    ("Continue oestradiol 2 mg daily.", "oestradiol", "estradiol"),
    ("Orthopnoea settled.", "Orthopnoea", "orthopnea"),
    ("Oesophagitis on the last scope.", "Oesophagitis", "esophagitis"),
])
def test_validate_a_british_spelling_of_a_term_is_verified_as_it(
        validator: Validator, line: str, text: str, canonical: str) -> None:
    doc = validated_as(validator, line, "text")
    (flag,) = doc.flags
    assert (flag.reason, flag.text.rstrip("."), flag.candidates[0].canonical) == (
        "verified", text, canonical)


@pytest.mark.parametrize(("line", "span", "canonical"), [
    # the phrases of quantity take nothing from a name misspelled or misheard beside them
    ("Take no more than 4 grams of paracetmol a day.", "paracetmol", "acetaminophen"),
    ("Metfromin 500 mg four times daily.", "Metfromin", "metformin"),
    ("Inject in sue lin glar gene 10 units at night.", "in sue lin glar gene",
     "insulin glargine"),
])
def test_validate_a_name_beside_a_phrase_of_quantity_is_still_found(
        validator: Validator, line: str, span: str, canonical: str) -> None:
    doc = validated_as(validator, line, "text")
    flags = only_doubtful(doc)
    assert [f.text.rstrip(".") for f in flags] == [span]
    assert canonical in [c.canonical for c in flags[0].candidates[:3]]


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_sure_words_written_apart_spell_no_unit(validator: Validator,
                                                        modality: Modality) -> None:
    # "per cent" joined spells the unit "percent": it was flagged as near it; a drug's
    # name written apart still is one ("pro air")
    line = "Revenue was up 12 per cent this year."
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.95))
    assert only_doubtful(doc) == []
    doc = validator.validate(make_doc("Use the pro air inhaler", modality=modality,
                                      default=None if modality == "text" else 0.95))
    assert [c.canonical for f in doc.flags for c in f.candidates][:1] == ["albuterol"]


def test_validate_with_a_lexicon_file_indexes_it_once_while_it_is_unchanged(
        tmp_path: Path) -> None:
    import os
    import sys

    validate_module = sys.modules["uncertain.validate"]

    path = tmp_path / "formulary.tsv"
    path.write_text("Zapain\tzapainol\tbrand\t0.6\n")
    doc = document_from_text("Continue Zapane 5 mg daily.", path="note.txt")
    first = validate_module._validator_for(["drugs", str(path)])
    assert validate_module._validator_for(["drugs", path]) is first  # built once, not per call
    flagged = validate(doc, lexicons=["drugs", path])
    assert any(c.canonical == "zapainol" for f in flagged.flags for c in f.candidates)
    # the file edited: indexed again, the new entry found
    path.write_text("Zapain\tzapainol\tbrand\t0.6\nQuelix\tquelixomab\tbrand\t0.6\n")
    os.utime(path, ns=(1, 1))
    assert validate_module._validator_for(["drugs", path]) is not first
    later = validate(document_from_text("Start Quelex 5 mg.", path="b.txt"),
                     lexicons=["drugs", path])
    assert any(c.canonical == "quelixomab" for f in later.flags for c in f.candidates)


def test_validate_validators_of_two_formularies_share_the_shipped_lexicons_index(
        tmp_path: Path) -> None:
    """A service validating with the shipped lexicons beside formulary A and beside B
    held a copy of the shipped ones' index (27 MB) per set: the sets now share it."""
    import sys

    validate_module = sys.modules["uncertain.validate"]
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("Zapain\tzapainol\tbrand\t0.6\n")
    b.write_text("Quelix\tquelixol\tbrand\t0.6\n")
    shipped = validate_module._validator_for(["drugs", "clinical"]).index
    with_a = validate_module._validator_for(["drugs", "clinical", a]).index
    with_b = validate_module._validator_for(["drugs", "clinical", b]).index
    assert with_a.items[0] is shipped.items[0] is with_b.items[0]
    # a table a formulary adds to is its own (a new key), one it adds nothing to is shared
    assert with_a.exact is not shipped.exact and with_a._written is shipped._written
    assert with_a.items[len(shipped):] != with_b.items[len(shipped):]
    doc = document_from_text("Continue Zapane 5 mg daily. Start Quelex 5 mg.", path="n.txt")
    found = {c.canonical for f in validate(doc, lexicons=["drugs", "clinical", a]).flags
             for c in f.candidates}
    assert "zapainol" in found and "quelixol" not in found
    # shipped lexicons after a file are indexed whole, as before
    late = validate_module.Validator([a, "drugs"]).index
    assert late.items[1] is not shipped.items[0]


def test_validate_sees_a_lexicon_edit_that_keeps_its_size_and_modification_time(
        tmp_path: Path) -> None:
    # ``cp -p``, ``rsync -t`` and ``tar x`` keep a file's modification time: a tenant's
    # formulary edited so, to the same length, was validated against its old content
    import os

    path = tmp_path / "formulary.tsv"
    path.write_text("Zapain\tzapainol\tbrand\t0.6\n")
    doc = document_from_text("Continue Zapane 5 mg daily. Start Quelex 5 mg.", path="note.txt")

    def found() -> set[str]:
        flagged = validate(doc, lexicons=["drugs", path])
        return {c.canonical for f in flagged.flags for c in f.candidates} & {
            "zapainol", "quelixol"}

    assert found() == {"zapainol"}
    st = path.stat()
    path.write_text("Quelix\tquelixol\tbrand\t0.6\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert found() == {"quelixol"}


def test_validate_keys_a_lexicon_file_on_the_bytes_it_parses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys

    validate_module = sys.modules["uncertain.validate"]
    path = tmp_path / "formulary.tsv"
    whole = "Zapain\tzapainol\tbrand\t0.6\nQuelix\tquelixol\tbrand\t0.6\n"
    path.write_text(whole)
    doc = document_from_text("Continue Zapane 5 mg daily. Start Quelex 5 mg.", path="note.txt")

    def found() -> set[str]:
        flagged = validate(doc, lexicons=["drugs", path])
        return {c.canonical for f in flagged.flags for c in f.candidates} & {
            "zapainol", "quelixol"}

    # a file being written while it is read (its stat after the read is not the one
    # before) is read again: the half read is neither validated against nor cached
    real_open = open
    writes = [whole[:20]]

    class Growing:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> Growing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def fileno(self) -> int:
            return self.fh.fileno()  # type: ignore[attr-defined,no-any-return]

        def read(self) -> bytes:
            data = self.fh.read()  # type: ignore[attr-defined]
            with real_open(path, "a") as rest:  # the writer goes on meanwhile
                rest.write(whole[20:])
            return data  # type: ignore[no-any-return]

    def opening(name: object, mode: str = "r", *args: object) -> object:
        if os.fspath(name) == os.fspath(path) and mode == "rb" and writes:  # type: ignore[arg-type]
            path.write_text(writes.pop())
            return Growing(real_open(path, "rb"))
        return real_open(name, mode, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(sys.modules["uncertain.lexicon"], "open", opening, raising=False)
    assert found() == {"zapainol", "quelixol"}
    assert writes == []  # (the file was read half written, first)
    monkeypatch.undo()
    # a settled file whose stat is the one hashed before is not read again; when its
    # validator must be built again and its content is not the hash's, it is read afresh
    monkeypatch.setattr(validate_module, "_SETTLED_NS", -10**18)
    first = validate_module._file_key(str(path))
    assert first[1] is not None and validate_module._file_key(str(path)) == (first[0], None)
    real = os.path.realpath(path)
    sig, _ = validate_module._hashed[real]
    validate_module._hashed[real] = (sig, "0" * 32)  # (as if hashed from other bytes)
    validate_module._cached_validator.cache_clear()
    assert found() == {"zapainol", "quelixol"}
    assert validate_module._hashed[real][1] == first[0][2]


def test_validate_a_lexicon_named_by_a_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    # the file is read once, for its hash and its entries: a pipe is not opened
    import os
    import threading

    from uncertain.errors import LexiconError

    pipe = tmp_path / "formulary.tsv"
    os.mkfifo(pipe)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            validate(document_from_text("Take Zapane.", path="a.txt"), lexicons=[pipe])
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():  # (let it go: a writer opens the pipe, and it reads nothing)
        with open(pipe, "w"):
            pass
        pytest.fail("validate waited on the pipe")
    assert len(raised) == 1 and isinstance(raised[0], LexiconError)
    assert str(raised[0]) == (f"{pipe}: a pipe, not a regular file: save what it gives to a "
                              "file and name that")


def test_validate_a_measurements_code_is_not_a_dosing_abbreviation() -> None:
    # "pO2" was verified as PO (by mouth): its letters taken alone, as OCR glue's are
    doc = validate(document_from_text(
        "Arterial blood gas: pO2 was 60 mmHg and pCO2 was 48, FEV1 low.", path="abg.txt"))
    assert not [f for f in doc.flags if any(c.canonical == "PO" for c in f.candidates)]
    glued = validate(document_from_text("Take Lisinopril10mg daily.", path="rx.txt"))
    assert any(c.canonical == "lisinopril" for f in glued.flags for c in f.candidates)


@pytest.mark.parametrize("modality", ["text", "audio"])
def test_validate_lithium_said_by_its_name_is_verified(validator: Validator,
                                                       modality: Modality) -> None:
    # the lexicon held lithium only with a salt's name: "lithium" alone was flagged as
    # near lanthanum, first
    doc = validated_as(validator, "Continue lithium 300 mg twice daily.", modality)
    assert [(f.reason, f.text) for f in doc.flags] == [("verified", "lithium")]
    assert doc.flags[0].candidates[0].canonical == "lithium carbonate"


def _paged_lines(lines: list[str], modality: Modality, pages: list[int] | None = None
                 ) -> Document:
    """One segment per line of ``word/conf`` tokens (0.98 if not given; none in text),
    each line on its page of ``pages``."""
    segments = []
    for k, line in enumerate(lines):
        page = pages[k] if pages else None
        words = []
        for token in line.split():
            text, _, conf = token.partition("/")
            words.append(Word(text=text, page=page, confidence=None if modality == "text"
                              else float(conf) if conf else 0.98))
        segments.append(Segment(id=k, words=words, page=page))
    return Document(source=Source(path=f"test.{modality}", sha256="0" * 64,
                                  modality=modality, engine="test"), segments=segments)


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("lines", "pages", "flagged"), [
    # a dose opening the next line is the name's (a label's strength under its name)
    (["son Tramel", "75 mg twice daily"], None, True),
    (["Continue Zocar", "tablets 40 mg daily"], None, True),
    # ... not on the next page, nor after other words of the name's line, nor the next
    # field's or row's: "Penicillin allergy" / "Weight: 82 kg" made Penicillin's
    # allergy a misread penicillamine 500 mg
    (["Tramel", "75 mg twice daily"], [1, 2], False),
    (["Tramel allergy", "500 mg"], None, False),
    (["Tramel allergy", "Weight: 82 kg"], None, False),
    (["son Tramel and", "Pregabalin 75 mg twice daily"], None, False),
    # nor, on one line, over a label's colon or a clause's semicolon
    (["Tramel allergy Weight: 82 kg"], None, False),
    (["Tramel allergy; 500 mg"], None, False),
    (["Tramel 500 mg"], None, True),
])
def test_validate_a_dose_in_print_is_a_name_of_its_line(
        validator: Validator, modality: Modality, lines: list[str], pages: list[int] | None,
        flagged: bool) -> None:
    if modality == "image" and lines[0].startswith("Tramel allergy"):
        lines = [lines[0].replace("Tramel", "Tramel/0.6"), *lines[1:]]
    flags = only_doubtful(validator.validate(_paged_lines(lines, modality, pages)))
    near = [f for f in flags if (f.reason == "near_lexicon"
            and f.candidates[0].canonical == "tramadol") or "Zocar" in f.text]
    assert bool(near) == flagged, flags


@pytest.mark.parametrize("line", ["Penicillin 500 mg four times daily",
                                  "Allergies: penicillin, sulfa, cephalosporins",
                                  "Avoid benzodiazepines and antihistamines at night"])
@pytest.mark.parametrize("modality", ["image", "text", "audio"])
def test_validate_a_class_of_drugs_as_notes_name_it_is_no_misread_name(
        validator: Validator, line: str, modality: Modality) -> None:
    """"Penicillin 500 mg" was flagged as almost surely a misread penicillin G (p 0.01):
    bare penicillin, the commonest allergy, was in no lexicon."""
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.97))
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("modality", ["image", "text"])
def test_validate_a_labels_value_is_no_dose_of_the_words_before_the_label(
        validator: Validator, modality: Modality) -> None:
    """A form's line "Latex allergy Penicillin allergy Weight: 82 kg" made "Penicillin
    allergy Weight:" a misread penicillamine, 82 kg its dose."""
    line = "Latex allergy Penicillin allergy Weight: 82 kg"
    assert only_doubtful(validator.validate(_paged_lines([line], modality))) == []
    # a name written as a label of its dose is still a name with a dose
    doc = validator.validate(_paged_lines(["Zocar: 40 mg daily"], modality))
    assert [f.candidates[0].canonical for f in only_doubtful(doc)] == ["simvastatin"]


@pytest.mark.parametrize("modality", ["image", "text"])
def test_validate_a_prescribing_word_ending_a_table_row_governs_no_name_of_the_next(
        validator: Validator, modality: Modality) -> None:
    """A reconciliation table's Action cell ("Stop") raised the next row's first word
    (Lipator 0.66 -> 0.92 in print); a wrapped sentence's "stop" still governs."""
    def scores(lines: list[str]) -> list[float | None]:
        return [f.confidence for f in only_doubtful(
            validator.validate(_paged_lines(lines, modality))) if "ipator" in f.text]

    plain = scores(["Aspirin 81 mg daily", "Lipator see notes"])
    assert scores(["Aspirin 81 mg Stop", "Lipator see notes"]) == plain
    (wrapped,) = scores(["Aspirin 81 mg and stop", "lipator tomorrow"])
    assert wrapped is not None and plain[0] is not None and wrapped > plain[0]


@pytest.mark.parametrize("line", [
    "Amoxicillin-clavulanate 875 mg PO BID.",
    "Amoxicillin/clavulanate 875/125 mg PO BID.",
    "Carbidopa-levodopa 25/100 mg PO TID.",
    "Losartan/HCTZ 50/12.5 mg PO daily.",
    "Ipratropium-albuterol nebs q4h PRN.",
    "Fluticasone-salmeterol 250/50 1 puff BID.",
    "Patient takes fluticasone-salmeterol inhaler.",
])
@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_combination_written_as_one_word_is_its_components(
        validator: Validator, line: str, modality: Modality) -> None:
    """"Amoxicillin-clavulanate" was flagged as a misspelled amoxicillin (p 0.02, the
    clavulanate lost), "Carbidopa-levodopa" as carboplatin: a combination the lexicon
    lists under another name, or not at all, was one long name misspelled."""
    words = [Word(text=t, confidence=None if modality == "text" else 0.98) for t in line.split()]
    doc = validator.validate(Document(source=Source(
        path=f"test.{modality}", sha256="0" * 64, modality=modality, engine="test"),
        segments=[Segment(id=0, words=words)]))
    assert only_doubtful(doc) == []
    (verified,) = [f for f in doc.flags if "-" in f.text or "/" in f.text]
    assert verified.reason == "verified" and len(verified.candidates) == 2


def test_validate_a_combination_needs_every_component_and_a_drug(validator: Validator) -> None:
    # a misspelled component leaves the word doubtful
    (flag,) = only_doubtful(validated_as(validator, "Amoxicilin-clavulanate 875 mg BID.", "text"))
    assert flag.reason == "near_lexicon"
    # words that happen to be terms and are everyday English make no combination
    for line in ("Follow-up in two weeks.", "Iron-rich diet advised."):
        assert not [f for f in validated_as(validator, line, "text").flags
                    if f.reason == "verified" and "-" in f.text]


@pytest.mark.parametrize(("line", "term"), [
    ("Allergic to penicillin causes hives.", "penicillin"),
    ("He is allergic to penicillin since childhood.", "penicillin"),
    ("Allergic to penicillins causes hives.", "penicillins"),
    ("She takes her water pill 40 mg every morning.", "water pill"),
    ("He takes the blood thinner 5 mg twice a day.", "blood thinner"),
    ("He uses a sleeping pill 10 mg at night.", "sleeping pill"),
    ("Takes his diabetes medicine 500 mg twice a day.", "medicine"),
    ("Her thyroid pill 50 mcg every morning.", "pill"),
    ("Continue his calcium channel blocker 5 mg daily.", "calcium channel blocker"),
    ("Allergic to iodinated contrast causes hives.", "iodinated contrast"),
    ("Heparin 5000 units subcut q12h.", "subcut"),
    ("Amlodipine besilate 5 mg daily.", "besilate"),
    ("Ferrous sulphate 200 mg TDS.", "sulphate"),
])
def test_validate_plain_words_for_a_drug_are_no_misspelled_name(
        validator: Validator, line: str, term: str) -> None:
    """A note's lay and class names, salts and routes were flagged near other drugs:
    "penicillin causes" as penicillamine on an allergy line, "diabetes medicine 500 mg"
    as Depo-Testosterone, "blood thinner" as rituximab, "subcut" as Sublocade, the INN
    "besilate" as busulfan."""
    assert term in line
    assert only_doubtful(validated_as(validator, line, "text")) == []


@pytest.mark.parametrize(("line", "canonicals"), [
    # an insulin written by its analogue's word alone: "Degludec" was near teduglutide,
    # and "covered with" before "4 units lispro" near Covera (the dose named no drug)
    ("Degludec 30 units SC daily", ["insulin degludec"]),
    ("BG 245, covered with 4 units lispro per sliding scale", ["insulin lispro"]),
])
def test_validate_an_insulin_by_its_analogues_word(
        validator: Validator, line: str, canonicals: list[str]) -> None:
    doc = validated_as(validator, line, "text")
    assert only_doubtful(doc) == []
    assert [f.candidates[0].canonical for f in doc.flags] == canonicals


@pytest.mark.parametrize(("line", "canonical"), [
    ("Metoprolol succinat 25 mg PO daily.", "metoprolol"),
    ("Metoprolol tartarate 25 mg PO BID.", "metoprolol"),
    ("Losartan potasium 50 mg daily.", "losartan"),
])
def test_validate_a_misspelled_salt_is_its_drugs_salt_form(
        validator: Validator, line: str, canonical: str) -> None:
    """"Metoprolol succinat" flagged "succinat" alone, suggesting succinimide."""
    (flag,) = only_doubtful(validated_as(validator, line, "text"))
    assert flag.text.startswith(line.split()[0])
    assert flag.candidates[0].canonical == canonical
    assert flag.candidates[0].term.casefold().startswith(line.split()[0].casefold() + " ")


@pytest.mark.parametrize("modality", ["text", "audio"])
@pytest.mark.parametrize(("line", "span", "term"), [
    ("Start potassium chlor ride 20 mEq by mouth daily.", "potassium chlor ride",
     "potassium chloride"),
    ("Start metoprolol tar trait 25 mg twice a day.", "metoprolol tar trait",
     "metoprolol tartrate"),
    ("Continue amlodipine be sillate 10 mg daily.", "amlodipine be sillate",
     "amlodipine besylate"),
    ("Continue losartan pot ass E um 50 mg daily.", "losartan pot ass E um",
     "losartan potassium"),
])
def test_validate_a_salt_form_heard_amiss_in_its_second_word(
        validator: Validator, modality: Modality, line: str, span: str, term: str) -> None:
    """A recogniser breaks a salt into words, some of them terms: "potassium chlor ride"
    verified "chlor" as Chlor (chlorine) and proposed nothing for potassium chloride;
    "metoprolol tar trait" was metoprolol and words; "amlodipine be sillate" flagged
    "sillate" as Cylate."""
    (flag,) = validated_as(validator, line, modality).flags
    assert (flag.reason, flag.text, flag.candidates[0].term) == ("near_lexicon", span, term)


@pytest.mark.parametrize("line", [
    "Start metoprolol and lisinopril 10 mg daily.",
    "Continue metformin with lisinopril 10 mg daily.",
    "Continue diltiazem CD 180 mg daily.",
])
def test_validate_a_drug_and_other_words_are_no_salt_form(validator: Validator,
                                                          line: str) -> None:
    for modality in ("text", "audio"):
        doc = validated_as(validator, line, modality)
        assert [f.reason for f in doc.flags] == ["verified"] * len(doc.flags)


def test_validate_a_name_and_the_words_after_it_are_matched_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a drug's name and the words after it go on like a name of several words
    it begins ("metoprolol tar trait": metoprolol tartrate) is asked by each window of
    them, in each document prescribing it: the names it begins are read once per pair,
    and the flags are the same."""
    validator = Validator()
    heads: list[str] = []
    completions = validator.index.completions
    monkeypatch.setattr(validator.index, "completions", lambda key, **k: (
        heads.append(key) if k.get("extra") == 1 else None) or completions(key, **k))
    line = "Start metoprolol tar trait 25 mg twice a day."
    first = validated_as(validator, line, "audio")
    asked = len(heads)
    assert asked and "metoprolol" in heads
    again = validated_as(validator, line, "audio")
    assert len(heads) == asked
    assert [(f.text, f.candidates[0].term) for f in again.flags] == [
        (f.text, f.candidates[0].term) for f in first.flags] == [
        ("metoprolol tar trait", "metoprolol tartrate")]


def _heard(pieces: list[tuple[str, float, bool]]) -> Document:
    """Speech of (text, confidence, written onto the next word) words."""
    words = [Word(text=t, confidence=c, space_after=not glued) for t, c, glued in pieces]
    return Document(source=Source(path="test.wav", sha256="0" * 64, modality="audio",
                                  engine="test"), segments=[Segment(id=0, words=words)])


def test_validate_a_doubtful_number_is_marked_whole(validator: Validator) -> None:
    """Whisper writes "81,000" as "1" and ",000": the "1" was marked alone, and an LLM
    fixing it to 81 read "81,000 milligrams"."""
    doc = validator.validate(_heard([("Aspirin", 0.95, False), ("1", 0.13, True),
                                     (",000", 0.37, False), ("milligrams", 0.9, False)]))
    (flag,) = only_doubtful(doc)
    assert (flag.text, flag.start, flag.end) == ("1,000", 1, 3)
    assert render(doc, style="bracket", preamble=False).text.endswith(
        "Aspirin [1,000?0.13] milligrams")


@pytest.mark.parametrize(("pieces", "canonical"), [
    ([("Met", 0.54, False), ("4", 0.11, True), (",000", 0.61, False)], "metformin"),
    ([("Met", 0.43, False), ("4", 0.58, True), (",500", 0.47, False)], "metformin"),
    # a name of its own before it keeps the number whole: heparin 4,000 units
    ([("Heparin", 0.6, False), ("4", 0.4, True), (",000", 0.9, False)], None),
    # and "1,000" is a dose said so ("me for me" is metformin 1000 mg)
    ([("me", 0.3, False), ("for", 0.4, False), ("me", 0.3, False), ("1", 0.3, True),
      (",000", 0.9, False)], "metformin"),
])
def test_validate_a_digit_glued_to_a_thousands_group_may_be_a_syllable(
        validator: Validator, pieces: list[tuple[str, float, bool]],
        canonical: str | None) -> None:
    """"Metformin 500 milligrams" heard as "Met 4,500" (met-for 500) reached the LLM
    as a sure dose nine times too high, metformin nowhere: the spoken-digit rule skipped a
    digit written onto the next piece."""
    doc = validator.validate(_heard([*pieces, ("milligrams", 0.9, False)]))
    near = [f for f in doc.flags if f.reason == "near_lexicon"]
    if canonical is None:
        assert near == [] and any(f.text == "4,000" for f in doc.flags)
    else:
        assert [f.candidates[0].canonical for f in near] == [canonical]
        assert all(not f.text.endswith("1") for f in near)  # the dose is no syllable


@pytest.mark.parametrize(("line", "misread", "frequency"), [
    ("Atorvastatin 40 mg ghs", "ghs", "qHS"),
    ("Metoprolol 25 mg g6h", "g6h", "q6h"),
    ("Oxycodone 5 mg PO g4h prn", "g4h", "q4h"),
    ("Ondansetron 4 mg g8h", "g8h", "q8h"),
    ("Lisinopril 10 mg ghs.", "ghs.", "qHS"),
])
def test_validate_a_sig_read_with_g_for_q_is_flagged(validator: Validator, line: str,
                                                     misread: str, frequency: str) -> None:
    """"qhs" and "q6h" read "ghs" and "g6h" (DejaVu's q and g differ by a tail) at
    confidence 0.93 passed unmarked: g/q was no glyph confusion, and a word of under four
    letters was compared with no term, so "ghs" after a dose was never taken for qHS."""
    doc = validator.validate(_ocr_doc([Word(text=t, confidence=0.93) for t in line.split()]))
    flags = [f for f in only_doubtful(doc) if f.text == misread]
    assert len(flags) == 1
    assert "confusable" in flags[0].reasons and flags[0].confidence >= 0.6  # p it is wrong
    assert flags[0].candidates[0].term == frequency
    assert "glyph" in flags[0].candidates[0].evidence


@pytest.mark.parametrize(("column", "misread", "frequency"), [
    (["Frequency", "BID", "ql2h", "daily"], "ql2h", "q12h"),
    (["Frequency", "BlD", "q8h"], "BlD", "BID"),
])
def test_validate_a_doubtful_sig_alone_on_its_line_is_suggested_its_frequency(
        validator: Validator, column: list[str], misread: str, frequency: str) -> None:
    """A table's frequency column comes out of tesseract a cell a line, with no dose before
    a cell: a misread "ql2h" or "BlD", doubtful on its own (out of vocabulary, read at
    0.23), was marked with no suggestion, though one glyph undone spells q12h or BID."""
    doc = validator.validate(Document(
        source=Source(path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=k, words=[Word(text=t, confidence=0.23 if t == misread else 0.95)])
                  for k, t in enumerate(column)]))
    (flag,) = only_doubtful(doc)
    assert flag.text == misread
    assert [(c.term, c.evidence) for c in flag.candidates] == [(frequency, ["glyph"])]


@pytest.mark.parametrize("line", [
    "Atorvastatin 40 mg qhs", "Metoprolol 25 mg q6h", "Ceftriaxone 1 g IV daily",
    "Glipizide 5 mg daily", "Gabapentin 300 mg at night with a glass of water",
    "Apply 2 g gel twice daily", "Timolol 1 gtt OU BID", "Magnesium 400 mg, give with food",
])
def test_validate_right_words_with_g_are_not_taken_for_q(validator: Validator,
                                                         line: str) -> None:
    doc = validator.validate(_ocr_doc([Word(text=t, confidence=0.95) for t in line.split()]))
    assert only_doubtful(doc) == []


@pytest.mark.parametrize(("text", "number"), [("1O", "10"), ("6O", "60"), ("5OO", "500"),
                                              ("2.S", "2.5"), ("1O.", "10")])
def test_validate_a_printed_number_with_a_letter_for_a_digit_is_doubtful(
        validator: Validator, text: str, number: str) -> None:
    """"Lisinopril 1O mg" (raw 30) reached the prompt at p 0.83, "Qty: 6O" at 0.91: a
    number holding a letter OCR read for a digit is doubtful however sure the engine
    was, and the digits are its suggestion."""
    words = [Word(text=t, confidence=0.95) for t in ("Lisinopril", text, "mg", "daily")]
    doc = validator.validate(Document(source=Source(
        path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)]))
    (flag,) = only_doubtful(doc)
    assert (flag.text, flag.reason, flag.candidates[0].term) == (text, "confusable", number)
    assert flag.confidence is not None and flag.confidence >= 0.6


@pytest.mark.parametrize("text", ["10", "B12", "O2", "T4", "1st", "2nd", "3x"])
def test_validate_codes_and_ordinals_are_no_misread_numbers(
        validator: Validator, text: str) -> None:
    words = [Word(text=t, confidence=0.95) for t in ("Take", text, "daily")]
    doc = validator.validate(Document(source=Source(
        path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)]))
    assert [f for f in doc.flags if f.reason == "confusable"] == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("i'O\"Mg", True), ("O\"Mg", True),  # debris of a stamped-over line
    ("twice:a", False), ("n/a", False), ("w/o", False), ("b.i.d.", False), ("a.m.", False),
])
def test_validate_printed_debris_of_short_letters_is_no_english(
        validator: Validator, text: str, flagged: bool) -> None:
    """A stamp over "Lisinopril 10 mg" left "i'O"Mg" at p 0.23, under print's line (0.35)
    but over the half of it a common English word gets: its one- and two-letter parts
    ("i", "O", "Mg") were read as English glued by a stray mark, as "twice:a" is."""
    words = [Word(text=text, confidence=0.23), Word(text="tab", confidence=0.95)]
    doc = validator.validate(Document(source=Source(
        path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)]))
    assert bool([f for f in only_doubtful(doc) if f.text == text]) == flagged


def test_validate_one_set_of_lexicons_being_indexed_holds_up_no_other() -> None:
    """A service validating for several tenants: while one tenant's lexicons were being
    indexed (1.7 s), every other tenant's validation waited for it (1.6 s for 3 ms)."""
    import threading

    from uncertain._assets import built_once

    release = threading.Event()
    entered = threading.Event()

    @built_once(maxsize=4)
    def build(name: str) -> str:
        if name == "slow":
            entered.set()
            assert release.wait(30)
        return name.upper()

    assert build("fast") == "FAST"
    slow = threading.Thread(target=build, args=("slow",))
    slow.start()
    try:
        assert entered.wait(30)
        done: list[str] = []
        for name in ("fast", "other"):  # built, and not built: neither waits for "slow"
            t = threading.Thread(target=lambda n=name: done.append(build(n)))
            t.start()
            t.join(5)
        assert sorted(done) == ["FAST", "OTHER"]
    finally:
        release.set()
        slow.join(30)
    assert build("slow") == "SLOW" and build.cache_info().misses == 3


@pytest.mark.parametrize(("line", "written", "canonical"), [
    ("Penicillin VK 500 mg PO QID x 10 days.", "Penicillin VK", "penicillin v potassium"),
    ("penicillin vk 250 mg BID.", "penicillin vk", "penicillin v potassium"),
    ("Penicillin V-K 500 mg PO QID.", "Penicillin V-K", "penicillin v potassium"),
    ("Penicillin-VK 500 mg PO QID.", "Penicillin-VK", "penicillin v potassium"),
    ("Diclofenac-K 50 mg PO TID.", "Diclofenac-K", "diclofenac"),
    ("Naproxen-Na 550 mg PO BID.", "Naproxen-Na", "naproxen"),
])
@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_salt_symbol_written_onto_a_name_is_that_drug(
        validator: Validator, line: str, written: str, canonical: str,
        modality: Modality) -> None:
    """"Penicillin VK 500 mg" was flagged as a misspelled "Penicillin V": the usual name
    of penicillin V potassium, its V and the K of its salt run together, was one letter
    too many; "Diclofenac-K" and "Naproxen-Na" likewise."""
    words = [Word(text=t, confidence=None if modality == "text" else 0.97) for t in line.split()]
    doc = validator.validate(Document(source=Source(
        path=f"test.{modality}", sha256="0" * 64, modality=modality, engine="test"),
        segments=[Segment(id=0, words=words)]))
    assert only_doubtful(doc) == []
    (verified,) = [f for f in doc.flags if f.text == written]
    assert verified.reason == "verified" and verified.candidates[0].canonical == canonical


@pytest.mark.parametrize(("line", "written"), [
    ("Penicillin VX 500 mg PO QID.", "Penicillin VX"),  # no salt's symbol
    ("Penicillin VKK 500 mg PO QID.", "Penicillin VKK"),  # more letters than the V before it
    ("Diclofenac-KK 50 mg PO TID.", "Diclofenac-KK"),
])
def test_validate_a_salt_symbol_needs_the_name_before_it(validator: Validator, line: str,
                                                         written: str) -> None:
    (flag,) = [f for f in validated_as(validator, line, "text").flags if f.text == written]
    assert flag.reason == "near_lexicon"


@pytest.mark.parametrize("line", [
    "Nitro SL PRN chest pain.",
    "Nitro 0.4 mg SL q5 min x 3 PRN chest pain.",
    "Took a nitro for chest pain, then a nitro patch.",
])
def test_validate_nitro_is_nitroglycerin_as_prescribers_write_it(validator: Validator,
                                                                 line: str) -> None:
    """"Nitro SL PRN" was flagged as the brand Nitrol (p 0.82), "Nitro 0.4 mg" too: the
    word prescribers write for nitroglycerin was in no lexicon, and with it a name and
    a route after it were one longer name misspelled (Nicotrol)."""
    doc = validated_as(validator, line, "text")
    assert only_doubtful(doc) == []
    assert all(f.candidates[0].canonical == "nitroglycerin"
               for f in doc.flags if f.text.casefold() == "nitro")


@pytest.mark.parametrize(("line", "written", "term", "canonical"), [
    ("Amoxicilin-clavulanate 875 mg PO BID.", "Amoxicilin-clavulanate",
     "Amoxicillin-clavulanate", "amoxicillin / clavulanic acid"),
    ("Amoxicillin/clavulanat 875/125 mg PO BID.", "Amoxicillin/clavulanat",
     "Amoxicillin/clavulanate", "amoxicillin / clavulanic acid"),
    ("Carbidopa-levodapa 25/100 mg PO TID.", "Carbidopa-levodapa",
     "Carbidopa-levodopa", "carbidopa / levodopa"),
    ("Losartn/HCTZ 50/12.5 mg PO daily.", "Losartn/HCTZ",
     "Losartan/HCTZ", "hydrochlorothiazide / losartan"),
])
@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_combination_with_a_component_misspelled_is_suggested_whole(
        validator: Validator, line: str, written: str, term: str, canonical: str,
        modality: Modality) -> None:
    """"Amoxicilin-clavulanate 875 mg" was flagged with amoxicillin alone as its
    suggestion (its letters are nearest it), and a reader that followed it dropped the
    clavulanate: the combination is suggested with the misspelled component corrected."""
    words = [Word(text=t, confidence=None if modality == "text" else 0.97) for t in line.split()]
    doc = validator.validate(Document(source=Source(
        path=f"test.{modality}", sha256="0" * 64, modality=modality, engine="test"),
        segments=[Segment(id=0, words=words)]))
    (flag,) = [f for f in only_doubtful(doc) if f.text == written]
    assert (flag.candidates[0].term, flag.candidates[0].canonical) == (term, canonical)
    assert flag.confidence == flag.candidates[0].score >= 0.5


@pytest.mark.parametrize("line", [
    "Metfor-min 500 mg PO BID.",  # a name broken by a hyphen: "min" is no drug
    "Amoxicilin-clavulanat 875 mg PO BID.",  # no component written right
])
def test_validate_a_combination_is_suggested_only_around_a_component_written_right(
        validator: Validator, line: str) -> None:
    doc = validated_as(validator, line, "text")
    assert not any("/" in c.canonical for f in doc.flags for c in f.candidates[:1])


@pytest.mark.parametrize("line", [
    "Salt-water gargles twice a day.",
    "Salt water gargles twice a day.",
    "Warm salt water gargles 4 times a day as needed.",
])
def test_validate_gargles_are_a_dose_form_not_a_misspelled_name(validator: Validator,
                                                                line: str) -> None:
    """"Salt-water gargles twice a day" was flagged as AlternaGEL (p 0.55), "Salt water
    gargles" as watercress (0.71): a gargle is a dose form, and words before a form
    are not a longer name that ends in it."""
    doc = validated_as(validator, line, "text")
    assert only_doubtful(doc) == []


@pytest.mark.parametrize(("word", "term", "maybe"), [
    ("500mgMetforrnin", "metformin", "500mgmetformin"),
    ("10mglisinoprl", "lisinopril", "10mglisinopril"),
    # ... a mark between: the key "mgwarfarln" was near Carbatrol, first
    ("5mg-Warfarln", "warfarin", "5mg-warfarin"),
    ("5mg'Warfarln", "warfarin", "5mgwarfarin"),
])
def test_validate_a_dose_glued_before_a_name_is_no_letter_of_it(
        validator: Validator, word: str, term: str, maybe: str) -> None:
    """"500mgMetforrnin" was read as the name "mgmetforrnin": its unit, glued on with no
    mark between, was the name's first letters, and the suggestion dropped it
    ("500metformin")."""
    words = [Word(text=t, confidence=0.97) for t in ("Take", word, "twice", "daily")]
    doc = validator.validate(Document(source=Source(
        path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)]))
    (flag,) = only_doubtful(doc)
    assert flag.text == word and flag.candidates[0].term == term
    assert doubtful_spans(doc)[0].candidates[0] == maybe


@pytest.mark.parametrize("word", ["5mg-Warfarin", "500mg-Metformin", "5mgWarfarin"])
def test_validate_a_dose_glued_before_a_name_printed_right_is_verified(
        validator: Validator, word: str) -> None:
    # "5mg-Warfarin", printed right, was flagged near warfarin (p 0.997): its unit,
    # a hyphen after it, was read as the name's first letters
    words = [Word(text=t, confidence=0.97) for t in ("Take", word, "daily")]
    doc = validator.validate(Document(source=Source(
        path="rx.png", sha256="0" * 64, modality="image", engine="tesseract"),
        segments=[Segment(id=0, words=words)]))
    assert only_doubtful(doc) == []
    assert [f.reason for f in doc.flags] == ["verified"]


@pytest.mark.parametrize(("line", "text", "numbers"), [
    ("Metformin S500 mg PO BID", "S500", ["500", "5500"]),
    ("Lisinopril l20 mg daily", "l20", ["20", "120"]),
    ("Amlodipine O50 mcg", "O50", ["50"]),
    # its unit written on: it was verified as the unit mg
    ("Metformin S500mg PO BID", "S500mg", ["500mg", "5500mg"]),
    ("Amlodipine O50mcg", "O50mcg", ["50mcg"]),
])
def test_validate_a_printed_number_begun_with_a_letter_before_its_unit_is_doubtful(
        validator: Validator, line: str, text: str, numbers: list[str]) -> None:
    """"Metformin S500 mg" (a misread 500) was not marked: a number OCR began with a
    look-alike letter reads as a code ("B12"), not as a number with a letter for a
    digit; before a unit it is a strength, and either reading of the letter is
    offered."""
    doc = validator.validate(_ocr_doc([Word(text=t, confidence=0.95) for t in line.split()]))
    (flag,) = only_doubtful(doc)
    assert (flag.text, flag.reason) == (text, "confusable")
    assert [c.term for c in flag.candidates] == numbers
    assert flag.confidence is not None and flag.confidence >= 0.6


@pytest.mark.parametrize("line", ["Vitamin B12 1000 mcg daily", "Model S500 printer",
                                  "Take O2 at 2 L per minute",
                                  # vitamin B12, before a unit: a name, no 12 or 812
                                  "Take B12 mcg daily"])
def test_validate_a_code_begun_with_a_letter_is_no_misread_number(validator: Validator,
                                                                  line: str) -> None:
    doc = validator.validate(_ocr_doc([Word(text=t, confidence=0.95) for t in line.split()]))
    assert [f for f in doc.flags if f.reason == "confusable"] == []


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_name_cut_short_with_a_dot_is_completed(validator: Validator,
                                                          modality: Modality) -> None:
    """"Atorv. 40 mg daily" was flagged out of vocabulary with no suggestion: labels and
    charts cut names short, and the cut word is near no name by spelling or sound."""
    words = [Word(text=t, confidence=None if modality == "text" else 0.95)
             for t in "Atorv. 40 mg daily".split()]
    doc = validator.validate(Document(source=Source(
        path=f"test.{modality}", sha256="0" * 64, modality=modality, engine="test"),
        segments=[Segment(id=0, words=words)]))
    (flag,) = only_doubtful(doc)
    assert flag.text == "Atorv." and flag.candidates[0].canonical == "atorvastatin"
    # a word that begins no name gets none
    doc = validated_as(validator, "Zzqx. 40 mg daily", "text")
    assert all(not f.candidates for f in only_doubtful(doc))


@pytest.mark.parametrize(("word", "canonical"), [("Lisin.", "lisinopril"),
                                                 ("Amlod.", "amlodipine"),
                                                 ("Gabap.", "gabapentin")])
def test_validate_a_name_cut_short_is_the_name_it_begins_not_a_short_name_near_it(
        validator: Validator, word: str, canonical: str) -> None:
    """"Lisin. 10 mg" was suggested Lispine, "Gabap. 300 mg" GABA: a cut word is near
    short names by its letters, not the name it begins."""
    doc = validator.validate(_ocr_doc([Word(text=t, confidence=0.95)
                                       for t in (word, "10", "mg", "daily")]))
    (flag,) = only_doubtful(doc)
    assert flag.text == word and flag.candidates[0].canonical == canonical


def _line_doc(line: str, modality: Modality) -> Document:
    """``line``'s words, split at spaces, as one segment: plain text (no confidence) or
    read at p 0.95."""
    words = [Word(text=t, confidence=None if modality == "text" else 0.95)
             for t in line.split()]
    return Document(source=Source(path=f"test.{modality}", sha256="0" * 64,
                                  modality=modality, engine="test"),
                    segments=[Segment(id=0, words=words)])


@pytest.mark.parametrize(("line", "canonical"), [
    ("Fluox. 20 mg daily", "fluoxetine"),  # was Fluonex
    ("Spironol. 25 mg daily", "spironolactone"),  # was aspirin
    ("Cyclob. 10 mg TID", "cyclobenzaprine"),  # was Cyclopar
    ("Sertr. 50 mg daily", "sertraline"),  # was Sirturo, out of vocabulary, not shown
    # English knows "levet" (zipf 1.5): no word out of vocabulary, and near Levo-T
    ("Levet. 500 mg BID", "levetiracetam"),
])
@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_cut_name_is_first_the_names_it_begins_however_near_another(
        validator: Validator, line: str, canonical: str, modality: Modality) -> None:
    """A cut word's names were put first only when their share of the stem beat the
    best candidate's score by spelling and sound, two numbers of different things: a
    stem two names share ("Fluox.": fluoxetine, fluoxymesterone), or a name near a
    common short one ("Spironol.": aspirin), kept the name that begins no name with
    the word; and a word out of vocabulary near a rare name ("Sertr.": Sirturo) was
    never completed."""
    doc = validator.validate(_line_doc(line, modality))
    (flag,) = only_doubtful(doc)
    assert flag.start == 0 and flag.candidates[0].canonical == canonical
    assert flag.confidence is not None and flag.confidence > 0.5
    assert doubtful_spans(doc)[0].candidates[0] == canonical


@pytest.mark.parametrize(("line", "canonical"), [
    ("Spironol. 25 mg daily", "spironolactone"),  # aspirin, 0.95 by its letters
    ("Fluox. 20 mg daily", "fluoxetine"),  # fluocinonide, 0.77, over shares of 0.2-0.5
    ("Cyclob. 10 mg TID", "cyclobenzaprine"),  # tetracycline
])
def test_validate_a_cut_names_candidates_score_in_the_order_they_are_listed(
        validator: Validator, line: str, canonical: str) -> None:
    """A cut word's names were listed first with their shares of the stem, and after
    them names it begins none of with their letter matches, higher ("Spironol.":
    spironolactone 0.9, aspirin 0.95): the scores said another order than the list."""
    doc = validated_as(validator, line, "text")
    (flag,) = only_doubtful(doc)
    assert flag.candidates[0].canonical == canonical
    assert doubtful_spans(doc)[0].candidates[0] == canonical
    begun = [c for c in flag.candidates if c.features.get("completion")]
    assert 0 < len(begun) < len(flag.candidates)  # names it begins none of, after them
    scores = [c.score for c in flag.candidates]
    assert scores == sorted(scores, reverse=True)
    assert flag.candidates[:len(begun)] == begun


def test_render_a_cut_names_runner_up_is_weighed_at_its_listed_score(
        validator: Validator) -> None:
    """"Hydroxyc." (hydroxychloroquine 0.58, hydroxyurea 0.25 by their shares) showed
    hydroxyzine, 0.96 by its letters, third: a name the word begins none of scores no
    more than the names it begins, and under the render's floor it is not shown."""
    doc = validated_as(validator, "Hydroxyc. 200 mg BID", "text")
    (flag,) = only_doubtful(doc)
    assert [c.canonical for c in flag.candidates[:3]] == [
        "hydroxychloroquine", "hydroxyurea", "hydroxyzine"]
    (span,) = doubtful_spans(doc)
    # the names it begins are shown as before, weighed together
    assert span.candidates[0] == "hydroxychloroquine" and len(span.candidates) == 2
    assert "hydroxyzine" not in span.candidates


@pytest.mark.parametrize("line", ["Amox-clav 875 mg PO BID.", "Amoxiclav 625 mg PO TID."])
def test_validate_amox_clav_is_the_combination(validator: Validator, line: str) -> None:
    """"Amox-clav 875 mg" was flagged as Amoxil (p 0.94): prescribers' short name of
    amoxicillin / clavulanate was in no lexicon, and the suggestion dropped the
    clavulanate."""
    doc = validated_as(validator, line, "text")
    assert only_doubtful(doc) == []
    (flag,) = doc.flags
    assert flag.candidates[0].canonical == "amoxicillin / clavulanic acid"


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "canonical"), [("Metop. 25 mg daily", "metoprolol"),
                                                 ("Furos. 40 mg daily", "furosemide"),
                                                 ("Hold Furos. today", "furosemide")])
def test_validate_a_cut_name_english_knows_is_completed_in_a_drugs_slot(
        validator: Validator, modality: Modality, line: str, canonical: str) -> None:
    """"Metop. 25 mg" got no flag: the clinical dictionary knows "metop" and wordfreq
    "furos", so the cut names were no words out of vocabulary, and near no name by their
    letters; in a drug's slot they are the commonly prescribed drugs they begin."""
    doc = validator.validate(_line_doc(line, modality))
    (flag,) = only_doubtful(doc)
    assert flag.text.endswith(".") and flag.reason == "near_lexicon"
    assert flag.candidates[0].canonical == canonical
    # out of a drug's slot, or without its dot and its dose, the word is what was written
    # (before its dose it is a clipping: see the test of clipped names before their dose)
    assert only_doubtful(validated_as(validator, "Hold Furos today", "text")) == []
    assert only_doubtful(validated_as(validator, "Metop. is the word", "text")) == []


@pytest.mark.parametrize(("line", "canonical"), [
    # out of vocabulary and near no term by its letters: no candidate; and at even odds
    ("Enox. 40 mg SC daily", "enoxaparin"),
    ("Atorv. 20 mg nightly", "atorvastatin"),
    # a gram opens no dose alone; English knows "gent"
    ("Vanc. 1 g IV q12h", "vancomycin"),
    ("Gent. 80 mg IV q8h", "gentamicin"),
])
def test_validate_a_cut_name_is_shown_with_the_drug_it_begins(
        validator: Validator, line: str, canonical: str) -> None:
    """"Enox. 40 mg" was flagged with no candidate, "Vanc. 1 g" and "Gent. 80 mg" not at
    all, "Atorv. 20 mg" at even odds (a reader was not shown it)."""
    (flag,) = only_doubtful(validated_as(validator, line, "text"))
    assert flag.start == 0 and flag.candidates[0].canonical == canonical
    assert flag.confidence is not None and flag.confidence > 0.5


@pytest.mark.parametrize(("line", "some"), [
    ("Hydro. 25 mg PO daily", {"hydrocodone", "hydrochlorothiazide", "hydromorphone"}),
    ("Levo. 500 mg PO daily", {"levothyroxine", "levofloxacin", "levodopa"}),
])
def test_validate_a_cut_stem_of_many_names_is_doubted_with_several(
        validator: Validator, line: str, some: set[str]) -> None:
    """"Hydro." and "Levo." got no flag: the stems begin dozens of names, each one's
    share of them was too small to list, and English knows "hydro"."""
    doc = validated_as(validator, line, "text")
    assert not [f for f in doc.flags if f.reason == "verified" and f.start == 0]
    (flag,) = only_doubtful(doc)
    assert flag.start == 0 and flag.confidence is not None and flag.confidence > 0.5
    assert some <= {c.canonical for c in flag.candidates}
    # out of a drug's slot the word is what was written
    assert only_doubtful(validated_as(validator, line.split(".")[0] + ". today", "text")) == []


@pytest.mark.parametrize(("line", "some"), [
    ("Hydro. 25 mg PO daily", {"hydrocodone", "hydrochlorothiazide", "hydromorphone"}),
    ("Levo. 500 mg PO daily", {"levothyroxine", "levofloxacin", "levodopa"}),
])
def test_render_shows_the_names_a_cut_stem_begins(validator: Validator, line: str,
                                                  some: set[str]) -> None:
    """"Hydro." and "Levo." were flagged with five completions of about 0.2 each, and the
    prompt showed none: the render hides suggestions scoring under 0.3, and a
    completion's score is its share of the names the stem begins, not a weak match."""
    doc = validated_as(validator, line, "text")
    (span,) = doubtful_spans(doc)
    assert span.text == line.split()[0]
    assert len(span.candidates) == 3 and set(span.candidates) & some
    assert "maybe=" in render(doc, preamble=False).text
    # a weak suggestion that is no completion stays hidden: the floor is unchanged
    (flag,) = only_doubtful(doc)
    weak = flag.model_copy(update={"candidates": [
        c.model_copy(update={"features": {"prior": 0.5}}) for c in flag.candidates]})
    assert doubtful_spans(doc.model_copy(update={"flags": [weak]}))[0].candidates == ()


def test_validate_an_everyday_word_cut_is_a_name_only_before_its_dose(
        validator: Validator) -> None:
    # "hydro" is English: after a prescribing word alone it may be any word a sentence
    # ends; "levo" is not, and is the names it begins there as "Furos." is
    assert only_doubtful(validated_as(validator, "Hold Hydro. today", "text")) == []
    (flag,) = only_doubtful(validated_as(validator, "Hold Levo. today", "text"))
    assert flag.text == "Levo." and "levothyroxine" in {c.canonical for c in flag.candidates}


@pytest.mark.parametrize(("line", "span", "canonical"), [
    ("Pen VK 500 mg QID", "Pen VK", "penicillin v potassium"),
    ("PCN VK 500 mg QID", "PCN VK", "penicillin v potassium"),
    ("Allergies: PCN (rash)", "PCN", "penicillin"),
    ("NTG 0.4 mg SL PRN", "NTG", "nitroglycerin"),
    ("GTN spray 400 mcg PRN", "GTN", "nitroglycerin"),
    ("TXA 1 g IV", "TXA", "tranexamic acid"),
    ("HCQ 200 mg BID", "HCQ", "hydroxychloroquine"),
    # its parts alone are thymidine monophosphate and sulfamethoxazole
    ("TMP-SMX DS 1 tab BID", "TMP-SMX", "sulfamethoxazole / trimethoprim"),
])
def test_validate_a_drugs_standard_abbreviation_is_verified_as_that_drug(
        validator: Validator, line: str, span: str, canonical: str) -> None:
    """"Pen VK 500 mg" was neither flagged nor verified, "TMP-SMX" verified as thymidine
    monophosphate among others: prescribers' standard abbreviations of one drug."""
    doc = validated_as(validator, line, "text")
    (flag,) = [f for f in doc.flags if f.text.strip(":()") == span]
    assert flag.reason == "verified"
    assert [c.canonical for c in flag.candidates] == [canonical]


@pytest.mark.parametrize("line", ["PCN tube exchange today", "Right PCN tube in place",
                                  "PCN drain output 200 mL", "Bilateral PCN tubes placed",
                                  "PCN site clean and dry", "L PCN in place",
                                  "Flush nephrostomy: PCN nephrostomy flushed"])
def test_validate_a_device_s_abbreviation_is_no_drug(validator: Validator, line: str) -> None:
    """"PCN tube" (a percutaneous nephrostomy) was verified as penicillin: an
    abbreviation of a drug before a device's word, or after a side, names the device."""
    doc = validated_as(validator, line, "text")
    assert not [f for f in doc.flags if any(c.canonical == "penicillin" for c in f.candidates)]
    # ... and where it is the drug, it still is ("allergic to PCN", "PCN. Tube feeds")
    for drug in ("PCN allergy", "Allergic to PCN", "Allergies: PCN. Tube feeds held",
                 "PCN placed on hold"):
        (flag,) = validated_as(validator, drug, "text").flags
        assert flag.reason == "verified" and flag.candidates[0].canonical == "penicillin"


@pytest.mark.parametrize(("line", "word"), [
    ("PCA pump running overnight.", "PCA"),  # was pidolic acid
    ("CPM machine for the knee.", "CPM"),  # was cyclophosphamide (its brand CPM)
    ("DIC panel ordered.", "DIC"),  # was dacarbazine (its brand DIC)
])
def test_validate_an_abbreviation_before_a_machine_or_a_panel_is_no_drug(
        validator: Validator, line: str, word: str) -> None:
    doc = validated_as(validator, line, "text")
    assert not [f for f in doc.flags if f.text.strip(".,") == word]
    # ... a dose after the brand still makes it the drug
    (flag,) = validated_as(validator, f"{word} 100 mg IV daily", "text").flags
    assert flag.reason == "verified"


@pytest.mark.parametrize(("line", "modality"), [
    ("Plan: cont ASA 81 mg daily.", "text"), ("incr ASA to 325 mg", "text"),
    ("Cont ASA 81 mg, hold Plavix", "text"), ("cont ASA 81 mg", "image"),
    ("cont HCTZ 25 mg daily", "text"), ("incr APAP to 1 g q8h", "text")])
def test_validate_a_drugs_abbreviation_in_capitals_ends_no_longer_name(
        validator: Validator, line: str, modality: Modality) -> None:
    """"cont ASA 81 mg" (continue aspirin) was flagged near Canasa, a mesalamine brand
    that ends in "asa", and "incr ASA" near Ingrezza: a rare word before a drug's
    abbreviation was read as a name broken before its end."""
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text) for f in doc.flags if f.reason == "near_lexicon"] == []


@pytest.mark.parametrize(("line", "verified"), [
    ("ASA 81 mg daily", True), ("Take ASA 81 mg.", True), ("cont ASA 81 mg", True),
    ("Asa 81 mg", False), ("Asa Smith called twice", False), ("ASA class II", False),
    # in lower case before its dose, in writing; in capitals after words naming a drug:
    # a prescribing word, an allergy's label and its list ("asa 81 mg" and "Allergies:
    # ASA" were not verified)
    ("asa 81 mg daily", True), ("Continue asa 325mg.", True), ("Allergies: ASA", True),
    ("Drug allergies: PCN, sulfa, ASA.", True), ("Allergic to ASA.", True),
    ("Start ASA.", True), ("Allergies: none. ASA class II.", False),
    ("Take AS directed.", False), ("asa is fine", False)])
def test_validate_a_drugs_abbreviation_english_knows_is_verified_in_capitals_before_a_dose(
        validator: Validator, line: str, verified: bool) -> None:
    """"ASA 81 mg daily" was neither verified nor flagged: "asa" is common enough in
    English (zipf 3.4, a name) that a word of three letters needed more than its dose."""
    doc = validated_as(validator, line, "text")
    found = [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"
             and f.candidates[0].canonical != "penicillin" and "sulfa" not in f.text]
    assert found == (["aspirin"] if verified else [])
    assert not [f for f in doc.flags if f.reason != "verified"]


def test_validate_asa_heard_in_lower_case_is_not_verified(validator: Validator) -> None:
    # (a recogniser's "asa" may be a name's end: only writing reads it as aspirin)
    doc = validated_as(validator, "asa 81 mg daily", "audio")
    assert not [f for f in doc.flags if f.reason == "verified"]


@pytest.mark.parametrize(("line", "modality", "canonical"), [
    ("rose of a statin 10 mg", "text", "rosuvastatin"),
    ("start rose of a statin 10 mg", "audio", "rosuvastatin")])
def test_validate_a_names_end_in_lower_case_still_ends_a_longer_name(
        validator: Validator, line: str, modality: Modality, canonical: str) -> None:
    doc = validated_as(validator, line, modality)
    assert canonical in [f.candidates[0].canonical for f in doc.flags
                         if f.reason == "near_lexicon" and f.candidates]


@pytest.mark.parametrize(("line", "modality"), [
    ("Seen by Dr. Allegra Moore today.", "text"),
    ("Referred to Dr. Jane Allegra for review.", "text"),
    ("dr allegra to follow up", "text"),
    ("Ms. Celexa Jones was seen in clinic.", "text"),
    ("Mrs Norvasc is waiting", "image"),
    ("Doctor Allegra Moore called back.", "audio"),
    # a form's label of a person: "Patient: Allegra Jones" verified the brand
    ("Patient: Allegra Jones DOB: 1958-03-14", "image"),
    ("Patient name: Celexa Moore", "text"),
    ("Name: Allegra Jones", "image"),
    ("Mother: Celexa Moore, 555-0100", "text"),
    ("Patient: Jones, Allegra", "image"),
    # no title nor label: a verb of a person after the name, or after it and a surname
    ("Allegra called to reschedule.", "text"),
    ("Allegra Moore called.", "text"),
    ("Spoke to pharmacy; Allegra Moore asked about her refill.", "image"),
    ("Celexa said she would come back on Monday", "audio"),
    # ... or a surname and a professional's credential after its comma
    ("Allegra Smith, LCSW, co-signed the safety plan.", "text"),
    ("Reviewed with Allegra Moore, RN", "image"),
    # ... or without the comma, as a signature's line writes it
    ("Signed: Allegra Moore MD", "text"), ("Seen by Allegra Moore MD today.", "image"),
])
def test_validate_a_person_named_after_a_brand_is_no_drug(
        validator: Validator, line: str, modality: Modality) -> None:
    """"Dr. Allegra Moore" was verified as fexofenadine: a name after a title is the
    person's, whichever drug it also names."""
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text) for f in doc.flags
            if any(c.kind in ("generic", "brand") for c in f.candidates)] == []


def test_validate_only_a_word_with_a_joining_mark_is_read_as_a_combination(
        validator: Validator, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word no hyphen or slash joins is one component: it is not split and looked up
    again as a combination (or a salt written onto a name) for nothing, and a word so
    joined still is ("Amoxicillin-clavulanate" is amoxicillin and clavulanate)."""
    words_module = sys.modules["uncertain._words"]
    split: list[str] = []
    combination = words_module.combination

    def counted(text: str, *args: object, **kwargs: object) -> list[int]:
        split.append(text)
        return combination(text, *args, **kwargs)

    monkeypatch.setattr(words_module, "combination", counted)
    doc = validator.validate(make_doc("Amoxicillin-clavulanate 875 mg daily and metfromin",
                                      modality="text", default=None))
    assert split == ["Amoxicillin-clavulanate"]
    assert [f.reason for f in doc.flags if f.text == "Amoxicillin-clavulanate"] == ["verified"]


def test_validate_a_word_is_asked_once_whether_it_begins_a_persons_name(
        validator: Validator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a title or a label makes a word begin a person's name is the same for every
    window opening at the word: it is asked once a sweep, not once a window, and the
    answer is the same ("Dr. Allegra Moore" is a person, "Take Allegra" the drug)."""
    module = sys.modules["uncertain.validate"]
    asked: list[tuple[int, bool]] = []
    names_person = module._names_person

    def counted(words: Sequence[Word], i: int, doubt: float, *, brand: bool = False) -> bool:
        asked.append((i, brand))
        return names_person(words, i, doubt, brand=brand)

    monkeypatch.setattr(module, "_names_person", counted)
    line = "Seen by Dr. Allegra Moore today. Take Allegra for the lives in awful pain."
    doc = validator.validate(make_doc(line, modality="text", default=None))
    plain = [i for i, brand in asked if not brand]
    assert plain and len(plain) == len(set(plain))
    # the person's name (word 3) is no drug; the brand taken (word 7) is verified
    assert [(f.reason, f.start) for f in doc.flags if f.text.strip(".,") == "Allegra"] == [
        ("verified", 7)]


@pytest.mark.parametrize(("line", "span"), [
    ("Take Allegra 180 mg daily.", "Allegra"),
    ("Told the doctor Tylenol helps.", "Tylenol"),  # "doctor" in lower case: no title
    ("Dr., Allegra 180 mg daily", "Allegra"),  # the title's clause has ended
    ("MS 2 mg IV q4h PRN pain", "MS"),  # MS in capitals is morphine sulfate, not Ms.
    ("Drug name: Allegra 180 mg daily", "Allegra"),  # a label of a drug's name
    ("Name: Lisinopril 10 mg", "Lisinopril"),  # ... or a dose after it
    ("Medication: Allegra daily", "Allegra"),
    ("Patient Allegra Jones was seen.", "Allegra"),  # (no label without its colon)
    # a verb said of the drug, or after a determiner, or a dose after the verb
    ("Keflex called in to the pharmacy.", "Keflex"),
    ("The Eliquis came in the mail.", "Eliquis"),
    ("Allegra Moore called. Allegra 180 mg daily.", "Allegra"),
    ("Tylenol Extra, 500 mg every 6 hours", "Tylenol"),  # (no credential after the comma)
    ("Tylenol PM at bedtime", "Tylenol"),  # (no credential)
])
def test_validate_a_brand_after_no_title_is_still_the_drug(
        validator: Validator, line: str, span: str) -> None:
    doc = validated_as(validator, line, "text")
    assert span in [f.text.strip(".,") for f in doc.flags if f.reason in ("verified", "confusable")]


@pytest.mark.parametrize("modality", ["text", "audio"])
@pytest.mark.parametrize(("line", "span"), [
    ("Take Allegra for allergies.", "Allegra"),
    ("Allegra says 180 mg on the box.", "Allegra"),
    ("Zyrtec says 10 mg on the box.", "Zyrtec"),
])
def test_validate_a_brand_and_a_word_are_no_hyphenated_brand(
        validator: Validator, line: str, span: str, modality: Modality) -> None:
    """"Take Allegra for allergies" was flagged as Allegra-D, "Zyrtec says" as Zyrtec-D:
    a name's words after a drug's were compared with the rest of a term of several words
    split at its spaces only, and "Allegra-D" has none, so any word went on like it."""
    doc = validated_as(validator, line, modality)
    assert [(f.reason, f.text.strip(".,")) for f in doc.flags] == [("verified", span)]
    # ... the brand of two words written so is still that brand
    doc = validated_as(validator, line.replace(span, span + " D", 1), modality)
    assert [c.term for f in doc.flags if f.reason == "verified"
            for c in f.candidates[:1]] == [span + "-D"]


def test_validate_a_doubted_title_is_no_person(validator: Validator) -> None:
    # a recogniser's "Ms. Arplas" for misoprostol, heard in doubt, is still searched
    doc = validator.validate(make_doc(
        "Ms./0.03 Arplas/0.00 told/0.14 200 micrograms three times a day"))
    assert any(f.reason == "near_lexicon" and "Arplas" in f.text for f in doc.flags)


def test_validate_a_dangerous_abbreviation_is_no_drug_verified(validator: Validator) -> None:
    # MS, MSO4: morphine or magnesium sulfate (a known dangerous abbreviation)
    for line in ("MS 2 mg IV q4h PRN", "MSO4 2 mg IV q4h PRN"):
        doc = validated_as(validator, line, "text")
        assert not [f for f in doc.flags if f.reason == "verified" and f.start == 0]


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "span", "first"), [
    # a few milligrams are morphine's, grams and milliequivalents magnesium's
    ("MS 2 mg IV q4h PRN pain", "MS", "morphine"),
    ("Give MS 4 mg IV now", "MS", "morphine"),
    ("MSO4 4 mg IV q4h", "MSO4", "morphine"),
    ("MS04 4 mg IV q4h", "MS04", "morphine"),
    ("MgSO4 2 g IV over 1 hour", "MgSO4", "magnesium sulfate"),
    ("MS 2 g IV over 1 hour", "MS", "magnesium sulfate"),
    ("MSO4 16 mEq IV", "MSO4", "magnesium sulfate"),
    ("MSO4 16 milli equivalents IV", "MSO4", "magnesium sulfate"),  # a recogniser's mEq
    ("MS 16 milli equivalents IV", "MS", "magnesium sulfate"),
    # ... whatever the letters say: the dose is the one read, and the two disagree
    ("MgSO4 2 mg IV", "MgSO4", "morphine"),
    # no dose: the letters say
    ("MgSO4 for pre-eclampsia", "MgSO4", "magnesium sulfate"),
    ("MSO4 PRN", "MSO4", "morphine"),
])
def test_validate_a_dangerous_abbreviation_is_doubted_with_both_drugs(
        validator: Validator, modality: Modality, line: str, span: str, first: str) -> None:
    """"MS 2 mg IV" and "MgSO4 2 g IV" were not flagged, "MSO4 4 mg" flagged with no
    candidate: ISMP's error-prone abbreviations of morphine and magnesium sulfate, read
    one for the other. Doubted, with both, the one the dose says first."""
    doc = validated_as(validator, line, modality)
    assert not [f for f in doc.flags if f.reason == "verified"]
    (flag,) = [f for f in doc.flags if f.text == span]
    assert flag.reason == "confusable" and flag.confidence is not None
    assert flag.confidence > 0.5  # shown to a reader
    names = [c.canonical for c in flag.candidates]
    assert sorted(names) == ["magnesium sulfate", "morphine"] and names[0] == first
    assert flag.candidates[0].score > flag.candidates[1].score
    # both shown in a prompt
    assert f'maybe="{first}|' in render(doc).text


@pytest.mark.parametrize("line", ["History of MS, on interferon beta", "History of MS",
                                  "Ms. Smith 2 mg", "MS Contin 15 mg BID",
                                  "ms 2 mg", "MS. 2 mg given"])
def test_validate_ms_out_of_a_drugs_slot_is_no_drug(validator: Validator, line: str) -> None:
    # multiple sclerosis, a title, a brand verified, a word ended by its clause: no
    # morphine or magnesium doubted
    doc = validated_as(validator, line, "text")
    assert not [f for f in doc.flags if f.reason == "confusable"
                or any(c.canonical == "magnesium sulfate" for c in f.candidates)]


@pytest.mark.parametrize(("line", "canonical"), [
    # read as dezocine, and as nothing
    ("Tazocin 4.5 g IV TDS", "piperacillin / tazobactam"),
    ("Piptazo 4.5 g IV TDS", "piperacillin / tazobactam"),
    # their "Co" was carbon monoxide: verified as it and Amoxiclav, suggested as
    # carbon monoxide / mebanazine
    ("Co-amoxiclav 625 mg TDS", "amoxicillin / clavulanic acid"),
    ("Co-codamol two tablets QDS", "acetaminophen / codeine"),
    ("Co-trimoxazole 960 mg BD", "sulfamethoxazole / trimethoprim"),
    ("Co-careldopa 125 mg TDS", "carbidopa / levodopa"),
    # flagged as near Glyceroltrinitrat
    ("Glyceryl trinitrate 400 mcg spray PRN", "nitroglycerin"),
    ("Calpol 5 mL PRN", "acetaminophen"),
    # suggested as clonidine, as amiloride, as Amphicol (chloramphenicol), and as nothing
    ("Co-tenidone 50 mg OD", "atenolol / chlorthalidone"),
    ("co-amilofruse 1 tablet OM", "amiloride / furosemide"),
    ("Co-amilozide 1 tablet OD", "amiloride / hydrochlorothiazide"),
    ("Movicol 1 sachet BD", "polyethylene glycol / potassium chloride / sodium bicarbonate"
     " / sodium chloride"),
    ("Adcal-D3 1 tablet BD", "calcium carbonate / cholecalciferol"),
    ("Paracetamol 1 g QDS", "acetaminophen"),
    ("Frusemide 40 mg OM", "furosemide"),
    ("Adrenaline 1 mg IV", "epinephrine"),
    # and levalbuterol, by MedlinePlus's "(R)-Salbutamol" read as a brand "-Salbutamol"
    ("Salbutamol 100 mcg inhaler", "albuterol"),
])
def test_validate_a_british_name_is_verified_as_its_drug(validator: Validator, line: str,
                                                        canonical: str) -> None:
    doc = validated_as(validator, line, "text")
    assert doc.flags[0].start == 0 and doc.flags[0].reason == "verified"
    assert [c.canonical for c in doc.flags[0].candidates] == [canonical]


def test_validate_gaviscon_is_verified_as_both_its_products(validator: Validator) -> None:
    # flagged as nothing; the brand is an alginate in Britain and an antacid in America
    doc = validated_as(validator, "Gaviscon 10 mL QDS PRN", "text")
    assert doc.flags[0].start == 0 and doc.flags[0].reason == "verified"
    assert sorted(c.canonical for c in doc.flags[0].candidates) == [
        "alginic acid / calcium carbonate / sodium bicarbonate",
        "aluminum hydroxide / magnesium carbonate"]


@pytest.mark.parametrize("line", ["Co-danthramer 10 mL ON", "Co-proxamol 2 tabs QDS",
                                  "Co-fluampicil 500 mg QDS", "Co-magaldrox 10 mL QDS"])
def test_validate_the_co_of_a_british_combination_is_no_carbon_monoxide(
        validator: Validator, line: str) -> None:
    """A British combination's one name the lexicons lack was suggested as carbon
    monoxide and the drug nearest its rest ("Co-tenidone": carbon monoxide / tizanidine):
    its "Co" read as the symbol CO, a component written right."""
    doc = validated_as(validator, line, "text")
    (flag,) = only_doubtful(doc)
    assert flag.start == 0 and flag.candidates
    assert not [c for c in flag.candidates if "carbon monoxide" in c.canonical]


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("line", "verified"), [
    # a scan's speck read "oe" was verified as OE, oleoyl-estrone, a drug the page never
    # named (a table's ruled line in a medication list)
    ("Enoxaparin 40 mg SC oe daily", ["enoxaparin"]),
    ("Furosemide 40 mg IV oe", ["furosemide"]),
    ("zn daily", []),
    # a drug's name of a letter or two in its own case, or before its dose's number
    ("Zn daily", ["zinc"]),
    ("zn 50 mg daily", ["zinc"]),
    ("ZN 50 mg daily", ["zinc"]),
])
def test_validate_short_drug_name_is_so_in_its_own_case_or_before_a_dose(
        line: str, verified: list[str], modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"] == verified


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("line", "verified"), [
    # "OE" (O/E) is "on examination": it was verified as OE, oleoyl-estrone, DrugBank's
    # abbreviation of a substance no one prescribes; so "NAD" as nadide beside the
    # clinical "no acute distress"
    ("OE: chest clear, no wheeze.", []),
    ("OE chest clear.", []),
    ("Exam: NAD, alert.", ["no acute distress"]),
    # ... but before its dose, after a prescribing word, or a common drug's
    ("Start OE 10 mg daily.", ["oleoyl-estrone"]),
    ("Continue HCTZ.", ["hydrochlorothiazide"]),
    ("NTG prn chest pain.", ["nitroglycerin"]),
])
def test_validate_a_rare_drugs_abbreviation_with_no_dose_is_the_notes_own(
        line: str, verified: list[str], modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [c.canonical for f in doc.flags if f.reason == "verified"
            for c in f.candidates] == verified
    assert not [f for f in doc.flags if f.reason != "verified"]


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("line", "verified"), [
    # DrugBank gives the amino acids their three-letter codes: a person's name, a lab
    # value's ("Glu": glucose) or a residue read in a note were verified as the drug
    ("Val will call back about the Arg results.", []),
    ("Leu and Ile were normal", []),
    ("Glu 110 this morning.", []),
    ("Thr and Cys were low, Tyr and Phe normal", []),
    # the amino acids by name, and short names of a letter or two, are read as before
    ("Arginine 500 mg daily", ["arginine"]),
    ("L-glutamine 5 g twice daily", ["l-glutamine"]),
    ("Zn 50 mg daily", ["zinc"]),
])
def test_validate_an_amino_acids_code_is_no_drug_name(
        line: str, verified: list[str], modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"] == verified


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("line", "doubted"), [
    # a score's code with its digits written on was out of vocabulary ("GCS 15" was not)
    ("GCS15 on arrival, PHQ9 of 12, GAD7 of 8.", []),
    ("CHA2DS2-VASc 3, A/Ox3, A&Ox4.", []),
    ("POD1, ambulating.", []),  # (its 1 read as a bar, "pod|", is no word misread)
    # ... a misreading of a term or a word with a digit for a letter is still doubted,
    # and so is debris of letters one by one
    ("Metformin 500 mg QH5.", ["QH5."]),
    ("LAS1X 40 mg daily.", ["LAS1X"]),
    ("Taken ¥B4S now.", ["¥B4S"]),
])
def test_validate_a_scores_code_with_its_digits_glued_is_known(
        line: str, doubted: list[str], modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [f.text for f in doc.flags if f.reason != "verified"] == doubted


@pytest.mark.parametrize("modality", ["audio", "text"])
@pytest.mark.parametrize(("line", "verified"), [
    # brands that are words English knows, written in lower case, were verified as the
    # drug: Nostril (phenylephrine), Luminal (phenobarbital), Dilator (isoxsuprine)
    ("Use 2 sprays in each nostril daily.", []),
    ("CT shows luminal narrowing of the LAD.", []),
    ("She uses a vaginal dilator nightly.", []),
    # ... in capitals, before a number or after a prescribing word it is the brand
    ("Luminal 30 mg at bedtime.", ["phenobarbital"]),
    ("take motrin 400 mg", ["ibuprofen"]),
    ("No relief with Motrin.", ["ibuprofen"]),
])
def test_validate_a_brand_that_is_a_word_in_lower_case_is_the_word(
        validator: Validator, line: str, verified: list[str], modality: Modality) -> None:
    doc = validated_as(validator, line, modality)
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"
            and f.candidates[0].lexicon == "drugs"] == verified


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "spans"), [
    # "to RA" (room air) joined is the brand Tora: a sure abbreviation in capitals beside
    # a word in lower case is two words the writer chose, even after "Weaned"
    ("Weaned to RA by HD3.", []),
    ("Transferred to ICU overnight.", []),
    # ... a name broken in one case is still joined, and so is one before its dose
    ("She uses her pro air inhaler.", ["pro air"]),
    ("cont ZOL PID EM at night", ["ZOL PID EM"]),
    ("Metformin 500 mg, met for me 500 mg BID", ["Metformin", "met for me"]),
])
def test_validate_an_abbreviation_beside_a_word_is_no_broken_name(
        validator: Validator, line: str, spans: list[str], modality: Modality) -> None:
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.99))
    assert [f.text.rstrip(",") for f in doc.flags
            if f.candidates and f.candidates[0].lexicon == "drugs"] == spans


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "span", "canonicals"), [
    # "oxy" before its dose was verified as Oxy, an acne wash (salicylic acid): a stem
    # the names of several commonly prescribed drugs begin with is a prescriber's clipping
    ("oxy 5 mg q4h PRN", "oxy", {"oxycodone", "oxytocin"}),
    # ... capitalised where any word is (a line's, a label's or a list's first word), it
    # was still the brand
    ("Oxy 5 mg q4h PRN", "Oxy", {"oxycodone", "oxytocin"}),
    ("Meds: Oxy 5 mg q4h PRN", "Oxy", {"oxycodone"}),
    ("- Oxy 5 mg q4h PRN", "Oxy", {"oxycodone"}),
    # ... and so is a clipped name no lexicon holds, before its dose, undotted
    ("dilt 30 mg PO q6h", "dilt", {"diltiazem"}),
    ("metop 25 mg BID", "metop", {"metoprolol"}),
    ("vanc 1 g IV q12h", "vanc", {"vancomycin"}),
    # ... with its release form between it and its dose too
    ("Rx: oxy IR 5 mg, 1 tab PO q6h PRN", "oxy", {"oxycodone"}),
    ("metop XL 50 mg daily", "metop", {"metoprolol"}),
    # ... or its salt's name cut short too (the two words were one window near Metadate,
    # Natesto)
    ("Meds: Metop tart 25 mg PO BID", "Metop", {"metoprolol"}),
    ("metop succ 25 mg daily", "metop", {"metoprolol"}),
    ("amlod bes 5 mg daily", "amlod", {"amlodipine"}),
    # ... and capitalised where any word is, as a medication list writes each line (these
    # were verified as nothing and flagged as nothing, or "Atorva" was only Ativan)
    ("Metop 25 mg BID", "Metop", {"metoprolol"}),
    ("Levo 500 mg IV q24h", "Levo", {"levofloxacin", "levothyroxine"}),
    ("Meds: Amio 200 mg daily", "Amio", {"amiodarone"}),
    ("- Atorva 40 mg qHS", "Atorva", {"atorvastatin"}),
    # ... or after a prescribing word or a verb of giving, where a writer capitalises a
    # drug's name, brand or not (these were read as written: Metop and Levo flagged as
    # nothing, Oxy verified as the acne wash, Amio near Ambien only)
    ("Gave Metop 25 mg", "Metop", {"metoprolol"}),
    ("given Levo 500 mg IV", "Levo", {"levofloxacin", "levothyroxine"}),
    ("For pain, given Oxy 5 mg PO", "Oxy", {"oxycodone"}),
    ("Continue Amio 200 mg daily", "Amio", {"amiodarone"}),
])
def test_validate_a_clipped_name_before_its_dose_is_the_names_it_begins(
        validator: Validator, line: str, span: str, canonicals: set[str],
        modality: Modality) -> None:
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.99))
    flags = [f for f in doc.flags if f.text == span]
    assert [f.reason for f in flags] in (["near_lexicon"], ["out_of_vocabulary"])
    assert canonicals <= {c.canonical for c in flags[0].candidates}


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "span", "named", "top"), [
    # a clipped name capitalised after a verb of giving or a prescribing phrase was joined
    # with the word before it into one name misspelled ("received Ondan": risperidone;
    # "on Levo": Aleve), or offered the brand its letters begin first (Dilt-CD) or the
    # names near its letters only (lindane)
    ("Pt received Ondan 4 mg IV", "Ondan", "ondansetron", 1),
    ("Started on Levo 750 mg IV daily", "Levo", "levofloxacin", 5),
    ("Pt given Dilt 10 mg IV push", "Dilt", "diltiazem", 1),
    ("Pt received Cefaz 2 g IV", "Cefaz", "cefazolin", 1),
])
def test_validate_a_clipped_name_capitalised_after_a_giving_word_is_its_own_word(
        validator: Validator, line: str, span: str, named: str, top: int,
        modality: Modality) -> None:
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.99))
    assert [f.text for f in doc.flags] == [span]
    assert named in [c.term for c in doc.flags[0].candidates][:top]


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_clipped_name_opening_a_labelled_lists_item(
        validator: Validator, modality: Modality) -> None:
    # a list's later item, capitalised after its comma as the first after the label, was
    # read as written ("Vanc" flagged as nothing); the drug a clipped word begins only
    # through a brand (beclomethasone, Vancenase) comes after the one whose own name it
    # begins (vancomycin)
    doc = validator.validate(make_doc("Meds: Levo 500 mg daily, Vanc 1 g q12h, Zosyn 4.5 g",
                                      modality=modality,
                                      default=None if modality == "text" else 0.99))
    (vanc,) = [f for f in doc.flags if f.text == "Vanc"]
    assert vanc.candidates[0].canonical == "vancomycin"
    assert [c.canonical for c in vanc.candidates][1:2] in ([], ["beclomethasone"])
    assert vanc.candidates[0].score > 2 * sum(c.score for c in vanc.candidates[1:])
    # ... not after a comma of a sentence without a label
    doc = validator.validate(make_doc("She saw Dr. Smith, Levo was stopped.",
                                      modality=modality,
                                      default=None if modality == "text" else 0.99))
    assert only_doubtful(doc) == []


def test_validate_a_capital_after_a_word_elsewhere_may_be_a_piece_of_a_name(
        validator: Validator) -> None:
    # (a recogniser may capitalise a piece of a name as a surname: no verb of giving or
    # prescribing word before it, so the window is still read whole)
    doc = validator.validate(make_doc("Continue met Forman 500 mg BID", modality="text",
                                      default=None))
    assert [(f.text, f.candidates[0].canonical) for f in doc.flags] == [
        ("met Forman", "metformin")]


@pytest.mark.parametrize(("line", "canonical"), [
    # a brand that is its own drug's clipped name, or whose letters begin other brands
    # only, or which is written in its own case, stays verified
    ("cipro 500 mg BID", "ciprofloxacin"), ("nitro 0.4 mg SL", "nitroglycerin"),
    ("soma 350 mg TID", "carisoprodol"), ("tylenol 650 mg q6h", "acetaminophen"),
    ("Oxy wash to face daily", "salicylic acid"), ("Gave Tylenol 650 mg", "acetaminophen"),
    ("Started Lisinopril 10 mg daily", "lisinopril"),
])
def test_validate_a_brand_that_is_no_clipping_stays_verified(
        validator: Validator, line: str, canonical: str) -> None:
    doc = validated_as(validator, line, "text")
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"][:1] == [
        canonical]
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "drugs"), [
    # a substance before a laboratory's value was verified as a drug given
    ("Procalcitonin 0.3", []), ("Procalcitonin 0.3 ng/mL", []),
    ("Urea 7.2 mmol/L", []), ("Phosphorus 3.1, Mg 2.0", []),
    # ... before a dose it is still the drug, and so is a common one before a bare number
    ("Phosphorus 250 mg PO BID", ["phosphorus"]), ("Start procalcitonin 0.5 mg", ["procalcitonin"]),
    ("Lasix 40", ["furosemide"]), ("Digoxin 0.125 daily", ["digoxin"]),
    # a value's course between the substance and its value was read as a drug's
    ("Procalcitonin peaked at 2.1", []), ("Procalcitonin was 0.3 ng/mL", []),
    ("Troponin rose to 0.4, procalcitonin down to 2", []),
    # ... while a verb of dosing still gives the drug its dose
    ("Lasix was increased to 80", ["furosemide"]),
])
def test_validate_a_substance_before_a_lab_value_is_no_drug(
        validator: Validator, line: str, drugs: list[str], modality: Modality) -> None:
    conf = None if modality == "text" else 0.99  # (make_doc reads "mmol/L" as a confidence)
    doc = validator.validate(Document(
        source=Source(path=f"test.{modality}", sha256="0" * 64, modality=modality,
                      engine="test"),
        segments=[Segment(id=0, words=[Word(text=t, confidence=conf) for t in line.split()])]))
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"
            and f.candidates[0].lexicon == "drugs"] == drugs
    assert only_doubtful(doc) == []


@pytest.mark.parametrize("modality", ["text", "image", "audio"])
@pytest.mark.parametrize(("line", "flagged"), [
    # lab values: the number ending one clause and the unit opening the next were read
    # as one dose ("2.1, Mg": 2.1 mg), and the word before them as a name cut short
    ("Labs: Phos 2.1, Mg 1.9, K 4.0.", []), ("Phos was 2.1, Mg 1.9", []),
    ("Phos 2.1; Mg 1.9", []), ("Gluc 110, mg/dL", []),
    # ... a dose in one clause still makes the clipped name before it one
    ("Metop 25 mg, daily", ["Metop"]), ("Phos 2.1 mg, Mg 1.9", ["Phos"]),
])
def test_validate_a_dose_is_in_its_numbers_clause(
        validator: Validator, line: str, flagged: list[str], modality: Modality) -> None:
    conf = None if modality == "text" else 0.95
    doc = validator.validate(Document(
        source=Source(path=f"test.{modality}", sha256="0" * 64, modality=modality,
                      engine="test"),
        segments=[Segment(id=0, words=[Word(text=t, confidence=conf) for t in line.split()])]))
    # (in speech, no word is taken for a name cut short: a recogniser writes none)
    assert [f.text for f in only_doubtful(doc)] == (flagged if modality != "audio" else [])


@pytest.mark.parametrize("modality", ["image", "text"])
@pytest.mark.parametrize(("line", "flagged"), [
    # a code of one-letter fields with their counts was out of vocabulary ("G2P1"), or
    # verified as its letters' term ("pT3N1M0": PT)
    ("G2P1 at 32 weeks.", []), ("G3P2012 presenting in labour.", []),
    ("Stage T2N0M0 adenocarcinoma.", []), ("pT3N1M0 on pathology.", []),
    # ... a misreading with digits for letters, or debris, is doubted as before
    ("LAS1X 40 mg daily.", ["LAS1X"]), ("Taken ¥B4S now.", ["¥B4S"]),
])
def test_validate_a_code_of_fields_is_known(line: str, flagged: list[str],
                                            modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [f.text for f in doc.flags] == flagged


@pytest.mark.parametrize(("line", "flagged"), [
    # a writer's acronym typed among lower case was out of vocabulary
    ("Blood cultures NGTD.", []), ("CTPA negative, given 2 units PRBC.", []),
    ("Status DNACPR, discussed with family.", []),
    # ... a line all in capitals says nothing of one, and one before a number is in a
    # dose's slot: doubted as before (and near its drug after a prescribing word)
    ("HE HOPED THERE WOULD BE STEWZ", ["STEWZ"]), ("HCTX 25 mg daily", ["HCTX"]),
    ("Start HCTX 25 mg daily", ["HCTX"]),
])
def test_validate_a_typed_acronym_is_no_misspelling(validator: Validator, line: str,
                                                    flagged: list[str]) -> None:
    doc = validator.validate(document_from_text(line))
    assert [f.text.rstrip(".,") for f in only_doubtful(doc)] == flagged
    # (a scan may misread: there the capitals are doubted as before)
    if line == "Blood cultures NGTD.":
        scanned = validated_as(validator, "Blood cultures NGTD.", "image")
        assert [f.reason for f in only_doubtful(scanned)] == ["out_of_vocabulary"]


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "doubted"), [
    # a dose followed by its drug's name is that drug's, not the words' before it:
    # "covered with" was flagged as Covera
    ("BG 182, covered with 4 units insulin lispro per sliding scale.", []),
    ("Nausea, treated with 4 mg ondansetron IV.", []),
    # ... a dose with no name after it is still the window's before it
    ("Took met for men 500 mg tablet", ["met for men"]),
])
def test_validate_a_dose_before_its_drug_is_that_drugs(
        validator: Validator, line: str, doubted: list[str], modality: Modality) -> None:
    doc = validator.validate(make_doc(line, modality=modality,
                                      default=None if modality == "text" else 0.99))
    assert [f.text for f in only_doubtful(doc)] == doubted


@pytest.mark.parametrize("modality", ["text", "image"])
def test_validate_a_clipped_word_out_of_vocabulary_is_offered_the_names_it_begins(
        validator: Validator, modality: Modality) -> None:
    # "norepi" with no dose after it was out of vocabulary with no suggestion, though the
    # same note's "norepi 0.08 mcg/kg/min" was norepinephrine
    doc = validated_as(validator, "Plan: wean norepi to MAP above 65.", modality)
    flags = only_doubtful(doc)
    assert [(f.text, f.reason) for f in flags] == [("norepi", "out_of_vocabulary")]
    assert [c.canonical for c in flags[0].candidates] == ["norepinephrine"]
    if modality == "text":
        assert flags[0].confidence == 0.5  # (its doubt as it was)
    # ... a word no name begins is left as it was
    doc = validated_as(validator, "The webhook failed.", modality)
    assert [f.candidates for f in only_doubtful(doc)] == [[]]


def test_validate_a_clipped_part_of_a_combination_is_the_name_it_begins(
        validator: Validator) -> None:
    # "vanc/zosyn" was suggested Vancocin, "Bovine casein", "Fan xie ye"
    doc = validator.validate(document_from_text("Abx: vanc/zosyn day 3."))
    flags = only_doubtful(doc)
    assert [f.text for f in flags] == ["vanc/zosyn"]
    assert flags[0].candidates[0].term == "vancomycin/zosyn"
    assert flags[0].candidates[0].canonical == "piperacillin / tazobactam / vancomycin"


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "doubted"), [
    # a needle's gauge was read as grams, and the words before it as a drug's name dosed
    # so ("pen needles": Panadol)
    ("BD pen needles 32G 4 mm, use with insulin", []),
    ("Insulin syringes 31G 0.3 mL, use as directed", []),
    # ... and grams are still a dose
    ("Ceftriaxone 2G IV daily", []), ("Dextrose 25g IV once", []),
])
def test_validate_a_needle_gauge_is_no_dose(line: str, doubted: list[str],
                                            modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert [f.text for f in only_doubtful(doc)] == doubted


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize("line", [
    # a course's length written as a prescription writes it was out of vocabulary
    "Amoxicillin 500 mg PO TID x7d", "Keflex 500 mg QID x10d, then stop.",
    "Meloxicam 0.1 mg/kg PO q24h x5d", "Prednisone 40 mg daily x5days",
])
def test_validate_a_course_length_is_no_word(line: str, modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert only_doubtful(doc) == []
    assert [f.text for f in doc.flags if f.candidates[0].lexicon == "drugs"] == [
        line.split()[0]]


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize("line", [
    # a dose form as a prescription abbreviates it was a name cut short (Supprelin) or
    # the start of a misread one ("ung to affected area": nicotine bitartrate)
    "Sig: 1 supp PR q12h prn", "Sig: apply ung to affected area BID",
    "Amoxicillin susp 250 mg/5 mL, 5 mL PO TID", "Ceftriaxone 1 g inj IM x1",
])
def test_validate_a_dose_form_abbreviated_is_no_name(line: str, modality: Modality) -> None:
    doc = validate(_line_doc(line, modality))
    assert only_doubtful(doc) == []
    assert not [f.text for f in doc.flags if f.candidates[0].lexicon == "drugs"
                and f.text.casefold() in ("supp", "ung", "susp", "inj")]


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize("line", [
    # a score's or a measure's acronym before its value was out of vocabulary: a typed
    # acronym before a number is doubted as a drug's before its dose would be
    "Neuro checks q1h, NIHSS 4 on arrival.", "Intubated, EtCO2 38 after.",
    "Trop: hsTnT 52 then 61, CKMB 4.", "CIWA 12, qSOFA 2, on HFNC 40 L.",
])
def test_validate_a_score_before_its_value_is_no_misspelling(line: str,
                                                              modality: Modality) -> None:
    assert only_doubtful(validate(_line_doc(line, modality))) == []


@pytest.mark.parametrize(("line", "brand"), [
    # a pen's name after its brand was a misspelled name ("SoloStar": Zalasta, olanzapine)
    # or out of vocabulary ("KwikPen"); the lexicon lists each with other brands of several
    # words ("Toujeo Solostar", "Rezvoglar Kwikpen")
    ("Lantus SoloStar 20 units at night", "insulin glargine"),
    ("Humalog KwikPen 6 units with meals", "insulin lispro"),
])
def test_validate_a_device_named_after_its_brand_is_no_misspelling(
        validator: Validator, line: str, brand: str) -> None:
    doc = validated_as(validator, line, "text")
    assert [f.candidates[0].canonical for f in doc.flags if f.reason == "verified"] == [brand]
    assert only_doubtful(doc) == []


@pytest.mark.parametrize(("line", "flagged"), [
    # ... not where no brand is before it, or a sentence ends between them
    ("SoloStar 20 units at night", "SoloStar"), ("Lantus. SoloStar 20 units", "SoloStar"),
    # ... nor a misspelling of the device's name
    ("Lantus Solostr 20 units", "Solostr"),
])
def test_validate_a_device_name_alone_is_doubted_as_before(
        validator: Validator, line: str, flagged: str) -> None:
    doc = validated_as(validator, line, "text")
    assert [f.text for f in only_doubtful(doc)] == [flagged]


@pytest.mark.parametrize("modality", ["text", "image"])
@pytest.mark.parametrize(("line", "verified", "flagged"), [
    # a brand's units counted by its name were doubted as near the brand (DuoNeb)
    ("Duonebs q4h prn wheezing.", ["DuoNeb"], []),
    ("Gave 2 Duonebs overnight with relief.", ["DuoNeb"], []),
    # ... and one English knows a little ("Percocets"), capitalised after a count, was
    # doubted as a window with the count ("two Percocets")
    ("Took two Percocets overnight.", ["Percocet"], []),
    ("Took 2 Tylenols last night.", ["Tylenol"], []),
    # ... and so was one in lower case, whose plural the clinical dictionary does not
    # make as it makes a noun's ("two tylenols": the window doubted as Tylenol)
    ("Pt given two tylenols for headache.", ["Tylenol"], []),
    ("Took 2 percocets overnight.", ["Percocet"], []),
    # ... an English plural is no brand's ("Use the dilators": Dilator), with no count
    # or in lower case
    ("Use the Dilators twice daily.", [], []), ("Placed two dilators.", [], []),
    # ... a generic's name is not counted so: its plural is still doubted
    ("Continue metoprolols 25 mg daily.", [], ["metoprolols"]),
    # ... nor is a brand misspelled otherwise
    ("Start Duonebz q4h.", [], ["Duonebz"]),
])
def test_validate_a_brands_plural_is_the_brand(
        validator: Validator, line: str, verified: list[str], flagged: list[str],
        modality: Modality) -> None:
    doc = validated_as(validator, line, modality)
    assert [f.candidates[0].term for f in doc.flags if f.reason == "verified"] == verified
    assert [f.text for f in only_doubtful(doc)] == flagged


@pytest.mark.parametrize("modality", ["text", "audio"])
@pytest.mark.parametrize(("line", "flagged"), [
    # therapies in a drug's slot: an everyday word in -ing was doubted near a name
    # (Brethine), and everyday words ending in an everyday noun's plural too (Soliris)
    ("Start deep breathing exercises twice a day.", []),
    ("Use saline rinses twice daily.", []), ("Use nasal rinses twice daily.", []),
    # ... a name split into everyday words, its last heard as a plural, is still doubted
    ("Start lay sicks 40 mg daily.", ["lay sicks"]),
    # ... and so is a name misspelled
    ("Start brethin 5 mg three times a day.", ["brethin"]),
])
def test_validate_a_therapy_is_no_drug(validator: Validator, line: str, flagged: list[str],
                                      modality: Modality) -> None:
    doc = validated_as(validator, line, modality)
    assert [f.text for f in only_doubtful(doc)] == flagged


@pytest.mark.parametrize(("line", "flagged"), [
    # a note makes a verb of a word English or the clinical dictionary knows: its form
    # in "ed" or "ing" was out of vocabulary ("repleted"), or near a name
    ("K 3.6, repleted with KCl 40 mEq PO x1.", []), ("Mg repleting now.", []),
    ("Pt bolused with 1 L NS.", []), ("Pt nebbed x2 overnight.", []),
    # ... and so does it of a clinical word it clips ("desat": desaturate): "desatted"
    # was doubted near Diastat
    ("Pt desatted to 86% on RA, placed on 2L NC.", []), ("Pt desatting on RA.", []),
    # ... a drug's name so made is its name misspelled, doubted as before
    ("Lasixed 40 mg daily.", ["Lasixed"]), ("Pt diastated overnight.", ["diastated"]),
])
def test_validate_a_verbs_form_of_a_known_word_is_known(
        validator: Validator, line: str, flagged: list[str]) -> None:
    doc = validated_as(validator, line, "text")
    assert [f.text for f in only_doubtful(doc)] == flagged


@pytest.mark.parametrize(("pieces", "text", "canonical"), [
    # "isosorbide dinitrate 40 milligrams", its first word heard as three
    ([("Did", 0.9), ("the", 0.96), ("pharmacy", 0.99), ("ever", 0.99), ("fill", 0.96),
      ("the", 0.97), ("ISIS", 0.43), ("or", 0.66), ("by", 0.66), ("denotrate", 0.0),
      ("40", 0.95), ("milligrams?", 0.91)], "ISIS or by denotrate", "isosorbide dinitrate"),
    ([("Resident", 0.87), ("received", 0.85), ("ISIS", 0.68), ("or", 0.84), ("by", 0.64),
      ("denotrate", 0.0), ("10", 0.94), ("milligrams", 0.91)],
     "ISIS or by denotrate", "isosorbide dinitrate"),
])
def test_validate_a_name_heard_as_several_words_is_flagged_whole(
        validator: Validator, pieces: list[tuple[str, float]], text: str,
        canonical: str) -> None:
    """A name heard as several words was flagged on its last word alone ("denotrate":
    Dendrid), whose fewer letters matched a short term surer, though the whole run spelled
    the name said at least as closely; the LLM never saw isosorbide dinitrate."""
    doc = validator.validate(_heard([(t, c, False) for t, c in pieces]))
    near = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert [(f.text, f.candidates[0].canonical) for f in near] == [(text, canonical)]


@pytest.mark.parametrize(("pieces", "text", "canonical"), [
    # "capecitabine 500 milligrams": "a tabine" alone spells atropine closer, for having
    # fewer letters to match; "Kate's" beside it was heard in doubt too
    ([("Send", 0.95), ("home", 0.98), ("from", 0.99), ("urgent", 0.96), ("care", 0.98),
      ("on", 0.97), ("Kate's", 0.48), ("a", 0.01), ("tabine", 0.0), ("500", 0.96),
      ("milligrams", 0.96), ("twice", 0.99), ("a", 0.99), ("day.", 1.0)],
     "Kate's a tabine", "capecitabine"),
    # "ivabradine 2.5 milligrams": "breathing" alone is Brethine
    ([("Did", 0.99), ("the", 0.99), ("pharmacy", 0.99), ("ever", 1.0), ("fill", 0.97),
      ("the", 1.0), ("ever", 0.09), ("breathing", 0.15), ("2.5", 0.97),
      ("milligrams?", 0.9)], "ever breathing", "ivabradine"),
])
def test_validate_a_name_heard_as_doubted_words_is_flagged_whole(
        validator: Validator, pieces: list[tuple[str, float]], text: str,
        canonical: str) -> None:
    """A name heard as several words in doubt was flagged on the words whose fewer letters
    matched a short name surer, leaving its other doubted words out: the LLM was offered
    atropine for "a tabine", never capecitabine."""
    doc = validator.validate(_heard([(t, c, False) for t, c in pieces]))
    near = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert [(f.text, f.candidates[0].canonical) for f in near] == [(text, canonical)]


@pytest.mark.parametrize(("pieces", "text"), [
    # the name alone spells its term closer than any run of words around it
    ([("Continue", 0.95), ("the", 0.9), ("Mossartan", 0.2), ("25", 0.9),
      ("milligrams", 0.9)], "Mossartan"),
    # "and" beside it is the sentence's own word, though "and Mossartan" spells
    # candesartan closer than "Mossartan" spells any term (it was losartan)
    ([("Current", 0.99), ("medications", 0.98), ("are", 0.96), ("Trexel", 0.01),
      ("2.5", 0.98), ("milligrams", 0.96), ("and", 0.34), ("Mossartan", 0.02), ("25", 0.98),
      ("milligrams.", 0.99)], "Mossartan"),
    ([("Start", 0.95), ("the", 0.6), ("lisinoprill", 0.3), ("10", 0.9),
      ("milligrams", 0.9)], "lisinoprill"),
    # a prescribing word heard in doubt is that word, no syllable of the name after it;
    # nor is a word ending a clause before it ("meds," of "Discharge meds,": it was
    # pramipexole, not metronidazole), nor a doubted word after a name matched so
    ([("Increase", 0.6), ("Clon", 0.02), ("is", 0.12), ("come", 0.17), ("to", 0.96),
      ("1", 0.78), ("milligram", 0.89), ("at", 0.97), ("bedtime.", 0.97)], "Clon is come"),
    ([("Discharge", 0.9), ("meds,", 0.6), ("prime", 0.4), ("effects", 0.3), ("all", 0.2),
      ("0.125", 0.9), ("milligrams", 0.9)], "prime effects all"),
    ([("Take", 0.9), ("the", 0.9), ("arythromycin", 0.1), ("around", 0.5),
      ("meals.", 0.9)], "arythromycin"),
])
def test_validate_a_misheard_name_is_not_widened_onto_its_neighbours(
        validator: Validator, pieces: list[tuple[str, float]], text: str) -> None:
    doc = validator.validate(_heard([(t, c, False) for t, c in pieces]))
    assert [f.text for f in doc.flags if text in f.text] == [text]


@pytest.mark.parametrize(("pieces", "text", "canonical"), [
    # a wider window spelling a longer term with more of its letters is not the name:
    # "renew the witness alone" spells methylprednisolone with more letters matched than
    # "witness alone" spells prednisolone, the name said
    ([("Can", 0.9), ("we", 0.9), ("bump", 0.8), ("it", 0.8), ("up", 0.9), ("to", 0.9),
      ("300", 0.93), ("milligrams,", 0.72), ("renew", 0.51), ("the", 0.68),
      ("witness", 0.03), ("alone", 0.12), ("5", 0.65), ("milligrams", 0.92), ("for", 0.95),
      ("another", 0.97), ("three", 0.95), ("months.", 0.96)],
     "witness alone", "prednisolone"),
    # ... and words as frequent as English's function words at a window's edge may be
    # the name's first syllables: "as of" is azithromycin's, not the sentence's own
    # ("for mice in" alone is formycin)
    ([("She", 0.84), ("is", 0.95), ("currently", 0.99), ("on,", 0.99), ("as", 0.42),
      ("of", 0.08), ("for", 0.04), ("mice", 0.02), ("in", 0.13), ("500", 0.96),
      ("milligrams", 0.77), ("once", 0.76), ("daily.", 0.9)],
     "as of for mice in", "azithromycin"),
    ([("He", 0.9), ("takes", 0.9), ("it", 0.8), ("at", 0.7), ("20", 0.79),
      ("milligrams", 0.81), ("and", 0.86), ("then", 0.59), ("opens", 0.03), ("in", 0.14),
      ("25", 0.96), ("milligrams.", 0.99)], "and then opens in", "indomethacin"),
])
def test_validate_a_name_heard_as_several_words_keeps_the_window_that_spells_it(
        validator: Validator, pieces: list[tuple[str, float]], text: str,
        canonical: str) -> None:
    """Of nested windows over a name heard as several words, the one flagged is the one
    whose best match is surest unless a wider one spells its own clearly closer: neither
    the letters a wider window's term matches (more for a longer term) nor a common word
    at the edge says which window the name is."""
    doc = validator.validate(_heard([(t, c, False) for t, c in pieces]))
    near = [f for f in doc.flags if f.reason == "near_lexicon"]
    assert [(f.text, f.candidates[0].canonical) for f in near] == [(text, canonical)]
