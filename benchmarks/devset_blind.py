"""A fourth bank of words for the development set, kept for checking only.

``benchmarks/devset.py build --bank blind`` builds a set from this bank: 40 more
commonly prescribed drugs, in none of the other banks' lists (``devset_sentences``,
``devset_phrasing``, ``devset_holdout``), with dictation templates, clinical and everyday
sentences and sound-alikes of its own. It was written without reference to the
validator's rules: the phrasing follows how clinicians dictate (medication
reconciliation, discharge instructions, telephone and nursing notes, a pharmacist's
call, a plan section) and how patients talk about their medicines, not the other banks'
templates. Like ``devset_holdout`` it is only measured, never chosen on. Everything here
is written for this project; nothing here does any I/O.
"""

from __future__ import annotations

from devset_sentences import Drug

_BP = "for blood pressure"
_SUGAR = "for diabetes"
_ADHD = "for ADHD"
_BLADDER = "for overactive bladder"

DRUGS: tuple[Drug, ...] = (
    Drug("liraglutide", ("Victoza",), ("0.6", "1.2", "1.8"), indication=_SUGAR,
         sigs=("once daily",), form="pen"),
    Drug("insulin degludec", ("Tresiba",), ("10", "18", "26", "34"), unit="units",
         indication=_SUGAR, sigs=("once daily at the same time each day",), form="pen"),
    Drug("glyburide", ("Diabeta",), ("2.5", "5"), indication=_SUGAR,
         sigs=("with breakfast", "twice a day with meals")),
    Drug("tiotropium", ("Spiriva",), ("2",), unit="puffs", indication="for the COPD",
         sigs=("once daily",), form="inhaler"),
    Drug("mometasone", ("Nasonex",), ("2",), unit="sprays", indication="for the stuffy nose",
         sigs=("once daily in each nostril",), form="nasal spray"),
    Drug("levocetirizine", ("Xyzal",), ("2.5", "5"), indication="for seasonal allergies",
         sigs=("every evening",)),
    Drug("guaifenesin", ("Mucinex",), ("600", "1200"), indication="for the chest congestion",
         sigs=("every twelve hours as needed",)),
    Drug("oseltamivir", ("Tamiflu",), ("75",), indication="for the flu",
         sigs=("twice a day for five days",), form="capsule"),
    Drug("cefuroxime", ("Ceftin",), ("250", "500"), indication="for Lyme disease",
         sigs=("twice a day for fourteen days", "twice a day for ten days")),
    Drug("terbinafine", ("Lamisil",), ("250",), indication="for the toenail fungus",
         sigs=("once daily for twelve weeks",)),
    Drug("hydromorphone", ("Dilaudid",), ("2", "4"), indication="after the surgery",
         sigs=("every four hours as needed for severe pain",)),
    Drug("lithium carbonate", ("Lithobid",), ("300", "450"), indication="for bipolar disorder",
         sigs=("twice a day", "at bedtime")),
    Drug("ziprasidone", ("Geodon",), ("20", "40", "60"), indication="for mood swings",
         sigs=("twice a day with food",), form="capsule"),
    Drug("vortioxetine", ("Trintellix",), ("5", "10", "20"), indication="for depression",
         sigs=("once daily", "every morning")),
    Drug("lisdexamfetamine", ("Vyvanse",), ("20", "30", "40", "50"), indication=_ADHD,
         sigs=("every morning",), form="capsule"),
    Drug("guanfacine", ("Intuniv",), ("1", "2", "3"), indication=_ADHD,
         sigs=("once daily in the evening",)),
    Drug("prazosin", ("Minipress",), ("1", "2", "5"), indication="for nightmares",
         sigs=("at bedtime",), form="capsule"),
    Drug("dutasteride", ("Avodart",), ("0.5",), indication="for an enlarged prostate",
         sigs=("once daily",), form="capsule"),
    Drug("solifenacin", ("Vesicare",), ("5", "10"), indication=_BLADDER),
    Drug("mirabegron", ("Myrbetriq",), ("25", "50"), indication=_BLADDER,
         sigs=("once daily",)),
    Drug("rizatriptan", ("Maxalt",), ("5", "10"), indication="for migraines",
         sigs=("at the first sign of a migraine, may repeat in two hours",)),
    Drug("eszopiclone", ("Lunesta",), ("1", "2", "3"), indication="for insomnia",
         sigs=("at bedtime as needed",)),
    Drug("ticagrelor", ("Brilinta",), ("60", "90"), indication="after the heart attack",
         sigs=("twice a day",)),
    Drug("isosorbide mononitrate", ("Imdur",), ("30", "60", "120"), indication="for angina",
         sigs=("every morning",)),
    Drug("quinapril", ("Accupril",), ("10", "20", "40"), indication=_BP),
    Drug("metolazone", ("Zaroxolyn",), ("2.5", "5"), indication="for the leg swelling",
         sigs=("once daily", "three times a week")),
    Drug("flecainide", ("Tambocor",), ("50", "100"), indication="to keep the rhythm steady",
         sigs=("twice a day",)),
    Drug("gemfibrozil", ("Lopid",), ("600",), indication="for high triglycerides",
         sigs=("twice a day before breakfast and dinner",)),
    Drug("liothyronine", ("Cytomel",), ("5", "25"), unit="micrograms",
         indication="for hypothyroidism", sigs=("once daily",)),
    Drug("methimazole", ("Tapazole",), ("5", "10", "20"), indication="for the overactive thyroid",
         sigs=("once daily", "twice a day")),
    Drug("medroxyprogesterone", ("Provera",), ("10",), indication="to bring on a period",
         sigs=("once daily for ten days",)),
    Drug("raloxifene", ("Evista",), ("60",), indication="for osteoporosis",
         sigs=("once daily",)),
    Drug("dicyclomine", ("Bentyl",), ("10", "20"), indication="for the cramping",
         sigs=("four times a day before meals as needed",)),
    Drug("prochlorperazine", ("Compazine",), ("5", "10"), indication="for nausea",
         sigs=("every six hours as needed",)),
    Drug("pramipexole", ("Mirapex",), ("0.125", "0.25", "0.5"), indication="for restless legs",
         sigs=("two hours before bedtime",)),
    Drug("varenicline", ("Chantix",), ("0.5", "1"), indication="to help quit smoking",
         sigs=("twice a day after meals",)),
    Drug("calcitriol", ("Rocaltrol",), ("0.25", "0.5"), unit="micrograms",
         indication="for the parathyroid", sigs=("once daily",), form="capsule"),
    Drug("mesalamine", ("Lialda",), ("1.2",), unit="grams",
         indication="for ulcerative colitis", sigs=("twice a day with food",)),
    Drug("niacin", ("Niaspan",), ("500", "1000"), indication="for cholesterol",
         sigs=("at bedtime with a low fat snack",)),
    Drug("benztropine", ("Cogentin",), ("0.5", "1"), indication="for the muscle stiffness",
         sigs=("twice a day",)),
)

# Dictated sentences naming one drug: a medication reconciliation, discharge
# instructions, telephone and nursing notes, a pharmacist's call, a patient talking, a
# plan section, a refill request; some with a dose, some without.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "Home meds include {drug} {dose} {unit} {freq}, last filled two weeks ago.",
    "When you get home, take your {drug} {dose} {unit} {freq} {indication}.",
    "Telephone encounter: daughter called asking whether her mother should keep taking "
    "the {drug} while she has the stomach bug.",
    "Patient was given {drug} {dose} {unit} at eight this morning and tolerated it well.",
    "This is Dana from the pharmacy calling about the {drug} {dose} {unit}, the quantity "
    "doesn't match the directions.",
    "I've been taking the {drug} like you told me, but honestly I don't feel any different.",
    "Plan: {drug} {dose} {unit} {freq} {indication}, recheck in four weeks.",
    "Refill request received for {drug} {dose} {unit}, last office visit was in January.",
    "Directions for the {drug} are {freq}, {dose} {unit} at a time.",
    "After we went over the side effects and what to watch for in the next few weeks, he "
    "agreed to a trial of {drug}.",
    "Did the {drug} help at all, or should we look at something else?",
    "Her mood has been steady (she is also on {drug} {dose} {unit}), and she would like to "
    "leave things as they are.",
    "According to his wife, he is no longer on {drug}.",
    "The {drug} was changed from brand to generic at the pharmacy last month.",
    "If you miss a dose of {drug}, just skip it and take the next one at the usual time.",
    "The pharmacy says they can't fill my {drug} until they hear back from your office.",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "He stopped the {drug} on his own when he started the {drug2}, so we will sort that "
    "out next week.",
    "The {drug} was changed to {drug2} {dose2} {unit2} {freq2} while she was in the hospital.",
    "Is it okay to take my {drug} and my {drug2} together in the morning?",
    "Discharge meds: {drug2} {dose2} {unit2} {freq2} is new, and {drug} is on hold until "
    "follow up.",
)

# Clinical sentences with no drug; some with a number or a time, some with start, stop,
# hold or continue said of something that is not a drug.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Pulse ox is 95 percent and respirations are 18 and unlabored.",
    "She walked into the clinic without her cane today.",
    "Hold the tube feeds at midnight before the procedure.",
    "Continue the knee brace when walking outside.",
    "Start logging blood pressures twice a day at home.",
    "Weight today is 183 pounds, up two from August.",
    "Incision is clean and dry with no redness.",
    "The CT scan from Tuesday showed nothing new.",
    "He quit smoking about three years ago.",
    "Creatinine came back at 1.3, about the same as before.",
    "Spoke with the patient's son by phone at 4:15 this afternoon.",
    "Stop the home blood sugar checks if they stay normal for a month.",
)

# Plain everyday English with no drug names, for counting false flags; a few words look
# or sound a little like drug names by accident (lithograph, Bentley, Vista, Provence).
GENERAL_SENTENCES: tuple[str, ...] = (
    "The hardware store on Fifth Street sells a box of screws for $4.99.",
    "Maxwell left his lithograph at his aunt's house in Tucson.",
    "Mr. Bentley parked the delivery van behind the bakery at 6:30.",
    "We drove two hundred miles to see the canyon from Vista Point.",
    "The recipe calls for 250 grams of butter and three cups of flour.",
    "Our gas bill came to 86 dollars this month.",
    "Chantal and Louis are getting married in Quebec in September.",
    "The hikers climbed 1200 feet before stopping for lunch.",
    "My grandfather still keeps a flip phone in his coat pocket.",
    "The kids sold lemonade for a quarter a cup on Saturday.",
    "Tamsin baked a lemon tart for the neighbors across the hall.",
    "The geode we found on the beach weighs almost two kilograms.",
    "Preheat the oven to 350 degrees and grease the pan.",
    "They spent a week in Provence eating bread and cheese.",
    "Niagara Falls was a lot louder than I expected.",
    "The marathon starts at 7 in the morning and runs 26.2 miles.",
)

# How another engine might write a drug name it misheard (plain transcripts).
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "liraglutide": ("leer a glue tide", "lira glue tide"),
    "levocetirizine": ("leave oh set tear a zeen", "levo sit era zine"),
    "guaifenesin": ("guy fen a sin", "why fen essen"),
    "oseltamivir": ("oh sell tam a veer", "also tammy fear"),
    "terbinafine": ("turban a fine", "terb in a fine"),
    "hydromorphone": ("hydro more phone", "high drum or phone"),
    "ziprasidone": ("zip rossi done", "zippa sid own"),
    "vortioxetine": ("vortex a teen", "vort e ox a teen"),
    "lisdexamfetamine": ("lis decks am fetta mean", "list ex am feta mean"),
    "guanfacine": ("gwan fa seen", "swan fa scene"),
    "dutasteride": ("do tasty ride", "due tass ter ride"),
    "mirabegron": ("mira beg ron", "mirror beg ron"),
    "rizatriptan": ("rizza trip tan", "rise a trip tan"),
    "ticagrelor": ("tick a grell or", "tickle grill or"),
    "flecainide": ("fleck a nide", "flake in eyed"),
    "gemfibrozil": ("gem fi bro zil", "jem fib rozzle"),
    "liothyronine": ("lie o thigh ro neen", "leo thigh row nine"),
    "medroxyprogesterone": ("med rocks e pro jester own", "med roxy pro jest a roan"),
    "pramipexole": ("pram i pex all", "prami pecks hole"),
    "varenicline": ("vare nick lean", "vern a clean"),
    "Tamiflu": ("tammy flu",),
    "Lunesta": ("lune esta",),
}

# How another engine might misspell a drug name it heard right.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "levocetirizine": ("levocetrizine",),
    "guaifenesin": ("guaifenisin",),
    "oseltamivir": ("oseltamavir",),
    "ziprasidone": ("ziprazidone",),
    "gemfibrozil": ("gemfibrizol",),
    "prochlorperazine": ("prochloperazine",),
    "dicyclomine": ("dicylomine",),
}
