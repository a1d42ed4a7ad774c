"""The candidate index over lexicon entries: exact keys, sound keys and blocked fuzzy search.

This module owns finding the few lexicon terms worth scoring for a query without a
scan of the whole lexicon: an exact dictionary on the compact spelling (normalised,
spaces removed) and on the glyph skeleton, and a symmetric-deletion index (as in
SymSpell) over the first six sound classes of each term (with and without a first
vowel; also two deletions for terms of prior at least ``COMMON_PRIOR``, the names said
every day, searched for ``wide`` queries), so a query costs a few dozen dictionary
look-ups; the few terms found are then ranked with rapidfuzz.
:meth:`LexiconIndex.near_phones` compares a query's phone classes
(:mod:`uncertain._phones`) with those of the drug names of prior at least
``PHONE_PRIOR`` (about 4,000 of 30,000), all of them (one rapidfuzz ``cdist``, about
0.2 ms; at most ``PHONE_POOL``, of highest prior, with a user's lexicons): a name a
recogniser broke into English words is most often one said every day.
:meth:`LexiconIndex.block_columns` gives every term a query is compared with and its
match features as columns, for a bound on their score without scoring each.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from uncertain._context import classify, strip_punct
from uncertain._glyphs import skeleton
from uncertain._phones import known_phone_classes, phone_classes
from uncertain._phonetic import class_key, sound_key
from uncertain._progress import INDEX_REPORT_EVERY
from uncertain.lexicon import Entry, Lexicon, everyday, names_drug, normalize_term, takes_dose

__all__ = ["Indexed", "LexiconIndex", "breaks_within", "compact", "written_key"]

_MIN_FUZZY_LEN = 4
_MAX_FUZZY_LEN = 32
#: terms at least this common are also blocked by two deletions of their sound classes
COMMON_PRIOR = 0.55
#: drug names at least this common are also searched by their phones
PHONE_PRIOR = 0.4
#: at most this many names are searched by their phones (the shipped drugs have 4,252 of
#: prior PHONE_PRIOR or more): those of highest prior, then the first named. A lexicon of
#: a million names of the default prior (0.5) had the letter-to-sound model run on each
#: as it was indexed (0.6 ms a name: over 10 minutes), and every query heard compared
#: with all of them
PHONE_POOL = 8192
#: ... when they and the query have at least this many sound classes (two edits in
#: fewer leave too little)
_COMMON_MIN_CLASSES = 5
_TWO = "2:"  # the prefix of two-deletion block keys
#: the entry numbers of the deletion blocks: four bytes each, not eight (an entry is in
#: 7 to 30 blocks, 19 for a common term: 150 bytes a term of a large lexicon, halved;
#: no index holds 2**31 entries)
_BLOCK_IDS = np.int32
_NONE = np.zeros(0, dtype=np.intp)
_NO_RATIOS = np.zeros(0, dtype=np.float32)

#: per entry found, the match features of :func:`uncertain._score.match_logit`, unrounded
#: (a single number where it is the same for every entry)
Columns = dict[str, np.ndarray | float]


@lru_cache(maxsize=1 << 15)
def compact(text: str) -> str:
    """The normalised term without spaces or accents: the key windows of words are
    joined to. Kept for the spellings most recently asked (the validator asks again for
    each word's and each ranked term's, some hundred thousand times in 60,000 words)."""
    return _plain(normalize_term(text)).replace(" ", "")


#: marks around a written word that are its sentence's, not a term's: "(Tylenol", "#3."
_OPENING = "([{\"'\u201c\u2018\u00ab\u00bf\u00a1"
_CLOSING = ")]}\"'\u201d\u2019\u00bb.,;:!?\u2026"


@lru_cache(maxsize=1 << 16)
def written_key(text: str) -> str:
    """The compact spelling of a word as written, its own marks kept ("#3", "30/500",
    "20%"), those of its sentence around it not ("(Tylenol", "#3.", "3000,")."""
    return compact(text.strip().lstrip(_OPENING).rstrip(_CLOSING))


def breaks_within(keys: Sequence[str], normal: str) -> bool:
    """Whether words of compact ``keys`` break only where ``normal`` (a normalised term
    without accents, whose spaces are its words' and hyphens' breaks) does, and spell it."""
    if " ".join(keys) == normal:
        return True
    if "".join(keys) != normal.replace(" ", ""):
        return False
    breaks = set()
    at = 0
    for part in normal.split(" "):
        at += len(part)
        breaks.add(at)
    at = 0
    for key in keys:
        at += len(key)
        if at not in breaks:
            return False
    return True


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
    #: the sound classes of its phones (uncertain._phones.phone_classes), or None until
    #: :attr:`phones` is first read for a term whose words need the letter-to-sound
    #: model (about 1 ms a word: most terms of a large lexicon of the user's are never
    #: compared by their phones)
    known_phones: str | None
    #: how far above ordinary English's frequency the term is (lexicon.everyday)
    everyday: float
    #: whether a dose or a prescribing word can govern it (lexicon.takes_dose)
    dosed: bool = True

    @property
    def phones(self) -> str:
        """The sound classes of its phones (uncertain._phones.phone_classes)."""
        found = self.known_phones
        if found is None:
            found = phone_classes(self.normal)
            object.__setattr__(self, "known_phones", found)  # (the same for every reader)
        return found


class LexiconIndex:
    """Built once per set of lexicons; answers exact and near lookups."""

    def __init__(self, lexicons: Sequence[Lexicon], *, base: LexiconIndex | None = None,
                 progress: Callable[[float, float | None], None] | None = None) -> None:
        """The index of ``lexicons``; ``base``, an index of their first lexicons (the same
        objects), is extended rather than built again: its entries, keys and look-up
        tables are shared, not copied (a service's shipped lexicons beside one formulary
        and beside another held two 27 MB indexes of the shipped ones). Treat an index
        as read-only. ``progress(done, total)`` is called every
        ``uncertain._progress.INDEX_REPORT_EVERY`` terms indexed, of ``total`` to index
        (about 80 us a term)."""
        self.lexicons = tuple(lexicons)
        before = base.lexicons if base is not None else ()
        if len(before) > len(self.lexicons) or any(
                a is not b for a, b in zip(before, self.lexicons, strict=False)):
            raise ValueError("base: not an index of the first of these lexicons")
        self.items: list[Indexed] = list(base.items) if base is not None else []
        exact: dict[str, list[int]] = {}
        skeletons: dict[str, list[int]] = {}
        blocks: dict[str, list[int]] = {}
        self.max_words: int = base.max_words if base is not None else 1
        # terms of several words, by their words' written keys joined (see written): a
        # term holding a number, a unit or a mark ("Tylenol #3", "Brenzavo 10 mg tablet"),
        # or longer than a window, is matched whole where it is written as it is
        written: dict[str, list[int]] = {}
        heads: set[str] = set()  # their beginnings, ending at a word's end
        self._written_normal: dict[int, str] = (
            dict(base._written_normal) if base is not None else {})
        added_lexicons = self.lexicons[len(before):]
        total = sum(len(lexicon) for lexicon in added_lexicons)
        done = 0
        for lexicon in added_lexicons:
            for entry in lexicon:
                self._add(entry, exact, skeletons, blocks, (written, heads))
                done += 1
                if progress is not None and not done % INDEX_REPORT_EVERY:
                    progress(done, total)
        # the lookups' numbers and the blocks' keys are kept in tuples, which the garbage
        # collector stops tracking: a full collection then walks a third as many objects
        # (one of them cost a tenth of a validation pass over 60,000 words); the base's
        # tables are shared where these lexicons add no key to them
        self.exact: dict[str, tuple[int, ...]] = _extended(
            base.exact if base is not None else {}, exact,
            lambda old, ids: tuple(sorted((*old, *ids),
                                          key=lambda i: -self.items[i].entry.prior)))
        self.skeletons: dict[str, tuple[int, ...]] = _extended(
            base.skeletons if base is not None else {}, skeletons,
            lambda old, ids: (*old, *ids))
        del exact, skeletons
        self._written: dict[str, tuple[int, ...]] = _extended(
            base._written if base is not None else {}, written,
            lambda old, ids: (*old, *ids))
        self._written_heads: frozenset[str] = (
            frozenset(heads) if base is None
            else base._written_heads | heads if heads else base._written_heads)
        del written, heads
        # per block: ascending entry numbers; every entry's sound classes and spelling, in
        # arrays a query's numbers pick from for rapidfuzz (its blocks are joined, not
        # merged: see _compare)
        self._blocks: dict[str, np.ndarray] = _extended(
            base._blocks if base is not None else {}, blocks,
            lambda old, ids: (np.array(ids, dtype=_BLOCK_IDS) if not len(old)
                              else np.concatenate([old, np.array(ids, dtype=_BLOCK_IDS)])))
        first = len(base.items) if base is not None else 0
        added = self.items[first:]
        self._classes: np.ndarray = _joined(
            base._classes if base is not None else None,
            _texts(item.classes for item in added))
        self._compacts: np.ndarray = _joined(
            base._compacts if base is not None else None,
            _texts(item.compact for item in added))
        self._priors: np.ndarray = _joined(
            base._priors if base is not None else None,
            np.array([item.entry.prior for item in added], dtype=np.float64))
        self._last: tuple[tuple[str, bool], tuple[np.ndarray, np.ndarray, np.ndarray]] | None
        self._last = None
        # the commonly prescribed drug names, searched by phones: numbers, keys, priors
        pool = _phone_pool(added, first, PHONE_POOL - (
            len(base._phone_ids) if base is not None else 0))
        self._phone_ids: np.ndarray = _joined(
            base._phone_ids if base is not None else None, np.array(pool, dtype=np.intp))
        self._phone_keys: list[str] = ([*base._phone_keys] if base is not None else []) + [
            self.items[i].phones for i in pool]
        self._phone_texts: list[bytes | str] = _texts(self._phone_keys).tolist()
        self._phone_priors = self._priors[self._phone_ids]
        self._sorted_keys: list[str] = (
            base._sorted_keys if base is not None and self.exact is base.exact
            else sorted(self.exact))
        self._begins: dict[tuple[str, int], bool] = {}

    def state(self) -> dict[str, Any]:
        """The index without its lexicons, in JSON's types (its entries by their place
        among the lexicons' entries, in order), for :meth:`from_state` to rebuild it
        beside the same lexicons without reading their terms again
        (:mod:`uncertain._index_cache`)."""
        place = {id(entry): n for n, entry in enumerate(
            entry for lexicon in self.lexicons for entry in lexicon)}
        items = self.items
        return {
            "entry_count": len(place),
            "entries": [place[id(item.entry)] for item in items],
            "compact": [item.compact for item in items],
            "normal": [item.normal for item in items],
            "sound": [item.sound for item in items],
            "classes": [item.classes for item in items],
            "phones": [item.known_phones for item in items],
            "everyday": [item.everyday for item in items],
            "dosed": [item.dosed for item in items],
            "max_words": self.max_words,
            "exact": _table(self.exact),
            "skeletons": _table(self.skeletons),
            "written": _table(self._written),
            "written_normal": [list(self._written_normal), list(self._written_normal.values())],
            "heads": sorted(self._written_heads),
            "blocks": _table(self._blocks),
            "phone_ids": self._phone_ids.tolist(),
        }

    @classmethod
    def from_state(cls, lexicons: Sequence[Lexicon], state: dict[str, Any]) -> LexiconIndex:
        """The index :meth:`state` described, of ``lexicons`` (those it was built of, in
        that order). Raises ValueError, TypeError, KeyError or IndexError for a state
        that does not fit them."""
        self = cls.__new__(cls)
        self.lexicons = tuple(lexicons)
        entries = [entry for lexicon in self.lexicons for entry in lexicon]
        if len(entries) != state["entry_count"]:
            raise ValueError("index state: of other lexicons")
        columns = [state[name] for name in (
            "entries", "compact", "normal", "sound", "classes", "phones", "everyday", "dosed")]
        _in_range(columns[0], len(entries))
        self.items = [Indexed(entries[place], *values) for place, *values in zip(
            *columns, strict=True)]
        count = len(self.items)
        self.max_words = int(state["max_words"])
        self.exact = dict(_untable(state["exact"], count))
        self.skeletons = dict(_untable(state["skeletons"], count))
        self._written = dict(_untable(state["written"], count))
        written_ids, written_normals = state["written_normal"]
        _in_range(written_ids, count)
        self._written_normal = dict(zip(written_ids, written_normals, strict=True))
        self._written_heads = frozenset(state["heads"])
        self._blocks = dict(_untable(state["blocks"], count, array=True))
        self._classes = _texts(item.classes for item in self.items)
        self._compacts = _texts(item.compact for item in self.items)
        self._priors = np.array([item.entry.prior for item in self.items], dtype=np.float64)
        self._last = None
        self._phone_ids = np.array(state["phone_ids"], dtype=np.intp)
        _in_range(self._phone_ids, count)
        self._phone_keys = [self.items[i].phones for i in self._phone_ids.tolist()]
        self._phone_texts = _texts(self._phone_keys).tolist()
        self._phone_priors = self._priors[self._phone_ids]
        self._sorted_keys = sorted(self.exact)
        self._begins = {}
        return self

    def near_phones(self, phones: str, *, limit: int = 8) -> list[int]:
        """Up to ``limit`` commonly prescribed drug names (prior at least ``PHONE_PRIOR``)
        whose phone classes are nearest ``phones``, best first; a term's prior breaks
        near ties (up to 5 points of 100)."""
        ids = self._phone_ids
        if len(phones) < 3 or not len(ids):
            return []
        combined = process.cdist([phones], self._phone_texts, scorer=fuzz.ratio)[0] \
            + 5.0 * self._phone_priors
        top = np.argpartition(-combined, limit)[:limit] if len(ids) > limit \
            else np.arange(len(ids))
        return ids[top[np.argsort(-combined[top], kind="stable")]].tolist()

    def __len__(self) -> int:
        return len(self.items)

    def _add(self, entry: Entry, exact: dict[str, list[int]],
             skeletons: dict[str, list[int]], blocks: dict[str, list[int]],
             written: tuple[dict[str, list[int]], set[str]]) -> None:
        normal = normalize_term(entry.term)
        # the key words are looked up by (compact): no spaces, no accents ("Médrol" is
        # looked up as "medrol")
        plain = _plain(normal)
        key = plain.replace(" ", "")
        if not key:
            return
        self.max_words = max(self.max_words, normal.count(" ") + 1)
        item = Indexed(entry, key, plain, sound_key(key), class_key(key),
                       known_phone_classes(normal),
                       everyday(plain),
                       takes_dose(entry.kind, entry.lexicon))
        idx = len(self.items)
        self.items.append(item)
        exact.setdefault(key, []).append(idx)
        self._add_written(idx, plain, *written)
        skeletons.setdefault(skeleton(key), []).append(idx)
        if not (_MIN_FUZZY_LEN <= len(key) <= _MAX_FUZZY_LEN) or not item.classes:
            return
        # a name said every day is worth a looser match than a rare substance ("sit and
        # lift in": sitagliptin): it is also blocked by two deletions
        keys = _index_keys(item.classes, entry.prior >= COMMON_PRIOR)
        for block_key in dict.fromkeys(keys):
            blocks.setdefault(block_key, []).append(idx)

    def _add_written(self, idx: int, plain: str, written: dict[str, list[int]],
                     heads: set[str]) -> None:
        """File the term ``plain`` (normalised, no accents) of entry ``idx`` in ``written``
        by its words' written keys joined (and their beginnings in ``heads``), when it has
        several words and one of them is a word, not a number, a unit or a frequency
        ("500 mg" is a dose, read by the dose's rules)."""
        if " " not in plain:
            return
        parts = [k for k in (written_key(part) for part in plain.split(" ")) if k]
        if len(parts) < 2 or not any(classify(strip_punct(part)) == "word" for part in parts):
            return
        head = ""
        for part in parts[:-1]:
            head += part
            heads.add(head)
        written.setdefault(head + parts[-1], []).append(idx)
        self._written_normal[idx] = " ".join(parts)

    def begins_written(self, head: str) -> bool:
        """Whether the written keys of some words, joined as ``head``, begin a term of
        several words and end where one of its words does."""
        return head in self._written_heads

    def written(self, keys: Sequence[str]) -> list[int]:
        """Entries of several words that words of written keys ``keys`` (see
        :func:`written_key`) spell whole: their keys joined are the entry's, and they
        break only where its words do (or its hyphens), best prior first."""
        found = self._written.get("".join(keys), ())
        out = [idx for idx in found if breaks_within(keys, self._written_normal[idx])]
        return sorted(out, key=lambda i: -self.items[i].entry.prior)

    def spelled(self, keys: Sequence[str]) -> list[int]:
        """Entries that the words of compact ``keys`` spell, best prior first: their keys
        joined are the entry's compact spelling, and they break only where its words or
        the parts of a hyphenated word do ("Guillain-Barre syndrome" and "Guillain Barre
        syndrome" spell "Guillain-Barré syndrome"; "at or vastatin" spells no
        atorvastatin)."""
        joined = self.lookup("".join(keys))
        return [idx for idx in joined if breaks_within(keys, self.items[idx].normal)]

    def lookup(self, key: str) -> tuple[int, ...]:
        """Entries whose compact spelling is exactly ``key``, best prior first."""
        return self.exact.get(key, ())

    def begins(self, head: str, *, extra: int) -> bool:
        """Whether a term's compact spelling begins with ``head`` and is at least
        ``extra`` letters longer ("chlor": chlorthalidone)."""
        found = self._begins.get((head, extra))
        if found is None:
            keys = self._sorted_keys
            k = bisect.bisect_left(keys, head)
            found = False
            while k < len(keys) and keys[k].startswith(head):
                if len(keys[k]) >= len(head) + extra:
                    found = True
                    break
                k += 1
            if len(self._begins) > 100_000:
                self._begins.clear()
            self._begins[head, extra] = found
        return found

    def completions(self, head: str, *, extra: int) -> list[int]:
        """Entries whose compact spelling begins with ``head`` and is at least ``extra``
        letters longer ("atorv": atorvastatin), best prior first."""
        keys = self._sorted_keys
        k = bisect.bisect_left(keys, head)
        found: list[int] = []
        while k < len(keys) and keys[k].startswith(head):
            if len(keys[k]) >= len(head) + extra:
                found += self.exact[keys[k]]
            k += 1
        return sorted(found, key=lambda idx: -self.items[idx].entry.prior)

    def lookup_skeleton(self, key: str) -> tuple[int, ...]:
        """Entries whose glyph skeleton equals the skeleton of ``key``."""
        return self.skeletons.get(skeleton(key), ())

    def near(self, key: str, *, limit: int = 8, wide: bool = True) -> list[int]:
        """Up to ``limit`` entries whose sound classes or spelling are closest to the
        compact ``key``, best first; ``wide`` also searches the common terms two edits
        away (for a window the context says names a drug)."""
        ids, by_class, by_spelling = self._block(key, wide)
        if len(ids) > 1:  # an entry in several of the query's blocks is ranked once
            ids, first = np.unique(ids, return_index=True)
            by_class, by_spelling = by_class[first], by_spelling[first]
        # a commonly prescribed term gets up to 25 points of the 200
        combined = by_class + by_spelling + 25.0 * self._priors[ids]
        if len(ids) > limit:
            top = np.argpartition(-combined, limit)[:limit]
        else:
            top = np.arange(len(ids))
        return ids[top[np.argsort(-combined[top], kind="stable")]].tolist()

    def block_columns(self, key: str, *, wide: bool = True) -> Columns:
        """The match features ``spelling``, ``sound_class`` and ``prior`` to ``key`` (0..1,
        unrounded) of every entry :meth:`near` chooses from, as columns (an entry may
        fill several rows), and ``exact``: 1 if any entry is spelled ``key``."""
        ids, by_class, by_spelling = self._block(key, wide)
        return {
            "spelling": by_spelling / 100.0,
            "sound_class": by_class / 100.0,
            "exact": float(key in self.exact),
            "prior": self._priors[ids],
        }

    def _block(self, key: str, wide: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries sharing a deletion block with ``key`` (block by block, so an entry
        may come more than once), with their sound-class and spelling ratios (0..100, as
        ``fuzz.ratio``). The last key's are kept: the validator bounds a key's block, then
        ranks the same key."""
        last = self._last  # one read: a validator may be shared by threads
        if last is not None and last[0] == (key, wide):
            return last[1]
        found = self._compare(key, wide)
        self._last = ((key, wide), found)
        return found

    def _compare(self, key: str, wide: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        classes = class_key(key)
        if len(key) < _MIN_FUZZY_LEN - 1 or not classes:
            return _NONE, _NO_RATIOS, _NO_RATIOS
        get = self._blocks.get
        blocks = [b for k in _query_keys(classes, wide) if (b := get(k)) is not None]
        if not blocks:
            return _NONE, _NO_RATIOS, _NO_RATIOS
        # joining the blocks costs less than merging them (they are small, and overlap
        # little): most queries are only bounded, and a bound ignores repeated rows; the
        # texts are picked by number in C (a third less time than joining tuples)
        # (as the numbers arrays are indexed by: cast once, not by each indexing)
        ids = (blocks[0] if len(blocks) == 1 else np.concatenate(blocks)).astype(np.intp)
        by_class = process.cdist([classes], self._classes[ids], scorer=fuzz.ratio)[0]
        by_spelling = process.cdist([key], self._compacts[ids], scorer=fuzz.ratio)[0]
        return ids, by_class, by_spelling


def _phone_pool(items: Sequence[Indexed], first: int, room: int) -> list[int]:
    """The numbers (``first`` numbering the first of ``items``), ascending, of at most
    ``room`` of ``items`` searched by phones: drug names of prior at least
    ``PHONE_PRIOR`` whose phones are three classes or more, those of highest prior first
    and, of one prior, those named first. Only the names taken have their phones read
    (the letter-to-sound model runs on those the pronouncing data lack)."""
    named = [i for i, item in enumerate(items) if item.entry.prior >= PHONE_PRIOR
             and names_drug(item.entry.kind, item.entry.lexicon)]
    if len(named) > room:  # (stable: of one prior, in order)
        named.sort(key=lambda i: -items[i].entry.prior)
    pool: list[int] = []
    for i in named:
        if len(pool) >= room:
            break
        if len(items[i].phones) >= 3:
            pool.append(first + i)
    return sorted(pool)


def _extended(old: dict[str, Any], new: dict[str, list[int]],
              join: Callable[[Any, list[int]], Any]) -> dict[str, Any]:
    """``old`` with the entry numbers ``new`` added, key by key, by ``join(old value or
    (), numbers)``: ``old`` itself when there are none (its values are shared anyway).
    ``new`` is emptied as it goes, to hold one copy at a time."""
    if not new:
        return old
    out = dict(old)
    while new:
        key, ids = new.popitem()
        out[key] = join(old.get(key, ()), ids)
    return out


def _table(table: dict[str, Any]) -> dict[str, list[Any]]:
    """A look-up table of entry numbers, in JSON's types: its keys in order, how many
    numbers each has, and their numbers one after another."""
    return {"keys": list(table), "counts": [len(ids) for ids in table.values()],
            "ids": [int(i) for ids in table.values() for i in ids]}


def _untable(table: dict[str, list[Any]], count: int, *, array: bool = False
             ) -> Iterator[tuple[str, Any]]:
    """The keys and numbers of a :func:`_table` of ``count`` entries' numbers, as tuples
    or (``array``) as parts of one array."""
    keys, counts = table["keys"], table["counts"]
    ids = np.array(table["ids"], dtype=np.intp)
    _in_range(ids, count)
    if array:
        ids = ids.astype(_BLOCK_IDS)
    ends = np.cumsum(np.array(counts, dtype=np.intp))
    if len(keys) != len(ends) or (ends[-1] if len(ends) else 0) != len(ids):
        raise ValueError("index state: a table's counts do not fit its numbers")
    starts = [0, *ends[:-1].tolist()] if len(ends) else []
    if array:
        return zip(keys, [ids[a:b] for a, b in zip(starts, ends.tolist(), strict=True)],
                   strict=True)
    flat = table["ids"]
    return zip(keys, [tuple(flat[a:b]) for a, b in zip(starts, ends.tolist(), strict=True)],
               strict=True)


def _in_range(ids: Sequence[int] | np.ndarray, count: int) -> None:
    """Raise ValueError unless every number of ``ids`` numbers one of ``count`` things."""
    found = np.asarray(ids)
    if len(found) and (found.dtype.kind not in "iu" or found.min() < 0 or found.max() >= count):
        raise ValueError("index state: an entry number out of range")


def _texts(strings: Iterable[str]) -> np.ndarray:
    """``strings`` as rapidfuzz compares them fastest, for a ``cdist`` over them: one of
    ASCII letters as bytes, any other as it is. The ratios are the same (a letter and its
    byte are one code); the time is not: a ``cdist`` of a query over the 4,252 phone keys
    of the commonly prescribed names took 245 us with them as strings, 116 us as bytes,
    and the two over a block of the deletion index (190 terms on average) 64 us, 46 us
    (bytes are read in place, and each is a third of the size of a string)."""
    return np.array([s.encode("ascii") if s.isascii() else s for s in strings], dtype=object)


def _joined(old: np.ndarray | None, new: np.ndarray) -> np.ndarray:
    """``new`` after ``old``: ``old`` itself when ``new`` is empty."""
    if old is None:
        return new
    return old if not len(new) else np.concatenate([old, new])


def _deletions(text: str) -> list[str]:
    """``text`` and every string made by deleting one character of it."""
    return [text] + [text[:i] + text[i + 1:] for i in range(len(text))]


def _index_keys(classes: str, common: bool) -> list[str]:
    """The blocks a term of sound ``classes`` is filed under: its deletion neighbourhood
    with and without a first vowel, and, for a ``common`` term, its two-deletion
    neighbourhood."""
    keys = _block_keys(classes, vowel=True)
    if common and len(classes) >= _COMMON_MIN_CLASSES:
        keys += [_TWO + k for k in _two_deletions(classes[:6])]
    return keys


@lru_cache(maxsize=1 << 14)
def _query_keys(classes: str, wide: bool) -> tuple[str, ...]:
    """The blocks a query of sound ``classes`` looks in: its deletion neighbourhood, and,
    when ``wide``, also without its first vowel and, if long enough, its two-deletion
    neighbourhood (filed for the common terms only)."""
    keys = _block_keys(classes, vowel=wide)
    if wide and len(classes) >= _COMMON_MIN_CLASSES:
        keys += [_TWO + k for k in _two_deletions(classes[:6])]
    return tuple(keys)


def _two_deletions(text: str) -> frozenset[str]:
    """``text`` and every string made by deleting one or two of its characters."""
    return frozenset(t for d in _deletions(text) for t in _deletions(d))


def _block_keys(classes: str, *, vowel: bool) -> list[str]:
    """Deletion-neighbourhood keys of the first six sound classes: two keys share one
    when they differ by one substitution, insertion or deletion there (keys of up to
    two classes are matched only exactly). With ``vowel``, a key that opens with a vowel
    is also blocked without it: an unstressed first vowel is what speech recognisers
    lose first ("see the Minifam": acetaminophen)."""
    if len(classes) <= 2:
        return ["=" + classes]
    keys = _deletions(classes[:6])
    if vowel and classes[0] == "A" and len(classes) > 3:
        keys += _deletions(classes[1:7])
    return keys
