"""Generated-text residue: placeholder citations, assistant boilerplate, generation notices.

A table of named patterns and pure functions of a string; no model, no DataFrames.
"""

from __future__ import annotations

import re

NAME = "checker.residue.v2"  # stored results depend on it: bump when a table or rule changes

_END = r"[^\n]*?(?:[.!](?=\s|$)|$)"  # rest of the sentence, never past a line break
# A page's time stamp glued to the story's first words when line breaks were lost ("Updated 6:05 p.m. CT
# Late Monday night, the ferry ...", "LAST UPDATED: TUESDAY, JUNE 4,2024,8:12 PM The ferry ...",
# "Originally posted 06/04/2024 at 7:50 AM EDT ..."): days, months, figures, "a.m.", time zones.
_STAMP_WORD = (r"(?i:[a-z]{3,6}day|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?(?![a-z])"
               r"|[ap]\.?m\.?(?![a-z])|at|on)|[A-Z]{1,4}T\b|UTC\b")  # fmt: skip
_STAMP_FIGURE = r"\d{1,4}(?:[/:.\-]\d{1,4}){0,2}(?:st|nd|rd|th|(?i:[ap]\.?m\.?))?(?!\w)"
_STAMP = (
    r"(?:^|(?<=[.!?] ))[ \t]*(?i:(?:last|originally)\s+)?"
    r"(?i:updated|published|posted|modified)\b[ \t]*:?[ \t]*"
    rf"(?:(?:{_STAMP_WORD})[ \t,|]*)*?{_STAMP_FIGURE}(?:[ \t,|]*(?:{_STAMP_WORD}|{_STAMP_FIGURE}))*[ \t,|]*"
)
# Residue: (pattern name, regex). Names starting "citation" (placeholder citations) or "stamp" (a time
# stamp) are trimmed off a claim's edges (EDGE); any other residue makes its sentence a non-claim.
EDGE = ("citation", "stamp")
FURNITURE = ("stamp",)  # patterns that are page furniture, not generated text: recorded, never a finding
_RESIDUE_TABLE: tuple[tuple[str, str], ...] = (
    ("stamp", _STAMP),
    ("citation_number", r"\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\]"),  # [1]  [2, 3]  [4-6]
    ("citation_source", r"\[(?:Sources?|Ref(?:erence)?|Citation)(?:\s*\d+|\s*:[^\]\n]{0,200})\]"),
    ("citation_fullwidth", r"【[^】\n]{0,200}】"),  # 【3†source】 as chat assistants print them
    ("citation_paren", r"\((?:Sources?|Ref(?:erence)?|Citation)\s*\d+\)"),
    ("insert_placeholder", r"\[Insert\b[^\]\n]{0,200}\]"),
    ("sources_list", r"^Sources?:[ \t]*\[\d+\].*(?:\n[ \t]*\[\d+\].*)*"),
    ("note_provided", r"\bNote:[^\n]{0,80}?\bbased on the (?:provided|given|supplied)\b" + _END),
    ("ai_disclaimer", r"\bAs an AI(?: language model| assistant)?\b" + _END),
    ("engagement_prompt", r"\bWe value your (?:viewpoint|opinion|feedback|thoughts)\b" + _END),
    # Comment-bait closings that text generators append ("Share your thoughts in the comments.")
    (
        "engagement_prompt",
        r"\b(?:Share your (?:thoughts|views|opinions?)|Let us know what you think)\b"
        r"[^\n.!?]{0,40}\b(?:comments?|below)\b" + _END,
    ),
    ("assistant_closing", r"\bI hope (?:this|that) (?:helps|article|summary)\b" + _END),
    (
        "assistant_preamble",
        r"^(?:Sure[,!]\s*)?Here(?:'s| is) (?:the|an|a|your)\b[^\n]{0,60}?"
        r"\b(?:article|summary|rewrite|version|story)\b" + _END,
    ),
    (
        "generated_notice",
        r"\bThis (?:article|text|content|story|summary) (?:was|has been) (?:automatically )?(?:generated\b|"
        r"(?:written|created|produced) (?:by|with|using) (?:an? )?(?:AI|artificial intelligence|"
        r"(?:large )?language model|ChatGPT|GPT))" + _END,
    ),
)
_RESIDUE = tuple((name, re.compile(rx, re.MULTILINE)) for name, rx in _RESIDUE_TABLE)


def find_residue(text: str) -> list[tuple[int, int, str]]:
    """Spans of generated-text residue, left to right; overlaps go to the earlier, longer match.

    Example:
        >>> find_residue("Talks ended [Source 1].")
        [(12, 22, 'citation_source')]
    """
    return _first_longest((m.start(), m.end(), name) for name, rx in _RESIDUE for m in rx.finditer(text))


def _first_longest(matches) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, left to right; of overlapping ones the earlier, then longer, wins."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted((m for m in matches if m[1] > m[0]), key=lambda m: (m[0], -m[1])):
        if not kept or span[0] >= kept[-1][1]:  # "would" inside "would not rule out" is dropped
            kept.append(span)
    return kept


def _without(text: str, spans: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with the parts covered by spans removed."""
    end = len(text) if end is None else end
    pieces, pos = [], start
    for s, e, _ in spans:
        if e > pos and s < end:
            pieces.append(text[pos : max(pos, s)])
            pos = max(pos, e)
    return "".join(pieces) + text[pos:end]
