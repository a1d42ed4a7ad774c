"""Evaluation over hand-made documents and references."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from uncertain.calibrate import Calibration
from uncertain.document import Candidate, Document, Flag, Segment, Source, Word
from uncertain.errors import CalibrationError, CorruptInputError, EngineNotFoundError
from uncertain.evaluate import (
    Failure,
    Reference,
    Term,
    evaluate,
    format_table,
    load_documents,
    load_references,
    match_references,
    plot_reliability,
    score_document,
)


def _saved(tmp_path: Path, doc: Document) -> tuple[Path, Path]:
    """A references file holding the audio pair's reference, and one saved document."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a1", "path": "audio/a1.wav",
                                "text": "The patient takes lisinopril."}) + "\n",
                    encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text(doc.to_json() + "\n", encoding="utf-8")
    return refs, docs


def _eval(argv: list[str]) -> int:
    """Run ``uncertain eval`` as the CLI does, but let its errors through."""
    from uncertain.cli import build_parser

    args = build_parser().parse_args(["eval", *argv])
    return int(args.func(args))


def make_doc(path: str, modality: str, words: list[tuple[str, float | None]],
             flags: list[Flag] | None = None, engine: str = "unknown") -> Document:
    source = Source(path=path, sha256="0" * 64, modality=modality,  # type: ignore[arg-type]
                    engine=engine)
    segment = Segment(id=0, words=[Word(text=t, confidence=c) for t, c in words])
    return Document(source=source, segments=[segment], flags=flags or [])


def metformin_flag() -> Flag:
    return Flag(reason="near_lexicon", text="met for me", start=1, end=4, candidates=[
        Candidate(term="metoprolol", canonical="metoprolol", score=0.6),
        Candidate(term="metformin", canonical="metformin", score=0.5),
    ])


@pytest.fixture
def text_pair() -> tuple[Document, Reference]:
    """A plain transcript (no confidence) with a misheard drug name that a flag covers."""
    doc = make_doc("notes/visit-1.txt", "text",
                   [(w, None) for w in "Start met for me 500 mg daily.".split()],
                   [metformin_flag()])
    ref = Reference(text="start metformin five hundred mg daily", id="visit-1",
                    path="notes/visit-1.txt", terms=(Term("met for me", "metformin"),))
    return doc, ref


@pytest.fixture
def audio_pair() -> tuple[Document, Reference]:
    """An ASR result with confidences: two wrong words, both less sure than the right ones."""
    doc = make_doc("audio/a1.wav", "audio", [("The", 0.9), ("patient", 0.8), ("takes", 0.7),
                                              ("listen", 0.2), ("april.", 0.4)],
                   engine="faster-whisper")
    ref = Reference(text="The patient takes lisinopril.", id="a1", path="audio/a1.wav",
                    terms=(Term("lisinopril", "lisinopril"),))
    return doc, ref


def test_evaluate_precision_curves_of_a_kind_no_word_is_are_no_figure() -> None:
    """With no wrong word, AUC-PR with wrong words positive read 0.000 where AUROC and
    NCE read "-": there is nothing to find, so no figure."""
    doc = make_doc("audio/r.wav", "audio", [("The", 0.9), ("patient", 0.6), ("rests.", 0.7)],
                   engine="faster-whisper")
    g = evaluate([(doc, Reference(text="The patient rests.", id="r"))]).groups["overall"]
    assert (g.auc_roc, g.auc_nt) == (None, None) and g.auc_pr == pytest.approx(1.0)
    assert "AUC-PR (wrong +)" in format_table(evaluate([(doc, Reference(
        text="The patient rests.", id="r"))]))
    wrong = make_doc("audio/w.wav", "audio", [("Thy", 0.9), ("pageant", 0.6)],
                     engine="faster-whisper")
    g = evaluate([(wrong, Reference(text="The patient", id="w"))]).groups["overall"]
    assert g.auc_pr is None and g.auc_nt == pytest.approx(1.0)


def test_evaluate_text_document_without_confidence(text_pair: tuple[Document, Reference]
                                                   ) -> None:
    score = score_document(*text_pair)
    assert score.errors.wer == pytest.approx(3 / 5)  # 1 substitution, 2 insertions
    assert score.wrong == [False, True, True, True, False, False, False]
    assert score.flagged == [False, True, True, True, False, False, False]
    assert score.labels == [] and score.null_confidence == 7
    (term,) = score.terms
    assert (term.located, term.exact, term.top1, term.top3) == ("canonical", False, False, True)


def test_evaluate_audio_document_with_confidence(audio_pair: tuple[Document, Reference]
                                                 ) -> None:
    report = evaluate([audio_pair], n_bins=10)
    g = report.groups["audio"]
    assert g.wer == pytest.approx(2 / 4)
    assert (g.confidence_words, g.null_confidence_words, g.wrong_words) == (5, 0, 2)
    assert g.auc_roc == pytest.approx(1.0)
    assert g.ece == pytest.approx((0.1 + 0.2 + 0.3 + 0.2 + 0.4) / 5)
    assert g.accuracy == pytest.approx(3 / 5)
    assert (g.terms, g.term_error_rate, g.drug_top3) == (1, 1.0, 0.0)
    assert g.flag_precision is None and g.flag_recall == 0.0
    # every word right: no ranking to measure, AUROC "-" (it read 0.500)
    doc, ref = audio_pair
    right = evaluate([(doc, Reference(text=doc.text, id=ref.id, path=ref.path))])
    assert right.groups["audio"].wrong_words == 0 and right.groups["audio"].auc_roc is None
    assert "AUROC                            -" in format_table(right)


def test_evaluate_groups_by_modality_and_overall(text_pair: tuple[Document, Reference],
                                                 audio_pair: tuple[Document, Reference]
                                                 ) -> None:
    failed = (Failure("audio/a2.wav", "CorruptInputError", "truncated"),
              Reference(text="x", id="a2", modality="audio"))
    report = evaluate([text_pair, audio_pair, failed])
    assert set(report.groups) == {"audio", "text", "overall"}
    overall = report.groups["overall"]
    assert (overall.documents, overall.failures) == (2, 1)
    assert report.groups["audio"].failures == 1
    # a failed input is an empty transcript: its one reference word deleted
    assert overall.reference_words == 5 + 4 + 1
    assert overall.wer == pytest.approx((3 + 2 + 1) / 10)
    assert overall.drug_exact == 0.0 and overall.drug_top3 == pytest.approx(0.5)
    assert overall.flag_precision == pytest.approx(1.0)
    assert overall.flag_recall == pytest.approx(3 / 5)
    table = format_table(report)
    assert "WER" in table and "reliability (audio)" in table
    data = json.loads(json.dumps(report.to_dict()))
    assert data["groups"]["text"]["nce"] is None  # no confidence: no figure, not a number


def test_evaluate_a_failed_input_counts_as_an_empty_transcript(
        text_pair: tuple[Document, Reference]) -> None:
    """A failed input was left out of WER, term error rate and drug recovery: two
    failures of five took WER from 6.7% to 5.7%, their drugs out of the count, so the
    figures got better as inputs failed. It counts as an empty transcript."""
    from uncertain.references import Term

    ref = Reference(text="Continue metformin 500 mg daily.", id="f", modality="audio",
                    terms=[Term(term="metformin", canonical="metformin")])
    alone = evaluate([text_pair]).groups["overall"]
    report = evaluate([text_pair, (Failure("f.wav", "CorruptInputError", "bad"), ref)])
    both = report.groups["overall"]
    assert both.failures == 1 and both.documents == 1
    assert both.reference_words == alone.reference_words + 5
    assert both.deletions == alone.deletions + 5
    assert both.wer > alone.wer
    assert both.terms == alone.terms + 1 and both.drug_top3 < (alone.drug_top3 or 1.0)
    audio = report.groups["audio"]
    assert (audio.wer, audio.terms, audio.drug_top3) == (1.0, 1, 0.0)
    failed = next(d for d in report.to_dict()["documents"] if d["failed"])
    assert failed["wer"] == 1.0 and failed["terms"][0]["located"] == "failed"


@pytest.mark.parametrize(
    ("doc_path", "matched"),
    [
        ("audio/a1.wav", True),  # as written in the references
        ("/elsewhere/a1.wav", True),  # by base name
        ("/elsewhere/a1.flac", True),  # by id (the file's stem)
        ("/elsewhere/other.wav", False),
    ],
)
def test_evaluate_matches_documents_to_references(doc_path: str, matched: bool) -> None:
    ref = Reference(text="hello", id="a1", path="audio/a1.wav")
    doc = make_doc(doc_path, "audio", [("hello", 0.5)])
    pairs, unmatched = match_references([doc], [ref], refs_dir="/data")
    assert (len(pairs), len(unmatched)) == ((1, 0) if matched else (0, 1))


def test_evaluate_load_references_and_documents(tmp_path: Path,
                                                audio_pair: tuple[Document, Reference]) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(
        json.dumps({"id": "a1", "path": "audio/a1.wav", "text": "The patient takes lisinopril.",
                    "terms": [{"term": "lisinopril", "canonical": "lisinopril"}],
                    "split": "test"}) + "\n\n"
        + json.dumps({"id": "a2", "text": "x", "split": "dev"}) + "\n", encoding="utf-8")
    assert [r.id for r in load_references(refs)] == ["a1", "a2"]
    assert [r.id for r in load_references(refs, split="test")] == ["a1"]
    docs = tmp_path / "docs.jsonl"
    docs.write_text(audio_pair[0].to_json() + "\n"
                    + json.dumps({"path": "audio/a2.wav", "error": "CorruptInputError",
                                  "message": "truncated"}) + "\n", encoding="utf-8")
    loaded = load_documents(docs)
    assert isinstance(loaded[0], Document) and loaded[1] == Failure(
        "audio/a2.wav", "CorruptInputError", "truncated")


def test_evaluate_a_reference_term_found_nowhere_is_warned_of(
        caplog: pytest.LogCaptureFixture) -> None:
    """A term in neither its reference's text nor the transcript (a copy-paste slip in
    the references) was scored as a drug missed in every run, in silence; a misheard
    surface written in the transcript is how text references name a term, and is not."""
    doc = make_doc("a.wav", "audio", [("Hold", 0.9), ("the", 0.9), ("furosemide.", 0.9)])
    with caplog.at_level("WARNING", logger="uncertain"):
        evaluate([(doc, Reference(text="Hold the furosemide.", id="a", terms=(
            Term("metoprolol", "metoprolol"), Term("furosemide", "furosemide"))))])
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "the term 'metoprolol' (metoprolol) is neither" in warned[0]
    caplog.clear()
    heard = make_doc("b.txt", "text", [("allergic", None), ("to", None), ("zarelto", None)])
    with caplog.at_level("WARNING", logger="uncertain"):
        evaluate([(heard, Reference(text="allergic to xarelto", id="b",
                                    terms=(Term("zarelto", "rivaroxaban"),)))])
    assert caplog.records == []


def test_evaluate_json_lines_end_at_line_feeds_only(
        tmp_path: Path, audio_pair: tuple[Document, Reference]) -> None:
    """A reference or a saved document whose text holds U+2028, U+0085 or a form feed
    (JSON leaves them unescaped, and pydantic writes them so) is one line: read with
    str.splitlines, each was "not JSON"; CRLF line ends still read."""
    text = "Takes metformin\u2028daily \x85 now\x0c."
    refs = tmp_path / "refs.jsonl"
    refs.write_bytes(("\ufeff" + json.dumps({"id": "a1", "text": text}, ensure_ascii=False)
                      + "\r\n" + json.dumps({"id": "a2", "text": "x"}) + "\r\n").encode())
    assert [(r.id, r.text) for r in load_references(refs)] == [("a1", text), ("a2", "x")]
    doc = audio_pair[0]
    words = [w.model_copy(update={"text": w.text + "\u2028"}) for w in doc.segments[0].words]
    odd = doc.model_copy(update={"segments": [
        doc.segments[0].model_copy(update={"words": words})]})
    assert "\u2028" in odd.to_json()
    docs = tmp_path / "docs.jsonl"
    docs.write_text(odd.to_json() + "\n" + odd.to_json() + "\n", encoding="utf-8")
    assert [d.text for d in load_documents(docs)] == [odd.text, odd.text]  # type: ignore[union-attr]


def test_evaluate_references_or_documents_not_utf8_name_the_byte(tmp_path: Path) -> None:
    """A Latin-1 byte in a references or documents file was a traceback
    (UnicodeDecodeError); now an error naming the file, the line and the byte."""
    refs = tmp_path / "refs.jsonl"
    refs.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(CorruptInputError,
                       match=r"refs\.jsonl: line 2: not UTF-8: byte 0xe9 at offset 50"):
        load_references(refs)
    with pytest.raises(CorruptInputError, match=r"refs\.jsonl: not UTF-8: byte 0xe9"):
        load_documents(refs)


def test_evaluate_reads_a_batch_output_file(tmp_path: Path,
                                            audio_pair: tuple[Document, Reference]) -> None:
    """README offers `eval --docs results.jsonl`, a batch's output; its "ok" records
    (the document under "document") were "not a document"."""
    doc = audio_pair[0]
    docs = tmp_path / "results.jsonl"
    docs.write_text(json.dumps({"path": "audio/a1.wav", "sha256": "0" * 64, "status": "ok",
                                "kind": "audio", "duration": 1.0,
                                "document": json.loads(doc.to_json())}) + "\n"
                    + json.dumps({"path": "audio/a2.wav", "sha256": None, "status": "error",
                                  "error": "CorruptInputError", "message": "truncated"}) + "\n")
    loaded = load_documents(docs)
    assert loaded == [doc, Failure("audio/a2.wav", "CorruptInputError", "truncated")]


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "b", "text": null}', "text is null, not a string"),
    ('{"id": "b", "text": 123}', "text is 123, not a string"),
    ('{"id": "b", "text": "x", "terms": ["metformin"]}',
     'terms\\[0\\] is "metformin", not an object'),
    ('{"id": "b", "text": "x", "terms": [{"term": "m", "canonical": null}]}',
     "terms\\[0\\].canonical is null, not a string"),
])
def test_evaluate_a_reference_that_is_no_text_is_refused(tmp_path: Path, line: str,
                                                         message: str) -> None:
    # "text": null was scored as the reference "None" and 123 as "123" (WER 4600%)
    refs = tmp_path / "refs.jsonl"
    refs.write_text('{"id": "a", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorruptInputError, match=f"refs\\.jsonl: line 2: not a reference "
                                                f"\\({message}"):
        load_references(refs)


@pytest.mark.parametrize(("second", "message"), [
    ('{"id": "a1", "text": "other words"}', "line 2: id 'a1' is line 1's too"),
    ('{"id": "a2", "path": "audio/a1.wav", "text": "x"}',
     "line 2: path 'audio/a1.wav' is line 1's too"),
])
def test_evaluate_a_reference_given_twice_is_refused(tmp_path: Path, second: str,
                                                     message: str) -> None:
    """A second reference with an id or path already given was matched in place of the
    first, in silence: the input's words were scored against the other text."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text('{"id": "a1", "path": "audio/a1.wav", "text": "the words"}\n'
                    + second + "\n", encoding="utf-8")
    with pytest.raises(CorruptInputError, match=re.escape(message)):
        load_references(refs)


@pytest.mark.parametrize(
    "line",
    ['{"id": "a"}', '{"text": "no id or path"}', "not json",
     '{"id": "a", "text": "t", "terms": [{"term": "x"}]}'],
)
def test_evaluate_bad_reference_line_names_file_and_line(tmp_path: Path, line: str) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorruptInputError, match=r"refs\.jsonl: line 2"):
        load_references(refs)


def test_evaluate_cli_scores_saved_documents(tmp_path: Path,
                                             audio_pair: tuple[Document, Reference],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a1", "path": "audio/a1.wav", "text": "The patient takes lisinopril.",
         "modality": "audio"},
        {"id": "a2", "path": "audio/a2.wav", "text": "x", "modality": "audio"},
    ]) + "\n", encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text(audio_pair[0].to_json() + "\n" + json.dumps(
        {"path": "audio/a2.wav", "error": "CorruptInputError", "message": "bad"}) + "\n",
        encoding="utf-8")
    out = tmp_path / "report.json"
    # the error record is a failed input: 1, as batch, once the report is written
    assert _eval(["--refs", str(refs), "--docs", str(docs), "--json", str(out)]) == 1
    assert "AUROC" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["groups"]["audio"]["failures"] == 1
    # the failed recording's one reference word counts as deleted: (2 + 1) / (4 + 1)
    assert data["groups"]["audio"]["wer"] == pytest.approx(0.6)
    assert data["groups"]["overall"]["auc_roc"] == pytest.approx(1.0)


@pytest.mark.parametrize(("flag", "calibrated"), [([], False), (["--calibration", "auto"], True),
                                                 (["--calibration", "none"], False)])
def test_evaluate_cli_calibrates_saved_documents_only_when_asked(
        tmp_path: Path, audio_pair: tuple[Document, Reference], flag: list[str],
        calibrated: bool) -> None:
    from uncertain.calibrate import load_calibration

    shipped = load_calibration("faster-whisper-tiny.en")
    doc = audio_pair[0].model_copy(deep=True)
    doc.source.model = shipped.model
    refs, docs = _saved(tmp_path, doc)
    out = tmp_path / "report.json"
    assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "0", "--json",
                  str(out), *flag]) == 0
    mean = json.loads(out.read_text(encoding="utf-8"))["groups"]["audio"]["mean_confidence"]
    assert (mean != pytest.approx(0.6)) == calibrated  # the saved words' mean is 0.6


def test_evaluate_cli_calibration_none_scores_a_saved_calibrated_document_raw(
        tmp_path: Path, audio_pair: tuple[Document, Reference]) -> None:
    """A batch run's documents are calibrated; "--calibration none" scored them as
    calibrated all the same, unlike running the same files with it."""
    from uncertain.calibrate import apply_calibration, load_calibration

    shipped = load_calibration("faster-whisper-tiny.en")
    doc = audio_pair[0].model_copy(deep=True)
    doc.source.model = shipped.model
    for word in doc.words:
        word.raw_score = word.confidence
    saved = apply_calibration(doc, shipped)
    refs, docs = _saved(tmp_path, saved)
    means = []
    for flag in ([], ["--calibration", "none"]):
        out = tmp_path / "report.json"
        assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "0", "--json",
                      str(out), "--force", *flag]) == 0
        means.append(json.loads(out.read_text())["groups"]["audio"]["mean_confidence"])
    assert means[0] != pytest.approx(0.6) and means[1] == pytest.approx(0.6)


def test_evaluate_cli_says_a_calibration_leaves_saved_flags_as_they_are(
        tmp_path: Path, audio_pair: tuple[Document, Reference],
        capsys: pytest.CaptureFixture[str]) -> None:
    """Saved documents re-scored by --calibration kept the flags the validator made of
    their saved scores, and the report mixed the two without a word."""
    from uncertain import validate

    for doc, warned in ((audio_pair[0], False), (validate(audio_pair[0]), True)):
        refs, docs = _saved(tmp_path, doc)
        assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "0",
                      "--calibration", "default"]) == 0
        err = capsys.readouterr().err
        assert ("re-scores the saved documents' words, not their flags" in err) == warned


def test_remove_calibration_gives_back_each_engines_own_confidence() -> None:
    from uncertain.calibrate import apply_calibration, load_calibration, remove_calibration

    shipped = load_calibration("faster-whisper-tiny.en")
    doc = make_doc("a.wav", "audio", [("take", 0.9), ("met", 0.2), ("x", None)],
                   engine="faster-whisper")
    doc.source.model = shipped.model
    doc.source.confidence_definition = "faster-whisper word probability"
    doc.words[0].raw_score, doc.words[1].raw_score = 0.9, 0.2
    calibrated = apply_calibration(doc, shipped)
    assert [w.confidence for w in calibrated.words] != [0.9, 0.2, None]
    back = remove_calibration(calibrated)
    assert [w.confidence for w in back.words] == [0.9, 0.2, None]
    assert back.source.calibration is None
    assert back.source.confidence_definition == "faster-whisper word probability"
    assert remove_calibration(doc) == doc  # not calibrated: as it is
    ocr = make_doc("a.png", "image", [("Take", 0.5)], engine="tesseract")
    ocr.words[0].raw_score, ocr.source.calibration = 87.0, "tesseract/eng/x"
    assert remove_calibration(ocr).words[0].confidence == pytest.approx(0.87)
    ocr.words[0].raw_score = None
    with pytest.raises(CalibrationError, match="no raw score"):
        remove_calibration(ocr)
    other = make_doc("a.wav", "audio", [("x", 0.5)], engine="parakeet")
    other.source.calibration = "parakeet/x"
    with pytest.raises(CalibrationError, match="cannot be recovered"):
        remove_calibration(other)


def test_evaluate_cli_refuses_a_calibration_for_another_engine(
        tmp_path: Path, audio_pair: tuple[Document, Reference]) -> None:
    refs, docs = _saved(tmp_path, audio_pair[0])
    calib = tmp_path / "ocr.json"
    Calibration(id="tesseract/eng/temperature/x", engine="tesseract", model="eng",
                method="temperature", temperature=2.0).save(calib)
    with pytest.raises(CalibrationError, match="tesseract model eng"):
        _eval(["--refs", str(refs), "--docs", str(docs), "--calibration", str(calib)])


def test_evaluate_plot_draws_or_names_the_missing_extra(
        tmp_path: Path, audio_pair: tuple[Document, Reference]) -> None:
    report = evaluate([audio_pair])
    out = tmp_path / "reliability.png"
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        with pytest.raises(EngineNotFoundError, match=r"uncertain\[plot\]"):
            plot_reliability(report, out)
    else:
        plot_reliability(report, out)
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def rivaroxaban_flag(start: int, end: int) -> Flag:
    return Flag(reason="near_lexicon", text="zarelto", start=start, end=end, candidates=[
        Candidate(term="Xarelto", canonical="rivaroxaban", score=0.8)])


@pytest.mark.parametrize(
    ("ref_text", "term", "hyp", "flags", "expected"),
    [
        ("take metformin daily", ("metformin", "metformin"), "take metformin daily", [],
         ("reference", True, True, True)),
        # a misheard surface written in a transcript is found in the hypothesis
        ("stop xarelto now", ("zarelto", "rivaroxaban"), "stop zarelto now",
         [rivaroxaban_flag(1, 2)], ("hypothesis", False, True, True)),
        # a multi-word term is one unit: half right is wrong
        ("give insulin glargine tonight", ("insulin glargine", "insulin glargine"),
         "give insulin glar gene tonight", [], ("reference", False, False, False)),
        # a flag elsewhere does not recover the term
        ("stop xarelto now", ("Xarelto", "rivaroxaban"), "stop the rally toe now",
         [rivaroxaban_flag(0, 1)], ("reference", False, False, False)),
        ("stop xarelto now", ("Xarelto", "rivaroxaban"), "stop the rally toe now",
         [rivaroxaban_flag(2, 4)], ("reference", False, True, True)),
        ("hello there", ("aspirin", "aspirin"), "hello there", [],
         ("missing", False, False, False)),
    ],
)
def test_evaluate_terms(ref_text: str, term: tuple[str, str], hyp: str, flags: list[Flag],
                        expected: tuple[str, bool, bool, bool]) -> None:
    doc = make_doc("a.txt", "text", [(w, None) for w in hyp.split()], flags)
    ref = Reference(text=ref_text, id="a", terms=(Term(*term),))
    (result,) = score_document(doc, ref).terms
    assert (result.located, result.exact, result.top1, result.top3) == expected


def test_evaluate_calibrate_command_fits_and_refuses_overwrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from uncertain.calibrate import load_calibration
    from uncertain.cli import main

    rng = [(f"w{i}", 0.9 if i % 3 else 0.3) for i in range(12)]
    lines, refs = [], []
    for k in range(6):
        doc = make_doc(f"audio/c{k}.wav", "audio", rng, engine="faster-whisper")
        words = [w for w, _ in rng]
        words[0::3] = ["oops"] * len(words[0::3])  # the unsure words are the wrong ones
        lines.append(doc.to_json())
        refs.append(json.dumps({"path": f"audio/c{k}.wav", "text": " ".join(words)}))
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refs_file = tmp_path / "refs.jsonl"
    refs_file.write_text("\n".join(refs) + "\n", encoding="utf-8")
    out = tmp_path / "calib.json"
    argv = ["calibrate", "--refs", str(refs_file), "--docs", str(docs), "--out", str(out),
            "--method", "platt"]
    assert main(argv) == 0
    cal = load_calibration(out)
    assert cal.engine == "faster-whisper" and cal.method == "platt"
    assert "wrote" in capsys.readouterr().out
    assert main(argv) == 1
    assert "--force" in capsys.readouterr().err


def _interval_pair(words: list[tuple[str, float]], name: str) -> tuple[Document, Reference]:
    return (make_doc(f"audio/{name}.wav", "audio", words, engine="faster-whisper"),
            Reference(text="take the tablet daily", id=name, path=f"audio/{name}.wav"))


def test_evaluate_intervals_bracket_a_perfect_and_a_mixed_detector() -> None:
    # wrong words ("cable", "gaily") always less confident than right ones: AUROC 1
    perfect = [_interval_pair([("take", 0.9), ("the", 0.8), ("cable", 0.2), ("daily", 0.95)],
                              f"p{i}") if i % 2 else
               _interval_pair([("take", 0.7), ("the", 0.9), ("tablet", 0.85), ("gaily", 0.1)],
                              f"p{i}") for i in range(6)]
    g = evaluate(perfect, resamples=200).groups["audio"]
    assert g.intervals["auc_roc"] == [1.0, 1.0]
    lo, hi = g.intervals["ece"]
    assert 0.0 < lo <= (g.ece or 0) <= hi < 0.5
    lo, hi = g.intervals["wer"]
    assert lo == hi == pytest.approx(0.25)  # every document has one word wrong in four
    # one document ranks a wrong word above a right one: the interval now reaches below 1
    mixed = [*perfect, _interval_pair(
        [("take", 0.3), ("the", 0.9), ("cable", 0.95), ("daily", 0.9)], "m")]
    g = evaluate(mixed, resamples=200).groups["audio"]
    lo, hi = g.intervals["auc_roc"]
    assert lo < (g.auc_roc or 0) < 1.0 and hi == 1.0
    # the same seed gives the same interval
    assert evaluate(mixed, resamples=200).groups["audio"].intervals == g.intervals


def test_evaluate_intervals_need_two_documents_and_resamples(
        audio_pair: tuple[Document, Reference]) -> None:
    assert evaluate([audio_pair], resamples=100).groups["audio"].intervals == {}
    second = (make_doc("audio/a2.wav", "audio", [("hello", 0.9)]),
              Reference(text="hello", id="a2", path="audio/a2.wav"))
    assert evaluate([audio_pair, second]).groups["audio"].intervals == {}  # resamples=0
    report = evaluate([audio_pair, second], resamples=100)
    # drug recovery: one document has a term, so draws without it give no figure;
    # enough of them give one to summarise
    assert set(report.groups["audio"].intervals) <= {"wer", "drug_top3", "auc_roc", "ece"}
    assert "wer" in report.groups["audio"].intervals
    data = json.loads(json.dumps(report.to_dict()))
    assert data["resamples"] == 100
    assert data["groups"]["overall"]["intervals"]["wer"][0] <= report.groups["overall"].wer


def test_evaluate_cli_prints_intervals_unless_told_not_to(
        tmp_path: Path, audio_pair: tuple[Document, Reference],
        capsys: pytest.CaptureFixture[str]) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a1", "path": "audio/a1.wav", "text": "The patient takes lisinopril."},
        {"id": "a2", "path": "audio/a2.wav", "text": "hello there"},
    ]) + "\n", encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text(audio_pair[0].to_json() + "\n" + make_doc(
        "audio/a2.wav", "audio", [("hello", 0.9), ("bear", 0.3)]).to_json() + "\n",
        encoding="utf-8")
    assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "50"]) == 0
    out = capsys.readouterr().out
    assert "95% intervals" in out and "(50 draws)" in out and "  audio: WER" in out
    assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "0"]) == 0
    assert "95% intervals" not in capsys.readouterr().out


def test_evaluate_sample_references_match_the_reference_texts(samples_dir: Path) -> None:
    refs = load_references(samples_dir / "refs.jsonl")
    assert sorted(r.id or "" for r in refs) == sorted(
        p.stem for p in (samples_dir / "references").glob("*.txt"))
    for ref in refs:
        assert ref.path is not None and (samples_dir / ref.path).is_file()
        assert ref.text == (samples_dir / "references" / f"{ref.id}.txt").read_text(
            encoding="utf-8")
        for term in ref.terms:
            assert term.term in ref.text and term.canonical == term.term.lower()


@pytest.mark.parametrize(("modality", "exact", "wer"), [("image", False, 0.25),
                                                       ("audio", True, 0.0)])
def test_evaluate_print_is_scored_as_written(modality: str, exact: bool, wer: float) -> None:
    # tesseract's "Amoxicillín" is a misread word: in print, an error and no exact drug;
    # Whisper's normaliser (speech) strips the accent
    doc = make_doc(f"a.{modality}", modality, [(w, 0.9) for w in
                                               "Take Amoxicillín 500 mg".split()])
    ref = Reference(text="Take Amoxicillin 500 mg", id="a",
                    terms=(Term("Amoxicillin", "amoxicillin"),))
    score = score_document(doc, ref)
    assert score.errors.wer == pytest.approx(wer)
    assert score.terms[0].exact is exact
    assert score.labels == [True, exact, True, True]


def test_evaluate_print_terms_are_found_as_written() -> None:
    # the term is looked for in the reference normalised as the document is: in print
    # "Ringer's" keeps its apostrophe (Whisper's normaliser makes it "ringer s")
    doc = make_doc("a.png", "image", [(w, 0.9) for w in "Give Lactated Ringer's today".split()])
    ref = Reference(text="Give Lactated Ringer's today", id="a",
                    terms=(Term("Lactated Ringer's", "lactated ringer's"),))
    (result,) = score_document(doc, ref).terms
    assert (result.located, result.exact) == ("reference", True)


def test_evaluate_cli_refuses_outputs_it_could_not_write_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """--bins 0, --json into no folder, --plot in a format matplotlib does not draw, and
    calibrate's existing --out each ended in a traceback or a refusal after every input
    had run (minutes, for audio); they are refused before any input runs."""
    from uncertain import _cli_runs
    from uncertain.cli import main

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("an input was run")

    monkeypatch.setattr(_cli_runs, "_collect", never)
    refs = tmp_path / "refs.jsonl"
    refs.write_text('{"id": "a", "text": "x"}\n')
    base = ["eval", "--refs", str(refs), str(tmp_path / "a.txt")]
    with pytest.raises(SystemExit) as exited:
        main([*base, "--bins", "0"])
    assert exited.value.code == 2 and "argument --bins: 0: at least 1" in capsys.readouterr().err
    # (a folder missing is made as the report is written: a file in its way is refused)
    (tmp_path / "a-file").write_text("x")
    assert main([*base, "--json", str(tmp_path / "a-file" / "no" / "r.json")]) == 2
    assert f"--json {tmp_path / 'a-file' / 'no' / 'r.json'}: {tmp_path / 'a-file'} is a file" \
        in capsys.readouterr().err
    assert main([*base, "--plot", str(tmp_path / "r.xyz")]) == 2
    assert "name a .png" in capsys.readouterr().err
    # a folder named as the report, or one that cannot be written in (found at the end)
    assert main([*base, "--json", str(tmp_path)]) == 2
    assert "is a folder; name a file" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    monkeypatch.setattr(_cli_runs.os, "access", lambda path, mode: Path(path) != locked)
    assert main([*base, "--json", str(locked / "r.json")]) == 2
    assert f"{locked} cannot be written in" in capsys.readouterr().err
    monkeypatch.undo()
    monkeypatch.setattr(_cli_runs, "_collect", never)
    # a report of an earlier run is kept, as annotate's --out and calibrate's are
    report = tmp_path / "report.json"
    report.write_text("keep me")
    assert main([*base, "--json", str(report)]) == 2
    assert "--json " + str(report) + " exists; pass --force" in capsys.readouterr().err
    assert report.read_text() == "keep me"
    existing = tmp_path / "calib.json"
    existing.write_text("{}")
    assert main(["calibrate", "--refs", str(refs), str(tmp_path / "a.txt"),
                 "--out", str(existing)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    # an output that is one of the inputs: --force wrote the report over the references
    before = refs.read_text()
    docs = tmp_path / "docs.jsonl"
    docs.write_text("")
    for argv in ([*base, "--json", str(refs)], [*base, "--docs", str(docs), "--json", str(docs)],
                 ["calibrate", "--refs", str(refs), "--out", str(refs)]):
        assert main([*argv, "--force"]) == 2
        assert "is one of the inputs; name another file" in capsys.readouterr().err
    assert refs.read_text() == before


def test_evaluate_cli_outputs_into_a_folder_not_made_yet_make_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """eval --json and calibrate --out into a folder that did not exist were refused
    ("no folder ... to write it in"), where annotate -o and batch --out make theirs."""
    from uncertain import calibrate_fit
    from uncertain.cli import main

    note = tmp_path / "a.txt"
    note.write_text("Take metformin daily.\n")
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": str(note), "text": "Take metformin "
                                "daily."}) + "\n")
    report = tmp_path / "reports" / "run 1" / "r.json"
    assert main(["eval", "--refs", str(refs), str(note), "--json", str(report),
                 "--intervals", "0"]) == 0
    assert isinstance(json.loads(report.read_text()), dict)
    fitted = Calibration(id="tesseract/eng/temperature/x", engine="tesseract", model="eng",
                         method="temperature")
    monkeypatch.setattr(calibrate_fit, "fit_by_engine", lambda *a, **k: [(fitted, [])])
    monkeypatch.setattr(calibrate_fit, "format_comparison", lambda *a, **k: "")
    out = tmp_path / "calib" / "new" / "c.json"
    assert main(["calibrate", "--refs", str(refs), str(note), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["id"] == fitted.id
    capsys.readouterr()


@pytest.mark.parametrize("make", [
    lambda: Reference(text=None, id="a"),  # type: ignore[arg-type]
    lambda: Reference(text="x", id=3),  # type: ignore[arg-type]
    lambda: Reference(text="x", id="a", terms=("metformin",)),  # type: ignore[arg-type]
    lambda: Term("metformin", None),  # type: ignore[arg-type]
])
def test_reference_of_the_wrong_types_is_a_type_error(make: Any) -> None:
    # these failed later, far from the mistake, as "has no attribute 'strip'"
    with pytest.raises(TypeError, match=r"string|Term"):
        make()


def test_evaluate_names_a_pair_of_the_wrong_types(text_pair: tuple[Document, Reference]
                                                  ) -> None:
    doc, ref = text_pair
    with pytest.raises(TypeError, match="not a str as a reference"):
        evaluate([(doc, "the right text")])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not a str as a document"):
        evaluate([("the heard text", ref)])  # type: ignore[list-item]
    listed = Reference(text="x", id="a", terms=[Term("metformin", "metformin")])  # type: ignore[arg-type]
    assert listed.terms == (Term("metformin", "metformin"),)


def test_evaluate_cli_scoring_nothing_is_a_failure(
        tmp_path: Path, audio_pair: tuple[Document, Reference],
        capsys: pytest.CaptureFixture[str]) -> None:
    # a table of dashes with status 0 read as a run that went well
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "other", "text": "x"}) + "\n", encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text(audio_pair[0].to_json() + "\n", encoding="utf-8")
    assert _eval(["--refs", str(refs), "--docs", str(docs), "--intervals", "0"]) == 1
    assert "no input matched a reference" in capsys.readouterr().err


def test_evaluate_one_reference_matched_twice_scores_the_best_match(
        audio_pair: tuple[Document, Reference], caplog: pytest.LogCaptureFixture) -> None:
    """A batch over a folder holding the references' own text files paired the recording
    and its reference text (same id) with one reference, scoring both; a resumed batch's
    error record and its later document both counted."""
    doc, ref = audio_pair
    by_id = make_doc("refs/a1.txt", "text", [("The", None)])
    failed = Failure("audio/a1.wav", "CorruptInputError", "truncated")
    pairs, unmatched = match_references([by_id, failed, doc], [ref])
    assert pairs == [(doc, ref)] and unmatched == []
    assert "refs/a1.txt and audio/a1.wav both match the reference a1" in caplog.text
    # the same path twice: the later record, without a word
    caplog.clear()
    pairs, _ = match_references([doc, failed], [ref])
    assert pairs == [(failed, ref)] and caplog.text == ""


def test_evaluate_docs_that_are_no_documents_say_so_in_one_line(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a1", "text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(CorruptInputError) as info:
        load_documents(refs)
    assert "\n" not in str(info.value)
    assert "line 1: not a saved document or batch record (" in str(info.value)


def test_evaluate_cli_an_input_that_failed_is_a_failure_of_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input that could not be read was scored as an empty transcript, and eval exited
    0, a check in CI passing; as batch, it exits 1 unless --allow-failures, after the
    table and the report are written."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": "a.txt", "text": "start metformin"})
                    + "\n" + json.dumps({"id": "b", "path": "b.wav", "text": "stop aspirin"})
                    + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("start metformin\n", encoding="utf-8")
    (tmp_path / "b.wav").write_text("not audio\n", encoding="utf-8")  # run here: it fails
    report = tmp_path / "report.json"
    argv = ["--refs", str(refs), "--intervals", "0", "--no-validate", "--no-progress"]
    assert _eval([*argv, "--json", str(report)]) == 1
    captured = capsys.readouterr()
    assert "1 input failed" in captured.err and "b.wav (UnsupportedFormatError)" in captured.err
    assert json.loads(report.read_text())["groups"]["overall"]["failures"] == 1
    assert _eval([*argv, "--allow-failures"]) == 0
    assert "1 input failed" in capsys.readouterr().err
    # a batch's error record among saved documents, matched to a reference or not
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"path": "c.wav", "error": "CorruptInputError"}) + "\n",
                    encoding="utf-8")
    assert _eval([*argv[:2], "--docs", str(docs), str(tmp_path / "a.txt"),
                  "--intervals", "0"]) == 1
    assert "c.wav (CorruptInputError)" in capsys.readouterr().err
    assert _eval([*argv[:2], str(tmp_path / "a.txt"), "--intervals", "0"]) == 0


def test_evaluate_cli_a_failed_input_of_no_reference_is_not_said_scored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A batch's error record of an input no reference names was said "failed, scored as
    empty transcripts", beside the "no reference for" line naming it: it was not scored."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": "a.txt", "text": "start metformin"})
                    + "\n" + json.dumps({"id": "b", "path": "b.wav", "text": "stop"})
                    + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("start metformin\n", encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"path": p, "error": "CorruptInputError"}) + "\n"
                            for p in ("b.wav", "c.wav")), encoding="utf-8")
    assert _eval(["--refs", str(refs), "--docs", str(docs), str(tmp_path / "a.txt"),
                  "--intervals", "0", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert ("1 input failed, scored as empty transcripts: b.wav (CorruptInputError)\n"
            in err)
    assert ("1 input failed, of no reference, not scored: c.wav (CorruptInputError)\n"
            in err)


def test_evaluate_cli_no_match_says_input_and_reference_in_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"(1 references, 1 inputs matching none)"."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": "a.txt", "text": "start"}) + "\n",
                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("stop\n", encoding="utf-8")
    assert _eval(["--refs", str(refs), str(tmp_path / "b.txt"), "--intervals", "0",
                  "--no-validate", "--no-progress"]) == 1
    assert "(1 reference, 1 input matching none)" in capsys.readouterr().err


def test_evaluate_cli_reads_an_archive_member_named_by_its_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """`uncertain eval 'arc.zip::a.txt'` (and calibrate, reading its inputs alike) said "no
    such file" of the key batch records give a member, and so of references naming their
    inputs so. The member is read as batch reads it (the second of a name by its #2) and
    keyed so; a member the archive does not hold is a failure saying so."""
    import zipfile

    arc = tmp_path / "arc.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("a.txt", "start metformin\n")
        zf.writestr("a.txt", "stop aspirin\n")  # (a second member of one name)
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": "arc.zip::a.txt", "text": "start metformin"})
                    + "\n" + json.dumps({"id": "b", "path": "arc.zip::a.txt#2",
                                         "text": "stop aspirin"}) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    argv = ["--refs", str(refs), "--intervals", "0", "--no-validate", "--no-progress",
            "--json", str(report), "--force"]
    for named in ([], [f"{arc}::a.txt", f"{arc}::a.txt#2"]):  # the references' own paths
        assert _eval([*argv, *named]) == 0, capsys.readouterr().err
        overall = json.loads(report.read_text())["groups"]["overall"]
        assert (overall["documents"], overall["failures"], overall["wer"]) == (2, 0, 0.0)
    with caplog.at_level("WARNING", logger="uncertain"):
        assert _eval([*argv, f"{arc}::a.txt", f"{arc}::c.txt"]) == 1
    assert f"{arc}::c.txt (MissingFileError)" in capsys.readouterr().err
    assert f"{arc}::c.txt: no such member of {arc}" in caplog.text


def test_evaluate_cli_lexicon_validates_the_files_run_with_a_formulary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """eval had no --lexicon (annotate and batch have it): a formulary's name was flagged
    as unknown in the files run, and its flag counted as a false one. calibrate refuses
    it, saying why (argparse said only "unrecognized arguments")."""
    from uncertain.cli import main

    note = tmp_path / "a note.txt"
    note.write_text("Take zorvaxiban 10 mg daily.\n")
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": str(note),
                                "text": "Take zorvaxiban 10 mg daily."}) + "\n")
    formulary = tmp_path / "form.tsv"
    formulary.write_text("term\tcanonical\tkind\nzorvaxiban\tzorvaxiban\tdrug\n")
    flagged = []
    for extra in ([], ["--lexicon", str(formulary)]):
        report = tmp_path / f"r{len(extra)}.json"
        assert main(["eval", "--refs", str(refs), str(note), "--intervals", "0",
                     "--no-progress", "--json", str(report), *extra]) == 0
        flagged.append(json.loads(report.read_text())["groups"]["overall"]["flagged_words"])
    assert flagged == [1, 0]
    capsys.readouterr()
    # with --docs alone (nothing run here) or --no-validate, it is said to be unused
    docs = tmp_path / "docs.jsonl"
    docs.write_text(make_doc(str(note), "text", [("Take", None)]).to_json() + "\n")
    assert main(["eval", "--refs", str(refs), "--docs", str(docs), "--intervals", "0",
                 "--lexicon", str(formulary)]) == 0
    assert "saved --docs are scored with the flags they were saved with" \
        in capsys.readouterr().err
    assert main(["calibrate", "--refs", str(refs), str(note), "--out",
                 str(tmp_path / "c.json"), "--lexicon", str(formulary)]) == 2
    err = capsys.readouterr().err
    assert "--lexicon: a calibration maps the stages' own scores" in err
    assert not (tmp_path / "c.json").exists()


def test_evaluate_cli_warns_of_a_lexicon_without_entries_as_annotate_does(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`annotate --lexicon empty.tsv` and batch warn "the lexicon has no entries"; eval
    said nothing, and the files it ran were scored as if the formulary were in use."""
    from uncertain.cli import main

    note = tmp_path / "a.txt"
    note.write_text("Take zorvaxiban daily.\n")
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": str(note),
                                "text": "Take zorvaxiban daily."}) + "\n")
    empty = tmp_path / "new\nformulary.tsv"
    empty.write_text("term\tcanonical\n# nothing yet\n")
    full = tmp_path / "hosp.tsv"
    full.write_text("zorvaxiban\n")
    with caplog.at_level("WARNING", logger="uncertain"):
        assert main(["eval", "--refs", str(refs), str(note), "--intervals", "0",
                     "--no-progress", "--lexicon", str(full), "--lexicon", str(empty)]) == 0
    said = [r.getMessage() for r in caplog.records if "no entries" in r.getMessage()]
    assert said == [f"{tmp_path}/new\\nformulary.tsv: the lexicon has no entries"]


def test_evaluate_cli_a_folder_that_cannot_be_listed_is_an_input_that_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """eval over a folder it could not list left it out with a warning and exited 0, as
    if every input had been scored; it is an input that failed, as for annotate and
    batch: said, and the status 1 (root lists any folder: the listing is made to fail)."""
    import os

    from uncertain.cli import main

    note = tmp_path / "a.txt"
    note.write_text("Take metformin daily.\n")
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "path": str(note), "text": "Take metformin "
                                "daily."}) + "\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    argv = ["eval", "--refs", str(refs), str(note), str(locked), "--intervals", "0",
            "--no-progress"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"{locked} (MissingFileError)" in err and "1 input failed" in err
    assert main([*argv, "--allow-failures"]) == 0


def test_calibrate_of_refs_on_stdin_says_stdin_in_the_calibration_info(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`calibrate --refs -` stored "refs": "-" in the calibration's info, as if a file
    were named "-"; it says "<stdin>", as the errors of standard input do, and eval's
    "no input matched a reference of -" likewise."""
    import io
    import sys

    from uncertain import calibrate_fit
    from uncertain.cli import main

    note = tmp_path / "a.txt"
    note.write_text("Take metformin daily.\n")
    line = json.dumps({"id": "a", "path": str(note), "text": "Take metformin daily."}) + "\n"
    fitted = Calibration(id="tesseract/eng/temperature/x", engine="tesseract", model="eng",
                         method="temperature")
    given: list[dict[str, Any]] = []
    monkeypatch.setattr(calibrate_fit, "fit_by_engine",
                        lambda *a, info, **k: given.append(info) or [(fitted, [])])
    monkeypatch.setattr(calibrate_fit, "format_comparison", lambda *a, **k: "")
    for refs, said in (("-", "<stdin>"), (str(tmp_path / "refs.jsonl"), None)):
        (tmp_path / "refs.jsonl").write_text(line)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
        out = tmp_path / "c.json"
        assert main(["calibrate", "--refs", refs, str(note), "--out", str(out),
                     "--force"]) == 0
        assert given.pop() == {"refs": said or refs}
    other = json.dumps({"id": "b", "path": "b.txt", "text": "x"}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(other.encode())))
    assert main(["eval", "--refs", "-", str(note), "--intervals", "0"]) == 1
    assert "no input matched a reference of <stdin> (1 reference" in capsys.readouterr().err
