"""Which suggestions the rendering should list: runner-ups kept and right, by score gap.

On the dev set (``benchmarks/devset.py``), each item runs through its stage (cached
with ``validate_quality.py``), the shipped calibration (``auto``) and the validator, as
``uncertain annotate`` does without the acoustic second pass. For every marked span
(:func:`uncertain.render.doubtful_spans`, default threshold) it counts the runner-up
suggestions (second and third) the rendering lists and how many of them are a drug the
reference names, for several ``candidate_gap`` values (``none``: no gap rule) at the
default ``min_candidate_score``. A runner-up costs about four tokens of markup.

    .venv/bin/python benchmarks/candidate_gap.py [--split all|dev|test]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from validate_quality import WORK, run_stage  # noqa: E402

from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.lexicon import normalize_term  # noqa: E402
from uncertain.render import CANDIDATE_GAP, doubtful_spans  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

GAPS: tuple[float | None, ...] = (None, 0.4, 0.3, 0.2, 0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devset", type=Path, default=WORK / "devset")
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    args = parser.parse_args()
    refs = args.devset / "refs.jsonl"
    if not refs.is_file():
        print(f"no dev set at {args.devset}: run benchmarks/devset.py build", file=sys.stderr)
        return 1
    items = [json.loads(line) for line in refs.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    items = [it for it in items if args.split == "all" or it["split"] == args.split]
    validator = Validator()
    counts: dict[tuple[str, float | None], Counter[str]] = {}
    for item in items:
        doc = validator.validate(calibrate_document(run_stage(item, args.devset), "auto"))
        said = {normalize_term(t["canonical"]) for t in item["terms"]}
        by_range = {(f.start, f.end): f for f in doc.flags}
        for gap in GAPS:
            tally = counts.setdefault((item["modality"], gap), Counter())
            for span in doubtful_spans(doc, candidate_gap=gap):
                flag = by_range.get((span.word_start, span.word_end))
                if flag is None or not span.candidates:
                    continue
                canonical = {c.term: normalize_term(c.canonical) for c in flag.candidates}
                tally["spans"] += 1
                tally["top1_right"] += canonical.get(span.candidates[0]) in said
                for term in span.candidates[1:]:
                    tally["runner_ups"] += 1
                    tally["runner_ups_right"] += canonical.get(term) in said
    print(f"dev set: {args.devset} (split {args.split}, {len(items)} items); "
          f"default candidate_gap: {CANDIDATE_GAP}\n")
    print(f"{'modality':<9}{'gap':>6}{'spans':>7}{'top-1 right':>13}{'runner-ups':>12}"
          f"{'right':>7}{'kept':>7}")
    for modality in ("audio", "image", "text"):
        everything = counts.get((modality, None), Counter())
        for gap in GAPS:
            c = counts.get((modality, gap), Counter())
            kept = (f"{c['runner_ups'] / everything['runner_ups']:.0%}"
                    if everything["runner_ups"] else "-")
            print(f"{modality:<9}{'none' if gap is None else gap:>6}{c['spans']:>7}"
                  f"{c['top1_right']:>13}{c['runner_ups']:>12}{c['runner_ups_right']:>7}"
                  f"{kept:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
