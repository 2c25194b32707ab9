"""Tests for checker.report: HTML and Markdown rendering of a small, hand-built check result."""

from __future__ import annotations

import copy
import html
import itertools
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from checker.errors import SchemaError
from checker.report import render_html, render_markdown
from checker.report.html import CONTEXT_CHARS, KIND_LABELS, KIND_ORDER
from checker.schemas import (
    ARTICLE_SCORES,
    ARTICLES,
    CLAIM_STATUS,
    CLAIMS,
    CLUSTERS,
    FINDING_KINDS,
    FINDINGS,
    PAIRS,
    SKIPPED,
    empty_frame,
)

TEXT_A1 = (
    "Reporters gathered early. <script>alert(1)</script> The leaders met in Anchorage on Friday. "
    "Officials said 300 people & staff attended."
)
TEXT_A2 = "The talks ended late. About 3,000 people attended, organisers said."
CLAIM_TEXTS = {
    "k1": ("a1", "The leaders met in Anchorage on Friday."),
    "k2": ("a1", "Officials said 300 people & staff attended."),
    "k3": ("a2", "About 3,000 people attended, organisers said."),
}
ARTICLE_TEXTS = {"a1": TEXT_A1, "a2": TEXT_A2}


def _ref(claim_id: str) -> dict:
    article_id, text = CLAIM_TEXTS[claim_id]
    start = ARTICLE_TEXTS[article_id].index(text)
    return {
        "claim_id": claim_id,
        "article_id": article_id,
        "text": text,
        "start": start,
        "end": start + len(text),
    }


def make_result(**frames) -> SimpleNamespace:
    """Two articles, three claims, one cluster, one pair, two findings, one skipped input."""
    articles = pd.DataFrame(
        [
            ["a1", "Daily Planet", "Summit in Alaska | live", "", "2025-08-15", "a1.html", TEXT_A1,
             ["Subscribe now", "<b>Cookie banner</b>"], 2, 1, 0, 1, 0, 0, 0.5],
            ["a2", "Gazette", "Talks end <i>early</i>", "", "", "feed.jsonl:2", TEXT_A2, [], 1, 0, 0, 1, 0, 0,
             float("nan")],
        ],
        columns=ARTICLES + ARTICLE_SCORES,
    )  # fmt: skip
    claims = pd.DataFrame(
        [
            [*_ref("k1").values(), "", "", "c9", 1, 0.0, [], "single_source", 0],
            [*_ref("k2").values(), "officials", "", "c1", 2, 0.2, [], "contradicted", 0],
            [*_ref("k3").values(), "organisers", "organisers said", "c1", 1, 0.3, [], "contradicted", 0],
        ],
        columns=CLAIMS + CLAIM_STATUS,
    )
    clusters = pd.DataFrame(
        [["c1", 2, 2, "About 3,000 people attended", "contradicted", ["k2", "k3"]]], columns=CLUSTERS
    )
    pairs = pd.DataFrame(
        [
            [
                "k2",
                "k3",
                "a1",
                "a2",
                0.81,
                "cross",
                0.123,
                0.876,
                0.001,
                0.05,
                0.9,
                0.05,
                False,
                "",
                "contradiction",
            ]
        ],
        columns=PAIRS,
    )
    findings = pd.DataFrame(
        [
            ["f2", "date_mismatch", 0.4, "c9", "Outlets give different days for the meeting.", [_ref("k1")], "", ""],
            [
                "f1",
                "contradiction",
                0.91,
                "c1",
                "The outlets give different crowd sizes.",
                [_ref("k2"), _ref("k3")],
                "size of the crowd",
                "NLI: contradiction 0.91 one way, 0.40 the other",
            ],
        ],
        columns=FINDINGS,
    )
    skipped = pd.DataFrame([["feed.jsonl", 7, "ingest", "line is not JSON | bad"]], columns=SKIPPED)
    run = {
        "created": "2025-08-16T06:00:00",
        "versions": {"checker": "0.1.0"},
        "models": {"embed": "all-MiniLM-L6-v2", "nli": "models/minilm-nli"},
        "config": {"pairs": {"neighbours": 6}},
    }
    parts = dict(articles=articles, claims=claims, clusters=clusters, pairs=pairs, findings=findings)
    parts.update(skipped=skipped, run=run)
    return SimpleNamespace(**(parts | frames))


SCHEMAS = {
    "articles": ARTICLES + ARTICLE_SCORES,
    "claims": CLAIMS + CLAIM_STATUS,
    "clusters": CLUSTERS,
    "pairs": PAIRS,
    "findings": FINDINGS,
    "skipped": SKIPPED,
}
RENDERERS = pytest.mark.parametrize("render", [render_html, render_markdown], ids=["html", "markdown"])


@pytest.fixture
def result() -> SimpleNamespace:
    return make_result()


@RENDERERS
def test_every_explanation_and_claim_text_appears(render, result):
    out = render(result)
    for expected in [*result.findings["explanation"], *(t for _, t in CLAIM_TEXTS.values())]:
        assert html.escape(expected, quote=False) in out or expected in out


def test_highlight_is_the_article_span_in_kind_order(result):
    marks = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", render_html(result), re.S)]
    # contradiction (k2, k3) comes before single_source (k1), although the frame lists it second
    expected = [ARTICLE_TEXTS[r["article_id"]][r["start"] : r["end"]] for r in map(_ref, ["k2", "k3", "k1"])]
    assert marks == expected


def test_context_is_a_window_not_the_whole_article():
    pre, post = (" ".join(f"{word}{i}" for i in range(200)) for word in ("pre", "post"))
    text = f"{pre} The leaders met in Anchorage on Friday. {post}"
    ref = {"claim_id": "k1", "article_id": "a1", "text": CLAIM_TEXTS["k1"][1]}
    ref |= {"start": text.index(ref["text"]), "end": text.index(ref["text"]) + len(ref["text"])}
    result = make_result(
        findings=pd.DataFrame([["f", "date_mismatch", 0.5, "", "One outlet.", [ref], "", ""]], columns=FINDINGS)
    )
    result.articles.loc[0, "text"] = text
    quote = re.search(r"<blockquote>(.*?)</blockquote>", render_html(result), re.S).group(1)
    before, after = quote.split("<mark>")[0], quote.split("</mark>")[1]
    assert before.startswith("…") and after.endswith("…")
    assert "pre0 " not in quote and "post199" not in quote
    assert "pre199 " in quote and "post0 " in quote
    assert CONTEXT_CHARS - 10 <= len(before) <= CONTEXT_CHARS + 1


@pytest.mark.parametrize("shift", [1, -3, 10_000], ids=["off-by-one", "negative", "past-end"])
def test_wrong_offsets_fall_back_to_finding_the_claim(result, shift):
    ref = _ref("k2") | {"start": _ref("k2")["start"] + shift, "end": _ref("k2")["end"] + shift}
    result.findings = pd.DataFrame([["f", "contradiction", 0.5, "", "Shifted.", [ref], "", ""]], columns=FINDINGS)
    marks = re.findall(r"<mark>(.*?)</mark>", render_html(result), re.S)
    assert [html.unescape(m) for m in marks] == [CLAIM_TEXTS["k2"][1]]


def test_claim_missing_from_its_article_is_shown_without_context(result):
    ref = _ref("k1") | {"text": "A sentence the article never had."}
    result.findings = pd.DataFrame([["f", "contradiction", 0.5, "", "Odd.", [ref], "", ""]], columns=FINDINGS)
    out = render_html(result)
    assert "<mark>A sentence the article never had.</mark>" in out
    assert "not found in the article" in out


def test_html_escapes_untrusted_text(result):
    out = render_html(result)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;b&gt;Cookie banner&lt;/b&gt;" in out
    assert "Talks end &lt;i&gt;early&lt;/i&gt;" in out


def test_markdown_neutralises_markup_in_untrusted_text(result):
    out = render_markdown(result)
    assert "<i>" not in out
    assert "Talks end &lt;i>early&lt;/i>" in out


@pytest.mark.parametrize(
    ("render", "markers"),
    [
        (render_html, ['id="summary"', 'id="findings"', 'id="articles"', 'id="clusters"', 'id="skipped"',
                       "Removed boilerplate", 'id="run"']),
        (render_markdown, ["# Claim check report", "## Findings", "## Articles", "## Clusters",
                           "## Skipped inputs"]),
    ],
    ids=["html", "markdown"],
)  # fmt: skip
def test_section_order(render, markers, result):
    out = render(result)
    positions = [out.find(m) for m in markers]
    assert -1 not in positions
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("render", "consistent", "unknown"),
    [
        (render_html, '<td class="num">50%</td>', '<td class="num">n/a</td>'),
        (render_markdown, "| 50% | 0 |", "| n/a | 0 |"),
    ],
    ids=["html", "markdown"],
)
def test_consistency_is_a_percentage_or_na(render, consistent, unknown, result):
    out = render(result)
    assert consistent in out and unknown in out


@RENDERERS
def test_findings_sorted_by_score_within_kind(render, result):
    extra = pd.DataFrame(
        [["f3", "contradiction", 0.99, "", "Highest scored disagreement.", [_ref("k1")], "", ""]], columns=FINDINGS
    )
    result.findings = pd.concat([result.findings, extra], ignore_index=True)
    out = render(result)
    order = [out.find(s) for s in ("Highest scored", "different crowd sizes", "Only one outlet")]
    assert order == sorted(order) and -1 not in order


def test_html_summary_and_run_details(result):
    out = render_html(result)
    assert "2025-08-16T06:00:00" in out and "models/minilm-nli" in out
    assert re.search(r"Findings</dt>\s*<dd>2: .*Contradiction 1.*Single source 1", out)
    assert '"neighbours": 6' in html.unescape(out)


def test_html_cluster_block_shows_claims_and_pair_probabilities(result):
    cluster = render_html(result).split('id="clusters"')[1].split('id="skipped"')[0]
    assert "About 3,000 people attended</h3>" in cluster
    assert "attributed to organisers" in cluster and "hedges: organisers said" in cluster
    assert 'relation-contradiction">contradiction<' in cluster
    assert all(f'"num">{p}<' in cluster for p in ("0.12", "0.88", "0.05", "0.90"))


def test_single_claim_clusters_are_left_out(result):
    lone = pd.DataFrame(
        [["c9", 1, 1, "The leaders met in Anchorage", "single_source", ["k1"]]], columns=CLUSTERS
    )
    result.clusters = pd.concat([result.clusters, lone], ignore_index=True)
    assert "The leaders met in Anchorage</h3>" not in render_html(result)
    assert "**The leaders met in Anchorage**" not in render_markdown(result)
    assert "**About 3,000 people attended**" in render_markdown(result)


def _frames(result):
    return {k: v for k, v in vars(result).items() if isinstance(v, pd.DataFrame)}


@pytest.mark.parametrize(
    "empty",
    [
        lambda: {n: empty_frame(c) for n, c in SCHEMAS.items()} | {"run": {}},
        lambda: {n: pd.DataFrame() for n in SCHEMAS},
        lambda: {},
    ],
    ids=["schema-columns", "no-columns", "no-attributes"],
)  # fmt: skip
@RENDERERS
def test_empty_result_renders(render, empty):
    out = render(SimpleNamespace(**empty()))
    assert "No findings." in out and "No skipped inputs." in out
    assert "No articles." in out


def test_only_findings_empty(result):
    result.findings = result.findings.iloc[0:0]
    assert "No findings." in render_html(result) and "No findings." in render_markdown(result)
    assert "<mark>" not in render_html(result)


def test_markdown_escapes_pipes_in_table_cells(result):
    lines = render_markdown(result).splitlines()
    assert any("Summit in Alaska \\| live" in line for line in lines)
    assert any("line is not JSON \\| bad" in line for line in lines)
    for table in ("| Source |", "| Input |"):
        start = next(i for i, line in enumerate(lines) if line.startswith(table))
        rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


def test_markdown_quotes_claims_with_sources(result):
    out = render_markdown(result)
    assert '> "Officials said 300 people & staff attended." (Daily Planet, *Summit in Alaska | live*)' in out
    assert out.find("### Contradiction") < out.find("### Single source")


@RENDERERS
def test_caller_frames_are_not_mutated(render, result):
    before = copy.deepcopy(_frames(result))
    render(result)
    for name, frame in _frames(result).items():
        pd.testing.assert_frame_equal(frame, before[name])


@RENDERERS
def test_missing_column_is_a_schema_error(render, result):
    result.findings = result.findings.drop(columns=["explanation"])
    with pytest.raises(SchemaError, match="result.findings.*explanation"):
        render(result)


def test_every_finding_kind_has_a_place_and_label():
    assert sorted(KIND_ORDER) == sorted(FINDING_KINDS)
    assert set(KIND_LABELS) == set(FINDING_KINDS)


@pytest.mark.parametrize(
    ("render", "heading"),
    [(render_html, 'id="kind-{kind}"'), (render_markdown, "### {label} (")],
    ids=["html", "markdown"],
)
def test_finding_kinds_in_reading_order(render, heading, result):
    rows = [
        [f"f{i}", kind, 0.5, "", f"A {kind} finding.", [_ref("k1")], "", ""] for i, kind in enumerate(FINDING_KINDS)
    ]
    result.findings = pd.DataFrame(rows[::-1], columns=FINDINGS)
    out = render(result)
    positions = [out.find(heading.format(kind=k, label=KIND_LABELS[k])) for k in KIND_ORDER]
    assert -1 not in positions and positions == sorted(positions)
