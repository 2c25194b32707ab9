"""The Checker: articles in, claims, clusters, scored pairs and findings out.

``Checker(...)`` stores its parts and loads nothing; models load on the first ``check``. Each part
(spaCy pipeline, embedder, NLI scorer) can be swapped by a path, a name or an object.

Example:
    >>> import checker
    >>> result = checker.check("data/demo")                 # doctest: +SKIP
    >>> result.findings[["kind", "explanation"]].head()      # doctest: +SKIP
    >>> result.save("out/")                                  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from checker.config import CheckConfig
from checker.errors import CheckerError
from checker.models.embed import Embedder, load_embedder
from checker.models.nli import NLIScorer, load_nli
from checker.models.nlp import load_spacy
from checker.nightly.keys import FINDINGS_RULES
from checker.run import InMemory, Outcome, run_steps
from checker.steps import claims as claims_step
from checker.steps import cluster, ingest, score

logger = logging.getLogger(__name__)

FORMATS = ("html", "md", "csv", "json")


@dataclasses.dataclass
class CheckResult:
    """Everything one run produced, as DataFrames (columns: checker.schemas) plus a run record."""

    articles: pd.DataFrame
    claims: pd.DataFrame
    clusters: pd.DataFrame
    pairs: pd.DataFrame
    findings: pd.DataFrame
    skipped: pd.DataFrame
    residue: pd.DataFrame
    run: dict[str, Any]

    def save(self, out: str | Path, *, formats: tuple[str, ...] = FORMATS, force: bool = True) -> list[Path]:
        """Write articles/claims/clusters/pairs CSVs, findings.jsonl, report.html/.md and run.json.

        ``formats`` picks among html, md, csv, json; run.json is always written. With force=False an
        existing run.json in ``out`` is not overwritten (CheckerError).
        """
        from checker.report import render_html, render_markdown

        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise CheckerError(
                f"unknown report format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}"
            )
        out = Path(out)
        if not force and (out / "run.json").exists():
            raise CheckerError(f"{out} already holds a run (run.json); use --force or another --out folder")
        out.mkdir(parents=True, exist_ok=True)
        written = []

        def put(name: str, text: str) -> None:
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)

        if "csv" in formats:
            articles = self.articles.assign(removed=self.articles["removed"].map(json.dumps))
            for name, frame in (
                ("articles", articles),
                ("claims", self.claims),
                ("pairs", self.pairs),
                ("clusters", self.clusters.assign(claim_ids=self.clusters["claim_ids"].map(" ".join))),
            ):
                frame.to_csv(out / f"{name}.csv", index=False)
                written.append(out / f"{name}.csv")
        if "json" in formats:
            put(
                "findings.jsonl",
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.findings.to_dict("records")),
            )
        if "html" in formats:
            put("report.html", render_html(self))
        if "md" in formats:
            put("report.md", render_markdown(self))
        put("run.json", json.dumps(self.run, indent=2, default=str))
        return written


def _versions() -> dict[str, str]:
    found = {}
    for pkg in (
        "claim-checker",
        "torch",
        "transformers",
        "sentence-transformers",
        "spacy",
        "trafilatura",
        "pandas",
    ):
        try:
            found[pkg] = version(pkg)
        except PackageNotFoundError:
            found[pkg] = "absent"
    return found


class Checker:
    """Runs every step on a pile of articles.

    Args:
        config: all tunables (CheckConfig); defaults are documented there.
        embedder: an Embedder object, a model path or hub name; default all-MiniLM-L6-v2.
        nli: an NLIScorer object, a model path or hub name; default the bundled checker/models/minilm-nli.
        nlp: a spaCy Language for sentences; default en_core_web_sm.
    """

    def __init__(
        self,
        config: CheckConfig | None = None,
        *,
        embedder: Embedder | str | None = None,
        nli: NLIScorer | str | None = None,
        nlp: Any = None,
    ):
        self.config = config or CheckConfig()
        self._embedder = embedder
        self._nli = nli
        self._nlp = nlp

    @functools.cached_property
    def embedder(self) -> Embedder:
        c = self.config.embed
        return load_embedder(
            self._embedder or c.model, batch_size=c.batch_size, device=c.device, precision=c.precision
        )

    @functools.cached_property
    def nli(self) -> NLIScorer:
        c = self.config.nli
        return load_nli(
            self._nli or c.model,
            batch_size=c.batch_size,
            max_length=c.max_length,
            device=c.device,
            backend=c.backend,
            precision=c.precision,
        )

    @functools.cached_property
    def nlp(self) -> Any:
        return self._nlp or load_spacy(self.config.claims.spacy_model)

    @functools.cached_property
    def keys(self) -> Any:
        """The store keys of these parts (checker.nightly.keys; loads the embedder and NLI model)."""
        from checker.nightly.keys import store_keys

        return store_keys(self)

    def check(self, inputs: Any) -> CheckResult:
        """Read, extract, embed, cluster, pair, score and label (run_steps in memory); see CheckResult."""
        started = time.perf_counter()
        articles, skipped = ingest.read_articles(inputs, config=self.config.ingest)
        read_s = time.perf_counter() - started
        known = InMemory(articles)
        outcome = run_steps(self, known)
        clusters = cluster.summarise_clusters(outcome.claims, known.all_vectors)
        timings = {"ingest": round(read_s, 3), **outcome.timings_s}
        timings["total"] = round(time.perf_counter() - started, 3)
        run = self.run_record(outcome, clusters, skipped, timings)
        return CheckResult(
            articles=outcome.articles,
            claims=outcome.claims,
            clusters=clusters,
            pairs=outcome.pairs,
            findings=outcome.findings,
            skipped=skipped,
            residue=outcome.residue,
            run=run,
        )

    def run_record(
        self, outcome: Outcome, clusters: pd.DataFrame, skipped: pd.DataFrame, timings: dict[str, float]
    ) -> dict[str, Any]:
        """The run record (run.json): versions, models, config, counts, timings and skipped inputs.

        counts.skipped is bad inputs only; duplicates, ignored files and other languages have their own.
        """
        findings, scored = outcome.findings, outcome.pairs
        return {
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "models": self._model_info(len(outcome.claims), len(scored)),
            "config": self.config.to_dict(),
            "counts": {
                "articles": len(outcome.articles),
                "claims": len(outcome.claims),
                "clusters": len(clusters),
                "pairs": len(scored),
                "findings": int(len(findings)),
                **ingest.skip_counts(skipped),
                "findings_by_kind": findings["kind"].value_counts().to_dict() if len(findings) else {},
                "truncated_pairs": int(scored["truncated"].sum()) if len(scored) else 0,
            },
            "steps": outcome.counts,
            "timings_s": timings,
            "skipped": skipped.to_dict("records"),
        }

    def _model_info(self, n_claims: int, n_pairs: int) -> dict:
        meta = getattr(self.nlp, "meta", {})
        info = {
            "spacy": f"{meta.get('lang', '')}_{meta.get('name', type(self.nlp).__name__)}-{meta.get('version', '')}",
            "claims": self.config.claims.name,
            "cluster": self.config.cluster.name,
            "rules": ", ".join(dict.fromkeys([*claims_step.RULES, *score.RULES, *FINDINGS_RULES])),
        }
        if n_claims:
            info["embedder"] = getattr(self.embedder, "info", type(self.embedder).__name__)
        if n_pairs:
            info["nli"] = getattr(self.nli, "info", type(self.nli).__name__)
        return info


@functools.lru_cache(maxsize=2)
def _default_checker(config: CheckConfig) -> Checker:
    # One model load per process for repeated checker.check() calls with the same config.
    return Checker(config)


def check(inputs: Any, config: CheckConfig | None = None) -> CheckResult:
    """Check articles (paths, a folder, JSONL/CSV files or a DataFrame) with the default models.

    Example:
        >>> result = check("data/demo")     # doctest: +SKIP
    """
    return _default_checker(config or CheckConfig()).check(inputs)


__all__ = ["CheckResult", "Checker", "check"]
