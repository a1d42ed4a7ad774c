"""Silencing another library's warnings for the length of a call, under threads.

``warnings.catch_warnings`` saves the process's list of filters on entering and puts it
back on leaving (before Python 3.14 there are no filters of one thread's own): two
threads inside at once put back each other's lists, and the ``ignore`` of the one that
entered second is left for the rest of the process. A service opening images on eight
threads was left ignoring every ``UserWarning``, its own included. The blocks here are
entered by one thread at a time.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


@contextmanager
def quiet(*categories: type[Warning]) -> Iterator[None]:
    """Ignore warnings of ``categories`` (of every kind, given none) inside the block,
    leaving the process's filters as they were after it whatever other threads do here."""
    with _LOCK, warnings.catch_warnings():
        for category in categories or (Warning,):
            warnings.simplefilter("ignore", category)
        yield
