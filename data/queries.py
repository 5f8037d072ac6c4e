"""The queries that aggregate millions of rows into what the pages and the analytics
need: the per-customer table (``CustomerBase``), a customer's months, order sizes,
segments and regions. The SQL is in ``data/sql/``; the domain rules (period fraction,
warnings) in ``data.periods``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from data import cube
from data.catalog import StoreBase, read_sql
from data.contract import TABLES
from data.periods import base_warnings, period_fraction, proration_warning
from data.problems import quote_ident


@dataclass(frozen=True)
class CustomerBase:
    """The per-customer table the analytics work on, for one period and filter.

    ``customers`` is indexed by customer_id with attributes (name, segment, region,
    since, wallet) and revenue measures, and the relationship attributes the dataset's
    customers file has (see :data:`RELATIONSHIP_COLUMNS`: a column the file lacks is not
    in the frame); ``volumes`` holds driver quantities (customers x
    activities); ``period_fraction`` is the share of the dataset's date span analysed.
    """

    customers: pd.DataFrame
    volumes: pd.DataFrame
    rates: pd.DataFrame
    resources: pd.DataFrame
    period_fraction: float
    start: dt.date | None
    end: dt.date | None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Driver volume per activity over every customer in the period, before any segment
    # or region filter: resources serve the whole base, so capacity is measured on it.
    period_volume: pd.Series | None = None


@dataclass(frozen=True)
class CustomerHistory:
    """One customer's months: revenue measures, and driver volumes (months x activities)."""

    revenue: pd.DataFrame
    volumes: pd.DataFrame


# Optional customer attributes for the relationship views, in ``CustomerBase.customers``
# only when the dataset has them: referrals (float, NaN unknown), co_development and
# invests (pandas nullable boolean, NA unknown), relationship (str: transactional,
# value_adding or collaborative; NA unknown).
RELATIONSHIP_COLUMNS = ("referrals", "co_development", "invests", "relationship")


class OrderIdsMissing(Exception):
    """Transactions carry no order_id: orders and their sizes are unknown."""



class CustomerFacts(Protocol):
    """What the analytics need from an engine: the per-customer table for a period and
    filter, the rate card, a customer's months and the order sizes. ``Store`` (DuckDB)
    provides it; a second engine provides the same to plug in."""

    def customer_base(self, start: dt.date | None = None, end: dt.date | None = None,
                      segments: list[str] | None = None, regions: list[str] | None = None
                      ) -> CustomerBase: ...

    def rate_card(self) -> tuple[pd.DataFrame, pd.DataFrame]: ...

    def customer_history(self, customer_id: str, start: dt.date | None = None,
                         end: dt.date | None = None) -> CustomerHistory: ...

    def order_sizes(self, minimum_order_value: float, start: dt.date | None = None,
                    end: dt.date | None = None, segments: list[str] | None = None,
                    regions: list[str] | None = None) -> pd.DataFrame: ...

    def customer_years(self, start: dt.date | None = None, end: dt.date | None = None,
                       segments: list[str] | None = None, regions: list[str] | None = None
                       ) -> pd.DataFrame: ...

    def first_purchase(self) -> pd.Series: ...

    def price_index(self, start: dt.date | None = None, end: dt.date | None = None,
                    segments: list[str] | None = None, regions: list[str] | None = None
                    ) -> pd.Series: ...

    def price_index_needs(self) -> list[str]: ...


class QueriesMixin(StoreBase):
    def customer_count(self) -> int:
        """Customers with invoice lines or activity: the number every page analyses,
        whether or not the dataset has customer master data."""
        with self.cursor() as cur:
            return cur.execute(read_sql("customer_count")).fetchall()[0][0]

    def table(self, table: str) -> pd.DataFrame:
        """A whole contract table (for the small ones: rates, resources, customers)."""
        if table not in TABLES:
            raise KeyError(table)
        return self.query_df(f"SELECT * FROM {quote_ident(table)}")

    def dimensions(self) -> tuple[list[str], list[str]]:
        """The segments and regions present in the customer master data."""
        with self.cursor() as cur:
            segments = cur.execute(read_sql("segments")).fetchall()
            regions = cur.execute(read_sql("regions")).fetchall()
        return [r[0] for r in segments], [r[0] for r in regions]

    def activity_sources(self) -> pd.DataFrame:
        """Where each activity's driver quantities came from, as the last load recorded
        it: ``activity, kind`` ('file' or 'driver'), ``file`` (the activity file, or the
        invoice lines a driver counts), ``origin`` (the driver's recipe or the Data page),
        ``per``, ``condition`` and ``counted`` (the driver's count in words). Empty for a
        dataset loaded before sources were recorded."""
        return self.query_df(read_sql("activity_sources"))

    def _by_month(self) -> None:
        """Refuse a read by month or line from a store aggregated while read
        (:mod:`data.read_cube`: a report's, holding the whole span per customer, undated
        activity included); only :meth:`customer_base` of the whole span reads it."""
        if getattr(self, "read_aggregated", False):
            raise ValueError("a store aggregated while read answers the per-customer table "
                             "of the whole span only")

    def _period_df(self, name: str, start: dt.date | None, end: dt.date | None,
                   params: dict | None = None) -> pd.DataFrame:
        """Run the query ``name`` on the period's customer-month views
        (:func:`data.cube.period_views`), on a cursor of its own."""
        self._by_month()
        with self.cursor() as cur:
            cube.period_views(cur, start, end, cube.lines_kept(cur))
            return cur.execute(read_sql(name), params or {}).df()

    def line_totals(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> dict[str, float]:
        """The invoice lines' totals in the period, summed straight from the loaded lines
        (the reconciliation against the files), or from the customer-month cube in a store
        that does not keep them: ``invoice_lines, customers, list_revenue, net_revenue,
        cogs``."""
        with self.cursor() as cur:
            kept = cube.lines_kept(cur)
        if kept:
            frame = self.query_df(read_sql("line_totals"), {"start": start, "end": end})
        else:
            frame = self._period_df("line_totals_cube", start, end)
        return {k: (int(v) if k in ("invoice_lines", "customers") else float(v))
                for k, v in frame.iloc[0].items()}

    def customer_history(
        self, customer_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> CustomerHistory:
        """A customer's revenue and activity by month (undated activity is left out)."""
        params = {"customer_id": customer_id}
        self._by_month()
        with self.cursor() as cur:
            cube.period_views(cur, start, end, cube.lines_kept(cur))
            revenue = cur.execute(read_sql("customer_history_revenue"), params).df()
            activity = cur.execute(read_sql("customer_history_activity"), params).df()
        months = pd.Index(
            sorted(set(revenue["month"]).union(activity["month"])), name="month"
        )
        revenue = revenue.set_index("month").reindex(months).fillna(0.0)
        volumes = (
            activity.pivot_table(index="month", columns="activity", values="quantity",
                                 aggfunc="sum", fill_value=0.0)
            .reindex(months, fill_value=0.0)
        )
        volumes.columns.name = None
        return CustomerHistory(revenue, volumes)

    def order_sizes(
        self,
        minimum_order_value: float,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> pd.DataFrame:
        """Per customer: orders, and the number and value of orders below a minimum value.

        Same period, segment and region filter as :meth:`customer_base`. An order is an
        ``order_id``'s invoice lines in the period, valued at the net revenue of its
        invoiced (positive) lines. Returns a DataFrame indexed by customer_id with
        ``orders``, ``small_orders`` and ``small_order_value`` (customers with invoice
        lines but no order_id are absent). Raises :class:`OrderIdsMissing` when the
        transactions carry no ``order_id``.
        """
        with self.cursor() as cur:
            has_orders = cur.execute(read_sql("has_order_ids")).fetchall()[0][0]
        if not has_orders:
            raise OrderIdsMissing(
                "Transactions have no order_id, so small orders cannot be counted: add an "
                "order_id column to transactions to set a minimum order value."
            )
        params = {**_filters(segments, regions),
                  "minimum_order_value": float(minimum_order_value)}
        frame = self._period_df("order_sizes", start, end, params)
        frame = frame.astype({"orders": "int64", "small_orders": "int64",
                              "small_order_value": "float64"})
        return frame.set_index("customer_id")

    def customer_years(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> pd.DataFrame:
        """Per customer and calendar year of the invoice date, in the period and filter.

        Same period, segment and region filter as :meth:`customer_base` (with a segment
        or region chosen, customers without master data are left out). Returns a
        DataFrame ``customer_id, year, net_revenue, cogs, lines`` (one row per customer
        and year with at least one invoice line; money rounded to the cent), sorted by
        customer and year. Activity is not in it: only invoice lines.
        """
        frame = self._period_df("customer_years", start, end, _filters(segments, regions))
        return frame.astype({"year": "int64", "net_revenue": "float64", "cogs": "float64",
                             "lines": "int64"})

    def first_purchase(self) -> pd.Series:
        """Customer_id -> the date (``datetime64``) of its first invoice line over the
        whole dataset, whatever period is chosen: a relationship's start as the invoice
        lines show it (the customers' ``since`` column may say otherwise)."""
        frame = self.query_df(read_sql("first_purchase"))
        series = frame.set_index("customer_id")["first_purchase"]
        return pd.to_datetime(series).rename("first_purchase")

    def price_index(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> pd.Series:
        """Customer_id -> price index in the period, for the customers of the filter that
        have invoice lines in it (customers with activity alone are not in the Series).

        Price index = the customer's net revenue / Σ over its lines of quantity × the
        product's reference price, where the reference price is the median net unit
        price (net revenue / quantity) of the product's lines with quantity > 0 over the
        WHOLE dataset (every customer, every date: computed once at load in the
        customer-month cube), so two periods are priced against the same reference.
        The median interpolates: for an even count, the mean of the two middle values.
        Only lines with a quantity and a product that has a reference price count, in
        the numerator as in the denominator; credit notes count with their negative
        quantity.

        NaN (missing) for every customer when the transactions have no ``product_id``
        or no ``quantity`` column (see :meth:`price_index_needs`), and for a customer
        with no such line or a non-positive denominator.
        """
        frame = self._period_df("price_index", start, end, _filters(segments, regions))
        return frame.set_index("customer_id")["price_index"].astype("float64")

    def price_index_needs(self) -> list[str]:
        """The transactions columns the price index needs that the dataset lacks
        (``product_id``, ``quantity``): empty when it can be computed."""
        info = self.info()
        return [c for c in ("product_id", "quantity")
                if info is None or not info.has_column("transactions", c)]

    def trend_series(
        self,
        customers: pd.DataFrame,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        grain: str,
        buckets: list[dt.date],
        weights: list[float],
        rates: pd.DataFrame,
    ) -> pd.DataFrame:
        """The company's trend, one row per bucket with something in it: the customers'
        ``net_revenue_cents, cogs_cents, cost_to_serve_cents``, and the ``customers``
        active in the bucket (invoice lines or activity there) and the ``unprofitable``
        among them (negative operating profit there).

        ``customers`` holds the customers of the selection with their P&L for the period
        in whole cents (``customer_id, net_revenue_cents, cogs_cents,
        cost_to_serve_cents``; :func:`analytics.trends.period_cents`): only they count,
        and each one's buckets add up exactly to its figures (what rounding per bucket
        leaves over goes to its last bucket). ``start, end`` is the period; ``grain`` is
        ``month`` or ``quarter``; ``buckets`` (each bucket's first day) and ``weights``
        (its share of the data's date span, for undated activity) come from
        :func:`analytics.trends.buckets`; ``rates`` holds ``activity, rate`` (the rate per
        driver unit, from :func:`analytics.tdabc.activity_rates`). The customer x bucket
        aggregation runs in DuckDB (``data/sql/trend_series.sql``); a few dozen rows come
        back.
        """
        columns = ["bucket", "net_revenue_cents", "cogs_cents", "cost_to_serve_cents",
                   "customers", "unprofitable"]
        if not buckets or customers.empty:
            return pd.DataFrame({c: pd.Series(dtype=object if c == "bucket" else "int64")
                                 for c in columns})
        params = {
            **_trend_params(grain, buckets, weights),
            "activities": [str(a) for a in rates["activity"]],
            "rates": [float(r) for r in rates["rate"]],
        }
        table = pd.DataFrame({
            "customer_id": customers["customer_id"].astype(str).to_numpy(),
            **{c: customers[c].to_numpy(dtype="int64")
               for c in ("net_revenue_cents", "cogs_cents", "cost_to_serve_cents")},
        })
        self._by_month()
        with self.cursor() as cur:  # a cursor of its own: the registration is its alone
            cube.period_views(cur, start, end, cube.lines_kept(cur))
            cur.register("trend_customers", table)
            frame = cur.execute(read_sql("trend_series"), params).df()
            cur.unregister("trend_customers")
        return frame[columns].astype({c: "int64" for c in columns[1:]})

    def trend_utilisation(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        grain: str,
        buckets: list[dt.date],
        weights: list[float],
        rates: pd.DataFrame,
    ) -> pd.DataFrame:
        """Time used per resource and bucket by every customer's activities in the period
        (``resource, bucket, used``; no segment or region filter: capacity serves the
        whole base). ``rates`` holds ``activity, resource, unit_time`` of the time-driven
        activities; ``grain``, ``buckets`` and ``weights`` as for :meth:`trend_series`."""
        timed = rates[rates["resource"].notna()]
        if not buckets or timed.empty:
            return pd.DataFrame({"resource": pd.Series(dtype=object),
                                 "bucket": pd.Series(dtype=object),
                                 "used": pd.Series(dtype="float64")})
        params = {
            **_trend_params(grain, buckets, weights),
            "activities": [str(a) for a in timed["activity"]],
            "resources": [str(r) for r in timed["resource"]],
            "unit_times": [float(u) for u in timed["unit_time"]],
        }
        return self._period_df("trend_utilisation", start, end, params)

    def customer_base(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> CustomerBase:
        """Aggregate the dataset to one row per customer for a period and filter.

        The period is read from the customer-month cube: its whole calendar months from
        the cube, a partial month at either end exactly from the invoice lines (or, in a
        store that does not keep them, the cube's month prorated by the days covered,
        with a warning). The joins and sums run in DuckDB; Python only scatters the
        (row, column, quantity) triples into the activity matrix.
        """
        chosen = _filters(segments, regions)
        with self.cursor() as cur:
            # One transaction: a load or a rate card saved meanwhile by another session
            # must not mix two versions.
            cur.execute("BEGIN TRANSACTION")
            try:
                info = self._info(cur)
                fraction = period_fraction(info, start, end)
                kept = info is None or info.lines_kept
                if start or end:  # a period is read by month
                    self._by_month()
                plan = cube.period_views(cur, start, end, kept)
                if getattr(self, "read_aggregated", False):  # one row per customer and
                    cur.execute(read_sql("read_period_activity"))  # activity already
                else:
                    cur.execute(read_sql("period_activity"), {"fraction": fraction})
                cur.execute(read_sql("selected_customers"), chosen)
                table = cur.execute(read_sql("selected_customers_read")).df()
                rates, resources = self._rate_card(cur)
                activities = rates["activity"].tolist()
                triples = cur.execute(read_sql("customer_volumes"),
                                      {"activities": activities}).fetchnumpy()
                totals = cur.execute(read_sql("activity_totals")).df()
            finally:
                cur.execute("ROLLBACK")  # read only; the temp tables go with it
        table = _relationship_columns(table.set_index("customer_id"), info)
        # Volumes meet their rates by activity name (every activity has a rate), in SQL;
        # each (row, column) once (period_activity: one row per customer and activity),
        # scattered by bincount (np.add.at took 0.05 s of a million triples).
        cells = (triples["row_index"].astype(np.int64) * len(activities)
                 + triples["column_index"].astype(np.int64))
        matrix = np.bincount(cells, weights=triples["quantity"],
                             minlength=len(table) * len(activities)).astype(float)
        volumes = pd.DataFrame(matrix.reshape(len(table), len(activities)),
                               index=table.index, columns=activities)
        period_volume = (
            totals.set_index("activity")["quantity"].reindex(activities).fillna(0.0)
        )
        warnings = base_warnings(
            period_chosen=bool(start or end),
            activity_rows=info.rows.get("activities", 0) if info else 0,
            activities_dated=info is not None and info.has_column("activities", "date"),
            master_rows=info.rows.get("customers", 0) if info else 0,
            unknown_customers=int((~table["in_master"]).sum()),
            customers_filtered=bool(segments or regions),
            fraction=fraction,
        )
        if not kept and plan.edges:
            warnings = (*warnings, proration_warning(plan))
        return CustomerBase(
            table, volumes, rates, resources, fraction, start, end, warnings, period_volume,
        )


def _filters(segments, regions) -> dict:
    return {
        "segments": list(segments) if segments else None,
        "regions": list(regions) if regions else None,
    }


def _trend_params(grain: str, buckets: list[dt.date], weights: list[float]) -> dict:
    if grain not in ("month", "quarter"):
        raise ValueError(f"grain must be 'month' or 'quarter', not {grain!r}")
    if len(buckets) != len(weights):
        raise ValueError("one weight per bucket")
    return {"grain": grain, "buckets": list(buckets), "weights": [float(w) for w in weights]}


def _relationship_columns(table: pd.DataFrame, info) -> pd.DataFrame:
    """The relationship attributes the dataset has, typed (see RELATIONSHIP_COLUMNS);
    those it lacks dropped, so a dataset without them looks exactly as before."""
    missing = [c for c in RELATIONSHIP_COLUMNS
               if info is None or not info.has_column("customers", c)]
    table = table.drop(columns=missing)
    types = {"referrals": "float64", "co_development": "boolean", "invests": "boolean"}
    return table.astype({c: t for c, t in types.items() if c in table.columns})
