"""tools/bench/alarms.py: FNC-1 bodies as articles and the one-way score read back from a finding."""

from __future__ import annotations

import pandas as pd

from tools.bench import alarms


def test_each_body_is_its_own_outlet(tmp_path):
    (tmp_path / "stance/fnc-1").mkdir(parents=True)
    pd.DataFrame({"Body ID": [3, 8, 9], "articleBody": ["a.", "b.", "c."]}).to_csv(
        tmp_path / "stance/fnc-1/bodies.csv", index=False
    )
    frame = alarms.bodies(tmp_path, 2, seed=7)
    assert len(frame) == 2 and (frame["article_id"] == frame["source"]).all()
    assert frame["article_id"].str.startswith("fnc").all()
    assert alarms.bodies(tmp_path, 2, seed=7).equals(frame)  # the same draw for a seed


def test_the_larger_one_way_score_of_an_nli_contradiction():
    found = pd.DataFrame(
        {
            "kind": ["contradiction", "contradiction", "stronger_claim"],
            "score": [0.94, 1.0, 0.5],
            "why": [
                "NLI contradiction 0.21 a→b, 0.94 b→a; entailment 0.02 / 0.03",
                "rule opposite verbs: reopened vs remains closed (bridge)",
                "NLI entailment 0.80 stronger→weaker, 0.30 back; hedged: no",
            ],
        }
    )
    assert alarms.nli_contradiction_scores(found) == [0.94]
