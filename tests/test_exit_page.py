"""AppTest of the Exit or transform page: the set, exit and transform side by side, the
hand-over to the Pricing page."""

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from analytics import analyse
from analytics.exit import choose, exit_outcome
from analytics.metrics import format_money
from tests.page_text import as_read


def open_page(**params) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("pages/exit.py")
    app.run()
    return app


def cards(app: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in app.metric]


def shown(markdown: str) -> str:
    """Markdown written with md_escape, as it reads on the page."""
    return as_read(markdown)


def sentences(app: AppTest) -> list[str]:
    return [shown(m.value) for m in app.markdown]


def sample_analysis():
    """Today's analysis of the store the app runs on, straight from analytics."""
    from data import Store

    store = Store(os.environ["PROFITLENS_DB"])
    base = store.customer_base()
    store.close()
    today = analyse(base.customers, base.volumes, base.rates, base.resources,
                    period_fraction=base.period_fraction, capacity_volume=base.period_volume)
    return today, base.volumes


def test_page_renders_exit_and_transform_for_the_aggressive_quadrant(app_env):
    app = open_page()
    assert not app.exception
    assert app.title[0].value == "Exit or transform"
    labels = [label for label, _ in cards(app)]
    assert labels == ["Revenue lost", "COGS & avoidable saved", "Capacity cost stranded",
                      "Their profit today", "Δ profit, capacity kept",
                      "Δ profit, capacity cut", "Δ profit, capacity kept",
                      "Δ profit, capacity cut", "Paying more", "At risk"]
    subheaders = [s.value for s in app.subheader]
    for title in ("Exit: they leave", "Transform: they stay on new terms",
                  "Capacity to cut to break even, per resource", "The customers in this set"):
        assert title in subheaders
    # The figures are the analytics' own, in words that spell out the sign.
    today, volumes = sample_analysis()
    s = exit_outcome(today, volumes, choose(today.pnl, quadrant="aggressive")).summary()
    kept = s["profit_change_capacity_kept"]
    verb = "falls" if kept < 0 else "rises"
    assert (f"Company profit {verb} by {format_money(abs(kept))} if they leave and no "
            "capacity is cut.") in sentences(app)
    customers = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert len(customers) == s["customers"] > 0
    assert set(customers["quadrant"]) == {"Aggressive"}
    resources = next(d.value for d in app.dataframe if "resource" in d.value.columns)
    assert round(resources["stranded_cost"].sum(), 2) == s["capacity_cost_stranded"]
    # No scenario on the Pricing page yet: a preset stands in, and says so.
    assert app.selectbox(key="ex_scenario").value == "kanthal"
    assert any("a preset stands in" in c.value for c in app.caption)


def test_each_way_of_choosing(app_env):
    app = open_page()
    app.radio(key="ex_kind").set_value("bottom_pct").run()
    app.slider(key="ex_pct").set_value(10.0).run()
    assert not app.exception
    customers = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert len(customers) == 200  # 10 % of 2,000
    app.radio(key="ex_kind").set_value("segment").run()
    segment = app.selectbox(key="ex_segment").options[0]
    app.selectbox(key="ex_segment").set_value(segment).run()
    assert not app.exception
    customers = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert set(customers["segment"]) == {segment}
    app.radio(key="ex_kind").set_value("customers").run()
    assert not app.exception
    assert any("Pick one or more customers" in i.value for i in app.info)
    assert not app.metric
    today, _ = sample_analysis()
    picked = [str(c) for c in today.pnl.index[[5, 2]]]
    app.multiselect(key="ex_ids").set_value(picked).run()
    assert not app.exception
    customers = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert customers["customer_id"].tolist() == sorted(picked)
    assert "quadrant" not in app.query_params


def test_quadrant_from_the_url(app_env):
    app = open_page(quadrant="passive")
    assert not app.exception
    assert app.selectbox(key="ex_quadrant").value == "passive"
    customers = next(d.value for d in app.dataframe if "customer_id" in d.value.columns)
    assert set(customers["quadrant"]) == {"Passive"}


def test_the_pricing_page_scenario_and_the_way_back_to_it(app_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.switch_page("pages/pricing.py").run()
    app.slider(key="pr_core").set_value(4.0).run()
    assert not app.exception
    app.switch_page("pages/exit.py").run()
    assert not app.exception
    assert app.selectbox(key="ex_scenario").value == "pricing"
    # +4 % on the aggressive customers' net revenue, nothing else: the same with capacity
    # kept or cut.
    today, _ = sample_analysis()
    aggressive = today.pnl[today.pnl["quadrant"] == "aggressive"]
    gain = 0.04 * aggressive["net_revenue"].sum()
    said = next(s for s in sentences(app) if "if they stay" in s)
    kept, cut = (float(x.replace(",", "")) for x in re.findall(r"rises by \$([\d,.]+\d)", said))
    # (each customer's price effect may be rounded to the cent: half a cent each at most)
    assert kept == cut == pytest.approx(gain, abs=0.005 * len(aggressive) + 0.01)
    paying = dict(cards(app))["Paying more"]
    # A rerun on this page keeps the scenario (Streamlit has dropped the Pricing widgets' values).
    app.radio(key="ex_kind").set_value("quadrant").run()
    app.run()
    assert app.selectbox(key="ex_scenario").value == "pricing"
    # One click: the Pricing page with the scenario for these customers only.
    app.button(key="ex_open").click().run()
    assert not app.exception
    assert app.title[0].value == "Pricing scenarios"
    # The same customers by id (the set was chosen with the page's thresholds).
    assert app.radio(key="pr_scope").value == "customers"
    assert sorted(app.multiselect(key="pr_scope_c").value) == sorted(aggressive.index)
    assert app.slider(key="pr_core").value == 4.0
    assert next(m.value for m in app.metric if m.label == "Paying more") == paying.split()[0]
