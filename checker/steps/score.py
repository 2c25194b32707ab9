"""Score claim pairs: NLI in both directions, then the pair rules on what extraction already parsed.

``score_pairs`` sends both directions of every pair through the NLI scorer as one flat stream;
``pair_rules`` adds the rule-made columns (``opposed``: opposite verbs from the claims' predicate
frames, checker.rules.opposites). Rules never parse again: they read the ``frames`` column the claims
step wrote.

Example:
    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["k1", "k2"], "text": ["a", "b"],
    ...     "frames": [[("consent", 1, "russia", "plan", "accepted")],
    ...                [("consent", -1, "russia", "plan", "rejected")]]})
    >>> pair_rules(pd.DataFrame({"claim_a": ["k1"], "claim_b": ["k2"]}), claims)["opposed"].tolist()
    ['accepted vs rejected (plan)']
"""

from __future__ import annotations

import logging

import pandas as pd

from checker.models.nli import NLIScorer
from checker.rules import attribution, opposites

logger = logging.getLogger(__name__)

# Every rule version a stored pair result depends on (the nightly store keys scores by these).
RULES = (attribution.NAME, opposites.NAME)


def score_pairs(
    pairs: pd.DataFrame, claims: pd.DataFrame, scorer: NLIScorer, *, strip_attribution: bool = False
) -> pd.DataFrame:
    """Add p_{entail,contra,neutral}_{ab,ba} and truncated to a pairs frame (claim_a, claim_b).

    Both directions of every pair go through the scorer as one flat stream, and each distinct
    (premise, hypothesis) text is scored once: syndicated copies repeat sentences word for word.
    With strip_attribution, "X said" and "according to Y" are cut from the texts first
    (NLIConfig.strip_attribution): the model judges what is reported, not who reported it.
    """
    out = pairs.copy()
    text = claims.set_index("claim_id")["text"]
    if strip_attribution:
        text = text.map(attribution.strip_attribution)
    a, b = text.loc[out["claim_a"]].tolist(), text.loc[out["claim_b"]].tolist()
    stream = pd.DataFrame({"premise": a + b, "hypothesis": b + a})
    unique = stream.drop_duplicates(ignore_index=True)
    scored = scorer.predict(unique["premise"].tolist(), unique["hypothesis"].tolist())
    if "truncated" not in scored:
        scored = scored.assign(truncated=False)
    scored = stream.merge(
        pd.concat([unique, scored.reset_index(drop=True)], axis=1),
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
    """Add ``opposed``: how a pair's claims give one actor opposite verbs on one thing, or "".

    Reads the claims' ``frames`` (list of predicate frames, from the claims step); a claim without
    frames (None or empty) opposes nothing. Pure Python over stored frames: no parsing.
    """
    frames = dict(zip(claims["claim_id"], claims["frames"], strict=True)) if "frames" in claims else {}
    out = pairs.copy()
    out["opposed"] = [
        opposites.opposed_frames(frames.get(a) or [], frames.get(b) or [])
        for a, b in zip(out["claim_a"], out["claim_b"], strict=True)
    ]
    return out
