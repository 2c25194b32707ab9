"""The one place where the torch device and compute precision are chosen."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PRECISIONS = ("auto", "float32", "bfloat16", "float16")


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


def cpu_has_native_bf16() -> bool:
    """True when the CPU computes bfloat16 in hardware (AVX512-BF16 or AMX), where it is 3-4x faster."""
    import torch

    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def cpu_has_amx() -> bool:
    """True when the CPU has AMX matrix tiles (Intel Sapphire Rapids and later)."""
    import torch

    return bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())


def choose_precision(device: str, requested: str = "auto") -> str:
    """Return the dtype name to run inference in on ``device``.

    "auto" is bfloat16 on CPUs with native bfloat16 and on CUDA, float32 elsewhere (older CPUs
    emulate bfloat16 slowly; MPS support varies). The bundled NLI model loses at most 0.2 points in
    bfloat16 (checker/models/minilm-nli/README.md); pass "float32" to rule that out.

    Example:
        >>> choose_precision("mps")
        'float32'
        >>> choose_precision("cpu", "float32")
        'float32'
    """
    if requested not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {requested!r}")
    if requested != "auto":
        return requested
    if device.startswith("cuda") or (device == "cpu" and cpu_has_native_bf16()):
        return "bfloat16"
    return "float32"


def prefer_int8_onnx(device: str, precision: str = "auto") -> bool:
    """Whether an NLI model's int8 ONNX form should run instead of torch (``backend="auto"``).

    On the CPU, torch in bfloat16 beats ONNX Runtime int8 only with AMX: 373 vs 299 pairs/s on a
    2-core Xeon with AMX (per-tensor int8 then), but 180 vs 221 on a 2-core EPYC with AVX512-BF16
    alone; float32 torch is slowest everywhere (docs/benchmarks.md). An explicit precision other
    than float32 keeps torch.

    Example:
        >>> prefer_int8_onnx("cuda")
        False
        >>> prefer_int8_onnx("cpu", "float32")
        True
    """
    if device != "cpu":
        return False
    if choose_precision(device, precision) == "float32":
        return True
    return precision == "auto" and not cpu_has_amx()
