"""The board pack: a few landscape pages an executive can print (issue 12).

:mod:`analytics.pack.content` says what a pack holds (:class:`Pack`) and formats the
headline figures as the Overview does; :mod:`analytics.pack.document` builds the pack as
one self-contained HTML document (inline CSS, plotly.js inlined, no network);
:mod:`analytics.pack.render` prints it to PDF with headless Chromium. The command line
(``python -m analytics pack``) and the sidebar's button both build a :class:`Pack` and
call :func:`render_pack`.
"""

from analytics.pack.content import (
    Card,
    Pack,
    headline_cards,
    headline_figures,
    pack_file_name,
)
from analytics.pack.document import footer_html, pack_html
from analytics.pack.render import PackError, render_pack

__all__ = ["Card", "Pack", "PackError", "footer_html", "headline_cards", "headline_figures",
           "pack_file_name", "pack_html", "render_pack"]
