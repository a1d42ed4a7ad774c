"""Speed of reconcile on a long recording's transcript and the answers an LLM gives.

Builds a transcript of ``--words`` words (dictation-like lines of twelve, each word half
a second) with ``--flags`` doubtful drug names misheard as several words ("met for
men", each flagged with its drug suggested), then times ``reconcile`` on answers of the
shapes models give: the corrected copy, the prompt given back, the copy with a preface
and a closing note, in Markdown bullets and bold, its lines shuffled with one dropped,
every other line alone, a list of fixes (one per flag) as text and as a Markdown table,
and a summary. Prints, for each, the seconds (best of ``--repeat``), the spans resolved
and left unchanged, the over-corrections and ``kept``. The goal: under a second each.

    .venv/bin/python benchmarks/reconcile_speed.py [--words 5000] [--flags 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from uncertain.document import (
    Candidate,
    Document,
    Flag,
    Segment,
    Source,
    Validation,
    Word,
)
from uncertain.reconcile import reconcile
from uncertain.render import render

_WORDS = ("the patient was seen today for follow up of hypertension and diabetes blood "
          "pressure is stable continue current medications take with food report any "
          "side effects").split()
_MISHEARD = (("met for men", "metformin"), ("lie sin oh pril", "lisinopril"),
             ("a tor va statin", "atorvastatin"), ("am low dip ine", "amlodipine"),
             ("warfa rin", "warfarin"))


def transcript(n_words: int, n_flags: int, seed: int = 1) -> Document:
    """A validated recording's transcript of about ``n_words`` words, ``n_flags`` of its
    drug names misheard and flagged."""
    rng = random.Random(seed)
    segments: list[Segment] = []
    flags: list[Flag] = []
    at, t = 0, 0.0
    share = n_flags / max(1, n_words / 2)
    while at < n_words:
        words: list[Word] = []
        for _ in range(12):
            if len(flags) < n_flags and rng.random() < share:
                heard, drug = rng.choice(_MISHEARD)
                flags.append(Flag(reason="near_lexicon", text=heard, start=at + len(words),
                                  end=at + len(words) + len(heard.split()), confidence=0.8,
                                  candidates=[Candidate(term=drug, canonical=drug,
                                                        score=0.8)]))
                spoken = [(w, 0.3) for w in heard.split()]
            else:
                spoken = [(rng.choice(_WORDS), 0.95)]
            for text, confidence in spoken:
                words.append(Word(text=text, confidence=confidence, start=t, end=t + 0.4))
                t += 0.5
        words[-1] = words[-1].model_copy(update={"text": words[-1].text + "."})
        segments.append(Segment(id=len(segments), words=words, start=words[0].start,
                                end=words[-1].end))
        at += len(words)
    return Document(source=Source(path="long.wav", sha256="0" * 64, modality="audio",
                                  engine="synthetic"),
                    segments=segments, flags=flags, validation=Validation())


def answers(doc: Document, seed: int = 1) -> dict[str, str]:
    """The answers timed, by name."""
    rng = random.Random(seed)
    corrected = doc.text
    for heard, drug in _MISHEARD:
        corrected = corrected.replace(heard, drug)
    lines = corrected.split("\n")
    shuffled = lines[:-1]
    rng.shuffle(shuffled)
    fixes = [(flag.text, flag.candidates[0].term) for flag in doc.flags]
    return {
        "copy": corrected,
        "prompt given back": render(doc, tokenizer="estimate").document,
        "preface and note": ("Here is the corrected transcript:\n\n" + corrected
                             + "\n\nNote: I am not sure about warfarin; please verify."),
        "markdown bullets": "\n".join(f"- **{line}**" for line in lines),
        "lines shuffled, one dropped": "\n".join(shuffled),
        "every other line": "\n".join(lines[::2]),
        "list of fixes": "\n".join(f'- "{old}" → "{new}"' for old, new in fixes),
        "table of fixes": "| Original | Corrected |\n|---|---|\n" + "\n".join(
            f"| {old} | {new} |" for old, new in fixes),
        "summary": "Routine follow-up; diabetes and hypertension stable on current drugs.",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--flags", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    doc = transcript(args.words, args.flags)
    print(f"document: {len(doc.words)} words, {len(doc.flags)} flags")
    print(f"{'answer':<28} {'seconds':>8} {'resolved':>8} {'unchanged':>9} "
          f"{'over':>5} {'kept':>6}")
    for name, answer in answers(doc).items():
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            began = time.perf_counter()
            result = reconcile(doc, answer)
            best = min(best, time.perf_counter() - began)
        print(f"{name:<28} {best:>8.3f} {len(result.resolved):>8} {len(result.unchanged):>9} "
              f"{len(result.overcorrections):>5} {result.kept:>6.3f}")
    print("goal: under 1 s each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
