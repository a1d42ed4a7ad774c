"""The public API is what ``uncertain.__all__`` lists: this test holds it."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

import uncertain

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
