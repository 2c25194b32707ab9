"""Probabilities and detail checks -> relation labels, findings, claim status and article scores.

No models here: everything works on the frames of checker.schemas, so a notebook can re-label a
stored run with other thresholds without scoring again.

Example:
    >>> import pandas as pd
    >>> from checker.config import RelationConfig
    >>> p = pd.DataFrame({"p_entail_ab": [0.9], "p_entail_ba": [0.1], "p_contra_ab": [0.0],
    ...                   "p_contra_ba": [0.1], "similarity": [0.8]})
    >>> label_relations(p, RelationConfig())["relation"].tolist()
    ['a_stronger']
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from checker.config import RelationConfig
from checker.rules.details import diff_details
from checker.schemas import ARTICLE_SCORES, FINDING_KINDS, FINDINGS, PAIRS, empty_frame

_DETAIL_WORDS = {
    "entity_mismatch": "names differ",
    "number_mismatch": "figures differ",
    "date_mismatch": "dates differ",
}


def label_relations(pairs: pd.DataFrame, config: RelationConfig | None = None) -> pd.DataFrame:
    """Add ``relation`` to scored pairs (see RelationConfig for the rules, applied in order)."""
    config = config or RelationConfig()
    out = pairs.copy()
    out["opposed"] = out["opposed"].fillna("").astype(str) if "opposed" in out else ""
    e_ab, e_ba = out["p_entail_ab"].to_numpy(), out["p_entail_ba"].to_numpy()
    both = out[["p_contra_ab", "p_contra_ba"]].to_numpy()
    contra = both.max(axis=1) if config.contra_combine == "max" else both.mean(axis=1)
    t, m = config.entail_threshold, config.strength_margin
    opposed = out["opposed"].ne("").to_numpy() & config.opposite_verbs
    out["relation"] = np.select(
        [
            (contra >= config.contra_threshold) | (opposed & ~((e_ab >= t) & (e_ba >= t))),
            (e_ab >= t) & (e_ba >= t),
            (e_ab >= t) & (e_ab - e_ba >= m),
            (e_ba >= t) & (e_ba - e_ab >= m),
            out["similarity"].to_numpy() >= config.related_similarity,
        ],
        ["contradiction", "equivalent", "a_stronger", "b_stronger", "related"],
        default="unrelated",
    )
    return out


def overclaims(pairs: pd.DataFrame, claims: pd.DataFrame, config: RelationConfig | None = None) -> pd.Series:
    """True for stronger/weaker pairs where the weaker claim is hedged more than the stronger one.

    One-way entailment alone also fires when one outlet merely adds detail ("held at a hotel in
    Anchorage" => "held in Anchorage"), and the NLI model gives those the same probabilities as a
    real overclaim ("agreed to" => "did not object to"). A claim "states more than its source
    supports" when the difference is one of assertion strength, which the hedge rules measure:
    hedge_score(weaker) - hedge_score(stronger) >= config.hedge_gap.

    Both claims must also be in one cluster (one fact told two ways). Pairs across clusters are
    scored to catch contradictions whose wrong detail moved a claim out of its cluster; a one-way
    entailment between two different facts is a model error, not an overclaim ("Witkof presented a
    US proposal for a 30-day ceasefire" => "Moscow would study the ceasefire proposal", 0.57).
    Claims not yet clustered (cluster_id "" or no such column) count as one cluster.
    """
    config = config or RelationConfig()
    by_id = claims.set_index("claim_id")
    hedge = by_id["hedge_score"].astype(float)
    h_a = pairs["claim_a"].map(hedge).fillna(0.0).to_numpy()
    h_b = pairs["claim_b"].map(hedge).fillna(0.0).to_numpy()
    rel = pairs["relation"].to_numpy()
    gap = np.where(rel == "a_stronger", h_b - h_a, np.where(rel == "b_stronger", h_a - h_b, -1.0))
    same_fact = True
    if "cluster_id" in by_id:
        cluster = by_id["cluster_id"].fillna("")
        same_fact = pairs["claim_a"].map(cluster).to_numpy() == pairs["claim_b"].map(cluster).to_numpy()
    return pd.Series((gap >= config.hedge_gap) & same_fact, index=pairs.index)


def _finding_id(kind: str, claim_ids: list[str], extra: str = "") -> str:
    return "f" + hashlib.sha1(f"{kind}|{'|'.join(sorted(claim_ids))}|{extra}".encode()).hexdigest()[:12]


def _claim_refs(claims: dict[str, dict], ids: list[str]) -> list[dict]:
    """Evidence references for ``ids`` from ``claims`` records keyed by claim_id (see findings_frame)."""
    return [
        {
            "claim_id": cid,
            "article_id": claims[cid]["article_id"],
            "text": claims[cid]["text"],
            "start": int(claims[cid]["start"]),
            "end": int(claims[cid]["end"]),
        }
        for cid in ids
    ]


def _source(sources: dict[str, str], article_id: str) -> str:
    """The outlet's name from ``sources`` (article_id -> source), else the article id."""
    src = sources.get(article_id, "")
    return str(src) if isinstance(src, str) and src else article_id


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _rule_score(p) -> float:
    """Score of a finding a rule made: contradicted, or at least not entailed, in either direction."""
    return max(p.p_contra_ab, p.p_contra_ba, 1 - min(p.p_entail_ab, p.p_entail_ba))


def pair_findings(
    pairs: pd.DataFrame, claims: pd.DataFrame, articles: pd.DataFrame, config: RelationConfig | None = None
) -> list[dict]:
    """Findings from labelled pairs: contradictions, stronger claims and detail mismatches.

    Detail mismatches are checked on every scored pair, whatever NLI said, and merged into one
    finding per (kind, differing values) so a misspelling repeated in six sentences is one row.
    A pair whose names, figures or dates differ yields only that detail finding (scored with the
    pair's contradiction probability), not also a generic contradiction or stronger-claim finding.
    """
    config = config or RelationConfig()
    by_id = {r.claim_id: r for r in claims.itertuples(index=False)}  # plain lookups: pandas .loc is slow
    arts = articles.set_index("article_id")["source"].to_dict()
    findings: list[dict] = []
    merged: dict[tuple, dict] = {}
    overclaim = overclaims(pairs, claims, config).to_numpy()
    # detail findings: each claim reference says which value it states
    for p, is_overclaim in zip(pairs.itertuples(), overclaim, strict=True):
        a, b = by_id[p.claim_a], by_id[p.claim_b]
        src_a, src_b = _source(arts, p.article_a), _source(arts, p.article_b)
        ids = [p.claim_a, p.claim_b]
        details = (
            []
            if p.relation == "unrelated"
            else diff_details(a.text, b.text, name_similarity=config.entity_similarity)
        )
        if details:
            pass  # a name, figure or date differs: the detail finding below is the specific report
        elif p.relation == "contradiction":
            kind = "intra_article_conflict" if p.article_a == p.article_b else "contradiction"
            where = (
                f"{src_a} contradicts itself"
                if kind != "contradiction"
                else f"{src_a} and {src_b} contradict each other"
            )
            # found by the opposite-verb rule: scored like a detail finding
            by_rule = bool(p.opposed) and config.opposite_verbs
            score = _rule_score(p) if by_rule else max(p.p_contra_ab, p.p_contra_ba)
            why = f" (opposite verbs: {p.opposed})" if by_rule else ""
            findings.append(
                {
                    "kind": kind,
                    "score": float(score),
                    "cluster_id": a.cluster_id,
                    "explanation": f"{where}: {_quote(a.text)} vs {_quote(b.text)}{why}.",
                    "ids": ids,
                }
            )
        elif is_overclaim and p.article_a != p.article_b:
            strong, weak = (a, b) if p.relation == "a_stronger" else (b, a)
            s_src, w_src = (src_a, src_b) if p.relation == "a_stronger" else (src_b, src_a)
            e_sw, e_ws = (
                (p.p_entail_ab, p.p_entail_ba)
                if p.relation == "a_stronger"
                else (p.p_entail_ba, p.p_entail_ab)
            )
            hedge = f" ({w_src} hedges: {weak.hedges})" if weak.hedges else ""
            findings.append(
                {
                    "kind": "stronger_claim",
                    "score": float(e_sw - e_ws),
                    "cluster_id": a.cluster_id,
                    "ids": [strong.claim_id, weak.claim_id],
                    "explanation": f"{s_src} states more than {w_src} supports: {_quote(strong.text)} implies "
                    f"{_quote(weak.text)}, but not the reverse{hedge}.",
                }
            )
        for kind, value_a, value_b in details:
            key = (kind, _difference(value_a, value_b))  # one finding per difference, across clusters
            entry = merged.setdefault(
                key,
                {
                    "kind": kind,
                    "cluster_id": a.cluster_id,
                    "ids": [],
                    "sources": {},
                    "values": {},
                    "score": float(_rule_score(p)),
                },
            )
            entry["ids"] += [i for i in ids if i not in entry["ids"]]
            shown = _shown if kind == "entity_mismatch" else (lambda v, _: v)
            for cid, value, src in (
                (p.claim_a, shown(value_a, key[1]), src_a),
                (p.claim_b, shown(value_b, key[1]), src_b),
            ):
                entry["sources"].setdefault(value, set()).add(src)
                entry["values"].setdefault(cid, value)
    for entry in merged.values():
        said = "; ".join(
            f"{_join(s)} {'say' if len(s) > 1 else 'says'} “{v}”"
            for v, s in sorted(entry.pop("sources").items())
        )
        entry["explanation"] = f"Claims about one fact disagree ({_DETAIL_WORDS[entry['kind']]}): {said}."
        findings.append(entry)
    return findings


def _difference(value_a: str, value_b: str) -> frozenset:
    """What two differing values disagree on: "Steve Witkof"/"Steve Witkoff" -> {witkof, witkoff}."""
    a, b = set(value_a.lower().split()), set(value_b.lower().split())
    return frozenset(a ^ b) or frozenset({value_a, value_b})


def _shown(value: str, difference: frozenset) -> str:
    """The part of a value that differs ("Steve Witkof" -> "Witkof"), so variants read as one."""
    return " ".join(w for w in value.split() if w.lower() in difference) or value


def _join(names: set[str]) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def claim_status(
    claims: pd.DataFrame, pairs: pd.DataFrame, config: RelationConfig | None = None
) -> pd.DataFrame:
    """Add status and n_sources to claims.

    n_sources counts other articles with a claim that is equivalent to this one or stronger than it
    (so it supports it). Status, first match wins: contradicted (in a cross-article contradiction),
    contested (another outlet's claim is weaker and more hedged, see overclaims; or a name, number
    or date differs), corroborated (n_sources >= 1), single_source.
    """
    out = claims.copy()
    cross = pairs[pairs["article_a"] != pairs["article_b"]]
    rel = cross["relation"]
    contradicted = set(cross.loc[rel == "contradiction", ["claim_a", "claim_b"]].to_numpy().ravel())
    over = overclaims(cross, claims, config)
    contested = set(cross.loc[over & (rel == "a_stronger"), "claim_a"]) | set(
        cross.loc[over & (rel == "b_stronger"), "claim_b"]
    )
    supports = pd.concat(
        [
            cross.loc[rel.isin(["equivalent", "b_stronger"]), ["claim_a", "article_b"]].set_axis(
                ["claim", "by"], axis=1
            ),
            cross.loc[rel.isin(["equivalent", "a_stronger"]), ["claim_b", "article_a"]].set_axis(
                ["claim", "by"], axis=1
            ),
        ]
    )
    n_sources = supports.drop_duplicates().groupby("claim").size()
    out["n_sources"] = out["claim_id"].map(n_sources).fillna(0).astype(int)
    out["status"] = np.select(
        [out["claim_id"].isin(contradicted), out["claim_id"].isin(contested), out["n_sources"] > 0],
        ["contradicted", "contested", "corroborated"],
        default="single_source",
    )
    return out


def mark_detail_conflicts(claims: pd.DataFrame, findings: list[dict]) -> pd.DataFrame:
    """Claims named in detail-mismatch findings become contested unless already contradicted."""
    ids = {i for f in findings if f["kind"] in _DETAIL_WORDS for i in f["ids"]}
    out = claims.copy()
    hit = out["claim_id"].isin(ids) & (out["status"] != "contradicted")
    out.loc[hit, "status"] = "contested"
    return out


def article_scores(articles: pd.DataFrame, claims: pd.DataFrame, residue: pd.DataFrame) -> pd.DataFrame:
    """Add ARTICLE_SCORES columns: status counts and consistency per article."""
    out = articles.copy()
    counts = claims.groupby(["article_id", "status"]).size().unstack(fill_value=0)
    for status in ("corroborated", "contested", "contradicted", "single_source"):
        col = counts[status] if status in counts else pd.Series(dtype=int)
        out[f"n_{status}"] = out["article_id"].map(col).fillna(0).astype(int)
    out["n_claims"] = out["article_id"].map(claims.groupby("article_id").size()).fillna(0).astype(int)
    out["n_residue"] = out["article_id"].map(residue.groupby("article_id").size()).fillna(0).astype(int)
    judged = out["n_corroborated"] + out["n_contested"] + out["n_contradicted"]
    out["consistency"] = (out["n_corroborated"] / judged.where(judged > 0)).astype(float)
    return out[[c for c in out.columns if c not in ARTICLE_SCORES] + ARTICLE_SCORES]


def other_findings(
    claims: pd.DataFrame,
    residue: pd.DataFrame,
    articles: pd.DataFrame,
    pairs: pd.DataFrame,
    config: RelationConfig | None = None,
) -> list[dict]:
    """Generated-text residue (one finding per article and pattern) and single-source claims.

    A claim is reported as single-source when nothing from another outlet supports it (status
    single_source) and no other outlet's claim comes close to it (cosine < single_source_similarity):
    clusters alone are too coarse for this, since one story's facts sit at similarities of 0.6-0.7.
    """
    config = config or RelationConfig()
    arts = articles.set_index("article_id")["source"].to_dict()
    findings = []
    for (article_id, pattern), spans in residue.groupby(["article_id", "pattern"], sort=True):
        quoted = ", ".join(_quote(t, 60) for t in spans["text"].drop_duplicates().head(3))
        findings.append(
            {
                "kind": "generated_residue",
                "score": 1.0,
                "cluster_id": "",
                "explanation": f"{_source(arts, article_id)} contains generated-text residue ({pattern}): {quoted}.",
                "refs": [
                    {
                        "claim_id": "",
                        "article_id": article_id,
                        "text": r.text,
                        "start": int(r.start),
                        "end": int(r.end),
                    }
                    for r in spans.itertuples()
                ],
            }
        )
    if articles["article_id"].nunique() < 2:
        return findings
    cross = pairs[pairs["article_a"] != pairs["article_b"]]
    closest = pd.concat(
        [
            cross[["claim_a", "similarity"]].set_axis(["claim", "similarity"], axis=1),
            cross[["claim_b", "similarity"]].set_axis(["claim", "similarity"], axis=1),
        ]
    )
    closest = closest.groupby("claim")["similarity"].max()
    alone = claims[
        (claims["status"] == "single_source")
        & (claims["claim_id"].map(closest).fillna(0.0) < config.single_source_similarity)
    ]
    for row in alone.sort_values("claim_id").itertuples():
        findings.append(
            {
                "kind": "single_source",
                "score": float(0.5 * (1 - row.hedge_score)),
                "cluster_id": row.cluster_id,
                "explanation": f"Only {_source(arts, row.article_id)} reports this: {_quote(row.text)}.",
                "ids": [row.claim_id],
            }
        )
    return findings


def findings_frame(findings: list[dict], claims: pd.DataFrame) -> pd.DataFrame:
    """Turn finding dicts (with claim ``ids`` or ready ``refs``) into the FINDINGS frame, sorted."""
    if not findings:
        return empty_frame(FINDINGS)
    # plain dicts: row lookups through pandas cost more than everything else here
    by_id = claims.set_index("claim_id")[["article_id", "text", "start", "end"]].to_dict("index")
    rows = []
    for f in findings:
        refs = f.get("refs") or _claim_refs(by_id, f["ids"])
        for ref in refs:
            if ref["claim_id"] in f.get("values", {}):
                ref["value"] = f["values"][ref["claim_id"]]
        extra = "|".join(f"{r['article_id']}:{r['start']}" for r in refs)
        rows.append(
            {
                "finding_id": _finding_id(f["kind"], [r["claim_id"] for r in refs], extra),
                "kind": f["kind"],
                "score": round(float(f["score"]), 4),
                "cluster_id": f["cluster_id"],
                "explanation": f["explanation"],
                "claims": refs,
                "slot": f.get("slot", ""),
                "why": f.get("why", ""),
            }
        )
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    frame = pd.DataFrame(rows, columns=FINDINGS).drop_duplicates("finding_id")
    frame = frame.assign(_k=frame["kind"].map(order)).sort_values(
        ["_k", "score", "finding_id"], ascending=[True, False, True]
    )
    return frame.drop(columns="_k").reset_index(drop=True)


def conclude(
    articles: pd.DataFrame,
    claims: pd.DataFrame,
    pairs: pd.DataFrame,
    residue: pd.DataFrame,
    config: RelationConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scored pairs -> (articles with scores, claims with status, labelled pairs, findings).

    The one sequence both the batch checker and the nightly job run, so they cannot drift apart.
    """
    labelled = label_relations(pairs, config)[PAIRS]
    found = pair_findings(labelled, claims, articles, config)
    claims = mark_detail_conflicts(claim_status(claims, labelled, config), found)
    found += other_findings(claims, residue, articles, labelled, config)
    return article_scores(articles, claims, residue), claims, labelled, findings_frame(found, claims)
