"""Record real tesseract output for the OCR unit tests (run by hand, not by pytest).

``.venv/bin/python tests/data/ocr/record_fixtures.py`` runs ``uncertain.ocr.recognize`` on
each scenario below through an engine that calls the real tesseract and stores every
answer, in call order, as ``<scenario>.json.gz``: a list of ``{"method", "config",
"output"}`` (plus, for hOCR calls, the TSV tesseract writes for the same image and
flags, so tests can check hOCR against TSV). The unit tests replay these answers.

The scenario inputs are the files in ``samples/`` or images derived from them in a
deterministic way (see ``scenario_input``), which the tests derive again.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLES = ROOT / "samples"

SCENARIOS: dict[str, dict[str, Any]] = {
    "phototest": {},
    "phototest_plain": {"char_alternatives": False},
    "prescription": {},
    "upside_down": {},
    "small": {},
    "blank": {},
    "scan": {},
    "uneven_light": {},
}


def scenario_input(name: str, workdir: Path) -> Path:
    """The input file of a scenario (derived images are written to ``workdir``)."""
    if name in ("phototest", "phototest_plain"):
        return SAMPLES / "phototest.tif"
    if name == "prescription":
        return SAMPLES / "prescription.png"
    if name == "scan":
        return SAMPLES / "scan.pdf"
    if name == "uneven_light":
        # a prescription photographed under uneven light (benchmarks/devset.py --seed 7,
        # item image-med-024): tesseract's global threshold reads nothing of it
        return HERE / "uneven_light.png"
    if name == "upside_down":
        target = workdir / "upside_down.png"
        Image.open(SAMPLES / "phototest.tif").rotate(180).save(target)
        return target
    if name == "small":
        target = workdir / "small.png"
        img = Image.open(SAMPLES / "phototest.tif").convert("L")
        img.resize((256, 192), Image.Resampling.LANCZOS).save(target)
        return target
    if name == "blank":
        target = workdir / "blank.png"
        Image.new("L", (600, 400), 255).save(target)
        return target
    raise KeyError(name)


class RecordingEngine:
    """Calls pytesseract and keeps every answer."""

    def __init__(self) -> None:
        import pytesseract

        self.pt = pytesseract
        self.calls: list[dict[str, Any]] = []

    def image_to_pdf_or_hocr(self, image: Any, lang: str | None = None, config: str = "",
                             nice: int = 0, extension: str = "hocr",
                             timeout: float = 0) -> bytes:
        out = self.pt.image_to_pdf_or_hocr(image, lang=lang, config=config,
                                           extension=extension, timeout=timeout)
        tsv = self.pt.image_to_data(image, lang=lang, config=config)
        self.calls.append({"method": "image_to_pdf_or_hocr", "config": config,
                           "output": out.decode("utf-8"), "tsv": tsv})
        return bytes(out)

    def image_to_osd(self, image: Any, lang: str = "osd", config: str = "", nice: int = 0,
                     output_type: str = "string", timeout: float = 0) -> Any:
        try:
            out = self.pt.image_to_osd(image, config=config, timeout=timeout)
        except self.pt.TesseractError as exc:
            self.calls.append({"method": "image_to_osd", "config": config,
                               "error": str(exc.message)})
            raise
        self.calls.append({"method": "image_to_osd", "config": config, "output": out})
        return out

    def get_languages(self, config: str = "") -> list[str]:
        out = list(self.pt.get_languages(config=config))
        self.calls.append({"method": "get_languages", "config": config, "output": out})
        return out


def main(names: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from uncertain.ocr import recognize

    with tempfile.TemporaryDirectory() as tmp:
        for name in names or list(SCENARIOS):
            engine = RecordingEngine()
            doc = recognize(scenario_input(name, Path(tmp)), engine=engine, **SCENARIOS[name])
            with gzip.open(HERE / f"{name}.json.gz", "wt", encoding="utf-8") as fh:
                json.dump(engine.calls, fh)
            print(f"{name}: {len(engine.calls)} calls, {len(doc.words)} words")


if __name__ == "__main__":
    main(sys.argv[1:])
