"""Check result -> a Markdown report (for tickets, chat and e-mail), from the same view as the HTML.

Same reading order as the HTML page: summary and legend, conflicts (one card per disputed fact, the
differing words in bold), single-source claims, articles with their claims marked, clusters, skipped
inputs, run details. Article text is untrusted here too: it is kept on one line (or, for whole articles,
its lines cannot start a heading, list or quote), `<` is written as an entity so a Markdown renderer
cannot turn it into markup, and `|` is escaped inside table cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from checker.report.view import CheckResultLike, build_view

_ARTICLE_HEADER = (
    "Source", "Title", "Published", "Claims", "Corroborated", "Contested", "Contradicted", "Single source",
    "Consistency", "Residue",
)  # fmt: skip
_ARTICLE_KEYS = (
    "source", "title", "published", "n_claims", "n_corroborated", "n_contested", "n_contradicted",
    "n_single_source", "consistency", "n_residue",
)  # fmt: skip
_DISPUTED = {"contested", "contradicted"}
MAX_SINGLE_SOURCE = 50  # Markdown is for pasting; claims.csv lists every single-source claim
# A line of article text starting like this would become a heading, list, quote, rule or code block.
_BLOCK_START = re.compile(r"^(\s*)([#>+*=~`|-]|\d+[.)])")


def _inline(value: Any) -> str:
    """One line of untrusted text that renders as itself."""
    return re.sub(r"\s+", " ", str(value)).strip().replace("<", "&lt;")


def _cell(value: Any) -> str:
    return _inline(value).replace("|", "\\|")


def _marked(parts: Sequence[dict[str, Any]]) -> str:
    """Marked segments in bold, keeping the spaces outside the asterisks so the bold renders."""
    out = []
    for part in parts:
        text = re.sub(r"\s+", " ", part["text"]).replace("<", "&lt;")
        if part["mark"] and text.strip():
            lead, core, tail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.S).groups()
            text = f"{lead}**{core}**{tail}"
        out.append(text)
    return "".join(out).strip()


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _counts(pairs: Sequence[tuple[Any, ...]]) -> str:
    return ", ".join(f"{p[-2]} {p[-1]}" for p in pairs)


def _summary(summary: dict[str, Any], legend: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{label} {n}" for _, label, n, conflict in summary["by_kind"] if conflict)
    other = [f"- {label}: {n}" for _, label, n, conflict in summary["by_kind"] if not conflict]
    statuses = _counts(summary["by_status"])
    skipped = _counts(summary["skipped_by_reason"])
    lines = [
        f"Run of {summary['created'] or 'unknown date'}.",
        "",
        f"- Conflicts: {summary['n_conflicts']}" + (f" ({kinds})" if kinds else ""),
        *other,
        f"- Articles: {summary['n_articles']}, claims: {summary['n_claims']}"
        + (f" ({statuses})" if statuses else ""),
        f"- Clusters: {summary['n_clusters']}, claim pairs scored: {summary['n_pairs']}",
        f"- Skipped inputs: {summary['n_skipped']}" + (f" ({skipped})" if skipped else ""),
        "",
        "**How to read it.** Finding kinds: "
        + "; ".join(f"*{label}*: {m}" for _, label, m in legend["kinds"])
        + ".",
        "",
        f"Score: {legend['score']}",
        "",
        "Claim status: " + "; ".join(f"*{label}*: {m}" for _, label, m in legend["statuses"]) + ".",
        "**Bold** words in quotes are the value each outlet states, or the words that differ between claims.",
    ]
    return lines


def _card(card: dict[str, Any]) -> list[str]:
    slot = f": {_inline(card['slot'])}" if card["slot"] else ""
    lines = [f"{card['number']}. **{card['label']}{slot}** (score {card['score']})"]
    for side in card["sides"]:
        outlets = ", ".join(_inline(o["source"]) for o in side["outlets"])
        outlets += f" +{side['more_outlets']} more" if side["more_outlets"] else ""
        head = f"**“{_inline(side['value'])}”** " if side["value"] else ""
        head += f"*{side['role']}:* " if side["role"] else ""
        more = f" ({side['more']})" if side["more"] else ""  # after the quotes it would join the last one
        lines.append(f"   - {head}{outlets}{more}")
        for i, quote in enumerate(side["quotes"]):
            who = (
                f" ({_inline(quote['source'])})"
                if len(side["quotes"]) > 1 or len(side["outlets"]) > 1
                else ""
            )
            who += " (headline)" if quote["headline"] else ""
            lines += ["     >"] if i else []  # one quote paragraph per claim
            lines.append(f"     > “{_marked(quote['parts'])}”{who}")
    if card["more_sides"]:
        lines.append(f"   - +{card['more_sides']} more (findings.jsonl has them all)")
    if card["why"]:
        lines.append(f"   - Why: {_inline(card['why'])}")
    lines.append(f"   - {_inline(card['explanation'])}")
    return lines


def _findings(groups: list[dict[str, Any]]) -> list[str]:
    conflicts = [g for g in groups if g["conflict"]]
    lines = [] if conflicts else ["No conflicts found.", ""]
    for group in conflicts + [g for g in groups if not g["conflict"]]:
        lines += [f"### {group['label']} ({len(group['cards'])})", ""]
        for card in group["cards"]:
            lines += _card(card) + [""]
    return lines[:-1]


def _single_source(claims: list[dict[str, Any]]) -> list[str]:
    if not claims:
        return ["No single-source claims."]
    lines = [f"{len(claims)} claim{'' if len(claims) == 1 else 's'} only one outlet states:", ""]
    lines += [f"- {_inline(c['source'])}: {_inline(c['text'])}" for c in claims[:MAX_SINGLE_SOURCE]]
    if len(claims) > MAX_SINGLE_SOURCE:
        lines.append(f"- +{len(claims) - MAX_SINGLE_SOURCE} more (claims.csv, status single_source)")
    return lines


def _body(pieces: list[dict[str, Any]]) -> list[str]:
    """An article's text with each claim tagged ("[contested 3]"; disputed ones in bold), line by line.

    Untrusted text that starts a line is escaped before any markup is added, so it cannot open a
    heading, list or quote, and the bold the report adds is never escaped by mistake.
    """
    out: list[str] = []

    def line_start() -> bool:
        return not out or out[-1].endswith("\n")

    for piece in pieces:
        if piece["kind"] == "text":
            lines = piece["text"].replace("<", "&lt;").split("\n")
            lines = [
                _BLOCK_START.sub(r"\1\\\2", line) if (i or line_start()) else line
                for i, line in enumerate(lines)
            ]
            out.append("\n".join(lines))
        elif piece["kind"] == "span":
            text = _inline(piece["text"])
            text = _BLOCK_START.sub(r"\1\\\2", text) if line_start() else text
            tag = piece["cls"].removeprefix("st-").replace("_", " ")
            tag += "".join(f" {link['label']}" for link in piece["links"])
            out.append(
                f"**{text}** [{tag}]" if tag.startswith(("contradicted", "contested")) else f"{text} [{tag}]"
            )
    lines: list[str] = []
    for line in "".join(out).split("\n"):
        if line.strip() or (lines and lines[-1]):
            lines.append(line.strip())
    return lines


def _articles(articles: list[dict[str, Any]]) -> list[str]:
    if not articles:
        return ["No articles."]
    lines = _table(_ARTICLE_HEADER, [[a[k] for k in _ARTICLE_KEYS] for a in articles])
    lines += ["", "Claims are tagged with their status and the numbers of the findings that quote them."]
    for a in articles:
        title = f": {_inline(a['title'])}" if a["title"] else ""
        lines += ["", f"### {_inline(a['source'] or a['article_id'])}{title}", ""]
        if a["headline"]:  # the title claim, tagged like the claims of the text
            lines += ["Headline: " + " ".join(_body(a["headline"])), ""]
        lines += _body(a["body"])
    return lines


def _worth_listing(cluster: dict[str, Any]) -> bool:
    """Clusters where sources disagree or that several articles report: the ones worth a look."""
    disputed = cluster["status"] in _DISPUTED or any(c["status"] in _DISPUTED for c in cluster["claims"])
    return disputed or cluster["n_articles"] >= 2


def _clusters(clusters: list[dict[str, Any]]) -> list[str]:
    shown = [c for c in clusters if c["n_claims"] >= 2 and _worth_listing(c)]
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
        ("Input", "Line", "Why skipped", "Detail"),
        [[s[k] for k in ("input", "line", "reason", "error")] for s in skipped],
    )


def _run(run: dict[str, Any], run_json: str, created: str) -> list[str]:
    lines = [f"- Date: {_inline(created or 'unknown')}"]
    lines += [f"- Model {_inline(name)}: `{_inline(value)}`" for name, value in run["models"]]
    if run["versions"]:
        lines.append("- Versions: " + ", ".join(f"{_inline(k)} {_inline(v)}" for k, v in run["versions"]))
    if run["timings"]:
        lines.append("- Timings (s): " + ", ".join(f"{_inline(k)} {_inline(v)}" for k, v in run["timings"]))
    # A fence longer than any run of backticks inside, so nothing in the record can close it.
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", run_json)), default=0))
    return lines + ["", "Full run record (run.json):", "", fence + "json", run_json, fence]


def render_markdown(result: CheckResultLike) -> str:
    """Render a check result as Markdown, in the HTML page's order: conflicts first, run details last.

    Example:
        >>> from types import SimpleNamespace
        >>> "No conflicts found." in render_markdown(SimpleNamespace(run={}))
        True
    """
    view = build_view(result)
    parts = [
        ["# Claim check report", ""] + _summary(view["summary"], view["legend"]),
        ["## Conflicts", ""] + _findings(view["finding_groups"]),
        ["## Single-source claims", ""] + _single_source(view["single_source"]),
        ["## Articles", ""] + _articles(view["articles"]),
        ["## Clusters", ""] + _clusters(view["clusters"]),
        ["## Skipped inputs", ""] + _skipped(view["skipped"]),
        ["## Run details", ""] + _run(view["run"], view["run_json"], view["summary"]["created"]),
    ]
    return "\n\n".join("\n".join(part) for part in parts) + "\n"
