"""Calibration: turn an engine's word scores into probabilities that the word is right.

This module owns the word features a calibration reads, the calibration file format,
loading the shipped calibrations, and :func:`apply_calibration`; fitting them (temperature
scaling, Platt scaling, isotonic regression, and isotonic over Platt) and choosing among
them on held-out documents is :mod:`uncertain.calibrate_fit`. Applying needs numpy only:
isotonic maps are stored as interpolation points, logistic ones as coefficients.

A calibration belongs to one engine and model (``faster-whisper``/``tiny.en``,
``tesseract``/``eng``); applying it to a document of another is refused with
:class:`~uncertain.errors.CalibrationError`. It maps the stage's own confidence (never an
already calibrated one) and cheap features the stage already records:

========================  ==================================================================
``logit_confidence``      logit of the stage's word confidence
``avg_logprob``           the segment's average log probability (Whisper)
``no_speech_prob``        the segment's no-speech probability (Whisper)
``seconds_per_char``      word duration over its length in characters (Whisper)
``log_seconds_per_char``  log of ``seconds_per_char``, floored at 5 ms (Whisper)
``logit_min_token``       logit of the least likely sub-word token (Whisper ``Word.tokens``)
``tokens``                how many sub-word tokens the word was decoded from (Whisper)
``min_char_margin``       smallest best-minus-second character choice margin (tesseract)
``min_char_confidence``   smallest best character choice confidence (tesseract)
``zipf``                  the word's frequency in English (wordfreq, Zipf scale)
``oov``                   1 when wordfreq does not know the word (lexicon evidence)
``length``                log(1 + characters)
``logit_previous``        logit confidence of the previous word of the segment
``logit_next``            logit confidence of the next word of the segment
``segment_confidence``    mean confidence of the segment's words
``first_in_segment``      1 for the first word of its segment, else 0
``capitalised``           1 for a capitalised word that is not its segment's first, else 0
``zipf_previous``         ``zipf`` of the previous word of the segment
``lexicon_near``          best candidate score of a ``near_lexicon`` flag over the word
``lexicon_verified``      1 for a word of a ``verified`` flag (a confident lexicon match)
========================  ==================================================================

A calibration may also carry a map for words written in digits (``numbers``: a slope
and an intercept on the logit, applied after the word map): a recogniser's numbers are
right more often than its words at the same score, and a map fitted on all words shows a
right dose as nearly surely wrong. It keeps the order among numbers, so it changes what
``p`` says of a number, not which numbers rank as the most doubtful.

Whisper scores the first word of a segment low even when it is right, which
``first_in_segment`` lets the fit undo. The position features (the last three) only add
noise to tesseract's lines, so its calibrations are fitted without them
(:func:`default_features`); by the same measure Whisper's leave out ``lexicon_verified``
and tesseract's ``lexicon_near``. Features the fitting data never varies are dropped; a missing
value (a word without tokens or character choices) is replaced by the fitting data's
mean. A calibration file lists the features it reads, so files fitted on fewer features
still apply. The lexicon features are what the shipped lexicons say about the stage's
raw output (:func:`uncertain.validate.lexicon_evidence`, default options): a misheard
drug name ("top mermaid") is a run of ordinary words Whisper may be fairly sure of, and
only the lexicon sees that it sounds like quetiapine. Reading them costs one validation
pass (and loading the shipped lexicons once per process).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from uncertain._assets import data_dir
from uncertain._context import in_digits
from uncertain.document import Document, Word
from uncertain.errors import CalibrationError

log = logging.getLogger("uncertain")

FORMAT = "uncertain-calibration"
FORMAT_VERSION = 1
Method = Literal["temperature", "platt", "isotonic", "platt+isotonic"]
METHODS: tuple[Method, ...] = ("temperature", "platt", "isotonic", "platt+isotonic")
FEATURES: tuple[str, ...] = (
    "logit_confidence", "avg_logprob", "no_speech_prob", "seconds_per_char",
    "logit_min_token", "tokens", "min_char_margin", "min_char_confidence", "zipf", "oov",
    "length", "logit_previous", "logit_next", "segment_confidence", "log_seconds_per_char",
    "first_in_segment", "capitalised", "zipf_previous", "lexicon_near", "lexicon_verified",
)
_POSITION_FEATURES = frozenset({"first_in_segment", "capitalised", "zipf_previous"})
_LEXICON_FEATURES = frozenset({"lexicon_near", "lexicon_verified"})
_WITHOUT: dict[str, frozenset[str]] = {  # measured to hurt (benchmarks/fit_calibration.py)
    "faster-whisper": frozenset({"lexicon_verified"}),
    "tesseract": _POSITION_FEATURES | {"lexicon_near"},
}
_CLIP = 1e-4  # confidences are clipped to [_CLIP, 1 - _CLIP] before the logit
_SPC_FLOOR = 0.005  # seconds per character below this (zero-length words) count as this


# ---------------------------------------------------------------- features


def _logit(p: float | None) -> float | None:
    if p is None:
        return None
    q = min(1 - _CLIP, max(_CLIP, p))
    return math.log(q / (1 - q))


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


_LETTERS = re.compile(r"[^\w']+")


def default_features(engine: str) -> tuple[str, ...]:
    """The features a calibration for ``engine`` is fitted on (see the module docstring)."""
    omit = _WITHOUT.get(engine, frozenset())
    return tuple(f for f in FEATURES if f not in omit)


def word_features(doc: Document, *, names: Sequence[str] | None = None
                  ) -> list[dict[str, float | None]]:
    """The features of every word of ``doc`` (see the module docstring), None if absent.

    ``names`` limits the work to the features a calibration reads (the word frequency
    lookup is skipped when none of ``zipf``, ``oov`` and ``zipf_previous`` is among them,
    the validation pass when neither lexicon feature is).
    """
    frequency = names is None or bool({"zipf", "oov", "zipf_previous"} & set(names))
    evidence: list[tuple[float, float]] | None = None
    if names is None or _LEXICON_FEATURES & set(names):
        from uncertain.validate import lexicon_evidence

        evidence = lexicon_evidence(doc)
    out: list[dict[str, float | None]] = []
    for segment in doc.segments:
        confs = [w.confidence for w in segment.words]
        known = [c for c in confs if c is not None]
        mean = sum(known) / len(known) if known else None
        previous: dict[str, float | None] = {}
        for k, word in enumerate(segment.words):
            row = _features(word, segment.avg_logprob, segment.no_speech_prob,
                            frequency=frequency)
            row["logit_previous"] = _logit(confs[k - 1]) if k > 0 else None
            row["logit_next"] = _logit(confs[k + 1]) if k + 1 < len(confs) else None
            row["segment_confidence"] = mean
            row["first_in_segment"] = float(k == 0)
            row["capitalised"] = float(k > 0 and word.text.strip()[:1].isupper())
            row["zipf_previous"] = previous.get("zipf")
            if evidence is not None:
                row["lexicon_near"], row["lexicon_verified"] = evidence[len(out)]
            out.append(row)
            previous = row
    return out


def _features(word: Word, avg_logprob: float | None, no_speech: float | None, *,
              frequency: bool = True) -> dict[str, float | None]:
    bare = _LETTERS.sub("", word.text).casefold()
    n_chars = max(1, len(bare))
    duration = (word.end - word.start) if word.start is not None and word.end is not None \
        else None
    margins = [c.choices[0].confidence - (c.choices[1].confidence if len(c.choices) > 1 else 0.0)
               for c in word.chars if c.choices]
    best = [c.choices[0].confidence for c in word.chars if c.choices]
    zipf = _zipf(bare) if frequency and bare and not bare.isdigit() else None
    spc = None if duration is None else duration / n_chars
    return {
        "logit_confidence": _logit(word.confidence),
        "avg_logprob": avg_logprob,
        "no_speech_prob": no_speech,
        "seconds_per_char": spc,
        "log_seconds_per_char": None if spc is None else math.log(max(spc, _SPC_FLOOR)),
        "logit_min_token": _logit(min(t.probability for t in word.tokens))
        if word.tokens else None,
        "tokens": float(len(word.tokens)) if word.tokens else None,
        "min_char_margin": min(margins) if margins else None,
        "min_char_confidence": min(best) if best else None,
        "zipf": zipf,
        "oov": None if zipf is None else float(zipf == 0.0),
        "length": math.log1p(len(bare)),
        "digits": float(in_digits(word.text)),  # not a fitted feature: the number map's
    }


# ---------------------------------------------------------------- the calibration


@dataclass
class Calibration:
    """A fitted map from a word's features to the probability that it is right."""

    id: str
    engine: str
    model: str | None
    method: Method
    features: list[str] = field(default_factory=lambda: ["logit_confidence"])
    mean: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    coef: list[float] = field(default_factory=list)
    intercept: float = 0.0
    temperature: float = 1.0
    points_x: list[float] = field(default_factory=list)
    points_y: list[float] = field(default_factory=list)
    #: ``[slope, intercept]`` on the logit for words written in digits, or empty
    numbers: list[float] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise CalibrationError(f"calibration {self.id}: unknown method {self.method!r}")
        if self.method in ("platt", "platt+isotonic"):
            n = len(self.features)
            if not (len(self.mean) == len(self.scale) == len(self.coef) == n) or n == 0:
                raise CalibrationError(f"calibration {self.id}: features, mean, scale and "
                                       "coef differ in length")
            unknown = set(self.features) - set(FEATURES)
            if unknown:
                raise CalibrationError(f"calibration {self.id}: unknown features {unknown}")
        if self.method in ("isotonic", "platt+isotonic"):
            xs = self.points_x
            if len(xs) < 1 or len(xs) != len(self.points_y) or any(
                    b < a for a, b in itertools.pairwise(xs)):
                raise CalibrationError(f"calibration {self.id}: isotonic points are not "
                                       "increasing pairs")
        if self.method == "temperature" and not self.temperature > 0:
            raise CalibrationError(f"calibration {self.id}: temperature must be positive")
        if len(self.numbers) not in (0, 2) or (self.numbers and not self.numbers[0] > 0):
            raise CalibrationError(f"calibration {self.id}: numbers must be empty or a "
                                   "positive slope and an intercept")

    # -- applying ----------------------------------------------------------------

    def matrix(self, rows: Sequence[dict[str, float | None]]) -> np.ndarray:
        """Standardised feature matrix (missing values at the fitting mean, i.e. 0)."""
        x = np.zeros((len(rows), len(self.features)))
        for i, row in enumerate(rows):
            for k, name in enumerate(self.features):
                v = row.get(name)
                if v is not None:
                    x[i, k] = (v - self.mean[k]) / self.scale[k]
        return x

    def predict(self, rows: Sequence[dict[str, float | None]]) -> np.ndarray:
        """The calibrated probability of each feature row (the number map included)."""
        p = self.predict_words(rows)
        if self.numbers and p.size:
            digits = np.array([r.get("digits") == 1.0 for r in rows])
            q = np.clip(p[digits], _CLIP, 1 - _CLIP)
            p[digits] = _sigmoid(self.numbers[0] * np.log(q / (1 - q)) + self.numbers[1])
        return p

    def predict_words(self, rows: Sequence[dict[str, float | None]]) -> np.ndarray:
        """The probability of each feature row by the word map alone."""
        if not rows:
            return np.zeros(0)
        raw = np.array([_nan(r.get("logit_confidence")) for r in rows])
        if self.method == "temperature":
            return _sigmoid(raw / self.temperature)
        if self.method == "isotonic":
            return np.interp(_sigmoid(raw), self.points_x, self.points_y)
        z = self.matrix(rows) @ np.asarray(self.coef) + self.intercept
        if self.method == "platt":
            return _sigmoid(z)
        return np.interp(z, self.points_x, self.points_y)

    # -- files ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The calibration as plain JSON values."""
        return {
            "format": FORMAT, "version": FORMAT_VERSION, "id": self.id, "engine": self.engine,
            "model": self.model, "method": self.method, "features": self.features,
            "mean": self.mean, "scale": self.scale, "coef": self.coef,
            "intercept": self.intercept, "temperature": self.temperature,
            "points_x": self.points_x, "points_y": self.points_y, "numbers": self.numbers,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "calibration") -> Calibration:
        """Build from :meth:`to_dict` output; a malformed one raises CalibrationError."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CalibrationError(f"{where}: not an {FORMAT} file")
        if data.get("version") != FORMAT_VERSION:
            raise CalibrationError(f"{where}: format version {data.get('version')!r}, "
                                   f"this package reads {FORMAT_VERSION}")
        try:
            return cls(
                id=str(data["id"]), engine=str(data["engine"]),
                model=None if data.get("model") is None else str(data["model"]),
                method=data["method"], features=[str(f) for f in data.get("features", [])],
                mean=[float(v) for v in data.get("mean", [])],
                scale=[float(v) for v in data.get("scale", [])],
                coef=[float(v) for v in data.get("coef", [])],
                intercept=float(data.get("intercept", 0.0)),
                temperature=float(data.get("temperature", 1.0)),
                points_x=[float(v) for v in data.get("points_x", [])],
                points_y=[float(v) for v in data.get("points_y", [])],
                numbers=[float(v) for v in data.get("numbers", [])],
                info=dict(data.get("info") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"{where}: malformed calibration ({exc})") from exc
        except CalibrationError as exc:
            raise CalibrationError(f"{where}: {exc}") from exc

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the calibration as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    def check(self, doc: Document) -> None:
        """Raise CalibrationError unless this calibration is for ``doc``'s engine and model."""
        src = doc.source
        if src.engine != self.engine or (self.model is not None and src.model != self.model):
            raise CalibrationError(
                f"{src.path}: calibration {self.id} is for {self.engine} model "
                f"{self.model}, the document was made by {src.engine} model {src.model}")


def _nan(v: float | None) -> float:
    return float("nan") if v is None else v


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
    return out


# ---------------------------------------------------------------- loading and applying


def shipped_calibrations() -> dict[str, Path]:
    """The calibrations shipped with the package, by name (file name without ``.json``)."""
    folder = data_dir() / "calibration"
    return {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


def load_calibration(path_or_name: str | os.PathLike[str]) -> Calibration:
    """Read a calibration file, or a shipped one by name (``tesseract-eng``, ...)."""
    p = Path(path_or_name)
    shipped = shipped_calibrations()
    if not p.is_file() and os.fspath(path_or_name) in shipped:
        p = shipped[os.fspath(path_or_name)]
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        names = ", ".join(shipped) or "none"
        raise CalibrationError(f"{p}: no such calibration file or shipped name "
                               f"(shipped: {names})") from exc
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"{p}: cannot read calibration ({exc})") from exc
    return Calibration.from_dict(data, where=str(p))


def default_calibration(engine: str, model: str | None) -> Calibration | None:
    """The shipped calibration for an engine and model, or None when there is none (read
    once per process: "auto" asks for every document)."""
    return _default_calibration(engine, model)


@lru_cache(maxsize=32)
def _default_calibration(engine: str, model: str | None) -> Calibration | None:
    for path in shipped_calibrations().values():
        cal = load_calibration(path)
        if cal.engine == engine and (cal.model is None or cal.model == model):
            return cal
    return None


def resolve_calibration(spec: Calibration | str | os.PathLike[str], *, engine: str,
                        model: str | None) -> Calibration:
    """A calibration from an object, a file, a shipped name, or ``"default"`` (the shipped
    one for ``engine``/``model``); raises CalibrationError when it is not for them."""
    if isinstance(spec, Calibration):
        cal = spec
    elif os.fspath(spec) == "default":
        found = default_calibration(engine, model)
        if found is None:
            raise CalibrationError(f"no shipped calibration for {engine} model {model}")
        cal = found
    else:
        cal = load_calibration(spec)
    if cal.engine != engine or (cal.model is not None and cal.model != model):
        where = "" if isinstance(spec, Calibration) else f"{os.fspath(spec)}: "
        raise CalibrationError(f"{where}calibration {cal.id} is for {cal.engine} model "
                               f"{cal.model}, not {engine} model {model}")
    return cal


CalibrationSpec = Calibration | str | os.PathLike[str] | None


def check_spec(spec: CalibrationSpec) -> None:
    """Read a calibration named by file or shipped name now, so that a broken one is said
    before any input runs (a transcript has no confidences to calibrate, and a typo would
    go unread over a folder of them); ``None``, ``none``, ``auto`` and ``default`` name no
    file."""
    if spec is not None and not isinstance(spec, Calibration) and os.fspath(spec) not in (
            "none", "auto", "default"):
        load_calibration(spec)


def calibrate_document(doc: Document, spec: CalibrationSpec) -> Document:
    """``doc`` calibrated as ``spec`` says: ``None`` or ``"none"``: left raw; ``"auto"``:
    the shipped calibration for its engine and model when there is one, else left raw;
    ``"default"``: the shipped one, which must exist; a :class:`Calibration`, a file or
    a shipped name: that one, which must be for the document's engine and model. A
    document with no confidence to calibrate (a transcript from another engine) is left
    as it is whatever ``spec`` says: a batch's ``--calibration`` made each of its
    transcripts an error record ("no shipped calibration for unknown model None")."""
    if spec is None or all(w.confidence is None for w in doc.words):
        return doc
    engine, model = doc.source.engine, doc.source.model
    if not isinstance(spec, Calibration):
        name = os.fspath(spec)
        if name == "none":
            return doc
        if name == "auto":
            found = default_calibration(engine, model)
            return doc if found is None else apply_calibration(doc, found)
    return apply_calibration(doc, resolve_calibration(spec, engine=engine, model=model))


#: each engine's own word confidence from its ``raw_score``, as its stage maps it
_OWN_CONFIDENCE = {
    "faster-whisper": lambda raw: min(1.0, max(0.0, raw)),  # uncertain.asr
    "tesseract": lambda raw: raw / 100 if raw >= 0 else None,  # uncertain.ocr
}
_FROM = "), from: "  # apply_calibration's definition: "calibrated ... (method, id), from: X"


def remove_calibration(doc: Document) -> Document:
    """A copy of ``doc`` with the stage's own word confidences back, recomputed from each
    word's ``raw_score`` (a document not calibrated comes back as it is). What was
    derived from the calibrated confidences (the validator's flags) is left as it was.
    :class:`~uncertain.errors.CalibrationError` when the engine's map is not known or a
    word lacks its raw score."""
    out = doc.model_copy(deep=True)
    if doc.source.calibration is None:
        return out
    own = _OWN_CONFIDENCE.get(doc.source.engine)
    if own is None:
        raise CalibrationError(
            f"{doc.source.path}: calibrated with {doc.source.calibration}, and the own "
            f"confidence of engine {doc.source.engine!r} cannot be recovered")
    for word in out.words:
        if word.confidence is None:
            continue
        if word.raw_score is None:
            raise CalibrationError(
                f"{doc.source.path}: calibrated with {doc.source.calibration}, and word "
                f"{word.text!r} has no raw score to recover its own confidence from")
        word.confidence = own(word.raw_score)
    out.source.calibration = None
    definition = out.source.confidence_definition or ""
    if definition.startswith("calibrated probability") and _FROM in definition:
        out.source.confidence_definition = definition.split(_FROM, 1)[1]
    return out


def apply_calibration(doc: Document, calibration: Calibration) -> Document:
    """A copy of ``doc`` whose word confidences are calibrated probabilities.

    ``Word.raw_score`` is untouched, words without confidence stay without, and
    ``Source.calibration`` records the calibration id. A document already calibrated by
    the same calibration comes back unchanged; by another one, it is refused.
    """
    calibration.check(doc)
    done = doc.source.calibration
    if done == calibration.id:
        return doc.model_copy(deep=True)
    if done is not None:
        raise CalibrationError(f"{doc.source.path}: already calibrated with {done}; "
                               f"cannot apply {calibration.id} on top")
    out = doc.model_copy(deep=True)
    words = [w for s in out.segments for w in s.words]
    rows = word_features(out, names=calibration.features)
    probs = calibration.predict(rows)
    for word, p in zip(words, probs, strict=True):
        if word.confidence is not None:
            word.confidence = float(min(1.0, max(0.0, p)))
    out.source.calibration = calibration.id
    definition = out.source.confidence_definition or "the engine's confidence"
    out.source.confidence_definition = (
        f"calibrated probability that the word is right ({calibration.method}, "
        f"{calibration.id}), from: {definition}")
    return out
