"""Reports of a check run for fact-checkers: one self-contained HTML page, or short Markdown.

Example:
    >>> from checker.report import render_html, render_markdown
"""

from checker.report.html import render_html
from checker.report.markdown import render_markdown

__all__ = ["render_html", "render_markdown"]
