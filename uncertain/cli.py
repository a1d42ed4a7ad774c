"""The ``uncertain`` command line: parse arguments, call the library, format results.

Commands: ``annotate`` (files -> documents, validated, as JSON, JSON lines or a
prompt), ``render`` (a saved document -> prompt), ``schema`` (the JSON Schema),
``lexicon`` (inspect and check a lexicon file); ``batch``, ``eval`` and ``calibrate``
live in :mod:`uncertain._cli_runs`.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import logging
import math
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from uncertain import __version__
from uncertain.document import Document, invalid_summary, json_schema, misplaced_flag
from uncertain.errors import ModelNotFoundError, UncertainError, reworded, shown

if TYPE_CHECKING:
    from uncertain.lexicon import Entry, Lexicon
    from uncertain.render import Prompt
    from uncertain.validate import Validator

log = logging.getLogger("uncertain")


def command_line_words() -> tuple[tuple[str, str], ...]:
    """The library's words for a setting its messages tell to raise, each with the
    command line's option that sets it: an error said here, and a document's warning
    said or written here, names the option (``--max-audio-seconds``, not the
    ``max_seconds`` keyword of the API). A limit no option sets is said as what the user
    can do instead (a transcript over :data:`uncertain.text.MAX_TEXT_BYTES`: split it)."""
    from uncertain.audio import RAISES_IT
    from uncertain.text import TEXT_RAISES_IT

    return ((RAISES_IT.format(setting="max_seconds"),
             RAISES_IT.format(setting="--max-audio-seconds")),
            ("raise max_pixels", "raise --max-pixels"),
            ("raise max_pages", "raise --max-pages"),
            (TEXT_RAISES_IT, "(split it into smaller files to read it)"))


def _input_name(path: str) -> str:
    """``path`` as messages name an input: "-" (standard input) as ``<stdin>``, as annotate
    and batch name it, a file's path as it was given."""
    from uncertain._batch_inputs import STDIN

    return STDIN if path == "-" else path


def _fail(exc: BaseException, path: str | os.PathLike[str] | None = None) -> None:
    """Say on stderr what failed, one line: the exception's class and message, after the
    ``path`` of the input it was about when the message does not name it (the settings it
    tells to raise named as the options that set them: :func:`command_line_words`)."""
    from uncertain.errors import EngineError, InputError

    named = ("" if path is None or isinstance(exc, EngineError) or shown(path) in str(exc)
             # (an archive member's key, 'a.tar::d//a.txt', read as a path: 'a.tar::d/a.txt')
             or (isinstance(exc, InputError) and Path(exc.path) == Path(path))
             else f"{shown(path)}: ")  # (a model or binary is no input's fault)
    message = str(exc)
    if "max_" in message:  # (the words are looked up only where they may be)
        message = reworded(message, command_line_words())
    print(f"{type(exc).__name__}: {named}{message}", file=sys.stderr)


class _Output:
    """Where results go: stdout, or a file written whole and moved into place at the end
    (the file a link names, as a shell's ">" writes through it; a device or a pipe,
    ``/dev/null``, is written straight, as ">" does, and never replaced)."""

    def __init__(self, out: str | None, *, force: bool) -> None:
        self.path = Path(out) if out and out != "-" else None  # ("-": standard output)
        self.force = force
        self.straight = False  # a device or a pipe: written to, not replaced
        if self.path is not None and self.path.is_dir():
            raise IsADirectoryError(f"{self.path} is a folder; name a file to write")
        if self.path is not None and self.path.exists():
            self.straight = not self.path.is_file()
            if not (force or self.straight):  # (nothing of a device's to overwrite)
                raise FileExistsError(f"{self.path} exists; pass --force to overwrite it")
        self._tmp: IO[str] | None = None
        self._tmp_name = ""
        self.discarded = False
        self.done = 0  # documents written so far (to the file, until it is moved in place)

    @property
    def _target(self) -> Path:
        """The file written: the one ``path`` names through its links (one not made yet,
        too: the link is kept, as a shell's ">" keeps it)."""
        assert self.path is not None
        return Path(os.path.realpath(self.path)) if self.path.is_symlink() else self.path

    def discard(self) -> None:
        """Write no file at the end (every input failed: nothing to keep, and an empty
        file would stand in the way of the next run)."""
        self.discarded = True

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        if self.straight:
            self._tmp = open(self.path, "w", encoding="utf-8")
            return self._tmp
        target = self._target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        except OSError as exc:  # (it named the hidden temporary file, not the --out given)
            raise type(exc)(exc.errno, f"{exc.strerror}: cannot write {self.path} in its "
                            "folder") from exc
        # mkstemp makes the file 0600: give it the mode of the file it replaces, or the
        # one the umask gives a new file, as a shell's ">" does
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.fchmod(fd, mode)
        self._tmp = os.fdopen(fd, "w", encoding="utf-8")
        return self._tmp

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._tmp is None or self.path is None:
            return
        try:
            self._tmp.close()  # (what is left buffered is written here)
        except OSError as failed:
            exc = exc or failed
        if not self.straight and (exc is not None or self.discarded):
            os.unlink(self._tmp_name)
        elif self.straight or exc is not None:
            pass
        elif self.force:
            os.replace(self._tmp_name, self._target)
        else:
            self._place()
        if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
            # a write to it that failed (a full disk, --out /dev/full) named no file
            raise OSError(exc.errno, exc.strerror, os.fspath(self.path)) from exc
        if exc is not None and exc_type is None:
            raise exc

    def _place(self) -> None:
        """Move the finished file to ``path`` unless a file has appeared there since the
        start (another run writing the same --out): then it is kept beside it, named, and
        the run fails, where the later run's file silently took the earlier's place."""
        assert self.path is not None
        target = first = self._target
        for k in range(1, 1000):
            try:
                os.link(self._tmp_name, target)  # (fails if target exists: no overwrite)
            except FileExistsError:
                target = first.with_name(f"{first.name}.{k}")
                continue
            except OSError:  # a file system without hard links: checked, then moved
                if target.exists():
                    target = first.with_name(f"{first.name}.{k}")
                    continue
                os.replace(self._tmp_name, target)
            else:
                os.unlink(self._tmp_name)
            break
        else:
            raise FileExistsError(f"{self.path} was written by another run meanwhile; this "
                                  f"run's output is kept in {self._tmp_name}")
        if target != first:
            raise FileExistsError(f"{self.path} was written by another run meanwhile; this "
                                  f"run's output is kept in {target}")


#: the exit status of annotate and batch given no input file (an empty folder, one of no
#: file named as an input): nothing was read nor written, which a script is told apart
#: from a run that went well (0), one whose input failed (1) and a usage error (2)
NO_INPUTS = 3


def warn(message: str) -> None:
    """Tell the user on stderr, whatever the logging set-up."""
    print(f"warning: {message}", file=sys.stderr)


#: what --lexicon with --no-validate is told (the lexicons were taken and never read)
_UNUSED_LEXICONS = ("--lexicon adds lexicons to the validator; with --no-validate none runs, "
                    "and no lexicon is read")


def checked(check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type: the text as given when ``check`` takes it, else a usage error
    saying what ``check`` raised (a ``ValueError``)."""
    def parse(text: str) -> str:
        try:
            check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text
    return parse


def text_encoding(name: str) -> str:
    """``--encoding``'s type: a text encoding Python knows, else a usage error."""
    from uncertain.text import check_encoding

    return checked(check_encoding)(name)


def pdf_dpi(text: str) -> float:
    """``--dpi``'s type: a resolution PDF pages can be rendered at, else a usage error."""
    from uncertain.images import check_dpi

    try:
        return check_dpi(float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc) if "dpi=" in str(exc)
                                         else f"not a number: {text!r}") from None


def _whole_count(text: str, things: str) -> int:
    """A whole number of ``things`` from 1 (``1e8`` too), or argparse's error saying so."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value >= 1 and value == int(value)):
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of {things}, 1 or more")
    return int(value)


def pixel_limit(text: str) -> int:
    """``--max-pixels``'s type: a whole number of pixels from 1 (``1e8`` too)."""
    return _whole_count(text, "pixels")


def page_limit(text: str) -> int:
    """``--max-pages``'s type: a whole number of pages from 1."""
    return _whole_count(text, "pages")


def _number(ok: Callable[[float], bool], what: str) -> Callable[[str], float]:
    """An option's type: a number ``ok`` accepts (``what`` says which), else a usage error."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{text}: {what}")
        return value
    return parse


#: --threshold's and --min-candidate-score's type (NaN fails the comparison too)
_probability = _number(lambda v: 0.0 <= v <= 1.0, "a number in [0, 1]")
#: --candidate-gap's type
_finite = _number(math.isfinite, "a finite number")


def _render_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"style": args.style}
    if args.threshold is not None:
        kwargs["threshold"] = args.threshold
    if args.budget is not None:
        kwargs["budget"] = args.budget
    if args.no_preamble:
        kwargs["preamble"] = False
    if args.max_candidates is not None:
        kwargs["max_candidates"] = args.max_candidates
    if args.candidate_gap is not None:
        kwargs["candidate_gap"] = None if args.candidate_gap < 0 else args.candidate_gap
    if args.min_candidate_score is not None:
        kwargs["min_candidate_score"] = args.min_candidate_score
    if args.include_verified:
        kwargs["include_verified"] = True
    if args.no_structure:
        kwargs["structure"] = False
    if args.words is not None:
        kwargs["words"] = args.words
    return kwargs


#: render's keywords (:func:`_render_kwargs`) by the options that set them
_RENDER_OPTIONS = {"style": "--style", "threshold": "--threshold", "budget": "--budget",
                   "preamble": "--no-preamble", "max_candidates": "--max-candidates",
                   "candidate_gap": "--candidate-gap",
                   "min_candidate_score": "--min-candidate-score",
                   "include_verified": "--include-verified", "structure": "--no-structure",
                   "words": "--words"}


def _render_options_given(args: argparse.Namespace) -> list[str]:
    """The options of the prompt given (``--style`` other than the default inline)."""
    return [_RENDER_OPTIONS[key] for key, value in _render_kwargs(args).items()
            if key != "style" or value != "inline"]


def _load_documents(path: str, docs_format: str) -> Iterator[Document]:
    """Documents saved as JSON, JSON lines, or batch records (``{"document": ...}``); a
    missing or empty file, one that is not UTF-8 JSON or holds no document, and a line
    that is no document are errors naming the file (and the line). ``docs_format``
    "auto" reads a file named ``.jsonl`` as JSON lines, one at a time, and any other as
    JSON, or as JSON lines when it holds more than one JSON value (annotate's
    ``--format jsonl`` output saved under another name)."""
    from pydantic import ValidationError

    from uncertain._io import check_input, json_lines, read_standard_input
    from uncertain.errors import CorruptInputError, EmptyInputError

    lines: Iterator[tuple[int, str]] | list[tuple[int, str]]
    p: Path | str
    decoded: Any = _SEVERAL  # (a file of one JSON value: that value, read to tell so)
    if docs_format == "auto" and path != "-" and path.casefold().endswith(".jsonl"):
        docs_format = "jsonl"
    if path == "-" or docs_format != "jsonl":  # read whole ("-": annotate ... | render -)
        p = _input_name(path) if path == "-" else check_input(path)
        raw = (read_standard_input(sys.stdin.buffer, what="a saved document's JSON")
               if path == "-" else Path(p).read_bytes())
        if path == "-" and not raw.strip():
            raise EmptyInputError(p, "standard input holds nothing")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorruptInputError(p, f"not UTF-8 JSON: byte {raw[exc.start]:#04x} at "
                                       f"offset {exc.start}") from exc
        text = text.removeprefix("\ufeff")  # (a byte-order mark an editor wrote)
        if docs_format == "auto":
            decoded = _only_value(text)
            docs_format = "jsonl" if decoded is _SEVERAL else "json"
        lines = ([(0, text)] if docs_format == "json"
                 else list(enumerate(text.split("\n"), start=1)))
    else:
        p = check_input(path)
        lines = json_lines(p)  # one at a time: a batch's output can be larger than memory
    found = errors = 0
    for number, line in lines:
        if not line.strip():
            continue
        where = f"line {number}: " if number else ""
        try:
            data = (decoded if not number and decoded not in (_SEVERAL, _NO_JSON)
                    else json.loads(line))
            if isinstance(data, dict) and isinstance(data.get("document"), str) \
                    and "system" in data:  # (its "document" is the prompt's text)
                raise CorruptInputError(p, f"{where}a saved prompt (render --prompt-json),"
                                           " not a document: reconcile takes it as --prompt")
            if isinstance(data, dict) and "document" in data:
                data = data["document"]
            if isinstance(data, dict) and data.get("status") == "error":
                errors += 1
                continue
            docs = [Document.model_validate(d) for d in
                    (data if isinstance(data, list) else [data])]
        except ValidationError as exc:
            raise CorruptInputError(p, f"{where}not a saved document "
                                       f"({invalid_summary(exc)})") from exc
        except ValueError as exc:  # json's JSONDecodeError
            raise CorruptInputError(p, f"{where}not JSON ({exc})") from exc
        for k, doc in enumerate(docs):
            # a saved document edited by hand (a word removed, a flag's range changed) kept
            # its flags on other words: render marked them, its suggestions offered for
            # words they are not of ("10" as maybe lisinopril)
            if (misplaced := misplaced_flag(doc, by_text=True)) is not None:
                which = f"document {k + 1}: " if len(docs) > 1 else ""
                raise CorruptInputError(p, f"{where}{which}{misplaced}")
        found += len(docs)
        yield from docs
    if not found:
        raise EmptyInputError(p, "holds no document" + (
            f" (only {errors} error record{'s' * (errors != 1)} of a batch)" if errors
            else ""))
    if errors:
        warn(f"{p}: {errors} error record{'s' * (errors != 1)} of a batch (inputs that "
             "failed) skipped")


#: what :func:`_only_value` gives for text of several JSON values, and for text that
#: is no JSON
_SEVERAL = object()
_NO_JSON = object()


def _only_value(text: str) -> Any:
    """The JSON value ``text`` holds alone, decoded; :data:`_SEVERAL` when it holds more
    than one, one after another (JSON lines under another name); :data:`_NO_JSON` when
    it is no JSON (read as one value: its error is said when it is). Decoded once: a
    saved document of 144 MB was decoded whole to count its values, then again to be
    read (17.4 s of CPU to load, 12.4 s decoded once)."""
    decoder = json.JSONDecoder()
    try:
        value, end = decoder.raw_decode(text, len(text) - len(text.lstrip()))
    except ValueError:
        return _NO_JSON
    return value if not text[end:].strip() else _SEVERAL


class _Progress:
    """A progress bar over the work on one input, on a terminal only (``tqdm``'s
    ``disable=None``): the seconds of a recording transcribed, the pages of a scan read,
    then the windows of audio the acoustic pass scores (``unit="window"``). It is the
    stages' and the pass's ``progress`` callback (``done``, ``total`` or None), drawn
    from the first report and gone when closed."""

    def __init__(self, path: Path, *, enabled: bool, unit: str | None = None,
                 what: str = "", label: str | None = None) -> None:
        self.path = path
        self.enabled = enabled
        self.unit = unit
        self.what = what
        self.label = path.name if label is None else label  # (a member's, not its file's)
        self.bar: Any = None

    def __call__(self, done: float, total: float | None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            from uncertain.ingest import detect

            unit = self.unit or ("s" if detect(self.path).kind == "audio" else "page")
            self.bar = tqdm(total=round(total) if total else None, unit=unit, leave=False,
                            desc=f"{self.label}{self.what}", disable=None,
                            file=sys.stderr, dynamic_ncols=True)
        self.bar.update(max(0, round(done) - self.bar.n))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _cmd_annotate(args: argparse.Namespace) -> int:
    from uncertain._batch_inputs import named_files
    from uncertain.validate import Validator

    unread: list[tuple[Path, str]] = []
    files = list(named_files(args.paths, warn, unread=unread))
    for folder, why in unread:  # (said as a warning, status 0: a script saw no failure)
        from uncertain.errors import MissingFileError

        _fail(MissingFileError(folder, why))
    if not files:  # (folders holding no file named as an input: which, as batch says)
        print(f"warning: no input files in {', '.join(shown(p) for p in args.paths)}",
              file=sys.stderr)
        return 1 if unread else NO_INPUTS
    if args.prompt_json == "-" and args.format != "prompt":
        print("uncertain annotate: error: --prompt-json - writes the prompts on standard "
              f"output in place of their text, with --format prompt; --format {args.format}"
              " writes documents: name a file", file=sys.stderr)
        return 2
    if args.prompt_json not in (None, "-") and args.out not in (None, "-") and (
            os.path.realpath(args.prompt_json) == os.path.realpath(args.out)):
        raise FileExistsError(f"--prompt-json {args.prompt_json} is --out too: name "
                              "another file")
    given = (_render_options_given(args) if args.format != "prompt" and not args.prompt_json
             else [])
    if given:  # ("--style bracket" alone wrote the JSON document, and said nothing)
        warn(f"{', '.join(given)} set{'s' * (len(given) == 1)} how the prompt is rendered; "
             f"--format {args.format} writes no prompt (--format prompt does, or uncertain "
             "render on the saved document)")
    for option, named in (("--out", args.out), ("--prompt-json", args.prompt_json)):
        if named and named != "-" and os.path.isfile(named) and any(
                os.path.realpath(f) == os.path.realpath(named)
                for f in files if os.fspath(f) != "-"):  # ("-": standard input)
            # (--force wrote the document over the transcript it was read from)
            raise FileExistsError(f"{named} is one of the inputs: {option} must name "
                                  "another file, or the input would be overwritten")
    # an --out that exists is refused before the lexicons are indexed (seconds)
    output = _Output(args.out, force=args.force)
    saved = None if args.prompt_json is None else _Output(args.prompt_json, force=args.force)
    validator = None
    if args.no_validate and args.lexicon:
        warn(_UNUSED_LEXICONS)
    if not args.no_validate:
        from uncertain._progress import indexing

        with indexing(not args.no_progress) as progress:
            validator = Validator(lexicons=["drugs", "clinical", *args.lexicon],
                                  progress=progress)
        for lexicon in validator.lexicons[2:]:
            if not lexicon.entries:  # a header alone, comments, or every line a duplicate
                warn(f"{shown(lexicon.path or lexicon.name)}: the lexicon has no entries")
    options: dict[str, Any] = {}
    if args.model:
        options["model"] = args.model
    if args.dpi:
        options["dpi"] = args.dpi
    if args.max_pixels:
        options["max_pixels"] = args.max_pixels
    if args.max_pages:
        options["max_pages"] = args.max_pages
    if args.ocr_timeout:
        options["timeout"] = args.ocr_timeout
    if args.max_audio_seconds:
        options["max_seconds"] = args.max_audio_seconds
    if args.encoding:
        options["encoding"] = args.encoding
    if args.calibration and args.calibration != "none":
        from uncertain.calibrate import check_spec

        check_spec(args.calibration)
        options["calibration"] = args.calibration
    try:
        return _annotate_into(output, files, args, options, validator, saved) or int(
            bool(unread))
    except KeyboardInterrupt:
        if output.path is not None and output.done:
            # (Ctrl-C threw the documents done away without a word)
            done = f"{output.done} document{'s' * (output.done != 1)}"
            print(f"uncertain annotate: interrupted: {done} done not written to "
                  f"{output.path}, which is written whole at the end; "
                  "uncertain batch writes each input's record as it is done, and --resume "
                  "goes on from there", file=sys.stderr)
        raise


def _annotate_into(output: _Output, files: Sequence[Path], args: argparse.Namespace,
                   options: dict[str, Any], validator: Any, saved: _Output | None) -> int:
    """annotate's work: each of ``files`` read, validated and written to ``output``, and
    its prompt as JSON to ``saved`` (``--prompt-json``), as render writes it."""
    from contextlib import nullcontext

    from uncertain._batch_inputs import STDIN, member_address, on_member, on_stdin
    from uncertain.ingest import ingest
    from uncertain.render import render
    from uncertain.rescore import rescore

    failures = written = 0
    docs: list[Document] = []
    with output as out, (saved if saved is not None else nullcontext()) as prompts:
        for number, path in enumerate(files, start=1):
            piped = os.fspath(path) == "-"  # standard input (a file named "-" is "./-")
            name = STDIN if piped else path  # (what its errors name it)
            label = STDIN if piped else PurePosixPath(os.fspath(path)).name

            def stages(file: Path, label: str = label) -> Document:
                """The document of ``file`` (``path``, or the member it names, spilled)."""
                progress = _Progress(file, enabled=not args.no_progress, label=label)
                try:
                    doc = ingest(file, progress=progress, **options)
                finally:
                    progress.close()  # before anything else is printed
                if validator is not None:
                    doc = validator.validate(doc)
                    if not args.no_rescore:
                        progress = _Progress(file, enabled=not args.no_progress,
                                             unit="window", what=": acoustic pass",
                                             label=label)
                        try:  # non-audio, or nothing to weigh: unchanged, nothing drawn
                            doc = rescore(doc, progress=progress)
                        finally:
                            progress.close()
                return doc

            try:
                # an archive's member named as batch records name it is read as batch
                # reads it
                doc = on_stdin(stages) if piped else on_member(path, stages)
                # (a prompt over its --budget fails this input, not the run)
                prompt = (render(doc, **_render_kwargs(args))
                          if args.format == "prompt" or prompts is not None else None)
            except ModelNotFoundError as exc:
                _stop_if_terminated(exc)
                # the run's model, not this input: every recording after it would fail
                # the same way, so the run stops here, the documents done so far written
                _fail(exc, name)
                failures += 1
                left = len(files) - number
                if left:
                    print(f"uncertain annotate: stopped: the Whisper model cannot be "
                          f"loaded; {left} input{'s' if left > 1 else ''} after {shown(name)} "
                          "not run", file=sys.stderr)
                break
            except UncertainError as exc:
                _stop_if_terminated(exc)
                _fail(_archive_said(exc, path), name)
                failures += 1
                continue
            except Exception as exc:  # a fault of ours or a library's: the others still run
                _stop_if_terminated(exc)
                log.debug("%s failed", name, exc_info=True)
                print(f"{type(exc).__name__}: {name}: {exc} (unexpected; -vv shows where)",
                      file=sys.stderr)
                failures += 1
                continue
            # a member is said by its key as its document (and batch's record) has it:
            # read as a path, 'a.tar::d//a.txt#2' had become 'a.tar::d/a.txt#2'
            said = (doc.source.path if piped or member_address(path) is not None
                    else path)
            if any("max_" in note for note in doc.warnings):
                # the settings they tell to raise named as options, as errors say them here
                # (in the document written too: batch records say it so)
                doc = doc.model_copy(update={"warnings": [
                    reworded(note, command_line_words()) for note in doc.warnings]})
            for note in doc.warnings:  # kept in the document too; said where people look
                named = note if note.startswith(f"{said}:") else f"{shown(said)}: {note}"
                print(f"warning: {named}", file=sys.stderr)
            written += 1
            output.done = written
            if prompts is not None and prompt is not None:
                prompts.write(json.dumps(prompt.to_dict(), ensure_ascii=False) + "\n")
            if args.format == "prompt" and prompts is out:
                pass  # (--prompt-json - and no --out: the JSON in place of the text)
            elif args.format == "jsonl":
                out.write(doc.to_json() + "\n")
                out.flush()
            elif args.format == "prompt":
                out.write(f"=== {shown(said)} ===\n{prompt}\n\n")
            else:
                docs.append(doc)
        if args.format == "json":
            # one input: its document; several: an array, however many of them failed
            if len(files) == 1 and docs:
                out.write(laid_out(docs[0]) + "\n")
            elif docs:
                out.write("[\n" + ",\n".join(map(laid_out, docs)) + "\n]\n")
        if not written and failures:
            output.discard()
            if saved is not None:
                saved.discard()
    return 1 if failures else 0


def laid_out(doc: Document) -> str:
    """``doc``'s JSON as annotate writes it: indented down to the items of its lists of
    objects (a word, a flag's candidate, a token), each written on one line, and a list
    of plain values (a box, the lexicons' names) on one. Indented to the last level, a
    one-line text of 3.2 MB was 75 MB of JSON, a third of it the indentation of each
    word's twelve fields; the values are :meth:`Document.to_json`'s (a NaN written as
    "NaN", a file name's undecodable bytes as escapes), and read back the same."""
    text = _laid_out(doc.model_dump(mode="json"), 0)
    if _SURROGATE.search(text) is None:  # (a UTF-8 file cannot hold a lone surrogate)
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: the depth below which annotate's JSON is written on one line: the document (0), its
#: lists (1), their objects (2: a segment, a flag, a page), their lists (3: words,
#: candidates), whose items (4) take a line each
_LAID_OUT_DEPTH = 4
_SURROGATE = re.compile("[\ud800-\udfff]")
_one_line = json.JSONEncoder(ensure_ascii=False, allow_nan=False,
                             separators=(", ", ": ")).encode


def _laid_out(value: Any, depth: int) -> str:
    if isinstance(value, dict) and value and depth < _LAID_OUT_DEPTH:
        inner = "  " * (depth + 1)
        items = (f"{inner}{_one_line(key)}: {_laid_out(item, depth + 1)}"
                 for key, item in value.items())
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if (isinstance(value, list) and depth < _LAID_OUT_DEPTH
            and any(isinstance(item, dict | list) for item in value)):
        inner = "  " * (depth + 1)
        items = (inner + _laid_out(item, depth + 1) for item in value)
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return _one_line(value)


def _archive_said(exc: UncertainError, path: Path) -> UncertainError:
    """``exc``, or, for a tar or zip archive named as one (which annotate does not open),
    an error saying so and what reads it: it was "content is binary (a NUL byte at offset
    5), not a supported audio, image, PDF or text format"."""
    import tarfile
    import zipfile

    from uncertain._batch_inputs import is_archive
    from uncertain.errors import UnsupportedFormatError

    if not (isinstance(exc, UnsupportedFormatError) and is_archive(path)):
        return exc
    try:
        archive = zipfile.is_zipfile(path) or tarfile.is_tarfile(path)
    except OSError:
        return exc
    return UnsupportedFormatError(path, "an archive, which annotate does not open: uncertain "
                                        "batch reads its members") if archive else exc


def _cmd_render(args: argparse.Namespace) -> int:
    if args.prompt_json is None:
        return _render_all(args, None)
    # --prompt-json: each prompt also as JSON (Prompt.to_dict), for reconcile --prompt;
    # several, one a line; written whole, as --out is ("-": standard output, for the text)
    saved = _Output(args.prompt_json, force=True)
    with saved as out:
        status = _render_all(args, out)
        if out is not sys.stdout and not out.tell():
            saved.discard()  # (every document failed: no empty file)
    return status


def _render_all(args: argparse.Namespace, saved: IO[str] | None) -> int:
    from uncertain.render import render

    status = 0
    # several documents are told apart as annotate tells them (its --format prompt)
    headed = len(args.docs) > 1 or args.docs_format == "jsonl"
    for raw in args.docs:
        try:
            docs = _load_documents(raw, args.docs_format)
            ahead = [next(docs)]
            late: Exception | None = None  # a second line that is no document, said after
            try:  # the first
                ahead += [d for d in [next(docs, None)] if d is not None]
            except (OSError, ValueError, UncertainError) as exc:
                late = exc
            headed = headed or len(ahead) > 1 or late is not None  # (a file of several)
            for doc in itertools.chain(ahead, docs if late is None else ()):
                try:
                    prompt = render(doc, **_render_kwargs(args))
                except (ValueError, UncertainError) as exc:  # over --budget: the others go on
                    _fail(exc, doc.source.path)
                    status = 1
                    continue
                if saved is not None:
                    saved.write(json.dumps(prompt.to_dict(), ensure_ascii=False) + "\n")
                if saved is not sys.stdout:
                    print(f"=== {shown(doc.source.path)} ===\n{prompt}\n" if headed
                          else prompt)
            if late is not None:
                raise late
        except BrokenPipeError:
            raise
        except (OSError, ValueError, UncertainError) as exc:
            _fail(exc)
            status = 1
    return status


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from uncertain._io import read_standard_input
    from uncertain.errors import MissingFileError
    from uncertain.reconcile import reconcile
    from uncertain.text import decode_text

    if [args.doc, args.answer, args.prompt].count("-") > 1:
        print("uncertain reconcile: error: only one of the document, the answer and the "
              "prompt can come from standard input", file=sys.stderr)
        return 2
    rendered = {k: v for k, v in _render_kwargs(args).items() if k != "style"}
    if args.prompt is not None and rendered:
        print("uncertain reconcile: error: --prompt says what the answer was shown; give it "
              "without the options it was rendered with (--threshold, --budget, ...)",
              file=sys.stderr)
        return 2
    docs = list(_load_documents(args.doc, "auto"))
    doc_name = shown(_input_name(args.doc))
    prompt = None
    try:
        if args.document is not None:
            docs = [_document_named(docs, args.document, _input_name(args.doc))]
        if args.prompt is not None:  # the prompt as sent, saved by render --prompt-json
            doc, prompt = _saved_prompt(args.prompt, docs, doc_name if args.document
                                        is None else f"{doc_name}'s document "
                                        f"{args.document}")
        elif len(docs) > 1:  # (never the first of them unsaid: another's answer is none)
            raise _Unsaid(f"{doc_name} holds {len(docs)} documents ({_listed(docs)});"
                          " say which the answer is of with --document (its number or its "
                          "source's path), or give the --prompt it was sent")
        else:
            doc = docs[0]
    except _Unsaid as exc:
        print(f"uncertain reconcile: error: {exc}", file=sys.stderr)
        return 2
    # read as a transcript is: UTF-8, or UTF-16/32 by its byte-order mark, or --encoding,
    # else a Windows (cp1252) file with a warning; an empty answer is an answer (the LLM
    # said nothing)
    if args.answer == "-":
        raw = read_standard_input(sys.stdin.buffer, what="the LLM's answer")
        answer, _, note = decode_text(raw, path=_input_name("-"), encoding=args.encoding)
    else:
        path = Path(args.answer)
        if path.is_dir():
            raise MissingFileError(path, "is a directory, not a file")
        if not path.exists():  # (a pipe, <(...), /dev/null are read as files are)
            raise MissingFileError(path, "no such file")
        answer, _, note = decode_text(path.read_bytes(), path=path, encoding=args.encoding)
    if note:
        print(f"warning: {note}", file=sys.stderr)
    if prompt is not None:
        try:
            result = reconcile(doc, answer, style=args.style, prompt=prompt)
        except ValueError as exc:  # (its spans are not the document's words)
            from uncertain.errors import CorruptInputError

            raise CorruptInputError(_input_name(args.prompt), str(exc)) from exc
    elif set(rendered) - {"threshold"}:  # what the prompt marked: the prompt, rendered again
        from uncertain.render import render

        prompt = render(doc, style=args.style or "inline", **rendered)
        result = reconcile(doc, answer, style=args.style, prompt=prompt)
    else:
        result = reconcile(doc, answer, style=args.style, threshold=args.threshold)
    for message in result.warnings:  # (a list of fixes: those it could not map)
        warn(f"{shown(_input_name(args.answer))}: {message}")
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0


class _Unsaid(Exception):
    """Which of a file's documents reconcile is to read is not said (or not rightly):
    a usage error, told as argparse tells one."""


def _document_named(docs: list[Document], which: str, doc_path: str) -> Document:
    """The document of ``docs`` that ``which`` (reconcile --document) names: its number,
    1 for the first, or its source's path; an error naming the file and its documents
    when none is."""
    if which.isdecimal():
        if 1 <= int(which) <= len(docs):
            return docs[int(which) - 1]
    else:
        named = [d for d in docs if os.path.normpath(d.source.path) == os.path.normpath(which)]
        if len(named) == 1:
            return named[0]
        if named:
            raise _Unsaid(f"--document {which}: {shown(doc_path)} holds {len(named)} "
                             f"documents of that source ({_listed(docs, named)}); say which "
                             "by its number")
    raise _Unsaid(f"--document {which}: no such document in {shown(doc_path)}, which "
                     f"holds {len(docs)} ({_listed(docs)})")


#: how many of a file's documents an error names
_LISTED = 5


def _listed(docs: list[Document], some: list[Document] | None = None) -> str:
    """``docs`` (or ``some`` of them) by number and source path, as --document takes
    them: "1: a.txt, 2: b.wav" (the first few, then how many more)."""
    numbered = [(k, d) for k, d in enumerate(docs, start=1)
                if some is None or any(d is s for s in some)]
    said = ", ".join(f"{k}: {shown(d.source.path)}" for k, d in numbered[:_LISTED])
    more = len(numbered) - _LISTED
    return said + (f" and {more} more" if more > 0 else "")


def _saved_prompt(path: str, docs: list[Document], doc_path: str) -> tuple[Document, Prompt]:
    """The document of ``docs`` (``doc_path``'s, as an error names them) and the prompt
    rendered from it that ``path`` holds (``render --prompt-json``'s JSON: an object, or
    one a line), told from the others by the document's text; an error naming the file
    when it holds none, or no saved prompt at all, or when the prompt is of more than one
    of the documents (the same text)."""
    from uncertain._io import check_input, read_standard_input
    from uncertain.errors import CorruptInputError, EmptyInputError
    from uncertain.render import Prompt, parse

    p: Path | str = _input_name(path) if path == "-" else check_input(path)
    raw = (read_standard_input(sys.stdin.buffer, what="the saved prompt's JSON")
           if path == "-" else Path(p).read_bytes())
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
        decoded = _only_value(text)
        values = ([json.loads(text)] if decoded is _NO_JSON  # (to say its error)
                  else [decoded] if decoded is not _SEVERAL
                  else [json.loads(line) for line in text.split("\n") if line.strip()])
        if len(values) == 1 and isinstance(values[0], list):
            values = values[0]
        # batch records (batch --prompts keeps each prompt in its record): their prompts;
        # an error record, or one written without --prompts, holds none
        records = [v for v in values if isinstance(v, dict) and "status" in v and "path" in v]
        values = [v.get("prompt_json") if v in records else v for v in values]
        prompts = [Prompt.from_dict(v) for v in values if v is not None]
    except UnicodeDecodeError as exc:
        raise CorruptInputError(p, "not UTF-8 JSON: no saved prompt (render --prompt-json "
                                   "writes one)") from exc
    except ValueError as exc:  # (json's JSONDecodeError too)
        raise CorruptInputError(p, f"not a saved prompt, as render --prompt-json writes "
                                   f"({exc})") from exc
    if not prompts:
        raise EmptyInputError(p, "holds no prompt" + (
            " (batch records: batch --prompts keeps each document's)" if records else ""))
    texts: list[str | None] = []
    for prompt in prompts:
        try:
            texts.append(parse(prompt).text)
        except UncertainError:  # (markup of a prompt changed since: not the document's)
            texts.append(None)
    # the documents a prompt was rendered from: of several, the one it was (not the first)
    mine = [d for d in docs if d.text in texts]
    if not mine:
        of = "" if len(docs) == 1 else f" (or any of its {len(docs)} documents)"
        raise CorruptInputError(p, f"holds no prompt rendered from {doc_path}{of}: "
                                   "its text is not the document's")
    if len(mine) > 1:
        raise _Unsaid(f"--prompt {shown(p)}: its text is that of {len(mine)} documents "
                         f"of {doc_path} ({_listed(docs, mine)}); say which the "
                         "answer is of with --document")
    own = [prompt for prompt, said in zip(prompts, texts, strict=True) if said == mine[0].text]
    if len(own) > 1:
        warn(f"{shown(p)}: holds {len(own)} prompts of the document; the first is used")
    return mine[0], own[0]


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json_schema())
    return 0


def _cmd_lexicon(args: argparse.Namespace) -> int:
    from uncertain.lexicon import check_lexicon, format_report, load_lexicon, shipped_lexicons

    if args.list or not (args.source or args.lookup or args.check):
        for name in shipped_lexicons():
            print(name)
        if not (args.source or args.lookup or args.check):
            return 0  # (with them, they are done too: they were left undone, unsaid)
    if not args.source:  # --lookup or --check alone: of the shipped lexicons (--check was
        # left undone, unsaid)
        failed = False
        if args.check:
            for name in shipped_lexicons():
                shipped = check_lexicon(name)
                print(format_report(shipped))
                failed |= not shipped.ok or not shipped.entries
        if args.lookup:
            failed |= not _lookup([load_lexicon(name) for name in shipped_lexicons()],
                                  args.lookup)
        return 1 if failed else 0
    report = check_lexicon(args.source)
    if not args.lookup or args.check or not report.ok:  # (a lookup's answer alone)
        print(format_report(report))
    if not report.ok:  # the file cannot be loaded: no lookup in it
        return 1
    if args.lookup:
        # the warnings the report printed are not logged again by the loader
        said = {f"{shown(report.path)}: {w}" for w in report.warnings} if args.check else set()

        def unsaid(record: logging.LogRecord) -> bool:
            return record.getMessage() not in said

        log.addFilter(unsaid)
        try:
            lexicon = load_lexicon(args.source)
        finally:
            log.removeFilter(unsaid)
        if not _lookup([lexicon], args.lookup):
            return 1
    return 1 if args.check and not report.entries else 0


def _lookup(lexicons: list[Lexicon], terms: Sequence[str]) -> bool:
    """Print each of ``terms``' entries in ``lexicons``, or the nearest terms; whether
    every term was found (``uncertain lexicon --lookup`` exits 1 when one is not, as
    ``grep`` does, for a script to tell)."""
    from uncertain._index import compact

    validator = None  # built for the first term in none of them
    found = True
    for term in terms:
        hits = [e for lexicon in lexicons for e in lexicon.get(term)]
        if hits:
            _print_hits(term, hits)
            continue
        from uncertain.validate import Validator

        if validator is None:
            from uncertain._progress import indexing

            with indexing(True) as progress:  # (on a terminal only)
                validator = Validator(lexicons=lexicons, progress=progress)
        # what the validator verifies, written with or without its accents, hyphens or
        # the spaces inside its words ("Cotrimoxazole": co-trimoxazole)
        hits = [validator.index.items[idx].entry for idx in
                validator.index.spelled([compact(w) for w in term.split()])]
        if not hits:
            nearest = ", ".join(_nearest_terms(validator, term))
            # a clinical word the validator takes as known is not flagged near them
            known = (f"; a word of the clinical vocabulary ({validator.vocabulary.path}), "
                     "read as known" if term in validator.vocabulary else "")
            print(f"{term}: not in {', '.join(lexicon.name for lexicon in lexicons)}{known}"
                  + (f"; nearest by spelling and sound: {nearest}" if nearest
                     else "; no name near it by spelling or sound"))
            found = False
        _print_hits(term, hits)
    return found


def _print_hits(term: str, hits: list[Entry]) -> None:
    for e in hits:
        ids = "".join(f" {k}:{v}" if n == 0 else f", {k}:{v}" for n, (k, v) in enumerate(e.ids))
        print(f"{term}: {e.term} -> {e.canonical} ({e.kind}, prior {e.prior:.2f}){ids}")


#: the match score (log-odds that the name is the one meant, as the validator weighs a
#: window against it) under which a name is no nearest name of a word looked up: "xyzzy"
#: was offered Xyrosa (-4.2), "blood" Tabloid (-2.8), where "met for me" scores
#: metformin 3.9 and "table" tablet -0.3
_NEAREST_FLOOR = -2.0


def _nearest_terms(validator: Validator, text: str, limit: int = 5) -> list[str]:
    """The names nearest ``text`` by spelling and sound, as ``validator`` finds them for a
    window of heard words ("met for me": metformin), one per canonical name; none
    scoring under :data:`_NEAREST_FLOOR`."""
    from uncertain._words import word_key
    from uncertain.lexicon import MAX_TERM_LENGTH

    key = "".join(word_key(w) for w in text.split())
    if len(key) > MAX_TERM_LENGTH:
        # no name is that long, so none is near it: the search's letter-to-sound model
        # took 5 s of CPU over a 10,000-letter term (its time grows faster than its length)
        return []
    out: list[str] = []
    seen: set[str] = set()
    for score, idx, _ in validator.search.similar(key, "text", 16, True, text):
        if score < _NEAREST_FLOOR:  # (best first: the rest are further)
            break
        entry = validator.index.items[idx].entry
        if entry.canonical.casefold() in seen:
            continue
        seen.add(entry.canonical.casefold())
        same = entry.term.casefold() == entry.canonical.casefold()
        out.append(entry.term if same else f"{entry.term} ({entry.canonical})")
        if len(out) == limit:
            break
    return out


def build_parser() -> argparse.ArgumentParser:
    from uncertain._cli_runs import add_stage_limits, at_least, nonempty, seconds

    parser = argparse.ArgumentParser(
        prog="uncertain",
        description="Ingest audio and scanned documents without throwing away how sure "
        "the machine was.",
    )
    parser.add_argument("--version", action="version", version=f"uncertain {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    sub = parser.add_subparsers(dest="command", required=True)

    def render_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--style", default="inline", choices=["inline", "bracket", "json"],
                       help="inline tags (the default), compact brackets, or JSON: the text "
                       "and its spans")
        p.add_argument("--threshold", type=_probability, metavar="P",
                       help="mark spans whose p is below this (0.5)")
        p.add_argument("--budget", type=at_least(0), metavar="TOKENS",
                       help="the most tokens the whole prompt may take: suggestions are cut, "
                       "then the least doubtful spans lose their markup, and the prompt says so")
        p.add_argument("--no-preamble", action="store_true", help="leave out the preamble")
        p.add_argument("--max-candidates", type=at_least(0), metavar="N",
                       help="candidates shown per span (3)")
        p.add_argument("--candidate-gap", type=_finite, metavar="G",
                       help="show a runner-up only within this of the best's score, in "
                       "log-odds (1.5); "
                       "a negative value shows up to --max-candidates regardless")
        p.add_argument("--min-candidate-score", type=_probability, metavar="P",
                       help="show no suggestion scoring under this (0.3)")
        p.add_argument("--include-verified", action="store_true",
                       help="also mark confident lexicon matches")
        p.add_argument("--no-structure", action="store_true",
                       help="no timestamps or page markers")
        p.add_argument("--words", choices=["auto", "threshold", "none"],
                       help="mark unflagged words below the threshold: auto (the default)"
                       " does only when no validator has judged the document")

    p = sub.add_parser("annotate", help="annotate audio, images, PDFs and transcripts",
                       epilog="exit status: 0 every input annotated, 1 an input failed, 2 a "
                       f"usage error, {NO_INPUTS} no input file found (an empty folder): "
                       "nothing is written")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files or directories, or an archive's member as batch records key "
                   "it ('calls.zip::a.wav')")
    p.add_argument("--format", default="json", choices=["json", "jsonl", "prompt"],
                   help="json (the default): the document, or an array of them; jsonl: one a "
                   "line; prompt: the rendering for an LLM (--style)")
    p.add_argument("-o", "--out", type=nonempty, metavar="FILE",
                   help="write here instead of standard output ('-': standard output)")
    p.add_argument("--force", action="store_true",
                   help="overwrite --out (and --prompt-json) if it exists")
    p.add_argument("--prompt-json", type=nonempty, metavar="FILE",
                   help="also write each document's prompt (render's options) as JSON, one "
                   "a line, as render --prompt-json does, for reconcile --prompt ('-': "
                   "standard output, with --format prompt, in place of the text)")
    p.add_argument("--model", type=nonempty, metavar="NAME|DIR",
                   help="Whisper model: tiny.en (default), base, or a directory")
    p.add_argument("--dpi", type=pdf_dpi, metavar="N",
                   help="resolution PDF pages are rendered at for OCR (300)")
    add_stage_limits(p, over="an input over it fails, naming the file")
    p.add_argument("--ocr-timeout", type=seconds, metavar="SECONDS",
                   help="the longest one tesseract run may take (0, the default: no limit);"
                   " a page whose first reading takes longer fails, naming the file")
    p.add_argument("--encoding", type=text_encoding, metavar="NAME",
                   help="plain-text transcripts' encoding, e.g. cp1252 (default: detected)")
    p.add_argument(
        "--lexicon", action="append", default=[], metavar="NAME|FILE|NAME=FILE",
        help="add a lexicon (a shipped name, a file, or a file under a name of its own: "
        "hospA=hospA/formulary.tsv); repeatable",
    )
    p.add_argument("--no-validate", action="store_true", help="skip the lexicon validator")
    p.add_argument("--no-rescore", action="store_true", help="skip the acoustic second pass")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar while a recording is transcribed, a scan read, "
                        "the acoustic pass scores or a large --lexicon is indexed (drawn "
                        "only on a terminal)")
    p.add_argument(
        "--calibration", metavar="auto|none|default|FILE", default="auto",
        help="calibrate word confidences: auto (the default) applies the shipped map for "
        "the engine and model when there is one; default: the shipped one, which must "
        "exist; none keeps the engine's scores; or a file calibrate wrote",
    )
    render_options(p)
    p.set_defaults(func=_cmd_annotate)

    p = sub.add_parser("render", help="render saved documents (JSON) as a prompt")
    p.add_argument("docs", nargs="+", metavar="DOC.json", help="saved documents ('-': stdin)")
    p.add_argument("--docs-format", choices=["auto", "json", "jsonl"], default="auto",
                   help="jsonl: one document or batch record per line; auto (default): "
                        "jsonl for a .jsonl file or several JSON values, else json")
    render_options(p)
    p.add_argument("--prompt-json", type=nonempty, metavar="FILE",
                   help="also write each prompt as JSON (one a line), which reconcile "
                   "--prompt reads back ('-': standard output, in place of the text)")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser(
        "reconcile", help="map an LLM's corrected answer back onto a saved document's words")
    p.add_argument("doc", metavar="DOC.json", help="the saved document ('-': stdin)")
    p.add_argument("answer", metavar="ANSWER.txt", help="the LLM's answer ('-': stdin)")
    p.add_argument("--encoding", type=text_encoding, metavar="NAME",
                   help="the answer's text encoding when it is not UTF-8 (or UTF-16/32 "
                   "with a byte-order mark)")
    p.add_argument("--style", choices=["inline", "bracket", "json"],
                   help="markup style the answer may keep (default: detect)")
    p.add_argument("--document", metavar="N|PATH",
                   help="which of DOC.json's documents the answer is of, when it holds "
                   "several: its number (1: the first) or its source's path (default: the "
                   "one --prompt was rendered from)")
    p.add_argument("--prompt", metavar="FILE",
                   help="the prompt the answer was given, as render --prompt-json (or "
                   "annotate --prompt-json) saved it, or a batch record of --prompts: "
                   "the spans it marked are the doubtful ones (no render options then)")
    p.add_argument("--threshold", type=_probability, metavar="P",
                   help="the --threshold the prompt was rendered with (default 0.5), so that "
                   "the same spans count as doubtful")
    p.add_argument("--budget", type=at_least(0), metavar="TOKENS",
                   help="the --budget the prompt was rendered with: the spans it left "
                   "unmarked, and the suggestions it cut, are none the answer was shown "
                   "(with --style, --no-preamble and --no-structure as rendered)")
    for flag in ("--no-preamble", "--no-structure", "--include-verified"):
        p.add_argument(flag, action="store_true", help="as the prompt was rendered")
    p.add_argument("--max-candidates", type=at_least(0), metavar="N",
                   help="as the prompt was rendered")
    p.add_argument("--candidate-gap", type=_finite, metavar="G",
                   help="as the prompt was rendered")
    p.add_argument("--min-candidate-score", type=_probability, metavar="P",
                   help="as the prompt was rendered")
    p.add_argument("--words", choices=["auto", "threshold", "none"],
                   help="as the prompt was rendered")
    p.set_defaults(func=_cmd_reconcile)

    p = sub.add_parser("schema", help="print the JSON Schema of a document")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("lexicon", help="inspect and check a lexicon file or shipped lexicon")
    p.add_argument("source", nargs="?", metavar="NAME|FILE",
                   help="a shipped lexicon's name (--list), a lexicon file, or NAME=FILE: "
                   "its counts, warnings and malformed lines")
    p.add_argument("--check", action="store_true",
                   help="also exit 1 when the file has no entries (a malformed line always "
                   "does; a warning, such as duplicates merged, never); with no file named, "
                   "check the shipped lexicons")
    p.add_argument("--lookup", action="append", metavar="TERM",
                   help="look a term up (in the shipped lexicons when none is named)")
    p.add_argument("--list", action="store_true", help="list the shipped lexicons")
    p.set_defaults(func=_cmd_lexicon)

    from uncertain._cli_runs import add_batch_parser, add_calibrate_parser, add_eval_parser

    add_batch_parser(sub)
    add_eval_parser(sub)
    add_calibrate_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    # a closed stream (2>&-, >&-) is None here: what would go to it goes nowhere, rather
    # than ending the run in a traceback before anything is written
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")
    if sys.stdin is None:  # (<&-: "render -" read nothing, not an AttributeError)
        sys.stdin = open(os.devnull)
    _utf8_stdout()
    parser = build_parser()
    args = _parse(parser, argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    terminated = _on_sigterm()
    stdout = sys.stdout
    sys.stdout = _NamedStdout(stdout)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except _Terminated:
        return 143  # 128 + SIGTERM: what was being written is removed, as for Ctrl-C
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as cat does; what is left to flush
        # at exit goes nowhere rather than raising again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the status a shell gives a writer the pipe closed on
    except _StandardOutputError as exc:
        # (> /dev/full, a full disk: "OSError: [Errno 28] No space left on device" named
        # nothing); what is left unwritten goes nowhere at exit, as at a closed pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"OSError: cannot write to standard output: {exc.strerror}", file=sys.stderr)
        return 1
    except (UncertainError, OSError) as exc:
        if _TERMINATED.is_set():  # (the signal's exception turned into another: above)
            return 143
        # an --out that is a folder, on a read-only disk, ...: one line naming it, as the rest
        _fail(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        sys.stdout = stdout
        if terminated is not None:
            signal.signal(signal.SIGTERM, terminated)


class _StandardOutputError(OSError):
    """A write to standard output that failed (a full disk), other than a closed pipe."""


class _NamedStdout:
    """Standard output, whose failed writes are told from those of the files a command
    writes (:class:`_StandardOutputError`), to be said as standard output's."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _StandardOutputError(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _StandardOutputError(exc.errno, exc.strerror) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _utf8_stdout() -> None:
    """Write standard output in UTF-8, as --out is written (JSON's own encoding), whatever
    the locale's encoding: under a legacy one (ISO-8859-1, PYTHONIOENCODING=ascii) a
    document holding "µg" or "—" ended in a UnicodeEncodeError traceback, nothing written."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None)
    if isinstance(sys.stdout, io.TextIOWrapper) and encoding and (
            codecs.lookup(encoding).name != "utf-8"):
        sys.stdout.reconfigure(encoding="utf-8")


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """``parser.parse_args(argv)``, with paths after an option taken as paths too
    (``annotate a.flac --model base b.txt``), as a shell user expects; argparse stops a
    list of paths at the first option and refused the rest as unrecognized. After
    ``--`` every argument is a path (``annotate a.txt --no-validate -- -b.txt``: a file
    whose name begins with a dash), as after ``--`` anywhere else."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        listed = _listed_positional(parser, args.command)
        end = extra.index("--") if "--" in extra else len(extra)  # (options end there)
        if listed is None or any(a.startswith("-") and a != "-" for a in extra[:end]):
            # said by the command's parser, with its usage, and where the options are
            # another command's, whose (it was "uncertain: error: unrecognized arguments:
            # --format" for render, beside the list of commands)
            sub = _command_parser(parser, args.command) or parser
            sub.error(f"unrecognized arguments: {' '.join(extra)}"
                      + _elsewhere(parser, args.command, extra[:end]))
        setattr(args, listed, [*(getattr(args, listed) or []), *extra[:end],
                               *extra[end + 1:]])
    return args


def _listed_positional(parser: argparse.ArgumentParser, command: str) -> str | None:
    """The destination of ``command``'s positional list of paths, if it takes one."""
    sub = _command_parser(parser, command)
    for a in sub._actions if sub is not None else ():
        if not a.option_strings and a.nargs in ("+", "*"):
            return a.dest
    return None


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, by its name."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for name, sub in getattr(action, "choices", {}).items():
            if isinstance(sub, argparse.ArgumentParser):
                found[name] = sub
    return found


def _command_parser(parser: argparse.ArgumentParser, command: str
                    ) -> argparse.ArgumentParser | None:
    """``command``'s parser, if it is one."""
    return _commands(parser).get(command)


def _elsewhere(parser: argparse.ArgumentParser, command: str, extra: Sequence[str]) -> str:
    """Where the options of ``extra`` that ``command`` lacks are other commands' (shown
    ones: not those a command refuses itself), said after an error: "; --format is an
    option of annotate"; empty when none is."""
    said = []
    for arg in extra:
        option = arg.split("=", 1)[0]
        if not option.startswith("--"):
            continue
        owners = [name for name, sub in _commands(parser).items() if name != command
                  and any(option in a.option_strings and a.help != argparse.SUPPRESS
                          for a in sub._actions)]
        if owners:
            named = owners[0] if len(owners) == 1 else (
                f"{', '.join(owners[:-1])} and {owners[-1]}")
            said.append(f"{option} is an option of {named}")
    return f"; {', '.join(said)}" if said else ""


class _Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a job scheduler) as an exception, so that what is
    being written is cleaned up as for Ctrl-C: it ended the process with a hidden
    temporary file of ``--out`` left beside it."""


def _on_sigterm() -> Any:
    """Raise :class:`_Terminated` on SIGTERM while the command runs (main thread only);
    the previous handler, to restore, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None

    _TERMINATED.clear()

    def handler(signum: int, frame: Any) -> None:
        _TERMINATED.set()
        raise _Terminated

    return signal.signal(signal.SIGTERM, handler)


#: set when SIGTERM arrived: a library whose code the signal's exception was raised in
#: may turn it into an error of its own (a decoder's read failing, said as a corrupt
#: file), which then failed that input and the run went on to exit 1
_TERMINATED = threading.Event()


def _stop_if_terminated(exc: BaseException) -> None:
    """Raise :class:`_Terminated` from ``exc`` if SIGTERM arrived: an input's error that
    the signal caused is the run's end, not that input's failure."""
    if _TERMINATED.is_set():
        raise _Terminated from exc


if __name__ == "__main__":
    sys.exit(main())
