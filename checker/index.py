"""The nightly job's clustering side: store keys, the vector index of clustered claims, the joining rule.

``model_key`` and ``store_keys`` name the models and settings that stored rows belong to;
``ClaimIndex`` finds a new claim's nearest stored claims; ``join_clusters`` applies the joining rule.
checker.jobs re-exports every public name here.

Joining rule. A usearch index of the clustered claims' vectors (``<store>.usearch``, a cache rebuilt
from the store whenever it disagrees with it) gives each new claim its k nearest stored claims. Every
cluster of a neighbour within the cut (similarity >= 1 - distance_threshold) is a candidate; the
claim's link to a candidate is its mean similarity to its ``LINK_K`` nearest members of that cluster,
a local stand-in for the average linkage of batch clustering. The claim joins the candidate with the
highest link (ties: smallest cluster id) when that link is within the cut. Claims that join nothing
are clustered among themselves with checker.cluster.cluster_claims, so new ids are "c-" + smallest
member claim_id, as in batch mode. All new claims of a run are assigned in one transaction, against
the clusters stored before it, so the result does not depend on where an earlier attempt stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from checker.pipeline import Checker
    from checker.store import Store

__all__ = ["JOIN_RULE", "LINK_K", "ClaimIndex", "StoreKeys", "join_clusters", "model_key", "store_keys"]

# Log under checker.jobs, where this code lived before the split: tests/nightly_child.py,
# scripts/bench_nightly.py and test_jobs listen to that logger for the nightly run's messages.
logger = logging.getLogger("checker.jobs")

LINK_K = 5  # members a new claim is compared with in a candidate cluster (see the joining rule)
JOIN_RULE = "checker.nightly_join.v1"


@dataclasses.dataclass(frozen=True)
class StoreKeys:
    """Which models and settings stored rows belong to (see checker.store)."""

    embed: str
    cluster: str
    nli: str
    findings: str


def _digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _folder_fingerprint(folder: Path, head: int = 1 << 20) -> list[list]:
    """Name, size and a hash of the first MiB of each file: retrained weights differ at equal sizes."""
    found = []
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(folder)
        if file.is_file() and len(rel.parts) <= 3 and not any(p.startswith(".") for p in rel.parts):
            with file.open("rb") as fh:
                found.append([rel.as_posix(), file.stat().st_size, hashlib.sha1(fh.read(head)).hexdigest()])
    return found


def model_key(model: Any) -> str:
    """A short key naming a model and its weights: "<folder name>-<12 hex>".

    The hash covers the model's ``info`` dict (path left out, so a moved folder keeps its key), its
    ``max_length`` and, for a local folder, every file's size and leading bytes.

    Example:
        >>> class Fake:
        ...     info = {"path": "fake-embedder", "dim": 64}
        >>> model_key(Fake())
        'fake-embedder-fe333408d75f'
    """
    info = getattr(model, "info", None)
    info = dict(info) if isinstance(info, Mapping) else {"class": type(model).__qualname__}
    path = info.pop("path", None)
    material: dict[str, Any] = {"info": info, "max_length": getattr(model, "max_length", None)}
    if path and Path(path).is_dir():
        material["files"] = _folder_fingerprint(Path(path))
    name = Path(str(path)).name if path else str(info.get("class", "model"))
    return f"{name}-{_digest(material)}"


def store_keys(parts: Checker) -> StoreKeys:
    """Keys of the models and settings of a Checker's parts (loads the embedder and NLI model)."""
    cfg = parts.config
    embed = model_key(parts.embedder)
    group = _digest(embed, dataclasses.asdict(cfg.cluster), dataclasses.asdict(cfg.pairs), JOIN_RULE, LINK_K)
    # The NLI key also says which text the model saw: the claim, or the claim without its attribution
    # (v2: whole quotes with their speaker after them are cut too, so v1 scores are redone).
    nli_key = f"{model_key(parts.nli)}+{'stripped-v2' if cfg.nli.strip_attribution else 'as-is'}"
    findings = _digest(group, nli_key, dataclasses.asdict(cfg.relations))
    return StoreKeys(embed=embed, cluster=f"{cfg.cluster.name}-{group}", nli=nli_key, findings=findings)


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
