import pytest

from checker.models import device


def test_requested_device_wins():
    assert device.choose_device("cpu") == "cpu"


def test_precision_follows_the_hardware(monkeypatch):
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: True)
    assert device.choose_precision("cpu") == "bfloat16"
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: False)
    assert device.choose_precision("cpu") == "float32"
    assert device.choose_precision("cuda") == "bfloat16"
    assert device.choose_precision("mps") == "float32"


def test_explicit_precision_is_kept_and_checked():
    assert device.choose_precision("cpu", "float32") == "float32"
    with pytest.raises(ValueError, match="precision must be one of"):
        device.choose_precision("cpu", "fp8")


def test_cpu_probe_returns_a_bool():
    assert device.cpu_has_native_bf16() in (True, False)
