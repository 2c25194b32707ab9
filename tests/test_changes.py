"""Tests for checker.report.changes and the store's record of what a run changed (hand-made stores)."""

from __future__ import annotations

import pandas as pd
import pytest

from checker.nightly.store import Store
from checker.report.changes import _records, changes_markdown
from checker.schemas import FINDINGS


def _claim(claim_id: str, article_id: str) -> dict:
    return {"claim_id": claim_id, "article_id": article_id, "text": f"claim {claim_id}", "start": 0, "end": 9}


def _finding(finding_id: str, *claim_ids: str) -> dict:
    return {
        "finding_id": finding_id,
        "kind": "contradiction",
        "score": 0.9,
        "cluster_id": "c1",
        "explanation": f"outlets disagree ({len(claim_ids)} claims)",
        "claims": [_claim(c, f"a{c}") for c in claim_ids],
        "slot": "",
        "why": "",
    }


def _frame(*findings: dict) -> pd.DataFrame:
    return pd.DataFrame(list(findings), columns=FINDINGS)


@pytest.fixture
def db(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


def _summary(db: Store, run_id: int) -> dict:
    changes = db.changes(run_id, "cluster-key")
    return {"run_id": run_id, "previous_run": run_id - 1, "started": "2026-01-02", "counts": {},
            **{name: _records(frame) for name, frame in changes.items()}}  # fmt: skip


@pytest.mark.parametrize("resumed", [False, True])
def test_an_outlet_joining_a_dispute_updates_the_finding(resumed, db):
    db.save_findings(_frame(_finding("f1", "k1", "k2"), _finding("f2", "k5", "k6")), run_id=1)
    second = _frame(_finding("f1", "k1", "k2", "k3"), _finding("f2", "k5", "k6"))
    db.save_findings(second, run_id=2)
    if resumed:  # a killed run saves its findings again: the "before" of run 2 must survive
        db.save_findings(second, run_id=2)
    changes = db.changes(2, "cluster-key")
    assert changes["new_findings"].empty and changes["resolved_findings"].empty
    updated = changes["updated_findings"]
    assert updated["finding_id"].tolist() == ["f1"]  # f2 kept its claims: not an update
    assert [c["claim_id"] for c in updated.loc[0, "old_claims"]] == ["k1", "k2"]
    assert [c["claim_id"] for c in updated.loc[0, "claims"]] == ["k1", "k2", "k3"]
    text = changes_markdown(_summary(db, 2))
    assert "## Updated findings (1)" in text and "claims 2 -> 3 (1 joined)" in text
    assert "## New findings (0)" in text and "## Findings no longer found (0)" in text


def test_a_finding_back_to_its_claims_is_no_update_and_other_runs_have_none(db):
    db.save_findings(_frame(_finding("f1", "k1", "k2")), run_id=1)
    db.save_findings(_frame(_finding("f1", "k1", "k2", "k3")), run_id=2)
    db.save_findings(_frame(_finding("f1", "k1", "k2")), run_id=2)  # resumed run, outlet gone again
    assert db.changes(2, "cluster-key")["updated_findings"].empty
    assert db.changes(1, "cluster-key")["updated_findings"].empty
    assert db.get_meta("updated_findings/run2") is None  # nothing left in the store for it


def test_changes_markdown_lists_updated_findings_between_new_and_resolved():
    summary = {"run_id": 3, "previous_run": 2, "started": "2026-01-03", "counts": {"updated_findings": 1},
               "updated_findings": [{**_finding("f1", "k1", "k3"), "first_run": 1,
                                     "old_claims": [_claim("k1", "a1"), _claim("k2", "a2")]}]}  # fmt: skip
    text = changes_markdown(summary)
    assert "- Findings updated (claims joined or left): 1" in text
    assert "claims 2 -> 2 (1 joined, 1 left)" in text and "first seen in run 1" in text
    assert text.index("## New findings") < text.index("## Updated findings") < text.index("## Findings no")


def test_a_finding_new_in_a_resumed_run_stays_new(db):
    db.save_findings(_frame(_finding("f1", "k1", "k2")), run_id=1)
    db.save_findings(_frame(_finding("f1", "k1", "k2"), _finding("f3", "k7", "k8")), run_id=2)
    db.save_findings(_frame(_finding("f1", "k1", "k2"), _finding("f3", "k7", "k8", "k9")), run_id=2)
    changes = db.changes(2, "cluster-key")
    assert changes["new_findings"]["finding_id"].tolist() == ["f3"] and changes["updated_findings"].empty
