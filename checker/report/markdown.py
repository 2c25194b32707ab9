"""Check result -> a short Markdown report (for tickets, chat and e-mail), from the same view as the HTML.

Article text is untrusted here too: it is kept on one line, `<` is written as an entity so a Markdown
renderer cannot turn it into markup, and `|` is escaped inside table cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from checker.report.html import CheckResultLike, build_view

_ARTICLE_HEADER = (
    "Source", "Title", "Published", "Claims", "Corroborated", "Contested", "Contradicted", "Single source",
    "Consistency", "Residue",
)  # fmt: skip
_ARTICLE_KEYS = (
    "source", "title", "published", "n_claims", "n_corroborated", "n_contested", "n_contradicted",
    "n_single_source", "consistency", "n_residue",
)  # fmt: skip
_DISPUTED = {"contested", "contradicted"}


def _inline(value: Any) -> str:
    """One line of untrusted text that renders as itself."""
    return re.sub(r"\s+", " ", str(value)).strip().replace("<", "&lt;")


def _cell(value: Any) -> str:
    return _inline(value).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _summary(summary: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{label} {n}" for _, label, n in summary["by_kind"])
    models = "; ".join(f"{name}: `{_inline(value)}`" for name, value in summary["models"])
    return [
        f"Run of {summary['created'] or 'unknown date'}. Models: {models or 'not recorded'}.",
        "",
        f"- Articles: {summary['n_articles']}, claims: {summary['n_claims']}, "
        f"clusters: {summary['n_clusters']}, pairs scored: {summary['n_pairs']}",
        f"- Findings: {summary['n_findings']}" + (f" ({kinds})" if kinds else ""),
        f"- Skipped inputs: {summary['n_skipped']}",
    ]


def _findings(groups: list[dict[str, Any]]) -> list[str]:
    if not groups:
        return ["No findings."]
    lines: list[str] = []
    for group in groups:
        lines += [f"### {group['label']} ({len(group['findings'])})", ""]
        for number, finding in enumerate(group["findings"], 1):
            lines.append(f"{number}. **{finding['score']}** {_inline(finding['explanation'])}")
            for i, e in enumerate(finding["evidence"]):
                title = f", *{_inline(e['title'])}*" if e["title"] else ""
                lines += ["   >"] if i else []  # one quote paragraph per claim
                lines.append(f'   > "{_inline(e["text"])}" ({_inline(e["source"])}{title})')
            lines.append("")
    return lines[:-1]


def _articles(articles: list[dict[str, Any]]) -> list[str]:
    if not articles:
        return ["No articles."]
    return _table(_ARTICLE_HEADER, [[a[k] for k in _ARTICLE_KEYS] for a in articles])


def _worth_listing(cluster: dict[str, Any]) -> bool:
    """Clusters where sources disagree or that several articles report: the ones worth a look."""
    disputed = cluster["status"] in _DISPUTED or any(c["status"] in _DISPUTED for c in cluster["claims"])
    return disputed or cluster["n_articles"] >= 2


def _clusters(clusters: list[dict[str, Any]]) -> list[str]:
    shown = [c for c in clusters if _worth_listing(c)]
    if not shown:
        return ["No clusters with disagreement or several sources."]
    lines = []
    for cluster in shown:
        status = cluster["status"].replace("_", " ") or "no status"
        lines.append(
            f"- **{_inline(cluster['representative'])}** ({status}, {cluster['n_articles']} articles)"
        )
        for c in cluster["claims"]:
            notes = [c["status"].replace("_", " ")]
            notes += [f"attributed to {c['attribution']}"] if c["attribution"] else []
            notes += [f"hedges: {c['hedges']}"] if c["hedges"] else []
            detail = "; ".join(_inline(n) for n in notes if n)
            lines.append(
                f'  - "{_inline(c["text"])}" ({_inline(c["source"])}{", " + detail if detail else ""})'
            )
    return lines


def _skipped(skipped: list[dict[str, Any]]) -> list[str]:
    if not skipped:
        return ["No skipped inputs."]
    return _table(
        ("Input", "Line", "Step", "Error"),
        [[s[k] for k in ("input", "line", "step", "error")] for s in skipped],
    )


def render_markdown(result: CheckResultLike) -> str:
    """Render a check result as a short Markdown report: summary, findings, articles, clusters, skipped.

    Example:
        >>> from types import SimpleNamespace
        >>> "No findings." in render_markdown(SimpleNamespace(run={}))
        True
    """
    view = build_view(result)
    parts = [
        ["# Claim check report", ""] + _summary(view["summary"]),
        ["## Findings", ""] + _findings(view["finding_groups"]),
        ["## Articles", ""] + _articles(view["articles"]),
        ["## Clusters", ""] + _clusters(view["clusters"]),
        ["## Skipped inputs", ""] + _skipped(view["skipped"]),
    ]
    return "\n\n".join("\n".join(part) for part in parts) + "\n"
