"""The vector index of clustered claims beside a store: each new claim's nearest stored claims.

A usearch index of the clustered claims' vectors (``<store>.usearch``) is a cache the store rebuilds
whenever it disagrees with it. It gives the nightly job each new claim's k nearest stored claims; the
joining rule that turns them into a cluster id is checker.steps.cluster.join_clusters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from checker.nightly.keys import StoreKeys
    from checker.nightly.store import Store

__all__ = ["ClaimIndex"]

logger = logging.getLogger(__name__)


class ClaimIndex:
    """usearch index of the clustered claims' vectors, beside the store; a cache the store rebuilds.

    ``<store>.usearch`` holds the index and ``<store>.usearch.json`` the cluster key it was built for.
    The JSON is removed before and written after every save, so a half-saved index is never trusted.
    """

    def __init__(self, store_path: Path, cluster_key: str):
        self.path = Path(f"{store_path}.usearch")
        self.meta_path = Path(f"{self.path}.json")
        self.key = cluster_key
        self.index: Any = None
        self.lookup: dict[int, str] = {}

    @staticmethod
    def ikey(claim_id: str) -> int:
        """The index's integer key of a claim (60 bits of its sha1)."""
        return int(hashlib.sha1(claim_id.encode()).hexdigest()[:15], 16)

    def sync(self, db: Store, keys: StoreKeys) -> bool:
        """Load the index, or rebuild it from the store when missing, stale or unreadable; True if rebuilt."""
        ids = db.clustered_ids(keys.cluster)
        self.lookup = {self.ikey(c): c for c in ids}
        self.index = self._load()
        have = set() if self.index is None else {int(k) for k in np.asarray(self.index.keys)}
        if have == set(self.lookup) and (ids or self.index is None):
            return False
        logger.info("rebuilding the vector index %s from the store (%d claims)", self.path, len(ids))
        frame, vectors = db.clustered(keys.embed, keys.cluster)
        self.index = None
        self.add(frame["claim_id"].tolist(), vectors)
        self.save()
        return True

    def _load(self) -> Any:
        from usearch.index import Index

        if not self.meta_path.exists():
            return None
        try:
            meta = json.loads(self.meta_path.read_text())
            return Index.restore(str(self.path)) if meta.get("key") == self.key else None
        except (OSError, ValueError, RuntimeError) as e:
            logger.info("vector index %s unreadable (%s); it will be rebuilt", self.path, e)
            return None

    def add(self, claim_ids: list[str], vectors: np.ndarray) -> None:
        """Add vectors of newly clustered claims."""
        from usearch.index import Index

        if not claim_ids:
            return
        if self.index is None:
            self.index = Index(ndim=vectors.shape[1], metric="cos", dtype="f32", expansion_search=128)
        # One thread: the graph, hence approximate search results, stay the same from run to run.
        self.index.add(np.array([self.ikey(c) for c in claim_ids], dtype=np.uint64), vectors, threads=1)
        self.lookup.update({self.ikey(c): c for c in claim_ids})

    def save(self) -> None:
        """Write the index atomically, then the JSON that vouches for it."""
        self.meta_path.unlink(missing_ok=True)
        if self.index is not None:
            self.index.save(f"{self.path}.tmp")
            os.replace(f"{self.path}.tmp", self.path)
        else:
            self.path.unlink(missing_ok=True)
        Path(f"{self.meta_path}.tmp").write_text(json.dumps({"key": self.key, "size": len(self.lookup)}))
        os.replace(f"{self.meta_path}.tmp", self.meta_path)

    def search(self, vectors: np.ndarray, k: int, min_similarity: float) -> pd.DataFrame:
        """Nearest stored claims of each row: a (row), claim_id, similarity (cosine) >= min_similarity."""
        if self.index is None or not len(vectors) or not len(self.index):
            return pd.DataFrame({"a": np.zeros(0, dtype=np.int64), "claim_id": [], "similarity": np.zeros(0)})
        found = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(k, len(self.index)))
        keys, dists = np.atleast_2d(found.keys), np.atleast_2d(found.distances)
        counts = getattr(found, "counts", [len(found.keys)])  # one query row comes back unbatched
        rows = np.nonzero(np.arange(keys.shape[1])[None, :] < np.asarray(counts)[:, None])
        out = pd.DataFrame(
            {
                "a": rows[0],
                "claim_id": [self.lookup[int(k)] for k in keys[rows]],
                "similarity": (1.0 - dists[rows]).astype(float),
            }
        )
        return out[out["similarity"] >= min_similarity].reset_index(drop=True)
