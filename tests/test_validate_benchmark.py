"""benchmarks/validate_quality.py (recovery intervals, stage caches),
benchmarks/recovery_ceiling.py (where a missed mention was heard, how a window ranks it)
benchmarks/fit_calibration.py (where stage output is cached),
benchmarks/flag_dump.py (every flag of the dev sets, and a diff of two dumps) and
benchmarks/amount_false_flags.py (where the sentence benchmarks read their sentences)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from uncertain.document import Document, Segment, Source, Word
from uncertain.validate import Validator

ROOT = Path(__file__).resolve().parent.parent


def _benchmark(name: str) -> ModuleType:
    """The module of ``benchmarks/<name>.py`` (the benchmarks import each other)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (a benchmark's dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vq() -> ModuleType:
    return _benchmark("validate_quality")


def test_a_set_that_is_not_built_is_not_guessed(vq: ModuleType, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the default set is built on demand: a missing seed or bank set is an error
    naming it, not the default words built under its name."""
    missing = tmp_path / "devset-ward"
    monkeypatch.setattr(sys, "argv", ["validate_quality.py", "--devset", str(missing)])
    with pytest.raises(SystemExit) as exit_info:
        vq.main()
    assert str(missing) in str(exit_info.value) and "devset.py build" in str(exit_info.value)
    assert not missing.exists()


def _interval(line: str, name: str) -> tuple[float, ...]:
    """``share, low, high`` of the figure ``name`` in an interval line, in percent."""
    found = re.search(re.escape(name) + r" ([\d.]+)% \[([\d.]+)%, ([\d.]+)%\]", line)
    assert found is not None, line
    return tuple(float(x) for x in found.groups())


def test_intervals_draw_whole_items(vq: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    items = [Counter(mentions=2, recovered=2, recovered_top1=1),
             Counter(mentions=1, recovered=0, recovered_top1=0),
             Counter(mentions=3, recovered=1, recovered_top1=1),
             Counter(mentions=1, recovered=1, recovered_top1=1)]
    vq.intervals({"audio": items, "text": [Counter(mentions=4, recovered=4,
                                                   recovered_top1=4)]}, 500)
    out = capsys.readouterr().out
    audio = next(line for line in out.splitlines() if ", audio (" in line)
    assert "(4 items with mentions, 500 resamples)" in audio
    share, lo, hi = _interval(audio, "recovered@3")
    assert share == pytest.approx(100 * 4 / 7, abs=0.05)
    assert lo < share < hi and 0 <= lo and hi <= 100
    share1, lo1, hi1 = _interval(audio, "top-1")
    assert share1 == pytest.approx(100 * 3 / 7, abs=0.05) and lo1 < share1 < hi1
    # one item, all recovered: nothing to resample
    text = next(line for line in out.splitlines() if ", text (" in line)
    assert _interval(text, "recovered@3") == (100.0, 100.0, 100.0)


def test_prompted_transcripts_are_cached_apart(vq: ModuleType) -> None:
    plain = vq._cache_dir("audio", None)
    prompted = vq._cache_dir("audio", None, "Clinical dictation.")
    other = vq._cache_dir("audio", None, "Clinical notes.")
    assert len({plain, prompted, other, vq._cache_dir("audio", "base")}) == 4
    assert prompted == vq._cache_dir("audio", None, "Clinical dictation.")
    # a prompt is Whisper's: images and text share one cache whatever it is
    assert vq._cache_dir("image", None, "x") == vq._cache_dir("image", None)


@pytest.fixture(scope="module")
def ceiling() -> ModuleType:
    return _benchmark("recovery_ceiling")


def _heard(text: str) -> Document:
    words = [Word(text=t, confidence=0.5) for t in text.split()]
    return Document(source=Source(path="x.wav", sha256="0" * 64, modality="audio",
                                  engine="test"), segments=[Segment(id=0, words=words)])


def test_ceiling_places_a_mention_on_the_words_heard(ceiling: ModuleType) -> None:
    doc = _heard("please continue met for me five hundred milligrams twice daily")
    reference = "Please continue metformin five hundred milligrams twice daily."
    words = ceiling.place(doc, reference, "metformin")
    heard = [doc.words[k].text for k in words]
    # the three words aligned to the name, and the margin's words each side
    assert heard[ceiling.MARGIN:-ceiling.MARGIN] == ["met", "for", "me"]
    assert len(heard) == 3 + 2 * ceiling.MARGIN
    # a name the recogniser dropped has no place
    assert ceiling.place(_heard("please continue five hundred milligrams"),
                         "please continue metformin five hundred milligrams", "metformin") == []


def test_ceiling_ranks_the_drug_over_the_windows(ceiling: ModuleType) -> None:
    validator = Validator()
    doc = _heard("continue met for me five hundred")
    rank, window = ceiling.best_rank(validator, doc, list(range(len(doc.words))), "metformin")
    assert rank == 1 and window.startswith("met for")
    # nothing heard there sounds like it
    rank, window = ceiling.best_rank(validator, _heard("the cat sat on the mat"),
                                     list(range(6)), "metformin")
    assert rank is None and window == ""


@pytest.mark.parametrize(("text", "count"), [
    ("Take 2.5 mg daily. Stop it!", 2), ("One sentence", 1), ("A. B? C", 3), ("", 0),
    ("Hold the warfarin... until Friday?! Yes.", 3)])
def test_sentences_are_counted_for_the_pass_cost(vq: ModuleType, text: str,
                                                 count: int) -> None:
    assert vq.sentences(text) == count


def test_another_set_is_cached_apart(vq: ModuleType, tmp_path: Path) -> None:
    # devset.py --seed builds other items under the same ids: they must not share a cache
    fresh = tmp_path / "devset-fresh"
    assert vq._cache_dir("audio", None, root=fresh) != vq._cache_dir("audio", None)
    assert vq._cache_dir("image", None, root=fresh) != vq._cache_dir("image", None)
    assert vq._cache_dir("audio", None, root=vq.DEFAULT_SET) == vq._cache_dir("audio", None)


def test_a_number_spelled_in_the_reference_is_right_in_digits(vq: ModuleType) -> None:
    # "ninety" said, "90" written: a right number, so a flag on it is a false flag
    words = [Word(text=t, confidence=c) for t, c in [
        ("Refill", 0.9), ("amlodipine", 0.9), ("5", 0.9), ("milligrams,", 0.9), ("90", 0.1),
        ("day", 0.9), ("supply.", 0.9)]]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    doc = Validator().validate(doc)
    item = {"id": "x", "modality": "audio", "terms": [
        {"term": "amlodipine", "canonical": "amlodipine"}],
        "text": "Refill amlodipine five milligrams, ninety day supply."}
    out = vq.evaluate(item, doc, show=False)
    assert out["correct_words"] == 7
    assert out.get("numbers_wrong", 0) == 0
    assert out["numbers_right_marked"] == 1 and out["false_flags"] == 1


def test_a_decimal_written_in_two_pieces_is_one_number(vq: ModuleType) -> None:
    # Whisper writes 7.5 as "7" ".5" with no space between; it is the 7.5 said
    words = [Word(text="Take", confidence=0.9), Word(text="7", confidence=0.9, space_after=False),
             Word(text=".5", confidence=0.9), Word(text="milligrams.", confidence=0.9)]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    item = {"id": "x", "modality": "audio", "terms": [],
            "text": "Take seven point five milligrams."}
    out = vq.evaluate(item, doc, show=False)
    assert out["correct_words"] == 4 and out.get("numbers_wrong", 0) == 0


def test_wrong_words_and_those_a_flag_marks_are_counted(vq: ModuleType) -> None:
    # "met for me" heard for metformin: three wrong words, the flag marks them; "daily"
    # heard for "nightly" is wrong and unmarked; a right word under no flag is neither
    words = [Word(text=t, confidence=c) for t, c in [
        ("Continue", 0.95), ("met", 0.2), ("for", 0.4), ("me", 0.3), ("daily.", 0.95)]]
    doc = Document(source=Source(path="a.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=words)])
    doc = Validator().validate(doc)
    assert [(f.start, f.end) for f in doc.flags] == [(1, 4)]
    item = {"id": "x", "modality": "audio", "text": "Continue metformin nightly.",
            "terms": [{"term": "metformin", "canonical": "metformin"}]}
    out = vq.evaluate(item, doc, show=False)
    assert out["correct_words"] == 1
    assert out["words_wrong"] == 4 and out["words_wrong_marked"] == 3
    assert out["false_flags"] == 0


def test_calibration_stage_output_of_another_set_is_cached_apart(tmp_path: Path) -> None:
    fc = _benchmark("fit_calibration")
    assert fc.cache_for(fc.DEVSET) == fc.CACHE
    other = fc.cache_for(tmp_path / "devset-seed7")
    assert other != fc.CACHE and other.name == "docs-devset-seed7"


def test_a_calibration_file_applies_to_its_own_engine_only(vq: ModuleType,
                                                           tmp_path: Path) -> None:
    # --calibration FILE with a tiny.en map: the scans are calibrated by default
    path = tmp_path / "tiny.json"
    path.write_text('{"format": "uncertain-calibration", "version": 1, "id": "t", '
                    '"engine": "faster-whisper", "model": "tiny.en", "method": "temperature", '
                    '"temperature": 2.0}', encoding="utf-8")

    def doc(engine: str, model: str) -> Document:
        return Document(source=Source(path="a", sha256="0" * 64, modality="audio",
                                      engine=engine, model=model))

    assert vq.calibration_for(doc("faster-whisper", "tiny.en"), str(path)).id == "t"
    assert vq.calibration_for(doc("tesseract", "eng"), str(path)) == "auto"
    assert vq.calibration_for(doc("tesseract", "eng"), "none") == "none"


def test_fold_weight_refolds_with_the_scores_the_pass_recorded() -> None:
    """benchmarks/fold_weight.py: a flag folded again at another weight takes the order a
    pass at that weight gives, from the acoustic scores recorded on its candidates; at
    the pass's own weight it keeps the pass's order; candidates the pass did not weigh
    stay out, and a flag the pass did not score comes back as it is."""
    from dataclasses import replace

    from uncertain.document import Candidate, Flag
    from uncertain.rescore import RescoreOptions, fold

    fw = _benchmark("fold_weight")

    def candidate(term: str, score: float) -> Candidate:
        return Candidate(term=term, canonical=term, score=score, lexicon="drugs",
                         kind="generic", features={"prior": 0.9})

    before = Flag(reason="near_lexicon", text="met for me", start=1, end=4, confidence=0.8,
                  candidates=[candidate("metformin", 0.95), candidate("Motrin", 0.8)])
    # the audio explains Motrin 8 nats better than metformin
    opts = RescoreOptions()
    after = fold(before, -10.0, [-12.0, -4.0], opts)
    assert [c.term for c in after.candidates] == ["Motrin", "metformin"]
    same = fw.refold(before, after, opts)
    assert [c.term for c in same.candidates] == ["Motrin", "metformin"]
    # moved a tenth of a logit per nat, the audio no longer outweighs the spelling
    light = fw.refold(before, after, replace(opts, weight=0.1))
    assert [c.term for c in light.candidates] == ["metformin", "Motrin"]
    assert light.confidence == after.confidence
    # a candidate the pass left out (a rare one down the list) is not brought back
    longer = before.model_copy(update={"candidates": [*before.candidates,
                                                      candidate("Mydfrin", 0.5)]})
    assert [c.term for c in fw.refold(longer, after, opts).candidates] == [
        "Motrin", "metformin"]
    # a flag with no acoustic scores is left as the pass left it
    assert fw.refold(before, before, replace(opts, weight=0.1)) is before


def test_refolds_rank_the_candidates_by_the_share_of_the_prior_the_pass_did() -> None:
    """benchmarks/fold_weight.py and rescore_methods.py fold recorded scores again as the
    pass folds them: candidates ranked by their gaps with only ``prior_among`` of the
    language prior subtracted (recorded as ``acoustic_among``), not the whole of it.
    Scores of a dev recording ("hydroglyther", said nitroglycerin): with the whole prior
    hydroxychloroquine would come first."""
    from uncertain.document import Candidate, Flag
    from uncertain.rescore import RescoreOptions, fold

    fw = _benchmark("fold_weight")
    rm = _benchmark("rescore_methods")

    def candidate(term: str, score: float, prior: float) -> Candidate:
        return Candidate(term=term, canonical=term, score=score, lexicon="drugs",
                         kind="generic", features={"prior": prior})

    before = Flag(reason="near_lexicon", text="hydroglyther", start=1, end=2,
                  confidence=0.8, candidates=[candidate("hydroxychloroquine", 0.808, 0.694),
                                              candidate("nitroglycerin", 0.680, 0.806)])
    opts = RescoreOptions()
    # audio totals and language priors (nats): heard, hydroxychloroquine, nitroglycerin
    raw, silent = [-6.35, -26.58, -15.18], [-51.44, -64.99, -54.84]
    totals = [r - p for r, p in zip(raw, silent, strict=True)]
    among = [r - opts.prior_among * p for r, p in zip(raw, silent, strict=True)]
    after = fold(before, totals[0], totals[1:], opts, among=among[1:])
    assert [c.term for c in after.candidates] == ["nitroglycerin", "hydroxychloroquine"]
    nitro = after.candidates[0].features
    assert nitro["acoustic_among"] == pytest.approx(among[2] - totals[0], abs=1e-4)
    assert nitro["acoustic"] == pytest.approx(totals[2] - totals[0], abs=1e-4)
    assert [c.term for c in fw.refold(before, after, opts).candidates] == [
        "nitroglycerin", "hydroxychloroquine"]
    assert [c.term for c in rm.refold_flag(before, after, opts).candidates] == [
        "nitroglycerin", "hydroxychloroquine"]


# -- the stage cache's key ------------------------------------------------------------------


@pytest.fixture()
def stage_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """``benchmarks/_stage_cache.py`` reading a copy of the package's stage modules."""
    module = _benchmark("_stage_cache")
    package = tmp_path / "uncertain"
    package.mkdir()
    for names in module.STAGE_MODULES.values():
        for name in names:
            (package / name).write_text((ROOT / "uncertain" / name).read_text("utf-8"), "utf-8")
    (package / "__init__.py").write_text("", "utf-8")
    monkeypatch.setattr(module.uncertain, "__file__", str(package / "__init__.py"))
    module.stage_key.cache_clear()
    return module


def _edit(stage_cache: ModuleType, name: str, old: str, new: str) -> None:
    path = Path(stage_cache.uncertain.__file__).parent / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    stage_cache.stage_key.cache_clear()


def test_the_stage_key_changes_with_the_stage_code(stage_cache: ModuleType) -> None:
    audio, image = stage_cache.stage_key("audio"), stage_cache.stage_key("image")
    assert re.fullmatch(r"[0-9a-f]{12}", audio) and audio != image
    _edit(stage_cache, "asr.py", "import bisect\n", "import bisect\nimport math\n")
    assert stage_cache.stage_key("audio") != audio
    assert stage_cache.stage_key("image") == image  # OCR does not read asr.py


def test_the_stage_key_ignores_docstrings_and_comments(stage_cache: ModuleType) -> None:
    audio = stage_cache.stage_key("audio")
    path = Path(stage_cache.uncertain.__file__).parent / "asr.py"
    text = path.read_text("utf-8")
    module_doc = text.index('"""') + 3
    path.write_text(text[:module_doc] + "Edited. " + text[module_doc:] + "\n# a comment\n",
                    "utf-8")
    stage_cache.stage_key.cache_clear()
    assert stage_cache.stage_key("audio") == audio


def test_the_stage_key_changes_with_an_engine_version(stage_cache: ModuleType,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    audio, image = stage_cache.stage_key("audio"), stage_cache.stage_key("image")
    real = stage_cache._version
    monkeypatch.setattr(stage_cache, "_version",
                        lambda dist: "99.0" if dist == "ctranslate2" else real(dist))
    stage_cache.stage_key.cache_clear()
    assert stage_cache.stage_key("audio") != audio
    assert stage_cache.stage_key("image") == image


def test_transcripts_of_another_stage_are_not_served(vq: ModuleType,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    here = vq._cache_dir("audio", None)
    monkeypatch.setattr(vq, "stage_key", lambda modality: "0" * 12)
    assert vq._cache_dir("audio", None) != here
    assert vq._cache_dir("audio", None).parent == here.parent


def test_a_cached_output_names_its_file_where_it_is_now(vq: ModuleType, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the acoustic pass reads a recording again by the path its document names: an output
    # cached by a tree since removed named a file that was gone (MissingFileError)
    monkeypatch.setattr(vq, "CACHE", tmp_path / "cache")
    item = {"id": "text-001", "path": "text/note.txt", "modality": "text"}
    first, moved = tmp_path / "old" / "devset-x", tmp_path / "new" / "devset-x"
    for root in (first, moved):
        (root / "text").mkdir(parents=True)
        (root / "text" / "note.txt").write_text("Start metformin 500 mg.\n", encoding="utf-8")
    made = vq.run_stage(item, first)
    assert made.source.path == str(first / "text" / "note.txt")
    again = vq.run_stage(item, moved)  # (read from the cache: the same content)
    assert again.source.path == str(moved / "text" / "note.txt")
    assert again.source.sha256 == made.source.sha256 and again.text == made.text


def _salt_heard(words: list[str], flags: list[tuple[int, int, list[tuple[str, str]]]]) -> Document:
    from uncertain.document import Candidate, Flag

    doc = Document(source=Source(path="s.wav", sha256="0" * 64, modality="audio",
                                 engine="test"),
                   segments=[Segment(id=0, words=[Word(text=w, confidence=0.5)
                                                  for w in words])])
    return doc.model_copy(update={"flags": [
        Flag(reason="near_lexicon", text=" ".join(words[a:b]), start=a, end=b,
             confidence=0.9, candidates=[Candidate(term=t, canonical=c, score=0.9)
                                         for t, c in cands])
        for a, b, cands in flags]})


@pytest.mark.parametrize(("words", "flags", "expected"), [
    # said as said
    ("Start metoprolol tartrate 25 milligrams".split(), [], ("heard", "")),
    # the drug's salt form first, over the drug's words and the salt's
    ("Start metapral tartry 25 milligrams".split(),
     [(1, 3, [("metoprolol tartrate", "metoprolol"), ("metoprolol", "metoprolol")])],
     ("suggested", "metoprolol tartrate")),
    # the salt alone, third, over the salt's words only
    ("Start metoprolol tar trait 25 milligrams".split(),
     [(2, 4, [("Tarka", "trandolapril / verapamil"), ("Atropt", "atropine"),
              ("tartrate", "tartrate")])],
     ("suggested", "Tarka")),
    # the drug alone: the salt lost
    ("Start metapral tartry 25 milligrams".split(),
     [(1, 3, [("metoprolol", "metoprolol")])], ("other first", "metoprolol")),
    # a flag over other words only
    ("Start metapral tartry 25 milligrams".split(),
     [(1, 2, [("metoprolol", "metoprolol")])], ("unmarked", "")),
])
def test_salt_slot_sorts_each_salt_by_what_the_llm_is_shown(
        words: list[str], flags: list[tuple[int, int, list[tuple[str, str]]]],
        expected: tuple[str, str]) -> None:
    salts = _benchmark("salt_slot")
    doc = _salt_heard(words, flags)
    sentence = "Start metoprolol tartrate 25 milligrams."
    assert salts.classify(doc, sentence, "tartrate") == expected


def test_flag_dump_writes_every_flag_and_diffs_two_dumps(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/flag_dump.py: a built set's text item is validated and its flags
    written a line each (in a stage cache given), and a diff names the lines only one
    dump has."""
    dump = _benchmark("flag_dump")
    devset = tmp_path / "set"
    devset.mkdir()
    (devset / "note.txt").write_text("Start met for me 500 mg twice daily.\n", encoding="utf-8")
    item = {"id": "text-1", "path": "note.txt", "modality": "text", "split": "test",
            "text": "Start metformin 500 mg twice daily.", "terms": []}
    (devset / "refs.jsonl").write_text(json.dumps(item) + "\n", encoding="utf-8")
    out = tmp_path / "flags.json"
    cache = tmp_path / "cache"
    assert dump.main(["dump", "--out", str(out), "--devset", str(devset),
                      "--cache", str(cache)]) == 0
    flags = json.loads(out.read_text(encoding="utf-8"))
    lines = flags["set/text-1"]
    assert any("'met for me'" in line and "metformin=" in line for line in lines), lines
    assert list(cache.rglob("text-1.json")), "the stage output is cached where asked"
    changed = {"set/text-1": [*lines[1:], "near_lexicon 0-1 'Start' p=0.500 []"]}
    other = tmp_path / "other.json"
    other.write_text(json.dumps(changed), encoding="utf-8")
    capsys.readouterr()
    assert dump.main(["diff", str(out), str(other)]) == 0
    printed = capsys.readouterr().out
    assert f"  - {lines[0]}" in printed and "  + near_lexicon 0-1 'Start'" in printed
    assert "lines added: 1" in printed and "lines removed: 1" in printed


def test_sentence_benchmarks_read_each_sentence_from_a_file_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/amount_false_flags.py (and the medication-list and therapy benchmarks
    run by it): each sentence read as text is read from a file named by its content, which
    still holds it after the run, so that another run at once, writing its sentences
    there too, puts no sentence of its own in this run's place."""
    amounts = _benchmark("amount_false_flags")
    monkeypatch.setattr(amounts, "WORK", tmp_path)
    monkeypatch.setattr(amounts, "ESPEAK_VOICES", ())
    monkeypatch.setattr(amounts, "_piper_available", lambda: False)
    import uncertain.text

    real = uncertain.text.read_text
    read: list[tuple[Path, str]] = []

    def reading(path: Path) -> Document:
        read.append((Path(path), Path(path).read_text(encoding="utf-8")))
        return real(path)

    monkeypatch.setattr(uncertain.text, "read_text", reading)
    sentences = ("Take one tablet daily.", "Continue physical therapy twice a week.")
    for _ in range(2):
        amounts.run(sentences, "sentences", "therapy", show=False, rescore_speech=False)
    assert [text for _, text in read] == [s + "\n" for s in sentences] * 2
    assert all(path.read_text(encoding="utf-8") == text for path, text in read)
    assert len({path for path, _ in read}) == 2, "one file a sentence, kept for the next run"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")], "no partial file"
    assert "sentences" in capsys.readouterr().out


def test_speed_collects_the_garbage_before_each_timed_pass() -> None:
    """benchmarks/validate_speed.py times the validator, not the collector walking the
    documents the benchmark built: its garbage is collected before the clock starts (the
    first full collection fell inside the first timed pass, a third of a second)."""
    import gc

    speed = _benchmark("validate_speed")

    class Counted:
        """A validator stand-in reporting, as its flags, the collections of the young
        generations pending when the pass began."""

        def validate(self, doc: Document) -> Document:
            return doc.model_copy(update={"flags": [None] * sum(gc.get_count()[1:])})

    doc = Document(source=Source(path="speed.wav", sha256="0" * 64, modality="audio",
                                 engine="test"), segments=[Segment(id=0, words=[])])
    gc.collect()
    junk = [[k] for k in range(20_000)]  # (young collections the next full one clears)
    assert sum(gc.get_count()[1:]) > 0
    _, _, pending = speed._cold_pass(Counted(), [doc])
    assert pending == 0
    del junk
