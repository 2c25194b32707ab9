"""checker.rules.attribution: what a quoted claim reports, without who reported it."""

import pytest

from checker.rules.attribution import strip_attribution


@pytest.mark.parametrize(
    ("text", "content"),
    [
        # a speaker described at length, before or after the reporting verb
        ('"Forty people were hurt when the roof fell in," Ilse Varga, a nurse at a clinic in Dorn, told Ravenpost.',
         "Forty people were hurt when the roof fell in."),
        ('"Forty people were hurt when the roof fell in, " said Ilse Varga, a nurse at a clinic in Kell county.',
         "Forty people were hurt when the roof fell in."),
        ('"The ferry will not sail today," the harbour master said.', "The ferry will not sail today."),
        # more of the claim after the speaker stays: it is not attribution
        ('"The deal is done," the minister said, adding that talks in Corva would follow.',
         '"The deal is done," the minister said, adding that talks in Corva would follow.'),
    ],
)  # fmt: skip
def test_a_quote_keeps_what_was_said_and_drops_who_said_it(text, content):
    assert strip_attribution(text) == content
