"""A fifth word bank for the development set: the ward, the emergency room and the phone.

Forty commonly prescribed drugs that no other bank names (hospital and outpatient: oral
antibiotics, insulins and weekly injections, inhalers, opioids and palliative drugs,
psychiatric, antiarrhythmic, GI, urology, dermatology and transplant drugs), with dictation
templates, clinical and everyday sentences and sound-alikes, for
``benchmarks/devset.py build --bank ward``.

It is a tuning bank written without reference to the validator's rules: its phrasing and
mishearings were made from how clinicians talk and how the names sound, not from what the
validator matches. The dictations come from settings a clinic note does not cover: a ward
round and an overnight sign-out, the emergency department, an admission medication
history, a dentist's and an eye clinic's questions, a home-health nurse's visit, a
patient's voicemail, a hospice note, a weight-based pediatric dose, a titration, an
allergy list and a prior-authorization call.

Everything here is written for this project (no copied text); nothing here does any I/O.
The slots are those of ``benchmarks/devset_sentences.py``.
"""

from __future__ import annotations

from devset_sentences import Drug

_SUGAR = "for diabetes"
_PAIN = "for pain"
_ASTHMA = "for asthma"
_AFIB = "for atrial fibrillation"

DRUGS: tuple[Drug, ...] = (
    # antibiotics and an antiplatelet
    Drug("prasugrel", ("Effient",), ("5", "10"), indication="for the coronary stent",
         sigs=("once daily with the aspirin", "once daily")),
    Drug("linezolid", ("Zyvox",), ("600",), indication="for the MRSA pneumonia",
         sigs=("every twelve hours for ten days",)),
    Drug("minocycline", ("Minocin", "Solodyn"), ("50", "100"), indication="for acne",
         sigs=("twice a day with a full glass of water",), form="capsule"),
    Drug("vancomycin", ("Vancocin", "Firvanq"), ("125",), indication="for the C diff colitis",
         sigs=("four times a day for ten days",), form="capsule"),
    Drug("cefadroxil", ("Duricef",), ("500",), indication="for the cellulitis",
         sigs=("twice a day for ten days",), form="capsule"),
    # insulins and weekly injections
    Drug("insulin lispro", ("Humalog", "Admelog"), ("4", "6", "8", "10"), unit="units",
         indication=_SUGAR, sigs=("with each meal", "before meals per the sliding scale"),
         form="pen"),
    Drug("insulin detemir", ("Levemir",), ("10", "16", "22", "30"), unit="units",
         indication=_SUGAR, sigs=("at bedtime", "twice a day"), form="pen"),
    Drug("dulaglutide", ("Trulicity",), ("0.75", "1.5", "3"), indication=_SUGAR,
         sigs=("once a week", "every Sunday"), form="pen"),
    Drug("tirzepatide", ("Mounjaro", "Zepbound"), ("2.5", "5", "7.5", "10"),
         indication="for diabetes and weight", sigs=("once weekly",), form="pen"),
    Drug("adalimumab", ("Humira",), ("40",), indication="for psoriatic arthritis",
         sigs=("every other week",), form="pen"),
    # inhalers
    Drug("ipratropium", ("Atrovent",), ("2",), unit="puffs", indication="for COPD",
         sigs=("four times a day", "every six hours as needed"), form="inhaler"),
    Drug("beclomethasone", ("Qvar",), ("1", "2"), unit="puffs", indication=_ASTHMA,
         sigs=("twice a day", "morning and night"), form="inhaler"),
    Drug("budesonide", ("Pulmicort",), ("1", "2"), unit="puffs", indication=_ASTHMA,
         sigs=("twice a day",), form="inhaler"),
    # pain, palliative care, the emergency department
    Drug("morphine", ("MS Contin",), ("15", "30", "60"), indication="for cancer pain",
         sigs=("every twelve hours",)),
    Drug("methadone", ("Dolophine",), ("5", "10"), indication=_PAIN,
         sigs=("every eight hours", "three times a day")),
    Drug("ketorolac", ("Toradol",), ("10",), indication=_PAIN,
         sigs=("every six hours as needed, five days at most",)),
    Drug("dexamethasone", ("Decadron",), ("4", "6"), indication="for the brain swelling",
         sigs=("once daily for ten days", "every morning with food")),
    Drug("diphenhydramine", ("Benadryl",), ("25", "50"), indication="for the hives",
         sigs=("at bedtime as needed", "every six hours as needed"),
         form="capsule"),
    Drug("hyoscyamine", ("Levsin",), ("0.125",), indication="for the secretions",
         sigs=("every four hours as needed",)),
    # psychiatry and neurology
    Drug("clozapine", ("Clozaril",), ("25", "100", "200"), indication="for schizophrenia",
         sigs=("at bedtime", "twice a day")),
    Drug("atomoxetine", ("Strattera",), ("40", "60", "80"), indication="for ADHD",
         sigs=("every morning",), form="capsule"),
    Drug("doxepin", ("Silenor",), ("3", "6"), indication="for sleep",
         sigs=("thirty minutes before bedtime",)),
    Drug("fluvoxamine", ("Luvox",), ("50", "100"),
         indication="for obsessive compulsive disorder", sigs=("at bedtime",)),
    Drug("cariprazine", ("Vraylar",), ("1.5", "3", "6"), indication="for bipolar depression",
         form="capsule"),
    Drug("lacosamide", ("Vimpat",), ("50", "100", "200"), indication="for seizures",
         sigs=("twice a day",)),
    Drug("primidone", ("Mysoline",), ("25", "50", "100"), indication="for essential tremor",
         sigs=("at bedtime",)),
    # heart and blood pressure
    Drug("ranolazine", ("Ranexa",), ("500", "1000"), indication="for angina",
         sigs=("twice a day",)),
    Drug("sotalol", ("Betapace",), ("80", "120"), indication=_AFIB,
         sigs=("every twelve hours",)),
    Drug("dofetilide", ("Tikosyn",), ("125", "250", "500"), unit="micrograms",
         indication=_AFIB, sigs=("every twelve hours",), form="capsule"),
    Drug("telmisartan", ("Micardis",), ("20", "40", "80"), indication="for blood pressure"),
    Drug("icosapent ethyl", ("Vascepa",), ("2",), unit="grams",
         indication="for triglycerides", sigs=("twice a day with meals",), form="capsule"),
    Drug("midodrine", ("ProAmatine", "Orvaten"), ("2.5", "5", "10"),
         indication="for low blood pressure", sigs=("three times a day while awake",)),
    # gut, bladder, skin, transplant
    Drug("rifaximin", ("Xifaxan",), ("550",), indication="for hepatic encephalopathy",
         sigs=("twice a day",)),
    Drug("linaclotide", ("Linzess",), ("72", "145", "290"), unit="micrograms",
         indication="for constipation", sigs=("thirty minutes before breakfast",),
         form="capsule"),
    Drug("dexlansoprazole", ("Dexilant",), ("30", "60"), indication="for reflux",
         sigs=("once daily",), form="capsule"),
    Drug("tolterodine", ("Detrol",), ("1", "2"), indication="for overactive bladder",
         sigs=("twice a day",)),
    Drug("phenazopyridine", ("Pyridium",), ("100", "200"),
         indication="for the burning with urination",
         sigs=("three times a day after meals for two days",)),
    Drug("isotretinoin", ("Absorica", "Claravis"), ("20", "30", "40"),
         indication="for severe acne", sigs=("twice a day with food",), form="capsule"),
    Drug("apremilast", ("Otezla",), ("30",), indication="for psoriasis",
         sigs=("twice a day",)),
    Drug("tacrolimus", ("Prograf",), ("0.5", "1", "2"), indication="for the kidney transplant",
         sigs=("every twelve hours",), form="capsule"),
)

# Dictated sentences naming one drug, said on a ward, in the emergency room, on the phone.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "Overnight she got an extra {dose} {unit} of {drug} and settled down by morning.",
    "We're holding the {drug} today because his pressure was soft overnight.",
    "For sign-out, he's on {drug} {dose} {unit} {freq}, nothing to do overnight.",
    "He got {drug} {dose} {unit} in the emergency room and felt better.",
    "Per the pharmacy fill history he takes {drug} {dose} {unit} {freq} {indication}.",
    "The dentist asks if she can stay on {drug} for the extractions.",
    "At the eye clinic she mentioned she also takes {drug} {indication}.",
    "On today's home visit the {drug} was missing from the pill box.",
    "Hi, it's me calling back, I ran out of my {drug} on Friday and need a refill.",
    "Hey, quick question, is it okay to take the {drug} {dose} {unit} with a glass of wine?",
    "For comfort we will continue {drug} {dose} {unit} {freq} and stop the rest of the list.",
    "She weighs twenty two kilos, so the {drug} works out to {dose} {unit} {freq}.",
    "For the first week it's {dose} {unit} of {drug} {freq}, then up if tolerated.",
    "Allergy list reviewed, she reacted to {drug} years ago with hives and swollen lips.",
    "I'm calling about the prior authorization for {drug} {dose} {unit} {freq} {indication}.",
    "{drug} {dose} {unit}, last given at six this morning per the nurse.",
    "Yeah, the {drug}, I take {dose} {unit} of it, mostly {freq}.",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "Overnight we stopped the {drug} and gave {drug2} {dose2} {unit2} instead.",
    "Her home list has {drug} {dose} {unit} and {drug2} {dose2} {unit2}, both filled last "
    "month.",
    "Insurance won't cover the {drug}, so we'll use {drug2} {dose2} {unit2} {freq2} for now.",
    "{drug} is on hold for the procedure, but keep giving {drug2} {dose2} {unit2} {freq2} "
    "{indication2}.",
)

# Clinical sentences with no drug, from the same settings.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Potassium came back at 3.1 this morning, so it was replaced and will be rechecked at noon.",
    "Troponin is flat and the procalcitonin came back low.",
    "Morning labs show a creatinine of 1.4 and a white count of eleven.",
    "She is nothing by mouth after midnight for the scope.",
    "Blood sugars ran between 180 and 240 overnight.",
    "The wound vac was changed and the dressing is clean and dry.",
    "Pressure in the right eye was 24 and in the left 19.",
    "Tooth number fourteen is cracked below the gum line.",
    "Family is at the bedside and the goals of care conversation went well.",
    "Weight today is 31 kilos, up from 29 at the last visit.",
    "He has a Foley in place and the urine looks concentrated.",
    "The reviewer said a decision will come within 72 hours.",
)

# Everyday English with no drug names, for counting false flags.
GENERAL_SENTENCES: tuple[str, ...] = (
    "My uncle moved back to Detroit after he retired from the post office.",
    "We hiked partway up Kilimanjaro on our honeymoon and turned back at the second camp.",
    "The new dishwasher is quiet, efficient and fits under the counter with an inch to spare.",
    "Grandma's lasagna takes 500 grams of ricotta and two jars of sauce.",
    "The forecast calls for 40 millimeters of rain on Tuesday and gusts near 50 kilometers "
    "an hour.",
    "She finished the half marathon in one hour and fifty two minutes.",
    "Turn the thermostat down to 68 before you leave for the cabin.",
    "My cousin Mandy plays the clarinet in the community orchestra.",
    "We light the Advent candles every Sunday evening in December.",
    "The after school program starts again on the third of September.",
    "A tornado warning was issued for the county until nine tonight.",
    "The hardware store sells a 20 pound bag of rock salt for six dollars.",
    "Can you text me the password for the guest network?",
    "The plumber said the water heater holds 50 gallons and is twelve years old.",
    "Leo traded his old guitar for a used Stratocaster and a small amp.",
    "Set the oven to 350 degrees, the bread needs another 25 minutes.",
)

# How a small speech recogniser that does not know a drug name writes it: sound-alike
# English words and split syllables, made by saying the name aloud. Lower case.
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "prasugrel": ("pro sugar ell", "press you grill"),
    "linezolid": ("line is solid", "lin is a lid"),
    "vancomycin": ("van co my sin", "vanco mice in"),
    "insulin lispro": ("insulin lisp row", "insulin list pro"),
    "Humalog": ("human log", "hue ma log"),
    "Trulicity": ("true list city", "truly city"),
    "Mounjaro": ("mount jar oh", "moon jarrow"),
    "Humira": ("you mirror", "hue mira"),
    "ipratropium": ("ipra trophy um", "i pra tro pee um"),
    "beclomethasone": ("beck low meth a zone", "beclo method zone"),
    "methadone": ("meth a done", "method own"),
    "Toradol": ("tore a doll", "tour a dull"),
    "dexamethasone": ("dexa meth a sewn", "decks a method zone"),
    "diphenhydramine": ("die fen hydra mean", "dif in hydro mean"),
    "clozapine": ("close a peen", "clothes a pin"),
    "Strattera": ("stra terra", "straight era"),
    "Vraylar": ("ray lar", "fray lore"),
    "lacosamide": ("lack oh some id", "lacosa mid"),
    "sotalol": ("so tall all", "soda lol"),
    "dofetilide": ("doe fetty lied", "do fetal light"),
    "telmisartan": ("tell me sartan", "tell miss art and"),
    "rifaximin": ("rif ax a min", "riff axe a mean"),
    "linaclotide": ("lina clo tide", "linen clot tide"),
    "tacrolimus": ("tack row lee muss", "taco limbs"),
}

# How a hurried typist or a patient spells a name they nearly know.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "clozapine": ("clozapene",),
    "dexamethasone": ("dexamethazone",),
    "diphenhydramine": ("diphenhydramin", "diphenhidramine"),
    "ipratropium": ("ipratroprium",),
    "tacrolimus": ("tacrolimis",),
    "ketorolac": ("ketorilac",),
    "isotretinoin": ("isotretinion",),
    "phenazopyridine": ("phenazopyradine",),
}
