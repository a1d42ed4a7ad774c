"""Sanity of the lexicons shipped under ``lexicons/`` (drugs built from open sources,
clinical curated by hand)."""

from __future__ import annotations

import re
import statistics

import pytest

from uncertain.lexicon import (
    Lexicon,
    check_lexicon,
    default_lexicons,
    english_zipf,
    load_lexicon,
    load_lexicons,
    normalize_term,
    shipped_lexicons,
)

COMMON = [
    "metformin",
    "lisinopril",
    "atorvastatin",
    "amoxicillin",
    "ibuprofen",
    "levothyroxine",
    "amlodipine",
    "omeprazole",
]
# approved but rarely prescribed, or research substances
RARE = ["lepirudin", "nivocasan", "alfentanil", "spinosad", "zotepine"]


@pytest.fixture(scope="module")
def drugs() -> Lexicon:
    return default_lexicons()[0]


@pytest.fixture(scope="module")
def clinical() -> Lexicon:
    return default_lexicons()[1]


def test_lexicon_shipped_names_and_cache() -> None:
    assert shipped_lexicons() == ["clinical", "drugs"]
    first, second = default_lexicons(), default_lexicons()
    assert [lex.name for lex in first] == ["drugs", "clinical"]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert first is not second  # callers may change their list without touching the cache
    assert load_lexicon("drugs") is first[0]
    assert load_lexicons(["clinical"])[0] is first[1]
    renamed = load_lexicon("clinical", name="ward")
    assert renamed.name == "ward" and renamed is not first[1]
    assert {e.lexicon for e in renamed} == {"ward"}


@pytest.mark.parametrize("name", ["drugs", "clinical"])
def test_lexicon_shipped_files_check_clean(name: str) -> None:
    report = check_lexicon(name)
    assert report.ok, report.errors
    assert report.merged_duplicates == 0
    assert report.entries > 400


@pytest.mark.parametrize("name", COMMON)
def test_lexicon_shipped_common_drug_is_canonical_with_high_prior(
    drugs: Lexicon, name: str
) -> None:
    best = drugs.get(name)[0]
    assert (best.canonical, best.kind) == (name, "generic")
    assert best.prior >= 0.5
    assert dict(best.ids)["drugbank"].startswith("DB")
    assert "medlineplus" in dict(best.ids)


@pytest.mark.parametrize(
    ("term", "canonical"),
    [
        ("Glucophage", "metformin"),
        ("glucophage xr", "metformin"),
        ("Lipitor", "atorvastatin"),
        ("Zestril", "lisinopril"),
        ("Norvasc", "amlodipine"),
        ("Prilosec", "omeprazole"),
        ("Synthroid", "levothyroxine"),
        ("Advil", "ibuprofen"),
        ("metformin hydrochloride", "metformin"),
        ("amlodipine besylate", "amlodipine"),
        ("HCTZ", "hydrochlorothiazide"),
        ("APAP", "acetaminophen"),
        ("paracetamol", "acetaminophen"),
        ("aspirin", "aspirin"),
        ("lithium", "lithium carbonate"),  # said by its element's name, not its salt's
        # biologics whose DrugBank name has its source in brackets ("Factor IX Complex
        # (Human)") were dropped with their brands (Kcentra was offered Kentera)
        ("Kcentra", "factor ix complex"),
        ("prothrombin complex concentrate", "factor ix complex"),
        ("Thymoglobulin", "antithymocyte immunoglobulin"),
        ("Digifab", "digoxin immune fab"),
        # an insulin by its analogue's word alone
        ("lispro", "insulin lispro"), ("Degludec", "insulin degludec"),
    ],
)
def test_lexicon_shipped_variants_lead_to_canonical(
    drugs: Lexicon, term: str, canonical: str
) -> None:
    assert drugs.get(term)[0].canonical == canonical


def test_lexicon_shipped_brand_kind_and_ids(drugs: Lexicon) -> None:
    glucophage = drugs.get("Glucophage")[0]
    assert glucophage.kind == "brand"
    assert ("drugbank", "DB00331") in glucophage.ids
    assert ("unii", "786Z46389E") in glucophage.ids  # metformin hydrochloride
    assert drugs.get("HCTZ")[0].kind == "abbreviation"


def test_lexicon_shipped_has_no_chemistry_or_codes(drugs: Lexicon) -> None:
    code = re.compile(r"^[A-Za-z]{1,6}[- ]?\d{2,}[A-Za-z]?$")
    for entry in drugs:
        term = entry.term
        assert not (re.search(r"\d", term) and re.search(r"[()\[\]{}]", term)), term
        assert not re.search(r"[\[\]{},;]", term), term
        assert not code.match(term) or term == "CoQ10", term  # coenzyme Q10 as written
        assert len(term.split()) <= 4, term
        assert term.isascii(), term


def test_lexicon_shipped_has_no_foreign_duplicates_of_canonicals(drugs: Lexicon) -> None:
    canonicals = {normalize_term(e.canonical) for e in drugs}
    for entry in drugs:
        term = normalize_term(entry.term)
        if term in canonicals:
            continue
        for ending in ("um", "a", "o"):
            stem = term.removesuffix(ending)
            if stem != term and (stem in canonicals or stem + "e" in canonicals):
                pytest.fail(f"{entry.term!r} is a foreign spelling of {stem!r}")
    for foreign in ("Metforminum", "Metformina", "Metformine", "Cetuximabum", "Cétuximab"):
        assert foreign not in drugs


def test_lexicon_shipped_common_drugs_rank_above_rare_substances(drugs: Lexicon) -> None:
    common = [drugs.get(name)[0].prior for name in COMMON]
    rare = [drugs.get(name)[0].prior for name in RARE]
    assert min(common) > max(rare)
    with_page = [e.prior for e in drugs if e.term == e.canonical and "medlineplus" in dict(e.ids)]
    without = [e.prior for e in drugs if e.term == e.canonical and "medlineplus" not in dict(e.ids)]
    assert statistics.median(with_page) > 2 * statistics.median(without)


def test_lexicon_shipped_english_word_brands_have_low_prior(drugs: Lexicon) -> None:
    ordinary = [e for e in drugs if e.kind == "brand" and english_zipf(e.term.lower()) >= 3.5]
    assert ordinary, "the sources hold brands that are English words (Today, Prevail)"
    assert all(e.prior <= 0.01 for e in ordinary)
    assert drugs.get("today")[0].prior <= 0.01


def test_lexicon_shipped_drugs_every_entry_has_a_drugbank_id(drugs: Lexicon) -> None:
    assert all(any(k == "drugbank" for k, _ in e.ids) for e in drugs)
    assert {e.kind for e in drugs} == {"generic", "brand", "abbreviation"}


@pytest.mark.parametrize(
    ("term", "kind"),
    [
        ("mg", "unit"),
        ("mL", "unit"),
        ("mcg", "unit"),
        ("BID", "abbreviation"),
        ("b.i.d.", "abbreviation"),
        ("qHS", "abbreviation"),
        ("PRN", "abbreviation"),
        ("q8h", "abbreviation"),
        ("tablet", "form"),
        ("hypertension", "term"),
        ("dyslipidemia", "term"),
        ("statin", "class"),
        ("stool softener", "product"),
        ("insulin", "product"),
    ],
)
def test_lexicon_shipped_clinical_terms(clinical: Lexicon, term: str, kind: str) -> None:
    assert clinical.get(term)[0].kind == kind
