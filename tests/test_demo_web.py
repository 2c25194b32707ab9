"""data/demo-web: its answer key (expected.json, EXPECTED.md) agrees with its articles after ingest.

No models: only checker.read_articles. Whether the checker finds what the key lists is tools/bench/demo.py's
job (``python -m tools.bench.demo OUT --corpus data/demo-web``); here a typo in the key or an edit to an
article that breaks the key fails fast.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import checker

CORPUS = Path(__file__).resolve().parents[1] / "data" / "demo-web"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
ENTRIES = EXPECTED["findings"] + EXPECTED["may_also_find"]


@pytest.fixture(scope="module")
def read():
    return checker.read_articles(CORPUS)


@pytest.fixture(scope="module")
def articles(read):
    return read[0]


def _where(articles, s: str) -> set[str]:
    """The sources whose cleaned text, title or removed furniture (a box, an FAQ) holds s."""
    return {
        a.source for a in articles.itertuples() if s in a.text or s in a.title or any(s in r for r in a.removed)
    }


def test_every_input_is_read_with_its_metadata(read):
    articles, skipped = read
    got = {a.source: a for a in articles.itertuples()}
    assert sorted(got) == sorted(i["source"] for i in EXPECTED["inputs"])
    for item in EXPECTED["inputs"]:
        art = got[item["source"]]
        assert Path(art.path.rsplit(":", 1)[0]).name == item["path"]
        assert (art.title, art.url, art.published) == (item["title"], item["url"], item["published"])
        assert art.language == "en"
    # the folder's README.md, EXPECTED.md and expected.json are left out, nothing else
    assert set(skipped["step"]) == {"ignored"}
    assert sorted(Path(p).name for p in skipped["input"]) == ["EXPECTED.md", "README.md", "expected.json"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['kind']}-{e['must_contain'][0]}")
def test_must_contain_is_in_the_named_outlets(articles, entry):
    sources = set(entry["articles"]) | set(entry["partners"])
    for s in entry["must_contain"]:
        assert _where(articles, s) & sources, f"{s!r} is in no article of {sorted(sources)}"
    # the first string is what the outlet under test says, and only it says so
    assert _where(articles, entry["must_contain"][0]) <= set(entry["articles"])


@pytest.mark.parametrize("pair", EXPECTED["agreeing_pairs"], ids=lambda p: p[0][:40])
def test_agreeing_pairs_name_two_outlets(articles, pair):
    a, b = (_where(articles, s) for s in pair)
    assert a and b, f"not in any article: {[s for s, w in zip(pair, (a, b), strict=True) if not w]}"
    assert any(x != y for x in a for y in b), f"both halves only in {a}: a pair needs two outlets"


def test_strings_to_drop_are_in_the_corpus():
    """Boilerplate and the sentences that must not become claims are in some raw file (else the checks
    are empty); whether ingest removes them or claim extraction drops them is the scorer's to judge."""
    raw = " ".join(
        html.unescape(p.read_text(encoding="utf-8"))
        for p in CORPUS.iterdir()
        if p.suffix in (".txt", ".md", ".html", ".jsonl") and p.stem not in ("README", "EXPECTED")
    )
    assert [s for s in EXPECTED["boilerplate_removed"] + EXPECTED["dropped_sentences"] if s not in raw] == []


def test_quoted_sentences_in_expected_md_are_in_the_articles(articles):
    quoted = re.findall(r'"([^"\n]+)"', (CORPUS / "EXPECTED.md").read_text(encoding="utf-8"))
    assert len(quoted) > 50
    assert [q for q in quoted if not _where(articles, q)] == []
