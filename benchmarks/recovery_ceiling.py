"""How far spelling and sound can go: the drug mentions the validator misses, and whether
any window of the words heard there could have found them.

On the dev set's audio (``benchmarks/devset.py``; stage output cached by
``validate_quality.py``), each item runs through the shipped calibration and the
validator, as ``uncertain annotate`` does. A mention is *missed* when it is neither
transcribed exactly nor among the first three candidates of any flag (the
``validate_quality.py`` measure). For each missed mention, the heard words aligned to it
(the hypothesis aligned to the reference with rapidfuzz Levenshtein opcodes, two words
of margin on each side: an alignment of garbled words is loose) are the *place*; every
window of one to five of those words is searched as the validator searches a window
named as a drug (the index's nearest terms and the common drug names nearest its
phones, ``wide``, scored by spelling, sound, onset and prior:
:meth:`uncertain._candidates.CandidateSearch.similar`), and the mention counts as:

- ``not heard``: no heard word is aligned to it (the recogniser dropped it);
- ``top 3``: some window ranks the right drug among its first three by match;
- ``top 16``: some window ranks it 4th to 16th: within the list the acoustic second pass
  weighs when the drug is commonly prescribed;
- ``beyond``: no window ranks it among 16: spelling and sound cannot find it, whatever the
  window choice, context weights or thresholds.

Mentions in ``top 3`` or ``top 16`` are what window choice and ranking could still win;
``beyond`` and ``not heard`` bound recovery from above, for this recogniser, whatever the
validator does.

    .venv/bin/python benchmarks/recovery_ceiling.py [--split all|dev|test] [--show]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rapidfuzz.distance import Levenshtein  # noqa: E402
from validate_quality import DEFAULT_SET, contains, load_items, run_stage, tokens  # noqa: E402

from uncertain._words import word_key  # noqa: E402
from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.lexicon import normalize_term  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

CLASSES = ("top 3", "top 16", "beyond", "not heard")
#: words of the hypothesis searched on each side of those aligned to a mention
MARGIN = 2


def heard_tokens(doc: Document) -> tuple[list[str], list[int]]:
    """The tokens of ``doc``'s words (as :func:`validate_quality.tokens` makes them) and,
    for each, the number of the word it is of."""
    hyp: list[str] = []
    owner: list[int] = []
    for k, word in enumerate(doc.words):
        for tok in tokens(word.text):
            hyp.append(tok)
            owner.append(k)
    return hyp, owner


def place(doc: Document, reference: str, term: str) -> list[int]:
    """The word numbers of ``doc`` heard where the reference says ``term`` (with
    ``MARGIN`` words each side); empty when none is aligned to it."""
    hyp, owner = heard_tokens(doc)
    ref = tokens(reference)
    needle = tokens(term)
    start = next((i for i in range(len(ref) - len(needle) + 1)
                  if ref[i:i + len(needle)] == needle), None)
    if start is None or not needle:
        return []
    end = start + len(needle)
    # words heard for the name, and extra words heard inside it or at its edges (an
    # opcode "delete" drops hypothesis words that have no reference word)
    heard = {owner[h] for op in Levenshtein.opcodes(hyp, ref)
             if (op.tag == "delete" and start <= op.dest_start <= end)
             or (op.dest_start < end and op.dest_end > start)
             for h in range(op.src_start, op.src_end)}
    if not heard:
        return []
    return list(range(max(0, min(heard) - MARGIN), min(len(doc.words), max(heard) + MARGIN + 1)))


def best_rank(validator: Validator, doc: Document, words: list[int], canonical: str,
              limit: int = 16) -> tuple[int | None, str]:
    """The best rank (1-based) of ``canonical`` among the nearest terms of any window of
    one to five of ``words``, and that window's text."""
    best: tuple[int | None, str] = (None, "")
    search = validator.search
    for a in range(len(words)):
        for b in range(a + 1, min(len(words), a + 5) + 1):
            span = doc.words[words[a]:words[b - 1] + 1]
            key = "".join(word_key(w.text) for w in span)
            if len(key) < 4:
                continue
            said = " ".join(w.text for w in span)
            seen: list[str] = []
            for _, idx, _ in search.similar(key, "audio", limit, True, said):
                name = normalize_term(search.index.items[idx].entry.canonical)
                if name not in seen:
                    seen.append(name)
            if canonical in seen:
                rank = seen.index(canonical) + 1
                if best[0] is None or rank < best[0]:
                    best = (rank, " ".join(w.text for w in span))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_SET)
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--show", action="store_true", help="print each missed mention")
    args = parser.parse_args()
    refs = args.devset / "refs.jsonl"
    if not refs.is_file():
        print(f"no dev set at {args.devset}: run benchmarks/devset.py build", file=sys.stderr)
        return 2
    items = [it for it in load_items(args.devset, args.split)
             if it["modality"] == "audio" and it["terms"]]
    validator = Validator()
    counts: Counter[str] = Counter()
    mentions = 0
    for item in items:
        doc = validator.validate(calibrate_document(run_stage(item, args.devset), "auto"))
        hyp = [t for w in doc.words for t in tokens(w.text)]
        listed = Counter(normalize_term(c.canonical) for f in doc.flags
                         for c in f.candidates[:3])
        for term in item["terms"]:
            mentions += 1
            canonical = normalize_term(term["canonical"])
            if (contains(hyp, tokens(term["canonical"])) or contains(hyp, tokens(term["term"]))
                    or listed[canonical]):
                continue
            words = place(doc, item["text"], term["term"])
            if not words:
                verdict, rank, window = "not heard", None, ""
            else:
                rank, window = best_rank(validator, doc, words, canonical)
                verdict = ("beyond" if rank is None else "top 3" if rank <= 3 else "top 16")
            counts[verdict] += 1
            if args.show:
                heard = " ".join(doc.words[k].text for k in words)
                print(f"  {item['id']} {term['term']!r}: {verdict}"
                      + (f" (rank {rank} for {window!r})" if rank else "")
                      + f"; heard {heard!r}")
    missed = sum(counts.values())
    print(f"audio ({args.split} split): {len(items)} items, {mentions} drug mentions, "
          f"{missed} missed by the validator (not exact, not in any flag's top 3)")
    for name in CLASSES:
        share = f"{counts[name] / missed:.0%}" if missed else "-"
        print(f"  {name:<10} {counts[name]:>4}  {share:>5} of the missed")
    reach = counts["top 3"] + counts["top 16"]
    print(f"ceiling of spelling and sound: {(mentions - missed + reach) / mentions:.1%} of the "
          f"mentions (recovered now, or ranked within 16 by some window of the words heard)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
