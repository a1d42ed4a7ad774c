"""A PDF page's text layer compared with what OCR read on it (fakes; real tesseract: slow)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from uncertain._text_layer import SOURCE, compare_layer
from uncertain.document import Document, Segment, Source, Word, join_words
from uncertain.ocr import recognize
from uncertain.validate import Validator

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "ocr"))
from ocr_replay import ReplayEngine, pdf_scan, pdf_scan_pages

#: what tesseract read of a faded line whose text layer says "Rx: Digoxin 0.125 mg PO daily"
MISREAD = [[("Rx:", 90), ("poste", 41), ("pie", 35), ("Oo", 20), ("0.125", 90), ("mg", 93),
            ("PO", 90), ("daily", 95)],
           [("Metformn", 62), ("500", 96), ("mg", 95), ("twice", 94), ("daily", 95)]]
LAYER = "Rx: Digoxin 0.125 mg PO daily\nMetformin 500 mg twice daily"


def _words(lines: list[list[tuple[str, int]]]) -> list[Word]:
    return [Word(text=t, confidence=c / 100, page=1, bbox=(0, 0, 1, 1))
            for line in lines for t, c in line]


def _hocr(lines: list[list[tuple[str, int]]]) -> dict[str, object]:
    """A recorded tesseract answer reading ``lines`` of ``(word, confidence)``."""
    spans = []
    for k, line in enumerate(lines):
        y = 20 + 40 * k
        words = "".join(f"<span class='ocrx_word' title='bbox {10 + 80 * i} {y} "
                        f"{80 + 80 * i} {y + 20}; x_wconf {c}'>{t}</span> "
                        for i, (t, c) in enumerate(line))
        spans.append(f"<span class='ocr_line' title='bbox 10 {y} 700 {y + 20}'>{words}</span>")
    page = ("<div class='ocr_page' title='bbox 0 0 800 400'><div class='ocr_carea'>"
            f"<p class='ocr_par'>{''.join(spans)}</p></div></div>")
    return {"method": "image_to_pdf_or_hocr",
            "output": f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{page}</body></html>"}


def _recognize(tmp_path: Path, layer: str, lines: list[list[tuple[str, int]]] = MISREAD,
               rotate: int = 0) -> Document:
    pdf = pdf_scan(tmp_path / "scan.pdf", Image.new("L", (800, 400), 255), layer,
                   rotate=rotate)
    engine = ReplayEngine(calls=[_hocr(lines)])
    doc = recognize(pdf, engine=engine, dpi=150, binarize="off", deskew="off",
                    orientation="off", smooth="off", upscale=False, char_alternatives=False)
    assert engine.recorded == []
    return doc


def _layer_alternatives(doc: Document) -> dict[str, list[str]]:
    return {w.text: [a.text for a in w.alternatives if a.source == SOURCE]
            for w in doc.words if any(a.source == SOURCE for a in w.alternatives)}


def test_text_layer_reading_is_an_alternative_where_ocr_reads_otherwise(
        tmp_path: Path) -> None:
    """A scanned PDF's text layer said "Digoxin" where tesseract read "poste pie Oo": the
    layer was kept in pages[].text_layer and never used. Its reading is now an
    alternative of the run's first word (a word for a word where the runs are as long),
    its confidence the word's doubt."""
    doc = _recognize(tmp_path, LAYER)
    assert doc.pages[0].text_source == "ocr+pdf_text_layer"
    assert _layer_alternatives(doc) == {"poste": ["Digoxin"], "Metformn": ["Metformin"]}
    poste = doc.words[1]
    assert poste.alternatives[0].confidence == pytest.approx(1 - 0.41)
    assert poste.alternatives[0].span == 3  # "poste pie Oo"
    assert doc.words[8].alternatives[0].span is None  # "Metformn" alone
    assert doc.text == join_words(doc.words[:8]) + "\n" + join_words(doc.words[8:])
    assert "Digoxin" not in doc.text  # the words stay what OCR read


def test_text_layer_alternative_makes_the_validator_propose_its_term(tmp_path: Path) -> None:
    """With no layer reading, "poste pie Oo" was flagged with Prostep; the layer's
    "Digoxin" is now the candidate of the words it replaces."""
    doc = _recognize(tmp_path, LAYER)
    flags = Validator().validate(doc).flags
    on = {f.text: f.candidates[0].canonical.casefold() for f in flags if f.candidates}
    assert on.get("poste pie Oo") == "digoxin", on
    assert on.get("Metformn") == "metformin", on


@pytest.mark.parametrize("layer", [
    # another page's layer
    "Refills: 2 Dr. Helen Moore MD\nPatient: John Carter DOB: 03/14/1958\nDate: 11/02/2026",
    # encoded glyphs: a font without a Unicode map
    "\x03\x04\x05 \x06\x07 \x08\x0b\x0c \x0e\x0f\x10\n\x11\x12 \x13\x14\x15",
])
def test_text_layer_that_does_not_align_is_left_out_with_a_note(
        tmp_path: Path, layer: str) -> None:
    doc = _recognize(tmp_path, layer)
    assert _layer_alternatives(doc) == {}
    assert any("page 1: the PDF's text layer agrees with little" in n for n in doc.warnings)
    # kept, but not used: the page's text is OCR's alone
    assert doc.pages[0].text_source == "ocr" and doc.pages[0].text_layer


def test_page_without_text_layer_is_not_compared(tmp_path: Path) -> None:
    doc = _recognize(tmp_path, "")
    assert doc.pages[0].text_source == "ocr" and doc.pages[0].text_layer is None
    assert _layer_alternatives(doc) == {}
    assert not any("text layer" in n for n in doc.warnings)


def test_rotated_page_layer_bottom_line_first_still_aligns(tmp_path: Path) -> None:
    """pdfium gives a /Rotate 90 page's layer bottom line first."""
    doc = _recognize(tmp_path, LAYER, rotate=90)
    assert doc.pages[0].text_layer is not None
    assert doc.pages[0].text_layer.splitlines()[0].startswith("Metformin")
    assert _layer_alternatives(doc) == {"poste": ["Digoxin"], "Metformn": ["Metformin"]}


def test_compare_layer_leaves_runs_in_another_order_and_spacing_alone() -> None:
    words = _words([[("Take", 95), ("500mg", 80), ("of", 96), ("it", 96), ("now", 96),
                     ("a", 96), ("b", 96), ("c", 96), ("d", 96), ("e", 96), ("then", 96),
                     ("rest", 96)]])
    found = compare_layer(words, "Take 500 mg of it now v w x y z q then rest")
    assert found.used and found.equal == 6
    # "500 mg" only spaces "500mg" otherwise; five words against six are no misreading
    assert [w.alternatives for w in found.words] == [[] for _ in words]


def test_compare_layer_keeps_tesseract_alternatives_after_the_layer() -> None:
    from uncertain.document import Alternative
    word = Word(text="Metformn", confidence=0.6, alternatives=[
        Alternative(text="Metformin", confidence=0.1, source="ocr_choices"),
        Alternative(text="Metforrn", confidence=0.05, source="ocr_choices")])
    words = [word, *_words([[("500", 96), ("mg", 95), ("daily", 95)]])]
    found = compare_layer(words, "Metformin 500 mg daily")
    assert [(a.text, a.source) for a in found.words[0].alternatives] == [
        ("Metformin", SOURCE), ("Metforrn", "ocr_choices")]
    assert found.words[0].confidence == 0.6  # agreement or not, confidences are tesseract's


def _render(lines: list[str]) -> Image.Image:
    font = ImageFont.truetype("DejaVuSans.ttf", 29)
    image = Image.new("L", (1275, 500), 255)
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((75, 60 + 50 * k), line, font=font, fill=0)
    return image


@pytest.mark.slow
def test_text_layer_compared_with_real_tesseract(tmp_path: Path) -> None:
    """A scan whose layer says another drug than the print (a layer made by another
    reader): the layer's word is an alternative of the word tesseract read; another
    page's layer is left out."""
    printed = ["Patient: John Carter", "Digoxin 0.125 mg PO daily",
               "Metformin 500 mg twice daily", "Follow up in two weeks"]
    image = _render(printed)
    layer = "\n".join(printed).replace("Digoxin", "Digitek")
    doc = recognize(pdf_scan(tmp_path / "a.pdf", image, layer))
    assert [w.text for w in doc.words][:4] == ["Patient:", "John", "Carter", "Digoxin"]
    assert _layer_alternatives(doc) == {"Digoxin": ["Digitek"]}
    other = recognize(pdf_scan(tmp_path / "b.pdf", image, "Refills: 2\nDr. Helen Moore MD\n"
                               "Date: 11/02/2026\nAmoxicillin 250 mg TID x10 days"))
    assert _layer_alternatives(other) == {}
    assert any("agrees with little" in n for n in other.warnings)


@pytest.mark.slow
def test_layer_of_another_drug_or_another_copy_with_real_tesseract(tmp_path: Path) -> None:
    """A printed form tesseract reads sure: under a layer naming another drug, the prompt
    marks the drug with the layer's; under another patient's copy of the form (name, date
    of birth, drug and dose another's), the layer is left out and nothing is marked."""
    from uncertain.render import render

    printed = ["Patient: John Carter DOB: 03/14/1958", "Rx: Digoxin 0.125 mg PO daily",
               "Prescriber: Dr. Helen Moore MD", "Follow up in two weeks"]
    image = _render(printed)
    layer = "\n".join(printed).replace("Digoxin", "Warfarin")
    doc = Validator().validate(recognize(pdf_scan(tmp_path / "a.pdf", image, layer)))
    assert 'maybe="warfarin">Digoxin</unsure>' in render(doc, preamble=False).text
    copy = "\n".join(printed).replace("John Carter", "Mary Smith").replace(
        "03/14/1958", "07/22/1961").replace("Digoxin 0.125", "Warfarin 5")
    doc = Validator().validate(recognize(pdf_scan(tmp_path / "b.pdf", image, copy)))
    assert _layer_alternatives(doc) == {}
    assert doc.pages[0].text_source == "ocr"
    assert any("another copy of the page's form" in n for n in doc.warnings), doc.warnings
    assert "<unsure" not in render(doc, preamble=False).text


def test_validator_document_without_layer_alternative_flags_otherwise() -> None:
    """The same words without the layer's alternative: the run is flagged as another
    term (what made the layer worth reading)."""
    words = _words(MISREAD[:1])
    doc = Document(source=Source(path="x.pdf", sha256="0", modality="image", engine="t"),
                   segments=[Segment(id=0, text=join_words(words), words=words, page=1)])
    on = {f.text: f.candidates[0].canonical.casefold()
          for f in Validator().validate(doc).flags if f.candidates}
    assert "digoxin" not in on.values()


def test_word_hyphenated_across_lines_in_the_layer_keeps_its_hyphen_and_break(
        tmp_path: Path) -> None:
    """pdfium gives a word hyphenated at a line's end as one word with a marker for the
    hyphen and no line break ("metfor\\x02min"): pages[].text_layer held the marker, and
    where OCR misread the word's end, the layer's "alternative" was that marked word on
    the line's last word. The layer now reads as printed: "metfor-", a break, "min"."""
    lines = [[("Take", 95), ("metfor-", 90)], [("rnin", 40), ("500", 96), ("mg", 95),
                                                ("twice", 94), ("daily", 95)]]
    doc = _recognize(tmp_path, "Take metfor-\nmin 500 mg twice daily", lines)
    assert doc.pages[0].text_layer == "Take metfor-\nmin 500 mg twice daily"
    assert _layer_alternatives(doc) == {"rnin": ["min"]}


LINE = [[("Patient's", 92), ("dose:", 90), ("1-2", 90), ("tablets", 95), ("Metformin", 93),
         ("500", 96), ("mg", 95), ("modified", 91), ("release", 94), ("1000", 93), ("mg", 95),
         ("total", 95)]]


@pytest.mark.parametrize("layer", [
    "Patient\u2019s dose: 1\u20132 tablets Metformin 500 mg modified release 1000 mg total",
    "Patient's dose: 1-2 tablets Met\u00adformin \uff15\uff10\uff10 mg modi\ufb01ed release "
    "1,000\u00a0mg total",
    "Patient\u2018s dose: 1\u22122 tablets Metformin\u200b 500 mg modified release 1000 mg total",
])
def test_compare_layer_takes_typography_for_the_same_word(layer: str) -> None:
    """A layer writes a curly apostrophe, an en dash, a soft hyphen, full-width digits, the
    ligature "fi", a thousands comma where the print reads plain: each was an
    "alternative" of the same word ("Patient's" -> "Patient\u2019s", "500" -> "\uff15\uff10\uff10"),
    which the prompt showed as another reading."""
    found = compare_layer(_words(LINE), layer)
    assert found.used and found.equal == 12
    assert [w.alternatives for w in found.words] == [[] for _ in found.words]


def test_compare_layer_alternative_is_written_plain() -> None:
    """Where the layer reads a word otherwise, its reading is written as OCR would write
    it ("modified", not with the ligature "\ufb01", which no lexicon spells)."""
    words = _words([[("modifled", 40), *LINE[0][8:]]])
    found = compare_layer(words, "modi\ufb01ed release 1,000 mg total")
    assert [a.text for a in found.words[0].alternatives] == ["modified"]
    assert found.equal == 4


@pytest.mark.parametrize("layer", [
    "Take Metf\u043ermin 500 mg PO daily",  # a Cyrillic o in a Latin word
    "Take Metformin 500 mg \u03a1\u039f daily",  # a word of Greek capitals alone
    "Take Metf\u03bfrmin 500 mg \u0420\u041e d\u0430ily",  # Greek o, Cyrillic P O a
])
def test_compare_layer_takes_look_alike_letters_for_the_latin_ones(layer: str) -> None:
    """A layer writing a Cyrillic or Greek letter for the Latin one it looks like
    ("Metfоrmin", its о Cyrillic) gave that word as another reading of OCR's
    "Metformin", which no lexicon spells and the prompt showed: it is the same reading.
    A word the layer reads otherwise as well is written in Latin letters."""
    words = _words([[("Take", 95), ("Metformin", 90), ("500", 96), ("mg", 95), ("PO", 95),
                     ("daily", 95)]])
    found = compare_layer(words, layer)
    assert found.used and found.equal == 6 and found.alternatives == 0
    misread = compare_layer(words, "Take Metf\u043ermn 500 mg PO daily")
    assert [a.text for a in misread.words[1].alternatives] == ["Metformn"]


@pytest.mark.parametrize("glyphs", ["Metf\ue001rmin", "Metf\ufffdrmin", "(cid:77)etformin",
                                    "Metf\x00rmin", "Met\x1bformin"])
def test_compare_layer_gives_no_alternative_of_unmapped_glyphs(glyphs: str) -> None:
    """A layer whose font maps some glyphs to no character (a private-use code, U+FFFD, a
    control, pdfminer's "(cid:77)") gave them as the word's other reading, which the
    prompt then showed: the word now has none from the layer; a mapped word still has."""
    words = _words([[("Take", 95), ("Metformn", 60), ("500", 96), ("mg", 95),
                     ("daily", 95)]])
    assert [a.text for a in compare_layer(words, "Take Metformin 500 mg daily").words[1]
            .alternatives] == ["Metformin"]
    found = compare_layer(words, f"Take {glyphs} 500 mg daily")
    assert found.used and found.equal == 4
    assert found.words[1].alternatives == []


def _two_columns(left: list[str], right: list[str]) -> tuple[list[Word], str]:
    """A two-column page's words as tesseract reads them (the left column, then the
    right), and its text layer, which reads across both a line at a time."""
    words = _words([[(t, 90) for t in " ".join(left + right).split()]])
    return words, "\n".join(f"{a}   {b}" for a, b in zip(left, right, strict=True))


@pytest.mark.parametrize(("printed", "layer_reads", "expected"), [
    # the alignment paired words of one column with the other's ("at" got "once",
    # "night" got "daily"): the prompt showed them as other readings. A word both read,
    # in another place, is no reading; a misread word still gets its own
    (("Metformn", "cholesterol check lipids"), ("Metformn", "Metformin"),
     {"Metformn": ["Metformin"]}),
    # the alignment put "cholesterol check" of the right column in the run of
    # "Lisinopril", whose alternative was "cholesterol check Lisinoprll": the words read
    # in another place are left out of the run's reading
    (("Metformin", "cholesterol check"), ("Lisinopril", "Lisinoprll"),
     {"Lisinopril": ["Lisinoprll"]}),
])
def test_compare_layer_of_two_columns_gives_no_reading_of_the_other_column(
        printed: tuple[str, str], layer_reads: tuple[str, str],
        expected: dict[str, list[str]]) -> None:
    """A two-column page: tesseract reads the left column, then the right; the layer
    reads across both, a line at a time."""
    first, third = printed
    left = [f"{first} 500 mg", "twice daily with", "meals for diabetes", "Lisinopril 10 mg",
            "once daily for"]
    right = ["Atorvastatin 20 mg", "at night for", third, "Aspirin 81 mg", "daily with food"]
    words, layer = _two_columns(left, right)
    found = compare_layer(words, layer.replace(*layer_reads))
    assert found.used
    assert {w.text: [a.text for a in w.alternatives] for w in found.words
            if w.alternatives} == expected


FORMS = [[[("Patient:", 95), (name, 90), (last, 90), ("DOB:", 95), (born, 90)],
          [("Rx:", 95), (drug, 80), (dose, 90), ("mg", 95), ("PO", 95), ("daily", 95)],
          [("Prescriber:", 95), ("Dr.", 95), ("Helen", 95), ("Moore", 95), ("MD", 95)]]
         for name, last, born, drug, dose in [
             ("John", "Carter", "03/14/1958", "Digoxin", "0.125"),
             ("Mary", "Smith", "07/22/1961", "Warfarin", "5"),
             ("Ann", "Lee", "01/02/1970", "Metformn", "500")]]


def _form_layer(lines: list[list[tuple[str, int]]]) -> str:
    return "\n".join(" ".join(t for t, _ in line) for line in lines).replace(
        "Metformn", "Metformin")


def _recognize_pages(tmp_path: Path, layers: list[str]) -> Document:
    pdf = pdf_scan_pages(tmp_path / "scan.pdf", Image.new("L", (800, 400), 255), layers)
    engine = ReplayEngine(calls=[_hocr(lines) for lines in FORMS])
    doc = recognize(pdf, engine=engine, dpi=150, binarize="off", deskew="off",
                    orientation="off", smooth="off", upscale=False, char_alternatives=False)
    assert engine.recorded == []
    return doc


def test_text_layers_of_a_form_shifted_by_a_page_are_left_out(tmp_path: Path) -> None:
    """Three prescriptions on one form, each page's layer the next page's (a scanner's
    OCR put a page off): a layer agreed with its page on the form's printed words, so
    page 1's "Digoxin" got page 2's "Warfarin" as an alternative, "John" got "Mary",
    the date of birth another date. A layer that aligns better with a neighbouring page
    than with its own is now left out, with a note; the page without one is read."""
    doc = _recognize_pages(tmp_path, [_form_layer(FORMS[1]), _form_layer(FORMS[2]), ""])
    assert _layer_alternatives(doc) == {}
    assert [p.text_source for p in doc.pages] == ["ocr", "ocr", "ocr"]
    assert doc.pages[0].text_layer == _form_layer(FORMS[1])
    assert sum("agrees less with what OCR read on the page than with page" in n
               for n in doc.warnings) == 2
    # each page with its own layer: the misread drug gets the layer's reading
    doc = _recognize_pages(tmp_path, [_form_layer(lines) for lines in FORMS])
    assert _layer_alternatives(doc) == {"Metformn": ["Metformin"]}
    assert not any("agrees" in n for n in doc.warnings)
    # a page without a layer between two with theirs
    doc = _recognize_pages(tmp_path, [_form_layer(FORMS[0]), "", _form_layer(FORMS[2])])
    assert _layer_alternatives(doc) == {"Metformn": ["Metformin"]}
    assert [p.text_source for p in doc.pages] == ["ocr+pdf_text_layer", "ocr",
                                                  "ocr+pdf_text_layer"]


def test_text_layer_of_another_copy_of_a_one_page_form_is_left_out(tmp_path: Path) -> None:
    """A one-page scan whose layer is another patient's copy of the same form: the layer
    agreed on the form's printed words, and the page-shift check needs a neighbouring
    page, so "John" got "Mary", the date of birth another's, "Digoxin" "Warfarin" as
    alternatives (and the drug a flag offering warfarin). A layer reading several sure
    words as unlike ones is now left out, with a note; one reading the page's own copy
    otherwise on a drug and its dose still gives its readings."""
    doc = _recognize(tmp_path, _form_layer(FORMS[1]), FORMS[0])
    assert _layer_alternatives(doc) == {}
    assert any("page 1: the PDF's text layer reads 5 words OCR was sure of as unlike ones"
               in n for n in doc.warnings), doc.warnings
    assert doc.pages[0].text_source == "ocr"
    assert not [f for f in Validator().validate(doc).flags if f.candidates
                and f.candidates[0].canonical.casefold() == "warfarin"]
    assert compare_layer(doc.words, _form_layer(FORMS[1])).foreign == 5
    # a layer of the page whose lines are cut at its edge, or that reads short words of
    # one or two glyphs otherwise, is no other copy
    words = _words([[("Take", 95), ("the", 95), ("tablets", 95), ("daily", 95)],
                     [("Use", 95), ("all", 95), ("types", 95), ("l", 95)],
                     [("Dose", 95), ("1", 95), ("10", 95), ("milligrams", 95)]])
    for layer in ("Take the tablets d\nUse all ty l\nDose 1 10 mi",
                  "Take the tablets daily\nUse all types I\nDose l lO milligrams"):
        found = compare_layer(words, layer)
        assert found.used and found.foreign == 0 and found.alternatives == 3, layer
    # the page's own layer, reading the drug and its dose otherwise
    own = _form_layer(FORMS[0]).replace("Digoxin 0.125", "Warfarin 5")
    doc = _recognize(tmp_path, own, FORMS[0])
    assert _layer_alternatives(doc) == {"Digoxin": ["Warfarin"], "0.125": ["5"]}
    assert not any("unlike" in n for n in doc.warnings)


def test_candidate_the_text_layer_spells_says_so_in_its_evidence(tmp_path: Path) -> None:
    """The validator's candidate from the layer's reading gave "ocr_choices" as its
    evidence, as if tesseract had proposed it: a reader of the JSON weighing the engine's
    choices was misled. It is now "text_layer"; a tesseract choice still says its own."""
    doc = _recognize(tmp_path, LAYER)
    flags = {f.text: f for f in Validator().validate(doc).flags}
    best = flags["poste pie Oo"].candidates[0]
    assert best.canonical.casefold() == "digoxin"
    assert "text_layer" in best.evidence and "ocr_choices" not in best.evidence
    assert "text_layer" in flags["poste pie Oo"].evidence
    from uncertain.document import Alternative
    word = Word(text="Metformn", confidence=0.6, page=1, bbox=(0, 0, 1, 1), alternatives=[
        Alternative(text="Metformin", confidence=0.3, source="ocr_choices")])
    words = [word, *_words([[("500", 96), ("mg", 95), ("daily", 95)]])]
    plain = Document(source=Source(path="x.pdf", sha256="0", modality="image", engine="t"),
                     segments=[Segment(id=0, text=join_words(words), words=words, page=1)])
    engine = Validator().validate(plain).flags[0].candidates[0]
    assert engine.canonical.casefold() == "metformin"
    assert "ocr_choices" in engine.evidence and "text_layer" not in engine.evidence


def test_text_layer_of_far_more_words_than_the_page_is_left_out(tmp_path: Path) -> None:
    """A layer holding a whole document's text (or hidden text) over a page of a few
    lines: its scattered "mg", "daily", "PO" agreed with most of the page's words, so it
    counted as the page's own, without a note, and a million words took seconds to align
    (more with the neighbouring pages'). It is now left out, with a note."""
    filler = "Rx: take mg PO daily twice the patient notes follow up in weeks a b c d e f"
    layer = "\n".join(f"{filler} {k}" for k in range(45))  # 45 lines of 20 words
    found = compare_layer(_words(MISREAD), layer)
    assert not found.used and found.oversized and found.layer_words == 45 * 20
    pdf = pdf_scan(tmp_path / "scan.pdf", Image.new("L", (2000, 2600), 255), layer)
    engine = ReplayEngine(calls=[_hocr(MISREAD)])
    doc = recognize(pdf, engine=engine, dpi=150, binarize="off", deskew="off",
                    orientation="off", smooth="off", upscale=False, char_alternatives=False)
    assert _layer_alternatives(doc) == {}
    assert any("page 1: the PDF's text layer holds 900 words, OCR read 13" in n
               for n in doc.warnings), doc.warnings
    assert doc.pages[0].text_source == "ocr"
    # a layer as long as the page is aligned
    assert compare_layer(_words(MISREAD), LAYER).used


#: what tesseract read, sure of each word, of a line whose text layer reads the dose,
#: the unit and the patient's name otherwise
SURE = [[("Patient:", 93), ("Jahn", 84), ("Carter", 95)],
        [("Rx:", 90), ("Digoxin", 91), ("0.125", 90), ("mg", 93), ("PO", 90), ("daily", 95)],
        [("Use", 95), ("on", 96), ("all", 96), ("types", 96), ("of", 96), ("skin", 95)]]
SURE_LAYER = ("Patient: John Carter\nRx: Digoxin 0.25 mcg PO daily\n"
              "Use on all typ of skin")


def test_number_the_text_layer_reads_otherwise_is_marked_with_its_reading(
        tmp_path: Path) -> None:
    """OCR read "0.125" at 0.90 where the page's text layer says "0.25": the layer's
    reading was an alternative in the JSON, but no flag was raised and the prompt showed
    the dose as sure. Two readings disagree: the dose (and the unit, "mg" for "mcg") is
    now doubtful, the layer's reading its candidate."""
    from uncertain.render import render

    doc = Validator().validate(_recognize(tmp_path, SURE_LAYER, SURE))
    flags = {f.text: f for f in doc.flags}
    dose = flags["0.125"]
    assert dose.reason == "confusable" and dose.evidence == ["text_layer"]
    assert [c.term for c in dose.candidates] == ["0.25"]
    assert dose.confidence is not None and dose.confidence > 0.5  # (marked: p < 0.5)
    assert [c.term for c in flags["mg"].candidates] == ["mcg"]
    text = render(doc, preamble=False).text
    assert f'<unsure p="{1 - dose.confidence:.2f}" maybe="0.25">0.125</unsure>' in text
    assert 'maybe="mcg">mg</unsure>' in text


def test_word_the_text_layer_reads_otherwise_is_marked_unless_sure_ordinary_english(
        tmp_path: Path) -> None:
    """A name OCR read "Jahn" (0.84) where the layer says "John" is marked with the
    layer's reading; a sure ordinary word ("types", 0.96) the layer reads otherwise
    ("typ") is not: a scanner's layer misreads such words as often as OCR does (see
    ``layer_disagrees``)."""
    doc = Validator().validate(_recognize(tmp_path, SURE_LAYER, SURE))
    flags = {f.text: f for f in doc.flags}
    assert [c.term for c in flags["Jahn"].candidates][:1] == ["John"]
    assert "types" not in flags
    assert _layer_alternatives(doc)["types"] == ["typ"]


@pytest.mark.parametrize(("printed", "reading", "doubted"), [
    ("Digoxin", "Warfarin", "warfarin"),  # another drug of the lexicon: its term
    ("Digoxin", "Digitek", "Digitek"),  # a name of no term, far from Digoxin
    ("Digoxin", "Lanoxin", None),  # digoxin's brand: the same drug
    ("Digoxin", "Digoxn", None),  # Digoxin misread by the layer (a glyph dropped)
    ("Aspirin", "Warfarin", "warfarin"),  # a drug English knows, read sure: still two drugs
    ("Insulin", "Heparin", "heparin"),  # a product of the clinical lexicon
    ("Aspirin", "Asprin", None),
])
def test_drug_the_text_layer_reads_as_another_is_marked_with_its_reading(
        tmp_path: Path, printed: str, reading: str, doubted: str | None) -> None:
    """OCR read "Digoxin" at 0.91 where the layer says "Warfarin": the exact match was
    verified and the layer's reading shown nowhere, the prompt giving the drug as sure.
    Two readings naming two drugs are now marked as a dose read otherwise is, the layer's
    reading the candidate, however common a word the drug is ("Aspirin"); a reading of
    the same drug (a brand of it, a glyph or two otherwise) leaves the match verified."""
    from uncertain._single import LAYER_DOUBT
    from uncertain.render import render

    lines = [[(printed if t == "Digoxin" else t, c) for t, c in line] for line in SURE]
    layer = SURE_LAYER.replace("0.25 mcg", "0.125 mg").replace("Digoxin", reading)
    doc = Validator().validate(_recognize(tmp_path, layer, lines))
    flag = {f.text: f for f in doc.flags}[printed]
    if doubted is None:
        assert flag.reason == "verified"
        return
    assert flag.reason == "confusable" and flag.evidence[0] == "text_layer"
    assert [c.term for c in flag.candidates][:1] == [doubted]
    assert flag.confidence == LAYER_DOUBT
    assert f'<unsure p="{1 - LAYER_DOUBT:.2f}" maybe="{doubted}">{printed}</unsure>' in render(
        doc, preamble=False).text


@pytest.mark.parametrize(("lines", "layer", "marked"), [
    ([("Rx:", 90), ("Metoprolol", 91), ("tartrate", 92), ("25", 90), ("mg", 93)],
     "Rx: Warfarin tartrate 25 mg", ("Metoprolol", "warfarin")),
    ([("Rx:", 90), ("insulin", 91), ("glargine", 92), ("10", 90), ("units", 93)],
     "Rx: heparin glargine 10 units", ("insulin", "heparin")),
    ([("Rx:", 90), ("insulin", 91), ("glargine", 92), ("10", 90), ("units", 93)],
     "Rx: Insulin glargine 10 units", None),
    # no word is two drugs ("sodium" is no term, "potassium" sure English), the term is
    ([("Rx:", 90), ("potassium", 91), ("chloride", 92), ("20", 90), ("mEq", 93)],
     "Rx: sodium chloride 20 mEq", ("potassium chloride", "sodium chloride")),
    ([("Rx:", 90), ("sodium", 91), ("chloride", 92), ("20", 90), ("mEq", 93)],
     "Rx: potassium chloride 20 mEq", ("sodium chloride", "potassium chloride")),
    ([("Rx:", 90), ("potassium", 91), ("chloride", 92), ("20", 90), ("mEq", 93)],
     "Rx: Potassium chloride 20 mEq", None),
])
def test_term_of_several_words_with_a_drug_the_layer_reads_as_another_is_marked(
        tmp_path: Path, lines: list[tuple[str, int]], layer: str,
        marked: tuple[str, str] | None) -> None:
    """A term of several words ("Metoprolol tartrate", "insulin glargine") was verified
    whole though the layer read its drug's word as another drug: the drug is now marked
    with the layer's reading, as a drug's name alone is; a term the layer reads as another
    drug's term ("potassium chloride", "sodium chloride") is marked whole with it."""
    from uncertain.render import render

    doc = Validator().validate(_recognize(tmp_path, layer, [lines]))
    text = render(doc, preamble=False).text
    if marked is None:
        assert "<unsure" not in text and doc.flags[0].reason == "verified", text
        return
    word, reading = marked
    assert f'maybe="{reading}">{word}</unsure>' in text, text


@pytest.mark.slow
def test_dose_the_text_layer_reads_otherwise_is_marked_with_real_tesseract(
        tmp_path: Path) -> None:
    """A printed dose tesseract reads right and sure, under a layer that says another:
    the prompt marks the dose with the layer's reading."""
    from uncertain.render import render

    printed = ["Patient: John Carter", "Digoxin 0.125 mg PO daily",
               "Metformin 500 mg twice daily", "Follow up in two weeks"]
    layer = "\n".join(printed).replace("0.125", "0.25")
    doc = Validator().validate(recognize(pdf_scan(tmp_path / "a.pdf", _render(printed),
                                                  layer)))
    assert "0.125" in [w.text for w in doc.words]
    text = render(doc, preamble=False).text
    assert 'maybe="0.25">0.125</unsure>' in text, text


def test_run_the_text_layer_reads_as_one_word_is_flagged_whole(tmp_path: Path) -> None:
    """OCR read "poste pie Oo" where the layer says "Digoxin": the layer's reading went on
    "poste" alone, so only "poste" was marked (maybe digoxin) and "pie Oo" was left plain,
    though without a layer the whole run was marked. The reading records the words it
    stands for (``span``) and the validator searches it on their window."""
    from uncertain.render import render

    doc = Validator().validate(_recognize(tmp_path, LAYER))
    flag = next(f for f in doc.flags if f.start == 1)
    assert (flag.start, flag.end, flag.text) == (1, 4, "poste pie Oo")
    assert flag.candidates[0].canonical.casefold() == "digoxin"
    assert "text_layer" in flag.evidence
    assert '<unsure p="0.00" maybe="digoxin">poste pie Oo</unsure> 0.125 mg' in render(
        doc, preamble=False).text


def test_run_reading_of_sure_words_still_makes_its_window(tmp_path: Path) -> None:
    """A run OCR was sure of ("Dig Ox Inn") that the layer reads as one name is searched
    as a window all the same: its words made none (nothing in doubt, no dose after them,
    no prescribing word before them, no term spelled), and the name went unmarked."""
    lines = [[("Also", 95), ("Dig", 92), ("Ox", 91), ("Inn", 90), ("now", 95)],
             [("Metformin", 95), ("500", 96), ("mg", 95), ("twice", 94), ("daily", 95)]]
    layer = "Also Digoxin now\nMetformin 500 mg twice daily"
    doc = _recognize(tmp_path, layer, lines)
    assert doc.words[1].alternatives[0].span == 3
    flag = next(f for f in Validator().validate(doc).flags if f.start == 1)
    assert flag.text == "Dig Ox Inn"
    assert flag.candidates[0].canonical.casefold() == "digoxin"


def test_alternative_span_is_written_only_where_it_is_given() -> None:
    """The run's extent is an optional field: an alternative of one word writes none (a
    document written before it, or by an engine that gives none, reads the same), one
    of a run writes it and reads it back."""
    import json

    from uncertain.document import Alternative

    one = Alternative(text="Metformin", confidence=0.38, source=SOURCE)
    run = Alternative(text="Digoxin", confidence=0.59, source=SOURCE, span=3)
    assert "span" not in json.loads(one.model_dump_json())
    assert json.loads(run.model_dump_json())["span"] == 3
    assert Alternative.model_validate_json(run.model_dump_json()) == run
    assert Alternative.model_validate({"text": "x", "confidence": 0.5,
                                       "source": "nbest"}).span is None
    with pytest.raises(ValueError):
        Alternative(text="x", span=1)  # (one word is no run: none)


@pytest.mark.slow
def test_run_the_text_layer_reads_as_one_word_is_flagged_whole_with_real_tesseract(
        tmp_path: Path) -> None:
    """A printed run tesseract reads as it stands ("poste pie Oo"), under a layer that
    says "Digoxin" there: the whole run is marked with the layer's name."""
    from uncertain.render import render

    printed = ["Patient: John Carter", "Rx: poste pie Oo 0.125 mg PO daily",
               "Metformin 500 mg twice daily", "Follow up in two weeks"]
    layer = "\n".join(printed).replace("poste pie Oo", "Digoxin")
    doc = Validator().validate(recognize(pdf_scan(tmp_path / "a.pdf", _render(printed),
                                                  layer)))
    assert "poste pie Oo" in doc.text
    text = render(doc, preamble=False).text
    assert 'maybe="digoxin">poste pie Oo</unsure> 0.125 mg' in text, text


def test_run_reading_across_a_line_stays_its_first_words(tmp_path: Path) -> None:
    """A run the layer reads as one word that OCR broke over two lines ("poste" / "pie
    Oo"): no window crosses a line, so the run's reading is its first word's alone (as
    before runs had a span), which the validator still proposes for it."""
    lines = [[("Rx:", 90), ("poste", 41)],
             [("pie", 35), ("Oo", 20), ("0.125", 90), ("mg", 93), ("PO", 90), ("daily", 95)],
             MISREAD[1]]
    doc = _recognize(tmp_path, LAYER, lines)
    poste = doc.words[1]
    assert [(a.text, a.span) for a in poste.alternatives] == [("Digoxin", None)]
    flags = {f.text: f for f in Validator().validate(doc).flags}
    assert flags["poste"].candidates[0].canonical.casefold() == "digoxin"


@pytest.mark.slow
def test_layer_reading_part_of_glued_terms_keeps_them_whole_with_real_tesseract(
        tmp_path: Path, samples_dir: Path) -> None:
    """The sample prescription, which tesseract reads "mg:B10" (its choices holding
    "mg:BID"), under a layer that says "mg" there: the word is marked "mg BID", as
    without a layer, not "mg" (an answer taking it dropped the frequency)."""
    from uncertain.render import render

    image = Image.open(samples_dir / "prescription.png")
    layer = ("Riverside Family Clinic\nPatient: John Carter DOB: 03/14/1958\n"
             "Date: 11/02/2026\nRx: Lisinopril 10 mg PO daily\nMetformin 500 mg with meals\n"
             "Atorvastatin 40 mg qhs\nAmoxicillin 500 mg TID x10 days\n"
             "Refills: 2 Dr. Helen Moore MD")
    # (read as tesseract first reads the fax: smoothed, it reads "mg BID" apart)
    doc = recognize(pdf_scan(tmp_path / "rx.pdf", image, layer, dpi=110), dpi=110,
                    smooth="off")
    assert _layer_alternatives(doc).get("mg:B10") == ["mg"], _layer_alternatives(doc)
    text = render(Validator().validate(doc), preamble=False).text
    assert 'maybe="mg BID">mg:B10</unsure> with meals' in text, text
