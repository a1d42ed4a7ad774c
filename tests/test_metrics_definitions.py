"""Metric definitions on small hand-computed cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncertain import metrics


@pytest.mark.parametrize(
    ("labels", "scores", "expected"),
    [
        ([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], 1.0),  # perfect detector
        ([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0.0),  # inverted
        ([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5], 0.5),  # all tied
        ([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.75),  # 3 of 4 (right, wrong) pairs ordered
        ([1, 0], [0.6, 0.6], 0.5),  # a tie counts one half
        ([1, 1, 1], [0.2, 0.5, 0.9], 0.5),  # one class only (NeMo's convention)
    ],
)
def test_metrics_auc_roc_hand_cases(labels: list[int], scores: list[float], expected: float
                                    ) -> None:
    assert metrics.auc_roc(labels, scores) == pytest.approx(expected)


def test_metrics_auc_roc_same_for_either_positive_class() -> None:
    labels = [1, 0, 1, 1, 0, 1]
    scores = [0.9, 0.4, 0.35, 0.8, 0.6, 0.1]
    wrong = [1 - y for y in labels]
    assert metrics.auc_roc(labels, scores) == pytest.approx(
        metrics.auc_roc(wrong, [1 - s for s in scores]))


@pytest.mark.parametrize(
    ("func", "labels", "scores", "expected"),
    [
        # right words positive: ranks 1, 0, 0, 1 -> 1/2 * 1 + 1/2 * 2/4
        (metrics.auc_pr, [1, 0, 0, 1], [0.8, 0.7, 0.6, 0.5], 0.75),
        # wrong words positive on 1 - score: ranks 0, 1, 1, 0 -> 1/2 * 1/2 + 1/2 * 2/3
        (metrics.auc_nt, [1, 0, 0, 1], [0.8, 0.7, 0.6, 0.5], 0.25 + 1 / 3),
        (metrics.auc_pr, [1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.5 + 0.5 * 2 / 3),
        (metrics.auc_pr, [0, 0], [0.3, 0.9], 0.0),  # no positive
        (metrics.auc_nt, [1, 1], [0.3, 0.9], 0.0),  # no error
        (metrics.auc_pr, [1, 0, 1], [0.5, 0.5, 0.5], 2 / 3),  # one tied threshold
    ],
)
def test_metrics_average_precision_hand_cases(func: object, labels: list[int],
                                              scores: list[float], expected: float) -> None:
    assert func(labels, scores) == pytest.approx(expected)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("labels", "scores", "expected"),
    [
        ([1, 1, 1, 0, 1, 0, 0, 0], [0.75] * 4 + [0.25] * 4, 0.0),  # calibrated table
        ([1, 1, 1, 0, 0, 1], [0.9] * 4 + [0.2] * 2, (4 * 0.15 + 2 * 0.3) / 6),
        ([1, 0], [1.0, 0.0], 0.0),  # the end points fall in the end bins
        ([0, 0], [1.0, 1.0], 1.0),
        ([], [], 0.0),
    ],
)
def test_metrics_ece_hand_cases(labels: list[int], scores: list[float], expected: float
                                ) -> None:
    assert metrics.ece(labels, scores, n_bins=10) == pytest.approx(expected)


def test_metrics_reliability_bins_count_every_word() -> None:
    bins = metrics.reliability([1, 0, 1], [0.05, 0.55, 1.0], n_bins=2)
    assert [(b.low, b.high, b.count) for b in bins] == [(0.0, 0.5, 1), (0.5, 1.0, 2)]
    assert bins[1].confidence == pytest.approx(0.775)
    assert bins[1].accuracy == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("labels", "scores", "expected"),
    [
        ([1, 0], [0.8, 0.2], (math.log(2) + math.log(0.8)) / math.log(2)),
        ([1, 1, 1, 0], [0.75] * 4, 0.0),  # the base rate for every word
        ([1, 0], [1.0, 0.0], 1.0),  # certain and right
        ([1, 1], [0.3, 0.9], -math.inf),  # one class only (NeMo's convention)
    ],
)
def test_metrics_nce_hand_cases(labels: list[int], scores: list[float], expected: float
                                ) -> None:
    assert metrics.nce(labels, scores) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("Take ten milligrams.", "take 10 milligrams", 0.0),
        ("The colour is grey", "the color is gray", 0.0),
        ("Doctor Smith", "Dr. Smith", 0.0),
        ("take five hundred mg", "take 500 mg", 0.0),
        ("take ten milligrams", "take two milligrams", 1 / 3),
        ("a b c d", "a x d e", 3 / 4),
        ("", "", 0.0),
        ("", "hello", 1.0),
        ("", "uh", 0.0),  # the normaliser drops fillers
        ("one two", "", 1.0),
    ],
)
def test_metrics_wer_normalised(reference: str, hypothesis: str, expected: float) -> None:
    assert metrics.wer(reference, hypothesis) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "speech", "print_"),
    [
        ("The meéting, at 10.", "the meeting at 10", "the meéting at 10"),
        ("Amoxicillín 500-mg", "amoxicillin 500 mg", "amoxicillín 500 mg"),
        ("Patient’s dose: ten", "patient s dose 10", "patient's dose ten"),
        ("ＡＢＣ Metformin", "abc metformin", "abc metformin"),  # NFKC, casefold
    ],
)
def test_metrics_print_is_compared_as_written(text: str, speech: str, print_: str) -> None:
    # Whisper's normaliser strips diacritics and spells numbers in digits: right for
    # speech, but an OCR error in an accent would count as right
    assert metrics.normalize(text) == speech
    assert metrics.normalize(text, "print") == print_


def test_metrics_align_words_in_print_counts_a_misread_accent() -> None:
    words = ["The", "meéting", "is", "at", "ten."]
    assert metrics.align_words("The meeting is at ten.", words).words == [True] * 5
    assert metrics.align_words("The meeting is at ten.", words, how="print").words == [
        True, False, True, True, True]
    assert metrics.wer("the meeting", "the meéting", how="print") == pytest.approx(0.5)


def test_metrics_wer_without_normalisation_counts_ten_against_10() -> None:
    assert metrics.wer("take ten", "take 10", normalized=False) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("ref", "hyp", "counts", "marks"),
    [
        ([], [], (0, 0, 0, 0), []),
        ([], ["a", "b"], (0, 0, 2, 0), [False, False]),
        (["a", "b"], [], (0, 2, 0, 0), []),
        (["a", "b"], ["a", "b"], (0, 0, 0, 2), [True, True]),
        (["a", "b", "c"], ["a", "x", "c"], (1, 0, 0, 2), [True, False, True]),
        # a tie in edit cost is resolved towards keeping "d" matched
        (["a", "b", "c", "d"], ["a", "x", "d", "e"], (1, 1, 1, 2), [True, False, True, False]),
    ],
)
def test_metrics_align_edges_and_ties(ref: list[str], hyp: list[str],
                                      counts: tuple[int, int, int, int], marks: list[bool]
                                      ) -> None:
    ops = metrics.align(ref, hyp)
    c = metrics.error_counts(ops)
    assert (c.substitutions, c.deletions, c.insertions, c.hits) == counts
    assert metrics.correct_marks(ref, hyp) == marks
    # the blocks cover both sequences, in order
    assert sum(op.i2 - op.i1 for op in ops) == len(ref)
    assert sum(op.j2 - op.j1 for op in ops) == len(hyp)


@pytest.mark.parametrize(
    ("reference", "words", "owner", "marks"),
    [
        ("we do not stop", ["we", "don't", "stop", "—"], [(0,), (1,), (1,), (2,)],
         [True, True, True, None]),
        # the whole text is normalised, so a number spelled over two words still matches
        ("take 500 mg", ["take", "five", "hundred", "mg"], [(0,), (1, 2), (3,)],
         [True, True, True, True]),
        ("take 500 mg", ["take", "five", "mg"], [(0,), (1,), (2,)], [True, False, True]),
        ("", ["hello"], [(0,)], [False]),
        ("hello", [], [], []),
    ],
)
def test_metrics_align_words_owners_and_marks(reference: str, words: list[str],
                                              owner: list[tuple[int, ...]],
                                              marks: list[bool | None]) -> None:
    aligned = metrics.align_words(reference, words)
    assert aligned.owner == owner
    assert aligned.words == marks


@pytest.mark.parametrize(
    ("predicted", "actual", "expected"),
    [
        ([True, True, False, False], [True, False, True, False], (0.5, 0.5)),
        ([False, False], [True, False], (None, 0.0)),
        ([True, False], [False, False], (0.0, None)),
    ],
)
def test_metrics_precision_recall(predicted: list[bool], actual: list[bool],
                                  expected: tuple[float | None, float | None]) -> None:
    assert metrics.precision_recall(predicted, actual) == expected


@pytest.mark.parametrize(
    ("labels", "scores"),
    [([1, 2], [0.5, 0.5]), ([1], [0.5, 0.5]), ([1], [math.nan])],
)
def test_metrics_refuse_bad_input(labels: list[int], scores: list[float]) -> None:
    with pytest.raises(ValueError):
        metrics.auc_roc(labels, scores)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcd"), max_size=12), st.lists(st.sampled_from("abcd"),
                                                                 max_size=12))
def test_metrics_align_is_a_minimum_edit_alignment(ref: list[str], hyp: list[str]) -> None:
    from rapidfuzz.distance import Levenshtein

    ops = metrics.align(ref, hyp)
    assert metrics.error_counts(ops).errors == Levenshtein.distance(ref, hyp)
    i = j = 0
    for op in ops:  # contiguous blocks in order, and "equal" blocks really are equal
        assert (op.i1, op.j1) == (i, j)
        if op.tag == "equal":
            assert ref[op.i1:op.i2] == hyp[op.j1:op.j2]
        i, j = op.i2, op.j2
    assert (i, j) == (len(ref), len(hyp))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 20)), min_size=1, max_size=30))
def test_metrics_auc_roc_ignores_monotone_rescaling(pairs: list[tuple[bool, int]]) -> None:
    labels = [int(y) for y, _ in pairs]
    scores = [k / 20 for _, k in pairs]  # coarse, so ties happen
    squashed = [k ** 3 / 8000 for _, k in pairs]  # strictly increasing in k
    assert metrics.auc_roc(labels, scores) == pytest.approx(metrics.auc_roc(labels, squashed))
    flipped = [1 - y for y in labels]
    assert metrics.auc_roc(flipped, [-s for s in scores]) == pytest.approx(
        metrics.auc_roc(labels, scores))


def test_metrics_align_words_reads_glued_words_as_one() -> None:
    # Whisper writes 7.5 as "7" ".5" with no space between them
    words = ["Take", "7", ".5", "milligrams"]
    glued = metrics.align_words("take 7.5 milligrams", words, glued=[False, True, False, False])
    assert glued.words == [True, True, True, True]
    assert glued.owner[1] == (1, 2)
    apart = metrics.align_words("take 7.5 milligrams", words)
    assert apart.words == [True, False, False, True]
