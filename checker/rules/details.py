"""Where two claims' values differ: candidate name, place, figure and date mismatches, and aliases.

``differences(values_a, values_b)`` pairs the values of two claims (checker.rules.values) that could
fill the same slot and disagree: the same kind, and for names the same entity label with a similar
spelling or the same role word; figures of one unit whose intervals do not overlap (so "at least 30",
"between 30 and 40" and "35" agree; "about 15 miles" and "24 km" agree); dates resolved to days that
do not overlap. Aliases are never differences: acronyms and their expansion ("NATO" / "North Atlantic
Treaty Organization"), spellings of one name ("Jong-un" / "Jong Un", "U.S." / "US"), the short table
below, demonyms ("Ukraine" / "Ukrainian"), and a name inside a longer one ("Witkoff" / "Steve Witkoff").

Whether the two claims state the *same fact* is not decided here: the score step puts one claim's value
into the other claim (``substitute``) and asks NLI whether the two then say the same thing
(checker.steps.score.detail_checks). Pure functions, no model.

Example:
    >>> from checker.rules.values import extract_values
    >>> a = extract_values("At least 30 people were injured.")
    >>> b = extract_values("Between 30 and 40 people were injured.")
    >>> differences(a, b)
    []
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from checker.rules.copies import near_copy
from checker.rules.hedges import find_hedges

NAME = "checker.details.v13"  # findings depend on it: bump when a table or rule changes

# One referent, several names (lower case, as name_key writes them). A short table of what news
# writes most; acronyms with their expansion in the same pair or corpus are found by rule.
_ALIASES = [
    {"us", "usa", "united states", "united states of america", "america", "american", "americans"},
    {"uk", "britain", "great britain", "united kingdom", "british", "briton", "britons"},
    {"un", "united nations"},
    {"eu", "european union"},
    {"uae", "united arab emirates", "emirati"},
    {"nato", "north atlantic treaty organization", "north atlantic alliance", "alliance"},
    {"russia", "russian federation", "russian", "russians"},
    {"netherlands", "holland", "dutch"},
    {"china", "prc", "chinese"},
    {"north korea", "dprk", "north korean"},
    {"south korea", "rok", "south korean"},
    {"swiss", "switzerland"},
    {"philippines", "filipino", "filipinos", "philippine"},
]
_ALIAS_OF = {name: i for i, group in enumerate(_ALIASES) for name in group}
_DERIVED = {"n", "an", "ian", "ese", "ish", "i", "s", "ns", "ans", "ians", "ic", "ean", "eans"}
_TITLES = re.compile(r"^(?:mr|mrs|ms|dr|sgt|lt|gen|col|capt|gov|sen|rep|st|mt|prof|judge|president)\.?\s+")
# Figures of the same unit closer than this are rounding, not a dispute (2,000 ft vs 610 m).
_ROUNDING = 0.05
_LETTERS = re.compile(r"[^\W\d_]+")  # the words of a name, punctuation left out
_LONE_SLIP = 7  # letters a slipped word needs where it is all two names share


def differences(values_a: list[dict[str, Any]], values_b: list[dict[str, Any]], *,
                name_similarity: float = 0.75) -> list[tuple[str, dict, dict]]:  # fmt: skip
    """Candidate mismatches (kind, value in a, value in b); kind is entity_mismatch, place_mismatch,
    number_mismatch or date_mismatch. Values only one claim states are not differences."""
    out: list[tuple[str, dict, dict]] = []
    for v in (v for v in values_a if v["kind"] == "place" and v.get("bearing")):
        # one place, two directions from it ("55 km west of Bireun" / "55 km south of Bireun")
        w = next((w for w in values_b if w["kind"] == "place" and w.get("bearing") and w.get("bearing") != v["bearing"]
                  and same_name(v["text"], w["text"])), None)  # fmt: skip
        if w is not None:
            out.append(("place_mismatch", v, w))
    for kind, finding in (("name", "entity_mismatch"), ("place", "place_mismatch")):
        names_a = [v for v in values_a if v["kind"] == kind]
        names_b = [v for v in values_b if v["kind"] == kind]
        only_a = [v for v in names_a if not any(same_name(v["text"], w["text"]) for w in names_b)]
        only_b = [w for w in names_b if not any(same_name(w["text"], v["text"]) for v in names_a)]
        for v in only_a:
            best = max(
                (w for w in only_b if w.get("label") == v.get("label")),
                key=lambda w: fuzz.ratio(v["key"], w["key"]),
                default=None,
            )
            if best is not None and (len(only_a) == len(only_b) == 1 or _similar(v, best, name_similarity)
                                     or _surname_slip(v, best)):  # fmt: skip
                out.append((finding, v, best))
                only_b.remove(best)
    numbers_a = [v for v in values_a if v["kind"] == "number" and not v.get("whole")]
    numbers_b = [w for w in values_b if w["kind"] == "number" and not w.get("whole")]
    compared: list[dict] = []
    for v in numbers_a:
        if any(u["unit"] == v["unit"] and figures_agree(u, v) for u in compared):
            continue  # "60 m (200 ft)": one figure written twice is one difference, not two
        compared.append(v)
        # figures of one unit; bare figures ("a mother of 12") only where they attach to the same word
        same_unit = [w for w in numbers_b if w["unit"] == v["unit"] and (v["unit"] or _same_anchor(v, w))]
        if not same_unit or any(figures_agree(v, w) for w in same_unit):
            continue
        # a figure of the unit that both claims state is agreed ("226 yards" in each); the rest is in
        # dispute, and among several, a figure of a person the other claim never names is not
        unit_a = [x for x in numbers_a if x["unit"] == v["unit"]]
        open_a = [x for x in unit_a if not any(figures_agree(x, y) for y in same_unit)]
        open_b = [w for w in same_unit if not any(figures_agree(w, x) for x in unit_a)]
        if len(open_b) > 1:
            open_b = [w for w in open_b if not _someone_else(w, values_a)]
        if not open_b:
            continue
        # the disputed pair is each other's nearest figure: "84-yard" / "86-yard", not "226 yards" / "86-yard"
        w = min(open_b, key=lambda w: abs(w["lo"] - v["lo"]))
        if not figures_agree(v, min(open_a, key=lambda x: abs(x["lo"] - w["lo"]))):
            continue
        out.append(("number_mismatch", v, w))
    days_a = [v for v in values_a if v["kind"] == "date" and v.get("key")]
    days_b = [w for w in values_b if w["kind"] == "date" and w.get("key")]
    if len(days_a) == 1 and len(days_b) == 1 and _dates_differ(days_a[0], days_b[0]):
        out.append(("date_mismatch", days_a[0], days_b[0]))
    times_a = [v for v in values_a if v["kind"] == "time"]
    times_b = [w for w in values_b if w["kind"] == "time"]
    if len(times_a) == 1 and len(times_b) == 1 and _times_differ(times_a[0], times_b[0]):
        out.append(("date_mismatch", times_a[0], times_b[0]))
    return out


# The rules that can decide a detail check's "same fact" without NLI: the keys of a check
# (checker.steps.score.detail_checks) that hold a rule's verdict, truthy when it decided.
SAME_FACT_RULES = ("misspelt", "same_slot", "shared", "swapped", "same_event", "clock_slip")


def decided_by_rule(check: dict) -> bool:
    """Whether a rule of SAME_FACT_RULES says the two values of a detail check fill one slot."""
    return any(check.get(rule) for rule in SAME_FACT_RULES)


def _dates_differ(v: dict, w: dict) -> bool:
    """Whether two dates cannot be the same day, compared as precisely as the vaguer one allows: days
    and windows by overlap; a weekday alone ("on Friday", in an article without a date) by weekday;
    a month alone by month. A weekday and a month, or a day without a year ("November 12") and a
    weekday, cannot be compared: not a difference."""
    if (v.get("day") or v.get("lo")) and (w.get("day") or w.get("lo")):
        return not _days_overlap(v, w)
    if v.get("weekday") or w.get("weekday"):
        wv, ww = _weekday(v), _weekday(w)
        return bool(wv and ww) and wv != ww
    if v.get("month") or w.get("month"):
        mv, mw = _month(v), _month(w)
        return bool(mv and mw) and mv != mw
    return False


def _times_differ(v: dict, w: dict) -> bool:
    """Whether two times of day cannot be one moment: read in one zone (the same zone named, or none
    named by either), or both in zones of fixed offset and compared in UTC ("07:37 GMT" is "03:37
    EDT"). "7:37 local time" against "07:37 GMT" cannot be compared without the place's offset."""
    if v["zone"] == w["zone"]:
        return v["minute"] != w["minute"]
    if "utc_minute" in v and "utc_minute" in w:
        return v["utc_minute"] != w["utc_minute"]
    return False


def _weekday(v: dict) -> str:
    """The weekday a date names or falls on ("" for a window or a day without a year)."""
    if v.get("weekday"):
        return v["weekday"]
    if v.get("day"):
        return dt.date.fromisoformat(v["day"]).strftime("%A").lower()
    return ""


def _month(v: dict) -> int:
    """The month a date names or falls in (0 for a window over two months or none known)."""
    if v.get("month"):
        return int(v["month"])
    lo, hi = (v["day"], v["day"]) if v.get("day") else (v.get("lo") or "", v.get("hi") or "")
    return int(lo[5:7]) if lo and lo[:7] == hi[:7] else 0


CLOCK_SLIP = 2  # seconds: two game-clock readings this close, counted the same way, are one moment


def clock_slip(v: dict, w: dict) -> bool:
    """Whether two game-clock readings are one moment written differently: both count down ("with 7:42
    left" / "with 7:41 to go") or both up, and differ by at most CLOCK_SLIP seconds. Two events of one
    game a second apart are rarely both reported; a reporter's slip of a second is common. Whether the
    two claims' articles tell of one game is the caller's to check (shared names)."""
    return (
        bool(v.get("clock") and w.get("clock"))
        and v["unit"] == w["unit"]
        and 0 < abs(v["lo"] - w["lo"]) <= CLOCK_SLIP
    )


def hedged_figure(values_a: list[dict], values_b: list[dict], text_a: str = "", text_b: str = "") -> str:
    """Which claim states a figure flat that the other puts in doubt, or "".

    Returns "a: two children vs possibly two children (figure)" when a states the figure flat ("b: ..."
    when b does): the same figure (one unit, a counted noun or a measure, and the same interval; never a
    bare figure or a game clock), with a hedge right before it in one claim (``hedge``, from
    checker.rules.values) and none in the other figure's clause (its ``clause``, else its claim's text,
    ``text_a`` or ``text_b``). This is assertion strength on a figure:
    the flat claim states more than the hedged one supports. Whether the two claims' articles tell one
    story is the caller's to check (shared names), as for clock_slip.

    Example:
        >>> from checker.rules.values import extract_values
        >>> hedged_figure(extract_values("Possibly two children were inside."),
        ...               extract_values("Two children were inside."))
        'b: Two children vs possibly two children (figure)'
    """
    for v in (v for v in values_a if v["kind"] == "number"):
        for w in (w for w in values_b if w["kind"] == "number"):
            same = v["unit"] == w["unit"] and (v["lo"], v.get("hi")) == (w["lo"], w.get("hi"))
            if not same or not v["unit"] or v.get("clock") or bool(v.get("hedge")) == bool(w.get("hedge")):
                continue
            flat, doubted = (w, v) if v.get("hedge") else (v, w)
            if find_hedges(flat.get("clause") or (text_b if v.get("hedge") else text_a) or flat["text"]):
                continue  # "two children may have been inside": hedged in its own way
            side = "a" if flat is v else "b"
            return f"{side}: {flat['text']} vs {doubted['hedge']} {doubted['text']} (figure)"
    return ""


def _someone_else(v: dict, values: list[dict]) -> bool:
    """Whether v is a figure of a named person ("Peyton Hillis ran for 101 yards") whom the other
    claim's ``values`` never name."""
    holder = v.get("holder", "")
    names = [x["text"] for x in values if x["kind"] == "name" and x.get("label") == "PERSON"]
    return _named(holder) and not any(same_name(holder, n) for n in names)


def _same_anchor(v: dict, w: dict) -> bool:
    return bool(v.get("anchor")) and v.get("anchor") == w.get("anchor")


def same_slot(v: dict, w: dict) -> bool:
    """Whether two values attach to the same word and belong to the same holder (checker.rules.values
    .anchor): "fell 600 m" and "fell 700 m" by one climber; "31-year-old Robert Buckley" and
    "32-year-old Robert Buckley". Unknown holders never match: precision first."""
    if v["kind"] not in ("number", "date", "time") or not v.get("anchor"):
        return False
    if v.get("anchor") != w.get("anchor"):
        return False
    if v["kind"] in ("date", "time") and v["anchor"] in _GENERIC_VERBS:
        return False  # "Obama said on Tuesday" / "on Friday": one speaker speaks on many days
    hv, hw = v.get("holder", ""), w.get("holder", "")
    # only a named holder identifies the fact: "a climber fell 150 m" and "a man fell 600 m" may be two
    if _named(hv) and _named(hw):
        return same_name(hv, hw)
    return hv == hw and _one_description(v, w)


def _one_description(v: dict, w: dict) -> bool:
    """Whether two holders are one definite description: the same noun, the words of one among the
    other's, and a proper noun or figure shared ("the total herring catch for 2026" / "the total
    allowable catch of herring for 2026"; not "the death toll" / "the death toll": that may be two)."""
    words_v, words_w = set(v.get("holder_words") or ()), set(w.get("holder_words") or ())
    shared_ids = set(v.get("holder_ids") or ()) & set(w.get("holder_ids") or ())
    return bool(shared_ids) and (words_v <= words_w or words_w <= words_v)


# Nouns of events that have one venue, by kind: "the talks" and "the meeting" of one story are one event
_EVENTS = {
    **dict.fromkeys(("talk", "meeting", "negotiation", "summit", "conference", "session"), "meeting"),
    **dict.fromkeys(("vote", "election", "referendum", "ballot"), "vote"),
    **dict.fromkeys(("trial", "hearing", "inquest"), "trial"),
    **dict.fromkeys(("ceremony", "funeral", "wedding", "inauguration"), "ceremony"),
}
# verbs that give an event its venue ("took place in", "was held in", "met in")
_VENUE_VERBS = frozenset({"take", "hold", "happen", "occur", "be", "convene", "meet", "open", "begin", "start",
                          "end", "conclude", "resume"})  # fmt: skip


def same_event(v: dict, w: dict) -> str:
    """The kind of event two places are each the venue of, or "": "The talks took place in Marsund" /
    "The meeting was held in Tarnvik" (one meeting, two venues). Both places must be the venue of a
    definite event noun ("the talks", not "talks") of one kind, and the event's identifying words must
    agree ("the 2024 summit" and "the 2025 summit" are two). Whether the two claims' articles tell of
    one story is the caller's to check (checker.steps.score.detail_checks: shared names)."""
    kind_v, kind_w = _venue_of(v), _venue_of(w)
    if not kind_v or kind_v != kind_w:
        return ""
    ids_v, ids_w = set(v.get("holder_ids") or ()), set(w.get("holder_ids") or ())
    return kind_v if ids_v <= ids_w or ids_w <= ids_v else ""


def _venue_of(v: dict) -> str:
    if v["kind"] != "place" or v.get("bearing") or "holder_words" not in v:  # "holder_words": a definite noun
        return ""
    kind = _EVENTS.get(v.get("holder", ""), "")
    return kind if v.get("anchor") in _VENUE_VERBS or v.get("anchor") == v.get("holder") else ""


def shared_detail(v: dict, w: dict, values_a: list[dict], values_b: list[dict]) -> str:
    """An identifying detail two claims share that makes two figures of one verb one fact, or "".

    "A 36-year-old climber died after falling 150 m" and "36-year-old Duncan Raite died after falling
    about 60 m (200 ft)": both figures attach to "fall", and the claims state the same age, so they are
    about one fall, however differently the rest is told. Identifying details: an age, a person's
    name, a day. Figures (not dates or names), the same unit, the same verb are required. Two
    directions from one place are one fact when the claims give the same distance ("55 km west of
    Bireun" / "55 km south of Bireun": the shared detail is the distance).

    Example:
        >>> age = {"kind": "number", "unit": "age", "exact": True, "key": "36 age", "text": "36-year-old"}
        >>> v = {"kind": "number", "unit": "mile", "anchor": "fall", "key": "0.09 mile"}
        >>> w = {"kind": "number", "unit": "mile", "anchor": "fall", "key": "0.04 mile"}
        >>> shared_detail(v, w, [age, v], [age, w])
        '36-year-old'
    """
    if v.get("bearing") and w.get("bearing"):  # two directions from one place: the same distance?
        distances = [x for x in values_b if x["kind"] == "number" and x.get("unit") == "mile"]
        return next((x["text"] for x in values_a if x["kind"] == "number" and x.get("unit") == "mile"
                     and any(figures_agree(x, y) for y in distances)), "")  # fmt: skip
    if v["kind"] != "number" or v.get("unit") in (None, "", "age") or v.get("unit") != w.get("unit"):
        return ""
    if not v.get("anchor") or v.get("anchor") != w.get("anchor") or v.get("anchor") in _GENERIC_VERBS:
        return ""
    hv, hw = v.get("holder", ""), w.get("holder", "")
    if _named(hv) and _named(hw) and not same_name(hv, hw):
        return ""  # "Hillis rushed for 101 yards" / "Charles rushed for 226 yards": two people's figures
    ids_b = {x["key"] for x in values_b if _identifying(x)}
    return next((x["text"] for x in values_a if _identifying(x) and x["key"] in ids_b), "")


# Verbs too general to tie two figures to one event ("the quake killed 10" / "the 2004 quake killed 612"
# share "kill" but not "be" or "have")
_GENERIC_VERBS = frozenset({"be", "have", "say", "tell", "report", "make", "get", "take"})


def _identifying(value: dict) -> bool:
    """An age, a person's name or a day: a detail that singles out one person or event in a story."""
    if value["kind"] == "number":
        return value.get("unit") == "age" and bool(value.get("exact"))
    if value["kind"] == "name":
        return value.get("label") == "PERSON"
    return value["kind"] == "date" and bool(value.get("day"))


def _named(holder: str) -> bool:
    return bool(holder) and holder[:1].isupper()


def misspelt(
    v: dict, w: dict, *, places: frozenset[str] = frozenset(), named: frozenset[str] | None = None
) -> bool:
    """Two spellings of one person's name: both labelled PERSON, every word of the shorter name in the
    longer one but one, and that word one slip away (``one_slip``: "Rait" / "Raite", "Witkoff" /
    "Witkof"), not an alias. Where the slipped word is all the two names share ("Mahnefeh" /
    "Mahnefah Gray"), it must be a long word (``_LONE_SLIP`` letters): short names one slip apart are
    mostly other people ("Simon" / "Simone", "Obama" / "Osama bin Laden", "Mary" / "Mark Gurman" on
    FNC-1 and ECB+ bodies).

    ``places`` holds the keys (``key``) of every name the corpus labels a place somewhere (a small
    tagger calls a town a person in one sentence and a place in the next): such a name is never a
    misspelt person, because place names have several accepted spellings ("Bireuen" / "Bireun").

    ``named`` is for two mentions in one article: the words of the full names (two words or more) of
    people the article names. There a lone surname one slip from the surname of a full name is a
    misspelling however short ("Duncan Rait" ... "rescue Raite"), unless the article gives someone that
    spelling in full: an article introduces a person by full name and then refers back by surname.
    """
    if v.get("label") != "PERSON" or w.get("label") != "PERSON" or same_name(v["text"], w["text"]):
        return False
    if v.get("key") in places or w.get("key") in places:
        return False
    short, full = sorted((name_words(v["text"]), name_words(w["text"])), key=len)
    rest = list(full)
    slipped = []
    for word in short:  # each word of the shorter name in the longer one ("Mahnefeh" / "Mahnefah Gray")
        match = word if word in rest else next((x for x in rest if one_slip(word, x)), None)
        if match is None:
            return False
        rest.remove(match)
        if match != word:
            slipped.append((word, match))
    if len(slipped) != 1:
        return False
    word, match = slipped[0]
    if word in places or match in places:
        return False  # "Afshin Kobani" ... "Kobane": a town's spellings, not a misspelt surname
    surname = len(short) == 1 and named is not None and match == full[-1] and word not in named
    return len(short) > 1 or min(len(word), len(match)) >= _LONE_SLIP or surname


def one_slip(a: str, b: str) -> bool:
    """Two words of four letters or more that one slip of the pen turns into each other: one letter
    added, dropped, changed, or two neighbours swapped (Damerau-Levenshtein distance 1), except the
    slips by which transliterations of one name differ: "i" for "y" ("Sergei" / "Sergey",
    "Gurbanguli" / "Gurbanguly") and an "h" after a consonant ("Christina" / "Cristina", "Askar" /
    "Askhar"); another first letter (people rarely mistype it: "Gurbanguly" / "Kurbanguly" are two
    transliterations, "Mary" / "Gary" two people); and an "s" at the end (a plural or possessive).
    Two or more slips are left alone too ("Gurbanguli" / "Kurbanguly").

    Example:
        >>> one_slip("ekerwald", "ekervald"), one_slip("gurbanguli", "kurbanguly"), one_slip("sergei", "sergey")
        (True, False, False)
    """
    if min(len(a), len(b)) < 4 or a[0] != b[0] or DamerauLevenshtein.distance(a, b) != 1:
        return False
    if len(a) == len(b):
        changed = {x + y for x, y in zip(a, b, strict=True) if x != y}
        return changed.isdisjoint({"iy", "yi"})
    short, long = sorted((a, b), key=len)
    at = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    if at == len(short) and long[at] == "s":
        return False  # a plural or a possessive ("Tar Heel" / "Tar Heels"), not a slip
    return not (long[at] == "h" and long[at - 1] not in "aeiou")


def same_name(a: str, b: str) -> bool:
    """Whether two names can name one referent (aliases, spellings, acronyms, a name in a longer one).

    Example:
        >>> same_name("NATO", "North Atlantic Treaty Organization"), same_name("Juneau", "Anchorage")
        (True, False)
    """
    ka, kb = _key(a), _key(b)
    if ka == kb or ka.replace(" ", "") == kb.replace(" ", ""):
        return True
    if ka in _ALIAS_OF and _ALIAS_OF.get(ka) == _ALIAS_OF.get(kb):
        return True
    wa, wb = set(ka.split()), set(kb.split())
    if wa <= wb or wb <= wa:
        return True
    if _acronym(ka, kb) or _acronym(kb, ka) or _derived(ka, kb):
        return True
    return False


def name_words(name: str) -> list[str]:
    """The words of a name as ``misspelt`` compares them: lower case, titles and possessives left out.

    Example:
        >>> name_words("Mr. Duncan Rait's")
        ['duncan', 'rait']
    """
    return _LETTERS.findall(_key(name))


def _key(name: str) -> str:
    name = re.sub(r"['’]s?\b|[\"“”]", "", name.lower())
    name = _TITLES.sub("", re.sub(r"[.\-–]", " ", name))
    return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", name)).strip()


def _acronym(short: str, long: str) -> bool:
    """ "nato" is the initials of "north atlantic treaty organization" (small words may be skipped),
    or starts with the initials of its first two words, the long name being a short form of what the
    acronym stands for: "isis" / "islamic state" (of Iraq and Syria), "isil" / "islamic state group"."""
    letters = short.replace(" ", "")
    if not (2 <= len(letters) <= 6) or " " not in long:
        return False
    words = long.split()
    every = "".join(w[0] for w in words)
    content = "".join(w[0] for w in words if w not in {"of", "the", "and", "for", "in", "on", "de"})
    prefix = len(letters) >= 3 and len(content) >= 2 and letters.startswith(content[:2])
    return letters in (every, content) or prefix


def _derived(a: str, b: str) -> bool:
    """A name and its demonym or plural (Ukraine / Ukrainian, China / Chinese), not a misspelling."""
    short, long = sorted((a, b), key=len)
    stem = short.rstrip("aeiy") or short
    return long.startswith(stem) and long[len(stem) :] in _DERIVED


def _surname_slip(v: dict, w: dict) -> bool:
    """A candidate, not a verdict: one name is a lone word one slip from the other's last word ("Raite" /
    "Duncan Rait"); misspelt decides with the article's names (checker.steps.score). Asking misspelt
    here instead widens every misspelling card with partial names ("Bill Cosby(Credit:" on FNC-1)."""
    short, full = sorted((name_words(v["text"]), name_words(w["text"])), key=len)
    return len(short) == 1 and len(full) > 1 and one_slip(short[0], full[-1])


def _similar(v: dict, w: dict, threshold: float) -> bool:
    return fuzz.ratio(v["key"], w["key"]) / 100 >= threshold


def figures_agree(v: dict, w: dict) -> bool:
    """Figures agree when their intervals overlap, allowing for rounding of exact figures."""
    hi_v = v["hi"] if v.get("hi") is not None else float("inf")
    hi_w = w["hi"] if w.get("hi") is not None else float("inf")
    # a measure written in one unit on both sides ("84-yard" / "86-yard") is read as written: the slack
    # is for the rounding of a conversion ("2,000 ft" / "610 m")
    same_written = bool(v.get("measured")) and v.get("measured") == w.get("measured")
    slack = (
        _ROUNDING * max(abs(v["lo"]), abs(w["lo"]))
        # counts, clocks and magnitudes are read exactly; measures get rounding slack
        if v.get("unit") not in ("", None, "magnitude") and not _counted(v) and not v.get("clock")
        and not same_written
        else 0
    )
    return v["lo"] <= hi_w + slack and w["lo"] <= hi_v + slack


def _counted(v: dict) -> bool:
    """A count of things (people, shots): exact integers, no rounding slack; measures get slack."""
    return v.get("unit") == _singular(v.get("noun") or "") and float(v["lo"]).is_integer()


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _days_overlap(v: dict, w: dict) -> bool:
    lo_v, hi_v = (v["day"], v["day"]) if v.get("day") else (v["lo"], v["hi"])
    lo_w, hi_w = (w["day"], w["day"]) if w.get("day") else (w["lo"], w["hi"])
    return lo_v <= hi_w and lo_w <= hi_v


def swapped_name(
    values_a: list[dict], values_b: list[dict], text_a: str, text_b: str
) -> tuple[str, dict, dict] | None:
    """Two claims in the same words but for one name, whatever labels the tagger gave the two names.

    "The ministers met in Vesterby for two days of talks" / "... met in Karsholm ...": a small tagger
    may call one town an organisation and the other a place, so ``differences`` (which compares names
    of one label) misses it. Returns (place_mismatch or entity_mismatch, value in a, value in b) when
    each claim has exactly one name the other lacks and putting one in the other's place gives the
    same words (checker.rules.copies.near_copy), else None.
    """
    names_a = [v for v in values_a if v["kind"] in ("name", "place")]
    names_b = [w for w in values_b if w["kind"] in ("name", "place")]
    only_a = [v for v in names_a if not any(same_name(v["text"], w["text"]) for w in names_b)]
    only_b = [w for w in names_b if not any(same_name(w["text"], v["text"]) for v in names_a)]
    if len(only_a) != 1 or len(only_b) != 1:
        return None
    v, w = only_a[0], only_b[0]
    if not near_copy(text_a, substitute(text_b, w, v)):
        return None
    return ("place_mismatch" if "place" in (v["kind"], w["kind"]) else "entity_mismatch", v, w)


def substitute(text: str, old: dict, new: dict) -> str:
    """``text`` with the value ``old`` (a value of this text) replaced by the text of ``new``."""
    return text[: old["start"]] + new["text"] + text[old["end"] :]


def difference(kind: str, v: dict, w: dict) -> tuple[str, ...]:
    """What two values disagree on, as a key one finding is grouped by: for names, the words that
    differ ("Duncan Rait" / "Duncan Raite" and "Rait" / "Raite" are one dispute); else both keys (for
    two directions from one place, the directions)."""
    if v.get("bearing") and w.get("bearing"):
        return tuple(sorted((f"{v['bearing']} of {v['key']}", f"{w['bearing']} of {w['key']}")))
    if kind in ("entity_mismatch", "place_mismatch"):
        words = set(_key(v["text"]).split()) ^ set(_key(w["text"]).split())
        if words:
            return tuple(sorted(words))
    return tuple(sorted((v["key"], w["key"])))


def slot(kind: str, v: dict, w: dict) -> str:
    """What the two values are values of, in a few words ("number of people", "place", "date")."""
    if kind == "number_mismatch":
        noun = v.get("noun") or w.get("noun") or ""
        if noun and _singular(noun) == v.get("unit"):
            return f"number of {noun}"
        return f"{v.get('unit')}" if v.get("unit") else "figure"
    if kind == "place_mismatch":
        return f"direction from {v['text']}" if v.get("bearing") and w.get("bearing") else "place"
    if kind == "date_mismatch":
        return "time of day" if v["kind"] == "time" else "date"
    return {"PERSON": "person's name", "ORG": "organisation", "NORP": "group"}.get(v.get("label", ""), "name")
