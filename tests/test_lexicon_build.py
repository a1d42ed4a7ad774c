"""The drug lexicon build script (``lexicons/build.py``): its filters, and a whole build
from a few rows of each source (``tests/data/lexicon/sources``)."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

from uncertain.lexicon import Lexicon, check_lexicon, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "data" / "lexicon" / "sources"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lexicon_build", ROOT / "lexicons" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build = _load_build()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("metformin hydrochloride", "metformin"),
        ("ATORVASTATIN CALCIUM TRIHYDRATE", "ATORVASTATIN"),
        ("levothyroxine sodium", "levothyroxine"),
        ("sodium chloride", "sodium chloride"),
        ("calcium carbonate", "calcium carbonate"),
        ("ammonium lactate", "ammonium lactate"),
        ("ferrous sulfate", "ferrous sulfate"),
        ("metformin", "metformin"),
    ],
)
def test_lexicon_build_strip_salt(name: str, expected: str) -> None:
    assert build.strip_salt(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fluticasone Nasal Spray", "Fluticasone"),
        ("Insulin Detemir (rDNA Origin) Injection", "Insulin Detemir"),
        ("Acephen Rectal Suppository", "Acephen"),
        ("Metformin", "Metformin"),
    ],
)
def test_lexicon_build_strip_forms(name: str, expected: str) -> None:
    assert build.strip_forms(name) == expected


@pytest.mark.parametrize(
    ("name", "allow_digits", "kept"),
    [
        ("Metformin", False, True),
        ("Glucophage XR", False, True),
        ("1,1-Dimethylbiguanide", False, False),
        ("4-(Acetylamino)phenol", True, False),
        ("NS-218", True, False),
        ("ABT-199", True, False),
        ("BI 2536", True, False),
        ("Cétuximab", False, False),
        ("Hirudin variant-1", False, False),
        ("Interferon alfa-2b", True, True),
        ("Interferon alfa-2b", False, False),
        ("Sulfamic Acid Fructopyranose Ester Of Something", False, False),
    ],
)
def test_lexicon_build_clean_name(name: str, allow_digits: bool, kept: bool) -> None:
    assert (build.clean_name(name, allow_digits=allow_digits) is not None) is kept


@pytest.mark.parametrize(
    ("name", "coded"),
    [
        # research codes: letters and digits run together, short codes, lone numbers
        ("e1v1.11", True),
        ("hu3s193", True),
        ("bv2", True),
        ("aag-1", True),
        ("tl-3-093", True),
        ("mgb-bp-3", True),
        ("compound 18", True),
        ("reactive red 1 dye", True),
        ("gentamicin c1a", True),
        # chemistry: locants, primes, stereo prefixes, ranges
        ("glucose 6-phosphate", True),
        ("glucose-6-phosphate", True),
        ("cytidine 5'-monophosphate", True),
        ("indole-3-carbinol", True),
        ("alpha-d-glucose 6-phosphate", True),
        ("sn-glycerol 3-phosphate", True),
        ("angiotensin 1-7", True),
        # names people say, digits and all
        ("Interferon alfa-2b", False),
        ("peginterferon beta-1a", False),
        ("interferon alfa-n3", False),
        ("nonoxynol-9", False),
        ("omega-3-acid ethyl esters", False),
        ("alpha-1-proteinase inhibitor", False),
        ("human interleukin-2", False),
        ("Metformin", False),
        ("l-glutamine", False),  # no digit: the stereo prefix is part of the name
        ("St. John's wort", False),
    ],
)
def test_lexicon_build_coded(name: str, coded: bool) -> None:
    assert build.coded(name) is coded
    assert build.clean_name(name, allow_digits=True) is not None  # decided after the joins


@pytest.mark.parametrize("shipped", ["drugs", "clinical"])
def test_lexicon_build_the_shipped_lexicons_check_without_warnings(shipped: str) -> None:
    # a term the validator never matches (read as a number: "e1v1.11", "x10") is not shipped
    report = check_lexicon(shipped)
    assert report.ok
    assert not report.warnings


@pytest.mark.parametrize(
    ("name", "foreign"),
    [
        ("Metformina", True),
        ("Metformine", True),
        ("Metforminum", True),
        ("Dornasa alfa", True),
        ("Acidum acetylsalicylicum", True),
        ("Glucophage", False),
        ("Dimethylbiguanide", False),
        ("Lanthanum", False),  # an English -um word
    ],
)
def test_lexicon_build_foreign_variants(name: str, foreign: bool) -> None:
    assert build.is_foreign_variant(name, ["Metformin", "Dornase alfa", "Aspirin"]) is foreign


@pytest.mark.parametrize(
    ("name", "foreign"),
    [
        # everyday words of German, Spanish, French that English knows only in passing
        ("Chlor", True),  # chlorine's: "chlor ride" was verified as chlorine
        ("Kalium", True),
        ("Kupfer", True),
        ("Eisen", True),
        ("Hierro", True),
        ("cuivre", True),
        ("Selen", True),
        ("Secretin", False),  # no other language knows it better
        ("Trientine", False),
        ("Trien", False),  # Dutch knows it, but little
        ("Boldo", False),  # the plant's name, which Spanish knows a little
        ("Cacao", False),  # English knows it too
        ("Calcium", False),
        ("BuChE", False),  # an abbreviation, not the German "Buche"
        ("MoCo", False),
        ("Cichorii Herba", False),  # one word only
        ("Chlor-Trimeton", False),
    ],
)
def test_lexicon_build_foreign_words(name: str, foreign: bool) -> None:
    assert build.is_foreign_word(name) is foreign


def _copied_sources(tmp_path: Path) -> Path:
    """A copy of the test sources, for a test to add rows to."""
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in SOURCES.iterdir():
        (sources / path.name).write_bytes(path.read_bytes())
    return sources


def test_lexicon_build_a_foreign_word_a_us_source_names_is_kept(tmp_path: Path) -> None:
    # a synonym a MedlinePlus brand or a UNII preferred name also gives is said in English
    sources = _copied_sources(tmp_path)
    assert "chlor" not in build.read_drugbank(sources, build.Counts())["DB11109"].generics
    with (sources / "medlineplus_generic_brand.csv").open("a", encoding="utf-8") as fh:
        fh.write("a000000,Chlorine,Chlor\n")
    assert "chlor" in build.read_drugbank(sources, build.Counts())["DB11109"].generics
    with (sources / "fda_unii_names.tsv").open("a", encoding="utf-8") as fh:
        fh.write("KALIUM\tof\t0000000000\tKALIUM\n")
    assert "kalium" in build.read_drugbank(sources, build.Counts())["DB14500"].generics


@pytest.mark.parametrize(
    ("name", "ion"),
    [("Magnesium ion", True), ("Potassium ion", True), ("Calcium ions", True),
     ("Chlorine anion", True), ("Kalium-Ion", True), ("Glycopyrronium cation", True),
     ("Perchlorate Ion", True),
     ("Magnesium", False), ("Ion", False), ("Anion gap", False), ("Ionsys", False),
     ("Tension", False)],
)
def test_lexicon_build_ion_names(name: str, ion: bool) -> None:
    assert build.is_ion_name(name) is ion


@pytest.mark.parametrize(
    ("name", "analogue"),
    [("Insulin lispro", "lispro"), ("Insulin degludec", "degludec"),
     ("Insulin human", None), ("Insulin pork", None), ("Insulin", None),
     ("Insulin lispro protamine", None), ("Metformin", None)],
)
def test_lexicon_build_insulin_analogue(name: str, analogue: str | None) -> None:
    # ("Degludec 30 units" was near teduglutide; "lispro" alone was no name)
    assert build.insulin_analogue(name) == analogue


@pytest.mark.parametrize(
    ("name", "antigen"),
    [("Hepatitis B surface antigen", True), ("Bacillus anthracis inactivated antigen", True),
     ("Hepatitis B antigen", True), ("Antigen", False), ("Hepatitis B vaccine", False),
     ("Antigenic peptide", False)],
)
def test_lexicon_build_antigen_names(name: str, antigen: bool) -> None:
    # ("Hepatitis B antigen" at the vaccine's prior came near a scan's "hotirs befote")
    assert build.is_antigen_name(name) is antigen


def test_lexicon_build_an_antigens_abbreviation_is_its_initials_and_ag() -> None:
    names = ["HBSAG", "Hepatitis B surface antigen", "Hepatitis B vaccine", "Hepatitis-B antigen"]
    assert build.antigen_abbreviations(names) == {"HBSAG", "HBAG"}
    assert build.antigen_abbreviations(["Hepatitis B vaccine", "Antigen"]) == set()


def test_lexicon_build_the_shipped_lexicon_knows_no_lab_antigen_as_a_vaccine() -> None:
    # "HBsAg negative" (a lab's result) was verified as hepatitis B vaccine
    drugs = load_lexicon("drugs")
    assert not drugs.get("HBSAG")
    assert drugs.get("Engerix-B")[0].canonical == "hepatitis b vaccine"


def test_lexicon_build_drops_an_ions_name_not_the_drug(tmp_path: Path) -> None:
    # "magnesium on Friday" heard in doubt was flagged, "Magnesium ion" first
    sources = _copied_sources(tmp_path)
    with (sources / "drugbank_open_vocabulary.csv").open("a", encoding="utf-8") as fh:
        fh.write('DB01345,"",Potassium cation,24203-36-9,295O53K152,'
                 'Potassium ion | Kalium-Ion | potassium(1+),\n')
    counts = build.Counts()
    drugs = build.read_drugbank(sources, counts)
    assert set(drugs["DB01345"].generics) == {build.key("Potassium cation")}
    assert "potassium" in drugs["DB14500"].generics
    assert counts.dropped[("drugbank synonyms", "the name of an ion (chemistry)")] == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Factor IX Complex (Human)", "Factor IX Complex"),
     ("Digoxin Immune Fab (Ovine)", "Digoxin Immune Fab"),
     ("Heparan-N-sulfatase (human, recombinant)", "Heparan-N-sulfatase"),
     # an aside of anything else is chemistry or another product's detail
     ("Chromophore (Met-Tyr-Gly)", None), ("Florbetapir (18F)", None),
     ("Varicella zoster vaccine (live/attenuated)", None), ("Lime (citrus)", None),
     ("Poly(lactic acid)", None), ("Factor IX Complex", None)],
)
def test_lexicon_build_origin_stripped(name: str, expected: str | None) -> None:
    assert build.origin_stripped(name) == expected


def test_lexicon_build_a_biologics_source_in_brackets_keeps_the_drug(tmp_path: Path) -> None:
    # "Factor IX Complex (Human)" was dropped as chemistry for its brackets, and with it
    # the brand Kcentra (the validator offered Kentera for it); two drugs whose names
    # differ only so ("Hyaluronidase (ovine)", "(human recombinant)") stay dropped
    sources = _copied_sources(tmp_path)
    with (sources / "drugbank_open_vocabulary.csv").open("a", encoding="utf-8") as fh:
        fh.write('DB11330,"",Factor IX Complex (Human),37224-63-8,DTV5HU1N27,'
                 '"PCC | Prothrombin complex concentrate",\n')
        fh.write('DB00070,"",Hyaluronidase (ovine),9001-54-1,XYZ0000001,,\n')
        fh.write('DB06205,"",Hyaluronidase (human recombinant),9001-54-1,XYZ0000002,,\n')
    with (sources / "fda_unii_names.tsv").open("a", encoding="utf-8") as fh:
        fh.write("KCENTRA\tbn\tRZ22DI43TP\tPROTHROMBIN COMPLEX CONCENTRATE\n")
    counts = build.Counts()
    drugs = build.read_drugbank(sources, counts)
    build.join_unii(sources, drugs, counts)
    assert drugs["DB11330"].name == "Factor IX Complex"
    assert build.key("Kcentra") in drugs["DB11330"].brands
    assert "DB00070" not in drugs and "DB06205" not in drugs


def test_lexicon_build_a_misspelled_component_row_is_no_brand(tmp_path: Path) -> None:
    # "TUZISTRA COMPONENET OF CHLORPHENIRAMINE" was kept as a brand of its substance, word
    # for word, which put "Componenet" among a brand's words; a row naming a product's part
    # however it spells "component" (or leaving the part unnamed) is a component row
    sources = _copied_sources(tmp_path)
    with (sources / "fda_unii_names.tsv").open("a", encoding="utf-8") as fh:
        fh.write("LISTRA COMPONENET OF AMOXICILLIN\tbn\t804826J2HU\tAMOXICILLIN\n")
        fh.write("MOXANA CONPONENT AMOXICILLIN\tbn\t804826J2HU\tAMOXICILLIN\n")
        fh.write("MOXANA COMPONENT CLAVULANATE POTASSIUM\tbn\tQ42OMW3AT8\tCLAVULANATE POTASSIUM\n")
        fh.write("SOLESTRA COMPONENT\tbn\t804826J2HU\tAMOXICILLIN\n")
        fh.write("COMPETENTA\tbn\t804826J2HU\tAMOXICILLIN\n")
    counts = build.Counts()
    drugs = build.read_drugbank(sources, counts)
    combos = build.join_unii(sources, drugs, counts)
    brands = " ".join(drugs["DB01060"].brands)
    assert "componenet" not in brands and "conponent" not in brands
    assert "solestra" not in brands and "listra" not in brands
    assert build.key("Competenta") in drugs["DB01060"].brands  # a brand, not a part
    # the misspelled row still makes its product a combination with the other part
    assert "Moxana" in {combo.brand for combo in combos}
    assert counts.dropped[("unii bn", "component of a combination that does not join")] >= 2


@pytest.mark.parametrize(
    ("name", "part"),
    [("AUGMENTIN COMPONENT AMOXICILLIN", ("AUGMENTIN", "AMOXICILLIN")),
     ("TUZISTRA COMPONENET OF CHLORPHENIRAMINE", ("TUZISTRA", "CHLORPHENIRAMINE")),
     ("ALYFTREK COMPNENT VANZACAFTOR", ("ALYFTREK", "VANZACAFTOR")),
     ("SOLESTA COMPONENT", ("SOLESTA", "")),
     ("COMPONENT X", None), ("REPLICATION COMPETENT VIRUS", None), ("COMPOUND W", None),
     ("LIPITOR", None)],
)
def test_lexicon_build_component_of(name: str, part: tuple[str, str] | None) -> None:
    assert build.component_of(name) == part


@pytest.mark.parametrize(
    ("name", "symbol"),
    [("Arg", True), ("Leu", True), ("Glu", True), ("Ado", True),
     ("Zn", False), ("K", False),  # a letter or two: the validator's to read
     ("ARG", False), ("CsA", False), ("tPA", False), ("Argi", False), ("Arginine", False)],
)
def test_lexicon_build_three_letter_symbols(name: str, symbol: bool) -> None:
    assert build.is_symbol(name) is symbol


def test_lexicon_build_drops_an_amino_acids_code_not_the_drug(tmp_path: Path) -> None:
    # "Val will call back about the Arg results" verified Arg as arginine
    sources = _copied_sources(tmp_path)
    with (sources / "drugbank_open_vocabulary.csv").open("a", encoding="utf-8") as fh:
        fh.write('DB00125,"",Arginine,74-79-3,94ZLA3W45F,Arg | R,\n')
    counts = build.Counts()
    generics = build.read_drugbank(sources, counts)["DB00125"].generics
    assert set(generics) == {build.key("Arginine"), build.key("R")}
    assert counts.dropped[("drugbank synonyms", "a three-letter symbol (Arg, Leu)")] == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("GLUCOPHAGE XR", "Glucophage XR"), ("RIOMET ER", "Riomet ER"), ("Zestril", "Zestril")],
)
def test_lexicon_build_brand_case(name: str, expected: str) -> None:
    assert build.brand_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Vitamin B12", "Vitamin B12"), ("VITAMIN K2", "Vitamin K2"), ("Vitamin D-3", "Vitamin D-3"),
     ("CoQ10", "CoQ10"), ("Coenzyme Q-10", "Coenzyme Q-10"), ("Omega-3", "Omega-3"),
     ("Omega-3 fatty acid", "Omega-3 fatty acid"),
     ("NS-218", None), ("Vitamin B12 NOS", None), ("3-hydroxy-vitamin D", None)],
)
def test_lexicon_build_keeps_nutrient_names_with_digits(name: str, expected: str | None) -> None:
    # clean_name drops any synonym with digits (codes, chemistry); people write these
    assert build.clean_name(name) is None
    assert build.nutrient_name(name) == expected


def test_lexicon_build_the_shipped_lexicon_knows_vitamins_by_number() -> None:
    drugs = load_lexicon("drugs")
    for term, canonical in [("Vitamin B12", "cyanocobalamin"), ("vitamin d3", "cholecalciferol"),
                            ("Vitamin B6", "pyridoxine"), ("CoQ10", "ubidecarenone"),
                            ("Omega-3", "omega-3 fatty acids"),
                            # named without digits, still there beside the numbered names
                            ("Vitamin H", "biotin"), ("Vitamin Bc", "folic acid")]:
        assert drugs.get(term)[0].canonical == canonical, term


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("build") / "drugs.tsv"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert build.main([str(SOURCES), "--out", str(out), "--combinations",
                           str(SOURCES / "combination_brands.txt")]) == 0
    return out, printed.getvalue()


@pytest.fixture(scope="module")
def mini(built: tuple[Path, str]) -> Lexicon:
    return load_lexicon(built[0])


def test_lexicon_build_output_is_a_clean_lexicon(built: tuple[Path, str]) -> None:
    report = check_lexicon(built[0])
    assert report.ok
    assert report.merged_duplicates == 0
    assert set(report.kinds) == {"generic", "brand", "abbreviation"}
    assert built[0].read_text(encoding="utf-8").startswith("# drugs lexicon")


def test_lexicon_build_prints_counts_per_source(built: tuple[Path, str]) -> None:
    printed = built[1]
    assert "drugbank: read 23, kept 20, dropped 3" in printed
    assert "2  an everyday word of another language" in printed  # Chlor, Kalium
    assert "1  common name is a research code or chemistry, and no brand" in printed
    # its synonym (kept as a name, then dropped with it) is counted dropped, not kept
    assert "1  of a substance dropped as a research code" in printed
    assert "medlineplus: read 9, kept 8, dropped 1" in printed
    assert "curated combinations: read 1, kept 1, dropped 0" in printed
    assert "substance does not join to DrugBank" in printed
    assert "unii display names: read 2, kept 1, dropped 1" in printed
    for source in ("drugbank synonyms", "unii of", "unii bn", "unii display names"):
        line = next(ln for ln in printed.splitlines() if ln.startswith(f"{source}: "))
        read, kept, dropped = (int(part.split()[-1]) for part in line.split(": ")[1].split(", "))
        assert read == kept + dropped


@pytest.mark.parametrize(
    ("term", "canonical", "kind"),
    [
        ("Metformin", "metformin", "generic"),
        ("metformin hydrochloride", "metformin", "generic"),
        ("Glucophage", "metformin", "brand"),  # UNII brand of the salt, joined by name
        ("Glumetza", "metformin", "brand"),  # MedlinePlus brand
        ("Lipitor", "atorvastatin", "brand"),
        ("Aspirin", "aspirin", "generic"),  # MedlinePlus name over "Acetylsalicylic acid"
        ("Acetylsalicylic acid", "aspirin", "generic"),
        ("valacyclovir", "valacyclovir", "generic"),  # US name a letter from the INN
        ("Valaciclovir", "valacyclovir", "generic"),
        ("HCTZ", "hydrochlorothiazide", "abbreviation"),
        ("Triumeq", "abacavir / dolutegravir / lamivudine", "brand"),  # MedlinePlus
        ("Augmentin", "amoxicillin / clavulanic acid", "brand"),  # UNII component rows
        ("Epzicom", "abacavir / lamivudine", "brand"),  # the project's curated list
        # a name with a code in it, kept for the brand said for it
        ("Cinryze", "human c1-esterase inhibitor", "brand"),
        ("Human C1-esterase inhibitor", "human c1-esterase inhibitor", "generic"),
        # the salt form a brand row names, which no official-name row spells
        ("morphine sulfate", "morphine", "generic"),
        ("Avinza", "morphine", "brand"),
        # a synonym no other language knows better
        ("Secretin", "secretin human", "generic"),
    ],
)
def test_lexicon_build_entries(mini: Lexicon, term: str, canonical: str, kind: str) -> None:
    best = mini.get(term)[0]
    assert (best.canonical, best.kind) == (canonical, kind)


@pytest.mark.parametrize(
    "term",
    [
        "Metformina",
        "Metforminum",
        "Cetuximabum",
        "Cétuximab",
        "TU-514",
        "NS-218",
        "Hidroclorotiazida",
        "E1v1.11",  # a research code no brand is said for
        "Exonimer",  # its synonym
        "Chlor",  # a German word
        "Kalium",
    ],
)
def test_lexicon_build_drops_foreign_spellings_and_codes(mini: Lexicon, term: str) -> None:
    assert term not in mini


def test_lexicon_build_a_salt_form_named_by_brand_rows_changes_no_canonical(
        mini: Lexicon) -> None:
    # "MORPHINE SULFATE" is a generic variant of morphine; its canonical stays morphine,
    # and a hydrate ("ATORVASTATIN CALCIUM TRIHYDRATE", Lipitor's substance) is no name
    assert {e.canonical for e in mini.get("morphine")} == {"morphine"}
    assert mini.get("morphine sulfate")[0].prior < mini.get("morphine")[0].prior
    assert "atorvastatin calcium trihydrate" not in mini


def test_lexicon_build_prior_orders_and_caps(mini: Lexicon) -> None:
    assert mini.get("metformin")[0].prior > mini.get("cetuximab")[0].prior
    assert mini.get("lisinopril")[0].prior > mini.get("lepirudin")[0].prior
    assert mini.get("Today")[0].prior == build.ORDINARY_WORD_PRIOR
    assert mini.get("Glumetza")[0].prior > mini.get("Benofomin")[0].prior  # MedlinePlus brand
    assert dict(mini.get("Glucophage")[0].ids)["unii"] == "786Z46389E"


def test_lexicon_build_stops_on_a_curated_brand_that_does_not_join(tmp_path: Path) -> None:
    curated = tmp_path / "combination_brands.txt"
    curated.write_text("# comment\nEpzicom\tabacavir / lamivudine\n"
                       "Madeupicet\tabacavir / notadrugatall\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"combination_brands.txt:3: .*Madeupicet"):
        build.main([str(SOURCES), "--out", str(tmp_path / "drugs.tsv"),
                    "--combinations", str(curated)])


def _curated_build(tmp_path: Path, line: str) -> tuple[Lexicon, str]:
    curated = tmp_path / "combination_brands.txt"
    curated.write_text(line + "\n", encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        build.main([str(SOURCES), "--out", str(tmp_path / "drugs.tsv"),
                    "--combinations", str(curated)])
    return load_lexicon(tmp_path / "drugs.tsv"), printed.getvalue()


def test_lexicon_build_a_curated_brand_replaces_the_sources_rows_of_its_name(
        tmp_path: Path, mini: Lexicon) -> None:
    # the sources give some brands one component only ("Neosporin" as hydrocortisone):
    # the curated line is the whole truth about its brand's name
    assert {e.canonical for e in mini.get("Glucophage")} == {"metformin"}
    lexicon, printed = _curated_build(tmp_path, "Glucophage\tmetformin / abacavir")
    assert [(e.canonical, e.kind) for e in lexicon.get("Glucophage")] == [
        ("abacavir / metformin", "brand")]
    assert "source rows replaced by a curated brand's line" in printed
    assert lexicon.get("metformin")[0].canonical == "metformin"  # the generic is untouched


def test_lexicon_build_a_curated_line_may_make_an_abbreviation(
        tmp_path: Path, mini: Lexicon) -> None:
    lexicon, _ = _curated_build(tmp_path, "Abac\tabacavir\tabbreviation")
    (entry,) = lexicon.get("Abac")
    assert (entry.canonical, entry.kind) == ("abacavir", "abbreviation")
    assert entry.prior == pytest.approx(mini.get("abacavir")[0].prior * 0.5, abs=0.001)
    with pytest.raises(SystemExit, match=r"combination_brands.txt:1: .*kind"):
        _curated_build(tmp_path, "Abac\tabacavir\tnickname")


def test_lexicon_build_a_stereo_prefix_is_no_aside_of_a_name() -> None:
    # MedlinePlus lists "(R)-Salbutamol" as a brand of levalbuterol: without its "(R)" it
    # was the brand "-Salbutamol", that is salbutamol (albuterol) written
    assert build.strip_forms("Fluticasone Nasal Spray (Flonase)") == "Fluticasone"
    assert build.clean_name(build.strip_forms("(R)-Salbutamol")) is None


def test_lexicon_build_a_curated_line_may_make_another_generic_name(
        tmp_path: Path, mini: Lexicon) -> None:
    # a British name the sources lack ("Co-amoxiclav", "Glyceryl trinitrate")
    lexicon, _ = _curated_build(tmp_path, "Abacavirum Britannicum\tabacavir\tgeneric")
    (entry,) = lexicon.get("Abacavirum Britannicum")
    assert (entry.canonical, entry.kind) == ("abacavir", "generic")
    assert entry.prior == pytest.approx(mini.get("abacavir")[0].prior * 0.5, abs=0.001)


def test_lexicon_build_a_curated_brand_the_sources_agree_on_keeps_their_ids(
        tmp_path: Path, mini: Lexicon) -> None:
    lexicon, printed = _curated_build(tmp_path, "Triumeq\tabacavir / dolutegravir / lamivudine")
    assert lexicon.get("Triumeq") == mini.get("Triumeq")  # MedlinePlus's row, its ids kept
    assert "replaced" not in printed


def test_lexicon_build_the_shipped_curated_brands_are_in_the_shipped_lexicon() -> None:
    # lexicons/build.py was run after the curated list last changed; each curated brand
    # names its combination and nothing else
    drugs = load_lexicon("drugs")
    lines = (Path(build.__file__).parent / "combination_brands.txt").read_text(
        encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]
    assert len(rows) == 172
    for brand, parts, *kind in rows:
        # one entry per line of the name (Gaviscon's two lines: two)
        entries = drugs.get(brand)
        assert len(entries) == sum(r[0] == brand for r in rows), brand
        assert any(e.kind == (kind or ["brand"])[0]
                   and len(e.canonical.split(" / ")) == len(parts.split(" / "))
                   for e in entries), brand
    # a short name prescribers write, no source's
    assert [(e.canonical, e.kind) for e in drugs.get("nitro")] == [
        ("nitroglycerin", "abbreviation")]
    assert [(e.canonical, e.kind) for e in drugs.get("amox clav")] == [
        ("amoxicillin / clavulanic acid", "abbreviation")]
    # potassium chloride's formula, not a brand of potassium (the ion)
    assert [e.canonical for e in drugs.get("KCl")] == ["potassium chloride"]
    # ... and its brands (and potassium gluconate's), which MedlinePlus lumps as the ion's
    for brand, salt in [("K-Dur", "chloride"), ("Klor-Con", "chloride"),
                        ("Klor-Con M", "chloride"), ("K-Lor", "chloride"),
                        ("Klotrix", "chloride"), ("Micro-K", "chloride"), ("Rum-K", "chloride"),
                        ("K-Tab", "chloride"), ("Urocit-K", "citrate"), ("Kaon", "gluconate"),
                        ("Glu-K", "gluconate")]:
        assert [e.canonical for e in drugs.get(brand)] == [f"potassium {salt}"], brand
    # British names
    assert [(e.canonical, e.kind) for e in drugs.get("Co-amoxiclav")] == [
        ("amoxicillin / clavulanic acid", "generic")]
    assert [e.canonical for e in drugs.get("Tazocin")] == ["piperacillin / tazobactam"]
    assert [(e.canonical, e.kind) for e in drugs.get("Co-tenidone")] == [
        ("atenolol / chlorthalidone", "generic")]
    assert [e.canonical for e in drugs.get("Adcal-D3")] == [
        "calcium carbonate / cholecalciferol"]
    # the British alginate and the American antacid of one brand
    assert sorted(e.canonical for e in drugs.get("Gaviscon")) == [
        "alginic acid / calcium carbonate / sodium bicarbonate",
        "aluminum hydroxide / magnesium carbonate"]
    assert drugs.get("Neosporin")[0].canonical == "bacitracin / neomycin / polymyxin b"
    assert drugs.get("Benicar HCT")[0].canonical == "hydrochlorothiazide / olmesartan"
    # from "Tylenol with Codeine": the brand alone is acetaminophen
    assert [e.canonical for e in drugs.get("Tylenol")] == ["acetaminophen"]
    # brands that no source names at all
    assert [e.canonical for e in drugs.get("Macrobid")] == ["nitrofurantoin"]
    assert [e.canonical for e in drugs.get("Trileptal")] == ["oxcarbazepine"]
