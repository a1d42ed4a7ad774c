"""The candidate score: one logistic model over named features, kept in one place.

This module owns how a lexicon term proposed for a window of words is scored. The
features (recorded in ``Candidate.features``) split into the match of the term to the
query (:func:`match_features`, :func:`match_logit`: spelling, sound (of the letters, or
of the words' phones when the window is searched by them), onset, OCR choices, glyphs,
prior) and the window's context (:func:`context_logit`: confidence, English,
dose, prescribing cue); their sum goes through a sigmoid. A later acoustic rescoring adds
its ``acoustic`` feature to the same sum (weight ``WEIGHTS["acoustic"]``).
:func:`match_ceiling` bounds the match part over many terms at once, so that a window no
term could flag is never scored term by term.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from uncertain._glyphs import skeleton
from uncertain._index import COMMON_PRIOR
from uncertain._phonetic import class_key, sound_key
from uncertain.document import Evidence, Modality

if TYPE_CHECKING:
    from uncertain._index import Indexed

__all__ = [
    "MIX",
    "PERFECT_MATCH",
    "UNKNOWN_CONFIDENCE",
    "WEIGHTS",
    "context_logit",
    "evidence_of",
    "logit",
    "match_ceiling",
    "match_features",
    "match_logit",
    "onset",
    "perfect_logit",
    "score_candidate",
    "sigmoid",
    "similarity_pivot",
]

#: Weights of the candidate score (a logistic model over the named features).
WEIGHTS: dict[str, float] = {
    "bias": -0.4,
    "similarity": 15.0,  # times (similarity - similarity_pivot(length of the query))
    "prior": 2.5,  # times (prior - 0.4)
    # ... and, for a window compared by phones, whose coarse classes tie more names, this
    # much more times (prior - COMMON_PRIOR): the prior breaks the ties ("or master 10"
    # is atorvastatin, not the rare Orgasteron)
    "phone_prior": 1.25,
    "dose_context": 2.2,
    "cue_before": 0.8,
    "slot": 1.0,  # a prescribing word before and a dose right after: the drug's own slot
    "no_context": -1.0,  # neither a dose after nor a prescribing word before the window
    # before a dose, not right before it, in a sentence that names no drug: the drug was
    # misheard somewhere there
    "orphan_dose": 2.0,
    "doubt": 2.0,  # times (1 - confidence - 0.4)
    "common_english": -2.5,  # mean englishness of the window's words
    "extra_words": -0.3,  # per sure (not doubtful) word beyond the first
    "onset": 1.0,  # times (onset - 0.5); shared leading sound classes: onsets survive mishearing
    "ocr_choices": 3.0,
    "glyph": 2.5,
    "exact": 2.0,
    "acoustic": 0.0,  # reserved for a rescoring of the audio window
    # audio: times how far the term is above ordinary English's frequency (zipf units,
    # :func:`uncertain.lexicon.everyday`): a recogniser writes a word heard every day as
    # that word, so a garbled span is more likely a rare name ("those are 10" is
    # losartan, not seizure; "Tom Schulissen" is tamsulosin, not solution)
    "everyday": -1.5,
}


#: what the phone similarity gives up to compare with the letters' sound similarity: its
#: classes are coarser, so the best of many chance matches scores this much higher
#: (``benchmarks/phone_scale.py``)
PHONE_SHIFT = 0.04


def similarity_pivot(length: int) -> float:
    """The similarity at which a match is as likely real as chance, for a query of
    ``length`` letters: a short word is always close to something in 40,000 names, a long
    window is not."""
    return 0.62 + 0.35 * math.exp(-max(0, length - 4) / 4.0)

#: the confidence assumed for words whose engine gave none (plain text)
UNKNOWN_CONFIDENCE = 0.75
#: how spelling and sound similarity mix, per modality
MIX: dict[str, tuple[float, float]] = {"audio": (0.35, 0.65), "image": (0.85, 0.15),
                                       "text": (0.45, 0.55)}


def score_candidate(features: dict[str, float], modality: Modality) -> float:
    """The probability-like score in [0, 1] of one candidate from its named features.

    ``features`` holds the match features ``spelling``, ``prefix``, ``sound``,
    ``sound_class``, ``onset``, ``glyph``, ``ocr_choices``, ``exact``, ``prior``,
    ``length`` (letters of the query) and optionally ``phone``, ``everyday`` (audio) and
    ``acoustic``, and the window's context features ``dose_context``, ``cue_before``,
    ``confidence`` (-1 when unknown), ``common_english`` and ``words``. The combined
    ``similarity`` is written back.
    """
    return sigmoid(match_logit(features, modality) + context_logit(features))


def match_features(key: str, item: Indexed, modality: Modality, *, choice: float = 0.0,
                   glyph: bool = False, said: str | None = None) -> dict[str, float]:
    """The match features of the indexed term ``item`` to the compact query ``key``, given
    the likelihood of an OCR ``choice`` that spells it, and whether a ``glyph`` confusion
    does; with ``said``, the phone classes of the query's words
    (:func:`uncertain._phones.phone_classes`), also ``phone``: their similarity to the
    term's, less ``PHONE_SHIFT``, which then stands for the sound similarity."""
    return match_features_many(key, [item], modality, choice=choice, glyph=glyph,
                               said=said)[0]


def match_features_many(key: str, items: Sequence[Indexed], modality: Modality, *,
                        choice: float = 0.0, glyph: bool = False,
                        said: str | None = None) -> list[dict[str, float]]:
    """:func:`match_features` of each of ``items`` to ``key``: the query's keys computed
    once, each term's similarities in one loop (no call and dict merge per term)."""
    if not items:
        return []
    q_class = class_key(key)
    compacts = [item.compact for item in items]
    spelling = _ratios(key, compacts)
    jaro = JaroWinkler.normalized_similarity
    sound = _ratios(sound_key(key), [item.sound for item in items])
    classes = _ratios(q_class, [item.classes for item in items])
    phone = None if said is None else _ratios(said, [
        item.phones if item.known_phones is None else item.known_phones for item in items])
    glyphs = (_ratios(skeleton(key), [skeleton(c) for c in compacts])
              if modality == "image" and not glyph else None)
    audio = modality == "audio"
    out = []
    for k, item in enumerate(items):
        extra = {} if phone is None else {"phone": round(phone[k] / 100.0 - PHONE_SHIFT, 4)}
        features = {**extra,
            "spelling": round(spelling[k] / 100.0, 4),
            "prefix": round(jaro(key, item.compact), 4),
            "sound": round(sound[k] / 100.0, 4),
            "sound_class": round(classes[k] / 100.0, 4),
            "onset": onset(q_class, item.classes),
            "glyph": 1.0 if glyph else (
                round(glyphs[k] / 100.0, 4) if glyphs is not None else 0.0),
            "ocr_choices": round(choice, 4),
            "exact": 1.0 if key == item.compact else 0.0,
            "prior": item.entry.prior,
            "length": float(len(key)),
        }
        if audio:
            features["everyday"] = item.everyday
        if not item.dosed:  # a unit, a form or a clinical word takes no drug's context
            features["drug"] = 0.0
        out.append(features)
    return out


def _ratios(query: str, choices: list[str]) -> list[float]:
    """``fuzz.ratio(query, c)`` for each of ``choices`` (a loop costs less than
    ``process.cdist``'s set-up for the two dozen terms a query is matched with)."""
    ratio = fuzz.ratio
    return [ratio(query, c) for c in choices]


def match_logit(features: dict[str, float], modality: Modality) -> float:
    """The part of the score owed to how well the term matches the query."""
    w = WEIGHTS
    a, b = MIX[modality]
    similarity = a * _spell(features) + b * _sound(features)
    if modality == "image":
        similarity = max(similarity, features["glyph"])
    similarity = max(similarity, features["exact"], 1.0 if features["ocr_choices"] > 0 else 0.0)
    features["similarity"] = round(similarity, 4)
    return (
        w["similarity"] * (similarity - similarity_pivot(int(features["length"])))
        + w["prior"] * (features["prior"] - 0.4)
        + w["phone_prior"] * ("phone" in features) * (features["prior"] - COMMON_PRIOR)
        + w["onset"] * (features.get("onset", 0.5) - 0.5)
        + w["ocr_choices"] * features["ocr_choices"]
        + w["glyph"] * (features["glyph"] >= 0.999)
        + w["exact"] * features["exact"]
        + w["acoustic"] * features.get("acoustic", 0.0)
        + w["everyday"] * features.get("everyday", 0.0)
    )


def match_ceiling(
    columns: Mapping[str, np.ndarray | float], length: int, modality: Modality
) -> float:
    """At least the :func:`match_logit` of each term whose match features (unrounded,
    without OCR choices or glyphs, so not for images) are the rows of ``columns``, for a
    query of ``length`` letters; ``-inf`` for no term. A feature may be given as one
    number at least its value for every term, or left out (taken as 1)."""
    w = WEIGHTS
    # ``everyday`` can only lower a score (its weight is not positive): left out of the bound
    if modality == "image" or min(w["similarity"], w["onset"], w["exact"]) < 0 \
            or w["everyday"] > 0:
        return math.inf
    if np.size(columns["prior"]) == 0:
        return -math.inf
    # the scored features are rounded to four places, which moves similarity by < 1e-4
    const = w["similarity"] * (1e-4 - similarity_pivot(length)) - 0.4 * w["prior"] \
        - 0.5 * w["onset"] + 1e-9
    rows = np.zeros(1)
    for name, weight in _ceiling_weights(modality):
        value = columns.get(name, 1.0)
        if isinstance(value, np.ndarray):
            rows = rows + weight * value
        else:
            const += weight * value
    return float(rows.max()) + const


@lru_cache(maxsize=8)
def _ceiling_weights(modality: Modality) -> tuple[tuple[str, float], ...]:
    """The weight of each match feature in :func:`match_ceiling`'s linear bound."""
    w = WEIGHTS
    a, b = MIX[modality]
    # the similarity is linear in the features; max(similarity, exact) <= similarity + exact
    weights = {**{name: m * a * w["similarity"] for name, m in _SPELL.items()},
               **{name: m * b * w["similarity"] for name, m in _SOUND.items()},
               "onset": w["onset"], "exact": w["exact"] + w["similarity"], "prior": w["prior"]}
    return tuple(weights.items())


def context_logit(features: dict[str, float]) -> float:
    """The part of the score owed to the window: confidence, English, dose, cue. A dose
    or a prescribing word says a drug was meant: a term they cannot govern (``drug`` 0,
    :func:`uncertain.lexicon.takes_dose`: a unit, a form, a clinical word) is scored as
    if the window had no context ("for the infection, 500 mg" is no infarction)."""
    w = WEIGHTS
    conf = features["confidence"]
    # unknown confidence (plain text) counts as a fairly sure engine
    conf = conf if conf >= 0 else UNKNOWN_CONFIDENCE
    drug = features.get("drug", 1.0)
    dose = features["dose_context"] * drug
    cue = features["cue_before"] * drug
    # a dose right after the window says more, and counts instead
    orphan = features.get("orphan_dose", 0.0) * (dose == 0.0) * drug
    return (
        w["bias"]
        + w["doubt"] * (1.0 - conf - 0.4)
        + w["dose_context"] * dose
        + w["cue_before"] * cue
        + w["slot"] * cue * (dose >= 1.0)
        + w["orphan_dose"] * orphan
        + w["no_context"] * (1.0 - max(dose, cue, orphan))
        + w["common_english"] * features["common_english"]
        + w["extra_words"] * features.get("sure_extra_words", features["words"] - 1)
    )


def sigmoid(z: float) -> float:
    """The logistic function, clamped against overflow."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def logit(p: float) -> float:
    """The log-odds of a score, which is kept to four places: clamped to [1e-4, 1 - 1e-4]."""
    p = min(1.0 - 1e-4, max(1e-4, p))
    return math.log(p / (1.0 - p))


#: the match features of a perfect match, for an upper bound on a window's score
PERFECT_MATCH: dict[str, float] = {
    "spelling": 1.0, "prefix": 1.0, "sound": 1.0, "sound_class": 1.0, "onset": 1.0,
    "glyph": 0.0, "ocr_choices": 0.0, "exact": 0.0,
}


@lru_cache(maxsize=4096)
def perfect_logit(length: int, prior: float, modality: Modality) -> float:
    """The :func:`match_logit` of a perfect spelling and sound match of ``prior`` to a
    query of ``length`` letters: a bound on any match without OCR evidence."""
    # a window of speech or text compared by phones weighs the prior more (its phone
    # similarity is at most 1 - PHONE_SHIFT): the bound takes the larger weight
    bound = match_logit({**PERFECT_MATCH, "prior": prior, "length": float(length)}, modality)
    if modality != "image":
        bound += max(0.0, WEIGHTS["phone_prior"] * (prior - COMMON_PRIOR))
    return bound


def onset(a: str, b: str) -> float:
    """How many leading sound classes two keys share, up to four, over four; a first
    vowel one key has and the other lacks is skipped (an unstressed first vowel is
    what a recogniser loses first: "set of minnow fin", acetaminophen)."""
    n = _shared(a, b)
    if a[:1] == "A" and b[:1] != "A":
        n = max(n, _shared(a[1:], b))
    elif b[:1] == "A" and a[:1] != "A":
        n = max(n, _shared(a, b[1:]))
    return n / 4.0


def _shared(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        n += 1
    return n


#: how the spelling and the sound similarity are each made of two measures
_SPELL: dict[str, float] = {"spelling": 0.7, "prefix": 0.3}
_SOUND: dict[str, float] = {"sound": 0.4, "sound_class": 0.6}


def _spell(features: dict[str, float]) -> float:
    return _SPELL["spelling"] * features["spelling"] + _SPELL["prefix"] * features["prefix"]


def _sound(features: dict[str, float]) -> float:
    """The sound similarity: of the phones, when the window was searched by them; else of
    the letters' Metaphone keys."""
    phone = features.get("phone")
    if phone is not None:
        return phone
    return _SOUND["sound"] * features["sound"] + _SOUND["sound_class"] * features["sound_class"]


def evidence_of(features: dict[str, float], modality: Modality) -> list[Evidence]:
    """Which evidence carried a candidate, strongest first."""
    out: list[Evidence] = []
    if features.get("text_layer", 0.0) > 0:
        # a PDF text layer spells it (``ocr_choices`` then weighs its reading): the engine's
        # choices are evidence only where one of them spells it too
        out.append("text_layer")
        if features.get("engine_choice", 0.0) > 0:
            out.append("ocr_choices")
    elif features["ocr_choices"] > 0:
        out.append("ocr_choices")
    if features["glyph"] >= 0.999:
        out.append("glyph")
    spell, sound = _spell(features), _sound(features)
    pair: list[Evidence] = ["sound", "spelling"] if sound > spell else ["spelling", "sound"]
    if modality == "image":
        pair = ["spelling"]
    out += pair
    return out
