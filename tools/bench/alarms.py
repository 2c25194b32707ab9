"""Conflict findings on unrelated and loosely related real articles: every one listed, to be judged.

    python -m tools.bench.alarms                      # 300 FNC-1 bodies, the bundled NLI model
    python -m tools.bench.alarms --nli work/nli/v1 --contra-threshold 0.9   # another model and threshold

FNC-1 article bodies (../shared/data/stance/fnc-1/bodies.csv) come from many stories, several
articles each, so most claim pairs the checker scores are about different people or moments. Each
body is its own outlet. The script checks ``--n`` bodies drawn with a fixed seed and writes, per
finding kind, the count, and for NLI-made contradictions how many remain at stricter one-way
thresholds (from the findings' scores; only thresholds at or above the run's
``contra_threshold`` mean anything), then every conflict finding with its evidence, for a reader to
judge. It gives no precision by itself: the judging is by hand (docs/benchmarks.md).
Writes alarms.json and alarms.md to --out (default docs/bench/alarms/).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from tools.bench import common as bc

CONFLICT_KINDS = (
    "contradiction", "intra_article_conflict", "stronger_claim", "entity_mismatch", "place_mismatch",
    "number_mismatch", "date_mismatch",
)  # fmt: skip


def bodies(data: Path, n: int, seed: int) -> pd.DataFrame:
    """``n`` FNC-1 bodies as articles, each its own source."""
    frame = pd.read_csv(data / "stance/fnc-1/bodies.csv").sample(n, random_state=seed)
    ids = "fnc" + frame["Body ID"].astype(str)
    return pd.DataFrame({"article_id": ids, "source": ids, "text": frame["articleBody"].to_numpy()})


def nli_contradiction_scores(found: pd.DataFrame) -> list[float]:
    """The score of each NLI-made contradiction finding (its larger one-way contradiction
    probability, checker.steps.findings); rule-made ones (``why`` "rule …") are left out."""
    contra = found[found["kind"].isin(["contradiction", "intra_article_conflict"])]
    nli_made = ~contra["why"].str.startswith("rule ")
    return contra.loc[nli_made, "score"].astype(float).tolist()


def run(args: argparse.Namespace) -> dict:
    from checker import Checker
    from checker.config import CheckConfig

    record = bc.run_record("tools.bench.alarms", args.argv)  # the commit the run starts from
    config = CheckConfig()
    if args.contra_threshold is not None:
        config = dataclasses.replace(
            config, relations=dataclasses.replace(config.relations, contra_threshold=args.contra_threshold)
        )
    result = Checker(config, nli=args.nli, embedder=args.embedder).check(bodies(args.data, args.n, args.seed))
    found = result.findings[result.findings["kind"].isin(CONFLICT_KINDS)]
    nli_made = nli_contradiction_scores(found)
    return {
        **record,
        "contra_threshold": config.relations.contra_threshold,
        "articles": len(result.articles),
        "claims": len(result.claims),
        "pairs": len(result.pairs),
        "kinds": found["kind"].value_counts().to_dict(),
        "nli_contradictions_at": {str(t): sum(s >= t for s in nli_made) for t in (0.9, 0.93, 0.95)},
        "findings": found[["kind", "why", "explanation"]].to_dict("records"),
    }


def to_markdown(report: dict) -> str:
    lines = ["# Conflict findings on FNC-1 bodies", "", bc.record_markdown(report), ""]
    lines += [f"- contradiction threshold (one way): {report['contra_threshold']}"]
    lines += [f"- articles {report['articles']}, claims {report['claims']}, pairs {report['pairs']}"]
    lines += [f"- findings per kind: {report['kinds']}"]
    lines += [
        f"- NLI-made contradictions with one direction at or above t: {report['nli_contradictions_at']}",
        "",
    ]
    lines += [f"- **{f['kind']}** ({f['why']}): {f['explanation']}" for f in report["findings"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bc.add_common_args(parser)
    parser.add_argument("--n", type=int, default=300, help="number of FNC-1 bodies")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--contra-threshold",
        type=float,
        default=None,
        help="RelationConfig.contra_threshold (default: the shipped one)",
    )
    args = parser.parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    if args.out == bc.DEFAULT_OUT:
        args.out = bc.DEFAULT_OUT / "alarms"
    missing = bc.missing_paths(args.data / "stance/fnc-1/bodies.csv")
    if missing:
        parser.exit(1, f"FNC-1 bodies are absent: {missing[0]}\n")
    report = run(args)
    markdown = to_markdown(report)
    bc.save(args.out, "alarms", report, markdown)
    print(markdown)
    return report


if __name__ == "__main__":
    main()
