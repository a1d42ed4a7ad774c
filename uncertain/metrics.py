"""Pure metric functions: text normalisation, word alignment, WER and confidence metrics.

This module owns the definitions every evaluation in the package uses. It imports
nothing of the project but works on plain sequences and numbers.

Normalisation: :func:`normalize` is Whisper's ``EnglishTextNormalizer`` (from the
``whisper-normalizer`` package, offline), so "ten" and "10", "colour" and "color" or
"Dr." and "doctor" are not counted as errors in speech. Print is compared as written
(``how="print"``): case, punctuation and hyphens aside, a word is right only when every
letter is, so an OCR error in an accent or an apostrophe ("meéting", "Amoxicillín") is
an error, which Whisper's normaliser (it strips diacritics) would forgive.

Alignment: :func:`align` is a minimum-edit (Levenshtein) word alignment. Rapidfuzz's
``Levenshtein.opcodes`` gives the alignment; each block of edits is then re-aligned so
that, among the alignments of equal cost, the one with the most matching words wins
(so a word that is right is not marked wrong because of a tie in the backtrace).

Confidence metrics follow NVIDIA NeMo's ASR confidence benchmark
(``nemo/collections/asr/parts/utils/confidence_metrics.py`` and
``asr_confidence_benchmarking_utils.py``). Labels are NeMo's *correct marks*:
``y = 1`` for a hypothesis word aligned to an equal reference word, ``y = 0`` for a
substituted or inserted word (deleted reference words have no hypothesis word and no
confidence, so they are not scored). The score is the word's confidence.

- :func:`auc_roc`: area under the ROC curve of ``score`` as a detector of ``y = 1``
  (Mann-Whitney, ties count one half). It equals the AUROC of ``1 - score`` as a
  detector of wrong words, so the "positive class" does not change it. One class
  only: 0.5, as in NeMo.
- :func:`auc_pr`: NeMo's ``auc_pr``, average precision with the **correct** words as
  the positive class (``average_precision_score(y, score)``). All wrong: 0.0.
- :func:`auc_nt`: NeMo's ``auc_nt``, average precision with the **wrong** words as the
  positive class and ``1 - score`` as the detector (``average_precision_score(1 - y,
  1 - score)``): the PR-AUC of confidence as a detector of errors. All right: 0.0.
- :func:`nce`: normalised cross entropy, ``(H(p) - CE(y, score)) / H(p)`` with ``p`` the
  fraction of correct words, ``H`` the binary entropy and ``CE`` the mean log loss
  (scores clipped to ``[1e-15, 1 - 1e-15]``). 1 is perfect, 0 is no better than
  answering ``p`` for every word, negative is worse. One class only: ``-inf``, as NeMo.
- :func:`ece`: expected calibration error with equal-width bins over [0, 1]:
  ``sum_b |B_b| / N * |accuracy(B_b) - mean confidence(B_b)|``, the definition in
  NeMo's ``ece`` docstring and Guo et al. (2017). Bins are ``[k/n, (k+1)/n)``, the last
  one closed. NeMo's implementation defaults to 100 bins and folds a score below 0.5
  into "predicted wrong with confidence 1 - score"; here the score is read as the
  probability that the word is right, as calibration makes it, with 10 bins by default.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

OpTag = Literal["equal", "replace", "delete", "insert"]
#: how a text is normalised before words are compared: speech (Whisper's normaliser)
#: or print (as written, case and punctuation aside)
Normaliser = Literal["speech", "print"]

_EPS = 1e-15
_MAX_REFINE_CELLS = 250_000  # larger edit blocks keep rapidfuzz's own alignment


# ---------------------------------------------------------------- normalisation


@lru_cache(maxsize=1)
def _normalizer() -> Any:
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


#: a printed word: letters and digits, joined by apostrophes ("don't", "patient's")
_PRINTED = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@lru_cache(maxsize=65536)
def normalize(text: str, how: Normaliser = "speech") -> str:
    """Speech: Whisper's English normalisation (lower case, no punctuation, numbers as
    digits, no diacritics). Print: lower case, the words of letters and digits as
    written (accents kept), no punctuation; hyphens and slashes split words."""
    if how == "print":
        folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
        return " ".join(_PRINTED.findall(folded))
    return " ".join(str(_normalizer()(text)).split())


def normalize_words(words: Sequence[str], how: Normaliser = "speech") -> list[list[str]]:
    """Each word normalised on its own: the tokens it becomes (none for punctuation)."""
    return [normalize(w, how).split() for w in words]


# ---------------------------------------------------------------- alignment


@dataclass(frozen=True)
class Opcode:
    """One block of an alignment: ``ref[i1:i2]`` becomes ``hyp[j1:j2]``."""

    tag: OpTag
    i1: int
    i2: int
    j1: int
    j2: int


@dataclass(frozen=True)
class ErrorCounts:
    """Word error counts of one alignment: substitutions, deletions, insertions, hits."""

    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    hits: int = 0

    def __post_init__(self) -> None:
        if min(self.substitutions, self.deletions, self.insertions, self.hits) < 0:
            raise ValueError(f"negative error count in {self}")

    @property
    def reference_words(self) -> int:
        """Words in the reference: hits + substitutions + deletions."""
        return self.hits + self.substitutions + self.deletions

    @property
    def errors(self) -> int:
        """Substitutions + deletions + insertions."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        """Errors over reference words; an empty reference gives 0.0, or 1.0 with insertions."""
        n = self.reference_words
        if n == 0:
            return 0.0 if self.insertions == 0 else 1.0
        return self.errors / n

    def __add__(self, other: ErrorCounts) -> ErrorCounts:
        return ErrorCounts(
            self.substitutions + other.substitutions,
            self.deletions + other.deletions,
            self.insertions + other.insertions,
            self.hits + other.hits,
        )


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[Opcode]:
    """A minimum-edit word alignment of ``hyp`` onto ``ref`` that keeps the most matches.

    Either or both sequences may be empty. The blocks cover both sequences in order.
    """
    from rapidfuzz.distance import Levenshtein

    if not ref and not hyp:
        return []
    out: list[Opcode] = []
    for op in Levenshtein.opcodes(list(ref), list(hyp)):
        tag: OpTag = op.tag  # type: ignore[assignment]
        block = Opcode(tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        if block.tag == "equal":
            out.append(block)
        else:
            out.extend(_refine(ref, hyp, block))
    return _merge(out)


def _refine(ref: Sequence[str], hyp: Sequence[str], block: Opcode) -> list[Opcode]:
    """Re-align an edit block: fewest edits first, then most matches."""
    r, h = ref[block.i1:block.i2], hyp[block.j1:block.j2]
    n, m = len(r), len(h)
    if n == 0 or m == 0 or (n + 1) * (m + 1) > _MAX_REFINE_CELLS or not set(r) & set(h):
        return [block]
    # cost[i][j] = (edits, -matches) aligning r[:i] with h[:j]
    cost = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = (i, 0)
    for j in range(1, m + 1):
        cost[0][j] = (j, 0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            e, neg = cost[i - 1][j - 1]
            diag = (e, neg - 1) if r[i - 1] == h[j - 1] else (e + 1, neg)
            up, left = cost[i - 1][j], cost[i][j - 1]
            cost[i][j] = min(diag, (up[0] + 1, up[1]), (left[0] + 1, left[1]))
    steps: list[Opcode] = []
    i, j = n, m
    while i > 0 or j > 0:
        here = cost[i][j]
        if i > 0 and j > 0:
            e, neg = cost[i - 1][j - 1]
            same = r[i - 1] == h[j - 1]
            if here == ((e, neg - 1) if same else (e + 1, neg)):
                tag: OpTag = "equal" if same else "replace"
                steps.append(Opcode(tag, block.i1 + i - 1, block.i1 + i,
                                    block.j1 + j - 1, block.j1 + j))
                i, j = i - 1, j - 1
                continue
        if i > 0 and here == (cost[i - 1][j][0] + 1, cost[i - 1][j][1]):
            steps.append(Opcode("delete", block.i1 + i - 1, block.i1 + i,
                                block.j1 + j, block.j1 + j))
            i -= 1
        else:
            steps.append(Opcode("insert", block.i1 + i, block.i1 + i,
                                block.j1 + j - 1, block.j1 + j))
            j -= 1
    return steps[::-1]


def _merge(ops: list[Opcode]) -> list[Opcode]:
    merged: list[Opcode] = []
    for op in ops:
        if merged and merged[-1].tag == op.tag:
            last = merged[-1]
            merged[-1] = Opcode(op.tag, last.i1, op.i2, last.j1, op.j2)
        else:
            merged.append(op)
    return merged


def error_counts(ops: Sequence[Opcode]) -> ErrorCounts:
    """Substitutions, deletions, insertions and hits of an alignment."""
    s = d = ins = hits = 0
    for op in ops:
        n, m = op.i2 - op.i1, op.j2 - op.j1
        if op.tag == "equal":
            hits += n
        elif op.tag == "delete":
            d += n
        elif op.tag == "insert":
            ins += m
        else:
            s += min(n, m)
            d += max(0, n - m)
            ins += max(0, m - n)
    return ErrorCounts(s, d, ins, hits)


def word_errors(reference: str, hypothesis: str, *, normalized: bool = True,
                how: Normaliser = "speech") -> ErrorCounts:
    """Word error counts of two texts, normalised with :func:`normalize` (``how``) unless
    told not to."""
    if normalized:
        reference, hypothesis = normalize(reference, how), normalize(hypothesis, how)
    return error_counts(align(reference.split(), hypothesis.split()))


def wer(reference: str, hypothesis: str, *, normalized: bool = True,
        how: Normaliser = "speech") -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (see :func:`word_errors`)."""
    return word_errors(reference, hypothesis, normalized=normalized, how=how).wer


def correct_marks(ref: Sequence[str], hyp: Sequence[str]) -> list[bool]:
    """NeMo's correct marks: for each hypothesis token, whether it aligns to an equal one."""
    marks = [False] * len(hyp)
    for op in align(ref, hyp):
        if op.tag == "equal":
            for j in range(op.j1, op.j2):
                marks[j] = True
    return marks


# ---------------------------------------------------------------- confidence metrics


def _arrays(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
            y_score: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float).reshape(-1)
    s = np.asarray(y_score, dtype=float).reshape(-1)
    if y.shape != s.shape:
        raise ValueError(f"{y.size} labels but {s.size} scores")
    if y.size and not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    if s.size and not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    return y, s


def auc_roc(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
            y_score: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve of ``y_score`` for ``y_true == 1`` (0.5 with one class)."""
    y, s = _arrays(y_true, y_score)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = _average_ranks(s)
    u = float(ranks[y == 1].sum()) - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def _average_ranks(s: np.ndarray) -> np.ndarray:
    """1-based ranks of ``s`` with ties given their average rank."""
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(s.size, dtype=float)
    sorted_s = s[order]
    start = 0
    while start < s.size:
        stop = start + 1
        while stop < s.size and sorted_s[stop] == sorted_s[start]:
            stop += 1
        ranks[order[start:stop]] = (start + 1 + stop) / 2
        start = stop
    return ranks


def average_precision(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
                      y_score: Sequence[float] | np.ndarray) -> float:
    """Average precision ``sum_k (R_k - R_{k-1}) P_k`` over the distinct score thresholds.

    The same step-wise sum as scikit-learn's ``average_precision_score`` (no
    interpolation); 0.0 when there is no positive label.
    """
    y, s = _arrays(y_true, y_score)
    n_pos = y.sum()
    if n_pos == 0:
        return 0.0
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    seen = np.arange(1, y.size + 1)
    last_of_tie = np.r_[np.diff(s_sorted) != 0, True]
    tp, seen = tp[last_of_tie], seen[last_of_tie]
    precision = tp / seen
    recall = tp / n_pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def auc_pr(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
           y_score: Sequence[float] | np.ndarray) -> float:
    """NeMo's ``auc_pr``: average precision with correct words (``y == 1``) as positives."""
    return average_precision(y_true, y_score)


def auc_nt(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
           y_score: Sequence[float] | np.ndarray) -> float:
    """NeMo's ``auc_nt``: average precision of ``1 - score`` with wrong words as positives."""
    y, s = _arrays(y_true, y_score)
    return average_precision(1 - y, 1 - s)


def nce(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
        y_score: Sequence[float] | np.ndarray) -> float:
    """Normalised cross entropy ``(H(p) - CE) / H(p)``; ``-inf`` with one class only."""
    y, s = _arrays(y_true, y_score)
    if y.size == 0 or np.all(y == 0) or np.all(y == 1):
        return -math.inf
    p = float(y.mean())
    h = -(p * math.log(p + _EPS) + (1 - p) * math.log(1 - p + _EPS))
    c = np.clip(s, _EPS, 1 - _EPS)
    cross = float(-np.mean(y * np.log(c) + (1 - y) * np.log(1 - c)))
    return (h - cross) / h


@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin: its range, how many words fell in it, their mean confidence
    and the fraction of them that were right (``None`` for an empty bin)."""

    low: float
    high: float
    count: int
    confidence: float | None
    accuracy: float | None

    def __post_init__(self) -> None:
        if not 0.0 <= self.low < self.high <= 1.0 or self.count < 0:
            raise ValueError(f"bad reliability bin {self}")


def reliability(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
                y_score: Sequence[float] | np.ndarray, *, n_bins: int = 10
                ) -> list[ReliabilityBin]:
    """Equal-width bins ``[k/n, (k+1)/n)`` (last one closed) of confidence vs accuracy."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, not {n_bins}")
    y, s = _arrays(y_true, y_score)
    if s.size and (s.min() < 0 or s.max() > 1):
        raise ValueError("confidences must lie in [0, 1]")
    index = np.minimum((s * n_bins).astype(int), n_bins - 1)
    bins: list[ReliabilityBin] = []
    for k in range(n_bins):
        mask = index == k
        count = int(mask.sum())
        bins.append(ReliabilityBin(
            low=k / n_bins, high=(k + 1) / n_bins, count=count,
            confidence=float(s[mask].mean()) if count else None,
            accuracy=float(y[mask].mean()) if count else None,
        ))
    return bins


def ece(y_true: Sequence[int] | Sequence[bool] | np.ndarray,
        y_score: Sequence[float] | np.ndarray, *, n_bins: int = 10) -> float:
    """Expected calibration error over equal-width bins (0.0 for no words)."""
    bins = reliability(y_true, y_score, n_bins=n_bins)
    total = sum(b.count for b in bins)
    if total == 0:
        return 0.0
    return sum(
        b.count * abs(b.accuracy - b.confidence)
        for b in bins
        if b.count and b.accuracy is not None and b.confidence is not None
    ) / total


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]
                     ) -> tuple[float | None, float | None]:
    """Precision and recall of ``predicted`` as a detector of ``actual`` (None if undefined)."""
    if len(predicted) != len(actual):
        raise ValueError(f"{len(predicted)} predictions but {len(actual)} labels")
    tp = sum(1 for p, a in zip(predicted, actual, strict=True) if p and a)
    n_pred = sum(1 for p in predicted if p)
    n_act = sum(1 for a in actual if a)
    return (tp / n_pred if n_pred else None, tp / n_act if n_act else None)


@dataclass(frozen=True)
class WordAlignment:
    """Hypothesis words aligned to a reference text, token by normalised token.

    Both texts are normalised whole (so "five hundred" and "500" agree); ``owner[j]``
    names the hypothesis words that normalised token ``j`` came from (found by aligning
    each word's own normalisation to the whole one). ``words[i]`` says whether word ``i``
    is right (all its tokens aligned to equal reference tokens), or is None when the word
    normalises to nothing (punctuation, a filler).
    """

    ref_tokens: list[str]
    hyp_tokens: list[str]
    owner: list[tuple[int, ...]]
    ops: list[Opcode]
    words: list[bool | None]


def align_words(reference: str, hyp_words: Sequence[str], *,
                glued: Sequence[bool] | None = None,
                how: Normaliser = "speech") -> WordAlignment:
    """Align hypothesis words to a reference text and mark each word right or wrong, both
    normalised as ``how`` says. ``glued[i]`` says that word ``i`` is written onto the next
    with no space (Whisper's "7" ".5"), so the two are read as one ("7.5")."""
    hyp = normalize(_joined(hyp_words, glued), how).split()
    ref = normalize(reference, how).split()
    owner = _owners(hyp_words, hyp, how)
    ops = align(ref, hyp)
    ok = [False] * len(hyp)
    for op in ops:
        if op.tag == "equal":
            ok[op.j1:op.j2] = [True] * (op.j2 - op.j1)
    words: list[bool | None] = [None] * len(hyp_words)
    for j, owners in enumerate(owner):
        for index in owners:
            prev = words[index]
            words[index] = ok[j] if prev is None else prev and ok[j]
    return WordAlignment(ref, hyp, owner, ops, words)


def _joined(words: Sequence[str], glued: Sequence[bool] | None) -> str:
    if glued is None:
        return " ".join(words)
    return "".join(w + ("" if g else " ") for w, g in zip(words, glued, strict=True)).rstrip()


def _owners(hyp_words: Sequence[str], tokens: Sequence[str], how: Normaliser
            ) -> list[tuple[int, ...]]:
    """Which words each token of the whole normalised text came from."""
    own: list[str] = []
    own_word: list[int] = []
    for index, toks in enumerate(normalize_words(hyp_words, how)):
        own += toks
        own_word += [index] * len(toks)
    owner: list[tuple[int, ...]] = [()] * len(tokens)
    ops = align(own, tokens)
    for op in ops:
        if op.tag == "delete":
            continue
        if op.tag == "equal":
            for k in range(op.j2 - op.j1):
                owner[op.j1 + k] = (own_word[op.i1 + k],)
            continue
        words = tuple(sorted(set(own_word[op.i1:op.i2])))
        if not words:  # a token the whole text gained: give it to the word before
            words = (own_word[op.i1 - 1],) if op.i1 > 0 else (own_word[0],) if own_word else ()
        for j in range(op.j1, op.j2):
            owner[j] = words
    for op in ops:  # words whose tokens the whole text merged away join a neighbour token
        if op.tag == "delete" and tokens:
            j = op.j1 - 1 if op.j1 > 0 else 0
            owner[j] = tuple(sorted({*owner[j], *own_word[op.i1:op.i2]}))
    return owner
