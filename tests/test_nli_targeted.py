"""Targeted NLI pairs (tools/nli_model/targeted.py): families, labels, groups, controls, held-out phrases."""

from __future__ import annotations

import pytest

from tools.nli_model import targeted

FAMILIES = ["role_swap", "converse", "identity", "factive", "format", "bounds"]
LABELS = {"entailment", "neutral", "contradiction"}
HELD_OUT_PHRASES = [
    "Valdoria",
    "Ostrana",
    "Harbour Bank",
    "Kessler Group",
    "ruling coalition in Tuesday's budget vote",
    "captured the airport",
    "military helicopter",
    "leaked the audit report",
]


@pytest.fixture(scope="module")
def pairs():
    return targeted.make_targeted_pairs(seed=13)


def test_every_family_has_enough_templates_to_hold_some_out(pairs):
    groups = pairs.groupby("category")["group"].nunique()
    assert set(groups.index) == {f"targeted_{f}" for f in FAMILIES}
    assert (groups >= 8).all(), groups
    assert (pairs["group"].str.split(":").str[0].radd("targeted_") == pairs["category"]).all()


def test_columns_labels_source_and_no_duplicates(pairs):
    assert list(pairs.columns) == ["premise", "hypothesis", "label", "category", "group", "source"]
    assert set(pairs["label"]) == LABELS
    assert (pairs["source"] == "targeted").all()
    assert not pairs.duplicated(["premise", "hypothesis"]).any()
    assert 4_000 <= len(pairs) <= 8_000


def test_no_group_spans_two_families(pairs):
    assert (pairs.groupby("group")["category"].nunique() == 1).all()


def test_each_family_but_identity_has_entailment_and_a_non_entailment(pairs):
    # identity is entailment by definition; its near-copies that are NOT entailed (another number,
    # swapped roles) are the controls of the format and role_swap families
    for family, labels in pairs.groupby("category")["label"]:
        assert "entailment" in set(labels), family
        if family != "targeted_identity":
            assert set(labels) - {"entailment"}, family


def test_identity_rows_are_all_entailment(pairs):
    identity = pairs[pairs["category"] == "targeted_identity"]
    assert (identity["label"] == "entailment").all()
    assert (identity["premise"] == identity["hypothesis"]).any()
    assert identity["hypothesis"].str.contains(r"\[\d+\]|\(Reuters\)").any()


def test_role_swaps_are_contradiction_when_exclusive_and_neutral_otherwise(pairs):
    swap = pairs[pairs["category"] == "targeted_role_swap"]
    beat = swap[swap["premise"].str.contains(" beat ") & (swap["label"] != "entailment")]
    sued = swap[swap["premise"].str.contains(" sued ") & (swap["label"] != "entailment")]
    assert len(beat) and set(beat["label"]) == {"contradiction"}
    assert len(sued) and set(sued["label"]) == {"neutral"}
    assert (swap.loc[swap["premise"] == swap["hypothesis"], "label"] == "entailment").all()


def test_converses_entail_both_ways(pairs):
    conv = pairs[pairs["category"] == "targeted_converse"]
    label = {
        (p, h): lab for p, h, lab in zip(conv["premise"], conv["hypothesis"], conv["label"], strict=True)
    }
    for (p, h), lab in label.items():
        if lab == "entailment":
            assert label[(h, p)] == "entailment", (p, h)


def test_factive_verbs_entail_and_reporting_verbs_do_not(pairs):
    fac = pairs[pairs["category"] == "targeted_factive"]
    plain = ~fac["hypothesis"].str.contains(" that ")
    confirmed = fac[fac["premise"].str.contains(" confirmed that ") & plain]
    denied = fac[fac["premise"].str.contains(" denied that ") & plain]
    assert set(confirmed["label"]) <= {"entailment", "contradiction"} and len(confirmed)
    assert set(denied["label"]) == {"neutral"}


def test_generator_is_deterministic_for_a_seed(pairs):
    assert targeted.make_targeted_pairs(seed=13).equals(pairs)
    assert not targeted.make_targeted_pairs(seed=14).equals(pairs)


def test_held_out_evaluation_phrases_are_never_used(pairs):
    text = "\n".join(pairs["premise"]) + "\n" + "\n".join(pairs["hypothesis"])
    for phrase in HELD_OUT_PHRASES:
        assert phrase.lower() not in text.lower(), phrase


def test_own_side_reports_entail_only_through_a_factive_verb(pairs):
    own = pairs[pairs["group"].str.startswith("factive:s")]
    to_plain = own[~own["hypothesis"].str.contains(r"claimed|said", regex=True)]
    factive = to_plain["premise"].str.contains(r"confirmed|acknowledged|admitted", regex=True)
    assert set(to_plain[factive]["label"]) == {"entailment", "contradiction"}
    assert set(to_plain[~factive & (to_plain["premise"] != to_plain["hypothesis"])]["label"]) == {"neutral"}
    # the form varies: no "that", the report after its content, "according to"
    assert own["premise"].str.contains(r"^According to ", regex=True).any()
    assert own["premise"].str.contains(r", [^,]+ (?:claimed|said)\.$", regex=True).any()
    assert (~own["premise"].str.contains(" that ")).sum() > len(own) / 4


def test_role_swaps_cover_sides_named_by_common_nouns(pairs):
    swaps = pairs[pairs["category"] == "targeted_role_swap"]
    common = swaps[swaps["premise"].str.startswith(tuple(g[0].upper() + g[1:] for g in targeted.GROUPS))]
    assert len(common) and {"entailment", "contradiction"} <= set(common["label"])
