import numpy as np
import pandas as pd

from checker.config import PairConfig
from checker.steps.pairs import candidates, frame_neighbours, lexical_neighbours, select_pairs

CLAIMS = pd.DataFrame(
    {
        "claim_id": ["k3", "k1", "k2", "k4"],
        "article_id": ["a1", "a2", "a1", "a3"],
        "cluster_id": ["c", "c", "c", "d"],
    }
)


def _nn(rows):
    return pd.DataFrame(rows, columns=["a", "b", "similarity"])


def test_pairs_are_canonical_and_deduplicated():
    nn = _nn([(0, 1, 0.9), (1, 0, 0.9), (0, 2, 0.8), (0, 3, 0.4)])
    out = select_pairs(CLAIMS, nn)
    assert out[["claim_a", "claim_b", "kind"]].values.tolist() == [
        ["k1", "k3", "cross"],
        ["k2", "k3", "intra"],
    ]
    assert (out["claim_a"] < out["claim_b"]).all()


def test_lexical_candidates_bypass_the_similarity_floor():
    nn = pd.DataFrame({"a": [0, 0], "b": [3, 1], "similarity": [0.4, 0.2], "lexical": [np.nan, 0.5]})
    out = select_pairs(CLAIMS, nn)
    assert out[["claim_a", "claim_b"]].values.tolist() == [["k1", "k3"]]  # dense 0.4 < 0.45 dropped


def test_lexical_neighbours_find_negated_restatements():
    texts = [
        "The talks ended without any agreement on a prisoner exchange.",
        "No Ukrainian officials attended the talks.",
        "The two sides agreed on a prisoner exchange of 150 prisoners on each side.",
        "Oil prices rose sharply on Monday.",
    ]
    nn = lexical_neighbours(texts, 1, min_similarity=0.1)
    assert dict(zip(nn["a"], nn["b"], strict=True))[0] == 2
    assert 3 not in set(nn["a"])  # nothing in common with the others: below the floor
    assert lexical_neighbours(["?", "!"], 2).empty


def test_candidates_add_lexical_rows_with_their_cosine():
    texts = ["The talks ended without an agreement.", "The sides reached an agreement at the talks."]
    vectors = np.array([[1.0, 0.0], [0.6, 0.8]])
    dense = _nn([(0, 1, 0.6)])
    config = PairConfig(lexical_neighbours=1, min_lexical=0.1)
    out = candidates(texts, np.arange(2), lambda pos: vectors[pos], dense, None, config)
    lexical = out[out["lexical"].notna()]
    assert len(out) == 3 and sorted(zip(lexical["a"], lexical["b"], strict=True)) == [(0, 1), (1, 0)]
    assert lexical["similarity"].tolist() == [0.6, 0.6]


def test_candidates_of_new_claims_only_keep_their_rows_and_stored_neighbours():
    texts = [
        "The talks ended without an agreement.",  # stored
        "The sides reached an agreement at the talks.",  # new
        "Oil prices rose on Monday.",  # new
    ]
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    stored = pd.DataFrame({"a": [0], "b": [0], "similarity": [0.6]})  # new row 0 (text 1) near text 0
    config = PairConfig(lexical_neighbours=1, min_lexical=0.1)
    out = candidates(texts, np.array([1, 2]), lambda pos: vectors[pos], _nn([]), stored, config)
    assert set(out["a"]) <= {1, 2}  # rows of stored claims are never added again
    assert (1, 0) in set(zip(out["a"], out["b"], strict=True))


def test_intra_pairs_can_be_switched_off_and_similarity_floor():
    nn = _nn([(0, 1, 0.9), (0, 2, 0.8)])
    assert select_pairs(CLAIMS, nn, PairConfig(intra_article=False))["kind"].tolist() == ["cross"]
    assert select_pairs(CLAIMS, nn, PairConfig(min_similarity=0.85))["claim_b"].tolist() == ["k3"]


def test_neighbours_per_claim_are_bounded():
    claims = pd.DataFrame(
        {
            "claim_id": [f"k{i:02d}" for i in range(20)],
            "article_id": [f"a{i}" for i in range(20)],
            "cluster_id": ["c"] * 20,
        }
    )
    nn = _nn([(i, j, 0.9 - 0.001 * j) for i in range(20) for j in range(20) if i != j])
    out = select_pairs(claims, nn, PairConfig(neighbours=3))
    # every claim keeps its 3 best partners (k00..k03 for the first four, k00..k02 for the rest):
    # 6 pairs among k00..k03 plus 3 for each of the other 16 claims, linear in the number of claims
    assert len(out) == 6 + 16 * 3


def test_claims_sharing_a_predicate_frame_are_paired_however_far_apart_their_embeddings():
    # a headline and a body sentence on one actor's stance on one thing: cosine 0.1, no shared wording
    # needed; a reporting frame ("told reporters") and a frame without a named actor pair nothing
    frames = [
        [("consent", 1, "belvaria", "quota", "agrees", 2)],
        [("consent", 1, "belvaria", "quota", "not object", 1), ("tell", 1, "oduya", "reporter", "told", 2)],
        [("tell", 1, "oduya", "reporter", "told", 2)],
        [("consent", 1, "", "quota", "accepted", 2)],
    ]
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = [0.1, np.sqrt(0.99), 0, 0]
    empty = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)})
    texts = ["Belvaria Agrees to Quotas", "Lumen", "Ferro", "Quartz"]
    found = candidates(texts, np.arange(4), lambda pos: vectors[pos], empty, frames=frames)
    claims = pd.DataFrame({"claim_id": ["k0", "k1", "k2", "k3"], "article_id": ["a0", "a1", "a2", "a3"]})
    out = select_pairs(claims, found)
    assert out[["claim_a", "claim_b", "similarity"]].values.tolist() == [["k0", "k1", 0.1]]
    assert select_pairs(claims, found, PairConfig(frame_neighbours=0)).empty


def test_frame_neighbours_per_claim_are_bounded_and_crowded_frames_skipped():
    frames = [[("consent", 1, "belvaria", "quota", "agreed", 2)]] * 12
    claims = pd.DataFrame({"claim_id": [f"k{i:02d}" for i in range(12)], "article_id": [f"a{i}" for i in range(12)]})
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(12, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    empty = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)})
    found = candidates([f"word{i}" for i in range(12)], np.arange(12), lambda pos: vectors[pos], empty, frames=frames)
    out = select_pairs(claims, found, PairConfig(frame_neighbours=2))
    per_claim = pd.concat([out["claim_a"], out["claim_b"]]).value_counts()
    assert len(out) <= 12 * 2 and per_claim.min() >= 2  # each keeps its 2 closest; linear in claims
    assert frame_neighbours([{"k"}] * 60, np.arange(60)).empty  # a key 60 claims share says nothing


def test_claims_naming_one_person_in_two_spellings_one_slip_apart_are_paired():
    # one entity across the corpus: "Ekervald" / "Ekerwald" whatever else the claims say; the same
    # spelling, a name two letters away (a transliteration) and a short name pair nothing
    def person(text):
        return [{"kind": "name", "label": "PERSON", "text": text}]

    values = [person("Minister Ekervald"), person("Ekerwald"), person("Ekervald"), person("Ekerwalt"),
              person("Ekervalt Dunn"), person("Akerwild"), [{"kind": "name", "label": "GPE", "text": "Ekerwald"}],
              person("Ivo Ise")]  # fmt: skip
    vectors = np.eye(8, dtype=np.float32)
    empty = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)})
    found = candidates([f"text {i}" for i in range(8)], np.arange(8), lambda pos: vectors[pos], empty, values=values)
    claims = pd.DataFrame({"claim_id": [f"k{i}" for i in range(8)], "article_id": [f"a{i}" for i in range(8)]})
    pairs = select_pairs(claims, found, PairConfig(frame_neighbours=5))
    assert sorted(map(tuple, pairs[["claim_a", "claim_b"]].values.tolist())) == [
        ("k0", "k1"), ("k0", "k4"), ("k1", "k2"), ("k1", "k3"), ("k2", "k4"), ("k3", "k4"),
    ]  # fmt: skip
    assert select_pairs(claims, found, PairConfig(frame_neighbours=0)).empty


def test_claims_reading_one_game_clock_a_second_or_two_apart_are_paired():
    # "with 9:12 left" / "with 9:11 to go" in a long sentence and a short one: one moment, paired
    # whatever their embeddings; a reading far off, or counted the other way, pairs nothing
    from checker.rules.values import extract_values

    texts = ["Lund, who had already scored twice, made it 3-1 on a rebound with 9:12 left in the third.",
             "Lund scored on a rebound with 9:11 to go.", "Lund scored again with 4:40 left.",
             "The goal came 9 minutes 11 seconds into the third.", "Lund scored with 9:12 remaining."]  # fmt: skip
    values = [extract_values(t) for t in texts]
    vectors = np.eye(5, dtype=np.float32)
    empty = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)})
    found = candidates(texts, np.arange(5), lambda pos: vectors[pos], empty, values=values)
    claims = pd.DataFrame({"claim_id": [f"k{i}" for i in range(5)], "article_id": [f"a{i}" for i in range(5)]})
    pairs = select_pairs(claims, found, PairConfig(lexical_neighbours=0, frame_neighbours=3))
    assert sorted(map(tuple, pairs[["claim_a", "claim_b"]].values.tolist())) == [("k0", "k1"), ("k1", "k4")]


def test_claims_stating_one_figure_flat_and_in_doubt_are_paired():
    # a long sentence with the figure among other facts, and a short one that doubts it: paired
    # whatever their embeddings; another figure, a figure of another unit, or two flat statements pair nothing
    from checker.rules.values import extract_values
    from checker.steps.pairs import doubt_neighbours

    texts = ["The ferry, which left Tarn at dawn with 40 passengers aboard, lost three crew members in the storm.",
             "Perhaps three crew members were lost.", "Perhaps four crew members were lost.",
             "Three crew members drowned.", "Perhaps three miles off the coast, the ferry sank."]  # fmt: skip
    values = [extract_values(t) for t in texts]
    assert [v.get("hedge", "") for v in values[1]] == ["perhaps"]
    found = doubt_neighbours(values, np.arange(5))
    assert sorted(set(map(tuple, np.sort(found[["a", "b"]].to_numpy(), axis=1).tolist()))) == [(0, 1), (1, 3)]


def test_claims_stating_figures_of_one_unit_that_disagree_are_paired():
    # "86-yard" / "84-yard" in sentences far apart; agreeing figures, other units, clocks and a unit
    # too many claims state pair nothing
    from checker.rules.values import extract_values
    from checker.steps.pairs import figure_neighbours

    texts = ["Lund, who scored twice, broke an 86-yard run early in the third.", "Lund's 84-yard run sealed it.",
             "Lund ran 86 yards.", "About 85 yards of the pitch were flooded.", "Lund scored with 9:12 left.",
             "Lund scored with 4:40 left.", "Lund was 30."]  # fmt: skip
    values = [extract_values(t) for t in texts]
    found = figure_neighbours(values, np.arange(len(texts)))
    pairs = sorted(set(map(tuple, np.sort(found[["a", "b"]].to_numpy(), axis=1).tolist())))
    assert pairs == [(0, 1), (1, 2)]
    assert figure_neighbours(values, np.arange(len(texts)), max_group=2).empty


def test_each_claim_keeps_its_closest_figures_as_figure_partners():
    # "86-yard" against 84, 226 and 101 yards: with one figure partner, the 84-yard claim is kept, however
    # much closer the others are by embedding; figure partners come on top of the frame partners
    from checker.rules.values import extract_values

    texts = ["Lund broke an 86-yard run.", "Lund ran for 226 yards.", "Berg ran for 101 yards.",
             "The team's longest play was an 84-yard scamper."]  # fmt: skip
    values = [extract_values(t) for t in texts]
    vectors = np.array([[1, 0], [1, 0.01], [1, 0.02], [0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    empty = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int), "similarity": pd.Series(dtype=float)})
    found = candidates(texts, np.array([0]), lambda pos: vectors[pos], empty, values=values)
    claims = pd.DataFrame({"claim_id": [f"k{i}" for i in range(4)], "article_id": [f"a{i}" for i in range(4)]})
    pairs = select_pairs(claims, found, PairConfig(lexical_neighbours=0, frame_neighbours=1))
    assert pairs[["claim_a", "claim_b"]].values.tolist() == [["k0", "k3"]]
