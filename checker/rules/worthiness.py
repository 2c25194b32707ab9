"""Check-worthiness: which sentences state something checkable.

Rules over an already-parsed spaCy sentence (questions, calls to action, opinion, boilerplate,
fragments); no model loading.
"""

from __future__ import annotations

import re

from checker.rules.attribution import find_attribution
from checker.rules.residue import _without, find_residue

NAME = "checker.worthiness.v2"  # stored results depend on it: bump when a table or rule changes

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
# Commentary that states nothing checkable: stock speculation, and a summing-up opener followed by a
# judgement ("Overall, the agreement represents an important step toward ..."), the filler of
# generated and content-farm pieces. Facts in such a sentence are stated elsewhere in the article.
_SPECULATION = re.compile(
    r"\b(?:remains to be seen|(?:only )?time will tell|the jury is (?:still )?out)\b", re.IGNORECASE
)
_SUMMING_UP = re.compile(
    r"^\W*(?:overall|in conclusion|in summary|to sum up|all in all|in short|ultimately|all told),", re.IGNORECASE
)
_JUDGEMENT = re.compile(
    r"\b(?:important|significant|crucial|major|key|vital|welcome|positive|promising|remarkable|"
    r"step (?:forward|toward|towards|in the right direction)|milestone|landmark|turning point|"
    r"game[- ]changer|breakthrough)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})
_BOILERPLATE = re.compile(
    r"^\W*(?:(?:Additional )?(?:Reporting|Writing|Editing) by\b"  # wire-service credit lines
    r"|Copyright\b|©|(?:Advertisement|Related|Read more|Photo|Image|Video|Credit)\s*(?:[:|]|$)"
    r"|(?:Last )?(?:Updated|Published)\s*:?\s*\d)"
    r"|\bAll rights reserved\b"
    # credit lines: who else wrote or first ran the story ("X contributed to this report")
    r"|\bcontributed (?:reporting )?to this (?:report|story|article)\b"
    r"|^\W*(?:This|The) (?:article|story|report|piece) (?:was )?(?:originally|first) "
    r"(?:appeared|published|ran)\b"
    r"|^\W*This (?:article|story|piece) (?:appeared|ran) (?:at|in|on)\b",
    re.IGNORECASE,
)


def is_check_worthy(sent, *, min_words: int = 5) -> tuple[bool, str]:
    """Decide whether a sentence states something checkable; rules are tried in this order.

    residue (nothing left besides generated-text residue), boilerplate (credits, copyright), question
    (ends with "?"), call_to_action (starts with Subscribe/Share/... as a verb, or a subjectless
    base-form root verb), opinion (first-person opinion frame that is not attributed to someone else,
    an evaluative cue with no entity, number or date, stock speculation such as "it remains to be
    seen", or a summing-up opener with a judgement: "Overall, the deal is an important step"),
    too_short (< min_words words), no_verb.

    Example:
        >>> from checker.models.nlp import load_spacy
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
    if _SPECULATION.search(core) or (_SUMMING_UP.match(core) and _JUDGEMENT.search(core)):
        return True
    if _OPINION_FRAME.search(core):
        speaker = find_attribution(sent)
        if not speaker or speaker.lower() in _FIRST_PERSON:
            return True
    has_fact = bool(sent.ents) or any(t.like_num for t in words)
    return not has_fact and bool(_EVALUATIVE.search(core))
