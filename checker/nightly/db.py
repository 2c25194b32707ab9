"""The store's plumbing: file, lock, schema migration, transactions, query helpers and the meta table.

``Database`` opens and locks the file, brings its schema to SCHEMA_VERSION (checker.nightly.schema),
groups writes in ``transaction()`` and runs queries. ``checker.nightly.store.Store`` holds one and adds
the rows of each step and of each run; use ``Store``, not this class.

Portability: the SQL here and in Store is standard (``ON CONFLICT ... DO NOTHING`` is shared by
SQLite >= 3.24 and PostgreSQL; no ROWID, AUTOINCREMENT or PRAGMA). Everything SQLite-specific sits in
``_connect`` and ``table_names``; another database needs those two, its driver's placeholder style
(``?`` here) and BYTEA for BLOB in the DDL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import pandas as pd

from checker.errors import StoreError, StoreLockedError
from checker.nightly.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Database"]

# Log under checker.nightly.store, where this code lived before the split, so logging set up for it still applies.
logger = logging.getLogger("checker.nightly.store")

_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


class Database:
    """Connection, lock, schema, transactions and the meta table of a store file; Store holds one."""

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

    def table_names(self) -> set[str]:
        return {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def open(self) -> Self:
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

    def __enter__(self) -> Self:
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
            row = self.rows("SELECT value FROM meta WHERE key = 'schema_version'")
        except StoreError as e:
            if self.table_names():
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

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        if self._conn is None:
            raise StoreError("store is not open; use `with Store(path) as db:`")
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except self._db_error as e:
            raise StoreError(f"store {self.path}: {e}") from e

    def frame(self, sql: str, columns: Sequence[str], params: Sequence[Any] = ()) -> pd.DataFrame:
        rows = self.rows(sql, params)
        return pd.DataFrame.from_records(rows, columns=list(columns)) if rows else _empty(columns)

    def select_in(
        self, sql: str, ids: Sequence[str], columns: Sequence[str], params: Sequence[Any]
    ) -> pd.DataFrame:
        """Run ``sql`` (with one ``{ids}`` slot) over ids in chunks; params come before the ids."""
        chunks = [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
        parts = [self.frame(sql.format(ids=",".join("?" * len(c))), columns, [*params, *c]) for c in chunks]
        return pd.concat(parts, ignore_index=True) if parts else _empty(columns)

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], key: str) -> None:
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"
        with self.transaction() as cur:
            cur.executemany(sql, list(rows))

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table, or None."""
        rows = self.rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM meta WHERE key = ?", (key,))
            cur.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---- inspection -------------------------------------------------------------------------

    def dump(self, *, skip: dict[str, Sequence[str]] | None = None) -> dict[str, list[tuple]]:
        """Every row of every table, sorted; ``skip`` leaves columns out ({"runs": ["started"]})."""
        out = {}
        for table in sorted(self.table_names()):
            cur = self._conn.execute(f"SELECT * FROM {table}")
            keep = [i for i, d in enumerate(cur.description) if d[0] not in (skip or {}).get(table, ())]
            out[table] = sorted((tuple(r[i] for i in keep) for r in cur.fetchall()), key=repr)
        return out

    def digest(self, *, skip: dict[str, Sequence[str]] | None = None) -> str:
        """sha256 of dump(): equal digests mean equal content."""
        return hashlib.sha256(repr(self.dump(skip=skip)).encode()).hexdigest()
