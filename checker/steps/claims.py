"""Articles -> claims: sentences, headlines, check-worthiness, attribution, hedging, offsets, and residue.

Every kept sentence becomes one claim row (``part`` "body") whose ``start``/``end`` index the article's
``text`` so that ``text[start:end] == claim``. A title that states something checkable is one claim
too (``part`` "title", offsets into the article's ``title``, sentence_idx -1, issue #14): the claim
keeps the title as written, and its ``norm_text`` is the title in sentence case ("Norland Agrees to
Fishing Quotas" -> "Norland agrees to fishing quotas", ``rules.titles``), which is what the title is
parsed in here and what the embedder and NLI read (``schemas.nli_text``). Generated-text residue
(placeholder citations, assistant boilerplate) is reported as its own frame; a sentence that is nothing
but residue is never a claim.

All decisions are rules over spaCy's tags, parse and entities, so they are cheap and explainable;
they live in ``checker.rules`` (one module per family, each with a versioned ``NAME``):

- check-worthiness: ``rules.worthiness`` (questions, calls to action, opinion, fragments dropped; the
  same rules for titles, so "Live updates", a name alone or a question is no claim);
- headline capitals: ``rules.titles`` (which title-cased words are names, from the article body and
  the parse);
- attribution: ``rules.attribution`` (subject of a reporting verb that governs a clause, else
  "according to X");
- hedging: ``rules.hedges`` (a weighted cue table, combined as 1 - prod(1 - w));
- predicate frames for the opposite-verb pair rule: ``rules.opposites`` (the ``frames`` column), parsed
  here once so the pair step never parses again.

Example:
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "text": ["Russia agreed to talks, Witkoff said."]})
    >>> claims, residue = extract_claims(arts)
    >>> claims.loc[0, "attribution"]
    'Witkoff'
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator

import pandas as pd
from tqdm.auto import tqdm

from checker.config import ClaimConfig
from checker.rules import attribution, hedges, opposites, residue, titles, values, worthiness
from checker.rules.attribution import find_attribution, share_quote_speakers
from checker.rules.hedges import find_hedges, hedge_score
from checker.rules.opposites import full_frame, predicate_frames
from checker.rules.residue import EDGE, FURNITURE, _without, find_residue
from checker.rules.titles import draft, sentence_case
from checker.rules.values import anchor, clause, extract_values
from checker.rules.worthiness import is_check_worthy
from checker.schemas import CLAIMS, FRAMES, RESIDUE, empty_frame, validate_frame

logger = logging.getLogger(__name__)

# Every rule version a stored claim depends on (the nightly store keys claims by these).
RULES = (
    residue.NAME, hedges.NAME, attribution.NAME, worthiness.NAME, opposites.NAME, values.NAME, titles.NAME,
)  # fmt: skip
TITLE_SENTENCE = -1  # sentence_idx of a title claim: before the body's sentences 0, 1, ...

_BATCH_SIZE = 64
_PROGRESS_MIN_ARTICLES = 50  # below this a progress bar is noise
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def extract_claims(
    articles: pd.DataFrame, *, config: ClaimConfig | None = None, nlp=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into sentences and keep the check-worthy ones as claims.

    Args:
        articles: frame with at least ``article_id`` and ``text``, and ``title`` when titles are to be
            claims too; it is not modified.
        config: thresholds and the spaCy model name; defaults to ``ClaimConfig()``.
        nlp: a loaded spaCy pipeline with a parser; loaded from ``config.spacy_model`` when None.

    Returns:
        (claims with columns ``schemas.CLAIMS``, residue with columns ``schemas.RESIDUE``), both ordered
        by input article order, then (claims) the title claim before the body's, then offset.

    Example:
        >>> arts = pd.DataFrame({"article_id": ["a1"], "text": ["Talks ended on Friday in Geneva [1]."]})
        >>> claims, residue = extract_claims(arts)
        >>> claims.loc[0, "text"], residue.loc[0, "text"]
        ('Talks ended on Friday in Geneva', '[1]')
    """
    validate_frame(articles, ["article_id", "text"], name="articles")
    config = config or ClaimConfig()
    if articles.empty:
        return empty_frame(CLAIMS), empty_frame(RESIDUE)
    if nlp is None:
        from checker.models.nlp import load_spacy

        nlp = load_spacy(config.spacy_model)
    ids = [str(a) for a in articles["article_id"]]
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    dates = [str(d) if isinstance(d, str) else "" for d in articles.get("published", [""] * len(ids))]
    heads = [t if isinstance(t, str) else "" for t in articles.get("title", [""] * len(ids))]
    residue = [find_residue(t) for t in texts]
    parsed = [_blank(t, [(s, e) for s, e, name in spans if name.startswith(FURNITURE)])
              for t, spans in zip(texts, residue, strict=True)]  # fmt: skip
    jobs = [(parsed[i][s:e], (i, s)) for i, t in enumerate(texts) for s, e in _paragraphs(t, nlp.max_length)]
    logger.info("extracting claims from %d articles (%d paragraphs)", len(texts), len(jobs))
    docs = nlp.pipe(jobs, as_tuples=True, batch_size=_BATCH_SIZE)
    quiet = None if len(texts) >= _PROGRESS_MIN_ARTICLES else True
    body: list[list[dict]] = [[] for _ in texts]  # each article's sentence claims, in text order
    reasons, n_sent = Counter(), [0] * len(texts)
    long: dict[int, list[int]] = {}  # article index -> [sentences over the limit, stretches skipped]
    for doc, (i, offset) in tqdm(docs, total=len(jobs), disable=quiet, desc="claims", unit="para"):
        sentences = _sentences(doc, offset, texts[i], residue[i])
        for sent in _bounded(sentences, config.max_sentence_chars, long.setdefault(i, [0, 0])):
            row, reason = _claim_row(ids[i], texts[i], sent, offset, n_sent[i], residue[i], config, dates[i])
            n_sent[i] += 1
            reasons[reason or "kept"] += 1
            if row is not None:
                body[i].append(row)
    for i, (n_long, n_skipped) in long.items():
        if n_long:
            logger.warning(
                "article %s: %d sentence(s) longer than max_sentence_chars=%d were split at clause "
                "punctuation; %d stretch(es) without any were skipped ([claims] max_sentence_chars)",
                ids[i], n_long, config.max_sentence_chars, n_skipped,
            )  # fmt: skip
    logger.info("kept %d of %d sentences; %s", reasons["kept"], sum(n_sent), dict(reasons))
    share_quote_speakers([row for rows in body for row in rows])
    head_rows = _title_claims(ids, heads, texts, dates, body, nlp, config)
    rows = [row for head, own in zip(head_rows, body, strict=True) for row in ([head] if head else []) + own]
    claims = pd.DataFrame(rows, columns=CLAIMS) if rows else empty_frame(CLAIMS)
    res_rows = [(ids[i], texts[i][s:e], s, e, name) for i in range(len(texts)) for s, e, name in residue[i]]
    res = pd.DataFrame(res_rows, columns=RESIDUE) if res_rows else empty_frame(RESIDUE)
    return claims, res


def frame_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims' predicate frames as a table in the field's terms, one row per frame (FRAMES).

    A notebook view of the ``frames`` and ``values`` columns: predicate, its agent and patient,
    polarity and assertion strength, with the claim's times, places and figures beside them. A claim
    without a frame has no row. Raises SchemaError when claims lack claim_id, article_id or frames.

    Example:
        >>> claims = pd.DataFrame({"claim_id": ["k1"], "article_id": ["a1"],
        ...     "frames": [[("consent", 1, "norland", "quota", "not object", 1)]], "values": [[]]})
        >>> frame_table(claims)[["predicate", "verb", "strength", "agent", "patient"]].values.tolist()
        [['consent', 'not object', 'weak', 'norland', 'quota']]
    """
    validate_frame(claims, ["claim_id", "article_id", "frames"], name="claims")
    rows = []
    for c in claims.itertuples(index=False):
        stated = list(getattr(c, "values", None) or [])

        def joined(kind: str, stated: list = stated) -> str:
            return "; ".join(v["text"] for v in stated if v.get("kind") == kind)

        for family, polarity, agent, patient, verb, strength in map(full_frame, c.frames or ()):
            rows.append({
                "claim_id": c.claim_id, "article_id": c.article_id, "predicate": family, "verb": verb,
                "polarity": int(polarity), "strength": "stated" if strength == 2 else "weak",
                "agent": agent, "patient": patient, "place": joined("place"),
                "time": "; ".join(filter(None, (joined("date"), joined("time")))),
                "quantities": joined("number"), "attribution": getattr(c, "attribution", "") or "",
                "hedges": getattr(c, "hedges", "") or "",
            })  # fmt: skip
    return pd.DataFrame(rows, columns=FRAMES) if rows else empty_frame(FRAMES)


def _paragraphs(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Paragraph spans, so a heading never joins the next sentence; overlong ones cut at whitespace."""
    bounds = [0, *(x for m in _PARAGRAPH_BREAK.finditer(text) for x in (m.start(), m.end())), len(text)]
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        while end - start > limit:  # spaCy refuses texts over nlp.max_length
            cut = text.rfind(" ", start + 1, start + limit)
            cut = cut if cut > start else start + limit
            if text[start:cut].strip():
                yield start, cut
            start = cut
        if text[start:end].strip():
            yield start, end


def _sentences(doc, offset: int, text: str, spans: list[tuple[int, int, str]]) -> Iterator:
    """spaCy sentences, re-joined where the parser split at a citation ("... midnight [3] on Sunday.")."""
    cites = [(s, e) for s, e, name in spans if name.startswith("citation")]
    previous = None
    for sent in doc.sents:
        start, end = _strip(text, sent.start_char + offset, sent.end_char + offset)
        if start >= end:
            continue
        if previous is not None and _continues_after_citation(text, start, end, cites):
            previous = doc[previous.start : sent.end]
            continue
        if previous is not None:
            yield previous
        previous = sent
    if previous is not None:
        yield previous


_CLAUSE_MARKS = frozenset({";", ":", ",", "-", "--", "\u2013", "\u2014"})  # where a clause may end


def _bounded(sentences: Iterator, limit: int, stats: list[int]) -> Iterator:
    """Sentences of at most ``limit`` characters (issue #15: a 3,000-word run-on is no claim).

    A longer sentence is cut after clause punctuation (; : , dashes) into the longest pieces that
    fit; a stretch with no such mark within ``limit`` characters is skipped up to its next mark.
    ``stats`` counts [sentences over the limit, stretches skipped].
    """
    for sent in sentences:
        if sent.end_char - sent.start_char <= limit:
            yield sent
            continue
        stats[0] += 1
        doc, i, end = sent.doc, sent.start, sent.end
        while i < end:
            reach, j, cut = doc[i].idx + limit, i, None
            while j < end and doc[j].idx + len(doc[j]) <= reach:
                cut = j + 1 if doc[j].text in _CLAUSE_MARKS else cut
                j += 1
            if j == end:
                yield doc[i:end]
                break
            if cut is None:
                stats[1] += 1
                cut = next((k + 1 for k in range(j, end) if doc[k].text in _CLAUSE_MARKS), end)
            else:
                yield doc[i:cut]
            i = cut


def _continues_after_citation(text: str, start: int, end: int, cites: list[tuple[int, int]]) -> bool:
    """Whether text[start:end] opens with citations and is then nothing, or a lower-case continuation."""
    pos = start
    while (tail := next((e for s, e in cites if s <= pos < e), None)) is not None:
        pos = tail
        while pos < end and text[pos].isspace():
            pos += 1
    rest = text[pos:end]
    return pos > start and (not re.search(r"\w", rest) or rest[0].islower() or rest[0] in ",;:)")


def _claim_row(article_id, text, sent, offset, idx, spans, config, published="") -> tuple[dict | None, str]:
    start, end = _strip(text, sent.start_char + offset, sent.end_char + offset)
    if not _has_words_outside(text, start, end, spans):
        return None, "residue"
    keep, reason = is_check_worthy(sent, min_words=config.min_words)
    if not keep:
        return None, reason
    start, end = _trim_citations(text, start, end, spans)
    claim = text[start:end]
    cues = find_hedges(claim)
    claim_id = "k" + hashlib.sha1(f"{article_id}|{start}|{claim}".encode()).hexdigest()[:12]
    row = {
        "claim_id": claim_id, "article_id": article_id, "text": claim, "start": start, "end": end,
        "sentence_idx": idx, "attribution": find_attribution(sent), "hedges": "; ".join(cues),
        "hedge_score": hedge_score(cues), "cluster_id": "",
        "frames": predicate_frames(sent),
        "values": _anchored(
            extract_values(claim, _entities(sent, offset, start, end), published), sent, offset, start
        ),
        "part": "body", "norm_text": claim,
    }  # fmt: skip
    return row, ""


def _title_claims(
    ids: list[str], heads: list[str], texts: list[str], dates: list[str], body: list[list[dict]], nlp, config
) -> list[dict | None]:
    """Each article's title claim, or None: titles parsed in sentence case (rules.titles), both passes
    batched. A title the body already states in the same words (a .txt headline line) is not repeated."""
    spans = {i: _strip(t, 0, len(t)) for i, t in enumerate(heads)}
    drafts = {i: draft(heads[i][s:e], texts[i]) for i, (s, e) in spans.items() if s < e}
    norm = {i: d.text for i, d in drafts.items()}
    need = [i for i, d in drafts.items() if d.todo]
    for i, doc in zip(need, nlp.pipe([norm[i] for i in need], batch_size=_BATCH_SIZE), strict=True):
        norm[i] = sentence_case(drafts[i], doc)
    found: list[dict | None] = [None] * len(ids)
    reasons = Counter()
    for i, doc in zip(norm, nlp.pipe(list(norm.values()), batch_size=_BATCH_SIZE), strict=True):
        keep, reason = is_check_worthy(doc[:], min_words=config.min_words)  # a headline is one unit
        if keep and _words(norm[i]) in {_words(row["text"]) for row in body[i]}:
            keep, reason = False, "in_body"
        if keep:
            found[i] = _title_row(ids[i], heads[i], spans[i], norm[i], doc[:], dates[i])
        reasons[reason or "kept"] += 1
    if drafts:
        logger.info("kept %d of %d titles; %s", reasons["kept"], len(drafts), dict(reasons))
    return found


def _title_row(article_id: str, title: str, span: tuple[int, int], norm: str, sent, published: str) -> dict:
    start, end = span
    claim = title[start:end]
    cues = find_hedges(norm)
    # "title" in the hash: the body may hold the same words at the same offset (a repeated headline)
    claim_id = "k" + hashlib.sha1(f"{article_id}|title|{start}|{claim}".encode()).hexdigest()[:12]
    return {
        "claim_id": claim_id, "article_id": article_id, "text": claim, "start": start, "end": end,
        "sentence_idx": TITLE_SENTENCE, "attribution": find_attribution(sent), "hedges": "; ".join(cues),
        "hedge_score": hedge_score(cues), "cluster_id": "", "frames": predicate_frames(sent),
        "values": _anchored(extract_values(norm, _entities(sent, 0, 0, len(norm)), published), sent, 0, 0),
        "part": "title", "norm_text": norm,
    }  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def _anchored(values: list[dict], sent, offset: int, start: int) -> list[dict]:
    """Each value with the word it attaches to and who or what holds it (checker.rules.values.anchor)."""
    for v in values:
        tokens = [t for t in sent if start + v["start"] <= t.idx + offset < start + v["end"]]
        v.update(anchor(tokens))
        v.update(clause(tokens))
    return values


def _entities(sent, offset: int, start: int, end: int) -> list[tuple[str, int, int]]:
    """The parser's entities inside the claim span, with offsets into the claim text."""
    found = []
    for ent in sent.ents:
        s, e = ent.start_char + offset, ent.end_char + offset
        if start <= s and e <= end:
            found.append((ent.label_, s - start, e - start))
    return found


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans turned to spaces (same length: offsets hold), so that page furniture
    glued to a sentence ("Updated 6:05 p.m. CT Late Monday, ...") is not parsed as part of it."""
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_words_outside(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    return bool(re.search(r"\w", _without(text, spans, start, end)))


def _trim_citations(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Move start/end past placeholder citations and time stamps at either edge ("... on Friday [Source 1].",
    "Updated 6:05 p.m. CT Late Monday, ...": checker.rules.residue.EDGE)."""
    cites = [(s, e) for s, e, name in spans if name.startswith(EDGE) and s < end and e > start]
    while True:
        probe = end
        while probe > start and (text[probe - 1].isspace() or text[probe - 1] in ".,;:!?"):
            probe -= 1
        tail = next((s for s, e in cites if start < s < probe <= e), None)
        head = next((e for s, e in cites if s <= start < e), None)
        if tail is not None:
            end = tail
        elif head is not None:
            start = head
            while start < end and text[start] in ".,;: \t\n":  # "[1]. Russia ..." -> "Russia ..."
                start += 1
        else:
            return start, end
        start, end = _strip(text, start, end)
