"""The lexicon terms near a window, scored in its context: the validator's candidate search.

This module owns the step ``window spelling + context -> ranked candidates``: the index's
nearest terms by spelling and sound (:meth:`CandidateSearch.similar`, cached per
spelling; for a window the context says names a drug, also the common drug names
nearest the phones of its words), OCR's engine choices and glyph confusions
(:meth:`CandidateSearch.variants`), a bound that skips windows no term could flag
(:meth:`CandidateSearch.hopeless`), the ranking (:meth:`CandidateSearch.rank`, scores
from :mod:`uncertain._score`) and which candidates a flag lists (:func:`listed`).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from uncertain._context import strip_punct
from uncertain._glyphs import choice_variants, glyph_variants
from uncertain._index import COMMON_PRIOR, LexiconIndex, compact
from uncertain._phones import phone_classes
from uncertain._score import (
    _SPELL,
    MIX,
    PHONE_SHIFT,
    WEIGHTS,
    context_logit,
    evidence_of,
    match_ceiling,
    match_features,
    match_features_many,
    match_logit,
    sigmoid,
    similarity_pivot,
)
from uncertain._text_layer import SOURCE as LAYER_SOURCE
from uncertain._words import names_drug, word_key
from uncertain.document import Candidate, Evidence, Modality, Word
from uncertain.lexicon import Entry

__all__ = ["CandidateSearch", "Match", "Ranked", "listed", "names_a_drug"]

#: a match of a term to a query: its logit, the index entry and its match features
Match = tuple[float, int, dict[str, float]]


@dataclass(frozen=True, slots=True)
class Ranked:
    """A scored candidate, turned into a :class:`Candidate` only when it is reported."""

    score: float
    entry: Entry
    features: dict[str, float]
    modality: Modality

    @property
    def canonical(self) -> str:
        return self.entry.canonical

    @property
    def term(self) -> str:
        return self.entry.term

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def lexicon(self) -> str:
        return self.entry.lexicon

    @property
    def evidence(self) -> list[Evidence]:
        return evidence_of(self.features, self.modality)

    def candidate(self) -> Candidate:
        e = self.entry
        return Candidate(term=e.term, canonical=e.canonical, score=self.score, lexicon=e.lexicon,
                         kind=e.kind, evidence=self.evidence, features=self.features)


#: spellings whose matches the candidate search keeps (each about 17 KB: the matches and
#: their features), the oldest dropped first: a long batch of unknown words (OCR debris,
#: names, another language) holds at most about 170 MB of them; 60,000 words of dictation
#: make some 1,400
SIMILAR_CACHE = 10_000
#: spellings whose block's score bound it keeps (a number each)
CEILING_CACHE = 100_000


_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(cache: OrderedDict[_K, _V], key: _K, value: _V, limit: int) -> None:
    """``cache[key] = value``, dropping the oldest entry beyond ``limit`` (threads sharing
    the cache may drop one entry too many: harmless)."""
    cache[key] = value
    if len(cache) > limit:
        try:
            cache.popitem(last=False)
        except KeyError:  # emptied by another thread meanwhile
            pass


class CandidateSearch:
    """Candidate search over one lexicon index, with the caches that make it fast: the
    matches of a spelling and the score bound of its index block (bounded: see
    ``SIMILAR_CACHE``)."""

    def __init__(self, index: LexiconIndex) -> None:
        self.index = index
        #: the highest prior of any term: a bound on every candidate's prior
        self.max_prior = max((it.entry.prior for it in index.items), default=0.0)
        self._sim_cache: OrderedDict[tuple[str, str, int, bool, str | None], list[Match]] = (
            OrderedDict())
        self._ceilings: OrderedDict[tuple[str, str, bool], float] = OrderedDict()
        #: ... and of the matches of a spelling searched by the phones of its words too
        self._phone_ceilings: OrderedDict[tuple[str, str, str], float] = OrderedDict()
        self._last_near: tuple[tuple[str, int, bool, str | None], tuple[int, ...]] | None = None

    def variants(self, word: Word, modality: Modality, span: int | None = 1
                 ) -> list[tuple[str, float, Evidence]]:
        """Other spellings an OCR word may stand for: engine choices, then glyph variants.
        A PDF text layer's reading of a run of words (``Alternative.span``, on its first
        word) is the run's: for ``span`` 1, a window of the word alone, it is left out;
        for ``span`` n, a window of n words from this one, only the readings of that run
        are given; ``None`` gives every reading (a word flagged on its own, where no
        window of its run was)."""
        if modality != "image":
            return []
        if span is not None and span > 1:
            return [(key, alt.confidence or 0.5, "text_layer") for alt in word.alternatives
                    if alt.source == LAYER_SOURCE and alt.span == span
                    and (key := word_key(alt.text.strip()))]
        if span is not None and any(alt.span for alt in word.alternatives):
            word = word.model_copy(update={"alternatives": [
                alt for alt in word.alternatives if not alt.span]})
        # a PDF text layer's reading is the layer's evidence, not the engine's
        layer = {a.text.strip() for a in word.alternatives if a.source == LAYER_SOURCE}
        out: list[tuple[str, float, Evidence]] = [
            (word_key(text), likelihood, "text_layer" if text in layer else "ocr_choices")
            for text, likelihood in choice_variants(word)
        ]
        # a glyph variant is a whole spelling: "pr1ya" is not the run "pr" of a token
        # glued to a dose, as word_key would read it
        out += [(compact(text), 1.0, "glyph") for text in glyph_variants(strip_punct(word.text))]
        return [v for v in out if v[0]]

    def similar(self, key: str, modality: Modality, limit: int,
                 wide: bool, said: str = "") -> list[Match]:
        """The index's nearest terms to ``key``, best match first (cached: they depend on
        the spelling, modality, limit and ``wide`` only, not on the rest of the window's
        context). For a ``wide`` window of speech or plain text, ``said`` (its words as
        heard) also brings the commonly prescribed names nearest its phones, and every
        term is compared with it by phones (the ``phone`` feature) rather than by the
        letters' sound keys."""
        phones = phone_classes(said) if said and wide and modality != "image" else None
        cache_key = (key, modality, limit, wide, phones)
        found = self._sim_cache.get(cache_key)
        if found is None:
            ids = self._near(key, limit, wide, phones)
            items = self.index.items
            found = [(match_logit(features, modality), idx, features) for idx, features in zip(
                ids, match_features_many(key, [items[i] for i in ids], modality, said=phones),
                strict=True)]
            found.sort(key=lambda m: (-m[0], -m[2]["prior"]))
            _remember(self._sim_cache, cache_key, found, SIMILAR_CACHE)
        return found

    def _near(self, key: str, limit: int, wide: bool, phones: str | None) -> list[int]:
        """The entries :meth:`similar` scores: the index's nearest to ``key``, then those
        nearest the ``phones`` (if given) not among them. The last query's are kept: a
        window bounded by :meth:`_phone_ceiling` and not found hopeless is scored next."""
        query = (key, limit, wide, phones)
        last = self._last_near  # one read: a search may be shared by threads
        if last is not None and last[0] == query:
            return list(last[1])
        ids = self.index.near(key, limit=limit, wide=wide)
        if phones is not None:
            ids += [i for i in self.index.near_phones(phones) if i not in ids]
        self._last_near = (query, tuple(ids))
        return ids

    def _phone_ceiling(self, key: str, modality: Modality, limit: int, phones: str) -> float:
        """At least the :func:`uncertain._score.match_logit` of each entry :meth:`similar`
        scores for ``key`` searched by ``phones`` too (not for OCR): of its spelling,
        beginning and phones, every other feature taken at its best (a perfect onset) or
        as it is (the prior, how everyday the term is), without building the features
        of each. Most windows so searched are then found hopeless without them."""
        items = self.index.items
        ids = self._near(key, limit, True, phones)
        if not ids:
            return -math.inf
        spell, sound = MIX[modality]
        pivot = similarity_pivot(len(key))
        ratio, jaro = fuzz.ratio, JaroWinkler.normalized_similarity
        audio = modality == "audio"
        best = -math.inf
        for idx in ids:
            item = items[idx]
            phone = ratio(phones, item.phones if item.known_phones is None
                          else item.known_phones) / 100.0 - PHONE_SHIFT
            # the features are rounded to four places: the similarity moves by < 1e-4
            similarity = (spell * (_SPELL["spelling"] * ratio(key, item.compact) / 100.0
                                   + _SPELL["prefix"] * jaro(key, item.compact))
                          + sound * phone + 1e-4)
            exact = key == item.compact
            prior = item.entry.prior
            logit = (WEIGHTS["similarity"] * (max(similarity, float(exact)) - pivot)
                     + WEIGHTS["prior"] * (prior - 0.4)
                     + WEIGHTS["phone_prior"] * (prior - COMMON_PRIOR)
                     + WEIGHTS["onset"] * 0.5
                     + WEIGHTS["exact"] * exact
                     + (WEIGHTS["everyday"] * item.everyday if audio else 0.0))
            best = max(best, logit)
        return best + 1e-9

    def hopeless(self, key: str, base: dict[str, float], modality: Modality,
                 search_limit: int, threshold: float, said: str = "") -> bool:
        """True when no term near ``key`` could score ``threshold`` in the context ``base``
        (never for OCR, whose choice and glyph matches are scored apart): by a bound over
        the index's block of ``key``, then by the scored matches, if cached. A window
        searched by phones too (``said``, see :meth:`similar`) is bounded by its scored
        matches."""
        if modality == "image":
            return False
        context = context_logit(base)
        wide = names_a_drug(base)
        if said and wide:  # the block bound holds for letters' sound keys only
            phones = phone_classes(said)
            best = self._sim_cache.get((key, modality, search_limit, wide, phones))
            if best is None:
                bound_key = (key, modality, phones)
                ceiling = self._phone_ceilings.get(bound_key)
                if ceiling is None:
                    ceiling = self._phone_ceiling(key, modality, search_limit, phones)
                    _remember(self._phone_ceilings, bound_key, ceiling, CEILING_CACHE)
                if round(sigmoid(ceiling + context), 4) < threshold:
                    return True
                best = self.similar(key, modality, search_limit, wide, said)
            return round(sigmoid((best[0][0] if best else -math.inf) + context), 4) < threshold
        ceiling = self._ceilings.get((key, modality, wide))
        if ceiling is None:
            ceiling = match_ceiling(self.index.block_columns(key, wide=wide), len(key),
                                    modality)
            _remember(self._ceilings, (key, modality, wide), ceiling, CEILING_CACHE)
        if round(sigmoid(ceiling + context), 4) < threshold:
            return True
        # the very matches rank takes
        scored = self._sim_cache.get((key, modality, search_limit, wide, None))
        return scored is not None and round(
            sigmoid((scored[0][0] if scored else -math.inf) + context), 4) < threshold

    def match(self, key: str, idx: int, modality: Modality, *, choice: float = 0.0,
               glyph: bool = False, said: str | None = None) -> Match:
        features = match_features(key, self.index.items[idx], modality, choice=choice,
                                  glyph=glyph, said=said)
        return match_logit(features, modality), idx, features

    def rank(
        self,
        key: str,
        variants: Sequence[tuple[str, float, Evidence]],
        base: dict[str, float],
        modality: Modality,
        *,
        search_limit: int,
        limit: int,
        said: str = "",
    ) -> list[Ranked]:
        """At most ``limit`` candidates for the compact ``key`` (OCR ``variants`` of it
        added; ``said``: its words as heard, see :meth:`similar`), scored in the context
        ``base`` and ranked, one per canonical, among the ``search_limit`` terms the index
        finds."""
        index = self.index
        matches = self.similar(key, modality, search_limit, names_a_drug(base), said)
        choices: dict[int, float] = {}  # entries an engine choice spells exactly
        layer: dict[int, float] = {}  # entries a PDF text layer's reading spells exactly
        glyphs: set[int] = set()  # entries a glyph confusion spells exactly
        for variant, likelihood, evidence in variants:
            for idx in index.lookup(variant):
                if evidence == "glyph":
                    glyphs.add(idx)
                else:  # (the layer's reading weighs as an engine choice does)
                    spelled = layer if evidence == "text_layer" else choices
                    spelled[idx] = max(spelled.get(idx, 0.0), likelihood)
        if modality == "image":
            glyphs.update(index.lookup_skeleton(key))
        special = set(choices) | set(layer) | glyphs
        if special:
            matches = [m for m in matches if m[1] not in special] + [
                self.match(key, idx, modality, glyph=idx in glyphs,
                           choice=max(choices.get(idx, 0.0), layer.get(idx, 0.0)))
                for idx in special
            ]
            for _, idx, features in matches:
                if idx in layer:
                    features["text_layer"] = layer[idx]
                    features["engine_choice"] = choices.get(idx, 0.0)
            matches.sort(key=lambda m: (-m[0], -m[2]["prior"]))
        context = context_logit(base)
        # a term that takes no dose takes no dose's context (:func:`context_logit`)
        plain: float | None = None
        scored: list[Match] = []
        for z, idx, similarity in matches:
            if "drug" in similarity:
                if plain is None:
                    plain = context_logit({**base, "drug": 0.0})
                scored.append((z + plain, idx, similarity))
            else:
                scored.append((z + context, idx, similarity))
        if plain is not None:
            scored.sort(key=lambda m: -m[0])
        out: list[Ranked] = []
        seen: set[str] = set()
        for z, idx, similarity in scored:
            entry = index.items[idx].entry
            name = entry.canonical.casefold()
            if name in seen:
                continue
            seen.add(name)
            out.append(Ranked(round(sigmoid(z), 4), entry, {**base, **similarity}, modality))
            if len(out) >= limit:
                break
        return out


_R = TypeVar("_R", bound=Ranked | Candidate)


def listed(ranked: Sequence[_R], modality: Modality, max_candidates: int,
           acoustic_pool: int) -> list[_R]:
    """The candidates a flag lists, of ``ranked`` (best first): the best
    ``max_candidates``, then, for audio, the commonly prescribed drugs among the best
    ``acoustic_pool``: the acoustic second pass weighs them, and a recogniser that broke a
    name beyond spelling's reach most often broke one said every day."""
    head = list(ranked[:max_candidates])
    if modality != "audio":
        return head
    return head + [r for r in ranked[max_candidates:acoustic_pool] if _common_drug(r)]


def _common_drug(item: Ranked | Candidate) -> bool:
    if isinstance(item, Ranked):
        entry = item.entry
        return entry.prior >= COMMON_PRIOR and names_drug(entry.kind, entry.lexicon)
    return ((item.features or {}).get("prior", 0.0) >= COMMON_PRIOR
            and names_drug(item.kind, item.lexicon))


def names_a_drug(base: dict[str, float]) -> bool:
    """Whether a window's context (a dose after it, a prescribing word before it) says it
    names a drug: then the common terms two sound edits away are searched too."""
    return base["dose_context"] > 0 or base["cue_before"] > 0 or "orphan_dose" in base
