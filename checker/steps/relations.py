"""Scores -> relation labels, claim status and article scores: numbers only (no English here).

No models: everything works on the frames of checker.schemas, so a notebook can re-label a stored run
with other thresholds without scoring again. The findings and their explanations are built from these
numbers in checker.steps.findings; ``conclude`` runs both in order.

Example:
    >>> import pandas as pd
    >>> from checker.config import RelationConfig
    >>> p = pd.DataFrame({"p_entail_ab": [0.9], "p_entail_ba": [0.1], "p_contra_ab": [0.0],
    ...                   "p_contra_ba": [0.1], "similarity": [0.8]})
    >>> label_relations(p, RelationConfig())["relation"].tolist()
    ['a_stronger']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from checker.config import RelationConfig
from checker.rules.copies import extends, near_copy, plain
from checker.rules.hedges import EPISTEMIC, without_hedges
from checker.rules.opposites import negation_gap
from checker.rules.residue import FURNITURE
from checker.schemas import ARTICLE_SCORES, CLAIM_STATUSES, PAIRS
from checker.steps import findings as findings_step
from checker.steps.pairs import content_stems


def label_relations(pairs: pd.DataFrame, config: RelationConfig | None = None,
                    claims: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Add ``relation`` to scored pairs (see RelationConfig for the rules, applied in order).

    With ``claims`` (claim_id, text, hedge_score), more rules apply: near-copies (the same text but for
    format) are ``equivalent``; a copy with a word or two added (checker.rules.copies.extends) is the
    stronger of the two; a flat claim against its hedged version (the same words once hedge cues
    are removed) is never a contradiction: its one-way relation stands; and with
    ``contra_needs_negation`` an NLI-made contradiction needs one claim to deny or reverse what the other
    says (checker.rules.opposites.negation_gap) and the two to share ``contra_shared_words`` content
    words.

    Two rules on the claims' predicate frames (``opposed``, ``stronger``: checker.steps.score.pair_rules)
    decide before NLI does: opposite verbs for one actor and thing are a contradiction (unless NLI finds
    both directions entailed at ``same_fact_threshold``: a frame rule is surer than a middling NLI
    score), and one stance stated outright against its weaker form ("agreed to" vs "did not object
    to") is a one-way relation, whatever NLI makes of the pair.
    """
    config = config or RelationConfig()
    out = pairs.copy()
    out["opposed"] = out["opposed"].fillna("").astype(str) if "opposed" in out else ""
    e_ab, e_ba = out["p_entail_ab"].to_numpy(), out["p_entail_ba"].to_numpy()
    c_ab, c_ba = out["p_contra_ab"].to_numpy(), out["p_contra_ba"].to_numpy()
    t, m, same = config.entail_threshold, config.strength_margin, config.same_fact_threshold
    if config.contra_combine == "one_way":
        # a small model often sees a contradiction in one direction only; the other must not entail
        contra = (np.maximum(c_ab, c_ba) >= config.contra_threshold) & (np.maximum(e_ab, e_ba) < t)
    else:
        both = np.stack([c_ab, c_ba], axis=1)
        combined = both.max(axis=1) if config.contra_combine == "max" else both.mean(axis=1)
        contra = combined >= config.contra_threshold
    copies = hedged = grown_a = grown_b = np.zeros(len(out), dtype=bool)
    negated = np.ones(len(out), dtype=bool)
    h_a = h_b = np.zeros(len(out))
    if claims is not None and len(out):
        by_id = claims.set_index("claim_id")
        a, b = by_id["text"].loc[out["claim_a"]].to_numpy(), by_id["text"].loc[out["claim_b"]].to_numpy()
        hedge = by_id["hedge_score"].astype(float)
        h_a, h_b = hedge.loc[out["claim_a"]].to_numpy(), hedge.loc[out["claim_b"]].to_numpy()
        copies = np.array([near_copy(x, y) for x, y in zip(a, b, strict=True)], dtype=bool)
        # a copy with a word or two added states more; a denial among the added words is no copy
        grown_a = np.array([extends(x, y) and not negation_gap(x, y) for x, y in zip(a, b, strict=True)], dtype=bool)
        grown_b = np.array([extends(y, x) and not negation_gap(x, y) for x, y in zip(a, b, strict=True)], dtype=bool)
        if config.contra_needs_negation:
            negated = np.array(
                [negation_gap(x, y) and _shared_words(x, y) >= config.contra_shared_words
                 for x, y in zip(a, b, strict=True)], dtype=bool,
            )  # fmt: skip
        hedged = (np.abs(h_a - h_b) >= config.hedge_gap) & np.array(
            [plain(without_hedges(x)) == plain(without_hedges(y)) for x, y in zip(a, b, strict=True)],
            dtype=bool,
        )
    opposed = out["opposed"].ne("").to_numpy() & config.opposite_verbs
    stronger = np.full(len(out), "", dtype=object)
    if "stronger" in out and config.assertion_strength:
        stronger = out["stronger"].fillna("").astype(str).to_numpy()
    out["relation"] = np.select(
        [
            copies,
            hedged & (h_a < h_b),  # a is the flat claim: it states more than its hedged version
            hedged & (h_b < h_a),
            grown_a,  # a is b with a word or two added
            grown_b,
            opposed & ~((e_ab >= same) & (e_ba >= same)),
            np.char.startswith(stronger.astype(str), "a:"),
            np.char.startswith(stronger.astype(str), "b:"),
            contra & negated,
            (e_ab >= t) & (e_ba >= t),
            (e_ab >= t) & (e_ab - e_ba >= m),
            (e_ba >= t) & (e_ba - e_ab >= m),
            out["similarity"].to_numpy() >= config.related_similarity,
        ],
        [
            "equivalent",
            "a_stronger",
            "b_stronger",
            "a_stronger",
            "b_stronger",
            "contradiction",
            "a_stronger",
            "b_stronger",
            "contradiction",
            "equivalent",
            "a_stronger",
            "b_stronger",
            "related",
        ],  # fmt: skip
        default="unrelated",
    )
    return out


_FUTURE = re.compile(r"\b(?:will|shall|going to)\b|['’]ll\b", re.IGNORECASE)


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

    A pair the assertion-strength rule relates (``stronger``, from the claims' predicate frames) is an
    overclaim whatever its hedges and clusters: the frames already show one actor's stance on one thing
    stated outright in one claim and only in a weaker form in the other.
    """
    config = config or RelationConfig()
    by_id = claims.set_index("claim_id")
    hedge = by_id["hedge_score"].astype(float)
    h_a = pairs["claim_a"].map(hedge).fillna(0.0).to_numpy()
    h_b = pairs["claim_b"].map(hedge).fillna(0.0).to_numpy()
    rel = pairs["relation"].to_numpy()
    gap = np.where(rel == "a_stronger", h_b - h_a, np.where(rel == "b_stronger", h_a - h_b, -1.0))
    # A prediction cannot overclaim what has not happened: claims about the future are left out.
    future = (
        by_id["text"].map(lambda t: bool(_FUTURE.search(t))) if "text" in by_id else pd.Series(dtype=bool)
    )
    f_a = pairs["claim_a"].map(future).fillna(False).to_numpy(dtype=bool)
    f_b = pairs["claim_b"].map(future).fillna(False).to_numpy(dtype=bool)
    same_fact = ~(f_a | f_b)
    # A weaker claim hedged only by "reportedly", "apparently"... is the same statement told with less
    # warranty only when the two say nearly the same words; otherwise NLI's one-way entailment is between
    # two different statements ("four bombs fell, two inside the camp" vs "at least four were reportedly
    # dropped": false alarms on the real-news benchmark). Other hedges need the same words or an
    # entailment NLI is sure of (overclaim_threshold).
    if "hedges" in by_id and "text" in by_id:
        weak = np.where(rel == "a_stronger", pairs["claim_b"], pairs["claim_a"])
        strong = np.where(rel == "a_stronger", pairs["claim_a"], pairs["claim_b"])
        cues = by_id["hedges"].fillna("").map(lambda h: {c for c in h.split("; ") if c})
        text = by_id["text"]
        epistemic_only = np.array([bool(cues.get(w)) and cues.get(w) <= EPISTEMIC for w in weak], dtype=bool)
        close = np.array([_overlap(text.get(s, ""), text.get(w, "")) >= 0.6 for s, w in zip(strong, weak, strict=True)],
                         dtype=bool)  # fmt: skip
        entail = np.where(rel == "a_stronger", pairs["p_entail_ab"], pairs["p_entail_ba"]).astype(float)
        same_fact &= close | (~epistemic_only & (entail >= config.overclaim_threshold))
    if "cluster_id" in by_id:
        cluster = by_id["cluster_id"].fillna("")
        same_fact &= pairs["claim_a"].map(cluster).to_numpy() == pairs["claim_b"].map(cluster).to_numpy()
    by_rule = False
    if "stronger" in pairs and config.assertion_strength:
        by_rule = pairs["stronger"].fillna("").astype(str).ne("").to_numpy()
    by_rule = by_rule & np.isin(rel, ["a_stronger", "b_stronger"])
    return pd.Series(((gap >= config.hedge_gap) & same_fact) | by_rule, index=pairs.index)


def _shared_words(a: str, b: str) -> int:
    """How many content words (crude stems, checker.steps.pairs.content_stems) two claims share."""
    return len(set(content_stems(a)) & set(content_stems(b)))


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the content words of two claims, hedge cues left out."""
    wa, wb = set(plain(without_hedges(a)).split()), set(plain(without_hedges(b)).split())
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def claim_status(claims: pd.DataFrame, pairs: pd.DataFrame, config: RelationConfig | None = None,
                 disputed: set[str] | None = None, contradicted: set[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Add status and n_sources to claims.

    n_sources counts other articles with a claim that is equivalent to this one or stronger than it
    (so it supports it); n_copies counts those of them that print the same words (shared wire copy:
    a corroboration that is not independent). Status, first match wins: contradicted (a claim of a
    contradiction or intra-article conflict finding, ``contradicted``; without it, of a cross-article
    pair labelled contradiction), contested (another outlet's claim is weaker and more hedged, see
    overclaims; or a claim of a detail finding, ``disputed``), corroborated (n_sources >= 1),
    single_source. Given the findings' claims, a claim's status agrees with the findings the report shows.
    """
    out = claims.copy()
    cross = pairs[pairs["article_a"] != pairs["article_b"]]
    rel = cross["relation"]
    if contradicted is None:
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
    # Outlets printing the same words (syndicated wire copy) corroborate, but not independently.
    text = claims.set_index("claim_id")["text"]
    same = cross[np.array([near_copy(text[x], text[y]) for x, y in zip(cross["claim_a"], cross["claim_b"], strict=True)],
                          dtype=bool)]  # fmt: skip
    copies = pd.concat([same[["claim_a", "article_b"]].set_axis(["claim", "by"], axis=1),
                        same[["claim_b", "article_a"]].set_axis(["claim", "by"], axis=1)])  # fmt: skip
    out["n_copies"] = (
        out["claim_id"].map(copies.drop_duplicates().groupby("claim").size()).fillna(0).astype(int)
    )
    out["status"] = np.select(
        [
            out["claim_id"].isin(contradicted),
            out["claim_id"].isin(contested | (disputed or set())),
            out["n_sources"] > 0,
        ],
        list(CLAIM_STATUSES[:3]),
        default=CLAIM_STATUSES[3],
    )
    return out


def article_scores(articles: pd.DataFrame, claims: pd.DataFrame, residue: pd.DataFrame) -> pd.DataFrame:
    """Add ARTICLE_SCORES columns: status counts and consistency per article."""
    out = articles.copy()
    counts = claims.groupby(["article_id", "status"]).size().unstack(fill_value=0)
    for status in CLAIM_STATUSES:
        col = counts[status] if status in counts else pd.Series(dtype=int)
        out[f"n_{status}"] = out["article_id"].map(col).fillna(0).astype(int)
    out["n_claims"] = out["article_id"].map(claims.groupby("article_id").size()).fillna(0).astype(int)
    generated = residue[~residue["pattern"].isin(FURNITURE)]  # a time stamp is furniture, not generated text
    out["n_residue"] = out["article_id"].map(generated.groupby("article_id").size()).fillna(0).astype(int)
    judged = out["n_corroborated"] + out["n_contested"] + out["n_contradicted"]
    out["consistency"] = (out["n_corroborated"] / judged.where(judged > 0)).astype(float)
    return out[[c for c in out.columns if c not in ARTICLE_SCORES] + ARTICLE_SCORES]


def conclude(
    articles: pd.DataFrame,
    claims: pd.DataFrame,
    pairs: pd.DataFrame,
    residue: pd.DataFrame,
    config: RelationConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scored pairs -> (articles with scores, claims with status, labelled pairs, findings).

    The one sequence both the batch checker and the nightly job run (through checker.run), so they
    cannot drift apart.
    """
    config = config or RelationConfig()
    labelled = label_relations(pairs, config, claims)
    found = findings_step.pair_findings(labelled, claims, articles, config)
    disputed = {i for f in found if f["kind"] in findings_step.DETAIL_KINDS for i in f["ids"]}
    conflicts = {i for f in found if f["kind"] in ("contradiction", "intra_article_conflict") for i in f["ids"]}
    claims = claim_status(claims, labelled, config, disputed, conflicts)
    found += findings_step.residue_findings(residue, articles)
    keep = [c for c in PAIRS if c in labelled] + [c for c in labelled if c not in PAIRS]
    return (
        article_scores(articles, claims, residue),
        claims,
        labelled[keep],
        findings_step.frame(found, claims),
    )
