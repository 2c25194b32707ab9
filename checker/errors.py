"""Every error the library raises, one class per kind of failure.

Messages say what was wrong, where (file, line, field) and what to do.
"""

from __future__ import annotations


class CheckerError(Exception):
    """Base class of all claim-checker errors."""


class InputError(CheckerError, ValueError):
    """An input file, line or frame cannot be read as articles."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        where = ""
        if source is not None:
            where = f"{source}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(where + message)
        self.source = source
        self.line = line
        self.reason = message


class ConfigError(CheckerError, ValueError):
    """A configuration value or file is invalid."""


class ModelLoadError(CheckerError, OSError):
    """A model could not be found or loaded from a local path or hub name."""


class SchemaError(CheckerError, ValueError):
    """A DataFrame handed to the library lacks required columns."""


class StoreError(CheckerError):
    """The persistent store is unusable (wrong schema version, corrupt file)."""


class StoreLockedError(StoreError):
    """Another run holds the store's lock."""
