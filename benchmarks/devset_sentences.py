"""The words of the development set: drugs, dictation templates, sound-alikes, everyday text.

Everything here is written for this project (no copied text). ``benchmarks/devset.py``
turns it into recordings, images and transcripts; nothing here does any I/O.

Template slots: ``{drug}`` / ``{drug2}`` (a drug name, generic or brand, recorded as a
term), ``{dose}``, ``{unit}``, ``{freq}``, ``{indication}``, ``{days}`` and the same with a
``2`` suffix for the second drug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Drug:
    """A commonly prescribed drug as a clinician would dictate or write it."""

    generic: str
    brands: tuple[str, ...]
    doses: tuple[str, ...]
    unit: str = "milligrams"
    indication: str = ""
    sigs: tuple[str, ...] = ()  # drug-specific directions; generic FREQUENCIES otherwise
    form: str = "tablet"


_BP = "for blood pressure"
_CHOL = "for cholesterol"
_MOOD = "for depression"
_ANX = "for anxiety"
_SUGAR = "for diabetes"
_PAIN = "for pain"
_INF = "for the infection"
_ACID = "for reflux"
_SLEEP = "for sleep"
_ALL = "for allergies"

DRUGS: tuple[Drug, ...] = (
    Drug("lisinopril", ("Zestril", "Prinivil"), ("5", "10", "20", "40"), indication=_BP),
    Drug("atorvastatin", ("Lipitor",), ("10", "20", "40", "80"), indication=_CHOL,
         sigs=("at bedtime", "once daily")),
    Drug("levothyroxine", ("Synthroid", "Levoxyl"), ("25", "50", "75", "88", "100", "125"),
         unit="micrograms", indication="for the thyroid",
         sigs=("every morning on an empty stomach", "once daily before breakfast")),
    Drug("metformin", ("Glucophage",), ("500", "850", "1000"), indication=_SUGAR,
         sigs=("twice a day with meals", "once daily with dinner")),
    Drug("amlodipine", ("Norvasc",), ("2.5", "5", "10"), indication=_BP),
    Drug("metoprolol", ("Lopressor", "Toprol"), ("25", "50", "100"), indication=_BP,
         sigs=("twice a day", "once daily")),
    Drug("omeprazole", ("Prilosec",), ("20", "40"), indication=_ACID,
         sigs=("once daily before breakfast", "every morning")),
    Drug("simvastatin", ("Zocor",), ("10", "20", "40"), indication=_CHOL,
         sigs=("every evening", "at bedtime")),
    Drug("losartan", ("Cozaar",), ("25", "50", "100"), indication=_BP),
    Drug("albuterol", ("Ventolin", "ProAir"), ("2",), unit="puffs",
         indication="for wheezing", form="inhaler",
         sigs=("every four to six hours as needed", "before exercise as needed")),
    Drug("gabapentin", ("Neurontin",), ("100", "300", "600"), indication="for nerve pain",
         sigs=("three times a day", "at bedtime")),
    Drug("hydrochlorothiazide", ("Microzide",), ("12.5", "25"), indication=_BP,
         sigs=("every morning", "once daily")),
    Drug("sertraline", ("Zoloft",), ("25", "50", "100"), indication=_MOOD),
    Drug("furosemide", ("Lasix",), ("20", "40", "80"), indication="for the swelling",
         sigs=("every morning", "twice a day")),
    Drug("acetaminophen", ("Tylenol",), ("325", "500", "650"), indication=_PAIN,
         sigs=("every six hours as needed", "every eight hours as needed")),
    Drug("amoxicillin", ("Amoxil",), ("250", "500", "875"), indication=_INF,
         sigs=("three times a day for ten days", "twice a day for seven days"),
         form="capsule"),
    Drug("prednisone", ("Deltasone",), ("5", "10", "20", "40"),
         indication="for the flare", sigs=("daily for five days", "every morning with food")),
    Drug("pantoprazole", ("Protonix",), ("20", "40"), indication=_ACID,
         sigs=("once daily before breakfast",)),
    Drug("escitalopram", ("Lexapro",), ("5", "10", "20"), indication=_ANX),
    Drug("rosuvastatin", ("Crestor",), ("5", "10", "20", "40"), indication=_CHOL),
    Drug("bupropion", ("Wellbutrin",), ("150", "300"), indication=_MOOD,
         sigs=("every morning",)),
    Drug("fluoxetine", ("Prozac",), ("10", "20", "40"), indication=_MOOD, form="capsule"),
    Drug("trazodone", ("Desyrel",), ("50", "100"), indication=_SLEEP, sigs=("at bedtime",)),
    Drug("tamsulosin", ("Flomax",), ("0.4",), indication="for the prostate",
         sigs=("thirty minutes after dinner", "once daily"), form="capsule"),
    Drug("montelukast", ("Singulair",), ("10",), indication="for asthma",
         sigs=("every evening",)),
    Drug("meloxicam", ("Mobic",), ("7.5", "15"), indication="for arthritis",
         sigs=("once daily with food",)),
    Drug("clopidogrel", ("Plavix",), ("75",), indication="after the stent"),
    Drug("carvedilol", ("Coreg",), ("6.25", "12.5", "25"), indication="for heart failure",
         sigs=("twice a day with food",)),
    Drug("warfarin", ("Coumadin",), ("2", "5", "7.5"), indication="for atrial fibrillation",
         sigs=("every evening", "daily as directed")),
    Drug("apixaban", ("Eliquis",), ("2.5", "5"), indication="for atrial fibrillation",
         sigs=("twice a day",)),
    Drug("rivaroxaban", ("Xarelto",), ("10", "15", "20"), indication="for the clot",
         sigs=("once daily with the evening meal",)),
    Drug("insulin glargine", ("Lantus",), ("10", "14", "20", "24", "30"), unit="units",
         indication=_SUGAR, sigs=("at bedtime", "every evening"), form="pen"),
    Drug("duloxetine", ("Cymbalta",), ("30", "60"), indication=_MOOD, form="capsule"),
    Drug("citalopram", ("Celexa",), ("10", "20", "40"), indication=_MOOD),
    Drug("tramadol", ("Ultram",), ("50",), indication=_PAIN,
         sigs=("every six hours as needed",)),
    Drug("cyclobenzaprine", ("Flexeril",), ("5", "10"), indication="for muscle spasms",
         sigs=("three times a day as needed", "at bedtime as needed")),
    Drug("alprazolam", ("Xanax",), ("0.25", "0.5", "1"), indication=_ANX,
         sigs=("twice a day as needed",)),
    Drug("clonazepam", ("Klonopin",), ("0.5", "1"), indication="for panic attacks",
         sigs=("twice a day", "at bedtime")),
    Drug("lorazepam", ("Ativan",), ("0.5", "1"), indication=_ANX,
         sigs=("every eight hours as needed",)),
    Drug("zolpidem", ("Ambien",), ("5", "10"), indication=_SLEEP,
         sigs=("at bedtime as needed",)),
    Drug("venlafaxine", ("Effexor",), ("37.5", "75", "150"), indication=_MOOD,
         form="capsule"),
    Drug("spironolactone", ("Aldactone",), ("25", "50"), indication="for heart failure"),
    Drug("glipizide", ("Glucotrol",), ("5", "10"), indication=_SUGAR,
         sigs=("before breakfast", "twice a day before meals")),
    Drug("pravastatin", ("Pravachol",), ("20", "40"), indication=_CHOL,
         sigs=("at bedtime",)),
    Drug("propranolol", ("Inderal",), ("10", "20", "40"), indication="for tremor",
         sigs=("twice a day",)),
    Drug("allopurinol", ("Zyloprim",), ("100", "300"), indication="for gout"),
    Drug("famotidine", ("Pepcid",), ("20", "40"), indication=_ACID,
         sigs=("twice a day", "at bedtime")),
    Drug("azithromycin", ("Zithromax",), ("250", "500"), indication=_INF,
         sigs=("once daily for five days",)),
    Drug("cephalexin", ("Keflex",), ("500",), indication=_INF,
         sigs=("four times a day for seven days",), form="capsule"),
    Drug("ciprofloxacin", ("Cipro",), ("250", "500"), indication=_INF,
         sigs=("twice a day for three days",)),
    Drug("doxycycline", ("Vibramycin",), ("100",), indication=_INF,
         sigs=("twice a day for ten days",)),
    Drug("ondansetron", ("Zofran",), ("4", "8"), indication="for nausea",
         sigs=("every eight hours as needed",)),
    Drug("hydroxyzine", ("Atarax", "Vistaril"), ("25",), indication="for itching",
         sigs=("three times a day as needed",)),
    Drug("buspirone", ("Buspar",), ("5", "10", "15"), indication=_ANX,
         sigs=("twice a day",)),
    Drug("quetiapine", ("Seroquel",), ("25", "50", "100"), indication=_SLEEP,
         sigs=("at bedtime",)),
    Drug("aripiprazole", ("Abilify",), ("2", "5", "10"), indication=_MOOD),
    Drug("lamotrigine", ("Lamictal",), ("25", "100"), indication="for seizures",
         sigs=("twice a day",)),
    Drug("topiramate", ("Topamax",), ("25", "50"), indication="for migraine",
         sigs=("twice a day", "at bedtime")),
    Drug("methylprednisolone", ("Medrol",), ("4",), indication="for the rash",
         sigs=("as directed on the dose pack",)),
    Drug("fluticasone", ("Flonase",), ("2",), unit="sprays", indication=_ALL,
         sigs=("in each nostril once daily",), form="nasal spray"),
    Drug("cetirizine", ("Zyrtec",), ("10",), indication=_ALL),
    Drug("loratadine", ("Claritin",), ("10",), indication=_ALL),
    Drug("diclofenac", ("Voltaren",), ("50", "75"), indication="for arthritis",
         sigs=("twice a day with food",)),
    Drug("naproxen", ("Naprosyn", "Aleve"), ("250", "500"), indication=_PAIN,
         sigs=("twice a day with food",)),
    Drug("ibuprofen", ("Motrin", "Advil"), ("400", "600", "800"), indication=_PAIN,
         sigs=("every eight hours with food as needed",)),
    Drug("oxycodone", ("Roxicodone",), ("5", "10"), indication=_PAIN,
         sigs=("every six hours as needed for severe pain",)),
    Drug("sitagliptin", ("Januvia",), ("50", "100"), indication=_SUGAR),
    Drug("empagliflozin", ("Jardiance",), ("10", "25"), indication=_SUGAR,
         sigs=("every morning",)),
    Drug("finasteride", ("Proscar",), ("5",), indication="for the prostate"),
    Drug("valsartan", ("Diovan",), ("80", "160"), indication=_BP),
    Drug("diltiazem", ("Cardizem",), ("120", "180", "240"), indication="for rate control",
         form="capsule"),
    Drug("digoxin", ("Lanoxin",), ("0.125", "0.25"), indication="for rate control"),
    Drug("nitrofurantoin", ("Macrobid",), ("100",), indication="for the urinary infection",
         sigs=("twice a day for five days",), form="capsule"),
    Drug("sumatriptan", ("Imitrex",), ("50", "100"), indication="for migraine",
         sigs=("at the onset of headache, may repeat once after two hours",)),
    Drug("potassium chloride", ("Klor-Con",), ("10", "20"), unit="milliequivalents",
         indication="while on the water pill"),
    Drug("enalapril", ("Vasotec",), ("5", "10", "20"), indication=_BP),
    Drug("benazepril", ("Lotensin",), ("10", "20"), indication=_BP),
    Drug("methotrexate", ("Trexall",), ("2.5",), indication="for rheumatoid arthritis",
         sigs=("once a week on Mondays",)),
)

FREQUENCIES: tuple[str, ...] = (
    "once daily", "once a day", "twice a day", "twice daily", "every morning",
    "every evening", "at bedtime", "three times a day", "every twelve hours", "daily",
)

# Dictated sentences naming one drug. The validator is judged on these.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "Start {drug} {dose} {unit} {freq}.",
    "Continue {drug} {dose} {unit} {freq}.",
    "{drug} {dose} {unit} {freq}.",
    "Increase {drug} to {dose} {unit} {freq}.",
    "Decrease the {drug} to {dose} {unit} {freq}.",
    "Patient reports taking {drug} {dose} {unit} {freq}.",
    "She is currently on {drug} {dose} {unit} {freq} {indication}.",
    "He takes {drug} {dose} {unit} {freq} {indication}.",
    "Prescribed {drug} {dose} {unit} {freq}, dispense thirty with two refills.",
    "Refill the {drug} {dose} {unit}, ninety day supply.",
    "We will stop the {drug} today because of side effects.",
    "Hold the {drug} until the kidney function is rechecked.",
    "Patient is allergic to {drug}, it gave her a rash.",
    "Take {drug} {dose} {unit} by mouth {freq} {indication}.",
    "Plan is to restart {drug} at {dose} {unit} {freq}.",
    "Okay, so the {drug}, we will keep that at {dose} {unit} {freq}.",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "Switch from {drug} to {drug2} {dose2} {unit2} {freq2}.",
    "Continue {drug} {dose} {unit} and add {drug2} {dose2} {unit2} {freq2}.",
    "Current medications are {drug} {dose} {unit} and {drug2} {dose2} {unit2}.",
    "Stop the {drug} and start {drug2} {dose2} {unit2} {freq2} {indication2}.",
)

# Clinical sentences with no drug, spoken around the drug sentences.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Blood pressure today is 142 over 88.",
    "Follow up in three months with repeat labs.",
    "The patient denies chest pain or shortness of breath.",
    "Hemoglobin A1c was 7.8 percent.",
    "No known drug allergies.",
    "Return to clinic in two weeks.",
    "Kidney function is stable.",
    "She says the cough has improved since last visit.",
    "Weight is down four pounds.",
    "Lungs are clear to auscultation bilaterally.",
    "We discussed diet and exercise at length.",
    "Check a basic metabolic panel in one week.",
    "He is tolerating everything well with no side effects.",
    "Heart rate is regular at 72.",
    "Patient was counseled on the risks and benefits.",
    "Sleep is poor and mood is low.",
)

# Plain everyday English with no drug names, for counting false flags.
GENERAL_SENTENCES: tuple[str, ...] = (
    "The bus was late again this morning, so I walked to work.",
    "Please remember to water the plants on the back porch.",
    "We are meeting at the library at half past three.",
    "My sister bought a blue bicycle with a basket on the front.",
    "The soup needs a little more salt and some fresh pepper.",
    "Can you send me the pictures from the weekend trip?",
    "It rained all afternoon, and the river rose over the path.",
    "The kids built a small wooden boat in the garage.",
    "I left my keys on the kitchen table next to the mail.",
    "The new bakery on the corner opens at seven.",
    "He called to say the package arrived on Tuesday.",
    "Turn left after the bridge and park behind the school.",
    "The football match was cancelled because of the snow.",
    "She is learning to play the piano in the evenings.",
    "Our neighbour painted the fence a bright shade of green.",
    "The train to the coast takes about two hours.",
    "Let us order pizza and watch a film tonight.",
    "The meeting has been moved to Thursday at ten.",
    "A small dog followed us all the way home from the park.",
    "The printer on the second floor is out of paper.",
    "I think the store closes early on Sundays.",
    "We planted tomatoes, beans and a row of sunflowers.",
    "Could you pick up some milk and bread on the way back?",
    "The museum is free for children under twelve.",
    "He fixed the leaking tap with a new washer.",
    "The sky cleared just before sunset.",
    "Thank you for the lovely dinner last night.",
    "The library asks everyone to return books by Friday.",
)

# Everyday English with amounts in it and no drug, for counting false flags where a
# number and a unit follow a word (benchmarks/amount_false_flags.py; not in the dev set).
AMOUNT_SENTENCES: tuple[str, ...] = (
    "Each tablet contains 500 milligrams of the active ingredient.",
    "A cup of coffee has about 95 milligrams of caffeine.",
    "Each capsule provides 250 milligrams of calcium.",
    "Add 100 milligrams of salt to the solution and stir for five minutes.",
    "One serving delivers 120 milligrams of magnesium.",
    "The label says it holds 300 milligrams of potassium.",
    "Our recipe uses 200 grams of flour and two eggs.",
    "The lab measured 12 milligrams of lead in the soil sample.",
    "A banana offers roughly 400 milligrams of potassium.",
    "Mix 5 milliliters of vinegar with a litre of warm water.",
    "The chocolate bar packs 60 milligrams of caffeine.",
    "Her smoothie adds 10 grams of protein to breakfast.",
    "The study gave volunteers 200 milligrams of caffeine before the test.",
    "This cereal supplies 8 milligrams of iron in every bowl.",
    "The spring water carries only 2 milligrams of sodium per litre.",
    "An egg yolk holds about 185 milligrams of cholesterol.",
    "The energy drink lists 80 milligrams of caffeine on the can.",
    "Steep 2 grams of tea leaves for three minutes.",
    "The farmer sprayed 500 milliliters of the mixture on each row.",
    "The report found 15 milligrams of nitrate in the well water.",
    "The sample weighed 250 milligrams after drying in the oven.",
    "Sodium intake should stay under 2000 milligrams per day.",
    "The new formula has 30 milligrams less sugar per serving.",
    "The bakery sells a loaf of 800 grams for three pounds.",
    "Pour 250 milliliters of milk into the bowl and whisk gently.",
)

# How a speech engine that does not know a drug name writes it: sound-alike English
# words, made by hand by saying the name aloud. Lower case; the caller fixes the case.
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "lisinopril": ("lice in a pill", "listen april"),
    "atorvastatin": ("a tour of a statin", "at or vast a tin"),
    "levothyroxine": ("leave a thigh rocks in", "lever thyroxine"),
    "metformin": ("met for min", "met for me"),
    "amlodipine": ("am load a pin", "amlo dip in"),
    "metoprolol": ("me topple all", "metro pro lol"),
    "omeprazole": ("oh my prize all", "omep raise all"),
    "simvastatin": ("sim vast a tin", "symphysis tan"),
    "losartan": ("lose a tan", "low sartan"),
    "albuterol": ("all beauty rule", "albu terrel"),
    "gabapentin": ("gabba pen tin", "gobble pentin"),
    "hydrochlorothiazide": ("hydro chloro thigh a side", "hydro floral thiazide"),
    "sertraline": ("certain line", "sir tray lean"),
    "furosemide": ("fur oh sem ide", "further side"),
    "acetaminophen": ("a seat a mino fen", "a set of minnow fin"),
    "amoxicillin": ("a moxie sillin", "a mock silly"),
    "prednisone": ("pred nice own", "bread nissan"),
    "pantoprazole": ("panto pray zoll", "pant a prize all"),
    "escitalopram": ("ask it a low pram", "s sit alo pram"),
    "rosuvastatin": ("rose of a statin", "rosa vast a tin"),
    "tamsulosin": ("tam sue lo sin", "tom's you lose in"),
    "montelukast": ("monte luke cast", "mount a lu cast"),
    "clopidogrel": ("clop a dog rel", "clopid a girl"),
    "carvedilol": ("carve a dill all", "carved lol"),
    "apixaban": ("a pick sa ban", "apex a band"),
    "rivaroxaban": ("river rocks a ban", "riva rock saban"),
    "duloxetine": ("do locks a teen", "dual oxytene"),
    "cyclobenzaprine": ("cyclo benz a preen", "cycle bends a prime"),
    "alprazolam": ("al prays a lamb", "al pratso lamb"),
    "zolpidem": ("zol pid em", "soul pit them"),
    "spironolactone": ("spire on a lactone", "spiro no lack tone"),
    "ondansetron": ("on dancer tron", "on dance a tron"),
    "quetiapine": ("kwetia peen", "cut a pain"),
    "lamotrigine": ("lamb o tree gene", "la motor gene"),
    "empagliflozin": ("empa glee flows in", "em pack lee flow zin"),
    "nitrofurantoin": ("nitro fur and twin", "night trophy ran toin"),
    "sitagliptin": ("sit a glip tin", "sitter clip tin"),
    "venlafaxine": ("when la fax in", "venla fax seen"),
    "Eliquis": ("ella quiz", "elli kiss"),
    "Xarelto": ("zarelto", "sa rel toe"),
    "Lipitor": ("lip it or", "lipid or"),
    "Zoloft": ("so loft", "zoe loft"),
    "Januvia": ("jan you via", "january via"),
    "Jardiance": ("jar dance", "jardi ants"),
}

# Near-miss spellings an engine or a typist produces for a name it almost knows.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "atorvastatin": ("atorvastatine", "atorvastin"),
    "metoprolol": ("metroprolol",),
    "hydrochlorothiazide": ("hydrochlorthiazide",),
    "levothyroxine": ("levothyroxin",),
    "amlodipine": ("amlodapine",),
    "gabapentin": ("gabapenten",),
    "prednisone": ("predisone",),
    "omeprazole": ("omeprazol",),
    "clopidogrel": ("clopidogrell",),
    "furosemide": ("furosamide",),
    "escitalopram": ("escitalipram",),
    "tamsulosin": ("tamsulosine",),
}

FIRST_NAMES: tuple[str, ...] = (
    "Maria", "James", "Linda", "Robert", "Aisha", "Chen", "Fatima", "David", "Olga",
    "Samuel", "Priya", "Thomas", "Grace", "Omar", "Helen", "Jorge", "Mei", "Patrick",
)
LAST_NAMES: tuple[str, ...] = (
    "Garcia", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad", "Brown", "Patel",
    "Lindqvist", "Moreau", "Tanaka", "O'Neill", "Rossi", "Mensah", "Fischer", "Cohen",
)
PRACTICES: tuple[str, ...] = (
    "Riverside Family Practice", "Northgate Medical Group", "Elm Street Clinic",
    "Lakeview Internal Medicine", "Harbor Community Health Center", "Maple Grove Physicians",
)
PHARMACIES: tuple[str, ...] = (
    "CORNER PHARMACY", "MAIN ST DRUG", "VALLEY RX", "GREENLEAF PHARMACY", "CITY CARE PHARMACY",
)
