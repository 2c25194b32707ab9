"""The real-news findings scorer on a tiny story written here (no ../shared, no models)."""

from __future__ import annotations

import pandas as pd
import pytest

from tools.bench.findings import gold_frame, lost_at, matches, score_findings

TEXT = {
    "x": "Five people died in the blast on Monday. Police arrested a man.",
    "y": "Seven people died in the blast on Monday. Police shot a man dead.",
}


def ref(article: str, phrase: str) -> dict:
    start = TEXT[article].index(phrase)
    return {"article_id": article, "start": start, "end": start + len(phrase), "sha1": "00000000"}


def claim(article: str, phrase: str) -> dict:
    return ref(article, phrase) | {"text": phrase}


DEATHS_X, DEATHS_Y = "Five people died in the blast", "Seven people died in the blast"
ARREST_X, SHOT_Y = "Police arrested a man.", "Police shot a man dead."
GOLD = gold_frame(
    [
        {"story": "s", "split": "dev", "kind": "number_mismatch", "gold": True, "a": ref("x", DEATHS_X),
         "b": ref("y", DEATHS_Y), "values": ["5", "7"], "slot": "deaths", "reason": "5 vs 7"},
        {"story": "s", "split": "dev", "kind": "stronger_claim", "gold": True, "a": ref("y", SHOT_Y),
         "b": ref("x", ARREST_X), "values": ["shot", "arrested"], "slot": "fate", "reason": "shot says more"},
        {"story": "s", "split": "dev", "kind": "date_mismatch", "gold": False, "a": ref("x", "on Monday"),
         "b": ref("y", "on Monday"), "values": [], "slot": "day", "reason": "the same day"},
    ]
)  # fmt: skip


def findings(*rows: tuple[str, list[dict]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"finding_id": f"f{i}", "kind": k, "claims": c, "explanation": k, "story": "s"}
            for i, (k, c) in enumerate(rows)
        ]
    )


def test_right_finding_in_either_order():
    s = score_findings(
        findings(("number_mismatch", [claim("y", DEATHS_Y), claim("x", DEATHS_X)])), GOLD, n_articles=2
    )
    want = {"findings": 1, "right_strict": 1, "precision_strict": 1.0, "gold": 1, "recall_strict": 1.0}
    assert {k: s["by_kind"]["number_mismatch"][k] for k in want} == want
    assert s["overall"]["false_findings"] == 0 and s["false_alarms"] == []


def test_false_alarm_miss_and_gold_false_reason():
    s = score_findings(
        findings(("date_mismatch", [claim("x", "on Monday"), claim("y", "on Monday")])), GOLD, n_articles=2
    )
    assert s["by_kind"]["date_mismatch"]["precision_strict"] == 0.0
    assert s["overall"]["false_per_article"] == 0.5
    (alarm,) = s["false_alarms"]
    assert alarm["gold_false"] == ["date_mismatch / day: the same day"]
    assert {m["kind"] for m in s["misses"]} == {"number_mismatch", "stronger_claim"}
    assert s["overall"]["recall_lenient"] == 0.0


def test_unscored_kinds_and_single_claims_are_ignored():
    s = score_findings(
        findings(("single_source", [claim("x", ARREST_X)]), ("number_mismatch", [claim("x", DEATHS_X)])), GOLD
    )
    assert s["overall"]["findings"] == 1 and s["overall"]["right_lenient"] == 0


@pytest.mark.parametrize(("first", "second", "right"), [(SHOT_Y, ARREST_X, 1), (ARREST_X, SHOT_Y, 0)])
def test_stronger_claim_needs_the_stronger_claim_first(first, second, right):
    art = {SHOT_Y: "y", ARREST_X: "x"}
    s = score_findings(
        findings(("stronger_claim", [claim(art[first], first), claim(art[second], second)])), GOLD
    )
    assert s["by_kind"]["stronger_claim"]["right_strict"] == right


def test_strict_and_lenient_precision():
    s = score_findings(findings(("contradiction", [claim("x", DEATHS_X), claim("y", DEATHS_Y)])), GOLD)
    row = s["by_kind"]["contradiction"]
    assert (row["precision_strict"], row["precision_lenient"]) == (0.0, 1.0)
    assert s["overall"]["recall_strict"] == 0.0 and s["overall"]["recall_lenient"] == 0.5
    assert s["wrong_kind"][0]["gold_kinds"] == ["number_mismatch"]


def test_place_counts_as_entity_and_groups_count_once():
    gold = gold_frame(
        [{"story": "s", "split": "dev", "kind": "place_mismatch", "gold": True, "a": ref("x", DEATHS_X),
          "b": ref("y", DEATHS_Y), "values": [], "slot": "where", "reason": "r", "group": "g"},
         {"story": "s", "split": "dev", "kind": "place_mismatch", "gold": True, "a": ref("x", ARREST_X),
          "b": ref("y", SHOT_Y), "values": [], "slot": "where", "reason": "r", "group": "g"}]
    )  # fmt: skip
    s = score_findings(findings(("entity_mismatch", [claim("x", DEATHS_X), claim("y", DEATHS_Y)])), gold)
    assert s["by_kind"]["entity_mismatch"]["right_strict"] == 1
    assert s["by_kind"]["place_mismatch"]["gold"] == 1 and s["by_kind"]["place_mismatch"]["found_strict"] == 1


def test_matches_needs_two_different_claims():
    g = GOLD.iloc[0].to_dict()
    both = {"article_id": "x", "start": 0, "end": 200}
    assert not matches("number_mismatch", [both], g)


def test_saved_results_carry_spans_and_values_but_no_article_text():
    from tools.bench.findings import saved

    s = score_findings(
        findings(("date_mismatch", [claim("x", "on Monday"), claim("y", "on Monday")])), GOLD, n_articles=2
    )
    kept = saved({"score": s})["score"]
    (alarm,) = kept["false_alarms"]
    assert "quotes" not in alarm and all(":" in c and "Monday" not in c for c in alarm["claims"])
    assert s["false_alarms"][0]["quotes"]  # the terminal still shows the words


def test_a_miss_says_where_the_pipeline_lost_it():
    claims = pd.DataFrame(
        [{"claim_id": "kx", **claim("x", DEATHS_X)}, {"claim_id": "ky", **claim("y", DEATHS_Y)}]
    )
    deaths = GOLD.iloc[0].to_dict()
    no_pairs = pd.DataFrame(columns=["claim_a", "claim_b", "details"])
    assert lost_at(deaths, claims.iloc[:1], no_pairs) == "no claim on b"
    assert lost_at(deaths, claims, no_pairs) == "not paired"
    check = {"kind": "number_mismatch", "misspelt": False, "same_slot": False, "shared": "", "swapped": False,
             "same_event": "", "p_ab": 0.41, "p_ba": 0.87}  # fmt: skip
    pair = {"claim_a": "ky", "claim_b": "kx", "relation": "related", "p_entail_ab": 0.2, "p_entail_ba": 0.3,
            "p_contra_ab": 0.1, "p_contra_ba": 0.0}  # fmt: skip
    assert lost_at(deaths, claims, pd.DataFrame([{**pair, "details": []}])) == "paired, no value difference"
    assert (
        lost_at(deaths, claims, pd.DataFrame([{**pair, "details": [check]}])) == "same-fact test: 0.41/0.87"
    )
    ruled = {**check, "same_slot": True}
    assert lost_at(deaths, claims, pd.DataFrame([{**pair, "details": [ruled]}])) == "candidate, not reported"
    fate = {**GOLD.iloc[1].to_dict(), "a": ref("x", DEATHS_X), "b": ref("y", DEATHS_Y)}  # an NLI kind
    assert lost_at(fate, claims, pd.DataFrame([{**pair, "details": []}])).startswith("paired: related")
