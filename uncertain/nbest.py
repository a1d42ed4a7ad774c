"""The decoder's other hypotheses: n-best lists from beam search, kept as word alternatives.

This module owns :func:`add_nbest`. Only segments holding a word below
``NbestOptions.below`` confidence are decoded again (that is what keeps it cheap): the
segment's audio window (reaching over a pause to the words around it, as the second
pass's windows do; all windows read from the file in one stream), beam search with
``num_hypotheses=n``. Each hypothesis is aligned word by word to the words of the first
pass as written (a word glued to the one before it, "follow" "-up", is one; rapidfuzz
Levenshtein opcodes over normalised words); where it says something else, not only
writes the same otherwise ("one" for "1", "bed time" for "bedtime"), its words become
``Word.alternatives`` with source ``"nbest"``. Their confidence shares out the word's
doubt, ``1 - confidence``, by the weight of the hypotheses that say each among those that
differ there (a softmax of their total log-probabilities). A run of ``k`` first-pass
words replaced by a run of ``m != k`` hypothesis words gives the whole run's text as one
alternative of the run's first word ("met four min" -> "metformin" on "met").

Words, times, confidences and flags are never changed: only alternatives are added.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from uncertain._acoustic import (
    Audio,
    NbestDecoder,
    checked_audio,
    checked_recording,
    clips,
    reach,
    scorer_for,
)
from uncertain._context import strip_punct
from uncertain.document import Alternative, Document, Segment, Word

__all__ = ["NbestOptions", "add_nbest", "align_hypothesis"]

log = logging.getLogger("uncertain")
SOURCE = "nbest"


@dataclass(frozen=True)
class NbestOptions:
    """Which segments are decoded again and how their hypotheses become alternatives."""

    below: float = 0.5  # a segment with a word less confident than this is decoded again
    margin: float = 0.2  # seconds of audio kept either side of the segment
    min_confidence: float = 0.01  # alternatives less probable than this are not kept
    max_alternatives: int = 3  # per word, best first
    pad_seconds: float | None = 30.0  # encoder input length (None: the window's own)

    def __post_init__(self) -> None:
        if not 0.0 <= self.below <= 1.0 or not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("below and min_confidence must be in [0, 1]")
        if self.margin < 0 or self.max_alternatives < 1:
            raise ValueError("margin must be >= 0 and max_alternatives >= 1")


def add_nbest(
    doc: Document,
    *,
    model: Any = None,
    audio: Audio = None,
    n: int = 4,
    options: NbestOptions | None = None,
    decoder: NbestDecoder | None = None,
) -> Document:
    """A copy of ``doc`` whose doubtful segments' words carry the decoder's alternatives.

    ``model``: a loaded ``faster_whisper.WhisperModel`` or anything
    :func:`uncertain.models.load_model` takes (default: the model that made ``doc``);
    ``audio``: the recording as 16 kHz mono float32 samples or its file's path, as
    :func:`uncertain.rescore.rescore` takes it (else decoded from the source);
    ``decoder`` replaces the model (tests pass a fake). Non-audio documents, and documents
    without doubtful segments, come back as they are.
    """
    if n < 2:
        raise ValueError(f"n={n}: an n-best list needs n >= 2")
    opts = options or NbestOptions()
    if doc.source.modality != "audio":
        return doc
    chosen = [i for i, s in enumerate(doc.segments) if _doubtful(s, opts.below)]
    if not chosen:
        return doc
    audio = checked_audio(doc, audio)
    duration = doc.source.duration
    segments = list(doc.segments)
    windows: dict[int, tuple[float, float]] = {}
    for i in chosen:
        segment = segments[i]
        start = max(0.0, float(segment.start or 0.0) - opts.margin)
        end = float(segment.end or 0.0) + opts.margin
        # the window reaches over a pause to the words around the segment, as the
        # second pass's do: a first word timed late was cut, and every hypothesis
        # then began with another word
        after = _edge(segments, i, 1)
        start, end = reach(start, end, _edge(segments, i, -1),
                           duration if after is None else after)
        start = max(0.0, start)
        if duration is not None:
            end = min(end, duration)
        if 0 < end - start <= 30.0:
            windows[i] = (start, end)
    if not windows:
        return doc
    recording = checked_recording(doc, audio)  # (before a model is loaded for it)
    if decoder is None:
        decoder = scorer_for(doc, model=model, pad_seconds=opts.pad_seconds)
    # the windows' samples are read in one stream (a file is not decoded once a segment)
    for i, clip in zip(windows, clips(doc, list(windows.values()), recording), strict=True):
        if len(clip) == 0:
            continue
        hypotheses = decoder.nbest(clip, n)
        segments[i] = segments[i].model_copy(update={
            "words": _with_alternatives(segments[i].words, hypotheses, opts)})
    return doc.model_copy(update={"segments": segments,
                                  "source": doc.source.model_copy(update={
                                      "options": {**doc.source.options, "nbest": n}})})


def _doubtful(segment: Segment, below: float) -> bool:
    return segment.start is not None and segment.end is not None and any(
        w.confidence is not None and w.confidence < below for w in segment.words)


def _edge(segments: list[Segment], i: int, step: int) -> float | None:
    """The end of the last timed word before segment ``i`` (``step`` -1; the recording's
    start before the first), or the start of the first after it (``step`` 1)."""
    k = i + step
    while 0 <= k < len(segments):
        words = segments[k].words if step > 0 else segments[k].words[::-1]
        for word in words:
            edge = word.start if step > 0 else word.end
            if edge is not None:
                return float(edge)
        k += step
    return 0.0 if step < 0 else None


def _norm(text: str) -> str:
    return strip_punct(text).casefold()


def align_hypothesis(words: list[str], hypothesis: list[str]) -> list[tuple[int, str]]:
    """Where ``hypothesis`` differs from ``words``: ``(index of a word, other text)`` pairs.

    Equal runs are skipped. Between two equal runs, a differing run of the same length
    pairs word for word; any other gives its whole text to the run's first word. Words a
    hypothesis only inserts (no first-pass word in their run) are left out.
    """
    a = [_norm(w) for w in words]
    b = [_norm(w) for w in hypothesis]
    blocks: list[list[int]] = []  # [src_start, src_end, dest_start, dest_end]
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    out: list[tuple[int, str]] = []
    for src_start, src_end, dest_start, dest_end in blocks:
        src = list(range(src_start, src_end))
        dst = hypothesis[dest_start:dest_end]
        if not src or not dst:
            continue
        if len(src) == len(dst):
            out += [(i, strip_punct(t)) for i, t in zip(src, dst, strict=True)]
        else:
            out.append((src[0], " ".join(strip_punct(t) for t in dst)))
    return [(i, t) for i, t in out if t and _norm(t) != a[i]]


def _units(words: list[Word]) -> list[tuple[int, str]]:
    """The words as a hypothesis writes them: ``(first word, text)``, a word the engine
    wrote onto the one before it joined to it ("follow" "-up": "follow-up")."""
    out: list[tuple[int, str]] = []
    glued = False
    for i, word in enumerate(words):
        if glued and out:
            out[-1] = (out[-1][0], out[-1][1] + word.text)
        else:
            out.append((i, word.text))
        glued = not word.space_after
    return out


def _same(alternative: str, heard: str) -> bool:
    """Whether an alternative only writes what was heard otherwise: spaces, punctuation,
    case, or numbers in words ("bed time" for "bedtime.", "one" for "1")."""
    from uncertain.metrics import normalize

    if _norm(alternative).replace(" ", "") == _norm(heard).replace(" ", ""):
        return True
    said = normalize(heard)
    return bool(said) and normalize(alternative).replace(" ", "") == said.replace(" ", "")


def _with_alternatives(words: list[Word], hypotheses: list[tuple[str, float]],
                       opts: NbestOptions) -> list[Word]:
    """``words`` with the hypotheses' other words as alternatives. An alternative's
    confidence is the word's doubt shared out: ``1 - confidence`` times the weight of the
    hypotheses that say it among those that say something else there (a softmax of their
    log-probabilities), so that a word and its alternatives add up to at most 1."""
    if not hypotheses:
        return words
    top = max(total for _, total in hypotheses)
    weights = [math.exp(total - top) for _, total in hypotheses]
    units = _units(words)
    found: dict[int, dict[str, tuple[str, float]]] = {}
    for (text, _), weight in zip(hypotheses, weights, strict=True):
        for u, alt in align_hypothesis([t for _, t in units], text.split()):
            if _same(alt, units[u][1]):
                continue
            seen = found.setdefault(units[u][0], {})
            key = _norm(alt)
            first, total = seen.get(key, (alt, 0.0))
            seen[key] = (first, total + weight)
    out = list(words)
    for i, alts in found.items():
        word = words[i]
        doubt = 1.0 if word.confidence is None else 1.0 - word.confidence
        other = sum(total for _, total in alts.values())
        have = {_norm(a.text) for a in word.alternatives}
        new = [Alternative(text=t, confidence=round(doubt * total / other, 4), source=SOURCE)
               for key, (t, total) in sorted(alts.items(), key=lambda kv: -kv[1][1])
               if key not in have and doubt * total / other >= opts.min_confidence]
        if new:
            out[i] = word.model_copy(update={
                "alternatives": [*word.alternatives, *new[: opts.max_alternatives]]})
    return out
