"""Every flag the validator puts on the dev sets, written down, and what moved between two trees.

The recovery and false-flag figures of ``benchmarks/validate_quality.py`` move only when
a change reaches a drug mention or a correct word of a test split; a change of the
validator can reorder candidates, shift confidences or add flags on wrong words without
moving a figure. This benchmark writes every flag of every item of one or more built
sets (``benchmarks/devset.py build``), a line each, so that two states of the code can be
compared flag by flag:

    .venv/bin/python benchmarks/flag_dump.py dump --out flags.json \\
        [--devset benchmarks/_work/devset --devset benchmarks/_work/devset-piper ...]
        [--split all|dev|test] [--rescore] [--cache DIR]
    .venv/bin/python benchmarks/flag_dump.py diff OLD.json NEW.json [--limit N]

``dump`` takes each item's stage output from ``validate_quality.py``'s cache (the stage is
run and cached when it is missing: transcribing a whole set takes minutes), calibrates
it as ``uncertain annotate`` does by default, validates it with the shipped lexicons and,
with ``--rescore``, runs the acoustic second pass on the audio. ``--cache DIR`` reads and
writes the stage outputs under ``DIR`` (another checkout's ``benchmarks/_work/
validate_quality``, say), so that a second tree is measured on the very same transcripts.
The stage cache is keyed by the stage's code: a tree whose stages differ transcribes
again, and its flags differ for that reason too.

A flag's line holds its reason, word range, text, confidence and first three candidates
with their scores. ``diff`` prints the lines only one dump has, item by item, and counts
them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import validate_quality as vq  # noqa: E402

from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.document import Document, Flag  # noqa: E402
from uncertain.validate import Validator  # noqa: E402


def flag_line(flag: Flag) -> str:
    """One flag as a line: what it says, where, how sure, and its first three candidates."""
    cands = ", ".join(f"{c.term}={c.score:.3f}" for c in flag.candidates[:3])
    conf = "-" if flag.confidence is None else f"{flag.confidence:.3f}"
    return f"{flag.reason} {flag.start}-{flag.end} {flag.text!r} p={conf} [{cands}]"


def dump(devsets: list[Path], split: str, rescore: bool) -> dict[str, list[str]]:
    """Every flag of every item of ``devsets``, keyed ``SET/ITEM``."""
    validator = Validator()
    model = None
    if rescore:
        from uncertain.models import load_model

        model = load_model(None)
    out: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for devset in devsets:
        items = vq.load_items(devset, split)
        for n, item in enumerate(items, 1):
            doc: Document = vq.run_stage(item, devset)
            doc = calibrate_document(doc, "auto")
            doc = validator.validate(doc)
            if model is not None and item["modality"] == "audio":
                from uncertain.rescore import rescore as second_pass

                doc = second_pass(doc, model=model)
            out[f"{devset.name}/{item['id']}"] = [flag_line(f) for f in doc.flags]
            if n % 50 == 0:
                print(f"  {devset.name}: {n}/{len(items)} items "
                      f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return out


def diff(old: dict[str, list[str]], new: dict[str, list[str]], limit: int) -> Counter[str]:
    """Print the flag lines only one of ``old`` and ``new`` has, item by item; count them."""
    counts: Counter[str] = Counter()
    shown = 0
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new:
            counts["items in one dump only"] += 1
            continue
        before, after = Counter(old[key]), Counter(new[key])
        gone, came = before - after, after - before
        if not gone and not came:
            continue
        counts["items changed"] += 1
        counts["lines removed"] += sum(gone.values())
        counts["lines added"] += sum(came.values())
        if shown < limit:
            shown += 1
            print(key)
            for line in sorted(gone.elements()):
                print(f"  - {line}")
            for line in sorted(came.elements()):
                print(f"  + {line}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write every flag of the sets to a JSON file")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--devset", type=Path, action="append",
                   help="a built set (repeatable; default benchmarks/_work/devset)")
    d.add_argument("--split", choices=["all", "dev", "test"], default="all")
    d.add_argument("--rescore", action="store_true",
                   help="run the acoustic second pass on the audio too")
    d.add_argument("--cache", type=Path, default=None,
                   help="where the stage outputs are cached (default: this tree's "
                   "benchmarks/_work/validate_quality)")
    c = sub.add_parser("diff", help="the flag lines only one of two dumps has")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    c.add_argument("--limit", type=int, default=200, help="items printed at most")
    args = parser.parse_args(argv)
    if args.command == "dump":
        if args.cache is not None:
            vq.CACHE = args.cache.resolve()
        devsets = args.devset or [vq.DEFAULT_SET]
        missing = [str(d) for d in devsets if not (d / "refs.jsonl").is_file()]
        if missing:
            print(f"no built set at {', '.join(missing)}: build it with "
                  "benchmarks/devset.py build --out DIR", file=sys.stderr)
            return 2
        flags = dump(devsets, args.split, args.rescore)
        args.out.write_text(json.dumps(flags, indent=0, sort_keys=True), encoding="utf-8")
        lines = sum(len(v) for v in flags.values())
        print(f"{lines} flags on {len(flags)} items of {len(devsets)} set(s) -> {args.out}")
        return 0
    old = json.loads(args.old.read_text(encoding="utf-8"))
    new = json.loads(args.new.read_text(encoding="utf-8"))
    counts = diff(old, new, args.limit)
    print(f"{sum(len(v) for v in old.values())} flags in {args.old}, "
          f"{sum(len(v) for v in new.values())} in {args.new}; "
          + (", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no difference"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
