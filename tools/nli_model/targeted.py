"""Targeted NLI pairs for the blind spots of the small cross-encoder (written by the team, CC BY 4.0).

Every template, slot list and sentence below was written by the team. Six families, each with the
controls that stop its surface cue from predicting the label on its own:

- role_swap: "A beat B 2-1 in the final" contradicts "B beat A 2-1 in the final" when only one side
  can win (beat, knocked out, outbid, finished ahead of ...); swapping the roles of a relation both
  can hold ("A sued B" / "B sued A", sold, hired, criticised) is neutral. Controls: the identical
  sentence and a paraphrase verb with the same roles ("A defeated B" <=> "A beat B") entail.
- converse: a converse paraphrase entails both ways ("A lost to B" <=> "B beat A", "A sold X to B"
  <=> "B bought X from A", active <=> passive). Control: the converse with the roles also swapped
  ("A lost to B" / "A beat B") contradicts for exclusive relations and is neutral otherwise.
- identity: a news sentence entails itself and any copy that differs only in punctuation, case,
  quote style, spacing or a citation marker ("[3]", "(Reuters)"), both ways. Only entailment here:
  the near-copies with a changed number or role that are *not* entailed live in format and role_swap.
- factive: "S confirmed / revealed / acknowledged that P" entails P (also when P changes tense,
  "had seized" / "seized") and contradicts not-P; "S claimed / alleged / said / denied that P" is
  neutral to P and to not-P. Controls: P alone does not entail "S confirmed that P" (neutral);
  "S claimed that P" entails itself and "S said that P". Own-side reports vary the form: a side
  reports what its own people did ("the army said its troops had ...", with or without "that", the
  report after its content, "according to"), against a plain statement naming the doers another way
  ("army troops ...").
- format: the same fact in another format entails both ways ("magnitude 6" / "magnitude-6.0",
  "six" / "6", "12 km" / "12 kilometres", "5 miles" / "about 8 km", "3 May 2024" / "May 3, 2024",
  "$1.5 billion" / "US$1.5bn", "25 percent" / "a quarter"). Control: another number in the same
  format contradicts.
- bounds: "35 were injured" entails "at least 30" and "fewer than 40" (reverse neutral) and
  contradicts "fewer than 30" and "more than 40"; "more than 100" entails "more than 50" (reverse
  neutral). Nouns and verbs differ from the "cut N jobs" ladder in ladders.py.

Labels: "entailment", "neutral", "contradiction". ``category`` is "targeted_<family>"; ``group`` is the
template id ("role_swap:t03"): every row of one template shares it, so the caller's held-out split
(``data.in_heldout(group, 0.2)``) holds out whole templates and measures generalisation to unseen
wordings. Phrases of the hand-written held-out evaluation pairs are deliberately not used.
"""

from __future__ import annotations

import random

import pandas as pd

E, N, C = "entailment", "neutral", "contradiction"

# fmt: off
PEOPLE = [
    "Anna Kovac", "Tomas Berger", "Lina Ferreira", "Oskar Lindqvist", "Maya Okafor", "Daniel Reyes",
    "Ingrid Halvorsen", "Samir Haddad", "Clara Mendes", "Viktor Petrov", "Nadia Rahman", "Paul Dubois",
    "Elena Marin", "Jonas Weber", "Grace Mwangi", "Luca Bianchi", "Sofia Novak", "Ravi Menon",
    "Hannah Olsen", "Mateo Cruz", "Yara Nassar", "Felix Brandt", "Irene Costa", "Kofi Mensah",
    "Mira Sato", "Pieter de Vries", "Agnes Horvath", "Omar Siddiqui", "Julia Kowalska", "Ben Adeyemi",
    "Teresa Lund", "Marco Esposito", "Leila Farahani", "Simon Achterberg", "Rosa Delgado",
]
COUNTRIES = [
    "Marvania", "Teloria", "Brastovia", "Quendar", "Ilvessia", "Korrland", "Sarimba", "Dalmora",
    "Vesterholm", "Caldera Republic", "Noravia", "Pelanor", "Ustrana", "Zembria", "Kalvat", "Orlesia",
    "Tamberlin", "Morvenia", "Rhosmark", "Eskavia", "Lunaria", "Bellacosta", "Drakmor", "Ferovia",
    "Galimar", "Heskland", "Isperia", "Jovania", "Karsten Isles", "Lestovia", "Mirandel", "Nuvaria",
]
CLUBS = [
    "Redwater United", "Almsford City", "Kingsbrook Rovers", "Port Elling FC", "Dunmore Athletic",
    "Westhaven Wanderers", "Calder Town", "Stonebridge Albion", "Northfield Rangers", "Marlow Vale",
    "Ashcombe United", "Brennick City", "Fairhollow FC", "Greyport Athletic", "Highmoor Rovers",
    "Larkspur Town", "Millbeck United", "Oakenshaw FC", "Ravensholt City", "Saltmarsh Albion",
    "Thornbury Athletic", "Upton Reach FC", "Valeport Rangers", "Whitcombe Town", "Yarrow United",
    "Eastmoor City", "Glenridge FC", "Hollins Park", "Kestrel Bay FC", "Lowfield Rovers",
]
COMPANIES = [
    "Norvell Foods", "Brightpeak Energy", "Castlegate Media", "Duneline Shipping", "Everfield Pharma",
    "Fenwick Motors", "Granite Peak Telecom", "Halloway Steel", "Ironvale Mining", "Juniper Air",
    "Kingsmere Insurance", "Lumera Software", "Meridian Rail", "Northgate Chemicals", "Orchid Textiles",
    "Pinecrest Logistics", "Quarrystone Cement", "Riverside Brewing", "Silverline Retail", "Tessaly Solar",
    "Umbra Robotics", "Vantor Aerospace", "Westbrook Paper", "Yellowfin Seafood", "Zenith Clinics",
    "Ambergate Hotels", "Bluecrest Water", "Corvid Security", "Delmont Glass", "Emberly Toys",
]
TOWNS = [
    "Eastmere", "Dunhallow", "Port Caddon", "Kilbrae", "Ashworth", "Mellingford", "Trevane", "Brackwater",
    "Hollowmead", "Corran", "Lindfield Cross", "Saltby", "Wexmoor", "Grantham Ridge", "Penhallow",
    "Rosecliff", "Tarrow", "Ulverby", "Fennick", "Goldhaven", "Harrowgate Vale", "Iverston", "Jesmond Hill",
    "Kettering Marsh", "Lowenna", "Marden Bay", "Northwick", "Oxley", "Pellworth", "Quinton Ford",
    "Ravensby", "Stourmouth",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve"]
ORDINALS = [("first", "1st"), ("second", "2nd"), ("third", "3rd"), ("fourth", "4th"), ("fifth", "5th"),
            ("sixth", "6th"), ("seventh", "7th"), ("eighth", "8th"), ("ninth", "9th")]
# Sides named by a common noun phrase (lower case; _cap capitalises a sentence that starts with one).
GROUPS = [
    "the government", "the conservatives", "the Greens", "the centrist alliance",
    "the governing party", "the liberal bloc", "the Social Democrats", "the farmers' party",
    "the nationalists",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ASSETS = ["insurance arm", "shipping unit", "stake in the port", "office tower in {T}", "software division",
          "retail chain", "London offices", "majority stake in a paper mill", "logistics business"]
ENTITIES = {"P": PEOPLE, "K": COUNTRIES, "F": CLUBS, "Co": COMPANIES, "G": GROUPS}
# fmt: on


def _row(p: str, h: str, label: str, family: str, tid: str) -> dict:
    return dict(premise=p, hypothesis=h, label=label, category=f"targeted_{family}", group=f"{family}:{tid}")


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _slots(rng: random.Random, kind: str) -> dict:
    """Values for every slot a template may use; A and B are two different entities of ``kind``."""
    a, b = rng.sample(ENTITIES[kind], 2)
    x = rng.randint(1, 5)
    return dict(
        A=a, B=b, T=rng.choice(TOWNS), Co=rng.choice(COMPANIES), x=x, y=rng.randint(0, x - 1),
        year=rng.randint(2015, 2031), n=rng.choice([2, 3, 4, 5, 8, 12, 40, 75, 120]), day=rng.choice(DAYS),
        asset=rng.choice(ASSETS).format(T=rng.choice(TOWNS)),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# role_swap: (template id, exclusive?, entity kind, sentence, paraphrase with the same roles)
# --------------------------------------------------------------------------------------------
# fmt: off
ROLE_SWAP = [
    ("t01", True, "F", "{A} beat {B} {x}-{y} in the cup final.",
     "{A} defeated {B} {x}-{y} in the cup final."),
    ("t02", True, "P", "{A} defeated {B} in the mayoral election in {T}.",
     "{A} beat {B} in the mayoral election in {T}."),
    ("t03", True, "F", "{A} knocked {B} out of the league cup.", "{A} eliminated {B} from the league cup."),
    ("t04", True, "P", "{A} won against {B} in the semi-final of the {T} Open.",
     "{A} beat {B} in the semi-final of the {T} Open."),
    ("t05", True, "K", "{A} beat {B} in the vote to host the {year} Games.",
     "{A} defeated {B} in the vote to host the {year} Games."),
    ("t06", True, "P", "{A} finished ahead of {B} in the {T} marathon.",
     "{A} crossed the line before {B} in the {T} marathon."),
    ("t07", True, "Co", "{A} outbid {B} for the broadcasting rights to the {T} games.",
     "{A} made a higher offer than {B} for the broadcasting rights to the {T} games."),
    ("t08", True, "P", "{A} overtook {B} in the final round of the party leadership vote.",
     "{A} moved ahead of {B} in the final round of the party leadership vote."),
    ("t09", True, "P", "{A} outvoted {B} to become chair of the {T} council.",
     "{A} won more votes than {B} to become chair of the {T} council."),
    ("t10", False, "Co", "{A} sold its {T} warehouse to {B}.", "{A} sold the {T} warehouse it owned to {B}."),
    ("t11", False, "P", "{A} hired {B} as a campaign adviser.", "{A} took on {B} as a campaign adviser."),
    ("t12", False, "Co", "{A} sued {B} in a patent dispute.",
     "{A} filed a lawsuit against {B} in a patent dispute."),
    ("t13", False, "P", "{A} publicly criticised {B} during the debate in {T}.",
     "{A} criticised {B} in public during the debate in {T}."),
    ("t14", False, "K", "{A} imposed sanctions on {B}.", "{A} placed sanctions on {B}."),
    ("t15", False, "P", "{A} congratulated {B} on the result in {T}.",
     "{A} offered congratulations to {B} on the result in {T}."),
    ("t16", False, "K", "{A} lent {n} million euros to {B}.", "{A} loaned {n} million euros to {B}."),
    ("t17", False, "F", "{A} sent a young striker on loan to {B}.", "{A} loaned a young striker to {B}."),
    ("t18", False, "K", "{A} accused {B} of breaking the fishing agreement.",
     "{A} charged {B} with breaking the fishing agreement."),
    # Sides named by common nouns, a weekday in the possessive, an object owned by the subject ("its").
    ("t19", True, "G", "{A} defeated {B} in {day}'s vote on the new electoral law.",
     "{A} beat {B} in {day}'s vote on the new electoral law."),
    ("t20", True, "F", "{A} beat {B} {x}-{y} at home on {day}.",
     "{A} won {x}-{y} at home against {B} on {day}."),
    ("t21", True, "G", "{A} outpolled {B} in {day}'s regional election in {T}.",
     "{A} won more votes than {B} in {day}'s regional election in {T}."),
    ("t22", True, "Co", "{A} took over {B} in a deal worth {n} million euros.",
     "{A} acquired {B} in a deal worth {n} million euros."),
    ("t23", True, "G", "{A} won {day}'s confidence vote against {B}.",
     "{A} prevailed over {B} in {day}'s confidence vote."),
    ("t24", False, "Co", "{A} sold its {asset} to {B}.", "{A} agreed to sell its {asset} to {B}."),
    ("t25", False, "Co", "{A} bought the {asset} of {B} last year.",
     "{A} purchased the {asset} of {B} last year."),
    ("t26", False, "G", "{A} blamed {B} for the collapse of {day}'s talks.",
     "{A} held {B} responsible for the collapse of {day}'s talks."),
    ("t27", False, "K", "{A} expelled two diplomats from {B} on {day}.",
     "{A} ordered two diplomats from {B} to leave on {day}."),
]
# fmt: on


def _role_swap_rows(rng: random.Random, per_template: int = 9) -> list[dict]:
    rows = []
    for tid, exclusive, kind, text, para in ROLE_SWAP:
        swapped = C if exclusive else N
        for _ in range(per_template):
            s = _slots(rng, kind)
            flip = s | {"A": s["B"], "B": s["A"]}
            filled = (_cap(t.format(**d)) for d in (s, flip) for t in (text, para))
            same, para_same, other, para_other = filled
            rows += [
                _row(same, same, E, "role_swap", tid),
                _row(same, para_same, E, "role_swap", tid),
                _row(para_same, same, E, "role_swap", tid),
                _row(same, other, swapped, "role_swap", tid),
                _row(other, same, swapped, "role_swap", tid),
                _row(para_same, other, swapped, "role_swap", tid),
                _row(same, para_other, swapped, "role_swap", tid),
            ]
    return rows


# --------------------------------------------------------------------------------------------
# converse: (template id, exclusive?, entity kind, sentence, its converse with the same meaning)
# --------------------------------------------------------------------------------------------
# fmt: off
CONVERSE = [
    ("t01", True, "F", "{A} lost to {B} in the {T} cup final.", "{B} beat {A} in the {T} cup final."),
    ("t02", True, "P", "{A} was defeated by {B} in the {T} election.",
     "{B} defeated {A} in the {T} election."),
    ("t03", True, "Co", "{A} is the parent company of {B}.", "{B} is a subsidiary of {A}."),
    ("t04", True, "P", "{A} is older than {B}.", "{B} is younger than {A}."),
    ("t05", True, "P", "{A} trails {B} in the latest polls.", "{B} leads {A} in the latest polls."),
    ("t06", True, "P", "{A} won the {T} seat from {B}.", "{B} lost the {T} seat to {A}."),
    ("t07", True, "F", "{A} finished above {B} in the league table.",
     "{B} finished below {A} in the league table."),
    ("t08", False, "Co", "{A} sold a {n} percent stake in {T} Port to {B}.",
     "{B} bought a {n} percent stake in {T} Port from {A}."),
    ("t09", False, "P", "{A} hired {B} as chief of staff.", "{B} was hired by {A} as chief of staff."),
    ("t10", False, "P", "A court in {T} convicted {A} of fraud.",
     "{A} was convicted of fraud by a court in {T}."),
    ("t11", False, "K", "{A} lent {n} million dollars to {B}.", "{B} borrowed {n} million dollars from {A}."),
    ("t12", False, "K", "{A} exports wheat to {B}.", "{B} imports wheat from {A}."),
    ("t13", False, "P", "{A} reported {B} to the police in {T}.",
     "{B} was reported to the police in {T} by {A}."),
    ("t14", False, "P", "{A} interviewed {B} for the documentary.",
     "{B} was interviewed by {A} for the documentary."),
    ("t15", False, "Co", "{A} supplies steel to {B}.", "{B} buys steel from {A}."),
]
# fmt: on


def _converse_rows(rng: random.Random, per_template: int = 14) -> list[dict]:
    rows = []
    for tid, exclusive, kind, text, conv in CONVERSE:
        swapped = C if exclusive else N
        for _ in range(per_template):
            s = _slots(rng, kind)
            flip = s | {"A": s["B"], "B": s["A"]}
            a, b, b_flip = text.format(**s), conv.format(**s), conv.format(**flip)
            rows += [
                _row(a, b, E, "converse", tid),
                _row(b, a, E, "converse", tid),
                _row(a, b_flip, swapped, "converse", tid),
                _row(b_flip, a, swapped, "converse", tid),
            ]
    return rows


# --------------------------------------------------------------------------------------------
# identity: news sentences (one template each) against themselves and against format-only copies
# --------------------------------------------------------------------------------------------
# fmt: off
SENTENCES = [
    "{P} did not attend the summit in {T}.",
    "The minister said, \"We will not raise taxes this year.\"",
    "{Co} reported a net loss of {n} million euros for the third quarter.",
    "Police in {T} did not confirm the number of arrests.",
    "\"The bridge is safe,\" the mayor of {T} told reporters.",
    "{K} recalled its ambassador after the border incident.",
    "{F} have not won a trophy since {year}.",
    "The storm left {n},000 homes in {T} without power.",
    "{P} was not charged with any offence.",
    "Shares in {Co} fell {n} percent on Monday.",
    "The court in {T} rejected the appeal, saying it had no merit.",
    "{P}, who founded {Co}, stepped down as chair on Friday.",
    "The referendum in {K} was postponed until {year}.",
    "\"I did nothing wrong,\" {P} said after the hearing.",
    "Voters in {T} did not back the plan to build a new stadium.",
    "The river in {T} burst its banks for the second time this year.",
    "{Co}'s chief executive said the company would not cut wages.",
    "Inflation in {K} slowed to {n} percent in March.",
    "The ferry to {T} was cancelled because of high winds.",
    "{F} signed the goalkeeper on a three-year contract.",
    "Doctors at the hospital in {T} went on strike for {n} days.",
    "{P} said the government had \"lost control\" of the budget.",
    "No one was hurt in the fire at the {Co} factory.",
    "The talks between {K} and its neighbours ended without a deal.",
    "{P} denied having met the lobbyist.",
    "The new rail line from {T} will open in {year}.",
    "{K} did not send a delegation to the climate conference.",
    "About {n},000 people marched through {T} on Saturday.",
    "The central bank of {K} kept interest rates unchanged.",
    "{Co} said it had not received a takeover offer.",
    "\"We are not for sale,\" a spokeswoman for {Co} said.",
    "The school in {T} closed early, and pupils were sent home.",
    "{P} won {x} medals at the championships.",
    "The museum in {T} returned the statue to {K}.",
    "Fans of {F} were not allowed into the away end.",
    "Prosecutors said {P} had taken bribes worth {n},000 dollars.",
    "The wildfire near {T} has burned {n},000 hectares.",
    "{K}'s parliament voted to lower the voting age to 16.",
    "The union said its members would not accept the offer.",
    "{Co}'s profits rose for the fifth year in a row, it said.",
    "The airport in {T} reopened on Tuesday after a two-day closure.",
    "{P} is not expected to stand for re-election.",
    "The coach of {F} said, \"It was not a penalty.\"",
    "Heavy snow closed the motorway between {T} and the coast.",
    "Officials in {K} did not say how many soldiers were killed.",
]
# fmt: on
VARIANTS = [  # each keeps the meaning and changes format only
    lambda s: s.lower(),
    lambda s: s.upper(),
    lambda s: s.replace('"', "\u201c", 1).replace('"', "\u201d", 1) if '"' in s else s.replace("'", "\u2019"),
    lambda s: s.replace('"', "'") if '"' in s else s.replace(",", "") if "," in s else s[:-1],
    lambda s: s + " [3]",
    lambda s: s + "[12]",
    lambda s: "(Reuters) - " + s,
    lambda s: s.replace(" ", "  ", 3),
    lambda s: "  " + s.replace(". ", ".  ") + "  ",
]


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        P=rng.choice(PEOPLE), K=rng.choice(COUNTRIES), F=rng.choice(CLUBS), **_slots(rng, "Co")
    )


def _identity_rows(rng: random.Random, per_template: int = 3) -> list[dict]:
    rows = []
    for i, text in enumerate(SENTENCES):
        tid = f"t{i + 1:02d}"
        for _ in range(per_template):
            s = _fill(text, rng)
            rows.append(_row(s, s, E, "identity", tid))
            for variant in rng.sample(VARIANTS, 3):
                v = variant(s)
                rows += [_row(s, v, E, "identity", tid), _row(v, s, E, "identity", tid)]
    return rows


# --------------------------------------------------------------------------------------------
# factive: propositions (subject, past, participle, base, rest) under factive / non-factive verbs
# --------------------------------------------------------------------------------------------
# fmt: off
PROPOSITIONS = [
    ("the rebels", "seized", "seized", "seize", "the radio station in {T}"),
    ("{P}", "met", "met", "meet", "the opposition leader in secret"),
    ("{Co}", "paid", "paid", "pay", "a fine of {n} million euros"),
    ("the army", "shot down", "shot down", "shoot down", "a surveillance drone over {T}"),
    ("{P}", "resigned", "resigned", "resign", "from the cabinet"),
    ("the minister", "received", "received", "receive", "gifts from a property developer"),
    ("{F}", "broke", "broken", "break", "the league's spending rules"),
    ("{K}", "tested", "tested", "test", "a long-range missile"),
    ("the hackers", "stole", "stolen", "steal", "the customer records of {Co}"),
    ("{P}", "lied", "lied", "lie", "to parliament about the contract"),
    ("the ship", "dumped", "dumped", "dump", "oil off the coast of {T}"),
    ("{Co}", "hid", "hidden", "hide", "losses from its investors"),
    ("the police", "used", "used", "use", "tear gas on the protesters in {T}"),
    ("{P}", "signed", "signed", "sign", "the order to close the border"),
    ("the mayor of {T}", "took", "taken", "take", "a bribe from a builder"),
    ("{K}", "sent", "sent", "send", "troops across the border"),
    ("the referee", "accepted", "accepted", "accept", "money to fix the match"),
    ("{Co}", "sold", "sold", "sell", "weapons to {K}"),
    ("the prisoners", "escaped", "escaped", "escape", "through a tunnel under the wall"),
    ("{P}", "wrote", "written", "write", "the anonymous letter"),
    ("the factory in {T}", "polluted", "polluted", "pollute", "the river with mercury"),
    ("{F}", "sacked", "sacked", "sack", "their manager"),
    ("the bank", "lost", "lost", "lose", "{n} million dollars on bad loans"),
    ("{P}", "tested", "tested", "test", "positive for a banned substance"),
    ("the embassy", "destroyed", "destroyed", "destroy", "its secret files"),
    ("{K}", "sheltered", "sheltered", "shelter", "the fugitive banker"),
    ("the election officials in {T}", "miscounted", "miscounted", "miscount", "the ballots"),
    ("{Co}", "bribed", "bribed", "bribe", "officials to win the contract"),
    ("the pilot", "ignored", "ignored", "ignore", "the warning from the control tower"),
    ("{P}", "owned", "owned", "own", "a villa in {T}"),
    ("the guards", "beat", "beaten", "beat", "the detainees"),
    ("{K}", "held", "held", "hold", "secret talks with the rebels"),
]
SOURCES = ["a government spokesman", "the police", "{P}", "officials in {T}", "a lawyer for {Co}", "the club"]
FACTIVE = ["{S} confirmed that {p}", "{S} revealed that {p}", "{S} acknowledged that {p}",
           "{S} admitted that {p}", "Records showed that {p}", "The inquiry proved that {p}",
           "Video footage showed that {p}"]
NON_FACTIVE = ["{S} claimed that {p}", "{S} alleged that {p}", "{S} suggested that {p}",
               "{S} insisted that {p}", "{S} said that {p}", "{S} denied that {p}",
               "It was rumoured that {p}", "{S} hinted that {p}"]
# fmt: on


def _factive_rows(rng: random.Random, per_template: int = 3) -> list[dict]:
    rows = []
    for i, (subj, past, pp, base, rest) in enumerate(PROPOSITIONS):
        tid = f"t{i + 1:02d}"
        for _ in range(per_template):
            fill = dict(
                P=rng.choice(PEOPLE), K=rng.choice(COUNTRIES), F=rng.choice(CLUBS), **_slots(rng, "Co")
            )
            fill["S"] = rng.choice(SOURCES).format(**fill | {"P": rng.choice(PEOPLE)})
            plain = f"{subj} {past} {rest}".format(**fill)
            had = f"{subj} had {pp} {rest}".format(**fill)
            fact, neg = _cap(plain) + ".", _cap(f"{subj} did not {base} {rest}".format(**fill)) + "."

            def say(frame: str, p: str, fill: dict = fill) -> str:
                return _cap(frame.format(S=fill["S"], p=p)) + "."

            for frame in rng.sample(FACTIVE, 3):
                rows.append(_row(say(frame, rng.choice([plain, had])), fact, E, "factive", tid))
            for frame in rng.sample(FACTIVE, 2):
                rows.append(_row(say(frame, plain), neg, C, "factive", tid))
            for frame in rng.sample(NON_FACTIVE[:-3], 2) + ["{S} denied that {p}"]:
                rows.append(_row(say(frame, rng.choice([plain, had])), fact, N, "factive", tid))
            rows.append(_row(say(rng.choice(NON_FACTIVE), plain), neg, N, "factive", tid))
            confirmed, claimed = say(FACTIVE[0], plain), say(NON_FACTIVE[0], had)
            rows += [
                _row(fact, confirmed, N, "factive", tid),  # P alone: nobody confirmed it
                _row(confirmed, confirmed, E, "factive", tid),
                _row(claimed, claimed, E, "factive", tid),
                _row(claimed, say("{S} said that {p}", had), E, "factive", tid),
            ]
    return rows


# --------------------------------------------------------------------------------------------
# factive, own side: a side reports what its own people did ("... claimed their fighters had ..."),
# with or without "that", the report before or after its content, and a hypothesis that names the
# doers another way ("insurgent fighters"). One template per (side, action).
# --------------------------------------------------------------------------------------------
# fmt: off
SIDES = {  # speakers, the doers as the speakers name them, the doers in a plain statement
    "insurgents": (["insurgent commanders", "a spokesman for the insurgents", "the insurgents' leaders"],
                   "their fighters", "insurgent fighters"),
    "army": (["the army", "the defence ministry", "a military spokesman"], "its troops", "army troops"),
    "police": (["the police chief of {T}", "police officials"], "officers", "police officers in {T}"),
    "company": (["{Co}", "the chief executive of {Co}"], "its engineers", "engineers at {Co}"),
    "union": (["union leaders", "the union's general secretary"], "members", "union members"),
    "party": (["party officials", "the party's campaign chief"], "its candidate", "the party's candidate"),
}
OWN_ACTIONS = [  # side, past, participle, base, rest
    ("insurgents", "took", "taken", "take", "control of the bridge at {T}"),
    ("insurgents", "destroyed", "destroyed", "destroy", "two armoured vehicles near {T}"),
    ("insurgents", "repelled", "repelled", "repel", "an attack on the ridge above {T}"),
    ("army", "recaptured", "recaptured", "recapture", "the town of {T}"),
    ("army", "intercepted", "intercepted", "intercept", "a convoy carrying weapons"),
    ("army", "downed", "downed", "down", "three enemy drones over {T}"),
    ("police", "arrested", "arrested", "arrest", "the leader of the smuggling ring"),
    ("police", "found", "found", "find", "the missing paintings in a warehouse"),
    ("company", "repaired", "repaired", "repair", "the leak at the {T} plant"),
    ("company", "restored", "restored", "restore", "power to most homes in {T}"),
    ("union", "voted", "voted", "vote", "to reject the pay offer"),
    ("union", "approved", "approved", "approve", "the new contract by a wide margin"),
    ("party", "won", "won", "win", "the by-election in {T}"),
    ("party", "finished", "finished", "finish", "ahead of the mayor in {T}"),
]
OWN_FACTIVE = ["{S} confirmed{that} {p}", "{S} acknowledged{that} {p}", "{S} admitted{that} {p}",
               "{p}, {S} confirmed"]
OWN_NON_FACTIVE = ["{S} claimed{that} {p}", "{S} alleged{that} {p}", "{S} said{that} {p}",
                   "{S} boasted{that} {p}",
                   "{S} maintained{that} {p}", "{S} insisted{that} {p}", "{p}, {S} claimed", "{p}, {S} said",
                   "According to {S}, {p}", "{S} have claimed{that} {p}"]
# fmt: on


def _own_side_rows(rng: random.Random, per_template: int = 4) -> list[dict]:
    rows = []
    for i, (side, past, pp, base, rest) in enumerate(OWN_ACTIONS):
        tid, (speakers, own, plain_doers) = f"s{i + 1:02d}", SIDES[side]
        for _ in range(per_template):
            fill = dict(T=rng.choice(TOWNS), Co=rng.choice(COMPANIES))
            speaker = rng.choice(speakers).format(**fill)
            obj = rest.format(**fill)
            doers = plain_doers.format(**fill)
            fact = _cap(f"{doers} {past} {obj}.")
            neg = _cap(f"{doers} did not {base} {obj}.")

            def say(frame: str) -> str:
                if frame.startswith("{S} have") and not speaker.endswith("s"):
                    frame = frame.replace("have", "has")
                who = doers if frame.startswith("{p}") else own  # no pronoun before its antecedent
                p = rng.choice([f"{who} had {pp} {obj}", f"{who} {past} {obj}"])
                that = rng.choice(["", " that"])
                return _cap(frame.format(S=speaker, p=p, that=that)) + "."

            for frame in rng.sample(OWN_FACTIVE, 2):
                rows.append(_row(say(frame), fact, E, "factive", tid))
            rows.append(_row(say(rng.choice(OWN_FACTIVE)), neg, C, "factive", tid))
            for frame in rng.sample(OWN_NON_FACTIVE, 3):
                rows.append(_row(say(frame), fact, N, "factive", tid))
            rows.append(_row(say(rng.choice(OWN_NON_FACTIVE)), neg, N, "factive", tid))
            claimed = say(OWN_NON_FACTIVE[0])
            rows += [_row(claimed, claimed, E, "factive", tid), _row(fact, claimed, N, "factive", tid)]
    return rows


# --------------------------------------------------------------------------------------------
# format: (template id, sentence with {v}, writers of one value in different formats, other values)
# --------------------------------------------------------------------------------------------
def _money(x: float) -> list[str]:
    return [f"${x} billion", f"{x} billion dollars", f"US${x}bn"]


def _percent(p: int) -> list[str]:
    words = {25: ["a quarter"], 50: ["half"], 75: ["three quarters"]}
    return [f"{p} percent", f"{p}%", f"{p} per cent"] + words.get(p, [])


def _miles(mi: int) -> list[str]:
    km = mi * 1.609
    return [f"{mi} miles", f"about {int(round(km, -1)) if km > 100 else round(km)} km"]


def _date(d: tuple[int, int, int]) -> list[str]:
    day, month, year = d
    return [
        f"{day} {MONTHS[month]} {year}",
        f"{MONTHS[month]} {day}, {year}",
        f"{MONTHS[month]} {day} {year}",
    ]


# fmt: off
FORMATS = [
    ("t01", "A {v} earthquake struck near {T} on Sunday.", lambda m: [f"magnitude {m}", f"magnitude-{m}.0",
     f"{m}.0-magnitude"], range(4, 9)),
    ("t02", "Rescuers pulled {v} miners from the flooded shaft near {T}.",
     lambda n: [WORDS[n], str(n)], range(2, 13)),
    ("t03", "The oil slick stretched for {v} along the coast near {T}.",
     lambda n: [f"{n} km", f"{n} kilometres", f"{n} kilometers"], [4, 7, 12, 15, 21, 30, 45, 60]),
    ("t04", "The convoy was stopped {v} from {T}.", _miles, [5, 10, 20, 30, 50, 100]),
    ("t05", "The ceasefire took effect on {v}.", _date,
     [(3, 4, 2024), (14, 10, 2023), (21, 0, 2025), (9, 6, 2022), (30, 8, 2021), (17, 1, 2026)]),
    ("t06", "{Co} agreed to pay {v} for the port in {T}.", _money, [1.5, 2.4, 3.2, 4.8, 7.5]),
    ("t07", "{Co} cut its ticket prices by {v}.", _percent, [10, 25, 30, 40, 50, 75]),
    ("t08", "Polling stations in {T} closed at {v}.", lambda h: [f"{h} pm", f"{h} p.m.", f"{h + 12}:00"],
     [6, 7, 8, 9, 10]),
    ("t09", "Temperatures in {T} reached {v} on Friday.",
     lambda t: [f"{t} degrees Celsius", f"{t}\u00b0C", f"{t} C"], [35, 38, 41, 44, 47]),
    ("t10", "{P} finished {v} in the {T} marathon.", lambda k: list(ORDINALS[k - 1]), range(1, 10)),
    ("t11", "The new stadium in {T} holds {v} fans.", lambda k: [f"{k},000", f"{k}000", f"{k} thousand"],
     [18, 25, 32, 45, 60, 75]),
    ("t12", "Customs officers seized {v} of cocaine at the port of {T}.",
     lambda k: [f"{k / 2} tonnes", f"{k * 500:,} kg", f"{k * 500:,} kilograms"], [3, 5, 7, 9]),
    ("t13", "{K} has a population of {v} people.", lambda k: [f"{k / 10} million", f"{k * 100_000:,}"],
     [12, 25, 38, 64, 87]),
    ("t14", "The dock workers' strike in {T} lasted {v}.",
     lambda k: [f"{k} weeks", f"{WORDS[k]} weeks", f"{7 * k} days"], [2, 3, 4, 5, 6]),
]
# fmt: on


def _format_rows(rng: random.Random, per_template: int = 10) -> list[dict]:
    rows = []
    for tid, text, write, values in FORMATS:
        values = list(values)
        for _ in range(per_template):
            value, other = rng.sample(values, 2)
            fill = dict(P=rng.choice(PEOPLE), K=rng.choice(COUNTRIES), **_slots(rng, "Co"))
            say = lambda v, fill=fill, text=text: _cap(text.format(v=v, **fill))  # noqa: E731
            a, b = (say(f) for f in rng.sample(write(value), 2))
            c = say(rng.choice(write(other)))
            rows += [_row(a, b, E, "format", tid), _row(b, a, E, "format", tid)]
            rows += [_row(a, c, C, "format", tid), _row(c, b, C, "format", tid)]
    return rows


# --------------------------------------------------------------------------------------------
# bounds: exact counts against "at least" / "more than" / "fewer than" another count
# --------------------------------------------------------------------------------------------
BOUNDS = [
    "{q} people were injured when a bus overturned near {T}.",
    "{q} flights were cancelled at {T} airport on Monday.",
    "Police arrested {q} protesters in {T} on Saturday.",
    "{Co} recalled {q} cars over faulty brakes.",
    "The fire destroyed {q} homes on the edge of {T}.",
    "{q} candidates stood in the {T} council election.",
    "The shelter in {T} took in {q} families after the floods.",
    "Rescuers evacuated {q} residents from {T}.",
    "The museum in {T} received {q} visitors on its opening day.",
    "{q} schools in {T} closed because of the storm.",
    "{Co} opened {q} new stores last year.",
    "The hospital in {T} treated {q} patients for smoke inhalation.",
]
COUNTS = [(35, 30, 40), (120, 100, 150), (48, 40, 60), (260, 200, 300), (17, 15, 20), (1_400, 1_000, 2_000),
          (73, 50, 80), (9, 5, 10), (640, 500, 700)]  # fmt: skip


def _bounds_rows(rng: random.Random) -> list[dict]:
    rows = []
    for i, text in enumerate(BOUNDS):
        tid = f"t{i + 1:02d}"
        for exact, low, high in rng.sample(COUNTS, 5):
            fill = _slots(rng, "Co")
            say = lambda q, text=text, fill=fill: _cap(text.format(q=q, **fill))  # noqa: E731
            n, at_least = say(f"{exact:,}"), say(f"at least {low:,}")
            more_low, more_high = say(f"more than {low:,}"), say(f"more than {high:,}")
            fewer_low, fewer_high = say(f"fewer than {low:,}"), say(f"fewer than {high:,}")
            rows += [
                _row(n, rng.choice([at_least, more_low]), E, "bounds", tid),
                _row(at_least, n, N, "bounds", tid),
                _row(n, fewer_high, E, "bounds", tid),
                _row(fewer_high, n, N, "bounds", tid),
                _row(n, fewer_low, C, "bounds", tid),
                _row(more_high, n, C, "bounds", tid),
                _row(more_high, more_low, E, "bounds", tid),
                _row(more_low, more_high, N, "bounds", tid),
                _row(fewer_low, fewer_high, E, "bounds", tid),
                _row(more_high, fewer_low, C, "bounds", tid),
            ]
    return rows


def make_targeted_pairs(seed: int = 13) -> pd.DataFrame:
    """All targeted pairs: premise, hypothesis, label, category, group, source ("targeted")."""
    families = [_role_swap_rows, _converse_rows, _identity_rows, _factive_rows, _own_side_rows]
    families += [_format_rows, _bounds_rows]
    rows = [row for make in families for row in make(random.Random(f"{seed}:{make.__name__}"))]
    df = pd.DataFrame(rows).drop_duplicates(["premise", "hypothesis"]).reset_index(drop=True)
    return df.assign(source="targeted")
