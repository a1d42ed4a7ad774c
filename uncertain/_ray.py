"""The Ray engine of batch runs: the same per-file work on Ray Data actors.

:func:`run_on_ray` takes the pending items of a run (already filtered for resuming by the
driver), ships them in windows to a Ray Data ``map_batches`` over an actor class that
builds one :class:`uncertain._batch_work.Worker` (model and validator loaded once per
actor), and yields the records back to the driver, which writes them through the one
writer. A window holds at most ``window`` items or ``window_bytes`` of archive-member
bytes, so the driver never holds a whole archive; each window is one Ray Data run.

Sizing, from ``ray.cluster_resources()``: with GPUs (and ``device`` ``auto`` or ``cuda``)
one actor per GPU, each reserving ``num_gpus=1``; otherwise one actor per ``cpu_threads``
CPUs (default 4, at most all of them), each reserving one CPU for Ray's bookkeeping.

Connecting: ``address`` (``--ray-address``), else ``$RAY_ADDRESS`` (for example
``ray://head:10001``), else a local Ray started for the run and stopped after it. Files
given by path are read by the actors, so on a cluster they must sit on storage every
node mounts at the same path; archive members travel with their items.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from uncertain import errors
from uncertain._batch_inputs import Item
from uncertain._batch_work import Processor, Record, WorkConfig, error_record
from uncertain.errors import EngineNotFoundError, UncertainError

log = logging.getLogger("uncertain")

DEFAULT_WINDOW = 256
DEFAULT_WINDOW_BYTES = 1 << 30
_CPU_THREADS_PER_ACTOR = 4


@dataclass(frozen=True)
class RayPlan:
    """How many actors run and what each one reserves."""

    concurrency: int
    num_cpus: float
    num_gpus: float
    config: WorkConfig


def plan_actors(resources: dict[str, float], config: WorkConfig) -> RayPlan:
    """Actors for a cluster with ``resources`` (see the module docstring)."""
    gpus = int(resources.get("GPU", 0))
    cpus = max(1, int(resources.get("CPU", 1)))
    if gpus > 0 and config.device in ("auto", "cuda"):
        return RayPlan(gpus, 1.0, 1.0, replace(config, device="cuda"))
    threads = min(config.cpu_threads or _CPU_THREADS_PER_ACTOR, cpus)
    return RayPlan(max(1, cpus // threads), 1.0, 0.0,
                   replace(config, device="cpu", cpu_threads=threads))


class _Actor:
    """A Ray Data actor: builds one processor, then turns batches of rows into records."""

    def __init__(self, config: WorkConfig, factory: Callable[[WorkConfig], Processor]) -> None:
        self.processor = factory(config)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        records = []
        for path, sha, file, data, in_memory in zip(
                batch["path"], batch["sha256"], batch["file"], batch["data"],
                batch["in_memory"], strict=True):
            # columns hold no nulls (Arrow would turn an all-null column into NaN or b"")
            item = Item(path=str(path), file=None if in_memory else str(file),
                        data=bytes(data) if in_memory else None)
            records.append(json.dumps(self.processor.process(item, str(sha) or None)))
        return {"record": records}


def _windows(pending: Iterator[tuple[Item, str | None]], size: int, max_bytes: int
             ) -> Iterator[tuple[list[dict[str, Any]], list[Record]]]:
    """Rows for Ray, in windows; items that failed while listing become records at once."""
    rows: list[dict[str, Any]] = []
    errors: list[Record] = []
    held = 0
    for item, sha in pending:
        if item.error is not None:
            errors.append(error_record(item.path, sha, item.error))
            continue
        rows.append({"path": item.path, "sha256": sha or "", "file": item.file or "",
                     "data": item.data or b"", "in_memory": item.data is not None})
        held += len(item.data or b"")
        if len(rows) >= size or held >= max_bytes:
            yield rows, errors
            rows, errors, held = [], [], 0
    if rows or errors:
        yield rows, errors


def _told(record: Record) -> Record:
    """``record``, its failure said here as a local run says it (the actors' logs go to
    no terminal: a run said only "2 failed", naming no file)."""
    if record.get("status") == "error":
        log.warning("%s: %s", record.get("error"), record.get("message"))
    return record


def _our_error(exc: BaseException) -> UncertainError | None:
    """The package's own run-stopping error (a model that cannot load) inside what Ray
    raised: the actor's exception reaches the driver only as text, in a remote traceback
    ("uncertain.errors.ModelNotFoundError: ..." among Ray's own lines)."""
    found = _REMOTE_ERROR.findall(str(exc))
    if not found:
        return None
    name, message = found[-1]
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, errors.EngineError):
        return kind(message)
    return None


_REMOTE_ERROR = re.compile(r"^uncertain\.errors\.(\w+): (.+)$", re.MULTILINE)


def require_ray() -> None:
    """Raise :class:`EngineNotFoundError` when Ray Data cannot be imported."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise EngineNotFoundError(
            f"--engine ray needs Ray Data ({exc}); run: pip install -e '.[ray]' in this "
            "project's checkout") from exc


def run_on_ray(pending: Iterator[tuple[Item, str | None]], config: WorkConfig, *,
               factory: Callable[[WorkConfig], Processor], address: str | None = None,
               window: int = DEFAULT_WINDOW, window_bytes: int = DEFAULT_WINDOW_BYTES
               ) -> Iterator[Record]:
    """Records for ``pending`` computed on Ray Data actors (see the module docstring)."""
    require_ray()
    import ray
    import ray.data
    started = False
    if not ray.is_initialized():
        main = threading.current_thread() is threading.main_thread()
        handler = signal.getsignal(signal.SIGTERM) if main else None
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
        started = True
        if handler is not None:
            # Ray's own handler exits at once with status 15 (sys.exit(signum)): the
            # command's own says it was stopped, and exits 143, as under --engine local
            signal.signal(signal.SIGTERM, handler)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        plan = plan_actors(ray.cluster_resources(), config)
        log.info("ray: %d actor(s), %s GPU / %s CPU each", plan.concurrency,
                 plan.num_gpus, plan.num_cpus)
        for rows, errors in _windows(pending, window, window_bytes):
            yield from map(_told, errors)
            if not rows:
                continue
            dataset = ray.data.from_items(rows).map_batches(
                _Actor, fn_constructor_kwargs={"config": plan.config, "factory": factory},
                batch_size=1, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=min(plan.concurrency, len(rows))),
                num_cpus=plan.num_cpus, num_gpus=plan.num_gpus or None)
            try:
                for row in dataset.iter_rows():
                    yield _told(json.loads(row["record"]))
            except Exception as exc:
                # an actor's ModelNotFoundError arrives wrapped twice (UserCodeException,
                # RayTaskError), its message a remote traceback: said as the error it is
                ours = _our_error(exc)
                if ours is None:
                    raise
                raise ours from None
    finally:
        if started:
            ray.shutdown()
