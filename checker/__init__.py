"""claim-checker: find where news articles agree, hedge and contradict each other, claim by claim.

Example:
    >>> import checker
    >>> result = checker.check("data/demo")          # doctest: +SKIP
    >>> result.findings[["kind", "explanation"]]     # doctest: +SKIP
"""

import logging

from checker.config import CheckConfig
from checker.errors import CheckerError, ConfigError, InputError, ModelLoadError, SchemaError, StoreError
from checker.models.nli import load_nli
from checker.nightly.job import run_history, run_nightly
from checker.pipeline import Checker, CheckResult, check
from checker.steps.claims import extract_claims, frame_table
from checker.steps.ingest import read_articles

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CheckConfig",
    "CheckResult",
    "Checker",
    "CheckerError",
    "ConfigError",
    "InputError",
    "ModelLoadError",
    "SchemaError",
    "StoreError",
    "__version__",
    "check",
    "extract_claims",
    "frame_table",
    "load_nli",
    "read_articles",
    "run_history",
    "run_nightly",
]
