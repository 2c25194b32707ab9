"""checker.rules.worthiness: which sentences state something checkable (the team's own sentences)."""

import pytest

from checker.rules.worthiness import is_check_worthy


@pytest.fixture(scope="module")
def nlp():
    from checker.models.nlp import load_spacy

    return load_spacy()


@pytest.mark.parametrize(
    "text",
    [
        # filler of generated and content-farm pieces: a judgement after a summing-up opener, stock speculation
        "Overall, the accord represents an important step toward safer shipping in the Varne Strait.",
        "In conclusion, the Kessling ruling is a milestone for tenants in Ostrava.",
        "It remains to be seen how farmers in the valley will react to the new water rules.",
        "Only time will tell whether the Corvale ceasefire holds.",
    ],
)
def test_commentary_that_states_nothing_checkable_is_no_claim(nlp, text):
    assert is_check_worthy(nlp(text)[:]) == (False, "opinion")


@pytest.mark.parametrize(
    "text",
    [
        "Overall, 4,200 tonnes of grain were shipped from Varne in March.",  # a summing-up opener with a fact
        "The minister called the accord an important step, according to state radio.",  # a judgement reported
        "Ultimately, the court fined the company 3 million euros.",
    ],
)
def test_facts_after_a_summing_up_opener_or_a_reported_judgement_stay_claims(nlp, text):
    assert is_check_worthy(nlp(text)[:]) == (True, "")


@pytest.mark.parametrize(
    "text",
    [
        "The Northern Wire contributed to this report.",
        "Staff writers Ana Lopes and Jon Kerr contributed reporting to this story.",
        "This article originally appeared in the Valdora Herald.",
        "The story was first published on Tidewater Wire.",
    ],
)
def test_credit_lines_are_boilerplate(nlp, text):
    assert is_check_worthy(nlp(text)[:]) == (False, "boilerplate")


def test_a_sentence_about_a_publication_is_still_a_claim(nlp):
    text = "The report was published on Monday by the Harbour Audit Office."
    assert is_check_worthy(nlp(text)[:]) == (True, "")
