"""The clinical vocabulary: a hunspell medical dictionary's words taken as known."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from uncertain.document import Document, Segment, Source, Word
from uncertain.errors import LexiconError
from uncertain.text import document_from_text
from uncertain.validate import Validator, lexicon_evidence, validate
from uncertain.vocabulary import (
    ENV,
    SEARCH_PATHS,
    Vocabulary,
    clinical_vocabulary,
    read_hunspell,
)

AFF = """SET UTF-8
TRY esianrtolcdugmphbyfvkwzESIANRTOLCDUGMPHBYFVKWZ'

PFX U Y 1
PFX U   0     un         .

SFX D Y 4
SFX D   0     d          e
SFX D   y     ied        [^aeiou]y
SFX D   0     ed         [^ey]
SFX D   0     ed         [aeiou]y

SFX G Y 2
SFX G   e     ing        e
SFX G   0     ing        [^e]

SFX N Y 3
SFX N   e     ion        e
SFX N   y     ication    y
SFX N   0     en         [^ey]

SFX S Y 4
SFX S   y     ies        [^aeiou]y
SFX S   0     s          [aeiou]y
SFX S   0     es         [sxzh]
SFX S   0     s          [^sxzhy]
"""

DIC = """5
    This is the dictionary file of a medical word list (a notice, indented)
# and a comment
ambulate/NGD
foraminal
fundoscopy/S
hypokinesis
and\\/or
"""


@pytest.fixture
def dictionary(tmp_path: Path) -> Path:
    (tmp_path / "en_US.aff").write_text(AFF, encoding="utf-8")
    path = tmp_path / "en_med_test.dic"
    path.write_text(DIC, encoding="utf-8")
    return path


@pytest.fixture
def fresh() -> Iterator[None]:
    clinical_vocabulary.cache_clear()
    yield
    clinical_vocabulary.cache_clear()


def test_read_hunspell_expands_the_affix_rules_of_the_english_file_beside_it(
        dictionary: Path) -> None:
    vocabulary = read_hunspell(dictionary)
    assert vocabulary.path == str(dictionary)
    assert vocabulary.words == {
        "ambulate", "ambulation", "ambulating", "ambulated",  # N, G, D
        "foraminal", "fundoscopy", "fundoscopies", "hypokinesis", "and/or"}
    assert "Ambulated" in vocabulary and "FORAMINAL" in vocabulary
    assert "ambulateed" not in vocabulary and 3 not in vocabulary


def test_read_hunspell_prefers_the_affix_file_of_its_own_name(dictionary: Path) -> None:
    dictionary.with_suffix(".aff").write_text("PFX N Y 1\nPFX N   0     non     .\n",
                                              encoding="utf-8")
    assert read_hunspell(dictionary).words >= {"ambulate", "nonambulate"}
    assert "ambulated" not in read_hunspell(dictionary)
    assert "ambulated" in read_hunspell(dictionary, dictionary.with_name("en_US.aff"))


def test_read_hunspell_without_affix_file_reads_the_words(tmp_path: Path) -> None:
    path = tmp_path / "words.dic"
    path.write_text("2\nambulate/NGD\npericolic\n", encoding="utf-8")
    assert read_hunspell(path).words == {"ambulate", "pericolic"}


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the clinical dictionary"),
    ("12\n    a notice only\n", "holds no words"),
])
def test_read_hunspell_refuses_what_is_no_dictionary(tmp_path: Path, content: str | None,
                                                      message: str) -> None:
    path = tmp_path / "med.dic"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"med\.dic: {message}"):
        read_hunspell(path)


def test_clinical_vocabulary_is_the_named_file_or_none(
        dictionary: Path, monkeypatch: pytest.MonkeyPatch, fresh: None) -> None:
    monkeypatch.setenv(ENV, str(dictionary))
    assert clinical_vocabulary().path == str(dictionary)
    clinical_vocabulary.cache_clear()
    for off in ("none", "", "OFF"):
        monkeypatch.setenv(ENV, off)
        assert clinical_vocabulary() == Vocabulary()
        clinical_vocabulary.cache_clear()
    monkeypatch.setenv(ENV, str(dictionary.with_name("missing.dic")))
    with pytest.raises(LexiconError, match=r"missing\.dic: cannot read"):
        clinical_vocabulary()


def test_clinical_vocabulary_is_installed_by_the_set_up(monkeypatch: pytest.MonkeyPatch,
                                                         fresh: None) -> None:
    """``make`` installs Debian's hunspell-en-med: the default vocabulary is its 90,000
    terms and their forms (a test that it is read, not only that it could be)."""
    monkeypatch.delenv(ENV, raising=False)
    vocabulary = clinical_vocabulary()
    assert vocabulary.path == SEARCH_PATHS[0]
    assert len(vocabulary) > 90_000
    for word in ("foraminal", "hypokinesis", "ambulated", "nonproliferative", "pericolic",
                 "fundoscopy", "telemetry"):
        assert word in vocabulary


NOTE = ("MRI shows foraminal narrowing at L4-5. Echo: apical hypokinesis. "
        "Ambulated in the hallway. Fundoscopy shows nonproliferative retinopathy.")


def _flagged(doc: Document) -> list[str]:
    return [f.text.rstrip(".,") for f in doc.flags if f.reason != "verified"]


def test_validator_reads_clinical_words_as_known_not_out_of_vocabulary() -> None:
    doc = document_from_text(NOTE, path="note.txt")
    without = Validator(vocabulary=Vocabulary()).validate(doc)
    # ("hypokinesis", "nonproliferative": a prefix and an English word, known without it)
    assert _flagged(without) == ["foraminal", "Ambulated", "Fundoscopy"]
    assert without.validation is not None and without.validation.vocabulary is None
    known = Vocabulary("med.dic", frozenset({"foraminal", "hypokinesis", "ambulated",
                                             "fundoscopy", "nonproliferative"}))
    with_ = Validator(vocabulary=known).validate(doc)
    assert _flagged(with_) == []
    assert with_.validation is not None and with_.validation.vocabulary == "med.dic"
    assert Document.from_json(with_.to_json()).validation == with_.validation


def test_validator_reads_a_british_spelling_by_the_american_word() -> None:
    doc = document_from_text("Several benign naevi on the back.", path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == ["naevi"]
    known = Vocabulary("med.dic", frozenset({"nevi"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []


def test_validator_still_doubts_a_clinical_word_heard_in_doubt() -> None:
    """The vocabulary says a word exists, not that it was said: heard at p 0.1, a clinical
    word is flagged as any doubtful word is; heard surely, it is left alone."""
    def heard(p: float) -> Document:
        texts = ["Start", "foraminal", "tomorrow."]
        words = [Word(text=t, confidence=0.95 if t != "foraminal" else p,
                      start=k * 0.5, end=k * 0.5 + 0.4) for k, t in enumerate(texts)]
        source = Source(path="a.wav", sha256="0" * 64, modality="audio", engine="test")
        return Document(source=source, segments=[Segment(
            id=0, text=" ".join(texts), words=words, start=0.0, end=1.5)])

    known = Validator(vocabulary=Vocabulary("med.dic", frozenset({"foraminal"})))
    assert _flagged(known.validate(heard(0.1))) == ["foraminal"]
    assert _flagged(known.validate(heard(0.95))) == []
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(heard(0.95))) == [
        "foraminal"]


def test_calibration_features_do_not_depend_on_the_installed_dictionary() -> None:
    doc = document_from_text(NOTE, path="note.txt")
    assert validate(doc).validation.vocabulary == SEARCH_PATHS[0]  # type: ignore[union-attr]
    near = [n for n, _ in lexicon_evidence(doc)]
    assert near[doc.text.split().index("foraminal")] > 0.5  # as without a vocabulary


def test_lexicon_lookup_says_a_word_is_of_the_clinical_vocabulary(
        dictionary: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fresh: None) -> None:
    from uncertain.cli import main

    monkeypatch.setenv(ENV, str(dictionary))
    assert main(["lexicon", "--lookup", "hypokinesis", "--lookup", "hypokynesis"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"hypokinesis: not in clinical, drugs; a word of the clinical "
                               f"vocabulary ({dictionary}), read as known")
    assert lines[1].startswith("hypokynesis: not in clinical, drugs; nearest")


def test_clinical_vocabulary_is_kept_read_for_the_next_process(
        dictionary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None) -> None:
    """The dictionary's words with their affixes' forms (0.1 s of CPU for the medical
    one) are kept in the cache: the next process reads them back, not the dictionary;
    another affix file, or other words, are read again."""
    from uncertain import vocabulary as module

    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(ENV, str(dictionary))
    read = read_hunspell(dictionary)
    first = clinical_vocabulary()
    assert first == read
    assert len(list((tmp_path / "cache" / "vocabulary").glob("*.json"))) == 1
    clinical_vocabulary.cache_clear()
    calls: list[str] = []

    def counted(dic: str, aff: str | None = None) -> Vocabulary:
        calls.append(dic)
        return read_hunspell(dic, aff)

    monkeypatch.setattr(module, "read_hunspell", counted)
    assert clinical_vocabulary() == read and calls == []
    clinical_vocabulary.cache_clear()
    dictionary.with_suffix(".aff").write_text("PFX N Y 1\nPFX N   0     non     .\n",
                                              encoding="utf-8")
    assert "nonambulate" in clinical_vocabulary() and calls == [str(dictionary)]


def test_validator_reads_a_clipped_clinical_word_as_known() -> None:
    """"serosang" (serosanguineous), a chart's clipping, was out of vocabulary."""
    doc = document_from_text("Drain output serosang, periorb swelling.", path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == ["serosang",
                                                                          "periorb"]
    known = Vocabulary("med.dic", frozenset({"serosanguineous", "periorbital"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []
    assert known.begins("Serosang", extra=2) and not known.begins("serosanguineous", extra=1)
    # ... a clipping a drug's name begins is the drug's (the dictionary holds drug names)
    drug = document_from_text("Pt took metfor today.", path="note.txt")
    with_drug = Vocabulary("med.dic", frozenset({"metformin"}))
    assert _flagged(Validator(vocabulary=with_drug).validate(drug)) == ["metfor"]
    # ... and a recogniser writes no clipped word
    heard = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                   engine="test"),
                     segments=[Segment(id=0, words=[Word(text=t, confidence=0.95) for t in
                                                    "drain output serosang".split()])])
    assert _flagged(Validator(vocabulary=known).validate(heard)) == ["serosang"]


def test_validator_reads_a_prefixed_clinical_word_as_known() -> None:
    """"nonperforated", "periappendiceal", "reintubated": a prefix and a word English or
    the clinical dictionary knows, were out of vocabulary ("periappendiceal" near
    preprandial)."""
    doc = document_from_text("Nonperforated appendix, periappendiceal fat. Pt reintubated.",
                             path="note.txt")
    # ("perforated", "intubated" are English; "appendiceal" the clinical dictionary's)
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == ["periappendiceal"]
    known = Vocabulary("med.dic", frozenset({"appendiceal"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []
    # ... a misspelled name is still the name's
    drug = document_from_text("Started paraxetine 20 mg daily.", path="note.txt")
    assert _flagged(Validator(vocabulary=known).validate(drug)) == ["paraxetine"]


def test_validator_reads_an_adverb_of_a_known_word_as_known() -> None:
    """"emergently", "electively": an adverb in "-ly" of a word English or the clinical
    dictionary knows, which English's lists rank lower than the word, was doubted in a
    drug's slot ("Pt taken emergently": Merbentyl, Mirena)."""
    doc = document_from_text("Pt taken emergently to the cath lab, then taken electively "
                             "for repair; pain improved atraumatically.", path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == ["atraumatically"]
    known = Vocabulary("med.dic", frozenset({"atraumatic"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []
    # ... a misspelled name is still the name's
    drug = document_from_text("Started lisinoprilly 20 mg daily.", path="note.txt")
    assert _flagged(Validator(vocabulary=known).validate(drug)) == ["lisinoprilly"]


@pytest.mark.parametrize(("confidence", "flagged"), [(0.95, []), (0.44, ["a'blué"])])
def test_validator_reads_a_clipped_word_read_in_doubt_as_doubtful(
        confidence: float, flagged: list[str]) -> None:
    """A scan's word read sure that begins a clinical word is a chart's clipping; read
    in doubt it is OCR's garble ("a'blué" of "a blue" begins "abluent") and stays out of
    vocabulary."""
    known = Vocabulary("med.dic", frozenset({"abluent"}))
    scan = Document(source=Source(path="page.png", sha256="0" * 64, modality="image",
                                  engine="test"),
                    segments=[Segment(id=0, words=[
                        Word(text=t, confidence=confidence if t == "a'blué" else 0.95)
                        for t in "My sister bought a'blué bicycle".split()])])
    assert _flagged(Validator(vocabulary=known).validate(scan)) == flagged


def test_validator_reads_shorthand_made_a_verb_as_known() -> None:
    """"d/c'd" (discontinued), "f/u'd", "tx'd": a chart's shorthand made a verb with an
    apostrophe was out of vocabulary."""
    doc = document_from_text("Lasix d/c'd, f/u'd in clinic, tx'd with abx; d/c'ing the "
                             "foley, cath'd yesterday.", path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == []
    # ... a misspelled name so made is doubted as before
    drug = document_from_text("Pt metfor'd today.", path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(drug)) == ["metfor'd"]


def test_validator_reads_the_plural_of_a_bare_clinical_word_as_known() -> None:
    """The medical dictionary lists most of its nouns bare, with no affix to make a plural
    of: "carpules" (dental cartridges, "Carpule" in it) was flagged near capsules."""
    doc = document_from_text("Articaine 4% with epinephrine, 2 carpules given.",
                             path="note.txt")
    assert _flagged(Validator(vocabulary=Vocabulary()).validate(doc)) == ["carpules"]
    known = Vocabulary("med.dic", frozenset({"carpule"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []
    # ... and of one in "y" ("hernioplasties")
    doc = document_from_text("Two ostomy bags, three hernioplasties done.", path="note.txt")
    assert "hernioplasties" in _flagged(Validator(vocabulary=Vocabulary()).validate(doc))
    known = Vocabulary("med.dic", frozenset({"hernioplasty"}))
    assert _flagged(Validator(vocabulary=known).validate(doc)) == []
