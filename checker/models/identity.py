"""What a model is, as a short key: its folder name and a hash of its settings and weights.

Stored results are keyed by the models that produced them (checker.nightly.keys). The key covers what
changes results: the weights, the label order and max length. It leaves out how they are computed on
this machine (device, precision, backend): bfloat16 and float32 give the same labels within the
tolerance recorded in the model card, so a store moved to another CPU keeps its vectors and scores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# info keys that say how a model runs here, not what it computes (see the module docstring)
RUNTIME_INFO = frozenset({"path", "device", "precision", "backend", "batch_size"})


def digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _folder_fingerprint(folder: Path, head: int = 1 << 20) -> list[list]:
    """Name, size and a hash of the first MiB of each file: retrained weights differ at equal sizes."""
    found = []
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(folder)
        if file.is_file() and len(rel.parts) <= 3 and not any(p.startswith(".") for p in rel.parts):
            with file.open("rb") as fh:
                found.append([rel.as_posix(), file.stat().st_size, hashlib.sha1(fh.read(head)).hexdigest()])
    return found


def model_key(model: Any) -> str:
    """A short key naming a model and its weights: "<folder name>-<12 hex>".

    The hash covers the model's ``info`` dict (path left out, so a moved folder keeps its key), its
    ``max_length`` and, for a local folder, every file's size and leading bytes.

    Example:
        >>> class Fake:
        ...     info = {"path": "fake-embedder", "dim": 64}
        >>> model_key(Fake())
        'fake-embedder-fe333408d75f'
    """
    info = getattr(model, "info", None)
    info = dict(info) if isinstance(info, Mapping) else {"class": type(model).__qualname__}
    path = info.get("path")
    info = {k: v for k, v in info.items() if k not in RUNTIME_INFO}
    material: dict[str, Any] = {"info": info, "max_length": getattr(model, "max_length", None)}
    if path and Path(path).is_dir():
        material["files"] = _folder_fingerprint(Path(path))
    name = Path(str(path)).name if path else str(info.get("class", "model"))
    return f"{name}-{digest(material)}"
