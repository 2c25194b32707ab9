"""Paths -> article records: folders, whole-file articles, JSONL and CSV streamed row by row.

Decisions worth knowing (issue #15):

- A folder is read recursively in path order. Hidden files and folders (``.git``) are left out
  unreported; every other file left out is reported at WARNING and as a skipped row of step "ignored":
  repository files (``REPOSITORY_FILES``, any case, any suffix: README.md, LICENSE, EXPECTED.md) and
  files of other types. Agency names (AP.txt, BBC.md, AFP.html) are articles like any other.
- A path that does not exist, or a folder with no article file in it, is an InputError: it is a
  mistyped command, not a bad item in a batch, so it raises whatever ``on_error`` says.
- .txt/.md/.html files are read whole, so ``[ingest] max_bytes`` refuses larger ones unread. JSONL and
  CSV are streamed a line at a time (memory stays bounded by the longest row, itself bounded by
  ``max_article_chars``); a 20 MB feed of normal-sized rows is read whatever its file size.
- Decoding is ``checker.steps.decoding``: UTF-8 with stray bad bytes stays UTF-8, with a warning.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from checker.config import IngestConfig
from checker.errors import InputError
from checker.steps.decoding import sniff_encoding
from checker.steps.formats import _TEXT_KEYS, _fields, _html_record, _pick, _plain_record, _Record

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".csv")
# A folder's own documentation, never an article (matched on the name before the suffix, any case).
REPOSITORY_FILES = frozenset(
    "readme license licence expected changelog changes contributing notice copying authors contributors "
    "code_of_conduct security citation".split()
)
# JSON and CSV quoting make a row longer than its text; rows over this many times max_article_chars
# are skipped without being held in memory whole.
_ROW_SLACK = 4


class Problems:
    """Collects skipped inputs as rows (schemas.SKIPPED), or raises the first bad one (on_error="raise").

    ``step`` says why: "ingest" (bad input, the only kind that raises), "duplicate", "ignored",
    "language". Bad and ignored inputs are logged at WARNING one by one; duplicates and other-language
    articles at INFO, as ``read_articles`` counts them in one WARNING.
    """

    def __init__(self, on_error: str) -> None:
        self.on_error = on_error
        self.rows: list[dict[str, Any]] = []

    def skip(self, source: str, line: int | None, message: str, *, step: str = "ingest") -> None:
        err = InputError(message, source=source, line=line)
        if step == "ingest" and self.on_error == "raise":
            raise err
        level = logging.WARNING if step in ("ingest", "ignored") else logging.INFO
        logger.log(level, "%s %s", "skipped" if step == "ingest" else step, err)
        self.rows.append({"input": source, "line": line, "step": step, "error": message})


def path_records(item: str | os.PathLike[str], config: IngestConfig, problems: Problems) -> Iterator[_Record]:
    """The article records of one path (a file, or a folder read recursively).

    Raises:
        InputError: the path does not exist, or is a folder without article files.
    """
    path = Path(item)
    if path.is_dir():
        files = _walk(path, problems)
        if not files:
            raise InputError(
                f"folder has no article files ({', '.join(SUFFIXES)}, other than {_repository_hint()}); "
                "add articles to it or pass another folder",
                source=os.fspath(item),
            )
        for file in files:
            yield from _file_records(file, str(file), config, problems)
    elif path.exists():
        yield from _file_records(path, os.fspath(item), config, problems)
    else:
        hint = "path does not exist; check the spelling or pass an existing file or folder"
        raise InputError(hint, source=os.fspath(item))


def is_repository_file(name: str) -> bool:
    """README.md, LICENSE, EXPECTED.md: a folder's documentation. Not AP.txt or BBC.md.

    Example:
        >>> [is_repository_file(n) for n in ("README.md", "license.txt", "AP.txt", "BBC.md")]
        [True, True, False, False]
    """
    return Path(name).stem.lower() in REPOSITORY_FILES


def _repository_hint() -> str:
    return "README-style files such as " + ", ".join(sorted(n.upper() for n in REPOSITORY_FILES)[:4])


def _walk(folder: Path, problems: Problems) -> list[Path]:
    """Article files under folder, recursively, sorted; the others are reported as "ignored"."""
    found, ignored = [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            file = Path(root) / name
            if name.startswith("."):
                logger.debug("left out hidden file %s", file)
            elif is_repository_file(name):
                ignored.append(
                    (file, "a repository file (README, LICENSE …), not an article; rename it to read it")
                )
            elif file.suffix.lower() not in SUFFIXES:
                ignored.append((file, f"not an article file type; use one of {', '.join(SUFFIXES)}"))
            else:
                found.append(file)
    for file, why in sorted(ignored):
        problems.skip(str(file), None, why, step="ignored")
    return sorted(found)


def _file_records(path: Path, name: str, config: IngestConfig, problems: Problems) -> Iterator[_Record]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        problems.skip(name, None, f"unsupported file type '{suffix}'; use one of {', '.join(SUFFIXES)}")
        return
    try:
        size = path.stat().st_size
        if suffix not in (".jsonl", ".csv") and size > config.max_bytes:
            msg = (
                f"file has {size:,} bytes, over the limit of {config.max_bytes:,} for a file read whole; "
                f"split it, or raise [ingest] max_bytes = {size} in the config file"
            )
            problems.skip(name, None, msg)
            return
        with _open_text(path, name, problems, newline="" if suffix == ".csv" else None) as stream:
            if stream is None:
                return
            if suffix == ".jsonl":
                yield from _jsonl_records(stream, name, config, problems)
            elif suffix == ".csv":
                yield from _csv_records(stream, name, config, problems)
            else:
                yield from _whole_file_record(stream.read(), path, name, problems)
    except OSError as e:
        problems.skip(name, None, f"cannot be read ({e.strerror}); check its permissions")
    except UnicodeDecodeError:  # only a UTF-16 file is decoded strictly
        problems.skip(name, None, "file has a UTF-16 mark but is not valid UTF-16; re-save it as UTF-8")


@contextmanager
def _open_text(path: Path, name: str, problems: Problems, *, newline: str | None) -> Iterator[TextIO | None]:
    """The file as a text stream in its detected encoding, or None (reported) when it is refused."""
    encoding, reason = sniff_encoding(path, name)
    if encoding is None:
        problems.skip(name, None, reason or "file cannot be decoded; re-save it as UTF-8")
        yield None
        return
    with path.open("r", encoding=encoding.codec, errors=encoding.errors, newline=newline) as stream:
        yield stream


def _whole_file_record(text: str, path: Path, name: str, problems: Problems) -> Iterator[_Record]:
    if not text.strip():
        problems.skip(name, None, "file is empty; remove it or add the article text")
    elif path.suffix.lower() in (".html", ".htm"):
        yield _html_record(text, path, name)
    else:
        yield _plain_record(text, path, name, markdown=path.suffix.lower() == ".md")


def _jsonl_records(stream: TextIO, name: str, config: IngestConfig, problems: Problems) -> Iterator[_Record]:
    limit = _ROW_SLACK * config.max_article_chars
    seen = False
    for n, line in enumerate(_bounded_lines(stream, limit), start=1):
        if line is None:
            seen = True
            msg = (
                f"row is longer than {limit:,} characters, over the article limit; split it, "
                "or raise [ingest] max_article_chars in the config file"
            )
            problems.skip(name, n, msg)
            continue
        if not line.strip():
            continue
        seen = True
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.skip(name, n, f"not valid JSON: {e.msg} at column {e.colno}; fix or remove this line")
            continue
        if not isinstance(obj, dict):
            problems.skip(name, n, f"a JSON {type(obj).__name__}; each line must be an object with 'text'")
        elif (rec := _row_record(obj, name, n, problems)) is not None:
            yield rec
    if not seen:
        problems.skip(name, None, "file is empty; remove it or add one JSON object per line")


def _bounded_lines(stream: TextIO, limit: int) -> Iterator[str | None]:
    """Lines of stream, each held in memory only up to limit characters; None for a longer line."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith("\n"):
            yield line
            continue
        while (rest := stream.readline(limit)) and not rest.endswith("\n"):
            pass  # the rest of the over-long line is read in bounded pieces and dropped
        yield None


def _csv_records(stream: TextIO, name: str, config: IngestConfig, problems: Problems) -> Iterator[_Record]:
    limit = _ROW_SLACK * config.max_article_chars
    old_limit = csv.field_size_limit(max(limit, csv.field_size_limit()))  # process-wide: restored below
    reader = csv.reader(stream)
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
        hint = " (raise [ingest] max_article_chars for longer articles)" if "field limit" in str(e) else ""
        problems.skip(name, end + 1, f"CSV parse error ({e}){hint}; fix the file, the rest was not read")
        return
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        problems.skip(name, None, "file is empty; remove it or add a header and rows")


def _row_record(obj: dict[str, Any], name: str, n: int, problems: Problems) -> _Record | None:
    key = _pick(obj, _TEXT_KEYS, nonempty=True)
    if key is None:
        msg = "the text field is empty" if _pick(obj, _TEXT_KEYS) else f"no 'text' field (it has {list(obj)})"
        problems.skip(name, n, msg + "; add the article text or drop the row")
        return None
    return _Record(text=str(obj[key]), input=name, line=n, path=f"{name}:{n}", fields=_fields(obj))


__all__ = ["REPOSITORY_FILES", "SUFFIXES", "Problems", "is_repository_file", "path_records"]
