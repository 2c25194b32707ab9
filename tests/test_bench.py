"""Tests for tools/bench (quality, speed, common): metric helpers, corpus building, and each script on a tiny input.

The scripts run with the fake models of tests/fakes.py (no weights needed): the point is that they
keep working and write sane results, not what the numbers are. Runs on shared data skip when
../shared/data is absent.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from fakes import FakeEmbedder, FakeNLI

from tools.bench import common as bc
from tools.bench import quality as bench_quality
from tools.bench import speed as bench_speed

DATA = bc.DEFAULT_DATA
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data {DATA} is absent")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([1, 1, 0, 0], [1, 1, 0, 0], 1.0),
        ([1, 1, 0, 0], [1, 1, 1, 1], 0.5),
        ([1, 1, 1, 0], [1, 0, 0, 0], 2 / 3),
        ([1, 1, 1], [1, 0, 1], 2 / 3),
    ],
)
def test_balanced_accuracy(gold, pred, expected):
    assert bc.balanced_accuracy(gold, pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("scores", "gold", "expected"),
    [
        ([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 0.5),
        ([0.9, 0.8, 0.1], [0, 0, 1], -0.9),
        ([0.3, 0.4], [1, 1], None),
    ],
)
def test_choose_threshold(scores, gold, expected):
    got = bc.choose_threshold(scores, gold)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("gold", "pred", "precision", "recall"),
    [
        (["a", "a", "b"], [1, 1, 2], 1.0, 1.0),
        (["a", "a", "b"], [1, 1, 1], 5 / 9, 1.0),
        (["a", "a", "b"], [1, 2, 3], 1.0, 2 / 3),
    ],
)
def test_bcubed(gold, pred, precision, recall):
    got = bc.bcubed(gold, pred)
    assert (got["precision"], got["recall"]) == (pytest.approx(precision), pytest.approx(recall))


@pytest.mark.parametrize(
    ("ranked", "relevant", "k", "expected"),
    [
        (["a", "b"], {"a"}, 5, 1.0),
        (["x", "a"], {"a"}, 5, 0.5),
        (["x", "a"], {"a"}, 1, 0.0),
        (["a", "x", "b"], {"a", "b"}, 5, (1 + 2 / 3) / 2),
    ],
)
def test_average_precision_at_k(ranked, relevant, k, expected):
    assert bc.average_precision_at_k(ranked, relevant, k) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("gold", "pred", "score"),
    [
        (["agree"], ["agree"], 1.0),
        (["agree"], ["discuss"], 0.25),
        (["agree"], ["unrelated"], 0.0),
        (["unrelated"], ["unrelated"], 0.25),
        (["unrelated"], ["disagree"], 0.0),
    ],
)
def test_fnc_score(gold, pred, score):
    assert bc.fnc_score(gold, pred)["score"] == score


def test_loglog_slope_recovers_a_power_law_and_needs_two_points():
    assert bc.loglog_slope([10, 100, 1000], [3, 300, 30000]) == pytest.approx(2.0)
    assert bc.loglog_slope([10], [3]) is None


def test_build_corpus_is_deterministic_and_made_of_real_paragraphs():
    pool = pd.DataFrame(
        {"article_id": ["a", "b"], "source": "s", "text": ["One.\n\nTwo.\n\nThree.", "Four.\n\nFive."]}
    )
    first, again = bc.build_corpus(pool, 6, seed=1), bc.build_corpus(pool, 6, seed=1)
    pd.testing.assert_frame_equal(first, again)
    assert len(first) == 6 and first["article_id"].is_unique
    real = {"One.", "Two.", "Three.", "Four.", "Five."}
    synthetic = first[first["source"] == "synthetic"]
    assert len(synthetic) == 4
    assert all(set(t.split("\n\n")) <= real for t in synthetic["text"])
    assert len(bc.build_corpus(pool, 1)) == 1


# --------------------------------------------------------------------------------------------
# The scripts on tiny inputs
# --------------------------------------------------------------------------------------------


def _fraction(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or 0.0 <= value <= 1.0


@needs_data
def test_bench_quality_runs_every_set_on_a_tiny_sample(tmp_path):
    nli = FakeNLI()
    report = bench_quality.main(
        ["--data", str(DATA), "--out", str(tmp_path), "--limit", "5"], nli=nli, embedder=FakeEmbedder()
    )
    results = report["results"]
    assert set(results) == set(bench_quality.SETS)
    assert all(r["status"] in ("ok", "absent") for r in results.values())
    assert all(_fraction(r["accuracy"]) and r["n"] <= 5 for r in results["nli"]["results"].values())
    summedits = results["summedits"]
    assert next(iter(summedits["domains"])) == "news"
    for d in summedits["domains"].values():
        assert d["n_dev"] + d["n_test"] <= 5 and _fraction(d["balanced_accuracy"])
    assert _fraction(results["cogensumm"]["balanced_accuracy"])
    assert _fraction(results["cogensumm"]["ranking_accuracy_all"])
    fnc = results["fnc1"]
    assert (
        fnc["n_dev"] + fnc["n_test"] == 5 and _fraction(fnc["macro_f1"]) and _fraction(fnc["relative_score"])
    )
    assert sum(sum(row.values()) for row in fnc["confusion"].values()) == fnc["n_test"]
    ecb = results["ecbplus"]
    assert ecb["n_dev"] + ecb["n_test"] == 5 and _fraction(ecb["bcubed"]["f1"]) and -1 <= ecb["ari"] <= 1
    assert results["checkthat"]["n_tweets"] == 5 and _fraction(results["checkthat"]["map_at_5"])
    assert 0 <= results["demo"]["found"] <= results["demo"]["expected"] == 12
    saved = json.loads((tmp_path / "quality.json").read_text())
    assert saved["record"]["command"].startswith("python -m tools.bench.quality --data")
    assert saved["record"]["machine"]["cores"] >= 1
    assert "## SummEdits" in (tmp_path / "quality.md").read_text()


def test_bench_quality_names_absent_sets_and_still_writes(tmp_path, capsys):
    report = bench_quality.main(
        [
            "--data",
            str(tmp_path / "nowhere"),
            "--out",
            str(tmp_path),
            "--sets",
            "nli,summedits,fnc1,checkthat",
        ],
        nli=FakeNLI(),
        embedder=FakeEmbedder(),
    )
    assert {r["status"] for r in report["results"].values()} == {"absent"}
    assert "skipping summedits" in capsys.readouterr().err
    assert "absent, skipped" in (tmp_path / "quality.md").read_text()


def test_bench_quality_rejects_unknown_sets(tmp_path):
    with pytest.raises(SystemExit, match="unknown set"):
        bench_quality.main(
            ["--out", str(tmp_path), "--sets", "nli,bogus"], nli=FakeNLI(), embedder=FakeEmbedder()
        )


@needs_data
def test_bench_speed_runs_on_a_tiny_corpus(tmp_path):
    nli = FakeNLI()
    report = bench_speed.main(
        [
            "--data",
            str(DATA),
            "--out",
            str(tmp_path),
            "--limit",
            "20",
            "--sizes",
            "5,8",
            "--baseline-articles",
            "3",
            "--budget-articles",
            "6",
            "--budgets",
            "6:3,2:1,9:9",
        ],
        nli=nli,
        embedder=FakeEmbedder(),
    )
    results = report["results"]
    throughput = results["throughput"]
    assert throughput["embedding"]["per_s"] > 0 and throughput["nli"]["given"]["per_s"] > 0
    runs = results["sizes"]["runs"]
    assert [r["size"] for r in runs] == [5, 8] and all(r["mode"] == "in-process" for r in runs)
    assert all(r["claims"] > 0 and r["peak_rss_mib"] > 0 for r in runs)
    assert results["sizes"]["time_vs_articles_exponent"] is not None
    baseline = results["baseline"]
    assert baseline["articles"] == 3 and baseline["baseline_pairs"] > 0
    assert set(baseline["agreement"]) == {"contradiction", "stronger"}
    budgets = results["budgets"]
    assert [row["budget"] for row in budgets["rows"]] == ["6:3", "2:1"]  # 9:9 is no subset: left out
    full, small = budgets["rows"]
    assert full["share"] == 1.0 and all(v in (None, 1.0) for v in full["kept"].values())
    assert 0 < small["pairs"] <= full["pairs"]
    # Same NLI, same thresholds: every cross-article finding of the checker is among the baseline's.
    assert all(v["checker_found_by_baseline"] in (None, 1.0) for v in baseline["agreement"].values())
    saved = json.loads((tmp_path / "speed.json").read_text())
    assert saved["record"]["command"].endswith("--budgets 6:3,2:1,9:9")
    assert "## End to end" in (tmp_path / "speed.md").read_text()


def test_fidelity_compares_forms_pair_by_pair():
    ref = pd.DataFrame({"entailment": [0.9, 0.2], "neutral": [0.05, 0.7], "contradiction": [0.05, 0.1]})
    same = bench_speed.fidelity(ref, ref)
    assert same == {"label_agreement": 1.0, "mean_abs_diff": 0.0, "p99_abs_diff": 0.0, "max_abs_diff": 0.0}
    moved = ref.assign(entailment=[0.3, 0.2], neutral=[0.65, 0.7])  # the first pair's label flips
    f = bench_speed.fidelity(moved, ref)
    assert f["label_agreement"] == 0.5 and f["max_abs_diff"] == 0.6
    assert f["mean_abs_diff"] == round(1.2 / 6, 4)


def test_demo_compare_reads_a_contradictions_sides_from_its_pairs(tmp_path):
    # two agreeing wordings that both contradict a third stand on one side of the card; a chain of
    # contradictions that puts them on opposite sides breaks the agreement
    from tools.bench.demo import compare

    key = tmp_path / "expected.json"
    key.write_text(json.dumps({"findings": [], "agreeing_pairs": [["swap 150 each", "each free 150"]]}))
    texts = [
        "They agreed to swap 150 each.",
        "Both will each free 150.",
        "Talks ended with no deal.",
        "A deal was signed.",
    ]
    claims = pd.DataFrame({"claim_id": ["k1", "k2", "k3", "k4"], "text": texts})
    articles = pd.DataFrame({"article_id": ["a1"], "source": ["s"], "text": [" ".join(texts)]})

    def broken(contradictions):
        pairs = pd.DataFrame(contradictions, columns=["claim_a", "claim_b"]).assign(relation="contradiction")
        ids = sorted({i for pair in contradictions for i in pair})
        card = {"kind": "contradiction", "claims": [{"claim_id": i} for i in ids]}
        return compare([card], claims, pairs, articles, key)["broken_agreements"]

    assert broken([("k1", "k3"), ("k2", "k3")]) == []
    assert [b["why"] for b in broken([("k1", "k3"), ("k3", "k4"), ("k4", "k2")])] == [
        "on opposite sides of a contradiction finding"
    ]


def test_bench_names_lists_one_slip_spellings_across_articles(tmp_path):
    from tools.bench.names import misspelt_pairs

    (tmp_path / "clustering/ecbplus").mkdir(parents=True)
    (tmp_path / "stance/fnc-1").mkdir(parents=True)
    docs = [
        {
            "doc_id": "1_1",
            "topic": 1,
            "sentences": ["url", "Judge Anna Ekervald opened the trial on Monday ."],
        },
        {
            "doc_id": "1_2",
            "topic": 1,
            "sentences": ["url", "Judge Anna Ekerwald opened the trial on Monday ."],
        },
    ]
    (tmp_path / "clustering/ecbplus/ecbplus_docs.jsonl").write_text("\n".join(json.dumps(d) for d in docs))
    pd.DataFrame({"Body ID": [1], "articleBody": ["Simon Hale met Simone Hale."]}).to_csv(
        tmp_path / "stance/fnc-1/bodies.csv", index=False
    )
    _, found = misspelt_pairs(tmp_path)
    assert [(f["a"], f["b"]) for f in found] == [("Anna Ekervald", "Anna Ekerwald")]
