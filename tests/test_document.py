"""The data model: invariants, exact JSON round trips, the schema and the stable names."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from uncertain.document import (
    Alternative,
    Candidate,
    CharChoice,
    CharChoices,
    Document,
    Flag,
    Page,
    Segment,
    Source,
    Token,
    Validation,
    Word,
    json_schema,
    json_text,
)


def _audio_doc() -> Document:
    words = [
        Word(text="Continue", confidence=0.91, raw_score=0.91, start=0.0, end=0.42,
             tokens=[Token(text=" Continue", probability=0.91)]),
        Word(text="met", confidence=0.15, raw_score=0.15, start=0.42, end=0.61,
             tokens=[Token(text=" met", probability=0.15)]),
        Word(text="for", confidence=0.3333333333333333, raw_score=0.3333333333333333,
             start=0.61, end=0.7),
        Word(text="me", confidence=0.2, start=0.7, end=0.9,
             alternatives=[Alternative(text="men", confidence=0.1, source="nbest")]),
    ]
    return Document(
        source=Source(path="d.wav", sha256="0" * 64, modality="audio", engine="faster-whisper",
                      engine_version="1.2.1", model="tiny.en", options={"beam_size": 5},
                      duration=1.0),
        segments=[Segment(id=0, text="Continue met for me", words=words, start=0.0, end=0.9,
                          avg_logprob=-0.8, no_speech_prob=0.01, compression_ratio=1.1)],
        flags=[Flag(reason="near_lexicon", text="met for me", start=1, end=4, confidence=0.85,
                    candidates=[Candidate(term="metformin", canonical="metformin", score=0.9,
                                          evidence=["sound"], features={"sound": 0.93})])],
    )


def _image_doc() -> Document:
    word = Word(text="Usinopril", confidence=0.61, raw_score=61.0, page=1,
                bbox=(10.0, 20.0, 110.0, 40.0),
                chars=[CharChoices(choices=[CharChoice(text="U", confidence=0.8),
                                            CharChoice(text="L", confidence=0.72)])])
    return Document(
        source=Source(path="rx.png", sha256="1" * 64, modality="image", engine="tesseract"),
        pages=[Page(number=1, width=800, height=600, dpi=300)],
        segments=[Segment(id=0, words=[word], page=1, kind="line", block=1, paragraph=1, line=1)],
    )


@pytest.mark.parametrize("doc", [_audio_doc(), _image_doc()], ids=["audio", "image"])
def test_document_json_round_trip_is_exact(doc: Document) -> None:
    text = doc.to_json()
    back = Document.from_json(text)
    assert back == doc
    assert back.to_json() == text


def _strict(text: str) -> object:
    def refuse(token: str) -> None:
        raise ValueError(f"{token} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_document_with_nan_and_infinite_floats_writes_json_and_reads_them_back() -> None:
    """A NaN or infinite float (``compression_ratio_threshold=inf`` in the options, a
    hand-made feature) was written as null: the feature could not be read back at all,
    the option came back as None. Written as the strings JSON allows, both come back."""
    doc = _audio_doc()
    flag = doc.flags[0]
    candidate = flag.candidates[0].model_copy(update={"features": {
        "sound": float("nan"), "acoustic": float("-inf")}})
    doc = doc.model_copy(update={
        "source": doc.source.model_copy(update={"options": {"compression_ratio_threshold":
                                                            float("inf")}}),
        "flags": [flag.model_copy(update={"candidates": [candidate]})]})
    for text in (doc.to_json(), json_text(doc.model_dump(mode="json"))):
        data = _strict(text)  # no bare NaN or Infinity
        assert isinstance(data, dict)
        assert data["source"]["options"] == {"compression_ratio_threshold": "Infinity"}
        back = Document.from_json(text)
        features = back.flags[0].candidates[0].features
        assert math.isnan(features["sound"]) and features["acoustic"] == float("-inf")
        # the free-form options too: the option comes back as the float it was
        assert back.source.options == {"compression_ratio_threshold": float("inf")}
    assert json_text({"a": [1.5, float("nan")]}, separators=(",", ":")) == '{"a":[1.5,"NaN"]}'
    nested = doc.source.model_copy(update={"options": {"t": [0.0, float("-inf")],
                                                       "v": {"w": float("nan")}, "s": "int8"}})
    options = Source.model_validate_json(nested.model_dump_json()).options
    assert options["t"] == [0.0, float("-inf")] and math.isnan(options["v"]["w"])
    assert options["s"] == "int8"


def test_document_model_dump_in_json_mode_writes_nan_and_infinities_as_to_json_does() -> None:
    # a service returning doc.model_dump(mode="json") through a strict encoder (a web
    # framework's response, json.dumps(allow_nan=False)) was refused: pydantic kept the
    # floats in the dump while to_json wrote strings
    doc = _audio_doc()
    word = doc.segments[0].words[0].model_copy(update={"raw_score": float("-inf")})
    flag = doc.flags[0]
    candidate = flag.candidates[0].model_copy(update={"features": {"sound": float("nan")}})
    doc = doc.model_copy(update={
        "source": doc.source.model_copy(update={"options": {"beam": [1.0, float("inf")]}}),
        "segments": [doc.segments[0].model_copy(update={
            "words": [word, *doc.segments[0].words[1:]]})],
        "flags": [flag.model_copy(update={"candidates": [candidate]})]})
    dumped = doc.model_dump(mode="json")
    text = json.dumps(dumped, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    assert text == doc.to_json()  # what to_json writes, and so what reads back
    assert dumped["segments"][0]["words"][0]["raw_score"] == "-Infinity"
    assert dumped["flags"][0]["candidates"][0]["features"] == {"sound": "NaN"}
    assert Document.model_validate(dumped).model_dump_json() == doc.model_dump_json()
    # a dump of some fields too, and the Python mode keeps the floats
    part = doc.model_dump(mode="json", include={"source"})
    assert part == {"source": dumped["source"]}
    assert doc.model_dump()["source"]["options"]["beam"][1] == float("inf")
    # a document without them is pydantic's dump as it was
    plain = _audio_doc()
    assert plain.model_dump(mode="json") == BaseModel.model_dump(plain, mode="json")


def _odd_doc() -> Document:
    """A document with a NaN or infinite float in each kind of field: bounded ones too (a
    confidence set after validation), a box, free-form options, features."""
    doc = _audio_doc()
    word = doc.segments[0].words[0].model_copy(update={
        "confidence": float("nan"), "raw_score": float("-inf"),
        "bbox": (0.0, 0.0, float("inf"), 1.0),
        "tokens": [Token.model_construct(text=" Continue", probability=float("nan"))]})
    flag = doc.flags[0]
    candidate = flag.candidates[0].model_copy(update={"score": float("nan"),
                                                      "features": {"sound": float("nan")}})
    return doc.model_copy(update={
        "source": doc.source.model_copy(update={"options": {"beam": [1.0, float("inf")],
                                                            "t": float("-inf")},
                                                "duration": float("inf")}),
        "pages": [Page(number=1, width=1, height=1, scale=float("inf"))],
        "segments": [doc.segments[0].model_copy(update={
            "words": [word, *doc.segments[0].words[1:]], "avg_logprob": float("-inf")})],
        "flags": [flag.model_copy(update={"candidates": [candidate],
                                          "confidence": float("nan")})],
        "validation": Validation(options={"threshold": float("nan"), "top": 3})})


_DUMPS = {
    # how a web framework's response_model serialises (FastAPI: dump_python, json mode)
    "type_adapter_dump_python": lambda doc: json.dumps(
        TypeAdapter(Document).dump_python(doc, mode="json"), allow_nan=False),
    "type_adapter_dump_json": lambda doc: TypeAdapter(Document).dump_json(doc).decode(),
    "model_dump_json": lambda doc: doc.model_dump_json(),
    "model_dump": lambda doc: json.dumps(doc.model_dump(mode="json"), allow_nan=False),
    "list_of_documents": lambda doc: json.dumps(
        TypeAdapter(list[Document]).dump_python([doc], mode="json")[0], allow_nan=False),
}


@pytest.mark.parametrize("dump", list(_DUMPS.values()), ids=list(_DUMPS))
def test_document_every_json_serialisation_writes_nan_and_infinities_as_strings(
        dump: Callable[[Document], str]) -> None:
    # a service answering with response_model=Document got NaN from pydantic's
    # TypeAdapter dump in JSON mode (refused by a strict encoder, invalid JSON), while
    # model_dump(mode="json") and to_json wrote strings
    doc = _odd_doc()
    data = _strict(dump(doc))
    assert data == _strict(doc.to_json())
    assert isinstance(data, dict)
    word = data["segments"][0]["words"][0]
    assert (word["confidence"], word["raw_score"]) == ("NaN", "-Infinity")
    assert word["bbox"] == [0.0, 0.0, "Infinity", 1.0]
    assert word["tokens"][0]["probability"] == "NaN"
    assert data["segments"][0]["avg_logprob"] == "-Infinity"
    assert data["source"]["options"] == {"beam": [1.0, "Infinity"], "t": "-Infinity"}
    assert data["source"]["duration"] == "Infinity"
    assert data["pages"][0]["scale"] == "Infinity"
    assert data["flags"][0]["confidence"] == "NaN"
    assert data["flags"][0]["candidates"][0]["score"] == "NaN"
    assert data["flags"][0]["candidates"][0]["features"] == {"sound": "NaN"}
    assert data["validation"]["options"] == {"threshold": "NaN", "top": 3}


def test_document_part_dumped_alone_in_json_mode_writes_strings_and_python_keeps_floats(
        ) -> None:
    doc = _odd_doc()
    segment = doc.segments[0]
    assert _strict(json.dumps(segment.model_dump(mode="json"), allow_nan=False)) == (
        _strict(segment.model_dump_json()))
    assert TypeAdapter(Word).dump_python(segment.words[0], mode="json")["raw_score"] == (
        "-Infinity")
    assert segment.model_dump()["avg_logprob"] == float("-inf")
    assert math.isnan(TypeAdapter(Document).dump_python(doc)["source"]["options"]["t"] * 0)
    # finite floats are dumped as they were
    plain = _audio_doc()
    assert _strict(json.dumps(plain.model_dump(mode="json"))) == _strict(plain.to_json())
    assert plain.model_dump(mode="json")["segments"][0]["words"][2]["confidence"] == (
        0.3333333333333333)


def test_document_stable_names_in_json() -> None:
    data = json.loads(_audio_doc().to_json())
    word = data["segments"][0]["words"][1]
    assert {"text", "confidence", "start", "end"} <= set(word)
    flag = data["flags"][0]
    assert {"reason", "text", "candidates"} <= set(flag)
    assert {"term", "canonical", "score"} <= set(flag["candidates"][0])
    image_word = json.loads(_image_doc().to_json())["segments"][0]["words"][0]
    assert image_word["page"] == 1 and image_word["bbox"] == [10.0, 20.0, 110.0, 40.0]


def test_document_words_and_span_text() -> None:
    doc = _audio_doc()
    assert [w.text for w in doc.words] == ["Continue", "met", "for", "me"]
    assert doc.span_text(1, 4) == "met for me"
    assert doc.text == "Continue met for me"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Word(text="x", confidence=1.5),
        lambda: Word(text="x", confidence=-0.1),
        lambda: Word(text="x", start=2.0, end=1.0),
        lambda: Word(text="x", bbox=(10, 10, 5, 20)),
        lambda: Flag(reason="low_confidence", text="x", start=3, end=3),
        lambda: Flag(reason="not-a-reason", text="x", start=0, end=1),  # type: ignore[arg-type]
        lambda: Word(text="x", surprise=1),  # type: ignore[call-arg]
        lambda: Word(text="x", whitespace="\n"),
        lambda: Word(text="x", whitespace=""),
        lambda: Word(text="x", whitespace=" x"),
        lambda: Word(text="x", whitespace="\t", space_after=False),
        lambda: Segment(id=0, indent="\n  "),
        lambda: Segment(id=0, indent="x"),
        lambda: Segment(id=0, blank_lines=-1),
    ],
    ids=["conf>1", "conf<0", "end<start", "bad-bbox", "empty-flag", "bad-reason", "extra-field",
         "newline-whitespace", "empty-whitespace", "word-in-whitespace", "whitespace-no-space",
         "newline-indent", "word-in-indent", "negative-blank-lines"],
)
def test_document_invariants_are_checked(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        make()


def test_document_layout_in_text_and_spans() -> None:
    doc = Document(source=Source(path="n.txt", sha256="0" * 64, modality="text", engine="t"),
                   segments=[
        Segment(id=0, blank_lines=3, indent=" ", words=[Word(text="Plan:")]),
        Segment(id=1, blank_lines=1, indent="\t", words=[
            Word(text="a", whitespace="\t\t"), Word(text="b", space_after=False),
            Word(text=",")]),
    ])
    # blank lines before the first line are not kept; an indent is
    assert doc.text == " Plan:\n\n\ta\t\tb,"
    assert doc.span_text(1, 4) == "a\t\tb,"
    assert Document.from_json(doc.to_json()) == doc
    # a document written before these fields reads with one space and no layout
    data = json.loads(doc.to_json())
    for seg in data["segments"]:
        del seg["blank_lines"], seg["indent"]
        for w in seg["words"]:
            del w["whitespace"]
    assert Document.model_validate(data).text == "Plan:\na b,"


def test_document_flag_beyond_words_is_refused() -> None:
    doc = _audio_doc()
    data = json.loads(doc.to_json())
    data["flags"][0]["end"] = 99
    with pytest.raises(ValidationError):
        Document.model_validate(data)


def test_document_null_confidence_is_kept_null() -> None:
    word = Word(text="hello")
    assert word.confidence is None
    assert json.loads(word.model_dump_json())["confidence"] is None


def test_document_schema_names_the_model() -> None:
    schema = json.loads(json_schema())
    assert schema["title"] == "Document"
    assert "Word" in schema["$defs"] and "Flag" in schema["$defs"]


def test_document_schema_takes_what_the_writer_writes(samples_dir: Path) -> None:
    """The writer gives a NaN or infinite float as "NaN", "Infinity" or "-Infinity" (an
    option set to inf, a raw score of -inf), which the schema refused: only numbers."""
    import math

    import jsonschema

    schema = json.loads(json_schema())
    doc = Document.from_json((samples_dir.parent / "tests/data/render/dictation.json")
                             .read_text(encoding="utf-8"))
    odd = doc.model_copy(deep=True)
    odd.segments[0].words[0].raw_score = -math.inf
    odd.segments[0].words[1].raw_score = math.nan
    odd.source.options["beam"] = math.inf
    for written in (doc, odd):
        jsonschema.validate(json.loads(written.to_json()), schema)
    bad = json.loads(odd.to_json())
    bad["segments"][0]["words"][0]["raw_score"] = "minus a lot"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(odd.to_json())
    bad["segments"][0]["words"][0]["confidence"] = "NaN"  # bounded: a probability
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_document_of_another_schema_version_is_refused() -> None:
    """A document of schema version "2" (a newer uncertain's) was read silently as if its
    fields meant what they mean in version 1; the JSON schema says "1" too."""
    import json

    from pydantic import ValidationError

    from uncertain import document_from_text, json_schema

    saved = json.loads(document_from_text("Take metformin.").to_json())
    saved["schema_version"] = "2"
    with pytest.raises(ValidationError, match="schema_version"):
        Document.model_validate(saved)
    assert json.loads(json_schema())["properties"]["schema_version"]["const"] == "1"


def test_document_with_a_file_name_that_is_not_utf8_round_trips(tmp_path: Path) -> None:
    # os.fsdecode keeps a Latin-1 name's byte as a lone surrogate; pydantic refused to
    # write it, and refused the escape Python's json writes (a batch run's records)
    import os

    from uncertain.text import read_text

    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(name, "wb") as fh:
        fh.write(b"Continue metformin 500 mg daily.\n")
    doc = read_text(os.fsdecode(name))
    text = doc.to_json()
    assert "\\udce9" in text
    assert Document.from_json(text) == doc
    assert Document.from_json(text.encode()) == doc
    record = json.dumps({"document": doc.model_dump(mode="json")})
    assert Document.from_json(json.dumps(json.loads(record)["document"])) == doc
    with pytest.raises(ValidationError, match="source"):  # other faults as before
        Document.from_json('{"source": 1}')
    with pytest.raises(ValidationError, match="json_invalid"):
        Document.from_json('{"source": ')
