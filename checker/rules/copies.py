"""Near-copies: two texts that say the same in other formatting are equivalent by rule, never scored.

Syndicated wire copy makes identical sentences common on every real feed, and a small NLI model scores
some sentences against themselves as contradictions (issue #15). Case, quotes, spaces, hyphens, "6.0" /
"6" and citation markers ("[1]", "[Source 2]") are ignored.

Example:
    >>> near_copy("A magnitude 6 quake hit [1].", "A magnitude-6.0 quake hit")
    True
"""

from __future__ import annotations

import functools
import re

NAME = "checker.copies.v1"

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
