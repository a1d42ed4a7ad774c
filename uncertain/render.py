"""Rendering a Document into an LLM prompt that shows which words may be wrong.

This module owns *which* spans are doubtful, *how* they are laid out (structure,
budget) and the :class:`Prompt` it returns; the syntaxes themselves (escaping, tags,
parsing back) live in ``uncertain._markup``.

Which spans are marked. ``p`` is the probability that a span is *right*:

* for a flag, ``p = 1 - flag.confidence`` (``flag.confidence`` is the probability the
  span is wrong), or, when the flag has no confidence, the lowest word confidence in
  the span, or unknown (``None``) when no word has one;
* a non-verified flag is marked when ``p < threshold`` or ``p`` is unknown (a flag
  with no numbers is still the validator saying "look here");
* a ``verified`` flag is marked (``<sure>``) only with ``include_verified=True``;
* a word covered by no flag is marked when its own ``confidence < threshold``;
  adjacent such words in one segment are merged into one span with the lowest ``p``.
  Words covered by any flag are judged by the flag alone. This is ``words="auto"``'s
  rule for a document no validator has judged; for one it has (``Document.validation``)
  the flags are the whole judgement, and confident-enough words stay plain: the
  validator's thresholds are per modality and spare ordinary English, where a flat
  threshold on the engine's score marks every right word Whisper opens a segment with
  ("<unsure p=0.25>ask</unsure> what you can do"). ``words="threshold"`` and
  ``words="none"`` force either rule.

Overlapping flags: the most doubtful wins, the others are not marked. Adjacent marked
flags in one segment that list no suggestion (words the engine doubted, with nothing
to offer for them) are one span with the lowest ``p``, as adjacent doubtful words are:
a run Whisper made up ("Thanks for watching, see you in the next video.") or misheard
word by word reads as one doubtful stretch, with one tag, not a tag per word. A flag
that lists suggestions keeps its own span: they are for its words.

Which suggestions a span lists. The flag's candidates, best first, at most
``max_candidates``, without any scoring under ``min_candidate_score`` (0.3; the span stays
marked, with no suggestion), and runner-ups only within ``candidate_gap`` of the best's
score in log-odds (1.5: odds at least a fifth of the best's). Log-odds, because the
window's context (a dose, a prescribing word, the acoustic pass's shift) moves every
candidate's log-odds alike, and a gap of probabilities would list more runner-ups the
nearer the scores come to 1. On the project's dev set, 9 of the 254 runner-ups listed
without a gap are the drug that was said; the gap keeps those 9 and drops 120 of the
other 245. The floor: the markup shows no score beside a suggestion, so a weak one reads
like a strong one, and after the acoustic pass suggestions scoring 0.05 to 0.3 name the
drug said about one time in ten (7 of 66 audio spans over four dev sets built with
different seeds); raising the floor from 0.05 to 0.3 lifts the share of audio spans
whose first suggestion is right from 49% to 58%, and keeps 96% of those suggestions
(``benchmarks/candidate_gap.py --rescore``).
``candidate_gap=None`` lists up to ``max_candidates`` regardless.
The names a word cut short with a dot begins ("Levo.": levothyroxine, levofloxacin,
levodopa, ...; the candidates' feature ``completion``) are one reading of it shared among
them, each scored by its share (about 0.2 of five): the floor weighs their scores
together, as the flag's doubt does, or a stem of many names would show none of them
("Hydro. 25 mg" was marked with no suggestion); the gap still weighs each.

A suggestion is the candidate's term, except where the span's word has a number glued
on to the letters the validator matched (OCR's "Metforrnin500mg", "Warfarln-5mg",
"Qty:.60": :func:`uncertain._words.glued_dose`): there it is the word with those letters
replaced by the term, everything else as written ("metformin500mg", "warfarin-5mg").
The name alone invited an answer that replaces the span by it and loses the dose; the
lexicon knows the name only, so the suggestion changes nothing else (no space put in,
no mark dropped but a stray one OCR read between the dose's number and its unit, which
no dose holds: "Lisinioprii-10'mg" is suggested "lisinopril-10mg", for an answer copies
a suggestion, and "10'mg" is no dose to write; nor a quote mark it read between the name
and its number, where no prescription has one: "Lisinioprii'10" is suggested
"lisinopril10"), and the reader sees which letters it corrects. Digits read for a
name's letters ("Lisinopri1") and a term's own ("coenzyme Q10") are no dose. A
suggestion that reads as the span does, but for the marks at its edges, is not listed
(a scan's "4mg_", a ruled line's underscore after "4mg", matched the unit's letters and
was suggested "4mg_"; "NKDA_" was suggested "NKDA"): it tells the reader nothing, and
the runners-up it outscores stay under its gap. The flag's
candidates keep the lexicon's terms; :attr:`Span.terms` says which term each suggestion
writes.

Budget. With ``budget`` (tokens of the whole prompt: preamble and document), the
spans are ranked most doubtful first (lowest ``p``; unknown ``p`` ranks as
``threshold``; verified last); spans of one ``p`` as shown (two decimals) in reading
order, the earlier first. Their ``p`` are alike to the reader, and finer differences
are below what a calibrated score can tell (the dictation sample's "or promote", 0.039,
and "Add or master 10", 0.045, both read 0.04); reading order is what the reader sees,
the same in every style and on every run. Suggestions go before markup: a span with
its ``p`` alone still says its words may be wrong, and its suggestions cost most of
its tokens. So the most doubtful spans stay marked, as many as fit with no suggestion, and the
rest are left unmarked; then the marked spans get back as many of their suggestions
as fit: each lists its best ones, and a more doubtful span's are cut no further than
a less doubtful one's (all keep two before any keeps one, one before any keeps none).
When anything is left out, the document's first line says what: "2 doubtful spans
unmarked, 4 suggestions cut" (:attr:`Prompt.note`; :attr:`Prompt.dropped`,
:attr:`Prompt.cut` and :attr:`Prompt.trimmed` count it), in as few tokens as say it:
each is one a suggestion could have had, and the note a budget just under the full
prompt's needs is paid in cut suggestions ("1 of 3 doubtful spans left unmarked, 2
suggestions cut (token budget)" cost the dictation fixture a span a token short). Both
choices are made by bisection: a few token counts per prompt, not one per choice. The
floor is the document with no markup and no note: where the note does not fit beside
it, the document is given without it (:attr:`Prompt.note` ``None``,
:attr:`Prompt.dropped` all the spans); if even that does not fit,
:class:`BudgetError` is raised. Token counts
use an offline BPE tokenizer when one is installed (see ``uncertain._tokens``) or a
documented estimate.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from uncertain._markup import (
    PREAMBLES,
    STYLES,
    Parsed,
    Span,
    Style,
    bracket_close,
    bracket_escape,
    bracket_open,
    format_time,
    guard_line,
    inline_close,
    inline_escape,
    inline_open,
    json_escape_hidden,
    note_line,
    parse,
    round_p,
)
from uncertain._score import logit
from uncertain._tokens import TokenizerSpec, estimate_tokens, resolve_counter
from uncertain._words import glued_dose
from uncertain.document import Document, Flag, Segment, gap_after, line_lead, misplaced_flag
from uncertain.errors import UncertainError

__all__ = [
    "STYLES",
    "BudgetError",
    "Parsed",
    "Prompt",
    "Span",
    "Style",
    "doubtful_spans",
    "estimate_tokens",
    "parse",
    "render",
]

logger = logging.getLogger("uncertain")

#: which unflagged words are marked: see the module docstring
WordMarks = Literal["auto", "threshold", "none"]
WORD_MARKS: tuple[str, ...] = get_args(WordMarks)
#: suggestions scoring under this are not shown (see the module docstring)
MIN_CANDIDATE_SCORE = 0.3
#: runner-up suggestions are shown only within this of the best's score, in log-odds
CANDIDATE_GAP: float | None = 1.5


class BudgetError(UncertainError, ValueError):
    """The document does not fit the token budget even without markup (``.budget``, ``.needed``)."""

    def __init__(self, budget: int, needed: int, tokenizer: str) -> None:
        self.budget = budget
        self.needed = needed
        self.tokenizer = tokenizer
        super().__init__(
            f"the unmarked prompt needs {needed} tokens ({tokenizer}), over the budget of {budget}"
        )

    def __reduce__(self) -> tuple[type[BudgetError], tuple[int, int, str]]:
        return type(self), (self.budget, self.needed, self.tokenizer)


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt: ``system`` explains the markup, ``document`` carries it.

    ``marked`` spans carry markup (``spans``, in reading order, as shown); under a
    ``budget``, ``dropped`` doubtful spans were left unmarked, and ``cut`` suggestions
    were left out of ``trimmed`` of the marked ones (theirs are the best ones, first).
    ``note`` is what the document's first line says of it (``None`` when nothing was
    left out, or when the budget has room for the unmarked document alone); ``tokens``
    counts the whole prompt with ``tokenizer``.
    """

    system: str
    document: str
    style: Style
    marked: int
    dropped: int
    tokens: int
    tokenizer: str
    spans: tuple[Span, ...] = ()
    trimmed: int = 0
    cut: int = 0
    note: str | None = None

    @property
    def text(self) -> str:
        """The whole prompt: the preamble, a blank line, then the document."""
        return f"{self.system}\n\n{self.document}" if self.system else self.document

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the prompt: its parts, counts and spans (a service
        returning it as JSON, as :meth:`Span.to_dict` and ``Reconciliation`` give theirs),
        all :meth:`from_dict` needs to give the prompt back."""
        return {
            "system": self.system, "document": self.document, "text": self.text,
            "style": self.style, "marked": self.marked, "dropped": self.dropped,
            "trimmed": self.trimmed, "cut": self.cut, "note": self.note,
            "tokens": self.tokens, "tokenizer": self.tokenizer,
            "spans": [span.to_dict() for span in self.spans],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Prompt:
        """The prompt :meth:`to_dict` gave, as it was: a prompt saved as JSON when it was
        sent, for ``reconcile(doc, answer, prompt=...)`` when the answer comes (in another
        process, a day later). ValueError for what is no such dict, or one whose ``text``
        is not its preamble and document."""
        if not isinstance(data, dict):
            raise ValueError(f"a saved prompt is an object, not {type(data).__name__}")
        try:
            system, document, style = data["system"], data["document"], data["style"]
            counts = {key: data.get(key, 0) for key in ("marked", "dropped", "tokens",
                                                         "trimmed", "cut")}
            tokenizer, note, spans = data["tokenizer"], data.get("note"), data["spans"]
        except KeyError as exc:
            raise ValueError(f"a saved prompt has a {exc.args[0]!r} field "
                             "(Prompt.to_dict gives it)") from None
        if not isinstance(system, str) or not isinstance(document, str) \
                or not isinstance(tokenizer, str) or not (note is None or isinstance(note, str)):
            raise ValueError("a saved prompt's system, document and tokenizer are strings")
        if style not in STYLES:
            raise ValueError(f"a saved prompt's style is one of {', '.join(STYLES)}, "
                             f"not {style!r}")
        if not all(type(v) is int and v >= 0 for v in counts.values()):
            raise ValueError(f"a saved prompt's counts are whole numbers, not {counts}")
        if not isinstance(spans, list):
            raise ValueError(f"a saved prompt's spans are a list, not {type(spans).__name__}")
        prompt = cls(system, document, style, counts["marked"], counts["dropped"],
                     counts["tokens"], tokenizer, tuple(Span.from_dict(s) for s in spans),
                     counts["trimmed"], counts["cut"], note)
        if data.get("text", prompt.text) != prompt.text:
            raise ValueError("a saved prompt's text is not its system and document: "
                             "it was changed since it was saved")
        return prompt


@dataclass(frozen=True)
class _Layout:
    text: str
    offsets: list[tuple[int, int]]  # per word: (start, end) in text
    lines: list[tuple[int, int]]  # per non-empty segment: word index range
    segments: list[int]  # per line: index into doc.segments


def _layout(doc: Document) -> _Layout:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []
    segments: list[int] = []
    pos = 0
    index = 0
    for si, seg in enumerate(doc.segments):
        if not seg.words:
            continue
        lead = line_lead(seg, first=not lines)
        if lines:
            lead = "\n" + lead
        parts.append(lead)
        pos += len(lead)
        first = index
        for wi, word in enumerate(seg.words):
            if wi:
                gap = gap_after(seg.words[wi - 1])
                parts.append(gap)
                pos += len(gap)
            offsets.append((pos, pos + len(word.text)))
            parts.append(word.text)
            pos += len(word.text)
            index += 1
        lines.append((first, index))
        segments.append(si)
    return _Layout("".join(parts), offsets, lines, segments)


def _flag_p(flag: Flag, confidences: list[float | None]) -> float | None:
    if flag.confidence is not None:
        return 1.0 - flag.confidence
    known = [c for c in confidences[flag.start:flag.end] if c is not None]
    return min(known) if known else None


def _suggestion(term: str, texts: Sequence[str]) -> str:
    """How a span of words (their ``texts``) lists the lexicon's ``term``: the term, or,
    where a number is glued on to the letters the validator matched ("Metforrnin500mg"),
    the words as they would read with the name corrected ("metformin500mg"; see the
    module docstring)."""
    glued = glued_dose(texts, term)
    return term if glued is None else glued[0] + term + glued[1]


#: the marks at the edges of a span's text or a suggestion, underscores (a ruled line's)
#: among them
_EDGE_MARKS = re.compile(r"^[\W_]+|[\W_]+$")


def _candidates(flag: Flag, texts: Sequence[str], max_candidates: int, min_score: float,
                gap: float | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The suggestions a span of ``flag`` lists, and the term each writes: none that
    reads as the span's words do but for the marks at their edges (see the module
    docstring)."""
    seen: list[str] = []
    terms: list[str] = []
    best: float | None = None
    written = _EDGE_MARKS.sub("", " ".join(texts))
    # the names a word cut short begins share its reading: judged together
    together = sum(c.score for c in flag.candidates if c.features.get("completion"))
    for cand in flag.candidates:
        if len(seen) >= max_candidates:
            break
        score = together if cand.features.get("completion") else cand.score
        if score < min_score or not cand.term.strip():
            continue
        shown = _suggestion(cand.term, texts)
        if shown in seen:
            continue
        if best is None:
            best = cand.score
        elif gap is not None and logit(best) - logit(cand.score) > gap:
            break
        if _EDGE_MARKS.sub("", shown) == written:
            continue  # the span as written: no reading of it
        seen.append(shown)
        terms.append(cand.term)
    return tuple(seen), tuple(terms)


def _rank(span: Span, threshold: float) -> tuple[bool, float, int]:
    return (span.verified, threshold if span.p is None else span.p, span.start)


def doubtful_spans(
    doc: Document,
    *,
    threshold: float = 0.5,
    max_candidates: int = 3,
    include_verified: bool = False,
    words: WordMarks = "auto",
    min_candidate_score: float = MIN_CANDIDATE_SCORE,
    candidate_gap: float | None = CANDIDATE_GAP,
) -> list[Span]:
    """The spans :func:`render` marks, in reading order (see the module docstring)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if words not in WORD_MARKS:
        raise ValueError(f"words must be one of {', '.join(WORD_MARKS)}, got {words!r}")
    mark_words = words == "threshold" or (words == "auto" and doc.validation is None)
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, int) \
            or max_candidates < 0:  # (1.5 listed two)
        raise ValueError(f"max_candidates must be a whole number >= 0, got {max_candidates!r}")
    if not 0.0 <= min_candidate_score <= 1.0:
        raise ValueError(f"min_candidate_score must be in [0, 1], got {min_candidate_score}")
    if candidate_gap is not None and not candidate_gap >= 0:  # NaN too
        raise ValueError(f"candidate_gap must be >= 0 or None, got {candidate_gap}")
    layout = _layout(doc)
    confidences = [w.confidence for w in doc.words]
    texts = [w.text for w in doc.words]
    covered = [False] * len(confidences)
    proposals: list[tuple[tuple[bool, float, int], Span]] = []
    for flag in doc.flags:
        for i in range(flag.start, flag.end):
            covered[i] = True
        verified = flag.reason == "verified"
        p = _flag_p(flag, confidences)
        if verified and not include_verified:
            continue
        if not verified and p is not None and p >= threshold:
            continue
        start, end = layout.offsets[flag.start][0], layout.offsets[flag.end - 1][1]
        shown, terms = ((), ()) if verified else _candidates(
            flag, texts[flag.start:flag.end], max_candidates, min_candidate_score,
            candidate_gap)
        span = Span(
            start, end, layout.text[start:end],
            None if verified or p is None else round_p(p),
            shown, verified, flag.start, flag.end, terms,
        )
        proposals.append(((verified, threshold if p is None else p, start), span))
    taken = [False] * len(confidences)
    chosen: list[Span] = []
    for _, span in sorted(proposals, key=lambda item: item[0]):
        assert span.word_start is not None and span.word_end is not None
        if any(taken[span.word_start:span.word_end]):
            continue
        for i in range(span.word_start, span.word_end):
            taken[i] = True
        chosen.append(span)
    chosen = _joined(sorted(chosen, key=lambda s: s.word_start or 0), layout)
    for first, stop in layout.lines if mark_words else ():
        run: list[int] = []
        for i in [*range(first, stop), -1]:
            conf = confidences[i] if i >= 0 else None
            if i >= 0 and not covered[i] and conf is not None and conf < threshold:
                run.append(i)
                continue
            if run:
                start, end = layout.offsets[run[0]][0], layout.offsets[run[-1]][1]
                p = min(c for c in (confidences[j] for j in run) if c is not None)
                chosen.append(Span(start, end, layout.text[start:end], round_p(p), (), False,
                                   run[0], run[-1] + 1))
                run = []
    return sorted(chosen, key=lambda s: s.word_start or 0)


def _joined(spans: list[Span], layout: _Layout) -> list[Span]:
    """``spans`` (in reading order) with each run of adjacent unverified spans of one
    line that list no suggestion made one span, with the lowest ``p`` (unknown when one
    of them is)."""
    line_of: dict[int, int] = {}
    for k, (first, stop) in enumerate(layout.lines):
        line_of.update((i, k) for i in range(first, stop))
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (last is not None and not span.candidates and not last.candidates
                and not span.verified and not last.verified
                and last.word_end == span.word_start and span.word_start is not None
                and line_of.get(span.word_start) == line_of.get(span.word_start - 1)):
            p = None if last.p is None or span.p is None else min(last.p, span.p)
            out[-1] = Span(last.start, span.end, layout.text[last.start:span.end], p, (),
                           False, last.word_start, span.word_end)
        else:
            out.append(span)
    return out


def _timed(doc: Document) -> bool:
    """Whether segments are shown with their start time: audio, and subtitle files (a cue
    whose timing could not be read shows ``[--:--.-]``, not the file losing its times)."""
    if doc.source.modality == "audio":
        return True
    return doc.source.modality == "text" and any(seg.start is not None
                                                 for seg in doc.segments)


def _when(seg: Segment) -> float | None:
    """When a segment shown with its time starts: its own start, else its first word's
    (a document whose words alone have times), else unknown."""
    return seg.start if seg.start is not None else seg.words[0].start


def _emit_markup(doc: Document, layout: _Layout, spans: list[Span], style: Style,
                 structure: bool, note: str | None) -> str:
    inline = style == "inline"
    opens = {s.word_start: s for s in spans}
    closes = {s.word_end: s for s in spans}
    out: list[str] = [] if note is None else [note_line(note, style)]
    timed = structure and _timed(doc)
    page: int | None = None
    inside = False
    for k, ((first, stop), si) in enumerate(zip(layout.lines, layout.segments, strict=True)):
        seg = doc.segments[si]
        if k:
            out.extend([""] * seg.blank_lines)
        if structure and seg.page is not None and seg.page != page:
            page = seg.page
            out.append(f"--- page {page} ---")
        pieces: list[str] = [seg.indent]
        words = seg.words
        for i in range(first, stop):
            if i > first:
                pieces.append(gap_after(words[i - first - 1]))
            if i in opens:
                span = opens[i]
                pieces.append(inline_open(span) if inline else bracket_open(span))
                inside = True
            text = words[i - first].text
            if inline:
                pieces.append(inline_escape(text))
            else:
                pieces.append(bracket_escape(text, where="surface" if inside else "text"))
            if i + 1 in closes:
                span = closes[i + 1]
                pieces.append(inline_close(span) if inline else bracket_close(span))
                inside = False
        line = "".join(pieces)
        if timed:
            out.append(format_time(_when(seg)) + line)
        else:
            out.append(guard_line(line, style))
    return "\n".join(out)


def _emit_json(doc: Document, layout: _Layout, spans: list[Span], structure: bool,
               note: str | None) -> str:
    data: dict[str, Any] = {}
    if note is not None:
        data["note"] = note
    data["text"] = layout.text
    items = []
    for s in spans:
        item: dict[str, Any] = {"start": s.start, "end": s.end, "text": s.text}
        if s.verified:
            item["verified"] = True
        if s.p is not None:
            item["p"] = s.p
        if s.candidates:
            item["maybe"] = list(s.candidates)
        items.append(item)
    data["spans"] = items
    modality = doc.source.modality
    timed = _timed(doc)
    if structure and (modality != "text" or timed):
        segs: list[dict[str, Any]] = []
        for first, stop in layout.lines:
            seg = doc.segments[layout.segments[len(segs)]]
            entry: dict[str, Any] = {"start": layout.offsets[first][0],
                                     "end": layout.offsets[stop - 1][1]}
            if timed:
                entry["time"] = format_time(_when(seg))[1:-2]
            elif seg.page is not None:
                entry["page"] = seg.page
            segs.append(entry)
        data["segments"] = segs
    return json_escape_hidden(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _note(dropped: int, cut: int) -> str | None:
    """The budget note: how many doubtful spans lost their markup, and how many
    suggestions the marked ones lost (``None`` when nothing was left out), in as few
    tokens as say it: every token of it is one a suggestion could have had."""
    said = [f"{dropped} doubtful span{'s' * (dropped != 1)} unmarked"] if dropped else []
    if cut:
        said.append(f"{cut} suggestion{'s' * (cut != 1)} cut")
    return ", ".join(said) or None


def _ladder(ranked: list[Span]) -> list[tuple[int, int]]:
    """The steps from the full suggestions of ``ranked`` (most doubtful first) down to
    none, each a ``(cap, k)``: the ``k`` least doubtful spans list at most ``cap - 1``
    suggestions, the others at most ``cap``. Each step takes one span's last suggestion,
    the least doubtful's first, so a more doubtful span is never cut further than a
    less doubtful one: all keep two before any keeps one, one before any keeps none.
    Steps that change nothing are not listed."""
    n = len(ranked)
    most = max((len(s.candidates) for s in ranked), default=0)
    steps = [(most, 0)]
    for cap in range(most, 0, -1):
        steps += [(cap, k) for k in range(1, n + 1) if len(ranked[n - k].candidates) >= cap]
    return steps


def _cut(ranked: list[Span], step: tuple[int, int]) -> list[tuple[Span, int]]:
    """The spans of ``ranked`` as they are shown at ``step`` of :func:`_ladder`, each
    with how many suggestions it lost (its best ones are kept)."""
    cap, k = step
    n = len(ranked)
    out = []
    for i, span in enumerate(ranked):
        keep = cap - 1 if i >= n - k else cap
        lost = max(0, len(span.candidates) - keep)
        if lost:
            span = replace(span, candidates=span.candidates[:keep], terms=span.terms[:keep])
        out.append((span, lost))
    return out


def _first_fit(lo: int, hi: int, found: Prompt,
               fits: Callable[[int], Prompt | None]) -> Prompt:
    """The prompt ``fits`` gives for the least index in ``(lo, hi]`` it gives one for
    (``found``, for ``hi``, when no other), the indices ordered from the most markup
    kept to the least: the first is tried alone, as the note it needs is the shortest
    (nothing unmarked yet, or no suggestion cut yet), then the rest by bisection."""
    if hi - lo > 1:
        first = fits(lo + 1)
        if first is not None:
            return first
        lo += 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        trial = fits(mid)
        if trial is not None:
            hi, found = mid, trial
        else:
            lo = mid
    return found


def render(
    doc: Document,
    *,
    style: Style = "inline",
    threshold: float = 0.5,
    max_candidates: int = 3,
    preamble: bool = True,
    budget: int | None = None,
    include_verified: bool = False,
    structure: bool = True,
    tokenizer: TokenizerSpec = None,
    words: WordMarks = "auto",
    min_candidate_score: float = MIN_CANDIDATE_SCORE,
    candidate_gap: float | None = CANDIDATE_GAP,
) -> Prompt:
    """Render ``doc`` as a prompt whose markup shows the doubtful spans.

    ``style`` is ``inline``, ``bracket`` or ``json``; ``structure`` keeps time prefixes
    (audio) and page markers (images); ``budget`` caps the whole prompt in tokens as
    counted by ``tokenizer`` (see the module docstring). Raises :class:`BudgetError`
    when even the unmarked document exceeds the budget. ``words`` says which words no
    flag covers are marked (``auto``: none once a validator has judged the document,
    else those below ``threshold``). ``max_candidates``, ``min_candidate_score`` and
    ``candidate_gap`` choose the suggestions a span lists (see the module docstring).
    """
    if not isinstance(doc, Document):
        raise TypeError(f"render() takes a Document, not {type(doc).__name__} "
                        "(Document.from_json reads a saved one)")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    if budget is not None and budget < 0:
        raise ValueError(f"budget must be >= 0 tokens, got {budget}")
    if (misplaced := misplaced_flag(doc)) is not None:
        raise ValueError(misplaced)
    counter = resolve_counter(tokenizer)
    layout = _layout(doc)
    spans = doubtful_spans(doc, threshold=threshold, max_candidates=max_candidates,
                           include_verified=include_verified, words=words,
                           min_candidate_score=min_candidate_score,
                           candidate_gap=candidate_gap)
    ranked = sorted(spans, key=lambda s: _rank(s, threshold))
    system = PREAMBLES[style] if preamble else ""

    def build(shown: list[tuple[Span, int]], *, say: bool = True) -> Prompt:
        marked = sorted((s for s, _ in shown), key=lambda s: s.word_start or 0)  # in order
        dropped = len(spans) - len(marked)
        cut = sum(lost for _, lost in shown)
        trimmed = sum(1 for _, lost in shown if lost)
        note = _note(dropped, cut) if say else None
        if style == "json":
            document = _emit_json(doc, layout, marked, structure, note)
        else:
            document = _emit_markup(doc, layout, marked, style, structure, note)
        whole = f"{system}\n\n{document}" if system else document
        return Prompt(system, document, style, len(marked), dropped, counter.count(whole),
                      counter.name, tuple(marked), trimmed, cut, note)

    full = build([(s, 0) for s in ranked])
    if budget is None or full.tokens <= budget:
        return full

    def within(prompt: Prompt) -> Prompt | None:
        return prompt if prompt.tokens <= budget else None

    n = len(spans)

    def marking(keep: int) -> Prompt | None:
        """The `keep` most doubtful marked with no suggestion, if that fits; else with
        all theirs, which needs no word of cuts in the note and may cost less."""
        bare = within(build(_cut(ranked[:keep], (1, keep))))
        if bare is None and keep < n:
            return within(build([(s, 0) for s in ranked[:keep]]))
        return bare

    floor = build([])
    if floor.tokens > budget:  # no room for the note: the unmarked document, if it fits
        bare = build([], say=False)
        if bare.tokens > budget:
            raise BudgetError(budget, bare.tokens, counter.name)
        logger.info("render: to fit %d tokens, all %d doubtful spans unmarked, unsaid",
                    budget, n)
        return bare
    # as many spans marked as fit, the most doubtful; then as many of their suggestions
    most = _first_fit(-1, n, floor, lambda k: marking(n - k))
    kept = ranked[:most.marked]
    ladder = _ladder(kept)  # (its first step is `full` when all are kept; its last, `most`)
    best = _first_fit(0 if most.marked == n else -1, len(ladder) - 1, most,
                      lambda step: within(build(_cut(kept, ladder[step]))))
    logger.info("render: to fit %d tokens, %s", budget, best.note)
    return best
