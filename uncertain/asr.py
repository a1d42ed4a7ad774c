"""The ASR stage: an audio file becomes a Document whose words carry Whisper's confidence.

:func:`transcribe` runs faster-whisper with word timestamps. A word's ``confidence`` (and
``raw_score``) is faster-whisper's word probability, the mean of the probabilities of the
sub-word tokens the word was decoded from; those tokens are kept in ``Word.tokens``, since
the least likely token often marks an error better than the mean.

Short files are transcribed in one piece. Longer ones are decoded and transcribed as a
stream of ten-minute chunks (see :func:`uncertain.audio.iter_chunks`), with times shifted
back onto the whole recording, so memory does not grow with the recording.
Silence of 30 s or more inside a chunk is shortened to 20 s before Whisper hears it, and
a stretch of speech in which Whisper heard no word is decoded again on its own
(:func:`_shortened`, :func:`_fill_gaps`), as is speech under a word Whisper stretched
over it, and speech after a chunk's last word (Whisper stops before the end of what it
hears: :data:`_TAIL_SECONDS`) or before its first, and a sentence heard again there is not
kept twice. Text Whisper itself finds likely no speech and times as lasting no time, or
writes where the speech detector hears none, is dropped, by every decoding
(:func:`_without_no_sound`).

The ``engine`` argument is the seam for tests: anything with faster-whisper's
``transcribe(audio, **kwargs) -> (segments, info)`` shape.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import faster_whisper
import numpy as np
from rapidfuzz.distance import Levenshtein

from uncertain import audio as _audio
from uncertain import models as _models
from uncertain._io import check_input, require_path, sha256_file
from uncertain.calibrate import Calibration, calibrate_document
from uncertain.document import Document, Segment, Source, Token, Word, join_words
from uncertain.errors import finite_number
from uncertain.models import (
    ResolvedModel,
    check_language,
    load_model,
    pick_device,
    resolve_model,
)

log = logging.getLogger("uncertain")

ENGINE = "faster-whisper"
CONFIDENCE_DEFINITION = (
    "faster-whisper word probability: mean of the word's sub-word token probabilities"
)
RAW_SCORE_DEFINITION = "the same faster-whisper word probability, unclipped"
_OWN_OPTIONS = frozenset({"silence_db", "chunk_seconds", "search_seconds", "vad_parameters",
                          "max_seconds"})
_PROMPT_WORDS = 40  # words of the previous chunk passed on as the next chunk's prompt
#: how long a chunk is: Whisper decodes a chunk as one stream, each window conditioned on
#: the text before it, and a recording read in ten-minute chunks lost fewer stretches of
#: speech than in three-minute ones (word error 0.155 against 0.176 on four 15-minute
#: readings, ``benchmarks/long_speech.py``), for a higher peak of memory (a 22-minute
#: file: 835 MiB against 448 MiB, raw faster-whisper 1,312 MiB; ``benchmarks/asr_memory.py``;
#: batch runs, whose windows are independent, keep
#: :data:`uncertain.audio.DEFAULT_CHUNK_SECONDS`)
CHUNK_SECONDS = 600.0


class Engine(Protocol):
    """What :func:`transcribe` needs of an engine: faster-whisper's ``transcribe`` shape."""

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Iterable[Any], Any]: ...


@dataclass(frozen=True)
class TranscribeOptions:
    """How to run Whisper. The defaults are faster-whisper's, plus three of our own.

    ``silence_db``: a chunk whose loudest second is quieter than this (dB below full scale)
    and level (no speech rising and falling, :func:`uncertain.audio.is_silence`) is
    silence and is not sent to Whisper, which tends to invent a word ("You") for it;
    ``None`` sends everything. ``chunk_seconds``/``search_seconds``: how long recordings
    are cut (see :func:`uncertain.audio.iter_chunks`). ``max_seconds``: the longest
    recording transcribed (None: ``$UNCERTAIN_MAX_AUDIO_SECONDS``, else six hours; a longer
    one raises :class:`~uncertain.errors.InputTooLargeError` naming the file before it is
    decoded whole, see :func:`uncertain.audio.max_seconds_of`).
    """

    beam_size: int = 5
    best_of: int = 5
    patience: float = 1.0
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad_filter: bool = False
    vad_parameters: dict[str, Any] = field(default_factory=dict)
    no_speech_threshold: float | None = 0.6
    log_prob_threshold: float | None = -1.0
    compression_ratio_threshold: float | None = 2.4
    hallucination_silence_threshold: float | None = None
    silence_db: float | None = -60.0
    chunk_seconds: float = CHUNK_SECONDS
    search_seconds: float = _audio.DEFAULT_SEARCH_SECONDS
    max_seconds: float | None = None

    def __post_init__(self) -> None:
        # faster-whisper takes one temperature or several; a bare number failed here with
        # "'float' object is not iterable", naming no option
        temperature = self.temperature
        if isinstance(temperature, int | float) and not isinstance(temperature, bool):
            temperature = (temperature,)
        try:
            temperature = tuple(float(t) for t in temperature)
        except (TypeError, ValueError):
            temperature = ()
        if not temperature or not all(0.0 <= t < math.inf for t in temperature):
            raise ValueError(f"temperature={self.temperature!r}: a number >= 0, or several "
                             "in the order they are tried")
        object.__setattr__(self, "temperature", temperature)
        for name in ("beam_size", "best_of"):  # (CTranslate2: "The beam size must be > 0")
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r}: a whole number >= 1")
        # the three below failed only once a chunk had been read: CTranslate2's "The patience
        # factor must be > 0", faster-whisper's TypeError from VadOptions, and "need
        # chunk_seconds > search_seconds >= 0" with neither value (search_seconds is 20 s)
        if not _positive(self.patience):
            raise ValueError(f"patience={self.patience!r}: a number > 0 (1.0: plain beam search)")
        if not _positive(self.chunk_seconds):
            raise ValueError(f"chunk_seconds={self.chunk_seconds!r}: a number of seconds > 0")
        if not (_positive(self.search_seconds) or self.search_seconds == 0):
            raise ValueError(f"search_seconds={self.search_seconds!r}: a number of seconds >= 0")
        if self.search_seconds >= self.chunk_seconds:
            raise ValueError(
                f"chunk_seconds={self.chunk_seconds!r} must be longer than search_seconds="
                f"{self.search_seconds!r}: a chunk ends at the quietest moment of the "
                "search_seconds before chunk_seconds")
        known = {f.name for f in dataclasses.fields(faster_whisper.vad.VadOptions)}
        unknown = sorted(set(self.vad_parameters) - known) if isinstance(
            self.vad_parameters, dict) else None
        if unknown is None or unknown:
            raise ValueError(f"vad_parameters={self.vad_parameters!r}: a dict of "
                             f"{', '.join(sorted(known))}")

    def engine_kwargs(self) -> dict[str, Any]:
        """The keyword arguments for faster-whisper's ``transcribe`` (word timestamps on)."""
        kwargs = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in _OWN_OPTIONS
        }
        kwargs["temperature"] = list(self.temperature)
        if self.vad_filter and self.vad_parameters:
            kwargs["vad_parameters"] = dict(self.vad_parameters)
        kwargs["word_timestamps"] = True
        return kwargs

    def as_dict(self) -> dict[str, Any]:
        """The options as plain JSON values, for ``Source.options``."""
        data = dataclasses.asdict(self)
        data["temperature"] = list(self.temperature)
        return data


#: the most tokens of a prompt Whisper reads: faster-whisper keeps the last this many of
#: ``initial_prompt`` and the first this many of ``hotwords`` (half of Whisper's 448-token
#: context, less one), cut wherever the count falls, mid-word
PROMPT_TOKENS = 223


def check_prompts(opts: Any, tokenizer: Any) -> None:
    """Refuse an ``initial_prompt`` or ``hotwords`` of ``opts`` (:class:`TranscribeOptions`,
    or the batched pipeline's options, which keep as many tokens) longer than
    :data:`PROMPT_TOKENS` tokens of ``tokenizer`` (the model's; None: not checked), naming
    the option, the limit and the text's count. A 5,000-character prompt reached Whisper
    as its last 223 tokens, starting mid-word ("XC his belly counseled him"), and the
    transcript was garbled; the words a user puts in a prompt (names, drugs) are the ones
    they mean it to hear, so which of them to keep is theirs to say."""
    if tokenizer is None:
        return
    for name, kept in (("initial_prompt", "last"), ("hotwords", "first")):
        text = getattr(opts, name)
        if not isinstance(text, str) or not text.strip():
            continue
        count = len(tokenizer.encode(" " + text.strip(), add_special_tokens=False).ids)
        if count > PROMPT_TOKENS:
            about = len(text.strip()) * PROMPT_TOKENS // count
            raise ValueError(
                f"{name} is {count} tokens long and Whisper reads at most {PROMPT_TOKENS} "
                f"(it would keep the {kept} {PROMPT_TOKENS}, cut mid-word, and garble the "
                f"transcript): shorten it to the words that matter, about {about} characters")


def _positive(value: object) -> bool:
    """A finite number over zero (not a bool)."""
    return finite_number(value) and value > 0  # type: ignore[operator]


def transcribe(
    path: str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] | ResolvedModel | None = None,
    device: str = "auto",
    compute_type: str = "auto",
    language: str | None = None,
    options: TranscribeOptions | None = None,
    engine: Engine | None = None,
    calibration: Calibration | str | os.PathLike[str] | None = None,
    progress: Callable[[float, float | None], None] | None = None,
    **overrides: Any,
) -> Document:
    """Transcribe an audio file into a Document (silence gives one without segments).

    ``model`` is resolved by :func:`uncertain.models.resolve_model` (default: the bundled
    tiny.en); ``engine`` replaces the loaded model (tests pass a fake). ``overrides`` set
    fields of ``options``, e.g. ``transcribe(p, beam_size=1)``. ``calibration`` (a
    :class:`~uncertain.calibrate.Calibration`, a file, ``"default"`` for the shipped
    one, ``"auto"`` for the shipped one when there is one) turns word confidences into
    calibrated probabilities; ``raw_score`` keeps the engine's own number. ``progress`` is
    called with the seconds of audio transcribed so far and the recording's length (as
    its container declares it, or None), as each segment is decoded (for a progress bar:
    ``uncertain annotate`` draws one; :func:`uncertain.ocr.recognize` counts pages). An
    exception raised from ``progress`` cancels the call: it comes out as raised, and the
    shared model serves the next call as before.
    """
    require_path(path, "transcribe")
    opts = dataclasses.replace(options or TranscribeOptions(), **overrides)
    _audio.max_seconds_of(opts.max_seconds)  # (a wrong limit is said before any work)
    p = check_input(path)
    record: dict[str, Any] = {}
    if engine is None:
        device, compute_type = pick_device(device, compute_type)  # (before a model is fetched)
        resolved = resolve_model(model)
        check_prompts(opts, _models.tokenizer_of(resolved))  # (before the model is loaded)
        engine = load_model(resolved, device=device, compute_type=compute_type)
        check_language(engine, language, resolved.name)
        model_name: str | None = resolved.name
        record = {"model_path": str(resolved.path), "device": device,
                  "compute_type": compute_type, "sampling_seed": _models.SAMPLING_SEED}
    elif isinstance(model, ResolvedModel):
        model_name = model.name
    else:
        model_name = None if model is None else os.fspath(model)
    check_prompts(opts, getattr(engine, "hf_tokenizer", None))

    kwargs = opts.engine_kwargs()
    segments: list[Segment] = []
    duration = 0.0
    pinned = language  # once a chunk with speech names the language, later chunks keep it
    language_info: Any = None  # info of the first chunk with speech, else of the first chunk
    notes: list[str] = []  # what decoding repaired
    length = _audio.probe(p).duration if progress is not None else None  # for the bar
    # sampling (Whisper's fallback) draws on a generator of this call's own: the words
    # do not depend on what was transcribed before (see models.SAMPLING_SEED)
    with _models.seeded_sampling(engine):
        for chunk in _audio.iter_chunks(p, chunk_seconds=opts.chunk_seconds,
                                        search_seconds=opts.search_seconds, on_note=notes.append,
                                        max_seconds=opts.max_seconds):
            duration = chunk.end
            samples, pieces = _shortened(chunk.samples, opts.silence_db)
            if opts.silence_db is not None and _audio.is_silence(samples, opts.silence_db):
                log.debug("%s: %.1f-%.1f s is silence, not transcribed", p, chunk.start, chunk.end)
                if progress is not None:
                    progress(chunk.end, length)
                continue
            raw_segments, info = engine.transcribe(samples, language=pinned, **kwargs)
            if progress is not None:
                raw_segments = _reporting(raw_segments, chunk.start, length, progress)
            dropped: list[Segment] = []  # written over no sound, here or in a gap
            new = _without_no_sound(_segments(raw_segments, 0.0, first_id=len(segments)),
                                    opts.no_speech_threshold, dropped, samples)
            if language_info is None or (new and pinned is None):
                language_info = info
            if new:
                pinned = pinned or info.language
            new = _fill_gaps(engine, samples, new, {**kwargs, "language": pinned},
                             dropped=dropped)
            if new:
                segments.extend(_renumbered(_placed(new, pieces, chunk.start), len(segments)))
                if opts.condition_on_previous_text:
                    kwargs["initial_prompt"] = _tail_words(segments, _PROMPT_WORDS)
            notes.extend(no_sound_notes(dropped, pieces, chunk.start, heard=segments))
            if progress is not None:
                progress(chunk.end, length)

    source = Source(
        path=os.fspath(p),
        sha256=sha256_file(p),
        modality="audio",
        engine=ENGINE,
        engine_version=faster_whisper.__version__,
        model=model_name,
        options={**opts.as_dict(), "language": language, **record},
        confidence_definition=CONFIDENCE_DEFINITION,
        raw_score_definition=RAW_SCORE_DEFINITION,
        duration=round(duration, 3),
        language=language_info.language if language_info else language,
        language_probability=(
            float(language_info.language_probability) if language_info else None),
    )
    if not segments:
        notes.append(no_speech(duration))
    doc = Document(source=source, segments=segments, warnings=notes)
    return calibrate_document(doc, calibration)


#: silence at least this long inside a chunk (long enough to fill a window of Whisper's
#: with nothing) is shortened before Whisper hears it
_SILENCE_SECONDS = 30.0
#: what is left of it: this much on each side of the sound around it, so that a quiet
#: word next to it is heard in a window of its own as before, not beside loud speech
_SILENCE_MARGIN = 10.0
#: a stretch at least this long with no word, where the sound rises and falls as speech
#: does, is decoded again on its own (see _fill_gaps)
_GAP_SECONDS = 8.0
#: the stretch after a recording's (or a chunk's) last word is decoded again from this
#: long on: Whisper stops before the end of what it hears ("takes hydrogen" of "Takes
#: hydralazine 25 milligrams", the dose's 2.3 s lost), and a chunk is heard as a recording
#: of its own, so its end loses words as a recording's does; so is the stretch before the
#: first word (the batched decoder's failed reading of a telephone call began at 4.6 s,
#: and read again from there it lost "Medication list. Metformin 500 ...")
_TAIL_SECONDS = 2.0
#: ... when it also holds this much sound within :data:`_TAIL_BELOW_DB` of the loud tenth
#: of the speech before it (a word's trailing sound timed after its end, a breath, a
#: click: a few tenths of a second, or quieter)
_TAIL_SPEECH_SECONDS = 1.0
_TAIL_BELOW_DB = 20.0
#: how much the level of such a stretch must move (dB, loud tenth over quiet tenth of its
#: 100 ms windows): speech between pauses moves 10-35 dB, room tone 4 dB
_GAP_RANGE_DB = 8.0
#: a segment Whisper takes for likely no speech (its no-speech probability over its line)
#: with at least this share of its words, and this many, timed as lasting no time, is
#: text with no sound under it (see _over_no_sound)
_NO_SOUND_SHARE = 0.5
_NO_SOUND_WORDS = 3
#: a segment heard when a gap is decoded again is kept only under this no-speech
#: probability (Whisper's own skip also asks for a low log-probability)
_GAP_NO_SPEECH = 0.75
#: tokens a second of fast speech takes (about 3.5 words, with timestamps), and at most
_GAP_TOKENS_PER_SECOND = 7.0
_GAP_MAX_TOKENS = 200
#: no spoken word is longer; a word Whisper times over twice as long (21 s for "work.",
#: 15 s for "or") stretches over speech it skipped, and only this much of it counts as
#: heard: at its start (Whisper times a word's start well and drags its end over the skip),
#: or at its end for a segment's first word (whose start Whisper drags back over it)
_WORD_SECONDS = 1.5

#: where a piece of the shortened samples came from: (start in them, start in the chunk,
#: length), in samples
Piece = tuple[int, int, int]


def _shortened(samples: np.ndarray, silence_db: float | None
               ) -> tuple[np.ndarray, list[Piece]]:
    """The chunk's samples with each silent stretch of :data:`_SILENCE_SECONDS` or more
    (:func:`uncertain.audio.silent_stretches`) cut to :data:`_SILENCE_MARGIN` on each side,
    and the pieces kept. Whisper hears a 30-second window of silence as "You" and then,
    conditioned on it, may take the speech after it for silence too (a minute of silence
    before a dictation lost all its words); the rest is heard as one stream, as before,
    so a cough between two silences is no piece of its own. ``silence_db=None`` keeps
    everything."""
    if silence_db is None:
        return samples, [(0, 0, len(samples))]
    margin = round(_SILENCE_MARGIN * _audio.SAMPLE_RATE)
    kept: list[tuple[int, int]] = []
    begin = 0
    for lo, hi in _audio.silent_stretches(samples, silence_db, min_seconds=_SILENCE_SECONDS):
        if lo > begin:
            kept.append((begin, min(lo + margin, hi)))
        begin = max(lo, hi - margin) if hi < len(samples) else len(samples)
    if begin < len(samples):
        kept.append((begin, len(samples)))
    kept = [(lo, hi) for lo, hi in kept if hi > lo]
    if len(kept) == 1 and kept[0] == (0, len(samples)):
        return samples, [(0, 0, len(samples))]
    pieces: list[Piece] = []
    at = 0
    for lo, hi in kept:
        pieces.append((at, lo, hi - lo))
        at += hi - lo
    joined = (np.concatenate([samples[lo:hi] for lo, hi in kept]) if kept
              else np.zeros(0, dtype=samples.dtype))
    return joined, pieces


def _placed(segments: list[Segment], pieces: list[Piece], offset: float) -> list[Segment]:
    """``segments``, timed on the shortened samples, with the chunk's times (shifted by
    ``offset``, where the chunk starts in the file)."""
    rate = _audio.SAMPLE_RATE
    starts = [at for at, _, _ in pieces]

    def moved(t: float | None) -> float | None:
        if t is None:
            return None
        k = max(0, bisect.bisect_right(starts, t * rate) - 1)
        at, origin, _ = pieces[k]
        return round((origin - at) / rate + t + offset, 3)

    return [s.model_copy(update={
        "start": moved(s.start), "end": moved(s.end),
        "words": [w.model_copy(update={"start": moved(w.start), "end": moved(w.end)})
                  for w in s.words]}) for s in segments]


def _fill_gaps(engine: Engine, samples: np.ndarray, segments: list[Segment],
               kwargs: dict[str, Any], *, dropped: list[Segment],
               speech: Callable[[], Sequence[tuple[float, float]]] | None = None
               ) -> list[Segment]:
    """``segments`` (timed on ``samples``) with what Whisper heard when it decoded again,
    on their own, the stretches of :data:`_GAP_SECONDS` or more in which it had heard no
    word though the sound rises and falls as speech does (:data:`_GAP_RANGE_DB`), and the
    stretches of :data:`_TAIL_SECONDS` or more after the last word to the end of
    ``samples`` (a recording, or a chunk of one) and before the first word from its start,
    when they hold speech (:func:`_spoken_edge`), as are then those a late copy of what was
    heard was taken out of (:func:`_without_copies`).

    Whisper leaves out a whole 30-second window it takes for no speech (its no-speech
    probability over 0.6 and the decoding's mean log-probability under -1), and whether
    a window of speech is so taken depends on where the windows fall and on the text
    before them: a 17-minute recording of read speech lost five windows in this way.
    A gap is decoded once, with nothing before it as a prompt; of what comes back only
    the words inside the gap, of segments under :data:`_GAP_NO_SPEECH`, are kept, and
    not text written over no sound (:func:`_without_no_sound`: it goes to ``dropped``).

    ``speech`` gives (when first needed: a recording with no gap never calls it) where a
    voice activity detector heard speech, in seconds; it narrows each gap to the speech in
    it, and a gap with less than half :data:`_GAP_SECONDS` of it (a stretch at the end or
    the start: :data:`_TAIL_SPEECH_SECONDS`) is left alone: the batched pipeline leaves
    out music and noise by design."""
    rate = _audio.SAMPLE_RATE
    # no prompt, and no falling back to sampling at higher temperatures, which turns music
    # or noise into words ("Thank you.") and costs several decodings
    again = {**kwargs, "condition_on_previous_text": False, "initial_prompt": None,
             "temperature": [0.0]}
    tried: list[tuple[float, float]] = []
    heard_speech: Sequence[tuple[float, float]] | None = None
    vacated: list[float] = []  # the middles of the words of late copies taken out
    # a late copy taken out (see _without_copies) leaves its own stretch unheard, which a
    # second round decodes, from _TAIL_SECONDS on: it held speech Whisper heard as the copy
    # (in a noisy reading the 5.9 s under a 12-word copy held 17 other words); a stretch inside
    # one decoded before is not decoded again
    for _ in range(2):
        found: list[Segment] = []
        for lo, hi in _unheard(segments, len(samples) / rate, vacated):
            if any(a - 0.5 <= lo and hi <= b + 0.5 for a, b in tried):
                continue
            tried.append((lo, hi))
            # (only the stretches at the end and the start, or of a copy, are so short)
            tail = hi - lo < _GAP_SECONDS
            if tail and not _spoken_edge(samples, lo, hi):
                continue
            if speech is not None:
                if heard_speech is None:
                    heard_speech = speech()
                # (the detector's padding of the words beside the gap is no speech in it)
                said = [(max(lo, a), min(hi, b)) for a, b in heard_speech
                        if min(hi, b) - max(lo, a) >= 1.0]
                if sum(b - a for a, b in said) < (_TAIL_SPEECH_SECONDS if tail
                                                  else _GAP_SECONDS / 2):
                    continue
                lo, hi = said[0][0], said[-1][1]
            found += _heard_in(engine, samples, lo, hi, again, dropped)
        if not found:
            break
        heard = [(w.start, w.end) for s in found for w in s.words
                 if w.start is not None and w.end is not None]
        trimmed = _trimmed(segments, heard)
        kept = _without_copies(trimmed, found)
        still = {(w.start, w.text) for s in kept for w in s.words}
        vacated = [(w.start + w.end) / 2 for s in trimmed for w in s.words
                   if (w.start, w.text) not in still and w.start is not None
                   and w.end is not None]
        segments = sorted([*kept, *found], key=lambda s: s.start or 0.0)
    return segments


def _without_no_sound(segments: list[Segment], line: float | None,
                      dropped: list[Segment], samples: np.ndarray | None = None
                      ) -> list[Segment]:
    """``segments`` without the text Whisper wrote over no sound (:func:`_over_no_sound`,
    with ``line`` its no-speech line), nor, given the ``samples`` they are timed on, the
    text it doubts (no-speech probability over ``line``) where the speech detector hears
    no speech (:func:`_over_no_speech`), which are added to ``dropped`` to be said
    (:func:`no_sound_notes`): the one rule for every decoding, the first of a chunk, a
    stretch decoded again, and the batched pipeline's."""
    kept: list[Segment] = []
    for segment in segments:
        gone = _over_no_sound(segment, line) or (
            samples is not None and _over_no_speech(segment, line, samples))
        (dropped if gone else kept).append(segment)
    return kept


#: how far either side of a segment the speech detector listens for its speech (s)
_DETECTOR_MARGIN = 0.5


def _over_no_speech(segment: Segment, line: float | None, samples: np.ndarray) -> bool:
    """Whether ``segment`` is text Whisper doubts (its no-speech probability over
    ``line``) written where faster-whisper's speech detector hears no speech, from
    :data:`_DETECTOR_MARGIN` before it to as much after (:func:`uncertain.audio.speech_heard`):
    Whisper wrote "You" (no-speech probability 0.84) over 20 s of plucked chords, and
    over other music, where the detector heard nothing."""
    if (line is None or segment.no_speech_prob is None or segment.no_speech_prob <= line
            or segment.start is None or segment.end is None):
        return False
    rate = _audio.SAMPLE_RATE
    lo = max(0, round((segment.start - _DETECTOR_MARGIN) * rate))
    hi = round((segment.end + _DETECTOR_MARGIN) * rate)
    return not _audio.speech_heard(samples[lo:hi])


def no_sound_notes(dropped: list[Segment], pieces: list[Piece], offset: float, *,
                   heard: Sequence[Segment] = ()) -> list[str]:
    """The warnings of the segments :func:`_without_no_sound` left out, timed on samples
    whose ``pieces`` start at ``offset`` in the file (see :func:`_placed`), in order: the
    reader sees what was taken away, and, where it says again words kept (``heard``, in
    the file's times), that it was a repeat of them, no speech lost."""
    placed = sorted(_placed(dropped, pieces, offset), key=lambda s: s.start or 0.0)
    return [_no_sound_note(s, _repeated(s, heard)) for s in placed]


def _no_sound_note(segment: Segment, repeat: Segment | None = None) -> str:
    """The warning of a segment :func:`_over_no_sound` left out, with its text, and the
    segment kept whose words it said again, if any (:func:`_repeated`)."""
    what = "words Whisper wrote over no sound"
    why = "most words timed as lasting no time"
    if not _over_no_sound(segment, -1.0):  # (its words' timing alone: _without_no_sound)
        what = "words Whisper doubted where the speech detector heard no speech"
        why = "music or noise?"
    if repeat is not None:
        what += (f", a repeat of the words heard at {repeat.start or 0.0:.1f}-"
                 f"{repeat.end or 0.0:.1f} s")
    count = len(segment.words)
    return (f"{segment.start or 0.0:.1f}-{segment.end or 0.0:.1f} s: left out "
            f"{f'{count} {what}' if count != 1 else what.replace('words', 'a word', 1)} "
            f"(no-speech probability {segment.no_speech_prob or 0.0:.2f}, {why}): "
            f"{segment.text.strip()!r}")


def _repeated(segment: Segment, heard: Sequence[Segment]) -> Segment | None:
    """The segment of ``heard`` (not overlapping ``segment``) that holds the most of the
    words ``segment`` says, when it holds :data:`_COPY_SHARE` of them (and 3 or more):
    Whisper, conditioned on the text before, wrote "The patient takes 1,500 milligrams
    twice daily, and the patient takes ..." over the silence after a dictation, its
    first sentence again."""
    said = {_key(w.text) for w in segment.words} - {""}
    if len(said) < 3:
        return None
    best, most = None, 0
    for other in heard:
        if (other.start is not None and other.end is not None and segment.start is not None
                and segment.end is not None and other.start < segment.end
                and segment.start < other.end):
            continue
        shared = len(said & {_key(w.text) for w in other.words})
        if shared > most:
            best, most = other, shared
    return best if most >= max(3, _COPY_SHARE * len(said)) else None


def _over_no_sound(segment: Segment, line: float | None) -> bool:
    """Whether ``segment`` is text Whisper wrote over no sound: its no-speech probability
    is over ``line`` (Whisper's own, 0.6) and it timed :data:`_NO_SOUND_SHARE` of its
    words, and :data:`_NO_SOUND_WORDS` or more, as lasting no time. At the end of a noisy
    17-minute reading Whisper wrote "Thanks for watching, see you in the next video.
    Thank you very much for watching ... Bye bye." (no-speech probability 0.71), 17 of
    its 23 words in no time (7 of 9 words of it, read without the noise); its mean
    log-probability, -0.95, kept it from Whisper's own skip (under -1). Speech Whisper
    doubts as much (tiny.en's no-speech probability reaches 0.85 on clear read speech)
    has its words timed: in five such readings no segment over the line had more than a
    third of its words, one of three, in no time."""
    if line is None or segment.no_speech_prob is None or segment.no_speech_prob <= line:
        return False
    untimed = sum(1 for w in segment.words
                  if w.start is not None and w.end is not None and w.end <= w.start)
    return untimed >= max(_NO_SOUND_WORDS, _NO_SOUND_SHARE * len(segment.words))


def _spoken_edge(samples: np.ndarray, lo: float, hi: float) -> bool:
    """Whether ``lo``-``hi`` s, the stretch after the last word of ``samples`` (or one a
    late copy was taken out of, or, from 0, the stretch before the first), holds speech:
    its sound rises and falls as speech does (:data:`_GAP_RANGE_DB`: not silence, a
    steady hiss or room tone), and :data:`_TAIL_SPEECH_SECONDS` of it is within
    :data:`_TAIL_BELOW_DB` of the loud tenth of the 30 s of words next to it, before it
    (or after it) (not the end of the last word timed early, a breath or a click, a quiet
    lead-in)."""
    rate = _audio.SAMPLE_RATE
    window = _audio.SPEECH_WINDOW
    at = round(lo * rate)
    end = round(hi * rate)
    stretch = samples[at:end]
    if not _audio.rises_and_falls(stretch, range_db=_GAP_RANGE_DB):
        return False
    levels = _audio.window_levels(stretch[:len(stretch) // window * window])
    if at > 0:
        beside = samples[max(0, at - 30 * rate):at]
        beside = beside[len(beside) % window:]
    else:  # the stretch before the first word: the words after it
        beside = samples[end:end + 30 * rate]
        beside = beside[:len(beside) // window * window]
    loud = (float(np.percentile(_audio.window_levels(beside), 90)) if len(beside) >= window
            else float(levels.max()))
    spoken = int(np.count_nonzero(levels >= loud - _TAIL_BELOW_DB)) * window / rate
    return spoken >= _TAIL_SPEECH_SECONDS


def _heard_in(engine: Engine, samples: np.ndarray, lo: float, hi: float,
              again: dict[str, Any], dropped: list[Segment]) -> list[Segment]:
    """What Whisper hears in ``lo``-``hi`` s of ``samples`` decoded on its own (see
    :func:`_fill_gaps`): nothing where the sound does not rise and fall as speech does;
    text written over no sound goes to ``dropped`` (:func:`_without_no_sound`, with the
    decoding's own no-speech line)."""
    rate = _audio.SAMPLE_RATE
    gap = samples[max(0, round(lo * rate)):round(hi * rate)]
    if not _audio.rises_and_falls(gap, range_db=_GAP_RANGE_DB):
        return []
    # as many tokens as speech could hold: music decoded as words repeats a phrase to the
    # window's end ("Thank you so much for watching, and thank you ..."), slowly
    tokens = min(_GAP_MAX_TOKENS, round((hi - lo) * _GAP_TOKENS_PER_SECOND) + 8)
    raw_segments, _ = engine.transcribe(gap, **again, max_new_tokens=tokens)
    found = []
    for segment in _segments(raw_segments, lo, first_id=0):
        if segment.no_speech_prob is not None and segment.no_speech_prob > _GAP_NO_SPEECH:
            continue
        words = [w for w in segment.words
                 if w.start is not None and w.end is not None and lo <= w.start and w.end <= hi]
        if len(words) < len(segment.words):
            segment = segment.model_copy(update={
                "words": words, "text": join_words(words),
                "start": words[0].start if words else None,
                "end": words[-1].end if words else None})
        if words:
            log.debug("%.1f-%.1f s: %d words heard when decoded again", lo, hi, len(words))
            found.append(segment)
    return _without_no_sound(found, again.get("no_speech_threshold"), dropped, samples)


#: a segment heard in a gap that says again at least this share of its words (and 3 or
#: more), in order, as the words just before or after the gap is the same speech
_COPY_SHARE = 0.6


def _key(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _without_copies(segments: list[Segment], found: list[Segment]) -> list[Segment]:
    """``segments`` without the words that a segment heard in a gap says again next to
    the gap. Whisper can time a sentence 20 s late (its alignment drifts, and it moves on
    from where it timed the sentence's end): the sentence decoded again in the gap is the
    same speech, timed where it was said; the late copy goes. A copy of several segments
    heard in the gap goes a segment at a time, each one's copy looked for next to the gap
    once the copies found before are gone (a 28-word copy in a noisy 17-minute reading
    lost its first 15 words, the first segment's, and kept the rest as speech)."""
    flat = [(i, k, _key(w.text), w.start) for i, s in enumerate(segments)
            for k, w in enumerate(s.words) if w.start is not None and _key(w.text)]
    gone: set[tuple[int, int]] = set()
    left = [s for s in found if s.start is not None and s.end is not None
            and sum(1 for w in s.words if _key(w.text)) >= 3]
    while True:  # (the copies of a gap's segments are found in either order)
        kept = [f for f in flat if f[:2] not in gone]
        copy = next(((k, c) for k, s in enumerate(left) if (c := _copy_of(s, kept))), None)
        if copy is None:
            break
        del left[copy[0]]
        gone.update(copy[1])
    if not gone:
        return segments
    out = []
    for i, segment in enumerate(segments):
        words = [w for k, w in enumerate(segment.words) if (i, k) not in gone]
        if len(words) == len(segment.words):
            out.append(segment)
        elif words:
            log.debug("%d words said again in a gap dropped", len(segment.words) - len(words))
            out.append(_with_words(segment, words, text=join_words(words)))
    return out


def _copy_of(segment: Segment, flat: list[tuple[int, int, str, float]]
             ) -> list[tuple[int, int]]:
    """Where in ``flat`` (segment and word index, key and start of words in order) words
    next to ``segment`` say again :data:`_COPY_SHARE` of its words, in order, starting
    right after it or ending right before it: their indices, or none."""
    said = [_key(w.text) for w in segment.words if _key(w.text)]
    starts = [t for *_, t in flat]
    at = bisect.bisect_left(starts, segment.end or 0.0)
    begin = bisect.bisect_left(starts, segment.start or 0.0)
    before = flat[max(0, begin - len(said) - 3):begin]
    for side, near in ((flat[at:at + len(said) + 3], 0), (before, len(before) - 1)):
        same = [b.dest_start + j for b in Levenshtein.opcodes(said, [f[2] for f in side])
                if b.tag == "equal" for j in range(b.dest_end - b.dest_start)]
        if (len(same) >= max(3, _COPY_SHARE * len(said))
                and abs(near - (same[0] if near == 0 else same[-1])) <= 3):
            return [(i, k) for i, k, *_ in side[same[0]:same[-1] + 1]]
    return []


def _with_words(segment: Segment, words: list[Word], **update: Any) -> Segment:
    """``segment`` holding ``words`` (some of its own, or its own re-timed), its start and
    end moved with a first or last word that is not the one it had."""
    return segment.model_copy(update={
        "words": words,
        "start": segment.start if words[0] is segment.words[0] else words[0].start,
        "end": segment.end if words[-1] is segment.words[-1] else words[-1].end, **update})


def _unheard(segments: list[Segment], length: float, vacated: Sequence[float] = ()
             ) -> list[tuple[float, float]]:
    """The stretches of :data:`_GAP_SECONDS` or more of ``length`` seconds that no word
    covers, and the ones before the first word and after the last, or holding one of the
    times ``vacated`` (where words were taken out), from :data:`_TAIL_SECONDS` on (the
    only ones so short, when there is a word); a word longer
    than two :data:`_WORD_SECONDS` covers only that much, at its start, or at its end if it
    opens its segment (Whisper stretches a word over speech it skipped: see
    :data:`_WORD_SECONDS`)."""
    covered: list[tuple[float, float]] = []
    for segment in segments:
        for k, w in enumerate(segment.words):
            if w.start is None or w.end is None:
                continue
            if w.end - w.start <= 2 * _WORD_SECONDS:
                covered.append((w.start, w.end))
            elif k == 0:
                covered.append((w.end - _WORD_SECONDS, w.end))
            else:
                covered.append((w.start, w.start + _WORD_SECONDS))
    gaps = []
    at = 0.0
    for k, (lo, hi) in enumerate(sorted(covered)):
        if lo - at >= (_TAIL_SECONDS if k == 0 or any(at <= t <= lo for t in vacated)
                       else _GAP_SECONDS):
            gaps.append((at, lo))
        at = max(at, hi)
    if length - at >= (_TAIL_SECONDS if covered else _GAP_SECONDS):
        gaps.append((at, length))
    return gaps


def _trimmed(segments: list[Segment], heard: list[tuple[float, float]]) -> list[Segment]:
    """``segments`` with each over-long word (see :func:`_unheard`) that overlaps words
    heard when decoding again cut back to one side of them, and its segment's times with
    it: a segment's first word to the side it ends on, any other to the side it starts on
    (where :func:`_unheard` took it to be said)."""
    out = []
    for segment in segments:
        words = list(segment.words)
        for k, w in enumerate(words):
            if w.start is None or w.end is None or w.end - w.start <= 2 * _WORD_SECONDS:
                continue
            inside = [(a, b) for a, b in heard if a < w.end and b > w.start]
            if not inside:
                continue
            first, last = min(a for a, _ in inside), max(b for _, b in inside)
            if k:
                words[k] = w.model_copy(update={"end": max(w.start, first)})
            else:
                words[k] = w.model_copy(update={"start": min(w.end, last)})
        out.append(_with_words(segment, words) if words != segment.words else segment)
    return out


def _renumbered(segments: list[Segment], first_id: int) -> list[Segment]:
    return [s if s.id == first_id + k else s.model_copy(update={"id": first_id + k})
            for k, s in enumerate(segments)]


def no_speech(seconds: float) -> str:
    """The warning of a recording in which no word was heard (both ASR stages say it)."""
    return f"no speech recognised in {seconds:.1f} s of audio"


def _reporting(raw_segments: Iterable[Any], offset: float, length: float | None,
               progress: Callable[[float, float | None], None]) -> Iterator[Any]:
    """``raw_segments``, telling ``progress`` where each one ends in the file as it is
    decoded (faster-whisper decodes a segment when it is asked for it)."""
    for segment in raw_segments:
        yield segment
        progress(offset + float(segment.end), length)


def _segments(raw_segments: Iterable[Any], offset: float, *, first_id: int) -> list[Segment]:
    """faster-whisper segments of one chunk as our Segments, times shifted by ``offset``.

    A segment with no letter or digit (Whisper's "." for noise) says nothing and is dropped.
    """
    out: list[Segment] = []
    for raw in raw_segments:
        if not any(ch.isalnum() for ch in raw.text):
            continue
        raws = [w for w in (raw.words or ()) if w.word.strip()]
        # Whisper's words carry their leading space: none means written onto the last
        words = [_word(w, offset, space_after=k + 1 == len(raws) or raws[k + 1].word[:1].isspace())
                 for k, w in enumerate(raws)]
        out.append(Segment(
            id=first_id + len(out),
            text=raw.text.strip(),
            words=words,
            start=_shift(raw.start, offset),
            end=_shift(raw.end, offset),
            avg_logprob=float(raw.avg_logprob),
            no_speech_prob=_clip(float(raw.no_speech_prob)),
            compression_ratio=float(raw.compression_ratio),
            temperature=None if raw.temperature is None else float(raw.temperature),
        ))
    return out


def _word(raw: Any, offset: float, *, space_after: bool = True) -> Word:
    probability = float(raw.probability)
    tokens: Sequence[tuple[str, float]] = getattr(raw, "tokens", None) or ()
    return Word(
        text=raw.word.strip(),
        confidence=_clip(probability),
        raw_score=probability,
        start=_shift(raw.start, offset),
        end=_shift(raw.end, offset),
        tokens=[Token(text=text, probability=_clip(float(p))) for text, p in tokens],
        space_after=space_after,
    )


def _shift(seconds: float, offset: float) -> float:
    return round(float(seconds) + offset, 3)


def _clip(p: float) -> float:
    return min(1.0, max(0.0, p))


def _tail_words(segments: list[Segment], n: int) -> str:
    words: list[str] = []
    for segment in reversed(segments):
        words[:0] = [w.text for w in segment.words]
        if len(words) >= n:
            break
    return " ".join(words[-n:])
