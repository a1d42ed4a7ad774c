"""Reference transcripts and saved documents: reading them and pairing them with inputs.

This module owns the references file format, the reading of saved documents (a batch
run's JSON lines, error records included) and the matching of documents to references
that ``uncertain eval`` scores (:mod:`uncertain.evaluate`) and ``uncertain calibrate``
fits on.

References are JSON lines ``{"id"|"path", "text", "terms": [{"term", "canonical"}]}``
(``modality`` and ``split`` are optional). A document matches a reference by path (as
written, resolved against the references file's folder, or by base name when that is
unique) or by id (the file name without its extension).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from uncertain._io import json_lines
from uncertain.document import Document, invalid_summary
from uncertain.errors import CorruptInputError, MissingFileError

log = logging.getLogger("uncertain")

__all__ = ["Failure", "Reference", "Term", "load_documents", "load_references",
           "match_references"]


@dataclass(frozen=True)
class Term:
    """A lexicon term the reference expects: its surface and its canonical name."""

    term: str
    canonical: str

    def __post_init__(self) -> None:
        if not isinstance(self.term, str) or not isinstance(self.canonical, str):
            raise TypeError(f"a term and its canonical name are strings, not {self}")
        if not self.term.strip() or not self.canonical.strip():
            raise ValueError(f"empty term or canonical name in {self}")


@dataclass(frozen=True)
class Reference:
    """The right transcript of one input, with the lexicon terms it contains."""

    text: str
    id: str | None = None
    path: str | None = None
    terms: tuple[Term, ...] = ()
    modality: str | None = None
    split: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"a reference's text is a string, not {type(self.text).__name__}")
        for field in ("id", "path", "modality", "split"):
            if not isinstance(getattr(self, field), str | None):
                raise TypeError(f"a reference's {field} is a string or None, not "
                                f"{type(getattr(self, field)).__name__}")
        if not self.id and not self.path:
            raise ValueError("a reference needs an id or a path")
        if not isinstance(self.terms, tuple | list) or not all(
                isinstance(t, Term) for t in self.terms):
            raise TypeError("a reference's terms are a sequence of Term")
        object.__setattr__(self, "terms", tuple(self.terms))

    @property
    def name(self) -> str:
        """The id, else the path."""
        return self.id or self.path or ""


@dataclass(frozen=True)
class Failure:
    """An input that produced no document (an error record of a batch run)."""

    path: str
    error: str
    message: str = ""


def load_references(path: str | os.PathLike[str], *, split: str | None = None
                    ) -> list[Reference]:
    """Read a references JSON-lines file; ``split`` keeps only the references of that split."""
    p = Path(path)
    refs: list[Reference] = []
    try:
        lines = list(json_lines(p))
    except OSError as exc:
        raise MissingFileError(p, f"cannot read references: {exc.strerror or exc}") from exc
    seen: dict[tuple[str, str], int] = {}  # ("id" or "path", value) -> line
    for number, line in lines:
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            # text, terms and their names are strings: null was scored as "None", 123 as
            # "123" (WER 4600%), in silence
            fields = [("text", raw["text"])]
            for k, t in enumerate(raw.get("terms") or ()):
                if not isinstance(t, dict):
                    raise TypeError(f"terms[{k}] is {json.dumps(t)}, not an object with "
                                    '"term" and "canonical"')
                fields += [(f"terms[{k}].{key}", t.get(key)) for key in ("term", "canonical")]
            for name, value in fields:
                if not isinstance(value, str):
                    raise TypeError(f"{name} is {json.dumps(value)}, not a string")
            ref = Reference(
                text=raw["text"],
                id=None if raw.get("id") is None else str(raw["id"]),
                path=None if raw.get("path") is None else str(raw["path"]),
                terms=tuple(Term(t["term"], t["canonical"]) for t in raw.get("terms") or ()),
                modality=raw.get("modality"),
                split=raw.get("split"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CorruptInputError(p, f"line {number}: not a reference ({exc})") from exc
        # a second reference for one input would be matched in place of the first, its
        # text scored against the other's words, in silence
        for field, value in (("id", ref.id), ("path", ref.path)):
            if value is None:
                continue
            if (field, value) in seen:
                raise CorruptInputError(p, f"line {number}: {field} {value!r} is line "
                                           f"{seen[field, value]}'s too")
            seen[field, value] = number
        if split is None or ref.split == split:
            refs.append(ref)
    return refs


def load_documents(path: str | os.PathLike[str]) -> list[Document | Failure]:
    """Read documents (one JSON per line, or one JSON document); error records become
    :class:`Failure`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise MissingFileError(p, f"cannot read documents: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CorruptInputError(p, f"not UTF-8: byte {exc.object[exc.start]:#04x} at offset "
                                   f"{exc.start}") from exc
    stripped = text.strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise CorruptInputError(p, f"not JSON ({exc})") from exc
        records = data if isinstance(data, list) else [data]
        return [_record(r, p, 1) for r in records]
    out: list[Document | Failure] = []
    # JSON lines end at line feeds only (see uncertain._io.json_lines)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise CorruptInputError(p, f"line {number}: not JSON ({exc})") from exc
        out.append(_record(record, p, number))
    return out


def _record(record: Any, path: Path, number: int) -> Document | Failure:
    """A saved document, a batch's record of one (``{"path", "status": "ok", ...,
    "document"}``) or of an input that failed (``{"error", ...}``)."""
    if isinstance(record, dict) and "error" in record and "source" not in record:
        return Failure(str(record.get("path", "")), str(record["error"]),
                       str(record.get("message", "")))
    if isinstance(record, dict) and isinstance(record.get("document"), dict):
        record = record["document"]
    try:
        return Document.model_validate(record)
    except ValidationError as exc:
        raise CorruptInputError(path, f"line {number}: not a saved document or batch record "
                                      f"({invalid_summary(exc)})") from exc


def match_references(items: Sequence[Document | Failure], refs: Sequence[Reference], *,
                     refs_dir: str | os.PathLike[str] | None = None
                     ) -> tuple[list[tuple[Document | Failure, Reference]],
                                list[Document | Failure]]:
    """Pair inputs with references; returns the pairs and the inputs that matched none."""
    base = Path(refs_dir) if refs_dir is not None else None
    exact: dict[str, Reference] = {}
    by_name: dict[str, list[Reference]] = {}
    by_id: dict[str, Reference] = {}
    for ref in refs:
        if ref.path:
            exact[ref.path] = ref
            exact[_resolved(ref.path, base)] = ref
            by_name.setdefault(Path(ref.path).name, []).append(ref)
        if ref.id:
            by_id[ref.id] = ref
    unmatched: list[Document | Failure] = []
    # per reference, its best match: by path before by file name before by id, and of
    # equals the later (a resumed batch's new record of an input that failed before)
    best: dict[int, tuple[int, int, Document | Failure, Reference]] = {}
    for order, item in enumerate(items):
        path = item.source.path if isinstance(item, Document) else item.path
        found: Reference | None = exact.get(path) or exact.get(_resolved(path, None))
        strength = 2
        if found is None and len(by_name.get(Path(path).name, [])) == 1:
            found, strength = by_name[Path(path).name][0], 1
        if found is None:
            found, strength = by_id.get(Path(path).stem) or by_id.get(Path(path).name), 0
        if found is None:
            unmatched.append(item)
            continue
        held = best.get(id(found))
        if held is not None:
            keep, drop = ((item, held[2]) if strength >= held[0] else (held[2], item))
            if _item_path(keep) != _item_path(drop):
                log.warning("%s and %s both match the reference %s; %s is scored (a match "
                            "by path before one by name or id, else the later)",
                            _item_path(held[2]), path, found.name, _item_path(keep))
            if strength < held[0]:
                continue
        best[id(found)] = (strength, order, item, found)
    pairs = [(item, ref) for _, _, item, ref in sorted(best.values(), key=lambda b: b[1])]
    return pairs, unmatched


def _item_path(item: Document | Failure) -> str:
    return item.source.path if isinstance(item, Document) else item.path


def _resolved(path: str, base: Path | None) -> str:
    p = Path(path)
    if base is not None and not p.is_absolute():
        p = base / p
    return os.path.normpath(os.path.abspath(p))
