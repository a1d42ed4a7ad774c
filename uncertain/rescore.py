"""The acoustic second pass: ask the ASR model which candidate explains a flagged span best.

This module owns the step ``Document + flags -> Document + re-ranked flags`` for audio.
For every flag with candidates (reason not ``verified``) it weighs the first
``rare_candidates`` (3) and the first ``common_candidates`` (8) of the commonly
prescribed ones after them (prior at least 0.55; the validator lists those among a
flag's best 16 for audio, ``acoustic_pool``, of the 32 terms it searches for a window in
a drug's slot, ``acoustic_search``; on the dev split this lifts top-1 after the pass
from 50.8% to 55.7% of 61 mentions, for a sixth more time); a flag it scores keeps only
those. It cuts the audio of the flagged words plus ``context_before``/``context_after``
heard words of the same segment and a ``margin`` (clamped to the recording; flags within
``max_window`` seconds share one window and one encoder run) and scores, in batched
calls per window, the text ``<before> <hypothesis> <after>`` for the words heard and for
every candidate (as the lexicon writes it; ``casings`` also scores it capitalised and
keeps the better, which on the dev set costs a fifth more time and picks the drug said
no more often), ``<before>`` forced as the start.

A hypothesis's score is the total log-probability Whisper gives to its tokens and to the
``<after>`` words, given the audio, minus ``prior_weight`` times the same given silence
after the flag's own ``<before>`` words: what the audio adds to the decoder's language
prior, which otherwise sinks every rare
drug name (on the dev set this doubles top-1 among hard candidates; see
``benchmarks/rescore_methods.py``). The silence is as long as the window up to
``prior_seconds`` (4 s): on eight dev-set runs a longer one recovers the same drugs with
the same false flags, for more time (``benchmarks/validate_quality.py --rescore``). The total
rather than the mean: a short candidate leaves audio unexplained and pays for it in
``<after>``. A later flag of a shared window is scored after the words heard from the
window's first; forcing those before its prior too cost about 7% of the pass's time on
devset-piper, and without them the 21 dev sets recover the same drugs or more (top-1),
with the same false flags.

Folding, with ``gap = score(candidate) - score(heard)`` (``Candidate.features
["acoustic"]``, the heard score in ``["acoustic_heard"]``, the gap with only the
``prior_among`` share of the prior subtracted, which ranked the candidates, in
``["acoustic_among"]``; nats):

- flag: ``shift = clip(max gap + offset)``, ``confidence' = sigmoid(logit(confidence) +
  confidence_weight * shift)``: P(span wrong) falls when the words heard explain the audio
  better than every candidate by more than ``offset``, rises when a candidate comes
  close; it never falls below the engine's own doubt about the span (one minus its least
  confident word's confidence), since a better fit than wrong candidates does not make
  the words heard right; a flag falling below ``drop_below`` is removed;
- candidate: ``score' = sigmoid(logit(score) + confidence_weight * shift + weight *
  clip(gap - max gap))``, and the candidates are re-ranked by it: among candidates the
  acoustic difference counts in full (up to ``_CAP`` nats), however far behind the words
  heard they all are, with only ``prior_among`` (0.8) of the language prior subtracted:
  given silence, tiny.en gives each token of a name 10 to 16 nats whatever the name, so
  the whole prior is mostly a bonus per token, which lifted a longer name the audio fits
  worse ("hydroglyther": hydroxychloroquine over nitroglycerin, which the audio alone
  prefers by 11.4 nats, the prior the other by 10.2). On the dev split of nine dev sets
  this puts 3 more drugs said first (307 of 558 mentions) and one more in the top 3
  (321), moves no drug said out of first place, and adds no false flag (0.75 and 0.85
  recover 2-3 more, 0.75 losing one first; 0.5 none; none of it loses 26; a bonus per
  token of the name instead, at 4-12 nats, 1 to 17 fewer); but where the first candidate
  is not rare, a rare substance (prior below ``RARE_PRIOR``) rises no higher than just
  behind the best candidate that is not rare, second at best: tiny.en's scores are off
  by several nats, and an extra word heard in the span ("beneath a pearl at") is
  explained by a longer rare name (benazeprilat, over benazepril). On five dev sets the
  pass changed the first candidate 50 times where the drug said was one of the two: 4 of
  its 13 wrong changes put a rare substance first, none of its 37 right ones did. Held
  behind the first candidate instead, a rare name the audio favoured most sank with a
  first the audio sank ("primer in": Premarin, at a rare prior, came sixth); on the dev
  split of nine dev sets second place recovers that one mention more in the top 3 and
  moves no first candidate;
- ``"acoustic"`` joins the evidence of the top candidate and of the flag when the audio
  changed which candidate is first or moved the confidence by at least 0.1.

Defaults fitted on the dev split (``benchmarks/rescore_methods.py --fit``): the best gap
of flags listing the drug said has quartiles -5.6/+2.8/+9.4 nats, of other flags
-8/-3.2/+3.0; they overlap, so a flag moves by at most ``confidence_weight * _CAP``.

Hunches (``Validation.hunches``, speech only) are windows the validator found near a
commonly prescribed drug in a drug's slot (a prescribing word before, a dose after) but
under its flag threshold, because the recogniser wrote the name as fluent English it was
fairly sure of ("Hold the last six until": Lasix). Only those after a prescribing word
are weighed (a dose after fluent words alone is mostly no name: "with breakfast five
milligrams"; :func:`_prescribed`), and only their commonly prescribed candidates (prior
at least the validator's ``hunch_min_prior``) are scored, in windows of their own, so
that the flags' scores do not depend on them, and folded the same way. A hunch becomes
a flag (``"acoustic"`` first in its evidence) when the fold lifts it to the validator's
flag threshold, its first candidate explains the audio better than the words heard by
``hunch_gap`` nats (1) or more, and it overlaps no flag; the list is cleared either
way. Over nine dev sets this recovers 0-3 more drug mentions per set, and on their dev
splits it adds no false flag (it added two, on right words, when the hunches with only
a dose after them were weighed too: ``benchmarks/validate_quality.py --rescore``).

Words that would flip an instruction ("Start" for "Stop", "Increase" for "Decrease",
"15" for "50": the closed class of :mod:`uncertain._flips`) look like nothing doubtful
to the validator. Each one heard below ``flip_confidence`` (0.8, the engine's own word
probability) and in no flag has its counterpart scored against the audio, each word in
a window of its own (its own context forced before it: :func:`flip_windows`), the
language prior not subtracted (both are everyday words, and what the decoder expects of
each is evidence: with the prior subtracted, "Discontinue" explained a "Continue" heard
right by 16 nats). The word becomes a ``confusable`` flag (evidence ``"acoustic"``) with
the counterpart as its candidate and a confidence of ``CONFUSABLE_DOUBT`` (0.6) or the
engine's doubt, whichever is higher, where the counterpart explains the audio, for a
teen or its tens, no worse than the word heard less ``flip_gap`` nats (1.5), and for an
opposite, better than the word heard by ``flip_word_gap`` nats (1.5): the recogniser
confuses a teen with its tens often (one unstressed syllable apart), the opposites
seldom, and a near tie of the small model's scores is no evidence against a word it
seldom gets wrong. The demo's "Start ibuprofen" (said "Stop", heard at 0.74) is
flagged, "Stop" ahead by 2.2 nats. tiny.en's scores hardly tell such a pair apart: on
the dev split of nine dev sets it flipped 11 of 295 such words heard (all numbers:
"15" for "50"), and this flags 3 of them for 3 right words (0.4 per 1,000 right words;
with the opposites held to the teens' near tie, and the words sharing windows, it
flagged the same 3 for 8 right words, five of them a right "Stop" or "Decrease"
whose counterpart came within 1.3 nats behind to 1.2 ahead), for about 1.5% of the
audio's duration in CPU time (``benchmarks/instruction_flips.py --validate``). A
document an earlier pass weighed is not searched again.

A flag whose own words' audio is silence (``silence_db``),
or whose window no hypothesis fits (``min_token_logprob`` per token), tells nothing and is
left as it was. The pass never touches words, nor documents of other modalities, and
never adds text: only ``Document.flags`` (and the cleared hunches) change.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np

from uncertain import audio as _audio
from uncertain._acoustic import (
    Audio,
    Request,
    Scorer,
    checked_audio,
    checked_recording,
    clips,
    reach,
    scorer_for,
)
from uncertain._flips import counterparts, teen_or_tens
from uncertain._index import COMMON_PRIOR
from uncertain._score import logit, sigmoid
from uncertain.document import (
    AcousticPass,
    Candidate,
    Document,
    Evidence,
    Flag,
    Word,
    join_words,
    misplaced_flag,
)
from uncertain.errors import finite_number

__all__ = ["RescoreOptions", "fold", "rescore"]

log = logging.getLogger("uncertain")

_CAP = 8.0  # nats: the most one acoustic difference counts (times weight, confidence_weight)
#: a candidate of a prior below this is a rare substance: the audio alone does not put it
#: first where the first candidate is not, nor above the best candidate that is not
#: (8,733 of the shipped lexicon's 10,221 drug names are below it; commonly prescribed
#: drugs are at 0.4 and over)
RARE_PRIOR = 0.25
_FAR = 50.0  # nats: gaps are recorded within +-_FAR


@dataclass(frozen=True)
class RescoreOptions:
    """How the second pass cuts windows, scores them and folds the scores in."""

    margin: float = 0.25  # seconds of audio kept either side of the scored words
    context_before: int = 2  # heard words before the flag scored as a forced start
    context_after: int = 1  # heard words after the flag scored with each hypothesis
    normalise: Literal["sum", "mean"] = "sum"  # total or per-token log-probability
    prior_weight: float = 1.0  # times the texts' log-probability given silence, subtracted
    # ... and the share of it subtracted where the candidates are ranked against each
    # other (the flag's confidence weighs them against the words heard with all of it):
    # given silence, tiny.en gives a name's every token about 10 to 16 nats whatever the
    # name, so the whole prior is mostly a bonus per token, which lifts a longer name
    # the audio fits worse ("hydroglyther": hydroxychloroquine, a token longer, over
    # nitroglycerin, which the audio alone prefers by 11.5 nats)
    prior_among: float = 0.8
    # seconds of silence the prior is scored on, at most (None: as long as the window)
    prior_seconds: float | None = 4.0
    casings: bool = False  # also score each candidate capitalised, keep the better
    weight: float = 0.5  # candidate log-odds moved per nat of acoustic difference
    confidence_weight: float = 0.5  # flag log-odds moved per nat of (best gap + offset)
    offset: float = 2.0  # a best gap below -offset nats weakens the flag, above raises it
    drop_below: float = 0.05  # a flag whose P(wrong) falls below this is removed
    silence_db: float = -60.0  # flagged words (or a window) quieter than this: not scored
    min_token_logprob: float = -4.0  # best hypothesis's mean per-token log-prob floor
    max_window: float = 30.0  # seconds; Whisper's input length
    share_windows: bool = True  # flags within max_window of each other share one window
    pad_seconds: float | None = None  # encoder input length (None: the window's own)
    # candidates ranked below this are scored only when commonly prescribed (prior at least
    # 0.55, as the validator lists them for audio); the others leave the flag
    rare_candidates: int = 3
    # ... and of the commonly prescribed after them, the first this many (in the
    # validator's order, by spelling and sound): the validator lists those among a
    # window's best 16 of 32 terms searched, up to 13 after the first 3; on the dev split
    # of nine dev sets the 9th to 13th of them were never the drug said, and scoring them
    # was a twentieth of the texts weighed (8 recovers as many drugs, 7 two fewer)
    common_candidates: int = 8
    # nats by which a hunch's first candidate must explain the audio better than the words
    # heard to make it a flag: the words were fluent English the recogniser was fairly
    # sure of, and a tie is no evidence against them ("The new formula has 30 milligrams":
    # tacrolimus by 0.4 nats; the drugs said lead by 1.9 nats and more on the dev sets)
    hunch_gap: float = 1.0
    # a word that flips an instruction ("Start" for "Stop", :mod:`uncertain._flips`) heard
    # below this confidence (the engine's own, before any calibration) has its
    # counterpart scored against the audio (the language prior not subtracted: both are
    # everyday words, and what the decoder expects of each is evidence) ...
    flip_confidence: float = 0.8
    # ... and, a teen or its tens, is flagged when the counterpart explains the audio no
    # worse than the word heard less this many nats ...
    flip_gap: float = 1.5
    # ... and, another word of the class (an opposite: "Stop", "Decrease", "with"), only
    # when the counterpart explains the audio better than the word heard by this many
    # nats: the recogniser seldom writes one opposite for the other (none of 220 on the
    # dev split of nine dev sets, against 11 of 75 teens and tens), and a near tie of
    # the small model's scores flagged five right ones there (the counterpart ahead by
    # 1.2 nats at most; the demo's "Start" said "Stop": ahead by 2.2)
    flip_word_gap: float = 1.5

    def __post_init__(self) -> None:
        # a NaN or a string was taken, and failed (or folded NaN into every score) only
        # once the audio had been scored
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("normalise", "casings", "share_windows") or (
                    value is None and f.name in ("prior_seconds", "pad_seconds")):
                continue
            whole = f.name in ("context_before", "context_after", "rare_candidates",
                               "common_candidates")
            if not finite_number(value, whole=whole):
                raise ValueError(f"{f.name}={value!r}: a finite "
                                 f"{'whole number' if whole else 'number'}")
        if self.margin < 0 or self.context_before < 0 or self.context_after < 0:
            raise ValueError("margin and context sizes must be >= 0")
        if self.normalise not in ("sum", "mean"):
            raise ValueError(f"normalise={self.normalise!r}: use 'sum' or 'mean'")
        if not 0.0 <= self.drop_below < 1.0:
            raise ValueError(f"drop_below={self.drop_below} must be in [0, 1)")
        if not 0 < self.max_window <= 30.0:
            raise ValueError(f"max_window={self.max_window} must be in (0, 30]")
        if self.rare_candidates < 1:
            raise ValueError(f"rare_candidates={self.rare_candidates} must be >= 1")
        if self.common_candidates < 0:
            raise ValueError(f"common_candidates={self.common_candidates} must be >= 0")
        if self.hunch_gap < 0:
            raise ValueError(f"hunch_gap={self.hunch_gap} must be >= 0")
        if self.flip_gap < 0:
            raise ValueError(f"flip_gap={self.flip_gap} must be >= 0")
        if not 0.0 <= self.prior_among <= 1.0:
            raise ValueError(f"prior_among={self.prior_among} must be in [0, 1]")
        if self.prior_seconds is not None and self.prior_seconds <= 0:
            raise ValueError(f"prior_seconds={self.prior_seconds} must be > 0 (or None)")


@dataclass(frozen=True)
class _Job:
    """One flag to score: the word range scored (context included) and its audio window."""

    flag: int
    before: int  # first context word
    after: int  # end (exclusive) of the context after the flag
    start: float
    end: float
    span: tuple[float, float]  # the flagged words' own times


@dataclass
class _Group:
    """Jobs sharing one audio window (one encoder run): ``first`` is its first word."""

    first: int
    start: float
    end: float
    jobs: list[_Job]


def rescore(
    doc: Document,
    *,
    model: Any = None,
    audio: Audio = None,
    options: RescoreOptions | None = None,
    scorer: Scorer | None = None,
    progress: Callable[[float, float | None], None] | None = None,
) -> Document:
    """A copy of ``doc`` whose flags are re-ranked (and weakened or dropped) by the audio.

    ``model``: a loaded ``faster_whisper.WhisperModel``, or anything
    :func:`uncertain.models.load_model` takes (default: the model that made ``doc``).
    ``audio``: the whole recording as 16 kHz mono float32 samples, to avoid decoding it
    again (integer PCM and several channels are converted; samples not as long as the
    recording are refused), or the path of its file (read as ``source.path`` is: checked
    against the document's sha256).
    ``scorer`` replaces the model (tests pass a fake). Non-audio documents and documents
    without flags or hunches to rescore, nor words that would flip an instruction heard
    in doubt, come back as they are (hunches cleared), at no cost: the model is not
    loaded. ``progress`` is told ``(done, total)`` windows of audio
    scored, after each (as the stages' ``progress`` is told seconds or pages); an
    exception raised from it cancels the pass (it comes out as raised, ``doc``
    untouched). A flag an
    earlier pass weighed (its candidates carry ``acoustic_heard``) is left as it is, so
    rescoring a rescored document (a batch run's, say) changes nothing.

    Without ``audio``, the recording is read again from ``source.path``, and only when
    there is something to weigh: a document with flags or hunches to rescore whose file
    is gone (an upload deleted once transcribed, a relative path read from another
    folder) raises :class:`~uncertain.errors.MissingFileError`, and one whose file's
    bytes are no longer those ``source.sha256`` records raises
    :class:`~uncertain.errors.InputError`, each naming the file, before any model is
    loaded; one with nothing to weigh comes back as above, the file unread. A service
    that deletes uploads keeps the samples (``audio=``, as
    :func:`uncertain.audio.decode` gives them) or rescores before deleting; one that
    would rather go without the pass catches the error and keeps the document as it is.
    """
    if options is not None and not isinstance(options, RescoreOptions):
        raise TypeError(f"options must be RescoreOptions, not {type(options).__name__}")
    opts = options or RescoreOptions()
    if doc.source.modality != "audio":
        return doc
    # a flag whose words changed since would be weighed on other words' audio
    if (misplaced := misplaced_flag(doc, by_text=True)) is not None:
        raise ValueError(misplaced)
    words = doc.words
    recorded = doc.validation.options if doc.validation is not None else {}
    threshold = float(recorded.get("flag_threshold", 0.5))
    min_prior = float(recorded.get("hunch_min_prior", 0.4))
    # only a commonly prescribed drug can make a flag of a hunch: the others are not scored
    # (nor are hunches with no prescribing word before them: _prescribed)
    hunches = [h.model_copy(update={"candidates": common})
               for h in (doc.validation.hunches if doc.validation is not None else [])
               if _prescribed(h) and (common := [
                   c for c in h.candidates if (c.features or {}).get("prior", 1.0) >= min_prior])]
    audio = checked_audio(doc, audio)
    name = os.fspath(model) if isinstance(model, (str, os.PathLike)) else doc.source.model
    earlier = doc.validation.acoustic if doc.validation is not None else None
    if earlier is not None and name != earlier.model:
        log.warning("%s: its flags were weighed by %s; those are left as they are, and %s "
                    "weighs only the others", doc.source.path, earlier.model, name)
    weighed = _weighed(doc, opts)
    groups = _groups(_jobs(weighed, words, opts), opts)
    # hunches have windows of their own, so that they change nothing of the flags' scores
    weighed_hunches = _weighed(doc.model_copy(update={"flags": hunches}), opts)
    hunch_groups = _groups(_jobs(weighed_hunches, words, opts), opts)
    # so do the words that would flip an instruction; a document an earlier pass weighed
    # had its words weighed then
    flips = doc.model_copy(update={"flags": [] if earlier is not None
                                   else flip_words(doc, opts.flip_confidence)})
    flip_groups = flip_windows(flips, words, opts)
    if not groups and not hunch_groups and not flip_groups:
        return (doc if doc.validation is None or not doc.validation.hunches
                else _without_hunches(doc, doc.flags))
    # the recording is there and is the document's before a model is loaded for it
    recording = checked_recording(doc, audio)
    if scorer is None:
        scorer = scorer_for(doc, model=model, pad_seconds=opts.pad_seconds)
    every = [*groups, *hunch_groups, *flip_groups]
    tick = _ticker(progress, len(every))
    # every window's samples in one read of the recording (flags', hunches' and words')
    samples = clips(doc, [(g.start, g.end) for g in every], recording)
    hunch_samples = samples[len(groups):len(groups) + len(hunch_groups)]
    # a flag the audio tells nothing about stays as it was
    flags = _folded(weighed, words, groups, samples[:len(groups)], scorer, opts, tick,
                    into=list(doc.flags))
    # the audio drops a flag it weighed and found as heard; the others are not its to drop
    kept = [f for f, was in zip(flags, doc.flags, strict=True)
            if f is was or f.reason == "verified" or f.confidence is None
            or f.confidence >= opts.drop_below]
    if len(kept) < len(flags):
        log.debug("%s: %d flag(s) dropped by the audio", doc.source.path,
                  len(flags) - len(kept))
    taken = {k for f in kept for k in range(f.start, f.end)}
    if hunch_groups:
        for hunch in _folded(weighed_hunches, words, hunch_groups, hunch_samples,
                             scorer, opts, tick):
            if (_borne_out(hunch, threshold, min_prior, opts.hunch_gap)
                    and not any(k in taken for k in range(hunch.start, hunch.end))):
                if "acoustic" not in hunch.evidence:
                    hunch = hunch.model_copy(update={"evidence": ["acoustic", *hunch.evidence]})
                kept.append(hunch)
                taken.update(range(hunch.start, hunch.end))
    raw = replace(opts, prior_weight=0.0)
    for group, clip in zip(flip_groups, samples[len(groups) + len(hunch_groups):],
                           strict=True):
        for job, scores in zip(group.jobs,
                               acoustic_scores(flips, words, group, clip, scorer, raw),
                               strict=True):
            word = flips.flags[job.flag]
            if scores is not None and word.start not in taken and (
                    flipped := _flipped(word, scores[0], scores[1][0], opts)) is not None:
                kept.append(flipped)
                taken.add(word.start)
        tick()
    kept.sort(key=lambda f: f.start)
    jobs = sum(len(g.jobs) for g in every)
    return _without_hunches(doc, kept, AcousticPass(
        model=name, windows=len(every) + (earlier.windows if earlier else 0),
        weighed=jobs + (earlier.weighed if earlier else 0)))


def flip_words(doc: Document, below: float) -> list[Flag]:
    """A flag to weigh for each word of ``doc`` that would flip an instruction
    (:func:`uncertain._flips.counterparts`) heard below ``below`` (its engine's own
    confidence, before any calibration) and in no flag: its counterpart the candidate
    (``low_confidence`` until the audio bears it out: :func:`_flipped`)."""
    taken = {k for f in doc.flags for k in range(f.start, f.end)}
    out = []
    for k, word in enumerate(doc.words):
        confidence = _own_confidence(doc, word)
        if k in taken or confidence is None or confidence >= below:
            continue
        others = counterparts(word.text)
        if others:
            out.append(Flag(reason="low_confidence", text=word.text, start=k, end=k + 1,
                            confidence=round(1.0 - confidence, 4), reasons=["low_confidence"],
                            candidates=[Candidate(term=o, canonical=o, score=0.5)
                                        for o in others]))
    return out


def flip_windows(flips: Document, words: list[Word], opts: RescoreOptions) -> list[_Group]:
    """A window of its own for each word of ``flips.flags`` (from :func:`flip_words`): the
    word, its own context and margin, not the words heard from a shared window's first
    forced before it. What the decoder expects of "Stop" against "Start" hangs on the
    words just before it; after a shared window's earlier sentences the demo's "Start"
    (said "Stop") explained the audio better than "Stop" by 1.1 nats, in its own window
    "Stop" was ahead by 2.2. The words are few and their windows short."""
    return _groups(_jobs(flips, words, opts), replace(opts, share_windows=False))


def _own_confidence(doc: Document, word: Word) -> float | None:
    """The engine's own confidence in ``word``: faster-whisper's word probability (its
    ``raw_score``) when the document was calibrated, else the word's confidence."""
    if (doc.source.calibration is not None and doc.source.engine == "faster-whisper"
            and word.raw_score is not None):
        return min(1.0, max(0.0, word.raw_score))
    return word.confidence


def flip_margin(text: str, opts: RescoreOptions) -> float:
    """The least ``counterpart - heard`` (nats) that flags the word ``text``: ``-flip_gap``
    for a teen or its tens, which the recogniser confuses often; ``flip_word_gap`` for
    the opposites, which it seldom does (:func:`uncertain._flips.teen_or_tens`)."""
    return -opts.flip_gap if teen_or_tens(text) else opts.flip_word_gap


def _flipped(word: Flag, heard: float, other: float, opts: RescoreOptions) -> Flag | None:
    """The flag of a word that would flip an instruction (from :func:`flip_words`) when
    its counterpart, scoring ``other`` against the audio, explains it at least
    :func:`flip_margin` nats better than the word heard (``heard``): no worse less
    ``flip_gap`` for a teen or its tens, better by ``flip_word_gap`` for an opposite;
    else None. Its confidence is ``CONFUSABLE_DOUBT`` or the engine's doubt, whichever
    is higher (the validator's for a teen dose), its candidate the counterpart."""
    if not math.isfinite(other) or other - heard < flip_margin(word.text, opts):
        return None
    # (imported here: the validator's modules cost a tenth of a second to import)
    from uncertain._single import CONFUSABLE_DOUBT

    doubt = max(CONFUSABLE_DOUBT, word.confidence or 0.0)
    gap = round(max(-_FAR, min(_FAR, other - heard)), 4)
    candidate = word.candidates[0].model_copy(update={
        "score": round(doubt, 4), "evidence": ["acoustic"],
        "features": {"acoustic": gap, "acoustic_heard": round(heard, 4)}})
    return word.model_copy(update={
        "reason": "confusable", "reasons": ["confusable"], "confidence": round(doubt, 4),
        "candidates": [candidate], "evidence": ["acoustic"]})


def _ticker(progress: Callable[[float, float | None], None] | None,
            total: int) -> Callable[[], None]:
    """A call per window scored, which tells ``progress`` how many of ``total`` are."""
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    return tick


def _folded(weighed: Document, words: list[Word], groups: list[_Group],
            samples: list[np.ndarray], scorer: Scorer, opts: RescoreOptions,
            tick: Callable[[], None], into: list[Flag] | None = None) -> list[Flag]:
    """``into`` with each flag of ``weighed`` that ``groups`` (their windows' ``samples``)
    scored replaced by its fold; without ``into``, the folds of the scored flags alone;
    ``tick`` is called after each group."""
    out: list[Flag] = [] if into is None else into
    for group, clip in zip(groups, samples, strict=True):
        for job, scores in zip(
                group.jobs, acoustic_scores(weighed, words, group, clip, scorer, opts),
                strict=True):
            if scores is not None:
                flag = weighed.flags[job.flag]
                folded = fold(flag, scores[0], scores[1], opts,
                              floor=_engine_doubt(words, flag), among=scores[2])
                if into is None:
                    out.append(folded)
                else:
                    out[job.flag] = folded
        tick()
    return out


def _prescribed(hunch: Flag) -> bool:
    """Whether a prescribing word comes before the hunch's words (its candidates'
    ``cue_before``; a hunch that does not record it is taken to have one). A hunch
    whose slot is only a dose after it (or a dose with no name) is not weighed: fluent
    words before a dose are mostly no name ("with breakfast five milligrams"). On the
    dev split of nine dev sets none of 29 such hunches listed the drug said, 12 lay
    on words heard right, and the audio made false flags of two of those ("breakfast":
    Percocet by 4.8 nats, "on video": Avandia by 2.6); of 28 hunches after a
    prescribing word, 5 listed the drug said and the audio made flags of 3."""
    return all((c.features or {}).get("cue_before", 1.0) > 0 for c in hunch.candidates[:1])


def _borne_out(hunch: Flag, threshold: float, min_prior: float, gap: float) -> bool:
    """A hunch becomes a flag when the audio lifts it to the flag threshold and its first
    candidate, a commonly prescribed drug (prior at least ``min_prior``), explains the
    audio better than the words heard by at least ``gap`` nats."""
    first = hunch.candidates[0] if hunch.candidates else None
    features = (first.features or {}) if first is not None else {}
    return (first is not None and hunch.confidence is not None
            and hunch.confidence >= threshold
            and features.get("prior", 1.0) >= min_prior
            and features.get("acoustic", -math.inf) >= gap)


def _without_hunches(doc: Document, flags: list[Flag],
                     acoustic: AcousticPass | None = None) -> Document:
    """``doc`` with ``flags``, its hunches weighed and cleared (and the pass that weighed
    them recorded, when one did)."""
    validation = doc.validation
    if validation is not None and (validation.hunches or acoustic is not None):
        update: dict[str, Any] = {"hunches": []}
        if acoustic is not None:
            update["acoustic"] = acoustic
        validation = validation.model_copy(update=update)
    return doc.model_copy(update={"flags": flags, "validation": validation})


# -- planning ------------------------------------------------------------------------------


def _weighed(doc: Document, opts: RescoreOptions) -> Document:
    """``doc`` with the candidates the pass weighs: of each flag to score, the first
    ``rare_candidates`` and the first ``common_candidates`` of the commonly prescribed ones
    after them (a candidate with no recorded prior counts as one)."""
    flags = []
    for flag in doc.flags:
        common = [c for c in flag.candidates[opts.rare_candidates:]
                  if (c.features or {}).get("prior", 1.0) >= COMMON_PRIOR]
        keep = flag.candidates[: opts.rare_candidates] + common[: opts.common_candidates]
        flags.append(flag if flag.reason == "verified" or len(keep) == len(flag.candidates)
                     else flag.model_copy(update={"candidates": keep}))
    return doc.model_copy(update={"flags": flags})


def _jobs(doc: Document, words: list[Word], opts: RescoreOptions) -> list[_Job]:
    """One job per flag with candidates and timed words, in order of time."""
    if not doc.flags:
        return []
    segment_of = [s for s, segment in enumerate(doc.segments) for _ in segment.words]
    duration = doc.source.duration
    out: list[_Job] = []
    for k, flag in enumerate(doc.flags):
        # a teen dose against its tens ("14" or "40" milligrams): the small model's scores
        # do not tell them apart (their gap is about as wide either way), so the doubt stays
        if flag.reason == "verified" or not flag.candidates or "confusable" in flag.reasons:
            continue
        if any("acoustic_heard" in (c.features or {}) for c in flag.candidates):
            continue  # weighed by an earlier pass: the audio's evidence counts once
        span = words[flag.start:flag.end]
        if any(w.start is None or w.end is None for w in span):
            continue
        seg = segment_of[flag.start]
        before = flag.start
        while (before > 0 and flag.start - before < opts.context_before
               and segment_of[before - 1] == seg and words[before - 1].start is not None):
            before -= 1
        after = flag.end
        while (after < len(words) and after - flag.end < opts.context_after
               and segment_of[after] == seg and words[after].end is not None):
            after += 1
        start = max(0.0, _time(words[before].start) - opts.margin)
        end = _time(words[after - 1].end) + opts.margin
        start, end = reach(start, end,
                           words[before - 1].end if before > 0 else None,
                           words[after].start if after < len(words) else None)
        if duration is not None:
            end = min(end, duration)
        if end - start > opts.max_window:  # a long span: drop the context, then cut
            before, after = flag.start, flag.end
            start = max(0.0, _time(span[0].start) - opts.margin)
            end = min(start + opts.max_window, end)
        if end > start:
            out.append(_Job(k, before, after, start, end,
                            (_time(span[0].start), _time(span[-1].end))))
    return sorted(out, key=lambda j: (j.start, j.flag))


def _groups(jobs: list[_Job], opts: RescoreOptions) -> list[_Group]:
    """Jobs packed into shared windows of at most ``max_window`` seconds (``share_windows``),
    else one window each. A job's words before its flag, from the window's first word,
    are its forced prefix."""
    out: list[_Group] = []
    for job in jobs:
        last = out[-1] if out else None
        if (opts.share_windows and last is not None and job.before >= last.first
                and job.end - last.start <= opts.max_window):
            last.jobs.append(job)
            last.end = max(last.end, job.end)
        else:
            out.append(_Group(job.before, job.start, job.end, [job]))
    return out


def _time(value: float | None) -> float:
    return 0.0 if value is None else float(value)


# -- scoring and folding -------------------------------------------------------------------


def _variants(term: str, casings: bool) -> list[str]:
    text = term.strip()
    out = [text]
    if casings and text[:1].islower():
        out.append(text[:1].upper() + text[1:])
    return out


def acoustic_scores(
    doc: Document, words: list[Word], group: _Group, clip: np.ndarray, scorer: Scorer,
    opts: RescoreOptions,
) -> list[tuple[float, list[float], list[float]] | None]:
    """For each job of ``group``: the heard words' score, each candidate's (the better
    of its casings) and each candidate's with the ``prior_among`` share of the prior
    subtracted (to rank the candidates against each other), or ``None`` when the
    window tells nothing (silence, no speech)."""
    if len(clip) == 0 or _audio.loudest_db(clip) < opts.silence_db:
        log.debug("%s: %.2f-%.2f s is silence, its flags are left as they were",
                  doc.source.path, group.start, group.end)
        return [None] * len(group.jobs)
    sr = _audio.SAMPLE_RATE
    silent = []
    for job in group.jobs:
        a = round((job.span[0] - group.start) * sr)
        b = max(a + 1, round((job.span[1] - group.start) * sr))
        seconds = min(1.0, (b - a) / sr)
        silent.append(_audio.loudest_db(clip[max(0, a):b], window_seconds=seconds)
                      < opts.silence_db)
    requests: list[Request] = []
    prior_requests: list[Request] = []
    owners: list[list[int]] = []
    for job, quiet in zip(group.jobs, silent, strict=True):
        if quiet:
            requests.append(("", []))
            prior_requests.append(("", []))
            owners.append([])
            continue
        flag = doc.flags[job.flag]
        hypotheses = [join_words(words[flag.start:flag.end])]
        owner = [-1]
        for i, candidate in enumerate(flag.candidates):
            for text in _variants(candidate.term, opts.casings):
                hypotheses.append(text)
                owner.append(i)
        suffix = join_words(words[flag.end:job.after])
        prefix = join_words(words[group.first:flag.start])
        requests.append((prefix, [f"{h} {suffix}".strip() for h in hypotheses]))
        # the prior's forced start is the flag's own context: a later flag of a shared
        # window is heard after the words from the window's first, but what the decoder
        # expects of a name hangs on the words just before it (and forcing the rest cost
        # as much as scoring the texts)
        prior_requests.append((join_words(words[job.before:flag.start]), requests[-1][1]))
        owners.append(owner)
    out: list[tuple[float, list[float], list[float]] | None] = []
    if not any(texts for _, texts in requests):
        return [None] * len(group.jobs)
    scored = scorer.score(clip, requests)
    silence = len(clip) if opts.prior_seconds is None else min(
        len(clip), round(opts.prior_seconds * _audio.SAMPLE_RATE))
    prior = scorer.prior(silence, prior_requests) if opts.prior_weight else None
    for k, (job, owner, token_scores) in enumerate(zip(group.jobs, owners, scored,
                                                       strict=True)):
        if not owner:
            log.debug("flag %r: its words' audio is silence, left as it was",
                      doc.flags[job.flag].text)
            out.append(None)
            continue
        best_mean = max((sum(s) / len(s) for s in token_scores if s), default=-math.inf)
        if best_mean < opts.min_token_logprob:
            log.debug("flag %r: the audio explains no hypothesis, left as it was",
                      doc.flags[job.flag].text)
            out.append(None)
            continue
        raw = [_total(s, opts.normalise) for s in token_scores]
        silent_prior = ([_total(p, opts.normalise) for p in prior[k]] if prior is not None
                        else [0.0] * len(raw))
        totals = [t - opts.prior_weight * p for t, p in zip(raw, silent_prior, strict=True)]
        among_totals = [t - opts.prior_among * opts.prior_weight * p
                        for t, p in zip(raw, silent_prior, strict=True)]
        acoustic = [-math.inf] * len(doc.flags[job.flag].candidates)
        among = list(acoustic)
        # the better casing by the score the candidates are ranked by
        for i, total, rank in zip(owner[1:], totals[1:], among_totals[1:], strict=True):
            if rank > among[i]:
                acoustic[i], among[i] = total, rank
        out.append((totals[0], acoustic, among))
    return out


def _total(scores: Sequence[float], normalise: str) -> float:
    if not scores:
        return -math.inf
    total = float(sum(scores))
    return total / len(scores) if normalise == "mean" else total


def _engine_doubt(words: list[Word], flag: Flag) -> float:
    """How likely the engine itself thinks the span is wrong: one minus its least
    confident word's confidence (0 when no word has one)."""
    known = [w.confidence for w in words[flag.start:flag.end] if w.confidence is not None]
    return 1.0 - min(known) if known else 0.0


def fold(flag: Flag, heard: float, acoustic: Sequence[float], opts: RescoreOptions, *,
         floor: float = 0.0, among: Sequence[float] | None = None) -> Flag:
    """``flag`` with the acoustic scores folded in (see the module docstring): ``heard`` is
    the words heard's score, ``acoustic[i]`` the score of ``flag.candidates[i]``;
    ``among[i]`` its score with the ``prior_among`` share of the prior subtracted, which
    ranks the candidates against each other (default: ``acoustic``).

    ``floor``: the flag's confidence is not lowered below it (nor below where it was).
    Words heard that explain the audio better than every candidate say the candidates
    are wrong, not that the words are right: a span the engine heard at 0.15 stays
    doubtful when no lexicon term fits it ("listing up little", said "lisinopril").
    """
    gaps = [score - heard if math.isfinite(score) else -_FAR for score in acoustic]
    gaps = [max(-_FAR, min(_FAR, g)) for g in gaps]
    best_gap = max(gaps)
    shift = _clip(best_gap + opts.offset)
    ranks = gaps if among is None else [
        max(-_FAR, min(_FAR, score - heard)) if math.isfinite(score) else -_FAR
        for score in among]
    best_rank = max(ranks)
    zs = [logit(candidate.score) + opts.confidence_weight * shift
          + opts.weight * _clip(rank - best_rank)
          for candidate, rank in zip(flag.candidates, ranks, strict=True)]
    if flag.candidates and not _rare(flag.candidates[0]):
        # a rare substance stays just behind the best candidate that is not rare, however
        # far the audio would lift it: second at best, not behind a first candidate the
        # audio sank under others ("primer in": Premarin, its best fit, was listed sixth)
        common = max(z for z, c in zip(zs, flag.candidates, strict=True) if not _rare(c))
        zs = [common - 1e-3 if _rare(c) and z >= common else z
              for z, c in zip(zs, flag.candidates, strict=True)]
    scored: list[tuple[float, int, Candidate]] = []
    for i, (candidate, gap, rank, z) in enumerate(zip(flag.candidates, gaps, ranks, zs,
                                                     strict=True)):
        # the gap it was ranked by too (``prior_among`` of the prior subtracted), so
        # that the recorded scores fold again as here
        features = {**candidate.features, "acoustic": round(gap, 4),
                    "acoustic_among": round(rank, 4), "acoustic_heard": round(heard, 4)}
        new = candidate.model_copy(update={"score": round(sigmoid(z), 4),
                                           "features": features})
        scored.append((z, i, new))
    scored.sort(key=lambda t: (-t[0], t[1]))
    ranked = [c for _, _, c in scored]
    top_changed = scored[0][1] != 0
    evidence: list[Evidence] = list(flag.evidence)
    old = flag.confidence
    confidence = None if old is None else round(max(
        sigmoid(logit(old) + opts.confidence_weight * shift), min(old, floor)), 4)
    moved = old is not None and confidence is not None and abs(confidence - old) >= 0.1
    if top_changed or moved or gaps[scored[0][1]] == best_gap:
        top = ranked[0]
        if "acoustic" not in top.evidence:
            ranked[0] = top.model_copy(update={"evidence": ["acoustic", *top.evidence]})
    if (top_changed or moved) and "acoustic" not in evidence:
        evidence.insert(0, "acoustic")
    return flag.model_copy(update={"candidates": ranked, "confidence": confidence,
                                   "evidence": evidence})


def _rare(candidate: Candidate) -> bool:
    return (candidate.features or {}).get("prior", 1.0) < RARE_PRIOR


def _clip(x: float) -> float:
    return max(-_CAP, min(_CAP, x))

