"""Routing by content: magic bytes decide the stage, names only catch mislabelled text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from uncertain._io import Sniffed, check_input, sha256_file, sniff_bytes
from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    MissingFileError,
    UnsupportedFormatError,
)
from uncertain.ingest import detect, ingest


@pytest.mark.parametrize(
    ("head", "kind", "fmt"),
    [
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio", "wav"),
        (b"fLaC\x00\x00\x00\x22", "audio", "flac"),
        (b"OggS\x00\x02\x00\x00", "audio", "ogg"),
        (b"ID3\x04\x00\x00\x00\x00\x01\x7f", "audio", "mp3"),
        (b"ID3 gene was tested", "text", "utf-8"),
        (b"BMI is 31 today", "text", "utf-8"),
        (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00", "image", "bmp"),
        (b"P5\n# made\n640 480\n255\n", "image", "pnm"),
        (b"P5 is the fifth item", "text", "utf-8"),
        (b"\xff\xfeh\x00i\x00", "text", "bom"),
        (b"\xef\xbb\xbfhello", "text", "bom"),
        (b"\xff\xfb\x90\x64\x00", "audio", "mp3"),
        (b"\x00\x00\x00\x20ftypM4A ", "audio", "m4a"),
        (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heic", "image", "heif"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "image", "avif"),
        ("Continue métformin".encode("cp1252"), "text", "cp1252"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image", "jpeg"),
        (b"II*\x00\x08\x00\x00\x00", "image", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image", "tiff"),
        (b"II+\x00\x08\x00\x00\x00\x10\x00\x00\x00", "image", "tiff"),  # BigTIFF
        (b"MM\x00+\x00\x08\x00\x00\x00\x00\x00\x00", "image", "tiff"),
        (b"RIFF\x2c\x1c\x05\x00AVI LIST", "audio", "avi"),
        (b"wvpk2\x2e\x00\x00\x10\x04\x00\x00", "audio", "wavpack"),
        (b"\x00\x00\x01\xba\x44\x00\x04\x00\x04\x01", "audio", "mpeg"),
        (b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00", "audio", "flv"),
        (b"FLV is a video format\n", "text", "utf-8"),
        ((b"\x47\x40\x00\x10" + bytes(184)) * 4, "audio", "mpegts"),
        ((bytes(4) + b"\x47\x40\x00\x10" + bytes(184)) * 4, "audio", "mpegts"),  # .m2ts
        # a text that begins with a "G", even one with another at a packet's step
        (b"Given 500 mg BID.\n" * 30, "text", "utf-8"),
        (b"G" + b"." * 187 + b"G" + b"." * 300, "text", "utf-8"),
        (b"%PDF-1.7\n", "pdf", "pdf"),
        (b"Continue metformin 500 mg.\n", "text", "utf-8"),
        ("Patient naïve to \u00e9".encode(), "text", "utf-8"),
        (b"\x00\x01\x02\x03\xfe\xfe", "unknown", "binary"),
        # UTF-8 with a stray Latin-1 byte: damaged text, not an unknown format
        (b"Caf\xc3\xa9 and caf\xe9: metformin 500 mg\n", "text", "utf-8"),
        # but control characters among them are binary data
        (b"\x01\x02\x03caf\xc3\xa9 \xe9\x04\x05 more", "unknown", "binary"),
    ],
)
def test_ingest_sniff_bytes(head: bytes, kind: str, fmt: str) -> None:
    sniffed = sniff_bytes(head)
    assert (sniffed.kind, sniffed.format) == (kind, fmt)


def test_ingest_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.wav"
    with pytest.raises(MissingFileError, match=r"nope\.wav"):
        check_input(path)


def test_ingest_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.flac"
    path.write_bytes(b"")
    with pytest.raises(EmptyInputError, match=r"empty\.flac") as info:
        detect(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize("name", ["notes.wav", "notes.AIFF", "notes.tif"])
def test_ingest_text_renamed_as_audio_or_image_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("this is not audio at all\n")
    with pytest.raises(UnsupportedFormatError, match=rf"{re.escape(name)}.*plain text"):
        ingest(path)


def test_ingest_damaged_utf8_names_the_bad_byte_wherever_it_is(tmp_path: Path) -> None:
    """A stray byte that is not UTF-8 gives the same error in a transcript's first line
    as after its first 4 KB (the sniffed head): the file and the byte's offset, not
    'not a supported format'."""
    early = tmp_path / "early.txt"
    early.write_bytes(b"Caf\xc3\xa9 and caf\xe9: metformin 500 mg\n")
    with pytest.raises(CorruptInputError, match=r"early\.txt: not valid utf-8: byte 0xe9 at "
                                                r"offset 13"):
        ingest(early)
    late = tmp_path / "late.txt"
    late.write_bytes("Café, metformin 500 mg. ".encode() * 300 + b"caf\xe9\n")
    with pytest.raises(CorruptInputError, match=r"late\.txt: not valid utf-8: byte 0xe9"):
        ingest(late)


def test_ingest_binary_junk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormatError, match="blob"):
        detect(path)


def test_ingest_text_with_a_nul_byte_says_where(tmp_path: Path) -> None:
    """A transcript with one NUL byte got read_text's "binary content (NUL byte at offset
    16)" from Python but "not a supported ... format; ... UTF-16 without a byte-order
    mark?" from annotate, which sent its user looking for an encoding."""
    path = tmp_path / "note.txt"
    path.write_bytes(b"Metformin 500 mg\x00 twice daily\nlisinopril 10 mg\n")
    with pytest.raises(UnsupportedFormatError, match=r"note\.txt: content is binary "
                                                     r"\(a NUL byte at offset 16\)"):
        detect(path)


def test_ingest_a_file_object_or_bytes_is_refused_saying_what_to_pass(tmp_path: Path) -> None:
    """`ingest(open(f, "rb"))` failed deep in pathlib with "expected str, bytes or
    os.PathLike object, not BufferedReader", and `ingest(b"/path")` with "argument should
    be a str object"."""
    path = tmp_path / "note.txt"
    path.write_text("Take metformin 500 mg.\n", encoding="utf-8")
    with path.open("rb") as fh, pytest.raises(
            TypeError, match=r"by its path, not a file object \(BufferedReader\): pass its "
                             r"path, '.*note\.txt'"):
        ingest(fh)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="by its path, not bytes"):
        ingest(bytes(path))  # type: ignore[arg-type]
    assert ingest(path).text == "Take metformin 500 mg."


@pytest.mark.parametrize("entry", ["transcribe", "recognize", "read_text", "detect"])
def test_each_stage_refuses_a_file_object_or_bytes_as_ingest_does(tmp_path: Path,
                                                                  entry: str) -> None:
    """A service handing an upload's bytes or file object to a stage itself got Python's
    "expected str, bytes or os.PathLike object, not BytesIO" (and "argument should be a
    str object" for bytes); ``ingest`` said what to pass. Each stage says it, before
    anything is loaded (no model, no tesseract)."""
    import io

    import uncertain

    path = tmp_path / "upload.bin"
    path.write_bytes(b"RIFF0000WAVE")
    call = getattr(uncertain, entry)
    with path.open("rb") as fh, pytest.raises(
            TypeError, match=rf"^{entry}\(\) reads a file by its path, not a file object "
                             r"\(BufferedReader\): pass its path, '.*upload\.bin'$"):
        call(fh)
    for given, held in ((path.read_bytes(), "bytes"), (io.BytesIO(b"x"), "BytesIO")):
        with pytest.raises(TypeError, match=rf"^{entry}\(\) reads a file by its path, not "
                                            rf"{held}: pass the file's path") as info:
            call(given)
        # text in memory has a reader of its own
        assert ("document_from_text(text)" in str(info.value)) == (entry == "read_text")


def test_ingest_unknown_option_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hello\n")
    with pytest.raises(TypeError, match="modle"):
        ingest(path, modle="tiny.en")


def test_ingest_sha256_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "x.bin"
    data = b"abc" * 100_000
    path.write_bytes(data)
    assert sha256_file(path, chunk_size=1000) == hashlib.sha256(data).hexdigest()


def test_ingest_named_encoding_reads_text_its_bytes_do_not_tell(tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark in a script other than Latin holds NUL bytes in
    no pattern a sniff can call text (Latin text's is guessed: the next test). With the
    encoding named (the README's "any other encoding when named"), a file named as text
    is read in it, in a batch's archive too; without it, the error says so."""
    from uncertain._batch_inputs import Item
    from uncertain._batch_work import WorkConfig, Worker

    greek = "Λαμβάνει μετφορμίνη 500 mg."
    path = tmp_path / "note.txt"
    path.write_bytes((greek + "\n").encode("utf-16-le"))
    with pytest.raises(UnsupportedFormatError, match=r"note\.txt: .*name it \(encoding="):
        ingest(path)
    assert ingest(path, encoding="utf-16-le").text == greek
    data = "Take metformin 500 mg.\n".encode("utf-16-le")
    path.write_bytes(data)
    assert detect(path, encoding="utf-16-le") == Sniffed("text", "utf-16-le")
    assert ingest(path, encoding="utf-16-le").text == "Take metformin 500 mg."
    # a name that says audio keeps its check; binary content named as text does not decode
    (tmp_path / "note.wav").write_bytes(data)
    with pytest.raises(UnsupportedFormatError):
        detect(tmp_path / "note.wav", encoding="utf-16-le")
    record = Worker(WorkConfig(validate=False, encoding="utf-16-le")).process(
        Item(path="set.zip::note.txt", data=data), "sha")
    assert record["status"] == "ok" and record["document"]["segments"][0]["text"] == (
        "Take metformin 500 mg.")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_ingest_reads_latin_utf16_without_a_byte_order_mark(tmp_path: Path,
                                                            encoding: str) -> None:
    """Notepad's and PowerShell's exports lose their mark on the way through some tools:
    such a file was refused as binary. Latin text two bytes a letter has a NUL in every
    other byte; it is read so, with a warning, and the encoding is recorded."""
    text = "Patient takes metformin 500 mg daily.\nNo known allergies, café au lait.\n" * 200
    path = tmp_path / "note.txt"
    path.write_bytes(text.encode(encoding))  # longer than the 4,096 bytes sniffed
    assert detect(path) == Sniffed("text", encoding)
    doc = ingest(path)
    assert doc.text.split("\n")[:2] == ["Patient takes metformin 500 mg daily.",
                                        "No known allergies, café au lait."]
    assert doc.source.options["encoding"] == encoding
    assert doc.warnings == [f"{path}: no byte-order mark, but every other byte is NUL; "
                            f"read as {encoding.upper()}"]


@pytest.mark.parametrize("name", ["pcm", "utf-32", "odd", "unpaired"])
def test_ingest_does_not_take_binary_with_nuls_for_utf16(tmp_path: Path, name: str) -> None:
    """Quiet 16-bit samples have a NUL or 0xFF in every other byte, and decode as UTF-16
    to control characters; UTF-32 has three NULs a letter; an odd length or a lone
    surrogate is not whole UTF-16."""
    import numpy as np

    from uncertain._io import bomless_utf16

    data = {
        "pcm": (np.random.default_rng(0).normal(0, 30, 8000)).astype("<i2").tobytes(),
        "utf-32": "Take metformin 500 mg.\n".encode("utf-32-le"),
        "odd": "Take metformin 500 mg.\n".encode("utf-16-le") + b"x",
        "unpaired": "Take metformin".encode("utf-16-le") + b"\x00\xd8" + "500 mg".encode(
            "utf-16-le"),
    }[name]
    assert bomless_utf16(data) is None
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    with pytest.raises(UnsupportedFormatError, match=r"note\.txt: "):
        ingest(path)


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="9">Take metformin</text></svg>',
    b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn by hand -->\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd">\n<SVG width="10">',
])
@pytest.mark.parametrize("name", ["page.svg", "page.txt"])
def test_ingest_refuses_an_svg_drawing_it_read_as_a_transcript(
        tmp_path: Path, content: bytes, name: str) -> None:
    """An SVG is text, so its markup was read as a plain transcript's words."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError, match=rf"{name}: content is an SVG drawing, "
                                                     r"which is not read: render it to PNG"):
        ingest(path)
    path.write_bytes(b"The <svg> element draws vectors.\n")  # words about it are words
    if name.endswith(".txt"):
        assert ingest(path).text == "The <svg> element draws vectors."


def test_ingest_an_empty_path_says_so() -> None:
    # Path("") is ".": the error was ".: is a directory, not a file"
    from uncertain.errors import MissingFileError

    with pytest.raises(MissingFileError, match=r"^the path is empty: name a file$"):
        ingest("")


@pytest.mark.parametrize("url", ["https://example.com/visit.wav", "s3://bucket/scan.pdf",
                                 Path("gs://bucket/note.txt")])
def test_ingest_a_url_says_it_reads_files_from_disk(url: str | Path) -> None:
    # a URL was read as a path: "https:/example.com/visit.wav: no such file"
    from uncertain.errors import MissingFileError

    with pytest.raises(MissingFileError, match=r": a URL, not a file: files are read from "
                                               r"disk, so download it first$"):
        ingest(url)


def test_ingest_a_missing_file_with_a_colon_in_its_folder_is_no_url(tmp_path: Path) -> None:
    from uncertain.errors import MissingFileError

    with pytest.raises(MissingFileError, match=r": no such file$"):
        ingest(tmp_path / "visit:2" / "a.wav")
    with pytest.raises(MissingFileError, match=r": no such file$"):
        ingest("C:/notes/a.txt")  # (one letter: a drive, not a scheme)


def _saved_documents(tmp_path: Path) -> dict[str, bytes]:
    from uncertain.text import document_from_text

    doc = document_from_text("Continue met for men 500 mg.")
    one = doc.to_json().encode()
    return {
        "doc.json": one,
        "docs.json": b"[\n" + one + b"\n]\n",  # annotate's array for several inputs
        "compact.json": doc.model_dump_json().encode(),
        "bom.json": b"\xef\xbb\xbf" + one,
    }


@pytest.mark.parametrize("name", ["doc.json", "docs.json", "compact.json", "bom.json"])
def test_ingest_refuses_a_saved_document_as_a_transcript(tmp_path: Path, name: str) -> None:
    """`uncertain annotate doc.json --format prompt` rendered the JSON source as the
    transcript's words (a document annotate had written)."""
    path = tmp_path / name
    path.write_bytes(_saved_documents(tmp_path)[name])
    with pytest.raises(UnsupportedFormatError, match=rf"{name}: content is a document "
                                                     r"uncertain saved \(JSON\), .*"
                                                     r"`uncertain render FILE` renders it"):
        ingest(path)


@pytest.mark.parametrize(("content", "says"), [
    (b'{"path": "a.wav", "sha256": "ab12", "status": "error", "error": "X"}\n',
     r"a batch run's records \(JSON lines\)"),
    (b'{"text": " Take metformin.", "segments": [{"id": 0, "words": []}]}',
     r"JSON, which is not read as a transcript"),
    (b'  [{"start": 0.0, "text": "Take metformin."}]', r"JSON, which is not read"),
    (b"<!DOCTYPE html>\n<html><body><p>Take <b>metformin</b></p></body></html>",
     r"a web page \(HTML\)"),
    (b"<!-- saved -->\n<HTML lang=en><p>Take metformin", r"a web page \(HTML\)"),
    (b"{\\rtf1\\ansi Take metformin 500 mg.\\par}", r"a word processor's RTF"),
])
def test_ingest_refuses_markup_or_data_it_read_as_a_transcript(
        tmp_path: Path, content: bytes, says: str) -> None:
    # each was read as prose: braces, keys and tags as the transcript's words
    path = tmp_path / "note.txt"
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError, match=rf"note\.txt: content is {says}"):
        ingest(path)
    with pytest.raises(UnsupportedFormatError, match=rf"note\.txt: content is {says}"):
        ingest(path, encoding="utf-8")


@pytest.mark.parametrize("text", [
    "[inaudible] take metformin 500 mg.", "{laughs} okay, metformin then.",
    "<b>Metformin</b> 500 mg", "[1] metformin, [2] lisinopril", "{ordered} metformin",
    "html is not read here", "Take metformin {\"as\" written}."])
def test_ingest_reads_text_that_only_begins_like_markup(tmp_path: Path, text: str) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text)
    assert ingest(path).text == text


def test_cli_annotate_a_saved_document_says_render_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from uncertain.cli import main

    note = tmp_path / "note.txt"
    note.write_text("Continue met for men 500 mg.\n")
    saved = tmp_path / "doc.json"
    saved.write_bytes(_saved_documents(tmp_path)["doc.json"])
    assert main(["annotate", str(saved), str(note), "--format", "prompt"]) == 1
    out, err = capsys.readouterr()
    assert f"UnsupportedFormatError: {saved}: content is a document uncertain saved" in err
    assert "schema_version" not in out and "met for men" in out
    assert main(["render", str(saved), "--no-preamble"]) == 0
    assert "met for men" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("call.wav", b"RIFF", "WAV"),
        ("call.wav", b"RIFF\x24\x08\x00\x00", "WAV"),  # its size, cut before "WAVE"
        ("call.flac", b"fLaC", "FLAC"),
        ("call.flac", b"fLaC\x00\x00\x00\x22\x10\x00", "FLAC"),
        ("call.ogg", b"OggS", "Ogg"),
        ("call.mp3", b"ID3", "MP3 ID3"),
        ("call.mp3", b"ID3\x04\x00", "MP3 ID3"),
        ("scan.pdf", b"%PDF", "PDF"),
        ("scan.png", b"\x89PNG", "PNG"),
        ("scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "PNG"),
        ("scan.tif", b"II*", "TIFF"),
        ("scan.tiff", b"II*\x00\x08", "TIFF"),
        ("scan.tif", b"MM\x00*", "TIFF"),
        ("scan.gif", b"GIF89a", "GIF"),
        # named as another kind, or as none, the start of a header is still one
        ("call.png", b"RIFF", "RIFF (WAV, AVI or WebP)"),
        ("blob", b"MM\x00*\x00", "TIFF"),
    ],
)
def test_ingest_a_file_cut_short_in_its_header_is_said_truncated(
        tmp_path: Path, name: str, data: bytes, fmt: str) -> None:
    """A WAV cut to its 4 bytes "RIFF" was "named as audio (.wav) but its content is plain
    text", a FLAC or Ogg cut to its magic "cannot read audio: End of file", a PDF or PNG
    cut short plain text too: each is a file cut short, and said so."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorruptInputError, match=rf"{re.escape(name)}: truncated or corrupt: "
                                                rf"its {len(data)} bytes are only the start "
                                                rf"of an? \d+-byte {re.escape(fmt)} header"):
        detect(path)


def test_ingest_a_header_of_eight_bytes_is_said_with_an(tmp_path: Path) -> None:
    """"the start of a 8-byte TIFF header": "an 8-byte" is said."""
    path = tmp_path / "scan.tif"
    path.write_bytes(b"II*\x00")
    with pytest.raises(CorruptInputError, match="only the start of an 8-byte TIFF header"):
        detect(path)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("notes.txt", b"RIFF", "text"),  # named as text, it is read as text
        ("notes", b"RIFF", "text"),  # named as nothing too
        ("notes.txt", b"RIFF raff.\n", "text"),
        ("notes.txt", b"%PDF", "text"),
        ("notes.txt", b"ID3", "text"),
    ],
)
def test_ingest_a_short_text_beginning_as_a_header_stays_text(
        tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert detect(path).kind == kind


def test_ingest_a_text_named_as_audio_that_begins_with_riff_is_said_plain_text(
        tmp_path: Path) -> None:
    """Letters after "RIFF" are a text's, not a header's: a text named .wav is still said
    to be text, not a WAV cut short."""
    path = tmp_path / "notes.wav"
    path.write_bytes(b"RIFF raff.\n")
    with pytest.raises(UnsupportedFormatError, match=r"notes\.wav.*plain text"):
        detect(path)
