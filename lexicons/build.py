"""Build ``lexicons/drugs.tsv`` from the open drug-name sources.

Run by a developer when the sources change, not by the package or the tests::

    .venv/bin/python lexicons/build.py [SOURCE_DIR] [--out lexicons/drugs.tsv]

SOURCE_DIR (default ``../shared/lexicon-sources`` relative to the repository) holds
``drugbank_open_vocabulary.csv`` (DrugBank Open Vocabulary, CC0),
``fda_unii_names.tsv`` (FDA UNII names, public domain) and
``medlineplus_generic_brand.csv`` (MedlinePlus generic and brand names). The rules and
the prior formula are described in ``lexicons/README.md``; the counts it prints go there.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from uncertain.lexicon import normalize_term  # noqa: E402

DEFAULT_SOURCES = REPO.parent / "shared" / "lexicon-sources"
DEFAULT_OUT = REPO / "lexicons" / "drugs.tsv"
#: brands of combination products the sources lack, curated by the project
CURATED_COMBINATIONS = REPO / "lexicons" / "combination_brands.txt"
#: the kinds a curated line may give its name, and the share of its components' mean
#: prior it gets: a combination brand as MedlinePlus's, an abbreviation as the sources',
#: another generic name (a British one: "Co-amoxiclav") as the least of the sources'
CURATED_KINDS = {"brand": 0.85, "abbreviation": 0.5, "generic": 0.5}

#: A brand or abbreviation that is ordinary English at this zipf frequency or above
#: ("Today", "Prevail", "Focus") keeps its entry but gets at most ORDINARY_WORD_PRIOR.
ORDINARY_WORD_ZIPF = 3.5
ORDINARY_WORD_PRIOR = 0.01

MAX_WORDS = 4
MAX_CHARS = 40

SALTS = set(
    """
    acetate anhydrous besilate besylate bitartrate bromide butyrate calcium camsylate
    carbonate chloride citrate decanoate diacetate dihydrate dihydrochloride dimesylate
    dipropionate disodium edisylate enanthate erbumine esylate fumarate furoate gluconate
    hcl hemifumarate hemihydrate hemisulfate heptahydrate hexahydrate hyclate hydrate
    hydrobromide hydrochloride iodide isethionate lactate lysine magnesium malate maleate
    meglumine mesylate monohydrate monosodium napsylate nitrate oxalate pamoate pentahydrate
    phosphate potassium propionate sesquihydrate sodium stearate succinate sulfate sulphate
    tartrate tetrahydrate tosylate trihydrate trometamol tromethamine valerate xinafoate
    """.split()
)
# a salt's other half: "ammonium lactate" is not "ammonium" (lithium is not among them:
# its salts are prescribed by its name, "lithium 300 mg")
CATIONS = set(
    """
    aluminium aluminum ammonium barium bismuth cesium chromic chromium cobalt copper cupric
    ferric ferrous gold iron manganese mercuric mercurous silver stannous strontium
    zinc
    """.split()
)
FORM_WORDS = set(
    """
    buccal capsule capsules chewable cream delayed drops emulsion enema extended film foam
    gel implant
    inhalation injectable injection intrauterine kit liquid lotion lozenge nasal ointment
    ophthalmic oral otic patch powder rectal release shampoo solution spray sublingual
    suppositories suppository supprettes suspension syrup system tablet tablets topical
    transdermal vaginal
    """.split()
)
ABBREVIATION = re.compile(r"^(\d-)?[A-Z]{2,6}$")
RESEARCH_CODE = re.compile(r"\b[A-Za-z]{1,6}[- ]?\d{2,}")
#: names with digits people write as they are: vitamins, coenzyme Q10, omega-3
NUTRIENT = re.compile(
    r"(?i)^(vitamin [a-k]-?\d{0,2}|coenzyme q-?10|coq10|omega-3( fatty acids?)?)$")
CHEMISTRY = re.compile(r"[()\[\]{},;:+=±α-ωΑ-Ω<>/\\*'\"]|\d-|-\d|^\d|\b[nNoOpPmMsSrRdDlL]-|yl\b|\.")
#: in a name with digits (DrugBank's common names may have them: "interferon alfa-2b",
#: "omega-3 fatty acids", "nonoxynol-9"), what is still a research code or a
#: metabolite's chemistry: letters and digits run together in one word ("bv2", "e1v1.11",
#: "hu3s193", "c1a") past a Greek letter's own suffix ("alfa-2b", "beta-1a", "alfa-n1");
#: a short code of letters and numbers ("aag-1", "tl-3-093", "mgb-bp-3"); a number
#: standing alone ("compound 18", "dextran 1", "reactive red 1 dye"); chemistry's locants,
#: primes and stereo prefixes ("glucose 6-phosphate", "cytidine 5'-monophosphate",
#: "indole-3-carbinol", "alpha-d-glucose", "angiotensin 1-7"), but not "alpha-1-" or
#: "omega-3-" ("alpha-1-proteinase inhibitor", "omega-3-acid ethyl esters")
GREEK_SUFFIX = re.compile(
    r"(?i)\b(alfa|alpha|beta|gamma|lambda|omega|delta|kappa)-[a-z]?\d+[a-z]?\b")
DIGIT_NOISE = re.compile(
    r"(?i)[a-z]\d|\d[a-z]"  # (tested after GREEK_SUFFIX's matches are taken out)
    r"|^[a-z]{1,5}(-[a-z]{1,5})*(-\d+[a-z]?)+$"
    r"|(^|\s)\d+(\.\d+)?(\s|$)"
    r"|'|(^|[\s-])\d+-[a-z]|\b\d+-\d+\b|(^|[\s-])(d|l|sn|n|o)-"
    r"|(?<!alpha)(?<!omega)-\d+-[a-z]")
#: the words of a biologic's source or making that DrugBank writes in brackets after its
#: common name ("Factor IX Complex (Human)", "Digoxin Immune Fab (Ovine)", "Coagulation
#: Factor IX (Recombinant)"), as the USP names biologics: a closed class, the species a
#: product is taken from and the ways it is made. Such an aside is no chemistry, and
#: without it the name is what prescribers write (the brackets dropped the whole drug:
#: Kcentra, a brand of the factor IX complex, joined to nothing)
ORIGIN_WORDS = frozenset(
    """
    human recombinant ovine bovine porcine equine horse rabbit murine activated plasma
    derived
    """.split()
)
ORIGIN_ASIDE = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")
LATIN = re.compile(r"(?<!i)um$")
SPACES = re.compile(r"\s+")
UPPER_TOKENS = set(
    """
    am cd cr dr ds ec er ez hct hfa hp ii iii ir iv la mdi odt pm sr ss xl xr xt
    """.split()
)


def key(text: str) -> str:
    """Matching key: the loader's own normalisation, so merges here match merges there."""
    return normalize_term(text)


def strip_salt(name: str) -> str:
    """``metformin hydrochloride`` -> ``metformin``; ``sodium chloride`` and
    ``ammonium lactate`` stay whole."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in SALTS:
        words.pop()
    if all(word.lower() in SALTS for word in words) or (
        len(words) == 1 and words[0].lower() in CATIONS
    ):
        return name
    return " ".join(words)


def split_generic(name: str) -> list[str]:
    """``Abacavir, Dolutegravir, and Lamivudine`` -> its three components."""
    return [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|/", name) if p.strip()]


def us_names(folder: Path) -> set[str]:
    """Keys of the names US sources use (UNII official names, MedlinePlus page names, with
    and without salt): never dropped as foreign spellings (``valacyclovir``, ``clomiphene``
    are US names a letter away from the INN ``valaciclovir``, ``clomifene``)."""
    names: set[str] = set()
    with (folder / "fda_unii_names.tsv").open(encoding="utf-8", newline="") as fh:
        for name, kind, *_ in csv.reader(fh, delimiter="\t"):
            if kind == "of":
                names.add(key(name))
                names.add(key(strip_salt(name)))
    with (folder / "medlineplus_generic_brand.csv").open(encoding="utf-8", newline="") as fh:
        for page in csv.DictReader(fh):
            for part in split_generic(strip_forms(page["Common name"])):
                names.add(key(part))
                names.add(key(strip_salt(part)))
    names.discard("")
    return names


def english_names(folder: Path) -> set[str]:
    """Keys of the names a US source gives a substance or a product: the UNII preferred
    (display) names and MedlinePlus brands. Never dropped as a foreign word: a name an
    English source prints is said in English."""
    names: set[str] = set()
    with (folder / "fda_unii_names.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for _name, _kind, _unii, display in reader:
            names.add(key(display))
    with (folder / "medlineplus_generic_brand.csv").open(encoding="utf-8", newline="") as fh:
        for page in csv.DictReader(fh):
            names.update(key(strip_forms(brand)) for brand in page["Synonyms"].split("|"))
    names.discard("")
    return names


def strip_forms(name: str) -> str:
    """``Fluticasone Nasal Spray`` -> ``Fluticasone``; drops parenthesised asides, not a
    stereo prefix written onto a name (``(R)-Salbutamol``: chemistry, no ``-Salbutamol``)."""
    name = re.sub(r"\([^)]*\)(?![-\w])", " ", name)
    words = name.split()
    while len(words) > 1 and words[-1].lower() in FORM_WORDS:
        words.pop()
    return " ".join(words)


def clean_name(name: str, *, allow_digits: bool = False) -> str | None:
    """A name as people write it, or None for chemistry, codes, foreign spellings, noise."""
    name = SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if not name or len(name) > MAX_CHARS or len(name.split()) > MAX_WORDS:
        return None
    if not name.isascii() or RESEARCH_CODE.search(name):
        return None
    if any(c.isdigit() for c in name) and not allow_digits:
        return None
    if CHEMISTRY.search(name) and not allow_digits:
        return None
    if allow_digits and re.search(r"[()\[\]{},;:+=±]|^\d", name):
        return None
    if any(len(word) > 25 for word in name.split()):
        return None
    return name


def origin_stripped(name: str) -> str | None:
    """``Factor IX Complex (Human)`` -> ``Factor IX Complex``: a common name without its
    bracketed aside of :data:`ORIGIN_WORDS`, or None when it has none."""
    match = ORIGIN_ASIDE.match(SPACES.sub(" ", name).strip())
    if match is None:
        return None
    words = re.split(r"[\s,;]+", match.group(2).strip().lower())
    if not words or not all(w in ORIGIN_WORDS for w in words):
        return None
    return match.group(1)


def coded(name: str) -> bool:
    """Whether a name with digits is a research code or chemistry (:data:`DIGIT_NOISE`):
    a DrugBank substance so named is kept only if a brand or a nutrient's name is said for
    it (``human c1-esterase inhibitor``: Cinryze, Berinert; ``menaquinone 6``: Vitamin K2)."""
    return any(c.isdigit() for c in name) and bool(DIGIT_NOISE.search(GREEK_SUFFIX.sub("", name)))


def nutrient_name(name: str) -> str | None:
    """``Vitamin B12``, ``VITAMIN K2``, ``CoQ10``, ``Omega-3``: a nutrient's name with
    digits, which :func:`clean_name` takes for a code or chemistry (vitamin letters in
    upper case)."""
    name = SPACES.sub(" ", name).strip()
    if not NUTRIENT.match(name):
        return None
    if name.lower().startswith("vitamin "):
        return "Vitamin " + name[8:].upper()
    return name


def is_foreign_variant(name: str, english: list[str]) -> bool:
    """Latin ``-um`` forms and near spellings (``Metformina``, ``Dornasa alfa``) of a kept
    English name: fuzzy matching reaches the English name from them anyway."""
    low = name.lower()
    for word in low.split():
        if LATIN.search(word) and len(word) > 5 and zipf_frequency(word, "en") < 1.0:
            return True
    for other in english:
        other = other.lower()
        if low != other and low[:4] == other[:4] and Levenshtein.distance(low, other) <= 2:
            return True
    return False


OTHER_LANGUAGES = ("de", "fr", "es", "it", "pt", "pl", "cs", "nl", "sv", "fi", "hu", "ro", "tr")
OTHER_LANGUAGE_ZIPF = 1.5


def is_other_language(name: str) -> bool:
    """A word unknown to English that another language knows (``Harnstoff``, ``acido``,
    ``Metadona``): a foreign synonym, not something said in an English transcript."""
    for word in name.lower().split():
        if zipf_frequency(word, "en") == 0 and any(
            zipf_frequency(word, lang) >= OTHER_LANGUAGE_ZIPF for lang in OTHER_LANGUAGES
        ):
            return True
    return False


#: the languages whose everyday words DrugBank gives as synonyms (``Kupfer``, ``Hierro``,
#: ``cuivre``, ``Eisen``), and whose wordfreq lists are large enough to tell a word known
#: there from a drug name that happens to be a word somewhere (the other languages of
#: OTHER_LANGUAGES know ``Acerola``, ``Caju``, ``Safra`` too)
FOREIGN_WORD_LANGUAGES = ("de", "es", "fr", "it", "nl")
#: a foreign word is known in one of them at this zipf or above, at least
#: FOREIGN_WORD_MARGIN above English, which knows it below FOREIGN_WORD_ENGLISH
FOREIGN_WORD_ZIPF = 2.5
FOREIGN_WORD_MARGIN = 1.0
FOREIGN_WORD_ENGLISH = 2.5


def is_foreign_word(name: str) -> bool:
    """One everyday word of another language that English knows only in passing (a name,
    a loan): ``Chlor`` (German, zipf 3.34; English 1.63), ``Kalium``, ``Hierro``,
    ``Selen``. :func:`is_other_language` misses them, as English knows them; said in an
    English transcript ("chlor ride", potassium chloride heard) they are no drug's name.
    A word written as an abbreviation (``BuChE``, ``MoCo``) is none, nor a word English
    knows as well (``Cacao``), or no other language (``Secretin``)."""
    if " " in name or not name.isalpha() or not name[1:].islower():
        return False
    word = name.lower()
    english = zipf_frequency(word, "en")
    foreign = max(zipf_frequency(word, lang) for lang in FOREIGN_WORD_LANGUAGES)
    return (english < FOREIGN_WORD_ENGLISH and foreign >= FOREIGN_WORD_ZIPF
            and foreign - english >= FOREIGN_WORD_MARGIN)


#: a synonym written as a symbol of three letters, a capital and two lower-case ones: an
#: amino acid's or a nucleoside's code (``Arg``, ``Leu``, ``Glu``, ``Ado``) or a clipped
#: name (``Dex``, ``Zol``)
SYMBOL = re.compile(r"[A-Z][a-z]{2}")


def is_symbol(name: str) -> bool:
    """A synonym that is a three-letter symbol (:data:`SYMBOL`): biochemistry's notation,
    no prescriber's word, which names a person or another thing in a note ("Val will
    call back about the Arg results", "Glu 110 this morning": glucose) and was verified
    as the amino acid. Shorter symbols (``Zn``, ``K``) are the validator's to read: it
    takes a name of a letter or two for the drug only in its own case or before a dose."""
    return bool(SYMBOL.fullmatch(name))


#: the last word of a name for a substance's ion ("Magnesium ion", "Chlorine anion")
ION_WORDS = frozenset({"ion", "ions", "cation", "cations", "anion", "anions"})


def is_ion_name(name: str) -> bool:
    """A synonym naming a substance as an ion (``Magnesium ion``, ``Potassium ion``,
    ``Chlorine anion``, ``Kalium-Ion``): chemistry, which no prescriber says, and which
    a transcript's "magnesium on Friday" heard in doubt came near (flagged, "Magnesium
    ion" first). The drug is named otherwise (``magnesium``; the ion's own entry keeps
    its common name, ``Magnesium cation``)."""
    words = re.split(r"[\s-]+", name.strip())
    return len(words) > 1 and words[-1].lower() in ION_WORDS


def is_antigen_name(name: str) -> bool:
    """A synonym naming a vaccine by its antigen (``Hepatitis B surface antigen``,
    ``Bacillus anthracis inactivated antigen``): what a laboratory measures ("HBsAg
    negative"), no product a prescriber gives, at the vaccine's prior, which a scan's
    "hotirs befote" (hours before) came near. The vaccine keeps its other names."""
    words = re.split(r"[\s-]+", name.strip())
    return len(words) > 1 and words[-1].lower() in ("antigen", "antigens")


def antigen_abbreviations(names: Iterable[str]) -> set[str]:
    """The abbreviations that the antigen names among ``names`` (:func:`is_antigen_name`)
    are written as, the initials of the words before "antigen" and "AG" (``Hepatitis B
    surface antigen``: ``HBSAG``, a lab's "HBsAg negative"): dropped as the names are."""
    out = set()
    for name in names:
        if is_antigen_name(name):
            words = [w for w in re.split(r"[\s-]+", name.strip()) if w][:-1]
            out.add("".join(w[0] for w in words).upper() + "AG")
    return out


def brand_case(name: str) -> str:
    """``GLUCOPHAGE XR`` -> ``Glucophage XR``."""
    if not name.isupper():
        return name
    words = []
    for word in name.split():
        words.append(word if word.lower() in UPPER_TOKENS else word.capitalize())
    return " ".join(words)


Row = tuple[str, str, str, float, str]


@dataclass
class Drug:
    """One DrugBank substance and every name collected for it."""

    dbid: str
    name: str
    unii: str
    canonical: str = ""
    generics: dict[str, str] = field(default_factory=dict)  # key -> surface
    # key -> (surface, unii, from MedlinePlus)
    brands: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    uniis: set[str] = field(default_factory=set)
    medline: list[str] = field(default_factory=list)
    medline_names: list[str] = field(default_factory=list)
    medline_combo: list[str] = field(default_factory=list)
    synonyms_kept: int = 0  # counted in "drugbank synonyms" kept
    #: key -> surface: its salt forms as UNII rows name their substance (see _salt_forms)
    salt_forms: dict[str, str] = field(default_factory=dict)


class Counts:
    """Rows read, kept and dropped per source, with the reasons."""

    def __init__(self) -> None:
        self.read: Counter[str] = Counter()
        self.kept: Counter[str] = Counter()
        self.dropped: Counter[tuple[str, str]] = Counter()
        self.replaced = 0  # source rows of a brand the curated list names

    def drop(self, source: str, reason: str) -> None:
        self.dropped[(source, reason)] += 1


def read_drugbank(folder: Path, counts: Counts) -> dict[str, Drug]:
    """DrugBank drugs with a usable common name, their English synonyms and abbreviations,
    and the common name without its salt (``levothyroxine sodium`` -> ``levothyroxine``)."""
    drugs: dict[str, Drug] = {}
    us = us_names(folder)
    named = english_names(folder)
    with (folder / "drugbank_open_vocabulary.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # a name without its source's aside is the drug's when no other drug's common name is
    # it and no other common name strips to it ("Hyaluronidase (ovine)" and "Hyaluronidase
    # (human recombinant)" are two drugs: neither is "Hyaluronidase")
    common = Counter(key(row["Common name"]) for row in rows)
    stripped = {row["DrugBank ID"]: base for row in rows
                if clean_name(row["Common name"], allow_digits=True) is None
                and (base := origin_stripped(row["Common name"])) is not None}
    for base in stripped.values():
        common[key(base)] += 1
    for row in rows:
        counts.read["drugbank"] += 1
        name = clean_name(row["Common name"], allow_digits=True)
        base = stripped.get(row["DrugBank ID"])
        if name is None and base is not None and common[key(base)] == 1:
            name = clean_name(base, allow_digits=True)
        if name is None:
            counts.drop("drugbank", "common name is chemistry, a code or noise")
            continue
        counts.kept["drugbank"] += 1
        drug = Drug(row["DrugBank ID"], name, row["UNII"].strip())
        drug.generics[key(name)] = name
        if drug.unii:
            drug.uniis.add(drug.unii)
        synonyms = [s.strip() for s in row["Synonyms"].split(" | ") if s.strip()]
        nutrients: list[str] = []
        antigens = antigen_abbreviations(synonyms)
        for synonym in synonyms:
            counts.read["drugbank synonyms"] += 1
            if ABBREVIATION.match(synonym) and synonym.upper() in antigens:
                counts.drop("drugbank synonyms", "the abbreviation of an antigen (HBsAg)")
                continue
            if ABBREVIATION.match(synonym) and key(synonym) != key(name):
                drug.abbreviations[key(synonym)] = synonym
                counts.kept["drugbank synonyms"] += 1
                drug.synonyms_kept += 1
                continue
            cleaned = clean_name(synonym)
            if cleaned is None and (nutrient := nutrient_name(synonym)):
                nutrients.append(nutrient)  # added after the others: see below
            elif cleaned is None:
                counts.drop("drugbank synonyms", "chemistry, code, accents or noise")
            elif key(cleaned) in drug.generics:
                counts.drop("drugbank synonyms", "same as a kept name")
            elif key(cleaned) in us:
                drug.generics[key(cleaned)] = cleaned
                counts.kept["drugbank synonyms"] += 1
                drug.synonyms_kept += 1
            elif is_ion_name(cleaned):
                counts.drop("drugbank synonyms", "the name of an ion (chemistry)")
            elif is_antigen_name(cleaned):
                counts.drop("drugbank synonyms", "the name of an antigen (a lab's analyte)")
            elif is_foreign_variant(cleaned, list(drug.generics.values())):
                counts.drop("drugbank synonyms", "foreign or Latin spelling of a kept name")
            elif is_other_language(cleaned):
                counts.drop("drugbank synonyms", "a word of another language")
            elif key(cleaned) not in named and is_foreign_word(cleaned):
                counts.drop("drugbank synonyms", "an everyday word of another language")
            elif key(cleaned) not in named and is_symbol(cleaned):
                counts.drop("drugbank synonyms", "a three-letter symbol (Arg, Leu)")
            else:
                drug.generics[key(cleaned)] = cleaned
                counts.kept["drugbank synonyms"] += 1
                drug.synonyms_kept += 1
        # after the other names, so that "Vitamin B9" does not make "Vitamin Bc" a
        # near spelling of a kept name, nor "Vitamin D-3" "Vitamin D3"
        for nutrient in nutrients:
            if key(nutrient) in drug.generics:
                counts.drop("drugbank synonyms", "same as a kept name")
            else:
                drug.generics[key(nutrient)] = nutrient
                counts.kept["drugbank synonyms"] += 1
                drug.synonyms_kept += 1
        drugs[drug.dbid] = drug
    taken = {k for d in drugs.values() for k in d.generics}
    for drug in drugs.values():
        base = strip_salt(drug.name)
        if base != drug.name and key(base) not in taken:
            drug.generics[key(base)] = base.lower()
        analogue = insulin_analogue(drug.name)
        if analogue and key(analogue) not in taken:
            drug.generics[key(analogue)] = analogue
    return drugs


#: an insulin's common name is the class word and the analogue's ("Insulin lispro"):
#: prescribers write the analogue's word alone ("lispro 4 units", "glargine 20 units"),
#: as the sources list two of them (Aspart, Detemir) and no other ("Degludec 30 units"
#: was near teduglutide); an English word there is the insulin's source ("Insulin
#: human", "Insulin pork"), no name of its own
INSULIN = re.compile(r"(?i)^insulin ([a-z]+)$")


def insulin_analogue(name: str) -> str | None:
    """``Insulin lispro`` -> ``lispro``; None for another name or an English word."""
    match = INSULIN.match(name.strip())
    if match is None or zipf_frequency(match.group(1), "en") >= ORDINARY_WORD_ZIPF:
        return None
    return match.group(1).lower()


def drop_coded(drugs: dict[str, Drug], combos: list[Combo], counts: Counts) -> None:
    """Drop the substances whose DrugBank name is :func:`coded` and that no brand (of
    their own or of a product they are in) or nutrient's name makes something people say
    (run after the brands are joined)."""
    branded = {dbid for combo in combos for dbid in combo.dbids}
    for dbid in [d.dbid for d in drugs.values() if coded(d.name)]:
        drug = drugs[dbid]
        if (drug.brands or dbid in branded
                or any(NUTRIENT.match(g) for g in drug.generics.values())):
            continue
        del drugs[dbid]
        counts.kept["drugbank"] -= 1
        counts.drop("drugbank", "common name is a research code or chemistry, and no brand")
        counts.kept["drugbank synonyms"] -= drug.synonyms_kept
        counts.dropped[("drugbank synonyms", "of a substance dropped as a research code")] \
            += drug.synonyms_kept


def name_index(drugs: dict[str, Drug]) -> dict[str, str]:
    """Normalised name -> DrugBank id, common names first, ambiguous synonyms left out."""
    index = {key(d.name): d.dbid for d in drugs.values()}
    owners: dict[str, set[str]] = defaultdict(set)
    for drug in drugs.values():
        for k in drug.generics:
            owners[k].add(drug.dbid)
    for k, ids in owners.items():
        if k not in index and len(ids) == 1:
            index[k] = next(iter(ids))
    return index


@dataclass
class Combo:
    """A brand of a combination product: its components and where it comes from."""

    brand: str
    dbids: list[str]
    ids: list[tuple[str, str]]
    weight: float  # times the mean prior of the components
    curated: bool = False  # the project's own line: it replaces the sources' rows of its brand
    kind: str = "brand"  # or, on a curated line, "abbreviation" (a short name: "Nitro") or
    # "generic" (another generic name: "Co-amoxiclav")


#: a word spelling "component": the sources' rows name a product's part as ``X COMPONENT Y``
#: and sometimes misspell the word (``COMPONENET``, ``CONPONENT``, ``COMPNENT``)
_WORD = re.compile(r"[A-Za-z]+")


def _is_component_word(word: str) -> bool:
    """``COMPONENT`` and its misspellings: a word no English list knows that is at most two
    edits from it (``competent``, two edits away, is a word)."""
    word = word.lower()
    if word in ("component", "components"):
        return True
    return len(word) >= 7 and zipf_frequency(word, "en") == 0 and min(
        Levenshtein.distance(word, "component"), Levenshtein.distance(word, "components")) <= 2


def component_of(name: str) -> tuple[str, str] | None:
    """``AUGMENTIN COMPONENT AMOXICILLIN`` -> (``AUGMENTIN``, ``AMOXICILLIN``): a row naming
    one part of a product, however the word is spelled (``TUZISTRA COMPONENET OF
    CHLORPHENIRAMINE``), or the part left unnamed (``SOLESTA COMPONENT`` -> ``SOLESTA``,
    ``""``). None for any other name; the word must follow the product's name."""
    for match in _WORD.finditer(name):
        if match.start() and _is_component_word(match.group()):
            product = name[:match.start()].strip()
            rest = name[match.end():].strip()
            if rest.upper().startswith("OF "):
                rest = rest[3:].strip()
            return product, rest
    return None


def join_unii(folder: Path, drugs: dict[str, Drug], counts: Counts) -> list[Combo]:
    """Official names and brand names of every UNII that joins to a DrugBank drug:
    directly on the UNII column, or through its official name, salt stripped. Brands
    listed by component (``AUGMENTIN COMPONENT AMOXICILLIN``) become combinations when
    every component joins."""
    by_unii = {d.unii: d.dbid for d in drugs.values() if d.unii}
    index = name_index(drugs)
    rows: list[tuple[str, str, str, str]] = []
    with (folder / "fda_unii_names.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for name, kind, unii, display in reader:
            rows.append((name, kind, unii, display))
    for _name, _kind, unii, display in rows:
        if unii in by_unii:
            continue
        dbid = index.get(key(display)) or index.get(key(strip_salt(display)))
        if dbid is not None:
            by_unii[unii] = dbid
    components: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for name, kind, unii, _display in rows:
        part = component_of(name)
        if kind == "bn" and part is not None:
            components[part[0]].append((by_unii.get(unii), unii))
    combos: list[Combo] = []
    for brand, parts in components.items():
        cleaned = clean_name(strip_forms(brand))
        dbids = list(dict.fromkeys(dbid for dbid, _ in parts if dbid))
        if cleaned and len(dbids) > 1 and all(dbid for dbid, _ in parts):
            ids = [("drugbank", d) for d in dbids] + [("unii", u) for _, u in parts]
            combos.append(Combo(brand_case(cleaned), dbids, ids, 0.6))
    whole = {c.brand.upper() for c in combos}
    for name, kind, unii, display in rows:
        source = f"unii {kind}"
        counts.read[source] += 1
        if (part := component_of(name)) is not None:
            if part[0] in whole:
                counts.kept[source] += 1
            else:
                counts.drop(source, "component of a combination that does not join")
            continue
        dbid = by_unii.get(unii)
        if dbid is None:
            counts.drop(source, "substance does not join to DrugBank")
            continue
        drug = drugs[dbid]
        drug.uniis.add(unii)
        if kind == "of":
            cleaned = clean_name(name.lower())
            if cleaned is None:
                counts.drop(source, "chemistry, code or noise")
            elif key(cleaned) in drug.generics:
                counts.drop(source, "already known from DrugBank")
            elif key(strip_salt(cleaned)) in drug.generics or key(cleaned) == key(display):
                drug.generics[key(cleaned)] = cleaned
                counts.kept[source] += 1
            else:
                counts.drop(source, "official name of another form")
            continue
        if len(name.split()) > 1 and key(name.split()[0]) in {
            key(g.split()[0]) for g in drug.generics.values()
        }:
            counts.drop(source, "generic name with a maker's name")
            continue
        cleaned = clean_name(strip_forms(name))
        if cleaned is None:
            counts.drop(source, "chemistry, code or noise")
        elif key(cleaned) in drug.brands or key(cleaned) in drug.generics:
            counts.drop(source, "duplicate")
        elif is_foreign_variant(cleaned, list(drug.generics.values())):
            counts.drop(source, "foreign or Latin spelling of a generic name")
        else:
            drug.brands[key(cleaned)] = (brand_case(cleaned), unii, False)
            counts.kept[source] += 1
    _salt_forms(rows, by_unii, drugs, counts)
    return combos


#: the share of its drug's prior a salt form named only as a UNII substance gets
SALT_FORM_SHARE = 0.3
#: the words of a substance's name that say how it crystallised, not what is prescribed
_HYDRATES = re.compile(r"\b(?:\w*hydrate|anhydrous)\b")


def _salt_forms(rows: list[tuple[str, str, str, str]], by_unii: dict[str, str],
                drugs: dict[str, Drug], counts: Counts) -> None:
    """Keep the display name of each row's substance that is a salt form of its drug's
    generic name (``MORPHINE SULFATE``, which the brand rows of Arymo and Avinza name,
    where the file has no official-name row of its own): "Morphine sulfate 4 mg IV" is
    that salt form, not morphine and the sulfate ion. Kept apart from the generic names
    (the canonical and the brands were chosen without them); hydrates are left out."""
    source = "unii display names"
    seen: set[tuple[str, str]] = set()
    for name, _kind, unii, display in rows:
        dbid = by_unii.get(unii)
        if dbid is None or component_of(name) is not None or not display or (dbid, display) in seen:
            continue
        seen.add((dbid, display))
        drug = drugs[dbid]
        cleaned = clean_name(display.lower())
        if cleaned is None or key(cleaned) in drug.generics or key(cleaned) in drug.brands:
            continue
        counts.read[source] += 1
        base = key(strip_salt(cleaned))
        if _HYDRATES.search(cleaned):
            counts.drop(source, "a hydrate's name")
        elif base in drug.generics and base != key(cleaned):
            drug.salt_forms[key(cleaned)] = cleaned
            counts.kept[source] += 1
        else:
            counts.drop(source, "not a salt form of a generic name of its drug")


def join_medlineplus(folder: Path, drugs: dict[str, Drug], counts: Counts) -> list[Combo]:
    """Consumer pages: mark single drugs, add their brands; brands of combinations
    become entries whose canonical joins the components with `` / ``."""
    index = name_index(drugs)
    combos: list[Combo] = []
    unjoined: list[str] = []
    with (folder / "medlineplus_generic_brand.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            counts.read["medlineplus"] += 1
            page = row["Medline Plus ID"].strip()
            generic = strip_forms(row["Common name"])
            parts = split_generic(generic)
            found = [index.get(key(p)) or index.get(key(strip_salt(p))) for p in parts]
            brands = []
            for brand in row["Synonyms"].split("|"):
                cleaned = clean_name(strip_forms(brand))
                if cleaned and cleaned not in brands and key(cleaned) != key(generic):
                    brands.append(cleaned)
            ids = [dbid for dbid in found if dbid]
            if len(ids) < len(found):
                unjoined.append(generic)
                counts.drop("medlineplus", "a generic name does not join to DrugBank")
                continue
            counts.kept["medlineplus"] += 1
            if len(ids) == 1:
                drug = drugs[ids[0]]
                drug.medline.append(page)
                drug.medline_names.append(parts[0])
                for brand in brands:
                    if key(brand) not in drug.generics:
                        drug.brands[key(brand)] = (brand, "", True)
            else:
                for dbid in ids:
                    drugs[dbid].medline_combo.append(page)
                pairs = [("drugbank", d) for d in ids] + [("medlineplus", page)]
                combos += [Combo(brand, ids, pairs, 0.85) for brand in brands]
    if unjoined:
        print(f"medlineplus pages not joined ({len(unjoined)}): " + "; ".join(sorted(unjoined)))
    return combos


def join_curated(path: Path, drugs: dict[str, Drug], counts: Counts) -> list[Combo]:
    """The project's own list of combination brands the sources lack or get wrong
    (``brand<TAB>a / b`` per line, ``#`` comments; one component for a brand the sources
    also give a combination it is not): each becomes a brand like the sources' ones; a
    third column ``abbreviation`` makes the name an abbreviation of the drug instead, as
    prescribers shorten it ("Nitro": nitroglycerin), at half the drug's prior as the
    sources' abbreviations are, and ``generic`` another generic name of it, at half its
    prior as the least of the sources' other generic names are (a British name:
    "Co-amoxiclav", "Glyceryl trinitrate"). A component that does not join to DrugBank, or another
    kind, stops the build, naming the line."""
    index = name_index(drugs)
    combos: list[Combo] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        counts.read["curated combinations"] += 1
        brand, _, rest = line.partition("\t")
        parts, _, kind = rest.partition("\t")
        kind = kind.strip() or "brand"
        names = [p.strip() for p in parts.split(" / ") if p.strip()]
        ids = [index.get(key(n)) or index.get(key(strip_salt(n))) for n in names]
        if not names or not all(ids):
            raise SystemExit(f"{path}:{number}: {line!r}: needs components that join to "
                             "DrugBank")
        if kind not in CURATED_KINDS:
            raise SystemExit(f"{path}:{number}: {line!r}: the kind is one of "
                             + ", ".join(CURATED_KINDS))
        dbids = [d for d in ids if d]
        combos.append(Combo(brand.strip(), dbids, [("drugbank", d) for d in dbids],
                            CURATED_KINDS[kind], curated=True, kind=kind))
        counts.kept["curated combinations"] += 1
    return combos


def choose_canonical(drug: Drug) -> str:
    """The US generic name: DrugBank's common name unless it is the chemical name of a
    drug known by a shorter generic (``acetylsalicylic acid`` -> ``aspirin``): the
    MedlinePlus page name when its pages agree on one (DrugBank lumps some products, such
    as the botulinum toxins, that MedlinePlus keeps apart)."""
    names = {key(n) for n in drug.medline_names}
    if len(names) == 1 and next(iter(names)) in drug.generics:
        return drug.medline_names[0].lower()
    return drug.name.lower()


def zipf_score(name: str) -> float:
    return min(1.0, max(0.0, (zipf_frequency(name, "en") - 1.0) / 2.5))


def drug_prior(drug: Drug) -> float:
    """0.05 + 0.35 page + 0.15 brands + 0.45 zipf, the zipf part at 40% without a page
    (so "rice" or "water" do not pass for common drugs on word frequency alone)."""
    page = 0.35 if drug.medline else (0.2 if drug.medline_combo else 0.0)
    brands = 0.15 * min(1.0, len(drug.brands) / 5)
    words = 0.45 * zipf_score(drug.canonical) * (1.0 if page else 0.4)
    return round(min(1.0, 0.05 + page + brands + words), 3)


def variant_prior(prior: float, surface: str) -> float:
    """Another generic name of a drug: half its prior, up to all of it by its own zipf
    (a salt form is scored by its base name)."""
    return round(prior * (0.5 + 0.5 * zipf_score(strip_salt(surface))), 3)


def capped(term: str, prior: float) -> float:
    if zipf_frequency(term.lower(), "en") >= ORDINARY_WORD_ZIPF:
        return min(prior, ORDINARY_WORD_PRIOR)
    return prior


def ids_text(pairs: list[tuple[str, str]]) -> str:
    return ";".join(f"{k}:{v}" for k, v in pairs if v)


def rows_for(drugs: dict[str, Drug], combos: list[Combo], counts: Counts | None = None
             ) -> list[Row]:
    rows: list[Row] = []
    for drug in drugs.values():
        drug.canonical = choose_canonical(drug)
        prior = drug_prior(drug)
        base = [("drugbank", drug.dbid), ("unii", drug.unii)]
        base += [("medlineplus", page) for page in drug.medline]
        rows.append((drug.canonical, drug.canonical, "generic", prior, ids_text(base)))
        for surface in drug.generics.values():
            if key(surface) != key(drug.canonical):
                rows.append(
                    (
                        surface,
                        drug.canonical,
                        "generic",
                        variant_prior(prior, surface),
                        ids_text([("drugbank", drug.dbid)]),
                    )
                )
        for surface in drug.salt_forms.values():
            # a salt form only a product's label spells is matched where it is written
            # whole, seldom said: at a third of the drug's prior, it is verified where
            # written and no rival of the names speech is searched for ("aspirin lysine"
            # is no candidate for "as of for mice in", azithromycin)
            if key(surface) not in drug.generics and key(surface) != key(drug.canonical):
                rows.append((surface, drug.canonical, "generic",
                             round(prior * SALT_FORM_SHARE, 3),
                             ids_text([("drugbank", drug.dbid)])))
        for surface, unii, medline in drug.brands.values():
            # word frequency tells of a made-up brand word (Tylenol), not of one built
            # from English words (Uni-Buff)
            single = " " not in key(surface)
            weight = 0.6 + 0.25 * medline + (0.15 * zipf_score(surface) if single else 0.0)
            rows.append(
                (
                    surface,
                    drug.canonical,
                    "brand",
                    capped(surface, round(prior * weight, 3)),
                    ids_text([("drugbank", drug.dbid), ("unii", unii)]),
                )
            )
        for surface in drug.abbreviations.values():
            rows.append(
                (
                    surface,
                    drug.canonical,
                    "abbreviation",
                    capped(surface, round(prior * 0.5, 3)),
                    ids_text([("drugbank", drug.dbid)]),
                )
            )
    ours: list[Row] = []  # the curated lines'
    for combo in combos:
        canonical = " / ".join(sorted(drugs[d].canonical for d in combo.dbids))
        prior = round(statistics.fmean(drug_prior(drugs[d]) for d in combo.dbids) * combo.weight, 3)
        (ours if combo.curated else rows).append(
            (combo.brand, canonical, combo.kind, capped(combo.brand, prior), ids_text(combo.ids))
        )
    # a curated brand is the whole truth about its name: the sources give some brands one
    # component only ("Neosporin" as hydrocortisone) beside or instead of the combination
    # (a source's row that agrees with the line is kept for its ids, the line's dropped)
    curated = {key(r[0]) for r in ours}
    mine = {(key(r[0]), key(r[1])) for r in ours}
    theirs = [r for r in rows if not (r[2] == "brand" and key(r[0]) in curated
                                      and (key(r[0]), key(r[1])) not in mine)]
    if counts is not None:
        counts.replaced += len(rows) - len(theirs)
    agreed = {(key(r[0]), key(r[1])) for r in theirs if key(r[0]) in curated}
    return theirs + [r for r in ours if (key(r[0]), key(r[1])) not in agreed]


def write(rows: list[Row], out: Path) -> list[Row]:
    """Write the lexicon file, one line per (term, canonical); returns the rows written."""
    lines = [
        "# drugs lexicon of `uncertain`, built by lexicons/build.py; see lexicons/README.md",
        "# sources: DrugBank Open Vocabulary (CC0 1.0), FDA UNII names (public domain),",
        "# MedlinePlus generic/brand names (US National Library of Medicine)",
        "term\tcanonical\tkind\tprior\tids",
    ]
    rows.sort(key=lambda r: (r[1], r[2] != "generic", -r[3], r[0].lower()))
    seen: set[tuple[str, str]] = set()
    written: list[Row] = []
    for term, canonical, kind, prior, ids in rows:
        if (key(term), key(canonical)) not in seen:
            seen.add((key(term), key(canonical)))
            written.append((term, canonical, kind, prior, ids))
            lines.append(f"{term}\t{canonical}\t{kind}\t{prior:g}\t{ids}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if out.suffix == ".gz":
        out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    else:
        out.write_bytes(data)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="?", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--combinations", type=Path, default=CURATED_COMBINATIONS,
                        help="the project's list of combination brands the sources lack")
    args = parser.parse_args(argv)
    counts = Counts()
    drugs = read_drugbank(args.sources, counts)
    combos = join_unii(args.sources, drugs, counts)
    combos += join_medlineplus(args.sources, drugs, counts)
    combos += join_curated(args.combinations, drugs, counts)
    drop_coded(drugs, combos, counts)
    rows = rows_for(drugs, combos, counts)
    rows = write(rows, args.out)
    kinds = Counter(r[2] for r in rows)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    print(
        f"entries {len(rows)}; canonicals {len({key(r[1]) for r in rows})}; "
        + "; ".join(f"{k} {n}" for k, n in kinds.most_common())
    )
    for source in counts.read:
        dropped = sum(n for (s, _), n in counts.dropped.items() if s == source)
        print(
            f"{source}: read {counts.read[source]}, kept {counts.kept[source]}, dropped {dropped}"
        )
        for (s, reason), n in counts.dropped.most_common():
            if s == source:
                print(f"    {n:>6}  {reason}")
    if counts.replaced:
        print(f"    {counts.replaced:>6}  source rows replaced by a curated brand's line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
