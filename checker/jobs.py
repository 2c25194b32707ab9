"""The nightly job: add new articles to a persistent store, compute only what is new, report what changed.

Steps, each committed in its own transaction(s) (checker.store), so a run killed at any point leaves
a consistent store; the next run resumes the unfinished run (same run id) and completes its work:

1. ingest: read the inputs; articles whose article_id is already stored are left alone.
2. claims: extract claims from stored articles that have none yet, ``_CLAIM_BATCH`` articles at a time.
3. embed: vectors for claims that have none from this embedder.
4. cluster: unclustered claims join a stored cluster or form new ones (joining rule: checker.index);
   their pair candidates are selected in the same transaction. A stored claim never changes cluster id.
5. nli: score selected pairs that have no score from this NLI model, ``_NLI_BATCH`` pairs at a time.
6. findings: relations, claim status and findings over all stored pairs and claims (no model: cheap).
7. report: ``<report_dir>/<YYYY-MM-DD>_run<N>/`` with report.html, report.md, findings.jsonl,
   run.json, changes.json and changes.md ("What changed since the last run").

Pair candidates are built as Checker.check builds them (dense plus lexical neighbours), for the new
claims only: stored claims keep the partners they were given.

A run with no new article and no unfinished work writes nothing: no run row, no report.

Test hook: with CHECKER_NIGHTLY_FAIL_AT set to one of FAIL_POINTS the process exits at once with
status 137 there, as if killed ("-write" points are inside an open transaction). Only tests use it.

Example:
    >>> result = run_nightly(["feeds/today/"], store="nightly.sqlite")   # doctest: +SKIP
    >>> result.counts["new_findings"], result.reports["html"]           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from checker import claims as claims_step
from checker import cluster, ingest, nli, pairs, relations
from checker.config import CheckConfig
from checker.errors import CheckerError, StoreError
from checker.index import (
    JOIN_RULE,
    LINK_K,
    ClaimIndex,
    StoreKeys,
    _digest,
    join_clusters,
    model_key,
    store_keys,
)
from checker.pipeline import Checker, CheckResult
from checker.report.changes import _records, changes_markdown
from checker.store import Store

__all__ = [
    "COUNTS",
    "FAIL_POINTS",
    "HISTORY_COLUMNS",
    "JOIN_RULE",
    "LINK_K",
    "ClaimIndex",
    "NightlyResult",
    "StoreKeys",
    "changes_markdown",
    "join_clusters",
    "model_key",
    "run_history",
    "run_nightly",
    "store_keys",
]

logger = logging.getLogger(__name__)

FAIL_POINTS = ("ingest", "claims-write", "claims", "embed-write", "embed", "cluster-write", "cluster",
               "nli-write", "nli", "findings", "report")  # fmt: skip
_FAIL_ENV = "CHECKER_NIGHTLY_FAIL_AT"
_CLAIM_BATCH = 64  # articles per claims transaction: a kill loses at most this much spaCy work
_EMBED_BATCH = 2048
_NLI_BATCH = 1024
HISTORY_COLUMNS = ["run_id", "started", "finished", "status", "attempts", "new_articles", "new_claims",
                   "pairs_scored", "new_findings", "resolved_findings", "skipped", "report_dir"]  # fmt: skip
COUNTS = ("new_articles", "known_articles", "skipped", "new_claims", "new_clusters", "pairs_scored",
          "new_findings", "resolved_findings", "status_changes", "articles", "claims",
          "findings")  # fmt: skip
_KIND_ORDER = ("contradiction", "intra_article_conflict", "stronger_claim", "entity_mismatch",
               "number_mismatch", "date_mismatch", "generated_residue", "single_source")  # fmt: skip


def _fail_point(point: str) -> None:
    # Test hook (module docstring): die like a killed process, without cleanup, flush or commit.
    if os.environ.get(_FAIL_ENV) == point:
        os._exit(137)


@dataclasses.dataclass
class NightlyResult:
    """What one nightly run did. ``run_id`` is None when there was nothing new (store unchanged).

    counts: COUNTS: new_articles, known_articles, skipped, new_claims, new_clusters, pairs_scored,
    new_findings, resolved_findings, status_changes, and the store's totals articles, claims, findings.
    changes: frames new_articles, new_clusters, new_findings, resolved_findings, status_changes.
    reports: paths by name (html, md, changes_json, changes_md).
    """

    run_id: int | None
    counts: dict[str, int]
    changes: dict[str, pd.DataFrame]
    reports: dict[str, Path]
    skipped: pd.DataFrame
    resumed: bool = False

    @property
    def exit_code(self) -> int:
        """0 when every input was read, 1 when some were skipped."""
        return 1 if len(self.skipped) else 0


@dataclasses.dataclass
class _State:
    """The whole store after the findings step, as the reports need it."""

    articles: pd.DataFrame
    claims: pd.DataFrame
    pairs: pd.DataFrame
    residue: pd.DataFrame


class _Job:
    """The steps of one run over an open store; they share the store, the models, the keys and the run id."""

    def __init__(self, db: Store, parts: Checker, keys: StoreKeys, run_id: int):
        self.db, self.parts, self.cfg, self.keys, self.run_id = db, parts, parts.config, keys, run_id

    def step(self, name: str, detail: str = "") -> None:
        logger.info("run %d step %s%s", self.run_id, name, f": {detail}" if detail else "")

    def extract(self) -> None:
        todo = self.db.articles(unextracted=True)
        if todo.empty:
            return
        self.step("claims", f"{len(todo)} articles")
        nlp, meta = self.parts.nlp, getattr(self.parts.nlp, "meta", {}) or {}
        key = f"{self.cfg.claims.name}|{meta.get('name', '')}-{meta.get('version', '')}|"
        key += _digest(dataclasses.asdict(self.cfg.claims))
        if others := self.db.claims_keys() - {key}:
            logger.warning(
                "stored claims come from %s, new ones from %s; stored articles are not re-extracted",
                sorted(others),
                key,
            )
        for start in range(0, len(todo), _CLAIM_BATCH):
            chunk = todo.iloc[start : start + _CLAIM_BATCH]
            found, residue = claims_step.extract_claims(chunk, config=self.cfg.claims, nlp=nlp)
            with self.db.transaction():
                self.db.add_claims(
                    chunk["article_id"].tolist(), found, residue, claims_key=key, run_id=self.run_id
                )
                _fail_point("claims-write")
            _fail_point("claims")

    def embed(self) -> None:
        todo = self.db.claims_to_embed(self.keys.embed)
        self.step("embed", f"{len(todo)} claims")
        for start in range(0, len(todo), _EMBED_BATCH):
            chunk = todo.iloc[start : start + _EMBED_BATCH]
            vectors = np.asarray(self.parts.embedder.encode(chunk["text"].tolist()), dtype=np.float32)
            if vectors.ndim != 2 or len(vectors) != len(chunk):
                raise CheckerError(
                    f"the embedder gave shape {vectors.shape} for {len(chunk)} texts; expected (n, d)"
                )
            with self.db.transaction():
                self.db.add_embeddings(chunk["claim_id"].tolist(), vectors, self.keys.embed)
                _fail_point("embed-write")
        _fail_point("embed")

    def cluster(self) -> None:
        """Cluster ids and pair candidates for the claims that have none, in one transaction."""
        self.step("cluster")
        db, keys, thr = self.db, self.keys, self.cfg.cluster.distance_threshold
        index = ClaimIndex(db.path, keys.cluster)
        index.sync(db, keys)
        ids, vecs = db.unclustered(keys.embed, keys.cluster)
        if not ids:
            return
        k = max(self.cfg.pairs.neighbours, 10)  # the neighbours Checker.check clusters and pairs with
        min_sim = min(self.cfg.pairs.min_similarity, 1 - thr)
        every = db.claims(keys.cluster)  # by claim_id; neighbour frames hold positions in it
        hits = index.search(vecs, k, min_sim).merge(every[["claim_id", "cluster_id"]], on="claim_id")
        candidates = sorted(set(hits.loc[hits["similarity"] >= 1 - thr, "cluster_id"]))
        members, member_vectors = db.clustered(keys.embed, keys.cluster, candidates)
        joined = np.array(
            join_clusters(vecs, hits, members, member_vectors, distance_threshold=thr), dtype=object
        )
        left = np.flatnonzero(joined == "")
        if len(left):
            nn = cluster.nearest_neighbours(vecs[left], k, min_similarity=min_sim)
            joined[left] = cluster.cluster_claims(
                [ids[i] for i in left], vecs[left], distance_threshold=thr, neighbours=nn
            )
        dense = cluster.nearest_neighbours(vecs, k, min_similarity=min_sim)
        selected = pairs.select_pairs(every, self._candidates(every, ids, vecs, dense, hits), self.cfg.pairs)
        with db.transaction():
            db.add_clusters(pd.DataFrame({"claim_id": ids, "cluster_id": joined}), keys.cluster, self.run_id)
            _fail_point("cluster-write")
            db.add_pairs(selected, keys.cluster, self.run_id)
        logger.info(
            "run %d: %d new claims, %d joined stored clusters, %d pairs selected",
            self.run_id,
            len(ids),
            len(ids) - len(left),
            len(selected),
        )
        _fail_point("cluster")
        index.add(ids, vecs)
        index.save()

    def _candidates(
        self, every: pd.DataFrame, ids: list[str], vecs: np.ndarray, dense: pd.DataFrame, hits: pd.DataFrame
    ) -> pd.DataFrame:
        """Pair candidates of the new claims (a, b positions in ``every``): dense neighbours among new
        and among stored claims, and lexical ones, with their cosine, as Checker.check builds them."""
        position = pd.Series(np.arange(len(every)), index=every["claim_id"])
        new_pos = position.loc[ids].to_numpy()
        stored = pd.DataFrame(
            {
                "a": new_pos[hits["a"]],
                "b": position.loc[hits["claim_id"]].to_numpy(),
                "similarity": hits["similarity"],
            }
        )
        # TF-IDF weights are corpus-wide, so lexical neighbours are found over every stored claim and
        # the rows of new claims kept (pairs.lexical_neighbours has no query-rows argument).
        lexical = pairs.lexical_neighbours(
            every["text"].tolist(),
            self.cfg.pairs.lexical_neighbours,
            min_similarity=self.cfg.pairs.min_lexical,
        )
        lexical = lexical[lexical["a"].isin(new_pos)].reset_index(drop=True)
        if len(lexical):
            vec_a = vecs[pd.Series(np.arange(len(ids)), index=new_pos).loc[lexical["a"]].to_numpy()]
            vec_b = self.db.vectors(self.keys.embed, every["claim_id"].to_numpy()[lexical["b"]].tolist())
            lexical["similarity"] = np.einsum("ij,ij->i", vec_a, vec_b).astype(float)
        dense = dense.assign(a=new_pos[dense["a"]], b=new_pos[dense["b"]])
        return pd.concat([dense, stored, lexical], ignore_index=True).astype({"a": np.int64, "b": np.int64})

    def score(self) -> None:
        todo = self.db.pairs_to_score(self.keys.cluster, self.keys.nli)
        self.step("nli", f"{len(todo)} pairs")
        if todo.empty:
            return
        texts = self.db.claims(self.keys.cluster)[["claim_id", "text"]]
        for start in range(0, len(todo), _NLI_BATCH):
            scored = nli.score_pairs(
                todo.iloc[start : start + _NLI_BATCH],
                texts,
                self.parts.nli,
                strip_attribution=self.cfg.nli.strip_attribution,
            )
            scored["opposed"] = claims_step.opposed_verbs(scored, texts, self.parts.nlp)
            with self.db.transaction():
                self.db.add_scores(scored, self.keys.nli, self.run_id)
                _fail_point("nli-write")
            _fail_point("nli")

    def findings(self) -> _State:
        """Relations, statuses and findings over the whole store, in Checker.check's order."""
        self.step("findings")
        db, cfg = self.db, self.cfg
        articles, claims, residue = db.articles(), db.claims(self.keys.cluster), db.residue()
        scored = db.scored_pairs(self.keys.cluster, self.keys.nli)
        if (unchecked := scored["opposed"].isna()).any():  # scored before the store kept this check
            scored.loc[unchecked, "opposed"] = claims_step.opposed_verbs(
                scored[unchecked], claims, self.parts.nlp
            )
            db.set_opposed(scored[unchecked], self.keys.nli)
        scored_articles, claims, scored, findings = relations.conclude(
            articles, claims, scored, residue, cfg.relations
        )
        with db.transaction():
            db.save_findings(findings, self.run_id)
            db.save_statuses(claims[["claim_id", "status", "n_sources"]], self.run_id)
            db.set_meta("findings_key", self.keys.findings)
        _fail_point("findings")
        return _State(scored_articles, claims, scored, residue)

    def summary(self, counts: dict[str, int]) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
        """What this run changed, and its counts."""
        db, run_id = self.db, self.run_id
        changes = db.changes(run_id, self.keys.cluster)
        order = {k: i for i, k in enumerate(_KIND_ORDER)}
        for name in ("new_findings", "resolved_findings"):
            frame = changes[name]
            rank = frame["kind"].map(order).fillna(len(order)).to_numpy()
            changes[name] = frame.iloc[np.lexsort((-frame["score"].to_numpy(dtype=float), rank))]
        counts = {
            "new_articles": db.count("articles", "first_run", run_id),
            **counts,
            "new_claims": db.count("claims", "first_run", run_id),
            "new_clusters": len(changes["new_clusters"]),
            "pairs_scored": db.count("scores", "run_id", run_id),
            "new_findings": len(changes["new_findings"]),
            "resolved_findings": len(changes["resolved_findings"]),
            "status_changes": len(changes["status_changes"]),
            "articles": db.count("articles"),
            "claims": db.count("claims"),
            "findings": len(db.findings()),
        }
        return changes, counts

    def report(
        self,
        state: _State,
        out: Path,
        skipped: pd.DataFrame,
        changes: dict[str, pd.DataFrame],
        counts: dict[str, int],
    ) -> dict[str, Path]:
        """Reports over the whole store, and what changed, in ``out``."""
        self.step("report", str(out))
        db, run = self.db, self.db.run(self.run_id)
        clusters = cluster.summarise_clusters(
            state.claims, db.vectors(self.keys.embed, state.claims["claim_id"])
        )
        findings = db.findings().drop(columns="resolved_run")
        # The renderers show explanations only, so the run that first saw a finding goes into its text.
        shown = findings.assign(
            explanation=[
                f"{e} (first seen in run {r})"
                for e, r in zip(findings["explanation"], findings["first_run"], strict=True)
            ]
        )
        record = {
            "created": run["started"],
            "run_id": self.run_id,
            "attempts": run["attempts"],
            "counts": counts,
            "models": json.loads(run["models"]),
            "config": json.loads(run["config"]),
        }
        result = CheckResult(
            articles=state.articles,
            claims=state.claims,
            clusters=clusters,
            pairs=state.pairs,
            findings=shown,
            skipped=skipped,
            residue=state.residue,
            run=record,
        )
        _fail_point("report")
        result.save(out, formats=("html", "md", "json"))
        runs = db.run_counts()
        done = runs.loc[(runs["run_id"] < self.run_id) & (runs["status"] == "done"), "run_id"]
        new_clusters = changes["new_clusters"][["cluster_id"]].merge(clusters, on="cluster_id", how="left")
        summary = {
            "run_id": self.run_id,
            "previous_run": int(done.max()) if len(done) else None,
            "started": run["started"],
            "counts": counts,
            **{name: _records(frame) for name, frame in changes.items()},
            "new_clusters": _records(new_clusters.drop(columns="claim_ids")),
        }
        (out / "changes.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        (out / "changes.md").write_text(changes_markdown(summary), encoding="utf-8")
        names = {
            "html": "report.html",
            "md": "report.md",
            "changes_json": "changes.json",
            "changes_md": "changes.md",
        }
        return {name: out / file for name, file in names.items()}


def run_nightly(
    inputs: Any,
    *,
    store: str | Path,
    config: CheckConfig | None = None,
    embedder: Any = None,
    nli: Any = None,
    nlp: Any = None,
    report_dir: str | Path | None = None,
) -> NightlyResult:
    """Add new articles to the store, compute only what is new, and write a dated report of the changes.

    Args:
        inputs: what checker.read_articles takes (paths, folders, a DataFrame).
        store: the store file (SQLite; created when absent). Its lock is ``<store>.lock``.
        config: all tunables (CheckConfig).
        embedder, nli, nlp: model objects, paths or names, as for Checker.
        report_dir: folder for the dated run folders (default ``<store folder>/reports``).

    Raises:
        StoreLockedError: another run holds the store.
        StoreError: the store is unusable; CheckerError subclasses from the steps.

    Example:
        >>> result = run_nightly("data/demo", store="/tmp/demo.sqlite")   # doctest: +SKIP
        >>> result.counts["new_articles"]                                 # doctest: +SKIP
        5
    """
    parts = Checker(config, embedder=embedder, nli=nli, nlp=nlp)
    with Store(store) as db:
        articles, skipped = ingest.read_articles(inputs, config=parts.config.ingest)
        known = db.article_ids()
        fresh = articles[~articles["article_id"].isin(known)]
        keys = store_keys(parts)
        pending = {k: v for k, v in db.pending(keys.embed, keys.cluster, keys.nli).items() if v}
        stale = bool(known) and db.get_meta("findings_key") != keys.findings
        counts = {"known_articles": len(articles) - len(fresh), "skipped": len(skipped)}
        if fresh.empty and not pending and not stale:
            logger.info("nothing new: %d input article(s) already stored; store unchanged", len(articles))
            totals = {"articles": len(known), "claims": db.count("claims"), "findings": len(db.findings())}
            return NightlyResult(None, {**dict.fromkeys(COUNTS, 0), **counts, **totals}, {}, {}, skipped)
        run_id, resumed = db.start_run(config=parts.config.to_dict(), models=dataclasses.asdict(keys))
        if resumed:
            logger.warning("resuming run %d, which did not finish (%s)", run_id, pending)
        job = _Job(db, parts, keys, run_id)
        try:
            job.step("ingest", f"{len(fresh)} new article(s)")
            if len(fresh):
                db.add_articles(fresh, run_id)
            _fail_point("ingest")
            job.extract()
            job.embed()
            job.cluster()
            job.score()
            state = job.findings()
            changes, counts = job.summary(counts)
            base = Path(report_dir) if report_dir is not None else db.path.parent / "reports"
            out = base / f"{db.run(run_id)['started'][:10]}_run{run_id}"
            reports = job.report(state, out, skipped, changes, counts)
            db.finish_run(run_id, skipped=skipped.to_dict("records"), report_dir=str(out.resolve()))
        except Exception:
            with contextlib.suppress(
                StoreError
            ):  # the run stays unfinished either way: the next one resumes it
                db.finish_run(run_id, status="failed", skipped=skipped.to_dict("records"))
            raise
    logger.info("run %d done: %s", run_id, counts)
    return NightlyResult(run_id, counts, changes, reports, skipped, resumed)


def run_history(store: str | Path) -> pd.DataFrame:
    """Past runs with what each added (HISTORY_COLUMNS), oldest first.

    A run left "running" by a process that no longer holds the lock shows as "interrupted".

    Example:
        >>> run_history("nightly.sqlite")[["run_id", "status", "new_findings"]]   # doctest: +SKIP
    """
    with Store(store, readonly=True) as db:
        runs = db.run_counts()
        if not db.locked_by_other():
            runs.loc[runs["status"] == "running", "status"] = "interrupted"
    return runs[HISTORY_COLUMNS]
