"""AppTest of the trends: the Overview's company trend and the Cost to serve page's
utilisation over time, on the sample: both charts are drawn, their data add up to the
page's totals, the grain follows the period and can be switched, and a period too short
or empty says what to do."""

import base64
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics.money import to_cents
from tests.conftest import charts


def open_page(path: str, **params: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(path)
    app.run()
    assert not app.exception
    return app


def chart(app: AppTest, prefix: str) -> dict:
    (found,) = [c for c in charts(app)
                if c["config"]["toImageButtonOptions"]["filename"].startswith(prefix)]
    return found


def traces(figure: dict) -> dict[str, dict]:
    return {trace["name"]: trace for trace in figure["data"]}


def exact(app: AppTest, label: str) -> int:
    """A headline card's exact amount (its help says 'Exactly $1,234.56.'), in cents."""
    card = next(m for m in app.metric if m.label == label)
    amount = re.search(r"Exactly (-?)\$([\d,]+\.\d\d)", card.proto.help)
    return to_cents(float(amount.group(1) + amount.group(2).replace(",", "")))


def decoded(data) -> list:
    """A figure's array as a list (Plotly's JSON may pack it as a typed array)."""
    if isinstance(data, dict):  # {"dtype": ..., "bdata": ..., "shape": "18, 2"}
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        if "shape" in data:
            array = array.reshape([int(n) for n in str(data["shape"]).split(",")])
        return array.tolist()
    return list(data)


def values(trace: dict) -> list[float]:
    return decoded(trace["y"])


def test_overview_trend_reconciles_with_the_headline_figures(app_env):
    app = open_page("pages/overview.py")
    assert "Trend over time" in [s.value for s in app.subheader]
    figure = chart(app, "trend-")["figure"]
    drawn = traces(figure)
    assert list(drawn) == ["Net revenue", "Net margin", "Cost to serve", "Operating profit",
                           "Unprofitable customers (%)"]
    # The sample spans 36 months: quarterly by default, and the caption says why.
    assert drawn["Net revenue"]["x"][:2] == ["2022 Q1", "2022 Q2"]
    assert len(drawn["Net revenue"]["x"]) == 12
    assert any("Quarterly: the period spans 36 months" in c.value for c in app.caption)
    for name, card in (("Net revenue", "Net revenue"), ("Net margin", "Net margin"),
                       ("Cost to serve", "Cost to serve"), ("Operating profit",
                                                            "Operating profit")):
        assert to_cents(values(drawn[name])).sum() == exact(app, card), name
    share = values(drawn["Unprofitable customers (%)"])
    assert all(0 < s < 100 for s in share)
    # The sample: 814 of its 2,000 customers lose money over the three years.
    (sentence,) = [t.value for t in app.text if "Over the whole period" in t.value]
    assert "814 of 2,000 customers (40.7%) were unprofitable" in sentence
    assert f"{min(share):.1f}% to {max(share):.1f}%" in sentence
    assert any(b.label == "Download CSV" for b in app.get("download_button"))


def test_switching_to_monthly(app_env):
    app = open_page("pages/overview.py")
    control = next(c for c in app.get("button_group") if c.key.startswith("trend_grain"))
    control.set_value("month").run()
    assert not app.exception
    drawn = traces(chart(app, "trend-monthly")["figure"])
    assert len(drawn["Net revenue"]["x"]) == 36
    assert drawn["Net revenue"]["x"][0] == "Jan 2022"
    assert to_cents(values(drawn["Cost to serve"])).sum() == exact(app, "Cost to serve")
    assert any("Monthly, as chosen" in c.value for c in app.caption)


def test_a_period_with_filters_by_month(app_env):
    app = open_page("pages/overview.py", start="2024-02-10", end="2024-09-30",
                    segment="Demanding")
    drawn = traces(chart(app, "trend-monthly")["figure"])
    assert drawn["Net revenue"]["x"] == ["Feb 2024", "Mar 2024", "Apr 2024", "May 2024",
                                         "Jun 2024", "Jul 2024", "Aug 2024", "Sep 2024"]
    for name in ("Net revenue", "Cost to serve", "Operating profit"):
        assert to_cents(values(drawn[name])).sum() == exact(app, name), name
    assert any("first month from 10 Feb 2024" in c.value for c in app.caption)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/cost-to-serve.py"])
def test_one_month_says_what_to_do(app_env, page):
    app = open_page(page, start="2024-03-01", end="2024-03-31")
    assert not [c for c in charts(app) if c["config"]["toImageButtonOptions"]["filename"]
                .startswith(("trend-", "utilisation-"))]
    assert any("falls within one month" in i.value and "Widen the period" in i.value
               for i in app.info)


def test_an_empty_period_or_one_quarter_says_what_to_do():
    """The sidebar keeps the period within the data's dates, so the empty case is checked
    on the rule itself."""
    import datetime as dt

    from pages.ui.trends_state import TrendPeriod
    from pages.ui.trends_ui import _too_short

    period = TrendPeriod(2, "month", dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                         dt.date(2024, 4, 1), dt.date(2024, 5, 31))
    assert "widen the period" in _too_short(period, "month", 0)
    assert "switch to monthly" in _too_short(period, "quarter", 1)
    assert _too_short(period, "month", 2) is None


def test_utilisation_over_time_reconciles_with_the_capacity_table(app_env):
    app = open_page("pages/cost-to-serve.py", start="2023-01-01", end="2024-06-30")
    assert "Utilisation over time" in [s.value for s in app.subheader]
    figure = chart(app, "utilisation-")["figure"]
    drawn = traces(figure)
    capacity = next(d.value for d in app.dataframe if "used_pct" in d.value.columns)
    assert sorted(drawn) == sorted(capacity["resource"])
    # 18 months: monthly; a line per resource, and the 100 % line.
    for trace in drawn.values():
        assert len(trace["x"]) == 18
    for row in capacity.itertuples():
        points = decoded(drawn[row.resource]["customdata"])
        assert sum(p[0] for p in points) == pytest.approx(row.used, rel=1e-9)
        assert sum(p[1] for p in points) == pytest.approx(row.capacity, rel=1e-9)
    assert figure["layout"]["shapes"][0]["y0"] == 100.0


def test_invoice_lines_alone(thin_env):
    """Invoice lines without COGS, activity or a rate card: the trend has revenue alone,
    and the Cost to serve page has no utilisation to show."""
    app = open_page("pages/overview.py")
    drawn = traces(chart(app, "trend-monthly")["figure"])
    assert drawn["Net revenue"]["x"] == ["Jan 2024", "Feb 2024", "Mar 2024"]
    assert values(drawn["Net revenue"]) == [1000.0, 500.0, 200.0]
    assert values(drawn["Cost to serve"]) == [0.0, 0.0, 0.0]
    app = open_page("pages/cost-to-serve.py")
    assert "Utilisation over time" not in [s.value for s in app.subheader]


def test_the_trend_is_cached(app_env, monkeypatch):
    """Reruns, a trip to another page and back, and switching the grain back do not run
    the trend query again: it is cached per dataset version, filters and grain."""
    from data.queries import QueriesMixin

    calls = []
    real = QueriesMixin.trend_series

    def counted(self, *args, **kwargs):
        calls.append(kwargs["grain"])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QueriesMixin, "trend_series", counted)
    app = open_page("pages/overview.py")
    assert calls == ["quarter"]
    app.run()
    app.switch_page("pages/customers.py").run()
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert calls == ["quarter"]
    control = next(c for c in app.get("button_group") if c.key.startswith("trend_grain"))
    control.set_value("month").run()
    control = next(c for c in app.get("button_group") if c.key.startswith("trend_grain"))
    control.set_value("quarter").run()
    assert not app.exception
    assert calls == ["quarter", "month"]



def test_the_trend_downloads(sample_db):
    """The table the download buttons get builds both files (the Excel writer takes no
    date objects) with human headers."""
    import io

    import openpyxl

    from analytics.analysis import analyse_base
    from analytics.export import human_csv_bytes, to_excel_bytes
    from analytics.trends import buckets, company_series, period_cents
    from data import Store
    from pages.ui.trends_ui import SERIES_LABELS, series_export

    store = Store(sample_db)
    try:
        info, result = store.info(), analyse_base(store.customer_base())
        frame = buckets(info.first_date, info.last_date, grain="quarter")
        series = company_series(store.trend_series(
            period_cents(result.pnl), grain="quarter", buckets=list(frame["bucket"]),
            weights=list(frame["weight"]), rates=result.rate_table), frame)
    finally:
        store.close()
    table = series_export(series)
    text = human_csv_bytes(table, SERIES_LABELS).decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"Period","First day","Last day","Net revenue"')
    assert '"2022 Q1","2022-01-01","2022-03-31",12647212.72,' in text
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(table, "trend", SERIES_LABELS)))
    sheet = book.worksheets[0]
    assert [sheet["A1"].value, sheet["A2"].value, sheet["D2"].value] == [
        "Period", "2022 Q1", 12647212.72]
