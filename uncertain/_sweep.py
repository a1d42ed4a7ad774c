"""Where the validator looks: each word's context, and the windows worth searching.

This module owns the step from a document's words (:mod:`uncertain._words`) to the
windows of one to ``max_window`` adjacent words that the validator compares with its
lexicons (:mod:`uncertain.validate`). :func:`read_sweep` reads once per document what
the words around each one say: is it in doubt, does a dose follow (or a word linking a
name to it: "stays at", "up to"), does a prescribing word come before it or a
prescribing phrase after it ("the X was increased"), is it a drug's slot where a hunch
may be kept, and is it a word no name holds (a sure word of time, a link, the words
taking a name up again for its dose). :func:`windows` walks the windows opening at given
words and yields those that pass the cheap gate: something in doubt, a dose, a cue, or a
term spelled; the rest cost a few look-ups each.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from uncertain._context import (
    break_words,
    dose_amount,
    dose_context,
    is_gauge,
    number_for_homophone,
    quantity_words,
)
from uncertain._cues import (
    coordinated_after,
    dislocations,
    is_amount_of,
    is_cue,
    is_cue_after,
    is_cue_word,
    is_taken_up,
)
from uncertain._text_layer import reads_run
from uncertain._words import CLAUSE_END, WordInfo, salt_written
from uncertain.document import Modality, Segment, Word

if TYPE_CHECKING:
    from uncertain.validate import ValidateOptions

__all__ = ["Sweep", "amount_after", "new_lines", "read_sweep", "windows"]


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one document's window sweeps read: its words and their context."""

    infos: list[WordInfo]
    words: list[Word]
    modality: Modality
    opts: ValidateOptions
    lowered: list[str]
    doubtful: list[bool]
    sure: list[bool]
    #: the dose's context of a window ending before word j (0 none, 1 a dose right after)
    dose_at: list[float]
    #: a prescribing word (or an amount's "of") before word i
    cue_at: list[bool]
    #: ... and in speech a drug's slot, where a hunch may be kept
    slot_at: list[bool]
    ends_clause: list[bool]
    #: a prescribing phrase after a window ending before word j, or words taking it up
    cue_after: list[bool]
    #: words that are no syllable of a name
    breaks: list[bool]
    #: in print and written text, words ending a label or a clause (":", ";"): a dose after
    #: them is no name's before them
    stops: list[bool]
    #: words written ending a clause (a comma, a stop; in speech as the recogniser wrote
    #: them): a dose's number and its unit are on one side of one
    marks: list[bool]
    #: windows of everyday words taken for what was said (filled by the validator)
    taken_as_said: list[tuple[int, int]] = field(default_factory=list)


def read_sweep(infos: list[WordInfo], words: list[Word], modality: Modality,
               opts: ValidateOptions, doubt: float,
               new_lines: Sequence[tuple[int, bool]] | None = None) -> Sweep:
    """The context of each of ``infos`` (a word below ``doubt`` or out of vocabulary is
    in doubt); ``new_lines`` (print and written text): the words that begin a line no
    dose's context reaches into (:func:`new_lines`)."""
    n = len(infos)
    lowered = [i.text.casefold() for i in infos]
    # a word heard for a small number before a unit is that number to the dose's rules
    # (:func:`uncertain._words.word_infos`): "solo for milligrams" is a name and its dose
    for k in range(n - 1):
        if infos[k].kind == "number" and (
                said := number_for_homophone(lowered[k], lowered[k + 1],
                                             lowered[k - 1] if k else "")) is not None:
            lowered[k] = said
    # a needle's gauge among words in lower case is no dose in grams ("pen needles 32G 4
    # mm"): "ga", as a gauge is also written, which no dose reads
    for k in [k for k, info in enumerate(infos) if info.kind == "number"
              and is_gauge(info.text) and _cased_line(infos, k)]:
        lowered[k] = lowered[k][:-1] + "ga"
    doubtful = [w.oov or (w.confidence is not None and w.confidence < doubt) for w in infos]
    # a doubtful word between a window and a dose is more likely part of the name
    sure = [not d for d in doubtful]
    # in print and written text, a label's colon or a clause's semicolon: what follows is
    # the label's value, or another clause ("Penicillin allergy Weight: 82 kg")
    stops = ([w.text.rstrip().endswith((":", ";")) for w in words] if modality != "audio"
             else [False] * n)
    marks = [CLAUSE_END.search(w.text) is not None for w in words]
    # in speech, a run of words (a sentence, or words before a pause: see
    # uncertain._words.word_infos) is as a printed line to a dose after it: a dose opening
    # the next run is the name's before it ("Metformin." / "500 milligrams daily"), one
    # further in is the next run's own ("... in two weeks." / "Continue lisinopril 10 mg")
    dose_at, links = _dose_context(lowered, sure, new_lines if modality != "audio"
                                   else _run_starts(infos), stops, marks)
    # a name taken up again for its dose ("the X, we will keep that at 25 mg")
    taken_up = dislocations(lowered, dose_at)
    # sure words of time ("last month to 10 mg"), sure words linking a name to its
    # dose ("stays at", "up to") and the words taking it up again are no syllables of
    # a name
    # sure phrases of quantity ("no more than 4 grams", "four times daily") too
    words_of_time_or_route = break_words()
    breaks = [(t in words_of_time_or_route and s) or link or quantity
              for t, s, link, quantity in zip(lowered, sure, links,
                                              quantity_words(lowered, sure), strict=True)]
    for j, length in enumerate(taken_up):
        for k in range(j, j + length):
            breaks[k] = breaks[k] or sure[k]
    # a prescribing word (or an amount's "of") before word i, unless what it governs
    # is an everyday verb in -ing ("stop calling her", "start walking"), which no
    # drug's name is
    # (in print and written text, on the word's own line: a table row's last cell, "Stop",
    # governs no name of the next row)
    line = _line_starts(n, new_lines)
    cue_at = [is_cue(lowered[max(line[i], i - 4):i], i == 0 or sure[i - 1])
              and not (sure[i] and lowered[i].endswith("ing")
                       and infos[i].zipf >= opts.english_min_zipf)
              # "I take 80 mg of it": the amount is of a name said before
              and not is_taken_up(lowered[i], lowered[max(line[i], i - 2):i],
                                  i == 0 or sure[i - 1])
              for i in range(n)]
    # ... or after a window ending before word j ("the X was increased"), or taking it
    # up again for its dose
    cue_after = [is_cue_after(lowered[j:j + 3]) or taken_up[j] > 0
                 for j in range(n + 1)]
    # ... or after the last member of a list the window is a member of ("both Restoril
    # and bisoprolol were held"). In speech the list's "and" may be heard in doubt, not
    # under the low-confidence line: a recogniser doubts a short word beside a name it
    # garbled for the name's sake ("both restored and tied up without were held", its
    # "and" at 0.74: Restoril and bisoprolol)
    joins = sure if modality != "audio" else [
        w.confidence is None or w.confidence >= opts.low_confidence_audio for w in infos]
    cue_after = coordinated_after(lowered, joins, marks, cue_after, opts.max_window)
    # ... in speech, a drug's slot where a hunch may be kept, unless only an amount's
    # "of" says so: everyday amounts are of food and minerals ("12 milligrams of
    # lead in the soil")
    slot_at = [cue and not is_amount_of(lowered[max(line[i], i - 3):i], i == 0 or sure[i - 1])
               for i, cue in enumerate(cue_at)]
    # a written word that ends a clause ends any name it is part of (Whisper puts
    # commas inside misheard runs, so audio windows may cross them)
    ends_clause = marks if modality != "audio" else [False] * n
    return Sweep(infos, words, modality, opts, lowered, doubtful, sure, dose_at, cue_at,
                 slot_at, ends_clause, cue_after, breaks, stops, marks)


def amount_after(sw: Sweep, j: int, count: int = 3) -> tuple[float | None, str] | None:
    """:func:`uncertain._context.dose_amount` of up to ``count`` words from word ``j``,
    within the clause of word ``j``: a number's unit is in its clause ("Phos 2.1, Mg 1.9"
    has no 2.1 mg)."""
    end = min(j + count, len(sw.lowered))
    stop = next((k + 1 for k in range(j, end) if sw.marks[k]), end)
    return dose_amount(sw.lowered[j:stop])


def _cased_line(infos: list[WordInfo], k: int) -> bool:
    """Whether a word of the run of words (a line in writing) that word ``k`` is on has
    lower case."""
    s, a, b = infos[k].segment, k, k + 1
    while a > 0 and infos[a - 1].segment == s:
        a -= 1
    while b < len(infos) and infos[b].segment == s:
        b += 1
    return any(c.islower() for info in infos[a:b] for c in info.text)


def new_lines(segments: Sequence[Segment], infos: list[WordInfo], words: list[Word]
              ) -> list[tuple[int, bool]]:
    """The words of a printed or written document that begin a line whose words are no
    continuation of the line before, and whether that line is on another page: a line
    after a blank line (a new paragraph) or not beginning in lower case ("Penicillin
    allergy" / "Weight: 82 kg", a form's next field; a table's next row). A dose there is
    no name's before it, unless it opens the line on the same page ("Zocor" / "40 mg PO",
    a label's strength)."""
    out = []
    for i in range(1, len(infos)):
        s = infos[i].segment
        if s == infos[i - 1].segment:
            continue
        first = infos[i].text.lstrip(_OPENING)
        turned = words[i].page != words[i - 1].page
        if turned or segments[s].blank_lines > 0 or not first[:1].islower():
            out.append((i, turned))
    return out


#: what may come before a line's first letter without making it another line's start
_OPENING = "(\"'\u201c\u2018"


def _run_starts(infos: list[WordInfo]) -> list[tuple[int, bool]]:
    """The words that begin a run of words of speech (:attr:`WordInfo.segment`), none on
    another page: :func:`_dose_context`'s lines."""
    return [(k, False) for k in range(1, len(infos))
            if infos[k].segment != infos[k - 1].segment]


def _line_starts(n: int, new_lines: Sequence[tuple[int, bool]] | None) -> list[int]:
    """For each of ``n`` words, where the run of lines it is on begins (:func:`new_lines`;
    0 for all without them)."""
    out = [0] * n
    for (a, _), (b, _) in itertools.pairwise([*(new_lines or ()), (n, False)]):
        out[a:b] = [a] * (b - a)
    return out


def _dose_context(lowered: list[str], sure: list[bool],
                  new_lines: Sequence[tuple[int, bool]] | None, stops: list[bool],
                  marks: list[bool]) -> tuple[list[float], list[bool]]:
    """:func:`uncertain._context.dose_context`; for print and written text (``new_lines``
    not None), line by line where ``new_lines`` begin (a window ending a line keeps the
    next line's dose only when it opens that line), and not over the words ``stops``
    marks: "Penicillin allergy Weight: 82 kg", "Penicillin allergy; 500 mg daily"; a number
    and a unit on either side of a word ending a clause (``marks``) are no dose."""
    if new_lines is None:
        return dose_context(lowered, sure, (), marks)
    n = len(lowered)
    dose_at, links = [0.0] * (n + 1), [False] * n
    edges = [0, *(i for i, _ in new_lines), n]
    for a, b in itertools.pairwise(edges):
        strengths, linked = dose_context(lowered[a:b], sure[a:b], stops[a:b], marks[a:b])
        dose_at[a:b] = strengths[:b - a]
        links[a:b] = linked
    for b, turned in new_lines:
        if turned or dose_at[b] < 1.0:  # (1.0: a dose, or its link, opens the line)
            dose_at[b] = 0.0
    return dose_at, links


#: a window worth searching: its words ``i:j``, their compact spelling, the dose's context
#: after it, whether a cue governs it, whether it is searched as an orphan dose's, and
#: whether its cue makes it a drug's slot
Window = tuple[int, int, str, float, bool, bool, bool]


def windows(sw: Sweep, starts: range, limit: int, lookup: Callable[[str], Sequence[int]], *,
            orphan: bool = False) -> Iterator[Window]:
    """The windows opening at ``starts`` and ending by ``limit`` that pass the cheap gate
    (``lookup`` finds the terms a compact spelling is); ``orphan``: of a sentence whose
    dose names no drug, where only windows with a word in doubt are searched."""
    infos, modality, opts, words = sw.infos, sw.modality, sw.opts, sw.words
    lowered, doubtful, dose_at, cue_at = sw.lowered, sw.doubtful, sw.dose_at, sw.cue_at
    ends_clause, breaks, cue_after, slot_at = sw.ends_clause, sw.breaks, sw.cue_after, sw.slot_at
    stops = sw.stops
    n = limit
    first = starts.start if starts else 0
    # per word (once, not per window): whether it ends every window it would be inside
    # (a prescribing word the recogniser is sure of, a word of time, a link), and
    # whether it is an everyday word
    inside = [not (breaks[k] or (is_cue_word(lowered[k])
                                 and not (doubtful[k] and modality != "text")))
              for k in range(first, n)]
    rare = [info.zipf < opts.english_min_zipf for info in infos[first:n]]
    typed = modality == "text"
    for i in starts:
        info = infos[i]
        if info.kind != "word":
            continue
        # a prescribing word is the context of a drug name, not a syllable of one,
        # unless the recogniser doubted it ("Add or master")
        cue_start = is_cue_word(lowered[i])
        if cue_start and not (doubtful[i] and modality != "text"):
            continue
        # "the" opens no window: a recogniser's language model puts it before a
        # misheard name ("stop the do locks a teen"), not inside one
        if info.key == "the":
            continue
        # nor does a word of time the recogniser is sure of, nor is it inside one
        # ("was increased last month to 10 milligrams" names no drug), nor a sure
        # link to the dose ("stays at 10 mg")
        if breaks[i]:
            continue
        segment = info.segment
        # only a word carrying a text layer's reading of a run reads one (not in speech)
        layered = bool(words[i].alternatives)
        key = ""
        n_doubtful = n_rare = 0
        for j in range(i + 1, min(n, i + opts.max_window) + 1):
            last = infos[j - 1]
            if last.kind != "word" or last.segment != segment:
                break
            if j > i + 1 and (not inside[j - 1 - first] or ends_clause[j - 2]):
                break
            key += last.key
            n_doubtful += doubtful[j - 1]
            n_rare += rare[j - 1 - first]
            if cue_start and j == i + 1:
                continue
            # the cheap gate: nothing doubtful, no dose, no cue, no term spelled
            # the orphan dose's context needs a word of the window in doubt; the other
            # windows of an orphan sentence were proposed by the first sweep already
            orphaned = orphan and n_doubtful > 0
            if orphan and not orphaned:
                continue
            cue = cue_at[i] or cue_after[j]
            # "Penicillin allergy Weight:" 82 kg: a label's value, no dose of the words
            dose = 0.0 if j > i + 1 and stops[j - 1] else dose_at[j]
            if j == i + 1 and len(key) < _MIN_SEARCHED and not last.exact:
                # a word of fewer letters that spells no term is searched for none
                continue
            if 2 * n_doubtful >= j - i or dose:
                pass
            elif cue or orphaned:
                # a cue or an orphan dose makes a run of everyday words worth searching
                # only in plain text, where no word can be doubted, or when it spells a
                # term (the validator's rule: "Continue physical therapy", heard surely,
                # is what was said)
                if not (typed or n_rare) and not (
                        last.exact if j == i + 1 else (lookup(key) or salt_written(
                            [w.key for w in infos[i:j]], lookup, _any_entry))
                ) and not (layered and reads_run(words[i], j - i)):
                    continue
            elif not (last.exact if j == i + 1 else lookup(key)) and not (
                    layered and reads_run(words[i], j - i)):
                # (or the page's text layer reads the run as one: "poste pie Oo", Digoxin)
                continue
            yield i, j, key, dose, cue, orphaned, slot_at[i] or cue_after[j]


#: the fewest letters of a window searched for terms it does not spell
_MIN_SEARCHED = 4


def _any_entry(idx: int) -> bool:
    """Every entry (a name of a drug or not: :func:`windows` passes on what may spell one)."""
    return True
