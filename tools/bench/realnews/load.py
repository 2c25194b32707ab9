"""Stories of the real-news findings benchmark, built deterministically from ../shared/data.

A story is a handful of real articles about one event (or two look-alike events) from ECB+ or
MEANTIME, listed in ``stories.json`` beside this file. The texts never enter the repository: they
are rebuilt here from the shared data, and the gold findings (``gold_*.jsonl``) point into them by
article id and character offsets, so the text built here must be exactly what the checker sees.

ECB+ and MEANTIME come as tokenised sentences. An article is rebuilt by dropping URL lines,
taking the headline as ``title`` and a date line (when one parses) as ``published``, and joining
the remaining sentences, detokenised, three to a paragraph (``tools.bench.common.text_from_sentences``).
The text is already in the form the checker's ingest cleaning leaves it (NFC, single spaces, one
blank line between paragraphs), so ``result.articles.text`` equals ``load_story(...).text``.

Example:
    >>> from tools.bench.realnews.load import list_stories, load_story  # doctest: +SKIP
    >>> story = list_stories().iloc[0]                                    # doctest: +SKIP
    >>> load_story(story.story_id)[["article_id", "source", "title"]]     # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from checker.steps.formats import clean_text
from tools.bench import common as bc
from tools.nli_model import data as nli_data

HERE = Path(__file__).resolve().parent
STORIES = HERE / "stories.json"
REPO = HERE.parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"  # ../shared/data beside the repository
ECBPLUS = Path("clustering/ecbplus/ecbplus_docs.jsonl")
MEANTIME = Path("news/meantime-wikinews/meantime_en_docs.jsonl")
COLUMNS = ["article_id", "source", "title", "published", "text"]

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ]
    )
    for m in names
}  # fmt: skip
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "Dec . 7 , 2009", "March 01 , 2008", "7 July 2012": month-day-year or day-month-year
_DATE_MDY = re.compile(
    rf"\b({_MONTH_RX})\b\s*\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d\d)\b", re.I
)
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RX})\b\s*\.?\s*,?\s*((?:19|20)\d\d)\b", re.I)
_DATE_NUM = re.compile(r"\b(\d{1,2}) ?/ ?(\d{1,2}) ?/ ?(\d{2}|\d{4})\b")  # US order: "10 / 25 / 11"
# ECB+ splits tokens that ECB and MEANTIME keep whole ("6 . 1", "7 : 15", "U . S .", "16 - year - old");
# rejoin them before detokenising so numbers, times and acronyms read as the outlet wrote them.
_RETOKEN = [
    (re.compile(r"(?<=\d) ([.:,/]) (?=\d)"), r"\1"),
    (
        re.compile(r"\b([A-Za-z]) \. ([A-Za-z]) \.(?: ([A-Za-z]) \.)?"),
        lambda m: ".".join(g for g in m.groups() if g) + ".",
    ),
    (re.compile(r"(?<=\w) - (?=\w)"), "-"),
    (re.compile(r"(?<=\w) ([’']) (?=(?:s|d|t|ll|re|ve|m)\b)"), r"\1"),  # "He ’ d", "Zealand ’ s"
]
_URL_LINE = re.compile(r"^\s*(https?\s*:|www\s*\.)", re.I)
_DATE_LINE_MAX_TOKENS = 16  # a dateline ("Posted on January 5, 2011, 3:37 PM EDT"), not a sentence
_TITLE_MAX_TOKENS = 30


class StoryDataError(FileNotFoundError):
    """The shared data (or a story's document) is missing."""


def list_stories(path: Path = STORIES) -> pd.DataFrame:
    """The benchmark's stories: story_id, split (dev|test), dataset, docs, description.

    Example:
        >>> list_stories().columns.tolist()  # doctest: +SKIP
        ['story_id', 'split', 'dataset', 'docs', 'description']
    """
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return pd.DataFrame(rows, columns=["story_id", "split", "dataset", "docs", "description"])


def load_story(story_id: str, data: Path = DEFAULT_DATA, *, stories: Path = STORIES) -> pd.DataFrame:
    """The articles of one story: article_id, source, title, published, text (in stories.json order).

    Args:
        story_id: an id from ``stories.json``.
        data: the shared data folder (default ../shared/data beside the repository).
        stories: the story list.

    Raises:
        StoryDataError: the data file is absent, or a listed document is not in it.
        KeyError: no such story.
    """
    table = list_stories(stories)
    match = table[table["story_id"] == story_id]
    if match.empty:
        raise KeyError(f"no story {story_id!r} in {stories}; known: {', '.join(table['story_id'])}")
    story = match.iloc[0]
    docs = _documents(str(Path(data).resolve()), story["dataset"])
    missing = [d for d in story["docs"] if d not in docs]
    if missing:
        raise StoryDataError(f"story {story_id}: documents {missing} are not in the {story['dataset']} file")
    return pd.DataFrame([docs[d] for d in story["docs"]], columns=COLUMNS)


@lru_cache(maxsize=4)
def _documents(data: str, dataset: str) -> dict[str, dict[str, str]]:
    """All articles of one dataset, by article id (cached: every story reads the same file)."""
    if dataset not in ("ecbplus", "meantime"):
        raise ValueError(f"unknown dataset {dataset!r}; expected 'ecbplus' or 'meantime'")
    path = Path(data) / (ECBPLUS if dataset == "ecbplus" else MEANTIME)
    if not path.exists():
        raise StoryDataError(
            f"{path} is absent: the real-news benchmark needs the shared data "
            "(see ../shared/data/README.md, or pass --data /path/to/shared/data)"
        )
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            key = doc["doc_id"] if dataset == "ecbplus" else doc["doc_key"]
            out[key] = article(
                key, doc["sentences"], default_source="wikinews" if dataset == "meantime" else ""
            )
    return out


def article(article_id: str, sentences: Sequence[str], *, default_source: str = "") -> dict[str, str]:
    """One article row from a tokenised sentence list.

    Example:
        >>> row = article("d1", ["http : / / www . x . com / a", "Man held", "Dec . 7 , 2009",
        ...                       "Police arrested a man on Monday .", "He was 40 ."])
        >>> row["source"], row["title"], row["published"], row["text"]
        ('x.com', 'Man held', '2009-12-07', 'Police arrested a man on Monday. He was 40.')
    """
    sents = [_retoken(s) for s in sentences if s.strip()]
    urls = [s for s in sents if _URL_LINE.match(s)]
    sents = [s for s in sents if not _URL_LINE.match(s)]
    source = _domain(urls[0]) if urls else default_source or article_id
    published, title = "", ""
    # the date line and the headline sit among the first lines (headline, subtitle, dateline)
    for i, s in enumerate(sents[:4]):
        if len(s.split()) <= _DATE_LINE_MAX_TOKENS and (iso := parse_date(s)):
            published = iso
            del sents[i]
            break
    if sents and _is_headline(sents[0]):
        title = _norm(nli_data.detok(sents.pop(0)))
    text = clean_text(bc.text_from_sentences(sents))[0]  # the checker's own cleaning: offsets stay put
    return {"article_id": article_id, "source": source, "title": title, "published": published, "text": text}


def parse_date(sentence: str) -> str:
    """ISO date of the first "Dec . 7 , 2009" / "7 July 2012" in a sentence, "" when none.

    Example:
        >>> parse_date("Posted on January 5 , 2011 , 3 : 37 PM EDT")
        '2011-01-05'
    """
    if m := _DATE_MDY.search(sentence):
        month, day, year = _MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
    elif m := _DATE_DMY.search(sentence):
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    elif m := _DATE_NUM.search(sentence):
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year += 2000 if year < 100 else 0
        if month > 12:  # "14/09/2013": day first (outside the US)
            month, day = day, month
    else:
        return ""
    try:
        return pd.Timestamp(year=year, month=month, day=day).date().isoformat()
    except ValueError:
        return ""


def _retoken(sentence: str) -> str:
    for rx, repl in _RETOKEN:
        sentence = rx.sub(repl, sentence)
    return sentence


def _is_headline(sentence: str) -> bool:
    """A headline is short and does not end like a body sentence."""
    tokens = sentence.split()
    return 0 < len(tokens) <= _TITLE_MAX_TOKENS and tokens[-1] not in (".", "?", "!", '."', "''")


def _domain(url_line: str) -> str:
    url = re.sub(r"\s+", "", url_line)
    host = re.sub(r"^https?:/*", "", url, flags=re.I).split("/")[0].lower()
    return host.removeprefix("www.") or url


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return re.sub(r"[^\S\n]+", " ", text).strip()
