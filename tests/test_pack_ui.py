"""The sidebar's board pack button (AppTest through app.py): nothing is built until it is
clicked; a click builds the PDF of the selection in view (its headline figures as the
Overview shows them, its comparison period's bridge, the saved scenarios chosen) and
offers it under a file name with the period and filters."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from analytics.pack import pack_file_name
from pages.ui.pack_ui import BUILT, board_pack
from tests.test_pack import chromium  # noqa: F401 (a fixture)

SCENARIO = "Small <orders> pay"


def texts(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def save_scenario(path) -> None:
    from analytics.analysis import analyse_base
    from analytics.scenario import ScenarioBase, kanthal
    from data import Store

    db = Store(path)
    try:
        base = db.customer_base()
        model = ScenarioBase.build(analyse_base(base), base.volumes, None, None)
        db.save_scenario(SCENARIO, kanthal(model).to_dict())
    finally:
        db.close()


def overview(**params) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params.update(params)
    app.run()
    assert not app.exception
    return app


def test_the_button_is_in_the_sidebar_and_builds_nothing_before_a_click(private_app):
    save_scenario(private_app)
    app = overview(start="2024-01-01", end="2024-06-30")
    assert app.sidebar.button(key="pack_build").label == "Board pack (PDF)"
    assert app.sidebar.multiselect(key="pack_scenarios").options == [SCENARIO]
    assert BUILT not in app.session_state


@pytest.mark.usefixtures("chromium")
def test_the_pack_the_button_builds_shows_the_overview_as_on_screen(private_app):
    """:func:`board_pack`, what the button calls, on the selection the Overview shows
    (period, segment and comparison from the URL), against the Overview's own cards."""
    save_scenario(private_app)
    app = overview(start="2024-01-01", end="2024-06-30", segment="Demanding",
                   compare="last_year")
    cards = {m.label: m for m in app.metric}
    selection = app.session_state["selection"]
    assert selection.has_comparison and selection.segments == ("Demanding",)
    pdf, name, notes = board_pack(selection, [SCENARIO, "Gone"])
    assert notes == ["The scenario Gone is left out: it no longer exists."]
    assert name == "board-pack_2024-01-01_2024-06-30_Demanding.pdf"
    assert name == pack_file_name(selection)
    pages = texts(pdf)
    for label in ("Customers", "Net revenue", "Net margin", "Cost to serve",
                  "Operating profit", "Unused capacity"):
        card = cards[label]
        assert card.delta  # a comparison: each card shows its change
        assert f"{label} {card.value} {card.delta}" in pages[0], (label, card.value,
                                                                  card.delta)
    assert cards["Operating profit"].value.startswith(("$", "-$"))
    described = selection.describe()
    assert "compared with 2023-01-01 to 2023-06-30" in described
    assert all(f"Embedded sample dataset · {described}" in page for page in pages)
    assert any(page.startswith("Period bridge") for page in pages)
    assert pages[-1].startswith(f"Scenario: {SCENARIO}")
    assert len(pages) == 6
