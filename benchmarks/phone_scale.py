"""How the phone similarity and the letters' sound similarity compare by chance: the basis
of ``uncertain._score.PHONE_SHIFT``.

A window of heard words is compared with drug names by the sound classes of its phones
(``phone``) when it is searched by phones, else by the Metaphone keys of its letters
(``sound``: 0.4 ``sound`` + 0.6 ``sound_class``); both then go through the same
``similarity_pivot``, the similarity at which a match is as likely real as chance. This
pairs every window of one to four words of ordinary sentences (the validator's test set
of everyday sentences with prescribing words, no drug in them) with ``--terms`` random
names of the phone search's pool (drug names of prior at least 0.4), and prints the mean of each
measure and the mean of its best match per window: the chance level a flag must clear.

    .venv/bin/python benchmarks/phone_scale.py [--terms 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain._index import PHONE_PRIOR, compact  # noqa: E402
from uncertain._phones import phone_classes  # noqa: E402
from uncertain._score import PHONE_SHIFT, match_features  # noqa: E402
from uncertain.lexicon import names_drug  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

SENTENCES = ROOT / "tests" / "data" / "validate" / "everyday_cues.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    index = Validator().index
    pool = [i for i, item in enumerate(index.items) if item.entry.prior >= PHONE_PRIOR
            and names_drug(item.entry.kind, item.entry.lexicon) and len(item.phones) >= 3]
    phone: list[float] = []
    sound: list[float] = []
    best_phone: list[float] = []
    best_sound: list[float] = []
    windows = 0
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        words = line.split()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 4) + 1):
                said = " ".join(words[i:j])
                key = compact(said)
                if len(key) < 4:
                    continue
                windows += 1
                classes = phone_classes(said)
                found = [match_features(key, index.items[k], "audio", said=classes)
                         for k in rng.sample(pool, args.terms)]
                # the shift is what is measured: add it back
                ph = [f["phone"] + PHONE_SHIFT for f in found]
                so = [0.4 * f["sound"] + 0.6 * f["sound_class"] for f in found]
                phone += ph
                sound += so
                best_phone.append(max(ph))
                best_sound.append(max(so))
    gap = statistics.fmean(best_phone) - statistics.fmean(best_sound)
    print(f"{windows} windows of everyday sentences x {args.terms} random names of the "
          f"phone pool ({len(pool)} names, prior >= {PHONE_PRIOR})")
    print(f"{'':<22}{'phone':>8}{'sound':>8}")
    print(f"{'mean, any pair':<22}{statistics.fmean(phone):>8.3f}{statistics.fmean(sound):>8.3f}")
    print(f"{'mean of the best':<22}{statistics.fmean(best_phone):>8.3f}"
          f"{statistics.fmean(best_sound):>8.3f}")
    print(f"the best chance match scores {gap:+.3f} higher by phone; PHONE_SHIFT is "
          f"{PHONE_SHIFT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
