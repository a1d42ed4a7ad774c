"""Asking the Whisper model how well a text explains a stretch of audio (CTranslate2 direct).

This module owns the one place where the second pass talks to CTranslate2's Whisper:

- :meth:`WhisperScorer.score`: teacher-forced token log-probabilities of texts given one
  audio window, each after a forced prefix (``ctranslate2.models.Whisper.align``'s
  ``text_token_probs``): one encoder run per window and ``align`` calls batched by text
  length (a batch is padded to its longest text: a later flag's texts in a shared window,
  after a long forced prefix, would otherwise pad every other flag's to their length);
- :meth:`WhisperScorer.prior`: the same for silence, i.e. what the decoder's language
  model alone thinks of the texts (subtracted to leave what the audio adds);
- :meth:`WhisperScorer.nbest`: the beam search's ``n`` best hypotheses for a window
  (``generate`` with ``num_hypotheses`` and ``return_scores``).

``pad_seconds`` sets the encoder input: Whisper's 30 s (the default here, for decoding
n-best lists as the first pass decodes) or, with ``None``, the window's own length, about
ten times cheaper to encode; with the language prior subtracted, scoring candidates is as
accurate at the window's own length on the dev set (``benchmarks/rescore_methods.py``),
so the second pass uses that.

:class:`Scorer` is the seam for tests: anything with ``score`` (and ``nbest`` for
:mod:`uncertain.nbest`) of these shapes.
"""

from __future__ import annotations

import math
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from uncertain.audio import SAMPLE_RATE
from uncertain.document import Document
from uncertain.errors import EngineError, InputError

_HOP = 160  # samples per Mel frame
_FRAMES_PER_SECOND = SAMPLE_RATE // _HOP
_MAX_FRAMES = 3000  # Whisper's 30 s input
# encoded silences kept per model, one per input length: windows encoded at their own
# length (whole seconds) come in a handful of lengths, and every document's pass would
# otherwise encode its silences anew
_SILENCES = 16
_silences: weakref.WeakKeyDictionary[Any, OrderedDict[int, Any]] = weakref.WeakKeyDictionary()
_silences_lock = threading.Lock()
#: what one more ``align`` call costs, in padded token positions of a batch (tiny.en on two
#: cores: about 9 ms a call against 0.5 ms a text's position)
_CALL_TOKENS = 16
#: the most texts in one ``align`` call: CTranslate2 repeats the encoded window for every
#: text of a batch, and a batch of more texts than this costs more CPU time per text, not
#: less (tiny.en on two cores, 20 texts of 10 tokens on 5 s of audio: 200 ms in one call,
#: 150 ms in calls of 5 to 7); on devset-piper's dev split the pass's batches held 7 to
#: 15 texts, and this cap took about a tenth off its CPU time
_MOST_TEXTS = 8
_MIN_PROB = 1e-12  # floor before taking logs (CTranslate2 rounds tiny probabilities to 0)


#: ``(prefix, texts)``: texts scored after a prefix that is forced but not scored
Request = tuple[str, Sequence[str]]


class Scorer(Protocol):
    """What the second pass needs of a model: token log-probabilities of texts given audio."""

    def score(self, audio: np.ndarray, requests: Sequence[Request]
              ) -> list[list[list[float]]]: ...

    def prior(self, samples: int, requests: Sequence[Request]
              ) -> list[list[list[float]]]: ...


class NbestDecoder(Protocol):
    """What :func:`uncertain.nbest.add_nbest` needs: ``(text, total log-prob)`` hypotheses."""

    def nbest(self, audio: np.ndarray, n: int) -> list[tuple[str, float]]: ...


class WhisperScorer:
    """Scores texts against audio with a faster-whisper model's CTranslate2 Whisper.

    ``model`` is a ``faster_whisper.WhisperModel`` (as :func:`uncertain.models.load_model`
    returns). ``pad_seconds`` is the encoder input length (``None``: the window's own
    length, rounded up to a whole second and at least ``min_seconds``). ``trim_seconds``:
    the decoder attends to the encoded window and this much of the padding after it,
    not to all 30 s (``None``: all), which makes scoring many texts several times
    cheaper.
    """

    def __init__(self, model: Any, *, pad_seconds: float | None = 30.0,
                 min_seconds: float = 2.0, trim_seconds: float | None = 1.0,
                 language: str = "en") -> None:
        from faster_whisper.tokenizer import Tokenizer

        self.model = model
        self.pad_seconds = pad_seconds
        self.min_seconds = min_seconds
        self.trim_seconds = trim_seconds
        with _silences_lock:
            self._silence = _silences.setdefault(model, OrderedDict())
        multilingual = bool(model.model.is_multilingual)
        self.tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe",
                                   language=language if multilingual else "en")
        self.start = [*self.tokenizer.sot_sequence, self.tokenizer.no_timestamps]

    # -- encoding ---------------------------------------------------------------------

    def _frames(self, n_samples: int) -> int:
        if self.pad_seconds is not None:
            seconds = self.pad_seconds
        else:
            seconds = max(self.min_seconds, math.ceil(n_samples / SAMPLE_RATE))
        return min(_MAX_FRAMES, 2 * math.ceil(seconds * _FRAMES_PER_SECOND / 2))

    def encode(self, audio: np.ndarray) -> tuple[Any, int]:
        """The encoder output of ``audio`` (batch 1) and its number of non-padding frames."""
        import ctranslate2

        samples = np.asarray(audio, dtype=np.float32)[: _MAX_FRAMES * _HOP]
        features = log_mel(self.model.feature_extractor, samples)
        frames = self._frames(len(samples))
        padded = np.zeros((features.shape[0], frames), dtype=np.float32)
        used = min(frames, features.shape[1])
        padded[:, :used] = features[:, :used]
        try:
            encoded = self.model.model.encode(ctranslate2.StorageView.from_array(padded[None]),
                                              to_cpu=True)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"the Whisper encoder failed on a {frames}-frame window: {exc}"
                              ) from exc
        return encoded, max(2, min(frames, len(samples) // _HOP) // 2 * 2)

    # -- scoring ----------------------------------------------------------------------

    def tokens(self, text: str) -> list[int]:
        """The token ids of ``text`` as Whisper writes it mid-transcript (leading space)."""
        return list(self.tokenizer.encode(" " + text.strip()))

    def score(self, audio: np.ndarray, requests: Sequence[Request]) -> list[list[list[float]]]:
        """For each ``(prefix, texts)`` request, for each text, the log-probability of each of
        its tokens given the audio, the prefix (forced, not returned) and the tokens before
        it (teacher forcing). One encoder run, and ``align`` calls of texts of near
        lengths (:func:`_batches`)."""

        batch_ids, skips = self._batch(requests)
        if not batch_ids:
            return [[] for _ in requests]
        encoded, frames = self.encode(audio)
        return _split(self._align(encoded, frames, batch_ids, skips), requests)

    def prior(self, samples: int, requests: Sequence[Request]) -> list[list[list[float]]]:
        """What :meth:`score` gives the same requests for ``samples`` of silence: the
        decoder's language prior, with no speech to go by (the encoding is cached)."""
        batch_ids, skips = self._batch(requests)
        if not batch_ids:
            return [[] for _ in requests]
        size = self._frames(samples)
        with _silences_lock:
            silence = self._silence.get(size)
            if silence is not None:
                self._silence.move_to_end(size)
        if silence is None:
            silence = self.encode(np.zeros(size * _HOP, dtype=np.float32))[0]
            with _silences_lock:
                self._silence[size] = silence
                while len(self._silence) > _SILENCES:
                    self._silence.popitem(last=False)
        frames = max(2, min(size, samples // _HOP) // 2 * 2)
        return _split(self._align(silence, frames, batch_ids, skips), requests)

    def _batch(self, requests: Sequence[Request]) -> tuple[list[list[int]], list[int]]:
        batch_ids: list[list[int]] = []
        skips: list[int] = []
        for prefix, texts in requests:
            head = self.tokens(prefix) if prefix.strip() else []
            for text in texts:
                batch_ids.append(head + self.tokens(text))
                skips.append(len(head))
        return batch_ids, skips

    def _align(self, encoded: Any, frames: int, batch_ids: list[list[int]],
               skips: list[int]) -> list[list[float]]:
        import ctranslate2

        memory = np.asarray(encoded)
        if self.trim_seconds is not None:
            keep = (frames + round(self.trim_seconds * _FRAMES_PER_SECOND)) // 2
            memory = memory[:, :max(1, keep)]
        out: list[list[float]] = [[] for _ in batch_ids]
        for batch in _batches([len(ids) for ids in batch_ids]):
            view = ctranslate2.StorageView.from_array(
                np.ascontiguousarray(np.repeat(memory, len(batch), axis=0)))
            try:
                # only the token probabilities are used: the median filter smooths the
                # alignments, which are not (it costs a tenth of the call)
                results = self.model.model.align(view, self.start,
                                                 [batch_ids[i] for i in batch], frames,
                                                 median_filter_width=1)
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"Whisper align failed: {exc}") from exc
            for i, r in zip(batch, results, strict=True):
                out[i] = [math.log(max(_MIN_PROB, float(p)))
                          for p in r.text_token_probs[skips[i]:]]
        return out

    def nbest(self, audio: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The ``n`` best beam-search hypotheses for ``audio`` with their total log-prob."""
        encoded, _ = self.encode(audio)
        seconds = len(audio) / SAMPLE_RATE
        max_length = len(self.start) + min(440, 20 + round(6 * seconds))
        try:
            result = self.model.model.generate(
                encoded, [self.start], beam_size=max(5, n), num_hypotheses=n,
                return_scores=True, max_length=max_length, length_penalty=1.0,
            )[0]
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"Whisper generate failed: {exc}") from exc
        out: list[tuple[str, float]] = []
        for ids, score in zip(result.sequences_ids, result.scores, strict=False):
            text = self.tokenizer.decode([t for t in ids if t < self.tokenizer.eot]).strip()
            # scores are length-normalised (length_penalty 1): back to a total, EOT included
            out.append((text, float(score) * (len(ids) + 1)))
        return out


def log_mel(extractor: Any, samples: np.ndarray) -> np.ndarray:
    """The log-Mel features faster-whisper's ``FeatureExtractor`` gives ``samples``, the
    same values computed with the Mel product written the other way round: the way it is
    written, NumPy's BLAS runs a product this small on every core and spins them (on two
    busy cores, 6 ms of CPU time per window against 1.5 ms; the pass encodes a window
    per flagged stretch). An extractor without the attributes this uses is called as it
    is."""
    if not all(hasattr(extractor, a) for a in ("stft", "mel_filters", "n_fft", "hop_length")):
        return np.asarray(extractor(samples))
    # (as FeatureExtractor.__call__, padding=160)
    waveform = np.pad(np.asarray(samples, dtype=np.float32), (0, 160))
    window = np.hanning(extractor.n_fft + 1)[:-1].astype("float32")
    stft = extractor.stft(waveform, extractor.n_fft, extractor.hop_length, window=window,
                          return_complex=True).astype("complex64")
    magnitudes = np.abs(stft[..., :-1]) ** 2
    mel_spec = (magnitudes.T @ extractor.mel_filters.T).T
    log_spec = np.log10(np.clip(mel_spec, a_min=1e-10, a_max=None))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return np.asarray((log_spec + 4.0) / 4.0)


def _batches(lengths: Sequence[int], call: int = _CALL_TOKENS,
             most: int = _MOST_TEXTS) -> list[list[int]]:
    """The indices of texts of ``lengths`` (tokens) in batches for ``align``: CTranslate2
    pads a batch to its longest text, so texts of near lengths go together, in the
    partition of the texts sorted by length with the fewest padded positions, a call
    counting as ``call`` positions more, no batch holding more than ``most`` texts
    (larger ones cost more per text). The split changes the cost, and the scores only
    as padding does: with int8 weights a text's token log-probabilities move a little with
    the length it is padded to (by up to a few tenths of a nat on the dev sets), and less
    padding leaves them nearer to the text's scores alone."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    n = len(order)
    cost = [0] * (n + 1)
    cut = [0] * (n + 1)
    for end in range(1, n + 1):
        longest = lengths[order[end - 1]]
        cost[end], cut[end] = min((cost[begin] + call + (end - begin) * longest, begin)
                                  for begin in range(max(0, end - most), end))
    out: list[list[int]] = []
    end = n
    while end > 0:
        out.append(order[cut[end]:end])
        end = cut[end]
    return out[::-1]


def _split(flat: list[list[float]], requests: Sequence[Request]) -> list[list[list[float]]]:
    out: list[list[list[float]]] = []
    k = 0
    for _, texts in requests:
        out.append(flat[k:k + len(texts)])
        k += len(texts)
    return out


def scorer_for(doc: Document | None = None, *, model: Any = None,
               pad_seconds: float | None = 30.0) -> WhisperScorer:
    """A :class:`WhisperScorer` for ``model`` (a loaded WhisperModel or
    a name/path), by default the model, device and compute type that made ``doc``; in
    the language ``doc`` was transcribed in (a multilingual model's)."""
    language = (doc.source.language if doc is not None else None) or "en"
    if model is not None and hasattr(model, "model") and hasattr(model, "feature_extractor"):
        return WhisperScorer(model, pad_seconds=pad_seconds, language=language)
    from uncertain.models import load_model

    options = doc.source.options if doc is not None else {}
    if model is None and doc is not None:
        path = options.get("model_path")
        model = path if path and os.path.isdir(path) else doc.source.model
    loaded = load_model(model, device=str(options.get("device", "auto")),
                        compute_type=str(options.get("compute_type", "auto")))
    return WhisperScorer(loaded, pad_seconds=pad_seconds, language=language)


#: the recording as the acoustic pass and the n-best lists take it: its samples, or
#: the path of its file (None: the document's ``source.path``)
Audio = np.ndarray | str | os.PathLike[str] | None

#: how far a recording's samples may be from the document's duration, in seconds and as
#: a share of it, before they are taken for another recording (or another sample rate)
_LENGTH_SLACK = (1.0, 0.02)
#: the most channels an array's shorter side is read as (a longer one is no recording)
_MAX_CHANNELS = 8


def checked_audio(doc: Document, audio: Audio) -> np.ndarray | str | None:
    """``audio=`` of :func:`uncertain.rescore.rescore` and :func:`uncertain.nbest.add_nbest`
    as they read it: a path as a string, or the samples as 16 kHz mono float32 (integer PCM
    scaled to [-1, 1], channels averaged), refused when they are not as long as the
    recording ``doc`` was transcribed from (another recording, or another sample rate:
    windows would be cut where its words are not)."""
    if audio is None or isinstance(audio, str):
        return audio
    if isinstance(audio, os.PathLike):
        return os.fspath(audio)
    name = doc.source.path
    if isinstance(audio, (bytes, bytearray, memoryview)):
        raise TypeError("audio= takes the recording's samples (16 kHz mono float32) or the "
                        "path of its file, not its bytes")
    samples = np.asarray(audio)
    if samples.ndim == 2 and min(samples.shape) <= _MAX_CHANNELS:
        samples = samples.mean(axis=int(np.argmin(samples.shape)), dtype=np.float64)
    if samples.ndim != 1:
        raise InputError(name, f"audio= has shape {np.shape(audio)}: give the recording's "
                         "samples as one channel (16 kHz mono float32), or its path")
    if np.issubdtype(samples.dtype, np.signedinteger):
        samples = samples / float(np.iinfo(samples.dtype).max + 1)
    elif np.issubdtype(samples.dtype, np.unsignedinteger):  # 8-bit WAV's: 128 is silence
        half = float(np.iinfo(samples.dtype).max + 1) / 2
        samples = (samples - half) / half
    elif not np.issubdtype(samples.dtype, np.floating):
        raise InputError(name, f"audio= holds {samples.dtype} values: give the recording's "
                         "samples (16 kHz mono float32), or its path")
    samples = np.asarray(samples, dtype=np.float32)
    duration = doc.source.duration
    seconds = len(samples) / SAMPLE_RATE
    if duration is not None and abs(seconds - duration) > max(
            _LENGTH_SLACK[0], _LENGTH_SLACK[1] * duration):
        raise InputError(name, f"audio= holds {seconds:.1f} s of samples at 16 kHz where the "
                         f"recording is {duration:.1f} s: not its samples, or not at 16 kHz "
                         "(resample them, or pass the file's path)")
    return samples


@dataclass(frozen=True)
class Recording:
    """The file of the recording a document was transcribed from, checked against it
    (:func:`checked_recording`)."""

    path: str


def checked_recording(doc: Document, audio: np.ndarray | str | Recording | None
                      ) -> np.ndarray | Recording:
    """``audio`` as :func:`checked_audio` gives it, its file (``None``: ``doc``'s
    ``source.path``) checked: there, and its bytes those ``doc.source.sha256`` records (a
    file replaced or re-encoded since would be scored in silence against audio its words
    never came from). The passes check it before loading a model: an upload deleted once
    transcribed fails at once, naming the file, not after the model's seconds."""
    from uncertain._io import sha256_file
    from uncertain.errors import MissingFileError

    if isinstance(audio, np.ndarray | Recording):
        return audio
    path = doc.source.path if audio is None else audio
    if not os.path.isfile(path):
        raise MissingFileError(path, "the recording this document was transcribed from is "
                               "not there (moved, an archive's member, or a relative path "
                               "read from another folder): pass audio= its samples or path")
    if sha256_file(path) != doc.source.sha256:
        raise InputError(path, "is not the recording this document was transcribed from "
                         "(its sha256 differs: the file was replaced or changed since); "
                         "pass audio= the recording's samples, or transcribe it again")
    return Recording(path)


def clips(doc: Document, windows: Sequence[tuple[float, float]],
          audio: np.ndarray | str | Recording | None) -> list[np.ndarray]:
    """The samples of each ``(start, end)`` window (seconds), from ``audio``'s samples, or
    decoded from its file (``None``: the document's; checked by
    :func:`checked_recording` unless it is a :class:`Recording`) in one stream that keeps
    only the windows."""
    from uncertain.audio import iter_chunks

    sr = SAMPLE_RATE
    bounds = [(round(a * sr), round(b * sr)) for a, b in windows]
    if isinstance(audio, np.ndarray):
        return [np.asarray(audio[a:b], dtype=np.float32) for a, b in bounds]
    if not bounds:
        return []
    pieces: list[list[np.ndarray]] = [[] for _ in windows]
    last = max(b for _, b in bounds)
    recording = checked_recording(doc, audio)
    assert isinstance(recording, Recording)  # (samples were cut above)
    # (no length limit: these are the bytes transcribed, and only the windows are kept)
    for chunk in iter_chunks(recording.path, max_seconds=math.inf):
        c0 = round(chunk.start * sr)
        c1 = c0 + len(chunk.samples)
        for i, (a, b) in enumerate(bounds):
            lo, hi = max(a, c0), min(b, c1)
            if lo < hi:
                pieces[i].append(chunk.samples[lo - c0:hi - c0])
        if c1 >= last:
            break
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.float32) for p in pieces]


#: seconds a window may reach over a pause to the neighbouring word
REACH = 1.0


def reach(start: float, end: float, before: float | None, after: float | None
          ) -> tuple[float, float]:
    """The window ``start``-``end`` widened over a pause to the end of the word ``before``
    it and the start of the word ``after`` it, at most ``REACH`` seconds each way:
    Whisper often times a segment's first word late and its last word early."""
    if before is not None:
        start = max(start - REACH, min(start, before))
    if after is not None:
        end = min(end + REACH, max(end, after))
    return start, end
