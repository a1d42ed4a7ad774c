"""How far the audio should move a flag's candidates: drug recovery after the acoustic
pass at several ``RescoreOptions.weight`` values, set by set.

``weight`` is the candidate log-odds the second pass moves per nat of acoustic difference
(:func:`uncertain.rescore.fold`). Each set's audio is validated and rescored once, as
``validate_quality.py --rescore`` does (its cached stage output, the default pass); then
every flag the pass scored is folded again, at each weight, with the acoustic scores it
recorded on its candidates. Only the candidates' order depends on the weight (the flag's
confidence does not), so each weight's recovery is what a pass run at that weight would
give. Recovery (top 3 and top 1) is counted as ``validate_quality.py`` counts it, over
the audio items of each set and in total.

    .venv/bin/python benchmarks/fold_weight.py --devset benchmarks/_work/devset \
        [--devset benchmarks/_work/devset-piper ...] [--weights 0.25,0.3,0.5,1]

The last line checks the refold: at the pass's own weight it must give every flag the
order the pass gave it (the scores agree to their rounding, the acoustic scores being
recorded to four decimals).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_quality import calibration_for, evaluate, load_items, run_stage

from uncertain.calibrate import calibrate_document
from uncertain.document import Candidate, Flag
from uncertain.models import load_model
from uncertain.rescore import RescoreOptions, fold, rescore
from uncertain.validate import Validator


def refold(before: Flag, after: Flag, opts: RescoreOptions) -> Flag:
    """``after`` (a flag as the pass left it) with its candidates in the order a pass at
    ``opts`` would give them: ``before`` (the same flag as the validator made it) folded
    again with the acoustic scores recorded on ``after``'s candidates (their gaps against the
    words heard, and the gaps they were ranked by, ``acoustic_among``). A flag the pass
    did not score comes back as it is."""
    recorded = {(c.term, c.canonical): c.features for c in after.candidates}
    heard = next((f["acoustic_heard"] for f in recorded.values() if "acoustic_heard" in f),
                 None)
    if heard is None:
        return after
    # the candidates the pass weighed, in the validator's order and with its scores
    weighed = [c for c in before.candidates if (c.term, c.canonical) in recorded]
    acoustic = [heard + recorded[(c.term, c.canonical)].get("acoustic", -50.0)
                for c in weighed]
    # ranked against each other by the gap with a share of the prior subtracted, as the
    # pass ranked them (a flag recorded without it: the whole prior)
    among = [heard + recorded[(c.term, c.canonical)].get(
        "acoustic_among", recorded[(c.term, c.canonical)].get("acoustic", -50.0))
        for c in weighed]
    again = fold(before.model_copy(update={"candidates": weighed}), heard, acoustic, opts,
                 among=among)
    return after.model_copy(update={"candidates": again.candidates})


def _order(candidates: list[Candidate]) -> list[tuple[str, str]]:
    return [(c.term, c.canonical) for c in candidates]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", action="append", type=Path, required=True,
                        help="a built dev set (repeat for several)")
    parser.add_argument("--weights", default="0.25,0.3,0.5,1",
                        help="comma-separated weights (default: 0.25,0.3,0.5,1)")
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    base = RescoreOptions()
    validator = Validator()
    model = load_model(None)
    totals: dict[float, Counter[str]] = {w: Counter() for w in weights}
    checked = agree = 0
    print(f"{'set':28s} {'mentions':>8s} " + " ".join(f"{f'w={w:g}':>13s}" for w in weights))
    for devset in args.devset:
        per: dict[float, Counter[str]] = {w: Counter() for w in weights}
        for item in load_items(devset, "all"):
            if item["modality"] != "audio":
                continue
            doc = run_stage(item, devset)
            validated = validator.validate(calibrate_document(doc, calibration_for(doc, "auto")))
            passed = rescore(validated, model=model)
            hunches = validated.validation.hunches if validated.validation else []
            made = {(f.start, f.end): f for f in [*validated.flags, *hunches]}
            for flag in passed.flags:
                before = made.get((flag.start, flag.end))
                if before is not None and before.candidates:
                    checked += 1
                    again = refold(before, flag, base).candidates
                    agree += _order(again) == _order(flag.candidates)
            for w in weights:
                opts = replace(base, weight=w)
                flags = [refold(made[(f.start, f.end)], f, opts)
                         if (f.start, f.end) in made else f for f in passed.flags]
                per[w].update(evaluate(item, passed.model_copy(update={"flags": flags}),
                                       show=False))
        mentions = per[weights[0]]["mentions"]
        cells = [f"{per[w]['recovered']:>5d} / {per[w]['recovered_top1']:<5d}" for w in weights]
        print(f"{devset.name:28s} {mentions:8d} " + " ".join(f"{c:>13s}" for c in cells),
              flush=True)
        for w in weights:
            totals[w].update(per[w])
    mentions = totals[weights[0]]["mentions"]
    cells = [f"{totals[w]['recovered']:>5d} / {totals[w]['recovered_top1']:<5d}"
             for w in weights]
    print(f"{'all':28s} {mentions:8d} " + " ".join(f"{c:>13s}" for c in cells))
    print("cells: drug mentions recovered in the top 3 / first (audio after the pass)")
    for w in weights:
        t = totals[w]
        print(f"w={w:g}: top 3 {t['recovered'] / max(1, mentions):.1%}, "
              f"top 1 {t['recovered_top1'] / max(1, mentions):.1%}")
    print(f"refold check: at the pass's own weight ({base.weight:g}), {agree} of {checked} "
          f"scored flags keep the pass's order")


if __name__ == "__main__":
    main()
