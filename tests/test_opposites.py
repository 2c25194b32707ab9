"""checker.rules.opposites: predicate frames with assertion strength, and the rules that compare them.

Sentences are the team's own; each case stands for a kind (a stance verb and its weak forms), not
for one wording.
"""

from __future__ import annotations

import pytest

from checker.rules.opposites import opposed_frames, predicate_frames, stronger_frames


@pytest.fixture(scope="module")
def nlp():
    from checker.models.nlp import load_spacy

    return load_spacy()


def _frames(nlp, text):
    return predicate_frames(nlp(text)[:])


@pytest.mark.parametrize(
    ("strong", "weak", "shown"),
    [
        # agreement against the weak forms of it, for invented actors and things
        ("Belvaria accepted the fishing quotas.", "Belvaria did not object to the fishing quotas.",
         "accepted vs not object (quota)"),
        ("The union approved the wage offer.", "The union did not reject the wage offer.",
         "approved vs not reject (offer)"),
        # "open to": a stance for a person, organisation or country (a road is open to traffic)
        ("Mayor Ines Halvard signed the lease.", "Mayor Ines Halvard is open to the lease, aides said.",
         "signed vs is open to (lease)"),
        ("Tarsin endorsed the merger.", "Tarsin is willing to consider the merger.",
         "endorsed vs is willing to consider (merger)"),
        ("Norvik agreed to the tariff cut.", "Norvik is said not to object to the tariff cut.",
         "agreed vs not object (cut)"),
        ("The board has ruled out a buyback.", "The board did not agree to a buyback.",
         "ruled out vs not agree (buyback)"),
        ("The mayor backed the stadium plan.", "The mayor did not oppose the stadium plan.",
         "backed vs not oppose (plan)"),
        ("The regulator confirmed the breach.", "The regulator did not deny the breach.",
         "confirmed vs not deny (breach)"),
    ],
)  # fmt: skip
def test_a_stance_stated_outright_is_stronger_than_its_weak_forms(nlp, strong, weak, shown):
    s, w = _frames(nlp, strong), _frames(nlp, weak)
    assert stronger_frames(s, w) == f"a: {shown}"
    assert stronger_frames(w, s) == f"b: {shown}"
    assert opposed_frames(s, w) == ""  # the weak form is on the same side, never the opposite


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # another actor, another thing, no named actor, two outright statements, two weak ones
        ("Belvaria accepted the quotas.", "Tarsin did not object to the quotas."),
        ("Belvaria accepted the quotas.", "Belvaria did not object to the tariffs."),
        ("The quotas were accepted.", "The quotas were not rejected."),
        ("Belvaria accepted the quotas.", "Belvaria approved the quotas."),
        ("Belvaria did not object to the quotas.", "Belvaria is open to the quotas."),
        # a weak form of the other side: not a stronger claim (opposite polarity)
        ("Belvaria accepted the quotas.", "Belvaria did not agree to the quotas."),
        # a modal states no stance
        ("Belvaria accepted the quotas.", "Belvaria may not object to the quotas."),
    ],
)
def test_no_strength_relation_between_different_stances_or_facts(nlp, a, b):
    assert stronger_frames(_frames(nlp, a), _frames(nlp, b)) == ""


def test_two_weak_forms_of_opposite_stances_do_not_contradict(nlp):
    # neither agreeing nor objecting: "did not agree" and "did not object" can both be true
    a, b = "Belvaria did not agree to the quotas.", "Belvaria did not object to the quotas."
    assert opposed_frames(_frames(nlp, a), _frames(nlp, b)) == ""
    # while an outright stance contradicts the weak form of the other side
    assert opposed_frames(_frames(nlp, "Belvaria objected to the quotas."), _frames(nlp, b)) != ""


def test_a_road_open_to_traffic_is_a_state_not_a_stance(nlp):
    assert _frames(nlp, "The bridge is open to traffic.")[0][0] == "open"


def test_frames_stored_before_strength_count_as_outright():
    old = [("consent", 1, "belvaria", "quota", "accepted")]  # five fields: checker.opposites.v2
    weak = [("consent", 1, "belvaria", "quota", "not object", 1)]
    assert stronger_frames(old, weak) == "a: accepted vs not object (quota)"


def test_a_pronoun_is_no_actor_or_thing_two_claims_can_share(nlp):
    # "I" in one article is not "I" in another; "it" says nothing about what was seen
    a, b = _frames(nlp, "I did not see it coming."), _frames(nlp, "I saw it on the news.")
    assert opposed_frames(a, b) == ""
    he_a, he_b = _frames(nlp, "He accepted the ferry plan."), _frames(nlp, "He rejected the ferry plan.")
    assert opposed_frames(he_a, he_b) == "" and stronger_frames(he_a, he_b) == ""
    assert opposed_frames(_frames(nlp, "Varne accepted the ferry plan."), _frames(nlp, "Varne rejected the ferry plan.")) != ""


@pytest.mark.parametrize(
    "doubted",
    [
        "Some parents don't believe the mayor closed the school.",
        "Parents question whether the mayor closed the school.",
        "The union doubts that the mayor closed the school.",
        "The mayor's office denied that the mayor closed the school.",
    ],
)
def test_a_clause_put_in_doubt_states_no_fact_to_contradict(nlp, doubted):
    # what a claim doubts or denies is not what it states: no opposite of "did not close the school"
    stated = _frames(nlp, "Witnesses say the mayor did not close the school.")
    assert opposed_frames(_frames(nlp, doubted), stated) == ""
    # while a clause it reports is stated (by its source) and opposes the denial
    assert opposed_frames(_frames(nlp, "Police said the mayor closed the school."), stated) != ""
