"""Fast, deterministic stand-ins for the embedding and NLI models, for tests that must not load torch.

Both record every call, so a test can check that only new work reached the model.

Example:
    >>> emb = FakeEmbedder()
    >>> vectors = emb.encode(["Talks began in Geneva.", "Talks began in Geneva on Friday."])
    >>> round(float(vectors[0] @ vectors[1]), 2) > 0.5, emb.n_texts
    (True, 2)
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

_STOP = frozenset(
    "a an the of to in on at by for from with and or as is are was were be been has have had it its "
    "this that which who said says".split()
)
_NEGATION = frozenset({"not", "no", "never", "denied", "refused", "without", "rejected"})


def words(text: str) -> list[str]:
    """Lower-case words and numbers of a text, stop words left out."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]


def _bucket(word: str, dim: int) -> tuple[int, float]:
    h = int(hashlib.md5(word.encode()).hexdigest(), 16)
    return h % dim, 1.0 if (h >> 64) & 1 else -1.0  # a signed hash keeps unrelated texts near 0


class FakeEmbedder:
    """Bag of words hashed into ``dim`` signed buckets, normalised: texts sharing words are similar."""

    def __init__(self, dim: int = 64, version: int = 1):
        self.dim = dim
        self.info = {"path": "fake-bow-embedder", "dim": dim, "version": version}
        self.calls: list[list[str]] = []

    @property
    def n_texts(self) -> int:
        """Texts encoded so far, over all calls."""
        return sum(len(c) for c in self.calls)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in words(text):
                slot, sign = _bucket(word, self.dim)
                out[i, slot] += sign
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
            else:
                out[i, 0] = 1.0
        return out


class FakeNLI:
    """Word rules: shared words plus a negation or a different number on one side is a contradiction;
    a hypothesis whose words the premise mostly holds is entailed; anything else is neutral."""

    def __init__(self, delay: float = 0.0, version: int = 1):
        self.delay = delay
        self.info = {"path": "fake-rule-nli", "version": version}
        self.calls: list[int] = []

    @property
    def n_pairs(self) -> int:
        """Premise/hypothesis pairs scored so far (a claim pair is two: both directions)."""
        return sum(self.calls)

    def predict(self, premises: Sequence[str], hypotheses: Sequence[str]) -> pd.DataFrame:
        self.calls.append(len(premises))
        if self.delay:
            time.sleep(self.delay)
        rows = [self._probs(set(words(p)), set(words(h))) for p, h in zip(premises, hypotheses, strict=True)]
        out = pd.DataFrame(rows, columns=["entailment", "neutral", "contradiction"], dtype=float)
        return out.assign(truncated=False)

    @staticmethod
    def _probs(premise: set[str], hypothesis: set[str]) -> tuple[float, float, float]:
        overlap = len(premise & hypothesis) / max(1, len(hypothesis))
        numbers_p = {w for w in premise if w.isdigit()}
        numbers_h = {w for w in hypothesis if w.isdigit()}
        negated = bool(premise & _NEGATION) != bool(hypothesis & _NEGATION)
        if overlap >= 0.5 and (negated or (numbers_p and numbers_h and numbers_p != numbers_h)):
            return 0.03, 0.05, 0.92
        if overlap >= 0.8:
            return 0.9, 0.08, 0.02
        return 0.1, 0.8, 0.1
