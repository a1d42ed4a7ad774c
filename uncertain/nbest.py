"""The decoder's other hypotheses: n-best lists from beam search, kept as word alternatives.

This module owns :func:`add_nbest`. Only segments holding a word below
``NbestOptions.below`` confidence are decoded again (that is what keeps it cheap): the
segment's audio window, beam search with ``num_hypotheses=n``. Each hypothesis is aligned
word by word to the words of the first pass (rapidfuzz Levenshtein opcodes over
normalised words); where it differs, its words become ``Word.alternatives`` with source
``"nbest"`` and as confidence the probability of the hypotheses that agree on them (a
softmax of their total log-probabilities). A run of ``k`` first-pass words replaced by a
run of ``m != k`` hypothesis words gives the whole run's text as one alternative of the
run's first word ("met four min" -> "metformin" on "met").

Words, times, confidences and flags are never changed: only alternatives are added.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from uncertain import audio as _audio
from uncertain._acoustic import NbestDecoder, recording_chunks, scorer_for
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
    audio: np.ndarray | None = None,
    n: int = 4,
    options: NbestOptions | None = None,
    decoder: NbestDecoder | None = None,
) -> Document:
    """A copy of ``doc`` whose doubtful segments' words carry the decoder's alternatives.

    ``model``: a loaded ``faster_whisper.WhisperModel`` or anything
    :func:`uncertain.models.load_model` takes (default: the model that made ``doc``);
    ``audio``: the recording as 16 kHz mono float32 (else decoded from the source);
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
    if decoder is None:
        decoder = scorer_for(doc, model=model, pad_seconds=opts.pad_seconds)
    duration = doc.source.duration
    segments = list(doc.segments)
    for i in chosen:
        segment = segments[i]
        start = max(0.0, float(segment.start or 0.0) - opts.margin)
        end = float(segment.end or 0.0) + opts.margin
        if duration is not None:
            end = min(end, duration)
        if end <= start or end - start > 30.0:
            continue
        clip = _window(doc, audio, start, end)
        if len(clip) == 0:
            continue
        hypotheses = decoder.nbest(clip, n)
        segments[i] = segment.model_copy(update={
            "words": _with_alternatives(segment.words, hypotheses, opts)})
    return doc.model_copy(update={"segments": segments,
                                  "source": doc.source.model_copy(update={
                                      "options": {**doc.source.options, "nbest": n}})})


def _doubtful(segment: Segment, below: float) -> bool:
    return segment.start is not None and segment.end is not None and any(
        w.confidence is not None and w.confidence < below for w in segment.words)


def _window(doc: Document, audio: np.ndarray | None, start: float, end: float) -> np.ndarray:
    sr = _audio.SAMPLE_RATE
    a, b = round(start * sr), round(end * sr)
    if audio is not None:
        return np.asarray(audio[a:b], dtype=np.float32)
    pieces = []
    for chunk in recording_chunks(doc):
        c0 = round(chunk.start * sr)
        c1 = c0 + len(chunk.samples)
        lo, hi = max(a, c0), min(b, c1)
        if lo < hi:
            pieces.append(chunk.samples[lo - c0:hi - c0])
        if c1 >= b:
            break
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


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


def _with_alternatives(words: list[Word], hypotheses: list[tuple[str, float]],
                       opts: NbestOptions) -> list[Word]:
    if not hypotheses:
        return words
    top = max(total for _, total in hypotheses)
    weights = [math.exp(total - top) for _, total in hypotheses]
    norm = sum(weights)
    found: dict[int, dict[str, tuple[str, float]]] = {}
    texts = [w.text for w in words]
    for (text, _), weight in zip(hypotheses, weights, strict=True):
        for i, alt in align_hypothesis(texts, text.split()):
            seen = found.setdefault(i, {})
            key = _norm(alt)
            prior = seen.get(key, (alt, 0.0))[1]
            seen[key] = (seen.get(key, (alt, 0.0))[0], prior + weight / norm)
    out = list(words)
    for i, alts in found.items():
        word = words[i]
        have = {_norm(a.text) for a in word.alternatives}
        new = [Alternative(text=t, confidence=round(min(1.0, p), 4), source=SOURCE)
               for key, (t, p) in sorted(alts.items(), key=lambda kv: -kv[1][1])
               if key not in have and p >= opts.min_confidence]
        if new:
            out[i] = word.model_copy(update={
                "alternatives": [*word.alternatives, *new[: opts.max_alternatives]]})
    return out
