"""Flags of single words: doubtful on their own, whatever window they stand in.

This module owns the validator's word-level reasons (:func:`word_reasons`: out of
vocabulary; low confidence, with a line for numbers in digits and a lower one for
ordinary English) and the flags of single words (:func:`word_flags`), numbers included,
with the dose heard as a teen (``confusable``: "14 milligrams" may be 40 said) and, in
print, a dosing frequency read with one glyph confused (``confusable``: "ghs", "g6h" for
qHS, q6h: q and g differ by a tail in many fonts) and a word the page's own PDF text layer
reads otherwise (``confusable``: "0.125" where the layer says "0.25"; a term's name where
it names another, "Digoxin" for "Warfarin": the validator verifies no such match). What a
single word may have meant comes from the validator's candidate search, passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from uncertain._candidates import Ranked, listed
from uncertain._context import (
    classify,
    is_strength_unit,
    number_for_homophone,
    strip_punct,
    ty_for_teen_dose,
)
from uncertain._index import compact
from uncertain._text_layer import SOURCE as LAYER_SOURCE
from uncertain._words import Proposal, WordInfo
from uncertain.document import Candidate, Evidence, FlagReason, Modality, Word

if TYPE_CHECKING:
    from uncertain.validate import ValidateOptions

__all__ = ["CONFUSABLE_DOUBT", "LAYER_DOUBT", "is_dose_frequency", "layer_reading",
           "word_flags", "word_reasons"]

#: how likely a dose heard as a teen in speech is the tens said ("14 milligrams" for 40):
#: 21 of the 28 heard before a unit in the dev sets' seven seeds, on synthetic voices;
#: taken nearer even odds for real speakers, and above them, so the dose is marked
CONFUSABLE_DOUBT = 0.6

#: how likely a word heard before a unit or a count with no number between is the small
#: number it sounds as ("for milligrams" for "4 milligrams", "won hundred" for "one
#: hundred"): the unit needs a number, and the word is what a recogniser writes for it
HOMOPHONE_DOUBT = 0.8

#: how likely a printed word is wrong where the page's own PDF text layer reads it
#: otherwise, however sure OCR was: two readings of one word disagree, so one of them is
#: wrong. A scanner's layer is itself OCR (often tesseract's own, see
#: :mod:`uncertain._text_layer`), and misreads as OCR does: even odds. A born-digital page's
#: layer, or a better reader's, is the text, and OCR the one wrong (the five readings of
#: the benchmark's reference layers that differ from OCR's on the prescription are all
#: right). Which kind a page holds is not known: above even odds that OCR's reading is
#: the wrong one, short of sure, so the word is marked (a prompt marks p under 0.5) with
#: the layer's reading offered, for the reader to look at the page
LAYER_DOUBT = 0.6


def layer_reading(word: Word) -> str | None:
    """The page's PDF text layer's reading of ``word`` where it reads it otherwise
    (:mod:`uncertain._text_layer`), if any: of the word alone (a run's reading is its
    window's, see :func:`uncertain._sweep.windows`)."""
    for alt in word.alternatives:
        if alt.source == LAYER_SOURCE and alt.text.strip() and not alt.span:
            return alt.text.strip()
    return None


def layer_disagrees(info: WordInfo, reading: str, opts: ValidateOptions) -> bool:
    """Whether the text layer's ``reading`` of a printed word (``info``) makes it
    doubtful: always for a number, a unit or a frequency, or a reading with a digit (a
    dose, a quantity, a date: what a reader acts on); for another word unless OCR is sure
    of it (``doubt_image``) and it is ordinary English, which OCR seldom misreads: of the
    words the sample pages' layers in ``benchmarks/ocr_text_layer.py`` read otherwise
    (their reference text, and tesseract's own reading), the sure ordinary ones ("types",
    "the" at 0.96) were all read right by OCR and wrong by the layer (its lines cut at
    the page's edge: "typ", "th"), and would have been the only flags on their page; a
    layer that does not fit its page, or a scanner's noisier OCR, would mark a page's
    every line so."""
    if info.kind in ("number", "unit", "frequency") or any(
            c.isdigit() for c in info.text + reading):
        return True
    return not (info.confidence is not None and info.confidence >= opts.doubt_image
                and info.zipf >= opts.english_min_zipf)


def is_dose_frequency(text: str) -> bool:
    """Whether ``text`` is a dosing frequency ("qhs", "BID", "q6h", "q24h")."""
    low = text.casefold()
    return classify(low) == "frequency" or _EVERY_HOURS.match(low) is not None


_EVERY_HOURS = re.compile(r"^q\d{1,2}h$")


def word_reasons(window: Sequence[WordInfo], modality: Modality,
                 opts: ValidateOptions) -> list[FlagReason]:
    """Why the words of ``window`` are doubtful on their own, if they are."""
    low = opts.low_confidence_audio if modality == "audio" else opts.low_confidence_image
    number = opts.low_confidence_number_audio if modality == "audio" else low
    reasons: list[FlagReason] = []
    if any(w.oov for w in window):
        reasons.append("out_of_vocabulary")
    # digits read as a syllable ("Rip 10 and": sumatriptan) are still digits
    if modality != "text" and any(
        w.confidence is not None and w.confidence < (
            number if w.kind == "number" and any(c.isdigit() for c in w.text)
            else low * opts.common_word_factor if w.zipf >= opts.english_min_zipf
            and not w.text.isdigit() else low)
        for w in window
    ):
        reasons.append("low_confidence")
    return reasons


#: a printed number with a letter read for one of its digits: O for 0, l or I for 1, S
#: for 5, B for 8, Z for 2 ("1O", "6O", "5OO"); it begins with a digit (a code such as
#: "B12", "O2" begins with its letter)
_MISREAD_NUMBER = re.compile(r"\d[\dOoIlSBZ]*(?:[.,][\dOoIlSBZ]+)?")
_DIGIT_FOR = str.maketrans("OoIlSBZ", "0011582")


def misread_number(text: str) -> str | None:
    """The number a printed word reads as with its look-alike letters taken for the
    digits they resemble, when it mixes the two ("Lisinopril 1O mg": 10, "Qty: 6O"): OCR
    read a digit as a letter, and the number a reader acts on is in doubt however sure
    the engine was."""
    text = strip_punct(text)
    if not _MISREAD_NUMBER.fullmatch(text) or text.isdigit() or not any(
            c.isalpha() for c in text):
        return None
    return text.translate(_DIGIT_FOR)


#: a printed number OCR began with a look-alike letter before a unit ("Metformin S500 mg"),
#: or with its unit written on ("S500mg"): the letter is a digit misread (5500) or a mark
#: read as one (500); a code such as "B12" is no strength's number, and stands before no
#: unit (unless it is a name: "Take B12 mcg daily", vitamin B12)
_MISREAD_LEAD = re.compile(r"(?P<lead>[OoIlSBZ])(?P<digits>\d{2,}(?:[.,]\d+)?)(?P<unit>[^\W\d_]*)")


def misread_lead(text: str, *, unit_after: bool) -> list[str]:
    """The numbers a printed word beginning with a look-alike letter then digits may have
    been before a strength's unit, the word's own (``S500mg``: 500mg, with a mark read as
    the letter, or 5500mg) or the next word (``unit_after``; "S500": 500 or 5500), best
    first; none for another word."""
    found = _MISREAD_LEAD.fullmatch(strip_punct(text))
    if found is None or not (is_strength_unit(found["unit"].casefold()) if found["unit"]
                             else unit_after):
        return []
    digits, unit = found["digits"], found["unit"]
    lead = found["lead"].translate(_DIGIT_FOR)
    return [digits + unit] + ([lead + digits + unit] if lead != "0" else [])


def word_flags(
    infos: list[WordInfo],
    words: list[Word],
    lowered: list[str],
    modality: Modality,
    opts: ValidateOptions,
    proposals: list[Proposal],
    suggest: Callable[[int], list[Candidate | Ranked]],
    misread: Callable[[int], Candidate | None] | None = None,
    other_term: Callable[[int, str], bool] | None = None,
    named: Callable[[str], bool] | None = None,
) -> list[Proposal]:
    """Single words that are doubtful on their own (out of vocabulary, low confidence),
    numbers included: a dose or a reading heard at low confidence is more often wrong
    than right ("1300 milligrams" for 300), and the number is what the reader acts on.
    A number written onto the one before it (Whisper's "7" ".8%", "1" ",000") is a piece
    of it, not a number of its own (its doubt is the number's split between its tokens):
    its first piece's flag covers the whole number (an LLM fixing the "1" of a marked "1"
    and an unmarked ",000" read "81,000"). In audio a dose heard as
    a teen is doubtful however sure the engine was (``confusable``). A word a
    near-lexicon proposal covers is left to it; ``suggest(i)`` gives the candidates of
    word ``i`` (of four letters or more); ``named(text)``: whether a code of letters and
    digits is a name of the lexicons ("B12": vitamin B12), no number misread.

    A word that is a lexicon term is left to the proposal its window made (verified, or
    doubted with its sound-alikes); one no window proposed (a unit, a dose frequency or
    a route of the clinical lexicon; a drug name that is everyday English, said without
    a dose) is doubtful at low confidence as any word is: "mcg" read at 0.05 may be "mg",
    and was shown to the reader as sure. It gets no candidates: its spelling's neighbours
    in the lexicon are not what a unit may have been. A term the page's text layer reads
    as another (``other_term(i, reading)``: another drug, however common a word the term
    is) is doubted with the layer's reading, as the window spelling it verified nothing."""
    covered = {k for p in proposals if p.reason == "near_lexicon"
               for k in range(p.start, p.end)}
    proposed = {k for p in proposals for k in range(p.start, p.end)}
    out: list[Proposal] = []
    for i, info in enumerate(infos):
        piece = i > 0 and words[i - 1].space_after is False
        if (info.exact and i in proposed) or not (
                info.kind in ("word", "unit", "frequency")
                or (info.kind == "number" and not piece)):
            continue
        end = i + 1
        digits = info.kind == "number" or info.text.isdigit()  # (a digit heard as a syllable)
        if digits:  # with the pieces written onto it ("1" ",000")
            while (end < len(infos) and words[end - 1].space_after is False
                   and infos[end].kind == "number"):
                end += 1
        reasons = word_reasons([info], modality, opts)
        # a dose heard as a teen, however sure: "14 milligrams" may be 40 said
        tens = ty_for_teen_dose(lowered[i], lowered[i + 1]) if (
            modality == "audio" and i + 1 < len(infos) and end == i + 1) else None
        if tens is not None:
            reasons.append("confusable")
        # a number heard as the word it sounds as, before a unit or a count: "won hundred"
        homophone = number_for_homophone(
            info.text.casefold(), lowered[i + 1], lowered[i - 1] if i else "") if (
            modality != "image" and i + 1 < len(infos) and end == i + 1 and not piece
            and infos[i + 1].segment == info.segment) else None
        if homophone is not None:
            reasons.append("confusable")
        sig = (misread(i) if misread is not None and modality == "image" and i > 0
               and not info.exact and info.kind == "word" and len(info.key) < 4
               and not piece and infos[i - 1].segment == info.segment
               and (infos[i - 1].kind in ("number", "unit", "frequency")
                    or bool(infos[i - 1].exact)) else None)
        if sig is not None:
            reasons.append("confusable")
        number = (misread_number(info.text) if modality == "image" and not info.exact
                  and info.kind == "word" and not piece else None)
        # a number begun with a look-alike letter, before its unit: "Metformin S500 mg",
        # "S500mg"; not a code that is a name ("Take B12 mcg": vitamin B12)
        numbers = ([number] if number is not None else misread_lead(
            info.text, unit_after=i + 1 < len(infos) and is_strength_unit(lowered[i + 1]))
            if modality == "image" and not info.exact and not piece
            and not (named is not None and named(info.text)) else [])
        if numbers:
            reasons.append("confusable")
        # the page's own text layer reads it otherwise: "0.125" where the layer says "0.25"
        layered = layer_reading(words[i]) if modality == "image" and not piece else None
        if layered is not None and not layer_disagrees(info, layered, opts) and not (
                info.exact and other_term is not None and other_term(i, layered)):
            layered = None
        if layered is not None and "confusable" not in reasons:
            reasons.append("confusable")
        # (a digit a near-lexicon window took as a syllable is still a number's doubt when
        # that window is not kept: the choice is resolve's)
        if not reasons or (i in covered and not (digits and info.kind == "word")):
            continue
        conf = info.confidence
        wrong = 1.0 - conf if conf is not None else 0.5
        if "out_of_vocabulary" in reasons:
            wrong = max(wrong, 0.5)
        candidates: list[Candidate | Ranked] = []
        if layered is not None:
            wrong = max(wrong, LAYER_DOUBT)
            candidates = _layer_candidates(layered, info, i, suggest, sig, numbers)
        elif tens is not None:
            wrong = max(wrong, CONFUSABLE_DOUBT)
            candidates = [Candidate(
                term=tens.capitalize() if info.text[:1].isupper() else tens,
                canonical=tens, score=CONFUSABLE_DOUBT, kind="number", evidence=["sound"])]
        elif homophone is not None:
            wrong = max(wrong, HOMOPHONE_DOUBT)
            candidates = [Candidate(
                term=homophone.capitalize() if info.text[:1].isupper() else homophone,
                canonical=homophone, score=HOMOPHONE_DOUBT, kind="number",
                evidence=["sound"])]
        elif sig is not None:
            wrong = max(wrong, CONFUSABLE_DOUBT)
            candidates = [sig]
        elif numbers:
            wrong = max(wrong, CONFUSABLE_DOUBT)
            candidates = [Candidate(term=n, canonical=n, score=CONFUSABLE_DOUBT,
                                    kind="number", evidence=["glyph"]) for n in numbers]
        elif len(info.key) >= 4 and info.kind == "word" and not info.exact:
            candidates = suggest(i)
        elif (modality == "image" and misread is not None and info.kind == "word"
              and not info.exact and not piece and (frequency := misread(i)) is not None):
            # a short word doubtful on its own that spells a dosing frequency with one
            # glyph undone ("BlD", "ql2h" in a table's column): the frequency is its
            # suggestion, though no dose before it on its line makes it a misread
            candidates = [frequency]
        evidence: list[Evidence] = list(candidates[0].evidence) if candidates else []
        out.append(Proposal(i, end, reasons[0], reasons, round(wrong, 4),
                            listed(candidates, modality, opts.max_candidates,
                                   opts.acoustic_pool), evidence, 2))
    return out


def _layer_candidates(reading: str, info: WordInfo, i: int,
                      suggest: Callable[[int], list[Candidate | Ranked]],
                      sig: Candidate | None, numbers: list[str]) -> list[Candidate | Ranked]:
    """The candidates of word ``i`` (``info``) which the page's text layer reads as
    ``reading``: the reading first (as the lexicon's term where it spells one, which
    :func:`uncertain._candidates.CandidateSearch.variants` gives with ``text_layer`` as its
    evidence), then what the word's own look says (a glyph confusion undone, a term near
    its spelling)."""
    own: list[Candidate | Ranked] = []
    if sig is not None:
        own = [sig]
    elif numbers:
        own = [Candidate(term=n, canonical=n, score=CONFUSABLE_DOUBT, kind="number",
                         evidence=["glyph"]) for n in numbers]
    elif len(info.key) >= 4 and info.kind == "word" and not info.exact:
        own = suggest(i)
    elif info.exact:  # (a term: the layer's reading as the lexicon has it, if it spells one)
        own = [c for c in suggest(i) if "text_layer" in c.evidence]
    first = next((c for c in own if "text_layer" in c.evidence), None)
    if first is None:
        kind = info.kind if info.kind != "word" else None
        first = Candidate(term=reading, canonical=reading, score=LAYER_DOUBT, kind=kind,
                          evidence=["text_layer"])
    key = compact(reading)
    return [first, *(c for c in own if c is not first and compact(c.term) != key)]
