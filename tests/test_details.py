"""Tests for checker.rules.values and checker.rules.details: the values a claim states, and which differ."""

import pytest

from checker.rules.details import differences, same_name, substitute
from checker.rules.values import extract_values


def _values(text: str, **names: str) -> list[dict]:
    """Values of a text whose entities are given by hand as label=name (no parser in rule tests)."""
    ents = []
    for label, found in names.items():
        for name in found.split("|"):
            start = text.index(name)
            ents.append((label.rstrip("_"), start, start + len(name)))
    return extract_values(text, ents, published="2026-11-30")


def _kinds(a: list[dict], b: list[dict]) -> list[tuple[str, str, str]]:
    return [(kind, v["text"], w["text"]) for kind, v, w in differences(a, b)]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("The summit was held in Anchorage.", {"GPE": "Anchorage"}),
         ("The summit took place in Juneau.", {"GPE": "Juneau"}), [("place_mismatch", "Anchorage", "Juneau")]),
        (("US envoy Steve Witkoff met Kirill Dmitriev.", {"PERSON": "Steve Witkoff|Kirill Dmitriev"}),
         ("US envoy Steve Witkof met Kirill Dmitriev.", {"PERSON": "Steve Witkof|Kirill Dmitriev"}),
         [("entity_mismatch", "Steve Witkoff", "Steve Witkof")]),
        (("The two sides exchanged 150 prisoners each.", {}), ("Both sides exchanged 120 prisoners each.", {}),
         [("number_mismatch", "150 prisoners", "120 prisoners")]),
        (("The next round is on 2 December 2026.", {}), ("The next round is on December 9, 2026.", {}),
         [("date_mismatch", "2 December 2026", "December 9, 2026")]),
        # vaguer dates are compared as far as they go: a month with a month, a weekday with a day
        (("The line went on sale in May.", {}), ("The line went on sale in October.", {}),
         [("date_mismatch", "in May", "in October")]),
        (("The ferry sank on Thursday.", {}), ("The ferry sank on November 24, 2026.", {}),
         [("date_mismatch", "on Thursday", "November 24, 2026")]),
        # a time of day is compared as a time, in one zone or converted between zones of fixed offset;
        # a game clock as the seconds it reads, without the rounding slack of a measure
        (("The ship docked at 5:59 PM.", {}), ("The ship docked at 6:15 PM.", {}),
         [("date_mismatch", "5:59 PM", "6:15 PM")]),
        (("The polls closed at 1400 GMT.", {}), ("The polls closed at 8 a.m. EST.", {}),
         [("date_mismatch", "1400 GMT", "8 a.m. EST")]),
        (("Ortiz scored with 2:31 left in the third period.", {}), ("Ortiz scored with 2:30 to play.", {}),
         [("number_mismatch", "2:31 left", "2:30 to play")]),
        (("The bout was stopped 50 seconds into round four.", {}), ("The bout was stopped at the 1:50 mark.", {}),
         [("number_mismatch", "50 seconds into", "1:50 mark")]),
        # sums of one currency, counts of a noun pint takes for a unit, magnitudes written two ways
        (("The bridge cost $1.2 million.", {}), ("The bridge cost $2 million.", {}),
         [("number_mismatch", "$1.2 million", "$2 million")]),
        (("Okafor scored 31 points.", {}), ("Okafor scored 33 points.", {}),
         [("number_mismatch", "31 points", "33 points")]),
        (("A magnitude-5.8 quake hit the coast.", {}), ("A 6.1-magnitude quake hit the coast.", {}),
         [("number_mismatch", "5.8 quake", "6.1-magnitude")]),
        # a part of a whole against the same count told alone; the whole is not a second figure
        (("Lind missed 9 of the club's 30 games.", {}), ("Lind missed 11 games.", {}),
         [("number_mismatch", "9", "11 games")]),
    ],
)  # fmt: skip
def test_differences_are_found(a, b, expected):
    assert _kinds(_values(a[0], **a[1]), _values(b[0], **b[1])) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # compatible figures: bounds, ranges, approximations, units and rounding
        ("At least 30 people were injured.", "35 people were injured."),
        ("Between 30 and 40 people were injured.", "At least 30 people were injured."),
        ("The quake struck about 15 miles north of the city.", "The quake struck 24 km north of the city."),
        ("He fell 2,000 ft.", "He fell 610 m."),
        ("A magnitude 6 quake.", "A magnitude 6.0 quake."),
        ("Dozens of people were hurt.", "40 people were hurt."),
        # the same day written two ways, or a relative day and its date (published 2026-11-30, a Monday)
        ("Talks resumed on Monday.", "Talks resumed on November 30."),
        ("He escaped last week.", "He escaped on Nov. 25."),
        ("The ferry sank in November.", "The ferry sank on November 24, 2026."),
        ("The ferry sank on Tuesday.", "The ferry sank on November 24, 2026."),  # a Tuesday
        ("The ferry sank on Tuesday.", "The ferry sank in November."),  # a weekday and a month: no comparison
        # one sum written two ways; sums in two currencies are not compared
        ("The club paid £1.5bn.", "The club paid 1.5 billion pounds."),
        ("The club paid £1.5bn.", "The club paid €1.7bn."),
        # figures that are not counts: scores
        ("Arsenal beat Chelsea 2-1.", "Arsenal beat Chelsea 3-1."),
        # one moment in two zones; a local time against a named zone needs the place's offset
        ("The polls closed at 1400 GMT.", "The polls closed at 10 a.m. EDT."),
        ("The polls closed at 8 p.m. local time.", "The polls closed at 2000 GMT."),
        # two times of day in one claim: which one is disputed is unclear
        ("Voting ran from 7 a.m. to 9 p.m.", "Voting ended at 8 p.m."),
        # a clock counting down and one counting up are not one reading
        ("She scored with 4:10 left in the half.", "She scored 4 minutes 10 seconds into the half."),
        ("He scored with 3:05 to go.", "He scored with 3 minutes 5 seconds left."),
    ],
)
def test_compatible_values_are_not_differences(a, b):
    assert _kinds(_values(a), _values(b)) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NATO", "North Atlantic Treaty Organization"),
        ("U.S.", "United States"),
        ("US", "America"),
        ("Kim Jong-un", "Kim Jong Un"),
        ("Witkoff", "Steve Witkoff"),
        ("Ukraine", "Ukrainian"),
        ("Sgt. Ryan Smith", "Ryan Smith"),
        ("the Netherlands", "Dutch"),
        ("ISIS", "Islamic State"),  # the acronym of a longer form of the name
        ("ISIL", "the Islamic State group"),
    ],
)
def test_aliases_name_one_referent(a, b):
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize(("a", "b"), [("Texas", "Mexico"), ("Juneau", "Anchorage"), ("CIA", "Congress"), ("IMF", "World Bank")])
def test_different_names_are_not_aliases(a, b):
    assert not same_name(a, b)


def test_substitute_puts_one_value_in_the_other_claim():
    a, b = _values("The quake killed 10 people."), _values("The quake killed 12 people on Monday.")
    (_, va, vb), *_ = differences(a, b)
    assert (
        substitute("The quake killed 12 people on Monday.", vb, va) == "The quake killed 10 people on Monday."
    )


def test_values_carry_offsets_into_the_claim():
    text = "At least 30 people were hurt about 15 miles north of Homs on Monday."
    for v in _values(text, GPE="Homs"):
        assert text[v["start"] : v["end"]].strip() == v["text"]
    kinds = [v["kind"] for v in _values(text, GPE="Homs")]
    assert kinds == ["number", "number", "place", "date"]


def test_ages_are_compared_as_ages_only():
    diff = differences(_values("The 36-year-old died."), _values("The 40-year-old died."))
    assert [(kind, v["key"], w["key"]) for kind, v, w in diff] == [("number_mismatch", "36 age", "40 age")]
    assert differences(_values("The 36-year-old died."), _values("He fell 40 metres.")) == []


@pytest.mark.parametrize(
    ("a", "b", "misspelt"),
    [("Duncan Rait", "Duncan Raite", True), ("Steve Witkoff", "Steve Witkof", True),
     ("Sam Williams", "Tony Williams", False), ("Rahman", "Thompson", False), ("US", "United States", False),
     # one slip: a letter changed, dropped or two swapped; not two transliterations of one name
     ("Ilse Marenko", "Ilse Marenka", True), ("Ravi Kapoor", "Ravi Kpaoor", True), ("Marenka", "Ilse Marenko", True),
     ("Ilse Marenko", "Olga Marenka", False), ("Marenko", "Ilse Marenko", False),
     # a short name alone is no evidence (other people); transliterations are no slips
     ("Ilse", "Else Marenko", False), ("Tomas", "Tomaso", False), ("Ilse Marenko's", "Ilse Marenko", False),
     ("Sergei Volkov", "Sergey Volkov", False), ("Christina Holm", "Cristina Holm", False),
     ("Ilse Garenko", "Ilse Karenko", False), ("Ivo Marenko", "Ivo Marenkos", False),
     ("Tahir Abdulloev", "Takhir Abdullaev", False), ("Yevgeny Orlov", "Evgeniy Orlov", False)],
)  # fmt: skip
def test_misspelt_names(a, b, misspelt):
    from checker.rules.details import misspelt as is_misspelt

    v = {"text": a, "label": "PERSON"}
    w = {"text": b, "label": "PERSON"}
    assert is_misspelt(v, w) is misspelt


@pytest.mark.parametrize(
    ("a", "b", "gap"),
    [
        ("The museum reopened on Sunday.", "The museum has not reopened.", True),
        ("Talks ended without a deal.", "Talks ended with a deal.", True),
        (
            "He is serving a life sentence.",
            "He is serving three life sentences.",
            False,
        ),  # no denial: NLI alone
        ("Gaskin said the deaths were a reminder.", "He says they come as a reminder.", False),
        # two ways of denying one thing are no gap: "not" and "no", "n't" and "not"
        ("The rifle has not been found.", "No rifle has been found.", False),
        ("The ferry doesn’t sail on Sundays.", "The ferry does not sail on Sundays.", False),
        ("The ferry does not sail on Sundays.", "The ferry was cancelled and does not sail.", True),
    ],
)
def test_an_nli_contradiction_needs_a_denial_on_one_side(a, b, gap):
    from checker.rules.opposites import negation_gap

    assert negation_gap(a, b) is gap


def _figure(key: str, anchor: str = "fall", unit: str = "mile") -> dict:
    return {"kind": "number", "text": key, "key": key, "unit": unit, "anchor": anchor, "exact": True}


_AGE_41 = {"kind": "number", "text": "41-year-old", "key": "41 age", "unit": "age", "exact": True, "anchor": "diver"}
_TUESDAY = {"kind": "date", "text": "on Tuesday", "key": "2026-03-03", "day": "2026-03-03"}
_PERSON = {"kind": "name", "text": "Ines Morel", "key": "ines morel", "label": "PERSON"}
_TOWN = {"kind": "place", "text": "Varne", "key": "varne", "label": "GPE"}


@pytest.mark.parametrize("shared", [_AGE_41, _TUESDAY, _PERSON])
def test_figures_of_one_verb_are_one_fact_when_the_claims_share_an_identifying_detail(shared):
    # "A 41-year-old diver sank 30 m" / "Ines Morel, 41, sank about 12 m": one dive, told twice
    from checker.rules.details import shared_detail

    v, w = _figure("30 m"), _figure("12 m")
    assert shared_detail(v, w, [shared, v], [dict(shared), w]) == shared["text"]


@pytest.mark.parametrize(
    ("v", "w", "a", "b"),
    [
        (_figure("30 m"), _figure("12 m"), [_TOWN], [_TOWN]),  # a shared place singles out no one
        (_figure("30 m"), _figure("12 m"), [_AGE_41], [{**_AGE_41, "key": "42 age"}]),  # different ages
        (_figure("30 m"), _figure("12 m", anchor="swim"), [_AGE_41], [_AGE_41]),  # another verb
        (_figure("30 m", anchor="be"), _figure("12 m", anchor="be"), [_AGE_41], [_AGE_41]),  # "was 30 m"
        (_figure("3 euro", unit="euro"), _figure("12 m"), [_AGE_41], [_AGE_41]),  # other units
    ],
)
def test_no_shared_fact_without_an_identifying_detail_and_one_verb(v, w, a, b):
    from checker.rules.details import shared_detail

    assert shared_detail(v, w, [*a, v], [*b, w]) == ""


def test_one_figure_written_in_two_units_is_one_difference():
    a = _values("The diver sank about 60 metres (200 feet) off Varne.", GPE="Varne")
    b = _values("The diver sank 150 metres off Varne.", GPE="Varne")
    assert _kinds(a, b) == [("number_mismatch", "about 60 metres", "150 metres")]


def test_a_direction_from_a_place_is_read_with_the_place():
    (town,) = [v for v in _values("The quake struck 40 km north-east of the town of Marvik.", GPE="Marvik")
               if v["kind"] == "place"]  # fmt: skip
    assert (town["text"], town["bearing"]) == ("Marvik", "northeast")
    (plain,) = [v for v in _values("The quake struck near Marvik.", GPE="Marvik") if v["kind"] == "place"]
    assert "bearing" not in plain


def test_two_directions_from_one_place_at_one_distance_are_a_place_mismatch():
    from checker.rules.details import difference, shared_detail, slot

    a = _values("The epicentre was 40 kilometres (25 miles) west of the town of Marvik.", GPE="Marvik")
    b = _values("The quake hit 40 km south of Marvik, the survey said.", GPE="Marvik")
    ((kind, v, w),) = differences(a, b)
    assert (kind, v["bearing"], w["bearing"]) == ("place_mismatch", "west", "south")
    assert shared_detail(v, w, a, b) == "40 kilometres"
    assert slot(kind, v, w) == "direction from Marvik"
    assert difference(kind, v, w) == ("south of marvik", "west of marvik")
    # another distance: not shown to be one fact (two aftershocks can lie in two directions)
    c = _values("An aftershock hit 90 km south of Marvik.", GPE="Marvik")
    ((_, v2, w2),) = [d for d in differences(a, c) if d[0] == "place_mismatch"]
    assert shared_detail(v2, w2, a, c) == ""


def test_a_speaker_s_days_are_no_slot():
    from checker.rules.details import same_slot

    said = {"kind": "date", "anchor": "say", "holder": "Ines Varga"}
    sold = {"kind": "date", "anchor": "sell", "holder": "Ines Varga"}
    assert not same_slot(said, dict(said))  # one person speaks on many days
    assert same_slot(sold, dict(sold))


def test_a_weekday_and_a_day_without_a_year_cannot_be_compared():
    # no published date: "November 24" has no year, so no weekday to set against "Friday"
    a, b = extract_values("The ferry sank on Friday."), extract_values("The ferry sank on November 24.")
    assert differences(a, b) == []
    assert differences(a, extract_values("The ferry sank on Tuesday."))  # two weekdays do compare


def test_one_definite_description_holds_one_figure():
    from checker.rules.details import same_slot

    def fig(words, ids, anchor="set", holder="quota"):
        return {"kind": "number", "anchor": anchor, "holder": holder, "holder_words": words, "holder_ids": ids}

    # "the national wheat quota for 2027" / "the wheat quota for 2027": one quota, one slot
    assert same_slot(fig(["2027", "national", "wheat"], ["2027"]), fig(["2027", "wheat"], ["2027"]))
    # no proper noun or figure shared: "the annual quota" may be two quotas
    assert not same_slot(fig(["annual"], []), fig(["annual"], []))
    # words that conflict ("for 2027" / "for 2028"), another noun or another verb: not one slot
    assert not same_slot(fig(["2027", "wheat"], ["2027"]), fig(["2028", "wheat"], ["2028"]))
    assert not same_slot(fig(["2027"], ["2027"]), fig(["2027"], ["2027"], holder="budget"))
    assert not same_slot(fig(["2027"], ["2027"]), fig(["2027"], ["2027"], anchor="raise"))


def test_a_game_clock_read_a_second_apart_is_one_moment():
    from checker.rules.details import clock_slip

    left, also_left, far, up = (extract_values(t)[0] for t in (
        "He scored with 7:42 left.", "He scored with 7:41 to go.", "He scored with 7:12 left.",
        "He scored 7 minutes 41 seconds into the half."))  # fmt: skip
    assert clock_slip(left, also_left) and clock_slip(also_left, left)
    assert not clock_slip(left, far) and not clock_slip(also_left, up) and not clock_slip(left, left)


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        # the same figure, put in doubt by the word before it in one claim only: the flat one states more
        ("Nine boats and possibly 30 fishermen were lost.", "30 fishermen were lost.",
         "b: 30 fishermen vs possibly 30 fishermen (figure)"),
        ("The ministry paid $2 million.", "The ministry paid an unconfirmed $2 million.",
         "a: $2 million vs unconfirmed $2 million (figure)"),
        # doubted in both, flat in both, or two different figures: no rule
        ("Perhaps 30 fishermen were lost.", "Possibly 30 fishermen were lost.", ""),
        ("30 fishermen were lost.", "Thirty fishermen were lost.", ""),
        ("Possibly 30 fishermen were lost.", "40 fishermen were lost.", ""),
        # a flat figure in a clause hedged another way, and a bare figure without a unit: no rule
        ("30 fishermen may have been lost.", "Possibly 30 fishermen were lost.", ""),
        ("The score was possibly 30.", "The score was 30.", ""),
    ],
)  # fmt: skip
def test_a_figure_stated_flat_is_stronger_than_the_same_figure_in_doubt(a, b, rule):
    from checker.rules.details import hedged_figure

    assert hedged_figure(_values(a), _values(b), a, b) == rule


def test_in_one_article_a_lone_surname_one_slip_from_a_full_name_is_a_misspelling():
    from checker.rules.details import misspelt

    full = {"text": "Ilse Marenko", "label": "PERSON"}
    lone = {"text": "Marenka", "label": "PERSON"}
    short = {"text": "Orly", "label": "PERSON"}
    # across articles a short lone word is no evidence; in one article it refers back to the full name
    assert not misspelt({"text": "Tom Orla", "label": "PERSON"}, short)
    assert misspelt({"text": "Tom Orla", "label": "PERSON"}, short, named=frozenset({"tom", "orla"}))
    assert misspelt(full, lone, named=frozenset({"ilse", "marenko"}))
    # unless the article names someone with that spelling in full, or the word slips a first name
    assert not misspelt({"text": "Tom Orla", "label": "PERSON"}, short, named=frozenset({"tom", "orla", "orly"}))
    assert not misspelt({"text": "Orla Tomas", "label": "PERSON"}, short, named=frozenset({"orla", "tomas"}))


def test_a_surname_slip_that_is_a_place_elsewhere_is_no_misspelling():
    # "Afshin Kobani" and, later in the article, "Kobane": the town's two spellings, not a misspelt surname
    from checker.rules.details import misspelt

    full, lone = {"text": "Dara Kobani", "label": "PERSON"}, {"text": "Kobane", "label": "PERSON"}
    assert misspelt(full, lone, named=frozenset({"dara", "kobani"}))
    assert not misspelt(full, lone, places=frozenset({"kobani"}), named=frozenset({"dara", "kobani"}))


def test_a_measure_written_in_one_unit_is_read_as_written_and_a_conversion_gets_slack():
    # "84-yard" / "86-yard": two figures; "2,000 ft" / "610 m": one figure rounded in conversion
    diff = differences(_values("Lund broke an 86-yard run."), _values("Lund broke an 84-yard run."))
    assert [(v["text"], w["text"]) for _, v, w in diff] == [("86-yard", "84-yard")]
    assert differences(_values("She fell 2,000 ft."), _values("She fell 610 m."))[:1] == []


def test_figures_both_claims_state_are_agreed_and_the_one_left_is_compared():
    # 230 yards in both: agreed; 84 against 86 is the dispute, and Berg's 101 is another person's figure
    a = _values("Lund ran for 230 yards, including an 84-yard run.")
    b = extract_values("Lund had 230 yards, including an 86-yard run, and Berg ran for 101 yards.",
                       [("PERSON", 0, 4), ("PERSON", 50, 54)])  # fmt: skip
    for v in b:
        if v.get("text") == "101 yards":
            v["holder"] = "Berg"
    assert [(v["text"], w["text"]) for _, v, w in differences(a, b)] == [("84-yard", "86-yard")]


def test_figures_of_two_named_people_share_no_detail():
    from checker.rules.details import shared_detail

    person = {"kind": "name", "label": "PERSON", "text": "Ines Morel", "key": "ines morel"}
    v = {"kind": "number", "unit": "mile", "anchor": "rush", "holder": "Berg", "key": "101 yards"}
    w = {"kind": "number", "unit": "mile", "anchor": "rush", "holder": "Lund", "key": "226 yards"}
    assert shared_detail(v, w, [person, v], [person, w]) == ""
    assert shared_detail(v, {**w, "holder": "Berg"}, [person, v], [person, w]) == "Ines Morel"


def test_only_figures_of_one_unit_agree_with_each_other():
    # "over two defenders" is no reading of the game clock: 7:42 against 7:41 is still compared
    a = _values("He scored over two defenders with 7:41 to go.")
    b = _values("He scored with 7:42 left.")
    assert [(v["text"], w["text"]) for _, v, w in differences(a, b)] == [("7:41 to go", "7:42 left")]


def test_where_a_claim_states_two_figures_of_a_unit_each_is_compared_with_its_nearest():
    # "230 yards ... an 84-yard run" against "an 86-yard run": 84 / 86 is the dispute; 230 is not set
    # against 86, which has a nearer figure in the first claim
    a = _values("Lund ran for 230 yards, including an 84-yard run.")
    b = _values("Lund broke an 86-yard run.")
    assert [(v["text"], w["text"]) for _, v, w in differences(a, b)] == [("84-yard", "86-yard")]
