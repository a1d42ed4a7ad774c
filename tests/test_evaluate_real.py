"""``uncertain eval`` end to end with the real engines on two shipped samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _eval(argv: list[str]) -> int:
    """Run ``uncertain eval`` as the CLI does, but let its errors through."""
    from uncertain.cli import build_parser

    args = build_parser().parse_args(["eval", *argv])
    return int(args.func(args))



@pytest.mark.slow
def test_evaluate_real_engines_with_shipped_calibration(samples_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    refs = tmp_path / "refs.jsonl"
    refs_dir = samples_dir / "references"
    refs.write_text("\n".join(json.dumps(r) for r in [
        {"path": str(samples_dir / "phototest.tif"),
         "text": (refs_dir / "phototest.txt").read_text(encoding="utf-8")},
        {"id": "dictation", "text": (refs_dir / "dictation.txt").read_text(encoding="utf-8"),
         "terms": [{"term": "metformin", "canonical": "metformin"},
                   {"term": "lisinopril", "canonical": "lisinopril"}]},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    status = _eval(["--refs", str(refs), str(samples_dir / "phototest.tif"),
                        str(samples_dir / "dictation.wav"), "--calibration", "default",
                        "--json", str(out)])
    assert status == 0
    assert "reliability (image)" in capsys.readouterr().out
    groups = json.loads(out.read_text(encoding="utf-8"))["groups"]
    image, audio = groups["image"], groups["audio"]
    assert (image["documents"], audio["documents"]) == (1, 1)
    assert image["wer"] < 0.1  # tesseract reads its own test page almost perfectly
    assert audio["wer"] < 0.6
    assert audio["terms"] == 2
    for group in (image, audio):
        assert group["confidence_words"] > 20 and group["null_confidence_words"] == 0
        assert 0.0 <= group["ece"] <= 1.0
