"""False flags on a medication list written right: "Multivitamin daily", "Eliquis 5 mg BID".

The dev set's dictations name prescription drugs in sentences; a medication list also
names supplements, over-the-counter products and abbreviations ("Probiotic daily",
"Stool softener daily", "MVI daily", "KCl 20 mEq daily"), written tersely with a dose or
frequency after each: the context in which the validator searches a word for a drug. This
benchmark reads ``devset_sentences.MEDICATION_LIST`` as plain text and as speech (the
voices, transcription, calibration, acoustic pass and counting of
``benchmarks/amount_false_flags.py``): the flags (verified lexicon matches aside) lying on
words heard right, per 1,000 such words.

    .venv/bin/python benchmarks/medlist_false_flags.py [--show] [--no-rescore]

Speech and transcripts are cached in ``benchmarks/_work/amounts/`` by text and voice.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from amount_false_flags import cli
from devset_sentences import MEDICATION_LIST


def main() -> None:
    cli(MEDICATION_LIST, "lines of a medication list written right", "medlist", __doc__)


if __name__ == "__main__":
    main()
