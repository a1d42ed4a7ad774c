"""A drug's salt said after its name: "metoprolol succinate 50 milligrams".

Prescriptions and dictations name the salt where it changes the drug (metoprolol
succinate is the once-daily tablet, tartrate the twice-daily one), and the salts are
rare words a recogniser breaks: tiny.en hears "metoprolol six and eight". No dev set
says a salt. This benchmark speaks ``SENTENCES`` (a drug and one of the salts the
shipped lexicon writes it with, in a dictation's phrasing) with espeak-ng (two voices)
and, when the ``voices`` extra is installed, Piper's neural voice; transcribes each with
the default model, validates it with the shipped calibration and rescores it, as
``uncertain annotate`` does; and sorts each salt said into:

- ``heard``: the salt is in the transcript as said;
- ``suggested``: a flag over the words heard for it lists the salt, or the drug's salt
  form ("metoprolol succinate"), among its first three candidates;
- ``other first``: a flag there lists neither (the drug alone loses the salt; another
  drug's name misleads);
- ``unmarked``: misheard, and no flag there.

The words heard for the salt are those aligned to it (rapidfuzz Levenshtein opcodes of
the transcript's words against the sentence's; word for word where a run replaces as
many words). Speech and transcripts are cached in
``benchmarks/_work/salts/`` (transcripts by the stage's code too).

    .venv/bin/python benchmarks/salt_slot.py [--show] [--no-rescore]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from amount_false_flags import ESPEAK_VOICES, _piper_available, _transcript  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from recovery_ceiling import heard_tokens  # noqa: E402
from validate_quality import tokens  # noqa: E402

from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "salts"

#: (drug, salt, the rest of the sentence): salt forms the shipped drug lexicon holds
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("metoprolol", "succinate", "fifty milligrams once a day"),
    ("metoprolol", "tartrate", "twenty five milligrams twice a day"),
    ("amlodipine", "besylate", "ten milligrams daily"),
    ("losartan", "potassium", "fifty milligrams daily"),
    ("levothyroxine", "sodium", "one hundred micrograms every morning"),
    ("montelukast", "sodium", "ten milligrams at bedtime"),
    ("diclofenac", "sodium", "seventy five milligrams twice a day"),
    ("naproxen", "sodium", "five hundred fifty milligrams as needed"),
    ("sertraline", "hydrochloride", "fifty milligrams daily"),
    ("bupropion", "hydrochloride", "one hundred fifty milligrams every morning"),
    ("quetiapine", "fumarate", "twenty five milligrams at night"),
    ("escitalopram", "oxalate", "ten milligrams daily"),
    ("tamsulosin", "hydrochloride", "zero point four milligrams at bedtime"),
    ("enalapril", "maleate", "ten milligrams twice a day"),
    ("doxazosin", "mesylate", "two milligrams at bedtime"),
    ("trazodone", "hydrochloride", "fifty milligrams at night"),
)
#: the dictation's phrasings, taken in turn
OPENINGS = ("Continue", "Start", "She takes", "He is on")
SENTENCES: tuple[tuple[str, str], ...] = tuple(
    (f"{OPENINGS[k % len(OPENINGS)]} {drug} {salt} {rest}.", salt)
    for k, (drug, salt, rest) in enumerate(PAIRS))
CLASSES = ("heard", "suggested", "other first", "unmarked")


def heard_for(doc: Document, sentence: str, salt: str) -> set[int]:
    """The word numbers of ``doc`` aligned to ``salt`` in ``sentence``."""
    hyp, owner = heard_tokens(doc)
    ref = tokens(sentence)
    at = ref.index(salt.casefold())
    found: set[int] = set()
    for op in Levenshtein.opcodes(hyp, ref):
        if op.src_end - op.src_start == op.dest_end - op.dest_start:
            # word for word ("metapral tartry" for "metoprolol tartrate")
            if op.dest_start <= at < op.dest_end:
                found.add(owner[op.src_start + at - op.dest_start])
        elif op.dest_start <= at < op.dest_end or (op.tag == "delete"
                                                    and op.dest_start == at):
            found.update(owner[h] for h in range(op.src_start, op.src_end))
    return found


def classify(doc: Document, sentence: str, salt: str) -> tuple[str, str]:
    """The class of ``salt`` said in ``sentence`` and heard as ``doc``; and what the
    flag over it, if any, puts first."""
    if salt.casefold() in tokens(doc.text):
        return "heard", ""
    words = heard_for(doc, sentence, salt)
    over = [f for f in doc.flags if f.reason != "verified"
            and any(k in words for k in range(f.start, f.end))]
    for flag in over:  # the salt itself, or its drug's salt form ("metoprolol succinate")
        if any(salt.casefold() in tokens(c.term) for c in flag.candidates[:3]):
            return "suggested", flag.candidates[0].term
    for flag in over:
        if flag.candidates:
            return "other first", flag.candidates[0].term
    return "unmarked", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each salt not heard")
    parser.add_argument("--no-rescore", action="store_true",
                        help="without the acoustic second pass")
    args = parser.parse_args()
    validator = Validator()
    voices = list(ESPEAK_VOICES) + (["piper"] if _piper_available() else [])
    total: Counter[str] = Counter()
    print(f"{len(SENTENCES)} sentences, a drug and its salt each; "
          f"{'without' if args.no_rescore else 'after'} the acoustic pass")
    print(f"{'voice':12}" + "".join(f"{c:>13}" for c in CLASSES))
    for voice in voices:
        counts: Counter[str] = Counter()
        for sentence, salt in SENTENCES:
            doc = validator.validate(calibrate_document(_transcript(sentence, voice, WORK), "auto"))
            if not args.no_rescore:
                from uncertain.rescore import rescore

                doc = rescore(doc)
            verdict, first = classify(doc, sentence, salt)
            counts[verdict] += 1
            if args.show and verdict != "heard":
                print(f"  {voice}: {salt}: {verdict} {first!r}; heard {doc.text!r}")
        total.update(counts)
        print(f"{voice:12}" + "".join(f"{counts[c]:13}" for c in CLASSES))
    print(f"{'all':12}" + "".join(f"{total[c]:13}" for c in CLASSES))


if __name__ == "__main__":
    main()
