import json

import pandas as pd
import pytest

from checker.errors import CheckerError
from checker.pipeline import Checker
from checker.schemas import ARTICLE_SCORES, CLAIMS, FINDINGS, PAIRS
from tests.fakes import FakeEmbedder, FakeNLI

ARTICLES = pd.DataFrame(
    {
        "id": ["north", "baltic", "harbor"],
        "source": ["Northstar Wire", "Baltic Ledger", "Harbor Times"],
        "text": [
            "The two sides agreed to exchange 150 prisoners each in Anchorage. The talks lasted five hours in total.",
            "The two sides agreed to exchange 120 prisoners each in Anchorage. Analysts expect new sanctions next year.",
            "The two sides did not agree to exchange prisoners in Anchorage. The talks lasted five hours in total.",
        ],
        "desk": ["world", "world", "politics"],  # a column of the caller's: passed through
    }
)


@pytest.fixture
def checker_with_fakes():
    return Checker(embedder=FakeEmbedder(), nli=FakeNLI())


def test_constructor_loads_nothing():
    c = Checker()
    assert not {"embedder", "nli", "nlp"} & set(vars(c))


def test_check_returns_documented_frames(checker_with_fakes):
    result = checker_with_fakes.check(ARTICLES)
    assert list(result.claims.columns[: len(CLAIMS)]) == CLAIMS
    assert list(result.pairs.columns) == PAIRS
    assert list(result.findings.columns) == FINDINGS
    assert set(ARTICLE_SCORES) <= set(result.articles.columns)
    assert "desk" in result.articles.columns
    kinds = set(result.findings["kind"])
    assert {"number_mismatch", "contradiction"} <= kinds, result.findings[["kind", "explanation"]]
    assert result.run["counts"]["claims"] == len(result.claims)
    assert result.run["models"]["nli"]["path"] == "fake-rule-nli"


def test_one_model_call_per_step(checker_with_fakes):
    checker_with_fakes.check(ARTICLES)
    assert len(checker_with_fakes.embedder.calls) == 1
    # both directions of all pairs in one stream, then the detail checks of the pairs that have any
    assert len(checker_with_fakes.nli.calls) == 2


def test_input_order_does_not_change_results():
    first = Checker(embedder=FakeEmbedder(), nli=FakeNLI()).check(ARTICLES)
    second = Checker(embedder=FakeEmbedder(), nli=FakeNLI()).check(ARTICLES.iloc[::-1])
    by_claim = lambda r: dict(zip(r.claims["claim_id"], r.claims["cluster_id"], strict=True))  # noqa: E731
    assert by_claim(first) == by_claim(second)
    assert set(first.findings["finding_id"]) == set(second.findings["finding_id"])


def test_bad_rows_are_reported_not_fatal(checker_with_fakes):
    frame = pd.concat([ARTICLES, pd.DataFrame({"id": ["empty"], "text": [""]})], ignore_index=True)
    result = checker_with_fakes.check(frame)
    assert len(result.articles) == 3
    assert len(result.skipped) == 1 and result.run["skipped"][0]["error"]


def test_save_writes_files_and_refuses_overwrite(checker_with_fakes, tmp_path):
    result = checker_with_fakes.check(ARTICLES)
    written = result.save(tmp_path, formats=("csv", "json"))
    assert {p.name for p in written} == {
        "articles.csv",
        "claims.csv",
        "pairs.csv",
        "clusters.csv",
        "findings.jsonl",
        "run.json",
    }
    rows = [json.loads(line) for line in (tmp_path / "findings.jsonl").read_text().splitlines()]
    assert {"kind", "score", "cluster_id", "explanation", "claims"} <= set(rows[0])
    with pytest.raises(CheckerError, match="already holds a run"):
        result.save(tmp_path, force=False)
    with pytest.raises(CheckerError, match="unknown report format"):
        result.save(tmp_path, formats=("pdf",))


def test_no_claims_at_all(checker_with_fakes):
    result = checker_with_fakes.check(
        pd.DataFrame({"text": ["Will the talks succeed? Subscribe to our newsletter now."]})
    )
    assert result.claims.empty and result.pairs.empty and result.findings.empty
    assert checker_with_fakes.nli.calls == []  # nothing to score, no model call
