"""One nightly run with the fake models, in its own process so that tests can kill it.

Usage: python tests/nightly_child.py STORE REPORT_DIR INPUT... [--batch N] [--nli-delay SECONDS]

``--batch`` makes every step commit after N items (articles, claims or pairs), so a kill can fall
between two commits; ``--nli-delay`` slows each NLI call down. CHECKER_NIGHTLY_FAIL_AT (see
checker.jobs) makes the run die at one point. Prints "ready" once imported, then each log line of
checker.jobs ("run 2 step nli: ..."), flushed, so a test can kill it during a chosen step.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeEmbedder, FakeNLI  # noqa: E402

from checker import jobs  # noqa: E402


class _Echo(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(record.getMessage(), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("report_dir")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument(
        "--batch", type=int, default=0, help="items per transaction in every step (0: defaults)"
    )
    parser.add_argument("--nli-delay", type=float, default=0.0, help="seconds each NLI call sleeps")
    args = parser.parse_args(argv)
    if args.batch:
        jobs._CLAIM_BATCH = jobs._EMBED_BATCH = jobs._NLI_BATCH = args.batch
    log = logging.getLogger("checker.jobs")
    log.setLevel(logging.INFO)
    log.addHandler(_Echo())
    print("ready", flush=True)
    result = jobs.run_nightly(
        args.inputs,
        store=args.store,
        embedder=FakeEmbedder(),
        nli=FakeNLI(delay=args.nli_delay),
        report_dir=args.report_dir,
    )
    print(f"finished run {result.run_id}", flush=True)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
