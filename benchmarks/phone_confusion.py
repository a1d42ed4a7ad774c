"""Whether learned confusion costs find misheard drug names better than plain edit distance.

The phone search (:meth:`uncertain._index.LexiconIndex.near_phones`) takes the eight
commonly prescribed names whose sound classes (:func:`uncertain._phones.phone_classes`)
are nearest the words heard by ``fuzz.ratio`` (plus five points of 100 times the prior).
This measures a weighted edit distance instead, its costs learned from the recogniser's
own confusions: on the dev split of the fitting sets (default: the espeak/flite set and
the neural voice's), each drug mention heard otherwise than said (the words aligned to
it by :func:`uncertain.metrics.align_words`) gives a pair (classes said, classes heard);
the pairs are aligned at unit costs (rapidfuzz ``Levenshtein.editops``) and each edit
costs its negative log-likelihood against keeping the class said (one count of
smoothing; a substitution never seen a tenth). The names are then ranked by that
distance per class of the longer string, less ``--prior`` times the prior, among the
300 nearest by ``fuzz.ratio``.

For every mention heard wrong whose drug is in the search's pool, it prints how often the
drug is among the first 1, 3, 8 (what the search takes), 16 and 32 names, by each
ranking, for the fitting pairs, the fitting sets' test split, and the other sets (all
splits: held out). Stage output is read as ``validate_quality.py`` caches it.

Measured on the nine dev sets (117 fitting pairs), the drug is among the first 8 for 41
-> 43 of 63 test-split mentions and 314 -> 328 of 596 held-out ones. Used in the
validator (the search ranking the 300 nearest by these costs, and the ``phone`` feature
as ``1 - 0.394 * d / (len(a) + len(b))``, on ``fuzz.ratio``'s scale), recovery@3 after
the acoustic pass moved +1 and top-1 -2 of 654 held-out mentions (seven sets, all
splits), false flags 87 -> 86, and the validator's first pass took 40% more CPU
(``validate_speed.py``): not kept. The ranking finds more, but the names it adds to the
eight are mostly not the ones that then score first.

    .venv/bin/python benchmarks/phone_confusion.py [--fit devset --fit devset-piper]
        [--prior 0.5]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from validate_quality import WORK, load_items, run_stage  # noqa: E402

from uncertain._phones import phone_classes  # noqa: E402
from uncertain.lexicon import normalize_term  # noqa: E402
from uncertain.metrics import align_words, normalize  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

SETS = ("devset", "devset-piper", "devset-blind", "devset-holdout", "devset-visit",
        "devset-ward", "devset-seed11", "devset-blind-piper", "devset-visit-piper")
SHORTLIST = 300
RANKS = (1, 3, 8, 16, 32)
#: a mention heard wrong: set, split, words heard, form said, canonical
Case = tuple[str, str, str, str, str]
Costs = tuple[dict[tuple[str, str], float], dict[str, float], dict[str, float]]


def heard_wrong(name: str) -> list[Case]:
    """The drug mentions of the set's audio heard otherwise than said."""
    root = WORK / name
    out: list[Case] = []
    for item in load_items(root, "all"):
        if item["modality"] != "audio" or not item["terms"]:
            continue
        doc = run_stage(item, root)
        al = align_words(item["text"], [w.text for w in doc.words],
                         glued=[w.space_after is False for w in doc.words])
        ref, hyp = al.ref_tokens, al.hyp_tokens
        for term in item["terms"]:
            said = normalize(term["term"]).split()
            for r0 in range(len(ref) - len(said) + 1):
                if ref[r0:r0 + len(said)] != said:
                    continue
                span = [(op.j1, op.j2) for op in al.ops
                        if (op.i1 < r0 + len(said) and op.i2 > r0)
                        or (op.tag == "insert" and r0 <= op.i1 <= r0 + len(said))]
                if not span:
                    continue
                heard = " ".join(hyp[min(j for j, _ in span):max(j for _, j in span)])
                if heard and heard.replace(" ", "") != "".join(said):
                    out.append((name, item["split"], heard, term["term"],
                                normalize_term(term["canonical"])))
    return out


def fit(pairs: list[tuple[str, str]]) -> Costs:
    """Substitution, deletion and insertion costs (see the module docstring)."""
    subs: Counter[tuple[str, str]] = Counter()
    drops: Counter[str] = Counter()
    inserts: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    said: Counter[str] = Counter()
    for a, b in pairs:
        said.update(a)
        touched = set()
        for op in Levenshtein.editops(a, b):
            if op.tag == "replace":
                subs[(a[op.src_pos], b[op.dest_pos])] += 1
                touched.add(op.src_pos)
            elif op.tag == "delete":
                drops[a[op.src_pos]] += 1
                touched.add(op.src_pos)
            else:
                inserts[b[op.dest_pos]] += 1
        kept.update(ch for p, ch in enumerate(a) if p not in touched)
    symbols = sorted(set("".join(a + b for a, b in pairs)))
    total = sum(said.values())
    sub: dict[tuple[str, str], float] = {}
    delete: dict[str, float] = {}
    insert: dict[str, float] = {}
    for x in symbols:
        n = said[x] + len(symbols) + 2
        keep = math.log((kept[x] + 1) / n)
        for y in symbols:
            if x != y:
                sub[(x, y)] = -math.log((subs[(x, y)] + 0.1) / n) + keep
        delete[x] = -math.log((drops[x] + 1) / n) + keep
        insert[x] = -math.log((inserts[x] + 1) / (total + len(symbols)))
    return sub, delete, insert


def distance(said: str, heard: str, costs: Costs) -> float:
    """The weighted edit distance of ``said`` to ``heard`` (a class the costs lack: 5 to
    substitute, 2 to drop, 4 to insert)."""
    sub, delete, insert = costs
    prev = [0.0]
    for y in heard:
        prev.append(prev[-1] + insert.get(y, 4.0))
    for x in said:
        drop = delete.get(x, 2.0)
        cur = [prev[0] + drop]
        for j, y in enumerate(heard):
            cur.append(min(prev[j] + (0.0 if x == y else sub.get((x, y), 5.0)),
                           prev[j + 1] + drop, cur[j] + insert.get(y, 4.0)))
        prev = cur
    return prev[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--fit", action="append", help="a set fitted on (its dev split)")
    parser.add_argument("--prior", type=float, default=0.5,
                        help="prior weight of the learned ranking")
    args = parser.parse_args()
    fitting = set(args.fit or ["devset", "devset-piper"])
    index = Validator().index
    ids = index._phone_ids.tolist()
    keys = index._phone_keys
    priors = np.asarray(index._phone_priors)
    canon = np.array([normalize_term(index.items[i].entry.canonical) for i in ids])
    names: dict[str, list[str]] = {}
    for key, c in zip(keys, canon.tolist(), strict=True):
        names.setdefault(c, []).append(key)
    cases = [case for name in SETS if (WORK / name / "refs.jsonl").is_file()
             for case in heard_wrong(name)]
    pairs = []
    for name, split, heard, term, c in cases:
        h, targets = phone_classes(heard), names.get(c)
        if name in fitting and split == "dev" and targets and len(h) >= 3:
            t = phone_classes(term)
            pairs.append((t if t in targets else max(targets, key=lambda k: fuzz.ratio(h, k)),
                          h))
    costs = fit(pairs)
    counts: dict[tuple[str, str], Counter[int]] = {}
    mentions: Counter[tuple[str, str]] = Counter()
    for name, split, heard, _, c in cases:
        h = phone_classes(heard)
        if c not in names or len(h) < 3:
            continue
        group = ("fitting pairs" if name in fitting and split == "dev" else
                 "fitting sets' test" if name in fitting else "held-out sets")
        plain = process.cdist([h], keys, scorer=fuzz.ratio)[0] + 5.0 * priors
        top = np.argpartition(-plain, SHORTLIST)[:SHORTLIST]
        learned = np.full(len(keys), -math.inf)
        for k in top.tolist():
            learned[k] = (-distance(keys[k], h, costs) / max(len(keys[k]), len(h))
                          + args.prior * priors[k])
        for method, score in (("fuzz.ratio", plain), ("learned", learned)):
            tally = counts.setdefault((group, method), Counter())
            mentions[(group, method)] += 1
            hit = np.nonzero(canon[np.argsort(-score, kind="stable")] == c)[0]
            for r in RANKS:
                tally[r] += bool(len(hit)) and int(hit[0]) < r
    print(f"{len(cases)} mentions heard wrong in {len(SETS)} sets; {len(pairs)} fitting pairs "
          f"(dev split of {', '.join(sorted(fitting))})")
    print(f"{'group':<20}{'ranking':<12}{'mentions':>9}" + "".join(f"{'top ' + str(r):>8}"
                                                              for r in RANKS))
    for (group, method), tally in counts.items():
        print(f"{group:<20}{method:<12}{mentions[(group, method)]:>9}"
              + "".join(f"{tally[r]:>8}" for r in RANKS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
