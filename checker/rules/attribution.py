"""Who a claim is attributed to, and the claim without its neutral attribution frame.

``find_attribution`` reads an already-parsed spaCy sentence; ``strip_attribution`` is a pure function
of a string (what NLI compares: what was reported, not who reported it).
"""

from __future__ import annotations

import re

NAME = "checker.attribution.v4"  # stored results depend on it: bump when a table or rule changes

REPORTING_VERBS = frozenset(
    "say tell state announce claim add confirm deny report write insist warn explain acknowledge "
    "reveal assert tweet allege argue suggest admit disclose".split()
)
# Children whose subtrees are dropped from a speaker phrase: "Steve Witkoff, the US envoy, who ..."
_CUT_DEPS = frozenset({"appos", "relcl", "acl", "advcl", "punct", "parataxis", "ccomp"})
_ACCORDING_TO = re.compile(r"\baccording to\s+([^,.;:()\n]{2,80})", re.IGNORECASE)


def find_attribution(sent) -> str:
    """Who a sentence attributes its content to, as written, or "".

    Order of preference: a named or nominal subject of a reporting verb that governs a clause
    ("Witkoff said ...", "... , said Steve Witkoff", "a Kremlin spokesman told reporters that ..."),
    then the object of "according to", then a pronoun subject ("he said"): a pronoun is returned only
    when nothing better is found, because it still marks the claim as reported speech.

    Example:
        >>> from checker.models.nlp import load_spacy
        >>> find_attribution(load_spacy()("Russia agreed, according to Reuters.")[:])
        'Reuters'
    """
    pronoun = ""
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in REPORTING_VERBS or not _governs_clause(tok):
            continue
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        if subject.pos_ != "PRON":
            return _phrase(subject)
        pronoun = pronoun or subject.text
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj)
    match = _ACCORDING_TO.search(sent.text)
    return match.group(1).strip() if match else pronoun


def _governs_clause(verb) -> bool:
    return verb.dep_ == "parataxis" or any(c.dep_ in ("ccomp", "parataxis") for c in verb.children)


def _phrase(head) -> str:
    """The contiguous phrase around head, without appositions, relative clauses and punctuation."""
    cut = {
        t.i for child in head.subtree if child.i != head.i and child.dep_ in _CUT_DEPS for t in child.subtree
    }
    lo = hi = head.i
    while lo > head.left_edge.i and lo - 1 not in cut:
        lo -= 1
    while hi < head.right_edge.i and hi + 1 not in cut:
        hi += 1
    return head.doc[lo : hi + 1].text.strip(" \"'“”‘’,")


# Neutral reporting frames at a claim's edges. NLI compares what is reported to have happened: the
# hand-written pairs teach that "A said X" does not establish X, so two outlets quoting different
# officials about one fact would otherwise look unrelated. Denials and claims are not neutral: kept.
_NEUTRAL_REPORTING = r"(?:said|says|told|added|stated|noted|reported|wrote|confirmed|announced|explained)"
_TRAILING_FRAME = re.compile(
    r",\s+(?:according to\b[^,.!?]{1,80}|[^,.!?]{1,80}?\b" + _NEUTRAL_REPORTING + r"\b[^,.!?\"”]{0,60})"
    r"(?=[.!?\"”']*\s*$)",
    re.IGNORECASE,
)
_LEADING_FRAME = re.compile(r"^According to [^,]{1,80},\s*")
# A whole quote with its speaker after it: '"There is a lot to do," Witkoff added.', also when the
# speaker is described at length ('"...," Ema Suryani, a doctor at a clinic in Lampahan, told AFP.')
_QUOTE_FRAME = re.compile(
    r'^["“](?P<quote>[^"“”]{8,}?)(?P<end>[,.!?]?)\s*["”]\s+(?:[^"“”.!?]{0,120}?\b)?'
    + _NEUTRAL_REPORTING
    # the speaker after the verb, but not more words of the claim ("he said, adding that ...")
    + r'\b(?:(?!\b(?:adding|that|and|but|while)\b)[^"“”.!?]){0,120}[.!?]?\s*$',
    re.IGNORECASE,
)


def strip_attribution(text: str) -> str:
    """The reported content of a claim, without a neutral attribution frame at its start or end.

    Example:
        >>> strip_attribution("Russia did not object to the plan, Witkoff told reporters.")
        'Russia did not object to the plan.'
        >>> strip_attribution("According to Reuters, talks ended on Friday.")
        'Talks ended on Friday.'
        >>> strip_attribution('"There is still a lot of work to do," he added.')
        'There is still a lot of work to do.'

    Values outside the returned content (the speaker, where they work, the agency told) are who
    reported the claim, not what it states: the detail checks leave them out (checker.steps.score).
    """
    quoted = _QUOTE_FRAME.match(text)
    if quoted:  # who said it is claims.attribution; the model compares what was said
        end = quoted["end"] if quoted["end"] in ("!", "?") else "."
        return quoted["quote"].strip() + end
    out = _TRAILING_FRAME.sub("", text)
    lead = _LEADING_FRAME.match(out)
    if lead and len(out) > lead.end():
        out = out[lead.end()].upper() + out[lead.end() + 1 :]
    return out if len(out.split()) >= 3 else text


_MAX_QUOTE_SENTENCES = 8
_OPENS = "“"
_CLOSES = "”"


def _quote_balance(text: str) -> int:
    """+1 when a text opens a quotation it does not close, -1 when it closes one it did not open, else 0."""
    curly = text.count(_OPENS) - text.count(_CLOSES)
    if curly:
        return 1 if curly > 0 else -1
    if text.count('"') % 2:  # straight quotes: an opening one starts the text, a closing one follows words
        return 1 if text.lstrip().startswith('"') else -1
    return 0


def share_quote_speakers(rows: list[dict]) -> None:
    """A quotation over several sentences is one speaker's: claim rows (dicts with article_id, text,
    attribution, in article order) inside an open quotation take the attribution the quotation ends (or
    begins) with, when they have none of their own. Changes ``rows`` in place.

    Example: '"Most bridges are old. We will replace three," Adler said.' gives both sentences "Adler".
    """
    group: list[dict] = []
    for row in rows:
        if group and row["article_id"] != group[0]["article_id"]:
            group = []
        balance = _quote_balance(row["text"])
        if group or balance > 0:
            group.append(row)
        if len(group) > _MAX_QUOTE_SENTENCES:  # an unbalanced quote mark, not a long quotation
            group = []
        if group and balance < 0:
            speaker = next((r["attribution"] for r in reversed(group) if r["attribution"]), "")
            for r in group:
                r["attribution"] = r["attribution"] or speaker
            group = []
