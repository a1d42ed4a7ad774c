"""uncertain: ingest audio and scanned documents without throwing away how sure the machine was."""

from __future__ import annotations

from uncertain.document import Document

__all__ = ["Document"]
__version__ = "0.1.0"
