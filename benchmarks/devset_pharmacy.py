"""A seventh word bank for the development set: the pharmacy, the telephone and the family.

A tuning bank (``benchmarks/devset.py build --bank pharmacy``), chosen on like ``ward``:
40 commonly prescribed drugs that no other bank names, with their own dictation
templates, clinical and everyday sentences and sound-alikes, written without reference
to the validator's rules, from how pharmacists, nurses, patients and families talk about
medicines. Its settings are ones a clinic note or a ward round does not cover: a
pharmacist counselling at the pickup counter, a refill line or a voicemail left on it,
a telephone triage nurse, a caregiver or a grown child listing a parent's medicines, a
poison-control or after-hours call, a travel clinic, a sports-medicine or
physical-therapy referral, a dental or podiatry office asking what a patient takes, a
school nurse, a dialysis unit, an oncology infusion chair's supportive medicines, and
discharge instructions read back to a patient.

Everything here is written for this project (no copied text); nothing here does any I/O.
The slots and the ``Drug`` class are those of ``benchmarks/devset_sentences.py``.
"""

from __future__ import annotations

from devset_sentences import Drug

_PROSTATE = "for the prostate"
_CHOL = "for cholesterol"
_BONES = "for osteoporosis"
_MIGRAINE = "for migraines"
_NAUSEA = "for nausea from the chemo"
_PHOS = "to keep the phosphorus down"

DRUGS: tuple[Drug, ...] = (
    # the pickup counter
    Drug("levonorgestrel", ("Plan B",), ("1.5",), indication="as emergency contraception",
         sigs=("as a single dose as soon as possible", "once, within three days")),
    Drug("drospirenone", ("Slynd",), ("4",), indication="for birth control",
         sigs=("at the same time every day", "daily with no break between packs")),
    Drug("nicotine", ("Nicoderm",), ("21", "14", "7"), indication="to quit smoking",
         sigs=("once a day, a fresh one each morning", "every morning, off at bedtime"),
         form="patch"),
    Drug("pseudoephedrine", ("Sudafed",), ("30", "60", "120"), indication="for congestion",
         sigs=("every four to six hours as needed", "every twelve hours as needed")),
    Drug("oxymetazoline", ("Afrin",), ("2",), unit="sprays", indication="for a stuffy nose",
         sigs=("in each nostril twice a day", "in each nostril every twelve hours"),
         form="nasal spray"),
    Drug("rabeprazole", ("Aciphex",), ("20",), indication="for heartburn",
         sigs=("once daily before breakfast", "half an hour before breakfast")),
    Drug("desloratadine", ("Clarinex",), ("5",), indication="for hay fever",
         sigs=("once a day", "once a day through pollen season")),
    Drug("eletriptan", ("Relpax",), ("20", "40"), indication=_MIGRAINE,
         sigs=("at onset, may repeat in two hours", "as needed, two a day at most")),
    Drug("rimegepant", ("Nurtec",), ("75",), indication=_MIGRAINE,
         sigs=("on the tongue when a migraine starts", "every other day to prevent them"),
         form="dissolving tablet"),
    Drug("ibandronate", ("Boniva",), ("150",), indication=_BONES,
         sigs=("once a month with plain water", "on the same date every month")),
    # refills, the caregiver's list
    Drug("evolocumab", ("Repatha",), ("140",), indication=_CHOL,
         sigs=("every two weeks", "every other week in the thigh or belly"), form="pen"),
    Drug("colesevelam", ("Welchol",), ("625", "1875"), indication=_CHOL,
         sigs=("twice a day with meals", "with the evening meal")),
    Drug("alfuzosin", ("Uroxatral",), ("10",), indication=_PROSTATE,
         sigs=("right after the same meal each day", "once daily after dinner")),
    Drug("terazosin", ("Hytrin",), ("1", "2", "5"), indication=_PROSTATE,
         sigs=("at bedtime", "at bedtime, stand up slowly"), form="capsule"),
    Drug("aspirin", ("Bayer", "Ecotrin"), ("81", "325"), indication="for the heart",
         sigs=("once a day with food", "every morning")),
    Drug("denosumab", ("Prolia",), ("60",), indication=_BONES,
         sigs=("every six months", "every six months at the office"), form="pen"),
    Drug("ergocalciferol", ("Drisdol",), ("50000",), unit="units",
         indication="for low vitamin D", sigs=("once a week", "every Sunday for twelve weeks"),
         form="capsule"),
    Drug("suvorexant", ("Belsomra",), ("10", "15", "20"), indication="for sleep",
         sigs=("within half an hour of bed", "at bedtime with a full night ahead")),
    Drug("doxylamine", ("Unisom",), ("25",), indication="for sleep",
         sigs=("at bedtime as needed", "half an hour before bed")),
    Drug("etanercept", ("Enbrel",), ("50",), indication="for rheumatoid arthritis",
         sigs=("once a week", "every week on the same day"), form="pen"),
    Drug("dupilumab", ("Dupixent",), ("300",), indication="for eczema",
         sigs=("every two weeks", "every other week, rotating sites"), form="pen"),
    # poison control, triage, sports medicine, the dentist
    Drug("naloxone", ("Narcan",), ("1",), unit="sprays", indication="for an opioid overdose",
         sigs=("in one nostril, may repeat in three minutes", "in one nostril, then call for help"),
         form="nasal spray"),
    Drug("carisoprodol", ("Soma",), ("250", "350"), indication="for back spasms",
         sigs=("three times a day as needed", "at bedtime as needed, no driving")),
    Drug("tapentadol", ("Nucynta",), ("50", "75"), indication="for pain after surgery",
         sigs=("every six hours as needed", "every four to six hours as needed")),
    Drug("enoxaparin", ("Lovenox",), ("40", "60", "80"), indication="to prevent clots",
         sigs=("once daily in the belly", "every twelve hours during the bridge"),
         form="pen"),
    # the travel clinic
    Drug("acetazolamide", ("Diamox",), ("125", "250"), indication="for altitude sickness",
         sigs=("twice a day, starting before the climb", "every twelve hours")),
    Drug("scopolamine", ("Transderm Scop",), ("1",), indication="for motion sickness",
         sigs=("behind one ear every three days", "behind the ear the night before sailing"),
         form="patch"),
    Drug("mefloquine", ("Lariam",), ("250",), indication="to prevent malaria",
         sigs=("weekly, starting two weeks before travel", "on the same day each week")),
    Drug("ivermectin", ("Stromectol",), ("3", "12", "15"), indication="for scabies",
         sigs=("as a single dose, repeated in two weeks", "once, on an empty stomach")),
    Drug("dolutegravir", ("Tivicay",), ("50",), indication="for HIV",
         sigs=("once daily", "once daily, apart from antacids")),
    # the school nurse
    Drug("epinephrine", ("EpiPen",), ("0.3", "0.15"), indication="for a severe allergic reaction",
         sigs=("in the outer thigh as needed", "in the thigh, then call an ambulance"),
         form="pen"),
    Drug("glucagon", ("Baqsimi",), ("1",), unit="sprays", indication="for a severe low sugar",
         sigs=("in one nostril if the child cannot swallow", "in one nostril, may repeat once"),
         form="nasal powder"),
    Drug("dextroamphetamine", ("Dexedrine",), ("5", "10", "15"), indication="for ADHD",
         sigs=("every morning before school", "in the morning and again at noon")),
    # the dialysis unit
    Drug("sevelamer", ("Renvela", "Renagel"), ("800",), indication=_PHOS,
         sigs=("with each meal", "three times a day with meals")),
    Drug("calcium acetate", ("PhosLo",), ("667",), indication=_PHOS,
         sigs=("with each meal", "with meals and snacks"), form="capsule"),
    Drug("cinacalcet", ("Sensipar",), ("30", "60", "90"), indication="for the parathyroid",
         sigs=("once daily with food", "with dinner")),
    Drug("epoetin alfa", ("Epogen", "Procrit"), ("4000", "6000", "8000"), unit="units",
         indication="for the anemia", sigs=("three times a week at dialysis", "once a week"),
         form="pen"),
    # the infusion chair
    Drug("aprepitant", ("Emend",), ("125", "80"), indication=_NAUSEA,
         sigs=("an hour before the chemo", "on days two and three"),
         form="capsule"),
    Drug("granisetron", ("Kytril",), ("1", "2"), indication=_NAUSEA,
         sigs=("an hour before the chemo", "twice a day on chemo days")),
    Drug("pegfilgrastim", ("Neulasta",), ("6",), indication="to keep the white count up",
         sigs=("the day after chemo", "a day after each infusion"), form="pen"),
)

# Sentences naming one drug: the counter, the phone, the family, the school, the unit.
ONE_DRUG_TEMPLATES: tuple[str, ...] = (
    "Before you go, any questions on the {drug}, {dose} {unit} {freq}?",
    "{drug} {dose} {unit}, I'm calling for a refill, same as last time.",
    "When did you take the last {drug}, this morning?",
    "Then there's the {drug}, the little white one, {freq}.",
    "My son got into her {drug}, the box says {dose} {unit}.",
    "For the trip, take {drug} {dose} {unit} {freq}.",
    "The team doctor has him on {drug} {dose} {unit} {freq}.",
    "Are you still taking {drug}, and if so, how often?",
    "We keep her {drug} here in the office, {dose} {unit}.",
    "At dialysis they changed his {drug} to {dose} {unit}.",
    "In the chair today she had {drug} {dose} {unit} {indication}.",
    "So the {drug} is {dose} {unit} {freq}, is that right?",
    "This is the generic for {drug}, so the pill will look different.",
    "It's {drug}, {dose} {unit}, she takes it {indication}.",
    "Take half a tab of the {drug} until you see the doctor.",
    "She took two of the {drug} by mistake, is that dangerous?",
    "The only one I need refilled this month is the {drug}.",
)

# Sentences naming two drugs.
TWO_DRUG_TEMPLATES: tuple[str, ...] = (
    "Dad takes {drug} {dose} {unit} in the morning and {drug2} {dose2} {unit2} {freq2}.",
    "Don't take the {drug} at the same time as the {drug2}, space them a few hours apart.",
    "Before the infusion she gets {drug} {dose} {unit} and {drug2} {dose2} {unit2}.",
    "So I stop the {drug} and start {drug2} {dose2} {unit2} {freq2}, right?",
)

# Clinical sentences with no drug, said around the drug sentences in these settings.
CLINICAL_CONTEXT: tuple[str, ...] = (
    "Your copay today is twelve dollars.",
    "The insurance wants a prior authorization before we can fill it.",
    "She came in two kilos over her dry weight.",
    "Temperature this morning was 101.4.",
    "Call back if the swelling spreads or you get a fever.",
    "He has no allergies that we know of.",
    "She has been throwing up since about midnight.",
    "The blood count was low, so treatment is held today.",
    "Keep them in the original bottle, up high and away from the kids.",
    "How old is the child and about how much does he weigh?",
    "Ice the knee for twenty minutes at a time, three or four times a day.",
    "Your next appointment is on the fourteenth at two thirty.",
)

# Plain everyday speech with no drug; some words only sound like pieces of drug names,
# and some sentences carry numbers, amounts and measures.
GENERAL_SENTENCES: tuple[str, ...] = (
    "We need a plan B in case the ferry is cancelled.",
    "Try to relax, the movers will be here by nine.",
    "The soda machine by the gym only takes quarters.",
    "Add half a teaspoon of baking soda and two cups of flour.",
    "The trail climbs about six hundred meters in the first mile.",
    "She asked for a spare pen at the front desk.",
    "He scoped out the new climbing wall before he signed up.",
    "The kettle holds one point five litres of water.",
    "Our team won the match five to one on Saturday.",
    "That episode ended on a cliffhanger again.",
    "The recipe calls for 250 grams of butter and three eggs.",
    "The renovation should take ten to twelve weeks.",
    "Grandpa likes his coffee black with one sugar.",
    "We split the bill four ways and left a good tip.",
    "A can of cola has about 35 milligrams of caffeine.",
    "The forecast says two inches of snow overnight, maybe more in the hills.",
)

# How a small speech engine that does not know a name writes it, worked out by saying the
# name aloud; lower case, the caller fixes the case.
MISHEARINGS: dict[str, tuple[str, ...]] = {
    "levonorgestrel": ("leave oh nor jest roll", "lever nor gestural"),
    "Plan B": ("plan bee", "planned be"),
    "drospirenone": ("dross pyre a known", "dro spy renown"),
    "rabeprazole": ("rabbit prays all", "rub up raise all"),
    "ibandronate": ("i band ro nate", "eye band run eight"),
    "Relpax": ("rel packs", "real packs"),
    "Repatha": ("re pasta", "repath a"),
    "denosumab": ("then oh sue mab", "dennis you mab"),
    "suvorexant": ("sue for rex ant", "suva wrecks and"),
    "acetazolamide": ("a seat as old a mid", "a set of zola mide"),
    "scopolamine": ("scope all a mean", "scoop all a mean"),
    "carisoprodol": ("carry so pro doll", "carrie's so product"),
    "enoxaparin": ("any ox a parent", "e knocks a pairing"),
    "Lovenox": ("love knocks", "love nox"),
    "dextroamphetamine": ("dextro am fed a mean", "dexter am feta mean"),
    "sevelamer": ("several hammer", "seven la mer"),
    "cinacalcet": ("cinna cal set", "sin a call set"),
    "aprepitant": ("a prep it and", "up rep it ant"),
    "pegfilgrastim": ("peg fill grass tim", "peg filled grass team"),
    "dolutegravir": ("do lute a grab ear", "dollar tegra veer"),
    "pseudoephedrine": ("sudo if a dream", "pseudo effa drin"),
    "tapentadol": ("tap in a doll", "the pent a doll"),
    "doxylamine": ("dock sill a mean", "docks ella mean"),
    "mefloquine": ("met flow queen", "mefflo quin"),
}

# Near-miss spellings a person or an OCR engine writes for a name it almost knows.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "levonorgestrel": ("levonorgestral", "levonorgesterol"),
    "pseudoephedrine": ("pseudophedrine", "psuedoephedrine"),
    "acetazolamide": ("acetazolomide",),
    "carisoprodol": ("carisoprodal", "carisprodol"),
    "enoxaparin": ("enoxaprin", "enoxaparln"),
    "sevelamer": ("sevalamer", "sevelarner"),
    "tapentadol": ("tapentodol", "tapendatol"),
    "colesevelam": ("colesevalam", "colesevelarn"),
}
