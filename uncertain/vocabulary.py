"""Clinical words the validator takes as known: a hunspell medical dictionary, when installed.

wordfreq knows everyday English; a clinical note is full of words it has never seen
("foraminal", "hypokinesis", "ambulated", "nonproliferative"), which the validator would
read as out of vocabulary and flag near the drug names they resemble ("foraminal":
Fiorinal). A hunspell dictionary of medical terms names them. None is shipped: the open
ones are GPL (Debian's ``hunspell-en-med``, OpenMedSpel and MTH-Med-Spel-Chek merged,
90,000 terms), so the one installed on the system is read, with its affix rules, and
``make`` installs it on Debian and Ubuntu.

Where it is looked for: ``$UNCERTAIN_CLINICAL_DICT`` (a ``.dic`` file; ``none`` turns
the vocabulary off), else :data:`SEARCH_PATHS`. The affix file is the ``.aff`` of the same
name beside it, else ``en_US.aff`` there (the medical dictionaries are written as
additions to the English one). A word the vocabulary holds counts as a word English
knows but seldom uses (``uncertain._words.KNOWN_ZIPF``), so it is not out of vocabulary;
a word of it heard in doubt is still doubtful, and the lexicons' terms are unaffected.
Each validation records the file it read (``Validation.vocabulary``).
"""

from __future__ import annotations

import bisect
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from uncertain._assets import built_once
from uncertain.errors import LexiconError

__all__ = ["ENV", "SEARCH_PATHS", "Vocabulary", "clinical_vocabulary", "read_hunspell"]

logger = logging.getLogger("uncertain")

#: the environment variable naming the dictionary (``none``: no clinical vocabulary)
ENV = "UNCERTAIN_CLINICAL_DICT"
#: where the medical dictionary is looked for when ``$UNCERTAIN_CLINICAL_DICT`` is unset
#: (Debian and Ubuntu's ``hunspell-en-med``, then the usual other places)
SEARCH_PATHS = (
    "/usr/share/hunspell/en_med_glut.dic",
    "/usr/share/myspell/dicts/en_med_glut.dic",
    "/usr/local/share/hunspell/en_med_glut.dic",
    "/opt/homebrew/share/hunspell/en_med_glut.dic",
)
_OFF = frozenset({"", "none", "off", "0"})


@dataclass(frozen=True)
class Vocabulary:
    """Words known by a dictionary, case-folded; ``path`` is the file they came from."""

    path: str | None = None
    words: frozenset[str] = field(default_factory=frozenset)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.casefold() in self.words

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.words)

    def begins(self, head: str, *, extra: int) -> bool:
        """Whether a word of the vocabulary begins with ``head`` (case-folded) and is at
        least ``extra`` letters longer: "serosang", serosanguineous."""
        head = head.casefold()
        words = self._sorted
        k = bisect.bisect_left(words, head)
        while k < len(words) and words[k].startswith(head):
            if len(words[k]) >= len(head) + extra:
                return True
            k += 1
        return False


@dataclass(frozen=True)
class _Affix:
    prefix: bool
    strip: str
    add: str
    condition: re.Pattern[str]

    def apply(self, word: str) -> str | None:
        if self.prefix:
            if word.startswith(self.strip) and self.condition.match(word):
                return self.add + word[len(self.strip):]
            return None
        if word.endswith(self.strip) and self.condition.search(word):
            return word[:len(word) - len(self.strip)] + self.add
        return None


def _read_affixes(path: Path) -> dict[str, list[_Affix]]:
    """The PFX and SFX rules of a hunspell affix file, by flag (single-character flags,
    as the English files have; cross products and continuation flags are not followed)."""
    rules: dict[str, list[_Affix]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 5 or parts[0] not in ("PFX", "SFX"):
            continue  # (a block's header has four fields)
        kind, flag, strip, add, condition = parts[:5]
        prefix = kind == "PFX"
        strip = "" if strip == "0" else strip
        add = "" if add == "0" else add.split("/", 1)[0]
        try:
            pattern = re.compile(("^" + condition) if prefix else (condition + "$"))
        except re.error:
            continue
        rules.setdefault(flag, []).append(_Affix(prefix, strip, add, pattern))
    return rules


def _entries(lines: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(word, flags) of a ``.dic`` file's lines: the first line may be the count; indented
    lines and ``#`` lines are comments (the medical dictionary opens with a notice)."""
    for number, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#" or (number == 0 and line.strip().isdigit()):
            continue
        token = line.split()[0]
        word, _, flags = token.replace("\\/", "\0").partition("/")
        word = word.replace("\0", "/")
        if word:
            yield word, flags


def read_hunspell(dic: str | os.PathLike[str], aff: str | os.PathLike[str] | None = None
                  ) -> Vocabulary:
    """The words of hunspell dictionary ``dic``, with the forms its affix rules make
    (``ambulate/NGD``: ambulate, ambulation, ambulating, ambulated); ``aff`` defaults to
    the ``.aff`` of the same name beside it, else ``en_US.aff`` there, else none."""
    path = Path(dic)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LexiconError(path, f"cannot read the clinical dictionary: "
                                 f"{exc.strerror or exc}") from exc
    if aff is None:
        aff = _affix_file(path)
    rules = _read_affixes(Path(aff)) if aff is not None else {}
    words: set[str] = set()
    for word, flags in _entries(text.splitlines()):
        words.add(word.casefold())
        for flag in flags:
            for rule in rules.get(flag, ()):
                form = rule.apply(word)
                if form:
                    words.add(form.casefold())
    if not words:
        raise LexiconError(path, "holds no words: not a hunspell dictionary (.dic)")
    return Vocabulary(str(path), frozenset(words))


def _affix_file(dic: Path) -> Path | None:
    """The affix file of ``dic``: the ``.aff`` of the same name beside it, else
    ``en_US.aff`` there, else none."""
    for candidate in (dic.with_suffix(".aff"), dic.with_name("en_US.aff")):
        if candidate.is_file():
            return candidate
    return None


def _read_kept(dic: str) -> Vocabulary:
    """:func:`read_hunspell` of ``dic``, read back from the cache when it holds the words
    of the same files (0.1 s of CPU to read them, a tenth of it from the cache)."""
    from uncertain._index_cache import cached_vocabulary

    return cached_vocabulary(Path(dic), _affix_file(Path(dic)), lambda: read_hunspell(dic))


@built_once()
def clinical_vocabulary() -> Vocabulary:
    """The clinical vocabulary of this process: ``$UNCERTAIN_CLINICAL_DICT``'s file, or
    the first of :data:`SEARCH_PATHS` installed, or an empty one (read once)."""
    setting = os.environ.get(ENV)
    if setting is not None and setting.strip().casefold() in _OFF:
        return Vocabulary()
    if setting:
        return _read_kept(setting)  # named: an unreadable file is an error
    for candidate in SEARCH_PATHS:
        if os.path.isfile(candidate):
            vocabulary = _read_kept(candidate)
            logger.debug("clinical vocabulary: %d words from %s", len(vocabulary), candidate)
            return vocabulary
    logger.info("no clinical dictionary installed (apt-get install hunspell-en-med, or set "
                "%s): clinical words wordfreq does not know are out of vocabulary", ENV)
    return Vocabulary()
