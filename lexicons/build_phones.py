"""Write lexicons/phones.txt: the letter-to-sound phones of the shipped lexicons' words
that the English pronouncing lexicon lacks.

The validator compares heard speech with drug names by their phones
(``uncertain._phones``). A word of a term that gruut's English pronouncing lexicon
(``gruut_lang_en``) lacks, which is most drug names, gets its phones from that
package's letter-to-sound model; running the model over the ~30,000 such words of the
shipped lexicons takes about 15 s, so the result ships here and the index reads it.
Run by a developer after ``lexicons/build.py`` (or an edit of ``clinical.tsv``); the
output is deterministic. ``tests/test_phones.py`` checks that it covers every such word
and agrees with the model.

    .venv/bin/python lexicons/build_phones.py [--out lexicons/phones.txt]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from uncertain._phones import _load, _words, model_phones  # noqa: E402
from uncertain.lexicon import load_lexicon, normalize_term  # noqa: E402

LEXICONS = ("drugs", "clinical")


def missing_words(names: tuple[str, ...] = LEXICONS) -> list[str]:
    """The words said for the named shipped lexicons' terms (as the index reads them,
    numbers spelled out) that the pronouncing lexicon lacks, sorted."""
    pronouncing = _load()[0]
    words: set[str] = set()
    for name in names:
        for entry in load_lexicon(name):
            words.update(_words(normalize_term(entry.term)))
    return sorted(w for w in words if w not in pronouncing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "phones.txt")
    args = parser.parse_args(argv)
    words = missing_words()
    lines = ["# letter-to-sound phones (IPA, gruut_lang_en's model) of the words of the",
             "# shipped lexicons that its pronouncing lexicon lacks; made by",
             "# lexicons/build_phones.py, see lexicons/README.md"]
    lines += [f"{w}\t{' '.join(model_phones(w))}" for w in words]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(words)} words ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
