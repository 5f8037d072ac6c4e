"""AppTest of the Pricing page's link: a URL's parameters reopen the scenario (its figures
as the scenario engine gives them run directly), a saved scenario opens by name, bad
parameters are named in one note, and the URL follows the inputs next to the filters."""

from streamlit.testing.v1 import AppTest

from analytics.analysis import analyse_base
from analytics.metrics import format_money
from analytics.scenario import MenuItem, Scenario, ScenarioBase, Scope, guess_order_activity
from analytics.scenario.url import encode
from analytics.selection import Selection
from pages.ui.scenario_url import PAGE_DEFAULT
from pages.ui.state import CURRENCY
from tests.page_text import as_read

KEPT, CUT = "Profit, capacity kept", "Profit, capacity cut"
SCENARIO_KEYS = {"core", "elastic", "risk", "defect", "min", "sof", "cons", "capacity",
                 "orders", "scope", "name", "scenario"}


def open_page(params: dict | None = None) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.switch_page("pages/pricing.py")
    for key, value in (params or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def metric(app: AppTest, label: str):
    return next(m for m in app.metric if m.label == label)


def engine(db, scenario: Scenario, selection: Selection | None = None) -> dict:
    """The scenario's figures from the engine, run on the store without the page."""
    from data import Store

    selection = selection or Selection()
    store = Store(db)
    try:
        base = store.customer_base(**selection.store_args())
        minimum = scenario.minimum_order_value
        orders = store.order_sizes(minimum, **selection.store_args()) if minimum else None
    finally:
        store.close()
    model = ScenarioBase.build(analyse_base(base, selection), base.volumes, orders,
                               minimum or None)
    return model.run(scenario).figures


def assert_figures(app: AppTest, figures: dict) -> None:
    """The page's headline figures are the engine's, to the cent (the cards' help gives
    the exact amounts) and to the customer."""
    for label, key in ((KEPT, "profit_after_capacity_kept"),
                       (CUT, "profit_after_capacity_cut")):
        exact = f"Exactly {format_money(figures[key], CURRENCY)}"
        assert exact in metric(app, label).proto.help, label
    assert metric(app, "Paying more").value == f"{figures['customers_paying_more']:,}"
    assert metric(app, "At risk").value == f"{figures['customers_at_risk']:,}"


def link_notes(app: AppTest) -> list[str]:
    """The link's notes (not the menu check's warnings), as a person reads them."""
    return [as_read(w.value) for w in app.warning
            if w.icon == ":material/link_off:"]


def ours(app: AppTest) -> dict:
    return {k: v for k, v in app.query_params.items()
            if k in SCENARIO_KEYS or "." in k}


SHARED = Scenario(
    "My scenario",
    menu=(MenuItem("Order change", fee_per_unit=25.0, usage_response_pct=20.0),
          MenuItem("Technical support case", rate_change_pct=-40.0)),
    core_price_change_pct=2.5,
    capacity_follows_usage=True,
    at_risk_pct=7.5,
    scope=Scope.quadrant("aggressive", "bargain_basement"),
    core_volume_elasticity=-0.4,
    at_risk_defection_pct=20.0,
)


def test_a_link_reopens_the_scenario_with_the_engines_figures(app_env):
    params = encode(SHARED, PAGE_DEFAULT)
    app = open_page(params)
    assert app.slider(key="pr_core").value == 2.5
    assert app.slider(key="pr_elastic").value == -0.4
    assert app.slider(key="pr_risk").value == 7.5
    assert app.slider(key="pr_defect").value == 20.0
    assert app.toggle(key="pr_capacity").value is True
    assert app.radio(key="pr_scope").value == "quadrant"
    assert app.multiselect(key="pr_scope_q").value == ["aggressive", "bargain_basement"]
    assert not link_notes(app)
    figures = engine(app_env, SHARED)
    assert figures["profit_after_capacity_cut"] != figures["profit_before"]
    assert_figures(app, figures)
    # The URL keeps exactly the link's parameters; the copy box shows the link.
    assert ours(app) == params
    link = app.code[0].value
    assert link.startswith("/pricing?") and "fee.Order%20change=25" in link
    assert "scope=quadrant%3Aaggressive&scope=quadrant%3Abargain_basement" in link


def test_a_link_with_the_filters_and_a_minimum_order(app_env):
    scenario = Scenario("Small orders", minimum_order_value=1500.0, small_order_fee=30.0,
                        consolidation_pct=50.0, order_activity="Order entry (manual)",
                        scope=Scope.segment("Demanding"))
    app = open_page({**encode(scenario, PAGE_DEFAULT), "segment": "Price-driven",
                     "start": "2024-04-01"})
    assert app.number_input(key="pr_min").value == 1500.0
    assert app.selectbox(key="pr_order_act").value == "Order entry (manual)"
    assert app.text_input(key="pr_name").value == "Small orders"
    selection = app.session_state["selection"]
    assert selection.segments == ("Price-driven",) and str(selection.start) == "2024-04-01"
    # Demanding customers are outside the sidebar's Price-driven filter: the scope names
    # a segment this selection does not hold, so it is ignored and said so.
    assert "scope=segment:Demanding (Demanding is not a segment of this dataset)" in (
        link_notes(app)[0])
    expected = scenario.with_changes(scope=Scope())
    assert_figures(app, engine(app_env, expected, selection))
    assert app.query_params["segment"] == "Price-driven"


def test_the_url_follows_the_inputs_next_to_the_filters(app_env):
    app = open_page({"segment": "Demanding"})
    assert ours(app) == {}
    app.slider(key="pr_core").set_value(5.0).run()
    assert ours(app) == {"core": "5"}
    app.toggle(key="pr_capacity").set_value(True).run()
    app.radio(key="pr_scope").set_value("quadrant").run()
    app.multiselect(key="pr_scope_q").set_value(["passive"]).run()
    assert ours(app) == {"core": "5", "capacity": "cut", "scope": "quadrant:passive"}
    assert app.query_params["segment"] == "Demanding"
    assert "segment=Demanding" in app.code[0].value
    app.button(key="pr_preset_unbundle").click().run()
    params = ours(app)
    assert float(params["core"]) < 0 and any(k.startswith("fee.") for k in params)
    assert "capacity" not in params
    app.button(key="pr_reset").click().run()
    assert ours(app) == {}
    assert app.query_params["segment"] == "Demanding"


def test_a_saved_scenario_opens_by_name(private_app):
    from data import Store

    saved = Scenario("Kanthal fix", core_price_change_pct=-1.5, at_risk_pct=5.0,
                     menu=(MenuItem("Order change", fee_per_unit=45.0,
                                    usage_response_pct=30.0),),
                     minimum_order_value=1000.0, small_order_fee=25.0,
                     consolidation_pct=50.0,
                     order_activity=guess_order_activity(["Order entry (manual)"]))
    store = Store(private_app)
    store.save_scenario("Kanthal fix", saved.to_dict())
    store.close()
    app = open_page({"scenario": "Kanthal fix"})
    assert not link_notes(app)
    assert app.text_input(key="pr_name").value == "Kanthal fix"
    assert app.slider(key="pr_core").value == -1.5
    assert any("Opened the saved scenario Kanthal fix from the link." in as_read(c.value)
               for c in app.caption)
    assert_figures(app, engine(private_app, saved))
    assert ours(app) == {"scenario": "Kanthal fix"}  # the short link while unchanged
    assert "scenario=Kanthal%20fix" in app.code[0].value
    # A change writes the values themselves, the name among them.
    app.slider(key="pr_core").set_value(1.0).run()
    params = ours(app)
    assert "scenario" not in params
    assert params["name"] == "Kanthal fix" and params["core"] == "1"
    assert params["min"] == "1000" and params["fee.Order change"] == "45"
    # The name with values on top: the saved scenario, changed by them.
    app = open_page({"scenario": "Kanthal fix", "core": "3"})
    assert app.slider(key="pr_core").value == 3.0
    assert app.number_input(key="pr_min").value == 1000.0
    assert_figures(app, engine(private_app, saved.with_changes(core_price_change_pct=3.0)))
    # The Load button gives the short link too.
    app = open_page()
    app.selectbox(key="pr_pick").set_value("Kanthal fix").run()
    app.button(key="pr_load").click().run()
    assert ours(app) == {"scenario": "Kanthal fix"}


def test_an_unknown_name_shows_a_note_and_todays_terms(app_env):
    app = open_page({"scenario": "No such plan"})
    [note] = link_notes(app)
    assert note == ("The link names the saved scenario No such plan, which cannot be "
                    "opened: no saved scenario has that name. The page shows today's "
                    "terms instead.")
    assert metric(app, KEPT).value == metric(app, "Profit today").value
    assert metric(app, "Paying more").value == "0"
    assert ours(app) == {}  # the URL now says what is shown: today's terms


def test_bad_parameters_are_named_once_and_the_rest_applies(app_env):
    app = open_page({
        "core": "99", "risk": "abc", "fee.Forklift": "10", "fee.Order change": "25",
        "resp.Order change": "150", "scope": ["quadrant:aggressive", "quadrant:golden"],
        "capacity": "cut", "defect": "15",
    })
    [note] = link_notes(app)
    assert note == (
        "Ignored in the link: core=99 (must be between -50 and 50); risk=abc (not a "
        "number); fee.Forklift=10 (Forklift is not an activity of this dataset); "
        "resp.Order change=150 (must be between 0 and 100); scope=quadrant:golden "
        "(golden is not a quadrant). The rest of the link applies.")
    applied = Scenario("My scenario", capacity_follows_usage=True, at_risk_defection_pct=15.0,
                       menu=(MenuItem("Order change", fee_per_unit=25.0),),
                       scope=Scope.quadrant("aggressive"))
    assert_figures(app, engine(app_env, applied))
    assert app.slider(key="pr_core").value == 0.0
    assert ours(app) == encode(applied, PAGE_DEFAULT) | {"scope": "quadrant:aggressive"}
    # The note stays while the scenario is the link's, and goes once it changes.
    app.run()
    assert len(link_notes(app)) == 1
    app.slider(key="pr_core").set_value(1.0).run()
    assert not link_notes(app)


def test_back_to_the_link_after_another_page_restores_the_scenario(app_env):
    """Streamlit drops the inputs' values on another page; the browser's Back returns to
    the URL that held the scenario, which the page then reads again (rather than
    writing today's terms over it)."""
    params = encode(SHARED, PAGE_DEFAULT)
    app = open_page(params)
    app.switch_page("pages/customers.py")
    app.query_params.clear()
    app.run()
    assert not app.exception
    assert "pr_core" not in app.session_state  # the inputs are gone
    app.switch_page("pages/pricing.py")
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    assert app.slider(key="pr_core").value == 2.5
    assert ours(app) == params
    assert_figures(app, engine(app_env, SHARED))
