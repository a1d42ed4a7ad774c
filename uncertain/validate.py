"""The validator: flag doubtful words and propose the lexicon term that was meant.

This module owns the step ``Document -> Document + flags``. It reads each word
(:mod:`uncertain._words`) and what the words around it say, walks the windows of one to
five adjacent words worth searching (:mod:`uncertain._sweep`), asks the
candidate search (:mod:`uncertain._candidates`, over the lexicon index of
:mod:`uncertain._index`) for terms that are spelled or sound alike (and, for OCR,
spelled by the engine's character choices or by undoing a glyph confusion), scores each
candidate in one place
(:mod:`uncertain._score`, named features recorded in ``Candidate.features``) and keeps
the best set of non-overlapping flags: verified matches and windows whose words spell a
term exactly ("ZOL PID EM") first, then other near-lexicon windows by score (longer
first on ties), then single doubtful words. ``Flag.confidence`` is the
probability that the span is wrong: the best candidate's score for ``near_lexicon``,
``1 - confidence`` for ``low_confidence``, at most 0.2 for ``verified``. Reasons:

- ``near_lexicon``: a window whose joined spelling or sound is close to a term
  ("met for me" -> metformin, "lives in awful" -> lisinopril);
- ``out_of_vocabulary``: not English, in no lexicon, not a number, unit or punctuation;
- ``low_confidence``: the engine's confidence is below the modality's threshold;
- ``confusable`` (audio): a dose heard as a teen, "14 milligrams", which speech confuses
  with the tens (40, the candidate) and which is the rarer dose; ``Flag.confidence``
  ``_single.CONFUSABLE_DOUBT`` or the engine's doubt, whichever is higher; and an
  error-prone abbreviation of two drugs read one for the other ("MSO4", "MgSO4", "MS 2
  mg": morphine or magnesium sulfate), both the candidates, the one its dose says first;
- ``verified``: a confident exact lexicon match, kept as positive evidence.

How a recogniser breaks a name shapes the windows: a small number written as digits
before the dose's own number, or heard in doubt between doubtful words, is read as its
word ("or master 10 forty milligrams", "soon-match Rip 10 and"), a window may end in a
known stem of a longer name ("rose of a statin", never "on a statin") or begin with a
short name that begins one ("chlor thal a done"), "the" opens no window, and a window
between a prescribing word (and its determiner: "hold the") and a dose (or its "to":
"decrease X to 50 mg"; or a word linking the two: "X stays at 5 mg", "X up to 60 mg", "X
works out to 5 mg"; or words taking it up again for its dose or its looks: "the X, we
will keep that at 25 mg", "the X, I take 80 mg of it", "X, the box says 60 mg", "X, the
little white one"; the cues are :mod:`uncertain._cues`') scores higher, as the drug's
slot, for the drugs and products among its candidates only (not a unit, a dose form or
a clinical word); an amount *of* something names what follows its "of" ("contains 500 mg of
caffeine", "two puffs of albuterol"), not what comes before it, unless that is "it".
Where the context names a drug, commonly prescribed terms are also searched two
sound edits away (see :mod:`uncertain._index`).
A dose belongs to a drug: a sentence holding a strength but no flag naming a drug is
swept again, its windows with a doubtful word before the strength scored with that
context (``orphan_dose``): "so this art really is working well at 25 milligrams" is
sertraline. A word English knows but seldom uses, written or heard with confidence,
is what was meant unless it is nearly a term ("Multivitamin daily" is no
methamphetamine): recognisers misspell names as strings no word list knows; nor is
such a word derived from a term ("bilaterally", "neuropathic") that term misread. Sure
phrases of quantity ("no more than 4 g", "four times daily") and the routes' adverbs
("subcutaneously") are no syllables of a name, the routes' verbs ("inject", "inhale")
are prescribing words, and a British spelling ("oesophagitis", "oestradiol") is read as
the American one. A span doubted before a dose in milliequivalents also lists the salts
so dosed whose anion it spells ("chlor ride 20 mEq": potassium chloride), and an anion
written alone before one is doubted as its salt ("chloride 20 mEq"), not verified as the ion.

Cheap gates come first: a confident, common English word with no dose around it costs a
few dictionary look-ups, and a window that no term of its index block could flag, by a
bound on their scores (:func:`uncertain._score.match_ceiling`), costs no term's scoring.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from uncertain._assets import built_once
from uncertain._candidates import CandidateSearch, Ranked, listed, names_a_drug
from uncertain._candidates import _remember as remember
from uncertain._context import (
    classify,
    dose_amount,
    is_number_word,
    link_words,
    strip_punct,
)
from uncertain._cues import is_cue_word
from uncertain._glyphs import choice_variants, glyph_variants
from uncertain._index import Indexed, LexiconIndex, breaks_within, compact, written_key
from uncertain._index_cache import cached_index
from uncertain._phones import phone_classes
from uncertain._score import (
    WEIGHTS,
    context_logit,
    match_features_many,
    match_logit,
    perfect_logit,
    score_candidate,
    sigmoid,
)
from uncertain._single import (
    CONFUSABLE_DOUBT,
    LAYER_DOUBT,
    is_dose_frequency,
    layer_disagrees,
    layer_reading,
    word_flags,
    word_reasons,
)
from uncertain._sweep import Sweep, amount_after, new_lines, read_sweep, windows
from uncertain._text_layer import SOURCE as LAYER_SOURCE
from uncertain._text_layer import reads_run
from uncertain._words import (
    CLAUSE_END,
    KNOWN_ZIPF,
    WIDER_EDGE_MAX_ZIPF,
    Proposal,
    WordInfo,
    analyse,
    combination_parts,
    everyday_plural,
    glued_dose,
    key_of,
    names_drug,
    orphan_sentences,
    other_tail,
    plural_zipf,
    resolve,
    salt_written,
    widen,
    word_infos,
    word_key,
)
from uncertain.document import (
    Candidate,
    Document,
    Evidence,
    Flag,
    FlagReason,
    Modality,
    Validation,
    Word,
    join_words,
)
from uncertain.errors import LexiconError
from uncertain.lexicon import (
    Entry,
    Lexicon,
    default_lexicons,
    file_signature,
    is_shipped,
    load_lexicon,
    load_lexicon_bytes,
    load_lexicons,
    normalize_term,
    read_whole,
    shipped_lexicons,
    split_source,
    takes_dose,
)
from uncertain.vocabulary import Vocabulary, clinical_vocabulary

__all__ = ["WEIGHTS", "ValidateOptions", "Validator", "lexicon_evidence", "score_candidate",
           "validate"]

logger = logging.getLogger("uncertain")


LexiconSource = str | os.PathLike[str] | Lexicon


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    """Thresholds and limits of the validator; :func:`validate` takes each as a keyword."""

    #: a word below this confidence is flagged ``low_confidence`` (audio, image)
    low_confidence_audio: float = 0.2
    low_confidence_image: float = 0.35
    #: a number heard in digits ("20", "7.5", "400mg") below this confidence is flagged
    #: ``low_confidence``: one as likely wrong as right is marked (the shipped tiny.en
    #: calibration maps numbers apart, and a wrong dose costs more than a second look)
    low_confidence_number_audio: float = 0.5
    #: an ordinary English word needs a confidence below this share of the threshold
    common_word_factor: float = 0.5
    #: a window with a word below this confidence is searched for lexicon terms
    doubt_audio: float = 0.75
    doubt_image: float = 0.8
    #: a word at least this frequent (wordfreq zipf) is ordinary English
    english_min_zipf: float = 3.0
    #: a word below this zipf that no lexicon holds is out of vocabulary
    oov_max_zipf: float = 1.0
    #: longest run of words joined into one window (five: a recogniser may split a long
    #: name into five words, "a set of minnow fin")
    max_window: int = 5
    #: a candidate scoring at least this makes a ``near_lexicon`` flag
    flag_threshold: float = 0.5
    #: audio: a window in a drug's context (a prescribing word before it, a dose after it)
    #: whose best candidate scores at least this, under ``flag_threshold``, and is commonly
    #: prescribed (one of its first ``max_candidates`` has a prior of at least
    #: ``hunch_min_prior``) is kept as a hunch
    #: (``Validation.hunches``): no flag, but the acoustic second pass weighs it and makes
    #: it one when the audio bears that drug out (:func:`uncertain.rescore.rescore`). A person's
    #: speech turns a name into fluent English that the recogniser is fairly sure of
    #: ("Hold the last six until": Lasix); spelling and sound alone cannot tell it from
    #: what was said. 1.0 keeps none
    hunch_threshold: float = 0.1
    hunch_min_prior: float = 0.4
    #: candidates below this are not listed on any flag
    candidate_min_score: float = 0.15
    max_candidates: int = 5
    #: an exact match at least this confident (or of unknown confidence) is ``verified``;
    #: so is one above its word's low-confidence line (``low_confidence_*``), and a
    #: printed one of six letters or more however sure (OCR seldom misreads one long name
    #: as another that exists)
    verify_min_confidence: float = 0.5
    #: terms scored per window after the index's blocking
    search_limit: int = 16
    #: audio: after its best ``max_candidates``, a flag also lists the commonly prescribed
    #: terms (prior at least 0.55) among its best ``acoustic_pool`` (of the ``search_limit``
    #: searched), for the acoustic second pass to weigh (:func:`uncertain.rescore.rescore`);
    #: 0 lists none
    acoustic_pool: int = 16
    #: audio: terms searched for a window in a drug's slot (a dose after it, a prescribing
    #: word before it), of which the best ``acoustic_pool`` are ranked as above: a name
    #: broken into fluent words is far from its spelling, and the index's nearest
    #: ``search_limit`` miss it ("Continue select 20 milligrams": Celexa; "Increase not
    #: seaside climate at 100 milligrams": doxycycline); on the dev split of nine dev sets
    #: the acoustic pass then puts 3 more drugs said first (313 of 558 mentions) and 4
    #: more in the top 3, for about a tenth more of its time
    acoustic_search: int = 32

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            # by the declared type, not the value's: flag_threshold=2 is no float, yet
            # out of range; "0.5" is no number at all
            if f.type in ("int", int):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError(f"option {f.name}={value!r} must be a whole number")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"option {f.name}={value!r} must be a number")
            elif not 0.0 <= value <= (10.0 if "zipf" in f.name else 1.0):
                raise ValueError(f"option {f.name}={value} is out of range")
        if not 1 <= self.max_window <= 8:
            raise ValueError(f"option max_window={self.max_window} must be in 1..8")
        if self.max_candidates < 1 or self.search_limit < 1:
            raise ValueError("options max_candidates and search_limit must be at least 1")
        if self.acoustic_pool < 0:
            raise ValueError(f"option acoustic_pool={self.acoustic_pool} must be >= 0")
        if self.acoustic_search < 0:
            raise ValueError(f"option acoustic_search={self.acoustic_search} must be >= 0")


def _search_limit(base: dict[str, float], modality: Modality, opts: ValidateOptions) -> int:
    """The terms searched for a window: ``search_limit``, and for audio in a drug's slot
    (:func:`uncertain._candidates.names_a_drug`), where the acoustic pass weighs the
    commonly prescribed ones listed, ``acoustic_search`` when that is more."""
    if modality == "audio" and opts.acoustic_pool and names_a_drug(base):
        return max(opts.search_limit, opts.acoustic_search)
    return opts.search_limit


class Validator:
    """A validator bound to a set of lexicons; the index is built once, reuse it."""

    def __init__(
        self,
        lexicons: Iterable[LexiconSource] | None = None,
        options: ValidateOptions | None = None,
        vocabulary: Vocabulary | None = None,
        *,
        progress: Callable[[float, float | None], None] | None = None,
    ) -> None:
        """``progress(done, total)``, if given, is told of the terms of lexicons beyond
        the shipped ones indexed, every 20,000 (a million take a minute and more)."""
        if isinstance(lexicons, str | os.PathLike | Lexicon):
            lexicons = [lexicons]  # one given alone ("drugs" was read as "d", "r", ...)
        if options is not None and not isinstance(options, ValidateOptions):
            raise TypeError(f"options must be ValidateOptions, not {type(options).__name__}"
                            " (or give each as a keyword to validate())")
        self.lexicons: list[Lexicon] = (
            default_lexicons() if lexicons is None else _named_apart(load_lexicons(lexicons))
        )
        self.options = options or ValidateOptions()
        self.index = _index_of(self.lexicons, progress)
        self.search = CandidateSearch(self.index)
        self._goes_on: OrderedDict[tuple[str, str], bool] = OrderedDict()  # (_goes_on_as)
        #: clinical words taken as known (:mod:`uncertain.vocabulary`; by default the
        #: system's medical dictionary, if installed)
        self.vocabulary = clinical_vocabulary() if vocabulary is None else vocabulary
        logger.debug("validator index: %d terms from %s", len(self.index),
                     ", ".join(lx.name for lx in self.lexicons))

    @cached_property
    def _device_words(self) -> frozenset[str]:
        """The compact keys of the words that follow a brand's first word in the brands of
        several words ("Toujeo Solostar", "Rezvoglar Kwikpen"), of
        :data:`_DEVICE_MIN_LETTERS` letters or more, that are no term on their own: a pen's
        or a device's name, which a maker gives the pens of several of its drugs while
        the lexicon lists it with some of them only (built once per validator)."""
        keys: set[str] = set()
        for item in self.index.items:
            entry = item.entry
            if entry.kind != "brand" or " " not in entry.term.strip():
                continue
            for part in entry.term.split()[1:]:
                key = word_key(part)
                if len(key) >= _DEVICE_MIN_LETTERS and key.isalpha():
                    keys.add(key)
        return frozenset(k for k in keys if not self.index.lookup(k))

    def _device_after_brand(self, infos: list[WordInfo], words: Sequence[Word]) -> None:
        """A word out of vocabulary right after a drug's brand, in its sentence, that the
        lexicon holds as the later word of a brand's name (:attr:`_device_words`) is the
        brand's pen or device, no misspelled name: "Lantus SoloStar" (Solostar is listed
        with Toujeo and Admelog), "Humalog KwikPen" (with Rezvoglar). It was flagged near
        the name its letters are nearest (SoloStar: Zalasta, olanzapine) or out of
        vocabulary."""
        for k in range(1, len(infos)):
            info, before = infos[k], infos[k - 1]
            if (not info.oov or not before.exact or before.segment != info.segment
                    or CLAUSE_END.search(words[k - 1].text)
                    or info.key not in self._device_words):
                continue
            if any(self.index.items[idx].entry.kind == "brand" and self._names_drug(idx)
                   for idx in before.exact):
                info.zipf, info.oov = KNOWN_ZIPF, False

    def _drug_brand(self, idx: int) -> bool:
        """Whether entry ``idx`` is a drug's brand."""
        return self.index.items[idx].entry.kind == "brand" and self._names_drug(idx)

    def _names_drug(self, idx: int) -> bool:
        entry = self.index.items[idx].entry
        return names_drug(entry.kind, entry.lexicon)

    def _abbreviates_drug(self, idx: int) -> bool:
        """Whether an entry is an abbreviation that stands for a drug or a product (the
        clinical lexicon's "PCN", penicillin, as the drugs' "HCTZ"), or a drug's brand
        written as one, in capitals of at most :data:`_BRAND_INITIALS` letters ("DIC",
        dacarbazine's; "CPM", cyclophosphamide's)."""
        entry = self.index.items[idx].entry
        if entry.kind == "brand":
            return (entry.term.isupper() and len(compact(entry.term)) <= _BRAND_INITIALS
                    and names_drug(entry.kind, entry.lexicon))
        return entry.kind == "abbreviation" and (names_drug(entry.kind, entry.lexicon) or any(
            map(self._named, self.index.lookup(compact(entry.canonical)))))

    def _rare_abbreviation(self, idx: int, info: WordInfo) -> bool:
        """Whether an entry is a seldom prescribed drug's abbreviation (prior under
        :data:`_RARE_ABBREVIATION_PRIOR`: DrugBank's "OE", oleoyl-estrone; "AMP", "CD",
        "LH") of at most :data:`_BRAND_INITIALS` letters, written so in capitals as the
        word ``info``: a note's letters of that length are its own shorthand far more
        often ("OE", "O/E": on examination), and a drug of them is named before its dose
        or after a prescribing word (see :meth:`_window`)."""
        entry = self.index.items[idx].entry
        text = strip_punct(info.text)
        return (entry.kind == "abbreviation" and entry.prior < _RARE_ABBREVIATION_PRIOR
                and text == entry.term and text.isupper()
                and len(compact(entry.term)) <= _BRAND_INITIALS
                and names_drug(entry.kind, entry.lexicon))

    def _brand_as_word(self, idx: int, info: WordInfo) -> bool:
        """Whether an entry is a brand whose name is a word English knows (a zipf of
        :data:`uncertain._words.KNOWN_ZIPF` or more: "nostril", "buccal", "dilator"),
        written as the word ``info`` in lower case, which a brand is not (see
        :meth:`_window`)."""
        entry = self.index.items[idx].entry
        text = strip_punct(info.text)
        return (entry.kind == "brand" and text.islower() and text.isalpha()
                and text == entry.term.casefold() and info.zipf >= KNOWN_ZIPF)

    def _written_as_abbreviation(self, info: WordInfo) -> bool:
        """Whether a word is a drug's abbreviation written as its lexicon writes it, in
        capitals ("ASA", "HCTZ"; not "asa", which a recogniser may make of a name's end)."""
        text = strip_punct(info.text)
        return any(text == self.index.items[idx].entry.term and text != text.lower()
                   and self._abbreviates_drug(idx) for idx in info.exact)

    def _abbreviation_named(self, info: WordInfo, modality: Modality, dose: float,
                            named: bool) -> bool:
        """Whether a word English also knows is the drug it abbreviates (see
        :meth:`_exact`): written in its capitals before its dose ("ASA 81 mg"), or where
        the words before it name a drug (``named``: a prescribing word, "Start ASA",
        "allergic to ASA"; an allergy's label, "Allergies: ASA") when the drug is one
        commonly prescribed (not "Take AS directed", DrugBank's AS for artesunate); in
        writing, before its dose in lower case too ("asa 81 mg": a recogniser may make
        "asa" of a name's end, a writer writes aspirin so; "Asa" is a name)."""
        if (dose >= 1.0 or named) and self._written_as_abbreviation(info):
            # (written so: before its dose, or named as any commonly prescribed drug)
            return dose >= 1.0 or any(
                self.index.items[idx].entry.prior >= _RARE_ABBREVIATION_PRIOR
                and self._abbreviates_drug(idx) for idx in info.exact)
        text = strip_punct(info.text)
        return dose >= 1.0 and modality != "audio" and text.islower() and any(
            text == self.index.items[idx].entry.term.casefold()
            and self._abbreviates_drug(idx) for idx in info.exact)

    def _breaks_within(self, keys: Sequence[str], idx: int) -> bool:
        return breaks_within(keys, self.index.items[idx].normal)

    def _goes_on_as(self, head: str, tail: str) -> bool:
        """Whether a term of several words begins with the word ``head`` and goes on like
        ``tail`` (:func:`uncertain._words.other_tail`): "potassium", "chlorride". Kept
        per pair (a bounded number): a name and the words after it come back in every
        document that prescribes it, each window of them asking again."""
        known = self._goes_on.get((head, tail))
        if known is None:
            known = any(_begins_with_word(term, head) and not other_tail(term, head, tail)
                        for term in {self.index.items[idx].entry.term
                                     for idx in self.index.completions(head, extra=1)})
            remember(self._goes_on, (head, tail), known, _GOES_ON_CACHE)
        return known

    def _dose_names_next(self, words: Sequence[Word], j: int) -> bool:
        """Whether the dose after word ``j`` (a number within a word or two, its unit
        after it or glued on) is followed at once by a drug's name ("4 units insulin",
        "4 mg ondansetron"): an amount written before what it is of. In writing only: a
        recogniser's "4 milligrams" before a word may be the dose and a misheard route."""
        for k in range(j, min(j + 3, len(words))):
            text = strip_punct(words[k].text)
            if classify(text) != "number":
                continue
            unit = k + 1 if (k + 1 < len(words) and classify(
                strip_punct(words[k + 1].text).casefold()) == "unit") else k
            if unit == k and text.replace(".", "").replace(",", "").isdigit():
                return False  # (a bare number: no amount with its unit)
            after = unit + 1
            if after >= len(words) or CLAUSE_END.search(words[unit].text):
                return False
            key = word_key(words[after].text)
            return bool(key) and any(self._names_drug(idx) or self._named(idx)
                                     for idx in self.index.lookup(key))
        return False

    def _begins_term(self, key: str) -> bool:
        """Whether a term's compact spelling begins with ``key`` (or is it)."""
        return bool(self.index.lookup(key)) or self.index.begins(key, extra=1)

    def _named(self, idx: int) -> bool:
        """Whether an entry is a drug, a product or a class of drugs by its own name."""
        entry = self.index.items[idx].entry
        return takes_dose(entry.kind, entry.lexicon) or entry.kind == "class"

    def validate(self, doc: Document, *, options: ValidateOptions | None = None) -> Document:
        """A copy of ``doc`` whose ``flags`` hold this validator's findings (the copy shares
        the unchanged segments)."""
        if not isinstance(doc, Document):
            raise TypeError(f"validate() takes a Document, not {type(doc).__name__} "
                            "(uncertain.ingest, read_text or document_from_text make one)")
        if options is not None and not isinstance(options, ValidateOptions):
            raise TypeError(f"options must be ValidateOptions, not {type(options).__name__}")
        opts = options or self.options
        words = doc.words
        modality: Modality = doc.source.modality
        doubt = opts.doubt_audio if modality == "audio" else opts.doubt_image
        infos = word_infos(doc, self.index.lookup, opts.oov_max_zipf,
                           doubt if modality == "audio" else None, self.vocabulary,
                           self._names_drug, self._begins_term,
                           read_doubt=doubt if modality == "image" else None,
                           brand=self._drug_brand)
        self._device_after_brand(infos, words)
        n = len(infos)
        # in print and text, a dose is a name's on its own line, or opening the next one
        sweep = read_sweep(infos, words, modality, opts, doubt,
                           new_lines(doc.segments, infos, words) if modality != "audio"
                           else None)
        lowered, sure = sweep.lowered, sweep.sure
        found = self._sweep(sweep, range(n), n)
        proposals = _not_outscored(found, opts)
        proposals += self._written(sweep, {(p.start, p.end) for p in proposals})
        proposals += self._cut_short(sweep, {k for p in proposals for k in range(p.start, p.end)})
        proposals += self._confused(sweep, proposals)
        hunches = [p for p in found if p.hunch]
        proposals.extend(word_flags(
            infos, words, lowered, modality, opts, proposals,
            lambda i: self._suggest(infos[i], words[i], modality, opts),
            lambda i: self._misread_frequency(words[i]),
            lambda i, reading: self._reads_other(reading, infos[i], infos[i].exact, opts),
            self._names_vitamin))
        chosen = resolve(proposals)
        # a dose whose sentence names no drug: the name was misheard somewhere in it, so
        # its sentence is searched again with that context ("so this art really is
        # working well at 25 milligrams": sertraline)
        orphans = [p for a, b in orphan_sentences(infos, lowered, words, chosen, sure,
                                                  opts.flag_threshold)
                   for p in self._sweep(sweep, range(a, b), b, orphan=True)]
        orphan_flags = _not_outscored([*orphans, *hunches], opts)
        if orphan_flags:
            chosen = resolve(proposals + orphan_flags)
        hunches += [p for p in orphans if p.hunch]
        # a window matching part of a name heard as several words gives way to the wider
        # window its words spell clearly better, or, in speech, that takes in only words
        # heard in doubt before it (see _words.widen)
        chosen = widen(chosen, proposals + orphan_flags, infos,
                       [d and not m for d, m in zip(sweep.doubtful, sweep.marks, strict=True)]
                       if modality == "audio" else None)
        # a word of a run taken for what was said is no hunch of its own ("physical" of
        # "Continue physical therapy twice a week"), for the audio to bear out by chance
        hunches = [p for p in hunches
                   if not any(a <= p.start and p.end <= b for a, b in sweep.taken_as_said)]
        # a combination written as one word with a component misspelled is suggested as
        # the combination, not as the component its letters are nearest
        chosen = [self._combined(p, infos, modality, opts) for p in chosen]
        # ... and a word gluing terms with a mark as those terms ("mg:B10": "mg BID"),
        # not as the one whose letters its key kept
        chosen = [self._read_whole(p, infos, words, modality) for p in chosen]
        # ... and a name cut short with a dot as the names it begins ("Lisin.")
        chosen = [self._completed(p, sweep) for p in chosen]
        # ... and a span before a dose in milliequivalents with the salts so dosed whose
        # anion it spells ("chlor ride 20 mEq": potassium chloride)
        chosen = [self._dosed_in_meq(p, sweep) for p in chosen]
        flags = [self._flag(p, words) for p in chosen]
        taken = {k for p in chosen for k in range(p.start, p.end)}
        kept = [self._flag(p, words) for p in resolve(hunches)
                if not any(k in taken for k in range(p.start, p.end))]
        record = Validation(lexicons=[lx.name for lx in self.lexicons],
                            options=dict(_options_record(opts)), hunches=kept,
                            vocabulary=self.vocabulary.path)
        return doc.model_copy(update={"flags": flags, "validation": record})

    def _sweep(self, sw: Sweep, starts: range, limit: int, *,
               orphan: bool = False) -> list[Proposal]:
        """The proposals of the windows opening at ``starts`` and ending by ``limit``;
        ``orphan`` marks them as in a sentence whose dose names no drug."""
        infos, words, modality, opts = sw.infos, sw.words, sw.modality, sw.opts
        proposals: list[Proposal] = []
        person: dict[int, bool] = {}  # per first word, whether it begins a person's name
        for i, j, key, dose, cue, orphaned, slot in windows(sw, starts, limit,
                                                             self.index.lookup,
                                                             orphan=orphan):
            found = self._window(infos[i:j], i, j, key, words, modality, opts, dose, cue,
                                 orphaned, slot, taken_as_said=sw.taken_as_said,
                                 new_line=i == 0 or infos[i - 1].segment != infos[i].segment,
                                 person=person, cue_at=sw.cue_at)
            if found is not None:
                proposals.append(found)
        return proposals

    def _written(self, sw: Sweep, proposed: set[tuple[int, int]]) -> list[Proposal]:
        """Terms of several words written whole as their lexicon has them, where no
        window of the sweep ends on them: a term holding a number, a unit, a dose form or
        a mark ("Tylenol #3", "Acme Pulse Monitor 3000", "Zorvaxin extended release
        tablet"), whose words no window joins, or longer than a window. Such a term,
        written so, is verified (or, heard in doubt, doubted) whole; its words are the
        lexicon's, not a dose's or a misheard name's."""
        index, infos, words = self.index, sw.infos, sw.words
        keys = [written_key(w.text) for w in words]
        out: list[Proposal] = []
        for i in range(len(words)):
            if not keys[i] or not index.begins_written(keys[i]):
                continue
            head, found, end = keys[i], [], 0
            for j in range(i + 1, len(words)):
                if infos[j].segment != infos[i].segment:
                    break
                head += keys[j]
                ids = index.written(keys[i:j + 1])
                # a mark ending a clause inside the span must be the term's ("No. 3"),
                # not a sentence's end between words that happen to spell it
                ids = [idx for idx in ids if all(
                    not CLAUSE_END.search(words[k].text)
                    or words[k].text.strip().casefold() in index.items[idx].entry.term.casefold()
                    for k in range(i, j))]
                if ids:
                    found, end = ids, j + 1
                if not index.begins_written(head):
                    break
            if not found or (i, end) in proposed:
                continue  # (a window of the sweep ends on it: it said what it is)
            window = infos[i:end]
            if sw.modality == "image":
                layer = self._layer_verdict(window, words, i, end, found, sw.opts)
                if isinstance(layer, Proposal):
                    out.append(layer)
                if layer:
                    continue  # (the page's text layer reads it otherwise: see _window)
            known = [w.confidence for w in window if w.confidence is not None]
            conf = sum(known) / len(known) if known else None
            common = [w.zipf >= sw.opts.english_min_zipf for w in window]
            p = self._exact(window, i, end, found, conf, sw.modality, sw.opts,
                            sw.dose_at[end], sw.cue_at[i], common)
            if p is not None:
                out.append(replace(p, rank=-1) if p.reason == "verified" else p)
        return out

    # -- per word -------------------------------------------------------------------

    # -- windows ----------------------------------------------------------------------

    def _window(
        self,
        window: list[WordInfo],
        i: int,
        j: int,
        key: str,
        words: list[Word],
        modality: Modality,
        opts: ValidateOptions,
        dose: float,
        cue: bool,
        orphan: bool = False,
        slot: bool = True,
        taken_as_said: list[tuple[int, int]] | None = None,
        new_line: bool = False,
        person: dict[int, bool] | None = None,
        cue_at: Sequence[bool] = (),
    ) -> Proposal | None:
        """The proposal for the words ``i:j`` (``window``, whose compact spelling is
        ``key``), if any; ``orphan``: the window's sentence holds a dose but no drug;
        ``slot``: its ``cue`` is one where a hunch may be kept; ``taken_as_said`` collects
        the windows of everyday words taken for what was said; ``new_line``: the window
        opens a line (or a run of words); ``person`` keeps, per first word of the windows
        of one sweep, whether a title or a label makes it begin a person's name;
        ``cue_at``: where a prescribing word or phrase comes right before a word
        (:attr:`uncertain._sweep.Sweep.cue_at`)."""
        doubt = opts.doubt_audio if modality == "audio" else opts.doubt_image
        if dose and modality != "audio" and self._dose_names_next(words, j):
            # "covered with 4 units insulin lispro", "given 4 mg ondansetron": the dose
            # is of the drug named after it, as an amount's "of" says (is_amount_at)
            dose = 0.0
        confs = [w.confidence for w in window]
        known = [c for c in confs if c is not None]
        conf = sum(known) / len(known) if known else None
        common = [w.zipf >= opts.english_min_zipf for w in window]
        joined: Sequence[int] = ()
        if len(window) == 1:
            exact = window[0].exact
        else:
            # "insulin glargine" is that term; "at or vastatin" spells one but is misheard
            joined = self.index.lookup(key)
            exact = ()
            if joined:
                # a word a line break hyphenated is one word: "metfor-" / "min" is metformin
                spaced = "".join(w.key + ("" if w.hyphen_next else " ")
                                 for w in window[:-1]) + window[-1].key
                # the words may break where the term does, or not at a hyphen of it:
                # "Guillain-Barre syndrome", "Guillain Barre syndrome"
                keys = spaced.split(" ")
                if any(breaks_within(keys, self.index.items[idx].normal) for idx in joined):
                    # the words spell a term; where they break a name is the recogniser's
                    # choice, so every term of the same letters is that spelling too, best
                    # prior first ("pro air": Proair, albuterol, before the rare Pro-air)
                    exact = joined
            else:
                # "Penicillin VK": a drug's name with its salt's symbol written on
                exact = salt_written([w.key for w in window], self.index.lookup,
                                     self._names_drug, fits=self._breaks_within)
        if (not exact and len(window) == 2 and dose > 0 and modality != "audio"
                and self._clipped_pair(window)):
            # "Metop tart 25 mg", "metop succ": a name of two words (metoprolol tartrate)
            # each cut short, the drug's and its salt's, is no other name their letters
            # are near (Metadate); the first word is left to the path of a word cut short
            # before its dose (_cut_short), which offers the names it begins
            return None
        if (not exact and modality != "audio" and _abbreviation_beside_word(window, doubt)):
            # in writing, a sure abbreviation in capitals beside a word in lower case is
            # the writer's abbreviation and a word, not the pieces of a broken name, which
            # a recogniser or a scan breaks in one case ("pro air", "ZOL PID EM"): "Weaned
            # to RA" (room air) is no Tora
            return None
        if not exact and modality != "audio" and _capital_after_word(window, words, i,
                                                                     cue_at, doubt):
            # ... and a word capitalised where a writer capitalises a drug's name, after
            # a sure word in lower case, begins a word of its own: "Pt received Ondan 4
            # mg", "Started on Levo 750 mg" are a verb or a particle and a clipped name,
            # not one name broken in pieces (risperidone, Aleve)
            return None
        brand = len(window) == 1 and bool(exact) and all(
            self.index.items[idx].entry.kind == "brand" for idx in exact)
        if brand:
            names_person = _names_person(words, i, doubt, brand=True)
        else:  # (the same for every window from word i)
            known_person = None if person is None else person.get(i)
            names_person = (_names_person(words, i, doubt) if known_person is None
                            else known_person)
            if person is not None:
                person[i] = names_person
        if names_person:
            # "Dr. Allegra Moore", "Mrs. Celexa Jones", "Patient: Allegra Jones": a name
            # after a title or a form's label of a person is the person's, verified or
            # misread as no drug; so is a brand a person's verb follows ("Allegra called")
            return None
        if exact and len(window) == 1 and _names_device(words, i, j):
            # "PCN tube", "right PCN": a percutaneous nephrostomy, not penicillin
            exact = [idx for idx in exact if not self._abbreviates_drug(idx)]
            if not exact:
                return None
        if (exact and len(window) == 1 and len(window[0].key) <= _SHORT_CASED
                and not (j < len(words) and classify(strip_punct(words[j].text)) == "number")):
            # a drug's name of a letter or two is that drug in its own case ("Zn", "K"),
            # or before its dose's number ("zn 50 mg"); the same letters otherwise are
            # another word or a scan's speck ("oe" is not "OE", oleoyl-estrone)
            exact = [idx for idx in exact if not self._names_drug(idx)
                     or self.index.items[idx].entry.term == window[0].text]
            if not exact:
                return None
        if (exact and len(window) == 1 and dose > 0 and modality != "audio"
                and self._clipped_brand(window[0], opts, _capitalised_by_place(
                    words, i, new_line, bool(cue_at) and cue_at[i]))):
            # "oxy 5 mg": a brand's name written in lower case before a dose, begun by
            # commonly prescribed drugs' names (oxycodone), is a clipped name of one of
            # them, not the brand (Oxy, an acne wash), and so is one capitalised where
            # any word is ("Oxy 5 mg q4h PRN" opening a list's line); see _cut_short
            return None
        if exact and len(window) == 1 and j < len(words):
            lab = _lab_value(words, j)
            if lab:
                # "Procalcitonin 0.3", "Urea 7.2 mmol/L": a substance before a laboratory's
                # value is the analyte measured, not a drug given; a value per litre or
                # per decilitre (or ng/mL) is one whatever the substance, a bare number
                # one after a seldom prescribed substance ("Lasix 40" is a dose)
                exact = [idx for idx in exact if not self._names_drug(idx) or (
                    lab == "bare" and self.index.items[idx].entry.prior >= _CUT_MIN_PRIOR)]
                if not exact:
                    return None
        if exact and len(window) == 1 and not cue:
            # a seldom prescribed drug's abbreviation in a few capitals, with no dose
            # after it or prescribing word before it, is a note's other abbreviation of
            # those letters: "OE: chest clear" is "on examination", not oleoyl-estrone;
            # and a brand that is a word English knows, written in lower case before no
            # number, is that word: "2 sprays each nostril daily" (Nostril,
            # phenylephrine), "buccal mucosa" (Buccal, oxytocin), "luminal narrowing"
            # (Luminal, phenobarbital)
            numbered = j < len(words) and classify(strip_punct(words[j].text)) == "number"
            exact = [idx for idx in exact
                     if not (dose <= 0 and self._rare_abbreviation(idx, window[0]))
                     and not (not numbered and self._brand_as_word(idx, window[0]))]
            if not exact:
                return None
        if exact:
            # a printed word the page's text layer reads as another word is no match to
            # verify: it is doubted as :func:`uncertain._single.word_flags` doubts a word
            # the layer reads otherwise, with the layer's reading ("Digoxin" where the
            # layer says "Warfarin": two readings name two drugs, one of them is wrong),
            # nor is a term of several words with such a word ("Metoprolol tartrate")
            if modality == "image":
                layer = self._layer_verdict(window, words, i, j, exact, opts)
                if layer:
                    return layer if isinstance(layer, Proposal) else None
            return self._exact(window, i, j, exact, conf, modality, opts, dose, cue, common,
                               orphan, named=_after_allergy_label(words, i))
        stem = lead = named = second = ""
        if len(window) > 1 and not joined:
            # a window holding a known term is that term, not a longer one, unless its
            # words spell a longer one ("ZOL PID EM" is zolpidem, not Zol and PID), or
            # the term ends it and ends the longer one: "rose of a statin", rosuvastatin.
            # An everyday word that is a term ends a longer one only so, and when it has
            # four letters or more: "for diabetes" is not prediabetes. A term English
            # seldom uses also begins a longer one that it begins, as a recogniser breaks
            # a name after a short name it knows: "oxy but a nin" (Oxy, an acne wash) is
            # oxybutynin, "amox a sillin" (Amox) amoxicillin
            rare = any(w.exact and w.zipf < opts.english_min_zipf for w in window)
            last_only = window[-1].exact and not any(w.exact for w in window[:-1])
            first_only = window[0].exact and not any(w.exact for w in window[1:])
            if last_only and self._written_as_abbreviation(window[-1]):
                # ... but a drug's abbreviation written in its own capitals is that drug,
                # not the end of a longer name: "cont ASA 81 mg" (continue aspirin) was
                # flagged as Canasa, "incr ASA" as Ingrezza
                return None
            if last_only and (rare or len(window[-1].key) >= 4):
                stem = window[-1].key
            elif (first_only and window[0].zipf < opts.english_min_zipf
                  and (len(window[0].key) <= _LEAD_MAX_LETTERS or (
                      modality != "audio" and all(w.oov for w in window[1:])))
                  and self.index.begins(window[0].key, extra=_STEM_MIN_EXTRA)):
                # (in writing, a name of any length begins a longer one that it begins
                # when the words after it are no words: "Metoprolol succinat")
                lead = window[0].key
            elif (rare and window[0].exact and len(window[0].key) >= _NAMED_MIN_LETTERS
                  and not all(w.exact for w in window[1:])
                  and any(self._named(idx) for idx in window[0].exact)
                  and self._goes_on_as(window[0].key, key_of(window[1:]))):
                # a drug's name and words after it that are not all terms ("Amlodipine
                # besilate" is the drug and its salt as the INN writes it) are the drug
                # and other words, or a name of two words it begins, heard amiss in the
                # second ("potassium chlor ride": potassium chloride; "metoprolol tar
                # trait", "amlodipine be sillate"): only such
                # names are searched, and those going on like the window
                named = second = window[0].key
            elif rare:
                return None
            elif modality != "audio" and window[0].exact and (
                    (first_only and len(window[0].key) >= _NAMED_MIN_LETTERS)
                    or all(w.exact for w in window[1:])) and all(
                    not (w.oov or (w.confidence is not None and w.confidence < doubt))
                    for w in window) and any(self._named(idx) for idx in window[0].exact):
                # in writing, a drug's own name and sure words after it ("allergic to
                # penicillin causes hives") are that drug and words, not a longer name
                # misspelled (penicillamine), unless a term of several words begins with
                # it ("insulin to Tamir": insulin detemir); a recogniser is sure of fluent
                # English it made of a name ("met for men"), a writer of what was written.
                # A short name is so when each word after it is a term ("Nitro SL": a
                # route, not Nicotrol)
                named = window[0].key
        doubtful = sum(1 for w in window if w.oov or (w.confidence is not None
                                                      and w.confidence < doubt))
        if (len(window) == 1 and not doubtful and common[0]
                and window[0].key.endswith(_EVERYDAY_SUFFIX)):
            # an everyday word in -ing written or heard with confidence is that word, a
            # verb or the activity it names, not a drug's name misheard or misspelled
            # (the lexicons' few names in -ing are brands no one writes as English:
            # Estring, Femring): "Start deep breathing exercises twice a day" is no
            # Brethine, as "start walking" after a prescribing word is no drug
            return None
        if joined and modality != "audio" and not doubtful and all(common) and not any(
                names_drug(self.index.items[idx].entry.kind, self.index.items[idx].entry.lexicon)
                for idx in joined):
            return None  # "12 per cent" is percent written apart, not a unit misread
        # a run is worth joining when at least half of it is doubtful, a dose follows, it
        # spells a term, or a prescribing word comes before it and it holds a rare word;
        # in plain text, where no word can be doubted, the prescribing word is enough
        # ("stop the all beauty rule": albuterol)
        # confident ordinary words that happen to spell a term ("SMPTE time code": the
        # brand Timecode) are what was said or printed, unless a dose or cue says drug
        spelled_by_chance = (bool(joined) and modality != "text" and not doubtful
                             and all(common) and not (dose or cue or orphan))
        # ... or the page's text layer reads the run as one ("poste pie Oo": Digoxin)
        if not ((2 * doubtful >= len(window)
                 and not _half_heard_out_of_context(window, doubtful, modality,
                                                    dose or cue or orphan))
                or dose or (joined and not spelled_by_chance)
                or ((cue or orphan) and (modality == "text" or not all(common)))
                or reads_run(words[i], j - i)):
            return None
        if len(key) < 4 or all(is_number_word(w.text.casefold()) for w in window):
            return None
        features = self._base_features(window, conf, dose, cue, opts, modality, orphan)
        # in speech, a window in a drug's context may make a hunch below the threshold
        floor = (min(opts.hunch_threshold, opts.flag_threshold)
                 if modality == "audio" and ((cue and slot) or dose > 0 or orphan)
                 else opts.flag_threshold)
        variants = self.search.variants(words[i], modality, span=j - i)
        if not variants and sigmoid(perfect_logit(len(key), self.search.max_prior, modality)
                                    + context_logit(features)) < floor:
            return None  # even a perfect match could not make a flag here
        said = " ".join(w.text for w in window) if modality != "image" else ""
        # (bounded among as many terms as it is ranked among: acoustic_search in a drug's
        # slot, whose terms are then scored once)
        if not variants and self.search.hopeless(
                key, features, modality, _search_limit(features, modality, opts), floor, said):
            return None  # nor could the terms near it
        ranked = self._rank(key, variants, features, modality, opts, said)
        if len(window) > 1:
            # "allergic to" is the term "allergic" and a word, not a misheard other term;
            # a short name beginning a longer one may be its own ("cipro flocks a sin")
            inside = set() if lead else {self.index.items[idx].entry.canonical.casefold()
                                         for w in window for idx in w.exact}
            # nor is "a sleeping pill" the term "sleeping pill" misheard: a shorter run of
            # the window spells it, and says so itself
            inside.update(self.index.items[idx].entry.canonical.casefold()
                          for a in range(len(window)) for b in range(a + 2, len(window) + 1)
                          if b - a < len(window) for idx in self.index.lookup(key_of(window[a:b])))
            # "Sodium intake under 2000 mg" is not sodium acetate: a term of several words
            # that begins with the window's first word must go on like the window
            head = window[0].key
            tail = key_of(window[1:])
            # a short name of a drug begins the drug's longer name, said in pieces: "nitro
            # glies are in" is nitroglycerin, whose short name Nitro is
            shortened = {self.index.items[idx].entry.canonical.casefold()
                         for idx in window[0].exact}
            ranked = [c for c in ranked if (c.canonical.casefold() not in inside or (
                          c.canonical.casefold() in shortened
                          and _lengthens(compact(c.entry.term), head)))
                      and (not stem or compact(c.entry.term).endswith(stem))
                      and (not lead or compact(c.entry.term).startswith(lead))
                      and (not named or _begins_with_word(c.entry.term, named))
                      and not other_tail(c.entry.term, head, tail)]
        if len(window) == 1 and not doubtful and window[0].zipf >= KNOWN_ZIPF:
            # "bilaterally", "neuropathic": a word English knows, derived from a term, is
            # that word, not the term misread
            ranked = [c for c in ranked if not derived_from(key, compact(c.entry.term))]
        if not ranked or ranked[0].score < floor:
            return None
        hunch = ranked[0].score < opts.flag_threshold
        if hunch and not any(r.entry.prior >= opts.hunch_min_prior
                             for r in ranked[:opts.max_candidates]):
            return None  # the audio is to bear out a common drug, not a rare substance
        if (len(window) == 1 and not doubtful and KNOWN_ZIPF <= window[0].zipf
                and (window[0].zipf < opts.english_min_zipf or modality != "audio")
                and ranked[0].features["similarity"] < _KNOWN_MIN_SIMILARITY):
            return None  # "Multivitamin daily" is no methamphetamine, "Probiotic" no Neobiotic
        if (len(window) == 1 and (common[0] or (window[0].zipf >= KNOWN_ZIPF and not cue))
                and modality == "audio"
                and (not doubtful or _above_low_line(window, opts))
                and ranked[0].features["similarity"] < _KNOWN_MIN_SIMILARITY
                and not (j < len(words) and classify(strip_punct(words[j].text)) == "number")):
            # in speech, an everyday word heard with confidence, not nearly a name and
            # before no strength, is what was said ("Use the nebulizer machine twice
            # daily" is no niacin) or a name the recogniser made a word of, for the
            # audio to bear out: a hunch at most, as fluent English heard for a name is
            # ("Hold the last six until"). Before a number it is in a strength's place,
            # where a name is said, and weighed as before ("Start plenty 20 mg": Plendil).
            # So is a word English knows but seldom uses, the products of a medication
            # list ("Elderberry syrup daily", "Elderberry" heard at 0.45: Eldepryl,
            # 0.76), unless a prescribing word makes its place a drug's: a rarer word
            # there is likelier a name made a word of ("stop the limiter": Lipitor)
            if floor >= opts.flag_threshold or not any(
                    r.entry.prior >= opts.hunch_min_prior for r in ranked[:opts.max_candidates]):
                return None
            hunch = True
        # (in plain text, words English knows however seldom are as sure: "started K-Phos
        # neutral 250 mg", a product no lexicon holds, is no Potassium metal, 0.61)
        unlike_a_name = (
            len(window) > 1 and modality != "image" and (all(common) or (
                modality == "text" and all(w.zipf >= KNOWN_ZIPF for w in window)))
            and ranked[0].features["similarity"] < _run_min_similarity(
                window, words, j, common, modality, opts))
        if unlike_a_name and not doubtful:
            if taken_as_said is not None:
                taken_as_said.append((i, j))
            return None  # "physical therapy twice a week" is no calcium acetate
        if (unlike_a_name and modality == "audio" and not hunch
                and _above_low_line(window, opts)
                and not (j < len(words) and classify(strip_punct(words[j].text)) == "number")):
            # ... nor, heard in doubt with no word under the low-confidence line, a flag
            # naming a drug: a hunch at most (_above_low_line); before a number it is in a
            # strength's place, where a name is said, and doubted as before ("He takes
            # lower us from 0.5 milligrams": lorazepam, 0.64)
            if floor >= opts.flag_threshold or not any(
                    r.entry.prior >= opts.hunch_min_prior for r in ranked[:opts.max_candidates]):
                return None
            hunch = True
        if (stem or lead) and (ranked[0].features["similarity"] < _STEM_MIN_SIMILARITY
                               or len(key) - len(stem or lead) < _STEM_MIN_EXTRA):
            return None  # "on a statin" is a statin, not nystatin
        reasons: list[FlagReason] = ["near_lexicon"]
        reasons += word_reasons(window, modality, opts)
        # words that spell a term exactly outrank the terms they hold, and so do words the
        # page's text layer reads as the term: "Dig Oxen Tab" is its Digoxin, not "Dig Oxen"
        # ... unless the term takes no dose and a dose follows: "take some of the stat in
        # 20 milligrams" spells the class statin, but a drug of it was said (simvastatin)
        spelled = bool(stem or lead or second) or (len(window) > 1 and (
            (ranked[0].features.get("exact") == 1.0
             and not (dose > 0 and "drug" in ranked[0].features))
            or "text_layer" in ranked[0].evidence))
        return Proposal(i, j, "near_lexicon", reasons, ranked[0].score,
                        listed(ranked, modality, opts.max_candidates, opts.acoustic_pool),
                        ranked[0].evidence, 0 if spelled else 1, hunch)

    def _read_otherwise(self, window: list[WordInfo], words: list[Word],
                        exact: Sequence[int], opts: ValidateOptions) -> bool:
        """Whether the page's text layer reads a word of ``window`` (the printed
        ``words``, which spell the terms ``exact``) as another (:meth:`_reads_other`):
        the word alone, or a word of a term of several that is a term itself
        ("Metoprolol" of "Metoprolol tartrate", where the layer says "Warfarin")."""
        for info, word in zip(window, words, strict=True):
            reading = layer_reading(word)
            terms = exact if len(window) == 1 else info.exact
            if reading is not None and terms and self._reads_other(reading, info, terms, opts):
                return True
        return False

    def _layer_verdict(self, window: list[WordInfo], words: list[Word], i: int, j: int,
                       exact: Sequence[int], opts: ValidateOptions) -> Proposal | bool:
        """What the page's text layer says of the printed words ``i:j`` (``window``),
        which spell the terms ``exact``: the proposal doubting them where it reads them as
        another drug's term (:meth:`_layer_term`, :meth:`_read_as`); True where it reads
        a word of them otherwise (:meth:`_read_otherwise`: no match to verify); else
        False."""
        other = self._layer_term(words[i:j], exact)
        if other:
            return self._read_as(window, i, j, other, opts)
        return self._read_otherwise(window, words[i:j], exact, opts)

    def _layer_term(self, words: list[Word], exact: Sequence[int]) -> list[int]:
        """The drugs of another canonical name that the page's text layer reads a term of
        several printed ``words`` (spelling the terms ``exact``, one a drug) as, with its
        reading of the run (``Alternative.span``) or of its words in turn: "potassium
        chloride" where the layer says "sodium chloride". Two readings name two drugs, as
        "Digoxin" and "Warfarin" do, though no word of them is two drugs ("sodium" is no
        term, "potassium" a sure English word, :meth:`_reads_other`)."""
        if len(words) < 2 or not any(map(self._named, exact)):
            return []
        run = next((a.text for a in words[0].alternatives
                    if a.source == LAYER_SOURCE and a.span == len(words)), None)
        readings = [layer_reading(w) for w in words]
        if run is None and all(r is None for r in readings):
            return []
        text = run if run is not None else " ".join(
            r if r is not None else w.text for r, w in zip(readings, words, strict=True))
        key = "".join(analyse(part)[2] for part in text.split())
        ours = {self.index.items[idx].entry.canonical.casefold() for idx in exact}
        found = self.index.lookup(key) if key else []
        if any(self.index.items[idx].entry.canonical.casefold() in ours for idx in found):
            return []
        return [idx for idx in found if self._named(idx)]

    def _read_as(self, window: list[WordInfo], i: int, j: int, other: Sequence[int],
                 opts: ValidateOptions) -> Proposal:
        """The words ``i:j`` (``window``), which spell a term the page's text layer reads
        as the drugs ``other`` (:meth:`_layer_term`), doubted as a word the layer reads
        otherwise is (:data:`uncertain._single.LAYER_DOUBT`), the layer's terms its
        candidates."""
        known = [w.confidence for w in window if w.confidence is not None]
        wrong = max(LAYER_DOUBT, 1.0 - min(known)) if known else LAYER_DOUBT
        candidates = [Candidate(
            term=entry.term, canonical=entry.canonical, score=LAYER_DOUBT,
            lexicon=entry.lexicon, kind=entry.kind, evidence=["text_layer"],
            features={"text_layer": 1.0, "prior": entry.prior})
            for entry in self._per_canonical(other)]
        return Proposal(i, j, "confusable", ["confusable"], round(wrong, 4),
                        candidates[:opts.max_candidates], ["text_layer"], 0)

    def _per_canonical(self, ids: Sequence[int]) -> list[Entry]:
        """The entries ``ids`` number, the first of each canonical name, in order."""
        out: dict[str, Entry] = {}
        for idx in ids:
            entry = self.index.items[idx].entry
            out.setdefault(entry.canonical.casefold(), entry)
        return list(out.values())

    def _reads_other(self, reading: str, info: WordInfo, exact: Sequence[int],
                     opts: ValidateOptions) -> bool:
        """Whether a page's text layer ``reading`` of the printed word ``info``, which
        spells the terms ``exact``, reads another word, enough to doubt it: another drug
        or product (Warfarin for Digoxin; for Aspirin or Insulin too, which English knows:
        two drugs named are no misreading of a sure word); else, where
        :func:`uncertain._single.layer_disagrees` doubts the word, a term of another
        canonical name or a word of no term more than ``_LAYER_SLIP`` edits from it
        (Digitek). A term of the same canonical (Lanoxin, digoxin's brand; "metoprolol
        tartrate", its salt) is the same drug, and a word a glyph or two from the term
        that spells none ("Digoxn") the term misread by the layer, which is OCR too."""
        key = word_key(reading)
        found = self.index.lookup(key) if key else []
        ours = {self.index.items[idx].entry.canonical.casefold() for idx in exact}
        theirs = {self.index.items[idx].entry.canonical.casefold() for idx in found}
        if theirs & ours:
            return False
        if any(map(self._named, found)) and any(map(self._named, exact)):
            return True
        if not layer_disagrees(info, reading, opts):
            return False
        return bool(theirs) or Levenshtein.distance(key, info.key) > _LAYER_SLIP

    def _exact(
        self,
        window: list[WordInfo],
        i: int,
        j: int,
        exact: Sequence[int],
        conf: float | None,
        modality: Modality,
        opts: ValidateOptions,
        dose: float,
        cue: bool,
        common: list[bool],
        orphan: bool = False,
        named: bool = False,
    ) -> Proposal | None:
        # "iron", "met": ordinary English unless a dose follows; a term of several
        # words said whole ("potassium chloride") is that term; a drug's abbreviation
        # English also knows is that drug before its dose when written in its capitals
        # ("ASA 81 mg": aspirin; "Asa" is a name), or where the words before it name a
        # drug ("Allergies: ASA"; see _abbreviation_named)
        if all(common) and len(window) == 1 and not (
                (dose >= 1.0 and len(key_of(window)) >= 4)
                or self._abbreviation_named(window[0], modality, dose, cue or named)):
            return None
        candidates = [Candidate(
            term=entry.term, canonical=entry.canonical, score=1.0, lexicon=entry.lexicon,
            kind=entry.kind, evidence=["lexicon"], features={"exact": 1.0, "prior": entry.prior})
            for entry in self._per_canonical(exact)]
        seen = {c.canonical.casefold() for c in candidates}
        reasons = word_reasons(window, modality, opts)
        # OCR seldom misreads one long drug name as another that exists
        spelled = modality == "image" and len(key_of(window)) >= 6
        if (conf is None or conf >= opts.verify_min_confidence or spelled
                or "low_confidence" not in reasons):
            wrong = 0.05 if conf is None else round(min(0.2, (1.0 - conf) / 2), 4)
            return Proposal(i, j, "verified", ["verified"], wrong,
                            candidates[: opts.max_candidates], ["lexicon"], 0)
        # an exact term heard with low confidence: a sound-alike term may have been said
        features = self._base_features(window, conf, dose, cue, opts, modality, orphan)
        ranked = self._rank(key_of(window), [], features, modality, opts)
        merged: list[Candidate | Ranked] = [*candidates[:1], *(
            r for r in ranked if r.canonical.casefold() not in seen)]
        return Proposal(i, j, "low_confidence", reasons, round(1.0 - conf, 4),
                        listed(merged, modality, opts.max_candidates, opts.acoustic_pool),
                        ["lexicon"], 2)

    def _combined(self, p: Proposal, infos: list[WordInfo], modality: Modality,
                  opts: ValidateOptions) -> Proposal:
        """``p``, with the combination its word spells first among its candidates when
        the word joins drugs' names (:func:`uncertain._words.combination`) of which at
        least one is written right and each other is a drug's name misspelled
        ("Amoxicilin-clavulanate": Amoxicillin-clavulanate, scored as the misspelled
        component is): its letters are nearest the misspelled component, so that a
        reader following the suggestion dropped the others (clavulanate)."""
        if p.reason == "verified" or p.end != p.start + 1:
            return p
        info = infos[p.start]
        parts, marks = combination_parts(info.text)
        if len(parts) < 2:
            return p
        first = p.candidates[0].features if p.candidates else {}
        base = {k: v for k, v in first.items() if k in _BASE_FEATURES} or self._base_features(
            [info], info.confidence, 0.0, False, opts, modality)
        terms: list[str] = []
        canonicals: list[str] = []
        worst: Candidate | Ranked | None = None
        written = 0
        for part in parts:
            key = compact(part)
            found = [idx for idx in self.index.lookup(key) if self._names_drug(idx)] if len(
                key) >= 2 else []
            if found:
                written += 1
                terms.append(part)
                canonicals.append(self.index.items[found[0]].entry.canonical)
                continue
            features = {**base, "common_english": round(_englishness(
                plural_zipf(part.casefold()), opts), 4)}
            best: Candidate | Ranked | None = next(
                (r for r in self._rank(key, [], features, modality, opts)
                 if " / " not in r.canonical), None)
            if (modality != "audio" and part.isalpha() and part.islower()
                    and (best is None or best.score < opts.flag_threshold)):
                # a part clipped ("vanc/zosyn"): the commonly prescribed name it begins
                begun = self._completions(key, opts)
                if begun and begun[0].features["prior"] >= _CUT_MIN_PRIOR:
                    best = begun[0]
            if (len(key) < 4 or best is None or best.score < opts.flag_threshold
                    or not names_drug(best.kind, best.lexicon)):
                return p
            terms.append(_cased(best.term, part))
            canonicals.append(best.canonical)
            worst = best if worst is None or best.score > worst.score else worst
        if worst is None or not written or len(set(canonicals)) < len(canonicals):
            return p
        term = "".join(t + m for t, m in zip(terms, [*marks, ""], strict=True))
        combined = Candidate(term=term, canonical=" / ".join(sorted(canonicals)),
                             score=worst.score, lexicon=worst.lexicon, kind=worst.kind,
                             evidence=worst.evidence, features=worst.features)
        rest = [c for c in p.candidates if c.term != term]
        return replace(p, candidates=[combined, *rest][:max(1, len(p.candidates))],
                       confidence=worst.score, evidence=combined.evidence)

    def _read_whole(self, p: Proposal, infos: list[WordInfo], words: list[Word],
                    modality: Modality) -> Proposal:
        """``p``, suggested whole where its printed word glues words with a mark and its
        candidates are of one of them only, the letters :func:`uncertain._words.word_key`
        kept ("mg:B10": the unit mg, and the frequency BID misread; no dose glued on, see
        :func:`uncertain._words.glued_dose`): the terms of a reading of OCR's own
        character choices ("mg:BID") in which every part of the word is a term ("mg
        BID"), or, with none, no suggestion where the candidate is the piece as written
        (it corrects nothing). The unit alone was suggested, and an answer taking it
        dropped the frequency. A reading of the page's text layer of the whole word is
        its evidence, and is left as it is, where it names a term ("mg:B1O", misread as
        OCR did, names none: OCR's choices say); one of a part of it only ("mg", or
        "BID", for "mg:B10": the layer's line cut short, or its words in another order)
        is that part's (:meth:`_layer_part`), and the rest is still OCR's."""
        if (modality != "image" or p.end != p.start + 1 or not p.candidates
                or p.reason == "verified"):
            return p
        info, word = infos[p.start], words[p.start]
        parts = _PARTS.findall(info.text)
        layered = layer_reading(word)
        piece = None if layered is None else self._layer_part(layered, parts)
        if layered is not None and piece is None and "text_layer" in p.candidates[0].evidence:
            return p  # (a word the page's text layer reads whole: its reading is the evidence)
        # (... unless its reading named no term either, "mg:B1O": OCR's choices then say)
        if (len(parts) < 2 or not any(compact(part) == info.key for part in parts)
                or not any(c.isalpha() for part in parts if compact(part) != info.key
                           for c in part)
                or glued_dose([word.text], p.candidates[0].term) is not None):
            return p
        top = p.candidates[0].term
        layer = {a.text.strip() for a in word.alternatives if a.source == LAYER_SOURCE}
        readings: list[tuple[str, Evidence]] = [(word.text, "ocr_choices")] if piece else []
        readings += [(r, "text_layer" if r in layer else "ocr_choices")
                     for r, _ in choice_variants(word)]
        for reading, source in readings:
            read = _PARTS.findall(strip_punct(reading))
            if len(read) != len(parts):
                continue
            if piece is not None:  # (the layer's part in its place, where it reads it)
                k, part = piece
                source = "text_layer" if compact(read[k]) != compact(part) else source
                read[k] = part
            if read == parts:
                continue
            found = [self.index.lookup(compact(part)) for part in read]
            if not all(found):
                continue
            entries = [next((self.index.items[idx].entry for idx in ids
                             if self.index.items[idx].entry.term == top),
                            self.index.items[ids[0]].entry) for ids in found]
            whole = Candidate(
                term=" ".join(e.term for e in entries),
                canonical=" ".join(e.canonical for e in entries), score=CONFUSABLE_DOUBT,
                evidence=[source])
            return replace(p, candidates=[whole], evidence=list(whole.evidence))
        # (a piece corrected, "Metforrnin:tab2": metformin, is still worth suggesting)
        return replace(p, candidates=[]) if compact(top) == info.key else p

    @staticmethod
    def _layer_part(reading: str, parts: list[str]) -> tuple[int, str] | None:
        """Where a page's text layer ``reading`` of a printed word of ``parts`` (glued
        by marks, :data:`_PARTS`) reads one part of it only ("mg" or "BID" of "mg:B10"),
        that part's place (the part it is nearest in letters, a glyph or two from it:
        ``_LAYER_SLIP``) and the reading; else None (it reads the word whole, several of
        its parts, or another word: "Metformin" is no part of "mg:B10")."""
        read = _PARTS.findall(strip_punct(reading))
        if len(parts) < 2 or len(read) != 1:
            return None
        key = compact(read[0])
        slips = [Levenshtein.distance(key, compact(part)) for part in parts]
        k = min(range(len(parts)), key=slips.__getitem__)
        return (k, read[0]) if slips[k] <= min(_LAYER_SLIP, len(key) - 1) else None

    def _suggest(self, info: WordInfo, word: Word, modality: Modality,
                 opts: ValidateOptions) -> list[Candidate | Ranked]:
        """The candidates of one doubtful word, at least ``candidate_min_score``."""
        features = self._base_features([info], info.confidence, False, False, opts, modality)
        variants = self.search.variants(word, modality, span=None)
        found: list[Candidate | Ranked] = []
        if variants or not self.search.hopeless(info.key, features, modality,
                                                opts.search_limit, opts.candidate_min_score):
            ranked = self._rank(info.key, variants, features, modality, opts)
            found = [r for r in ranked if r.score >= opts.candidate_min_score]
        # (a cut word near no term by its letters is still the names it begins: "Enox.")
        if not found and info.oov and word.text.rstrip().endswith("."):
            found += self._completions(info.key, opts)
        return found

    def _completed(self, p: Proposal, sw: Sweep) -> Proposal:
        """``p``, with the drugs whose names its word begins first among its candidates
        when the word is cut short with a dot ("Lisin. 10 mg") and its best candidate by
        spelling and sound begins no name with the word (Lispine): a cut word is near
        short names by its letters, not the name it begins. However near that candidate
        is: a completion's score is its share of the names the word begins, no match of
        letters to weigh against one ("Fluox.", of fluoxetine and fluoxymesterone, was
        Fluonex; "Spironol." aspirin; "Sertr.", out of vocabulary, Sirturo). So a
        candidate after them scores no more than the least of them, as its place says:
        its letters' score is no evidence against theirs ("Spironol.": aspirin, 0.95,
        scored over spironolactone's 0.9, the name listed first). A word
        English knows is so in a drug's slot only (:func:`_cut_in_slot`), completed to
        a commonly prescribed drug ("Levet. 500 mg", levetiracetam, was Levo-T). Print
        and text only: a recogniser writes no cut word."""
        info, opts = sw.infos[p.start], sw.opts
        if (p.reason == "out_of_vocabulary" and not p.candidates and p.end == p.start + 1
                and sw.modality != "audio" and info.oov
                and strip_punct(sw.words[p.start].text).isalpha()
                and strip_punct(sw.words[p.start].text).islower()):
            # a word in lower case out of vocabulary, near no term, that begins commonly
            # prescribed names ("wean norepi to MAP > 65", no dose after it) is offered
            # them, its doubt as it was: a clipped name is nearer its name than no
            # suggestion ("norepi 0.08 mcg/kg/min" in the same note is norepinephrine)
            found = self._completions(info.key, opts)
            return replace(p, candidates=found, evidence=list(found[0].evidence)) if found else p
        if (p.reason not in ("near_lexicon", "out_of_vocabulary") or p.end != p.start + 1
                or sw.modality == "audio" or not _cut_word(sw, p.start)):
            return p
        known = not info.oov  # a word English or the clinical dictionary knows
        if known and (info.kind != "word" or info.exact or not _cut_in_slot(sw, p.start)):
            return p
        top = p.candidates[0] if p.candidates else None
        found = self._completions(info.key, opts)
        if top is not None and compact(top.term).startswith(info.key) and not (
                found and found[0].features["prior"] >= _CUT_MIN_PRIOR
                and top.canonical.casefold() != top.term.casefold()):
            # (its doubt is that of a cut word: "Atorv." out of vocabulary was at even
            # odds, and a reader was not shown it); a brand or another name the word
            # begins ("Dilt-CD" for "Given Dilt 10 mg") comes after the commonly
            # prescribed drugs it begins (diltiazem), as any candidate does below
            begun = [c for c in p.candidates if compact(c.term).startswith(info.key)]
            return replace(p, confidence=max(p.confidence, _cut_doubt(begun)))
        if not found or (known and found[0].features["prior"] < _CUT_MIN_PRIOR):
            return p
        named = {c.canonical.casefold() for c in found}
        least = min(c.score for c in found)
        rest = [_scored_at_most(c, least) for c in p.candidates
                if c.canonical.casefold() not in named]
        return replace(p, candidates=[*found, *rest][:max(opts.max_candidates, len(found))],
                       confidence=max(p.confidence, _cut_doubt(found)),
                       evidence=list(found[0].evidence))

    def _cut_short(self, sw: Sweep, proposed: set[int]) -> list[Proposal]:
        """Words cut short with a dot in a drug's slot (a dose after it, or a prescribing
        word before it) that no window proposed and English seldom uses, offered the drugs
        whose names they begin when a commonly prescribed one is among them ("Metop. 25
        mg": metoprolol, "Furos. 40 mg": furosemide). The clinical dictionary or wordfreq
        knows some cut names as words ("metop", "furos"), so they are not out of
        vocabulary as "Atorv." is, and their letters are near no name: they were read as
        what was meant. Print and text only: a recogniser writes no cut word."""
        infos, opts = sw.infos, sw.opts
        out: list[Proposal] = []
        if sw.modality == "audio":
            return out
        for i, info in enumerate(infos):
            clipped = bool(info.exact) and sw.dose_at[i + 1] > 0 and self._clipped_brand(
                info, opts, _capitalised_by_place(
                    sw.words, i, i == 0 or infos[i - 1].segment != info.segment,
                    sw.cue_at[i]))
            if (i in proposed or info.kind != "word" or (info.exact and not clipped)
                    or info.oov or not _cut_word(sw, i, clipped)
                    or not _cut_in_slot(sw, i)):
                continue
            found = self._completions(info.key, opts, shortest=_CLIPPED_MIN_LETTERS
                                      if clipped else _COMPLETION_MIN_LETTERS)
            if not found or found[0].features["prior"] < _CUT_MIN_PRIOR:
                continue
            brands: list[Candidate] = []
            if clipped:
                # (the brand the word spells is listed after the names it begins: a
                # reader may still mean it)
                least = min(c.score for c in found)
                brands = [Candidate(term=e.term, canonical=e.canonical, score=least,
                                    lexicon=e.lexicon, kind=e.kind, evidence=["lexicon"],
                                    features={"exact": 1.0, "prior": e.prior})
                          for e in self._per_canonical(info.exact)]
            reasons: list[FlagReason] = ["near_lexicon", *word_reasons([info], sw.modality, opts)]
            out.append(Proposal(i, i + 1, "near_lexicon", reasons, _cut_doubt(found),
                                [*found, *brands][:max(opts.max_candidates, len(found))],
                                list(found[0].evidence), 1))
        return out

    def _clipped_pair(self, window: Sequence[WordInfo]) -> bool:
        """Whether two words written in letters begin the two words of a commonly
        prescribed drug's name of two words, each cut short ("metop tart": metoprolol
        tartrate; "metop succ": metoprolol succinate)."""
        first, second = (strip_punct(w.text).casefold() for w in window)
        if not (first.isalpha() and second.isalpha()) or len(first) < _COMPLETION_MIN_LETTERS:
            return False
        for idx in self.index.completions(window[0].key, extra=_COMPLETION_MIN_EXTRA):
            entry = self.index.items[idx].entry
            if entry.prior < _CUT_MIN_PRIOR:
                break  # (best prior first)
            parts = entry.term.casefold().split()
            if (len(parts) == 2 and names_drug(entry.kind, entry.lexicon)
                    and len(parts[0]) > len(first) and parts[0].startswith(first)
                    and len(parts[1]) > len(second) and parts[1].startswith(second)):
                return True
        return False

    def _clipped_brand(self, info: WordInfo, opts: ValidateOptions,
                       capitalised: bool = False) -> bool:
        """Whether a word spells brands only, written in lower case as a brand is not
        ("oxy"), or only capitalised where it opens a line or a sentence (``capitalised``:
        see :func:`_capitalised_by_place`; "Oxy 5 mg" in a list), and is a stem that the
        own (generic) names of several commonly prescribed drugs begin with, none of
        them the brand's (oxycodone, oxytocin, oxybutynin; not Oxy's salicylic acid):
        before a dose, it is a prescriber's clipping of one of those ("oxy 5 mg q4h
        PRN"), as "Oxycod." is. A brand whose letters begin other brands only ("soma":
        Somatuline) or one drug's name ("torem": toremifene) is the brand, and so is one
        that is its own drug's clipped name ("cipro", ciprofloxacin; "nitro")."""
        text = strip_punct(info.text)
        cased = text.islower() or (capitalised and text[:1].isupper() and text[1:].islower())
        if not (cased and text.isalpha()) or not all(
                self.index.items[idx].entry.kind == "brand" for idx in info.exact):
            return False
        ours = {self.index.items[idx].entry.canonical.casefold() for idx in info.exact}
        stems: set[str] = set()
        for idx in self.index.completions(info.key, extra=_COMPLETION_MIN_EXTRA):
            entry = self.index.items[idx].entry
            if entry.canonical.casefold() in ours:
                return False
            if (entry.kind == "generic" and entry.prior >= _CUT_MIN_PRIOR
                    and names_drug(entry.kind, entry.lexicon)):
                stems.add(entry.canonical.casefold())
        return len(stems) >= _CLIPPED_STEMS

    @cached_property
    def _meq_anions(self) -> list[tuple[Indexed, Entry]]:
        """The anions of the salts dosed in milliequivalents (:data:`_MEQ_SALTS`) that the
        lexicons name, each indexed as a term of its own, with its salt's entry."""
        salts: list[tuple[Entry, Entry]] = []
        for anion, salt in _MEQ_SALTS.items():
            entry = next((self.index.items[idx].entry for idx in self.index.lookup(compact(salt))
                          if self._names_drug(idx)
                          and self.index.items[idx].entry.canonical.casefold() == salt), None)
            if entry is not None:
                salts.append((Entry(anion, salt, entry.kind, entry.prior), entry))
        anions = LexiconIndex([Lexicon("meq", [anion for anion, _ in salts])])
        entries = {anion.term: entry for anion, entry in salts}
        return [(item, entries[item.entry.term]) for item in anions.items]

    def _dosed_in_meq(self, p: Proposal, sw: Sweep) -> Proposal:
        """``p``, with the salts dosed in milliequivalents among its candidates, scored as
        its words spell their anion, where a dose in milliequivalents follows it and its
        words are near the anion: "chlor ride 20 mEq" (potassium chloride, "potassium"
        lost) was suggested Chlotride, Chlor-Trimeton and the chloride ion, and nothing
        named the drug almost every dose in mEq is of. The flag and its score stay; only a
        salt it does not list already, scoring at least the flag threshold, is added, in
        its place by score.

        An anion written alone and verified ("Start chloride 20 mEq daily": the chloride
        ion) is doubted so too, the salts first and the ion after them: no one doses the
        ion, and its salt's cation was left out (:meth:`_anion_dosed`). A concentration
        per litre after it is a laboratory's value of the ion ("Chloride 102 mEq/L")."""
        if p.reason == "confusable" or not p.candidates or CLAUSE_END.search(
                sw.words[p.end - 1].text):
            return p
        amount = amount_after(sw, p.end)
        if amount is None or amount[0] is not None or not self._meq_anions:
            return p  # (an amount of no weight: milliequivalents)
        if p.reason == "verified":
            return self._anion_dosed(p, sw)
        modality = sw.modality
        base = {k: v for k, v in p.candidates[0].features.items() if k in _BASE_FEATURES}
        said = " ".join(w.text for w in sw.words[p.start:p.end]) if modality != "image" else ""
        matches = match_features_many(key_of(sw.infos[p.start:p.end]),
                                      [item for item, _ in self._meq_anions], modality,
                                      said=phone_classes(said) if said else None)
        context = context_logit(base)
        listed = {c.canonical.casefold() for c in p.candidates}
        salts = [Ranked(score, entry, {**base, **features}, modality)
                 for features, (_, entry) in zip(matches, self._meq_anions, strict=True)
                 if (score := round(sigmoid(match_logit(features, modality) + context), 4))
                 >= sw.opts.flag_threshold and entry.canonical.casefold() not in listed]
        merged = sorted([*p.candidates, *salts], key=lambda c: -c.score)
        # a salt so dosed that the span's letters make a candidate, at the threshold,
        # comes before those no one doses in mEq, at the best one's score: "Potassium
        # Chioride 20 mEq" was potassium iodide (prior 0.83) before potassium chloride
        # (0.36), a letter nearer, though the dose is the chloride's
        dosed = {salt for salt in _MEQ_SALTS.values()}
        first = next((c for c in merged if c.canonical.casefold() in dosed
                      and c.score >= sw.opts.flag_threshold), None)
        if first is not None and first is not merged[0]:
            merged = [_scored_at_least(first, merged[0].score),
                      *(c for c in merged if c is not first)]
        elif not salts:
            return p
        return replace(p, candidates=merged)

    def _anion_dosed(self, p: Proposal, sw: Sweep) -> Proposal:
        """``p``, a verified word before a dose in milliequivalents (see
        :meth:`_dosed_in_meq`), doubted with the salts dosed so first when it is one of
        their anions written alone (:data:`_MEQ_SALTS`), the term it spells after them:
        "chloride 20 mEq" is potassium chloride, "citrate 15 mEq" potassium citrate, not
        the ion, which no one doses. The word is written as meant, its salt's cation left
        out: the salt scores :data:`uncertain._single.CONFUSABLE_DOUBT`, more likely than
        not, the ion the rest. A dose per litre is the ion's concentration, a
        laboratory's value ("Chloride 102 mEq/L"), and is left so."""
        if p.end != p.start + 1 or _PER_LITRE.search(" ".join(sw.lowered[p.end:p.end + 2])):
            return p
        key = sw.infos[p.start].key
        salts = [entry for item, entry in self._meq_anions if compact(item.entry.term) == key]
        if not salts:
            return p
        named = {e.canonical.casefold() for e in salts}
        candidates: list[Candidate | Ranked] = [Candidate(
            term=e.term, canonical=e.canonical, score=CONFUSABLE_DOUBT, lexicon=e.lexicon,
            kind=e.kind, evidence=["lexicon"], features={"prior": e.prior}) for e in salts]
        candidates += [_scored_at_most(c, round(1.0 - CONFUSABLE_DOUBT, 4))
                       for c in p.candidates if c.canonical.casefold() not in named]
        return replace(p, reason="near_lexicon", reasons=["near_lexicon"],
                       confidence=CONFUSABLE_DOUBT, candidates=candidates, rank=1)

    def _confused(self, sw: Sweep, proposals: list[Proposal]) -> list[Proposal]:
        """The error-prone abbreviations of two drugs read one for the other
        (:data:`_CONFUSED`: "MS", "MSO4", "MgSO4", morphine or magnesium sulfate), doubted
        (``confusable``) with both drugs as candidates, the one its dose says first (a
        dose in grams is magnesium's, a few milligrams morphine's), else the one its
        letters say: never verified or taken as one drug ("MSO4 4 mg" was out of
        vocabulary with no candidate, "MgSO4 2 g" and "MS 2 mg" were not flagged). "MS"
        is so only in capitals and in a drug's slot (a dose after it, a prescribing word
        before it): "history of MS" is multiple sclerosis, a condition, and "Ms." a
        title; flagging every one would mark a neurology note's every line. A word a
        verified term or one its words spell covers is that term ("MS Contin")."""
        infos, words = sw.infos, sw.words
        taken = {k for p in proposals if p.rank <= 0 for k in range(p.start, p.end)}
        out: list[Proposal] = []
        for i, info in enumerate(infos):
            if i in taken or info.kind != "word":
                continue
            written = strip_punct(words[i].text).replace(".", "")
            names = _CONFUSED.get(compact(written).casefold())
            if names is None:
                continue
            after = sw.lowered[i + 1:i + 4] if not CLAUSE_END.search(words[i].text) else []
            amount = amount_after(sw, i + 1) if after else None
            if compact(written).casefold() in _CONFUSED_IN_SLOT and not (
                    written.isupper() and (amount is not None or sw.cue_at[i] or (
                        after and sw.dose_at[i + 1]))):
                continue
            entries = [next((self.index.items[idx].entry for idx in self.index.lookup(
                compact(name)) if self._names_drug(idx)
                and self.index.items[idx].entry.canonical.casefold() == name), None)
                for name in names]
            if any(e is None for e in entries):
                continue  # (lexicons of the user's own that name neither)
            favoured = _dose_favours(amount)
            first, score = ((favoured, _CONFUSED_DOSED) if favoured is not None
                            else (names[0], _CONFUSED_WRITTEN))
            ranked = sorted(zip(names, entries, strict=True), key=lambda ne: ne[0] != first)
            candidates = [Candidate(term=e.term, canonical=e.canonical,
                                    score=score if k == 0 else round(1.0 - score, 4),
                                    lexicon=e.lexicon, kind=e.kind, evidence=["lexicon"],
                                    features={"prior": e.prior})
                          for k, (_, e) in enumerate(ranked) if e is not None]
            conf = info.confidence
            wrong = max(CONFUSABLE_DOUBT, 0.0 if conf is None else 1.0 - conf)
            out.append(Proposal(i, i + 1, "confusable", ["confusable"], round(wrong, 4),
                                candidates, ["lexicon"], 0))
        return out

    def _completions(self, key: str, opts: ValidateOptions,
                     shortest: int = 4) -> list[Candidate]:
        """The drugs whose names a word cut short with a dot begins ("Atorv.":
        atorvastatin), as a label or a chart shortens a name: one per drug, best prior
        first, each scored by its share of their priors (at most ``_COMPLETION_MAX``), and
        marked so (feature ``completion``: the render weighs them together, see
        :data:`uncertain.render.MIN_CANDIDATE_SCORE`)."""
        if len(key) < shortest:  # (_COMPLETION_MIN_LETTERS)
            return []
        entries: dict[str, Any] = {}
        own: set[str] = set()
        for idx in self.index.completions(key, extra=_COMPLETION_MIN_EXTRA):
            entry = self.index.items[idx].entry
            if names_drug(entry.kind, entry.lexicon):
                canonical = entry.canonical.casefold()
                entries.setdefault(canonical, entry)
                if entry.kind != "brand":
                    own.add(canonical)
        if not entries:
            return []
        # a chart cuts a drug's own name short ("vanc", "metop", "amio") more than a
        # brand's: a drug the word begins only a brand of weighs half ("Vanc 1 g":
        # vancomycin before beclomethasone's Vancenase)
        weight = {c: e.prior * (1.0 if c in own else _BRAND_CUT_SHARE)
                  for c, e in entries.items()}
        ranked = sorted(entries, key=lambda c: -weight[c])
        # the share among those listed: a stem that begins many names ("Hydro.": 95, of
        # hydrocodone, hydrochlorothiazide, hydroxyzine, ...) is one of its common ones,
        # not of the rare names it also begins, which left the common ones none to list
        listed = ranked[:opts.max_candidates]
        total = sum(weight[c] for c in listed) or 1.0
        out = [Candidate(term=e.term, canonical=e.canonical,
                         score=round(min(_COMPLETION_MAX, weight[c] / total), 4),
                         lexicon=e.lexicon, kind=e.kind, evidence=["spelling"],
                         features={"prefix": 1.0, "prior": e.prior, "completion": 1.0})
               for c in listed for e in (entries[c],)]
        return [c for c in out if c.score >= opts.candidate_min_score]

    def _names_vitamin(self, text: str) -> bool:
        """Whether a code of a letter and digits is a vitamin's name in the lexicons ("B12":
        Vitamin B12), written without its word "vitamin"."""
        return bool(self.index.lookup("vitamin" + compact(strip_punct(text))))

    def _misread_frequency(self, word: Word) -> Candidate | None:
        """The dosing frequency of the lexicons a printed word spells with one glyph
        confusion undone ("ghs": qHS, "g6h": q6h), if any (see :func:`word_flags`)."""
        for variant in glyph_variants(strip_punct(word.text)):
            if not is_dose_frequency(variant):
                continue
            for idx in self.index.lookup(compact(variant)):
                entry = self.index.items[idx].entry
                if names_drug(entry.kind, entry.lexicon):
                    continue
                return Candidate(term=entry.term, canonical=entry.canonical,
                                 score=CONFUSABLE_DOUBT, lexicon=entry.lexicon or None,
                                 kind=entry.kind, evidence=["glyph"])
        return None

    # -- candidates -------------------------------------------------------------------

    def _base_features(
        self, window: list[WordInfo], conf: float | None, dose: float, cue: bool,
        opts: ValidateOptions, modality: Modality, orphan: bool = False,
    ) -> dict[str, float]:
        # (every window searched builds these: :func:`_englishness` written out, no call
        # per word)
        low = opts.english_min_zipf - 1.5
        common = sum([min(1.0, max(0.0, (w.zipf - low) / 2.5)) for w in window])
        doubt = opts.doubt_audio if modality == "audio" else opts.doubt_image
        sure = 0
        for w in window[1:]:
            if w.confidence is None or w.confidence >= doubt:
                sure += 1
        features = {"orphan_dose": 1.0} if orphan else {}
        features["confidence"] = -1.0 if conf is None else round(conf, 4)
        features["dose_context"] = float(dose)
        features["cue_before"] = float(cue)
        features["common_english"] = round(common / len(window), 4)
        features["words"] = float(len(window))
        features["sure_extra_words"] = float(sure)
        return features

    def _rank(self, key: str, variants: Sequence[tuple[str, float, Evidence]],
              base: dict[str, float], modality: Modality, opts: ValidateOptions,
              said: str = "") -> list[Ranked]:
        """:meth:`CandidateSearch.rank` with the options' limits (more kept for audio, see
        :func:`uncertain._candidates.listed`, and searched in a drug's slot:
        ``acoustic_search``)."""
        limit = max(opts.max_candidates, opts.acoustic_pool if modality == "audio" else 0)
        return self.search.rank(key, variants, base, modality,
                                search_limit=_search_limit(base, modality, opts),
                                limit=limit, said=said)

    @staticmethod
    def _flag(p: Proposal, words: list[Word]) -> Flag:
        text = join_words(words[p.start:p.end])
        reasons = list(dict.fromkeys(p.reasons))
        return Flag(reason=p.reason, text=text, start=p.start, end=p.end,
                    candidates=[c if isinstance(c, Candidate) else c.candidate()
                                for c in p.candidates], confidence=min(1.0, max(0.0, p.confidence)),
                    reasons=reasons, evidence=list(dict.fromkeys(p.evidence)))


#: the (name, words after it) pairs :meth:`Validator._goes_on_as` keeps (a bounded memory)
_GOES_ON_CACHE = 10_000
#: how close a window ending in a known term (or beginning with a short one) must be to a
#: longer term ending (or beginning) with it, and how many letters longer it must be
_STEM_MIN_SIMILARITY = 0.9
_STEM_MIN_EXTRA = 4
#: a drug's name of at most this many letters is that drug written in its own case, or
#: before a dose
_SHORT_CASED = 2
#: a short name that begins a longer term has at most this many letters ("chlor", "cipro")
_LEAD_MAX_LETTERS = 6


def _cased(term: str, written: str) -> str:
    """``term`` begun with a capital where ``written`` is and in lower case where it is
    not ("Amoxicilin": Amoxicillin, "clavulanat": clavulanate), unless capitals inside
    it are its own ("HCTZ", "NovoLog")."""
    if not term[1:].islower():
        return term
    if written[:1].isupper():
        return term[:1].upper() + term[1:]
    return term[:1].lower() + term[1:] if written[:1].islower() else term


#: a word cut short with a dot ("Atorv.") is completed to the drugs whose names it begins
#: when it has this many letters, they this many more; a completion scores at most this
_COMPLETION_MIN_LETTERS = 4
_COMPLETION_MIN_EXTRA = 3
_COMPLETION_MAX = 0.9
#: ... and a word that is no out-of-vocabulary one ("Metop.") only to a commonly prescribed
#: drug, of at least this prior (metoprolol 0.70, furosemide 0.72)
_CUT_MIN_PRIOR = 0.4
#: ... and a drug the word begins only a brand of weighs this share of its prior
_BRAND_CUT_SHARE = 0.5

#: titles before a person's name, which a brand may be ("Dr. Allegra Moore"): abbreviated,
#: and written whole (these only capitalised, see _names_person)
_TITLES_SHORT = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof"})
_TITLES_WHOLE = frozenset({"doctor", "professor", "nurse", "miss", "mister"})
_TITLE_INITIALS = frozenset(c for t in _TITLES_SHORT | _TITLES_WHOLE
                            for c in (t[0], t[0].upper()))

#: words that say an abbreviation before them names a device or a procedure, not the drug
#: it also stands for: "PCN tube", "PCN exchange", "PCN site" (a percutaneous nephrostomy;
#: PCN is penicillin in "PCN allergy", "allergic to PCN")
_DEVICE_WORDS = frozenset({
    "tube", "tubes", "drain", "drains", "catheter", "catheters", "nephrostomy",
    "nephrostomies", "exchange", "site", "sites", "placement", "insertion", "bag", "bags",
    "output", "dressing", "stent", "stents",
    # ... and machines and a laboratory's panels: "PCA pump" (patient-controlled
    # analgesia, not pidolic acid), "CPM machine" (continuous passive motion, not
    # cyclophosphamide's brand CPM), "DIC panel" (not dacarbazine's brand DIC)
    "pump", "pumps", "machine", "machines", "panel", "panels",
})
#: a brand written in capitals of at most this many letters reads as an abbreviation
_BRAND_INITIALS = 4
#: a brand's later word this long at least may be a device's name ("Solostar", "Kwikpen";
#: not "R" of "Lantus R", "XL" of a release form)
_DEVICE_MIN_LETTERS = 5
#: a drug's abbreviation of a prior under this is of a drug seldom prescribed (DrugBank's
#: synonyms of rare substances are 0.01 to 0.1; a common drug's, "ASA", "HCTZ", "NTG",
#: 0.2 and more)
_RARE_ABBREVIATION_PRIOR = 0.1
# (nouns only: a verb after a drug's name is said of the drug, "HCTZ placed on hold")
#: ... and the words of a side before one: "right PCN", "bilateral PCNs" (no drug has a side)
_SIDE_WORDS = frozenset({"left", "right", "bilateral", "l", "r", "lt", "rt"})


def _abbreviation_beside_word(window: Sequence[WordInfo], doubt: float) -> bool:
    """Whether a window of several sure words (none out of vocabulary or below ``doubt``)
    holds an abbreviation in capitals of two letters or more that English or the clinical
    vocabulary knows ("RA", "ICU") and a word in lower case ("to"): two cases, so two
    words a writer chose, not one name broken in pieces."""
    if len(window) < 2 or any(w.oov or (w.confidence is not None and w.confidence < doubt)
                              for w in window):
        return False
    texts = [strip_punct(w.text) for w in window]
    return any(t.isupper() and sum(c.isalpha() for c in t) >= 2 and w.zipf >= KNOWN_ZIPF
               for t, w in zip(texts, window, strict=True)) and any(
        t.islower() and t.isalpha() for t in texts)


def _not_outscored(found: Sequence[Proposal], opts: ValidateOptions) -> list[Proposal]:
    """The flags of ``found`` (its proposals that are no hunch), but those holding a
    window held back as a hunch that is as near a name as a flag (its score at
    ``flag_threshold`` or over) and scores higher: that window's words were judged
    everyday words heard for a name, and a wider window owes its doubt to them. "This is
    Dana from the pharmacy calling", "pharmacy" heard at 0.57, a hunch (0.66): "pharmacy
    calling" was flagged as tetracycline (0.59) in its place, and "calling", heard at
    0.88, as the name Calan once the calibration read that flag."""
    held = [h for h in found if h.hunch and h.confidence >= opts.flag_threshold]
    return [p for p in found if not p.hunch and not any(
        p.start <= h.start and h.end <= p.end and p.end - p.start > h.end - h.start
        and h.confidence > p.confidence for h in held)]


def _half_heard_out_of_context(window: Sequence[WordInfo], doubtful: int, modality: str,
                               context: object) -> bool:
    """Whether ``window``, heard, holds as many words the recogniser was sure of as words
    in doubt (``doubtful`` of them), with no drug's context (``context``: no dose, no
    prescribing word, no orphan dose): its sure words were heard, and only its doubted
    half could be a name, which the windows of those words alone search. "your country
    can do for you", "can" heard at 0.25, was flagged as "country can", Contergan
    (thalidomide), and "in the garden while their parents", "while" at 0.06, as
    Gardenal (phenobarbital); the names the dev sets' recogniser broke into words out
    of any context were heard in doubt nearly whole ("room April": ramipril)."""
    return (modality == "audio" and len(window) > 1 and 2 * doubtful == len(window)
            and not context)


def _run_min_similarity(window: Sequence[WordInfo], words: Sequence[Word], j: int,
                        common: Sequence[bool], modality: str,
                        opts: ValidateOptions) -> float:
    """How near a name a run of words English knows (``window``, the words up to ``j``)
    must be to be doubted as one: ``_COMMON_RUN_MIN_SIMILARITY``, or more where its last
    word is an everyday noun's plural (``_PLURAL_RUN_MIN_SIMILARITY``), or, in plain
    text, where its words are everyday ones, one as frequent as English's function
    words at its edge (``WIDER_EDGE_MAX_ZIPF``: "to", "with", "at", "the"), and no
    number follows it (``_TEXT_RUN_MIN_SIMILARITY``). Text has no confidence to doubt a
    word by, and a prescribing word's preposition or article, typed, opens the phrase
    the writer meant, as it is the sentence's own where a window is widened
    (:func:`uncertain._words.widen`): "Apply to dry skin twice daily" is no tetracycline
    (0.71). A transcript's name broken into words is still found in its other words
    ("Do you take the sill us to saw once daily": 0.69) or nearer a name ("stop the
    all beauty rule": 0.84), and before a number the run stands in a strength's place,
    where a name is said."""
    line = _COMMON_RUN_MIN_SIMILARITY
    if not window[-1].exact and everyday_plural(window[-1].key, opts.english_min_zipf):
        line = _PLURAL_RUN_MIN_SIMILARITY
    if (modality == "text" and all(common)
            and max(window[0].zipf, window[-1].zipf) >= WIDER_EDGE_MAX_ZIPF
            and not _number_follows(words, j)):
        line = max(line, _TEXT_RUN_MIN_SIMILARITY)
    return line


def _number_follows(words: Sequence[Word], j: int) -> bool:
    """Whether a number, in digits or spelled, is word ``j`` or comes after the sure
    words linking a name to its dose that open there ("stays at 10 mg", "down to 10
    mg", "to 20 mg": :func:`uncertain._context.link_words`)."""
    texts = [strip_punct(w.text).casefold() for w in words[j:j + 4]]
    links = link_words(texts, [True] * len(texts))
    k = 0
    while k < len(texts) and (links[k] or texts[k] in ("at", "on", "to")):
        k += 1
    return k < len(texts) and (classify(texts[k]) == "number" or is_number_word(texts[k]))


def _above_low_line(window: Sequence[WordInfo], opts: ValidateOptions) -> bool:
    """Whether every word of ``window`` was heard at or above the low-confidence line
    (``low_confidence_audio``): in doubt, maybe, but none doubtful enough to be marked on
    its own. A run of everyday words so heard, in a drug's slot only by its context, that
    is no nearer a name than a run heard with confidence must be
    (``_COMMON_RUN_MIN_SIMILARITY``), is a hunch at most, for the acoustic pass to bear
    out: "Continue physical therapy twice a week", heard at 0.34 and 0.33, was flagged as
    calcium acetate (0.63). Runs holding a word heard lower ("as a precedent for team",
    capsaicin, 0.56), and runs before a number, are doubted as before."""
    return all(w.confidence is not None and w.confidence >= opts.low_confidence_audio
               for w in window)


def _capital_after_word(window: Sequence[WordInfo], words: Sequence[Word], i: int,
                        cue_at: Sequence[bool], doubt: float) -> bool:
    """Whether the window opening at word ``i`` holds a word capitalised where a writer
    capitalises a drug's name, after a prescribing word or phrase or a verb of giving
    (:func:`_capitalised_by_place`: "Ondan" of "Pt received Ondan", "Levo" of "Started
    on Levo"), right after a sure word in lower case that English or the clinical
    vocabulary knows and that is no term: the capital begins a word the writer chose, so
    the window is two words, not a name broken in pieces. A term before it ("insulin
    Glargne") may begin a name of several words, whose later word a writer capitalises;
    a word capitalised elsewhere ("met Forman") may be a recogniser's piece of a name."""
    for k in range(1, len(window)):
        before, word = window[k - 1], window[k]
        text = strip_punct(word.text)
        if not (len(text) > 1 and text[0].isupper() and text[1:].islower()
                and text.isalpha()):
            continue
        prior = strip_punct(before.text)
        if (prior.isalpha() and prior.islower() and not before.oov and not before.exact
                and (before.confidence is None or before.confidence >= doubt)
                and (word.confidence is None or word.confidence >= doubt)
                and _capitalised_by_place(words, i + k, False,
                                          bool(cue_at) and cue_at[i + k])):
            return True
    return False


#: a laboratory's unit of a value: an amount per litre or decilitre ("mmol/L", "mg/dL",
#: "U/L") or a trace per millilitre ("ng/mL", "pg/mL"); a product's strength is per
#: millilitre in milligrams or units ("10 mg/mL"), so those are left out
_LAB_UNIT = re.compile(r"^(?:[a-zµμ]+/d?l|(?:ng|pg|[nmpuµμ]?mol)/ml)$")


#: the words a note writes between an analyte and its value ("Procalcitonin peaked at
#: 2.1", "Troponin was 0.4", "Ferritin of 12", "Lactate down to 1.8", "CK rose to 900"):
#: a copula, the verbs of a value's course and their particles, a closed class; the verbs
#: of dosing ("increased", "started", "titrated") are left out, since a dose after them is
#: one whatever its drug ("Lasix was increased to 80")
_LAB_LINKS = frozenset({
    "was", "is", "were", "are", "of", "at", "to", "now", "peaked", "peaks", "rose",
    "rises", "risen", "fell", "falls", "fallen", "dropped", "trended", "trending",
    "trends", "climbed", "down", "up", "level", "levels"})
#: ... and at most this many of them
_LAB_LINKS_MAX = 3


def _lab_value(words: Sequence[Word], j: int) -> str | None:
    """What the words from ``j`` say of a substance named before them: "unit" where they
    are a number and a laboratory's unit (:data:`_LAB_UNIT`: "0.3 ng/mL", "7.2
    mmol/L"), "bare" where a number with no unit or frequency after it ("Procalcitonin
    0.3", "Phosphorus 3.1, Mg 2.0"), else None; a few words of a value's course may come
    first, in the substance's clause (:data:`_LAB_LINKS`: "Procalcitonin peaked at 2.1")."""
    start = j
    while (j < len(words) and j - start < _LAB_LINKS_MAX
           and not CLAUSE_END.search(words[j - 1].text)
           and strip_punct(words[j].text).casefold() in _LAB_LINKS):
        j += 1
    if j >= len(words) or (j > start and CLAUSE_END.search(words[j - 1].text)):
        return None
    number = strip_punct(words[j].text)
    if classify(number) != "number" or not any(c.isdigit() for c in number):
        return None
    if j + 1 < len(words) and not CLAUSE_END.search(words[j].text):
        after = strip_punct(words[j + 1].text).casefold()
        if _LAB_UNIT.match(after):
            return "unit"
        if classify(after) in ("unit", "frequency", "number") or dose_amount(
                [number.casefold(), after]) is not None:
            return None
    return "bare"


def _names_device(words: Sequence[Word], i: int, j: int) -> bool:
    """Whether the words ``i:j`` stand in a device's or a procedure's place: a device word
    follows them in their clause (:data:`_DEVICE_WORDS`), or a side comes before them."""
    if not CLAUSE_END.search(words[j - 1].text) and j < len(words) and (
            strip_punct(words[j].text).casefold() in _DEVICE_WORDS):
        return True
    return i > 0 and not CLAUSE_END.search(words[i - 1].text) and (
        strip_punct(words[i - 1].text).casefold() in _SIDE_WORDS)


def _names_person(words: Sequence[Word], i: int, doubt: float, *, brand: bool = False) -> bool:
    """Whether the word ``i`` begins a person's name: a title comes right before it
    ("Dr. Allegra Moore"), or before a capitalised word right before it ("Dr. Jane
    Allegra"), or a form's label of a person does (:func:`_after_label`: "Patient: Allegra
    Jones"), and no word from the title or label to it is doubted (under ``doubt``: a
    recogniser writes "Ms. Arplas" for "misoprostol"). An abbreviated title counts in
    any case ("dr allegra"); a title written whole, and the name after it, only
    capitalised ("Doctor Allegra", not "the doctor Tylenol helps"), and "Ms" not in
    capitals (MS is morphine sulfate). So does a ``brand`` (a word that is a brand's
    name only) that a verb of a person follows, right after it or after a capitalised
    word (:func:`_before_person_verb`: "Allegra called to reschedule", "Allegra Moore
    asked about her refill"); a generic name or a clinical word is no one's name
    ("Creatinine came back at 1.3")."""
    verb = _before_person_verb(words, i) if brand else None
    if verb is not None:
        return all(w.confidence is None or w.confidence >= doubt for w in words[i:verb + 1])
    if i == 0:
        return False
    first = _after_title(words, i)
    if first is None:
        first = _after_label(words, i)
    if first is None:
        return False
    return all(w.confidence is None or w.confidence >= doubt for w in words[first:i + 1])


#: verbs said of a person, not of a drug: a capitalised name before one is a person's
#: ("Allegra called to reschedule"; "the Eliquis came in the mail" is a delivery, and
#: "Keflex called in to the pharmacy" a prescription: see _before_person_verb; a box
#: "says" what to take)
_PERSON_VERBS = frozenset({
    "called", "calls", "phoned", "phones", "rang", "said", "asked", "asks",
    "came", "comes", "stated", "states", "reported", "reports", "denied", "denies",
    "agreed", "agrees", "declined", "declines", "requested", "requests", "wants",
    "wanted", "arrived", "arrives", "visited", "visits", "complained", "complains",
    "told", "tells", "spoke", "speaks", "answered", "explained", "explains",
})
#: a professional's credentials after a name and its comma ("Allegra Smith, LCSW"), as
#: written (in their capitals)
_CREDENTIALS = frozenset({
    "RN", "MD", "DO", "NP", "PA", "PA-C", "LPN", "LVN", "CNA", "LCSW", "LICSW", "MSW",
    "PharmD", "RPh", "PhD", "PsyD", "FNP", "APRN", "CRNA", "CNM", "DNP", "BSN", "MSN",
    "DDS", "DPM", "OTR", "SLP", "RD", "RT", "RRT", "LMFT", "LPC",
})
#: ... of which these, with "in" after them, say a prescription was sent to a pharmacy
_CALLED_IN = frozenset({"called", "calls", "phoned", "phones"})
#: words before a name that make it a thing: "the Eliquis came", "her Allegra says 24 hour"
_DETERMINERS = frozenset({"the", "a", "an", "my", "his", "her", "your", "our", "their",
                          "its", "this", "that", "these", "those", "some", "any", "no"})


def _before_person_verb(words: Sequence[Word], i: int) -> int | None:
    """Where the verb of a person is (:data:`_PERSON_VERBS`) that follows the capitalised
    word ``i``, right after it or after a capitalised word of letters ("Allegra Moore
    called"), in its clause, if one does: then the word is a person's name, whatever
    drug a brand of it is. Not after a determiner ("the Eliquis came"), not before "in"
    ("Keflex called in"), nor with a dose after the verb ("Allegra said 180 mg"). A
    surname and a professional's credential after it, a comma between or not, say so
    too, where the credential stands for the verb ("Allegra Smith, LCSW", "Allegra
    Moore MD": :data:`_CREDENTIALS`, in their capitals)."""
    text = strip_punct(words[i].text)
    if not text[:1].isupper() or not text.isalpha() or CLAUSE_END.search(words[i].text):
        return None
    if i > 0 and strip_punct(words[i - 1].text).casefold() in _DETERMINERS:
        return None
    verb = i + 1
    if verb < len(words):
        after = strip_punct(words[verb].text)
        if len(after) > 1 and after[:1].isupper() and after[1:].islower() and after.isalpha():
            if verb + 1 < len(words) and words[verb].text.strip() in (after, after + ",") and (
                    strip_punct(words[verb + 1].text) in _CREDENTIALS):
                return verb + 1  # a surname and a credential: "Allegra Smith, LCSW", "MD"
            if not CLAUSE_END.search(words[verb].text):
                verb += 1  # a surname: "Allegra Moore called"
    if verb >= len(words) or strip_punct(words[verb].text).casefold() not in _PERSON_VERBS:
        return None
    end = verb + 1  # (the words after the verb, to the end of its clause)
    while end < min(len(words), verb + 5) and not CLAUSE_END.search(words[end - 1].text):
        end += 1
    said = [strip_punct(w.text).casefold() for w in words[verb + 1:end]]
    if said[:1] and said[0] in ("in", "into") and (
            strip_punct(words[verb].text).casefold() in _CALLED_IN):
        return None
    if any(dose_amount(said[k:k + 2]) is not None for k in range(len(said))):
        return None
    return verb


#: the labels of a patient's allergies, a colon after them ("Allergies: ASA, PCN")
_ALLERGY_LABELS = frozenset({"allergies", "allergy", "allergic", "allergens"})
#: the most items of a list after an allergy's label that a word may come after
_ALLERGY_ITEMS = 6


def _after_allergy_label(words: Sequence[Word], i: int) -> bool:
    """Whether the word ``i`` is an item of the list after an allergy's label
    (:data:`_ALLERGY_LABELS`): right after it ("Allergies: ASA") or after other items
    of its list, each ended by a comma ("Allergies: PCN, sulfa, ASA"); no other mark
    ends a clause between."""
    k = i - 1
    while k >= 0 and i - k <= 2 * _ALLERGY_ITEMS:
        text = words[k].text.strip()
        if text.endswith(":"):  # ("Drug allergies:" too)
            return strip_punct(text).casefold() in _ALLERGY_LABELS
        if CLAUSE_END.search(text) and not text.endswith(","):
            return False
        k -= 1
    return False


def _after_title(words: Sequence[Word], i: int) -> int | None:
    """Where the title before the word ``i`` is, if one is (see :func:`_names_person`)."""
    # (every window asks: most words before one begin with a letter no title begins with)
    if _no_title(words[i - 1].text) and (i == 1 or _no_title(words[i - 2].text)):
        return None
    if i > 1 and words[i - 1].text[:1].isupper() and words[i - 1].text.isalpha() \
            and _is_title(words[i - 2].text, words[i - 1].text):
        return i - 2
    if _is_title(words[i - 1].text, words[i].text):
        return i - 1
    return None


#: a form's or a note's labels whose value is a person's name ("Patient: Allegra Jones",
#: "Mother: Celexa Moore"), written with a colon
_PERSON_LABELS = frozenset({
    "patient", "pt", "name", "mother", "father", "parent", "daughter", "son", "wife",
    "husband", "spouse", "partner", "sister", "brother", "guardian", "caregiver", "carer",
    "contact", "prescriber", "physician", "provider", "pharmacist", "insured", "member",
    "subscriber",
})
#: ... of which "name" names a drug after these: "Drug name:", "Brand name:"
_DRUG_NAME_LABELS = frozenset({"drug", "medication", "medicine", "generic", "brand",
                               "product", "trade", "item"})


def _after_label(words: Sequence[Word], i: int) -> int | None:
    """Where a form's label of a person (:data:`_PERSON_LABELS`, a colon after it) is
    before the capitalised word ``i``: right before it ("Patient: Allegra Jones", which
    verified the brand Allegra), or before a capitalised word right before it, a comma
    after that word or not ("Patient: Jane Allegra", "Patient: Jones, Allegra"). A word a
    number follows is no person's name but a drug's before its dose, whatever the label
    ("Name: Lisinopril 10 mg" on a pharmacy's label)."""
    if not words[i].text[:1].isupper() or (
            i + 1 < len(words) and classify(strip_punct(words[i + 1].text)) == "number"):
        return None
    if _is_person_label(words, i - 1):
        return i - 1
    before = words[i - 1].text.rstrip(",")
    if i > 1 and before[:1].isupper() and before.isalpha() and _is_person_label(words, i - 2):
        return i - 2
    return None


def _is_person_label(words: Sequence[Word], k: int) -> bool:
    """Whether the word ``k`` is a label of a person with its colon (see
    :func:`_after_label`): "Patient:", "Name:", not "Drug name:"."""
    text = words[k].text.strip()
    if not text.endswith(":"):
        return False
    label = strip_punct(text).casefold()
    if label == "name" and k > 0:
        return strip_punct(words[k - 1].text).casefold() not in _DRUG_NAME_LABELS
    return label in _PERSON_LABELS


def _no_title(text: str) -> bool:
    """A quick no of :func:`_is_title`: ``text`` begins with a letter or digit that no
    title begins with."""
    first = text[:1]
    return first.isalnum() and first not in _TITLE_INITIALS


def _is_title(text: str, name: str) -> bool:
    """Whether ``text`` is a title before the name ``name`` (see :func:`_names_person`)."""
    title = strip_punct(text)
    folded = title.casefold()
    if folded in _TITLES_WHOLE:
        return title[:1].isupper() and name[:1].isupper()
    if folded not in _TITLES_SHORT or (folded == "ms" and title.isupper()):
        return False
    # nothing but the title's own dot after it: "Dr." ("Dr.," ends a clause)
    return text.strip()[len(title):] in ("", ".")


#: a clipped brand's word ("oxy") may be this short: a brand of its letters shows them
#: a name's clipping (see Validator._clipped_brand)
_CLIPPED_MIN_LETTERS = 3
#: ... and begins the own names of at least this many commonly prescribed drugs
_CLIPPED_STEMS = 2


#: the marks that end what comes before a word a writer capitalises whatever it is: a
#: sentence, a label ("Meds: Oxy 5 mg"), a list's number ("2.", "2)")
_CAPITALISING_ENDS = (".", ":", "!", "?", ")")
#: ... and the verbs of giving (and of a patient's receiving) no prescribing word is
#: (:func:`uncertain._cues.is_cue_word`): a writer capitalises a drug's name after one as
#: any drug's, brand or not ("Pt received Ondan 4 mg IV")
_GIVING = frozenset({"gave", "gives", "received", "receives"})


def _capitalised_by_place(words: Sequence[Word], i: int, new_line: bool,
                          cue: bool = False) -> bool:
    """Whether the word ``i`` stands where a writer capitalises any word, so that its
    capital says nothing of a proper name: opening a line (``new_line``) or a sentence,
    after a label's colon, or after a list's mark ("-", "•", "2."), or after a prescribing
    word or phrase (``cue``: :func:`uncertain._cues.is_cue`, "Started on Levo 750 mg") or
    a verb of giving, where writers capitalise a drug's name, a brand's or not ("Gave
    Metop 25 mg", "Continue Amio 200 mg", "Pt received Ondan 4 mg")."""
    if new_line or i == 0 or cue:
        return True
    before = words[i - 1].text.rstrip()
    return (before.endswith(_CAPITALISING_ENDS) or not any(c.isalnum() for c in before)
            or before.casefold() in _GIVING or is_cue_word(before.casefold())
            or (before.endswith(",") and _in_labelled_list(words, i)))


#: the most words back a list's item may look for the label its list opens with
_LIST_REACH = 24


def _in_labelled_list(words: Sequence[Word], i: int) -> bool:
    """Whether the word ``i`` opens an item of a list after a label's colon, its items
    parted by commas ("Meds: Levo 500 mg daily, Vanc 1 g q12h"): a writer capitalises
    each item as the first. No other mark ends a clause between it and the label."""
    for k in range(i - 1, max(-1, i - 1 - _LIST_REACH), -1):
        text = words[k].text.rstrip()
        if text.endswith(":"):
            return True
        if CLAUSE_END.search(text) and not text.endswith(","):
            return False
    return False


def _cut_word(sw: Sweep, i: int, clipped: bool = False) -> bool:
    """Whether word ``i`` is written as a name cut short: with a dot ("Metop."), or, in
    lower case and English seldom using it, before its dose ("metop 25 mg", "dilt 30 mg",
    "vanc 1 g", "metop XL 50 mg": a prescriber's clipping, as a chart writes one), or
    so but capitalised where a writer capitalises any word ("Metop 25 mg BID" opening a
    list's line: :func:`_capitalised_by_place`); a ``clipped`` brand
    (:meth:`Validator._clipped_brand`) in whatever case it was found so."""
    text = sw.words[i].text.rstrip()
    if text.endswith("."):
        return True
    text = strip_punct(text)
    cased = clipped or text.islower() or (
        text[:1].isupper() and text[1:].islower() and _capitalised_by_place(
            sw.words, i, i == 0 or sw.infos[i - 1].segment != sw.infos[i].segment,
            sw.cue_at[i]))
    return (cased and text.isalpha()
            and sw.infos[i].zipf < sw.opts.english_min_zipf
            and (sw.dose_at[i + 1] > 0 or amount_after(sw, i + 1) is not None))


def _cut_in_slot(sw: Sweep, i: int) -> bool:
    """Whether word ``i``, cut short with a dot and known as a word ("metop", "levet"),
    stands in a drug's slot: a dose right after it ("Vanc. 1 g IV": a gram, which opens
    no dose alone), or a prescribing word before it when English seldom uses it (an
    everyday word cut so, "Hydro.", "Gent.", is a name only before its dose: "Hold
    Hydro. today" may be any word ended by its sentence)."""
    if sw.dose_at[i + 1] or amount_after(sw, i + 1) is not None:
        return True
    return sw.cue_at[i] and sw.infos[i].zipf < sw.opts.english_min_zipf


def _scored_at_most(c: Candidate | Ranked, score: float) -> Candidate | Ranked:
    """``c``, its score lowered to ``score`` where it is higher (a candidate listed after
    the names a cut word begins: under the render's floor where they share the word
    thinly, "Hydroxyc.": hydroxyzine, 0.96 by its letters, at hydroxyurea's 0.25)."""
    if c.score <= score:
        return c
    return replace(c, score=score) if isinstance(c, Ranked) else c.model_copy(
        update={"score": score})


def _scored_at_least(c: Candidate | Ranked, score: float) -> Candidate | Ranked:
    """``c``, its score raised to ``score`` where it is lower."""
    if c.score >= score:
        return c
    return replace(c, score=score) if isinstance(c, Ranked) else c.model_copy(
        update={"score": score})


def _cut_doubt(found: Sequence[Candidate | Ranked]) -> float:
    """How likely a word cut short with a dot is a name other than as written, given the
    drugs it begins (:meth:`Validator._completions`): that it is one of them, at most
    ``_COMPLETION_MAX``. Not the best one's share: "Levo." is cut short however evenly
    levothyroxine, levofloxacin and levodopa share it."""
    return round(min(_COMPLETION_MAX, sum(c.score for c in found)), 4)


#: abbreviations of two drugs that are read one for the other, on ISMP's list of
#: error-prone abbreviations and the Joint Commission's "do not use" list: MS and MSO4
#: (morphine sulfate) and MgSO4 (magnesium sulfate), also with a zero for the O as some
#: charts write it. Each (compact, as written) gives the canonical names it may stand
#: for, the one its letters say first
_CONFUSED = {
    "ms": ("morphine", "magnesium sulfate"),
    "mso4": ("morphine", "magnesium sulfate"),
    "ms04": ("morphine", "magnesium sulfate"),
    "mgso4": ("magnesium sulfate", "morphine"),
    "mgs04": ("magnesium sulfate", "morphine"),
}
#: ... of which these are also other words ("Ms.", multiple sclerosis): only in capitals
#: and in a drug's slot
_CONFUSED_IN_SLOT = frozenset({"ms"})
#: the score of the first of the two where a dose says which, and where only the letters
#: do; the other gets the rest (both shown: see uncertain.render's MIN_CANDIDATE_SCORE
#: and CANDIDATE_GAP)
_CONFUSED_DOSED = 0.65
_CONFUSED_WRITTEN = 0.55
#: morphine is given by the milligram (2-10 mg IV, up to 200 mg by mouth; micrograms
#: into the spine), magnesium sulfate by the gram (1-4 g IV) or the milliequivalent
_MORPHINE_MAX_MG = 200.0
_MAGNESIUM_MIN_MG = 500.0


def _dose_favours(amount: tuple[float | None, str] | None) -> str | None:
    """Which of morphine and magnesium sulfate a dose after an abbreviation of either
    (:func:`uncertain._context.dose_amount`) is one of, if it says."""
    if amount is None:
        return None
    mg = amount[0]
    if mg is None or mg >= _MAGNESIUM_MIN_MG:
        return "magnesium sulfate"
    return "morphine" if mg <= _MORPHINE_MAX_MG else None


#: the salts dosed in milliequivalents, by the anion a speaker may say alone ("chlor ride
#: 20 mEq": potassium chloride, the cation lost)
_MEQ_SALTS = {"chloride": "potassium chloride", "citrate": "potassium citrate",
              "bicarbonate": "sodium bicarbonate", "gluconate": "potassium gluconate"}

#: a concentration per litre after an amount in milliequivalents ("102 mEq/L"): a
#: laboratory's value of an ion, not a dose
_PER_LITRE = re.compile(r"^\S+\s+[a-z ]*/\s*d?l\b")

#: the features of a window's context, which every candidate of it shares
_BASE_FEATURES = frozenset({"confidence", "dose_context", "cue_before", "common_english",
                            "words", "sure_extra_words", "orphan_dose"})


def _lengthens(term: str, key: str) -> bool:
    """Whether the compact ``term`` begins with the compact ``key`` and goes on for
    ``_STEM_MIN_EXTRA`` letters or more: "nitroglycerin", "nitro"."""
    return term.startswith(key) and len(term) - len(key) >= _STEM_MIN_EXTRA


def _begins_with_word(term: str, key: str) -> bool:
    """Whether ``term``'s first word is the compact ``key``: "insulin detemir", "insulin"."""
    first = normalize_term(term).split(" ", 1)
    return len(first) == 2 and compact(first[0]) == key


#: the shortest name that is itself when sure words follow it in writing ("met" of "met
#: for men" is a syllable of metformin in a transcript, "penicillin causes" is penicillin)
_NAMED_MIN_LETTERS = 6
#: the ending of an English verb's participle or gerund, which no drug's name has
_EVERYDAY_SUFFIX = "ing"
#: a word English knows but seldom uses (wordfreq zipf from KNOWN_ZIPF up to the
#: ordinary-English line; in writing, any word English knows: "admit to telemetry, daily
#: weights" is no tolmetin), written or heard with confidence, is what was meant unless it
#: is nearly a term: the products and supplements of a medication list ("multivitamin", "probiotic",
#: "elderberry", "softener": 1.6-2.6), where recognisers' and OCR's misspellings of names
#: are strings wordfreq does not know ("oxycodome", "Zappasuma", "Lisinioprii": 0): how
#: near a term it must be to be flagged
_KNOWN_MIN_SIMILARITY = 0.85
#: a run of everyday words the recogniser is sure of, in a drug's slot only by its context
#: (a prescribing word, a frequency after it), is what was said unless it sounds like a
#: term: the misheard names of the dev sets and the issue's "lives in awful" score 0.71 and
#: more, the therapies a dictation continues under 0.65 ("Continue physical therapy twice
#: a week": 0.63, calcium acetate; "Use a heating pad at bedtime": 0.61)
_COMMON_RUN_MIN_SIMILARITY = 0.65
#: ... and one ending in an everyday noun's plural names the things counted or done ("Use
#: saline rinses twice daily": 0.71, Soliris; "nasal rinses": 0.72) unless it is nearer:
#: a name split into words whose last is heard as a plural ("lay sicks", Lasix: 0.83;
#: "sore tolls": 0.81)
_PLURAL_RUN_MIN_SIMILARITY = 0.78
#: ... and in plain text, a run of everyday words with a function word at its edge,
#: before no number, must be nearer still (:func:`_run_min_similarity`): a writer's
#: preposition and the words it governs after a prescribing word score 0.71 ("Apply to
#: dry skin twice daily", tetracycline); recognisers' names broken into words and typed,
#: with such a word at their edge, 0.77 and more ("all beauty rule", "a set of minnow fin")
_TEXT_RUN_MIN_SIMILARITY = 0.75

#: the most edits a printed term's text layer reading that spells no term may be from it
#: and be the term misread by the layer (itself OCR: a glyph or two otherwise, "Digoxn",
#: "Lisinoprll", "rn" for "m"), not another word printed ("Digitek" is four from Digoxin)
_LAYER_SLIP = 2
#: the parts of a printed word that marks glue ("mg:B10": "mg", "B10")
_PARTS = re.compile(r"[^\W_]+")


#: English endings that derive a word from a term ("bilateral" -> "bilaterally")
_DERIVING = frozenset({"s", "es", "ly", "ally", "ic", "ical", "al", "ity", "ness", "ed"})


def derived_from(word: str, term: str) -> bool:
    """Whether the compact ``word`` is the compact ``term`` (or the term less its last
    letter: "neuropathy" -> "neuropathic") with an English ending."""
    for base in (term, term[:-1]):
        if (len(base) >= 5 and len(word) > len(base) and word.startswith(base)
                and word[len(base):] in _DERIVING):
            return True
    return False


@lru_cache(maxsize=64)
def _options_record(opts: ValidateOptions) -> dict[str, Any]:
    """``opts`` as the plain dict :class:`Validation` records (copy it before use)."""
    return asdict(opts)


def _englishness(zipf: float, opts: ValidateOptions) -> float:
    """0 for a word wordfreq hardly knows, 1 from ``english_min_zipf + 1`` up."""
    low = opts.english_min_zipf - 1.5
    return min(1.0, max(0.0, (zipf - low) / 2.5))


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # (gone since it was read)
        return os.path.abspath(a) == os.path.abspath(b)


def _named_apart(lexicons: list[Lexicon]) -> list[Lexicon]:
    """``lexicons`` once each (a file named twice is one lexicon, as a shipped name given
    twice is); two of one name are refused: a flag's candidates name their lexicon, and
    the shipped ones' names say how their terms are treated."""
    named: dict[str, Lexicon] = {}
    for lexicon in lexicons:
        first = named.setdefault(lexicon.name, lexicon)
        if first is lexicon:
            continue
        if first.path and lexicon.path and _same_file(first.path, lexicon.path):
            continue
        where = first.path or "given as an object"
        raise LexiconError(lexicon.path or lexicon.name,
                           f"another lexicon is named {lexicon.name!r} ({where}): name them "
                           "apart (--lexicon NAME=FILE, load_lexicon(path, name=...))")
    return list(named.values())


@built_once()
def _shared_index(names: tuple[str, ...]) -> LexiconIndex:
    """The index of shipped lexicons, built once per process for every validator of them
    (the default one, the command line's, a batch worker's, calibration's features),
    and kept on disk for the next process (:mod:`uncertain._index_cache`)."""
    lexicons = [load_lexicon(name) for name in names]
    return cached_index(lexicons, lambda: LexiconIndex(lexicons))


#: the order the shipped lexicons are indexed in, whatever order a set names them in
#: (:func:`uncertain.lexicon.default_lexicons`'; another shipped one after them, by name)
_SHIPPED_ORDER = ("drugs", "clinical")


def _index_of(lexicons: Sequence[Lexicon],
              progress: Callable[[float, float | None], None] | None = None) -> LexiconIndex:
    """The index of ``lexicons``: the shared one of the shipped lexicons they begin with,
    extended by the others (a service validating with the shipped ones beside formulary A
    and beside formulary B held two copies of the shipped ones' index, 27 MB each).

    The shipped ones are indexed in one order (``_SHIPPED_ORDER``), as named in any: a
    set naming "clinical" before "drugs" built a second index of them. Their order
    tells nothing: it only breaks ties, their entries' numbers ordering candidates of
    equal score (in the dev sets, 4 of 2,244 flags listed a candidate of equal score otherwise, as
    "Pro-amatine" for "Proamatine"). A lexicon of yours named before them is not moved
    after them: its entries come first among those of equal prior (a term it shares with
    them), as named, so they are not shared then."""
    shipped = 0
    while shipped < len(lexicons) and is_shipped(lexicons[shipped]):
        shipped += 1
    if not shipped:
        return LexiconIndex(lexicons, progress=progress)
    first = sorted(lexicons[:shipped], key=lambda lx: (
        _SHIPPED_ORDER.index(lx.name) if lx.name in _SHIPPED_ORDER else len(_SHIPPED_ORDER),
        lx.name))
    base = _shared_index(tuple(lx.name for lx in first))
    return base if shipped == len(lexicons) else LexiconIndex(
        [*first, *lexicons[shipped:]], base=base, progress=progress)


@built_once()
def _default_validator() -> Validator:
    return Validator()


@built_once()
def _feature_validator() -> Validator:
    """The default validator without a clinical vocabulary: calibration's features must
    not depend on which dictionary a machine has installed."""
    return Validator(vocabulary=Vocabulary())


def validate(
    doc: Document,
    *,
    lexicons: Iterable[LexiconSource] | None = None,
    options: ValidateOptions | None = None,
    **overrides: Any,
) -> Document:
    """Return a copy of ``doc`` with ``flags`` filled.

    ``lexicons`` takes shipped names ("drugs"), file paths and :class:`Lexicon` objects;
    by default the shipped drugs and clinical lexicons, indexed once per process. The
    list is the whole set: a formulary alone (``lexicons=["formulary.tsv"]``) leaves the
    shipped ones out, so name them beside it (``["drugs", "clinical", "formulary.tsv"]``);
    the command line's ``--lexicon`` adds to them. Names
    and files are indexed once too, while the files' content is the same (the last eight
    sets; a file is known by a hash of its bytes, which are the bytes parsed: an edit
    that keeps its size and modification time is seen, and a file replaced by renaming
    a complete one over it is never read half written);
    for :class:`Lexicon` objects build a :class:`Validator` once and reuse it. Any
    :class:`ValidateOptions` field can be given as a keyword (``flag_threshold=0.6``).
    """
    if options is not None and not isinstance(options, ValidateOptions):
        raise TypeError(f"options must be ValidateOptions, not {type(options).__name__} "
                        "(or give each as a keyword)")
    opts = options or ValidateOptions()
    if overrides:
        known = {f.name for f in fields(ValidateOptions)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"validate() got unknown options: {', '.join(unknown)}")
        opts = replace(opts, **overrides)
    validator = _default_validator() if lexicons is None else _validator_for(lexicons)
    return validator.validate(doc, options=opts)


def _validator_for(lexicons: Iterable[LexiconSource] | LexiconSource) -> Validator:
    """A validator of ``lexicons``: for names and files, the one made for them before
    while no file's content has changed (building the index takes about a second each
    time)."""
    sources = [lexicons] if isinstance(lexicons, str | os.PathLike | Lexicon) else list(lexicons)
    if all(isinstance(s, str | os.PathLike) for s in sources):
        names = tuple(os.fspath(s) for s in sources if not isinstance(s, Lexicon))
        shipped = set(shipped_lexicons())
        for fresh in (False, True):
            try:
                read = [((name, "", ""), None) if name in shipped else _file_key(name, fresh)
                        for name in names]
            except OSError:
                return Validator(sources)  # (it says what cannot be read)
            try:
                return _cached_validator(tuple(key for key, _ in read), names,
                                         _Carried([raw for _, raw in read]))
            except _Changed:  # (a file its stat said was the one hashed before: read it)
                continue
        raise AssertionError("unreachable: a fresh read is the content it is keyed on")
    return Validator(sources)


#: how long (ns) after a file's last change its stat (device, inode, size, modification
#: and change times) is taken to say its content: within it, a rewrite in the same clock
#: tick (or in the 2 s of a FAT timestamp) may keep all of them, and the file is hashed
_SETTLED_NS = 2_000_000_000
#: per lexicon file (real path): the stat its content was last hashed at, and the hash
_hashed: dict[str, tuple[tuple[int, ...], str]] = {}
_hashed_lock = threading.Lock()


class _Changed(Exception):
    """A lexicon file read to build its validator is not the content it was keyed on."""


class _Carried:
    """The bytes read of each lexicon file, passed to :func:`_cached_validator` beside its
    key and no part of it (every ``_Carried`` is equal); let go of once the validator is
    built, the cache holding the key's arguments as long as the validator."""

    def __init__(self, raws: list[bytes | None]) -> None:
        self.raws: list[bytes | None] | None = raws

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Carried)

    def take(self, count: int) -> list[bytes | None]:
        raws, self.raws = self.raws, None
        return raws if raws is not None else [None] * count


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _file_key(source: str, fresh: bool = False) -> tuple[tuple[str, str, str], bytes | None]:
    """What tells a lexicon file ``source`` (``FILE`` or ``NAME=FILE``) from another (its
    name, real path and a hash of its content), and the bytes hashed.

    The bytes are None when the file's stat is the one it was hashed at, settled
    (``_SETTLED_NS``), and not ``fresh``: a stat alone missed an edit that kept the
    modification time and the size (``cp -p``, ``rsync -t``, ``tar x`` of a file of the
    same length), which the change time and the inode see. A file read while it changes
    is read again, and refused if it goes on changing (:func:`read_whole`)."""
    name, path = split_source(source)
    real = os.path.realpath(path)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):  # (a pipe would be waited on: the loader says what)
        raise OSError(f"{path}: not a regular file")
    if not fresh:
        known = _hashed.get(real)
        if known is not None and known[0] == file_signature(st):
            return (name or "", real, known[1]), None
    raw, read = read_whole(path)
    digest = _digest(raw)
    if time.time_ns() - max(read.st_mtime_ns, read.st_ctime_ns) > _SETTLED_NS:
        with _hashed_lock:
            if len(_hashed) >= 1024 and real not in _hashed:
                del _hashed[next(iter(_hashed))]
            _hashed[real] = (file_signature(read), digest)
    return (name or "", real, digest), raw


@built_once(maxsize=8)
def _cached_validator(key: tuple[tuple[str, str, str], ...], names: tuple[str, ...],
                      carried: _Carried) -> Validator:
    """The validator of lexicons ``names``; ``key`` says which files they were (their
    content's hash), ``carried`` holds the bytes hashed (None for a file whose stat said
    it was hashed before: read here, and :class:`_Changed` when it is no longer so)."""
    sources: list[LexiconSource] = []
    for name, (_, real, digest), raw in zip(names, key, carried.take(len(names)),
                                            strict=True):
        if not real:  # a shipped lexicon
            sources.append(name)
            continue
        if raw is None:
            try:
                raw = Path(split_source(name)[1]).read_bytes()
            except OSError:
                raise _Changed from None
            if _digest(raw) != digest:
                raise _Changed
        sources.append(load_lexicon_bytes(name, raw))
    return Validator(sources)


def lexicon_evidence(doc: Document) -> list[tuple[float, float]]:
    """Per word of ``doc`` (in :attr:`Document.words` order): ``(near, verified)``.

    ``near`` is the best candidate's score of the ``near_lexicon`` flag covering the word
    (0 when none does), ``verified`` is 1 for a word of a ``verified`` flag: what the
    shipped lexicons, with the default options, say about ``doc`` as it is. Calibration
    reads them as features (``lexicon_near``, ``lexicon_verified``) of the stage's raw
    scores, so they never depend on a calibration.
    """
    near = [0.0] * len(doc.words)
    verified = [0.0] * len(doc.words)
    for flag in _feature_validator().validate(doc).flags:
        for i in range(flag.start, min(flag.end, len(near))):
            if flag.reason == "verified":
                verified[i] = 1.0
            elif flag.reason == "near_lexicon" and flag.candidates:
                near[i] = max(near[i], flag.candidates[0].score)
    return list(zip(near, verified, strict=True))
