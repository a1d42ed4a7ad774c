"""The shipped lexicons' index kept on disk: the index read is the one built, and a cache
that is missing, damaged, stale or another user's is not read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uncertain import _index_cache
from uncertain._index import LexiconIndex
from uncertain._index_cache import cached_index, index_cache_dir
from uncertain.lexicon import Entry, Lexicon, default_lexicons, load_lexicon


def _assert_same(built: LexiconIndex, read: LexiconIndex) -> None:
    """Every field of the two indexes is equal, of the same type, in the same order; their
    entries are the lexicons' own objects."""
    assert vars(built).keys() == vars(read).keys()
    for name, a in vars(built).items():
        b = vars(read)[name]
        assert type(a) is type(b), name
        if name in ("lexicons", "items"):
            assert len(a) == len(b), name
            assert all(x is y for x, y in zip(a, b, strict=True)) if name == "lexicons" else (
                all(x.entry is y.entry for x, y in zip(a, b, strict=True)))
        if name == "items":
            for x, y in zip(a, b, strict=True):
                fields = ("compact", "normal", "sound", "classes", "known_phones",
                          "everyday", "dosed")
                assert [getattr(x, f) for f in fields] == [getattr(y, f) for f in fields]
                assert [type(getattr(x, f)) for f in fields] == [
                    type(getattr(y, f)) for f in fields]
        elif isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, name
            assert a.tolist() == b.tolist(), name
        elif isinstance(a, dict):
            assert list(a) == list(b), name  # (in the same order)
            for key, ids in a.items():
                if isinstance(ids, np.ndarray):
                    assert ids.dtype == b[key].dtype and ids.tolist() == b[key].tolist(), key
                else:
                    assert ids == b[key] and type(ids) is type(b[key]), key
        elif name != "lexicons":
            assert a == b, name


def _round_trip(index: LexiconIndex) -> LexiconIndex:
    state = json.loads(json.dumps(index.state()))
    return LexiconIndex.from_state(index.lexicons, state)


def test_index_cache_state_of_a_small_index_reads_back_as_built() -> None:
    """Terms of several words, accents, a number, a term whose key is empty (not indexed),
    one whose phones need the letter-to-sound model, common and rare ones."""
    first = Lexicon.from_entries("a", [
        Entry("Médrol", kind="brand", prior=0.9), Entry("Tylenol #3", kind="brand", prior=0.6),
        Entry("Guillain-Barré syndrome", kind="diagnosis"), Entry("metformin", prior=0.99,
                                                                 kind="generic"),
        Entry("zorbaxinquil", kind="generic", prior=0.8), Entry("q.d.", kind="frequency"),
        Entry("500 mg", kind="dose"), Entry("%", kind="unit")])
    second = Lexicon.from_entries("b", [Entry("metformin", kind="generic", prior=0.2),
                                        Entry("solution", prior=0.7)])
    built = LexiconIndex([first, second])
    _assert_same(built, _round_trip(built))


def test_index_cache_state_of_the_shipped_index_reads_back_as_built() -> None:
    """The shipped lexicons' index, every field, as built."""
    lexicons = default_lexicons()
    built = LexiconIndex(lexicons)
    read = _round_trip(built)
    _assert_same(built, read)
    # and it answers alike, also extended by a lexicon of the user's
    own = Lexicon.from_entries("formulary", [Entry("Zorbaxin", kind="generic", prior=0.9),
                                             Entry("metformin", kind="brand", prior=0.01)])
    _assert_same(LexiconIndex([*lexicons, own], base=built),
                 LexiconIndex([*lexicons, own], base=read))
    assert read.near("metforman") == built.near("metforman")


def test_index_cache_state_that_does_not_fit_is_refused() -> None:
    lexicon = Lexicon.from_entries("a", [Entry("metformin"), Entry("lisinopril")])
    state = json.loads(json.dumps(LexiconIndex([lexicon]).state()))
    other = Lexicon.from_entries("a", [Entry("metformin")])
    with pytest.raises((ValueError, IndexError)):
        LexiconIndex.from_state([other], state)
    state["blocks"]["ids"][0] = 7
    with pytest.raises(ValueError):
        LexiconIndex.from_state([lexicon], state)


@pytest.fixture
def lexicon_file(tmp_path, monkeypatch) -> tuple[Path, list[Lexicon]]:
    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "shipped.tsv"
    path.write_text("metformin\tmetformin\tgeneric\t0.99\nlisinopril\tlisinopril\tgeneric\t0.9\n",
                    encoding="utf-8")
    return path, [load_lexicon(path)]


def _counted(lexicons: list[Lexicon]) -> tuple[list[int], Any]:
    calls: list[int] = []

    def build() -> LexiconIndex:
        calls.append(1)
        return LexiconIndex(lexicons)
    return calls, build


def test_index_cache_builds_once_then_reads(lexicon_file) -> None:
    path, lexicons = lexicon_file
    calls, build = _counted(lexicons)
    first = cached_index(lexicons, build)
    assert calls == [1]
    files = list(index_cache_dir().glob("*.json"))
    assert len(files) == 1 and not list(index_cache_dir().glob("*.tmp"))
    second = cached_index(lexicons, build)
    assert calls == [1]  # read, not built
    assert second is not first
    _assert_same(first, second)
    # the lexicon's bytes changed: another key, built again
    path.write_text(path.read_text(encoding="utf-8") + "atenolol\tatenolol\tgeneric\t0.9\n",
                    encoding="utf-8")
    changed = [load_lexicon(path)]
    calls, build = _counted(changed)
    assert len(cached_index(changed, build)) == 3
    assert calls == [1]
    assert len(list(index_cache_dir().glob("*.json"))) == 2


@pytest.mark.parametrize("damage", ["truncated", "empty", "not json", "other key", "wrong shape"])
def test_index_cache_a_damaged_file_is_built_again_and_replaced(lexicon_file,
                                                                damage: str) -> None:
    _, lexicons = lexicon_file
    calls, build = _counted(lexicons)
    built = cached_index(lexicons, build)
    [file] = index_cache_dir().glob("*.json")
    data = file.read_bytes()
    state = json.loads(data)
    if damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "empty":
        data = b""
    elif damage == "not json":
        data = b"\x80\x81 nothing"
    elif damage == "other key":
        state["key"] = "0" * 64
        data = json.dumps(state).encode()
    else:
        state["index"]["exact"] = [1, 2]
        data = json.dumps(state).encode()
    file.write_bytes(data)
    again = cached_index(lexicons, build)
    assert calls == [1, 1]
    _assert_same(built, again)
    assert json.loads(file.read_bytes()) == json.loads(json.dumps(
        {"format": state["format"], "key": file.stem, "index": built.state()}))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes of POSIX")
@pytest.mark.parametrize("where", ["folder", "file"])
def test_index_cache_is_not_read_where_another_user_can_write(lexicon_file,
                                                             where: str) -> None:
    _, lexicons = lexicon_file
    calls, build = _counted(lexicons)
    cached_index(lexicons, build)
    [file] = index_cache_dir().glob("*.json")
    target = index_cache_dir() if where == "folder" else file
    target.chmod(target.stat().st_mode | 0o020)  # writable by its group
    cached_index(lexicons, build)
    assert calls == [1, 1]
    target.chmod(target.stat().st_mode & ~0o022)
    if where == "file":  # (written again, as this user's)
        cached_index(lexicons, build)
        assert calls == [1, 1]


def test_index_cache_not_writable_builds_as_without_one(lexicon_file, tmp_path,
                                                        monkeypatch) -> None:
    _, lexicons = lexicon_file
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("UNCERTAIN_CACHE", str(blocked))  # (a file: no folder under it)
    calls, build = _counted(lexicons)
    assert len(cached_index(lexicons, build)) == 2
    assert len(cached_index(lexicons, build)) == 2
    assert calls == [1, 1]


def test_index_cache_old_files_of_other_keys_are_removed(lexicon_file) -> None:
    _, lexicons = lexicon_file
    folder = index_cache_dir()
    folder.mkdir(parents=True)
    old, recent = folder / ("1" * 64 + ".json"), folder / ("2" * 64 + ".json")
    leftover = folder / ".x.tmp"
    for path in (old, recent, leftover):
        path.write_text("{}", encoding="utf-8")
    week = _index_cache._STALE_SECONDS + 60
    os.utime(old, (old.stat().st_atime - week, old.stat().st_mtime - week))
    os.utime(leftover, (old.stat().st_atime, old.stat().st_mtime))
    cached_index(lexicons, _counted(lexicons)[1])
    assert not old.exists() and not leftover.exists() and recent.exists()


def test_index_cache_keeps_the_most_recently_used_few(lexicon_file) -> None:
    """Each version of the package (or change of its source) writes its own file: beyond
    ``_KEEP`` files, those used least recently are removed when one is written, however
    recent; a file read counts as used."""
    _, lexicons = lexicon_file
    calls, build = _counted(lexicons)
    cached_index(lexicons, build)
    [mine] = index_cache_dir().glob("*.json")
    folder = index_cache_dir()
    hour = 3600
    others = [folder / (f"{k:x}" * 64 + ".json") for k in range(1, 10)]
    for age, path in enumerate(others, start=1):  # others[0] the most recent
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (path.stat().st_atime - age * hour, path.stat().st_mtime - age * hour))
    # this lexicon's file was written before all of them, and read since
    os.utime(mine, (mine.stat().st_atime - 20 * hour, mine.stat().st_mtime - 20 * hour))
    cached_index(lexicons, build)
    assert calls == [1]  # read
    assert mine.stat().st_mtime > others[0].stat().st_mtime  # marked used
    mine.unlink()  # (a write, as another version's would be)
    cached_index(lexicons, build)
    assert calls == [1, 1]
    left = sorted(p.name for p in folder.glob("*.json"))
    assert len(left) == _index_cache._KEEP
    assert left == sorted([mine.name] + [p.name for p in others[:_index_cache._KEEP - 1]])


def test_index_cache_shared_index_of_the_validator_comes_from_the_cache(
        tmp_path, monkeypatch) -> None:
    """The validator's index of the shipped lexicons is kept, and read back as built."""
    from uncertain.validate import _shared_index

    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path))
    names = ("drugs", "clinical")
    built = _shared_index.__wrapped__(names)
    [file] = index_cache_dir().glob("*.json")
    assert file.stat().st_size > 1_000_000
    read = _shared_index.__wrapped__(names)
    _assert_same(built, read)


def test_index_cache_written_by_several_at_once_is_whole(lexicon_file) -> None:
    """Processes (here threads) that find no index at once each build and write one: each
    gets its index, and the file left is a whole one, read back by the next."""
    from concurrent.futures import ThreadPoolExecutor

    _, lexicons = lexicon_file
    calls, build = _counted(lexicons)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: cached_index(lexicons, build), range(8)))
    assert all(len(index) == 2 for index in found)
    assert [p.suffix for p in index_cache_dir().iterdir()] == [".json"]
    before = len(calls)
    _assert_same(found[0], cached_index(lexicons, build))
    assert len(calls) == before


def test_index_cache_key_changes_with_what_the_index_is_made_of(lexicon_file, tmp_path,
                                                                 monkeypatch) -> None:
    """The package's source, wordfreq's and the pronouncing data's versions name another
    file: an index built by other code or of other data is never read."""
    _, lexicons = lexicon_file
    package = tmp_path / "package"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(_index_cache, "_PACKAGE", package)
    keys = {_index_cache._key(lexicons)}
    (package / "a.py").write_text("x = 2\n", encoding="utf-8")
    keys.add(_index_cache._key(lexicons))
    real = _index_cache.metadata.version
    for name in ("wordfreq", "gruut-lang-en"):
        monkeypatch.setattr(_index_cache.metadata, "version",
                            lambda dist, name=name: "0.0" if dist == name else real(dist))
        keys.add(_index_cache._key(lexicons))
    assert len(keys) == 4


def test_index_cache_shipped_lexicons_are_kept_parsed(tmp_path, monkeypatch) -> None:
    """A shipped lexicon is parsed once and kept beside the index: the next process reads
    it back as parsed (entries, their order, types and look-ups) without parsing it."""
    from uncertain import lexicon as lexicon_module

    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path))
    names = ("drugs", "clinical")
    parsed = {name: lexicon_module._shipped.__wrapped__(name) for name in names}
    assert len(list((tmp_path / "lexicons").glob("*.json"))) == len(names)

    def parse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(lexicon_module, "_parse", parse)
    for name, lexicon in parsed.items():
        read = lexicon_module._shipped.__wrapped__(name)
        assert read is not lexicon
        assert (read.name, read.path) == (lexicon.name, lexicon.path)
        assert read.entries == lexicon.entries
        assert [tuple(map(type, (e.prior, e.ids, *e.ids))) for e in read.entries] == [
            tuple(map(type, (e.prior, e.ids, *e.ids))) for e in lexicon.entries]
        assert list(read._index.items()) == list(lexicon._index.items())


def test_index_cache_a_lexicon_read_back_says_its_file_warnings_again(
        tmp_path, monkeypatch, caplog) -> None:
    import logging

    from uncertain._index_cache import cached_lexicon
    from uncertain.lexicon import _load

    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "formulary.tsv"
    path.write_text("#3\nmetformin\nlisinopril\nSt. John's wort\tst johns wort\t"
                    "herbal\t0.3\tumls:C0813171;x:a:b\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="uncertain"):
        first = cached_lexicon(path, lambda raw, said: _load(path, None, raw, said))
    said = [r.getMessage() for r in caplog.records]
    assert any("read as a comment" in message for message in said)
    caplog.clear()

    def parse(raw: bytes | None, said: list[str]) -> Lexicon:
        raise AssertionError("parsed again")

    with caplog.at_level(logging.WARNING, logger="uncertain"):
        second = cached_lexicon(path, parse)
    assert [r.getMessage() for r in caplog.records] == said
    assert second.entries == first.entries and second.entries[2].ids == (
        ("umls", "C0813171"), ("x", "a:b"))
    assert list(second._index.items()) == list(first._index.items())
    # damaged: parsed again and kept again
    [kept] = (tmp_path / "cache" / "lexicons").glob("*.json")
    kept.write_text(kept.read_text(encoding="utf-8")[:100], encoding="utf-8")
    calls: list[int] = []

    def counted(raw: bytes | None, said: list[str]) -> Lexicon:
        calls.append(1)
        return _load(path, None, raw, said)

    assert cached_lexicon(path, counted).entries == first.entries
    assert cached_lexicon(path, counted).entries == first.entries
    assert calls == [1]


def test_index_cache_the_pronouncing_lexicon_is_kept_as_read(tmp_path, monkeypatch) -> None:
    """gruut's pronouncing lexicon (124,000 words, 0.2 s of CPU to read from its
    database) is kept: the next process reads it back, the same words in the same order."""
    import gruut_lang_en

    from uncertain import _phones
    from uncertain._index_cache import cached_phones

    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path))
    root = Path(gruut_lang_en.get_lang_dir())
    pronouncing = _phones._pronouncing
    read = pronouncing(root)
    calls: list[int] = []

    def build() -> dict[str, str]:
        calls.append(1)
        return pronouncing(root)

    first = cached_phones(root / "lexicon.db", build)
    assert calls == [1] and len(list((tmp_path / "phones").glob("*.json"))) == 1
    second = cached_phones(root / "lexicon.db", build)
    assert calls == [1]
    assert list(second.items()) == list(first.items()) == list(read.items())
    # the process's pronouncing lexicon is the one kept
    monkeypatch.setattr(_phones, "_data", None)
    monkeypatch.setattr(_phones, "_pronouncing", lambda root: pytest.fail("read again"))
    assert list(_phones._load()[0].items()) == list(read.items())
    [kept] = (tmp_path / "phones").glob("*.json")
    state = json.loads(kept.read_text(encoding="utf-8"))
    state["index"]["phones"][5] = 7
    kept.write_text(json.dumps(state), encoding="utf-8")
    assert cached_phones(root / "lexicon.db", build) == read  # (not read: built again)
    assert calls == [1, 1]
