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
from checker.report.view import (
    CONTEXT_CHARS,
    KIND_LABELS,
    KIND_MEANINGS,
    KIND_ORDER,
    MAX_SIDES,
    QUOTES_PER_SIDE,
    SKIP_REASONS,
    STATUS_MEANINGS,
    diff_spans,
    segments,
    value_spans,
)
from checker.schemas import (
    ARTICLE_SCORES,
    ARTICLES,
    CLAIM_STATUS,
    CLAIM_STATUSES,
    CLAIMS,
    CLUSTERS,
    CONFLICT_KINDS,
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
TEXT_A2 = (
    "The talks ended late. About 3,000 people attended, organisers said. The leaders met in Juneau on Friday."
)
TEXT_A3 = "The leaders met in Juneau on Friday.\n\n# The summit was agreed in May, a source said."
ARTICLE_TEXTS = {"a1": TEXT_A1, "a2": TEXT_A2, "a3": TEXT_A3}
# claim id -> article, text, status
CLAIM_ROWS = {
    "k1": ("a1", "The leaders met in Anchorage on Friday.", "contested"),
    "k2": ("a1", "Officials said 300 people & staff attended.", "contradicted"),
    "k3": ("a2", "About 3,000 people attended, organisers said.", "contradicted"),
    "k4": ("a2", "The leaders met in Juneau on Friday.", "contested"),
    "k5": ("a3", "The leaders met in Juneau on Friday.", "contested"),
    "k6": ("a3", "The summit was agreed in May, a source said.", "single_source"),
}
PLACES = {"k1": "Anchorage", "k4": "Juneau", "k5": "Juneau"}


def _ref(claim_id: str, **extra) -> dict:
    article_id, text, _ = CLAIM_ROWS[claim_id]
    start = ARTICLE_TEXTS[article_id].index(text)
    ref = {
        "claim_id": claim_id,
        "article_id": article_id,
        "text": text,
        "start": start,
        "end": start + len(text),
    }
    return ref | extra


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows by column name, in the schema's column order (robust to columns added to the schema)."""
    return pd.DataFrame(rows).reindex(columns=columns)


def _finding(fid, kind, score, refs, explanation="", slot="", why="", cluster_id="") -> dict:
    return {
        "finding_id": fid,
        "kind": kind,
        "score": score,
        "cluster_id": cluster_id,
        "explanation": explanation or f"A {kind} finding.",
        "claims": refs,
        "slot": slot,
        "why": why,
    }


def make_result(**frames) -> SimpleNamespace:
    """Three articles, six claims, two clusters, one pair, two findings, one skipped input."""
    counts = {"a1": (2, 0, 1, 1, 0), "a2": (2, 0, 1, 1, 0), "a3": (2, 0, 1, 0, 1)}
    articles = _frame(
        [
            {
                "article_id": a,
                "source": source,
                "title": title,
                "url": "",
                "published": published,
                "path": f"{a}.html",
                "text": ARTICLE_TEXTS[a],
                "removed": removed,
                "n_residue": 0,
                "consistency": consistency,
                **dict(
                    zip(
                        ["n_claims", "n_corroborated", "n_contested", "n_contradicted", "n_single_source"],
                        counts[a],
                        strict=True,
                    )
                ),
            }
            for a, source, title, published, removed, consistency in [
                (
                    "a1",
                    "Daily Planet",
                    "Summit in Alaska | live",
                    "2025-08-15",
                    ["Subscribe now", "<b>Cookie banner</b>"],
                    0.5,
                ),
                ("a2", "Gazette", "Talks end <i>early</i>", "", [], float("nan")),
                ("a3", "Courier", "Summit", "", [], 0.0),
            ]
        ],
        ARTICLES + ARTICLE_SCORES,
    )
    claims = _frame(
        [
            _ref(k)
            | {
                "attribution": "organisers" if k == "k3" else "",
                "hedges": "organisers said" if k == "k3" else "",
                "cluster_id": "c1" if k in ("k2", "k3") else "c2",
                "sentence_idx": 0,
                "hedge_score": 0.0,
                "frames": [],
                "status": status,
                "n_sources": 1 if status == "contested" else 0,
            }
            for k, (_, _, status) in CLAIM_ROWS.items()
        ],
        CLAIMS + CLAIM_STATUS,
    )
    clusters = _frame(
        [
            {
                "cluster_id": "c1",
                "n_claims": 2,
                "n_articles": 2,
                "representative": "About 3,000 people attended",
                "status": "contradicted",
                "claim_ids": ["k2", "k3"],
            },
            {
                "cluster_id": "c2",
                "n_claims": 3,
                "n_articles": 3,
                "representative": "The leaders met",
                "status": "contested",
                "claim_ids": ["k1", "k4", "k5"],
            },
        ],
        CLUSTERS,
    )
    pairs = _frame(
        [
            {
                "claim_a": "k2",
                "claim_b": "k3",
                "article_a": "a1",
                "article_b": "a2",
                "similarity": 0.81,
                "kind": "cross",
                "p_entail_ab": 0.123,
                "p_contra_ab": 0.876,
                "p_neutral_ab": 0.001,
                "p_entail_ba": 0.05,
                "p_contra_ba": 0.9,
                "p_neutral_ba": 0.05,
                "truncated": False,
                "opposed": "",
                "relation": "contradiction",
            }
        ],
        PAIRS,
    )
    findings = _frame(
        [
            _finding(
                "f2",
                "place_mismatch",
                0.7,
                [_ref(k, value=PLACES[k]) for k in ("k1", "k4", "k5")],
                "Outlets place the meeting differently.",
                slot="place of the meeting",
                why="rule: same fact, places differ",
                cluster_id="c2",
            ),
            _finding(
                "f1",
                "contradiction",
                0.91,
                [_ref("k2"), _ref("k3")],
                "The outlets give different crowd sizes.",
                slot="size of the crowd",
                why="NLI: contradiction 0.88 a→b, 0.90 b→a",
                cluster_id="c1",
            ),
        ],
        FINDINGS,
    )
    skipped = _frame(
        [{"input": "feed.jsonl", "line": 7, "step": "ingest", "error": "line is not JSON | bad"}], SKIPPED
    )
    run = {
        "created": "2025-08-16T06:00:00",
        "versions": {"checker": "0.1.0"},
        "models": {"embed": "all-MiniLM-L6-v2", "nli": {"path": "models/minilm-nli", "backend": "onnx-int8"}},
        "config": {"pairs": {"neighbours": 6}},
        "timings_s": {"nli": 8.25, "total": 24.5},
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


def _section(out: str, start: str, end: str) -> str:
    return out.split(f'id="{start}"', 1)[1].split(f'id="{end}"', 1)[0]


def _cards(out: str) -> list[str]:
    return re.findall(r'<article class="card".*?</article>', out, re.S)


def _marks(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", fragment, re.S)]


# ---------------------------------------------------------------- page order and summary


@pytest.mark.parametrize(
    ("render", "markers"),
    [
        (
            render_html,
            [
                'id="summary"',
                'id="legend"',
                'id="findings"',
                'id="single-source"',
                'id="articles"',
                'id="clusters"',
                'id="skipped"',
                'id="run"',
            ],
        ),
        (
            render_markdown,
            [
                "# Claim check report",
                "How to read it",
                "## Conflicts",
                "## Single-source claims",
                "## Articles",
                "## Clusters",
                "## Skipped inputs",
                "## Run details",
            ],
        ),
    ],
    ids=["html", "markdown"],
)
def test_section_order(render, markers, result):
    out = render(result)
    positions = [out.find(m) for m in markers]
    assert -1 not in positions
    assert positions == sorted(positions)


@RENDERERS
def test_summary_counts_conflicts_statuses_and_single_source(render, result):
    out = html.unescape(
        re.sub(r"<[^>]+>", "", render(result).split("## Conflicts")[0].split('id="legend"')[0])
    )
    assert re.search(r"Conflicts:?\s*2\b", out)
    assert "Contradiction 1" in out and "Place mismatch 1" in out
    assert "contradicted 2, contested 3, single source 1" in out
    assert re.search(r"Skipped inputs:?\s*1\b.*bad input 1", out, re.S)


@RENDERERS
def test_legend_explains_every_kind_status_and_the_score(render, result):
    out = html.unescape(render(result))
    for meaning in [*KIND_MEANINGS.values(), *STATUS_MEANINGS.values()]:
        assert meaning in out
    assert "not a verdict" in out


def test_every_finding_kind_has_a_place_label_and_meaning():
    assert KIND_ORDER == FINDING_KINDS
    assert set(KIND_LABELS) == set(KIND_MEANINGS) == set(FINDING_KINDS)
    assert set(STATUS_MEANINGS) == set(CLAIM_STATUSES)


# ---------------------------------------------------------------- finding cards


@RENDERERS
def test_one_card_per_finding_conflicts_first_by_score(render, result):
    extra = _finding("f3", "contradiction", 0.99, [_ref("k6"), _ref("k1")], "Highest scored disagreement.")
    residue = _finding("f4", "generated_residue", 1.0, [_ref("k6")], "Residue found.")
    result.findings = pd.concat([result.findings, _frame([extra, residue], FINDINGS)], ignore_index=True)
    out = render(result)
    if render is render_html:
        assert len(_cards(out)) == 4
    else:
        assert len(re.findall(r"^\d+\. \*\*", out, re.M)) == 4
    order = [
        out.find(s) for s in ("Highest scored", "different crowd sizes", "place the meeting", "Residue found")
    ]
    assert -1 not in order and order == sorted(order)


@pytest.mark.parametrize(
    ("render", "heading"),
    [(render_html, 'id="kind-{kind}"'), (render_markdown, "### {label} (")],
    ids=["html", "markdown"],
)
def test_finding_kinds_in_reading_order(render, heading, result):
    rows = [_finding(f"f{i}", kind, 0.5, [_ref("k1")]) for i, kind in enumerate(FINDING_KINDS)]
    result.findings = _frame(rows[::-1], FINDINGS)
    out = render(result)
    positions = [out.find(heading.format(kind=k, label=KIND_LABELS[k])) for k in KIND_ORDER]
    assert -1 not in positions and positions == sorted(positions)


def test_card_groups_claims_by_value_with_their_outlets(result):
    card = next(c for c in _cards(render_html(result)) if "Place mismatch" in c)
    assert re.findall(r'class="value">&ldquo;(.*?)&rdquo;', card) == ["Anchorage", "Juneau"]
    juneau = card.split("Juneau&rdquo;")[1]
    assert ">Gazette</a>, <a" in juneau and ">Courier</a>" in juneau
    # Gazette and Courier say it in the same words: quoted once, both outlets named.
    assert _marks(card) == ["Anchorage", "Juneau"]
    assert card.count("<blockquote>") == 2
    assert "place of the meeting" in card and "rule: same fact, places differ" in card


def test_markdown_card_shows_values_outlets_and_marks(result):
    out = render_markdown(result)
    assert "**Place mismatch: place of the meeting** (score 0.70)" in out
    assert "   - **“Juneau”** Gazette, Courier" in out
    assert "> “The leaders met in **Juneau** on Friday.”" in out
    assert "Why: NLI: contradiction 0.88 a→b, 0.90 b→a" in out


def test_contradiction_marks_the_words_that_differ(result):
    card = next(c for c in _cards(render_html(result)) if "Contradiction" in c)
    assert _marks(card) == ["Officials said 300", "staff", "About 3,000", "organisers said"]
    assert "size of the crowd" in card and "NLI: contradiction 0.88 a→b, 0.90 b→a" in html.unescape(card)


def test_stronger_claim_names_which_side_states_more(result):
    refs = [
        _ref("k1", text="Russia agreed to the plan."),
        _ref("k4", text="Russia did not object to the plan."),
    ]
    result.findings = _frame([_finding("f", "stronger_claim", 0.8, refs)], FINDINGS)
    card = _cards(render_html(result))[0]
    assert (
        card.find("states more")
        < card.find("agreed")
        < card.find("states less")
        < card.find("did not object")
    )
    assert _marks(card) == ["agreed", "did not object"]


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("They met in Juneau, Alaska.", "Juneau", ["Juneau"]),
        ("Steve Witkoff said.", "Witkof", []),  # a value is a whole word, not part of a longer one
        ("They met on December 2 in Geneva.", "2 December", ["December 2"]),
        ("About 3,000 came.", "3,000", ["3,000"]),
    ],
)
def test_value_spans(text, value, expected):
    assert [text[a:b] for a, b in value_spans(text, value)] == expected


def test_diff_marks_are_symmetric():
    a, b = "Ushakov said Moscow would study the proposal.", "Russia rejected the proposal, Ushakov said."
    assert [a[x:y] for x, y in diff_spans(a, b)] == ["Ushakov said Moscow would study"]
    assert [b[x:y] for x, y in diff_spans(b, a)] == ["Russia rejected", "Ushakov said"]


def test_segments_cover_the_text_once():
    parts = segments("one two three", [(4, 7), (0, 3)])
    assert "".join(p["text"] for p in parts) == "one two three"
    assert [p["text"] for p in parts if p["mark"]] == ["one two"]  # neighbours across a space merge


def test_big_finding_is_capped_into_one_compact_card(result):
    text = " ".join(f"Outlet {i} says the crowd was {i} people." for i in range(300))
    articles = _frame(
        [
            {
                "article_id": f"b{i}",
                "source": f"Outlet {i}",
                "title": "",
                "published": "",
                "text": text,
                "removed": [],
            }
            for i in range(300)
        ],
        ARTICLES + ARTICLE_SCORES,
    )
    refs = []
    for i in range(300):
        claim = f"Outlet {i} says the crowd was {i} people."
        refs.append(
            {
                "claim_id": f"b{i}",
                "article_id": f"b{i}",
                "text": claim,
                "start": text.index(claim),
                "end": text.index(claim) + len(claim),
                "value": str(i % 20),
            }
        )
    big = _finding("big", "number_mismatch", 0.9, refs)
    result.articles, result.findings = articles, _frame([big], FINDINGS)
    card = _cards(render_html(result))[0]
    assert card.count('class="value"') == MAX_SIDES
    assert card.count("<blockquote>") <= MAX_SIDES * QUOTES_PER_SIDE
    assert "+16 more values" in card and "more outlets" in card and "more claims saying this" in card
    assert len(card) < 8_000
    markdown = render_markdown(result)
    assert "more claims saying this)" in markdown and "+16 more (findings.jsonl has them all)" in markdown


def test_legacy_single_source_findings_get_no_card(result):
    legacy = _finding("old", "single_source", 1.0, [_ref("k6")], "Only one outlet says this.")
    result.findings = pd.concat([result.findings, _frame([legacy], FINDINGS)], ignore_index=True)
    for out in (render_html(result), render_markdown(result)):
        assert "Only one outlet says this." not in out


# ---------------------------------------------------------------- quotes in context


def test_context_is_a_window_not_the_whole_article():
    pre, post = (" ".join(f"{word}{i}" for i in range(200)) for word in ("pre", "post"))
    claim = CLAIM_ROWS["k1"][1]
    text = f"{pre} {claim} {post}"
    ref = {"claim_id": "k1", "article_id": "a1", "text": claim, "start": text.index(claim)}
    ref["end"] = ref["start"] + len(claim)
    result = make_result(findings=_frame([_finding("f", "date_mismatch", 0.5, [ref])], FINDINGS))
    result.articles.loc[0, "text"] = text
    quote = re.search(r"<blockquote>(.*?)</blockquote>", render_html(result), re.S).group(1)
    before, after = quote.split('<span class="claimtext">')[0], quote.split("</span>")[1]
    assert before.startswith("…") and after.startswith(" post0") and "…" in after
    assert "pre0 " not in quote and "post199" not in quote
    assert CONTEXT_CHARS - 10 <= len(before) <= CONTEXT_CHARS + 1


@pytest.mark.parametrize("shift", [1, -3, 10_000], ids=["off-by-one", "negative", "past-end"])
def test_wrong_offsets_fall_back_to_finding_the_claim(result, shift):
    ref = _ref("k2") | {"start": _ref("k2")["start"] + shift, "end": _ref("k2")["end"] + shift}
    result.findings = _frame([_finding("f", "contradiction", 0.5, [ref])], FINDINGS)
    card = _cards(render_html(result))[0]
    assert 'Anchorage on Friday. <span class="claimtext">' in card  # found, so quoted in its context
    assert _marks(card) == [CLAIM_ROWS["k2"][1]]  # a claim with nothing to compare is marked whole


def test_claim_missing_from_its_article_is_shown_without_context(result):
    ref = _ref("k1") | {"text": "A sentence the article never had."}
    result.findings = _frame([_finding("f", "contradiction", 0.5, [ref])], FINDINGS)
    out = render_html(result)
    assert "<mark>A sentence the article never had.</mark>" in out
    assert "not found in the article" in out


# ---------------------------------------------------------------- single-source claims, articles


@RENDERERS
def test_single_source_claims_are_a_list_not_cards(render, result):
    out = render(result)
    if render is render_html:
        section = _section(out, "single-source", "articles")
        assert "<details>" in section and "1 claim only one outlet states" in section
        assert 'href="#claim-k6">Courier</a>: The summit was agreed in May, a source said.' in section
    else:
        assert "- Courier: The summit was agreed in May, a source said." in out
    assert "single_source" not in re.sub(
        r'(st|status)-single_source|"single_source"', "", out.split("Run details")[0]
    )


def test_articles_are_whole_collapsed_and_claims_marked_by_status(result):
    articles = _section(render_html(result), "articles", "clusters")
    assert articles.count('<details class="article"') == 3 and "<details open" not in articles
    assert '<span id="claim-k2" class="st-contradicted" title="contradicted">' in articles
    assert '<span id="claim-k6" class="st-single_source"' in articles
    assert 'title="contested; 1 other outlet agree' in articles
    body = re.search(r'id="article-a2".*?<div class="body">(.*?)</div>', articles, re.S).group(1)
    assert html.unescape(re.sub(r"<sup>.*?</sup>|<[^>]+>", "", body)) == TEXT_A2
    assert "Subscribe now" in articles and "&lt;b&gt;Cookie banner&lt;/b&gt;" in articles


def test_card_links_land_on_claims_and_claims_link_back(result):
    out = render_html(result)
    ids = set(re.findall(r'id="([^"]+)"', out))
    cards = "".join(_cards(out))
    targets = set(re.findall(r'href="#([^"]+)"', cards))
    assert {"claim-k1", "claim-k2", "claim-k3", "claim-k4", "claim-k5"} <= targets <= ids
    articles = _section(out, "articles", "clusters")
    assert re.search(r'id="claim-k2".*?</span><sup><a href="#finding-f1">\[1\]</a></sup>', articles)


def test_residue_spans_are_marked_and_linked(result):
    a1 = TEXT_A1.index("<script>")
    span = {
        "claim_id": "",
        "article_id": "a1",
        "text": "<script>alert(1)</script>",
        "start": a1,
        "end": a1 + 25,
    }
    residue = _finding("r1", "generated_residue", 1.0, [span], "Script residue.")
    result.findings = pd.concat([result.findings, _frame([residue], FINDINGS)], ignore_index=True)
    out = render_html(result)
    assert f'<span id="span-a1-{a1}" class="residue"' in out
    assert f'href="#span-a1-{a1}"' in "".join(_cards(out))
    assert out.find('id="kind-generated_residue"') > out.find('id="kind-contradiction"')


def test_overlapping_claims_keep_their_anchor(result):
    inner = {
        "claim_id": "k9",
        "article_id": "a1",
        "text": "Anchorage on Friday",
        "status": "corroborated",
        "start": TEXT_A1.index("Anchorage on Friday"),
        "end": TEXT_A1.index("Anchorage on Friday") + 19,
    }
    result.claims = pd.concat(
        [result.claims, _frame([inner], list(result.claims.columns))], ignore_index=True
    )
    articles = _section(render_html(result), "articles", "clusters")
    assert '<span id="claim-k9"></span><span id="claim-k1"' in articles


# ---------------------------------------------------------------- clusters, skipped, run details


def test_html_cluster_block_shows_claims_and_pair_probabilities(result):
    cluster = _section(render_html(result), "clusters", "skipped")
    assert "<strong>About 3,000 people attended</strong>" in cluster
    assert "attributed to organisers" in cluster and "hedges: organisers said" in cluster
    assert "<td>contradiction<td>" in cluster
    assert all(f"<td>{p}" in cluster for p in ("0.12", "0.88", "0.05", "0.90"))


def test_single_claim_clusters_are_left_out(result):
    lone = _frame(
        [
            {
                "cluster_id": "c9",
                "n_claims": 1,
                "n_articles": 1,
                "representative": "The summit was agreed",
                "status": "single_source",
                "claim_ids": ["k6"],
            }
        ],
        CLUSTERS,
    )
    result.clusters = pd.concat([result.clusters, lone], ignore_index=True)
    assert "<strong>The summit was agreed</strong>" not in render_html(result)
    assert "**The summit was agreed**" not in render_markdown(result)
    assert "**About 3,000 people attended**" in render_markdown(result)


@pytest.mark.parametrize("step", [*SKIP_REASONS, "tokenize"])
@RENDERERS
def test_skipped_inputs_say_why(render, step, result):
    result.skipped = _frame([{"input": "x.txt", "line": 3.0, "step": step, "error": "detail"}], SKIPPED)
    out = render(result)
    reason = SKIP_REASONS.get(step, step)
    skipped = (
        out.split("## Skipped inputs")[-1] if render is render_markdown else _section(out, "skipped", "run")
    )
    assert reason in skipped and "x.txt" in skipped and "detail" in skipped and "3.0" not in skipped


@RENDERERS
def test_run_details_at_the_bottom(render, result):
    out = render(result)
    tail = out[out.find("Run details", out.find("Skipped inputs", out.find("Clusters") + 1)) :]
    for expected in ("models/minilm-nli", "onnx-int8", "checker 0.1.0", "nli 8.25", "2025-08-16T06:00:00"):
        assert expected in tail
    assert '"neighbours": 6' in html.unescape(tail)


# ---------------------------------------------------------------- untrusted text, frames, empties


@RENDERERS
def test_every_explanation_and_claim_text_appears(render, result):
    out = render(result)
    for expected in [*result.findings["explanation"], *(t for _, t, _ in CLAIM_ROWS.values())]:
        assert html.escape(expected, quote=False) in out or expected in out


def test_html_escapes_untrusted_text(result):
    result.findings.at[0, "slot"] = "<b>slot</b>"
    result.findings.at[0, "why"] = "<img src=x>"
    out = render_html(result)
    assert "<script" not in out and "<img" not in out and "<b>slot" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;b&gt;Cookie banner&lt;/b&gt;" in out
    assert "Talks end &lt;i&gt;early&lt;/i&gt;" in out


def test_untrusted_ids_cannot_break_out_of_attributes(result):
    result.claims.loc[result.claims["claim_id"] == "k2", "claim_id"] = 'k2" onclick="x'
    result.findings.at[1, "claims"] = [_ref("k2") | {"claim_id": 'k2" onclick="x'}, _ref("k3")]
    out = render_html(result)
    assert "onclick" not in out.replace("onclick_", "")
    assert 'id="claim-k2__onclick__x"' in out


def test_markdown_neutralises_markup_in_untrusted_text(result):
    out = render_markdown(result)
    assert "<i>" not in out and "<script>" not in out
    assert "Talks end &lt;i>early&lt;/i>" in out
    # an article line that starts with "#" stays text, not a heading
    assert "\\# The summit was agreed in May, a source said. [single source]" in out


def test_markdown_escapes_pipes_in_table_cells(result):
    lines = render_markdown(result).splitlines()
    assert any("Summit in Alaska \\| live" in line for line in lines)
    assert any("line is not JSON \\| bad" in line for line in lines)
    for table in ("| Source |", "| Input |"):
        start = next(i for i, line in enumerate(lines) if line.startswith(table))
        rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


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


def _frames(result):
    return {k: v for k, v in vars(result).items() if isinstance(v, pd.DataFrame)}


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


@pytest.mark.parametrize(
    "empty",
    [
        lambda: {n: empty_frame(c) for n, c in SCHEMAS.items()} | {"run": {}},
        lambda: {n: pd.DataFrame() for n in SCHEMAS},
        lambda: {},
    ],
    ids=["schema-columns", "no-columns", "no-attributes"],
)
@RENDERERS
def test_empty_result_renders(render, empty):
    out = render(SimpleNamespace(**empty()))
    assert "No conflicts found." in out and "No skipped inputs." in out
    assert "No articles." in out and "No single-source claims." in out


def test_only_findings_empty(result):
    result.findings = result.findings.iloc[0:0]
    assert "No conflicts found." in render_html(result) and "No conflicts found." in render_markdown(result)
    assert "<mark>" not in _section(render_html(result), "findings", "run")


def test_conflict_kinds_are_the_schema_conflicts():
    # the report's "Conflicts" count is exactly these kinds; residue is shown after them
    assert set(CONFLICT_KINDS) == set(FINDING_KINDS) - {"generated_residue"}


def test_contradiction_sides_are_camps_of_agreeing_claims(result):
    # k4 and k5 have one wording; k1 words it differently but the pair (k1, k4) was scored equivalent,
    # so k1, k4 and k5 make one side against k2.
    result.pairs = pd.concat(
        [result.pairs, _frame([{"claim_a": "k1", "claim_b": "k4", "relation": "equivalent"}], PAIRS)],
        ignore_index=True,
    )
    refs = [_ref("k2"), _ref("k1"), _ref("k4"), _ref("k5")]
    result.findings = _frame([_finding("f", "contradiction", 0.9, refs)], FINDINGS)
    card = _cards(render_html(result))[0]
    assert card.count('<div class="side">') == 2
    second = card.split('<div class="side">')[2]
    assert all(f">{outlet}</a>" in second for outlet in ("Daily Planet", "Gazette", "Courier"))


def test_a_figure_stated_flat_against_the_figure_in_doubt_marks_the_figures(result):
    # the figure rule's card marks each side's figure, not every word the other side lacks
    refs = [
        _ref("k1", text="Nine boats and 30 fishermen were lost off Tarn.", side="stronger", value="30 fishermen"),
        _ref("k4", text="Possibly 30 fishermen were lost.", side="weaker", value="Possibly 30 fishermen"),
    ]
    result.findings = _frame([_finding("f", "stronger_claim", 0.9, refs)], FINDINGS)
    card = _cards(render_html(result))[0]
    assert _marks(card) == ["30 fishermen", "Possibly 30 fishermen"]


def test_stronger_claim_with_several_weaker_versions(result):
    texts = [
        "Russia agreed to the plan.",
        "Russia did not object to the plan.",
        "Russia may accept the plan.",
    ]
    refs = [_ref(k, text=t) for k, t in zip(("k1", "k4", "k6"), texts, strict=True)]
    result.findings = _frame([_finding("f", "stronger_claim", 0.8, refs)], FINDINGS)
    card = _cards(render_html(result))[0]
    assert re.findall(r'class="role">(.*?):', card) == ["states more", "states less", "states less"]
    assert _marks(card) == ["agreed", "did not object", "may accept"]


def test_contradiction_sides_join_claims_that_contradict_the_same_claim(result):
    # k1 and k4 are worded differently and were only scored "related", but both contradict k2.
    rows = [
        {"claim_a": "k1", "claim_b": "k2", "relation": "contradiction"},
        {"claim_a": "k2", "claim_b": "k4", "relation": "contradiction"},
        {"claim_a": "k1", "claim_b": "k4", "relation": "related"},
    ]
    result.pairs = _frame(rows, PAIRS)
    result.findings = _frame(
        [_finding("f", "contradiction", 0.9, [_ref("k1"), _ref("k2"), _ref("k4")])], FINDINGS
    )
    sides = _cards(render_html(result))[0].split('<div class="side">')[1:]
    assert len(sides) == 2
    assert ">Daily Planet</a>, <a" in sides[0] and ">Gazette</a>" in sides[0]


def test_clusters_without_a_disputed_claim_are_one_line_each(result):
    agreed = {
        "cluster_id": "c3",
        "n_claims": 2,
        "n_articles": 2,
        "representative": "All agree here",
        "status": "corroborated",
        "claim_ids": ["k6", "k-unknown"],
    }
    empty = agreed | {"cluster_id": "c4", "representative": "No claims listed", "claim_ids": []}
    result.clusters = pd.concat([result.clusters, _frame([agreed, empty], CLUSTERS)], ignore_index=True)
    clusters = _section(render_html(result), "clusters", "skipped")
    assert clusters.count('<details class="cluster">') == 3  # two disputed clusters, one list
    assert "2 clusters with no disputed claim" in clusters
    assert '<a href="#claim-k6">All agree here</a> <span class="meta">2 claims from 2 articles' in clusters


# ---------------------------------------------------------------- title claims (issue #14)

HEADLINE = "Norland Agrees to Quotas"
TEXT_A4 = f"{HEADLINE}\n\nOfficials say the quotas start in May."  # a .txt headline line: same offsets


def _with_title_claim(result) -> SimpleNamespace:
    """a4 whose headline is a claim that contradicts k2; its text opens with the headline's words."""
    article = result.articles.iloc[0].to_dict() | {
        "article_id": "a4", "source": "Herald", "title": HEADLINE, "text": TEXT_A4, "removed": [],
    }  # fmt: skip
    result.articles = pd.concat([result.articles, _frame([article], list(result.articles.columns))])
    head = {
        "claim_id": "kt", "article_id": "a4", "text": HEADLINE, "start": 0, "end": len(HEADLINE),
        "part": "title", "norm_text": "Norland agrees to quotas", "sentence_idx": -1,
        "status": "contradicted", "n_sources": 0,
    }  # fmt: skip
    result.claims = pd.concat([result.claims, _frame([head], list(result.claims.columns))])
    ref = {k: head[k] for k in ("claim_id", "article_id", "text", "start", "end")}
    finding = _finding("ft", "contradiction", 0.95, [ref, _ref("k2")], "Headline against a body claim.")
    result.findings = _frame([finding], FINDINGS)
    return result


def test_a_title_claim_is_marked_in_the_headline_not_in_the_text(result):
    out = render_html(_with_title_claim(result))
    article = out.split('id="article-a4"', 1)[1].split("</details>", 1)[0]
    headline, body = article.split('<div class="body">', 1)
    assert "Headline:" in headline and '<span id="claim-kt" class="st-contradicted"' in headline
    assert '<sup><a href="#finding-ft">[1]</a></sup>' in headline
    body = body.split("</div>", 1)[0]
    assert "claim-kt" not in body and "<span" not in body  # the text's own words are not marked
    assert html.unescape(body) == TEXT_A4
    assert out.count('id="claim-kt"') == 1


def test_a_card_quotes_a_title_claim_as_the_headline(result):
    card = _cards(render_html(_with_title_claim(result)))[0]
    quote = next(q for q in re.findall(r"<blockquote>.*?</blockquote>", card, re.S) if "Norland" in q)
    assert '<span class="meta">(headline)</span>' in quote
    assert "Officials say" not in quote  # context comes from the title, not the text
    assert "(headline)" in render_markdown(result)


def test_markdown_tags_a_title_claim_on_the_headline_line(result):
    markdown = render_markdown(_with_title_claim(result))
    section = markdown.split("### Herald: Norland Agrees to Quotas", 1)[1]
    lines = [line for line in section.splitlines() if line.strip()]
    assert lines[0] == "Headline: **Norland Agrees to Quotas** [contradicted 1]"
    assert lines[1:3] == [HEADLINE, "Officials say the quotas start in May."]  # the text untagged


def test_stronger_claim_sides_follow_the_findings_marks(result):
    # an outlet's headline and body both state more; two outlets state less: two sides, not four
    texts = ["Russia agreed to the plan.", "Russia agreed to the plan on Monday.",
             "Russia did not object to the plan.", "Moscow did not object to the plan."]  # fmt: skip
    sides = ["stronger", "stronger", "weaker", "weaker"]
    refs = [{**_ref(k, text=t), "side": s} for k, t, s in zip(("k1", "k2", "k4", "k6"), texts, sides, strict=True)]
    result.findings = _frame([_finding("f", "stronger_claim", 0.9, refs)], FINDINGS)
    card = _cards(render_html(result))[0]
    assert re.findall(r'class="role">(.*?):', card) == ["states more", "states less"]
