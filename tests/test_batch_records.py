"""The batch output writer: whole lines, partial-line repair, resume bookkeeping, locking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uncertain._batch_records import RecordWriter, input_key, read_records


def _rec(path: str, sha: str | None = "s", **extra: object) -> dict[str, object]:
    return {"path": path, "sha256": sha, "status": "ok", **extra}


def test_batch_writer_appends_whole_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with RecordWriter(out) as writer:
        assert writer.write(_rec("a", text="héllo\nworld"))
        assert writer.write(_rec("b"))
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(line)["path"] for line in lines[:-1]] == ["a", "b"]
    assert json.loads(lines[0])["text"] == "héllo\nworld"


def test_batch_writer_new_mode_refuses_existing(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("")
    with pytest.raises(FileExistsError):
        RecordWriter(out, mode="new")


def test_batch_writer_new_mode_writes_through_a_link_to_no_file_yet(tmp_path: Path) -> None:
    # --out a link to where the records go (a larger disk): the file it names does not
    # exist yet, but the link does, and an exclusive create refused it as "exists"
    (tmp_path / "disk").mkdir()
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "disk" / "records.jsonl")
    with RecordWriter(link, mode="new") as writer:
        assert writer.write(_rec("a"))
    assert link.is_symlink()
    assert [json.loads(line)["path"] for line in
            (tmp_path / "disk" / "records.jsonl").read_text().splitlines()] == ["a"]
    with pytest.raises(FileExistsError):  # now it names a file: a new run is refused
        RecordWriter(link, mode="new")


def test_batch_writer_overwrite_starts_afresh(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps(_rec("old")) + "\n")
    with RecordWriter(out, mode="overwrite") as writer:
        assert not writer.seen("old", "s")
        # (emptied as the first record is written: till then, the earlier records stay)
        assert [r["path"] for r in read_records(out)] == ["old"]
        writer.write(_rec("new"))
        writer.write(_rec("newer"))
    assert [r["path"] for r in read_records(out)] == ["new", "newer"]


@pytest.mark.parametrize(("tail", "removed"), [
    (b"", 0),
    (b'{"path": "c", "sha', 18),
    (b'{"path":"' + b"x" * 70_000, 70_009),  # longer than the block the repair reads back
])
def test_batch_writer_repairs_a_partial_last_line(tmp_path: Path, tail: bytes,
                                                  removed: int) -> None:
    out = tmp_path / "out.jsonl"
    whole = (json.dumps(_rec("a")) + "\n" + json.dumps(_rec("b")) + "\n").encode()
    out.write_bytes(whole + tail)
    with RecordWriter(out, mode="append") as writer:
        assert writer.repaired_bytes == removed
        assert writer.seen("a", "s") and writer.seen("b", "s")
        assert writer.recorded == 2
        writer.write(_rec("c"))
    written = {**_rec("c"), "input": input_key("c")}
    assert out.read_bytes() == whole + (json.dumps(written, separators=(",", ":"))
                                        + "\n").encode()


def test_batch_writer_repairs_a_file_that_is_one_partial_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"path": "a"')
    with RecordWriter(out, mode="append") as writer:
        assert writer.repaired_bytes == 12
        assert writer.recorded == 0
    assert out.read_bytes() == b""


def test_batch_writer_never_writes_a_key_twice(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with RecordWriter(out) as writer:
        assert writer.write(_rec("a", "1"))
        assert not writer.write(_rec("a", "1", status="error"))
        assert writer.write(_rec("a", "2"))  # same path, new content: it replaces "1"
        assert writer.write(_rec("b", None))
        assert not writer.write(_rec("b", None))
    with RecordWriter(out, mode="append") as writer:
        assert not writer.write(_rec("a", "2"))
        assert writer.seen("b", None) and not writer.seen("a", "1")
    assert [(r["path"], r["sha256"]) for r in read_records(out)] == [("a", "2"), ("b", None)]


def test_batch_writer_keeps_the_record_of_an_input_gone_since_beside_its_error(
        tmp_path: Path) -> None:
    # a record of content replaces every earlier one of its input; one of the input
    # unread (gone) replaces only such a record: the transcript is not lost while the
    # file is away, and its error record goes when it is read again as it was
    out = tmp_path / "out.jsonl"
    gone = {**_rec("a", None), "status": "error", "error": "MissingFileError"}
    with RecordWriter(out) as writer:
        assert writer.write(_rec("a", "1")) and writer.write(_rec("b", "1"))
        assert writer.write(dict(gone)) and writer.replaced == 0
    with RecordWriter(out, mode="append") as writer:
        assert writer.seen("a", "1") and writer.seen("a", None) and writer.failed("a", None)
        writer.unchanged("a", "2")  # (not what it was: nothing replaced)
        assert writer.replaced == 0
        writer.unchanged("a", "1")
        assert writer.replaced == 1 and not writer.seen("a", None)
    assert [(r["path"], r["sha256"]) for r in read_records(out)] == [("a", "1"), ("b", "1")]
    with RecordWriter(out, mode="append") as writer:
        assert writer.write(dict(gone)) and writer.write(_rec("a", "2"))
        assert writer.replaced == 2
    assert [(r["path"], r["sha256"]) for r in read_records(out)] == [("b", "1"), ("a", "2")]


def test_batch_writer_locks_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with RecordWriter(out), pytest.raises(FileExistsError, match="another batch run"):
        RecordWriter(out, mode="append")
    with RecordWriter(out, mode="append") as writer:  # released on close
        assert writer.recorded == 0


def test_batch_writer_each_record_is_one_write(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import uncertain._batch_records as records

    calls: list[bytes] = []
    real_write = records.os.write

    def spy(fd: int, data: bytes) -> int:
        calls.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(records.os, "write", spy)
    with RecordWriter(tmp_path / "out.jsonl") as writer:
        writer.write(_rec("a", blob="x" * 100_000))
        writer.write(_rec("b"))
    assert len(calls) == 2
    assert all(c.endswith(b"\n") and c.count(b"\n") == 1 for c in calls)


def test_batch_writer_cuts_back_a_failed_write(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails part way (a full disk: some bytes, then ENOSPC; or nothing
    more written) leaves no partial line; a write the system splits (one call takes at
    most 2 GiB) goes on until the line is whole."""
    import errno

    import uncertain._batch_records as records

    out = tmp_path / "out.jsonl"
    real_write = records.os.write
    with RecordWriter(out) as writer:
        writer.write(_rec("a"))
        calls = iter([5])

        def full(fd: int, data: bytes) -> int:
            step = next(calls, None)
            if step is None:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, bytes(data[:step]))

        monkeypatch.setattr(records.os, "write", full)
        with pytest.raises(OSError, match="No space left"):
            writer.write(_rec("b"))
        monkeypatch.setattr(records.os, "write", lambda fd, data: 0)
        with pytest.raises(OSError, match="short write"):
            writer.write(_rec("b"))
        assert not writer.seen("b", "s")
        monkeypatch.setattr(records.os, "write",
                            lambda fd, data: real_write(fd, bytes(data[:5])))
        assert writer.write(_rec("c"))
    assert [r["path"] for r in read_records(out)] == ["a", "c"]
    assert out.read_bytes().endswith(b"\n")


def test_batch_writer_keeps_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """A file name's bytes that are not UTF-8 reach Python as lone surrogates, which the
    writer could not encode: the whole run ended, and --resume ended the same way."""
    out = tmp_path / "out.jsonl"
    name = "notes/b\udce9.txt"
    with RecordWriter(out) as writer:
        assert writer.write(_rec(name))
    assert b"b\\udce9.txt" in out.read_bytes()
    with RecordWriter(out, mode="append") as writer:
        assert writer.seen(name, "s") and not writer.write(_rec(name))
    assert [r["path"] for r in read_records(out)] == [name]


def test_batch_writer_writes_nan_and_infinity_as_json_allows(tmp_path: Path) -> None:
    """A record holding an infinite option (``compression_ratio_threshold=inf``) was
    written with a bare ``Infinity``, which JSON does not allow (jq refused the line)."""
    out = tmp_path / "out.jsonl"
    with RecordWriter(out) as writer:
        writer.write(_rec("a.wav", document={"options": {"x": float("inf")},
                                             "p": [float("nan")]}))

    def refuse(token: str) -> None:
        raise ValueError(token)

    line = json.loads(out.read_text(encoding="utf-8"), parse_constant=refuse)
    assert line["document"] == {"options": {"x": "Infinity"}, "p": ["NaN"]}


def test_batch_read_records_skips_garbage_lines(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"path": "a"}\nnot json\n[1, 2]\n{"path": "b"}\n{"path": "c"')
    assert [r["path"] for r in read_records(out)] == ["a", "b"]


@pytest.mark.parametrize("content", [
    b"important notes\nline two without newline",
    b'{"schema_version":"1","source":{}}\n',  # annotate's JSON lines: documents
    b'{"path":"a.txt","status":"ok"}\nnot json\n',
    b"notes without a line feed",
])
def test_batch_writer_does_not_resume_into_a_file_that_is_no_batch_output(
        tmp_path: Path, content: bytes) -> None:
    """--resume on a file of notes cut its last line as an interrupted run's and appended
    records after the rest."""
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(FileExistsError, match="not a batch record"):
        RecordWriter(path, mode="append")
    assert path.read_bytes() == content


def test_batch_writer_resumes_after_its_own_partial_first_record(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"path":"a.txt","sha256":"ab')  # killed while writing the first
    with RecordWriter(path, mode="append") as writer:
        assert writer.repaired_bytes == 28 and writer.recorded == 0
    assert path.read_bytes() == b""


def test_batch_writer_new_file_made_by_another_run_meanwhile_says_so(tmp_path: Path) -> None:
    # the run that lost the race saw "[Errno 17] File exists: 'c2.jsonl'"
    path = tmp_path / "out.jsonl"
    path.write_text("")
    with pytest.raises(FileExistsError, match="another batch run started it"):
        RecordWriter(path, mode="new")


def test_batch_resumed_from_another_folder_knows_what_it_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of "in/a.txt" resumed from inside "in" (as "a.txt") recorded every input a
    second time: the relative path was resolved against the new folder."""
    (tmp_path / "in").mkdir()
    out = tmp_path / "out.jsonl"
    monkeypatch.chdir(tmp_path)
    with RecordWriter(out, mode="new") as writer:
        writer.write(_rec("in/a.txt"))
    assert json.loads(out.read_text())["input"] == str(tmp_path / "in" / "a.txt")
    monkeypatch.chdir(tmp_path / "in")
    with RecordWriter(out, mode="append") as writer:
        assert writer.seen("a.txt", "s") and not writer.seen("in/a.txt", "s")
        assert not writer.write(_rec("a.txt"))
    # records written before the field was: read as their path says, from here
    out.write_text(json.dumps(_rec("a.txt")) + "\n")
    with RecordWriter(out, mode="append") as writer:
        assert writer.seen("a.txt", "s")


def test_batch_writer_drops_a_replaced_error_record_through_a_link_keeping_its_mode(
        tmp_path: Path) -> None:
    # the output rewritten without the error record an input's new record replaces: the
    # link --out names stays a link, the file keeps its mode, no copy is left beside it
    (tmp_path / "real").mkdir()
    out = tmp_path / "real" / "out.jsonl"
    failed = {**_rec("a"), "status": "error", "error": "MemoryError", "message": "a: oom"}
    with RecordWriter(out) as writer:
        writer.write(dict(failed))
        writer.write(_rec("b"))
    out.chmod(0o600)
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    with RecordWriter(link, mode="append") as writer:
        assert not writer.seen("a", "s") and writer.replaced == 0
        assert writer.write(_rec("a", text="done"))
        assert writer.replaced == 1
    assert link.is_symlink() and (out.stat().st_mode & 0o777) == 0o600
    assert [(r["path"], r["status"]) for r in read_records(out)] == [("b", "ok"), ("a", "ok")]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.jsonl"]


def test_batch_writer_models_leave_out_the_records_it_drops(tmp_path: Path) -> None:
    """The models of records a later one replaces counted among the file's models (a
    resumed run warned of a second model in its output, whose records it drops)."""
    out = tmp_path / "out.jsonl"

    def done(path: str, sha: str, model: str) -> dict[str, object]:
        return _rec(path, sha, document={"source": {"modality": "audio", "model": model}})

    out.write_text(json.dumps(done("a", "1", "base")) + "\n"
                   + json.dumps(done("b", "1", "base")) + "\n"
                   + json.dumps(done("a", "2", "tiny.en")) + "\n")
    with RecordWriter(out, mode="append") as writer:
        assert writer.models == {"base", "tiny.en"}  # (b's base record stays)
        assert writer.write(done("b", "2", "small"))
        assert writer.models == {"tiny.en", "small"}
    assert [json.loads(line)["sha256"] for line in out.read_text().splitlines()] == ["2", "2"]
