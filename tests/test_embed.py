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
