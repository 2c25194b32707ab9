"""The one step sequence: claims, embed, cluster and pairs, NLI, pair rules, relations and findings.

``run_steps(parts, known)`` is shared by ``checker.check()`` (everything new, held in memory), the
nightly job (``known`` is the store: only new work is done) and the benchmarks. ``known`` says what
is already known and keeps what each step adds; each step asks it for the work still to do, in
chunks, so the nightly job commits after every chunk and a killed run resumes where it stopped.

Data flows one way: inputs -> run_steps -> steps -> rules / models. Neighbour and pair settings
(``neighbour_settings``), the pair rules and the findings are built here and nowhere else.

Example:
    >>> from checker.pipeline import Checker                          # doctest: +SKIP
    >>> parts = Checker()                                             # doctest: +SKIP
    >>> outcome = run_steps(parts, InMemory(articles))                # doctest: +SKIP
    >>> outcome.findings[["kind", "explanation"]]                     # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from checker.config import CheckConfig
from checker.errors import CheckerError
from checker.schemas import CLAIMS, FINDINGS, PAIRS, RESIDUE, empty_frame, nli_text
from checker.steps import claims as claims_step
from checker.steps import cluster, pairs, relations, score

if TYPE_CHECKING:
    from checker.pipeline import Checker

logger = logging.getLogger(__name__)

STEPS = ("claims", "embed", "cluster", "nli", "findings")
PAIR_CHUNK = 20_000  # pairs per NLI call in memory


class Known(Protocol):
    """What is already known, and where each step's results go (memory, or the nightly store).

    Work is handed out in chunks (``*_to_*`` iterators) and each chunk's result is added before the
    next is asked for, so a store can commit per chunk. ``hook(point)`` is called after each write
    and at the end of each step (test fault injection; a no-op otherwise).
    """

    def articles_to_extract(self) -> Iterator[pd.DataFrame]: ...
    def add_claims(self, articles: pd.DataFrame, claims: pd.DataFrame, residue: pd.DataFrame) -> None: ...
    def claims_to_embed(self) -> Iterator[pd.DataFrame]: ...
    def add_vectors(self, claim_ids: list[str], vectors: np.ndarray) -> None: ...
    def unclustered(self) -> tuple[list[str], np.ndarray]: ...
    def claims(self) -> pd.DataFrame: ...
    def vectors(self, claim_ids: list[str]) -> np.ndarray: ...
    def stored_neighbours(self, vectors: np.ndarray, k: int, min_similarity: float) -> pd.DataFrame: ...
    def members(self, cluster_ids: list[str]) -> tuple[pd.DataFrame, np.ndarray]: ...
    def add_clusters(self, assigned: pd.DataFrame, pairs: pd.DataFrame) -> None: ...
    def pairs_to_score(self) -> Iterator[pd.DataFrame]: ...
    def add_scores(self, scored: pd.DataFrame) -> None: ...
    def everything(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]: ...
    def add_findings(self, findings: pd.DataFrame, claims: pd.DataFrame) -> None: ...
    def hook(self, point: str) -> None: ...


@dataclasses.dataclass
class Outcome:
    """What run_steps produced (frames: checker.schemas) and what it did.

    counts: new_claims, new_clusters (clusters a new claim started), joined (new claims that joined a
    stored cluster), pairs_selected, pairs_scored. timings_s: seconds per step in STEPS.
    """

    articles: pd.DataFrame
    claims: pd.DataFrame
    pairs: pd.DataFrame
    findings: pd.DataFrame
    residue: pd.DataFrame
    counts: dict[str, int]
    timings_s: dict[str, float]


def neighbour_settings(config: CheckConfig) -> tuple[int, float]:
    """(k, min_similarity) of the nearest-neighbour search that clustering and pairing share."""
    return max(config.pairs.neighbours, 10), min(
        config.pairs.min_similarity, 1 - config.cluster.distance_threshold
    )


def run_steps(parts: Checker, known: Known) -> Outcome:
    """Run every step on what ``known`` has not done yet, then derive findings over everything.

    Args:
        parts: the models and config (a Checker: models load on first use).
        known: InMemory(articles) for a batch check; the nightly job's store otherwise.

    Raises:
        CheckerError: a model returned the wrong shape; step errors (CheckerError subclasses).
    """
    cfg, counts, timings = parts.config, dict.fromkeys(("new_claims", "new_clusters", "joined",
                                                        "pairs_selected", "pairs_scored"), 0), {}  # fmt: skip
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[step], clock = round(now - clock, 3), now
        logger.info("%s done in %.1f s", step, timings[step])
        known.hook(step)

    for chunk in known.articles_to_extract():
        found, residue = claims_step.extract_claims(chunk, config=cfg.claims, nlp=parts.nlp)
        known.add_claims(chunk, found, residue)
        counts["new_claims"] += len(found)
    lap("claims")

    for chunk in known.claims_to_embed():
        vectors = np.asarray(parts.embedder.encode(nli_text(chunk).tolist()), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(chunk):
            raise CheckerError(
                f"the embedder gave shape {vectors.shape} for {len(chunk)} texts; expected (n, d)"
            )
        known.add_vectors(chunk["claim_id"].tolist(), vectors)
    lap("embed")

    ids, vecs = known.unclustered()
    if ids:
        _cluster_and_pair(cfg, known, ids, vecs, counts)
    lap("cluster")

    for chunk in known.pairs_to_score():
        every = known.claims()
        scored = score.score_pairs(chunk, every, parts.nli, strip_attribution=cfg.nli.strip_attribution)
        scored["details"] = score.detail_checks(chunk, every, parts.nli)
        known.add_scores(scored)
        counts["pairs_scored"] += len(scored)
    lap("nli")

    articles, every, scored, residue = known.everything()
    scored = score.pair_rules(scored, every)
    articles, every, labelled, findings = relations.conclude(articles, every, scored, residue, cfg.relations)
    known.add_findings(findings, every)
    lap("findings")
    return Outcome(articles, every, labelled, findings, residue, counts, timings)


def _cluster_and_pair(cfg: CheckConfig, known: Known, ids: list[str], vecs: np.ndarray, counts: dict) -> None:
    """Cluster ids and pair candidates of the new claims, added to ``known`` together."""
    k, min_sim = neighbour_settings(cfg)
    every = known.claims()
    position = pd.Series(np.arange(len(every)), index=every["claim_id"])
    stored = known.stored_neighbours(vecs, k, min_sim).merge(every[["claim_id", "cluster_id"]], on="claim_id")
    dense = cluster.nearest_neighbours(vecs, k, min_similarity=min_sim)
    assigned = cluster.assign_clusters(
        ids, vecs, stored=stored, members=known.members, neighbours=dense,
        distance_threshold=cfg.cluster.distance_threshold,
    )  # fmt: skip
    new = position.loc[ids].to_numpy()
    all_ids = every["claim_id"].to_numpy()
    found = pairs.candidates(
        every["text"].tolist(),
        new,
        lambda pos: known.vectors(all_ids[pos].tolist()),
        dense,
        stored.assign(b=position.loc[stored["claim_id"]].to_numpy()),
        cfg.pairs,
        every["frames"].tolist() if "frames" in every else None,
        every["values"].tolist() if "values" in every else None,
    )
    selected = pairs.select_pairs(every, found, cfg.pairs)
    frame = pd.DataFrame({"claim_id": ids, "cluster_id": assigned})
    known.add_clusters(frame, selected)
    joined = stored.loc[stored["similarity"] >= 1 - cfg.cluster.distance_threshold, "cluster_id"]
    counts["joined"] = int(frame["cluster_id"].isin(set(joined)).sum())
    counts["new_clusters"] = int(frame.loc[~frame["cluster_id"].isin(set(joined)), "cluster_id"].nunique())
    counts["pairs_selected"] = len(selected)


class InMemory:
    """``Known`` for a batch check: nothing is known but the articles; results are kept in frames."""

    def __init__(self, articles: pd.DataFrame):
        self.articles = articles
        self.found = empty_frame(CLAIMS)
        self.residue = empty_frame(RESIDUE)
        self._vectors = np.zeros((0, 1), np.float32)
        self.pairs = pd.DataFrame(columns=PAIRS[:6])
        self.scored = pd.DataFrame(columns=[c for c in PAIRS if c not in ("relation", "opposed", "stronger")])
        self.findings = empty_frame(FINDINGS)
        self._scored: list[pd.DataFrame] = []

    def hook(self, point: str) -> None:
        """No fault injection in memory."""

    def articles_to_extract(self) -> Iterator[pd.DataFrame]:
        if len(self.articles):
            yield self.articles

    def add_claims(self, articles: pd.DataFrame, claims: pd.DataFrame, residue: pd.DataFrame) -> None:
        self.found, self.residue = claims.reset_index(drop=True), residue.reset_index(drop=True)

    def claims_to_embed(self) -> Iterator[pd.DataFrame]:
        if len(self.found):
            yield self.found[["claim_id", "text", "norm_text"]]

    def add_vectors(self, claim_ids: list[str], vectors: np.ndarray) -> None:
        self._vectors = vectors

    def unclustered(self) -> tuple[list[str], np.ndarray]:
        return self.found["claim_id"].tolist(), self._vectors[: len(self.found)]

    def claims(self) -> pd.DataFrame:
        return self.found

    def vectors(self, claim_ids: list[str]) -> np.ndarray:
        rows = pd.Series(np.arange(len(self.found)), index=self.found["claim_id"])
        return self._vectors[rows.loc[list(claim_ids)].to_numpy()] if len(claim_ids) else self._vectors[:0]

    def stored_neighbours(self, vectors: np.ndarray, k: int, min_similarity: float) -> pd.DataFrame:
        return pd.DataFrame({"a": np.zeros(0, np.int64), "claim_id": [], "similarity": np.zeros(0)})

    def members(self, cluster_ids: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        return pd.DataFrame({"claim_id": [], "cluster_id": []}), np.zeros(
            (0, self._vectors.shape[1]), np.float32
        )

    def add_clusters(self, assigned: pd.DataFrame, pairs: pd.DataFrame) -> None:
        self.found = self.found.assign(cluster_id=assigned["cluster_id"].to_numpy())
        self.pairs = pairs

    def pairs_to_score(self) -> Iterator[pd.DataFrame]:
        # chunks bound the memory of the text stream sent to NLI (a 20 MB corpus has ~1M pairs)
        for start in range(0, len(self.pairs), PAIR_CHUNK):
            yield self.pairs.iloc[start : start + PAIR_CHUNK]

    def add_scores(self, scored: pd.DataFrame) -> None:
        self._scored.append(scored)

    def everything(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        scored = pd.concat(self._scored, ignore_index=True) if self._scored else self.scored
        if scored.empty:
            scored = self.pairs.assign(**{c: pd.Series(dtype=bool if c == "truncated" else float)
                                          for c in self.scored.columns if c not in self.pairs})  # fmt: skip
        return self.articles, self.found, scored, self.residue

    def add_findings(self, findings: pd.DataFrame, claims: pd.DataFrame) -> None:
        self.findings = findings

    @property
    def all_vectors(self) -> np.ndarray:
        """Vectors of every claim, in claims order."""
        return self._vectors[: len(self.found)] if len(self.found) else np.zeros((0, 1), np.float32)


__all__ = ["STEPS", "InMemory", "Known", "Outcome", "neighbour_settings", "run_steps"]
