"""Fit the shipped confidence calibrations on the dev split of the project's dev set.

The recipe behind ``uncertain/data/calibration/*.json``:

1. build the dev set if it is not there (``benchmarks/devset.py build``);
2. run the stages (the bundled Whisper ``tiny.en`` on the audio, tesseract ``eng`` on the
   images) with their default options, caching each document under
   ``benchmarks/_work/calibration/docs/`` so later runs (and ``calibration_report.py``)
   reuse them;
3. label every word right or wrong against the reference (normalised alignment);
4. per engine, on the engine's features (``uncertain.calibrate.default_features``),
   compare temperature, Platt, isotonic and Platt+isotonic scaling by document-grouped
   cross-validation on the dev split, refit the one with the lowest held-out log loss on
   the whole dev split, and write it;
5. write the dev split's feature table to ``tests/data/calibration_dev_features.json`` so
   a fast test can check the shipped files against it.

The fit includes each calibration's map of words written in digits
(:func:`uncertain.calibrate_fit.fit_numbers`). ``--numbers-only`` keeps the shipped word
maps and fits only that map on top of them: the stages' output differs a little from
machine to machine, and a word map refitted on another machine's transcripts moves the
validator's false flags by more than the number map is about.

    .venv/bin/python benchmarks/fit_calibration.py [--refresh] [--small] [--numbers-only]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain.calibrate import FEATURES, load_calibration, word_features  # noqa: E402
from uncertain.calibrate_fit import (  # noqa: E402
    fit_best,
    fit_numbers,
    format_comparison,
    labelled_words,
    word_labels,
)
from uncertain.document import Document  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from _stage_cache import stage_key  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"
DEVSET = WORK / "devset"
CACHE = WORK / "calibration" / "docs"
OUT = ROOT / "uncertain" / "data" / "calibration"
FIXTURE = ROOT / "tests" / "data" / "calibration_dev_features.json"
MODALITIES = ("audio", "image")
NAMES = {("faster-whisper", "tiny.en"): "faster-whisper-tiny.en", ("tesseract", "eng"):
         "tesseract-eng"}


def ensure_devset(devset: Path, *, small: bool = False) -> None:
    """Build the dev set with ``benchmarks/devset.py`` unless its refs.jsonl exists."""
    if (devset / "refs.jsonl").is_file():
        return
    cmd = [sys.executable, str(ROOT / "benchmarks" / "devset.py"), "build", "--out", str(devset)]
    subprocess.run([*cmd, "--small"] if small else cmd, check=True)


def load_refs(devset: Path) -> list[dict[str, Any]]:
    """The dev set's reference records."""
    lines = (devset / "refs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def cache_for(devset: Path) -> Path:
    """Where the stage output of ``devset`` is cached: ``CACHE`` for the default dev set,
    a folder of its own for any other (``devset.py --seed`` reuses the ids)."""
    if devset.resolve() == DEVSET.resolve():
        return CACHE
    return WORK / "calibration" / f"docs-{devset.resolve().name}"


def stage_documents(devset: Path, refs: Sequence[dict[str, Any]], *, cache: Path | None = None,
                    refresh: bool = False) -> dict[str, Document]:
    """Run the stage on each audio and image item (cached by id, apart for each dev set
    but the default one: ``devset.py --seed`` builds other items under the same ids, and
    in a folder per state of the stage's code and engines: ``_stage_cache``); returns
    docs by id."""
    from uncertain.ingest import ingest

    if cache is None:
        cache = cache_for(devset)
    cache.mkdir(parents=True, exist_ok=True)
    docs: dict[str, Document] = {}
    for ref in refs:
        if ref["modality"] not in MODALITIES:
            continue
        cached = cache / stage_key(ref["modality"]) / f"{ref['id']}.json"
        if cached.is_file() and not refresh:
            docs[ref["id"]] = Document.from_json(cached.read_text(encoding="utf-8"))
            continue
        started = time.perf_counter()
        doc = ingest(devset / ref["path"])
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(doc.to_json(), encoding="utf-8")
        docs[ref["id"]] = doc
        print(f"  {ref['id']}: {len(doc.words)} words, {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    return docs


def by_engine(refs: Sequence[dict[str, Any]], docs: dict[str, Document], split: str
              ) -> dict[tuple[str, str | None], list[tuple[Document, list[bool | None]]]]:
    """Documents of one split, with their word labels, grouped by (engine, model)."""
    out: dict[tuple[str, str | None], list[tuple[Document, list[bool | None]]]] = {}
    for ref in refs:
        doc = docs.get(ref["id"])
        if doc is None or ref["split"] != split:
            continue
        key = (doc.source.engine, doc.source.model)
        out.setdefault(key, []).append((doc, word_labels(doc, ref["text"])))
    return out


def feature_table(items: Sequence[tuple[Document, list[bool | None]]]) -> dict[str, Any]:
    """The labelled words of some documents as a compact table (rounded features)."""
    rows: list[list[float | None]] = []
    labels: list[int] = []
    docs: list[int] = []
    for number, (doc, labs) in enumerate(items):
        for feats, word, lab in zip(word_features(doc), doc.words, labs, strict=True):
            if lab is None or word.confidence is None:
                continue
            rows.append([None if feats[f] is None else round(float(feats[f] or 0.0), 5)
                         for f in FEATURES])
            labels.append(int(lab))
            docs.append(number)
    return {"features": list(FEATURES), "rows": rows, "labels": labels, "documents": docs}


def refit_numbers(name: str, items: Sequence[tuple[Document, list[bool | None]]],
                  out: Path) -> str:
    """Fit the number map of the shipped calibration ``name`` on ``items``, keeping its
    word map, and write it to ``out``; returns a line saying what was fitted."""
    cal = load_calibration(name)
    rows: list[dict[str, float | None]] = []
    labels: list[bool] = []
    for doc, labs in items:
        r, y = labelled_words(doc, labs)
        rows += r
        labels += y
    cal = fit_numbers(cal, rows, [float(v) for v in labels])
    if not cal.numbers:
        return f"{name}: no number map ({cal.info['numbers']}), left as it was"
    cal.save(out / f"{name}.json")
    return f"{name}: number map {cal.numbers} ({cal.info['numbers']}), wrote {cal.id}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--refresh", action="store_true", help="rerun the stages")
    parser.add_argument("--small", action="store_true", help="build the small dev set if absent")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--numbers-only", action="store_true",
                        help="keep the shipped word maps, fit only the number maps")
    args = parser.parse_args(argv)

    ensure_devset(args.devset, small=args.small)
    refs = load_refs(args.devset)
    docs = stage_documents(args.devset, refs, refresh=args.refresh)
    args.out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, Any] = {}
    for (engine, model), items in sorted(by_engine(refs, docs, "dev").items(),
                                         key=lambda kv: str(kv[0])):
        name = NAMES.get((engine, model or ""))
        if name is None:
            print(f"skipping {engine} {model}: not a shipped engine/model")
            continue
        if args.numbers_only:
            print(refit_numbers(name, items, args.out))
            continue
        cal, scores = fit_best([d for d, _ in items], [lab for _, lab in items],
                               info={"fitted_on": "dev split of benchmarks/devset.py",
                                     "recipe": "benchmarks/fit_calibration.py"})
        cal.save(args.out / f"{name}.json")
        print(format_comparison(engine, model, scores, chosen=cal.method))
        print(f"  wrote {args.out / (name + '.json')} ({cal.id}), "
              f"{cal.info['words']} words from {cal.info['documents']} documents\n")
        tables[name] = feature_table(items)
    if args.numbers_only:
        return 0
    args.fixture.write_text(json.dumps(tables, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.fixture}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
