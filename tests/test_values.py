"""checker.rules.values: where a value attaches in its sentence (anchor) and whose it is (holder)."""

from __future__ import annotations

import pytest

from checker.rules.values import anchor


@pytest.fixture(scope="module")
def nlp():
    from checker.models.nlp import load_spacy

    return load_spacy()


def _holder(nlp, text: str, value: str) -> dict:
    doc = nlp(text)
    start = text.index(value)
    return anchor([t for t in doc if start <= t.idx < start + len(value)])


@pytest.mark.parametrize(
    ("text", "value", "holder"),
    [
        # a named person in apposition holds the figure after their name, not the head of the list
        ("Kerr and his cousin Ivo Brandt, 24, were arrested in March.", "24", "Ivo Brandt"),
        ("Police arrested Mara Lind and her brother Tomas Lind, 19, on Friday.", "19", "Tomas Lind"),
        # the name a figure describes, however it is introduced
        ("Kerr, 20, faces a life sentence.", "20", "Kerr"),
        ("The 31-year-old Englishman Robert Buckley died in the fall.", "31-year-old", "Robert Buckley"),
    ],
)
def test_a_figure_belongs_to_the_person_it_describes(nlp, text, value, holder):
    assert _holder(nlp, text, value)["holder"] == holder


def test_a_time_of_day_is_no_quantity():
    # "(1100 GMT)" and "(1300 GMT)" are two clock times, not two figures of one thing
    from checker.rules.values import extract_values

    values = extract_values("Polls closed at 6 p.m. local time (1300 GMT) after 2,000 booths opened.")
    assert [v["text"] for v in values if v["kind"] == "number"] == ["2,000 booths"]
