"""The scenario engine: today's customer base, computed once, and the run of a scenario.

:meth:`ScenarioBase.run` is what a slider move costs. It is a chain of named, pure
steps over numpy arrays (the formulas: :mod:`analytics.scenario`):

1. :meth:`ScenarioBase.terms`: per activity the fee, the usage kept and the rate after;
   the order activity and each customer's share of orders consolidated; the scope;
2. :func:`customer_effects`: per customer the service fees, the change in cost to
   serve, the cost saved by consolidation, the surcharges and the core price effect;
3. :func:`pnl_after`: per customer the revenue, cost, profit and quadrant after, the
   bill change and who is at risk;
4. :func:`unsaved_capacity`: the cost of timed usage given up that stays as capacity;
5. :func:`analytics.scenario.bridge.profit_bridge`: the bridge and the summary's money,
   in cents; :func:`quadrant_migration` and :func:`result_table` shape the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.analysis import Analysis
from analytics.money import round_money
from analytics.pnl import pct_of
from analytics.quadrants import QUADRANTS, Thresholds, quadrant_codes
from analytics.ranking import id_order
from analytics.scenario.bridge import profit_bridge
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

    def totals(self, unsaved: float) -> dict[str, float]:
        """The company-wide effects, keyed as :data:`analytics.scenario.bridge.EFFECTS`."""
        saved_total = -float(self.cost_change.sum())
        consolidation_total = float(self.consolidation_saved.sum())
        return {
            "service_fees": float(self.service_fees.sum()),
            "cost_saved": saved_total - consolidation_total,
            "core_price": float(self.price_effect.sum()),
            "surcharges": float(self.surcharges.sum()),
            "consolidation_saved": consolidation_total,
            "unsaved_capacity": -unsaved,
        }


@dataclass(frozen=True, eq=False)
class After:
    """Per customer, the P&L after the scenario and how the bill moves."""

    net_revenue: np.ndarray
    fee_revenue: np.ndarray
    cost_to_serve: np.ndarray
    profit: np.ndarray
    bill_change: np.ndarray
    bill_change_pct: np.ndarray
    at_risk: np.ndarray
    quadrant_codes: np.ndarray


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
        """New usage, customers x activities (customers out of scope keep today's)."""
        terms = self.terms(scenario)
        usage = self.usage * terms.keep
        if terms.consolidated_share is not None:
            usage[:, terms.order_column] *= 1.0 - terms.consolidated_share
        if terms.mask is not None:
            usage[~terms.mask] = self.usage[~terms.mask]
        return usage

    def run(self, scenario: Scenario) -> ScenarioResult:
        """Apply ``scenario`` to every customer in its scope (the formulas: the
        :mod:`analytics.scenario` docstring; the steps: this module's)."""
        terms = self.terms(scenario)
        effects = customer_effects(self, scenario, terms)
        after = pnl_after(self, effects, scenario.at_risk_pct)
        unsaved = unsaved_capacity(self, scenario, terms, effects)
        bridge = profit_bridge(effects.totals(unsaved), float(self.profit.sum()),
                               float(after.profit.sum()) - unsaved)
        in_scope = np.ones(self.customers, dtype=bool) if terms.mask is None else terms.mask
        figures = {
            "scenario_name": scenario.name,
            **bridge.figures(),
            "customers": self.customers,
            "customers_in_scope": int(in_scope.sum()),
            "customers_paying_more": int((after.bill_change >= PAYS_MORE_FROM).sum()),
            "customers_at_risk": int(after.at_risk.sum()),
            "profit_at_stake": round_money(float(self.profit[after.at_risk].sum())),
            "profit_after_at_risk": round_money(float(after.profit[after.at_risk].sum())),
            # If the at-risk customers leave: their revenue, COGS and avoidable cost go
            # with them; their timed cost stays as unused capacity unless someone cuts it.
            "at_risk_leave_profit_change": round_money(-float(
                (after.profit + timed_cost_after(self, terms, effects))[after.at_risk].sum())),
            "at_risk_leave_profit_change_capacity_cut": round_money(
                -float(after.profit[after.at_risk].sum())),
        }
        return ScenarioResult(
            scenario,
            result_table(self, effects, after, in_scope),
            bridge.table(),
            quadrant_migration(self.quadrant_codes, after.quadrant_codes),
            figures,
            self.whale_before,
            self,
        )

    def menu_check(self, scenario: Scenario) -> MenuCheck:
        """Anderson & Narus's test of the menu against the full-service bundle
        (:func:`analytics.scenario.menu_check.check_menu`)."""
        fee, _, _ = self._activity_terms(scenario)
        return check_menu(self.usage, self.net_revenue, fee, self.scope_mask(scenario.scope),
                          scenario.core_price_change_pct)


# -- the steps of a run -------------------------------------------------------------------


def customer_effects(base: ScenarioBase, scenario: Scenario, terms: Terms) -> Effects:
    """Fees, cost change, consolidation, surcharges and price effect per customer."""
    fee, keep, rate_after = terms.fee, terms.keep, terms.rate_after
    column, weight = terms.order_column, terms.weight
    # Fee revenue and the change in cost to serve, before consolidation: one pass.
    per_unit = np.empty((len(base.activities), 2))
    per_unit[:, 0] = fee * keep
    per_unit[:, 1] = rate_after * keep - base.rate
    both = base.usage @ per_unit
    service_fees, cost_change = both[:, 0], both[:, 1]
    consolidation_saved = np.zeros(base.customers)
    consolidated_total = 0.0
    if terms.consolidated_share is not None:
        consolidated = base.usage[:, column] * keep[column] * terms.consolidated_share
        if weight is not None:
            consolidated *= weight
        service_fees -= fee[column] * consolidated
        consolidation_saved = rate_after[column] * consolidated
        cost_change -= consolidation_saved
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
    return Effects(service_fees, cost_change, consolidation_saved, surcharges, price_effect,
                   consolidated_total)


def pnl_after(base: ScenarioBase, effects: Effects, at_risk_pct: float) -> After:
    """Each customer's P&L after, its bill change and whether it is at risk.

    Quadrants after use the *baseline* thresholds, with fee revenue counted as revenue.
    """
    net_revenue_after = base.net_revenue + effects.price_effect
    fee_revenue = effects.service_fees + effects.surcharges
    revenue_after = net_revenue_after + fee_revenue
    cost_after = base.cost_to_serve + effects.cost_change
    margin_after = revenue_after - base.cogs
    profit_after = margin_after - cost_after
    bill_change = revenue_after - base.net_revenue
    bill_pct = pct_of(bill_change, base.net_revenue)
    # At risk: the bill rises (by at least half a cent) by more than the threshold.
    at_risk = (bill_pct > at_risk_pct) & (bill_change >= PAYS_MORE_FROM)
    codes_after = quadrant_codes(revenue_after, pct_of(margin_after, revenue_after),
                                 pct_of(cost_after, revenue_after), cost_after,
                                 base.thresholds)
    return After(net_revenue_after, fee_revenue, cost_after, profit_after, bill_change,
                 bill_pct, at_risk, codes_after)


def timed_cost_after(base: ScenarioBase, terms: Terms, effects: Effects) -> np.ndarray:
    """Each customer's cost after the scenario on timed activities: the capacity cost that
    stays when the customer leaves, unless someone cuts that capacity."""
    timed = base.timed
    today = base.usage @ np.where(timed, base.rate, 0.0)
    after = base.usage @ np.where(timed, terms.rate_after * terms.keep, 0.0)
    if terms.consolidated_share is not None and timed[terms.order_column]:
        after = after - effects.consolidation_saved
    return after if terms.mask is None else np.where(terms.mask, after, today)


def unsaved_capacity(base: ScenarioBase, scenario: Scenario, terms: Terms,
                     effects: Effects) -> float:
    """The cost, at today's rates, of the usage given up on timed activities (and the
    orders consolidated), which stays as unused capacity unless capacity follows usage."""
    if scenario.capacity_follows_usage:
        return 0.0
    weight = terms.weight
    scoped_total = base.usage_total if weight is None else weight @ base.usage
    given_up = scoped_total * (1.0 - terms.keep)
    if terms.order_column is not None:
        given_up[terms.order_column] += effects.consolidated_total
    return float((base.rate * given_up)[base.timed].sum())


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
            "service_fee_revenue": effects.service_fees,
            "surcharge_revenue": effects.surcharges,
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
        },
        index=base.customer_ids,
        copy=False,
    )
