"""Reading an LLM's corrected text back onto the original words, times and boxes.

This module owns :func:`reconcile`: it cleans whatever markup the LLM kept (all of
it, some of it, none of it), aligns the answer's words with the document's words
(``rapidfuzz.distance.Levenshtein.opcodes`` over word sequences) and sorts each
change into

* ``resolved``: a change on a doubtful span (the spans :func:`uncertain.render.render`
  marks at the same ``threshold``), with the original words' provenance;
* ``unchanged``: doubtful spans the answer left as they were;
* ``overcorrections``: changes to confident words nobody asked about.

Words are compared after NFKC normalisation, case folding and stripping punctuation
at both ends, so "Metformin," equals "metformin"; a word whose text contains spaces
is compared piece by piece.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

from uncertain._markup import (
    _BRACKET_NOTE,
    _ENTITY,
    _INLINE_NOTE,
    PAGE_LINE,
    PREAMBLES,
    STYLES,
    TIME_PREFIX,
    Span,
    Style,
    inline_unescape,
)
from uncertain.document import BBox, Document
from uncertain.render import doubtful_spans

__all__ = ["Change", "Reconciliation", "clean_answer", "reconcile"]

ChangeKind = Literal["replace", "delete", "insert"]


@dataclass(frozen=True)
class Change:
    """One edit of the answer, mapped onto ``Document.words[word_start:word_end]``.

    An insertion has ``word_start == word_end`` (the index it goes before); its
    ``start``/``end`` are the gap between the neighbouring words. ``span`` is the index
    (into ``Reconciliation.spans``) of the doubtful span the change touches, if any;
    ``outside`` lists the confident words it changed too. ``page``/``bbox`` are the
    first word's page and the union of the boxes of the words on that page.
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
    span: int | None = None
    outside: tuple[int, ...] = ()
    candidate: bool = False  # the new text is one of the span's suggestions

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the change."""
        data = asdict(self)
        data["outside"] = list(self.outside)
        data["bbox"] = None if self.bbox is None else list(self.bbox)
        return data


@dataclass(frozen=True)
class Reconciliation:
    """How an LLM answer relates to the document: resolved spans, untouched spans, overreach."""

    text: str  # the answer with markup removed
    spans: tuple[Span, ...]  # the doubtful spans, in reading order
    changes: tuple[Change, ...]
    unchanged: tuple[int, ...] = field(default=())  # indices into spans

    @property
    def resolved(self) -> list[Change]:
        """Changes on doubtful spans."""
        return [c for c in self.changes if c.span is not None]

    @property
    def overcorrections(self) -> list[Change]:
        """Changes to confident words only."""
        return [c for c in self.changes if c.span is None]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: text, spans, resolved, unchanged, overcorrections."""
        return {
            "text": self.text,
            "spans": [s.to_dict() for s in self.spans],
            "resolved": [c.to_dict() for c in self.resolved],
            "unchanged": [self.spans[i].to_dict() for i in self.unchanged],
            "overcorrections": [c.to_dict() for c in self.overcorrections],
        }


_INLINE_TAG = re.compile(r"</?(?:unsure|sure)\b[^>]*>")
_BRACKET_ANY = re.compile(
    r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))"  # an escape, consumed as one unit
    r"|\[((?:\\.|[^\\\[\]?])*)\?(?:\\.|[^\\\[\]])*\]",  # a span: keep its text
    re.DOTALL,
)
_LOOKS_INLINE = re.compile(r"</?(?:unsure|sure)\b|" + _ENTITY.pattern)


def _bracket_clean(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(4) is not None:
            return _bracket_clean(m.group(4))
        hexa = m.group(1) or m.group(2)
        if hexa:
            code = int(hexa, 16)
            return chr(code) if code <= 0x10FFFF else m.group()
        return "\n" if m.group(3) == "n" else m.group(3)

    return _BRACKET_ANY.sub(sub, text)


def _detect(answer: str) -> Style | None:
    for name in STYLES:
        if answer.startswith(PREAMBLES[name]):
            return name
    stripped = answer.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return "json"
    if _LOOKS_INLINE.search(answer):
        return "inline"
    if any(m.group(4) is not None for m in _BRACKET_ANY.finditer(answer)):
        return "bracket"
    if _BRACKET_NOTE.match(answer):
        return "bracket"
    return None


def clean_answer(answer: str, *, style: Style | None = None) -> str:
    """Remove the markup, structure lines and preamble an LLM answer may have kept.

    ``style=None`` guesses the style from the answer; text with no markup is left as
    it is, apart from time prefixes and page markers, which are always removed.
    Tolerant: a half-removed tag or an unknown escape is dropped or kept, never fatal.
    """
    if style is not None and style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    found = style or _detect(answer)
    if found is not None and answer.startswith(PREAMBLES[found]):
        answer = answer[len(PREAMBLES[found]):]
        answer = answer[2:] if answer.startswith("\n\n") else answer.lstrip("\n")
    if found == "json":
        try:
            data = json.loads(answer.strip())
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return str(data["text"])
    lines = []
    for line in answer.split("\n"):
        if PAGE_LINE.fullmatch(line):
            continue
        if found != "bracket" and _INLINE_NOTE.fullmatch(line):
            continue
        if found != "inline" and _BRACKET_NOTE.fullmatch(line):
            continue
        prefix = TIME_PREFIX.match(line)
        lines.append(line[prefix.end():] if prefix else line)
    text = "\n".join(lines)
    if found == "inline":
        return inline_unescape(_INLINE_TAG.sub("", text), strict=False)
    if found == "bracket":
        return _bracket_clean(text)
    return text


def _key(token: str) -> str:
    norm = unicodedata.normalize("NFKC", token).casefold()
    start, end = 0, len(norm)
    while start < end and unicodedata.category(norm[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(norm[end - 1]).startswith("P"):
        end -= 1
    return norm[start:end] or norm


def _provenance(doc: Document, first: int, stop: int) -> dict[str, Any]:
    words = doc.words
    if first == stop:  # an insertion: the gap between the neighbours
        before = words[first - 1] if first > 0 else None
        after = words[first] if first < len(words) else None
        return {"start": before.end if before else None, "end": after.start if after else None}
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
            "page": page, "bbox": bbox}


def reconcile(
    doc: Document,
    llm_output: str,
    *,
    style: Style | None = None,
    threshold: float = 0.5,
    include_verified: bool = False,
) -> Reconciliation:
    """Map an LLM's corrected version of ``doc`` back onto its words.

    ``llm_output`` may keep the markup of ``style`` (guessed when ``None``), drop it, or
    keep part of it. ``threshold`` must be the one the prompt was rendered with, so
    the same spans count as doubtful.
    """
    answer = clean_answer(llm_output, style=style)
    spans = [s for s in doubtful_spans(doc, threshold=threshold,
                                       include_verified=include_verified) if not s.verified]
    words = doc.words
    span_of: list[int | None] = [None] * len(words)
    for k, s in enumerate(spans):
        assert s.word_start is not None and s.word_end is not None
        for i in range(s.word_start, s.word_end):
            span_of[i] = k
    src: list[str] = []
    owner: list[int] = []  # source token -> word index
    for i, w in enumerate(words):
        for piece in w.text.split():
            src.append(_key(piece))
            owner.append(i)
    new_tokens = answer.split()
    ops = Levenshtein.opcodes(src, [_key(t) for t in new_tokens])
    groups = _groups(ops, owner, span_of, len(words))
    changes = [_change(doc, g, owner, new_tokens, span_of, spans) for g in groups]
    changed = {c.span for c in changes if c.span is not None}
    unchanged = tuple(k for k in range(len(spans)) if k not in changed)
    return Reconciliation(answer, tuple(spans), tuple(changes), unchanged)


@dataclass
class _Group:
    region: int | None  # the doubtful span touched, or None
    a: int  # source token range
    b: int
    j1: int  # answer token range
    j2: int
    first: int  # word range
    stop: int


def _groups(ops: Any, owner: list[int], span_of: list[int | None], n_words: int) -> list[_Group]:
    """Runs of non-equal opcodes, split by the span they touch, widened to whole words."""
    groups: list[_Group] = []
    fresh = True
    for op in ops:
        if op.tag == "equal":
            fresh = True
            continue
        a, b = op.src_start, op.src_end
        if a < b:
            first, stop = owner[a], owner[b - 1] + 1
            inner = sorted(k for k in {span_of[owner[t]] for t in range(a, b)} if k is not None)
            region = inner[0] if inner else None
        elif 0 < a < len(owner) and owner[a - 1] == owner[a]:  # inside a word
            first, stop = owner[a], owner[a] + 1
            region = span_of[first]
        else:
            first = stop = owner[a] if a < len(owner) else n_words
            before = span_of[owner[a - 1]] if 0 < a <= len(owner) else None
            after = span_of[owner[a]] if a < len(owner) else None
            region = before if before is not None and before == after else None
        last = groups[-1] if groups else None
        if last and ((not fresh and last.region == region) or first < last.stop):
            last.b, last.j2, last.stop = b, op.dest_end, max(last.stop, stop)
            last.region = last.region if last.region is not None else region
        else:
            groups.append(_Group(region, a, b, op.dest_start, op.dest_end, first, stop))
        fresh = False
    for g in groups:  # the other pieces of a touched word are aligned one to one
        if g.first < g.stop:
            lead = g.a - owner.index(g.first)
            trail = len(owner) - owner[::-1].index(g.stop - 1) - g.b
            g.j1, g.j2 = g.j1 - lead, g.j2 + trail
    return groups


def _change(doc: Document, g: _Group, owner: list[int], new_tokens: list[str],
            span_of: list[int | None], spans: list[Span]) -> Change:
    kind: ChangeKind = "insert" if g.first == g.stop else "replace" if g.j1 < g.j2 else "delete"
    outside: tuple[int, ...] = ()
    if g.region is not None:
        outside = tuple(i for i in range(g.first, g.stop) if span_of[i] is None)
    new = " ".join(new_tokens[g.j1:g.j2])
    candidate = g.region is not None and _key(new) in {_key(c) for c in spans[g.region].candidates}
    return Change(kind, g.first, g.stop, doc.span_text(g.first, g.stop), new, span=g.region,
                  outside=outside, candidate=candidate, **_provenance(doc, g.first, g.stop))
