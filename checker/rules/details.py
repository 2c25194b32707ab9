"""Checkable details of a claim: names, numbers with their unit, and dates, and how two claims differ.

Used by checker.steps.relations to flag a misspelt name, a different city or a different figure between
claims about one fact, independently of NLI (a small NLI model is often unsure about exactly these).
Rule-based on purpose: the rules are few, visible and testable, and need no model.

Example:
    >>> diff_details("The summit was held in Anchorage on 14 November.",
    ...              "The summit took place in Juneau on November 14.")
    [('entity_mismatch', 'Anchorage', 'Juneau')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

NAME = "checker.details.v1"  # findings depend on it: bump when a table or rule changes

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    rf"(?:,?\s+(?P<y>\d{{4}}))?|\b(?P<wd>{'|'.join(w.title() for w in WEEKDAYS)})\b"
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update(
    {
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozen": 12,
    }
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?(?:\s*(?P<pct>%|per\s?cent|percent))?"
    r"(?:[\s-]+(?P<unit>(?:[a-z]+-)?[a-z]+))?",
    re.IGNORECASE,
)
# Capitalised words that are not names when they start a sentence or stand alone.
_NOT_NAMES = (
    set(
        "The A An In On At As It Its This That These Those He She They We I But And Or If When While After Before "
        "Since During Both Officials Talks Negotiators According Mr Mrs Ms Dr President Minister Envoy Special "
        "However Meanwhile Earlier Later Under Over From To For With Without Also No Not".split()
    )
    | {m.title() for m in MONTHS}
    | {w.title() for w in WEEKDAYS}
)
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)*")


@dataclass(frozen=True)
class Details:
    """What can be compared between two claims."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (name, word before it)
    numbers: list[tuple[float, str]] = field(default_factory=list)  # (value, unit)
    dates: list[str] = field(default_factory=list)  # normalised: "11-14", "11-14-2026", "friday"


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def extract_details(text: str) -> Details:
    """Names (capitalised spans with the word before them), numbers with units, and dates."""
    dates, date_spans = [], []
    for m in _DATE.finditer(text):
        date_spans.append(m.span())
        if m.group("wd"):
            dates.append(m.group("wd").lower())
            continue
        month = m.group("m1") or m.group("m2")
        day = int(m.group("d1") or m.group("d2"))
        idx = next(i for i, name in enumerate(MONTHS) if name.startswith(month.lower()[:3])) + 1
        dates.append(f"{idx:02d}-{day:02d}" + (f"-{m.group('y')}" if m.group("y") else ""))
    in_date = lambda pos: any(s <= pos < e for s, e in date_spans)  # noqa: E731
    numbers = []
    for m in _NUMBER.finditer(text):
        if in_date(m.start()):
            continue
        raw = m.group("num").lower().replace(",", "")
        value = float(_NUMBER_WORDS.get(raw, raw) if raw in _NUMBER_WORDS else raw)
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        if re.fullmatch(r"\d{4}", raw) and 1800 <= value <= 2100 and not m.group("unit"):
            dates.append(raw)  # a bare year
            continue
        unit = "%" if m.group("pct") else _singular(m.group("unit") or "")
        numbers.append((value, unit))
    names = []
    for m in _NAME.finditer(text):
        words = [re.sub(r"['’]s?$", "", w) for w in m.group(0).split() if w not in _NOT_NAMES]
        if not words or in_date(m.start()):
            continue
        before = text[: m.start()].split()
        names.append((" ".join(words), before[-1].lower().strip(",;:") if before else ""))
    return Details(names=names, numbers=numbers, dates=dates)


def _name_in(name: str, other_names: list[tuple[str, str]]) -> bool:
    """True when the other claim names the same thing ("Witkoff" is in "Steve Witkoff", "Witkof" is not)."""
    words = set(name.lower().split())
    return any(words <= set(o.lower().split()) or set(o.lower().split()) <= words for o, _ in other_names)


_DERIVED = {"n", "an", "ian", "ese", "ish", "i", "s", "ns", "ans", "ians", "ic"}


def _derived(a: str, b: str) -> bool:
    """True for a name and its demonym or plural (Ukraine/Ukrainian, China/Chinese), not a misspelling."""
    short, long = sorted((a.lower(), b.lower()), key=len)
    stem = short.rstrip("aeiy") or short
    return long.startswith(stem) and long[len(stem) :] in _DERIVED


def diff_details(a: str, b: str, *, name_similarity: float = 0.75) -> list[tuple[str, str, str]]:
    """Differences between two claims about one fact, as (kind, value in a, value in b).

    kind is entity_mismatch (a near-identical spelling, or a different name after the same word,
    such as "in Anchorage" vs "in Juneau"), number_mismatch (different values with the same unit)
    or date_mismatch (different dates). Details only one claim mentions are not differences.
    """
    da, db = extract_details(a), extract_details(b)
    out: list[tuple[str, str, str]] = []
    only_a = [(n, w) for n, w in da.names if not _name_in(n, db.names)]
    only_b = [(n, w) for n, w in db.names if not _name_in(n, da.names)]
    used_b: set[int] = set()
    for name_a, before_a in only_a:
        best, best_score = None, 0.0
        for j, (name_b, before_b) in enumerate(only_b):
            if j in used_b:
                continue
            if _derived(name_a, name_b):
                continue
            score = fuzz.ratio(name_a.lower(), name_b.lower()) / 100
            same_slot = before_a == before_b and before_a != ""
            if score >= name_similarity or same_slot:
                rank = score + (1.0 if score >= name_similarity else 0.0)
                if rank > best_score:
                    best, best_score = j, rank
        if best is not None:
            used_b.add(best)
            out.append(("entity_mismatch", name_a, only_b[best][0]))
    units_a = {}
    for value, unit in da.numbers:
        units_a.setdefault(unit, set()).add(value)
    for value, unit in db.numbers:
        values_a = units_a.get(unit)
        if unit and values_a and value not in values_a and not any(v == value for v, u in da.numbers):
            out.append(("number_mismatch", _fmt(min(values_a, key=lambda v: abs(v - value))), _fmt(value)))
    if da.dates and db.dates and not set(da.dates) & set(db.dates):
        comparable = [(x, y) for x in da.dates for y in db.dates if _date_kind(x) == _date_kind(y)]
        if comparable:
            x, y = comparable[0]
            if not (x.startswith(y) or y.startswith(x)):
                out.append(("date_mismatch", format_date(x), format_date(y)))
    return out


def format_date(norm: str) -> str:
    """Readable form of a normalised date: "12-02" -> "2 December", "friday" -> "Friday"."""
    if norm.isalpha() or len(norm) == 4:
        return norm.title()
    month, day, *year = norm.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1].title()}" + (f" {year[0]}" if year else "")


def _date_kind(date: str) -> str:
    return "weekday" if date.isalpha() else "year" if len(date) == 4 else "day"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"
