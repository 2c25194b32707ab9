import math

import pandas as pd
import pytest

from checker.config import RelationConfig
from checker.schemas import FINDINGS, RESIDUE
from checker.steps.findings import frame as findings_frame
from checker.steps.findings import pair_findings, residue_findings
from checker.steps.relations import article_scores, claim_status, label_relations, overclaims


def _pair(e_ab, e_ba, c_ab=0.0, c_ba=0.0, sim=0.8, **extra):
    return {
        "p_entail_ab": e_ab,
        "p_entail_ba": e_ba,
        "p_contra_ab": c_ab,
        "p_contra_ba": c_ba,
        "p_neutral_ab": 1 - e_ab - c_ab,
        "p_neutral_ba": 1 - e_ba - c_ba,
        "similarity": sim,
        **extra,
    }


@pytest.mark.parametrize(
    ("probs", "relation"),
    [
        (_pair(0.9, 0.85), "equivalent"),
        (_pair(0.9, 0.1), "a_stronger"),  # agreed => did not object, not the reverse
        (_pair(0.1, 0.9), "b_stronger"),
        (_pair(0.1, 0.1, c_ab=0.95, c_ba=0.1), "contradiction"),  # seen one way, the other does not entail
        (_pair(0.6, 0.05, c_ab=0.1, c_ba=0.95), "a_stronger"),  # one way entails: not a contradiction
        (_pair(0.05, 0.05, c_ab=0.8, c_ba=0.8), "related"),  # below the threshold both ways
        (_pair(0.6, 0.45), "related"),  # entailment gap below the margin: not called stronger
        (_pair(0.1, 0.1, sim=0.7), "related"),
        (_pair(0.1, 0.1, sim=0.5), "unrelated"),
    ],
)
def test_label_relations(probs, relation):
    assert label_relations(pd.DataFrame([probs]), RelationConfig())["relation"].item() == relation


def test_a_strong_one_way_contradiction_is_not_averaged_away():
    one_sided = pd.DataFrame([_pair(0.05, 0.05, c_ab=0.96, c_ba=0.1)])
    assert label_relations(one_sided, RelationConfig(contra_combine="mean"))["relation"].item() == "related"
    assert label_relations(one_sided)["relation"].item() == "contradiction"  # default: one_way


def _claims(*texts, hedges=None):
    return pd.DataFrame(
        {
            "claim_id": [f"k{i}" for i in range(len(texts))],
            "text": list(texts),
            "hedge_score": hedges or [0.0] * len(texts),
        }
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The two sides agreed on a prisoner exchange.", "The two sides agreed on a prisoner exchange."),
        ("A magnitude 6 quake hit the region [1].", "A magnitude-6.0 quake hit the region."),
        ("“Talks will go on,” he said.", '"talks will go on," he said'),
    ],
)
def test_near_copies_are_equivalent_whatever_nli_says(a, b):
    pairs = pd.DataFrame([_pair(0.1, 0.1, c_ab=0.95, c_ba=0.95, claim_a="k0", claim_b="k1")])
    assert label_relations(pairs, RelationConfig(), _claims(a, b))["relation"].item() == "equivalent"


def test_a_flat_claim_against_its_hedged_version_is_stronger_never_a_contradiction():
    claims = _claims(
        "A video purportedly showing the strike was shared.",
        "A video showing the strike was shared.",
        hedges=[0.6, 0.0],
    )
    pairs = pd.DataFrame([_pair(0.1, 0.1, c_ab=0.95, c_ba=0.95, claim_a="k0", claim_b="k1")])
    assert label_relations(pairs, RelationConfig(), claims)["relation"].item() == "b_stronger"


def test_opposite_verbs_make_a_contradiction_unless_both_directions_entail_as_one_fact():
    opposed = "reopened vs remains closed (bridge)"
    frame = pd.DataFrame(
        [
            _pair(0.1, 0.1, opposed=opposed),
            _pair(0.73, 0.68, opposed=opposed),  # middling entailment: the frame rule decides
            _pair(0.95, 0.92, opposed=opposed),  # both ways past same_fact_threshold: a wrong frame
            _pair(0.1, 0.1, opposed=""),
        ]
    )
    relations = label_relations(frame)["relation"].tolist()
    assert relations == ["contradiction", "contradiction", "equivalent", "related"]
    off = label_relations(frame, RelationConfig(opposite_verbs=False))["relation"].tolist()
    assert off == ["related", "equivalent", "equivalent", "related"]


def test_label_relations_does_not_mutate_input():
    frame = pd.DataFrame([_pair(0.9, 0.9)])
    label_relations(frame)
    assert "relation" not in frame


@pytest.fixture
def world():
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2", "a3"],
            "source": ["North", "Baltic", "Harbor"],
            "text": ["", "", ""],
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2", "k3", "k4", "k5", "k6", "k7"],
            "article_id": ["a1", "a2", "a3", "a1", "a2", "a3", "a1"],
            "text": [
                "Russia did not object to security guarantees.",
                "Russia agreed to security guarantees.",
                "The summit was held in Juneau.",
                "The summit was held in Anchorage.",
                "Dmitriev proposed shipping routes.",
                "The talks ended without any agreement on a prisoner exchange.",
                "The two sides agreed on a prisoner exchange.",
            ],
            "start": [0, 0, 0, 50, 60, 40, 90],
            "end": [45, 37, 30, 83, 93, 100, 134],
            "hedges": ["did not object", "", "", "", "", "", ""],
            "hedge_score": [0.7, 0, 0, 0, 0, 0, 0],
            "cluster_id": ["c1", "c1", "c2", "c2", "c3", "c4", "c4"],
        }
    )
    pairs = pd.DataFrame(
        [
            _pair(0.1, 0.9, claim_a="k1", claim_b="k2", article_a="a1", article_b="a2"),
            _pair(
                0.2,
                0.2,
                c_ab=0.95,
                c_ba=0.7,
                claim_a="k3",
                claim_b="k4",
                article_a="a3",
                article_b="a1",
                details=[
                    {
                        "kind": "place_mismatch",
                        "slot": "place",
                        "p_ab": 0.95,
                        "p_ba": 0.92,
                        "a": {"text": "Juneau", "key": "juneau"},
                        "b": {"text": "Anchorage", "key": "anchorage"},
                    }
                ],
            ),
            _pair(
                0.05, 0.05, c_ab=0.95, c_ba=0.6, claim_a="k6", claim_b="k7", article_a="a3", article_b="a1"
            ),
        ]
    )
    return articles, claims, label_relations(pairs)


def test_pair_findings_explain_stronger_claim_and_city(world):
    articles, claims, pairs = world
    found = pair_findings(pairs, claims, articles)
    kinds = sorted(f["kind"] for f in found)
    # Juneau vs Anchorage is a contradiction too, but reported once, as the more specific detail finding
    assert kinds == ["contradiction", "place_mismatch", "stronger_claim"]
    contradiction = next(f for f in found if f["kind"] == "contradiction")
    assert contradiction["ids"] == ["k6", "k7"] and contradiction["score"] == pytest.approx(0.95)
    assert "0.95 a→b" in contradiction["why"]
    stronger = next(f for f in found if f["kind"] == "stronger_claim")
    assert stronger["ids"] == ["k2", "k1"]  # the strong claim first
    assert "Baltic states more than North supports" in stronger["explanation"]
    assert "did not object" in stronger["explanation"]
    city = next(f for f in found if f["kind"] == "place_mismatch")
    assert "Juneau" in city["explanation"] and "Anchorage" in city["explanation"] and city["slot"] == "place"


def test_a_detail_check_that_fails_the_same_fact_test_is_no_finding(world):
    articles, claims, pairs = world
    different_facts = pairs.copy()
    different_facts.at[1, "details"] = [{**pairs.at[1, "details"][0], "p_ab": 0.9, "p_ba": 0.1}]
    kinds = sorted(f["kind"] for f in pair_findings(different_facts, claims, articles))
    assert "place_mismatch" not in kinds


def test_claim_status_and_article_scores(world):
    articles, claims, pairs = world
    status = claim_status(claims, pairs).set_index("claim_id")
    assert status.loc["k2", "status"] == "contested"  # Baltic says more than its source
    assert status.loc["k1", "status"] == "corroborated" and status.loc["k1", "n_sources"] == 1
    assert status.loc["k3", "status"] == "contradicted"
    assert status.loc["k5", "status"] == "single_source"
    assert status.loc["k4", "status"] == "contradicted"  # the relation stands even when reported as a detail
    scored = article_scores(articles, status.reset_index(), pd.DataFrame(columns=RESIDUE)).set_index(
        "article_id"
    )
    assert scored.loc["a1", "n_claims"] == 3
    assert scored.loc["a1", "consistency"] == pytest.approx(1 / 3)  # one corroborated, two contradicted
    assert scored.loc["a2", "consistency"] == 0.0  # one contested, the other single-source
    assert math.isnan(
        article_scores(articles, status.reset_index().head(0), pd.DataFrame(columns=RESIDUE))[
            "consistency"
        ].iloc[0]
    )


def test_residue_findings_and_reading_order(world):
    articles, claims, pairs = world
    status = claim_status(claims, pairs)
    residue = pd.DataFrame(
        [{"article_id": "a2", "text": "[Source 1]", "start": 5, "end": 15, "pattern": "citation"}]
    )
    found = residue_findings(residue, articles)
    assert [f["kind"] for f in found] == [
        "generated_residue"
    ]  # single-source is a claim status, not a finding
    frame = findings_frame(found + pair_findings(pairs, status, articles), status)
    assert list(frame.columns) == FINDINGS
    assert frame["kind"].iloc[0] == "contradiction"  # reading order: contradictions first
    residue_row = frame[frame["kind"] == "generated_residue"].iloc[0]
    assert residue_row["claims"][0]["start"] == 5
    assert frame["finding_id"].is_unique


def test_a_time_stamp_is_recorded_residue_but_no_finding_and_no_residue_count(world):
    articles, claims, pairs = world
    residue = pd.DataFrame(
        [{"article_id": "a2", "text": "Updated 9:14 a.m. ET", "start": 0, "end": 20, "pattern": "stamp"}]
    )
    assert residue_findings(residue, articles) == []
    scores = article_scores(articles, claim_status(claims, pairs).reset_index(), residue)
    assert scores["n_residue"].tolist() == [0] * len(articles)


def test_findings_frame_empty():
    frame = findings_frame([], pd.DataFrame({"claim_id": []}))
    assert list(frame.columns) == FINDINGS and frame.empty


def test_added_detail_is_not_an_overclaim(world):
    articles, claims, _ = world
    # k4 "held in Anchorage" is entailed by a more detailed, equally unhedged k5 stand-in: one-way
    # entailment, but no difference in assertion strength.
    pairs = label_relations(
        pd.DataFrame([_pair(0.95, 0.03, claim_a="k5", claim_b="k4", article_a="a2", article_b="a1")])
    )
    assert pairs["relation"].item() == "a_stronger"
    assert overclaims(pairs, claims).tolist() == [False]
    assert pair_findings(pairs, claims, articles) == []
    assert claim_status(claims, pairs).set_index("claim_id").loc["k5", "status"] != "contested"
    hedged = claims.assign(hedge_score=[0.7, 0, 0, 0.3, 0, 0, 0])  # now k4 hedges more than k5
    assert overclaims(pairs, hedged).tolist() == [False]  # but k4 and k5 are different facts
    one_fact = hedged.assign(cluster_id=["c1", "c1", "c2", "c2", "c2", "c4", "c4"])
    assert overclaims(pairs, one_fact).tolist() == [True]
    assert overclaims(pairs, one_fact, RelationConfig(hedge_gap=0.5)).tolist() == [False]
    assert overclaims(pairs, hedged.drop(columns="cluster_id")).tolist() == [True]  # not clustered yet
    assert overclaims(pairs, hedged.assign(cluster_id="")).tolist() == [True]


@pytest.mark.parametrize(
    ("check", "score", "words"),
    [
        ({"misspelt": True, "same_slot": False, "p_ab": 0.0, "p_ba": 0.0}, 0.9, "two spellings"),
        ({"misspelt": False, "same_slot": True, "p_ab": 0.0, "p_ba": 0.0}, 0.9, "same word and the same holder"),
        ({"misspelt": False, "same_slot": False, "p_ab": 0.8, "p_ba": 0.7}, 0.7, "NLI entailment 0.80 / 0.70"),
        ({"misspelt": False, "same_event": "meeting", "p_ab": 0.0, "p_ba": 0.0}, 0.9, "venue of the meeting"),
    ],
)
def test_a_detail_finding_names_the_test_it_passed(check, score, words):
    from checker.steps.findings import _detail_evidence

    values = {"a": {"text": "Rait", "key": "rait"}, "b": {"text": "Raite", "key": "raite"}}
    got_score, why = _detail_evidence({**check, **values})
    assert got_score == pytest.approx(score) and words in why and ("NLI" in why) == (score != 0.9)


def test_the_assertion_strength_rule_makes_a_stronger_claim_whatever_nli_and_hedges_say(world):
    articles, claims, _ = world
    # NLI calls the pair equivalent and the hedge rules see no gap; the frames show the stance
    # stated outright in k2 and only in a weaker form in k1, for one named actor and thing
    rule = "b: agreed vs not object (guarantee)"
    frame = pd.DataFrame([_pair(0.9, 0.9, claim_a="k1", claim_b="k2", article_a="a1", article_b="a2", stronger=rule)])
    flat = claims.assign(hedge_score=0.0, cluster_id=["c1", "c9", "c2", "c2", "c3", "c4", "c4"])
    pairs = label_relations(frame, RelationConfig(), flat)
    assert pairs["relation"].item() == "b_stronger"
    assert overclaims(pairs, flat).tolist() == [True]  # other clusters, no hedge gap: the rule decides
    (found,) = pair_findings(pairs, flat, articles)
    assert found["kind"] == "stronger_claim" and found["ids"][:2] == ["k2", "k1"]
    assert found["why"] == "rule agreed vs not object (guarantee) (assertion strength)" and found["score"] == 0.9
    off = RelationConfig(assertion_strength=False)
    assert label_relations(frame, off, flat)["relation"].item() == "equivalent"


def test_the_figure_rule_card_names_the_figure_each_side_states(world):
    articles, claims, _ = world
    rule = "a: 30 fishermen vs possibly 30 fishermen (figure)"
    frame = pd.DataFrame([_pair(0.1, 0.1, claim_a="k1", claim_b="k2", article_a="a1", article_b="a2", stronger=rule)])
    flat = claims.assign(hedge_score=0.0)
    (found,) = pair_findings(label_relations(frame, RelationConfig(), flat), flat, articles)
    assert found["kind"] == "stronger_claim" and found["values"] == {"k1": "30 fishermen", "k2": "possibly 30 fishermen"}
    assert "“30 fishermen” as fact where" in found["explanation"]


def test_detail_findings_sharing_a_claim_are_one_disputed_fact():
    # one outlet's "150 m" against "about 60 m" in a second and "200 ft" in a third: one card
    articles = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "source": ["North", "Baltic", "Harbor"]})
    claims = pd.DataFrame({
        "claim_id": ["k1", "k2", "k3"], "article_id": ["a1", "a2", "a3"], "cluster_id": ["c1", "c1", "c1"],
        "text": ["The diver sank 150 m.", "The diver sank about 60 m.", "The diver sank 200 ft."],
        "hedges": "", "hedge_score": 0.0, "start": 0, "end": 20,
    })  # fmt: skip

    def check(a, b):
        return {"kind": "number_mismatch", "slot": "distance", "shared": "41-year-old", "p_ab": 0.0, "p_ba": 0.0,
                "a": {"text": a, "key": a}, "b": {"text": b, "key": b}, "difference": [a, b]}  # fmt: skip

    pairs = label_relations(
        pd.DataFrame([
            _pair(0.1, 0.1, claim_a="k1", claim_b="k2", article_a="a1", article_b="a2", details=[check("150 m", "about 60 m")]),
            _pair(0.1, 0.1, claim_a="k1", claim_b="k3", article_a="a1", article_b="a3", details=[check("150 m", "200 ft")]),
        ])
    )  # fmt: skip
    (found,) = pair_findings(pairs, claims, articles)
    assert found["kind"] == "number_mismatch" and sorted(found["ids"]) == ["k1", "k2", "k3"]
    assert "North says “150 m”" in found["explanation"] and "Harbor says “200 ft”" in found["explanation"]
    assert "claims that share “41-year-old”" in found["why"]


def _headline_world():
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "source": ["North", "Baltic"]})
    claims = pd.DataFrame({
        "claim_id": ["t1", "k1", "k2"], "article_id": ["a1", "a1", "a2"], "cluster_id": ["c3", "c1", "c1"],
        "text": ["Corvale Agrees to Ferry Deal", "Corvale agreed to the ferry deal on Monday.",
                 "Corvale did not object to the ferry deal."],
        "part": ["title", "body", "body"], "hedges": ["", "", "did not object"], "hedge_score": [0.0, 0.0, 0.7],
        "start": [0, 0, 0], "end": [28, 43, 41],
    })  # fmt: skip
    return articles, claims


def test_a_finding_on_a_headline_needs_a_rule_not_nli_alone():
    articles, claims = _headline_world()
    # NLI alone: a contradiction and a one-way entailment of the headline are no finding
    nli_only = label_relations(pd.DataFrame([
        _pair(0.05, 0.05, c_ab=0.97, c_ba=0.95, claim_a="t1", claim_b="k2", article_a="a1", article_b="a2", opposed=""),
    ]))  # fmt: skip
    assert nli_only["relation"].item() == "contradiction" and pair_findings(nli_only, claims, articles) == []
    # the assertion-strength rule on the headline's frames: reported, and the body's twin joins its card
    rule = "a: agrees vs not object (deal)"
    pairs = label_relations(pd.DataFrame([
        _pair(0.6, 0.6, claim_a="t1", claim_b="k2", article_a="a1", article_b="a2", stronger=rule),
        _pair(0.95, 0.02, claim_a="k1", claim_b="k2", article_a="a1", article_b="a2", stronger=""),
    ]), RelationConfig(), claims)  # fmt: skip
    (found,) = pair_findings(pairs, claims, articles)
    assert found["kind"] == "stronger_claim" and sorted(found["ids"]) == ["k1", "k2", "t1"]
    refs = findings_frame([found], claims).loc[0, "claims"]
    assert [r.get("part", "body") for r in refs if r["claim_id"] == "t1"] == ["title"]
    # the headline and the body both state more: the card's two sides say so
    assert {r["claim_id"]: r["side"] for r in refs} == {"t1": "stronger", "k1": "stronger", "k2": "weaker"}


def test_an_nli_contradiction_needs_two_claims_about_one_thing():
    # quotes that share a word at most are about different things, whatever NLI says
    claims = pd.DataFrame({
        "claim_id": ["k0", "k1", "k2", "k3"], "article_id": ["a0", "a1", "a2", "a3"], "hedge_score": 0.0,
        "text": ["I know what I have done.", "I don't know what to say.",
                 "The Varne ferry resumed sailing on Monday.", "The Varne ferry has not resumed sailing."],
    })  # fmt: skip
    pairs = pd.DataFrame([_pair(0.02, 0.02, c_ab=0.95, c_ba=0.95, claim_a="k0", claim_b="k1"),
                          _pair(0.02, 0.02, c_ab=0.95, c_ba=0.95, claim_a="k2", claim_b="k3")])  # fmt: skip
    assert label_relations(pairs, RelationConfig(), claims)["relation"].tolist() == ["related", "contradiction"]
    loose = RelationConfig(contra_shared_words=0)
    assert label_relations(pairs, loose, claims)["relation"].tolist() == ["contradiction", "contradiction"]


def test_claims_of_an_intra_article_conflict_are_contradicted_as_the_legend_says():
    from checker.steps.relations import conclude

    articles = pd.DataFrame({"article_id": ["a1"], "source": ["North"], "text": [""]})
    claims = pd.DataFrame({
        "claim_id": ["k1", "k2"], "article_id": ["a1", "a1"], "cluster_id": ["c1", "c2"],
        "text": ["Varne accepted the ferry plan.", "Varne rejected the ferry plan."],
        "hedges": "", "hedge_score": 0.0, "start": [0, 31], "end": [30, 60],
    })  # fmt: skip
    pairs = pd.DataFrame([_pair(0.1, 0.1, claim_a="k1", claim_b="k2", article_a="a1", article_b="a1",
                                opposed="accepted vs rejected (plan)", kind="intra")])  # fmt: skip
    _, with_status, _, found = conclude(articles, claims, pairs, pd.DataFrame(columns=RESIDUE))
    assert found["kind"].tolist() == ["intra_article_conflict"]
    assert with_status["status"].tolist() == ["contradicted", "contradicted"]


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        # one outlet adds a word or two to the wire sentence: it states more, NLI's 0.94 notwithstanding
        ("The new tram line will be 12 kilometres long and cost 900 million euros.",
         "The tram line will be 12 kilometres long and cost 900 million euros.", "a_stronger"),
        ("The tram line will be 12 kilometres long and cost 900 million euros.",
         "The tram line will be 12 kilometres long and cost 900 million euros, officials said.", "b_stronger"),
        # an added denial is no copy; too short a sentence is left to NLI; nor are four added words
        ("The tram line will not be 12 kilometres long and cost 900 million euros.",
         "The tram line will be 12 kilometres long and cost 900 million euros.", "contradiction"),
        ("The new line opened.", "The line opened.", "contradiction"),
        ("The tram line will be 12 kilometres long and cost 900 million euros in the end, officials said.",
         "The tram line will be 12 kilometres long and cost 900 million euros.", "contradiction"),
    ],
)  # fmt: skip
def test_a_copy_with_a_word_or_two_added_is_the_stronger_claim_never_a_contradiction(a, b, relation):
    claims = pd.DataFrame({"claim_id": ["k0", "k1"], "article_id": ["a0", "a1"], "text": [a, b], "hedge_score": 0.0})
    pairs = pd.DataFrame([_pair(0.05, 0.05, c_ab=0.94, c_ba=0.94, claim_a="k0", claim_b="k1")])
    loose = RelationConfig(contra_needs_negation=False)  # NLI's contradiction stands where no rule decides
    assert label_relations(pairs, loose, claims)["relation"].item() == relation


def test_a_hedged_claim_is_overclaimed_only_when_nli_is_sure_the_stronger_entails_it():
    # "a storm may have cut the line" against a claim that adds a cause and a cost: NLI's one-way
    # entailment at 0.7 is one claim telling more, not one outlet stating more than the other supports
    claims = pd.DataFrame(
        {
            "claim_id": ["s", "w"],
            "text": [
                "Engineers say a storm cut the power line to the island, costing the utility $2 million.",
                "The island's power line may have been cut in a storm.",
            ],
            "hedges": ["", "may"],
            "hedge_score": [0.0, 0.5],
            "cluster_id": ["c1", "c1"],
        }
    )
    unsure = label_relations(pd.DataFrame([_pair(0.7, 0.05, claim_a="s", claim_b="w")]))
    sure = label_relations(pd.DataFrame([_pair(0.95, 0.05, claim_a="s", claim_b="w")]))
    assert unsure["relation"].item() == sure["relation"].item() == "a_stronger"
    assert overclaims(unsure, claims).tolist() == [False]
    assert overclaims(sure, claims).tolist() == [True]
    assert overclaims(unsure, claims, RelationConfig(overclaim_threshold=0.6)).tolist() == [True]
    # the same words but for the hedge need no such certainty
    close = claims.assign(text=["The power line was cut in a storm.", "The power line may have been cut in a storm."])
    assert overclaims(unsure, close).tolist() == [True]
