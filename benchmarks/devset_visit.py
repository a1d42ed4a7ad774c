"""A sixth word bank for the development set: outpatient visits and community care.

``benchmarks/devset.py build --bank visit`` plans the same kinds of items as the dev set
(dictations spoken by a speech synthesiser and transcribed by a real ASR model, rendered
prescriptions, plain transcripts with mishearings, everyday sentences without drugs)
from these words instead. The bank is kept for checking only: the validator is measured
on it and never chosen on it. It was written without reference to the validator's rules
or to the other banks' words, so it shows whether what was tuned elsewhere carries.

Its 40 drugs are commonly prescribed in US practice and named in none of the other
banks. Its dictations come from outpatient specialty and community settings: cardiology
and oncology follow-ups, an OB/GYN or prenatal visit, a telehealth psychiatry visit, a
pharmacist's counseling session, a nursing-home medication pass, urgent care, a school
nurse's note, sports medicine, a medication reconciliation by a patient's daughter and a
dietitian's note.

Everything here is written for this project (no copied text); nothing here does any I/O.
Template slots are those of ``benchmarks/devset_sentences.py``: ``{drug}``, ``{dose}``,
``{unit}``, ``{freq}``, ``{indication}`` and the same with a ``2`` suffix.
"""

from __future__ import annotations

from devset_sentences import Drug

_BP = "for blood pressure"
_HEART = "for heart failure"
_CHOL = "for cholesterol"
_MOOD = "for depression"
_SUGAR = "for diabetes"
_MEMORY = "for memory"
_BOWEL = "for constipation"

DRUGS: tuple[Drug, ...] = (
    # cardiology
    Drug("nadolol", ("Corgard",), ("20", "40", "80"), indication=_BP),
    Drug("ivabradine", ("Corlanor",), ("2.5", "5", "7.5"), indication=_HEART,
         sigs=("twice a day with meals",)),
    Drug("nitroglycerin", ("Nitrostat",), ("0.4",), indication="for chest pain",
         sigs=("under the tongue as needed", "every five minutes as needed")),
    Drug("eplerenone", ("Inspra",), ("25", "50"), indication=_HEART),
    Drug("cilostazol", ("Pletal",), ("50", "100"), indication="for leg pain when walking",
         sigs=("twice a day before meals",)),
    Drug("pitavastatin", ("Livalo",), ("1", "2", "4"), indication=_CHOL,
         sigs=("once daily", "every evening")),
    Drug("isosorbide dinitrate", ("Isordil",), ("10", "20", "40"), indication="for angina",
         sigs=("three times a day",)),
    # oncology
    Drug("exemestane", ("Aromasin",), ("25",), indication="for breast cancer",
         sigs=("once daily after a meal",)),
    Drug("capecitabine", ("Xeloda",), ("500", "1000", "1500"), indication="for colon cancer",
         sigs=("twice a day after meals",)),
    Drug("bicalutamide", ("Casodex",), ("50",), indication="for prostate cancer"),
    Drug("megestrol", ("Megace",), ("40",), indication="for appetite",
         sigs=("four times a day",)),
    # women's health and pregnancy
    Drug("progesterone", ("Prometrium",), ("100", "200"), indication="with the estrogen",
         sigs=("at bedtime",), form="capsule"),
    Drug("norethindrone", ("Aygestin",), ("5",), indication="for the bleeding",
         sigs=("once daily",)),
    Drug("conjugated estrogens", ("Premarin",), ("0.3", "0.625"),
         indication="for hot flashes"),
    Drug("folic acid", ("Folvite",), ("1",), indication="for the pregnancy",
         sigs=("once daily",)),
    # psychiatry and sleep
    Drug("vilazodone", ("Viibryd",), ("10", "20", "40"), indication=_MOOD,
         sigs=("once daily with food",)),
    Drug("brexpiprazole", ("Rexulti",), ("0.5", "1", "2"), indication=_MOOD),
    Drug("dexmethylphenidate", ("Focalin",), ("5", "10"), indication="for ADHD",
         sigs=("every morning", "twice a day")),
    Drug("modafinil", ("Provigil",), ("100", "200"), indication="for daytime sleepiness",
         sigs=("every morning",)),
    Drug("ramelteon", ("Rozerem",), ("8",), indication="for sleep",
         sigs=("thirty minutes before bed",)),
    Drug("disulfiram", ("Antabuse",), ("250",), indication="for alcohol use",
         sigs=("once daily",)),
    # long-term care
    Drug("galantamine", ("Razadyne",), ("4", "8", "12"), indication=_MEMORY,
         sigs=("twice a day with meals",)),
    Drug("rivastigmine", ("Exelon",), ("1.5", "3", "4.5", "6"), indication=_MEMORY,
         sigs=("twice a day with food",), form="capsule"),
    Drug("docusate", ("Colace",), ("100",), indication=_BOWEL, sigs=("twice a day",),
         form="capsule"),
    Drug("polyethylene glycol", ("Miralax",), ("17",), unit="grams", indication=_BOWEL,
         sigs=("in a glass of water daily",), form="packet"),
    Drug("bisacodyl", ("Dulcolax",), ("5", "10"), indication=_BOWEL,
         sigs=("at bedtime as needed",)),
    Drug("ursodiol", ("Actigall",), ("300",), indication="for gallstones",
         sigs=("twice a day",), form="capsule"),
    # urgent care
    Drug("clarithromycin", ("Biaxin",), ("250", "500"), indication="for the sinus infection",
         sigs=("twice a day for ten days",)),
    Drug("famciclovir", ("Famvir",), ("500",), indication="for shingles",
         sigs=("three times a day for seven days",)),
    Drug("erythromycin", ("Ery-Tab",), ("250", "500"), indication="for strep throat",
         sigs=("four times a day",)),
    Drug("methenamine", ("Hiprex",), ("1",), unit="grams",
         indication="to prevent bladder infections", sigs=("twice a day",)),
    # sports medicine
    Drug("nabumetone", ("Relafen",), ("500", "750"), indication="for the knee",
         sigs=("twice a day with food",)),
    Drug("etodolac", ("Lodine",), ("400", "500"), indication="for back pain",
         sigs=("twice a day with food",)),
    Drug("indomethacin", ("Indocin",), ("25", "50"), indication="for the gout flare",
         sigs=("three times a day with food",), form="capsule"),
    Drug("metaxalone", ("Skelaxin",), ("800",), indication="for muscle spasm",
         sigs=("three times a day as needed",)),
    # diet, weight and bones
    Drug("orlistat", ("Xenical", "Alli"), ("60", "120"), indication="for weight loss",
         sigs=("with each main meal",), form="capsule"),
    Drug("acarbose", ("Precose",), ("25", "50"), indication=_SUGAR,
         sigs=("three times a day with meals",)),
    Drug("insulin aspart", ("Novolog",), ("4", "6", "8", "10"), unit="units",
         indication=_SUGAR, sigs=("before each meal",), form="pen"),
    Drug("risedronate", ("Actonel",), ("35",), indication="for bone thinning",
         sigs=("once a week",)),
    Drug("desmopressin", ("DDAVP",), ("0.1", "0.2"), indication="for bedwetting",
         sigs=("at bedtime",)),
)

# Dictated sentences naming one drug, as said in the settings above.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    # cardiology and oncology follow-ups
    "Cardiology visit: keep his {drug} at {dose} {unit} {freq}.",
    "Since surgery she has tolerated {drug} {dose} {unit}.",
    # prenatal and gynecology visits
    "At twenty weeks she continues {drug} {dose} {unit} {freq}.",
    # telehealth psychiatry
    "On video she says the {drug} helps, so we stay at {dose} {unit}.",
    # pharmacist counseling
    "Do you take the {drug} {freq}, or just sometimes?",
    "I reminded her to take {drug} {freq} {indication}.",
    # nursing-home medication pass
    "Resident received {drug} {dose} {unit} crushed in applesauce.",
    # urgent care
    "Sent home from urgent care on {drug} {dose} {unit} {freq}.",
    # school nurse
    "School nurse gave {dose} {unit} of {drug} at lunch.",
    # sports medicine
    "For the sprain, try {drug} {dose} {unit} {freq}.",
    # reconciliation with a daughter
    "His daughter brought a bottle that says {drug} {dose} {unit}.",
    "Her daughter says she stopped the {drug} last month.",
    # dietitian
    "Dietitian note: reviewed when to take {drug} around meals.",
    # the name at the start, in a list, in a question
    "{drug} was cut back to {dose} {unit} because of dizziness.",
    "Her list shows a multivitamin, fish oil and {drug} {dose} {unit}.",
    "Did the pharmacy ever fill the {drug} {dose} {unit}?",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "His daughter says he takes {drug} {dose} {unit} and {drug2} {dose2} {unit2}.",
    "Oncology wants the {drug} held while he is on {drug2}.",
    "Instead of {drug}, let us try {drug2} {dose2} {unit2} {freq2}.",
    "Both the {drug} and the {drug2} were given at the nine o'clock pass.",
)

# Clinical sentences with no drug, spoken around the drug sentences.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "The echo last spring showed an ejection fraction of 35 percent.",
    "Fundal height is 28 centimeters and the heartbeat is strong.",
    "She joined from her car and the video froze twice.",
    "Peak flow this morning was 310 liters per minute.",
    "The resident ate half of her lunch and refused dessert.",
    "Rapid strep is negative but the throat looks red.",
    "The ankle is swollen on the outside, but he can bear weight.",
    "Sugars before dinner ran between 140 and 180 this week.",
    "Temperature in the nurse's office was 101, so his mother was called.",
    "Tumor markers are lower than after the last cycle.",
    "The pill count matches what the pharmacy dispensed.",
    "We talked about eating more fiber and drinking water.",
)

# Plain everyday English with no drug names, for counting false flags.
GENERAL_SENTENCES: tuple[str, ...] = (
    "The marathon starts at seven, and the route is 26 miles long.",
    "Grandpa Nadal sells peppers at the Saturday market.",
    "We need 3 pounds of apples and a quart of cider for the pie.",
    "Ask Trevor whether soccer practice moved to the west field.",
    "The recipe calls for 2 cups of flour and a pinch of cinnamon.",
    "Our flight to Lisbon leaves from gate 14 at six in the evening.",
    "The glacier melted faster than the rangers expected.",
    "She scored 92 on the chemistry final and celebrated with ice cream.",
    "The carpenter said the new deck will need 40 boards.",
    "Please bring the folding chairs to the community hall by noon.",
    "Every June the valley turns purple with clover.",
    "The choir sang a song about a lonely lighthouse keeper.",
    "Aunt Estelle makes the best lemon bars in town.",
    "The phone battery lasts about 10 hours on a full charge.",
    "We counted 12 herons along the marsh at sunrise.",
    "Our dog Rex barks at the mail carrier every morning.",
)

# How a small speech recogniser that does not know a drug name writes it: sound-alike
# English words and split syllables, made by saying the name aloud. Lower case.
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "nadolol": ("nadal all", "nado lol"),
    "ivabradine": ("ivy bra dean", "eva bradeen"),
    "nitroglycerin": ("nitro glisten", "night row glycerin"),
    "eplerenone": ("a player known", "epler and own"),
    "cilostazol": ("sill us to saw", "silo stays all"),
    "pitavastatin": ("pita vast a tin", "pita of a statin"),
    "exemestane": ("exe mess stain", "examine stain"),
    "capecitabine": ("cape site a bean", "cappy sit a bean"),
    "bicalutamide": ("bike a loot a mide", "bical you tamide"),
    "vilazodone": ("villa zoo done", "vila so dome"),
    "brexpiprazole": ("brex pip raise all", "breaks a prize all"),
    "modafinil": ("moda fin ill", "mode a fennel"),
    "galantamine": ("gallant a mean", "galanta mine"),
    "rivastigmine": ("riva stig mean", "river stick mean"),
    "clarithromycin": ("clarity my sin", "clara throw my sin"),
    "famciclovir": ("fam sickle veer", "fancy clover"),
    "nabumetone": ("nab you meh tone", "nabu me tone"),
    "metaxalone": ("met ax alone", "meta x a lone"),
    "acarbose": ("a car bows", "acre boss"),
    "desmopressin": ("desmo pressing", "dez mo press in"),
    "Xeloda": ("zelda", "ze low da"),
    "Viibryd": ("vibe rid", "vie bird"),
    "Provigil": ("pro vigil", "pro vigil ill"),
    "Focalin": ("focal in", "folk a lin"),
}

# Near-miss spellings a hurried typist or a patient writes.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "ivabradine": ("ivabradin",),
    "exemestane": ("exemestene",),
    "dexmethylphenidate": ("dexmethylphenadate",),
    "galantamine": ("galantomine",),
    "indomethacin": ("indomethicin",),
    "etodolac": ("etodolak",),
    "ursodiol": ("ursodial",),
    "risedronate": ("residronate",),
}
