"""The plain-text stage: decoding, one segment per line, whitespace words, null confidence."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uncertain.document import Document
from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    InputError,
    MissingFileError,
    UnsupportedFormatError,
)
from uncertain.text import (
    CONFIDENCE_DEFINITION,
    document_from_text,
    read_text,
    subtitle_format,
)

DICTATION = "Continue met for men 500 milligrams twice a day.\nRecheck kidney function."

# (name, file bytes, expected words per segment, expected 1-based line of each segment)
CASES = [
    ("one line", b"Start lisinopril 10 milligrams once daily.",
     [["Start", "lisinopril", "10", "milligrams", "once", "daily."]], [1]),
    ("trailing newline", b"Atorvastatin 40 milligrams at bedtime.\n",
     [["Atorvastatin", "40", "milligrams", "at", "bedtime."]], [1]),
    ("two lines", DICTATION.encode(),
     [["Continue", "met", "for", "men", "500", "milligrams", "twice", "a", "day."],
      ["Recheck", "kidney", "function."]], [1, 2]),
    ("crlf", b"Okay, so.\r\nStop the ibuprofen.\r\n",
     [["Okay,", "so."], ["Stop", "the", "ibuprofen."]], [1, 2]),
    ("bare cr", b"first line\rsecond line",
     [["first", "line"], ["second", "line"]], [1, 2]),
    ("blank lines and indentation",
     b"\n\n  Follow up  in two weeks.\n\n\t\nNo known allergies.  \n\n",
     [["Follow", "up", "in", "two", "weeks."], ["No", "known", "allergies."]], [3, 6]),
    ("tabs and runs of spaces", b"metformin\t500 mg\t\tBID",
     [["metformin", "500", "mg", "BID"]], [1]),
    ("punctuation stays attached", b'"Lipitor," she said (40 mg) - daily...',
     [['"Lipitor,"', "she", "said", "(40", "mg)", "-", "daily..."]], [1]),
    ("utf-8 accents and symbols", "Café résumé: naïve 5 µg · 37.5 °C".encode(),
     [["Café", "résumé:", "naïve", "5", "µg", "·", "37.5", "°C"]], [1]),
    ("non-latin scripts", "Пациент принимает 二甲双胍 ok".encode(),
     [["Пациент", "принимает", "二甲双胍", "ok"]], [1]),
    ("no-break and ideographic spaces split words", "ten\u00a0mg\u3000daily".encode(),
     [["ten", "mg", "daily"]], [1]),
    ("utf-8 bom", codecs.BOM_UTF8 + b"Continue Lasix 40 mg.\n",
     [["Continue", "Lasix", "40", "mg."]], [1]),
    ("utf-16 le bom", codecs.BOM_UTF16_LE + "Zoloft 50 mg\r\ndaily".encode("utf-16-le"),
     [["Zoloft", "50", "mg"], ["daily"]], [1, 2]),
    ("utf-16 be bom", codecs.BOM_UTF16_BE + "Zoloft 50 mg\ndaily".encode("utf-16-be"),
     [["Zoloft", "50", "mg"], ["daily"]], [1, 2]),
    ("utf-32 le bom", codecs.BOM_UTF32_LE + "Norvasc 5 mg".encode("utf-32-le"),
     [["Norvasc", "5", "mg"]], [1]),
    ("text that starts like a bmp or mp3 signature", b"BMI is 31.\nID3 tag noted.",
     [["BMI", "is", "31."], ["ID3", "tag", "noted."]], [1, 2]),
]


def _write(tmp_path: Path, data: bytes, name: str = "transcript.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "data", "words", "lines"), CASES, ids=[c[0] for c in CASES])
def test_text_read_segments_and_words(
    tmp_path: Path, name: str, data: bytes, words: list[list[str]], lines: list[int]
) -> None:
    doc = read_text(_write(tmp_path, data))
    assert [[w.text for w in s.words] for s in doc.segments] == words
    assert [s.line for s in doc.segments] == lines
    assert [s.id for s in doc.segments] == list(range(len(words)))
    assert all(s.kind == "line" for s in doc.segments)
    assert doc.text == LAYOUT.get(name, "\n".join(" ".join(ws) for ws in words))
    assert doc.warnings == []


# The text of the cases whose layout is not one space between words, one newline
# between lines: blank lines, indentation, tabs and runs of spaces are kept as written.
LAYOUT = {
    "blank lines and indentation": "  Follow up  in two weeks.\n\n\nNo known allergies.",
    "tabs and runs of spaces": "metformin\t500 mg\t\tBID",
}


def test_text_layout_fields() -> None:
    doc = document_from_text(
        "\n\nMedications:\n  - metformin\t500 mg\n\n\n\tPlan:\u00a0 recheck  \n")
    assert [(s.blank_lines, s.indent) for s in doc.segments] == [(0, ""), (0, "  "), (2, "\t")]
    # a no-break space counts as a space; spaces at the line's end are dropped
    assert [w.whitespace for w in doc.words] == [None, None, "\t", None, None, "  ", None]
    assert doc.text == "Medications:\n  - metformin\t500 mg\n\n\n\tPlan:  recheck"


@pytest.mark.parametrize(("name", "data", "words", "lines"), CASES, ids=[c[0] for c in CASES])
def test_text_confidence_is_null_never_zero(
    tmp_path: Path, name: str, data: bytes, words: list[list[str]], lines: list[int]
) -> None:
    doc = read_text(_write(tmp_path, data))
    assert doc.words, name
    for word in doc.words:
        assert word.confidence is None
        assert word.raw_score is None
        assert (word.start, word.end, word.page, word.bbox) == (None, None, None, None)
        assert word.alternatives == [] and word.tokens == [] and word.chars == []
    assert all(s.confidence is None for s in doc.segments)


def test_text_source_records_path_hash_and_engine(tmp_path: Path) -> None:
    data = DICTATION.encode()
    path = _write(tmp_path, data)
    doc = read_text(path, engine="vosk")
    src = doc.source
    assert src.path == str(path)
    assert src.sha256 == hashlib.sha256(data).hexdigest()
    assert src.modality == "text"
    assert src.engine == "vosk"
    assert src.confidence_definition == CONFIDENCE_DEFINITION
    assert "unknown" in src.confidence_definition and "null" in src.confidence_definition
    assert src.options == {"encoding": "utf-8"}
    assert doc.pages == [] and doc.flags == []


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"plain", "utf-8"),
        (codecs.BOM_UTF8 + b"plain", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "plain".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF32_BE + "plain".encode("utf-32-be"), "utf-32"),
    ],
)
def test_text_records_detected_encoding(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read_text(_write(tmp_path, data))
    assert doc.source.options["encoding"] == encoding
    assert doc.text == "plain"


def test_text_engine_defaults_to_unknown(tmp_path: Path) -> None:
    assert read_text(_write(tmp_path, b"hello")).source.engine == "unknown"
    assert document_from_text("hello").source.engine == "unknown"


def test_text_explicit_encoding_reads_legacy_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "Café crème 5 µg".encode("latin-1"))
    doc = read_text(path, encoding="latin-1")
    assert [w.text for w in doc.words] == ["Café", "crème", "5", "µg"]
    assert doc.source.options == {"encoding": "latin-1"}


@pytest.mark.parametrize(
    ("text", "offset"),
    [("Café crème 5 µg", 3), ("Continue métformin 500 mg daily.\r\nNo known allergies", 10),
     ("“quoted” – dash", 0)],
)
def test_text_legacy_windows_file_is_read_with_a_warning(tmp_path: Path, text: str,
                                                         offset: int) -> None:
    # a file from a Windows editor or record system: cp1252 (Latin-1 and curly quotes)
    path = _write(tmp_path, text.encode("cp1252"))
    doc = read_text(path)
    assert doc.text.split() == text.split()
    assert doc.source.options == {"encoding": "cp1252"}
    assert len(doc.warnings) == 1 and str(path) in doc.warnings[0]
    assert f"offset {offset}" in doc.warnings[0] and "cp1252" in doc.warnings[0]


def test_text_legacy_file_reaches_ingest_and_batch_members(tmp_path: Path) -> None:
    from uncertain._batch_inputs import Item
    from uncertain._batch_work import Worker
    from uncertain.ingest import ingest

    data = "Continue métformin 500 mg daily.".encode("cp1252")
    path = _write(tmp_path, data)
    assert ingest(path).text == "Continue métformin 500 mg daily."
    record = Worker().process(Item(path="notes.tar/a.txt", data=data), None)
    assert record["status"] == "ok"
    assert record["document"]["source"]["options"] == {"encoding": "cp1252"}
    assert "cp1252" in record["document"]["warnings"][0]


def test_text_unknown_encoding_name_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no-such-codec"):
        read_text(_write(tmp_path, b"x"), encoding="no-such-codec")


def test_text_normalises_to_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Café naïve")
    assert decomposed != "Café naïve"
    doc = read_text(_write(tmp_path, decomposed.encode()))
    assert [w.text for w in doc.words] == ["Café", "naïve"]


@pytest.mark.parametrize("data", [b" ", b"\n\n\n", b"\r\n \t \r\n", codecs.BOM_UTF8 + b"\n"])
def test_text_blank_file_gives_empty_document_with_warning(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    doc = read_text(path)
    assert doc.segments == [] and doc.words == [] and doc.text == ""
    assert len(doc.warnings) == 1 and str(path) in doc.warnings[0]


BAD_INPUTS = [
    ("missing", None, MissingFileError, "no such file"),
    ("empty", b"", EmptyInputError, "empty"),
    ("nul bytes", b"abc\x00\x01\x02def", UnsupportedFormatError, "binary"),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, UnsupportedFormatError, "png"),
    ("wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24, UnsupportedFormatError, "wav"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", UnsupportedFormatError, "pdf"),
    ("truncated utf-8", b"dose \xe2\x82", CorruptInputError, "offset 5"),
    # valid UTF-8 and a stray Latin-1 byte: damaged UTF-8, not a legacy file
    ("mixed utf-8 and latin-1", "café".encode() + b" and caf\xe9", CorruptInputError,
     "offset 13"),
    # no UTF-8 sequence, but control characters: no text in any encoding
    ("controls", b"\xe9\x01\x02\x03\x04 dose", CorruptInputError, "not valid utf-8"),
    ("bad utf-16 after bom", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", CorruptInputError,
     "utf-16"),
]


@pytest.mark.parametrize(("name", "data", "error", "message"), BAD_INPUTS,
                         ids=[b[0] for b in BAD_INPUTS])
def test_text_bad_input_raises_with_path(
    tmp_path: Path, name: str, data: bytes | None, error: type[InputError], message: str
) -> None:
    path = tmp_path / f"{name.replace(' ', '_')}.txt"
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(error) as info:
        read_text(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_text_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="directory"):
        read_text(tmp_path)


def test_text_from_string_matches_file(tmp_path: Path) -> None:
    from_file = read_text(_write(tmp_path, DICTATION.encode()))
    from_string = document_from_text(DICTATION)
    assert from_string.segments == from_file.segments
    assert from_string.source.path == "<string>"
    assert from_string.source.sha256 == hashlib.sha256(DICTATION.encode()).hexdigest()
    assert from_string.source.options == {}
    named = document_from_text(DICTATION, path="visit-12.txt", engine="dragon")
    assert (named.source.path, named.source.engine) == ("visit-12.txt", "dragon")


def test_text_from_string_drops_a_leading_bom() -> None:
    doc = document_from_text("\ufeffStart Eliquis 5 mg")
    assert doc.words[0].text == "Start"


def test_text_document_round_trips_through_json(tmp_path: Path) -> None:
    doc = read_text(_write(tmp_path, DICTATION.encode()))
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert '"confidence":null' in doc.to_json()


#: pdftotext's output: a form feed after each page, the next page's first line after it
PAGES = ("Clinic letter, page one\r\nContinue metformin 500 mg.\r\n\fPage two\r\n"
         "  Start lisinoprl 10 mg daily.\r\n\f")


def test_text_form_feeds_are_page_breaks(tmp_path: Path) -> None:
    """A form feed was read as the indentation of the line after it, and the pages were
    lost: a change could not say which page it was on."""
    doc = read_text(_write(tmp_path, PAGES.encode()))
    assert [(s.line, s.page, s.indent, s.text) for s in doc.segments] == [
        (1, 1, "", "Clinic letter, page one"), (2, 1, "", "Continue metformin 500 mg."),
        (3, 2, "", "Page two"), (4, 2, "  ", "Start lisinoprl 10 mg daily.")]
    assert all(w.page == s.page for s in doc.segments for w in s.words)
    assert "\f" not in doc.text
    assert Document.from_json(doc.to_json()) == doc
    plain = read_text(_write(tmp_path, b"one\ntwo\n", name="plain.txt"))
    assert [s.page for s in plain.segments] == [None, None]


def test_text_pages_are_marked_in_the_rendering_and_reconciled(tmp_path: Path) -> None:
    from uncertain import parse, reconcile, render, validate

    doc = validate(read_text(_write(tmp_path, PAGES.encode())))
    assert [f.text for f in doc.flags if f.reason != "verified"] == ["lisinoprl"]
    for style in ("inline", "bracket", "json"):
        rendered = render(doc, style=style, preamble=False, tokenizer="estimate")
        if style != "json":
            lines = rendered.document.splitlines()
            assert lines[0] == "--- page 1 ---" and lines[3] == "--- page 2 ---"
        back = parse(rendered.document, style=style)
        assert back.text == doc.text and len(back.spans) == 1
    result = reconcile(doc, doc.text.replace("lisinoprl", "lisinopril"))
    assert [(c.original, c.new, c.page) for c in result.changes] == [
        ("lisinoprl", "lisinopril", 2)]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_text_words_never_hold_whitespace_and_keep_all_content(text: str) -> None:
    normalised = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    # a text that opens as a subtitle file ("WEBVTT", an SRT cue) is read as its cues,
    # tested below; hypothesis draws such openings from the module's own constants
    assume(subtitle_format(normalised) is None)
    doc = document_from_text(text)
    expected = [w for line in normalised.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                for w in line.split()]
    assert [w.text for w in doc.words] == expected
    for seg in doc.segments:
        assert seg.words, "a segment is never empty"
        assert seg.text.split() == [w.text for w in seg.words]
    assert all(w.confidence is None for w in doc.words)


SRT = (
    "1\r\n00:00:00,000 --> 00:00:04,500\r\nPatient seen today\r\nfor <i>follow-up</i>.\r\n\r\n"
    "2\r\n00:00:04,500 --> 00:00:09,000\r\nContinue met for men 500 milligrams twice daily.\r\n"
    "\r\n3\r\n01:02:03,250 --> 01:02:05,000\r\n\r\n"  # a cue with no text
)
VTT = (
    "WEBVTT - made by an ASR engine\n\nNOTE confidence was not exported\n\n"
    "intro\n00:00.000 --> 00:04.500 align:start position:10%\n<v Dr Moore>Patient seen today"
    "\n\n00:04.500 --> 00:09.000\nContinue <00:05.000>met for men 500 milligrams\n"
)


@pytest.mark.parametrize(
    ("data", "form", "expected"),
    [
        (SRT, "srt", [(3, 0.0, 4.5, "Patient seen today for follow-up."),
                      (8, 4.5, 9.0, "Continue met for men 500 milligrams twice daily.")]),
        (VTT, "vtt", [(7, 0.0, 4.5, "Patient seen today"),
                      (10, 4.5, 9.0, "Continue met for men 500 milligrams")]),
    ],
)
def test_text_subtitles_are_read_cue_by_cue(tmp_path: Path, data: str, form: str,
                                            expected: list[tuple[int, float, float, str]]
                                            ) -> None:
    # SRT and WebVTT, the other engines' usual output, carry time provenance: keep it,
    # and leave cue numbers, timings, settings, notes and tags out of the words
    path = tmp_path / f"captions.{form}"
    path.write_bytes(data.encode())
    doc = read_text(path)
    assert [(s.line, s.start, s.end, " ".join(w.text for w in s.words))
            for s in doc.segments] == expected
    assert doc.source.options == {"encoding": "utf-8", "format": form}
    assert all(s.kind == "cue" and w.confidence is None for s in doc.segments for w in s.words)


def test_text_subtitle_cues_render_with_their_times_and_parse_back(tmp_path: Path) -> None:
    from uncertain import parse, render, validate

    path = tmp_path / "captions.srt"
    path.write_bytes(SRT.encode())
    doc = validate(read_text(path))
    assert any(c.canonical == "metformin" for f in doc.flags for c in f.candidates)
    for style in ("inline", "bracket", "json"):
        rendered = render(doc, style=style, preamble=False, tokenizer="estimate")
        if style != "json":
            assert rendered.document.splitlines()[1].startswith("[00:04.5] Continue")
        back = parse(rendered.document, style=style)
        assert back.text == doc.text and len(back.spans) == 1


def test_text_subtitle_cue_text_keeps_what_is_not_markup(tmp_path: Path) -> None:
    """Every "<...>" of a cue was taken for a tag: "Keep BP < 120 and HR > 60" lost
    "120 and HR", silently. Only WebVTT's tags and timestamps and SRT's <font> are markup;
    WebVTT writes "<" and "&" as character references, which are decoded (SRT has none:
    "AT&amp;T" there is what it says)."""
    srt = tmp_path / "lt.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nKeep BP < 120 and HR > 60 on "
                   "<font color=\"#fff\">metoprolol</font>.\n\n2\n00:00:03,500 --> "
                   "00:00:05,000\nDose <5 mg if eGFR >30 &amp; <I>stable</I>.\n")
    assert [s.text for s in read_text(srt).segments] == [
        "Keep BP < 120 and HR > 60 on metoprolol.", "Dose <5 mg if eGFR >30 &amp; stable."]
    # a SubStation Alpha subtitle converted to SRT keeps its override blocks: "{\an8}"
    # (the top of the screen) was read as a word
    ssa = tmp_path / "top.srt"
    ssa.write_text("1\n00:00:01,000 --> 00:00:03,000\n{\\an8}Take {\\i1}metformin{\\i0} "
                   "{2 tablets} {\\pos(10,20)}twice daily.\n")
    assert [s.text for s in read_text(ssa).segments] == ["Take metformin {2 tablets} twice daily."]
    vtt = tmp_path / "ent.vtt"
    vtt.write_text("WEBVTT\n\n00:01.000 --> 00:03.000\n<c.loud>BP &lt; 120 &amp; HR &gt; "
                   "60&nbsp;bpm</c> <lang en>ok</lang>\n")
    assert [s.text for s in read_text(vtt).segments] == ["BP < 120 & HR > 60 bpm ok"]


def test_text_subtitles_without_cue_numbers_or_with_bad_timings(tmp_path: Path) -> None:
    """An SRT file without cue numbers (some writers leave them out) was read as plain
    text, its timings as words; a cue with a timing that cannot be read lost its text,
    and one ending before it starts or at minute 99 passed in silence."""
    path = tmp_path / "odd.srt"
    path.write_text("00:00:01,000 --> 00:00:03,000\nTake metformin.\n\n"
                    "00:00:05,000 --> 00:00:04,000\nBackwards.\n\n"
                    "00:00:xx,000 --> 00:00:09,000\nBroken timing.\n\n"
                    "00:99:00,000 --> 01:00:00,000\nNo such minute.\n\n"
                    "00:00:10,000 --> 00:00:12,000\nThe arrow --> points here.\n")
    doc = read_text(path)
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (1.0, 3.0, "Take metformin."), (5.0, 5.0, "Backwards."), (None, None, "Broken timing."),
        (None, None, "No such minute."), (10.0, 12.0, "The arrow --> points here.")]
    assert doc.source.options["format"] == "srt"
    assert doc.warnings == [
        f"{path}: line 4: the cue ends before it starts (00:00:05,000 --> 00:00:04,000); it "
        "is taken to end where it starts",
        f"{path}: line 7: a cue timing that cannot be read ('00:00:xx,000 --> 00:00:09,000');"
        " its text is kept without times",
        f"{path}: line 10: a cue timing that cannot be read ('00:99:00,000 --> "
        "01:00:00,000'); its text is kept without times"]
    # the file keeps its times in a prompt: one unreadable cue took them all away
    from uncertain import parse, render
    for style in ("inline", "bracket"):
        rendered = render(doc, style=style, preamble=False, tokenizer="estimate").document
        assert [line[:10] for line in rendered.splitlines()] == [
            "[00:01.0] ", "[00:05.0] ", "[--:--.-] ", "[--:--.-] ", "[00:10.0] "]
        assert parse(rendered, style=style).text == doc.text


@pytest.mark.parametrize("text", [
    "12\nThe arrow --> points at 00:00:01,000 --> 00:00:02,000 here",
    "Notes: 00:00:01,000 --> 00:00:04,000 was the timing\nand the rest",
    "WEBVTTX is not a header",
])
def test_text_plain_transcripts_are_not_taken_for_subtitles(text: str) -> None:
    doc = document_from_text(text)
    assert [s.kind for s in doc.segments] == ["line"] * len(doc.segments)
    assert "format" not in doc.source.options


def test_text_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A transcript of hundreds of MB (a decompression bomb's text: 320 MB from a 326 KB
    zip made a 671 MB record) is refused before it is decoded."""
    from uncertain.errors import InputTooLargeError
    from uncertain.text import MAX_TEXT_BYTES, document_from_bytes

    path = tmp_path / "big.txt"
    path.write_bytes(b"A" * 1000)
    with pytest.raises(InputTooLargeError, match="1000 bytes of text, over the limit of 999"):
        read_text(path, max_bytes=999)
    assert read_text(path, max_bytes=1000).text == "A" * 1000
    with pytest.raises(InputTooLargeError, match=r"set\.zip::big\.txt: .* over the limit"):
        document_from_bytes(b"x" * (MAX_TEXT_BYTES + 1), path="set.zip::big.txt", sha256="")


@pytest.mark.parametrize(("value", "message"), [
    (None, "takes a str, not NoneType"), (b"x", "not bytes (document_from_bytes reads bytes)"),
    (5, "takes a str, not int")])
def test_text_document_from_text_says_what_it_takes(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        document_from_text(value)  # type: ignore[arg-type]


def test_text_subtitle_cue_with_a_timing_written_otherwise_keeps_its_text(
        tmp_path: Path) -> None:
    # a timing with a one-dash arrow, or with no digit after the arrow, lost its cue's
    # text in silence; so did a block with no timing line at all
    srt = tmp_path / "arrow.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:04,000\nfirst cue\n\n"
                   "2\n00:00:05,000 -> 00:00:06,000\nTake metformin 500 mg\n\n"
                   "3\nNo timing here.\n\n"
                   "4\n00:00:08,000 --> 00:00:09,000\nthird cue\n")
    doc = read_text(srt)
    assert [(s.start, s.text) for s in doc.segments] == [
        (1.0, "first cue"), (None, "Take metformin 500 mg"), (None, "No timing here."),
        (8.0, "third cue")]
    assert doc.warnings == [
        f"{srt}: line 6: a cue timing that cannot be read ('00:00:05,000 -> 00:00:06,000'); "
        "its text is kept without times",
        f"{srt}: line 10: text without a cue timing; it is kept without times"]
    vtt = tmp_path / "bad.vtt"
    vtt.write_text("WEBVTT - a title\nKind: captions\nLanguage: en\n\n"
                   "NOTE written by hand\nnot a cue\n\n"
                   "STYLE\n::cue { color: red }\n\n"
                   "intro\n00:01.000 --> 00:04.000\nfirst cue\n\n"
                   "00:xx --> bad\nTake metformin 500 mg\n\n"
                   "00:08.000 --> 00:09.000\nthird cue\n")
    doc = read_text(vtt)
    assert [(s.start, s.text) for s in doc.segments] == [
        (1.0, "first cue"), (None, "Take metformin 500 mg"), (8.0, "third cue")]
    assert doc.warnings == [f"{vtt}: line 15: a cue timing that cannot be read "
                            "('00:xx --> bad'); its text is kept without times"]
