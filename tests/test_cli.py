"""The command line: thin over the library, clear errors, no silent overwrites."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from uncertain.cli import main
from uncertain.document import Document

NOTE = "Continue met for men five hundred milligrams twice a day.\n"


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(NOTE)
    return path


def test_cli_annotate_json_is_a_document(note: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", str(note), "--format", "json"]) == 0
    doc = Document.from_json(capsys.readouterr().out)
    assert doc.source.modality == "text"
    assert all(w.confidence is None for w in doc.words)
    assert any(c.canonical == "metformin" for f in doc.flags for c in f.candidates)


def test_cli_annotate_json_writes_a_word_a_line_and_reads_back_the_same(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """annotate's JSON was indented to its last level: each word's twelve fields took
    fourteen lines, and a one-line text of 3.2 MB made 75 MB of JSON, a third of it
    indentation. The items of its lists of objects (a word, a candidate) take a line
    each: the same document read back, a file name's undecodable byte escaped."""
    import os

    name = os.fsdecode(b"caf\xe9 note.txt")  # (a Latin-1 name: a lone surrogate in it)
    note = tmp_path / name
    words = "Patient takes metformin 500 mg daily, and Zorvaxin for it".split()
    note.write_text(" ".join(words[n % len(words)] for n in range(400)) + "\n")
    out = tmp_path / "out.json"
    assert main(["annotate", str(note), "--out", str(out), "--no-progress"]) == 0
    written = out.read_bytes().decode("utf-8")  # (a lone surrogate does not encode)
    doc = Document.from_json(written)
    assert doc.source.path == str(note) and len(doc.words) == 400 and doc.flags
    assert Document.from_json(doc.to_json(indent=2)) == doc
    lines = written.splitlines()
    assert sum(line.startswith('        {"text": ') for line in lines) == 400
    assert '"reasons": [' in written and '"candidates": [\n' in written
    assert len(written) < 0.7 * len(doc.to_json(indent=2))
    assert "\\udce9" in written
    capsys.readouterr()
    assert main(["annotate", str(note), str(note.with_name("missing.txt")),
                 "--no-progress"]) == 1  # several inputs: an array of them, laid out so
    docs = json.loads(capsys.readouterr().out)
    assert [Document.model_validate(d) for d in docs] == [doc]


def test_cli_annotate_bad_file_reports_and_goes_on(
    note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.wav"
    fake.write_text("this is a text file, not audio\n")
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    status = main(["annotate", str(fake), str(empty), str(note), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert status == 1
    assert f"UnsupportedFormatError: {fake}" in err
    assert f"EmptyInputError: {empty}" in err
    lines = out.splitlines()
    assert len(lines) == 1
    assert Document.from_json(lines[0]).source.path == str(note)


def test_cli_annotate_json_of_several_inputs_is_an_array_whatever_fails(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two inputs of which one failed gave a bare object where two gave an array: a
    caller reading the output could not know which to expect."""
    fake = tmp_path / "fake.wav"
    fake.write_text("this is a text file, not audio\n")
    assert main(["annotate", str(note), str(fake), "--format", "json"]) == 1
    docs = json.loads(capsys.readouterr().out)
    assert isinstance(docs, list) and [d["source"]["path"] for d in docs] == [str(note)]
    assert main(["annotate", str(note), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["path"] == str(note)


def test_cli_annotate_interrupted_says_what_was_not_written(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C threw away the documents done, --out being written whole at the end, and
    said nothing: the status 130 alone."""
    import importlib

    stage = importlib.import_module("uncertain.ingest")  # (uncertain.ingest: the function)
    second = tmp_path / "second.txt"
    second.write_text("Start lisinopril 10 mg daily.\n")
    real = stage.ingest

    def ingest(path: Path, **options: object) -> Document:
        if Path(path) == second:
            raise KeyboardInterrupt
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(stage, "ingest", ingest)
    out = tmp_path / "docs.json"
    assert main(["annotate", str(note), str(second), "-o", str(out), "--no-progress"]) == 130
    err = capsys.readouterr().err
    assert f"interrupted: 1 document done not written to {out}" in err
    assert "uncertain batch" in err and not out.exists()
    assert not list(tmp_path.glob(".docs.json*"))  # (nor its temporary file)
    # to standard output, what was done is already out: nothing to say
    assert main(["annotate", str(note), str(second), "--format", "jsonl", "--no-progress"]) == 130
    out_text, err = capsys.readouterr()
    assert "interrupted" not in err and len(out_text.splitlines()) == 1


def test_cli_annotate_refuses_to_overwrite(note: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n")
    assert main(["annotate", str(note), "--format", "jsonl", "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "keep me\n"
    assert main(["annotate", str(note), "--format", "jsonl", "--out", str(out), "--force"]) == 0
    assert Document.from_json(out.read_text().splitlines()[0]).source.path == str(note)


def test_cli_out_written_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """Two runs started with the same --out both passed the check at the start, and the
    later one's file silently replaced the earlier one's, both ending with status 0."""
    from uncertain.cli import _Output

    out = tmp_path / "out.json"
    with pytest.raises(FileExistsError, match=r"out\.json was written by another run "
                                              r"meanwhile; this run's output is kept in "
                                              r".*out\.json\.1$"):
        with _Output(str(out), force=False) as fh:
            fh.write("this run\n")
            out.write_text("the other run\n")  # finished first
    assert out.read_text() == "the other run\n"
    assert (tmp_path / "out.json.1").read_text() == "this run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "out.json.1"]
    with _Output(str(out), force=True) as fh:  # --force: this run's file replaces it
        fh.write("forced\n")
    assert out.read_text() == "forced\n"
    with _Output(str(tmp_path / "new.json"), force=False) as fh:
        fh.write("new\n")
    assert (tmp_path / "new.json").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "out.json", "out.json.1"]


def test_cli_annotate_out_writes_through_a_link_and_never_replaces_a_pipe(
        note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """--out was moved into place over whatever the name named: with --force a link was
    replaced by a file (the file it named left as it was), and a device or a pipe too
    (``-o /dev/null --force`` run as root replaced /dev/null by a file); a link to a file
    not made yet ended the run as "written by another run meanwhile", its output beside
    it. A link is written through and kept, and a pipe or a device written straight, as
    a shell's ">" does; nothing of a pipe's is overwritten, so it needs no --force."""
    import os
    import threading

    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    assert main(["annotate", str(note), "--out", str(link), "--no-progress"]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["annotate", str(note), "--out", str(link), "--force",
                 "--no-progress"]) == 0
    assert link.is_symlink() and Document.from_json(real.read_text()).source.path == str(note)
    ahead = tmp_path / "ahead.json"
    ahead.symlink_to(tmp_path / "made" / "later.json")  # (and in a folder not made yet)
    assert main(["annotate", str(note), "--out", str(ahead), "--no-progress"]) == 0
    assert ahead.is_symlink() and Document.from_json(ahead.read_text()).source.path == str(note)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ahead.json", "link.json", "made", "note.txt", "real.json"]
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    read: list[bytes] = []
    for force in ([], ["--force"]):
        reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()), daemon=True)
        reader.start()
        assert main(["annotate", str(note), "--out", str(pipe), "--no-progress", *force]) == 0
        reader.join(timeout=60)
        assert Document.from_json(read.pop().decode()).source.path == str(note)
        assert pipe.is_fifo()
    # a folder it cannot write in is named as the --out, not as the hidden file made there
    import tempfile

    def refused(prefix: str, dir: str) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x1y2"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert main(["annotate", str(note), "--out", str(tmp_path / "new.json"),
                 "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"Permission denied: cannot write {tmp_path / 'new.json'} in its folder" in err
    assert "x1y2" not in err


def test_cli_lexicon_that_is_a_pipe_is_not_said_to_be_missing(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lexicon named as a pipe ("--lexicon <(grep ... formulary.tsv)") was refused as
    "no such file", which sent the user looking for a file that was there."""
    import os

    pipe = tmp_path / "formulary.tsv"
    os.mkfifo(pipe)
    for argv in (["lexicon", str(pipe)], ["annotate", str(note), "--lexicon", str(pipe)]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err == f"LexiconError: {pipe}: a pipe, not a regular file: save what it " \
                      "gives to a file and name that\n", err


def test_cli_annotate_out_that_is_an_input_is_refused(
        note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """"annotate note.txt -o note.txt --force" (note.json meant) wrote the document over
    the transcript it was read from, status 0; batch refuses an --out that is an input."""
    monkeypatch.chdir(tmp_path)
    for out in (str(note), "./note.txt"):
        assert main(["annotate", str(tmp_path), "-o", out, "--force", "--no-progress"]) == 1
        assert capsys.readouterr().err == (
            f"FileExistsError: {out} is one of the inputs: --out must name another file, or "
            "the input would be overwritten\n")
        assert note.read_text() == NOTE


def test_cli_standard_input_closed_reads_nothing(
        note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With standard input closed ("<&-", a service without one) "render -" and
    "reconcile DOC -" ended in a traceback (AttributeError: 'NoneType' object has no
    attribute 'buffer'), as a closed stdout or stderr once did: it reads as empty."""
    doc = tmp_path / "doc.json"
    assert main(["annotate", str(note), "-o", str(doc), "--no-progress"]) == 0
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["render", "-"]) == 1
    assert capsys.readouterr().err == (
        "EmptyInputError: <stdin>: standard input holds nothing\n")
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["reconcile", str(doc), "-"]) == 0  # (an empty answer is an answer)
    out, err = capsys.readouterr()
    assert json.loads(out)["text"] == ""
    assert err == ("warning: <stdin>: the answer holds no text: no corrected copy of it (a "
                   "refusal, a summary, the answer to another document?); its changes are "
                   "no corrections, no span is resolved\n")


def test_cli_writes_utf8_to_standard_output_whatever_the_locale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a locale whose encoding is not UTF-8 (ISO-8859-1, PYTHONIOENCODING=ascii) a
    transcript holding "µg" or "—" ended in a UnicodeEncodeError traceback, nothing
    written: standard output is UTF-8, as --out is."""
    note = tmp_path / "note.txt"
    note.write_text("Give 50 \u03bcg of fentanyl \u2014 now.\n", encoding="utf-8")
    for how in (["--format", "json"], ["--format", "prompt"]):
        written = io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding="ascii"))
        assert main(["annotate", str(note), *how, "--no-validate", "--no-progress"]) == 0
        sys.stdout.flush()
        out = written.getvalue().decode("utf-8")
        assert "Give 50 \u03bcg of fentanyl \u2014 now." in (
            Document.from_json(out).text if how[1] == "json" else out)


def test_cli_out_has_the_short_form_o(note: Path, tmp_path: Path) -> None:
    # "-o" is what a user types first: it was "the following arguments are required"
    assert main(["annotate", str(note), "-o", str(tmp_path / "a.json")]) == 0
    assert main(["batch", str(note), "-o", str(tmp_path / "b.jsonl"), "--no-progress"]) == 0
    records = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert [r["path"] for r in records] == [str(note)]
    assert Document.from_json((tmp_path / "a.json").read_text()).source.path == str(note)


def test_cli_annotate_says_the_prompts_options_do_nothing_without_a_prompt(
        note: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"annotate note.txt --style bracket" wrote the JSON document and said nothing: the
    prompt's options are used by --format prompt only, and the user was not told."""
    assert main(["annotate", str(note), "--style", "bracket", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert Document.from_json(out).source.path == str(note)
    assert err == ("warning: --style sets how the prompt is rendered; --format json writes "
                   "no prompt (--format prompt does, or uncertain render on the saved "
                   "document)\n")
    assert main(["annotate", str(note), "--format", "jsonl", "--threshold", "0.3",
                 "--no-structure", "--no-progress"]) == 0
    assert "--threshold, --no-structure set how the prompt is rendered; --format jsonl" in (
        capsys.readouterr().err)
    for argv in (["--format", "prompt", "--style", "bracket", "--threshold", "0.3"],
                 ["--style", "inline"], []):
        assert main(["annotate", str(note), *argv, "--no-progress"]) == 0
        assert "how the prompt is rendered" not in capsys.readouterr().err


def test_cli_annotate_says_an_archive_is_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An archive named to annotate failed as "content is binary (a NUL byte at offset
    5), not a supported audio, image, PDF or text format": it says it is an archive, which
    batch reads. A file named so that is none, or an archive of another name (a .docx is
    a zip), is said as before."""
    import tarfile
    import zipfile

    (tmp_path / "note.txt").write_text(NOTE)
    with zipfile.ZipFile(tmp_path / "notes.zip", "w") as archive:
        archive.write(tmp_path / "note.txt", "note.txt")
    with tarfile.open(tmp_path / "notes.tar.gz", "w:gz") as archive:
        archive.add(tmp_path / "note.txt", "note.txt")
    for name in ("notes.zip", "notes.tar.gz"):
        assert main(["annotate", str(tmp_path / name), "--no-progress"]) == 1
        assert capsys.readouterr().err == (
            f"UnsupportedFormatError: {tmp_path / name}: an archive, which annotate does not "
            "open: uncertain batch reads its members\n")
    (tmp_path / "notes.zip").rename(tmp_path / "report.docx")
    (tmp_path / "fake.zip").write_bytes(b"\x00\x01 not an archive")
    for name in ("report.docx", "fake.zip"):
        assert main(["annotate", str(tmp_path / name), "--no-progress"]) == 1
        assert "content is binary" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_an_input_not_found_says_why(
        command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A link to a file that is gone, named, was "no such file", though it is listed
    (in a folder named it was "a link to nothing")."""
    monkeypatch.chdir(tmp_path)
    Path("gone.txt").symlink_to("moved/note.txt")
    extra = ["--out", "o.jsonl"] if command == "batch" else []
    assert main([command, "gone.txt", *extra, "--no-progress"]) == 1
    said = (Path("o.jsonl").read_text() if command == "batch"
            else capsys.readouterr().err)
    assert "gone.txt: a link to nothing (moved/note.txt)" in said
    assert main([command, "nothing.txt", *extra, "--no-progress", "--force"] if extra
                else [command, "nothing.txt", "--no-progress"]) == 1
    said = (Path("o.jsonl").read_text() if command == "batch"
            else capsys.readouterr().err)
    assert "nothing.txt: no such file" in said and "link" not in said


def test_cli_annotate_prompt_marks_the_doubt(
    note: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["annotate", str(note), "--format", "prompt", "--style", "inline"]) == 0
    out = capsys.readouterr().out
    assert "<unsure" in out and "metformin" in out
    # a floor above every score keeps the span marked, with no suggestion
    assert main(["annotate", str(note), "--format", "prompt", "--no-preamble",
                 "--min-candidate-score", "1"]) == 0
    out = capsys.readouterr().out
    assert "<unsure" in out and "maybe=" not in out


def test_cli_annotate_empty_input_is_a_warning_and_status_3(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty folder was a warning and status 0, which a script read as a folder of
    inputs annotated: it is status 3 (NO_INPUTS), apart from a failed input's 1 and a
    usage error's 2, and --out is not written."""
    out = tmp_path / "out.json"
    (tmp_path / "d").mkdir()
    assert main(["annotate", str(tmp_path / "d"), "--out", str(out)]) == 3
    assert "no input files" in capsys.readouterr().err
    assert not out.exists()


def test_cli_annotate_folder_reads_only_files_named_as_inputs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "note.txt").write_text(NOTE)
    (tmp_path / "make_note.py").write_text("print('Continue met for men')\n")
    (tmp_path / "refs.jsonl").write_text('{"path": "note.txt"}\n')
    assert main(["annotate", str(tmp_path), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    docs = [Document.from_json(line) for line in captured.out.splitlines()]
    assert [Path(d.source.path).name for d in docs] == ["note.txt"]
    assert "left out 2 files" in captured.err and "(.jsonl 1, .py 1)" in captured.err
    # named on its own, the script is read as the plain text it is
    assert main(["annotate", str(tmp_path / "make_note.py"), "--format", "jsonl"]) == 0
    (doc,) = [Document.from_json(line) for line in capsys.readouterr().out.splitlines()]
    assert doc.source.modality == "text"


def test_cli_annotate_reads_a_file_named_twice_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A file named twice (alike, by two paths, or in a folder named too) gave two
    documents for one file, each named as given, where batch counts it once: annotate
    reads it once, as first named, and says it was named again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(NOTE)
    (tmp_path / "d" / "b.txt").write_text(NOTE)
    for paths, read, again in [
            (["d/a.txt", "d/a.txt"], ["d/a.txt"], "1 input"),
            (["d/a.txt", str(tmp_path / "d" / "a.txt")], ["d/a.txt"], "1 input"),
            (["d/b.txt", "d", "./d/a.txt"], ["d/b.txt", "d/a.txt"], "2 inputs")]:
        assert main(["annotate", *paths, "--format", "jsonl", "--no-validate"]) == 0
        captured = capsys.readouterr()
        docs = [Document.from_json(line) for line in captured.out.splitlines()]
        assert [d.source.path for d in docs] == read
        assert f"named again: {again} named more than once" in captured.err
    assert main(["annotate", "d", "--format", "jsonl", "--no-validate"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2 and "named again" not in captured.err


@pytest.mark.slow
def test_cli_annotate_says_when_a_file_holds_nothing(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    assert main(["annotate", str(blank), "--format", "prompt"]) == 0
    out, err = capsys.readouterr()
    assert f"=== {blank} ===" in out
    assert f"warning: {blank}: page 1: no text recognised" in err


def test_cli_render_saved_document(note: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    capsys.readouterr()
    assert main(["render", str(saved), "--style", "bracket", "--no-preamble"]) == 0
    out = capsys.readouterr().out
    assert "metformin" in out and "<unsure" not in out


def test_cli_render_candidate_options(note: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """--candidate-gap narrows the suggestions to those near the best; -1 lifts it."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    capsys.readouterr()
    counts = []
    for extra in (["--candidate-gap", "0.1"], ["--candidate-gap", "-1", "--max-candidates",
                                                "5"]):
        assert main(["render", str(saved), "--no-preamble", *extra]) == 0
        out = capsys.readouterr().out
        counts.append(sum(m.count("|") + 1 for m in re.findall(r'maybe="([^"]*)"', out)))
    assert counts == [1, 5]  # metformin 0.99, then Medopren 0.77, ... (five candidates)


def test_cli_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Document"


def test_cli_lexicon_check_fails_on_malformed_file(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "formulary.tsv"
    bad.write_text("Zapain\tcodeine\tbrand\tnot-a-number\n")
    assert main(["lexicon", str(bad), "--check"]) == 1
    assert "formulary.tsv" in capsys.readouterr().out


def test_cli_lexicon_without_entries_says_so(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A lexicon of a header alone printed "warning: no entries", then "status: ok", and
    --check failed: the status says so; annotate --lexicon warns too. Merged duplicates
    are said but fail no check (the format merges them)."""
    empty = tmp_path / "formulary.tsv"
    empty.write_text("term\tcanonical\n# nothing yet\n")
    assert main(["lexicon", str(empty), "--check"]) == 1
    out = capsys.readouterr().out
    assert "  warning: no entries\n  status: no entries" in out
    assert main(["lexicon", str(empty)]) == 0
    twice = tmp_path / "twice.tsv"
    twice.write_text("Zapain\tcodeine\nZapain\tcodeine\n")
    assert main(["lexicon", str(twice), "--check"]) == 0
    assert "warning: 1 duplicate lines merged" in capsys.readouterr().out
    note = tmp_path / "note.txt"
    note.write_text("Take metformin.\n")
    assert main(["annotate", str(note), "--lexicon", str(empty), "--no-progress"]) == 0
    assert f"warning: {empty}: the lexicon has no entries" in capsys.readouterr().err


def test_cli_annotate_names_an_empty_lexicon_with_a_newline_in_its_name_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The warning of a lexicon of no entries printed its file's name as it is: a newline
    in it broke the warning in two lines, the second looking like another message."""
    empty = tmp_path / "new\nformulary.tsv"
    empty.write_text("term\tcanonical\n")
    note = tmp_path / "note.txt"
    note.write_text("Take metformin.\n")
    assert main(["annotate", str(note), "--lexicon", str(empty), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {tmp_path}/new\\nformulary.tsv: the lexicon has no entries\n" in err
    assert "\nformulary.tsv" not in err


def test_cli_lexicon_report_names_a_file_with_a_newline_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`uncertain lexicon` printed a newline of the file's name as it is: its report's
    header and error lines broke in two."""
    bad = tmp_path / "new\nformulary.tsv"
    bad.write_text("Zapain\tcodeine\tbrand\tlots\n")
    assert main(["lexicon", str(bad), "--check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"lexicon new\\nformulary: {tmp_path}/new\\nformulary.tsv\n")
    assert f"  error: {tmp_path}/new\\nformulary.tsv:1: bad prior" in out
    assert "\nformulary" not in out


def test_cli_render_into_a_pipe_closed_early_stops_quietly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`uncertain render big.json | head -1` printed a traceback (BrokenPipeError) and
    exited 1; it stops as cat does, status 141 (128 + SIGPIPE), nothing on stderr."""
    import subprocess

    # the pipe is made as small as Linux makes one (a page): a rendering of ten pages fills
    # it many times over, so render writes on after the reader is gone. (It was 64 KiB, and
    # a document of 140,000 words was annotated and rendered to overflow it: up to 112 s.)
    pipe = 4096
    note = tmp_path / "note.txt"
    note.write_text("Take metformin 500 mg twice daily.\n" * 1_200)
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved), "--no-validate"]) == 0
    capsys.readouterr()
    assert main(["render", str(saved)]) == 0
    assert len(capsys.readouterr().out.encode()) > 10 * pipe
    render = subprocess.Popen([sys.executable, "-m", "uncertain.cli", "render", str(saved)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, pipesize=pipe)
    assert render.stdout is not None and render.stderr is not None
    assert render.stdout.read(10)
    render.stdout.close()
    assert render.wait(timeout=120) == 141
    assert render.stderr.read() == b""


def _two_notes_saved(tmp_path: Path) -> tuple[list[Path], Path]:
    """Two notes, and their documents saved by annotate --format jsonl (not validated)."""
    paths = []
    for name in ("a", "b"):
        note = tmp_path / f"{name}.txt"
        note.write_text(f"Note {name}: take metformin.\n")
        paths.append(note)
    saved = tmp_path / "docs.jsonl"
    assert main(["annotate", *map(str, paths), "--format", "jsonl", "--out", str(saved),
                 "--no-validate"]) == 0
    return paths, saved


def test_cli_render_of_several_documents_names_each(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several documents' prompts were printed one after another, nothing between them,
    and a batch's failed inputs were skipped without a word."""
    paths, saved = _two_notes_saved(tmp_path)
    with saved.open("a") as fh:
        fh.write(json.dumps({"path": "c.wav", "status": "error", "error": "E",
                             "message": "m"}) + "\n")
    capsys.readouterr()
    assert main(["render", str(saved), "--docs-format", "jsonl", "--no-preamble"]) == 0
    out, err = capsys.readouterr()
    assert out == (f"=== {paths[0]} ===\nNote a: take metformin.\n\n"
                   f"=== {paths[1]} ===\nNote b: take metformin.\n\n")
    assert f"warning: {saved}: 1 error record of a batch (inputs that failed) skipped" in err


def test_cli_saved_documents_are_read_in_the_format_they_were_saved_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """annotate --format jsonl's output was "not JSON (Extra data ...)" to render without
    --docs-format jsonl and to reconcile (which has no such option), and a document an
    editor saved with a byte-order mark was refused ("Unexpected UTF-8 BOM")."""
    paths, saved = _two_notes_saved(tmp_path)
    renamed = tmp_path / "docs.txt"  # JSON lines under another name
    renamed.write_bytes(saved.read_bytes())
    both = (f"=== {paths[0]} ===\nNote a: take metformin.\n\n"
            f"=== {paths[1]} ===\nNote b: take metformin.\n\n")
    for path in (saved, renamed):
        capsys.readouterr()
        assert main(["render", str(path), "--no-preamble"]) == 0
        assert capsys.readouterr().out == both
    answer = tmp_path / "answer.txt"
    answer.write_text("Note a: take metformin daily.\n")
    assert main(["reconcile", str(saved), str(answer), "--document", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == "Note a: take metformin daily.\n"
    one = tmp_path / "one.json"
    assert main(["annotate", str(paths[0]), "--format", "json", "--out", str(one),
                 "--no-validate"]) == 0
    one.write_bytes(b"\xef\xbb\xbf" + one.read_bytes())
    assert main(["render", str(one), "--no-preamble"]) == 0
    assert capsys.readouterr().out == "Note a: take metformin.\n"  # one: no heading
    assert Document.from_json(one.read_bytes()).source.path == str(paths[0])
    assert Document.from_json(one.read_text(encoding="utf-8")).source.path == str(paths[0])


def test_cli_reconcile_of_several_documents_reads_the_one_the_answer_is_of(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """reconcile of a file of several documents (annotate's --format json array, JSON
    lines, batch records) read the first, with a warning, whichever the answer was of: with
    --prompt rendered from the second it failed ("holds no prompt rendered from"), without
    it an answer of the second came back as over-corrections of the first. The prompt now
    says which; else --document (a number or the source's path); else it is an error."""
    paths, _ = _two_notes_saved(tmp_path)
    paths[1].write_text("Note b: take metfromin 500 mg.\n")
    third = tmp_path / "c.txt"
    third.write_text(paths[0].read_text())  # the same text as the first
    docs = tmp_path / "docs.json"
    assert main(["annotate", str(paths[0]), str(paths[1]), str(third), "--format", "json",
                 "--out", str(docs)]) == 0
    prompts = tmp_path / "prompts.jsonl"
    assert main(["render", str(docs), "--prompt-json", str(prompts)]) == 0
    second = tmp_path / "second.json"
    second.write_text(prompts.read_text().splitlines()[1] + "\n")
    answer = tmp_path / "answer.txt"
    answer.write_text("Note b: take metformin 500 mg.\n")
    capsys.readouterr()
    assert main(["reconcile", str(docs), str(answer), "--prompt", str(second)]) == 0
    by_prompt = json.loads(capsys.readouterr().out)
    assert [(c["original"], c["new"]) for c in by_prompt["resolved"]] == [
        ("metfromin", "metformin")]
    assert by_prompt["overcorrections"] == [] and by_prompt["kept"] == 1.0
    for which in ("2", str(paths[1])):
        assert main(["reconcile", str(docs), str(answer), "--document", which]) == 0
        assert json.loads(capsys.readouterr().out)["resolved"] == by_prompt["resolved"]
    # not said: an error naming the documents, nothing reconciled
    assert main(["reconcile", str(docs), str(answer)]) == 2
    out, err = capsys.readouterr()
    assert not out
    assert (f"uncertain reconcile: error: {docs} holds 3 documents (1: {paths[0]}, "
            f"2: {paths[1]}, 3: {third}); say which the answer is of with --document") in err
    assert main(["reconcile", str(docs), str(answer), "--document", "4"]) == 2
    assert "--document 4: no such document in" in capsys.readouterr().err
    # a prompt of two documents' text (the same): which of them is for --document to say
    first = tmp_path / "first.json"
    first.write_text(prompts.read_text().splitlines()[0] + "\n")
    assert main(["reconcile", str(docs), str(paths[0]), "--prompt", str(first)]) == 2
    assert (f"its text is that of 2 documents of {docs} (1: {paths[0]}, 3: {third}); "
            "say which the answer is of with --document") in capsys.readouterr().err
    assert main(["reconcile", str(docs), str(paths[0]), "--prompt", str(first),
                 "--document", str(third)]) == 0
    assert json.loads(capsys.readouterr().out)["kept"] == 1.0
    assert main(["reconcile", str(docs), str(answer), "--prompt", str(first),
                 "--document", "2"]) == 1
    assert f"holds no prompt rendered from {docs}'s document 2" in capsys.readouterr().err


def test_cli_a_saved_prompt_given_for_the_document_is_named_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A prompt saved by render --prompt-json given where the document goes (the two
    JSON files of a reconcile mixed up) was "not a saved document (1 problem; the top
    level: Input should be a valid dictionary ...)": its "document" field, the prompt's
    text, was read as a batch record's document."""
    paths, saved = _two_notes_saved(tmp_path)
    prompts = tmp_path / "prompts.jsonl"
    assert main(["render", str(saved), "--prompt-json", str(prompts)]) == 0
    capsys.readouterr()
    said = "a saved prompt (render --prompt-json), not a document: reconcile takes it as --prompt"
    assert main(["reconcile", str(prompts), str(paths[0])]) == 1
    assert capsys.readouterr().err == f"CorruptInputError: {prompts}: line 1: {said}\n"
    one = tmp_path / "prompt.json"
    one.write_text(prompts.read_text().splitlines()[0])
    assert main(["render", str(one)]) == 1
    assert capsys.readouterr().err == f"CorruptInputError: {one}: {said}\n"


def test_cli_lexicon_lookup_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    """A lookup printed the lexicon's whole check report before its answer."""
    assert main(["lexicon", "drugs", "--lookup", "Glucophage"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("Glucophage: Glucophage -> metformin")
    assert main(["lexicon", "drugs", "--lookup", "Glucophage", "--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "lexicon drugs: " + out[0].split(": ", 1)[1] and "status: ok" in out[-2]


def test_cli_lexicon_lookup_of_a_term_not_found_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`lexicon --lookup TERM` exited 0 when the term was in no lexicon: a script could
    not tell (as grep, it exits 1 when a term looked up is not found, 0 when all are)."""
    own = tmp_path / "my formulary.tsv"
    own.write_text("Zapain\tcodeine / paracetamol\tbrand\t0.4\n", encoding="utf-8")
    assert main(["lexicon", str(own), "--lookup", "Zapain"]) == 0
    assert main(["lexicon", str(own), "--lookup", "qqqqqqqq"]) == 1
    assert main(["lexicon", str(own), "--lookup", "Zapain", "--lookup", "qqqqqqqq"]) == 1
    assert main(["lexicon", str(own), "--lookup", "qqqqqqqq", "--check"]) == 1
    assert main(["lexicon", "--lookup", "metformin"]) == 0
    assert main(["lexicon", "--lookup", "qqqqqqqq"]) == 1
    out = capsys.readouterr().out
    assert "qqqqqqqq: not in my formulary;" in out and "qqqqqqqq: not in clinical" in out


def test_cli_lexicon_lookup_of_a_misheard_name_gives_the_nearest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a term not in the lexicon: its nearest names, as the validator would find them
    assert main(["lexicon", "drugs", "--lookup", "met for me"]) == 1
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("met for me: not in drugs; nearest by spelling and sound: metformin")
    own = tmp_path / "formulary.tsv"
    own.write_text("Zapain\tcodeine / paracetamol\tbrand\t0.4\n", encoding="utf-8")
    assert main(["lexicon", str(own), "--lookup", "zap pain"]) == 1
    assert capsys.readouterr().out.strip().endswith(
        "nearest by spelling and sound: Zapain (codeine / paracetamol)")


def test_cli_lexicon_lookup_offers_no_name_far_from_the_word(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A word like no name was offered the five least unlike ("xyzzy": Xyrosa, Moxeza,
    ...; of a formulary of one name, that name), read as names near it."""
    assert main(["lexicon", "drugs", "--lookup", "xyzzy", "--lookup", "metforman"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["xyzzy: not in drugs; no name near it by spelling or sound",
                   out[1]]
    assert out[1].startswith("metforman: not in drugs; nearest by spelling and sound: "
                             "metformin")
    own = tmp_path / "formulary.tsv"
    own.write_text("Zorvaxin\tzorvaxine\tbrand\n", encoding="utf-8")
    assert main(["lexicon", str(own), "--lookup", "qqqqqqqq", "--lookup", "zorvaxen"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "qqqqqqqq: not in formulary; no name near it by spelling or sound",
        "zorvaxen: not in formulary; nearest by spelling and sound: Zorvaxin (zorvaxine)"]


def test_cli_lexicon_lookup_of_a_term_longer_than_any_name_searches_no_nearest(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10,000-letter term (a paste gone wrong) took 5 s of CPU, more on a busy machine
    (35 s), in the nearest-name search's letter-to-sound model, to say no name is near
    it: no name is over MAX_TERM_LENGTH letters, so none is searched for; a term of that
    length still is."""
    from uncertain._candidates import CandidateSearch
    from uncertain.lexicon import MAX_TERM_LENGTH

    searched: list[str] = []
    similar = CandidateSearch.similar

    def spied(self: CandidateSearch, key: str, *args: Any) -> Any:
        searched.append(key)
        return similar(self, key, *args)

    monkeypatch.setattr(CandidateSearch, "similar", spied)
    long = "metformin" * 1112
    assert main(["lexicon", "drugs", "--lookup", long]) == 1
    assert capsys.readouterr().out == (f"{long}: not in drugs; no name near it by spelling "
                                       "or sound\n")
    assert searched == []
    edge = ("metformin" * 30)[:MAX_TERM_LENGTH]
    assert main(["lexicon", "drugs", "--lookup", edge]) == 1
    assert searched == [edge]
    capsys.readouterr()


def test_cli_lexicon_lookup_finds_what_the_validator_verifies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lookup said "not in the lexicon" of "Cotrimoxazole", which the validator verifies
    as co-trimoxazole: it keyed on the normalised term, spaces and accents kept."""
    own = tmp_path / "formulary.tsv"
    own.write_text("co-trimoxazole\tco-trimoxazole\tgeneric\t0.8\n"
                   "Médrol\tméthylprednisolone\tbrand\t0.6\n"
                   "Guillain-Barré syndrome\n", encoding="utf-8")
    for term, found in [("Cotrimoxazole", "co-trimoxazole -> co-trimoxazole"),
                        ("co trimoxazole", "co-trimoxazole -> co-trimoxazole"),
                        ("Medrol", "Médrol -> méthylprednisolone"),
                        ("guillainbarre syndrome", "Guillain-Barré syndrome ->")]:
        assert main(["lexicon", str(own), "--lookup", term]) == 0
        last = capsys.readouterr().out.strip().splitlines()[-1]
        assert last.startswith(f"{term}: {found}"), last
    assert main(["lexicon", str(own), "--lookup", "co trimox azole"]) == 1
    assert "co trimox azole: not in formulary" in capsys.readouterr().out


def test_cli_lexicon_with_malformed_lines_fails_without_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It printed the errors and "status: 1 malformed lines", then exited 0."""
    bad = tmp_path / "formulary.tsv"
    bad.write_text("Zapain\tcodeine\tbrand\tnot-a-number\n")
    assert main(["lexicon", str(bad)]) == 1
    assert "status: 1 malformed lines" in capsys.readouterr().out


def test_cli_annotate_lexicons_of_one_stem_must_be_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two formulary.tsv files were both "formulary"; `--lexicon NAME=FILE` names them."""
    for hospital in ("hospA", "hospB"):
        (tmp_path / hospital).mkdir()
        (tmp_path / hospital / "formulary.tsv").write_text("Zorvaxin\tZorvaxin\tbrand\n",
                                                           encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text("Start Zorvaxen 20 mg daily.\n", encoding="utf-8")
    a, b = tmp_path / "hospA" / "formulary.tsv", tmp_path / "hospB" / "formulary.tsv"
    assert main(["annotate", str(note), "--lexicon", str(a), "--lexicon", str(b),
                 "--no-progress"]) != 0
    assert "another lexicon is named 'formulary'" in capsys.readouterr().err
    assert main(["annotate", str(note), "--lexicon", f"hospA={a}", "--lexicon", f"hospB={b}",
                 "--no-progress", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["validation"]["lexicons"] == ["drugs", "clinical", "hospA", "hospB"]


def test_cli_reconcile_maps_the_fix_onto_words(note: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    answer = tmp_path / "answer.txt"
    answer.write_text("Continue metformin five hundred milligrams twice a day.\n")
    capsys.readouterr()
    assert main(["reconcile", str(saved), str(answer)]) == 0
    result = json.loads(capsys.readouterr().out)
    (fix,) = result["resolved"]
    assert (fix["original"], fix["new"], fix["word_start"], fix["word_end"]) == (
        "met for men", "metformin", 1, 4)
    assert result["overcorrections"] == []
    # an answer that is no corrected copy came back as changes like any other, not a word
    # said on the terminal: kept is under a half (0.25, "Continue" alone)
    refusal = tmp_path / "refusal.txt"
    refusal.write_text("Sorry, I cannot continue with medical transcripts.\n")
    assert main(["reconcile", str(saved), str(refusal)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["kept"] < 0.5
    assert err == (f"warning: {refusal}: the answer keeps {json.loads(out)['kept']:.0%} of "
                   "the document's words: no corrected copy of it (a refusal, a summary, "
                   "the answer to another document?); its changes are no corrections, no "
                   "span is resolved\n")
    assert json.loads(out)["resolved"] == [] and json.loads(out)["corrected_copy"] is False
    assert main(["reconcile", str(saved), str(answer)]) == 0
    assert not capsys.readouterr().err  # (a corrected copy: nothing to say)
    # a prompt rendered with another --threshold marked other spans: reconcile takes it
    assert main(["reconcile", str(saved), str(answer), "--threshold", "0"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["resolved"] == [] and result["spans"] == []
    assert [c["new"] for c in result["overcorrections"]] == ["metformin"]


def test_cli_reconcile_maps_a_list_of_fixes(note: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """An answer that gives only its fixes, as JSON, was no corrected copy: warned of,
    its fixes not mapped. Each fix is now made where the document holds its words, and
    one it cannot place is said in a warning."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"corrections": [
        {"original": "met for men", "corrected": "metformin"},
        {"original": "hydroxyzine", "corrected": "hydralazine"}]}))
    capsys.readouterr()
    assert main(["reconcile", str(saved), str(answer)]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert [(c["original"], c["new"], c["candidate"]) for c in result["resolved"]] == [
        ("met for men", "metformin", True)]
    assert result["overcorrections"] == [] and result["kept"] == 1.0
    assert result["warnings"] == ['the fix of "hydroxyzine" names words the document '
                                  "does not hold: not mapped"]
    assert err == f"warning: {answer}: {result['warnings'][0]}\n"


def test_cli_render_reads_batch_records(note: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    records = tmp_path / "results.jsonl"
    doc = json.loads(saved.read_text())
    records.write_text(json.dumps({"path": str(note), "status": "ok", "document": doc}) + "\n"
                       + json.dumps({"path": "x", "status": "error", "error": "E",
                                     "message": "m"}) + "\n")
    capsys.readouterr()
    assert main(["render", str(records), "--docs-format", "jsonl", "--no-preamble"]) == 0
    assert "metformin" in capsys.readouterr().out


def test_cli_render_reads_back_jsonl_whose_text_holds_line_separators(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """annotate --format jsonl writes U+2028 and U+0085 as they are (JSON allows it);
    render read the file with str.splitlines, which breaks there ("not JSON"). A line
    that is not UTF-8 names its number."""
    note = tmp_path / "note.txt"
    note.write_text("Take metformin\u2028daily \x85 now.\n", encoding="utf-8")
    saved = tmp_path / "docs.jsonl"
    assert main(["annotate", str(note), "--format", "jsonl", "--out", str(saved)]) == 0
    assert saved.read_text(encoding="utf-8").count("\n") == 1
    capsys.readouterr()
    assert main(["render", str(saved), "--docs-format", "jsonl", "--no-preamble"]) == 0
    assert "Take metformin daily" in capsys.readouterr().out  # the separator as a space
    saved.write_bytes(saved.read_bytes() + b'{"caf\xe9": 1}\n')
    assert main(["render", str(saved), "--docs-format", "jsonl"]) == 1
    assert f"CorruptInputError: {saved}: line 2: not UTF-8: byte 0xe9" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "calibrated"), [([], True), (["--calibration", "none"], False)])
def test_cli_annotate_calibrates_by_default(samples_dir: Path, flags: list[str],
                                            calibrated: bool,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # the shipped map for tesseract eng applies unless asked not to; raw scores stay
    assert main(["annotate", str(samples_dir / "phototest.tif"), *flags]) == 0
    doc = Document.from_json(capsys.readouterr().out)
    assert (doc.source.calibration is not None) == calibrated
    assert all(w.raw_score is not None for w in doc.words)


@pytest.mark.slow
def test_cli_annotate_pdf_dpi(samples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --dpi reaches the PDF renderer: the page image is sized for it, and it is recorded
    assert main(["annotate", str(samples_dir / "scan.pdf"), "--dpi", "150",
                 "--no-validate"]) == 0
    doc = Document.from_json(capsys.readouterr().out)
    assert [p.dpi for p in doc.pages] == [150.0] * len(doc.pages)
    assert doc.source.options["dpi"] == 150.0
    assert 1200 < doc.pages[0].width < 1300 and doc.words  # A4 at 150 dpi (2481 at 300)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "0.5", "abc"])
@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_dpi_must_be_a_resolution_pages_can_be_read_at(
        value: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--dpi 0 was ignored (300 used), -1 cropped past the page, nan and inf failed as
    faults of the program, 0.5 rendered a page a few pixels across: a usage error."""
    out = ["--out", str(tmp_path / "o.jsonl")] if command == "batch" else []
    with pytest.raises(SystemExit) as exited:
        main([command, str(tmp_path / "x.pdf"), *out, f"--dpi={value}"])
    assert exited.value.code == 2
    assert "argument --dpi" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_max_pixels_sets_the_limit_of_an_image(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """max_pixels had no option: an image over 100 megapixels (a 1200-dpi A4 scan) could
    not be read from the command line, and a smaller limit not set."""
    from PIL import Image

    image = tmp_path / "page.png"
    Image.new("L", (300, 200), 255).save(image)
    out = tmp_path / "o.jsonl"
    extra = ["--out", str(out), "--no-progress"] if command == "batch" else []
    assert main([command, str(image), *extra, "--max-pixels", "5e4", "--no-validate"]) == 1
    said = (out.read_text(encoding="utf-8") if command == "batch"
            else capsys.readouterr().err)
    assert ("the image is 300x200 = 60000 pixels, over the limit of 50000 (raise "
            "--max-pixels to accept it)") in said
    out.unlink(missing_ok=True)
    assert main([command, str(image), *extra, "--max-pixels", "60000", "--no-validate"]) == 0
    for value in ("0", "-5", "1.5", "nan", "inf", "many"):
        with pytest.raises(SystemExit) as exited:
            main([command, str(image), *extra, f"--max-pixels={value}"])
        assert exited.value.code == 2
        assert "argument --max-pixels" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_max_pages_refuses_a_file_of_more_pages_naming_its_count(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 500-page scan was read for over 15 minutes with no way to bound it: --max-pages
    refuses a file of more pages, naming it and its count; batch's error record keeps
    the limit, and --resume with a higher one reads the file."""
    from PIL import Image

    tif = tmp_path / "chart.tif"
    blank = Image.new("L", (60, 40), 255)
    blank.save(tif, save_all=True, append_images=[blank, blank])
    out = tmp_path / "o.jsonl"
    extra = ["--out", str(out)] if command == "batch" else ["--format", "jsonl"]
    base = [command, str(tif), *extra, "--no-validate", "--no-progress"]
    assert main([*base, "--max-pages", "2"]) == 1
    said, err = capsys.readouterr()
    if command == "batch":
        (record,) = [json.loads(line) for line in out.read_text().splitlines()]
        assert record["error"] == "InputTooLargeError"
        assert record["limits"]["max_pages"] == 2
        said = record["message"]
    else:
        said = err
    assert (f"{tif}: the file has 3 pages, over the limit of 2 (raise --max-pages to read "
            "it)") in said
    resumed = ["--resume"] if command == "batch" else []
    assert main([*base, *resumed, "--max-pages", "3"]) == 0
    if command == "batch":
        (record,) = [json.loads(line) for line in out.read_text().splitlines()]
        assert record["status"] == "ok" and len(record["document"]["pages"]) == 3
    for value in ("0", "1.5", "inf", "many"):
        with pytest.raises(SystemExit) as exited:
            main([*base, f"--max-pages={value}"])
        assert exited.value.code == 2
        assert "argument --max-pages" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_a_pdf_page_read_under_the_pixel_limit_names_the_option(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PDF page read at a lower resolution, for --max-pixels, kept a warning saying
    "raise max_pixels", the API's keyword, on stderr and in the documents the command
    line wrote, where its errors name the option. The API's documents keep the keyword."""
    from PIL import Image

    from uncertain.batch import run_batch

    pdf = tmp_path / "letter.pdf"
    Image.new("L", (612, 792), 255).save(pdf, resolution=72.0)  # 8.5 x 11 in
    out = tmp_path / "o.jsonl"
    extra = (["--out", str(out)] if command == "batch" else ["--format", "jsonl"])
    assert main([command, str(pdf), *extra, "--max-pixels", "1e6", "--no-validate",
                 "--no-progress"]) == 0
    said, err = capsys.readouterr()
    if command == "batch":
        said = out.read_text(encoding="utf-8")
    else:
        assert "dpi, as 300 dpi would make" in err
        assert "(raise --max-pixels to read it at 300)" in err
    (line,) = said.splitlines()
    written = json.loads(line)
    doc = Document.model_validate(written["document"] if command == "batch" else written)
    assert [w for w in doc.warnings if "raise --max-pixels to read it at 300" in w], doc
    assert "raise max_pixels" not in said and "raise max_pixels" not in err
    # the library's own words, for the library's callers
    api = run_batch([pdf], out=tmp_path / "api.jsonl", max_pixels=1_000_000, validate=False)
    assert api.done == 1
    assert "(raise max_pixels to read it at 300)" in (tmp_path / "api.jsonl").read_text()


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_a_pdf_of_pages_all_over_the_pixel_limit_is_refused_for_the_limit(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PDF of several pages, each over --max-pixels even at 10 dpi, failed as damaged
    (CorruptInputError "... it is not read"), naming no limit: a batch run resumed with a
    higher --max-pixels skipped it as an input's own failure, where a one-page PDF or an
    image over the limit is done again. It is refused as too large, naming the option."""
    from PIL import Image

    pdf = tmp_path / "letters.pdf"
    page = Image.new("L", (612, 792), 255)  # 8.5 x 11 in: 85 x 110 pixels at 10 dpi
    page.save(pdf, resolution=72.0, save_all=True, append_images=[page.copy()])
    out = tmp_path / "o.jsonl"
    extra = (["--out", str(out)] if command == "batch" else ["--format", "jsonl"])
    assert main([command, str(pdf), *extra, "--max-pixels", "9000", "--no-validate",
                 "--no-progress"]) == 1
    said = (out.read_text(encoding="utf-8") if command == "batch"
            else capsys.readouterr().err)
    assert ("InputTooLargeError" in said and "page 1 of 2 is 8.5 x 11 in, over 9000 pixels "
            "even at 10 dpi: it is not read (raise --max-pixels to read it)" in said), said
    if command == "batch":
        assert main([command, str(pdf), *extra, "--max-pixels", "1e6", "--no-validate",
                     "--no-progress", "--resume"]) == 0
        assert "retried: 1 input" in capsys.readouterr().err
        (record,) = [json.loads(line) for line in out.read_text().splitlines()]
        assert record["status"] == "ok" and len(record["document"]["pages"]) == 2


def test_cli_annotate_reads_a_windows_file_and_names_it_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = tmp_path / "note.txt"
    legacy.write_bytes("Continue métformin 500 mg daily.".encode("cp1252"))
    assert main(["annotate", str(legacy), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert Document.from_json(out).text == "Continue métformin 500 mg daily."
    assert f"warning: {legacy}: not UTF-8 (byte 0xe9 at offset 10); read as cp1252" in err
    assert f"{legacy}: {legacy}" not in err


def test_cli_annotate_encoding_reads_a_transcript_in_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A transcript that is damaged UTF-8 is refused with the offending byte and the
    option to name its encoding; ``--encoding`` reads it so, and a name Python does not
    know, or no text encoding, is a usage error before any file is read."""
    path = tmp_path / "mixed.txt"
    path.write_bytes("Caf\u00e9 and ".encode() + b"caf\xe9 daily.\n")
    assert main(["annotate", str(path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"CorruptInputError: {path}: not valid utf-8: byte 0xe9 at offset 13" in err
    assert "--encoding" in err
    assert main(["annotate", str(path), "--encoding", "latin-1", "--no-progress"]) == 0
    doc = Document.from_json(capsys.readouterr().out)
    assert doc.text == "Caf\u00c3\u00a9 and caf\u00e9 daily."
    assert doc.source.options["encoding"] == "latin-1"
    for name, why in (("nope", "unknown encoding 'nope'"),
                      ("base64", "'base64' is not a text encoding")):
        with pytest.raises(SystemExit) as exited:
            main(["annotate", str(path), "--encoding", name])
        assert exited.value.code == 2 and why in capsys.readouterr().err


def test_cli_annotate_an_unexpected_failure_names_the_file_and_goes_on(
        note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    module = importlib.import_module("uncertain.ingest")  # the package exports the function
    real = module.ingest
    broken = tmp_path / "broken.txt"
    broken.write_text("anything\n")

    def ingest(path: str, **options: object) -> Document:
        if str(path) == str(broken):
            raise OSError("encoder error -2 when writing image file")
        return real(path, **options)

    monkeypatch.setattr(module, "ingest", ingest)
    status = main(["annotate", str(broken), str(note), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert status == 1
    assert f"OSError: {broken}: encoder error -2" in err and "Traceback" not in err
    assert [Document.from_json(line).source.path for line in out.splitlines()] == [str(note)]


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "named"), [([], True), (["--no-rescore"], False)])
def test_cli_annotate_rescores_a_document_with_only_hunches(
        flags: list[str], named: bool, capsys: pytest.CaptureFixture[str]) -> None:
    # "Hold the Lasix until ...", heard "last six": no flag, one hunch, which the pass bears
    # out; without the pass the hunch stays in the JSON and nothing is flagged
    audio = Path(__file__).resolve().parent / "data" / "rescore" / "hold_lasix.flac"
    assert main(["annotate", str(audio), *flags]) == 0
    doc = Document.from_json(capsys.readouterr().out)
    assert doc.validation is not None
    drugs = [f.candidates[0].canonical for f in doc.flags if f.candidates]
    hunches = [h.candidates[0].canonical for h in doc.validation.hunches]
    assert (drugs, hunches) == ((["furosemide"], []) if named else ([], ["furosemide"]))


BAD_DOCUMENTS = [
    ("missing.json", None, "MissingFileError: {path}: no such file"),
    ("empty.json", b"", "EmptyInputError: {path}: file is empty (0 bytes)"),
    ("broken.json", b"{broken", "CorruptInputError: {path}: not JSON (Expecting property"),
    ("other.json", b'{"not": "a document"}',
     "CorruptInputError: {path}: not a saved document (2 problems; source: Field required)"),
    ("none.json", b"[]", "EmptyInputError: {path}: holds no document"),
    ("null.json", b"null",  # (it said "1 problems")
     "CorruptInputError: {path}: not a saved document (1 problem; the top level: Input "),
    ("latin1.json", b'{"text": "caf\xe9"}',
     "CorruptInputError: {path}: not UTF-8 JSON: byte 0xe9 at offset 13"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_DOCUMENTS)
def test_cli_a_saved_document_that_is_not_one_is_an_error_naming_it(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        name: str, content: bytes | None, message: str) -> None:
    """render and reconcile read saved documents: a file that is none gives one line
    naming it and status 1, never a traceback; render goes on with the next file."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    answer = tmp_path / "answer.txt"
    answer.write_text("Continue metformin.\n")
    expected = message.format(path=path)
    assert main(["reconcile", str(path), str(answer)]) == 1
    assert capsys.readouterr().err.startswith(expected)
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    capsys.readouterr()
    assert main(["render", str(path), str(saved), "--no-preamble"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(expected) and "metformin" in out


def test_cli_render_decodes_a_saved_document_once(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A saved document was decoded whole to tell one JSON value from JSON lines, then
    decoded again to be read: a 144 MB document took 17.4 s of CPU to load, 12.4 s
    decoded once. Its JSON lines, and a saved prompt, are read as before."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    text = saved.read_text(encoding="utf-8")
    decoded: list[int] = []
    decode = json.JSONDecoder.raw_decode

    def counted(self: json.JSONDecoder, s: str, idx: int = 0) -> tuple[Any, int]:
        if len(s) >= len(text) // 2:  # (the whole document; not a line of it)
            decoded.append(len(s))
        return decode(self, s, idx)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counted)
    capsys.readouterr()
    assert main(["render", str(saved), "--no-preamble"]) == 0
    assert "metformin" in capsys.readouterr().out
    assert len(decoded) == 1
    two = tmp_path / "two.json"  # (JSON lines under another name)
    two.write_text(json.dumps(json.loads(text)) + "\n" + json.dumps(json.loads(text)) + "\n")
    assert main(["render", str(two), "--no-preamble"]) == 0
    assert capsys.readouterr().out.count("=== ") == 2


def test_cli_render_names_the_line_of_a_batch_file_that_is_no_document(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    doc = json.dumps(json.loads(saved.read_text()))
    records = tmp_path / "results.jsonl"
    records.write_text(doc + "\n{broken\n")
    capsys.readouterr()
    assert main(["render", str(records), "--docs-format", "jsonl"]) == 1
    out, err = capsys.readouterr()
    assert "metformin" in out  # the first line was rendered
    assert err.startswith(f"CorruptInputError: {records}: line 2: not JSON")
    errors = tmp_path / "failed.jsonl"
    errors.write_text(json.dumps({"path": "a.wav", "status": "error", "error": "E"}) + "\n")
    assert main(["render", str(errors), "--docs-format", "jsonl"]) == 1
    assert capsys.readouterr().err.startswith(
        f"EmptyInputError: {errors}: holds no document (only 1 error record of a batch)")


def test_cli_render_refuses_a_document_whose_flags_are_on_other_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A saved document edited by hand (a word removed before a flag, or a flag's range
    moved) was rendered with the flag on other words, its suggestion offered for them:
    '<unsure maybe="lisinopril">10</unsure>'. It is refused, naming the file and the
    flag; reconcile, which renders it again, too."""
    note = tmp_path / "note.txt"
    note.write_text("Patient takes metforrmin 500 mg daily and lisinoprill 10 mg.\n")
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    data = json.loads(saved.read_text())
    flagged = {f["text"]: (f["start"], f["end"]) for f in data["flags"]}
    assert flagged == {"metforrmin": (2, 3), "lisinoprill": (7, 8)}
    del data["segments"][0]["words"][3]  # "500"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    answer = tmp_path / "answer.txt"
    answer.write_text("Patient takes metformin mg daily and lisinopril 10 mg.\n")
    capsys.readouterr()
    for command in (["render", str(edited)], ["reconcile", str(edited), str(answer)]):
        assert main(command) == 1
        out, err = capsys.readouterr()
        assert "lisinopril" not in out
        assert err == (f"CorruptInputError: {edited}: flag 'lisinoprill' is on words 7-8, "
                       "which are '10': its words were changed after it was made (validate "
                       "the document again)\n")
    # a batch file's lines are named; the documents before the edited one are rendered
    records = tmp_path / "results.jsonl"
    records.write_text(json.dumps({"document": json.loads(saved.read_text())}) + "\n"
                       + json.dumps({"document": data}) + "\n")
    assert main(["render", str(records)]) == 1
    out, err = capsys.readouterr()
    assert out.count('maybe="lisinopril"') == 1  # (the first document's)
    assert err.startswith(f"CorruptInputError: {records}: line 2: flag 'lisinoprill'")
    assert main(["render", str(saved)]) == 0


def test_cli_reconcile_answer_file_missing_or_empty(note: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    capsys.readouterr()
    missing = tmp_path / "nope.txt"
    assert main(["reconcile", str(saved), str(missing)]) == 1
    assert capsys.readouterr().err.startswith(f"MissingFileError: {missing}: no such file")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["reconcile", str(saved), str(empty)]) == 0  # the LLM said nothing
    assert json.loads(capsys.readouterr().out)["kept"] == 0.0
    assert main(["reconcile", str(saved), str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(
        f"MissingFileError: {tmp_path}: is a directory, not a file")
    # an answer saved with a byte-order mark, UTF-8 or UTF-16, reads as the same answer
    plain = tmp_path / "plain.txt"
    plain.write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["reconcile", str(saved), str(plain)]) == 0
    expected = json.loads(capsys.readouterr().out)
    for encoding in ("utf-8-sig", "utf-16"):
        marked = tmp_path / f"{encoding}.txt"
        marked.write_text(note.read_text(encoding="utf-8"), encoding=encoding)
        assert main(["reconcile", str(saved), str(marked)]) == 0
        assert json.loads(capsys.readouterr().out) == expected
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 ".encode() + b"caf\xe9")
    assert main(["reconcile", str(saved), str(latin)]) == 1
    assert f"CorruptInputError: {latin}: not valid utf-8: byte 0xe9" in capsys.readouterr().err


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, so that progress bars are drawn into it."""

    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_cli_annotate_draws_a_bar_while_a_recording_or_a_scan_is_read(
        samples_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """On a terminal, annotate shows the seconds transcribed of each recording (the
    sample is 11 s long) and the pages read of a scan, and clears the bar before the
    result; --no-progress, or a stderr that is no terminal, draws nothing."""
    jfk = samples_dir / "jfk.flac"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["annotate", str(jfk), "--format", "prompt", "--no-rescore"]) == 0
    drawn = terminal.getvalue()
    assert "jfk.flac:" in drawn and "/11" in drawn and "s/s]" in drawn
    assert "fellow Americans" in capsys.readouterr().out
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["annotate", str(jfk), "--format", "prompt", "--no-rescore",
                 "--no-progress"]) == 0
    assert terminal.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(["annotate", str(jfk), "--format", "prompt", "--no-rescore"]) == 0
    assert sys.stderr.getvalue() == ""
    # a scan's pages (the sample PDF has two)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["annotate", str(samples_dir / "scan.pdf"), "--format", "prompt"]) == 0
    drawn = terminal.getvalue()
    assert "scan.pdf:" in drawn and "/2" in drawn and "page" in drawn
    # the acoustic pass over the dictation's flagged windows has a bar of its own
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["annotate", str(samples_dir / "dictation.wav"), "--format", "prompt"]) == 0
    drawn = terminal.getvalue()
    assert "dictation.wav: acoustic pass:" in drawn and "window/s]" in drawn


def test_cli_a_calibration_file_is_read_before_any_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken --calibration file went unread, and unnoticed, when the inputs were
    transcripts (text has no confidences to calibrate)."""
    note = tmp_path / "note.txt"
    note.write_text("Take metformin.\n")
    broken = tmp_path / "calib.json"
    broken.write_text("{broken")
    assert main(["annotate", str(note), "--calibration", str(broken), "--no-progress"]) == 1
    assert capsys.readouterr().err.startswith(f"CalibrationError: {broken}: cannot read")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(note), "--calibration", str(broken), "--out", str(out),
                 "--no-progress"]) == 1
    assert "CalibrationError" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("option", [
    ["--threshold", "5"], ["--threshold", "nan"], ["--threshold", "-1"], ["--budget", "-5"],
    ["--max-candidates", "-1"], ["--candidate-gap", "nan"], ["--min-candidate-score", "nan"],
    ["--min-candidate-score", "1.5"],
])
@pytest.mark.parametrize("command", ["annotate", "render"])
def test_cli_render_options_out_of_range_are_usage_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str],
        command: str) -> None:
    """Each was a traceback from annotate ("ValueError: threshold must be in [0, 1]"),
    raised only after the inputs (minutes of audio) had been processed."""
    missing = str(tmp_path / "never-read.wav")  # usage is checked before any input
    with pytest.raises(SystemExit) as info:
        main([command, missing, *option])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option[0]}" in err and "Traceback" not in err


def test_cli_annotate_out_keeps_the_mode_a_file_would_have(note: Path, tmp_path: Path) -> None:
    """--out was written 0600 whatever the umask (mkstemp's mode), and --force made an
    existing 0644 file 0600."""
    import os

    old = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        assert main(["annotate", str(note), "--out", str(new), "--no-progress"]) == 0
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o640)
        assert main(["annotate", str(note), "--out", str(kept), "--force",
                     "--no-progress"]) == 0
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() != "old"
    finally:
        os.umask(old)


def test_cli_annotate_out_that_is_a_folder_is_said_before_any_input(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # it said "exists; pass --force", and with --force failed after all the work, naming
    # a hidden temporary file
    for extra in ([], ["--force"]):
        assert main(["annotate", str(tmp_path / "missing.wav"), "--out", str(tmp_path),
                     *extra]) == 1
        assert capsys.readouterr().err == (
            f"IsADirectoryError: {tmp_path} is a folder; name a file to write\n")


@pytest.mark.slow
def test_cli_sigterm_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM (kill, timeout, a scheduler) ended annotate with a hidden temporary file
    of --out left beside it; Ctrl-C did not. Both clean up now; the status is 143."""
    import signal
    import subprocess
    import time

    dictation = Path(__file__).resolve().parent.parent / "samples" / "dictation.wav"
    out = tmp_path / "out" / "a.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uncertain.cli", "annotate", str(dictation), str(dictation),
         "--out", str(out), "--no-progress"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(out.parent.glob(".a.json.*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the output is being written
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    status = proc.wait(timeout=60)
    assert status == 143, proc.stderr.read().decode() if proc.stderr else ""
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("turned_into", ["corrupt", "unexpected"])
def test_cli_sigterm_a_library_turned_into_its_error_still_ends_the_run(
        note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, turned_into: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """SIGTERM arriving inside a library that turns the exception raised in it into an
    error of its own (a decoder's read failing, said as a corrupt file) failed that
    input, and annotate went on to the next and exited 1; the run ends now, 143, with
    nothing written and the input not said to be at fault."""
    import importlib
    import signal

    from uncertain.errors import CorruptInputError

    stage = importlib.import_module("uncertain.ingest")
    real = stage.ingest
    seen: list[str] = []

    def ingest(path: Any, **options: Any) -> Any:
        seen.append(os.fspath(path))
        if len(seen) == 1:
            try:
                os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or a scheduler sends it
            except BaseException as exc:  # what such a library does with it
                if turned_into == "corrupt":
                    raise CorruptInputError(path, "cannot decode") from exc
                raise RuntimeError("read failed") from exc
        return real(path, **options)

    monkeypatch.setattr(stage, "ingest", ingest)
    other = tmp_path / "other.txt"
    other.write_text("take metformin\n")
    out = tmp_path / "out" / "a.json"
    assert main(["annotate", str(note), str(other), "--out", str(out), "--no-progress"]) == 143
    assert seen == [str(note)]  # the next input was not begun
    assert list(out.parent.iterdir()) == []
    assert str(note) not in capsys.readouterr().err


def test_cli_a_prompt_over_its_budget_fails_that_input_only(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A BudgetError ended annotate at the first input over --budget, without naming it:
    the inputs after it were never annotated, and --out was not written."""
    short = tmp_path / "short.txt"
    short.write_text("take metformin\n")
    out = tmp_path / "prompts.txt"
    assert main(["annotate", str(note), str(short), "--format", "prompt", "--budget", "8",
                 "--no-preamble", "--no-progress", "--out", str(out)]) == 1
    assert out.read_text() == f"=== {short} ===\ntake metformin\n\n"
    err = capsys.readouterr().err
    assert f"BudgetError: {note}: the unmarked prompt needs" in err
    # render: each document of a JSON-lines file on its own
    docs = tmp_path / "docs.jsonl"
    assert main(["annotate", str(note), str(short), "--format", "jsonl", "--out",
                 str(docs), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["render", str(docs), "--docs-format", "jsonl", "--budget", "8",
                 "--no-preamble"]) == 1
    captured = capsys.readouterr()
    assert f"=== {short} ===\ntake metformin\n" in captured.out
    assert f"BudgetError: {note}: the unmarked prompt needs" in captured.err


def test_cli_render_over_its_budget_cuts_suggestions_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--budget left the least doubtful spans unmarked while the others kept every
    suggestion; now suggestions go first, and the prompt's first line says so."""
    from uncertain.document import Candidate, Flag, Segment, Source, Word
    from uncertain.render import parse, render

    said = ["take", "metfromin", "and", "lisnopril", "daily"]
    flags = [Flag(reason="near_lexicon", text=said[i], start=i, end=i + 1, confidence=c,
                  candidates=[Candidate(term=t, canonical=t, score=s)
                              for t, s in zip(terms, (0.9, 0.8, 0.7), strict=True)])
             for i, c, terms in [(1, 0.9, ("metformin", "metoprolol", "methotrexate")),
                                 (3, 0.7, ("lisinopril", "lisdexamfetamine", "linagliptin"))]]
    doc = Document(source=Source(path="a.txt", sha256="0" * 64, modality="text", engine="t"),
                   segments=[Segment(id=0, words=[Word(text=t, confidence=0.99)
                                                  for t in said])], flags=flags)
    path = tmp_path / "doc.json"
    path.write_text(doc.to_json())
    for style in ("inline", "bracket", "json"):
        options = {"style": style, "preamble": False, "candidate_gap": None}
        budget = render(doc, **options).tokens  # type: ignore[arg-type]
        prompt = render(doc, budget=budget, **options)  # type: ignore[arg-type]
        while not prompt.cut or prompt.spans[0].candidates:  # the first with none listed
            budget -= 1
            prompt = render(doc, budget=budget, **options)  # type: ignore[arg-type]
        assert (prompt.marked, prompt.dropped, prompt.cut) == (2, 0, 6)
        assert main(["render", str(path), "--budget", str(budget), "--no-preamble",
                     "--candidate-gap", "-1", "--style", style]) == 0
        out = capsys.readouterr().out
        assert out == f"{prompt}\n"
        assert parse(out.rstrip("\n"), style=style).note == prompt.note
        assert "6 suggestions cut" in out


def test_cli_reconcile_with_the_render_options_counts_what_the_prompt_marked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """reconcile counted every doubtful span, those --budget left unmarked too: given
    the options the prompt was rendered with, it counts the spans the answer was shown."""
    from uncertain.document import Candidate, Flag, Segment, Source, Word
    from uncertain.render import render

    said = ["take", "metfromin", "and", "lisnopril", "daily"]
    flags = [Flag(reason="near_lexicon", text=said[i], start=i, end=i + 1, confidence=c,
                  candidates=[Candidate(term=t, canonical=t, score=0.9)])
             for i, c, t in [(1, 0.9, "metformin"), (3, 0.7, "lisinopril")]]
    doc = Document(source=Source(path="a.txt", sha256="0" * 64, modality="text", engine="t"),
                   segments=[Segment(id=0, words=[Word(text=t, confidence=0.99)
                                                  for t in said])], flags=flags)
    path = tmp_path / "doc.json"
    path.write_text(doc.to_json())
    answer = tmp_path / "answer.txt"
    answer.write_text("take metfromin and lisinopril daily\n")
    budget = render(doc, style="bracket").tokens
    while render(doc, style="bracket", budget=budget).marked > 1:
        budget -= 1
    assert main(["render", str(path), "--budget", str(budget), "--style", "bracket"]) == 0
    out = capsys.readouterr().out
    assert "[metfromin?" in out and "lisnopril?" not in out
    assert main(["reconcile", str(path), str(answer), "--budget", str(budget),
                 "--style", "bracket"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in result["spans"]] == ["metfromin"]
    assert [s["text"] for s in result["unchanged"]] == ["metfromin"]
    assert result["resolved"] == []
    assert [c["new"] for c in result["overcorrections"]] == ["lisinopril"]
    assert main(["reconcile", str(path), str(answer)]) == 0  # as the full prompt marks
    result = json.loads(capsys.readouterr().out)
    assert [c["new"] for c in result["resolved"]] == ["lisinopril"]
    assert main(["reconcile", str(path), str(answer), "--budget", "1"]) == 1
    assert "BudgetError" in capsys.readouterr().err


def test_cli_annotate_writes_no_out_when_every_input_failed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # an empty file, not JSON, that a rerun then needed --force to replace
    out = tmp_path / "out.json"
    assert main(["annotate", str(tmp_path / "missing.wav"), "--out", str(out)]) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_cli_render_and_reconcile_read_a_document_from_stdin(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """'annotate ... | uncertain render -' was "-: no such file", and /dev/stdin "not a
    regular file": a pipeline of the commands could not be written."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved), "--no-progress"]) == 0
    assert main(["render", str(saved), "--no-preamble"]) == 0
    expected = capsys.readouterr().out
    _stdin(monkeypatch, saved.read_bytes())
    assert main(["render", "-", "--no-preamble"]) == 0
    assert capsys.readouterr().out == expected
    _stdin(monkeypatch, b"")
    assert main(["render", "-"]) == 1
    assert "EmptyInputError: <stdin>: standard input holds nothing" in capsys.readouterr().err
    answer = tmp_path / "answer.txt"
    answer.write_text("Continue metformin five hundred milligrams twice a day.\n")
    _stdin(monkeypatch, saved.read_bytes())
    assert main(["reconcile", "-", str(answer)]) == 0
    assert json.loads(capsys.readouterr().out)["resolved"][0]["new"].startswith("metformin")
    assert main(["reconcile", "-", "-"]) == 2


def test_cli_render_and_reconcile_name_standard_input_as_annotate_does(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """render and reconcile named standard input "-" in their errors ("-: not JSON",
    "- holds 2 documents") where annotate and batch name it <stdin>."""
    other = tmp_path / "other.txt"
    other.write_text("one two\n")
    saved = tmp_path / "docs.jsonl"
    assert main(["annotate", str(note), str(other), "--format", "jsonl", "--out", str(saved),
                 "--no-progress", "--no-validate"]) == 0
    answer = tmp_path / "answer.txt"
    answer.write_text("one two\n")
    capsys.readouterr()
    for argv, data, said in [
            (["render", "-"], b"{", "CorruptInputError: <stdin>: not JSON"),
            (["render", "-"], b"\xff", "CorruptInputError: <stdin>: not UTF-8 JSON"),
            (["reconcile", "-", str(answer)], saved.read_bytes(),
             "error: <stdin> holds 2 documents"),
            (["reconcile", "-", str(answer), "--document", "9"], saved.read_bytes(),
             "no such document in <stdin>"),
            (["reconcile", str(saved), str(answer), "--prompt", "-"], b"{}",
             "CorruptInputError: <stdin>: not a saved prompt"),
            (["reconcile", str(saved), "-", "--document", "1"], b"\xff\xfe\x00",
             "CorruptInputError: <stdin>: not valid utf-16")]:
        _stdin(monkeypatch, data)
        main(argv)
        err = capsys.readouterr().err
        assert said in err, (argv, err)
        assert " -: " not in err and not err.startswith("-: "), (argv, err)


@pytest.mark.parametrize(("argv", "what"), [
    (["annotate", "-", "--format", "jsonl", "--no-progress", "--no-validate"],
     "the input"),
    (["reconcile", "DOC", "-"], "the LLM's answer")])
def test_cli_standard_input_at_a_terminal_says_what_it_waits_for(
        argv: list[str], what: str, tmp_path: Path) -> None:
    """'uncertain annotate -' typed without a pipe waited, silently, for the text to be
    typed at the terminal: a line on stderr now says what it reads and that Ctrl-D ends
    it (and nothing is said when standard input is a pipe or a file)."""
    import os
    import subprocess

    pty = pytest.importorskip("pty")
    doc = tmp_path / "doc.json"
    note = tmp_path / "note.txt"
    note.write_text("hello world\n")
    assert main(["annotate", str(note), "-o", str(doc), "--no-progress",
                 "--no-validate"]) == 0
    argv = [str(doc) if a == "DOC" else a for a in argv]
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "uncertain", *argv], stdin=slave,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.close(slave)
        os.write(master, b"hello world\n\x04")  # (Ctrl-D at a line's start: its end)
        out, err = proc.communicate(timeout=300)
    finally:
        os.close(master)
    assert proc.returncode == 0, err
    assert err.count(f"uncertain: reading {what}") == 1
    assert "from the terminal" in err and "Ctrl-D" in err
    assert "hello" in out
    with note.open("rb") as piped:  # (a file: nothing said)
        ran = subprocess.run([sys.executable, "-m", "uncertain", *argv], stdin=piped,
                             capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and "terminal" not in ran.stderr and "hello" in ran.stdout


def test_cli_annotate_reads_standard_input_once_and_a_file_named_dash_as_a_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """'annotate ./- -' read standard input alone (pathlib makes "./-" "-", which annotate
    took for standard input), the file named "-" never read; 'annotate - -' read it once
    with a warning of "1 input named more than once (alike, by two paths, ...)": it says
    standard input was named twice."""
    monkeypatch.chdir(tmp_path)
    Path("-").write_text("written in the file\n")
    argv = ["--format", "jsonl", "--no-progress", "--no-validate"]
    _stdin(monkeypatch, b"piped in\n")
    assert main(["annotate", "./-", "-", *argv]) == 0
    docs = [Document.model_validate_json(x) for x in capsys.readouterr().out.splitlines()]
    assert [d.text for d in docs] == ["written in the file", "piped in"]
    assert [Path(d.source.path).name for d in docs] == ["-", "<stdin>"]
    _stdin(monkeypatch, b"piped in\n")
    assert main(["annotate", "-", "-", *argv]) == 0
    out, err = capsys.readouterr()
    assert [Document.model_validate_json(x).text for x in out.splitlines()] == ["piped in"]
    assert err == "warning: named again: '-' (standard input) named more than once: read once\n"


def test_cli_batch_names_a_file_named_dash_as_given_and_standard_input_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """'batch ./-' recorded the file named "-" as path "-" (pathlib makes "./-" "-"), read
    as standard input's name; 'batch - -' said "1 input named more than once (alike, by two
    paths, or in a folder named too)", of standard input, which can be read once."""
    monkeypatch.chdir(tmp_path)
    Path("-").write_text("written in the file\n")
    argv = ["--out", "o.jsonl", "--no-progress", "--no-validate", "--force"]
    _stdin(monkeypatch, b"piped in\n")
    assert main(["batch", "./-", "-", *argv]) == 0
    records = [json.loads(x) for x in Path("o.jsonl").read_text().splitlines()]
    assert [r["path"] for r in records] == ["./-", "<stdin>"]
    assert [r["document"]["source"]["path"] for r in records] == ["./-", "<stdin>"]
    assert [Document.model_validate(r["document"]).text for r in records] == [
        "written in the file", "piped in"]
    capsys.readouterr()
    _stdin(monkeypatch, b"piped in\n")
    assert main(["batch", "-", "-", "./-", *argv]) == 0
    err = capsys.readouterr().err
    assert "named again: '-' (standard input) named more than once: standard input can " \
           "be read once" in err
    assert "input named more than once (alike" not in err
    assert "(of 2 inputs)" in err
    records = [json.loads(x) for x in Path("o.jsonl").read_text().splitlines()]
    assert [r["path"] for r in records] == ["<stdin>", "./-"]
    Path("-").write_bytes(b"")
    assert main(["batch", "./-", *argv]) == 1
    (record,) = [json.loads(x) for x in Path("o.jsonl").read_text().splitlines()]
    assert record["message"] == "./-: file is empty (0 bytes)"


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_annotate_and_batch_read_standard_input(
        command: str, note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"cat note.txt | uncertain annotate -" (or batch) was "-: no such file ('-' is
    standard input to render and reconcile only: save the input to a file)": standard
    input is read as a file is, by its content, named "<stdin>" in its document, record
    and errors; one that holds nothing fails alone, the other inputs read."""
    out = tmp_path / "o.jsonl"
    extra = ["--out", str(out), "--no-progress"]
    _stdin(monkeypatch, note.read_bytes())
    assert main([command, "-", *extra] if command == "batch"
                else [command, "-", "--format", "jsonl", *extra]) == 0
    (line,) = out.read_text().splitlines()
    doc = json.loads(line)["document"] if command == "batch" else json.loads(line)
    assert doc["source"]["path"] == "<stdin>" and doc["source"]["modality"] == "text"
    assert doc["source"]["sha256"] == hashlib.sha256(note.read_bytes()).hexdigest()
    assert Document.model_validate(doc).text == note.read_text().strip()
    capsys.readouterr()
    _stdin(monkeypatch, b"")
    assert main([command, "-", str(note), *extra, "--force"] if command == "batch"
                else [command, "-", str(note), "--format", "jsonl", *extra, "--force"]) == 1
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    said = lines[0]["message"] if command == "batch" else capsys.readouterr().err
    assert "<stdin>: standard input holds nothing" in said
    assert [x.get("path", x.get("source", {}).get("path")) for x in lines][-1] == str(note)


@pytest.mark.slow
def test_cli_annotate_reads_a_recording_from_standard_input(
        samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A WAV piped in is transcribed and rescored (the acoustic pass reads its audio
    again, from a temporary file kept until the pass is done), named "<stdin>"."""
    _stdin(monkeypatch, (samples_dir / "dictation.wav").read_bytes())
    out = tmp_path / "doc.json"
    assert main(["annotate", "-", "--out", str(out), "--no-progress"]) == 0
    doc = Document.from_json(out.read_text())
    assert doc.source.path == "<stdin>" and doc.source.modality == "audio"
    assert "milligrams" in doc.text
    # (the dictation's drug names are flagged, and the pass weighed them on its audio)
    assert doc.validation is not None and doc.validation.acoustic is not None
    assert doc.validation.acoustic.weighed > 0


def test_cli_reconcile_answer_from_a_device_or_in_another_encoding(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """/dev/null was "no such file" (an empty answer is one); a Latin-1 answer was told
    to use --encoding, which reconcile did not have; from stdin, it was read with its
    bad bytes replaced, in silence."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["reconcile", str(saved), "/dev/null"]) == 0
    assert json.loads(capsys.readouterr().out)["kept"] == 0.0
    latin = "Continue metformin five hundred milligrams twice a day, caf\xe9.\n".encode("latin-1")
    _stdin(monkeypatch, latin)  # read as a transcript is: as cp1252, with a warning
    assert main(["reconcile", str(saved), "-"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("warning: <stdin>: not UTF-8 (byte 0xe9 at offset 59); read as cp1252")
    assert json.loads(out)["text"].endswith("caf\xe9.\n")
    _stdin(monkeypatch, latin)
    assert main(["reconcile", str(saved), "-", "--encoding", "latin-1"]) == 0
    assert json.loads(capsys.readouterr().out)["resolved"][0]["new"].startswith("metformin")


def test_cli_lexicon_lookup_without_a_lexicon_looks_in_the_shipped_ones(
        capsys: pytest.CaptureFixture[str]) -> None:
    # it listed the lexicons' names and ignored --lookup
    assert main(["lexicon", "--lookup", "metformin", "--lookup", "metforman"]) == 1
    out = capsys.readouterr().out
    assert "metformin: metformin -> metformin (generic" in out
    assert "metforman: not in clinical, drugs; nearest by spelling and sound: metformin" in out


@pytest.mark.parametrize("argv", [["batch", "x.txt", "--out", ""],
                                  ["annotate", "x.txt", "--out", ""],
                                  ["annotate", "x.txt", "--model", ""],
                                  ["calibrate", "--refs", "r.jsonl", "--out", " "]])
def test_cli_an_empty_name_is_a_usage_error(argv: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # batch --out "" said ". exists; pass --resume"; --model "" used tiny.en in silence
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2 and "empty: name one" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["batch", "x.txt", "--out", "-"],
                                  ["calibrate", "--refs", "r.jsonl", "--out", "-"],
                                  ["eval", "x.txt", "--refs", "r.jsonl", "--json", "-"],
                                  ["eval", "x.txt", "--refs", "r.jsonl", "--plot", "-"]])
def test_cli_standard_output_is_no_file_for_a_runs_records(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``batch -o -`` wrote its records to a file named "-"."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "'-' is standard output; this is written to a file" in capsys.readouterr().err
    assert not (tmp_path / "-").exists()


def test_cli_annotate_out_dash_is_standard_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``annotate -o -`` wrote a file named "-", and a second run refused it as existing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.txt").write_text("Continue metformin 500 mg daily.\n")
    for _ in range(2):
        assert main(["annotate", "note.txt", "-o", "-", "--format", "jsonl"]) == 0
        doc = Document.from_json(capsys.readouterr().out)
        assert doc.text == "Continue metformin 500 mg daily."
    assert not (tmp_path / "-").exists()


def test_cli_annotate_without_inputs_warns_once(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """An empty folder (one named "calls.wav" too) was "warning: no input files", naming
    none of the folders given; batch names them."""
    (tmp_path / "calls.wav").mkdir()
    assert main(["annotate", str(tmp_path)]) == 3
    assert capsys.readouterr().err == f"warning: no input files in {tmp_path}\n"
    assert main(["annotate", str(tmp_path / "calls.wav"), str(tmp_path)]) == 3
    assert capsys.readouterr().err == (
        f"warning: no input files in {tmp_path / 'calls.wav'}, {tmp_path}\n")


def test_cli_a_file_name_with_a_newline_is_one_line_in_messages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A name holding a newline split its error line, and its prompt's header, in two."""
    from uncertain.errors import CorruptInputError, shown

    bad = tmp_path / "two\nlines.wav"
    bad.write_text("take two aspirin\n")
    good = tmp_path / "one\nnote.txt"
    good.write_text("Take metformin daily.\n")
    assert main(["annotate", str(bad), str(good), "--format", "prompt", "--no-preamble",
                 "--no-progress"]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"UnsupportedFormatError: {tmp_path}/two\\nlines.wav: ")
    assert captured.out.startswith(f"=== {tmp_path}/one\\nnote.txt ===\n")
    assert shown("a\udcffb.wav") == "a\\udcffb.wav" and shown("café.wav") == "café.wav"
    assert CorruptInputError("x\ty", "bad").path == "x\ty"  # the path itself is kept


def test_cli_annotate_stops_when_the_model_cannot_load(
    note: Path, tmp_path: Path, samples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a mistyped --model fails every recording the same way: said once, the run stops,
    # what was done before it kept
    wav = tmp_path / "a.wav"
    wav.write_bytes((samples_dir / "dictation.wav").read_bytes())
    second = tmp_path / "b.wav"
    second.write_bytes(wav.read_bytes())
    last = tmp_path / "last.txt"
    last.write_text(NOTE)
    status = main(["annotate", str(note), str(wav), str(second), str(last), "--format", "jsonl",
                   "--model", "nosuchmodel"])
    out, err = capsys.readouterr()
    assert status == 1
    assert err.count("ModelNotFoundError") == 1
    assert f"2 inputs after {wav} not run" in err
    assert [Document.from_json(line).source.path for line in out.splitlines()] == [str(note)]


def test_cli_annotate_with_no_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # `uncertain annotate` alone said "warning: no input files" and exited 0
    with pytest.raises(SystemExit) as info:
        main(["annotate", "--format", "prompt"])
    assert info.value.code == 2 and "PATH" in capsys.readouterr().err


def test_cli_paths_after_an_option_are_paths_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # `annotate a.txt --no-validate b.txt` said "unrecognized arguments: b.txt": argparse
    # ends a list of paths at the first option
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTE, encoding="utf-8")
    b.write_text("Stop aspirin.\n", encoding="utf-8")
    assert main(["annotate", str(a), "--format", "jsonl", "--no-validate", str(b)]) == 0
    out = capsys.readouterr().out
    assert [Document.from_json(line).source.path for line in out.splitlines()] == [
        str(a), str(b)]
    doc = tmp_path / "a.json"
    assert main(["annotate", str(a), "-o", str(doc)]) == 0
    assert main(["render", str(doc), "--style", "bracket", str(doc)]) == 0
    assert capsys.readouterr().out.count("Continue") == 2
    # after "--" every argument is a path, a name that begins with a dash too ("--" after
    # the list of paths was refused: "unrecognized arguments: -- -c.txt")
    monkeypatch.chdir(tmp_path)
    Path("-c.txt").write_text("Stop warfarin.\n", encoding="utf-8")
    for paths in ([str(a)], [str(a), str(b)]):
        argv = ["annotate", str(a), "--format", "jsonl", *paths[1:], "--", "-c.txt", "--format"]
        assert main(argv) == 1  # (there is no file "--format")
        out, err = capsys.readouterr()
        assert [Document.from_json(line).source.path for line in out.splitlines()] == [
            *paths, "-c.txt"]
        assert err == "MissingFileError: --format: no such file\n"
    assert main(["batch", str(a), "-o", "o.jsonl", "--no-progress", "--", "-c.txt"]) == 0
    assert "2 done, 0 failed" in capsys.readouterr().err
    # an option it does not know is still refused, and so is a second path where one is
    # taken, and an option ahead of "--"
    for argv in (["annotate", str(a), "--no-such-option", str(b)],
                 ["annotate", str(a), "--no-validate", str(b), "--no-such", "--", "-c.txt"],
                 ["lexicon", str(a), "--check", str(b)],
                 ["lexicon", str(a), "--check", "--", str(b)]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "said"), [
    (["render", "--format", "json", "doc.json"],
     "uncertain render: error: unrecognized arguments: --format; --format is an option of "
     "annotate"),
    (["annotate", "a.txt", "--resume"],
     "uncertain annotate: error: unrecognized arguments: --resume; --resume is an option "
     "of batch"),
    (["lexicon", "--max-pages=3"],
     "uncertain lexicon: error: unrecognized arguments: --max-pages=3; --max-pages is an "
     "option of annotate, batch, eval and calibrate"),
    (["schema", "--no-such"], "uncertain schema: error: unrecognized arguments: --no-such\n"),
])
def test_cli_an_option_a_command_lacks_is_refused_by_that_command(
        argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`render --format json` said "uncertain: error: unrecognized arguments: --format"
    under the list of commands: the command refuses it, with its usage, and says which
    commands have the option."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and said in err
    assert f"usage: uncertain {argv[0]}" in err


def test_cli_reconcile_reads_a_windows_answer_as_annotate_reads_a_transcript(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An answer saved as cp1252 (a Windows editor's "–" is byte 0x96) was refused with
    CorruptInputError, though annotate reads such a transcript with a warning."""
    saved = tmp_path / "doc.json"
    assert main(["annotate", str(note), "--out", str(saved)]) == 0
    capsys.readouterr()
    answer = tmp_path / "answer.txt"
    answer.write_bytes("Continue metformin \u2013 five hundred milligrams twice a day.\n"
                       .encode("cp1252"))
    assert main(["reconcile", str(saved), str(answer)]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {answer}: not UTF-8 (byte 0x96 at offset 19); read as cp1252" in err
    assert "\u2013" in json.loads(out)["text"]


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_max_audio_seconds_limits_a_recording(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audio length limit could be set only in the environment: --max-audio-seconds
    sets it, and a longer recording fails naming its file (in batch, an error record)."""
    import wave

    audio = tmp_path / "long.wav"
    with wave.open(str(audio), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(16000)
        fh.writeframes(b"\x00\x00" * 16000 * 3)
    # named as the option that raises it ("max_seconds" is the API's keyword)
    _check_limit(command, audio, "--max-audio-seconds", "2",
                 "long.wav: the audio is 3 s long, over the limit of 2 s "
                 "(--max-audio-seconds, or $UNCERTAIN_MAX_AUDIO_SECONDS, raises it)",
                 ("0", "-1", "nan", "soon"), tmp_path, capsys)
    from uncertain.audio import decode
    from uncertain.errors import InputTooLargeError

    with pytest.raises(InputTooLargeError, match=r"2 s \(max_seconds, or \$UNCERTAIN"):
        decode(audio, max_seconds=2)


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_a_transcript_over_the_limit_says_what_the_user_can_do(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A transcript over the text limit failed saying "(max_bytes= raises it)", a keyword
    of the Python API: the command line has no option for it, and says to split it."""
    from uncertain.text import MAX_TEXT_BYTES, read_text

    big = tmp_path / "big.txt"
    line = b"Take metformin twice daily.\n"
    big.write_bytes((line * (MAX_TEXT_BYTES // len(line) + 1))[:MAX_TEXT_BYTES + 1])
    out = tmp_path / "o.jsonl"
    extra = ["--out", str(out), "--no-progress"] if command == "batch" else []
    assert main([command, str(big), *extra, "--no-validate"]) == 1
    told = (out.read_text(encoding="utf-8") if command == "batch"
            else capsys.readouterr().err)
    assert (f"big.txt: {MAX_TEXT_BYTES + 1} bytes of text, over the limit of "
            f"{MAX_TEXT_BYTES} for a transcript (split it into smaller files to read it)"
            ) in told
    assert "max_bytes" not in told
    # the library's callers have the keyword
    from uncertain.errors import InputTooLargeError

    with pytest.raises(InputTooLargeError, match=r"\(max_bytes= raises it\)"):
        read_text(big)


def _check_limit(command: str, path: Path, option: str, value: str, said: str,
                 refused: tuple[str, ...], tmp_path: Path,
                 capsys: pytest.CaptureFixture[str]) -> None:
    """``command`` with ``option value`` fails on ``path``, saying ``said`` (in batch, in
    an error record), and each of the ``refused`` values is a usage error."""
    out = tmp_path / "o.jsonl"
    extra = ["--out", str(out), "--no-progress"] if command == "batch" else []
    assert main([command, str(path), *extra, option, value, "--no-validate"]) == 1
    told = (out.read_text(encoding="utf-8") if command == "batch"
            else capsys.readouterr().err)
    assert said in told
    if command == "batch":
        record = json.loads(told.splitlines()[0])
        assert record["status"] == "error" and record["error"] == "InputTooLargeError"
    for bad in refused:
        with pytest.raises(SystemExit) as exited:
            main([command, str(path), *extra, f"{option}={bad}"])
        assert exited.value.code == 2
        assert f"argument {option}" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_ocr_timeout_limits_each_tesseract_run(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tesseract run had no limit from the command line (a noisy page took 19
    minutes): --ocr-timeout sets one, and a page that takes longer fails naming its file
    (in batch, an error record)."""
    from PIL import Image, ImageDraw

    image = tmp_path / "page.png"
    page = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(page).text((20, 80), "Metformin 500 mg twice daily", fill=0)
    page.save(image)
    _check_limit(command, image, "--ocr-timeout", "0.001",
                 "page.png: tesseract did not finish within the 0.001 s timeout",
                 ("-1", "nan", "inf", "soon"), tmp_path, capsys)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["annotate", "NOTE", "--no-validate"],
                                  ["annotate", "NOTE", "--no-validate", "--format", "jsonl"]])
def test_cli_full_standard_output_is_named(args: list[str], tmp_path: Path) -> None:
    """`uncertain annotate x.txt > /dev/full` said "OSError: [Errno 28] No space left on
    device", naming nothing: a script's log did not say which write failed."""
    import subprocess

    note = tmp_path / "note.txt"
    note.write_text("Take metformin 500 mg.\n")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "uncertain.cli",
             *[str(note) if a == "NOTE" else a for a in args]],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == ("OSError: cannot write to standard output: "
                           "No space left on device\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_cli_out_that_cannot_be_written_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out /dev/full (a device, written straight) failed naming no file."""
    note = tmp_path / "note.txt"
    note.write_text("Take metformin 500 mg.\n")
    assert main(["annotate", str(note), "--no-validate", "--out", "/dev/full"]) == 1
    assert capsys.readouterr().err == (
        "OSError: [Errno 28] No space left on device: '/dev/full'\n")
    # --prompt-json too, the file named once
    assert main(["annotate", str(note), "--no-validate", "--out", str(tmp_path / "d.json"),
                 "--prompt-json", "/dev/full"]) == 1
    assert capsys.readouterr().err == (
        "OSError: [Errno 28] No space left on device: '/dev/full'\n")
    assert not (tmp_path / "d.json").exists()


def test_cli_annotate_reads_a_member_named_by_its_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`uncertain annotate 'calls.zip::a.txt'` refused the member ("names a member of an
    archive, which annotate does not open"), while eval and calibrate read it: it is read
    as batch reads it, the second of a name by its #2, and keyed as batch keys it; a
    member the archive does not hold is said so."""
    import zipfile

    arc = tmp_path / "calls.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(arc, "w") as zf:
        zf.writestr("a.txt", "Take metformin.")
        zf.writestr("a.txt", "Stop aspirin.")
        zf.writestr("b.txt", "Continue m\xe9tformin.".encode("cp1252"))
    out = tmp_path / "docs.jsonl"
    assert main(["annotate", f"{arc}::a.txt", f"{arc}::a.txt#2", "--no-validate",
                 "--format", "jsonl", "--out", str(out)]) == 0, capsys.readouterr().err
    docs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(d["source"]["path"], Document.from_json(json.dumps(d)).text) for d in docs] == [
        (f"{arc}::a.txt", "Take metformin."), (f"{arc}::a.txt#2", "Stop aspirin.")]
    assert docs[1]["source"]["sha256"] == hashlib.sha256(b"Stop aspirin.").hexdigest()
    capsys.readouterr()
    # a warning of the member's says its key, not the temporary file it was read from
    assert main(["annotate", f"{arc}::b.txt", "--no-validate"]) == 0
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert warning.startswith(f"{arc}::b.txt: not UTF-8 (byte 0xe9 at offset 10)")
    assert main(["annotate", f"{arc}::c.txt", "--no-validate"]) == 1
    assert capsys.readouterr().err.startswith(
        f"MissingFileError: {arc}::c.txt: no such member of {arc}")


def test_cli_annotate_says_a_member_by_the_key_its_record_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tar's second member extracting to d/a.txt ("d//a.txt") is keyed 'arc.tar::d//a.txt#2';
    annotate headed its prompt with the key read as a path, 'arc.tar::d/a.txt#2', which
    names no record."""
    import tarfile

    arc = tmp_path / "arc.tar"
    with tarfile.open(arc, "w") as tar:
        for name, data in (("d/a.txt", b"Take aspirin."), ("d//a.txt", b"Take warfarin.")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert main(["annotate", f"{arc}::d//a.txt#2", f"{arc}::d//b.txt#2", "--no-validate",
                 "--format", "prompt"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"=== {arc}::d//a.txt#2 ===\n")
    assert "Take warfarin." in captured.out
    assert captured.err.startswith(f"MissingFileError: {arc}::d/b.txt#2: no such member")
    assert captured.err.count("b.txt#2") == 1


@pytest.mark.parametrize("command", [
    ["lexicon", "LEX", "--check"],
    ["lexicon", "LEX", "--lookup", "zorbafen", "--check"],
    ["lexicon", "LEX", "--lookup", "zorbafen"],
    ["annotate", "NOTE", "--lexicon", "hosp=LEX", "--no-rescore"],
    ["batch", "NOTE", "--lexicon", "LEX", "--out", "OUT", "--force", "--no-progress"]])
def test_cli_a_lexicon_named_gz_that_is_not_gzip_is_said(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """A formulary.tsv.gz that was plain text was read as text without a word, by
    `lexicon --check` and by --lexicon; one that is gzip-compressed is read as it was.
    The loader says it (one of the lexicon's warnings, in the check report too), once:
    the command line said it before the loader did."""
    import gzip

    text = b"term\tcanonical\tkind\nzorbafen\tzorbafen\tdrug\n"
    plain, packed = tmp_path / "formulary.tsv.gz", tmp_path / "packed.tsv.gz"
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text))
    note = tmp_path / "note.txt"
    note.write_text("Take zorbafen daily.\n")
    said = "named .gz but not gzip-compressed: read as plain text"
    for lexicon, warned in ((plain, True), (packed, False)):
        swap = {"LEX": str(lexicon), "hosp=LEX": f"hosp={lexicon}", "NOTE": str(note),
                "OUT": str(tmp_path / "out.jsonl")}
        caplog.clear()
        with caplog.at_level("WARNING", logger="uncertain"):
            assert main([swap.get(a, a) for a in command]) == 0
        captured = capsys.readouterr()
        logged = [r.getMessage() for r in caplog.records]
        assert (captured.out + captured.err + "\n".join(logged)).count(said) == warned
        if warned:
            assert (f"  warning: {said}\n" in captured.out if "--check" in command
                    else f"{plain}: {said}" in logged)


def test_cli_annotate_saves_the_prompt_as_render_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """annotate --format prompt printed the prompt but could not save it as JSON for
    reconcile --prompt (render --prompt-json could, from a saved document only)."""
    note = tmp_path / "note.txt"
    note.write_text("Patient takes zorbafen daily.\n")
    doc, sent = tmp_path / "doc.json", tmp_path / "sent.json"
    assert main(["annotate", str(note), "--no-rescore", "--out", str(doc),
                 "--prompt-json", str(sent), "--budget", "200"]) == 0
    assert "warning" not in capsys.readouterr().err  # (--budget is --prompt-json's)
    again = tmp_path / "again.json"
    assert main(["render", str(doc), "--budget", "200", "--prompt-json", str(again)]) == 0
    assert sent.read_text() == again.read_text()
    answer = tmp_path / "answer.txt"
    answer.write_text("Patient takes sorafenib daily.\n")
    capsys.readouterr()
    assert main(["reconcile", str(doc), str(answer), "--prompt", str(sent)]) == 0
    assert "sorafenib" in capsys.readouterr().out
    # '-': the JSON on standard output in place of the text, with --format prompt only
    assert main(["annotate", str(note), "--no-rescore", "--format", "prompt",
                 "--prompt-json", "-", "--budget", "200"]) == 0
    assert capsys.readouterr().out == sent.read_text()
    # with --out, the text goes there, and the JSON to standard output
    text = tmp_path / "prompt.txt"
    assert main(["annotate", str(note), "--no-rescore", "--format", "prompt", "--out",
                 str(text), "--prompt-json", "-", "--budget", "200"]) == 0
    assert capsys.readouterr().out == sent.read_text()
    assert text.read_text().startswith(f"=== {note} ===\n")
    assert main(["annotate", str(note), "--no-rescore", "--prompt-json", "-"]) == 2
    assert "--prompt-json - writes the prompts on standard output" in (
        capsys.readouterr().err)
    assert main(["annotate", str(note), "--no-rescore", "--prompt-json", str(note),
                 "--force"]) == 1
    assert note.read_text() == "Patient takes zorbafen daily.\n"


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_lexicon_with_no_validate_is_said_unused(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lexicon with --no-validate was taken without a word, the file never read (not
    even found missing): a user believed the formulary was used."""
    note = tmp_path / "note.txt"
    note.write_text("Take metformin.\n")
    out = ["--out", str(tmp_path / "o.jsonl")] if command == "batch" else []
    assert main([command, str(note), "--no-validate", "--lexicon", "missing.tsv",
                 "--no-progress", *out]) == 0
    assert ("warning: --lexicon adds lexicons to the validator; with --no-validate none "
            "runs, and no lexicon is read\n") in capsys.readouterr().err


@pytest.mark.parametrize(("archives", "said"), [
    (["a.zip"], "; the archive is not: uncertain batch reads its members\n"),
    (["a.zip", "b.tar.gz"], "; the 2 archives are not: uncertain batch reads their members\n")])
def test_cli_annotate_folder_says_its_archives_are_for_batch(
        archives: list[str], said: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """annotate of a folder left its archives out telling the user to "name such a file
    itself to read it anyway", which annotate refuses for an archive."""
    (tmp_path / "note.txt").write_text("Take metformin.\n")
    for name in archives:
        (tmp_path / name).write_bytes(b"PK")
    assert main(["annotate", str(tmp_path), "--no-validate", "--out",
                 str(tmp_path / "o.json")]) == 0
    err = capsys.readouterr().err
    assert "name such a file itself to read it anyway" + said in err


@pytest.mark.parametrize(("command", "said"), [
    ("lexicon", "also exit 1 when the file has no entries"),
    ("batch", "prompt reconcile --prompt reads back")])
def test_cli_help_says_what_the_option_does(
        command: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`lexicon --check` said "exit 1 when the file has problems": a malformed line exits
    1 without it, and a warning never does; `batch --prompts` did not say that its
    records keep the prompt as reconcile --prompt reads it."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert said in " ".join(capsys.readouterr().out.split())


def test_cli_every_option_and_argument_has_help() -> None:
    """`batch --help` listed --device and --engine with no word of what they do, and
    `lexicon --help` its NAME|FILE."""
    import argparse

    from uncertain.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    bare = [f"{name} {action.option_strings[-1] if action.option_strings else action.dest}"
            for name, command in sub.choices.items() for action in command._actions
            if not action.help and not isinstance(action, argparse._HelpAction)]
    assert bare == []


def test_cli_every_option_shows_a_short_placeholder_the_same_everywhere(
        capsys: pytest.CaptureFixture[str]) -> None:
    """--help showed argparse's placeholders made of the option's name
    ("--max-candidates MAX_CANDIDATES", "--cpu-threads CPU_THREADS"), and one option under
    other names in other commands (annotate's --out OUT, calibrate's --out CALIB.json).
    Each option taking a value shows its choices or a short placeholder (N, P, FILE,
    NAME|DIR, ...), the same in every command."""
    import argparse
    import re

    from uncertain.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    shown: dict[str, set[str]] = {}
    for name, command in sub.choices.items():
        for action in command._actions:
            if not action.option_strings or action.nargs == 0 \
                    or action.help == argparse.SUPPRESS:
                continue
            option = action.option_strings[-1]
            if action.choices is not None:
                assert action.metavar is None, (name, option)  # ({a,b,c}: the choices)
                continue
            metavar = action.metavar
            assert isinstance(metavar, str), f"{name} {option}: no placeholder"
            # words of capitals (FILE, NAME=FILE) or the values themselves (auto|none)
            for part in metavar.split("|"):
                assert re.fullmatch(r"[A-Z]{1,8}(=[A-Z]{1,8})?|[a-z]+", part), (
                    name, option, metavar)
            shown.setdefault(option, set()).add(metavar)
        with pytest.raises(SystemExit):
            main([name, "--help"])
        text = capsys.readouterr().out
        assert not re.search(r"--[a-z-]+ [A-Z]+_[A-Z_]+", text), (name, text)
    assert {option: said for option, said in shown.items() if len(said) > 1} == {}


@pytest.mark.parametrize("command", ["annotate", "batch"])
def test_cli_help_of_calibration_names_every_value(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    # the metavar says auto|none|default|FILE; the text said what auto and none do only
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default: the shipped one, which must exist" in text
    assert "a file calibrate wrote" in text


def test_cli_lexicon_lookup_of_an_entry_without_ids_ends_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry of no ids was printed with a space at the end of its line."""
    own = tmp_path / "own.tsv"
    own.write_text("Zapain\tcodeine / paracetamol\tbrand\t0.4\n")
    assert main(["lexicon", str(own), "--lookup", "Zapain"]) == 0
    assert capsys.readouterr().out == (
        "Zapain: Zapain -> codeine / paracetamol (brand, prior 0.40)\n")
    assert main(["lexicon", "drugs", "--lookup", "metformin"]) == 0
    assert re.search(r"\(generic, prior 0\.\d\d\) \w+:\w+, \w+:", capsys.readouterr().out)


def test_cli_lexicon_list_with_a_lookup_does_both(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`lexicon --list --lookup metformin` listed the lexicons and looked nothing up."""
    assert main(["lexicon", "--list", "--lookup", "metformin"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["clinical", "drugs"]
    assert lines[2].startswith("metformin: metformin -> metformin (")


def test_cli_annotate_refuses_an_existing_out_before_indexing_the_lexicons(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An --out that exists was refused only after the validator had indexed the
    lexicons, seconds spent on a run that could not write."""
    import importlib

    def indexed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lexicons were indexed")

    monkeypatch.setattr(importlib.import_module("uncertain.validate"), "Validator", indexed)
    note = tmp_path / "note.txt"
    note.write_text("Take metformin.\n")
    out = tmp_path / "doc.json"
    out.write_text("{}")
    assert main(["annotate", str(note), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"FileExistsError: {out} exists; pass --force to overwrite it\n")


def test_cli_lexicon_check_with_no_file_checks_the_shipped_lexicons(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`uncertain lexicon --lookup X --check` (and `--check` alone) named no file: the
    lookup ran in the shipped lexicons (the names were listed) and --check was left
    undone, unsaid. It checks the shipped lexicons now, their reports before the answer."""
    from uncertain.lexicon import shipped_lexicons

    names = shipped_lexicons()
    assert main(["lexicon", "--lookup", "Glucophage", "--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out if line.startswith("lexicon ")] == [
        f"lexicon {name}" for name in names]
    assert sum(line == "  status: ok" for line in out) == len(names)
    assert out[-1].startswith("Glucophage: Glucophage -> metformin")
    assert main(["lexicon", "--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(line == "  status: ok" for line in out) == len(names)
    assert not set(names) & set(out)  # (reports, not the list of names)


@pytest.mark.parametrize("command", ["annotate", "eval", "calibrate"])
def test_cli_help_says_a_path_may_be_an_archive_member_by_its_key(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each reads 'calls.zip::a.wav' as batch records key a member; their --help said
    "files or directories" ("files or folders to run")."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "('calls.zip::a.wav')" in " ".join(capsys.readouterr().out.split())


def test_cli_runs_as_python_dash_m_uncertain(tmp_path: Path) -> None:
    """`python -m uncertain` said "No module named uncertain.__main__; 'uncertain' is a
    package and cannot be directly executed": the command line runs so too, where the
    `uncertain` script is not on the PATH."""
    import subprocess
    import sys

    from uncertain import __version__

    note = tmp_path / "a note.txt"
    note.write_text("Take metformin daily.\n")
    ran = subprocess.run([sys.executable, "-m", "uncertain", "--version"],
                         capture_output=True, text=True, timeout=120)
    assert (ran.returncode, ran.stdout.strip()) == (0, f"uncertain {__version__}")
    ran = subprocess.run([sys.executable, "-m", "uncertain", "annotate", str(note),
                          "--no-validate", "--format", "jsonl"],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and '"metformin"' in ran.stdout
    ran = subprocess.run([sys.executable, "-m", "uncertain", "lexicon", "--lookup", "qqqqq"],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 1  # (the status main returns is the process's)


def test_cli_eval_and_calibrate_read_refs_or_docs_from_stdin_and_refuse_a_piped_path(
        note: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """'eval -' ran standard input and said only "no input matched a reference" (it has
    no name to match one by), and 'calibrate -' failed alike; '--docs -' and '--refs -'
    were "-: cannot read ...: No such file", where annotate, batch, render and reconcile
    read "-". Saved documents and references are read from standard input now (their
    lines name the inputs), and a PATH "-" is refused at once, saying why."""
    monkeypatch.chdir(tmp_path)
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"path": note.name, "text": NOTE}) + "\n")
    assert main(["annotate", str(note), "--format", "jsonl", "--no-progress"]) == 0
    saved = capsys.readouterr().out.encode()
    for command, extra in (("eval", []), ("calibrate", ["-o", "c.json"])):
        _stdin(monkeypatch, NOTE.encode())
        assert main([command, "-", "--refs", str(refs), *extra]) == 2
        err = capsys.readouterr().err
        assert f"uncertain {command}: error: '-' (standard input) as a PATH" in err
        assert "--docs -" in err
    _stdin(monkeypatch, saved)
    assert main(["eval", "--refs", str(refs), "--docs", "-", "--intervals", "0"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"^documents +1\b", table, re.M)
    assert re.search(r"^WER +0\.0+\b", table, re.M)
    (tmp_path / "saved.jsonl").write_bytes(saved)
    _stdin(monkeypatch, refs.read_bytes())
    assert main(["eval", "--refs", "-", "--docs", "saved.jsonl", "--intervals", "0"]) == 0
    assert re.search(r"^documents +1\b", capsys.readouterr().out, re.M)
    assert main(["eval", "--refs", "-", "--docs", "-"]) == 2
    assert "standard input can be read once" in capsys.readouterr().err
    _stdin(monkeypatch, b"{not json\n")
    assert main(["eval", "--refs", str(refs), "--docs", "-"]) == 1
    assert "CorruptInputError: <stdin>: not JSON" in capsys.readouterr().err
    _stdin(monkeypatch, b"")
    assert main(["eval", "--refs", "-", "--docs", "saved.jsonl"]) == 1
    assert "EmptyInputError: <stdin>: standard input holds nothing" in (
        capsys.readouterr().err)


@pytest.mark.parametrize("command", ["eval", "calibrate"])
@pytest.mark.parametrize("option", ["--refs", "--docs"])
def test_cli_eval_and_calibrate_refuse_an_empty_refs_or_docs_file_by_name(
        command: str, option: str, note: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A zero-byte --refs was "no input matched a reference of refs.jsonl (0
    references ...)", and a zero-byte --docs was scored as no document at all: each is
    an EmptyInputError naming the file now, as an empty input is to the other commands."""
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"path": note.name, "text": NOTE}) + "\n")
    docs = tmp_path / "docs.jsonl"
    assert main(["annotate", str(note), "--format", "jsonl", "-o", str(docs),
                 "--no-progress"]) == 0
    empty = tmp_path / "empty file.jsonl"
    empty.write_bytes(b"")
    argv = [command, "--refs", str(refs), "--docs", str(docs),
            *(["-o", str(tmp_path / "c.json")] if command == "calibrate" else
              ["--intervals", "0"])]
    argv[argv.index(option) + 1] = str(empty)
    capsys.readouterr()
    assert main(argv) == 1
    assert f"EmptyInputError: {empty}: file is empty (0 bytes)" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_cli_eval_and_calibrate_take_the_stages_limits_their_errors_name(
        command: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An image over the pixel limit run by eval or calibrate failed saying "raise
    max_pixels", a keyword of the library's that neither command has an option for:
    they take --max-pixels, --max-pages and --max-audio-seconds, as annotate and batch
    do, and the failure names the option."""
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("L", (40, 30), 255).save(image)
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"path": image.name, "text": NOTE}) + "\n")
    out = ["-o", str(tmp_path / "c.json")] if command == "calibrate" else ["--intervals", "0"]
    with caplog.at_level("WARNING", logger="uncertain"):
        status = main([command, "--refs", str(refs), str(image), "--max-pixels", "1000",
                       "--max-pages", "1", "--max-audio-seconds", "60", "--no-progress",
                       *out])
    assert status == 1
    said = caplog.text + capsys.readouterr().err
    assert "over the limit of 1000 (raise --max-pixels to accept it)" in said
    assert "raise max_pixels" not in said
