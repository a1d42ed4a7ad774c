"""Fitting calibrations: the four methods, choosing among them, and fitting per engine.

This module owns fitting a :class:`~uncertain.calibrate.Calibration` on word feature rows
and right/wrong labels (temperature scaling, Platt scaling by ridge logistic regression
with Newton's method, isotonic regression by pool-adjacent-violators, and isotonic over
Platt), comparing the methods by document-grouped cross-validation on held-out log loss,
and fitting one calibration per engine and model from (document, reference) pairs, as
``uncertain calibrate`` and ``benchmarks/fit_calibration.py`` do. What a calibration
reads and how it is applied are in :mod:`uncertain.calibrate`. The fitting is our own
Newton and pool-adjacent-violators code, on numpy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from uncertain.calibrate import (
    FEATURES,
    METHODS,
    Calibration,
    Method,
    _nan,
    _sigmoid,
    default_features,
    word_features,
)
from uncertain.document import Document
from uncertain.errors import CalibrationError

log = logging.getLogger("uncertain")

__all__ = ["MethodScore", "compare_methods", "fit", "fit_best", "fit_by_engine",
           "fit_numbers", "format_comparison", "labelled_words", "word_labels"]

_L2 = 1e-2  # ridge penalty of the logistic fit, on standardised features
_P_FLOOR = 0.005  # isotonic outputs stay in [_P_FLOOR, 1 - _P_FLOOR]


# ---------------------------------------------------------------- fitting


def _fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = _L2, iterations: int = 50,
                  penalty: np.ndarray | None = None, towards: np.ndarray | None = None
                  ) -> tuple[np.ndarray, float]:
    """Ridge logistic regression by Newton's method; returns (coef, intercept). The ridge
    weighs each coefficient by ``l2`` times the rows and leaves the intercept free, unless
    ``penalty`` gives a weight per parameter (the intercept last); it pulls them towards
    ``towards`` (default zeros), where the fit starts."""
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    if penalty is None:
        penalty = np.full(d + 1, l2 * n)
        penalty[-1] = 0.0
    prior = np.zeros(d + 1) if towards is None else np.asarray(towards, dtype=float)
    w = prior.copy()
    for _ in range(iterations):
        p = _sigmoid(a @ w)
        grad = a.T @ (p - y) + penalty * (w - prior)
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
        info: dict[str, Any] | None = None, numbers: bool = True) -> Calibration:
    """Fit one calibration of ``method`` on word feature rows and right/wrong labels
    (on ``features``, by default :func:`default_features` of ``engine``); ``numbers``: then
    fit the map of words written in digits on top (:func:`fit_numbers`)."""
    y = np.asarray(labels, dtype=float)
    keep = [i for i, r in enumerate(rows) if r.get("logit_confidence") is not None]
    if len(keep) < 2 or len(set(y[keep].tolist())) < 2:
        raise CalibrationError(f"{engine} {model}: fitting needs right and wrong words with "
                               f"a confidence, got {len(keep)} words")
    rows = [rows[i] for i in keep]
    y = y[keep]
    cal = _fit_words(rows, y, method=method, engine=engine, model=model, features=features,
                     info=info)
    return fit_numbers(cal, rows, y) if numbers else _identified(cal)


def _fit_words(rows: Sequence[dict[str, float | None]], y: np.ndarray, *, method: Method,
               engine: str, model: str | None, features: Sequence[str] | None,
               info: dict[str, Any] | None) -> Calibration:
    raw = np.array([r["logit_confidence"] for r in rows], dtype=float)
    base: dict[str, Any] = {"id": "", "engine": engine, "model": model, "method": method,
                            "info": dict(info or {})}
    if method == "temperature":
        return Calibration(**base, temperature=_fit_temperature(raw, y))
    if method == "isotonic":
        px, py = _fit_isotonic(_sigmoid(raw), y)
        return Calibration(**base, points_x=px, points_y=py)
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
        return cal
    z = xs @ coef + intercept
    px, py = _fit_isotonic(z, y)
    return Calibration(**{**base, "method": method}, features=names, mean=cal.mean,
                       scale=cal.scale, coef=cal.coef, intercept=intercept, points_x=px,
                       points_y=py)


#: a number map needs this many numbers, and this many of them right and wrong
_MIN_NUMBERS, _MIN_EACH = 30, 5
_NUMBERS_L2 = 1.0  # ridge penalty pulling the number map towards the identity


def fit_numbers(cal: Calibration, rows: Sequence[dict[str, float | None]],
                labels: Sequence[float] | np.ndarray) -> Calibration:
    """A copy of ``cal`` with a map for words written in digits (``Calibration.numbers``)
    and its id: a logistic regression of their labels on the logit of the word map's
    probability, pulled towards the identity; no map when the rows hold too few numbers,
    or too few right or wrong ones. The fit's figures (in-sample log loss of the numbers,
    before and after) go in ``info["numbers"]``."""
    y = np.asarray(labels, dtype=float)
    digits = np.array([r.get("digits") == 1.0 for r in rows], dtype=bool)
    n, wrong = int(digits.sum()), int((y[digits] == 0).sum()) if digits.any() else 0
    cal = replace(cal, numbers=[], info=dict(cal.info))
    if n < _MIN_NUMBERS or min(wrong, n - wrong) < _MIN_EACH:
        cal.info["numbers"] = {"numbers": n, "wrong": wrong, "fitted": False}
        return _identified(cal)
    q = np.clip(cal.predict_words([r for r, d in zip(rows, digits, strict=True) if d]),
                1e-4, 1 - 1e-4)
    x, t = np.log(q / (1 - q)), y[digits]
    coef, intercept = _fit_logistic(x[:, None], t, penalty=np.full(2, _NUMBERS_L2),
                                    towards=np.array([1.0, 0.0]))  # from the identity
    w = [max(float(coef[0]), 1e-3), intercept]  # keep the map increasing

    def loss(p: np.ndarray) -> float:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))

    cal.numbers = [float(w[0]), float(w[1])]
    cal.info["numbers"] = {"numbers": n, "wrong": wrong, "fitted": True,
                           "log_loss_before": loss(q),
                           "log_loss_after": loss(_sigmoid(w[0] * x + w[1]))}
    return _identified(cal)


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
                               f"{doc.source.calibration}; fit on the stage's own output "
                               "(run batch or annotate with --calibration none)")
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
    raw = next((s for s in scores if s.method == "raw"), None)
    # the held-out words all right (or all wrong): raw's NCE has no entropy to measure
    # against, and every method's figures say nothing of how it tells them apart
    one_class = raw is not None and math.isfinite(raw.log_loss) and not math.isfinite(raw.nce)
    if (not math.isfinite(best.log_loss) or one_class) and len(methods) > 1:
        raise CalibrationError(
            f"{engine} {model}: {len(docs)} document(s) are too few to compare the methods "
            "by cross-validation (no fold had right and wrong words to fit on and "
            "documents with both to test on); give more documents, or choose a method "
            "(`--method`, `methods=`)")
    rows = [r for g in groups for r in g[0]]
    ys = [y for g in groups for y in g[1]]
    if len(set(ys)) < 2:
        raise CalibrationError(
            f"{engine} {model}: every one of the {len(ys)} scored words is "
            f"{'right' if ys and ys[0] else 'wrong'}; a calibration is fitted on right and "
            "wrong words: give documents with both")
    if raw is not None and math.isfinite(best.log_loss) and best.log_loss > raw.log_loss:
        log.warning("%s %s: the %s calibration scores worse on held-out documents than the "
                    "engine's own confidences (log loss %.4f against %.4f): it would make "
                    "them less right on documents it was not fitted on", engine, model,
                    best.method, best.log_loss, raw.log_loss)
    if not math.isfinite(best.log_loss) or one_class:
        log.warning("%s %s: the held-out figures say nothing of the %s calibration (%d "
                    "document(s): no fold tested it on right and wrong words); it is fitted "
                    "on all %d words as asked, untested", engine, model, best.method,
                    len(docs), len(ys))
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
    from uncertain.evaluate import normaliser_for

    words = doc.words
    return metrics.align_words(reference, [w.text for w in words],
                               glued=[w.space_after is False for w in words],
                               how=normaliser_for(doc)).words


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
