"""Evaluation: score documents against reference transcripts, per modality and overall.

This module owns the per-document scoring, the report objects with their table and JSON
forms, and the reliability plot; the references file and the matching of documents to
references are in :mod:`uncertain.references` (its names are importable from here too),
the ``uncertain eval`` command is in :mod:`uncertain._cli_runs`, and the metric
definitions themselves live in :mod:`uncertain.metrics`.

What is measured, for each group (every modality present, and ``overall``):

- ``wer``: word error rate after normalisation: for speech and plain transcripts
  Whisper's English normaliser ("ten" = "10"); for print the words as written, case and
  punctuation aside, so a misread accent is an error (:func:`normaliser_for`). The
  labels of the confidence metrics and the terms come from the same alignment.
- ``term_error_rate``: reference lexicon terms not transcribed exactly; a multi-word
  term is one unit. A term is found in the reference (its surface, else its canonical
  name); a term found only in the hypothesis (a misheard surface written in a
  transcript) counts as an error.
- ``drug_exact`` / ``drug_top1`` / ``drug_top3``: fraction of terms transcribed exactly,
  or else covered by a flag whose first (first three) candidates have the right
  canonical name.
- ``flag_precision`` / ``flag_recall``: words inside a flag (other than ``verified``) as
  a detector of wrong hypothesis words (substituted or inserted).
- ``auc_roc``, ``auc_pr``, ``auc_nt``, ``nce``, ``ece`` and a reliability table of word
  confidence against correctness (see :mod:`uncertain.metrics`); words whose confidence
  is null are left out and counted in ``null_confidence_words``.
- ``intervals`` (with ``resamples``): 95% percentile-bootstrap intervals of ``wer``,
  ``drug_top3``, ``auc_roc`` and ``ece``, drawing whole documents with replacement
  (words of one document are not independent). An evaluation set of a few dozen
  documents moves AUROC by several hundredths; the interval says how far.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uncertain import metrics
from uncertain.document import Document
from uncertain.errors import EngineNotFoundError, reworded, shown
from uncertain.references import (  # re-exported: they were defined here
    Failure,
    Reference,
    Term,
    load_documents,
    load_references,
    match_references,
)

__all__ = ["INTERVAL_FIGURES", "OVERALL", "DocumentScore", "EvalReport", "Failure",
           "GroupReport", "Reference", "Term", "TermResult", "calibrate_pairs", "evaluate",
           "format_table", "load_documents", "load_references", "match_references",
           "plot_reliability", "run_stages", "score_document", "summarize"]

log = logging.getLogger("uncertain")

OVERALL = "overall"
#: the figures :func:`evaluate` gives bootstrap intervals for, with ``resamples``
INTERVAL_FIGURES: tuple[str, ...] = ("wer", "drug_top3", "auc_roc", "ece")


# ---------------------------------------------------------------- scoring one document


@dataclass(frozen=True)
class TermResult:
    """How one reference term came out: found, exact, recovered by a flag's candidates."""

    term: str
    canonical: str
    located: str  # "reference", "canonical", "hypothesis", "missing" or "failed"
    exact: bool
    top1: bool
    top3: bool


@dataclass
class DocumentScore:
    """The per-word and per-term outcomes of one document against its reference."""

    name: str
    modality: str
    errors: metrics.ErrorCounts = field(default_factory=metrics.ErrorCounts)
    labels: list[bool] = field(default_factory=list)  # words with confidence: right?
    confidences: list[float] = field(default_factory=list)
    null_confidence: int = 0
    wrong: list[bool] = field(default_factory=list)  # every scored word: wrong?
    flagged: list[bool] = field(default_factory=list)  # every scored word: flagged?
    terms: list[TermResult] = field(default_factory=list)
    failed: bool = False


def score_document(doc: Document, ref: Reference) -> DocumentScore:
    """Score one document against its reference (see the module docstring)."""
    words = doc.words
    normaliser = normaliser_for(doc)
    aligned = metrics.align_words(ref.text, [w.text for w in words],
                                  glued=[w.space_after is False for w in words],
                                  how=normaliser)
    word_ok = aligned.words

    flagged_words: set[int] = set()
    for flag in doc.flags:
        if flag.reason != "verified":
            flagged_words.update(range(flag.start, flag.end))

    score = DocumentScore(name=ref.name, modality=doc.source.modality,
                          errors=metrics.word_errors(ref.text, doc.text, how=normaliser))
    for index, (word, ok) in enumerate(zip(words, word_ok, strict=True)):
        if ok is None:
            continue
        score.wrong.append(not ok)
        score.flagged.append(index in flagged_words)
        if word.confidence is None:
            score.null_confidence += 1
        else:
            score.labels.append(ok)
            score.confidences.append(word.confidence)
    score.terms = _score_terms(doc, ref, aligned, normaliser)
    return score


def score_failure(ref: Reference) -> DocumentScore:
    """The score of an input that failed: an empty transcript, every reference word
    deleted and every term missed (left out, a failed input made the figures better:
    two failures of five took WER from 6.7% to 5.7%, their drugs out of the count)."""
    modality = ref.modality or "unknown"
    return DocumentScore(name=ref.name, modality=modality, failed=True,
                         errors=metrics.word_errors(ref.text, "", how=_normaliser(modality)),
                         terms=[TermResult(t.term, t.canonical, "failed", False, False, False)
                                for t in ref.terms])


def normaliser_for(doc: Document) -> metrics.Normaliser:
    """How ``doc``'s words are compared with a reference: print as written, speech and
    plain transcripts with Whisper's normaliser."""
    return _normaliser(doc.source.modality)


def _normaliser(modality: str) -> metrics.Normaliser:
    return "print" if modality == "image" else "speech"


def _find(tokens: Sequence[str], needle: Sequence[str], used: set[int]) -> int | None:
    n = len(needle)
    if n == 0:
        return None
    for i in range(len(tokens) - n + 1):
        if i not in used and list(tokens[i:i + n]) == list(needle):
            return i
    return None


def _score_terms(doc: Document, ref: Reference, aligned: metrics.WordAlignment,
                 normaliser: metrics.Normaliser) -> list[TermResult]:
    ref_tokens, hyp_tokens, owner = aligned.ref_tokens, aligned.hyp_tokens, aligned.owner
    results: list[TermResult] = []
    used_ref: set[int] = set()
    used_hyp: set[int] = set()
    for term in ref.terms:
        located = "missing"
        exact = False
        hyp_span: tuple[int, int] | None = None
        for how, surface in (("reference", term.term), ("canonical", term.canonical)):
            needle = metrics.normalize(surface, normaliser).split()
            start = _find(ref_tokens, needle, used_ref)
            if start is not None:
                used_ref.add(start)
                located = how
                exact, hyp_span = _aligned(aligned.ops, start, start + len(needle))
                break
        if located == "missing":
            needle = metrics.normalize(term.term, normaliser).split()
            start = _find(hyp_tokens, needle, used_hyp)
            if start is not None:
                used_hyp.add(start)
                located = "hypothesis"
                hyp_span = (start, start + len(needle))
            else:  # a reference that cannot say it: a drug missed in every run, in silence
                log.warning("%s: the term %r (%s) is neither in the reference's text nor in "
                            "the transcript: it counts as missed", ref.name, term.term,
                            term.canonical)
        word_ids = ({i for j in range(*hyp_span) for i in owner[j]} if hyp_span else set())
        top1 = exact or _recovered(doc, word_ids, term.canonical, 1)
        top3 = exact or _recovered(doc, word_ids, term.canonical, 3)
        results.append(TermResult(term.term, term.canonical, located, exact, top1, top3))
    return results


def _aligned(ops: Sequence[metrics.Opcode], a: int, b: int) -> tuple[bool, tuple[int, int]]:
    """Whether ref tokens ``a:b`` came out exactly, and the hypothesis tokens they became."""
    exact = True
    lo: int | None = None
    hi: int | None = None
    for op in ops:
        if op.tag == "insert":
            if a <= op.i1 <= b:  # words inserted inside (or right beside) the term
                exact = exact and not a < op.i1 < b
                lo = op.j1 if lo is None else min(lo, op.j1)
                hi = op.j2 if hi is None else max(hi, op.j2)
            continue
        if op.i2 <= a or op.i1 >= b:
            continue
        if op.tag == "equal":
            j1 = op.j1 + max(a, op.i1) - op.i1
            j2 = op.j1 + min(b, op.i2) - op.i1
        else:
            exact = False
            j1, j2 = op.j1, op.j2
        if j2 > j1:
            lo = j1 if lo is None else min(lo, j1)
            hi = j2 if hi is None else max(hi, j2)
    if lo is None or hi is None:
        return exact, (0, 0)
    return exact, (lo, hi)


def _recovered(doc: Document, word_ids: set[int], canonical: str, k: int) -> bool:
    want = canonical.casefold()
    for flag in doc.flags:
        if word_ids & set(range(flag.start, flag.end)):
            if any(c.canonical.casefold() == want for c in flag.candidates[:k]):
                return True
    return False


# ---------------------------------------------------------------- the report


@dataclass
class GroupReport:
    """The figures of one group of documents (a modality, or all of them)."""

    documents: int = 0
    failures: int = 0
    reference_words: int = 0
    wer: float | None = None
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    terms: int = 0
    term_error_rate: float | None = None
    drug_exact: float | None = None
    drug_top1: float | None = None
    drug_top3: float | None = None
    scored_words: int = 0
    wrong_words: int = 0
    flagged_words: int = 0
    flag_precision: float | None = None
    flag_recall: float | None = None
    confidence_words: int = 0
    null_confidence_words: int = 0
    accuracy: float | None = None
    mean_confidence: float | None = None
    auc_roc: float | None = None
    auc_pr: float | None = None
    auc_nt: float | None = None
    nce: float | None = None
    ece: float | None = None
    reliability: list[metrics.ReliabilityBin] = field(default_factory=list)
    intervals: dict[str, list[float]] = field(default_factory=dict)  # figure: [low, high]


@dataclass
class EvalReport:
    """Figures per group (each modality and ``overall``), and what did not match."""

    groups: dict[str, GroupReport]
    n_bins: int = 10
    resamples: int = 0  # bootstrap draws behind each group's ``intervals``
    unmatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # references no input matched
    documents: list[DocumentScore] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (non-finite figures become null)."""
        return _finite({
            "groups": {name: asdict(group) for name, group in self.groups.items()},
            "n_bins": self.n_bins,
            "resamples": self.resamples,
            "unmatched": self.unmatched,
            "missing": self.missing,
            "documents": [
                {"name": d.name, "modality": d.modality, "failed": d.failed,
                 "wer": d.errors.wer,
                 "terms": [asdict(t) for t in d.terms]}
                for d in self.documents
            ],
        })


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def summarize(scores: Iterable[DocumentScore], *, n_bins: int = 10, resamples: int = 0,
              seed: int = 0) -> GroupReport:
    """Pool the outcomes of several documents into one group's figures (with
    ``resamples``, also their bootstrap intervals: see the module docstring)."""
    scores = list(scores)
    g = _pool(scores, n_bins)
    if resamples > 0:
        g.intervals = _intervals(scores, resamples, n_bins, seed)
    return g


def _pool(scores: Sequence[DocumentScore], n_bins: int) -> GroupReport:
    g = GroupReport()
    errors = metrics.ErrorCounts()
    labels: list[bool] = []
    confs: list[float] = []
    wrong: list[bool] = []
    flagged: list[bool] = []
    terms: list[TermResult] = []
    for s in scores:
        # a failed input's reference words count as deleted and its terms as missed
        errors = errors + s.errors
        terms += s.terms
        if s.failed:
            g.failures += 1
            continue
        g.documents += 1
        labels += s.labels
        confs += s.confidences
        wrong += s.wrong
        flagged += s.flagged
        g.null_confidence_words += s.null_confidence
    g.reference_words = errors.reference_words
    g.substitutions, g.deletions, g.insertions = (
        errors.substitutions, errors.deletions, errors.insertions)
    g.wer = errors.wer if g.documents or g.failures else None
    g.terms = len(terms)
    if terms:
        g.term_error_rate = sum(not t.exact for t in terms) / len(terms)
        g.drug_exact = sum(t.exact for t in terms) / len(terms)
        g.drug_top1 = sum(t.top1 for t in terms) / len(terms)
        g.drug_top3 = sum(t.top3 for t in terms) / len(terms)
    g.scored_words = len(wrong)
    g.wrong_words = sum(wrong)
    g.flagged_words = sum(flagged)
    g.flag_precision, g.flag_recall = metrics.precision_recall(flagged, wrong)
    g.confidence_words = len(confs)
    if confs:
        g.accuracy = sum(labels) / len(labels)
        g.mean_confidence = sum(confs) / len(confs)
        g.auc_roc = _auroc(labels, confs)
        # with no word of the positive kind there is no precision to measure: "-", as for
        # AUROC (AUC-PR with wrong words positive read 0.000 where no word was wrong)
        g.auc_pr = metrics.auc_pr(labels, confs) if any(labels) else None
        g.auc_nt = metrics.auc_nt(labels, confs) if not all(labels) else None
        g.nce = metrics.nce(labels, confs)
        g.ece = metrics.ece(labels, confs, n_bins=n_bins)
        g.reliability = metrics.reliability(labels, confs, n_bins=n_bins)
    return g


def _intervals(scores: Sequence[DocumentScore], resamples: int, n_bins: int, seed: int
               ) -> dict[str, list[float]]:
    """2.5th and 97.5th percentiles of each of :data:`INTERVAL_FIGURES` over ``resamples``
    draws of the documents with replacement (a figure some draws cannot give, such as
    AUROC when a draw has no wrong word, is summarised over the draws that give it)."""
    if len(scores) < 2:
        return {}
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {name: [] for name in INTERVAL_FIGURES}
    for _ in range(resamples):
        pick = [scores[i] for i in rng.integers(0, len(scores), len(scores))]
        for name, value in _headline(pick, n_bins).items():
            if value is not None and math.isfinite(value):
                draws[name].append(value)
    return {name: [float(v) for v in np.percentile(values, [2.5, 97.5])]
            for name, values in draws.items() if len(values) >= max(2, resamples // 2)}


def _auroc(labels: Sequence[bool], confs: Sequence[float]) -> float | None:
    """AUROC of the confidences, or None when the words are all of one kind (all right):
    no ranking is measured then ("-", not 0.5)."""
    return metrics.auc_roc(labels, confs) if 0 < sum(labels) < len(labels) else None


def _headline(scores: Sequence[DocumentScore], n_bins: int) -> dict[str, float | None]:
    """:data:`INTERVAL_FIGURES` of some documents, computed as :func:`summarize` does."""
    errors = metrics.ErrorCounts()
    terms: list[TermResult] = []
    labels: list[bool] = []
    confs: list[float] = []
    for s in scores:
        errors = errors + s.errors
        terms += s.terms
        labels += s.labels
        confs += s.confidences
    return {
        "wer": errors.wer,
        "drug_top3": sum(t.top3 for t in terms) / len(terms) if terms else None,
        "auc_roc": _auroc(labels, confs),
        "ece": metrics.ece(labels, confs, n_bins=n_bins) if confs else None,
    }


def evaluate(pairs: Iterable[tuple[Document | Failure, Reference]], *, n_bins: int = 10,
             unmatched: Sequence[Document | Failure] = (),
             references: Sequence[Reference] = (), resamples: int = 0) -> EvalReport:
    """Score each (document or failure, reference) pair and summarise per modality
    (``resamples``: bootstrap draws for the groups' ``intervals``; 0 for none)."""
    scores: list[DocumentScore] = []
    seen: set[str] = set()
    for item, ref in pairs:
        if not isinstance(ref, Reference):
            raise TypeError(f"evaluate takes (document, Reference) pairs, not a "
                            f"{type(ref).__name__} as a reference")
        if not isinstance(item, Document | Failure):
            raise TypeError(f"evaluate takes (document, Reference) pairs, not a "
                            f"{type(item).__name__} as a document")
        seen.add(ref.name)
        if isinstance(item, Failure):
            scores.append(score_failure(ref))
        else:
            scores.append(score_document(item, ref))
    groups = {m: summarize([s for s in scores if s.modality == m], n_bins=n_bins,
                           resamples=resamples)
              for m in sorted({s.modality for s in scores})}
    groups[OVERALL] = summarize(scores, n_bins=n_bins, resamples=resamples)
    return EvalReport(
        groups=groups, n_bins=n_bins, resamples=resamples,
        unmatched=[i.source.path if isinstance(i, Document) else i.path for i in unmatched],
        missing=[r.name for r in references if r.name not in seen],
        documents=scores,
    )


# ---------------------------------------------------------------- output

_ROWS: tuple[tuple[str, str, str], ...] = (
    ("documents", "documents", "d"), ("failures", "failures", "d"),
    ("reference_words", "reference words", "d"), ("wer", "WER", "%"),
    ("terms", "lexicon terms", "d"), ("term_error_rate", "term error rate", "%"),
    ("drug_exact", "drug recovery: exact", "%"), ("drug_top1", "drug recovery: top 1", "%"),
    ("drug_top3", "drug recovery: top 3", "%"),
    ("wrong_words", "wrong words", "d"), ("flagged_words", "flagged words", "d"),
    ("flag_precision", "flag precision", "%"), ("flag_recall", "flag recall", "%"),
    ("confidence_words", "words with confidence", "d"),
    ("null_confidence_words", "words without", "d"),
    ("accuracy", "word accuracy", "%"), ("mean_confidence", "mean confidence", "f"),
    ("auc_roc", "AUROC", "f"), ("auc_pr", "AUC-PR (right +)", "f"),
    ("auc_nt", "AUC-PR (wrong +)", "f"), ("nce", "NCE", "f"), ("ece", "ECE", "f"),
)


def _cell(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if kind == "d":
        return str(value)
    if kind == "%":
        return f"{100 * value:.1f}%"
    return f"{value:.3f}"


def format_table(report: EvalReport) -> str:
    """The report as a fixed-width table, with a reliability table per group."""
    names = list(report.groups)
    width = max(10, *(len(n) + 2 for n in names))
    lines = [f"{'':<24}" + "".join(f"{n:>{width}}" for n in names)]
    for key, label, kind in _ROWS:
        lines.append(f"{label:<24}" + "".join(
            f"{_cell(getattr(report.groups[n], key), kind):>{width}}" for n in names))
    intervals = [(n, report.groups[n].intervals) for n in names if report.groups[n].intervals]
    if intervals:
        lines += ["", f"95% intervals, documents drawn with replacement "
                  f"({report.resamples} draws):"]
        kinds = {key: kind for key, _, kind in _ROWS}
        labels = {key: label for key, label, _ in _ROWS}
        for name, found in intervals:
            lines.append(f"  {name}: " + ", ".join(
                f"{labels[key]} {_cell(lo, kinds[key])}-{_cell(hi, kinds[key])}"
                for key, (lo, hi) in found.items()))
    for name in names:
        bins = report.groups[name].reliability
        if not any(b.count for b in bins):
            continue
        lines += ["", f"reliability ({name}): confidence bin, words, mean confidence, accuracy"]
        for b in bins:
            lines.append(f"  [{b.low:.2f}, {b.high:.2f}{']' if b.high == 1 else ')'}"
                         f"{b.count:>8}{_cell(b.confidence, 'f'):>10}{_cell(b.accuracy, 'f'):>10}")
    if report.unmatched:
        lines += ["", f"no reference for {len(report.unmatched)} input(s): "
                  + ", ".join(report.unmatched[:5]) + (" ..." if len(report.unmatched) > 5 else "")]
    if report.missing:
        lines += ["", f"{len(report.missing)} reference(s) without an input"]
    return "\n".join(lines)


def plot_reliability(report: EvalReport, path: str | os.PathLike[str]) -> None:
    """Draw each group's reliability diagram to an image file (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise EngineNotFoundError(
            "plotting needs matplotlib: pip install -e '.[plot]' in this project's "
            "checkout") from exc
    groups = [(n, g) for n, g in report.groups.items() if g.confidence_words]
    fig, axes = plt.subplots(1, max(1, len(groups)), figsize=(4 * max(1, len(groups)), 4),
                             squeeze=False)
    for ax, (name, group) in zip(axes[0], groups, strict=False):
        xs = [b.confidence for b in group.reliability if b.count]
        ys = [b.accuracy for b in group.reliability if b.count]
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
        ax.plot(xs, ys, marker="o")
        ax.set_title(f"{name} (ECE {_cell(group.ece, 'f')})")
        ax.set_xlabel("confidence")
        ax.set_ylabel("accuracy")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    fig.tight_layout()
    fig.savefig(os.fspath(path), dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- running the stages


def run_stages(files: Iterable[Path], *, validate: bool = True, model: str | None = None,
               calibration: str | None = None, rescore: bool = False,
               progress: bool = False,
               lexicons: Sequence[str | os.PathLike[str]] = (),
               limits: Mapping[str, Any] | None = None,
               words: Sequence[tuple[str, str]] = ()) -> list[Document | Failure]:
    """Ingest (and validate) each file as ``uncertain annotate`` does (an archive's member
    named ``ARCHIVE::MEMBER``, as batch records key it, as ``uncertain batch`` reads it);
    an error becomes a :class:`Failure`. ``calibration`` (``auto``, ``default`` or a file;
    ``None`` or ``none``: the engines' own scores) is applied by the stages, before validation;
    ``rescore`` runs the acoustic second pass on validated audio with flags or hunches
    (as annotate does: a hunch the audio bears out becomes a flag). ``progress``
    draws a bar over the files on stderr when it is a terminal. ``lexicons`` are added
    to the shipped ``drugs`` and ``clinical`` (as the command line's ``--lexicon`` adds
    them): a formulary's names are verified and suggested, as annotate does with it.
    ``limits`` are the stages' limits (``max_pixels``, ``max_pages``, ``max_seconds``), as
    :func:`uncertain.ingest.ingest` takes them; a failure's message says each setting it
    tells to raise as ``words`` say it (the command line's option:
    :func:`uncertain.cli.command_line_words`)."""
    import sys

    from tqdm import tqdm

    from uncertain._batch_inputs import on_member
    from uncertain._progress import logging_above
    from uncertain.errors import UncertainError
    from uncertain.ingest import ingest
    from uncertain.rescore import rescore as rescore_flags

    validator = None
    if validate:
        from uncertain._progress import indexing
        from uncertain.validate import Validator

        with indexing(progress) as indexed:
            validator = Validator(lexicons=["drugs", "clinical", *lexicons],
                                  progress=indexed) if lexicons else Validator()
        for lexicon in validator.lexicons[2:]:  # (as annotate and batch say it)
            if not lexicon.entries:  # a header alone, comments, or every line a duplicate
                log.warning("%s: the lexicon has no entries", shown(lexicon.path or lexicon.name))
    options: dict[str, Any] = {"model": model} if model else {}
    options.update({k: v for k, v in (limits or {}).items() if v is not None})
    if calibration and calibration != "none":
        options["calibration"] = calibration

    def staged(file: Path) -> Document:
        doc = ingest(file, **options)
        if validator is not None:
            doc = validator.validate(doc)
            if rescore:  # (nothing to weigh, or no audio: left as it is)
                doc = rescore_flags(doc)
        return doc

    out: list[Document | Failure] = []
    paths = list(files)
    with tqdm(paths, unit="file", leave=False, file=sys.stderr,
              disable=None if progress else True) as bar, logging_above(bar):
        for path in bar:
            try:
                out.append(on_member(path, staged))
            except UncertainError as exc:
                message = reworded(str(exc), words)
                log.warning("%s: %s", type(exc).__name__, message)
                out.append(Failure(os.fspath(path), type(exc).__name__, message))
    return out


def calibrate_pairs(pairs: Sequence[tuple[Document | Failure, Reference]], spec: str
                    ) -> list[tuple[Document | Failure, Reference]]:
    """Apply a calibration (a file, a shipped name, or ``default``/``auto``: the shipped one
    for each document's engine and model) to the documents it is for; the others are left
    as they are, and a named calibration that fits none of them is refused."""
    from uncertain.calibrate import (
        Calibration,
        apply_calibration,
        default_calibration,
        load_calibration,
    )
    from uncertain.errors import CalibrationError

    fixed = None if spec in ("default", "auto") else load_calibration(spec)
    shipped: dict[tuple[str, str | None], Calibration | None] = {}
    out: list[tuple[Document | Failure, Reference]] = []
    applied = 0
    for item, ref in pairs:
        if isinstance(item, Document):
            src = item.source
            if fixed is None and (src.engine, src.model) not in shipped:
                shipped[(src.engine, src.model)] = default_calibration(src.engine, src.model)
            cal = fixed if fixed is not None else shipped[(src.engine, src.model)]
            if cal is not None and cal.engine == src.engine and cal.model in (None, src.model):
                item = apply_calibration(item, cal)
                applied += 1
            else:
                log.info("%s: no calibration for %s model %s", src.path, src.engine, src.model)
        out.append((item, ref))
    if fixed is not None and not applied:
        raise CalibrationError(f"calibration {fixed.id} is for {fixed.engine} model "
                               f"{fixed.model}; no document was made by them")
    return out
