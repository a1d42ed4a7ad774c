"""Phones: how words are said, for matching what a recogniser wrote with what was said.

This module owns the pronunciation of words. A word's phones (IPA, stress removed) come
from the English pronouncing lexicon of gruut's data package ``gruut_lang_en`` (about
125,000 words, derived from CMUdict) or, for a word it lacks (a drug name, a
recogniser's made-up spelling), from that package's letter-to-sound model (a CRF run by
python-crfsuite). :func:`phone_classes` folds the phones of a run of words into coarse
classes, one letter each: ``V`` for every vowel (a recogniser keeps the syllables of a
name far better than its vowels), and one letter per group of consonants recognisers
confuse (p/b, t/d, k/g, f/v, s/z/sh/th, m/n/ng). "farmer to" reads ``FVRNVRTV`` and
famotidine ``FVNVTVTVN``; the Metaphone keys of the letters (:mod:`uncertain._phonetic`)
drop the vowels and read "farmer to" as English spelling rules do not say it.

The data are read on first use (a fraction of a second) and shared by threads. The words of the
shipped drug lexicon that the pronouncing lexicon lacks have their model phones shipped
beside it (``lexicons/phones.txt``, made by ``lexicons/build_phones.py``), so building
the validator's index runs the model only on the terms of a user's own lexicons.
"""

from __future__ import annotations

import base64
import re
import sqlite3
import threading
import unicodedata
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["NUMBER_WORDS", "PHONES_FILE", "known_phone_classes", "model_phones", "phone_classes",
           "phones", "said_words", "spoken_number", "word_phones"]

#: the shipped phones of lexicon words the pronouncing lexicon lacks (in the lexicon dir)
PHONES_FILE = "phones.txt"

_VOWELS = frozenset("ə ɚ ɝ ɪ i ɛ æ ɑ ɔ ʊ u ʌ e o a ɐ ɜ ɒ ɨ".split())
#: consonant -> class: the voicing pairs and the sibilants recognisers confuse
_CLASSES = {
    "p": "P", "b": "P", "f": "F", "v": "F", "t": "T", "d": "T", "ɾ": "T",
    "k": "K", "g": "K", "ɡ": "K", "s": "S", "z": "S", "ʃ": "S", "ʒ": "S", "θ": "S",
    "ð": "S", "t͡ʃ": "C", "d͡ʒ": "C", "tʃ": "C", "dʒ": "C", "m": "N", "n": "N",
    "ŋ": "N", "l": "L", "ɹ": "R", "r": "R", "w": "W", "j": "J", "h": "H",
}
_TOKEN = re.compile(r"[a-z']+|\d+")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
#: the words numbers are said in (:func:`spoken_number`)
NUMBER_WORDS = frozenset([*_ONES, *_TENS[2:], "hundred", "thousand"])
_lock = threading.Lock()
_data: tuple[dict[str, str], dict[str, str], Any] | None = None


def _load() -> tuple[dict[str, str], dict[str, str], Any]:
    """The pronouncing lexicon and the shipped phones (word -> phones, space-separated),
    and the letter-to-sound tagger."""
    global _data
    with _lock:
        if _data is None:
            import gruut_lang_en
            import pycrfsuite

            from uncertain._assets import lexicon_dir
            from uncertain._index_cache import cached_phones

            root = Path(gruut_lang_en.get_lang_dir())
            lexicon = cached_phones(root / "lexicon.db", lambda: _pronouncing(root))
            shipped: dict[str, str] = {}
            path = lexicon_dir() / PHONES_FILE
            if path.is_file():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line and not line.startswith("#"):
                        word, _, said = line.partition("\t")
                        shipped[word] = said
            tagger = pycrfsuite.Tagger()
            tagger.open(str(root / "g2p" / "model.crf"))
            _data = (lexicon, shipped, tagger)
        return _data


def _pronouncing(root: Path) -> dict[str, str]:
    """The pronouncing lexicon of gruut's data folder ``root``: each word's first
    pronunciation (0.2 s of CPU; kept by :func:`uncertain._index_cache.cached_phones`)."""
    lexicon: dict[str, str] = {}
    with closing(sqlite3.connect(f"file:{root / 'lexicon.db'}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT word, phonemes FROM word_phonemes ORDER BY word, pron_order")
        for word, said in rows:
            lexicon.setdefault(word, said)
    return lexicon


def _code(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def _features(word: str) -> list[dict[str, Any]]:
    """The letter-to-sound model's input: per letter, the letter and three letters either
    side, as the model was trained (gruut's ``GraphemesToPhonemes.grapheme2features``)."""
    out = []
    for i, letter in enumerate(word):
        f: dict[str, Any] = {"bias": 1.0, "grapheme": _code(letter)}
        if i == 0:
            f["begin"] = True
        for j in range(1, 4):
            if i >= j:
                f[f"grapheme-{j}"] = _code(word[i - j])
            if i < len(word) - j:
                f[f"grapheme+{j}"] = _code(word[i + j])
        if i == len(word) - 1:
            f["end"] = True
        out.append(f)
    return out


def model_phones(word: str) -> tuple[str, ...]:
    """The letter-to-sound model's phones for one lower-case ``word`` (stress kept)."""
    tagger = _load()[2]
    with _lock:  # a crfsuite tagger is not safe to share between threads
        tags = tagger.tag(_features(word))
    return tuple(p for tag in tags for p in base64.b64decode(tag).decode().split("|")
                 if p != "_")


def word_phones(word: str) -> tuple[str, ...]:
    """The phones of one lower-case ``word``, stress marks removed: from the pronouncing
    lexicon, the shipped phones, or the letter-to-sound model, in that order."""
    lexicon, shipped, _ = _load()
    said = lexicon.get(word) or shipped.get(word)
    raw = said.split() if said is not None else model_phones(word)
    return tuple(q for p in raw if (q := p.replace("ˈ", "").replace("ˌ", "")))


@lru_cache(maxsize=1 << 16)
def _word_classes(word: str) -> str:
    # cached as one short ASCII string a word, not as its phones (many small objects)
    out = []
    for p in word_phones(word):
        if p in ("ɚ", "ɝ"):
            out.append("VR")  # an r-coloured vowel is a vowel and an r
        elif p[:1] in _VOWELS:
            out.append("V")
        else:
            out.append(_CLASSES.get(p, "?"))
    return "".join(out)


def spoken_number(digits: str) -> list[str]:
    """The words an English speaker says for a run of ``digits``: up to 9999 as a number
    ("25": twenty five; a recogniser writes "Rip 10" for the "-triptan" it heard), longer
    runs digit by digit."""
    n = int(digits)
    if len(digits) > 4 or (digits[0] == "0" and len(digits) > 1):
        return [_ONES[int(d)] for d in digits]
    out: list[str] = []
    if n >= 1000:
        out += [_ONES[n // 1000], "thousand"]
        n %= 1000
    if n >= 100:
        out += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        out.append(_TENS[n // 10])
        n %= 10
        if n:
            out.append(_ONES[n])
    elif n or not out:
        out.append(_ONES[n])
    return out


def _words(text: str) -> list[str]:
    """The words said for ``text``: runs of letters and apostrophes (case and accents
    ignored), and numbers as they are said; punctuation is not said."""
    words: list[str] = []
    plain = unicodedata.normalize("NFKD", text.casefold())  # "Méttorrtin": mettorrtin
    for token in _TOKEN.findall("".join(c for c in plain if not unicodedata.combining(c))):
        words += spoken_number(token) if token[0].isdigit() else [token]
    return words


#: a thousands' comma, which is not said ("2,500": two thousand five hundred)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def said_words(text: str) -> list[str]:
    """The words an English speaker says for ``text``: its words in lower case without
    punctuation, and its numbers as they are said ("500 mg": five hundred mg; "2,500":
    two thousand five hundred; "twenty-five": twenty five)."""
    return _words(_THOUSANDS.sub("", text))


def phones(text: str) -> tuple[str, ...]:
    """The phones of the words said for ``text`` (see :func:`phone_classes`)."""
    return tuple(p for w in _words(text) for p in word_phones(w))


def known_phone_classes(text: str) -> str | None:
    """:func:`phone_classes` of ``text`` when every word said for it has its phones
    listed (the pronouncing lexicon or the shipped phones), else None: no letter-to-sound
    model is run (about 1 ms a word)."""
    lexicon, shipped, _ = _data or _load()  # (no lock once loaded: one call a term)
    words = _words(text)
    for w in words:
        if w not in lexicon and w not in shipped:
            return None
    return "".join([_word_classes(w) for w in words])


@lru_cache(maxsize=1 << 16)
def phone_classes(text: str) -> str:
    """The sound classes of the phones of ``text``, one letter each (``V`` for a vowel;
    an r-coloured vowel is ``VR``): the words of ``text`` are its runs of letters and
    apostrophes (case ignored) and its numbers, as they are said; punctuation is not
    said."""
    return "".join(_word_classes(w) for w in _words(text))
