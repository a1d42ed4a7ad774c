"""CPU time of a validator of the shipped lexicons, and of ``uncertain annotate`` on a
one-line note, in fresh processes: with the index's cache empty (the index is built, and
written) and with it filled (read back, :mod:`uncertain._index_cache`).

Each run is a new Python process in a cache folder of its own (``UNCERTAIN_CACHE``, a
temporary folder): the CPU seconds are the child's own (user + system), the best of
``--repeat``; imports are counted apart for the validator.

    .venv/bin/python benchmarks/index_cache.py [--repeat 3] [--tree CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_VALIDATOR = """
import json, time
t0 = time.process_time()
from uncertain.validate import Validator
t1 = time.process_time()
Validator()
print(json.dumps({"imports": t1 - t0, "validator": time.process_time() - t1}))
"""
_ANNOTATE = "import sys; from uncertain.cli import main; sys.exit(main())"


def _child(code: str, args: list[str], cache: Path, tree: Path) -> tuple[float, str]:
    """CPU seconds of a new process running ``code`` with ``args`` on the package of
    ``tree``, and its output."""
    env = {**os.environ, "UNCERTAIN_CACHE": str(cache), "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=tree,
                          capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the checkout whose package is run (default: this one)")
    args = parser.parse_args()
    states = ("empty", "filled")
    validator: dict[str, list[tuple[float, float, float]]] = {s: [] for s in states}
    annotate: dict[str, list[float]] = {s: [] for s in states}
    with tempfile.TemporaryDirectory() as tmp:
        note = Path(tmp) / "note.txt"
        note.write_text("Patient takes lisinopril 10 mg daily.\n", encoding="utf-8")
        for _ in range(args.repeat):
            cache = Path(tempfile.mkdtemp(dir=tmp))
            for state in states:  # (the first run fills the cache)
                total, out = _child(_VALIDATOR, [], cache, args.tree)
                parts = json.loads(out)
                validator[state].append((parts["validator"], parts["imports"], total))
            cache = Path(tempfile.mkdtemp(dir=tmp))
            for state in states:
                cpu, _ = _child(_ANNOTATE, ["annotate", str(note)], cache, args.tree)
                annotate[state].append(cpu)
    print(f"cache    Validator() CPU s   imports CPU s   process CPU s   (best of {args.repeat})")
    for state in states:
        best = min(validator[state])
        print(f"{state:<8} {best[0]:>17.2f} {best[1]:>15.2f} "
              f"{min(r[2] for r in validator[state]):>15.2f}")
    print(f"uncertain annotate note.txt, process CPU s: cache empty {min(annotate['empty']):.2f}"
          f", filled {min(annotate['filled']):.2f}")


if __name__ == "__main__":
    main()
