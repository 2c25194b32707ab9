"""Labelled pairs -> findings: one row per disputed fact, with its slot, values, evidence and explanation.

The one home of finding rows and their English. Numbers come from checker.steps.relations (relation
labels, overclaims) and from the pair step's detail checks (``pairs.details``); here they become:

- ``contradiction`` / ``intra_article_conflict``: pairs labelled contradiction, grouped per pair of
  clusters (one disputed fact, however many outlets take each side);
- ``stronger_claim``: one outlet states more than another supports (relations.overclaims);
- ``entity_mismatch`` / ``place_mismatch`` / ``number_mismatch`` / ``date_mismatch``: a detail check
  that passed: the two claims say the same thing once one value replaces the other (NLI, both
  directions, ``RelationConfig.same_fact_threshold``), so the values fill the same slot of the same fact;
  grouped per (kind, slot, values), so a misspelling repeated in six sentences is one finding;
- ``generated_residue``: placeholder citations and assistant boilerplate, per article and pattern.

A finding's id is the disputed fact (kind and the clusters or values in dispute), not its set of
outlets: an outlet joining a dispute updates the finding instead of replacing it.

Example:
    >>> frame([], pd.DataFrame(columns=["claim_id", "article_id", "text", "start", "end"])).empty
    True
"""

from __future__ import annotations

import hashlib

import pandas as pd

from checker.config import RelationConfig
from checker.rules.details import decided_by_rule
from checker.rules.residue import FURNITURE
from checker.schemas import FINDING_KINDS, FINDINGS, empty_frame

DETAIL_KINDS = ("entity_mismatch", "place_mismatch", "number_mismatch", "date_mismatch")
_DETAIL_WORDS = {
    "entity_mismatch": "names differ",
    "place_mismatch": "places differ",
    "number_mismatch": "figures differ",
    "date_mismatch": "dates differ",
}


def pair_findings(
    pairs: pd.DataFrame, claims: pd.DataFrame, articles: pd.DataFrame, config: RelationConfig | None = None
) -> list[dict]:
    """Findings of labelled pairs (see the module docstring); dicts with kind, score, cluster_id,
    slot, why, explanation and the claim ``ids`` (detail findings also ``values`` per claim)."""
    from checker.steps.relations import overclaims

    config = config or RelationConfig()
    by_id = {r.claim_id: r for r in claims.itertuples(index=False)}  # plain lookups: pandas .loc is slow
    arts = articles.set_index("article_id")["source"].to_dict()
    grouped: dict[tuple, dict] = {}
    over = overclaims(pairs, claims, config).to_numpy() if len(pairs) else []
    for p, is_overclaim in zip(pairs.itertuples(), over, strict=True):
        a, b = by_id[p.claim_a], by_id[p.claim_b]
        # A headline is telegraphic ("British Climber Killed In Fall"): NLI reads too much into it, so a
        # finding on a title claim needs a rule's evidence (frames, spelling, parse), never NLI alone.
        headline = "title" in (getattr(a, "part", "body"), getattr(b, "part", "body"))
        details = getattr(p, "details", None)
        checks = (
            [d for d in details if _same_fact(d, config, by_rule=headline)]
            if isinstance(details, list)
            else []
        )
        if checks and p.relation != "equivalent":
            for d in checks:
                _add_detail(grouped, d, p, a, b, arts)
        elif p.relation == "contradiction" and (not headline or _by_rule(p, config)):
            _add_contradiction(grouped, p, a, b, arts, config)
        elif is_overclaim and p.article_a != p.article_b and (not headline or getattr(p, "stronger", "")):
            _add_stronger(grouped, p, a, b, arts)
    out = []
    for entry in _merged(list(grouped.values())):
        if entry["kind"] in DETAIL_KINDS:
            entry.pop("shown")
            said = "; ".join(
                f"{_join(s)} {'say' if len(s) > 1 else 'says'} “{v}”"
                for v, s in sorted(entry.pop("sources").items())
            )
            words = "times differ" if entry["slot"] == "time of day" else _DETAIL_WORDS[entry["kind"]]
            entry["explanation"] = f"Claims about one fact disagree ({words}): {said}."
        out.append(entry)
    return out


def _merged(entries: list[dict]) -> list[dict]:
    """Findings of one disputed fact that share a claim, merged into one card.

    Detail findings of one kind and slot: "150 m" against "about 60 m" in one outlet and against
    "200 ft" in another (the same fall, the figure written in two units) is one card with every
    outlet's figure listed. Stronger claims of one outlet: its headline and its body overstating the
    same weaker claims are one card. The best-scored entry gives the score and the evidence.
    """
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple, int] = {}
    for i, entry in enumerate(entries):
        group = (
            (entry["kind"], entry["slot"])
            if entry["kind"] in DETAIL_KINDS
            else (entry["kind"], entry.get("by"))
        )
        if entry["kind"] not in DETAIL_KINDS and "by" not in entry:
            continue
        for claim_id in entry["ids"]:
            j = owner.setdefault((*group, claim_id), i)
            parent[root(i)] = root(j)
    out: dict[int, dict] = {}
    for i, entry in enumerate(entries):
        into = out.get(root(i))
        if into is None:
            out[root(i)] = entry
            continue
        if entry["score"] > into["score"]:  # the best pair leads: its claims first, its evidence
            into["ids"], entry["ids"] = entry["ids"], into["ids"]
            for field in ("score", "why", "explanation"):
                if field in entry:
                    into[field] = entry[field]
        into["ids"] += [c for c in entry["ids"] if c not in into["ids"]]
        for shown, sources in entry.get("sources", {}).items():
            into["sources"].setdefault(shown, set()).update(sources)
        for claim_id, text in entry.get("values", {}).items():
            into.setdefault("values", {}).setdefault(claim_id, text)
        if "strong" in entry:
            into["strong"] |= entry["strong"]
        into["key"] = min(into["key"], entry["key"])  # the finding id stays put as outlets join
    for entry in out.values():
        entry.pop("by", None)
    return list(out.values())


def _same_fact(check: dict, config: RelationConfig, *, by_rule: bool = False) -> bool:
    """A detail check passed: with one value in place of the other the claims entail each other, or a
    rule of checker.rules.details says the two values fill one slot whatever else differs (spellings
    of one name: misspelt; the same word and named holder: same_slot; figures of one verb in claims
    sharing an age, a person or a day: shared_detail; two venues of one event in one story:
    same_event; two game-clock readings a second or two apart in one story: clock_slip). With
    ``by_rule`` only a rule will do."""
    if decided_by_rule(check):
        return True
    return not by_rule and min(check.get("p_ab", 0.0), check.get("p_ba", 0.0)) >= config.same_fact_threshold


def _add_detail(grouped: dict, d: dict, p, a, b, arts: dict) -> None:
    values = tuple(d.get("difference") or sorted((d["a"]["key"], d["b"]["key"])))
    entry = grouped.setdefault(
        (d["kind"], d["slot"], values),
        {"kind": d["kind"], "cluster_id": a.cluster_id, "slot": d["slot"], "ids": [], "sources": {},
         "values": {}, "shown": {}, "score": 0.0, "key": f"{d['kind']}|{d['slot']}|{'|'.join(values)}"},
    )  # fmt: skip
    score, why = _detail_evidence(d)
    if score >= entry["score"]:
        entry["score"], entry["why"] = score, why
    for claim, value in ((a, d["a"]), (b, d["b"])):
        if claim.claim_id not in entry["ids"]:
            entry["ids"].append(claim.claim_id)
        shown = entry["shown"].setdefault(value["key"], value["text"])  # one spelling per value
        entry["sources"].setdefault(shown, set()).add(_source(arts, claim.article_id))
        entry["values"].setdefault(claim.claim_id, value["text"])


_RULE_SCORE = 0.9  # a finding a rule made (parse, spelling, assertion strength): no probability to report


def _detail_evidence(d: dict) -> tuple[float, str]:
    """Score and one-line evidence of a passed detail check, naming the test that passed it."""
    if d.get("misspelt"):
        names = f"“{d['a']['text']}” / “{d['b']['text']}”"
        return _RULE_SCORE, f"two spellings of one name: {names} differ by a letter or two"
    if d.get("same_slot"):
        return (
            _RULE_SCORE,
            "both values attach to the same word and the same holder (a name or one description)",
        )
    if d.get("same_event"):
        return (
            _RULE_SCORE,
            f"both places are the venue of the {d['same_event']} in articles that tell one story",
        )
    if d.get("swapped"):
        return _RULE_SCORE, "the two claims are the same words but for this name"
    if d.get("clock_slip"):
        return _RULE_SCORE, "one game clock read a second or two apart, in articles that tell one story"
    if d.get("shared"):
        what = "the same place" if d["kind"] == "place_mismatch" else "the same verb"
        return _RULE_SCORE, f"both values attach to {what} in claims that share “{d['shared']}”"
    where = ", on the clauses that state the values" if d.get("tested_on") == "clause" else ""
    return float(min(d["p_ab"], d["p_ba"])), (
        f"same fact once “{d['b']['text']}” is read as “{d['a']['text']}” "
        f"(NLI entailment {d['p_ab']:.2f} / {d['p_ba']:.2f}{where})"
    )


def _add_contradiction(grouped: dict, p, a, b, arts: dict, config: RelationConfig) -> None:
    intra = p.article_a == p.article_b
    kind = "intra_article_conflict" if intra else "contradiction"
    clusters = tuple(sorted((a.cluster_id, b.cluster_id)))
    by_rule = _by_rule(p, config) and max(p.p_contra_ab, p.p_contra_ba) < config.contra_threshold
    score = _rule_score(p) if by_rule else max(p.p_contra_ab, p.p_contra_ba)
    key = (kind, clusters, p.article_a if intra else "")
    entry = grouped.get(key)
    if entry is None or score > entry["score"]:
        src_a, src_b = _source(arts, p.article_a), _source(arts, p.article_b)
        where = f"{src_a} contradicts itself" if intra else f"{src_a} and {src_b} contradict each other"
        why = (f"rule {p.opposed}" if by_rule else
               f"NLI contradiction {p.p_contra_ab:.2f} a→b, {p.p_contra_ba:.2f} b→a; "
               f"entailment {p.p_entail_ab:.2f} / {p.p_entail_ba:.2f}")  # fmt: skip
        ids = (entry["ids"] if entry else []) + [
            i for i in (a.claim_id, b.claim_id) if not entry or i not in entry["ids"]
        ]
        grouped[key] = {"kind": kind, "score": float(score), "cluster_id": a.cluster_id, "slot": "", "why": why,
                        "explanation": f"{where}: {_quote(a.text)} vs {_quote(b.text)}.", "ids": ids,
                        "key": f"{kind}|{'|'.join(clusters)}|{key[2]}"}  # fmt: skip
    else:
        entry["ids"] += [i for i in (a.claim_id, b.claim_id) if i not in entry["ids"]]


def _by_rule(p, config: RelationConfig) -> bool:
    """Whether the opposite-verb rule made this pair's contradiction (pairs.opposed)."""
    return bool(getattr(p, "opposed", "")) and config.opposite_verbs


def _add_stronger(grouped: dict, p, a, b, arts: dict) -> None:
    """A stronger claim and every weaker claim it overstates (one card per strong claim; _merged joins
    an outlet's headline and body saying "agreed to" against the same "did not object to" claims)."""
    strong, weak = (a, b) if p.relation == "a_stronger" else (b, a)
    e_sw, e_ws = (
        (p.p_entail_ab, p.p_entail_ba) if p.relation == "a_stronger" else (p.p_entail_ba, p.p_entail_ab)
    )
    s_src, w_src = _source(arts, strong.article_id), _source(arts, weak.article_id)
    key = ("stronger_claim", strong.cluster_id, strong.claim_id)
    entry = grouped.get(key)
    rule = str(getattr(p, "stronger", "") or "")[3:]  # "a: agreed vs not object (guarantee)"
    score = _RULE_SCORE if rule else float(max(e_sw - e_ws, 0.0))
    if entry is not None and entry["score"] >= score:
        entry["ids"] += [i for i in (strong.claim_id, weak.claim_id) if i not in entry["ids"]]
        entry["strong"].add(strong.claim_id)
        return
    pair = [strong.claim_id, weak.claim_id]
    hedge = f" ({w_src} hedges: {weak.hedges})" if weak.hedges else ""
    grouped[key] = {
        "kind": "stronger_claim", "score": score, "cluster_id": strong.cluster_id, "slot": "", "by": strong.article_id,
        "ids": pair + [i for i in (entry["ids"] if entry else []) if i not in pair],
        "strong": {strong.claim_id} | (entry["strong"] if entry else set()),
        "why": f"rule {rule} (assertion strength)" if rule else
               f"NLI entailment {e_sw:.2f} stronger→weaker, {e_ws:.2f} back; hedged: {weak.hedges or 'no'}",
        "explanation": f"{s_src} states more than {w_src} supports: {_quote(strong.text)} implies "
        f"{_quote(weak.text)}, but not the reverse{hedge}.",
        "key": f"stronger_claim|{strong.claim_id}",
    }  # fmt: skip
    if rule.endswith(" (figure)"):  # checker.rules.details.hedged_figure: "two children vs possibly two …"
        flat, doubted = rule.removesuffix(" (figure)").split(" vs ", 1)
        grouped[key]["explanation"] = (f"{s_src} states “{flat}” as fact where {w_src} has “{doubted}”: "
                                       f"{_quote(strong.text)} against {_quote(weak.text)}.")  # fmt: skip
        grouped[key]["values"] = {strong.claim_id: flat, weak.claim_id: doubted}  # marked on the card


def residue_findings(residue: pd.DataFrame, articles: pd.DataFrame) -> list[dict]:
    """Generated-text residue: one finding per article and pattern (a page's time stamp is recorded in
    the residue table, but it is page furniture, not generated text: no finding)."""
    arts = articles.set_index("article_id")["source"].to_dict()
    found = []
    generated = residue[~residue["pattern"].isin(FURNITURE)]
    for (article_id, pattern), spans in generated.groupby(["article_id", "pattern"], sort=True):
        quoted = ", ".join(_quote(t, 60) for t in spans["text"].drop_duplicates().head(3))
        refs = [{"claim_id": "", "article_id": article_id, "text": r.text, "start": int(r.start), "end": int(r.end)}
                for r in spans.itertuples()]  # fmt: skip
        found.append({
            "kind": "generated_residue", "score": 1.0, "cluster_id": "", "slot": "", "refs": refs,
            "why": f"pattern {pattern}", "key": f"generated_residue|{article_id}|{pattern}",
            "explanation": f"{_source(arts, article_id)} contains generated-text residue ({pattern}): {quoted}.",
        })  # fmt: skip
    return found


def frame(found: list[dict], claims: pd.DataFrame) -> pd.DataFrame:
    """Finding dicts (with claim ``ids`` or ready ``refs``) -> the FINDINGS frame, in reading order."""
    if not found:
        return empty_frame(FINDINGS)
    cols = ["article_id", "text", "start", "end"] + (["part"] if "part" in claims else [])
    by_id = claims.set_index("claim_id")[cols].to_dict("index")
    rows = []
    for f in found:
        refs = f.get("refs") or [
            {"claim_id": cid, "article_id": by_id[cid]["article_id"], "text": by_id[cid]["text"],
             "start": int(by_id[cid]["start"]), "end": int(by_id[cid]["end"]),
             **({"part": "title"} if by_id[cid].get("part") == "title" else {})}
            for cid in f["ids"]
        ]  # fmt: skip
        for ref in refs:
            if ref["claim_id"] in f.get("values", {}):
                ref["value"] = f["values"][ref["claim_id"]]
            if "strong" in f:  # a stronger_claim: which claims state more, which less
                ref["side"] = "stronger" if ref["claim_id"] in f["strong"] else "weaker"
        rows.append({
            "finding_id": "f" + hashlib.sha1(f["key"].encode()).hexdigest()[:12],
            "kind": f["kind"], "score": round(float(f["score"]), 4), "cluster_id": f["cluster_id"],
            "explanation": f["explanation"], "claims": refs, "slot": f.get("slot", ""), "why": f.get("why", ""),
        })  # fmt: skip
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    out = pd.DataFrame(rows, columns=FINDINGS).drop_duplicates("finding_id")
    out = out.assign(_k=out["kind"].map(order)).sort_values(
        ["_k", "score", "finding_id"], ascending=[True, False, True]
    )
    return out.drop(columns="_k").reset_index(drop=True)


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


def _join(names: set[str]) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
