"""Which acoustic scoring picks the drug that was said, and what it costs.

On the audio items of the dev set (``benchmarks/devset.py build --out
benchmarks/_work/devset``: espeak-ng dictations, several voices, noise, telephone band),
each clip is transcribed (the first pass, timed), validated, then rescored by each method:

- ``align-own`` (the default): teacher-forced token log-probabilities (CTranslate2
  ``Whisper.align``) of ``<before> <hypothesis> <after>`` in the window encoded at its
  own length, total over the hypothesis and the words after it, minus the same for
  silence (the decoder's language prior); flags of one 30 s stretch share a window;
- ``align-own-noprior``: without subtracting the prior; ``align-own-mean``: per-token
  mean instead of the total; ``align-own-casings``: candidates also capitalised, the
  better of the two kept (the default scores them only as the lexicon writes them);
- ``align-10s`` / ``align-30s``: the window padded to 10 s / to Whisper's 30 s input
  (the decoder attends to the window and 1 s after it; ``align-30s-untrimmed``: to all
  30 s); ``align-30s-noprior``, ``align-30s-prior1.5``: prior weight 0 / 1.5;
- ``nbest-match``: CTranslate2 ``generate`` with ``num_hypotheses=5`` on the window (30 s
  input), a candidate scored by how closely its spelling matches each hypothesis,
  weighted by the hypothesis's probability.

Reported per method: top-1 accuracy of the true drug among the candidates of the flags
that list it (``validator`` is the order without audio), the share of all said drug names
that end up first on a flag, flags left on the general (non-medical) clips and on
medical clips where no drug is, and the extra time as a fraction of the first pass (CPU
seconds of this process, and wall seconds). Then, because the validator lists the drug
said on few flags, a harder test of the scoring itself: for each drug name the first
pass got wrong, a flag over the words heard in its place (found by aligning reference and
transcript) listing the drug and the four lexicon terms nearest to what was heard, ranked
by spelling and sound; top-1 of the true drug after folding in the audio at several
weights. Last, what ``add_nbest`` costs. ``--fit`` also prints the acoustic gaps of right
and wrong flags (``RescoreOptions.offset``) and a weight grid.

    .venv/bin/python benchmarks/rescore_methods.py [--devset DIR] [--split dev|test|all]
        [--limit N] [--methods align-30s,nbest-match] [--fit] [--cache DIR]

``--cache`` reuses transcripts and first-pass times of an earlier run (for development;
the figures reported come from a run without it).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from uncertain._acoustic import Request, WhisperScorer
from uncertain._context import strip_punct
from uncertain._index import compact
from uncertain._phonetic import sound_key
from uncertain.asr import transcribe
from uncertain.audio import decode
from uncertain.document import Candidate, Document, Flag
from uncertain.models import load_model
from uncertain.nbest import add_nbest
from uncertain.rescore import RescoreOptions, fold, rescore
from uncertain.validate import Validator, validate

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "benchmarks" / "_work" / "devset"


class NbestMatchScorer:
    """Scores a text by how well it matches the window's n-best hypotheses (a ``Scorer``).

    ``log sum_h P(h) exp(kappa * (similarity(text, h) - 1))``, with the spelling similarity
    of the compact text to the best-matching part of the hypothesis.
    """

    def __init__(self, scorer: WhisperScorer, *, n: int = 5, kappa: float = 10.0) -> None:
        self.scorer = scorer
        self.n = n
        self.kappa = kappa

    def score(self, audio: np.ndarray, requests: Sequence[Request]) -> list[list[list[float]]]:
        hyps = self.scorer.nbest(audio, self.n)
        totals = np.array([t for _, t in hyps])
        post = np.exp(totals - totals.max())
        post /= post.sum()
        keys = [compact(h) for h, _ in hyps]
        out = []
        for prefix, texts in requests:
            head = compact(prefix)
            rows = []
            for text in texts:
                key = compact(text)
                sims = [fuzz.partial_ratio(key, k[len(head) // 2:]) / 100.0 for k in keys]
                value = sum(p * math.exp(self.kappa * (s - 1.0)) for p, s in zip(post, sims,
                                                                                strict=True))
                rows.append([math.log(max(value, 1e-12))])
            out.append(rows)
        return out

    def prior(self, samples: int, requests: Sequence[Request]) -> list[list[list[float]]]:
        """No language prior: a match with the hypotheses has none to subtract (the
        method runs with ``prior_weight`` 0; this keeps the class a ``Scorer``)."""
        return [[[0.0] for _ in texts] for _, texts in requests]


@dataclass
class Method:
    name: str
    options: RescoreOptions
    nbest: bool = False
    trim_seconds: float | None = 1.0


DEFAULT = RescoreOptions()
BASE = replace(DEFAULT, drop_below=0.0)  # keep every flag; drop when evaluating
METHODS = {m.name: m for m in (
    Method("align-own", BASE),
    Method("align-own-noprior", replace(BASE, prior_weight=0.0)),
    Method("align-own-mean", replace(BASE, normalise="mean")),
    Method("align-own-casings", replace(BASE, casings=True)),
    Method("align-10s", replace(BASE, pad_seconds=10.0)),
    Method("align-30s", replace(BASE, pad_seconds=30.0)),
    Method("align-30s-noprior", replace(BASE, pad_seconds=30.0, prior_weight=0.0)),
    Method("align-30s-prior1.5", replace(BASE, pad_seconds=30.0, prior_weight=1.5)),
    Method("align-30s-untrimmed", replace(BASE, pad_seconds=30.0), trim_seconds=None),
    Method("nbest-match", replace(BASE, context_before=0, context_after=0, share_windows=False,
                                  casings=False, prior_weight=0.0, pad_seconds=30.0),
           nbest=True),
)}


@dataclass
class Clip:
    id: str
    kind: str
    split: str
    truths: list[str]
    doc: Document
    audio: np.ndarray
    text: str = ""
    terms: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Tally:
    cpu: float = 0.0
    wall: float = 0.0
    docs: list[Document] = field(default_factory=list)


def canon(text: str) -> str:
    return text.casefold().strip()


def load_clips(devset: Path, split: str, limit: int | None, cache: Path | None
               ) -> tuple[list[Clip], Tally]:
    refs = [json.loads(line) for line in (devset / "refs.jsonl").read_text().splitlines()
            if line.strip()]
    refs = [r for r in refs if r["modality"] == "audio" and (split == "all" or r["split"] == split)]
    if limit:
        refs = refs[:limit]
    clips: list[Clip] = []
    first = Tally()
    for ref in refs:
        path = devset / ref["path"]
        stored = cache / f"{ref['id']}.json" if cache else None
        if stored is not None and stored.is_file():
            record = json.loads(stored.read_text())
            doc = Document.from_json(record["doc"])
            first.cpu += record["cpu"]
            first.wall += record["wall"]
        else:
            c0, w0 = time.process_time(), time.perf_counter()
            doc = transcribe(path)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            first.cpu += cpu
            first.wall += wall
            if stored is not None:
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_text(json.dumps({"doc": doc.to_json(), "cpu": cpu, "wall": wall}))
        doc = validate(doc)
        clips.append(Clip(ref["id"], ref["meta"]["kind"], ref["split"],
                          [canon(t["canonical"]) for t in ref["terms"]], doc, decode(path),
                          ref["text"], ref["terms"]))
        print(f"  {ref['id']}: {len(doc.words)} words, {len(doc.flags)} flags", file=sys.stderr)
    return clips, first


def is_drug_flag(flag_candidates: Sequence[str], truths: Sequence[str]) -> bool:
    return any(c in truths for c in flag_candidates)


def evaluate(clips: Sequence[Clip], docs: Sequence[Document], *,
             options: RescoreOptions | None = None, refold: bool = False) -> dict[str, float]:
    """Accuracy figures of rescored ``docs``; with ``refold``, the acoustic gaps recorded
    in ``docs`` are folded into the validator's flags again under ``options``."""
    opts = options or RescoreOptions()
    listed = top1 = recovered = said = 0
    other_before = other_after = general_after = general_before = 0
    for clip, doc in zip(clips, docs, strict=True):
        flags = [f for f in doc.flags if f.reason != "verified"]
        if refold:
            flags = [refolded(clip.doc, f, opts) for f in flags]
        said += len(clip.truths)
        found: set[str] = set()
        for flag in flags:
            names = [canon(c.canonical) for c in flag.candidates]
            kept = flag.confidence is None or flag.confidence >= opts.drop_below
            if is_drug_flag(names, clip.truths):
                listed += 1
                if names[0] in clip.truths:
                    top1 += 1
                    if kept:
                        found.add(names[0])
            elif clip.kind == "general":
                general_before += 1
                general_after += kept
            else:
                other_before += 1
                other_after += kept
        recovered += len(found)
    return {"listed": listed, "top1": top1 / max(1, listed), "recovered": recovered / max(1, said),
            "said": said, "general_flags": general_before, "general_kept": general_after,
            "other_flags": other_before, "other_kept": other_after}


def refolded(validated: Document, flag: Flag, opts: RescoreOptions) -> Flag:
    """The validator's flag at ``flag``'s place (or its hunch, for a flag the pass made
    of one), folded again with ``flag``'s gaps."""
    hunches = validated.validation.hunches if validated.validation is not None else []
    original = next((f for f in [*validated.flags, *hunches]
                     if (f.start, f.end) == (flag.start, flag.end)), None)
    return flag if original is None else refold_flag(original, flag, opts)


def _norm_words(text: str) -> list[str]:
    return [strip_punct(w).casefold() for w in text.split()]


def oracle_flags(clip: Clip, validator: Validator) -> list[tuple[Flag, str]]:
    """For each drug said, a flag over the words heard in its place (found by aligning the
    reference to the transcript) listing the drug and the four lexicon terms nearest to
    what was heard, scored by spelling and sound only; with the true canonical name."""
    ref = _norm_words(clip.text)
    heard_words = clip.doc.words
    heard = _norm_words(" ".join(w.text for w in heard_words))
    if len(heard) != len(heard_words):
        return []
    out: list[tuple[Flag, str]] = []
    for term in clip.terms:
        said = _norm_words(term["term"])
        at = next((i for i in range(len(ref)) if ref[i:i + len(said)] == said), None)
        if at is None:
            continue
        lo, hi = at, at + len(said)
        dest = [(op.dest_start, op.dest_end) for op in Levenshtein.opcodes(ref, heard)
                if op.src_start < hi and op.src_end > lo and op.dest_end > op.dest_start]
        if not dest:
            continue
        start, end = min(d[0] for d in dest), max(d[1] for d in dest)
        if op_equal(ref[lo:hi], heard[start:end]) or end - start > 4:
            continue  # heard right (nothing to recover) or no clear place
        key = compact(" ".join(heard[start:end]))
        truth = canon(term["canonical"])
        names = {truth}
        others = []
        for idx in validator.index.near(key, limit=12):
            entry = validator.index.items[idx].entry
            if canon(entry.canonical) not in names:
                names.add(canon(entry.canonical))
                others.append((entry.term, entry.canonical))
            if len(others) == 4:
                break
        terms = [(term["term"], term["canonical"]), *others]
        candidates = [Candidate(term=t, canonical=c, score=string_score(key, t), lexicon="drugs")
                      for t, c in terms]
        candidates.sort(key=lambda c: -c.score)
        out.append((Flag(reason="near_lexicon", text=" ".join(heard[start:end]), start=start,
                         end=end, confidence=0.7, candidates=candidates), truth))
    return out


def op_equal(a: Sequence[str], b: Sequence[str]) -> bool:
    return "".join(a) == "".join(b)


def string_score(key: str, term: str) -> float:
    """How alike the heard spelling and a term are, by spelling and sound (0.05-0.95)."""
    other = compact(term)
    similarity = (fuzz.ratio(key, other) + fuzz.ratio(sound_key(key), sound_key(other))) / 200
    return round(min(0.95, max(0.05, similarity)), 4)


def oracle(clips: Sequence[Clip], model: object, validator: Validator,
           names: Sequence[str]) -> None:
    """Top-1 of the true drug among hard candidates, string order vs each method."""
    cases = [(clip, oracle_flags(clip, validator)) for clip in clips]
    cases = [(clip, found) for clip, found in cases if found]
    total = sum(len(found) for _, found in cases)
    if not total:
        return
    string = sum(f.candidates[0].canonical.casefold() == truth
                 for _, found in cases for f, truth in found)
    weights = (0.25, 0.5, 1.0, 2.0, 100.0)
    print(f"\nhard candidates: {total} misheard drug names, the name and the 4 lexicon terms "
          f"nearest to what was heard; top-1 by weight of the audio (100: audio only)")
    print(f"{'method':20s} " + " ".join(f"{w:>6g}" for w in weights))
    print(f"{'spelling+sound':20s} {string / total:6.1%}")
    for name in names:
        method = METHODS[name]
        whisper = WhisperScorer(model, pad_seconds=method.options.pad_seconds,
                                trim_seconds=method.trim_seconds)
        scorer = NbestMatchScorer(whisper) if method.nbest else whisper
        hits = dict.fromkeys(weights, 0)
        for clip, found in cases:
            doc = clip.doc.model_copy(update={"flags": [f for f, _ in found]})
            out = rescore(doc, audio=clip.audio, options=method.options, scorer=scorer)
            for (flag, truth), done in zip(found, out.flags, strict=True):
                for weight in weights:
                    again = refold_flag(flag, done, replace(method.options, weight=weight))
                    hits[weight] += again.candidates[0].canonical.casefold() == truth
        print(f"{name:20s} " + " ".join(f"{hits[w] / total:6.1%}" for w in weights))


def refold_flag(original: Flag, done: Flag, opts: RescoreOptions) -> Flag:
    """``original`` folded again with the acoustic gaps recorded on ``done``: against the
    words heard, and those the candidates were ranked by (``acoustic_among``, a share of
    the prior subtracted), as the pass folds them."""
    gaps = {c.canonical: c.features.get("acoustic") for c in done.candidates}
    ranks = {c.canonical: c.features.get("acoustic_among", c.features.get("acoustic"))
             for c in done.candidates}
    heard = next((c.features["acoustic_heard"] for c in done.candidates
                  if "acoustic_heard" in c.features), None)
    if heard is None:
        return original
    # (a gap of 0.0 is a gap: only a candidate the pass did not weigh is far behind)
    acoustic = [heard + _or_far(gaps.get(c.canonical)) for c in original.candidates]
    among = [heard + _or_far(ranks.get(c.canonical)) for c in original.candidates]
    return fold(original, heard, acoustic, opts, among=among)


def _or_far(gap: float | None) -> float:
    return -50.0 if gap is None else gap


def nbest_cost(clips: Sequence[Clip], model: object, first: Tally) -> None:
    """What ``add_nbest`` costs against the first pass, and how often a drug said shows up
    among its alternatives when the first pass missed it."""
    decoder = WhisperScorer(model)
    tally = Tally()
    decoded = alternatives = missed = found = 0
    for clip in clips:
        c0, w0 = time.process_time(), time.perf_counter()
        out = add_nbest(clip.doc, audio=clip.audio, n=4, decoder=decoder)
        tally.cpu += time.process_time() - c0
        tally.wall += time.perf_counter() - w0
        decoded += sum(a != b for a, b in zip(out.segments, clip.doc.segments, strict=True))
        alts = [compact(a.text) for w in out.words for a in w.alternatives]
        alternatives += len(alts)
        heard = compact(clip.doc.text)
        for term in clip.terms:
            key = compact(term["term"])
            if key and key not in heard:
                missed += 1
                found += any(key in a for a in alts)
    print(f"\nn-best (n=4, segments with a word below 0.5): {decoded} of "
          f"{sum(len(c.doc.segments) for c in clips)} segments got alternatives, "
          f"{alternatives} alternatives; extra time {tally.cpu / first.cpu:.1%} CPU, "
          f"{tally.wall / first.wall:.1%} wall of the first pass; a drug name the first "
          f"pass missed is among the alternatives for {found} of {missed}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--split", default="all", choices=("dev", "test", "all"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--fit", action="store_true", help="print gaps and a weight grid")
    parser.add_argument("--oracle-only", action="store_true",
                        help="only the hard-candidates figures")
    parser.add_argument("--no-nbest", action="store_true", help="skip the n-best figures")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep first-pass transcripts (and their times) here between runs")
    args = parser.parse_args(argv)
    if not (args.devset / "refs.jsonl").is_file():
        print(f"no dev set at {args.devset}; build it with: .venv/bin/python "
              "benchmarks/devset.py build --out benchmarks/_work/devset", file=sys.stderr)
        return 2
    model = load_model()
    clips, first = load_clips(args.devset, args.split, args.limit, args.cache)
    seconds = sum(len(c.audio) for c in clips) / 16000
    n_flags = sum(len([f for f in c.doc.flags if f.candidates and f.reason != "verified"])
                  for c in clips)
    print(f"{len(clips)} clips ({args.split} split), {seconds:.0f} s of audio, "
          f"{sum(len(c.truths) for c in clips)} drug names said, {n_flags} flags with "
          f"candidates; first pass: {first.cpu:.1f} CPU s, {first.wall:.1f} wall s")
    base_docs = [c.doc for c in clips]
    rows: list[tuple[str, dict[str, float], Tally | None]] = [
        ("validator", evaluate(clips, base_docs), None)]
    results: dict[str, Tally] = {}
    for name in [] if args.oracle_only else args.methods.split(","):
        method = METHODS[name]
        whisper = WhisperScorer(model, pad_seconds=method.options.pad_seconds,
                                trim_seconds=method.trim_seconds)
        scorer = NbestMatchScorer(whisper) if method.nbest else whisper
        tally = Tally()
        for doc, clip in zip(base_docs, clips, strict=True):
            c0, w0 = time.process_time(), time.perf_counter()
            out = rescore(doc, audio=clip.audio, options=method.options, scorer=scorer)
            tally.cpu += time.process_time() - c0
            tally.wall += time.perf_counter() - w0
            tally.docs.append(out)
        results[name] = tally
        rows.append((name, evaluate(clips, tally.docs, options=DEFAULT, refold=True), tally))
    print()
    print(f"{'method':20s} {'top-1':>6s} {'of':>4s} {'recov':>6s} {'gen kept':>9s} "
          f"{'other kept':>11s} {'CPU x':>6s} {'wall x':>7s}")
    for name, m, spent in rows:
        cost = (f"{spent.cpu / first.cpu:6.1%} {spent.wall / first.wall:7.1%}" if spent
                else f"{'-':>6s} {'-':>7s}")
        print(f"{name:20s} {m['top1']:6.1%} {m['listed']:4d} {m['recovered']:6.1%} "
              f"{m['general_kept']:4d}/{m['general_flags']:<4d} "
              f"{m['other_kept']:5d}/{m['other_flags']:<5d} {cost}")
    if args.fit:
        fit(clips, results)
    oracle(clips, model, Validator(), args.methods.split(","))
    if not args.no_nbest:
        nbest_cost(clips, model, first)
    return 0


def quartiles(xs: Sequence[float]) -> str:
    if len(xs) < 2:
        return "-"
    return " ".join(f"{v:6.2f}" for v in statistics.quantiles(xs, n=4))


def fit(clips: Sequence[Clip], results: dict[str, Tally]) -> None:
    """Gaps of right and wrong flags, and top-1 / flags kept over a grid of weights."""
    for name, tally in results.items():
        right: list[float] = []
        wrong: list[float] = []
        for clip, doc in zip(clips, tally.docs, strict=True):
            for flag in doc.flags:
                gaps = [c.features["acoustic"] for c in flag.candidates if "acoustic" in c.features]
                if not gaps:
                    continue
                names = [canon(c.canonical) for c in flag.candidates]
                (right if is_drug_flag(names, clip.truths) else wrong).append(max(gaps))
        print(f"\n{name}: best gap quartiles, drug flags ({len(right)}): {quartiles(right)}; "
              f"other flags ({len(wrong)}): {quartiles(wrong)}")
        for weight in (0.25, 0.5, 1.0, 2.0):
            for offset in (0.0, 2.0, 4.0):
                opts = replace(DEFAULT, weight=weight, offset=offset)
                m = evaluate(clips, tally.docs, options=opts, refold=True)
                print(f"  weight {weight:4.2f} offset {offset:3.1f}: top-1 {m['top1']:6.1%} "
                      f"recovered {m['recovered']:6.1%} general kept {m['general_kept']}/"
                      f"{m['general_flags']} other kept {m['other_kept']}/{m['other_flags']}")


if __name__ == "__main__":
    raise SystemExit(main())
