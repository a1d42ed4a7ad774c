"""Sound keys: what a word, or a run of words said together, sounds like.

This module owns the phonetic encoding the validator matches speech errors with.
:func:`sound_key` is Metaphone (jellyfish) of the letters with the spaces removed, so
"met for me" and "metformin" get comparable keys; :func:`class_key` folds that key
into coarse classes of sounds that speech recognisers confuse (p/b/f/v, t/d, m/n,
s/z/sh/j/th, k/g), which brings "lives in awful" (``LPSNPL``) near "lisinopril"
(``LSNPRL``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import jellyfish

__all__ = ["class_key", "letters", "sound_key"]

# Metaphone's alphabet -> coarse classes. Vowels only appear first in a Metaphone key;
# H, W and Y carry little in connected speech and are dropped after the first letter.
_CLASSES = {
    "B": "P", "P": "P", "F": "P", "V": "P",
    "T": "T", "D": "T",
    "M": "N", "N": "N",
    "S": "S", "X": "S", "J": "S", "0": "S", "Z": "S",
    "K": "K", "G": "K", "Q": "K", "C": "K",
    "L": "L", "R": "R",
    "A": "A", "E": "A", "I": "A", "O": "A", "U": "A",
}
_WEAK = frozenset("HWY")


@lru_cache(maxsize=1 << 17)
def letters(text: str) -> str:
    """The lower-case ASCII letters of ``text`` (accents stripped, all else dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if "a" <= c <= "z")


@lru_cache(maxsize=1 << 17)
def sound_key(text: str) -> str:
    """Metaphone of the letters of ``text`` joined without spaces ("" for no letters)."""
    joined = letters(text)
    return jellyfish.metaphone(joined) if joined else ""


@lru_cache(maxsize=1 << 17)
def class_key(text: str) -> str:
    """``sound_key`` folded into coarse sound classes, repeated classes collapsed."""
    out: list[str] = []
    for i, c in enumerate(sound_key(text)):
        if i and c in _WEAK:
            continue
        cls = _CLASSES.get(c, c)
        if not out or out[-1] != cls:
            out.append(cls)
    return "".join(out)
