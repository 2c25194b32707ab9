"""Column names of every DataFrame the library returns, and one validator for frames handed in.

Frames returned by the library always have at least these columns in this order; columns a caller
added to an input frame are passed through after them.

articles (checker.steps.ingest.read_articles):
    article_id  str   stable id: given by the input, else "a" + sha1 of the cleaned text (12 hex)
    source      str   outlet or file stem ("" when unknown)
    title       str
    url         str
    published   str   ISO date or "" (kept as given when it cannot be parsed); a DataFrame's datetime
                      or date values also come back as ISO date text, so the column has one type
    path        str   file the article came from, with ":line" for JSONL/CSV rows
    text        str   cleaned main text; every offset in the library points into it
    removed     list[str]  boilerplate lines removed from the text (page furniture, a feed's cut-off
                           ending such as "fined the bank 12… [+2140 chars]")
  after reading (read_articles) also ARTICLE_LANGUAGE, before a DataFrame's own extra columns:
    language    str   ISO 639-1 code ("en", "de"): the input's own ``language`` field, else detected
                      (checker.steps.language); texts too short to tell count as "en". Not yet in
                      ARTICLES: the nightly store has no column for it.
  after scoring (CheckResult.articles) also:
    n_claims, n_corroborated, n_contested, n_contradicted, n_single_source  int
    n_residue   int   generated-text residue spans found
    consistency float corroborated / (corroborated + contested + contradicted); NaN when none

claims (checker.steps.claims.extract_claims):
    claim_id     str   "k" + sha1(article_id, start, text) (12 hex), stable across runs; a title claim
                       hashes "title" in too, so it never takes a body claim's id
    article_id   str
    text         str   as written: == article text[start:end] for part "body",
                       == article title[start:end] for part "title"
    start, end   int   character offsets into the article's cleaned text (part "body") or into its
                       title (part "title")
    sentence_idx int   sentence number within the article's text; -1 for the title claim
    attribution  str   who the claim is attributed to ("Witkoff", "Reuters") or ""
    hedges       str   hedging cues found, joined by "; " ("reportedly; did not object") or ""
    hedge_score  float 0 (flat assertion) .. 1 (heavily hedged)
    frames       list  predicate frames (family, polarity, actor, thing, verb, strength) of the claim's
                       main predicates that have a thing: the opposites table's family or the verb's
                       lemma, +1/-1, the subject ("~" a pronoun, "*" a collective, "" none), the
                       object, the verb as written, 2 stated outright / 1 a weaker form ("did not
                       object"); checker.rules.opposites.predicate_frames; [] when none
    values       list  the names, places, figures, dates and times of day the claim states
                       (checker.rules.values): dicts with kind (name | place | number | date | time),
                       text, start, end (offsets in the claim), key, and per kind label / lo, hi, unit,
                       noun, whole, clock (a game clock in seconds, unit "time left" or "time
                       elapsed"), hedge (the cue that puts the figure in doubt: "possibly"),
                       measured (a measure's unit as written, "yard") / day,
                       month, weekday / minute, zone, utc_minute; and where it sits in
                       the parse: anchor (the word it attaches to), holder (whose value it is), and
                       for a definite common-noun holder holder_words / holder_ids (its modifiers; the
                       proper nouns and figures among them); clause / clause_at: the clause that
                       states it, as a short claim of its own, where it is shorter than the claim
    cluster_id   str   set by clustering ("" before)
    part         str   "body" (a sentence of the text) or "title" (the headline: at most one per article,
                       only when it states something checkable; the report shows it as the headline)
    norm_text    str   what the embedder and NLI read (``nli_text``): == text for body claims; for a
                       title, the title in sentence case ("Norland Agrees to Fishing Quotas" ->
                       "Norland agrees to fishing quotas"; checker.rules.titles), same length as text
    status       str   after scoring: corroborated | contested | contradicted | single_source
    n_sources    int   after scoring: other articles whose claims agree with (entail) this one
    n_copies     int   after scoring: those of them that print the same words (shared wire copy: a
                       corroboration that is not independent)

frame table (checker.steps.claims.frame_table(claims): one row per predicate frame, for notebooks):
    claim_id, article_id  str
    predicate    str   the predicate's family (the opposites table's, "consent", or the verb's lemma)
    verb         str   the predicate as written ("did not object" is "not object")
    polarity     int   +1 / -1 (a negated predicate of the table takes the other polarity)
    strength     str   "stated" (outright) | "weak" (a weaker form of the stance: "did not object",
                       "is open to", "is willing to consider")
    agent        str   the subject's or passive agent's head, lower case ("~" a pronoun, "*" a
                       collective such as "both sides", "" none)
    patient      str   the head of what the predicate is done to or about ("quota")
    time, place, quantities  str   the dates and times of day, places and figures the claim states,
                       "; "-joined (from values; per claim, not per frame)
    attribution, hedges      str   as in claims

residue (generated-text residue found by checker.steps.claims.extract_claims; becomes findings, except
a page's time stamp glued to a sentence, pattern "stamp": furniture, recorded and cut from the claim):
    article_id, text, start, end, pattern

clusters:
    cluster_id, n_claims, n_articles, representative (claim text), status, claim_ids (list[str])

pairs:
    claim_a, claim_b, article_a, article_b, similarity, kind ("cross" | "intra"),
    p_entail_ab, p_contra_ab, p_neutral_ab, p_entail_ba, p_contra_ba, p_neutral_ba,
    truncated (bool: the pair did not fit the model in one direction and was cut),
    opposed (str: "accepted vs rejected (proposal)" when the claims give one actor opposite verbs on
    one thing, else ""),
    stronger (str: "a: agreed vs not object (guarantee)" when one claim states outright a stance the
    other gives only in a weaker form, for the same named actor and thing; "b: ..." when b is the
    stronger; "a: two children vs possibly two children (figure)" when one article states flat a figure
    another article of the story puts in doubt; else "": checker.rules.opposites.stronger_frames,
    checker.rules.details.hedged_figure),
    details (list of dicts: candidate name/place/figure/date mismatches with kind, slot, the two values
    a and b, and p_ab / p_ba, the NLI entailment once b's value is replaced by a's: the same-fact test),
    relation

findings (one row per disputed fact, conflicts first: FINDING_KINDS order, then score):
    finding_id  str   stable id of the disputed fact (kind + what is disputed), not of the outlets:
                      an outlet joining a dispute updates its finding
    kind        str   one of FINDING_KINDS
    score       float 0..1 confidence (NLI probability, or the rule's evidence)
    cluster_id  str
    explanation str   one English sentence: who says what
    claims      list of dicts: claim_id, article_id, text, start, end, and for name/number/date/place
                      mismatches the ``value`` the claim states, for a stronger_claim its ``side``
                      ("stronger" or "weaker") and, when made by the figure rule, its ``value``
                      ("two children" / "possibly two children"); a headline claim also has part "title" (its
                      start/end index the title); residue spans have claim_id ""
    slot        str   what is disputed ("number of injured", "place of the summit"), "" when unnamed
    why         str   the evidence in one line (the two NLI directions, or the rule that fired)

skipped (inputs left out, one row each; checker.steps.ingest.read_articles):
    input  str   the path as given, or "<DataFrame>"
    line   int | None  line of a JSONL/CSV row, index label of a DataFrame row; None for a whole file
    step   str   why it was left out:
                 "ingest"     bad input that cannot be read (unreadable, empty, too long, not JSON): the
                              only kind that is an error (CLI and nightly exit code 1)
                 "duplicate"  the same article_id, or the same text up to case, quotes and spacing, as an
                              article read earlier in this batch; the error names this copy and the one kept
                 "ignored"    a file a folder walk leaves out: a repository file (README, LICENSE,
                              EXPECTED …; checker.steps.readers.REPOSITORY_FILES) or another file type
                 "language"   an article not in the configured language ([ingest] language)
    error  str   what was wrong and what to do
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from checker.errors import SchemaError

ARTICLES = ["article_id", "source", "title", "url", "published", "path", "text", "removed"]
CLAIMS = [  # the first eight are the claims.csv contract of issue #2, in its order
    "claim_id",
    "article_id",
    "text",
    "start",
    "end",
    "attribution",
    "hedges",
    "cluster_id",
    "sentence_idx",
    "hedge_score",
    "frames",
    "values",
    "part",
    "norm_text",
]
ARTICLE_SCORES = [
    "n_claims",
    "n_corroborated",
    "n_contested",
    "n_contradicted",
    "n_single_source",
    "n_residue",
    "consistency",
]
CLAIM_STATUS = ["status", "n_sources", "n_copies"]
RESIDUE = ["article_id", "text", "start", "end", "pattern"]
FRAMES = ["claim_id", "article_id", "predicate", "verb", "polarity", "strength", "agent", "patient",
          "time", "place", "quantities", "attribution", "hedges"]  # fmt: skip
CLUSTERS = ["cluster_id", "n_claims", "n_articles", "representative", "status", "claim_ids"]
PAIRS = [
    "claim_a",
    "claim_b",
    "article_a",
    "article_b",
    "similarity",
    "kind",
    "p_entail_ab",
    "p_contra_ab",
    "p_neutral_ab",
    "p_entail_ba",
    "p_contra_ba",
    "p_neutral_ba",
    "truncated",
    "opposed",
    "stronger",
    "details",
    "relation",
]
FINDINGS = ["finding_id", "kind", "score", "cluster_id", "explanation", "claims", "slot", "why"]
SKIPPED = ["input", "line", "step", "error"]
ARTICLE_LANGUAGE = "language"  # column read_articles adds after ARTICLES (see the articles block)
# skipped.step -> its count in run records; only "ingest" (bad input) is an error (exit status 1)
SKIP_STEPS = {"ingest": "skipped", "duplicate": "duplicates", "ignored": "ignored", "language": "other_language"}

# Reading order of finding kinds: conflicts first (reports, findings.jsonl and changes use it).
FINDING_KINDS = (
    "contradiction",
    "intra_article_conflict",
    "stronger_claim",
    "entity_mismatch",
    "place_mismatch",
    "number_mismatch",
    "date_mismatch",
    "generated_residue",
)
CONFLICT_KINDS = FINDING_KINDS[:-1]
# Claim statuses from most to least serious (a cluster shows the status most of its outlets' claims have).
CLAIM_STATUSES = ("contradicted", "contested", "corroborated", "single_source")


def validate_frame(frame: pd.DataFrame, required: Sequence[str], *, name: str) -> None:
    """Raise SchemaError naming the missing columns of a frame handed to the library.

    Example:
        >>> validate_frame(pd.DataFrame({"text": ["x"]}), ["text"], name="articles")
    """
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{name}: missing column(s) {missing}; present: {list(frame.columns)}. "
            f"See checker.schemas for what each column means."
        )


def nli_text(claims: pd.DataFrame) -> pd.Series:
    """The text the embedder and the NLI model read for each claim: ``norm_text``, else ``text``.

    A title claim's ``text`` keeps the headline's capitals ("Norland Agrees to Fishing Quotas"), which
    the models read as names; its ``norm_text`` is in sentence case. Frames without ``norm_text`` (built
    by hand, or stored before it existed) and rows where it is empty give ``text``. Same index as
    ``claims``.

    Example:
        >>> claims = pd.DataFrame({"text": ["Norland Agrees to Quotas", "Talks ended."],
        ...                        "norm_text": ["Norland agrees to quotas", ""]})
        >>> nli_text(claims).tolist()
        ['Norland agrees to quotas', 'Talks ended.']
    """
    text = claims["text"]
    if "norm_text" not in claims.columns:
        return text.copy()
    norm = claims["norm_text"]
    return norm.where(norm.notna() & (norm.astype(str) != ""), text)


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """An empty frame with the given columns, so callers never special-case 'no rows'."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
