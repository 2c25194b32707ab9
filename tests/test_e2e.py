"""End to end with the real models: the CLI on data/demo, checked against data/demo/expected.json."""

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
from tools.bench.demo import compare_folder, summary

pytestmark = pytest.mark.slow

FILES = [
    "articles.csv",
    "claims.csv",
    "clusters.csv",
    "pairs.csv",
    "findings.jsonl",
    "report.html",
    "report.md",
    "run.json",
]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-out")
    result = CliRunner().invoke(main, ["check", str(ROOT / "data" / "demo"), "--out", str(out), "-q"])
    return out, result


def test_cli_writes_every_output(demo_run):
    out, result = demo_run
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    claims = pd.read_csv(out / "claims.csv")
    assert list(claims.columns[:8]) == [
        "claim_id",
        "article_id",
        "text",
        "start",
        "end",
        "attribution",
        "hedges",
        "cluster_id",
    ]
    pairs = pd.read_csv(out / "pairs.csv")
    assert {"p_entail_ab", "p_contra_ba", "relation"} <= set(pairs.columns)
    run = json.loads((out / "run.json").read_text())
    assert run["models"]["nli"]["path"].endswith("minilm-nli")  # the bundled model, offline
    assert {s["step"] for s in run["skipped"]} <= {"ignored"}  # the folder's README and answer key


def test_offsets_point_into_the_cleaned_articles(demo_run):
    out, _ = demo_run
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False).set_index("article_id")
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    for row in claims.itertuples():
        # a headline claim indexes the article's title, every other claim its text (checker.schemas)
        column = "title" if row.part == "title" else "text"
        assert articles.loc[row.article_id, column][row.start : row.end] == row.text
    assert set(claims["part"]) == {"title", "body"}


def test_demo_expectations_hold(demo_run):
    out, _ = demo_run
    result = compare_folder(out)
    # Every expected finding, including the intra-article conflict the NLI model calls neutral
    # ("accepted by both sides" vs "Russia rejected"), which the opposite-verb rule reports.
    assert not result["missed"], summary(result)
    assert not result["broken_agreements"], summary(result)
    assert not result["spurious"], summary(result)
    assert not result["boilerplate_left"] and not result["dropped_but_kept"], summary(result)


def test_library_api_matches_cli(demo_run):
    import checker

    out, _ = demo_run
    result = checker.check(str(ROOT / "data" / "demo"))
    cli_ids = {json.loads(line)["finding_id"] for line in (out / "findings.jsonl").read_text().splitlines()}
    assert set(result.findings["finding_id"]) == cli_ids
    stronger = result.findings[result.findings["kind"] == "stronger_claim"]
    assert stronger["explanation"].str.contains("agreed to security guarantees").any()
