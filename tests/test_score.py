"""Tests for checker.steps.score: NLI both ways, near-copies by rule, detail checks, pair rules."""

import pandas as pd

from checker.steps.relations import claim_status, label_relations
from checker.steps.score import detail_checks, pair_rules, score_pairs
from tests.fakes import FakeNLI


def _claims(*texts, values=None):
    return pd.DataFrame(
        {
            "claim_id": [f"k{i}" for i in range(len(texts))],
            "article_id": [f"a{i}" for i in range(len(texts))],
            "text": list(texts),
            "hedge_score": 0.0,
            "values": values or [[] for _ in texts],
        }
    )


def test_identical_and_near_identical_sentences_never_reach_the_model():
    claims = _claims(
        "The two sides agreed on a prisoner exchange of 150 prisoners on each side.",
        "The two sides agreed on a prisoner exchange of 150 prisoners on each side.",  # wire copy
        "The two sides agreed on a “prisoner exchange” of 150 prisoners on each side [2].",
        "Talks ended without a deal.",
    )
    pairs = pd.DataFrame({"claim_a": ["k0", "k0", "k0"], "claim_b": ["k1", "k2", "k3"]})
    nli = FakeNLI()
    scored = score_pairs(pairs, claims, nli)
    assert nli.n_pairs == 2  # only k0 vs k3, both ways
    assert scored["p_entail_ab"].tolist()[:2] == [1.0, 1.0] and scored["p_contra_ba"].tolist()[:2] == [0.0, 0.0]
    labelled = label_relations(scored.assign(similarity=0.99, article_a="a0", article_b=["a1", "a2", "a3"]),
                               claims=claims)  # fmt: skip
    assert labelled["relation"].tolist()[:2] == ["equivalent", "equivalent"]


def test_shared_wire_copy_is_counted_as_not_independent_corroboration():
    claims = _claims("Oil prices rose 3 % on Monday.", "Oil prices rose 3 % on Monday.", "Oil rose 3 % on Monday.")
    pairs = pd.DataFrame(
        {"claim_a": ["k0", "k0"], "claim_b": ["k1", "k2"], "article_a": ["a0", "a0"], "article_b": ["a1", "a2"],
         "relation": ["equivalent", "equivalent"]}
    )  # fmt: skip
    status = claim_status(claims, pairs).set_index("claim_id")
    assert status.loc["k0", "n_sources"] == 2 and status.loc["k0", "n_copies"] == 1


def test_detail_checks_score_the_claims_with_one_value_swapped():
    values = [
        [{"kind": "number", "text": "10 people", "start": 17, "end": 26, "lo": 10, "hi": 10, "unit": "people",
          "noun": "people", "key": "10 people"}],
        [{"kind": "number", "text": "12 people", "start": 17, "end": 26, "lo": 12, "hi": 12, "unit": "people",
          "noun": "people", "key": "12 people"}],
    ]  # fmt: skip

    class Recording(FakeNLI):
        def predict(self, premises, hypotheses):
            self.seen = list(zip(premises, hypotheses, strict=True))
            return super().predict(premises, hypotheses)

    nli = Recording()
    claims = _claims("The quake killed 10 people.", "The quake killed 12 people.", values=values)
    (checks,) = detail_checks(pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), claims, nli)
    assert nli.seen == [("The quake killed 10 people.",) * 2] * 2  # b with a's value, both ways
    (check,) = checks
    assert check["kind"] == "number_mismatch" and check["slot"] == "number of people"
    assert check["p_ab"] > 0.5 and check["p_ba"] > 0.5


def test_pair_rules_read_frames_and_need_no_parser():
    claims = pd.DataFrame(
        {"claim_id": ["k1", "k2"], "text": ["x", "y"],
         "frames": [[("open", 1, "bridge", "traffic", "reopened")], [("open", -1, "bridge", "traffic", "not reopened")]]}
    )  # fmt: skip
    out = pair_rules(pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]}), claims)
    assert out["opposed"].tolist() == ["reopened vs not reopened (traffic)"]


def _name(text, label, start, kind="name"):
    return {"kind": kind, "text": text, "label": label, "start": start, "end": start + len(text), "key": text.lower()}


def test_a_value_in_the_speaker_phrase_of_a_quote_is_not_a_value_of_the_fact():
    # the differing names sit in who said it (a clinic's town, the agency told), not in what was said
    a = '"About 40 people were hurt when the roof fell in," Ilse Varga, a nurse at a clinic in Dorn, told Ravenpost.'
    b = '"About 40 people were hurt when the roof fell in," said Ilse Varga, a nurse at a clinic in Kell county.'
    values = [[_name("Ravenpost", "ORG", a.index("Ravenpost"))], [_name("Kell", "ORG", b.index("Kell"))]]
    nli = FakeNLI()
    checks = detail_checks(pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a, b, values=values), nli)
    assert checks == [[]] and nli.n_pairs == 0
    # the same two names inside what is reported are compared
    a2, b2 = "The roof fell in at Ravenpost on Monday.", "The roof fell in at Kell on Monday."
    values2 = [[_name("Ravenpost", "ORG", 20)], [_name("Kell", "ORG", 20)]]
    (checks2,) = detail_checks(pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a2, b2, values=values2), nli)
    assert [c["kind"] for c in checks2] == ["entity_mismatch"]


def test_a_name_the_corpus_also_labels_a_place_is_no_misspelt_person():
    # a small tagger calls a town a person here and a place in another claim: two spellings of a town
    texts = ["Marta Ilves visited Korvenu on Monday.", "Marta Ilves visited Korvenuu on Monday.", "Korvenu lies inland."]
    values = [[_name("Korvenu", "PERSON", 20)], [_name("Korvenuu", "PERSON", 20)], [_name("Korvenu", "GPE", 0, "place")]]
    pairs = pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]})
    (checks,) = detail_checks(pairs, _claims(*texts, values=values), FakeNLI())
    assert [c["misspelt"] for c in checks] == [False]
    (alone,) = detail_checks(pairs, _claims(*texts[:2], values=values[:2]), FakeNLI())
    assert [c["misspelt"] for c in alone] == [True]  # with no place label anywhere: a person's name


def test_two_directions_from_one_place_are_one_fact_only_at_one_distance():
    # "north of Varne" and "south of Varne": the same fact only when both give the same distance;
    # otherwise NLI is not asked (swapping the town's name for itself would test nothing)
    def town(start, bearing):
        return {**_name("Varne", "GPE", start, kind="place"), "bearing": bearing}

    def km(n, start):
        return {"kind": "number", "text": f"{n} km", "start": start, "end": start + 5, "lo": n * 0.621, "hi": n * 0.621,
                "unit": "mile", "noun": "km", "key": f"{n} km", "exact": True}  # fmt: skip

    texts = ["The quake hit 30 km north of Varne.", "The quake hit 30 km south of Varne.", "A tremor hit 80 km south of Varne."]
    values = [[km(30, 14), town(29, "north")], [km(30, 14), town(29, "south")], [km(80, 13), town(28, "south")]]
    nli = FakeNLI()
    claims = _claims(*texts, values=values)
    same, other = detail_checks(pd.DataFrame({"claim_a": ["k0", "k0"], "claim_b": ["k1", "k2"]}), claims, nli)
    assert [(c["kind"], c["slot"], c["a"]["text"], c["b"]["text"], c["shared"]) for c in same] == [
        ("place_mismatch", "direction from Varne", "north of Varne", "south of Varne", "30 km")
    ]
    assert [c["kind"] for c in other] == ["number_mismatch"]  # the distances differ; the directions are no finding


def test_one_name_swapped_in_the_same_words_is_a_mismatch_whatever_the_tagger_labels():
    # the tagger calls one town an organisation and the other a place; the sentences are otherwise equal
    a = "The ministers met in Ostrava Hill for two days of talks on the new rail line."
    b = "The ministers met in Karsholm for two days of talks on the new rail line."
    values = [[_name("Ostrava Hill", "ORG", 21)], [_name("Karsholm", "GPE", 21, kind="place")]]
    nli = FakeNLI()
    (checks,) = detail_checks(pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a, b, values=values), nli)
    assert [(c["kind"], c["a"]["text"], c["b"]["text"], c["swapped"]) for c in checks] == [
        ("place_mismatch", "Ostrava Hill", "Karsholm", True)
    ]
    assert nli.n_pairs == 0  # decided by rule
    # another word differs too: no rule, and names of two labels are not compared
    c = "The ministers met in Karsholm for three days of talks on the new rail line."
    values_c = [[_name("Ostrava Hill", "ORG", 21)], [_name("Karsholm", "GPE", 21, kind="place")]]
    (none,) = detail_checks(pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a, c, values=values_c), nli)
    assert none == []


def test_a_premise_of_several_sentences_is_scored_by_windows_where_the_scorer_can():
    from checker.models.nli import aggregate_windows, sentence_windows

    class Windowed(FakeNLI):
        """FakeNLI with CrossEncoderNLI's window scoring: each sentence of the premise on its own."""

        def predict_windows(self, premises, hypotheses):
            texts, owner = [], []
            for i, premise in enumerate(premises):
                texts += sentence_windows(premise)
                owner += [i] * len(sentence_windows(premise))
            scored = self.predict(texts, [hypotheses[i] for i in owner])
            return aggregate_windows(scored, pd.Series(owner).to_numpy(), len(premises), "max-entail")

    # a denial in another sentence of the premise must not decide the pair (one pass reads it so)
    long_claim = "Officials did not give a reason for the delay. Tolls start in June."
    claims = _claims(long_claim, "Tolls start in June.")
    pairs = pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]})
    plain, windowed = score_pairs(pairs, claims, FakeNLI()), score_pairs(pairs, claims, Windowed())
    assert plain["p_contra_ab"].item() > 0.5
    assert windowed["p_entail_ab"].item() > 0.5 and windowed["p_contra_ab"].item() < 0.5


def test_two_venues_of_one_event_in_one_story_are_a_place_mismatch_by_rule():
    # "the summit" held in Brevik by one outlet and in Osterhavn by another, both outlets naming the same
    # leaders: one event, two venues, whatever NLI makes of the rest of the sentences
    def venue(name, start, holder, anchor):
        return {**_name(name, "GPE", start, kind="place"), "anchor": anchor, "holder": holder,
                "holder_words": [], "holder_ids": []}  # fmt: skip

    leaders = [_name("Ada Lorn", "PERSON", 0), _name("Teo Marsk", "PERSON", 13)]
    texts = ["The summit was held in Brevik.", "The meeting took place in Osterhavn, its largest port.",
             "Ada Lorn and Teo Marsk met.", "Ada Lorn and Teo Marsk shook hands.", "The summit was held in Brevik."]  # fmt: skip
    values = [[venue("Brevik", 23, "summit", "hold")], [venue("Osterhavn", 26, "meeting", "take")], leaders, leaders,
              [venue("Brevik", 23, "summit", "hold")]]  # fmt: skip
    claims = _claims(*texts, values=values).assign(article_id=["a1", "a2", "a1", "a2", "a3"])
    pairs = pd.DataFrame({"claim_a": ["k0", "k4"], "claim_b": ["k1", "k1"]})
    one_story, other_story = detail_checks(pairs, claims, FakeNLI())
    assert [(c["kind"], c["same_event"]) for c in one_story] == [("place_mismatch", "meeting")]
    assert [c["same_event"] for c in other_story] == [""]  # article a3 names neither leader


def test_one_game_clock_read_a_second_apart_in_one_story_is_a_number_mismatch_by_rule():
    # two outlets on one game (both name the same two players) put one basket a second apart; an
    # outlet on another game at a nearby reading is not the same moment
    from checker.rules.values import extract_values

    players = [_name("Ada Lorn", "PERSON", 0), _name("Teo Marsk", "PERSON", 13)]
    texts = ["Lorn broke the record with a jumper from the wing, her ninth of the night, with 3:18 left.",
             "She hit the record shot with 3:17 to go.", "Ada Lorn and Teo Marsk both started.",
             "Ada Lorn and Teo Marsk both scored.", "The winner came with 3:17 left."]  # fmt: skip
    values = [extract_values(texts[0]), extract_values(texts[1]), players, players, extract_values(texts[4])]
    claims = _claims(*texts, values=values).assign(article_id=["a1", "a2", "a1", "a2", "a3"])
    pairs = pd.DataFrame({"claim_a": ["k0", "k0"], "claim_b": ["k1", "k4"]})
    one_game, other_game = detail_checks(pairs, claims, FakeNLI())
    assert [(c["kind"], c["clock_slip"]) for c in one_game] == [("number_mismatch", True)]
    assert [c["clock_slip"] for c in other_game] == [False]  # article a3 names neither player


def test_a_venue_needs_a_definite_event_of_one_kind():
    from checker.rules.details import same_event

    def venue(holder, anchor="hold", ids=()):
        return {"kind": "place", "key": "x", "anchor": anchor, "holder": holder, "holder_words": list(ids),
                "holder_ids": list(ids)}  # fmt: skip

    assert same_event(venue("talk"), venue("summit", anchor="take")) == "meeting"
    assert same_event(venue("talk", anchor="talk"), venue("meeting")) == "meeting"  # "the talks in X"
    assert same_event(venue("talk"), venue("vote")) == ""  # two kinds of event
    assert same_event(venue("summit", ids=["2024"]), venue("summit", ids=["2025"])) == ""  # two summits
    assert same_event(venue("summit"), venue("summit", anchor="leave")) == ""  # left X: no venue
    indefinite = {k: v for k, v in venue("talk").items() if k not in ("holder_words", "holder_ids")}
    assert same_event(indefinite, venue("talk")) == ""  # "talks were held in X": which talks?


def test_a_value_inside_a_longer_claim_is_also_tested_on_its_clause():
    # claim a packs two facts; its clause "the ferry carried 40 people" says the same as claim b once
    # b's figure is a's, though the whole claims do not entail each other
    a = "Rescuers, who arrived at dawn, said the ferry carried 40 people and that the captain had been warned twice."
    b = "The ferry carried 52 people."
    start_a, start_b = a.index("40 people"), b.index("52 people")

    def fig(n, start, clause=None, at=None):
        v = {"kind": "number", "text": f"{n} people", "start": start, "end": start + len(f"{n} people"), "lo": n,
             "hi": n, "unit": "people", "noun": "people", "key": f"{n} people"}  # fmt: skip
        return {**v, "clause": clause, "clause_at": at} if clause else v

    values = [[fig(40, start_a, "the ferry carried 40 people", 18)], [fig(52, start_b)]]
    (checks,) = detail_checks(
        pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a, b, values=values), FakeNLI()
    )
    (check,) = checks
    assert check["tested_on"] == "clause" and min(check["p_ab"], check["p_ba"]) >= 0.9
    without = [[fig(40, start_a)], [fig(52, start_b)]]
    (checks,) = detail_checks(
        pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]}), _claims(a, b, values=without), FakeNLI()
    )
    assert checks[0]["tested_on"] == "claims" and min(checks[0]["p_ab"], checks[0]["p_ba"]) < 0.9


def test_a_figure_flat_in_one_story_and_in_doubt_in_another_is_a_stronger_claim_by_rule():
    from checker.rules.values import extract_values

    texts = ["Nine boats and possibly 30 fishermen were lost off Tarn, the Kell coastguard said.",
             "30 fishermen were lost near Tarn when the Kell storm broke.",
             "A spokesman said 30 fishermen were lost."]  # fmt: skip
    places = [[_name("Tarn", "GPE", 0, "place"), _name("Kell", "GPE", 0, "place")]] * 2 + [[]]
    values = [extract_values(t) + p for t, p in zip(texts, places, strict=True)]
    claims = _claims(*texts, values=values)
    pairs = pd.DataFrame({"claim_a": ["k0", "k0"], "claim_b": ["k1", "k2"]})
    out = pair_rules(pairs, claims)
    # k0 and k1 name two places besides the figure: one story, and k1 states the figure flat
    # k2 shares no names with k0: the same figure may be another event's
    assert out["stronger"].tolist() == ["b: 30 fishermen vs possibly 30 fishermen (figure)", ""]
    # the same two claims in one article: no rule (one outlet qualifying its own figure)
    same = pair_rules(pairs.iloc[:1], claims.assign(article_id="a0"))
    assert same["stronger"].tolist() == [""]


def test_in_one_article_a_shared_name_does_not_tie_two_figures_of_one_verb():
    # a match report: Lund threw a 41-yard pass and later a 10-yard pass; in two outlets the same words
    # would be one throw told two ways
    texts = ["Lund threw a 41-yard touchdown pass to Berg.", "Lund threw a 10-yard touchdown pass to Berg."]
    from checker.rules.values import extract_values

    values = [extract_values(t) + [_name("Lund", "PERSON", 0)] for t in texts]
    for stated in values:
        for v in stated:
            v.setdefault("anchor", "throw")
    pairs = pd.DataFrame({"claim_a": ["k0"], "claim_b": ["k1"]})
    (cross,) = detail_checks(pairs, _claims(*texts, values=values), FakeNLI())
    (intra,) = detail_checks(pairs, _claims(*texts, values=values).assign(article_id="a0"), FakeNLI())
    assert [c["shared"] for c in cross] == ["Lund"]
    assert [c["shared"] for c in intra] == [""]
