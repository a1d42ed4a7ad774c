"""Calibration: turn an engine's word scores into probabilities that the word is right.

This module owns the word features a calibration reads, fitting (temperature scaling,
Platt scaling, isotonic regression, and isotonic over Platt), choosing among them on
held-out documents, the calibration file format, loading the shipped calibrations, and
:func:`apply_calibration`. Applying needs numpy only: isotonic maps are stored as
interpolation points, logistic ones as coefficients. Fitting is our own Newton and
pool-adjacent-violators code.

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

import hashlib
import itertools
import json
import logging
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from uncertain._assets import data_dir
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
_P_FLOOR = 0.005  # isotonic outputs stay in [_P_FLOOR, 1 - _P_FLOOR]
_L2 = 1e-2  # ridge penalty of the logistic fit, on standardised features
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
        """The calibrated probability of each feature row."""
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
            "points_x": self.points_x, "points_y": self.points_y, "info": self.info,
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
        raise CalibrationError(f"calibration {cal.id} is for {cal.engine} model {cal.model}, "
                               f"not {engine} model {model}")
    return cal


CalibrationSpec = Calibration | str | os.PathLike[str] | None


def calibrate_document(doc: Document, spec: CalibrationSpec) -> Document:
    """``doc`` calibrated as ``spec`` says: ``None`` or ``"none"``: left raw; ``"auto"``:
    the shipped calibration for its engine and model when there is one, else left raw;
    ``"default"``: the shipped one, which must exist; a :class:`Calibration`, a file or
    a shipped name: that one, which must be for the document's engine and model."""
    if spec is None:
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


# ---------------------------------------------------------------- fitting


def _fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = _L2, iterations: int = 50
                  ) -> tuple[np.ndarray, float]:
    """Ridge logistic regression by Newton's method; returns (coef, intercept)."""
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, l2 * n)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = _sigmoid(a @ w)
        grad = a.T @ (p - y) + penalty * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def _fit_temperature(z: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising log loss of ``sigmoid(z / T)`` (search over log T)."""
    def loss(log_t: float) -> float:
        p = np.clip(_sigmoid(z / math.exp(log_t)), 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    lo, hi = math.log(0.05), math.log(20.0)
    for _ in range(100):  # golden-section search; the loss is unimodal in log T
        m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
        if loss(m1) < loss(m2):
            hi = m2
        else:
            lo = m1
    return math.exp((lo + hi) / 2)


def _fit_isotonic(x: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float]]:
    """Pool-adjacent-violators, as interpolation points at each pooled block's mean score.

    Interpolating between block centres (rather than holding each block flat) keeps the
    map strictly increasing inside the fitted range, so it ties fewer words.
    """
    order = np.argsort(x, kind="mergesort")
    xs, ys = x[order], y[order].astype(float)
    blocks: list[list[float]] = []  # [sum y, count, sum x]
    for xv, yv in zip(xs, ys, strict=True):
        blocks.append([yv, 1.0, xv])
        while len(blocks) > 1 and (blocks[-2][0] / blocks[-2][1]
                                   >= blocks[-1][0] / blocks[-1][1]):
            s, c, sx = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
            blocks[-1][2] += sx
    px: list[float] = []
    py: list[float] = []
    for s, c, sx in blocks:
        centre = sx / c
        if px and centre <= px[-1]:
            continue
        px.append(float(centre))
        py.append(float(min(1 - _P_FLOOR, max(_P_FLOOR, s / c))))
    return px, py


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill NaN with the column mean, then scale to unit variance."""
    mean = np.nanmean(x, axis=0)
    filled = np.where(np.isnan(x), mean, x)
    scale = filled.std(axis=0)
    scale[scale == 0] = 1.0
    return (filled - mean) / scale, mean, scale


def fit(rows: Sequence[dict[str, float | None]], labels: Sequence[bool], *, method: Method,
        engine: str, model: str | None, features: Sequence[str] | None = None,
        info: dict[str, Any] | None = None) -> Calibration:
    """Fit one calibration of ``method`` on word feature rows and right/wrong labels
    (on ``features``, by default :func:`default_features` of ``engine``)."""
    y = np.asarray(labels, dtype=float)
    keep = [i for i, r in enumerate(rows) if r.get("logit_confidence") is not None]
    if len(keep) < 2 or len(set(y[keep].tolist())) < 2:
        raise CalibrationError(f"{engine} {model}: fitting needs right and wrong words with "
                               f"a confidence, got {len(keep)} words")
    rows = [rows[i] for i in keep]
    y = y[keep]
    raw = np.array([r["logit_confidence"] for r in rows], dtype=float)
    base: dict[str, Any] = {"id": "", "engine": engine, "model": model, "method": method,
                            "info": dict(info or {})}
    if method == "temperature":
        return _identified(Calibration(**base, temperature=_fit_temperature(raw, y)))
    if method == "isotonic":
        px, py = _fit_isotonic(_sigmoid(raw), y)
        return _identified(Calibration(**base, points_x=px, points_y=py))
    chosen = default_features(engine) if features is None else features
    names = [f for f in chosen if f in FEATURES and _varies(rows, f)]
    if "logit_confidence" not in names:
        names.insert(0, "logit_confidence")
    x = np.array([[_nan(r.get(f)) for f in names] for r in rows], dtype=float)
    xs, mean, scale = _standardise(x)
    coef, intercept = _fit_logistic(xs, y)
    if coef[names.index("logit_confidence")] < 0:  # keep the map increasing in the score
        coef[names.index("logit_confidence")] = 0.0
    cal = Calibration(**{**base, "method": "platt"}, features=names, mean=mean.tolist(),
                      scale=scale.tolist(), coef=coef.tolist(), intercept=intercept)
    if method == "platt":
        return _identified(cal)
    z = xs @ coef + intercept
    px, py = _fit_isotonic(z, y)
    return _identified(Calibration(**{**base, "method": method}, features=names,
                                   mean=cal.mean, scale=cal.scale, coef=cal.coef,
                                   intercept=intercept, points_x=px, points_y=py))


def _varies(rows: Sequence[dict[str, float | None]], name: str) -> bool:
    values = {r.get(name) for r in rows} - {None}
    present = sum(r.get(name) is not None for r in rows)
    return len(values) > 1 and present >= max(10, len(rows) // 10)


def _identified(cal: Calibration) -> Calibration:
    """Give ``cal`` an id: engine, model, method and a hash of its numbers."""
    body = json.dumps({k: v for k, v in cal.to_dict().items() if k not in ("id", "info")},
                      sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()[:10]
    cal.id = f"{cal.engine}/{cal.model or 'any'}/{cal.method}/{digest}"
    return cal


# ---------------------------------------------------------------- choosing a method


@dataclass(frozen=True)
class MethodScore:
    """Held-out figures of one method (pooled over cross-validation folds)."""

    method: str
    log_loss: float
    ece: float
    auc_roc: float
    nce: float


def compare_methods(groups: Sequence[tuple[list[dict[str, float | None]], list[bool]]], *,
                    engine: str, model: str | None, folds: int = 5,
                    methods: Sequence[Method] = METHODS,
                    keys: Sequence[str] | None = None,
                    features: Sequence[str] | None = None) -> list[MethodScore]:
    """Cross-validate each method by document (``groups``: one (rows, labels) per document)
    and score the pooled held-out predictions; the uncalibrated confidence is ``raw``.

    A document's fold comes from a hash of its key (default: its position), so the folds
    do not depend on the order the documents come in.
    """
    from uncertain import metrics

    folds = max(2, min(folds, len(groups)))
    names = list(keys) if keys is not None else [str(i) for i in range(len(groups))]
    fold_of = [int(hashlib.sha256(k.encode()).hexdigest(), 16) % folds for k in names]
    results: list[MethodScore] = []
    candidates: list[tuple[str, Callable[[list[dict[str, float | None]], list[bool],
                                          list[dict[str, float | None]]], np.ndarray]]] = [
        ("raw", lambda _r, _y, test: _sigmoid(np.array(
            [_nan(t.get("logit_confidence")) for t in test])))]
    for m in methods:
        def run(r: list[dict[str, float | None]], y: list[bool],
                test: list[dict[str, float | None]], m: Method = m) -> np.ndarray:
            return fit(r, y, method=m, engine=engine, model=model,
                       features=features).predict(test)
        candidates.append((m, run))
    for name, predict in candidates:
        probs: list[float] = []
        truth: list[bool] = []
        for k in range(folds):
            train_r = [r for g, f in zip(groups, fold_of, strict=True) if f != k for r in g[0]]
            train_y = [y for g, f in zip(groups, fold_of, strict=True) if f != k for y in g[1]]
            test_r = [r for g, f in zip(groups, fold_of, strict=True) if f == k for r in g[0]]
            test_y = [y for g, f in zip(groups, fold_of, strict=True) if f == k for y in g[1]]
            if not test_r or len(set(train_y)) < 2:
                continue
            probs += predict(train_r, train_y, test_r).tolist()
            truth += test_y
        p = np.clip(np.array(probs), 1e-6, 1 - 1e-6)
        t = np.array(truth, dtype=float)
        loss = float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))) if p.size else math.inf
        results.append(MethodScore(name, loss, metrics.ece(t, p), metrics.auc_roc(t, p),
                                   metrics.nce(t, p)))
    return results


def labelled_words(doc: Document, labels: Sequence[bool | None]
                   ) -> tuple[list[dict[str, float | None]], list[bool]]:
    """The feature rows and labels of the words of ``doc`` that have a label and a confidence."""
    if doc.source.calibration is not None:
        raise CalibrationError(f"{doc.source.path}: already calibrated with "
                               f"{doc.source.calibration}; fit on the stage's own output")
    rows = word_features(doc)
    words = doc.words
    keep = [i for i, lab in enumerate(labels) if lab is not None
            and words[i].confidence is not None]
    return [rows[i] for i in keep], [bool(labels[i]) for i in keep]


def fit_best(docs: Sequence[Document], labels: Sequence[Sequence[bool | None]], *,
             methods: Sequence[Method] = METHODS, folds: int = 5,
             features: Sequence[str] | None = None,
             info: dict[str, Any] | None = None) -> tuple[Calibration, list[MethodScore]]:
    """Compare the methods by held-out log loss, then refit the best on all documents
    (``features`` as for :func:`fit`)."""
    if not docs:
        raise CalibrationError("no documents to fit a calibration on")
    engine, model = docs[0].source.engine, docs[0].source.model
    for doc in docs:
        if (doc.source.engine, doc.source.model) != (engine, model):
            raise CalibrationError(f"{doc.source.path}: made by {doc.source.engine} model "
                                   f"{doc.source.model}, the others by {engine} model {model};"
                                   " fit one calibration per engine and model")
    groups = [labelled_words(d, lab) for d, lab in zip(docs, labels, strict=True)]
    scores = compare_methods(groups, engine=engine, model=model, folds=folds, methods=methods,
                             keys=[Path(d.source.path).name for d in docs], features=features)
    best = min((s for s in scores if s.method != "raw"), key=lambda s: s.log_loss)
    rows = [r for g in groups for r in g[0]]
    ys = [y for g in groups for y in g[1]]
    details = {**(info or {}), "documents": len(docs), "words": len(ys),
               "comparison": [vars(s) for s in scores],
               "chosen_by": "lowest held-out log loss (document-grouped cross-validation)"}
    cal = fit(rows, ys, method=best.method, engine=engine, model=model,  # type: ignore[arg-type]
              features=features, info=details)
    return cal, scores


def word_labels(doc: Document, reference: str) -> list[bool | None]:
    """For each word of ``doc``: right (True), wrong (False) or unscorable (None:
    punctuation only), aligned to ``reference`` as :mod:`uncertain.evaluate` does."""
    from uncertain import metrics

    return metrics.align_words(reference, [w.text for w in doc.words]).words


# ---------------------------------------------------------------- fitting per engine


def format_comparison(engine: str, model: str | None, scores: Sequence[MethodScore], *,
                      chosen: str) -> str:
    """The held-out comparison of methods as a small table."""
    lines = [f"{engine} {model}: held-out (cross-validated by document)",
             f"  {'method':<16}{'log loss':>10}{'ECE':>8}{'AUROC':>8}{'NCE':>8}"]
    for s in scores:
        mark = "  <- chosen" if s.method == chosen else ""
        lines.append(f"  {s.method:<16}{s.log_loss:>10.4f}{s.ece:>8.3f}{s.auc_roc:>8.3f}"
                     f"{s.nce:>8.3f}{mark}")
    return "\n".join(lines)


def fit_by_engine(
    pairs: Sequence[tuple[Any, Any]], *, methods: Sequence[Method] = METHODS,
    info: dict[str, Any] | None = None,
) -> list[tuple[Calibration, list[MethodScore]]]:
    """Fit one calibration per engine and model found among ``(document, reference)``
    pairs (references with a ``text``); documents without confidences are skipped."""
    by_engine: dict[tuple[str, str | None], list[tuple[Document, list[bool | None]]]] = {}
    for item, ref in pairs:
        if not isinstance(item, Document) or not any(
                w.confidence is not None for w in item.words):
            continue
        key = (item.source.engine, item.source.model)
        by_engine.setdefault(key, []).append((item, word_labels(item, ref.text)))
    if not by_engine:
        raise CalibrationError("no matched document has word confidences to calibrate")
    fitted = []
    for _key, items in sorted(by_engine.items(), key=lambda kv: str(kv[0])):
        fitted.append(fit_best([d for d, _ in items], [lab for _, lab in items],
                               methods=methods, info=info))
    return fitted
