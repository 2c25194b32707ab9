"""The rules of the claims step: residue, hedging, attribution and check-worthiness, with their tables.

Holds the generated-text residue patterns with ``find_residue``, the weighted hedge lexicon with
``find_hedges`` and ``hedge_score``, the reporting verbs behind ``find_attribution``, and the
call-to-action, opinion, evaluative and boilerplate lexicons behind ``is_check_worthy``. Everything
here is a table or a pure function of a string or of an already-parsed spaCy sentence, with no model
loading and no DataFrames. That is why it is apart from ``checker.claims``, which loads spaCy and
applies these rules to whole articles; ``checker.claims`` re-exports the public functions, so import
them from either.
"""

from __future__ import annotations

import re

from checker.config import ClaimConfig

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
    # Comment-bait closings that text generators append ("Share your thoughts in the comments.")
    (
        "engagement_prompt",
        r"\b(?:Share your (?:thoughts|views|opinions?)|Let us know what you think)\b"
        r"[^\n.!?]{0,40}\b(?:comments?|below)\b" + _END,
    ),
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
        >>> from checker.claims import load_spacy
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
        >>> from checker.claims import load_spacy
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


# Neutral reporting frames at a claim's edges. NLI compares what is reported to have happened: the
# hand-written pairs teach that "A said X" does not establish X, so two outlets quoting different
# officials about one fact would otherwise look unrelated. Denials and claims are not neutral: kept.
_NEUTRAL_REPORTING = r"(?:said|says|told|added|stated|noted|reported|wrote|confirmed|announced|explained)"
_TRAILING_FRAME = re.compile(
    r",\s+(?:according to\b[^,.!?]{1,80}|[^,.!?]{1,80}?\b" + _NEUTRAL_REPORTING + r"\b[^,.!?\"”]{0,60})"
    r"(?=[.!?\"”']*\s*$)",
    re.IGNORECASE,
)
_LEADING_FRAME = re.compile(r"^According to [^,]{1,80},\s*")
# A whole quote with its speaker after it: '"There is a lot to do," Witkoff added.'
_QUOTE_FRAME = re.compile(
    r'^["“](?P<quote>[^"“”]{8,}?)(?P<end>[,.!?]?)["”]\s+[^"“”,.!?]{1,80}?\b'
    + _NEUTRAL_REPORTING
    + r'\b[^"“”.!?]{0,60}[.!?]?\s*$',
    re.IGNORECASE,
)


def strip_attribution(text: str) -> str:
    """The reported content of a claim, without a neutral attribution frame at its start or end.

    Example:
        >>> strip_attribution("Russia did not object to the plan, Witkoff told reporters.")
        'Russia did not object to the plan.'
        >>> strip_attribution("According to Reuters, talks ended on Friday.")
        'Talks ended on Friday.'
        >>> strip_attribution('"There is still a lot of work to do," he added.')
        'There is still a lot of work to do.'
    """
    quoted = _QUOTE_FRAME.match(text)
    if quoted:  # who said it is claims.attribution; the model compares what was said
        end = quoted["end"] if quoted["end"] in ("!", "?") else "."
        return quoted["quote"].strip() + end
    out = _TRAILING_FRAME.sub("", text)
    lead = _LEADING_FRAME.match(out)
    if lead and len(out) > lead.end():
        out = out[lead.end()].upper() + out[lead.end() + 1 :]
    return out if len(out.split()) >= 3 else text


# Verbs with an opposite: (family, polarity, lemmas). Two claims that give the same actor opposite
# verbs of one family on the same thing contradict each other, whatever NLI makes of them
# ("The proposal was accepted by both sides" vs "Russia rejected the proposal"). "Object" is left
# out on purpose: "did not object" is the hedge of "agreed", not its opposite.
_OPPOSITE_TABLE: tuple[tuple[str, int, str], ...] = (
    ("consent", 1, "accept agree approve endorse ratify sign"),
    ("consent", -1, "reject refuse decline veto rebuff"),
    ("truth", 1, "confirm admit acknowledge"),
    ("truth", -1, "deny dispute"),
    ("support", 1, "support back favour favor"),
    ("support", -1, "oppose"),
    ("outcome", 1, "win"),
    ("outcome", -1, "lose"),
    ("presence", 1, "attend join"),
    ("presence", -1, "boycott skip"),
)
_OPPOSITES = {lemma: (family, pol) for family, pol, words in _OPPOSITE_TABLE for lemma in words.split()}


def _inflected(lemma: str) -> str:
    """A regex for the regular forms of a verb: agree(s|d|ing), den(y|ies|ied|ying), skip(ped|ping)."""
    if lemma.endswith("e"):
        return lemma[:-1] + "(?:e|es|ed|ing|eing)"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "(?:y|ies|ied|ying)"
    return lemma + f"(?:|s|es|ed|ing|{lemma[-1]}ed|{lemma[-1]}ing)"


# A cheap test on raw text before any parsing: which families' verbs may appear in it.
_IRREGULAR = {"win": "won", "lose": "lost"}
_FAMILY_WORDS = {
    family: re.compile(
        r"\b(?:"
        + "|".join(
            _inflected(lemma) + (f"|{_IRREGULAR[lemma]}" if lemma in _IRREGULAR else "")
            for lemma, (fam, _) in _OPPOSITES.items()
            if fam == family
        )
        + r")\b",
        re.IGNORECASE,
    )
    for family in {fam for fam, _, _ in _OPPOSITE_TABLE}
}
_COLLECTIVE = {"both", "all", "everyone", "everybody", "each"}  # "both sides" includes either side
_MODALS = {"may", "might", "could", "would", "should", "can", "will", "shall", "must"}


def opposable_families(text: str) -> frozenset[str]:
    """Families of the opposites table whose verbs may appear in a text (a prefilter; parse to be sure).

    Example:
        >>> sorted(opposable_families("Moscow denied it had rejected the plan."))
        ['consent', 'truth']
    """
    return frozenset(family for family, rx in _FAMILY_WORDS.items() if rx.search(text))


def predicate_frames(sent) -> list[tuple[str, int, str, str, str]]:
    """(family, polarity, actor, thing, verb) for each main-clause verb of the opposites table.

    Polarity is the verb's (+1 accept, -1 reject) flipped by a negation; actor is the subject's
    (or passive agent's) lower-cased head, "*" for a collective ("both sides", "all parties") and ""
    when none is given; thing is the head of the object, of a passive subject or of "to"/"on"
    ("agreed to the plan"); verb is as written, with "not" when negated. A second verb of a
    conjunction shares the first one's subject. Verbs under a modal ("may reject") or in
    "neither ... nor" state no fact and are skipped.

    Example:
        >>> from checker.claims import load_spacy
        >>> predicate_frames(load_spacy()("Russia did not accept the ceasefire proposal.")[:])
        [('consent', -1, 'russia', 'proposal', 'not accept')]
    """
    frames = []
    for verb in sent:
        entry = _OPPOSITES.get(verb.lemma_.lower())
        if entry is None or verb.pos_ != "VERB" or verb.dep_ not in ("ROOT", "conj", "ccomp"):
            continue
        children = list(verb.children)
        if verb.dep_ == "conj":  # "denied and rejected": auxiliaries and subject sit on the first verb
            children += [c for c in verb.head.children if c.dep_ in ("aux", "neg", "nsubj", "preconj")]
        if any(c.dep_ == "aux" and c.lemma_.lower() in _MODALS for c in children) or any(
            c.lower_ in ("neither", "nor") for c in children
        ):
            continue
        negated = any(c.dep_ == "neg" for c in children)
        polarity = -entry[1] if negated else entry[1]
        actor, thing = "", ""
        for c in children:
            if c.dep_ == "nsubj":
                actor = _actor(c)
            elif c.dep_ == "agent":
                actor = next((_actor(g) for g in c.children if g.dep_ == "pobj"), actor)
            elif c.dep_ in ("dobj", "nsubjpass"):
                thing = c.lemma_.lower()
            elif c.dep_ == "prep" and c.lower_ in ("to", "on") and not thing:
                thing = next((g.lemma_.lower() for g in c.children if g.dep_ == "pobj"), "")
        if thing:
            frames.append((entry[0], polarity, actor, thing, f"not {verb.text}" if negated else verb.text))
    return frames


def _actor(head) -> str:
    words = {head.lower_} | {c.lower_ for c in head.children}
    if words & _COLLECTIVE or ("two" in words and head.lemma_.lower() in ("side", "party")):
        return "*"
    return head.lower_


def opposed_frames(frames_a, frames_b) -> str:
    """How two claims' predicate frames oppose ("accepted vs rejected (proposal)"), or "" if they do not.

    Frames oppose when they are of one family with opposite polarity, about the same thing, and by
    the same actor, a collective that includes the other's, or both with no actor given.
    """
    for family, pol, actor, thing, verb in frames_a:
        for family_b, pol_b, actor_b, thing_b, verb_b in frames_b:
            same_actor = actor == actor_b or ("*" in (actor, actor_b) and "" not in (actor, actor_b))
            if family == family_b and pol != pol_b and thing == thing_b and same_actor:
                return f"{verb} vs {verb_b} ({thing})"
    return ""
