"""Cues around drug names: the words that say a drug is meant where a name was misheard.

This module owns the second question the validator asks of the text around a window
(the first, whether a dose follows it, is :mod:`uncertain._context`'s): does a
prescribing word or phrase come before it ("take", "hold the", "allergic to", "the
generic for", "took two of the"), a prescribing phrase after it ("the X was
increased"), or words that take it up again for its dose or its looks ("[the X,] we will
keep that at 25 mg", "[X,] the box says 60 mg", "[X,] the little white one")?
"""

from __future__ import annotations

from uncertain._context import is_dosed, is_number, is_number_word, is_unit

__all__ = ["coordinated_after", "dislocation_at", "dislocations", "is_amount_of", "is_cue",
           "is_cue_after", "is_cue_word", "is_taken_up"]

#: prescribing words: the word after one (or after it and a determiner) is a drug's slot
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
    # a pharmacy's verb: "they can't fill my X", "did the pharmacy ever fill the X"
    "fill", "fills", "filled", "filling",
    # the route's verbs: "Inject 40 mg", "inhale two puffs of X", "instil one drop"
    "inject", "injects", "injected", "injecting", "inhale", "inhales", "inhaled", "inhaling",
    "instil", "instill", "instils", "instills", "instilled", "infuse", "infused", "infusing",
})
_CUE_PHRASES = frozenset({
    ("allergic", "to"), ("allergy", "to"), ("allergies", "to"), ("reacted", "to"),
    ("reaction", "to"), ("intolerant", "to"), ("currently", "on"), ("is", "on"), ("was", "on"),
    ("started", "on"), ("start", "on"), ("switch", "to"), ("switched", "to"),
    ("switch", "from"), ("tolerating", "the"), ("tolerate", "the"), ("tolerated", "the"),
    ("instead", "of"), ("been", "on"), ("prescription", "for"), ("prescriptions", "for"),
    ("refill", "of"), ("refills", "of"), ("course", "of"), ("trial", "of"), ("dose", "of"),
    ("dosage", "of"), ("placed", "on"), ("maintained", "on"),
    # "missed two doses of X", "she is no longer on X", "allergies include X"
    ("doses", "of"), ("longer", "on"), ("allergies", "include"), ("allergies", "including"),
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
#: phrases that govern a drug through a determiner only ("ran out of her X"), and those
#: of a dose or a prescription that govern it through one too ("a double dose of the X",
#: "a refill of her X", "a prescription for his X")
_CUE_PHRASES_DET = frozenset({("out", "of")}) | {
    (noun, particle) for noun, particle in _CUE_PHRASES
    if noun in ("dose", "doses", "dosage", "refill", "refills", "course", "trial",
                "prescription", "prescriptions")}
#: a prescribing word after the drug it governs, behind an auxiliary ("the X was increased")
_AUXILIARIES = frozenset({"was", "is", "were", "are", "been", "got"})
_AFTER_CUES = frozenset({
    "increased", "decreased", "reduced", "stopped", "started", "discontinued", "held",
    "changed", "restarted", "resumed", "tapered", "switched", "prescribed", "given",
    "continued", "added", "refilled", "titrated", "doubled", "halved", "lowered", "raised",
    "weaned",
})
#: words between a prescribing word and the drug it governs ("hold the", "stop her")
_DETERMINERS = frozenset({"the", "his", "her", "their", "your", "my"})


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
    ("took two of the"), or an amount's "of" (:func:`is_amount_of`). ``last_sure``: the
    recogniser is sure of the last word before the window (a doubted "of" or "home" may
    be part of what was misheard)."""
    if not before:
        return False
    if before[-1] in _CUES:
        return True
    # a word saying which dose counts when the recogniser is sure of it: a doubted
    # "home" may be a syllable of the name ("taking home for an old": omeprazole)
    if last_sure and before[-1] in _WHICH_DOSE and len(before) >= 2 and (before[-2] in _CUES or (
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


#: the conjunctions joining the members of a list ("both X and Y were held", "X or Y")
_COORDINATORS = frozenset({"and", "or"})
#: a word ending so ends its sentence: an "and" after it opens the next
_SENTENCE_ENDS = (".", "?", "!")


def coordinated_after(texts: list[str], sure: list[bool], marks: list[bool],
                      cue_after: list[bool], longest: int) -> list[bool]:
    """``cue_after`` (item ``j``: a prescribing phrase follows a window ending before word
    ``j``; one more item than the words ``texts``, lower-case) with what is said after a
    list's last member said of each member before it: a window ending before a sure
    "and" or "or" (``sure``: in speech the sweep counts one heard above the
    low-confidence line), a determiner after it or not, whose next member, of at most
    ``longest`` words with no clause's end written inside (``marks``), is followed by a
    prescribing phrase: "both Restoril and bisoprolol were held", "both the X and the Y were
    given". Read from the end, so each member of "X and Y and Z were held" is reached.
    A comma alone joins no members here: the recogniser writes commas inside misheard
    names too."""
    out = list(cue_after)
    n = len(texts)
    for j in range(n - 2, -1, -1):
        if (out[j] or texts[j] not in _COORDINATORS or not sure[j] or marks[j]
                or (j > 0 and texts[j - 1].endswith(_SENTENCE_ENDS))):
            continue
        k = j + 1 + (texts[j + 1] in _DETERMINERS)
        for m in range(k + 1, min(n, k + longest) + 1):
            if marks[m - 2] and m - 2 > j:
                break  # (the member's words end a clause before m)
            if out[m]:
                out[j] = True
                break
    return out


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
#: the words opening what its pack says or how its pill looks ("the box says", "a blue pill")
_PACK_OR_PILL_OPENERS = _DETERMINERS | _PILL_OPENERS
_PACK_OR_PILL_NEXT = _PACKS | _PILL_SIZES | _PILL_LOOKS
_DISLOCATION_OPENERS = (_DISLOCATION_SUBJECTS | _DISLOCATION_VERBS | _AMOUNT_VERBS
                        | _PACK_OR_PILL_OPENERS)
#: words read after a window for a dislocation
_DISLOCATION_READ = 7


def dislocations(texts: list[str], dose_at: list[float]) -> list[int]:
    """:func:`dislocation_at` after each position of the words ``texts`` (lower-case,
    stripped), whose :func:`dose_strengths` are ``dose_at``: item ``j`` (up to
    ``len(texts)``) is how many words from ``j`` take up again the name before them."""
    out = [0] * (len(texts) + 1)
    last = len(texts) - 1
    for j, text in enumerate(texts):
        if text not in _DISLOCATION_OPENERS:
            continue
        # the determiners and articles are many: read on only before a pack or a look
        if text in _PACK_OR_PILL_OPENERS and (j == last or texts[j + 1] not in _PACK_OR_PILL_NEXT):
            continue
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
    if after[:1] and after[0] in _PACK_OR_PILL_OPENERS:
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
    """How many of the words ``after`` a window, opening on a determiner or an article
    (:func:`dislocations` calls it only before a pack, a size, a colour or a shape), say
    what its pack says of its dose ("the box says 60 mg": 3) or how its pill looks ("the
    little white one": 4, "a blue pill": 3), 0 if they do not."""
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
    if k < len(words) and is_dosed(words[k]):
        k += 1
    else:
        while k < len(words) and (is_number(words[k]) or is_number_word(words[k])):
            k += 1
        if k == start or k >= len(words) or not is_unit(words[k]):
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
    "of" is in doubt (not ``last_sure``: see :func:`uncertain._context.is_amount_at`)."""
    if len(before) >= 3 and before[-1] in _DETERMINERS and before[-2] == "of":
        before = before[:-1]
    return (len(before) >= 2 and before[-1] == "of" and last_sure
            and (is_unit(before[-2]) or is_dosed(before[-2])))
