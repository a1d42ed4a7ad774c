"""Batch inputs: directory walking, archives read in memory, unsafe members, manifests."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from uncertain._batch_inputs import Item, iter_items, list_items, member_problem
from uncertain.errors import (
    CorruptInputError,
    EncryptedInputError,
    InputTooLargeError,
    MissingFileError,
    UnsupportedFormatError,
)


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_batch_walks_directories_sorted_skipping_hidden(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "b/a.txt", "a.txt", ".hidden.txt", ".git/x.txt", "c/.d/y.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    items = list(iter_items([tmp_path]))
    rels = [str(Path(i.path).relative_to(tmp_path)) for i in items]
    assert rels == ["a.txt", "b/a.txt", "b/z.txt"]
    assert all(i.file == i.path and i.data is None and i.error is None for i in items)
    assert list(list_items([tmp_path])) == [i.path for i in items]


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz", ".zip"])
def test_batch_reads_archive_members_in_memory(tmp_path: Path, suffix: str) -> None:
    members = {"x/one.txt": b"one", "two.wav": b"RIFF....WAVE", ".DS_Store": b"junk",
               "__MACOSX/._two.wav": b"junk"}
    archive = tmp_path / f"set{suffix}"
    if suffix == ".zip":
        _zip(archive, members)
    else:
        _tar(archive, members, "w" if suffix == ".tar" else "w:gz")
    items = list(iter_items([archive]))
    assert [(i.path, i.data, i.file) for i in items] == [
        (f"{archive}::x/one.txt", b"one", None),
        (f"{archive}::two.wav", b"RIFF....WAVE", None),
    ]
    assert items[1].name == "two.wav"
    assert list(list_items([archive])) == [i.path for i in items]


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/etc/passwd",
                                  "C:/windows/evil.txt", "..\\evil.txt"])
@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_batch_refuses_unsafe_archive_members(tmp_path: Path, name: str, kind: str) -> None:
    members = {"ok.txt": b"fine", name: b"evil"}
    archive = _zip(tmp_path / "a.zip", members) if kind == "zip" else _tar(
        tmp_path / "a.tar.gz", members)
    items = list(iter_items([archive]))
    assert items[0].data == b"fine"
    bad = items[1]
    assert bad.data is None
    assert isinstance(bad.error, UnsupportedFormatError)
    assert "refused" in str(bad.error) and str(archive) in str(bad.error)


def test_batch_refuses_links_in_tar(tmp_path: Path) -> None:
    archive = tmp_path / "links.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("link.wav")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    (item,) = iter_items([archive])
    assert isinstance(item.error, UnsupportedFormatError)
    assert "is a link" in str(item.error)


@pytest.mark.parametrize(("name", "problem"), [
    ("a/b.wav", None), ("./a.wav", None), ("a..b.wav", None),
    ("../a.wav", "'..'"), ("/a.wav", "absolute"), ("D:\\a.wav", "absolute"),
    # a colon is no drive unless a letter before it and a slash after: a time in a
    # recording's name, a POSIX name with a colon ("a:b.txt" was refused as absolute)
    ("9:00 call.txt", None), ("calls/5:30-call.wav", None), ("c:/x.wav", "absolute"),
    ("a:b.txt", None), ("x::y.txt", None), ("C:", "absolute"),
])
def test_batch_member_problem_table(name: str, problem: str | None) -> None:
    found = member_problem(name)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_batch_oversized_member_is_refused_unread(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "big.tar", {"big.wav": b"x" * 100, "small.txt": b"ok"}, "w")
    items = list(iter_items([archive], max_member_bytes=50))
    assert isinstance(items[0].error, InputTooLargeError)
    assert items[1].data == b"ok"


def test_batch_damaged_archive_keeps_what_was_read(tmp_path: Path) -> None:
    good = _tar(tmp_path / "good.tar", {"a.txt": b"a" * 600, "b.txt": b"b" * 5000}, "w")
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(good.read_bytes()[:1600])  # ends inside b.txt's header
    items = list(iter_items([damaged]))
    assert [i.path for i in items] == [f"{damaged}::a.txt", str(damaged)]
    damaged.write_bytes(good.read_bytes()[:2200])  # ends inside b.txt's data
    items = list(iter_items([damaged]))
    assert items[0].data == b"a" * 600
    # the member cut short has its own record (the listing counted it), then the archive
    assert items[1].path == f"{damaged}::b.txt" and "ends inside" in str(items[1].error)
    assert items[-1].path == str(damaged)
    assert isinstance(items[-1].error, CorruptInputError)
    assert [i.path for i in items] == list(list_items([damaged]))


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_batch_cut_archive_reads_as_many_items_as_it_lists(tmp_path: Path, mode: str
                                                          ) -> None:
    # the run's total comes from the listing: "6 done, 1 failed (of 8 inputs)" was said
    # when a member's data was cut off, wherever the cut falls
    import os
    whole = _tar(tmp_path / "whole.tar", {f"n{i}.txt": os.urandom(3000) for i in range(6)},
                 mode).read_bytes()
    cut = tmp_path / "cut.tar"
    for size in range(200, len(whole), max(1, len(whole) // 23)):
        cut.write_bytes(whole[:size])
        items = list(iter_items([cut]))
        assert [i.path for i in items] == list(list_items([cut])), size
        if mode != "w" or size < 6 * (512 + 3072) + 2 * 512:  # (a plain tar's padding
            assert isinstance(items[-1].error, CorruptInputError), size  # is not needed)


def test_batch_folder_gives_only_files_named_as_inputs(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # an archive of recordings comes with sidecars: metadata, a manifest, a script
    for rel in ["a.wav", "a.json", "run.py", "LICENSE", "refs.jsonl", "sub/b.TXT",
                "sub/c.Aiff", "sub/d.pdf", "sub/e.jpeg", "sub/f.csv"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    _zip(tmp_path / "set.zip", {"m.flac": b"f", "m.json": b"{}"})
    with caplog.at_level("WARNING", logger="uncertain"):
        listed = [str(Path(p).relative_to(tmp_path)) for p in list_items([tmp_path])]
    assert caplog.records == []  # the listing pass is quiet: the reading pass tells
    with caplog.at_level("WARNING", logger="uncertain"):
        rels = [str(Path(i.path).relative_to(tmp_path)) for i in iter_items([tmp_path])]
    assert rels == listed == ["a.wav", "set.zip::m.flac", "sub/b.TXT", "sub/c.Aiff",
                              "sub/d.pdf", "sub/e.jpeg"]
    # one warning per archive, then one for the folder when its walk ends
    archive, folder = (r.getMessage() for r in caplog.records)
    assert folder.startswith(f"{tmp_path}: left out 5 files not named as audio")
    assert "(.csv 1, .json 1, .jsonl 1, .py 1, no extension 1)" in folder
    assert archive.startswith(f"{tmp_path / 'set.zip'}: left out 1 file ")
    # (a member is named on its own by its key, as a folder's file by its path)
    assert archive.endswith(f"(.json 1); name such a member as {tmp_path / 'set.zip'}::MEMBER "
                            "to read it anyway")
    assert [i.data for i in iter_items([f"{tmp_path / 'set.zip'}::m.json"])] == [b"{}"]
    # (a .jsonl or .csv named to batch is a manifest: its lines name inputs)
    assert folder.endswith("; name such a file itself to read it anyway; a .jsonl or .csv "
                           "file named is read as a manifest of inputs")
    # a file named on its own is read whatever its name: its content decides
    assert [i.path for i in iter_items([tmp_path / "run.py"])] == [str(tmp_path / "run.py")]


def test_batch_tar_members_not_named_as_inputs_are_left_out(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    archive = _tar(tmp_path / "set.tar.gz", {"x/a.wav": b"a", "x/meta.yaml": b"m",
                                             "x/b.md": b"b"})
    with caplog.at_level("WARNING", logger="uncertain"):
        names = [i.path.split("::")[1] for i in iter_items([archive])]
    assert names == ["x/a.wav", "x/b.md"]
    (message,) = (r.getMessage() for r in caplog.records)
    assert "left out 1 file " in message and "(.yaml 1)" in message


def test_batch_garbage_named_as_archive_is_an_error_item(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    (item,) = iter_items([fake])
    assert isinstance(item.error, CorruptInputError)
    assert item.path == str(fake)


def test_batch_jsonl_manifest_resolves_against_its_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("a")
    other = tmp_path / "elsewhere.txt"
    other.write_text("b")
    manifest = tmp_path / "data" / "list.jsonl"
    manifest.write_text("\n".join([
        json.dumps({"path": "a.txt", "speaker": "x"}),
        "",
        json.dumps({"path": str(other)}),
        "not json",
        json.dumps({"file": "a.txt"}),
        json.dumps({"path": "missing.wav"}),
    ]) + "\n")
    items = list(iter_items([manifest]))
    assert [i.path for i in items] == [
        str(tmp_path / "data" / "a.txt"), str(other), f"{manifest}:4", f"{manifest}:5",
        str(tmp_path / "data" / "missing.wav")]
    assert [i.error is not None for i in items] == [False, False, True, True, False]


def test_batch_manifest_paths_lose_their_dot_dots(tmp_path: Path) -> None:
    """A manifest line "../audio/a.wav" was recorded as "man/../audio/a.wav", a second
    name for a file also recorded as "audio/a.wav". After a link, ".." is the folder
    above the link's target, as the system reads it: that path is resolved whole."""
    (tmp_path / "man").mkdir()
    (tmp_path / "audio").mkdir()
    (tmp_path / "far" / "deep").mkdir(parents=True)
    (tmp_path / "audio" / "a.wav").write_bytes(b"a")
    (tmp_path / "far" / "b.wav").write_bytes(b"b")
    (tmp_path / "man" / "deep").symlink_to(tmp_path / "far" / "deep")
    manifest = tmp_path / "man" / "list.jsonl"
    manifest.write_text("\n".join(json.dumps({"path": p}) for p in [
        "../audio/a.wav", "./x/../../audio/a.wav", str(tmp_path / "man" / ".." / "gone.wav"),
        "deep/../b.wav"]) + "\n")
    assert [i.path for i in iter_items([manifest])] == [
        str(tmp_path / "audio" / "a.wav"), str(tmp_path / "audio" / "a.wav"),
        str(tmp_path / "gone.wav"), str((tmp_path / "far" / "b.wav").resolve())]


def test_batch_a_manifest_named_by_a_manifest_is_followed(tmp_path: Path) -> None:
    """A manifest listing another was read as a transcript ('{"path":' its first word),
    its inputs never run, and the run said "1 done"; a loop of manifests is an error."""
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.txt"):
        (tmp_path / name).write_text(name)
    (tmp_path / "sub" / "inner.csv").write_text("path\nb.txt\n../top.jsonl\n")
    top = tmp_path / "top.jsonl"
    top.write_text("\n".join(json.dumps({"path": p}) for p in ("a.txt", "sub/inner.csv"))
                   + "\n")
    items = list(iter_items([top]))
    assert [(Path(i.path).name, i.file is not None) for i in items] == [
        ("a.txt", True), ("b.txt", True), ("top.jsonl", False)]
    assert "named again by" in str(items[2].error) and "loop" in str(items[2].error)


def test_batch_jsonl_manifest_path_may_hold_a_line_separator(tmp_path: Path) -> None:
    # JSON leaves U+2028 unescaped; the manifest's lines end at line feeds only
    odd = tmp_path / "a\u2028b.txt"
    odd.write_text("a")
    manifest = tmp_path / "list.jsonl"
    manifest.write_text(json.dumps({"path": odd.name}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    assert [i.path for i in iter_items([manifest])] == [str(odd)]


def test_batch_csv_manifest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    archive = _zip(tmp_path / "z.zip", {"m.txt": b"m"})
    manifest = tmp_path / "list.csv"
    manifest.write_text("speaker,path\nx,a.txt\ny,z.zip\nz,\n")
    items = list(iter_items([manifest]))
    assert [i.path for i in items] == [str(tmp_path / "a.txt"), f"{archive}::m.txt",
                                       f"{manifest}:4"]
    assert items[1].data == b"m"
    assert isinstance(items[2].error, UnsupportedFormatError)


def test_batch_csv_manifest_without_path_column(tmp_path: Path) -> None:
    manifest = tmp_path / "list.csv"
    manifest.write_text("file\na.txt\n")
    (item,) = iter_items([manifest])
    assert isinstance(item.error, UnsupportedFormatError)
    assert "'path' column" in str(item.error)


def test_batch_item_hash_of_file_and_member(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "a.txt").write_bytes(b"abc")
    expected = hashlib.sha256(b"abc").hexdigest()
    assert Item(path="x", file=str(tmp_path / "a.txt")).sha256() == expected
    assert Item(path="x::a", data=b"abc").sha256() == expected
    assert Item(path="gone", file=str(tmp_path / "gone")).sha256() is None


def test_batch_walk_survives_a_symlink_cycle(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    rels = [str(Path(i.path).relative_to(tmp_path)) for i in iter_items([tmp_path])]
    assert rels == ["a/x.txt", "b/x.txt"]


def test_batch_leaves_out_the_excluded_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "out.txt").write_text("")  # an output named like an input
    assert [Path(i.path).name for i in iter_items([tmp_path])] == ["a.txt", "out.txt"]
    assert [Path(p).name for p in list_items([tmp_path], exclude=[tmp_path / "out.txt"])
            ] == ["a.txt"]


def test_batch_zip_links_and_encrypted_members_are_refused(tmp_path: Path) -> None:
    """A zip's symbolic link was read as a text whose words were its target
    ("/etc/passwd"), where a tar's is refused; an encrypted member was "corrupt" with
    Python's ZipInfo in the message."""
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("note.txt", "Take metformin.")
    data = bytearray(archive.read_bytes())
    # mark note.txt's entries encrypted (general purpose flag bit 0), as a zip tool does
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + 8] == b"note.txt":
                data[at + offset] |= 1
            start = at + 4
    archive.write_bytes(bytes(data))
    link_item, note_item = iter_items([archive])
    assert isinstance(link_item.error, UnsupportedFormatError)
    assert "'link.txt' is a link; refused" in str(link_item.error)
    assert isinstance(note_item.error, EncryptedInputError)
    assert str(note_item.error) == f"{archive}::note.txt: archive member 'note.txt' is encrypted"


def test_batch_manifest_names_no_file_system_takes_are_error_items(tmp_path: Path) -> None:
    """A manifest line naming a lone surrogate, a NUL or a name past the length a file
    name may have ended the run in its listing pass, nothing written."""
    (tmp_path / "ok.txt").write_text("x")
    manifest = tmp_path / "list.jsonl"
    manifest.write_text("\n".join(json.dumps({"path": p}) for p in [
        "ok.txt", "\ud800.txt", "a\u0000b.txt", "x" * 300 + ".txt"]) + "\n")
    items = list(iter_items([manifest]))
    assert [i.error is None for i in items] == [True, False, False, False]
    assert all(isinstance(i.error, MissingFileError) and "not a usable file name"
               in str(i.error) for i in items[1:])
    assert list(list_items([manifest])) == [i.path for i in items]


def test_batch_a_fifo_is_an_error_item_not_a_wait(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    (item,) = iter_items([fifo])
    assert isinstance(item.error, UnsupportedFormatError)
    assert "not a regular file" in str(item.error)


def test_batch_an_unreadable_folder_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """A folder the run cannot list was skipped in silence (root reads any folder, so
    the listing is made to fail); then with a warning, the run's status 0 and no record
    of it. It is an input that failed: an error record naming it, the run's status 1;
    annotate says it as an error, and exits 1, the other inputs read."""
    import os

    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("x")
    real = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_items([tmp_path / "in"]))
    assert [(i.path, i.error is None) for i in items] == [
        (str(tmp_path / "in" / "a.txt"), True), (str(tmp_path / "in" / "locked"), False)]
    assert isinstance(items[1].error, MissingFileError)
    assert str(items[1].error) == (f"{tmp_path / 'in' / 'locked'}: cannot read the folder "
                                   "(Permission denied): what it holds is not read")
    from uncertain.cli import main

    (tmp_path / "in" / "locked").rename(tmp_path / "in" / "b")
    (tmp_path / "locked").mkdir()
    out = tmp_path / "docs.jsonl"
    assert main(["annotate", str(tmp_path / "locked"), str(tmp_path / "in" / "a.txt"),
                 "--format", "jsonl", "--no-validate", "-o", str(out)]) == 1
    assert len(out.read_text().splitlines()) == 1
    assert main(["annotate", str(tmp_path / "locked"), "--no-validate"]) == 1


def test_annotate_a_file_past_a_folder_not_searchable_fails_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A file whose folder cannot be searched (d/a.txt, d mode 0700 of another user)
    ended annotate before any input was read ("PermissionError: [Errno 13] Permission
    denied: 'd/a.txt'"), and batch called it "not a usable file name". It fails alone,
    naming it; the other inputs are read (root searches any folder: it is made to fail)."""
    from pathlib import Path as PathType

    from uncertain.cli import main

    hidden = tmp_path / "d" / "a.txt"
    note = tmp_path / "b.txt"
    note.write_text("Take metformin daily.\n")
    real_is_dir, real_stat = PathType.is_dir, PathType.stat

    def denied(path: PathType) -> bool:
        if path == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real_is_dir(path)

    def stat(path: PathType, **kwargs: object) -> object:
        if path == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PathType, "is_dir", denied)
    monkeypatch.setattr(PathType, "stat", stat)
    out = tmp_path / "docs.jsonl"
    assert main(["annotate", str(hidden), str(note), "--format", "jsonl", "--no-validate",
                 "-o", str(out)]) == 1
    assert len(out.read_text().splitlines()) == 1
    assert str(hidden) in capsys.readouterr().err
    (item,) = iter_items([hidden])
    assert isinstance(item.error, MissingFileError)
    assert "permission denied (a folder of its path cannot be searched)" in str(item.error)


def test_batch_a_link_to_nothing_or_a_fifo_in_a_folder_is_said(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Left out of a folder without a word; now said once (the listing pass, which
    comes before the reading one, says nothing)."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("x")
    os.symlink(tmp_path / "nowhere.txt", folder / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    assert list(list_items([folder])) == [str(folder / "a.txt")]
    assert caplog.text == ""
    assert [i.path for i in iter_items([folder])] == [str(folder / "a.txt")]
    assert caplog.text.count("left out") == 2
    assert f"{folder / 'gone.txt'}: a link to nothing; left out" in caplog.text
    assert f"{folder / 'pipe.txt'}: not a regular file" in caplog.text


def test_batch_a_link_in_a_loop_leaves_the_rest_of_the_folder_walked(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A link to itself ("Too many levels of symbolic links") ended the folder's walk:
    every file sorting after it was lost from a batch run, and annotate did nothing."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "z.txt"):
        (folder / name).write_text("x")
    os.symlink(folder / "m.txt", folder / "m.txt")
    expected = [str(folder / "a.txt"), str(folder / "z.txt")]
    assert list(list_items([folder])) == expected
    assert [i.path for i in iter_items([folder])] == expected
    assert f"{folder / 'm.txt'}: cannot be read (Too many levels of symbolic links)" in (
        caplog.text)


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_batch_inputs_a_transcript_bomb_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """A 1.5 MB archive holding a 1.5 GB .txt was inflated whole into memory (3.3 GB)
    before the transcript limit refused it; under a memory cap the run died and --resume
    died on it again. A transcript member is read to the transcript limit (16 MiB) at
    most; a member of another kind to max_member_bytes, counted as it is read."""
    big = 40 << 20  # (a transcript over the limit; a recording under max_member_bytes)
    archive = tmp_path / f"bomb.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in ("bomb.txt", "quiet.wav"):
                with zf.open(name, "w", force_zip64=True) as fh:
                    for _ in range(big >> 20):
                        fh.write(bytes(1 << 20))
            zf.writestr("ok.txt", b"metformin 500 mg\n")
    else:
        with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
            for name, size in (("bomb.txt", big), ("quiet.wav", big), ("ok.txt", 17)):
                info = tarfile.TarInfo(name)
                info.size = size
                tar.addfile(info, io.BytesIO(b"metformin 500 mg\n" if size == 17
                                             else bytes(size)))
    items = {Path(i.path).name.split("::")[-1]: i for i in iter_items([archive])}
    assert isinstance(items["bomb.txt"].error, InputTooLargeError)
    assert "over the limit of 16777216 for a transcript" in str(items["bomb.txt"].error)
    assert items["quiet.wav"].error is None and len(items["quiet.wav"].data or b"") == big
    assert items["ok.txt"].data == b"metformin 500 mg\n"
    small = list(iter_items([archive], max_member_bytes=1 << 20))
    assert [type(i.error).__name__ if i.error else "ok" for i in small] == [
        "InputTooLargeError", "InputTooLargeError", "ok"]


def test_batch_inputs_a_member_is_read_no_further_than_its_limit() -> None:
    """A zip member's declared size may lie: its bytes are counted as they inflate, and
    reading stops at the limit, whatever follows (an endless stream here)."""
    from uncertain._batch_inputs import _read_member

    class Endless(io.RawIOBase):
        read_so_far = 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            assert 0 < n <= 1 << 20  # (never "all of it")
            self.read_so_far += n
            return bytes(n)

    stream = Endless()
    assert _read_member(stream, 5 << 20) is None  # type: ignore[arg-type]
    assert stream.read_so_far == (5 << 20) + 1
    assert _read_member(io.BytesIO(b"x" * 100), 100) == b"x" * 100
    assert _read_member(io.BytesIO(b"x" * 101), 100) is None
    assert _read_member(io.BytesIO(b""), 100) == b""

def _write_archive(arc: Path, members: list[tuple[str, bytes]]) -> None:
    """A zip (by its suffix) or a tar at ``arc`` of ``members`` (name, bytes), in order,
    names as given (repeated, "./a.txt", "d//a.txt")."""
    if arc.suffix == ".zip":
        with zipfile.ZipFile(arc, "w") as zf:
            for name, data in members:
                zf.writestr(name, data)
        return
    with tarfile.open(arc, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _archive_of_twins(path: Path) -> Path:
    """An archive holding two members named a.txt (a tar appended to, a zip written to
    twice), and b.txt."""
    members = [("a.txt", b"first"), ("b.txt", b"other"), ("a.txt", b"second")]
    if path.suffix == ".zip":
        with pytest.warns(UserWarning), zipfile.ZipFile(path, "w") as zf:
            for name, data in members:
                zf.writestr(name, data)
        return path
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("suffix", [".tar", ".zip"])
def test_batch_members_of_one_name_are_each_read_under_a_key_of_their_own(
        tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture) -> None:
    """A tar's (or a zip's) two members named a.txt were both keyed "arc::a.txt": the
    second was taken for the first named again and dropped (extracting keeps the last).
    Each is read now, the second keyed "arc::a.txt#2", and a warning says so."""
    arc = _archive_of_twins(tmp_path / f"arc{suffix}")
    keys = [f"{arc}::a.txt", f"{arc}::b.txt", f"{arc}::a.txt#2"]
    assert list(list_items([arc])) == keys
    with caplog.at_level("WARNING", logger="uncertain"):
        items = list(iter_items([arc]))
    assert [(i.path, i.data, i.name) for i in items] == [
        (keys[0], b"first", "a.txt"), (keys[1], b"other", "b.txt"),
        (keys[2], b"second", "a.txt")]
    (message,) = (r.getMessage() for r in caplog.records)
    assert message.startswith(f"{arc}: 1 member name occurs more than once (a.txt 2 times, "
                              "recorded as a.txt, a.txt#2): each member is read")


@pytest.mark.parametrize("suffix", [".tar", ".zip"])
def test_batch_a_member_named_by_its_key_is_read_alone(tmp_path: Path, suffix: str) -> None:
    """`uncertain batch 'arc.zip::a.txt'` (the key a record gives a member) said "no such
    file". The member is read alone now (the second of a name by its #2), one not in the
    archive is an error item that says how its members are named, and a member not named
    as an input is read when named by its key, as a file named is."""
    arc = _archive_of_twins(tmp_path / f"arc{suffix}")
    with zipfile.ZipFile(tmp_path / "side.zip", "w") as zf:
        zf.writestr("notes.json", b"{}")
    named = [f"{arc}::a.txt#2", f"{arc}::b.txt", f"{arc}::c.txt",
             f"{tmp_path / 'side.zip'}::notes.json"]
    assert list(list_items(named)) == named
    items = list(iter_items(named))
    assert [(i.path, i.data) for i in items[:2]] == [(named[0], b"second"),
                                                     (named[1], b"other")]
    assert isinstance(items[2].error, MissingFileError)
    assert f"no such member of {arc}" in str(items[2].error)
    assert (items[3].path, items[3].data, items[3].error) == (named[3], b"{}", None)


def test_batch_a_member_key_names_a_file_that_exists_first(tmp_path: Path) -> None:
    """A file whose name holds "::" is that file, not a member."""
    odd = tmp_path / "a.zip::b.txt"
    odd.write_text("hello")
    (item,) = iter_items([odd])
    assert (item.file, item.error) == (str(odd), None)


@pytest.mark.parametrize("suffix", [".tar", ".zip"])
def test_batch_members_extracting_to_one_file_are_members_of_one_name(
        tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture) -> None:
    """A tar's members "./a.txt" and "a.txt" (and "d//a.txt") extract to one file, but
    were keyed as two names, with no word that extracting keeps the last. They are counted
    as members of one name now: the later is "a.txt#2", a warning says so, and each is
    read alone by its key."""
    arc = tmp_path / f"arc{suffix}"
    members = [("./a.txt", b"first"), ("b.txt", b"other"), ("a.txt", b"second"),
               ("d/a.txt", b"in d"), ("d//a.txt", b"in d again")]
    _write_archive(arc, members)
    keys = [f"{arc}::{key}" for key in ("./a.txt", "b.txt", "a.txt#2", "d/a.txt",
                                        "d//a.txt#2")]
    assert list(list_items([arc])) == keys
    with caplog.at_level("WARNING", logger="uncertain"):
        items = list(iter_items([arc]))
    assert [(i.path, i.data) for i in items] == [
        (key, data) for key, (_, data) in zip(keys, members, strict=True)]
    (message,) = (r.getMessage() for r in caplog.records)
    assert message.startswith(
        f"{arc}: 2 member names occur more than once (./a.txt and a.txt (2 members, one "
        "file), recorded as ./a.txt, a.txt#2; d/a.txt and d//a.txt (2 members, one file), "
        "recorded as d/a.txt, d//a.txt#2): each member is read")
    # each by its key, "d//a.txt#2" too (read as a path, it was "d/a.txt#2": "no such
    # member"), keyed as its record is
    for key, (_, data) in zip(keys, members, strict=True):
        (item,) = iter_items([key])
        assert (item.path, item.data) == (key, data)
        assert list(list_items([key])) == [key]
    (item,) = iter_items([f"{arc}::a.txt"])  # (recorded as a.txt#2: no member is a.txt)
    assert isinstance(item.error, MissingFileError)


@pytest.mark.parametrize("suffix", [".tar", ".zip"])
def test_batch_an_archive_within_an_archive_is_said_to_be_one(
        tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture) -> None:
    """An archive's zip member was left out with "name such a member as ARCHIVE::MEMBER to
    read it anyway", and so named it was "content is binary (a NUL byte at offset 5), not
    a supported audio, image, PDF or text format". The warning says an archive within is
    not opened, and the member named by its key is refused saying so."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", "Take metformin.")
    arc = tmp_path / f"outer{suffix}"
    members = [("inner.zip", inner.getvalue()), ("b.txt", b"Take aspirin.")]
    _write_archive(arc, members)
    with caplog.at_level("WARNING", logger="uncertain"):
        assert [i.path for i in iter_items([arc])] == [f"{arc}::b.txt"]
    (message,) = (r.getMessage() for r in caplog.records)
    assert message.endswith("to read it anyway; the archive in it is not: extract it first")
    (item,) = iter_items([f"{arc}::inner.zip"])
    assert isinstance(item.error, UnsupportedFormatError)
    assert str(item.error) == (f"{arc}::inner.zip: an archive within an archive, which is "
                               "not opened: extract it, and name it to uncertain batch")
