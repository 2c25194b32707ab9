"""Tests for checker.nightly.store: schema and migrations, the lock, transactions, the rows the nightly job keeps."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from checker.errors import StoreError, StoreLockedError
from checker.nightly.schema import MIGRATIONS, SCHEMA_VERSION
from checker.nightly.store import Store
from checker.schemas import ARTICLES, FINDINGS


def _articles(*ids: str) -> pd.DataFrame:
    rows = [
        [i, "Wire", f"Title {i}", "", "2026-01-01", f"{i}.txt", f"Text of {i}.", ["Share this"]] for i in ids
    ]
    return pd.DataFrame(rows, columns=ARTICLES)


def _findings(*ids: str) -> pd.DataFrame:
    rows = [
        [i, "contradiction", 0.9, "c-k1", f"finding {i}", [{"claim_id": "k1", "start": 0}], "", ""]
        for i in ids
    ]
    return pd.DataFrame(rows, columns=FINDINGS)


@pytest.fixture
def db(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


def test_new_store_is_at_the_current_schema_version(db):
    assert db.sql.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
    assert db.get_meta("created")
    assert db.run_counts().empty


def test_a_version_1_store_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn.cursor())
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO runs (run_id, started, status) VALUES (1, '2026-01-01T00:00:00', 'done')")
    conn.execute(
        "INSERT INTO findings (finding_id, kind, claims, first_run, active) VALUES ('f1', 'contradiction', "
        "'[]', 1, 1)"
    )
    conn.execute("INSERT INTO pairs (claim_a, claim_b, cluster_key, run_id) VALUES ('k1', 'k2', 'c', 1)")
    conn.execute(
        "INSERT INTO scores (claim_a, claim_b, nli_key, p_entail_ab, p_contra_ab, p_neutral_ab, p_entail_ba, "
        "p_contra_ba, p_neutral_ba, truncated, run_id) VALUES ('k1', 'k2', 'n', 0.1, 0.1, 0.8, 0.1, 0.1, 0.8, 0, 1)"
    )
    conn.close()
    with Store(path) as db:
        assert db.sql.schema_version() == SCHEMA_VERSION
        assert db.run(1)["attempts"] == 1 and db.run(1)["status"] == "done"
        assert db.findings()[["finding_id", "first_run"]].values.tolist() == [["f1", 1]]
        assert db.findings()["resolved_run"].isna().all()
        assert "status_changes" in db.dump()
        scored = db.scored_pairs("c", "n")
        assert scored[["claim_a", "p_entail_ab"]].values.tolist() == [["k1", 0.1]]
        assert "opposed" not in scored  # a rule-made column: derived from claim frames at findings time


@pytest.mark.parametrize(
    "content, message",
    [
        ("newer", "newer than this claim-checker understands"),
        ("text", "cannot be opened as a store"),
        ("foreign", "not a claim-checker store"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(content, message, tmp_path):
    path = tmp_path / "store.sqlite"
    if content == "text":
        path.write_text("title,text\n" * 200)
    else:
        conn = sqlite3.connect(path)
        if content == "newer":
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION + 1),))
        else:
            conn.execute("CREATE TABLE orders (id INTEGER)")
        conn.commit()
        conn.close()
    with pytest.raises(StoreError, match=message):
        Store(path).open()


def test_the_lock_refuses_a_second_writer_but_not_a_reader(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as first:
        with pytest.raises(StoreLockedError, match=r"in use by another run \(pid \d+"):
            Store(path).open()
        with Store(path, readonly=True) as reader:
            assert reader.sql.schema_version() == SCHEMA_VERSION
            assert reader.locked_by_other()
        assert not first.locked_by_other()  # its own lock
    with Store(path) as again:
        assert again.sql.schema_version() == SCHEMA_VERSION


def test_readonly_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.sqlite", readonly=True).open()


def test_a_failed_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError), db.transaction():
        db.add_articles(_articles("a1"), run_id=1)
        raise RuntimeError("killed mid-write")
    assert db.article_ids() == set()


def test_rows_are_never_duplicated_and_keep_their_first_run(db):
    db.add_articles(_articles("a1"), run_id=1)
    db.add_articles(_articles("a1", "a2"), run_id=2)
    stored = db.articles()
    assert stored["article_id"].tolist() == ["a1", "a2"]
    assert stored.loc[0, "removed"] == ["Share this"]
    assert [row[-2] for row in db.dump()["articles"]] == [1, 2]  # first_run


def test_embeddings_are_exact_float32_keyed_by_model(db):
    vectors = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32)
    db.add_embeddings(["k1", "k2", "k3"], vectors, "model-a")
    db.add_embeddings(["k2"], vectors[:1] * 2, "model-b")
    assert np.array_equal(db.vectors("model-a", ["k3", "k1"]), vectors[[2, 0]])
    assert np.array_equal(db.vectors("model-b", ["k2"]), vectors[:1] * 2)
    with pytest.raises(StoreError, match="1 claim\\(s\\) have no vector"):
        db.vectors("model-b", ["k1"])


def test_an_unfinished_run_is_resumed_not_duplicated(db):
    assert db.start_run(config={}, models={}) == (1, False)
    assert db.start_run(config={}, models={}) == (1, True)
    assert db.run(1)["attempts"] == 2
    db.finish_run(1)
    assert db.start_run(config={}, models={}) == (2, False)
    assert db.run_counts()["status"].tolist() == ["done", "running"]


def test_findings_remember_the_run_that_first_saw_them(db):
    db.save_findings(_findings("f1", "f2"), run_id=1)
    db.save_findings(_findings("f2", "f3"), run_id=2)
    current = db.findings().set_index("finding_id")
    assert current["first_run"].to_dict() == {"f2": 1, "f3": 2}
    assert db.findings(run_id=2, resolved=True)["finding_id"].tolist() == ["f1"]
    db.save_findings(_findings("f1", "f2", "f3"), run_id=3)  # f1 is found again
    assert db.findings().set_index("finding_id")["first_run"].to_dict() == {"f1": 1, "f2": 1, "f3": 2}
    assert db.findings().loc[0, "claims"] == [{"claim_id": "k1", "start": 0}]


@pytest.mark.parametrize(
    "second, logged",
    [("contested", [("k1", "corroborated", "contested")]), ("corroborated", [])],
)
def test_status_changes_are_logged_per_run(second, logged, db):
    frame = lambda status: pd.DataFrame({"claim_id": ["k1"], "status": [status], "n_sources": [1]})  # noqa: E731
    db.add_claims(
        ["a1"],
        pd.DataFrame(
            {
                "claim_id": ["k1"],
                "article_id": ["a1"],
                "text": ["t"],
                "start": [0],
                "end": [1],
                "sentence_idx": [0],
                "attribution": [""],
                "hedges": [""],
                "hedge_score": [0.0],
            }
        ),
        pd.DataFrame(columns=["article_id", "text", "start", "end", "pattern"]),
        claims_key="x",
        run_id=1,
    )
    db.save_statuses(frame("corroborated"), run_id=1)  # first status: not a change
    db.save_statuses(frame("contradicted"), run_id=2)
    db.save_statuses(frame(second), run_id=2)  # a resumed run 2 recomputes: "before" stays corroborated
    changes = db.changes(2, "any")["status_changes"]
    assert (
        list(changes[["claim_id", "old_status", "new_status"]].itertuples(index=False, name=None)) == logged
    )


def test_digest_sees_every_row_and_skips_what_it_is_told(db):
    empty = db.digest()
    db.start_run(config={}, models={})
    assert db.digest() != empty
    assert db.digest(skip={"runs": ["started"]}) != db.digest()
    assert db.dump(skip={"runs": ["started", "config", "models"]})["runs"] == [
        (1, None, "running", None, None, 1)
    ]


def test_vectors_keep_order_and_repeats(tmp_path):
    """A claim requested several times (a lexical neighbour of many new claims) comes back each time."""
    import numpy as np

    from checker.nightly.store import Store

    with Store(tmp_path / "s.sqlite") as db:
        ids = [f"k{i:04d}" for i in range(1200)]  # more than one IN (...) chunk
        vecs = np.random.default_rng(0).random((len(ids), 4)).astype(np.float32)
        with db.transaction():
            db.add_embeddings(ids, vecs, "e")
        asked = ids[::-1] + ids[:5] * 3
        got = db.vectors("e", asked)
        assert got.shape == (len(asked), 4)
        np.testing.assert_allclose(got[: len(ids)], vecs[::-1])


def test_title_claims_keep_their_part_and_model_text_and_older_frames_read_as_body(db):
    def claim(claim_id: str, **extra) -> dict:
        row = {"claim_id": claim_id, "article_id": "a1", "text": "Norland Agrees to Quotas", "start": 0,
               "end": 24, "sentence_idx": 0, "attribution": "", "hedges": "", "hedge_score": 0.0}  # fmt: skip
        return row | extra

    title = claim("kt", sentence_idx=-1, part="title", norm_text="Norland agrees to quotas")
    residue = pd.DataFrame(columns=["article_id", "text", "start", "end", "pattern"])
    db.add_claims(["a1"], pd.DataFrame([title]), residue, claims_key="x", run_id=1)
    db.add_claims(["a1"], pd.DataFrame([claim("kb")]), residue, claims_key="x", run_id=1)  # no part column
    with db.sql.transaction() as cur:  # as a claim stored before schema v6 reads
        cur.execute("UPDATE claims SET part = NULL, norm_text = NULL WHERE claim_id = 'kb'")
    stored = db.claims("any").set_index("claim_id")
    assert stored.loc["kt", ["part", "norm_text"]].tolist() == ["title", "Norland agrees to quotas"]
    assert stored.loc["kb", ["part", "norm_text"]].tolist() == ["body", "Norland Agrees to Quotas"]
    to_embed = db.claims_to_embed("e").set_index("claim_id")
    assert to_embed.loc["kt", "norm_text"] == "Norland agrees to quotas"
