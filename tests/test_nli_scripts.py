"""The NLI training data builders in scripts/ (nli_data, nli_ladders): labels, directions, splits."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import nli_data  # noqa: E402
import nli_ladders  # noqa: E402


@pytest.fixture(scope="module")
def ladders():
    return nli_ladders.make_ladder_pairs(seed=13)


def test_ladders_use_the_three_labels_and_name_a_group(ladders):
    assert set(ladders["label"]) == set(nli_data.LABELS)
    assert ladders["group"].str.len().gt(0).all()
    assert not ladders.duplicated(["premise", "hypothesis"]).any()


def test_a_stronger_rung_entails_a_weaker_one_and_not_the_reverse(ladders):
    plan = ladders[ladders["category"] == "plan"]
    entailed = plan[plan["label"] == "entailment"]
    pairs = {
        (p, h): lab for p, h, lab in zip(plan["premise"], plan["hypothesis"], plan["label"], strict=True)
    }
    for p, h in zip(entailed["premise"], entailed["hypothesis"], strict=True):
        assert pairs[(h, p)] == "neutral"
    assert (plan["premise"].str.contains(" will ") & plan["hypothesis"].str.contains(" could ")).any()


def test_ladders_keep_the_demo_phrasing_out(ladders):
    text = " ".join(ladders["premise"]) + " ".join(ladders["hypothesis"])
    assert "without any agreement" not in text and "security guarantees" not in text


def test_paraphrases_entail_both_ways():
    sentences = pd.DataFrame(
        {
            "text": ["The talks began on Monday in Vienna.", "The company said profits rose."],
            "doc": ["d1", "d2"],
        }
    )
    para = nli_ladders.make_ladder_pairs(sentences, seed=1)
    para = para[para["category"] == "paraphrase"]
    assert set(para["label"]) == {"entailment"}
    assert ("The negotiations began on Monday in Vienna.", "The talks began on Monday in Vienna.") in set(
        zip(para["premise"], para["hypothesis"], strict=True)
    )


def test_round_down_stays_below():
    for n in (12, 24, 60, 450, 1200, 3000):
        assert nli_ladders._round_down(n) < n


def test_make_synthetic_handles_any_article_length():
    # Regression: pairing sentences two apart failed when an article's sentence count left one over.
    from checker.claims import load_spacy

    texts = [f"The mayor of Springfield opened bridge number {i} on Monday." for i in range(5)]
    sentences = pd.DataFrame({"text": texts, "doc": "d1", "topic": "t1", "idx": range(5)})
    out = nli_data.make_synthetic(sentences, load_spacy(), seed=13)
    assert set(out["label"]) <= set(nli_data.LABELS)
    assert (out["category"] == "same_story").any()


def test_heldout_split_is_deterministic_by_group():
    assert nli_data.in_heldout("tpl03") == nli_data.in_heldout("tpl03")
    share = sum(nli_data.in_heldout(f"g{i}") for i in range(2000)) / 2000
    assert 0.15 < share < 0.25
