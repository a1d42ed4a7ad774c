"""Shared fixtures. Real-engine tests are marked ``slow``; CI runs them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI draws the same examples at every run of a commit (``HYPOTHESIS_PROFILE=ci``, set
# by .ci/run): a property test that finds a new case there would turn a commit red
# that passed before. Runs elsewhere draw new ones each time, and find them.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "samples"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES
