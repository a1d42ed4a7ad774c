"""Word classes and dose context: numbers, units, frequencies and the cues around drug names.

This module owns what a word is besides a word (a number, an ordinal, a unit, a
frequency, punctuation) and the one question the validator asks of the text around a
window: does a dose ("10 milligrams", "500 mg", "twice daily") follow it, or a
prescribing verb ("take", "started on") come before it?
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

__all__ = ["WordClass", "classify", "dislocation_at", "dislocations", "dose_context",
           "dose_near", "dose_strengths", "heard_units", "in_digits", "is_amount_at",
           "is_amount_of", "is_cue", "is_cue_after", "is_cue_word", "is_dose_start",
           "is_number_word", "is_strength", "is_strength_unit", "is_taken_up", "is_time_word",
           "link_words", "strip_punct", "ty_for_teen_dose"]

WordClass = Literal["word", "number", "unit", "frequency", "punct"]

_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
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
_DOSED = re.compile(
    r"^\d+([.,]\d+)?(mg|mgs|mcg|µg|ug|g|gm|ml|iu|units?|meq|mmol|%)$", re.IGNORECASE
)
#: units of a drug's strength: a number before one is a dose, and a dose has a drug
_STRENGTH_UNITS = frozenset({
    "mg", "mgs", "milligram", "milligrams", "mcg", "µg", "ug", "microgram", "micrograms",
    "meq", "milliequivalent", "milliequivalents", "iu"})
_STRENGTH = re.compile(r"^\d+([.,]\d+)?(mg|mgs|mcg|µg|ug|meq|iu)$")
#: the tens a spoken teen is confused with ("fifteen" and "fifty" differ in one
#: unstressed syllable); a dose is given in these units
_TEEN_TENS = {
    **{str(n): str((n - 10) * 10) for n in range(13, 20)},
    "thirteen": "thirty", "fourteen": "forty", "fifteen": "fifty", "sixteen": "sixty",
    "seventeen": "seventy", "eighteen": "eighty", "nineteen": "ninety",
}
_DOSE_UNITS = _STRENGTH_UNITS | {"unit", "units"}
_CUES = frozenset({
    "take", "takes", "taking", "took", "taken", "start", "started", "starting", "prescribe",
    "prescribed", "prescribing", "continue", "continued", "continuing", "stop", "stopped",
    "increase", "increased", "decrease", "decreased", "reduce", "reduced", "dose", "dosage",
    "refill", "rx", "administer", "administered", "give", "given", "switch", "switched",
    "titrate", "titrated", "resume", "resumed", "hold", "held", "discontinue", "discontinued",
    "restart", "restarted", "add", "added", "begin", "began", "use", "using", "apply",
    "medications", "medication", "try", "tried", "trying", "taper", "tapered", "tapering",
    "wean", "weaned", "replace", "replaced", "renew", "renewed", "dispense", "dispensed",
    # the other forms of the same verbs: "we're holding the X", "keep giving X"
    "starts", "prescribes", "continues", "stops", "stopping", "increases",
    "increasing", "decreases", "decreasing", "reduces", "reducing", "giving",
    "switches", "switching", "titrating", "resumes", "resuming", "holds", "holding",
    "discontinuing", "restarting", "uses", "administering", "weaning",
    "replacing", "renewing", "dispensing",
})
_CUE_PHRASES = frozenset({
    ("allergic", "to"), ("allergy", "to"), ("allergies", "to"), ("reacted", "to"),
    ("reaction", "to"), ("intolerant", "to"), ("currently", "on"), ("is", "on"), ("was", "on"),
    ("started", "on"), ("start", "on"), ("switch", "to"), ("switched", "to"),
    ("switch", "from"), ("tolerating", "the"), ("tolerate", "the"), ("tolerated", "the"),
    ("instead", "of"), ("been", "on"), ("prescription", "for"), ("prescriptions", "for"),
    ("refill", "of"), ("refills", "of"), ("course", "of"), ("trial", "of"), ("dose", "of"),
    ("dosage", "of"), ("placed", "on"), ("maintained", "on"),
    # a pharmacy's "this is the generic for X", "a generic of X"
    ("generic", "for"), ("generic", "of"), ("generics", "for"), ("generics", "of"),
})
#: words that say which of a patient's doses a prescribing word governs ("take the last
#: X", "continue home X", "hold her evening X")
_WHICH_DOSE = frozenset({
    "last", "next", "first", "morning", "evening", "night", "nighttime", "bedtime",
    "usual", "regular", "home", "daily", "weekly", "new", "current", "same", "other",
})
#: counts of a patient's pills governed by a prescribing word ("took two of the X")
_PILL_COUNTS = frozenset({"one", "two", "three", "four", "five", "six", "both", "some",
                          "all", "any", "several"})
#: a prescribing verb governs a drug through its object ("started her on X", "put him on
#: X", "took her off X", "switched him to X")
_OBJECT_VERBS = _CUES | {"put", "puts", "putting", "place", "placed", "keep", "kept",
                         "keeping", "maintain", "maintained", "leave", "left", "get", "got"}
_OBJECTS = frozenset({"her", "him", "them", "me", "you", "us"})
_OBJECT_PARTICLES = frozenset({"on", "off", "to"})
#: phrases that govern a drug through a determiner only ("ran out of her X")
_CUE_PHRASES_DET = frozenset({("out", "of")})
#: a prescribing word after the drug it governs, behind an auxiliary ("the X was increased")
_AUXILIARIES = frozenset({"was", "is", "were", "are", "been", "got"})
_AFTER_CUES = frozenset({
    "increased", "decreased", "reduced", "stopped", "started", "discontinued", "held",
    "changed", "restarted", "resumed", "tapered", "switched", "prescribed", "given",
    "continued", "added", "refilled", "titrated", "doubled", "halved", "lowered", "raised",
    "weaned",
})
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
#: words between a prescribing word and the drug it governs ("hold the", "stop her")
_DETERMINERS = frozenset({"the", "his", "her", "their", "your", "my"})


def strip_punct(text: str) -> str:
    """``text`` without leading and trailing punctuation or spaces."""
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
    if low in _UNITS or ("/" in low and all(part in _UNITS for part in low.split("/"))):
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


def dose_strengths(texts: list[str], skippable: list[bool]) -> list[float]:
    """:func:`dose_near` after each position of a text: item ``j`` (up to ``len(texts)``)
    is how strongly a dose follows a window ending before word ``j``, for the words
    ``texts`` (lower-case, stripped) of which those marked ``skippable`` are sure. The
    "to" of "increase X to 20 mg" leads to the dose however doubtful it is heard, a sure
    link (:func:`link_words`: "X stays at 10 mg", "titrate X up to 60 mg") as well, and a
    doubted word after a number that begins like "milligrams" or "micrograms" ("100
    million", "50 mic") is taken for that unit, heard amiss."""
    return dose_context(texts, skippable)[0]


def dose_context(texts: list[str], sure: list[bool]) -> tuple[list[float], list[bool]]:
    """:func:`dose_strengths` and :func:`link_words` of the words ``texts``, of which
    those marked ``sure`` are not in doubt, in one pass."""
    n = len(texts)
    opens = _dose_opens(texts, sure)
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
            if p >= n or not sure[p]:
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


def _dose_opens(texts: list[str], sure: list[bool]) -> list[bool]:
    """Whether a dose opens at each word (:func:`is_dose_start`), not counting an amount
    of what follows its "of" ("contains 500 mg of the active ingredient")."""
    n = len(texts)
    roles = _roles(texts, sure)
    return [_opens(roles, p, min(p + 4, n)) and not is_amount_at(texts, sure, p, roles)
            for p in range(n)]


def is_amount_at(texts: list[str], sure: list[bool], start: int,
                 roles: list[int] | None = None) -> bool:
    """True when the quantity opening at ``start`` is an amount *of* something ("500 mg
    of amoxicillin", "2 puffs of albuterol", "95 mg of caffeine"): a dose of that shape
    names what follows its "of", not what comes before it. Of the words ``texts``
    (lower-case, stripped), those marked ``sure`` are not in doubt: a doubted "of" is no
    "of" (a recogniser writes "milligrams of every six hours" for "milligrams every six
    hours"); ``roles``: their dose roles, if known."""
    if roles is None:
        roles = _roles(texts, sure)
    for i in range(start, min(start + 4, len(texts))):
        role = roles[i]
        if role == _SKIP:
            continue
        if role in (_UNIT, _LEAD_UNIT) or (role == _DOSE and _DOSED.match(texts[i])):
            return i + 1 < len(texts) and texts[i + 1] == "of" and sure[i + 1]
        return False
    return False


def _roles(texts: list[str], sure: list[bool]) -> list[int]:
    """Each word's :func:`_dose_role`, a unit heard amiss (:func:`heard_units`) a unit."""
    return [_UNIT if amiss else _dose_role(text)
            for text, amiss in zip(texts, heard_units(texts, sure), strict=True)]


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


def is_strength_unit(text: str) -> bool:
    """True for a unit of a drug's strength (lower-case): "mg", "micrograms", "meq"."""
    return text in _STRENGTH_UNITS


def is_strength(text: str) -> bool:
    """True for a strength written as one word (lower-case): "25mg", "0.5mcg"."""
    return _STRENGTH.match(text) is not None


def is_time_word(text: str) -> bool:
    """True for a word of time ("today", "month", "morning")."""
    return text in _TIME_WORDS


def is_cue_word(text: str) -> bool:
    """True for a prescribing word ("take", "continue") on its own."""
    return text in _CUES


def is_cue(before: list[str], last_sure: bool = True) -> bool:
    """True when the words ``before`` a window (lower-case, nearest last; four are
    read) end with a prescribing word ("take", "started", "try"), one and a determiner
    ("hold the", "stop her"), either and a word saying which dose ("continue home", "take
    the last"), a phrase ("allergic to", "currently on", "instead of", "been on", "a
    prescription for", "the generic for"), one of the phrases that need a determiner and
    that determiner ("ran out of her"), a prescribing verb and its object ("started her
    on", "took him off", "switched him to"), a count of pills a prescribing word governs
    ("took two of the"), or an amount's "of" (:func:`is_amount_of`)."""
    if not before:
        return False
    if before[-1] in _CUES:
        return True
    if before[-1] in _WHICH_DOSE and len(before) >= 2 and (before[-2] in _CUES or (
            len(before) >= 3 and before[-2] in _DETERMINERS and before[-3] in _CUES)):
        return True
    if (len(before) >= 4 and before[-1] in _DETERMINERS and before[-2] == "of"
            and (before[-3] in _PILL_COUNTS or before[-3].isdigit())
            and before[-4] in _CUES):
        return True
    if len(before) >= 3 and before[-1] in _DETERMINERS and (
            (before[-3], before[-2]) in _CUE_PHRASES_DET):
        return True
    if (len(before) >= 3 and before[-1] in _OBJECT_PARTICLES and before[-2] in _OBJECTS
            and before[-3] in _OBJECT_VERBS):
        return True
    return (len(before) >= 2 and ((before[-2], before[-1]) in _CUE_PHRASES or (
        before[-1] in _DETERMINERS and before[-2] in _CUES))) or is_amount_of(before, last_sure)


def is_cue_after(after: list[str]) -> bool:
    """True when the words ``after`` a window (lower-case, nearest first) say what was
    done with it: "was increased", "has been stopped", "were held"."""
    k = 1 if after[:1] in (["has"], ["have"], ["had"]) else 0
    return (len(after) >= k + 2 and after[k] in _AUXILIARIES
            and after[k + 1] in _AFTER_CUES)


#: what a dictation says after a name it has put first, and before its dose ("the
#: lisinopril, we will keep that at 10 mg"): a subject, a modal, a verb and a pronoun
_DISLOCATION_SUBJECTS = frozenset({"we", "i", "we'll", "i'll", "let's", "you", "you'll"})
_DISLOCATION_MODALS = frozenset({"will", "can", "should", "shall", "would", "may"})
_DISLOCATION_VERBS = frozenset({
    "keep", "continue", "increase", "decrease", "hold", "restart", "resume", "reduce",
    "titrate", "taper", "leave", "cut", "bump", "drop", "lower", "raise", "change", "put",
})
_DISLOCATION_PRONOUNS = frozenset({"that", "it", "this", "them"})
#: verbs that take a name up again through an amount of it ("[the X,] I take 80 mg of it")
_AMOUNT_VERBS = frozenset({"take", "takes", "took", "use", "uses", "used", "get", "gets",
                           "give", "gives", "need", "needs"})
#: what an amount's "of" takes up again rather than names ("80 milligrams of it")
_TAKEN_UP = frozenset({"it", "them"})
#: what a name's pack says of its dose ("[the X,] the box says 60 mg")
_PACKS = frozenset({"box", "bottle", "label", "pack", "packet", "package", "carton", "tube",
                    "vial", "sticker", "prescription", "script"})
_PACK_SAYS = frozenset({"says", "said", "reads", "read", "shows", "showed"})
#: how a pill looks, in words that describe the pill a name was said for ("[the X,] the
#: little white one"): at least one colour or shape is needed
_PILL_SIZES = frozenset({"little", "small", "tiny", "big", "large", "long"})
_PILL_LOOKS = frozenset({
    "white", "blue", "pink", "yellow", "orange", "green", "red", "purple", "brown", "peach",
    "tan", "gray", "grey", "beige", "round", "oval", "oblong", "chalky", "chewable",
    "striped", "flat", "square", "scored"})
_PILLS = frozenset({"one", "ones", "pill", "pills", "tablet", "tablets", "tab", "tabs",
                    "capsule", "capsules", "caplet", "caplets"})
_PILL_OPENERS = frozenset({"the", "a", "that", "this"})
_DISLOCATION_OPENERS = (_DISLOCATION_SUBJECTS | _DISLOCATION_VERBS | _AMOUNT_VERBS
                        | _DETERMINERS | _PILL_OPENERS)
#: words read after a window for a dislocation
_DISLOCATION_READ = 7


def dislocations(texts: list[str], dose_at: list[float]) -> list[int]:
    """:func:`dislocation_at` after each position of the words ``texts`` (lower-case,
    stripped), whose :func:`dose_strengths` are ``dose_at``: item ``j`` (up to
    ``len(texts)``) is how many words from ``j`` take up again the name before them."""
    out = [0] * (len(texts) + 1)
    for j, text in enumerate(texts):
        if text in _DISLOCATION_OPENERS:
            out[j] = dislocation_at(texts[j:j + _DISLOCATION_READ],
                                    dose_at[j:j + _DISLOCATION_READ + 1])
    return out


def dislocation_at(after: list[str], dose_at: list[float]) -> int:
    """How many of the words ``after`` a window (lower-case, stripped, nearest first; seven
    are read) take it up again to give its dose, 0 if they do not: "[X,] we will keep that
    at 25 mg" (4), "I'll increase it to 20 mg" (3), "keep that at 10 mg" (2); ``dose_at``:
    :func:`dose_strengths` at each of those positions (one more than the words), of which
    the word after the pronoun must open a dose, or its "at", "to" or "on" do. A name is
    also taken up again through an amount of it: "[the X,] I take 80 milligrams of it"
    (6), "use 2 puffs of them" (5), by what its pack says of its dose ("[X,] the box says
    60 mg", 3) and by how its pill looks ("[X,] the little white one", 4)."""
    if after[:1] and after[0] in _PILL_OPENERS | _DETERMINERS:
        return _pack_or_pill(after, dose_at)
    k = 0
    if after[k:k + 1] and after[k] in _DISLOCATION_SUBJECTS:
        k += 1
        if after[k:k + 1] and after[k] in _DISLOCATION_MODALS:
            k += 1
    if after[k:k + 1] and after[k] in _AMOUNT_VERBS:
        return _amount_of_it(after, k + 1)
    if not (len(after) >= k + 2 and after[k] in _DISLOCATION_VERBS
            and after[k + 1] in _DISLOCATION_PRONOUNS):
        return 0
    return k + 2 if k + 2 < len(dose_at) and dose_at[k + 2] >= 0.5 else 0


def _pack_or_pill(after: list[str], dose_at: list[float]) -> int:
    """How many of the words ``after`` a window, opening on a determiner, say what its
    pack says of its dose ("the box says 60 mg": 3) or how its pill looks ("the little
    white one": 4, "a blue pill": 3), 0 if they do not."""
    if (len(after) >= 3 and after[0] in _DETERMINERS and after[1] in _PACKS
            and after[2] in _PACK_SAYS):
        return 3 if len(dose_at) > 3 and dose_at[3] >= 0.5 else 0
    if after[0] not in _PILL_OPENERS:
        return 0
    k = 1
    while k < len(after) and after[k] in _PILL_SIZES:
        k += 1
    looks = k
    while k < len(after) and after[k] in _PILL_LOOKS:
        k += 1
    return k + 1 if k > looks and k < len(after) and after[k] in _PILLS else 0


def _amount_of_it(words: list[str], start: int) -> int:
    """The end of an amount of a name taken up again opening at ``start`` ("80 mg of it",
    "80mg of them", "two puffs of it"), 0 if none opens there."""
    k = start
    if k < len(words) and _DOSED.match(words[k]):
        k += 1
    else:
        while k < len(words) and (_NUMBER.match(words[k]) or is_number_word(words[k])):
            k += 1
        if k == start or k >= len(words) or words[k] not in _UNITS:
            return 0
        k += 1
    return k + 2 if len(words) > k + 1 and words[k] == "of" and words[k + 1] in _TAKEN_UP else 0


def is_taken_up(word: str, before: list[str], last_sure: bool = True) -> bool:
    """True when ``word`` after the words ``before`` (lower-case, nearest last) is a
    pronoun an amount's "of" takes a name up with ("80 mg of it"): no name's slot."""
    return word in _TAKEN_UP and is_amount_of(before, last_sure)


def is_amount_of(before: list[str], last_sure: bool = True) -> bool:
    """True when the words ``before`` a window (lower-case, nearest last) end with an
    amount and its "of" ("500 mg of", "two puffs of", "half a tab of the"), unless that
    "of" is in doubt (not ``last_sure``: see :func:`is_amount_at`)."""
    if len(before) >= 3 and before[-1] in _DETERMINERS and before[-2] == "of":
        before = before[:-1]
    return (len(before) >= 2 and before[-1] == "of" and last_sure
            and (before[-2] in _UNITS or _DOSED.match(before[-2]) is not None))
