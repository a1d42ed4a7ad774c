"""Words whose misrecognition flips a clinical instruction, and what they flip into.

"Stop ibuprofen" heard as "Start ibuprofen" is one word wrong and the whole instruction
reversed; nothing about it looks doubtful to a reader, nor to the validator, which
compares doubtful words with drug names. The words that can do this are a small closed
class, and it is closed for a reason: an instruction to a clinician says what to do
with a drug (start or stop it, increase or decrease it, continue or discontinue it),
when (before or after a meal), how (with or without food), or which of a pair of
opposite conditions holds (hyper- or hypo-: "hypoglycaemia" and "hyperglycaemia" call
for opposite treatments); and a dose's teen is one unstressed syllable from its tens
("fifteen", "fifty"). Each such word has a counterpart that English speakers, and a
recogniser, hear for it, and that says the opposite. Words without a sound-alike
counterpart ("hold" for "give") are left out: the audio cannot tell them apart from
the word heard, since the recogniser would not have mistaken one for the other.

:func:`counterparts` gives, for a word as heard ("Start", "ibuprofen." is not one,
"15," is), the words it may have been, written as the word is (its case and its
punctuation), for the acoustic pass (:mod:`uncertain.rescore`) to score against the audio.
:func:`teen_or_tens` tells the pairs a recogniser confuses often from the others: a teen
and its tens differ in the ending of one unstressed syllable, while the opposites differ
in a stressed vowel, an onset or a whole syllable ("stop"/"start", "increase"/
"decrease", "continue"/"discontinue"); on the dev split of nine dev sets tiny.en wrote
the counterpart for 11 of 75 numbers of the class and for none of 220 other words.
"""

from __future__ import annotations

import re

__all__ = ["counterparts", "teen_or_tens"]

#: opposite instructions that sound alike, each word's inflections in the same order
_OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("start", "starts", "started", "starting"), ("stop", "stops", "stopped", "stopping")),
    (("increase", "increases", "increased", "increasing"),
     ("decrease", "decreases", "decreased", "decreasing")),
    (("continue", "continues", "continued", "continuing"),
     ("discontinue", "discontinues", "discontinued", "discontinuing")),
    (("before",), ("after",)),
    (("with",), ("without",)),
)
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _pairs() -> dict[str, str]:
    out: dict[str, str] = {}
    for ones, others in _OPPOSITES:
        for a, b in zip(ones, others, strict=True):
            out[a], out[b] = b, a
    for n, (teen, ten) in enumerate(zip(_TEENS, _TENS, strict=True), start=3):
        out[teen], out[ten] = ten, teen
        out[str(n + 10)], out[str(n * 10)] = str(n * 10), str(n + 10)
    return out


_COUNTERPART = _pairs()
#: a word's letters or digits between the marks around it ("(15", "Start,", "-15")
_CORE = re.compile(r"^(\W*)([A-Za-z]+|\d+)(\W*)$")
#: hyper- and hypo- before a condition (hyperkalemia, hypotension), not "hypothesis"
_PREFIXED = re.compile(r"^(hyper|hypo)([a-z]{5,})$")
_CONDITION_ENDS = ("emia", "tension", "thyroidism", "thermia")


def counterparts(text: str) -> list[str]:
    """The words a heard word of the class may have been said as, written as it is heard
    ("Start," -> ["Stop,"]; "15" -> ["50"]; "hypokalemia" -> ["hyperkalemia"]), or []."""
    found = _CORE.match(text)
    if found is None:
        return []
    lead, core, tail = found.groups()
    key = core.lower()
    other = _COUNTERPART.get(key)
    if other is None:
        prefixed = _PREFIXED.match(key)
        if prefixed is None or not prefixed.group(2).endswith(_CONDITION_ENDS):
            return []
        other = ("hypo" if prefixed.group(1) == "hyper" else "hyper") + prefixed.group(2)
    if core[:1].isupper():
        other = other.upper() if core.isupper() and len(core) > 1 else other.capitalize()
    return [lead + other + tail]


def teen_or_tens(text: str) -> bool:
    """Whether ``text`` is a teen or its tens ("15", "Fifty,"): of the words of the class,
    the ones whose counterpart differs only in an unstressed syllable's ending."""
    found = _CORE.match(text)
    if found is None:
        return False
    key = found.group(2).lower()
    return key in _TEENS or key in _TENS or (
        key.isdigit() and key in _COUNTERPART and _COUNTERPART[key].isdigit())
