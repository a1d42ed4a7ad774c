"""The exception tree. Every error the package raises on bad input is one of these.

::

    UncertainError
     ├── InputError                  a file cannot be used (``.path``)
     │    ├── MissingFileError       it does not exist or cannot be read
     │    ├── EmptyInputError        it has zero bytes
     │    ├── UnsupportedFormatError its content is no format we handle
     │    ├── CorruptInputError      it claims a format but does not decode
     │    ├── InputTooLargeError     it exceeds a documented limit (decompression bomb)
     │    └── EncryptedInputError    it is an encrypted PDF
     ├── EngineError                 an engine or model cannot be used
     │    ├── EngineNotFoundError    a binary, language pack or package is missing
     │    └── ModelNotFoundError     a model name or directory cannot be resolved
     ├── LexiconError                a lexicon file is malformed (``.path``, ``.line``)
     ├── CalibrationError            a calibration file does not fit the engine/model
     ├── MarkupError                 rendered text cannot be parsed back
     └── OptionError                 an option's value is none it takes (a ValueError too)

Third-party errors are mapped to these at one boundary, with ``raise ... from exc``.
Each pickles and unpickles whole (its type, message and attributes), so a process
pool's worker can send one back to its caller.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence


def shown(path: str | os.PathLike[str]) -> str:
    """A file name as one line of a message: its control characters (a newline in a
    name) and undecodable bytes escaped as Python writes them, the rest as it is."""
    name = os.fspath(path)
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def finite_number(value: object, *, whole: bool = False) -> bool:
    """Whether an option's ``value`` is a finite number (a whole one if ``whole``), not a
    bool, a string or NaN: what the stages' option checks start from."""
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        return False
    return math.isfinite(value)


def reworded(message: str, words: Sequence[tuple[str, str]]) -> str:
    """``message`` with each of ``words``' first strings said as its second (the command
    line names a setting by its option: :func:`uncertain.cli.command_line_words`)."""
    for said, meant in words:
        message = message.replace(said, meant)
    return message


class UncertainError(Exception):
    """Base class of every error this package raises."""


class InputError(UncertainError):
    """An input file cannot be used; ``.path`` names it."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        self.path = os.fspath(path)
        self.reason = message
        super().__init__(f"{shown(self.path)}: {message}" if self.path else message)

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # (pickled as its arguments, not its message: a process pool's worker sends it)
        return type(self), (self.path, self.reason)


class MissingFileError(InputError):
    """The input file does not exist or cannot be read."""


class EmptyInputError(InputError):
    """The input file has zero bytes."""


class UnsupportedFormatError(InputError):
    """The input's content is not a format this package handles."""


class CorruptInputError(InputError):
    """The input claims a format but cannot be decoded (truncated, damaged, mislabelled)."""


class InputTooLargeError(InputError):
    """The input exceeds a documented size limit (for example a decompression bomb)."""


class EncryptedInputError(InputError):
    """The input is encrypted (a password-protected PDF)."""


class EngineError(UncertainError):
    """An engine, binary or model cannot be used."""


class EngineNotFoundError(EngineError):
    """A required binary, language pack or package is not installed."""


class ModelNotFoundError(EngineError):
    """A model name or directory cannot be resolved without a network."""


class LexiconError(UncertainError):
    """A lexicon file is malformed; ``.path`` and ``.line`` say where."""

    def __init__(self, path: str | os.PathLike[str], message: str, line: int | None = None) -> None:
        self.path = os.fspath(path)
        self.line = line
        self.reason = message
        where = f"{shown(self.path)}:{line}" if line is not None else shown(self.path)
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[LexiconError], tuple[str, str, int | None]]:
        return type(self), (self.path, self.reason, self.line)


class CalibrationError(UncertainError):
    """A calibration file is malformed or was fitted for another engine or model."""


class MarkupError(UncertainError):
    """Rendered text does not parse back under the given style."""


class OptionError(UncertainError, ValueError):
    """An option's value is none the option takes; the message names both."""
