"""Tests for checker.nightly.job: the incremental nightly run, its crash safety, history, and the CLI commands.

Models are the fakes of tests/fakes.py; spaCy is real (loaded once). The corpus is data/demo: a store
is built from three articles (A), then the two others (B) are added.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeEmbedder, FakeNLI

from checker import pipeline
from checker.cli import main
from checker.errors import StoreLockedError
from checker.models.identity import model_key
from checker.models.nlp import load_spacy
from checker.nightly.index import ClaimIndex
from checker.nightly.job import COUNTS, run_history, run_nightly
from checker.nightly.keys import StoreKeys
from checker.nightly.store import Store
from checker.pipeline import Checker

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
A = [str(DEMO / n) for n in ("meridian_daily.txt", "northstar_wire.txt", "harbor_times.md")]
B = [str(DEMO / n) for n in ("baltic_ledger.html", "eastern_courier.jsonl")]
CHILD = Path(__file__).with_name("nightly_child.py")
VOLATILE = {"runs": ["started", "finished", "attempts", "report_dir"]}  # differ between equal runs
KILL_POINTS = ("ingest", "claims-write", "claims", "embed", "cluster", "nli-write", "nli")


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def _run(store: Path, inputs: list[str], nlp, *, embedder=None, nli=None):
    return run_nightly(
        inputs,
        store=store,
        embedder=embedder or FakeEmbedder(),
        nli=nli or FakeNLI(),
        nlp=nlp,
        report_dir=store.parent / "reports",
    )


def _copy(store: Path, folder: Path) -> Path:
    """A copy of a closed store and its vector index in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (store.name, f"{store.name}-wal", f"{store.name}.usearch", f"{store.name}.usearch.json"):
        if (store.parent / name).exists():
            shutil.copy(store.parent / name, folder / name)
    return folder / store.name


def _keys(db: Store) -> StoreKeys:
    """The model and settings keys the store's first run used (all runs here use the same)."""
    return StoreKeys(**json.loads(db.run(1)["models"]))


def _dump(store: Path) -> dict:
    with Store(store) as db:
        return db.dump(skip=VOLATILE)


@pytest.fixture(scope="module")
def base(tmp_path_factory, nlp) -> Path:
    """A store after one run over A; tests copy it before writing."""
    store = tmp_path_factory.mktemp("base") / "store.sqlite"
    _run(store, A, nlp)
    return store


@pytest.fixture(scope="module")
def reference(base, tmp_path_factory, nlp):
    """The base store after an uninterrupted second run over A + B: (store path, result)."""
    store = _copy(base, tmp_path_factory.mktemp("reference"))
    return store, _run(store, A + B, nlp)


class _BrokenEmbedder(FakeEmbedder):
    def encode(self, texts):
        raise RuntimeError("embedder crashed")


@pytest.fixture(scope="module")
def extracted(base, tmp_path_factory, nlp) -> Path:
    """The base store after a second run over A + B that failed once B's claims were stored."""
    store = _copy(base, tmp_path_factory.mktemp("extracted"))
    with pytest.raises(RuntimeError, match="embedder crashed"):
        _run(store, A + B, nlp, embedder=_BrokenEmbedder())
    return store


def _child(store: Path, *args: str, fail_at: str | None = None, **popen) -> subprocess.Popen:
    env = dict(os.environ)
    fail = ["--fail-at", fail_at] if fail_at else []
    cmd = [sys.executable, str(CHILD), str(store), str(store.parent / "reports"), *A, *B, *args, *fail]
    with open(store.parent / "child.log", "w") as log:  # the child keeps its own copy of the handle
        return subprocess.Popen(cmd, env=env, stderr=log, **{"stdout": subprocess.DEVNULL, **popen})


@pytest.fixture(scope="module")
def killed(base, extracted, tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """For each kill point, a store copy whose second run died there: (store, exit status).

    Points up to the claims step start from the base store; later ones from ``extracted``, so that
    those children need not load spaCy. They run concurrently (most of their time is start-up).
    """
    procs = {}
    for point in KILL_POINTS:
        start = base if point in ("ingest", "claims-write", "claims") else extracted
        store = _copy(start, tmp_path_factory.mktemp(f"killed-{point}"))
        procs[point] = (store, _child(store, "--batch", "1", fail_at=point))
    return {point: (store, proc.wait(timeout=120)) for point, (store, proc) in procs.items()}


def test_first_run_gives_the_batch_checker_results(tmp_path, nlp):
    store = tmp_path / "store.sqlite"
    _run(store, A + B, nlp)
    batch = Checker(embedder=FakeEmbedder(), nli=FakeNLI(), nlp=nlp).check(A + B)
    with Store(store) as db:
        keys = _keys(db)
        claims = db.claims(keys.cluster)
        findings = db.findings()
        stored = db.scored_pairs(keys.cluster, keys.nli)
        n_pairs = len(stored)
    assert dict(zip(claims["claim_id"], claims["cluster_id"], strict=True)) == dict(
        zip(batch.claims["claim_id"], batch.claims["cluster_id"], strict=True)
    )
    assert set(findings["finding_id"]) == set(batch.findings["finding_id"])
    assert n_pairs == len(batch.pairs)  # which of two identical texts is paired may differ (tie order)


def _pair_keys(db) -> tuple[str, str]:
    keys = _keys(db)
    return keys.cluster, keys.nli


def test_second_run_computes_only_the_new_work(base, tmp_path, nlp):
    store = _copy(base, tmp_path)
    embedder, nli = FakeEmbedder(), FakeNLI()
    result = _run(store, A + B, nlp, embedder=embedder, nli=nli)
    with Store(store) as db:
        claims = db.claims(_keys(db).cluster)
    new_texts = claims.loc[claims["article_id"].isin(result.changes["new_articles"]["article_id"]), "text"]
    assert result.counts["new_articles"] == 2 and result.counts["known_articles"] == 3
    assert len(new_texts) == result.counts["new_claims"] > 0
    assert sorted(t for call in embedder.calls for t in call) == sorted(new_texts)
    new_ids = set(claims.loc[new_texts.index, "claim_id"])
    with Store(store) as db:
        scored = db.sql.rows("SELECT claim_a, claim_b FROM scores WHERE run_id = 2")
    assert len(scored) == result.counts["pairs_scored"] > 0
    assert all(a in new_ids or b in new_ids for a, b in scored)
    assert 0 < nli.n_pairs <= 2 * len(scored)  # both directions; repeated texts are scored once


def test_stored_claims_keep_their_cluster_ids(base, reference):
    def clusters(store: Path) -> dict[str, str]:
        with Store(store) as db:
            key = _keys(db).cluster
            frame = db.claims(key)
            return dict(zip(frame["claim_id"], frame["cluster_id"], strict=True))

    before, after = clusters(base), clusters(reference[0])
    assert before and len(after) > len(before)
    assert {c: after[c] for c in before} == before


def test_same_input_again_changes_nothing(reference, tmp_path, nlp):
    store = _copy(reference[0], tmp_path)
    with Store(store) as db:
        digest = db.digest()
    embedder, nli = FakeEmbedder(), FakeNLI()
    result = _run(store, A + B, nlp, embedder=embedder, nli=nli)
    assert result.run_id is None and result.reports == {} and result.counts["known_articles"] == 5
    assert set(result.counts) == set(COUNTS) and result.counts["new_claims"] == 0
    assert embedder.calls == [] and nli.calls == []
    assert not (tmp_path / "reports").exists()
    with Store(store) as db:
        assert db.digest() == digest


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_run_resumes_to_the_uninterrupted_result(point, killed, reference, nlp):
    store, status = killed[point]
    assert status == 137, f"child did not die at {point}"
    assert run_history(store)["status"].tolist() == ["done", "interrupted"]
    result = _run(store, A + B, nlp)
    assert result.run_id == 2 and result.resumed
    assert _dump(store) == _dump(reference[0])


def _kill_during(proc: subprocess.Popen, step: str, delay: float) -> bool:
    """SIGKILL the child ``delay`` seconds after it logs ``step``; True when it was still running."""
    for line in proc.stdout:
        if step in line:
            time.sleep(delay)
            break
    proc.send_signal(signal.SIGKILL)
    proc.stdout.close()
    return proc.wait(timeout=60) == -signal.SIGKILL


def test_sigkill_at_random_moments_then_resume(base, extracted, reference, tmp_path, nlp):
    rng = random.Random(7)
    # (start, step after which the kill comes): runs past the claims step start from ``extracted``
    # so that only one child loads spaCy; the children run concurrently.
    plan = [
        (base, "point claims-write"),  # the first of several claims commits
        (extracted, "point nli-write"),
        # the start of a step is the end of the one before it
        (extracted, rng.choice(["point embed-write", "point embed", "point nli"])),
    ]
    stores = [_copy(start, tmp_path / f"try{i}") for i, (start, _) in enumerate(plan)]
    procs = [
        _child(s, "--batch", "4", "--nli-delay", "0.05", stdout=subprocess.PIPE, text=True) for s in stores
    ]
    with ThreadPoolExecutor(len(procs)) as pool:
        interrupted = list(
            pool.map(_kill_during, procs, [step for _, step in plan], [rng.uniform(0.0, 0.25) for _ in plan])
        )
    assert interrupted[1], "the child finished before the kill during NLI scoring"
    for store, (_, step) in zip(stores, plan, strict=True):
        _run(store, A + B, nlp)
        assert _dump(store) == _dump(reference[0]), f"differs after a kill during {step!r}"


@pytest.mark.parametrize("damage", ["missing", "corrupt", "other key"])
def test_vector_index_is_rebuilt_from_the_store(damage, base, reference, tmp_path, nlp):
    store = _copy(base, tmp_path)
    index, meta = Path(f"{store}.usearch"), Path(f"{store}.usearch.json")
    if damage == "missing":
        index.unlink()
    elif damage == "corrupt":
        index.write_bytes(b"not an index")
    else:
        meta.write_text(json.dumps({"key": "another-model", "size": 0}))
    assert _run(store, A + B, nlp).steps["index_rebuilt"] == 1
    assert _dump(store) == _dump(reference[0])
    with Store(store) as db:
        rebuilt = ClaimIndex(store, _keys(db).cluster)
        assert not rebuilt.sync(db, _keys(db))  # consistent now: loaded, not rebuilt
        assert len(rebuilt.index) == db.count("claims")


def test_a_new_nli_model_rescores_pairs_without_re_embedding(base, tmp_path, nlp):
    store = _copy(base, tmp_path)
    embedder, nli = FakeEmbedder(), FakeNLI(version=2)
    result = _run(store, A, nlp, embedder=embedder, nli=nli)
    with Store(store) as db:
        n_pairs = db.count("scores", "run_id", 1)
    assert result.run_id == 2 and result.counts["new_articles"] == 0 and result.counts["new_claims"] == 0
    assert embedder.calls == [] and result.counts["pairs_scored"] == n_pairs > 0
    assert 0 < nli.n_pairs <= 2 * n_pairs


class _Precision:
    """A fake model as it runs on another CPU: same weights, another precision and backend."""

    def __init__(self, model, precision: str, backend: str):
        self.model = model
        self.info = {**model.info, "precision": precision, "backend": backend}

    def __getattr__(self, name):
        return getattr(self.model, name)


def test_a_store_moved_between_a_bfloat16_and_a_float32_machine_keeps_its_work(base, tmp_path, nlp):
    store = _copy(base, tmp_path)
    embedder, nli = FakeEmbedder(), FakeNLI()
    moved = _run(store, A, nlp, embedder=_Precision(embedder, "float32", "torch-cpu-float32"),
                 nli=_Precision(nli, "float32", "onnx-int8"))  # fmt: skip
    assert moved.run_id is None  # same keys: nothing is re-embedded or rescored
    assert embedder.calls == [] and nli.calls == []


def test_a_changed_rule_redoes_exactly_what_it_affects(base, tmp_path, nlp, monkeypatch):
    from checker.rules import details, opposites

    store = _copy(base, tmp_path)
    monkeypatch.setattr(details, "NAME", "checker.details.v99")  # a pair-step rule: rescored, not re-embedded
    monkeypatch.setattr("checker.steps.score.RULES", ("checker.details.v99",))
    embedder, nli = FakeEmbedder(), FakeNLI()
    result = _run(store, A, nlp, embedder=embedder, nli=nli)
    with Store(store) as db:
        n_pairs = db.count("scores", "run_id", 1)
    assert result.run_id == 2 and embedder.calls == [] and result.counts["pairs_scored"] == n_pairs > 0
    # a findings-only rule: findings re-derived, nothing scored again
    monkeypatch.setattr(opposites, "NAME", "checker.opposites.v99")
    monkeypatch.setattr("checker.nightly.keys.FINDINGS_RULES", ("checker.opposites.v99",))
    nli = FakeNLI()
    again = _run(store, A, nlp, embedder=embedder, nli=nli)
    assert again.run_id == 3 and nli.calls == [] and again.counts["pairs_scored"] == 0


def test_report_folder_holds_reports_and_changes(reference):
    store, result = reference
    folder = result.reports["html"].parent
    assert folder.parent == store.parent / "reports" and folder.name.endswith("_run2")
    for name in ("report.html", "report.md", "findings.jsonl", "changes.json", "changes.md"):
        assert (folder / name).stat().st_size > 0
    changes = json.loads((folder / "changes.json").read_text())
    assert changes["run_id"] == 2 and changes["previous_run"] == 1
    assert {f["first_run"] for f in changes["new_findings"]} == {2}
    assert len(changes["new_findings"]) == result.counts["new_findings"] > 0
    assert {a["article_id"] for a in changes["new_articles"]} == set(
        result.changes["new_articles"]["article_id"]
    )
    text = (folder / "changes.md").read_text()
    assert text.startswith("# What changed since the last run") and "compared with run 1" in text
    assert "(first seen in run 1)" in (folder / "report.md").read_text()
    stored = [json.loads(line) for line in (folder / "findings.jsonl").read_text().splitlines()]
    assert {f["first_run"] for f in stored} == {1, 2}


def test_history_lists_runs_with_counts(reference):
    store, result = reference
    runs = run_history(store)
    assert runs["run_id"].tolist() == [1, 2] and set(runs["status"]) == {"done"}
    second = runs.iloc[1]
    assert (second["new_articles"], second["new_claims"], second["pairs_scored"], second["new_findings"]) == (
        2,
        result.counts["new_claims"],
        result.counts["pairs_scored"],
        result.counts["new_findings"],
    )
    out = CliRunner().invoke(main, ["history", "--store", str(store), "--limit", "1"])
    assert out.exit_code == 0 and out.output.count("done") == 1 and "new_findings" in out.output


@pytest.mark.parametrize(
    "name, key",
    [("moved folder", "same"), ("retrained weights", "differs"), ("other info", "differs")],
)
def test_model_key_follows_the_weights_not_the_folder(name, key, tmp_path):
    class Model:
        def __init__(self, path, **info):
            self.info = {"path": str(path), **info}

    first = tmp_path / "a" / "minilm-nli"
    first.mkdir(parents=True)
    (first / "model.bin").write_bytes(b"\x01" * 4096)
    second = tmp_path / "b" / "minilm-nli"
    shutil.copytree(first, second)
    info = {}
    if name == "retrained weights":
        (second / "model.bin").write_bytes(b"\x02" * 4096)  # same size, other content
    elif name == "other info":
        info = {"temperature": 1.5}
    same = model_key(Model(first)) == model_key(Model(second, **info))
    assert same == (key == "same")
    assert model_key(Model(first)).startswith("minilm-nli-")


@pytest.fixture
def fake_models(monkeypatch):
    monkeypatch.setattr(pipeline, "load_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(pipeline, "load_nli", lambda *a, **k: FakeNLI())


@pytest.mark.parametrize(
    "case, code",
    [
        ("new articles", 0),
        ("nothing new", 0),
        ("an unreadable input", 1),
        ("newer store", 2),
        ("bad config", 2),
    ],
)
def test_nightly_command_exit_codes(case, code, base, tmp_path, fake_models, nlp):
    store = _copy(base, tmp_path)
    args = ["nightly", "--store", str(store), *A, "-q"]
    if case == "new articles":
        args += B
    elif case == "an unreadable input":
        (tmp_path / "broken.jsonl").write_text(
            '{"text": "fine text about the summit in Anchorage."}\n{oops\n'
        )
        args.append(str(tmp_path / "broken.jsonl"))
    elif case == "newer store":
        with Store(store) as db:
            db.set_meta("schema_version", "99")
    elif case == "bad config":
        (tmp_path / "bad.toml").write_text("[cluster]\nno_such_key = 1\n")
        args[1:1] = ["--config", str(tmp_path / "bad.toml")]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == code, out.output
    expected = {0: "run 2:" if case == "new articles" else "nothing new", 1: "skipped", 2: "error:"}[code]
    assert expected in out.output


def test_second_run_is_refused_while_the_store_is_locked(base, tmp_path):
    store = _copy(base, tmp_path)
    with Store(store):
        done = subprocess.run(
            [sys.executable, "-m", "checker.cli", "nightly", "--store", str(store), *B],
            capture_output=True,
            text=True,
            timeout=120,
        )
        with pytest.raises(StoreLockedError, match="in use by another run"):
            Store(store).open()
    assert done.returncode == 2
    assert f"in use by another run (pid {os.getpid()}" in done.stderr
    assert run_history(store)["run_id"].tolist() == [1]  # nothing was started


@pytest.mark.parametrize("with_stored_copy", [False, True])
def test_a_feed_repeating_stored_articles_exits_0_every_night(with_stored_copy, base, tmp_path, fake_models):
    """Issue #15: copies of stored articles are duplicates, named by the new copy, never exit 1."""
    store = _copy(base, tmp_path / "store")
    feed = tmp_path / "feed"
    feed.mkdir()
    shutil.copy(A[0], feed / "a_copy_of_meridian.txt")  # read before the stored file: the reader keeps it
    args = ["nightly", "--store", str(store), str(feed), "-v"]
    if with_stored_copy:
        args.append(A[0])  # the stored file itself, read again: not a duplicate
    for _night in range(2):
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 0, out.output
        assert "nothing new" in out.output and "duplicates: 1" in out.output
        assert "a_copy_of_meridian.txt: copy of article" in out.output and "skipped:" not in out.output
        assert f"from {A[0]}" in out.output  # the message says which stored copy it repeats


def test_nightly_result_counts_duplicates_and_only_bad_inputs_set_the_exit_code(base, tmp_path, nlp):
    store = _copy(base, tmp_path / "store")
    feed = tmp_path / "feed"
    feed.mkdir()
    shutil.copy(A[1], feed / "copy.txt")
    result = _run(store, [str(feed)], nlp)
    assert result.run_id is None and result.exit_code == 0
    assert (result.counts["duplicates"], result.counts["skipped"], result.counts["known_articles"]) == (
        1,
        0,
        0,
    )
    assert result.skipped["input"].tolist() == [str(feed / "copy.txt")]
    (tmp_path / "broken.jsonl").write_text("{oops\n")  # bad input: the only kind that exits 1
    result = _run(store, [str(feed), str(tmp_path / "broken.jsonl")], nlp)
    assert result.exit_code == 1 and result.counts["skipped"] == 1 and set(COUNTS) <= set(result.counts)


def test_stores_sharing_a_folder_keep_their_reports_apart(tmp_path, nlp):
    """Issue #15: two stores in one folder wrote the same reports/<date>_run1/."""
    folders = []
    for name in ("world", "local"):
        result = run_nightly(A[:1], store=tmp_path / f"{name}.sqlite", embedder=FakeEmbedder(), nli=FakeNLI(),
                             nlp=nlp)  # fmt: skip
        folders.append(result.reports["html"].parent)
        assert folders[-1].parent == tmp_path / "reports" / name and folders[-1].name.endswith("_run1")
    assert folders[0] != folders[1] and all((f / "changes.md").exists() for f in folders)


def test_copies_of_stored_articles_are_named_by_the_new_copy(tmp_path, monkeypatch):
    """The reader kept the new copy and skipped the stored one: the duplicate row names the new one."""
    import pandas as pd

    from checker.nightly.job import _copies

    monkeypatch.chdir(tmp_path)
    stored = {"a1": (str(tmp_path / "old.txt"), 3), "a2": ("feed.jsonl:7", 4)}
    articles = pd.DataFrame(
        {"article_id": ["a1", "a2", "a3"], "path": ["feed.jsonl:2", "feed.jsonl:7", "new.txt"]}
    )
    skipped = pd.DataFrame([{"input": "old.txt", "line": None, "step": "duplicate", "error": "duplicate of a1"},
                            {"input": "bad.txt", "line": None, "step": "ingest", "error": "empty"}])  # fmt: skip
    fresh, rows, n_again = _copies(articles, skipped, stored)
    assert fresh["article_id"].tolist() == ["a3"] and n_again == 2  # old.txt (relative here) and feed.jsonl:7
    assert rows[["input", "line", "step"]].values.tolist() == [
        ["bad.txt", None, "ingest"], ["feed.jsonl", 2, "duplicate"]
    ]  # fmt: skip
    assert f"stored in run 3 from {tmp_path / 'old.txt'}" in rows.loc[1, "error"]
