"""A second bank of words for the development set: other drugs, other phrasing.

``benchmarks/devset.py build --bank phrasing`` builds a set from this bank instead of
``devset_sentences``: 40 commonly prescribed drugs none of which is in the dev set's
list, dictation templates phrased differently (no "hold the X until", "okay, so the X",
"we will keep that at"), other clinical sentences (some opening with a prescribing verb
that prescribes nothing: "Continue physical therapy"), other everyday sentences, and
sound-alikes of its own for the plain transcripts. The validator's rules were first
chosen on the dev set's bank alone; this bank shows how far they carried to speech they
were not chosen on, and is now chosen on too. ``devset_holdout`` and ``devset_blind``
are the banks that are only ever measured. Everything here is written for this project;
nothing here does any I/O.
"""

from __future__ import annotations

from devset_sentences import Drug

_BP = "for blood pressure"
_MOOD = "for depression"
_SUGAR = "for diabetes"
_PAIN = "for pain"
_INF = "for the infection"
_ACID = "for heartburn"
_SPASM = "for muscle spasms"
_HEART = "for her heart"
_NAUSEA = "for nausea"

DRUGS: tuple[Drug, ...] = (
    Drug("amitriptyline", ("Elavil",), ("10", "25", "50"), indication="for sleep and nerve pain",
         sigs=("at bedtime",)),
    Drug("nortriptyline", ("Pamelor",), ("10", "25"), indication=_PAIN, sigs=("at bedtime",)),
    Drug("paroxetine", ("Paxil",), ("10", "20", "40"), indication=_MOOD),
    Drug("mirtazapine", ("Remeron",), ("7.5", "15", "30"), indication="for appetite and sleep",
         sigs=("at bedtime",)),
    Drug("risperidone", ("Risperdal",), ("0.5", "1", "2"), sigs=("twice a day", "at bedtime")),
    Drug("olanzapine", ("Zyprexa",), ("5", "10"), sigs=("at bedtime", "once daily")),
    Drug("levetiracetam", ("Keppra",), ("500", "750", "1000"), indication="for seizures",
         sigs=("twice a day",)),
    Drug("baclofen", (), ("5", "10", "20"), indication=_SPASM),
    Drug("tizanidine", ("Zanaflex",), ("2", "4"), indication=_SPASM,
         sigs=("at bedtime as needed", "three times a day as needed")),
    Drug("methocarbamol", ("Robaxin",), ("500", "750"), indication=_SPASM),
    Drug("celecoxib", ("Celebrex",), ("100", "200"), indication="for arthritis"),
    Drug("hydralazine", (), ("10", "25", "50"), indication=_BP, sigs=("three times a day",)),
    Drug("clonidine", ("Catapres",), ("0.1", "0.2"), indication=_BP, sigs=("twice a day",)),
    Drug("nifedipine", ("Procardia",), ("30", "60", "90"), indication=_BP),
    Drug("verapamil", ("Calan",), ("120", "180", "240"), indication=_BP),
    Drug("chlorthalidone", (), ("12.5", "25"), indication=_BP, sigs=("every morning",)),
    Drug("torsemide", ("Demadex",), ("10", "20", "40"), indication="for the swelling",
         sigs=("every morning",)),
    Drug("atenolol", ("Tenormin",), ("25", "50", "100"), indication=_BP),
    Drug("labetalol", (), ("100", "200"), indication=_BP, sigs=("twice a day",)),
    Drug("ezetimibe", ("Zetia",), ("10",), indication="for cholesterol"),
    Drug("glimepiride", ("Amaryl",), ("1", "2", "4"), indication=_SUGAR,
         sigs=("with breakfast",)),
    Drug("pioglitazone", ("Actos",), ("15", "30", "45"), indication=_SUGAR),
    Drug("dapagliflozin", ("Farxiga",), ("5", "10"), indication=_SUGAR,
         sigs=("every morning",)),
    Drug("semaglutide", ("Ozempic",), ("0.25", "0.5", "1"), indication=_SUGAR,
         sigs=("once a week",), form="pen"),
    Drug("esomeprazole", ("Nexium",), ("20", "40"), indication=_ACID,
         sigs=("before breakfast",)),
    Drug("lansoprazole", ("Prevacid",), ("15", "30"), indication=_ACID,
         sigs=("before breakfast",)),
    Drug("fexofenadine", ("Allegra",), ("60", "180"), indication="for hay fever"),
    Drug("benzonatate", ("Tessalon",), ("100", "200"), indication="for the cough",
         sigs=("three times a day as needed",), form="capsule"),
    Drug("valacyclovir", ("Valtrex",), ("500", "1000"), indication="for the shingles",
         sigs=("three times a day for seven days", "twice a day")),
    Drug("fluconazole", ("Diflucan",), ("150",), indication="for the yeast infection",
         sigs=("once, repeat in three days",)),
    Drug("clindamycin", ("Cleocin",), ("150", "300"), indication=_INF, form="capsule",
         sigs=("four times a day for ten days", "three times a day for seven days")),
    Drug("levofloxacin", ("Levaquin",), ("500", "750"), indication="for the pneumonia",
         sigs=("once daily for seven days",)),
    Drug("metronidazole", ("Flagyl",), ("250", "500"), indication=_INF,
         sigs=("twice a day for seven days", "three times a day for ten days")),
    Drug("donepezil", ("Aricept",), ("5", "10"), indication="for memory", sigs=("at bedtime",)),
    Drug("memantine", ("Namenda",), ("5", "10"), indication="for memory",
         sigs=("twice a day",)),
    Drug("ropinirole", ("Requip",), ("0.25", "0.5", "1"), indication="for restless legs",
         sigs=("at bedtime",)),
    Drug("oxybutynin", ("Ditropan",), ("5", "10"), indication="for bladder spasms"),
    Drug("meclizine", ("Antivert",), ("12.5", "25"), indication="for dizziness",
         sigs=("three times a day as needed",)),
    Drug("promethazine", ("Phenergan",), ("12.5", "25"), indication=_NAUSEA,
         sigs=("every six hours as needed",)),
    Drug("amiodarone", ("Pacerone",), ("100", "200"), indication=_HEART,
         sigs=("once daily with food",)),
)

# Dictated sentences naming one drug: other verbs and turns than the dev set's.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "I'd like her to try {drug} {dose} {unit} {freq}.",
    "Go ahead and discontinue the {drug}.",
    "He has been on {drug} {dose} {unit} for years without any problems.",
    "We'll taper the {drug} down to {dose} {unit} {freq}.",
    "Resume {drug} {dose} {unit} {freq} once she is eating again.",
    "The {drug} was increased last month to {dose} {unit}.",
    "Let's add {drug} {dose} {unit} {freq} {indication}.",
    "She ran out of her {drug} about a week ago.",
    "Please send a new prescription for {drug} {dose} {unit} to her pharmacy.",
    "Titrate {drug} up to {dose} {unit} {freq} as tolerated.",
    "He could not tolerate the {drug}, it made him dizzy.",
    "Her {drug} stays at {dose} {unit} {freq}.",
    "Give {drug} {dose} {unit} now and recheck in an hour.",
    "No longer taking {drug}, it was stopped by cardiology.",
    "I'm going to prescribe {drug} {dose} {unit} {freq} {indication}.",
    "Make sure she takes the {drug} {freq}.",
)

# Dictated sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "Replace the {drug} with {drug2} {dose2} {unit2} {freq2}.",
    "She takes {drug} {dose} {unit} in the morning and {drug2} {dose2} {unit2} at night.",
    "Hold the {drug} and the {drug2} on the morning of the procedure.",
    "Instead of {drug}, let's try {drug2} {dose2} {unit2} {freq2}.",
)

# Clinical sentences with no drug, spoken around the drug sentences; some open with a
# prescribing verb that prescribes nothing.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Oxygen saturation is 97 percent on room air.",
    "She reports some swelling in both ankles.",
    "Abdomen is soft and nontender.",
    "We reviewed the lab results together.",
    "He had a fall at home last Thursday.",
    "Pain is about six out of ten.",
    "Flu shot was given today in the left arm.",
    "Her daughter is here with her today.",
    "Continue physical therapy twice a week.",
    "Start walking thirty minutes a day.",
    "Stop by the lab on the way out.",
    "Increase fluids and get some rest.",
    "Temperature is 99.1 and she feels fine.",
    "Colonoscopy is due next year.",
    "Blood sugars have been high in the evenings.",
    "Hold off on the imaging for now.",
)

# Plain everyday English with no drug names, for counting false flags.
GENERAL_SENTENCES: tuple[str, ...] = (
    "The train to the city leaves every twenty minutes.",
    "Grandma sent a card with a photo of her garden.",
    "We painted the fence white over the long weekend.",
    "The printer on the second floor is out of paper again.",
    "Bring a jacket, it gets cold near the lake at night.",
    "Our neighbors adopted a puppy from the shelter.",
    "The meeting moved to Thursday afternoon at two.",
    "She plays the violin in the community orchestra.",
    "The road was closed because a tree fell across it.",
    "I ordered the pasta and he had the fish.",
    "The museum is free on the first Sunday of the month.",
    "Could you pick up some bread and milk on the way home?",
    "The team practiced in the rain for an hour.",
    "He fixed the leaking faucet in the upstairs bathroom.",
    "The library extended its hours during exam week.",
    "We watched the fireworks from the top of the hill.",
    "The store on Maple Avenue closes early on holidays.",
    "My cousin is moving to Denver in the spring.",
)

# How another engine might write a drug name it misheard (plain transcripts).
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "amitriptyline": ("a me trip to lean", "amity trip tolin"),
    "paroxetine": ("pair ox a teen", "paroxy teen"),
    "mirtazapine": ("mirth as a pin", "mirta zap in"),
    "risperidone": ("risk peri done", "whisper a done"),
    "levetiracetam": ("lever tear a set am", "leave a tear acetam"),
    "tizanidine": ("tie zan a deen", "tizzy need in"),
    "celecoxib": ("sell a cox ib", "celery cox ib"),
    "hydralazine": ("hydra lazy in", "high dral a zine"),
    "chlorthalidone": ("chlor thal a done", "floor tally done"),
    "ezetimibe": ("easy tim ibe", "as a tim a be"),
    "glimepiride": ("glimmer pie ride", "gleam a pyride"),
    "pioglitazone": ("pile glitter zone", "pio glitter zone"),
    "esomeprazole": ("easy oh me prazole", "eso me prize all"),
    "valacyclovir": ("valley cycle veer", "vala cyclo beer"),
    "levofloxacin": ("lever flocks a sin", "leave oh flox a sin"),
    "metronidazole": ("metro nida zoll", "metro night as all"),
    "donepezil": ("done a pez ill", "donna pez il"),
    "memantine": ("mem and teen", "me man teen"),
    "oxybutynin": ("oxy beauty nin", "ox ee bue tin in"),
    "amiodarone": ("am i odd a roan", "amy oda rone"),
    "Zyprexa": ("zip rex a",),
    "Celebrex": ("celeb rex",),
}

# How another engine might misspell a drug name it heard right.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "amitriptyline": ("amitryptiline",),
    "levetiracetam": ("levetiracetem",),
    "chlorthalidone": ("chlorthalydone",),
    "glimepiride": ("glimeperide",),
    "valacyclovir": ("valacyclavir",),
    "metronidazole": ("metronidazol",),
    "hydralazine": ("hydralizine",),
}
