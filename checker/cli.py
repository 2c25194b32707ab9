"""Command line: a thin layer over the library. Each command parses, makes one library call,
prints a short summary and exits 0 (success), 1 (done, but some inputs were skipped as bad) or 2
(failure). Duplicates, ignored repository files and other-language articles are counted and
printed, never an error: a feed that repeats yesterday's articles exits 0.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import click

EXIT_OK, EXIT_SKIPPED, EXIT_FAILED = 0, 1, 2


class _Refused(Exception):
    """A command refuses to run as asked (its message says why); exit 2."""


@contextlib.contextmanager
def _failures_exit_2(command: str) -> Iterator[None]:
    """Any failure exits 2 with the error logged: 1 means "done, inputs skipped", never "crashed"."""
    from checker.errors import CheckerError

    try:
        yield
    except (CheckerError, _Refused) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(EXIT_FAILED)
    except Exception as e:  # a bug or the machine (a full disk): cron and systemd only see the status
        logging.getLogger("checker.cli").exception("checker %s failed", command)
        click.echo(f"error: checker {command} failed unexpectedly: {e!r} (details above)", err=True)
        sys.exit(EXIT_FAILED)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("sentence_transformers", "transformers", "httpx", "urllib3", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _load_config(config_path: str | None, nli: str | None, embedder: str | None):
    import dataclasses

    from checker.config import CheckConfig

    cfg = CheckConfig.load(config_path) if config_path else CheckConfig()
    if nli:
        cfg = dataclasses.replace(cfg, nli=dataclasses.replace(cfg.nli, model=nli))
    if embedder:
        cfg = dataclasses.replace(cfg, embed=dataclasses.replace(cfg.embed, model=embedder))
    return cfg


def _model_options(command):
    """--config, --nli and --embedder, shared by the commands that run models."""
    for option in (
        click.option("--embedder", default=None, help="Embedding model: a local folder or hub name."),
        click.option(
            "--nli", default=None, help="NLI model: a local folder or hub name (default: bundled minilm-nli)."
        ),
        click.option(
            "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config file."
        ),
    ):
        command = option(command)
    return command


def _log_options(command):
    """-v/--verbose and -q/--quiet."""
    command = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")(command)
    return click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claim-checker")
def main() -> None:
    """claim-checker: find where news articles agree, hedge and contradict each other."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False), help="Folder for the report files."
)
@click.option(
    "--format",
    "formats",
    default="html,md,csv,json",
    show_default=True,
    help="Comma-separated outputs: html, md, csv, json (run.json is always written).",
)
@_model_options
@click.option("--force", is_flag=True, help="Overwrite a report already in --out.")
@_log_options
def check(
    inputs: tuple[str, ...],
    out: str,
    formats: str,
    config_path: str | None,
    nli: str | None,
    embedder: str | None,
    force: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Check INPUTS (files, folders, JSONL/CSV) and write a report to --out.

    Example: checker check data/demo --out out/
    """
    _setup_logging(verbose, quiet)
    from checker.pipeline import FORMATS, Checker

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if unknown := sorted(set(chosen) - set(FORMATS)) or ([] if chosen else ["(none)"]):
        raise click.BadParameter(
            f"{', '.join(unknown)}; choose from {', '.join(FORMATS)}", param_hint="--format"
        )
    with _failures_exit_2("check"):
        cfg = _load_config(config_path, nli, embedder)
        if (Path(out) / "run.json").exists() and not force:
            raise _Refused(f"{out} already holds a report; pass --force to overwrite or choose another --out")
        result = Checker(cfg).check(list(inputs))
        written = result.save(out, formats=chosen, force=True)
    counts = result.run["counts"]
    click.echo(
        f"{counts['articles']} articles, {counts['claims']} claims, {counts['clusters']} clusters, "
        f"{counts['pairs']} pairs scored, {counts['findings']} findings "
        f"in {result.run['timings_s']['total']:.1f} s"
    )
    for kind, n in counts["findings_by_kind"].items():
        click.echo(f"  {kind}: {n}")
    click.echo(f"wrote {len(written)} files to {out}")
    sys.exit(_report_skipped(result.skipped, verbose))


# How the summary line names what was left out but is no error (the steps: checker.schemas.SKIP_STEPS)
_LEFT_OUT = {"duplicate": "duplicates", "ignored": "ignored files", "language": "not English"}


def _report_skipped(skipped, verbose: int) -> int:
    """Print what was left out and return the exit status: 1 only when some input was bad.

    Bad inputs (step "ingest") are named one per line on stderr. Duplicates, ignored files and
    other-language articles are counted on stdout ("duplicates: 2, ignored files: 1") and named on
    stderr with -v.
    """
    from checker.steps.ingest import bad_inputs

    bad = bad_inputs(skipped)
    others = skipped.drop(index=bad.index)
    if len(others):
        found = others["step"].value_counts()
        click.echo(", ".join(f"{name}: {found[step]}" for step, name in _LEFT_OUT.items() if step in found))
        if verbose:
            for row in others.itertuples():
                click.echo(f"  {_where(row)}: {row.error}", err=True)
    if len(bad):
        click.echo(f"{len(bad)} input(s) skipped:", err=True)
        for row in bad.itertuples():
            click.echo(f"  {_where(row)}: {row.error}", err=True)
    return EXIT_SKIPPED if len(bad) else EXIT_OK


def _where(row) -> str:
    """Where a skipped row came from: its input, and ", line 3" when it has a line (None or NaN: none)."""
    line = f", line {int(row.line)}" if row.line is not None and row.line == row.line else ""  # NaN != NaN
    return f"{row.input}{line}"


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--store",
    required=True,
    type=click.Path(dir_okay=False),
    help="The store file (SQLite; created when absent). Its lock file is STORE.lock.",
)
@click.option(
    "--report-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder for the dated run reports (default: reports/<store file name without suffix>/ beside "
    "the store).",
)
@_model_options
@_log_options
def nightly(
    inputs: tuple[str, ...],
    store: str,
    report_dir: str | None,
    config_path: str | None,
    nli: str | None,
    embedder: str | None,
    verbose: int,
    quiet: bool,
) -> None:
    """Add the new articles in INPUTS to --store, score only what is new and report what changed.

    Exit status: 0 done, 1 done but some inputs were skipped as bad, 2 failed (nothing half-done is
    lost: the next run resumes it). Copies of stored articles are counted as duplicates, not errors.

    Example: checker nightly --store /var/lib/checker/store.sqlite /srv/feeds/today/
    """
    _setup_logging(verbose, quiet)
    from checker.nightly.job import run_nightly

    with _failures_exit_2("nightly"):
        cfg = _load_config(config_path, nli, embedder)
        result = run_nightly(list(inputs), store=store, config=cfg, report_dir=report_dir)
    c = result.counts
    if result.run_id is None:
        click.echo(f"nothing new: {c['known_articles']} input article(s) already stored; store unchanged")
    else:
        resumed = " (resumed)" if result.resumed else ""
        click.echo(
            f"run {result.run_id}{resumed}: {c['new_articles']} new articles ({c['known_articles']} "
            f"already stored), {c['new_claims']} new claims, {c['new_clusters']} new clusters, "
            f"{c['pairs_scored']} pairs scored, {c['new_findings']} new findings, "
            f"{c['updated_findings']} updated, {c['resolved_findings']} no longer found"
        )
        click.echo(f"store: {c['articles']} articles, {c['claims']} claims, {c['findings']} findings")
        click.echo(f"report: {result.reports['html']}\nchanges: {result.reports['changes_md']}")
    sys.exit(_report_skipped(result.skipped, verbose))


@main.command()
@click.option(
    "--store", required=True, type=click.Path(dir_okay=False), help="The store file of checker nightly."
)
@click.option(
    "--limit",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Show only the last N runs (0: all).",
)
def history(store: str, limit: int) -> None:
    """List the nightly runs of --store: when, status, and what each added.

    Example: checker history --store /var/lib/checker/store.sqlite --limit 7
    """
    from checker.nightly.job import run_history

    with _failures_exit_2("history"):
        runs = run_history(store)
    runs = runs.tail(limit) if limit else runs
    if runs.empty:
        click.echo(f"no runs in {store} yet")
    else:
        click.echo(runs.drop(columns=["report_dir"]).fillna("").to_string(index=False))
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
