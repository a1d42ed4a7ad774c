"""uncertain: ingest audio and scanned documents without throwing away how sure the machine was.

::

    file ──► stage (asr | ocr | text) ──► Document (words + confidence + provenance)
         ──► validate(lexicons) ──► Document + flags + candidates ──► render ──► prompt
    batch = the same path over many files, one output record per input

The public API is what ``__all__`` lists; a test holds it.
"""

from __future__ import annotations

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
