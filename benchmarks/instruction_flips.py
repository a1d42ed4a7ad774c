"""How often tiny.en flips an instruction's word, and what the acoustic check of it catches.

The acoustic pass (:mod:`uncertain.rescore`) scores, for each word heard in doubt that
would flip an instruction ("Start" for "Stop", "15" for "50": :mod:`uncertain._flips`),
its counterpart against the audio, and flags the word when the counterpart explains the
audio no worse than the word heard less ``flip_gap`` nats (a teen or its tens) or
better by ``flip_word_gap`` (an opposite), each word in a window of its own. This
script reads the transcripts ``benchmarks/validate_quality.py`` cached for each built
dev set, aligns them to the references as ``uncertain eval`` does, and for every word
of the class heard (right, flipped into its counterpart, or otherwise wrong) scores the
counterpart with the pass's own windows and scoring, with the language prior subtracted (as the
pass scores names) and without it (as it scores these words). It prints how many such
words were flipped, and for a grid of confidences and gaps how many right words a rule
would flag and how many flips it would catch, and the scoring's CPU time as a fraction
of the audio's duration (every word of the class, the prior subtracted: more than the
pass spends).

``--validate`` also validates each transcript (calibrated as ``uncertain annotate``
does) and counts the flags the pass adds with its defaults: on words the validator left
unflagged, heard below ``flip_confidence``; on right words (per 1,000 right words of the
audio), on flips and on words otherwise wrong.

    .venv/bin/python benchmarks/instruction_flips.py [--work benchmarks/_work]
        [--devset DIR ...] [--split dev|test|all] [--validate] [--show] [--json FILE]

Transcripts not cached at the current stage code are read from an older cache of the
same set when there is one (said in the output): the first pass is not run here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _stage_cache import stage_key  # noqa: E402

from uncertain._acoustic import clips, scorer_for  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.metrics import align_words  # noqa: E402
from uncertain.rescore import (  # noqa: E402
    RescoreOptions,
    _own_confidence,
    acoustic_scores,
    flip_margin,
    flip_windows,
    flip_words,
)

WORK = ROOT / "benchmarks" / "_work"


@dataclass
class Row:
    where: str
    heard: str
    said: str | None
    kind: str  # "right", "flip" (said the counterpart), "wrong"
    confidence: float
    gap: float | None  # counterpart - heard, nats, the prior subtracted
    gap_raw: float | None  # the same, the prior not subtracted


def cached_doc(devset: Path, item_id: str, work: Path = WORK
               ) -> tuple[Document, bool] | None:
    """The cached transcript of an item, and whether it is of the current stage code."""
    cache = work / "validate_quality"
    base = cache if devset.resolve() == (work / "devset").resolve() else (
        cache / "sets" / devset.resolve().name)
    current = base / "audio" / stage_key("audio") / f"{item_id}.json"
    if current.is_file():
        return Document.from_json(current.read_bytes()), True
    older = sorted((base / "audio").glob(f"*/{item_id}.json"),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    return (Document.from_json(older[0].read_bytes()), False) if older else None


def said_by_word(item: dict, doc: Document) -> dict[int, str | None]:
    """For each word heard as one token, the reference token aligned to it (None where
    the word has no counterpart token in the reference)."""
    words = doc.words
    aligned = align_words(item["text"], [w.text for w in words],
                          glued=[w.space_after is False for w in words])
    pair: dict[int, str] = {}
    for op in aligned.ops:
        if op.tag == "equal" or (op.tag == "replace" and op.i2 - op.i1 == op.j2 - op.j1):
            for k in range(op.j2 - op.j1):
                pair[op.j1 + k] = aligned.ref_tokens[op.i1 + k]
    out: dict[int, str | None] = {}
    for j, owner in enumerate(aligned.owner):
        if len(owner) == 1 and sum(1 for o in aligned.owner if owner[0] in o) == 1:
            out[owner[0]] = pair.get(j)
    return out


def heard_token(text: str) -> str:
    from uncertain.metrics import normalize

    return normalize(text)


def gaps(doc: Document, scorer: object, opts: RescoreOptions,
         validated: Document | None = None) -> dict[int, float | None]:
    """The counterpart's gap of each word of the class, by word index: of any confidence,
    or those the pass weighs in ``validated`` (below ``flip_confidence``, in no flag)."""
    words = doc.words
    flips = doc.model_copy(update={"flags": flip_words(
        doc.model_copy(update={"flags": []}), 1.01) if validated is None else flip_words(
        validated, opts.flip_confidence)})
    groups = flip_windows(flips, words, opts)
    out: dict[int, float | None] = {}
    for group, clip in zip(groups, clips(flips, [(g.start, g.end) for g in groups], None),
                           strict=True):
        for job, scores in zip(group.jobs, acoustic_scores(flips, words, group, clip,
                                                           scorer, opts),  # type: ignore[arg-type]
                               strict=True):
            out[flips.flags[job.flag].start] = (None if scores is None
                                                else scores[1][0] - scores[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=WORK,
                        help="the folder of the built sets and validate_quality's cache")
    parser.add_argument("--devset", type=Path, nargs="+",
                        help="built sets (default: every devset* of --work)")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--show", action="store_true", help="print every word not right")
    parser.add_argument("--json", type=Path, help="write the rows here")
    parser.add_argument("--validate", action="store_true",
                        help="also validate each transcript (calibrated as uncertain annotate "
                        "does) and count the flags the pass adds with its defaults")
    args = parser.parse_args()
    if not args.devset:
        args.devset = sorted(p for p in args.work.glob("devset*") if p.is_dir())
    from uncertain._flips import counterparts

    rows: list[Row] = []
    right_words = 0
    seconds = cpu = 0.0
    older: Counter[str] = Counter()
    scorer = None
    with_prior, raw = RescoreOptions(), RescoreOptions(prior_weight=0.0)
    added: Counter[str] = Counter()
    validator = None
    if args.validate:
        from uncertain.calibrate import calibrate_document
        from uncertain.validate import Validator

        validator = Validator()
    for devset in args.devset:
        lines = (devset / "refs.jsonl").read_text(encoding="utf-8").splitlines()
        for item in map(json.loads, filter(str.strip, lines)):
            if item["modality"] != "audio" or args.split not in ("all", item["split"]):
                continue
            found = cached_doc(devset, item["id"], args.work)
            if found is None:
                continue
            doc, current = found
            if not current:
                older[devset.name] += 1
            path = devset / item["path"]
            doc = doc.model_copy(update={"source": doc.source.model_copy(
                update={"path": str(path)})})
            said = said_by_word(item, doc)
            words = doc.words
            aligned = align_words(item["text"], [w.text for w in words],
                                  glued=[w.space_after is False for w in words])
            right_words += sum(1 for ok in aligned.words if ok)
            if not any(counterparts(w.text) for w in words):
                continue
            if scorer is None:
                scorer = scorer_for(doc, pad_seconds=with_prior.pad_seconds)
            c0 = time.process_time()
            prior_gaps = gaps(doc, scorer, with_prior)
            cpu += time.process_time() - c0
            raw_gaps = gaps(doc, scorer, raw)
            if validator is not None:
                validated = validator.validate(calibrate_document(doc, "auto"))
                for k, gap in gaps(doc, scorer, raw, validated).items():
                    if gap is not None and gap >= flip_margin(words[k].text, raw):
                        others = counterparts(words[k].text)
                        ref = said.get(k)
                        kind = ("right" if ref == heard_token(words[k].text) else "flip"
                                if ref == heard_token(others[0]) else "wrong")
                        added[kind] += 1
                        if args.show:
                            print(f"  the pass flags {kind} {words[k].text!r} (said {ref!r}) "
                                  f"in {devset.name}/{item['id']}, gap {gap:.2f}")
            seconds += doc.source.duration or 0.0
            for k, word in enumerate(words):
                others = counterparts(word.text)
                if not others or k not in said:
                    continue
                heard = heard_token(word.text)
                other = heard_token(others[0])
                ref = said[k]
                kind = "right" if ref == heard else "flip" if ref == other else "wrong"
                rows.append(Row(f"{devset.name}/{item['id']}", word.text, ref, kind,
                                _own_confidence(doc, word) or 0.0,
                                prior_gaps.get(k), raw_gaps.get(k)))
    kinds = Counter(r.kind for r in rows)
    print(f"split {args.split}: {len(rows)} words of the class heard in "
          f"{', '.join(d.name for d in args.devset)}: {kinds['right']} right, "
          f"{kinds['flip']} flipped (the counterpart said), {kinds['wrong']} otherwise wrong;"
          f" {right_words} right words in all")
    if older:
        print("read from an older stage code's cache: "
              + ", ".join(f"{k} {v}" for k, v in sorted(older.items())))
    flips = Counter((r.heard.lower().strip(".,"), r.said) for r in rows if r.kind == "flip")
    print("flips (heard, said): " + ", ".join(f"{h}->{s} x{n}" for (h, s), n in
                                             flips.most_common()))
    if args.show:
        for r in rows:
            if r.kind != "right" or (r.gap_raw is not None and r.gap_raw > -3):
                print(f"  {r.kind:5} {r.where:38} {r.heard!r:14} said {r.said!r:14} "
                      f"p={r.confidence:.2f} gap {r.gap} raw {r.gap_raw}")
    numbers = {"words": lambda r: not r.heard.strip(".,-").isdigit()
               and not r.heard.lower().strip(".,").endswith(("teen", "ty")),
               "numbers": lambda r: r.heard.strip(".,-").isdigit()
               or r.heard.lower().strip(".,").endswith(("teen", "ty"))}
    for name, which in numbers.items():
        part = [r for r in rows if which(r)]
        print(f"\n{name}: {Counter(r.kind for r in part)}")
        for label, attr in (("prior subtracted", "gap"), ("raw", "gap_raw")):
            print(f"  {label}: right words flagged / flips caught, by confidence below "
                  "(rows) and gap at least (columns)")
            grid = (-1.0, -2.0, -3.0, -4.0)
            print("    conf  " + "  ".join(f"{g:>9}" for g in grid))
            for below in (0.5, 0.7, 0.8, 0.9, 0.95):
                cells = []
                for g in grid:
                    hit = [r for r in part if r.confidence < below
                           and getattr(r, attr) is not None and getattr(r, attr) >= g]
                    cells.append(f"{sum(r.kind == 'right' for r in hit):>4}/"
                                 f"{sum(r.kind == 'flip' for r in hit):<4}")
                print(f"    {below:<5} " + "  ".join(cells))
    if validator is not None:
        print(f"\nflags the pass adds (validated transcripts, flip_confidence "
              f"{raw.flip_confidence}, flip_gap {raw.flip_gap}, flip_word_gap "
              f"{raw.flip_word_gap}): on {added['right']} right "
              f"words ({1000 * added['right'] / max(1, right_words):.2f} per 1,000 right "
              f"words), {added['flip']} flips, {added['wrong']} words otherwise wrong")
    if seconds:
        print(f"\nscoring the counterparts (prior subtracted, every word of the class): "
              f"{cpu:.1f} s CPU for {seconds:.0f} s of audio ({cpu / seconds:.2%})")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
