"""Routing: pick the stage for a file from its content (magic bytes), not only its name.

``ingest`` is the one entry point that takes any supported file: audio goes to
:func:`uncertain.asr.transcribe`, images and PDFs to :func:`uncertain.ocr.recognize`,
plain text to :func:`uncertain.text.read_text`.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from uncertain._io import (
    Kind,
    Sniffed,
    check_input,
    cut_short,
    kind_from_extension,
    require_path,
    sniff_bytes,
)
from uncertain.document import Document
from uncertain.errors import CorruptInputError, UnsupportedFormatError


def detect(path: str | os.PathLike[str], *, encoding: str | None = None) -> Sniffed:
    """What ``path`` is, from its content; raise when its content cannot be handled.

    The extension is only used to catch a mismatch that the content alone would hide:
    a text file renamed ``.wav`` is refused rather than read as a transcript; and, with
    an ``encoding`` named, to take content the bytes alone do not tell (UTF-16 without a
    byte-order mark) for text when the name says text.
    """
    require_path(path, "detect")
    p = check_input(path)
    with open(p, "rb") as fh:
        head = fh.read(_HEAD)
    return judge(sniff_bytes(head), kind_from_extension(p), p, encoding=encoding, head=head,
                 whole=len(head) < _HEAD or p.stat().st_size == len(head))


#: how much of a file is read to sniff it
_HEAD = 4096


def judge(sniffed: Sniffed, claimed: Kind, name: str | os.PathLike[str], *,
          encoding: str | None = None, head: bytes = b"", whole: bool = False) -> Sniffed:
    """:func:`detect`'s verdict on what a file's first bytes say (``sniffed``) and its
    name's extension (``claimed``); ``name`` is what errors call it, ``head`` (the first
    bytes, when read) says where binary content is; ``whole``: ``head`` is all the file
    holds (a file cut short inside a format's header is said to be so)."""
    if whole and not (sniffed.kind == "text" and claimed in ("text", "unknown")):
        # (a WAV cut to its 4 bytes "RIFF" was "named as audio but its content is plain
        # text"; a text named as text, or not named as any kind, stays text)
        cut = cut_short(head, name)
        if cut is not None:
            size, (fmt, need) = len(head), cut
            an = "an" if str(need).startswith("8") or need in (11, 18) else "a"  # (eight...)
            raise CorruptInputError(
                name, f"truncated or corrupt: its {size} byte{'s' * (size != 1)} are only "
                      f"the start of {an} {need}-byte {fmt} header")
    if sniffed.format == "svg":
        raise UnsupportedFormatError(
            name, "content is an SVG drawing, which is not read: render it to PNG or PDF "
                  "first (rsvg-convert, inkscape, a browser's print to PDF)")
    if sniffed.format in ("json", "html", "rtf"):
        raise UnsupportedFormatError(name, _not_prose(sniffed.format, head))
    if sniffed.kind == "unknown":
        if encoding is not None and claimed == "text":
            return Sniffed("text", encoding)
        hint = ("; if it is text in an encoding its bytes do not tell (UTF-16 without a "
                "byte-order mark), name it (encoding=, --encoding)" if claimed == "text" else "")
        nul = head.find(b"\x00")
        binary = f"binary (a NUL byte at offset {nul}), " if nul >= 0 else ""
        raise UnsupportedFormatError(
            name, f"content is {binary}not a supported audio, image, PDF or text format{hint}"
        )
    if sniffed.kind == "text" and claimed in ("audio", "image", "pdf"):
        raise UnsupportedFormatError(
            name, f"named as {claimed} ({PurePosixPath(name).suffix}) but its content is "
                  "plain text"
        )
    return sniffed


def _not_prose(fmt: str, head: bytes) -> str:
    """Why a text file of markup or data is not read as a transcript, and what to do."""
    if fmt == "html":
        return ("content is a web page (HTML), which is not read as a transcript: save its "
                "text first (a browser's Save as Text, html2text)")
    if fmt == "rtf":
        return ("content is a word processor's RTF, which is not read as a transcript: save "
                "it as plain text first")
    if _SAVED_DOCUMENT.match(head):
        return ("content is a document uncertain saved (JSON), which is not a transcript to "
                "read again: `uncertain render FILE` renders it (Python: "
                "Document.from_json)")
    if _BATCH_RECORD.match(head):
        return ("content is a batch run's records (JSON lines), which are not a transcript: "
                "`uncertain render FILE` renders their documents")
    return ("content is JSON, which is not read as a transcript: give its text as a plain "
            "text file (another engine's output: its transcript's text)")


#: the start of a document as Document.to_json and annotate write it (one, or an array)
_SAVED_DOCUMENT = re.compile(rb'(?:\xef\xbb\xbf)?\s*\[?\s*\{\s*"schema_version"\s*:')
#: the start of a batch record (uncertain batch's output)
_BATCH_RECORD = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"path"\s*:\s*"(?:[^"\\]|\\.)*"\s*,'
                           rb'\s*"sha256"\s*:')


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
    require_path(path, "ingest")
    unknown = set(options)
    for kind in _KNOWN_ORDER:  # (until each is known: see _KNOWN_ORDER)
        if not unknown:
            break
        unknown -= _known(kind)
    if unknown:
        raise TypeError(f"ingest() got options no stage accepts: {', '.join(sorted(unknown))}")
    encoding = options.get("encoding")
    kind = detect(path, encoding=encoding if isinstance(encoding, str) else None).kind
    stage = _stage_for(kind)
    return stage(path, **_accepted(stage, options))


#: the stages whose options an ingestion's are looked for in, in this order: the speech
#: engine's module, the slowest to import (faster-whisper, PyAV: 0.2 s of CPU), only
#: for an option neither a text nor a scan takes (``progress`` both the others take)
_KNOWN_ORDER = ("text", "image", "audio")


def _known(kind: str) -> set[str]:
    """The options the stage of ``kind`` takes."""
    stage = _stage_for(kind)
    return (set(inspect.signature(stage).parameters) | _option_fields(stage)) - {"path"}

