"""Calibration: fitting, the file round trip, applying, refusing, and the shipped files."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import numpy as np
import pytest

from uncertain import metrics
from uncertain._context import in_digits
from uncertain.calibrate import (
    FEATURES,
    METHODS,
    apply_calibration,
    calibrate_document,
    default_features,
    load_calibration,
    resolve_calibration,
    shipped_calibrations,
    word_features,
)
from uncertain.calibrate_fit import fit, fit_best, labelled_words, word_labels
from uncertain.document import Document, Segment, Source, Token, Word
from uncertain.errors import CalibrationError

FIXTURE = Path(__file__).resolve().parent / "data" / "calibration_dev_features.json"


def synthetic(seed: int, *, n_docs: int = 30, n_words: int = 25, engine: str = "faster-whisper",
              model: str | None = "tiny.en") -> tuple[list[Document], list[list[bool | None]]]:
    """Documents whose confidence is overconfident: a word with confidence c is right with
    probability c ** 3. Returns the documents and each word's right/wrong label."""
    rng = random.Random(seed)
    docs: list[Document] = []
    labels: list[list[bool | None]] = []
    for d in range(n_docs):
        words: list[Word] = []
        labs: list[bool | None] = []
        for k in range(n_words):
            c = rng.uniform(0.3, 1.0)
            words.append(Word(text=rng.choice(["the", "dose", "metformin", "daily"]),
                              confidence=c, raw_score=c, start=k * 0.5, end=k * 0.5 + 0.4,
                              tokens=[Token(text="x", probability=c)]))
            labs.append(rng.random() < c ** 3)
        source = Source(path=f"a{seed}-{d}.wav", sha256="0" * 64, modality="audio",
                        engine=engine, model=model)
        segment = Segment(id=0, words=words, avg_logprob=-0.3, no_speech_prob=0.01)
        docs.append(Document(source=source, segments=[segment]))
        labels.append(labs)
    return docs, labels


def hand_built(segments: list[list[tuple[str, float | None, float | None]]], *,
               engine: str = "faster-whisper") -> Document:
    """A document of (text, start, end) words, one inner list per segment."""
    built = [Segment(id=n, words=[Word(text=t, confidence=0.8, start=a, end=b)
                                  for t, a, b in words]) for n, words in enumerate(segments)]
    source = Source(path="hand.wav", sha256="0" * 64, modality="audio", engine=engine,
                    model="tiny.en")
    return Document(source=source, segments=built)


def test_calibrate_position_features_follow_the_segments() -> None:
    doc = hand_built([[(" The", 0.0, 0.3), (" dose", 0.3, 0.6), (" Metformin", 0.6, 1.2)],
                      [(" Daily", 1.2, 1.5)],
                      [(" twice", 1.5, 1.8), (" daily", 1.8, 2.1)]])
    rows = word_features(doc)
    assert [r["first_in_segment"] for r in rows] == [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]
    # a capital counts only inside a segment: every segment starts with one
    assert [r["capitalised"] for r in rows] == [0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    assert [r["zipf_previous"] for r in rows] == [
        None, rows[0]["zipf"], rows[1]["zipf"], None, None, rows[4]["zipf"]]
    assert all(r["zipf"] is not None and r["zipf"] > 0 for r in rows)
    one_word = rows[3]  # a one-word segment has no neighbours
    assert one_word["logit_previous"] is None and one_word["logit_next"] is None


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(0.0, 0.4, math.log(0.1)),  # 4 characters in 0.4 s
     (1.0, 1.0, math.log(0.005)),  # a zero-length word is floored at 5 ms a character
     (None, None, None), (0.5, None, None)],
)
def test_calibrate_log_seconds_per_char(start: float | None, end: float | None,
                                        expected: float | None) -> None:
    row = word_features(hand_built([[(" dose", start, end)]]))[0]
    if expected is None:
        assert row["seconds_per_char"] is None and row["log_seconds_per_char"] is None
    else:
        assert row["log_seconds_per_char"] == pytest.approx(expected)


def test_calibrate_word_features_look_up_frequency_only_when_read() -> None:
    doc = hand_built([[(" the", 0.0, 0.2), (" dose", 0.2, 0.5)]])
    assert word_features(doc, names=["logit_confidence"])[1]["zipf_previous"] is None
    rows = word_features(doc, names=["zipf_previous"])
    assert "lexicon_near" not in rows[0]  # no validation pass unless a lexicon feature is read
    assert rows[1]["zipf_previous"] == pytest.approx(rows[0]["zipf"]) and rows[0]["zipf"]


def test_calibrate_lexicon_features_mark_a_misheard_drug_and_a_verified_one() -> None:
    """'met for me' sounds like metformin; 'lisinopril' heard confidently is verified."""
    doc = hand_built([[(" Continue", 0.0, 0.4), (" met", 0.4, 0.6), (" for", 0.6, 0.7),
                       (" me", 0.7, 0.9), (" 500", 0.9, 1.3), (" milligrams.", 1.3, 1.9)],
                      [(" Start", 2.0, 2.3), (" lisinopril", 2.3, 2.9), (" today.", 2.9, 3.3)]])
    rows = word_features(doc)
    near = [r["lexicon_near"] for r in rows]
    assert all(v is not None and v > 0.5 for v in near[1:4]), near
    assert near[0] == near[4] == near[5] == near[6] == 0.0
    assert [r["lexicon_verified"] for r in rows] == [0.0] * 7 + [1.0, 0.0]
    assert "lexicon_near" not in word_features(doc, names=["logit_confidence"])[1]


def test_calibrate_default_features_leave_out_what_was_measured_to_hurt() -> None:
    position = {"first_in_segment", "capitalised", "zipf_previous"}
    assert set(default_features("faster-whisper")) == set(FEATURES) - {"lexicon_verified"}
    assert set(default_features("tesseract")) == set(FEATURES) - position - {"lexicon_near"}
    assert set(default_features("another-engine")) == set(FEATURES)


def test_calibrate_tesseract_is_fitted_without_position_features() -> None:
    position = {"first_in_segment", "capitalised", "zipf_previous"}
    docs, labels = synthetic(9, n_docs=10, engine="tesseract", model="eng")
    rows, ys = [], []
    for d, lab in zip(docs, labels, strict=True):
        r, y = labelled_words(d, lab)
        rows += r
        ys += y
    cal = fit(rows, ys, method="platt", engine="tesseract", model="eng")
    assert not position & set(cal.features)
    whisper = fit(rows, ys, method="platt", engine="faster-whisper", model="tiny.en")
    assert "first_in_segment" in whisper.features
    chosen = fit(rows, ys, method="platt", engine="tesseract", model="eng",
                 features=["logit_confidence", "first_in_segment"])
    assert chosen.features == ["logit_confidence", "first_in_segment"]


def test_calibrate_a_file_with_fewer_features_still_applies(tmp_path: Path) -> None:
    """Files list their own features: one fitted before a feature existed keeps working."""
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "format": "uncertain-calibration", "version": 1, "id": "old", "engine": "faster-whisper",
        "model": "tiny.en", "method": "platt", "features": ["logit_confidence", "zipf"],
        "mean": [1.0, 5.0], "scale": [2.0, 1.0], "coef": [1.5, 0.5], "intercept": -0.2,
    }), encoding="utf-8")
    cal = load_calibration(path)
    doc = hand_built([[(" The", 0.0, 0.3), (" dose", 0.3, 0.6)]])
    out = apply_calibration(doc, cal)
    rows = word_features(doc)
    for word, row in zip(out.words, rows, strict=True):
        logit, zipf = row["logit_confidence"], row["zipf"]
        assert logit is not None and zipf is not None
        z = 1.5 * (logit - 1.0) / 2.0 + 0.5 * (zipf - 5.0) - 0.2
        assert word.confidence == pytest.approx(1 / (1 + math.exp(-z)))


def test_calibrate_number_map_applies_to_words_in_digits_only(tmp_path: Path) -> None:
    """A number map moves the words written in digits ("20", "7.5", "40,"), on the logit,
    after the word map; other words, spelled numbers included, keep the word map's."""
    cal = load_calibration(_write(tmp_path, {"method": "temperature", "temperature": 2.0,
                                             "numbers": [0.5, 1.0]}))
    doc = hand_built([[(" Take", 0.0, 0.3), (" 20", 0.3, 0.6), (" 7.5", 0.6, 0.9),
                       (" forty,", 0.9, 1.2), (" 40,", 1.2, 1.5)]])
    out = apply_calibration(doc, cal)
    word_map = cal.predict_words(word_features(doc))
    for word, p, digits in zip(out.words, word_map, (False, True, True, False, True),
                               strict=True):
        q = 1 / (1 + math.exp(-(0.5 * math.log(p / (1 - p)) + 1.0))) if digits else p
        assert word.confidence == pytest.approx(q), word.text
    again = load_calibration(_write(tmp_path, cal.to_dict(), name="again.json"))
    assert again.numbers == [0.5, 1.0]


def _write(tmp_path: Path, fields: dict[str, object], name: str = "cal.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"format": "uncertain-calibration", "version": 1, "id": "t",
                                "engine": "faster-whisper", "model": "tiny.en", **fields}),
                    encoding="utf-8")
    return path


def test_calibrate_fit_numbers_learns_that_numbers_are_righter() -> None:
    """Numbers right more often than words at the same score: the fitted number map
    raises their probability and lowers their log loss; too few numbers, no map."""
    rng = random.Random(3)
    rows: list[dict[str, float | None]] = []
    labels: list[float] = []
    for k in range(600):
        c = rng.uniform(0.05, 0.95)
        digits = k % 3 == 0
        right = rng.random() < (c ** 0.3 if digits else c)
        rows.append({"logit_confidence": math.log(c / (1 - c)), "digits": float(digits)})
        labels.append(float(right))
    cal = fit(rows, [bool(y) for y in labels], method="temperature", engine="faster-whisper",
              model="tiny.en")
    assert cal.numbers and cal.numbers[0] > 0
    info = cal.info["numbers"]
    assert info["fitted"] and info["log_loss_after"] < info["log_loss_before"] - 0.02
    number = {"logit_confidence": 0.0, "digits": 1.0}
    word = {"logit_confidence": 0.0, "digits": 0.0}
    assert cal.predict([number])[0] > cal.predict([word])[0] + 0.1
    few = fit(rows[:60], [bool(y) for y in labels[:60]], method="temperature",
              engine="faster-whisper", model="tiny.en")
    assert few.numbers == [] and few.info["numbers"]["fitted"] is False
    # the map is part of the id: a file with another map is another calibration
    assert fit(rows, [bool(y) for y in labels], method="temperature", engine="faster-whisper",
               model="tiny.en", numbers=False).id != cal.id


def test_calibrate_shipped_tiny_en_maps_numbers_apart() -> None:
    cal = load_calibration("faster-whisper-tiny.en")
    assert len(cal.numbers) == 2 and cal.numbers[0] > 0
    assert cal.info["numbers"]["log_loss_after"] < cal.info["numbers"]["log_loss_before"]


def pooled(docs: list[Document], labels: list[list[bool | None]]
           ) -> tuple[np.ndarray, np.ndarray]:
    conf = np.array([w.confidence for d in docs for w in d.words], dtype=float)
    return np.array([bool(x) for lab in labels for x in lab], dtype=float), conf


@pytest.mark.parametrize("method", METHODS)
def test_calibrate_each_method_round_trips_and_lowers_ece(method: str, tmp_path: Path) -> None:
    docs, labels = synthetic(1)
    rows = [r for d, lab in zip(docs, labels, strict=True) for r in labelled_words(d, lab)[0]]
    ys = [y for d, lab in zip(docs, labels, strict=True) for y in labelled_words(d, lab)[1]]
    cal = fit(rows, ys, method=method, engine="faster-whisper", model="tiny.en")  # type: ignore[arg-type]
    path = tmp_path / "calib.json"
    cal.save(path)
    loaded = load_calibration(path)
    assert loaded.to_dict() == cal.to_dict()

    test_docs, test_labels = synthetic(2)
    y, before = pooled(test_docs, test_labels)
    calibrated = [apply_calibration(d, loaded) for d in test_docs]
    _, after = pooled(calibrated, test_labels)
    # temperature scaling has no bias term, so it cannot undo a shift: it only has to help
    factor = 1.0 if method == "temperature" else 0.5
    assert metrics.ece(y, after) < metrics.ece(y, before) * factor
    assert np.all((after >= 0) & (after <= 1))
    # the map is monotone in the raw score for the raw-only methods
    if method in ("temperature", "isotonic"):
        order = np.argsort(before)
        assert np.all(np.diff(after[order]) >= -1e-12)


def test_calibrate_apply_keeps_raw_scores_and_records_the_id() -> None:
    docs, labels = synthetic(3, n_docs=20)
    cal, scores = fit_best(docs, labels)
    assert {s.method for s in scores} == {"raw", *METHODS}
    assert cal.method in METHODS and cal.info["comparison"]
    doc = docs[0]
    out = apply_calibration(doc, cal)
    assert out.source.calibration == cal.id
    assert [w.raw_score for w in out.words] == [w.raw_score for w in doc.words]
    assert [w.confidence for w in out.words] != [w.confidence for w in doc.words]
    assert doc.source.calibration is None  # the input is left alone
    assert apply_calibration(out, cal) == out  # the same calibration twice is a no-op


def test_calibrate_words_without_confidence_stay_without() -> None:
    docs, labels = synthetic(4, n_docs=10)
    cal = fit_best(docs, labels)[0]
    doc = docs[0].model_copy(deep=True)
    doc.segments[0].words[0].confidence = None
    out = apply_calibration(doc, cal)
    assert out.words[0].confidence is None
    assert all(w.confidence is not None for w in out.words[1:])


@pytest.mark.parametrize(
    ("engine", "model"),
    [("tesseract", "eng"), ("faster-whisper", "base.en"), ("unknown", None)],
)
def test_calibrate_refuses_another_engine_or_model(engine: str, model: str | None,
                                                   tmp_path: Path) -> None:
    docs, labels = synthetic(5, n_docs=10)
    cal = fit_best(docs, labels)[0]
    other = synthetic(6, n_docs=1, engine=engine, model=model)[0][0]
    with pytest.raises(CalibrationError) as info:
        apply_calibration(other, cal)
    message = str(info.value)
    assert "faster-whisper model tiny.en" in message and f"{engine} model {model}" in message
    with pytest.raises(CalibrationError):
        resolve_calibration(cal, engine=engine, model=model)
    # a calibration file is named (README: every error names its file)
    saved = tmp_path / "calib.json"
    cal.save(saved)
    with pytest.raises(CalibrationError, match=f"^{re.escape(str(saved))}: calibration "):
        resolve_calibration(saved, engine=engine, model=model)


@pytest.mark.parametrize(("engine", "model", "spec", "expect"), [
    ("faster-whisper", "tiny.en", "auto", "faster-whisper/tiny.en/"),
    ("tesseract", "eng", "auto", "tesseract/eng/"),
    ("faster-whisper", "base", "auto", None),  # nothing shipped: the raw scores stay
    ("faster-whisper", "tiny.en", "none", None),
    ("faster-whisper", "tiny.en", None, None),
    ("faster-whisper", "tiny.en", "default", "faster-whisper/tiny.en/"),
])
def test_calibrate_document_by_spec(engine: str, model: str, spec: str | None,
                                    expect: str | None) -> None:
    doc = synthetic(8, n_docs=1, engine=engine, model=model)[0][0]
    out = calibrate_document(doc, spec)
    if expect is None:
        assert out is doc
    else:
        assert out.source.calibration is not None and out.source.calibration.startswith(expect)
        assert [w.raw_score for w in out.words] == [w.raw_score for w in doc.words]


def test_calibrate_document_default_needs_a_shipped_one() -> None:
    doc = synthetic(9, n_docs=1, engine="faster-whisper", model="base")[0][0]
    with pytest.raises(CalibrationError, match="no shipped calibration"):
        calibrate_document(doc, "default")
    with pytest.raises(CalibrationError, match="tesseract"):
        calibrate_document(doc, "tesseract-eng")


@pytest.mark.parametrize("spec", ["default", "tesseract-eng", "auto", "none"])
def test_calibrate_document_without_confidences_is_left_as_it_is(spec: str) -> None:
    """A batch's --calibration made every plain transcript an error record ("no shipped
    calibration for unknown model None"), where annotate read it: a transcript has no
    confidence to calibrate."""
    from uncertain.text import document_from_text

    doc = document_from_text("Continue metformin 500 mg daily.")
    assert calibrate_document(doc, spec) is doc


def test_calibrate_refuses_a_second_calibration_and_calibrated_fitting_data() -> None:
    docs, labels = synthetic(7, n_docs=10)
    first = fit(*labelled_words(docs[0], labels[0]), method="temperature",
                engine="faster-whisper", model="tiny.en")
    second = fit(*labelled_words(docs[1], labels[1]), method="platt",
                 engine="faster-whisper", model="tiny.en")
    done = apply_calibration(docs[2], first)
    with pytest.raises(CalibrationError, match="already calibrated"):
        apply_calibration(done, second)
    with pytest.raises(CalibrationError, match="already calibrated"):
        labelled_words(done, labels[2])


def test_calibrate_fit_needs_both_classes() -> None:
    docs, _ = synthetic(8, n_docs=2)
    rows, _ = labelled_words(docs[0], [True] * len(docs[0].words))
    with pytest.raises(CalibrationError, match="right and wrong"):
        fit(rows, [True] * len(rows), method="platt", engine="faster-whisper", model="tiny.en")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("not json", "cannot read"),
        ('{"format": "something-else"}', "not an uncertain-calibration"),
        ('{"format": "uncertain-calibration", "version": 99}', "version"),
        ('{"format": "uncertain-calibration", "version": 1, "id": "x", "engine": "e", '
         '"method": "isotonic", "points_x": [0.5, 0.2], "points_y": [0.1, 0.2]}', "increasing"),
        ('{"format": "uncertain-calibration", "version": 1, "id": "x", "engine": "e", '
         '"method": "platt", "features": ["logit_confidence", "shoe_size"], "mean": [0, 0], '
         '"scale": [1, 1], "coef": [1, 1]}', "unknown features"),
        ('{"format": "uncertain-calibration", "version": 1, "id": "x", "engine": "e", '
         '"method": "temperature", "numbers": [1.0]}', "numbers"),
        ('{"format": "uncertain-calibration", "version": 1, "id": "x", "engine": "e", '
         '"method": "temperature", "numbers": [-1.0, 0.5]}', "numbers"),
    ],
)
def test_calibrate_malformed_file_is_refused_with_its_path(tmp_path: Path, content: str,
                                                           match: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match=match) as info:
        load_calibration(path)
    assert str(path) in str(info.value)


def test_calibrate_unknown_name_lists_the_shipped_ones() -> None:
    with pytest.raises(CalibrationError, match=r"shipped: .*faster-whisper-tiny\.en"):
        load_calibration("no-such-calibration")


@pytest.mark.parametrize(
    ("name", "engine", "model"),
    [("faster-whisper-tiny.en", "faster-whisper", "tiny.en"),
     ("tesseract-eng", "tesseract", "eng")],
)
def test_calibrate_shipped_calibration_lowers_ece_on_its_dev_set(name: str, engine: str,
                                                                  model: str) -> None:
    assert name in shipped_calibrations()
    cal = load_calibration(name)
    assert (cal.engine, cal.model) == (engine, model)
    assert resolve_calibration("default", engine=engine, model=model).id == cal.id
    table = json.loads(FIXTURE.read_text(encoding="utf-8"))[name]
    assert table["features"] == list(FEATURES)
    rows = [dict(zip(table["features"], r, strict=True)) for r in table["rows"]]
    y = np.array(table["labels"], dtype=float)
    raw = 1 / (1 + np.exp(-np.array([r["logit_confidence"] for r in rows])))
    calibrated = cal.predict(rows)
    before, after = metrics.ece(y, raw), metrics.ece(y, calibrated)
    assert after < before
    assert after <= 0.05
    assert metrics.nce(y, calibrated) > metrics.nce(y, raw)


@pytest.mark.slow
def test_calibrate_stages_apply_the_shipped_calibration(samples_dir) -> None:  # type: ignore[no-untyped-def]
    from uncertain.ocr import recognize

    raw = recognize(samples_dir / "phototest.tif")
    calibrated = recognize(samples_dir / "phototest.tif", calibration="default")
    assert calibrated.source.calibration and raw.source.calibration is None
    assert [w.raw_score for w in calibrated.words] == [w.raw_score for w in raw.words]
    assert [w.confidence for w in calibrated.words] != [w.confidence for w in raw.words]
    with pytest.raises(CalibrationError, match="tesseract"):
        recognize(samples_dir / "phototest.tif", calibration="faster-whisper-tiny.en")


@pytest.mark.slow
def test_calibrate_tiny_en_numbers_take_their_own_map(samples_dir) -> None:  # type: ignore[no-untyped-def]
    """The real model on the dictation sample: the words in digits ("2", "10", "20") get
    the number map over the word map, the other words the word map alone."""
    from uncertain.asr import transcribe

    raw = transcribe(samples_dir / "dictation.wav")
    cal = load_calibration("faster-whisper-tiny.en")
    out = apply_calibration(raw, cal)
    word_map = cal.predict_words(word_features(raw, names=cal.features))
    slope, intercept = cal.numbers
    digits = 0
    for word, p in zip(out.words, word_map, strict=True):
        if in_digits(word.text):
            digits += 1
            q = min(1 - 1e-4, max(1e-4, float(p)))
            expected = 1 / (1 + math.exp(-(slope * math.log(q / (1 - q)) + intercept)))
            assert word.confidence == pytest.approx(expected), word.text
        else:
            assert word.confidence == pytest.approx(float(p)), word.text
    assert digits >= 2


def test_calibrate_fit_word_labels_read_glued_words_as_one() -> None:
    # labels come from the alignment uncertain eval uses: Whisper's "7" ".5" is 7.5
    words = [Word(text="Take"), Word(text="7", space_after=False), Word(text=".5"),
             Word(text="mg")]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio", engine="t"),
                   segments=[Segment(id=0, words=words)])
    assert word_labels(doc, "take 7.5 mg") == [True, True, True, True]


def test_calibrate_too_few_documents_to_choose_a_method_are_refused() -> None:
    """One document leaves cross-validation nothing to test on: choosing the method with
    the lowest held-out log loss would pick the first of several infinite ones."""
    docs, labels = synthetic(5, n_docs=1, n_words=40)
    with pytest.raises(CalibrationError, match="too few to compare"):
        fit_best(docs, labels)
    cal, _ = fit_best(docs, labels, methods=("platt",))  # a method chosen by the caller
    assert cal.method == "platt"


def test_calibrate_a_chosen_method_left_untested_is_said(
        caplog: pytest.LogCaptureFixture) -> None:
    """A method chosen with --method on too few documents was written with held-out
    figures of 'inf' and '-inf' and not a word; every word right, it was fitted on them."""
    docs, labels = synthetic(5, n_docs=1, n_words=40)
    with caplog.at_level("WARNING", logger="uncertain"):
        fit_best(docs, labels, methods=("platt",))
    assert "the held-out figures say nothing of the platt calibration" in caplog.text
    with pytest.raises(CalibrationError, match="every one of the 40 scored words is right"):
        fit_best(docs, [[True] * len(lab) for lab in labels], methods=("platt",))


def test_calibrate_a_method_worse_than_the_raw_scores_is_said(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """A method (chosen with --method, or the best of those compared) whose held-out
    log loss is worse than the engine's own scores was marked chosen without a word."""
    from uncertain import calibrate_fit
    from uncertain.calibrate_fit import MethodScore

    docs, labels = synthetic(3, n_docs=10, n_words=30)
    for platt, warned in ((0.7, True), (0.5, False)):
        scores = [MethodScore("raw", 0.6, 0.1, 0.7, 0.1),
                  MethodScore("platt", platt, 0.1, 0.7, 0.1)]
        monkeypatch.setattr(calibrate_fit, "compare_methods", lambda *a, _s=scores, **k: _s)
        caplog.clear()
        with caplog.at_level("WARNING", logger="uncertain"):
            cal, _ = fit_best(docs, labels, methods=("platt",))
        assert cal.method == "platt"
        assert ("the platt calibration scores worse on held-out documents than the "
                "engine's own confidences (log loss 0.7000 against 0.6000)" in caplog.text
                ) == warned


def test_calibrate_held_out_words_of_one_kind_choose_no_method() -> None:
    """Held-out documents whose words are all right (the sample scans: only one has
    wrong words, and it shares a fold) gave a comparison with AUROC 0.5 and NCE -inf,
    and a method was chosen and written on it; it is refused as too few."""
    docs, labels = synthetic(7, n_docs=6, n_words=40)
    labels = [[True] * len(lab) for lab in labels[:5]] + labels[5:]
    with pytest.raises(CalibrationError, match="too few to compare"):
        fit_best(docs, labels, folds=5)
    fit_best(*synthetic(7, n_docs=6, n_words=40), folds=5)  # both kinds held out: chosen
