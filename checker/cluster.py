"""Claim vectors -> nearest neighbours -> cluster ids: one cluster is one fact under discussion.

Clustering is average-linkage on cosine distance with a distance cut
(``ClusterConfig.distance_threshold``), run inside each connected component of the thresholded
nearest-neighbour graph. The graph keeps memory linear in the number of claims (a full distance
matrix of 15,000 claims would need 1.8 GB), and two claims further apart than the cut could not be
merged by average linkage through one edge anyway.

Deterministic and order-independent: members are sorted by claim_id before linkage and a cluster's
id is "c-" + its smallest member claim_id, so the same claims in any order get the same clusters and ids.

Example:
    >>> import numpy as np
    >>> cluster_claims(["k2", "k1"], np.array([[1.0, 0.0], [1.0, 0.0]]), distance_threshold=0.3)
    ['c-k1', 'c-k1']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

NEIGHBOUR_COLUMNS = ["a", "b", "similarity"]


def nearest_neighbours(
    vectors: np.ndarray, k: int, *, min_similarity: float = 0.0, chunk: int = 2048
) -> pd.DataFrame:
    """Exact top-k cosine neighbours of each row (vectors must be unit length).

    Returns a frame with positional indices ``a`` (query), ``b`` (neighbour, b != a) and
    ``similarity``, keeping only similarities >= min_similarity. Memory is chunk x n floats.
    """
    n = len(vectors)
    k = min(k, n - 1)
    if k <= 0:
        return pd.DataFrame(
            {"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)}
        )
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    rows_a, rows_b, sims = [], [], []
    for start in range(0, n, chunk):
        block = vectors[start : start + chunk] @ vectors.T
        np.fill_diagonal(block[:, start : start + chunk], -np.inf)
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(block, top, axis=1)
        rows_a.append(np.repeat(np.arange(start, start + len(block)), k))
        rows_b.append(top.ravel())
        sims.append(top_sims.ravel())
    out = pd.DataFrame(
        {
            "a": np.concatenate(rows_a),
            "b": np.concatenate(rows_b),
            "similarity": np.concatenate(sims).astype(float),
        }
    )
    return out[out["similarity"] >= min_similarity].reset_index(drop=True)


def cluster_claims(
    claim_ids: Sequence[str],
    vectors: np.ndarray,
    *,
    distance_threshold: float = 0.45,
    neighbours: pd.DataFrame | None = None,
    k: int = 10,
) -> list[str]:
    """Return a cluster id for each claim, in input order. Singletons get their own id.

    ``neighbours`` (positional a, b, similarity over the input rows, as from nearest_neighbours) is
    computed with ``k`` when not given; only edges within the distance cut are used.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(claim_ids)
    if n == 0:
        return []
    vecs = np.asarray(vectors, dtype=np.float32)
    nn = neighbours if neighbours is not None else nearest_neighbours(vecs, k)
    nn = nn[nn["similarity"] >= 1.0 - distance_threshold]
    graph = coo_matrix((np.ones(len(nn)), (nn["a"], nn["b"])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    ids = np.asarray(claim_ids, dtype=object)
    out = [""] * n
    for comp in np.unique(component):
        members = np.flatnonzero(component == comp)
        members = members[
            np.argsort(ids[members], kind="stable")
        ]  # claim_id order: input order never matters
        if len(members) == 1:
            labels = np.zeros(1, dtype=np.int64)
        else:
            tree = linkage(vecs[members].astype(np.float64), method="average", metric="cosine")
            labels = fcluster(tree, t=distance_threshold, criterion="distance")
        first: dict[int, str] = {}
        for pos, lab in zip(members, labels, strict=True):  # sorted: the first member seen is the smallest
            out[pos] = "c-" + first.setdefault(int(lab), ids[pos])
    return out


def summarise_clusters(claims: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    """One row per cluster: size, articles, the most central claim as representative, claim ids.

    ``status`` is the most serious member status (contradicted > contested > corroborated >
    single_source) when claims carry a status column, else "".
    """
    rank = {"contradicted": 0, "contested": 1, "corroborated": 2, "single_source": 3}
    rows = []
    vecs = np.asarray(vectors, dtype=np.float32)
    for cluster_id, idx in claims.groupby("cluster_id", sort=True).indices.items():
        members = claims.iloc[idx]
        centre = vecs[idx].mean(0)
        best = idx[int(np.argmax(vecs[idx] @ centre))]
        statuses = members["status"].tolist() if "status" in members else []
        rows.append(
            {
                "cluster_id": cluster_id,
                "n_claims": len(idx),
                "n_articles": members["article_id"].nunique(),
                "representative": claims["text"].iloc[best],
                "status": min(statuses, key=lambda s: rank.get(s, 9)) if statuses else "",
                "claim_ids": sorted(members["claim_id"]),
            }
        )
    return pd.DataFrame(
        rows, columns=["cluster_id", "n_claims", "n_articles", "representative", "status", "claim_ids"]
    )
