"""uncertain: ingest audio and scanned documents without throwing away how sure the machine was.

::

    file ──► stage (asr | ocr | text) ──► Document (words + confidence + provenance)
         ──► validate(lexicons) ──► Document + flags + candidates ──► render ──► prompt
    batch = the same path over many files, one output record per input

The public API is what ``__all__`` lists; a test holds it. Its names are imported when
first used (``uncertain.Document``, ``from uncertain import validate``): a command that
reads a text loads neither the speech engine nor the scan reader.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from uncertain.errors import (
    CalibrationError,
    CorruptInputError,
    EmptyInputError,
    EncryptedInputError,
    EngineError,
    EngineNotFoundError,
    InputError,
    InputTooLargeError,
    LexiconError,
    MarkupError,
    MissingFileError,
    ModelNotFoundError,
    OptionError,
    UncertainError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    from uncertain.asr import TranscribeOptions, transcribe
    from uncertain.batch import BatchSummary, run_batch
    from uncertain.calibrate import Calibration, apply_calibration, load_calibration
    from uncertain.document import (
        AcousticPass,
        Alternative,
        Candidate,
        CharChoice,
        CharChoices,
        Document,
        Flag,
        Page,
        Segment,
        Source,
        Token,
        Validation,
        Word,
        json_schema,
    )
    from uncertain.evaluate import EvalReport, evaluate
    from uncertain.ingest import detect, ingest
    from uncertain.lexicon import Entry, Lexicon, default_lexicons, load_lexicon, load_lexicons
    from uncertain.models import load_model, resolve_model
    from uncertain.nbest import NbestOptions, add_nbest
    from uncertain.ocr import RecognizeOptions, recognize
    from uncertain.reconcile import Change, Reconciliation, reconcile
    from uncertain.references import Reference, Term
    from uncertain.render import BudgetError, Parsed, Prompt, Span, parse, render
    from uncertain.rescore import RescoreOptions, rescore
    from uncertain.text import document_from_text, read_text
    from uncertain.validate import ValidateOptions, Validator, validate

__version__ = "0.1.0"

__all__ = [
    "AcousticPass",
    "Alternative",
    "BatchSummary",
    "BudgetError",
    "Calibration",
    "CalibrationError",
    "Candidate",
    "Change",
    "CharChoice",
    "CharChoices",
    "CorruptInputError",
    "Document",
    "EmptyInputError",
    "EncryptedInputError",
    "EngineError",
    "EngineNotFoundError",
    "Entry",
    "EvalReport",
    "Flag",
    "InputError",
    "InputTooLargeError",
    "Lexicon",
    "LexiconError",
    "MarkupError",
    "MissingFileError",
    "ModelNotFoundError",
    "NbestOptions",
    "OptionError",
    "Page",
    "Parsed",
    "Prompt",
    "RecognizeOptions",
    "Reconciliation",
    "Reference",
    "RescoreOptions",
    "Segment",
    "Source",
    "Span",
    "Term",
    "Token",
    "TranscribeOptions",
    "UncertainError",
    "UnsupportedFormatError",
    "ValidateOptions",
    "Validation",
    "Validator",
    "Word",
    "add_nbest",
    "apply_calibration",
    "default_lexicons",
    "detect",
    "document_from_text",
    "evaluate",
    "ingest",
    "json_schema",
    "load_calibration",
    "load_lexicon",
    "load_lexicons",
    "load_model",
    "parse",
    "read_text",
    "recognize",
    "reconcile",
    "render",
    "rescore",
    "resolve_model",
    "run_batch",
    "transcribe",
    "validate",
]

#: the module of each exported name (but the errors, imported above)
_HOMES = {
    name: module for module, names in {
        "asr": ("TranscribeOptions", "transcribe"),
        "batch": ("BatchSummary", "run_batch"),
        "calibrate": ("Calibration", "apply_calibration", "load_calibration"),
        "document": ("AcousticPass", "Alternative", "Candidate", "CharChoice", "CharChoices",
                     "Document", "Flag", "Page", "Segment", "Source", "Token", "Validation",
                     "Word", "json_schema"),
        "evaluate": ("EvalReport", "evaluate"),
        "ingest": ("detect", "ingest"),
        "lexicon": ("Entry", "Lexicon", "default_lexicons", "load_lexicon", "load_lexicons"),
        "models": ("load_model", "resolve_model"),
        "nbest": ("NbestOptions", "add_nbest"),
        "ocr": ("RecognizeOptions", "recognize"),
        "reconcile": ("Change", "Reconciliation", "reconcile"),
        "references": ("Reference", "Term"),
        "render": ("BudgetError", "Parsed", "Prompt", "Span", "parse", "render"),
        "rescore": ("RescoreOptions", "rescore"),
        "text": ("document_from_text", "read_text"),
        "validate": ("ValidateOptions", "Validator", "validate"),
    }.items() for name in names
}
#: exported functions named as their module: ``uncertain.validate`` is the function
_SHADOWING = frozenset(name for name, module in _HOMES.items() if name == module)


class _Package(types.ModuleType):
    """The package, whose exported names are imported when first asked for."""

    def __setattr__(self, name: str, value: Any) -> None:
        # Python binds a submodule to its package's name once imported: the package's
        # ``validate`` stays the function, as when every module was imported up front
        if (name in _SHADOWING and isinstance(value, types.ModuleType)
                and value.__name__ == f"{__name__}.{name}"):
            value = getattr(value, name)
        super().__setattr__(name, value)


if not TYPE_CHECKING:  # (for the type checker, the names are those imported above)
    def __getattr__(name: str) -> Any:
        """An exported name, imported now; or a submodule (``uncertain.lexicon``), which
        ``import uncertain`` made an attribute when it imported every module."""
        module = _HOMES.get(name)
        if module is None:
            if name.startswith("__"):
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
            try:
                return importlib.import_module(f"{__name__}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__name__}.{name}":
                    raise
                raise AttributeError(
                    f"module {__name__!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


sys.modules[__name__].__class__ = _Package
