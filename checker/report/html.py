"""Check result -> one self-contained HTML page for fact-checkers, and the view data both reports share.

`build_view` turns the result's frames into plain dicts and lists (all formatting decided here, once);
the Jinja2 template only lays them out. Article text is untrusted, so the template environment always
autoescapes.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import jinja2
import pandas as pd

from checker.schemas import ARTICLE_SCORES, CLAIM_STATUSES, CLUSTERS, FINDING_KINDS, SKIPPED, validate_frame

logger = logging.getLogger(__name__)

# The order a fact-checker reads findings in: outright disagreements first (checker.schemas).
KIND_ORDER = FINDING_KINDS
KIND_LABELS = {
    "contradiction": "Contradiction",
    "intra_article_conflict": "Conflict within one article",
    "stronger_claim": "Stronger claim",
    "entity_mismatch": "Entity mismatch",
    "place_mismatch": "Place mismatch",
    "number_mismatch": "Number mismatch",
    "date_mismatch": "Date mismatch",
    "generated_residue": "Generated-text residue",
}
_STATUS_ORDER = CLAIM_STATUSES
CONTEXT_CHARS = 120  # enough for the sentence around a claim without pasting the article

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


def _evidence(ref: Any, articles: dict[str, dict], claims: dict[str, dict]) -> dict[str, Any]:
    ref = dict(ref) if isinstance(ref, Mapping) else {"claim_id": ref}
    known = claims.get(_text(ref.get("claim_id")), {})
    ref = {**known, **{k: v for k, v in ref.items() if not _missing(v)}}
    article = articles.get(_text(ref.get("article_id")), {})
    claim = _text(ref.get("text"))
    return {
        "claim_id": _text(ref.get("claim_id")),
        "source": _text(article.get("source")) or "unknown source",
        "title": _text(article.get("title")),
        "text": claim,
        "status": _text(ref.get("status")),
        **_in_context(_text(article.get("text")), claim, ref.get("start"), ref.get("end")),
    }


def _score_key(finding: dict[str, Any]) -> float:
    return -math.inf if _missing(finding["score"]) else float(finding["score"])


def _finding_groups(findings: list[dict], articles: dict, claims: dict) -> list[dict[str, Any]]:
    present = {_text(f["kind"]) for f in findings}
    kinds = [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))
    groups = []
    for kind in kinds:
        rows = sorted((f for f in findings if _text(f["kind"]) == kind), key=_score_key, reverse=True)
        items = [
            {
                "score": _prob(f["score"]),
                "explanation": _text(f["explanation"]),
                "evidence": [_evidence(ref, articles, claims) for ref in _list(f["claims"])],
            }
            for f in rows
        ]
        groups.append({"kind": kind, "label": KIND_LABELS.get(kind, kind), "findings": items})
    return groups


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
        "text": _text(claim.get("text")),
        "source": _text(article.get("source")) or "unknown source",
        "status": _text(claim.get("status")),
        "hedges": _text(claim.get("hedges")),
        "attribution": _text(claim.get("attribution")),
    }


def _pair_row(pair: dict[str, Any], rows: dict[str, dict]) -> dict[str, Any]:
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
        rows = {i: _claim_row(i, claims, articles) for i in ids}
        blocks.append(
            {
                "cluster_id": _text(cluster["cluster_id"]),
                "representative": _text(cluster["representative"]),
                "status": _text(cluster["status"]),
                "n_claims": _int(cluster["n_claims"]) or len(ids),
                "n_articles": _int(cluster["n_articles"]) or 0,
                "claims": list(rows.values()),
                "pairs": [_pair_row(p, rows) for p in own_pairs],
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


def build_view(result: CheckResultLike) -> dict[str, Any]:
    """Plain dicts and lists with everything the reports show, already formatted.

    Args:
        result: any object with the frames of checker.schemas as attributes (see CheckResultLike).
            A missing or empty frame counts as no rows.

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
    groups = _finding_groups(rows["findings"], articles, claims)
    summary = {
        "n_articles": len(rows["articles"]),
        "n_claims": len(rows["claims"]),
        "n_clusters": len(rows["clusters"]),
        "n_pairs": len(rows["pairs"]),
        "n_findings": len(rows["findings"]),
        "by_kind": [(g["kind"], g["label"], len(g["findings"])) for g in groups],
        "n_skipped": len(rows["skipped"]),
        "created": _text(run.get("created")),
        "models": _model_names(run),
    }
    skipped = [{k: _text(s[k]) for k in SKIPPED} | {"line": _line(s["line"])} for s in rows["skipped"]]
    return {
        "summary": summary,
        "finding_groups": groups,
        "articles": [_article_row(a) for a in rows["articles"]],
        "clusters": _cluster_blocks(rows["clusters"], rows["pairs"], claims, articles),
        "skipped": skipped,
        "run_json": json.dumps(run, indent=2, ensure_ascii=False, default=_json_default),
    }


@functools.cache
def _environment() -> jinja2.Environment:
    # autoescape=True, not select_autoescape: the template's ".html.j2" name would not match it.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("checker.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(result: CheckResultLike) -> str:
    """Render a check result as one self-contained HTML page (inline CSS, no scripts, printable).

    Example:
        >>> from types import SimpleNamespace
        >>> "No findings." in render_html(SimpleNamespace(run={}))
        True
    """
    view = build_view(result)
    # A one-claim cluster has nothing to compare; its claim already shows in the per-article counts.
    view["clusters"] = [c for c in view["clusters"] if c["n_claims"] >= 2]
    return _environment().get_template("report.html.j2").render(**view)
