"""A third bank of words for the development set, kept for checking only.

``benchmarks/devset.py build --bank holdout`` builds a set from this bank: 40 more
commonly prescribed drugs, in neither the dev set's list nor ``devset_phrasing``'s, with
dictation templates, clinical and everyday sentences and sound-alikes of its own. The
dev bank and the phrasing bank are what the validator's rules are chosen on; this one is
only measured, so that its figures say how far those rules carry to phrasing and drugs
nobody looked at while choosing them. Everything here is written for this project;
nothing here does any I/O.
"""

from __future__ import annotations

from devset_sentences import Drug

_BP = "for blood pressure"
_SUGAR = "for diabetes"
_CHOL = "for cholesterol"
_SEIZ = "for seizures"
_MOOD = "for her mood"

DRUGS: tuple[Drug, ...] = (
    Drug("prednisolone", ("Orapred",), ("5", "15"), indication="for the asthma flare",
         sigs=("once daily for five days",)),
    Drug("methylphenidate", ("Ritalin",), ("5", "10", "20"), indication="for attention",
         sigs=("every morning", "twice a day")),
    Drug("buprenorphine", ("Subutex",), ("2", "8"), sigs=("once daily",)),
    Drug("naltrexone", ("Revia",), ("50",), indication="for alcohol cravings"),
    Drug("hydroxychloroquine", ("Plaquenil",), ("200", "400"), indication="for lupus"),
    Drug("colchicine", ("Colcrys",), ("0.6",), indication="for gout",
         sigs=("twice a day", "once daily")),
    Drug("febuxostat", ("Uloric",), ("40", "80"), indication="for gout"),
    Drug("alendronate", ("Fosamax",), ("70",), indication="for bone density",
         sigs=("once a week with a full glass of water",)),
    Drug("tamoxifen", ("Nolvadex",), ("20",), sigs=("once daily",)),
    Drug("anastrozole", ("Arimidex",), ("1",), sigs=("once daily",)),
    Drug("letrozole", ("Femara",), ("2.5",), sigs=("once daily",)),
    Drug("sildenafil", ("Viagra",), ("25", "50", "100"), sigs=("as needed",)),
    Drug("tadalafil", ("Cialis",), ("5", "10"), sigs=("once daily", "as needed")),
    Drug("estradiol", ("Estrace",), ("0.5", "1", "2"), indication="for hot flashes"),
    Drug("diazepam", ("Valium",), ("2", "5", "10"), sigs=("twice a day as needed",)),
    Drug("temazepam", ("Restoril",), ("15", "30"), indication="for sleep",
         sigs=("at bedtime as needed",), form="capsule"),
    Drug("haloperidol", ("Haldol",), ("0.5", "1", "5"), sigs=("twice a day",)),
    Drug("lurasidone", ("Latuda",), ("20", "40", "80"), indication=_MOOD,
         sigs=("with dinner",)),
    Drug("oxcarbazepine", (), ("150", "300", "600"), indication=_SEIZ,
         sigs=("twice a day",)),
    Drug("carbamazepine", ("Tegretol",), ("100", "200"), indication=_SEIZ,
         sigs=("twice a day",)),
    Drug("phenytoin", ("Dilantin",), ("100",), indication=_SEIZ,
         sigs=("three times a day",), form="capsule"),
    Drug("pregabalin", ("Lyrica",), ("50", "75", "150"), indication="for nerve pain",
         sigs=("twice a day",), form="capsule"),
    Drug("desvenlafaxine", ("Pristiq",), ("25", "50", "100"), indication=_MOOD),
    Drug("sucralfate", ("Carafate",), ("1",), unit="grams", indication="for the ulcer",
         sigs=("four times a day before meals",)),
    Drug("misoprostol", ("Cytotec",), ("100", "200"), unit="micrograms",
         sigs=("four times a day with food",)),
    Drug("loperamide", ("Imodium",), ("2",), indication="for diarrhea",
         sigs=("after each loose stool",)),
    Drug("linagliptin", ("Tradjenta",), ("5",), indication=_SUGAR),
    Drug("canagliflozin", ("Invokana",), ("100", "300"), indication=_SUGAR,
         sigs=("before breakfast",)),
    Drug("lovastatin", ("Mevacor",), ("20", "40"), indication=_CHOL,
         sigs=("with the evening meal",)),
    Drug("fenofibrate", ("Tricor",), ("48", "145"), indication="for triglycerides"),
    Drug("ramipril", ("Altace",), ("2.5", "5", "10"), indication=_BP, form="capsule"),
    Drug("olmesartan", ("Benicar",), ("20", "40"), indication=_BP),
    Drug("irbesartan", ("Avapro",), ("150", "300"), indication=_BP),
    Drug("bisoprolol", (), ("2.5", "5", "10"), indication=_BP),
    Drug("nebivolol", ("Bystolic",), ("5", "10"), indication=_BP),
    Drug("doxazosin", ("Cardura",), ("1", "2", "4"), indication="for the prostate",
         sigs=("at bedtime",)),
    Drug("bumetanide", ("Bumex",), ("0.5", "1", "2"), indication="for fluid",
         sigs=("every morning",)),
    Drug("cefdinir", ("Omnicef",), ("300",), indication="for the sinus infection",
         sigs=("twice a day for ten days",), form="capsule"),
    Drug("acyclovir", ("Zovirax",), ("400", "800"), indication="for the cold sores",
         sigs=("three times a day for five days",)),
    Drug("metoclopramide", ("Reglan",), ("5", "10"), indication="for nausea",
         sigs=("before meals and at bedtime",)),
)

# Dictated sentences naming one drug.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "Her primary doctor started her on {drug} {dose} {unit} {freq}.",
    "Can we bump the {drug} up to {dose} {unit}?",
    "I want him off the {drug} by next week.",
    "{drug} {dose} {unit} {freq} seems to be working.",
    "Patient stopped taking {drug} on her own.",
    "Renew the {drug} {dose} {unit} for another three months.",
    "She missed two doses of {drug} this week.",
    "We are going to cut the {drug} in half.",
    "Dispense {drug} {dose} {unit}, sixty tablets, {freq}.",
    "He asked whether he could switch to {drug}.",
    "Tell her to keep taking {drug} {dose} {unit} {freq}.",
    "Allergies include {drug}, which caused hives.",
    "The pharmacy substituted {drug} for the brand.",
    "Reduce {drug} to {dose} {unit} {freq} because of the kidneys.",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "She was on {drug} before, now she takes {drug2} {dose2} {unit2} {freq2}.",
    "Combine {drug} {dose} {unit} with {drug2} {dose2} {unit2} {freq2}.",
    "Both {drug} and {drug2} were held during the admission.",
)

# Clinical sentences with no drug; some open with a prescribing verb.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Her blood pressure was 128 over 76 at home.",
    "He denies fever, chills or night sweats.",
    "Range of motion is limited in the right shoulder.",
    "Labs from March were unremarkable.",
    "Take the stairs instead of the elevator when you can.",
    "Hold pressure on the site for ten minutes.",
    "Stop at the front desk to schedule the follow up.",
    "Continue the low salt diet.",
    "She has lost about six pounds since the fall.",
    "Mammogram is scheduled for next month.",
    "He sleeps about five hours a night.",
    "We will call with the biopsy results.",
)

# Plain everyday English with no drug names.
GENERAL_SENTENCES: tuple[str, ...] = (
    "The ferry was cancelled because of the wind.",
    "Dinner is at six, and the guests arrive at half past five.",
    "He keeps his old records in a box under the stairs.",
    "The orchard sells apples and pears every autumn.",
    "We need new batteries for the smoke alarm.",
    "The choir rehearses in the church hall on Wednesdays.",
    "Her flight lands in Chicago just after midnight.",
    "The parking garage fills up before nine.",
    "They planted tomatoes and beans along the fence.",
    "The bookshop downtown has a cat that sleeps in the window.",
    "Please turn off the lights when you leave the room.",
    "The soccer game went into extra time.",
    "My brother painted the kitchen a pale yellow.",
    "The bridge will be closed for repairs until June.",
    "We found a quiet table near the back of the cafe.",
    "The snow melted by the middle of the afternoon.",
)

# How another engine might write a drug name it misheard (plain transcripts).
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "prednisolone": ("pred niso loan", "prednisone loan"),
    "methylphenidate": ("methyl fenny date", "meth ill fen a date"),
    "hydroxychloroquine": ("hydroxy floor a quin", "high drop see chloroquine"),
    "febuxostat": ("feb you so stat", "fe bucks o stat"),
    "alendronate": ("a lend row nate", "allen dro nate"),
    "anastrozole": ("an ass tro zoll", "anna stro zole"),
    "letrozole": ("let row zole", "letter zole"),
    "lurasidone": ("lure a sid own", "lura si done"),
    "oxcarbazepine": ("ox car bays a pin", "ox carb azepine"),
    "carbamazepine": ("car bam a zepine", "carb a mazy pin"),
    "pregabalin": ("pre gab a lin", "pray gabba lin"),
    "sucralfate": ("sue crawl fate", "sucral fate"),
    "canagliflozin": ("can a gliflozin", "canna gli flow sin"),
    "fenofibrate": ("fino fibrate", "fenno fi brate"),
    "irbesartan": ("ear be sartan", "irby sar tan"),
    "nebivolol": ("neb ivo lol", "nebby vo lol"),
    "bumetanide": ("boo met a nide", "bum etta nide"),
    "metoclopramide": ("meto clopper mide", "metal clo pra mide"),
    "Lyrica": ("lyric a",),
    "Plaquenil": ("plaque in ill",),
}

# How another engine might misspell a drug name it heard right.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "hydroxychloroquine": ("hydroxichloroquine",),
    "methylphenidate": ("methylphenidat",),
    "oxcarbazepine": ("oxcarbazapine",),
    "pregabalin": ("pregabolin",),
    "fenofibrate": ("fenofibrat",),
    "metoclopramide": ("metaclopramide",),
}
