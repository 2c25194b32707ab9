"""Speed of the checker on this machine: model throughput, end-to-end scaling, and a naive all-pairs baseline.

    python -m tools.bench.speed                                        # sizes 100,1000,10000
    python -m tools.bench.speed --sizes 10,30 --limit 64 --baseline-articles 4 --out /tmp/bench

1. Throughput: embedding (claims/s) and NLI (pairs/s) on real claims extracted from news text, after a
   warm-up batch, for each form: torch in float32 and, where the CPU computes bfloat16 natively, in
   bfloat16; for NLI also ONNX int8 when onnx/model_int8.onnx exists.
2. End to end: Checker.check on corpora of each --sizes, each size in a fresh Python process (its
   peak RSS from resource.getrusage), after a two-article warm-up that loads the models. Corpora are
   real articles (FNC-1 bodies, ECB+ and MEANTIME documents) and, past those, synthetic articles of
   real paragraphs (bench_common.build_corpus). Scaling exponents come from log-log fits.
3. Checker vs naive all-pairs baseline on --baseline-articles articles of one ECB+ topic: every claim
   against every claim of the other articles, same NLI in both directions, same relation labels.
4. Pair budget on --budget-articles articles: the configured pairs scored once, then the findings
   each smaller budget (fewer neighbours per claim) would keep, and its share of NLI time.

Writes speed.json and speed.md to --out and prints the Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from checker.config import RelationConfig
from checker.errors import ModelLoadError
from checker.models import nli as nli_step
from checker.models.embed import SentenceEmbedder
from checker.models.nlp import load_spacy
from checker.pipeline import Checker
from checker.run import neighbour_settings
from checker.steps import cluster as cluster_step
from checker.steps import pairs as pair_step
from checker.steps.claims import extract_claims
from checker.steps.relations import label_relations, overclaims
from checker.steps.score import score_pairs
from tools.bench import common as bc

WARMUP = 32  # items in the untimed first batch: model load, allocator and kernel warm-up
_WARMUP_ARTICLES = pd.DataFrame(
    {
        "article_id": ["w1", "w2"],
        "text": [
            "The city council approved the new budget on Monday by seven votes to two.",
            "The council passed the budget on Monday, with two members voting against it.",
        ],
    }
)


# --------------------------------------------------------------------------------------------
# Throughput
# --------------------------------------------------------------------------------------------


def news_claims(pool: pd.DataFrame, n: int, nlp, *, seed: int = 13) -> pd.DataFrame:
    """At least n + WARMUP claims (if the pool has them) from real articles, in corpus order."""
    corpus = bc.build_corpus(pool, len(pool), seed=seed)
    found, start = [], 0
    while start < len(corpus) and sum(map(len, found)) < n + WARMUP:
        claims, _ = extract_claims(corpus.iloc[start : start + 20], nlp=nlp)
        found.append(claims)
        start += 20
    return pd.concat(found, ignore_index=True).head(n + WARMUP)


def timed(fn, warm: tuple, work: tuple, n_items: int) -> tuple[dict[str, float], Any]:
    """Run fn on the warm-up arguments untimed, then time it on the work arguments: (times, result)."""
    fn(*warm)
    start = time.perf_counter()
    result = fn(*work)
    seconds = time.perf_counter() - start
    times = {
        "items": n_items,
        "seconds": round(seconds, 3),
        "per_s": round(n_items / seconds, 1) if seconds else None,
    }
    return times, result


def embed_throughput(embedder, texts: list[str]) -> dict[str, float]:
    """Claims per second after a warm-up batch; the embedder's text cache is emptied before timing."""
    warm, work = (texts[:WARMUP], texts[WARMUP:]) if len(texts) > WARMUP else (texts, texts)

    def encode(batch):
        cache = getattr(embedder, "cache", None)
        if isinstance(cache, dict):
            cache.clear()  # a cached text costs nothing: every timed text must be encoded
        embedder.encode(batch)

    return timed(encode, (warm,), (work,), len(work))[0]


def nli_pairs(claims: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Consecutive claims of one article as (premise, hypothesis): typical lengths, related content."""
    premises, hypotheses = [], []
    for _, texts in claims.groupby("article_id", sort=False)["text"]:
        texts = texts.tolist()
        premises += texts[:-1]
        hypotheses += texts[1:]
    return premises, hypotheses


def nli_throughput(scorer, premises: list[str], hypotheses: list[str]) -> tuple[dict[str, float], Any]:
    """Pairs per second after a warm-up batch, and the timed pairs' probabilities."""
    if len(premises) > WARMUP:
        warm, work = (premises[:WARMUP], hypotheses[:WARMUP]), (premises[WARMUP:], hypotheses[WARMUP:])
    else:
        warm = work = (premises, hypotheses)
    return timed(scorer.predict, warm, work, len(work[0]))


def fidelity(probs: pd.DataFrame, reference: pd.DataFrame) -> dict[str, float]:
    """How far a compressed form's probabilities are from the reference form's on the same pairs."""
    labels = [c for c in nli_step.NLI_COLUMNS if c != "truncated"]
    a, b = probs[labels].to_numpy(), reference[labels].to_numpy()
    diff = np.abs(a - b)
    return {
        "label_agreement": round(float((a.argmax(1) == b.argmax(1)).mean()), 4),
        "mean_abs_diff": round(float(diff.mean()), 4),
        "p99_abs_diff": round(float(np.percentile(diff, 99)), 4),
        "max_abs_diff": round(float(diff.max()), 4),
    }


def precisions() -> list[str]:
    """Torch precisions worth timing here: float32, and bfloat16 where the CPU has it natively."""
    from checker.models.device import choose_precision

    return ["float32"] + (["bfloat16"] if choose_precision("cpu") == "bfloat16" else [])


def nli_forms(model: str) -> dict[str, Any]:
    """NLI scorers to time: torch in each precision, ONNX int8 when the model folder has the export."""
    forms: dict[str, Any] = {}
    try:
        path, local = nli_step.resolve_model(model, nli_step.DEFAULT_NLI)
    except ModelLoadError as e:
        return {"error": str(e)}
    for precision in precisions():
        forms[f"torch-{precision}"] = nli_step.CrossEncoderNLI(model, backend="torch", precision=precision)
    onnx = Path(path) / "onnx" / "model_int8.onnx"
    forms["onnx-int8"] = nli_step.CrossEncoderNLI(model, backend="onnx") if local and onnx.exists() else None
    return forms


def bench_throughput(pool: pd.DataFrame, args: argparse.Namespace, nli, embedder, nlp) -> dict[str, Any]:
    """Embedding and NLI throughput on real news claims."""
    if pool.empty:
        return bc.absent("throughput", [args.data / "stance/fnc-1/bodies.csv"])
    claims = news_claims(pool, args.limit or 1000, nlp, seed=args.seed)
    texts = claims["text"].tolist()
    premises, hypotheses = nli_pairs(claims)
    out = {
        "status": "ok",
        "claims": len(texts),
        "mean_claim_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "mean_claim_words": round(float(np.mean([len(t.split()) for t in texts])), 1),
        "embedding": embed_throughput(embedder, texts),
        "embedding_forms": {},
        "nli": {},
    }
    if isinstance(embedder, SentenceEmbedder):  # the default embedder: time each precision too
        for precision in precisions():
            form = SentenceEmbedder(embedder.model, batch_size=embedder.batch_size, precision=precision)
            out["embedding_forms"][precision] = embed_throughput(form, texts)
    forms = {"given": nli} if nli is not None else nli_forms(args.nli)
    outputs = {}
    for name, scorer in forms.items():
        if name == "error" or scorer is None:
            out["nli"][name] = {
                "status": "absent",
                "error": scorer or "no onnx/model_int8.onnx in the model folder",
            }
            continue
        res, outputs[name] = nli_throughput(scorer, premises, hypotheses)
        out["nli"][name] = {"status": "ok", **res, "model": bc.model_info(scorer)}
    if "torch-float32" in outputs:  # per-pair agreement of each form with the float32 model
        for name, probs in outputs.items():
            if name != "torch-float32":
                out["nli"][name]["vs_float32"] = fidelity(probs, outputs["torch-float32"])
    return out


# --------------------------------------------------------------------------------------------
# End to end, one size per process
# --------------------------------------------------------------------------------------------


def run_size(n: int, data: Path, nli, embedder, *, seed: int) -> dict[str, Any]:
    """Check a corpus of n articles with a warmed-up Checker; counts, timings and peak RSS of this process."""
    corpus = bc.build_corpus(bc.news_pool(data), n, seed=seed)
    timed = bc.timed_check(Checker(nli=nli, embedder=embedder), corpus, _WARMUP_ARTICLES)
    result = timed["result"]
    counts = result.run["counts"]
    return {
        "size": n,
        "articles": counts["articles"],
        "synthetic": int((corpus["source"] == "synthetic").sum()),
        "claims": counts["claims"],
        "pairs": counts["pairs"],
        "findings": counts["findings"],
        "load_s": timed["load_s"],
        "check_s": timed["check_s"],
        "timings_s": result.run["timings_s"],
        "peak_rss_mib": timed["peak_rss_mib"],
    }


def size_in_subprocess(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """run_size in a fresh interpreter, so peak memory and caches belong to this size alone."""
    cmd = [
        sys.executable,
        "-m",
        "tools.bench.speed",
        "--child",
        str(n),
        "--data",
        str(args.data),
        "--nli",
        args.nli,
        "--embedder",
        args.embedder,
        "--seed",
        str(args.seed),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=bc.REPO)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        return {"size": n, "status": "failed", "returncode": proc.returncode, "stderr": proc.stderr[-2000:]}
    return {"status": "ok", "mode": "subprocess", **json.loads(lines[-1])}


def bench_sizes(args: argparse.Namespace, nli, embedder) -> dict[str, Any]:
    """Every size, then the scaling exponents of time vs articles and pairs vs claims."""
    if bc.news_pool(args.data).empty:
        return bc.absent("sizes", [args.data / "stance/fnc-1/bodies.csv"])
    runs = []
    for n in args.size_list:
        print(f"checking {n} articles ...", file=sys.stderr)
        if nli is None and embedder is None:
            runs.append(size_in_subprocess(n, args))
        else:  # objects cannot cross a process boundary: measure here (peak RSS is this process's)
            runs.append(
                {
                    "status": "ok",
                    "mode": "in-process",
                    **run_size(
                        n,
                        args.data,
                        args.nli if nli is None else nli,
                        args.embedder if embedder is None else embedder,
                        seed=args.seed,
                    ),
                }
            )
    ok = [r for r in runs if r["status"] == "ok"]
    return {
        "status": "ok",
        "runs": runs,
        "time_vs_articles_exponent": bc.loglog_slope([r["articles"] for r in ok], [r["check_s"] for r in ok]),
        "pairs_vs_claims_exponent": bc.loglog_slope([r["claims"] for r in ok], [r["pairs"] for r in ok]),
    }


# --------------------------------------------------------------------------------------------
# Checker vs naive all-pairs baseline
# --------------------------------------------------------------------------------------------


def baseline_corpus(data: Path, n: int, *, seed: int) -> pd.DataFrame:
    """n articles of the first ECB+ topic that has as many (two events, many shared facts), else any n."""
    path = data / "clustering/ecbplus/ecbplus_docs.jsonl"
    if path.exists():
        docs = pd.read_json(path, lines=True).sort_values("doc_id")
        for _, topic in docs.groupby("topic", sort=True):
            if len(topic) >= n:
                topic = topic.head(n)
                return pd.DataFrame(
                    {
                        "article_id": topic["doc_id"].astype(str),
                        "source": "ecbplus",
                        "text": topic["sentences"].map(bc.text_from_sentences),
                    }
                )
    return bc.build_corpus(bc.news_pool(data), n, seed=seed)


def finding_pairs(pairs: pd.DataFrame, claims: pd.DataFrame, config: RelationConfig) -> dict[str, set]:
    """Cross-article findings of labelled pairs: contradictions (claim_a, claim_b) and stronger
    claims the way the checker reports them, one-way entailment with a hedge gap (strong, weak)."""
    cross = pairs[pairs["article_a"] != pairs["article_b"]]
    rel, over = cross["relation"], overclaims(cross, claims, config)
    contra = cross[rel == "contradiction"]
    a_strong, b_strong = cross[over & (rel == "a_stronger")], cross[over & (rel == "b_stronger")]
    return {
        "contradiction": set(zip(contra["claim_a"], contra["claim_b"], strict=True)),
        "stronger": set(zip(a_strong["claim_a"], a_strong["claim_b"], strict=True))
        | set(zip(b_strong["claim_b"], b_strong["claim_a"], strict=True)),
    }


def all_pairs(claims: pd.DataFrame, vectors: np.ndarray) -> pd.DataFrame:
    """Every unordered pair of claims of different articles, claim_a < claim_b as the checker orders them."""
    ids, arts = claims["claim_id"].to_numpy(), claims["article_id"].to_numpy()
    i, j = np.triu_indices(len(ids), 1)
    keep = arts[i] != arts[j]
    i, j = i[keep], j[keep]
    a, b = np.where(ids[i] <= ids[j], i, j), np.where(ids[i] <= ids[j], j, i)
    return pd.DataFrame(
        {
            "claim_a": ids[a],
            "claim_b": ids[b],
            "article_a": arts[a],
            "article_b": arts[b],
            "similarity": np.einsum("ij,ij->i", vectors[a], vectors[b]).astype(float),
            "kind": "cross",
        }
    )


def bench_baseline(args: argparse.Namespace, nli, embedder) -> dict[str, Any]:
    """Time and findings of the checker vs scoring every cross-article claim pair."""
    n = args.baseline_articles
    if n <= 1:
        return {"status": "skipped", "missing": ["--baseline-articles <= 1"]}
    corpus = baseline_corpus(args.data, n, seed=args.seed)
    checker = Checker(
        nli=nli if nli is not None else args.nli, embedder=embedder if embedder is not None else args.embedder
    )
    checker.check(_WARMUP_ARTICLES)
    result = checker.check(corpus)
    claims, timings = result.claims, result.run["timings_s"]
    start = time.perf_counter()
    vectors = checker.embedder.encode(claims["text"].tolist())  # cached by the check: a lookup
    naive = all_pairs(claims, vectors)
    cfg = checker.config
    if len(naive):
        naive = score_pairs(naive, claims, checker.nli, strip_attribution=cfg.nli.strip_attribution)
        naive = label_relations(naive, cfg.relations)
    else:
        naive = naive.assign(relation=pd.Series(dtype=object))
    naive_s = time.perf_counter() - start
    shared = sum(timings.get(k, 0.0) for k in ("ingest", "claims", "embed"))
    mine = finding_pairs(result.pairs, claims, cfg.relations)
    theirs = finding_pairs(naive, claims, cfg.relations)
    # The baseline's findings between claims about one fact (cosine >= the checker's own pairing floor)
    near = finding_pairs(naive[naive["similarity"] >= cfg.pairs.min_similarity], claims, cfg.relations)
    agreement = {}
    for kind in ("contradiction", "stronger"):
        both = len(mine[kind] & theirs[kind])
        agreement[kind] = {
            "checker": len(mine[kind]),
            "baseline": len(theirs[kind]),
            "both": both,
            "checker_found_by_baseline": both / len(mine[kind]) if mine[kind] else None,
            "baseline_found_by_checker": both / len(theirs[kind]) if theirs[kind] else None,
            "baseline_near": len(near[kind]),
            "baseline_near_found_by_checker": (
                len(mine[kind] & near[kind]) / len(near[kind]) if near[kind] else None
            ),
        }
    checker_s = timings["total"]
    return {
        "status": "ok",
        "articles": len(result.articles),
        "claims": len(claims),
        "checker_pairs": len(result.pairs),
        "baseline_pairs": len(naive),
        "checker_s": checker_s,
        "baseline_s": round(shared + naive_s, 3),
        "baseline_scoring_s": round(naive_s, 3),
        "checker_scoring_s": timings.get("nli", 0.0),
        "time_ratio": round((shared + naive_s) / checker_s, 2) if checker_s else None,
        "agreement": agreement,
        "min_similarity": cfg.pairs.min_similarity,
    }


# --------------------------------------------------------------------------------------------
# Pair budget: NLI time against findings kept
# --------------------------------------------------------------------------------------------


def bench_budgets(args: argparse.Namespace, nli, embedder, nlp) -> dict[str, Any]:
    """Findings kept when each claim gets fewer NLI partners (PairConfig neighbours:lexical_neighbours).

    The configured budget's pairs are scored once; a smaller budget's pairs are a subset of them
    (the same ranked neighbour lists, cut shorter), so its findings are read off the same scores.
    """
    n = args.budget_articles
    if n <= 1:
        return {"status": "skipped", "missing": ["--budget-articles <= 1"]}
    pool = bc.news_pool(args.data)
    if pool.empty:
        return bc.absent("budgets", [args.data / "stance/fnc-1/bodies.csv"])
    checker = Checker(nli=nli if nli is not None else args.nli, embedder=embedder)
    cfg = checker.config
    claims, _ = extract_claims(bc.build_corpus(pool, n, seed=args.seed), config=cfg.claims, nlp=nlp)
    vectors = checker.embedder.encode(claims["text"].tolist())
    k, min_sim = neighbour_settings(cfg)  # the shipped pipeline's neighbour search (checker.run)
    dense = cluster_step.nearest_neighbours(vectors, k, min_similarity=min_sim)
    everything = np.arange(len(claims))
    candidates = pair_step.candidates(
        claims["text"], everything, lambda pos: vectors[pos], dense, None, cfg.pairs
    )
    full = pair_step.select_pairs(claims, candidates, cfg.pairs)
    start = time.perf_counter()
    scored = score_pairs(full, claims, checker.nli, strip_attribution=cfg.nli.strip_attribution)
    nli_s = time.perf_counter() - start
    scored = label_relations(scored, cfg.relations)
    found = finding_pairs(scored, claims, cfg.relations)
    rows = []
    for budget in args.budgets.split(","):
        k, lex = (int(x) for x in budget.split(":"))
        if k > cfg.pairs.neighbours or lex > cfg.pairs.lexical_neighbours:
            continue  # not a subset of the scored pairs
        sub = pair_step.select_pairs(
            claims, candidates, dataclasses.replace(cfg.pairs, neighbours=k, lexical_neighbours=lex)
        )
        keys = set(zip(sub["claim_a"], sub["claim_b"], strict=True))
        kept = {
            kind: (len({(x, y) for x, y in pairs if (min(x, y), max(x, y)) in keys}) / len(pairs))
            if pairs
            else None
            for kind, pairs in found.items()
        }
        rows.append({"budget": f"{k}:{lex}", "pairs": len(sub), "share": len(sub) / len(full), "kept": kept})
    return {
        "status": "ok",
        "articles": n,
        "claims": len(claims),
        "nli_s": round(nli_s, 2),
        "found": {kind: len(v) for kind, v in found.items()},
        "rows": rows,
    }


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: run record, throughput, sizes with scaling exponents, baseline."""
    r = report["results"]
    out = [
        "# Speed benchmarks",
        "",
        bc.record_markdown(report["record"]),
        f"- torch threads: {report['torch_threads']}",
        "",
        "## Throughput",
        "",
    ]
    t = r.get("throughput", {})
    if t.get("status") == "ok":
        out.append(
            f"On {t['claims']} news claims (mean {t['mean_claim_words']} words, "
            f"{t['mean_claim_chars']} chars); "
            f"first {WARMUP} items untimed.\n"
        )
        embedding = t.get("embedding_forms") or {"configured": t["embedding"]}
        rows = [
            ["embedding", name, res["items"], res["seconds"], f"{res['per_s']} claims/s"]
            for name, res in embedding.items()
        ]
        for name, res in t["nli"].items():
            rows.append(
                [
                    "NLI",
                    name,
                    res.get("items", "–"),
                    res.get("seconds", "–"),
                    f"{res['per_s']} pairs/s" if res.get("status") == "ok" else f"absent: {res.get('error')}",
                ]
            )
        out.append(bc.markdown_table(["model", "form", "items", "seconds", "throughput"], rows))
        close = [(name, res["vs_float32"]) for name, res in t["nli"].items() if "vs_float32" in res]
        if close:
            out += [
                "",
                "NLI forms against torch float32 on the same pairs (probabilities of the three labels):",
                "",
                bc.markdown_table(
                    ["form", "same label %", "mean abs. diff.", "p99 abs. diff.", "max abs. diff."],
                    [
                        [
                            name,
                            bc.pct(f["label_agreement"]),
                            f["mean_abs_diff"],
                            f["p99_abs_diff"],
                            f["max_abs_diff"],
                        ]
                        for name, f in close
                    ],
                ),
            ]
    else:
        out.append(f"not run: {t.get('missing', t)}")
    out += ["", "## End to end", ""]
    s = r.get("sizes", {})
    if s.get("status") == "ok":
        rows = [
            [
                x.get("size"),
                x.get("articles", "–"),
                x.get("synthetic", "–"),
                x.get("claims", "–"),
                x.get("pairs", "–"),
                round(x["pairs"] / x["claims"], 2) if x.get("claims") else "–",
                x.get("check_s", "–"),
                x.get("load_s", "–"),
                x.get("peak_rss_mib", "–"),
                x.get("mode", x.get("status")),
            ]
            for x in s["runs"]
        ]
        out.append(
            bc.markdown_table(
                [
                    "size",
                    "articles",
                    "synthetic",
                    "claims",
                    "pairs",
                    "pairs per claim",
                    "check s",
                    "load s",
                    "peak RSS MiB",
                    "mode",
                ],
                rows,
            )
        )
        out.append(
            f"\nScaling exponents (log-log fit): time vs articles {_num(s['time_vs_articles_exponent'])}, "
            f"pairs vs claims {_num(s['pairs_vs_claims_exponent'])}. Articles past the real ones are "
            "synthetic: paragraphs of real articles redrawn at random (seed "
            f"{report['seed']}), as many per article as a random real article has. Each claim keeps at "
            "most its `neighbours` + `lexical_neighbours` best partners, so pairs per claim rise while "
            "small corpora leave claims short of close partners and level off below that bound."
        )
    else:
        out.append(f"not run: {s.get('missing', s)}")
    out += ["", "## Checker vs naive all-pairs baseline", ""]
    b = r.get("baseline", {})
    if b.get("status") == "ok":
        out.append(
            f"{b['articles']} articles, {b['claims']} claims: checker {b['checker_pairs']} pairs in "
            f"{b['checker_s']} s; baseline {b['baseline_pairs']} pairs in {b['baseline_s']} s "
            f"(ratio {b['time_ratio']}; scoring alone {b['checker_scoring_s']} s vs "
            f"{b['baseline_scoring_s']} s).\n"
        )
        rows = [
            [
                k,
                v["checker"],
                v["baseline"],
                v["both"],
                bc.pct(v["checker_found_by_baseline"]),
                bc.pct(v["baseline_found_by_checker"]),
                v.get("baseline_near", "–"),
                bc.pct(v.get("baseline_near_found_by_checker")),
            ]
            for k, v in b["agreement"].items()
        ]
        near = f"cosine ≥ {b.get('min_similarity', '–')}"
        out.append(
            bc.markdown_table(
                [
                    "cross-article finding",
                    "checker",
                    "baseline",
                    "both",
                    "checker's found by baseline %",
                    "baseline's found by checker %",
                    f"baseline's at {near}",
                    "of those found by checker %",
                ],
                rows,
            )
        )
        out.append(
            "\nStronger = one-way entailment where the weaker claim is more hedged, as the checker reports "
            f"it. Baseline findings at {near} are between claims about one fact; below it the checker "
            "pairs claims only through lexical neighbours."
        )
    else:
        out.append(f"not run: {b.get('missing', b)}")
    out += ["", "## Pair budget: NLI time against findings kept", ""]
    g = r.get("budgets", {})
    if g.get("status") == "ok":
        out.append(
            f"{g['articles']} articles, {g['claims']} claims. The configured budget's pairs were scored "
            f"once ({g['nli_s']} s of NLI) and found {g['found']['contradiction']} cross-article "
            f"contradictions and {g['found']['stronger']} stronger claims; each smaller budget is a subset "
            "of those pairs. Budget = embedding neighbours : lexical neighbours per claim.\n"
        )
        rows = [
            [
                x["budget"],
                x["pairs"],
                bc.pct(x["share"]),
                round(x["share"] * g["nli_s"], 1),
                bc.pct(x["kept"]["contradiction"]),
                bc.pct(x["kept"]["stronger"]),
            ]
            for x in g["rows"]
        ]
        out.append(
            bc.markdown_table(
                [
                    "budget",
                    "pairs",
                    "pairs %",
                    "NLI s (pro rata)",
                    "contradictions kept %",
                    "stronger kept %",
                ],
                rows,
            )
        )
    else:
        out.append(f"not run: {g.get('missing', g)}")
    return "\n".join(out)


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def run(args: argparse.Namespace, *, nli=None, embedder=None, nlp=None) -> dict[str, Any]:
    """Run the three parts; model objects passed here replace --nli/--embedder (then sizes run in-process)."""
    import torch

    from checker.models.embed import load_embedder

    record = bc.run_record("tools.bench.speed", args.argv)  # the commit the run starts from
    pool = bc.news_pool(args.data)
    nlp = nlp if nlp is not None else load_spacy()
    emb = embedder if embedder is not None else load_embedder(args.embedder)
    results = {"throughput": bench_throughput(pool, args, nli, emb, nlp)}
    results["sizes"] = bench_sizes(args, nli, embedder)
    results["baseline"] = bench_baseline(args, nli, embedder)
    results["budgets"] = bench_budgets(args, nli, emb, nlp)
    report = {
        "record": record,
        "torch_threads": torch.get_num_threads(),
        "seed": args.seed,
        "results": results,
    }
    markdown = to_markdown(report)
    bc.save(args.out, "speed", report, markdown)
    print(markdown)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated corpus sizes (articles)")
    parser.add_argument(
        "--baseline-articles", type=int, default=20, help="articles for the all-pairs baseline"
    )
    parser.add_argument(
        "--budget-articles", type=int, default=1000, help="articles for the pair-budget trade-off (0: skip)"
    )
    parser.add_argument(
        "--budgets",
        default="6:3,5:3,6:2,5:2,4:3,4:2,3:2",
        help="pair budgets neighbours:lexical_neighbours to compare, each at most the configured one",
    )
    parser.add_argument("--seed", type=int, default=13, help="corpus shuffling and synthetic articles")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)  # one size, JSON on stdout
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.size_list = [int(x) for x in args.sizes.split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None, *, nli=None, embedder=None, nlp=None) -> dict[str, Any] | None:
    """Command-line entry point; returns the report (its JSON is also written to --out)."""
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_size(args.child, args.data, args.nli, args.embedder, seed=args.seed)))
        return None
    return run(args, nli=nli, embedder=embedder, nlp=nlp)


if __name__ == "__main__":
    # INFO shows the checker's step timings and the NLI progress bar on long sets.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    main()
