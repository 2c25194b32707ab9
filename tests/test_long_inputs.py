"""Issue #15, bounded work per input: over-long sentences, and neighbour search in bounded blocks."""

from __future__ import annotations

import logging
import random

import numpy as np
import pandas as pd
import pytest

from checker.config import ClaimConfig
from checker.errors import ConfigError
from checker.models.nlp import load_spacy
from checker.steps import cluster
from checker.steps.claims import extract_claims

_WORDS = ("officials said the ministry reported that the army moved troops near the border while "
          "talks continued in the capital").split()  # fmt: skip


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def _run_on(seed: int = 0) -> str:
    """A 2,800-word run-on "sentence": 100 clauses joined by commas, then 100 with no punctuation."""
    rng = random.Random(seed)
    clauses = [" ".join(rng.choice(_WORDS) for _ in range(14)) for _ in range(200)]
    return "The ministry said " + ", ".join(clauses[:100]) + " " + " ".join(clauses[100:]) + "."


def test_a_run_on_sentence_becomes_bounded_claims_with_a_warning(nlp, caplog):
    text = _run_on()
    articles = pd.DataFrame({"article_id": ["run-on"], "text": [text]})
    with caplog.at_level(logging.WARNING, logger="checker.steps.claims"):
        claims, _ = extract_claims(articles, nlp=nlp)
    assert len(claims) > 1 and claims["text"].str.len().max() <= ClaimConfig().max_sentence_chars
    assert all(text[s:e] == t for s, e, t in zip(claims["start"], claims["end"], claims["text"], strict=True))
    warned = [r.getMessage() for r in caplog.records if "max_sentence_chars=1000" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith("article run-on: ") and "skipped" in warned[0]


def test_the_limit_is_a_claims_setting_and_normal_sentences_are_untouched(nlp):
    normal = ("Officials said the talks in Geneva would continue on Friday, after a week of meetings "
              "that ended without a deal.")  # fmt: skip
    articles = pd.DataFrame({"article_id": ["r", "n"], "text": [_run_on(1), normal]})
    short, _ = extract_claims(articles, nlp=nlp, config=ClaimConfig(max_sentence_chars=300))
    wide, _ = extract_claims(articles, nlp=nlp, config=ClaimConfig(max_sentence_chars=100_000))
    assert short["text"].str.len().max() <= 300 < wide["text"].str.len().max()
    pick = ["text", "start", "end", "sentence_idx"]
    assert short.loc[short["article_id"] == "n", pick].values.tolist() == (
        wide.loc[wide["article_id"] == "n", pick].values.tolist()
    )
    with pytest.raises(ConfigError, match="max_sentence_chars"):
        ClaimConfig(max_sentence_chars=20)


def test_neighbour_search_in_small_blocks_finds_the_same_neighbours(monkeypatch):
    """A 20 MB corpus has ~130,000 claims: 2,048-row blocks of them took 3 GB; blocks are now bounded."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    whole = cluster.nearest_neighbours(vectors, 5)
    monkeypatch.setattr(cluster, "_SCORE_BLOCK", 64 * 500)  # 64 rows per block
    blocks = cluster.nearest_neighbours(vectors, 5)
    key = ["a", "similarity"]
    pd.testing.assert_frame_equal(whole.sort_values(key).reset_index(drop=True)[key],
                                  blocks.sort_values(key).reset_index(drop=True)[key])  # fmt: skip
