"""Findings of the shipped pipeline against hand-judged gold findings on real news stories.

    python -m tools.bench.findings --split dev                 # the dev stories
    python -m tools.bench.findings --split all --out /tmp/b    # every story

Each story of ``tools/bench/realnews/stories.json`` (a handful of ECB+ articles on one event, or on two
look-alike events) is run through ``Checker(CheckConfig()).check`` one story at a time, and every
conflict finding is matched to the gold lines of ``tools/bench/realnews/gold_<split>.jsonl``
(guidelines and format: tools/bench/realnews/README.md). Per finding kind it reports findings, right,
precision; gold discrepancies, found, recall; then false conflict findings per article, every false
alarm (with the gold:false reason when one matched) and every miss. Writes findings.json and
findings.md to --out (default docs/bench/findings/).

Matching: a finding matches a gold line when two different claims of the finding overlap the gold
spans ``a`` and ``b`` (same article, at least one shared character), in either order, except that a
stronger_claim finding on a stronger_claim line must put the gold ``a`` (the claim that states more)
first. Precision is given two ways: strict (the finding's kind is the gold kind; entity_mismatch and
place_mismatch count as one) and lenient (any gold:true discrepancy on that pair of spans). Gold lines
that share a ``group`` are one discrepancy seen in several article pairs: recall counts the group once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from checker.rules.details import decided_by_rule
from tools.bench import common as bc
from tools.bench.realnews import load as realnews

logger = logging.getLogger(__name__)

CONFLICT_KINDS = (
    "contradiction",
    "intra_article_conflict",
    "stronger_claim",
    "entity_mismatch",
    "number_mismatch",
    "date_mismatch",
    "place_mismatch",
)  # single_source and generated_residue are not discrepancies between claims: not scored
_SAME_KIND = {"place_mismatch": "entity_mismatch"}  # the checker may call a wrong place an entity mismatch
DEFAULT_OUT = realnews.REPO / "docs" / "bench" / "findings"
_SHORT = 90


# --------------------------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------------------------


def load_gold(split: str, folder: Path = realnews.HERE) -> pd.DataFrame:
    """Gold lines of one split ("dev", "test") or of both ("all"); absent files give no rows."""
    splits = ("dev", "test") if split == "all" else (split,)
    rows = []
    for name in splits:
        path = Path(folder) / f"gold_{name}.jsonl"
        if not path.exists():
            logger.warning("%s is absent: no gold findings for the %s split", path, name)
            continue
        with path.open(encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return gold_frame(rows)


def gold_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Gold lines as a frame with a ``group`` on every line (its own index when none was given)."""
    cols = ["story", "split", "kind", "gold", "a", "b", "values", "slot", "reason", "group"]
    frame = pd.DataFrame(list(rows), columns=cols)
    frame["group"] = [
        g if isinstance(g, str) and g else f"line{i}" for i, g in enumerate(frame["group"].tolist())
    ]
    return frame


def check_spans(gold: pd.DataFrame, articles: pd.DataFrame) -> list[str]:
    """Gold spans whose sha1 no longer matches the article text (the loader or the data drifted)."""
    import hashlib

    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    bad = []
    for i, row in gold.iterrows():
        for side in ("a", "b"):
            ref = row[side]
            text = texts.get(ref["article_id"])
            if text is None:
                continue
            digest = hashlib.sha1(text[ref["start"] : ref["end"]].encode("utf-8")).hexdigest()[:8]
            if digest != ref["sha1"]:
                bad.append(f"gold line {i} ({row['story']}) span {side} in {ref['article_id']}")
    return bad


# --------------------------------------------------------------------------------------------
# Scoring (pure: findings and gold in, numbers and lists out)
# --------------------------------------------------------------------------------------------


def _overlaps(claim: dict[str, Any], ref: dict[str, Any]) -> bool:
    """Whether a finding's claim covers a gold span (gold spans index the text; a headline claim's
    offsets index the title, so it covers none)."""
    return (
        claim.get("part", "body") != "title"
        and claim.get("article_id") == ref["article_id"]
        and int(claim["start"]) < int(ref["end"])
        and int(ref["start"]) < int(claim["end"])
    )


def matches(finding_kind: str, claims: Sequence[dict[str, Any]], gold: dict[str, Any]) -> bool:
    """True when two different claims of a finding overlap gold spans a and b.

    Either order counts, except a stronger_claim finding on a stronger_claim gold line, whose first
    claim (the one that states more) must overlap ``a``.

    Example:
        >>> g = {"kind": "number_mismatch", "a": {"article_id": "x", "start": 0, "end": 5},
        ...      "b": {"article_id": "y", "start": 10, "end": 20}}
        >>> c = [{"article_id": "y", "start": 12, "end": 14}, {"article_id": "x", "start": 4, "end": 9}]
        >>> matches("number_mismatch", c, g)
        True
    """
    a, b = gold["a"], gold["b"]
    if finding_kind == "stronger_claim" and gold["kind"] == "stronger_claim":
        return len(claims) >= 2 and _overlaps(claims[0], a) and any(_overlaps(c, b) for c in claims[1:])
    for i, ci in enumerate(claims):
        if not _overlaps(ci, a):
            continue
        if any(_overlaps(cj, b) for j, cj in enumerate(claims) if j != i):
            return True
    return False


_DETAIL_KINDS = ("entity_mismatch", "place_mismatch", "number_mismatch", "date_mismatch")


def lost_at(gold: dict[str, Any], claims: pd.DataFrame, pairs: pd.DataFrame) -> str:
    """Where the pipeline lost a missed gold discrepancy, in the order of its steps.

    ``claims`` and ``pairs`` are the story's result tables. Returns one of: "no claim on a" / "no
    claim on b" (extraction left the span out), "not paired" (no scored pair joins a claim on each
    span), "paired, no value difference" (a detail kind whose values the rules did not set against
    each other), "same-fact test: p_ab/p_ba" (the best candidate's NLI scores on the edited pair,
    under ``same_fact_threshold``), "candidate, not reported" (a rule accepted it but no finding
    came of it) or, for contradiction, stronger_claim and intra-article kinds, "paired: <relation>
    (entailment ab/ba, contradiction ab/ba)".

    Example:
        >>> c = pd.DataFrame({"claim_id": ["k1"], "article_id": ["x"], "start": [0], "end": [9]})
        >>> g = {"kind": "number_mismatch", "a": {"article_id": "x", "start": 2, "end": 4},
        ...      "b": {"article_id": "y", "start": 0, "end": 3}}
        >>> lost_at(g, c, pd.DataFrame(columns=["claim_a", "claim_b"]))
        'no claim on b'
    """
    rows = claims.to_dict("records")
    on = {side: {c["claim_id"] for c in rows if _overlaps(c, gold[side])} for side in ("a", "b")}
    for side in ("a", "b"):
        if not on[side]:
            return f"no claim on {side}"
    joined = pairs[
        (pairs["claim_a"].isin(on["a"]) & pairs["claim_b"].isin(on["b"]))
        | (pairs["claim_a"].isin(on["b"]) & pairs["claim_b"].isin(on["a"]))
    ]
    if joined.empty:
        return "not paired"
    if gold["kind"] in _DETAIL_KINDS:
        entries = [e for ds in joined.get("details", []) for e in (ds or [])]
        entries = [e for e in entries if _same_kind(e["kind"], gold["kind"])]
        if not entries:
            return "paired, no value difference"
        by_nli = [e for e in entries if not decided_by_rule(e)]
        if len(by_nli) == len(entries):
            best = max(by_nli, key=lambda e: min(e["p_ab"], e["p_ba"]))
            return f"same-fact test: {best['p_ab']:.2f}/{best['p_ba']:.2f}"
        return "candidate, not reported"
    p = joined.assign(_e=joined[["p_entail_ab", "p_entail_ba"]].max(axis=1)).sort_values("_e").iloc[-1]
    return (f"paired: {p['relation']} (entailment {p['p_entail_ab']:.2f}/{p['p_entail_ba']:.2f}, "
            f"contradiction {p['p_contra_ab']:.2f}/{p['p_contra_ba']:.2f})")  # fmt: skip


def _lost(gold: dict[str, Any], tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]] | None) -> str:
    if not tables or gold["story"] not in tables:
        return ""
    return lost_at(gold, *tables[gold["story"]])


def _same_kind(finding_kind: str, gold_kind: str) -> bool:
    return _SAME_KIND.get(finding_kind, finding_kind) == _SAME_KIND.get(gold_kind, gold_kind)


def _short(text: str, n: int = _SHORT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score_findings(
    findings: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    n_articles: int | None = None,
    tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]] | None = None,
) -> dict[str, Any]:
    """Precision, recall, false alarms and misses of conflict findings against gold lines.

    Args:
        findings: the checker's findings (kind, claims, explanation; an optional ``story`` column).
        gold: gold lines (``gold_frame``); lines with ``gold`` false name look-alikes that are not
            discrepancies, whose reason is shown beside a false alarm that matches them.
        n_articles: articles checked, for false conflict findings per article.
        tables: per story, its (claims, pairs) result tables; each miss then says where it was
            lost (``lost_at``).

    Returns:
        ``by_kind`` (per finding kind: findings, right_strict, right_lenient, precision_strict,
        precision_lenient; per gold kind: gold, found_strict, found_lenient, recall_strict,
        recall_lenient), ``overall``, ``false_alarms`` and ``misses``.

    Example:
        >>> score_findings(pd.DataFrame(columns=["kind", "claims"]), gold_frame([]))["overall"]["findings"]
        0
    """
    gold = gold.reset_index(drop=True)
    gold_rows = gold.to_dict("records")
    truth = [bool(g["gold"]) for g in gold_rows]
    found_strict: set[str] = set()
    found_lenient: set[str] = set()
    per_kind: dict[str, dict[str, Any]] = {
        k: {"findings": 0, "right_strict": 0, "right_lenient": 0} for k in CONFLICT_KINDS
    }
    false_alarms, wrong_kind = [], []
    for f in findings.to_dict("records"):
        kind = f["kind"]
        if kind not in CONFLICT_KINDS:
            continue
        claims = list(f.get("claims") or [])
        hit = [i for i, g in enumerate(gold_rows) if matches(kind, claims, g)]
        true_hits = [i for i in hit if truth[i]]
        strict = [i for i in true_hits if _same_kind(kind, gold_rows[i]["kind"])]
        per_kind[kind]["findings"] += 1
        per_kind[kind]["right_strict"] += bool(strict)
        per_kind[kind]["right_lenient"] += bool(true_hits)
        found_strict.update(gold_rows[i]["group"] for i in strict)
        found_lenient.update(gold_rows[i]["group"] for i in true_hits)
        entry = {
            "kind": kind,
            "story": f.get("story", ""),
            # spans, not words: the articles are research-only and never copied into saved results
            "claims": [f"{c.get('article_id')}:{c.get('start')}-{c.get('end')}" for c in claims[:2]],
            "values": [str(c["value"]) for c in claims[:2] if c.get("value")],
            "quotes": [_short(c.get("text", "")) for c in claims[:2]],  # terminal only (see ``saved``)
            "evidence": f.get("why", "") if isinstance(f.get("why", ""), str) else "",
        }
        if not true_hits:
            looks = [gold_rows[i] for i in hit if not truth[i]]
            entry["gold_false"] = [f"{g['kind']} / {g['slot']}: {g['reason']}" for g in looks]
            false_alarms.append(entry)
        elif not strict:
            entry["gold_kinds"] = sorted({gold_rows[i]["kind"] for i in true_hits})
            wrong_kind.append(entry)
    groups = gold[gold["gold"].astype(bool)].drop_duplicates("group") if len(gold) else gold
    for k, row in per_kind.items():
        row["precision_strict"] = _ratio(row["right_strict"], row["findings"])
        row["precision_lenient"] = _ratio(row["right_lenient"], row["findings"])
        of_kind = groups[groups["kind"] == k]["group"].tolist() if len(groups) else []
        row["gold"] = len(of_kind)
        row["found_strict"] = sum(g in found_strict for g in of_kind)
        row["found_lenient"] = sum(g in found_lenient for g in of_kind)
        row["recall_strict"] = _ratio(row["found_strict"], row["gold"])
        row["recall_lenient"] = _ratio(row["found_lenient"], row["gold"])
    total = sum(r["findings"] for r in per_kind.values())
    right_s = sum(r["right_strict"] for r in per_kind.values())
    right_l = sum(r["right_lenient"] for r in per_kind.values())
    n_gold = len(groups)
    misses = [
        {
            "kind": g["kind"],
            "story": g["story"],
            "slot": g["slot"],
            "values": list(g["values"] or []),
            "a": g["a"]["article_id"],
            "b": g["b"]["article_id"],
            "reason": g["reason"],
            "lost": _lost(g, tables),
        }
        for g in (groups.to_dict("records") if len(groups) else [])
        if g["group"] not in found_lenient
    ]
    overall = {
        "findings": total,
        "right_strict": right_s,
        "right_lenient": right_l,
        "precision_strict": _ratio(right_s, total),
        "precision_lenient": _ratio(right_l, total),
        "gold": n_gold,
        "found_strict": len(found_strict),
        "found_lenient": len(found_lenient),
        "recall_strict": _ratio(len(found_strict), n_gold),
        "recall_lenient": _ratio(len(found_lenient), n_gold),
        "false_findings": total - right_l,
        "articles": n_articles,
        "false_per_article": (total - right_l) / n_articles if n_articles else None,
        "gold_false_lines": int((~pd.Series(truth, dtype=bool)).sum()),
    }
    return {
        "by_kind": per_kind,
        "overall": overall,
        "false_alarms": false_alarms,
        "wrong_kind": wrong_kind,
        "misses": misses,
    }


# --------------------------------------------------------------------------------------------
# Running the checker and reporting
# --------------------------------------------------------------------------------------------


def run_stories(
    split: str, data: Path
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]], dict[str, tuple[pd.DataFrame, pd.DataFrame]]]:
    """Check each story of a split alone; return (findings with a story column, articles, per-story
    info, per-story (claims, pairs) tables)."""
    from checker import Checker
    from checker.config import CheckConfig

    stories = realnews.list_stories()
    if split != "all":
        stories = stories[stories["split"] == split]
    checker = Checker(CheckConfig())  # one Checker: models load once, each story is checked alone
    all_findings, all_articles, info, tables = [], [], [], {}
    for story in stories.itertuples():
        df = realnews.load_story(story.story_id, data)
        start = time.perf_counter()
        result = checker.check(df)
        seconds = time.perf_counter() - start
        arts = result.articles.set_index("article_id")["text"]
        changed = [a for a, t in zip(df["article_id"], df["text"], strict=True) if arts.get(a) != t]
        if changed:  # gold offsets point into the loader's text: they would be meaningless
            logger.warning("%s: the checker changed the text of %s", story.story_id, changed)
        findings = result.findings.assign(story=story.story_id)
        tables[story.story_id] = (result.claims, result.pairs)
        all_findings.append(findings)
        all_articles.append(result.articles[["article_id", "text"]].assign(story=story.story_id))
        info.append(
            {
                "story": story.story_id,
                "split": story.split,
                "articles": len(df),
                "checked": len(result.articles),
                "findings": len(findings),
                "conflict_findings": int(findings["kind"].isin(CONFLICT_KINDS).sum()),
                "text_changed": changed,
                "seconds": round(seconds, 1),
            }
        )
        print(
            f"{story.story_id}: {len(df)} articles, {len(findings)} findings, {seconds:.0f}s", file=sys.stderr
        )
    findings = pd.concat(all_findings, ignore_index=True)
    return findings, pd.concat(all_articles, ignore_index=True), info, tables


def _pct(value: float | None) -> str:
    return bc.pct(value, 0)


def saved(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the quoted article text (ECB+ and MEANTIME texts stay in ../shared/data)."""
    score = report["score"]
    lists = {name: [{k: v for k, v in e.items() if k != "quotes"} for e in score[name]]
             for name in ("false_alarms", "wrong_kind")}  # fmt: skip
    return {**report, "score": {**score, **lists}}


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the table, then false alarms, wrong kinds and misses."""
    s = report["score"]
    rows = []
    for k, r in s["by_kind"].items():
        rows.append(
            [k, r["findings"], r["right_strict"], _pct(r["precision_strict"]), r["right_lenient"],
             _pct(r["precision_lenient"]), r["gold"], r["found_strict"], _pct(r["recall_strict"]),
             r["found_lenient"], _pct(r["recall_lenient"])]
        )  # fmt: skip
    o = s["overall"]
    rows.append(
        ["**all**", o["findings"], o["right_strict"], _pct(o["precision_strict"]), o["right_lenient"],
         _pct(o["precision_lenient"]), o["gold"], o["found_strict"], _pct(o["recall_strict"]),
         o["found_lenient"], _pct(o["recall_lenient"])]
    )  # fmt: skip
    headers = ["kind", "findings", "right", "P strict %", "right (lenient)", "P lenient %", "gold",
               "found", "R strict %", "found (lenient)", "R lenient %"]  # fmt: skip
    per_article = o["false_per_article"]
    lines = [
        f"# Findings on real news ({report['split']})",
        "",
        bc.record_markdown(report["record"]),
        f"- stories {len(report['stories'])}, articles {o['articles']}, gold discrepancies {o['gold']}, "
        f"gold:false look-alikes {o['gold_false_lines']}",
        "",
        bc.markdown_table(headers, rows),
        "",
        f"False conflict findings per article: {per_article:.2f}" if per_article is not None else "",
        "",
        f"## False alarms ({len(s['false_alarms'])})",
        "",
    ]
    for f in s["false_alarms"]:
        why = f"; looks like: {' | '.join(f['gold_false'])}" if f.get("gold_false") else ""
        values = f" values {' / '.join(f['values'])}" if f.get("values") else ""
        evidence = f" [{f['evidence']}]" if f.get("evidence") else ""
        lines.append(f"- **{f['kind']}** ({f['story']}): {_claims(f)}{values}{evidence}{why}")
    lines += ["", f"## Right pair, other kind ({len(s['wrong_kind'])})", ""]
    for f in s["wrong_kind"]:
        lines.append(f"- **{f['kind']}** ({f['story']}), gold {', '.join(f['gold_kinds'])}: {_claims(f)}")
    lines += ["", f"## Misses ({len(s['misses'])})", ""]
    for m in s["misses"]:
        lost = f" Lost at: {m['lost']}." if m.get("lost") else ""
        lines.append(
            f"- **{m['kind']}** ({m['story']}, {m['a']} / {m['b']}), {m['slot']}: "
            f"{' vs '.join(m['values'])}. {m['reason']}{lost}"
        )
    return "\n".join(lines)


def _claims(entry: dict[str, Any]) -> str:
    """The claims of a listed finding: spans, with their words only where they were kept (terminal)."""
    quotes = entry.get("quotes") or [""] * len(entry["claims"])
    return " vs ".join(f"{c} {q}".strip() for c, q in zip(entry["claims"], quotes, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--data", type=Path, default=realnews.DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for findings.json/.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    record = bc.run_record("tools.bench.findings", argv)
    try:
        findings, articles, info, tables = run_stories(args.split, args.data)
    except realnews.StoryDataError as e:
        print(f"cannot run the real-news benchmark: {e}", file=sys.stderr)
        return 2
    gold = load_gold(args.split)
    drift = check_spans(gold, articles)
    for line in drift:
        logger.warning("gold span drifted: %s", line)
    score = score_findings(findings, gold, n_articles=len(articles), tables=tables)
    report = {"record": record, "split": args.split, "stories": info, "span_drift": drift, "score": score}
    kept = saved(report)
    bc.save(args.out, "findings", kept, markdown(kept))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
