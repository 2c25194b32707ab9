"""Tests for checker.steps.ingest: every input kind, furniture cleaning, bad inputs, ids and frames."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from checker.config import IngestConfig
from checker.errors import InputError, SchemaError
from checker.schemas import ARTICLE_LANGUAGE, ARTICLES, SKIPPED
from checker.steps.formats import strip_cut_off
from checker.steps.ingest import _normalise_date, clean_text, read_articles

BODY = "The two presidents agreed on Friday to hold a summit in Anchorage next week, officials said."
OTHER = "The talks will focus on a ceasefire, according to a statement released by the White House."
RAISE = IngestConfig(on_error="raise")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def only(articles: pd.DataFrame) -> pd.Series:
    assert len(articles) == 1, articles
    return articles.iloc[0]


# --- clean_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Skip to content",
        "Skip to main content",
        "Read also: Leaders meet in Alaska",
        "Read more",
        "Related:",
        "Leave a Comment",
        "Leave a Reply",
        "Share this:",
        "Share on Facebook",
        "Share on X",
        "Subscribe to our newsletter",
        "Sign up for our morning briefing",
        "We use cookies to improve your experience. Accept?",
        "Accept all cookies",
        "Cookie policy",
        "ADVERTISEMENT",
        "Click here to read the full statement",
        "Follow us on Instagram",
        "All rights reserved.",
        "© 2025 Daily Planet Media",
        "(c) 2025 Daily Planet",
        "Comments",
        "12 Comments",
        "Posted in World, Politics",
        "Tags: alaska, summit",
        "Home | News | Sport | Weather",
        "Your email address will not be published. Required fields are marked *",
        "Print",
        "Email",
    ],
)
def test_clean_text_removes_furniture_lines(line: str) -> None:
    text, removed = clean_text(f"{BODY}\n\n{line}\n\n{OTHER}")
    assert text == f"{BODY}\n\n{OTHER}"
    assert removed == [line]


@pytest.mark.parametrize(
    "sentence",
    [
        "The regulator said websites that use cookies must ask visitors for consent first.",
        "Readers who subscribe to the newsletter will get the transcript, the paper said.",
        "Officials said they would share details of the agreement on Monday.",
        "Posted on social media, the video drew two million views within hours.",
        "Comments from the minister were read out in parliament on Tuesday.",
        "[Source 1]",
        "Note: This article is based on reports from several news agencies.",
        "Print media and email newsletters both reported the summit.",
    ],
)
def test_clean_text_keeps_real_sentences_and_residue(sentence: str) -> None:
    text, removed = clean_text(f"{BODY}\n{sentence}")
    assert text == f"{BODY}\n{sentence}"
    assert removed == []


def test_clean_text_normalises_whitespace_and_keeps_paragraphs() -> None:
    raw = (
        "  Cafe\u0301  talks\t\u00a0resume.\r\n\r\n\r\n\r\nSecond\u200b paragraph here. \nSame paragraph.\n\n"
    )
    text, removed = clean_text(raw)
    assert text == "Café talks resume.\n\nSecond paragraph here.\nSame paragraph."
    assert removed == []


def test_clean_text_returns_removed_lines_in_order() -> None:
    _, removed = clean_text(f"Skip to content\n{BODY}\nAdvertisement\n{OTHER}\nShare this:")
    assert removed == ["Skip to content", "Advertisement", "Share this:"]


def test_boxes_and_question_blocks_beside_the_story_are_not_its_text() -> None:
    # trivia and tip boxes (a heading and the paragraph under it, or one paragraph opening with the
    # heading) and a questions-and-answers block restate or digress; the story around them stays
    raw = (
        "The port reopened on Monday.\n\nFun facts\n\nThe harbour is the oldest on the coast.\n\n"
        "Cranes were repaired overnight.\n\nQuick tip: Arrive early to avoid queues.\n\n"
        "Questions and answers\n\nWhen did it reopen?\n\nOn Monday.\n\nWho paid?\n\nThe city.\n\n"
        "The mayor thanked the crews."
    )
    text, removed = clean_text(raw)
    story = ["The port reopened on Monday.", "Cranes were repaired overnight.", "The mayor thanked the crews."]
    assert text == "\n\n".join(story)
    assert removed == [
        "Fun facts", "The harbour is the oldest on the coast.", "Quick tip: Arrive early to avoid queues.",
        "Questions and answers", "When did it reopen?", "On Monday.", "Who paid?", "The city.",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "kept",
    [
        "Did you know the minister resigned? Officials said so on Friday.",  # a question in the story
        "Why did the talks fail?\n\nNegotiators disagreed on quotas.",  # no block heading above it
        "Trivia night at the club raised 3,000 euros for the lifeboat crew.",
    ],
)
def test_story_paragraphs_that_merely_resemble_a_box_are_kept(kept: str) -> None:
    assert clean_text(kept) == (kept, [])


# --- plain text and markdown ------------------------------------------------------------------


def test_txt_is_read_whole_with_stem_as_source(tmp_path: Path) -> None:
    path = write(tmp_path, "planet.txt", f"Summit agreed\n\n{BODY}\nSkip to content\n")
    articles, skipped = read_articles(path)
    row = only(articles)
    assert list(articles.columns) == [*ARTICLES, ARTICLE_LANGUAGE]
    assert row["text"] == f"Summit agreed\n\n{BODY}"
    assert row["title"] == "" and row["source"] == "planet" and row["path"] == str(path)
    assert row["removed"] == ["Skip to content"]
    assert skipped.empty and list(skipped.columns) == SKIPPED


@pytest.mark.parametrize(
    "header",
    [
        "Title: Summit agreed\nSource: Daily Planet\nURL: https://dp.example/s\n"
        "Date: 10 August 2025\nid: dp-1\n\n",
        "---\ntitle: Summit agreed\nsource: Daily Planet\nurl: https://dp.example/s\n"
        "published: 2025-08-10\nid: dp-1\n---\n",
    ],
    ids=["blank-line", "fenced"],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_front_matter_gives_metadata(tmp_path: Path, header: str, suffix: str) -> None:
    row = only(read_articles(write(tmp_path, "a" + suffix, header + BODY))[0])
    assert row["text"] == BODY
    assert (row["title"], row["source"], row["url"]) == (
        "Summit agreed",
        "Daily Planet",
        "https://dp.example/s",
    )
    assert (row["published"], row["article_id"]) == ("2025-08-10", "dp-1")


@pytest.mark.parametrize(
    "start",
    ["Date: Monday was busy for the delegations.\n", "Title: x\nnot a key line\n\n", "---\ntitle: x\n"],
)
def test_text_without_valid_front_matter_is_read_whole(tmp_path: Path, start: str) -> None:
    row = only(read_articles(write(tmp_path, "a.txt", start + BODY))[0])
    assert row["text"].startswith(start.split("\n")[0]) and row["title"] == ""


def test_markdown_markup_is_dropped_and_heading_is_title(tmp_path: Path) -> None:
    md = (
        "# Leaders **agree** to meet\n\n"
        "The two presidents *agreed* on Friday to hold a [summit](https://x.example/s) in Anchorage.\n\n"
        "## Next steps\n\n"
        "> The talks will focus on a `ceasefire`, officials said.\n"
        "- Aides met on __Saturday__ ![map](m.png)\n\n---\n\nThe file snake_case_name stays."
    )
    row = only(read_articles(write(tmp_path, "story.md", md))[0])
    assert row["title"] == "Leaders agree to meet"
    assert row["text"] == (
        "The two presidents agreed on Friday to hold a summit in Anchorage.\n\n"
        "Next steps\n\n"
        "The talks will focus on a ceasefire, officials said.\n"
        "Aides met on Saturday\n\nThe file snake_case_name stays."
    )


# --- HTML -------------------------------------------------------------------------------------

PAGE = f"""<html><head><title>Leaders agree to meet | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet"><meta property="og:url" content="https://dp.example/s">
<meta property="og:title" content="Leaders agree to meet"><meta name="date" content="2025-08-10"></head>
<body><header><a href="/">Home</a> | <a href="/n">News</a></header><nav>Skip to content</nav>
<article><h1>Leaders agree to meet</h1><p>{BODY}</p><p>{OTHER}</p><p>Share this:</p></article>
<footer>All rights reserved</footer><script>var tracking = 1;</script></body></html>"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    row = only(read_articles(write(tmp_path, "page.html", PAGE))[0])
    assert row["text"] == f"{BODY}\n\n{OTHER}"
    assert (row["title"], row["url"], row["published"], row["source"]) == (
        "Leaders agree to meet",
        "https://dp.example/s",
        "2025-08-10",
        "Daily Planet",
    )
    assert row["removed"] == ["Share this:"]


def test_html_falls_back_to_lxml_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    row = only(read_articles(write(tmp_path, "page.htm", PAGE))[0])
    assert row["text"] == f"{BODY}\n\n{OTHER}"  # the h1 equals the title, so it is not repeated
    assert "tracking" not in row["text"] and "Home" not in row["text"]
    assert row["removed"] == ["Share this:"]
    assert row["source"] == "Daily Planet"


# --- JSONL and CSV ----------------------------------------------------------------------------


def test_jsonl_rows_fields_and_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": BODY, "title": "T1", "source": "Wire", "url": "u1", "published": "Aug 10, 2025"}),
        "",
        json.dumps({"body": OTHER, "article_id": 7, "date": "last week"}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"title": "no text here"}),
    ]
    path = write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    articles, skipped = read_articles(path)
    assert articles["path"].tolist() == [f"{path}:1", f"{path}:3"]
    first, second = articles.iloc[0], articles.iloc[1]
    assert (first["title"], first["source"], first["url"], first["published"]) == (
        "T1",
        "Wire",
        "u1",
        "2025-08-10",
    )
    assert (second["text"], second["article_id"], second["published"], second["source"]) == (
        OTHER,
        "7",
        "last week",
        "",
    )
    assert skipped["line"].tolist() == [4, 5, 6]
    assert set(skipped["input"]) == {str(path)} and set(skipped["step"]) == {"ingest"}
    assert "not valid JSON" in skipped["error"].iloc[0]
    assert "no 'text'" in skipped["error"].iloc[2] and "title" in skipped["error"].iloc[2]


def test_csv_rows_use_file_line_numbers(tmp_path: Path) -> None:
    content = (
        f'id,Title,content,extra\n1,First,"{BODY}\nsecond line",x\n\n2,Second,{OTHER.replace(",", "")},y\n'
    )
    path = write(tmp_path, "items.csv", content)
    articles, skipped = read_articles(path)
    assert skipped.empty
    assert articles["path"].tolist() == [f"{path}:2", f"{path}:5"]
    assert articles["article_id"].tolist() == ["1", "2"]
    assert articles["title"].tolist() == ["First", "Second"]
    assert articles["text"].iloc[0] == f"{BODY}\nsecond line"


def test_csv_without_text_column_is_skipped_whole(tmp_path: Path) -> None:
    bad = write(tmp_path, "a_bad.csv", f"title,summary\nT,{BODY.replace(',', '')}\n")
    good = write(tmp_path, "b_good.txt", BODY)
    articles, skipped = read_articles(tmp_path)
    assert articles["path"].tolist() == [str(good)]
    row = skipped.iloc[0]
    assert row["input"] == str(bad) and row["line"] == 1
    assert "['title', 'summary']" in row["error"] and "'text'" in row["error"]


def test_csv_row_with_too_many_fields_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", f"text,title\n{BODY.replace(',', '')},T\n{OTHER},T\n")
    articles, skipped = read_articles(path)
    assert len(articles) == 1
    assert skipped[["input", "line"]].values.tolist() == [[str(path), 3]]


# --- folders and bad inputs -------------------------------------------------------------------


def test_folder_is_read_recursively_in_path_order(tmp_path: Path) -> None:
    write(tmp_path, "b/z.txt", BODY)
    write(tmp_path, "a.md", OTHER)
    write(tmp_path, "b/a/y.txt", BODY + " Later.")
    write(tmp_path, "notes.pdf", b"%PDF-1.4")
    write(tmp_path, ".hidden/h.txt", BODY + " Hidden.")
    articles, skipped = read_articles(tmp_path)
    expected = [tmp_path / "a.md", tmp_path / "b/a/y.txt", tmp_path / "b/z.txt"]
    assert articles["path"].tolist() == [str(p) for p in expected]
    assert skipped[["input", "step"]].values.tolist() == [[str(tmp_path / "notes.pdf"), "ignored"]]


BAD_FILES = {
    "empty": ("empty.txt", b""),
    "blank": ("blank.md", b" \n\n \n"),
    "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + BODY.encode()),
    # a UTF-16 mark, then a lone surrogate
    "bad utf-16": ("mangled.txt", b"\xff\xfe" + BODY.encode("utf-16-le") + b"\x00\xd8a\x00"),
    "too short": ("short.txt", b"Skip to content\n\nToo short."),
    "unsupported": ("report.pdf", b"%PDF-1.4 " + BODY.encode()),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_is_skipped_and_batch_continues(tmp_path: Path, case: str, caplog) -> None:
    name, data = BAD_FILES[case]
    bad = write(tmp_path, name, data)
    good = write(tmp_path, "good.txt", BODY)
    with caplog.at_level(logging.WARNING, logger="checker.steps.ingest"):
        articles, skipped = read_articles([bad, good])
    assert articles["path"].tolist() == [str(good)]
    assert skipped.to_dict("records") == [
        {"input": str(bad), "line": None, "step": "ingest", "error": skipped["error"].iloc[0]}
    ]
    assert "; " in skipped["error"].iloc[0]  # says what was wrong and what to do
    assert str(bad) in caplog.text


def test_missing_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="does not exist; check the spelling") as info:
        read_articles([write(tmp_path, "good.txt", BODY), missing])  # on_error="skip" too: a usage error
    assert info.value.source == str(missing)


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_on_error_raise_names_the_file(tmp_path: Path, case: str) -> None:
    name, data = BAD_FILES[case]
    bad = write(tmp_path, name, data)
    with pytest.raises(InputError, match=name) as info:
        read_articles([write(tmp_path, "good.txt", BODY), bad], config=RAISE)
    assert info.value.source == str(bad)


def test_on_error_raise_names_the_jsonl_line(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.jsonl", json.dumps({"text": BODY}) + "\n{oops\n")
    with pytest.raises(InputError, match=r"feed\.jsonl, line 2") as info:
        read_articles(path, config=RAISE)
    assert info.value.line == 2


def test_min_chars_and_max_bytes_come_from_config(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Short but enough.")
    assert len(read_articles(path, config=IngestConfig(min_chars=10))[0]) == 1
    _, skipped = read_articles(path, config=IngestConfig(max_bytes=5))
    assert "max_bytes" in skipped["error"].iloc[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café talks resumed in Zürich on Friday, officials said.".encode("cp1252"), "Café"),
        (b"\xef\xbb\xbf" + "Café talks resumed on Friday, officials said.".encode(), "Café"),
        ("Café talks resumed on Friday, officials said.".encode("utf-16"), "Café"),
    ],
    ids=["cp1252", "utf-8-bom", "utf-16"],
)
def test_decoding_fallbacks(tmp_path: Path, data: bytes, expected: str) -> None:
    row = only(read_articles(write(tmp_path, "a.txt", data))[0])
    assert row["text"].startswith(expected)


# --- ids and duplicates -----------------------------------------------------------------------


def test_ids_are_stable_and_given_ids_are_kept(tmp_path: Path) -> None:
    one = only(read_articles(write(tmp_path, "one/a.txt", BODY))[0])["article_id"]
    two = only(read_articles(write(tmp_path, "two/b.txt", f"  {BODY}\n\nShare this:\n"))[0])["article_id"]
    other = only(read_articles(write(tmp_path, "c.txt", OTHER))[0])["article_id"]
    assert one == two != other
    assert one.startswith("a") and len(one) == 13
    given = read_articles(pd.DataFrame({"text": [BODY], "id": ["wire-42"]}))[0]
    assert given["article_id"].tolist() == ["wire-42"]


def test_duplicates_keep_the_first(tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", BODY)
    second = write(tmp_path, "b.txt", BODY + "\n\nAdvertisement")
    articles, skipped = read_articles(tmp_path, config=RAISE)  # duplicates never raise
    assert articles["path"].tolist() == [str(first)]
    assert skipped["input"].tolist() == [str(second)]
    assert "duplicate" in skipped["error"].iloc[0] and str(first) in skipped["error"].iloc[0]


def test_same_file_given_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", BODY)
    articles, skipped = read_articles([path, path])
    assert len(articles) == 1 and skipped["input"].tolist() == [str(path)]


# --- DataFrame input --------------------------------------------------------------------------


def test_frame_passes_extra_columns_and_is_not_mutated() -> None:
    frame = pd.DataFrame(
        {
            "lang": ["en", "en", "de"],
            "text": [BODY, None, OTHER],
            "title": ["T", "U", None],
            "score": [1, 2, 3],
        },
        index=[10, 11, 12],
    )
    before = frame.copy(deep=True)
    articles, skipped = read_articles(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(articles.columns) == [*ARTICLES, ARTICLE_LANGUAGE, "lang", "score"]
    assert articles["lang"].tolist() == ["en", "de"] and articles["score"].tolist() == [1, 3]
    assert articles["title"].tolist() == ["T", ""] and articles["source"].tolist() == ["", ""]
    assert skipped[["input", "line"]].values.tolist() == [["<DataFrame>", 11]]
    assert list(articles.index) == [0, 1]


@pytest.mark.parametrize("columns", [["title"], ["headline", "summary"], []])
def test_frame_without_text_raises_schema_error(columns: list[str]) -> None:
    with pytest.raises(SchemaError, match="text"):
        read_articles(pd.DataFrame({c: ["x"] for c in columns}))


def test_frame_and_files_mix_in_one_call(tmp_path: Path) -> None:
    articles, _ = read_articles(
        [pd.DataFrame({"body": [BODY], "tag": ["t"]}), write(tmp_path, "b.txt", OTHER)]
    )
    assert articles["text"].tolist() == [BODY, OTHER]
    assert articles["tag"].iloc[0] == "t" and pd.isna(articles["tag"].iloc[1])


def test_no_articles_gives_empty_frames_with_columns(tmp_path: Path) -> None:
    articles, skipped = read_articles([])
    assert articles.empty and list(articles.columns) == [*ARTICLES, ARTICLE_LANGUAGE]
    assert skipped.empty and list(skipped.columns) == SKIPPED


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-08-10", "2025-08-10"),
        ("2025-08-10T23:30:00-05:00", "2025-08-10"),
        ("10 August 2025", "2025-08-10"),
        ("Tue, 12 Aug 2025 08:00:00 GMT", "2025-08-12"),
        ("13/04/2025", "2025-04-13"),
        ("03/04/2025", "03/04/2025"),  # day-first or month-first: not guessed
        ("March 2025", "March 2025"),  # no day: not invented
        ("last Tuesday", "last Tuesday"),
        ("99999", "99999"),
        ("2025-02-30", "2025-02-30"),
        ("", ""),
    ],
)
def test_published_is_normalised_only_when_unambiguous(value: str, expected: str) -> None:
    assert _normalise_date(value) == expected


# --- issue #15: what users actually feed it ----------------------------------------------------

GERMAN = (
    "Die beiden Präsidenten einigten sich am Freitag darauf, nächste Woche in Anchorage einen Gipfel "
    "abzuhalten, sagten Beamte. Die Gespräche sollen sich auf einen Waffenstillstand konzentrieren."
)
RUSSIAN = (
    "Президенты двух стран в пятницу договорились провести саммит в Анкоридже на следующей неделе, "
    "сообщили официальные лица. Россия отвергла предложение о перемирии."
)
FRENCH = (
    "Les deux présidents ont convenu vendredi d'organiser un sommet à Anchorage la semaine prochaine, "
    "ont indiqué des responsables. Les discussions porteront sur un cessez-le-feu."
)


def test_agency_named_files_are_read_and_only_repository_files_ignored(tmp_path: Path, caplog) -> None:
    for name, text in [("AP.txt", BODY), ("BBC.md", OTHER), ("AFP.html", f"<p>{BODY} Later.</p>")]:
        write(tmp_path, name, text)
    ignored = ["README.md", "LICENSE", "sub/EXPECTED.md", "changelog.txt", "CONTRIBUTING.md", "notes.pdf"]
    for name in ignored:
        write(tmp_path, name, BODY + " " + name)
    with caplog.at_level(logging.WARNING):
        articles, skipped = read_articles(tmp_path)
    assert sorted(articles["source"]) == ["AFP", "AP", "BBC"]
    expected = sorted(str(tmp_path / n) for n in ignored)
    assert skipped[["input", "step"]].values.tolist() == [[p, "ignored"] for p in expected]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert all(any(p in w for w in warnings) for p in expected)


@pytest.mark.parametrize("content", [[], ["README.md"], [".hidden.txt"]], ids=["empty", "readme", "hidden"])
def test_folder_without_articles_is_an_input_error_naming_it(tmp_path: Path, content: list[str]) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    for name in content:
        write(folder, name, BODY)
    with pytest.raises(InputError, match="no article files.*add articles") as info:
        read_articles(folder)
    assert info.value.source == str(folder)


def test_utf8_with_a_stray_byte_stays_utf8_and_the_warning_names_file_line_and_byte(
    tmp_path: Path, caplog
) -> None:
    data = f"Talks resumed in Zürich on Friday.\n{BODY}".encode() + b" \xff" + " More from Zürich.\n".encode()
    path = write(tmp_path, "stray.txt", data)
    with caplog.at_level(logging.WARNING):
        row = only(read_articles(path)[0])
    assert "Zürich" in row["text"] and "Ã" not in row["text"] and "\ufffd" in row["text"]
    offset = data.index(b"\xff")
    assert f"{path}: 1 byte(s) are not valid UTF-8 (line 2 byte {offset})" in caplog.text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café talks resumed in Zürich on Friday, officials said. It wasn’t clear when.", "cp1252"),
        (RUSSIAN, "cp1251"),
    ],
)
def test_legacy_encoding_is_detected_and_named_in_a_warning(
    tmp_path: Path, caplog, text: str, encoding: str
) -> None:
    path = write(tmp_path, "legacy.txt", text.encode(encoding))
    with caplog.at_level(logging.WARNING):
        row = only(read_articles(path, config=IngestConfig(language=""))[0])
    assert row["text"] == text
    assert str(path) in caplog.text and f"decoded as {encoding}" in caplog.text


def test_stray_undefined_bytes_in_ascii_text_are_replaced(tmp_path: Path) -> None:
    row = only(read_articles(write(tmp_path, "a.txt", BODY.encode() + b" \x81\x8d\x90\x9d"))[0])
    assert row["text"].startswith(BODY) and row["text"].endswith("\ufffd" * 4)


def test_article_over_max_article_chars_is_skipped_naming_size_limit_and_key(tmp_path: Path) -> None:
    long = " ".join([BODY] * 30)
    path = write(tmp_path, "feed.jsonl", "\n".join(json.dumps({"text": t}) for t in [long, OTHER]))
    articles, skipped = read_articles(path, config=IngestConfig(max_article_chars=1000))
    assert articles["text"].tolist() == [OTHER]
    row = skipped.to_dict("records")[0]
    assert (row["line"], row["step"]) == (1, "ingest")
    assert f"{len(long):,} characters" in row["error"] and "1,000" in row["error"]
    assert "[ingest] max_article_chars" in row["error"]


def test_over_long_jsonl_line_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    rows = [{"text": "x" * 50_000}, {"text": BODY}]
    path = write(tmp_path, "feed.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    articles, skipped = read_articles(path, config=IngestConfig(max_article_chars=1000))
    assert articles["text"].tolist() == [BODY]
    assert skipped["line"].tolist() == [1] and "max_article_chars" in skipped["error"].iloc[0]


def test_max_bytes_message_names_the_limit_and_the_key(tmp_path: Path) -> None:
    _, skipped = read_articles(write(tmp_path, "a.txt", BODY), config=IngestConfig(max_bytes=50))
    error = skipped["error"].iloc[0]
    assert f"{len(BODY)} bytes" in error and "limit of 50" in error and "[ingest] max_bytes" in error


def test_jsonl_larger_than_max_bytes_is_read_row_by_row(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"r{i}", "text": f"{BODY} Row {i}."}) for i in range(400)]
    path = write(tmp_path, "feed.jsonl", "\n".join(lines))
    articles, skipped = read_articles(path, config=IngestConfig(max_bytes=10_000))
    assert len(articles) == 400 and skipped.empty


def test_other_languages_are_skipped_and_counted_in_one_warning(caplog) -> None:
    frame = pd.DataFrame({"text": [BODY + " " + OTHER, GERMAN, RUSSIAN, FRENCH]})
    with caplog.at_level(logging.WARNING, logger="checker.steps.ingest"):
        articles, skipped = read_articles(frame)
    assert articles["language"].tolist() == ["en"]
    assert skipped[["line", "step"]].values.tolist() == [[1, "language"], [2, "language"], [3, "language"]]
    [warning] = [r.getMessage() for r in caplog.records if "not in 'en'" in r.getMessage()]
    assert "3 article(s)" in warning and "de: 1" in warning and "<DataFrame> line 2" in warning


def test_language_is_kept_when_given_or_when_every_language_is_wanted() -> None:
    frame = pd.DataFrame({"text": [GERMAN, RUSSIAN], "language": ["en", ""]})
    articles, _ = read_articles(frame, config=IngestConfig(language=""))
    assert articles["language"].tolist() == ["en", "ru"]
    assert list(articles.columns) == [*ARTICLES, ARTICLE_LANGUAGE]


def test_short_text_counts_as_english() -> None:
    frame = pd.DataFrame({"text": ["Gipfel in Alaska geplant, sagte der Sprecher."]})
    articles, skipped = read_articles(frame)
    assert articles["language"].tolist() == ["en"] and skipped.empty


def test_jsonl_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.jsonl", json.dumps({"text": BODY}) + '\n{"text": "x",, "id": 1}\n')
    _, skipped = read_articles(path)
    assert skipped["line"].tolist() == [2]
    assert "column 14" in skipped["error"].iloc[0]


def test_published_datetimes_come_back_as_iso_date_text() -> None:
    stamps = pd.to_datetime(["2025-08-10 23:30", None, "2025-08-12 00:00"])
    frame = pd.DataFrame({"text": [BODY, OTHER, BODY + " Later."], "published": stamps})
    articles, _ = read_articles(frame)
    assert articles["published"].tolist() == ["2025-08-10", "", "2025-08-12"]


def test_skipped_inputs_are_one_warning_with_count_and_first_inputs(tmp_path: Path, caplog) -> None:
    bad = [write(tmp_path, f"empty{i}.txt", "") for i in range(7)]
    with caplog.at_level(logging.WARNING, logger="checker.steps.ingest"):
        read_articles([*bad, write(tmp_path, "good.txt", BODY)])
    [summary] = [r.getMessage() for r in caplog.records if r.name == "checker.steps.ingest"]
    assert "read 1 article(s), left out 7 input(s) (ingest: 7)" in summary
    assert str(bad[0]) in summary and "and 2 more" in summary


def test_newsapi_rows_give_source_name_date_and_no_cut_off_fragment(tmp_path: Path) -> None:
    rows = [
        {
            "source": {"id": "northern-wire", "name": "Northern Wire"},
            "title": "Harbour Bank hit with record fine",
            "description": "Regulators said the bank ignored warnings.",
            "url": "https://northernwire.example/fine",
            "urlToImage": "https://northernwire.example/fine.jpg",
            "publishedAt": "2026-11-24T11:40:00Z",
            "content": f"{BODY} The financial regulator fined Harbour Bank 12… [+2140 chars]",
        },
        {"source": {"id": None, "name": "Gazette"}, "description": OTHER, "content": None},
    ]
    path = write(tmp_path, "newsapi.jsonl", "\n".join(json.dumps(r) for r in rows))
    articles, skipped = read_articles(path)
    first, second = articles.to_dict("records")
    assert (first["source"], first["published"], first["url"]) == (
        "Northern Wire",
        "2026-11-24",
        "https://northernwire.example/fine",
    )
    assert first["text"] == BODY
    assert first["removed"] == ["The financial regulator fined Harbour Bank 12… [+2140 chars]"]
    assert (second["source"], second["text"]) == ("Gazette", OTHER) and skipped.empty


@pytest.mark.parametrize("column", ["source.name", "source_name", "Source.Name"])
def test_a_flattened_feed_gives_the_outlet_from_its_source_name_column(tmp_path: Path, column: str) -> None:
    frame = pd.DataFrame({column: ["Northern Wire"], "source.id": ["northern-wire"], "content": [BODY]})
    frame.to_csv(tmp_path / "feed.csv", index=False)
    articles, _ = read_articles(tmp_path / "feed.csv")
    assert only(articles)["source"] == "Northern Wire"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("One. Two is cut... [+20 chars]", "One."),
        ("One. Two is whole. [+20 chars]", "One. Two is whole."),
        ("Cut from the start… [+9 chars]", ""),
        ("No marker here… at all.", "No marker here… at all."),
    ],
)
def test_strip_cut_off(text: str, kept: str) -> None:
    assert strip_cut_off(text)[0] == kept


def test_normalised_duplicates_name_the_new_copy_and_the_kept_one(tmp_path: Path) -> None:
    quoted = "“The summit is on,” officials said in Anchorage on Friday, citing the White House."
    first = write(tmp_path, "a.txt", quoted)
    copy = '"the SUMMIT is on,"  officials said in\nAnchorage on Friday, citing the White House.'
    feed = write(tmp_path, "b.jsonl", "\n".join(json.dumps({"text": t}) for t in [OTHER, copy]))
    articles, skipped = read_articles([first, feed, first], config=RAISE)  # duplicates never raise
    assert articles["path"].tolist() == [str(first), f"{feed}:1"]
    assert skipped[["input", "line", "step"]].values.tolist() == [
        [str(feed), 2, "duplicate"],
        [str(first), None, "duplicate"],
    ]
    assert f"{feed} line 2 repeats the text" in skipped["error"].iloc[0]
    assert f"kept {first}" in skipped["error"].iloc[0]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("- Around 600 nurses joined the walkout on Monday.", "Around 600 nurses joined the walkout on Monday."),
        ("• The ministry closed two border crossings.", "The ministry closed two border crossings."),
        ("3. Voting ends at 8 pm.", "Voting ends at 8 pm."),
        ("-5 degrees was the lowest reading of the night.", "-5 degrees was the lowest reading of the night."),
        ("2025 was the wettest year on record.", "2025 was the wettest year on record."),
    ],
)
def test_list_markers_are_layout_not_claim_words(line, kept):
    assert clean_text(f"The storm hit the coast on Sunday.\n\n{line}")[0].endswith(kept)


@pytest.mark.parametrize(
    "teaser",
    [
        "Also read: Bridge collapse in Tarn kills three",
        "ALSO READ | Ministers meet over grain deal",
        "Read also: Central bank holds rates",
        "You may also like: Ten cheap flights this winter",
        "Related coverage: Port strike enters third week",
    ],
)
def test_inline_teasers_for_other_stories_are_page_furniture(teaser):
    text, removed = clean_text(f"The storm hit the coast on Sunday.\n\n{teaser}\n\nPower was cut to 4,000 homes.")
    assert removed == [teaser] and "Power was cut" in text and teaser not in text
