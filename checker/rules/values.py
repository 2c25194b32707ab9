"""The checkable values a claim states: names, places, figures (with bounds and units) and dates.

A value is a dict (JSON-ready, stored with the claim): ``kind`` (name | place | number | date | time),
``text`` (as written), ``start``/``end`` (offsets in the claim), ``key`` (normalised, for equality),
and per kind:

- name / place: ``label`` (spaCy entity label). Names come from the parser's entities (PERSON, ORG,
  NORP, EVENT; places GPE, LOC, FAC), so capitalised headline verbs, rank abbreviations and sentence
  starts are not names. A place given as a direction from it ("55 km west of the town of Bireun") also
  has ``bearing`` ("west"); its text and offsets still cover the name alone.
- number: ``lo``/``hi`` (an interval: "at least 30" is [30, inf), "between 30 and 40" is [30, 40],
  "about 25" is [22.5, 27.5], "dozens" is [24, 99]), ``unit`` (a pint unit such as "kilometer" after
  conversion to base form, or the counted noun, "people", "year" for a term: "15 years in prison";
  "age" for a person's age: "36-year-old", "36 years old", "aged 36", "Robert Buckley, 32, of
  Essex"), ``noun`` (the word counted or measured), ``measured`` (a measure's unit as written,
  "yard"). Numbers may be written as words ("twenty-two"); a win-loss record or a score ("the 2-13
  Chiefs", "won 3-2") is no figure.
- date: ``day`` (ISO date when it can be resolved, relative words against the article's published
  date: "on Monday", "last week" -> a window), ``lo``/``hi`` (ISO day bounds), or ``weekday`` when
  that is all that is said. A month without a day ("in September", "since December 2008") is the
  month's window, its year taken from the article's date when not written, with ``month`` (1-12);
  without a year or a published date it has ``month`` alone.
- a game clock ("with 7:42 left", "7 minutes 41 seconds to go", "at the 2:15 mark", "44 seconds into
  the round") is a number in seconds with unit "time left" or "time elapsed" and ``clock`` True: it
  reads exactly, without the rounding slack of measures.
- time (of day: "7:37 a.m.", "0737 GMT", "4 p.m. local time"): ``minute`` (0-1439 as read), ``zone``
  ("" when none is named, else "gmt", "edt", "local time", ...) and, for a zone of fixed offset,
  ``utc_minute``.
- a count of part of a whole ("10 of the Saints' 16 games") counts the whole's noun, and the whole
  ("16 games") has ``whole`` True: it is the total the part is taken from, not a figure of its own.
- a figure put in doubt by the word before it ("possibly two children", "reportedly $2 million") has
  ``hedge``, the cue (checker.rules.hedges.cue_before).

Libraries: pint converts units (km / miles / feet / metres), number-parser reads number words,
dateparser resolves relative dates against ``published``. Each is loaded on first use.

Example:
    >>> [v["key"] for v in extract_values("At least 30 people were hurt about 15 miles north of Homs.")]
    ['>=30 people', '13.5-16.5 mile']
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from checker.rules.attribution import REPORTING_VERBS
from checker.rules.hedges import cue_before

NAME = "checker.values.v13"

NAME_LABELS = {"PERSON": "name", "ORG": "name", "NORP": "name", "EVENT": "name", "GPE": "place",
               "LOC": "place", "FAC": "place"}  # fmt: skip
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
          r"(?![a-z])")  # not "15 mark", "2 decades"  # fmt: skip
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})\.?|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?\b)(?:,?\s+(?P<y>\d{{4}}))?"
    rf"|\b(?P<rel>(?:on\s+|last\s+|this\s+|next\s+)?(?P<wd>{'|'.join(WEEKDAYS)})|yesterday|today|tonight|"
    r"last\s+(?:week|month|year)|this\s+(?:week|month)|(?:a|one|two|three)\s+(?:days?|weeks?)\s+ago)\b"
    # a month without a day, after a word that makes it a time ("in May", not the verb "may")
    r"|\b(?:in|since|until|by|during|early|late|mid-?|last|this)\s+"
    rf"(?P<m3>(?-i:{'|'.join(m.title() for m in MONTHS)}))"
    r"(?:,?\s+(?P<y3>\d{4}))?\b(?!\s+\d{1,2}\b)",
    re.IGNORECASE,
)
_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
          "dozen").split()  # fmt: skip
# "twenty-two", "ninety nine": tens and units written as words, read before the words alone
_COMPOUND = rf"(?:{'|'.join(_WORDS[19:27])})[- ](?:{'|'.join(_WORDS[:9])})\b"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _COMPOUND + "|" + "|".join(_WORDS)
_NUMBER = re.compile(
    r"(?P<vague>dozens|scores|hundreds|thousands)\s+of\s+(?P<vnoun>[a-z]+)|"
    r"(?P<bound>at\s+least|more\s+than|over|nearly|almost|about|around|approximately|roughly|some|up\s+to|"
    r"fewer\s+than|less\s+than|under|as\s+many\s+as|an\s+estimated|estimated)?\s*"
    r"(?:(?P<between>between)\s+)?(?:(?P<cur>(?:US|A|C|NZ|HK|S)?\$|£|€|¥)\s?)?"
    r"(?:an?\s+(?=(?:dozen|hundred)\b))?"
    r"(?<![\w.,/:])(?P<num>" + _NUM + r")(?![\d,]*\d)(?!:\d)"
    r"(?:(?P<glued>km|m|ft|mi|kg|lbs?|cm|mm|bn|mn|tn|k|thousand|million|billion|trillion)\b|(?![a-z]))"
    r"(?:\s*(?:-|to|and)\s*(?:(?:US|A|C|NZ|HK|S)?\$|£|€|¥)?(?P<num2>" + _NUM + r")(?![\w]))?"
    r"(?:[\s-]+(?P<scale>thousand|million|billion|trillion|dozen)\b)?(?:\s*(?P<pct>%|per\s?cent|percent))?"
    r"(?:[\s-]+(?P<noun>(?-i:(?:[a-z]+-)?[a-z]+)))?",  # a lower-case word: "13 Zurana" counts no Zurana
    re.IGNORECASE,
)
# A clock reading in a game or a fight, counted down ("with 7:42 left", "7 minutes 41 seconds to go") or
# up ("at the 2:15 mark", "44 seconds into the seventh round"): a figure in seconds, never a time of day.
_CLOCK_NUM = r"\d{1,2}|" + "|".join(_WORDS[:19])
_GAME_CLOCK = re.compile(
    r"(?<![\w:.,/])(?:(?P<cm>\d{1,2}):(?P<cs>[0-5]\d)(?!:?\d)(?:\s+minutes?)?"
    rf"|(?:(?P<mm>{_CLOCK_NUM})\s+minutes?,?\s+(?:and\s+)?)?(?P<ss>{_CLOCK_NUM})\s+seconds?"
    rf"|(?P<mo>{_CLOCK_NUM})\s+minutes?)"
    r"\s+(?:(?P<left>left|remaining|to\s+go|to\s+play)|(?P<into>into|mark\b|of\s+the\s+\w+\s+round))",
    re.IGNORECASE,
)
# A time of day: "7:37 a.m.", "07:37 GMT", "0737 GMT", "4:00 p.m. local time"; a zone's UTC offset in
# minutes where it is fixed ("ET" and "PT" switch with daylight saving: known only by name).
_ZONES = {"gmt": 0, "utc": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
          "mdt": -360, "pst": -480, "pdt": -420, "bst": 60, "cet": 60, "cest": 120, "et": None, "ct": None,
          "mt": None, "pt": None, "local time": None}  # fmt: skip
# Zone codes in capitals only. "1500 MT of wheat" is tonnes: a figure without a colon takes only a code
# of three letters or more ("0737 GMT", "1400 EDT"); "ET" only after "p.m." or "20:00".
_ZONE_CODES = r"(?-i:GMT|UTC|[ECMP][SD]T|BST|CES?T)|local\s+time"
_ZONE = rf"(?P<zone>{_ZONE_CODES}|(?-i:[ECMP]T))\b"
# After a figure, a zone makes it a time of day even where no time was read ("at 11 GMT"), not a quantity
_ZONE_AFTER = re.compile(rf"\s*(?:{_ZONE_CODES})\b")
_TIME_OF_DAY = re.compile(
    r"(?<![\w:.,/$£€])(?:(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
    r"(?:\s*" + _ZONE + r")?"
    r"|(?P<h2>[0-2]?\d):(?P<m2>[0-5]\d)\s*" + _ZONE.replace("zone", "zone2")
    + rf"|(?P<h3>[0-2]\d)(?P<m3>[0-5]\d)\s*(?P<zone3>{_ZONE_CODES})\b)",
    re.IGNORECASE,
)
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Money: the currency a symbol or a noun names, and the scales written glued to a sum ("€3m", "£2.5bn")
_CURRENCY = {"$": "USD", "us$": "USD", "a$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD",
             "£": "GBP", "€": "EUR", "¥": "JPY", "dollar": "USD", "dollars": "USD", "euro": "EUR",
             "euros": "EUR", "yen": "JPY"}  # fmt: skip
# "m" and "k" only after a currency; the words also glued ("£1.2million")
_GLUED_SCALE = {"bn": 1e9, "mn": 1e6, "tn": 1e12, "m": 1e6, "k": 1e3, **_SCALE_WORDS}
# The measures pint converts so that "2,000 ft" and "610 m" compare; any other word after a figure is the
# noun it counts, even where pint knows a unit of that name ("28 points" are no typographic points)
_MEASURES = frozenset(
    "km m cm mm ft mi kg lb lbs metre meter kilometre kilometer centimetre centimeter millimetre millimeter "
    "mile foot feet inch inches yard yd kilogram gram tonne ton ounce second minute hour day week acre "
    "hectare litre liter gallon mph knot".split()
)
_MAGNITUDE = re.compile(r"magnitude[\s-]*(?:of\s+)?$", re.IGNORECASE)
_RICHTER = re.compile(r"\s*on\s+the\s+Richter\s+scale", re.IGNORECASE)
_SCALE = {"dozen": 12.0, **_SCALE_WORDS}
_VAGUE = {"dozens": (24, 99), "scores": (40, 200), "hundreds": (200, 999), "thousands": (2000, 9999)}
# How much an approximate figure may be off, and a bound's interval (fraction of the value).
_APPROX = {"nearly": (0.85, 1.0), "almost": (0.85, 1.0), "about": (0.9, 1.1), "around": (0.9, 1.1),
           "approximately": (0.9, 1.1), "roughly": (0.9, 1.1), "some": (0.9, 1.1), "an estimated": (0.8, 1.2),
           "estimated": (0.8, 1.2)}  # fmt: skip
_LOWER = {"at least", "more than", "over"}
_UPPER = {"up to", "fewer than", "less than", "under", "as many as"}
# A bound before a game clock ("just under five minutes left") makes it rough: no reading to compare.
_ROUGHLY = re.compile(rf"\b(?:{'|'.join(sorted(_APPROX.keys() | _LOWER | _UPPER))})\s+$", re.IGNORECASE)
# Figures that are not counts of something disputable: clock times, ages in "36-year-old", ordinals.
_NOT_COUNTED = re.compile(r"^(?:old|am|pm|a|p|st|nd|rd|th|gmt|edt|est|bst|utc)$")
# Years that are no span of time of their own: an age ("36 years old") or a date told by distance
# ("two years ago", "three years later"); other years are a term or a span ("15 years in prison").
_YEARS_AFTER = re.compile(
    r"\s+(?:(?P<age>old|of\s+age)|ago|earlier|later|before|after|since|younger|older|apart)\b", re.IGNORECASE
)
_AGE = re.compile(r"^years?-old$")
# "west of", "north-east of the town of": a direction from the place named right after it
_BEARING = re.compile(
    r"\b(?P<bearing>(?:north|south)(?:[- ]?(?:east|west))?|east|west)(?:ern)?\s+of\s+"
    r"(?:the\s+(?:town|city|village|district|province|regency|capital|island|port)\s+of\s+)?$",
    re.IGNORECASE,
)


def extract_values(text: str, entities: list[tuple[str, int, int]] | None = None,
                   published: str = "") -> list[dict[str, Any]]:  # fmt: skip
    """Values stated in ``text``, left to right (see the module docstring).

    Args:
        text: the claim.
        entities: (label, start, end) spaCy entities inside the claim (offsets into ``text``); names
            and places come only from these. None: no names.
        published: the article's date (ISO, may be ""), for relative dates.
    """
    out: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        value = _date_value(m, published)
        if value:
            end = m.end() - (m.group(0).endswith(".") and not re.search(r"\b[A-Z][a-z]{2,3}\.$", m.group(0)))
            out.append(
                {"kind": "date", "text": text[m.start() : end], "start": m.start(), "end": end, **value}
            )
            taken.append(m.span())
    for rx, read in ((_GAME_CLOCK, _clock_value), (_TIME_OF_DAY, _time_value)):
        for m in rx.finditer(text):
            if rx is _GAME_CLOCK and _ROUGHLY.search(text, max(0, m.start() - 30), m.start()):
                continue  # "just under five minutes left": a rough clock, not a reading to compare
            value = read(m) if not _inside(m.start(), taken) else None
            if value:
                end = m.end() - (m.group(0).endswith(".") and m.end() == len(text))  # the full stop
                out.append({"text": text[m.start() : end], "start": m.start(), "end": end, **value})
                taken.append(m.span())
    for label, start, end in entities or []:
        kind = NAME_LABELS.get(label)
        surface = text[start:end].strip(" '’\"")
        if kind and surface and not _inside(start, taken) and re.search(r"[A-Z]", surface):
            out.append({"kind": kind, "text": surface, "start": start, "end": start + len(surface),
                        "label": label, "key": name_key(surface)})  # fmt: skip
            bearing = _BEARING.search(text[max(0, start - 60) : start]) if kind == "place" else None
            if bearing:
                out[-1]["bearing"] = bearing["bearing"].lower().replace("-", "").replace(" ", "")
            taken.append((start, end))
    for m in _NUMBER.finditer(text):
        if _inside(m.start("num") if m.group("num") else m.start(), taken):
            continue
        if _ZONE_AFTER.match(text, m.end()):
            continue  # "1100 GMT", "4:00 p.m. local time": a time of day, not a quantity
        value = _number_value(m)
        after = _YEARS_AFTER.match(text, m.end()) if value and value["unit"] == "year" else None
        if after and after["age"]:
            value.update(unit="age", noun="age", key=f"{_fmt(value['lo'])} age")
        elif after:
            continue
        if value and (_MAGNITUDE.search(text, max(0, m.start("num") - 16), m.start("num"))
                      or _RICHTER.match(text, m.end("num")) or value["noun"] == "magnitude"):  # fmt: skip
            value.update(unit="magnitude", noun="magnitude", key=f"{value['key'].split(' ')[0]} magnitude")
        if value:
            raw = m.group(0)[: m.end("glued") - m.start()] if m.group("glued") else m.group(0)
            start = m.start() + len(raw) - len(raw.lstrip())
            out.append({"kind": "number", "text": raw.strip(), "start": start, "end": start + len(raw.strip()),
                        **value})  # fmt: skip
            cue = cue_before(text, start)
            if cue:
                out[-1]["hedge"] = cue  # "possibly two children": the figure itself is put in doubt
    _partitives(text, [v for v in out if v["kind"] == "number"])
    people_end = {end for label, _, end in entities or [] if label == "PERSON"}
    for v in out:
        if v["kind"] == "number" and not v["unit"] and _stated_age(text, v, people_end):
            v.update(unit="age", noun="age", key=f"{_fmt(v['lo'])} age")
    return sorted(out, key=lambda v: v["start"])


_AGED = re.compile(r"\baged\s+$", re.IGNORECASE)
_AFTER_AGE = re.compile(r"\s*(?:[,;)](?!\s*\d)|\.(?:\s|$)|$)")  # not a list of figures: "Smith, 3, 4 and 5"


def _stated_age(text: str, v: dict, people_end: set[int]) -> bool:
    """Whether a bare whole figure is a person's age: "aged 36", or set off by commas right after a
    person's name ("Robert Buckley, 32, of Essex"), as news writes ages."""
    if not v.get("exact") or not float(v["lo"]).is_integer() or not 0 < v["lo"] < 120:
        return False
    before = text[: v["start"]]
    if _AGED.search(before):
        return True
    name_end = len(before.rstrip()) - 1  # where the comma before the figure is
    return (before.rstrip().endswith(",") and len(before[:name_end].rstrip()) in people_end
            and bool(_AFTER_AGE.match(text, v["end"])))  # fmt: skip


# between a part and its whole: "10 of the Saints' 16 games", "three of his five children"
_PARTITIVE = re.compile(
    r"\s*(?:(?:the|his|her|their|its|our|these|those)\s+)?(?:\S+(?:'s|’s|s'|s’)\s+)?", re.IGNORECASE
)


def _partitives(text: str, numbers: list[dict[str, Any]]) -> None:
    """Give a part ("10 of") the unit of its whole ("16 games") and mark the whole (in place)."""
    for part, whole in zip(numbers, numbers[1:], strict=False):
        if part["unit"] or not part["text"].endswith(" of") or not whole["unit"]:
            continue
        gap = _PARTITIVE.fullmatch(text, part["end"], whole["start"])
        if gap is None:
            continue
        part["text"], part["end"] = part["text"][:-3].rstrip(), part["end"] - 3
        part.update(unit=whole["unit"], noun=whole["noun"], key=f"{part['key']} {whole['unit']}".strip())
        whole["whole"] = True


_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night", "dawn", "midnight", "noon", "hour"})
_CLIMB = ("prep", "pobj", "pcomp", "npadvmod", "nummod", "quantmod", "compound", "appos")
_CHAIN = ("xcomp", "advcl", "pcomp", "conj", "ccomp", "acl", "relcl", "prep", "pobj")


def anchor(tokens: list) -> dict[str, Any]:
    """Where a value sits in its sentence's parse: ``anchor``, the lemma of the word it attaches to
    (the verb of "fell 60 metres", the person of "31-year-old Robert Buckley"), and ``holder``, who or
    what the value is of (that verb's subject, or that noun, as its entity text when it is one).

    Two values fill the same slot when both agree (checker.rules.details.same_slot). ``tokens`` are the
    spaCy tokens of the value; an empty list gives empty strings.
    """
    if not tokens:
        return {"anchor": "", "holder": ""}
    inside = {t.i for t in tokens}
    root = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[0])
    head = root.head
    while head.pos_ == "ADP" and head.head.i != head.i:  # "fell 60 metres from": the verb, not "from"
        head = head.head
    # "Englishman Robert Buckley": up to the name; but a name in apposition is the holder
    # ("Lopez and his brother Ivo Brandt, 24": the 24 is Brandt's, not Lopez's)
    while head.dep_ in ("compound", "appos") and head.head.i != head.i:
        if head.dep_ == "appos" and head.pos_ == "PROPN":
            break
        head = head.head
    # "late Monday night", "early on Friday morning": a part of a day is when the verb happened, not a holder
    while head.lemma_.lower() in _DAY_PARTS and head.dep_ in ("npadvmod", "pobj") and head.head.i != head.i:
        head = head.head
        while head.pos_ == "ADP" and head.head.i != head.i:
            head = head.head
    if head.pos_ in ("NOUN", "PROPN"):
        return {"anchor": head.lemma_.lower(), "holder": _entity_text(head), **_description(head, inside)}
    verb, steps = head, 0
    while (
        not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and verb.dep_ in _CHAIN and steps < 4
    ):
        verb, steps = verb.head, steps + 1
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
        subject = verb.head  # "Reid, who launched a line in September": the relative clause's noun
    if subject is None:
        return {"anchor": head.lemma_.lower(), "holder": ""}
    return {"anchor": head.lemma_.lower(), "holder": _entity_text(subject), **_description(subject, inside)}


_CLAUSES = ("relcl", "advcl", "ccomp", "parataxis", "conj")  # dependents that head a clause of their own
_CLAUSE_WORDS = 3  # content words a clause needs besides its value to be tested on its own


def clause(tokens: list) -> dict[str, Any]:
    """The clause that states a value, as a short claim of its own: ``clause`` (its words, with a
    relative pronoun replaced by the noun it stands for and a missing subject taken from the clause
    it hangs on) and ``clause_at`` (where the value starts in it). "Reid, who has launched a fashion
    line called Mantra in September, opened up about her image" gives "Reid has launched a fashion
    line called Mantra in September". Empty when the clause is the whole claim or cannot be cut.

    ``tokens`` are the spaCy tokens of the value.
    """
    if not tokens:
        return {}
    inside = {t.i for t in tokens}
    verb = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[0])
    while not (verb.pos_ in ("VERB", "AUX") and (verb.dep_ in _CLAUSES or verb.head.i == verb.i)):
        if verb.head.i == verb.i:
            return {}
        verb = verb.head
    if verb.lemma_.lower() in REPORTING_VERBS:
        return {}  # "Simon said": who reported, not a fact of its own
    keep = {t.i for t in verb.subtree}
    for t in verb.subtree:  # leave out the clauses inside this one that do not hold the value
        if (
            t.i != verb.i
            and t.dep_ in _CLAUSES
            and t.pos_ in ("VERB", "AUX")
            and not {x.i for x in t.subtree} & inside
        ):
            keep -= {x.i for x in t.subtree}
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    prefix = ""
    if subject is not None and subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
        keep.discard(subject.i)  # "who" -> the noun the relative clause describes
        prefix = _words_of(verb.head, leave_out={x.i for x in verb.subtree})
    elif subject is None and verb.dep_ in ("conj", "advcl"):
        lender = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        prefix = _words_of(lender) if lender is not None else ""
    words = [t for t in verb.doc if t.i in keep and not (t.is_punct and t.i in (min(keep), max(keep)))]
    if not words:
        return {}
    text, at = (prefix + " ") if prefix else "", None
    for t in words:
        if t.i == tokens[0].i:
            at = len(text)
        text += t.text_with_ws
    text = text.strip()
    body = [t for t in verb.sent if not t.is_punct]
    if at is None or (not prefix and len(words) >= len(body) * 0.9):
        return {}
    content = [t for t in words if t.is_alpha and not t.is_stop and t.i not in inside]
    if len(content) < _CLAUSE_WORDS:
        return {}  # too short to stand for a fact: any two such clauses read alike
    return {"clause": text, "clause_at": at}


def _words_of(token, leave_out: frozenset[int] | set[int] = frozenset()) -> str:
    """A noun phrase's words, less those in ``leave_out`` (a clause inside it) and final punctuation."""
    words = [t for t in token.subtree if t.i not in leave_out]
    while words and words[-1].is_punct:
        words.pop()
    return "".join(t.text_with_ws for t in words).strip()


def _description(noun, inside: set[int]) -> dict[str, list[str]]:
    """For a holder that is a definite common noun ("the total herring catch for 2026"), the words
    that single it out: ``holder_words`` (lower-case lemmas of its modifiers) and ``holder_ids`` (those
    that identify: proper nouns and figures written in digits, "2026"; not "the two sides"). Empty for
    names, pronouns and indefinite nouns ("a climber"), which identify nothing by their words."""
    if noun.pos_ != "NOUN" or not any(c.dep_ in ("det", "poss") and c.lower_ != "a" and c.lower_ != "an"
                                      for c in noun.children):  # fmt: skip
        return {}
    words = [
        t
        for t in noun.subtree
        if t.i != noun.i and t.i not in inside and t.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")
    ]
    ids = {
        t.lemma_.lower()
        for t in words
        if t.pos_ == "PROPN" or (t.pos_ == "NUM" and any(c.isdigit() for c in t.text))
    }
    return {"holder_words": sorted({t.lemma_.lower() for t in words}), "holder_ids": sorted(ids)}


def _entity_text(token) -> str:
    """The entity a token is part of, as written, else its lemma ("Robert Buckley", "climber")."""
    if token.ent_type_ and token.ent_iob_ in ("B", "I"):
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return ent.text
    return token.lemma_.lower() if token.pos_ != "PRON" else ""


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def name_key(name: str) -> str:
    """A spelling-insensitive key: "U.S." / "US", "Jong-un" / "Jong Un", "Rahman's" / "Rahman"."""
    name = re.sub(r"['’]s?$", "", name.strip())
    return (
        re.sub(r"[\s.\-’']+", " ", name.lower()).strip().replace(" ", "")
        if len(name) <= 6
        else re.sub(r"[\s.\-’']+", " ", name.lower()).strip()
    )


def _to_float(raw: str) -> float | None:
    raw = raw.lower().replace(",", "")
    if raw in _WORDS or re.fullmatch(_COMPOUND, raw):
        return float(_number_words(raw))
    try:
        return float(raw)
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def _number_words(word: str) -> int:
    from number_parser import parse_number

    return 12 if word == "dozen" else int(parse_number(word) or 0)


def _number_value(m: re.Match) -> dict[str, Any] | None:
    if m.group("vague"):
        lo, hi = _VAGUE[m.group("vague").lower()]
        noun = m.group("vnoun").lower()
        return {"lo": lo, "hi": hi, "unit": _singular(noun), "noun": noun, "key": f"{lo}-{hi} {_singular(noun)}",
                "exact": False}  # fmt: skip
    value = _to_float(m.group("num"))
    if value is None:
        return None
    glued = (m.group("glued") or "").lower()
    currency = _CURRENCY.get((m.group("cur") or "").lower(), "")
    scale = _SCALE.get((m.group("scale") or "").lower(), 1.0)
    if glued in _GLUED_SCALE and (currency or glued not in ("m", "k")):
        scale, glued = _GLUED_SCALE[glued], ""
    elif glued == "k":
        return None  # "5k" without a currency: a race, a resolution; not read
    value *= scale
    noun = (glued or m.group("noun") or "").lower()
    if noun in _function_words() and not glued:
        noun = ""  # "30 and 40 were injured": the word after the figure is not what it counts
    currency = currency or _CURRENCY.get(noun, "")
    if currency:
        unit = currency  # "$1 million in damage", "12 million euros"
    elif m.group("pct"):
        unit = "%"
    elif _AGE.match(noun):
        unit, noun = "age", "age"  # "32-year-old": an age (the same person's age is one slot)
    elif _NOT_COUNTED.match(noun) or (re.fullmatch(r"\d{4}", m.group("num")) and 1800 <= value <= 2100):
        return None  # ages, clock times and bare years are not compared as figures
    else:
        unit, factor = _unit(noun)
        value *= factor
    bound = re.sub(r"\s+", " ", (m.group("bound") or "").lower())
    lo = hi = value
    if m.group("num2"):
        second = _to_float(m.group("num2"))
        if second is None or second * scale <= value:
            return None  # "24-7", a score "2-1": not a range
        if _record(m, noun, currency):
            return None  # "the 2-13 Chiefs", "a 9-14 start": a win-loss record or a score, not a range
        hi = second * scale * (_unit(noun)[1] if unit not in ("%",) and not currency else 1.0)
    elif bound in _LOWER:
        hi = math.inf
    elif bound in _UPPER:
        lo = 0.0
    elif bound in _APPROX:
        f_lo, f_hi = _APPROX[bound]
        lo, hi = value * f_lo, value * f_hi
    exact = lo == hi
    key = f"{_fmt(lo)}" if exact else f">={_fmt(lo)}" if hi == math.inf else f"{_fmt(lo)}-{_fmt(hi)}"
    out = {"lo": lo, "hi": hi if hi != math.inf else None, "unit": unit, "noun": noun,
           "key": f"{key} {unit}".strip(), "exact": exact}  # fmt: skip
    written = _written_unit(noun) if unit != noun and not currency and unit != "%" else ""
    if written:
        out["measured"] = written  # the unit as written ("yard"), before conversion to the base unit
    return out


@functools.lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "were", "was", "percent"}


_RECORD_WORDS = frozenset(
    {"start", "record", "season", "win", "victory", "loss", "defeat", "lead", "mark", "run"}
)


def _record(m: re.Match, noun: str, currency: str) -> bool:
    """Whether "N-M" is a win-loss record or a score: two whole numbers joined by a hyphen, with no
    currency, percent or scale, counting nothing or a word records go with ("start", "season")."""
    joined = m.string[m.end("num") : m.start("num2")].strip() == "-"
    plain = not (currency or m.group("pct") or m.group("scale") or m.group("between") or m.group("bound"))
    whole = m.group("num").isdigit() and m.group("num2").isdigit()
    return joined and plain and whole and (not noun or noun in _RECORD_WORDS)


@functools.lru_cache(maxsize=256)
def _written_unit(noun: str) -> str:
    """pint's name of a measure as written ("ft" -> "foot", "metres" -> "meter"); "" for other words."""
    if noun not in _MEASURES and _singular(noun) not in _MEASURES:
        return ""
    try:
        return str(_registry().Quantity(1.0, noun).units)
    except Exception:  # noqa: BLE001 - a word pint does not know is no measure
        return ""


@functools.lru_cache(maxsize=1024)
def _unit(noun: str) -> tuple[str, float]:
    """(unit name, factor to it): lengths and masses in one base unit each so km and miles compare."""
    if not noun:
        return "", 1.0
    if noun not in _MEASURES and _singular(noun) not in _MEASURES:
        return _singular(noun), 1.0
    base = {"[length]": "mile", "[mass]": "kilogram", "[time]": "minute", "[speed]": "mph"}
    try:
        registry = _registry()
        quantity = registry.Quantity(1.0, noun)
        for dim, target in base.items():
            if quantity.dimensionality == registry.get_dimensionality(dim) if dim != "[speed]" else False:
                return target, float(quantity.to(target).magnitude)
        return str(quantity.units), 1.0
    except Exception:  # noqa: BLE001 - any word pint does not know is a counted noun
        return _singular(noun), 1.0


@functools.lru_cache(maxsize=1)
def _registry():
    import pint

    return pint.UnitRegistry()


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.4g}"


def _date_value(m: re.Match, published: str) -> dict[str, Any] | None:
    base = _published(published)
    if m.group("m3"):
        return _month_value(MONTHS.index(m.group("m3").lower()) + 1, m.group("y3"), base)
    if m.group("rel") or (m.group(0).lower() in ("yesterday", "today", "tonight")) or m.group("wd"):
        phrase = m.group(0).lower()
        weekday = m.group("wd")
        if base is None:
            return {"weekday": weekday.lower(), "key": weekday.lower()} if weekday else None
        day = _resolve(phrase.removeprefix("on ").strip(), base)
        if day is None:
            return {"weekday": weekday.lower(), "key": weekday.lower()} if weekday else None
        if "week" in phrase or "month" in phrase:  # a window, not a day
            span = 7 if "week" in phrase and "ago" not in phrase else 31 if "month" in phrase else 3
            lo, hi = (
                day - dt.timedelta(days=span - 1 if "week" in phrase else 0),
                day + dt.timedelta(days=span),
            )
            return {"lo": lo.isoformat(), "hi": hi.isoformat(), "key": f"{lo.isoformat()}..{hi.isoformat()}"}
        return {"day": day.isoformat(), "key": day.isoformat()}
    month = m.group("m1") or m.group("m2")
    number = int(m.group("d1") or m.group("d2"))
    index = next(i for i, name in enumerate(MONTHS) if name.startswith(month.lower()[:3])) + 1
    if number > 31:
        return None
    year = int(m.group("y")) if m.group("y") else (base.year if base else None)
    if year is None:
        return {"key": f"{index:02d}-{number:02d}", "day": None}
    try:
        day = dt.date(year, index, number)
    except ValueError:
        return None
    if not m.group("y") and base is not None and day > base + dt.timedelta(days=7):
        day = day.replace(year=day.year - 1)  # "Dec. 30" in a January article is last year's
    return {"day": day.isoformat(), "key": day.isoformat()}


def _clock_value(m: re.Match) -> dict[str, Any] | None:
    """A game clock as a figure in seconds, unit "time left" or "time elapsed" (see _GAME_CLOCK)."""
    if m.group("cm"):
        seconds = int(m.group("cm")) * 60 + int(m.group("cs"))
    elif m.group("ss"):
        seconds = _clock_number(m.group("mm") or "0") * 60 + _clock_number(m.group("ss"))
    else:
        seconds = _clock_number(m.group("mo")) * 60
    unit = "time left" if m.group("left") else "time elapsed"
    key = f"{seconds // 60}:{seconds % 60:02d} {unit}"
    return {"kind": "number", "lo": float(seconds), "hi": float(seconds), "unit": unit, "noun": "",
            "key": key, "exact": True, "clock": True}  # fmt: skip


def _clock_number(word: str) -> int:
    return int(word) if word.isdigit() else _number_words(word.lower())


def _time_value(m: re.Match) -> dict[str, Any] | None:
    """A time of day: ``minute`` (0-1439, as read), ``zone`` ("" when none is named) and, where the zone
    has a fixed offset, ``utc_minute``."""
    if m.group("h"):
        hour, minute, zone = int(m.group("h")), int(m.group("m") or 0), m.group("zone") or ""
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group("ampm").lower() == "p" else 0)
    else:
        hour, minute, zone = (int(m.group("h2") or m.group("h3")), int(m.group("m2") or m.group("m3")),
                              m.group("zone2") or m.group("zone3"))  # fmt: skip
        if hour > 23:
            return None
    zone = re.sub(r"\s+", " ", zone.lower())
    value = {"kind": "time", "minute": hour * 60 + minute, "zone": zone,
             "key": f"{hour:02d}:{minute:02d}{' ' + zone if zone else ''}"}  # fmt: skip
    offset = _ZONES.get(zone)
    if offset is not None:
        value["utc_minute"] = (hour * 60 + minute - offset) % 1440
    return value


def _month_value(month: int, year: str | None, base: dt.date | None) -> dict[str, Any]:
    """A month without a day as the window of its days; the year, when not written, is the latest
    one not after the article's date (news reports the past)."""
    if year is None and base is None:
        return {"month": month, "key": MONTHS[month - 1]}
    y = int(year) if year else base.year - (month > base.month)  # type: ignore[union-attr]
    last = (dt.date(y + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return {"lo": dt.date(y, month, 1).isoformat(), "hi": dt.date(y, month, last).isoformat(), "month": month,
            "key": f"{y}-{month:02d}"}  # fmt: skip


@functools.lru_cache(maxsize=256)
def _published(published: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(published)[:10]) if published else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _resolve(phrase: str, base: dt.date) -> dt.date | None:
    """A relative date phrase as a day, counted back from the article's date (news reports the past)."""
    if phrase in ("today", "tonight"):
        return base
    if phrase == "yesterday":
        return base - dt.timedelta(days=1)
    words = phrase.split()
    if words[-1] in WEEKDAYS and len(words) <= 2:
        back = (base.weekday() - WEEKDAYS.index(words[-1])) % 7
        if words[0] == "last" and back == 0:
            back = 7
        return base - dt.timedelta(days=back)  # "on Monday" in a Monday article is that day
    import dateparser

    found = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"RELATIVE_BASE": dt.datetime.combine(base, dt.time()), "PREFER_DATES_FROM": "past"},
    )
    return found.date() if found else None
