"""Decoder alternatives: aligning n-best hypotheses to the words heard, with a fake decoder."""

from __future__ import annotations

import math

import numpy as np
import pytest

from uncertain.audio import SAMPLE_RATE
from uncertain.document import Alternative, Document, Flag, Segment, Source, Word
from uncertain.nbest import NbestOptions, add_nbest, align_hypothesis


@pytest.mark.parametrize(
    ("words", "hypothesis", "expected"),
    [
        ("Continue met four min five", "Continue metformin five", [(1, "metformin")]),
        ("Start listing up little ten", "Start lisinopril 10.", [(1, "lisinopril 10")]),
        ("take two a day", "take 2 a day", [(1, "2")]),
        ("take two a day", "Take two a day.", []),  # case and punctuation are no change
        ("a b c", "a c", []),  # a dropped word has nothing to offer
        ("a b c", "a b x c", []),  # nor an inserted one
        ("or master ten", "atorvastatin ten", [(0, "atorvastatin")]),
        ("one two", "three four", [(0, "three"), (1, "four")]),
    ],
)
def test_nbest_align_hypothesis(words: str, hypothesis: str,
                                expected: list[tuple[int, str]]) -> None:
    assert align_hypothesis(words.split(), hypothesis.split()) == expected


class FakeDecoder:
    def __init__(self, hypotheses: list[tuple[str, float]]) -> None:
        self.hypotheses = hypotheses
        self.calls: list[tuple[int, int]] = []

    def nbest(self, audio: np.ndarray, n: int) -> list[tuple[str, float]]:
        self.calls.append((len(audio), n))
        return self.hypotheses[:n]


def make_doc(modality: str = "audio") -> Document:
    doubtful = [Word(text=t, start=s, end=s + 0.3, confidence=c) for t, s, c in
                [("Continue", 0.0, 0.9), ("met", 0.3, 0.4), ("four", 0.6, 0.3),
                 ("min", 0.9, 0.5), ("daily.", 1.2, 0.9)]]
    sure = [Word(text=t, start=s, end=s + 0.3, confidence=0.95) for t, s in
            [("Check", 2.0), ("potassium.", 2.3)]]
    doubtful[1] = doubtful[1].model_copy(update={
        "alternatives": [Alternative(text="mat", confidence=0.1, source="other")]})
    source = Source(path="/nonexistent.wav", sha256="0" * 64, modality=modality,  # type: ignore[arg-type]
                    engine="faster-whisper", duration=3.0)
    return Document(source=source, segments=[
        Segment(id=0, words=doubtful, start=0.0, end=1.5),
        Segment(id=1, words=sure, start=2.0, end=2.6)],
        flags=[Flag(reason="low_confidence", text="four", start=2, end=3, confidence=0.7)])


AUDIO = np.full(3 * SAMPLE_RATE, 0.1, dtype=np.float32)
HYPOTHESES = [("Continue met four min daily.", -3.0), ("Continue metformin daily.", -3.5),
              ("Continue met for me daily.", -5.0), ("Continue Metformin daily.", -6.0)]


def test_nbest_adds_alternatives_to_doubtful_segments_only() -> None:
    doc = make_doc()
    decoder = FakeDecoder(HYPOTHESES)
    out = add_nbest(doc, audio=AUDIO, n=4, decoder=decoder)
    assert decoder.calls == [(round(1.7 * SAMPLE_RATE), 4)]  # segment 0 plus 0.2 s margin
    met = out.segments[0].words[1]
    weights = [math.exp(t + 3.0) for _, t in HYPOTHESES]
    p_metformin = (weights[1] + weights[3]) / sum(weights)  # casings are one alternative
    assert [a.text for a in met.alternatives] == ["mat", "metformin"]
    assert met.alternatives[0].source == "other"  # what was there stays first
    assert met.alternatives[1].source == "nbest"
    assert met.alternatives[1].confidence == pytest.approx(p_metformin, abs=1e-4)
    four = out.segments[0].words[2]
    assert [a.text for a in four.alternatives] == ["for"]
    assert out.segments[1] == doc.segments[1]


def test_nbest_changes_no_word_time_or_flag() -> None:
    doc = make_doc()
    out = add_nbest(doc, audio=AUDIO, decoder=FakeDecoder(HYPOTHESES))
    strip = [[w.model_dump(exclude={"alternatives"}) for w in s.words] for s in out.segments]
    assert strip == [[w.model_dump(exclude={"alternatives"}) for w in s.words]
                     for s in doc.segments]
    assert out.flags == doc.flags
    assert out.source.options["nbest"] == 4


@pytest.mark.parametrize("modality", ["text", "image"])
def test_nbest_is_a_noop_off_audio(modality: str) -> None:
    doc = make_doc(modality)
    decoder = FakeDecoder(HYPOTHESES)
    assert add_nbest(doc, decoder=decoder) is doc
    assert decoder.calls == []


def test_nbest_is_a_noop_when_every_word_is_confident() -> None:
    doc = make_doc()
    decoder = FakeDecoder(HYPOTHESES)
    assert add_nbest(doc, decoder=decoder, options=NbestOptions(below=0.1)) is doc
    assert decoder.calls == []


def test_nbest_needs_two_hypotheses() -> None:
    with pytest.raises(ValueError, match="n >= 2"):
        add_nbest(make_doc(), n=1, decoder=FakeDecoder(HYPOTHESES))
