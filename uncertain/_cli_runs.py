"""Command-line handlers for the long-running commands: ``batch``, ``eval``, ``calibrate``.

Each ``add_*_parser`` adds its command to the ``uncertain`` parser (see :mod:`uncertain.cli`)
and sets ``func``, which parses nothing more, calls the library and prints the result.
The library modules (:mod:`uncertain.batch`, :mod:`uncertain.evaluate`,
:mod:`uncertain.calibrate`) never print.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uncertain.document import Document

if TYPE_CHECKING:  # (imported by the commands that run it: the parser needs none of it)
    from uncertain.evaluate import Failure, Reference

# ------------------------------------------------------------------------------ batch


def add_batch_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``uncertain batch``; it sets ``func``."""
    from uncertain.cli import pdf_dpi, text_encoding

    p: argparse.ArgumentParser = subparsers.add_parser(
        "batch", help="process many files, directories, archives or manifests into JSON lines",
        description="One JSON line per input in --out; resumable and fault-isolated.",
        epilog="exit status: 0 every input done, 1 an input failed (unless "
        "--allow-failures), 2 a usage error, 3 no input file found (an empty folder): "
        "--out is not written")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files, directories, .tar/.tar.gz/.zip archives (ARCHIVE::MEMBER: "
                   "one member, as its record names it), .jsonl/.csv manifests")
    p.add_argument("-o", "--out", required=True, type=a_file, metavar="FILE",
                   help="the JSON-lines file to write")
    p.add_argument("--model", type=nonempty, metavar="NAME|DIR",
                   help="Whisper model: tiny.en (default), base, or a directory")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                   help="where Whisper runs: auto (the default) is every visible GPU when "
                   "CTranslate2 sees one, else the CPU; cuda without a GPU is refused")
    p.add_argument("--compute-type", default="auto", metavar="TYPE",
                   help="CTranslate2 compute type (auto: float16 on GPU, int8 on CPU)")
    p.add_argument("--cpu-threads", type=at_least(0), default=0, metavar="N",
                   help="CPU threads (0: all, max 8)")
    p.add_argument("--batch-size", type=_positive, default=8, metavar="N",
                   help="speech chunks decoded at once")
    p.add_argument("--language", type=_language, metavar="CODE",
                   help="audio language (default: detect; 'en' for .en models)")
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="local (the default): run in this process; ray: on a Ray cluster "
                   "(the ray extra; --ray-address), the records written here all the same")
    p.add_argument("--ray-address", metavar="ADDRESS",
                   help="Ray cluster address (default: $RAY_ADDRESS or local)")
    again = p.add_mutually_exclusive_group()  # continue it, or start it afresh: not both
    again.add_argument("--resume", action="store_true",
                       help="skip inputs already in --out; one changed since, or one an "
                       "earlier run failed on for a reason of the run's (an engine, a bug) "
                       "or refused under a lower limit, is done again, its new record "
                       "replacing its earlier one")
    again.add_argument("--force", action="store_true", help="overwrite an existing --out")
    p.add_argument("--prompts", action="store_true",
                   help="also store each rendered prompt: its text, and as prompt_json the "
                   "prompt reconcile --prompt reads back")
    p.add_argument("--style", default="inline", choices=["inline", "bracket", "json"],
                   help="prompt style for --prompts")
    p.add_argument("--encoding", type=text_encoding, metavar="NAME",
                   help="plain-text transcripts' encoding (default: detected)")
    p.add_argument("--dpi", type=pdf_dpi, metavar="N",
                   help="resolution PDF pages are rendered at for OCR (300)")
    add_stage_limits(p, over="an input over it gets an error record naming it, which "
                     "--resume with a higher limit does again")
    p.add_argument("--ocr-timeout", type=seconds, metavar="SECONDS",
                   help="the longest one tesseract run may take (default: no limit); an "
                   "image whose first reading takes longer gets an error record, which "
                   "--resume with a higher limit does again")
    p.add_argument("--lexicon", action="append", default=[], metavar="NAME|FILE|NAME=FILE",
                   help="add a lexicon to drugs+clinical (a shipped name, a file, or a file "
                   "under a name of its own: hospA=hospA/formulary.tsv); repeatable")
    p.add_argument("--no-validate", action="store_true", help="skip the lexicon validator")
    p.add_argument("--no-rescore", action="store_true",
                   help="skip the acoustic second pass over flagged audio spans")
    p.add_argument("--calibration", metavar="auto|none|default|FILE", default="auto",
                   help="calibrate word confidences before validation (auto, the default: "
                   "the shipped map for the engine and model when there is one; default: "
                   "the shipped one, which must exist; none: raw scores; or a file "
                   "calibrate wrote)")
    p.add_argument("--allow-failures", action="store_true",
                   help="exit 0 even when some inputs failed")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_batch_command)
    return p


def run_batch_command(args: argparse.Namespace) -> int:
    """Run ``uncertain batch``: 1 when an input failed (unless ``--allow-failures``), 3
    (:data:`uncertain.cli.NO_INPUTS`) when it was given no input file."""
    from uncertain.batch import run_batch
    from uncertain.cli import _UNUSED_LEXICONS, NO_INPUTS, command_line_words, warn

    if args.no_validate and args.lexicon:
        warn(_UNUSED_LEXICONS)
    if args.style != "inline" and not args.prompts:  # (the records were written without)
        warn(f"--style {args.style} sets how the prompts are rendered; without --prompts the "
             "records hold none")
    earlier = _earlier_output(args.out, args)
    try:
        summary = run_batch(
            args.inputs, out=args.out, model=args.model, device=args.device,
            compute_type=args.compute_type, cpu_threads=args.cpu_threads,
            batch_size=args.batch_size, language=args.language, engine=args.engine,
            resume=args.resume, force=args.force, validate=not args.no_validate,
            rescore=not args.no_rescore, calibration=args.calibration, lexicons=args.lexicon,
            prompts=args.prompts, dpi=args.dpi, encoding=args.encoding,
            max_pixels=args.max_pixels, max_pages=args.max_pages,
            ocr_timeout=args.ocr_timeout,
            max_seconds=args.max_audio_seconds,
            style=args.style, progress=not args.no_progress, ray_address=args.ray_address,
            words=command_line_words())
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (a KeyboardInterrupt of its own)
        if Path(args.out).is_file():
            print(f"uncertain batch: interrupted; {_kept(args.out, earlier)}", file=sys.stderr)
        else:  # (stopped before its first record: its empty output removed, unsaid)
            print(f"uncertain batch: interrupted before the first record; {args.out} not "
                  "written", file=sys.stderr)
        raise
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:  # (one the run raised itself)
            raise
        # a write to the output that failed (a full disk) names no file: say which, and
        # what is kept ("OSError: [Errno 28] No space left on device" was all)
        said = f"{type(exc).__name__}: {args.out}: {exc.strerror or exc}"
        if Path(args.out).is_file():
            said += f"; {_kept(args.out, earlier)}"
        print(said, file=sys.stderr)
        return 1
    if summary.total == 0:  # (run_batch said so, naming what was given; no --out written)
        return NO_INPUTS
    print(summary.format(), file=sys.stderr)
    # the inputs of a resumed run that failed earlier are failures of the output too
    failed = summary.failed + summary.failed_before
    return 1 if failed and not args.allow_failures else 0


def add_stage_limits(p: argparse.ArgumentParser, *, over: str = "") -> None:
    """The stages' limits every command that runs them takes (``annotate``, ``batch``,
    ``eval``, ``calibrate``): ``--max-pixels``, ``--max-pages``, ``--max-audio-seconds``;
    ``over``: what becomes of an input over one, said in each option's help."""
    from uncertain.cli import page_limit, pixel_limit

    tail = f"; {over}" if over else ""
    p.add_argument("--max-pixels", type=pixel_limit, metavar="N",
                   help=f"the most pixels an image or PDF page may have (100000000){tail}")
    p.add_argument("--max-pages", type=page_limit, metavar="N",
                   help=f"the most pages an image or PDF may have (1000){tail}")
    p.add_argument("--max-audio-seconds", type=audio_limit, metavar="SECONDS",
                   help="the longest recording transcribed (default: "
                   f"$UNCERTAIN_MAX_AUDIO_SECONDS, else 21600: six hours; inf: no limit){tail}")


# ------------------------------------------------------------------- eval and calibrate


def _add_input_arguments(p: argparse.ArgumentParser) -> None:
    """The input options ``eval`` and ``calibrate`` share."""
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to run, or an archive's member as batch records "
                   "key it ('calls.zip::a.wav') (default: the references' own paths)")
    p.add_argument("--refs", required=True, metavar="FILE",
                   help="reference transcripts (JSON lines; '-': stdin)")
    p.add_argument("--docs", action="append", default=[], metavar="FILE",
                   help="score saved documents (JSON, JSON lines or batch records) instead "
                   "of running the stages ('-': stdin); repeatable")
    p.add_argument("--split", metavar="NAME",
                   help="keep only the references of this split (dev, test)")
    p.add_argument("--model", type=nonempty, metavar="NAME|DIR",
                   help="Whisper model for audio inputs: tiny.en (default), base, or a "
                   "directory")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar over the files run or while a large --lexicon "
                   "is indexed (drawn only on a terminal)")
    # the stages' limits, as annotate's and batch's (an input over one failed, and its
    # error told to raise an option the command did not have)
    add_stage_limits(p)




def _collect(args: argparse.Namespace, *, validate: bool, calibration: str | None = None,
             rescore: bool = False, lexicons: Sequence[str] = ()
             ) -> tuple[list[tuple[Document | Failure, Reference]],
                        list[Document | Failure], list[Reference]]:
    """Load references and inputs (saved documents, or files run through the stages, with
    ``calibration``, ``rescore`` and ``lexicons`` as :func:`uncertain.evaluate.run_stages`
    takes them)."""
    from uncertain.errors import EmptyInputError
    from uncertain.evaluate import load_documents, load_references, match_references, run_stages

    for named in [args.refs, *args.docs]:
        # (a file of no reference was "no input matched a reference", 0 references; one
        # of no document was scored as none, the inputs it was to hold not missed)
        if named != "-" and os.path.isfile(named) and os.path.getsize(named) == 0:
            raise EmptyInputError(named, "file is empty (0 bytes)")
    with _piped(args.refs, "the references") as refs_file:
        refs = load_references(refs_file, split=args.split)
    # (references piped in name their inputs from the working folder)
    refs_dir = Path.cwd() if args.refs == "-" else Path(args.refs).resolve().parent
    items: list[Document | Failure] = []
    for docs in args.docs:
        with _piped(docs, "saved documents") as docs_file:
            items += load_documents(docs_file)
    if args.paths or not args.docs:
        from uncertain._batch_inputs import named_files
        from uncertain.cli import warn
        from uncertain.evaluate import Failure

        # a folder that cannot be listed is an input that failed, as annotate's and
        # batch's (it was left out with a warning, and the run's status was 0)
        unread: list[tuple[Path, str]] = []
        files = list(named_files(args.paths, warn, unread=unread)) if args.paths else [
            refs_dir / r.path for r in refs if r.path]
        from uncertain.cli import command_line_words

        items += run_stages(files, validate=validate, model=args.model,
                            calibration=calibration, rescore=rescore,
                            progress=not args.no_progress, lexicons=lexicons,
                            limits={"max_pixels": args.max_pixels,
                                    "max_pages": args.max_pages,
                                    "max_seconds": args.max_audio_seconds},
                            words=command_line_words())
        items += [Failure(os.fspath(folder), "MissingFileError", f"{folder}: {why}")
                  for folder, why in unread]
    pairs, unmatched = match_references(items, refs, refs_dir=refs_dir)
    return pairs, unmatched, refs


def stdin_misuse(args: argparse.Namespace, command: str) -> str | None:
    """Why ``eval``'s or ``calibrate``'s use of "-" (standard input) cannot be, or None.
    ``--refs -`` and ``--docs -`` are read (their lines say what they are and, for the
    documents, which input each is of); a PATH "-" is refused: an input is matched to
    its reference by its name, which standard input has none of."""
    if "-" in args.paths:
        return (f"'-' (standard input) as a PATH: {command} matches each input to its "
                "reference by the input's path or name, and standard input has none; save "
                "it to a file named as its reference names it, or pipe saved documents in "
                "with --docs - (annotate ... --format jsonl | uncertain " + command +
                " --refs REFS.jsonl --docs -)")
    if [args.refs, *args.docs].count("-") > 1:
        return ("standard input can be read once: one of --refs and --docs may be '-', "
                "once")
    return None


@contextmanager
def _piped(path: str, what: str) -> Iterator[str]:
    """``path``, or for "-" a temporary file holding standard input's bytes (read whole),
    read by a loader of files; its errors name standard input ``<stdin>`` where they
    would name the temporary file."""
    if path != "-":
        yield path
        return
    from uncertain._batch_inputs import STDIN
    from uncertain._io import read_standard_input
    from uncertain.errors import EmptyInputError, InputError, MissingFileError

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise MissingFileError(STDIN, f"there is no standard input to read {what} from")
    data = read_standard_input(stream, what=what)
    if not data.strip():
        raise EmptyInputError(STDIN, "standard input holds nothing")
    with tempfile.TemporaryDirectory(prefix="uncertain-stdin-") as folder:
        tmp = Path(folder) / "stdin"
        tmp.write_bytes(data)
        try:
            yield os.fspath(tmp)
        except InputError as exc:
            if exc.path != os.fspath(tmp):
                raise
            raise type(exc)(STDIN, exc.reason) from exc


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``uncertain eval``; it sets ``func``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval", help="score transcripts, flags and confidence against references")
    _add_input_arguments(p)
    p.add_argument("--no-validate", action="store_true", help="do not run the lexicon validator")
    p.add_argument("--lexicon", action="append", default=[], metavar="NAME|FILE|NAME=FILE",
                   help="add a lexicon to drugs+clinical for the files run here, as "
                   "annotate's --lexicon (a shipped name, a file, or a file under a name of "
                   "its own: hospA=hospA/formulary.tsv); repeatable")
    p.add_argument("--calibration", metavar="auto|none|default|FILE",
                   help="files run here are calibrated by their stages before validation, "
                   "as annotate does (default auto: the shipped map for the engine and "
                   "model, if any; none: the engines' own scores); saved --docs are scored "
                   "as they are unless this is given (none: their words' own scores, "
                   "recovered from their raw scores)")
    p.add_argument("--no-rescore", action="store_true",
                   help="skip the acoustic second pass on audio run here (run by default, "
                   "as annotate runs it)")
    p.add_argument("--bins", type=_positive, default=10, metavar="N",
                   help="confidence bins (default 10)")
    p.add_argument("--intervals", type=int, default=1000, metavar="N",
                   help="bootstrap draws for 95%% intervals of WER, drug recovery, AUROC "
                   "and ECE (default 1000; 0: none)")
    p.add_argument("--json", metavar="FILE", type=a_file,
                   help="also write the report as JSON")
    p.add_argument("--plot", metavar="FILE", type=a_file,
                   help="draw reliability diagrams (matplotlib): .png, .pdf, .svg ...")
    p.add_argument("--force", action="store_true", help="overwrite an existing --json or --plot")
    p.add_argument("--allow-failures", action="store_true",
                   help="exit 0 even when some inputs failed (as batch: they are scored as "
                   "empty transcripts, and the exit status is 1 without this)")
    p.set_defaults(func=run_eval_command)
    return p


def nonempty(text: str) -> str:
    """A name that is not empty (``--out ""`` was ". exists", ``--model ""`` tiny.en)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty: name one")
    return text


def a_file(text: str) -> str:
    """A file to write that is not standard output: a run's records or report are kept
    in a file ("-" was a file named "-")."""
    if text.strip() == "-":
        raise argparse.ArgumentTypeError(
            "'-' is standard output; this is written to a file: name one")
    return nonempty(text)


def at_least(low: int) -> Callable[[str], int]:
    """An option's type: a whole number from ``low`` on, else a usage error."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value}: at least {low}")
        return value
    return parse


_positive = at_least(1)  # --bins, --batch-size


def audio_limit(text: str) -> float:
    """``--max-audio-seconds``'s type: a number of seconds over 0 (``inf``: no limit), as
    :func:`uncertain.audio.max_seconds_of` takes it, else a usage error."""
    from uncertain.audio import max_seconds_of

    try:
        return max_seconds_of(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text}: give a number of seconds over 0 (inf: no limit)") from None


def seconds(text: str) -> float:
    """``--ocr-timeout``'s type: a finite number of seconds from 0 (0: no limit), else a
    usage error."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text}: a number of seconds from 0 (0: no limit)")
    return value


#: what --out held before a run that continues it (--resume) or overwrites it (--force):
#: its signature (:func:`uncertain.lexicon.file_signature`), its records (whole lines,
#: counted for --resume only) and whether the run overwrites it
_Earlier = tuple[tuple[int, ...], int, bool]


def _earlier_output(out: str, args: argparse.Namespace) -> _Earlier | None:
    """What ``out`` held before the run, when the run continues or overwrites it."""
    from uncertain.lexicon import file_signature

    if not (args.resume or args.force):
        return None
    try:
        st = os.stat(out)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):  # (a folder, a FIFO: run_batch says why not; reading
        # a FIFO here waited forever)
        return None
    return file_signature(st), _lines(out) if args.resume else 0, bool(args.force)


def _lines(out: str) -> int:
    with open(out, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))


def _kept(out: str, earlier: _Earlier | None = None) -> str:
    """What a batch run stopped early leaves in ``out``: its records, whole, and whose they
    are: a run that overwrites (--force) empties the file as it writes its first record,
    so one stopped before then leaves the earlier run's."""
    from uncertain.lexicon import file_signature

    kept = _lines(out)
    records = f"{kept} record{'s' * (kept != 1)}"
    are = "is" if kept == 1 else "are"
    if earlier is None:  # (a new file: the run's own)
        whose = f"the {records} this run wrote in {out} {are} kept whole"
    elif file_signature(os.stat(out)) == earlier[0]:  # (it wrote nothing)
        whose = f"the earlier run's {records} in {out} {are} kept whole (this run wrote none)"
    elif earlier[2]:
        whose = (f"the {records} this run wrote in {out} {are} kept whole (the earlier run's "
                 "were dropped as it wrote its first)")
    else:
        mine = max(0, kept - earlier[1])
        whose = (f"the {records} in {out}, {mine} of them this run's and the rest the "
                 f"earlier run's, {are} kept whole")
    return whose + ": --resume goes on from there"


def _language(text: str) -> str:
    """``--language``'s type: a code Whisper knows, else a usage error before the run."""
    from uncertain.cli import checked
    from uncertain.models import check_language_code

    return checked(check_language_code)(text)


def _unwritable(command: str, outputs: Sequence[tuple[str | None, str, tuple[str, ...]]],
                args: argparse.Namespace) -> int:
    """Say now, before any input is run, which output could not be written at the end
    (its folder not writable, or not to be made: a file stands where a folder of its path
    would be; a folder named as the file, a format matplotlib does not draw) or would be
    written over one of the inputs ``args`` names (``--refs``, ``--docs``, a ``PATH``:
    --force wrote the report over the references): 2, as for a usage error, or 0 when all
    can be. A folder missing is made as the output is written (:func:`_made_folder`), as
    annotate's --out and batch's make theirs."""
    inputs = {os.path.realpath(p) for p in [args.refs, *args.docs, *args.paths]
              if os.path.isfile(p)}
    for path, what, suffixes in outputs:
        if path is None:
            continue
        folder = Path(path).resolve().parent
        while not folder.exists() and folder.parent != folder:  # (the folder it is made in)
            folder = folder.parent
        problem = (f"{folder} is a file, where a folder of the path would be"
                   if not folder.is_dir()
                   else f"{folder} cannot be written in" if not os.access(folder, os.W_OK)
                   else "is a folder; name a file" if Path(path).is_dir()
                   else "is one of the inputs; name another file"
                   if os.path.realpath(path) in inputs
                   else f"name a {', '.join(suffixes)} file"
                   if suffixes and Path(path).suffix.lower() not in suffixes else None)
        if problem is not None:
            print(f"uncertain {command}: error: {what} {path}: {problem}", file=sys.stderr)
            return 2
    return 0


def _made_folder(path: str | os.PathLike[str]) -> Path:
    """``path``, its folder made first when missing."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Path(path)


def run_eval_command(args: argparse.Namespace) -> int:
    """Run ``uncertain eval``: print the table, write ``--json`` and ``--plot``; 1 when an
    input failed (unless ``--allow-failures``), as ``uncertain batch``."""
    from uncertain.evaluate import (
        Failure,
        calibrate_pairs,
        evaluate,
        format_table,
        plot_reliability,
    )

    if (misuse := stdin_misuse(args, "eval")) is not None:
        print(f"uncertain eval: error: {misuse}", file=sys.stderr)
        return 2
    if _unwritable("eval", [(args.json, "--json", ()),
                            (args.plot, "--plot", _PLOT_SUFFIXES)], args):
        return 2
    for option, path in (("--json", args.json), ("--plot", args.plot)):
        if path is not None and Path(path).exists() and not args.force:
            # as annotate's --out and calibrate's: a report of an earlier run is kept
            print(f"uncertain eval: error: {option} {path} exists; pass --force to "
                  "overwrite it", file=sys.stderr)
            return 2
    if args.lexicon and (args.no_validate or not (args.paths or not args.docs)):
        from uncertain.cli import _UNUSED_LEXICONS, warn

        warn(_UNUSED_LEXICONS if args.no_validate else
             "--lexicon adds lexicons to the validator of the files run here; saved --docs "
             "are scored with the flags they were saved with (annotate them again with it)")
    pairs, unmatched, refs = _collect(args, validate=not args.no_validate,
                                      calibration=args.calibration or "auto",
                                      rescore=not args.no_rescore,
                                      lexicons=[] if args.no_validate else args.lexicon)
    if args.docs and args.calibration not in (None, "none"):
        # saved documents, when a calibration is asked for (the files run here were
        # calibrated by their stages with the same one, which applying again leaves as is)
        pairs = calibrate_pairs(pairs, args.calibration)
        if any(isinstance(d, Document) and d.validation is not None for d, _ in pairs):
            from uncertain.cli import warn

            warn("--calibration re-scores the saved documents' words, not their flags: "
                 "the flags are scored as saved (run the files again, with this "
                 "calibration, for flags of the calibrated scores)")
    elif args.docs and args.calibration == "none":
        # the engines' own scores, as for files run here: undo a saved calibration
        from uncertain.calibrate import remove_calibration

        pairs = [(remove_calibration(d) if isinstance(d, Document) else d, r)
                 for d, r in pairs]
    report = evaluate(pairs, n_bins=args.bins, unmatched=unmatched, references=refs,
                      resamples=max(0, args.intervals))
    print(format_table(report))
    if not pairs:  # a table of dashes with status 0 read as a run that went well
        print(f"uncertain eval: error: no input matched a reference of "
              f"{_refs_name(args.refs)} "
              f"({len(refs)} reference{'s' * (len(refs) != 1)}, {len(unmatched)} "
              f"input{'s' * (len(unmatched) != 1)} matching none)", file=sys.stderr)
        return 1
    if args.json:
        _made_folder(args.json).write_text(json.dumps(report.to_dict(), indent=2) + "\n",
                                   encoding="utf-8")
    if args.plot:
        plot_reliability(report, _made_folder(args.plot))
    # an input that could not be read is scored as an empty transcript, and the run went
    # on; status 0 read as a run whose every input was read (a check in CI passed)
    scored = [d for d, _ in pairs if isinstance(d, Failure)]
    unscored = [d for d in unmatched if isinstance(d, Failure)]  # (of no reference)
    for failed, how in ((scored, "scored as empty transcripts"),
                        (unscored, "of no reference, not scored")):
        if failed:
            shown = ", ".join(f"{f.path} ({f.error})" for f in failed[:3])
            print(f"uncertain eval: {len(failed)} input{'s' * (len(failed) != 1)} failed, "
                  f"{how}: {shown}" + (f" and {len(failed) - 3} more" if len(failed) > 3
                                       else ""), file=sys.stderr)
    if scored or unscored:
        return 0 if args.allow_failures else 1
    return 0


#: what matplotlib draws without a backend of another kind
_PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff",
                  ".webp")


def add_calibrate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``uncertain calibrate``; it sets ``func``."""
    from uncertain.calibrate import METHODS

    p: argparse.ArgumentParser = subparsers.add_parser(
        "calibrate", help="fit a confidence calibration on documents with references")
    _add_input_arguments(p)
    p.add_argument("-o", "--out", required=True, type=a_file, metavar="FILE",
                   help="calibration file to write (with several engines: one per engine, "
                   "named FILE-engine-model.json)")
    p.add_argument("--method", choices=["auto", *METHODS], default="auto",
                   help="fitting method (auto: best held-out log loss)")
    p.add_argument("--force", action="store_true", help="overwrite --out")
    p.add_argument("--lexicon", action="append", default=[], metavar="NAME|FILE|NAME=FILE",
                   help=argparse.SUPPRESS)  # (refused, saying why: run_calibrate_command)
    p.set_defaults(func=run_calibrate_command)
    return p


def run_calibrate_command(args: argparse.Namespace) -> int:
    """Run ``uncertain calibrate``: fit per engine and model, print the comparison."""
    from uncertain.calibrate import METHODS, Method
    from uncertain.calibrate_fit import fit_by_engine, format_comparison

    if args.lexicon:  # (argparse said "unrecognized arguments", and not why)
        print("uncertain calibrate: error: --lexicon: a calibration maps the stages' own "
              "scores before any lexicon of yours is read, and its lexicon features are "
              "what the shipped lexicons say (so that it applies the same whatever "
              "--lexicon annotate is given); fit without it, and give your lexicons to "
              "annotate, batch or eval", file=sys.stderr)
        return 2
    if (misuse := stdin_misuse(args, "calibrate")) is not None:
        print(f"uncertain calibrate: error: {misuse}", file=sys.stderr)
        return 2
    if _unwritable("calibrate", [(args.out, "--out", ())], args):
        return 2
    if Path(args.out).exists() and not args.force:  # before minutes of transcription
        raise FileExistsError(f"{args.out} exists; pass --force to overwrite it")
    # calibrations are applied by the stages, before validation
    pairs, _, _ = _collect(args, validate=False)
    methods: Sequence[Method] = METHODS if args.method == "auto" else (args.method,)
    # (standard input is said as errors say it: "-" read as a file named so)
    fitted = fit_by_engine(pairs, methods=methods, info={"refs": _refs_name(args.refs)})
    out = Path(args.out)
    targets = [out if len(fitted) == 1 else out.with_name(
        f"{out.stem}-{_slug(cal.engine)}-{_slug(cal.model or 'any')}{out.suffix or '.json'}")
        for cal, _ in fitted]
    for target in targets:
        if target.exists() and not args.force:
            raise FileExistsError(f"{target} exists; pass --force to overwrite it")
    for (cal, scores), target in zip(fitted, targets, strict=True):
        cal.save(_made_folder(target))
        print(format_comparison(cal.engine, cal.model, scores, chosen=cal.method))
        print(f"wrote {target} ({cal.id})\n")
    return 0


def _refs_name(refs: str) -> str:
    """The name of the references ``--refs`` gives: ``<stdin>`` for ``-``."""
    from uncertain._batch_inputs import STDIN

    return STDIN if refs == "-" else os.fspath(refs)


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)
