"""``uncertain eval`` end to end with the real engines on two shipped samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uncertain.document import Document


def _eval(argv: list[str]) -> int:
    """Run ``uncertain eval`` as the CLI does, but let its errors through."""
    from uncertain.cli import build_parser

    args = build_parser().parse_args(["eval", *argv])
    return int(args.func(args))



@pytest.mark.slow
def test_evaluate_real_engines_on_the_samples(samples_dir: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # samples/refs.jsonl names every sample and the drugs it holds; with no PATH the
    # references' own files run, calibrated, validated and rescored as annotate does
    out = tmp_path / "report.json"
    assert _eval(["--refs", str(samples_dir / "refs.jsonl"), "--json", str(out),
                  "--intervals", "200"]) == 0
    printed = capsys.readouterr().out
    assert "reliability (image)" in printed and "95% intervals" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    groups = report["groups"]
    image, audio, text = groups["image"], groups["audio"], groups["text"]
    assert (audio["documents"], image["documents"], text["documents"]) == (2, 3, 1)
    assert report["missing"] == [] and report["unmatched"] == []
    assert image["wer"] < 0.1  # phototest, the fax and the scan are mostly read right
    assert audio["wer"] < 0.4
    assert (audio["terms"], image["terms"], text["terms"]) == (5, 7, 2)
    assert image["drug_top3"] >= 0.85  # the fax's garbled names come back as suggestions
    assert text["drug_top3"] >= 0.5  # "met for men" -> metformin
    for group in (image, audio):
        assert group["confidence_words"] > 20 and group["null_confidence_words"] == 0
        assert 0.0 <= group["ece"] <= 1.0
    assert text["confidence_words"] == 0 and text["auc_roc"] is None


@pytest.mark.slow
@pytest.mark.parametrize(("calibration", "applied"), [("auto", True), ("none", False),
                                                      (None, False)])
def test_evaluate_run_stages_calibrates_before_validating(
        samples_dir: Path, calibration: str | None, applied: bool) -> None:
    from uncertain.calibrate import default_calibration
    from uncertain.evaluate import run_stages

    (doc,) = run_stages([samples_dir / "prescription.png"], calibration=calibration)
    shipped = default_calibration("tesseract", "eng")
    assert shipped is not None
    assert doc.source.calibration == (shipped.id if applied else None)  # type: ignore[union-attr]
    assert doc.flags  # validated after calibration


@pytest.mark.slow
def test_evaluate_run_stages_weighs_a_hunch_as_annotate_does() -> None:
    """A recording whose only doubt was a hunch (furosemide heard as "hold Lasix" said
    fluently) was not rescored by eval: 0% recovered where annotate's document had it."""
    from uncertain.evaluate import run_stages

    path = Path(__file__).resolve().parent / "data" / "rescore" / "hold_lasix.flac"
    (heard,) = run_stages([path], rescore=False)
    assert isinstance(heard, Document) and heard.validation is not None
    assert not any(f.candidates and f.candidates[0].canonical == "furosemide"
                   for f in heard.flags)
    assert [h.candidates[0].canonical for h in heard.validation.hunches] == ["furosemide"]
    (weighed,) = run_stages([path], rescore=True)
    assert isinstance(weighed, Document)
    assert [f.candidates[0].canonical for f in weighed.flags if f.candidates] == ["furosemide"]


@pytest.mark.slow
def test_evaluate_run_stages_draws_a_bar_over_the_files_on_a_terminal(
        samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """eval and calibrate run every file through the stages: on a terminal a bar counts
    them (cleared at the end); asked not to, or with no terminal, nothing is drawn."""
    import io
    import sys

    from uncertain.evaluate import run_stages

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    files = [samples_dir / "clinic_note.txt", samples_dir / "prescription.png"]
    for progress, tty, drawn in ((True, True, True), (False, True, False),
                                 (True, False, False)):
        stderr = Terminal() if tty else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stderr)
        docs = run_stages(files, progress=progress)
        assert len(docs) == 2
        assert ("2/2" in stderr.getvalue() and "file" in stderr.getvalue()) == drawn
