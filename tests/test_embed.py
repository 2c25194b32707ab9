import numpy as np
import pytest

from checker.models.embed import SentenceEmbedder, load_embedder, text_key


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbedder()  # the real all-MiniLM-L6-v2 from its PyPI package


def test_vectors_are_unit_length_and_cached(embedder):
    texts = [
        "The summit was held in Anchorage.",
        "The summit took place in Anchorage, Alaska.",
        "Oil prices fell.",
    ]
    v = embedder.encode(texts)
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3  # paraphrases are closer than unrelated text
    before = len(embedder.cache)
    again = embedder.encode([texts[2], texts[0]])
    assert len(embedder.cache) == before
    np.testing.assert_array_equal(again, v[[2, 0]])


def test_text_key_is_content_hash():
    assert text_key("a") == text_key("a") != text_key("b")


def test_load_embedder_accepts_objects_and_rejects_others():
    class Fake:
        def encode(self, texts):
            return np.ones((len(texts), 2), np.float32)

    fake = Fake()
    assert load_embedder(fake) is fake
    assert isinstance(load_embedder("auto"), SentenceEmbedder)
    with pytest.raises(TypeError, match="encode"):
        load_embedder(3.5)


def test_loading_prints_no_weights_bar_and_restores_transformers_settings(capfd):
    """Issue #15: transformers' "Loading weights" bar printed on every run."""
    from transformers.utils import logging as hf_logging

    before = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    SentenceEmbedder().encode(["The summit was held in Anchorage."])  # a fresh instance loads the model
    assert "Loading weights" not in capfd.readouterr().err
    assert (hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()) == before


class _CountingModel:
    """Stands in for the sentence-transformers model: records the blocks it is given."""

    def __init__(self):
        self.blocks: list[int] = []

    def encode(self, texts, **kwargs):
        self.blocks.append(len(texts))
        rng = np.random.default_rng(len(self.blocks))
        return rng.normal(size=(len(texts), 8)).astype(np.float32)


@pytest.mark.parametrize(("n", "disable"), [(50, True), (3000, None)])
def test_encode_shows_a_progress_bar_on_long_work_only(n, disable, monkeypatch):
    """Issue #15: no progress during embedding in a notebook; disable=None hides it without a terminal."""
    import checker.models.embed as embed

    seen = []
    real = embed.tqdm
    monkeypatch.setattr(embed, "tqdm", lambda *a, **k: seen.append(k) or real(*a, **k))
    emb = SentenceEmbedder(batch_size=16)
    emb.__dict__["_model"] = model = _CountingModel()  # no weights needed: the batching is under test
    texts = [f"claim number {i}" for i in range(n)]
    vectors = emb.encode(texts)
    assert [k["disable"] for k in seen] == [disable] and seen[0]["desc"] == "embed"
    assert sum(model.blocks) == n and max(model.blocks) <= 16 * embed.PROGRESS_BLOCK
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(emb.encode(texts[:3]), vectors[:3])  # order kept, cached
