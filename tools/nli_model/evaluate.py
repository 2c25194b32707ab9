"""Evaluate an NLI model: accuracy, per-class F1 and calibration on every set that is present.

    python -m tools.nli_model.evaluate                          # the bundled model (checker.load_nli())
    python -m tools.nli_model.evaluate --model work/nli/run1/model --heldout work/nli/run1/heldout.jsonl
    python -m tools.nli_model.evaluate --model cross-encoder/nli-deberta-v3-xsmall   # a hub model (network)

Sets: SNLI test, SICK test, RTE 1-3 test, ANLI dev (R1-R3), MultiNLI mismatched and SciTail test
(2-way sets: entailment when P(entailment) >= 0.5), and the held-out synthetic, targeted and
hand-written pairs of a training run (by category). Absent
sets are reported and skipped. Prints a Markdown table and writes it with a JSON copy to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tools.metrics import ece
from tools.nli_model import data as nli_data

LABELS = list(nli_data.LABELS)
SETS = {
    "snli_test": lambda: nli_data.load_snli(nli_data.SHARED / "nli/snli/snli_test.jsonl"),
    "sick_test": nli_data.load_sick,
    "rte_test": nli_data.load_rte,
    "anli_dev": nli_data.load_anli,
    "mnli_mismatched": nli_data.load_mnli_mismatched,
    "scitail_test": nli_data.load_scitail,
}


def f1(pred: np.ndarray, gold: np.ndarray, cls: int) -> float:
    tp = ((pred == cls) & (gold == cls)).sum()
    denom = (pred == cls).sum() + (gold == cls).sum()
    return float(2 * tp / denom) if denom else float("nan")


def score_frame(frame: pd.DataFrame, probs: pd.DataFrame) -> dict:
    """Accuracy, per-class F1, ECE and a confusion matrix for one labelled set."""
    p = probs[LABELS].to_numpy()
    if set(frame["label"]) <= {"entailment", "not_entailment"}:  # a 2-way set
        gold = (frame["label"] == "entailment").to_numpy().astype(int)
        pred = (p[:, 0] >= 0.5).astype(int)
        two = np.stack([1 - p[:, 0], p[:, 0]], 1)
        return {
            "n": len(frame),
            "accuracy": float((pred == gold).mean()),
            "f1_entailment": f1(pred, gold, 1),
            "ece": ece(two, gold),
        }
    gold = frame["label"].map(LABELS.index).to_numpy()
    pred = p.argmax(1)
    out = {"n": len(frame), "accuracy": float((pred == gold).mean()), "ece": ece(p, gold)}
    for i, name in enumerate(LABELS):
        out[f"f1_{name}"] = f1(pred, gold, i)
    out["confusion"] = {
        g: {q: int(((gold == i) & (pred == j)).sum()) for j, q in enumerate(LABELS)}
        for i, g in enumerate(LABELS)
    }
    return out


def contradiction_pr(frame: pd.DataFrame, probs: pd.DataFrame) -> dict:
    """Precision and recall of the contradiction class (targets for the synthetic held-out set)."""
    pred = probs[LABELS].to_numpy().argmax(1) == 2
    gold = (frame["label"] == "contradiction").to_numpy()
    tp = (pred & gold).sum()
    return {
        "precision": float(tp / max(pred.sum(), 1)),
        "recall": float(tp / max(gold.sum(), 1)),
        "n_gold": int(gold.sum()),
    }


def hedge_both_directions(frame: pd.DataFrame, probs: pd.DataFrame) -> dict:
    """Share of strength/hedge base pairs whose two directions are both right (issue #3 target)."""
    rows = frame.assign(pred=[LABELS[i] for i in probs[LABELS].to_numpy().argmax(1)])
    rows = rows[rows["category"].isin(["strength", "hedge"])]
    keyed = {(r.premise, r.hypothesis): r for r in rows.itertuples()}
    both = [
        (r.pred == r.label)
        and (keyed[(r.hypothesis, r.premise)].pred == keyed[(r.hypothesis, r.premise)].label)
        for r in rows.itertuples()
        if (r.hypothesis, r.premise) in keyed and r.premise < r.hypothesis
    ]
    return {
        "pairs_with_both_directions": len(both),
        "both_right": float(np.mean(both)) if both else float("nan"),
    }


def evaluate(
    model: str,
    sets: dict[str, pd.DataFrame],
    limit: int = 0,
    backend: str = "auto",
    precision: str = "auto",
) -> dict:
    from checker.models.nli import load_nli

    nli = load_nli(model, backend=backend, precision=precision)
    results = {}
    for name, frame in sets.items():
        if frame.empty:
            continue
        if limit:
            frame = frame.sample(n=min(limit, len(frame)), random_state=0)
        start = time.perf_counter()
        probs = nli.predict(frame["premise"].tolist(), frame["hypothesis"].tolist())
        res = score_frame(frame, probs)
        res["pairs_per_s"] = round(len(frame) / (time.perf_counter() - start), 1)
        if name.startswith("heldout"):
            res["contradiction"] = contradiction_pr(frame, probs)
            right = probs[LABELS].to_numpy().argmax(1) == frame["label"].map(LABELS.index).to_numpy()
            res["accuracy_by_category"] = (
                pd.Series(right, index=frame["category"].to_numpy())
                .groupby(level=0)
                .mean()
                .round(4)
                .to_dict()
            )
            if name == "heldout_handwritten":
                res["hedge_strength"] = hedge_both_directions(frame, probs)
            contra = frame[frame["label"] == "contradiction"]
            if len(contra):  # contradiction holds both ways: is it seen both ways?
                back = nli.predict(contra["hypothesis"].tolist(), contra["premise"].tolist())[LABELS]
                ahead = probs.loc[(frame["label"] == "contradiction").to_numpy(), LABELS].to_numpy()
                both = (ahead.argmax(1) == 2) & (back.to_numpy().argmax(1) == 2)
                res["contradiction_both_ways"] = float(both.mean())
        results[name] = res
    return {"model": getattr(nli, "info", str(model)), "results": results}


def table(report: dict) -> str:
    lines = ["| set | n | accuracy | F1 ent | F1 neu | F1 con | ECE |", "|---|---|---|---|---|---|---|"]
    for name, r in report["results"].items():
        cells = [
            f"{100 * r.get(k, float('nan')):.1f}"
            for k in ("accuracy", "f1_entailment", "f1_neutral", "f1_contradiction")
        ]
        lines.append(
            f"| {name} | {r['n']} | " + " | ".join(cells).replace("nan", "–") + f" | {r['ece']:.3f} |"
        )
    extra = []
    for name, r in report["results"].items():
        if "contradiction" in r:
            c = r["contradiction"]
            extra.append(
                f"- {name}: contradiction precision {100 * c['precision']:.1f} %, "
                f"recall {100 * c['recall']:.1f} % ({c['n_gold']} gold)"
            )
        if "contradiction_both_ways" in r:
            extra.append(
                f"- {name}: gold contradictions called contradiction in both directions: "
                f"{100 * r['contradiction_both_ways']:.1f} %"
            )
        if "hedge_strength" in r:
            h = r["hedge_strength"]
            extra.append(
                f"- {name}: hedge/strength pairs with both directions right: {100 * h['both_right']:.1f} % "
                f"of {h['pairs_with_both_directions']}"
            )
    return "\n".join(lines + [""] + extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="auto", help="local folder or hub name (default: bundled)")
    parser.add_argument("--backend", default="torch", choices=["auto", "torch", "onnx"])
    parser.add_argument(
        "--precision", default="auto", choices=["auto", "float32", "bfloat16"], help="torch backend only"
    )
    parser.add_argument(
        "--heldout", default=None, help="heldout.jsonl of a training run (default: models' own)"
    )
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated subset of " + ", ".join(SETS))
    parser.add_argument("--limit", type=int, default=0, help="sample at most N pairs per set (0: all)")
    parser.add_argument("--out", default="docs/eval_nli", help="folder for eval.md and eval.json")
    args = parser.parse_args(argv)
    sets = {}
    for name in [s for s in args.sets.split(",") if s]:
        try:
            sets[name] = SETS[name]()
        except FileNotFoundError as e:
            print(f"skipping {name}: {e}", file=sys.stderr)
    heldout = Path(args.heldout) if args.heldout else None
    if heldout is None and args.model == "auto":
        from checker.models.nli import DEFAULT_NLI, models_root

        heldout = models_root() / DEFAULT_NLI / "heldout.jsonl"
    if heldout and heldout.exists():
        frame = pd.read_json(heldout, lines=True)
        for source in ("synthetic", "targeted", "handwritten"):
            if (frame["source"] == source).any():
                sets[f"heldout_{source}"] = frame[frame["source"] == source]
    elif heldout:
        print(f"skipping held-out sets: {heldout} is absent", file=sys.stderr)
    report = evaluate(args.model, sets, args.limit, args.backend, args.precision)
    report["limit"] = args.limit
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    text = table(report)
    (out / "eval.md").write_text(text + "\n")
    (out / "eval.json").write_text(json.dumps(report, indent=2, default=str))
    print(text)


if __name__ == "__main__":
    main()
