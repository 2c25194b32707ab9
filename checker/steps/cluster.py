"""Claim vectors -> nearest neighbours -> cluster ids: one cluster is one fact under discussion.

Clustering is average-linkage on cosine distance with a distance cut
(``ClusterConfig.distance_threshold``), run inside each connected component of the thresholded
nearest-neighbour graph. The graph keeps memory linear in the number of claims (a full distance
matrix of 15,000 claims would need 1.8 GB), and two claims further apart than the cut could not be
merged by average linkage through one edge anyway.
Large corpora chain many facts into one component (3,000 benchmark articles made one so big
that linkage peaked at 9.5 GB), so a component of more than ``MAX_LINKAGE`` claims is first split
at stricter similarity cuts.

Deterministic and order-independent: members are sorted by claim_id before linkage and a cluster's
id is "c-" + its smallest member claim_id, so the same claims in any order get the same clusters and ids.

New claims against stored clusters (the nightly job): ``join_clusters`` is the joining rule. Each
new claim's stored neighbours within the cut name candidate clusters; the claim's link to a candidate
is its mean similarity to its ``LINK_K`` nearest members there, a local stand-in for average linkage.
It joins the candidate with the highest link (ties: smallest cluster id) when that link is within the
cut. Claims that join nothing are clustered among themselves with ``cluster_claims``, so new ids are
"c-" + smallest member claim_id, as in batch mode (``assign_clusters`` does both).

Example:
    >>> import numpy as np
    >>> cluster_claims(["k2", "k1"], np.array([[1.0, 0.0], [1.0, 0.0]]), distance_threshold=0.3)
    ['c-k1', 'c-k1']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from checker.schemas import CLAIM_STATUSES

LINK_K = 5  # members a new claim is compared with in a candidate cluster (see join_clusters)
JOIN_RULE = "checker.nightly_join.v1"
# Claims above which the neighbour search and the linkage show a tqdm bar (a few seconds of work);
# disable=None below keeps bars off without a terminal (logs, cron) and on in notebooks.
PROGRESS_MIN = 20_000
_SCORE_BLOCK = 20_000_000  # similarities per block: chunk x n float32 (80 MB) and its int64 argpartition


def nearest_neighbours(
    vectors: np.ndarray, k: int, *, min_similarity: float = 0.0, chunk: int = 2048
) -> pd.DataFrame:
    """Exact top-k cosine neighbours of each row (vectors must be unit length).

    Returns a frame with positional indices ``a`` (query), ``b`` (neighbour, b != a) and
    ``similarity``, keeping only similarities >= min_similarity. Memory is chunk x n floats, with
    chunk lowered so that a block holds at most ``_SCORE_BLOCK`` similarities (a 20 MB corpus has
    about 130,000 claims: 2,048 rows of them would take 1 GB, and 2 GB more for argpartition).
    """
    n = len(vectors)
    k = min(k, n - 1)
    if k <= 0:
        return pd.DataFrame(
            {"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)}
        )
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    chunk = max(64, min(chunk, _SCORE_BLOCK // n))
    rows_a, rows_b, sims = [], [], []
    bar = None if n > PROGRESS_MIN else True
    for start in tqdm(range(0, n, chunk), desc="neighbours", unit="block", disable=bar):
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


MAX_LINKAGE = 4000  # claims per average-linkage call: its distance matrix takes 8 * n**2 / 2 bytes (64 MB)


def _groups(labels: np.ndarray) -> list[np.ndarray]:
    """Row positions grouped by label, in O(n log n)."""
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    return connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)[1]


def _parts(members: np.ndarray, edges: tuple, threshold: float, cap: int) -> list[np.ndarray]:
    """Split a component larger than ``cap`` by keeping only edges of similarity >= threshold,
    raised by 0.05 until every part fits (near-duplicates, above 0.99, are kept whole)."""
    if len(members) <= cap or threshold > 0.99:
        return [members]
    a, b, sim = edges
    pos = np.full(max(members.max(), a.max(initial=0), b.max(initial=0)) + 1, -1)  # row -> place in members
    pos[members] = np.arange(len(members))
    keep = (pos[a] >= 0) & (pos[b] >= 0) & (sim >= threshold)
    labels = _components(len(members), pos[a[keep]], pos[b[keep]])
    return [p for g in _groups(labels) for p in _parts(members[g], edges, threshold + 0.05, cap)]


def cluster_claims(
    claim_ids: Sequence[str],
    vectors: np.ndarray,
    *,
    distance_threshold: float = 0.45,
    neighbours: pd.DataFrame | None = None,
    k: int = 10,
    max_linkage: int = MAX_LINKAGE,
) -> list[str]:
    """Return a cluster id for each claim, in input order. Singletons get their own id.

    ``neighbours`` (positional a, b, similarity over the input rows, as from nearest_neighbours) is
    computed with ``k`` when not given; only edges within the distance cut are used. A component
    of more than ``max_linkage`` claims (large corpora chain through their neighbour graph) is
    first split at stricter similarity cuts, so memory stays bounded; clusters then never span two
    parts, which only matters for claims that are barely within the cut of each other.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = len(claim_ids)
    if n == 0:
        return []
    vecs = np.asarray(vectors, dtype=np.float32)
    nn = neighbours if neighbours is not None else nearest_neighbours(vecs, k)
    cut = 1.0 - distance_threshold
    nn = nn[nn["similarity"] >= cut]
    edges = (nn["a"].to_numpy(int), nn["b"].to_numpy(int), nn["similarity"].to_numpy(float))
    ids = np.asarray(claim_ids, dtype=object)
    out = [""] * n
    bar = tqdm(total=n, desc="cluster", unit="claim", disable=None if n > PROGRESS_MIN else True)
    for component in _groups(_components(n, edges[0], edges[1])):
        bar.update(len(component))
        for members in _parts(component, edges, cut + 0.05, max_linkage):
            # claim_id order, so input order never matters; the first member seen is the smallest
            members = members[np.argsort(ids[members], kind="stable")]
            if len(members) == 1:
                labels = np.zeros(1, dtype=np.int64)
            else:
                tree = linkage(vecs[members].astype(np.float64), method="average", metric="cosine")
                labels = fcluster(tree, t=distance_threshold, criterion="distance")
            first: dict[int, str] = {}
            for pos, lab in zip(members, labels, strict=True):
                out[pos] = "c-" + first.setdefault(int(lab), ids[pos])
    bar.close()
    return out


def summarise_clusters(claims: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    """One row per cluster: size, articles, the most central claim as representative, claim ids.

    ``status`` is the status most members hold, ties going to the more serious (contradicted >
    contested > corroborated > single_source), when claims carry a status column, else "". One stray
    claim that joined a cluster five outlets agree on does not make it "contradicted"; the conflict
    itself is a finding either way.
    """
    rank = {status: i for i, status in enumerate(CLAIM_STATUSES)}
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
                "status": min(set(statuses), key=lambda s: (-statuses.count(s), rank.get(s, 9)))
                if statuses
                else "",
                "claim_ids": sorted(members["claim_id"]),
            }
        )
    return pd.DataFrame(
        rows, columns=["cluster_id", "n_claims", "n_articles", "representative", "status", "claim_ids"]
    )


def join_clusters(
    vectors: np.ndarray,
    hits: pd.DataFrame,
    members: pd.DataFrame,
    member_vectors: np.ndarray,
    *,
    distance_threshold: float,
    link_k: int = LINK_K,
) -> list[str]:
    """The stored cluster each new vector joins, or "" (the joining rule of the module docstring).

    Args:
        vectors: new unit vectors, one row per new claim.
        hits: stored neighbours: a (row in vectors), cluster_id, similarity.
        members: claim_id, cluster_id of the candidate clusters' members, rows of member_vectors.

    Example:
        >>> hits = pd.DataFrame({"a": [0], "cluster_id": ["c-k1"], "similarity": [0.9]})
        >>> members = pd.DataFrame({"claim_id": ["k1"], "cluster_id": ["c-k1"]})
        >>> join_clusters(np.array([[1.0, 0.0]]), hits, members, np.array([[0.9, 0.436]]),
        ...               distance_threshold=0.45)
        ['c-k1']
    """
    cut = 1.0 - distance_threshold
    rows = members.groupby("cluster_id").indices
    out = [""] * len(vectors)
    for a, group in hits[hits["similarity"] >= cut].groupby("a"):
        best, best_link = "", -np.inf
        for cid in sorted(set(group["cluster_id"])):
            sims = np.sort(member_vectors[rows[cid]] @ vectors[a])[::-1][:link_k]
            if (link := float(sims.mean())) > best_link:
                best, best_link = cid, link
        if best_link >= cut:
            out[int(a)] = best
    return out


def assign_clusters(
    claim_ids: Sequence[str],
    vectors: np.ndarray,
    *,
    stored: pd.DataFrame,
    members: Callable[[list[str]], tuple[pd.DataFrame, np.ndarray]],
    neighbours: pd.DataFrame,
    distance_threshold: float,
) -> list[str]:
    """Cluster ids for new claims: join a stored cluster (join_clusters), else cluster among themselves.

    Args:
        claim_ids, vectors: the new claims and their unit vectors.
        stored: their stored neighbours: a (row), cluster_id, similarity (empty when nothing is stored).
        members: cluster ids -> (claim_id, cluster_id of their members, the members' vectors).
        neighbours: nearest neighbours among the new claims (positional a, b, similarity).
    """
    joined = np.array([""] * len(claim_ids), dtype=object)
    candidates = sorted(set(stored.loc[stored["similarity"] >= 1 - distance_threshold, "cluster_id"]))
    if candidates:
        held, held_vectors = members(candidates)
        joined[:] = join_clusters(vectors, stored, held, held_vectors, distance_threshold=distance_threshold)
    left = np.flatnonzero(joined == "")
    if len(left) == len(claim_ids):
        nn = neighbours
    else:  # neighbours among the claims left, renumbered
        where = pd.Series(np.arange(len(left)), index=left)
        nn = neighbours[neighbours["a"].isin(left) & neighbours["b"].isin(left)]
        nn = nn.assign(a=where.loc[nn["a"]].to_numpy(), b=where.loc[nn["b"]].to_numpy())
    if len(left):
        joined[left] = cluster_claims(
            [claim_ids[i] for i in left], vectors[left], distance_threshold=distance_threshold, neighbours=nn
        )
    return joined.tolist()
