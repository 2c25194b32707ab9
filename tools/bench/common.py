"""Shared helpers of the benchmark scripts: arguments, run records, saving, metrics and news corpora.

The scripts (bench_quality.py, bench_speed.py) read public data from ``--data`` (default
../shared/data beside the repository), write ``<name>.json`` and ``<name>.md`` to ``--out`` (default
docs/bench/) and never fail on a missing set: they name it and go on.

Example:
    >>> balanced_accuracy([1, 1, 0, 0], [1, 0, 0, 0])
    0.75
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import random
import shlex
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tools.nli_model import data as nli_data

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "docs" / "bench"


# --------------------------------------------------------------------------------------------
# Arguments, run records, output
# --------------------------------------------------------------------------------------------


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark script takes (--data, --out, --limit, --nli, --embedder)."""
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default ../shared/data)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON and Markdown results"
    )
    parser.add_argument("--limit", type=int, default=0, help="sample at most N items per set (0: all)")
    parser.add_argument(
        "--nli", default="auto", help="NLI model folder or hub name (default: the bundled model)"
    )
    parser.add_argument(
        "--embedder", default="auto", help="embedding model folder or hub name (default: MiniLM)"
    )


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM and library versions of the machine running the benchmark."""
    cpu, flags = "", set()
    try:
        info = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
        flags = set(next((line.split(":", 1)[1].split() for line in info if line.startswith("flags")), []))
    except OSError:
        cpu = platform.processor()
    ram_gib = None
    try:
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram_gib = round(kib / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for pkg in ("torch", "transformers", "sentence-transformers", "onnxruntime", "spacy", "numpy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "absent"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu or "unknown",
        # what the int8 and bfloat16 kernels can use: throughput differs 2-3x between these (benchmarks.md)
        "cpu_features": [
            f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if f in flags
        ],
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def git_commit() -> str:
    """Short commit hash of the repository, "unknown" outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def run_record(module: str, argv: Sequence[str]) -> dict[str, Any]:
    """Command line, date, git commit and machine: the header of every result file."""
    return {
        "command": shlex.join(["python", "-m", module, *argv]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
    }


def record_markdown(record: dict[str, Any]) -> str:
    """The run record as a few Markdown lines."""
    m = record["machine"]
    v = m["versions"]
    return "\n".join(
        [
            f"- command: `{record['command']}`",
            f"- date: {record['date']}, commit `{record['commit']}`",
            f"- machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gib']} GiB RAM"
            + (f", CPU features {' '.join(m['cpu_features'])}" if m.get("cpu_features") else ""),
            f"- python {m['python']}, torch {v['torch']}, transformers {v['transformers']}, "
            f"onnxruntime {v['onnxruntime']}, spaCy {v['spacy']}",
        ]
    )


def save(out: Path, name: str, report: dict[str, Any], markdown: str) -> list[Path]:
    """Write ``name.json`` and ``name.md`` to ``out`` (created if needed); return both paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.json", out / f"{name}.md"]
    paths[0].write_text(json.dumps(report, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    paths[1].write_text(markdown.rstrip() + "\n", encoding="utf-8")
    return paths


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def model_info(model: Any) -> Any:
    """What a run record says about a model object: its ``info`` (path, backend...), else its class name."""
    try:
        return model.info
    except AttributeError:
        return type(model).__name__


def absent(name: str, missing: Sequence[Path]) -> dict[str, Any]:
    """Report a set whose files are missing: one stderr line, and a result that says so."""
    paths = [str(p) for p in missing]
    print(
        f"skipping {name}: {', '.join(paths)} absent (see ../shared/data/README.md or pass --data)",
        file=sys.stderr,
    )
    return {"status": "absent", "missing": paths}


def missing_paths(*paths: Path) -> list[Path]:
    """The given paths that do not exist."""
    return [p for p in paths if not Path(p).exists()]


def sample(frame: pd.DataFrame, limit: int, seed: int = 0) -> pd.DataFrame:
    """At most ``limit`` rows, drawn reproducibly (all rows when limit is 0), in their original order."""
    if not limit or len(frame) <= limit:
        return frame
    return frame.sample(n=limit, random_state=seed).sort_index()


def is_test(key: str) -> bool:
    """Deterministic half split by a group key (document, body or topic id): True for the test half."""
    return nli_data.in_heldout(str(key), fraction=0.5)


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage for tables; "–" for None or NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return f"{100 * value:.{digits}f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def balanced_accuracy(gold: Sequence[int], pred: Sequence[int]) -> float:
    """Mean recall over the classes present in gold (NaN for no items).

    Example:
        >>> balanced_accuracy([1, 1, 0, 0], [1, 1, 1, 0])
        0.75
    """
    gold, pred = np.asarray(gold), np.asarray(pred)
    if not len(gold):
        return float("nan")
    return float(np.mean([(pred[gold == c] == c).mean() for c in np.unique(gold)]))


def choose_threshold(scores: Sequence[float], gold: Sequence[int]) -> float | None:
    """Threshold t maximising balanced accuracy of ``score >= t`` -> 1; None without both classes.

    Candidates are midpoints between sorted distinct scores (and below/above all of them); ties keep
    the lowest threshold, so the choice is deterministic.

    Example:
        >>> choose_threshold([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
        0.5
    """
    scores, gold = np.asarray(scores, dtype=float), np.asarray(gold)
    if len(np.unique(gold)) < 2:
        return None
    distinct = np.unique(scores)
    candidates = np.concatenate(
        [[distinct[0] - 1.0], (distinct[:-1] + distinct[1:]) / 2, [distinct[-1] + 1.0]]
    )
    accs = [balanced_accuracy(gold, (scores >= t).astype(int)) for t in candidates]
    return float(candidates[int(np.argmax(accs))])


def bcubed(gold: Sequence[Any], pred: Sequence[Any]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering (one label per item in each sequence).

    Example:
        >>> bcubed(["x", "x", "y"], [1, 1, 2])["f1"]
        1.0
    """
    gold, pred = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    if not len(gold):
        return {"precision": float("nan"), "recall": float("nan"), "f1": float("nan")}
    same_gold = gold[:, None] == gold[None, :]
    same_pred = pred[:, None] == pred[None, :]
    both = (same_gold & same_pred).sum(1)
    p, r = float(np.mean(both / same_pred.sum(1))), float(np.mean(both / same_gold.sum(1)))
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def average_precision_at_k(ranked: Sequence[Any], relevant: set, k: int) -> float:
    """Average precision at depth k, divided by the number of relevant items (as trec_eval does).

    Example:
        >>> average_precision_at_k(["a", "b", "c"], {"b"}, 5)
        0.5
    """
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """FNC-1 weighted score: 0.25 for related/unrelated right, +0.75 for the right related label.

    Returns the raw score, the best possible score and their ratio (the "relative score" FNC-1 ranks by).

    Example:
        >>> fnc_score(["agree", "unrelated"], ["discuss", "unrelated"])["relative"]
        0.4
    """
    g, p = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    if g.shape != p.shape:
        raise ValueError(f"{len(g)} gold labels but {len(p)} predictions")
    related_g, related_p = g != "unrelated", p != "unrelated"
    score = 0.25 * float((related_g == related_p).sum()) + 0.75 * float((related_g & (g == p)).sum())
    best = float(related_g.sum()) + 0.25 * float((~related_g).sum())
    return {"score": score, "max": best, "relative": score / best if best else float("nan")}


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Exponent b of y ~ x**b from a least-squares fit in log-log space; None with < 2 usable points.

    Example:
        >>> round(loglog_slope([10, 100, 1000], [5, 50, 500]), 3)
        1.0
    """
    pts = [(a, b) for a, b in zip(x, y, strict=True) if a and b and a > 0 and b > 0]
    if len({a for a, _ in pts}) < 2:
        return None
    lx, ly = np.log([a for a, _ in pts]), np.log([b for _, b in pts])
    return float(np.polyfit(lx, ly, 1)[0])


# --------------------------------------------------------------------------------------------
# News corpora from the shared data (FNC-1 bodies, ECB+ and MEANTIME documents)
# --------------------------------------------------------------------------------------------

_SENTENCES_PER_PARAGRAPH = 3  # ECB+ and MEANTIME come as sentence lists; news paragraphs run 2-4 sentences


def text_from_sentences(sentences: Sequence[str]) -> str:
    """Article text from a tokenised sentence list (ECB+, MEANTIME): detokenised, 3 sentences a paragraph.

    Example:
        >>> text_from_sentences(["Boeing 's jet flew .", "It landed ."])
        "Boeing's jet flew. It landed."
    """
    sents = [nli_data.detok(s) for s in sentences if s.strip()]
    step = _SENTENCES_PER_PARAGRAPH
    return "\n\n".join(" ".join(sents[i : i + step]) for i in range(0, len(sents), step))


def news_pool(data: Path) -> pd.DataFrame:
    """Real news articles from the shared data: article_id, source, text (absent sets left out).

    FNC-1 bodies keep their paragraphs; ECB+ and MEANTIME sentences are detokenised and grouped three
    to a paragraph.
    """
    data = Path(data)
    frames = []
    fnc = data / "stance/fnc-1/bodies.csv"
    if fnc.exists():
        bodies = pd.read_csv(fnc)
        frames.append(
            pd.DataFrame(
                {
                    "article_id": "fnc" + bodies["Body ID"].astype(str),
                    "source": "fnc-1",
                    "text": bodies["articleBody"].astype(str),
                }
            )
        )
    for name, path, key in (
        ("ecbplus", data / "clustering/ecbplus/ecbplus_docs.jsonl", "doc_id"),
        ("meantime", data / "news/meantime-wikinews/meantime_en_docs.jsonl", "doc_key"),
    ):
        if path.exists():
            docs = pd.read_json(path, lines=True)
            frames.append(
                pd.DataFrame(
                    {
                        "article_id": name + ":" + docs[key].astype(str),
                        "source": name,
                        "text": docs["sentences"].map(text_from_sentences),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(
            {"article_id": pd.Series(dtype=str), "source": pd.Series(dtype=str), "text": pd.Series(dtype=str)}
        )
    pool = pd.concat(frames, ignore_index=True)
    return pool[pool["text"].str.len() >= 200].reset_index(drop=True)  # drop near-empty bodies


def build_corpus(pool: pd.DataFrame, n: int, *, seed: int = 13) -> pd.DataFrame:
    """n articles: real ones first (shuffled with ``seed``), then synthetic ones when the pool is short.

    A synthetic article draws as many paragraphs as a randomly chosen real article has, sampled without
    replacement from all real paragraphs (random.Random(seed)), so lengths follow the real distribution
    and every sentence is real news text. Columns: article_id, source, text.

    Example:
        >>> pool = pd.DataFrame({"article_id": ["a"], "source": ["s"], "text": ["One.\\n\\nTwo."]})
        >>> build_corpus(pool, 2)["source"].tolist()
        ['s', 'synthetic']
    """
    if pool.empty:
        raise ValueError(
            "no news texts to build a corpus from: the shared data (--data) holds none of "
            "FNC-1 bodies, ECB+ or MEANTIME documents"
        )
    rng = random.Random(seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    real = pool.iloc[order[:n]].reset_index(drop=True)
    if n <= len(pool):
        return real
    paragraphs = [[p for p in t.split("\n\n") if p.strip()] for t in pool["text"]]
    flat = [p for ps in paragraphs for p in ps]
    sizes = [len(ps) for ps in paragraphs if ps]
    rows = []
    for i in range(n - len(pool)):
        k = min(rng.choice(sizes), len(flat))
        rows.append(
            {"article_id": f"syn{i:06d}", "source": "synthetic", "text": "\n\n".join(rng.sample(flat, k))}
        )
    return pd.concat([real, pd.DataFrame(rows)], ignore_index=True)


def timed_check(checker: Any, corpus: pd.DataFrame, warmup: Any) -> dict[str, Any]:
    """Check ``warmup`` (the models load), then ``corpus``: the result, load and check seconds, and this
    process's resident memory after loading and at its peak (MiB; ``ru_maxrss`` is KiB on Linux)."""
    import resource
    import time

    start = time.perf_counter()
    checker.check(warmup)
    load_s = time.perf_counter() - start
    after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = checker.check(corpus)
    check_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"result": result, "load_s": round(load_s, 2), "check_s": round(check_s, 2),
            "rss_after_load_mib": round(after_load, 1), "peak_rss_mib": round(peak, 1)}  # fmt: skip
