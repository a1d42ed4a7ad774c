"""The per-file work of a batch run: one input item in, one output record out.

:class:`Worker` owns what happens to one item, whichever engine schedules it (the local
loop or a Ray actor): route it by content (audio, image/PDF, text), run the stage, run the
validator (one per worker, built once), render the prompt when asked, and turn any failure
into an error record. Audio goes through :class:`uncertain._batch_asr.BatchedASR`, decoded
from memory for archive members; a text member is decoded from memory by the text
stage's own decoder. The OCR stage only takes paths, so an image or PDF member is spilled
to a temporary file that is deleted as soon as the stage returns; the document and any
error still name the member, never the temporary file.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from uncertain._batch_inputs import Item, spilled, spilled_stage
from uncertain._io import kind_from_extension, sniff_bytes
from uncertain.audio import DEFAULT_CHUNK_SECONDS, DEFAULT_SEARCH_SECONDS
from uncertain.calibrate import calibrate_document
from uncertain.document import Document
from uncertain.errors import (
    EmptyInputError,
    InputError,
    InputTooLargeError,
    ModelNotFoundError,
    UncertainError,
    reworded,
)

if TYPE_CHECKING:
    from uncertain._batch_asr import BatchedASR, BatchedEngine
    from uncertain._markup import Style
    from uncertain.lexicon import Lexicon

log = logging.getLogger("uncertain")

Record = dict[str, Any]


@dataclass(frozen=True)
class WorkConfig:
    """Everything a worker needs to build its engines (plain values, so Ray can ship it)."""

    model: str | None = None
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    batch_size: int = 8
    language: str | None = None
    vad_filter: bool = True
    validate: bool = True
    rescore: bool = True  # the acoustic second pass over flagged audio spans
    calibration: str | None = "auto"  # as uncertain.calibrate.calibrate_document takes
    lexicons: tuple[str, ...] | None = None  # None: the shipped drugs and clinical lexicons
    prompts: bool = False
    style: str = "inline"
    ocr_lang: str = "eng"
    dpi: float | None = None  # PDF pages' render resolution for OCR (None: recognize's 300)
    max_pixels: int | None = None  # an image's or page's pixel limit (None: recognize's)
    max_pages: int | None = None  # an image's or PDF's page limit (None: recognize's)
    ocr_timeout: float = 0.0  # seconds one tesseract run may take (0: no limit)
    encoding: str | None = None  # plain-text transcripts' encoding (None: detected)
    #: a recording file is transcribed in pieces this long (as uncertain.audio.iter_chunks)
    chunk_seconds: float = DEFAULT_CHUNK_SECONDS
    search_seconds: float = DEFAULT_SEARCH_SECONDS
    #: the longest audio decoded (as uncertain.audio.decode's ``max_seconds``; None: the
    #: worker's ``$UNCERTAIN_MAX_AUDIO_SECONDS``, else 6 hours). A run sets the driver's
    #: here: a Ray actor's environment is its cluster's, not the driver's
    max_seconds: float | None = None
    #: words of the library's messages said otherwise in records (error messages and the
    #: documents' warnings), each pair the library's and the caller's (the command line
    #: names its options: ``--max-audio-seconds`` where the API's keyword is ``max_seconds``)
    words: tuple[tuple[str, str], ...] = ()


#: the limits a run sets on its inputs, by the names error records keep them under (None:
#: no limit)
Limits = dict[str, float | None]

#: the limits an input of each kind is held to (an error record of one over them keeps them)
LIMITS_OF_KIND = {"audio": ("max_audio_seconds",),
                  "image": ("ocr_timeout", "max_pixels", "max_pages"),
                  "pdf": ("ocr_timeout", "max_pixels", "max_pages")}


def run_limits(config: WorkConfig) -> Limits:
    """The limits ``config`` sets on inputs: the longest recording, one tesseract run's
    seconds, an image's pixels, a file's pages (None: no limit). An input refused for going over one
    (:class:`~uncertain.errors.InputTooLargeError`) has its record keep those of its kind
    (``limits``), so that a run resumed with a higher one does it again
    (:func:`uncertain._batch_records.final`)."""
    from uncertain.audio import max_seconds_of
    from uncertain.images import DEFAULT_MAX_PIXELS
    from uncertain.ocr import DEFAULT_MAX_PAGES

    longest = max_seconds_of(config.max_seconds)
    return {"max_audio_seconds": longest if math.isfinite(longest) else None,
            "ocr_timeout": config.ocr_timeout or None,
            "max_pixels": config.max_pixels or DEFAULT_MAX_PIXELS,
            "max_pages": config.max_pages or DEFAULT_MAX_PAGES}


class Processor(Protocol):
    """Turns one item (with its content hash) into one record; the seam tests replace."""

    def process(self, item: Item, sha256: str | None) -> Record: ...


def error_record(path: str, sha256: str | None, exc: BaseException,
                 words: tuple[tuple[str, str], ...] = ()) -> Record:
    """The record of an input that failed: ``error`` is the exception's class name; the
    message's ``words`` are said otherwise (:attr:`WorkConfig.words`)."""
    message = str(exc)
    if not isinstance(exc, UncertainError) and path not in message:
        message = f"{path}: {message}"
    return {"path": path, "sha256": sha256, "status": "error",
            "error": type(exc).__name__, "message": reworded(message, words)}


def _failed(path: str, sha256: str | None, exc: Exception,
            words: tuple[tuple[str, str], ...] = ()) -> Record:
    record = error_record(path, sha256, exc, words)
    if isinstance(exc, UncertainError):
        log.warning("%s: %s", type(exc).__name__, record["message"])
    else:  # one file's engine failure must not end the run
        log.error("%s failed: %s", path, exc, exc_info=True)
    return record


@dataclass(frozen=True)
class Staged:
    """An item whose stage has run: the document waits for validation and rendering."""

    path: str
    sha256: str | None
    kind: str
    document: Document
    audio: Any = None  # the decoded samples of an audio item, for the acoustic pass
    #: the file of a recording read in pieces, whose windows the acoustic pass reads
    recording: str | None = None


class Worker:
    """Runs the stages on items (see the module docstring); build one per thread or actor."""

    def __init__(self, config: WorkConfig | None = None, *,
                 asr_engine: BatchedEngine | None = None, progress: bool = False) -> None:
        """The lexicons are read (and a malformed one refused) here, and indexed for the
        first document to validate: a resumed run with nothing left to do indexed them
        for nothing (1 s of CPU for the shipped ones, read back from their cache; 83 s
        for a million terms of the user's). ``progress`` draws a bar of the terms of the
        user's lexicons indexed (on a terminal)."""
        self.config = config or WorkConfig()
        self._asr_engine = asr_engine
        self._asr: BatchedASR | None = None
        self._validator: Any = None
        self._lexicons: list[Lexicon] | None = None
        self._progress = progress
        #: seconds spent reading the lexicons and building the validator (indexing them)
        #: and loading the speech model: a run's summary tells them apart from the work on
        #: its files
        self.validator_seconds = 0.0
        self.model_seconds = 0.0
        if self.config.validate:
            from uncertain.lexicon import default_lexicons, load_lexicons
            from uncertain.validate import _named_apart

            began = time.perf_counter()
            self._lexicons = (default_lexicons() if self.config.lexicons is None
                              else _named_apart(load_lexicons(list(self.config.lexicons))))
            self.validator_seconds = time.perf_counter() - began

    @property
    def lexicons(self) -> tuple[str, ...] | None:
        """The names of the lexicons documents are validated with (None: not validated),
        as a document's ``validation.lexicons`` names them."""
        if self._lexicons is None:
            return None
        return tuple(lexicon.name for lexicon in self._lexicons)

    @property
    def read_lexicons(self) -> list[Lexicon]:
        """The lexicons documents are validated with, read (none: not validated)."""
        return list(self._lexicons or ())

    @property
    def validator(self) -> Any:
        """The validator (None: not validated), built on first use."""
        if self._validator is None and self._lexicons is not None:
            from uncertain._progress import indexing
            from uncertain.validate import Validator

            began = time.perf_counter()
            with indexing(self._progress) as progress:
                self._validator = Validator(self._lexicons, progress=progress)
            self.validator_seconds += time.perf_counter() - began
        return self._validator

    @property
    def asr(self) -> BatchedASR:
        """The batched ASR, loaded on first use (a run without audio never loads a model)."""
        if self._asr is None:
            from uncertain._batch_asr import BatchedASR, BatchedOptions, plan_device

            cfg = self.config
            began = time.perf_counter()
            try:
                plan = None if self._asr_engine is not None else plan_device(
                    cfg.device, cfg.compute_type, cpu_threads=cfg.cpu_threads)
                self._asr = BatchedASR(
                    model=cfg.model, plan=plan, language=cfg.language, engine=self._asr_engine,
                    options=BatchedOptions(batch_size=cfg.batch_size,
                                           vad_filter=cfg.vad_filter))
            except ModelNotFoundError:
                raise
            except Exception as exc:  # CTranslate2 refusing a compute type, threads, ...
                raise ModelNotFoundError(
                    f"cannot load the Whisper model {cfg.model or 'tiny.en'} (device "
                    f"{cfg.device}, compute type {cfg.compute_type}): {exc}") from exc
            finally:
                self.model_seconds += time.perf_counter() - began
        return self._asr

    def process(self, item: Item, sha256: str | None) -> Record:
        """The record for ``item``: ``status`` ``ok`` with the document, or an error record."""
        return self.finish(self.stage(item, sha256))

    def stage(self, item: Item, sha256: str | None) -> Staged | Record:
        """The first half of :meth:`process`: run the stage (decode, transcribe or OCR).

        Returns what :meth:`finish` completes, or already an error record. The local
        engine runs the two halves in two threads, so the validator and the JSON encoding
        of one file overlap the engine's work on the next.
        """
        kind: str | None = None
        try:
            if item.error is not None:
                raise item.error
            kind = _kind(item, self.config.encoding)
            doc, samples = self._document(item, sha256, kind)
            if doc.source.path != item.path:  # (a file named "-", which its stage's
                # path made "-": named as its record is, "./-")
                doc = doc.model_copy(update={
                    "source": doc.source.model_copy(update={"path": item.path})})
            # a recording of several pieces keeps no samples: the pass reads its file
            recording = (os.fspath(item.file or item.path) if kind == "audio"
                         and samples is None and item.data is None and sha256 else None)
            return Staged(item.path, sha256, kind, doc, samples, recording)
        except ModelNotFoundError:
            raise  # the run's model, not this input: the run stops (no record to redo)
        except Exception as exc:
            if isinstance(exc, InputError) and exc.path != item.path and (
                    item.file is not None and os.path.normpath(exc.path) == os.path.normpath(
                        item.file)):  # (a file named "-" given as "./-": named so)
                exc = type(exc)(item.path, exc.reason)
            record = _failed(item.path, sha256, exc, self.config.words)
            if isinstance(exc, InputTooLargeError) and kind in LIMITS_OF_KIND:
                # over a limit of the run's, which a resumed run may raise
                limits = run_limits(self.config)
                record["limits"] = {name: limits[name] for name in LIMITS_OF_KIND[kind]}
            return record

    def finish(self, staged: Staged | Record) -> Record:
        """The second half of :meth:`process`: validate, render, build the record."""
        if not isinstance(staged, Staged):
            return staged
        try:
            doc = calibrate_document(staged.document, self.config.calibration)
            if (validator := self.validator) is not None:
                doc = validator.validate(doc)
                audio = staged.audio if staged.audio is not None else staged.recording
                if self.config.rescore and audio is not None:
                    from uncertain.rescore import rescore

                    doc = rescore(doc, model=self.asr.model, audio=audio)
            if self.config.words:  # its warnings said as its errors are (a PDF page read
                # at a lower resolution tells to raise --max-pixels on the command line)
                doc = doc.model_copy(update={"warnings": [
                    reworded(note, self.config.words) for note in doc.warnings]})
            record: Record = {"path": staged.path, "sha256": staged.sha256, "status": "ok",
                              "kind": staged.kind, "duration": doc.source.duration,
                              "document": doc.model_dump(mode="json")}
            if self.config.prompts:
                from uncertain.render import render

                prompt = render(doc, style=cast("Style", self.config.style))
                # the text to send, and the prompt as reconcile --prompt reads it back
                record["prompt"] = prompt.text
                record["prompt_json"] = prompt.to_dict()
            return record
        except ModelNotFoundError:
            raise
        except Exception as exc:
            return _failed(staged.path, staged.sha256, exc, self.config.words)

    def _document(self, item: Item, sha256: str | None, kind: str) -> tuple[Document, Any]:
        if kind == "audio":
            from uncertain._batch_asr import decode_bytes

            notes: list[str] = []  # what decoding repaired
            if item.data is not None:  # a member, in memory already
                samples = decode_bytes(item.data, item.path, on_note=notes.append,
                                       max_seconds=self.config.max_seconds)
                doc = self.asr.transcribe(samples, path=item.path, sha256=sha256 or "",
                                          notes=notes)
                return doc, samples
            # a file is decoded in pieces of a few minutes (cut where it is quiet), so
            # that a recording of hours never sits in memory whole; one of a single piece
            # keeps its samples for the acoustic pass, which reads a longer one's flagged
            # windows from the file
            from uncertain.audio import iter_chunks

            chunks = iter_chunks(item.file or item.path, on_note=notes.append,
                                 chunk_seconds=self.config.chunk_seconds,
                                 search_seconds=self.config.search_seconds,
                                 max_seconds=self.config.max_seconds)
            first = next(chunks, None)
            second = next(chunks, None)
            if first is None or second is None:
                samples = first.samples if first is not None else np.zeros(0, np.float32)
                doc = self.asr.transcribe(samples, path=item.path, sha256=sha256 or "",
                                          notes=notes)
                return doc, samples
            pieces = ((c.start, c.samples) for c in itertools.chain([first, second], chunks))
            doc = self.asr.transcribe_chunks(pieces, path=item.path, sha256=sha256 or "",
                                             notes=notes)
            return doc, None
        if kind in ("image", "pdf"):
            from uncertain import images
            from uncertain.ocr import DEFAULT_MAX_PAGES, recognize

            dpi = self.config.dpi or images.DEFAULT_PDF_DPI
            limit = self.config.max_pixels or images.DEFAULT_MAX_PIXELS
            return self._on_file(item, sha256, lambda p: recognize(
                p, lang=self.config.ocr_lang, dpi=dpi, max_pixels=limit,
                max_pages=self.config.max_pages or DEFAULT_MAX_PAGES,
                timeout=self.config.ocr_timeout)), None
        if item.data is None:
            from uncertain.text import read_text

            return read_text(item.file or item.path, encoding=self.config.encoding), None
        from uncertain.text import document_from_bytes

        return document_from_bytes(item.data, path=item.path, sha256=sha256 or "",
                                         encoding=self.config.encoding), None

    def _on_file(self, item: Item, sha256: str | None, stage: Any) -> Document:
        if item.data is None:
            result: Document = stage(item.file or item.path)
            return result
        with spilled(item) as tmp:
            doc = spilled_stage(item, tmp, stage)
        source = doc.source.model_copy(update={"path": item.path, "sha256": sha256 or ""})
        return doc.model_copy(update={"source": source})


def _kind(item: Item, encoding: str | None = None) -> str:
    """What the item holds, judged by content as :func:`uncertain.ingest.detect` judges
    a file (a named ``encoding`` makes unknown content named as text, text)."""
    from uncertain.ingest import detect, judge

    if item.data is None:
        return detect(item.file or item.path, encoding=encoding).kind
    if not item.data:
        raise EmptyInputError(item.path, "file is empty (0 bytes)")
    return judge(sniff_bytes(item.data[:4096]), kind_from_extension(item.name), item.path,
                 encoding=encoding, head=item.data[:4096], whole=len(item.data) <= 4096).kind
