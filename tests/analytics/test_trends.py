"""Trends: the buckets of a period, their weights, and the series shaped from the store's
cents (known answers worked by hand, and properties of the buckets)."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analytics.trends import (
    SERIES_COLUMNS,
    UTILISATION_COLUMNS,
    bucket_label,
    buckets,
    company_series,
    default_grain,
    grain_reason,
    months_spanned,
    trend_period,
    utilisation_series,
)

D = dt.date


def test_months_with_a_partial_first_and_last_month():
    frame = buckets(D(2024, 1, 10), D(2024, 6, 30), None, D(2024, 3, 15), "month")
    assert frame["label"].tolist() == ["Jan 2024", "Feb 2024", "Mar 2024"]
    assert frame["bucket"].tolist() == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    assert frame["first"].tolist() == [D(2024, 1, 10), D(2024, 2, 1), D(2024, 3, 1)]
    assert frame["last"].tolist() == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 15)]
    assert frame["days"].tolist() == [22, 29, 15]
    assert frame["partial"].tolist() == [True, False, True]
    # The data span is 10 Jan to 30 Jun 2024: 173 days.
    assert frame["weight"].tolist() == pytest.approx([22 / 173, 29 / 173, 15 / 173])


def test_quarters_across_a_year_end():
    frame = buckets(D(2023, 11, 5), D(2025, 2, 1), grain="quarter")
    assert frame["label"].tolist() == ["2023 Q4", "2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4",
                                       "2025 Q1"]
    assert frame["days"].tolist() == [57, 91, 91, 92, 92, 32]
    assert frame["partial"].tolist() == [True, False, False, False, False, True]
    assert frame["weight"].sum() == pytest.approx(1.0)


def test_a_period_outside_the_data_has_no_buckets():
    assert buckets(D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1), None).empty
    assert buckets(None, None).empty
    assert trend_period(None, None) is None
    assert months_spanned(D(2024, 1, 1), D(2024, 12, 31), D(2025, 1, 1)) == 0


def test_grain_by_span_and_its_reason():
    assert default_grain(D(2023, 1, 1), D(2024, 12, 31)) == "month"  # 24 months
    assert default_grain(D(2023, 1, 1), D(2025, 1, 1)) == "quarter"  # 25 months
    # The selection's period counts, not the data's.
    assert default_grain(D(2020, 1, 1), D(2024, 12, 31), D(2024, 1, 1), None) == "month"
    assert grain_reason("month", 1, "month") == \
        "Monthly: the period spans 1 month (monthly up to 24)."
    with pytest.raises(ValueError, match="grain"):
        buckets(D(2024, 1, 1), D(2024, 2, 1), grain="week")


def test_labels():
    assert bucket_label(D(2024, 10, 1), "quarter") == "2024 Q4"
    assert bucket_label(D(2024, 12, 1), "month") == "Dec 2024"


@pytest.mark.parametrize("seed", range(20))
def test_buckets_tile_the_period_and_their_weights_make_its_fraction(seed):
    """Property: buckets are contiguous, cover exactly the clipped period, and their
    weights add up to the period's share of the data span (what capacity is prorated
    by)."""
    rng = np.random.default_rng(seed)
    first = D(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 400)))
    last = first + dt.timedelta(days=int(rng.integers(0, 1500)))
    start = first + dt.timedelta(days=int(rng.integers(-50, 800))) if rng.random() < .7 else None
    end = (start or first) + dt.timedelta(days=int(rng.integers(0, 900))) \
        if rng.random() < .7 else None
    for grain in ("month", "quarter"):
        frame = buckets(first, last, start, end, grain)
        period = trend_period(first, last, start, end)
        if period is None:
            assert frame.empty
            continue
        low, high = period
        assert frame["first"].iloc[0] == low and frame["last"].iloc[-1] == high
        assert (frame["first"].iloc[1:].to_numpy()
                == (frame["last"].iloc[:-1] + pd.Timedelta(days=1)).to_numpy()).all()
        assert frame["days"].sum() == (high - low).days + 1
        fraction = ((high - low).days + 1) / ((last - first).days + 1)
        assert math.isclose(frame["weight"].sum(), fraction, rel_tol=1e-12)
        if grain == "month":
            assert len(frame) == months_spanned(first, last, start, end)


def cents_frame(rows):
    return pd.DataFrame(rows, columns=["bucket", "net_revenue_cents", "cogs_cents",
                                       "cost_to_serve_cents", "customers", "unprofitable"])


def test_company_series_from_cents():
    frame = buckets(D(2024, 1, 10), D(2024, 6, 30), grain="quarter")
    cents = cents_frame([
        (D(2024, 1, 1), 168_050, 103_525, 30_400, 2, 1),
        (D(2024, 4, 1), 5_000, 1_000, 20_800, 2, 1),
    ])
    series = company_series(cents, frame)
    assert list(series.columns) == list(SERIES_COLUMNS)
    assert series["period"].tolist() == ["2024 Q1", "2024 Q2"]
    assert series["net_revenue"].tolist() == [1680.5, 50.0]
    assert series["net_margin"].tolist() == [645.25, 40.0]
    assert series["cost_to_serve"].tolist() == [304.0, 208.0]
    assert series["profit"].tolist() == [341.25, -168.0]
    assert series["net_margin_pct"].tolist() == pytest.approx([64525 / 1680.5, 80.0])
    assert series["unprofitable_pct"].tolist() == [50.0, 50.0]
    assert series["first_day"].tolist() == [D(2024, 1, 10), D(2024, 4, 1)]


def test_a_bucket_without_anything_is_zero_with_no_share():
    frame = buckets(D(2024, 1, 1), D(2024, 3, 31))
    series = company_series(cents_frame([(D(2024, 3, 1), -2_000, -1_500, 0, 1, 1)]), frame)
    assert series["net_revenue"].tolist() == [0.0, 0.0, -20.0]
    assert series["customers"].tolist() == [0, 0, 1]
    assert np.isnan(series["unprofitable_pct"].iloc[0])
    # Net margin % is not meaningful on negative revenue.
    assert np.isnan(series["net_margin_pct"].iloc[2])
    assert series["profit"].tolist() == [0.0, 0.0, -5.0]


def test_cents_add_up_exactly():
    """Money comes from whole cents: the series' sums are the cents' sums, no float
    drift."""
    rng = np.random.default_rng(7)
    frame = buckets(D(2021, 1, 1), D(2024, 12, 31))
    cents = cents_frame([(b, *rng.integers(-10**9, 10**9, 3), 5, 2) for b in frame["bucket"]])
    series = company_series(cents, frame)
    for key in ("net_revenue", "cogs", "cost_to_serve"):
        assert round(series[key].sum() * 100) == cents[f"{key}_cents"].sum()
    profit = cents["net_revenue_cents"] - cents["cogs_cents"] - cents["cost_to_serve_cents"]
    assert round(series["profit"].sum() * 100) == profit.sum()


def test_utilisation_per_resource_and_bucket():
    frame = buckets(D(2024, 1, 10), D(2024, 6, 30), grain="month")
    used = pd.DataFrame({"resource": ["Customer service"] * 3,
                         "bucket": [D(2024, 1, 1), D(2024, 3, 1), D(2024, 6, 1)],
                         "used": [160.0, 220.0, 260.0]})
    resources = pd.DataFrame({"resource": ["Customer service", "Field"],
                              "cost": [1600.0, 10.0], "capacity": [2000.0, 0.0]})
    series = utilisation_series(used, resources, frame)
    assert list(series.columns) == list(UTILISATION_COLUMNS)
    service = series[series["resource"] == "Customer service"]
    assert service["period"].tolist() == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024",
                                          "May 2024", "Jun 2024"]
    assert service["used"].tolist() == [160.0, 0.0, 220.0, 0.0, 0.0, 260.0]
    # Capacity 2000 over the 173 days of the data: January has 22 of them.
    assert service["capacity"].tolist() == pytest.approx(
        [2000 * d / 173 for d in (22, 29, 31, 30, 31, 30)])
    assert service["used_pct"].iloc[0] == pytest.approx(100 * 160 / (2000 * 22 / 173))
    assert service["capacity"].sum() == pytest.approx(2000.0)
    assert series[series["resource"] == "Field"]["used_pct"].isna().all()


def test_trend_figures():
    from analytics.charts.trends import company_trend_figure, utilisation_trend_figure

    frame = buckets(D(2024, 1, 10), D(2024, 6, 30), grain="quarter")
    cents = cents_frame([(D(2024, 1, 1), 168_050, 103_525, 30_400, 2, 1),
                         (D(2024, 4, 1), 5_000, 1_000, 20_800, 2, 1)])
    figure = company_trend_figure(company_series(cents, frame), "€")
    names = [t.name for t in figure.data]
    assert names == ["Net revenue", "Net margin", "Cost to serve", "Operating profit",
                     "Unprofitable customers (%)"]
    profit = figure.data[3]
    assert list(profit.y) == [341.25, -168.0]
    assert profit.customdata[1] == "-€168 (-€168.00)"
    assert figure.data[4].yaxis == "y2" and list(figure.data[4].y) == [50.0, 50.0]
    assert figure.layout.yaxis.tickprefix == "€" and figure.layout.yaxis.tickformat == "~s"
    used = pd.DataFrame({"resource": ["<b>R&D</b>"], "bucket": [D(2024, 1, 1)],
                         "used": [10.0]})
    resources = pd.DataFrame({"resource": ["<b>R&D</b>"], "cost": [1.0], "capacity": [173.0]})
    figure = utilisation_trend_figure(utilisation_series(used, resources, frame))
    assert figure.data[0].name == "&lt;b&gt;R&amp;D&lt;/b&gt;"
    assert figure.data[0].y[0] == pytest.approx(100 * 10 / (173 * 82 / 173))
    assert figure.layout.shapes[0].y0 == 100.0
