"""Tests for checker.rules.titles: which headlines are title-cased, and their sentence-case form."""

from __future__ import annotations

import pytest

from checker.models.nlp import load_spacy
from checker.rules.titles import draft, is_title_case, sentence_case


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def _normalise(title: str, body: str, nlp) -> str:
    d = draft(title, body)
    return sentence_case(d, nlp(d.text))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Norland Agrees to Fishing Quotas", True),
        ("Minister: Norland Agrees to Fishing Quotas", True),
        ("NORLAND AGREES TO FISHING QUOTAS", True),
        ("Norland agrees to fishing quotas", False),  # sentence case already
        ("Anna Kowalczyk to lead Norland talks in Brussels", False),  # names, but "lead", "talks" are low
        ("Norland's 4th Graders Win Quota Essay Prize", True),  # "4th" is no lower-case word
        ("Pope To Quit", False),  # too few words to tell
        ("", False),
    ],
)
def test_title_case_is_recognised(title, expected):
    assert is_title_case(title) is expected


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        # the body writes the names capitalised mid-sentence and the common words in lower case
        (
            "Norland Agrees to Fishing Quotas",
            "Officials said Norland would accept the fishing quotas.",
            "Norland agrees to fishing quotas",
        ),
        # acronyms and mixed case stay; a name the body writes mid-sentence stays
        (
            "EU Backs Kowalczyk Plan on Fishing Quotas",
            "The plan drafted by Anna Kowalczyk was backed by ministers.",
            "EU backs Kowalczyk plan on fishing quotas",
        ),
        (
            "McAllister Says Harbour Fees Will Rise",
            "Port chief Dana McAllister said the harbour fees would rise.",
            "McAllister says harbour fees will rise",
        ),
        # the word after a colon starts a sentence; a run of capitals the body writes as a name stays
        (
            "Minister: Court Upholds Fishing Quota Act",
            "The court ruled on the Fishing Quota Act on Monday.",
            "Minister: Court upholds Fishing Quota Act",
        ),
        # all caps: the body's spelling where it has one
        (
            "NORLAND AGREES TO EU FISHING QUOTAS",
            "Officials in Norland said the EU quotas were fair to fishing towns.",
            "Norland agrees to EU fishing quotas",
        ),
        # weekdays keep their capital without any evidence
        (
            "Talks on Quotas Resume in Brussels on Monday",
            "Negotiators return to Brussels after a week of quota talks.",
            "Talks on quotas resume in Brussels on Monday",
        ),
    ],
)
def test_proper_nouns_keep_capitals_and_common_words_are_lowered(nlp, title, body, expected):
    assert _normalise(title, body, nlp) == expected


def test_without_body_evidence_the_parse_decides(nlp):
    # neither name is in the body: spaCy tags them PROPN / GPE in the lower-cased draft
    assert (
        _normalise("Poll Shows Kowalczyk Ahead in Gdansk", "", nlp) == "Poll shows Kowalczyk ahead in Gdansk"
    )


def test_body_lower_case_outvotes_the_title(nlp):
    # "Harbour" starts a sentence in the body (no evidence) but is lower case twice mid-sentence
    body = "Harbour fees rose. The harbour authority said the harbour was full."
    assert _normalise("Norland Raises Harbour Fees", body, nlp) == "Norland raises harbour fees"


def test_title_cased_lines_in_the_body_are_no_evidence(nlp):
    # a repeated headline or sub-heading would otherwise vouch for every capital in the title
    body = "Norland Agrees To Fishing Quotas\n\nThe fishing quotas were agreed by Norland on Monday."
    assert _normalise("Norland Agrees To Fishing Quotas", body, nlp) == "Norland agrees to fishing quotas"


@pytest.mark.parametrize(
    "title",
    ["Norland agrees to fishing quotas", "Will Norland sign the deal?", "Talks end in Brussels"],
)
def test_titles_not_in_title_case_are_left_as_written(title):
    d = draft(title, "Some body text about Norland.")
    assert d.text == title and not d.todo and sentence_case(d) == title


def test_the_sentence_case_text_keeps_the_title_length():
    title = "  Ministers Back Norland-EU Quota Deal, Say Officials  "
    d = draft(title, "Ministers in Norland backed the deal.")
    assert len(d.text) == len(sentence_case(d)) == len(title)
    assert sentence_case(d).lower() == title.lower()  # only capitals change
    assert sentence_case(d).startswith("  Ministers back Norland-EU")  # the first word keeps its capital
