"""Tests for tools/bench/big.py: the corpus it builds and the Markdown it writes (no models)."""

from __future__ import annotations

import pandas as pd
import pytest

from tools.bench import big
from tools.bench import common as bc


def test_corpus_holds_the_asked_megabytes_of_normal_articles():
    pool = pd.DataFrame({"article_id": ["a", "b"], "source": ["s", "s"], "text": ["One.\n\nTwo." * 100] * 2})
    corpus = big.corpus_of(pool, 0.01, seed=1)
    chars = corpus["text"].str.len()
    assert 10_000 <= chars.sum() < 10_000 + chars.max() and (corpus["source"] == "synthetic").any()


@pytest.mark.skipif(not (bc.DEFAULT_DATA / "stance/fnc-1/bodies.csv").exists(), reason="no FNC-1 bodies")
def test_corpus_from_the_shared_news_pool():
    corpus = big.corpus_of(bc.news_pool(bc.DEFAULT_DATA), 0.05)
    assert corpus["text"].str.len().sum() >= 50_000 and corpus["article_id"].is_unique


def test_markdown_names_skipped_sizes_and_scaling():
    steps = {"claims": 60.0, "nli": 1000.0, "total": 1200.0}
    run = {"status": "ok", "mb": 1.0, "articles": 450, "claims": 7000, "pairs": 25000, "findings": 5000,
           "check_s": 1200.0, "peak_rss_mib": 2048.0, "timings_s": steps}  # fmt: skip
    report = {
        "record": bc.run_record("tools.bench.big", ["--mb", "1,20"]),
        "results": {"status": "ok", "runs": [run, {"mb": 20.0, "status": "skipped", "projected_min": 400.0}],
                    "scaling": {"time_vs_chars": None}},
    }  # fmt: skip
    text = big.to_markdown(report)
    assert (
        "| 1.0 | 450 | 7000 | 25000 | 5000 | 20.0 | 2.00 |" in text
        and "not run (projected 400.0 min)" in text
    )
