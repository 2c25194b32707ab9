"""The NLI training data builders in scripts/ (nli_data, nli_ladders): labels, directions, splits."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from tools.nli_model import data as nli_data
from tools.nli_model import ladders as nli_ladders


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
    from checker.models.nlp import load_spacy

    texts = [f"The mayor of Springfield opened bridge number {i} on Monday." for i in range(5)]
    sentences = pd.DataFrame({"text": texts, "doc": "d1", "topic": "t1", "idx": range(5)})
    out = nli_data.make_synthetic(sentences, load_spacy(), seed=13)
    assert set(out["label"]) <= set(nli_data.LABELS)
    assert (out["category"] == "same_story").any()


def test_heldout_split_is_deterministic_by_group():
    assert nli_data.in_heldout("tpl03") == nli_data.in_heldout("tpl03")
    share = sum(nli_data.in_heldout(f"g{i}") for i in range(2000)) / 2000
    assert 0.15 < share < 0.25


def _labels(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    return dict(zip(zip(frame["premise"], frame["hypothesis"], strict=True), frame["label"], strict=True))


def test_a_contrary_entails_the_others_negation_and_not_the_reverse(ladders):
    labels = _labels(ladders[ladders["category"] == "contrary"])
    assert labels[("The jury acquitted the former minister.", "The jury convicted the former minister.")] == (
        "contradiction"
    )
    assert labels[
        ("The jury acquitted the former minister.", "The jury did not convict the former minister.")
    ] == ("entailment")
    assert labels[
        ("The jury did not convict the former minister.", "The jury acquitted the former minister.")
    ] == ("neutral")


def test_a_trend_entails_its_direction_and_contradicts_the_other(ladders):
    trend = ladders[ladders["category"] == "trend"]
    up = trend[
        trend["premise"].str.contains(" climbed to | increased to ")
        & ~trend["hypothesis"].str.contains(" to ")
        & trend["hypothesis"].str.contains("|".join(nli_ladders.UP + nli_ladders.DOWN))
    ]
    assert len(up) and all(
        (lab == "entailment") == any(w in h for w in nli_ladders.UP)
        for h, lab in zip(up["hypothesis"], up["label"], strict=True)
    )
    assert set(up["label"]) == {"entailment", "contradiction"}


def test_contraries_and_trends_leave_the_heldout_verbs_out(ladders):
    # The held-out hand-written pairs test these; training on them would make that test an easy one.
    new = ladders[ladders["category"].isin(["contrary", "trend"])]
    text = " ".join(new["premise"]) + " " + " ".join(new["hypothesis"])
    for word in ("upheld", "struck down", "rose", "fell", "eased", "conceded", "keep", "peaked"):
        assert not re.search(rf"\b{word}\b", text), word


def test_load_extra_reads_local_files_and_matches_labels_by_name(tmp_path):
    rows = [
        {"premise": "A man sleeps.", "hypothesis": "A man rests.", "label": "entailment"},
        {"premise": "A man sleeps.", "hypothesis": "A man runs.", "label": "CONTRADICTION"},
        {"premise": "A man sleeps.", "hypothesis": "A man dreams.", "label": "n"},
        {"premise": "A man sleeps.", "hypothesis": "No gold.", "label": "-"},
    ]
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows))
    csv = tmp_path / "pairs.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    for path in (jsonl, csv):
        out = nli_data.load_extra(str(path))
        assert out["label"].tolist() == ["entailment", "contradiction", "neutral"]
        assert set(out["source"]) == {str(path)}


def test_label_name_maps_class_indices_through_the_dataset_names():
    names = ["entailment", "neutral", "contradiction"]
    assert [nli_data.label_name(i, names) for i in (0, 1, 2, -1)] == [*names, None]
    # pandas (and datasets' to_pandas) hand over numpy integers, which are not int instances
    assert [nli_data.label_name(i, names) for i in np.array([2, -1])] == ["contradiction", None]
    assert nli_data.label_name(1) is None  # an index without names is not guessed


@pytest.mark.parametrize(
    ("spec", "error"),
    [("missing.jsonl", FileNotFoundError), ("hf:snli", ValueError), ("hf:a:b:c:d", ValueError)],
)
def test_load_extra_names_what_is_wrong(tmp_path, spec, error):
    with pytest.raises(error, match="jsonl|hf:NAME"):
        nli_data.load_extra(spec if spec.startswith("hf:") else str(tmp_path / spec))


def test_load_extra_needs_the_three_columns(tmp_path):
    path = tmp_path / "pairs.csv"
    pd.DataFrame({"premise": ["a"], "hypothesis": ["b"]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="no label column"):
        nli_data.load_extra(str(path))


# ---- NLI v2 training: 2-way sets, deduplication, resumable batches -------------------------------


def test_two_way_loss_trains_entailment_against_the_other_two():
    import torch

    from tools.nli_model.train import TWO_WAY, nli_loss

    logits = torch.tensor([[0.0, 3.0, -1.0], [0.0, -1.0, 3.0], [3.0, 0.0, 0.0]])
    # not_entailment is satisfied by neutral or contradiction alike: both rows lose the same
    as_two_way = torch.stack([nli_loss(logits[i : i + 1], torch.tensor([TWO_WAY])) for i in range(2)])
    assert torch.allclose(as_two_way[0], as_two_way[1])
    # ... while a 3-way neutral label punishes the row that says contradiction
    assert nli_loss(logits[1:2], torch.tensor([1])) > nli_loss(logits[0:1], torch.tensor([1]))
    # and not_entailment punishes a confident entailment more than a neutral answer
    assert nli_loss(logits[2:3], torch.tensor([TWO_WAY])) > nli_loss(logits[0:1], torch.tensor([TWO_WAY]))
    # 3-way labels are plain cross-entropy
    ce = torch.nn.functional.cross_entropy(logits, torch.tensor([1, 2, 0]))
    assert torch.allclose(nli_loss(logits, torch.tensor([1, 2, 0])), ce)


def test_label_ids_keep_the_two_way_label_apart():
    from tools.nli_model.train import TWO_WAY, label_ids

    labels = pd.Series(["entailment", "neutral", "contradiction", "not_entailment"])
    assert label_ids(labels).tolist() == [0, 1, 2, TWO_WAY]


def test_batch_order_is_replayed_exactly_for_a_seed():
    # A resumed run skips the batches it has done, so the order must be the same on every call.
    from tools.nli_model.train import batch_order

    frame = pd.DataFrame({"premise": [f"p{i}" * (i % 7 + 1) for i in range(300)], "hypothesis": "h"})
    first, again = batch_order(frame, 16, seed=5), batch_order(frame, 16, seed=5)
    assert first == again and first != batch_order(frame, 16, seed=6)
    assert sorted(i for batch in first for i in batch) == list(range(300))


def test_binary_files_give_two_way_labels(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_text(
        "entailment\tThe bridge opened in 1932 .\tThe bridge opened.\n"
        "not_entailment\tA premise\twith a tab\tA hypothesis.\n"
        "unknown\tX\tY\n"
    )
    rows = nli_data._binary_docnli(path)
    assert [r["label"] for r in rows] == ["entailment", "not_entailment"]
    assert rows[0]["premise"] == "The bridge opened in 1932."  # detokenised
    assert rows[1]["premise"] == "A premise\twith a tab"  # the hypothesis is the last field


def test_taxinli_keeps_the_matched_genres_only(tmp_path):
    # Its other genres are MultiNLI mismatched, an evaluation set.
    path = tmp_path / "taxinli.tsv"
    pd.DataFrame(
        {
            "prem": ["A dog runs.", "A cat sleeps."],
            "hyp": ["An animal moves.", "A cat is awake."],
            "label": ["entailment", "contradiction"],
            "genre": ["fiction", "letters"],
        }
    ).to_csv(path, sep="\t", index=False)
    out = nli_data.load_taxinli(path)
    assert out["premise"].tolist() == ["A dog runs."]


def test_norm_text_matches_a_pair_across_tokenisation_and_case():
    assert nli_data.norm_text("Boeing 's jet , sold .") == nli_data.norm_text("boeing's jet, sold")


def test_replay_keeps_every_generated_pair_and_a_share_of_each_real_set():
    from tools.nli_model.train import replay

    frame = pd.DataFrame(
        {
            "premise": [f"p{i}" for i in range(300)],
            "hypothesis": "h",
            "source": ["snli_train"] * 200 + ["fm2"] * 60 + ["targeted"] * 40,
        }
    )
    kept = replay(frame, 0.25, seed=13)
    assert kept["source"].value_counts().to_dict() == {"snli_train": 50, "targeted": 40, "fm2": 15}
    assert replay(frame, 1.0, seed=13) is frame
    assert replay(frame, 0.25, seed=13).equals(kept)  # the same draw for a seed


def test_calibration_pairs_of_an_earlier_run_are_never_trained_on():
    from tools.nli_model.train import without_pairs

    pool = pd.DataFrame({"premise": ["a", "a", "b"], "hypothesis": ["x", "y", "x"]})
    taken = pd.DataFrame({"premise": ["a"], "hypothesis": ["y"]})
    assert without_pairs(pool, taken)[["premise", "hypothesis"]].values.tolist() == [["a", "x"], ["b", "x"]]
