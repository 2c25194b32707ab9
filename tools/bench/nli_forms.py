"""Compare the NLI model's compressed forms: batch independence, agreement with float32, speed.

    python -m tools.bench.nli_forms [--pairs 300] [--threads 1] [--variants] [--out docs/bench/nli_forms]
    python -m tools.bench.nli_forms --windows [--windows-n 300] [--model FOLDER]

Forms: torch float32 (the reference), ONNX float32, ONNX dynamic int8 (``onnx/model_int8.onnx``),
ONNX static int8 (calibrated on train-ok pairs by tools/nli_model/export.py) and dynamic int8 one
pair per call ("per-row": batch of 1, no padding). Each pair of ``heldout.jsonl`` (the model folder's
held-out claim-like pairs) is scored alone and inside shuffled mixed batches of 32; the table gives
the largest and 99th-percentile |Δp| between the two (over the three classes), label flips, agreement
with torch float32 (alone) and pairs/s in length-sorted batches of 32 (as ``CrossEncoderNLI.predict``
batches; the median of 3 passes, taken in turn). Every form runs on the same threads (--threads).

``--windows`` measures item 3 instead: a hypothesis against a multi-sentence premise scored by
sentence windows (``CrossEncoderNLI.predict_windows``) under each aggregation, chosen on a dev build
(SNLI dev premises padded with 2-4 unrelated dev premises, 3-way; RTE dev, 2-way news premises), then
reported against one truncated pass on the test builds (the same from SNLI test; RTE test).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

MODEL = Path(__file__).resolve().parents[2] / "checker" / "models" / "minilm-nli"
OUT = Path("docs/bench/nli_forms")
BATCH = 32
ROUNDS = 3  # timed passes per form; the median counts
THREADS = 1  # every form on the same number of threads (--threads)


def cpu_flags() -> dict:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    flags = set(re.search(r"^flags\s*:(.*)$", text, re.M).group(1).split()) if "flags" in text else set()
    model = re.search(r"^model name\s*:(.*)$", text, re.M)
    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        **{f: f in flags for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile")},
    }


def heldout_pairs(n: int, seed: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in (MODEL / "heldout.jsonl").read_text().splitlines() if line.strip()]
    return random.Random(seed).sample(rows, min(n, len(rows)))


def build_forms(tmp: Path, variants: bool = False) -> tuple[dict, object]:
    """name -> function(encoded numpy batch) -> logits (batch, 3); and the tokenizer."""
    import onnxruntime as ort
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from tools.nli_model.export import calibration_pairs, export_fp32_onnx, quantize_static_int8

    torch.set_num_threads(THREADS)
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model = AutoModelForSequenceClassification.from_pretrained(MODEL, dtype=torch.float32).eval()
    fp32 = export_fp32_onnx(model, tokenizer, tmp / "model.onnx")
    from onnxruntime.quantization import CalibrationMethod, QuantType

    calib = calibration_pairs()
    static = (
        {  # export.py's default first; the others are the variants it was chosen against
            "": {},
            "-percentile": {"calibrate_method": CalibrationMethod.Percentile},
            "-s8s8": {
                "activation_type": QuantType.QInt8,
                "extra_options": {"MatMulConstBOnly": True, "ActivationSymmetric": True},
            },
            "-reduce-range": {"reduce_range": True},
        }
        if variants
        else {"": {}}
    )
    static = {
        k: quantize_static_int8(fp32, tmp / f"static{k}.onnx", tokenizer, calib, **v)
        for k, v in static.items()
    }

    def torch_form(enc):
        with torch.inference_mode():
            return model(**{k: torch.from_numpy(v) for k, v in enc.items()}).logits.numpy()

    def onnx_form(path):
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = THREADS, 1
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        names = {i.name for i in session.get_inputs()}
        return lambda enc: session.run(None, {k: v for k, v in enc.items() if k in names})[0]

    dynamic = onnx_form(MODEL / "onnx" / "model_int8.onnx")
    forms = {
        "torch-fp32": (torch_form, BATCH),
        "onnx-fp32": (onnx_form(fp32), BATCH),
        "onnx-int8-dynamic": (dynamic, BATCH),
        **{f"onnx-int8-static{k}": (onnx_form(v), BATCH) for k, v in static.items()},
        "onnx-int8-dynamic-per-row": (dynamic, 1),
    }
    return forms, tokenizer


def score(run, tokenizer, pairs: list[tuple[str, str]], batches: list[np.ndarray], temperature: float):
    """Probabilities (n, 3) for ``pairs`` scored batch by batch, and the seconds it took."""
    out = np.zeros((len(pairs), 3))
    start = time.perf_counter()
    for idx in batches:
        enc = tokenizer(
            [pairs[i][0] for i in idx],
            [pairs[i][1] for i in idx],
            truncation=True,
            max_length=256,
            padding=True,
            return_tensors="np",
        )
        z = run({k: v.astype(np.int64) for k, v in enc.items()}) / temperature
        p = np.exp(z - z.max(1, keepdims=True))
        out[idx] = p / p.sum(1, keepdims=True)
    return out, time.perf_counter() - start


def measure_forms(n_pairs: int, seed: int = 0, variants: bool = False) -> dict:
    rows = heldout_pairs(n_pairs, seed)
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    temperature = json.loads((MODEL / "calibration.json").read_text())["temperature"]
    n = len(pairs)
    alone = [np.array([i]) for i in range(n)]
    shuffled = np.random.default_rng(seed).permutation(n)
    with tempfile.TemporaryDirectory() as tmp:
        forms, tokenizer = build_forms(Path(tmp), variants)
        lengths = np.array(
            [len(x) for x in tokenizer([p for p, _ in pairs], [h for _, h in pairs])["input_ids"]]
        )
        by_length = np.argsort(-lengths, kind="stable")
        from transformers import AutoConfig

        from checker.models.nli import label_indices

        labels = label_indices(AutoConfig.from_pretrained(MODEL).id2label)
        gold = np.array([labels[r["label"]] for r in rows])
        reference = None
        results = {}
        for name, (run, batch) in forms.items():
            score(run, tokenizer, pairs[:8], [np.arange(8)], temperature)  # warm-up
            p_alone, _ = score(run, tokenizer, pairs, alone, temperature)
            mixed = [shuffled[i : i + batch] for i in range(0, n, batch)]
            p_mixed, _ = score(run, tokenizer, pairs, mixed, temperature)
            reference = p_alone if reference is None else reference
            delta = np.abs(p_alone - p_mixed).max(1)
            vs_ref = np.abs(p_mixed - reference).max(1)
            results[name] = {
                "batch": batch,
                "alone_vs_batched_max_dp": round(float(delta.max()), 4),
                "alone_vs_batched_p99_dp": round(float(np.percentile(delta, 99)), 4),
                "label_flips": int((p_alone.argmax(1) != p_mixed.argmax(1)).sum()),
                "agree_fp32_pct": round(100 * float((p_mixed.argmax(1) == reference.argmax(1)).mean()), 1),
                "vs_fp32_max_dp": round(float(vs_ref.max()), 4),
                "vs_fp32_p99_dp": round(float(np.percentile(vs_ref, 99)), 4),
                "accuracy_pct": round(100 * float((p_mixed.argmax(1) == gold).mean()), 1),
            }
        # Speed in rounds, each form in turn, so load from other processes falls on every form alike.
        seconds = {name: [] for name in forms}
        for _ in range(ROUNDS):
            for name, (run, batch) in forms.items():
                sorted_batches = [by_length[i : i + batch] for i in range(0, n, batch)]
                seconds[name].append(score(run, tokenizer, pairs, sorted_batches, temperature)[1])
        for name, taken in seconds.items():
            results[name]["pairs_per_s"] = round(n / float(np.median(taken)), 1)
    return {
        "pairs": n,
        "source": "checker/models/minilm-nli/heldout.jsonl",
        "threads": THREADS,
        **cpu_flags(),
        "forms": results,
    }


def snli_build(path: Path, n: int, seed: int) -> list[dict]:
    """SNLI pairs whose premise is padded with 2-4 unrelated premises of the same file, order shuffled."""
    from tools.nli_model.data import load_snli

    frame = load_snli(path)
    rng = random.Random(seed)
    ended = frame["premise"].map(lambda x: x if x.rstrip()[-1:] in ".!?" else x.rstrip() + ".")
    frame = frame.assign(premise=ended)  # so each premise reads as one sentence once joined
    pool = frame["premise"].unique().tolist()
    rows = []
    for r in frame.sample(n=n, random_state=seed).itertuples():
        sentences = [r.premise] + [x for x in rng.sample(pool, 6) if x != r.premise][: rng.randint(2, 4)]
        rng.shuffle(sentences)
        rows.append({"premise": " ".join(sentences), "hypothesis": r.hypothesis, "label": r.label})
    return rows


def rte_build(split: str, n: int, seed: int) -> list[dict]:
    """PASCAL RTE 1-3 (evaluation only): news premises of one to several sentences, entailment or not."""
    from tools.nli_model.data import load_rte

    frame = load_rte(split=split)
    return frame.sample(n=min(n, len(frame)), random_state=seed)[["premise", "hypothesis", "label"]].to_dict(
        "records"
    )


def window_scores(nli, rows: list[dict], windows=(1, 2)) -> dict:
    """Accuracy of one (truncated) pass and of each window size x aggregation on ``rows``."""
    from checker.models.nli import WINDOW_AGGREGATES, aggregate_windows, sentence_windows

    premises, hypotheses = [r["premise"] for r in rows], [r["hypothesis"] for r in rows]
    three_way = all(r["label"] in {"entailment", "neutral", "contradiction"} for r in rows)
    gold = np.array([r["label"] for r in rows])

    def accuracy(frame) -> float:
        cols = ["entailment", "neutral", "contradiction"]
        if three_way:
            hit = np.array(cols)[frame[cols].to_numpy().argmax(1)] == gold
        else:
            hit = (frame["entailment"].to_numpy() >= 0.5) == (gold == "entailment")
        return round(100 * float(hit.mean()), 1)

    one = nli.predict(premises, hypotheses)
    out = {
        "one_pass": accuracy(one),
        "one_pass_truncated_pct": round(100 * float(one["truncated"].mean()), 1),
    }
    for size in windows:
        texts, owner = [], []
        for i, premise in enumerate(premises):
            for text in sentence_windows(premise, size, 1):
                texts.append(text)
                owner.append(i)
        scored = nli.predict(texts, [hypotheses[i] for i in owner])
        for how in WINDOW_AGGREGATES:
            out[f"w{size}-{how}"] = accuracy(aggregate_windows(scored, np.array(owner), len(rows), how))
        out[f"w{size}-windows_per_pair"] = round(len(texts) / len(rows), 2)
    return out


def measure_windows(n: int, seed: int = 0, model: str = "auto") -> dict:
    """Choose window size and aggregation on dev builds (mean accuracy), then report them on test.

    Builds: SNLI premises padded with unrelated ones (3-way) and RTE (2-way news premises; evaluation
    only, so no model of ours trained on either). FEVER-NLI is left out: model v2 trains on it."""
    from checker.models.nli import CrossEncoderNLI
    from tools.nli_model.data import SHARED

    nli = CrossEncoderNLI(model)
    dev = {
        "snli_dev_padded_3way": window_scores(nli, snli_build(SHARED / "nli/snli/snli_dev.jsonl", n, seed)),
        "rte_dev_2way": window_scores(nli, rte_build("dev", n, seed)),
    }
    test = {
        "snli_test_padded_3way": window_scores(nli, snli_build(SHARED / "nli/snli/snli_test.jsonl", n, seed)),
        "rte_test_2way": window_scores(nli, rte_build("test", n, seed)),
    }
    keys = [k for k in dev["rte_dev_2way"] if k.startswith("w") and "per_pair" not in k]
    chosen = max(keys, key=lambda k: sum(v[k] for v in dev.values()))
    return {
        "pairs_per_build": n,
        "backend": nli.info["backend"],
        "dev": dev,
        "test": test,
        "chosen_on_dev": chosen,
        "test_chosen_vs_one_pass": {
            k: {"windows": v[chosen], "one_pass": v["one_pass"]} for k, v in test.items()
        },
    }


def table(results: dict) -> str:
    keys = [
        "batch",
        "alone_vs_batched_max_dp",
        "alone_vs_batched_p99_dp",
        "label_flips",
        "agree_fp32_pct",
        "vs_fp32_max_dp",
        "vs_fp32_p99_dp",
        "accuracy_pct",
        "pairs_per_s",
    ]
    lines = ["| form | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(str(r[k]) for k in keys) + " |" for name, r in results.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--windows", action="store_true", help="measure sentence windows (item 3) instead")
    parser.add_argument("--windows-n", type=int, default=300, help="pairs per dev / test build")
    parser.add_argument("--variants", action="store_true", help="also static int8 variants (calibration)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model", default="auto", help="model folder for --windows (default: bundled)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    global THREADS
    THREADS = args.threads
    args.out.mkdir(parents=True, exist_ok=True)
    if args.windows:
        result = measure_windows(args.windows_n, model=args.model)
        (args.out / "windows.json").write_text(json.dumps(result, indent=1))
        print(json.dumps(result, indent=1))
        return
    result = measure_forms(args.pairs, variants=args.variants)
    (args.out / f"forms{'-variants' if args.variants else ''}-{THREADS}t.json").write_text(
        json.dumps(result, indent=1)
    )
    print({k: v for k, v in result.items() if k != "forms"})
    print(table(result["forms"]))


if __name__ == "__main__":
    main()
