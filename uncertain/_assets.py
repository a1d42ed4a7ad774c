"""Finding the data shipped with the package (lexicons, calibrations)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def lexicon_dir() -> Path:
    """The folder of shipped lexicons: inside an installed wheel, or ``lexicons/`` in a checkout."""
    for candidate in (_PACKAGE / "_lexicons", _PACKAGE.parent / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the shipped lexicons are missing from this installation")


def data_dir() -> Path:
    """Small data files that live inside the package (calibrations, ...)."""
    return _PACKAGE / "data"
