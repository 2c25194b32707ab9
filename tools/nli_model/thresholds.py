"""Choose the relation thresholds of checker.config.RelationConfig on dev data (never on test sets).

    python -m tools.nli_model.thresholds --dev work/nli/run2/calib.jsonl

The dev data is the calibration split of a training run (pairs held out of training, from the
same sources). For contradiction and entailment it prints precision and recall of "P(label) >= t"
over a grid, and the smallest t whose precision reaches --precision (default 0.9): a finding a
fact-checker reads first should rarely be wrong. Contradiction is symmetric, so both directions
are scored and combined as RelationConfig.contra_combine does: "mean" or "max" of the two; the
reverse of a pair that is not a contradiction is not one either, so the gold label holds for both
rules. It prints both and recommends the one with the higher recall at that precision. Copy the
chosen values into RelationConfig and the model card; the script changes nothing itself.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd


def sweep(probs: np.ndarray, gold: np.ndarray, grid: np.ndarray) -> pd.DataFrame:
    rows = []
    for t in grid:
        pred = probs >= t
        tp = int((pred & gold).sum())
        rows.append(
            {
                "threshold": round(float(t), 2),
                "precision": tp / max(int(pred.sum()), 1),
                "recall": tp / max(int(gold.sum()), 1),
                "predicted": int(pred.sum()),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    from checker.models.nli import load_nli

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", required=True, help="calib.jsonl of a training run")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--precision", type=float, default=0.9)
    parser.add_argument("--backend", default="torch", choices=["torch", "onnx", "auto"])
    args = parser.parse_args(argv)
    dev = pd.read_json(args.dev, lines=True)
    nli = load_nli(args.model, backend=args.backend)
    probs = nli.predict(dev["premise"].tolist(), dev["hypothesis"].tolist())
    # Contradiction is symmetric: the pipeline scores it as the mean of both directions.
    reverse = nli.predict(dev["hypothesis"].tolist(), dev["premise"].tolist())
    both = np.stack([probs["contradiction"].to_numpy(), reverse["contradiction"].to_numpy()])
    scores = {
        "contradiction (mean)": both.mean(0),
        "contradiction (max)": both.max(0),
        "entailment": probs["entailment"].to_numpy(),
    }
    grid = np.arange(0.3, 0.96, 0.05)
    chosen = {}
    for name, score in scores.items():
        label = name.split()[0]
        table = sweep(score, (dev["label"] == label).to_numpy(), grid)
        ok = table[table["precision"] >= args.precision]
        chosen[name] = (
            {"threshold": float(ok["threshold"].min()), "recall": round(float(ok["recall"].iloc[0]), 3)}
            if len(ok)
            else None
        )
        print(f"\n{name} (dev pairs: {len(dev)}, gold {int((dev['label'] == label).sum())})")
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    rules = {r: chosen[f"contradiction ({r})"] for r in ("mean", "max") if chosen[f"contradiction ({r})"]}
    best = max(rules, key=lambda r: rules[r]["recall"]) if rules else None
    print(f"\nchosen (precision >= {args.precision:.2f}): {json.dumps(chosen)}")
    print(
        f"recommended: contra_combine = {best!r}" if best else "no contradiction rule reaches that precision"
    )


if __name__ == "__main__":
    main()
