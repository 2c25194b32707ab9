"""The nightly job's persistent store: articles, claims, vectors, clusters, pair scores and findings.

One SQLite file (WAL journal) by default. Rows are keyed by content hash plus the key of the model or
settings that produced them: embeddings by (claim_id, embed_key), cluster ids by (claim_id,
cluster_key), selected pairs by (claim_a, claim_b, cluster_key), NLI scores by (claim_a, claim_b,
nli_key). A model change therefore recomputes only what depends on that model, and nothing is stored
twice. Callers group writes with ``transaction()``; every write method also runs alone in its own.

Portability: the SQL below is standard (``ON CONFLICT ... DO NOTHING`` is shared by SQLite >= 3.24
and PostgreSQL; no ROWID, AUTOINCREMENT or PRAGMA). Everything SQLite-specific sits in
``Store._connect`` and ``Store._table_names``; another database needs those two, its driver's
placeholder style (``?`` here) and BYTEA for BLOB in the DDL.

Example:
    >>> with Store("nightly.sqlite") as db:         # doctest: +SKIP
    ...     db.run_counts()
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from checker.errors import StoreError, StoreLockedError
from checker.schemas import ARTICLES, CLAIMS, FINDINGS, PAIRS, RESIDUE

logger = logging.getLogger(__name__)

_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit
_PROBS = ["p_entail_ab", "p_contra_ab", "p_neutral_ab", "p_entail_ba", "p_contra_ba", "p_neutral_ba"]
_PAIR_COLS = ["claim_a", "claim_b", "article_a", "article_b", "similarity", "kind"]
_CLAIM_COLS = [c for c in CLAIMS if c != "cluster_id"]
_CLAIM_SQL = (
    "claim_id, article_id, text, start_char, end_char, sentence_idx, attribution, hedges, hedge_score"
)
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
_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
    config TEXT, models TEXT, skipped TEXT, report_dir TEXT);
CREATE TABLE articles (article_id TEXT PRIMARY KEY, source TEXT, title TEXT, url TEXT, published TEXT,
    path TEXT, text TEXT NOT NULL, removed TEXT NOT NULL, first_run INTEGER NOT NULL, claims_key TEXT);
CREATE TABLE claims (claim_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, text TEXT NOT NULL,
    start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, sentence_idx INTEGER, attribution TEXT,
    hedges TEXT, hedge_score DOUBLE PRECISION, first_run INTEGER NOT NULL);
CREATE INDEX claims_article ON claims (article_id);
CREATE TABLE residue (article_id TEXT NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL,
    text TEXT, pattern TEXT NOT NULL, PRIMARY KEY (article_id, start_char, end_char, pattern));
CREATE TABLE embeddings (claim_id TEXT NOT NULL, embed_key TEXT NOT NULL, dim INTEGER NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY (claim_id, embed_key));
CREATE TABLE clusters (claim_id TEXT NOT NULL, cluster_key TEXT NOT NULL, cluster_id TEXT NOT NULL,
    run_id INTEGER NOT NULL, PRIMARY KEY (claim_id, cluster_key));
CREATE INDEX clusters_by_id ON clusters (cluster_key, cluster_id);
CREATE TABLE pairs (claim_a TEXT NOT NULL, claim_b TEXT NOT NULL, cluster_key TEXT NOT NULL,
    article_a TEXT, article_b TEXT, similarity DOUBLE PRECISION, kind TEXT, run_id INTEGER NOT NULL,
    PRIMARY KEY (claim_a, claim_b, cluster_key));
CREATE TABLE scores (claim_a TEXT NOT NULL, claim_b TEXT NOT NULL, nli_key TEXT NOT NULL,
    p_entail_ab DOUBLE PRECISION, p_contra_ab DOUBLE PRECISION, p_neutral_ab DOUBLE PRECISION,
    p_entail_ba DOUBLE PRECISION, p_contra_ba DOUBLE PRECISION, p_neutral_ba DOUBLE PRECISION,
    truncated INTEGER NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (claim_a, claim_b, nli_key));
CREATE TABLE findings (finding_id TEXT PRIMARY KEY, kind TEXT NOT NULL, score DOUBLE PRECISION,
    cluster_id TEXT, explanation TEXT, claims TEXT NOT NULL, first_run INTEGER NOT NULL,
    active INTEGER NOT NULL);
CREATE TABLE claim_status (claim_id TEXT PRIMARY KEY, status TEXT NOT NULL, n_sources INTEGER NOT NULL)
"""
# v2: resumed runs count their attempts; resolved findings and claim status changes are kept per run,
# so "what changed" can be read back from the store after a crash.
_V2 = """
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE findings ADD COLUMN resolved_run INTEGER;
CREATE TABLE status_changes (run_id INTEGER NOT NULL, claim_id TEXT NOT NULL, old_status TEXT NOT NULL,
    new_status TEXT NOT NULL, PRIMARY KEY (run_id, claim_id))
"""
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


def _script(ddl: str) -> Callable[[Any], None]:
    def apply(cur: Any) -> None:
        for statement in ddl.split(";"):
            if statement.strip():
                cur.execute(statement)

    return apply


# MIGRATIONS[i] takes a store from schema version i to i + 1; append, never edit a released step.
MIGRATIONS: list[Callable[[Any], None]] = [_script(_V1), _script(_V2)]
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


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
        self.path = Path(path)
        self.readonly = readonly
        self.lock_path = Path(f"{self.path}.lock")
        self._conn: Any = None
        self._lock_fd: int | None = None
        self._depth = 0
        self._db_error: type[Exception] = Exception

    # ---- connection, lock, schema -----------------------------------------------------------

    def _connect(self) -> Any:
        """The one place that knows the database is SQLite."""
        self._db_error = sqlite3.Error  # the driver's base error, caught around every statement
        try:
            if self.readonly:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                return sqlite3.connect(uri, uri=True, isolation_level=None)
            conn = sqlite3.connect(self.path, isolation_level=None)  # transaction() issues BEGIN/COMMIT
            conn.execute("PRAGMA journal_mode=WAL")  # readers (checker history) never block the writer
            conn.execute("PRAGMA busy_timeout=10000")
            return conn
        except sqlite3.Error as e:
            raise StoreError(
                f"{self.path} cannot be opened as a store ({e}); pass another --store path"
            ) from e

    def _table_names(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def open(self) -> Store:
        """Take the lock (unless readonly), connect and bring the schema to SCHEMA_VERSION."""
        if self.readonly and not self.path.exists():
            raise StoreError(
                f"no store at {self.path}; run `checker nightly --store {self.path} INPUT...` first"
            )
        if not self.readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
        try:
            self._conn = self._connect()
            self._migrate()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Close the connection and release the lock (safe to call twice)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_fd is not None:
            os.ftruncate(self._lock_fd, 0)
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Store:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lock(self) -> None:
        # flock, not a pid file alone: the kernel drops the lock when its holder dies, even by SIGKILL.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreLockedError(
                f"store {self.path} is in use by another run (pid {holder}, lock file {self.lock_path}); "
                "wait for that run to finish and start this one again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def locked_by_other(self) -> bool:
        """Whether another process holds the store's lock right now."""
        if self._lock_fd is not None or not self.lock_path.exists():
            return False
        fd = os.open(self.lock_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    def schema_version(self) -> int:
        """The store's schema version; 0 for a new, empty file."""
        try:
            row = self._rows("SELECT value FROM meta WHERE key = 'schema_version'")
        except StoreError as e:
            if self._table_names():
                msg = f"{self.path} is a database but not a claim-checker store; pass another --store path"
                raise StoreError(msg) from e
            return 0
        return int(row[0][0]) if row else 0

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this claim-checker "
                f"understands ({SCHEMA_VERSION}); upgrade claim-checker"
            )
        if version < SCHEMA_VERSION and self.readonly:
            raise StoreError(
                f"store {self.path} has schema version {version}; run `checker nightly` once to migrate it"
            )
        for step in range(version, SCHEMA_VERSION):
            with self.transaction() as cur:
                MIGRATIONS[step](cur)
                self.set_meta("schema_version", str(step + 1))
                if step == 0:
                    self.set_meta("created", _now())
            logger.info("store %s migrated to schema version %d", self.path, step + 1)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """All writes inside commit together or not at all; nested uses join the outer transaction."""
        if self._conn is None:
            raise StoreError("store is not open; use `with Store(path) as db:`")
        cur = self._conn.cursor()
        if self._depth:
            self._depth += 1
            try:
                yield cur
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            cur.execute("BEGIN")
            yield cur
            cur.execute("COMMIT")
        except self._db_error as e:
            self._conn.rollback()
            raise StoreError(f"store {self.path}: {e}") from e
        except BaseException:
            self._conn.rollback()
            raise
        finally:
            self._depth = 0

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        if self._conn is None:
            raise StoreError("store is not open; use `with Store(path) as db:`")
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except self._db_error as e:
            raise StoreError(f"store {self.path}: {e}") from e

    def _frame(self, sql: str, columns: Sequence[str], params: Sequence[Any] = ()) -> pd.DataFrame:
        rows = self._rows(sql, params)
        return pd.DataFrame.from_records(rows, columns=list(columns)) if rows else _empty(columns)

    def _in(
        self, sql: str, ids: Sequence[str], columns: Sequence[str], params: Sequence[Any]
    ) -> pd.DataFrame:
        """Run ``sql`` (with one ``{ids}`` slot) over ids in chunks; params come before the ids."""
        chunks = [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
        parts = [self._frame(sql.format(ids=",".join("?" * len(c))), columns, [*params, *c]) for c in chunks]
        return pd.concat(parts, ignore_index=True) if parts else _empty(columns)

    def _insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], key: str) -> None:
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"
        with self.transaction() as cur:
            cur.executemany(sql, list(rows))

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table, or None."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM meta WHERE key = ?", (key,))
            cur.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---- runs -------------------------------------------------------------------------------

    def start_run(self, *, config: dict, models: dict) -> tuple[int, bool]:
        """Resume the last run when it did not finish (a crash or a failure), else start a new one.

        Returns (run_id, resumed).
        """
        last = self._rows("SELECT run_id, status FROM runs WHERE run_id = (SELECT MAX(run_id) FROM runs)")
        with self.transaction() as cur:
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
        with self.transaction() as cur:
            cur.execute(
                "UPDATE runs SET finished = ?, status = ?, skipped = ?, report_dir = ? WHERE run_id = ?",
                (_now(), status, json.dumps(skipped or [], default=str), report_dir, run_id),
            )

    def run(self, run_id: int) -> dict[str, Any]:
        """One run row as a dict."""
        rows = self._rows(f"SELECT {', '.join(_RUN_COLS)} FROM runs WHERE run_id = ?", [run_id])
        if not rows:
            raise StoreError(f"store {self.path} has no run {run_id}; see `checker history`")
        return dict(zip(_RUN_COLS, rows[0], strict=True))

    def run_counts(self) -> pd.DataFrame:
        """One row per run: started, finished, status, attempts and what the run added."""
        cols = [c for c in _RUN_COLS if c not in ("config", "models")]
        runs = self._frame(f"SELECT {', '.join(cols)} FROM runs ORDER BY run_id", cols)
        for name, (table, column) in _RUN_COUNTS.items():
            found = dict(self._rows(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}"))
            runs[name] = [int(found.get(r, 0)) for r in runs["run_id"]]
        runs["skipped"] = [len(json.loads(s)) if isinstance(s, str) else 0 for s in runs["skipped"]]
        return runs

    def count(self, table: str, column: str | None = None, run_id: int | None = None) -> int:
        """Rows of a table, or those whose run column (first_run, run_id) is run_id."""
        where = f" WHERE {column} = ?" if column else ""
        return int(self._rows(f"SELECT COUNT(*) FROM {table}{where}", [run_id] if column else [])[0][0])

    # ---- articles and claims ----------------------------------------------------------------

    def article_ids(self) -> set[str]:
        """Ids of every stored article."""
        return {r[0] for r in self._rows("SELECT article_id FROM articles")}

    def add_articles(self, articles: pd.DataFrame, run_id: int) -> None:
        """Store articles (ARTICLES columns); ones already stored are left as they are."""
        frame = articles.assign(removed=[json.dumps(list(r)) for r in articles["removed"]])
        self._insert(
            "articles", [*ARTICLES, "first_run"], _tuples(frame, ARTICLES, first_run=run_id), "article_id"
        )

    def articles(self, *, unextracted: bool = False) -> pd.DataFrame:
        """Stored articles (ARTICLES columns) by article_id; only those without claims yet if asked."""
        where = "WHERE claims_key IS NULL " if unextracted else ""
        out = self._frame(f"SELECT {', '.join(ARTICLES)} FROM articles {where}ORDER BY article_id", ARTICLES)
        return out.assign(removed=[json.loads(r) for r in out["removed"]])

    def claims_keys(self) -> set[str]:
        """The claim extractors (name and settings) that produced the stored claims."""
        sql = "SELECT DISTINCT claims_key FROM articles WHERE claims_key IS NOT NULL"
        return {r[0] for r in self._rows(sql)}

    def add_claims(self, article_ids: Sequence[str], claims: pd.DataFrame, residue: pd.DataFrame, *,
                   claims_key: str, run_id: int) -> None:  # fmt: skip
        """Store the claims and residue of some articles and mark those articles as extracted."""
        with self.transaction() as cur:
            rows = _tuples(claims, _CLAIM_COLS, first_run=run_id)
            self._insert("claims", [*_CLAIM_SQL.split(", "), "first_run"], rows, "claim_id")
            rows = _tuples(residue, ["article_id", "start", "end", "text", "pattern"])
            key = "article_id, start_char, end_char, pattern"
            self._insert("residue", ["article_id", "start_char", "end_char", "text", "pattern"], rows, key)
            sql = "UPDATE articles SET claims_key = ? WHERE article_id = ?"
            cur.executemany(sql, [(claims_key, a) for a in article_ids])

    def claims(self, cluster_key: str) -> pd.DataFrame:
        """Stored claims (CLAIMS columns, cluster_id "" when not clustered yet), by claim_id."""
        select = ", ".join(f"c.{c}" for c in _CLAIM_SQL.split(", "))
        sql = (
            f"SELECT {select}, k.cluster_id FROM claims c LEFT JOIN clusters k ON k.claim_id = c.claim_id "
            "AND k.cluster_key = ? ORDER BY c.claim_id"
        )
        out = self._frame(sql, CLAIMS, [cluster_key])
        return out.assign(
            cluster_id=out["cluster_id"].fillna(""), hedge_score=out["hedge_score"].astype(float)
        )

    def residue(self) -> pd.DataFrame:
        """Generated-text residue spans (RESIDUE columns)."""
        sql = "SELECT article_id, text, start_char, end_char, pattern FROM residue ORDER BY article_id, 3, 4"
        return self._frame(sql, RESIDUE)

    # ---- embeddings and clusters ------------------------------------------------------------

    def claims_to_embed(self, embed_key: str) -> pd.DataFrame:
        """claim_id, text of claims without a vector from this embedder."""
        sql = (
            "SELECT claim_id, text FROM claims c WHERE NOT EXISTS (SELECT 1 FROM embeddings e "
            "WHERE e.claim_id = c.claim_id AND e.embed_key = ?) ORDER BY claim_id"
        )
        return self._frame(sql, ["claim_id", "text"], [embed_key])

    def add_embeddings(self, claim_ids: Sequence[str], vectors: np.ndarray, embed_key: str) -> None:
        """Store float32 vectors (little-endian blobs), one per claim id."""
        dim = int(vectors.shape[1])
        rows = [(c, embed_key, dim, np.ascontiguousarray(v, dtype="<f4").tobytes())
                for c, v in zip(claim_ids, vectors, strict=True)]  # fmt: skip
        self._insert("embeddings", ["claim_id", "embed_key", "dim", "vector"], rows, "claim_id, embed_key")

    @staticmethod
    def _vectors(frame: pd.DataFrame) -> np.ndarray:
        if frame.empty:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.frombuffer(b, dtype="<f4") for b in frame["vector"]]).astype(np.float32)

    def vectors(self, embed_key: str, claim_ids: Sequence[str]) -> np.ndarray:
        """Vectors of the given claims, in the given order (StoreError when one is missing)."""
        sql = "SELECT claim_id, vector FROM embeddings WHERE embed_key = ? AND claim_id IN ({ids})"
        found = self._in(sql, list(claim_ids), ["claim_id", "vector"], [embed_key]).set_index("claim_id")
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
        found = self._frame(sql, ["claim_id", "vector"], [embed_key, cluster_key])
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
            found = self._frame(sql + " ORDER BY k.claim_id", cols, params)
        else:
            found = self._in(sql + " AND k.cluster_id IN ({ids})", list(cluster_ids), cols, params)
            found = found.sort_values("claim_id", ignore_index=True)
        return found[["claim_id", "cluster_id"]], self._vectors(found)

    def clustered_ids(self, cluster_key: str) -> list[str]:
        """Ids of the claims with a cluster under cluster_key, sorted."""
        sql = "SELECT claim_id FROM clusters WHERE cluster_key = ? ORDER BY claim_id"
        return [r[0] for r in self._rows(sql, [cluster_key])]

    def add_clusters(self, assigned: pd.DataFrame, cluster_key: str, run_id: int) -> None:
        """Store cluster ids (claim_id, cluster_id); a claim's existing cluster id never changes."""
        cols = ["claim_id", "cluster_key", "cluster_id", "run_id"]
        rows = _tuples(assigned.assign(cluster_key=cluster_key, run_id=run_id), cols)
        self._insert("clusters", cols, rows, "claim_id, cluster_key")

    # ---- pairs and scores -------------------------------------------------------------------

    def add_pairs(self, pairs: pd.DataFrame, cluster_key: str, run_id: int) -> None:
        """Store selected pairs (claim_a, claim_b, article_a, article_b, similarity, kind)."""
        rows = _tuples(
            pairs.astype({"similarity": float}), _PAIR_COLS, cluster_key=cluster_key, run_id=run_id
        )
        key = "claim_a, claim_b, cluster_key"
        self._insert("pairs", [*_PAIR_COLS, "cluster_key", "run_id"], rows, key)

    def pairs_to_score(self, cluster_key: str, nli_key: str) -> pd.DataFrame:
        """Selected pairs without scores from this NLI model, ordered by (claim_a, claim_b)."""
        sql = (
            f"SELECT {', '.join('p.' + c for c in _PAIR_COLS)} FROM pairs p WHERE p.cluster_key = ? AND "
            "NOT EXISTS (SELECT 1 FROM scores s WHERE s.claim_a = p.claim_a AND s.claim_b = p.claim_b "
            "AND s.nli_key = ?) ORDER BY p.claim_a, p.claim_b"
        )
        return self._frame(sql, _PAIR_COLS, [cluster_key, nli_key]).astype({"similarity": float})

    def add_scores(self, scored: pd.DataFrame, nli_key: str, run_id: int) -> None:
        """Store NLI probabilities of scored pairs (claim_a, claim_b, p_*, truncated)."""
        frame = scored.astype({p: float for p in _PROBS}).assign(truncated=scored["truncated"].astype(int))
        rows = _tuples(frame, ["claim_a", "claim_b", *_PROBS, "truncated"], nli_key=nli_key, run_id=run_id)
        cols = ["claim_a", "claim_b", *_PROBS, "truncated", "nli_key", "run_id"]
        self._insert("scores", cols, rows, "claim_a, claim_b, nli_key")

    def scored_pairs(self, cluster_key: str, nli_key: str) -> pd.DataFrame:
        """Selected pairs with their scores (PAIRS columns but relation), ordered by (claim_a, claim_b)."""
        cols = [c for c in PAIRS if c != "relation"]
        select = ", ".join(f"p.{c}" if c in _PAIR_COLS else f"s.{c}" for c in cols)
        sql = (
            f"SELECT {select} FROM pairs p JOIN scores s ON s.claim_a = p.claim_a AND "
            "s.claim_b = p.claim_b AND s.nli_key = ? WHERE p.cluster_key = ? ORDER BY p.claim_a, p.claim_b"
        )
        out = self._frame(sql, cols, [nli_key, cluster_key])
        return out.astype({c: float for c in [*_PROBS, "similarity"]}).assign(
            truncated=out["truncated"].astype(bool)
        )

    def pending(self, embed_key: str, cluster_key: str, nli_key: str) -> dict[str, int]:
        """Unfinished work: an unfinished run, and rows each step still has to produce."""
        params = {"claims_without_vectors": [embed_key], "claims_without_cluster": [cluster_key],
                  "pairs_without_scores": [cluster_key, nli_key]}  # fmt: skip
        return {name: int(self._rows(sql, params.get(name, []))[0][0]) for name, sql in _PENDING.items()}

    # ---- findings, statuses, changes --------------------------------------------------------

    def save_findings(self, findings: pd.DataFrame, run_id: int) -> None:
        """Make ``findings`` (FINDINGS columns) the current set: new ones get run_id as first_run; ones
        no longer found are kept, inactive, with resolved_run = run_id."""
        old = dict(self._rows("SELECT finding_id, active FROM findings"))
        gone = [(run_id, f) for f, active in old.items() if active and f not in set(findings["finding_id"])]
        with self.transaction() as cur:
            for f in findings.itertuples():
                values = (
                    f.kind,
                    float(f.score),
                    f.cluster_id,
                    f.explanation,
                    json.dumps(f.claims, sort_keys=True),
                )
                if f.finding_id in old:
                    cur.execute("UPDATE findings SET kind = ?, score = ?, cluster_id = ?, explanation = ?, "
                                "claims = ?, active = 1, resolved_run = NULL WHERE finding_id = ?",
                                (*values, f.finding_id))  # fmt: skip
                else:
                    cur.execute("INSERT INTO findings (kind, score, cluster_id, explanation, claims, "
                                "finding_id, first_run, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                                (*values, f.finding_id, run_id))  # fmt: skip
            cur.executemany("UPDATE findings SET active = 0, resolved_run = ? WHERE finding_id = ?", gone)

    def findings(self, *, run_id: int | None = None, resolved: bool = False) -> pd.DataFrame:
        """Active findings (FINDINGS + first_run, resolved_run); with run_id, only those it first saw
        (with resolved=True: those it found no longer)."""
        cols = [*FINDINGS, "first_run", "resolved_run"]
        where = "resolved_run = ?" if resolved else "active = 1" + (" AND first_run = ?" if run_id else "")
        sql = f"SELECT {', '.join(cols)} FROM findings WHERE {where} ORDER BY finding_id"
        out = self._frame(sql, cols, [run_id] if run_id else [])
        return out.assign(claims=[json.loads(c) for c in out["claims"]], score=out["score"].astype(float))

    def save_statuses(self, statuses: pd.DataFrame, run_id: int) -> None:
        """Store claim status and n_sources; a claim whose status changes is logged under run_id."""
        old = {r[0]: (r[1], r[2]) for r in self._rows("SELECT claim_id, status, n_sources FROM claim_status")}
        sql = "SELECT claim_id, old_status FROM status_changes WHERE run_id = ?"
        logged = dict(self._rows(sql, [run_id]))
        with self.transaction() as cur:
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
        status_changes."""
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
            "new_articles": self._frame(new_articles, ["article_id", "source", "title"], [run_id]),
            "new_clusters": self._frame(new_clusters, ["cluster_id", "n_claims"], [cluster_key, run_id]),
            "new_findings": self.findings(run_id=run_id),
            "resolved_findings": self.findings(run_id=run_id, resolved=True),
            "status_changes": self._frame(
                changed, ["claim_id", "article_id", "source", "text", "old_status", "new_status"], [run_id]
            ),  # fmt: skip
        }

    # ---- inspection -------------------------------------------------------------------------

    def dump(self, *, skip: dict[str, Sequence[str]] | None = None) -> dict[str, list[tuple]]:
        """Every row of every table, sorted; ``skip`` leaves columns out ({"runs": ["started"]})."""
        out = {}
        for table in sorted(self._table_names()):
            cur = self._conn.execute(f"SELECT * FROM {table}")
            keep = [i for i, d in enumerate(cur.description) if d[0] not in (skip or {}).get(table, ())]
            out[table] = sorted((tuple(r[i] for i in keep) for r in cur.fetchall()), key=repr)
        return out

    def digest(self, *, skip: dict[str, Sequence[str]] | None = None) -> str:
        """sha256 of dump(): equal digests mean equal content."""
        return hashlib.sha256(repr(self.dump(skip=skip)).encode()).hexdigest()
