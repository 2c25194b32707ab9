"""The nightly job's "What changed since the last run" page (changes.md) and the rows of changes.json.

A finding keeps its id while outlets join or leave the dispute; such a finding is listed once, under
"Updated findings" (changes.json ``updated_findings``, with ``old_claims``), never as both new and no
longer found.

checker.nightly.job builds the changes.json dict and re-exports ``changes_markdown``.

Example:
    >>> changes_markdown({"run_id": 1, "started": "2026-01-01", "counts": {}}).splitlines()[2]
    'Run 1 (started 2026-01-01), the first run of this store.'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["changes_markdown"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for missing values (JSON has no NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _md(value: Any) -> str:
    """Untrusted text on one line that renders as itself in Markdown (also inside a table cell)."""
    return " ".join(str(value).split()).replace("<", "&lt;").replace("|", "\\|")


_CHANGE_COUNTS = (
    ("new_articles", "New articles"), ("known_articles", "Input articles already stored"),
    ("new_claims", "New claims"), ("new_clusters", "New clusters"), ("pairs_scored", "Pairs scored"),
    ("new_findings", "New findings"), ("updated_findings", "Findings updated (claims joined or left)"),
    ("resolved_findings", "Findings no longer found"), ("status_changes", "Claims whose status changed"),
    ("skipped", "Skipped inputs (bad)"), ("duplicates", "Duplicate input articles"),
    ("ignored", "Ignored files"), ("other_language", "Articles not in English"),
)  # fmt: skip
_FINDING_LISTS = (("new_findings", "New findings"), ("updated_findings", "Updated findings"),
                  ("resolved_findings", "Findings no longer found"))  # fmt: skip
_CHANGE_TABLES = (  # (key, title, header, columns)
    ("status_changes", "Claims whose status changed", ("Claim", "Source", "Before", "Now"),
     ("text", "source", "old_status", "new_status")),
    ("new_clusters", "New clusters", ("Cluster", "Claims", "Articles", "Representative claim"),
     ("cluster_id", "n_claims", "n_articles", "representative")),
    ("new_articles", "New articles", ("Article", "Source", "Title"), ("article_id", "source", "title")),
)  # fmt: skip


def _claim_ids(claims: list[Any]) -> set[str]:
    """Claim ids of a finding's claims (dicts with claim_id, as schemas.FINDINGS has them)."""
    return {c["claim_id"] if isinstance(c, dict) else str(c) for c in claims}


def _claims_change(finding: dict[str, Any]) -> str:
    """ ", claims: 2 -> 3 (1 joined)" for an updated finding (one with old_claims), else ""."""
    if finding.get("old_claims") is None:
        return ""
    old, new = _claim_ids(finding["old_claims"]), _claim_ids(finding["claims"])
    moves = [f"{n} {what}" for n, what in ((len(new - old), "joined"), (len(old - new), "left")) if n]
    return f", claims {len(old)} -> {len(new)}" + (f" ({', '.join(moves)})" if moves else "")


def changes_markdown(summary: dict[str, Any]) -> str:
    """The "What changed since the last run" page from the changes.json dict.

    Example:
        >>> changes_markdown({"run_id": 2, "previous_run": 1, "started": "2026-01-02", "counts": {}})[:33]
        '# What changed since the last run'
    """
    prev = summary.get("previous_run")
    since = f", compared with run {prev}." if prev else ", the first run of this store."
    lines = [
        "# What changed since the last run",
        "",
        f"Run {summary['run_id']} (started {summary['started']}){since}",
        "",
    ] + [f"- {label}: {summary['counts'].get(key, 0)}" for key, label in _CHANGE_COUNTS]
    for key, title in _FINDING_LISTS:
        rows = summary.get(key) or []
        lines += ["", f"## {title} ({len(rows)})", ""]
        lines += [
            f"{i}. **{_md(f['kind'])}** ({float(f['score']):.2f}, first seen in run {f['first_run']}"
            f"{_claims_change(f)}): {_md(f['explanation'])}"
            for i, f in enumerate(rows, 1)
        ] or ["None."]
    for key, title, header, cols in _CHANGE_TABLES:
        rows = summary.get(key) or []
        lines += ["", f"## {title} ({len(rows)})", ""]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] if rows else ["None."]
        lines += ["| " + " | ".join(_md(r[col]) for col in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"
