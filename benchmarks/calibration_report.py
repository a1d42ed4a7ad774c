"""Confidence quality before and after the shipped calibrations, on the held-out test split.

For the ASR stage (Whisper tiny.en) and the OCR stage (tesseract eng), prints the word
confidence's AUROC, ECE (10 equal-width bins), NCE and AUC-PR with wrong words positive,
before and after applying the shipped calibration, on the dev set's *test* split (the
calibrations were fitted on its dev split), against the goals ECE <= 0.05 and
AUROC >= 0.90, with a 95% bootstrap interval of the calibrated figures
(``uncertain.evaluate``'s ``resamples``: documents drawn with replacement; the split is
small, so read the interval, not the third decimal). Stage outputs are cached under
``benchmarks/_work/calibration/docs/`` (shared with ``fit_calibration.py``); the dev set
is built first if it is missing.

    .venv/bin/python benchmarks/calibration_report.py [--split test] [--refresh]
        [--resamples 2000]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_calibration import DEVSET, NAMES, ensure_devset, load_refs, stage_documents

from uncertain.calibrate import apply_calibration, load_calibration
from uncertain.evaluate import GroupReport, Reference, Term, evaluate

GOAL_ECE = 0.05
GOAL_AUROC = 0.90


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--split", default="test", help="split to report on (default: test)")
    parser.add_argument("--refresh", action="store_true", help="rerun the stages")
    parser.add_argument("--resamples", type=int, default=2000,
                        help="bootstrap resamples for the intervals (0: none)")
    args = parser.parse_args(argv)

    ensure_devset(args.devset)
    records = load_refs(args.devset)
    docs = stage_documents(args.devset, records, refresh=args.refresh)
    print(f"split: {args.split}; goals: ECE <= {GOAL_ECE}, AUROC >= {GOAL_AUROC}\n")
    print(f"{'stage':<26}{'words':>7}{'wrong':>7}{'WER':>7}   {'':<7}{'AUROC':>7}{'ECE':>7}"
          f"{'NCE':>8}{'AUC-PR(wrong+)':>16}")
    missed: list[str] = []
    for (engine, model), name in NAMES.items():
        cal = load_calibration(name)
        pairs = []
        for r in records:
            doc = docs.get(r["id"])
            if doc is None or r["split"] != args.split or doc.source.engine != engine:
                continue
            ref = Reference(text=r["text"], id=r["id"], path=r["path"],
                            terms=tuple(Term(t["term"], t["canonical"]) for t in r["terms"]),
                            modality=r["modality"])
            pairs.append((doc, ref))
        if not pairs:
            print(f"{engine} {model}: no documents in the {args.split} split")
            continue
        before = evaluate(pairs).groups["overall"]
        after = evaluate([(apply_calibration(d, cal), ref) for d, ref in pairs],
                         resamples=args.resamples).groups["overall"]
        label = f"{engine} {model}"
        for tag, g in (("raw", before), ("calib.", after)):
            print(_row(label if tag == "raw" else f"  ({cal.method})", g, tag))
        if "auc_roc" in after.intervals and "ece" in after.intervals:
            (a_lo, a_hi), (e_lo, e_hi) = after.intervals["auc_roc"], after.intervals["ece"]
            print(f"  calibrated, 95% interval over {len(pairs)} documents "
                  f"({args.resamples} bootstrap resamples): AUROC {a_lo:.3f}-{a_hi:.3f}, "
                  f"ECE {e_lo:.3f}-{e_hi:.3f}")
        if after.ece is None or after.ece > GOAL_ECE:
            missed.append(f"{label}: ECE {_fmt(after.ece)} > {GOAL_ECE}")
        if after.auc_roc is None or after.auc_roc < GOAL_AUROC:
            missed.append(f"{label}: AUROC {_fmt(after.auc_roc)} < {GOAL_AUROC}")
        comparison = cal.info.get("comparison", [])
        if comparison:
            print(f"  method comparison on the dev split (cross-validated), chosen: "
                  f"{cal.method}")
            for s in comparison:
                print(f"    {s['method']:<16} log loss {s['log_loss']:.4f}  ECE {s['ece']:.3f}"
                      f"  AUROC {s['auc_roc']:.3f}  NCE {s['nce']:.3f}")
        print()
    print("goals met" if not missed else "goals missed:\n  " + "\n  ".join(missed))
    return 0


def _row(label: str, g: GroupReport, tag: str) -> str:
    return (f"{label:<26}{g.confidence_words:>7}{g.wrong_words:>7}"
            f"{100 * (g.wer or 0):>6.1f}%   {tag:<7}{_fmt(g.auc_roc):>7}{_fmt(g.ece):>7}"
            f"{_fmt(g.nce):>8}{_fmt(g.auc_nt):>16}")


if __name__ == "__main__":
    sys.exit(main())
