"""The one home of store keys: which models, settings and rule versions stored rows belong to.

Each stored result is keyed by exactly what can change it, so a changed model, setting or rule redoes
what it affects and nothing else:

- ``claims``: the claim extractor's name and settings, the spaCy pipeline and every claims-step rule
  version (checker.steps.claims.RULES). Stored articles keep their claims when it changes (a warning
  says so): claim ids are what findings and history refer to.
- ``embed``: the embedder's weights (checker.models.identity.model_key).
- ``cluster``: the embed key, the cluster and pair settings, and the joining rule.
- ``nli``: the NLI model's weights, whether attribution is cut before scoring, and the versions of the
  pair-step rules (attribution, details, values, opposites: checker.steps.score.RULES), since the
  detail checks stored with each score are NLI scores of edited claims.
- ``findings``: cluster and NLI keys, the relation settings and the versions of the rules the findings
  step applies (details, opposites, hedges): a changed table there re-derives findings without
  scoring again.

How a model runs on this machine (device, precision, backend) is not part of any key: see
docs/nightly.md ("Moving a store between machines").
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from checker.models.identity import digest, model_key
from checker.rules import attribution, details, hedges, opposites
from checker.steps import claims, cluster, score

if TYPE_CHECKING:
    from checker.pipeline import Checker

__all__ = ["StoreKeys", "store_keys"]

# Rule versions the findings step depends on (read at findings time, never stored per pair).
FINDINGS_RULES = (details.NAME, opposites.NAME, hedges.NAME)


@dataclasses.dataclass(frozen=True)
class StoreKeys:
    """Which models and settings stored rows belong to (see the module docstring)."""

    claims: str
    embed: str
    cluster: str
    nli: str
    findings: str


def store_keys(parts: Checker) -> StoreKeys:
    """Keys of the models and settings of a Checker's parts (loads the embedder and NLI model)."""
    cfg = parts.config
    meta = getattr(parts.nlp, "meta", {}) or {}
    claims_key = f"{cfg.claims.name}|{meta.get('name', '')}-{meta.get('version', '')}|" + digest(
        dataclasses.asdict(cfg.claims), claims.RULES
    )
    embed = model_key(parts.embedder)
    group = digest(
        embed,
        dataclasses.asdict(cfg.cluster),
        dataclasses.asdict(cfg.pairs),
        cluster.JOIN_RULE,
        cluster.LINK_K,
    )
    # the detail checks of a pair are NLI scores too: they depend on the values and details rules
    nli = f"{model_key(parts.nli)}+{attribution.NAME if cfg.nli.strip_attribution else 'as-is'}+" + digest(
        score.RULES
    )
    findings = digest(group, nli, dataclasses.asdict(cfg.relations), FINDINGS_RULES)
    return StoreKeys(
        claims=claims_key, embed=embed, cluster=f"{cfg.cluster.name}-{group}", nli=nli, findings=findings
    )
