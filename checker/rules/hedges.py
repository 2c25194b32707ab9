"""Hedging cues and how strongly they weaken a flat assertion.

A weighted cue table, ``find_hedges`` and ``hedge_score``; pure functions of a string.
"""

from __future__ import annotations

import re

from checker.rules.residue import _first_longest

NAME = "checker.hedges.v1"  # stored results depend on it: bump when a table or rule changes

# Hedging cues: (canonical form, weight, regex). Weights are hand-set: how much the cue weakens a flat
# assertion ("may" leaves it open, "did not object" is a far weaker commitment than "agreed").
_HEDGE_TABLE: tuple[tuple[str, float, str], ...] = (
    ("reportedly", 0.6, r"reportedly"),
    ("allegedly", 0.6, r"allegedly"),
    ("is said to", 0.6, r"(?:is|are|was|were) said to"),
    ("is believed to", 0.5, r"(?:is|are|was|were) believed to"),
    ("appears to", 0.4, r"appears? to|appeared to"),
    ("seems to", 0.4, r"seems? to|seemed to"),
    ("may", 0.5, r"(?-i:may)"),  # lower case only: "May" is mostly the month or a surname
    ("might", 0.5, r"might"),
    ("could", 0.4, r"could"),
    ("possibly", 0.5, r"possibly"),
    ("perhaps", 0.5, r"perhaps"),
    ("likely", 0.3, r"likely"),
    ("unconfirmed", 0.6, r"unconfirmed"),
    ("according to", 0.2, r"according to"),  # attribution: the writer does not vouch for it
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
    found = _first_longest((m.start(), m.end(), canon) for canon, _, rx in _HEDGES for m in rx.finditer(text))
    return list(dict.fromkeys(canon for _, _, canon in found))


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
