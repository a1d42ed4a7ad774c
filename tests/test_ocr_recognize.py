"""``recognize`` driven by a fake engine replaying recorded tesseract output."""

from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from uncertain.document import Document
from uncertain.errors import EngineError, EngineNotFoundError, InputTooLargeError
from uncertain.ocr import (
    CONFIDENCE_DEFINITION,
    RAW_SCORE_DEFINITION,
    RecognizeOptions,
    recognize,
    spellings,
)

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "ocr"))
from ocr_replay import ReplayEngine, load_calls, pdf_with_text, scenario_input


def _run(scenario: str, tmp_path: Path, **options: object) -> tuple[Document, ReplayEngine]:
    engine = ReplayEngine(scenario)
    doc = recognize(scenario_input(scenario, tmp_path), engine=engine, **options)  # type: ignore[arg-type]
    assert engine.recorded == [], "every recorded call was made"
    return doc, engine


def _tsv_confs(scenario: str, call: int = 0) -> list[float]:
    rows = [r.split("\t") for r in load_calls(scenario)[call]["tsv"].splitlines()[1:]]
    return [float(r[10]) for r in rows if len(r) == 12 and r[11].strip()]


def test_ocr_confidence_is_word_conf_over_100(tmp_path: Path) -> None:
    doc, _ = _run("phototest", tmp_path)
    words = doc.words
    # TSV's -1 rows (page, block, paragraph and line levels) are not words
    assert [w.raw_score for w in words] == [int(c) for c in _tsv_confs("phototest") if c >= 0]
    for w in words:
        assert w.raw_score is not None and w.confidence == pytest.approx(w.raw_score / 100)
        assert w.page == 1
    assert doc.source.confidence_definition == CONFIDENCE_DEFINITION
    assert doc.source.raw_score_definition == RAW_SCORE_DEFINITION
    assert doc.source.engine == "tesseract" and doc.source.engine_version == "5.3.0"
    assert doc.source.modality == "image"


def test_ocr_minus_one_rows_are_dropped_not_zeroed(tmp_path: Path) -> None:
    doc, _ = _run("phototest", tmp_path)
    rows = [r.split("\t") for r in load_calls("phototest")[0]["tsv"].splitlines()[1:]]
    levels = {(int(r[0]), float(r[10])) for r in rows if len(r) == 12 and float(r[10]) < 0}
    assert {level for level, _ in levels} == {1, 2, 3, 4}  # the rows that are not words
    words = [r for r in rows if len(r) == 12 and r[0] == "5" and r[11].strip()]
    assert len(doc.words) == len(words) < len(rows)
    assert all(w.confidence is not None and w.confidence > 0 for w in doc.words)


def test_ocr_segments_follow_blocks_paragraphs_lines(tmp_path: Path) -> None:
    doc, _ = _run("phototest", tmp_path)
    keys = [(s.block, s.paragraph, s.line) for s in doc.segments]
    assert keys == [(1, 1, 1), (1, 1, 2), (1, 1, 3), (1, 2, 1), (1, 2, 2), (1, 2, 3),
                    (1, 2, 4), (1, 2, 5)]
    assert [s.id for s in doc.segments] == list(range(8))
    assert doc.segments[0].text.startswith("This is a lot of 12 point text")
    # a blank line where a paragraph starts, as on the page
    assert [s.blank_lines for s in doc.segments] == [0, 0, 0, 1, 0, 0, 0, 0]
    assert "of file format.\n\nThe quick brown" in doc.text
    for s in doc.segments:
        assert s.kind == "line" and s.page == 1 and s.bbox is not None
        assert s.confidence == pytest.approx(
            sum(w.confidence or 0 for w in s.words) / len(s.words))
        x0, y0, x1, y1 = s.bbox
        for w in s.words:
            assert w.bbox is not None
            assert x0 <= w.bbox[0] <= w.bbox[2] <= x1 and y0 <= w.bbox[1] <= w.bbox[3] <= y1
    tops = [s.bbox[1] for s in doc.segments if s.bbox]
    assert tops == sorted(tops)


def test_ocr_asks_for_char_choices_in_one_call(tmp_path: Path) -> None:
    doc, engine = _run("phototest", tmp_path)
    assert [a["method"] for a in engine.asked] == ["image_to_pdf_or_hocr"]
    assert "lstm_choice_mode=2" in engine.asked[0]["config"]
    assert "--dpi 200" in engine.asked[0]["config"]
    assert any(w.chars for w in doc.words)


def test_ocr_without_char_alternatives(tmp_path: Path) -> None:
    doc, engine = _run("phototest_plain", tmp_path, char_alternatives=False)
    assert "lstm_choice_mode" not in engine.asked[0]["config"]
    assert all(not w.chars and not w.alternatives for w in doc.words)
    assert len(doc.words) == 60


def test_ocr_char_choices_and_alternatives(tmp_path: Path) -> None:
    # the fax as tesseract reads it first (its smoothed pass is another test's)
    engine = ReplayEngine(calls=load_calls("prescription")[:1])
    doc = recognize(scenario_input("prescription", tmp_path), engine=engine, smooth="off")
    assert engine.recorded == []
    words = {w.text: w for w in doc.words}
    daily = words["daily"]
    assert len(daily.chars) == len("daily")
    assert daily.chars[2].choices[0].text == "i"
    assert {"l", "t"} <= {c.text for c in daily.chars[2].choices[1:]}
    assert "dally" in [a.text for a in daily.alternatives]
    for w in doc.words:
        assert len(w.alternatives) <= 5
        assert all(a.source == "ocr_choices" and a.text != w.text for a in w.alternatives)
        confs = [a.confidence or 0 for a in w.alternatives]
        assert confs == sorted(confs, reverse=True)
    # the badly faxed drug name has low confidence and an alternative closer to the truth
    lisinopril = next(w for w in doc.words if w.text.startswith("Lisin"))
    assert lisinopril.confidence is not None and lisinopril.confidence < 0.5
    assert any(a.text.startswith("Lisinopril") or "opril" in a.text
               for a in lisinopril.alternatives)


def test_ocr_black_and_white_page_read_badly_is_read_again_smoothed(tmp_path: Path) -> None:
    """The faxed sample (black and white, read at mean confidence 67): read again blurred
    and scaled up towards 48-pixel lines, which reads it better, and that pass is kept,
    its boxes scaled back onto the page as it is."""
    doc, engine = _run("prescription", tmp_path)
    first, smoothed = engine.asked[0]["size"], engine.asked[1]["size"]
    assert smoothed == (first[0] * 2, first[1] * 2)
    # (the resolution it is read at doubles with it: its print stays the same size)
    assert [a["config"] for a in engine.asked] == [
        "--dpi 110 -c lstm_choice_mode=2", "--dpi 220 -c lstm_choice_mode=2"]
    assert doc.pages[0].scale == 2.0
    assert any(n.startswith("page 1: read smoothed (black and white, scaled 2): 33 -> 39 "
                            "words, mean word confidence 67 -> 85") for n in doc.warnings)
    texts = [w.text for w in doc.words]
    assert {"Lisinopril", "Metformin", "Atorvastatin", "Amoxicillin"} <= set(texts)
    assert all(w.bbox is not None and w.bbox[2] <= first[0] and w.bbox[3] <= first[1]
               for w in doc.words)
    # switched off, the page keeps its first reading
    engine = ReplayEngine(calls=load_calls("prescription")[:1])
    doc = recognize(scenario_input("prescription", tmp_path), engine=engine, smooth="off")
    assert engine.recorded == [] and len(engine.asked) == 1
    assert "Lisinopril" not in [w.text for w in doc.words]


def test_ocr_page_of_greys_is_not_read_smoothed(tmp_path: Path) -> None:
    """Only a black-and-white page is read smoothed: a grey page (antialiased print, a
    photo) read as badly is not."""
    page = tmp_path / "grey.png"
    Image.new("L", (300, 110), 128).save(page)
    engine = ReplayEngine(calls=[_hocr(24, 60)])
    recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
              upscale=False, char_alternatives=False)
    assert engine.recorded == [] and len(engine.asked) == 1
    white = tmp_path / "white.png"
    Image.new("L", (300, 110), 255).save(white)
    engine = ReplayEngine(calls=[_hocr(24, 60), _hocr(24, 50)])
    doc = recognize(white, engine=engine, binarize="off", deskew="off", orientation="off",
                    upscale=False, char_alternatives=False)
    # (a pass that reads worse is not kept)
    assert engine.recorded == [] and doc.pages[0].scale == 1.0
    assert not any("smoothed" in n for n in doc.warnings)


@pytest.mark.parametrize(
    ("chars", "expected_first"),
    [
        # "Usinopril" with L at 72 as the second choice for its first letter: "Lsinopril",
        # one insertion from "Lisinopril" (the validator's step)
        ([[("U", 80.0), ("L", 72.0)]] + [[(c, 95.0)] for c in "sinopril"], "Lsinopril"),
        ([[("c", 90.0), ("e", 10.0)], [("a", 95.0)], [("t", 60.0), ("r", 40.0)]], "car"),
        ([[("B", 86.0)], [("1", 82.0), ("I", 80.0)], [("0", 89.0), ("D", 68.0)]], "BI0"),
    ],
)
def test_ocr_spellings_best_first(chars: list[list[tuple[str, float]]],
                                  expected_first: str) -> None:
    found = spellings(chars)
    assert found[0][0] == expected_first
    assert all(0 < p <= 1 for _, p in found)


def test_ocr_spellings_double_substitution_and_limits() -> None:
    chars = [[("B", 86.0)], [("1", 82.0), ("I", 80.0)], [("0", 89.0), ("D", 68.0)]]
    found = dict(spellings(chars))
    assert set(found) == {"BI0", "B1D", "BID"}
    assert found["BID"] == pytest.approx(found["BI0"] * found["B1D"] / (
        (82 / 162) * (89 / 157)))
    assert spellings(chars, limit=1) == spellings(chars)[:1]
    assert spellings([[("a", 99.0), ("o", 1.0)]], min_ratio=0.05) == []
    assert spellings([[(c, 90.0)] for c in "word"]) == []


def test_ocr_upside_down_page_is_turned(tmp_path: Path) -> None:
    doc, engine = _run("upside_down", tmp_path)
    # a page that reads badly is read again with adaptive thresholding first, then its
    # orientation is checked
    assert [a["method"] for a in engine.asked] == [
        "image_to_pdf_or_hocr", "image_to_pdf_or_hocr", "image_to_osd", "image_to_pdf_or_hocr"]
    assert "thresholding_method=2" in engine.asked[1]["config"]
    assert doc.pages[0].rotation == 180
    assert any("turned 180" in note for note in doc.warnings)
    # OSD's own confidence in the turn, as it said it
    said = next(c["output"] for c in load_calls("upside_down") if c["method"] == "image_to_osd")
    confidence = re.search(r"Orientation confidence: ([\d.]+)", said)
    assert confidence is not None and "Rotate: 180" in said
    assert doc.pages[0].orientation_confidence == float(confidence.group(1)) > 0
    assert doc.segments[0].text.startswith("This is a lot of 12 point text")
    # boxes are on the original (upside-down) page: the first line is now at the bottom
    first, last = doc.segments[0].bbox, doc.segments[-1].bbox
    assert first is not None and last is not None and first[1] > last[1]
    assert first == pytest.approx((640 - 580, 480 - 122, 640 - 36, 480 - 92), abs=2)


def test_ocr_upside_down_without_osd_compares_passes(tmp_path: Path) -> None:
    calls = load_calls("upside_down")
    osd = next(k for k, call in enumerate(calls) if call["method"] == "image_to_osd")
    calls[osd] = {"method": "image_to_osd", "config": "",
                  "error": "Too few characters. Skipping this page"}
    engine = ReplayEngine(calls=calls)
    doc = recognize(scenario_input("upside_down", tmp_path), engine=engine)
    assert doc.pages[0].rotation == 180
    assert any("180-degree pass" in note for note in doc.warnings)
    assert doc.pages[0].orientation_confidence is None  # OSD said nothing


def test_ocr_orientation_off_keeps_the_first_pass(tmp_path: Path) -> None:
    engine = ReplayEngine(calls=load_calls("upside_down")[:1])
    doc = recognize(scenario_input("upside_down", tmp_path), engine=engine, orientation="off",
                    binarize="off", smooth="off")
    assert doc.pages[0].rotation == 0 and doc.pages[0].orientation_confidence is None
    assert doc.words and max(w.confidence or 0 for w in doc.words) < 1


def test_ocr_uneven_light_is_read_with_adaptive_thresholding(tmp_path: Path) -> None:
    """A phone photo under uneven light: tesseract's global threshold reads nothing of
    it; the Sauvola pass reads the prescription and is kept, with a note."""
    # (the photo is also tilted a little: levelling is another pass, off here)
    doc, engine = _run("uneven_light", tmp_path, deskew="off")
    configs = [a["config"] for a in engine.asked]
    assert len(configs) == 2 and "thresholding_method" not in configs[0]
    assert "-c thresholding_method=2" in configs[1]
    assert len(doc.words) > 30 and "Diclofenac 75" in doc.text
    assert doc.warnings == [
        "page 1: read with adaptive thresholding (uneven light or low contrast): "
        f"0 -> {len(doc.words)} words, mean word confidence 0 -> 85"]
    # without the pass the page is lost whole
    engine = ReplayEngine(calls=load_calls("uneven_light")[:1])
    doc = recognize(scenario_input("uneven_light", tmp_path), engine=engine, binarize="off",
                    deskew="off")
    assert doc.words == [] and "no text recognised" in doc.warnings[0]


def test_ocr_adaptive_pass_is_kept_only_when_it_reads_more(tmp_path: Path) -> None:
    # the blank page: the second pass reads nothing either, and the first one is kept
    doc, engine = _run("blank", tmp_path)
    assert len(engine.asked) == 2 and doc.words == []
    assert not any("adaptive" in note for note in doc.warnings)
    # a page that reads well is read once
    _, engine = _run("phototest", tmp_path)
    assert len(engine.asked) == 1


def test_ocr_a_pass_that_fails_keeps_the_reading_before_it(tmp_path: Path) -> None:
    """Every pass after the first only tries to read the page better: when tesseract fails
    on one, the page keeps what it read, with a note; a missing binary is still an error."""
    calls = load_calls("upside_down")
    calls[1] = {"method": "image_to_pdf_or_hocr", "config": calls[1]["config"],
                "error": "Error in pixSauvolaBinarizeTiled: whsize must be >= 2"}
    engine = ReplayEngine(calls=calls)
    doc = recognize(scenario_input("upside_down", tmp_path), engine=engine)
    assert engine.recorded == []
    assert doc.warnings[0] == (
        "page 1: a pass with adaptive thresholding failed, the page keeps the reading "
        "before it (tesseract failed: Error in pixSauvolaBinarizeTiled: whsize must be >= 2)")
    # the passes after it are made as before: the page is still turned
    assert doc.pages[0].rotation == 180 and any("turned 180" in n for n in doc.warnings)
    # the turned pass failing too: the page keeps its first, upside-down reading
    calls[-1] = {"method": "image_to_pdf_or_hocr", "config": calls[-1]["config"],
                 "error": "Error during processing."}
    doc = recognize(scenario_input("upside_down", tmp_path), engine=ReplayEngine(calls=calls),
                    smooth="off")
    assert doc.pages[0].rotation == 0 and doc.words
    assert "page 1: a pass turned 180 degrees failed" in doc.warnings[1]

    class NoBinaryOnRetry(ReplayEngine):
        def image_to_pdf_or_hocr(self, *args: object, **kwargs: object) -> bytes:
            if self.asked:
                import pytesseract

                raise pytesseract.TesseractNotFoundError()
            return super().image_to_pdf_or_hocr(*args, **kwargs)

    with pytest.raises(EngineNotFoundError, match="not found"):
        recognize(scenario_input("upside_down", tmp_path), engine=NoBinaryOnRetry("upside_down"))


def test_ocr_small_text_is_upscaled_and_boxes_scaled_back(tmp_path: Path) -> None:
    doc, engine = _run("small", tmp_path)
    assert engine.asked[0]["size"] == (256, 192)
    big = engine.asked[1]["size"]
    assert big[0] > 256 * 2
    page = doc.pages[0]
    assert (page.width, page.height) == (256, 192)
    assert page.scale == pytest.approx(big[0] / 256, rel=0.01)
    first = doc.segments[0]
    assert first.text.startswith("This is a lot of 12 point text")
    assert first.bbox is not None
    # the line is at the same place as in the full-size phototest, times 0.4
    assert first.bbox == pytest.approx((36 * 0.4, 92 * 0.4, 580 * 0.4, 122 * 0.4), abs=2)
    for w in doc.words:
        assert w.bbox is not None and w.bbox[2] <= 256 and w.bbox[3] <= 192


def _hocr(words: int, conf: int, *, scale: float = 1.0) -> dict[str, object]:
    """A recorded tesseract answer: ``words`` words at ``conf``, four to a line of print
    10 pixels high (small text) on a 300 x 110 page, all ``scale`` times larger."""
    def box(x0: float, y0: float, x1: float, y1: float) -> str:
        return "bbox " + " ".join(str(round(v * scale)) for v in (x0, y0, x1, y1))

    lines = []
    for first in range(0, words, 4):
        y = 5 + 25 * (first // 4)
        spans = "".join(
            f"<span class='ocrx_word' title='{box(5 + 70 * i, y, 65 + 70 * i, y + 10)}; "
            f"x_wconf {conf}'>word{first + i}</span> " for i in range(min(4, words - first)))
        lines.append(f"<span class='ocr_line' title='{box(5, y, 295, y + 10)}'>{spans}</span>")
    page = (f"<div class='ocr_page' title='{box(0, 0, 300, 110)}'>"
            f"<div class='ocr_carea'><p class='ocr_par'>{''.join(lines)}</p></div></div>")
    return {"method": "image_to_pdf_or_hocr",
            "output": f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{page}</body></html>"}


@pytest.mark.parametrize(("upscaled", "kept"), [
    ((24, 92), True),  # the same words, more surely
    ((6, 93), False),  # surer, but a quarter of the words
    ((24, 80), False),  # as many words, less surely
    ((36, 84), True),  # half as many again, its sure words more than all read before
    ((36, 70), False),  # more words, none of them sure
])
def test_ocr_upscaled_pass_is_kept_when_it_reads_more_more_surely(
        tmp_path: Path, upscaled: tuple[int, int], kept: bool) -> None:
    """The upscaled pass was kept on mean confidence alone: 6 words of 24 read at 93
    replaced the 24 read at 85 (a scan whose DPI tag made tesseract drop small print).
    Nor is mean confidence alone a reason to refuse one: a pass whose sure words hold
    more than every word read before reads more of the page (a page tilted 5 degrees lost
    two lines whole, its levelled pass reading 66 words at 87.6 against 48 at 88)."""
    page = tmp_path / "small.png"
    Image.new("L", (300, 110), 255).save(page)
    words, conf = upscaled
    engine = ReplayEngine(calls=[_hocr(24, 85), _hocr(words, conf, scale=3.2)])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", char_alternatives=False)
    assert engine.recorded == [] and engine.asked[1]["size"] == (960, 352)
    assert len(doc.words) == (words if kept else 24)
    assert doc.pages[0].scale == (3.2 if kept else 1.0)


def test_ocr_resolution_given_to_tesseract_is_one_it_reads_print_at(tmp_path: Path) -> None:
    """An upscaled pass was told dpi x scale (--dpi 3491 for a 1200-dpi scan), and a PDF
    rendered at 20 dpi --dpi 20: tesseract checks a resolution it reads from a file (70
    to 2400), not one it is told, and dropped print."""
    page = tmp_path / "small.png"
    Image.new("L", (300, 110), 255).save(page, dpi=(1200, 1200))
    engine = ReplayEngine(calls=[_hocr(24, 85), _hocr(24, 80), _hocr(24, 92, scale=3.2)])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", char_alternatives=False)
    assert [a["config"] for a in engine.asked] == ["--dpi 1200", "--dpi 300", "--dpi 2400"]
    assert doc.pages[0].dpi == 1200.0
    pdf = pdf_with_text(tmp_path / "layer.pdf", "Metformin 500 mg")
    engine = ReplayEngine(calls=[_hocr(0, 0)])
    recognize(pdf, engine=engine, dpi=20, binarize="off", deskew="off", orientation="off",
              smooth="off", char_alternatives=False)
    assert [a["config"] for a in engine.asked] == ["--dpi 70"]


@pytest.mark.parametrize(("tag", "dpi", "told"), [
    (5000, None, ""), (2, None, ""), (72, 72.0, "--dpi 72"), (2400, 2400.0, "--dpi 2400")])
def test_ocr_resolution_tag_outside_what_scans_have_is_ignored(
        tmp_path: Path, tag: int, dpi: float | None, told: str) -> None:
    """A PNG tagged 5000 dpi was read with --dpi 5000: tesseract took its print for
    specks and read 6 words of 24, saying nothing. The tag is no resolution, and a note
    says so."""
    page = tmp_path / "tagged.png"
    Image.new("L", (300, 110), 255).save(page, dpi=(tag, tag))
    engine = ReplayEngine(calls=[_hocr(8, 90), _hocr(8, 80)])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", upscale=False, char_alternatives=False)
    # (a 2400-dpi tag makes these 10-pixel lines 0.3 pt high: a pass at 300 dpi is tried,
    # and reads less surely)
    assert [a["config"] for a in engine.asked] == [told] + ["--dpi 300"] * (tag == 2400)
    assert doc.pages[0].dpi == dpi
    notes = [n for n in doc.warnings if "resolution tag" in n]
    assert notes == ([] if dpi else [
        f"page 1: the image's resolution tag says {tag} dpi, outside the 70-2400 a scan "
        "or photo has: read as an image without one"])


@pytest.mark.parametrize(("tag", "answers", "told", "words"), [
    (600, [(11, 89), (24, 90)], ["--dpi 600", "--dpi 300"], 24),  # read at 300 dpi
    (600, [(11, 89), (24, 80)], ["--dpi 600", "--dpi 300"], 24),  # more, a little less surely
    (600, [(0, 0), (24, 90)], ["--dpi 600", "--dpi 300"], 24),  # nothing read at the tag
    (600, [(24, 92), (11, 80)], ["--dpi 600", "--dpi 300"], 0),  # the tag's reading is better
    (200, [(11, 89)], ["--dpi 200"], 11),  # 3.6 pt lines at 200 dpi: the tag is believed
])
def test_ocr_resolution_tag_that_makes_print_too_small_to_read(
        tmp_path: Path, tag: int, answers: list[tuple[int, int]], told: list[str],
        words: int) -> None:
    """Print 11 pixels high in an image tagged 600 or 700 dpi (1.3 pt: a snippet saved
    with its scan's tag) read 11 and 19 of its 24 words: tesseract takes print that
    small for specks. A tag over 300 dpi that makes the lines under 4 pt high, or under
    which nothing is read, is not believed: the page is read at 300 dpi, with a note,
    unless the tag's reading is both the larger and the surer (``words`` 0: kept)."""
    page = tmp_path / "tagged.png"
    Image.new("L", (300, 110), 255).save(page, dpi=(tag, tag))
    engine = ReplayEngine(calls=[_hocr(n, conf) for n, conf in answers])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", upscale=False, char_alternatives=False)
    assert [a["config"] for a in engine.asked] == told
    assert len(doc.words) == (words or answers[0][0]) and doc.pages[0].dpi == tag
    notes = [n for n in doc.warnings if "resolution tag" in n]
    assert len(notes) == (words == 24)
    if notes:
        said = ", which makes its lines 1.2 pt high" if answers[0][0] else (
            ", and nothing was read at it")
        assert notes == [f"page 1: the image's resolution tag says 600 dpi{said}: read at "
                         f"300 dpi, {answers[0][0]} -> 24 words"]


def test_ocr_blank_page_is_an_empty_page(tmp_path: Path) -> None:
    doc, _ = _run("blank", tmp_path)
    assert [(p.number, p.width, p.height) for p in doc.pages] == [(1, 600, 400)]
    assert doc.segments == [] and doc.words == [] and doc.text == ""
    assert doc.warnings == [
        "page 1: no text recognised (a blank page, or print tesseract cannot read)"]


def test_ocr_progress_counts_pages(tmp_path: Path) -> None:
    """``progress`` hears each page as it is read, with the file's page count."""
    seen: list[tuple[float, float | None]] = []
    engine = ReplayEngine("scan")
    recognize(scenario_input("scan", tmp_path), engine=engine,
              progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_ocr_a_progress_callback_that_raises_cancels_and_leaves_no_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelling a job is raising from ``progress``: the exception comes out as it was
    raised, after the page it was told of, and the pages' images go with it."""
    import tempfile

    class Cancelled(Exception):
        pass

    def cancel(done: float, total: float | None) -> None:
        raise Cancelled(done)

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    path = scenario_input("scan", tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    engine = ReplayEngine("scan")
    with pytest.raises(Cancelled) as info:
        recognize(path, engine=engine, progress=cancel)
    assert info.value.args == (1,)
    assert len(engine.asked) == 1  # the second page was not read
    assert list(scratch.iterdir()) == []


def test_ocr_pdf_gives_one_page_each(tmp_path: Path) -> None:
    doc, engine = _run("scan", tmp_path)
    assert [(p.number, p.dpi, p.text_source, p.text_layer) for p in doc.pages] == [
        (1, 300.0, "ocr", None), (2, 300.0, "ocr", None)]
    assert [a["size"] for a in engine.asked] == [(2481, 3508), (2481, 3508)]
    assert {w.page for w in doc.words} == {1, 2}
    assert [s.page for s in doc.segments] == sorted(s.page or 0 for s in doc.segments)
    assert doc.segments[-1].id == len(doc.segments) - 1
    assert "Simvastatin" in doc.text


def test_ocr_pdf_text_layer_is_recorded(tmp_path: Path) -> None:
    """The layer is kept; on a page OCR read nothing of it is compared with no word, and
    ``text_source`` says the page's text is OCR's alone."""
    pdf = pdf_with_text(tmp_path / "layer.pdf", "Metformin 500 mg")
    doc = recognize(pdf, engine=ReplayEngine("blank"), dpi=72)
    assert [(p.text_source, p.text_layer) for p in doc.pages] == [
        ("ocr", "Metformin 500 mg")]
    assert any("text layer" in note for note in doc.warnings)


@pytest.mark.parametrize("output", ["", "<html><body><div class='ocr_page'"])
def test_ocr_unreadable_hocr_is_an_engine_error(tmp_path: Path, output: str) -> None:
    engine = ReplayEngine(calls=[{"method": "image_to_pdf_or_hocr", "output": output}])
    with pytest.raises(EngineError, match="unreadable hOCR"):
        recognize(scenario_input("blank", tmp_path), engine=engine)


def test_ocr_multipage_tiff(tmp_path: Path, samples_dir: Path) -> None:
    frames = [Image.open(samples_dir / "phototest.tif").convert("L"),
              Image.open(samples_dir / "prescription.png").convert("L")]
    tif = tmp_path / "two.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:])
    engine = ReplayEngine(calls=load_calls("phototest") + load_calls("prescription"))
    doc = recognize(tif, engine=engine)
    assert [(p.number, p.width, p.height) for p in doc.pages] == [(1, 640, 480), (2, 880, 550)]
    assert doc.segments[0].page == 1 and doc.segments[-1].page == 2
    assert all(w.bbox is not None and w.bbox[2] <= (640 if w.page == 1 else 880)
               for w in doc.words)


def test_ocr_a_file_of_more_pages_than_the_limit_is_refused_before_any_is_read(
        tmp_path: Path, samples_dir: Path) -> None:
    """A 500-page TIFF was read for over 15 minutes, one tesseract run a page, with no
    way to bound it: a file of more than ``max_pages`` pages (1,000 by default) is
    refused, naming it and its count, before tesseract reads a page."""
    page = Image.open(samples_dir / "phototest.tif").convert("L")
    tif = tmp_path / "three.tif"
    page.save(tif, save_all=True, append_images=[page, page])
    engine = ReplayEngine(calls=[])
    with pytest.raises(InputTooLargeError, match=r"three\.tif: the file has 3 pages, over "
                       r"the limit of 2 \(raise max_pages to read it\)"):
        recognize(tif, engine=engine, max_pages=2)
    assert engine.asked == []
    engine = ReplayEngine(calls=load_calls("phototest") * 3)
    doc = recognize(tif, engine=engine, max_pages=3)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    # the limit is whether a file is read, not how: the document does not record it
    assert "max_pages" not in doc.source.options
    assert RecognizeOptions().max_pages == 1000
    pdf = pdf_with_text(tmp_path / "one.pdf", "Metformin 500 mg")
    with pytest.raises(ValueError, match=r"^max_pages=0"):
        recognize(pdf, engine=ReplayEngine(calls=[]), max_pages=0)


def test_ocr_options_object_and_overrides(tmp_path: Path) -> None:
    engine = ReplayEngine("phototest_plain")
    opts = RecognizeOptions(char_alternatives=False, psm=6)
    doc = recognize(scenario_input("phototest", tmp_path), engine=engine, options=opts, psm=3)
    assert "--psm 3" in engine.asked[0]["config"]
    assert doc.source.options["psm"] == 3 and doc.source.options["lang"] == "eng"
    with pytest.raises(TypeError):
        recognize(scenario_input("phototest", tmp_path), engine=engine, no_such_option=1)


@pytest.mark.parametrize(
    ("message", "expected", "words"),
    [
        ("Error opening data file /usr/share/tesseract-ocr/5/tessdata/zzz.traineddata "
         "Failed loading language 'zzz'", EngineNotFoundError, ["tesseract-ocr-zzz"]),
        ("Image too small to scale!! (2x36 vs min width of 3)", EngineError,
         ["tesseract failed", "too small"]),
    ],
)
def test_ocr_engine_errors_are_mapped(tmp_path: Path, message: str,
                                      expected: type[Exception], words: list[str]) -> None:
    engine = ReplayEngine(calls=[{"method": "image_to_pdf_or_hocr", "error": message}])
    path = scenario_input("phototest", tmp_path)
    with pytest.raises(expected) as info:
        recognize(path, lang="zzz", engine=engine)
    assert str(path) in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_ocr_legacy_engine_asked_of_data_without_it_is_not_a_missing_language(
        tmp_path: Path) -> None:
    # Debian's eng.traineddata has the LSTM engine only: oem=0 was reported as "no
    # language pack for eng; install tesseract-ocr-eng", which is installed
    engine = ReplayEngine(calls=[{"method": "image_to_pdf_or_hocr", "error": (
        "Error: Tesseract (legacy) engine requested, but components are not present in "
        "/usr/share/tesseract-ocr/5/tessdata/eng.traineddata!! Failed loading language "
        "'eng' Tesseract couldn't load any languages! Could not initialize tesseract.")}])
    path = scenario_input("phototest", tmp_path)
    with pytest.raises(EngineError, match="holds no legacy engine, which oem=0 asks for") as info:
        recognize(path, oem=0, engine=engine)
    assert str(path) in str(info.value) and not isinstance(info.value, EngineNotFoundError)


def test_ocr_missing_tesseract_binary(tmp_path: Path) -> None:
    path = scenario_input("phototest", tmp_path)
    with pytest.raises(EngineNotFoundError) as info:
        recognize(path, tesseract_cmd=str(tmp_path / "no-such-tesseract"))
    message = str(info.value)
    assert "apt-get install tesseract-ocr" in message and "brew install tesseract" in message
    assert str(path) in message


def test_ocr_document_round_trips_json(tmp_path: Path) -> None:
    doc, _ = _run("prescription", tmp_path)
    assert Document.from_json(doc.to_json()) == doc


_ENV_TESSERACT = """#!/bin/sh
# stands in for tesseract: writes one hOCR word, the OMP_THREAD_LIMIT it was given
# (run as pytesseract runs it: tesseract INPUT OUTPUT_BASE [flags] hocr)
cat > "$2.hocr" <<HOCR
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<div class='ocr_page' title='bbox 0 0 200 50'>
<span class='ocr_line' title='bbox 10 10 190 40'>
<span class='ocrx_word' title='bbox 10 10 190 40; x_wconf 95'>${OMP_THREAD_LIMIT:-unset}</span>
</span></div></body></html>
HOCR
"""


@pytest.mark.parametrize(
    ("threads", "environment", "seen"),
    [(1, None, "1"), (3, None, "3"), (None, None, "unset"), (1, "2", "2"), (None, "2", "2")],
)
def test_ocr_limits_tesseract_threads_unless_the_environment_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int | None,
        environment: str | None, seen: str) -> None:
    # tesseract's LSTM starts up to ten OpenMP threads per run whatever the cores; the
    # limit goes to the tesseract process only, never to this process's environment
    fake = tmp_path / "tesseract"
    fake.write_text(_ENV_TESSERACT)
    fake.chmod(0o755)
    if environment is None:
        monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    else:
        monkeypatch.setenv("OMP_THREAD_LIMIT", environment)
    image = tmp_path / "page.png"
    Image.new("L", (200, 50), 255).save(image)
    doc = recognize(image, tesseract_cmd=str(fake), threads=threads, binarize="off",
                    orientation="off", upscale=False, char_alternatives=False)
    assert [w.text for w in doc.words] == [seen]
    assert os.environ.get("OMP_THREAD_LIMIT") == environment


_MEETING_TESSERACT = """#!/bin/sh
# stands in for tesseract: says who it is ({name}) and whether the other runs were under
# way at the same time (each marks its start, then waits up to 10 s for all {runs})
touch "{meeting}/{name}"
n=0
while [ "$(ls "{meeting}" | wc -l)" -lt {runs} ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
if [ "$(ls "{meeting}" | wc -l)" -ge {runs} ]; then seen=together; else seen=alone; fi
cat > "$2.hocr" <<HOCR
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<div class='ocr_page' title='bbox 0 0 200 50'>
<span class='ocr_line' title='bbox 10 10 190 40'>
<span class='ocrx_word' title='bbox 10 10 190 40; x_wconf 95'>{name}-$seen</span>
</span></div></body></html>
HOCR
"""


def test_ocr_tesseract_cmd_is_each_calls_own_and_runs_in_parallel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a service reading pages from threads: calls naming two binaries and one naming none
    # (the PATH's) run at once, each its own binary; pytesseract's global is left alone
    import pytesseract

    meeting = tmp_path / "meeting"
    meeting.mkdir()
    for name, where in (("first", "a"), ("second", "b"), ("onpath", "path")):
        (tmp_path / where).mkdir()
        fake = tmp_path / where / "tesseract"
        fake.write_text(_MEETING_TESSERACT.format(name=name, meeting=meeting, runs=3))
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'path'}{os.pathsep}{os.environ['PATH']}")
    image = tmp_path / "page.png"
    Image.new("L", (200, 50), 255).save(image)
    before = pytesseract.pytesseract.tesseract_cmd
    cmds = [str(tmp_path / "a" / "tesseract"), str(tmp_path / "b" / "tesseract"), None]
    with ThreadPoolExecutor(3) as pool:
        docs = list(pool.map(lambda cmd: recognize(
            image, tesseract_cmd=cmd, binarize="off", orientation="off", upscale=False,
            deskew="off", char_alternatives=False), cmds))
    assert [[w.text for w in doc.words] for doc in docs] == [
        ["first-together"], ["second-together"], ["onpath-together"]]
    assert pytesseract.pytesseract.tesseract_cmd == before


def test_ocr_a_tesseract_run_writing_no_output_is_an_engine_error_naming_the_file(
        tmp_path: Path) -> None:
    # a run that ends well but writes no file (flags asking for another output) raised a
    # bare FileNotFoundError naming a temporary file, not the page
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    image = tmp_path / "page.png"
    Image.new("L", (200, 50), 255).save(image)
    with pytest.raises(EngineError, match=r"page\.png: tesseract failed: .*wrote no hocr output"):
        recognize(image, tesseract_cmd=str(fake), binarize="off", orientation="off",
                  upscale=False, char_alternatives=False)


@pytest.mark.parametrize(("size", "scale"), [
    ((32767, 10), 1.0), ((640, 480), 51.198437), ((32768, 10), 0.999969), ((10, 65534), 0.5),
    ((40000, 60), 0.819175)])
def test_ocr_fitting_scale_keeps_every_side_within_tesseract(size: tuple[int, int],
                                                             scale: float) -> None:
    from uncertain._ocr_page import MAX_SIDE, fitting

    got = fitting(Image.new("L", size))
    assert got == scale
    assert max(round(side * got) for side in size) <= MAX_SIDE


@pytest.mark.parametrize("overrides", [{"psm": "abc"}, {"psm": 14}, {"psm": True},
                                       # orientation only, layout only: no words, no hOCR
                                       {"psm": 0}, {"psm": 2},
                                       {"oem": 7}, {"lang": ""}, {"lang": "eng deu"},
                                       # infinity overflowed unnamed in the subprocess
                                       # call; a negative limit blamed the page as too big
                                       {"timeout": float("inf")}, {"timeout": -1},
                                       {"timeout": float("nan")}, {"timeout": "5"}])
def test_recognize_refuses_a_mode_or_language_tesseract_cannot_take(
        tmp_path: Path, overrides: dict[str, object]) -> None:
    # tesseract wrote no output for them: "FileNotFoundError: /tmp/tess_....hocr", or
    # "tesseract failed: (-11, '')"
    page = tmp_path / "p.png"
    Image.new("L", (20, 20), 255).save(page)
    with pytest.raises(ValueError, match=r"^(psm|oem|lang|timeout)="):
        recognize(page, **overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize("overrides", [
    # a switch was read as "auto" or not: "on" and True turned deskewing off
    {"deskew": "on"}, {"deskew": True}, {"binarize": "yes"}, {"orientation": "on"},
    # max_pixels=0 blamed the file, -1 failed in a square root ("not complex")
    {"max_pixels": 0}, {"max_pixels": -1}, {"max_pixels": 2.5},
    # taken silently
    {"max_alternatives": -1}, {"threads": 0}, {"threads": -2},
    {"min_alternative_ratio": 2.0}, {"orientation_threshold": 5}, {"min_skew": -1.0},
    {"min_line_height": float("nan")}, {"target_line_height": 0}, {"max_upscale": 0.5}])
def test_recognize_refuses_options_it_would_misread_by_name(
        tmp_path: Path, overrides: dict[str, object]) -> None:
    page = tmp_path / "p.png"
    Image.new("L", (20, 20), 255).save(page)
    engine = ReplayEngine(calls=[])
    with pytest.raises(ValueError, match=rf"^{next(iter(overrides))}="):
        recognize(page, engine=engine, **overrides)  # type: ignore[arg-type]
    assert engine.asked == []


def test_recognize_takes_the_edges_of_its_options_ranges() -> None:
    opts = RecognizeOptions(max_pixels=1, max_alternatives=0, threads=None,
                            min_alternative_ratio=1.0, orientation_threshold=0.0, min_skew=0,
                            min_line_height=0, target_line_height=1, max_upscale=1,
                            deskew="off", binarize="auto", orientation="off")
    assert (opts.max_pixels, opts.threads, opts.max_upscale) == (1, None, 1)
    assert RecognizeOptions(max_pixels=1e8).max_pixels == 100_000_000  # type: ignore[arg-type]


def test_ocr_specks_read_as_words_measure_no_line_height(tmp_path: Path) -> None:
    """A noisy scan read 39 "words" of specks ("ee", "Bae") at mean confidence 20, in
    15-pixel lines: taken for small print, the page was read again upscaled to 5439 x
    7039 pixels, which took tesseract 19 minutes. Lines read that illegibly measure no
    line height; small print read legibly is still upscaled."""
    page = tmp_path / "specks.png"
    Image.new("L", (300, 110), 255).save(page)
    engine = ReplayEngine(calls=[_hocr(24, 20)])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", char_alternatives=False)
    assert engine.recorded == [] and len(engine.asked) == 1
    assert doc.pages[0].scale == 1.0
    engine = ReplayEngine(calls=[_hocr(24, 60), _hocr(24, 88, scale=3.2)])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", char_alternatives=False)
    assert engine.recorded == [] and doc.pages[0].scale == 3.2


def test_ocr_timeout_fails_naming_the_file_and_the_limit(tmp_path: Path) -> None:
    page = tmp_path / "slow.png"
    Image.new("L", (300, 110), 255).save(page)
    engine = ReplayEngine(calls=[{"method": "image_to_pdf_or_hocr", "timeout": True}])
    with pytest.raises(InputTooLargeError, match=r"slow\.png: tesseract did not finish "
                                                 r"within the 30 s timeout"):
        recognize(page, engine=engine, timeout=30)
    # a pass that only tries to read the page better keeps the reading before it
    engine = ReplayEngine(calls=[_hocr(24, 85), {"method": "image_to_pdf_or_hocr",
                                                 "timeout": True}])
    doc = recognize(page, engine=engine, binarize="off", deskew="off", orientation="off",
                    smooth="off", char_alternatives=False, timeout=30)
    assert len(doc.words) == 24
    assert any("upscaled pass failed" in note and "30 s timeout" in note
               for note in doc.warnings)


def _down_hocr(lines: int, words: int, conf: int) -> dict[str, object]:
    """A recorded tesseract answer reading a page turned a quarter clockwise as it is:
    ``lines`` lines of ``words`` words running down the page, right to left, their
    baselines sloping as tesseract gives such lines' ("baseline 181.5 -1452")."""
    spans = []
    for k in range(lines):
        x = 1603 - 70 * k
        inner = "".join(
            f"<span class='ocrx_word' title='bbox {x} {108 + 110 * i} {x + 34} "
            f"{198 + 110 * i}; x_wconf {conf}'>word{i}</span> " for i in range(words))
        spans.append(f"<span class='ocr_line' title='bbox {x} 108 {x + 34} "
                     f"{198 + 110 * (words - 1)}; baseline 181.5 -1452'>{inner}</span>")
    page = ("<div class='ocr_page' title='bbox 0 0 1650 1275'><div class='ocr_carea'>"
            f"<p class='ocr_par'>{''.join(spans)}</p></div></div>")
    return {"method": "image_to_pdf_or_hocr",
            "output": f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{page}</body></html>"}


def test_ocr_page_a_pdf_turns_is_not_levelled_by_its_rows(
        tmp_path: Path, samples_dir: Path) -> None:
    """A straight page that a PDF's /Rotate turns a quarter is read by tesseract as it is,
    its lines running down the page, their baselines sloping by nearly 90 degrees: that
    was taken for a tilt, and the skew measured on the page's rows (no lines: 2.2 degrees
    on scan.pdf's first page) made a "levelled" pass that could be kept. Its lines'
    tilt is from the vertical, and its skew is measured across them."""
    from ocr_replay import pdf_scan

    from uncertain import images

    (page,) = list(images.open_pages(samples_dir / "scan.pdf", dpi=150))[:1]
    assert isinstance(page, images.PageImage)
    pdf = pdf_scan(tmp_path / "turned.pdf", page.image, "", rotate=90)
    engine = ReplayEngine(calls=[_down_hocr(5, 6, 95), _down_hocr(6, 6, 96)])
    doc = recognize(pdf, engine=engine, dpi=150, binarize="off", orientation="off", smooth="off",
                    upscale=False, char_alternatives=False)
    assert not any("levelled" in note for note in doc.warnings), doc.warnings
    assert doc.pages[0].skew == 0.0 and len(engine.asked) == 1
    assert len(doc.words) == 30
