"""One customer up close: its P&L waterfall, its activity usage, its months.

Three pure computations behind the Customers page's detail, and its sentences
(:func:`position_sentence`, :func:`driver_sentence`, :func:`monthly_note`):

* :func:`waterfall_steps`: list revenue through discounts, COGS and each cost-to-serve
  activity down to operating profit, in cents, so the steps add up exactly to profit;
* :func:`usage_vs_median`: each activity's driver quantity against the median customer
  (the Kanthal view: which behaviours make this customer expensive to serve);
* :func:`monthly_pnl`: net revenue, COGS, cost to serve and operating profit by month,
  costing each month's dated activity at the period's rates;
* :func:`cost_trace`: its cost to serve traced activity by activity, driver quantity x
  rate, each rate down to the resource's cost and practical capacity, each quantity to
  its source (the activity file, or the cost driver that counted it).

Example
-------
>>> import pandas as pd
>>> row = pd.Series({"list_revenue": 1000.0, "discounts": 100.0, "cogs": 600.0,
...                  "cts_Order": 64.0, "cts_Complaint": 0.0, "profit": 236.0})
>>> waterfall_steps(row)[["step", "amount"]].values.tolist()
[['List revenue', 1000.0], ['Discounts', -100.0], ['Net revenue', 900.0], \
['COGS', -600.0], ['Net margin', 300.0], ['Order', -64.0], ['Operating profit', 236.0]]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.metrics import format_money, format_pct
from analytics.money import from_cents, round_money, to_cents
from analytics.pnl import CTS_PREFIX

OTHER_ACTIVITIES = "Other activities"
WATERFALL_COLUMNS = ("step", "measure", "kind", "amount")
USAGE_COLUMNS = (
    "quantity",
    "median",
    "multiple",
    "percentile",
    "rate",
    "cost",
    "median_cost",
    "excess_cost",
)
MONTHLY_COLUMNS = ("net_revenue", "cogs", "net_margin", "cost_to_serve", "profit")
TRACE_COLUMNS = (
    "activity",
    "quantity",
    "rate",
    "cost",
    "rate_basis",
    "capacity_basis",
    "source",
    "kind",
    "resource",
    "unit_time",
    "capacity_cost_rate",
    "resource_cost",
    "practical_capacity",
)


def _require(frame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        raise KeyError(f"{what} lacks column(s): {', '.join(missing)}")


def waterfall_steps(
    pnl_row: pd.Series, min_share: float = 0.03, max_activities: int = 10
) -> pd.DataFrame:
    """The steps of one customer's price/profit waterfall.

    Parameters
    ----------
    pnl_row : one row of :func:`analytics.pnl.customer_pnl` (``list_revenue``,
        ``discounts``, ``cogs`` and the ``cts_<activity>`` columns).
    min_share : activities costing less than this share of the customer's cost to
        serve are grouped as "Other activities" (when two or more are).
    max_activities : at most this many activities are shown by name, the costliest.

    Returns
    -------
    DataFrame with ``step`` (label), ``measure`` (Plotly's ``absolute``, ``relative`` or
    ``total``), ``kind`` (``revenue``, ``discount``, ``cogs``, ``activity``,
    ``subtotal``) and ``amount`` (signed; the running total for subtotals). Every
    amount is in cents and each subtotal is the exact sum of the steps before it, so
    the last row, operating profit, equals list revenue minus every deduction.
    Activities with no cost are left out.

    Example
    -------
    >>> row = pd.Series({"list_revenue": 100.0, "discounts": 0.0, "cogs": 50.0,
    ...                  "cts_A": 30.0, "cts_B": 0.5, "cts_C": 0.25})
    >>> steps = waterfall_steps(row)
    >>> steps["step"].tolist()[-3:]
    ['A', 'Other activities', 'Operating profit']
    >>> float(steps["amount"].iloc[-1])
    19.25
    """
    _require(pnl_row.index, ("list_revenue", "discounts", "cogs"), "pnl_row")
    costs = {
        str(key)[len(CTS_PREFIX):]: round_money(value)
        for key, value in pnl_row.items()
        if str(key).startswith(CTS_PREFIX) and round_money(value) != 0
    }
    ranked = sorted(costs.items(), key=lambda item: (-item[1], item[0]))
    total_cost = math.fsum(costs.values())
    named = [
        (name, cost) for i, (name, cost) in enumerate(ranked)
        if i < max_activities and (total_cost <= 0 or cost >= min_share * total_cost)
    ]
    rest = ranked[len(named):]
    if len(rest) == 1:
        named += rest
    elif rest:
        named.append((OTHER_ACTIVITIES, round_money(math.fsum(cost for _, cost in rest))))

    rows: list[tuple[str, str, str, float]] = []
    running = round_money(pnl_row["list_revenue"])
    rows.append(("List revenue", "absolute", "revenue", running))

    def deduct(label: str, kind: str, amount: float) -> None:
        nonlocal running
        step = -round_money(amount)
        running = round_money(running + step)
        rows.append((label, "relative", kind, step))

    def subtotal(label: str) -> None:
        rows.append((label, "total", "subtotal", running))

    deduct("Discounts", "discount", pnl_row["discounts"])
    subtotal("Net revenue")
    deduct("COGS", "cogs", pnl_row["cogs"])
    subtotal("Net margin")
    for name, cost in named:
        deduct(name, "activity", cost)
    subtotal("Operating profit")
    return pd.DataFrame(rows, columns=list(WATERFALL_COLUMNS))


def _rates(rate_table: pd.DataFrame | None, activities: pd.Index) -> pd.Series:
    if rate_table is None or rate_table.empty:
        return pd.Series(0.0, index=activities)
    _require(rate_table.columns, ("activity", "rate"), "rate_table")
    rates = rate_table.set_index("activity")["rate"].astype(float)
    return rates.reindex(activities).fillna(0.0)


def usage_vs_median(
    volumes: pd.DataFrame, customer_id: object, rate_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One customer's driver quantities against the median customer's.

    Parameters
    ----------
    volumes : driver quantity per customer (rows, indexed by ``customer_id``) and
        activity (columns), over the customers compared with (the current selection).
    customer_id : the customer to describe (a row of ``volumes``).
    rate_table : ``activity, rate`` (from :func:`analytics.tdabc.activity_rates`);
        without it every cost is 0.

    Returns
    -------
    DataFrame indexed by activity, one row per activity this customer or the median
    customer uses, with :data:`USAGE_COLUMNS`: the customer's ``quantity``, the
    ``median`` over customers, ``multiple`` (quantity / median, NaN when the median is
    0), ``percentile`` (% of customers using strictly less), the ``rate``, the
    customer's ``cost``, the ``median_cost`` (median x rate) and ``excess_cost`` (cost -
    median_cost), sorted by excess cost, largest first. Empty when the customer uses no
    activity and neither does the median customer.

    Example
    -------
    >>> volumes = pd.DataFrame({"Order": [10.0, 20.0, 60.0], "Visit": [0.0, 0.0, 1.0]},
    ...                        index=["A", "B", "C"])
    >>> rates = pd.DataFrame({"activity": ["Order", "Visit"], "rate": [5.0, 100.0]})
    >>> usage = usage_vs_median(volumes, "C", rates)
    >>> usage[["quantity", "median", "multiple", "excess_cost"]].round(1).values.tolist()
    [[60.0, 20.0, 3.0, 200.0], [1.0, 0.0, nan, 100.0]]
    """
    if customer_id not in volumes.index:
        raise KeyError(f"customer {customer_id!r} is not in volumes")
    activities = volumes.columns
    values = volumes.to_numpy(dtype=float)
    row = volumes.loc[customer_id]
    quantity = (row.iloc[0] if isinstance(row, pd.DataFrame) else row).to_numpy(dtype=float)
    median = np.median(values, axis=0) if len(values) else np.zeros(len(activities))
    multiple = np.full(len(activities), np.nan)
    np.divide(quantity, median, out=multiple, where=median > 0)
    percentile = 100.0 * (values < quantity).mean(axis=0)
    rate = _rates(rate_table, activities).to_numpy()
    out = pd.DataFrame(
        {
            "quantity": quantity,
            "median": median,
            "multiple": multiple,
            "percentile": percentile,
            "rate": rate,
            "cost": quantity * rate,
            "median_cost": median * rate,
        },
        index=pd.Index(activities, name="activity"),
    )
    out["excess_cost"] = out["cost"] - out["median_cost"]
    out = out[(out["quantity"] > 0) | (out["median"] > 0)]
    order = np.lexsort((out.index.astype(str), -out["excess_cost"].to_numpy()))
    return out.iloc[order]


def top_cost_drivers(usage: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The activities that cost this customer most beyond the median customer.

    Rows of :func:`usage_vs_median` with a positive ``excess_cost``, largest first.

    Example
    -------
    >>> usage = pd.DataFrame({"excess_cost": [5.0, -1.0, 9.0]}, index=["a", "b", "c"])
    >>> top_cost_drivers(usage).index.tolist()
    ['c', 'a']
    """
    positive = usage[usage["excess_cost"] > 0]
    return positive.sort_values("excess_cost", ascending=False, kind="stable").head(n)


def monthly_pnl(
    revenue: pd.DataFrame,
    volumes: pd.DataFrame,
    rate_table: pd.DataFrame | None,
    start: object | None = None,
    end: object | None = None,
) -> pd.DataFrame:
    """A customer's P&L by month.

    Parameters
    ----------
    revenue : indexed by month (first day), with ``net_revenue`` and ``cogs``.
    volumes : indexed by month, one column of driver quantity per activity (dated
        activity only).
    rate_table : ``activity, rate``; activities it does not price cost nothing.
    start, end : the period shown; months without invoice lines or activity inside it
        are filled with zeros (without them, the months from the first to the last
        month with data).

    Returns
    -------
    DataFrame indexed by ``month`` (Timestamp, first day) with :data:`MONTHLY_COLUMNS`:
    profit = net revenue - COGS - Σ activity volume x rate.

    Example
    -------
    >>> revenue = pd.DataFrame({"net_revenue": [100.0, 50.0], "cogs": [60.0, 30.0]},
    ...                        index=pd.to_datetime(["2024-01-01", "2024-03-01"]))
    >>> volumes = pd.DataFrame({"Order": [2.0]}, index=pd.to_datetime(["2024-03-01"]))
    >>> rates = pd.DataFrame({"activity": ["Order"], "rate": [5.0]})
    >>> monthly_pnl(revenue, volumes, rates)["profit"].tolist()
    [40.0, 0.0, 10.0]
    """
    _require(revenue.columns, ("net_revenue", "cogs"), "revenue")
    revenue_index = pd.to_datetime(pd.Index(revenue.index))
    volume_index = pd.to_datetime(pd.Index(volumes.index))
    known = revenue_index.append(volume_index)
    first = pd.Timestamp(start) if start is not None else (known.min() if len(known) else None)
    last = pd.Timestamp(end) if end is not None else (known.max() if len(known) else None)
    if first is None or last is None or first > last:
        months = pd.DatetimeIndex([])
    else:
        months = pd.date_range(first.to_period("M").to_timestamp(),
                               last.to_period("M").to_timestamp(), freq="MS")
    months = months.rename("month")
    rev = revenue.set_axis(revenue_index).groupby(level=0).sum(numeric_only=True)
    rev = rev.reindex(months, fill_value=0.0)
    vol = volumes.set_axis(volume_index).groupby(level=0).sum(numeric_only=True)
    vol = vol.reindex(months, fill_value=0.0)
    cost = (vol.to_numpy(dtype=float) @ _rates(rate_table, vol.columns).to_numpy()
            if vol.shape[1] else np.zeros(len(months)))
    out = pd.DataFrame(index=months)
    out["net_revenue"] = rev["net_revenue"].to_numpy(dtype=float)
    out["cogs"] = rev["cogs"].to_numpy(dtype=float)
    out["net_margin"] = out["net_revenue"] - out["cogs"]
    out["cost_to_serve"] = np.asarray(cost, dtype=float)
    out["profit"] = out["net_margin"] - out["cost_to_serve"]
    return out


# -- the trace of its cost to serve -----------------------------------------------------


def _number(value: float) -> str:
    """A quantity or unit time as written: 12, 7.5, 1,234.25."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.4f}".rstrip("0")


def source_text(activity: str, sources: pd.DataFrame | None,
                fallback: str | None = None) -> str:
    """Where an activity's driver quantity comes from, in words.

    Parameters
    ----------
    activity : the activity.
    sources : ``activity, kind, file, origin, counted`` (the store's activity sources):
        kind ``file`` (read from an activity file) or ``driver`` (counted from the
        invoice lines by a cost driver: ``counted`` says what, with its condition).
    fallback : said when ``sources`` does not know the activity (a dataset loaded
        before sources were recorded): e.g. the activity table's file name.

    Example
    -------
    >>> sources = pd.DataFrame({"activity": ["Returns", "Visit"],
    ...     "kind": ["driver", "file"], "file": ["lines.csv", "activities.csv"],
    ...     "origin": ["recipe acme", None],
    ...     "counted": ["lines where doc_type is RET or CRN", None]})
    >>> source_text("Returns", sources)
    "driver 'Returns' (recipe acme): lines where doc_type is RET or CRN, in lines.csv"
    >>> source_text("Visit", sources)
    'file activities.csv'
    """
    return _describe_source(activity, _source_records(sources).get(activity), fallback)


def _source_records(sources: pd.DataFrame | None) -> dict[object, dict]:
    """The sources table as activity -> its row (the first when repeated)."""
    if sources is None or not len(sources):
        return {}
    return _records(sources, "activity")


def _records(frame: pd.DataFrame, key: str) -> dict[object, dict]:
    """``frame`` as key -> row dict (the first row of a repeated key); column by column,
    which is many times faster than ``to_dict("records")`` on a small table."""
    columns = {c: frame[c].tolist() for c in frame.columns}
    records: dict[object, dict] = {}
    for i, value in enumerate(columns[key]):
        if value not in records:
            records[value] = {c: values[i] for c, values in columns.items()}
    return records


def _describe_source(activity, record: dict | None, fallback: str | None) -> str:
    if record is None:
        return fallback or "not recorded (reload the data to record it)"

    def text(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) and value else None

    if record.get("kind") == "driver":
        origin = f" ({text('origin')})" if text("origin") else ""
        where = f", in {text('file')}" if text("file") else ""
        return f"driver '{activity}'{origin}: {text('counted') or 'invoice lines'}{where}"
    return f"file {text('file')}" if text("file") else "an activity file"


def cost_trace(
    quantities: pd.Series,
    rate_table: pd.DataFrame,
    resources: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    *,
    fallback_source: str | None = None,
    currency: str = "$",
    time_unit: str | None = None,
) -> pd.DataFrame:
    """One customer's cost to serve, traced: per activity, driver quantity x rate = cost.

    Parameters
    ----------
    quantities : the customer's driver quantity per activity (a row of the volumes the
        P&L was costed on, same period and filters).
    rate_table : from :func:`analytics.tdabc.activity_rates`.
    resources : ``resource, cost, capacity`` (the rate card's, over the data period).
    sources : where each activity's quantities come from (see :func:`source_text`).
    fallback_source : the source said for an activity ``sources`` does not know.
    currency, time_unit : how money and capacity time read in the texts (``time_unit``:
        "min" or "h" when known; the rate card does not say, so none by default).

    Returns
    -------
    DataFrame with :data:`TRACE_COLUMNS`, one row per activity the customer used,
    costliest first: ``cost`` is quantity x rate to the cent, as the customer P&L costs
    it, so the costs add up exactly to the customer's cost to serve. ``kind`` is
    ``time-driven`` (rate = unit time x capacity cost rate, capacity cost rate =
    resource cost / practical capacity) or ``direct`` (a cost per unit); ``rate_basis``
    writes the rate out with its numbers, ``capacity_basis`` the capacity cost rate.

    Example
    -------
    >>> rates = pd.DataFrame({"activity": ["Order", "Freight"],
    ...     "resource": ["Service", None], "unit_time": [40.0, None],
    ...     "capacity_cost_rate": [0.8, None], "rate": [32.0, 55.0]})
    >>> resources = pd.DataFrame({"resource": ["Service"], "cost": [560_000.0],
    ...                           "capacity": [700_000.0]})
    >>> trace = cost_trace(pd.Series({"Order": 3.0, "Freight": 1.0}), rates, resources)
    >>> trace[["activity", "quantity", "rate", "cost"]].values.tolist()
    [['Order', 3.0, 32.0, 96.0], ['Freight', 1.0, 55.0, 55.0]]
    >>> trace[["rate_basis", "capacity_basis"]].iloc[0].tolist()
    ['40 × $0.8000 (Service)', '$0.8000 = $560,000.00 / 700,000']
    >>> cost_trace(pd.Series({"Order": 1.0}), rates, resources,
    ...            time_unit="min")["capacity_basis"].iloc[0]
    '$0.8000/min = $560,000.00 / 700,000 min'
    """
    _require(rate_table.columns, ("activity", "resource", "unit_time", "capacity_cost_rate",
                                  "rate"), "rate_table")
    table = _records(rate_table, "activity")
    supplied = (_records(resources, "resource")
                if resources is not None and len(resources) else {})
    known = _source_records(sources)
    rows = []
    for activity, quantity in quantities.items():
        quantity = float(quantity)
        if quantity == 0 or activity not in table:
            continue
        rate_row = table[activity]
        rate = float(rate_row["rate"])
        resource = rate_row["resource"]
        timed = isinstance(resource, str)
        resource_cost = capacity = np.nan
        capacity_basis = ""
        if timed:
            ccr = float(rate_row["capacity_cost_rate"])
            unit_time = float(rate_row["unit_time"])
            per = format_money(ccr, currency, 4) + (f"/{time_unit}" if time_unit else "")
            time = _number(unit_time) + (f" {time_unit}" if time_unit else "")
            basis = f"{time} × {per} ({resource})"
            if resource in supplied:
                resource_cost = float(supplied[resource]["cost"])
                capacity = float(supplied[resource]["capacity"])
                capacity_basis = (f"{per} = {format_money(resource_cost, currency)} / "
                                  f"{_number(capacity)}{f' {time_unit}' if time_unit else ''}")
        else:
            ccr = unit_time = np.nan
            basis = f"{format_money(rate, currency)} per unit, costed directly"
        rows.append({
            "activity": activity,
            "quantity": quantity,
            "rate": rate,
            # The P&L's own product (analytics.tdabc.cost_by_activity), rounded as it is.
            "cost": round_money(quantity * rate),
            "rate_basis": basis,
            "capacity_basis": capacity_basis,
            "source": _describe_source(activity, known.get(activity), fallback_source),
            "kind": "time-driven" if timed else "direct",
            "resource": resource if timed else None,
            "unit_time": unit_time,
            "capacity_cost_rate": ccr,
            "resource_cost": resource_cost,
            "practical_capacity": capacity,
        })
    out = pd.DataFrame(rows, columns=list(TRACE_COLUMNS))
    if out.empty:
        return out
    order = np.lexsort((out["activity"].astype(str).to_numpy(), -out["cost"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def trace_sentence(trace: pd.DataFrame, cost_to_serve: float, currency: str = "$") -> str:
    """Whether the trace adds up to the customer's cost to serve, to the cent (plain text).

    >>> trace = pd.DataFrame({"cost": [96.0, 55.0]})
    >>> trace_sentence(trace, 151.0)
    'The 2 activities add up to $151.00, its cost to serve to the cent.'
    """
    total = from_cents(int(to_cents(trace["cost"].to_numpy()).sum())) if len(trace) else 0.0
    gap = to_cents(cost_to_serve) - to_cents(total)
    count = f"{len(trace)} activit{'y' if len(trace) == 1 else 'ies'}"
    if gap == 0:
        return f"The {count} add up to {format_money(total, currency)}, its cost to serve to " \
               "the cent."
    return (f"The {count} add up to {format_money(total, currency)}, not to its cost to "
            f"serve of {format_money(cost_to_serve, currency)} (a difference of "
            f"{format_money(from_cents(gap), currency)}).")


def sources_sentence(trace: pd.DataFrame, shown: int = 4) -> str:
    """Where the trace's driver quantities come from, grouped by source (plain text).

    >>> trace = pd.DataFrame({"activity": ["Order", "Visit", "Returns"],
    ...     "source": ["file a.csv", "file a.csv", "driver 'Returns': lines where x is R"]})
    >>> sources_sentence(trace)
    "Driver quantities from file a.csv (Order, Visit); from driver 'Returns': lines \
where x is R (Returns)."
    >>> sources_sentence(trace.head(2))
    'All 2 driver quantities from file a.csv.'
    """
    if trace.empty:
        return ""
    groups = trace.groupby("source", sort=False)["activity"].agg(list)
    if len(groups) == 1:
        return f"All {len(trace)} driver quantities from {groups.index[0]}."
    parts = []
    for source, activities in groups.items():
        names = [str(a) for a in activities[:shown]]
        if len(activities) > shown:
            names.append(f"{len(activities) - shown} more")
        parts.append(f"from {source} ({', '.join(names)})")
    return "Driver quantities " + "; ".join(parts) + "."


# -- what the detail says ---------------------------------------------------------------


def position_sentence(row: pd.Series) -> str:
    """Where one customer (a P&L row) stands: its margin against its cost to serve."""
    margin, cts = row["net_margin_pct"], row["cost_to_serve_pct"]
    if not row["net_revenue"] > 0:
        return ("No positive net revenue in this period, so its margin and cost to serve "
                "cannot be read as % of revenue.")
    side = ("above break-even: its margin covers its cost to serve" if margin >= cts
            else "below break-even: its cost to serve exceeds its margin")
    return (f"Net margin {format_pct(margin)} and cost to serve {format_pct(cts)} of net "
            f"revenue, {side}.")


def revenue_multiple(net_revenue: pd.Series, customer) -> float | None:
    """A customer's net revenue as a multiple of the median customer's (None when the
    median is not positive)."""
    median = float(net_revenue.median())
    return float(net_revenue.loc[customer]) / median if median > 0 else None


def driver_sentence(usage: pd.DataFrame, multiple: float | None, currency: str = "$",
                    escape=None) -> str:
    """The top three cost drivers of :func:`usage_vs_median`, against the median customer,
    and the customer's revenue ``multiple`` for scale.

    Plain text; with ``escape`` (a function that makes text literal Markdown) Markdown,
    each activity in bold.
    """
    drivers = top_cost_drivers(usage, 3)
    if drivers.empty:
        return "It uses no activity more than the median customer does."
    parts = []
    for activity, row in drivers.iterrows():
        times = (f"{row['multiple']:,.1f}× the median" if np.isfinite(row["multiple"])
                 else "the median customer has none")
        money = format_money(row["excess_cost"], currency, 0)
        name = f"**{escape(activity)}**" if escape else str(activity)
        parts.append(f"{name} ({row['quantity']:,.0f}, {times}) costs "
                     f"{escape(money) if escape else money} more")
    sentence = "Top cost drivers, against the median customer: " + "; ".join(parts) + "."
    if multiple is not None and np.isfinite(multiple):
        sentence += f" For scale: its net revenue is {multiple:,.1f}× the median customer's."
    return sentence


def monthly_note(cost_to_serve: float, monthly: pd.DataFrame, currency: str = "$") -> str:
    """How the monthly view (:func:`monthly_pnl`) is costed, and how much of the
    customer's ``cost_to_serve`` it leaves out because the activity has no date."""
    note = ("Monthly profit = net revenue − COGS − each month's dated activity × the period's "
            "rates.")
    undated = float(cost_to_serve) - float(monthly["cost_to_serve"].sum())
    if undated > 0.5:
        return note + (f" {format_money(undated, currency, 0)} of its cost to serve comes from "
                       "activity without a date, which is not in this monthly view.")
    return note + " Activity without a date would not be in this view."
