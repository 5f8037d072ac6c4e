"""The in-place chart component's payload (pages/ui/chart.py), without a browser."""

import json

import plotly
import plotly.graph_objects as go

from pages.ui.chart import chart_config, chart_payload


def payload(figure: go.Figure, **kwargs) -> dict:
    return json.loads(chart_payload(figure, "my-chart", **kwargs))


def test_payload_carries_the_figure_the_toolbar_and_plotly_js():
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    data = payload(figure)
    assert data["figure"]["data"][0]["type"] == "bar"
    assert data["figure"]["data"][0]["y"] == [1, 2]
    assert data["config"] == chart_config("my-chart")
    assert data["config"]["toImageButtonOptions"]["filename"] == "my-chart"
    assert data["url"].endswith(f"/plotly.min.js?v={plotly.__version__}")
    assert "/component/" in data["url"]
    assert data["selectable"] is False
    assert payload(figure, selectable=True)["selectable"] is True


def test_revision_follows_the_figure():
    one = payload(go.Figure(go.Scatter(x=[1], y=[1])))
    same = payload(go.Figure(go.Scatter(x=[1], y=[1])))
    other = payload(go.Figure(go.Scatter(x=[1], y=[2])))
    assert one["revision"] == same["revision"] != other["revision"]


def test_user_strings_stay_data():
    """A name with quotes and markup travels as JSON data, never as code."""
    name = '</script><b>"Acme"</b>'
    data = payload(go.Figure(go.Scatter(x=[1], y=[1], text=[name])))
    assert data["figure"]["data"][0]["text"] == [name]
