"""Tests for checker.steps.claims: sentences -> claims, offsets, check-worthiness, attribution, hedges, residue."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from checker.errors import ModelLoadError, SchemaError
from checker.models.nlp import load_spacy
from checker.rules import titles
from checker.rules.attribution import find_attribution
from checker.rules.hedges import find_hedges, hedge_score
from checker.rules.opposites import opposed_frames, predicate_frames
from checker.rules.residue import find_residue
from checker.rules.worthiness import is_check_worthy
from checker.schemas import CLAIMS, RESIDUE, nli_text
from checker.steps import claims as claims_step
from checker.steps.claims import TITLE_SENTENCE, extract_claims
from checker.steps.score import pair_rules

ARTICLE = """Peace talks in Geneva

Russia agreed to provide security guarantees for Ukraine, Witkoff said.  Will the talks succeed?
Talks ended on Friday in Geneva [Source 1]. Subscribe to our newsletter for updates.

Note: This article is based on the provided bullet points.

The Kremlin reportedly did not object to the deployment of European troops [1][2].
According to Reuters, the ceasefire is expected to take effect at midnight [3] on Sunday.
I think this is a disgrace.

Sources: [1] Reuters, "Talks end", 2025
[2] AP News
"""


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


@pytest.fixture(scope="module")
def extracted(nlp):
    articles = pd.DataFrame({"article_id": ["a1"], "text": [ARTICLE]})
    return extract_claims(articles, nlp=nlp)


def _sent(nlp, text: str):
    return nlp(text)[:]


def test_every_claim_indexes_the_article_text_exactly(extracted):
    claims, _ = extracted
    assert len(claims) == 4
    for row in claims.itertuples():
        assert ARTICLE[row.start : row.end] == row.text
        assert row.text == row.text.strip()
        assert "\n\n" not in row.text


def test_heading_does_not_glue_onto_the_next_sentence(extracted):
    claims, _ = extracted
    first = claims.iloc[0]
    assert first["text"] == "Russia agreed to provide security guarantees for Ukraine, Witkoff said."
    assert first["start"] == ARTICLE.index("Russia agreed")


def test_claim_columns_and_values(extracted):
    claims, _ = extracted
    assert list(claims.columns) == CLAIMS
    assert (claims["cluster_id"] == "").all()
    assert claims["start"].is_monotonic_increasing
    by_text = claims.set_index("text")
    kremlin = by_text.loc["The Kremlin reportedly did not object to the deployment of European troops"]
    assert kremlin["hedges"] == "reportedly; did not object"
    assert kremlin["hedge_score"] == pytest.approx(1 - 0.4 * 0.3)
    assert (
        by_text.loc["Russia agreed to provide security guarantees for Ukraine, Witkoff said."]["attribution"]
        == "Witkoff"
    )


def test_sentence_idx_counts_dropped_sentences(extracted):
    claims, _ = extracted
    # 0 heading, 1 Russia agreed, 2 question, 3 talks ended (+ its citation), 4 subscribe, 5 note, 6 Kremlin
    assert claims["sentence_idx"].tolist()[:3] == [1, 3, 6]


def test_residue_rows_point_into_the_text_and_are_not_claims(extracted):
    claims, residue = extracted
    assert list(residue.columns) == RESIDUE
    for row in residue.itertuples():
        assert ARTICLE[row.start : row.end] == row.text
    assert set(residue["pattern"]) == {"citation_source", "citation_number", "note_provided", "sources_list"}
    assert not claims["text"].str.contains("Note:|Sources:|provided bullet", regex=True).any()


def test_trailing_citation_is_trimmed_but_inline_one_is_kept(extracted):
    claims, residue = extracted
    assert "Talks ended on Friday in Geneva" in claims["text"].tolist()
    assert "[Source 1]" in residue["text"].tolist()
    midnight = claims[claims["text"].str.startswith("According to Reuters")].iloc[0]
    assert midnight["text"].endswith("[3] on Sunday.")  # not at the end: the claim keeps it whole
    assert midnight["attribution"] == "Reuters"


def test_claim_ids_are_stable_and_follow_the_formula(nlp):
    articles = pd.DataFrame(
        {"article_id": ["x"], "text": ["Witkoff met Putin for three hours in the Kremlin."]}
    )
    first, _ = extract_claims(articles, nlp=nlp)
    second, _ = extract_claims(articles, nlp=nlp)
    row = first.iloc[0]
    expected = "k" + hashlib.sha1(f"x|{row['start']}|{row['text']}".encode()).hexdigest()[:12]
    assert row["claim_id"] == expected == second.iloc[0]["claim_id"]
    other, _ = extract_claims(articles.assign(article_id="y"), nlp=nlp)
    assert other.iloc[0]["claim_id"] != expected


def test_claims_follow_input_article_order_and_input_is_not_mutated(nlp):
    articles = pd.DataFrame(
        {
            "article_id": ["z", "a", "m"],
            "text": [
                "Oil prices rose sharply after the announcement. European leaders met in Paris on Monday.",
                "Will the talks succeed?",
                "Prisoners were exchanged at the border on Tuesday.",
            ],
            "extra": [1, 2, 3],
        }
    )
    before = articles.copy(deep=True)
    claims, _ = extract_claims(articles, nlp=nlp)
    assert claims["article_id"].tolist() == ["z", "z", "m"]
    assert claims["start"].tolist()[:2] == sorted(claims["start"].tolist()[:2])
    pd.testing.assert_frame_equal(articles, before)


def test_empty_input_gives_empty_frames_with_columns():
    claims, residue = extract_claims(pd.DataFrame({"article_id": [], "text": []}))
    assert list(claims.columns) == CLAIMS and claims.empty
    assert list(residue.columns) == RESIDUE and residue.empty


def test_missing_text_column_is_a_schema_error():
    with pytest.raises(SchemaError, match="text"):
        extract_claims(pd.DataFrame({"article_id": ["a"]}))


def test_wrong_model_name_raises_model_load_error_with_install_hint():
    with pytest.raises(ModelLoadError, match=r"no_such_pipeline_xyz.*pip install"):
        load_spacy("no_such_pipeline_xyz")


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia agreed to provide security guarantees for Ukraine, Witkoff said.",
        "The summit between Trump and Putin will take place in Alaska on August 15.",
        "Share prices fell 3% on Monday after the talks collapsed.",
        "Join operations between the two armies began in 2023.",
        "Follow-up talks are scheduled for next week in Istanbul.",
        "Zelensky told CNN that Ukraine would not cede territory.",
        "The Kremlin reportedly did not object to the deployment of European troops.",
        "According to Reuters, the talks ended on Friday without a deal.",
        "The ceasefire is expected to take effect at midnight.",
        "Prisoners were exchanged at the border on Tuesday.",
        "Trump and Putin to meet in Alaska next week.",
        "We believe the ceasefire will hold, a Kremlin spokesman said.",
    ],
)
def test_factual_news_sentences_are_kept(nlp, sentence):
    assert is_check_worthy(_sent(nlp, sentence)) == (True, "")


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Will the talks succeed?", "question"),
        ("What does this mean for Ukraine?", "question"),
        ("Subscribe to our newsletter for updates.", "call_to_action"),
        ("Share your thoughts in the comments below.", "residue"),
        ("Let us know what you think in the comments.", "residue"),
        ("Share this with your friends on social media.", "call_to_action"),
        ("Click here to read more about the summit.", "call_to_action"),
        ("Don't miss our live coverage of the summit.", "call_to_action"),
        ("I think this is a disgrace.", "opinion"),
        ("In my opinion, the summit was a waste of time.", "opinion"),
        ("This is a great day for diplomacy.", "opinion"),
        ("(Reporting by Guy Faulconbridge; Editing by Alex Richardson)", "boilerplate"),
        ("Talks are ongoing.", "too_short"),
        ("The good, the bad and the ugly of the peace plan", "no_verb"),
        ("As an AI language model, I cannot browse the internet.", "residue"),
    ],
)
def test_non_claims_are_dropped_with_a_reason(nlp, sentence, reason):
    assert is_check_worthy(_sent(nlp, sentence)) == (False, reason)


def test_min_words_is_configurable(nlp):
    assert is_check_worthy(_sent(nlp, "Talks are ongoing."), min_words=3) == (True, "")


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Russia agreed to provide security guarantees for Ukraine, Witkoff said.", "Witkoff"),
        ("Russia agreed to the plan, said Steve Witkoff, the US envoy.", "Steve Witkoff"),
        ("According to Reuters, the talks ended on Friday without a deal.", "Reuters"),
        ("The ceasefire held overnight, according to the Ukrainian military.", "the Ukrainian military"),
        ("A Kremlin spokesman said the meeting would take place in Alaska.", "A Kremlin spokesman"),
        ("Witkoff's spokesperson said the envoy would travel to Moscow next week.", "Witkoff's spokesperson"),
        ("Sources close to Witkoff said the deal was nearly done.", "Sources close to Witkoff"),
        ("Putin, who spoke to reporters in Moscow, said the proposal was acceptable.", "Putin"),
        ("He said the talks were productive.", "He"),
        ("Russia denied the reports.", ""),
        ("Prisoners were exchanged at the border on Tuesday.", ""),
    ],
)
def test_attribution(nlp, sentence, speaker):
    assert find_attribution(_sent(nlp, sentence)) == speaker


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Russia agreed to the plan.", []),
        ("Russia reportedly agreed to the plan.", ["reportedly"]),
        ("Russia may have reportedly agreed to the plan.", ["may", "reportedly"]),
        ("Moscow did not object to European troops.", ["did not object"]),
        ("Moscow didn't object to European troops.", ["did not object"]),
        ("Moscow would not rule out a meeting.", ["did not rule out"]),
        ("The envoy is said to have agreed in principle.", ["is said to", "in principle"]),
        ("Talks began in May, Theresa May said.", []),
        (
            "Kyiv signaled openness to a truce, according to officials.",
            ["signalled openness"],  # a neutral source is attribution, not a hedge
        ),
    ],
)
def test_find_hedges(text, cues):
    assert find_hedges(text) == cues


def test_hedge_scores_order_by_strength():
    flat, reported, stacked = (
        hedge_score(find_hedges(t))
        for t in (
            "Russia agreed to the plan.",
            "Russia reportedly agreed to the plan.",
            "Russia may have reportedly agreed to the plan.",
        )
    )
    assert flat == 0.0 < reported < stacked < 1.0


@pytest.mark.parametrize(
    ("text", "span", "pattern"),
    [
        ("Talks ended [1].", "[1]", "citation_number"),
        ("Talks ended [Source 1].", "[Source 1]", "citation_source"),
        ("Talks ended [Source: Reuters, 2025].", "[Source: Reuters, 2025]", "citation_source"),
        ("Talks ended 【3†source】.", "【3†source】", "citation_fullwidth"),
        ("Talks ended (Source 2).", "(Source 2)", "citation_paren"),
        ("Talks ended in [Insert city].", "[Insert city]", "insert_placeholder"),
        (
            "As an AI language model, I cannot browse.",
            "As an AI language model, I cannot browse.",
            "ai_disclaimer",
        ),
        ("Done. We value your viewpoint! Bye.", "We value your viewpoint!", "engagement_prompt"),
        ("I hope this helps.", "I hope this helps.", "assistant_closing"),
        (
            "Here is the article you asked for:\nTalks ended.",
            "Here is the article you asked for:",
            "assistant_preamble",
        ),
        ("This article was generated by AI.", "This article was generated by AI.", "generated_notice"),
    ],
)
def test_find_residue_patterns(text, span, pattern):
    found = find_residue(text)
    assert [(text[s:e], name) for s, e, name in found] == [(span, pattern)]


@pytest.mark.parametrize(
    "text",
    [
        "This article was written by John Smith in Kyiv.",
        "Here is what we know about the talks in Geneva.",
        "The bill [sic] passed in 2024 by a vote of 52 to 48.",
        "Posted on a forum, the letter named 3 ministers.",
        "Published reports put the toll at 12.",
        "Updated rules took effect in 2019.",
    ],
)
def test_find_residue_ignores_ordinary_prose(text):
    assert find_residue(text) == []


def test_citations_between_sentences_are_trimmed_from_both_claims(nlp):
    text = "Talks ended on Friday in Geneva [1]. Russia agreed to provide guarantees for Ukraine [2][3]."
    claims, residue = extract_claims(pd.DataFrame({"article_id": ["a"], "text": [text]}), nlp=nlp)
    assert claims["text"].tolist() == [
        "Talks ended on Friday in Geneva",
        "Russia agreed to provide guarantees for Ukraine",
    ]
    assert residue["text"].tolist() == ["[1]", "[2]", "[3]"]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        (
            "Updated 6:05 p.m. CT Late Monday night, the ferry Alda ran aground off Varnholm.",
            "Late Monday night, the ferry Alda ran aground off Varnholm.",
        ),
        (
            "LAST UPDATED: TUESDAY, JUNE 4,2024,8:12 PM The ferry Alda ran aground off Varnholm on Monday.",
            "The ferry Alda ran aground off Varnholm on Monday.",
        ),
        (
            "Originally posted 06/04/2024 at 7:50 AM EDT The ferry Alda ran aground off Varnholm on Monday.",
            "The ferry Alda ran aground off Varnholm on Monday.",
        ),
    ],
)
def test_a_time_stamp_glued_to_the_first_sentence_is_cut_not_the_sentence(nlp, text, claim):
    # the page's stamp lost its line break: the story's sentence is still a claim, without the stamp's
    # day and figures among its values, parsed without the stamp's words
    claims, residue = extract_claims(pd.DataFrame({"article_id": ["a"], "text": [text]}), nlp=nlp)
    assert claims["text"].tolist() == [claim]
    assert residue["pattern"].tolist() == ["stamp"]
    assert not any(v["kind"] == "number" for v in claims["values"].iloc[0])
    assert not {v["anchor"] for v in claims["values"].iloc[0]} & {"update", "updated", "post", "publish"}


def test_a_time_stamp_after_the_standfirst_is_cut_from_the_next_sentence(nlp):
    text = ("The ferry Alda ran aground off Varnholm on Monday. UPDATED: TUESDAY, JUNE 4,2024,8:12 PM "
            "All 212 passengers were taken ashore by lifeboat.")  # fmt: skip
    claims, residue = extract_claims(pd.DataFrame({"article_id": ["a"], "text": [text]}), nlp=nlp)
    assert claims["text"].tolist() == [
        "The ferry Alda ran aground off Varnholm on Monday.",
        "All 212 passengers were taken ashore by lifeboat.",
    ]
    assert [v["text"] for v in claims["values"].iloc[1]] == ["212 passengers"]


def test_paragraph_longer_than_spacy_limit_is_cut_and_offsets_hold(nlp, monkeypatch):
    monkeypatch.setattr(nlp, "max_length", 120)
    text = "Witkoff met Putin for three hours in the Kremlin. " * 5
    claims, _ = extract_claims(pd.DataFrame({"article_id": ["a"], "text": [text]}), nlp=nlp)
    assert len(claims) >= 3
    for row in claims.itertuples():
        assert text[row.start : row.end] == row.text


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Russia agreed to the guarantees, according to the US delegation.",
            "Russia agreed to the guarantees.",
        ),
        ("Moscow did not object to the plan, the US envoy said.", "Moscow did not object to the plan."),
        ("According to Reuters, talks ended on Friday.", "Talks ended on Friday."),
        ("Ushakov denied that Russia agreed.", "Ushakov denied that Russia agreed."),  # a denial is content
        (
            "Prices rose, analysts said, before falling again.",
            "Prices rose, analysts said, before falling again.",
        ),
        ("It rose, he said.", "It rose, he said."),  # too little left: unchanged
        ('"There is still a lot of work to do," Witkoff added.', "There is still a lot of work to do."),
        (
            "“Will the talks resume?” the envoy asked reporters.",
            "“Will the talks resume?” the envoy asked reporters.",
        ),
        ('"We will not sign," the minister told reporters on Monday.', "We will not sign."),
        ('"It is over," he said, "but we go on."', '"It is over," he said, "but we go on."'),  # quote goes on
    ],
)
def test_strip_attribution(text, content):
    from checker.rules.attribution import strip_attribution

    assert strip_attribution(text) == content


@pytest.mark.parametrize(
    ("a", "b", "opposed"),
    [
        (
            "The US proposal for a 30-day ceasefire was accepted by both sides.",
            "Russia rejected the ceasefire proposal, Ushakov told Russian state television.",
            "accepted vs rejected (proposal)",
        ),
        ("Russia accepted the plan.", "Russia did not accept the plan.", "accepted vs not accept (plan)"),
        ("The proposal was accepted.", "The proposal was rejected.", "accepted vs rejected (proposal)"),
        (
            "The Kremlin confirmed the report.",
            "The Kremlin denied the report.",
            "confirmed vs denied (report)",
        ),
        # different actors, an unknown actor, a modal, another thing: no opposition
        ("Ukraine accepted the proposal.", "Russia rejected the proposal.", ""),
        # any main verb against its own negation, with the same actor and thing (a plea changed in an
        # update, a reopening denied), and a state after a copula ("stays shut")
        (
            "The driver pleaded guilty to drunk driving.",
            "The driver pleaded not guilty to drunk driving.",
            "pleaded guilty vs not pleaded guilty (driving)",
        ),
        (
            "The ferry terminal reopened to passengers.",
            "The ferry terminal has not reopened to passengers.",
            "reopened vs not reopened (passenger)",
        ),
        (
            "The ferry terminal reopened to passengers.",
            "The ferry terminal stays shut to passengers.",
            "reopened vs stays shut (passenger)",
        ),
        ("The driver pleaded guilty to drunk driving.", "The driver pleaded guilty to speeding.", ""),
        ("The mayor opened the bridge.", "The council did not open the school.", ""),
        ("The proposal was accepted.", "Russia rejected the proposal.", ""),
        ("Both sides accepted the proposal.", "Russia may reject the proposal.", ""),
        ("Russia accepted the proposal.", "Russia rejected the deadline.", ""),
        # "did not object" is the hedge of "agreed" (a stronger/weaker pair), not its opposite
        ("Russia agreed to security guarantees.", "Russia did not object to security guarantees.", ""),
    ],
)
def test_opposite_verbs(nlp, a, b, opposed):
    assert opposed_frames(predicate_frames(_sent(nlp, a)), predicate_frames(_sent(nlp, b))) == opposed


def test_frames_are_parsed_once_at_extraction_and_read_by_the_pair_rule(nlp):
    articles = pd.DataFrame(
        {
            "article_id": ["a1", "a2"],
            "text": [
                "Russia accepted the plan on Monday.",
                "Russia rejected the plan on Tuesday. Talks ended on Friday in Geneva.",
            ],
        }
    )
    claims, _ = extract_claims(articles, nlp=nlp)
    assert [bool(f) for f in claims["frames"]] == [
        True,
        True,
        False,
    ]  # verbs outside the table: no parse kept

    class NoParsing:  # the pair rule must not parse again
        def pipe(self, texts):
            raise RuntimeError("parsed twice")

    ids = claims["claim_id"].tolist()
    pairs = pd.DataFrame({"claim_a": [ids[0], ids[0]], "claim_b": [ids[1], ids[2]]})
    assert pair_rules(pairs, claims)["opposed"].tolist() == ["accepted vs rejected (plan)", ""]


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("The drone was apparently launched from a boat.", ["apparently"]),
        ("The memo was supposedly written by an adviser.", ["supposedly"]),
        ("A video purportedly showing the strike circulated.", ["purportedly"]),
        ("The outbreak was seemingly contained.", ["seemingly"]),
        ("The envoy is reported to have left the capital.", ["is reported to"]),
        ("The deal was agreed in principle.", ["in principle"]),
        ("The minister said the talks would resume on Monday.", []),  # tense backshift after "said"
        ("The talks would resume if both sides agree.", ["would"]),
        ("According to the police, the suspect fled.", []),  # a neutral source: attribution
    ],
)
def test_hedge_cues_and_what_is_not_a_hedge(text, cues):
    assert find_hedges(text) == cues


@pytest.mark.parametrize(
    "text",
    [
        '"The dam above the town is safe. The spillway was tested in May," chief engineer Ines Barros told the council.',
        "Chief engineer Ines Barros told the council: “The dam above the town is safe. The spillway was tested in May.”",
    ],
)
def test_a_quotation_over_two_sentences_keeps_its_speaker_on_each(nlp, text):
    claims, _ = extract_claims(pd.DataFrame({"article_id": ["a1"], "text": [text]}), nlp=nlp)
    dam = claims[claims["text"].str.contains("dam above the town")]
    spillway = claims[claims["text"].str.contains("spillway")]
    assert "Barros" in dam["attribution"].item() and "Barros" in spillway["attribution"].item()


def test_an_unclosed_quote_mark_lends_no_speaker(nlp):
    text = 'Residents were angry. "The bridge has been closed for months. Nobody told us anything, a resident said.'
    claims, _ = extract_claims(pd.DataFrame({"article_id": ["a1"], "text": [text]}), nlp=nlp)
    assert claims.loc[claims["text"].str.contains("closed for months"), "attribution"].item() == ""


# ---------------------------------------------------------------- titles are claims too (issue #14)

HEADLINE = "Minister: Norland Agrees to Fishing Quotas"
BODY = (
    "Norland is said not to object to the new fishing quotas, the minister told reporters. "
    "The quotas cover cod and herring in the northern sea."
)


def _with_title(title, text: str = BODY, article_id: str = "n1") -> pd.DataFrame:
    return pd.DataFrame({"article_id": [article_id], "title": [title], "text": [text]})


def test_a_statement_title_is_a_claim_that_indexes_the_title(nlp):
    claims, _ = extract_claims(_with_title(HEADLINE), nlp=nlp)
    head = claims.iloc[0]  # the headline comes before the body's claims
    assert (head["part"], head["sentence_idx"]) == ("title", TITLE_SENTENCE)
    assert HEADLINE[head["start"] : head["end"]] == head["text"] == HEADLINE  # shown as written
    assert head["norm_text"] == "Minister: Norland agrees to fishing quotas"  # what the models read
    assert nli_text(claims).iloc[0] == head["norm_text"]
    body = claims.iloc[1:]
    assert (body["part"] == "body").all() and (body["norm_text"] == body["text"]).all()
    assert (body["sentence_idx"] >= 0).all()
    for row in body.itertuples():
        assert BODY[row.start : row.end] == row.text
    assert claims["claim_id"].is_unique


def test_title_offsets_skip_surrounding_space_and_values_index_the_claim(nlp):
    title = "  EU Backs Kowalczyk Plan on Fishing Quotas "
    text = "The plan drafted by Anna Kowalczyk was backed by ministers of the EU on Monday."
    head = extract_claims(_with_title(title, text), nlp=nlp)[0].iloc[0]
    assert head["part"] == "title" and title[head["start"] : head["end"]] == head["text"] == title.strip()
    assert head["norm_text"] == "EU backs Kowalczyk plan on fishing quotas"
    assert {"EU", "Kowalczyk"} <= {v["text"] for v in head["values"]}
    for v in head["values"]:  # same length as the title, so offsets hold in both texts
        assert head["norm_text"][v["start"] : v["end"]] == v["text"]
        assert head["text"][v["start"] : v["end"]].lower() == v["text"].lower()


@pytest.mark.parametrize(
    "title",
    [
        "Will Norland Sign the Fishing Quota Deal?",  # a question
        "Live Updates",  # a label
        "Anna Kowalczyk",  # only a name
        "",
        "   ",
        None,
        float("nan"),
    ],
)
def test_titles_that_are_not_statements_are_no_claims(nlp, title):
    claims, _ = extract_claims(_with_title(title), nlp=nlp)
    assert (claims["part"] == "body").all() and len(claims) == 2


def test_body_claims_are_unchanged_by_the_title(nlp):
    without, _ = extract_claims(pd.DataFrame({"article_id": ["n1"], "text": [BODY]}), nlp=nlp)
    with_title, _ = extract_claims(_with_title(HEADLINE), nlp=nlp)
    body = with_title[with_title["part"] == "body"].reset_index(drop=True)
    pd.testing.assert_frame_equal(body, without)
    for row in without.itertuples():  # the id formula of stored claims still holds
        assert row.claim_id == "k" + hashlib.sha1(f"n1|{row.start}|{row.text}".encode()).hexdigest()[:12]


def test_a_title_the_body_repeats_is_one_claim_and_ids_never_collide(nlp):
    # a .txt file's headline line repeats the title: it is one claim, from the body
    title = "Norland agreed to the new fishing quotas on Monday"
    claims, _ = extract_claims(_with_title(title, f"{title}\n\n{BODY}"), nlp=nlp)
    assert claims["part"].tolist() == ["body"] * 3
    head = extract_claims(_with_title(title), nlp=nlp)[0].iloc[0]
    # "title" is hashed in, so the same words at the same offset of the text have another id
    assert head["claim_id"] == "k" + hashlib.sha1(f"n1|title|0|{title}".encode()).hexdigest()[:12]
    assert head["claim_id"] != claims.iloc[0]["claim_id"]


def test_title_claims_keep_article_order(nlp):
    articles = pd.DataFrame(
        {
            "article_id": ["z", "a"],
            "title": ["Norland Agrees to Fishing Quotas After Long Talks", "Live Updates"],
            "text": ["The quotas cover cod and herring in the northern sea.", BODY],
        }
    )
    claims, _ = extract_claims(articles, nlp=nlp)
    assert claims[["article_id", "part"]].values.tolist() == [
        ["z", "title"], ["z", "body"], ["a", "body"], ["a", "body"],
    ]  # fmt: skip


def test_the_claims_key_changes_with_the_titles_rule():
    assert titles.NAME in claims_step.RULES  # stored articles keep their claims; new ones get titles


def test_the_frame_table_names_each_predicates_roles(nlp):
    # a notebook view of claims.frames and claims.values, in the field's terms
    from checker.steps.claims import frame_table

    text = "Norland did not object to the fishing quotas in Bergen on Monday, officials said."
    claims, _ = extract_claims(pd.DataFrame({"article_id": ["a1"], "text": [text]}), nlp=nlp)
    table = frame_table(claims)
    row = table[table["predicate"] == "consent"].iloc[0]
    assert (row["verb"], row["polarity"], row["strength"]) == ("not object", 1, "weak")
    assert (row["agent"], row["patient"]) == ("norland", "quota")
    assert "Bergen" in row["place"] and "Monday" in row["time"]
    assert row["claim_id"] == claims["claim_id"].iloc[0]
    assert frame_table(claims.assign(frames=[[]])).empty
