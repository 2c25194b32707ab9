"""Command line: a thin layer over the library. Each command parses, makes one library call,
prints a short summary and exits 0 (success), 1 (done, but some inputs were skipped) or 2 (failure).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

EXIT_OK, EXIT_SKIPPED, EXIT_FAILED = 0, 1, 2


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claim-checker")
def main() -> None:
    """claim-checker: find where news articles agree, hedge and contradict each other."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Folder for the report files.")
@click.option("--format", "formats", default="html,md,csv,json", show_default=True,
              help="Comma-separated outputs: html, md, csv, json (run.json is always written).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config file.")
@click.option("--nli", default=None, help="NLI model: a local folder or hub name (default: bundled minilm-nli).")
@click.option("--embedder", default=None, help="Embedding model: a local folder or hub name.")
@click.option("--force", is_flag=True, help="Overwrite a report already in --out.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
def check(inputs: tuple[str, ...], out: str, formats: str, config_path: str | None, nli: str | None,
          embedder: str | None, force: bool, verbose: int, quiet: bool) -> None:
    """Check INPUTS (files, folders, JSONL/CSV) and write a report to --out.

    Example: checker check data/demo --out out/
    """
    _setup_logging(verbose, quiet)
    from checker.errors import CheckerError
    from checker.pipeline import Checker

    try:
        cfg = _load_config(config_path, nli, embedder)
        chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
        if (Path(out) / "run.json").exists() and not force:
            raise CheckerError(f"{out} already holds a report; pass --force to overwrite or choose another --out")
        result = Checker(cfg).check(list(inputs))
        written = result.save(out, formats=chosen, force=True)
    except CheckerError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(EXIT_FAILED)
    counts = result.run["counts"]
    click.echo(f"{counts['articles']} articles, {counts['claims']} claims, {counts['clusters']} clusters, "
               f"{counts['pairs']} pairs scored, {counts['findings']} findings "
               f"in {result.run['timings_s']['total']:.1f} s")
    for kind, n in counts["findings_by_kind"].items():
        click.echo(f"  {kind}: {n}")
    click.echo(f"wrote {len(written)} files to {out}")
    if len(result.skipped):
        click.echo(f"{len(result.skipped)} input(s) skipped:", err=True)
        for row in result.skipped.itertuples():
            where = f"{row.input}" + (f", line {row.line}" if row.line is not None and row.line == row.line else "")
            click.echo(f"  {where}: {row.error}", err=True)
        sys.exit(EXIT_SKIPPED)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
