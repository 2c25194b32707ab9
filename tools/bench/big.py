"""A big corpus end to end: wall time, peak memory and counts of ``Checker().check`` on N megabytes of news.

    python -m tools.bench.big --mb 20 --out docs/bench/big          # the issue #15 benchmark
    python -m tools.bench.big --mb 1,2,5 --out docs/bench/big       # scaling, each size in its own process
    python -m tools.bench.big --mb 0.05 --out /tmp/big              # a quick check (about 25 articles)

The corpus is made of normal-sized articles: real news bodies (FNC-1, and ECB+ / MEANTIME when present,
via ``tools.bench.common.news_pool``) first, then synthetic articles whose paragraphs are drawn from
those bodies (``build_corpus``), until the texts hold ``--mb`` million characters. No text is written
to the repository: only counts and timings.

Each size runs in a fresh Python process, so its peak RSS (``resource.getrusage``, models included)
belongs to that size alone. Models are loaded by a two-article warm-up that is timed separately. A
size whose projected time (from the largest size already measured, scaled linearly, which is
optimistic: pairs and clustering grow slightly faster) exceeds ``--max-minutes`` is not started: it
is recorded as skipped with its projection.

Writes big.json and big.md to --out and prints the Markdown.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from tools.bench import common as bc

logger = logging.getLogger(__name__)

_WARMUP = pd.DataFrame(
    {
        "article_id": ["w1", "w2"],
        "text": [
            "The city council approved the new budget on Monday by seven votes to two.",
            "The council passed the budget on Monday, with two members voting against it.",
        ],
    }
)


def corpus_of(pool: pd.DataFrame, mb: float, *, seed: int = 13) -> pd.DataFrame:
    """Articles from ``pool`` (real ones first, then synthetic) whose texts hold ``mb`` million characters.

    Example:
        >>> pool = pd.DataFrame({"article_id": ["a"], "source": ["s"], "text": ["x" * 500]})
        >>> len(corpus_of(pool, 0.002))
        4
    """
    mean = max(float(pool["text"].str.len().mean()), 1.0)
    n = max(2, math.ceil(mb * 1e6 / mean * 1.1))  # 10% spare: lengths vary around the mean
    corpus = bc.build_corpus(pool, n, seed=seed)
    while corpus["text"].str.len().sum() < mb * 1e6:  # the articles drawn were shorter than the mean
        n = math.ceil(n * 1.5)
        corpus = bc.build_corpus(pool, n, seed=seed)
    total = corpus["text"].str.len().cumsum()
    keep = int((total < mb * 1e6).sum()) + 1
    return corpus.iloc[: min(keep, len(corpus))].reset_index(drop=True)


def run_size(mb: float, data: Path, nli: str, embedder: str, *, seed: int) -> dict[str, Any]:
    """Check a corpus of ``mb`` MB in this process: counts, timings and peak RSS."""
    from checker.pipeline import Checker

    corpus = corpus_of(bc.news_pool(data), mb, seed=seed)
    timed = bc.timed_check(Checker(nli=nli, embedder=embedder), corpus, _WARMUP)
    result = timed["result"]
    counts = result.run["counts"]
    return {
        "mb": mb,
        "chars": int(corpus["text"].str.len().sum()),
        "input_articles": len(corpus),
        "synthetic": int((corpus["source"] == "synthetic").sum()),
        "articles": counts["articles"],
        "claims": counts["claims"],
        "clusters": counts["clusters"],
        "pairs": counts["pairs"],
        "findings": counts["findings"],
        "skipped": len(result.skipped),
        "load_s": timed["load_s"],
        "check_s": timed["check_s"],
        "timings_s": result.run["timings_s"],
        "rss_after_load_mib": timed["rss_after_load_mib"],
        "peak_rss_mib": timed["peak_rss_mib"],
    }


def size_in_subprocess(mb: float, args: argparse.Namespace) -> dict[str, Any]:
    """run_size in a fresh interpreter, so peak memory belongs to this size alone."""
    cmd = [sys.executable, "-m", "tools.bench.big", "--child", str(mb), "--data", str(args.data),
           "--nli", args.nli, "--embedder", args.embedder, "--seed", str(args.seed)]  # fmt: skip
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=bc.REPO)  # stderr: progress, live
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        return {"mb": mb, "status": "failed", "returncode": proc.returncode}
    return {"status": "ok", **json.loads(lines[-1])}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every size in turn (smallest first), skipping those projected past --max-minutes."""
    record = bc.run_record("tools.bench.big", args.argv)  # the commit the run starts from, not ends at
    if bc.news_pool(args.data).empty:
        report = {"record": record, "results": bc.absent(
            "big", [args.data / "stance/fnc-1/bodies.csv"])}  # fmt: skip
        bc.save(args.out, "big", report, to_markdown(report))
        return report
    runs: list[dict[str, Any]] = []
    for mb in sorted(args.mb_list):
        done = [r for r in runs if r["status"] == "ok"]
        if done:
            last = max(done, key=lambda r: r["mb"])
            projected = (last["load_s"] + last["check_s"] * mb / last["mb"]) / 60
            if projected > args.max_minutes:
                runs.append({"mb": mb, "status": "skipped", "projected_min": round(projected, 1)})
                print(f"{mb} MB skipped: projected {projected:.0f} min > {args.max_minutes}", file=sys.stderr)
                continue
        print(f"checking {mb} MB ...", file=sys.stderr)
        runs.append(size_in_subprocess(mb, args))
    ok = [r for r in runs if r["status"] == "ok"]
    scaling = {
        "time_vs_chars": bc.loglog_slope([r["chars"] for r in ok], [r["check_s"] for r in ok]),
        "pairs_vs_claims": bc.loglog_slope([r["claims"] for r in ok], [r["pairs"] for r in ok]),
        "peak_rss_vs_chars": bc.loglog_slope([r["chars"] for r in ok], [r["peak_rss_mib"] for r in ok]),
    }
    report = {
        "record": record,
        "seed": args.seed,
        "max_minutes": args.max_minutes,
        "results": {"status": "ok", "runs": runs, "scaling": scaling},
    }
    markdown = to_markdown(report)
    bc.save(args.out, "big", report, markdown)
    print(markdown)
    return report


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: run record, one row per size, scaling exponents."""
    res = report["results"]
    out = ["# Big corpus: time and peak memory", "", bc.record_markdown(report["record"]), ""]
    if res.get("status") != "ok":
        return "\n".join([*out, f"not run: {res.get('missing', res)}"])
    rows = []
    for r in res["runs"]:
        if r["status"] != "ok":
            note = f"projected {r['projected_min']} min" if r["status"] == "skipped" else r["status"]
            rows.append([r["mb"], "–", "–", "–", "–", "–", "–", f"not run ({note})"])
            continue
        steps = ", ".join(f"{k} {v:.0f}" for k, v in r["timings_s"].items() if k != "total")
        rows.append([r["mb"], r["articles"], r["claims"], r["pairs"], r["findings"],
                     f"{r['check_s'] / 60:.1f}", f"{r['peak_rss_mib'] / 1024:.2f}", steps])  # fmt: skip
    headers = ["MB", "articles", "claims", "pairs", "findings", "check min", "peak RSS GiB", "s per step"]
    out.append(bc.markdown_table(headers, rows))
    s = res["scaling"]
    out += ["", "Scaling exponents (log-log fits; 1.0 is linear): "
            + ", ".join(f"{k} {'–' if v is None else f'{v:.2f}'}" for k, v in s.items())]  # fmt: skip
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.set_defaults(out=bc.DEFAULT_OUT / "big")
    parser.add_argument("--mb", default="20", help="comma-separated corpus sizes in millions of characters")
    parser.add_argument("--max-minutes", type=float, default=30.0,
                        help="do not start a size projected to take longer than this")  # fmt: skip
    parser.add_argument("--seed", type=int, default=13, help="corpus shuffling and synthetic articles")
    parser.add_argument("--child", type=float, default=0.0, help=argparse.SUPPRESS)  # JSON on stdout
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.mb_list = [float(x) for x in args.mb.split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    """Command-line entry point; returns the report (its JSON is also written to --out)."""
    args = parse_args(argv)
    if args.child:
        print(json.dumps(run_size(args.child, args.data, args.nli, args.embedder, seed=args.seed)))
        return None
    return run(args)


if __name__ == "__main__":
    # INFO shows the checker's step timings; progress bars show on a terminal.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    main()
