"""False flags on therapies in a drug's slot: "Continue physical therapy twice a week".

A dictation continues, starts and uses therapies as it does drugs: a prescribing word
before, a frequency after ("Use a heating pad at bedtime", "Continue pelvic floor
exercises daily"), the context in which the validator searches words for a drug. This
benchmark reads ``devset_sentences.THERAPY_SENTENCES`` (25 such sentences, no drug in
them) as plain text and as speech (the voices, transcription, calibration, acoustic pass
and counting of ``benchmarks/amount_false_flags.py``): the flags (verified lexicon
matches aside) lying on words heard right, per 1,000 such words.

    .venv/bin/python benchmarks/therapy_false_flags.py [--show] [--no-rescore]

Speech and transcripts are cached in ``benchmarks/_work/amounts/`` by text and voice.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from amount_false_flags import cli
from devset_sentences import THERAPY_SENTENCES


def main() -> None:
    cli(THERAPY_SENTENCES, "clinical sentences with a therapy where a drug could be",
        "therapy", __doc__)


if __name__ == "__main__":
    main()
