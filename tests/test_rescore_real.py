"""The acoustic second pass and decoder alternatives with the real bundled tiny.en model.

``samples/dictation.wav`` (espeak-ng) says "Continue metformin five hundred milligrams
twice daily" at about 10-14 s; tiny.en writes the drug as a few short words. The flags
are built by hand from the real transcription, so these tests do not depend on the
validator's choices.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from uncertain import asr
from uncertain.audio import SAMPLE_RATE, decode
from uncertain.document import Candidate, Document, Flag
from uncertain.nbest import add_nbest
from uncertain.rescore import RescoreOptions, rescore

ROOT = Path(__file__).resolve().parent.parent
DICTATION = ROOT / "samples" / "dictation.wav"
# the flags built by hand alone (no word weighed as one that would flip an instruction)
ALONE = RescoreOptions(flip_confidence=0.0)
KEEP = replace(ALONE, drop_below=0.0)  # keep weakened flags, to look at them

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def heard() -> Document:
    return asr.transcribe(DICTATION)


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return decode(DICTATION)


def span(doc: Document, start: float, end: float) -> tuple[int, int]:
    """The word range whose words' middles fall between ``start`` and ``end`` seconds."""
    inside = [i for i, w in enumerate(doc.words)
              if w.start is not None and w.end is not None
              and start <= (w.start + w.end) / 2 <= end]
    assert inside, f"no word between {start} and {end} s in {doc.text!r}"
    return inside[0], inside[-1] + 1


def flag(doc: Document, start: int, end: int, terms: list[tuple[str, float]],
         confidence: float = 0.7) -> Flag:
    return Flag(reason="near_lexicon", text=doc.span_text(start, end), start=start, end=end,
                confidence=confidence,
                candidates=[Candidate(term=t, canonical=t, score=s, lexicon="drugs")
                            for t, s in terms])


def test_rescore_real_puts_metformin_first(heard: Document, audio: np.ndarray) -> None:
    start, end = span(heard, 10.45, 11.35)
    assert "metformin" not in heard.span_text(start, end).lower()
    terms = [("metoprolol", 0.9), ("methyldopa", 0.85), ("metformin", 0.6)]
    doc = heard.model_copy(update={"flags": [flag(heard, start, end, terms)]})
    out = rescore(doc, audio=audio, options=ALONE)
    top = out.flags[0].candidates[0]
    assert top.term == "metformin"
    assert top.evidence[0] == "acoustic"
    assert "acoustic" in out.flags[0].evidence
    # decoding the windows from the file gives the same answer as passing the audio
    again = rescore(doc, options=ALONE)
    assert [c.term for c in again.flags[0].candidates] == [
        c.term for c in out.flags[0].candidates]
    assert [(w.text, w.start, w.end) for w in out.words] == [
        (w.text, w.start, w.end) for w in heard.words]


def test_rescore_real_confident_word_flag_is_weakened(heard: Document,
                                                      audio: np.ndarray) -> None:
    start, end = span(heard, 26.6, 27.05)  # "potassium", heard right and sure
    assert heard.span_text(start, end).lower().startswith("potassium")
    doc = heard.model_copy(update={"flags": [
        flag(heard, start, end, [("pitavastatin", 0.6), ("posaconazole", 0.5)], 0.6)]})
    out = rescore(doc, audio=audio, options=KEEP)
    confidence = out.flags[0].confidence
    assert confidence is not None and confidence < 0.6 - 0.2
    assert all(c.features["acoustic"] < 0 for c in out.flags[0].candidates)
    # a weaker flag on the same word is dropped by default
    weak = doc.model_copy(update={"flags": [doc.flags[0].model_copy(update={"confidence": 0.2})]})
    assert rescore(weak, audio=audio, options=ALONE).flags == []


def test_rescore_real_windows_at_the_start_and_end_of_the_file(
    heard: Document, audio: np.ndarray
) -> None:
    n = len(heard.words)
    flags = [flag(heard, 0, 1, [("pentoxifylline", 0.6)]),
             flag(heard, n - 1, n, [("montelukast", 0.6)])]
    doc = heard.model_copy(update={"flags": flags})
    out = rescore(doc, audio=audio, options=replace(KEEP, share_windows=False))
    for before, after in zip(flags, out.flags, strict=True):
        # the words heard fit their edge windows far better than the made-up candidates
        assert after.candidates[0].features["acoustic"] < -2
        assert after.confidence is not None and before.confidence is not None
        assert after.confidence <= before.confidence  # no lower than the words' own doubt


def test_rescore_real_overlapping_flags(heard: Document, audio: np.ndarray) -> None:
    start, end = span(heard, 10.45, 11.35)
    flags = [flag(heard, start, end, [("metoprolol", 0.9), ("metformin", 0.6)]),
             flag(heard, start + 1, end + 1, [("metformin", 0.6), ("mefloquine", 0.5)])]
    doc = heard.model_copy(update={"flags": flags})
    out = rescore(doc, audio=audio, options=KEEP)
    assert [(f.start, f.end) for f in out.flags] == [(f.start, f.end) for f in flags]
    assert out.flags[0].candidates[0].term == "metformin"
    assert all("acoustic" in c.features for f in out.flags for c in f.candidates)


def test_rescore_real_silent_span_is_not_confirmed(heard: Document,
                                                   audio: np.ndarray) -> None:
    start, end = span(heard, 26.6, 27.05)  # "potassium", made silent
    word = heard.words[start]
    quiet = audio.copy()
    quiet[round((word.start or 0) * SAMPLE_RATE) - 800:round((word.end or 0) * SAMPLE_RATE)
          + 800] = 0.0
    doc = heard.model_copy(update={"flags": [
        flag(heard, start, end, [("pitavastatin", 0.6)], 0.6)]})
    assert rescore(doc, audio=quiet, options=ALONE).flags == doc.flags
    assert rescore(doc, audio=np.zeros_like(audio), options=ALONE).flags == doc.flags


def test_nbest_real_offers_alternatives_for_a_doubtful_segment(heard: Document,
                                                               audio: np.ndarray) -> None:
    start, _ = span(heard, 10.45, 11.35)
    k = next(i for i, s in enumerate(heard.segments)
             if any(w is heard.words[start] for w in s.words))
    one = heard.model_copy(update={"segments": [heard.segments[k]], "flags": []})
    out = add_nbest(one, audio=audio, n=4)
    words = out.segments[0].words
    assert [w.text for w in words] == [w.text for w in heard.segments[k].words]
    alternatives = [a for w in words for a in w.alternatives]
    assert alternatives, "the beam's other hypotheses differ from the first pass somewhere"
    for alt in alternatives:
        assert alt.source == "nbest"
        # the share of the re-decode's hypotheses that agree: 1 when all of them do
        assert alt.confidence is not None and 0.0 < alt.confidence <= 1.0
    for word in words:  # one word's alternatives share the hypotheses' mass
        assert sum(a.confidence or 0.0 for a in word.alternatives) <= 1.0 + 1e-3


def test_rescore_real_scores_do_not_depend_on_the_alignment_filter(audio: np.ndarray) -> None:
    # the scorer skips align's median filter: token probabilities are the same with it
    import ctranslate2

    from uncertain._acoustic import scorer_for

    scorer = scorer_for(None)
    clip = audio[round(9.5 * SAMPLE_RATE):round(12.0 * SAMPLE_RATE)]
    texts = ["metformin five hundred", "met for me five hundred"]
    got = scorer.score(clip, [("Continue", texts)])[0]
    encoded, frames = scorer.encode(clip)
    memory = np.asarray(encoded)[:, :(frames + 100) // 2]
    ids = [scorer.tokens("Continue") + scorer.tokens(t) for t in texts]
    batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(memory, 2, 0)))
    filtered = scorer.model.model.align(batch, scorer.start, ids, frames)  # filter width 7
    skip = len(scorer.tokens("Continue"))
    assert got == [[pytest.approx(np.log(max(1e-12, p)), abs=1e-6)
                    for p in r.text_token_probs[skip:]] for r in filtered]


def test_rescore_real_silence_is_encoded_once_per_model_and_length(
        audio: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    # every document's pass makes its own scorer; the encoded silence of the language prior
    # is kept per model and input length, and a kept one scores exactly like a fresh one
    from uncertain import _acoustic
    from uncertain._acoustic import WhisperScorer, scorer_for

    first = scorer_for(None, pad_seconds=None)
    requests = [("Continue", ["metformin five hundred", "met for me five hundred"])]
    samples = round(2.5 * SAMPLE_RATE)
    monkeypatch.setattr(_acoustic, "_silences", type(_acoustic._silences)())
    fresh = WhisperScorer(first.model, pad_seconds=None).prior(samples, requests)
    encoded: list[int] = []
    real = WhisperScorer.encode
    monkeypatch.setattr(WhisperScorer, "encode",
                        lambda self, clip: encoded.append(len(clip)) or real(self, clip))
    again = WhisperScorer(first.model, pad_seconds=None)
    assert again.prior(samples, requests) == fresh
    assert encoded == []  # the silence of this length was kept from the first scorer
    again.prior(round(4.5 * SAMPLE_RATE), requests)
    assert len(encoded) == 1  # another length is encoded once


def test_rescore_real_bears_out_a_hunch_heard_as_fluent_english() -> None:
    # a neural voice says "Hold the Lasix until ..."; tiny.en writes "last six", fairly
    # sure: too English for a flag, a hunch; the audio makes it a flag naming Lasix
    from uncertain.validate import validate

    first = validate(asr.transcribe(ROOT / "tests" / "data" / "rescore" / "hold_lasix.flac"))
    assert "lasix" not in first.text.lower()
    assert not any(f.candidates and f.candidates[0].canonical == "furosemide"
                   for f in first.flags)
    assert first.validation is not None
    assert [h.candidates[0].canonical for h in first.validation.hunches] == ["furosemide"]
    out = rescore(first)
    named = [f for f in out.flags if f.candidates and f.candidates[0].canonical == "furosemide"]
    assert len(named) == 1 and "acoustic" in named[0].evidence
    assert named[0].confidence is not None and named[0].confidence >= 0.5
    assert out.text == first.text and out.validation is not None
    assert out.validation.hunches == []


@pytest.mark.parametrize(
    ("name", "said"),
    [("tablet_contains.flac", "contains 500 milligrams of the active ingredient"),
     ("serving_delivers.flac", "delivers 120 milligrams of magnesium")],
)
def test_rescore_real_an_amount_of_something_flags_no_word_before_it(name: str,
                                                                      said: str) -> None:
    # a neural voice reads everyday sentences with an amount of something in them; the
    # dose is of what follows "of", so the verb before it ("contains", "delivers") is
    # no drug, before or after the acoustic pass
    from uncertain.validate import validate

    first = validate(asr.transcribe(ROOT / "tests" / "data" / "rescore" / name))
    assert said in first.text.lower()
    out = rescore(first)
    assert [f.text for f in out.flags if f.reason != "verified"] == []


def test_rescore_real_a_text_scores_alike_beside_a_much_longer_one(
        audio: np.ndarray) -> None:
    # texts are batched by length: one beside a much longer one (a later flag of a shared
    # window, with its long forced prefix) is not padded to it, and scores as it does alone
    from uncertain._acoustic import scorer_for

    scorer = scorer_for(None, pad_seconds=None)
    clip = audio[round(9.5 * SAMPLE_RATE):round(14.0 * SAMPLE_RATE)]
    short = "metformin five hundred"
    long = "met for me five hundred milligrams twice daily and then again twice daily"
    alone = scorer.score(clip, [("Continue", [short])])[0][0]
    beside = scorer.score(clip, [("Continue", [short, long])])[0]
    assert beside[0] == pytest.approx(alone, abs=1e-4)
    assert len(beside[1]) == len(scorer.tokens(long))
    assert scorer.prior(len(clip), [("Continue", [short, long])])[0][0] == pytest.approx(
        scorer.prior(len(clip), [("Continue", [short])])[0][0], abs=1e-4)


class _Cancelled(Exception):
    """What a service's progress callback raises to stop a job."""


def test_rescore_real_a_raising_progress_cancels_and_leaves_the_model_usable(
        heard: Document, tmp_path: Path) -> None:
    """Cancelling a job is raising from ``progress``: the exception comes out of the stage
    as it was raised, no document is made, and the shared model transcribes the next
    file as it would have (a service cancels one request among others)."""
    def cancel(done: float, total: float | None) -> None:
        raise _Cancelled(done)

    with pytest.raises(_Cancelled):
        asr.transcribe(DICTATION, progress=cancel)
    assert asr.transcribe(DICTATION).to_json() == heard.to_json()
    doc = heard.model_copy(update={"flags": [flag(heard, *span(heard, 10.0, 13.0),
                                                  [("metformin", 0.6)])]})
    before = doc.to_json()
    with pytest.raises(_Cancelled):
        rescore(doc, progress=cancel)
    assert doc.to_json() == before  # the document given is untouched
    assert rescore(doc).to_json() != before  # and the pass runs again


def test_rescore_real_marks_start_heard_for_stop(heard: Document, audio: np.ndarray) -> None:
    """"Stop ibuprofen." (about 21 s) is heard "Start ibuprofen." at 0.74: the LLM was told
    to start a drug the clinician stopped, with no doubt at all. "Start lisinopril" (14 s,
    heard right at 0.94) and "Continue metformin" (10 s, heard right at 0.47, its
    opposite far behind) stay unmarked."""
    from uncertain.render import render
    from uncertain.validate import validate

    stop = span(heard, 20.9, 21.35)
    assert heard.span_text(*stop) == "Start"
    start, keep = span(heard, 14.1, 14.5), span(heard, 10.3, 10.5)
    assert heard.span_text(*start) == "Start" and heard.span_text(*keep) == "Continue"
    out = rescore(validate(heard), audio=audio)
    marked = {(f.start, f.end): f for f in out.flags}
    flag = marked[stop]
    assert flag.reason == "confusable" and [c.term for c in flag.candidates] == ["Stop"]
    assert start not in marked and keep not in marked
    prompt = str(render(out))
    assert 'maybe="Stop">Start</unsure> ibuprofen.' in prompt
    # (a validated document: only its flags are marked)
    assert "] Start <unsure" in prompt and "] Continue <unsure" in prompt
