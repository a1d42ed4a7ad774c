"""The data model: one ``Document`` per input, words with confidence and provenance.

This module owns the shapes every stage produces and every later step reads. It
imports nothing else of the project.

::

    Document
     ├── source: Source              where the words came from and how
     ├── pages: [Page]               image/PDF pages (empty for audio and text)
     ├── segments: [Segment]         ordered stretches the engine reported
     │    └── words: [Word]          text, confidence, start/end or page/bbox
     │         ├── alternatives: [Alternative]
     │         ├── tokens: [Token]          ASR sub-word probabilities
     │         └── chars: [CharChoices]     OCR per-character choices
     └── flags: [Flag]               doubtful runs of words (the validator fills them)
          └── candidates: [Candidate]

A flag is a view onto the document: ``start``/``end`` index the flat word list
``Document.words`` (end exclusive), like a spaCy span.

Stable names that scripts rely on: ``segments[].words[]`` with ``text``,
``confidence``, ``start``/``end`` or ``page``/``bbox``, ``space_after``; ``flags[]`` with
``reason``, ``text`` and ``candidates[]`` (``term``, ``canonical``, ``score``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationError,
    WrapSerializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticSerializationError

SCHEMA_VERSION: Literal["1"] = "1"

Modality = Literal["audio", "image", "text"]


def _json_float(value: float) -> float | str:
    """A float as JSON has it: NaN or an infinity as the string JSON text has for it."""
    return value if value - value == 0 else _finite(value)


def _json_floats(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    # (before pydantic's own JSON mode, which writes them as null, by the settings of the
    # outermost type: a TypeAdapter(list[Document])'s)
    return handler(_finite(value))


#: a float field: in JSON mode, whatever the entry point (``model_dump(mode="json")``,
#: ``model_dump_json``, ``TypeAdapter(Document).dump_python(mode="json")`` as a web
#: framework's ``response_model`` calls it), a NaN or infinite float is the string
#: "NaN", "Infinity" or "-Infinity", not a float a strict JSON encoder refuses
#: (``ser_json_inf_nan`` does it for JSON text alone)
Float = Annotated[float, PlainSerializer(_json_float, when_used="json")]
#: the same for a field holding anything (a dict of options): its NaN and infinities
AnyFloats = Annotated[Any, WrapSerializer(_json_floats, when_used="json")]
Probability = float  # documented as [0, 1]; checked with Field(ge=0, le=1)
BBox = tuple[Float, Float, Float, Float]
FlagReason = Literal["low_confidence", "out_of_vocabulary", "near_lexicon", "confusable",
                     "verified"]
Evidence = Literal["spelling", "sound", "acoustic", "ocr_choices", "text_layer", "glyph",
                   "decoder", "lexicon"]


_BLANKS = re.compile(r"[ \t]+")


class _Model(BaseModel):
    # a NaN or infinite float (an option set to inf, a hand-made feature) is written as
    # the string "NaN", "Infinity" or "-Infinity": valid JSON, read back as the float
    model_config = ConfigDict(extra="forbid", validate_assignment=False,
                              ser_json_inf_nan="strings")


class Alternative(_Model):
    """Another spelling the engine considered for a word, with its confidence."""

    text: str
    confidence: Float | None = Field(default=None, ge=0.0, le=1.0)
    source: str | None = None  # e.g. "ocr_choices", "nbest"
    #: how many words, from this one on, ``text`` stands for: a PDF text layer's reading
    #: of a run of them ("Digoxin" for OCR's "poste pie Oo": 3); none for this word alone
    #: (and not written then: a document written before the field reads the same)
    span: int | None = Field(default=None, ge=2)

    @model_serializer(mode="wrap")
    def _without_no_span(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if self.span is None:
            out.pop("span", None)
        return out


class Token(_Model):
    """One sub-word token of an ASR word and its probability."""

    text: str
    probability: Float = Field(ge=0.0, le=1.0)


class CharChoice(_Model):
    """One candidate character (or glyph cluster) and its confidence."""

    text: str
    confidence: Float = Field(ge=0.0, le=1.0)


class CharChoices(_Model):
    """The choices the OCR engine considered for one position of a word, best first."""

    choices: list[CharChoice]


class Word(_Model):
    """A recognised word with its confidence and provenance (time range or page + box)."""

    text: str
    confidence: Float | None = Field(default=None, ge=0.0, le=1.0)
    raw_score: Float | None = None
    start: Float | None = None
    end: Float | None = None
    page: int | None = None
    bbox: BBox | None = None
    alternatives: list[Alternative] = Field(default_factory=list)
    tokens: list[Token] = Field(default_factory=list)
    chars: list[CharChoices] = Field(default_factory=list)
    #: whether a space follows the word within its segment (``False`` where the engine
    #: wrote the next word onto this one: Whisper's "follow" "-up", "2" ".5")
    space_after: bool = True
    #: the exact spaces and tabs after the word where they are not one space (a table's
    #: tab, two spaces after a full stop); ``None``: one space, or none if not ``space_after``
    whitespace: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Word:
        if self.whitespace is not None and (
                not self.space_after or not _BLANKS.fullmatch(self.whitespace)):
            raise ValueError(f"word {self.text!r}: whitespace {self.whitespace!r} is not spaces "
                             "and tabs after a word with space_after")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"word {self.text!r}: end {self.end} is before start {self.start}")
        if self.bbox is not None:
            x0, y0, x1, y1 = self.bbox
            if x1 < x0 or y1 < y0:
                raise ValueError(f"word {self.text!r}: bbox {self.bbox} is not [x0, y0, x1, y1]")
        return self


class Segment(_Model):
    """An ordered stretch of words, with what the engine says about the whole stretch.

    For Whisper: ``avg_logprob``, ``no_speech_prob``, ``compression_ratio``, ``temperature``.
    For tesseract: ``kind`` is ``line`` and ``block``/``paragraph``/``line`` number it;
    ``bbox`` is the box of its words, mapped back onto the page as stored as theirs are
    (a line read on a page turned a quarter runs down that page: its box is tall).
    ``blank_lines`` and ``indent`` keep the layout of the line the segment is: the blank
    lines before it (not before the document's first line) and the spaces and tabs it
    starts with.
    """

    id: int
    text: str = ""
    words: list[Word] = Field(default_factory=list)
    blank_lines: int = Field(default=0, ge=0)
    indent: str = Field(default="", pattern=r"^[ \t]*$")
    start: Float | None = None
    end: Float | None = None
    page: int | None = None
    bbox: BBox | None = None
    kind: str | None = None
    block: int | None = None
    paragraph: int | None = None
    line: int | None = None
    avg_logprob: Float | None = None
    no_speech_prob: Float | None = Field(default=None, ge=0.0, le=1.0)
    compression_ratio: Float | None = None
    temperature: Float | None = None
    confidence: Float | None = Field(default=None, ge=0.0, le=1.0)


class Page(_Model):
    """One page of an image or PDF input."""

    number: int  # 1-based
    width: int
    height: int
    dpi: Float | None = None
    #: where the page's words come from: "ocr+pdf_text_layer", OCR's compared with the
    #: PDF's text layer (its readings as alternatives); "ocr", OCR's alone, the page's
    #: layer (if any) left out (see ``Document.warnings``) or compared with no word
    text_source: Literal["ocr", "pdf_text_layer", "ocr+pdf_text_layer"] = "ocr"
    text_layer: str | None = None  # the PDF's own text for this page, when it has one
    #: degrees clockwise that stand the page upright: those it was turned before
    #: recognition, or, of a page read as it lies on its side (tesseract read it better
    #: so than turned), those its turn would be (90 or 270), its boxes on it as it is
    rotation: int = 0
    #: tesseract OSD's orientation confidence (its own scale, 0 up; under 1 is doubt) in
    #: ``rotation``, where OSD was run (a page that reads badly or lies on its side) and
    #: said that rotation
    orientation_confidence: Float | None = None
    scale: Float = 1.0  # factor applied before recognition; boxes are in original pixels
    skew: Float = 0.0  # degrees turned counter-clockwise to level tilted lines before reading


class Source(_Model):
    """Where a document came from and how it was produced."""

    path: str
    sha256: str
    modality: Modality
    engine: str
    engine_version: str | None = None
    model: str | None = None
    options: dict[str, AnyFloats] = Field(default_factory=dict)
    confidence_definition: str | None = None
    raw_score_definition: str | None = None
    calibration: str | None = None
    duration: Float | None = None  # seconds, audio only
    language: str | None = None
    language_probability: Float | None = None

    @field_validator("options", mode="after")
    @classmethod
    def _read_non_finite(cls, options: dict[str, Any]) -> dict[str, Any]:
        """The floats JSON writes as strings ("NaN", "Infinity", "-Infinity": an option set
        to ``inf``) read back as floats, as the typed float fields do."""
        return _non_finite(options)


def _non_finite(value: Any) -> Any:
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, dict):
        return {k: _non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_non_finite(v) for v in value]
    return value


_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class Candidate(_Model):
    """A lexicon term proposed for a flagged span, best first."""

    term: str
    canonical: str
    score: Float = Field(ge=0.0, le=1.0)
    lexicon: str | None = None
    kind: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    features: dict[str, Float] = Field(default_factory=dict)


class Flag(_Model):
    """A doubtful (or verified) run of words: ``start``/``end`` index ``Document.words``."""

    reason: FlagReason
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    candidates: list[Candidate] = Field(default_factory=list)
    confidence: Float | None = Field(default=None, ge=0.0, le=1.0)
    reasons: list[FlagReason] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Flag:
        if self.end <= self.start:
            raise ValueError(f"flag {self.text!r}: empty word range [{self.start}, {self.end})")
        return self


class AcousticPass(_Model):
    """That the acoustic second pass (:func:`uncertain.rescore.rescore`) weighed flags
    against the audio: with which Whisper model (its name or folder), in how many windows
    of audio, how many flags, hunches and words that would flip an instruction."""

    model: str | None = None
    windows: int = Field(default=0, ge=0)
    weighed: int = Field(default=0, ge=0)


class Validation(_Model):
    """That a validator judged the words, and with what: a document with this record has a
    flag on every word the validator found doubtful, and no other word is doubtful.

    ``hunches``: speech only, windows near a commonly prescribed drug in a drug's context
    that scored under the flag threshold. They are no flags (nothing renders them); the
    acoustic second pass weighs each against the audio, makes a flag of those the audio
    bears out, and clears the list."""

    lexicons: list[str] = Field(default_factory=list)
    options: dict[str, Float | int] = Field(default_factory=dict)
    hunches: list[Flag] = Field(default_factory=list)
    #: the clinical dictionary whose words were taken as known (:mod:`uncertain.vocabulary`),
    #: or None
    vocabulary: str | None = None
    #: set by the acoustic second pass when it weighed something (its passes added up)
    acoustic: AcousticPass | None = None


class Document(_Model):
    """One input turned into words with confidence, provenance and flags."""

    #: the one version this code reads: a document of another (a newer uncertain's) is
    #: refused, not read as if its fields meant what they mean here
    schema_version: Literal["1"] = SCHEMA_VERSION
    source: Source
    pages: list[Page] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    validation: Validation | None = None
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Document:
        n = sum(len(s.words) for s in self.segments)
        for flag in [*self.flags, *(self.validation.hunches if self.validation else [])]:
            if flag.end > n:
                raise ValueError(f"flag {flag.text!r} ends at word {flag.end}, document has {n}")
        return self

    @property
    def words(self) -> list[Word]:
        """All words in reading order; flags index this list (built on each call)."""
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        """The plain text: words joined by a space (by their ``whitespace`` where they
        have one; none after a word whose ``space_after`` is false), segments by newlines,
        each after its ``blank_lines`` and ``indent``."""
        lines = [s for s in self.segments if s.words]
        return "\n".join(line_text(s, first=not k) for k, s in enumerate(lines))

    def span_text(self, start: int, end: int) -> str:
        """The surface text of words ``start`` to ``end`` (exclusive)."""
        return join_words(self.words[start:end])

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise to JSON; ``Document.from_json`` gives back an equal document.

        A file name that is not valid UTF-8 (``os.fsdecode`` keeps its bytes as lone
        surrogates, ``caf\\udce9.txt``) is written as JSON's ``\\udce9`` escape, as Python's
        ``json`` writes it (a batch run's records too), not refused."""
        try:
            return self.model_dump_json(indent=indent)
        except PydanticSerializationError:
            return json_text(self.model_dump(mode="json"), indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        """Parse a document produced by ``to_json`` (or found in a batch run's records),
        after a UTF-8 byte-order mark if it has one (an editor's)."""
        data = (data.removeprefix("\ufeff") if isinstance(data, str)
                else data.removeprefix(b"\xef\xbb\xbf"))
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            if not any(e["type"] == "json_invalid" and "surrogate" in e["msg"]
                       for e in exc.errors()):
                raise
            return cls.model_validate(json.loads(data))  # a lone surrogate's escape


def json_text(data: Any, **kwargs: Any) -> str:
    """``json.dumps(data, **kwargs)`` that writes a NaN or infinite float as
    :meth:`Document.to_json` does, as a string ("NaN", "Infinity", "-Infinity"), not as
    the bare ``NaN`` JSON does not allow (in data around a document's dump)."""
    try:
        return json.dumps(data, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(_finite(data), allow_nan=False, **kwargs)


def _finite(data: Any) -> Any:
    if isinstance(data, float) and not math.isfinite(data):
        return "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def join_words(words: Sequence[Word]) -> str:
    """The words' surface text: each followed by its ``whitespace``, or a space unless
    its ``space_after`` is false (the last word by nothing)."""
    out: list[str] = []
    for i, w in enumerate(words):
        if i:
            out.append(gap_after(words[i - 1]))
        out.append(w.text)
    return "".join(out)


def misplaced_flag(doc: Document, *, by_text: bool = False) -> str | None:
    """Why a flag (or hunch) of ``doc`` is not on its words, or None: it reaches past
    them (a document changed with ``model_copy``, which checks nothing, after its flags
    were made), or, ``by_text``, its words are no longer its ``text`` (one removed; case,
    spaces and punctuation aside)."""
    words = doc.words
    for flag in [*doc.flags, *(doc.validation.hunches if doc.validation else [])]:
        if flag.end > len(words):
            return (f"flag {flag.text!r} ends at word {flag.end}, the document has "
                    f"{len(words)}: its words were changed after it was made (validate "
                    "the document again)")
        # (the text as another tool may write it: case, spaces and marks aside)
        if by_text and _letters(flag.text) != _letters(
                said := join_words(words[flag.start:flag.end])):
            return (f"flag {flag.text!r} is on words {flag.start}-{flag.end}, which are "
                    f"{said!r}: its words were changed after it was made (validate the "
                    "document again)")
    return None


def _letters(text: str) -> str:
    """``text`` as letters and digits alone, case folded."""
    return "".join(c for c in text.casefold() if c.isalnum())


def gap_after(word: Word) -> str:
    """What separates ``word`` from the next word of its segment."""
    if word.whitespace is not None:
        return word.whitespace
    return " " if word.space_after else ""


def line_lead(segment: Segment, *, first: bool = False) -> str:
    """What comes before a segment's first word on its line: ``indent``, after its
    ``blank_lines`` as newlines unless it is the document's ``first`` line."""
    return ("" if first else "\n" * segment.blank_lines) + segment.indent


def line_text(segment: Segment, *, first: bool = False) -> str:
    """A segment as its line of ``Document.text`` (with the blank lines before it)."""
    return line_lead(segment, first=first) + join_words(segment.words)


def json_schema() -> str:
    """The JSON Schema of ``Document``, as printed by ``uncertain schema``: a number
    field without bounds also takes the strings a NaN or infinite float is written as
    ("NaN", "Infinity", "-Infinity"; see :class:`_Model`)."""
    return json.dumps(_strings_for_non_finite(Document.model_json_schema()), indent=2)


def _strings_for_non_finite(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_strings_for_non_finite(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strings_for_non_finite(value) for key, value in schema.items()}
    if out.get("type") == "number" and not any(
            bound in out for bound in ("minimum", "maximum", "exclusiveMinimum",
                                       "exclusiveMaximum")):
        number = {k: v for k, v in out.items() if k not in ("title", "description", "default")}
        kept = {k: v for k, v in out.items() if k in ("title", "description", "default")}
        return {**kept, "anyOf": [number, {"enum": list(_NON_FINITE)}]}
    return out


def invalid_summary(exc: ValidationError) -> str:
    """Why data is no ``Document``, in one line: how many problems, and the first
    (pydantic's own report runs to a line or two per problem)."""
    first = exc.errors()[0]
    at = ".".join(str(k) for k in first["loc"]) or "the top level"
    count = exc.error_count()
    return f"{count} problem{'s' * (count != 1)}; {at}: {first['msg']}"
