"""Which claim pairs to score: nearest neighbours inside one cluster, bounded per claim.

Pure pandas. Pairs grow linearly with claims: each claim keeps at most ``PairConfig.neighbours``
partners, so a cluster of 500 near-identical claims costs 500 x k pairs, not 500^2 / 2.

Example:
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["k1", "k2"], "article_id": ["a1", "a2"], "cluster_id": ["c", "c"]})
    >>> nn = pd.DataFrame({"a": [0], "b": [1], "similarity": [0.9]})
    >>> select_pairs(claims, nn)[["claim_a", "claim_b", "kind"]].values.tolist()
    [['k1', 'k2', 'cross']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker.config import PairConfig
from checker.schemas import validate_frame


def select_pairs(claims: pd.DataFrame, neighbours: pd.DataFrame, config: PairConfig | None = None) -> pd.DataFrame:
    """Turn a neighbour frame (positional a, b, similarity over ``claims`` rows) into claim pairs.

    Keeps pairs in the same cluster with similarity >= min_similarity, from different articles
    ("cross") or, when config.intra_article, from one article ("intra"). Each unordered pair appears
    once with claim_a < claim_b. Returns claim_a, claim_b, article_a, article_b, similarity, kind.
    """
    config = config or PairConfig()
    validate_frame(claims, ["claim_id", "article_id", "cluster_id"], name="claims")
    cols = ["claim_a", "claim_b", "article_a", "article_b", "similarity", "kind"]
    nn = neighbours[neighbours["similarity"] >= config.min_similarity]
    nn = nn.sort_values(["a", "similarity"], ascending=[True, False], kind="stable")
    nn = nn.groupby("a", sort=False).head(config.neighbours)
    ids = claims["claim_id"].to_numpy()
    arts = claims["article_id"].to_numpy()
    clus = claims["cluster_id"].to_numpy()
    a, b = nn["a"].to_numpy(), nn["b"].to_numpy()
    keep = clus[a] == clus[b]
    if not config.intra_article:
        keep &= arts[a] != arts[b]
    a, b, sim = a[keep], b[keep], nn["similarity"].to_numpy()[keep]
    a, b = np.where(ids[a] <= ids[b], a, b), np.where(ids[a] <= ids[b], b, a)  # claim_a < claim_b
    out = pd.DataFrame({
        "claim_a": ids[a], "claim_b": ids[b], "article_a": arts[a], "article_b": arts[b],
        "similarity": sim.round(6), "kind": ["intra" if x == y else "cross" for x, y in zip(arts[a], arts[b])],
    }, columns=cols)
    out = out.sort_values(["claim_a", "claim_b"]).drop_duplicates(["claim_a", "claim_b"])
    return out.reset_index(drop=True)
