"""Printed-glyph confusions and OCR character choices: what a read word may have said.

This module owns the spellings an OCR word could stand for: the paths through the
engine's per-character choices (``Word.chars``) and alternatives, the variants made by
undoing one common glyph confusion (rn/m, cl/d, vv/w, li/h, l/I/1, O/0, S/5, B/8, Z/2,
g/q/9: a sig's "qhs", "q6h" read as "ghs", "g6h" in fonts whose q and g differ only by
the tail),
and :func:`skeleton`, a form in which confusable glyphs coincide so that two spellings
that differ only by them compare equal.
"""

from __future__ import annotations

import heapq
import math
import re
from functools import lru_cache

from uncertain.document import Word

__all__ = ["CONFUSIONS", "choice_variants", "glyph_variants", "skeleton"]

#: Pairs of glyph sequences a printed word may be read as, in both directions.
CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("rn", "m"), ("nn", "m"), ("ni", "m"), ("in", "m"), ("cl", "d"), ("vv", "w"),
    ("li", "h"), ("l", "i"), ("l", "1"), ("i", "1"), ("l", "|"), ("o", "0"),
    ("s", "5"), ("b", "8"), ("z", "2"), ("g", "9"), ("b", "6"), ("e", "c"),
    ("u", "li"), ("n", "r"), ("t", "f"), ("g", "q"), ("9", "q"),
)

_DIGITS = str.maketrans({"0": "o", "1": "l", "|": "l", "5": "s", "8": "b", "2": "z", "6": "b",
                         "9": "g", "!": "l"})
_SKELETON_RULES = (
    (re.compile(r"rn|nn"), "m"),
    (re.compile(r"cl"), "d"),
    (re.compile(r"vv"), "w"),
    (re.compile(r"[il]"), "l"),
)


@lru_cache(maxsize=1 << 16)
def skeleton(text: str) -> str:
    """Lower-case ``text`` with confusable glyphs folded together (``Amoxici11in`` and
    ``amoxicillin`` share one skeleton)."""
    out = text.casefold().translate(_DIGITS)
    for pattern, repl in _SKELETON_RULES:
        out = pattern.sub(repl, out)
    return "".join(c for c in out if c.isalpha())


def glyph_variants(text: str, *, limit: int = 48) -> list[str]:
    """Spellings ``text`` becomes when one glyph confusion is undone (and digits read as
    the letters they resemble), lower-case, without ``text`` itself."""
    base = text.casefold()
    seen = {base}
    out: list[str] = []
    starts = [base]
    mapped = base.translate(_DIGITS)
    if mapped != base:
        out.append(mapped)
        seen.add(mapped)
        starts.append(mapped)
    for word in starts:
        for a, b in CONFUSIONS:
            for src, dst in ((a, b), (b, a)):
                pos = word.find(src)
                while pos >= 0:
                    variant = word[:pos] + dst + word[pos + len(src):]
                    if variant not in seen:
                        seen.add(variant)
                        out.append(variant)
                        if len(out) >= limit:
                            return out
                    pos = word.find(src, pos + 1)
    return out


def choice_variants(word: Word, *, limit: int = 8) -> list[tuple[str, float]]:
    """Spellings from the engine's own choices, best first, with a relative likelihood
    in (0, 1]: the word's alternatives, and paths through ``word.chars`` that take a lower
    choice at one or two positions."""
    found: dict[str, float] = {}
    for alt in word.alternatives:
        text = alt.text.strip()
        if text and text != word.text:
            found[text] = max(found.get(text, 0.0), alt.confidence if alt.confidence else 0.5)
    positions = [c.choices for c in word.chars if c.choices]
    if positions:
        best = [p[0] for p in positions]
        # candidate swaps: (log ratio of choice to the best at that position, position, choice)
        swaps: list[tuple[float, int, int]] = []
        for i, choices in enumerate(positions):
            top = max(best[i].confidence, 1e-6)
            for j in range(1, len(choices)):
                ratio = max(choices[j].confidence, 1e-6) / top
                swaps.append((-math.log(min(ratio, 1.0)), i, j))
        cheapest = heapq.nsmallest(12, swaps)
        paths: list[tuple[float, tuple[tuple[int, int], ...]]] = [
            (c, ((i, j),)) for c, i, j in cheapest
        ]
        for x, (cost_x, pos_x, choice_x) in enumerate(cheapest):
            for cost_y, pos_y, choice_y in cheapest[x + 1:]:
                if pos_x != pos_y:
                    paths.append((cost_x + cost_y, ((pos_x, choice_x), (pos_y, choice_y))))
        paths.sort(key=lambda p: p[0])
        for cost, picks in paths[: limit * 2]:
            chosen = dict(picks)
            text = "".join(
                positions[i][chosen[i]].text if i in chosen else best[i].text
                for i in range(len(positions))
            )
            if text and text != word.text:
                found[text] = max(found.get(text, 0.0), math.exp(-cost))
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    return ranked[:limit]
