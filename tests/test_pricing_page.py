"""AppTest of the Pricing page: inputs, presets, results, saved scenarios."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.bad_menus import HEADER, PAGE_BAD_MENUS
from tests.conftest import charts
from tests.page_text import as_read


def open_page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.switch_page("pages/pricing.py")
    app.run()
    return app


KEPT, CUT = "Profit, capacity kept", "Profit, capacity cut"


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def bridge_amounts(app: AppTest) -> list:
    chart = next(c for c in charts(app) if c["figure"]["data"][0]["type"] == "waterfall")
    return json.dumps(chart["figure"]["data"])


def test_pricing_page_renders(app_env):
    app = open_page()
    assert not app.exception
    assert app.title[0].value == "Pricing scenarios"
    assert [m.label for m in app.metric][:6] == [
        "Profit today", KEPT, CUT,
        "Paying more", "At risk", "If the at-risk leave"]
    assert metric(app, "Profit today") == metric(app, KEPT) == metric(app, CUT)
    subheaders = [s.value for s in app.subheader]
    for title in ("Scenario", "Profit bridge", "Service menu", "Whale curve before and after",
                  "Movements between quadrants", "Customers who pay more",
                  "Menu consistency (Anderson & Narus)", "Save this scenario"):
        assert title in subheaders
    assert len(charts(app)) == 3
    # Today: nobody moves, so the 4x4 movement table holds every customer on its diagonal.
    moves = app.table[0].value
    assert list(moves.columns) == ["Passive", "Carriage trade", "Bargain basement", "Aggressive"]
    counts = moves.map(lambda text: int(text.replace(",", ""))).to_numpy()
    assert counts.sum() == counts.trace() == 2000


def test_core_price_change_moves_the_bridge(app_env):
    app = open_page()
    before, spec = metric(app, KEPT), bridge_amounts(app)
    app.slider(key="pr_core").set_value(5.0).run()
    assert not app.exception
    assert metric(app, KEPT) != before
    assert bridge_amounts(app) != spec
    assert metric(app, "Paying more") == "2,000"


@pytest.mark.parametrize("preset", ["kanthal", "unbundle", "support_online"])
def test_presets_fill_the_inputs(app_env, preset):
    app = open_page()
    before = metric(app, CUT)
    app.button(key=f"pr_preset_{preset}").click().run()
    assert not app.exception
    assert metric(app, CUT) != before
    if preset == "support_online":
        # Cheaper support frees capacity; nobody has cut it yet, so nothing is saved.
        assert metric(app, KEPT) == metric(app, "Profit today")
    if preset == "kanthal":
        assert app.number_input(key="pr_min").value > 0
        assert app.slider(key="pr_cons").value == 50.0
    if preset == "unbundle":
        assert app.slider(key="pr_core").value < 0
        subheaders = [s.value for s in app.subheader]
        assert "Menu consistency (Anderson & Narus)" in subheaders
        assert any(m.label == "Bundle premium" for m in app.metric)


def test_scope_quadrant_limits_the_scenario(app_env):
    app = open_page()
    app.slider(key="pr_core").set_value(5.0).run()
    app.radio(key="pr_scope").set_value("quadrant").run()
    app.multiselect(key="pr_scope_q").set_value(["aggressive"]).run()
    assert not app.exception
    paying = int(metric(app, "Paying more").replace(",", ""))
    assert 0 < paying < 2000


def test_save_reload_compare_and_delete(private_app):
    from data import Store

    app = open_page()
    app.button(key="pr_preset_kanthal").click().run()
    app.text_input(key="pr_name").set_value("Kanthal 'strict'").run()
    app.button(key="pr_save").click().run()
    assert not app.exception
    kanthal_after = metric(app, KEPT)
    app.button(key="pr_preset_unbundle").click().run()
    app.text_input(key="pr_name").set_value("<b>Unbundle</b>").run()
    app.button(key="pr_save").click().run()
    assert not app.exception
    unbundle_after = metric(app, KEPT)
    assert unbundle_after != kanthal_after

    store = Store(private_app)
    assert {n for n, _ in store.scenarios()} == {"Kanthal 'strict'", "<b>Unbundle</b>"}
    store.close()

    # Compare both with today: a table of the summary figures, two comparison charts.
    app.multiselect(key="pr_compare").set_value(["Kanthal 'strict'", "<b>Unbundle</b>"]).run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if "scenario" in d.value.columns)
    assert table["scenario"].tolist() == ["Today", "Kanthal 'strict'", "<b>Unbundle</b>"]
    assert "Bridges compared" in [s.value for s in app.subheader]
    assert "Whale curves compared" in [s.value for s in app.subheader]

    # Reload the first: its values come back into the inputs.
    app.selectbox(key="pr_pick").set_value("Kanthal 'strict'").run()
    app.button(key="pr_load").click().run()
    assert not app.exception
    assert metric(app, KEPT) == kanthal_after
    assert app.text_input(key="pr_name").value == "Kanthal 'strict'"

    # Delete it.
    app.selectbox(key="pr_pick").set_value("Kanthal 'strict'").run()
    app.button(key="pr_delete").click().run()
    assert not app.exception
    store = Store(private_app)
    assert [n for n, _ in store.scenarios()] == ["<b>Unbundle</b>"]
    store.close()
    assert app.selectbox(key="pr_pick").options == ["<b>Unbundle</b>"]


def shown(markdown: str) -> str:
    """Markdown written with md_escape, as it reads on the page."""
    return as_read(markdown)


@pytest.mark.parametrize("case", PAGE_BAD_MENUS)
def test_the_menu_parser_refuses_on_the_page(app_env, case):
    # The same bad menus the command line refuses (tests/test_cli_scenario.py): typed
    # into the menu table, nothing clamped, the same sentences, and no scenario run.
    app = open_page()
    table = app.session_state["pr_menu"].copy()
    for column in HEADER[1:]:
        table[column] = table[column].astype(object)
    for activity, *cells in case.rows:
        row = table.index[table["activity"] == activity][0]
        for column, text in zip(HEADER[1:], cells, strict=True):
            try:
                table.at[row, column] = float(text) if text else None
            except ValueError:
                table.at[row, column] = text
    bad_row = int(table.index[table["activity"] == case.rows[case.bad][0]][0]) + 1
    app.session_state["pr_menu"] = table
    app.session_state["pr_menu_rev"] += 1
    app.run()
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert any(case.refusal("Service menu", bad_row, "row") in e for e in errors), errors
    assert any(e.startswith("This scenario cannot run: the service menu") for e in errors)
    assert not any(m.label.startswith("Profit, capacity") for m in app.metric)


def test_volume_response_shows_in_the_figures(app_env):
    app = open_page()
    app.slider(key="pr_core").set_value(3.0).run()
    assert any("No volume response" in c.value for c in app.caption)
    plain = metric(app, KEPT)
    app.slider(key="pr_elastic").set_value(-1.5).run()
    assert not app.exception
    assert metric(app, KEPT) != plain
    assert not any("No volume response" in c.value for c in app.caption)
    assert any("The volume response costs" in c.value for c in app.caption)
    bridge = json.loads(bridge_amounts(app))[0]
    assert "Volume lost" in json.dumps(bridge) and "Stranded capacity" in json.dumps(bridge)
