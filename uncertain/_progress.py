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
