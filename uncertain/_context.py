"""Word classes and dose context: numbers, units, frequencies and the doses after drug names.

This module owns what a word is besides a word (a number, an ordinal, a unit, a
frequency, punctuation) and the first question the validator asks of the text around a
window: does a dose ("10 milligrams", "500 mg", "twice daily") follow it, or a word
linking it to one ("stays at", "works out to")? The second, whether the words around
it say a drug is meant ("take", "started on", "the X was increased"), is
:mod:`uncertain._cues`'.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

__all__ = ["WordClass", "break_words", "classify", "dose_amount", "dose_context", "dose_near",
           "dose_strengths",
           "heard_units", "in_digits", "is_amount_at", "is_dose_start", "is_dosed", "is_gauge",
           "is_number", "is_number_word", "is_strength", "is_strength_unit", "is_unit",
           "link_words", "quantity_words", "split_unit", "strip_punct", "ty_for_teen_dose"]

WordClass = Literal["word", "number", "unit", "frequency", "punct"]

#: the marks at a word's edges: what is no letter or digit (an underscore neither)
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_NOT_WORD = re.compile(r"[^\w]+")
_NUMBER = re.compile(
    r"^[-+]?(\d+([.,]\d+)*|\d*[.,]\d+)(/\d+)?(%|x)?$|^\d+(st|nd|rd|th)$|^[ivxlc]+\.$",
    re.IGNORECASE,
)
_UNITS = frozenset({
    "mg", "mgs", "milligram", "milligrams", "mcg", "µg", "ug", "microgram", "micrograms",
    "g", "gm", "gram", "grams", "kg", "ml", "mls", "milliequivalent", "milliequivalents",
    "milliliter", "milliliters", "millilitre", "millilitres", "l", "cc", "iu", "unit", "units",
    "meq", "mmol", "puff", "puffs", "drop",
    "drops", "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "caps", "patch",
    "patches", "spray", "sprays", "inhalation", "inhalations", "sachet", "sachets", "%",
})
#: the prefixes of units that a recogniser writes apart from the unit, or a writer with a
#: hyphen ("20 milli equivalents", "milli-equivalents", "50 micro grams"): the words are
#: that unit (see split_unit)
_UNIT_PREFIXES = frozenset({"milli", "micro"})
_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "twenty-five", "thirty", "forty", "fifty", "sixty",
    "seventy", "eighty", "ninety", "hundred", "thousand", "half", "a", "an", "point",
})
_ARTICLES = frozenset({"a", "an", "point", "half"})
_FREQUENCIES = frozenset({
    "daily", "nightly", "twice", "bid", "bd", "tid", "tds", "qid", "qds", "qd", "od", "qhs",
    "prn", "qam", "qpm", "q4h", "q6h", "q8h", "q12h", "hourly", "weekly", "bedtime",
})
#: a course's length as a prescription writes it, a count of days, weeks, hours, months
#: or doses after an "x" of times ("x7d", "x10days", "x2wk", "x3doses")
_DURATION = re.compile(
    r"x\d{1,3}(?:d|days?|w|wks?|weeks?|h|hrs?|hours?|mo|mos|months?|doses?)")
_DOSED = re.compile(
    r"^\d+([.,]\d+)?(mg|mgs|mcg|µg|ug|g|gm|ml|iu|units?|meq|mmol|%)$", re.IGNORECASE
)
#: units of a drug's strength: a number before one is a dose, and a dose has a drug
_STRENGTH_UNITS = frozenset({
    "mg", "mgs", "milligram", "milligrams", "mcg", "µg", "ug", "microgram", "micrograms",
    "meq", "milliequivalent", "milliequivalents", "iu"})
_STRENGTH = re.compile(r"^\d+([.,]\d+)?(mg|mgs|mcg|µg|ug|meq|iu)$")
#: ... and one OCR began with a look-alike letter for a digit or a mark ("S500mg")
_MISREAD_STRENGTH = re.compile(r"[OoIlSBZ]\d{2,}(?:[.,]\d+)?(?i:mg|mgs|mcg|µg|ug|meq|iu)")
#: the tens a spoken teen is confused with ("fifteen" and "fifty" differ in one
#: unstressed syllable); a dose is given in these units
_TEEN_TENS = {
    **{str(n): str((n - 10) * 10) for n in range(13, 20)},
    "thirteen": "thirty", "fourteen": "forty", "fifteen": "fifty", "sixteen": "sixty",
    "seventeen": "seventy", "eighteen": "eighty", "nineteen": "ninety",
}
_DOSE_UNITS = _STRENGTH_UNITS | {"unit", "units"}
#: the words speech writes for the small numbers they sound as (see number_for_homophone)
_NUMBER_HOMOPHONES = {"won": "one", "to": "two", "too": "two", "for": "four",
                      "fore": "four", "ate": "eight"}
#: ... before what only a number goes before: a unit of a dose, a count of doses, a
#: multiplier
_UNITS_OR_MULTIPLIERS = _DOSE_UNITS | {"hundred", "thousand"}
_COUNTED = _UNITS_OR_MULTIPLIERS | {"tablet", "tablets", "capsule", "capsules", "puff",
                                    "puffs"}
#: ... of them, the prepositions, and the verbs after which they are as said
_PREPOSITIONS = frozenset({"to", "for"})
_CONVERTING = frozenset({"convert", "converted", "converting", "converts"})
#: words of time: what a dictation says when, never a syllable of a name it misheard
_TIME_WORDS = frozenset({
    "today", "tonight", "yesterday", "tomorrow", "ago", "day", "days", "week", "weeks",
    "weekend", "month", "months", "year", "years", "morning", "mornings", "afternoon",
    "evening", "evenings", "hour", "hours", "minute", "minutes",
})
#: verbs that link a drug to its dose ("X stays at 10 mg", "X remains at 5 mg"): the
#: window before one is as close to the dose as if it came next (see link_words)
_LINKS = frozenset({"stays", "stay", "stayed", "remains", "remain", "remained"})
_LINK_WORDS = _LINKS | {"up", "down", "out"}
#: verbs whose "out to" links a name to its dose ("the X works out to 5 mg")
_OUT_LINKS = frozenset({"works", "work", "worked", "comes", "come", "came"})


#: a needle's or a cannula's gauge as written, a number of 14 to 34 and a capital G
#: ("pen needles 32G 4 mm", "18G IV"): grams are a lower-case g, so among words in lower
#: case it is no dose (a line all in capitals says nothing of it: "CEFTRIAXONE 2G")
_GAUGE = re.compile(r"(?:1[4-9]|2\d|3[0-4])G")


def is_gauge(text: str) -> bool:
    """True for a gauge as written (:data:`_GAUGE`: "32G"); the caller checks that its
    line has lower case."""
    return _GAUGE.fullmatch(text) is not None


def split_unit(prefix: str, rest: str) -> str | None:
    """The unit the words ``prefix`` and ``rest`` (lower-case, stripped) spell when a
    recogniser wrote it in two words ("milli equivalents": "milliequivalents", the mEq
    of "20 milli equivalents"; "micro grams"), else None."""
    if prefix not in _UNIT_PREFIXES:  # (asked of every word: nearly none is a prefix)
        return None
    joined = prefix + rest
    return joined if joined in _UNITS else None


def _unhyphenated(low: str) -> str:
    """A unit written with a hyphen after its prefix ("milli-equivalents") as one word."""
    prefix, hyphen, rest = low.partition("-")
    return prefix + rest if hyphen and prefix in _UNIT_PREFIXES else low


def strip_punct(text: str) -> str:
    """``text`` without leading and trailing punctuation or spaces, underscores among
    them (a scan's ruled line read onto a word: "4mg_" is the dose "4mg")."""
    return _EDGE.sub("", text.strip())


def classify(text: str) -> WordClass:
    """What a (punctuation-stripped) word is: number, unit, frequency, punct or word."""
    if not text:
        return "punct"
    low = text.casefold()
    if _NUMBER.match(low) or _DOSED.match(low):
        return "number"
    letters = sum(c.isalpha() for c in low)
    if letters == 0:
        return "number" if any(c.isdigit() for c in low) else "punct"
    if letters < sum(c.isdigit() for c in low):
        return "number"  # dates, codes, "x10"
    if low[0] == "x" and _DURATION.fullmatch(low):
        return "number"  # "x7d", "x10days": a course's length
    if _unhyphenated(low) in _UNITS or (
            "/" in low and all(part in _UNITS for part in low.split("/"))):
        return "unit"
    if low in _FREQUENCIES:
        return "frequency"
    return "word"


def is_dose_start(texts: list[str], sure: list[bool] | None = None) -> bool:
    """True when the words ``texts`` (lower-case, stripped, the first up to four words
    after a window) open a dose: a number then a unit, a number with its unit attached,
    a unit or a frequency word; of the words, those marked ``sure`` (default: all) are not
    in doubt (see :func:`heard_units`)."""
    return _opens(_roles(texts, [True] * len(texts) if sure is None else sure), 0, len(texts))


# what one word does at the start of a dose (see _dose_role)
_SKIP, _DOSE, _UNIT, _LEAD_UNIT, _STOP = range(5)


@lru_cache(maxsize=1 << 16)
def _dose_role(text: str) -> int:
    """Whether a word opens a dose (a dosed number, a frequency), is a unit (that opens one
    on its own, or after a number), may precede one (a number, or nothing) or ends the
    search."""
    if not text:
        return _SKIP
    text = _unhyphenated(text)
    if _DOSED.match(text) or text in _FREQUENCIES:
        return _DOSE
    if text in _UNITS and text not in {"a", "l", "g"}:
        return _LEAD_UNIT if text in {"mg", "mcg", "milligrams", "milligram", "micrograms"} \
            else _UNIT
    if _NUMBER.match(text) or text in _NUMBER_WORDS:
        return _SKIP
    return _STOP


def _opens(roles: list[int], start: int, end: int) -> bool:
    """:func:`is_dose_start` of the words ``start:end``, given their roles."""
    for i in range(start, end):
        role = roles[i]
        if role == _SKIP:
            continue
        if role == _UNIT:
            return i > start
        return role != _STOP
    return False


def in_digits(text: str) -> bool:
    """True for a word written in digits, whatever its punctuation ("20", "7.5", "40,",
    ".5"); not for a spelled number, an ordinal, a code or a dose with its unit glued on
    ("forty", "2nd", "x10", "400mg": rarer, and wrong more often)."""
    bare = _NOT_WORD.sub("", text)
    return bare.isdigit()


def is_number_word(text: str) -> bool:
    """True for a spelled number ("five", "hundred"); it may still be a misheard syllable
    ("met four min"), so it stays a word."""
    return text in _NUMBER_WORDS and text not in _ARTICLES


_DOSE_DISTANCE = (1.0, 0.5, 0.3)
# what a recogniser writes for "milligrams" or "micrograms" it did not catch: "100 million",
# "7.5 milli -grams", "50 mic"; taken as a unit only after a number and when in doubt
_HEARD_UNIT = re.compile(r"^(milli\w*|mill|mills|millie|milly|mic|mics|mick|micro\w*)$")


def dose_near(texts: list[str], skippable: list[bool]) -> float:
    """How strongly a dose follows a window: 1 when it opens right after it ("sertraline
    50 mg"), less when one or two sure words (``skippable``) come between ("fluticasone
    in each nostril twice daily"), 0 when none is near or the dose is an amount of what
    follows it ("contains 500 mg of caffeine", see :func:`is_amount_at`). Words past
    ``skippable`` count as sure (see :func:`heard_units`)."""
    n = len(texts)
    sure = [*skippable[:n], *[True] * (n - len(skippable))]
    roles = _roles(texts, sure)
    for k, strength in enumerate(_DOSE_DISTANCE):
        if k < n and _opens(roles, k, min(k + 4, n)):
            # "contains 500 mg of the active ingredient": an amount of what follows
            return 0.0 if is_amount_at(texts, sure, k, roles) else strength
        if k >= len(skippable) or not skippable[k]:
            break
    return 0.0


#: units of an amount of a drug, as :func:`dose_amount` reads them, and their milligrams
#: (None: an amount of no weight, "mEq")
_AMOUNT_UNITS: dict[str, float | None] = {
    "mg": 1.0, "mgs": 1.0, "milligram": 1.0, "milligrams": 1.0, "mcg": 0.001, "µg": 0.001,
    "ug": 0.001, "microgram": 0.001, "micrograms": 0.001, "g": 1000.0, "gm": 1000.0,
    "gram": 1000.0, "grams": 1000.0, "meq": None, "milliequivalent": None,
    "milliequivalents": None}
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)([^\W\d_]*)(?:/.*)?$")


def dose_amount(texts: Sequence[str]) -> tuple[float | None, str] | None:
    """The amount the words ``texts`` (lower-case, stripped) open with, a number in digits
    and its unit of weight or its unit glued on ("2 g", "4mg", "1,000 mg", "2 g/hr", "20
    mEq", the unit in two words as a recogniser writes it: "20 milli equivalents"): its
    milligrams (None for milliequivalents) and its unit; None when they open with none. A
    bare "g" after a number counts here, which :func:`is_dose_start` leaves out (a letter
    alone): what a dose is of reads it as grams ("Vanc. 1 g IV")."""
    if not texts:
        return None
    found = _AMOUNT.match(texts[0].replace(",", ""))
    if found is None:
        return None
    at = 0 if found.group(2) else 1  # the word the unit is, or begins
    unit = _unhyphenated(found.group(2) or (texts[1].split("/")[0] if len(texts) > 1 else ""))
    if unit in _UNIT_PREFIXES and at + 1 < len(texts):
        unit = split_unit(unit, texts[at + 1].split("/")[0]) or unit
    if unit not in _AMOUNT_UNITS:
        return None
    per = _AMOUNT_UNITS[unit]
    return (None if per is None else float(found.group(1)) * per), unit


def dose_strengths(texts: list[str], skippable: list[bool]) -> list[float]:
    """:func:`dose_near` after each position of a text: item ``j`` (up to ``len(texts)``)
    is how strongly a dose follows a window ending before word ``j``, for the words
    ``texts`` (lower-case, stripped) of which those marked ``skippable`` are sure. The
    "to" of "increase X to 20 mg" leads to the dose however doubtful it is heard, a sure
    link (:func:`link_words`: "X stays at 10 mg", "titrate X up to 60 mg") as well, and a
    doubted word after a number that begins like "milligrams" or "micrograms" ("100
    million", "50 mic") is taken for that unit, heard amiss."""
    return dose_context(texts, skippable)[0]


def dose_context(texts: list[str], sure: list[bool], stops: Sequence[bool] = (),
                 ends: Sequence[bool] = ()) -> tuple[list[float], list[bool]]:
    """:func:`dose_strengths` and :func:`link_words` of the words ``texts``, of which
    those marked ``sure`` are not in doubt, in one pass; a dose after a word ``stops``
    marks (a label's "Weight:") is not reached over it, and a number and a unit on either
    side of a word ``ends`` marks (a word ending a clause: "Phos 2.1, Mg 1.9") are no
    dose (see :func:`_dose_opens`)."""
    n = len(texts)
    opens = _dose_opens(texts, sure, ends)
    links = link_words(texts, sure, opens)
    out = [0.0] * (n + 1)
    for j in range(n):
        # "increase X to 20 mg": the dose's own "to", doubted or not, passes the dose's
        # context on to the window before it
        if links[j] or (texts[j] == "to" and j + 1 < n and opens[j + 1]):
            out[j] = 1.0
            continue
        for k, strength in enumerate(_DOSE_DISTANCE):
            p = j + k
            if p < n and opens[p]:
                out[j] = strength
                break
            if p >= n or not sure[p] or (stops and stops[p]):
                break
    return out, links


def link_words(texts: list[str], sure: list[bool],
               opens: list[bool] | None = None) -> list[bool]:
    """For each of the words ``texts`` (lower-case, stripped), of which those marked
    ``sure`` are not in doubt: whether it is a sure word linking a name before it to the
    dose after it: "stays", "remains" (and their forms) before the dose or its "at"/"on"
    ("X stays at 10 mg"), "up" or "down" before the dose's "to" ("titrate X up to 60 mg",
    "taper X down to 10 mg"), "works out" (or "comes out") before it ("the X works out to
    5 mg", a dose by weight). A link is no syllable of the name, and passes the dose's
    context on to it; ``opens``: where a dose opens, if known."""
    n = len(texts)
    if opens is None:
        opens = _dose_opens(texts, sure)
    out = [False] * n
    for j, text in enumerate(texts):
        if text not in _LINK_WORDS or not sure[j]:
            continue
        if text in _LINKS:
            out[j] = (j + 1 < n and opens[j + 1]) or (
                j + 2 < n and texts[j + 1] in ("at", "on") and opens[j + 2])
        elif text == "out":  # "works out to"
            if (j > 0 and texts[j - 1] in _OUT_LINKS and sure[j - 1] and j + 2 < n
                    and texts[j + 1] == "to" and opens[j + 2]):
                out[j - 1] = out[j] = True
        else:  # "up", "down"
            out[j] = j + 2 < n and texts[j + 1] == "to" and opens[j + 2]
    return out


#: comparatives whose "than" measures an amount ("no more than 4 grams", "less than 50 mL")
_COMPARATIVES = frozenset({"more", "less", "fewer", "greater", "lower", "higher"})
#: counts whose "times" is a frequency ("four times daily", "several times a day")
_COUNTS = frozenset({"several", "many", "few", "multiple", "two", "three", "four", "five",
                     "six", "seven", "eight", "nine", "ten"})


#: the words that end a phrase of quantity
_QUANTITY_HEADS = frozenset({"than", "times", "time"})


def quantity_words(texts: list[str], sure: list[bool]) -> list[bool]:
    """For each of the words ``texts`` (lower-case, stripped), of which those marked
    ``sure`` are not in doubt: whether it is a sure word of a phrase of quantity, which no
    name's syllables make: a comparison ("more than", "less than") or a frequency ("four
    times", "3 times"). "Cefalexin 500 mg four times daily" is no Fortesta, "no more
    than 4 grams" no morphine."""
    out = [False] * len(texts)
    for j in [j for j, t in enumerate(texts) if t in _QUANTITY_HEADS and j]:
        before = texts[j - 1]
        if not (sure[j] and sure[j - 1]):
            continue
        if ((texts[j] == "than" and before in _COMPARATIVES)
                or (texts[j] != "than" and (before in _COUNTS or before.isdigit()))):
            out[j - 1] = out[j] = True
    return out


def _dose_opens(texts: list[str], sure: list[bool], ends: Sequence[bool] = ()) -> list[bool]:
    """Whether a dose opens at each word (:func:`is_dose_start`), not counting an amount
    of what follows its "of" ("contains 500 mg of the active ingredient"); ``ends``
    (if given) marks the words that end a clause: a dose's unit is in its number's
    clause, so a number ending one opens no dose with the unit after it, and that unit,
    the number's as read, opens none either ("Phos 2.1, Mg 1.9", lab values: no 2.1 mg,
    no dose "mg")."""
    n = len(texts)
    roles = _roles(texts, sure)
    out = [_opens(roles, p, min(p + 4, n)) and not is_amount_at(texts, sure, p, roles)
           for p in range(n)]
    for k in [k for k, end in enumerate(ends[:n - 1]) if end and roles[k] == _SKIP]:
        # (a number, or a word that may precede a dose, ending its clause: the doses
        # opening there or before it, and at the unit after it, read across the mark)
        if roles[k + 1] not in (_UNIT, _LEAD_UNIT) or not texts[k]:
            continue
        out[k + 1] = False
        for p in range(max(0, k - 3), k + 1):
            out[p] = out[p] and _opens(roles, p, k + 1)
    return out


def is_amount_at(texts: list[str], sure: list[bool], start: int,
                 roles: list[int] | None = None) -> bool:
    """True when the quantity opening at ``start`` is an amount *of* something ("500 mg
    of amoxicillin", "2 puffs of albuterol", "95 mg of caffeine"): a dose of that shape
    names what follows its "of", not what comes before it. Of the words ``texts``
    (lower-case, stripped), those marked ``sure`` are not in doubt: a doubted "of" is no
    "of" (a recogniser writes "milligrams of every six hours" for "milligrams every six
    hours"); ``roles``: their dose roles, if known."""
    shift = 0
    if roles is None:
        # the roles of the words around ``start`` alone (of the whole document, 0.1 s a
        # call on a one-line text of 500,000 words, called for each of its 457 sentences
        # of a dose and no drug: 50 s of its 3 minutes):
        # a word's role depends on its neighbours only, the one before a number (a unit
        # heard amiss) and the pair it makes with either (a unit in two words)
        shift = max(0, start - 1)
        roles = _roles(texts[shift:start + 6], sure[shift:start + 6])
    for i in range(start, min(start + 4, len(texts))):
        role = roles[i - shift]
        if role == _SKIP:
            continue
        if role in (_UNIT, _LEAD_UNIT) or (role == _DOSE and _DOSED.match(texts[i])):
            if i + 1 < len(texts) and split_unit(texts[i], texts[i + 1]) is not None:
                i += 1  # "20 milli equivalents of potassium"
            return i + 1 < len(texts) and texts[i + 1] == "of" and sure[i + 1]
        return False
    return False


def _roles(texts: list[str], sure: list[bool]) -> list[int]:
    """Each word's :func:`_dose_role`, a unit heard amiss (:func:`heard_units`) a unit,
    and a unit written in two words (:func:`split_unit`) that unit at its prefix, the rest
    of it skipped."""
    roles = [_UNIT if amiss else _dose_role(text)
             for text, amiss in zip(texts, heard_units(texts, sure), strict=True)]
    for k in range(len(texts) - 1):
        if (joined := split_unit(texts[k], texts[k + 1])) is not None:
            roles[k], roles[k + 1] = _dose_role(joined), _SKIP
    return roles


def heard_units(texts: list[str], sure: list[bool]) -> list[bool]:
    """For each of the words ``texts`` (lower-case, stripped), of which those marked
    ``sure`` are not in doubt: whether it is a strength unit heard amiss, a doubted word
    after a number that begins like "milligrams" or "micrograms" ("100 million", "7.5
    milli", "50 mic")."""
    return [k > 0 and not sure[k] and _HEARD_UNIT.match(text) is not None
            and (_NUMBER.match(texts[k - 1]) is not None or texts[k - 1] in _NUMBER_WORDS)
            for k, text in enumerate(texts)]


def ty_for_teen_dose(text: str, following: str) -> str | None:
    """The tens a dose heard as a teen may have been said as: "40" for "14" before
    "milligrams" (``text`` and the ``following`` word lower-case and stripped), else None.
    Said doses of 30 to 90 far outnumber those of 13 to 19, and a listener (or a
    recogniser) hears the one for the other, so a teen dose heard is as likely the tens."""
    if following not in _DOSE_UNITS:
        return None
    return _TEEN_TENS.get(text)


def number_for_homophone(text: str, following: str, before: str = "") -> str | None:
    """The number a word heard before what a number counts may have been said as: "one"
    for "won" in "won hundred thirty eight", "two" for "to" in "to milligrams", "eight"
    for "ate" in "ate units" (``text``, the ``following`` word and the word ``before`` it
    lower-case and stripped), else None. A unit or a count with no number before it
    lacks one, and these words sound as the small numbers do; "a hundred" and "to 20
    milligrams" are as said. "To" and "for", which English puts before a count as it is
    ("switch from capsules to tablets", "ask for tablets"), count only before a unit of a
    dose or a multiplier, and not after a unit or a verb of converting ("micrograms to
    milligrams", "converted to units")."""
    if following not in _COUNTED:
        return None
    if text in _PREPOSITIONS and (following not in _UNITS_OR_MULTIPLIERS
                                  or before in _DOSE_UNITS or before in _CONVERTING):
        return None
    return _NUMBER_HOMOPHONES.get(text)


def is_strength_unit(text: str) -> bool:
    """True for a unit of a drug's strength (lower-case): "mg", "micrograms", "meq",
    "milli-equivalents"."""
    return _unhyphenated(text) in _STRENGTH_UNITS


def is_strength(text: str) -> bool:
    """True for a strength written as one word (lower-case): "25mg", "0.5mcg"."""
    return _STRENGTH.match(text) is not None


def is_misread_strength(text: str) -> bool:
    """True for a strength written as one word whose first digit OCR read as a look-alike
    letter ("S500mg", "O25mg"): a number, not the unit its letters end with."""
    return _MISREAD_STRENGTH.fullmatch(text) is not None


#: the routes' adverbs: "inject 40 mg subcutaneously once daily" (a route after the dose)
_ROUTE_WORDS = frozenset({
    "orally", "subcutaneously", "intravenously", "intramuscularly", "topically",
    "sublingually", "rectally", "vaginally", "nasally", "intranasally", "transdermally",
    "intradermally", "buccally", "subcut",
})


_BREAK_WORDS = _ROUTE_WORDS | _TIME_WORDS


def break_words() -> frozenset[str]:
    """The words of time ("today", "month", "morning") and the routes' adverbs
    ("orally", "subcutaneously"): no syllables of a name when sure (one set, for the
    sweep's test of every word)."""
    return _BREAK_WORDS


def is_unit(text: str) -> bool:
    """True for a unit of an amount ("mg", "milligrams", "puffs", "tab")."""
    return _unhyphenated(text) in _UNITS


def is_dosed(text: str) -> bool:
    """True for a number written with its unit ("500mg", "10ml", "5%")."""
    return _DOSED.match(text) is not None


def is_number(text: str) -> bool:
    """True for a number in digits ("10", "0.5", "1/2", "3rd")."""
    return _NUMBER.match(text) is not None
