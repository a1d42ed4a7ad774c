"""The lexicon file format, the loader, the check report and the English word frequencies."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from uncertain import lexicon as lexicon_module
from uncertain.errors import LexiconError
from uncertain.lexicon import (
    Entry,
    Lexicon,
    check_lexicon,
    english_zipf,
    format_report,
    is_english_word,
    load_lexicon,
    load_lexicons,
    normalize_term,
    takes_dose,
)

LEXICON_DATA = Path(__file__).resolve().parent / "data" / "lexicon"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Metformin", "metformin"),
        ("  Glucophage   XR ", "glucophage xr"),
        ("Co-amoxiclav", "co amoxiclav"),
        ("co\u2010trimoxazole", "co trimoxazole"),  # Unicode hyphen
        ("b.i.d.", "bid"),
        ("q.H.S.", "qhs"),
        ("St. John\u2019s wort", "st johns wort"),
        ("0.5 mg", "0.5 mg"),
        (".5 mg.", ".5 mg"),
        ("snake_case", "snake case"),
        ("mg/dL", "mg/dl"),
        ("ＭＥＴＦＯＲＭＩＮ", "metformin"),  # full-width letters, NFKC
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("tab.", "tab"),
        ("x\ty", "x y"),
        ("", ""),
    ],
)
def test_lexicon_normalize_term(text: str, expected: str) -> None:
    assert normalize_term(text) == expected


def test_lexicon_one_column_file_is_a_word_list() -> None:
    lexicon = load_lexicon(LEXICON_DATA / "formulary.txt")
    assert lexicon.name == "formulary"
    assert lexicon.path == LEXICON_DATA / "formulary.txt"
    # "metformin" repeats "Metformin": merged into the first surface form
    assert [e.term for e in lexicon] == ["Metformin", "Glucophage", "Ramipril", "Co-amoxiclav"]
    entry = lexicon.get("METFORMIN")[0]
    assert entry == Entry("Metformin", "Metformin", "term", 0.5, (), "formulary")
    assert "co amoxiclav" in lexicon
    assert "co-amoxiclav" in lexicon
    assert "amoxiclav" not in lexicon
    assert 42 not in lexicon


def test_lexicon_full_file_with_header_comments_and_merged_duplicates() -> None:
    lexicon = load_lexicon(LEXICON_DATA / "uk_brands.tsv")
    assert len(lexicon) == 7
    glucophage = lexicon.get("glucophage")
    assert [e.canonical for e in glucophage] == ["metformin", "metformin glucophage"]
    best = glucophage[0]
    assert best.term == "Glucophage"
    assert best.kind == "brand"
    assert best.prior == 0.9
    assert best.ids == (("drugbank", "DB00331"), ("unii", "786Z46389E"))
    assert lexicon.get("st johns wort")[0].canonical == "hypericum"
    assert lexicon.get("St John's Wort")[0].prior == 0.5
    zestril = lexicon.get("zestril")[0]
    assert (zestril.canonical, zestril.kind, zestril.prior) == ("lisinopril", "term", 0.5)
    assert lexicon.get("hctz")[0].ids == ()
    assert lexicon.get("Augmentin")[0].canonical == "Augmentin"
    assert lexicon.get("not there") == []


def test_lexicon_gzip_file_loads_like_the_text(tmp_path: Path) -> None:
    packed = tmp_path / "uk_brands.tsv.gz"
    packed.write_bytes(gzip.compress((LEXICON_DATA / "uk_brands.tsv").read_bytes()))
    plain = load_lexicon(LEXICON_DATA / "uk_brands.tsv")
    loaded = load_lexicon(packed)
    assert loaded.name == "uk_brands"
    assert loaded.entries == plain.entries


def test_lexicon_several_lexicons_keep_their_names(tmp_path: Path) -> None:
    copy = tmp_path / "ward7.tsv"
    shutil.copy(LEXICON_DATA / "formulary.txt", copy)
    ready = Lexicon.from_entries("mine", [Entry("Foo", "foo", "term", 0.3, (), "other")])
    lexicons = load_lexicons([LEXICON_DATA / "uk_brands.tsv", str(copy), ready])
    assert [lex.name for lex in lexicons] == ["uk_brands", "ward7", "mine"]
    assert lexicons[2] is ready
    for lexicon in lexicons:
        assert {entry.lexicon for entry in lexicon} == {lexicon.name}
    assert load_lexicon(copy, name="ward 7").get("ramipril")[0].lexicon == "ward 7"


def test_lexicon_from_entries_merges_and_orders_by_prior() -> None:
    entries = [
        Entry("Glucophage", "metformin", "brand", 0.4, (("unii", "786Z46389E"),), "x"),
        Entry("GLUCOPHAGE", "Metformin", "brand", 0.6, (("drugbank", "DB00331"),), "x"),
        Entry("glucophage", "glucophage", "term", 0.5, (), "x"),
    ]
    lexicon = Lexicon.from_entries("ward", entries)
    assert len(lexicon) == 2
    found = lexicon.get("Glucophage")
    assert [(e.canonical, e.prior) for e in found] == [("metformin", 0.6), ("glucophage", 0.5)]
    assert found[0].ids == (("unii", "786Z46389E"), ("drugbank", "DB00331"))
    assert found[0].lexicon == "ward"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", "x", "term", 0.5), "empty term"),
        (("-.'", "x", "term", 0.5), "empty once normalised"),
        (("x", " ", "term", 0.5), "non-empty canonical"),
        (("x", "x", "term", 1.5), "outside"),
        (("x", "x", "term", -0.1), "outside"),
    ],
)
def test_lexicon_entry_checks_itself(fields: tuple[str, str, str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Entry(*fields, (), "x")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("a\tb\tc\t0.5\tdrugbank:DB1\textra\n", 1, "6 columns"),
        ("# c\nok\n\tcanonical\n", 3, "empty term"),
        ("ok\n  \tx\n", 2, "empty term"),
        ("ok\nok\n--\tdash\n", 3, "empty once normalised"),
        ("term\tcanonical\tkind\tprior\nx\tx\tterm\thigh\n", 2, "bad prior 'high'"),
        ("x\tx\tterm\t1.5\n", 1, "must be in"),
        ("x\tx\tterm\t-0.1\n", 1, "must be in"),
        ("x\tx\tterm\tnan\n", 1, "must be in"),
        ("x\tx\tterm\t0.5\tDB00331\n", 1, "bad ids"),
        ("x\tx\tterm\t0.5\tdrugbank:\n", 1, "bad ids"),
        ("ok\nx\tx\tterm\t0.5\t:DB00331\n", 2, "bad ids"),
        ("x\tx\tterm\t0.5\tdrug bank:DB00331\n", 1, "bad ids"),
        # a term no lookup can reach, which prompts showed as "&#x0;&#x1;Zapain"
        ("ok\n\x00\x01Zapain\tcodeine\n", 2, r"control character U\+0000 in the term"),
        ("Zapain\tcode\x1bine\n", 1, r"control character U\+001B in the canonical"),
        ("Zapain\tcodeine\tbr\x85and\n", 1, r"control character U\+0085 in the kind"),
        # ids were not looked at: a NUL or a zero-width space in one was kept in the id
        ("ok\nZapain\tcodeine\tbrand\t0.5\tdrugbank:DB\x0001\n", 2,
         r"control character U\+0000 in the ids"),
        ("Zapain\tcodeine\tbrand\t0.5\tdrugbank:DB00\u200b331\n", 1,
         r"invisible character U\+200B \(ZERO WIDTH SPACE\) in the ids"),
    ],
)
def test_lexicon_malformed_line_names_path_and_line(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        load_lexicon(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x01"])
@pytest.mark.parametrize("suffix", [".tsv", ".csv"])
def test_lexicon_a_line_break_or_control_in_a_term_is_refused_where_it_is(
        tmp_path: Path, char: str, suffix: str) -> None:
    """A line or paragraph separator (U+2028, U+2029) pasted inside a name was read as a
    space, "Zor vaxin", two words the name matched no more; a control character's error
    quoted the whole field (up to 200 characters). Each is refused, the message naming
    the character and its place in the field, with what comes before it."""
    path = tmp_path / f"pasted{suffix}"
    long = "Zorvaxin extended release tablets"
    path.write_text(f"Kelumab\n{long}{char}daily\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"U\+{ord(char):04X}.* in the term, character "
                       rf"34 of 39, after 'nded release tablets'$") as caught:
        load_lexicon(path)
    assert caught.value.line == 2
    assert "daily" not in str(caught.value)  # (what follows is not quoted)
    if char in "\u2028\u2029":
        assert "line break" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ((LEXICON_DATA / "bad_utf8.tsv").read_bytes(), 3),
        (b"\xff\n", 1),
        (gzip.compress(b"fine\nalso fine\n\xc3(\n"), 3),
    ],
)
def test_lexicon_invalid_utf8_names_the_line(tmp_path: Path, data: bytes, line: int) -> None:
    path = tmp_path / "broken.tsv"
    path.write_bytes(data)
    with pytest.raises(LexiconError, match="invalid UTF-8") as caught:
        load_lexicon(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


@pytest.mark.parametrize("relative", ["missing.tsv", "drugz"])
def test_lexicon_missing_source_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = str(tmp_path / relative) if relative.endswith(".tsv") else relative
    with pytest.raises(LexiconError, match="no such file") as caught:
        load_lexicon(source)
    assert "no shipped lexicon by that name (clinical, drugs)" in str(caught.value)


def test_lexicon_that_is_no_file_is_said_what_it_is(tmp_path: Path) -> None:
    """A lexicon named by a folder, a pipe, a loop of links or a link to nothing ended
    "..., and no shipped lexicon by that name", as a mistyped name does, though something
    is there by that name: each is said for what it is, by load_lexicon and by
    check_lexicon (`uncertain lexicon --check`)."""
    (tmp_path / "folder.tsv").mkdir()
    os.mkfifo(tmp_path / "pipe.tsv")
    (tmp_path / "dangling.tsv").symlink_to(tmp_path / "gone.tsv")
    (tmp_path / "a.tsv").symlink_to(tmp_path / "b.tsv")
    (tmp_path / "b.tsv").symlink_to(tmp_path / "a.tsv")
    for name, said in (
            ("folder.tsv", "a folder, not a lexicon file"),
            ("pipe.tsv", "a pipe, not a regular file: save what it gives to a file and "
             "name that"),
            ("dangling.tsv", f"a link to nothing ({tmp_path / 'gone.tsv'})"),
            ("a.tsv", "a loop of links (Too many levels of symbolic links)")):
        for read in (load_lexicon, check_lexicon):
            with pytest.raises(LexiconError) as caught:
                read(tmp_path / name)
            assert str(caught.value) == f"{tmp_path / name}: {said}"


def _loaded_measured(path: Path) -> tuple[Lexicon, int, int]:
    """``path`` loaded, with the bytes the load left held and its peak (tracemalloc),
    once what is read once per process has been read."""
    import tracemalloc

    load_lexicon(path)
    tracemalloc.start()
    try:
        lexicon = load_lexicon(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lexicon, held, peak


def test_lexicon_a_large_file_holds_its_entries_not_a_second_table(tmp_path: Path) -> None:
    """A lexicon kept a table of its terms normalised (of the 254 bytes a line of a word
    list of random terms held, 108) that the validator, which indexes the entries its own way,
    never reads: it is built at the first look-up, which answers as before."""
    import random
    import string

    rng = random.Random(7)
    count = 5_000

    def word(n: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))

    path = tmp_path / "formulary.tsv"
    # (a word list: no canonical or kind is interned, which may grow the interpreter's
    # table of interned strings, counted here, by megabytes)
    path.write_text("".join(f"{word(rng.randint(6, 12))}\n" for _ in range(count - 1))
                    + "Zorbaxin-Forte\n", encoding="utf-8")
    lexicon, held, _ = _loaded_measured(path)
    assert len(lexicon) == count
    assert held / count < 200, held / count
    assert [e.canonical for e in lexicon.get("zorbaxin forte")] == ["Zorbaxin-Forte"]
    assert "Zorbaxin Forte" in lexicon and "zorbaxin" not in lexicon
    assert len(lexicon.terms()) == count


def test_lexicon_loading_a_word_list_holds_each_term_once_while_it_merges(
        tmp_path: Path) -> None:
    """Loading a word list (each term its own canonical) peaked at 526 bytes a line (640
    for 100,000 lines): the merge normalised each term twice, as a term and as a
    canonical, and kept a table of the canonicals met beside its keys, and the loader
    kept every entry's line number, which only the check report reads. It peaks at about
    half that (276, 324), and merges as before."""
    import random
    import string

    rng = random.Random(11)
    count = 5_000
    terms = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(6, 12)))
             for _ in range(count - 2)]
    path = tmp_path / "formulary.tsv"
    # (a term met twice, and one whose canonical is given as itself: merged as before)
    path.write_text("\n".join([*terms, "Zorbaxin", "ZORBAXIN\tZorbaxin\tbrand\t0.9"]) + "\n",
                    encoding="utf-8")
    lexicon, _, peak = _loaded_measured(path)
    assert peak / count < 400, peak / count
    (zorbaxin,) = lexicon.get("zorbaxin")
    assert (zorbaxin.term, zorbaxin.canonical, zorbaxin.kind, zorbaxin.prior) == (
        "Zorbaxin", "Zorbaxin", "brand", 0.9)
    assert len(lexicon) == len(set(terms)) + 1
    report = check_lexicon(path)
    assert (report.entries, report.merged_duplicates) == (len(lexicon), count - len(lexicon))


def test_lexicon_truncated_gzip_raises(tmp_path: Path) -> None:
    path = tmp_path / "cut.tsv.gz"
    path.write_bytes(gzip.compress(b"metformin\n" * 100)[:20])
    with pytest.raises(LexiconError, match="gzip") as caught:
        load_lexicon(path)
    assert caught.value.path == str(path)


def test_lexicon_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.tsv"
    path.write_bytes(b"\xef\xbb\xbfterm\tcanonical\r\nZestril\tlisinopril\r\n")
    lexicon = load_lexicon(path)
    assert [(e.term, e.canonical) for e in lexicon] == [("Zestril", "lisinopril")]


@pytest.mark.parametrize("name", ["mac.tsv", "mac.csv"])
def test_lexicon_old_mac_line_ends_are_line_ends(tmp_path: Path, name: str) -> None:
    """A file saved with CR alone between lines (an old Mac editor's) was refused as
    "control character U+000D in the canonical 'zorvastatin\\rKelvoran'"; text
    documents with such line ends were read."""
    path = tmp_path / name
    sep = "," if name.endswith(".csv") else "\t"
    path.write_bytes(f"term{sep}canonical\rZorvaxin{sep}zorvastatin\rKelvoran{sep}kelvorine\r"
                     .encode())
    lexicon = load_lexicon(path)
    assert [(e.term, e.canonical) for e in lexicon] == [
        ("Zorvaxin", "zorvastatin"), ("Kelvoran", "kelvorine")]


def test_lexicon_check_collects_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "mixed.tsv"
    path.write_text(
        "# header next\nterm\tcanonical\tkind\tprior\n"
        "a\ta\tterm\t0.1\nA\ta\tterm\t0.2\nb\tb\tunit\tlots\n\tx\nc\tc\tunit\nc\td\tunit\n",
        encoding="utf-8",
    )
    report = check_lexicon(path)
    assert (report.lines, report.data_lines, report.entries) == (8, 6, 3)
    assert report.merged_duplicates == 1
    assert report.canonicals == 3
    assert report.ambiguous_terms == 1
    assert report.kinds == {"unit": 2, "term": 1}
    assert [(p.line, p.message.split(":")[0]) for p in report.errors] == [
        (5, "bad prior 'lots'"),
        (6, "empty term"),
    ]
    assert not report.ok
    text = format_report(report)
    assert f"error: {path}:5: bad prior 'lots'" in text
    assert "status: 2 malformed lines" in text
    assert "ambiguous terms    1" in text
    assert report.warnings == ("1 duplicate lines merged into existing entries",
                               "duplicate a -> a: prior 0.2 kept, the highest, over 0.1")


def test_lexicon_check_reports_invalid_utf8_with_line() -> None:
    report = check_lexicon(LEXICON_DATA / "bad_utf8.tsv")
    assert [p.line for p in report.errors] == [3]
    assert report.errors[0].message.startswith("invalid UTF-8")
    assert "bad_utf8.tsv:3: invalid UTF-8" in format_report(report)


def test_lexicon_check_reports_every_undecodable_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tsv"
    path.write_bytes("Zestril\nCafé\nAugmentin\nNaïve\n".encode("latin-1"))
    report = check_lexicon(path)
    assert [(p.line, p.message.partition(":")[0]) for p in report.errors] == [
        (2, "invalid UTF-8 (byte 0xe9)"),
        (4, "invalid UTF-8 (byte 0xef)"),
    ]
    assert (report.lines, report.entries) == (4, 2)


def test_lexicon_not_utf8_says_what_to_do(tmp_path: Path) -> None:
    """A file saved as cp1252 said "invalid UTF-8 (byte 0xe9)", nothing of how to mend it."""
    path = tmp_path / "cp1252.tsv"
    path.write_bytes("Ménière disease\tMénière disease\tcondition\t0.4\n".encode("cp1252"))
    with pytest.raises(LexiconError, match=r"byte 0xe9\): save the file as UTF-8"):
        load_lexicon(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_lexicon_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path: Path,
                                                                  encoding: str) -> None:
    """A spreadsheet's "Unicode Text" (UTF-16 with a byte-order mark) gave an error per
    line: invalid UTF-8, then NUL characters."""
    path = tmp_path / "unicode.txt"
    text = "term\tcanonical\tkind\tprior\r\nOxyContin\toxycodone\tbrand\t0.8\r\n" \
        "Ménière disease\t\tcondition\t0.4\r\n"
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    lexicon = load_lexicon(path)
    assert [(e.term, e.canonical, e.kind) for e in lexicon] == [
        ("OxyContin", "oxycodone", "brand"), ("Ménière disease", "Ménière disease", "condition")]
    path.write_bytes(b"\xff\xfeO\x00x\x00y")  # cut in the middle of a letter
    with pytest.raises(LexiconError, match="invalid UTF-16") as caught:
        load_lexicon(path)
    assert caught.value.line == 1
    # the line of the bad bytes is named (it was the file alone, with a byte offset)
    path.write_bytes(bom + text.encode(encoding)[:-1])
    with pytest.raises(LexiconError) as caught:
        check_lexicon(path)
    assert caught.value.line == 3  # (its last line, whose line break is cut)
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: invalid UTF-")


def test_lexicon_utf16_without_a_byte_order_mark_is_read_with_a_warning(
        tmp_path: Path) -> None:
    """UTF-16 without a mark gave an error per line, each naming a NUL character, and no
    word of why."""
    path = tmp_path / "formulary.tsv"
    path.write_bytes("term\tcanonical\tkind\r\nZorvaxin\tzorvaxine\tbrand\r\n"
                     "Ménière disease\t\tcondition\r\n".encode("utf-16-le"))
    assert [(e.term, e.canonical, e.kind) for e in load_lexicon(path)] == [
        ("Zorvaxin", "zorvaxine", "brand"), ("Ménière disease", "Ménière disease", "condition")]
    report = check_lexicon(path)
    assert report.ok and report.entries == 2
    assert list(report.warnings) == ["no byte-order mark, but every other byte is NUL: read as "
                               "UTF-16-LE; save the file as UTF-8 (a spreadsheet's \"CSV "
                               "UTF-8\" or \"Unicode Text\")"]


def test_lexicon_csv_file_is_read_as_csv(tmp_path: Path) -> None:
    """A comma CSV from a spreadsheet (a byte-order mark, CRLF, quoted fields) was read as
    a word list: the header and each whole line became terms."""
    path = tmp_path / "export.csv"
    path.write_bytes(b'\xef\xbb\xbfterm,canonical,kind,prior\r\nOxyContin,oxycodone,brand,0.8\r\n'
                     b'"Tylenol #3","acetaminophen, codeine",brand,0.6\r\n'
                     b'"Dr ""Good"" cream",,brand,\r\n# a comment\r\n')
    lexicon = load_lexicon(path)
    assert lexicon.name == "export"
    assert [(e.term, e.canonical, e.kind, e.prior) for e in lexicon] == [
        ("OxyContin", "oxycodone", "brand", 0.8),
        ("Tylenol #3", "acetaminophen, codeine", "brand", 0.6),
        ('Dr "Good" cream', 'Dr "Good" cream', "brand", 0.5)]
    semicolons = tmp_path / "european.csv"
    semicolons.write_text("term;canonical;kind;prior\nZorvaxin;zorvaxine;brand;0,5\n",
                          encoding="utf-8")
    with pytest.raises(LexiconError, match=r"european\.csv:2: bad prior '0,5'"):
        load_lexicon(semicolons)
    semicolons.write_text("term;canonical\nZorvaxin;zorvaxine\n", encoding="utf-8")
    assert [(e.term, e.canonical) for e in load_lexicon(semicolons)] == [("Zorvaxin",
                                                                         "zorvaxine")]


def test_lexicon_quoted_tsv_fields_lose_their_quotes(tmp_path: Path) -> None:
    """A spreadsheet's "Text (tab delimited)" quotes a field holding a comma: the quotes
    were kept in the term ('"Tylenol #3"'); a quote inside a field stays."""
    path = tmp_path / "export.txt"
    path.write_text('term\tcanonical\n"Tylenol #3"\t"acetaminophen, codeine"\n'
                    'Tylenol 5" tube\tx\n', encoding="utf-8")
    assert [(e.term, e.canonical) for e in load_lexicon(path)] == [
        ("Tylenol #3", "acetaminophen, codeine"), ('Tylenol 5" tube', "x")]


@pytest.mark.parametrize(("line", "what", "shown"), [
    ('"Zorvaxin\tzorvaxin\n', "term", '\'"Zorvaxin\''),
    ('Zor"vaxin\n', "term", '\'Zor"vaxin\''),
    # a quoted field holding a tab, split there: both halves alone
    ('Zorvaxin\t"zorvastatin\t10 mg"\n', "canonical", '\'"zorvastatin\''),
])
def test_lexicon_a_tsv_quote_that_pairs_with_none_is_refused(
        tmp_path: Path, line: str, what: str, shown: str) -> None:
    """A double quote left alone in a tab-separated line (a quoted field holding a tab,
    or one never closed) was kept in the name, '"Zorvaxin', which matched no word; a
    quote after a digit (an inch) and a pair inside a field are kept, as before."""
    path = tmp_path / "export.tsv"
    path.write_text(f'Tylenol "PM"\tx\nTylenol 5" tube\tx\n{line}', encoding="utf-8")
    with pytest.raises(LexiconError, match=f"double quote that pairs with none in the "
                       f"{what} {re.escape(shown)}") as caught:
        load_lexicon(path)
    assert caught.value.line == 3
    assert [p.line for p in check_lexicon(path).errors] == [3]
    path.write_text('Tylenol "PM"\tx\nTylenol 5" tube\tx\n', encoding="utf-8")
    assert [e.term for e in load_lexicon(path)] == ['Tylenol "PM"', 'Tylenol 5" tube']


@pytest.mark.parametrize(("line", "said"), [
    ('Zor"vaxin,zorvaxin\n', 'a double quote that pairs with none in the term \'Zor"vaxin\''),
    ('Zorvaxin,10 mg"\n', 'a double quote that pairs with none in the canonical \'10 mg"\''),
    # csv read it as "Zorvaxin": the text after a quoted field's closing quote taken in
    ('"Zor"vaxin,zorvaxin\n', "text after the closing double quote of the term "
                               "'\"Zor\"vaxin'"),
    ('"Zorvaxin,zorvaxin\n', "a double quote that never closes in the term "
                             "'\"Zorvaxin,zorvaxin'"),
])
def test_lexicon_a_csv_quote_that_pairs_with_none_is_refused(
        tmp_path: Path, line: str, said: str) -> None:
    """A double quote left alone in a CSV field was kept in the name ('Zor"vaxin'), which
    matched no word, or failed in Python's csv module ("new-line character seen in
    unquoted field"), naming no file; a quoted field with text after its closing quote
    lost the quote. Each is refused by line and column, as in a tab-separated file; a
    quoted field (spaces before it too), a pair inside a field and an inch are kept."""
    path = tmp_path / "export.csv"
    kept = ('term,canonical\nTylenol "PM",x\nTylenol 5" tube,x\n"Dr ""Good""",x\n'
            'Zapain, "codeine, paracetamol"\n')
    path.write_text(f"{kept}{line}Metformin,metformin\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=re.escape(f"export.csv:6: {said}")) as caught:
        load_lexicon(path)
    assert caught.value.line == 6
    report = check_lexicon(path)
    assert [p.line for p in report.errors] == [6] and report.entries == 5
    path.write_text(kept, encoding="utf-8")
    assert [(e.term, e.canonical) for e in load_lexicon(path)] == [
        ('Tylenol "PM"', "x"), ('Tylenol 5" tube', "x"), ('Dr "Good"', "x"),
        ("Zapain", "codeine, paracetamol")]


def test_lexicon_a_word_list_may_have_a_term_header(tmp_path: Path) -> None:
    """A one-column file headed `term` made "term" an entry."""
    path = tmp_path / "list.tsv"
    path.write_text("term\nZorvaxin\nKelumab\n", encoding="utf-8")
    assert [e.term for e in load_lexicon(path)] == ["Zorvaxin", "Kelumab"]


def test_lexicon_a_header_in_the_middle_is_refused(tmp_path: Path) -> None:
    """Two exports joined with cat: the second header (with its byte-order mark) became an
    entry."""
    path = tmp_path / "merged.tsv"
    path.write_bytes(b"\xef\xbb\xbfterm\tcanonical\tkind\r\nZorvaxin\tZorvaxin\tbrand\r\n"
                     b"\xef\xbb\xbfterm\tcanonical\tkind\r\nKelumab\tKelumab\tbrand\r\n")
    with pytest.raises(LexiconError, match="header line after the first entry") as caught:
        load_lexicon(path)
    assert caught.value.line == 3
    assert [p.line for p in check_lexicon(path).errors] == [3]


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e"])
def test_lexicon_an_invisible_character_in_a_term_is_refused(tmp_path: Path,
                                                             char: str) -> None:
    """"Zor\u200bvaxin" looks like Zorvaxin and matched nothing; a no-break space is a
    space."""
    path = tmp_path / "pasted.tsv"
    path.write_text(f"Vitamin\u00a0B12\tcyanocobalamin\nZor{char}vaxin\tZorvaxin\tbrand\n",
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=f"invisible character U\\+{ord(char):04X}") as caught:
        load_lexicon(path)
    assert caught.value.line == 2


@pytest.mark.parametrize(("content", "warning"), [
    ("OxyContin,oxycodone,brand,0.8\nZorvaxin,Zorvaxin,brand\n",
     "2 terms hold a comma (lines 1, 2) and no line has a tab: is the file comma-separated"),
    ("OxyContin    oxycodone    brand\nZorvaxin\n",
     "1 terms hold a run of spaces (line 1) and no line has a tab: is the file "
     "space-separated"),
])
def test_lexicon_check_warns_of_a_word_list_that_looks_like_a_table(
        tmp_path: Path, content: str, warning: str) -> None:
    path = tmp_path / "list.txt"
    path.write_text(content, encoding="utf-8")
    report = check_lexicon(path)
    assert report.ok
    assert [w for w in report.warnings if warning in w]
    path.write_text("Kelumab\tKelumab\n" + content, encoding="utf-8")  # a tab: no hint
    # (of a file of another format; a line of it spaced apart is said by line, below)
    assert not [w for w in check_lexicon(path).warnings if "no line has a tab" in w]
    assert not [w for w in check_lexicon(path).warnings if "comma" in w]


def test_lexicon_check_warns_of_a_term_read_as_a_number(tmp_path: Path) -> None:
    """A term of numbers (and units) alone is never matched: the validator reads numbers
    as a dose's. The check said nothing of it; it names the term and its line. A term
    holding a name beside its numbers, marks, units or forms is matched whole."""
    path = tmp_path / "hospital.tsv"
    path.write_text("term\tcanonical\n3000\tAcme monitor\n\"Tylenol #3\"\tTylenol\n"
                    "10 mg\tdose\nBrenzavo 10 mg tablet\tBrenzavo\nmg/kg\tunit\n",
                    encoding="utf-8")
    report = check_lexicon(path)
    assert report.ok
    said = [w for w in report.warnings if "read as a number" in w]
    assert len(said) == 2
    assert said[0].startswith("line 2: the term '3000' is read as a number")
    assert said[1].startswith("line 4: the term '10 mg' is read as a number")
    assert "warning: line 2: the term '3000'" in format_report(report)


def test_lexicon_check_warns_of_a_comment_line_holding_an_entry(tmp_path: Path) -> None:
    """A line starting with '#' is a comment, so a term "#3" was dropped without a word;
    the check names such lines (a '#' and a digit), and a term in double quotes is the
    way to write it. Comments as people write them, with tabs or not, are not named."""
    path = tmp_path / "hospital.tsv"
    path.write_text("# our formulary\tv2\n#term\tcanonical\tkind\nTylenol #3\tTylenol\tbrand\n"
                    "#3\tTylenol\tbrand\n\"#4\"\tTylenol\tbrand\n# #5\tTylenol\n"
                    "#Zorvaxin\tzorvaxin\tbrand\n## 2024\tupdate\n", encoding="utf-8")
    report = check_lexicon(path)
    assert report.ok and report.entries == 2
    said = [w for w in report.warnings if "read as a comment" in w]
    assert said == ["line 4 starts with '#' and a digit, as a term such as \"#3\" does, but "
                    "is read as a comment: a term beginning with '#' is written in double "
                    "quotes"]
    path.write_text("# a word list\nmetformin\n#3\n#10 cough syrup\n", encoding="utf-8")
    assert [w for w in check_lexicon(path).warnings if "comment" in w] == [
        "lines 3, 4 start with '#' and a digit, as a term such as \"#3\" does, but are read "
        "as a comment: a term beginning with '#' is written in double quotes"]


@pytest.mark.parametrize(("data", "lines"), [
    (b"", 0), (b"a\n", 1), (b"a\nb", 2), (b"a\nb\n\n", 3),
    (b"a\n\xff", 2),  # an undecodable last line without its line feed was not counted
])
def test_lexicon_check_counts_lines_as_wc_does(tmp_path: Path, data: bytes, lines: int
                                               ) -> None:
    path = tmp_path / "x.tsv"
    path.write_bytes(data)
    assert check_lexicon(path).lines == lines


def test_lexicon_check_lists_problems_in_line_order(tmp_path: Path) -> None:
    # undecodable lines are found before the others: they were listed first
    path = tmp_path / "mixed.tsv"
    path.write_bytes(b"metformin\n\x00bad\n\xff\nok\tok\tgeneric\thigh\n")
    report = check_lexicon(path)
    assert [p.line for p in report.errors] == [2, 3, 4]


def test_lexicon_check_of_a_clean_file_is_ok() -> None:
    report = check_lexicon(LEXICON_DATA / "formulary.txt")
    assert report.ok
    assert (report.entries, report.merged_duplicates) == (4, 1)
    assert format_report(report).endswith("status: ok")


@pytest.mark.parametrize(
    ("word", "english"),
    [("the", True), ("today", True), ("tablet", True), ("lisinopril", False), ("", False)],
)
def test_lexicon_english_words_come_from_wordfreq(word: str, english: bool) -> None:
    assert is_english_word(word) is english
    assert english_zipf(word) >= 0.0


def test_lexicon_english_threshold_is_an_option() -> None:
    assert english_zipf("metformin") > 0.0
    assert is_english_word("metformin", min_zipf=1.0)
    assert not is_english_word("metformin", min_zipf=4.0)


def test_entry_needs_only_its_term() -> None:
    # as in a lexicon file; Entry("Zapain") asked for all six fields
    from uncertain.lexicon import Entry, Lexicon

    entry = Entry("Zapain")
    assert (entry.canonical, entry.kind, entry.prior, entry.ids) == ("Zapain", "term", 0.5, ())
    (kept,) = Lexicon.from_entries("mine", [entry]).entries
    assert kept.lexicon == "mine"
    with pytest.raises(ValueError, match="empty term"):
        Entry("  ")
    with pytest.raises(ValueError, match="non-empty canonical"):
        Entry("Zapain", " ")


def test_lexicon_duplicates_keep_a_given_kind_and_say_what_they_disagreed_on(
        tmp_path: Path) -> None:
    """`Zyprexa` alone, then `Zyprexa olanzapine brand 0.7`, was kind `term` (the first
    line's default), and the report said only how many lines were merged."""
    path = tmp_path / "dups.tsv"
    path.write_text("Zyprexa\tolanzapine\nZyprexa\tOlanzapine\tbrand\t0.7\n"
                    "Lasix\tfurosemide\tbrand\t0.9\nlasix\tfurosemide\tgeneric\t0.3\n",
                    encoding="utf-8")
    lexicon = load_lexicon(path)
    assert [(e.term, e.kind, e.prior) for e in lexicon] == [("Zyprexa", "brand", 0.7),
                                                            ("Lasix", "brand", 0.9)]
    out = format_report(check_lexicon(path))
    assert "warning: 2 duplicate lines merged" in out
    assert "warning: duplicate Zyprexa -> olanzapine: kind brand kept, over the default term" \
        in out
    assert "warning: duplicate Lasix -> furosemide: kind brand kept, the first given, over " \
        "generic" in out
    assert "warning: duplicate Lasix -> furosemide: prior 0.9 kept, the highest, over 0.3" \
        in out


def test_lexicon_kinds_are_read_in_lower_case(tmp_path: Path) -> None:
    """`Brand` and `brand` were two kinds, and a `Unit` was taken for a drug a dose governs."""
    path = tmp_path / "kinds.tsv"
    path.write_text("Zorvaxin\tZorvaxin\tBrand\nmilligramme\tmg\tUNIT\nMg\tmg\tunit\n",
                    encoding="utf-8")
    lexicon = load_lexicon(path)
    assert [e.kind for e in lexicon] == ["brand", "unit", "unit"]
    assert check_lexicon(path).kinds == {"unit": 2, "brand": 1}
    assert not takes_dose(Entry("milligramme", "mg", "Unit").kind, "local")


def test_lexicon_a_file_never_takes_a_shipped_lexicons_name(tmp_path: Path) -> None:
    """A user's clinical.tsv was named "clinical": its drugs were read as the shipped
    clinical lexicon's words (no drug a dose governs)."""
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "clinical.tsv"
    path.write_text("Kelumab\tKelumab\tbrand\t0.6\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    assert lexicon.name == "clinical.tsv"
    assert [e.lexicon for e in lexicon] == ["clinical.tsv"]
    assert takes_dose("brand", lexicon.name)
    assert check_lexicon(path).name == "clinical.tsv"
    for source, name in ((path, "clinical"), (f"drugs={path}", None)):
        with pytest.raises(LexiconError, match="name of a shipped lexicon"):
            load_lexicon(source, name=name)
    # the shipped file itself, by its path, is that lexicon
    from uncertain._assets import lexicon_dir

    assert load_lexicon(lexicon_dir() / "clinical.tsv").name == "clinical"


def test_lexicon_name_equals_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`NAME=FILE` names a file; a file whose own name holds `=`, or a path with a drive
    or a folder before the `=`, is a path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hospA").mkdir()
    (tmp_path / "hospA" / "formulary.tsv").write_text("Zorvaxin\n", encoding="utf-8")
    assert load_lexicon("hospA=hospA/formulary.tsv").name == "hospA"
    assert check_lexicon("hospA=hospA/formulary.tsv").name == "hospA"
    (tmp_path / "a=b.tsv").write_text("Kelumab\n", encoding="utf-8")
    assert load_lexicon("a=b.tsv").name == "a=b"
    for source in ("C:\\lex=x.tsv", "./a=c.tsv", "hospA=missing.tsv"):
        with pytest.raises(LexiconError, match="no such file"):
            load_lexicon(source)


class _WrittenMeanwhile:
    """A file opened for reading whose writer, meanwhile, does ``write()`` (after the
    read: as if between the reader's two looks at it)."""

    def __init__(self, fh: Any, write: Callable[[], None]) -> None:
        self.fh, self.write = fh, write

    def __enter__(self) -> _WrittenMeanwhile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def fileno(self) -> int:
        return int(self.fh.fileno())

    def read(self) -> bytes:
        data: bytes = self.fh.read()
        self.write()
        return data


_WHOLE = "Zapain\tzapainol\tbrand\t0.6\nQuelix\tquelixol\tbrand\t0.6\n"


@pytest.mark.parametrize("how", ["in_place", "renamed_over"])
def test_lexicon_a_file_that_changes_while_it_is_read_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """A formulary read while it was being rewritten was loaded as it was then, half (its
    last line cut short: a term "Q"); one renamed over it while the old was read, as the
    old. Its stat after the read, by the file read and by its path, is not the one
    before: it is read again."""
    import os

    path = tmp_path / "formulary.tsv"
    path.write_text(_WHOLE[:27])
    real_open = open
    reads: list[str] = []

    def finish() -> None:
        if how == "in_place":
            with real_open(path, "a") as rest:
                rest.write(_WHOLE[27:])
                rest.flush()
                os.utime(rest.fileno(), ns=(1, 1))  # (a change within one clock tick too)
        else:
            (tmp_path / "new.tsv").write_text(_WHOLE)
            os.replace(tmp_path / "new.tsv", path)

    def opening(name: Any, mode: str = "r", *args: Any) -> Any:
        if os.fspath(name) == os.fspath(path) and mode == "rb":
            reads.append(mode)
            if len(reads) == 1:
                return _WrittenMeanwhile(real_open(path, "rb"), finish)
        return real_open(name, mode, *args)

    monkeypatch.setattr(lexicon_module, "open", opening, raising=False)
    loaded = load_lexicon(path)
    assert [e.term for e in loaded] == ["Zapain", "Quelix"]
    assert len(reads) == 2


def test_lexicon_a_file_that_goes_on_changing_is_refused_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = tmp_path / "formulary.tsv"
    path.write_text(_WHOLE)
    real_open = open
    reads: list[int] = []

    def grow() -> None:
        with real_open(path, "a") as more:
            more.write(f"Term{len(reads)}\n")

    def opening(name: Any, mode: str = "r", *args: Any) -> Any:
        if os.fspath(name) == os.fspath(path) and mode == "rb":
            reads.append(1)
            return _WrittenMeanwhile(real_open(path, "rb"), grow)
        return real_open(name, mode, *args)

    monkeypatch.setattr(lexicon_module, "open", opening, raising=False)
    with pytest.raises(LexiconError, match="changed while it was read") as caught:
        load_lexicon(path)
    assert caught.value.path == str(path) and len(reads) == lexicon_module._READS


def test_lexicon_named_gz_that_is_not_gzip_is_a_warning_of_the_loader(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A formulary.tsv.gz of plain text was said by the command line only: the loader
    (and so `uncertain.validate(doc, lexicons=[...])`) read it as text without a word.
    It is one of the lexicon's warnings now, logged by the loader and in the check
    report; a compressed one, or a plain .tsv, is read as it was."""
    import uncertain
    from uncertain.text import document_from_bytes

    text = b"term\tcanonical\tkind\nzorbafen\tzorbafen\tdrug\n"
    plain, packed, tsv = (tmp_path / "plain.tsv.gz", tmp_path / "packed.tsv.gz",
                          tmp_path / "plain.tsv")
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text))
    tsv.write_bytes(text)
    said = "named .gz but not gzip-compressed: read as plain text"
    doc = document_from_bytes(b"Take zorbafen daily.", path="note.txt", sha256="0" * 64)
    for path, warned in ((plain, True), (packed, False), (tsv, False)):
        caplog.clear()
        with caplog.at_level("WARNING", logger="uncertain"):
            assert [e.term for e in load_lexicon(path)] == ["zorbafen"]
            checked = uncertain.validate(doc, lexicons=[str(path)])
        assert [f.reason for f in checked.flags] == ["verified"]  # (the lexicon was read)
        assert [r.getMessage() for r in caplog.records] == [f"{path}: {said}"] * (2 * warned)
        assert list(check_lexicon(path).warnings) == [said] * warned


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"RIFF\x24\x00\x01\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00", "audio (WAV)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image (PNG)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "a Microsoft Office file"),
        (bytes(range(256)) * 4, "binary, not text"),
    ],
)
def test_lexicon_binary_file_is_one_error_naming_what_it_is(
        tmp_path: Path, head: bytes, said: str) -> None:
    """A WAV given as a lexicon was checked line by line: over a thousand lines "invalid
    UTF-8 ... UTF-16 without a byte-order mark?", and loading it said that of line 1. A
    gzipped one was said to be "audio (WAV)", as if the file were a WAV: it says that the
    file is gzip-compressed, and what it holds."""
    body = bytes((i * 37 + 11) % 256 for i in range(6000))  # no text in it either
    for name, data in (("a.tsv", head + body), ("b.tsv.gz", gzip.compress(head + body))):
        path = tmp_path / name
        path.write_bytes(data)
        for read in (load_lexicon, check_lexicon):
            with pytest.raises(LexiconError, match="not a lexicon") as caught:
                read(path)
            assert said in str(caught.value) and str(path) in str(caught.value)
            packed = f"the file is gzip-compressed, and what it holds is {said}"
            assert (packed in str(caught.value)) == name.endswith(".gz"), caught.value


def test_lexicon_text_that_opens_like_a_format_is_still_text(tmp_path: Path) -> None:
    # a term beginning with a format's magic bytes ("BZh...", "ID3 ...") decodes as text
    path = tmp_path / "odd.tsv"
    path.write_bytes(b"BZh9 tablet\nID3 agonist\nmetformin\n")
    assert [e.term for e in load_lexicon(path)] == ["BZh9 tablet", "ID3 agonist", "metformin"]


def test_lexicon_check_lists_a_few_bad_lines_and_caps_many(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tsv"
    path.write_bytes(b"".join(b"caf\xe9 %d\n" % i if i % 2 else b"ok %d\n" % i
                              for i in range(400)))
    report = check_lexicon(path)
    assert len(report.errors) == 200  # every one kept in the report
    text = format_report(report)
    listed = [line for line in text.splitlines() if "latin1.tsv:" in line]
    assert len(listed) == lexicon_module._MAX_ERRORS
    assert "... and 150 more malformed lines (lines 102-400)" in text
    assert text.endswith("status: 200 malformed lines")
    path.write_bytes(b"metformin\ncaf\xe9\nok\n")  # a few: each listed
    assert f"{path}:2: invalid UTF-8 (byte 0xe9)" in format_report(check_lexicon(path))


@pytest.mark.parametrize(("file", "name"), [
    ("f.csv.gz", "f"), ("g.txt.gz", "g"), ("h.tsv.gz", "h"), ("k.gz", "k"), ("f.csv", "f"),
    ("formulary.txt", "formulary"), ("list.dat", "list"), ("list.dat.gz", "list.dat")])
def test_lexicon_compressed_file_is_named_as_the_text_file(
        tmp_path: Path, file: str, name: str) -> None:
    """A gzip-compressed CSV, f.csv.gz, was the lexicon 'f.csv' (its candidates said so),
    where f.csv is 'f'."""
    path = tmp_path / file
    text = "term,canonical\nZorvaxin,zorvaxine\n" if ".csv" in file else "Zorvaxin\n"
    path.write_bytes(gzip.compress(text.encode()) if file.endswith(".gz") else text.encode())
    assert load_lexicon(path).name == name
    assert check_lexicon(path).name == name
    assert load_lexicon(path).get("zorvaxin")[0].lexicon == name


def test_lexicon_error_and_report_name_a_file_with_a_newline_on_one_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A newline in a lexicon file's name was printed as it is: "ba<newline>d.tsv:1: ..."
    broke the error in two lines, the second looking like another message; so did the
    check report's header and its errors, and the loader's warnings. Each escapes it as
    the other messages escape a file name."""
    path = tmp_path / "ba\nd.tsv"
    path.write_text("Zapain\tcodeine\tbrand\tlots\n")
    with pytest.raises(LexiconError) as caught:
        load_lexicon(path)
    assert str(caught.value) == f"{tmp_path}/ba\\nd.tsv:1: bad prior 'lots': not a number"
    assert caught.value.path == str(path)  # (the attribute keeps the name as it is)
    text = format_report(check_lexicon(path))
    assert text.splitlines()[0] == f"lexicon ba\\nd: {tmp_path}/ba\\nd.tsv"
    assert f"  error: {tmp_path}/ba\\nd.tsv:1: bad prior 'lots'" in text
    assert "\nd.tsv" not in text and "\nd:" not in text
    path.write_text("a, b\n")  # (warned: a comma in a one-column file)
    with caplog.at_level("WARNING", logger="uncertain"):
        load_lexicon(path)
    assert [r.getMessage().startswith(f"{tmp_path}/ba\\nd.tsv: 1 terms hold a comma")
            for r in caplog.records] == [True]


def test_lexicon_refuses_a_term_of_megabytes_naming_file_and_line(tmp_path: Path) -> None:
    """A 2 MB line of no tab was loaded as one entry (the validator then indexed it): a
    term, canonical or kind longer than MAX_TERM_LENGTH is a malformed line, said with
    its length and its first characters, not the whole of it."""
    path = tmp_path / "formulary.tsv"
    path.write_text("Zapain\n" + "x" * 2_000_000 + "\nMetformin\n")
    with pytest.raises(LexiconError) as caught:
        load_lexicon(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: the term is 2,000,000 characters long, at most "
                              f"{lexicon_module.MAX_TERM_LENGTH}: 'xxxx")
    assert len(message) < 300
    report = check_lexicon(path)
    assert [p.line for p in report.errors] == [2] and report.entries == 2
    longest = "a" * lexicon_module.MAX_TERM_LENGTH
    path.write_text(f"{longest}\tb{longest}\n{longest}\t{longest}b\n")
    assert [p.line for p in check_lexicon(path).errors] == [1, 2]
    assert "the canonical is 201 characters" in check_lexicon(path).errors[1].message
    path.write_text(f"{longest}\t{longest}\t{longest[:-1]}\n")  # (the limit itself is taken)
    assert len(load_lexicon(path)) == 1
    # a CSV field whose double quote never closes is said so, not read to the file's end
    csv_file = tmp_path / "formulary.csv"
    csv_file.write_text('term,canonical\n"Zapain,codeine\n' + "Metformin,metformin\n" * 20)
    with pytest.raises(LexiconError, match=r"formulary\.csv:2: a double quote that never "
                       r"closes in the term '\"Zapain,codeine'"):
        load_lexicon(csv_file)
    report = check_lexicon(csv_file)  # (the lines after it are read: the 20 merged in one)
    assert [p.line for p in report.errors] == [2] and report.entries == 1
    assert "19 duplicate lines merged into existing entries" in report.warnings


def test_lexicon_warns_of_a_column_spaced_apart_in_a_file_of_tabs(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A file of tab-separated columns with a line whose columns were spaced apart
    ("Zapain  codeine<TAB>brand") was loaded without a word, its term "Zapain codeine"
    and its canonical "brand": the runs of spaces were warned of only in a file of no
    tab. They are warned of by line, and the lines read as written."""
    path = tmp_path / "formulary.tsv"
    path.write_text("term\tcanonical\tkind\nZapain  codeine\tbrand\nTritace\tramipril  brand\n"
                    "Metformin \t metformin\t brand\n")  # (spaces around a column are none)
    report = check_lexicon(path)
    assert report.ok and report.entries == 3
    assert [w for w in report.warnings if "run of spaces" in w] == [
        "lines 2, 3 hold a run of spaces inside a term or canonical, in a file of several "
        "columns: is a column separated by spaces there, not by the file's separator? They "
        "are read as written, the spaces inside the name"]
    with caplog.at_level("WARNING", logger="uncertain"):
        lexicon = load_lexicon(path)
    assert "lines 2, 3 hold a run of spaces" in caplog.text
    assert lexicon.get("zapain codeine")[0].canonical == "brand"
    spaced = tmp_path / "formulary.csv"
    spaced.write_text("term,canonical\nZapain,codeine  brand\nTritace,ramipril\n")
    assert any(w.startswith("line 2 holds a run of spaces")
               for w in check_lexicon(spaced).warnings)
    path.write_text("Zapain  codeine\tbrand\nTritace\tramipril\n\t\n \t \n")  # (blank lines)
    assert check_lexicon(path).warnings[0].startswith("line 1 holds a run of spaces")
    assert check_lexicon(path).entries == 2
