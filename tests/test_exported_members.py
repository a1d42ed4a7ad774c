"""The public API is what ``uncertain.__all__`` lists: this test holds it."""

from __future__ import annotations

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
    "CalibrationError", "MarkupError",
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
