"""Hedging cues and how strongly they weaken a flat assertion.

A weighted cue table, ``find_hedges`` and ``hedge_score``; pure functions of a string.
"""

from __future__ import annotations

import functools
import re

from checker.rules.residue import _first_longest

NAME = "checker.hedges.v3"  # stored results depend on it: bump when a table or rule changes

# Hedging cues: (canonical form, weight, regex). Weights are hand-set: how much the cue weakens a flat
# assertion ("may" leaves it open, "did not object" is a far weaker commitment than "agreed").
_HEDGE_TABLE: tuple[tuple[str, float, str], ...] = (
    ("reportedly", 0.6, r"reportedly"),
    ("allegedly", 0.6, r"allegedly"),
    ("apparently", 0.5, r"apparently"),
    ("supposedly", 0.6, r"supposedly"),
    ("purportedly", 0.6, r"purportedly"),
    ("seemingly", 0.5, r"seemingly"),
    ("ostensibly", 0.5, r"ostensibly"),
    ("is said to", 0.6, r"(?:is|are|was|were) said to"),
    ("is reported to", 0.6, r"(?:is|are|was|were) reported to"),
    ("claimed that", 0.5, r"claim(?:s|ed)? that|alleg(?:es|ed) that"),  # the writer reports a claim
    ("is believed to", 0.5, r"(?:is|are|was|were) believed to"),
    ("appears to", 0.4, r"appears? to|appeared to"),
    ("seems to", 0.4, r"seems? to|seemed to"),
    ("may", 0.5, r"(?-i:may)"),  # lower case only: "May" is mostly the month or a surname
    ("might", 0.5, r"might"),
    ("could", 0.4, r"could"),
    ("possibly", 0.5, r"possibly"),
    ("perhaps", 0.5, r"perhaps"),
    ("maybe", 0.5, r"maybe"),
    ("probably", 0.3, r"probably"),
    ("likely", 0.3, r"likely"),
    ("unconfirmed", 0.6, r"unconfirmed"),
    ("did not object", 0.7, r"(?:did|does|do|has|have) not object(?:ed)?|(?:didn't|doesn't|don't) object"),
    ("did not rule out", 0.7, r"(?:did|does|would|has|have) not rule[sd]? out|(?:didn't|wouldn't) rule out"),
    ("is considering", 0.5, r"(?:is|are|was|were) considering"),
    ("signalled openness", 0.6, r"signall?ed (?:its |his |her |their )?openness"),
    ("in principle", 0.5, r"in principle"),
    ("sources say", 0.4, r"sources (?:say|said)"),
    ("it is understood", 0.4, r"it is understood"),
    ("expected to", 0.4, r"expected to"),
    ("would", 0.3, r"would"),
)
_HEDGES = tuple(
    (canon, weight, re.compile(rf"(?<![\w'-])(?:{rx})(?![\w'-])", re.IGNORECASE))
    for canon, weight, rx in _HEDGE_TABLE
)
_HEDGE_WEIGHT = {canon: weight for canon, weight, _ in _HEDGE_TABLE}


def find_hedges(text: str) -> list[str]:
    """Hedging cues in text, canonical lower-case forms, each once, in order of first appearance.

    Example:
        >>> find_hedges("Russia may have reportedly agreed, and did not object.")
        ['may', 'reportedly', 'did not object']
    """
    return list(dict.fromkeys(canon for _, _, canon in _cues(text)))


# "would" after a reporting verb is tense backshift ("said it would meet"), not a hedge; a neutral source
# ("according to X") is attribution (claims.attribution), not a hedge either.
_BACKSHIFT = re.compile(
    r"\b(?:said|told|announced|added|stated|confirmed|explained|wrote|noted|promised|agreed)\b"
    r"(?:\s+(?:that|on|\w+day))?(?:\s+[\w'’-]+){0,4}\s*$",
    re.IGNORECASE,
)


def _cues(text: str) -> list[tuple[int, int, str]]:
    found = _first_longest((m.start(), m.end(), canon) for canon, _, rx in _HEDGES for m in rx.finditer(text))
    return [c for c in found if not (c[2] == "would" and _BACKSHIFT.search(text[max(0, c[0] - 80) : c[0]]))]


@functools.lru_cache(maxsize=65536)
def without_hedges(text: str) -> str:
    """The text with its hedging cues cut out, to compare a hedged claim with a flat one.

    Example:
        >>> without_hedges("A video purportedly showing the strike was shared.")
        'A video showing the strike was shared.'
    """
    for start, end, _ in reversed(_cues(text)):
        text = (
            text[:start].rstrip()
            + (" " if end < len(text) and text[end] != "." else "")
            + text[end:].lstrip()
        )
    return text


# Cues that can weaken a figure they stand right before: "possibly two children", "reportedly $2 million".
_FIGURE_CUES = frozenset({"reportedly", "allegedly", "apparently", "supposedly", "purportedly", "seemingly",
                          "possibly", "perhaps", "maybe", "probably", "likely", "unconfirmed"})  # fmt: skip
_BEFORE = 40  # characters before a figure searched for its cue


def cue_before(text: str, start: int) -> str:
    """The hedging cue that stands right before ``text[start:]`` (a comma between allowed), or "".

    Only cues that weaken a figure when put before it count (``_FIGURE_CUES``); "may" before a figure
    is a month ("may 30 people"), not a hedge.

    Example:
        >>> text = "Five women and possibly two children were inside."
        >>> cue_before(text, text.index("two")), cue_before(text, text.index("Five"))
        ('possibly', '')
    """
    window = text[max(0, start - _BEFORE) : start]
    tail = len(window.rstrip(" ,"))
    return next((canon for _, end, canon in _cues(window) if end == tail and canon in _FIGURE_CUES), "")


# Cues that only say the writer does not vouch for a claim (who says so is attribution), as against
# cues that weaken what is claimed ("did not object" against "agreed").
EPISTEMIC = frozenset({"reportedly", "allegedly", "apparently", "supposedly", "purportedly", "seemingly",
                       "ostensibly", "is said to", "is reported to", "is believed to", "appears to", "seems to",
                       "unconfirmed", "sources say", "it is understood", "claimed that"})  # fmt: skip


def hedge_score(cues: list[str]) -> float:
    """Combine cue weights as 1 - prod(1 - w): 0 for a flat assertion, towards 1 when hedged.

    Example:
        >>> hedge_score(["may", "reportedly"])
        0.8
    """
    remaining = 1.0
    for cue in cues:
        remaining *= 1.0 - _HEDGE_WEIGHT.get(cue, 0.0)
    return round(1.0 - remaining, 4)
