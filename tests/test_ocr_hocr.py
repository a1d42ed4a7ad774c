"""hOCR parsing against real tesseract output, checked against the TSV of the same run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from uncertain._hocr import HocrError, align_choices, parse_hocr

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "ocr"))
from ocr_replay import load_calls


def _tsv_words(tsv: str) -> list[list[str]]:
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    return [r for r in rows if len(r) == 12 and float(r[10]) >= 0 and r[11].strip()]


@pytest.mark.parametrize("scenario", ["phototest", "phototest_plain", "prescription", "scan"])
def test_hocr_matches_tsv(scenario: str) -> None:
    for call in load_calls(scenario):
        page = parse_hocr(call["output"]).pages[0]
        words = [(line, w) for line in page.lines for w in line.words]
        tsv = _tsv_words(call["tsv"])
        assert [w.text for _, w in words] == [r[11] for r in tsv]
        for (line, w), row in zip(words, tsv, strict=True):
            # x_wconf is TSV's conf truncated to an integer
            assert w.conf == int(float(row[10]))
            left, top, width, height = (int(v) for v in row[6:10])
            assert w.bbox == (left, top, left + width, top + height)
            assert (line.block, line.paragraph, line.line) == tuple(int(v) for v in row[2:5])


def test_hocr_version_and_page_box() -> None:
    result = parse_hocr(load_calls("phototest")[0]["output"])
    assert result.engine_version == "5.3.0"
    assert [p.bbox for p in result.pages] == [(0, 0, 640, 480)]


def test_hocr_char_choices_spell_the_word() -> None:
    page = parse_hocr(load_calls("prescription")[0]["output"]).pages[0]
    words = [w for line in page.lines for w in line.words]
    assert words
    for w in words:
        assert len(w.chars) == len(w.text)
        assert "".join(pos[0][0] for pos in w.chars) == w.text
        for pos in w.chars:
            assert all(text.strip() for text, _ in pos)
            assert all(0 <= conf <= 100 for _, conf in pos)
            assert [c for _, c in pos[1:]] == sorted((c for _, c in pos[1:]), reverse=True)
    daily = next(w for w in words if w.text == "daily")
    assert {"l", "t"} <= {text for text, _ in daily.chars[2]}  # 'i' was also read as l, t


def test_hocr_without_choices_has_no_chars() -> None:
    page = parse_hocr(load_calls("phototest_plain")[0]["output"]).pages[0]
    assert all(w.chars == [] for line in page.lines for w in line.words)


def test_hocr_blank_page_has_no_lines() -> None:
    result = parse_hocr(load_calls("blank")[0]["output"])
    assert [p.lines for p in result.pages] == [[]]
    assert result.pages[0].bbox == (0, 0, 600, 400)


@pytest.mark.parametrize(
    ("text", "positions", "expected"),
    [
        # positions spell the word: kept as they are
        ("ab", [[("a", 90.0), ("o", 5.0)], [("b", 80.0)]],
         [[("a", 90.0), ("o", 5.0)], [("b", 80.0)]]),
        # the written 'n' is a lower choice of its position: it moves first
        ("an", [[("a", 90.0)], [("m", 91.0), ("n", 89.0)]],
         [[("a", 90.0)], [("n", 89.0), ("m", 91.0)]]),
        # a character no position holds gets the word's confidence
        ("abc", [[("a", 90.0)], [("c", 80.0)]], [[("a", 90.0)], [("b", 50.0)], [("c", 80.0)]]),
        # an extra position is skipped
        ("ab", [[("a", 90.0)], [(".", 70.0)], [("b", 80.0)]], [[("a", 90.0)], [("b", 80.0)]]),
    ],
)
def test_hocr_align_choices(text: str, positions: list[list[tuple[str, float]]],
                            expected: list[list[tuple[str, float]]]) -> None:
    assert align_choices(text, positions, 50.0) == expected


@pytest.mark.parametrize("data", ["", "<html><body", "not xml at all"])
def test_hocr_rejects_non_hocr(data: str) -> None:
    with pytest.raises(HocrError):
        parse_hocr(data)


def test_hocr_line_baseline_slope() -> None:
    # tesseract writes each line's baseline as slope and offset: the slope shows a tilt
    page = parse_hocr(load_calls("phototest")[0]["output"]).pages[0]
    assert page.lines and all(line.slope == 0.0 for line in page.lines)
    tilted = load_calls("phototest")[0]["output"].replace("baseline 0 ", "baseline -0.138 ")
    assert {line.slope for line in parse_hocr(tilted).pages[0].lines} == {-0.138}
