"""The acoustic second pass, driven by a fake scorer: windows, folding, no-ops, invariants."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_audio import write_wav

from uncertain._io import sha256_file
from uncertain.audio import SAMPLE_RATE
from uncertain.document import Candidate, Document, Flag, Segment, Source, Word
from uncertain.errors import InputError
from uncertain.rescore import RescoreOptions, fold, rescore

# "Continue met four min five hundred milligrams. Start ibuprofen now." over 6 s
WORDS = [
    ("Continue", 0.0, 0.5, 0.9), ("met", 0.5, 0.8, 0.6), ("four", 0.8, 1.0, 0.5),
    ("min", 1.0, 1.3, 0.4), ("five", 1.3, 1.6, 0.9), ("hundred", 1.6, 2.0, 0.95),
    ("milligrams.", 2.0, 2.7, 0.9),
    ("Start", 3.0, 3.4, 0.9), ("ibuprofen", 3.4, 4.2, 0.5), ("now.", 4.2, 6.0, 0.9),
]
DURATION = 6.0


def make_doc(flags: Sequence[Flag] = (), modality: str = "audio", *,
             heard_at: float | None = None) -> Document:
    """The dictation; ``heard_at`` sets the confidence of "met four min"."""
    words = [Word(text=t, start=s, end=e,
                  confidence=heard_at if heard_at is not None and 1 <= k <= 3 else c)
             for k, (t, s, e, c) in enumerate(WORDS)]
    segments = [Segment(id=0, words=words[:7], start=0.0, end=2.7),
                Segment(id=1, words=words[7:], start=3.0, end=6.0)]
    source = Source(path="/nonexistent/dictation.wav", sha256="0" * 64, modality=modality,  # type: ignore[arg-type]
                    engine="faster-whisper", duration=DURATION)
    return Document(source=source, segments=segments, flags=list(flags))


def cand(term: str, score: float) -> Candidate:
    return Candidate(term=term, canonical=term, score=score, lexicon="drugs", kind="drug",
                     evidence=["sound", "spelling"], features={"sound": 0.8})


def met_flag(*candidates: Candidate, confidence: float = 0.8) -> Flag:
    return Flag(reason="near_lexicon", text="met four min", start=1, end=4,
                candidates=list(candidates), confidence=confidence,
                reasons=["near_lexicon"], evidence=["sound"])


def speech(seconds: float = DURATION) -> np.ndarray:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


class FakeScorer:
    """Per-token log-probs from a table keyed by the hypothesis (the text's first words);
    remembers every call's audio length and requests."""

    def __init__(self, table: dict[str, list[float]] | Callable[[str], list[float]]) -> None:
        self.table = table
        self.priors: dict[str, float] = {}
        self.calls: list[tuple[int, list[tuple[str, list[str]]]]] = []
        self.silences: list[int] = []  # samples of silence each prior call was asked for
        self.prior_calls: list[list[tuple[str, list[str]]]] = []

    def score(self, audio: np.ndarray, requests: Sequence[tuple[str, Sequence[str]]]
              ) -> list[list[list[float]]]:
        self.calls.append((len(audio), [(p, list(t)) for p, t in requests]))
        return [[self.lookup(text) for text in texts] for _, texts in requests]

    def prior(self, samples: int, requests: Sequence[tuple[str, Sequence[str]]]
              ) -> list[list[list[float]]]:
        """The language prior: nothing, unless ``priors`` says otherwise."""
        self.silences.append(samples)
        self.prior_calls.append([(p, list(t)) for p, t in requests])
        return [[[self.priors.get(t.split()[0], 0.0)] for t in texts] for _, texts in requests]

    def lookup(self, text: str) -> list[float]:
        if callable(self.table):
            return self.table(text)
        for key, value in self.table.items():
            if text.startswith(key):
                return value
        return [-3.0, -3.0, -3.0]


def test_rescore_candidate_that_explains_audio_rises() -> None:
    doc = make_doc([met_flag(cand("phenylephrine", 0.9), cand("metformin", 0.6))])
    scorer = FakeScorer({"met four min": [-0.5, -1.0, -1.0, -0.5],
                         "metformin": [-0.5, -0.6, -0.3],
                         "Metformin": [-0.5, -0.9, -0.3],
                         "phenylephrine": [-4.0, -5.0, -4.0, -3.0],
                         "Phenylephrine": [-4.0, -5.0, -4.0, -3.0]})
    out = rescore(doc, audio=speech(), scorer=scorer)
    flag = out.flags[0]
    assert [c.term for c in flag.candidates] == ["metformin", "phenylephrine"]
    top = flag.candidates[0]
    assert top.evidence[0] == "acoustic"
    assert top.features["acoustic"] == pytest.approx(-1.4 - -3.0)  # best casing minus heard
    assert top.features["acoustic_heard"] == pytest.approx(-3.0)
    assert top.features["sound"] == 0.8  # the validator's features are kept
    assert "acoustic" in flag.evidence
    assert top.score > 0.6


def _with_prior(term: str, score: float, prior: float) -> Candidate:
    c = cand(term, score)
    return c.model_copy(update={"features": {**c.features, "prior": prior}})


@pytest.mark.parametrize(("first_prior", "winner"), [
    (0.48, "benazepril"),  # a drug the first pass put first keeps its place
    (0.10, "benazeprilat"),  # a rare first candidate does not hold the rare one back
])
def test_rescore_audio_alone_does_not_put_a_rare_substance_first(
        first_prior: float, winner: str) -> None:
    # "beneath a pearl at": the longer, rare name also explains the "at" heard at the end
    doc = make_doc([met_flag(_with_prior("benazepril", 0.9, first_prior),
                             _with_prior("benazeprilat", 0.85, 0.05))])
    scorer = FakeScorer({"met four min": [-3.0, -3.0, -3.0, -3.0],
                         "benazeprilat": [-0.5, -0.5, -0.5],
                         "benazepril": [-4.0, -4.0, -4.0, -4.0]})
    flag = rescore(doc, audio=speech(), scorer=scorer).flags[0]
    assert flag.candidates[0].term == winner
    assert flag.candidates[0].score >= flag.candidates[1].score
    # the acoustic gap is recorded as it was measured
    rare = next(c for c in flag.candidates if c.term == "benazeprilat")
    assert rare.features["acoustic"] == pytest.approx(-1.5 - -12.0)


def test_rescore_a_rare_substance_stays_second_when_the_audio_sinks_the_first() -> None:
    """A rare substance the audio favours most is not put first, but it is not held behind
    a first candidate the audio sank under another either: it comes second ("primer in":
    Premarin, listed at a rare prior, was its best fit and came sixth behind Prometrium)."""
    doc = make_doc([met_flag(_with_prior("Prometrium", 0.9, 0.78),
                             _with_prior("primaquine", 0.7, 0.61),
                             _with_prior("Premarin", 0.85, 0.11))])
    scorer = FakeScorer({"met four min": [-3.0, -3.0, -3.0, -3.0],
                         "Prometrium": [-4.0, -4.0, -4.0, -4.0],
                         "primaquine": [-2.0, -2.0, -2.0],
                         "Premarin": [-0.5, -0.5, -0.5]})
    flag = rescore(doc, audio=speech(), scorer=scorer).flags[0]
    assert [c.term for c in flag.candidates] == ["primaquine", "Premarin", "Prometrium"]
    assert flag.candidates[0].score >= flag.candidates[1].score >= flag.candidates[2].score


@pytest.mark.parametrize(
    ("heard", "candidate", "expect"),
    [
        (-10.0, -2.0, "raised"),  # the candidate explains the audio far better
        (-2.0, -30.0, "dropped"),  # the words heard explain it far better
        (-2.0, -4.0, "kept"),  # about as far behind as a right candidate usually is
    ],
)
def test_rescore_fold_moves_flag_confidence(heard: float, candidate: float, expect: str) -> None:
    opts = RescoreOptions(weight=1.0, confidence_weight=1.0, offset=2.0, drop_below=0.05)
    flag = met_flag(cand("metformin", 0.7), confidence=0.6)
    folded = fold(flag, heard, [candidate], opts)
    assert folded.confidence is not None
    if expect == "raised":
        assert folded.confidence > 0.9
    elif expect == "dropped":
        assert folded.confidence < opts.drop_below
    else:
        assert folded.confidence == pytest.approx(0.6, abs=0.01)


def test_rescore_heard_words_best_drops_the_flag() -> None:
    doc = make_doc([met_flag(cand("metformin", 0.7), confidence=0.5)], heard_at=0.98)
    opts = RescoreOptions(weight=1.0, confidence_weight=1.0, offset=2.0, drop_below=0.05)
    scorer = FakeScorer({"met four min": [-0.1, -0.1, -0.1], "metformin": [-9.0, -9.0, -9.0],
                         "Metformin": [-9.0, -9.0, -9.0]})
    assert rescore(doc, audio=speech(), scorer=scorer, options=opts).flags == []
    kept = rescore(doc, audio=speech(), scorer=scorer, options=replace(opts, drop_below=0.0))
    assert kept.flags[0].confidence is not None and kept.flags[0].confidence < 0.05
    assert kept.flags[0].candidates[0].features["acoustic"] < -20


@pytest.mark.parametrize(("heard_at", "expect"), [(0.98, 0.02), (0.4, 0.5), (0.15, 0.5)])
def test_rescore_never_makes_a_span_surer_than_its_words(heard_at: float,
                                                         expect: float) -> None:
    # words heard fitting the audio better than wrong candidates are not thereby right:
    # the flag falls no lower than the engine's doubt (or where it was, if lower)
    doc = make_doc([met_flag(cand("metformin", 0.7), confidence=0.5)], heard_at=heard_at)
    opts = RescoreOptions(weight=1.0, confidence_weight=1.0, offset=2.0, drop_below=0.0)
    scorer = FakeScorer({"met four min": [-0.1, -0.1, -0.1], "metformin": [-9.0, -9.0, -9.0],
                         "Metformin": [-9.0, -9.0, -9.0]})
    (flag,) = rescore(doc, audio=speech(), scorer=scorer, options=opts).flags
    assert flag.confidence == pytest.approx(expect, abs=0.02)


def test_rescore_changes_only_flags() -> None:
    flags = [met_flag(cand("phenylephrine", 0.9), cand("metformin", 0.6)),
             Flag(reason="low_confidence", text="ibuprofen", start=8, end=9, confidence=0.5,
                  candidates=[cand("ibuprofen", 0.7), cand("ibuprofen sodium", 0.3)])]
    doc = make_doc(flags)
    before = doc.model_dump()
    out = rescore(doc, audio=speech(), scorer=FakeScorer({"metformin": [-0.1]}))
    assert out.model_dump(exclude={"flags"}) == {k: v for k, v in before.items() if k != "flags"}
    assert doc.model_dump() == before  # the input is not modified
    assert [(f.start, f.end, f.text, f.reason) for f in out.flags] == [
        (f.start, f.end, f.text, f.reason) for f in flags]


@pytest.mark.parametrize("modality", ["text", "image"])
def test_rescore_is_a_noop_off_audio(modality: str) -> None:
    doc = make_doc([met_flag(cand("metformin", 0.7))], modality=modality)
    scorer = FakeScorer({})
    assert rescore(doc, scorer=scorer) is doc
    assert scorer.calls == []


@pytest.mark.parametrize(
    "flags",
    [
        [],
        [Flag(reason="verified", text="ibuprofen", start=8, end=9, confidence=0.1,
              candidates=[cand("ibuprofen", 1.0)])],
        [Flag(reason="low_confidence", text="min", start=3, end=4, confidence=0.6)],
        # a dose heard as a teen against its tens: the audio cannot tell them apart
        [Flag(reason="confusable", text="five", start=4, end=5, confidence=0.6,
              reasons=["confusable"], candidates=[
                  Candidate(term="fifty", canonical="fifty", score=0.6, kind="number")])],
    ],
    ids=["no flags", "verified only", "no candidates", "teen dose"],
)
def test_rescore_is_a_noop_without_flags_to_score(flags: list[Flag]) -> None:
    doc = make_doc(flags)
    scorer = FakeScorer({})
    # no audio and an unreadable source path: a no-op must not even try to decode
    assert rescore(doc, scorer=scorer) is doc
    assert scorer.calls == []


def test_rescore_leaves_flags_over_silence_alone() -> None:
    doc = make_doc([met_flag(cand("metformin", 0.7), confidence=0.8)])
    scorer = FakeScorer({"met four min": [-0.1]})
    out = rescore(doc, audio=np.zeros(round(DURATION * SAMPLE_RATE), np.float32), scorer=scorer)
    assert out.flags == doc.flags
    assert scorer.calls == []


def test_rescore_leaves_flags_when_no_hypothesis_fits() -> None:
    doc = make_doc([met_flag(cand("metformin", 0.7), confidence=0.8)])
    scorer = FakeScorer(lambda text: [-9.0, -12.0] if text.startswith("met four") else [-20.0])
    out = rescore(doc, audio=speech(), scorer=scorer)
    assert out.flags == doc.flags
    assert len(scorer.calls) == 1


@pytest.mark.parametrize(
    ("start", "end", "prefix", "suffix", "seconds"),
    [
        # first word of the file: no context before, window starts at 0
        (0, 1, "", "met", 0.8 + 0.25),
        # last word of the file: window clamped at the end of the recording; it reaches
        # back over the pause to the previous word's end (2.7 s), Whisper often times a
        # segment's first word late
        (9, 10, "Start ibuprofen", "", DURATION - 2.7),
        # context stops at the segment's edge
        (7, 8, "", "ibuprofen", 4.2 + 0.25 - 2.7),
    ],
    ids=["file start", "file end", "segment start"],
)
def test_rescore_window_is_clamped_and_context_stays_in_segment(
    start: int, end: int, prefix: str, suffix: str, seconds: float
) -> None:
    text = " ".join(w[0] for w in WORDS[start:end])
    doc = make_doc([Flag(reason="near_lexicon", text=text, start=start, end=end,
                         confidence=0.7, candidates=[cand("metformin", 0.6)])])
    scorer = FakeScorer({})
    rescore(doc, audio=speech(), scorer=scorer)
    [(samples, [(got_prefix, texts)])] = scorer.calls
    assert samples == round(seconds * SAMPLE_RATE)
    assert got_prefix == prefix
    assert texts[0] == f"{text} {suffix}".strip()
    assert texts[1] == f"metformin {suffix}".strip()


def test_rescore_flags_share_a_window_within_thirty_seconds() -> None:
    flags = [met_flag(cand("metformin", 0.6)),
             Flag(reason="low_confidence", text="ibuprofen", start=8, end=9, confidence=0.5,
                  candidates=[cand("ibuprofen", 0.7)])]
    doc = make_doc(flags)
    shared = FakeScorer({})
    rescore(doc, audio=speech(), scorer=shared)
    assert len(shared.calls) == 1
    [(_, requests)] = shared.calls
    # the second flag's prefix runs from the shared window's first word
    assert requests[1][0] == "Continue met four min five hundred milligrams. Start"
    alone = FakeScorer({})
    rescore(doc, audio=speech(), scorer=alone, options=RescoreOptions(share_windows=False))
    assert [r[0][0] for _, r in alone.calls] == ["Continue", "Start"]


def test_rescore_prior_is_forced_from_the_flags_own_context() -> None:
    # in a shared window a later flag's texts are scored after the words from the
    # window's first; its language prior only after its own context words, the same texts
    flags = [met_flag(cand("metformin", 0.6)),
             Flag(reason="low_confidence", text="ibuprofen", start=8, end=9, confidence=0.5,
                  candidates=[cand("ibuprofen", 0.7)])]
    scorer = FakeScorer({})
    rescore(make_doc(flags), audio=speech(), scorer=scorer)
    [(_, requests)] = scorer.calls
    [prior] = scorer.prior_calls
    assert [p for p, _ in requests] == ["Continue", "Continue met four min five hundred "
                                        "milligrams. Start"]
    assert [p for p, _ in prior] == ["Continue", "Start"]  # context stays in its segment
    assert [t for _, t in prior] == [t for _, t in requests]


def test_rescore_overlapping_flags_are_scored_each() -> None:
    flags = [met_flag(cand("phenylephrine", 0.9), cand("metformin", 0.6)),
             Flag(reason="low_confidence", text="min five", start=3, end=5, confidence=0.7,
                  candidates=[cand("minoxidil", 0.5), cand("mefenamic acid", 0.4)])]
    scorer = FakeScorer({"metformin": [-0.2], "Metformin": [-0.2], "mefenamic": [-0.5]})
    out = rescore(make_doc(flags), audio=speech(), scorer=scorer,
                  options=RescoreOptions(drop_below=0.0))
    assert [f.candidates[0].term for f in out.flags] == ["metformin", "mefenamic acid"]


@pytest.mark.parametrize(
    ("normalise", "winner"),
    [("sum", "metoprolol"), ("mean", "metformin")],
    ids=["the total favours fewer tokens", "the mean favours more"],
)
def test_rescore_normalisation_decides_the_totals(normalise: str, winner: str) -> None:
    doc = make_doc([met_flag(cand("metoprolol", 0.6), cand("metformin", 0.6))])
    table = {"met four min five": [-1.0] * 4,
             "metformin five": [-0.6] * 6,
             "metoprolol five": [-1.0, -2.0]}
    opts = RescoreOptions(normalise=normalise, casings=False)  # type: ignore[arg-type]
    out = rescore(doc, audio=speech(), scorer=FakeScorer(table), options=opts)
    assert out.flags[0].candidates[0].term == winner


def test_rescore_casings_keep_the_better_one() -> None:
    doc = make_doc([met_flag(cand("lantus", 0.5))])
    scorer = FakeScorer({"lantus": [-6.0], "Lantus": [-1.0], "met four": [-2.0]})
    out = rescore(doc, audio=speech(), scorer=scorer,
                  options=RescoreOptions(drop_below=0, casings=True))
    assert out.flags[0].candidates[0].features["acoustic"] == pytest.approx(1.0)
    [(_, [(_, texts)])] = scorer.calls
    assert texts == ["met four min five", "lantus five", "Lantus five"]


def test_rescore_scores_candidates_as_the_lexicon_writes_them() -> None:
    doc = make_doc([met_flag(cand("lantus", 0.5))])
    scorer = FakeScorer({"lantus": [-6.0], "Lantus": [-1.0], "met four": [-2.0]})
    out = rescore(doc, audio=speech(), scorer=scorer, options=RescoreOptions(drop_below=0))
    assert out.flags[0].candidates[0].features["acoustic"] == pytest.approx(-4.0)
    [(_, [(_, texts)])] = scorer.calls
    assert texts == ["met four min five", "lantus five"]


@pytest.mark.parametrize(
    "kwargs",
    [{"margin": -1.0}, {"normalise": "max"}, {"drop_below": 1.0}, {"max_window": 40.0},
     {"prior_among": 1.5}, {"prior_among": -0.1}],
)
def test_rescore_options_are_checked(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RescoreOptions(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [
    {"weight": float("nan")}, {"confidence_weight": float("inf")}, {"offset": "2"},
    {"prior_weight": None}, {"silence_db": float("-inf")}, {"min_token_logprob": True},
    {"prior_among": float("nan")}, {"pad_seconds": float("nan")}, {"context_before": 1.5},
    {"rare_candidates": "3"}])
def test_rescore_options_not_finite_numbers_are_refused_by_name(
        kwargs: dict[str, object]) -> None:
    # a NaN weight was taken, and folded NaN into every score once the audio was scored
    with pytest.raises(ValueError, match=rf"^{next(iter(kwargs))}=.*: a finite "):
        RescoreOptions(**kwargs)  # type: ignore[arg-type]
    assert RescoreOptions(prior_seconds=None, pad_seconds=None, weight=0, offset=-1.5)


def test_rescore_options_of_another_type_are_refused() -> None:
    # a dict was "AttributeError: 'dict' object has no attribute 'rare_candidates'"
    with pytest.raises(TypeError, match="RescoreOptions, not dict"):
        rescore(_hunch_doc(_ibuprofen_hunch()), audio=speech(),
                options={"margin": 1.0})  # type: ignore[arg-type]


def test_rescore_does_not_let_silence_confirm_the_words_heard() -> None:
    # speech around the flag, silence where its words were "heard"
    audio = speech()
    audio[round(0.5 * SAMPLE_RATE):round(1.3 * SAMPLE_RATE)] = 0.0
    flags = [met_flag(cand("metformin", 0.7), confidence=0.8),
             Flag(reason="near_lexicon", text="ibuprofen", start=8, end=9, confidence=0.8,
                  candidates=[cand("ibuprofen", 0.7)])]
    scorer = FakeScorer({"met four": [-0.1], "metformin": [-20.0], "Metformin": [-20.0],
                         "ibuprofen": [-0.1]})
    out = rescore(make_doc(flags), audio=audio, scorer=scorer)
    assert out.flags[0] == flags[0]
    assert "acoustic" in out.flags[1].candidates[0].features
    [(_, requests)] = scorer.calls
    assert requests[0] == ("", [])  # nothing of the silent span was scored


def test_rescore_subtracts_the_language_prior() -> None:
    """A common word the decoder would write anyway must not beat a rare name on that."""
    doc = make_doc([met_flag(cand("metoprolol", 0.6), cand("metformin", 0.6))])
    table = {"met four": [-3.0], "metoprolol": [-2.0], "metformin": [-2.5]}
    plain = FakeScorer(table)
    out = rescore(doc, audio=speech(), scorer=plain,
                  options=RescoreOptions(prior_weight=0.0, casings=False))
    assert out.flags[0].candidates[0].term == "metoprolol"
    informed = FakeScorer(table)
    informed.priors = {"metoprolol": -1.0, "metformin": -6.0, "met": -2.0}
    out = rescore(doc, audio=speech(), scorer=informed,
                  options=RescoreOptions(prior_weight=1.0, casings=False))
    top = out.flags[0].candidates[0]
    assert top.term == "metformin"
    assert top.features["acoustic"] == pytest.approx((-2.5 + 6.0) - (-3.0 + 2.0))


@pytest.mark.parametrize(("options", "winner"), [
    ({}, "nitroglycerin"),  # by default
    ({"prior_among": 1.0}, "hydroxychloroquine")])  # the whole prior, as it was
def test_rescore_ranks_candidates_with_a_share_of_the_prior(options: dict[str, float],
                                                            winner: str) -> None:
    """Given silence, tiny.en gives every token of a name about 10 to 16 nats, so the whole
    prior is mostly a bonus per token: subtracted in full between two names it lifted
    the longer one the audio fits worse. Scores recorded on a dev recording ("0.4
    milligrams of nitroglycerin", heard "hydroglyther"): the audio alone prefers
    nitroglycerin by 11.4 nats, the prior favours hydroxychloroquine by 10.2."""
    doc = make_doc([met_flag(_with_prior("hydroxychloroquine", 0.808, 0.694),
                             _with_prior("nitroglycerin", 0.680, 0.806))])
    scorer = FakeScorer({"met four min": [-1.8, -0.9, -0.1, -3.3, -0.25],
                         "hydroxychloroquine": [-1.8, -7.3, -5.8, -7.7, -0.6, -3.44],
                         "nitroglycerin": [-3.4, -3.7, -3.9, -0.1, -4.08]})
    scorer.priors = {"met": -51.44, "hydroxychloroquine": -64.99, "nitroglycerin": -54.84}
    out = rescore(doc, audio=speech(), scorer=scorer,
                  options=RescoreOptions(**options))
    flag = out.flags[0]
    assert flag.candidates[0].term == winner
    # the gaps against the words heard, and the flag's confidence, keep the whole prior
    nitro = next(c for c in flag.candidates if c.term == "nitroglycerin")
    assert nitro.features["acoustic"] == pytest.approx((-15.18 + 54.84) - (-6.35 + 51.44))
    assert flag.confidence == rescore(doc, audio=speech(), scorer=scorer).flags[0].confidence


def test_rescore_weighs_rare_candidates_only_near_the_top() -> None:
    """Past ``rare_candidates``, only commonly prescribed candidates (prior >= 0.55) are
    scored; a candidate with no recorded prior is kept."""
    def priced(term: str, score: float, prior: float | None) -> Candidate:
        features = {"sound": 0.8} if prior is None else {"sound": 0.8, "prior": prior}
        return cand(term, score).model_copy(update={"features": features})

    candidates = [priced("Mydfrin", 0.9, 0.1), priced("Motrin", 0.85, 0.3),
                  priced("metoprine", 0.8, 0.1), priced("Medopren", 0.7, 0.1),
                  priced("metformin", 0.6, 0.9), priced("Metreton", 0.5, None)]
    scorer = FakeScorer({"met four min": [-3.0, -3.0, -3.0, -3.0],
                         "metformin": [-0.5, -0.6, -0.3]})
    out = rescore(make_doc([met_flag(*candidates)]), audio=speech(), scorer=scorer)
    scored = {t.split()[0] for _, requests in scorer.calls for _, texts in requests
              for t in texts}
    assert "Medopren" not in scored and {"metformin", "Metreton", "Mydfrin"} <= scored
    terms = [c.term for c in out.flags[0].candidates]
    assert terms[0] == "metformin"
    assert sorted(terms) == sorted(["Mydfrin", "Motrin", "metoprine", "metformin", "Metreton"])
    wide = rescore(make_doc([met_flag(*candidates)]), audio=speech(), scorer=FakeScorer({}),
                   options=RescoreOptions(rare_candidates=10))
    assert len(wide.flags[0].candidates) == len(candidates)
    # a flag the audio tells nothing about (silence) keeps every candidate it had
    silent = rescore(make_doc([met_flag(*candidates)]), audio=np.zeros(round(
        DURATION * SAMPLE_RATE), dtype=np.float32), scorer=FakeScorer({}))
    assert silent.flags[0].candidates == candidates


def test_rescore_weighs_the_first_common_candidates_in_the_validators_order() -> None:
    """Of the commonly prescribed candidates after ``rare_candidates``, the first
    ``common_candidates`` (8) are scored; the others leave the flag."""
    common = [_with_prior(f"Drugname{k}", 0.5 - k / 100, 0.9) for k in range(10)]
    candidates = [_with_prior("Mydfrin", 0.9, 0.1), _with_prior("Motrin", 0.85, 0.3),
                  _with_prior("metoprine", 0.8, 0.1), *common]
    scorer = FakeScorer({})
    out = rescore(make_doc([met_flag(*candidates)]), audio=speech(), scorer=scorer)
    scored = [t.split()[0] for _, requests in scorer.calls for _, texts in requests
              for t in texts]
    assert scored[1:] == [c.term for c in candidates[:3 + 8]]
    assert {c.term for c in out.flags[0].candidates} == {c.term for c in candidates[:11]}
    every = FakeScorer({})
    rescore(make_doc([met_flag(*candidates)]), audio=speech(), scorer=every,
            options=RescoreOptions(common_candidates=10))
    assert len(every.calls[0][1][0][1]) == 1 + len(candidates)


@pytest.mark.parametrize(("seconds", "expect"), [(1.0, 1.0), (None, DURATION), (100.0, DURATION)])
def test_rescore_prior_is_scored_on_at_most_prior_seconds_of_silence(
        seconds: float | None, expect: float) -> None:
    doc = make_doc([met_flag(cand("metformin", 0.6))])
    scorer = FakeScorer({})
    rescore(doc, audio=speech(), scorer=scorer,
            options=RescoreOptions(prior_seconds=seconds, casings=False))
    window = scorer.calls[0][0]
    assert window > SAMPLE_RATE  # the window is longer than 1 s: the prior's is cut to it
    assert scorer.silences == [min(window, round(expect * SAMPLE_RATE))]
    with pytest.raises(ValueError, match="prior_seconds"):
        RescoreOptions(prior_seconds=0.0)


def _hunch_doc(*hunches: Flag, flags: Sequence[Flag] = ()) -> Document:
    from uncertain.document import Validation

    doc = make_doc(flags)
    return doc.model_copy(update={"validation": Validation(
        lexicons=["drugs"], options={"flag_threshold": 0.5}, hunches=list(hunches))})


def _ibuprofen_hunch(score: float = 0.35) -> Flag:
    return Flag(reason="near_lexicon", text="ibuprofen", start=8, end=9,
                candidates=[_with_prior("bupropion", score, 0.6)], confidence=score,
                reasons=["near_lexicon"], evidence=["sound"])


@pytest.mark.parametrize(("candidate", "becomes_flag"), [
    ([-0.5, -0.5, -0.5], True),  # the candidate explains the audio better than the words
    # nearly as well (gap -0.05 nats): the fold lifts it over 0.5, but the words heard
    # still explain the audio better, so no flag
    ([-1.0, -1.0, -1.05], False),
    # better, but by less than a nat (hunch_gap): a tie is no evidence against the words
    ([-0.85, -0.85, -0.9], False),
    ([-6.0, -6.0, -6.0], False),  # worse: the words heard stand
])
def test_rescore_makes_a_flag_of_a_hunch_the_audio_bears_out(candidate: list[float],
                                                             becomes_flag: bool) -> None:
    scorer = FakeScorer({"ibuprofen": [-1.0, -1.0, -1.0], "bupropion": candidate})
    out = rescore(_hunch_doc(_ibuprofen_hunch()), audio=speech(), scorer=scorer)
    assert out.validation is not None and out.validation.hunches == []
    if becomes_flag:
        (flag,) = out.flags
        assert (flag.text, flag.candidates[0].canonical) == ("ibuprofen", "bupropion")
        assert flag.confidence is not None and flag.confidence >= 0.5
        assert flag.evidence[0] == "acoustic"
    else:
        assert out.flags == []
    assert out.segments == make_doc().segments  # the words are never touched


@pytest.mark.parametrize(("cue_before", "weighed"), [(1.0, True), (0.0, False)])
def test_rescore_weighs_only_hunches_after_a_prescribing_word(cue_before: float,
                                                              weighed: bool) -> None:
    """Fluent words before a dose are mostly no name: "with breakfast five milligrams"
    was made a flag naming Percocet, the audio favouring it by 4.8 nats."""
    hunch = _ibuprofen_hunch()
    first = hunch.candidates[0]
    hunch = hunch.model_copy(update={"candidates": [first.model_copy(update={"features": {
        **first.features, "cue_before": cue_before, "dose_context": 1.0}})]})
    scorer = FakeScorer({"ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]})
    out = rescore(_hunch_doc(hunch), audio=speech(), scorer=scorer)
    assert out.validation is not None and out.validation.hunches == []
    assert [f.candidates[0].canonical for f in out.flags] == (["bupropion"] if weighed else [])
    assert len(scorer.calls) == (1 if weighed else 0)


def test_rescore_hunches_change_nothing_of_the_flags() -> None:
    table = {"met four min": [-0.5, -1.0, -1.0, -0.5], "metformin": [-0.5, -0.6, -0.3],
             "ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]}
    flag = met_flag(cand("phenylephrine", 0.9), cand("metformin", 0.6))
    alone = rescore(make_doc([flag]), audio=speech(), scorer=FakeScorer(table))
    scorer = FakeScorer(table)
    both = rescore(_hunch_doc(_ibuprofen_hunch(), flags=[flag]), audio=speech(), scorer=scorer)
    assert both.flags[0] == alone.flags[0]
    assert [f.text for f in both.flags] == ["met four min", "ibuprofen"]
    assert len(scorer.calls) == 2  # the hunch had a window of its own


def test_rescore_progress_counts_the_windows_scored() -> None:
    """``progress`` is told each window scored of all the pass will score, the flags'
    and the hunches' (which have windows of their own); nothing when nothing is."""
    table = {"met four min": [-0.5, -1.0, -1.0, -0.5], "metformin": [-0.5, -0.6, -0.3],
             "ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]}
    flag = met_flag(cand("phenylephrine", 0.9), cand("metformin", 0.6))
    told: list[tuple[float, float | None]] = []
    rescore(_hunch_doc(_ibuprofen_hunch(), flags=[flag]), audio=speech(),
            scorer=FakeScorer(table), progress=lambda *a: told.append(a))
    assert told == [(1, 2), (2, 2)]
    told = []
    rescore(make_doc([]), audio=speech(), scorer=FakeScorer(table),
            progress=lambda *a: told.append(a))
    assert told == []


def test_rescore_a_hunch_under_a_flag_is_dropped() -> None:
    table = {"met four min": [-0.5, -1.0, -1.0, -0.5], "metformin": [-9.0],
             "four min": [-3.0, -3.0], "metoprolol": [-0.1]}
    hunch = met_flag(_with_prior("metoprolol", 0.3, 0.7), confidence=0.3).model_copy(
        update={"start": 2, "end": 4, "text": "four min"})
    flag = met_flag(cand("metformin", 0.6))
    opts = RescoreOptions(drop_below=0.0)
    out = rescore(_hunch_doc(hunch, flags=[flag]), audio=speech(), scorer=FakeScorer(table),
                  options=opts)
    assert [f.text for f in out.flags] == ["met four min"]
    assert out.validation is not None and out.validation.hunches == []
    # alone, the audio bears it out
    out = rescore(_hunch_doc(hunch), audio=speech(), scorer=FakeScorer(table), options=opts)
    assert [(f.text, f.candidates[0].term) for f in out.flags] == [("four min", "metoprolol")]


@pytest.mark.parametrize("limit", [None, "2"])
def test_rescore_hunches_alone_read_their_audio_from_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str | None) -> None:
    """(With an audio length limit under the recording's length, as a batch run's worker
    whose environment is not its driver's has: the file is the one transcribed, and its
    windows were refused as "over the limit".)"""
    import wave

    from uncertain.audio import MAX_SECONDS_ENV

    if limit is not None:
        monkeypatch.setenv(MAX_SECONDS_ENV, limit)

    path = tmp_path / "dictation.wav"
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(SAMPLE_RATE)
        fh.writeframes((speech() * 32767).astype("<i2").tobytes())
    doc = _hunch_doc(_ibuprofen_hunch())
    doc = doc.model_copy(update={"source": doc.source.model_copy(update={
        "path": str(path), "sha256": sha256_file(path)})})
    scorer = FakeScorer({"ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]})
    out = rescore(doc, scorer=scorer)
    assert [f.text for f in out.flags] == ["ibuprofen"]
    assert scorer.calls and scorer.calls[0][0] > 0  # a window of the file's samples
    # a file changed since the document was made is not scored against its words
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(SAMPLE_RATE)
        fh.writeframes((speech() * 16000).astype("<i2").tobytes())
    with pytest.raises(InputError, match="not the recording this document was transcribed"):
        rescore(doc, scorer=FakeScorer(scorer.table))


_SURE_MET = {"met four min": [-0.1, -0.1, -0.1], "metformin": [-9.0, -9.0, -9.0],
             "Metformin": [-9.0, -9.0, -9.0]}


@pytest.mark.parametrize("given", [
    lambda x: x.astype(np.float64),
    lambda x: (x * 32767).astype(np.int16),
    lambda x: np.stack([x, x], axis=1),  # (samples, channels), as soundfile gives
    lambda x: np.stack([x, x]),  # (channels, samples)
])
def test_rescore_audio_of_another_dtype_or_layout_is_the_same_audio(
        given: Callable[[np.ndarray], np.ndarray]) -> None:
    """int16 samples and a stereo (channels, samples) array were scored as they were
    (flags left unweighed in silence); (samples, channels) failed in numpy's reshape."""
    table = {"met four min": [-3.0, -3.0, -3.0], "metformin": [-0.5, -0.6, -0.3]}
    expected = rescore(make_doc([met_flag(cand("metformin", 0.6))]), audio=speech(),
                       scorer=FakeScorer(table))
    scorer = FakeScorer(table)
    out = rescore(make_doc([met_flag(cand("metformin", 0.6))]), audio=given(speech()),
                  scorer=scorer)
    assert out.flags[0].candidates[0].features["acoustic"] == pytest.approx(
        expected.flags[0].candidates[0].features["acoustic"])


@pytest.mark.parametrize(("audio", "error", "message"), [
    (np.zeros(0, np.float32), InputError, r"holds 0\.0 s of samples at 16 kHz where the "
                                          r"recording is 6\.0 s"),
    (np.zeros(3 * 8000, np.float32), InputError, "not at 16 kHz"),  # 6 s at 8 kHz
    (np.zeros((6 * SAMPLE_RATE, 20), np.float32), InputError, "as one channel"),
    (np.array(["a"] * 10), InputError, "holds <U1 values"),
    (b"RIFF....WAVEfmt ", TypeError, "not its bytes"),
])
def test_rescore_audio_that_cannot_be_the_recording_is_refused(
        audio: object, error: type[Exception], message: str) -> None:
    """Audio cut short, at another sample rate or of no numbers was scored in silence:
    windows cut where the words are not (a first candidate changed), or none."""
    with pytest.raises(error, match=message):
        rescore(make_doc([met_flag(cand("metformin", 0.6))]), audio=audio,  # type: ignore[arg-type]
                scorer=FakeScorer({}))


def test_rescore_audio_as_a_path_reads_that_file(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "elsewhere.wav", speech())
    doc = make_doc([met_flag(cand("metformin", 0.6))])
    doc = doc.model_copy(update={"source": doc.source.model_copy(update={
        "sha256": sha256_file(path)})})  # its source.path is not there
    table = {"met four min": [-3.0, -3.0, -3.0], "metformin": [-0.5, -0.6, -0.3]}
    scorer = FakeScorer(table)
    expected = rescore(doc, audio=speech(), scorer=FakeScorer(table))
    assert expected.flags != doc.flags
    for given in (path, str(path)):
        assert rescore(doc, audio=given, scorer=scorer).flags == expected.flags
    other = write_wav(tmp_path / "other.wav", speech() * 0.5)
    with pytest.raises(InputError, match="not the recording this document"):
        rescore(doc, audio=other, scorer=scorer)


def test_rescore_a_recording_that_is_not_there_says_to_pass_audio(tmp_path: Path) -> None:
    """A moved file, a relative path read from another folder, an archive's member: a
    bare FileNotFoundError, no word of audio=."""
    from uncertain.errors import MissingFileError

    doc = make_doc([met_flag(cand("metformin", 0.6))])
    for path in ("/nonexistent/dictation.wav", "calls.tar.gz::a.wav"):
        moved = doc.model_copy(update={"source": doc.source.model_copy(update={"path": path})})
        with pytest.raises(MissingFileError, match="pass audio= its samples or path"):
            rescore(moved, scorer=FakeScorer({}))


def test_rescore_checks_the_recording_before_loading_a_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service deleting an upload once transcribed had the model loaded (seconds)
    before the pass found the file gone; with nothing to weigh, the file is not read."""
    import sys

    from uncertain.errors import MissingFileError
    from uncertain.nbest import add_nbest

    # (the package's rescore and add_nbest are functions: the modules by their names)
    rescore_module, nbest_module = sys.modules["uncertain.rescore"], sys.modules["uncertain.nbest"]

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the recording was checked")

    monkeypatch.setattr(rescore_module, "scorer_for", no_model)
    monkeypatch.setattr(nbest_module, "scorer_for", no_model)
    doc = make_doc([met_flag(cand("metformin", 0.6))])
    gone = doc.model_copy(update={"source": doc.source.model_copy(update={
        "path": str(tmp_path / "upload.wav")})})
    with pytest.raises(MissingFileError, match=r"upload\.wav: the recording this document"):
        rescore(gone)
    with pytest.raises(MissingFileError, match=r"upload\.wav: the recording this document"):
        add_nbest(gone)
    changed = write_wav(tmp_path / "upload.wav", speech())  # another recording there now
    with pytest.raises(InputError, match=r"upload\.wav: is not the recording this document"):
        rescore(gone)
    changed.unlink()
    # nothing to weigh: the document as it is, its file unread, no error
    assert rescore(gone.model_copy(update={"flags": []})).flags == []


def test_rescore_with_a_loaded_model_scores_in_the_documents_language(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded model (as batch passes) scored every document's candidates as English
    tokens, whatever language it was transcribed in; a model named scored in its own."""
    from types import SimpleNamespace

    from uncertain import _acoustic

    made: list[str] = []
    monkeypatch.setattr(_acoustic, "WhisperScorer",
                        lambda model, *, pad_seconds, language="en": made.append(language))
    loaded = SimpleNamespace(model=SimpleNamespace(is_multilingual=True), feature_extractor=None)
    doc = make_doc()
    for language, expected in (("de", "de"), (None, "en")):
        doc = doc.model_copy(update={"source": doc.source.model_copy(update={
            "language": language})})
        _acoustic.scorer_for(doc, model=loaded)
        assert made[-1] == expected


def test_rescore_records_the_pass_in_the_validation(caplog: pytest.LogCaptureFixture) -> None:
    """A rescored document looked like one never rescored (a batch run's that skipped
    the pass too), and a later pass with another model changed nothing in silence."""
    from uncertain.document import AcousticPass, Validation

    doc = make_doc([met_flag(cand("metformin", 0.6)),
                    Flag(reason="near_lexicon", text="ibuprofen", start=8, end=9,
                         candidates=[cand("ibuprofen", 0.6)], confidence=0.6)])
    doc = doc.model_copy(update={
        "validation": Validation(lexicons=["drugs"]),
        "source": doc.source.model_copy(update={"model": "tiny.en"})})
    table = {"met four min": [-3.0, -3.0, -3.0], "metformin": [-0.5, -0.6, -0.3]}
    once = rescore(doc, audio=speech(), scorer=FakeScorer(table))
    assert once.validation is not None
    assert once.validation.acoustic == AcousticPass(model="tiny.en", windows=1, weighed=2)
    assert rescore(once, audio=speech(), scorer=FakeScorer(table)) == once
    with caplog.at_level("WARNING", logger="uncertain"):
        again = rescore(once, model="base", audio=speech(), scorer=FakeScorer(table))
    assert again == once
    assert "its flags were weighed by tiny.en; those are left as they are" in caplog.text
    assert Document.from_json(once.to_json()) == once


def test_rescore_a_flag_whose_words_changed_is_refused() -> None:
    """A word removed after validation left the flag on other words: rescore weighed the
    wrong seconds and changed the first candidate (lisinopril to esomeprazole) with
    flag.text still the old words."""
    doc = make_doc([met_flag(cand("metformin", 0.6))])
    words = doc.segments[0].words
    edited = doc.model_copy(update={"segments": [
        doc.segments[0].model_copy(update={"words": words[:1] + words[2:]}), doc.segments[1]]})
    with pytest.raises(ValueError, match="'met four min' is on words 1-4, which are 'four "
                                         "min five': its words were changed"):
        rescore(edited, audio=speech(), scorer=FakeScorer({}))
    # a flag another tool made, its text written without the words' marks, is on its words
    loose = make_doc([met_flag(cand("metformin", 0.6)).model_copy(update={
        "text": "Met  four-min"})])
    assert rescore(loose, audio=speech(), scorer=FakeScorer({})).flags


def test_rescore_drops_only_the_flags_it_weighed() -> None:
    """A flag of the user's (no candidates, confidence 0.03) was dropped by a pass that
    never weighed it."""
    opts = RescoreOptions(weight=1.0, confidence_weight=1.0, offset=2.0, drop_below=0.05)
    own = Flag(reason="low_confidence", text="now.", start=9, end=10, confidence=0.03,
               reasons=["low_confidence"])
    doc = make_doc([met_flag(cand("metformin", 0.7), confidence=0.5), own], heard_at=0.98)
    out = rescore(doc, audio=speech(), scorer=FakeScorer(_SURE_MET), options=opts)
    assert out.flags == [own]  # the weighed flag dropped, the user's kept


def test_rescore_twice_counts_the_audio_once() -> None:
    # a rescored document (a batch run's) rescored again: the audio's evidence is not
    # folded in a second time
    scorer = FakeScorer({"ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]})
    once = rescore(_hunch_doc(_ibuprofen_hunch()), audio=speech(), scorer=scorer)
    assert [f.text for f in once.flags] == ["ibuprofen"]
    again = FakeScorer(scorer.table)
    assert rescore(once, audio=speech(), scorer=again) == once
    assert again.calls == []


def test_rescore_a_hunch_for_a_rare_substance_stays_a_hunch() -> None:
    scorer = FakeScorer({"ibuprofen": [-1.0, -1.0, -1.0], "bupropion": [-0.5, -0.5, -0.5]})
    common = rescore(_hunch_doc(_ibuprofen_hunch()), audio=speech(), scorer=scorer)
    rare = _ibuprofen_hunch().model_copy(update={"candidates": [
        _with_prior("bupropion", 0.35, 0.1)]})
    out = rescore(_hunch_doc(rare), audio=speech(), scorer=FakeScorer(scorer.table))
    assert [f.text for f in common.flags] == ["ibuprofen"] and out.flags == []


@pytest.mark.parametrize("lengths", [[], [7], [5, 5, 40, 5, 6, 22, 23, 21, 8], [3] * 30,
                                     list(range(1, 60, 3)), [9, 2, 9, 2, 9, 2]])
def test_scorer_batches_cover_every_text_once(lengths: list[int]) -> None:
    from uncertain._acoustic import _batches

    batches = _batches(lengths)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert all(batches)
    # neighbouring lengths: no batch holds a text longer than the shortest of the next
    longest = [max(lengths[i] for i in batch) for batch in batches]
    shortest = [min(lengths[i] for i in batch) for batch in batches]
    assert all(a <= b for a, b in zip(longest, shortest[1:], strict=False))


def test_scorer_batches_keep_texts_of_near_lengths_together() -> None:
    # CTranslate2 pads a batch to its longest text: a long prefix's texts go apart from
    # the short ones, and texts a token or two apart stay in one call
    from uncertain._acoustic import _batches

    short, long = [8, 9, 7, 8, 10, 8], [24, 25, 23, 26]
    batches = _batches(short + long)
    assert sorted(map(sorted, batches)) == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]]
    assert _batches([8, 9, 7, 8]) == [[2, 0, 3, 1]]
    # a call is worth its cost only when it saves more padding than it costs
    assert len(_batches([8, 9, 7, 8], call=0)) == 3
    assert len(_batches([8, 30], call=1000)) == 1


def test_scorer_batches_hold_a_few_texts_each() -> None:
    # CTranslate2 repeats the encoded window for each text of a call, and a call of many
    # texts costs more per text: texts of one length go in calls of at most eight
    from uncertain._acoustic import _MOST_TEXTS, _batches

    batches = _batches([8] * 20)
    assert _MOST_TEXTS == 8 and sorted(len(b) for b in batches) == [4, 8, 8]
    assert sorted(i for b in batches for i in b) == list(range(20))
    assert len(_batches([8] * 20, most=20)) == 1


def test_scorer_log_mel_is_faster_whispers() -> None:
    # the features the scorer encodes are faster-whisper's, to the bit
    from faster_whisper.feature_extractor import FeatureExtractor

    from uncertain._acoustic import log_mel

    extractor = FeatureExtractor(feature_size=80)
    rng = np.random.default_rng(3)
    for n in (400, 16_000, 40_321, 16_000 * 7 + 5):
        samples = (rng.standard_normal(n) * 0.2).astype(np.float32)
        assert np.array_equal(log_mel(extractor, samples), extractor(samples))
    # an extractor of another make is called as it is
    assert log_mel(lambda x: np.ones((80, 3)), samples).shape == (80, 3)


def test_scorer_encodes_without_the_extractors_own_call(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    # the extractor's own Mel product runs on every core for a window's few frames
    from types import SimpleNamespace

    from faster_whisper.feature_extractor import FeatureExtractor

    from uncertain._acoustic import WhisperScorer

    def refused(self: FeatureExtractor, *args: object, **kwargs: object) -> None:
        raise AssertionError("FeatureExtractor.__call__")

    monkeypatch.setattr(FeatureExtractor, "__call__", refused)
    seen: list[tuple[int, ...]] = []
    scorer = WhisperScorer.__new__(WhisperScorer)
    scorer.pad_seconds, scorer.min_seconds = None, 2.0
    scorer.model = SimpleNamespace(
        feature_extractor=FeatureExtractor(feature_size=80),
        model=SimpleNamespace(encode=lambda view, to_cpu: seen.append(view.shape)))
    scorer.encode(speech(2.5))
    assert seen == [[1, 80, 300]]


# -- words that would flip an instruction ----------------------------------------------


def _heard_start(confidence: float, flags: Sequence[Flag] = ()) -> Document:
    """The dictation with "Start" (said "Stop"?) heard at ``confidence``."""
    doc = make_doc(flags)
    words = doc.segments[1].words
    return doc.model_copy(update={"segments": [doc.segments[0], doc.segments[1].model_copy(
        update={"words": [words[0].model_copy(update={"confidence": confidence}),
                          *words[1:]]})]})


@pytest.mark.parametrize(("stop", "flagged"), [
    ([-0.5, -0.5, -0.5], True),  # "Stop" explains the audio better than "Start" by 1.5
    ([-0.2, -0.5, -0.5], True),  # by 1.8 nats
    # an opposite the recogniser seldom writes for the other: a near tie is no evidence
    ([-1.0, -0.5, -0.5], False),  # ahead by a nat (right "Stop"s of the dev sets: 1.2)
    ([-2.0, -1.0, -1.0], False),  # a nat behind
    ([-4.0, -2.0, -1.0], False),  # far worse
])
def test_rescore_flags_a_doubtful_word_whose_opposite_explains_the_audio(
        stop: list[float], flagged: bool) -> None:
    """"Stop ibuprofen" heard "Start ibuprofen" (at 0.74) was told the LLM with no doubt."""
    scorer = FakeScorer({"Start": [-1.0, -1.0, -1.0], "Stop": stop})
    # the language prior is not subtracted: it would put "Stop" 10 nats ahead
    scorer.priors = {"Start": 0.0, "Stop": -10.0}
    out = rescore(_heard_start(0.74), audio=speech(), scorer=scorer)
    (call,) = scorer.calls
    assert call[1] == [("", ["Start ibuprofen", "Stop ibuprofen"])]
    if not flagged:
        assert out.flags == []
        return
    (flag,) = out.flags
    assert (flag.reason, flag.reasons, flag.text, flag.start, flag.end) == (
        "confusable", ["confusable"], "Start", 7, 8)
    assert flag.evidence == ["acoustic"] and flag.confidence == pytest.approx(0.6)
    (candidate,) = flag.candidates
    assert candidate.term == "Stop" and candidate.evidence == ["acoustic"]
    assert candidate.features["acoustic"] == pytest.approx(sum(stop) - -3.0)
    from uncertain.render import render

    assert '<unsure p="0.40" maybe="Stop">Start</unsure> ibuprofen' in str(render(out))


def _heard_dose(text: str, confidence: float) -> Document:
    """The dictation with its "five" heard as ``text`` at ``confidence``."""
    doc = make_doc()
    words = list(doc.segments[0].words)
    words[4] = words[4].model_copy(update={"text": text, "confidence": confidence})
    return doc.model_copy(update={"segments": [
        doc.segments[0].model_copy(update={"words": words}), doc.segments[1]]})


@pytest.mark.parametrize(("fifteen", "flagged"), [
    ([-1.0, -1.5], True),  # "15" a nat behind "50": a teen and its tens are one
    ([-1.5, -1.5], True),  # unstressed syllable apart, a near tie is a doubt
    ([-2.0, -1.6], False),  # 1.6 nats behind
])
def test_rescore_flags_a_tens_whose_teen_nearly_ties(fifteen: list[float],
                                                      flagged: bool) -> None:
    scorer = FakeScorer({"50": [-1.0, -0.5], "15": fifteen})
    out = rescore(_heard_dose("50", 0.6), audio=speech(), scorer=scorer)
    assert [(f.reason, f.text, [c.term for c in f.candidates]) for f in out.flags] == (
        [("confusable", "50", ["15"])] if flagged else [])


def test_rescore_weighs_each_opposite_in_a_window_of_its_own() -> None:
    """What the decoder expects of "Stop" against "Start" hangs on the words just before
    it: each word is scored after its own context, not after the words heard from a
    window shared with another (the demo's "Start", said "Stop": 1.1 nats behind after
    a shared window's sentences, 2.2 ahead after its own)."""
    doc = _heard_dose("50", 0.6)
    words = doc.segments[1].words
    doc = doc.model_copy(update={"segments": [doc.segments[0], doc.segments[1].model_copy(
        update={"words": [words[0].model_copy(update={"confidence": 0.6}), *words[1:]]})]})
    scorer = FakeScorer({"Stop": [-0.1], "15": [-9.0], "Start": [-3.0], "50": [-3.0]})
    out = rescore(doc, audio=speech(), scorer=scorer)
    assert sorted(requests for _, requests in scorer.calls) == [
        [("", ["Start ibuprofen", "Stop ibuprofen"])],
        [("four min", ["50 hundred", "15 hundred"])]]
    assert [(f.text, f.candidates[0].term) for f in out.flags] == [("Start", "Stop")]


def test_rescore_weighs_no_opposite_of_a_word_heard_sure_or_in_a_flag() -> None:
    scorer = FakeScorer({"Start": [-3.0], "Stop": [-0.1]})
    sure = _heard_start(0.85)
    assert rescore(sure, scorer=scorer) is sure  # nothing to weigh: the file is not read
    # a word the validator flagged is weighed as its flag says, not as an instruction's
    own = Flag(reason="low_confidence", text="Start", start=7, end=8, confidence=0.4,
               reasons=["low_confidence"])
    doubted = _heard_start(0.6, [own])
    assert rescore(doubted, scorer=scorer) is doubted
    assert scorer.calls == []


def test_rescore_weighs_the_opposites_once() -> None:
    from uncertain.document import Validation

    doc = _heard_start(0.6).model_copy(update={"validation": Validation(lexicons=["drugs"])})
    scorer = FakeScorer({"Start": [-1.0], "Stop": [-5.0]})
    once = rescore(doc, audio=speech(), scorer=scorer)
    assert once.flags == [] and once.validation is not None
    assert once.validation.acoustic is not None and once.validation.acoustic.weighed == 1
    again = FakeScorer(scorer.table)
    assert rescore(once, audio=speech(), scorer=again) == once
    assert again.calls == []


@pytest.mark.parametrize(("heard", "said"), [
    ("Start", ["Stop"]), ("stopped,", ["started,"]), ("Increase", ["Decrease"]),
    ("discontinued.", ["continued."]), ("before", ["after"]), ("With", ["Without"]),
    ("15", ["50"]), ("(40", ["(14"]), ("fifteen", ["fifty"]), ("Ninety", ["Nineteen"]),
    ("hypokalemia", ["hyperkalemia"]), ("Hypertension.", ["Hypotension."]),
    ("hypothesis", []), ("hold", []), ("130", []), ("ibuprofen", []), ("5", []),
    ("starter", []), ("", []),
])
def test_flip_counterparts(heard: str, said: list[str]) -> None:
    from uncertain._flips import counterparts

    assert counterparts(heard) == said


@pytest.mark.parametrize(("heard", "teen_or_tens"), [
    ("15", True), ("(40", True), ("Fifty,", True), ("nineteen", True),
    ("Start", False), ("Decrease", False), ("with", False), ("hyperkalemia", False),
    ("130", False), ("5", False), ("10", False), ("", False),
])
def test_flip_teen_or_tens(heard: str, teen_or_tens: bool) -> None:
    """The pairs a recogniser confuses often, told from the opposites it seldom does."""
    from uncertain._flips import teen_or_tens as pair

    assert pair(heard) is teen_or_tens
