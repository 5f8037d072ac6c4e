"""Markdown that ``md_escape`` wrote, as a person reads it on the page."""

from __future__ import annotations

import re

from pages.ui.widgets import MD_BREAK


def as_read(markdown: str) -> str:
    """``markdown`` without md_escape's empty directives and backslash escapes.

    >>> as_read(r"http\\::small[]//x\\.com")
    'http://x.com'
    """
    return re.sub(r"\\(.)", r"\1", markdown.replace(MD_BREAK, ""), flags=re.DOTALL)
