"""The validator behind the real engines: the bundled Whisper model and tesseract."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncertain.validate import validate

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.slow
def test_validate_real_jfk_transcript_has_no_doubtful_flags() -> None:
    from uncertain.asr import transcribe

    doc = validate(transcribe(SAMPLES / "jfk.flac"))
    assert "ask not what your country can do for you" in doc.text.lower()
    assert [f for f in doc.flags if f.reason != "verified"] == []


@pytest.mark.slow
def test_validate_real_prescription_scan_proposes_the_drugs() -> None:
    from uncertain.ocr import recognize

    doc = validate(recognize(SAMPLES / "prescription.png"))
    proposed = {f.candidates[0].canonical for f in doc.flags
                if f.candidates and f.reason in ("near_lexicon", "verified")}
    assert {"lisinopril", "metformin", "atorvastatin", "amoxicillin"} <= proposed
