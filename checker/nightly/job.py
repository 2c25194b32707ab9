"""The nightly job: add new articles to a persistent store, compute only what is new, report what changed.

The steps are checker.run.run_steps, the same sequence checker.check() runs; here ``known`` is the
store (``StoreKnown``), which hands out only the work not yet done and commits each chunk's results
in its own transaction, so a run killed at any point leaves a consistent store and the next run
resumes the unfinished run (same run id) and completes its work. Then:

- findings: relations, claim status and findings over all stored pairs and claims (no model: cheap);
- report: ``<report_dir>/<YYYY-MM-DD>_run<N>/`` with report.html, report.md, findings.jsonl,
  run.json, changes.json and changes.md ("What changed since the last run"); the default report_dir
  is ``reports/<store file stem>/`` beside the store, so two stores in one folder never share one.

Inputs: an input article already stored is either the stored copy read again (same path: yesterday's
file still in the feed folder; counted in ``known_articles``) or a new copy of it (another file or row:
counted in ``duplicates`` and named by its own input and line). Only bad input (skipped rows of step
"ingest") makes ``exit_code`` 1; duplicates, ignored files and other-language articles are counted.

A run with no new article and no unfinished work writes nothing: no run row, no report.

``hook(point)``, when given, is called at each commit point (POINTS: after a step, and inside the
transaction of each write, "-write"); tests use it to die there as if killed.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from checker.config import CheckConfig
from checker.errors import StoreError
from checker.nightly.index import ClaimIndex
from checker.nightly.keys import StoreKeys
from checker.nightly.store import Store
from checker.pipeline import Checker, CheckResult
from checker.report.changes import _records, changes_markdown
from checker.run import run_steps
from checker.schemas import FINDING_KINDS
from checker.steps import cluster
from checker.steps.ingest import bad_inputs, skip_counts

__all__ = [
    "COUNTS",
    "HISTORY_COLUMNS",
    "POINTS",
    "NightlyResult",
    "StoreKnown",
    "default_report_dir",
    "run_history",
    "run_nightly",
]

logger = logging.getLogger(__name__)

POINTS = ("ingest", "claims-write", "claims", "embed-write", "embed", "cluster-write", "cluster",
          "nli-write", "nli", "findings", "report")  # fmt: skip
BATCH = {"claims": 64, "embed": 2048, "nli": 1024}  # items per transaction: a kill loses at most this
HISTORY_COLUMNS = ["run_id", "started", "finished", "status", "attempts", "new_articles", "new_claims",
                   "pairs_scored", "new_findings", "resolved_findings", "skipped", "report_dir"]  # fmt: skip
COUNTS = ("new_articles", "known_articles", "skipped", "duplicates", "ignored", "other_language",
          "new_claims", "new_clusters", "pairs_scored", "new_findings", "resolved_findings",
          "updated_findings", "status_changes", "articles", "claims", "findings")  # fmt: skip


@dataclasses.dataclass
class NightlyResult:
    """What one nightly run did. ``run_id`` is None when there was nothing new (store unchanged).

    counts: COUNTS: new_articles, known_articles (input articles already stored, read again), skipped
    (bad inputs), duplicates (copies of an input or stored article), ignored (repository files such as
    README), other_language, new_claims, new_clusters, pairs_scored, new_findings, resolved_findings,
    updated_findings, status_changes, and the store's totals articles, claims, findings.
    changes: frames new_articles, new_clusters, new_findings, resolved_findings, updated_findings,
    status_changes.
    skipped: every input not added (schemas.SKIPPED; ``step`` says why), bad or not.
    reports: paths by name (html, md, changes_json, changes_md).
    steps: what run_steps did (checker.run.Outcome.counts) plus index_rebuilt (1 when the vector
    index was rebuilt from the store); timings_s: seconds per step.
    """

    run_id: int | None
    counts: dict[str, int]
    changes: dict[str, pd.DataFrame]
    reports: dict[str, Path]
    skipped: pd.DataFrame
    resumed: bool = False
    steps: dict[str, int] = dataclasses.field(default_factory=dict)
    timings_s: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """1 when some input was skipped as bad (step "ingest"), else 0: duplicates, ignored files and
        other-language articles are counted, not errors."""
        return 1 if len(bad_inputs(self.skipped)) else 0


def _where(path: str) -> tuple[str, int | None]:
    """An article's path as (input, line): "feed.jsonl:3" -> ("feed.jsonl", 3)."""
    head, _, tail = path.rpartition(":")
    return (head, int(tail)) if head and tail.isdigit() else (path, None)


def _path_of(source: str, line: Any) -> str:
    """The article path of a skipped row (inverse of _where); line may be None or NaN."""
    return source if line is None or line != line else f"{source}:{int(line)}"  # NaN != NaN


def _file_key(path: str) -> str:
    """An article path with its file made absolute, so "feed/a.txt" and "/srv/feed/a.txt" match when
    read from /srv (relative paths resolve against the current folder, as when the store was filled)."""
    file, line = _where(path)
    return os.path.abspath(file) + ("" if line is None else f":{line}")


def _copies(
    articles: pd.DataFrame, skipped: pd.DataFrame, stored: dict[str, tuple[str, int]]
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Sort the input copies of stored articles: (fresh articles, skipped rows, copies read again).

    A copy at the stored article's path is the stored copy read again (not reported). Any other copy
    is a new one: a "duplicate" row naming its own input and line and the stored copy it repeats.
    When the reader kept a new copy and skipped the stored one as its duplicate, the roles are
    swapped here, so the message never blames the copy that is already stored.
    """
    paths = {_file_key(path) for path, _ in stored.values() if path}
    rows = skipped.to_dict("records")
    again = [
        r.get("step") == "duplicate" and _file_key(_path_of(r["input"], r["line"])) in paths for r in rows
    ]
    rows = [r for r, read_again in zip(rows, again, strict=True) if not read_again]
    seen = articles["article_id"].isin(set(stored))
    n_again = sum(again)
    for article_id, path in zip(articles.loc[seen, "article_id"], articles.loc[seen, "path"], strict=True):
        first, run = stored[article_id]
        if not path or (first and _file_key(str(path)) == _file_key(first)):
            n_again += 1
            continue
        source, line = _where(str(path))
        error = f"copy of article {article_id}, stored in run {run} from {first or 'a frame'}; not added"
        rows.append({"input": source, "line": line, "step": "duplicate", "error": error})
    out = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in skipped.columns})
    return articles[~seen], out, n_again


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


class StoreKnown:
    """``checker.run.Known`` over an open store: the work not done yet, and a transaction per chunk."""

    def __init__(self, db: Store, keys: StoreKeys, run_id: int, hook: Callable[[str], None] | None = None):
        self.db, self.keys, self.run_id = db, keys, run_id
        self._hook = hook
        self._claims: pd.DataFrame | None = None
        self.index = ClaimIndex(db.path, keys.cluster)
        self.index_rebuilt = False

    def hook(self, point: str) -> None:
        """Call the test hook at a commit point (POINTS)."""
        if self._hook is not None:
            self._hook(point)

    def articles_to_extract(self) -> Iterator[pd.DataFrame]:
        todo = self.db.articles(unextracted=True)
        if len(todo) and (others := self.db.claims_keys() - {self.keys.claims}):
            logger.warning("stored claims come from %s, new ones from %s; stored articles are not "
                           "re-extracted", sorted(others), self.keys.claims)  # fmt: skip
        yield from _chunks(todo, BATCH["claims"])

    def add_claims(self, articles: pd.DataFrame, claims: pd.DataFrame, residue: pd.DataFrame) -> None:
        with self.db.transaction():
            self.db.add_claims(articles["article_id"].tolist(), claims, residue, claims_key=self.keys.claims,
                               run_id=self.run_id)  # fmt: skip
            self.hook("claims-write")
        self._claims = None

    def claims_to_embed(self) -> Iterator[pd.DataFrame]:
        yield from _chunks(self.db.claims_to_embed(self.keys.embed), BATCH["embed"])

    def add_vectors(self, claim_ids: list[str], vectors: np.ndarray) -> None:
        with self.db.transaction():
            self.db.add_embeddings(claim_ids, vectors, self.keys.embed)
            self.hook("embed-write")

    def unclustered(self) -> tuple[list[str], np.ndarray]:
        self.index_rebuilt = self.index.sync(self.db, self.keys) or self.index_rebuilt
        return self.db.unclustered(self.keys.embed, self.keys.cluster)

    def claims(self) -> pd.DataFrame:
        if self._claims is None:
            self._claims = self.db.claims(self.keys.cluster)
        return self._claims

    def vectors(self, claim_ids: list[str]) -> np.ndarray:
        return self.db.vectors(self.keys.embed, claim_ids)

    def stored_neighbours(self, vectors: np.ndarray, k: int, min_similarity: float) -> pd.DataFrame:
        return self.index.search(vectors, k, min_similarity)

    def members(self, cluster_ids: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        return self.db.clustered(self.keys.embed, self.keys.cluster, cluster_ids)

    def add_clusters(self, assigned: pd.DataFrame, pairs: pd.DataFrame) -> None:
        # Cluster ids and pairs in one transaction: all new claims of a run are assigned against the
        # clusters stored before it, so the result does not depend on where an earlier attempt stopped.
        with self.db.transaction():
            self.db.add_clusters(assigned, self.keys.cluster, self.run_id)
            self.hook("cluster-write")
            self.db.add_pairs(pairs, self.keys.cluster, self.run_id)
        self._claims = None
        self.index.add(assigned["claim_id"].tolist(), self.vectors(assigned["claim_id"].tolist()))
        self.index.save()

    def pairs_to_score(self) -> Iterator[pd.DataFrame]:
        yield from _chunks(self.db.pairs_to_score(self.keys.cluster, self.keys.nli), BATCH["nli"])

    def add_scores(self, scored: pd.DataFrame) -> None:
        with self.db.transaction():
            self.db.add_scores(scored, self.keys.nli, self.run_id)
            self.hook("nli-write")

    def everything(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        db = self.db
        return db.articles(), self.claims(), db.scored_pairs(self.keys.cluster, self.keys.nli), db.residue()

    def add_findings(self, findings: pd.DataFrame, claims: pd.DataFrame) -> None:
        with self.db.transaction():
            self.db.save_findings(findings, self.run_id)
            self.db.save_statuses(claims[["claim_id", "status", "n_sources"]], self.run_id)
            self.db.set_meta("findings_key", self.keys.findings)


class _Report:
    """What changed in a run, and its reports over the whole store."""

    def __init__(self, db: Store, keys: StoreKeys, run_id: int, hook: Callable[[str], None]):
        self.db, self.keys, self.run_id, self.hook = db, keys, run_id, hook

    def summary(self, counts: dict[str, int]) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
        """What this run changed, and its counts."""
        db, run_id = self.db, self.run_id
        changes = db.changes(run_id, self.keys.cluster)
        order = {k: i for i, k in enumerate(FINDING_KINDS)}
        for name in ("new_findings", "resolved_findings", "updated_findings"):
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
            "updated_findings": len(changes["updated_findings"]),
            "status_changes": len(changes["status_changes"]),
            "articles": db.count("articles"),
            "claims": db.count("claims"),
            "findings": len(db.findings()),
        }
        return changes, counts

    def report(
        self,
        outcome: Any,
        out: Path,
        skipped: pd.DataFrame,
        changes: dict[str, pd.DataFrame],
        counts: dict[str, int],
    ) -> dict[str, Path]:
        """Reports over the whole store, and what changed, in ``out``."""
        db, run = self.db, self.db.run(self.run_id)
        clusters = cluster.summarise_clusters(
            outcome.claims, db.vectors(self.keys.embed, outcome.claims["claim_id"])
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
            articles=outcome.articles,
            claims=outcome.claims,
            clusters=clusters,
            pairs=outcome.pairs,
            findings=shown,
            skipped=skipped,
            residue=outcome.residue,
            run=record,
        )
        self.hook("report")
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
    hook: Callable[[str], None] | None = None,
) -> NightlyResult:
    """Add new articles to the store, compute only what is new, and write a dated report of the changes.

    Args:
        inputs: what checker.read_articles takes (paths, folders, a DataFrame).
        store: the store file (SQLite; created when absent). Its lock is ``<store>.lock``.
        config: all tunables (CheckConfig).
        embedder, nli, nlp: model objects, paths or names, as for Checker.
        report_dir: folder for the dated run folders (default ``<store folder>/reports/<store file
            stem>``, so stores sharing a folder keep apart).
        hook: called with each commit point of POINTS (tests install one to die there).

    Raises:
        StoreLockedError: another run holds the store.
        StoreError: the store is unusable; CheckerError subclasses from the steps.

    Example:
        >>> result = run_nightly("data/demo", store="/tmp/demo.sqlite")   # doctest: +SKIP
        >>> result.counts["new_articles"]                                 # doctest: +SKIP
        5
    """
    from checker.steps import ingest

    parts = Checker(config, embedder=embedder, nli=nli, nlp=nlp)
    hook = hook or (lambda point: None)
    with Store(store) as db:
        articles, skipped = ingest.read_articles(inputs, config=parts.config.ingest)
        stored = db.article_origins()
        fresh, skipped, n_again = _copies(articles, skipped, stored)
        keys = parts.keys
        pending = {k: v for k, v in db.pending(keys.embed, keys.cluster, keys.nli).items() if v}
        stale = bool(stored) and db.get_meta("findings_key") != keys.findings
        counts = {"known_articles": n_again, **skip_counts(skipped)}
        if counts["duplicates"]:
            logger.warning("%d input article(s) are copies of stored or other input articles; not added "
                           "again (see skipped, step 'duplicate')", counts["duplicates"])  # fmt: skip
        if fresh.empty and not pending and not stale:
            logger.info("nothing new: %d input article(s) already stored; store unchanged", len(articles))
            totals = {"articles": len(stored), "claims": db.count("claims"), "findings": len(db.findings())}
            return NightlyResult(None, {**dict.fromkeys(COUNTS, 0), **counts, **totals}, {}, {}, skipped)
        run_id, resumed = db.start_run(config=parts.config.to_dict(), models=dataclasses.asdict(keys))
        if resumed:
            logger.warning("resuming run %d, which did not finish (%s)", run_id, pending)
        try:
            if len(fresh):
                db.add_articles(fresh, run_id)
            hook("ingest")
            known_rows = StoreKnown(db, keys, run_id, hook)
            outcome = run_steps(parts, known_rows)
            steps = {**outcome.counts, "index_rebuilt": int(known_rows.index_rebuilt)}
            report = _Report(db, keys, run_id, hook)
            changes, counts = report.summary(counts)
            base = Path(report_dir) if report_dir is not None else default_report_dir(db.path)
            out = base / f"{db.run(run_id)['started'][:10]}_run{run_id}"
            reports = report.report(outcome, out, skipped, changes, counts)
            db.finish_run(run_id, skipped=skipped.to_dict("records"), report_dir=str(out.resolve()))
        except Exception:
            with contextlib.suppress(StoreError):  # the run stays unfinished either way: the next resumes it
                db.finish_run(run_id, status="failed", skipped=skipped.to_dict("records"))
            raise
    logger.info("run %d done: %s", run_id, counts)
    return NightlyResult(run_id, counts, changes, reports, skipped, resumed, steps, outcome.timings_s)


def default_report_dir(store: str | Path) -> Path:
    """Where a store's dated run folders go by default: ``reports/<store file stem>/`` beside it.

    Example:
        >>> default_report_dir("/var/lib/checker/world.sqlite").as_posix()
        '/var/lib/checker/reports/world'
    """
    store = Path(store)
    return store.parent / "reports" / store.stem


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
