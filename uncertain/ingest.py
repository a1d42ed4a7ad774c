"""Routing: pick the stage for a file from its content (magic bytes), not only its name.

``ingest`` is the one entry point that takes any supported file: audio goes to
:func:`uncertain.asr.transcribe`, images and PDFs to :func:`uncertain.ocr.recognize`,
plain text to :func:`uncertain.text.read_text`.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from uncertain._io import Sniffed, check_input, kind_from_extension, sniff
from uncertain.document import Document
from uncertain.errors import UnsupportedFormatError


def detect(path: str | os.PathLike[str]) -> Sniffed:
    """What ``path`` is, from its content; raise when its content cannot be handled.

    The extension is only used to catch a mismatch that the content alone would hide:
    a text file renamed ``.wav`` is refused rather than read as a transcript.
    """
    p = check_input(path)
    sniffed = sniff(p)
    claimed = kind_from_extension(p)
    if sniffed.kind == "unknown":
        raise UnsupportedFormatError(
            p, "content is not a supported audio, image, PDF or text format"
        )
    if sniffed.kind == "text" and claimed in ("audio", "image", "pdf"):
        raise UnsupportedFormatError(
            p, f"named as {claimed} ({p.suffix}) but its content is plain text"
        )
    return sniffed


def _stage_for(kind: str) -> Callable[..., Document]:
    if kind == "audio":
        from uncertain.asr import transcribe

        return transcribe
    if kind in ("image", "pdf"):
        from uncertain.ocr import recognize

        return recognize
    from uncertain.text import read_text

    return read_text


def _accepted(func: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        # the stage takes overrides of its options object: pass only names it knows
        known = set(params) | _option_fields(func)
    else:
        known = set(params)
    return {k: v for k, v in options.items() if k in known}


def _option_fields(func: Callable[..., Any]) -> set[str]:
    module = inspect.getmodule(func)
    fields: set[str] = set()
    for name in ("TranscribeOptions", "RecognizeOptions"):
        cls = getattr(module, name, None)
        if cls is not None:
            names = getattr(cls, "model_fields", None) or getattr(cls, "__dataclass_fields__", {})
            fields |= set(names)
    return fields


def ingest(path: str | os.PathLike[str], **options: Any) -> Document:
    """Turn any supported file into a ``Document``, choosing the stage from its content.

    ``options`` are passed to the chosen stage; options meant for another stage
    (``model`` for audio, ``lang`` for images) are ignored by the others, so one call
    works for a mixed list of files.
    """
    unknown = set(options) - _all_known()
    if unknown:
        raise TypeError(f"ingest() got options no stage accepts: {', '.join(sorted(unknown))}")
    kind = detect(path).kind
    stage = _stage_for(kind)
    return stage(path, **_accepted(stage, options))


def _all_known() -> set[str]:
    known: set[str] = set()
    for kind in ("audio", "image", "text"):
        stage = _stage_for(kind)
        known |= set(inspect.signature(stage).parameters) | _option_fields(stage)
    known.discard("path")
    return known
