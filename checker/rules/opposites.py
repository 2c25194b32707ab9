"""Predicate frames, and two rules on them: opposite verbs, and assertion strength on one scale.

``predicate_frames`` reads an already-parsed spaCy sentence (the claims step stores its frames);
``opposed_frames`` compares two claims' frames (the pair step): one actor given opposite verbs on one
thing contradicts itself. ``stronger_frames`` finds one claim asserting what the other states only in a
weaker form of the same stance ("agreed to" vs "did not object to"). No model loading.
"""

from __future__ import annotations

import functools
import re

NAME = "checker.opposites.v5"  # stored results depend on it: bump when a table or rule changes

# Verbs with an opposite: (family, polarity, lemmas). Two claims that give the same actor opposite
# verbs of one family on the same thing contradict each other, whatever NLI makes of them
# ("The proposal was accepted by both sides" vs "Russia rejected the proposal"). A negated verb takes
# the family's other polarity in a weak form: "did not object" is on the side of "agreed" (never its
# opposite) but says less, and "did not agree" is on the side of "rejected" but says less.
_OPPOSITE_TABLE: tuple[tuple[str, int, str], ...] = (
    ("consent", 1, "accept agree approve endorse ratify sign"),
    ("consent", -1, "reject refuse decline veto rebuff object"),
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
# Verbs with a particle, read as one lemma: "ruled out" is a refusal, "did not rule out" its weak negation.
_PHRASAL = {("rule", "out"): "rule out", ("turn", "down"): "turn down", ("sign", "up"): "sign up"}
_OPPOSITES = {lemma: (family, pol) for family, pol, words in _OPPOSITE_TABLE for lemma in words.split()}
_OPPOSITES.update({"rule out": ("consent", -1), "turn down": ("consent", -1)})
_FAMILIES = {family for family, _, _ in _OPPOSITE_TABLE}
# A stance short of the family's verbs: "is considering the plan", "is open to talks", "is willing to
# accept the plan" take the family and polarity of the verb they soften, in the weak form.
_WEAK_VERBS = {"consider": ("consent", 1), "weigh": ("consent", 1)}
_WEAK_ADJECTIVES = {"willing", "ready", "prepared", "open"}
# Raising and reporting verbs whose subject belongs to the verb they govern: "Norland is said not to
# object" is Norland's frame of "object" (the hedge "is said to" is the hedge rules' business).
_RAISING = {"say", "report", "believe", "expect", "think", "understand", "seem", "appear", "know"}
# Verbs whose complement clause is put in doubt, not stated: "residents doubt / question that he had a
# gun". A negated governing verb does the same ("don't believe he had a gun"), and so does "whether".
_DOUBTING = {"doubt", "question", "dispute", "deny", "wonder", "ask", "challenge", "disbelieve"}
_STRONG, _WEAK = 2, 1  # assertion strength of a frame: stated outright, or a weaker form of the stance
# State adjectives after a copula ("remains closed"), as the verb of the table they belong to.
_STATES = {"closed": "close", "shut": "shut", "open": "open", "reopened": "reopen"}
_COPULAS = {"be", "remain", "stay", "become", "keep"}
_COLLECTIVE = {"both", "all", "everyone", "everybody", "each"}  # "both sides" includes either side
_MODALS = {"may", "might", "could", "would", "should", "can", "will", "shall", "must"}
_AGENTS = {"PERSON", "ORG", "GPE", "NORP"}  # who can be "open to" a proposal (a road is open to traffic)

Frame = tuple[str, int, str, str, str, int]


def predicate_frames(sent) -> list[Frame]:
    """(family, polarity, actor, thing, verb, strength) for each main-clause predicate with a thing.

    Family is the opposites table's ("consent", "truth", ...) or, for any other verb, its lemma (with
    an adjective complement: "plead guilty"). Polarity is the family's (+1 accept, -1 reject), and a
    negation gives the other polarity in the weak form. Strength is 2 when the verb states the stance
    outright ("agreed", "rejected") and 1 for a weaker form of it: a negated verb of the table ("did not
    object", "did not agree"), "is considering", "is open / willing / ready to ...". Actor is the
    subject's (or passive agent's) lower-cased head, "*" for a collective ("both sides", "all
    parties"), "~" for a pronoun (which never matches another claim's) and "" when none is given;
    thing is the head (not a pronoun) of the object, of a passive subject or of
    "to"/"on" ("agreed to the plan"), or of the object of an infinitive the verb governs ("refused to
    sign the deal"); verb is as written, with "not" when negated. A second verb of a conjunction
    shares the first one's subject. Under a raising or reporting verb ("is said to", "appears to") the
    governed verb is the frame, with the raising verb's subject. Verbs under a modal ("may reject") or
    in "neither ... nor", and complement clauses put in doubt ("don't believe he had a gun", "question
    whether", "denied that"), state no fact and are skipped.

    Example:
        >>> from checker.models.nlp import load_spacy
        >>> predicate_frames(load_spacy()("Russia did not accept the ceasefire proposal.")[:])
        [('consent', -1, 'russia', 'proposal', 'not accept', 1)]
    """
    frames = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "conj", "ccomp"):
            continue
        if verb.dep_ == "ccomp" and _in_doubt(verb):
            continue
        governed = None
        if verb.lemma_.lower() in _RAISING:  # "is said not to object": the frame is "object"'s
            governed = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        frame = _frame(governed or verb, verb)
        if frame is not None:
            frames.append(frame)
    return frames


def _in_doubt(clause) -> bool:
    """A complement clause its governing verb does not assert: "some don't believe Gray had a gun",
    "residents question whether he had a gun", "she denied that the plant closed"."""
    head = clause.head
    return (
        head.lemma_.lower() in _DOUBTING
        or any(c.dep_ == "neg" for c in head.children)
        or any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children)
    )


def _frame(verb, subject_of) -> Frame | None:
    """The frame of one verb (see predicate_frames); the subject and auxiliaries may sit on another token."""
    children = list(verb.children)
    complement = next(
        (c for c in children if c.dep_ in ("acomp", "oprd") and c.pos_ in ("ADJ", "VERB")), None
    )
    lemma = verb.lemma_.lower()
    particle = next((c.lower_ for c in children if c.dep_ == "prt"), "")
    lemma = _PHRASAL.get((lemma, particle), lemma)
    strength = _STRONG
    if lemma in _COPULAS and complement is not None and complement.lower_ in _WEAK_ADJECTIVES:
        # "is willing to accept the plan", "is open to talks": a weak form of the stance
        governed = next((c for c in complement.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        to_prep = next((c for c in complement.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        subject = next((c for c in children if c.dep_ == "nsubj"), None)
        if governed is not None and governed.lemma_.lower() in {**_OPPOSITES, **_WEAK_VERBS}:
            frame = _frame(governed, verb)
            if frame is None or frame[1] < 0:
                return None
            shown = f"{verb.text} {complement.text} to {governed.text}"
            return (*frame[:4], shown, _WEAK)
        if to_prep is not None and subject is not None and subject.ent_type_ in _AGENTS:
            thing = _object_of(to_prep)
            if thing:
                return ("consent", 1, _actor(subject), thing, f"{verb.text} {complement.text} to", _WEAK)
    if lemma in _COPULAS and complement is not None and complement.lower_ in _STATES:
        lemma = _STATES[complement.lower_]  # "remains closed": the state's verb, "close"
    entry = _OPPOSITES.get(lemma)
    if entry is None and lemma in _WEAK_VERBS:
        entry, strength = _WEAK_VERBS[lemma], _WEAK
    if entry is None and verb.pos_ == "VERB":
        # Any other main verb: the same predicate with and without a negation ("pleaded guilty" vs
        # "pleaded not guilty", "reopened" vs "has not reopened") opposes itself.
        entry = (f"{lemma} {complement.lemma_.lower()}" if complement is not None else lemma, 1)
    if entry is None:
        return None
    if subject_of is not verb:  # the raising verb's subject and auxiliaries
        children += [c for c in subject_of.children if c.dep_ in ("aux", "nsubj", "nsubjpass", "preconj")]
    if verb.dep_ == "conj":  # "denied and rejected": auxiliaries and subject sit on the first verb
        children += [c for c in verb.head.children if c.dep_ in ("aux", "neg", "nsubj", "preconj")]
    if any(c.dep_ == "aux" and c.lemma_.lower() in _MODALS for c in children) or any(
        c.lower_ in ("neither", "nor") for c in children
    ):
        return None
    negated = any(c.dep_ == "neg" for c in children) or (
        complement is not None and any(c.dep_ == "neg" for c in complement.children)
    )
    polarity = -entry[1] if negated else entry[1]
    if negated and entry[0] in _FAMILIES:
        strength = _WEAK  # "did not object": on agreement's side, but saying less than "agreed"
    actor, thing = "", ""
    for c in children:
        if c.dep_ in ("nsubj", "nsubjpass") and subject_of is not verb:
            actor = _actor(c)  # "Norland is said not to object": Norland is the actor
        elif c.dep_ == "nsubj":
            actor = _actor(c)
        elif c.dep_ == "agent":
            actor = next((_actor(g) for g in c.children if g.dep_ == "pobj"), actor)
        elif c.dep_ in ("dobj", "nsubjpass"):
            thing = c.lemma_.lower() if c.pos_ != "PRON" else ""  # "saw it": which "it" is unknown
        elif c.dep_ == "prep" and c.lower_ in ("to", "on") and not thing:
            thing = _object_of(c)
    if not thing and complement is not None:  # "pleaded guilty to running ...", "closed to traffic"
        prep = next(
            (c for c in complement.children if c.dep_ == "prep" and c.lower_ in ("to", "on")), None
        )
        thing = _object_of(prep) if prep else ""
    if not thing:  # "refused to sign the deal": the thing of the infinitive it governs
        governed = next((c for c in children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if governed is not None:
            thing = next((g.lemma_.lower() for g in governed.children if g.dep_ == "dobj"), "")
            if governed.lemma_.lower() in _WEAK_VERBS and entry[1] > 0 and not negated:
                strength = _WEAK  # "agreed to consider the plan" is a weak form of agreeing to it
                particle, lemma = f"to {governed.text}", f"{lemma} to"
    # A table verb needs a thing; any other verb needs a named actor and a thing as well, to stay precise.
    if thing and (entry[0] in _FAMILIES or actor not in ("", "*", _PRONOUN)):
        shown = f"{verb.text} {complement.text}" if complement is not None else verb.text
        if particle and " " in lemma:
            shown += f" {particle}"
        return (entry[0], polarity, actor, thing, f"not {shown}" if negated else shown, strength)
    return None


def _object_of(prep) -> str:
    """The lemma of a preposition's object, unless it is a time ("on Thursday" is not what is agreed)."""
    return next(
        (g.lemma_.lower() for g in prep.children
         if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")),
        "",
    )  # fmt: skip


_PRONOUN = "~"  # an actor named only by a pronoun: "he" in one article is not "he" in another


def _actor(head) -> str:
    words = {head.lower_} | {c.lower_ for c in head.children}
    if words & _COLLECTIVE or ("two" in words and head.lemma_.lower() in ("side", "party")):
        return "*"
    if head.pos_ == "PRON":
        return _PRONOUN
    return head.lower_


def opposed_frames(frames_a, frames_b) -> str:
    """How two claims' predicate frames oppose ("accepted vs rejected (proposal)"), or "" if they do not.

    Frames oppose when they are of one family with opposite polarity, about the same thing, and by
    the same actor, a collective that includes the other's, or both with no actor given; and at least
    one states its stance outright ("did not agree" and "did not object" are compatible).
    """
    for family, pol, actor, thing, verb, strength in map(full_frame, frames_a):
        for family_b, pol_b, actor_b, thing_b, verb_b, strength_b in map(full_frame, frames_b):
            if (family == family_b and pol != pol_b and thing == thing_b and _same_actor(actor, actor_b)
                    and _STRONG in (strength, strength_b)):  # fmt: skip
                return f"{verb} vs {verb_b} ({thing})"
    return ""


def stronger_frames(frames_a, frames_b) -> str:
    """Which claim states a stance outright that the other gives only in a weaker form, or "".

    Returns "a: agreed vs did not object (guarantee)" when a is the stronger claim ("b: ..." when b
    is): one family and one polarity of the opposites table, the same thing, a named actor that is
    the same in both, one frame stated outright and the other weak (see predicate_frames). "Russia
    agreed to the guarantees" says more than "Russia did not object to the guarantees"; "Russia
    rejected the plan" says more than "Russia did not agree to the plan".

    Example:
        >>> stronger_frames([("consent", 1, "russia", "plan", "not object", 1)],
        ...                 [("consent", 1, "russia", "plan", "agreed", 2)])
        'b: agreed vs not object (plan)'
    """
    for family, pol, actor, thing, verb, strength in map(full_frame, frames_a):
        for family_b, pol_b, actor_b, thing_b, verb_b, strength_b in map(full_frame, frames_b):
            if (family in _FAMILIES and family == family_b and pol == pol_b and thing == thing_b
                    and actor not in ("", "*", _PRONOUN) and actor == actor_b and strength != strength_b):  # fmt: skip
                strong, weak = (verb, verb_b) if strength > strength_b else (verb_b, verb)
                return f"{'a' if strength > strength_b else 'b'}: {strong} vs {weak} ({thing})"
    return ""


def _same_actor(a: str, b: str) -> bool:
    """One actor: the same name, or a collective and a named one; never two pronouns."""
    if _PRONOUN in (a, b):
        return False
    return a == b or ("*" in (a, b) and "" not in (a, b))


def full_frame(frame) -> Frame:
    """A frame with its strength (frames stored before checker.opposites.v3 have none: outright)."""
    return (*frame, _STRONG) if len(frame) == 5 else tuple(frame)


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

    The plain negators ("not", "no", "never", "none", "without", "n't" ...) count as one: "The gun has
    not been recovered" and "No gun has been recovered" both deny, so there is no gap.

    Example:
        >>> negation_gap("The bridge reopened.", "The bridge has not reopened."), negation_gap("A rose.", "A fell.")
        (True, False)
    """
    return _cues(a) != _cues(b)


_NEGATORS = frozenset("not no never none nobody nothing neither nor without n't cannot".split())


@functools.lru_cache(maxsize=65536)
def _cues(text: str) -> frozenset[str]:
    words = {m.group(0).lower().replace("’", "'") for m in _NEGATIONS.finditer(text)}
    words = {"n't" if w.endswith("n't") else w for w in words}
    return frozenset({"not" if w in _NEGATORS else w for w in words})
