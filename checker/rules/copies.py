"""Near-copies: two texts that say the same in other formatting are equivalent by rule, never scored.

Syndicated wire copy makes identical sentences common on every real feed, and a small NLI model scores
some sentences against themselves as contradictions (issue #15). Case, quotes, spaces, hyphens, "6.0" /
"6" and citation markers ("[1]", "[Source 2]") are ignored.

A copy with a word or two added ("The new line will be 410 km long" / "The line will be 410 km
long") states what the shorter one states and a little more: ``extends`` tells, and the relation step
makes the longer one the stronger claim, never a contradiction, whatever NLI says (the small model
gave that pair 0.94 contradiction).

Example:
    >>> near_copy("A magnitude 6 quake hit [1].", "A magnitude-6.0 quake hit")
    True
"""

from __future__ import annotations

import functools
import re

NAME = "checker.copies.v2"

_NUMBER_FORMAT = re.compile(r"(\d)\.0\b|[-‐–]")
_CITATION = re.compile(r"\[\d+\]|\[(?:sources?|ref(?:erence)?|citation)[^\]]*\]")


@functools.lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """The words of a text, lower-cased, without formatting (the key near-copies share)."""
    text = _NUMBER_FORMAT.sub(lambda m: m.group(1) or " ", text.lower())
    return " ".join(re.findall(r"\w+", _CITATION.sub(" ", text)))


def near_copy(a: str, b: str) -> bool:
    """Whether two texts say the same but for formatting (see the module docstring)."""
    return plain(a) == plain(b)


_MAX_ADDED = 3  # words one outlet may add to a copied sentence
_MIN_WORDS = 6  # shorter sentences change meaning with one word too easily


def extends(a: str, b: str) -> bool:
    """Whether a is b with at most three words added, in order, and b has six words or more.

    The caller checks the added words deny nothing (checker.rules.opposites.negation_gap): "The line
    will not be 410 km long" is no extension of "The line will be 410 km long".

    Example:
        >>> extends("The new line will be 410 km long by 2030.", "The line will be 410 km long.")
        True
        >>> extends("The line will be 410 km long.", "The new line will be 410 km long.")
        False
    """
    long, short = plain(a).split(), plain(b).split()
    if len(short) < _MIN_WORDS or not 0 < len(long) - len(short) <= _MAX_ADDED:
        return False
    rest = iter(long)
    return all(word in rest for word in short)  # short is a subsequence of long
