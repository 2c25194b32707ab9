"""Nightly run vs checking everything again: time, and whether stored claims keep their clusters.

    python -m tools.bench.nightly                             # 1,000 stored articles + 50 new, real models
    python -m tools.bench.nightly --articles 40 --add 5 --fake --out /tmp/bench

1. Build a store from --articles articles with checker nightly (timed, "initial load").
2. Add --add new articles with a nightly run (timed, with its steps from the job's log).
3. Check all articles from scratch with Checker.check (timed), with the same model objects; the
   embedder's text cache is emptied before each phase so no phase reuses another's vectors.
4. Measure the fraction of stored claims whose cluster id moved in step 2 (0 by construction), and
   how close the incremental store is to the batch result (cluster agreement as adjusted Rand index
   over all claims, overlap of pairs and findings).

Corpus: real news texts from --data (FNC-1 bodies, ECB+ and MEANTIME documents, see
bench_common.news_pool), shuffled with --seed; synthetic articles of real paragraphs fill in past the
pool. Without the shared data the script says so and exits 0. Models load before any timing. --fake
uses the test fakes (tests/fakes.py) for a quick check that the script works.

Writes nightly_<articles>+<add>[_fake].json and .md to --out (default docs/bench/).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from checker.errors import CheckerError
from checker.models.embed import load_embedder
from checker.models.nli import load_nli
from checker.models.nlp import load_spacy
from checker.nightly.job import run_nightly
from checker.nightly.store import Store
from checker.pipeline import Checker
from tools.bench import common as bc

_STEPS = ("ingest", "claims", "embed", "cluster", "nli", "findings", "report")


class _StepClock(logging.Handler):
    """Times the nightly job's steps from its "run N step X" log lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.marks: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        words = record.getMessage().split()
        if len(words) >= 4 and words[0] == "run" and words[2] == "step":
            self.marks.append((words[3].rstrip(":"), record.created))

    def durations(self, end: float) -> dict[str, float]:
        ends = [t for _, t in self.marks[1:]] + [end]
        return {step: round(stop - start, 2) for (step, start), stop in zip(self.marks, ends, strict=True)}


def _models(args: argparse.Namespace) -> tuple[Any, Any]:
    if args.fake:
        from tests.fakes import FakeEmbedder, FakeNLI

        return FakeEmbedder(), FakeNLI()
    embedder, nli = load_embedder(args.embedder), load_nli(args.nli)
    embedder.encode(["The council approved the budget on Monday."])  # load now, outside every timing
    nli.predict(["The council approved the budget."], ["The budget was approved."])
    return embedder, nli


def _fresh(embedder: Any) -> Any:
    cache = getattr(embedder, "cache", None)
    if isinstance(cache, dict):
        cache.clear()  # SentenceEmbedder keeps vectors by text: a phase must not reuse another's
    return embedder


def _store_state(store: Path) -> tuple[dict[str, str], set, set]:
    with Store(store, readonly=True) as db:
        keys = json.loads(db.run(1)["models"])
        claims = db.claims(keys["cluster"])
        pairs = db.scored_pairs(keys["cluster"], keys["nli"])
        findings = set(db.findings()["finding_id"])
    return (
        dict(zip(claims["claim_id"], claims["cluster_id"], strict=True)),
        set(zip(pairs["claim_a"], pairs["claim_b"], strict=True)),
        findings,
    )


def _jaccard(a: set, b: set) -> float | None:
    return round(len(a & b) / len(a | b), 4) if a | b else None


def measure(
    corpus: pd.DataFrame, n_old: int, embedder: Any, nli: Any, nlp: Any, folder: Path
) -> dict[str, Any]:
    """Run the three phases on corpus (first n_old articles stored, the rest added) in folder."""
    from sklearn.metrics import adjusted_rand_score

    store = folder / "store.sqlite"
    old, new = corpus.iloc[:n_old], corpus.iloc[n_old:]
    clock = _StepClock()
    logging.getLogger("checker.nightly.job").addHandler(clock)
    logging.getLogger("checker.nightly.job").setLevel(logging.INFO)
    t0 = time.perf_counter()
    initial = run_nightly(old, store=store, embedder=_fresh(embedder), nli=nli, nlp=nlp)
    t_initial = time.perf_counter() - t0
    before, _, _ = _store_state(store)
    clock.marks.clear()
    t0 = time.perf_counter()
    nightly = run_nightly(new, store=store, embedder=_fresh(embedder), nli=nli, nlp=nlp)
    t_nightly, steps = time.perf_counter() - t0, clock.durations(time.time())
    after, pairs, findings = _store_state(store)
    t0 = time.perf_counter()
    batch = Checker(embedder=_fresh(embedder), nli=nli, nlp=nlp).check(corpus)
    t_batch = time.perf_counter() - t0
    moved = sum(after[c] != cid for c, cid in before.items())
    ids = sorted(after)
    batch_clusters = dict(zip(batch.claims["claim_id"], batch.claims["cluster_id"], strict=True))
    common = [c for c in ids if c in batch_clusters]
    return {
        "articles_stored": n_old,
        "articles_added": len(new),
        "initial_load_s": round(t_initial, 2),
        "nightly_s": round(t_nightly, 2),
        "batch_s": round(t_batch, 2),
        "speedup": round(t_batch / t_nightly, 2) if t_nightly else None,
        "nightly_steps_s": steps,
        "batch_steps_s": batch.run["timings_s"],
        "initial_counts": initial.counts,
        "nightly_counts": nightly.counts,
        "batch_counts": {k: v for k, v in batch.run["counts"].items() if k != "findings_by_kind"},
        "stored_claims": len(before),
        "stored_claims_moved": moved,
        "moved_fraction": moved / len(before) if before else 0.0,
        "cluster_ari_vs_batch": round(
            float(adjusted_rand_score([batch_clusters[c] for c in common], [after[c] for c in common])), 4
        ),
        "pair_jaccard_vs_batch": _jaccard(
            pairs, set(zip(batch.pairs["claim_a"], batch.pairs["claim_b"], strict=True))
        ),
        "finding_jaccard_vs_batch": _jaccard(findings, set(batch.findings["finding_id"])),
    }


def markdown(result: dict[str, Any], record: dict[str, Any], models: dict[str, Any]) -> str:
    """The result as a short Markdown page."""
    r = result
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["nightly_steps_s"].items())
    rows = [
        [
            "initial load (nightly, empty store)",
            r["articles_stored"],
            r["initial_counts"]["new_claims"],
            r["initial_counts"]["pairs_scored"],
            f"{r['initial_load_s']:.1f}",
        ],
        [
            "nightly run adding new articles",
            r["articles_added"],
            r["nightly_counts"]["new_claims"],
            r["nightly_counts"]["pairs_scored"],
            f"{r['nightly_s']:.1f}",
        ],
        [
            "Checker.check on everything",
            r["articles_stored"] + r["articles_added"],
            r["batch_counts"]["claims"],
            r["batch_counts"]["pairs"],
            f"{r['batch_s']:.1f}",
        ],
    ]
    return "\n\n".join(
        [
            f"# Nightly run vs full re-check ({r['articles_stored']:,} stored + {r['articles_added']} new)",
            bc.record_markdown(record) + f"\n- models: `{json.dumps(models, default=str)}`",
            bc.markdown_table(["phase", "articles", "claims", "pairs scored", "seconds"], rows),
            f"- nightly is **{r['speedup']}x** faster than checking everything again "
            f"(nightly steps: {steps})\n"
            f"- stored claims whose cluster id moved: {r['stored_claims_moved']} of {r['stored_claims']} "
            f"({100 * r['moved_fraction']:.1f} %; 0 by construction)\n"
            f"- incremental vs batch: cluster agreement (ARI) {r['cluster_ari_vs_batch']}, "
            "pair overlap (Jaccard) "
            f"{r['pair_jaccard_vs_batch']}, finding overlap (Jaccard) {r['finding_jaccard_vs_batch']}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bc.add_common_args(parser)
    parser.add_argument("--articles", type=int, default=1000, help="articles in the store before the run")
    parser.add_argument("--add", type=int, default=50, help="new articles the nightly run adds")
    parser.add_argument("--seed", type=int, default=13, help="corpus shuffle seed")
    parser.add_argument("--fake", action="store_true", help="fake models (tests/fakes.py): a quick smoke run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    pool = bc.news_pool(args.data)
    if pool.empty:
        print(
            f"no news texts under {args.data} (FNC-1, ECB+ or MEANTIME; see ../shared/data/README.md): "
            "nothing measured. Pass --data to point at a copy."
        )
        return 0
    corpus = bc.build_corpus(pool, args.articles + args.add, seed=args.seed)
    try:
        embedder, nli = _models(args)
    except CheckerError as e:
        print(
            f"cannot load the models: {e}\nUse --nli/--embedder to pick others, or --fake for a smoke run.",
            file=sys.stderr,
        )
        return 2
    nlp = load_spacy()
    with tempfile.TemporaryDirectory(prefix="bench_nightly_") as tmp:
        result = measure(corpus, args.articles, embedder, nli, nlp, Path(tmp))
    record = bc.run_record("tools.bench.nightly", sys.argv[1:] if argv is None else argv)
    models = {"embedder": bc.model_info(embedder), "nli": bc.model_info(nli), "spacy": nlp.meta.get("name")}
    text = markdown(result, record, models)
    name = f"nightly_{args.articles}+{args.add}" + ("_fake" if args.fake else "")
    paths = bc.save(args.out, name, {"run": record, "models": models, "result": result}, text)
    print(text)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
