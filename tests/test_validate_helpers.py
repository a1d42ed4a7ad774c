"""The validator's helpers: word keys and englishness, word classes and dose context,
sound keys, glyph confusions, and the bound on the scores of an index block."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uncertain._context import (
    classify,
    dose_amount,
    dose_near,
    dose_strengths,
    in_digits,
    is_dose_start,
    is_strength,
    is_strength_unit,
    link_words,
    strip_punct,
)
from uncertain._cues import (
    coordinated_after,
    dislocation_at,
    dislocations,
    is_amount_of,
    is_cue,
    is_cue_after,
    is_taken_up,
)
from uncertain._glyphs import choice_variants, glyph_variants, skeleton
from uncertain._index import LexiconIndex
from uncertain._phonetic import class_key, sound_key
from uncertain._score import (
    WEIGHTS,
    context_logit,
    match_ceiling,
    match_features,
    match_logit,
    sigmoid,
)
from uncertain._words import plural_zipf, word_key
from uncertain.document import Alternative, CharChoice, CharChoices, Modality, Word
from uncertain.lexicon import english_zipf, everyday, load_lexicons


@pytest.mark.parametrize(
    ("text", "key"),
    [("Lisinopril-10'mg", "lisinopril"), ("10mg", "mg"), ("metformin", "metformin"),
     ("L6", "l6"), ("A1c", "a1c"), ("B12", "b12"),
     # a unit glued between the number and the name is the dose's
     ("500mgMetforrnin", "metforrnin"), ("10mglisinoprl", "lisinoprl"),
     ("5mlSyrup", "syrup"), ("25mgs", "mgs"), ("2mgAbc", "mgabc"),
     # ... marks between or not
     ("5mg-Warfarln", "warfarln"), ("5mg'Warfarln", "warfarln"),
     ("500mg-Metforrnin", "metforrnin"), ("2mg-Abc", "mgabc")],
)
def test_validate_helpers_word_key_keeps_a_name_glued_to_a_dose_not_a_code(
        text: str, key: str) -> None:
    assert word_key(text) == key


@pytest.mark.parametrize(
    ("text", "unit", "strength"),
    [("mg", True, False), ("micrograms", True, False), ("meq", True, False),
     ("milliequivalents", True, False), ("milli-equivalents", True, False),
     ("kg", False, False), ("tablets", False, False), ("25mg", False, True),
     ("0.5mcg", False, True), ("80kg", False, False), ("25", False, False)],
)
def test_validate_helpers_a_strength_names_a_drug_dose_not_a_weight(
        text: str, unit: bool, strength: bool) -> None:
    assert is_strength_unit(text) is unit
    assert is_strength(text) is strength


@pytest.mark.parametrize(
    ("word", "ordinary"),
    [("sunflowers", True), ("strawberries", True), ("tomatoes", True), ("sunflower", True),
     ("lisinopril", False), ("dyss", False), ("nystatins", False)],
)
def test_validate_helpers_the_plural_of_an_ordinary_word_is_ordinary(
        word: str, ordinary: bool) -> None:
    assert (plural_zipf(word) >= 3.0) is ordinary
    assert plural_zipf(word) >= english_zipf(word)


@pytest.mark.parametrize(("key", "named"), [
    ("tylenols", True),  # the dictionary holds "tylenol", no plural of it: a name
    ("dilators", False),  # ... it makes "dilator" plural: a noun
    ("norcos", False),  # ... nor is a word it lacks named by it
    ("tylenol", False),  # no plural at all
])
def test_validate_helpers_a_plural_the_dictionary_does_not_make_is_a_names(
        key: str, named: bool) -> None:
    from uncertain._words import _named_plural

    known = {"tylenol", "dilator", "dilators"}
    assert _named_plural(key, known) is named


@pytest.mark.parametrize(
    ("text", "kind"),
    [("500", "number"), ("2.5", "number"), ("500mg", "number"), ("3rd", "number"),
     ("03/14/1958", "number"), ("x10", "number"), ("mg", "unit"), ("milligrams", "unit"),
     ("milli-equivalents", "unit"), ("milli", "word"),
     ("bid", "frequency"), ("daily", "frequency"), ("", "punct"), ("metformin", "word"),
     ("Amoxici11in", "word")],
)
def test_validate_helpers_classify(text: str, kind: str) -> None:
    assert classify(text) == kind


@pytest.mark.parametrize(
    ("text", "stripped", "kind"),
    [("4mg.", "4mg", "number"), ("(metformin),", "metformin", "word"),
     # a scan's ruled line read as underscores at a word's edge is no part of it
     ("4mg_", "4mg", "number"), ("mg_", "mg", "unit"), ("__NKDA_", "NKDA", "word"),
     ("____", "", "punct"), ("snake_case", "snake_case", "word")],
)
def test_validate_helpers_strip_punct(text: str, stripped: str, kind: str) -> None:
    assert strip_punct(text) == stripped
    assert classify(strip_punct(text)) == kind


@pytest.mark.parametrize(
    ("after", "dose"),
    [("10 milligrams daily", True), ("500 mg", True), ("500mg with food", True),
     ("twice daily", True), ("five hundred milligrams", True), ("mg", True),
     ("10 miles", False), ("two cats", False), ("and then", False), ("", False),
     ("tablets", False),
     # a unit a recogniser writes in two words, or a writer with a hyphen
     ("20 milli equivalents", True), ("20 milli-equivalents", True), ("50 micro grams", True),
     ("20 milli", False), ("milli equivalents", False), ("20 equivalents", False)],
)
def test_validate_helpers_dose_context(after: str, dose: bool) -> None:
    assert is_dose_start(after.split()) is dose


@pytest.mark.parametrize(
    ("after", "amount"),
    [("2 g IV", (2000.0, "g")), ("1g IV", (1000.0, "g")), ("4 mg IV", (4.0, "mg")),
     ("1,000 mg", (1000.0, "mg")), ("2 g/hr", (2000.0, "g")), ("100 mcg", (0.1, "mcg")),
     ("20 meq", (None, "meq")), ("20 milli-equivalents", (None, "milliequivalents")),
     # the unit in two words, as a recogniser writes it
     ("20 milli equivalents", (None, "milliequivalents")),
     ("20milli equivalents IV", (None, "milliequivalents")),
     ("50 milli grams", (50.0, "milligrams")), ("50 micro grams/hr", (0.05, "micrograms")),
     ("20 milli", None), ("20 milli cats", None),
     ("two mg", None), ("2 tablets", None), ("IV", None),
     ("", None)],
)
def test_validate_helpers_dose_amount(after: str, amount: tuple[float | None, str] | None
                                      ) -> None:
    assert dose_amount(after.split()) == amount


@pytest.mark.parametrize(
    ("heard", "term"),
    [("met for me", "metformin"), ("net form in", "metformin"),
     ("lives in awful", "lisinopril")],
)
def test_validate_helpers_sound_classes_bring_mishearings_close(heard: str, term: str) -> None:
    assert class_key(heard)[:1] == class_key(term)[:1]
    assert sound_key(heard) != "" and class_key(heard) != ""
    assert class_key("metformin") == class_key("met for min")


@pytest.mark.parametrize(
    ("printed", "meant"),
    [("Amoxici11in", "amoxicillin"), ("Metfonnin", "metfomin"), ("Ciprofloxacin", "ciprofloxacin"),
     ("vvarfarin", "warfarin"), ("C1ozapine", "clozapine")],
)
def test_validate_helpers_glyph_skeleton_and_variants(printed: str, meant: str) -> None:
    assert skeleton(printed) == skeleton(meant) or meant in glyph_variants(printed)


def test_validate_helpers_choice_variants_best_first() -> None:
    word = Word(text="Usinopril", confidence=0.5, alternatives=[
        Alternative(text="Lisinoprll", confidence=0.2)], chars=[
        CharChoices(choices=[CharChoice(text="U", confidence=0.6),
                             CharChoice(text="Li", confidence=0.3)]),
        *[CharChoices(choices=[CharChoice(text=c, confidence=0.9)]) for c in "sinopril"],
    ])
    variants = choice_variants(word)
    texts = [t for t, _ in variants]
    assert "Lisinopril" in texts and "Lisinoprll" in texts
    assert all(0 < p <= 1 for _, p in variants)
    assert [p for _, p in variants] == sorted((p for _, p in variants), reverse=True)


@pytest.mark.parametrize(
    ("after", "sure", "strength"),
    [("10 mg daily", [True, True], 1.0), ("in each nostril twice daily", [True, True], 0.0),
     ("nostril twice daily", [True, True], 0.5), ("awful 10 mg", [False, True], 0.0),
     ("awful 10 mg", [True, True], 0.5), ("for coffee", [True, True], 0.0),
     # "milligrams" heard amiss, in doubt after a number; not when the recogniser is sure
     ("100 million and", [True, False], 1.0), ("100 million people", [True, True], 0.0),
     ("50 mic programs", [True, False], 1.0), ("million and", [False, True], 0.0),
     # a unit in two words; an amount of what follows it is no dose
     ("20 milli equivalents daily", [True], 1.0),
     ("20 milli equivalents of potassium", [True], 0.0)],
)
def test_validate_helpers_dose_near(after: str, sure: list[bool], strength: float) -> None:
    assert dose_near(after.split(), sure) == strength


@pytest.mark.parametrize(
    ("before", "cue"),
    [("please take", True), ("is allergic to", True), ("she is currently on", True),
     ("he went to", False), ("", False), ("walked on", False),
     # the name an amount measures follows its "of"
     ("given 500 mg of", True), ("two puffs of", True), ("a 500mg of", True),
     ("a lot of", False), ("made of", False),
     ("let's try", True), ("could not tolerate the", True), ("instead of", True),
     ("has been on", True), ("ran out of her", True), ("out of", False),
     ("tolerate", False), ("been", False),
     ("a new prescription for", True), ("a course of", True), ("a trial of", True),
     ("the dose of", True), ("a course", False), ("for", False),
     ("started her on", True), ("put him on", True), ("took her off", True),
     ("switched him to", True), ("was placed on", True), ("walked her to", False),
     ("put on", False), ("her on", False),
     # which of a patient's doses: "continue home X", "take the last X"
     ("continue home", True), ("take the last", True), ("hold her evening", True),
     ("the last", False), ("home", False), ("walk the last", False),
     # a count of pills a prescribing word governs, an amount of the drug
     ("she took two of the", True), ("took 2 of his", True), ("two of the", False),
     ("walked two of the", False), ("half a tab of the", True), ("500 mg of her", True),
     ("a lot of the", False), ("cup of the", False),
     ("this is the generic for", True), ("a generic", False),
     # a dose's or a prescription's phrase through a determiner, as "ran out of her"
     ("take double dose of the", True), ("a refill of his", True),
     ("a prescription for her", True), ("instead of the", False), ("is on the", False)],
)
def test_validate_helpers_cue_before(before: str, cue: bool) -> None:
    assert is_cue(before.split()) is cue


@pytest.mark.parametrize(
    ("before", "cue"),
    [# doses missed, a drug no longer taken, an allergy list
     ("she missed two doses of", True), ("missed two doses of her", True),
     ("he is no longer on", True), ("allergies include", True), ("allergies including", True),
     ("two doses", False), ("no longer", False), ("symptoms include", False),
     # a pharmacy's verb, as "refill" and "dispense" are
     ("they can't fill my", True), ("did the pharmacy ever fill the", True),
     ("fill out the", False)],
)
def test_validate_helpers_cue_before_missed_doses_lists_and_pharmacy(before: str,
                                                                     cue: bool) -> None:
    assert is_cue(before.split()) is cue


@pytest.mark.parametrize(
    ("after", "cue"),
    [("was increased last month", True), ("has been stopped", True), ("were held", True),
     ("is given", True), ("was good", False), ("increased", False), ("has stopped", False),
     ("", False)],
)
def test_validate_helpers_cue_after(after: str, cue: bool) -> None:
    assert is_cue_after(after.split()[:3]) is cue


@pytest.mark.parametrize(
    ("text", "governed"),
    [("both restored and tied up were held", [2, 5]),
     ("both the dozen present and the rame theme were given", [4, 8]),
     ("x and y and z were held", [1, 3, 5]),
     ("x, y, and z were held", [2, 4]),
     # a clause's end inside the next member, or a sentence's before the conjunction:
     # no list
     ("x and y, then z was held", [5]),
     ("x. and y was held", [3]),
     ("x and y was good", [])],
)
def test_validate_helpers_coordinated_after(text: str, governed: list[int]) -> None:
    """Where a window ending before word j is governed by a prescribing phrase after it,
    directly or as a member of a list the phrase follows."""
    texts = [t.rstrip(",") for t in text.split()]
    marks = [t.endswith(",") for t in text.split()]
    after = [is_cue_after(texts[j:j + 3]) for j in range(len(texts) + 1)]
    out = coordinated_after(texts, [True] * len(texts), marks, after, 5)
    assert [j for j, cue in enumerate(out) if cue] == governed


def test_validate_helpers_a_doubted_word_of_which_dose_is_no_cue() -> None:
    # a doubted "home" may be a syllable of the name ("taking home for an old")
    assert is_cue(["taking", "home"]) and is_cue(["take", "the", "last"])
    assert not is_cue(["taking", "home"], last_sure=False)
    assert not is_cue(["take", "the", "last"], last_sure=False)


def test_validate_helpers_a_doubted_of_is_no_cue() -> None:
    assert not is_cue(["milligrams", "of"], last_sure=False)
    assert is_cue(["take"], last_sure=False)
    assert is_amount_of(["milligrams", "of"]) and is_amount_of(["500mg", "of"])
    assert not is_amount_of(["take", "of"]) and not is_amount_of(["of"])
    assert not is_amount_of(["milligrams", "of"], last_sure=False)


@pytest.mark.parametrize(
    ("text", "sure"),
    [("take it 10 mg daily", "11111"), ("lives in awful 10 mg", "00011"),
     ("spray in each nostril twice daily", "111111"), ("five hundred milligrams", "011"),
     ("mg a l g 5 %", "101010"), ("", ""), ("stop the", "11"),
     ("met across 100 million and", "00100"), ("across 100 million people", "0111"),
     ("7 -5 milli -grams", "0000"), ("the 5 milli", "110"),
     # an amount of what follows: no dose for the word before it
     ("contains 500 mg of caffeine", "11111"), ("holds 2 puffs of it", "11111"),
     ("gave 500mg of it daily", "11111"), ("take 500 mg often", "1111"),
     # a doubted "of" is no "of": "milligrams of every six hours" for "milligrams every"
     ("minifam 325 milligrams of every six", "011000")],
)
def test_validate_helpers_dose_strengths_match_dose_near(text: str, sure: str) -> None:
    texts, skippable = text.split(), [s == "1" for s in sure]
    assert dose_strengths(texts, skippable) == [
        dose_near(texts[j:j + 6], skippable[j:j + 6]) for j in range(len(texts) + 1)]


@pytest.mark.parametrize(
    ("text", "sure", "strength"),
    [("plan stays at 10 mg", "11111", 1.0), ("roll remains 5 mg", "1111", 1.0),
     ("fee remained at 25 units", "11111", 1.0),
     # a doubted link verb may be a syllable of the name, and links only a dose near it
     ("plan stays at 10 mg", "10111", 0.0), ("plan stays at home 10 mg", "111111", 0.0),
     ("plan stays in 10 mg", "11111", 0.3), ("plan stays", "11", 0.0),
     ("plan stays at", "111", 0.0),
     # "titrate X up to 60 mg", "taper X down to 10 mg"
     ("pine up to 60 mg", "11111", 1.0), ("quantity down to 0.2 milligrams", "11111", 1.0),
     ("pine up to", "111", 0.0), ("pine up to 60 mg", "10111", 0.0),
     ("pine up for 60 mg", "11111", 0.3),
     # "the X works out to 5 mg" (a dose by weight): both words link
     ("toll works out to 1 milligram", "111111", 1.0),
     ("toll comes out to 5 mg", "111111", 1.0),
     ("toll works out to", "1111", 0.0), ("toll works out to 1 milligram", "101111", 0.0),
     ("toll walks out to 1 milligram", "111111", 0.0)],
)
def test_validate_helpers_a_link_passes_the_dose_on(text: str, sure: str,
                                                    strength: float) -> None:
    texts, skippable = text.split(), [s == "1" for s in sure]
    assert dose_strengths(texts, skippable)[1] == strength
    assert link_words(texts, skippable)[1] is (strength == 1.0)


@pytest.mark.parametrize(
    ("text", "sure", "length"),
    [("x we will keep that at 25 mg", "11111111", 4), ("x i'll increase it to 20 mg", "1111111", 3),
     ("x keep that at 10 mg", "111111", 2), ("x we will keep that at home", "1111111", 0),
     ("x we will keep the 25 mg", "1111111", 0), ("x keep that", "111", 0),
     ("x we will keep that 25 mg", "1111111", 4)],
)
def test_validate_helpers_dislocation_at(text: str, sure: str, length: int) -> None:
    """"[X,] we will keep that at 25 mg" takes the name before it up again for its dose."""
    texts, skippable = text.split(), [s == "1" for s in sure]
    dose_at = dose_strengths(texts, skippable)
    assert dislocation_at(texts[1:6], dose_at[1:7]) == length
    assert dislocations(texts, dose_at)[1] == length


@pytest.mark.parametrize(
    ("text", "length"),
    [("x the box says 60 milligrams", 3), ("x the label reads 5 mg daily", 3),
     ("x her bottle says 10 mg", 3), ("x the box says fragile", 0),
     ("x the box 60 mg", 0), ("x the little white one", 4), ("x a blue pill", 3),
     ("x the small round white tablets", 5), ("x the little one", 0),
     ("x the white", 0), ("x the blue car", 0), ("x the one", 0)],
)
def test_validate_helpers_a_pack_or_a_pill_takes_a_name_up_again(text: str, length: int) -> None:
    """"[X,] the box says 60 mg", "[X,] the little white one": what its pack says of its
    dose and how its pill looks are said of a name before them."""
    texts = text.split()
    dose_at = dose_strengths(texts, [True] * len(texts))
    assert dislocation_at(texts[1:8], dose_at[1:9]) == length
    assert dislocations(texts, dose_at)[1] == length


@pytest.mark.parametrize(
    ("text", "length"),
    [("x i take 80 milligrams of it", 6), ("x i take 80mg of it", 5),
     ("x use two puffs of them", 5), ("x i'll take 1 and a half", 0),
     ("x i take 80 milligrams of the", 0), ("x i take 80 milligrams", 0),
     ("x i take it", 0), ("x take 500 mg of it", 5), ("x i take 80 of it", 0)],
)
def test_validate_helpers_an_amount_of_it_takes_a_name_up_again(text: str, length: int) -> None:
    """"[the X,] I take 80 milligrams of it": the amount is of the name said before it."""
    texts = text.split()
    dose_at = dose_strengths(texts, [True] * len(texts))
    assert dislocation_at(texts[1:8], dose_at[1:9]) == length
    assert dislocations(texts, dose_at)[1] == length


def test_validate_helpers_an_amount_at_reads_the_words_around_it_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the roles given, `is_amount_at` read the roles of every word of the
    document, and the validator asks it once per sentence of a dose and no drug named:
    a one-line text of 500,000 words spent 50 s of its 3 minutes there. It reads the words
    around ``start``, with the answer of the whole document's roles at every start."""
    import random

    from uncertain import _context

    rng = random.Random(7)
    vocabulary = ["take", "20", "500", "mg", "milligrams", "milli", "equivalents", "of",
                  "it", "two", "puffs", "million", "units", "mcg", "daily", "5mg", "100"]
    for _ in range(200):
        texts = [rng.choice(vocabulary) for _ in range(rng.randint(1, 14))]
        sure = [rng.random() < 0.8 for _ in texts]
        roles = _context._roles(texts, sure)
        for start in range(len(texts)):
            assert (_context.is_amount_at(texts, sure, start)
                    == _context.is_amount_at(texts, sure, start, roles)), (texts, sure, start)
    read: list[int] = []
    heard = _context.heard_units
    monkeypatch.setattr(_context, "heard_units",
                        lambda texts, sure: read.append(len(texts)) or heard(texts, sure))
    texts = "take 20 mg of it daily".split() * 2000
    assert all(_context.is_amount_at(texts, [True] * len(texts), start)  # "20 mg of it"
               for start in range(1, len(texts), 6))
    assert sum(read) < 10 * 2000  # (it was 2,000 times the 12,000 words)


@pytest.mark.parametrize(
    ("word", "before", "taken"),
    [("it", "80 milligrams of", True), ("them", "2 puffs of", True),
     ("it", "500mg of", True), ("this", "80 milligrams of", False),
     ("it", "the pair of", False), ("tikis", "80 milligrams of", False)],
)
def test_validate_helpers_is_taken_up(word: str, before: str, taken: bool) -> None:
    assert is_taken_up(word, before.split()) is taken


@pytest.fixture(scope="module")
def clinical_index() -> LexiconIndex:
    return LexiconIndex(load_lexicons(["clinical"]))


@pytest.mark.parametrize("modality", ["audio", "text"])
@pytest.mark.parametrize(("key", "spelled"), [
    ("hypertenshun", False), ("diabeetis", False), ("astma", False), ("newmonia", False),
    ("tablits", False), ("metformin", False), ("tablet", True), ("pneumonia", True)])
def test_validate_helpers_match_ceiling_bounds_every_term(
    clinical_index: LexiconIndex, key: str, spelled: bool, modality: Modality
) -> None:
    ceiling = match_ceiling(clinical_index.block_columns(key), len(key), modality)
    terms = clinical_index.near(key, limit=len(clinical_index))
    assert terms
    logits = [match_logit(match_features(key, clinical_index.items[idx], modality), modality)
              for idx in terms]
    assert max(logits) <= ceiling
    # loose only where a term is spelled exactly as the query
    assert spelled or ceiling < max(logits) + 3.0


@pytest.mark.parametrize("modality", ["audio", "image", "text"])
@pytest.mark.parametrize("said", [None, "NTFRMN"])
def test_validate_helpers_match_features_of_many_terms_are_each_terms(
    clinical_index: LexiconIndex, modality: Modality, said: str | None
) -> None:
    """The features computed for many terms at once are, term by term, those of
    each alone, by the string similarities' own definitions (``fuzz.ratio``)."""
    from rapidfuzz import fuzz

    from uncertain._score import match_features_many

    key = "metformin"
    items = [clinical_index.items[i] for i in clinical_index.near(key, limit=12)]
    assert len(items) == 12
    many = match_features_many(key, items, modality, said=said)
    assert many == [match_features(key, item, modality, said=said) for item in items]
    for item, features in zip(items, many, strict=True):
        assert features["spelling"] == round(fuzz.ratio(key, item.compact) / 100.0, 4)
        assert features["sound_class"] == round(
            fuzz.ratio(class_key(key), item.classes) / 100.0, 4)
        assert features["glyph"] == (round(fuzz.ratio(
            skeleton(key), skeleton(item.compact)) / 100.0, 4) if modality == "image" else 0.0)
        assert ("phone" in features) == (said is not None)
    assert match_features_many(key, [], modality) == []


def test_validate_helpers_everyday_words_explain_garbled_audio_less(
        clinical_index: LexiconIndex) -> None:
    assert everyday("solution") == pytest.approx(english_zipf("solution") - 3.0, abs=1e-3)
    assert everyday("solution") > 1.5
    assert everyday("losartan") == everyday("tamsulosin") == 0.0
    (item,) = (it for it in clinical_index.items if it.normal == "solution")
    heard = match_features("schulissen", item, "audio")
    assert heard["everyday"] == everyday("solution")
    # what a recogniser hears is penalised; print and typed text are not
    assert "everyday" not in match_features("schulissen", item, "image")
    assert "everyday" not in match_features("schulissen", item, "text")
    plain = {k: v for k, v in heard.items() if k != "everyday"}
    assert match_logit(heard, "audio") == pytest.approx(
        match_logit(plain, "audio") + WEIGHTS["everyday"] * everyday("solution"))
    assert WEIGHTS["everyday"] < 0


@pytest.mark.parametrize("word", ["the", "solution", "metformin", "xyzzyq", "vitamin e",
                                  "Aspirin", "café", "it's", "co-trimoxazole", "", " "])
def test_validate_helpers_english_zipf_reads_wordfreq_as_zipf_frequency(word: str) -> None:
    from wordfreq import zipf_frequency

    assert english_zipf(word) == (zipf_frequency(word, "en") if word.strip() else 0.0)


def test_validate_helpers_everyday_phrases() -> None:
    assert everyday("vitamin e") == round(english_zipf("vitamin e") - 3.0, 4) > 0
    assert everyday("abacavir sulfate") == everyday("aag 1") == 0.0


def test_validate_helpers_match_ceiling_edges(clinical_index: LexiconIndex) -> None:
    # (a key of several sound classes that no term's block holds; "xyzzy" is one class,
    # that of "CIWA")
    assert match_ceiling(clinical_index.block_columns("qzzyx"), 5, "audio") == -math.inf
    assert match_ceiling(clinical_index.block_columns("astma"), 5, "image") == math.inf


def test_validate_helpers_common_terms_are_found_two_edits_away(tmp_path) -> None:
    """A commonly prescribed term is blocked by two deletions of its sound classes, a rare
    one by one: "sit and lift in" finds sitagliptin only when it is common."""
    path = tmp_path / "two.tsv"
    path.write_text("sitagliptin\tsitagliptin\tgeneric\t0.9\nsitaglyptan\tsitaglyptan\t"
                    "generic\t0.1\n", encoding="utf-8")
    index = LexiconIndex(load_lexicons([path]))
    key = "sitandliftin"
    assert [index.items[i].entry.term for i in index.near(key)] == ["sitagliptin"]
    ceiling = match_ceiling(index.block_columns(key), len(key), "audio")
    assert match_logit(match_features(key, index.items[0], "audio"), "audio") <= ceiling


def test_validate_helpers_a_term_begins_longer_ones(tmp_path) -> None:
    """Which short terms begin a longer one: "chlor" (Chlor) begins chlorthalidone."""
    path = tmp_path / "heads.tsv"
    path.write_text("Chlor\tchlorine\tbrand\t0.1\nchlorthalidone\tchlorthalidone\tgeneric"
                    "\t0.6\nchloral\tchloral hydrate\tgeneric\t0.2\n", encoding="utf-8")
    index = LexiconIndex(load_lexicons([path]))
    assert index.begins("chlor", extra=4)
    assert index.begins("chlor", extra=9)
    assert not index.begins("chlor", extra=10)
    assert not index.begins("chloral", extra=1)
    assert not index.begins("zzz", extra=1)
    assert not index.begins("chlorthalidone", extra=1)


def test_validate_helpers_first_vowel_may_be_lost(tmp_path) -> None:
    """An unstressed first vowel is what a recogniser drops: "set of minnow fin" is
    blocked with acetaminophen, and their onsets agree past the vowel (S-T, not A-S)."""
    path = tmp_path / "vowel.tsv"
    path.write_text("acetaminophen\tacetaminophen\tgeneric\t0.2\n", encoding="utf-8")
    index = LexiconIndex(load_lexicons([path]))
    assert index.near("setofminnowfin") == [0]
    features = match_features("setofminnowfin", index.items[0], "audio")
    assert features["onset"] == 0.5
    assert match_features("minnowfin", index.items[0], "audio")["onset"] == 0.0


def _index_tables(index: LexiconIndex) -> dict[str, object]:
    """Everything an index answers from, comparable with ``==``."""
    out: dict[str, object] = {}
    for name, value in vars(index).items():
        if name == "items":
            value = [(it.entry, it.compact, it.normal, it.sound, it.classes, it.phones,
                      it.everyday, it.dosed) for it in value]
        elif name == "_blocks":
            value = {key: ids.tolist() for key, ids in value.items()}
        elif isinstance(value, np.ndarray):
            value = value.tolist()
        out[name] = value
    return out


def test_validate_helpers_an_index_extending_the_shipped_one_is_the_one_built_whole(
        tmp_path) -> None:
    """A validator of the shipped lexicons beside a formulary built an index of them all:
    a service with two formularies held two 27 MB copies of the shipped ones'. Built on
    the shared index of the shipped ones, it answers as the index built whole, where the
    formulary's terms fall among theirs too (a key, a block, a term of several words, a
    name said every day) and rank before or after theirs."""
    from uncertain.validate import _shared_index

    path = tmp_path / "formulary.tsv"
    path.write_text("term\tcanonical\tkind\tprior\n"
                    "metformin\tmetformin\tgeneric\t0.99\n"
                    "metformin\tMetforma\tbrand\t0.01\n"
                    "Metforma XR 500 mg tablet\tMetforma\tbrand\t0.5\n"
                    "Zorbaxin\tzorbaxin\tgeneric\t0.9\n"
                    "sitaglyptan\tsitaglyptan\tgeneric\t0.2\n", encoding="utf-8")
    lexicons = load_lexicons(["drugs", "clinical", path])
    shared = _shared_index(("drugs", "clinical"))
    extended = LexiconIndex(lexicons, base=shared)
    assert _index_tables(extended) == _index_tables(LexiconIndex(lexicons))
    # the shipped ones' entries and untouched tables are shared, not copied
    assert all(a is b for a, b in zip(extended.items, shared.items, strict=False))
    key = skeleton("lisinopril")
    assert extended.skeletons[key] is shared.skeletons[key]
    assert extended.exact["metformin"] != shared.exact["metformin"]
    assert shared.exact["metformin"] == _shared_index(("drugs", "clinical")).exact[
        "metformin"]  # (the shared index is left as it was)
    with pytest.raises(ValueError, match="base"):
        LexiconIndex(lexicons[1:], base=shared)


def test_validate_helpers_indexing_a_users_lexicon_reports_its_progress(
        tmp_path, monkeypatch) -> None:
    """A lexicon of a million terms was indexed for over a minute with nothing shown:
    a validator tells ``progress`` of the terms of the user's lexicons indexed, every
    ``INDEX_REPORT_EVERY`` of them (the shipped ones, read back from the cache, are not
    counted), and the command line draws them as a bar on a terminal."""
    from uncertain import _index
    from uncertain._progress import indexing
    from uncertain.validate import Validator

    monkeypatch.setattr(_index, "INDEX_REPORT_EVERY", 10)
    path = tmp_path / "formulary.tsv"
    path.write_text("".join(f"Zorbaxin{n}\n" for n in range(35)), encoding="utf-8")
    told: list[tuple[float, float | None]] = []
    validator = Validator(["drugs", "clinical", path],
                          progress=lambda done, total: told.append((done, total)))
    assert told == [(10, 35), (20, 35), (30, 35)]
    assert len(validator.index) == len(validator.index.lexicons[0]) + len(
        validator.index.lexicons[1]) + 35
    with indexing(False) as progress:  # (--no-progress)
        assert progress is None
    with indexing(True) as progress:  # (not a terminal: tqdm draws nothing)
        assert progress is not None
        progress(10, 35)


def test_validate_helpers_deletion_blocks_hold_four_byte_numbers() -> None:
    """The deletion blocks held each entry's number (an entry is in about 19) in eight
    bytes: 150 bytes a term of a large lexicon. They hold four, built, read back from the
    cache or extended by a lexicon of the user's, and a search answers as before."""
    import json

    from uncertain._index import LexiconIndex
    from uncertain.lexicon import Entry, Lexicon, default_lexicons

    shipped = LexiconIndex(default_lexicons())
    read = LexiconIndex.from_state(shipped.lexicons, json.loads(json.dumps(shipped.state())))
    own = Lexicon.from_entries("formulary", [Entry("Zorbaxin", kind="generic", prior=0.9),
                                             Entry("metformin", kind="brand", prior=0.01)])
    for index in (shipped, read, LexiconIndex([*shipped.lexicons, own], base=shipped)):
        assert {ids.dtype.itemsize for ids in index._blocks.values()} == {4}
        found = [index.items[i].entry.term for i in index.near("metforman")]
        assert found[0] == "metformin", found
    extended = LexiconIndex([*shipped.lexicons, own], base=read)
    assert extended.items[extended.near("zorbaxen")[0]].entry.term == "Zorbaxin"


@pytest.mark.parametrize("names", [["clinical", "drugs"], ["clinical", "drugs", "formulary"],
                                   ["clinical"], ["drugs"], ["clinical", "drugs", "clinical"]])
def test_validate_helpers_shipped_lexicons_named_in_another_order_share_their_index(
        tmp_path, names: list[str]) -> None:
    """A set naming the shipped lexicons "clinical" then "drugs" (then a formulary) built
    a second index of them beside the shared one of "drugs" and "clinical": the order
    they are named in now makes no other index, and the validator answers as the one
    naming them in the default order."""
    from uncertain.document import Document, Segment, Source
    from uncertain.validate import Validator, _shared_index

    path = tmp_path / "formulary.tsv"
    path.write_text("Zorbaxin\tzorbaxin\tgeneric\t0.9\n", encoding="utf-8")
    sources = [path if n == "formulary" else n for n in names]
    default = [n for n in ("drugs", "clinical") if n in names]
    default_sources = [*default, *(path for n in names if n == "formulary")]
    built = _shared_index(tuple(default))  # (the shared index of them, built once)
    misses = _shared_index.cache_info().misses
    validator = Validator(sources)
    assert _shared_index.cache_info().misses == misses  # no index of them built again
    assert validator.index is built if "formulary" not in names else all(
        a is b for a, b in zip(validator.index.items, built.items, strict=False))
    assert [lx.name for lx in validator.lexicons] == list(dict.fromkeys(names))
    words = [Word(text=t, confidence=c) for t, c in [
        ("start", 0.9), ("Zorbaxn", 0.4), ("and", 0.9), ("met", 0.3), ("for", 0.4),
        ("men", 0.3), ("500", 0.9), ("mg", 0.9), ("BID", 0.9), ("qd", 0.5)]]
    doc = Document(source=Source(path="x.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    ours, theirs = validator.validate(doc), Validator(default_sources).validate(doc)
    assert ours.flags == theirs.flags


@pytest.mark.parametrize(("text", "digits"), [
    ("20", True), ("7.5", True), ("40,", True), (".5", True), ("1,000", True),
    ("forty", False), ("2nd", False), ("x10", False), ("B12", False), ("400mg", False),
    ("", False)])
def test_validate_helpers_in_digits(text: str, digits: bool) -> None:
    # the numbers the tiny.en calibration maps apart
    assert in_digits(text) is digits


def test_context_logit_a_term_that_takes_no_dose_is_scored_without_context() -> None:
    """A dose or a prescribing word says a drug was meant: for a unit, a form or a clinical
    word (``drug`` 0) the window counts as one with neither."""
    window = {"confidence": 0.3, "dose_context": 1.0, "cue_before": 1.0,
              "common_english": 0.2, "words": 2.0, "sure_extra_words": 0.0}
    bare = {**window, "dose_context": 0.0, "cue_before": 0.0}
    assert context_logit({**window, "drug": 0.0}) == pytest.approx(context_logit(bare))
    assert context_logit(window) > context_logit(bare) + 3.0
    orphan = {**bare, "orphan_dose": 1.0}
    assert context_logit({**orphan, "drug": 0.0}) == pytest.approx(context_logit(bare))


def test_validate_helpers_candidate_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """A long run of spellings never seen before (OCR debris, names) keeps at most
    ``SIMILAR_CACHE`` spellings' matches (the oldest dropped first), not all of them: at
    about 17 KB each, 60,000 unknown words held 1.1 GB before. The caches only save work:
    the flags are those of a validator whose caches hold everything."""
    import random

    from uncertain import _candidates
    from uncertain.document import Document, Segment, Source
    from uncertain.validate import Validator

    rng = random.Random(3)
    spellings = ["".join(rng.choice("abdeiklmnoprstuz") for _ in range(rng.randint(6, 12)))
                 for _ in range(300)]
    doc = Document(
        source=Source(path="debris.wav", sha256="0" * 64, modality="audio", engine="test"),
        segments=[Segment(id=k, words=[Word(text=w, confidence=0.3)
                                       for w in spellings[10 * k:10 * k + 10]])
                  for k in range(30)])
    everything = Validator().validate(doc).flags
    monkeypatch.setattr(_candidates, "SIMILAR_CACHE", 20)
    monkeypatch.setattr(_candidates, "CEILING_CACHE", 30)
    validator = Validator()
    assert validator.validate(doc).flags == everything and len(everything) > 100
    assert len(validator.search._sim_cache) == 20 and len(validator.search._ceilings) == 30


@pytest.mark.parametrize(("text", "sure", "marked"), [
    ("no more than 4 grams", [True] * 5, [False, True, True, False, False]),
    ("less than 50 ml", [True] * 4, [True, True, False, False]),
    ("four times daily", [True] * 3, [True, True, False]),
    ("3 times a day", [True] * 4, [True, True, False, False]),
    ("several times a day", [True] * 4, [True, True, False, False]),
    # a doubted word may be a syllable misheard: "more than" for morphine, in doubt
    ("more than 10 mg", [True, False, True, True], [False] * 4),
    ("at that time", [True] * 3, [False] * 3),
    ("more then", [True] * 2, [False] * 2),
])
def test_validate_helpers_phrases_of_quantity(text: str, sure: list[bool],
                                              marked: list[bool]) -> None:
    from uncertain._context import quantity_words

    assert quantity_words(text.split(), sure) == marked


@pytest.mark.parametrize(("word", "term", "derived"), [
    ("bilaterally", "bilateral", True), ("subcutaneously", "subcutaneous", True),
    ("neuropathic", "neuropathy", True), ("statins", "statin", True),
    ("bilateral", "bilateral", False),  # the term itself
    ("metformins", "met", False),  # a base of under five letters derives nothing
    ("neuropathies", "neuropathy", False),  # "ies" is no ending here (plural_zipf's)
    ("foraminal", "fiorinal", False),
])
def test_validate_helpers_words_derived_from_a_term(word: str, term: str,
                                                    derived: bool) -> None:
    from uncertain.validate import derived_from

    assert derived_from(word, term) is derived


@pytest.fixture(scope="module")
def shipped_index() -> LexiconIndex:
    from uncertain.validate import Validator

    return Validator().index


_HEARD = ["met for me", "lives in awful", "or promote", "glue a fudge", "bring a towel",
          "the weather was nice", "some a star tan", "at our master"]


@pytest.mark.parametrize("modality", ["audio", "text"])
@pytest.mark.parametrize("said", _HEARD)
def test_validate_helpers_phone_ceiling_bounds_every_match_searched_by_phones(
    shipped_index: LexiconIndex, modality: Modality, said: str
) -> None:
    """The bound on a window searched by its phones too is at least the score of every
    match :meth:`CandidateSearch.similar` finds for it, and close to the best."""
    from uncertain._candidates import CandidateSearch
    from uncertain._phones import phone_classes

    search = CandidateSearch(shipped_index)
    key = word_key(said.replace(" ", ""))
    ceiling = search._phone_ceiling(key, modality, 16, phone_classes(said))
    found = search.similar(key, modality, 16, True, said)
    assert found
    assert max(z for z, _, _ in found) <= ceiling < found[0][0] + 1.0


@pytest.mark.parametrize("said", _HEARD)
@pytest.mark.parametrize(("dose", "confidence"), [(1.0, 0.3), (1.0, 0.95), (0.0, 0.95)])
def test_validate_helpers_hopeless_by_phones_as_by_the_scored_matches(
    shipped_index: LexiconIndex, said: str, dose: float, confidence: float
) -> None:
    """A window searched by its phones is hopeless exactly when its best scored match
    could not reach the threshold in its context; one found so by the bound is not
    scored term by term (its matches are not kept)."""
    from uncertain._candidates import CandidateSearch
    from uncertain._phones import phone_classes

    key = word_key(said.replace(" ", ""))
    base = {"confidence": confidence, "dose_context": dose, "cue_before": 1.0,
            "common_english": 0.9, "words": 3.0, "sure_extra_words": 2.0}
    scored = CandidateSearch(shipped_index).similar(key, "audio", 16, True, said)
    for threshold in (0.1, 0.5, 0.9):
        expected = round(sigmoid(scored[0][0] + context_logit(base)), 4) < threshold
        search = CandidateSearch(shipped_index)
        assert search.hopeless(key, base, "audio", 16, threshold, said) is expected
        if expected and round(sigmoid(search._phone_ceiling(
                key, "audio", 16, phone_classes(said)) + context_logit(base)), 4) < threshold:
            assert not search._sim_cache


def test_validate_helpers_compact_spellings_are_kept() -> None:
    """A spelling asked again (each word's, each ranked term's) is not normalised again,
    and is the same as normalised afresh."""
    from uncertain._index import compact

    first = compact("Métformin-ER")
    hits = compact.cache_info().hits
    assert compact("Métformin-ER") == first == "metforminer"
    assert compact.cache_info().hits == hits + 1
    assert compact.__wrapped__("Métformin-ER") == first


@pytest.mark.parametrize(("term", "head", "tail", "other"), [
    ("insulin detemir", "insulin", "tamir", False),  # goes on like it by sound
    ("insulin detemir", "insulin", "glargine", True),
    ("Allegra-D", "allegra", "forallergies", True),
    ("Allegra-D", "allegro", "forallergies", False),  # (another first word)
    ("metformin", "metformin", "er", False)])  # (one word: no rest to compare)
def test_validate_helpers_a_terms_words_are_split_once(term: str, head: str, tail: str,
                                                       other: bool) -> None:
    """Whether a term of several words goes on unlike the rest of a window, with the
    term's first word and rest split once per term, not once per window ranking it."""
    from uncertain._words import _first_and_rest, other_tail

    assert other_tail(term, head, tail) is other
    hits = _first_and_rest.cache_info().hits
    assert other_tail(term, head, tail) is other
    assert _first_and_rest.cache_info().hits == hits + 1


def test_validate_helpers_index_hands_rapidfuzz_ascii_texts_as_bytes() -> None:
    """rapidfuzz reads bytes in place: a ``cdist`` of a query over the 4,252 phone keys
    of the commonly prescribed names took 245 us with them as strings and 116 us as
    bytes. The index keeps every spelling, sound-class key and phone key it compares by
    ``cdist`` as bytes when it is ASCII, as a string when not, and finds the same terms,
    with the same ratios, as the strings themselves (random queries, some not ASCII)."""
    import random

    from rapidfuzz import fuzz, process

    from uncertain.lexicon import Entry, Lexicon

    own = Lexicon.from_entries("own", [
        Entry("Ærius", kind="brand", prior=0.6), Entry("Ørbitol", kind="generic", prior=0.7),
        Entry("μ-Cillin", kind="generic", prior=0.5), Entry("Zorbaxin", kind="generic",
                                                            prior=0.9)])
    from uncertain.validate import _shared_index

    index = LexiconIndex([*load_lexicons(["drugs", "clinical"]), own],
                         base=_shared_index(("drugs", "clinical")))
    assert len(index._phone_keys) > 4000
    for texts, strings in ((index._compacts.tolist(), [it.compact for it in index.items]),
                           (index._classes.tolist(), [it.classes for it in index.items]),
                           (index._phone_texts, index._phone_keys)):
        assert len(texts) == len(strings)
        for text, string in zip(texts, strings, strict=True):
            assert text == (string.encode() if string.isascii() else string)
    assert not all(s.isascii() for s in index._compacts.tolist() if isinstance(s, str))
    assert "ærius" in index._compacts.tolist()  # (not ASCII: kept as it is)
    rng = random.Random(4)
    letters = "abcdefgiklmnoprstuvz" * 3 + "æøμé"
    for _ in range(300):
        key = "".join(rng.choice(letters) for _ in range(rng.randint(3, 14)))
        for wide in (False, True):
            ids, by_class, by_spelling = index._compare(key, wide)
            classes = [index.items[i].classes for i in ids.tolist()]
            compacts = [index.items[i].compact for i in ids.tolist()]
            if len(ids):
                assert by_class.tolist() == process.cdist(
                    [class_key(key)], classes, scorer=fuzz.ratio)[0].tolist()
                assert by_spelling.tolist() == process.cdist(
                    [key], compacts, scorer=fuzz.ratio)[0].tolist()
        phones = "".join(rng.choice("VPFTKSCNLRWJH") for _ in range(rng.randint(3, 16)))
        combined = (process.cdist([phones], index._phone_keys, scorer=fuzz.ratio)[0]
                    + 5.0 * index._phone_priors)
        top = np.argpartition(-combined, 8)[:8]
        assert index.near_phones(phones) == index._phone_ids[
            top[np.argsort(-combined[top], kind="stable")]].tolist()
