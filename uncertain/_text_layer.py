"""A PDF page's own text layer compared with what OCR read on the page.

This module owns :func:`compare_layer`. The OCR words of a page and the words of its text
layer (normalised: typography made plain, as OCR writes it: the ligature "ﬁ" as "fi",
full-width digits, curly quotes, dashes, soft hyphens, thousands commas; the Cyrillic and
Greek letters that look like Latin ones taken for them, ``_LOOKALIKES``: "Metfоrmin"
with a Cyrillic о is the page's "Metformin"; punctuation at either end dropped; case
folded) are aligned as two sequences (rapidfuzz Levenshtein
opcodes over words, a few milliseconds for a long page). A layer's word of glyphs its font
maps to no character (private-use codes, controls, U+FFFD, "(cid:77)") is no reading, nor
is a word both read in another place (the layer holds OCR's word as often as OCR does, and
OCR the layer's): a column or table read in another order pairs words of the two.
Where the layer writes another word for an OCR word, or another run of words for a short
run of them, its reading becomes a ``Word.alternative`` of the (first) OCR word, with
source ``"pdf_text_layer"``, the number of words a run's reading stands for as its
``span``, and, as the decoder's n-best alternatives do, the word's doubt
(``1 - confidence``) as its confidence: the validator then proposes the term the layer
spells for the words it replaces ("poste pie Oo" read where the layer says "Digoxin" is
flagged whole, with Digoxin), and the prompt shows it.

A layer is used only when it aligns with the page: at least ``MIN_AGREEMENT`` of the
words of the shorter of the two are equal (a layer of another page, of encoded glyphs or
left empty aligns with a few "the" and "mg" by chance: under 0.2 of them, see
``benchmarks/ocr_text_layer.py``); otherwise it is ignored, with a note. A rotated
page's layer (``/Rotate``) comes bottom line first: its lines are also tried in reverse.
A layer of over ``MAX_RATIO`` times the page's words holds more than its text and is not
aligned (by chance, its words agree with most of a short page's). A layer that reads
``MIN_FOREIGN`` or more words OCR was sure of (``SURE``) as words unlike them (under
``UNLIKE`` of their letters alike: "Mary" for "John", "Warfarin" for "Digoxin", another
date; not the word cut short at the page's edge, nor a glyph or two) is another copy of
the page's form, another patient's: its printed words agree, its filled-in ones are not
a misreading of the page's, and are left out with the rest (the sample pages' layers
read otherwise only words OCR doubted or letters alike, see
``benchmarks/ocr_text_layer.py``).

Where the two agree, nothing changes: a word's confidence stays tesseract's (the
calibration is fitted on it). A scanner's text layer is itself OCR, often tesseract's own,
and shares its misreadings: agreement is no proof that a word is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from uncertain._context import strip_punct
from uncertain.document import Alternative, Word

__all__ = ["MAX_RATIO", "MIN_AGREEMENT", "MIN_FOREIGN", "SOURCE", "LayerComparison",
           "compare_layer", "reads_run"]

SOURCE = "pdf_text_layer"
#: the share of the shorter sequence's words that must be equal for the layer to be used
MIN_AGREEMENT = 0.5
#: the fewest equal words a layer must share with the page (a page of two words with a
#: layer of two others agrees with it in none)
MIN_EQUAL = 2
#: a layer of more words than this many times the page's, and ``MAX_EXTRA`` more, holds
#: more than the page's text (a whole document's, hidden text): its words would align
#: with the page's by chance ("mg", "daily" scattered through it), and a million of them
#: take seconds to align
MAX_RATIO = 10
MAX_EXTRA = 200
#: the longest run, in words on either side, a differing stretch may be to give an
#: alternative: a longer one is text the two put in another order (columns, a header
#: read last), not a word read otherwise
MAX_RUN = 4
#: OCR's confidence in a word at and above which a layer's unlike reading of it is no
#: misreading the layer corrects (the validator's ``doubt_image``)
SURE = 0.8
#: the share of their letters alike (normalised Levenshtein similarity) under which two
#: readings of a word are unlike: a misreading keeps most letters ("Jahn", "John": 0.75;
#: "types", "typ": 0.6), another patient's name, drug or date few ("John", "Mary": 0)
UNLIKE = 0.5
#: the sure words read as unlike ones that make a layer another copy of the page's form
#: (a patient's names and date of birth, a drug and its dose): one or two may be the
#: page's own words the layer reads otherwise, a drug the validator is to doubt
MIN_FOREIGN = 3
#: the fewest letters (and digits) the longer of two readings has for them to be unlike
_UNLIKE_LETTERS = 3


@dataclass(frozen=True)
class LayerComparison:
    """What comparing a page's words with its text layer found."""

    words: list[Word]  # the page's words, those the layer reads otherwise with an alternative
    used: bool  # whether the layer aligned with the page (else the words are unchanged)
    agreement: float  # equal words / words of the shorter sequence
    equal: int  # words the two read alike
    alternatives: int  # words given the layer's reading as an alternative
    reversed_lines: bool = False  # the layer's lines aligned bottom line first
    layer_words: int = 0  # the layer's words
    oversized: bool = False  # over MAX_RATIO times the page's words: not aligned
    #: sure words read as unlike ones (at least MIN_FOREIGN: another copy, not used)
    foreign: int = 0


#: the typographic forms of a character a layer may write where OCR reads the plain one:
#: curly quotes and primes, dashes and minus, and the invisible soft hyphen and joiners
_TYPOGRAPHY = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None)})
#: the Cyrillic and Greek letters drawn as a Latin one in common fonts (Unicode's
#: confusables of the Latin letters, among the two scripts' letters), and that letter: a
#: layer writing one for the Latin letter (a font's or a producer's homoglyph, text
#: made to look alike) reads what OCR read. Pairs, each a look-alike then its Latin letter
_LOOKALIKE_PAIRS = (
    # Cyrillic
    "аaеeоoрpсcуyхxіiјjѕsԁdԛqԝwһhӏl"
    "АAВBЕEЅSІIЈJКKМMНHОOРPСCТTУYХXԚQԜW"
    # Greek
    "οoνvαaιiκkρpυuχx"
    "ΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX")
_LOOKALIKES = str.maketrans(dict(zip(_LOOKALIKE_PAIRS[::2], _LOOKALIKE_PAIRS[1::2],
                                     strict=True)))
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: a comma between thousands ("1,000"), which OCR may read or drop
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _plain(text: str) -> str:
    """``text`` as OCR would write it: compatibility forms decomposed (the ligature "ﬁ",
    full-width digits), accents composed, the typographic forms of ``_TYPOGRAPHY`` plain;
    in a word of Latin letters, the look-alikes of ``_LOOKALIKES`` Latin ("Metfоrmin"; a
    word of Cyrillic or Greek letters alone is left in its script)."""
    if text.isascii():
        return text  # (the most of a layer's words, and none of those forms: a page of a
        # million words is counted in seconds)
    plain = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    return plain.translate(_LOOKALIKES) if not _LATIN.isdisjoint(plain) else plain


def _norm(text: str) -> str:
    """``text`` compared: plain, punctuation at either end dropped, look-alike letters
    Latin (a word of them alone too: "АСЕ" in Cyrillic is "ACE"), case folded."""
    plain = _THOUSANDS.sub("", strip_punct(_plain(text)))
    return (plain if plain.isascii() else plain.translate(_LOOKALIKES)).casefold()


#: what a layer holds where its font maps a glyph to no character: pdfminer's "(cid:77)"
_CID = re.compile(r"\(cid:\d+\)")
#: the Unicode categories of no printed character: controls, format characters, private
#: use (a font's own glyph codes), surrogates and unassigned code points
_UNPRINTED = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def _readable(text: str) -> bool:
    """Whether ``text`` (plain) is characters the page could print: none of a glyph code,
    a control, the replacement character U+FFFD or a "(cid:NN)"."""
    return not _CID.search(text) and not any(
        c == "\ufffd" or unicodedata.category(c) in _UNPRINTED for c in text)


def _letters(text: str) -> str:
    """The letters and digits of ``text``, look-alikes Latin, case folded."""
    return "".join(c for c in text.translate(_LOOKALIKES).casefold() if c.isalnum())


def _unlike(word: Word, reading: str) -> bool:
    """Whether a layer's ``reading`` of a ``word`` OCR was sure of is unlike it: no
    misreading of the same print (see ``UNLIKE``), nor the word cut at the page's edge
    ("th" for "the": the layer's line cut short), nor a glyph of one or two read
    otherwise ("1" for "l", "lO" for "10": alike in look, never in letters)."""
    ours, theirs = _letters(word.text), _letters(reading)
    return (word.confidence is not None and word.confidence >= SURE
            and max(len(ours), len(theirs)) >= _UNLIKE_LETTERS
            and not (theirs and ours.startswith(theirs))
            and Levenshtein.normalized_similarity(ours, theirs) < UNLIKE)


def _align(keys: list[str], layer: list[str]) -> tuple[int, list[tuple[int, int, int, int]]]:
    """Equal words and the differing blocks ``(i1, i2, j1, j2)`` of ``keys`` and ``layer``."""
    equal = 0
    blocks: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(keys, layer):
        if op.tag == "equal":
            equal += op.src_end - op.src_start
        elif blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1] = (blocks[-1][0], op.src_end, blocks[-1][2], op.dest_end)
        else:
            blocks.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return equal, blocks


def _tokens(lines: list[str]) -> list[str]:
    return [_plain(t) for line in lines for t in line.split() if _norm(t)]


def reads_run(word: Word, n: int) -> bool:
    """Whether a text layer's reading on ``word`` stands for the ``n`` words from it on
    (``n`` of two or more; :func:`compare_layer` gives a run's reading to its first word)."""
    return n > 1 and any(a.source == SOURCE and a.span == n for a in word.alternatives)


def compare_layer(words: list[Word], layer: str | None) -> LayerComparison:
    """``words`` (a page's, in reading order) with the readings of the page's text
    ``layer`` where it differs from them, as alternatives (see the module docstring)."""
    units = [i for i, w in enumerate(words) if _norm(w.text)]
    keys = [_norm(words[i].text) for i in units]
    lines = (layer or "").splitlines()
    size = len(_tokens(lines))
    if size > MAX_RATIO * len(keys) + MAX_EXTRA:
        return LayerComparison(list(words), False, 0.0, 0, 0, layer_words=size,
                               oversized=True)
    best: tuple[int, list[tuple[int, int, int, int]], list[str], bool] | None = None
    for reverse in (False, True):
        tokens = _tokens(lines[::-1] if reverse else lines)
        if not tokens or not keys:
            break
        equal, blocks = _align(keys, [_norm(t) for t in tokens])
        if best is None or equal > best[0]:
            best = (equal, blocks, tokens, reverse)
        if reverse is False and equal >= 0.9 * min(len(keys), len(tokens)):
            break  # (aligned as it is: not worth aligning again)
    if best is None:
        return LayerComparison(list(words), False, 0.0, 0, 0, layer_words=size)
    equal, blocks, tokens, reverse = best
    agreement = equal / min(len(keys), len(tokens))
    if agreement < MIN_AGREEMENT or equal < MIN_EQUAL:
        return LayerComparison(list(words), False, round(agreement, 3), equal, 0, reverse,
                               size)
    read, held = Counter(keys), Counter(_norm(t) for t in tokens)

    def moved(ours: list[str], theirs: list[str]) -> bool:
        # words both read, in another place: the layer holds OCR's words as often as OCR
        # does, and OCR the layer's (a column, a table cell read in another order)
        return (all(held[k] >= read[k] for k in ours)
                and all(read[t] >= held[t] for t in map(_norm, theirs)))

    found: dict[int, tuple[str, int]] = {}  # word: the layer's reading, words it spans
    foreign = 0
    for i1, i2, j1, j2 in blocks:
        if i1 == i2 or j1 == j2 or max(i2 - i1, j2 - j1) > MAX_RUN:
            continue
        if not all(_readable(t) for t in tokens[j1:j2]):
            continue  # the layer's glyphs without a Unicode map here: no reading
        if i2 - i1 == j2 - j1:
            pairs = [(units[i1 + k], tokens[j1 + k]) for k in range(i2 - i1)
                     if not moved([keys[i1 + k]], [tokens[j1 + k]])]
            found.update((i, (t, 1)) for i, t in pairs)
            foreign += sum(1 for i, t in pairs if _unlike(words[i], t))
        elif _letters(" ".join(tokens[j1:j2])) != _letters(" ".join(keys[i1:i2])):
            # (else only spaced or stopped otherwise, "500mg", "Dr..Helen": no other reading)
            # the words of the run read in another place on either side are no reading of
            # its others ("Lisinopril" is not "cholesterol check Lisinoprll")
            ours = [i for i in range(i1, i2) if not moved([keys[i]], [])]
            theirs = [t for t in tokens[j1:j2] if not moved([], [t])]
            if not ours or not theirs:
                continue
            if len(ours) == len(theirs):
                found.update((units[i], (t, 1)) for i, t in zip(ours, theirs, strict=True))
            else:  # (the run's reading, on its first word, spans its words)
                found[units[ours[0]]] = (" ".join(theirs), units[ours[-1]] - units[ours[0]] + 1)
    if foreign >= MIN_FOREIGN:
        return LayerComparison(list(words), False, round(agreement, 3), equal, 0, reverse,
                               size, foreign=foreign)
    out = list(words)
    for i, (text, span) in found.items():
        word = words[i]
        doubt = 1.0 if word.confidence is None else 1.0 - word.confidence
        alternative = Alternative(text=text, confidence=round(doubt, 4), source=SOURCE,
                                  span=span if span > 1 else None)
        out[i] = word.model_copy(update={"alternatives": [
            alternative, *(a for a in word.alternatives if _norm(a.text) != _norm(text))]})
    return LayerComparison(out, True, round(agreement, 3), equal, len(found), reverse, size)
