"""Log records beside a progress bar: written above the bar while it is drawn, as the
process's own console handler would write them; the logging left alone otherwise."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def logging_above(bar: Any) -> Iterator[None]:
    """While the tqdm ``bar`` is drawn (on a terminal), the root logger's console handlers
    write with ``tqdm.write``, at the level of the first of them, in its format and
    through its filters. A bar not drawn (not a terminal), or a root logger without a
    console handler, leaves the logging as it is. tqdm's ``logging_redirect_tqdm`` added
    a console handler of no level where there was none, and took the level off the one
    it replaced: a service's batch run printed to stderr the INFO records its own
    handler dropped."""
    console = [h for h in logging.root.handlers if isinstance(h, logging.StreamHandler)
               and h.stream in (sys.stdout, sys.stderr)]
    if bar.disable or not console:
        yield
        return
    from tqdm.contrib.logging import logging_redirect_tqdm

    with logging_redirect_tqdm():
        logging.root.handlers[-1].setLevel(console[0].level)  # (tqdm's, put last)
        yield


#: terms of a user's lexicons indexed between two reports of :func:`indexing`'s bar
INDEX_REPORT_EVERY = 20_000


@contextmanager
def indexing(enabled: bool) -> Iterator[Any]:
    """A ``progress(done, total)`` callback for :class:`uncertain.validate.Validator`: a
    bar on standard error, on a terminal only (``tqdm``'s ``disable=None``), of the terms
    of a user's lexicons indexed (a million took a minute and more, with nothing shown),
    drawn from the first report (after ``INDEX_REPORT_EVERY`` terms: a formulary of a
    few thousand shows none) and gone when the block ends. None when not ``enabled``."""
    bar: Any = None

    def report(done: float, total: float | None) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=round(total) if total else None, unit="term", leave=False,
                       initial=round(done),
                       desc="indexing lexicons", disable=None, file=sys.stderr,
                       dynamic_ncols=True)
        bar.update(max(0, round(done) - bar.n))

    try:
        yield report if enabled else None
    finally:
        if bar is not None:
            bar.close()
