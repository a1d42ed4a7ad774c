"""The candidate index over lexicon entries: exact keys, sound keys and blocked fuzzy search.

This module owns finding the few lexicon terms worth scoring for a query without a
scan of the whole lexicon: an exact dictionary on the compact spelling (normalised,
spaces removed) and on the glyph skeleton, and a symmetric-deletion index (as in
SymSpell) over the first six sound classes of each term, so a
query costs a dozen dictionary look-ups; the few terms found are then ranked with
rapidfuzz.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

from uncertain._glyphs import skeleton
from uncertain._phonetic import class_key, sound_key
from uncertain.lexicon import Entry, Lexicon, normalize_term

__all__ = ["Indexed", "LexiconIndex", "compact"]

_MIN_FUZZY_LEN = 4
_MAX_FUZZY_LEN = 32


def compact(text: str) -> str:
    """The normalised term without spaces or accents: the key windows of words are
    joined to."""
    return _plain(normalize_term(text)).replace(" ", "")


def _plain(text: str) -> str:
    """``text`` without accents."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Indexed:
    """One lexicon entry with the keys it is matched on."""

    entry: Entry
    compact: str
    normal: str  # the normalised term, spaces kept, accents removed
    sound: str
    classes: str


class LexiconIndex:
    """Built once per set of lexicons; answers exact and near lookups."""

    def __init__(self, lexicons: Sequence[Lexicon]) -> None:
        self.lexicons = tuple(lexicons)
        self.items: list[Indexed] = []
        self.exact: dict[str, list[int]] = {}
        self.skeletons: dict[str, list[int]] = {}
        self._blocks: dict[str, list[int]] = {}
        self.max_words = 1
        for lexicon in self.lexicons:
            for entry in lexicon:
                self._add(entry)
        for ids in self.exact.values():
            ids.sort(key=lambda i: -self.items[i].entry.prior)
        # parallel columns, gathered at C speed by near()
        self._classes = [item.classes for item in self.items]
        self._compacts = [item.compact for item in self.items]
        self._priors = np.array([item.entry.prior for item in self.items], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.items)

    def _add(self, entry: Entry) -> None:
        normal = normalize_term(entry.term)
        key = normal.replace(" ", "")
        if not key:
            return
        self.max_words = max(self.max_words, normal.count(" ") + 1)
        item = Indexed(entry, key, _plain(normal), sound_key(key), class_key(key))
        idx = len(self.items)
        self.items.append(item)
        self.exact.setdefault(key, []).append(idx)
        self.skeletons.setdefault(skeleton(key), []).append(idx)
        if not (_MIN_FUZZY_LEN <= len(key) <= _MAX_FUZZY_LEN) or not item.classes:
            return
        for block_key in _block_keys(item.classes):
            self._blocks.setdefault(block_key, []).append(idx)

    def lookup(self, key: str) -> list[int]:
        """Entries whose compact spelling is exactly ``key``, best prior first."""
        return self.exact.get(key, [])

    def lookup_skeleton(self, key: str) -> list[int]:
        """Entries whose glyph skeleton equals the skeleton of ``key``."""
        return self.skeletons.get(skeleton(key), [])

    def near(self, key: str, *, limit: int = 8) -> list[int]:
        """Up to ``limit`` entries whose sound classes or spelling are closest to the
        compact ``key``, best first."""
        classes = class_key(key)
        if len(key) < _MIN_FUZZY_LEN - 1 or not classes:
            return []
        found: set[int] = set()
        for block_key in _block_keys(classes):
            block = self._blocks.get(block_key)
            if block:
                found.update(block)
        if not found:
            return []
        ids = sorted(found)
        gather = itemgetter(*ids) if len(ids) > 1 else (lambda seq: (seq[ids[0]],))
        by_class = process.cdist([classes], gather(self._classes), scorer=fuzz.ratio)[0]
        by_spelling = process.cdist([key], gather(self._compacts), scorer=fuzz.ratio)[0]
        # a commonly prescribed term gets up to 25 points of the 200
        combined = by_class + by_spelling + 25.0 * self._priors[ids]
        if len(ids) > limit:
            top = np.argpartition(-combined, limit)[:limit]
        else:
            top = np.arange(len(ids))
        return [ids[k] for k in sorted(top.tolist(), key=lambda k: -combined[k])]


def _deletions(text: str) -> list[str]:
    """``text`` and every string made by deleting one character of it."""
    return [text] + [text[:i] + text[i + 1:] for i in range(len(text))]


def _block_keys(classes: str) -> list[str]:
    """Deletion-neighbourhood keys of the first six sound classes: two keys share one
    when they differ by one substitution, insertion or deletion there (keys of up to
    two classes are matched only exactly)."""
    if len(classes) <= 2:
        return ["=" + classes]
    return _deletions(classes[:6])
