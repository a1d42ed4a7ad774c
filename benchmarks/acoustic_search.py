"""How far the acoustic score alone goes: score the most common drug names on the audio
where each held-out drug mention was said, with no spelling or sound pre-selection.

For every drug mention of the dev set's audio items (``--split``, default ``test``), the
heard words aligned to the reference mention are the slot (an oracle: the validator has
to find slots itself). The slot's audio, with two heard words before it as a forced
prefix and one after it, is scored by :class:`uncertain._acoustic.WhisperScorer` (the
bundled tiny.en, the second pass's own scorer, language prior subtracted) for each of
the ``N`` lexicon terms with the highest prior, as written and capitalised. Prints the
top 3 per mention, then top-1 / top-3 accuracy, how many mentions' drug is among the
``N`` terms at all, and the scoring time per mention. It answers whether a wider
acoustic search could replace string candidates: on tiny.en it cannot (see the output).

    .venv/bin/python benchmarks/acoustic_search.py [N=300] [test|dev|all]

Needs the dev set (``benchmarks/devset.py build``) and the audio documents cached by
``benchmarks/validate_quality.py``. Takes about 20 s per mention on 2 cores.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rapidfuzz.distance import Levenshtein  # noqa: E402
from validate_quality import tokens  # noqa: E402

from uncertain import audio as A  # noqa: E402
from uncertain._acoustic import scorer_for  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.lexicon import Entry, load_lexicon, normalize_term  # noqa: E402

DEV = ROOT / "benchmarks" / "_work" / "devset"
CACHE = ROOT / "benchmarks" / "_work" / "validate_quality" / "audio"


def main() -> None:
    n_terms = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    split = sys.argv[2] if len(sys.argv) > 2 else "test"
    best: dict[str, Entry] = {}
    for e in load_lexicon("drugs"):
        if e.kind == "abbreviation" or len(e.term) < 4:
            continue
        name = normalize_term(e.term)
        if name not in best or e.prior > best[name].prior:
            best[name] = e
    pool = sorted(best.values(), key=lambda e: -e.prior)[:n_terms]
    print("pool", len(pool), "min prior", pool[-1].prior)
    items = [json.loads(line) for line in open(DEV / "refs.jsonl", encoding="utf-8")]
    items = [i for i in items if i["modality"] == "audio" and i["terms"]
             and (split == "all" or i["split"] == split)]
    scorer = None
    hits1 = hits3 = n = 0
    ttot = 0.0
    inpool = 0
    for it in items:
        doc = Document.from_json((CACHE / f"{it['id']}.json").read_bytes())
        words = doc.words
        if scorer is None:
            scorer = scorer_for(doc, pad_seconds=None)
        hyp, owner = [], []
        for k, w in enumerate(words):
            for t in tokens(w.text):
                hyp.append(t)
                owner.append(k)
        ref = tokens(it["text"])
        ops = Levenshtein.opcodes(hyp, ref)
        audio = A.decode(DEV / it["path"])
        for term in it["terms"]:
            tt = tokens(term["term"])
            pos = next(i for i in range(len(ref)) if ref[i:i + len(tt)] == tt)
            r0, r1 = pos, pos + len(tt)
            hs: list[int] = []
            for op in ops:
                if (op.dest_start < r1 and op.dest_end > r0) or (
                        op.tag == "delete" and r0 <= op.dest_start < r1):
                    if op.tag == "equal":
                        hs += [op.src_start + (q - op.dest_start)
                               for q in range(max(r0, op.dest_start), min(r1, op.dest_end))]
                    else:
                        hs += list(range(op.src_start, op.src_end))
            if not hs:
                continue
            ws, we = owner[min(hs)], owner[max(hs)] + 1
            n += 1
            canon = normalize_term(term["canonical"])
            inpool += any(normalize_term(e.canonical) == canon for e in pool)
            b = max(0, ws - 2)
            a = min(len(words), we + 1)
            st = max(0.0, float(words[b].start or 0.0) - 0.25)
            en = float(words[a - 1].end or 0.0) + 0.25
            clip = audio[int(st * 16000):int(en * 16000)]
            prefix = " ".join(w.text for w in words[b:ws])
            suffix = " ".join(w.text for w in words[we:a])
            heard = " ".join(w.text for w in words[ws:we])
            texts = [heard] + [e.term for e in pool] + [e.term[:1].upper() + e.term[1:]
                                                        for e in pool]
            request = [(prefix, [f"{h} {suffix}".strip() for h in texts])]
            t0 = time.perf_counter()
            sc = scorer.score(clip, request)[0]
            pr = scorer.prior(len(clip), request)[0]
            ttot += time.perf_counter() - t0
            tot = [sum(s) - sum(p) for s, p in zip(sc, pr, strict=True)]
            m = len(pool)
            cand = [max(tot[1 + i], tot[1 + m + i]) for i in range(m)]
            order = np.argsort(cand)[::-1]
            seen: list[str] = []
            for i in order[:10]:
                c = normalize_term(pool[i].canonical)
                if c not in seen:
                    seen.append(c)
            hits1 += seen[0] == canon
            hits3 += canon in seen[:3]
            print(f"{it['id']} {term['term']!r:18} heard {heard!r:30} top {seen[:3]}",
                  flush=True)
    if n:
        print(f"N={n_terms} mentions {n} inpool {inpool} top1 {hits1 / n:.1%} "
              f"top3 {hits3 / n:.1%} time/mention {ttot / n:.3f}s")


if __name__ == "__main__":
    main()
