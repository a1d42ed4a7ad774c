"""Reading an LLM's corrected text back onto the original words, times and boxes.

This module owns :func:`reconcile`: it cleans whatever markup the LLM kept (all of
it, some of it, none of it; of a JSON answer, the field holding the document: the JSON
style's ``text``, or another named so, such as ``corrected_text`` or ``transcript``),
aligns the answer's words with the document's words
(``rapidfuzz.distance.Levenshtein.opcodes`` over word sequences, each changed stretch
re-paired by spelling similarity) and sorts each change into

* ``resolved``: a change on a doubtful span (the spans the prompt marks, given as
  ``prompt=``, or those :func:`uncertain.render.render` marks at the same
  ``threshold`` with no budget), with the original words' provenance;
* ``unchanged``: doubtful spans the answer left as they were, or replaced by another
  span's suggestion and none of their own (a reordered list: no resolution of theirs);
* ``overcorrections``: changes to confident words nobody asked about;
* ``candidate`` (a change's flag): the new text names one of the span's suggestions;
  where the suggestion keeps a dose glued to the name ("metformin500mg" for
  "Metforrnin500mg"), the name with that dose, case and what parts them apart
  ("Metformin 500 mg");
* ``lost_numbers`` (a change's): the numbers of such a dose that the new text does not
  hold ("metformin" or "Metformin 850 mg" for "Metforrnin500mg": "500"), unless the
  answer writes them in words it inserts beside the change; such a change names no
  suggestion, so a reviewer sees the name corrected and the dose the scan read gone;
* ``hedged`` (a change's flag): the answer says it is unsure of its reading, as the
  preamble asks where a drug or dose cannot be settled, in words ("metformin?",
  "metformin or metoprolol", "metformin/metoprolol"; a number per number, "138/86", or a
  unit per day, "mg/day", is no choice left open) or by keeping its reading marked as
  doubtful in the prompt's markup (an inline ``unsure`` tag, a bracket span, a JSON
  answer's ``spans``: the text inside is the new text);
* ``reformatted``: changes to confident words that write the same words otherwise
  (spacing, hyphens, dots: "follow-up" -> "follow up", "38.5 °C" -> "38.5°C",
  "b.i.d." -> "bid"; a number in digits for the words said: "five hundred" -> "500",
  not "fifty" -> "15"; a dose's units and directions abbreviated or spelled out:
  "milligrams by mouth twice daily" -> "mg PO BID"), no change of what they say;

and says how much of the document the answer keeps word for word (``kept``): an answer
that is not a corrected copy at all (a refusal, a summary, a reply in another language)
keeps little of it, and its "changes" are no corrections. An answer that gives each of
the document's lines once in another order (a sorted list) is read in the document's
order, each line against the line it is most like (``reordered``), not aligned line
against line.

A change's new text is the answer's words without their invisible format characters
(zero-width spaces and joiners, soft hyphens, direction marks; a word of nothing else
stays). Words are compared
after NFKC normalisation, case folding, typographic quotes and
dashes read as plain ones and punctuation stripped at both ends, so "Metformin,"
equals "metformin" and "patient’s" "patient's"; a word whose text contains spaces
is compared piece by piece.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein, Opcode

from uncertain._context import classify
from uncertain._markup import (
    BRACKET_NOTE,
    ENTITY,
    INLINE_NOTE,
    PAGE_LINE,
    PREAMBLES,
    STYLES,
    TIME_PREFIX,
    Span,
    Style,
    inline_escape,
    inline_unescape,
)
from uncertain._phones import NUMBER_WORDS, said_words
from uncertain._words import glued_dose
from uncertain.document import BBox, Document, Flag, Word, join_words
from uncertain.lexicon import visible
from uncertain.render import Prompt, _layout, doubtful_spans

__all__ = ["Change", "Reconciliation", "clean_answer", "reconcile"]

ChangeKind = Literal["replace", "delete", "insert"]
#: (source token or None, answer token or None, source position an answer token goes at)
Pairs = list[tuple[int | None, int | None, int]]


@dataclass(frozen=True)
class Change:
    """One edit of the answer, mapped onto ``Document.words[word_start:word_end]``.

    An insertion has ``word_start == word_end`` (the index it goes before); its
    ``start``/``end`` are the gap between the neighbouring words. Words without times of
    their own (a subtitle file's) have their segment's, the cue's. ``span`` is the index
    (into ``Reconciliation.spans``) of the doubtful span the change touches, if any;
    ``outside`` lists the confident words it changed too. ``page``/``bbox`` are the
    first word's page and the union of the boxes of the words on that page. ``aside`` is
    true for lines the answer adds before the document's first word or after its last
    (a preamble such as "Here is the corrected transcript:", a closing note): text of the
    answer's own, not a change of the document's words.
    """

    kind: ChangeKind
    word_start: int
    word_end: int
    original: str
    new: str
    start: float | None = None
    end: float | None = None
    page: int | None = None
    bbox: BBox | None = None
    #: the line of a text file (a plain transcript, numbered from 1) the change starts on;
    #: an insertion's is that of the word after it (the last word's at the end)
    line: int | None = None
    span: int | None = None
    outside: tuple[int, ...] = ()
    #: the new text names one of the span's suggestions: its term or its canonical name
    #: (the brand "Eliquis" suggested, "apixaban"), case, the punctuation at its ends,
    #: spaces, hyphens, dots and trademark signs apart
    candidate: bool = False
    aside: bool = False
    #: confident words written otherwise: only spaces, hyphens and dots differ, apart from
    #: case and the punctuation at words' ends ("follow-up" -> "follow up", "e-GFR" ->
    #: "eGFR", "38.5 °C" -> "38.5°C"); between two digits a space, a dot and a hyphen
    #: differ ("2.5" -> "25", "1-2" -> "12" and "2 5" -> "25" are changes). Never set on
    #: a doubtful span's change: "lie sin oh pril" -> "lisinopril" is its correction
    reformatted: bool = False
    #: the new text says it is unsure, as the preamble asks where a drug or dose cannot be
    #: settled: a question mark the original did not have, a word such as "uncertain",
    #: "unclear", "possibly", "[inaudible]", or on a doubtful span two readings joined by
    #: "or" ("metformin (uncertain)", "metformin or metoprolol", "metformin?"); or the
    #: answer keeps the new text marked as doubtful in the prompt's markup
    #: ("<unsure>metformin</unsure>", "[metformin?]", an entry of a JSON answer's "spans")
    hedged: bool = False
    #: the numbers glued to the name in the span's words (a dose: "Metforrnin500mg", the
    #: suggestion "metformin500mg") that the new text does not hold: "metformin" and
    #: "Metformin 850 mg" both lose "500". Such a change names no suggestion
    #: (``candidate`` is false): the name is corrected, the dose the scan read is gone
    lost_numbers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the change."""
        data = asdict(self)
        data["outside"] = list(self.outside)
        data["lost_numbers"] = list(self.lost_numbers)
        data["bbox"] = None if self.bbox is None else list(self.bbox)
        return data


@dataclass(frozen=True)
class Reconciliation:
    """How an LLM answer relates to the document: resolved spans, untouched spans, overreach."""

    text: str  # the answer with markup removed
    spans: tuple[Span, ...]  # the doubtful spans (those the prompt marked), in reading order
    changes: tuple[Change, ...]
    unchanged: tuple[int, ...] = field(default=())  # indices into spans
    #: the share of the document's words the answer keeps: a confident word as it was
    #: (compared as ``changes`` are), a doubtful span's words when the answer's words in
    #: their place are like them, as a correction is (1.0 for a document without words):
    #: a corrected copy keeps most, a refusal or a summary little ("I cannot help with
    #: that." keeps 0.02 of the sample note; "metformin lisinopril" all of "metfromin
    #: lisinoprl", both doubtful)
    kept: float = 1.0
    #: where each span's words are in the recording, on the page or in the file, as a
    #: change's provenance: ``seconds`` (start, end) for speech and timed text, ``page``
    #: and ``bbox`` for a scan, ``line`` for a text file; empty when the words have none
    places: tuple[dict[str, Any], ...] = field(default=())
    #: the answer gives the document's lines in another order, each once (a sorted list,
    #: sentences moved), or more than half of them so, the others left out (deleted):
    #: they are read in the document's order, each against its own line, and the move is
    #: no change of their words
    reordered: bool = False
    #: what could not be read of the answer, for a person to see: of an answer that
    #: gives only a list of fixes, each fix that names words the document does not hold,
    #: or holds in several places none of which is a doubtful span alone (not mapped);
    #: that the answer is no corrected copy (:attr:`corrected_copy`)
    warnings: tuple[str, ...] = ()
    #: the answer is a corrected copy of the document: it keeps at least half of its
    #: words (``kept`` >= 0.5). When it is not (a refusal, a summary, an empty answer)
    #: its changes are no corrections: :attr:`resolved` is empty, every span is in
    #: ``unchanged`` (still to be checked), ``warnings`` says so, and ``changes`` keeps
    #: the edits as read, a doubtful span's among them
    corrected_copy: bool = True
    #: doubts the answer raised of its own: confident words (in no doubtful span) it kept
    #: as they were but marked as doubtful in the prompt's markup
    #: ("<unsure>ten milligrams</unsure>", "[ten milligrams?]", an entry of a JSON
    #: answer's "spans"), as spans of the document's text (``p`` None, no suggestions),
    #: consecutive words one span, in reading order: words for a person to check too.
    #: A confident word the answer changed and marked is a change, ``hedged``
    raised: tuple[Span, ...] = field(default=())
    #: where each of :attr:`raised` is, as :attr:`places` says of ``spans``
    raised_places: tuple[dict[str, Any], ...] = field(default=())

    @property
    def resolved(self) -> list[Change]:
        """Changes on doubtful spans; none when the answer is no corrected copy
        (:attr:`corrected_copy`): applying a refusal's "changes" would delete the words."""
        if not self.corrected_copy:
            return []
        return [c for c in self.changes if c.span is not None]

    @property
    def overcorrections(self) -> list[Change]:
        """Changes to confident words only (not the answer's asides, nor the same words
        written otherwise: :attr:`reformatted`)."""
        return [c for c in self.changes if c.span is None and not c.aside
                and not c.reformatted]

    @property
    def reformatted(self) -> list[Change]:
        """Changes to confident words that write the same words otherwise
        (``Change.reformatted``: "follow-up" -> "follow up")."""
        return [c for c in self.changes if c.span is None and not c.aside and c.reformatted]

    @property
    def asides(self) -> list[Change]:
        """Lines the answer adds before or after the document (``Change.aside``)."""
        return [c for c in self.changes if c.aside]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: text, kept, corrected_copy, reordered, spans, resolved,
        unchanged, raised, overcorrections, reformatted, asides, warnings."""
        spans = [s.to_dict() | (self.places[k] if k < len(self.places) else {})
                 for k, s in enumerate(self.spans)]
        return {
            "text": self.text,
            "kept": self.kept,
            "corrected_copy": self.corrected_copy,
            "reordered": self.reordered,
            "spans": spans,
            "resolved": [c.to_dict() for c in self.resolved],
            "unchanged": [spans[i] for i in self.unchanged],
            "raised": [s.to_dict() | (self.raised_places[k] if k < len(self.raised_places)
                                      else {}) for k, s in enumerate(self.raised)],
            "overcorrections": [c.to_dict() for c in self.overcorrections],
            "reformatted": [c.to_dict() for c in self.reformatted],
            "asides": [c.to_dict() for c in self.asides],
            "warnings": list(self.warnings),
        }


#: an inline tag, or what an LLM left of one: without its ">" on the line, only the
#: tag's name and attributes go ("amoxicillin</unsure 500 mg.": the dose is text)
_INLINE_TAG = re.compile(r"</?(?:unsure|sure)\b(?:[^<>\n]*>|(?:\s*(?:p|maybe)=\"[^\"\n]*\")*)",
                         re.IGNORECASE)  # (in whatever case the answer wrote it: "<UNSURE>")
_BRACKET_ANY = re.compile(
    r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))"  # an escape, consumed as one unit
    r"|\[((?:\\.|[^\\\[\]?])*)\?(?:\\.|[^\\\[\]])*\]",  # a span: keep its text
    re.DOTALL,
)
#: a Markdown list item's mark at the start of a line ("- ", "* ", "2. ", "3) ")
_LIST_MARK = re.compile(r"^[ \t]*(?:[-*+\u2022\u2023\u25e6](?:[ \t]+\[[ xX]\](?=[ \t]))?|"
                        r"\d{1,3}[.)])[ \t]+", re.MULTILINE)
#: a whole answer in a Markdown code block, with or without a language name
_FENCED = re.compile(r"```[\w-]*[ \t]*\n(.*?)\n?[ \t]*```", re.DOTALL)
#: a segment's time prefix as an answer may write it: as rendered, or without the space
#: after it, or in Markdown emphasis ("**[00:17.8]** "); ``stamp`` is the rendered part.
#: One space goes with it, the one render puts after it: the spaces after that are the
#: line's own indentation ("[00:01.0]  a" is the line " a")
_EMPHASIS = r"(?:\*\*|__|\*|_|`)?"
_ANSWER_TIME = re.compile(_EMPHASIS + r"(?P<stamp>" + TIME_PREFIX.pattern.rstrip(" ")
                          + r")" + _EMPHASIS + r"[ \t]?")
#: such a prefix where it begins a line or follows a space
_TIME_ANYWHERE = re.compile(r"(?:^|(?<=\s))" + _ANSWER_TIME.pattern)
_LOOKS_INLINE = re.compile(r"(?i:</?(?:unsure|sure)\b)|" + ENTITY.pattern)


#: Markdown an answer may write around its words: strong and plain emphasis, both at
#: once ("***metformin***"), code, highlight ("==metformin==", an extension's) (the
#: longer marks first: "***" before "**" before "*"); a mark inside a word is no
#: emphasis ("snake_case", "2*3")
_EMPHASES = tuple((mark, re.compile(
    rf"(?<![\w{re.escape(mark[0])}]){re.escape(mark)}(?=[^\s{re.escape(mark[0])}])"
    rf"([^\n]*?[^\s{re.escape(mark[0])}]){re.escape(mark)}(?![\w{re.escape(mark[0])}])"))
    for mark in ("***", "___", "**", "__", "*", "_", "`", "=="))
#: Markdown's struck-out text: what the answer shows as deleted ("~~met for me~~ metformin")
_STRUCK = re.compile(r"[ \t]?~~(?=\S)[^\n]*?\S~~")
#: HTML's the same: struck-out text, and the tags of emphasis, whose text stays
_HTML_STRUCK = re.compile(r"[ \t]?<(del|s|strike)>[^<>\n]*</\1>", re.IGNORECASE)
#: and any other tag an answer sets round its words, one of its own making as much as
#: HTML's ("<corrected>metformin</corrected>", '<fix from="met for me">metformin</fix>'),
#: but the markup's own
_HTML_TAG = re.compile(r"</?(?!(?:unsure|sure)\b)[A-Za-z][\w:-]*(?:\s+[\w:-]+=(?:\"[^\"\n]*\"|"
                       r"'[^'\n]*'|[^\s<>\"']+))*\s*/?>", re.IGNORECASE)
#: a Markdown quotation's mark at a line's start, an answer's whole text quoted ("> ")
_QUOTED_LINE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
#: a comment, and the inline style's budget note (a comment, or a ``note`` tag as it was),
#: that an answer writes or copies beside its words ("<!-- 2 suggestions cut --> Patient")
_COMMENT = re.compile(r"[ \t]?(?:<!--.*?-->|<note>[^<>\n]*</note>)", re.DOTALL)
#: a word or words in square brackets (no "?", "|" or backslash: no bracket span), as
#: an answer keeps them of the bracket style's markup: "[metformin]" (see _unbracketed);
#: an escape is read as one unit first: "\[a]" is a bracket the markup escaped, the
#: text's own, no bracket round "a"
_BRACKETED = re.compile(r"\\.|\[([^\[\]\n?|\\]+)\]", re.DOTALL)
#: a note an answer writes beside its own fix: "metformin (corrected from 'met for me')",
#: "metformin [originally transcribed as met for me]", "[corrected]", "metformin (was: met
#: for me)"
_FIX_NOTE = re.compile(
    r"[ \t]*[(\[](?:(?:corrected|changed|replaced|fixed|amended|misheard|misspell?ed|"
    r"misspelt|misread|originally|previously|sic|(?:(?:was|were)[ \t]+)?"
    r"(?:transcribed|heard|written|read|spelled|spelt)[ \t]+(?:as|from))\b"
    r"|(?:was|were|formerly|original|orig\.|before|from)[ \t]*:)"
    r"[^()\[\]\n?]*[)\]]", re.IGNORECASE)  # (no "?": a bracket span has one)
#: a Markdown footnote's text on a line of its own ("[^1]: corrected from ..."), and its
#: mark after a word ("metformin[^1]", "metformin [^1]")
_FOOTNOTE_TEXT = re.compile(r"^[ \t]*\[\^(?P<id>[^\[\]\s]{1,20})\]:[ \t]*(?P<text>[^\n]*)\n?",
                            re.MULTILINE)
_FOOTNOTE_MARK = re.compile(r"(?<=\S)[ \t]?\[\^(?P<id>[^\[\]\s]{1,20})\](?!:)")


def _footnotes_inline(text: str) -> str:
    """``text`` with each Markdown footnote of the answer's own written as a note in
    brackets after the word its first mark follows ("metformin[^1]" and "[^1]: corrected
    from 'met for me'" as "metformin (corrected from 'met for me')"), where notes beside
    a fix are read; other marks dropped."""
    notes: dict[str, str] = {}

    def taken(m: re.Match[str]) -> str:
        notes.setdefault(m["id"], " ".join(m["text"].translate(_NO_BRACKETS).split()))
        return ""

    text = _FOOTNOTE_TEXT.sub(taken, text)
    # (at its first mark only: the answer grows by no more than its footnotes)
    return _FOOTNOTE_MARK.sub(lambda m: f" ({notes.pop(m['id'])})" if notes.get(m["id"])
                              else "", text)


_NO_BRACKETS = str.maketrans("", "", "()[]")


#: a footnote's text marked with a symbol, on a line of its own ("*corrected from 'lives
#: in awful'", "† was met for me"): the mark (a run of one to three asterisks, a dagger,
#: a section sign or a superscript digit: the symbols footnotes are marked with), the
#: text right after it
_SYMBOL_NOTE = re.compile(r"^[ \t]*(?P<mark>\*{1,3}|[\u2020\u2021\u00a7\u00b9\u00b2\u00b3])"
                          r"[ \t]?(?P<text>[^\s*\u2020\u2021][^\n]*)$", re.MULTILINE)


#: the symbols of :data:`_SYMBOL_NOTE`: footnotes are looked for only in a text that
#: holds one (each cleaning of an answer's part would scan its lines otherwise)
_SYMBOL_MARKS = "*\u2020\u2021\u00a7\u00b9\u00b2\u00b3"


def _symbol_footnotes(text: str, own: str) -> str:
    """``text`` with each footnote marked with a symbol ("lisinopril*" over a line
    "*corrected from 'lives in awful'") written as a Markdown footnote ("lisinopril[^1]",
    "[^1]: corrected from ..."), read so by :func:`_footnotes_inline`: where the
    document's own text ``own`` holds no such mark, and the text before the note's line
    has the mark right after a word, and nowhere before one (no emphasis: "*met for
    me*"). Three such lines at most: more are a list's (its bullets, "* ...")."""
    if next(itertools.islice(_SYMBOL_NOTE.finditer(text), 3, None), None) is not None:
        return text
    for k in range(3):
        for note in _SYMBOL_NOTE.finditer(text):
            mark, head = note["mark"], text[:note.start()]
            rest = head + text[note.end():]
            after = re.search(rf"(?<=\w){re.escape(mark)}(?![\w*])", head)
            if mark in own or after is None or re.search(
                    rf"(?<![\w*]){re.escape(mark)}(?=\w)", rest):
                continue
            label = f"[^s{k}]"
            text = (head[:after.start()] + label + head[after.end():]
                    + f"{label}: {note['text']}" + text[note.end():])
            break
        else:
            return text
    return text
#: a note an answer writes after its fix naming the words it replaced as what is not
#: meant, or what was there: 'metformin (not "met for me")', "metformin (instead of met
#: for me)", "(rather than ...)", "(was met for me)"; read as a note where the words are
#: quoted or the document holds them ("aspirin (not tolerated)", "(was stopped)" added
#: to a copy are the answer's words)
_NOT_NOTE = re.compile(
    r"(?<![ \t])[ \t]*[(\[][ \t]*(?:not|instead[ \t]+of|rather[ \t]+than|was|were|formerly)"
    r"[ \t]+(?P<quote>[\"'\u201c\u2018`]?)(?P<words>[^()\[\]\n?\"\u201c\u201d`]*?)"
    r"[\"'\u201d\u2019`]?[ \t]*[)\]]",
    re.IGNORECASE)
#: a note after a fix in a copy naming the words it is for, in brackets: "He takes
#: metformin (for met for me) 500 mg", 'metformin (for "met for me")'
_FOR_NOTE = re.compile(
    r"(?<![ \t])[ \t]*[(\[][ \t]*for[ \t]+(?P<quote>[\"'\u201c\u2018`]?)"
    r"(?P<words>[^()\[\]\n?\"\u201c\u201d`]*?)[\"'\u201d\u2019`]?[ \t]*[)\]]", re.IGNORECASE)
#: the most words of a fix before such a note
_FOR_FIX_WORDS = 3


def _names_replaced(m: re.Match[str], own: str) -> bool:
    """Whether the note ``m`` (:data:`_FOR_NOTE`) names the words the fix before it
    replaced: words the document's text ``own`` holds right after the word before the
    fix (of up to :data:`_FOR_FIX_WORDS` words: "takes metformin (for met for me)",
    the document saying "takes met for me"), or quoted words it holds. "metformin (for
    diabetes)" names the drug's use, words of the answer's own."""
    words = m["words"].strip()
    if not words:
        return False
    if m["quote"]:
        return _phrase_held(words, own)
    before = m.string[max(0, m.start() - 300):m.start()].split()
    return any(_phrase_held(f"{before[-1 - k]} {words}", own)
               for k in range(1, min(_FOR_FIX_WORDS, len(before) - 1) + 1))


@functools.lru_cache(maxsize=4)
def _spaced(own: str) -> str:
    """The document's text ``own`` in one case, a space for each run of spaces, with a
    space at each end."""
    return f" {' '.join(own.split()).casefold()} "


@functools.lru_cache(maxsize=1024)
def _phrase_held(words: str, own: str) -> bool:
    """:func:`_held` of ``words``, looked for first as they are spaced in the text (a
    note's words, each note of an answer: most are held nowhere)."""
    return " ".join(words.split()).casefold() in _spaced(own) and _held(words, own)


#: a line that labels what follows as the document before or after the answer's fixes
#: ("Original:", "**Corrected transcript:**", "Revised sentence:", "Corrected line 3:",
#: "Before:", "After:", "Old:", "New:"); the word it opens with names which
_LABEL = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?P<which>original|before|old|heard|transcribed|corrected|"
    r"correction|revised|fixed|after|new|meant|intended)"
    r"(?:[ \t]+(?:text|transcript|transcription|version|document|note|dictation|sentence|"
    r"line|lines|paragraph|passage)(?:[ \t]+\d{1,4})?)?"
    r"[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*",
    re.IGNORECASE | re.MULTILINE)
#: the words such a label names the document before the fixes with
_BEFORE_LABELS = frozenset({"original", "before", "old", "heard", "transcribed"})


def _unfenced(answer: str) -> str:
    """``answer`` without the code block it is wholly in (```json ... ```), if it is."""
    fenced = _FENCED.fullmatch(answer.strip())
    return fenced.group(1) if fenced else answer


def _corrected_part(answer: str, own: str) -> str:
    """``answer`` without the labels an answer may set its document under: the part
    after "Corrected:" where it also gives the "Original:"; a first "Corrected:" label
    dropped. Labels the document's own text ``own`` holds are text."""
    labels = [m for m in _LABEL.finditer(answer) if m.group().strip() not in own]
    if not labels:
        return answer
    fixed = [k for k, m in enumerate(labels) if m["which"].casefold() not in _BEFORE_LABELS]
    if not fixed:
        return answer
    if len(fixed) == len(labels):  # "Corrected: ..." alone: the label goes
        first = labels[0]
        if answer[:first.start()].strip():
            return answer
        # (and so does each after it: "Corrected line: ...", a line given fixed each)
        return "".join(answer[m.end():n.start() if n is not None else len(answer)]
                       for m, n in zip(labels, [*labels[1:], None], strict=True))
    k = fixed[-1]  # the version the answer ends on, up to the next label
    end = labels[k + 1].start() if k + 1 < len(labels) else len(answer)
    return answer[labels[k].end():end].strip("\n")


#: a Markdown table's row that parts its header from its body ("|---|:--:|")
_TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?")
#: a cell's edge in a table row (not an escaped "\|", which is the cell's text)
_TABLE_PIPE = re.compile(r"(?<!\\)\|")


def _untabled(text: str, own: str = "") -> str:
    """``text`` without the Markdown tables' layout an answer set the document out in:
    the rows of dashes under a header go, and the pipes between the cells of a row
    (a line that begins and ends with "|", or one of a block of lines with "|" round such
    a row of dashes) are spaces ("| 2 | lisinopril | 10 mg |" is "2 lisinopril 10 mg"), and
    a cell that holds a time alone goes, unless the document's own text ``own`` holds
    it, and so does a row's first cell that holds a number alone (the column of line
    numbers an answer set the lines in: "| 2 | lisinopril 10 mg |"), unless a line of the
    document starts with a number."""
    lines = text.split("\n")
    rules = [k for k, line in enumerate(lines) if "|" in line and _TABLE_RULE.fullmatch(line)]
    rows = {k for k, line in enumerate(lines)
            if len(line.strip()) > 1 and line.strip()[0] == line.strip()[-1] == "|"}
    for k in rules:
        for step in (-1, 1):
            at = k + step
            while 0 <= at < len(lines) and "|" in lines[at] and at not in rules:
                rows.add(at)
                at += step
    for k in rules:
        lines[k] = ""
    numbered = not _NUMBER_START.search(own)
    for k in rows - set(rules):
        cells = _TABLE_PIPE.split(lines[k])
        first = next((n for n, cell in enumerate(cells) if cell.strip()), None)
        cells = [cell for n, cell in enumerate(cells)
                 if not (_TIME_CELL.fullmatch(cell) and cell.strip(" \t[]()") not in own)
                 and not (numbered and n == first and _NUMBER_CELL.fullmatch(cell))]
        lines[k] = " ".join(cells).replace("\\|", "|")
    return "\n".join(lines)


#: a table's cell that holds a number alone ("| 2 |", "| 2. |"): a line's number
_NUMBER_CELL = re.compile(r"[ \t]*\d{1,4}[.)]?[ \t]*")
#: a line that starts with a number
_NUMBER_START = re.compile(r"^[ \t]*\d", re.MULTILINE)
#: a table's cell that holds a segment's time alone ("| 00:04.2 |", "| [00:04.2] |"): the
#: time prefix the answer set in a column of its own, no word
_TIME_CELL = re.compile(r"[ \t]*[\[(]?\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?[\])]?[ \t]*")


def _unmarked(text: str, own: str) -> str:
    """``text`` without Markdown's (or HTML's) emphasis, code marks, quotation marks at
    the lines' starts, paragraphs and line breaks, table pipes and rules, struck-out
    words and comments (the budget's note copied among them), the notes
    an answer writes beside its fixes, and the square brackets it kept of bracket markup,
    unless the document's own text ``own`` holds such marks."""
    holds = _own_marks(own)
    if not holds["#"]:  # (before a table's pipes go: its "| # |" column is no heading)
        text = _HEADING.sub("", text)
    if not holds["|"] and "|" in text:
        text = _untabled(text, own)
    if not holds["~~"]:
        text = _STRUCK.sub("", text)
    if not holds[">"]:
        text = _QUOTED_LINE.sub("", text)
    if not holds["<"]:
        text = _HTML_TAG.sub("", _HTML_STRUCK.sub("", _COMMENT.sub("", text)))
    for _ in range(3):  # (emphasis inside emphasis, "_**metformin**_", goes too)
        before = text
        for mark, pattern in _EMPHASES:
            if not holds[mark]:
                text = pattern.sub(r"\1", text)
        if text == before:
            break
    if any(mark in text for mark in _SYMBOL_MARKS) and "[^" not in own:
        text = _symbol_footnotes(text, own)
    if "[^" in text and "[^" not in own:
        text = _footnotes_inline(text)
    text = _FIX_NOTE.sub(lambda m: m.group() if m.group().strip() in own else "", text)
    text = _NOT_NOTE.sub(lambda m: "" if m.group().strip() not in own and (
        m["quote"] or (m["words"].strip() and _held(m["words"], own))) else m.group(), text)
    if "for" in text:
        text = _FOR_NOTE.sub(lambda m: "" if m.group().strip() not in own
                             and _names_replaced(m, own) else m.group(), text)
    return text if holds["["] else _BRACKETED.sub(
        lambda m: m.group() if _bracketed_aside(m, own) else _unbracketed(m), text)


#: a label that opens a note of the answer's own, a word or three and a colon ("Note: ",
#: "Transcriber's note: ", "Comment: ")
_ASIDE_LABEL = re.compile(r"[ \t]*(?P<label>[^\W\d_][\w'\u2019-]*(?:[ \t]+[\w'\u2019-]+){0,2}"
                          r"[ \t]*:)[ \t]+\S")


def _bracketed_aside(m: re.Match[str], own: str) -> bool:
    """Whether ``[words]`` is a note the answer sets in brackets, labelled as one
    ("[Note: the drug name was hard to hear]"), no word of the document's in bracket
    markup: its text stays as written, brackets and all (a label the document's own
    text ``own`` holds where the answer has it, after the same word or at the start,
    "[Dose: fifteen]", is its words'; one it holds elsewhere, a "Note:" of its own,
    is the note's)."""
    label = _ASIDE_LABEL.match(m.group(1) or "")
    if label is None:
        return False
    before = m.string[:m.start()].split()[-1:]
    return not _held(" ".join([*before, label["label"]]), own)


@functools.lru_cache(maxsize=4)
def _own_marks(own: str) -> dict[str, bool]:
    """Which of the marks :func:`_unmarked` removes the document's own text ``own`` holds
    (looked for once a document, not once a line or a cell of an answer)."""
    holds = {mark: mark in own for mark in ("|", "~~", "[", *(m for m, _ in _EMPHASES))}
    holds[">"] = bool(_QUOTED_LINE.search(own))
    # (a "<" of the text's own, "BP < 130/80", "<5 mg", is no tag: an answer's are markup)
    holds["<"] = bool(_TAG_LIKE.search(own))
    holds["#"] = bool(_HEADING.search(own))
    return holds


#: what in a document's own text may be a tag or a comment ("<b", "</", "<!--")
_TAG_LIKE = re.compile(r"<[/!A-Za-z]")
#: a Markdown heading's marks at a line's start ("## Medications")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)


#: what goes before a task list's box on its line: a bullet (looked for in the few
#: characters before the box, a line's start among them)
_TASK_BOX_BEFORE = re.compile(r"\n[ \t]*[-*+\u2022][ \t]+\Z")


def _unbracketed(m: re.Match[str]) -> str:
    """The words of ``[words]``, of "[met for me → metformin]" the fix after the arrow;
    "[inaudible]", "[verify]" (a hedge, the brackets say it is no word said) and
    "[00:01.5]" (a time, no word) stay as they are."""
    inner = m.group(1)
    if inner is None:  # an escape, kept as it is
        return m.group()
    if inner in "xX" and _TASK_BOX_BEFORE.search(m.string[max(0, m.start() - 40):m.start()]
                                                  if m.start() > 40 else
                                                  "\n" + m.string[:m.start()]):
        return m.group()  # (a task list's ticked box, "- [x] ": a list's mark)
    if _hedges(m.group()) or not any(c.isalpha() for c in inner):
        return m.group()
    fix = _ARROW.split(inner, maxsplit=1)  # "[met for me → metformin]": the fix shown
    return fix[1] if len(fix) == 2 and fix[0].strip() and fix[1].strip() else inner


#: an arrow an answer shows a fix with, between the words read and their fix
_ARROW = re.compile(r"(?:[ \t]+(?:-{1,2}>|={1,2}>)[ \t]+|[ \t]*(?:\u2192|\u27f6|\u2794|\u21d2|"
                    r"\u279c|\u279d|\u279e|\u27a1\ufe0f?|\u27f9|\u21e8)[ \t]*)")


#: where the answer keeps a stretch marked as doubtful (a span's markup round its text):
#: two characters put in while the markup is removed (see :func:`_doubts`), private-use
#: ones the answer does not hold (:func:`_marks_for`): a transcript may hold any
#: character, these too
_DOUBT_MARKS: ContextVar[tuple[str, str]] = ContextVar(
    "_DOUBT_MARKS", default=("\U0010fffc", "\U0010fffd"))


@contextmanager
def _marks_for(*texts: str) -> Iterator[None]:
    """Within the block, :data:`_DOUBT_MARKS` are two characters no text of ``texts``
    holds."""
    taken = set().union(*texts)
    free = (chr(code) for code in range(0x10FFFD, 0xF0000, -1) if chr(code) not in taken)
    token = _DOUBT_MARKS.set((next(free), next(free)))
    try:
        yield
    finally:
        _DOUBT_MARKS.reset(token)


def _doubts(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` without the marks of :data:`_DOUBT_MARKS`, and the stretches of it they
    enclosed (an opening mark without its closing one encloses nothing)."""
    opening, closing = _DOUBT_MARKS.get()
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    at = 0
    for piece in re.split(f"([{opening}{closing}])", text):
        if piece == opening:
            opened = at
        elif piece == closing:
            if opened is not None and opened < at:
                spans.append((opened, at))
            opened = None
        else:
            out.append(piece)
            at += len(piece)
    return "".join(out), spans


def _inline_doubt(m: re.Match[str]) -> str:
    """What goes for an inline tag: a span's (``unsure``) opening and closing tags mark
    the text between them as doubtful, a ``sure`` tag goes."""
    tag = m.group().casefold()
    opening, closing = _DOUBT_MARKS.get()
    if tag.startswith("<unsure"):
        return opening
    return closing if tag.startswith("</unsure") else ""


def _bracket_bare(m: re.Match[str]) -> str:
    """A bracket span without its ``p`` and suggestions (``[x?]``), an escape as it is:
    what they hold is no text of the answer's, whatever marks it writes."""
    return m.group() if m.group(4) is None else f"[{m.group(4)}?]"


def _bracket_clean(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(4) is not None:  # a span the answer keeps marked: its text, doubtful
            opening, closing = _DOUBT_MARKS.get()
            return opening + _bracket_clean(m.group(4)) + closing
        hexa = m.group(1) or m.group(2)
        if hexa:
            code = int(hexa, 16)
            return chr(code) if code <= 0x10FFFF else m.group()
        return "\n" if m.group(3) == "n" else m.group(3)

    return _BRACKET_ANY.sub(sub, text)


#: where a JSON answer's object may start: the answer's start, or a line's
_OBJECT_START = re.compile(r"^[ \t]*\{", re.MULTILINE)


def _json_text(answer: str, own: str = "") -> str | None:
    """The document's text of :func:`_json_answer`, or None."""
    found = _json_answer(answer, own)
    return None if found is None else found[0]


def _json_answer(answer: str, own: str = "") -> tuple[str, Any] | None:
    """The document's text in a JSON object of ``answer`` (the JSON style's ``text``, or
    another field that holds it: :func:`_document_field`): the whole answer, or an
    object that begins a line of it, after a preface ("Here is the corrected JSON:"),
    in a code block, or before a closing note; None when there is none. An object the
    document's own text ``own`` holds is none."""
    found = _json_object(answer, own)
    return None if found is None else (found[1], found[0].get("spans"))


def _json_object(answer: str, own: str = "") -> tuple[dict[str, Any], str] | None:
    """The JSON object of :func:`_json_answer` and its document's text, or None (of a
    whole answer that is a list of the document's segments, each an object with its
    ``text``, an empty object and their lines)."""
    whole = answer.strip()
    if whole.startswith("[") and whole.endswith("]") and not (own and whole in own):
        try:
            items = json.loads(whole)
        except ValueError:
            items = None
        lines = _segments_text(items)
        if lines is not None:
            return {}, lines
    decoder = json.JSONDecoder()
    for k, m in enumerate(_OBJECT_START.finditer(answer)):
        if k == 20:  # (an answer of many lines opening with "{" is no JSON answer)
            break
        try:
            data, end = decoder.raw_decode(answer, m.end() - 1)
        except ValueError:
            continue
        text = _document_field(data) if isinstance(data, dict) else None
        if text is None and isinstance(data, dict):  # ({"segments": [{"text": ...}, ...]})
            texts = [t for v in data.values() for t in (_segments_text(v),) if t is not None]
            text = texts[0] if len(texts) == 1 else None
        if text is not None and not (own and answer[m.end() - 1:end] in own):
            return data, text
    return None


def _segments_text(items: Any) -> str | None:
    """The document's lines of a JSON answer's list of its segments, each an object with
    its ``text`` ("time" or others beside it: ``[{"time": "00:00.0", "text": "..."}]``),
    no fix's fields among them; None for any other value."""
    if not isinstance(items, list) or not items or not all(
            isinstance(item, dict) and isinstance(item.get("text"), str)
            and _fix_of(item) is None for item in items):
        return None
    return "\n".join(item["text"] for item in items)


#: a JSON answer's fields that are no note of the answer's: the JSON style's own (its
#: "note", the budget's, copied, says no doubt: "2 suggestions cut")
_JSON_OWN = frozenset({"text", "spans", "segments", "pages"})


def _json_notes(answer: str, own: str) -> list[str]:
    """The notes a JSON answer writes in fields beside its document's ("notes": "not
    sure of omeprazole", "uncertain": ["omeprazole"]; an object in them is one note),
    each after its field's name's words ("uncertain: omeprazole"), for :func:`_doubted`;
    not the JSON style's fields, nor the document before the fixes ("original_text")."""
    found = _json_object(answer, own)
    if found is None:
        return []
    data, text = found
    notes: list[str] = []

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, dict):  # (one note: {"from": ..., "to": ..., "note": ...})
            yield ", ".join(said for item in value.values() for said in strings(item))

    for key, value in data.items():
        if key in _JSON_OWN or value is text or _key_words(key) & _BEFORE_WORDS:
            continue
        name = " ".join(sorted(_key_words(key)))
        notes += [f"{name}: {said}" for said in strings(value) if said.strip()]
    return notes


def _word_edge(text: str, at: int) -> bool:
    """Whether offset ``at`` of ``text`` is at a word's edge (no letter or digit on both
    sides of it)."""
    return not (0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum())


def _json_doubts(text: str, spans: Any) -> str:
    """``text`` with the JSON answer's ``spans`` (the stretches it keeps marked as
    doubtful) enclosed in the two :data:`_DOUBT_MARKS`. A span that gives its
    ``text`` is where that text is: at its offsets, else the whole-word place of it
    nearest them (none: the span, the rendered one given back after its text was fixed,
    says nothing); one without its text is at its offsets when they are a word's edges."""
    if not isinstance(spans, list):
        return text
    found: list[tuple[int, int]] = []
    for span in spans:
        if not isinstance(span, dict):
            continue
        start, end, said = span.get("start"), span.get("end"), span.get("text")
        at = start if isinstance(start, int) and not isinstance(start, bool) else None
        if isinstance(said, str) and said.strip():
            places = [m.start() for m in re.finditer(re.escape(said), text)
                      if _word_edge(text, m.start()) and _word_edge(text, m.end())]
            if places:
                first = min(places, key=lambda k: abs(k - (at or 0)))
                found.append((first, first + len(said)))
        elif (at is not None and isinstance(end, int) and not isinstance(end, bool)
              and 0 <= at < end <= len(text) and _word_edge(text, at)
              and _word_edge(text, end) and text[at:end].strip()):
            found.append((at, end))
    out, last = text, len(text) + 1
    opening, closing = _DOUBT_MARKS.get()
    for a, b in sorted(set(found), reverse=True):  # from the end; an overlapping one goes
        if b <= last:
            out = out[:a] + opening + out[a:b] + closing + out[b:]
            last = a
    return out


#: the words of a JSON field's name that say it holds the document ("corrected_text",
#: "transcript", "correctedOutput"), those that say it holds the one before the fixes,
#: and those that say it is the fixed one
_DOCUMENT_WORDS = frozenset({"text", "transcript", "transcription", "corrected", "correction",
                             "revised", "fixed", "output", "document", "content", "result",
                             "answer", "cleaned"})
_BEFORE_WORDS = frozenset({"original", "source", "input", "raw", "old"})
_AFTER_WORDS = frozenset({"corrected", "correction", "revised", "fixed", "cleaned", "output"})


def _key_words(name: str) -> set[str]:
    """The words of a field's name: "correctedText" and "corrected_text" are both
    {"corrected", "text"}."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return {w.casefold() for w in re.split(r"[\W_]+", spaced) if w}


def _document_field(data: dict[str, Any]) -> str | None:
    """The string of a JSON answer's object that holds the document: the JSON style's
    ``text``; else its only string field; else the one field whose name says it is the
    document ("corrected_text", "transcript", "output"; of several, the one whose name
    says it is corrected, never the "original_text"); None when there is none."""
    if isinstance(data.get("text"), str):
        return str(data["text"])
    strings = {k: v for k, v in data.items() if isinstance(v, str)}
    if len(strings) == 1:
        return next(iter(strings.values()))
    named = [k for k in strings if _key_words(k) & _DOCUMENT_WORDS
             and not _key_words(k) & _BEFORE_WORDS]
    if len(named) > 1:
        named = [k for k in named if _key_words(k) & _AFTER_WORDS]
    return strings[named[0]] if len(named) == 1 else None


def _detect(answer: str, own: str = "") -> Style | None:
    """The style whose markup ``answer`` holds; what the document's own text ``own``
    holds (a note's "[?]", a page's "AT&amp;T") is no sign of markup."""
    for name in STYLES:
        if _echoes_preamble(answer, name, own):
            return name
    if _json_text(answer, own) is not None:
        return "json"
    if any(m.group() not in own for m in _LOOKS_INLINE.finditer(answer)):
        return "inline"
    if any(m.group(4) is not None and m.group() not in own
           for m in _BRACKET_ANY.finditer(answer)):
        return "bracket"
    note = BRACKET_NOTE.match(answer)
    if note is not None and note.group() not in own:
        return "bracket"
    return None


def _echoes_preamble(answer: str, style: Style, own: str) -> bool:
    """Whether ``answer`` begins with ``style``'s preamble, given back with the prompt: not
    the document's own words when its text ``own`` begins so (a transcript that quotes
    it), unless the answer holds the preamble's first sentence more often than the
    document does (the preamble, then the document)."""
    preamble = PREAMBLES[style]
    if not answer.startswith(preamble):
        return False
    first = preamble.split(". ", 1)[0]  # (no markup in it: escaped or not, the same)
    return not own.startswith(preamble) or answer.count(first) > own.count(first)


def clean_answer(answer: str, *, style: Style | None = None, document_text: str = "") -> str:
    """Remove the markup, structure lines and preamble an LLM answer may have kept.

    ``style=None`` guesses the style from the answer; text with no markup is left as
    it is, apart from time prefixes and page markers, which are removed unless the
    rendered document's own text (``document_text``) holds them: a transcript that
    came with its own "[00:05.8]" or "--- page 1 ---" lines, whose markup-like strings
    ("[?]", "&amp;") are no sign of a style either.
    Tolerant: a half-removed tag or an unknown escape is dropped or kept, never fatal.
    """
    with _marks_for(answer, document_text):
        return _doubts(_clean(answer, style, document_text))[0]


def _clean(answer: str, style: Style | None, document_text: str) -> str:
    """:func:`clean_answer`, the stretches the answer keeps marked as doubtful (in its
    style's markup, or a JSON answer's ``spans``) enclosed in the two
    :data:`_DOUBT_MARKS` (which the caller makes characters ``answer`` does not hold:
    :func:`_marks_for`)."""
    if style is not None and style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    answer = _unfenced(answer)
    own = document_text
    answer = _corrected_part(answer, own)
    detected = _detect(answer, own)
    if detected is None and own:
        # no markup but what the document's own text holds: the answer's "&amp;", "\\" or
        # "[x?]" may be the document's own, written as they are, or a style's escapes of
        # its "&", "\" or "[x?]" (the markup dropped, the rest copied as it was shown):
        # read as the one that keeps more of its words; a tie, as the forced style, else
        # as plain text
        signs: tuple[tuple[Style, re.Pattern[str]], ...] = (
            ("inline", ENTITY), ("bracket", _BRACKET_ESCAPE))
        tried = [style] if style is not None else [
            name for name, sign in signs if sign.search(answer)]
        readings = [_clean_as(answer, name, own) for name in tried]
        readings.insert(len(readings) if style is not None else 0,
                        _clean_as(answer, None, own))
        return max(readings, key=lambda text: _kept_tokens(text, own)) \
            if len(readings) > 1 else readings[0]
    return _clean_as(answer, style or detected, own)


#: an escape of the bracket style's: a backslash before a character
_BRACKET_ESCAPE = re.compile(r"\\.", re.DOTALL)


def _kept_tokens(text: str, own: str) -> int:
    """How many of the document's own words (as written, counted as often as it has
    them) ``text`` holds, the stretches it keeps marked as doubtful apart."""
    opening, closing = _DOUBT_MARKS.get()
    return sum((Counter(text.replace(opening, "").replace(closing, "").split())
                & Counter(own.split())).values())


def _clean_as(answer: str, found: Style | None, document_text: str) -> str:
    """:func:`_clean` of an answer read in the style ``found`` (None: no markup)."""
    own = document_text
    # an answer that kept the markup kept its escapes too: a line of the document's own
    # that looks like structure is escaped there, and the lines that look so are structure
    own_lines = frozenset(own.split("\n")) if own and found is None else frozenset()
    if found is not None:
        own = ""
    if found is not None and _echoes_preamble(answer, found, document_text):
        answer = answer[len(PREAMBLES[found]):]
        answer = answer[2:] if answer.startswith("\n\n") else answer.lstrip("\n")
    if found == "json":
        decoded = _json_answer(answer)
        if decoded is not None:
            return _unmarked(_left_p(_json_doubts(*decoded), document_text), document_text)
    lines = []
    for line in answer.split("\n"):
        if line not in own_lines and (  # (the document's own "[! urgent]" is text)
                PAGE_LINE.fullmatch(line)
                or (found != "bracket" and INLINE_NOTE.fullmatch(line))
                or (found != "inline" and BRACKET_NOTE.fullmatch(line))):
            continue
        glued = None if line in own_lines or found == "inline" else BRACKET_NOTE.match(line)
        if glued is not None and glued.group() not in document_text:
            line = line[glued.end():].lstrip(" \t")  # (the note, the first line after it)
        prefix = _ANSWER_TIME.match(line)
        lines.append(line[prefix.end():] if prefix and not (
            own and prefix["stamp"] in own) else line)
    text = "\n".join(lines)
    if found == "bracket":  # (a span's p and suggestions are no text: "<!--" in one is none)
        text = _BRACKET_ANY.sub(_bracket_bare, text)
    text = _left_p(text, document_text)
    text = (_unmarked_between_tags(text, document_text) if found == "inline"
            else _unmarked(text, document_text))
    if found == "inline":
        if _escaped_again(text, document_text):
            text = inline_unescape(text, strict=False)
        text = inline_unescape(_INLINE_TAG.sub(_inline_doubt, text), strict=False)
        # an entity still there that the document does not hold was escaped twice
        # ("&amp;lt;"): the answer's escape, no text of the document's
        return ENTITY.sub(lambda m: m.group() if m.group() in document_text
                          else inline_unescape(m.group(), strict=False), text)
    if found == "bracket":
        return _bracket_clean(text)
    return text


#: an inline tag the answer escaped as text ("&lt;unsure p=&quot;0.15&quot;&gt;"): the whole
#: answer escaped once more, as a page's HTML is
_ESCAPED_TAG = re.compile(r"&(?:lt|#0*60|#[xX]0*3[cC]);/?(?:unsure|sure)\b[^\n]*?"
                          r"&(?:gt|#0*62|#[xX]0*3[eE]);", re.IGNORECASE)


def _escaped_again(text: str, own: str) -> bool:
    """Whether the inline answer ``text`` was escaped once more as a whole, as a page's
    HTML is: it holds no tag but the document's own (``own``), and a tag escaped that is
    none of the document's own escaped as the markup escapes them ("&lt;/unsure&gt;" of
    a transcript that says "</unsure>")."""
    if any(m.group() not in own for m in _INLINE_TAG.finditer(text)):
        return False
    shown = inline_escape(own)
    return any(m.group() not in shown for m in _ESCAPED_TAG.finditer(text))
def _unmarked_between_tags(text: str, own: str) -> str:
    """:func:`_unmarked` of an inline answer's ``text``, its tags as they are: what a
    tag's attributes hold is no mark of the words' (a suggestion "[" paired with a "]"
    of the span's words, '<unsure maybe="[">a]a</unsure>', was read as words in
    brackets, and both brackets dropped: "aa"). Each tag stands in for the while as one
    private-use character the answer does not hold: no space, no letter, no mark."""
    tags = [m.group() for m in _INLINE_TAG.finditer(text)]
    base = 0xF0000  # (plane 15, private use: 65,534 places)
    if not tags or len(tags) > 0xFFFE or any(base <= ord(c) <= 0xFFFFF for c in text):
        return _unmarked(text, own)
    places = iter(range(len(tags)))
    held = _INLINE_TAG.sub(lambda m: chr(base + next(places)), text)
    bare = _unmarked(held, own)
    return re.sub("[\U000F0000-\U000FFFFD]", lambda m: tags[ord(m.group()) - base], bare)


#: what a bracket span leaves after a word when the answer drops its brackets: its "?p"
#: (or "?ok"), with the suggestions after it ("metformin?0.15|metformin/Metreton")
_LEFT_P = re.compile(r"(?<![^\s(\"'])(?P<word>[^\s\[\]?\\]+)\?(?P<p>\d\.\d{1,2}|ok)"
                     r"(?:\|[^\s\[\]]*)?(?=[\s.,;:!)]|$)")


def _left_p(text: str, own: str) -> str:
    """``text`` without what bracket spans left of their markup after a word
    (:data:`_LEFT_P`) that the document's own text ``own`` does not hold: the word stays,
    kept marked as doubtful as a bracket span round it is ("metformin?0.15"), a verified
    one's ("?ok") as it is."""
    if "?" not in text:
        return text
    opening, closing = _DOUBT_MARKS.get()

    def sub(m: re.Match[str]) -> str:
        if m.group() in own:
            return m.group()
        return m["word"] if m["p"] == "ok" else opening + m["word"] + closing

    return _LEFT_P.sub(sub, text)


#: typographic marks an answer may write for the plain ones ("patient’s", "10–20")
_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
                              "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-",
                              "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


#: a mark around a word that is no punctuation to Unicode: Markdown's code (`metformin`)
_MARKS = frozenset("`")


@functools.lru_cache(maxsize=65536)
def _key(token: str) -> str:
    # (without what does not show: zero-width spaces and joiners, a soft hyphen)
    norm = unicodedata.normalize("NFKC", visible(token)).casefold().translate(_TYPOGRAPHIC)
    start, end = 0, len(norm)
    while start < end and (unicodedata.category(norm[start]).startswith("P")
                           or norm[start] in _MARKS):
        start += 1
    while end > start and (unicodedata.category(norm[end - 1]).startswith("P")
                           or norm[end - 1] in _MARKS):
        end -= 1
    return norm[start:end] or norm


def _located(doc: Document) -> list[Word]:
    """The document's words, each without its own times given its segment's: a subtitle
    cue's words share the cue's start and end."""
    out: list[Word] = []
    for segment in doc.segments:
        for word in segment.words:
            if word.start is None and word.end is None and segment.start is not None:
                word = word.model_copy(update={"start": segment.start, "end": segment.end})
            out.append(word)
    return out


#: for a page turned by so many degrees before it was read (``Page.rotation``), the
#: edges of a word's box (x0, y0, x1, y1 as indexes) where its reading starts and ends: a
#: page read turned 90 degrees runs up the image, one turned 180 from right to left
_READING_EDGES = {0: (0, 2), 90: (3, 1), 180: (2, 0), 270: (1, 3)}


def _point(box: BBox, edge: int) -> BBox:
    """A box of no width (or height) on ``edge`` of ``box``, as long as the box's side."""
    x0, y0, x1, y1 = box
    if edge in (0, 2):
        return (box[edge], y0, box[edge], y1)
    return (x0, box[edge], x1, box[edge])


def _lines(doc: Document) -> list[int | None] | None:
    """The line of the file each word of a text document is on (None for other kinds)."""
    if doc.source.modality != "text":
        return None
    return [segment.line for segment in doc.segments for _ in segment.words]


def _provenance(words: list[Word], first: int, stop: int,
                turns: dict[int, int] | None = None,
                lines: list[int | None] | None = None) -> dict[str, Any]:
    line = (lines[min(first, len(lines) - 1)] if lines else None)
    if first == stop:  # an insertion: the gap between the neighbours
        before = words[first - 1] if first > 0 else None
        after = words[first] if first < len(words) else None
        start, end = before.end if before else None, after.start if after else None
        if start is not None and end is not None and end < start:
            # neighbours that overlap: words of one subtitle cue share its times
            start, end = end, start
        # on a scan, the point it goes at: a box of no width where the word before it
        # ends (where the word after it starts, at the start), as high as that word, in
        # the reading direction of its page (a turned page's runs up or leftwards)
        place: dict[str, Any] = {"start": start, "end": end, "line": line}
        for word, side in ((before, 1), (after, 0)):
            if word is not None and word.bbox is not None:
                turned = (turns or {}).get(word.page or 0, 0) % 360
                edge = _READING_EDGES.get(turned, _READING_EDGES[0])[side]
                place.update(page=word.page, bbox=_point(word.bbox, edge))
                break
        return place
    chosen = words[first:stop]
    starts = [w.start for w in chosen if w.start is not None]
    ends = [w.end for w in chosen if w.end is not None]
    page = next((w.page for w in chosen if w.page is not None), None)
    boxes = [w.bbox for w in chosen if w.bbox is not None and w.page == page]
    bbox: BBox | None = None
    if boxes:
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
    return {"start": min(starts) if starts else None, "end": max(ends) if ends else None,
            "page": page, "bbox": bbox, "line": line}


#: the longest run of spaces and tabs an answer is read with (a longer one cut to it, or
#: to the document's own longest): several readings look for blanks before a mark, and a
#: search tried at each blank of a run scans the rest of it, so three bullets of 1,000
#: spaces took over a minute; no reading gives a run of blanks longer than this a meaning
#: of its own (a nested list's or a YAML block's indentation is a few; a table's padding
#: is cut off its cells). A line of 8,000 words each followed by 16 blanks reads in 1.1 s
_LONGEST_BLANKS = 16
_BLANK_RUN = re.compile(rf"[ \t]{{{_LONGEST_BLANKS + 1},}}")


def _capped_blanks(answer: str, own: str) -> str:
    """``answer`` with each run of spaces and tabs longer than :data:`_LONGEST_BLANKS`,
    and than the longest in the document's text ``own``, cut to that length (its first
    characters kept)."""
    if _BLANK_RUN.search(answer) is None:
        return answer
    longest = max((len(m.group()) for m in _BLANK_RUN.finditer(own)), default=0)
    cap = max(_LONGEST_BLANKS, longest)
    return re.sub(rf"[ \t]{{{cap + 1},}}", lambda m: m.group()[:cap], answer)


#: an HTML entity by name ("&rarr;", "&nbsp;"; a numbered one, "&#x5B;", is of the
#: prompt's inline markup's escapes too, read with it)
_HTML_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]{1,31};")
#: what the prompt's inline markup escapes by name ("&lt;", "&amp;"): read with the markup
_MARKUP_SIGNS = frozenset("<>&\"'")


def _unentitied(answer: str, own: str) -> str:
    """``answer`` with the HTML entities it writes for characters by name ("&rarr;" for
    "→", "&nbsp;", "&mdash;"), as an answer given as HTML does, read as those characters;
    an entity the document's text ``own`` holds stays, as do those of the characters the
    prompt's markup escapes ("&lt;", "&amp;": read with the markup)."""
    if "&" not in answer:
        return answer

    def sub(m: re.Match[str]) -> str:
        said = html.unescape(m.group())
        return (m.group() if said == m.group() or _MARKUP_SIGNS.intersection(said)
                or m.group() in own else said)

    return _HTML_ENTITY.sub(sub, answer)


def reconcile(
    doc: Document,
    llm_output: str,
    *,
    style: Style | None = None,
    threshold: float | None = None,
    prompt: Prompt | None = None,
) -> Reconciliation:
    """Map an LLM's corrected version of ``doc`` back onto its words.

    ``llm_output`` may keep the markup of ``style`` (guessed when ``None``), drop it, or
    keep part of it. The doubtful spans are those the model was shown: the marked spans
    of ``prompt`` (the :class:`~uncertain.render.Prompt` rendered from ``doc``) with the
    suggestions it listed, when it is given; else those :func:`uncertain.render.render`
    marks with no budget at ``threshold`` (0.5), which must be the one the prompt was
    rendered with, and its other options left as they are. A prompt a budget left spans
    unmarked in, or cut suggestions from, needs ``prompt``: the spans it left unmarked
    are no span the answer was asked about, and a cut suggestion none it was offered.
    """
    if not isinstance(doc, Document):
        raise TypeError(f"reconcile() takes the Document that was rendered, not "
                        f"{type(doc).__name__}")
    if not isinstance(llm_output, str):
        raise TypeError(f"llm_output must be the answer's text (str), not "
                        f"{type(llm_output).__name__}")
    if prompt is not None:
        if threshold is not None:
            raise ValueError("reconcile() takes the prompt or the threshold it was rendered "
                             "with, not both: the prompt's spans are the doubtful ones")
        spans = _shown(doc, prompt)
    else:
        spans = doubtful_spans(doc, threshold=0.5 if threshold is None else threshold)
    warnings: list[str] = []
    own = doc.text  # (joined once: a long document's text is long to join)
    llm_output = _unentitied(_capped_blanks(llm_output, own), own)
    with _marks_for(llm_output, own):
        bare = llm_output.removeprefix("\ufeff")
        fixes = _fix_list(bare, own)
        copied = False  # (read as a corrected copy, not made of a list of fixes)
        if fixes is not None:  # a list of fixes, no corrected copy: the document with them
            cleaned, warnings = _fixed(own, spans, fixes)
        else:
            labelled = (_labelled_fixes(bare, own, style)
                        or _listed_fixes(bare, own, style, spans)
                        or _tabled_fixes(bare, own, style)
                        or _yaml_fixes(bare, own, style))
            if labelled is not None:  # each fixed stretch given before and after its fix
                cleaned, warnings = _fixed(own, spans, labelled)
            if labelled is None or (len(labelled) == 1 and warnings):
                # (one pair not found as it is in the document: its "Corrected:" part)
                cleaned, warnings = _answer_text(doc, llm_output, style, own), []
                copied = True
        read = cleaned  # (as the answer gives it)
        filled = _in_full(cleaned, own)
        if filled is not None:  # the lines it fixed alone: the others are as they were
            given_lines, cleaned = filled
            warnings.append(f"the answer gives {given_lines} of the document's "
                            f"{len(_text_lines(own))} lines: the others are read as "
                            "unchanged")
        ordered = _in_document_order(cleaned, own)
        answer, doubts = _doubts(cleaned if ordered is None else ordered)
        given = answer if ordered is None else _doubts(cleaned)[0]
    words = doc.words
    span_of: list[int | None] = [None] * len(words)
    for k, s in enumerate(spans):
        assert s.word_start is not None and s.word_end is not None
        for i in range(s.word_start, s.word_end):
            span_of[i] = k
    units = _units(doc)  # word ranges the LLM saw as one token ("follow" "-up")
    unit_span: list[int | None] = [
        next((span_of[i] for i in range(a, b) if span_of[i] is not None), None)
        for a, b in units]
    src: list[str] = []
    owner: list[int] = []  # source token -> unit index
    for u, (a, b) in enumerate(units):
        for piece in "".join(w.text for w in words[a:b]).split():
            src.append(_key(piece))
            owner.append(u)
    tokens = list(re.finditer(r"\S+", answer))
    new_tokens = [m.group() for m in tokens]
    doubt_of = _doubt_of(tokens, doubts)  # (each token's stretch, looked up: not each with all)
    doubtful = [k is not None for k in doubt_of]
    dst = [_key(t) for t in new_tokens]
    token_span = [unit_span[u] for u in owner]
    span_sizes = [0] * len(spans)  # source tokens of each doubtful span
    for region in token_span:
        if region is not None:
            span_sizes[region] += 1
    lead, tail = _edge_lines(answer, tokens, dst, own)
    ops = [Opcode(op.tag, op.src_start, op.src_end, op.dest_start + lead, op.dest_end + lead)
           for op in Levenshtein.opcodes(src, dst[lead:tail])]
    # the answer tokens that begin a line: lines before the document's first word or after
    # its last are the answer's own, no part of a change of the words beside them
    starts = {k for k in range(1, len(tokens))
              if "\n" in answer[tokens[k - 1].end():tokens[k].start()]}
    line_words = {0, *itertools.accumulate(len(s.words) for s in doc.segments)}
    src_starts = {t for t, u in enumerate(owner)
                  if (t == 0 or owner[t - 1] != u) and units[u][0] in line_words}
    pairs, whole, joined = _pairs(ops, src, dst, token_span, span_sizes)
    # (the lines of the answer's own before and after the document pair with none of its
    # words: not the last word's fix with a word of a closing note that names it)
    pairs = ([(None, j, 0) for j in range(lead)] + pairs
             + [(None, j, len(src)) for j in range(tail, len(dst))])
    pairs = _slid(pairs, src, dst, src_starts, starts | {0})
    # a word of a span changed whole is part of its change, though the answer has it
    same = [i is not None and j is not None and src[i] == dst[j] and token_span[i] not in whole
            for i, j, _ in pairs]
    groups = _groups(pairs, same, owner, unit_span, len(units), span_sizes, len(dst), joined,
                     starts)
    for g in groups:  # unit ranges back to word ranges
        if g.first == g.stop:
            g.first = g.stop = units[g.first][0] if g.first < len(units) else len(words)
        else:
            g.first, g.stop = units[g.first][0], units[g.stop - 1][1]
    groups, said, written = _numbers_whole(groups, words, new_tokens, token_span)
    groups = _by_line(groups, _segment_of(doc), starts, owner, units)
    groups = _said_whole(groups, words, new_tokens, pairs, same, owner, units, span_of)
    groups = _doubt_beside(groups, pairs, same, token_span, spans, new_tokens, doubtful)
    located = _located(doc)
    lines = _lines(doc)
    names = _names(doc, spans)
    turns = {page.number: page.rotation for page in doc.pages or ()}
    changes = [_change(located, g, new_tokens, span_of, names, doubtful, turns, lines,
                       aside=g.region is None and _aside(g, tokens, answer, len(words)),
                       said=said)
               for g in groups]
    changes = _checked_beside(_dose_beside([_uncrossed(c, names) for c in changes]),
                              _segment_of(doc))
    changes, moved, emptied = _moved_fixes(changes, names, _segment_of(doc))
    # a label the answer put before a line is its own text (unless it is a span's fix
    # moved there: "Metformin: he takes ...")
    changes = [replace(c, aside=True) if (
        k not in emptied and c.kind == "insert" and c.span is None and not c.aside
        and ((_label(g, new_tokens, starts, line_words)
              and c.new == " ".join(new_tokens[g.j1:g.j2])) or _own_note(c.new))) else c
        for k, (g, c) in enumerate(zip(groups, changes, strict=True))]
    notes = [answer[tokens[g.j1].start():tokens[g.j2 - 1].end()]  # (its lines as written)
             for g, c in zip(groups, changes, strict=True)
             if c.aside and _NOTE_DOUBT.search(c.new)]
    notes += [n for n in _json_notes(llm_output, own) if _NOTE_DOUBT.search(n)]
    if notes:  # a doubt the answer says in a note of its own, of a fix it names
        segment_of = _segment_of(doc)
        changes = [replace(c, hedged=True) if _doubted(c, notes, changes, segment_of)
                   else c
                   for c in changes]
    if copied:  # a list of fixes beside the copy that gives a span another fix
        changes, disagreed = _disagreeing(changes, groups, tokens, answer, own, style, spans)
        warnings += disagreed
    changed = {c.span for c in changes if c.span is not None}
    unchanged = tuple(k for k in range(len(spans)) if k not in changed)
    # confident words written otherwise are kept: the answer says what they said
    respelled = {i for g, c in zip(groups, changes, strict=True)
                 if c.reformatted and c.span is None for i in range(g.a, g.b)}
    # (a span's fix the answer moved along its line is its correction, as one in place is)
    respelled |= {i for k in moved for i in range(groups[k].a, groups[k].b)}
    kept = (round(len(_kept(pairs, src, dst, token_span, span_sizes) | respelled | written)
                  / len(src), 4) if src else 1.0)
    changes = [c for k, c in enumerate(changes) if k not in emptied]
    raised = _raised(doc, pairs, same, doubt_of, token_span, owner, units, changes)
    # (a copy with lines left out keeps more than half of them, though they hold fewer
    # of the words: the answer of every other line, short ones)
    copy = kept >= _COPY_KEPT or (fixes is None and _copied_lines(read, own))
    if not copy:  # a refusal, a summary: what it did to a span's words is no correction
        unchanged = tuple(range(len(spans)))
        warnings.append(("the answer holds no text" if not llm_output.strip() else
                         f"the answer keeps {kept:.0%} of the document's words")
                        + ": no corrected copy of it (a refusal, a summary, the answer to "
                        "another document?); its changes are no corrections, no span is "
                        "resolved")
    return Reconciliation(given, tuple(spans), tuple(changes), unchanged, kept,
                          tuple(_place(located, s, turns, lines) for s in spans),
                          reordered=ordered is not None, warnings=tuple(warnings),
                          corrected_copy=copy, raised=tuple(raised),
                          raised_places=tuple(_place(located, s, turns, lines)
                                              for s in raised))


#: the characters a line of a list of fixes beside a copy may take, on the average: the
#: list's lines of the answer's own are longer than so many for each span, and four more,
#: no list of fixes (a closing note of many paragraphs is not read as one)
_LISTED_BESIDE = 400


#: where a note after a fix's words starts: a comma, a semicolon, a colon, a bracket or
#: a dash
_BEFORE_NOTE = re.compile(r"[ \t]*(?:[,;:(\[\u2013\u2014]|[ \t]-[ \t])")


def _disagreeing(changes: list[Change], groups: list[_Group], tokens: list[re.Match[str]],
                 answer: str, own: str, style: Style | None,
                 spans: Sequence[Span]) -> tuple[list[Change], list[str]]:
    """``changes`` of a corrected copy with each fix of a doubtful span that a list of
    fixes the answer gives beside the copy (its lines of its own, before or after it:
    "Changes:" over "- lie sin oh pril → losartan") says otherwise marked ``hedged``, and
    a warning for each such fix: the answer says two things of the span's words, and
    which it meant is for a person to settle. The copy's words are kept (they are the
    text the answer gives); a span the copy left as it was and the list fixes stays
    unchanged, still to check. A listed fix that names no span's words alone, or agrees
    with the copy (written otherwise, "Metformin" for "metformin", or said the same,
    "15" for "fifteen"), says nothing of this."""
    by_words: dict[str, int] = {}  # (the spans by their words, once a list is found)
    given = {c.span: k for k, c in enumerate(changes) if c.span is not None and not c.aside}
    out, warned = list(changes), []
    longest = _LISTED_BESIDE * (len(spans) + 4)
    for g, c in zip(groups, changes, strict=True):
        if not c.aside or g.j1 >= g.j2:
            continue
        text = answer[tokens[g.j1].start():tokens[g.j2 - 1].end()]
        if len(text) > longest:  # (a list of a fix a span, each a line, is no longer)
            continue
        listed = _listed_fixes(text, own, style, spans)
        if listed and not by_words:
            by_words = {_squeezed(s.text): k for k, s in enumerate(spans)}
        for fix in listed or ():
            k = by_words.get(_squeezed(fix.original))
            if k is None:
                continue
            at = given.get(k)
            copy = spans[k].text if at is None else changes[at].new
            said = fix.original if _says_unchanged(fix) else fix.new
            if any(_name(copy) == _name(words) or _same_said(copy, words)
                   for words in (said, _BEFORE_NOTE.split(said, maxsplit=1)[0])):
                continue  # (a note after the list's words is none of them: "lisinopril,
                # which fits the context")
            warned.append((f"the answer's copy gives {copy!r} for {spans[k].text!r}"
                           if at is not None else f"the answer's copy keeps {copy!r}")
                          + f" where its list of fixes gives {said!r}: "
                          + ("the copy's fix is marked hedged, to check" if at is not None
                             else "the span is read as the copy has it, to check"))
            if at is not None:
                out[at] = replace(out[at], hedged=True)
    return out, warned


def _doubt_of(tokens: list[re.Match[str]], doubts: list[tuple[int, int]]) -> list[int | None]:
    """For each answer token, the index of the stretch the answer marked as doubtful
    (``doubts``, in order, apart) it is in, or None."""
    starts = [a for a, _ in doubts]
    out: list[int | None] = []
    for m in tokens:
        k = bisect.bisect_left(starts, m.end()) - 1  # the last stretch starting before its end
        out.append(k if k >= 0 and m.start() < doubts[k][1] else None)
    return out


def _raised(doc: Document, pairs: Pairs, same: list[bool], doubt_of: list[int | None],
            token_span: list[int | None], owner: list[int], units: list[tuple[int, int]],
            changes: list[Change]) -> list[Span]:
    """The confident words the answer kept as they were and marked as doubtful
    (``doubt_of``: the marked stretch of each answer token), in no change and in no
    stretch that holds a change (its doubt is the change's, ``hedged``): spans of the
    document's text, consecutive words one span."""
    if all(d is None for d in doubt_of):
        return []
    changed = {i for c in changes for i in range(c.word_start, c.word_end)}
    of_changes = {doubt_of[j] for (_, j, _), kept in zip(pairs, same, strict=True)
                  if not kept and j is not None}
    marked: set[int] = set()
    for (i, j, _), kept in zip(pairs, same, strict=True):
        if (kept and i is not None and j is not None and doubt_of[j] is not None
                and doubt_of[j] not in of_changes and token_span[i] is None):
            a, b = units[owner[i]]
            marked.update(w for w in range(a, b) if w not in changed)
    if not marked:
        return []
    layout = _layout(doc)
    runs: list[list[int]] = []
    for w in sorted(marked):
        if runs and runs[-1][1] == w:
            runs[-1][1] = w + 1
        else:
            runs.append([w, w + 1])
    return [Span(layout.offsets[a][0], layout.offsets[b - 1][1],
                 layout.text[layout.offsets[a][0]:layout.offsets[b - 1][1]],
                 word_start=a, word_end=b) for a, b in runs]


#: the share of a document's words an answer keeps (``Reconciliation.kept``) under which
#: it is no corrected copy (``Reconciliation.corrected_copy``), as the README says
_COPY_KEPT = 0.5


#: the words of a fix's field names that say which text it holds, in an answer that
#: gives only a list of fixes ([{"original": "met for me", "corrected": "metformin"}]): the
#: words it read, and those it puts in their place. A closed class, the names such a
#: list is written with; a field named otherwise is a note of the fix's
_FIX_FROM = frozenset({"original", "from", "old", "before", "source", "incorrect", "wrong",
                       "error", "erroneous", "misspelled", "misheard", "misread", "input",
                       "raw", "transcribed", "recognized", "recognised", "span", "text",
                       "heard", "uncertain", "unclear", "doubtful", "flagged",
                       "questionable"})  # ("Uncertain text", "Flagged word")
_FIX_TO = frozenset({"corrected", "correction", "to", "new", "after", "replacement",
                     "replace", "fixed", "fix", "revised", "suggested", "suggestion",
                     "correct", "right", "output", "cleaned", "proposed", "intended",
                     "meant", "should", "likely", "probable", "guess",
                     "interpretation"})  # ("Should be", "should_be", "Most likely",
#                                           "Best guess", "Likely interpretation")
#: the starts of such words shared by the languages a table's header may be written in
#: ("Original", "Originaltext", "Texte transcrit", "Transkript"; "Corrigé",
#: "Corrección", "Corretto", "Korrektur", "korrigiert"): a word that starts so names the
#: words read, or their fix ("correspond..." apart), as those of the lists above do
_FIX_FROM_STEMS = ("orig", "transcri", "transkri")
_FIX_TO_STEMS = ("corr", "korr")


def _fix_words(name: str, words: frozenset[str], stems: tuple[str, ...]) -> set[str]:
    """The words of a fix's field's name (:func:`_key_words`) that are of ``words`` or
    start with one of ``stems``."""
    return {w for w in _key_words(name)
            if w in words or (w.startswith(stems) and not w.startswith("corresp"))}


class _Fix(NamedTuple):
    """One fix of an answer that gives only a list of them."""

    original: str
    new: str
    doubted: bool  # a note of the fix's says the answer is unsure of it


def _fix_list(answer: str, own: str) -> list[_Fix] | None:
    """The fixes of an answer that gives only a list of them, as JSON: a list of objects
    each naming the words it read and what it puts in their place
    ([{"original": "met for me", "corrected": "metformin"}]), alone or as the one list of
    an object holding no document ({"corrections": [...]}), the whole answer, in a code
    block or after a line of its own; None for any other answer (one the document's own
    text ``own`` holds too)."""
    answer = _unfenced(answer)
    decoder = json.JSONDecoder()
    for k, m in enumerate(re.finditer(r"^[ \t]*[\[{]", answer, re.MULTILINE)):
        if k == 20:  # (an answer of many such lines is no JSON answer)
            break
        at = m.end() - 1
        try:
            data, end = decoder.raw_decode(answer, at)
        except ValueError:
            continue
        if own and answer[at:end] in own:
            continue
        if isinstance(data, dict):
            mapped = _mapped_fixes(data, own)
            if mapped is not None:
                return mapped
            if _document_field(data) is not None:
                return None  # a JSON answer with its document
            lists = [v for v in data.values() if isinstance(v, list)]
            if len(lists) != 1:
                return None
            data = lists[0]
        if not isinstance(data, list):
            return None
        fixes = [_fix_of(item) for item in data]
        return None if any(f is None for f in fixes) else [f for f in fixes if f is not None]
    return None


#: the words a JSON answer's fields are named with, the document's or a fix's: an object
#: with such a key is no map of words read to their fix
_FIELD_NAMES = _DOCUMENT_WORDS | _FIX_FROM | _FIX_TO | _JSON_OWN


def _mapped_fixes(data: dict[str, Any], own: str) -> list[_Fix] | None:
    """The fixes of a JSON object that maps the words read to their fix, each key words
    of the document's own text ``own`` and each value a string ({"met for me":
    "metformin", "lie sin oh pril": "lisinopril"}), alone or as the one object of an
    object holding nothing else ({"corrections": {...}}); None for any other object."""
    if len(data) == 1:
        inner = next(iter(data.values()))
        if isinstance(inner, dict) and inner:
            data = inner
    if not data or not all(isinstance(v, str) for v in data.values()) or not all(
            k.strip() and _held(k.strip(), own) for k in data) or any(
            _key_words(k) & _FIELD_NAMES for k in data):
        return None  # (a key named as a field is: {"text": ...} of a "text" the document says)
    return [_Fix(k.strip(), v, False) for k, v in data.items()]


def _block(part: str, own: str) -> str:
    """A part of an answer's "Original:"/"Corrected:" pair without the headings of the
    answer's own after it (the next pair's: "### Fix 2", "**Fix 2**", "Fix 2:"; a line
    the document holds stays), and out of the code block it is wholly in."""
    lines = part.strip().split("\n")
    while len(lines) > 1 and _OWN_HEADING.fullmatch(lines[-1]) and lines[-1].strip() not in own:
        lines.pop()
    return _unfenced("\n".join(lines).strip()).strip()


def _labelled_fixes(answer: str, own: str, style: Style | None) -> list[_Fix] | None:
    """The fixes of an answer that gives the words it fixed, each under an "Original:"
    label, and right after them their fix under a "Corrected:" one ("**Original:** ...
    **Corrected:** ...", a pair a fixed line, or one pair for the whole document); None
    when it gives no such pair. Labels the document's own text ``own`` holds are text;
    each part is read as an answer is, in the prompt's markup (``style``, guessed when
    None) or none."""
    answer = _unfenced(answer)
    labels = [m for m in _LABEL.finditer(answer) if m.group().strip() not in own]
    fixes: list[_Fix] = []
    for k, label in enumerate(labels[:-1]):
        after = labels[k + 1]
        if (label["which"].casefold() not in _BEFORE_LABELS
                or after["which"].casefold() in _BEFORE_LABELS):
            continue
        end = labels[k + 2].start() if k + 2 < len(labels) else len(answer)
        fixed = answer[after.end():end].strip()
        if k + 2 >= len(labels):  # (the last fix: up to a line of the answer's own after it)
            fixed = re.split(r"\n[ \t]*\n", fixed, maxsplit=1)[0].strip()
        # (each as the answer writes it: in the prompt's markup, or not)
        said = _doubts(_clean(_block(answer[label.end():after.start()], own), style, own))[0]
        said, fixed = said.strip(), _clean(_block(fixed, own), style, own).strip()
        if said:
            fixes.append(_Fix(said, fixed, False))
    return fixes or None


#: the mark a list's item opens with: a bullet, a number or a letter ("-", "2.", "(3)",
#: "b)", "(c)"); a bullet with a task list's box after it, ticked or not ("- [x] ")
_ITEM_MARK = r"(?:[-*+\u2022](?:[ \t]+\[[ xX]\](?=[ \t]))?|\(?\d{1,3}[.)]|\(?[A-Za-z][.)])"
#: an ASCII arrow with no spaces round it, on a list's line ("5OO->500"): an arrow there,
#: between two words (not a comment's "-->", nor an arrow of words of the document's:
#: a line like its own is read as its copy)
_TIGHT_ARROW = re.compile(r"(?<=[^\s<>=-])(?:-{1,2}>|={1,2}>)(?=[^\s<>=-])")
#: a line of a list of fixes written as text: the words read, an arrow, their fix, a note
#: in brackets after it ('- "met for me" -> "metformin" (please verify)', "1. **met for
#: me** → **metformin**")
_FIX_LINE = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?(?P<old>[^\n]+?)(?:" + _ARROW.pattern + "|"
    + _TIGHT_ARROW.pattern + ")"
    + r"(?P<new>[^\n]*?\S)"
    r"(?P<note>[ \t]*[(\[][^()\[\]\n]*[)\]])?[ \t]*[.;,]?[ \t]*")
#: the quotation marks that open and close a fix's words, English's and other
#: languages' ('"met for me"', "„met for me“", "«met for me»", "‹met for me›",
#: "「met for me」"): a closed class, the quotation marks of Unicode's scripts
_OPEN_QUOTES = "\"'`\u201c\u2018\u201e\u201a\u00ab\u00bb\u2039\u203a\u300c\u300e"
_CLOSE_QUOTES = "\"'`\u201d\u2019\u201c\u00bb\u00ab\u203a\u2039\u300d\u300f"
#: quotation marks and emphasis round a fix's words in such a line
_FIX_QUOTES = "*_\u201f" + "".join(sorted(set(_OPEN_QUOTES + _CLOSE_QUOTES)))
#: such a line with a colon for its arrow ("met for me: metformin", '"met for me":
#: "metformin"'), or an equals sign ("met for me = metformin"): a fix only where the
#: document holds the words before it (a line "Note: please verify." is a line of the
#: answer's own)
_FIX_COLON = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?(?P<old>[^\n:=]*?[^\s:=]"
    r"(?:[ \t]+[(\[][^()\[\]\n]*[)\]])?)"  # (a gloss after the words: "(p=0.15)")
    r"(?:[ \t]*:|[ \t]+=)[ \t]+"
    r"(?P<new>[^\n]*?\S)"
    r"(?P<note>[ \t]*[(\[][^()\[\]\n]*[)\]])?[ \t]*[.;,]?[ \t]*")
#: a fix written as a sed command substitutes ("s/met for me/metformin/", "s/met for
#: me/metformin/g", "s|met for me|metformin|"): its words read between the first two
#: delimiters, its fix between the last two (a delimiter a character sed allows and
#: words rarely hold: "/", "|", "#"; an escaped one, "\/", is of the words)
_SED_FIX = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?`?s(?P<d>[/|#])(?P<old>(?:\\.|(?!(?P=d))[^\n\\])+)"
    r"(?P=d)(?P<new>(?:\\.|(?!(?P=d))[^\n\\])*)(?P=d)[gIi]*`?"
    r"(?P<note>[ \t]*(?:[(\[][^()\[\]\n]*[)\]]|#[^\n]*))?[ \t]*[.;,]?[ \t]*")


def _sed_fix(line: str) -> dict[str, str | None] | None:
    """A line of a list of fixes written as a sed command (:data:`_SED_FIX`): its words
    read, its fix and its note, the escapes of its delimiter undone; else None."""
    m = _SED_FIX.fullmatch(line)
    if m is None:
        return None
    bare = re.compile(r"\\(.)")
    return {"old": bare.sub(r"\1", m["old"]), "new": bare.sub(r"\1", m["new"]),
            "note": m["note"]}


#: a fix said in words, both its parts quoted: '"met for me" should be "metformin"',
#: 'Changed "met for me" to "metformin" (likely).', "Replaced 'met for me' with
#: 'metformin'", or as an order, "Replace 'met for me' with 'metformin'", or in another
#: language ("«met for me» debería ser «metformin»": a closed class, the words for
#: "should be" of the languages a model answers in most); what follows the fix on its
#: line is its note ("„met for me“ sollte „metformin“ sein")
_FIX_PROSE = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?"
    r"(?:(?:I[ \t]+)?(?:changed?|corrected|correct|replaced?|fixed|fix|amended|amend|"
    r"updated?)[ \t]+)?"
    r"(?:\*\*)?[" + _OPEN_QUOTES + r"](?P<old>[^\n]+?)[" + _CLOSE_QUOTES + r"](?:\*\*)?[ \t]+"
    r"(?:should[ \t]+(?:be|read)|(?:was[ \t]+|is[ \t]+)?(?:changed|corrected)[ \t]+to|"
    r"to|with|into|by|as|(?:is|was)[ \t]+now|now|"
    # (other languages' "should be": "debería ser", "devrait être", "dovrebbe essere",
    # "deveria ser", "sollte ... sein", "zou ... moeten zijn")
    r"deber[ií]a[ \t]+ser|devrait[ \t]+[êe]tre|dovrebbe[ \t]+essere|deveria[ \t]+ser|"
    r"sollte|zou|moet)[ \t]+"
    r"(?:\*\*)?[" + _OPEN_QUOTES + r"](?P<new>[^\n]*?)[" + _CLOSE_QUOTES + r"](?:\*\*)?"
    r"(?P<note>[ \t,;:.!?\-\u2013\u2014(][^\n]*)?[ \t]*", re.IGNORECASE)


#: the place a listed fix names before its words, at its line's start ("Line 2, ",
#: "In line 3: ", "Sentence 4 - ", "(line 2) "): no part of the words read, where the
#: document's own lines open with no such words
_FIX_PLACE = re.compile(
    r"^[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?(?:(?:in|on|at)[ \t]+)?\(?(?:line|ln|sentence|"
    r"segment|paragraph)[ \t]*\d{1,4}\)?(?:[ \t]*[,:\-\u2013\u2014][ \t]*|[ \t]+)(?=\S)",
    re.IGNORECASE | re.MULTILINE)


#: a line of an answer's own over a fix or a list of fixes: a Markdown heading ("### Fix
#: 1"), a line wholly in bold ("**Fix 2**") or a label of a few words and a colon ("Fix
#: 3:", "Medications:")
_OWN_HEADING = re.compile(r"[ \t]*(?:#{1,6}[ \t]+[^\n]*|(?:\*\*|__)[^*_\n]+(?:\*\*|__)[ \t]*:?"
                          r"|[^\W\d_][\w'\u2019-]*(?:[ \t]+[\w'\u2019#.-]+){0,3}[ \t]*:)[ \t]*")


def _line_keys(own: str) -> list[str]:
    """The lines of the document's text ``own``, each its words' keys (:func:`_key`)."""
    return [" ".join(_key(t) for t in row.split()) for row in own.split("\n")]


def _like_a_line(line: str, rows: list[str]) -> bool:
    """Whether ``line`` of an answer is like one of the document's lines ``rows``
    (:func:`_line_keys`): alike in their letters, a word the same ("Corrections:" is no
    "Medications:", its letters alike, no word the same)."""
    said = " ".join(_key(t) for t in line.split())
    return any(fuzz.ratio(said, row) >= _MOVED_SIMILARITY
               and not set(said.split()).isdisjoint(row.split()) for row in rows)


def _listed_fixes(answer: str, own: str, style: Style | None,
                  spans: Sequence[Span] = ()) -> list[_Fix] | None:
    """The fixes of an answer that gives only a list of them as text, a fix a line
    (:data:`_FIX_LINE`), with at most a line of its own before and after them ("Here are
    the corrections:"), like no line of the document; None for any other answer (a
    corrected copy with its fixes listed after it, one that holds half the document's
    words or more). Lines of the document's own text
    ``own`` are no fixes; the words read are read as an answer is, in the prompt's markup
    (``style``, guessed when None) or none. A line with a colon for its arrow is a fix
    only where its words are in one of the doubtful ``spans``."""
    answer = _paired_diff(_unfenced(answer), own)
    lines = [line for line in answer.split("\n") if line.strip()]
    if len(lines) > _MAX_LINES:
        return None
    reads: dict[str, dict[str, str | None] | None] = {}
    placed = _FIX_PLACE.search(own) is None  # (the document's lines open with no such place)

    unled: dict[str, dict[str, str | None] | None] = {}

    def fix(line: str, led: bool = True) -> dict[str, str | None] | None:
        # (a line is read after one label of the answer's own at most, "Note: a = b":
        # a line of labels, a compact JSON list's '{"a": ...', is read in linear time)
        read = reads if led else unled
        if line not in read and line.rstrip(" \t*_").endswith(":"):
            read[line] = None  # (a line ending in a colon heads what follows: "Corrections
            # (original → corrected):")
        if line not in read:
            said = _unsymbolled(line)  # ("✅ met for me → metformin")
            said, symbols = _unsymbolled_end(said)  # ("met for me → metformin ✅")
            doubt = bool(_DOUBT_SYMBOL.search(symbols))
            said = _FIX_PLACE.sub("", said, count=1) if placed else said
            m = (_FIX_LINE.fullmatch(said) or _FIX_PROSE.fullmatch(said)
                 or _colon_fix(said, own, style, spans)) if line not in own else None
            read[line] = (m.groupdict() if m is not None else None if line in own
                          else _sed_fix(said) or _said_fix(said, own, style, spans)
                          or _instead_fix(said, own, style, spans) or _struck_fix(said, own)
                          or (_said_fix(said, own, style, spans, _FIX_IS)
                              if _FIX_SAID.fullmatch(said) is None else None))
            lead = (_FIX_LEAD.match(said) if led and read[line] is None and line not in own
                    else None)
            if lead is not None:  # ("The rest looks correct except: a = b")
                read[line] = fix(said[lead.end():], led=False)
            found = read[line]
            if doubt and found is not None:  # ("→ lisinopril ⚠️": a doubt of the fix)
                read[line] = {**found, "note": f"{found.get('note') or ''} (unsure)"}
        return read[line]

    # (headings over its fixes, "### Fix 1", "**Fix 2**", "Fix 3:", are no part of them,
    # nor is the document's section it lists them under, "Medications:", "## Plan": a
    # heading, no line given fixed)
    def heading(line: str) -> bool:
        return bool(_OWN_HEADING.fullmatch(line)) and not fix(line)

    # (a line set in deeper under a fix's is a note of that fix: "1. a → b" over
    # "   Explanation: ...", or a bullet "  - reason: ..." under it)
    below: dict[str, str] = {}
    kept: list[str] = []
    for line in lines:
        if kept and _indent(line) > _indent(kept[-1]) and fix(kept[-1]) and not fix(line):
            below[kept[-1]] = f"{below.get(kept[-1], '')} {line.strip()}"
        else:
            kept.append(line)
    lines = kept

    # (more lines that can hold no fix than notes may take: no list of them; looked for
    # first, up to the first too many: the lines of a corrected copy are many)
    if next(itertools.islice((line for line in lines
                              if not _FIX_HINT.search(line) and not heading(line)),
                             1 + _NOTES_AFTER, None), None) is not None:
        return None
    lines = [line for line in lines if not heading(line)]

    # several fixes on a line, parted by semicolons ("a -> b; c -> d") or by "and" ("a
    # should be b, and c should be d"), are a fix each
    def parts(line: str) -> list[str]:
        """The fixes of a line parted (:data:`_FIX_PARTS`), each part that is no fix
        joined to the one before it (a note of its: "lisinopril, please verify"; the
        fix's own words: "500 mg, twice daily"), or to the one after it at the line's
        start ("The transcript is accurate, except that ..."); [line] unless several."""
        pieces = re.split(f"({_FIX_PARTS.pattern})", line.rstrip(" \t.;"))
        texts, seps = pieces[0::2], pieces[1::2]
        if len(texts) > _MAX_PARTS:
            return [line]
        said = _FIX_SAID.fullmatch(texts[0])
        verb = said["verb"] if said is not None and said["verb"] else ""
        out: list[str] = []
        part = texts[0]
        for sep, text in zip(seps, texts[1:], strict=True):
            # ("Changed a to b and c to d": the verb is of each)
            new = text if fix(text) or not verb else f"{verb} {text}"
            if fix(part) and fix(new):
                out.append(part)
                part = new
            else:
                part += sep + text
        out.append(part)
        return out if len(out) > 1 else [line]

    split = [(pieces, below.get(line, ""), _line_hedge(line)) for line in lines
             for pieces in (parts(line),)]
    lines = [part for pieces, _, _ in split for part in pieces]
    # (the note under a line is its last fix's; a hedge before its fixes, each one's)
    under = [f"{hedge} {note if k == len(pieces) - 1 else ''}" for pieces, note, hedge in split
             for k in range(len(pieces))]
    found = [fix(line) for line in lines]
    at = [k for k, m in enumerate(found) if m is not None]
    if not at or not all(0 <= k - at[0] < len(at) for k in at) or at[0] > 1 or not _notes_after(
            lines[at[-1] + 1:], own):
        return None
    if 2 * _kept_tokens(_clean(answer, style, own), own) >= len(own.split()):
        return None  # (half the document's words or more: a copy of it, "a -> b" its own)
    rows = _line_keys(own)
    if any(_like_a_line(lines[k], rows) for k in (*range(at[0]), *range(at[-1] + 1, len(lines)))):
        return None  # (a line of the document: a corrected copy)
    fixes = []
    for m, noted in zip(found, under, strict=True):
        if m is None:
            continue
        raw = m["old"] or ""
        old = _doubts(_clean(raw.strip(_FIX_QUOTES + " \t"), style, own))[0].strip()
        gloss = _WORDS_GLOSS.search(raw)
        if gloss and not _held(old, own):  # ('"won" (p=0.15) → "one"': the gloss goes)
            bare = _doubts(_clean(raw[:gloss.start()].strip(_FIX_QUOTES + " \t"), style,
                                  own))[0].strip()
            old = bare if _held(bare, own) else old
        label = _FIX_LABEL.match(old)  # ("Fix: met for me -> metformin": the label goes)
        if label and not _held(old, own) and _held(
                old[label.end():].strip(_FIX_QUOTES + " \t"), own):  # ('Line 2: "x"')
            old = old[label.end():].strip(_FIX_QUOTES + " \t")
        written, said = ((m["new"] or "", "") if m.get("whole")  # (a struck line's, as is)
                         else _fix_and_note(m["new"] or ""))
        new = _clean(written.strip(_FIX_QUOTES + " \t"), style, own).strip()
        note = f"{said} {m['note'] or ''} {noted}"
        doubted = _fix_doubted(note) and not _of_another_span(note, old, spans)
        if not old:
            return None
        fixes.append(_Fix(old, new, doubted))
    return fixes


#: a list's mark and emphasis before a line's words ("- ", "2. ", "**")
_LINE_OPENING = re.compile(r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?(?:\*\*|__)?")


_NOT_LEAD = re.compile(r"[()\[\]]|" + _ARROW.pattern + "|" + _TIGHT_ARROW.pattern)


def _line_hedge(line: str) -> str:
    """The hedge a list's line says before its fixes, of them all: words of a lead of the
    answer's own before a colon (:data:`_FIX_LEAD`) that doubt ("Likely: metformin (for
    met for me), lisinopril (for lie sin oh pril)", "Best guesses: a → b; c → d"), or a
    hedge opening the line (:data:`_HEDGE_FIRST`: "Probably met for me → metformin, ...");
    "" for a line with none."""
    at = _LINE_OPENING.match(line)
    start = at.end() if at else 0
    lead = _FIX_LEAD.match(line, start)
    # (a lead, not a note in brackets or a fix of the line: "met for me (maybe: ...) → ...")
    if (lead is not None and _HEDGE_WORDS.search(lead.group())
            and not _NOT_LEAD.search(lead.group())
            and not _SPAN_REF.fullmatch(lead.group().strip(" \t:*_"))):  # ("Unsure span 1:")
        return lead.group()
    first = _HEDGE_FIRST.match(line, start)
    return first.group() if first is not None else ""


def _paired_diff(answer: str, own: str) -> str:
    """An answer that gives its fixes as a diff of words, each line of words read after
    a "-" over a line of their fix after a "+" ("- met for me" over "+ metformin"; its
    headers apart), as a list of fixes, a line "met for me → metformin" each; ``answer``
    as it is otherwise (a diff of the document's whole lines is read by
    :func:`_undiffed`; a document with a line that starts with a "+" reads none)."""
    lines = [line.strip() for line in answer.split("\n")
             if line.strip() and not _DIFF_HEAD.match(line)]
    if not lines or len(lines) % 2 or re.search(r"^[ \t]*\+", own, re.MULTILINE):
        return answer
    pairs = list(zip(lines[0::2], lines[1::2], strict=True))
    if not all(old[:1] == "-" and new[:1] == "+" and old[1:].strip() and new[1:].strip()
               for old, new in pairs):
        return answer
    return "\n".join(f"{old[1:].strip()} \u2192 {new[1:].strip()}" for old, new in pairs)


#: words of an answer's own before a colon that open a line of fixes ("The transcript
#: looks correct except: met for me = metformin, ..."): what follows the colon is read
#: as the line
_FIX_LEAD = re.compile(r"[^:\n]{1,80}?:[ \t]+(?=\S)")


def _unsymbolled(line: str) -> str:
    """``line`` without the symbols it opens with as a list's bullets, a space after
    them ("✅ met for me → metformin", "👉 ", "⚠️ ", "► "): characters of Unicode's
    "other symbol" class, an emoji's variation selector and joiner with them."""
    at = len(line) - len(line.lstrip(" \t"))
    start = at
    while at < len(line) and (unicodedata.category(line[at]) == "So"
                              or line[at] in "\ufe0f\u200d"):
        at += 1
    if at == start or at == len(line) or line[at] not in " \t":
        return line
    return line[:start] + line[at:].lstrip(" \t")


#: the symbols that say a doubt after a listed fix: a warning sign, a question mark
#: ("→ lisinopril ⚠️", "❓"): a closed class, Unicode's signs of caution and question
_DOUBT_SYMBOL = re.compile("[\u26a0\u2753\u2754\u2049]")


def _unsymbolled_end(text: str) -> tuple[str, str]:
    """``text`` without the symbols it ends with after a space, before a note in brackets
    or not ("metformin ✅", "lisinopril ⚠️ (verify)"): characters of Unicode's "other
    symbol" class, an emoji's variation selector and joiner with them (see
    :func:`_unsymbolled`); and those symbols."""
    opening = max(text.rfind("("), text.rfind("["))  # (found from the end: no search)
    note = _NOTE_END.fullmatch(text, opening) if opening >= 0 else None
    head = text[:opening] if note else text
    end = len(head.rstrip(" \t"))
    at = end
    while at > 0 and (unicodedata.category(head[at - 1]) == "So"
                      or head[at - 1] in "\ufe0f\u200d"):
        at -= 1
    if at == end or at == 0 or head[at - 1] not in " \t":
        return text, ""
    return head[:at].rstrip(" \t") + (" " + note.group().strip() if note else ""), head[at:end]


_NOTE_END = re.compile(r"[(\[][^()\[\]\n]*[)\]][ \t]*[.;,]?[ \t]*")


def _indent(line: str) -> int:
    """How deep ``line`` is set in: the spaces and tabs it opens with (a tab as four)."""
    lead = line[:len(line) - len(line.lstrip(" \t"))]
    return len(lead) + 3 * lead.count("\t")


#: the most lines of its own an answer may give after its list of fixes: a line ("Please
#: verify.") or a notes section, a heading and a line ("## Notes" over a sentence)
_NOTES_AFTER = 2
#: words of the document's in a row that a notes section's line holds where it quotes it
_NOTES_QUOTE = 3


def _notes_after(lines: list[str], own: str) -> bool:
    """Whether ``lines``, those an answer gives after its list of fixes, are notes of its
    own: one line, or at most :data:`_NOTES_AFTER` where none quotes the document's own
    text ``own`` (:data:`_NOTES_QUOTE` of its words in a row: lines of a summary or a
    copy of it, not notes of the fixes). (Lines like the document's are checked by the
    list's reader.)"""
    if len(lines) <= 1:
        return True
    if len(lines) > _NOTES_AFTER:
        return False
    keys = [_key(t) for t in own.split()]
    runs = {tuple(keys[k:k + _NOTES_QUOTE]) for k in range(len(keys) - _NOTES_QUOTE + 1)}
    for line in lines:
        said = [_key(t) for t in line.split()]
        if any(tuple(said[k:k + _NOTES_QUOTE]) in runs
               for k in range(len(said) - _NOTES_QUOTE + 1)):
            return False
    return True


#: a note in brackets after a listed fix's words, before its arrow, that says what the
#: words read are, the markup's doubt or suggestions given back ('"won" (p=0.15) →
#: "one"', "lives in awful (maybe: lisinopril) → lisinopril", "fifteen [line 3] → 15")
_WORDS_GLOSS = re.compile(r"[ \t]*[(\[][^()\[\]\n]*[)\]][ \t]*$")


def _colon_fix(line: str, own: str, style: Style | None,
               spans: Sequence[Span]) -> re.Match[str] | None:
    """A line of a list of fixes that writes a colon for its arrow
    (:data:`_FIX_COLON`), when the document's text ``own`` holds the words before the
    colon (case apart, as whole words) in one of the doubtful ``spans`` and the words
    after it are others; else None. (A label of the answer's own, "Patient: diabetic on
    metformin" in a summary, names no words in doubt.)"""
    m = _FIX_COLON.fullmatch(line)
    if m is None:
        return None
    raw = m["old"]
    gloss = _WORDS_GLOSS.search(raw)  # ("met for me (p=0.15): metformin": the gloss goes)
    if gloss and gloss.start() and not _held(raw, own):
        raw = raw[:gloss.start()]
    old = _doubts(_clean(raw.strip(_FIX_QUOTES + " \t"), style, own))[0].strip()
    new = m["new"].strip(_FIX_QUOTES + " \t")
    if not old or old.casefold() == new.casefold():
        return None
    return m if _held(old, own, spans) or _span_named(old, spans) is not None else None


#: a doubtful span named by its place among them, as an answer refers to the marked
#: stretches in order ("Uncertain span 1", "Span 2", "#3", "Flag 1", "Item 2"): a closed
#: class, the nouns and marks a list numbers what it was shown with
_SPAN_REF = re.compile(
    r"(?:(?:uncertain|doubtful|flagged|marked|unsure|unclear)[ \t]+)?"
    r"(?:(?:span|item|word|flag|phrase|term|entry)[ \t]*(?:#|no\.?)?[ \t]*|#)(?P<n>\d{1,4})",
    re.IGNORECASE)


def _span_named(words: str, spans: Sequence[Span]) -> Span | None:
    """The doubtful span of ``spans`` (in reading order) that ``words`` name by its place
    among them (:data:`_SPAN_REF`: "Uncertain span 2" is the second), or None."""
    m = _SPAN_REF.fullmatch(words.strip(_FIX_QUOTES + " \t"))
    if m is None or not 1 <= int(m["n"]) <= len(spans):
        return None
    return spans[int(m["n"]) - 1]


#: what a line that holds a fix holds (:data:`_FIX_LINE`, :data:`_FIX_PROSE`,
#: :data:`_FIX_COLON`, :data:`_FIX_SAID`, :data:`_STRUCK_FIX`): an arrow, a colon, a
#: strike-through, an equals sign, a quotation mark, or a verb a fix is said with (a
#: bare "is" after emphasis: "*met for me* is metformin"; the lines of a copy say "is"
#: often); a line with none is no fix, nor holds one (looked for first: the lines of a
#: corrected copy are many)
_FIX_HINT = re.compile(
    _ARROW.pattern + "|" + _TIGHT_ARROW.pattern + r"|:|~~|<(?:del|s|strike)>|[ \t]=[ \t]|"
    r"\bs[/|#]|["
    + _OPEN_QUOTES + _CLOSE_QUOTES + r"]|"
    r"\b(?:should|would|probably|likely|means|meant|like|"
    r"actually|must|changed?|corrected|correct|replaced?|fixed|fix|amended|amend|updated?|"
    r"instead|rather|place)\b|[*_][ \t]+is\b|[(\[][ \t]*(?:for|from|was|not)\b",
    re.IGNORECASE)
#: the most parts a line of fixes is parted in (a longer line, a paragraph of the
#: document's, is read whole: each part is read again with the next)
_MAX_PARTS = 20
#: the most words before a fix's verb read as the words it fixes, the last of them
#: ("I think met for me should be metformin": "met for me")
_SAID_WORDS = 12
#: where a line of several fixes parts them: a semicolon, a comma, "and" or a sentence's
#: end ("a -> b; c -> d", "a should be b, c should be d, and e should be f")
_FIX_PARTS = re.compile(r"[ \t]*;[ \t]+|,?[ \t]+and[ \t]+|,[ \t]+|"
                        r"(?<=[^\s.]{2})[.!?][ \t]+(?=\S)")
#: the start of a line saying a fix in words, up to the words read, and its end, after
#: the verb (:data:`_FIX_SAID`)
_SAID_HEAD = (r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?"
              r"(?:(?P<verb>(?:I[ \t]+)?(?:changed?|corrected|correct|replaced?|fixed|fix|"
              r"amended|amend|updated?))[ \t]+)?(?P<old>[^\n]+?)[ \t]+")
_SAID_TAIL = (r"[ \t]+(?P<new>[^\n]*?[^\s.;,])(?P<note>[ \t]*[(\[][^()\[\]\n]*[)\]])?"
              r"[ \t]*[.;,]?[ \t]*")
#: a fix said in words, its parts quoted or not, on a list's line: "met for me should be
#: metformin", "'lives in awful' is probably lisinopril", "Changed met for me to
#: metformin": a closed class, the verbs a fix is said with ("should be", "is probably",
#: "sounds like", "is meant to be", "means", "would be"; "to", "with" after a verb of
#: changing); a hedge among them ("probably", "likely") doubts the fix
_FIX_SAID = re.compile(
    _SAID_HEAD +
    r"(?P<said>should[ \t]+(?:(?:probably|likely)[ \t]+)?(?:be|read)|"
    r"(?:is|was)[ \t]+(?:(?:probably|likely)[ \t]+)?(?:meant[ \t]+to[ \t]+be|actually)|"
    r"(?:is|was)[ \t]+(?:(?:most|very|more)[ \t]+)?(?:probably|likely)|"
    r"(?:is|was|should[ \t]+be)[ \t]+(?:changed|corrected)[ \t]+to|"
    r"(?:(?:most|very)[ \t]+)?(?:probably|likely)[ \t]+(?:means|meant|is|was)|"
    r"(?:sounds|sounded|looks|looked|reads)[ \t]+like|should[ \t]+have[ \t]+been|"
    r"must[ \t]+be|would[ \t]+be|means|meant|to|with|into)" + _SAID_TAIL, re.IGNORECASE)
#: the most words, before a bare "is" and of the fix after it, of a fix said so with no
#: quotation marks or emphasis round the words read ("- met for me is metformin"): more
#: are a sentence's ("Blood pressure is managed with ...")
_BARE_WORDS = 8
#: such a fix said with a bare "is" ("*met for me* is metformin"), looked for where the
#: line says it with no other verb, at each "is" of the line in turn ("The transcript
#: is accurate, except that *met for me* is metformin"), and read only where the new
#: words read as the old (:func:`_reads_as`)
_BARE_IS = re.compile(r"[ \t]+is[ \t]+", re.IGNORECASE)
_FIX_IS = re.compile(_SAID_HEAD + r"(?P<said>is)" + _SAID_TAIL, re.IGNORECASE)


def _said_fix(line: str, own: str, style: Style | None, spans: Sequence[Span],
              pattern: re.Pattern[str] = _FIX_SAID) -> dict[str, str | None] | None:
    """A line of a list of fixes that says its fix in words, its parts quoted or not
    (:data:`_FIX_SAID`), when the document's text ``own`` holds the words before the verb
    in one of the doubtful ``spans`` (the last of them that it holds so, after words of
    the answer's own: "I think met for me should be metformin") and the words after it
    are others: its words read, its fix, and the hedge it is said with as its note; else
    None. ("To" and "with" say a fix after a verb of changing alone: "Changed met for me
    to metformin". Words that say what the span's are, not what they should be, "Fifteen
    is probably the dose.", are no fix: :func:`_describes`; a fix said after them on the
    line is read, after at most :data:`_MAX_PARTS` of them.) With ``pattern``
    :data:`_FIX_IS`, a fix said with a bare "is", each "is" of the line is tried in turn,
    and a fix only where its new words read as the old (:func:`_reads_as`)."""
    at = 0
    bare = pattern is _FIX_IS
    if bare and len(line.split(None, 2 * _SAID_WORDS)) > 2 * _SAID_WORDS:
        return None  # (a bare "is" says a fix on a short line: a long one is a sentence's)
    for _ in range(_MAX_PARTS):
        if bare:  # (an "is" after more unquoted words than a fix has is passed over
            # before the line is matched: a sentence's "is")
            said = _BARE_IS.search(line, at)
            if said is None:
                return None
            before = line[at:said.start()].rstrip()
            if before[-1:] not in _FIX_QUOTES and len(before.split()) > _BARE_WORDS + 1:
                at = said.end()
                continue
        m = pattern.fullmatch(line, at)
        if m is None or (m["said"].casefold() in ("to", "with", "into")) != bool(m["verb"]):
            return None
        # (a bare "is": what follows a comma is a note, "metformin, which is a
        # biguanide", as a note of :func:`_fix_and_note` is; the fix must read as the
        # words read, looked at first: a search of the document is slower)
        fix = _fix_and_note(m["new"].partition(",")[0])[0] if bare else ""
        if bare and m["old"][-1] not in _FIX_QUOTES and len(
                m["old"].split()) + len(fix.split()) > _BARE_WORDS:
            at = m.end("said")  # (unquoted, in a sentence's words: no fix)
            continue
        words = m["old"].split()[-_SAID_WORDS:]
        if bare:  # (the words cleaned once: a bare "is" is tried at each of a line's)
            words = _doubts(_clean(" ".join(words), style, own))[0].split()
        new = m["new"].strip(_FIX_QUOTES + " \t")
        for first in range(len(words)):  # (the longest run of words the span holds)
            old = " ".join(words[first:]).strip(_FIX_QUOTES + " \t")
            read = old if bare else _doubts(_clean(old, style, own))[0].strip()
            if read and read.casefold() != new.casefold() and (
                    not bare or _reads_as(read, fix, spans)) and _held(read, own, spans):
                break
        else:
            if bare:  # (the next "is" of the line may say a fix)
                at = m.end("said")
                continue
            return None
        if bare:  # ("fifteen is unusual": no fix, the words after it read as no span's)
            note = m["new"][len(fix):]
            return {"old": old, "new": fix, "note": f"{note} {m['note'] or ''}"}
        if not _describes(read, new):
            hedge = m["said"] if _HEDGE_WORDS.search(m["said"]) else ""
            return {"old": old, "new": m["new"], "note": f"{hedge} {m['note'] or ''}"}
        at = m.end("said")  # (a fix said after it may follow: "Fifteen is probably the
        # dose, and met for me is probably metformin")
    return None


def _reads_as(read: str, new: str, spans: Sequence[Span]) -> bool:
    """Whether ``new``, said of the words ``read`` with a bare "is" ("*met for me* is
    metformin"), is a reading of them, not words said of them ("fifteen is unusual",
    "fifteen is correct"): one of the suggestions of a doubtful span of ``spans`` that
    holds them (case apart), or like them in its letters as a misreading is
    (:data:`_DESCRIBED_LIKE`)."""
    key = read.casefold()
    said = new.strip(_FIX_QUOTES + " \t.;,").casefold()
    letters = [re.sub(r"\W+", "", t) for t in (key, said)]
    if fuzz.ratio(*letters) >= _DESCRIBED_LIKE:
        return True
    return any(said == c.casefold() and key in s.text.casefold()
               for s in spans for c in s.candidates)


#: a fix said new words first, the words read after them: "lisinopril instead of 'lives
#: in awful'", "Use metformin rather than met for me": a closed class, the words English
#: puts between what is chosen and what it replaces; an order's verb before the new
#: words ("Use", "Write", ...) is no part of them
_FIX_INSTEAD = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?"
    r"(?:(?:use|write|read|put|type|say)[ \t]+)?"
    r"(?P<new>[^\n]*?[^\s,])[ \t]*,?[ \t]+(?:instead[ \t]+of|rather[ \t]+than|in[ \t]+place"
    r"[ \t]+of)[ \t]+(?P<old>[^\n]*\S)[ \t]*", re.IGNORECASE)


#: a fix said new words first, the words read in brackets after them, named as such:
#: "metformin (for 'met for me')", "lisinopril (was: lie sin oh pril)", "metformin (not
#: met for me)": a closed class, the words English glosses a replaced reading with
_FIX_FOR = re.compile(
    r"[ \t]*(?:" + _ITEM_MARK + r"[ \t]+)?(?P<new>[^\n()\[\]]*?[^\s()\[\],])[ \t]*[(\[]"
    r"[ \t]*(?:for|from|was|not|replacing|replaces|instead[ \t]+of|originally|"
    r"(?:heard|transcribed|written|read)[ \t]+as)[ \t]*:?[ \t]+"
    r"(?P<old>[^()\[\]\n]*?[^\s()\[\]])[ \t]*[)\]][ \t]*[.;,]?[ \t]*", re.IGNORECASE)


#: a note in brackets that ends a line, a stop or a comma after it or not
_BRACKETED_END = re.compile(r"[ \t]*[(\[][^()\[\]\n]*[)\]][ \t]*[.;,]?[ \t]*$")


def _instead_fix(line: str, own: str, style: Style | None,
                 spans: Sequence[Span]) -> dict[str, str | None] | None:
    """A line of a list of fixes that gives its fix first and the words it replaces
    after it (:data:`_FIX_INSTEAD`; or in brackets, :data:`_FIX_FOR`), when the
    document's text ``own`` holds those words in one of the doubtful ``spans``: its
    words read, its fix, and what follows the words read (after their quotation marks,
    or a sentence's end, a semicolon, a dash or a bracket) as its note; else None."""
    m = _FIX_INSTEAD.fullmatch(line) or (_FIX_FOR.fullmatch(line) if ")" in line or "]" in line
                                         else None)
    if m is None:
        return None
    written, note = _fix_and_note(m["old"])
    bracket = _BRACKETED_END.search(written)
    if bracket is not None:  # ("... instead of lives in awful (please verify).")
        written, note = written[:bracket.start()], f"{bracket.group()} {note}"
    old = written.strip(_FIX_QUOTES + " \t.;,")
    read = _doubts(_clean(old, style, own))[0].strip()
    new = m["new"].strip(_FIX_QUOTES + " \t")
    if not read or not new or read.casefold() == new.casefold() or not _held(read, own, spans):
        return None
    if _read_after(new.split(), read, own):  # (a line of the document's with a fix in it:
        # "He takes metformin instead of met for me daily", its words before those read
        # the document's)
        return None
    return {"old": old, "new": new, "note": note}

def _read_after(words: list[str], read: str, own: str) -> bool:
    """Whether the document's text ``own`` holds the first words of ``words`` (one at
    least, not all) right before the words ``read`` ("He takes" of "He takes metformin"
    before "met for me"), case and end marks apart. Compared word by word, at most
    :data:`_MAX_PARTS` runs tried at each place of ``read`` (the longest: a line of the
    same word again and again is read in a time linear in its length)."""
    def keys(text: list[str]) -> list[str]:  # (case and end marks apart)
        return [t.casefold().strip(".,;:!?\"'()[]") for t in text]

    tokens, said, wanted = keys(own.split()), keys(words), keys(read.split())
    if not wanted:
        return False
    for at in range(len(tokens) - len(wanted) + 1):
        if tokens[at:at + len(wanted)] != wanted or not at:
            continue
        ends = [k for k in range(1, min(len(said), at + 1)) if said[k - 1] == tokens[at - 1]]
        if any(tokens[at - k:at] == said[:k] for k in ends[-_MAX_PARTS:]):
            return True
    return False


#: a struck-out run of a list's line and what the answer writes after it, in emphasis
#: ("~~met for me~~ **metformin**") or not ("~~met for me~~ metformin"): the Markdown a
#: fix is shown with, the old words struck and the new beside them
_STRUCK_FIX = re.compile(r"~~(?P<old>[^\s~](?:[^\n~]*[^\s~])?)~~[ \t]*(?:(?P<mark>\*\*|__|[*_`])"
                         r"(?P<new>[^\s*_`](?:[^\n]*?[^\s*_`])?)(?P=mark)(?![\w*_`]))?")


#: HTML's struck run ("<del>met for me</del>", "<s>...</s>"), and its emphasis round the
#: new words ("<b>metformin</b>", "<ins>...</ins>"): a fix shown as Markdown shows it
_HTML_STRUCK_RUN = re.compile(r"<(del|s|strike)>[ \t]*([^<>\n]*?\S)[ \t]*</\1>", re.IGNORECASE)
_HTML_EMPHASIS = re.compile(r"<(b|strong|em|i|ins|u|mark|code)>[ \t]*([^<>\n]*?\S)[ \t]*</\1>",
                            re.IGNORECASE)


#: the labels a line showing a fix struck through may give its parts ("**Original:**
#: ~~lives in awful~~ **Corrected:** lisinopril"): the words :data:`_LABEL` opens with
_FIX_LABELS = re.compile(
    r"(?<!\S)(?:\*\*|__)?(?:original|before|old|corrected|correction|revised|fixed|after|new)"
    r"[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)(?=[ \t]|$)", re.IGNORECASE)


def _struck_fix(line: str, own: str) -> dict[str, str | None] | None:
    """A line of a list of fixes that shows its fixes struck through, the new words
    after the old ("~~lives in awful~~ **lisinopril**", "Take ~~met for me~~ **metformin**
    500 mg", :data:`_STRUCK_FIX`), when the document's text ``own`` holds each struck
    run: the line with the struck words as its words read, and with the new ones as its
    fix (the words it gives the same on both sides are no part of it, :func:`_trimmed`);
    a struck run with no emphasised words after it is fixed by the rest of the line, up to
    a note of its own (:func:`_fix_and_note`). Else None."""
    body = _LIST_MARK.sub("", line, count=1).strip()
    if "<" in body and not _own_marks(own)["<"]:  # (HTML's: "<del>met for me</del> <b>...")
        body = _HTML_EMPHASIS.sub(r"**\2**", _HTML_STRUCK_RUN.sub(r"~~\2~~", body))
    if "~~" in body and ":" in body:  # ("**Original:** ~~a~~ **Corrected:** b")
        body = _FIX_LABELS.sub(lambda m: m.group() if _held(m.group(), own) else " ", body)
    runs = list(_STRUCK_FIX.finditer(body))
    if not runs or not all(_held(m["old"], own) for m in runs):
        return None
    old, new, at = [], [], 0
    for k, m in enumerate(runs):
        between = body[at:m.start()]
        if k and runs[k - 1]["new"] is None:
            # (the new words of the struck run before, those up to where the line goes
            # on as the document does: "~~a~~ b c ~~d~~ e" where it holds "a c d")
            words, read = between.split(), runs[k - 1]["old"]
            back = next((n for n in range(len(words))
                         if _held(f"{read} {' '.join(words[n:])} {m['old']}", own)),
                        len(words))
            new.append(" ".join(words[:back]) + " ")
            between = " " + " ".join(words[back:]) + " "
        old.append(between + m["old"] + " ")
        new.append(between + (m["new"] or ""))
        at = m.end()
    rest, note = body[at:], ""
    bracket = re.search(r"[ \t]*[(\[][^()\[\]\n]*[)\]][ \t]*[.;,]?[ \t]*$", rest)
    if bracket is not None:  # ("... lisinopril (please verify)": a note, as an arrow line's)
        rest, note = rest[:bracket.start()], bracket.group()
    if runs[-1]["new"] is None:
        rest, said = _fix_and_note(rest.strip())
        note = f"{said} {note}"
        # (the document's words the line goes on with after the new: "~~met for me~~
        # metformin 500 milligrams" where it holds "met for me 500 milligrams")
        words, read = rest.split(), runs[-1]["old"]
        back = next((k for k in range(1, len(words))
                     if _held(f"{read} {' '.join(words[k:])}", own)), len(words))
        new.append(" ".join(words[:back]) + " ")
        rest = " ".join(words[back:])
    old.append(rest)
    new.append(rest)
    read, fix = " ".join("".join(old).split()), " ".join("".join(new).split())
    if not fix or fix.casefold() == read.casefold():
        return None
    return {"old": read, "new": fix, "note": note, "whole": "1"}


#: the words a noun phrase opens with that names what a thing is, not what it is called
#: ("the dose", "a typo", "its strength"): a closed class, the articles, demonstratives and
#: possessives of English
_DETERMINER = re.compile(r"(?:the|a|an|this|that|these|those|its|his|her|their|our|my|"
                         r"your|some|another)[ \t]+\S", re.IGNORECASE)
#: how like the words read (their letters, spaces apart) such a phrase is, at least, to be
#: their fix, a reading of the same sounds or letters ("apple" is probably "a pill")
_DESCRIBED_LIKE = 60.0


def _describes(read: str, new: str) -> bool:
    """Whether ``new``, said of the words ``read`` ("Fifteen is probably the dose."),
    says what they are rather than what they should be: a phrase opening with an article,
    a demonstrative or a possessive (:data:`_DETERMINER`) unlike them in its letters
    ("a pill" for "apple" is a fix, "the dose" for "fifteen" is none), or naming a part
    of their letters, the phrase not theirs spaced otherwise ("atorvastatin is probably
    the statin": the class the name ends with, no reading of it; "thepill" is "the
    pill")."""
    determiner = _DETERMINER.match(new)
    if not determiner:
        return False
    letters = [re.sub(r"\W+", "", t.casefold()) for t in (read, new)]
    head = re.sub(r"\W+", "", new[determiner.end() - 1:].casefold())
    return fuzz.ratio(*letters) < _DESCRIBED_LIKE or (
        head in letters[0] and letters[1] != letters[0])


#: a label before a listed fix's words, on its line ("Fix: met for me -> metformin")
_FIX_LABEL = re.compile(r"[^:\n]{1,30}:[ \t]+")


def _held(words: str, own: str, spans: Sequence[Span] | None = None) -> bool:
    """Whether the document's text ``own`` holds ``words`` (case and spacing apart, as
    whole words), in one of ``spans`` where they are given."""
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    return bool(pattern) and any(
        _word_edge(own, w.start()) and _word_edge(own, w.end())
        and (spans is None or any(s.start < w.end() and w.start() < s.end for s in spans))
        for w in re.finditer(pattern, own, re.IGNORECASE))


#: where a fix's words end and a note of its own may begin, after an unquoted fix on a
#: list's line: a sentence's end before a capital ("metformin. I'm fairly confident"), a
#: semicolon, a colon before no number ("metformin: certain"; not "BP: 130/80"), a comma
#: before a hedge or a plea to check ("metformin, please verify"; not "500 mg, twice
#: daily"), or a dash set between spaces before a capital or a doubt ("metformin - please
#: verify")
_FIX_NOTE_START = re.compile(r"(?<=[^\s.])(?:(?P<end>[.!?][ \t]+(?=[A-Z]))|(?P<semi>;[ \t]+)|"
                             r"(?P<colon>:[ \t]+)|(?P<comma>,[ \t]+))"
                             r"|(?<=\S)[ \t]+[-\u2013\u2014]{1,2}[ \t]+")
#: a fix's words in quotation marks or emphasis, what follows them a note
_QUOTED_FIX = re.compile(r"(?P<mark>\*\*|__|[*_" + _OPEN_QUOTES + r"])(?P<fix>[^\n]*?\S)"
                         r"(?:\*\*|__|[*_" + _CLOSE_QUOTES + r"])"
                         r"(?P<rest>(?:[\s.,;:!?\-\u2013\u2014][^\n]*)?)")


#: a hedge said before a listed fix's words, after its arrow ("→ likely 'metformin'",
#: "→ probably: metformin"): the words of :data:`_HEDGE_WORDS` a guess is said with
_HEDGE_FIRST = re.compile(r"[ \t]*(?:(?:most|very|more|quite)[ \t]+)?(?:likely|probably|"
                          r"possibly|perhaps|maybe|presumably)[:,]?[ \t]+", re.IGNORECASE)


#: words of certainty a fix is said with before its words (": almost certainly
#: metformin", "→ definitely 'metformin'"): a closed class, the adverbs of certainty;
#: no part of the fix, and no doubt of it
_SURE_FIRST = re.compile(r"[ \t]*(?:(?:almost|most|quite|very)[ \t]+)?(?:certainly|"
                         r"definitely|clearly|surely|undoubtedly)[:,]?[ \t]+", re.IGNORECASE)


#: the verb a fix is said with, before its words, after a colon or an arrow ('"met for
#: me": should be "metformin"', "met for me: should probably read metformin"): a closed
#: class, those of :data:`_FIX_SAID` that open the new words; its hedge doubts the fix
_SAID_FIRST = re.compile(r"[ \t]*(?:should|would|must)[ \t]+(?:(?:probably|likely)[ \t]+)?"
                         r"(?:be|read|have[ \t]+been)[:,]?[ \t]+", re.IGNORECASE)


def _fix_and_note(written: str) -> tuple[str, str]:
    """The fix and the note after it of what a list's line gives after its arrow: the
    fix in quotation marks or emphasis and whatever follows them ('"metformin". I'm
    fairly confident but please verify.'), or an unquoted fix up to a sentence, a
    semicolon, a colon, a comma or a dash of a note's (:data:`_FIX_NOTE_START`); the note
    is read for a doubt of the fix, as one in brackets is."""
    said, at = [], 0
    while True:  # (the words said before the fix, each read in turn: no recursion, a
        # line of "likely likely ..." is read as long as the answer is)
        verb = _SAID_FIRST.match(written, at)
        if verb and verb.end() < len(written):  # ('"met for me": should be "metformin"')
            said.append(verb.group() if _HEDGE_WORDS.search(verb.group()) else "")
            at = verb.end()
            continue
        hedge = _HEDGE_FIRST.match(written, at)
        if hedge and hedge.end() < len(written):  # ("→ likely 'metformin'": a note's)
            said.append(hedge.group().strip(" \t,:"))
            at = hedge.end()
            continue
        sure = _SURE_FIRST.match(written, at)
        if sure and sure.end() < len(written):  # (": almost certainly **metformin**")
            at = sure.end()
            continue
        break
    if at:
        fix, note = _fix_and_note(written[at:])
        return fix, " ".join(said) + " " + note
    quoted = _QUOTED_FIX.fullmatch(written.strip())
    if quoted and quoted["rest"].strip(" \t.,;:!?-\u2013\u2014"):
        closing = quoted.start("rest")
        return written.strip()[:closing], quoted["rest"]
    if quoted:
        return written, ""
    # (what follows a cut is the end of what follows the cut before it: once it holds no
    # hedge, no doubt, no digit, none after it does; each is looked for once, the line
    # read in a time linear in its length)
    hedging = doubting = True
    last_digit = max((d.start() for d in _DIGIT.finditer(written)), default=-1)
    for cut in _FIX_NOTE_START.finditer(written):
        start, end = cut.start(), cut.end()
        # (after a semicolon or a dash, words of the fix's own go on: "500 mg - 1 tab";
        # after a short word's dot, a name: "Dr. Smith"; the word's last four letters)
        before = written[max(0, start - 4):start].split()[-1]
        if cut["comma"]:
            # (else the fix's own words go on: "500 mg, twice daily")
            hedging = hedging and _hedges(written[end:])
            if hedging or _NOTE_DOUBT.match(written, end):
                return written[:start], written[end:]
            continue
        if ((cut["end"] and (len(before) >= 4 or before[-1:].isdigit())) or cut["semi"]
                or (cut["colon"] and last_digit < end)
                or (not cut["end"] and written[end:end + 1].isupper())):
            return written[:start], written[end:]
        doubting = doubting and bool(_NOTE_DOUBT.search(written, end))
        if doubting:
            return written[:start], written[end:]
    return written, ""


#: a line of a YAML list of fixes: a field, after the dash that opens an item or not
#: ("- original: met for me", "  corrected: metformin")
_YAML_FIELD = re.compile(r"[ \t]*(?P<dash>-[ \t]+)?(?P<key>[^\W\d][\w \t-]{0,30}?)[ \t]*:"
                         r"(?:[ \t]+(?P<value>.*?))?[ \t]*")


def _yaml_fixes(answer: str, own: str, style: Style | None) -> list[_Fix] | None:
    """The fixes of an answer that gives only a YAML list of them, an item a fix whose
    fields are named as a JSON list's are (:func:`_fix_of`: "- original: met for me"
    over "  corrected: metformin"), under a key of its own or none ("corrections:");
    None for any other answer (one the document's own text ``own`` holds). Each value
    is read as an answer is, in the prompt's markup (``style``, guessed when None)."""
    answer = _unfenced(answer)
    if ":" not in answer or answer.strip() in own:
        return None
    lines = [line for line in answer.split("\n") if line.strip()]
    if len(lines) > _MAX_LINES:
        return None
    items: list[dict[str, str]] = []
    for k, line in enumerate(lines):
        m = _YAML_FIELD.fullmatch(line)
        if m is None:
            return None
        if m["dash"]:
            items.append({})
        elif not items:
            if k == 0 and not m["value"]:
                continue  # ("corrections:" over the list)
            return None
        items[-1][m["key"].strip()] = (m["value"] or "").strip().strip(_FIX_QUOTES + " \t")
    fixes = []
    for item in items:
        fix = _fix_of(item)
        if fix is None:
            return None
        read = _doubts(_clean(fix.original, style, own))[0].strip()
        if not read:
            return None
        fixes.append(_Fix(read, _clean(fix.new, style, own).strip(), fix.doubted))
    return fixes or None


_HTML_TABLE = re.compile(r"<table\b[^<>]*>(.*?)</table\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ROW = re.compile(r"<tr\b[^<>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t([hd])\b[^<>]*>(.*?)</t\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ANY_TAG = re.compile(r"<[^<>]*>")


def _html_tabled(answer: str) -> str:
    """``answer`` with the first HTML table it gives (``<table><tr><th>Original</th>
    ...``) set out as a Markdown table, its first row the header, each cell's text
    without its tags and entities; ``answer`` as it is when it gives none of two rows."""
    if "<t" not in answer and "<T" not in answer:
        return answer
    table = _HTML_TABLE.search(answer)
    if table is None:
        return answer
    rows = [[html.unescape(_HTML_ANY_TAG.sub("", cell[2])).strip().replace("|", "\\|")
             for cell in _HTML_CELL.finditer(row[1])] for row in _HTML_ROW.finditer(table[1])]
    if len(rows) < 2 or not rows[0]:
        return answer
    text = "\n".join(["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0]),
                      *("| " + " | ".join(row) + " |" for row in rows[1:])])
    return f"{answer[:table.start()]}\n{text}\n{answer[table.end():]}"


def _tab_tabled(answer: str, own: str) -> str:
    """``answer`` set out as a Markdown table where each of its lines, two at least, is
    a row of cells parted by tabs, as many on each ("Original<TAB>Corrected"), the first
    the header; ``answer`` as it is otherwise (or where the document's own text ``own``
    holds tabs)."""
    if "\t" not in answer or "\t" in own:
        return answer
    lines = [line.strip(" \t") for line in answer.split("\n") if line.strip()]
    counts = {line.count("\t") for line in lines}
    if len(lines) < 2 or len(counts) != 1 or 0 in counts:
        return answer
    rows = [" | ".join(cell.strip().replace("|", "\\|") for cell in line.split("\t"))
            for line in lines]
    return "\n".join([f"| {rows[0]} |", "|" + "---|" * (counts.pop() + 1),
                      *(f"| {row} |" for row in rows[1:])])


def _tabled_fixes(answer: str, own: str, style: Style | None) -> list[_Fix] | None:
    """The fixes of an answer that gives only a Markdown table of them, a fix a row under
    a header naming the words read and what goes in their place as a JSON list's fields
    are named ("| Original | Corrected | Note |", :func:`_fix_of`; its other cells the
    fix's notes, whose doubt hedges it), with at most a line of its own before and after
    it; None for any other answer (a table of the document's own text ``own``, a
    corrected copy with a table of its fixes after it). Each cell is read as an answer is,
    in the prompt's markup (``style``, guessed when None) or none."""
    if "|" in own:
        return None
    answer = _tab_tabled(_html_tabled(_unfenced(answer)), own)
    lines = [line for line in answer.split("\n") if line.strip()]
    if len(lines) > _MAX_LINES:
        return None
    rules = [k for k, line in enumerate(lines) if "|" in line and _TABLE_RULE.fullmatch(line)]
    if len(rules) != 1 or rules[0] == 0:
        return None
    rule = rules[0]
    stop = rule + 1
    while stop < len(lines) and "|" in lines[stop]:
        stop += 1
    if rule - 1 > 1 or not _notes_after(lines[stop:], own) or stop == rule + 1:
        return None

    def cells(line: str) -> list[str]:
        parts = _TABLE_PIPE.split(line.strip())
        if parts and not parts[0].strip():
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        return [part.replace("\\|", "|").strip() for part in parts]

    header = cells(lines[rule - 1])
    fixes = []
    for line in lines[rule + 1:stop]:
        row = cells(line)
        if len(row) != len(header):
            return None
        fix = _fix_of(dict(zip(header, row, strict=True)))
        if fix is None:
            return None
        read = _doubts(_clean(fix.original.strip(_FIX_QUOTES + " \t"), style, own))[0].strip()
        written, note = fix.new, ""
        if written[:1] in _OPEN_QUOTES:  # ('| "Smith" (likely) |': the note after the quote)
            written, note = _fix_and_note(written)
        new = _clean(written.strip(_FIX_QUOTES + " \t"), style, own).strip()
        if not read:
            return None
        fixes.append(_Fix(read, new, fix.doubted or _fix_doubted(note)))
    return fixes


def _fix_of(item: Any) -> _Fix | None:
    """The fix a list's item names, or None when it names none: one field holding the
    words read, one what goes in their place (:data:`_FIX_FROM`, :data:`_FIX_TO`, and
    words starting as :data:`_FIX_FROM_STEMS`, :data:`_FIX_TO_STEMS` do)."""
    if not isinstance(item, dict):
        return None
    strings = {k: v for k, v in item.items() if isinstance(v, str)}
    # ("text" beside a word of the fix's is the fix's: "corrected_text", "Corrected text")
    read = [k for k in strings if _fix_words(k, _FIX_FROM, _FIX_FROM_STEMS)
            and not (_fix_words(k, _FIX_FROM, _FIX_FROM_STEMS) == {"text"}
                     and _fix_words(k, _FIX_TO, _FIX_TO_STEMS))]
    put = [k for k in strings if _fix_words(k, _FIX_TO, _FIX_TO_STEMS) and k not in read]
    if len(read) > 1:  # ("text" beside "original_text": the other is the one read)
        read = [k for k in read if _key_words(k) != {"text"}]
    if len(read) != 1 or len(put) != 1 or not strings[read[0]].strip():
        return None
    notes = [f"{' '.join(sorted(_key_words(k)))}: {v}" for k, v in item.items()
             if k not in (read[0], put[0])
             and (v is True or (isinstance(v, (str, int, float))
                                and not isinstance(v, bool)))]  # ("uncertain": true)
    new, hedged = strings[put[0]], False
    hedge = _HEDGE_FIRST.match(new)  # ("most likely: metformin": a hedge of the fix's)
    if hedge and new[hedge.end():].strip():
        new, hedged = new[hedge.end():], True
    return _Fix(strings[read[0]], new, hedged or any(
        _fix_doubted(note.replace(": True", "")) for note in notes))


#: a confidence a fix's note gives it that is a doubt: low or middling in words, or under
#: a half as a number ("confidence: low", "(medium confidence)", "confidence": 0.4, "30%"),
#: as a span's p under the prompt's threshold is
_LOW_CONFIDENCE = re.compile(
    r"\b(?:confidence|confident|certainty|probability|likelihood)\b[\s:=(\"']{0,4}"
    r"(?:(?:is|level|of)\s+)?(?:low|medium|moderate|fair|0(?:\.[0-4]\d*)?|\.[0-4]\d*|"
    r"[0-4]?\d(?:\.\d+)?\s*%)(?![\w.%])|"
    r"\b(?:low|medium|moderate|fair)[- ](?:to[- ](?:medium|moderate)[- ])?confidence\b",
    re.IGNORECASE)


def _of_another_span(note: str, old: str, spans: Sequence[Span]) -> bool:
    """Whether ``note``, written after the fix of ``old``, names the words of another
    doubtful span and not ``old``: its doubt is of that span ("met for me to metformin,
    but I'm not sure about lie sin oh pril"), not of this fix."""
    return not _held(old, note) and any(
        s.text.strip() and s.text.split() != old.split() and _held(s.text, note)
        for s in spans)


def _fix_doubted(note: str) -> bool:
    """Whether a note of a listed fix's doubts it: a doubt of the answer's
    (:data:`_NOTE_DOUBT`, not one of the document's reading: "likely misheard"), or a
    low confidence (:data:`_LOW_CONFIDENCE`)."""
    return bool(_LOW_CONFIDENCE.search(note)) or any(
        _OF_ORIGINAL.match(note, m.end()) is None for m in _NOTE_DOUBT.finditer(note))


def _fixed(text: str, spans: list[Span], fixes: list[_Fix]) -> tuple[str, list[str]]:
    """``text`` with ``fixes`` made (a doubted one's new words enclosed in the two
    :data:`_DOUBT_MARKS`), and a warning for each fix not made: one whose words the text
    does not hold, or holds in several places of which not one alone is a doubtful
    span's (or in the words of one), unless several are each a doubtful span's words,
    whole (the same misreading each time: each of those is fixed), or that overlaps a fix
    made before it."""
    edits: list[tuple[int, int, str]] = []
    warnings: list[str] = []
    opening, closing = _DOUBT_MARKS.get()
    ordered = sorted((s.start, s.end) for s in spans)
    span_starts = [a for a, _ in ordered]
    ends_by = list(itertools.accumulate((b for _, b in ordered), max))  # (the furthest end)
    # (a span's words whole, with or without the marks after them: "met for men." too)
    whole_spans = set(ordered) | {(a, a + len(text[a:b].rstrip(".,;:!?)\"'"))) for a, b in ordered}

    def in_span(a: int, b: int) -> bool:
        k = bisect.bisect_right(span_starts, a)  # spans starting at or before a
        return k > 0 and ends_by[k - 1] >= b

    found: dict[str, list[tuple[int, int]]] = {}
    made: set[tuple[str, str, bool]] = set()

    def places_of(pattern: str) -> list[tuple[int, int]]:
        if pattern not in found:  # (a list that names the same words twice)
            found[pattern] = [
                (m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)
                if _word_edge(text, m.start()) and _word_edge(text, m.end())]
        return found[pattern]

    for listed in fixes:
        if _says_unchanged(listed):
            continue  # ('"fifteen" → no change': no fix, the span still to check)
        fix = listed
        pattern = r"\s+".join(re.escape(w) for w in fix.original.split())
        if not places_of(pattern):
            # (words the fix gives the same on both sides are no part of it, and the
            # answer may have written them otherwise: "met for me 500 mg -> metformin
            # 500 mg" where the document says "500 milligrams")
            fix = _trimmed(listed)
            pattern = r"\s+".join(re.escape(w) for w in fix.original.split())
        if (pattern.casefold(), fix.new, fix.doubted) in made:
            continue  # (the same fix listed again, as for each place the words are)
        made.add((pattern.casefold(), fix.new, fix.doubted))
        places = places_of(pattern)
        named = None if places else _span_named(listed.original, spans)
        if named is not None:  # ("Span 2: lisinopril": the second span's words)
            places = [(named.start, named.end)]
        quoted = json.dumps(listed.original, ensure_ascii=False)
        if not places:
            warnings.append(f"the fix of {quoted} names words the document does not hold: "
                            "not mapped")
            continue
        if len(places) > 1:  # the one within a doubtful span's words, or each that is one
            doubtful = [(a, b) for a, b in places if in_span(a, b)]
            whole = [(a, b) for a, b in places if (a, b) in whole_spans]
            if len(doubtful) != 1 and len(whole) < 2:
                warnings.append(f"the fix of {quoted} names words the document holds in "
                                f"{len(places)} places, {len(doubtful)} of them doubtful: "
                                "not mapped")
                continue
            places = doubtful if len(doubtful) == 1 else whole
        if any(a < e and s < b for a, b in places for s, e, _ in edits):
            warnings.append(f"the fix of {quoted} overlaps another fix: not mapped")
            continue
        new = opening + fix.new + closing if fix.doubted and fix.new.strip() else fix.new
        edits.extend((a, b, new) for a, b in places)
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text, warnings


#: what a list of fixes says in a fix's place of words it leaves as they are ("no
#: change", "unchanged", "keep as is", "left as is", "looks correct", "N/A"): a closed
#: class, the words a list says so with ("none" and a dash may say the words go; "fine"
#: or "correct" alone may be the words' fix)
_NO_CHANGE = re.compile(
    r"[(\[]?[ \t]*(?:no[ \t]+(?:change|changes|correction|corrections)(?:[ \t]+needed)?|"
    r"unchanged|(?:keep|kept|leave|left)(?:[ \t]+it)?(?:[ \t]+(?:as[ \t]+is|unchanged|alone))?|"
    r"(?:correct[ \t]+)?as[ \t]+is|(?:looks|seems)[ \t]+(?:fine|correct|right|ok|okay)|"
    r"(?:(?:seems|looks|is)[ \t]+)?plausible|n/a|same)[ \t]*[)\]]?[.]?", re.IGNORECASE)


#: what a fix says in its new words' place of the words read, judging them, not reading
#: them anew ("fifteen is probably correct", "fifteen → likely fine as transcribed"): a
#: closed class, English's adjectives of a reading being right, and what they may be
#: said of; said hedged, of the words as read or with a note after them ("fifteen → fine"
#: alone may be a fix). (Of words alike in their letters, "corect → correct", a fix.)
_JUDGED = re.compile(
    r"(?P<hedge>(?:probably|likely)[ \t]+)?(?:(?:also|still|quite|entirely|perfectly)[ \t]+)?"
    r"(?:correct|right|accurate|fine|ok|okay|intended|plausible|reasonable|valid|appropriate|"
    r"sensible)(?P<as>[ \t]+(?:as[ \t]+(?:is|transcribed|written|heard|read|dictated|given|"
    r"stated)|here))?[ \t]*[.!]?", re.IGNORECASE)
#: an order to check the words read, given in a fix's new words' place ("fifteen: check
#: the dose", "→ please verify"): a closed class, the verbs English asks a reader to check
#: with; no reading of the words (unless alike in their letters: "re view → review")
_CHECK_ORDER = re.compile(r"(?:please[ \t]+)?(?:verify|check|confirm|double[- ]?check|"
                          r"re-?check|clarify)\b", re.IGNORECASE)
#: what may follow such words: nothing, or a note after a comma, a semicolon, a colon, a
#: bracket or a dash ("correct, but verify the dose")
_NOTE_AFTER_JUDGED = re.compile(r"[ \t]*(?:$|[,;:(\[\u2013\u2014]|-[ \t])")


def _says_unchanged(fix: _Fix) -> bool:
    """Whether ``fix`` says its words are left as they are: its new text says so
    (:data:`_NO_CHANGE`), or judges them right (:data:`_JUDGED`, unlike them in its
    letters: "fifteen" -> "correct"), or is its words with such a note after them
    ("fifteen (unchanged)")."""
    new = fix.new.strip(_FIX_QUOTES + " \t")
    if _NO_CHANGE.fullmatch(new):
        return True
    judged = _JUDGED.match(new)
    after = _NOTE_AFTER_JUDGED.match(new, judged.end()) if judged else None
    # (said so, hedged or of the words as read, or with a note after them: "fifteen → fine"
    # alone may be the words' fix)
    if judged and after and (fix.doubted or judged["hedge"] or judged["as"]
                             or after.end() < len(new)):
        letters = [re.sub(r"\W+", "", t.casefold()) for t in (fix.original, judged.group())]
        if fuzz.ratio(*letters) < _DESCRIBED_LIKE:
            return True  # ("fifteen is probably correct": no "correct" for "fifteen")
    order = _CHECK_ORDER.match(new)  # ("fifteen: check the dose": a plea, no reading)
    if order and fuzz.ratio(*(re.sub(r"\W+", "", t.casefold())
                              for t in (fix.original, order.group()))) < _DESCRIBED_LIKE:
        return True
    note = re.search(r"[ \t]*[(\[][^()\[\]]*[)\]][.]?$", new)
    return bool(note and _NO_CHANGE.fullmatch(note.group().strip())
                and new[:note.start()].strip(_FIX_QUOTES + " \t").casefold()
                == fix.original.strip(_FIX_QUOTES + " \t").casefold())


def _trimmed(fix: _Fix) -> _Fix:
    """``fix`` without the words it gives the same (case and end marks apart) at the
    start and the end of both its parts ("met for me 500 mg" -> "metformin 500 mg": "met
    for me" -> "metformin"), a word of its original at least left."""
    old, new = fix.original.split(), fix.new.split()
    first = 0
    while first < min(len(old), len(new)) - 1 and _key(old[first]) == _key(new[first]):
        first += 1
    stop = 0
    while (stop < min(len(old), len(new)) - first - 1
           and _key(old[-1 - stop]) == _key(new[-1 - stop])):
        stop += 1
    return _Fix(" ".join(old[first:len(old) - stop]), " ".join(new[first:len(new) - stop]),
                fix.doubted)


def _shown(doc: Document, prompt: Prompt) -> list[Span]:
    """The doubtful spans ``prompt`` marks (not its verified ones), as it shows them;
    ValueError for a prompt not rendered from ``doc``."""
    if not isinstance(prompt, Prompt):
        saved = " (Prompt.from_dict reads a saved one)" if isinstance(prompt, dict) else ""
        raise TypeError(f"prompt must be the Prompt render() gave for the document, not "
                        f"{type(prompt).__name__}{saved}")
    text, n = doc.text, len(doc.words)
    for span in prompt.spans:
        if (span.word_start is None or span.word_end is None
                or not 0 <= span.word_start < span.word_end <= n
                or text[span.start:span.end] != span.text):
            raise ValueError(f"the prompt was not rendered from this document: its span "
                             f"{span.text[:40]!r} is not one of the document's")
    return [span for span in prompt.spans if not span.verified]


#: the most lines an answer is put back in the document's order in (a longer one is read
#: as it is: the pairing compares every line with every line)
_MAX_LINES = 400
#: how like a document's line an answer's line must be to be that line moved (``fuzz.ratio``)
_MOVED_SIMILARITY = 60.0
#: how much more like the line it is moved to than the one in its place a moved line must
#: be, on the average of the lines moved
_MOVED_GAIN = 20.0
#: the most lines of its own an answer in another order may add before or after the
#: document's
_ASIDE_LINES = 2


#: how many of a line's words at its start (or end) are compared with the document's
#: first (or last) line's to find where the document begins in an answer
_EDGE_WORDS = 12


def _slid(pairs: Pairs, src: list[str], dst: list[str], src_starts: set[int],
          dst_starts: set[int]) -> Pairs:
    """``pairs``, each run of tokens deleted (or inserted) beside a token kept moved to
    begin a line where it may begin one as well as where it stands: deleting "Take
    aspirin 81 mg daily." before "Take metformin ..." is one line deleted, not "aspirin
    81 mg daily. Take" (the same tokens, the next line's first word among them).
    ``src_starts`` and ``dst_starts``: the tokens that begin a line in the document and
    in the answer."""
    out = list(pairs)

    def kept(pairs: Pairs, k: int) -> bool:
        a, b, _ = pairs[k] if 0 <= k < len(pairs) else (None, None, 0)
        return a is not None and b is not None and src[a] == dst[b]

    p = 0
    while p < len(out):
        i, j, _ = out[p]
        if (i is None) == (j is None):
            p += 1
            continue
        deleted = j is None
        q = p
        while q < len(out) and (out[q][1] is None if deleted else out[q][0] is None) \
                and (out[q][0] is None) != (out[q][1] is None):
            q += 1
        side, seq, starts = (0, src, src_starts) if deleted else (1, dst, dst_starts)

        def tok(pair: tuple[int | None, int | None, int], side: int = side) -> int:
            value = pair[side]
            assert value is not None
            return value

        run = out[p:q]
        for step in (-1, 1):
            if tok(run[0]) in starts:
                break
            edge_at = p - 1 if step < 0 else q
            if not kept(out, edge_at) or seq[tok(out[edge_at])] != seq[
                    tok(run[-1] if step < 0 else run[0])]:
                continue  # (no move: the pairs are not copied)
            trial, a, b = list(out), p, q
            while kept(trial, a - 1) if step < 0 else kept(trial, b):
                edge = trial[a - 1] if step < 0 else trial[b]
                inner = trial[b - 1] if step < 0 else trial[a]
                if seq[tok(edge)] != seq[tok(inner)]:
                    break
                ik, jk, _ = edge
                assert ik is not None and jk is not None
                if deleted and step < 0:  # the kept token deleted, the run's last kept
                    moved = [(ik, None, ik), *trial[a:b - 1], (trial[b - 1][0], jk,
                                                                trial[b - 1][0] or 0)]
                elif deleted:  # the run's first kept, the kept token deleted
                    first = tok(trial[a], 0)
                    moved = [(first, jk, first), *trial[a + 1:b], (ik, None, ik)]
                elif step < 0:  # the kept answer token inserted, the run's last kept
                    moved = [(None, jk, ik), *((None, t[1], ik) for t in trial[a:b - 1]),
                             (ik, trial[b - 1][1], ik)]
                else:
                    moved = [(ik, trial[a][1], ik),
                             *((None, t[1], ik + 1) for t in trial[a + 1:b]), (None, jk, ik + 1)]
                lo, hi = (a - 1, b) if step < 0 else (a, b + 1)
                trial[lo:hi] = moved
                a, b = (a - 1, b - 1) if step < 0 else (a + 1, b + 1)
                if tok(trial[a]) in starts:
                    out[:] = trial
                    p, q = a, b
                    break
            else:
                continue
            if tok(out[p]) in starts:
                break
        p = q
    return out


def _edge_lines(answer: str, tokens: list[re.Match[str]], dst: list[str],
                own: str) -> tuple[int, int]:
    """The answer tokens the document's words are aligned with, ``dst[lead:tail]``: all of
    them, unless the answer begins (or ends) with at most ``_ASIDE_LINES`` lines of its
    own whose words are like the document's first (or last) line's ("Here is the
    corrected discharge summary:" above "Discharge summary."), which the alignment would
    pair with that line, reading the line itself as words inserted after it. The
    document begins at the answer line that starts, with the line after it, most like
    the document's first two lines start, by ``_MOVED_GAIN`` more than the answer's first
    line does, where no line before it is like another of the document's lines (one the
    answer kept, its first deleted); the end alike."""
    rows = [[_key(t) for t in line.split()] for line in own.split("\n")]
    rows = [row for row in rows if row]
    line_of: list[int] = []
    at = 0
    for m in tokens:
        at += answer.count("\n", tokens[len(line_of) - 1].end() if line_of else 0, m.start())
        line_of.append(at)
    given: list[tuple[int, int]] = []  # token range of each answer line with words
    for k, line in enumerate(line_of):
        if given and line_of[given[-1][0]] == line:
            given[-1] = (given[-1][0], k + 1)
        else:
            given.append((k, k + 1))
    if len(rows) < 2 or len(given) < 2:
        return 0, len(dst)
    whole = [" ".join(row) for row in rows]

    def like(line: tuple[int, int], row: list[str], *, end: bool) -> float:
        words = dst[line[0]:line[1]]
        n = min(len(row), _EDGE_WORDS)
        part = words[-n:] if end else words[:n]
        return float(fuzz.ratio(" ".join(part), " ".join(row[-n:] if end else row[:n])))

    def start(order: list[tuple[int, int]], first: list[list[str]], *, end: bool) -> int:
        edge = " ".join(first[0])
        others = {line for line in whole if line != edge}
        def score(k: int) -> float:
            return sum(like(order[k + t], first[t], end=end) for t in range(2)
                       if k + t < len(order))
        best = max(range(min(_ASIDE_LINES, len(order) - 1) + 1), key=score)
        if best and like(order[best], first[0], end=end) >= _MOVED_SIMILARITY \
                and score(best) - score(0) >= _MOVED_GAIN and not any(
                    fuzz.ratio(" ".join(dst[slice(*order[k])]), line) >= _MOVED_SIMILARITY
                    for k in range(best) for line in others):
            return best
        return 0

    first = start(given, rows, end=False)
    last = start(given[::-1], rows[::-1], end=True)
    if first + last >= len(given):
        return 0, len(dst)
    lead = given[first][0]
    tail = given[len(given) - 1 - last][1]
    return lead, tail


def _line_key(line: str) -> str:
    """A line as lines of an answer and of the document are compared when they are
    paired: its words normalised (:func:`_key`), a kept rendering's doubt marks left out."""
    opening, closing = _DOUBT_MARKS.get()
    return " ".join(_key(t) for t in line.replace(opening, "").replace(closing, "").split())


def _in_document_order(answer: str, own: str) -> str | None:
    """``answer`` with its lines in the order of the document's own text ``own``, where it
    gives each of the document's lines once, in another order (a sorted list, sentences
    moved), each like the line it is put in place of, with at most ``_ASIDE_LINES`` lines
    of its own before or after them, like none ("Here is the sorted list:"); None when it
    does not."""
    given = [line for line in answer.split("\n") if line.strip()]
    targets = [line for line in own.split("\n") if line.strip()]
    n = len(targets)
    if not 1 < n <= min(len(given), _MAX_LINES):
        return None if len(given) >= n else _some_in_document_order(given, targets)
    if len(given) > n + _ASIDE_LINES:
        return None
    opening, closing = _DOUBT_MARKS.get()
    keys, own_keys = [_line_key(line) for line in given], [_line_key(line) for line in targets]
    every = process.cdist(keys, own_keys, scorer=fuzz.ratio)
    best = every.max(axis=1)
    extra = len(given) - n
    head = next((h for h in range(extra + 1)
                 if all(best[k] < _MOVED_SIMILARITY
                        for k in [*range(h), *range(h + n, len(given))])), None)
    if head is None or keys[head:head + n] == own_keys:
        return None
    lines, score = given[head:head + n], every[head:head + n]
    if all(score[i][i] >= best[head + i] for i in range(n)):
        return None  # (each line most like its own: none moved)
    # each answer line paired with the document's line most like it, the likest first,
    # ties to the one in its own place
    rows, cols = np.indices((n, n))
    place: dict[int, int] = {}
    free = set(range(n))
    for flat in np.lexsort((np.abs(rows - cols).ravel(), -score.ravel())):
        i, j = divmod(int(flat), n)
        if i not in place and j in free:
            place[i] = j
            free.discard(j)
    moved = [i for i in range(n) if place[i] != i]
    if not moved or any(score[i][place[i]] < _MOVED_SIMILARITY for i in range(n)):
        return None
    gain = sum(float(score[i][place[i]]) - float(score[i][i]) for i in moved)
    if gain < _MOVED_GAIN * len(moved):
        return None
    if any(line.count(opening) != line.count(closing) for line in lines):
        return None  # (a doubt marked across lines is not parted)
    order = sorted(range(n), key=lambda i: place[i])
    return "\n".join([*given[:head], *(lines[i] for i in order), *given[head + n:]])


def _some_in_document_order(given: list[str], targets: list[str]) -> str | None:
    """The answer's lines ``given`` in the order of the document's lines ``targets``, where
    it gives more than half of them, each once, in another order, and leaves the others
    out (a list sorted with a line dropped), each like the line it is put in place of,
    with at most ``_ASIDE_LINES`` lines of its own before or after them, like none:
    the lines left out are read as deleted; None when it does not. The lines are moved
    where being in the document's order gains ``_MOVED_GAIN`` of likeness a line moved
    over the best pairing that keeps the answer's order."""
    n, m = len(targets), len(given)
    if n > _MAX_LINES or m < 2:
        return None
    opening, closing = _DOUBT_MARKS.get()
    every = process.cdist([_line_key(line) for line in given],
                          [_line_key(line) for line in targets], scorer=fuzz.ratio)
    like = every.max(axis=1) >= _MOVED_SIMILARITY
    core = [k for k in range(m) if like[k]]
    if not core or core != list(range(core[0], core[-1] + 1)) or core[0] > _ASIDE_LINES \
            or m - 1 - core[-1] > _ASIDE_LINES or 2 * len(core) <= n:
        return None
    head, lines = core[0], given[core[0]:core[-1] + 1]
    score = every[head:head + len(lines)]
    k = len(lines)
    # each answer line paired with the document's line most like it, the likest first
    place: dict[int, int] = {}
    free = set(range(n))
    for flat in np.argsort(-score.ravel(), kind="stable"):
        i, j = divmod(int(flat), n)
        if i not in place and j in free:
            place[i] = j
            free.discard(j)
    if any(score[i][place[i]] < _MOVED_SIMILARITY for i in range(k)):
        return None
    order = sorted(range(k), key=lambda i: place[i])
    if order == list(range(k)):
        return None  # (in the document's order: lines dropped, none moved)
    # the best pairing in the answer's order (each line with a later line than the one
    # before it), against which the moved lines must gain
    best = np.full((k + 1, n + 1), -np.inf)
    best[0, :] = 0.0
    for i in range(1, k + 1):
        best[i, 1:] = np.maximum.accumulate(best[i - 1, :-1] + score[i - 1])
    in_order = float(best[k, n])
    moved = sum(1 for r, i in enumerate(order) if r != i)
    if sum(float(score[i][place[i]]) for i in range(k)) - in_order < _MOVED_GAIN * moved:
        return None
    if any(line.count(opening) != line.count(closing) for line in lines):
        return None  # (a doubt marked across lines is not parted)
    return "\n".join([*given[:head], *(lines[i] for i in order), *given[head + k:]])


def _doubt_beside(groups: list[_Group], pairs: Pairs, same: list[bool],
                  token_span: list[int | None], spans: list[Span], new_tokens: list[str],
                  doubtful: list[bool]) -> list[_Group]:
    """``groups``, where the answer keeps a doubtful span's words as they were and inserts
    right after them a doubt of their reading ("fifteen (possibly fifty)", "fifteen or
    fifty" in the span's markup, "fifteen?"), that insertion joined with the span: its
    change, hedged, not words the answer adds of its own beside a span it left as it
    was."""
    kept: dict[int, list[tuple[int, int]]] = {}  # span -> its (source, answer) tokens kept
    for (i, j, _), is_same in zip(pairs, same, strict=True):
        held = token_span[i] if i is not None else None
        if is_same and held is not None and i is not None and j is not None:
            kept.setdefault(held, []).append((i, j))
    touched = {g.region for g in groups if g.region is not None}
    out: list[_Group] = []
    for g in groups:
        region = next((k for k, s in enumerate(spans) if s.word_end == g.first), None)
        tokens = kept.get(region, []) if region is not None else []
        if (g.region is None and g.first == g.stop and g.j1 < g.j2 and tokens
                and region not in touched
                and len(tokens) == sum(1 for r in token_span if r == region)
                and tokens[-1][1] + 1 == g.j1 and tokens[-1][0] + 1 == g.a):
            assert region is not None
            span = spans[region]
            own = " ".join(new_tokens[j] for _, j in tokens)
            new = " ".join(new_tokens[g.j1:g.j2])
            if any(doubtful[g.j1:g.j2]) or _hedged(span.text, f"{own} {new}", doubtful=True):
                assert span.word_start is not None
                out.append(_Group(region, tokens[0][0], g.b, tokens[0][1], g.j2,
                                  span.word_start, g.stop))
                touched.add(region)
                continue
        out.append(g)
    return out


def _text_lines(text: str) -> list[str]:
    """The lines of ``text`` that hold more than spaces."""
    return [line for line in text.split("\n") if line.strip()]


def _in_full(answer: str, own: str) -> tuple[int, str] | None:
    """Of an answer that gives only some of the document's lines (those it fixed), each
    like a line of the document's own text ``own`` (as a moved line must be,
    ``_MOVED_SIMILARITY``), in the document's order, at most half of them, with at most
    ``_ASIDE_LINES`` lines of its own before and after them, like none, one of them at
    least changed, two lines of the document at least left out: how many lines it gives,
    and the answer with the document's other lines, as they are, in their places; None
    for any other answer (a corrected copy, one that deletes a line, or lines it gives
    back as they were)."""
    given = _text_lines(answer)
    targets = _text_lines(own)
    n = len(targets)
    if not given or n < 2 or n > _MAX_LINES or len(given) > n // 2 + 2 * _ASIDE_LINES:
        return None
    placed = _placed(given, targets)
    if placed is None or 2 * len(placed[0]) > n:
        return None
    core, place = placed
    if n - len(core) < 2 or all(_line_key(given[k]) == _line_key(targets[j])
                                for k, j in zip(core, place, strict=True)):
        return None  # (one line left out, or none of those given fixed: lines deleted)
    theirs = Counter(_key(t) for t in own.split())
    if 2 * sum((Counter(_key(t) for t in answer.split()) & theirs).values()) > theirs.total():
        return None  # (half the document's words or more: a copy wrapped at other places,
        # a line of its lines joined taken for one of its own)
    lines = list(targets)
    for k, j in zip(core, place, strict=True):
        lines[j] = given[k]
    return len(core), "\n".join([*given[:core[0]], *lines, *given[core[-1] + 1:]])


def _numbers_whole(groups: list[_Group], words: list[Word], new_tokens: list[str],
                   token_span: list[int | None]) -> tuple[list[_Group], set[int], set[int]]:
    """``groups``, a doubtful span's change joined with that of the confident number words
    right beside it, when the one new text writes them all in digits and the other change
    deletes: "won hundred thirty eight over eighty six" -> "138/86" is the span's fix
    ("won" -> "one") written in digits, not "won" -> "138/86" and the rest of the reading
    deleted; nor is "one hundred fitty" -> "150" "one hundred" -> "150" and the span
    deleted. Also the words so joined (written otherwise, not changed), and the source
    tokens the answer keeps so: the number words, and the span's own when the digits say
    something like them in their place (as ``kept`` counts a span's correction)."""
    out: list[_Group] = []
    said: set[int] = set()
    written: set[int] = set()
    for g in groups:
        last = out[-1] if out else None
        if (last is not None and last.stop == g.first and last.j2 == g.j1
                and (last.region is None) != (g.region is None)):
            own, other = (g, last) if last.region is None else (last, g)
            # one of the two writes the numbers, the other deletes
            writer = own if other.j1 == other.j2 else other if own.j1 == own.j2 else None
            rest = None if writer is None else _said_besides(
                " ".join(new_tokens[writer.j1:writer.j2]),
                join_words(words[other.first:other.stop]), at_end=other is g)
            if rest is not None:
                said.update(range(other.first, other.stop))
                written.update(range(other.a, other.b))
                # the span's own words, kept when the rest is said like them ("won": one)
                if fuzz.ratio("".join(said_words(join_words(words[own.first:own.stop]))),
                              "".join(rest)) >= 100 * _KEPT_SIMILARITY:
                    written.update(i for i in range(own.a, own.b) if token_span[i] is not None)
                out[-1] = _Group(own.region, last.a, g.b, last.j1, g.j2, last.first, g.stop)
                continue
        out.append(g)
    return out, said, written


def _by_line(groups: list[_Group], segment_of: list[int], starts: set[int],
             owner: list[int], units: list[tuple[int, int]]) -> list[_Group]:
    """``groups``, a change of confident words across the end of a line of the document
    parted there, the answer's words parted where its own line ends: "ten" -> "10." on
    one line and "uh" deleted at the next's start, not "ten uh" -> "10." over both. A
    change that does not end its answer line where the document's does (lines joined:
    "daily. Follow" -> "daily, follow") stays one."""
    first_token: dict[int, int] = {}
    for t, u in enumerate(owner):
        first_token.setdefault(units[u][0], t)
    out: list[_Group] = []
    for g in groups:
        cut = next((w for w in range(g.first + 1, g.stop)
                    if segment_of[w] != segment_of[w - 1]), None)
        if g.region is not None or cut is None or cut not in first_token:
            out.append(g)
            continue
        at = next((j for j in range(g.j1, g.j2 + 1) if j in starts), None)
        if at is None:  # (the answer's words on one line: both lines' words joined)
            out.append(g)
            continue
        t = first_token[cut]
        out.append(_Group(None, g.a, t, g.j1, at, g.first, cut))
        out.append(_Group(None, t, g.b, at, g.j2, cut, g.stop))
    return out


#: the most kept words beside a change of confident words taken into it to find that
#: they say the same together
_SAID_BESIDE = 2


def _said_whole(groups: list[_Group], words: list[Word], new_tokens: list[str], pairs: Pairs,
                same: list[bool], owner: list[int], units: list[tuple[int, int]],
                span_of: list[int | None]) -> list[_Group]:
    """``groups``, a change of confident words that says something else alone taken
    together with up to ``_SAID_BESIDE`` confident words the answer kept beside it, when
    together they say the same (:func:`_same_said`): "PO daily" -> "by mouth once daily",
    where "daily" is kept, is the dose's directions spelled out, not "PO" -> "by mouth
    once". Only words that are one token each, kept as they were, are taken in."""
    kept_at: dict[int, int] = {}  # a source token kept as it was -> its answer token
    for (i, j, _), kept in zip(pairs, same, strict=True):
        if kept and i is not None and j is not None:
            kept_at[i] = j
    word_token: dict[int, int] = {}  # a word that is one token, one unit -> that token
    for t, u in enumerate(owner):
        a, b = units[u]
        if b - a == 1 and (t == 0 or owner[t - 1] != u) and (t + 1 == len(owner)
                                                             or owner[t + 1] != u):
            word_token[a] = t
    taken = {w for g in groups for w in range(g.first, g.stop)}
    for g in groups:
        if g.region is not None:
            continue
        original = join_words(words[g.first:g.stop])
        new = " ".join(new_tokens[g.j1:g.j2])
        if _same_said(original, new) or not (_said_key(original) or _said_key(new)):
            continue  # (a mark alone changed, "- aspirin" -> "aspirin", says no word)
        for before, after in ((0, 1), (0, 2), (1, 0), (2, 0), (1, 1)):
            first, stop = g.first - before, g.stop + after
            beside = [*range(first, g.first), *range(g.stop, stop)]
            if first < 0 or stop > len(words) or any(
                    w in taken or span_of[w] is not None or w not in word_token
                    or word_token[w] not in kept_at for w in beside):
                continue
            j1 = g.j1 - before
            j2 = g.j2 + after
            if [kept_at[word_token[w]] for w in beside] != [
                    *range(j1, g.j1), *range(g.j2, j2)]:
                continue
            if _same_said(join_words(words[first:stop]), " ".join(new_tokens[j1:j2])):
                g.a -= before
                g.b += after
                g.first, g.stop, g.j1, g.j2 = first, stop, j1, j2
                taken.update(beside)
                break
    return groups


#: a mark between numbers as it is said ("138/86": over; "2.5": point)
_SAID_MARKS = ((re.compile(r"(?<=\d)\s*/\s*(?=\d)"), " over "),
               (re.compile(r"(?<=\d)\.(?=\d)"), " point "),
               (re.compile(r"(?<=\d)\s*[-\u2013]\s*(?=\d)"), " to "))


def _marks_said(text: str) -> str:
    """``text`` with each mark between two numbers written as the word it is said as."""
    for mark, word in _SAID_MARKS:
        text = mark.sub(word, text)
    return text


def _said_besides(new: str, numbers: str, *, at_end: bool) -> list[str] | None:
    """What ``new``, with digits, says besides ``numbers`` when those are number words (and
    "over", "point", "and") it says at its end (``at_end``) or start, with more said before
    (or after) them; None when it does not say them so."""
    gone = said_words(numbers)
    if not gone or not any(c.isdigit() for c in new) or not all(
            w in NUMBER_WORDS or w in ("over", "point", "and") for w in gone):
        return None
    said = said_words(_marks_said(new))
    if len(said) <= len(gone):
        return None
    if at_end:
        return said[:len(said) - len(gone)] if said[len(said) - len(gone):] == gone else None
    return said[len(gone):] if said[:len(gone)] == gone else None


#: a unified diff's lines of its own: its files' names and its hunks' places
_DIFF_HEAD = re.compile(r"(?:---|\+\+\+)[ \t]|@@[ \t]|diff[ \t]")


def _undiffed(answer: str, own: str) -> str:
    """An answer that gives its fixes as a diff of the document's lines ("- He takes met
    for me ..." over "+ He takes metformin ..."; in a unified diff's form, its headers
    and its unchanged lines after a space, or not), its lines as fixed: those after a
    "+" or a space, marks dropped, the lines after a "-" gone, each a line of the
    document's own text ``own`` (no line of which starts with a "+"); ``answer`` as it
    is otherwise (a list of bullets, "- ...", with no "+" line)."""
    lines = [line for line in answer.split("\n")
             if line.strip() and not _DIFF_HEAD.match(line)]
    marks = {line[0] for line in lines}
    if not {"-", "+"} <= marks or not marks <= {"-", "+", " "} or re.search(
            r"^[ \t]*\+", own, re.MULTILINE):
        return answer
    targets = {_line_key(line) for line in own.split("\n")}
    if any(line[0] == "-" and _line_key(line[1:]) not in targets for line in lines):
        return answer
    return "\n".join(line[1:].removeprefix(" ") for line in lines if line[0] != "-")


def _answer_text(doc: Document, llm_output: str, style: Style | None, own: str) -> str:
    """The answer's text for :func:`reconcile`, its markup removed and the stretches it
    keeps marked as doubtful enclosed in the two :data:`_DOUBT_MARKS`; list marks and
    segments' times dropped where the document has none."""
    answer = _clean(llm_output.removeprefix("\ufeff"), style, own)
    answer = _undiffed(answer, own)
    if not _LIST_MARK.search(own):  # bullets and numbers the answer made a list with
        answer = _LIST_MARK.sub("", answer)
    if not _LINE_LABEL.search(own):  # lines the answer numbered ("Line 2: ...", "2: ...")
        answer = _LINE_LABEL.sub("", answer)
    if not _QUOTED_WHOLE.search(own):  # lines it gave quoted, under a label of its own
        answer = _unquoted_lines(answer, own)
    answer = _unlabelled_lines(answer, own)  # ("I'd rewrite line 3 as: Continue ...")
    if doc.source.modality == "audio":  # segments' times where the answer joined the lines
        said = own  # (unless the words themselves hold such a time)
        answer = _TIME_RANGE.sub(lambda m: m[0] if m["stamp"] in said else "", answer)
        answer = _TIME_ANYWHERE.sub(lambda m: m[0] if m["stamp"] in said else "", answer)
        answer = _TIME_REWRITTEN.sub(lambda m: m[0] if m["stamp"] in said else "", answer)
    if any(seg.page is not None for seg in doc.segments):  # pages the answer marks its way
        said = own  # (unless the words themselves hold such a line: "Page 1 of 2")
        answer = _PAGE_ANYWHERE.sub(lambda m: m[0] if m[0].strip(" \t#:") in said else "",
                                    answer)
    answer = _unbroken(answer, own)  # ("lisino-\npril": a word wrapped at the width)
    # (after the times: "[00:04.2 --> 00:08.9]" shows no fix)
    return _arrowed_in_lines(answer, own)  # ("He takes met for me → metformin 500 ...")


#: a hyphen at a line's end within a word, the break and the next line's indent: where
#: text wrapped at a fixed width breaks a word ("lisino-\npril", "58-\nyear-old")
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W_])-[ \t]*\r?\n[ \t]*(?=[^\W_])")


def _unbroken(answer: str, own: str) -> str:
    """``answer`` with the words it broke across a line with a hyphen
    (:data:`_LINE_BREAK_HYPHEN`) whole again: "lisino-\\npril" is "lisinopril", as a
    reader reads it; the hyphen stays where the document holds the word so hyphenated
    ("58-\\nyear-old" is "58-year-old") or a digit is beside it ("2-\\nweek", "1-\\n2": a
    word is not broken there). A break the document has itself (a scan's "lisino-" at a
    line's end, "pril" starting the next) stays as it is."""
    if "-" not in answer or "\n" not in answer:
        return answer
    words = own.split()
    keys = {_key(w) for w in words}
    breaks = {(_key(a), _key(b)) for a, b in itertools.pairwise(words) if a.endswith("-")}

    def sub(m: re.Match[str]) -> str:
        start = max(answer.rfind(c, 0, m.start()) for c in " \t\n") + 1
        stop = m.end()
        while stop < len(answer) and not answer[stop].isspace():
            stop += 1
        head, tail = answer[start:m.start()], answer[m.end():stop]
        if (_key(head + "-"), _key(tail)) in breaks:
            return m.group()
        if head[-1:].isdigit() or tail[:1].isdigit() or _key(head + "-" + tail) in keys:
            return "-"
        return ""

    return _LINE_BREAK_HYPHEN.sub(sub, answer)


#: a line's number an answer put before it ("Line 2: ", "L2: ", "2: ", "2 | "; not
#: "2:30"), and the words it says the line is given fixed with ("Line 2 should read: ",
#: "Line 2 (corrected): "): a closed class, the verbs and participles a fixed line is
#: given with
_LINE_LABEL = re.compile(r"^[ \t]*(?:(?:line|ln|l)[ \t]*\d{1,4}(?:[ \t]+\(?(?:should[ \t]+"
                         r"(?:read|be)|(?:now[ \t]+)?reads|corrected|revised|fixed)\)?)?"
                         r"[ \t]*[:.)\-]|\d{1,4}(?::|[ \t]*\|))[ \t]+",
                         re.MULTILINE | re.IGNORECASE)
#: a line an answer gives whole in quotation marks ('"He takes ..."', 'Line 2: “He
#: takes ...”.'), or after words of its own ('The second line should say "He takes
#: ..."'): at least ``_QUOTED_WORDS`` words quoted (fewer are a fix's words,
#: '"met for men" -> "metformin"'), the words before them holding no quotation mark nor
#: arrow (no fix of a list's: 'met for men -> "metformin ..."'); in single quotation
#: marks too, its apostrophes those between letters ("'He's taking ...'")
_QUOTED_WHOLE = re.compile(
    r"^(?P<lead>[ \t]*(?:[^\n\"\u201c\u201d\u201e\u00ab\u00bb\u2192=>|]*?[\s:])?)"
    r"(?:[\"\u201c\u201e\u00ab][ \t]*(?P<line>[^\s\"\u201c\u201d\u201e\u00ab\u00bb]"
    r"[^\n\"\u201c\u201d\u201e\u00ab\u00bb]*?)[ \t]*[\"\u201d\u201c\u00bb]"
    r"|['\u2018][ \t]*(?P<single>[^\s'\u2018\u2019](?:[^\n'\u2018\u2019]|(?<=\w)['\u2019](?=\w))*?)"
    r"[ \t]*['\u2019])[ \t]*[.,;]?[ \t]*$",
    re.MULTILINE)
_QUOTED_WORDS = 4
#: the words of its own an answer may put on a line before such a quoted line ("I'd
#: rewrite line 2 as:"): a short line ending in a colon
_QUOTE_LABEL_WORDS = 12


def _unquoted_lines(answer: str, own: str) -> str:
    """``answer`` with each line it gives whole in quotation marks (:data:`_QUOTED_WHOLE`)
    unquoted, and the words of its own it put before them, on the line or on a short
    line of their own ending in a colon just before it, dropped (the document's own
    text ``own`` holding no line ending in a quotation, nor those words)."""
    lines = answer.split("\n")
    for k, line in enumerate(lines):
        m = _QUOTED_WHOLE.fullmatch(line)
        if m is None:
            continue
        quoted = m["line"] or m["single"]
        if len(quoted.split()) < _QUOTED_WORDS:
            continue
        lead = m["lead"].strip(" \t:")
        if lead and lead in own:
            continue
        lines[k] = quoted
        before = k - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        label = lines[before].strip() if before >= 0 else ""
        if (label.endswith(":") and len(label.split()) <= _QUOTE_LABEL_WORDS
                and label.rstrip(":") not in own and not _QUOTED_WHOLE.fullmatch(label)):
            lines[before] = ""
    return "\n".join(lines)


#: words of an answer's own before a colon at a line's start, then the line's words
#: ("I'd rewrite line 3 as: Continue metformin ..."): no bracket, quotation mark or tag
#: among them (a note in brackets, "[Transcriber's note: ...]", is none)
_PROSE_LEAD = re.compile(r"(?P<lead>[ \t]*[^\W\d_][^\n:\[\]()<>\"\u201c\u201d]*?)[ \t]*:[ \t]+"
                         r"(?P<rest>\S[^\n]*)")
#: the words such a lead says a line is given rewritten with ("rewrite", "should read",
#: "corrected version", "line 3", "the third sentence"): a closed class, the verbs and
#: nouns of giving a line again; a speaker's label, "Dr. Smith:", "Patient:", holds none
_REWRITE_WORDS = re.compile(
    r"\b(?:re)?(?:write|writes|wrote|written|writing|phrase|phrased|word|worded)\b|"
    r"\b(?:line|lines|sentence|sentences|version|read|reads|say|says|should|would|"
    r"corrected|correction|fixed|revised|revision|suggest|suggested|suggestion|becomes)\b",
    re.IGNORECASE)


def _unlabelled_lines(answer: str, own: str) -> str:
    """``answer`` without the words of its own it put before a line it gives rewritten,
    up to their colon ("I'd rewrite line 3 as: Continue metformin ..."): words the
    document's own text ``own`` does not hold, saying a line is given again
    (:data:`_REWRITE_WORDS`), before words like a line of the document (alike in their
    letters, a word the same). A speaker's label ("Dr. Smith: ...") says no such thing,
    and stays."""
    if ":" not in answer:
        return answer
    rows: list[str] = []
    lines = answer.split("\n")
    for k, line in enumerate(lines):
        m = _PROSE_LEAD.fullmatch(line)
        if (m is None or not _REWRITE_WORDS.search(m["lead"]) or m["lead"].strip() in own
                or f"{m['lead'].strip()}:" in own):
            continue
        if not rows:
            rows.extend(_line_keys(own))
        if _like_a_line(m["rest"], rows):
            lines[k] = m["rest"]
    return "\n".join(lines)


#: the most words read before an arrow a line of a copy shows a fix with, or after it as
#: its fix, weighed as the words it replaces and their fix
_ARROWED_OLD = 6
#: an arrow (:data:`_ARROW`) found from the first of the spaces before it: tried once a
#: run of spaces, not at each of them
_ARROW_RUN = re.compile(r"(?<![ \t])(?:" + _ARROW.pattern + ")")
_ARROWED_NEW = 3
#: how alike in their letters the words an arrow replaces must be to its fix to be more
#: than the one word before it (else: "fifteen → 15")
_ARROWED_LIKE = 60.0


def _arrowed_in_lines(answer: str, own: str) -> str:
    """``answer`` where lines it gives like the document's show a fix with an arrow in
    them ("He takes met for me → metformin 500 milligrams"; the document's own text
    ``own`` holding no arrow): each arrow and the words before it it replaces dropped,
    those being the last few before it whose letters are likest its first few after it
    ("met for me" of "metformin", at most a word more after it than before; the word
    before it alone where none are like enough, ``_ARROWED_LIKE``: "fifteen → 15"). An
    answer of more arrows than the document has words is left as it is."""
    if _ARROW_RUN.search(own) or not _ARROW_RUN.search(answer):
        return answer
    limit = len(own.split())  # (no more fixes than the document has words)
    if sum(1 for _ in itertools.islice(_ARROW_RUN.finditer(answer), limit + 1)) > limit:
        return answer
    lines = answer.split("\n")
    arrowed = [k for k, line in enumerate(lines) if _ARROW_RUN.search(line)]
    rows = _line_keys(own)
    for k in arrowed:
        line, cuts, start = lines[k], [], 0
        for m in _ARROW_RUN.finditer(line):
            before = line[start:m.start()]
            words = list(re.finditer(r"\S+", before[-200:]))[-_ARROWED_OLD:]
            after = line[m.end():m.end() + 200].split()[:_ARROWED_NEW]
            start = m.end()
            if not words or not after:
                continue
            offset = m.start() - len(before[-200:])
            best, cut = _ARROWED_LIKE, offset + words[-1].start()
            for n in range(1, len(words) + 1):
                old = "".join(_key(w.group()) for w in words[-n:])
                score = max(fuzz.ratio(old, "".join(_key(t) for t in after[:j]))
                            for j in range(1, min(len(after), n + 1) + 1))
                if score > best:
                    best, cut = score, offset + words[-n].start()
            cuts.append((cut, m.end()))
        kept = [0, *(at for cut in cuts for at in cut), len(line)]
        fixed = "".join(line[kept[i]:kept[i + 1]] for i in range(0, len(kept), 2))
        if cuts and _like_a_line(fixed, rows):
            lines[k] = fixed
    return "\n".join(lines)


#: a segment's start and end an answer wrote at a line's start, as subtitles are
#: ("[00:00.0 --> 00:04.2] ", "00:00:00,000 --> 00:00:04,200 ", "(00:04 - 00:08) ")
_TIME_RANGE = re.compile(
    r"^[ \t]*[\[(]?(?P<stamp>\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d+)?)[ \t]*"
    r"(?:-->|->|\u2192|-|\u2013|\u2014|to)[ \t]*\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d+)?[\])]?"
    r"[ \t]*[:\-\u2013\u2014]?[ \t]*", re.MULTILINE)
#: a segment's time an answer wrote its own way at a line's start: in brackets without
#: the tenths ("[00:05]"), in parentheses ("(00:05.8)"), or with a dash after it
#: ("00:05.8 - "); a time with neither ("10:30 appointment") is the line's words
_TIME_REWRITTEN = re.compile(
    r"^[ \t]*(?:(?P<open>[(\[])|(?=\d))(?P<stamp>\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?)"
    r"(?(open)[)\]](?:[ \t]*[-\u2013\u2014:])?|[ \t]*[-\u2013\u2014])[ \t]+", re.MULTILINE)
#: a page's start as an answer may mark it: the rendered "--- page 2 ---" where the
#: answer joined the lines, or a line of its own as a heading, "## Page 2", "Page 2:",
#: "[Page 2]", "Page 2 of 3" ("**Page 2**": its emphasis already gone)
_PAGE_ANYWHERE = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?\[?page[ \t]+\d+(?:[ \t]+of[ \t]+\d+)?\]?[ \t]*:?[ \t]*$"
    r"|(?:^|(?<=\s))---[ \t]*page[ \t]+\d+[ \t]*---(?=\s|$)",
    re.IGNORECASE | re.MULTILINE)


def _place(words: list[Word], span: Span, turns: dict[int, int],
           lines: list[int | None] | None = None) -> dict[str, Any]:
    """Where ``span``'s words are: ``seconds``, ``page`` and ``bbox``, or ``line``, those
    known."""
    assert span.word_start is not None and span.word_end is not None
    where = _provenance(words, span.word_start, span.word_end, turns, lines)
    out: dict[str, Any] = {}
    if where["line"] is not None:
        out["line"] = where["line"]
    if where["start"] is not None and where["end"] is not None:
        out["seconds"] = [where["start"], where["end"]]
    if where.get("page") is not None:
        out["page"] = where["page"]
        if where.get("bbox") is not None:
            out["bbox"] = list(where["bbox"])
    return out


def _aside(g: _Group, tokens: list[re.Match[str]], answer: str, n_words: int) -> bool:
    """Whether an insertion is whole lines the answer adds before the document's first
    word or after its last: a line break parts it from the document's text (or, after
    the last, it is a note in brackets: :data:`_NOTE_AFTER`)."""
    if g.first != g.stop or g.j1 >= g.j2 or not n_words:
        return False  # (an answer to an empty document is all the answer's own)
    if g.first == 0 and g.j1 == 0:
        return g.j2 == len(tokens) or "\n" in answer[tokens[g.j2 - 1].end():tokens[g.j2].start()]
    if g.first == n_words and g.j2 == len(tokens):
        return (g.j1 == 0 or "\n" in answer[tokens[g.j1 - 1].end():tokens[g.j1].start()]
                or bool(_NOTE_AFTER.fullmatch(answer[tokens[g.j1].start():].rstrip())))
    return False


def _label(g: _Group, new_tokens: list[str], starts: set[int], line_words: set[int]) -> bool:
    """Whether an insertion is a label the answer put before a line of the document
    ("Doctor: ", "Speaker 1: ", "PATIENT: "): at the start of a line of the answer and
    of the document's, the line's words after it, one to three words the last of which
    ends with a colon (:data:`_SPEAKER_LABEL`)."""
    if g.first != g.stop or g.j1 >= g.j2 or g.j2 - g.j1 > 3 or g.first not in line_words:
        return False
    if not (g.j1 == 0 or g.j1 in starts) or g.j2 >= len(new_tokens) or g.j2 in starts:
        return False
    return bool(_SPEAKER_LABEL.fullmatch(" ".join(new_tokens[g.j1:g.j2])))


#: a label an answer puts before a line: a capital, up to three words, a colon after
#: the last ("Doctor:", "Speaker 1:", "Dr. Smith:")
_SPEAKER_LABEL = re.compile(r"[A-Z][\w.'\-]*(?: [\w.'\-]+){0,2}:")


#: a note in brackets the answer puts after the document's last word, on its line
#: ("... in three months. (Note: drug names corrected.)")
_NOTE_AFTER = re.compile(r"[(\[][ \t]*(?:notes?|n\.?b\.?)[ \t]*:[^()\[\]]*[)\]][.]?",
                         re.IGNORECASE)


def _own_note(new: str) -> bool:
    """Whether words an answer inserts within the document are a note of its own in
    brackets: one it calls a note ("[Note: the dose was hard to hear.]",
    :data:`_NOTE_AFTER`), or one that doubts or asks to check a reading ("(verify dose)",
    "[uncertain]": :func:`_hedges`), no word of the document's."""
    return bool(_NOTE_AFTER.fullmatch(new) or _NOTE_SAID.fullmatch(new)
                or (_BRACKETED_NOTE.fullmatch(new) and _hedges(new)))


#: such a note whose brackets went as a bracket span's do ("[Note: ...]" read as
#: "Note: ..."): a label it is called a note by, a colon, a sentence or more
_NOTE_SAID = re.compile(r"(?:Notes?|NOTE|N\.?B\.?)[ \t]*:[ \t]+\S[^()\[\]\n]*")


def _placed(given: list[str], targets: list[str]) -> tuple[list[int], list[int]] | None:
    """Of an answer's lines ``given`` that are each like a line of the document's
    (``targets``, as a moved line must be, ``_MOVED_SIMILARITY``), in the document's
    order, with at most ``_ASIDE_LINES`` lines of its own before and after them, like
    none: the indices of those lines, and each one's line of the document; None for any
    other answer (one that joins lines, a summary)."""
    n = len(targets)
    score = process.cdist([_line_key(line) for line in given],
                          [_line_key(line) for line in targets], scorer=fuzz.ratio)
    like = [bool(score[k].max() >= _MOVED_SIMILARITY) for k in range(len(given))]
    core = [k for k in range(len(given)) if like[k]]
    if not core or core != list(range(core[0], core[-1] + 1)) or core[0] > _ASIDE_LINES \
            or len(given) - 1 - core[-1] > _ASIDE_LINES:
        return None
    place: list[int] = []  # each given line's line of the document, in order
    for k in core:
        after = place[-1] + 1 if place else 0
        if after >= n:
            return None
        j = after + int(np.argmax(score[k][after:]))
        if score[k][j] < _MOVED_SIMILARITY:
            return None
        mine = _line_key(given[k])
        if any(fuzz.ratio(mine, _line_key(" ".join(targets[a:a + 2]))) > score[k][j]
               for a in (j - 1, j) if 0 <= a < n - 1):
            return None  # (more like two lines joined: a copy with its lines joined)
        place.append(j)
    return core, place


def _copied_lines(answer: str, own: str) -> bool:
    """Whether ``answer`` gives more than half of the lines of the document's text
    ``own``, each like its own, in its order (:func:`_placed`): a copy of it with lines
    left out, whatever share of its words those lines hold."""
    given = _text_lines(answer)
    targets = _text_lines(own)
    if len(targets) < 2 or len(targets) > _MAX_LINES or 2 * len(given) <= len(targets):
        return False
    placed = _placed(given, targets)
    return placed is not None and 2 * len(placed[0]) > len(targets)


def _kept(pairs: Pairs, src: list[str], dst: list[str], token_span: list[int | None],
          span_sizes: list[int]) -> set[int]:
    """The source tokens the answer keeps: a confident word when the answer has it as
    it was; a doubtful span's words when the answer's words in their place, spelled
    together, are like them spelled together (its correction is what was asked for:
    "lie sin oh pril" -> "lisinopril" 0.91; a refusal's "cannot" for "lisinoprl" 0.4); in
    a span of more than ``_ROW_MAX`` words, each word so."""
    kept: set[int] = set()
    olds: dict[int, list[int]] = {}
    news: dict[int, list[int]] = {}
    for i, j, _ in pairs:
        if i is None:
            continue
        region = token_span[i]
        if region is None or span_sizes[region] > _ROW_MAX:
            if j is not None and (src[i] == dst[j] or (region is not None and fuzz.ratio(
                    src[i], dst[j]) >= 100 * _KEPT_SIMILARITY)):
                kept.add(i)
            continue
        olds.setdefault(region, []).append(i)
        if j is not None:
            news.setdefault(region, []).append(j)
    for region, tokens in olds.items():
        answer = "".join(dst[j] for j in news.get(region, ()))
        if answer and fuzz.ratio("".join(src[i] for i in tokens), answer) >= 100 * _KEPT_SIMILARITY:
            kept.update(tokens)
    return kept


@dataclass
class _Group:
    region: int | None  # the doubtful span touched, or None
    a: int  # source token range
    b: int
    j1: int  # answer token range
    j2: int
    first: int  # word range
    stop: int


#: how like a doubtful span's words the answer's words in their place must be to count
#: as its correction in ``kept``
_KEPT_SIMILARITY = 0.5
_MAX_CELLS = 250_000  # beyond this, a changed stretch keeps Levenshtein's own pairing
_MIN_SIMILARITY = 0.3
#: what being at the same place in a changed stretch adds to a pairing's similarity: a
#: tie-breaker between pairings alike in spelling
_PLACE_WEIGHT = 0.05
#: the most words of one doubtful span paired as one row (a flag's window is at most four)
_ROW_MAX = 6


def _pairs(ops: Any, src: list[str], dst: list[str], token_span: list[int | None],
           span_sizes: list[int]) -> tuple[Pairs, set[int], set[int]]:
    """Every source and answer token in order: (src index or None, dst index or None, cursor).

    Levenshtein pairs a changed stretch position by position; inside each stretch the
    tokens are re-paired by spelling similarity (a small Needleman-Wunsch), so
    "met for me 500" -> "metformin XR 850" pairs met/metformin and 500/850, and what
    similarity leaves unpaired is settled around the doubtful spans (:func:`_settle`).
    ``cursor`` is the source position an unpaired answer token is inserted at.
    ``token_span`` is the doubtful span of each source token, or None; ``span_sizes``
    its number of tokens. Words of a span (of up to ``_ROW_MAX`` words) the answer has as
    they were, between two changes of that span, are in the stretch too ("or promote"
    -> "omeprazole or loperamide" is one change, not an insertion and "promote" ->
    "loperamide"): the spans so changed whole are returned with the pairs, and the
    answer tokens spelling paired with a doubtful span's row beyond its own
    (:func:`_align_run`'s ``joined``).
    """
    ops = list(ops)
    inner = []
    whole: set[int] = set()
    for k, op in enumerate(ops):
        both = {r for r in _touches(ops[k - 1], token_span) & _touches(ops[k + 1], token_span)
                if span_sizes[r] <= _ROW_MAX} if op.tag == "equal" and 0 < k < len(ops) - 1 \
            else set()
        inner.extend(_split_equal(op, token_span, both) if both else [op])
        whole |= both
    ops = inner
    pairs: Pairs = []
    run: list[Any] = []
    joined: set[int] = set()
    for op in [*ops, None]:
        if op is not None and op.tag != "equal":
            run.append(op)
            continue
        if run:
            pairs.extend(_settle(_align_run(run, src, dst, token_span, joined), token_span,
                                 joined))
            run = []
        if op is not None:
            for k in range(op.src_end - op.src_start):
                pairs.append((op.src_start + k, op.dest_start + k, op.src_start + k))
    return pairs, whole, joined


def _align_run(run: list[Any], src: list[str], dst: list[str], token_span: list[int | None],
               joined: set[int] | None = None) -> Pairs:
    """Pair a changed stretch's tokens by spelling similarity (Needleman-Wunsch).

    The tokens of one doubtful span are one row, spelled together and paired with a run
    of answer tokens (up to ``_SPAN_EXTRA`` more than its own): the answer corrects the
    span as a whole ("met for men" -> "metformin" 0.89, where "men" alone is nearer "mg"
    than "met" is "metformin"; "metfromin lisinoprl" -> "metformin lisinopril"). Inside
    a row the tokens are paired in order. Near ties go to the pairing nearer the same
    place in the stretch ("met for men five" -> "metformin eight": "met" with
    "metformin", not "eight"). The answer tokens a row is paired with beyond its own
    number are added to ``joined``: they are the span's correction ("Lisinioprii-10'mg"
    -> "Lisinopril 10 mg"), whatever follows them ("by mouth" for the "PO" after it)."""
    a, b = run[0].src_start, run[-1].src_end
    j1, j2 = run[0].dest_start, run[-1].dest_end
    rows: list[list[int]] = []  # source tokens of each row
    for t in range(a, b):
        if rows and token_span[t] is not None and token_span[rows[-1][-1]] == token_span[t]:
            rows[-1].append(t)
        else:
            rows.append([t])
    # a long doubtful stretch (a noisy recording's whole sentence) is paired word by word
    rows = [part for row in rows
            for part in ([row] if len(row) <= _ROW_MAX else [[t] for t in row])]
    n, m = len(rows), j2 - j1
    if n == 0 or m == 0 or n * m > _MAX_CELLS:
        out: Pairs = []
        for op in run:
            k = op.src_end - op.src_start
            l = op.dest_end - op.dest_start  # noqa: E741
            for t in range(max(k, l)):
                i = op.src_start + t if t < k else None
                j = op.dest_start + t if t < l else None
                out.append((i, j, op.src_start + min(t, k)))
        return out
    texts = ["".join(src[t] for t in row) for row in rows]
    widths = [min(m, len(row) + _SPAN_EXTRA) if len(row) > 1 or token_span[row[0]] is not None
              else 1 for row in rows]

    # what a row of one token and each answer token say (:func:`_said_key`), read once
    said = [_said_key(texts[i]) if len(row) == 1 else None for i, row in enumerate(rows)]
    said_new = [_said_key(dst[j]) for j in range(j1, j2)]

    def gain(i: int, j: int, width: int) -> float:
        """What pairing row ``i`` with answer tokens ``j - width .. j - 1`` earns, or -1: a
        number said in words and written in digits is the same word ("forty", "40")."""
        new = "".join(dst[j1 + j - width:j1 + j])
        if width == 1 and said[i] is not None and said[i] == said_new[j - 1]:
            s = 1.0
        else:
            s = fuzz.ratio(texts[i], new) / 100.0
        if s < _MIN_SIMILARITY:
            return -1.0
        return s + _PLACE_WEIGHT * (1.0 - abs((i + 0.5) / n - (j - width / 2) / m))

    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    best: dict[tuple[int, int], tuple[float, int]] = {}  # (row, end) -> (gain, width)
    for i in range(1, n + 1):
        row, prev = score[i], score[i - 1]
        for j in range(1, m + 1):
            value = max(prev[j], row[j - 1])
            for width in range(1, min(widths[i - 1], j) + 1):
                g = gain(i - 1, j, width)
                if g >= 0 and prev[j - width] + g > value:
                    value = prev[j - width] + g
                    best[i, j] = (g, width)
            row[j] = value
    out = []
    i, j = n, m
    while i or j:
        paired = best.get((i, j)) if i and j else None
        if paired is not None and score[i][j] == score[i - 1][j - paired[1]] + paired[0]:
            width = paired[1]
            tokens, news = rows[i - 1], list(range(j1 + j - width, j1 + j))
            if joined is not None:
                joined.update(_joined(texts[i - 1], [dst[t] for t in news], len(tokens),
                                      news))
            for t in reversed(range(max(len(tokens), width))):
                s_t = tokens[t] if t < len(tokens) else None
                d_t = news[t] if t < width else None
                out.append((s_t, d_t, s_t if s_t is not None else tokens[-1] + 1))
            i, j = i - 1, j - width
        elif i and score[i][j] == score[i - 1][j]:
            out += [(t, None, t) for t in reversed(rows[i - 1])]
            i -= 1
        else:
            out.append((None, j1 + j - 1, rows[i - 1][-1] + 1 if i else a))
            j -= 1
    return out[::-1]


#: what each answer token a doubtful span's row is paired with beyond its own number must
#: add to the likeness (``fuzz.ratio``, 0-1) to be the span's correction ("10" and "mg"
#: of "Lisinopril 10 mg" for "Lisinioprii-10'mg": 0.09, 0.08), not a word beside it that
#: happens to share a letter ("by" after "amoxicillin" for "Amoxicillify": 0.01)
_JOIN_GAIN = 0.04


def _joined(row: str, news: list[str], own: int, at: list[int]) -> list[int]:
    """Of the answer tokens ``news`` (at ``at``) a row spelled ``row`` of ``own`` source
    tokens is paired with, those beyond its own number that are its correction: the
    first ones, each adding ``_JOIN_GAIN`` or more to the likeness."""
    k = len(news)
    while k > own and (fuzz.ratio(row, "".join(news[:k]))
                       - fuzz.ratio(row, "".join(news[:k - 1]))) < 100 * _JOIN_GAIN:
        k -= 1
    return at[own:k]


class _Op(NamedTuple):
    tag: str
    src_start: int
    src_end: int
    dest_start: int
    dest_end: int


def _touches(op: Any, token_span: list[int | None]) -> set[int]:
    """The doubtful spans a change touches: those of the words it changes, or of the
    words on either side of an insertion."""
    if op.src_start < op.src_end:
        near = token_span[op.src_start:op.src_end]
    else:
        near = token_span[max(op.src_start - 1, 0):op.src_start + 1]
    return {r for r in near if r is not None}


def _split_equal(op: Any, token_span: list[int | None], touched: set[int]) -> list[Any]:
    """The pieces of the equal ``op``, those in a ``touched`` span as replacements (one
    for one) so that they join the changed stretches beside them."""
    pieces: list[Any] = []
    start = op.src_start
    shift = op.dest_start - op.src_start
    for i in range(op.src_start, op.src_end + 1):
        cut = i == op.src_end or (token_span[i] in touched) != (token_span[start] in touched)
        if cut and i > start:
            tag = "replace" if token_span[start] in touched else "equal"
            pieces.append(_Op(tag, start, i, start + shift, i + shift))
            start = i
    return pieces


def _settle(run: Pairs, token_span: list[int | None],
            joined: frozenset[int] | set[int] = frozenset()) -> Pairs:
    """Re-pair what spelling left unpaired between two paired tokens of a changed stretch.

    The source tokens there that belong to the doubtful span of the paired token before
    (or after) them are that span's, corrected by it ("met for men" -> "metformin": "for
    men" go); the answer's tokens left over are the new text of the other source tokens
    there, in order ("five hundred" -> "500", "Add" -> "Stop"), not more of the span's
    correction with those words deleted. Answer tokens beyond the other source tokens'
    number go with the span before them, if any ("met for me five" -> "metformin XR 5"),
    unless spelling paired some with it (``joined``: "Lisinioprii-10'mg PO" ->
    "Lisinopril 10 mg by mouth"): those are its, the others the other tokens'.
    """
    anchors = [k for k, (i, j, _) in enumerate(run) if i is not None and j is not None]
    if len(anchors) == len(run):
        return run
    out: Pairs = []
    bounds = [-1, *anchors, len(run)]
    for left, right in itertools.pairwise(bounds):
        gap = run[left + 1:right]
        olds = [i for i, _, _ in gap if i is not None]
        news = [j for _, j, _ in gap if j is not None]
        before = token_span[run[left][0]] if left >= 0 else None  # type: ignore[index]
        after = token_span[run[right][0]] if right < len(run) else None  # type: ignore[index]
        lead = 0
        while before is not None and lead < len(olds) and token_span[olds[lead]] == before:
            lead += 1
        tail = len(olds)
        while after is not None and tail > lead and token_span[olds[tail - 1]] == after:
            tail -= 1
        middle = olds[lead:tail]
        glued = 0  # (the answer tokens spelling gave the span before: its)
        while before is not None and glued < len(news) and news[glued] in joined:
            glued += 1
        if not (middle and news[glued:]):
            out.extend(gap)  # nothing to re-pair: as spelling left them
        else:
            out.extend((i, None, i) for i in olds[:lead])
            out.extend((None, j, run[left][0] + 1) for j in news[:glued])  # type: ignore[operator]
            news = news[glued:]
            extra = max(0, len(news) - len(middle)) if before is not None and not glued else 0
            out.extend((None, j, middle[0]) for j in news[:extra])
            rest = news[extra:]
            for t in range(max(len(middle), len(rest))):
                i = middle[t] if t < len(middle) else None
                j = rest[t] if t < len(rest) else None
                out.append((i, j, i if i is not None else middle[-1] + 1))
            out.extend((i, None, i) for i in olds[tail:])
        if right < len(run):
            out.append(run[right])
    return out


def _groups(pairs: Pairs, same: list[bool],
            owner: list[int], span_of: list[int | None], n_words: int,
            span_sizes: list[int], n_dst: int, joined: set[int] | None = None,
            starts: frozenset[int] | set[int] = frozenset()) -> list[_Group]:
    """Changed stretches, split by the span they touch, widened to whole words
    (``same``: whether each pair is a word the answer kept as it was; ``span_sizes``: the
    source tokens of each doubtful span; ``joined``: as :func:`_insertion_regions`).
    Lines the answer adds before the document's first word or after its last (``starts``:
    the answer tokens that begin a line) are a change of their own, not part of a change
    of the words beside them ("Here is the note:" above "Follow up" -> "Follow-up")."""
    next_dst = _next_dsts(pairs, n_dst)
    regions = _insertion_regions(pairs, same, owner, span_of, span_sizes, joined or set())
    n_src = len(owner)
    # (a line added before the first word or after the last is no span's change)
    lead = 0
    while lead < len(pairs) and pairs[lead][0] is None and pairs[lead][2] == 0:
        lead += 1
    cut = max((k for k in range(1, lead + 1)
               if (pairs[k][1] if k < len(pairs) else n_dst) in starts), default=0)
    regions[:cut] = [None] * cut
    tail = len(pairs)
    while tail > 0 and pairs[tail - 1][0] is None and pairs[tail - 1][2] == n_src:
        tail -= 1
    cut = min((k for k in range(tail, len(pairs)) if pairs[k][1] in starts), default=len(pairs))
    regions[cut:] = [None] * (len(pairs) - cut)
    groups: list[_Group] = []
    fresh = True
    for index, (i, j, cursor) in enumerate(pairs):
        if same[index]:
            fresh = True
            continue
        if i is not None:
            first, stop, region = owner[i], owner[i] + 1, span_of[owner[i]]
        elif 0 < cursor < len(owner) and owner[cursor - 1] == owner[cursor]:  # inside a word
            first, stop = owner[cursor], owner[cursor] + 1
            region = span_of[first]
        else:
            first = stop = owner[cursor] if cursor < len(owner) else n_words
            region = regions[index]
        a = i if i is not None else cursor
        b = i + 1 if i is not None else cursor
        last = groups[-1] if groups else None
        added = last is not None and j is not None and j in starts and (
            (i is not None and last.a == last.b == last.stop == 0)  # after lines before
            or (i is None and cursor == n_src and last.a < last.b))  # lines after the last
        if last and not added and ((not fresh and last.region == region)
                                   or first < last.stop):
            last.b = max(last.b, b)
            last.stop = max(last.stop, stop)
            if j is not None:
                last.j1 = j if last.j1 == last.j2 else last.j1
                last.j2 = j + 1
            last.region = last.region if last.region is not None else region
        else:
            j_at = j if j is not None else next_dst[index]
            groups.append(_Group(region, a, b, j_at, j_at + (j is not None), first, stop))
        fresh = False
    first_token: dict[int, int] = {}
    stop_token: dict[int, int] = {}
    for t, w in enumerate(owner):
        first_token.setdefault(w, t)
        stop_token[w] = t + 1
    for g in groups:  # the other pieces of a touched word are aligned one to one
        if g.first < g.stop:
            g.j1 -= g.a - first_token[g.first]
            g.j2 += stop_token[g.stop - 1] - g.b
    return groups


def _next_dsts(pairs: Pairs, n_dst: int) -> list[int]:
    """For each pair, the first answer token at or after it (``n_dst`` past the last)."""
    out = [n_dst] * len(pairs)
    following = n_dst
    for k in range(len(pairs) - 1, -1, -1):
        j = pairs[k][1]
        following = j if j is not None else following
        out[k] = following
    return out


#: answer tokens an inserted run may add to a doubtful span's correction beyond the
#: span's own tokens ("met for me" -> "metformin XR", "500 mg of metformin"); a longer
#: run beside it ("and also start warfarin 5 mg and" before a corrected name) is new
#: text, an insertion of its own
_SPAN_EXTRA = 2


def _insertion_regions(pairs: Pairs, same: list[bool],
                       owner: list[int], span_of: list[int | None],
                       span_sizes: list[int], joined: set[int]) -> list[int | None]:
    """For each inserted token (a pair without a source token), the doubtful span its
    insertion belongs to, or None: a run of inserted tokens joins the change before it,
    else the one after it, else the span it falls strictly inside, unless it is longer
    than that span's tokens or ``_SPAN_EXTRA``; a run of tokens spelling paired with the
    span before them (``joined``) is its. In one pass over the pairs."""
    def changed(k: int) -> bool:
        return pairs[k][0] is not None and not same[k]

    out: list[int | None] = [None] * len(pairs)
    k = 0
    while k < len(pairs):
        if pairs[k][0] is not None:
            k += 1
            continue
        end = k
        while end < len(pairs) and pairs[end][0] is None:
            end += 1
        # spelling's pairing with the span before: its, when other source tokens take the
        # answer tokens after it ("PO" -> "by mouth"); before more inserted ones, the
        # run is read whole ("Metformin ER 500 mg": not "ER 500" the span's, "mg" not)
        glued = k
        while glued < end and pairs[glued][1] in joined:
            glued += 1
        span = (span_of[owner[pairs[k - 1][0]]]  # type: ignore[index]
                if k < glued and changed(k - 1) else None)
        if span is not None and glued == end:
            out[k:end] = [span] * (end - k)
            k = end
            continue
        if (span is not None and end < len(pairs) and changed(end)
                and span_of[owner[pairs[end][0]]] != span):  # type: ignore[index]
            # the words after them go with the change after them, of other words ("PO
            # daily" -> "by mouth once a day"): the span's correction ends where they start
            out[k:glued] = [span] * (glued - k)
            k = glued
        region: int | None = None
        for side in (k - 1, end):
            if 0 <= side < len(pairs) and changed(side):
                region = span_of[owner[pairs[side][0]]]  # type: ignore[index]
                break
        else:
            cursor = pairs[k][2]
            if 0 < cursor < len(owner):
                before, after = span_of[owner[cursor - 1]], span_of[owner[cursor]]
                region = before if before is not None and before == after else None
        inserted = sum(1 for t in range(k, end) if pairs[t][1] is not None)
        if region is not None and inserted > max(_SPAN_EXTRA, span_sizes[region]):
            region = None
        out[k:end] = [region] * (end - k)
        k = end
    return out


def _units(doc: Document) -> list[tuple[int, int]]:
    """Word ranges with no space between their words (within a segment): each is one
    whitespace token of the rendered text."""
    units: list[tuple[int, int]] = []
    index = 0
    for segment in doc.segments:
        for k in range(len(segment.words)):
            if k and not segment.words[k - 1].space_after:
                units[-1] = (units[-1][0], index + 1)
            else:
                units.append((index, index + 1))
            index += 1
    return units


#: signs beside a name that are no part of it ("Eliquis®")
_NAME_SIGNS = str.maketrans("", "", "\u00ae\u2122\u00a9")


def _name(text: str) -> str:
    """``text`` compared as a suggestion's name: as :func:`_squeezed` (case, the
    punctuation at its ends, spaces, hyphens and dots apart: "Amoxicillin-Clavulanate,"
    is "amoxicillin clavulanate") and without the trademark signs beside it."""
    return _squeezed(text.translate(_NAME_SIGNS))


#: what parts a name from a dose glued to it, or the marks around them: no letter or digit
_NOT_ALNUM = re.compile(r"[\W_]+")
#: a number as written: "500", "2.5", "1,000"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _dosed(text: str) -> str:
    """``text`` compared as a suggestion with a dose glued on ("metformin500mg"): its
    letters and digits, case and what parts or surrounds them apart ("Metformin 500 mg."
    and "warfarin-5mg" are "metformin500mg" and "warfarin5mg"); between two digits a mark
    counts, a space as one ("2.5" is not "25", nor "1-2" "12" or "2 5" "25")."""
    norm = unicodedata.normalize("NFKC", visible(text)).casefold().translate(
        _TYPOGRAPHIC).translate(_NAME_SIGNS)
    return _squeeze(_NOT_ALNUM, norm)


def _numbers(text: str) -> list[str]:
    """The numbers ``text`` writes, without thousands' commas ("1,000" is "1000")."""
    return [n.replace(",", "") for n in _NUMBER.findall(unicodedata.normalize("NFKC", text))]


class _Listed(NamedTuple):
    """What a span's suggestions name (see :func:`_names`)."""

    #: every suggestion's term and canonical name (:func:`_name`): the span's own names
    names: frozenset[str]
    #: those a new text names a suggestion with on its own: the terms listed as they are
    plain: frozenset[str]
    #: the suggestions with a dose glued on, by term or canonical name (:func:`_dosed`)
    dosed: frozenset[str]
    #: the numbers glued to the name in the span's words: its dose
    numbers: tuple[str, ...]
    #: what the plain ones say (:func:`_said_key`): "milligrams twice daily" names the
    #: suggestion "mg BID", "1" the suggestion "one"
    said: frozenset[tuple[str, ...]] = frozenset()


def _names(doc: Document, spans: list[Span]) -> list[_Listed]:
    """For each span, the names that write one of its suggestions: each suggestion's
    term, and the canonical name of the flag's candidate listed by it (the brand
    "Eliquis" suggested, "apixaban" is the same drug); where the span's words have a
    dose glued to the name (:func:`uncertain._words.glued_dose`: the suggestion
    "metformin500mg" for "Metforrnin500mg"), the name with that dose, and the dose's
    numbers."""
    flags: dict[tuple[int, int], list[Flag]] = {}
    for flag in doc.flags:
        flags.setdefault((flag.start, flag.end), []).append(flag)
    words = doc.words
    out = []
    for span in spans:
        first, stop = span.word_start or 0, span.word_end or 0
        texts = [w.text for w in words[first:stop]]
        names: set[str] = set()
        plain: set[str] = set()
        dosed: set[str] = set()
        numbers: tuple[str, ...] = ()
        said: set[tuple[str, ...] | None] = set()
        for term in span.terms or span.candidates:
            own = {term} | {c.canonical for flag in flags.get((first, stop), ())
                            for c in flag.candidates
                            if c.canonical and _name(c.term) == _name(term)}
            names |= {_name(n) for n in own}
            glued = glued_dose(texts, term) if span.terms else None
            if glued is None:
                plain |= {_name(n) for n in own}
                said |= {_said_key(n) for n in own}
                continue
            dosed |= {_dosed(glued[0] + n + glued[1]) for n in own}
            numbers = numbers or tuple(_numbers(glued[0] + glued[1]))
        out.append(_Listed(frozenset(names - {""}), frozenset(plain - {""}),
                           frozenset(dosed - {""}), numbers,
                           frozenset(k for k in said if k is not None)))
    return out


#: the most words of a suggestion's name looked for in a change's new text
_NAME_WORDS = 4


def _dose_beside(changes: list[Change]) -> list[Change]:
    """``changes``, a span's lost numbers found in the answer's words inserted right
    beside its change kept ("Metforrnin500mg" -> "Metformin ER 500 mg", where "ER 500
    mg", more words than a span's correction takes, is an insertion of its own)."""
    out = list(changes)
    for k, change in enumerate(out):
        if not change.lost_numbers:
            continue
        said: set[str] = set()
        for other in (out[k - 1] if k else None, out[k + 1] if k + 1 < len(out) else None):
            if (other is not None and other.kind == "insert" and other.span is None
                    and not other.aside
                    and other.word_start in (change.word_start, change.word_end)):
                said |= set(_numbers(other.new))
        if said:
            lost = tuple(n for n in change.lost_numbers if n not in said)
            out[k] = replace(change, lost_numbers=lost)
    return out


def _segment_of(doc: Document) -> list[int]:
    """The index of each word's segment (its line)."""
    return [k for k, segment in enumerate(doc.segments) for _ in segment.words]


#: a note in brackets and nothing else ("(verify dose)", "[please confirm]")
_BRACKETED_NOTE = re.compile(r"[(\[][^()\[\]\n]*[)\]][.,;:]?")


#: what a note in brackets says it doubts of a dose ("(verify dose)", "[check
#: frequency]"), and of a name ("(verify spelling)", "(check drug name)"): a closed class,
#: the words a dose and a name are spoken of with
_OF_DOSE = re.compile(r"\b(?:dose|doses|dosed|dosage|dosing|strength|amount|number|frequency|"
                      r"units?|quantity|mg|mcg|ml)\b", re.IGNORECASE)
_OF_NAME = re.compile(r"\b(?:name|names|drug|drugs|medication|medications|medicine|"
                      r"spelling|word|words|term)\b", re.IGNORECASE)


def _said_number(text: str) -> bool:
    """Whether ``text`` holds a number, in digits or in words ("500", "fifteen")."""
    return bool(_DIGIT.search(text)) or any(w in NUMBER_WORDS for w in said_words(text))


def _checked_beside(changes: list[Change], segment_of: list[int]) -> list[Change]:
    """``changes``, a doubtful span's fix hedged where the answer inserts a note in
    brackets that doubts or asks to check a reading (:func:`_hedges`: "(verify dose)",
    "[uncertain]") after it on its line, with only words it kept between ("Metformin
    500 mg BID (verify dose)" for "Metformin 5OO mg BID"): the note is of the line's
    fix, not a word of its own."""
    out = list(changes)
    for k, note in enumerate(changes):
        if (note.kind != "insert" or note.span is not None or note.aside
                or not _BRACKETED_NOTE.fullmatch(note.new) or not _hedges(note.new)):
            continue
        fixed = next((t for t in range(k - 1, -1, -1) if changes[t].kind != "insert"
                      or changes[t].span is not None), None)
        if fixed is not None and _OF_DOSE.search(note.new) and not _OF_NAME.search(note.new):
            # (a note of the dose alone is of the line's fix that holds a number: not of
            # a name fixed before a dose left as it was, "lisinopril fifteen mg (verify dose)")
            fixed = next((t for t in range(fixed, -1, -1)
                          if (changes[t].kind != "insert" or changes[t].span is not None)
                          and _said_number(f"{changes[t].original} {changes[t].new}")), None)
            if fixed is not None and segment_of[changes[fixed].word_start] != segment_of[
                    max(note.word_start - 1, 0)]:
                fixed = None
        if fixed is None or changes[fixed].span is None or changes[fixed].hedged:
            continue
        first, stop = changes[fixed].word_start, note.word_start
        if (stop > first and len({segment_of[i] for i in range(first, stop)}) == 1
                and all(c.word_end <= first or c.word_start >= stop or c is changes[fixed]
                        for c in changes if c.span is None and not c.aside
                        and c.kind != "insert")):
            out[fixed] = replace(out[fixed], hedged=True)
    return out


def _moved_fixes(changes: list[Change], listed: list[_Listed],
                 segment_of: list[int]) -> tuple[list[Change], set[int], set[int]]:
    """``changes``, a doubtful span the answer deleted where it stands but whose
    suggestion it wrote among words it inserted on the span's line ("He takes met for me
    500 milligrams" -> "He takes 500 milligrams of metformin") read as fixed by that
    suggestion, where its words are (its times, its box), and the words inserted without
    it ("of"): the answer moved the fix, it did not drop it. Also the indices of the
    changes so fixed, and of the insertions left empty (to be dropped)."""
    out = list(changes)
    moved: set[int] = set()
    emptied: set[int] = set()
    for k, change in enumerate(out):
        if change.span is None or change.kind != "delete" or change.hedged:
            continue
        own = listed[change.span]
        line = segment_of[change.word_start]
        for t, other in enumerate(out):
            at = other.word_start  # (inserted before that word: at its line's end or start)
            if (t in emptied or other.kind != "insert" or other.span is not None
                    or other.aside or line not in {segment_of[w] for w in (at - 1, at)
                                                   if 0 <= w < len(segment_of)}):
                continue
            words = other.new.split()
            found = next(((a, b) for a in range(len(words))
                          for b in range(min(a + _NAME_WORDS, len(words)), a, -1)
                          if _name(" ".join(words[a:b])) in own.plain), None)
            if found is None:
                continue
            a, b = found
            rest = " ".join(words[:a] + words[b:])
            # (the marks round it are those of the place it was moved to)
            out[k] = replace(change, kind="replace",
                             new=" ".join(words[a:b]).strip(".,;:!?\"'()[]"),
                             candidate=not change.lost_numbers)
            if rest:
                out[t] = replace(other, new=rest)
            else:
                emptied.add(t)
            moved.add(k)
            break
    return out, moved, emptied


def _uncrossed(change: Change, listed: list[_Listed]) -> Change:
    """``change``, unless it replaces a doubtful span by another span's suggestion and
    none of its own (a reordered list aligned line against line: "lisa no pril" ->
    "atorvastatin" where "atorva statin" suggested it): then it is no resolution of the
    span, which stays unchanged, but a change of its words, as the answer's other
    moved words are."""
    if change.span is None or change.kind != "replace" or change.candidate:
        return change
    words = change.new.split()
    said = {_name(" ".join(words[a:b])) for a in range(len(words))
            for b in range(a + 1, min(a + _NAME_WORDS, len(words)) + 1)}
    own = listed[change.span].names
    others = frozenset().union(*(n.names for k, n in enumerate(listed) if k != change.span))
    if said & own or not said & (others - own):
        return change
    return replace(change, span=None, outside=(), candidate=False)


#: a note in brackets after a fix's name, the answer's gloss of it ("(ACE inhibitor)",
#: "[Glucophage]")
_GLOSS = re.compile(r"(?<=\S)[ \t]*[(\[][^()\[\]\n]*[)\]][.,;:]?$")


def _change(words: list[Word], g: _Group, new_tokens: list[str],
            span_of: list[int | None], listed: list[_Listed], doubtful: list[bool],
            turns: dict[int, int], lines: list[int | None] | None = None, *,
            aside: bool = False, said: set[int] | None = None) -> Change:
    kind: ChangeKind = "insert" if g.first == g.stop else "replace" if g.j1 < g.j2 else "delete"
    outside: tuple[int, ...] = ()
    if g.region is not None:  # (number words the new text writes in digits: not changed)
        outside = tuple(i for i in range(g.first, g.stop)
                        if span_of[i] is None and i not in (said or ()))
    # what does not show (a zero-width space, a joiner, a soft hyphen) is no part of the
    # answer's words: "metformin\u200b" is metformin (a word of nothing else stays)
    new = " ".join(visible(t) or t for t in new_tokens[g.j1:g.j2])
    lost: tuple[str, ...] = ()
    candidate = False
    if g.region is not None:
        own = listed[g.region]
        # (a gloss the answer puts after it names no other: "lisinopril (ACE inhibitor)")
        gloss = _GLOSS.search(new)  # (not a doubt: "metformin (uncertain)" names none)
        named = [new, *([new[:gloss.start()]] if gloss and not _hedges(gloss.group()) else [])]
        candidate = any(_name(t) in own.plain or _dosed(t) in own.dosed
                        or (own.said and _said_key(t) in own.said) for t in named)
        written = set(_numbers(new))
        lost = tuple(n for n in own.numbers if n not in written)
    original = join_words(words[g.first:g.stop])
    return Change(kind, g.first, g.stop, original, new, span=g.region, outside=outside,
                  candidate=candidate and not lost, lost_numbers=lost,
                  aside=aside, hedged=not aside and (
                      any(doubtful[g.j1:g.j2])  # the answer keeps it marked as doubtful
                      or _hedged(original, new, doubtful=g.region is not None)),
                  reformatted=(g.region is None and not aside
                               and (_squeezed(original) == _squeezed(new)
                                    or _same_said(original, new))),
                  **_provenance(words, g.first, g.stop, turns, lines))


#: a certainty denied ("not certain", "not 100% sure", "not fully confident")
_NOT_SURE = (r"not[ \t]+(?:(?:fully|entirely|completely|totally|quite|100[ \t]*%|very)[ \t]+)?"
             r"(?:sure|certain|confident)")
#: words an answer says it is unsure with ("uncertain", "[inaudible]", "possibly", "not
#: certain", "best guess")
_HEDGE_WORDS = re.compile(
    r"\b(?:uncertain|unclear|unsure|illegible|inaudible|unintelligible|indistinct|unknown|"
    r"possibly|probably|perhaps|maybe|presumably|likely|unconfirmed|best[ \t]+guess|"
    + _NOT_SURE + r")(?![\w%])",
    re.IGNORECASE)
#: a note in brackets asking a reader to check the reading ("[verify]", "(check dose)",
#: "(please confirm)"): outside brackets these words are the text's own orders ("Check
#: potassium in one week.", "Verify allergies."), as a clinical note gives them
_CHECK_NOTE = re.compile(
    r"[(\[][^()\[\]\n]*\b(?:verify|check|confirm)\b[^()\[\]\n]*[)\]]", re.IGNORECASE)


#: a plea to check the reading, in brackets or not ("metformin, please verify", "please
#: confirm the dose."): an order of the note's own is no plea ("Please check BMP in one
#: week": what follows is no reading's word)
_PLEASE_CHECK = re.compile(
    r"\bplease\s+(?:double[- ]?)?(?:verify|check|confirm)(?:\s+(?:this|that|it|the\s+)?"
    r"(?:dose|dosage|spelling|name|drug|medication|reading|word|term|strength|frequency|"
    r"number|unit|units)s?)?\s*(?=[.!?,;:)\]\-\u2013\u2014]|$)", re.IGNORECASE)


def _hedges(text: str) -> bool:
    """Whether ``text`` holds a word an answer says it is unsure with, or a note in
    brackets (or a plea) asking to check it."""
    return bool(_HEDGE_WORDS.search(text) or _checks(text))


def _checks(text: str) -> bool:
    """Whether ``text`` asks a reader to check the reading: a note in brackets, or a plea
    (:data:`_PLEASE_CHECK`)."""
    return bool(_CHECK_NOTE.search(text) or _PLEASE_CHECK.search(text))


#: the same said in the languages an answer's notes are written in beside a document
#: it keeps in its own (asked in French, Spanish, German, Italian or Portuguese, the
#: model comments in that language): a closed class, the words of doubt and of a plea
#: to check; not words a clinical note in English holds
_FOREIGN_DOUBT = (
    r"pas (?:s[uû]re?|certaine?)|incertaine?s?|v[ée]rifier|[àa] (?:v[ée]rifier|confirmer)|"
    r"peut-[êe]tre|probablement|"
    r"no (?:estoy|est[áa]) segur[oa]|inciert[oa]|verificar|comprobar|confirmar|"
    r"quiz[áa]s?|posiblemente|probablemente|"
    r"nicht sicher|unsicher|unklar|(?:über)?pr[üu]fen|best[äa]tigen|vielleicht|"
    r"m[öo]glicherweise|wahrscheinlich|"
    r"non (?:sono )?sicur[oa]|incert[oa]|verificare|confermare|forse|"
    r"n[ãa]o tenho certeza|incert[oa]|talvez")


#: what a note the answer adds beside the document doubts a reading with: a hedge word,
#: or, the answer's own words (no order of the note's), a word asking to check it
_NOTE_DOUBT = re.compile(
    r"\b(?:uncertain|unclear|unsure|illegible|inaudible|unintelligible|indistinct|unknown|"
    r"possibly|probably|perhaps|maybe|presumably|likely|unconfirmed|verify|verification|"
    r"check|confirm|confirmation|review|" + _NOT_SURE + r"|best guess|(?:may|might|could) be|"
    r"(?:can't|cannot|couldn't|could not) (?:tell|read|hear|make out)|"
    + _FOREIGN_DOUBT + r")\b", re.IGNORECASE)
#: what follows a hedge word that doubts the document's reading, not the answer's fix
#: ("likely misheard", "probably a transcription error", "possibly an OCR error")
_OF_ORIGINAL = re.compile(
    r"\s+(?:(?:a|an|the|just|simply)\s+)*(?:mis\w+|transcription|transcribing|recognition|"
    r"ocr|asr|speech|dictation|spelling|errors?\b|mistakes?\b|typos?\b|garbled)",
    re.IGNORECASE)
#: where a sentence ends, in a note the answer adds or in a change's new text: after its
#: mark and the spaces after it, or at a line's end (a list's item, a line with no mark);
#: a sentence an answer adds after its reading ("metformin. Likely viral URI.") is no
#: doubt of the reading (:func:`_of_reading`)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def _doubted(change: Change, notes: list[str], changes: Sequence[Change] = (),
             segment_of: Sequence[int] = ()) -> bool:
    """Whether a sentence of the ``notes`` the answer adds before or after the document
    (``Change.aside``) doubts ``change``, a fix of a doubtful span, by naming it: its new
    text, or the words it replaced ("I am not sure about omeprazole; please verify.",
    "- \"or promote\" -> \"omeprazole\" (uncertain)"). What it names must have four
    letters or more (or two digits: a dose, "the dose (15 mg) is uncertain"), or be
    quoted: "one" of "one of the names is unclear" is no fix; a
    hedge of the document's reading is none of the fix ("metformin, likely misheard").
    A doubting sentence that names none of the answer's fixes (``changes``) doubts those
    named before it on its line, a list's item or a paragraph ("- \"met for me\" ->
    \"metformin\". I'm fairly confident but please verify."). A sentence that names a
    fix as the drug of a dose ("The lisinopril dose is uncertain", "the dose of
    lisinopril") doubts the dose, not the name: the fix after it on its line (by
    ``segment_of``, each word's line) that holds a number.
    """
    if change.span is None or change.hedged or not change.new:
        return False
    others = [c for c in changes if c.span is not None and c.new and c is not change]
    # (the fixes of names on its line before it whose dose it is: the first with a number)
    named_for = [c for c in others if segment_of and c.word_end <= change.word_start
                 and segment_of[c.word_start] == segment_of[change.word_start]
                 and not any(d is not change and c.word_end <= d.word_start
                             < change.word_start and _said_number(f"{d.original} {d.new}")
                             for d in others)] if _said_number(
        f"{change.original} {change.new}") else []
    for note in notes:
        for line in note.split("\n"):
            named_before = False
            for sentence in _SENTENCE_END.split(line):
                dose = _OF_DOSE.search(sentence) and not _OF_NAME.search(sentence)
                names = (_names_fix(change, sentence)
                         and not (dose and _dose_named(change, sentence))) or bool(
                    dose and any(_dose_named(c, sentence) for c in named_for))
                doubts = any(_OF_ORIGINAL.match(sentence, m.end()) is None
                             for m in _NOTE_DOUBT.finditer(sentence))
                if doubts and (names or (named_before and not any(
                        _names_fix(c, sentence) for c in others))):
                    return True
                named_before = named_before or names
    return False


def _dose_named(change: Change, sentence: str) -> bool:
    """Whether ``sentence`` names ``change``, a fix holding no number, as the drug of a
    dose: "the lisinopril dose", "lisinopril's dose (15 mg)", "the dose of lisinopril",
    a few words between in a clause, 'the dose "fifteen milligrams" seems unusual for
    lisinopril', "lisinopril is usually dosed at 10 or 20 mg" (:data:`_OF_DOSE`)."""
    if _said_number(f"{change.original} {change.new}"):
        return False
    said = sentence.casefold()
    for text in {change.new, change.original}:
        name = re.escape(text.casefold().strip())
        if name and re.search(
                r"(?<!\w)" + name + r"(?:'s)?(?:\s+[^\s,;:]+){0,3}?\s+(?:\([^()]*\)\s+)?"
                + _OF_DOSE.pattern
                + r"|" + _OF_DOSE.pattern + r"(?:\s+[^\s,;:]+){0,4}?\s+(?:of|for|with)\s+"
                r"(?:the\s+)?" + name + r"(?!\w)", said):
            return True
    return False


def _names_fix(change: Change, sentence: str) -> bool:
    """Whether ``sentence`` names ``change``'s new text or the words it replaced: four
    letters or more, two digits or more, or quoted (see :func:`_doubted`)."""
    for text in {change.new, change.original}:
        if not text.strip():
            continue
        said = re.search(r"(?<!\w)" + re.escape(text.casefold()) + r"(?!\w)",
                         sentence.casefold())
        if said is None:
            continue
        quoted = sentence[max(0, said.start() - 1):said.start()] in _OPEN_QUOTES \
            and said.start() > 0
        # (a number of two digits or more names a dose as well as a word does)
        if quoted or sum(c.isalpha() for c in text) >= 4 or sum(
                c.isdigit() for c in text) >= 2:
            return True
    return False


#: how like a word of the original (``fuzz.ratio``) a hedge word of the new text must be
#: to be that word read right, not the answer's own doubt
_MISREAD_SIMILARITY = 70.0


def _own_hedge(original: str, new: str) -> bool:
    """Whether ``new`` says the answer is unsure with a hedge word or note that is not
    the original's own (:func:`_hedges`): a hedge word the original held misread is the
    document's, read right ("Allergies: unkn0wn" -> "unknown", "possibIy" -> "possibly",
    "may be" -> "maybe"); one of what the answer writes besides a reading is what it
    writes (:func:`_of_reading`)."""
    if _checks(new) and not _checks(original):
        return True
    if _HEDGE_WORDS.search(original):
        return False
    keys = [k for k in (_key(t) for t in original.split()) if k]
    keys += ["".join(keys)] if keys else []
    return any(not any(fuzz.ratio(m.group().casefold(), k) >= _MISREAD_SIMILARITY
                       for k in keys)
               and _of_reading(new, m.start(), keys)
               for m in _HEDGE_WORDS.finditer(new))


#: words a doubt of a reading is said with besides hedge words ("(dose unclear)", "the
#: name is uncertain", "most likely", "hard to read")
_DOUBT_SAID = frozenset(
    "a an the is it its this that be was seems appears sounds looks reads read like not "
    "but very most more here word words dose dosage spelling name drug medication reading "
    "term strength frequency number unit units audio text handwriting value hard to of as "
    "or and at best guess sure certain confident fully entirely completely totally quite "
    "100".split())


def _of_reading(new: str, at: int, keys: list[str]) -> bool:
    """Whether the hedge word at ``at`` of ``new`` doubts the answer's reading of the
    original (``keys``, its words as :func:`_key` gives them): its sentence says nothing
    but the doubt ("possibly", "(dose unclear)"), or holds the reading ("probably
    metformin"; of the first sentence written for words of the original, any reading:
    "possibly metoprolol" for "metfromin"). What the answer adds of its own, a sentence
    ("Likely viral URI.", "metformin. Likely viral.") or words inserted ("cough, likely
    viral"), is no doubt of a reading."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(new)]
    first = max(k for k, start in enumerate(starts) if start <= at)
    stop = starts[first + 1] if first + 1 < len(starts) else len(new)
    said = [k for k in (_key(t) for t in new[starts[first]:stop].split())
            if k and not _HEDGE_WORDS.fullmatch(k) and k not in _DOUBT_SAID]
    if not said:
        return True
    if any(fuzz.ratio(w, k) >= _MISREAD_SIMILARITY for w in said for k in keys):
        return True
    return bool(keys) and first == 0
_OR = re.compile(r"\S\s+or\s+\S", re.IGNORECASE)
#: two words with a slash between them, a choice left open ("metformin/metoprolol"); not
#: numbers ("138/86", "875/125"), a unit per unit ("mg/day") nor "and/or"
_SLASHED = re.compile(r"(?<![\w/])([^\W\d_]{2,})/([^\W\d_]{2,})(?![\w/])")


def _hedged(original: str, new: str, *, doubtful: bool) -> bool:
    """Whether the answer's ``new`` text for ``original`` says it is unsure
    (``Change.hedged``)."""
    if not new:
        return False
    if new.count("?") > original.count("?"):
        return True
    if _own_hedge(original, new):
        return True
    return doubtful and _alternatives(new) and not _alternatives(original)


def _alternatives(text: str) -> bool:
    """Whether ``text`` leaves a choice open: "X or Y", or two words with a slash between
    them where neither is a unit nor a time ("mg/day", "units/hour") and they are not
    "and/or"."""
    if _OR.search(text):
        return True
    return any(classify(a) == classify(b) == "word" and a.casefold() not in _PER
               and b.casefold() not in _PER and {a.casefold(), b.casefold()} != {"and", "or"}
               for a, b in _SLASHED.findall(text))


#: what a dose is counted per, written after a slash ("mg/day", "mL/hr")
_PER = frozenset({"day", "days", "d", "hr", "hrs", "hour", "hours", "h", "min", "minute",
                  "minutes", "week", "weeks", "wk", "month", "dose", "doses", "kg", "m2"})


def _same_said(original: str, new: str) -> bool:
    """Whether ``original`` and ``new`` say the same, numbers written in digits or words
    and a dose's units and directions abbreviated or spelled out ("five hundred
    milligrams" and "500 mg", "forty" and "40", "by mouth twice daily" and "PO BID",
    "every 6 hours" and "q6h", a number of hundreds said the short way in words, "one
    thirty two over eighty four" and "132/84"; not "fifty" and "15", "for" and "4", "1 50"
    and "150", nor "1-2" and "1/2"). Letters other than Latin ones are not compared so:
    never the same."""
    said, other = _said_key(original), _said_key(new)
    if said is None or other is None:
        return False
    if said == other:
        return True
    # a number said the short way in words ("one thirty two over eighty four": 132/84)
    return ((not _DIGIT.search(original) and _hundreds_said(said) == other)
            or (not _DIGIT.search(new) and _hundreds_said(other) == said))


_DIGIT = re.compile(r"\d")
#: the digits said before a number of tens ("one" of "one thirty two"), and the tens
_SHORT_HUNDREDS = frozenset("one two three four five six seven eight nine".split())
_SHORT_TENS = frozenset("ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
                        "eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
                        "ninety".split())


def _hundreds_said(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` with "hundred" where a digit and a number of tens after it, no number
    before them, say a number of hundreds the short way, as a blood pressure or a dose is
    said ("one thirty two": one hundred thirty two; "five twenty": five hundred twenty;
    not "twenty one thirty")."""
    out: list[str] = []
    for k, w in enumerate(words):
        out.append(w)
        if (w in _SHORT_HUNDREDS and k + 1 < len(words) and words[k + 1] in _SHORT_TENS
                and (k == 0 or words[k - 1] not in NUMBER_WORDS)):
            out.append("hundred")
    return tuple(out)


def _said_key(text: str) -> tuple[str, ...] | None:
    """What ``text`` says as :func:`_same_said` compares it (:func:`_plainly_said`), or
    None for no words, or letters other than Latin ones."""
    if not all(c.isascii() for c in unicodedata.normalize("NFKD", text) if c.isalpha()):
        return None
    return _plainly_said(text) or None


#: a dose's units and directions as written for short (said_words of them, in a row)
_ABBREVIATED = {
    "mg": ("milligram", "milligrams", "mgs"),
    "mcg": ("microgram", "micrograms", "ug"),
    "g": ("gram", "grams", "gm"),
    "kg": ("kilogram", "kilograms"),
    "ml": ("milliliter", "milliliters", "millilitre", "millilitres"),
    "meq": ("milliequivalent", "milliequivalents", "milli equivalents"),
    "po": ("by mouth", "orally", "per os"),
    "bid": ("twice daily", "twice a day", "two times a day", "two times daily", "bd"),
    "tid": ("three times daily", "three times a day", "tds"),
    "qid": ("four times daily", "four times a day", "qds"),
    "qd": ("once daily", "once a day", "daily", "every day", "od"),
    "qhs": ("at bedtime", "every night at bedtime", "hs"),
    "prn": ("as needed", "when needed", "as required"),
    "iv": ("intravenous", "intravenously"),
    "im": ("intramuscular", "intramuscularly"),
    "sc": ("subcutaneous", "subcutaneously", "subcut", "sq", "subq"),
    "sl": ("sublingual", "sublingually"),
    "tab": ("tablet", "tablets", "tabs"),
    "cap": ("capsule", "capsules", "caps"),
}
_SHORT_FOR = {tuple(said_words(long)): short for short, longs in _ABBREVIATED.items()
              for long in longs}
_LONGEST = max(len(k) for k in _SHORT_FOR)


def _plainly_said(text: str) -> tuple[str, ...]:
    """The words said for ``text`` (:func:`said_words`), each unit or direction of a dose
    as it is abbreviated and "every N hours" as "q N h"."""
    words = said_words(_marks_said(text))
    out: list[str] = []
    k = 0
    while k < len(words):
        for n in range(min(_LONGEST, len(words) - k), 0, -1):
            short = _SHORT_FOR.get(tuple(words[k:k + n]))
            if short is not None:
                out.append(short)
                k += n
                break
        else:
            if words[k] == "every" and k + 2 < len(words) and words[k + 1] in NUMBER_WORDS:
                end = k + 1
                while end < len(words) and words[end] in NUMBER_WORDS:
                    end += 1
                if end < len(words) and words[end] in ("hours", "hour"):
                    out += ["q", *words[k + 1:end], "h"]
                    k = end + 1
                    continue
            out.append(words[k])
            k += 1
    return tuple(out)


#: what may be written otherwise without changing the words: spaces, hyphens, dots
_SPACING = re.compile(r"[\s.-]+")


def _squeezed(text: str) -> str:
    """``text`` compared as words are (:func:`_key`), without the spaces, hyphens and
    dots that only write it otherwise; between two digits they stay, a space as one
    ("1-2" is not "12", nor "2 5" "25"), but not the spaces round a hyphen or dot
    ("10 - 20" is "10-20")."""
    return _squeeze(_SPACING, " ".join(_key(t) for t in text.split()))


def _squeeze(marks: re.Pattern[str], text: str) -> str:
    """``text`` without the runs ``marks`` matches, but between two digits, where a run
    stays without its spaces (a space alone as one): "2.5" is not "25"."""
    def squeeze(m: re.Match[str]) -> str:
        a, b = m.start(), m.end()
        if 0 < a and b < len(text) and text[a - 1].isdigit() and text[b].isdigit():
            return "".join(m.group().split()) or " "
        return ""

    return marks.sub(squeeze, text)
