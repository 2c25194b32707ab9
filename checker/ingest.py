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
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import numbers
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from checker.config import IngestConfig
from checker.errors import InputError, SchemaError
from checker.schemas import ARTICLES, SKIPPED, empty_frame, validate_frame

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".csv")
FRAME_INPUT = "<DataFrame>"
_TEXT_KEYS = ("text", "body", "content")
_KEYS = {  # article field -> accepted input names; the first non-empty one wins
    "article_id": ("id", "article_id"),
    "title": ("title",),
    "source": ("source",),
    "url": ("url",),
    "published": ("published", "date"),
}
_FRONT_KEYS = {name: column for column, names in _KEYS.items() for name in names}

# Page furniture, matched against whole stripped lines (case-insensitive) so that a sentence that
# merely mentions cookies or subscribing is kept. Generated-text residue ("[Source 1]", "Note: This
# article is based on ...") is deliberately absent: the claims step reports it as a finding.
_FURNITURE_RULES = {
    "skip link": r"skip to (main )?(content|navigation)",
    "read more": r"(read (also|more|next)|see also|related( articles| stories| posts)?)(\s*[:>»›→].*|\W*)",
    "comments": r"leave a (comment|reply)( cancel reply)?|\d* ?comments?( \(\d+\))?"
    r"|your email address will not be published.*",
    "share": r"share( this( article| story| post)?| on (facebook|twitter|x|linkedin|whatsapp|email))?\W*",
    "subscribe": r"(subscribe( now| today)?( to (our|the) newsletter)?|sign up (for|to) .{1,80})\W*",
    "cookies": r"we use cookies\b.*|accept( all)? cookies\W*|cookie (policy|settings|preferences)\W*",
    "advertisement": r"advertisement|advert|ad|sponsored( content)?",
    "click here": r"click here( to .*)?",
    "follow us": r"follow us( on .*)?",
    "copyright": r"(copyright\s*)?(©|\(c\)|copyright)\s*\d{4}.*|all rights reserved\W*",
    # no final period: "Posted on social media, the video ..." is a sentence, not a byline
    "post meta": r"posted (in|on|by) .{1,60}(?<!\.)|tags?:.*|filed under:?.*",
    "print/email": r"(print|email|e-mail)( this( article| page| story)?)?",
    "nav menu": r"[^|•·›»]{1,30}(\s[|•·›»]\s[^|•·›»]{1,30}){2,}",  # three or more short items
}
FURNITURE = {name: re.compile(rx, re.IGNORECASE) for name, rx in _FURNITURE_RULES.items()}

_MD_RULES = [  # (pattern, replacement), applied in order to each line of a .md file
    (r"^\s*(```|~~~).*$", ""),  # code fences; the code itself stays as text
    (r"^\s*([-*_=])(\s*\1){2,}\s*$", ""),  # horizontal rules and setext underlines
    (r"^\s*\[[^\]]+\]:\s+\S+.*$", ""),  # reference-link definitions
    (r"^\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*$", ""),  # table separator rows
    (r"^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$", r"\1"),
    (r"^\s*(>\s?)+", ""),
    (r"^\s*[-*+]\s+", ""),
    (r"!\[[^\]]*\]\([^)]*\)", ""),  # images carry no article text
    (r"\[([^\]]+)\]\([^)]*\)", r"\1"),
    (r"<(https?://[^>\s]+)>", r"\1"),
    (r"<!--.*?-->|</?[a-zA-Z][^>]*>", ""),
    (r"`([^`]*)`", r"\1"),
    (r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1", r"\2"),
    (r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1"),
    (r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1"),  # not inside snake_case words
]
_MD = [(re.compile(rx), repl) for rx, repl in _MD_RULES]
_INLINE_TAGS = frozenset("a abbr b code em i q small span strong sub sup time u".split())


@dataclass
class _Record:
    """One article before cleaning, id and de-duplication."""

    text: str
    input: str
    line: int | None
    path: str
    fields: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    extra: dict[Any, Any] = field(default_factory=dict)


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


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise whitespace and strip page-furniture lines.

    Args:
        text: raw article text.

    Returns:
        The cleaned text (NFC, runs of spaces collapsed, paragraphs separated by one blank line)
        and the removed furniture lines, stripped, in order.

    Example:
        >>> clean_text("Skip to content\\n\\nThe  summit   starts today.\\nShare this:")
        ('The summit starts today.', ['Skip to content', 'Share this:'])
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)  # zero-width marks split words
    kept: list[str] = []
    removed: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r"[^\S\n]+", " ", raw).strip()
        if line and any(rx.fullmatch(line) for rx in FURNITURE.values()):
            removed.append(line)
        elif line or (kept and kept[-1]):
            kept.append(line)  # a single "" marks a paragraph break
    return "\n".join(kept).strip(), removed


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
                logger.debug("ignored %s: hidden, a README-style document, or not one of %s", file, ", ".join(SUFFIXES))
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


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Bytes -> (text, None), or (None, why the file was refused)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "file has a UTF-16 mark but is not valid UTF-16; re-save it as UTF-8"
    if b"\x00" in data[:8192]:
        return None, "file looks binary (NUL bytes in the first 8 KB); pass text, HTML, JSONL or CSV"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, "file is neither UTF-8 nor cp1252 text; re-save it as UTF-8"
    logger.info("decoded a file as cp1252 (not valid UTF-8); check it for garbled characters")
    return text, None


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``key: value`` lines (fenced by ``---`` or closed by a blank line) from the body.

    Any other line in the block means there is no front matter, so an article that happens to
    start with "Date: ..." prose is read whole.
    """
    lines = text.split("\n")
    fenced = lines[0].strip() == "---"
    fields: dict[str, str] = {}
    for i in range(int(fenced), len(lines)):
        line = lines[i].strip()
        if line == ("---" if fenced else ""):
            return (fields, "\n".join(lines[i + 1 :])) if fields else ({}, text)
        key, sep, value = line.partition(":")
        if not line and fenced:
            continue
        if not sep or key.strip().lower() not in _FRONT_KEYS:
            return {}, text
        fields.setdefault(_FRONT_KEYS[key.strip().lower()], value.strip())
    return {}, text  # never closed: plain text


def _strip_markdown(line: str) -> str:
    """Drop markdown markup from one line, keeping its words.

    Example:
        >>> _strip_markdown("## The **summit** in [Alaska](https://x.example)")
        'The summit in Alaska'
    """
    for rx, repl in _MD:
        line = rx.sub(repl, line)
    return line


def _plain_record(text: str, path: Path, name: str, *, markdown: bool) -> _Record:
    fields, body = _front_matter(text)
    if markdown:
        lines = body.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and re.match(r"\s{0,3}#\s", lines[first]):
            heading = _strip_markdown(lines[first]).strip()
            if _same(heading, fields.setdefault("title", heading)):
                del lines[first]
        body = "\n".join(_strip_markdown(line) for line in lines)
    fields.setdefault("source", path.stem)
    return _Record(text=body, input=name, line=None, path=name, fields=fields)


def _html_record(html: str, path: Path, name: str) -> _Record:
    import trafilatura  # heavy import, only when HTML is read

    text, meta = "", None
    try:
        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
        )
        text, meta = (doc.text or "", doc) if doc is not None else ("", None)
        meta = meta if text.strip() else trafilatura.extract_metadata(html)
    except Exception as e:  # noqa: BLE001 -- third-party parser on untrusted HTML; lxml fallback below
        logger.debug("trafilatura failed on %s: %s", name, e)
    # trafilatura writes one paragraph per line
    text = text.replace("\n", "\n\n") if text.strip() else _lxml_text(html)
    pairs = (("title", "title"), ("url", "url"), ("published", "date"), ("source", "sitename"))
    fields = {key: str(value) for key, attr in pairs if (value := getattr(meta, attr, None))}
    fields.setdefault("source", path.stem)
    first, _, rest = text.strip().partition("\n")
    if _same(first, fields.get("title", "")):
        text = rest  # the headline is the title, not a paragraph
    return _Record(text=text, input=name, line=None, path=name, fields=fields)


def _lxml_text(html: str) -> str:
    """Visible page text without head, scripts, styles and navigation; blocks become paragraphs."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html.encode(), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001 -- lxml raises several types on empty or broken pages
        logger.debug("lxml could not parse the page: %s", e)
        return ""
    for el in tree.xpath("//head|//script|//style|//nav|//footer|//header|//noscript|//template"):
        el.drop_tree()
    for el in tree.iter():
        if not isinstance(el.tag, str):  # comments and processing instructions
            continue
        # source line breaks inside a paragraph are layout, not text
        el.text, el.tail = (re.sub(r"\s+", " ", s) if s else "" for s in (el.text, el.tail))
        if el.tag == "br":
            el.tail = "\n" + el.tail
        elif el.tag not in _INLINE_TAGS:
            el.text, el.tail = "\n\n" + el.text, "\n\n" + el.tail
    return tree.text_content()


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


def _normalise_date(value: str) -> str:
    """ISO ``YYYY-MM-DD`` when value is an unambiguous full date, else value unchanged.

    Day-first/month-first ambiguity ("03/04/2025") and missing parts ("March 2025") are kept as
    given rather than guessed.

    Example:
        >>> _normalise_date("Aug 10, 2025 14:00 EST"), _normalise_date("03/04/2025")
        ('2025-08-10', '03/04/2025')
    """
    from dateutil import parser

    if m := re.match(r"(\d{4}-\d{2}-\d{2})($|[T ])", value):  # ISO: dateutil's dayfirst would swap it
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            return value
    if not re.search(r"\b(1[89]|2[01])\d\d\b", value):  # no plausible year: a wild value, not a date
        return value
    seen = set()
    for dayfirst in (False, True):
        for default in (datetime(2000, 1, 1), datetime(2001, 2, 2)):  # differ only if a part is missing
            try:
                seen.add(parser.parse(value, dayfirst=dayfirst, default=default, ignoretz=True).date())
            except (ValueError, OverflowError):
                return value
    return seen.pop().isoformat() if len(seen) == 1 else value


def _same(a: str, b: str) -> bool:
    """Equal up to case, spacing and trailing punctuation; never for empty strings."""
    a, b = (re.sub(r"\s+", " ", s).strip(" .:").casefold() for s in (a, b))
    return bool(a) and a == b


def _fields(obj: dict[Any, Any]) -> dict[str, str]:
    found = {name: _pick(obj, keys, nonempty=True) for name, keys in _KEYS.items()}
    return {name: _as_str(obj[key]) for name, key in found.items() if key is not None}


def _pick(obj: Iterable[Any], names: Sequence[str], *, nonempty: bool = False) -> Any:
    """The first key of obj matching one of names (exact, then case-insensitive), or None."""
    keys = list(obj)
    for name in names:
        for key in [k for k in keys if k == name] + [k for k in keys if str(k).strip().lower() == name]:
            if not nonempty or _as_str(obj[key]):  # type: ignore[index]
                return key
    return None


def _as_str(value: Any) -> str:
    """Input cell -> stripped str; missing values -> ""; whole floats (7.0 from NaN columns) -> "7"."""
    if value is None or not pd.api.types.is_scalar(value) or pd.isna(value):
        return ""
    if isinstance(value, datetime):  # also pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
