"""Check result -> one self-contained HTML page for fact-checkers (the view data: checker.report.view).

Article text is untrusted, so the template environment always autoescapes, and marked text travels as
(text, marked) segments from the view, never as pre-built markup.
"""

from __future__ import annotations

import functools

import jinja2

from checker.report.view import CheckResultLike, build_view

__all__ = ["render_html"]


@functools.cache
def _environment() -> jinja2.Environment:
    # autoescape=True, not select_autoescape: the template's ".html.j2" name would not match it.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("checker.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(result: CheckResultLike) -> str:
    """Render a check result as one self-contained HTML page (inline CSS, no scripts, printable).

    Example:
        >>> from types import SimpleNamespace
        >>> "No conflicts found." in render_html(SimpleNamespace(run={}))
        True
    """
    view = build_view(result)
    # A one-claim cluster has nothing to compare; its claim already shows in its article.
    view["clusters"] = [c for c in view["clusters"] if c["n_claims"] >= 2]
    return _environment().get_template("report.html.j2").render(**view)
