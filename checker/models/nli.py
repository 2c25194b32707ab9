"""Pairs -> entailment / neutral / contradiction probabilities, in both directions.

The scorer is any object with ``predict(premises, hypotheses) -> DataFrame`` (the ``NLIScorer``
protocol). The default, ``CrossEncoderNLI``, wraps a transformers sequence-classification model
loaded from a local folder (the bundled ``checker/models/minilm-nli``) or, for users with a network, a hub
name. Label order is read from the model's ``id2label``; a ``calibration.json`` beside the weights
supplies a temperature. Torch computes in bfloat16 where the hardware has it; on a CPU without it
the folder's ``onnx/model_int8.onnx`` runs in ONNX Runtime instead (``backend="auto"``), which is
faster than float32 and within one point of its accuracy (model card), one pair per call so that
a pair's score does not depend on the pairs batched with it. ``predict_windows`` scores a long premise
by windows of sentences.

Example:
    >>> nli = load_nli()                                     # doctest: +SKIP
    >>> nli.predict(["Russia agreed to the plan."], ["Russia did not object to the plan."])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from checker.errors import ModelLoadError
from checker.models.device import choose_device, choose_precision, prefer_int8_onnx
from checker.models.quiet import quiet_loading

logger = logging.getLogger(__name__)

NLI_COLUMNS = ["entailment", "neutral", "contradiction", "truncated"]
DEFAULT_NLI = "minilm-nli"
PROGRESS_MIN_BATCHES = 20  # predict shows a bar above this many batches (a few seconds of work)
_LENGTH_BLOCK = 4096  # pairs tokenised at a time to find their lengths
WINDOW_SENTENCES = 1  # sentences per premise window (chosen on dev with WINDOW_AGGREGATE)
# How windows combine (aggregate_windows), chosen with WINDOW_SENTENCES on dev builds of 300
# multi-sentence premises (tools/bench/nli_forms.py --windows; docs/bench/nli_forms/windows.json):
# single sentences, the most entailing one, scored 84.3 on SNLI dev padded with unrelated premises
# (3-way; one pass 49.7; "max-both" and "decisive" 50.0, as unrelated sentences read as contradiction)
# and 62.7 on RTE dev (2-way news premises, mostly one or two sentences; one pass 63.3). On test:
# SNLI 71.0 vs 47.0 one pass, RTE 65.3 vs 66.0. (Earlier FEVER-NLI builds: dev 76.0 vs 73.7, test
# 67.0 vs 70.0; left out since model v2 trains on FEVER-NLI.)
WINDOW_AGGREGATE = "max-entail"
WINDOW_AGGREGATES = ("max-entail", "max-both", "decisive")
# A full stop ends a sentence unless it follows one of these (or a single letter: initials, U.S.).
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "gen",
    "gov",
    "sen",
    "rep",
    "col",
    "lt",
    "sgt",
    "capt",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "dept",
    "fig",
}
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")


@runtime_checkable
class NLIScorer(Protocol):
    """Anything that scores premise/hypothesis pairs."""

    def predict(self, premises: Sequence[str], hypotheses: Sequence[str]) -> pd.DataFrame:
        """Return one row per pair with columns entailment, neutral, contradiction (sum 1), truncated."""
        ...


def models_root() -> Path:
    """Folder of bundled models: $CHECKER_MODELS_HOME, else the model folders installed with the package.

    The default NLI model ships as package data (``checker/models/minilm-nli``), so an installed wheel
    finds it wherever it is installed, not only in a clone.
    """
    env = os.environ.get("CHECKER_MODELS_HOME")
    return Path(env) if env else Path(__file__).resolve().parent


def resolve_model(name: str | os.PathLike, default: str) -> tuple[str, bool]:
    """Return (path or hub id, is_local) for a model argument; "auto" means the bundled default."""
    name = str(name)
    if name == "auto":
        name = str(models_root() / default)
        if not Path(name).is_dir():
            raise ModelLoadError(
                f"the bundled model {name} is missing; reinstall from a full clone of the repository, "
                f"set CHECKER_MODELS_HOME to a folder holding {default}/, or pass a model path or hub name"
            )
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser()), True
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise ModelLoadError(
            f"model folder {name} does not exist; pass an existing folder or a hub id like org/name"
        )
    return name, False


def _offline_unless_hub(is_local: bool) -> None:
    # Local models must never touch the network; HF reads this when transformers is first imported.
    if is_local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")


def label_indices(id2label: dict) -> dict[str, int]:
    """Map entailment/neutral/contradiction to output indices by label name; fail when one is missing."""
    found: dict[str, int] = {}
    for idx, label in id2label.items():
        low = str(label).lower()
        for name in ("entailment", "neutral", "contradiction"):
            if low.startswith(name[:6]):
                found[name] = int(idx)
    missing = {"entailment", "contradiction"} - set(found)
    if missing:
        raise ModelLoadError(
            f"the model's id2label {id2label} has no {sorted(missing)} label; an NLI model with "
            "entailment and contradiction outputs is needed"
        )
    return found


class CrossEncoderNLI:
    """A transformers NLI cross-encoder, loaded on first use.

    Args:
        model: "auto" (bundled), a local folder or a hub name.
        batch_size: pairs per forward pass in torch; the int8 ONNX form runs one pair per call
            (its scale is per input, so batch-mates would move a pair's score: issue #16).
        max_length: tokens per pair; longer pairs are cut and flagged ``truncated``.
        device: torch device; None chooses once (see checker.models.device).
        backend: "auto" (default): torch, except on a CPU without AMX where the folder's int8
            ONNX export runs in ONNX Runtime (faster there than torch in any precision, within one
            point of its accuracy: model card; checker.models.device.prefer_int8_onnx); "torch" or
            "onnx" to force one.
        precision: torch compute dtype; "auto" picks bfloat16 where the hardware has it
            (checker.models.device.choose_precision), else float32.
    """

    def __init__(
        self,
        model: str | os.PathLike = "auto",
        *,
        batch_size: int = 32,
        max_length: int = 256,
        device: str | None = None,
        backend: str = "auto",
        precision: str = "auto",
    ):
        self.model = model
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.backend = backend
        self.precision = precision

    @cached_property
    def _loaded(self) -> dict:
        path, is_local = resolve_model(self.model, DEFAULT_NLI)
        _offline_unless_hub(is_local)
        from transformers import AutoConfig, AutoTokenizer

        try:
            with quiet_loading():
                config = AutoConfig.from_pretrained(path)
                tokenizer = AutoTokenizer.from_pretrained(path)
        except OSError as e:
            raise ModelLoadError(f"cannot load NLI model {path}: {e}") from e
        labels = label_indices(config.id2label)
        calib = Path(path) / "calibration.json" if is_local else None
        temperature = json.loads(calib.read_text())["temperature"] if calib and calib.exists() else 1.0
        device = choose_device(self.device)
        onnx_path = Path(path) / "onnx" / "model_int8.onnx" if is_local else None
        use_onnx = self.backend == "onnx" or (
            self.backend == "auto"
            and prefer_int8_onnx(device, self.precision)
            and onnx_path is not None
            and onnx_path.exists()
        )
        if use_onnx:
            import onnxruntime as ort

            if onnx_path is None or not onnx_path.exists():
                raise ModelLoadError(f"backend='onnx' but {path}/onnx/model_int8.onnx does not exist")
            options = ort.SessionOptions()
            # as torch does, OMP_NUM_THREADS caps the threads (a machine shared with other work)
            options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS") or 0) or os.cpu_count() or 1
            runner = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
            inputs = {i.name for i in runner.get_inputs()}
        else:
            import torch
            from transformers import AutoModelForSequenceClassification

            precision = choose_precision(device, self.precision)
            dtype = getattr(torch, precision)
            with quiet_loading():
                runner = AutoModelForSequenceClassification.from_pretrained(path, dtype=dtype)
            runner = runner.to(device).eval()
            inputs = None
        form = "onnx-int8" if use_onnx else f"torch-{device}-{precision}"
        logger.info("NLI model %s loaded (%s, T=%.3f)", path, form, temperature)
        return {
            "path": path,
            "tokenizer": tokenizer,
            "runner": runner,
            "onnx": use_onnx,
            "form": form,
            "inputs": inputs,
            "labels": labels,
            "temperature": temperature,
            "device": device,
            "revision": getattr(config, "_commit_hash", None),
        }

    @property
    def info(self) -> dict:
        """Model path, backend, calibration temperature and revision (for run records)."""
        m = self._loaded
        return {
            "path": m["path"],
            "backend": m["form"],
            "temperature": m["temperature"],
            "revision": m["revision"],
            "windows": f"{WINDOW_SENTENCES} sentence(s), {WINDOW_AGGREGATE}",
        }

    def _logits(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:
        m = self._loaded
        enc = m["tokenizer"](
            premises,
            hypotheses,
            truncation=True,
            max_length=self.max_length,
            padding=not m["onnx"],
            return_tensors=None if m["onnx"] else "pt",
        )
        if m["onnx"]:
            # One pair per run, unpadded: dynamic int8 takes each activation scale from the whole
            # input, so batch-mates and their padding moved a pair's probabilities by up to 0.46 in
            # batches of 32 (300 held-out pairs). Per row it agrees with float32 torch on 99.3 % of
            # labels (batched: 98.0) and is no slower (108 vs 97 pairs/s on one AVX2 thread); static
            # int8 is batch-free too but agrees on 96.7 % (docs/bench/nli_forms/, issue #16).
            names = [k for k in enc if k in m["inputs"]]
            run = m["runner"].run
            return np.concatenate(
                [
                    run(None, {k: np.asarray([enc[k][i]], dtype=np.int64) for k in names})[0]
                    for i in range(len(premises))
                ]
            )
        enc = {k: v.to(m["device"]) for k, v in enc.items()}
        import torch

        with torch.inference_mode():  # no autograd here, without changing the caller's global state
            return m["runner"](**enc).logits.float().cpu().numpy()

    def _lengths(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:
        """Tokens in each pair, untruncated. In blocks, keeping only the lengths: the token ids of
        800,000 pairs (a 20 MB corpus) as Python lists would take over a gigabyte. verbose=False: the
        tokenizer's "Token indices sequence length is longer than ..." warning is noise here, as
        over-long pairs are cut and flagged ``truncated``."""
        tokenizer, out = self._loaded["tokenizer"], []
        for i in range(0, len(premises), _LENGTH_BLOCK):
            block = slice(i, i + _LENGTH_BLOCK)
            ids = tokenizer(premises[block], hypotheses[block], truncation=False, verbose=False)["input_ids"]
            out.extend(len(x) for x in ids)
        return np.array(out, dtype=np.int64)

    def predict(
        self, premises: Sequence[str], hypotheses: Sequence[str], *, show_progress: bool | None = None
    ) -> pd.DataFrame:
        """Probabilities for each (premise, hypothesis) pair, in input order.

        Pairs are sorted by length for batching and scattered back, so padding stays small.
        """
        premises, hypotheses = list(premises), list(hypotheses)
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        if not premises:
            return pd.DataFrame(
                {c: pd.Series(dtype=bool if c == "truncated" else float) for c in NLI_COLUMNS}
            )
        m = self._loaded
        # verbose=False: over-long pairs are expected here (they are cut and flagged ``truncated``), so
        # the tokenizer's "Token indices sequence length is longer than ..." warning is only noise.
        lengths = self._lengths(premises, hypotheses)
        order = np.argsort(-lengths, kind="stable")
        chunks = []
        steps = range(0, len(order), self.batch_size)
        if show_progress is None:  # None: tqdm shows it on a terminal and in notebooks, not in logs
            disable = None if len(order) > PROGRESS_MIN_BATCHES * self.batch_size else True
        else:
            disable = not show_progress
        for i in tqdm(steps, desc="NLI", disable=disable, unit="batch"):
            idx = order[i : i + self.batch_size]
            chunks.append((idx, self._logits([premises[j] for j in idx], [hypotheses[j] for j in idx])))
        logits = np.zeros((len(premises), chunks[0][1].shape[1]), dtype=np.float64)
        for idx, block in chunks:
            logits[idx] = block
        z = logits / m["temperature"]
        probs = np.exp(z - z.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        lab = m["labels"]
        out = pd.DataFrame(
            {
                name: probs[:, lab[name]] if name in lab else 0.0
                for name in ("entailment", "neutral", "contradiction")
            }
        )
        out["truncated"] = lengths > self.max_length
        return out

    def predict_windows(
        self,
        premises: Sequence[str],
        hypotheses: Sequence[str],
        *,
        window: int = WINDOW_SENTENCES,
        stride: int = 1,
        aggregate: str = WINDOW_AGGREGATE,
    ) -> pd.DataFrame:
        """Probabilities for each pair from windows of ``window`` sentences of its premise.

        Each premise is cut into sentences (``split_sentences``) and windows of ``window`` sentences
        every ``stride``; every (window, hypothesis) pair is scored in one ``predict`` call, and a
        pair's row aggregates its windows (``aggregate_windows``), as SummaC and MiniCheck do with
        documents, instead of one pass cut at ``max_length``. Columns as ``predict`` plus
        ``windows`` (int, windows scored); ``truncated`` is True when any window was still cut.
        """
        premises, hypotheses = list(premises), list(hypotheses)
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        texts, owner = [], []
        for i, premise in enumerate(premises):
            for text in sentence_windows(premise, window, stride):
                texts.append(text)
                owner.append(i)
        scored = self.predict(texts, [hypotheses[i] for i in owner])
        return aggregate_windows(scored, np.asarray(owner, dtype=np.int64), len(premises), aggregate)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` by a cheap rule, not spaCy: a break after . ! or ? (and closing quotes or
    brackets) before whitespace and a capital or digit, except after an abbreviation in
    ``_ABBREVIATIONS`` or a single letter (initials, "U.S."). Enough to window a premise; claims
    themselves are split by spaCy (checker.steps.claims).

    Example:
        >>> split_sentences("Mr. Smith met Dr. Jones in the U.S. on Friday. They agreed. Talks end 2026.")
        ['Mr. Smith met Dr. Jones in the U.S. on Friday.', 'They agreed.', 'Talks end 2026.']
    """
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start()]
        word = re.search(r"(\w+)\W*$", head)
        word = word.group(1) if word else ""
        if head.endswith(".") and (word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        out.append(head.strip())
        start = match.end()
    out.append(text[start:].strip())
    return [x for x in out if x]


def sentence_windows(text: str, window: int = WINDOW_SENTENCES, stride: int = 1) -> list[str]:
    """Runs of ``window`` consecutive sentences every ``stride``, the last one reaching the end."""
    if window < 1 or stride < 1:
        raise ValueError(f"window and stride must be at least 1, not {window} and {stride}")
    sentences = split_sentences(text) or [text]
    starts = list(range(0, max(len(sentences) - window, 0) + 1, stride))
    if starts[-1] + window < len(sentences):
        starts.append(len(sentences) - window)
    return [" ".join(sentences[i : i + window]) for i in starts]


def aggregate_windows(scored: pd.DataFrame, owner: np.ndarray, n: int, how: str) -> pd.DataFrame:
    """One row per premise from its windows' rows (``owner[j]`` is window j's premise, 0..n-1).

    ``how``: "max-entail", the window with the highest entailment; "max-both", the highest
    entailment and the highest contradiction over windows with the least neutral, renormalised to
    sum 1; "decisive", the window with the highest max(entailment, contradiction).
    """
    if how not in WINDOW_AGGREGATES:
        raise ValueError(f"aggregate must be one of {WINDOW_AGGREGATES}, not {how!r}")
    cols = ["entailment", "neutral", "contradiction"]
    frame = scored.assign(_owner=owner)
    groups = frame.groupby("_owner", sort=True)
    if how == "max-both":
        probs = groups.agg(
            entailment=("entailment", "max"),
            neutral=("neutral", "min"),
            contradiction=("contradiction", "max"),
        )
        probs = probs.div(probs.sum(axis=1), axis=0)
    else:
        key = (
            frame["entailment"] if how == "max-entail" else frame[["entailment", "contradiction"]].max(axis=1)
        )
        probs = frame.loc[key.groupby(owner).idxmax().to_numpy(), cols + ["_owner"]].set_index("_owner")
    out = probs[cols].reindex(range(n)).reset_index(drop=True)
    out["truncated"] = groups["truncated"].any().reindex(range(n), fill_value=False).to_numpy()
    out["windows"] = groups.size().reindex(range(n), fill_value=0).to_numpy()
    return out


def load_nli(model: str | os.PathLike | NLIScorer = "auto", **kwargs) -> NLIScorer:
    """Return an NLI scorer: the bundled model by default, a local folder, a hub name or an object.

    Example:
        >>> nli = load_nli()                                         # doctest: +SKIP
        >>> nli.predict(["It rained."], ["It was dry."]).round(2)    # doctest: +SKIP
    """
    if not isinstance(model, (str, os.PathLike)):
        if not isinstance(model, NLIScorer):
            raise TypeError(
                f"nli must be a path, a hub name or an object with predict(premises, hypotheses), not {model!r}"
            )
        return model
    return CrossEncoderNLI(model, **kwargs)
