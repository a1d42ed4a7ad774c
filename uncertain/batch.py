"""Batch runs: the same file -> document path over many inputs, one output record per input.

:func:`run_batch` reads directories, tar/zip archives (member by member, in memory) and
manifests (see :mod:`uncertain._batch_inputs`), sends audio through faster-whisper's
``BatchedInferencePipeline`` with word timestamps, images/PDFs through the OCR stage and
text through the text stage, validates every document with the chosen lexicons (and, for
audio, re-ranks the flags with the acoustic second pass of :mod:`uncertain.rescore`), and
appends one JSON line per input to ``out``. The work runs in this process (``engine=
"local"``: with one device, validation and encoding of a file run in a second thread while
the next file is transcribed; with several GPUs, one thread and worker per GPU) or on Ray
Data (``engine="ray"``); either way the records are written here, by one writer
(:mod:`uncertain._batch_records`).

Output records (one JSON object per line, written whole, ``fsync``-ed)::

    {"path": str,                 # the input file, or "ARCHIVE::MEMBER" ("#2" after
                                  # the second member of one name, and so on)
     "sha256": str,               # hex SHA-256 of the input's bytes
     "status": "ok",
     "kind": "audio" | "image" | "pdf" | "text",
     "duration": float | null,    # seconds of audio (null for other kinds)
     "document": {...},           # uncertain.document.Document, validated
     "prompt": str,               # only with prompts=True (--prompts)
     "prompt_json": {...}}        # that prompt as render --prompt-json saves it
                                  # (Prompt.to_dict), for reconcile --prompt

    {"path": str,
     "sha256": str | null,        # null when the input could not be read
     "status": "error",
     "error": str,                # exception class, e.g. "CorruptInputError"
     "message": str,              # the message, naming the path
     "limits": {...}}             # only for an input over a limit of the run's
                                  # (InputTooLargeError): the limits of its kind,
                                  # {"max_audio_seconds": s} or {"ocr_timeout": s,
                                  # "max_pixels": n, "max_pages": n}, null for none

Resuming (``resume=True``) skips every input whose ``(path, sha256)`` is already in
``out`` (ok or error), so nothing is written twice, the paths compared once made absolute
and normalised ("d/a.txt" and "./d/a.txt" are one input; a relative path resolves against
the folder the run is resumed from; an input named twice in one run is done and counted
once); a changed file (new hash) is done again, and so is
an input an earlier run failed on for a reason of the run's (an engine, a bug) or refused
under a lower limit than the resumed run's (its record's ``limits``): its new record
replaces the earlier one (written at the end, the old one dropped as the run ends,
or as the next resumed run ends if this one is killed between the two), so an input
keeps one record. An input that cannot be read now (its file gone) keeps the record of
the content it had, beside its error record, until a run reads it again. Without
``resume`` an existing ``out`` is refused unless ``force=True``, which starts it afresh
as its first record is written (a run stopped or failing before then leaves it as it was).
A run with no inputs logs a warning and writes nothing.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from tqdm import tqdm

from uncertain._batch_inputs import STDIN, Item, iter_items, list_items
from uncertain._batch_records import RecordWriter, input_key
from uncertain._batch_work import Processor, Record, WorkConfig, Worker, run_limits
from uncertain._io import NOT_REGULAR
from uncertain._progress import logging_above
from uncertain.errors import shown
from uncertain.images import check_dpi
from uncertain.text import check_encoding

log = logging.getLogger("uncertain")

Engine = Literal["local", "ray"]
ProcessorFactory = Callable[[WorkConfig], Processor]
Pending = Iterator[tuple[Item, "str | None"]]

__all__ = ["BatchSummary", "WorkConfig", "run_batch"]


@dataclass
class BatchSummary:
    """What a batch run did: counts, audio time, and the real-time factor."""

    out: str
    total: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    #: of the skipped, the inputs an earlier run recorded as errors (a resumed run's
    #: status counts them: the output holds their error records)
    failed_before: int = 0
    #: of the done and failed, the inputs an earlier run recorded with other content (the
    #: file edited since, or unreadable then): the new record of each replaces the earlier
    redone: int = 0
    #: of the failed, the inputs an earlier run recorded that cannot be read now (the file
    #: gone, or unreadable): the record of the content each had stays, beside its error
    #: record, which a run that reads it again drops
    gone: int = 0
    #: of the done and failed, the inputs an earlier run recorded as failed by the run, not
    #: by the input (an engine or a bug: :func:`uncertain._batch_records.final`), or as over
    #: a limit this run raised (``--max-audio-seconds``, ``--ocr-timeout``,
    #: ``--max-pixels``, ``--max-pages``), done again
    retried: int = 0
    #: the inputs named more than once (alike, by two paths, or in a folder named too):
    #: each is one input of ``total``, done or skipped once
    named_again: int = 0
    #: whether "-" (standard input) was named more than once: it is read once (not
    #: counted in ``named_again``)
    stdin_again: bool = False
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    #: of ``wall_seconds``, those spent loading: the speech model and the validator's index
    #: of the lexicons (a local run's; Ray's workers load their own, not counted here)
    load_seconds: float = 0.0
    repaired_bytes: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def audio_hours(self) -> float:
        return self.audio_seconds / 3600.0

    @property
    def work_seconds(self) -> float:
        """``wall_seconds`` but those spent loading (``load_seconds``)."""
        return max(0.0, self.wall_seconds - self.load_seconds)

    @property
    def real_time_factor(self) -> float | None:
        """Processing time over audio time (0.1: ten times faster than real time), the
        time spent loading the model and the lexicons apart: a run of 1.7 s of audio said
        19.7, the model's loading counted as the audio's."""
        return self.work_seconds / self.audio_seconds if self.audio_seconds else None

    @property
    def files_per_hour(self) -> float | None:
        """Inputs done or failed an hour, the time spent loading apart."""
        processed = self.done + self.failed
        return processed * 3600.0 / self.work_seconds if self.work_seconds else None

    def count(self, record: Record) -> None:
        if record["status"] == "ok":
            self.done += 1
            if record.get("kind") == "audio" and record.get("duration"):
                self.audio_seconds += float(record["duration"])
        else:
            self.failed += 1
            self.errors[record["error"]] = self.errors.get(record["error"], 0) + 1

    def format(self) -> str:
        """A few lines for people: done, failed, skipped, audio hours, real-time factor."""
        rtf = self.real_time_factor
        lines = [
            f"{self.done} done, {self.failed} failed, {self.skipped} skipped "
            + (f"({self.failed_before} of them failed in an earlier run) "
               if self.failed_before else "")
            + f"(of {self.total} input{'s' * (self.total != 1)}) -> {self.out}",
            f"audio {self.audio_hours:.3f} h in {self.wall_seconds:.1f} s"
            + (f" ({self.load_seconds:.1f} s of it loading the model and lexicons)"
               if self.load_seconds >= 0.05 else "")
            + (f", real-time factor {rtf:.3f}" + (" after loading" if self.load_seconds
                                                  >= 0.05 else "")
               if rtf is not None else ""),
        ]
        if self.errors:
            lines.append("failures: " + ", ".join(
                f"{name} {n}" for name, n in sorted(self.errors.items())))
        if self.repaired_bytes:
            lines.append(f"repaired: removed a partial last line ({self.repaired_bytes} bytes)")
        if self.redone:
            lines.append(
                f"redone: {self.redone} input{'s' * (self.redone != 1)} an earlier run "
                "recorded with other content (the file changed since, or could not be read "
                "then): the new record of each replaces the earlier one")
        if self.gone:
            lines.append(
                f"gone: {self.gone} input{'s' * (self.gone != 1)} an earlier run recorded "
                "cannot be read now (the file went, or is not readable): the earlier record "
                "of each stays in the output, before its error record, until it is read "
                "again")
        if self.named_again:
            lines.append(
                f"named again: {self.named_again} input{'s' * (self.named_again != 1)} "
                "named more than once (alike, by two paths, or in a folder named too): "
                "done and counted once")
        if self.stdin_again:
            lines.append("named again: '-' (standard input) named more than once: standard "
                         "input can be read once, and was")
        if self.retried:
            lines.append(
                f"retried: {self.retried} input{'s' * (self.retried != 1)} an earlier run "
                "failed on for a reason not of the input (an engine, a lexicon, a bug) or "
                "refused under a lower limit than this run's: the new record of each "
                "replaces its error record")
        return "\n".join(lines)


def run_batch(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    model: str | None = None,
    device: str = "auto",
    compute_type: str = "auto",
    cpu_threads: int = 0,
    batch_size: int = 8,
    language: str | None = None,
    engine: Engine = "local",
    resume: bool = False,
    force: bool = False,
    validate: bool = True,
    rescore: bool = True,
    calibration: str | None = "auto",
    lexicons: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    prompts: bool = False,
    style: str = "inline",
    dpi: float | None = None,
    encoding: str | None = None,
    max_pixels: int | None = None,
    max_pages: int | None = None,
    ocr_timeout: float | None = None,
    max_seconds: float | None = None,
    progress: bool = False,
    processor: ProcessorFactory | None = None,
    ray_address: str | None = None,
    fsync: bool = True,
    words: Sequence[tuple[str, str]] = (),
) -> BatchSummary:
    """Process every input named by ``inputs`` into one record each in ``out`` (JSON lines).

    ``inputs`` is one path (a file, a folder, an archive, a manifest) or several; so is
    ``lexicons`` (a name or a file), not the letters of a string.

    See the module docstring for the records and resuming. ``calibration`` is applied to
    every document before validation, as :func:`uncertain.calibrate.calibrate_document`
    takes it (``"auto"``: the shipped map for the engine and model when there is one;
    ``None``: the engines' own scores), as ``uncertain annotate`` does. ``lexicons`` are
    added to the shipped drugs and clinical lexicons; ``dpi`` is the resolution PDF pages
    are rendered at for OCR (None: 300), ``max_pixels`` the most pixels an image or a PDF
    page may have (None: 100 megapixels), ``max_pages`` the most pages an image or a PDF
    may have (None: 1,000; a file of more gets an error record naming its count, before
    any page is read), ``ocr_timeout`` the seconds one tesseract run
    may take (None or 0: no limit; an image whose first reading takes longer gets an error
    record naming it, a later pass that only tries to read the page better is given up
    with a warning); ``max_seconds`` the longest recording transcribed (None:
    ``$UNCERTAIN_MAX_AUDIO_SECONDS``, else 6 hours; a longer one gets an error record),
    read here and handed to every worker, Ray's actors included, whose environment is
    their cluster's; ``encoding`` is the plain-text transcripts'
    (None: detected, as :func:`uncertain.text.read_text` does); ``device="auto"`` takes every
    visible GPU, else the CPU. ``processor`` builds the per-file work from a
    :class:`WorkConfig` (the seam tests use; default :class:`uncertain._batch_work.Worker`).
    ``words`` are pairs of words of the library's messages and what records (error
    messages, the documents' warnings) say instead (the command line names its options:
    :func:`uncertain.cli.command_line_words`).
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]  # one path, not its letters ("note.txt": n, o, ..., "." the folder)
    if isinstance(lexicons, str | os.PathLike):
        lexicons = [lexicons]
    names = [os.fspath(p) for p in inputs]
    if engine not in ("local", "ray"):
        raise ValueError(f"unknown engine {engine!r}; expected 'local' or 'ray'")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if resume and force:
        raise ValueError("resume (continue the output) and force (start it afresh) "
                         "contradict each other: pass one")
    if encoding is not None:
        check_encoding(encoding)
    if dpi is not None:
        check_dpi(dpi)
    if max_pixels is not None and max_pixels < 1:
        raise ValueError(f"max_pixels must be >= 1, got {max_pixels}")
    if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int)
                                  or max_pages < 1):
        raise ValueError(f"max_pages must be a whole number >= 1, got {max_pages!r}")
    if ocr_timeout is not None and not (ocr_timeout >= 0 and math.isfinite(ocr_timeout)):
        raise ValueError(f"ocr_timeout must be a number of seconds >= 0, got {ocr_timeout}")
    # refused now, not in every record (a style) or at the first recording, hours in
    from uncertain.audio import max_seconds_of
    from uncertain.models import check_language_code
    from uncertain.render import STYLES

    check_language_code(language)
    max_seconds = max_seconds_of(max_seconds)  # (or $UNCERTAIN_MAX_AUDIO_SECONDS)
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    if cpu_threads < 0:
        raise ValueError(f"cpu_threads must be >= 0 (0: the cores this process may use, "
                         f"at most 8), got {cpu_threads}")
    from uncertain.calibrate import check_spec

    check_spec(calibration)
    config = WorkConfig(
        model=model, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
        batch_size=batch_size, language=language, validate=validate, rescore=rescore,
        calibration=calibration,
        lexicons=None if not lexicons else ("drugs", "clinical",
                                            *(os.fspath(x) for x in lexicons)),
        prompts=prompts, style=style, dpi=dpi, encoding=encoding, max_pixels=max_pixels,
        max_pages=max_pages,
        ocr_timeout=ocr_timeout or 0.0, max_seconds=max_seconds,
        words=tuple((str(said), str(meant)) for said, meant in words))
    summary = BatchSummary(out=os.fspath(out))
    started = time.perf_counter()
    # an input named twice ("a.wav a.wav", "d d/a.wav") is one input: done once, counted
    # once
    summary.total = len({input_key(path) for path in list_items(names, exclude=[out])})
    if summary.total == 0:
        log.warning("no input files in %s", ", ".join(map(shown, names)) or "(nothing given)")
        return summary
    out_path = Path(out)
    if out_path.is_dir():  # (it was told to pass --resume or --force, which then failed)
        raise IsADirectoryError(f"{out_path} is a folder; name a file to write")
    if out_path.exists() and any(os.path.realpath(n) == os.path.realpath(out_path)
                                 for n in names):
        raise FileExistsError(f"{out_path} is one of the inputs (a manifest?): --out must "
                              "name another file, or it would be overwritten before read")
    if out_path.exists() and not out_path.is_dir() and not out_path.is_file():
        # a FIFO or a device: reading it back (--resume) or locking it waited forever
        raise FileExistsError(f"{out_path} is {NOT_REGULAR}: --out must name a file, which "
                              "the run reads back to resume")
    if out_path.exists() and not (resume or force):
        raise FileExistsError(f"{out_path} exists; pass --resume to continue it "
                              "or --force to overwrite it")
    mode = "append" if resume else ("overwrite" if force else "new")
    factory: ProcessorFactory = processor or Worker
    # what can be known to fail is found before the output is touched (it was left empty,
    # and the run after the fix asked for --force): a bad lexicon, no Ray, no GPU here
    processors = (_local_processors(config, factory, progress=progress) if engine == "local"
                  else [])
    for lexicon in _without_entries(processors, config):  # (as annotate says it)
        log.warning("%s: the lexicon has no entries", shown(lexicon.path or lexicon.name))
    if engine == "ray":
        from uncertain._ray import require_ray
        from uncertain.models import check_compute_type

        check_compute_type(compute_type)  # (the device is the workers': theirs to check)
        require_ray()
    elif processor is None:
        from uncertain.models import pick_device

        pick_device(device, compute_type)
    # drawn on a terminal only (disable=None): a log file would fill with carriage returns
    bar = tqdm(total=summary.total, unit="file", disable=None if progress else True,
               dynamic_ncols=True, smoothing=0.1)
    redirect = logging_above(bar)
    made = False  # whether this run made the output file (or emptied it: --force)
    existed = out_path.exists()
    try:
        with RecordWriter(out_path, mode=mode, fsync=fsync,
                          limits=run_limits(config)) as writer, bar, redirect:
            made = mode != "append" or not existed
            summary.repaired_bytes = writer.repaired_bytes
            asked = os.fspath(model or "tiny.en")
            others = writer.models - {asked}
            if others and processor is None and not os.path.isdir(asked):
                # (a folder's model is named by what it holds: not compared here)
                log.warning("%s: its recordings were transcribed with %s; this run uses %s, so "
                            "the output will hold both", out_path, ", ".join(sorted(others)), asked)
            saved, unsaved, without = writer.prompted
            if prompts and without:  # (resumed with --prompts: those stayed without, unsaid)
                log.warning("%s: %d document%s in it %s no prompt (written without --prompts); "
                            "an input skipped keeps its record as it is (uncertain render "
                            "renders it)", out_path, without, "s" * (without != 1),
                            "has" if without == 1 else "have")
            elif not prompts and (saved or unsaved):
                log.warning("%s: its documents have prompts (--prompts); this run, without "
                            "--prompts, writes none", out_path)
            if prompts and unsaved:  # (reconcile --prompt reads a record's prompt_json)
                log.warning("%s: %d document%s in it %s a prompt's text but no saved prompt "
                            "(prompt_json, which batch --prompts writes since), so reconcile "
                            "--prompt cannot read %s; an input skipped keeps its record as "
                            "it is (uncertain render --prompt-json saves one)", out_path,
                            unsaved, "s" * (unsaved != 1), "has" if unsaved == 1 else "have",
                            "it" if unsaved == 1 else "theirs")
            if processors and all(isinstance(p, Worker) for p in processors):
                now = cast(Worker, processors[0]).lexicons
                if before := writer.lexicons - {now}:
                    # (a formulary added on resuming: the documents done before lack it)
                    log.warning("%s: its documents were %s; this run's are %s, so the "
                                "output will hold both", out_path,
                                ", ".join(sorted(_validated(b) for b in before)),
                                _validated(now))
            pending = _pending(iter_items(names, exclude=[out]), writer, summary, bar)
            if engine == "ray":
                from uncertain._ray import run_on_ray

                records = run_on_ray(pending, config, factory=factory, address=ray_address)
            else:
                records = _run_local(pending, processors)
            for record in records:
                if writer.write(record):
                    summary.count(record)
                bar.update(1)
                bar.set_postfix(audio_h=f"{summary.audio_hours:.3f}", failed=summary.failed,
                                refresh=False)
    except BaseException:
        # a run that stops before its first record (a model that cannot take the language
        # asked, found at the first recording) leaves no empty output of its own making:
        # the next run, mended, would be refused as "exists; pass --resume or --force"
        if made and out_path.is_file() and out_path.stat().st_size == 0:
            out_path.unlink()
        raise
    summary.wall_seconds = time.perf_counter() - started
    summary.load_seconds = _load_seconds(processors)
    log.info("batch finished: %s", summary.format().replace("\n", "; "))
    return summary


def _load_seconds(processors: Sequence[Processor]) -> float:
    """The seconds local ``processors`` spent loading: their validators, built one after
    another, and their speech models, loaded at once (one a GPU), the longest of them."""
    workers = [p for p in processors if isinstance(p, Worker)]
    return (sum(w.validator_seconds for w in workers)
            + max((w.model_seconds for w in workers), default=0.0))


def _without_entries(processors: Sequence[Processor], config: WorkConfig) -> list[Any]:
    """The lexicons given beside the shipped pair that hold no entry (a header alone,
    comments, every line a duplicate), as the first local worker's validator read them.
    Ray's actors read their own, and their logs reach no terminal (a run said nothing):
    the driver reads the user's lexicons once for them, which also refuses a malformed
    one before the output is touched, as a local run does. None for a local processor of
    another kind."""
    if processors:
        first = processors[0]
        lexicons = first.read_lexicons[2:] if isinstance(first, Worker) else []
    elif config.validate and config.lexicons:
        from uncertain.lexicon import load_lexicons

        lexicons = load_lexicons(config.lexicons[2:])
    else:
        return []
    return [lexicon for lexicon in lexicons if not lexicon.entries]


def _validated(lexicons: tuple[str, ...] | None) -> str:
    """How documents validated with ``lexicons`` (None: not validated) are said to be."""
    return ("not validated (--no-validate)" if lexicons is None
            else f"validated with {'+'.join(lexicons) or 'no lexicon'}")


def _pending(items: Iterator[Item], writer: RecordWriter, summary: BatchSummary,
             bar: tqdm[Any]) -> Pending:
    """Items not yet recorded, each with its content hash; recorded ones are counted skipped,
    and an input named again (:func:`uncertain._batch_records.input_key`) is passed over."""
    met: set[str] = set()
    again: set[str] = set()
    for item in items:
        path = input_key(item.path)
        if path in met:
            if path == STDIN:
                summary.stdin_again = True
            elif path not in again:
                again.add(path)
                summary.named_again += 1
            continue
        met.add(path)
        sha = None if item.error is not None else item.sha256()
        if writer.seen(path, sha):
            summary.skipped += 1
            summary.failed_before += writer.failed(path, sha)
            writer.unchanged(path, sha)
            bar.update(1)
            continue
        if writer.retrying(path, sha):
            summary.retried += 1
        elif writer.recorded_before(path):
            if sha is None:
                summary.gone += 1
            else:
                summary.redone += 1
        writer.require_writable(item.path)  # (a read-only output: before any work)
        yield item, sha


def _run_pipelined(pending: Pending, worker: Worker) -> Iterator[Record]:
    """Stage each item here while a second thread finishes the one before (in order)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="uncertain-finish") as pool:
        previous: Future[Record] | None = None
        for item, sha in pending:
            try:
                staged = worker.stage(item, sha)
            except Exception:  # the run's model failed: the file before it is written
                if previous is not None:
                    yield previous.result()
                raise
            if previous is not None:
                yield previous.result()
            previous = pool.submit(worker.finish, staged)
        if previous is not None:
            yield previous.result()


def _local_processors(config: WorkConfig, factory: ProcessorFactory, *,
                      progress: bool = False) -> list[Processor]:
    """One processor per GPU (each with its own validator), or one on the CPU; with
    ``progress``, workers' indexing of the user's lexicons is drawn as a bar (on a
    terminal), as annotate draws it."""
    workers = 1
    if config.device in ("auto", "cuda"):
        import ctranslate2

        workers = max(1, ctranslate2.get_cuda_device_count())
    if factory is not Worker:
        return [factory(config) for _ in range(workers)]
    return [Worker(config, progress=progress) for _ in range(workers)]


def _run_local(pending: Pending, processors: list[Processor]) -> Iterator[Record]:
    """Records in this process: one processor inline, or one thread per processor."""
    if len(processors) == 1:
        (processor,) = processors
        if isinstance(processor, Worker):
            yield from _run_pipelined(pending, processor)
        else:
            for item, sha in pending:
                yield processor.process(item, sha)
        return
    idle: queue.SimpleQueue[Processor] = queue.SimpleQueue()
    for processor in processors:
        idle.put(processor)

    def work(item: Item, sha: str | None) -> Record:
        processor = idle.get()  # a processor serves one item at a time
        try:
            return processor.process(item, sha)
        finally:
            idle.put(processor)

    in_flight: deque[Future[Record]] = deque()
    with ThreadPoolExecutor(max_workers=len(processors),
                            thread_name_prefix="uncertain-batch") as pool:
        for item, sha in pending:
            in_flight.append(pool.submit(work, item, sha))
            while len(in_flight) >= 2 * len(processors):
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
