"""Opposite verbs: two claims that give one actor opposite verbs on one thing contradict each other.

``predicate_frames`` reads an already-parsed spaCy sentence (the claims step stores its frames);
``opposed_frames`` compares two claims' frames (the pair step). No model loading.
"""

from __future__ import annotations

import re

NAME = "checker.opposites.v1"  # stored results depend on it: bump when a table or rule changes

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
        >>> from checker.models.nlp import load_spacy
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
