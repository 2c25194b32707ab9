"""Opposite verbs: two claims that give one actor opposite verbs on one thing contradict each other.

``predicate_frames`` reads an already-parsed spaCy sentence (the claims step stores its frames);
``opposed_frames`` compares two claims' frames (the pair step). No model loading.
"""

from __future__ import annotations

import functools
import re

NAME = "checker.opposites.v2"  # stored results depend on it: bump when a table or rule changes

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
    ("open", 1, "open reopen"),
    ("open", -1, "close shut"),
)
# State adjectives after a copula ("remains closed"), as the verb of the table they belong to.
_STATES = {"closed": "close", "shut": "shut", "open": "open", "reopened": "reopen"}
_COPULAS = {"be", "remain", "stay", "become", "keep"}
_OPPOSITES = {lemma: (family, pol) for family, pol, words in _OPPOSITE_TABLE for lemma in words.split()}
_FAMILIES = {family for family, _, _ in _OPPOSITE_TABLE}


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
        >>> from checker.models.nlp import load_spacy
        >>> predicate_frames(load_spacy()("Russia did not accept the ceasefire proposal.")[:])
        [('consent', -1, 'russia', 'proposal', 'not accept')]
    """
    frames = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "conj", "ccomp"):
            continue
        children = list(verb.children)
        complement = next(
            (c for c in children if c.dep_ in ("acomp", "oprd") and c.pos_ in ("ADJ", "VERB")), None
        )
        lemma = verb.lemma_.lower()
        if lemma in _COPULAS and complement is not None and complement.lower_ in _STATES:
            lemma = _STATES[complement.lower_]  # "remains closed": the state's verb, "close"
        entry = _OPPOSITES.get(lemma)
        if entry is None and verb.pos_ == "VERB":
            # Any other main verb: the same predicate with and without a negation ("pleaded guilty" vs
            # "pleaded not guilty", "reopened" vs "has not reopened") opposes itself.
            entry = (f"{lemma} {complement.lemma_.lower()}" if complement is not None else lemma, 1)
        if entry is None:
            continue
        if verb.dep_ == "conj":  # "denied and rejected": auxiliaries and subject sit on the first verb
            children += [c for c in verb.head.children if c.dep_ in ("aux", "neg", "nsubj", "preconj")]
        if any(c.dep_ == "aux" and c.lemma_.lower() in _MODALS for c in children) or any(
            c.lower_ in ("neither", "nor") for c in children
        ):
            continue
        negated = any(c.dep_ == "neg" for c in children) or (
            complement is not None and any(c.dep_ == "neg" for c in complement.children)
        )
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
                thing = _object_of(c)
        if not thing and complement is not None:  # "pleaded guilty to running ...", "closed to traffic"
            prep = next(
                (c for c in complement.children if c.dep_ == "prep" and c.lower_ in ("to", "on")), None
            )
            thing = _object_of(prep) if prep else ""
        # A table verb needs a thing; any other verb needs an actor and a thing as well, to stay precise.
        if thing and (entry[0] in _FAMILIES or actor not in ("", "*")):
            shown = f"{verb.text} {complement.text}" if complement is not None else verb.text
            frames.append((entry[0], polarity, actor, thing, f"not {shown}" if negated else shown))
    return frames


def _object_of(prep) -> str:
    """The lemma of a preposition's object, unless it is a time ("on Thursday" is not what is agreed)."""
    return next(
        (g.lemma_.lower() for g in prep.children
         if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")),
        "",
    )  # fmt: skip


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


# Words that deny or reverse what they govern. An NLI-made contradiction needs one side to hold such a
# word the other lacks: on real news the small model calls paraphrases, added details and reported
# speech "contradiction" (0 of 7 right on the dev half of the real-news benchmark without this rule),
# while the contradictions outlets actually print deny or reverse a statement.
_NEGATIONS = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't|cannot|denied|denies|deny|"
    r"rejected|rejects|refused|refuses|failed|fails|false|untrue|ruled out|rules out|closed|cancel(?:l)?ed|"
    r"halted|dropped|acquitted|overturned)\b|n['’]t\b",
    re.IGNORECASE,
)


def negation_gap(a: str, b: str) -> bool:
    """Whether one text holds a denying or reversing word the other lacks (see _NEGATIONS).

    Example:
        >>> negation_gap("The bridge reopened.", "The bridge has not reopened."), negation_gap("A rose.", "A fell.")
        (True, False)
    """
    return _cues(a) != _cues(b)


@functools.lru_cache(maxsize=65536)
def _cues(text: str) -> frozenset[str]:
    return frozenset(m.group(0).lower() for m in _NEGATIONS.finditer(text))
