"""Score claim pairs: NLI in both directions, then the pair rules on what extraction already parsed.

``score_pairs`` sends both directions of every pair through the NLI scorer as one flat stream;
``pair_rules`` adds the rule-made columns from the claims' predicate frames (checker.rules.opposites):
``opposed`` (opposite verbs) and ``stronger`` (one stance stated outright, the other weaker, or one
figure stated flat, the other put in doubt: checker.rules.details.hedged_figure). Rules never parse
again: they read the ``frames`` and ``values`` columns the claims step wrote.

Example:
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["k1", "k2"], "text": ["a", "b"],
    ...     "frames": [[("consent", 1, "russia", "plan", "accepted", 2)],
    ...                [("consent", -1, "russia", "plan", "rejected", 2)]]})
    >>> pair_rules(pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]}), claims)["opposed"].tolist()
    ['accepted vs rejected (plan)']
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from checker.models.nli import NLIScorer
from checker.rules import attribution, copies, details, opposites, titles, values
from checker.schemas import nli_text

logger = logging.getLogger(__name__)

# Every rule version a stored pair result depends on (the nightly store keys scores by these).
RULES = (attribution.NAME, opposites.NAME, details.NAME, values.NAME, copies.NAME, titles.NAME)


def score_pairs(
    pairs: pd.DataFrame, claims: pd.DataFrame, scorer: NLIScorer, *, strip_attribution: bool = False
) -> pd.DataFrame:
    """Add p_{entail,contra,neutral}_{ab,ba} and truncated to a pairs frame (claim_a, claim_b).

    Both directions of every pair go through the scorer as one flat stream, and each distinct
    (premise, hypothesis) text is scored once: syndicated copies repeat sentences word for word.
    A premise of several sentences is scored by sentence windows where the scorer has
    ``predict_windows`` (the bundled cross-encoder does), not in one pass cut at its length limit.
    With strip_attribution, "X said" and "according to Y" are cut from the texts first
    (NLIConfig.strip_attribution): the model judges what is reported, not who reported it.
    """
    out = pairs.copy()
    text = pd.Series(nli_text(claims).to_numpy(), index=claims["claim_id"])  # a headline in sentence case
    if strip_attribution:
        text = text.map(attribution.strip_attribution)
    a, b = text.loc[out["claim_a"]].tolist(), text.loc[out["claim_b"]].tolist()
    stream = pd.DataFrame({"premise": a + b, "hypothesis": b + a})
    unique = stream.drop_duplicates(ignore_index=True)
    # near-copies never reach the model: equivalent by rule (checker.rules.copies)
    copy = np.array(
        [copies.near_copy(p, h) for p, h in zip(unique["premise"], unique["hypothesis"], strict=True)]
    )
    scored = pd.DataFrame({"entailment": 1.0, "neutral": 0.0, "contradiction": 0.0, "truncated": False},
                          index=unique.index)  # fmt: skip
    if (~copy).any():
        # a premise of several sentences is scored by sentence windows where the scorer can
        # (CrossEncoderNLI.predict_windows); one sentence is one window, the same as predict
        predict = getattr(scorer, "predict_windows", scorer.predict)
        found = predict(unique.loc[~copy, "premise"].tolist(), unique.loc[~copy, "hypothesis"].tolist())
        found = found.assign(truncated=found["truncated"] if "truncated" in found else False)
        for col in ("entailment", "neutral", "contradiction", "truncated"):
            scored.loc[~copy, col] = found[col].to_numpy(dtype=scored[col].dtype)
    scored = stream.merge(
        pd.concat([unique, scored], axis=1),
        on=["premise", "hypothesis"],
        how="left",
        validate="many_to_one",
    )
    n = len(out)
    for key, col in (("entail", "entailment"), ("contra", "contradiction"), ("neutral", "neutral")):
        out[f"p_{key}_ab"] = scored[col].to_numpy()[:n]
        out[f"p_{key}_ba"] = scored[col].to_numpy()[n:]
    trunc = scored["truncated"].to_numpy(dtype=bool)
    out["truncated"] = trunc[:n] | trunc[n:]
    if out["truncated"].any():
        logger.warning(
            "%d pair(s) were longer than the NLI model's window and were cut; see pairs.truncated",
            int(out["truncated"].sum()),
        )
    return out


def pair_rules(pairs: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Add ``opposed`` (how a pair's claims give one actor opposite verbs on one thing, or "") and
    ``stronger`` (which claim states outright what the other gives in a weaker form, or "").

    Reads the claims' ``frames`` (list of predicate frames, from the claims step); a claim without
    frames (None or empty) opposes nothing. With ``values`` and ``article_id``, a figure one article
    states flat and another puts in doubt ("two children" / "possibly two children") is ``stronger``
    too, when the two articles tell one story (they share names). Pure Python over stored frames and
    values: no parsing.
    """
    frames = dict(zip(claims["claim_id"], claims["frames"], strict=True)) if "frames" in claims else {}
    out = pairs.copy()
    both = [
        (frames.get(a) or [], frames.get(b) or [])
        for a, b in zip(out["claim_a"], out["claim_b"], strict=True)
    ]
    out["opposed"] = [opposites.opposed_frames(fa, fb) for fa, fb in both]
    out["stronger"] = [opposites.stronger_frames(fa, fb) for fa, fb in both]
    if "values" in claims and "article_id" in claims and len(out):
        stated = dict(zip(claims["claim_id"], claims["values"], strict=True))
        texts = dict(zip(claims["claim_id"], claims["text"], strict=True)) if "text" in claims else {}
        article = dict(zip(claims["claim_id"], claims["article_id"], strict=True))
        names = _names_by_article(claims)
        out["stronger"] = [
            rule or _hedged_figure(
                stated.get(a) or [], stated.get(b) or [], texts.get(a, ""), texts.get(b, ""),
                names.get(article[a]), names.get(article[b]),
            ) if article[a] != article[b] else rule
            for rule, a, b in zip(out["stronger"], out["claim_a"], out["claim_b"], strict=True)
        ]  # fmt: skip
    return out


def _hedged_figure(values_a: list, values_b: list, text_a: str, text_b: str,
                   names_a: frozenset | None, names_b: frozenset | None) -> str:  # fmt: skip
    """checker.rules.details.hedged_figure between claims of two articles that tell one story."""
    rule = details.hedged_figure(values_a, values_b, text_a, text_b)
    return rule if rule and _one_story({"key": ""}, {"key": ""}, names_a, names_b) else ""


def detail_checks(pairs: pd.DataFrame, claims: pd.DataFrame, scorer: NLIScorer) -> list[list[dict]]:
    """Per pair, its candidate detail mismatches, each tested for "same fact" by rule or by NLI.

    Candidates come from checker.rules.details.differences (and ``swapped_name``). Rules decide first:
    two spellings of one person's name (``misspelt``), two values of the same word and named holder
    (``same_slot``), two figures of one verb in claims of two articles that share an age, a person or a
    day (``shared``, the detail shared), two claims in the same words but for one name (``swapped``,
    whatever labels the tagger gave), two venues of one event in articles that tell one story
    (``same_event``), two game-clock readings a second or two apart in articles that tell one story
    (``clock_slip``). Otherwise claim b's value is replaced by claim a's
    (``substitute``) and NLI scores a against the edited b in both directions: two claims that differ
    only in that value then say the same thing (high entailment), while two different facts that
    happen to share a kind of value do not ("this quake killed 10" vs "the 2004 quake killed 612").
    Where a value sits in a clause shorter than its claim (``clause``: "Reid, who launched a line in
    September, opened up about …" -> "Reid launched a line in September"), the same test also runs on
    the two clauses, and the better of the two tests counts (``tested_on``: "claims" or "clause"): a
    claim that packs several facts then no longer hides one of them.
    Returns, per pair, a list of dicts: kind, slot, a and b (the two values), misspelt, same_slot,
    shared, swapped, same_event (the kind of event both places are the venue of, in two articles that
    share names: one story), clock_slip, difference, p_ab and p_ba (entailment of the edited pair; 0
    where a rule decided) and, where NLI decided, tested_on. Pairs without candidates cost nothing.

    Two kinds of candidate are left out: a person's name the corpus labels a place elsewhere is no
    misspelling (``details.misspelt``'s ``places``), and where the NLI test would decide, a value that
    lies outside what the claim reports (the speaker of a quote, their employer, the agency told:
    ``attribution.strip_attribution``) is who reported the claim, not a value of its fact.
    """
    stated = dict(zip(claims["claim_id"], claims["values"], strict=True)) if "values" in claims else {}
    texts = dict(zip(claims["claim_id"], nli_text(claims), strict=True))
    places = frozenset(
        v["key"] for values in stated.values() for v in values or [] if v.get("kind") == "place"
    )
    article = (
        dict(zip(claims["claim_id"], claims["article_id"], strict=True)) if "article_id" in claims else {}
    )
    names = _names_by_article(claims) if "article_id" in claims and "values" in claims else {}
    full_names = _full_names_by_article(claims) if "article_id" in claims and "values" in claims else {}
    found: list[list[dict]] = []
    asked: list[dict] = []
    premises, hypotheses = [], []
    for a, b in zip(pairs["claim_a"], pairs["claim_b"], strict=True):
        entries = []
        found_here = details.differences(stated.get(a) or [], stated.get(b) or [])
        swapped = details.swapped_name(stated.get(a) or [], stated.get(b) or [], texts[a], texts[b])
        if swapped and not any(kind in ("entity_mismatch", "place_mismatch") for kind, _, _ in found_here):
            found_here.append(swapped)
        for kind, va, vb in found_here:
            entry = {
                "kind": kind, "slot": details.slot(kind, va, vb), "a": _brief(va), "b": _brief(vb),
                "misspelt": details.misspelt(va, vb, places=places, named=full_names.get(article.get(a))
                                             if article.get(a) == article.get(b) else None),
                "same_slot": details.same_slot(va, vb),
                # in one article a shared name ties two figures to nothing: it tells many events of the
                # same people (two directions at one distance from one place are still one fact)
                "shared": details.shared_detail(va, vb, stated.get(a) or [], stated.get(b) or [])
                if article.get(a) != article.get(b) or not article or va.get("bearing") else "",
                "swapped": bool(swapped) and (va, vb) == (swapped[1], swapped[2]),
                "same_event": _one_story_event(va, vb, names.get(article.get(a)), names.get(article.get(b))),
                "clock_slip": details.clock_slip(va, vb)
                and _one_story(va, vb, names.get(article.get(a)), names.get(article.get(b))),
                "difference": list(details.difference(kind, va, vb)), "p_ab": 0.0, "p_ba": 0.0,
            }  # fmt: skip
            by_rule = details.decided_by_rule(entry)
            if va.get("bearing") and vb.get("bearing") and not by_rule:
                continue  # two directions from one place are one fact only at the same distance
            if not by_rule and not (_reported(texts[a], va) and _reported(texts[b], vb)):
                continue  # a value of who reported the claim, not of its fact
            entries.append(entry)
            # NLI only where the parse and spelling tests leave it open (each check costs two predictions;
            # a cosine gate of 0.45 or 0.6 lost real discrepancies on the dev half of the real-news benchmark)
            if not by_rule:
                edited = details.substitute(texts[b], vb, va)
                premises += [texts[a], edited]
                hypotheses += [edited, texts[a]]
                asked.append((entry, None))
                cut = _clauses(va, vb, texts[a], texts[b])
                if cut is not None:  # the same test on the two clauses that state the values
                    premises += [cut[0], cut[1]]
                    hypotheses += [cut[1], cut[0]]
                    asked.append((entry, "clause"))
        found.append(entries)
    if premises:
        probs = iter(scorer.predict(premises, hypotheses)["entailment"].to_numpy())
        for entry, where in asked:
            p_ab, p_ba = round(float(next(probs)), 4), round(float(next(probs)), 4)
            if where is None or min(p_ab, p_ba) > min(entry["p_ab"], entry["p_ba"]):
                entry["p_ab"], entry["p_ba"], entry["tested_on"] = p_ab, p_ba, where or "claims"
    return found


def _clauses(va: dict, vb: dict, text_a: str, text_b: str) -> tuple[str, str] | None:
    """The clauses stating the two values (checker.rules.values.clause; a claim that is one clause
    stands for itself), b's with a's value in place; None when neither claim has a shorter clause."""
    if not va.get("clause") and not vb.get("clause"):
        return None
    start = vb["clause_at"] if vb.get("clause") else vb["start"]
    at = {"start": start, "end": start + vb["end"] - vb["start"]}
    return va.get("clause") or text_a, details.substitute(vb.get("clause") or text_b, at, va)


_STORY_NAMES = 2  # names two articles must share to tell one story (besides the values compared)


def _names_by_article(claims: pd.DataFrame) -> dict[str, frozenset[str]]:
    """The name and place keys each article's claims state."""
    out: dict[str, set[str]] = {}
    for art, stated in zip(claims["article_id"], claims["values"], strict=True):
        out.setdefault(art, set()).update(
            v["key"] for v in stated or [] if v.get("kind") in ("name", "place")
        )
    return {art: frozenset(keys) for art, keys in out.items()}


def _full_names_by_article(claims: pd.DataFrame) -> dict[str, frozenset[str]]:
    """The words of the full names (two words or more) of people each article names, as
    checker.rules.details.misspelt reads them (its ``named``)."""
    out: dict[str, set[str]] = {}
    for art, stated in zip(claims["article_id"], claims["values"], strict=True):
        for v in stated or []:
            words = details.name_words(v["text"]) if v.get("label") == "PERSON" else []
            if len(words) > 1:
                out.setdefault(art, set()).update(words)
    return {art: frozenset(words) for art, words in out.items()}


def _one_story_event(
    va: dict, vb: dict, names_a: frozenset[str] | None, names_b: frozenset[str] | None
) -> str:
    """The kind of event two places are the venue of (checker.rules.details.same_event) when the two
    articles also tell one story: they share ``_STORY_NAMES`` names or places besides these two."""
    kind = details.same_event(va, vb)
    return kind if kind and _one_story(va, vb, names_a, names_b) else ""


def _one_story(va: dict, vb: dict, names_a: frozenset[str] | None, names_b: frozenset[str] | None) -> bool:
    """Whether two articles tell one story: they share ``_STORY_NAMES`` names or places besides the two
    values compared."""
    if not names_a or not names_b:
        return False
    return len((names_a & names_b) - {va["key"], vb["key"]}) >= _STORY_NAMES


def _reported(text: str, value: dict) -> bool:
    """Whether a value is part of what the claim reports, not of its attribution frame."""
    content = attribution.strip_attribution(text)
    return content == text or value["text"] in content


def _brief(value: dict) -> dict:
    """What a finding needs of a value: kind, text, key, offsets in the claim ("west of Bireun" for a
    direction from a place; the offsets still cover the name)."""
    out = {k: value[k] for k in ("kind", "text", "key", "start", "end") if k in value}
    if value.get("bearing"):
        out["text"], out["key"] = (
            f"{value['bearing']} of {value['text']}",
            f"{value['bearing']} of {value['key']}",
        )
    return out
