"""Batched ASR for batch runs: faster-whisper's ``BatchedInferencePipeline``, devices, bytes.

This module owns the audio path of ``uncertain batch``:

- :func:`plan_device` picks where the model runs: ``auto`` is CUDA when CTranslate2 sees
  a GPU (float16 when supported, every visible GPU as ``device_index=[0..n-1]``, one
  worker thread per GPU), else the CPU with int8 and one thread per usable core (at most 8);
- :func:`decode_bytes` decodes an archive member to 16 kHz mono float32 from memory with
  PyAV (no temporary file), with the same checks as :mod:`uncertain.audio`;
- :class:`BatchedASR` transcribes samples with ``word_timestamps=True`` through a
  ``BatchedInferencePipeline`` over the project's token-keeping model, so each word keeps
  its probability, its times and its sub-word token probabilities.

Batched mode is not the sequential decoder: ``BatchedInferencePipeline.transcribe``
(faster-whisper 1.2.1) cuts the audio into speech chunks of at most 30 s with the Silero
VAD (``vad_filter``, on by default, required for audio of 30 s or more), decodes the
chunks of a file as one batch, and silently uses only the first temperature, no
conditioning on previous text, ``max_initial_timestamp=0`` and no hallucination-silence
skipping; with ``without_timestamps=True`` (its default) each speech chunk is one
segment, joined across the silences the VAD cut out, so a segment is cut where
:data:`PAUSE_SECONDS` or more pass between two of its words (:func:`_split_at_pauses`).
Word times still come from cross-attention alignment, shifted back onto the whole
recording. These forced values are written into ``Source.options`` so a document
says how it was made.

The pipeline's decoding leaves out whole speech chunks the VAD found (a 15-minute
reading under noise lost four stretches of 21-27 s, 162 words): the speech the VAD
found in a stretch of 8 s or more with no word, or in the 2 s or more after a piece's
last word or before its first where the sound is that of speech, is decoded again on
its own by the sequential decoder, as :func:`uncertain.asr.transcribe` does
(``_fill_gaps``); what the VAD left out (music, noise) stays out. The VAD is run again
for this, with the pipeline's options, only for a recording with such a stretch (2.3 s
of CPU for 17 minutes).

Nor does the pipeline fall back to higher temperatures where a decoding fails: a segment
whose text repeats itself (compression ratio over 2.4) or whose tokens are improbable
(mean log-probability under -1, unless taken for no speech), Whisper's own checks, is
decoded again on its own as :func:`uncertain.asr.transcribe` decodes it
(:func:`_redo_failed`); a telephone recording read as "1 .1 .1 ..." and two voices read
as one phrase repeated were its failures. A recording quieter than :data:`QUIET_DB` is
raised to :data:`LIFTED_DB` first (:func:`_lifted`): Silero heard no speech in a reading
at -69 dB. Both are said in the document's warnings.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import ctranslate2
import faster_whisper
import numpy as np
from faster_whisper import BatchedInferencePipeline
from faster_whisper.vad import VadOptions, get_speech_timestamps

from uncertain import audio as _audio
from uncertain import models as _models
from uncertain.asr import (
    CONFIDENCE_DEFINITION,
    ENGINE,
    RAW_SCORE_DEFINITION,
    Engine,
    TranscribeOptions,
    _fill_gaps,
    _heard_in,
    _placed,
    _renumbered,
    _without_no_sound,
    check_prompts,
    no_sound_notes,
    no_speech,
)
from uncertain.asr import _segments as _to_segments
from uncertain.audio import SAMPLE_RATE
from uncertain.document import Document, Source, join_words
from uncertain.errors import ModelNotFoundError
from uncertain.models import (
    TokenWhisperModel,
    check_language,
    default_cpu_threads,
    load_model,
    pick_device,
    resolve_model,
)

log = logging.getLogger("uncertain")

# what BatchedInferencePipeline.transcribe uses whatever it is asked (faster-whisper 1.2.1)
FORCED_BY_BATCHED_MODE: dict[str, Any] = {
    "condition_on_previous_text": False,
    "hallucination_silence_threshold": None,
    "max_initial_timestamp": 0.0,
    "prompt_reset_on_temperature": 0.5,
}


class BatchedEngine(Protocol):
    """What :class:`BatchedASR` needs: ``BatchedInferencePipeline.transcribe``'s shape."""

    def transcribe(self, audio: np.ndarray, **kwargs: Any) -> tuple[Any, Any]: ...


@dataclass(frozen=True)
class DevicePlan:
    """Where the Whisper model runs and with how many threads or GPUs."""

    device: str
    compute_type: str
    device_index: tuple[int, ...] = (0,)
    cpu_threads: int = 0

    @property
    def workers(self) -> int:
        """Transcriptions worth running at once: one per GPU, one on the CPU."""
        return len(self.device_index) if self.device == "cuda" else 1


def plan_device(device: str = "auto", compute_type: str = "auto", *,
                cpu_threads: int = 0) -> DevicePlan:
    """Resolve ``auto`` (see the module docstring) into a :class:`DevicePlan`."""
    device, compute_type = pick_device(device, compute_type)  # (no GPU for cuda: refused)
    if device == "cuda":
        gpus = ctranslate2.get_cuda_device_count()
        return DevicePlan(device, compute_type, tuple(range(gpus)), cpu_threads)
    return DevicePlan(device, compute_type, (0,), cpu_threads or default_cpu_threads())


@dataclass(frozen=True)
class BatchedOptions:
    """Options passed to ``BatchedInferencePipeline.transcribe`` (word timestamps always on)."""

    batch_size: int = 8
    beam_size: int = 5
    temperature: float = 0.0
    vad_filter: bool = True
    without_timestamps: bool = True
    chunk_length: int | None = None
    initial_prompt: str | None = None
    hotwords: str | None = None

    def engine_kwargs(self) -> dict[str, Any]:
        kwargs = asdict(self)
        kwargs["word_timestamps"] = True
        return kwargs

    def as_dict(self) -> dict[str, Any]:
        """What a document records: these options, the forced ones and the mode."""
        return {"mode": "batched", **self.engine_kwargs(), **FORCED_BY_BATCHED_MODE,
                "gaps_decoded_again": True}


class BatchedASR:
    """Transcribes decoded audio with a ``BatchedInferencePipeline`` (one per thread).

    The model is loaded once; ``engine`` replaces the pipeline (tests pass a fake that
    replays recorded pipeline output), and ``gap_engine`` the sequential decoder that
    hears the stretches the pipeline left out again (the model itself by default; none
    with a fake pipeline unless given).
    """

    def __init__(self, *, model: str | os.PathLike[str] | None = None,
                 plan: DevicePlan | None = None, options: BatchedOptions | None = None,
                 language: str | None = None, engine: BatchedEngine | None = None,
                 gap_engine: Engine | None = None) -> None:
        self.options = options or BatchedOptions()
        self.language = language
        self.plan = plan
        self._engine = engine
        self._gap_engine = gap_engine
        self._local = threading.local()
        self.model: Any = None
        self.model_name: str | None = None if model is None else os.fspath(model)
        self._record: dict[str, Any] = {}
        if engine is None:
            plan = self.plan = plan or plan_device()
            resolved = resolve_model(model)
            self.model_name = resolved.name
            # (before the model is loaded: the pipeline cuts a long prompt as the sequential
            # decoder does, mid-word, and garbles every chunk of the recording)
            check_prompts(self.options, _models.tokenizer_of(resolved))
            self.model = _load(resolved.path, plan)
            check_language(self.model, language, resolved.name)
            self._record = {"model_path": str(resolved.path), "device": plan.device,
                            "compute_type": plan.compute_type,
                            "device_index": list(plan.device_index),
                            "sampling_seed": _models.SAMPLING_SEED}
        else:
            check_prompts(self.options, getattr(gap_engine, "hf_tokenizer", None))

    def _pipeline(self) -> BatchedEngine:
        if self._engine is not None:
            return self._engine
        pipeline: BatchedEngine | None = getattr(self._local, "pipeline", None)
        if pipeline is None:
            pipeline = self._local.pipeline = BatchedInferencePipeline(self.model)
        return pipeline

    def transcribe(self, samples: np.ndarray, *, path: str, sha256: str,
                   notes: Sequence[str] = ()) -> Document:
        """A Document for ``samples`` (16 kHz mono float32) read from ``path``, with
        ``notes`` (what decoding repaired) among its warnings."""
        return self.transcribe_chunks([(0.0, samples)], path=path, sha256=sha256,
                                      notes=notes)

    def transcribe_chunks(self, chunks: Iterable[tuple[float, np.ndarray]], *, path: str,
                          sha256: str, notes: Sequence[str] = ()) -> Document:
        """A Document for a recording given as ``(start seconds, samples)`` pieces in
        order (:func:`uncertain.audio.iter_chunks`'), each transcribed on its own, so that
        a long recording never sits in memory whole; ``notes`` is read at the end (what
        decoding repaired is known once the last piece is decoded). The sequential
        decoder's fallback samples with a generator of the recording's own
        (:func:`uncertain.models.seeded_sampling`)."""
        with _models.seeded_sampling(self._gap_engine or self.model):
            return self._transcribe_chunks(chunks, path=path, sha256=sha256, notes=notes)

    def _transcribe_chunks(self, chunks: Iterable[tuple[float, np.ndarray]], *, path: str,
                           sha256: str, notes: Sequence[str]) -> Document:
        segments: list[Any] = []
        info: Any = None
        duration = 0.0
        warnings: list[str] = []
        for start, samples in chunks:
            samples = _lifted(samples, start, warnings)
            # the batched pipeline bypasses generate_segments, where tokens are usually kept
            recording = (self.model.recording_tokens()
                         if isinstance(self.model, TokenWhisperModel)
                         else nullcontext(lambda segment: segment))
            with recording as attach:
                raw_segments, chunk_info = self._pipeline().transcribe(
                    samples, language=self.language, **self.options.engine_kwargs())
                raw = [attach(segment) for segment in raw_segments]  # decoding happens here
            dropped: list[Any] = []  # written over no sound (asr._over_no_sound)
            new = _without_no_sound(_to_segments(raw, 0.0, first_id=len(segments)),
                                    TranscribeOptions().no_speech_threshold, dropped, samples)
            if info is None or (new and not segments):
                info = chunk_info  # the first piece with speech names the language
            gaps = self._gap_engine or self.model
            if gaps is not None:
                language = self.language or getattr(chunk_info, "language", None)
                kwargs = {**TranscribeOptions(beam_size=self.options.beam_size).engine_kwargs(),
                          "language": language}
                new = _redo_failed(gaps, samples, new, kwargs, start, warnings, dropped)
                new = _fill_gaps(gaps, samples, new, kwargs, dropped=dropped,
                                 speech=self._speech(samples) if self.options.vad_filter else None)
            new = _split_at_pauses(new)
            segments.extend(_renumbered(_placed(new, [(0, 0, len(samples))], start),
                                        len(segments)))
            warnings.extend(no_sound_notes(dropped, [(0, 0, len(samples))], start,
                                           heard=segments))
            duration = start + len(samples) / SAMPLE_RATE
        source = Source(
            path=path,
            sha256=sha256,
            modality="audio",
            engine=ENGINE,
            engine_version=faster_whisper.__version__,
            model=self.model_name,
            options={**self.options.as_dict(), "language": self.language, **self._record},
            confidence_definition=CONFIDENCE_DEFINITION,
            raw_score_definition=RAW_SCORE_DEFINITION,
            duration=round(duration, 3),
            language=getattr(info, "language", None) or self.language,
            language_probability=_probability(getattr(info, "language_probability", None)),
        )
        warnings = [*notes, *(f"{path}: {note}" for note in warnings)]
        if not segments:
            warnings.append(no_speech(duration))
        return Document(source=source, segments=segments, warnings=warnings)


    def _speech(self, samples: np.ndarray) -> Callable[[], list[tuple[float, float]]]:
        """Where the pipeline's VAD, with its options, hears speech in ``samples`` (in
        seconds), found again when asked: the pipeline does not say, and given
        ``clip_timestamps`` it would cut the audio another way."""
        def found() -> list[tuple[float, float]]:
            clips = get_speech_timestamps(samples, VadOptions(
                max_speech_duration_s=self.options.chunk_length or 30,
                min_silence_duration_ms=160))
            return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in clips]
        return found


#: a recording whose loudest second is quieter than this (dB below full scale) is raised
#: to :data:`LIFTED_DB` for the batched pipeline: its speech detector (Silero) hears no
#: speech in a reading at -53 dB, which the sequential decoder reads whole
QUIET_DB = -35.0
LIFTED_DB = -20.0
#: a batched segment is a failed reading, decoded again as ``transcribe`` decodes it (with
#: its fallback to higher temperatures), when its text is this repetitive (gzip ratio:
#: Whisper's own threshold; "1 .1 .1 .1 ..." is 17, a repetition loop 9.5) ...
FAILED_COMPRESSION = 2.4
#: ... or its tokens this improbable (mean log-probability, Whisper's own threshold),
#: unless the decoder took it for no speech
FAILED_LOGPROB = -1.0
FAILED_NO_SPEECH = 0.6


def _lifted(samples: np.ndarray, start: float, warnings: list[str]) -> np.ndarray:
    """``samples`` raised to :data:`LIFTED_DB` when they are quieter than :data:`QUIET_DB`
    (never over full scale, nor a piece that is silence)."""
    level = _audio.loudest_db(samples)
    if not (np.isfinite(level) and level < QUIET_DB) or not _audio.rises_and_falls(samples):
        return samples
    peak = float(np.max(np.abs(samples)))
    gain = min(10 ** ((LIFTED_DB - level) / 20), 0.99 / peak if peak else 1.0)
    if gain <= 1.0:
        return samples
    warnings.append(f"{start:.1f} s on: the recording is quiet (its loudest second at "
                    f"{level:.0f} dB below full scale); raised by {20 * np.log10(gain):.0f} dB "
                    "for the batched decoder's speech detector")
    return (samples * gain).astype(np.float32)


#: a pause between two words of one batched segment at least this long (the stretch
#: with no word that is looked at again, ``uncertain.asr._GAP_SECONDS``) ends the segment
#: there: the pipeline decodes a chunk of speech joined across the silences its VAD cut
#: out as one segment, and a dictation's two parts 40 s apart were one line, stamped
#: [00:00.0], in the prompt (``transcribe`` heard them as segments of their own)
PAUSE_SECONDS = 8.0


def _split_at_pauses(segments: list[Any]) -> list[Any]:
    """``segments`` with each cut where :data:`PAUSE_SECONDS` or more pass between two of
    its words; the parts keep what the decoder said of the whole (its log-probability)."""
    out = []
    for segment in segments:
        words = segment.words
        cuts = [k for k in range(1, len(words))
                if words[k].start is not None and words[k - 1].end is not None
                and words[k].start - words[k - 1].end >= PAUSE_SECONDS]
        if not cuts:
            out.append(segment)
            continue
        for lo, hi in zip([0, *cuts], [*cuts, len(words)], strict=True):
            part = words[lo:hi]
            out.append(segment.model_copy(update={
                "words": part, "text": join_words(part),
                "start": segment.start if lo == 0 else part[0].start,
                "end": segment.end if hi == len(words) else part[-1].end}))
    return out


def _failed_reading(segment: Any) -> str | None:
    """Why the batched decoder's reading of ``segment`` failed, if it did."""
    ratio, logprob = segment.compression_ratio, segment.avg_logprob
    if ratio is not None and ratio > FAILED_COMPRESSION:
        return f"its text repeats itself (compression ratio {ratio:.1f})"
    silent = segment.no_speech_prob is not None and segment.no_speech_prob > FAILED_NO_SPEECH
    if logprob is not None and logprob < FAILED_LOGPROB and not silent:
        return f"its words are improbable (mean log-probability {logprob:.2f})"
    return None


def _redo_failed(engine: Any, samples: np.ndarray, segments: list[Any],
                 kwargs: dict[str, Any], start: float, warnings: list[str],
                 dropped: list[Any]) -> list[Any]:
    """``segments`` with the ones the batched decoder failed on (:func:`_failed_reading`)
    decoded again on their own by the sequential decoder, falling back to higher
    temperatures as :func:`uncertain.asr.transcribe` does: the batched pipeline uses one
    temperature and no such check, and its failures are a phrase repeated to the window's
    end or "1 .1 .1 ...", on telephone audio, two voices at once, quiet speech. Text the
    decoding writes over no sound goes to ``dropped``."""
    out: list[Any] = []
    for segment in segments:
        why = _failed_reading(segment)
        if why is None or segment.start is None or segment.end is None:
            out.append(segment)
            continue
        lo, hi = segment.start, segment.end
        heard = _heard_in(engine, samples, max(0.0, lo - 0.2),
                          min(len(samples) / SAMPLE_RATE, hi + 0.2), kwargs, dropped)
        warnings.append(f"{start + lo:.1f}-{start + hi:.1f} s: the batched decoder's reading "
                        f"failed, {why}: decoded again as `transcribe` decodes")
        log.info("%.1f-%.1f s: batched reading failed (%s), decoded again", lo, hi, why)
        out += heard
    return sorted(out, key=lambda s: s.start or 0.0)


def _probability(value: Any) -> float | None:
    return None if value is None else min(1.0, max(0.0, float(value)))


_MODELS: dict[tuple[str, DevicePlan], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load(path: os.PathLike[str], plan: DevicePlan) -> Any:
    if len(plan.device_index) == 1:
        return load_model(path, device=plan.device, compute_type=plan.compute_type,
                          cpu_threads=plan.cpu_threads)
    _models.refuse_if_forked()  # (as load_model does: a forked process would wait forever)
    key = (os.fspath(path), plan)
    with _MODELS_LOCK:
        if key not in _MODELS:
            log.info("loading Whisper from %s on GPUs %s (%s)", path,
                     list(plan.device_index), plan.compute_type)
            _models.seed_sampling()
            try:
                _MODELS[key] = TokenWhisperModel(
                    os.fspath(path), device=plan.device, device_index=list(plan.device_index),
                    compute_type=plan.compute_type, num_workers=len(plan.device_index))
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelNotFoundError(f"{path}: cannot load the Whisper model: {exc}") from exc
            _models.keep_built(_MODELS[key])
        return _MODELS[key]


# -- decoding from memory -----------------------------------------------------------------


def decode_bytes(data: bytes, path: str, *, on_note: Callable[[str], None] | None = None,
                 max_seconds: float | None = None) -> np.ndarray:
    """Decode an in-memory audio file to 16 kHz mono float32; ``path`` names it in errors;
    ``on_note`` is told what was repaired (see :mod:`uncertain.audio`); audio longer than
    ``max_seconds`` is refused (:func:`uncertain.audio.max_seconds_of`)."""
    return _audio.decode_bytes(data, path, on_note=on_note, max_seconds=max_seconds)
