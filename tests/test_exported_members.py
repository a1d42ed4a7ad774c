"""The public API is what ``uncertain.__all__`` lists: this test holds it."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import uncertain

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    # data model
    "Document", "Source", "Page", "Segment", "Word", "Alternative", "Token", "CharChoice",
    "CharChoices", "Flag", "Candidate", "Validation", "AcousticPass",
    "json_schema",
    # stages and routing
    "transcribe", "TranscribeOptions", "recognize", "RecognizeOptions", "read_text",
    "document_from_text", "ingest", "detect", "load_model", "resolve_model",
    # lexicons, validator, acoustic pass
    "Entry", "Lexicon", "load_lexicon", "load_lexicons", "default_lexicons", "validate",
    "Validator", "ValidateOptions", "rescore", "RescoreOptions", "add_nbest", "NbestOptions",
    # serializer
    "render", "parse", "Prompt", "Parsed", "Span", "BudgetError", "reconcile", "Reconciliation",
    "Change",
    # evaluation, calibration, batch
    "evaluate", "EvalReport", "Reference", "Term", "Calibration", "apply_calibration",
    "load_calibration", "run_batch", "BatchSummary",
    # errors
    "UncertainError", "InputError", "MissingFileError", "EmptyInputError",
    "UnsupportedFormatError", "CorruptInputError", "InputTooLargeError", "EncryptedInputError",
    "EngineError", "EngineNotFoundError", "ModelNotFoundError", "LexiconError",
    "CalibrationError", "MarkupError", "OptionError",
}


def test_exported_members_are_the_public_api() -> None:
    assert set(uncertain.__all__) == EXPECTED


def test_exported_members_exist_and_belong_to_the_package() -> None:
    for name in uncertain.__all__:
        member = getattr(uncertain, name)
        assert member.__module__.startswith("uncertain."), name


def test_exported_errors_share_one_base() -> None:
    for name in uncertain.__all__:
        member = getattr(uncertain, name)
        if isinstance(member, type) and issubclass(member, Exception):
            assert issubclass(member, uncertain.UncertainError), name


def _errors() -> list[Exception]:
    """One of each exported error, made as the package makes it."""
    out: list[Exception] = []
    for name in uncertain.__all__:
        member = getattr(uncertain, name)
        if not (isinstance(member, type) and issubclass(member, Exception)):
            continue
        if issubclass(member, uncertain.InputError):
            out.append(member("notes/visit 1.wav", "it has zero bytes"))
        elif issubclass(member, uncertain.LexiconError):
            out += [member("formulary.tsv", "a line needs a term", line=12),
                    member("formulary.tsv", "not UTF-8")]
        elif issubclass(member, uncertain.BudgetError):
            out.append(member(100, 250, "o200k_base"))
        else:
            out.append(member("the model tiny.en cannot be found"))
    return out


def test_exported_errors_pickle_whole() -> None:
    for error in _errors():
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert str(back) == str(error) and back.args == error.args
        assert vars(back) == vars(error)


def _fail(path: str) -> None:
    raise uncertain.MissingFileError(path, "no such file")


def test_exported_errors_come_back_from_a_process_pool() -> None:
    # a worker sends its exception back pickled: one that cannot be unpickled breaks
    # the pool for every task, not only its own
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_fail, "uploads/a.wav")
        with pytest.raises(uncertain.MissingFileError, match=r"uploads/a\.wav: no such file"):
            future.result(timeout=60)
        assert pool.submit(str, 1).result(timeout=60) == "1"


def _fresh(code: str, *args: str, cache: Path | None = None) -> str:
    """The standard output of ``code`` run by a new Python process on this package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cache is not None:
        env["UNCERTAIN_CACHE"] = str(cache)
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_exported_members_are_their_modules_own() -> None:
    # each name, imported when first asked for, is its module's, as in any order asked
    out = _fresh("""
import importlib, sys, types
import uncertain
for name in uncertain.__all__:
    member = getattr(uncertain, name)
    home = sys.modules[member.__module__]
    assert getattr(home, name) is member, name
import uncertain.validate, uncertain.render  # the modules: their functions stay exported
for name in ("validate", "render", "rescore", "ingest", "evaluate", "reconcile"):
    importlib.import_module("uncertain." + name)
    member = getattr(uncertain, name)
    assert not isinstance(member, types.ModuleType), name
    assert member is sys.modules["uncertain." + name].__dict__[name], name
from uncertain import validate, lexicon
assert callable(validate) and isinstance(lexicon, types.ModuleType)
assert set(uncertain.__all__) <= set(dir(uncertain))
print("ok")
""")
    assert out.strip() == "ok"


def test_exported_names_asked_first_are_functions_and_modules_come_after() -> None:
    out = _fresh("""
import types
from uncertain import validate
import uncertain.validate as module
from uncertain.validate import Validator
import uncertain
print(type(validate).__name__, type(uncertain.validate).__name__, Validator.__module__)
""")
    assert out.split() == ["function", "function", "uncertain.validate"]


def test_annotating_a_text_loads_no_speech_engine(tmp_path: Path) -> None:
    # a one-line note in a script or a hook: faster-whisper, CTranslate2 and PyAV took
    # 0.2 s of CPU to import, for nothing
    note = tmp_path / "note.txt"
    note.write_text("Patient takes lisinopril 10 mg daily.\n", encoding="utf-8")
    out = _fresh("""
import contextlib, io, json, sys
from uncertain.cli import main
with contextlib.redirect_stdout(io.StringIO()) as written:
    code = main(["annotate", sys.argv[1]])
heavy = sorted(m for m in ("faster_whisper", "ctranslate2", "av", "tqdm", "uncertain.asr",
                           "uncertain.models", "uncertain.reconcile", "uncertain.batch",
                           "uncertain.evaluate", "uncertain.metrics") if m in sys.modules)
print(json.dumps([code, heavy, json.loads(written.getvalue())["segments"][0]["text"]]))
""", str(note), cache=tmp_path / "cache")
    assert json.loads(out) == [0, [], "Patient takes lisinopril 10 mg daily."]
