"""The scenario engine: today's customer base, computed once, and the run of a scenario.

:meth:`ScenarioBase.run` is what a slider move costs. It is a chain of named, pure
steps over numpy arrays (the formulas: :mod:`analytics.scenario`):

1. :meth:`ScenarioBase.terms`: per activity the fee, the usage kept and the rate after;
   the order activity and each customer's share of orders consolidated; the scope;
2. :func:`customer_effects`: per customer the service fees, the change in cost to
   serve, the cost saved by consolidation, the surcharges and the core price effect;
3. :func:`pnl_after`: per customer the bill change, who is at risk, the volume kept
   (:func:`volume_kept`) and the revenue, COGS, cost, profit and quadrant after;
4. :func:`analytics.scenario.cents.row_cents`: each customer's money in whole cents,
   the change in its cost to serve split into avoidable cost and stranded capacity;
5. ``profit_bridge_cents`` and ``row_figures`` (:mod:`analytics.scenario.cents`): the
   bridge and the summary's money, in cents; :func:`quadrant_migration` and
   :func:`result_table` shape the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.analysis import Analysis
from analytics.money import to_cents
from analytics.pnl import pct_of
from analytics.quadrants import QUADRANTS, Thresholds, quadrant_codes
from analytics.ranking import id_order
from analytics.scenario.cents import profit_bridge_cents, row_cents, row_figures
from analytics.scenario.menu_check import MenuCheck, check_menu
from analytics.scenario.parameters import Scenario, Scope, finite_number
from analytics.scenario.result import ScenarioResult
from analytics.whale import WhaleCurve

# A customer pays more when its bill rises by at least this much (a cent, not float noise).
PAYS_MORE_FROM = 0.005


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Terms:
    """What a scenario sets, on a base's activities and customers.

    ``fee``, ``keep`` (usage kept: 1 - response where a fee is charged) and
    ``rate_after`` per activity; ``order_column``, the order-counting activity (None
    without a minimum order or when it is not named); ``consolidated_share``, each
    customer's share of orders consolidated (None: no consolidation); ``mask``, the
    customers in scope (None: everybody).
    """

    fee: np.ndarray
    keep: np.ndarray
    rate_after: np.ndarray
    order_column: int | None
    consolidated_share: np.ndarray | None
    mask: np.ndarray | None

    @property
    def weight(self) -> np.ndarray | None:
        """1.0 for customers in scope, 0.0 for the others (None: everybody)."""
        return None if self.mask is None else self.mask.astype(float)


@dataclass(frozen=True, eq=False)
class Effects:
    """Per customer (scope applied): what the scenario adds to revenue and to cost.

    ``cost_change`` includes ``-consolidation_saved``; ``consolidated_total`` is the
    number of orders consolidated across the base.
    """

    service_fees: np.ndarray
    cost_change: np.ndarray
    consolidation_saved: np.ndarray
    surcharges: np.ndarray
    price_effect: np.ndarray
    consolidated_total: float
    timed_today: np.ndarray  # cost on timed activities today
    timed_after: np.ndarray  # ... after, on today's volume (out of scope: today's)


@dataclass(frozen=True, eq=False)
class After:
    """Per customer, the P&L after the scenario, how the bill moves and the volume kept.

    ``bill_change`` is priced on today's volume (what the same purchases cost after);
    ``volume_kept`` is the share of today's business kept (1.0 without a volume response
    or defection); every money amount is after it. ``timed_cost`` is the cost after on
    timed activities (its capacity stays unless cut).
    """

    net_revenue: np.ndarray
    service_fees: np.ndarray
    surcharges: np.ndarray
    cogs: np.ndarray
    cost_to_serve: np.ndarray
    profit: np.ndarray
    bill_change: np.ndarray
    bill_change_pct: np.ndarray
    at_risk: np.ndarray
    quadrant_codes: np.ndarray
    volume_kept: np.ndarray
    timed_cost: np.ndarray

    @property
    def fee_revenue(self) -> np.ndarray:
        return self.service_fees + self.surcharges


@dataclass(frozen=True, eq=False)
class ScenarioBase:
    """What a scenario needs from today, computed once; :meth:`run` is the slider's work.

    Build it with :meth:`build` from an :class:`~analytics.analysis.Analysis`, the
    activity volumes it was made from and, for the small-order part, the order sizes
    (``orders, small_orders, small_order_value`` per customer for one minimum order
    value, as :meth:`data.store.Store.order_sizes` returns them). Arrays are read-only, so
    one base may be shared by every user of the app.
    """

    customer_ids: pd.Index
    activities: tuple[str, ...]
    usage: np.ndarray  # customers x activities, today's driver quantities
    rate: np.ndarray  # cost per driver unit, per activity
    timed: np.ndarray  # activity performed on a resource (its capacity is fixed)
    resource: tuple[str | None, ...]
    net_revenue: np.ndarray
    cogs: np.ndarray
    cost_to_serve: np.ndarray
    profit: np.ndarray
    quadrant_codes: np.ndarray
    thresholds: Thresholds
    segment_codes: np.ndarray
    segments: tuple[str, ...]
    usage_total: np.ndarray
    whale_before: WhaleCurve
    id_order: np.ndarray  # each customer's rank by id, to break ties in a whale curve
    orders: np.ndarray | None = None
    small_orders: np.ndarray | None = None
    small_order_value: np.ndarray | None = None
    minimum_order_value: float | None = None

    # -- building --

    @classmethod
    def build(
        cls,
        analysis: Analysis,
        volumes: pd.DataFrame,
        orders: pd.DataFrame | None = None,
        minimum_order_value: float | None = None,
    ) -> ScenarioBase:
        """Precompute everything that does not change with the scenario.

        Parameters
        ----------
        analysis : today's analysis (its P&L, rate table and thresholds).
        volumes : the driver quantities the analysis was built from (customers x
            activities); missing customers and activities count as zero.
        orders, minimum_order_value : optional order sizes, see :meth:`with_orders`.
        """
        pnl = analysis.pnl
        rate_table = analysis.rate_table
        activities = tuple(str(a) for a in rate_table["activity"])
        extra = [str(c) for c in volumes.columns if str(c) not in activities]
        if extra:
            raise KeyError(f"no rate for activity: {', '.join(extra)}")
        usage = (
            volumes.reindex(index=pnl.index, columns=list(activities))
            .fillna(0.0)
            .to_numpy(dtype=float)
        )
        if not np.isfinite(usage).all():
            raise ValueError("activity volumes must be finite numbers")
        quadrant = pnl["quadrant"]
        if isinstance(quadrant.dtype, pd.CategoricalDtype) and list(
            quadrant.cat.categories
        ) == list(QUADRANTS):
            codes = quadrant.cat.codes.to_numpy()
        else:
            codes = pd.Categorical(quadrant, categories=QUADRANTS).codes
        if "segment" in pnl.columns:
            segment_codes, segments = pd.factorize(pnl["segment"], use_na_sentinel=True)
            segments = tuple(str(s) for s in segments)
        else:
            segment_codes, segments = np.full(len(pnl), -1), ()
        resource = tuple(
            None if r is None or (isinstance(r, float) and math.isnan(r)) else str(r)
            for r in rate_table["resource"]
        )
        base = cls(
            customer_ids=pnl.index,
            activities=activities,
            usage=_readonly(usage),
            rate=_readonly(rate_table["rate"].to_numpy(dtype=float)),
            timed=_readonly(np.array([r is not None for r in resource], dtype=bool)),
            resource=resource,
            net_revenue=_readonly(pnl["net_revenue"].to_numpy(dtype=float)),
            cogs=_readonly(pnl["cogs"].to_numpy(dtype=float)),
            cost_to_serve=_readonly(pnl["cost_to_serve"].to_numpy(dtype=float)),
            profit=_readonly(pnl["profit"].to_numpy(dtype=float)),
            quadrant_codes=_readonly(np.asarray(codes, dtype=np.int8)),
            thresholds=analysis.thresholds,
            segment_codes=_readonly(np.asarray(segment_codes)),
            segments=segments,
            usage_total=_readonly(usage.sum(axis=0)),
            whale_before=analysis.whale,
            id_order=_readonly(id_order(pnl.index)),
        )
        if orders is not None:
            base = base.with_orders(orders, minimum_order_value)
        return base

    def with_orders(self, orders: pd.DataFrame, minimum_order_value: float) -> ScenarioBase:
        """A copy holding order sizes counted for ``minimum_order_value``.

        ``orders`` is indexed by customer_id with ``orders`` and ``small_orders`` (and
        optionally ``small_order_value``); customers missing from it have none.
        """
        minimum = finite_number(minimum_order_value, "minimum_order_value")
        missing = [c for c in ("orders", "small_orders") if c not in orders.columns]
        if missing:
            raise KeyError(f"orders lacks column(s): {', '.join(missing)}")
        table = orders.reindex(self.customer_ids).fillna(0)
        count = table["orders"].to_numpy(dtype=float)
        small = table["small_orders"].to_numpy(dtype=float)
        if (small > count).any() or (small < 0).any():
            raise ValueError("small_orders must lie between 0 and orders")
        value = (
            table["small_order_value"].to_numpy(dtype=float)
            if "small_order_value" in table.columns
            else np.zeros(len(table))
        )
        return replace(
            self,
            orders=_readonly(count),
            small_orders=_readonly(small),
            small_order_value=_readonly(value),
            minimum_order_value=minimum,
        )

    # -- reading --

    @cached_property
    def today_cents(self) -> np.ndarray:
        """Net revenue, COGS and cost to serve today, in whole cents (3 x customers)."""
        return _readonly(to_cents(np.stack([self.net_revenue, self.cogs,
                                            self.cost_to_serve])))

    @property
    def customers(self) -> int:
        return len(self.customer_ids)

    @property
    def has_orders(self) -> bool:
        return self.orders is not None

    def activity_index(self, activity: str) -> int:
        try:
            return self.activities.index(activity)
        except ValueError:
            raise ValueError(f"{activity!r} is not an activity of the dataset") from None

    def rate_of(self, activity: str) -> float:
        return float(self.rate[self.activity_index(activity)])

    def scope_mask(self, scope: Scope) -> np.ndarray | None:
        """Boolean mask of the customers in scope (None: everybody)."""
        if scope.kind == "all":
            return None
        if scope.kind == "quadrant":
            wanted = [QUADRANTS.index(q) for q in scope.values]
            return np.isin(self.quadrant_codes, wanted)
        if scope.kind == "segment":
            unknown = [s for s in scope.values if s not in self.segments]
            if unknown:
                raise ValueError(f"unknown segment(s): {', '.join(unknown)}")
            wanted = [self.segments.index(s) for s in scope.values]
            return np.isin(self.segment_codes, wanted)
        positions = self.customer_ids.get_indexer(pd.Index(scope.values))
        unknown = [v for v, p in zip(scope.values, positions, strict=True) if p < 0]
        if unknown:
            shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise ValueError(f"unknown customer(s): {shown}")
        mask = np.zeros(self.customers, dtype=bool)
        mask[positions] = True
        return mask

    # -- the model --

    def terms(self, scenario: Scenario) -> Terms:
        """What ``scenario`` sets on this base (checked against its activities, order
        sizes, segments and customers)."""
        fee, keep, rate_after = self._activity_terms(scenario)
        column, consolidated_share = self._small_order_terms(scenario)
        return Terms(fee, keep, rate_after, column, consolidated_share,
                     self.scope_mask(scenario.scope))

    def _activity_terms(self, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per activity: fee, usage kept (1 - response where a fee is charged), rate after."""
        k = len(self.activities)
        fee, keep, factor = np.zeros(k), np.ones(k), np.ones(k)
        for item in scenario.menu:
            j = self.activity_index(item.activity)
            fee[j] = item.fee_per_unit
            if item.fee_per_unit > 0:
                keep[j] = 1.0 - item.usage_response_pct / 100.0
            factor[j] = 1.0 + item.rate_change_pct / 100.0
        return fee, keep, self.rate * factor

    def _small_order_terms(self, scenario: Scenario) -> tuple[int | None, np.ndarray | None]:
        """The order activity's column and each customer's share of orders consolidated."""
        if not scenario.has_minimum_order:
            return None, None
        if not self.has_orders:
            raise ValueError(
                "a minimum order value needs order sizes (order_id in transactions)"
            )
        if scenario.minimum_order_value != self.minimum_order_value:
            raise ValueError(
                f"order sizes were counted for a minimum order of {self.minimum_order_value:g}, "
                f"the scenario sets {scenario.minimum_order_value:g}: rebuild with with_orders"
            )
        if scenario.consolidation_pct == 0:
            column = (
                self.activity_index(scenario.order_activity) if scenario.order_activity else None
            )
            return column, None
        if not scenario.order_activity:
            raise ValueError("consolidating small orders needs the order-counting activity")
        column = self.activity_index(scenario.order_activity)
        share = np.zeros(self.customers)
        np.divide(self.small_orders, self.orders, out=share, where=self.orders > 0)
        return column, share * (scenario.consolidation_pct / 100.0)

    def usage_after(self, scenario: Scenario) -> np.ndarray:
        """New usage, customers x activities (customers out of scope keep today's),
        after the volume response and the at-risk customers' defection."""
        terms = self.terms(scenario)
        usage = self.usage * terms.keep
        if terms.consolidated_share is not None:
            usage[:, terms.order_column] *= 1.0 - terms.consolidated_share
        if terms.mask is not None:
            usage[~terms.mask] = self.usage[~terms.mask]
        effects = customer_effects(self, scenario, terms)
        kept = volume_kept(self, scenario, terms, bill_terms(self, effects,
                                                             scenario.at_risk_pct)[2])
        return usage * kept[:, None]

    def run(self, scenario: Scenario) -> ScenarioResult:
        """Apply ``scenario`` to every customer in its scope (the formulas: the
        :mod:`analytics.scenario` docstring; the steps: this module's)."""
        terms = self.terms(scenario)
        effects = customer_effects(self, scenario, terms)
        after = pnl_after(self, scenario, terms, effects)
        cents = row_cents(self, effects, after)
        unsaved = 0 if scenario.capacity_follows_usage else cents.total["stranded"]
        bridge = profit_bridge_cents(self, cents, effects, after, unsaved)
        in_scope = np.ones(self.customers, dtype=bool) if terms.mask is None else terms.mask
        figures = {
            "scenario_name": scenario.name,
            **bridge.figures(),
            **row_figures(cents, after.at_risk),
            "customers": self.customers,
            "customers_in_scope": int(in_scope.sum()),
            "customers_paying_more": int((after.bill_change >= PAYS_MORE_FROM).sum()),
            "customers_at_risk": int(after.at_risk.sum()),
        }
        return ScenarioResult(
            scenario,
            result_table(self, effects, after, in_scope),
            bridge.table(),
            quadrant_migration(self.quadrant_codes, after.quadrant_codes),
            figures,
            self.whale_before,
            self,
            cents,
        )

    def menu_check(self, scenario: Scenario) -> MenuCheck:
        """Anderson & Narus's test of the menu against the full-service bundle
        (:func:`analytics.scenario.menu_check.check_menu`)."""
        fee, _, _ = self._activity_terms(scenario)
        return check_menu(self.usage, self.net_revenue, fee, self.scope_mask(scenario.scope),
                          scenario.core_price_change_pct)


# -- the steps of a run -------------------------------------------------------------------


def customer_effects(base: ScenarioBase, scenario: Scenario, terms: Terms) -> Effects:
    """Fees, cost change, consolidation, surcharges, price effect and the cost on timed
    activities today and after, per customer."""
    fee, keep, rate_after = terms.fee, terms.keep, terms.rate_after
    column, weight = terms.order_column, terms.weight
    # Fee revenue, the change in cost to serve and the timed cost today and after,
    # before consolidation: one pass over the usage.
    timed = base.timed
    per_unit = np.zeros((len(base.activities), 4))
    per_unit[:, 0] = fee * keep
    per_unit[:, 1] = rate_after * keep - base.rate
    per_unit[timed, 2] = base.rate[timed]
    per_unit[timed, 3] = (rate_after * keep)[timed]
    both = base.usage @ per_unit
    service_fees, cost_change = both[:, 0], both[:, 1]
    timed_today, timed_after = both[:, 2], both[:, 3]
    consolidation_saved = np.zeros(base.customers)
    consolidated_total = 0.0
    if terms.consolidated_share is not None:
        consolidated = base.usage[:, column] * keep[column] * terms.consolidated_share
        if weight is not None:
            consolidated *= weight
        service_fees -= fee[column] * consolidated
        consolidation_saved = rate_after[column] * consolidated
        cost_change -= consolidation_saved
        if timed[column]:
            timed_after = timed_after - consolidation_saved
        consolidated_total = float(consolidated.sum())
    if scenario.has_minimum_order and scenario.small_order_fee:
        surcharges = scenario.small_order_fee * base.small_orders * (
            1.0 - scenario.consolidation_pct / 100.0
        )
    else:
        surcharges = np.zeros(base.customers)
    price_effect = base.net_revenue * (scenario.core_price_change_pct / 100.0)
    if weight is not None:
        service_fees = service_fees * weight
        cost_change = cost_change * weight
        surcharges = surcharges * weight
        price_effect = price_effect * weight
        timed_after = np.where(terms.mask, timed_after, timed_today)
    return Effects(service_fees, cost_change, consolidation_saved, surcharges, price_effect,
                   consolidated_total, timed_today, timed_after)


def bill_terms(base: ScenarioBase, effects: Effects,
               at_risk_pct: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each customer's bill change on today's volume, as % of net revenue, and whether
    it is at risk (its bill rises by at least a cent, by more than ``at_risk_pct`` %, or
    at all when its net revenue today is 0 or less)."""
    bill_change = effects.price_effect + effects.service_fees + effects.surcharges
    bill_pct = pct_of(bill_change, base.net_revenue)
    # A customer with no revenue today asked to pay (a % rise without end) is at risk too.
    at_risk = (bill_change >= PAYS_MORE_FROM) & (
        (bill_pct > at_risk_pct) | (base.net_revenue <= 0))
    return bill_change, bill_pct, at_risk


def volume_kept(base: ScenarioBase, scenario: Scenario, terms: Terms,
                at_risk: np.ndarray) -> np.ndarray:
    """Each customer's share of today's business kept: 1 + elasticity x price change in
    scope, times 1 - the defection rate for the at-risk customers."""
    kept = np.ones(base.customers)
    change = scenario.core_volume_change_pct
    if change:
        kept = kept + (change / 100.0 if terms.mask is None
                       else np.where(terms.mask, change / 100.0, 0.0))
    if scenario.at_risk_defection_pct:
        kept = kept * np.where(at_risk, 1.0 - scenario.at_risk_defection_pct / 100.0, 1.0)
    return kept


def pnl_after(base: ScenarioBase, scenario: Scenario, terms: Terms, effects: Effects) -> After:
    """Each customer's P&L after, its bill change, whether it is at risk, and the share
    of its business it keeps (every amount after is today's-volume amount x that share).

    Quadrants after use the *baseline* thresholds, with fee revenue counted as revenue.
    """
    bill_change, bill_pct, at_risk = bill_terms(base, effects, scenario.at_risk_pct)
    kept = volume_kept(base, scenario, terms, at_risk)
    net_revenue = (base.net_revenue + effects.price_effect) * kept
    service_fees, surcharges = effects.service_fees * kept, effects.surcharges * kept
    cogs = base.cogs * kept
    cost_after = (base.cost_to_serve + effects.cost_change) * kept
    revenue_after = net_revenue + service_fees + surcharges
    margin_after = revenue_after - cogs
    profit_after = margin_after - cost_after
    codes_after = quadrant_codes(revenue_after, pct_of(margin_after, revenue_after),
                                 pct_of(cost_after, revenue_after), cost_after,
                                 base.thresholds)
    return After(net_revenue, service_fees, surcharges, cogs, cost_after, profit_after,
                 bill_change, bill_pct, at_risk, codes_after, kept,
                 effects.timed_after * kept)


def quadrant_migration(before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    """Customers from each quadrant (rows, before) to each quadrant (columns, after)."""
    return pd.DataFrame(
        np.bincount(before.astype(np.int64) * 4 + after, minlength=16).reshape(4, 4),
        index=pd.Index(QUADRANTS, name="before"),
        columns=pd.Index(QUADRANTS, name="after"),
    )


def result_table(base: ScenarioBase, effects: Effects, after: After,
                 in_scope: np.ndarray) -> pd.DataFrame:
    """The per-customer table of :attr:`ScenarioResult.pnl`, indexed by customer_id."""
    return pd.DataFrame(
        {
            "net_revenue_before": base.net_revenue,
            "net_revenue_after": after.net_revenue,
            "fee_revenue": after.fee_revenue,
            "service_fee_revenue": after.service_fees,
            "surcharge_revenue": after.surcharges,
            "cogs_before": base.cogs,
            "cogs_after": after.cogs,
            "cost_to_serve_before": base.cost_to_serve,
            "cost_to_serve_after": after.cost_to_serve,
            "profit_before": base.profit,
            "profit_after": after.profit,
            "bill_change": after.bill_change,
            "bill_change_pct": after.bill_change_pct,
            "quadrant_before": pd.Categorical.from_codes(base.quadrant_codes, QUADRANTS),
            "quadrant_after": pd.Categorical.from_codes(after.quadrant_codes, QUADRANTS),
            "at_risk": after.at_risk,
            "in_scope": in_scope,
            "volume_kept_pct": after.volume_kept * 100.0,
            "timed_cost_after": after.timed_cost,
        },
        index=base.customer_ids,
        copy=False,
    )
