"""Files, folders, JSONL, CSV, HTML or a DataFrame -> the articles frame (no models here).

Decisions worth knowing:

- Decoding: a file with a NUL byte in its first 8 KB is binary and skipped, unless it starts with a
  UTF-16 byte-order mark. Otherwise it is read as UTF-8 (a BOM is dropped), then as cp1252 (logged,
  as it may give mojibake); a file neither decodes is skipped.
- Text keeps its line structure: blank-line runs become one paragraph break, single line breaks
  stay, nothing is re-wrapped. HTML blocks become paragraphs.
- ``source`` defaults to the HTML site name, else the file stem for whole-file articles; rows of
  JSONL, CSV or a DataFrame default to "" so one data file does not look like a single outlet.
- A title repeated as the first line of an .md or HTML text is dropped from the text.
- Duplicates (same ``article_id``) go to ``skipped`` but never raise, even with ``on_error="raise"``:
  syndicated copies are normal data, not broken input.
- For DataFrame rows ``skipped.input`` is "<DataFrame>" and ``skipped.line`` the row's index label.

The format helpers (decoding, front matter, markdown, HTML, dates, furniture, field names)
are in ``checker.steps.formats``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import numbers
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from checker.config import IngestConfig
from checker.errors import InputError, SchemaError
from checker.schemas import ARTICLES, SKIPPED, empty_frame, validate_frame
from checker.steps.formats import (
    _FRONT_KEYS,
    _TEXT_KEYS,
    FURNITURE,
    _as_str,
    _decode,
    _fields,
    _html_record,
    _normalise_date,
    _pick,
    _plain_record,
    _Record,
    clean_text,
)

# clean_text and FURNITURE live in checker.steps.formats; re-exported because callers import them from here.
__all__ = ["FRAME_INPUT", "FURNITURE", "SUFFIXES", "clean_text", "read_articles"]

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".csv")
FRAME_INPUT = "<DataFrame>"


class _Problems:
    """Collects skipped inputs, or raises the first one when on_error == "raise"."""

    def __init__(self, on_error: str) -> None:
        self.on_error = on_error
        self.rows: list[dict[str, Any]] = []

    def skip(self, source: str, line: int | None, message: str, *, never_raise: bool = False) -> None:
        err = InputError(message, source=source, line=line)
        if self.on_error == "raise" and not never_raise:
            raise err
        logger.warning("skipped %s", err)
        self.rows.append({"input": source, "line": line, "step": "ingest", "error": message})


def read_articles(
    inputs: str | os.PathLike[str] | pd.DataFrame | Sequence[str | os.PathLike[str] | pd.DataFrame],
    *,
    config: IngestConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read articles from files, folders or a DataFrame.

    Args:
        inputs: a path (a file, or a folder read recursively in path order), a list of paths, or a
            DataFrame with a ``text`` (or ``body``/``content``) column.
        config: reading options; ``on_error="raise"`` raises the first bad input as InputError.

    Returns:
        ``(articles, skipped)`` with columns ``schemas.ARTICLES`` (then a frame's extra columns)
        and ``schemas.SKIPPED``.

    Raises:
        SchemaError: a DataFrame has no text column.
        InputError: with ``on_error="raise"``, the first unreadable input.

    Example:
        >>> frame = pd.DataFrame({"text": ["Officials said the summit will be held in Alaska."]})
        >>> articles, skipped = read_articles(frame)
        >>> articles.loc[0, "article_id"][:1], len(skipped)
        ('a', 0)
    """
    config = config or IngestConfig()
    problems = _Problems(config.on_error)
    items = [inputs] if isinstance(inputs, (str, os.PathLike, pd.DataFrame)) else list(inputs)
    rows: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for item in items:
        for rec in _records(item, config, problems):
            row = _finish(rec, config, problems)
            if row is None:
                continue
            if (first := first_seen.get(row["article_id"])) is not None:
                msg = f"duplicate of article {row['article_id']} from {first}; kept the first one"
                problems.skip(rec.input, rec.line, msg, never_raise=True)
                continue
            first_seen[row["article_id"]] = rec.path or f"{rec.input} row {rec.line}"
            rows.append(row)
    if problems.rows:
        logger.warning("ingest: read %d article(s), skipped %d input(s)", len(rows), len(problems.rows))
    skipped = pd.DataFrame({c: pd.Series([r[c] for r in problems.rows], dtype=object) for c in SKIPPED})
    if not rows:
        return empty_frame(ARTICLES), skipped
    extras = list(dict.fromkeys(k for r in rows for k in r if k not in ARTICLES))
    return pd.DataFrame(rows, columns=ARTICLES + extras), skipped


def _records(item: Any, config: IngestConfig, problems: _Problems) -> Iterator[_Record]:
    if isinstance(item, pd.DataFrame):
        yield from _frame_records(item)
        return
    if not isinstance(item, (str, os.PathLike)):
        raise TypeError(f"read_articles: expected paths or a DataFrame, got {type(item).__name__}")
    path = Path(item)
    if path.is_dir():
        for file in _walk(path):
            yield from _file_records(file, str(file), config, problems)
    elif path.exists():
        yield from _file_records(path, os.fspath(item), config, problems)
    else:
        problems.skip(str(item), None, "path does not exist; check the spelling or pass an existing path")


def _is_folder_doc(name: str) -> bool:
    """README.md, EXPECTED.md, LICENSE.txt: a folder's own documentation, not an article.

    Only applies when walking a folder; such a file named directly is read like any other.
    """
    stem = Path(name).stem
    return stem.isupper() and stem.replace("_", "").isalpha()


def _walk(folder: Path) -> list[Path]:
    """Supported files under folder, recursively, sorted; hidden files and folders are left out,
    and so are documentation files with all-capital names (README.md, EXPECTED.md)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            file = Path(root) / name
            if name.startswith(".") or file.suffix.lower() not in SUFFIXES or _is_folder_doc(name):
                logger.debug(
                    "ignored %s: hidden, a README-style document, or not one of %s", file, ", ".join(SUFFIXES)
                )
            else:
                found.append(file)
    return sorted(found)


def _file_records(path: Path, name: str, config: IngestConfig, problems: _Problems) -> Iterator[_Record]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        problems.skip(name, None, f"unsupported file type '{suffix}'; use one of {', '.join(SUFFIXES)}")
        return
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= config.max_bytes else b""
    except OSError as e:
        problems.skip(name, None, f"cannot be read ({e.strerror}); check its permissions")
        return
    if size > config.max_bytes:
        problems.skip(name, None, f"file has {size} bytes, over max_bytes; split it or raise the limit")
        return
    text, reason = _decode(data)
    if text is None or not text.strip():
        problems.skip(name, None, reason or "file is empty; remove it or add the article text")
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".jsonl":
        yield from _jsonl_records(text, name, problems)
    elif suffix == ".csv":
        yield from _csv_records(text, name, problems)
    elif suffix in (".html", ".htm"):
        yield _html_record(text, path, name)
    else:
        yield _plain_record(text, path, name, markdown=suffix == ".md")


def _jsonl_records(text: str, name: str, problems: _Problems) -> Iterator[_Record]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.skip(name, n, f"not valid JSON ({e.msg}); fix or remove this line")
            continue
        if not isinstance(obj, dict):
            problems.skip(name, n, f"a JSON {type(obj).__name__}; each line must be an object with 'text'")
        elif (rec := _row_record(obj, name, n, problems)) is not None:
            yield rec


def _csv_records(text: str, name: str, problems: _Problems) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    end = 0  # file line where the previous record ended, so multi-line records are numbered right
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                if _pick(header, _TEXT_KEYS) is None:
                    msg = (
                        f"CSV has no text column (it has {header}); add a 'text' (or 'body'/'content') column"
                    )
                    problems.skip(name, start, msg)
                    return
            elif len(row) > len(header):
                msg = f"row has {len(row)} fields, the header {len(header)}; quote fields with commas"
                problems.skip(name, start, msg)
            else:
                cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
                if (rec := _row_record(cells, name, start, problems)) is not None:
                    yield rec
    except csv.Error as e:
        problems.skip(name, end + 1, f"CSV parse error ({e}); fix the file, the rest was not read")


def _row_record(obj: dict[str, Any], name: str, n: int, problems: _Problems) -> _Record | None:
    key = _pick(obj, _TEXT_KEYS, nonempty=True)
    if key is None:
        msg = "the text field is empty" if _pick(obj, _TEXT_KEYS) else f"no 'text' field (it has {list(obj)})"
        problems.skip(name, n, msg + "; add the article text or drop the row")
        return None
    return _Record(text=str(obj[key]), input=name, line=n, path=f"{name}:{n}", fields=_fields(obj))


def _frame_records(frame: pd.DataFrame) -> Iterator[_Record]:
    validate_frame(frame, [], name="articles input")
    if _pick(frame.columns, _TEXT_KEYS) is None:
        raise SchemaError(
            f"articles input: no text column; present: {list(frame.columns)}. "
            "Add a 'text' (or 'body'/'content') column holding the article text."
        )
    known = {*ARTICLES, *_TEXT_KEYS, *_FRONT_KEYS}
    extra = [c for c in frame.columns if str(c).strip().lower() not in known]
    for label, row in zip(frame.index, frame.to_dict("records"), strict=True):
        key = _pick(row, _TEXT_KEYS, nonempty=True)
        prior = row.get("removed")
        yield _Record(
            text=_as_str(row[key]) if key is not None else "",
            input=FRAME_INPUT,
            line=int(label) if isinstance(label, numbers.Integral) else None,
            path=_as_str(row.get("path")),
            fields=_fields(row),
            removed=list(prior) if isinstance(prior, list) else [],
            extra={c: row[c] for c in extra},
        )


def _finish(rec: _Record, config: IngestConfig, problems: _Problems) -> dict[str, Any] | None:
    """Clean, check the length, assign the id: one output row, or None when skipped."""
    text, removed = clean_text(rec.text)
    if len(text) < config.min_chars:
        what = f"only {len(text)} characters of text" if text else "no text"
        msg = f"{what} after cleaning (min_chars={config.min_chars}); check the input holds the article body"
        problems.skip(rec.input, rec.line, msg)
        return None
    f = rec.fields
    row = {
        "article_id": f.get("article_id") or "a" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
        "source": f.get("source", ""),
        "title": f.get("title", ""),
        "url": f.get("url", ""),
        "published": _normalise_date(f.get("published", "")),
        "path": rec.path,
        "text": text,
        "removed": rec.removed + removed,
    }
    return row | rec.extra
