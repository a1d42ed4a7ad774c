"""What the validator reads off a document's words, and which proposals become flags.

This module owns the word-level facts the window search (:mod:`uncertain.validate`)
builds on: each word's class, compact key, English frequency and exact lexicon matches
(:class:`WordInfo`, :func:`word_infos`), where a sentence holds a dose that names no drug
(:func:`orphan_sentences`), and the choice of the best non-overlapping set among the
proposed flags (:class:`Proposal`, :func:`resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from uncertain._context import (
    classify,
    heard_units,
    is_amount_at,
    is_misread_strength,
    is_number_word,
    is_strength,
    is_strength_unit,
    number_for_homophone,
    split_unit,
    strip_punct,
)
from uncertain._cues import is_cue_word
from uncertain._glyphs import glyph_variants
from uncertain._index import compact
from uncertain._phonetic import sound_key
from uncertain.document import Candidate, Document, Evidence, FlagReason, Word
from uncertain.lexicon import english_zipf, names_drug, normalize_term, visible

if TYPE_CHECKING:
    from uncertain._candidates import Ranked

__all__ = ["CLAUSE_END", "Proposal", "WordInfo", "analyse", "combination_parts",
           "everyday_plural", "glued_dose",
           "key_of",
           "names_drug", "orphan_sentences", "other_tail", "plural_zipf", "resolve",
           "salt_written", "word_infos", "word_key"]


@dataclass(slots=True)
class WordInfo:
    """What the validator knows about one word before looking at windows."""

    text: str
    key: str
    kind: str
    confidence: float | None
    zipf: float
    segment: int
    exact: Sequence[int]
    oov: bool
    #: the word ends its line with a hyphen and the next line's first word ends it
    #: ("com-" / "munications"); their lines are one run of words (``segment``)
    hyphen_next: bool = False


@dataclass(slots=True)
class Proposal:
    """A flag the validator may raise over the words ``start:end``; :func:`resolve` keeps
    the best set of non-overlapping ones."""

    start: int
    end: int
    reason: FlagReason
    reasons: list[FlagReason]
    confidence: float
    #: ranked candidates stay :class:`Ranked` until the proposal is kept: most are not,
    #: and building a :class:`Candidate` costs more than finding it
    candidates: Sequence[Candidate | Ranked]
    evidence: list[Evidence]
    #: -1 a term of several words written whole (see Validator._written), 0 verified or
    #: spelled by its words, 1 other near_lexicon, 2 others
    rank: int
    #: under the flag threshold: a hunch for the acoustic second pass, not a flag
    hunch: bool = False


def word_infos(doc: Document, lookup: Callable[[str], Sequence[int]],
               oov_max_zipf: float, doubt: float | None = None,
               known: Container[str] = (),
               drug: Callable[[int], bool] | None = None,
               begins: Callable[[str], bool] | None = None,
               read_doubt: float | None = None,
               brand: Callable[[int], bool] | None = None) -> list[WordInfo]:
    """What each word of ``doc`` says before any window is looked at; ``lookup`` gives the
    lexicon entries a compact key spells exactly, ``oov_max_zipf`` is the English
    frequency below which a word no lexicon holds is out of vocabulary, ``doubt`` the
    confidence below which a heard word is doubtful (None: no word is); a word ``known``
    holds (the clinical vocabulary) that wordfreq ranks lower counts as
    :data:`KNOWN_ZIPF`; with ``drug`` (whether an entry names a drug), a combination
    written as one word is its components' terms (:func:`combination`); ``begins``
    (whether a term begins with a compact key), in writing: a word clipped from one the
    clinical vocabulary knows that begins no term is known (:func:`_clipped_known`), unless
    it was read below ``read_doubt`` (print: "a'blué", OCR's garble of "a blue", begins
    "abluent"). In typed text, a writer's acronym is known (:func:`_typed_acronym`). With
    ``brand`` (whether an entry is a drug's brand), a brand's plural in "s" that is no
    English word is that brand (:func:`_brand_plural`: "Duonebs"), and so is one English
    knows a little, capitalised, after a count ("two Percocets", "2 Tylenols")."""
    out: list[WordInfo] = []
    written = doc.source.modality != "audio"
    typed = doc.source.modality == "text"
    surfaces: list[str] = []
    glued: list[bool] = []  # written onto the next word ("7" of "7" ".5")
    for s, segment in enumerate(doc.segments):
        cased = typed and any(c.islower() for w in segment.words for c in w.text)
        for w, word in enumerate(segment.words):
            text, kind, key, zipf = analyse(word.text)
            if kind == "word" and is_misread_strength(text):
                kind, key, zipf = "number", "", 0.0  # "S500mg": a strength, not the unit mg
            if any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
                whole = compact(text)
                if kind == "word" and key != whole and lookup(whole):
                    key = whole  # "CoQ10", "omega-3": a term with digits, not one glued to a dose
                elif (kind == "number" and out and out[-1].kind == "word"
                      and out[-1].segment == s and lookup(out[-1].key + whole)):
                    kind, key = "word", whole  # "vitamin B12": a code that ends a term
            exact = lookup(key) if key else []
            if (kind == "word" and _FIELD_CODE.fullmatch(text) is not None
                    and (key != compact(text) or not exact) and is_field_code(text, lookup)):
                # "G2P1", "pT3N1M0": a code of fields, not its letters' term ("PT")
                exact, zipf = [], KNOWN_ZIPF
            if (kind == "word" and not exact and len(key) >= _BRITISH_MIN
                    and ("ae" in key or "oe" in key or "sulph" in key)):
                # a British spelling ("oesophagitis", "haemodynamically", "oestradiol",
                # "ferrous sulphate") is the word or term spelled the American way
                american = key.replace("ae", "e").replace("oe", "e").replace("sulph", "sulf")
                found = lookup(american)
                if found:
                    key, exact = american, found
                zipf = max(zipf, plural_zipf(american))
            if (kind == "word" and not exact and brand is not None and (
                    zipf < oov_max_zipf or (zipf < _EVERYDAY_ZIPF and _counted(out, s) and (
                        text[:1].isupper() or _named_plural(key, known))))
                    and (units := _brand_plural(key, lookup, brand))):
                # "Duonebs": DuoNeb, counted; "two Percocets", a plural English knows
                # a little (from the brand), capitalised as the brand after a count, or
                # in lower case where the clinical dictionary knows the singular but no
                # plural of it, as it lists a name: "two tylenols" ("two dilators" is
                # English: the dictionary makes "dilator" plural)
                key, exact = key[:-1], units
            if kind == "word" and not exact and zipf < KNOWN_ZIPF and (
                    _known(text, known) or _known_plural(key, known, lookup)
                    or _known_inflection(key, known, lookup, drug)):
                zipf = KNOWN_ZIPF  # "foraminal", "hypokinesis": clinical, not misheard
            if (kind == "word" and not exact and zipf < oov_max_zipf
                    and is_score_code(text, lookup, drug)):
                zipf = KNOWN_ZIPF  # "GCS15", "PHQ9", "CHA2DS2-VASc", "A/Ox3": a scale's code
            if (kind == "word" and not exact and zipf < oov_max_zipf and written
                    and (read_doubt is None or word.confidence is None
                         or word.confidence >= read_doubt)
                    and begins is not None and (_clipped_known(key, known, begins)
                                                or _prefixed_known(key, known, begins)
                                                or _clipped_inflection(key, known, begins))):
                zipf = KNOWN_ZIPF  # "serosang": a clinical word clipped; "nonperforated"
            if (kind == "word" and not exact and zipf < KNOWN_ZIPF and written
                    and (read_doubt is None or word.confidence is None
                         or word.confidence >= read_doubt)
                    and begins is not None and _adverb_of_known(
                        key, known, begins, lambda stem: drug is not None and any(
                            drug(idx) for idx in lookup(stem)))):
                zipf = KNOWN_ZIPF  # "emergently", "electively": an adverb of a known word
            if (kind == "word" and not exact and zipf < oov_max_zipf and written
                    and _tense_of_known(text, lookup, known)):
                zipf = KNOWN_ZIPF  # "d/c'd", "f/u'd", "tx'd": shorthand made a verb
            # "NGTD", "CTPA" typed in a line of lower case: a writer's acronym, in no word
            # list, yet no misspelling (its rarity stays: "Start HCTX 25 mg" is still near
            # HCTZ); before a number, in a dose's slot, it is doubted as before
            acronym = (kind == "word" and not exact and cased and _typed_acronym(text)
                       and not (w + 1 < len(segment.words) and classify(
                           strip_punct(segment.words[w + 1].text)) == "number"))
            if (kind == "word" and not exact and drug is not None
                    and _COMBINED.search(text) is not None):  # (no mark: one component)
                exact = combination(text, lookup, drug) or salt_written(
                    [compact(part) for part in _COMBINED.split(text) if part], lookup, drug,
                    bare=True)
            conf = word.confidence
            if conf is not None and word.tokens:
                low = min(t.probability for t in word.tokens)
                conf = min(conf, (conf + low) / 2)
            oov = kind == "word" and not exact and zipf < oov_max_zipf and not acronym and any(
                c.isalpha() for c in text)
            out.append(WordInfo(text, key, kind, conf, zipf, s, exact, oov))
            surfaces.append(word.text)
            glued.append(word.space_after is False)
    if doc.source.modality != "audio":  # a recogniser's segments are no printed lines
        _join_hyphenated(out, surfaces, lookup, oov_max_zipf)
    else:
        _join_unfinished(out, surfaces, [w for seg in doc.segments for w in seg.words])
    # a unit a recogniser wrote in two words ("20 milli equivalents": mEq) is that unit,
    # no syllables of a name
    for k in range(len(out) - 1):
        if out[k].kind == "word" and out[k].segment == out[k + 1].segment and split_unit(
                out[k].text.casefold(), out[k + 1].text.casefold()) is not None:
            for part in out[k:k + 2]:
                part.kind, part.key, part.zipf, part.exact, part.oov = "unit", "", 0.0, [], False
    # spelled numbers that open a dose ("ten milligrams", "two point five mg") are
    # numbers, not syllables
    for k in range(len(out) - 2, -1, -1):
        text = out[k].text.casefold()
        decimal = (text == "point" and k > 0 and out[k + 1].kind == "number"
                   and is_number_word(out[k - 1].text.casefold()))
        if (is_number_word(text) and out[k + 1].kind in ("unit", "number")) or decimal:
            out[k].kind = "number"
            out[k].oov = False
        elif (doc.source.modality != "image" and out[k].segment == out[k + 1].segment
              and number_for_homophone(text, out[k + 1].text.casefold(),
                                       out[k - 1].text.casefold() if k else "") is not None):
            # ... and so is a word heard for a small number before a unit or a count with
            # no number ("for milligrams": four), never a syllable of the name before it
            out[k].kind = "number"
            out[k].oov = False
    # a small number written as digits right before the dose's own number is a
    # syllable heard as a number: "or master 10 forty milligrams" (atorvastatin); so is
    # one heard in doubt between a doubtful word and a word, where no dose is ("soon-match
    # Rip 10 and": sumatriptan); printed digits are digits, and so is the whole of a
    # number written in pieces ("7" ".5 milligrams": Whisper's 7.5), unless the piece is
    # a thousands group after a 4 and a word heard in doubt that is no name of its own
    # ("Heparin 4,000 units"): Whisper writes "metformin 500" as "Met 4" ",500"
    heard = doc.source.modality != "image"
    for k in range(1, len(out) - 1 if heard else 0):
        spoken = _SPOKEN_DIGITS.get(out[k].text)
        if not spoken or (glued[k] and not (
                out[k].text in _SYLLABLE_DIGITS and _THOUSANDS.fullmatch(surfaces[k + 1])
                and not (out[k - 1].exact and len(out[k - 1].key) >= 4)
                and doubt is not None and (before := out[k - 1].confidence) is not None
                and before < doubt)):
            continue
        inside = (doubt is not None and out[k + 1].kind == "word"
                  and all(c is not None and c < doubt
                          for c in (out[k - 1].confidence, out[k].confidence)))
        if (out[k - 1].kind == "word" and (out[k + 1].kind == "number" or inside)
                and out[k - 1].segment == out[k].segment == out[k + 1].segment
                and not CLAUSE_END.search(surfaces[k])):
            out[k].kind = "word"
            out[k].key = spoken
            out[k].zipf = english_zipf(spoken)
    return out


#: the longest pause (seconds) between two segments of speech that one sentence runs over
SENTENCE_PAUSE = 1.0


def _join_unfinished(out: list[WordInfo], surfaces: list[str], words: Sequence[Word]) -> None:
    """A recogniser's segment that stops mid-sentence (no full stop, question or
    exclamation mark on its last word) and is followed within ``SENTENCE_PAUSE`` seconds
    goes on in the next one: Whisper cuts its segments by time, not by sense, and may cut
    a misheard name in two ("Increase lower" / "tending to 10 milligrams": loratadine).
    The two segments become one run of words (``segment``), so that windows reach across
    the cut; a sentence's end or a pause still ends a run."""
    run = 0
    previous = out[0].segment if out else 0
    for k, info in enumerate(out):
        if info.segment != previous:
            end, start = words[k - 1].end, words[k].start
            paused = end is None or start is None or start - end > SENTENCE_PAUSE
            if paused or _SENTENCE_END.search(surfaces[k - 1].rstrip()):
                run += 1
            previous = info.segment
        info.segment = run


#: marks that hyphenate a word at the end of a printed line (soft hyphen included)
_LINE_HYPHENS = ("-", "\u00ad", "\u2010", "\u00ac")


def _join_hyphenated(out: list[WordInfo], surfaces: list[str],
                     lookup: Callable[[str], Sequence[int]], oov_max_zipf: float) -> None:
    """Words a printed line break hyphenated ("com-" / "munications", "metfor-" / "min")
    are read as the word they make: the two lines become one run (``segment``) so that
    windows reach across the break, and when the whole is English or a lexicon term,
    neither half is out of vocabulary and both take the whole's English frequency."""
    segments = [info.segment for info in out]
    run = 0
    for k, info in enumerate(out):
        if k and segments[k] != segments[k - 1] and not out[k - 1].hyphen_next:
            run += 1
        info.segment = run
        if (k + 1 < len(out) and segments[k + 1] != segments[k]
                and info.kind == "word" and surfaces[k].rstrip().endswith(_LINE_HYPHENS)
                and out[k + 1].kind == "word" and out[k + 1].text[:1].islower()):
            info.hyphen_next = True
            _, _, key, zipf = analyse(info.text + out[k + 1].text)
            if key and (lookup(key) or zipf >= oov_max_zipf):
                for part in (info, out[k + 1]):
                    part.oov = False
                    part.zipf = max(part.zipf, zipf)


#: what joins a combination's components in one word: "amoxicillin-clavulanate",
#: "Losartan/HCTZ", "carbidopa–levodopa"
_COMBINED = re.compile(r"[-/\u2010-\u2015\u2212]+")


def combination(text: str, lookup: Callable[[str], Sequence[int]],
                drug: Callable[[int], bool]) -> list[int]:
    """The lexicon entries of a combination written as one word, when every component is
    a term ("Amoxicillin-clavulanate", "Losartan/HCTZ", "Ipratropium-albuterol") and one
    names a drug: the components, each by its own entries (none otherwise). Such a word
    is what its writer meant, not one longer name misspelled (its letters run together
    are near "amoxicillin"), and a combination the lexicon lists under another name
    ("amoxicillin / clavulanic acid") is still written so. Words that happen to be terms
    and are everyday English all ("salt-water") make no combination."""
    parts = [part for part in combination_parts(text)[0] if part]
    if len(parts) < 2:
        return []
    out: list[int] = []
    everyday = True
    for part in parts:
        key = compact(part)
        found = lookup(key) if len(key) >= 2 else ()
        if not found:
            return []
        everyday = everyday and plural_zipf(part.casefold()) >= _EVERYDAY_ZIPF
        out += [idx for idx in found if idx not in out]
    return out if not everyday and any(drug(idx) for idx in out) else []


#: the chemical symbols a salt is written with after its drug's name: potassium and
#: sodium ("Penicillin VK" is penicillin V potassium, "Diclofenac-K", "Naproxen-Na")
_SALT_SYMBOLS = ("k", "na")
#: the most letters of the name's last word a symbol is written onto (the "V" of "VK")
_SALT_LEAD_MAX = 2


def combination_parts(text: str) -> tuple[list[str], list[str]]:
    """The components of a word a combination may be written as (:func:`combination`) and
    the marks between them: ``(["Amoxicilin", "clavulanate"], ["-"])``; one component
    when nothing joins several."""
    pieces = re.split(f"({_COMBINED.pattern})", text)
    parts, marks = pieces[0::2], pieces[1::2]
    if parts and not parts[0]:  # a mark before the first component is the word's
        parts, marks = parts[1:], marks[1:]
    if parts and not parts[-1]:
        parts, marks = parts[:-1], marks[:-1]
    if len(parts) > 1 and parts[0].casefold() == "co" and marks[0] == "-":
        # "Co-amoxiclav", "Co-tenidone": a British combination's one name, whose "Co" is
        # no component (carbon monoxide's symbol CO)
        parts, marks = parts[1:], marks[1:]
    return parts, marks


def salt_written(keys: Sequence[str], lookup: Callable[[str], Sequence[int]],
                 drug: Callable[[int], bool], *, bare: bool = False,
                 fits: Callable[[Sequence[str], int], bool] | None = None) -> list[int]:
    """The drug entries that words of compact ``keys`` spell with the symbol of a salt
    written onto the last of them: "Penicillin VK" is penicillin V (potassium), its name's
    V and the K of its salt run together; with ``bare``, the symbol may be a word of its
    own (``keys`` are the parts of one word a hyphen joins: "Diclofenac-K", "Naproxen-Na").
    Such words are the salt form as it is usually written, not a longer name misspelled
    (penicillin V and a letter too many). ``fits`` (the keys without the symbol, an entry)
    says whether the words break where the entry's do; none when they spell no drug."""
    if len(keys) < 2:
        return []
    last = keys[-1]
    for symbol in _SALT_SYMBOLS:
        lead = last[:-len(symbol)]
        if (not last.endswith(symbol) or len(lead) > _SALT_LEAD_MAX
                or not (lead or bare) or (lead and not lead.isalpha())):
            continue
        named = [*keys[:-1], lead] if lead else list(keys[:-1])
        found = [idx for idx in lookup("".join(named))
                 if drug(idx) and (fits is None or fits(named, idx))]
        if found:
            return found
    return []


@lru_cache(maxsize=1 << 16)
def analyse(surface: str) -> tuple[str, str, str, float]:
    """What a word's text alone says: stripped text, class, compact key, English zipf
    (of the characters that show: a soft hyphen inside a word is no letter of it)."""
    text = strip_punct(visible(surface))
    kind = classify(text)
    if kind != "word":
        return text, kind, "", 0.0
    if _GLUED.search(text) and not any(c.isdigit() for c in text):
        # words OCR glued with a stray mark ("twice:a", "up:some"), or an identifier's
        # words an underscore joins ("max_connections", "node_modules"), are English when
        # each of them is; a token with digits is no such pair ("mg:B10" is "mg BID"),
        # nor are letters no longer than two between marks abbreviations do not use
        # (debris such as "i'O"Mg"; "a.m.", "b.i.d.", "n/a", "w/o", "h&p" are shorthand)
        parts = _LETTERS.findall(text)
        debris = max(map(len, parts)) <= 2 and any(
            not c.isalpha() and c not in "./&" for c in text)
        zipf = 0.0 if debris else min(plural_zipf(part.casefold()) for part in parts)
    else:
        zipf = plural_zipf(text.casefold())
    return text, kind, word_key(text), zipf


def is_score_code(text: str, lookup: Callable[[str], Sequence[int]],
                  drug: Callable[[int], bool] | None = None) -> bool:
    """Whether a word is a clinical score's or scale's code with its digits written on:
    "GCS15", "PHQ9", "GAD7", "CHA2DS2-VASc", "A/Ox3" (alert and oriented times three).
    Such a code is letters in capitals, mostly, whose runs English or the lexicons know
    (each of two letters or more, a zipf of at least :data:`_CODE_MIN_ZIPF`: "gcs",
    "phq", "vasc"; letters one by one only where the code without its marks is a term,
    "A/Ox3" the clinical AOx3, not OCR's debris "B4S"), and runs of one or two digits,
    marks between them or not, an "x" of times before a count. It is no code where its
    letters are a drug's name or a unit before a dose ("ASA81", "HCTZ25", "MG5") or where
    the word reads as a term or an everyday word with a digit taken for the letter it
    resembles ("QH5": qHS, "LAS1X": Lasix; a misreading is doubted as before)."""
    if not _CODE_SHAPE.fullmatch(text) or not any(c.isdigit() for c in text):
        return False
    runs = [_TIMES.sub("", run) for run in _CODE_RUNS.findall(text)]
    runs = [run for run in runs if run]
    letters = "".join(runs)
    capitals = sum(c.isupper() for c in letters)
    if len(letters) < 2 or capitals < 2 or 2 * capitals < len(letters):
        return False
    if max(map(len, runs)) < 2:  # (letters one by one: a term so written, "A/Ox3", or debris)
        return bool(lookup(compact(_CODE_MARKS.sub("", text))))
    for run in runs:
        if len(run) < 2:
            continue
        found = lookup(compact(run))
        if classify(run.casefold()) != "word" or (drug is not None and any(map(drug, found))):
            return False
        if not found and english_zipf(run.casefold()) < _CODE_MIN_ZIPF:
            return False
    return not _misread_word(text, lookup)


def _misread_word(text: str, lookup: Callable[[str], Sequence[int]]) -> bool:
    """Whether a code with digits reads as a term or an everyday word with each digit
    taken for the letter it resembles ("QH5": qHS, "LAS1X": Lasix). (A variant with a
    mark for a digit, "pod|" of "POD1", is no word misread.)"""
    return any(lookup(compact(v)) or plural_zipf(v) >= _CODE_MAX_MISREAD_ZIPF
               for v in glyph_variants(text) if not any(
                   c.isdigit() or (not c.isalpha() and c not in text) for c in v))


def is_field_code(text: str, lookup: Callable[[str], Sequence[int]]) -> bool:
    """Whether a word is a code of fields of one capital letter each with its count, two
    fields or more: gravida and para ("G2P1", "G3P2012"), a tumour's stage ("T2N0M0",
    "pT3N1M0", its letter of how it was staged before it), spinal levels ("L4L5"). No
    English word or term is spelled so; one that reads as a term or a word with its
    digits taken for letters is a misreading (see :func:`is_score_code`)."""
    return _FIELD_CODE.fullmatch(text) is not None and not _misread_word(text, lookup)


#: a code of one-letter fields with their counts ("G2P1", "T2N0M0", "pT3N1M0"; a field's
#: subdivision may follow its count, "T1bN0")
_FIELD_CODE = re.compile(r"[a-z]?(?:[A-Z]\d{1,4}[a-c]?){2,}")
#: a score's code: letters, runs of one or two digits, and marks between ("CHA2DS2-VASc")
_CODE_SHAPE = re.compile(r"[^\W\d_]+(?:[/&+\-]?(?:[^\W\d_]+|(?<!\d)\d{1,2}(?!\d)))+")
_CODE_MARKS = re.compile(r"[/&+\-]")
#: ... its runs of letters, and the "x" of times before a count ("AOx3")
_CODE_RUNS = re.compile(r"[^\W\d_]+")
_TIMES = re.compile(r"(?<=[A-Z])x$")
#: the English zipf each run of a code's letters has at least (wordfreq knows "phq",
#: 1.45, "vasc", 1.87, "gcs", 2.63; a run of letters OCR made of a word it knows less)
_CODE_MIN_ZIPF = 1.0
#: a code read with its digits as the letters they resemble that is a word this common
#: is that word misread ("WA5": was)
_CODE_MAX_MISREAD_ZIPF = 3.0


#: a writer's acronym: two to six capitals ("NGTD", "CTPA", "DNACPR")
_ACRONYM = re.compile(r"[A-Z]{2,6}")


#: a word a chart makes a verb of with an apostrophe: "d/c'd" (discontinued), "f/u'd",
#: "tx'd", "cath'd", "d/c'ing"; the suffixes of English's past and present participles
_TENSE_OF = re.compile(r"([^\W\d_][^\s'’]*?[^\W_])['’](?:d|ed|ing)", re.IGNORECASE)


def _tense_of_known(text: str, lookup: Callable[[str], Sequence[int]],
                    known: Container[str]) -> bool:
    """Whether a written word is a known word or term made a verb with an apostrophe and
    "d", "ed" or "ing" (:data:`_TENSE_OF`): "d/c'd" (d/c, discontinued), "f/u'd", "tx'd",
    "cath'd", "PEG'd". What it is made of is known when English or the clinical
    vocabulary knows it (as :func:`analyse` reads it: "d/c" as shorthand) or a lexicon
    holds it; a misspelled name so made ("metfor'd") is doubted as before."""
    made = _TENSE_OF.fullmatch(text)
    if made is None:
        return False
    base = made.group(1)
    _, kind, key, zipf = analyse(base)
    return kind == "word" and (zipf >= KNOWN_ZIPF or _known(base, known)
                               or bool(key and lookup(key)))


def _typed_acronym(text: str) -> bool:
    """Whether a typed word is an acronym (:data:`_ACRONYM`), with its marks ("NGTD.",
    "(PRBC)"); the caller checks that its line has lower case too: a writer types an
    acronym in capitals on purpose, among words that are not, and a typed text holds no
    misreading. A line all in capitals ("HE HOPED THERE WOULD BE STEW") says nothing."""
    return _ACRONYM.fullmatch(strip_punct(text)) is not None


#: a clipped word is this long at least, and what it clips longer by this much
_CLIPPED_MIN_LETTERS = 5
_CLIPPED_MIN_EXTRA = 2


def _clipped_known(key: str, known: Container[str],
                   begins: Callable[[str], bool]) -> bool:
    """Whether a written word of letters is clipped from a word the clinical vocabulary
    knows ("serosang": serosanguineous; "periorb", "lymphadenop"), as a chart clips its
    words, and begins no term of the lexicons (``begins``): a cut drug name is the
    drug's (:meth:`uncertain.validate.Validator._cut_short`), and the medical dictionary
    holds drug names too."""
    vocabulary_begins = getattr(known, "begins", None)
    return (vocabulary_begins is not None and len(key) >= _CLIPPED_MIN_LETTERS
            and key.isalpha() and not begins(key)
            and vocabulary_begins(key, extra=_CLIPPED_MIN_EXTRA))


def _clipped_inflection(key: str, known: Container[str],
                        begins: Callable[[str], bool]) -> bool:
    """Whether a written word of letters is a verb's form in "ed" or "ing" made of a
    clinical word clipped (:func:`_clipped_known`), as a note makes a verb of what it
    clips: "desatted", "desatting" (desat: desaturate). A drug's name clipped begins a
    term, and its verb is still doubted ("diastated")."""
    return any(_clipped_known(stem, known, begins) for stem in _verb_stems(key))


#: the prefixes that make a clinical word of another ("non" + "perforated", "peri" +
#: "appendiceal", "re" + "intubated"): English's derivational prefixes, a closed class
_PREFIXES = ("non", "peri", "para", "pre", "post", "sub", "supra", "inter", "intra",
             "trans", "anti", "hyper", "hypo", "multi", "semi", "re", "un", "extra",
             "infra", "retro", "pseudo", "micro", "macro")
#: ... and what follows one is a word of this many letters at least
_PREFIXED_MIN_LETTERS = 4


def _prefixed_known(key: str, known: Container[str],
                    begins: Callable[[str], bool]) -> bool:
    """Whether a written word of letters is a prefix (:data:`_PREFIXES`) and a word that
    English knows (a zipf of :data:`KNOWN_ZIPF` or more) or the clinical vocabulary does:
    "nonperforated", "periappendiceal", "reintubated", "nonbloody", words no dictionary
    lists. Not where a term of the lexicons begins with the whole word (a misspelled name
    is the name's)."""
    if not key.isalpha() or begins(key):
        return False
    for prefix in _PREFIXES:
        rest = key[len(prefix):]
        if (key.startswith(prefix) and len(rest) >= _PREFIXED_MIN_LETTERS
                and (plural_zipf(rest) >= KNOWN_ZIPF or _known(rest, known))):
            return True
    return False


#: an adverb's "-ly" on the adjective it is made of, and the shapes it takes: "emergent"
#: + "ly", "atraumatic" + "ally", "tidy" + "ily" (y to i), "palpable" + "ly" ("-ble" to
#: "-bly"); English's one suffix of manner, so a closed class
_ADVERB_STEMS = (("ly", ""), ("ally", ""), ("ily", "y"), ("bly", "ble"))


def _adverb_of_known(key: str, known: Container[str], begins: Callable[[str], bool],
                     names_drug: Callable[[str], bool]) -> bool:
    """Whether a written word of letters is an adverb in "-ly" of a word English knows (a
    zipf of :data:`KNOWN_ZIPF` or more) or the clinical vocabulary does: "emergently",
    "electively", "sublingually", which English's lists rank lower than the adjectives
    ("Pt taken emergently" was near Merbentyl). Not where a term of the lexicons begins
    with the whole word, nor of a drug's name (``names_drug``: "lisinoprilly" is the
    name misspelled)."""
    if not key.isalpha() or not key.endswith("ly") or begins(key):
        return False
    for ending, stem_end in _ADVERB_STEMS:
        stem = key[:len(key) - len(ending)] + stem_end
        if (key.endswith(ending) and len(stem) >= _PREFIXED_MIN_LETTERS
                and (plural_zipf(stem) >= KNOWN_ZIPF or _known(stem, known))
                and not names_drug(stem)):
            return True
    return False


def _known(text: str, known: Container[str]) -> bool:
    """Whether the clinical vocabulary ``known`` holds ``text``, or its American spelling
    ("naevi": nevi; medical dictionaries are American)."""
    if not known:
        return False
    folded = text.casefold()
    if folded in known:
        return True
    return ("ae" in folded or "oe" in folded) and (
        folded.replace("ae", "e").replace("oe", "e") in known)


def _singulars(word: str) -> list[str]:
    """The singulars a plural in "s" may be of ("sunflowers", "boxes", "bodies"); none for
    a word under five letters or in "ss"."""
    if len(word) < 5 or not word.endswith("s") or word.endswith("ss"):
        return []
    singulars = [word[:-1]]
    if word.endswith("es"):
        singulars.append(word[:-2])
    if word.endswith("ies"):
        singulars.append(word[:-3] + "y")
    return singulars


def _known_plural(key: str, known: Container[str],
                  lookup: Callable[[str], Sequence[int]]) -> bool:
    """Whether a written word of letters is the plural of a noun the clinical vocabulary
    ``known`` holds, which lists most of its words bare, with no affix to make a plural
    of ("Carpule": "carpules", no misspelled capsules), unless that singular is a term of
    the lexicons (a name with an "s" too many is the name's)."""
    if not known or not key.isalpha():
        return False
    return any(_known(singular, known) and not lookup(singular)
               for singular in _singulars(key))


def _counted(before: Sequence[WordInfo], segment: int) -> bool:
    """Whether the last of the words ``before`` is a count on the line (run of words)
    ``segment`` numbers: a number, in digits or spelled ("2", "two")."""
    if not before or before[-1].segment != segment:
        return False
    last = before[-1]
    return last.kind == "number" or is_number_word(last.text.casefold())


def _named_plural(key: str, known: Container[str]) -> bool:
    """Whether the clinical dictionary ``known`` holds the singular of the plural in "s"
    ``key`` but not ``key`` itself: a name, which a dictionary lists with no plural
    ("Tylenol"), not a noun, which it lists with its plural ("dilator/S": "dilators")."""
    return key.endswith("s") and key[:-1] in known and key not in known


def _brand_plural(key: str, lookup: Callable[[str], Sequence[int]],
                  brand: Callable[[int], bool]) -> Sequence[int]:
    """The entries of the brand whose plural in "s" the compact ``key`` is, when every
    entry its singular spells is a drug's brand; else none. A writer counts a brand's
    units by its name ("Duonebs q4h", two nebulisers of DuoNeb; "two Tylenols"), which no
    one does with a generic's: the word names the brand, as written. (A key of five
    letters at least and not in "ss": "Tums" is its own name.)"""
    if len(key) < 5 or not key.endswith("s") or key.endswith("ss") or not key.isalpha():
        return []
    ids = lookup(key[:-1])
    return ids if ids and all(brand(idx) for idx in ids) else []


def everyday_plural(word: str, min_zipf: float) -> bool:
    """Whether ``word`` (lower-case) is the plural in "s" of a noun English uses at
    least as often as ``min_zipf`` says ("rinses", "compresses", "gargles")."""
    return any(english_zipf(s) >= min_zipf for s in _singulars(word))


def _verb_stems(word: str) -> list[str]:
    """The verbs a word in "ed" or "ing" may be a form of ("repleted": replete; "bolused":
    bolus; "nebbed": neb; "titrating": titrate); none for a word under six letters."""
    if len(word) < 6:
        return []
    for ending in ("ed", "ing"):
        if word.endswith(ending):
            stem = word[:-len(ending)]
            stems = [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])  # (a doubled consonant: "nebbed")
            if ending == "ed" and stem.endswith("i"):
                stems.append(stem[:-1] + "y")  # "emptied"
            return stems
    return []


def _known_inflection(key: str, known: Container[str],
                      lookup: Callable[[str], Sequence[int]],
                      drug: Callable[[int], bool] | None) -> bool:
    """Whether a written word of letters is a verb's form in "ed" or "ing" of a word
    English uses (a zipf of :data:`KNOWN_ZIPF` at least) or the clinical vocabulary
    ``known`` holds, which a note makes a verb of ("K repleted with KCl": replete;
    "bolused", "nebbed"), unless that word names a drug (``drug``: whether an entry
    does; without it, any term of the lexicons): a drug's name with "ed" after it
    ("Lasixed") is the name misspelled."""
    if not key.isalpha():
        return False
    return any((english_zipf(stem) >= KNOWN_ZIPF or _known(stem, known))
               and not any(drug is None or drug(idx) for idx in lookup(stem))
               for stem in _verb_stems(key))


def plural_zipf(word: str) -> float:
    """The English zipf frequency of ``word``, or of its singular when that is higher:
    wordfreq ranks "sunflowers" rare (2.8) and "sunflower" ordinary (3.4), and the plural
    of an ordinary word is ordinary English, not a misheard name."""
    return max([english_zipf(word)] + [english_zipf(s) for s in _singulars(word)])


#: the English zipf of a word English knows but seldom uses: a word of the clinical
#: vocabulary (:mod:`uncertain.vocabulary`) counts as this when wordfreq ranks it lower
KNOWN_ZIPF = 1.5
#: a combination's components all this common in English are everyday words
_EVERYDAY_ZIPF = 3.0
#: the shortest word read for a British spelling ("oedema", "faeces"; not "bae" as "be")
_BRITISH_MIN = 6
CLAUSE_END = re.compile(r"[,;:.!?]\W*$")
#: letters, a mark that joins no English word (not an apostrophe or a hyphen; an
#: underscore, which joins an identifier's words: "max_connections"), letters
_GLUED = re.compile(r"[^\W\d_][^\w\s]*(?:[^\w'’\-\s]|_)[^\w\s]*[^\W\d_]")
_LETTERS = re.compile(r"[^\W\d_]+")

#: digits a recogniser writes for a syllable that sounds like them ("-tin" as 10)
#: a number's thousands group written as a word of its own (Whisper's "4" ",500"), and
#: the digit before one that is a syllable run into it: "4,500" is "for 500" run together
#: ("met for 500"); "1,000" and "2,000" said as amounts are written so ("under 2,000
#: milligrams a day" is no "under to")
_THOUSANDS = re.compile(r",\d{3}")
_SYLLABLE_DIGITS = frozenset({"4"})
_SPOKEN_DIGITS = {str(n): w for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve"])}


def word_key(text: str) -> str:
    """The compact key of one word; a token glued to a dose by OCR ("Lisinopril-10'mg")
    keeps its longest run of letters, unless that is one letter: "L6", "A1c" and "B12"
    are codes, not the unit L or the letter A glued to a number; so are a few letters and
    a digit or two written as one ("pO2", "pCO2", "SpO2", "FEV1": not "PO" by mouth)."""
    key = compact(text)
    if _CODE.fullmatch(text):
        return key
    if any(c.isdigit() for c in key) and any(c.isalpha() for c in key):
        # a dose's unit glued between its number and a name is the dose's, not the
        # name's first letters: "500mgMetforrnin" is "500mg" and "Metforrnin", and so is
        # "5mg-Warfarln" "5mg-" and "Warfarln" (the key "mgwarfarln" was near Carbatrol)
        runs = re.findall(r"[^\W\d_]+", compact(_UNIT_BEFORE_NAME.sub(" ", text)))
        longest = max(runs, key=len) if runs else key
        key = longest if len(longest) > 1 else key
    return key


#: a measurement's code: up to four letters and one or two digits, nothing between
_CODE = re.compile(r"[A-Za-z]{1,4}\d{1,2}")
#: a strength's unit written onto its number and a name after it ("500mgMetforrnin",
#: "10mgLisinopril", "5mg-Warfarln"): the unit, when four letters or more follow it,
#: marks between or not
_UNIT_BEFORE_NAME = re.compile(r"(?<=\d)(?:mg|mcg|µg|ug|meq|ml)(?=[^\w\s]*[^\W\d_]{4})",
                               re.IGNORECASE)


def _run_at(text: str, name: str) -> tuple[int, int] | None:
    """Where in ``text`` (a word as written) the letters :func:`word_key` keeps of it are:
    the first stretch that begins and ends with a letter and compacts to that key; of a
    stretch of letters parted by marks that the key joins ("2mg-Abc": the key "mgabc", a
    unit before too short a name to be split off), the letters nearest the compact
    ``name`` ("Abc")."""
    key = word_key(strip_punct(visible(text)))
    if not key or len(text) > _GLUED_MAX:
        return None
    found = next(((a, b) for a in range(len(text)) if text[a].isalpha()
                  for b in range(len(text), a, -1)
                  if text[b - 1].isalpha() and compact(text[a:b]) == key), None)
    if found is None:
        return None
    pieces = [(m.start(), m.end()) for m in _LETTER_RUN.finditer(text, *found)]
    stretches = [(pieces[i][0], pieces[j][1]) for i in range(len(pieces))
                 for j in range(i, len(pieces))]
    return min(stretches, key=lambda ab: (Levenshtein.distance(compact(text[ab[0]:ab[1]]),
                                                               name), ab[0] - ab[1]))


#: letters as written, one run
_LETTER_RUN = re.compile(r"[^\W\d_]+")


#: the longest word looked into for a dose glued to a name (OCR tokens are short)
_GLUED_MAX = 64


def glued_dose(texts: Sequence[str], term: str) -> tuple[str, str] | None:
    """What a window of words (their ``texts``) holds beyond the name ``term`` the
    validator matched it with, when a number is glued on to the letters it matched
    (:func:`word_key`: "Metforrnin500mg", "Warfarln-5mg", "Qty:.60"): the first word's
    text before those letters and the last word's after them ("", "500mg"), so that
    ``before + term + after`` is what the words would read with the name corrected; a
    mark OCR read between a dose's number and its unit, which no dose holds, is left out
    ("Lisinioprii-10'mg": "", "-10mg"; see :data:`_DOSE_DEBRIS`), and so is a quote mark
    it read between the name and the number ("Lisinioprii'10": "", "10"; see
    :data:`_NAME_DEBRIS`).

    None when no number is glued on (before the letters, or after them through marks
    only: "mg:B10" is "mg" and a misread "BID", no dose), when the term holds digits of
    its own ("coenzyme Q10"), or when the digits are misread letters of the name, the
    words with their digits read as letters (one glyph confusion undone) being nearer the
    term than the letters alone: "Lisinopri1" and "L1sinopril" are lisinopril."""
    name = compact(term)
    if not texts or not name or any(c.isdigit() for c in name) or not any(
            c.isdigit() for c in texts[0] + texts[-1]):
        return None
    first, last = _run_at(texts[0], name), _run_at(texts[-1], name)
    if first is None or last is None:
        return None
    before, after = texts[0][:first[0]], texts[-1][last[1]:]
    # a dose after a name begins with its number ("500mg"), one before it ends with its
    # unit ("500mg-"); letters between a name and a number make no dose ("mg:B10")
    if not (any(c.isdigit() for c in before)
            or next((c for c in after if c.isalnum()), "").isdigit()):
        return None
    letters = "".join(word_key(strip_punct(visible(t))) for t in texts)
    whole = compact(strip_punct(visible(" ".join(texts))))
    read = [v for v in (whole, *glyph_variants(whole)) if not any(c.isdigit() for c in v)]
    apart = min(Levenshtein.distance(v, name) for v in (letters, *glyph_variants(letters)))
    if read and min(Levenshtein.distance(v, name) for v in read) < apart:
        return None
    return (_NAME_DEBRIS_BEFORE.sub("", _DOSE_DEBRIS.sub("", before)),
            _NAME_DEBRIS_AFTER.sub("", _DOSE_DEBRIS.sub("", after)))


#: marks between a number and the letters after it that no dose writes there: OCR's
#: debris ("10'mg", "10’mg", "10:mg"), where a slash ("5/mL"), a hyphen ("10-day"), a
#: percent or a plus sign may be the dose's own. A suggestion carries the dose as printed
#: without them: an answer copies a suggestion, and "10'mg" is no dose a reader writes
_DOSE_DEBRIS = re.compile(r"(?<=\d)[^\w\s/%+\-]+(?=[^\W\d_])")
#: ... and quote marks between a name and its dose's number ("Lisinioprii'10",
#: "10mg’Lisinioprii"), where no prescription has one (a hyphen or a colon may stand
#: there: "Warfarin-5mg", "Qty:60"): after the name, before its number; before it, after a
#: letter or a digit (an opening quote is the text's own: "“Metforrnin500mg")
_NAME_QUOTES = "'\u2018\u2019\u201b\u2032`\u00b4\"\u201c\u201d"
_NAME_DEBRIS_AFTER = re.compile(rf"^[{_NAME_QUOTES}]+(?=\d)")
_NAME_DEBRIS_BEFORE = re.compile(rf"(?<=[^\W_])[{_NAME_QUOTES}]+$")


#: how alike (rapidfuzz ratio) the rest of a window and the rest of a term that share
#: their first word must be
_TAIL_MIN_RATIO = 60.0
_TAIL_MIN_SOUND_RATIO = 80.0  # ... or their sound keys (uncertain._phonetic)


def other_tail(term: str, head: str, tail: str) -> bool:
    """True when ``term`` has several words, the first spelled ``head``, and the rest of
    it is unlike ``tail``, the rest of the window. Its words are those of its normal form,
    as :func:`uncertain.validate._begins_with_word` reads them: "Allegra-D" is "allegra"
    and "d" (whole, no rest to compare, "Take Allegra for allergies" was Allegra-D)."""
    parts = _first_and_rest(term)
    if parts is None or parts[0] != head:
        return False
    rest = parts[1]
    # "insulin to Tamir" goes on like insulin detemir by sound, not by letters
    return (fuzz.ratio(rest, tail) < _TAIL_MIN_RATIO
            and fuzz.ratio(sound_key(rest), sound_key(tail)) < _TAIL_MIN_SOUND_RATIO)


@lru_cache(maxsize=1 << 14)
def _first_and_rest(term: str) -> tuple[str, str] | None:
    """The compact spellings of a term's first word and of the rest of it (its words
    as :func:`other_tail` reads them), or None for a term of one word: asked of each
    term ranked for a window of several words, kept for the terms asked most lately."""
    first, _, rest = normalize_term(term).partition(" ")
    return (compact(first), compact(rest)) if rest else None


def key_of(window: Sequence[WordInfo]) -> str:
    """The compact spelling of a window of words joined."""
    return "".join(w.key for w in window)


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
#: kinds of the clinical lexicon whose terms, written as they are, name what a dose is
#: of: a class of drugs ("because of a statin 20 mg"), a product ("stool softener"), and
#: the clinical words of kind ``term``
_SAID_AS_DRUG = frozenset({"term", "class", "product"})


def orphan_sentences(infos: list[WordInfo], lowered: list[str], words: list[Word],
                     chosen: list[Proposal], sure: list[bool],
                     threshold: float = 0.5) -> list[tuple[int, int]]:
    """The sentences (ended by a full stop or a segment) that hold a strength (a number,
    then mg, mcg, mEq or IU, or a unit heard amiss: a doubted "million" after a number,
    or a window flagged as a unit) but no flag naming a drug before the end of the
    strength's clause (its first candidate scoring at least ``threshold``: a doubtful
    word's weak suggestion names none), of whose words
    those marked ``sure`` are not in doubt: for each, the range of its words before the
    strength and after the last prescribing word before it, where the drug's name is
    said."""
    n = len(infos)
    unit = [is_strength_unit(text) or amiss
            for text, amiss in zip(lowered, heard_units(lowered, sure), strict=True)]
    # ... or written in two words, from its first ("20 milli equivalents")
    for k in range(n - 1):
        if is_strength_unit(split_unit(lowered[k], lowered[k + 1]) or ""):
            unit[k] = True
    dosed = [is_strength(text) for text in lowered]
    drug = [False] * n
    for p in chosen:
        if not p.candidates:
            continue
        top = p.candidates[0]
        if top.score < threshold:
            continue
        if top.kind == "unit" and is_strength_unit(top.term.casefold()):
            unit[p.start] = True  # "25 milli rams"
        elif names_drug(top.kind, top.lexicon) or (
                p.reason == "verified" and top.kind in _SAID_AS_DRUG):
            # a drug, or a class of them said as it is ("because of a statin 20 mg")
            drug[p.start:p.end] = [True] * (p.end - p.start)
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(n):
        if k + 1 < n and infos[k + 1].segment == infos[k].segment and not _SENTENCE_END.search(
                words[k].text):
            continue
        # where the sentence's first strength starts: "25mg" itself, or the number before
        # a unit
        first = next((m if dosed[m] else m - 1 for m in range(start, k + 1) if dosed[m] or (
            unit[m] and m > start and (
                infos[m - 1].kind == "number" or is_number_word(lowered[m - 1])))), None)
        # a drug named after the dose's clause is not its drug ("we will keep that at 40
        # milligrams once a day, patient is allergic to oxycodone": the name before it
        # was misheard)
        if first is not None and not any(drug[start:_clause_end(words, first, k + 1)]):
            # "contains 500 mg of the active ingredient": an amount of what follows its
            # "of", whose windows the first sweep searched as a drug's slot already
            if not is_amount_at(lowered, sure, first):
                # the name follows the sentence's last prescribing word before the dose
                opening = max((m + 1 for m in range(start, first)
                               if is_cue_word(lowered[m])), default=start)
                if opening < first:
                    out.append((opening, first))
        start = k + 1
    return out


def _clause_end(words: list[Word], first: int, stop: int) -> int:
    """Where the clause of word ``first`` ends: after its first word from ``first`` on
    that ends a clause, else at ``stop``."""
    return next((m + 1 for m in range(first, stop) if CLAUSE_END.search(words[m].text)), stop)


def _resolve_order(p: Proposal) -> tuple[int, int, float, float, int]:
    """Where :func:`resolve` takes ``p``. A verified match's confidence is how likely it
    is wrong, no score: of verified matches the longest comes first, as a term of
    several words heard whole is that term and not the terms it holds ("potassium
    chloride", whose "chloride" was heard less sure than the pair, is no chloride ion),
    then the surest."""
    if p.reason == "verified":
        return p.rank, 1, -(p.end - p.start), p.confidence, p.start
    return p.rank, 0, -p.confidence, -(p.end - p.start), p.start


def resolve(proposals: list[Proposal]) -> list[Proposal]:
    """The best non-overlapping set: windows spelling a term, and verified matches (the
    longest first, then the surest), then other near-lexicon windows by score (longer
    first on ties), then single-word flags; in document order."""
    order = sorted(proposals, key=_resolve_order)
    taken: list[bool] = [False] * (max((p.end for p in proposals), default=0))
    chosen: list[Proposal] = []
    for p in order:
        if any(taken[p.start:p.end]):
            continue
        for k in range(p.start, p.end):
            taken[k] = True
        chosen.append(p)
    return sorted(chosen, key=lambda p: p.start)


#: how much more alike in spelling and sound a wider window's best candidate must be than
#: the best of a narrower window it holds, to be taken for the words the narrower one left
WIDER_SIMILARITY_GAIN = 0.05
#: a word at least this frequent in English (articles, conjunctions, prepositions,
#: pronouns: "and", "on", "a", "your", "it") at a wider window's edge is the sentence's
#: own word heard right, no syllable of the name beside it ("and Mossartan": losartan)
WIDER_EDGE_MAX_ZIPF = 6.0
#: in speech, a wider window taking in only words heard in doubt beside a narrower one is
#: taken when its best candidate scores at most this much below the narrower one's
#: (:func:`_doubted_around`)
WIDER_DOUBTED_MAX_DROP = 0.15


def _doubted_around(p: Proposal, w: Proposal, similarity: float, base: float,
                    infos: Sequence[WordInfo], doubtful: Sequence[bool]) -> bool:
    """Whether the wider window ``w`` (its best candidate as alike as ``similarity``) is
    the name ``p`` (``base``) matched the end of, as heard: ``w`` adds words before ``p``
    only, each ``doubtful`` (heard in doubt), none as frequent as English's function words, none a
    prescribing word (a prescribing word heard in doubt is mostly that word: "Increase
    Clon is come") and none ending a clause as written ("Discharge meds, prime effects
    all"); its best candidate explains at least as many of its letters as ``p``'s
    explains of ``p``'s (similarity times letters), and it scores at most
    :data:`WIDER_DOUBTED_MAX_DROP` below ``p``: "Kate's a tabine" is capecitabine, not
    atropine for "a tabine", whose best match was surer only for having fewer letters to
    match ("ever breathing": ivabradine, not Brethine). A name's first syllables are the
    ones a recogniser writes as words of their own before it hears a name; a doubted word
    after a name matched so is mostly the sentence's next word ("Alpranalam until")."""
    if w.end != p.end:
        return False
    if not all(doubtful[k] and infos[k].zipf < WIDER_EDGE_MAX_ZIPF
               and not is_cue_word(infos[k].key) for k in range(w.start, p.start)):
        return False
    letters = sum(len(infos[k].key) for k in range(w.start, w.end))
    held = sum(len(infos[k].key) for k in range(p.start, p.end))
    return (similarity * letters >= base * held
            and w.confidence >= p.confidence - WIDER_DOUBTED_MAX_DROP)


def _similarity(p: Proposal) -> float | None:
    """How alike in spelling and sound ``p``'s words are to its best candidate (None: not
    a near-lexicon window, or unscored)."""
    if p.reason != "near_lexicon" or p.rank != 1 or p.hunch or not p.candidates:
        return None
    features = getattr(p.candidates[0], "features", None) or {}
    similarity = features.get("similarity")
    return None if similarity is None else float(similarity)


def widen(chosen: list[Proposal], proposals: Sequence[Proposal],
          infos: Sequence[WordInfo], doubtful: Sequence[bool] | None = None
          ) -> list[Proposal]:
    """``chosen`` (from :func:`resolve`), with a near-lexicon window taken instead of a
    narrower one it holds when its best candidate is clearly more alike in spelling and
    sound to its words (by :data:`WIDER_SIMILARITY_GAIN`): the narrower window matched
    part of a name heard as several words ("ISIS or by denotrate": isosorbide dinitrate,
    not Dendrid for "denotrate"), and its best candidate scored surer only because it had
    fewer letters to match. The wider window must itself be a flag, must not end on a
    word as frequent as English's function words (:data:`WIDER_EDGE_MAX_ZIPF`) beyond
    the narrower one, and may take in only words no other flag holds but a single word's
    (a doubtful word of the same name). With ``doubtful`` (speech: the words heard in
    doubt that end no clause as written), a wider window :func:`_doubted_around` finds
    the name heard is taken too."""
    gain, edge = WIDER_SIMILARITY_GAIN, WIDER_EDGE_MAX_ZIPF
    wide: dict[int, list[tuple[Proposal, float]]] = {}  # by first word
    span = 0
    for q in proposals:
        if q.end - q.start > 1 and (s := _similarity(q)) is not None:
            wide.setdefault(q.start, []).append((q, s))
            span = max(span, q.end - q.start)
    if not wide:
        return chosen
    owner: dict[int, Proposal] = {k: p for p in chosen for k in range(p.start, p.end)}
    out: list[Proposal] = []
    dropped: set[int] = set()
    for p in chosen:
        if id(p) in dropped:
            continue
        base = _similarity(p)
        best: tuple[float, float, Proposal] | None = None
        if base is not None:
            for w, s in (x for a in range(max(0, p.end - span), p.start + 1)
                         for x in wide.get(a, ())):
                if (w.start <= p.start and p.end <= w.end and w.end - w.start > p.end - p.start
                        and (s >= base + gain or (doubtful is not None and _doubted_around(
                            p, w, s, base, infos, doubtful)))
                        and (w.start == p.start or infos[w.start].zipf < edge)
                        and (w.end == p.end or infos[w.end - 1].zipf < edge)
                        and all(owner.get(k) in (None, p) or owner[k].rank == 2
                                for k in range(w.start, w.end))
                        and (best is None or (s, w.confidence) > best[:2])):
                    best = (s, w.confidence, w)
        if best is None:
            out.append(p)
            continue
        w = best[2]
        for k in range(w.start, w.end):
            held = owner.get(k)
            if held is not None and held is not p:
                dropped.add(id(held))
            owner[k] = w
        out.append(w)
    return sorted((p for p in out if id(p) not in dropped), key=lambda p: p.start)
