"""File-format helpers for the ingest step: markup in, plain text and metadata out.

Holds front matter, markdown-to-text, HTML extraction (trafilatura with an lxml fallback), date
normalisation, the page-furniture rules behind ``clean_text``, the feed cut-off rule, the duplicate key,
the accepted input field names with the helpers that look them up and turn cells into strings, and
``_Record``, the article-before-cleaning that a whole .txt/.md/.html file becomes. Decoding bytes is
``checker.steps.decoding``. None of this skips, raises or walks folders, so it lives apart from
``checker.steps.ingest``, which owns the inputs, the ``on_error`` policy, the JSONL/CSV/DataFrame rows
(each can be skipped) and the articles frame.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

# "content" and "description" are NewsAPI's names (issue #15): its content is cut at 200 characters
# with a "[+2140 chars]" marker (see strip_cut_off), its description is a summary, used only alone.
_TEXT_KEYS = ("text", "body", "content", "description")
_KEYS = {  # article field -> accepted input names (case-insensitive); the first non-empty one wins
    "article_id": ("id", "article_id"),
    "title": ("title",),
    # a nested {"id": .., "name": ..} object gives its name (NewsAPI); a flattened feed (a CSV export,
    # pandas.json_normalize) has it as a "source.name" or "source_name" column
    "source": ("source", "source.name", "source_name"),
    "url": ("url",),  # not "urlToImage"
    "published": ("published", "date", "publishedat", "published_at"),
    "language": ("language",),  # given languages are kept; others are detected (checker.steps.language)
}
_FRONT_KEYS = {name: column for column, names in _KEYS.items() for name in names}

# Page furniture, matched against whole stripped lines (case-insensitive) so that a sentence that
# merely mentions cookies or subscribing is kept. Generated-text residue ("[Source 1]", "Note: This
# article is based on ...") is deliberately absent: the claims step reports it as a finding.
_FURNITURE_RULES = {
    "skip link": r"skip to (main )?(content|navigation)",
    # "Also read: <teaser for another story>" and its variants: the teaser is another article's headline
    "read more": r"((also|more) (read|see|watch|on this|from)|read (also|more|next)|see also|you may also like"
    r"|recommended|most read|related( articles| stories| posts| coverage)?)(\s*[:>»›→|].*|\W*)",
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
# Boxes beside the story: a trivia or tip heading and the paragraph under it, or one paragraph that
# opens with the heading ("Did you know? Herring can ..."). Their sentences are not the story's claims.
_BOX_HEADING = r"(did you know|fun facts?|quick facts?|pro tips?|quick tips?|trivia)"
_BOX = re.compile(_BOX_HEADING + r"\s*[?:!.]?", re.IGNORECASE)
_BOX_INLINE = re.compile(_BOX_HEADING + r"\s*[?:!]\s", re.IGNORECASE)  # the heading's mark, then the box
# A questions-and-answers block: its heading, then question paragraphs and the answer under each.
_FAQ = re.compile(
    r"(frequently asked questions|faqs?|questions and answers|q\s?&\s?a)\s*[:?]?", re.IGNORECASE
)
_LIST_MARKER = re.compile(r"^(?:[-*•▪◦–—]|\d{1,2}[.)])\s+(?=\S)")

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


def clean_text(text: str) -> tuple[str, list[str]]:
    """Normalise whitespace and strip page-furniture lines.

    Args:
        text: raw article text.

    Returns:
        The cleaned text (NFC, runs of spaces collapsed, paragraphs separated by one blank line)
        and the removed furniture lines, stripped, in order.

    Removed: whole lines that are page furniture (FURNITURE), list markers, boxes beside the story
    ("Did you know?" / "Pro tip:" and the paragraph under them), and questions-and-answers blocks (an
    "FAQ" heading with its questions and the answer under each).

    Example:
        >>> clean_text("Skip to content\\n\\nThe  summit   starts today.\\nShare this:")
        ('The summit starts today.', ['Skip to content', 'Share this:'])
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)  # zero-width marks split words
    kept: list[str] = []
    removed: list[str] = []
    for raw in text.split("\n"):
        # list markers ("- ", "• ", "2. ") are layout, not words of the claim (HTML lists arrive as "- item")
        line = _LIST_MARKER.sub("", re.sub(r"[^\S\n]+", " ", raw).strip())
        if line and any(rx.fullmatch(line) for rx in FURNITURE.values()):
            removed.append(line)
        elif line or (kept and kept[-1]):
            kept.append(line)  # a single "" marks a paragraph break
    return "\n\n".join(_drop_boxes("\n".join(kept).strip().split("\n\n"), removed)), removed


def _drop_boxes(paragraphs: list[str], removed: list[str]) -> list[str]:
    """Paragraphs without boxes and questions-and-answers blocks (see clean_text); removed in order."""
    kept: list[str] = []
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if _BOX.fullmatch(para):  # a box heading: it and the paragraph under it
            removed.extend(paragraphs[i : i + 2])
            i += 2
        elif _BOX_INLINE.match(para) and "\n" not in para:  # "Did you know? Herring ..." in one paragraph
            removed.append(para)
            i += 1
        elif _FAQ.fullmatch(para):  # the heading, then each question and the answer under it
            removed.append(para)
            i += 1
            while i < len(paragraphs) and paragraphs[i].endswith("?") and "\n" not in paragraphs[i]:
                removed.extend(paragraphs[i : i + 2])
                i += 2
        else:
            kept.append(para)
            i += 1
    return kept


def strip_cut_off(text: str) -> tuple[str, str]:
    """Drop a feed's cut-off ending: the "[+2140 chars]" marker and the unfinished sentence before it.

    NewsAPI cuts ``content`` mid-sentence ("fined Harbour Bank 12… [+2140 chars]"); the fragment's
    figure is wrong, so it must not become a claim.

    Returns:
        ``(text without the cut-off part, the part removed)``; ``(text, "")`` when there is no marker.

    Example:
        >>> strip_cut_off("The bank was fined. The regulator fined it 12… [+2140 chars]")
        ('The bank was fined.', 'The regulator fined it 12… [+2140 chars]')
    """
    marker = _CUT_MARKER.search(text)
    if marker is None:
        return text, ""
    head = text[: marker.start()].rstrip()
    if head.endswith(("…", "...")) or not head.endswith(_SENTENCE_END):
        ends = list(_SENTENCE_BREAK.finditer(head))
        head = head[: ends[-1].end()] if ends else ""
    return head.rstrip(), text[len(head) :].strip()


_CUT_MARKER = re.compile(r"\s*\[\+\s?\d+\s*chars?\]\s*\Z", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", '"', "”", "’", ")")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]*(?=\s)")
_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})


def dedup_key(text: str) -> str:
    """The text as compared for duplicates: case, quote style and spacing do not count.

    Example:
        >>> dedup_key("“Talks  resume,” he said.") == dedup_key('"talks resume," He said.')
        True
    """
    return " ".join(text.translate(_QUOTES).casefold().split())


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
    """Input cell -> stripped str; missing values -> ""; whole floats (7.0 from NaN columns) -> "7".

    Dates and datetimes (also pandas Timestamps) become ISO dates ("2025-08-10", the time dropped), so
    ``published`` is text of one form whatever the input held."""
    if isinstance(value, dict):  # NewsAPI's "source": {"id": "northern-wire", "name": "Northern Wire"}
        value = value.get("name")
    if value is None or not pd.api.types.is_scalar(value) or pd.isna(value):
        return ""
    if isinstance(value, datetime):  # also pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
