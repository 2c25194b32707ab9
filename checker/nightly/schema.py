"""The store's schema: its SQL tables (standard DDL) and MIGRATIONS, one step per schema version.

checker.nightly.store re-exports MIGRATIONS and SCHEMA_VERSION; checker.nightly.db applies the steps when a
store is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

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
# v3: the opposite-verb check of a pair (checker.steps.claims.opposed_verbs) is stored with its NLI scores,
# so a nightly run parses only new pairs; NULL = scored before v3, checked once by the next run.
_V3 = """
ALTER TABLE scores ADD COLUMN opposed TEXT
"""

# v4: a claim's predicate frames and values (JSON; checker.rules.opposites, checker.rules.values) are
# parsed once at extraction and read by the pair rules, so scores no longer carry the opposite-verb
# check (the v3 column stays, unused); scores keep the detail checks of their pair (details, JSON).
_V4 = """
ALTER TABLE claims ADD COLUMN frames TEXT;
ALTER TABLE claims ADD COLUMN claim_values TEXT;
ALTER TABLE scores ADD COLUMN details TEXT
"""
# v5: findings name their slot ("number of injured") and their evidence in one line.
_V5 = """
ALTER TABLE findings ADD COLUMN slot TEXT;
ALTER TABLE findings ADD COLUMN why TEXT
"""

# v6: titles are claims too (issue #14): which part of the article a claim comes from, and the text the
# models read (a title in sentence case); NULL = stored before v6, read back as "body" and the claim text.
_V6 = """
ALTER TABLE claims ADD COLUMN part TEXT;
ALTER TABLE claims ADD COLUMN norm_text TEXT
"""


def _script(ddl: str) -> Callable[[Any], None]:
    def apply(cur: Any) -> None:
        for statement in ddl.split(";"):
            if statement.strip():
                cur.execute(statement)

    return apply


# MIGRATIONS[i] takes a store from schema version i to i + 1; append, never edit a released step.
MIGRATIONS: list[Callable[[Any], None]] = [
    _script(_V1),
    _script(_V2),
    _script(_V3),
    _script(_V4),
    _script(_V5),
    _script(_V6),
]
SCHEMA_VERSION = len(MIGRATIONS)
