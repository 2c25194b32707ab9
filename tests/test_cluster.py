import numpy as np
import pandas as pd
import pytest

from checker.steps.cluster import cluster_claims, nearest_neighbours, summarise_clusters


def _unit(rows):
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture
def vectors():
    # two tight groups and one loner
    return _unit([[1, 0.05, 0], [1, 0, 0.05], [0, 1, 0.02], [0.03, 1, 0], [0, 0, 1]])


def test_nearest_neighbours_top_k_and_threshold(vectors):
    nn = nearest_neighbours(vectors, 1)
    assert len(nn) == 5 and (nn["a"] != nn["b"]).all()
    assert dict(zip(nn["a"], nn["b"], strict=True))[0] == 1
    assert nearest_neighbours(vectors, 4, min_similarity=0.9)["similarity"].min() >= 0.9
    assert nearest_neighbours(vectors[:1], 3).empty


def test_cluster_ids_order_independent(vectors):
    ids = ["k5", "k3", "k9", "k1", "k7"]
    labels = cluster_claims(ids, vectors, distance_threshold=0.3)
    assert labels == ["c-k3", "c-k3", "c-k1", "c-k1", "c-k7"]
    perm = [4, 2, 0, 3, 1]
    shuffled = cluster_claims([ids[i] for i in perm], vectors[perm], distance_threshold=0.3)
    assert shuffled == [labels[i] for i in perm]


def test_cluster_threshold_controls_merging(vectors):
    assert len(set(cluster_claims(list("abcde"), vectors, distance_threshold=0.0001))) == 5
    assert len(set(cluster_claims(list("abcde"), vectors, distance_threshold=1.5))) == 1


def test_summarise_clusters(vectors):
    claims = pd.DataFrame(
        {
            "claim_id": list("abcde"),
            "article_id": ["x", "y", "x", "x", "z"],
            "text": list("ABCDE"),
            "cluster_id": ["c-a", "c-a", "c-c", "c-c", "c-e"],
            "status": ["corroborated", "contradicted", "single_source", "corroborated", "single_source"],
        }
    )
    s = summarise_clusters(claims, vectors).set_index("cluster_id")
    assert s.loc["c-a", "n_articles"] == 2 and s.loc["c-c", "n_articles"] == 1
    assert s.loc["c-a", "status"] == "contradicted"  # a tie goes to the more serious status
    assert s.loc["c-e", "claim_ids"] == ["e"]
    # one stray contradicted claim among claims most outlets corroborate does not label the cluster
    five = claims.assign(cluster_id="c-a", status=["corroborated"] * 4 + ["contradicted"])
    assert summarise_clusters(five, vectors).loc[0, "status"] == "corroborated"


def test_large_components_are_split_before_linkage():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 16))
    v = centres[rng.integers(0, 40, 600)] + 0.3 * rng.normal(size=(600, 16))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ids = [f"k{i:04d}" for i in range(600)]
    exact = cluster_claims(ids, v, distance_threshold=0.45, max_linkage=10_000)
    capped = cluster_claims(ids, v, distance_threshold=0.45, max_linkage=50)
    assert capped == cluster_claims(ids[::-1], v[::-1], distance_threshold=0.45, max_linkage=50)[::-1]
    # Here splitting only cut clusters apart: every capped cluster lies inside one exact cluster.
    pairs = {(c, e) for c, e in zip(capped, exact, strict=True)}
    assert len({c for c, _ in pairs}) == len(pairs)
    assert len(set(capped)) > len(set(exact))  # the cap did split something
