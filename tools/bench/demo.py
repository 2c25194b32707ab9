"""Compare a checker run on a demo corpus with the corpus's expected.json (the team's answer key).

Used by tests/test_e2e.py and tools/bench/quality.py. Rules (also in expected.json's description):
a finding entry is matched by a finding of that kind (a single_source entry by a claim of that
status in one of ``articles``) whose claims come from every outlet in
``articles`` and from at least one in ``partners``, with every ``must_contain`` substring in one of
its claims; an agreeing pair must never be related as a contradiction nor stand on opposite sides of a
contradiction or detail-mismatch finding (claims of a detail finding carry the ``value`` they state).

    python -m tools.bench.demo out/                             # `checker check data/demo --out out/`
    python -m tools.bench.demo out/ --corpus data/demo-web      # scored against data/demo-web/expected.json

Each corpus keeps its answer key beside its articles (``<corpus>/expected.json``); data/demo is the
default so that existing callers keep working.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from checker.schemas import CONFLICT_KINDS as _KINDS
from checker.steps.findings import DETAIL_KINDS

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
EXPECTED = DEMO / "expected.json"
CONFLICT_KINDS = set(_KINDS) - {"stronger_claim"}


def _sources(finding: dict, source_of: dict[str, str]) -> set[str]:
    return {source_of.get(c["article_id"], c["article_id"]) for c in finding["claims"]}


def _matches(entry: dict, finding: dict, source_of: dict[str, str]) -> bool:
    if finding["kind"] != entry["kind"]:
        return False
    sources = _sources(finding, source_of)
    if not set(entry["articles"]) <= sources:
        return False
    if entry.get("partners") and not set(entry["partners"]) & sources:
        return False
    texts = [c["text"] for c in finding["claims"]]
    return all(any(s in t for t in texts) for s in entry.get("must_contain", []))


def _single_source(entry: dict, claims: pd.DataFrame, source_of: dict[str, str]) -> bool:
    alone = claims[claims["status"] == "single_source"]
    return any(
        source_of.get(c.article_id, c.article_id) in entry["articles"]
        and all(s in c.text for s in entry.get("must_contain", []))
        for c in alone.itertuples()
    )


def compare(
    findings: list[dict],
    claims: pd.DataFrame,
    pairs: pd.DataFrame,
    articles: pd.DataFrame,
    expected_path: Path = EXPECTED,
) -> dict:
    """Return found / missed expectations, spurious findings and broken agreements."""
    expected = json.loads(Path(expected_path).read_text())
    source_of = dict(zip(articles["article_id"], articles["source"], strict=True))
    allowed = expected["findings"] + expected.get("may_also_find", [])
    found, missed = [], []
    for entry in expected["findings"]:
        if entry["kind"] == "single_source":  # a claim status, not a finding: one outlet's claim alone
            hit = _single_source(entry, claims, source_of)
        else:
            hit = next((f for f in findings if _matches(entry, f, source_of)), None)
        (found if hit else missed).append(entry)
    spurious = [
        f
        for f in findings
        if f["kind"] in CONFLICT_KINDS | {"stronger_claim"}
        and not any(_matches({**e, "must_contain": []}, f, source_of) for e in allowed)
    ]
    broken = []
    contra = pairs[pairs["relation"] == "contradiction"]
    contra_pairs = set(zip(contra["claim_a"], contra["claim_b"], strict=True)) | set(
        zip(contra["claim_b"], contra["claim_a"], strict=True)
    )
    for sub_a, sub_b in expected.get("agreeing_pairs", []):
        ids_a = set(claims.loc[claims["text"].str.contains(sub_a, regex=False), "claim_id"])
        ids_b = set(claims.loc[claims["text"].str.contains(sub_b, regex=False), "claim_id"])
        if not ids_a or not ids_b:
            broken.append({"pair": [sub_a, sub_b], "why": "a claim of the pair was not extracted"})
            continue
        if any((a, b) in contra_pairs for a in ids_a for b in ids_b):
            broken.append({"pair": [sub_a, sub_b], "why": "called a contradiction"})
        for f in findings:
            if f["kind"] not in CONFLICT_KINDS:
                continue
            if f["kind"] in DETAIL_KINDS or "side" in f["claims"][0]:
                # detail findings list each claim with the value it states, stronger claims their side
                sides = {c["claim_id"]: c.get("value") or c.get("side") for c in f["claims"]}
                both = [(a, b) for a in ids_a & sides.keys() for b in ids_b & sides.keys()]
                opposite = any(sides[a] != sides[b] for a, b in both)
            else:  # a contradiction's claims take sides by which of them the pairs call contradictions
                camps = _camps([c["claim_id"] for c in f["claims"]], contra_pairs)
                opposite = any(
                    camps[a][0] == camps[b][0] and camps[a][1] != camps[b][1]
                    for a in ids_a & camps.keys()
                    for b in ids_b & camps.keys()
                )
            if opposite:
                broken.append({"pair": [sub_a, sub_b], "why": f"on opposite sides of a {f['kind']} finding"})
    texts = " ".join(articles["text"])
    leftover = [s for s in expected.get("boilerplate_removed", []) if s in texts]
    kept = [
        s for s in expected.get("dropped_sentences", []) if claims["text"].str.contains(s, regex=False).any()
    ]
    return {
        "found": found,
        "missed": missed,
        "spurious": spurious,
        "broken_agreements": broken,
        "boilerplate_left": leftover,
        "dropped_but_kept": kept,
    }


def _camps(ids: list[str], contra_pairs: set[tuple[str, str]]) -> dict[str, tuple[str, int]]:
    """Side of each claim of a contradiction card as (group, 0 or 1): claims the pairs call
    contradictions are on opposite sides of their connected group (a 2-colouring)."""
    side: dict[str, tuple[str, int]] = {}
    for start in ids:
        if start in side:
            continue
        side[start], todo = (start, 0), [start]
        while todo:
            x = todo.pop()
            for y in ids:
                if y not in side and (x, y) in contra_pairs:
                    side[y] = (start, 1 - side[x][1])
                    todo.append(y)
    return side


def compare_folder(out: Path, expected_path: Path = EXPECTED) -> dict:
    """compare() on the files `checker check` wrote to a folder, against ``expected_path``."""
    out = Path(out)
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines() if line]
    return compare(
        findings,
        pd.read_csv(out / "claims.csv"),
        pd.read_csv(out / "pairs.csv"),
        pd.read_csv(out / "articles.csv", keep_default_na=False),
        expected_path,
    )


def summary(result: dict) -> str:
    lines = [
        f"expected findings found: {len(result['found'])} / {len(result['found']) + len(result['missed'])}",
        f"spurious conflict findings: {len(result['spurious'])}",
        f"agreeing pairs broken: {len(result['broken_agreements'])}",
    ]
    lines += [f"  missed {e['kind']}: {e.get('must_contain')}" for e in result["missed"]]
    lines += [f"  spurious {f['kind']}: {f['explanation']}" for f in result["spurious"]]
    lines += [f"  broken {b['pair']}: {b['why']}" for b in result["broken_agreements"]]
    lines += [f"  boilerplate left in the text: {s!r}" for s in result["boilerplate_left"]]
    lines += [f"  dropped sentence kept as a claim: {s!r}" for s in result["dropped_but_kept"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="out", type=Path, help="folder written by `checker check`")
    parser.add_argument(
        "--corpus", default=DEMO, type=Path, help="the corpus that was checked; its expected.json is the key"
    )
    args = parser.parse_args(argv)
    print(summary(compare_folder(args.out, args.corpus / "expected.json")))


if __name__ == "__main__":
    main()
