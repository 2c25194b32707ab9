"""Check result -> the view data both reports share (checker.report.html and .markdown lay it out).

The report reads from the top: a summary with a short legend, then one card per disputed fact (conflicts
first, most confident first), the claims only one outlet states, every article whole with its claims
marked (a title claim in the headline above the text: its offsets index the title), the clusters, the
skipped inputs and, last, the run details.

`build_view` turns the result's frames into plain dicts and lists (all formatting and marking decided
here, once); the Jinja2 template and the Markdown renderer only lay them out. Article text is untrusted,
so the template environment always autoescapes, and marked text travels as (text, marked) segments,
never as pre-built markup.
"""

from __future__ import annotations

import difflib
import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pandas as pd

from checker.schemas import (
    ARTICLE_SCORES,
    CLAIM_STATUSES,
    CLUSTERS,
    CONFLICT_KINDS,
    FINDING_KINDS,
    SKIPPED,
    validate_frame,
)

logger = logging.getLogger(__name__)

# The order a fact-checker reads findings in: outright disagreements first (checker.schemas).
KIND_ORDER = FINDING_KINDS
KIND_LABELS = {
    "contradiction": "Contradiction",
    "intra_article_conflict": "Conflict within one article",
    "stronger_claim": "Stronger claim",
    "entity_mismatch": "Name mismatch",
    "place_mismatch": "Place mismatch",
    "number_mismatch": "Number mismatch",
    "date_mismatch": "Date mismatch",
    "generated_residue": "Generated-text residue",
}
KIND_MEANINGS = {
    "contradiction": "two outlets state things that cannot both be true (NLI model, or one actor given "
    "opposite verbs on the same thing)",
    "intra_article_conflict": "one article states things that cannot both be true",
    "stronger_claim": "one outlet states more than another supports: the other hedges, or gives the "
    "same stance in a weaker form (\u201cagreed to\u201d vs \u201cdid not object to\u201d)",
    "entity_mismatch": "the same fact with a different person or organisation",
    "place_mismatch": "the same fact in a different place",
    "number_mismatch": "the same fact with a different figure",
    "date_mismatch": "the same fact on a different date or at a different time of day",
    "generated_residue": "leftovers of machine-written text (placeholder citations, notes about "
    "\u201cthe provided\u201d material)",
}
STATUS_LABELS = {s: s.replace("_", " ") for s in CLAIM_STATUSES}
STATUS_MEANINGS = {
    "contradicted": "another outlet, or the same article, contradicts it",
    "contested": "another outlet states a weaker, hedged version, or gives a different name, place, "
    "figure or date",
    "corroborated": "at least one other outlet states it too",
    "single_source": "only this outlet states it: nothing to check it against",
}
SCORE_MEANING = (
    "0 to 1: how sure the checker is (the NLI probability, or 0.9 where a rule decided: opposite verbs, "
    "assertion strength, a spelling or a value's place in the parse). It ranks findings; it is not a "
    "verdict, so check the quotes."
)
# skipped.step -> what it means to a reader; other steps show as written.
SKIP_REASONS = {
    "ingest": "bad input",
    "duplicate": "duplicate",
    "ignored": "ignored",
    "language": "other language",
}
_STATUS_ORDER = CLAIM_STATUSES
CONTEXT_CHARS = 80  # enough for the sentence around a claim without pasting the article
# Card size caps, so that a 100-article run stays a page one can open (issue 13: 6.8 MB before).
QUOTES_PER_SIDE = 2  # distinct claim texts quoted per value; identical texts only add their outlet
MAX_SIDES = 4  # values (or wordings) shown per card
MAX_OUTLETS = 8  # outlets named per value
MAX_PAIR_ROWS = 6  # NLI pair rows per cluster; pairs.csv has them all
_RESIDUE = "generated_residue"
_STRONGER = "stronger_claim"
_CONTRADICTIONS = ("contradiction", "intra_article_conflict")
_DISPUTED = ("contradicted", "contested")
_AGREEING = ("equivalent", "a_stronger", "b_stronger")  # pair relations that put two claims on one side

# Only the columns the reports read are required, so extra or missing unused columns never matter.
_REQUIRED = {
    "articles": ["article_id", "source", "title", "published", "text", "removed", *ARTICLE_SCORES],
    "claims": ["claim_id", "article_id", "text", "attribution", "hedges", "status"],
    "clusters": CLUSTERS,
    "pairs": ["claim_a", "claim_b", "relation", "p_entail_ab", "p_contra_ab", "p_entail_ba", "p_contra_ba"],
    "findings": ["kind", "score", "explanation", "claims"],
    "skipped": SKIPPED,
}


class CheckResultLike(Protocol):
    """What the reports need from a check result: the frames of checker.schemas and a run dict."""

    articles: pd.DataFrame
    claims: pd.DataFrame
    clusters: pd.DataFrame
    pairs: pd.DataFrame
    findings: pd.DataFrame
    skipped: pd.DataFrame
    run: Mapping[str, Any]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _line(value: Any) -> str:
    """A line number as read from a frame (often a float after NaN crept in), or ""."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _list(value: Any) -> list[Any]:
    if _missing(value):
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    return list(value)


def percent(value: Any) -> str:
    """Format a 0..1 share as a whole percentage, or "n/a" when missing (NaN)."""
    return "n/a" if _missing(value) else f"{float(value):.0%}"


def _prob(value: Any) -> str:
    return "n/a" if _missing(value) else f"{float(value):.2f}"


def _records(result: Any, name: str) -> list[dict[str, Any]]:
    """Rows of one frame as dicts; an absent or empty frame is no rows, whatever its columns."""
    frame = getattr(result, name, None)
    if frame is None or (isinstance(frame, pd.DataFrame) and frame.empty):
        return []
    validate_frame(frame, _REQUIRED[name], name=f"result.{name}")
    return frame.to_dict("records")


def _anchor(prefix: str, *parts: Any) -> str:
    """An HTML id from untrusted ids: only characters that need no escaping in a URL fragment."""
    return prefix + "-" + "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", _text(p)) for p in parts)


def _is_title(claim: Mapping[str, Any]) -> bool:
    """Whether a claim is its article's headline: its offsets index the title, not the text."""
    return _text(claim.get("part")) == "title"


def _where(claim: Mapping[str, Any]) -> str:
    """The article column a claim's offsets index (checker.schemas, claims.part)."""
    return "title" if _is_title(claim) else "text"


def _claim_anchor(ref: Mapping[str, Any]) -> str:
    # Residue spans have no claim id: their article and offset name them.
    if _text(ref.get("claim_id")):
        return _anchor("claim", ref.get("claim_id"))
    return _anchor("span", ref.get("article_id"), _int(ref.get("start")))


# ---------------------------------------------------------------- marking the words that differ

_WORD = re.compile(r"\w+(?:[-'\u2019.,]\w+)*")


def _merge(spans: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans; neighbours separated only by spaces become one mark."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and (lo <= merged[-1][1] or not text[merged[-1][1] : lo].strip()):
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def value_spans(text: str, value: str) -> list[tuple[int, int]]:
    """Where a claim states its value: the value as a whole word, else each of its words.

    Example:
        >>> value_spans("They met on December 2 in Geneva.", "2 December")
        [(12, 22)]
    """
    if not value.strip():
        return []
    whole = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.I)]
    if whole:
        return whole
    words = {w.lower() for w in _WORD.findall(value)}
    return _merge((m.span() for m in _WORD.finditer(text) if m.group().lower() in words), text)


def diff_spans(text: str, other: str) -> list[tuple[int, int]]:
    """The words of `text` that `other` does not have in the same order (difflib on words, any case).

    Example:
        >>> t = "Russia agreed to the plan."
        >>> [t[a:b] for a, b in diff_spans(t, "Russia did not object to the plan.")]
        ['agreed']
    """
    words = list(_WORD.finditer(text))
    mine = [w.group().lower() for w in words]
    theirs = [w.lower() for w in _WORD.findall(other)]
    # difflib's alignment depends on argument order: align each pair in one fixed order, so the two
    # claims of a pair are marked from the same alignment.
    first = mine <= theirs
    matcher = difflib.SequenceMatcher(None, *((mine, theirs) if first else (theirs, mine)), autojunk=False)
    spans = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" or tag == ("delete" if first else "insert"):
            spans += [w.span() for w in (words[i1:i2] if first else words[j1:j2])]
    return _merge(spans, text)


def segments(text: str, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
    """Split text into {"text", "mark"} pieces, marked where the spans are.

    Example:
        >>> segments("a b c", [(2, 3)])
        [{'text': 'a ', 'mark': False}, {'text': 'b', 'mark': True}, {'text': ' c', 'mark': False}]
    """
    out, at = [], 0
    for lo, hi in _merge(spans, text):
        lo, hi = max(lo, at), min(hi, len(text))
        if lo >= hi:
            continue
        if lo > at:
            out.append({"text": text[at:lo], "mark": False})
        out.append({"text": text[lo:hi], "mark": True})
        at = hi
    if at < len(text) or not out:
        out.append({"text": text[at:], "mark": False})
    return out


# ---------------------------------------------------------------- finding cards


def _locate(text: str, claim: str, start: Any, end: Any) -> tuple[int, int] | None:
    """The claim's span in the article: its offsets when they hold, else the first exact match."""
    lo, hi = _int(start), _int(end)
    if lo is not None and hi is not None and 0 <= lo <= hi <= len(text):
        if not claim or text[lo:hi] == claim:
            return lo, hi
    found = text.find(claim) if claim else -1
    if found < 0:
        return None
    logger.warning("claim offsets %s:%s do not match the article text; highlighting by search", lo, hi)
    return found, found + len(claim)


def _in_context(text: str, claim: str, start: Any, end: Any) -> dict[str, Any]:
    span = _locate(text, claim, start, end)
    if span is None:
        return {"located": False, "before": "", "span": claim, "after": ""}
    lo, hi = span
    before, after = text[max(0, lo - CONTEXT_CHARS) : lo], text[hi : hi + CONTEXT_CHARS]
    # Drop the word cut in half at each end of the window and show that text continues.
    if lo > CONTEXT_CHARS:
        parts = before.split(maxsplit=1)
        before = "…" + (parts[1] if len(parts) == 2 else before)
    if hi + CONTEXT_CHARS < len(text):
        parts = after.rsplit(maxsplit=1)
        after = (parts[0] if len(parts) == 2 else after) + "…"
    return {"located": True, "before": before, "span": text[lo:hi], "after": after}


def _resolve(ref: Any, claims: dict[str, dict]) -> dict[str, Any]:
    """A finding's claim ref completed from result.claims (text, offsets, status) where it is silent."""
    ref = dict(ref) if isinstance(ref, Mapping) else {"claim_id": ref}
    known = claims.get(_text(ref.get("claim_id")), {})
    return {**known, **{k: v for k, v in ref.items() if not _missing(v)}}


def _source(article: Mapping[str, Any]) -> str:
    return _text(article.get("source")) or _text(article.get("article_id")) or "unknown source"


def _quote(ref: dict[str, Any], articles: dict[str, dict], spans: list[tuple[int, int]]) -> dict[str, Any]:
    article = articles.get(_text(ref.get("article_id")), {})
    claim = _text(ref.get("text"))
    context = _in_context(_text(article.get(_where(ref))), claim, ref.get("start"), ref.get("end"))
    return {
        "href": "#" + _claim_anchor(ref),
        "source": _source(article),
        "title": _text(article.get("title")),
        "headline": _is_title(ref),
        "status": _text(ref.get("status")),
        "located": context["located"],
        "before": context["before"],
        "parts": segments(context["span"], spans),
        "after": context["after"],
    }


def _sides(
    kind: str, refs: list[dict[str, Any]], relations: dict[frozenset[str], str]
) -> list[dict[str, Any]]:
    """Claims grouped by what they say: by stated value for mismatches, else by (normalised) wording.

    For a contradiction among more than two wordings, wordings on one side (see _camps) join, so the
    card shows the camps, not every phrasing.
    """
    has_values = any(_text(r.get("value")) for r in refs)
    groups: dict[str, list[dict]] = {}
    for ref in refs:
        key = _text(ref.get("value")) if has_values else " ".join(_text(ref.get("text")).lower().split())
        groups.setdefault(key, []).append(ref)
    parts = list(groups.values())
    if not has_values and kind in _CONTRADICTIONS and len(parts) > 2:
        parts = _camps(parts, relations)
    keys = list(groups) if has_values else [""] * len(parts)
    sides = [{"value": key, "refs": group, "role": ""} for key, group in zip(keys, parts, strict=True)]
    if kind == _STRONGER and any(ref.get("side") for ref in refs):
        # checker.steps.findings marks each claim's side (an outlet's headline and body may both state more)
        # a figure stated flat against the same figure in doubt: each side marks its figure
        by_side = {side: [r for r in refs if r.get("side") == side] for side in ("stronger", "weaker")}
        return [
            {"value": next((_text(r.get("value")) for r in by_side[side] if _text(r.get("value"))), ""),
             "refs": by_side[side], "role": role}
            for side, role in (("stronger", "states more"), ("weaker", "states less"))
        ]  # fmt: skip
    if kind == _STRONGER and len(sides) >= 2:
        # findings without sides (stored before them): the stronger claim first, then those it outstates
        for side in sides:
            side["role"] = "states less"
        sides[0]["role"] = "states more"
    return sides


def _camps(groups: list[list[dict]], relations: dict[frozenset[str], str]) -> list[list[dict]]:
    """Merge wording groups that are on one side: scored as agreeing, or contradicting the same others.

    Union-find over the groups; ``relations`` maps a claim-id pair to its pair relation.
    """
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    ids = [[_text(r.get("claim_id")) for r in group] for group in groups]

    def related(i: int, j: int, kinds: tuple[str, ...]) -> bool:
        return any(relations.get(frozenset((a, b))) in kinds for a in ids[i] for b in ids[j])

    pairs = list(itertools.combinations(range(len(groups)), 2))
    opponents = [
        {j for j in range(len(groups)) if j != i and related(i, j, ("contradiction",))}
        for i in range(len(groups))
    ]
    for i, j in pairs:
        same_opponents = bool(opponents[i]) and opponents[i] == opponents[j]
        if related(i, j, _AGREEING) or same_opponents:
            parent[root(j)] = root(i)
    merged: dict[int, list[dict]] = {}
    for i, group in enumerate(groups):
        merged.setdefault(root(i), []).extend(group)
    return list(merged.values())


def _marks(side: dict[str, Any], text: str, others: list[str], kind: str) -> list[tuple[int, int]]:
    """What to mark inside one quoted claim: its value, else the words the other side lacks."""
    if kind == _RESIDUE or not others:
        return [(0, len(text))]
    found = value_spans(text, side["value"]) if side["value"] else []
    return found or diff_spans(text, others[0])


def _more(n: int, kind: str) -> str:
    if not n:
        return ""
    if kind == _RESIDUE:
        return f"+{n} more like this"
    return f"+{n} more claim{'' if n == 1 else 's'} saying this"


def _card(number: int, finding: dict, articles: dict, claims: dict, relations: dict) -> dict[str, Any]:
    kind = _text(finding["kind"])
    refs = [_resolve(ref, claims) for ref in _list(finding["claims"])]
    sides = _sides(kind, refs, relations)
    shown = []
    for side in sides[:MAX_SIDES]:
        others = [_text(s["refs"][0].get("text")) for s in sides if s is not side]
        quoted, seen = [], set()
        for ref in side["refs"]:
            wording = " ".join(_text(ref.get("text")).split())
            if wording not in seen and len(quoted) < QUOTES_PER_SIDE:
                seen.add(wording)
                quoted.append(_quote(ref, articles, _marks(side, _text(ref.get("text")), others, kind)))
        outlets: dict[str, str] = {}  # outlet -> link to its first claim on this side
        for ref in side["refs"]:
            outlets.setdefault(
                _source(articles.get(_text(ref.get("article_id")), {})), "#" + _claim_anchor(ref)
            )
        names = list(outlets.items())
        shown.append(
            {
                "value": side["value"],
                "role": side["role"],
                "outlets": [{"source": s, "href": h} for s, h in names[:MAX_OUTLETS]],
                "more_outlets": max(0, len(names) - MAX_OUTLETS),
                "n_claims": len(side["refs"]),
                "quotes": quoted,
                "more": _more(len(side["refs"]) - len(quoted), kind),
            }
        )
    finding_id = _text(finding.get("finding_id"))
    return {
        "number": number,
        "id": _anchor("finding", finding_id) if finding_id else f"finding-{number}",
        "kind": kind,
        "label": KIND_LABELS.get(kind, kind),
        "score": _prob(finding["score"]),
        "slot": _text(finding.get("slot")),
        "why": _text(finding.get("why")),
        "explanation": _text(finding["explanation"]),
        "cluster_id": _text(finding.get("cluster_id")),
        "sides": shown,
        "more_sides": max(0, len(sides) - MAX_SIDES),
        "claim_refs": refs,
    }


def _score_key(finding: dict[str, Any]) -> float:
    return -math.inf if _missing(finding["score"]) else float(finding["score"])


def _finding_groups(
    findings: list[dict], articles: dict, claims: dict, relations: dict[frozenset[str], str]
) -> list[dict[str, Any]]:
    """Cards grouped by kind in reading order, highest score first; numbered down the page."""
    # single_source was a finding kind before it became a claim status; stores written before that
    # still hold such rows, and the single-source list already shows those claims.
    findings = [f for f in findings if _text(f["kind"]) != "single_source"]
    present = {_text(f["kind"]) for f in findings}
    kinds = [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))
    groups, number = [], 0
    for kind in kinds:
        rows = sorted((f for f in findings if _text(f["kind"]) == kind), key=_score_key, reverse=True)
        cards = []
        for f in rows:
            number += 1
            cards.append(_card(number, f, articles, claims, relations))
        conflict = kind in CONFLICT_KINDS or kind not in KIND_ORDER
        groups.append(
            {"kind": kind, "label": KIND_LABELS.get(kind, kind), "conflict": conflict, "cards": cards}
        )
    return groups


# ---------------------------------------------------------------- articles, clusters, run


def _status_note(claim: Mapping[str, Any]) -> str:
    status = _text(claim.get("status"))
    notes = [STATUS_LABELS.get(status, status)] if status else []
    n = _int(claim.get("n_sources"))
    if n:
        notes.append(f"{n} other outlet{'' if n == 1 else 's'} agree")
    if _text(claim.get("attribution")):
        notes.append(f"attributed to {_text(claim.get('attribution'))}")
    if _text(claim.get("hedges")):
        notes.append(f"hedges: {_text(claim.get('hedges'))}")
    return "; ".join(notes)


def _article_body(article: dict, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The article text as pieces: plain text, marked spans (claims, residue), and bare anchors.

    A span overlapping an earlier one is not marked again; it keeps its anchor so card links still land.
    """
    text = _text(article["text"])
    pieces: list[dict[str, Any]] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s["lo"], -s["hi"])):
        if span["lo"] < at:
            pieces.append({"kind": "anchor", "id": span["id"], "at": span["lo"]})
            continue
        if span["lo"] > at:
            pieces.append({"kind": "text", "text": text[at : span["lo"]]})
        pieces.append({"kind": "span", **span, "text": text[span["lo"] : span["hi"]]})
        at = span["hi"]
    if at < len(text):
        pieces.append({"kind": "text", "text": text[at:]})
    # Anchors of overlapped spans go just before the span they fell inside.
    anchors = [p for p in pieces if p["kind"] == "anchor"]
    body = [p for p in pieces if p["kind"] != "anchor"]
    for anchor in anchors:
        index = next(
            (i for i, p in enumerate(body) if p["kind"] == "span" and p["lo"] <= anchor["at"] < p["hi"]),
            len(body),
        )
        body.insert(index, anchor)
    return body


def _article_blocks(rows: dict[str, list[dict]], articles: dict, cards: list[dict]) -> list[dict[str, Any]]:
    links: dict[str, list[dict[str, str]]] = {}  # claim anchor -> the cards that quote it
    for card in cards:
        for ref in card["claim_refs"]:
            entry = {"href": "#" + card["id"], "label": str(card["number"])}
            if entry not in links.setdefault(_claim_anchor(ref), []):
                links[_claim_anchor(ref)].append(entry)
    spans: dict[str, list[dict[str, Any]]] = {}
    heads: dict[str, list[dict[str, Any]]] = {}  # title claims: marked in the headline, never in the text
    for claim in rows["claims"]:
        article = articles.get(_text(claim["article_id"]))
        if article is None:
            continue
        text = _text(article[_where(claim)])
        where = _locate(text, _text(claim["text"]), claim.get("start"), claim.get("end"))
        if where is None:
            continue
        anchor = _claim_anchor(claim)
        (heads if _is_title(claim) else spans).setdefault(_text(claim["article_id"]), []).append(
            {
                "lo": where[0],
                "hi": where[1],
                "id": anchor,
                "cls": "st-" + (_text(claim["status"]) or "none"),
                "title": _status_note(claim),
                "links": links.get(anchor, []),
            }
        )
    for card in cards:
        if card["kind"] != _RESIDUE:
            continue
        for ref in card["claim_refs"]:
            article = articles.get(_text(ref.get("article_id")))
            where = article and _locate(
                _text(article["text"]), _text(ref.get("text")), ref.get("start"), ref.get("end")
            )
            if where:
                spans.setdefault(_text(ref["article_id"]), []).append(
                    {
                        "lo": where[0],
                        "hi": where[1],
                        "id": _claim_anchor(ref),
                        "cls": "residue",
                        "title": "generated-text residue",
                        "links": links.get(_claim_anchor(ref), []),
                    }
                )
    return [
        {
            **_article_row(a),
            "id": _anchor("article", a["article_id"]),
            "headline": _article_body({"text": a["title"]}, heads[_text(a["article_id"])])
            if _text(a["article_id"]) in heads
            else [],
            "body": _article_body(a, spans.get(_text(a["article_id"]), [])),
        }
        for a in rows["articles"]
    ]


def _article_row(article: dict[str, Any]) -> dict[str, Any]:
    counts = {c: _int(article[c]) for c in ARTICLE_SCORES if c != "consistency"}
    return {
        "article_id": _text(article["article_id"]),
        "source": _text(article["source"]),
        "title": _text(article["title"]),
        "published": _text(article["published"]),
        **{c: "" if n is None else n for c, n in counts.items()},
        "consistency": percent(article["consistency"]),
        "removed": [_text(line) for line in _list(article["removed"])],
    }


def _claim_row(claim_id: str, claims: dict, articles: dict) -> dict[str, Any]:
    claim = claims.get(claim_id, {"text": f"(claim {claim_id} not in result.claims)"})
    article = articles.get(_text(claim.get("article_id")), {})
    return {
        "claim_id": claim_id,
        "href": "#" + _anchor("claim", claim_id),
        "text": _text(claim.get("text")),
        "source": _text(article.get("source")) or "unknown source",
        "status": _text(claim.get("status")),
        "hedges": _text(claim.get("hedges")),
        "attribution": _text(claim.get("attribution")),
    }


_RELATION_RANK = {"contradiction": 0, "a_stronger": 1, "b_stronger": 1, "related": 2}


def _pair_row(pair: dict[str, Any], rows: dict[str, dict]) -> dict[str, Any]:
    # Each side names its claim by number in the cluster's list, so the text is not repeated per pair.
    a, b = rows[_text(pair["claim_a"])], rows[_text(pair["claim_b"])]
    probs = {k: _prob(pair[k]) for k in ("p_entail_ab", "p_contra_ab", "p_entail_ba", "p_contra_ba")}
    return {"a": a, "b": b, "relation": _text(pair["relation"]), **probs}


def _cluster_blocks(clusters: list[dict], pairs: list[dict], claims: dict, articles: dict) -> list[dict]:
    members = [[_text(i) for i in _list(cluster["claim_ids"])] for cluster in clusters]
    home = {claim_id: n for n, ids in enumerate(members) for claim_id in ids}
    inside: list[list[dict]] = [[] for _ in clusters]  # each cluster's pairs, found in one pass
    for p in pairs:
        n = home.get(_text(p["claim_a"]))
        if n is not None and home.get(_text(p["claim_b"])) == n:
            inside[n].append(p)
    blocks = []
    for cluster, ids, own_pairs in zip(clusters, members, inside, strict=True):
        rows = {i: _claim_row(i, claims, articles) | {"number": n} for n, i in enumerate(ids, 1)}
        # Agreeing pairs are summed up by the claims' statuses; only the others get a row, disagreements
        # first, and the cap keeps a big cluster's table readable (pairs.csv has them all).
        agreeing = sum(_text(p["relation"]) == "equivalent" for p in own_pairs)
        own_pairs = sorted(
            (p for p in own_pairs if _text(p["relation"]) != "equivalent"),
            key=lambda p: _RELATION_RANK.get(_text(p["relation"]), len(_RELATION_RANK)),
        )
        blocks.append(
            {
                "cluster_id": _text(cluster["cluster_id"]),
                "representative": _text(cluster["representative"]),
                "status": _text(cluster["status"]),
                "n_claims": _int(cluster["n_claims"]) or len(ids),
                "n_articles": _int(cluster["n_articles"]) or 0,
                "claims": list(rows.values()),
                "pairs": [_pair_row(p, rows) for p in own_pairs[:MAX_PAIR_ROWS]],
                "more_pairs": max(0, len(own_pairs) - MAX_PAIR_ROWS),
                "n_agreeing": agreeing,
                "disputed": _text(cluster["status"]) in _DISPUTED
                or any(row["status"] in _DISPUTED for row in rows.values()),
            }
        )
    rank = {s: i for i, s in enumerate(_STATUS_ORDER)}
    # Disagreements first, then the most widely reported facts.
    blocks.sort(key=lambda c: (rank.get(c["status"], len(rank)), -c["n_articles"], c["cluster_id"]))
    return blocks


def _walk(value: Any, prefix: str, depth: int = 0) -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping) and depth < 4:
        for key, inner in value.items():
            yield from _walk(inner, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif not _missing(value) and str(value):
        yield prefix, str(value)


def _model_names(run: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Model names from run["models"] when the run has it, else from any key mentioning "model"."""
    if isinstance(run.get("models"), Mapping):
        return list(_walk(run["models"], ""))
    return [(k, v) for k, v in _walk(run, "") if "model" in k.rsplit(".", 1)[-1].lower()]


def _json_default(value: Any) -> Any:
    for method in ("item", "tolist", "isoformat"):  # numpy scalars and arrays, dates
        if hasattr(value, method):
            return getattr(value, method)()
    return str(value)


def _run_details(run: Mapping[str, Any]) -> dict[str, Any]:
    def pairs(key: str) -> list[tuple[str, str]]:
        value = run.get(key)
        return list(_walk(value, "")) if isinstance(value, Mapping) else []

    return {
        "models": _model_names(run),
        "versions": pairs("versions"),
        "timings": pairs("timings_s") or pairs("timings"),
        "counts": pairs("counts"),
    }


def _count_by(values: Iterable[str], order: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    known = [(v, counts.pop(v)) for v in order if v in counts]
    return known + sorted(counts.items())


def build_view(result: CheckResultLike) -> dict[str, Any]:
    """Plain dicts and lists with everything the reports show, already formatted and marked.

    Args:
        result: any object with the frames of checker.schemas as attributes (see CheckResultLike).
            A missing or empty frame counts as no rows. Nothing in it is modified.

    Raises:
        SchemaError: a non-empty frame lacks a column the reports read.

    Example:
        >>> from types import SimpleNamespace
        >>> build_view(SimpleNamespace(run={}))["finding_groups"]
        []
    """
    rows = {name: _records(result, name) for name in _REQUIRED}
    articles = {_text(a["article_id"]): a for a in rows["articles"]}
    claims = {_text(c["claim_id"]): c for c in rows["claims"]}
    run = getattr(result, "run", None) or {}
    relations = {
        frozenset((_text(p["claim_a"]), _text(p["claim_b"]))): _text(p["relation"]) for p in rows["pairs"]
    }
    groups = _finding_groups(rows["findings"], articles, claims, relations)
    cards = [card for group in groups for card in group["cards"]]
    single = [
        {
            "text": _text(c["text"]),
            "source": _source(articles.get(_text(c["article_id"]), {})),
            "href": "#" + _claim_anchor(c),
        }
        for c in rows["claims"]
        if _text(c["status"]) == "single_source"
    ]
    skipped = [
        {k: _text(s[k]) for k in SKIPPED}
        | {"line": _line(s["line"]), "reason": SKIP_REASONS.get(_text(s["step"]), _text(s["step"]))}
        for s in rows["skipped"]
    ]
    statuses = _count_by((_text(c["status"]) for c in rows["claims"]), _STATUS_ORDER)
    summary = {
        "n_articles": len(rows["articles"]),
        "n_claims": len(rows["claims"]),
        "by_status": [(s, STATUS_LABELS.get(s, s or "no status"), n) for s, n in statuses],
        "n_clusters": len(rows["clusters"]),
        "n_pairs": len(rows["pairs"]),
        "n_conflicts": sum(len(g["cards"]) for g in groups if g["conflict"]),
        "n_findings": len(cards),
        "by_kind": [(g["kind"], g["label"], len(g["cards"]), g["conflict"]) for g in groups],
        "n_single_source": len(single),
        "n_skipped": len(rows["skipped"]),
        "skipped_by_reason": _count_by((s["reason"] for s in skipped), SKIP_REASONS.values()),
        "created": _text(run.get("created")),
        "models": _model_names(run),
    }
    legend = {
        "kinds": [(k, KIND_LABELS[k], KIND_MEANINGS[k]) for k in KIND_ORDER],
        "statuses": [(s, STATUS_LABELS[s], STATUS_MEANINGS[s]) for s in _STATUS_ORDER],
        "score": SCORE_MEANING,
    }
    return {
        "summary": summary,
        "legend": legend,
        "finding_groups": groups,
        "single_source": single,
        "articles": _article_blocks(rows, articles, cards),
        "clusters": _cluster_blocks(rows["clusters"], rows["pairs"], claims, articles),
        "skipped": skipped,
        "run": _run_details(run),
        "run_json": json.dumps(run, indent=2, ensure_ascii=False, default=_json_default),
    }
