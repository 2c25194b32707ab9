"""Turn a training run into the shipped model folder: pruned vocabulary, fp16 safetensors, int8 ONNX.

    python -m tools.nli_model.export --run work/nli/run1 --out checker/models/minilm-nli

Why prune: all-MiniLM-L6-v2's 30,522 x 384 word-embedding table is half its weights, and the fp16
safetensors (45 MB) plus the int8 ONNX form (23 MB) would exceed the 60 MB the repository allows
for models. Word pieces that never occur (fewer than --min-count times) in the train-ok English text
(SNLI dev, FEVER-symmetric, WiCE claims and evidence pages, MEANTIME, the team's hand-written,
templated and ladder pairs) are dropped, as are [unused*] slots and non-Latin scripts; every
Latin/ASCII single character and its "##" form stays, so any English word still tokenises, and
so does every all-digit piece, so figures tokenise as in training (a dropped rare piece splits
into smaller ones). The model card records the accuracy before and after (tools/nli_model/evaluate.py).

Writes OUT/ with config.json (id2label), tokenizer files, model.safetensors (fp16),
calibration.json, heldout.jsonl, onnx/model_int8.onnx (dynamic int8 quantisation).
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

import torch

from tools.nli_model import data as nli_data
from tools.nli_model import ladders as nli_ladders

LIMIT_MB = 60


def train_ok_texts() -> list[str]:
    """English text the shipped model may be derived from (licences: ../shared/data/README.md)."""
    from tools.nli_model.targeted import make_targeted_pairs
    from tools.nli_model.train import TRAIN_SETS

    texts: list[str] = []
    for load in (*TRAIN_SETS.values(), nli_data.load_handwritten, make_targeted_pairs):
        frame = load()
        texts += frame["premise"].tolist() + frame["hypothesis"].tolist()
    for row in nli_data._jsonl(nli_data.SHARED / "factcheck/wice/dev.jsonl"):
        texts += row["evidence"]
    sentences = nli_data.load_meantime_sentences()
    texts += sentences["text"].tolist()
    for frame in (nli_data.make_strength_pairs(), nli_ladders.make_ladder_pairs(sentences)):  # the team's
        texts += frame["premise"].tolist() + frame["hypothesis"].tolist()
    return texts


def _latin_or_symbol(token: str) -> bool:
    for ch in token.removeprefix("##"):
        if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
            continue
        if (
            unicodedata.category(ch)[0] in "PSN" and ord(ch) < 0x2E80
        ):  # punctuation, symbols, digits before CJK
            continue
        return False
    return True


def kept_ids(tokenizer, texts: list[str], min_count: int) -> list[int]:
    counts: collections.Counter = collections.Counter()
    for i in range(0, len(texts), 2000):
        for ids in tokenizer(texts[i : i + 2000], add_special_tokens=False, truncation=False)["input_ids"]:
            counts.update(ids)
    vocab = tokenizer.get_vocab()
    special = set(tokenizer.all_special_ids)
    keep = []
    for token, idx in vocab.items():
        piece = token.removeprefix("##")
        always = len(piece) == 1 or piece.isdigit()  # any word still tokenises; figures keep their pieces
        if idx in special or (_latin_or_symbol(token) and (always or counts[idx] >= min_count)):
            if not token.startswith("[unused"):
                keep.append(idx)
    return sorted(keep)


def prune(model, tokenizer, keep: list[int]):
    """Model and tokenizer restricted to the kept vocabulary, in original id order."""
    from transformers import BertTokenizerFast

    inv = {i: t for t, i in tokenizer.get_vocab().items()}
    new_tok = BertTokenizerFast(
        vocab={inv[i]: n for n, i in enumerate(keep)},
        do_lower_case=True,
        tokenize_chinese_chars=True,
        model_max_length=512,
    )
    old = model.get_input_embeddings().weight.data
    emb = torch.nn.Embedding(len(keep), old.shape[1], padding_idx=new_tok.pad_token_id)
    emb.weight.data = old[torch.tensor(keep)].clone()
    model.set_input_embeddings(emb)
    model.config.vocab_size = len(keep)
    model.config.pad_token_id = new_tok.pad_token_id
    return model, new_tok


ONNX_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
CALIBRATION_PAIRS = 400  # pairs whose activation ranges fix the static int8 scales
CALIBRATION_BATCH = 16
CALIBRATION_LENGTH = 128  # one shape for every calibration batch (histogram calibrators need it)


def export_fp32_onnx(model, tokenizer, target: Path) -> Path:
    """Write the float32 ONNX graph (dynamic batch and sequence axes) of a sequence classifier."""
    enc = tokenizer(["Russia agreed to the plan."], ["Russia did not object."], return_tensors="pt")
    torch.onnx.export(
        model.float().eval(),
        tuple(enc[n] for n in ONNX_INPUTS),
        str(target),
        input_names=ONNX_INPUTS,
        output_names=["logits"],
        dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in ONNX_INPUTS}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    return target


def calibration_pairs(n: int = CALIBRATION_PAIRS, seed: int = 0) -> list[tuple[str, str]]:
    """(premise, hypothesis) pairs from train-ok sets (SNLI dev, FEVER-symmetric), never test sets."""
    import pandas as pd

    frame = pd.concat([nli_data.load_snli(), nli_data.load_fever_symmetric()], ignore_index=True)
    frame = frame.sample(n=min(n, len(frame)), random_state=seed)
    return list(zip(frame["premise"], frame["hypothesis"], strict=True))


def quantize_static_int8(
    fp32: Path, target: Path, tokenizer, pairs: list[tuple[str, str]], **options
) -> Path:
    """Static int8 (QDQ, per-channel weights): activation scales fixed from ``pairs``, so a pair's
    score does not depend on the other pairs in its batch, as it does with dynamic int8 (whose
    activation scale is taken per batch). Only MatMuls with constant weights are quantised; the
    attention products stay float32. ``options`` override quantize_static's keyword arguments.

    Measured, not shipped (tools/bench/nli_forms.py, issue #16): it agreed with float32 torch on
    96.7 % of 300 held-out labels, where dynamic int8 run one pair per call (the default form,
    equally batch-free) agreed on 99.3 % and ran faster."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    feeds = []
    for i in range(0, len(pairs), CALIBRATION_BATCH):
        p, h = zip(*pairs[i : i + CALIBRATION_BATCH], strict=True)
        enc = tokenizer(
            list(p),
            list(h),
            truncation=True,
            max_length=CALIBRATION_LENGTH,
            padding="max_length",
            return_tensors="np",
        )
        feeds.append({n: enc[n].astype("int64") for n in ONNX_INPUTS})

    class Reader:
        def __init__(self):
            self.it = iter(feeds)

        def get_next(self):
            return next(self.it, None)

    kwargs = dict(
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"MatMulConstBOnly": True},
    )
    quantize_static(str(fp32), str(target), Reader(), **{**kwargs, **options})
    return target


def export_onnx(model, tokenizer, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    (out / "onnx").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_fp32_onnx(model, tokenizer, Path(tmp) / "model.onnx")
        target = out / "onnx" / "model_int8.onnx"
        # Per-channel scales: one scale per output row kept SNLI within 0.5 points of float32, where
        # one scale per tensor lost 1.4 (run 7; checker/models/minilm-nli/README.md, compressed forms).
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)
    return target


def main(argv: list[str] | None = None) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True, help="output folder of tools/nli_model/train.py")
    parser.add_argument("--out", default="checker/models/minilm-nli")
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    run, out = Path(args.run), Path(args.out)
    model = AutoModelForSequenceClassification.from_pretrained(run / "model", dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(run / "model")
    keep = kept_ids(tokenizer, train_ok_texts(), args.min_count)
    print(f"vocabulary: kept {len(keep)} of {len(tokenizer)} word pieces (min count {args.min_count})")
    card = (out / "README.md").read_text() if (out / "README.md").exists() else None
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if card is not None:  # the model card is written by hand: keep it for the author to update
        (out / "README.md").write_text(card)
    model, tokenizer = prune(model, tokenizer, keep)
    tokenizer.save_pretrained(out)
    export_onnx(model, tokenizer, out)
    model.half().save_pretrained(out)  # safetensors, fp16: half the bytes, same predictions within 1e-3
    for name in ("calibration.json",):
        shutil.copy(run / "model" / name, out / name)
    shutil.copy(run / "heldout.jsonl", out / "heldout.jsonl")
    calib = json.loads((out / "calibration.json").read_text())
    calib["vocabulary"] = {"kept": len(keep), "min_count": args.min_count}
    (out / "calibration.json").write_text(json.dumps(calib, indent=2))
    sizes = {
        str(p.relative_to(out)): round(p.stat().st_size / 1e6, 2)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
    total = sum(sizes.values())
    print(json.dumps(sizes, indent=1), f"\ntotal {total:.1f} MB")
    if total > LIMIT_MB:
        sys.exit(f"models/ must stay under {LIMIT_MB} MB; raise --min-count")


if __name__ == "__main__":
    main()
