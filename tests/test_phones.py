"""Phones: pronunciations from the pronouncing lexicon and the letter-to-sound model, sound
classes, spoken numbers, the shipped phones of the lexicons' words, and the index's
search of common drug names by phones."""

from __future__ import annotations

import importlib.util
import random
import threading
from pathlib import Path

import pytest

from uncertain._assets import lexicon_dir
from uncertain._phones import (
    PHONES_FILE,
    _load,
    model_phones,
    phone_classes,
    phones,
    spoken_number,
    word_phones,
)
from uncertain.lexicon import load_lexicon
from uncertain.validate import Validator

ROOT = Path(__file__).resolve().parent.parent


def test_phones_of_english_words_come_from_the_pronouncing_lexicon() -> None:
    assert phones("farmer") == ("f", "ɑ", "ɹ", "m", "ɚ")
    assert phones("Met FOR me") == phones("met for me")
    # stress marks are dropped, so "metformin" said by the model compares with words
    assert not any("ˈ" in p or "ˌ" in p for p in phones("metformin lisinopril"))


def test_phones_of_unknown_words_come_from_the_model() -> None:
    said = word_phones("primerox")
    assert said[:3] == ("p", "ɹ", "aɪ")
    assert model_phones("primerox")  # not in the pronouncing lexicon, yet said


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("met for me", "NVTFVRNV"),  # an r-coloured vowel is a vowel and an r
        ("metformin", "NVTFVRNVN"),
        ("farmer to", "FVRNVRTV"),
        ("famotidine", "FVNVTVTVN"),
        ("Rip 10", "RVPTVN"),  # the digits are said: "rip ten", as "-triptan"
        ("", ""),
        ("10.5 %", "TVNFVF"),  # punctuation is not said
        ("Méttorrtin", phone_classes("mettorrtin")),  # nor accents
    ],
)
def test_phone_classes(text: str, classes: str) -> None:
    assert phone_classes(text) == classes


@pytest.mark.parametrize(
    ("digits", "words"),
    [
        ("0", "zero"), ("7", "seven"), ("10", "ten"), ("15", "fifteen"), ("20", "twenty"),
        ("25", "twenty five"), ("100", "one hundred"), ("105", "one hundred five"),
        ("250", "two hundred fifty"), ("1500", "one thousand five hundred"),
        ("007", "zero zero seven"), ("123456", "one two three four five six"),
    ],
)
def test_spoken_number(digits: str, words: str) -> None:
    assert " ".join(spoken_number(digits)) == words


def test_phones_from_threads_agree() -> None:
    words = [f"zq{chr(97 + i)}rx{chr(97 + j)}" for i in range(6) for j in range(6)]
    expected = {w: model_phones(w) for w in words}
    found: dict[str, tuple[str, ...]] = {}

    def work(part: list[str]) -> None:
        for w in part:
            found[w] = model_phones(w)

    threads = [threading.Thread(target=work, args=(words[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == expected


def _build_phones():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_phones",
                                                  ROOT / "lexicons" / "build_phones.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_phones_cover_the_shipped_lexicons_and_match_the_model() -> None:
    """lexicons/phones.txt is made by lexicons/build_phones.py: it must hold every word of
    the shipped lexicons the pronouncing lexicon lacks (else building the index runs the
    model on it, slowly), and agree with the model (else it is stale)."""
    shipped: dict[str, str] = {}
    for line in (lexicon_dir() / PHONES_FILE).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, said = line.partition("\t")
            shipped[word] = said
    missing = _build_phones().missing_words()
    assert len(missing) > 10_000
    assert sorted(shipped) == missing
    for word in random.Random(7).sample(missing, 100):
        assert shipped[word] == " ".join(model_phones(word)), word


@pytest.mark.slow
def test_build_phones_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "phones.txt"
    assert _build_phones().main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (lexicon_dir() / PHONES_FILE).read_text(
        encoding="utf-8")


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize(
    ("heard", "canonical"),
    [
        ("met for me", "metformin"),
        ("lives in awful", "lisinopril"),
        ("progress state and", "pravastatin"),
        ("blue car travel", "glipizide"),  # Glucotrol
        ("conflicts", "cephalexin"),  # Keflex
    ],
)
def test_index_finds_common_drugs_by_phones(validator: Validator, heard: str,
                                            canonical: str) -> None:
    index = validator.index
    found = [index.items[i].entry.canonical for i in index.near_phones(phone_classes(heard))]
    assert canonical in found[:8]


def test_index_phone_search_holds_only_common_drug_names(validator: Validator) -> None:
    index = validator.index
    found = index.near_phones(phone_classes("milligrams twice daily"), limit=50)
    assert found
    for i in found:
        entry = index.items[i].entry
        assert entry.prior >= 0.4 and entry.lexicon != "clinical"
    assert index.near_phones("VN") == []  # under three classes: nothing to compare


def test_index_searches_a_users_lexicon_by_phones() -> None:
    """A formulary's own brand, a word neither the pronouncing lexicon nor the shipped
    phones hold, is said by the letter-to-sound model when the index is built."""
    formulary = load_lexicon(ROOT / "tests" / "data" / "validate" / "uk_formulary.tsv",
                             name="formulary")
    validator = Validator(["drugs", formulary])
    assert "kapake" not in _load()[1]
    index = validator.index
    found = [index.items[i].entry for i in index.near_phones(phone_classes("cap a key"))]
    assert (found[0].term, found[0].lexicon) == ("Kapake", "formulary")


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words the letter-to-sound model is asked to say, in order, from here on."""
    from uncertain import _phones

    words: list[str] = []
    real = _phones.model_phones

    def counted(word: str) -> tuple[str, ...]:
        words.append(word)
        return real(word)

    monkeypatch.setattr(_phones, "model_phones", counted)
    return words


def test_index_says_a_rare_user_term_by_its_phones_only_when_asked(
        said: list[str]) -> None:
    """A user's lexicon of 50,000 names took 52 s to index: every term the pronouncing
    lexicon lacks went through the letter-to-sound model, though only the common drug
    names are searched by phones when the index is built; the others are said when a
    window is scored against them, the same phones."""
    from uncertain._index import LexiconIndex
    from uncertain.lexicon import Entry, Lexicon

    rare = [f"Zorvaxifen{c}" for c in "bcdfgh"]
    lexicon = Lexicon.from_entries("catalogue", [
        *(Entry(term, kind="brand", prior=0.1) for term in rare),
        Entry("Quelvatrinex", kind="brand", prior=0.6)])
    index = LexiconIndex([lexicon])
    assert said == ["quelvatrinex"]  # the common name, searched by its phones
    item = next(i for i in index.items if i.entry.term == rare[0])
    assert item.known_phones is None
    assert item.phones == phone_classes(rare[0]) and item.known_phones == item.phones
    assert said == ["quelvatrinex", rare[0].lower()]


def test_index_phone_search_of_a_large_lexicon_is_bounded(
        monkeypatch: pytest.MonkeyPatch, said: list[str]) -> None:
    """A lexicon of a million names of the default prior (0.5, over ``PHONE_PRIOR``) had
    each said by the letter-to-sound model as it was indexed (0.6 ms a name) and every
    query compared with all of them: at most ``PHONE_POOL`` names are searched by phones,
    those of highest prior, then those named first, and only theirs are said."""
    from uncertain import _index
    from uncertain._index import LexiconIndex
    from uncertain.lexicon import Entry, Lexicon

    monkeypatch.setattr(_index, "PHONE_POOL", 4, raising=False)
    names = [f"Zorvaxi{a}{b}" for a in "bdfgklm" for b in "aeiou"]  # 35, prior 0.5
    lexicon = Lexicon.from_entries("catalogue", [
        *(Entry(name, kind="brand") for name in names),
        Entry("Quelvatrinex", kind="brand", prior=0.9)])
    index = LexiconIndex([lexicon])
    pool = [index.items[i].entry.term for i in index._phone_ids.tolist()]
    assert pool == [*names[:3], "Quelvatrinex"]  # in the index's order
    # (a word said before, by another test, is kept said: not said again)
    assert set(said) <= {name.lower() for name in pool} and "zorvaxibo" not in said
    assert all(item.known_phones is None for item in index.items[3:35])
    heard = index.near_phones(phone_classes("Zorvaxi ba"), limit=8)
    assert index.items[heard[0]].entry.term == "Zorvaxiba"
