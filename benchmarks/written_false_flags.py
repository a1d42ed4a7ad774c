"""False flags on written text no dev set holds: everyday English and clinical notes without drugs.

``benchmarks/written/`` holds about 5,000 words written for a check the rules were not
tuned on (stop 32): ``general/`` twelve genres of everyday English (news, sport, recipes,
legal, software with identifiers and URLs, names and places, addresses and money, chat,
British spellings, lyrics, headings) and a file built to trap the validator (prescribing
verbs in everyday use, "-ine" and "-ol" words, typos, nutrition labels in mg);
``clinical/`` notes without a drug (symptoms, vital signs, labs, procedures, British
spellings, abbreviations). Every flag there but a verified lexicon match is false. Each
file is read as a plain transcript (no confidence), validated with the shipped lexicons,
and the flags per 1,000 words are reported per part. The clinical vocabulary the validator
reads (:mod:`uncertain.vocabulary`) is named first: ``UNCERTAIN_CLINICAL_DICT=none`` runs
without one.

    .venv/bin/python benchmarks/written_false_flags.py [--show]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from uncertain.text import read_text
from uncertain.validate import validate
from uncertain.vocabulary import ENV, clinical_vocabulary

WRITTEN = Path(__file__).resolve().parent / "written"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="list every false flag")
    args = parser.parse_args()
    vocabulary = clinical_vocabulary()
    print(f"clinical vocabulary: {vocabulary.path or 'none'} ({len(vocabulary)} words; "
          f"${ENV}=none for none)")
    print(f"{'part':<10}{'files':>6}{'words':>8}{'false flags':>13}{'per 1000':>10}")
    for part in ("general", "clinical"):
        files = sorted((WRITTEN / part).glob("*.txt"))
        words = 0
        shown: list[str] = []
        for path in files:
            doc = validate(read_text(path))
            words += len(doc.words)
            shown += [f"  {path.name}: {f.reason} {f.text!r} -> "
                      f"{', '.join(c.canonical for c in f.candidates[:2]) or '-'}"
                      for f in doc.flags if f.reason != "verified"]
        print(f"{part:<10}{len(files):>6}{words:>8}{len(shown):>13}"
              f"{1000 * len(shown) / max(words, 1):>10.2f}")
        if args.show:
            print("\n".join(shown))


if __name__ == "__main__":
    main()
