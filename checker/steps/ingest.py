"""Files, folders, JSONL, CSV, HTML or a DataFrame -> the articles frame (no models but language ID).

Decisions worth knowing:

- Reading paths (folders, decoding, streaming, file limits) is ``checker.steps.readers``; the format
  helpers (front matter, markdown, HTML, dates, furniture, field names) are ``checker.steps.formats``.
- Text keeps its line structure: blank-line runs become one paragraph break, single line breaks
  stay, nothing is re-wrapped. HTML blocks become paragraphs.
- ``source`` defaults to the HTML site name, else the file stem for whole-file articles; rows of
  JSONL, CSV or a DataFrame default to "" so one data file does not look like a single outlet.
- A title repeated as the first line of an .md or HTML text is dropped from the text.
- A feed's cut-off ending ("fined the bank 12… [+2140 chars]") is dropped and listed in ``removed``.
- An article longer than ``[ingest] max_article_chars`` is skipped as bad input (step "ingest").
- Duplicates (same ``article_id``, or the same text up to case, quote style and spacing) are skipped
  rows of step "duplicate" naming the copy kept; they never raise, even with ``on_error="raise"``:
  syndicated copies are normal data, not broken input.
- Articles not in ``[ingest] language`` (detected by ``checker.steps.language`` unless the input gives
  a ``language``) are skipped rows of step "language", counted in one WARNING.
- For DataFrame rows ``skipped.input`` is "<DataFrame>" and ``skipped.line`` the row's index label.
"""

from __future__ import annotations

import hashlib
import logging
import numbers
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from checker.config import IngestConfig
from checker.errors import SchemaError
from checker.schemas import ARTICLE_LANGUAGE, ARTICLES, SKIP_STEPS, SKIPPED, empty_frame, validate_frame
from checker.steps.formats import (
    _FRONT_KEYS,
    _TEXT_KEYS,
    FURNITURE,
    _as_str,
    _fields,
    _normalise_date,
    _pick,
    _Record,
    clean_text,
    dedup_key,
    strip_cut_off,
)
from checker.steps.language import detect_language
from checker.steps.readers import SUFFIXES, Problems, path_records

# clean_text and FURNITURE live in checker.steps.formats; re-exported because callers import them from here.
__all__ = ["FRAME_INPUT", "FURNITURE", "SUFFIXES", "clean_text", "read_articles"]

logger = logging.getLogger(__name__)

FRAME_INPUT = "<DataFrame>"
_SHOWN = 5  # skipped inputs named in the summary warning


def read_articles(
    inputs: str | os.PathLike[str] | pd.DataFrame | Sequence[str | os.PathLike[str] | pd.DataFrame],
    *,
    config: IngestConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read articles from files, folders or a DataFrame.

    Args:
        inputs: a path (a file, or a folder read recursively in path order), a list of paths, or a
            DataFrame with a ``text`` (or ``body``/``content``/``description``) column.
        config: reading options; ``on_error="raise"`` raises the first bad input as InputError.

    Returns:
        ``(articles, skipped)``: articles has columns ``schemas.ARTICLES``, then ``language``, then a
        frame's extra columns; skipped has ``schemas.SKIPPED``, whose ``step`` says why a row is there
        ("ingest" bad input, "duplicate", "ignored", "language"; see checker.schemas). A WARNING
        counts the skipped inputs and names the first few.

    Raises:
        SchemaError: a DataFrame has no text column.
        InputError: a path does not exist or a folder has no article files; with ``on_error="raise"``,
            also the first unreadable input.

    Example:
        >>> frame = pd.DataFrame({"text": ["Officials said the summit will be held in Alaska."]})
        >>> articles, skipped = read_articles(frame)
        >>> articles.loc[0, "article_id"][:1], articles.loc[0, "language"], len(skipped)
        ('a', 'en', 0)
    """
    config = config or IngestConfig()
    problems = Problems(config.on_error)
    items = [inputs] if isinstance(inputs, (str, os.PathLike, pd.DataFrame)) else list(inputs)
    rows = _unique(_rows(items, config, problems), problems)
    rows = _in_language(rows, config.language, problems)
    _log_skipped(len(rows), problems.rows)
    skipped = pd.DataFrame({c: pd.Series([r[c] for r in problems.rows], dtype=object) for c in SKIPPED})
    columns = [*ARTICLES, ARTICLE_LANGUAGE]
    if not rows:
        return empty_frame(columns), skipped
    extras = list(dict.fromkeys(k for r in rows for k in r if k not in columns))
    return pd.DataFrame(rows, columns=columns + extras), skipped


def _rows(items: list[Any], config: IngestConfig, problems: Problems) -> Iterator[tuple[_Record, dict]]:
    """(record, finished row) for each readable article of the inputs, in input order."""
    for item in items:
        if isinstance(item, pd.DataFrame):
            records = _frame_records(item)
        elif isinstance(item, (str, os.PathLike)):
            records = path_records(item, config, problems)
        else:
            raise TypeError(f"read_articles: expected paths or a DataFrame, got {type(item).__name__}")
        for rec in records:
            if (row := _finish(rec, config, problems)) is not None:
                yield rec, row


def _unique(rows: Iterator[tuple[_Record, dict]], problems: Problems) -> list[dict[str, Any]]:
    """Rows without duplicates: a repeated article_id, or the same text up to case, quotes and spacing."""
    kept: list[dict[str, Any]] = []
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for rec, row in rows:
        keys = [
            ("id", row["article_id"]),
            ("text", hashlib.sha1(dedup_key(row["text"]).encode()).hexdigest()),
        ]
        if (seen := next((first[k] for k in keys if k in first), None)) is not None:
            same = "article_id" if seen["article_id"] == row["article_id"] else "text"
            where = _where(rec.input, rec.line)
            msg = (
                f"{where} repeats the {same} of article {seen['article_id']} read from {seen['_where']}; "
                f"kept {seen['_where']}, left this copy out"
            )
            problems.skip(rec.input, rec.line, msg, step="duplicate")
            continue
        for key in keys:
            first.setdefault(key, row)
        kept.append(row)
    return kept


def _in_language(rows: list[dict[str, Any]], wanted: str, problems: Problems) -> list[dict[str, Any]]:
    """Rows in the wanted language (all when wanted is ""); others become skipped rows, in one WARNING."""
    kept, other = [], Counter()
    for row in rows:
        row[ARTICLE_LANGUAGE] = row[ARTICLE_LANGUAGE] or detect_language(row["text"])
        if not wanted or row[ARTICLE_LANGUAGE] == wanted:
            kept.append(row)
            continue
        other[row[ARTICLE_LANGUAGE]] += 1
        msg = (
            f"the article is in '{row[ARTICLE_LANGUAGE]}', not '{wanted}'; the claim rules are English-only "
            '(set [ingest] language = "" to keep it)'
        )
        problems.skip(row["_input"], row["_line"], msg, step="language")
    if other:
        names = [_where(r["input"], r["line"]) for r in problems.rows if r["step"] == "language"]
        counts = ", ".join(f"{code}: {n}" for code, n in other.most_common())
        total = sum(other.values())
        logger.warning(
            "skipped %d article(s) not in '%s' (%s): %s", total, wanted, counts, _first(names[:20], total)
        )
    for row in rows:
        del row["_input"], row["_line"], row["_where"]
    return kept


def _log_skipped(n_read: int, skipped: list[dict[str, Any]]) -> None:
    """One WARNING that counts the skipped inputs by reason and names the first few."""
    if not skipped:
        return
    steps = Counter(r["step"] for r in skipped)
    shown = [f"{_where(r['input'], r['line'])} ({r['error']})" for r in skipped[:_SHOWN]]
    logger.warning(
        "ingest: read %d article(s), left out %d input(s) (%s): %s",
        n_read,
        len(skipped),
        ", ".join(f"{step}: {n}" for step, n in steps.items()),
        _first(shown, len(skipped)),
    )


def _where(source: str, line: int | None) -> str:
    return source + (f" line {line}" if line is not None else "")


def _first(names: list[str], total: int) -> str:
    """The names, then how many more there are of total."""
    return "; ".join(names) + (f"; and {total - len(names)} more" if total > len(names) else "")


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


def _finish(rec: _Record, config: IngestConfig, problems: Problems) -> dict[str, Any] | None:
    """Check the size, clean, check the length, assign the id: one output row, or None when skipped."""
    if len(rec.text) > config.max_article_chars:
        msg = (
            f"article has {len(rec.text):,} characters, over the limit of {config.max_article_chars:,}; "
            f"split it, or raise [ingest] max_article_chars = {len(rec.text)} in the config file"
        )
        problems.skip(rec.input, rec.line, msg)
        return None
    text, removed = clean_text(rec.text)
    text, cut = strip_cut_off(text)
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
        "removed": rec.removed + removed + ([cut] if cut else []),
        ARTICLE_LANGUAGE: f.get("language", "").lower(),
        "_input": rec.input,
        "_line": rec.line,
        "_where": rec.path or f"{rec.input} row {rec.line}",  # names the kept copy in duplicate messages
    }
    return row | rec.extra


def bad_inputs(skipped: pd.DataFrame) -> pd.DataFrame:
    """The rows of a skipped frame that are bad input (step "ingest", or no step: rows written before
    steps were told apart), not duplicates, ignored files or other languages.

    Example:
        >>> rows = pd.DataFrame({"input": ["a.txt", "b.txt"], "line": [None, None],
        ...                      "step": ["ingest", "duplicate"], "error": ["empty", "copy"]})
        >>> bad_inputs(rows)["input"].tolist()
        ['a.txt']
    """
    if "step" not in skipped:
        return skipped
    return skipped[skipped["step"].isna() | (skipped["step"] == "ingest")]


def skip_counts(skipped: pd.DataFrame) -> dict[str, int]:
    """How many inputs were left out for each reason, by the count names of schemas.SKIP_STEPS."""
    steps = skipped["step"].fillna("ingest") if "step" in skipped else pd.Series(["ingest"] * len(skipped))
    found = steps.value_counts()
    return {name: int(found.get(step, 0)) for step, name in SKIP_STEPS.items()}
