import pytest

from checker.rules.details import diff_details, extract_details, format_date


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "The summit was held in Anchorage on 14 November.",
            "The summit took place in Juneau on November 14.",
            [("entity_mismatch", "Anchorage", "Juneau")],
        ),
        (
            "US envoy Steve Witkoff met Kirill Dmitriev.",
            "US envoy Steve Witkof met Kirill Dmitriev.",
            [("entity_mismatch", "Steve Witkoff", "Steve Witkof")],
        ),
        (
            "The two sides exchanged 150 prisoners each.",
            "Both sides exchanged 120 prisoners each.",
            [("number_mismatch", "150", "120")],
        ),
        (
            "The next round will be held in Geneva on 2 December.",
            "The next round is due in Geneva on December 9.",
            [("date_mismatch", "2 December", "9 December")],
        ),
        ("Talks resumed on Friday.", "Talks resumed on Tuesday.", [("date_mismatch", "Friday", "Tuesday")]),
    ],
)
def test_differences_are_found(a, b, expected):
    assert diff_details(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Witkoff met Dmitriev in Anchorage.", "Steve Witkoff and Kirill Dmitriev met in Anchorage, Alaska."),
        ("Any deal must include Kyiv.", "Any deal needs Kyiv's participation."),
        ("The summit was held on 14 November.", "The summit was held on November 14, 2026."),
        (
            "Witkoff said the talks were useful.",
            "Ushakov said the talks were useful.",
        ),  # different speaker, no slot
        ("About 150 prisoners will be freed.", "The exchange is expected before the end of November."),
        ("Russia agreed to security guarantees.", "Russia did not object to security guarantees."),
        (
            "No Ukrainian officials attended.",
            "No agreement on Ukraine without Kyiv.",
        ),  # demonym, not a misspelling
        ("Talks with Chinese officials began.", "Talks with China began."),
    ],
)
def test_agreeing_or_incomparable_claims_have_no_difference(a, b):
    assert diff_details(a, b) == []


def test_extract_details_reads_numbers_words_scales_and_years():
    d = extract_details(
        "Officials said twelve ships and 3.5 billion dollars were sent in 2026, up 20 percent."
    )
    assert (12.0, "ship") in d.numbers
    assert (3.5e9, "dollar") in d.numbers
    assert (20.0, "%") in d.numbers
    assert "2026" in d.dates


@pytest.mark.parametrize(
    ("norm", "shown"),
    [("12-02", "2 December"), ("11-14-2026", "14 November 2026"), ("friday", "Friday"), ("2025", "2025")],
)
def test_format_date(norm, shown):
    assert format_date(norm) == shown
