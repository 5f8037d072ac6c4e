"""Charts that redraw in place: a Plotly figure per key, updated with ``Plotly.react``.

``st.plotly_chart`` derives each chart's identity from the whole figure, so any change
(a threshold, a slider) mounts a brand-new chart in the browser. Creating the WebGL
surface or SVG tree again costs 0.1-0.4 s in a software-rendered browser, more than the
300 ms a control change may take. This custom component (``st.components.v2``, in the
page's own DOM) keeps one chart per ``key`` and hands each new figure to
``Plotly.react``, which updates only what changed.

Plotly.js itself is the copy shipped with the ``plotly`` Python package, so the figure
JSON and the library always match. It is served by Streamlit's component file route
(registered with ``declare_component``, which is never mounted) and loaded once per
browser tab.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import plotly
import streamlit as st
from plotly.io import to_json
from streamlit.components.v1 import declare_component

_JS = Path(__file__).with_name("chart.js").read_text(encoding="utf-8")
_CSS = """
.pl-chart { width: 100%; }
.pl-chart[data-selectable="true"] .nsewdrag { cursor: pointer; }
.pl-chart-error { color: #B3261E; padding: 1rem 0; }
"""
_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
_live_chart = st.components.v2.component(
    "profitlens_chart", js=_JS, css=_CSS, isolate_styles=False)


def plotly_js_url() -> str:
    """Where the browser fetches plotly.min.js (registering the folder for this run)."""
    assets = declare_component("plotly_js", path=str(_PLOTLY_DIR))
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{assets.name}/plotly.min.js?v={plotly.__version__}"


def chart_config(name: str) -> dict:
    """Plotly's toolbar: a PNG download named after the view, no Plotly logo."""
    return {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    }


def chart_payload(figure, name: str, selectable: bool = False) -> bytes:
    """The JSON the browser draws: figure, toolbar and where Plotly.js lives."""
    spec = to_json(figure, validate=False).encode("utf-8")
    revision = hashlib.blake2b(spec, digest_size=8).hexdigest()  # tests wait for it
    head = json.dumps({"url": plotly_js_url(), "config": chart_config(name),
                       "selectable": selectable, "revision": revision})
    return head[:-1].encode("utf-8") + b', "figure": ' + spec + b"}"


def show_chart(figure, name: str, key: str | None = None, *,
               selectable: bool = False) -> object | None:
    """Draw ``figure`` (its toolbar saves a PNG named ``name``) and update it in place.

    With ``selectable``, clicking a point returns its ``customdata[0]`` on the rerun the
    click causes (``None`` otherwise).
    """
    payload = chart_payload(figure, name, selectable)
    result = _live_chart(
        key=key or f"chart_{name}", data=payload, width="stretch",
        on_pick_change=lambda: None,
    )
    return getattr(result, "pick", None) if result is not None else None
