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
        # the subject of a relative clause is the noun the clause describes, not "who"
        ("Ines Varga, who opened her bakery in 2019 with 3 ovens, sold it.", "3 ovens", "Ines Varga"),
    ],
)
def test_a_figure_belongs_to_the_person_it_describes(nlp, text, value, holder):
    assert _holder(nlp, text, value)["holder"] == holder


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Late Monday night, the ferry ran aground off Varnholm.", "Monday"),
        ("The ferry ran aground early on Tuesday morning near Varnholm.", "Tuesday"),
    ],
)
def test_a_day_inside_a_part_of_the_day_attaches_to_the_verb(nlp, text, value):
    found = _holder(nlp, text, value)
    assert (found["anchor"], found["holder"]) == ("run", "ferry")


def test_a_time_of_day_is_no_quantity():
    # "(1100 GMT)" and "(1300 GMT)" are two clock times, not two figures of one thing
    from checker.rules.values import extract_values

    values = extract_values("Polls closed at 6 p.m. local time (1300 GMT) after 2,000 booths opened.")
    assert [v["text"] for v in values if v["kind"] == "number"] == ["2,000 booths"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The ferry left at 6:45 a.m. and docked at 0910 GMT.", [("time", "6:45 a.m.", "06:45"),
                                                                   ("time", "0910 GMT", "09:10 gmt")]),
        ("Gates opened at 9 p.m. local time.", [("time", "9 p.m. local time", "21:00 local time")]),
        ("She scored with 12:04 remaining.", [("number", "12:04 remaining", "12:04 time left")]),
        ("He scored with nine minutes and 5 seconds to go.", [("number", "nine minutes and 5 seconds to go",
                                                               "9:05 time left")]),
        ("The fight was waved off 38 seconds into the third round.", [("number", "38 seconds into",
                                                                        "0:38 time elapsed")]),
        ("The kick came with 6:00 minutes remaining.", [("number", "6:00 minutes remaining", "6:00 time left")]),
        # a rough clock is no reading to compare: "just under five minutes" is a duration
        ("He scored with just under five minutes left.", [("number", "under five minutes", "0-5 minute")]),
        # a month's abbreviation at the start of a longer word is no date
        ("The referee stopped it at the 1:15 mark, two decades on.", [("number", "1:15 mark", "1:15 time elapsed"),
                                                                       ("number", "two decades", "2 decade")]),
        # no clock: a ratio, a score, a duration, tonnes ("MT"), a lower-case "et"
        ("The vote split 7:2 and the race took 12 minutes.", [("number", "12 minutes", "12 minute")]),
        ("The port loaded 3200 MT of barley.", [("number", "3200", "3,200")]),
        ("Talks resumed at 4 pm et seq.", [("time", "4 pm", "16:00")]),
    ],
)  # fmt: skip
def test_clock_readings_are_times_of_day_or_game_clocks(text, found):
    from checker.rules.values import extract_values

    assert [(v["kind"], v["text"], v["key"]) for v in extract_values(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # money: a currency symbol or noun is the unit, a glued "m" / "bn" the scale
        ("The storm did more than $4 million in damage.", [(">=4,000,000 USD")]),
        ("The club paid £1.5bn for the ground, and €12m for the roof.", ["1,500,000,000 GBP", "12,000,000 EUR"]),
        ("The fine was 30 million euros.", ["30,000,000 EUR"]),
        ("Smuggling earns up to £1.4million a day for a $3-billion network.", ["0-1,400,000 GBP", "3,000,000,000 USD"]),
        ("It will cost between $20 and $25 million.", ["20,000,000-25,000,000 USD"]),
        # a unit pint knows by another meaning is still the counted noun
        ("Okafor scored 31 points and 6 rebounds.", ["31 point", "6 rebound"]),
        # a quake's magnitude however it is written
        ("A magnitude-5.8 quake hit the coast.", ["5.8 magnitude"]),
        ("A 5.8-magnitude quake hit the coast.", ["5.8 magnitude"]),
        ("The quake measured 5.8 on the Richter scale.", ["5.8 magnitude"]),
        # a dozen keeps its bound and its noun; "three dozen" is 36
        ("At least a dozen homes burned, and three dozen cars.", [">=12 home", "36 car"]),
        # a glued "m" without a currency is still metres; "5k" alone is not read
        ("He fell 9m and later ran a 5k.", ["0.005592 mile"]),
        # tens and units in words, with a hyphen or a space
        ("Thirty-four miners and forty two guards were trapped.", ["34 miner", "42 guard"]),
        # a term in years is a figure; years that tell an age or a date by distance are not a term
        ("She got 12 years in prison, and a 3-year ban.", ["12 year", "3 year"]),
        ("Two years ago the 40 years old pilot flew.", ["40 age"]),
        # "a hundred" keeps its bound, as "a dozen" does
        ("She ran more than a hundred yards.", [">=0.05682 mile"]),
        # a win-loss record or a score is no range; a range of something counted or measured is
        ("The 2-13 Hawks, after a 9-14 start, lost 3-2.", []),
        ("Some 20-25 people walked 6-8 km.", ["20-25 people", "3.728-4.971 mile"]),
    ],
)  # fmt: skip
def test_money_counted_nouns_and_magnitudes(text, found):
    from checker.rules.values import extract_values

    assert [v["key"] for v in extract_values(text) if v["kind"] == "number"] == found


def test_a_part_of_a_whole_counts_the_whole_s_noun():
    from checker.rules.values import extract_values

    values = [v for v in extract_values("She missed 4 of the club's 12 games and two of her three finals.")
              if v["kind"] == "number"]  # fmt: skip
    assert [(v["text"], v["unit"], bool(v.get("whole"))) for v in values] == [
        ("4", "game", False), ("12 games", "game", True), ("two", "final", False), ("three finals", "final", True)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "key"),
    [
        ("The plant opened in March 2019.", "", "2019-03"),
        ("The plant opened in March.", "2020-06-02", "2020-03"),  # the latest March not after the article
        ("The plant opened in October.", "2020-06-02", "2019-10"),
        ("The plant opened in October.", "", "october"),  # no year known: the month alone
        ("Ships may sail in spring.", "", None),  # the verb "may" is no month
        ("The plant opened on March 3, 2019.", "", "2019-03-03"),  # a day, not a month
    ],
)
def test_a_month_without_a_day_is_a_window(text, published, key):
    from checker.rules.values import extract_values

    dates = [v for v in extract_values(text, published=published) if v["kind"] == "date"]
    assert [v["key"] for v in dates] == ([key] if key else [])


@pytest.mark.parametrize(
    ("text", "value", "ids"),
    [
        ("The national wheat quota for 2027 was set at 9 million tonnes.", "9 million tonnes", ["2027"]),
        ("The Danube ferry's fare rose to 12 euros.", "12 euros", ["danube"]),
        ("A climber fell 150 m.", "150 m", None),  # indefinite: no description
        ("The two sides freed 150 prisoners.", "150 prisoners", []),  # "two" in words singles out nothing
        ("Ines Varga sold 40 loaves.", "40 loaves", None),  # a name identifies by itself
    ],
)
def test_a_definite_holder_keeps_the_words_that_single_it_out(nlp, text, value, ids):
    assert _holder(nlp, text, value).get("holder_ids") == ids


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # a relative clause stands for its noun; the clause around the sentence is left out
        ("Three weeks ago Ines Varga, who opened a bakery in Dorn in May, sold her cafe.", "in May",
         "Ines Varga opened a bakery in Dorn in May"),
        # a second verb borrows the first one's subject
        ("The storm flooded the port and cut power to 4,000 homes on Monday.", "4,000 homes",
         "The storm cut power to 4,000 homes on Monday"),
        # a claim of one clause is its own clause
        ("The storm cut power to 4,000 homes.", "4,000 homes", None),
    ],
)  # fmt: skip
def test_a_value_s_clause_is_a_short_claim_of_its_own(nlp, text, value, expected):
    from checker.rules.values import clause

    doc = nlp(text)
    start = text.index(value)
    found = clause([t for t in doc if start <= t.idx < start + len(value)])
    assert found.get("clause") == expected
    if expected:
        assert found["clause"][found["clause_at"] :].startswith(value)


@pytest.mark.parametrize(
    "text, value",
    [
        ("To make the point, Ines Varga said, the storm cut power to 4,000 homes.", "Ines Varga"),  # a speaker
        ("The storm hit the coast and flooded 12 shops.", "12 shops"),  # "flooded 12 shops": too few words
    ],
)
def test_a_clause_too_thin_to_state_a_fact_is_not_cut(nlp, text, value):
    from checker.rules.values import clause

    doc = nlp(text)
    start = text.index(value)
    assert clause([t for t in doc if start <= t.idx < start + len(value)]) == {}


@pytest.mark.parametrize(
    ("text", "person", "found"),
    [
        # an age set off by commas after a person's name, or after "aged"
        ("Ines Morel, 41, of Varne, was arrested.", "Ines Morel", ["41 age"]),
        ("Ines Morel, 41.", "Ines Morel", ["41 age"]),
        ("A nurse aged 41 was arrested.", "", ["41 age"]),
        # a figure after a name that is no age: a count, a list, a figure after a thing
        ("Ines Morel, 41 others and the mayor left.", "Ines Morel", ["41"]),  # "others" counts nothing
        ("Rooms of Ines Morel, 4, 5 and 6, were searched.", "Ines Morel", ["4", "5-6"]),
        ("The bridge, 41, was closed.", "", ["41"]),
    ],
)  # fmt: skip
def test_a_persons_age_is_read_however_news_writes_it(text, person, found):
    from checker.rules.values import extract_values

    entities = [("PERSON", text.index(person), text.index(person) + len(person))] if person else []
    assert [v["key"] for v in extract_values(text, entities) if v["kind"] == "number"] == found
