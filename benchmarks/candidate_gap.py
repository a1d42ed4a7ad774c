"""Which suggestions the rendering should list: runner-ups kept and right, by score gap.

On the dev set (``benchmarks/devset.py``), each item runs through its stage (cached
with ``validate_quality.py``), the shipped calibration (``auto``) and the validator, as
``uncertain annotate`` does (``--rescore``: with the acoustic second pass on the audio,
its default; without, the first pass alone). For every marked span
(:func:`uncertain.render.doubtful_spans`, default threshold) it counts the spans that
list a suggestion, how often the first is a drug the reference names, and the runner-up
suggestions (second and third) with how many of them are, for several ``candidate_gap``
values (``none``: no gap rule) at the default ``min_candidate_score``, then for several
``min_candidate_score`` values at the default gap. A suggestion costs about four tokens
of markup.

    .venv/bin/python benchmarks/candidate_gap.py [--split all|dev|test] [--rescore]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from validate_quality import DEFAULT_SET, load_items, run_stage  # noqa: E402

from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.lexicon import normalize_term  # noqa: E402
from uncertain.render import CANDIDATE_GAP, MIN_CANDIDATE_SCORE, doubtful_spans  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

GAPS: tuple[float | None, ...] = (None, 4.0, 3.0, 2.0, 1.5, 1.0, 0.5)
FLOORS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devset", type=Path, default=DEFAULT_SET)
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--rescore", action="store_true",
                        help="run the acoustic second pass on the audio first")
    args = parser.parse_args()
    refs = args.devset / "refs.jsonl"
    if not refs.is_file():
        print(f"no dev set at {args.devset}: run benchmarks/devset.py build", file=sys.stderr)
        return 1
    items = load_items(args.devset, args.split)
    validator = Validator()
    model = None
    if args.rescore:
        from uncertain.models import load_model
        from uncertain.rescore import rescore

        model = load_model(None)
    settings = [("gap", gap, MIN_CANDIDATE_SCORE) for gap in GAPS] + [
        ("floor", CANDIDATE_GAP, floor) for floor in FLOORS]
    counts: dict[tuple[str, int], Counter[str]] = {}
    for item in items:
        doc = validator.validate(calibrate_document(run_stage(item, args.devset), "auto"))
        if model is not None and item["modality"] == "audio":
            doc = rescore(doc, model=model)
        said = {normalize_term(t["canonical"]) for t in item["terms"]}
        by_range = {(f.start, f.end): f for f in doc.flags}
        for k, (_, gap, floor) in enumerate(settings):
            tally = counts.setdefault((item["modality"], k), Counter())
            for span in doubtful_spans(doc, candidate_gap=gap, min_candidate_score=floor):
                if span.word_start is None or span.word_end is None:
                    continue
                flag = by_range.get((span.word_start, span.word_end))
                if flag is None or not span.candidates:
                    continue
                canonical = {c.term: normalize_term(c.canonical) for c in flag.candidates}
                tally["spans"] += 1
                tally["top1_right"] += canonical.get(span.terms[0]) in said
                for term in span.terms[1:]:
                    tally["runner_ups"] += 1
                    tally["runner_ups_right"] += canonical.get(term) in said
    print(f"dev set: {args.devset} (split {args.split}, {len(items)} items"
          f"{', audio rescored' if args.rescore else ''}); defaults: candidate_gap "
          f"{CANDIDATE_GAP}, min_candidate_score {MIN_CANDIDATE_SCORE}\n")
    print(f"{'modality':<9}{'gap':>6}{'floor':>7}{'spans with':>12}{'first':>7}"
          f"{'runner-ups':>12}{'right':>7}")
    print(f"{'':<9}{'':>6}{'':>7}{'a suggestion':>12}{'right':>7}")
    for modality in ("audio", "image", "text"):
        for k, (_, gap, floor) in enumerate(settings):
            c = counts.get((modality, k), Counter())
            print(f"{modality:<9}{'none' if gap is None else gap:>6}{floor:>7}"
                  f"{c['spans']:>12}{c['top1_right']:>7}{c['runner_ups']:>12}"
                  f"{c['runner_ups_right']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
