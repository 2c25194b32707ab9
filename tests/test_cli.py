import json

import pandas as pd
import pytest
from click.testing import CliRunner

import checker.pipeline
from checker.cli import main
from tests.fakes import FakeEmbedder, FakeNLI


@pytest.fixture(autouse=True)
def fake_models(monkeypatch):
    monkeypatch.setattr(checker.pipeline, "load_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(checker.pipeline, "load_nli", lambda *a, **k: FakeNLI())


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The summit was held in Anchorage on Friday. The two sides agreed to exchange 150 prisoners."
    )
    (folder / "b.txt").write_text(
        "The summit was held in Juneau on Friday. The two sides agreed to exchange 150 prisoners."
    )
    return folder


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help, f"checker {name} has no help text"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_check_success_exit_0(corpus, tmp_path):
    result = CliRunner().invoke(main, ["check", str(corpus), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.html").exists()
    assert "place_mismatch" in result.output  # Anchorage vs Juneau


def test_skipped_input_exit_1_and_named(corpus, tmp_path):
    (corpus / "broken.jsonl").write_text(
        '{"text": "fine text about the summit in Anchorage today."}\n{oops\n'
    )
    result = CliRunner().invoke(main, ["check", str(corpus), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "broken.jsonl" in result.output and "line 2" in result.output
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["skipped"][0]["line"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "BAD"], "unknown section"),
        (["--format", "html,pdf"], "choose from html, md, csv, json"),
    ],
)
def test_failures_exit_2(corpus, tmp_path, args, message):
    bad = tmp_path / "bad.toml"
    bad.write_text("[nope]\nx = 1\n")
    args = [str(bad) if a == "BAD" else a for a in args]
    result = CliRunner().invoke(main, ["check", str(corpus), "--out", str(tmp_path / "out"), "-q", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_refuses_to_overwrite_without_force(corpus, tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["check", str(corpus), "--out", str(out), "-q"]).exit_code == 0
    again = CliRunner().invoke(main, ["check", str(corpus), "--out", str(out), "-q"])
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["check", str(corpus), "--out", str(out), "-q", "--force"]).exit_code == 0


def test_unknown_format_is_refused_before_any_work(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(checker.pipeline.Checker, "check", lambda *a: pytest.fail("ran before refusing"))
    result = CliRunner().invoke(
        main, ["check", str(corpus), "--out", str(tmp_path / "o"), "--format", "html,pdf"]
    )
    assert result.exit_code == 2 and "pdf" in result.output and "html, md, csv, json" in result.output


@pytest.mark.parametrize("error", [TypeError("a bug"), OSError(28, "No space left on device")])
def test_an_unexpected_error_exits_2_not_1(corpus, tmp_path, monkeypatch, error):
    def crash(*args):
        raise error

    monkeypatch.setattr(checker.pipeline.Checker, "check", crash)
    result = CliRunner().invoke(main, ["check", str(corpus), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and "failed unexpectedly" in result.output


def _with_skipped(monkeypatch, step: str) -> None:
    """read_articles also reports one skipped input of this step (checker.steps.ingest's contract)."""
    import checker.steps.ingest as ingest

    real = ingest.read_articles

    def read(inputs, **kwargs):
        articles, skipped = real(inputs, **kwargs)
        row = {"input": "feed/copy.txt", "line": None, "step": step, "error": f"left out ({step})"}
        return articles, pd.concat([skipped, pd.DataFrame([row])], ignore_index=True)

    monkeypatch.setattr(ingest, "read_articles", read)


@pytest.mark.parametrize(
    ("step", "code", "shown"),
    [("ingest", 1, "1 input(s) skipped"), ("duplicate", 0, "duplicates: 1"),
     ("ignored", 0, "ignored files: 1"), ("language", 0, "not English: 1")],
)  # fmt: skip
def test_only_bad_inputs_exit_1(step, code, shown, corpus, tmp_path, monkeypatch):
    _with_skipped(monkeypatch, step)
    result = CliRunner().invoke(main, ["check", str(corpus), "--out", str(tmp_path / "out"), "-q", "-v"])
    assert result.exit_code == code, result.output
    assert shown in result.output and "feed/copy.txt" in result.output
