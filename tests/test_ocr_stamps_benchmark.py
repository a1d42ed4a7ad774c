"""benchmarks/ocr_stamps.py: the colour copies it makes of a dev set's pages, and its run
with and without the pass that reads a page again with its saturated colours made light."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from uncertain import images

ROOT = Path(__file__).resolve().parent.parent
LINES = ["Patient: Maria Lopez DOB 04/22/1961", "Rx: Lisinopril 20 mg by mouth daily",
         "Metformin 850 mg twice daily with meals", "Atorvastatin 40 mg at bedtime",
         "Refills: 2 Dr. Helen Moore MD"]


@pytest.fixture(scope="module")
def bench() -> Any:
    """benchmarks/ocr_stamps.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("ocr_stamps",
                                                  ROOT / "benchmarks" / "ocr_stamps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ocr_stamps"] = module  # (its dataclass looks its module up)
    spec.loader.exec_module(module)
    return module


def _page() -> Image.Image:
    """A grey page of black print, as a dev set's are."""
    page = Image.new("L", (1200, 600), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 36)
    for i, line in enumerate(LINES):
        draw.text((60, 80 + i * 90), line, fill=0, font=font)
    return page


@pytest.mark.parametrize("kind", ["red", "blue", "highlight"])
def test_ocr_stamps_a_stamp_is_saturated_colour_over_the_print(bench: Any, kind: str) -> None:
    """A stamped or highlighted copy is the page in colour, of its size, with enough
    saturated colour for the pass to read it again, and the same from the same seed;
    with that colour made light, the print under it is as dark as it was."""
    page = _page()
    copy = bench.colour_copy(page, kind, random.Random(7))
    assert copy.mode == "RGB" and copy.size == page.size
    again = bench.colour_copy(page, kind, random.Random(7))
    assert np.array_equal(np.asarray(copy), np.asarray(again))
    other = bench.colour_copy(page, kind, random.Random(8))
    assert not np.array_equal(np.asarray(copy), np.asarray(other))
    light = images.vivid_light(copy)
    assert light is not None
    # the colour is where the page was paper; made light, it is paper again (or near)
    pixels = np.asarray(copy, dtype=np.int16)
    inked = (pixels.max(axis=2) - pixels.min(axis=2) >= 80) & (np.asarray(page) == 255)
    assert inked.mean() > 0.004
    assert np.asarray(light)[inked].mean() > 180
    print_ = np.asarray(page) == 0
    assert np.asarray(light)[print_].max() == 0


def test_ocr_stamps_dark_blue_print_has_no_saturated_colour(bench: Any) -> None:
    copy = bench.colour_copy(_page(), "darkblue", random.Random(7))
    pixels = np.asarray(copy)
    assert copy.mode == "RGB" and tuple(pixels[0, 0]) == (255, 255, 255)
    assert tuple(pixels.min(axis=(0, 1))) == (20, 30, 110)  # the print, in dark-blue ink
    assert images.vivid_light(copy) is None
    with pytest.raises(ValueError, match="unknown kind"):
        bench.colour_copy(_page(), "green", random.Random(7))


def test_ocr_stamps_reads_each_copy_with_and_without_the_pass(
        bench: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The run without the pass finds no saturated colour on any page (the pass's entry
    point, ``images.vivid_light``, replaced), the run with it does, and the figures of
    each kind count both. ``recognize`` is replaced by one that reads a page right only
    when it gets a copy with its colours made light, as the pass reads it."""
    (tmp_path / "images").mkdir()
    _page().save(tmp_path / "images" / "image-001.png", dpi=(300, 300))
    reference = "\n".join(LINES)
    misread = reference.replace("Lisinopril", "Lisinoprll")
    error = f"{bench.wer(reference, misread):.3f}"
    assert error != "0.000"
    with open(tmp_path / "refs.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "audio-001", "path": "audio/a.wav", "modality": "audio",
                             "text": "not a page"}) + "\n")
        fh.write(json.dumps({"id": "image-001", "path": "images/image-001.png",
                             "modality": "image", "text": reference}) + "\n")

    def recognize(path: Path) -> SimpleNamespace:
        with Image.open(path) as page:
            light = images.vivid_light(page)
        if light is None:
            return SimpleNamespace(text=misread,
                                   warnings=[])
        return SimpleNamespace(text=reference, warnings=[
            f"page 1: read with its {bench.KEPT_NOTE} (a stamp or a highlighter over the print)"])

    monkeypatch.setattr(bench, "recognize", recognize)
    assert bench.main(["--devset", str(tmp_path), "--kinds", "red,darkblue"]) == 0
    assert images.vivid_light is not None and images.vivid_light(_page()) is None
    # the pass's entry point is itself again after the run
    red_page = bench.colour_copy(_page(), "red", random.Random(7))
    assert images.vivid_light(red_page) is not None
    out = capsys.readouterr().out
    assert out.startswith("1 pages of ")
    rows = {line.split()[0]: line for line in out.splitlines()
            if line.split() and line.split()[0] in ("red", "darkblue")}
    assert rows["red"].startswith(f"red        1 pages: mean word error {error} -> 0.000; "
                                  "better on 1, worse on 0, same on 0; "
                                  "light reading kept on 1;")
    assert rows["darkblue"].startswith(f"darkblue   1 pages: mean word error {error} -> "
                                       f"{error}; "
                                       "better on 0, worse on 0, same on 1; "
                                       "light reading kept on 0;")
    with pytest.raises(SystemExit):
        bench.main(["--devset", str(tmp_path), "--kinds", "red,green"])


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_benchmarks_time_tesseract_with_one_shared_timer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """benchmarks/ocr_overhead.py kept a near copy of benchmarks/_tesseract_time.py's
    timer: it wraps the functions it names with that one now (each once, however often
    asked), a timed call inside another counted once."""
    import pytesseract

    from uncertain.ocr import PytesseractEngine

    overhead = _load("ocr_overhead")
    timer = sys.modules["_tesseract_time"]
    assert overhead.TESSERACT is timer.TESSERACT
    for fn in (pytesseract.pytesseract.run_tesseract, PytesseractEngine._process):
        assert getattr(fn, "tesseract_timed", False)
    clock = [0.0]  # (seconds, as the calls below spend them)
    monkeypatch.setattr(timer.time, "perf_counter", lambda: clock[0])

    def spend(seconds: float) -> None:
        clock[0] += seconds

    owner = SimpleNamespace()
    owner.inner = lambda: spend(1.0)
    owner.outer = lambda: (owner.inner(), spend(2.0))
    timer.time_calls((owner, "inner"), (owner, "outer"))
    wrapped = owner.inner
    timer.time_calls((owner, "inner"))
    assert owner.inner is wrapped
    timer.TESSERACT[0] = 0.0
    owner.outer()
    assert timer.TESSERACT[0] == 3.0  # (4.0: the inner call's second counted twice)
    owner.inner()
    assert timer.TESSERACT[0] == 4.0
