"""The one place where the torch device is chosen."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def choose_device(requested: str | None = None) -> str:
    """Return the device to run models on: the requested one, else cuda, mps or cpu.

    Example:
        >>> choose_device("cpu")
        'cpu'
    """
    if requested:
        return requested
    import torch

    if torch.cuda.is_available():
        device = "cuda"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device = "mps"
    else:
        device = "cpu"
    logger.info("using device %s", device)
    return device
