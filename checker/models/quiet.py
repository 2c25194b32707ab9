"""Load-time noise off: transformers' "Loading weights" bar and INFO chatter, around every model load.

Both model loaders (checker.models.embed, checker.models.nli) load inside ``quiet_loading()``, so a
run prints the checker's own progress bars and nothing else from the model libraries unless they
warn. The library's previous settings are restored afterwards: a notebook that turned transformers'
bars on keeps them for its own calls.

Example:
    >>> with quiet_loading():          # doctest: +SKIP
    ...     model = AutoModel.from_pretrained(path)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

__all__ = ["quiet_loading"]


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Inside: transformers' progress bars off and its verbosity at least WARNING; restored after."""
    from transformers.utils import logging as hf_logging

    bars, level = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity(max(level, logging.WARNING))  # warnings (a wrong checkpoint) still show
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()
