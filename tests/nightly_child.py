"""One nightly run with the fake models, in its own process so that tests can kill it.

Usage: python tests/nightly_child.py STORE REPORT_DIR INPUT... [--batch N] [--nli-delay SECONDS]

``--batch`` makes every step commit after N items (articles, claims or pairs), so a kill can fall
between two commits; ``--nli-delay`` slows each NLI call down. ``--fail-at POINT`` installs the job's
test hook (checker.nightly.job.POINTS) so the run dies there at once, as if killed (exit 137, no
cleanup). Prints "ready" once imported, then "point NAME" at each commit point, flushed, so a test can
kill it during a chosen step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import os  # noqa: E402

from fakes import FakeEmbedder, FakeNLI  # noqa: E402

from checker.nightly import job as jobs  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("report_dir")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument(
        "--batch", type=int, default=0, help="items per transaction in every step (0: defaults)"
    )
    parser.add_argument("--nli-delay", type=float, default=0.0, help="seconds each NLI call sleeps")
    parser.add_argument("--fail-at", default="", choices=["", *jobs.POINTS], help="die at this point")
    args = parser.parse_args(argv)
    if args.batch:
        jobs.BATCH.update(dict.fromkeys(jobs.BATCH, args.batch))

    def hook(point: str) -> None:
        print(f"point {point}", flush=True)
        if point == args.fail_at:
            os._exit(137)  # like a kill: no cleanup, no flush, no commit

    print("ready", flush=True)
    result = jobs.run_nightly(
        args.inputs,
        store=args.store,
        embedder=FakeEmbedder(),
        nli=FakeNLI(delay=args.nli_delay),
        report_dir=args.report_dir,
        hook=hook,
    )
    print(f"finished run {result.run_id}", flush=True)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
