"""The nightly job's persistent store: articles, claims, vectors, clusters, pair scores and findings.

One SQLite file (WAL journal) by default. Rows are keyed by content hash plus the key of the model or
settings that produced them: embeddings by (claim_id, embed_key), cluster ids by (claim_id,
cluster_key), selected pairs by (claim_a, claim_b, cluster_key), NLI scores by (claim_a, claim_b,
nli_key). A model change therefore recomputes only what depends on that model, and nothing is stored
twice. Callers group writes with ``transaction()``; every write method also runs alone in its own.

``Store`` holds a ``Database`` (checker.nightly.db: file, lock, schema migration, transactions, query
helpers; the DDL and MIGRATIONS are in checker.nightly.schema) and adds the rows of each step and of
each run. Its keys are built in one place, checker.nightly.keys.

Example:
    >>> with Store("nightly.sqlite") as db:         # doctest: +SKIP
    ...     db.run_counts()
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from checker.errors import StoreError
from checker.nightly.db import Database, _now
from checker.nightly.schema import MIGRATIONS, SCHEMA_VERSION
from checker.schemas import ARTICLES, CLAIMS, FINDINGS, PAIRS, RESIDUE
from checker.steps.ingest import bad_inputs

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store"]

_RUN_COLS = [
    "run_id",
    "started",
    "finished",
    "status",
    "attempts",
    "config",
    "models",
    "skipped",
    "report_dir",
]
_RUN_COUNTS = {  # history column -> (table, column holding the run that added the row)
    "new_articles": ("articles", "first_run"),
    "new_claims": ("claims", "first_run"),
    "pairs_scored": ("scores", "run_id"),
    "new_findings": ("findings", "first_run"),
    "resolved_findings": ("findings", "resolved_run"),
}
_UPDATES_KEY = "updated_findings/run{}"  # meta key: findings a run updated, with their claims before it
_PROBS = ["p_entail_ab", "p_contra_ab", "p_neutral_ab", "p_entail_ba", "p_contra_ba", "p_neutral_ba"]
_PAIR_COLS = ["claim_a", "claim_b", "article_a", "article_b", "similarity", "kind"]
_CLAIM_COLS = [c for c in CLAIMS if c != "cluster_id"]  # frames: JSON text in the store
# SQL column names in _CLAIM_COLS order ("start"/"end" are reserved words in SQL)
_CLAIM_SQL = ", ".join(
    {"start": "start_char", "end": "end_char", "values": "claim_values"}.get(c, c) for c in _CLAIM_COLS
)
_PENDING = {  # unfinished work; each query counts what a step still has to produce
    "unfinished_run": "SELECT COUNT(*) FROM runs WHERE status <> 'done'",
    "articles_without_claims": "SELECT COUNT(*) FROM articles WHERE claims_key IS NULL",
    "claims_without_vectors": "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS "
    "(SELECT 1 FROM embeddings e WHERE e.claim_id = c.claim_id AND e.embed_key = ?)",
    "claims_without_cluster": "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS "
    "(SELECT 1 FROM clusters k WHERE k.claim_id = c.claim_id AND k.cluster_key = ?)",
    "pairs_without_scores": "SELECT COUNT(*) FROM pairs p WHERE p.cluster_key = ? AND NOT EXISTS (SELECT 1 "
    "FROM scores s WHERE s.claim_a = p.claim_a AND s.claim_b = p.claim_b AND s.nli_key = ?)",
}


def _claim_ids(claims: str) -> set[str]:
    """The claim ids of a finding's stored claims (JSON): what makes a finding "updated", not its text."""
    return {c["claim_id"] if isinstance(c, dict) else str(c) for c in json.loads(claims)}


def _tuples(frame: pd.DataFrame, columns: Sequence[str], **extra: Any) -> Iterator[tuple]:
    """Rows of frame[columns] (plus constant columns) as Python values, ready for the driver."""
    return frame[list(columns)].assign(**extra).astype(object).itertuples(index=False, name=None)


class Store:
    """The SQLite store of the nightly job; ``with Store(path) as db`` locks, opens and migrates it.

    Args:
        path: the database file (created when absent, with its folder).
        readonly: open without the lock and without migrating (for history listings).

    Raises (on open):
        StoreLockedError: another process holds ``<path>.lock``.
        StoreError: the file is not a store, or its schema is newer than this version understands.
    """

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False):
        self.sql = Database(path, readonly=readonly)
        self.path = self.sql.path

    def open(self) -> Self:
        """Take the lock (unless readonly), connect and migrate (see Database.open)."""
        self.sql.open()
        return self

    def close(self) -> None:
        """Close the connection and release the lock (safe to call twice)."""
        self.sql.close()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """All writes inside commit together or not at all (see Database.transaction)."""
        return self.sql.transaction()

    def locked_by_other(self) -> bool:
        """Whether another process holds the store's lock right now."""
        return self.sql.locked_by_other()

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table, or None."""
        return self.sql.get_meta(key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        self.sql.set_meta(key, value)

    def dump(self, *, skip: dict[str, Sequence[str]] | None = None) -> dict[str, list[tuple]]:
        """Every row of every table, sorted (see Database.dump)."""
        return self.sql.dump(skip=skip)

    def digest(self, *, skip: dict[str, Sequence[str]] | None = None) -> str:
        """sha256 of dump(): equal digests mean equal content."""
        return self.sql.digest(skip=skip)

    # ---- runs -------------------------------------------------------------------------------

    def start_run(self, *, config: dict, models: dict) -> tuple[int, bool]:
        """Resume the last run when it did not finish (a crash or a failure), else start a new one.

        Returns (run_id, resumed).
        """
        last = self.sql.rows("SELECT run_id, status FROM runs WHERE run_id = (SELECT MAX(run_id) FROM runs)")
        with self.sql.transaction() as cur:
            if last and last[0][1] != "done":
                sql = "UPDATE runs SET status = 'running', attempts = attempts + 1 WHERE run_id = ?"
                cur.execute(sql, (last[0][0],))
                return int(last[0][0]), True
            run_id = int(last[0][0]) + 1 if last else 1
            cur.execute(
                "INSERT INTO runs (run_id, started, status, config, models) VALUES (?, ?, 'running', ?, ?)",
                (run_id, _now(), json.dumps(config, sort_keys=True), json.dumps(models, sort_keys=True)),
            )
        return run_id, False

    def finish_run(self, run_id: int, *, status: str = "done", skipped: list[dict] | None = None,
                   report_dir: str | None = None) -> None:  # fmt: skip
        """Record the end of a run: status done (or failed), skipped inputs, report folder."""
        with self.sql.transaction() as cur:
            cur.execute(
                "UPDATE runs SET finished = ?, status = ?, skipped = ?, report_dir = ? WHERE run_id = ?",
                (_now(), status, json.dumps(skipped or [], default=str), report_dir, run_id),
            )

    def run(self, run_id: int) -> dict[str, Any]:
        """One run row as a dict."""
        rows = self.sql.rows(f"SELECT {', '.join(_RUN_COLS)} FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            raise StoreError(f"store {self.path} has no run {run_id}; see `checker history`")
        return dict(zip(_RUN_COLS, rows[0], strict=True))

    def run_counts(self) -> pd.DataFrame:
        """One row per run: started, finished, status, attempts and what the run added."""
        cols = [c for c in _RUN_COLS if c not in ("config", "models")]
        runs = self.sql.frame(f"SELECT {', '.join(cols)} FROM runs ORDER BY run_id", cols)
        for name, (table, column) in _RUN_COUNTS.items():
            found = dict(self.sql.rows(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}"))
            runs[name] = [int(found.get(r, 0)) for r in runs["run_id"]]
        runs["skipped"] = [len(bad_inputs(pd.DataFrame(json.loads(s)))) if isinstance(s, str) else 0
                           for s in runs["skipped"]]  # fmt: skip
        return runs

    def count(self, table: str, column: str | None = None, run_id: int | None = None) -> int:
        """Rows of a table, or those whose run column (first_run, run_id) is run_id."""
        where = f" WHERE {column} = ?" if column else ""
        return int(self.sql.rows(f"SELECT COUNT(*) FROM {table}{where}", [run_id] if column else [])[0][0])

    # ---- articles and claims ----------------------------------------------------------------

    def article_ids(self) -> set[str]:
        """Ids of every stored article."""
        return {r[0] for r in self.sql.rows("SELECT article_id FROM articles")}

    def article_origins(self) -> dict[str, tuple[str, int]]:
        """Where each stored article came from: article_id -> (path, first_run)."""
        rows = self.sql.rows("SELECT article_id, path, first_run FROM articles")
        return {a: (path or "", int(run)) for a, path, run in rows}

    def add_articles(self, articles: pd.DataFrame, run_id: int) -> None:
        """Store articles (ARTICLES columns); ones already stored are left as they are."""
        frame = articles.assign(removed=[json.dumps(list(r)) for r in articles["removed"]])
        self.sql.insert(
            "articles", [*ARTICLES, "first_run"], _tuples(frame, ARTICLES, first_run=run_id), "article_id"
        )

    def articles(self, *, unextracted: bool = False) -> pd.DataFrame:
        """Stored articles (ARTICLES columns) by article_id; only those without claims yet if asked."""
        where = "WHERE claims_key IS NULL " if unextracted else ""
        out = self.sql.frame(
            f"SELECT {', '.join(ARTICLES)} FROM articles {where}ORDER BY article_id", ARTICLES
        )
        return out.assign(removed=[json.loads(r) for r in out["removed"]])

    def claims_keys(self) -> set[str]:
        """The claim extractors (name and settings) that produced the stored claims."""
        sql = "SELECT DISTINCT claims_key FROM articles WHERE claims_key IS NOT NULL"
        return {r[0] for r in self.sql.rows(sql)}

    def add_claims(self, article_ids: Sequence[str], claims: pd.DataFrame, residue: pd.DataFrame, *,
                   claims_key: str, run_id: int) -> None:  # fmt: skip
        """Store the claims and residue of some articles and mark those articles as extracted."""
        # frames built before titles were claims (schema v6) are all sentences of the text
        defaults = {"part": lambda f: "body", "norm_text": lambda f: f["text"]}
        claims = claims.assign(**{c: d for c, d in defaults.items() if c not in claims})
        with self.sql.transaction() as cur:
            json_cols = {c: [json.dumps(list(x)) for x in (claims[c] if c in claims else [[]] * len(claims))]
                         for c in ("frames", "values")}  # fmt: skip
            rows = _tuples(claims.assign(**json_cols), _CLAIM_COLS, first_run=run_id)
            self.sql.insert("claims", [*_CLAIM_SQL.split(", "), "first_run"], rows, "claim_id")
            rows = _tuples(residue, ["article_id", "start", "end", "text", "pattern"])
            key = "article_id, start_char, end_char, pattern"
            self.sql.insert("residue", ["article_id", "start_char", "end_char", "text", "pattern"], rows, key)
            sql = "UPDATE articles SET claims_key = ? WHERE article_id = ?"
            cur.executemany(sql, [(claims_key, a) for a in article_ids])

    def claims(self, cluster_key: str) -> pd.DataFrame:
        """Stored claims (CLAIMS columns, cluster_id "" when not clustered yet), by claim_id."""
        select = ", ".join(f"c.{c}" for c in _CLAIM_SQL.split(", "))
        sql = (
            f"SELECT {select}, k.cluster_id FROM claims c LEFT JOIN clusters k ON k.claim_id = c.claim_id "
            "AND k.cluster_key = ? ORDER BY c.claim_id"
        )
        out = self.sql.frame(sql, [*_CLAIM_COLS, "cluster_id"], [cluster_key])[CLAIMS]
        return out.assign(
            cluster_id=out["cluster_id"].fillna(""),
            hedge_score=out["hedge_score"].astype(float),
            # claims stored before schema v4 have no frames: the opposite-verb rule skips them
            frames=[[tuple(f) for f in json.loads(x)] if isinstance(x, str) else [] for x in out["frames"]],
            values=[json.loads(x) if isinstance(x, str) else [] for x in out["values"]],
            # claims stored before schema v6 are all sentences of the text, read as written
            part=out["part"].fillna("body"),
            norm_text=out["norm_text"].fillna(out["text"]),
        )

    def residue(self) -> pd.DataFrame:
        """Generated-text residue spans (RESIDUE columns)."""
        sql = "SELECT article_id, text, start_char, end_char, pattern FROM residue ORDER BY article_id, 3, 4"
        return self.sql.frame(sql, RESIDUE)

    # ---- embeddings and clusters ------------------------------------------------------------

    def claims_to_embed(self, embed_key: str) -> pd.DataFrame:
        """claim_id, text, norm_text of claims without a vector from this embedder (embed nli_text)."""
        sql = (
            "SELECT claim_id, text, COALESCE(norm_text, text) FROM claims c WHERE NOT EXISTS (SELECT 1 "
            "FROM embeddings e WHERE e.claim_id = c.claim_id AND e.embed_key = ?) ORDER BY claim_id"
        )
        return self.sql.frame(sql, ["claim_id", "text", "norm_text"], [embed_key])

    def add_embeddings(self, claim_ids: Sequence[str], vectors: np.ndarray, embed_key: str) -> None:
        """Store float32 vectors (little-endian blobs), one per claim id."""
        dim = int(vectors.shape[1])
        rows = [(c, embed_key, dim, np.ascontiguousarray(v, dtype="<f4").tobytes())
                for c, v in zip(claim_ids, vectors, strict=True)]  # fmt: skip
        self.sql.insert("embeddings", ["claim_id", "embed_key", "dim", "vector"], rows, "claim_id, embed_key")

    @staticmethod
    def _vectors(frame: pd.DataFrame) -> np.ndarray:
        if frame.empty:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.frombuffer(b, dtype="<f4") for b in frame["vector"]]).astype(np.float32)

    def vectors(self, embed_key: str, claim_ids: Sequence[str]) -> np.ndarray:
        """Vectors of the given claims, in the given order (StoreError when one is missing)."""
        sql = "SELECT claim_id, vector FROM embeddings WHERE embed_key = ? AND claim_id IN ({ids})"
        unique = list(dict.fromkeys(claim_ids))  # a claim asked for twice must not be fetched twice
        found = self.sql.select_in(sql, unique, ["claim_id", "vector"], [embed_key]).set_index("claim_id")
        missing = [c for c in claim_ids if c not in found.index]
        if missing:
            msg = f"{len(missing)} claim(s) have no vector (e.g. {missing[0]}); run `checker nightly` again"
            raise StoreError(f"store {self.path}: {msg}")
        return self._vectors(found.loc[list(claim_ids)])

    def unclustered(self, embed_key: str, cluster_key: str) -> tuple[list[str], np.ndarray]:
        """Claims with a vector but no cluster under cluster_key, by claim_id, and their vectors."""
        sql = (
            "SELECT e.claim_id, e.vector FROM embeddings e WHERE e.embed_key = ? AND NOT EXISTS (SELECT 1 "
            "FROM clusters k WHERE k.claim_id = e.claim_id AND k.cluster_key = ?) ORDER BY e.claim_id"
        )
        found = self.sql.frame(sql, ["claim_id", "vector"], [embed_key, cluster_key])
        return found["claim_id"].tolist(), self._vectors(found)

    def clustered(self, embed_key: str, cluster_key: str, cluster_ids: Sequence[str] | None = None
                  ) -> tuple[pd.DataFrame, np.ndarray]:  # fmt: skip
        """(claim_id, cluster_id) of clustered claims, all or in the given clusters, and their vectors."""
        sql = (
            "SELECT k.claim_id, k.cluster_id, e.vector FROM clusters k JOIN embeddings e ON "
            "e.claim_id = k.claim_id AND e.embed_key = ? WHERE k.cluster_key = ?"
        )
        cols, params = ["claim_id", "cluster_id", "vector"], [embed_key, cluster_key]
        if cluster_ids is None:
            found = self.sql.frame(sql + " ORDER BY k.claim_id", cols, params)
        else:
            found = self.sql.select_in(sql + " AND k.cluster_id IN ({ids})", list(cluster_ids), cols, params)
            found = found.sort_values("claim_id", ignore_index=True)
        return found[["claim_id", "cluster_id"]], self._vectors(found)

    def clustered_ids(self, cluster_key: str) -> list[str]:
        """Ids of the claims with a cluster under cluster_key, sorted."""
        sql = "SELECT claim_id FROM clusters WHERE cluster_key = ? ORDER BY claim_id"
        return [r[0] for r in self.sql.rows(sql, [cluster_key])]

    def add_clusters(self, assigned: pd.DataFrame, cluster_key: str, run_id: int) -> None:
        """Store cluster ids (claim_id, cluster_id); a claim's existing cluster id never changes."""
        cols = ["claim_id", "cluster_key", "cluster_id", "run_id"]
        rows = _tuples(assigned.assign(cluster_key=cluster_key, run_id=run_id), cols)
        self.sql.insert("clusters", cols, rows, "claim_id, cluster_key")

    # ---- pairs and scores -------------------------------------------------------------------

    def add_pairs(self, pairs: pd.DataFrame, cluster_key: str, run_id: int) -> None:
        """Store selected pairs (claim_a, claim_b, article_a, article_b, similarity, kind)."""
        rows = _tuples(
            pairs.astype({"similarity": float}), _PAIR_COLS, cluster_key=cluster_key, run_id=run_id
        )
        key = "claim_a, claim_b, cluster_key"
        self.sql.insert("pairs", [*_PAIR_COLS, "cluster_key", "run_id"], rows, key)

    def pairs_to_score(self, cluster_key: str, nli_key: str) -> pd.DataFrame:
        """Selected pairs without scores from this NLI model, ordered by (claim_a, claim_b)."""
        sql = (
            f"SELECT {', '.join('p.' + c for c in _PAIR_COLS)} FROM pairs p WHERE p.cluster_key = ? AND "
            "NOT EXISTS (SELECT 1 FROM scores s WHERE s.claim_a = p.claim_a AND s.claim_b = p.claim_b "
            "AND s.nli_key = ?) ORDER BY p.claim_a, p.claim_b"
        )
        return self.sql.frame(sql, _PAIR_COLS, [cluster_key, nli_key]).astype({"similarity": float})

    def add_scores(self, scored: pd.DataFrame, nli_key: str, run_id: int) -> None:
        """Store NLI probabilities of scored pairs (claim_a, claim_b, p_*, truncated)."""
        frame = scored.astype({p: float for p in _PROBS}).assign(
            truncated=scored["truncated"].astype(int),
            details=[
                json.dumps(d) for d in (scored["details"] if "details" in scored else [[]] * len(scored))
            ],
        )
        cols = ["claim_a", "claim_b", *_PROBS, "truncated", "details"]
        rows = _tuples(frame, cols, nli_key=nli_key, run_id=run_id)
        self.sql.insert("scores", [*cols, "nli_key", "run_id"], rows, "claim_a, claim_b, nli_key")

    def scored_pairs(self, cluster_key: str, nli_key: str) -> pd.DataFrame:
        """Selected pairs with their scores (PAIRS columns but the rule-made opposed, stronger and
        relation, which the findings step derives), ordered by (claim_a, claim_b)."""
        cols = [c for c in PAIRS if c not in ("opposed", "stronger", "relation")]
        select = ", ".join(f"p.{c}" if c in _PAIR_COLS else f"s.{c}" for c in cols)
        sql = (
            f"SELECT {select} FROM pairs p JOIN scores s ON s.claim_a = p.claim_a AND "
            "s.claim_b = p.claim_b AND s.nli_key = ? WHERE p.cluster_key = ? ORDER BY p.claim_a, p.claim_b"
        )
        out = self.sql.frame(sql, cols, [nli_key, cluster_key])
        return out.astype({c: float for c in [*_PROBS, "similarity"]}).assign(
            truncated=out["truncated"].astype(bool),
            details=[json.loads(d) if isinstance(d, str) else [] for d in out["details"]],
        )

    def pending(self, embed_key: str, cluster_key: str, nli_key: str) -> dict[str, int]:
        """Unfinished work: an unfinished run, and rows each step still has to produce."""
        params = {"claims_without_vectors": [embed_key], "claims_without_cluster": [cluster_key],
                  "pairs_without_scores": [cluster_key, nli_key]}  # fmt: skip
        return {name: int(self.sql.rows(sql, params.get(name, []))[0][0]) for name, sql in _PENDING.items()}

    # ---- findings, statuses, changes --------------------------------------------------------

    def save_findings(self, findings: pd.DataFrame, run_id: int) -> None:
        """Make ``findings`` (FINDINGS columns) the current set: new ones get run_id as first_run; ones
        no longer found are kept, inactive, with resolved_run = run_id; an active one whose claims
        changed (an outlet joined or left the dispute) is logged as updated in run_id (``updated()``)."""
        rows = self.sql.rows("SELECT finding_id, active, claims, first_run FROM findings")
        old = {f: (active, claims) for f, active, claims, _ in rows}
        current = set(findings["finding_id"])
        gone = [(run_id, f) for f, (active, _) in old.items() if active and f not in current]
        # The claims each finding had before this run (a resumed run keeps its first "before"); one
        # first seen in this run (by an earlier attempt of it) is new, never updated.
        before = {f: claims for f, active, claims, first in rows if active and first != run_id}
        before.update(self._updates(run_id))
        updates = {}
        with self.sql.transaction() as cur:
            for f in findings.itertuples():
                claims = json.dumps(f.claims, sort_keys=True)
                values = (f.kind, float(f.score), f.cluster_id, f.explanation, claims, f.slot, f.why)
                if f.finding_id in before and _claim_ids(before[f.finding_id]) != _claim_ids(claims):
                    updates[f.finding_id] = before[f.finding_id]
                if f.finding_id in old:
                    cur.execute("UPDATE findings SET kind = ?, score = ?, cluster_id = ?, explanation = ?, "
                                "claims = ?, slot = ?, why = ?, active = 1, resolved_run = NULL "
                                "WHERE finding_id = ?", (*values, f.finding_id))  # fmt: skip
                else:
                    cur.execute("INSERT INTO findings (kind, score, cluster_id, explanation, claims, slot, "
                                "why, finding_id, first_run, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                                (*values, f.finding_id, run_id))  # fmt: skip
            cur.executemany("UPDATE findings SET active = 0, resolved_run = ? WHERE finding_id = ?", gone)
            # In the meta table, not a table of its own, so that no schema migration is needed;
            # written in this transaction, so a killed run never loses or half-writes it.
            cur.execute("DELETE FROM meta WHERE key = ?", (_UPDATES_KEY.format(run_id),))
            if updates:
                sql = "INSERT INTO meta (key, value) VALUES (?, ?)"
                cur.execute(sql, (_UPDATES_KEY.format(run_id), json.dumps(updates, sort_keys=True)))

    def _updates(self, run_id: int) -> dict[str, str]:
        """finding_id -> its claims (JSON) before run_id, for the findings run_id updated."""
        value = self.get_meta(_UPDATES_KEY.format(run_id))
        return json.loads(value) if value else {}

    def updated(self, run_id: int) -> pd.DataFrame:
        """Active findings whose claims run_id changed (FINDINGS + first_run, resolved_run, old_claims)."""
        updates = self._updates(run_id)
        found = self.findings()
        found = found[found["finding_id"].isin(set(updates))].reset_index(drop=True)
        return found.assign(old_claims=[json.loads(updates[f]) for f in found["finding_id"]])

    def findings(self, *, run_id: int | None = None, resolved: bool = False) -> pd.DataFrame:
        """Active findings (FINDINGS + first_run, resolved_run); with run_id, only those it first saw
        (with resolved=True: those it found no longer)."""
        cols = [*FINDINGS, "first_run", "resolved_run"]
        where = "resolved_run = ?" if resolved else "active = 1" + (" AND first_run = ?" if run_id else "")
        sql = f"SELECT {', '.join(cols)} FROM findings WHERE {where} ORDER BY finding_id"
        out = self.sql.frame(sql, cols, [run_id] if run_id else [])
        return out.assign(
            claims=[json.loads(c) for c in out["claims"]],
            score=out["score"].astype(float),
            slot=out["slot"].fillna(""),
            why=out["why"].fillna(""),
        )

    def save_statuses(self, statuses: pd.DataFrame, run_id: int) -> None:
        """Store claim status and n_sources; a claim whose status changes is logged under run_id."""
        old = {
            r[0]: (r[1], r[2]) for r in self.sql.rows("SELECT claim_id, status, n_sources FROM claim_status")
        }
        sql = "SELECT claim_id, old_status FROM status_changes WHERE run_id = ?"
        logged = dict(self.sql.rows(sql, [run_id]))
        with self.sql.transaction() as cur:
            for claim_id, status, n_sources in _tuples(statuses, ["claim_id", "status", "n_sources"]):
                if claim_id not in old:
                    sql = "INSERT INTO claim_status (claim_id, status, n_sources) VALUES (?, ?, ?)"
                    cur.execute(sql, (claim_id, status, n_sources))
                    continue
                if old[claim_id] == (status, n_sources):
                    continue
                sql = "UPDATE claim_status SET status = ?, n_sources = ? WHERE claim_id = ?"
                cur.execute(sql, (status, n_sources, claim_id))
                before = logged.get(claim_id, old[claim_id][0])  # a resumed run keeps its first "before"
                if claim_id in logged:
                    cur.execute(
                        "DELETE FROM status_changes WHERE run_id = ? AND claim_id = ?", (run_id, claim_id)
                    )
                if before != status:
                    sql = "INSERT INTO status_changes (run_id, claim_id, old_status, new_status) VALUES "
                    cur.execute(sql + "(?, ?, ?, ?)", (run_id, claim_id, before, status))

    def changes(self, run_id: int, cluster_key: str) -> dict[str, pd.DataFrame]:
        """What run_id added or changed: new_articles, new_clusters, new_findings, resolved_findings,
        updated_findings (same finding_id, other claims; with old_claims), status_changes."""
        new_articles = (
            "SELECT article_id, source, title FROM articles WHERE first_run = ? ORDER BY article_id"
        )
        new_clusters = (
            "SELECT cluster_id, COUNT(*) FROM clusters WHERE cluster_key = ? GROUP BY cluster_id "
            "HAVING MIN(run_id) = ? ORDER BY cluster_id"
        )
        changed = (
            "SELECT s.claim_id, c.article_id, a.source, c.text, s.old_status, s.new_status FROM "
            "status_changes s JOIN claims c ON c.claim_id = s.claim_id LEFT JOIN articles a ON "
            "a.article_id = c.article_id WHERE s.run_id = ? ORDER BY s.claim_id"
        )
        return {
            "new_articles": self.sql.frame(new_articles, ["article_id", "source", "title"], [run_id]),
            "new_clusters": self.sql.frame(new_clusters, ["cluster_id", "n_claims"], [cluster_key, run_id]),
            "new_findings": self.findings(run_id=run_id),
            "resolved_findings": self.findings(run_id=run_id, resolved=True),
            "updated_findings": self.updated(run_id),
            "status_changes": self.sql.frame(
                changed, ["claim_id", "article_id", "source", "text", "old_status", "new_status"], [run_id]
            ),  # fmt: skip
        }
