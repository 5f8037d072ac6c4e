"""Menu-pricing scenarios: from today's customer P&L to a priced service menu.

Anderson & Narus's menu pricing (DOMAIN.md §6), Kanthal's surcharge on order changes and
minimum order (§3), and cheaper activities (§5), as one vectorised what-if model.

Formulas, per customer in the scenario's scope
----------------------------------------------
- response share ``r`` of an activity applies only when it carries a fee
  (``fee_per_unit > 0``): a service with no price is used as today;
- new usage = usage x (1 - r); for the order-counting activity also x (1 - c x small
  orders / orders), ``c`` the consolidation share: the consolidated small orders leave
  the activity in proportion (exactly "minus the consolidated orders" when the activity
  counts every order);
- fee revenue = fee x new usage (service fees) + small-order surcharge x remaining small
  orders, remaining small orders = small orders x (1 - c);
- net revenue after = net revenue x (1 + core price change);
- rate after = rate x (1 + rate change); cost to serve after = today's cost to serve +
  sum of (rate after x new usage - rate x usage), i.e. sum of (rate after x new usage)
  carrying over today's per-activity cents exactly;
- profit after = net revenue after + fee revenue - COGS - cost to serve after;
- bill change = net revenue after + fee revenue - net revenue; bill change % = 100 x bill
  change / net revenue (NaN when net revenue <= 0); a customer *pays more* when its bill
  rises by at least a cent, and is *at risk* when bill change % > the at-risk threshold;
  *profit at stake* = today's profit of the at-risk customers (lost if they leave).

Customers outside the scope keep today's P&L.

Company
-------
profit after = sum of customer profits after - unsaved capacity cost. When capacity does
not follow usage, the usage given up on *timed* activities (those on a resource) stays
as unused capacity, so its cost at today's rates is not saved. Direct-cost activities
(``cost_per_unit``, e.g. freight) always save. A rate change counts as achieved (the
resource's spending falls with it).

Quadrants after use the *baseline* thresholds, so a movement is a real movement. Fee
revenue counts as revenue: revenue after = net revenue after + fee revenue; net margin
after = revenue after - COGS; both axes are % of revenue after.

The profit bridge goes from today's operating profit through service fees, cost saved
(usage response and rate changes), the core price change, small-order effects
(surcharges plus the cost saved by consolidated orders) and unsaved capacity to the
scenario's profit. Its amounts are in whole cents, apportioned by largest remainder, so
the steps add up exactly to the (rounded) end points.

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> ids = pd.Index(["GE", "Small"], name="customer_id")
>>> customers = pd.DataFrame({"list_revenue": [1000.0, 500.0], "net_revenue": [1000.0, 500.0],
...                           "cogs": [800.0, 300.0]}, index=ids)
>>> volumes = pd.DataFrame({"Order": [4.0, 2.0], "Order change": [4.0, 0.0]}, index=ids)
>>> rates = pd.DataFrame({"activity": ["Order", "Order change"], "cost_per_unit": [15.0, 45.0]})
>>> base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
>>> scenario = Scenario("Change fee").with_item("Order change", fee_per_unit=45.0,
...                                              usage_response_pct=50.0)
>>> result = base.run(scenario)
>>> result.pnl["profit_after"].tolist()
[140.0, 170.0]
>>> result.summary()["profit_before"], result.summary()["profit_after"]
(130.0, 310.0)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property

import numpy as np
import pandas as pd

from analytics.analysis import Analysis
from analytics.money import round_money, to_cents
from analytics.pnl import pct_of
from analytics.quadrants import QUADRANTS, Thresholds, quadrant_codes
from analytics.ranking import id_order
from analytics.whale import WhaleCurve, whale_curve

SCENARIO_PNL_COLUMNS = (
    "customer_id",
    "net_revenue_before",
    "net_revenue_after",
    "fee_revenue",
    "cost_to_serve_before",
    "cost_to_serve_after",
    "profit_before",
    "profit_after",
    "bill_change_pct",
    "quadrant_before",
    "quadrant_after",
    "at_risk",
)
MONEY_COLUMNS = (
    "net_revenue_before",
    "net_revenue_after",
    "fee_revenue",
    "cost_to_serve_before",
    "cost_to_serve_after",
    "profit_before",
    "profit_after",
)
SCOPES = ("all", "quadrant", "segment", "customers")
# Bridge steps in the order they are drawn (key, label).
BRIDGE_STEPS = (
    ("profit_before", "Today's operating profit"),
    ("service_fees", "Service fees"),
    ("cost_saved", "Cost saved"),
    ("core_price", "Core price change"),
    ("small_orders", "Small orders"),
    ("unsaved_capacity", "Unsaved capacity"),
    ("profit_after", "Scenario profit"),
)
# A collaborative customer uses more than this share of the services on the menu.
COLLABORATIVE_SHARE = 0.5
# A customer pays more when its bill rises by at least this much (a cent, not float noise).
PAYS_MORE_FROM = 0.005


def _number(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return number


# -- the parameter objects ------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    """The terms of one activity: its fee per unit, the usage response, a rate change.

    ``usage_response_pct`` (0-100) is the share of its usage customers give up once the
    service carries a fee; ``rate_change_pct`` (>= -100) changes the activity's cost rate
    (-40: 40 % cheaper, e.g. support moved online).
    """

    activity: str
    fee_per_unit: float = 0.0
    usage_response_pct: float = 0.0
    rate_change_pct: float = 0.0

    def __post_init__(self):
        if not isinstance(self.activity, str) or not self.activity:
            raise ValueError("a menu item needs an activity name")
        fee = _number(self.fee_per_unit, f"{self.activity}: fee_per_unit")
        response = _number(self.usage_response_pct, f"{self.activity}: usage_response_pct")
        change = _number(self.rate_change_pct, f"{self.activity}: rate_change_pct")
        if fee < 0:
            raise ValueError(f"{self.activity}: fee_per_unit must be 0 or more, not {fee:g}")
        if not 0 <= response <= 100:
            raise ValueError(
                f"{self.activity}: usage_response_pct must be between 0 and 100, not {response:g}"
            )
        if change < -100:
            raise ValueError(
                f"{self.activity}: rate_change_pct must be -100 or more, not {change:g}"
            )
        object.__setattr__(self, "fee_per_unit", fee)
        object.__setattr__(self, "usage_response_pct", response)
        object.__setattr__(self, "rate_change_pct", change)

    @property
    def is_neutral(self) -> bool:
        """True when the item changes nothing (no fee, no rate change)."""
        return self.fee_per_unit == 0 and self.rate_change_pct == 0


@dataclass(frozen=True)
class Scope:
    """Which customers a scenario applies to: all, some quadrants, segments or customers.

    >>> Scope.quadrant("aggressive").label
    'quadrant: aggressive'
    """

    kind: str = "all"
    values: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.kind!r}")
        values = (self.values,) if isinstance(self.values, str) else tuple(self.values)
        object.__setattr__(self, "values", tuple(str(v) for v in values))
        if self.kind == "all" and self.values:
            raise ValueError("scope 'all' takes no values")
        if self.kind != "all" and not self.values:
            raise ValueError(f"scope {self.kind!r} needs at least one value")
        if self.kind == "quadrant":
            unknown = [v for v in self.values if v not in QUADRANTS]
            if unknown:
                raise ValueError(
                    f"unknown quadrant(s): {', '.join(unknown)} (one of {', '.join(QUADRANTS)})"
                )

    @classmethod
    def everyone(cls) -> Scope:
        return cls()

    @classmethod
    def quadrant(cls, *quadrants: str) -> Scope:
        return cls("quadrant", quadrants)

    @classmethod
    def segment(cls, *segments: str) -> Scope:
        return cls("segment", segments)

    @classmethod
    def customers(cls, ids) -> Scope:
        return cls("customers", tuple(ids))

    @property
    def label(self) -> str:
        if self.kind == "all":
            return "all customers"
        if self.kind == "customers":
            return f"{len(self.values):,} chosen customer(s)"
        return f"{self.kind}: {', '.join(self.values)}"


@dataclass(frozen=True)
class Scenario:
    """A pricing scenario: the menu, the core price, small orders, capacity, scope.

    Immutable: the ``with_*`` methods return new scenarios. ``minimum_order_value`` 0
    means no minimum order. See the module docstring for the formulas.

    >>> s = Scenario("Test").with_item("Order change", fee_per_unit=50, usage_response_pct=30)
    >>> Scenario.from_dict(s.to_dict()) == s
    True
    """

    name: str = "Scenario"
    menu: tuple[MenuItem, ...] = ()
    core_price_change_pct: float = 0.0
    minimum_order_value: float = 0.0
    small_order_fee: float = 0.0
    consolidation_pct: float = 0.0
    order_activity: str | None = None
    capacity_follows_usage: bool = False
    at_risk_pct: float = 10.0
    scope: Scope = field(default_factory=Scope)
    description: str = ""

    def __post_init__(self):
        menu = tuple(self.menu)
        object.__setattr__(self, "menu", menu)
        seen: set[str] = set()
        for item in menu:
            if not isinstance(item, MenuItem):
                raise ValueError(f"menu items must be MenuItem, not {type(item).__name__}")
            if item.activity in seen:
                raise ValueError(f"activity {item.activity!r} is on the menu twice")
            seen.add(item.activity)
        for name in ("core_price_change_pct", "minimum_order_value", "small_order_fee",
                     "consolidation_pct", "at_risk_pct"):
            object.__setattr__(self, name, _number(getattr(self, name), name))
        if self.core_price_change_pct <= -100:
            raise ValueError("core_price_change_pct must be above -100")
        if self.minimum_order_value < 0:
            raise ValueError("minimum_order_value must be 0 (none) or more")
        if self.small_order_fee < 0:
            raise ValueError("small_order_fee must be 0 or more")
        if not 0 <= self.consolidation_pct <= 100:
            raise ValueError("consolidation_pct must be between 0 and 100")
        if self.minimum_order_value == 0 and (self.small_order_fee or self.consolidation_pct):
            raise ValueError("a small-order fee or consolidation needs a minimum_order_value")
        if not isinstance(self.scope, Scope):
            raise ValueError("scope must be a Scope")
        object.__setattr__(self, "capacity_follows_usage", bool(self.capacity_follows_usage))

    # -- reading --

    def item(self, activity: str) -> MenuItem | None:
        """The menu terms of ``activity`` (None: today's terms)."""
        return next((i for i in self.menu if i.activity == activity), None)

    @property
    def has_minimum_order(self) -> bool:
        return self.minimum_order_value > 0

    # -- new scenarios --

    def with_item(self, activity: str, **terms) -> Scenario:
        """A copy whose menu sets (or changes) ``activity``'s terms."""
        current = self.item(activity) or MenuItem(activity)
        new = replace(current, **terms)
        menu = [new if i.activity == activity else i for i in self.menu]
        if self.item(activity) is None:
            menu.append(new)
        return replace(self, menu=tuple(menu))

    def without_item(self, activity: str) -> Scenario:
        """A copy where ``activity`` keeps today's terms."""
        return replace(self, menu=tuple(i for i in self.menu if i.activity != activity))

    def with_changes(self, **changes) -> Scenario:
        """A copy with some fields changed (``name``, ``core_price_change_pct``...)."""
        return replace(self, **changes)

    def renamed(self, name: str) -> Scenario:
        return replace(self, name=name)

    # -- saving --

    def to_dict(self) -> dict:
        """A plain, JSON-ready dict (see :meth:`from_dict`)."""
        out = asdict(self)
        out["menu"] = [asdict(i) for i in self.menu]
        out["scope"] = {"kind": self.scope.kind, "values": list(self.scope.values)}
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        """The scenario a :meth:`to_dict` dict describes; missing keys take the defaults."""
        if not isinstance(data, dict):
            raise ValueError("a scenario must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown scenario field(s): {', '.join(unknown)}")
        values = dict(data)
        items = values.get("menu") or []
        values["menu"] = tuple(
            MenuItem(**item) if isinstance(item, dict) else item for item in items
        )
        scope = values.get("scope")
        if isinstance(scope, dict):
            values["scope"] = Scope(scope.get("kind", "all"), tuple(scope.get("values", ())))
        elif scope is None:
            values.pop("scope", None)
        return cls(**values)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        return cls.from_dict(json.loads(text))


# -- the results ----------------------------------------------------------------------


@dataclass(frozen=True)
class MenuCheck:
    """Anderson & Narus's consistency test for the collaborative customers.

    *Collaborative* customers use (usage > 0) more than half of the services on the menu
    (activities with a fee). Their *menu total* is what the services they use today
    would cost at the menu's fees (today's usage, before any response); the *bundle
    premium* is the core price reduction they give up by keeping the full-service
    bundle: -core price change x their net revenue. The menu is consistent when the
    menu total exceeds the bundle premium (the bundle is cheaper to provide, so buying
    everything à la carte must cost more than the bundle).
    """

    applicable: bool
    collaborative_customers: int
    menu_total: float
    bundle_premium: float
    consistent: bool
    undercut_customers: int
    note: str

    def as_dict(self) -> dict:
        out = asdict(self)
        out["menu_total"] = round_money(self.menu_total)
        out["bundle_premium"] = round_money(self.bundle_premium)
        return out


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """A scenario's outcome: the per-customer table, bridge, migration and summary.

    ``pnl`` is indexed by customer_id (see :data:`SCENARIO_PNL_COLUMNS` plus
    ``service_fee_revenue``, ``surcharge_revenue``, ``bill_change``, ``in_scope``);
    ``bridge`` has ``key, step, amount, cents, measure`` (``measure`` as Plotly's
    waterfall wants it); ``migration`` counts customers from each quadrant (rows) to
    each quadrant (columns). ``whale_after`` and ``menu_check`` are computed on first use.
    """

    scenario: Scenario
    pnl: pd.DataFrame
    bridge: pd.DataFrame
    migration: pd.DataFrame
    figures: dict
    whale_before: WhaleCurve
    _base: ScenarioBase = field(repr=False)

    @cached_property
    def whale_after(self) -> WhaleCurve:
        """The whale curve of the profits after (revenue: net revenue after + fees)."""
        frame = pd.DataFrame(
            {
                "profit": self.pnl["profit_after"].to_numpy(),
                "net_revenue": self.pnl["net_revenue_after"].to_numpy()
                + self.pnl["fee_revenue"].to_numpy(),
            },
            index=self.pnl.index,
        )
        return whale_curve(frame, self._base.id_order)

    @cached_property
    def menu_check(self) -> MenuCheck:
        return self._base.menu_check(self.scenario)

    def summary(self) -> dict:
        """``scenario_summary.json``: money to the cent, percentages as 12.5."""
        figures = dict(self.figures)
        figures["migration"] = {
            q: {t: int(self.migration.loc[q, t]) for t in QUADRANTS} for q in QUADRANTS
        }
        figures["bridge"] = [
            {"step": row.step, "amount": row.amount} for row in self.bridge.itertuples()
        ]
        figures["menu_check"] = self.menu_check.as_dict()
        figures["scenario"] = self.scenario.to_dict()
        return figures

    def pnl_export(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """``scenario_pnl.csv``: :data:`SCENARIO_PNL_COLUMNS` by customer_id, money in cents.

        With ``rows`` (positions in :attr:`pnl`), only those customers, in that order.
        """
        if rows is None:
            frame = self.pnl.reset_index()
            frame = frame[list(SCENARIO_PNL_COLUMNS)].sort_values("customer_id", kind="stable")
        else:
            frame = self.pnl.iloc[rows].reset_index()[list(SCENARIO_PNL_COLUMNS)]
        for column in MONEY_COLUMNS:
            frame[column] = round_money(frame[column])
        frame["bill_change_pct"] = frame["bill_change_pct"].round(4)
        return frame.reset_index(drop=True)


# -- the model ------------------------------------------------------------------------


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


def _apportion(amounts: list[float], start: float, end: float) -> tuple[int, int, list[int]]:
    """Start, end and steps in whole cents, the steps adding up exactly to end - start.

    Each step is rounded to the cent (:func:`analytics.money.to_cents`), then the
    difference left by rounding is handed out one cent at a time to the non-zero steps
    whose rounding lost (or gained) the most.
    """
    start_c, end_c = to_cents(start), to_cents(end)
    exact = [a * 100 for a in amounts]
    steps = to_cents(amounts).tolist()
    diff = end_c - start_c - sum(steps)
    candidates = [i for i, x in enumerate(exact) if x != 0] or list(range(len(steps)))
    while diff:
        sign = 1 if diff > 0 else -1
        best = max(candidates, key=lambda i: sign * (exact[i] - steps[i]))
        steps[best] += sign
        diff -= sign
    return start_c, end_c, steps


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
        minimum = _number(minimum_order_value, "minimum_order_value")
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

    def _terms(self, scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
        _, keep, _ = self._terms(scenario)
        usage = self.usage * keep
        column, consolidated = self._small_order_terms(scenario)
        if consolidated is not None:
            usage[:, column] *= 1.0 - consolidated
        mask = self.scope_mask(scenario.scope)
        if mask is not None:
            usage[~mask] = self.usage[~mask]
        return usage

    def run(self, scenario: Scenario) -> ScenarioResult:
        """Apply ``scenario`` to every customer in its scope (the formulas: module doc)."""
        fee, keep, rate_after = self._terms(scenario)
        column, consolidated_share = self._small_order_terms(scenario)
        mask = self.scope_mask(scenario.scope)
        weight = None if mask is None else mask.astype(float)

        # Fee revenue and the change in cost to serve, before consolidation: one pass.
        terms = np.empty((len(self.activities), 2))
        terms[:, 0] = fee * keep
        terms[:, 1] = rate_after * keep - self.rate
        both = self.usage @ terms
        service_fees, cost_change = both[:, 0], both[:, 1]
        consolidation_saved = np.zeros(self.customers)
        consolidated_total = 0.0
        if consolidated_share is not None:
            consolidated = self.usage[:, column] * keep[column] * consolidated_share
            if weight is not None:
                consolidated *= weight
            service_fees -= fee[column] * consolidated
            consolidation_saved = rate_after[column] * consolidated
            cost_change -= consolidation_saved
            consolidated_total = float(consolidated.sum())
        if scenario.has_minimum_order and scenario.small_order_fee:
            surcharges = scenario.small_order_fee * self.small_orders * (
                1.0 - scenario.consolidation_pct / 100.0
            )
        else:
            surcharges = np.zeros(self.customers)
        price_effect = self.net_revenue * (scenario.core_price_change_pct / 100.0)
        if weight is not None:
            service_fees = service_fees * weight
            cost_change = cost_change * weight
            surcharges = surcharges * weight
            price_effect = price_effect * weight

        net_revenue_after = self.net_revenue + price_effect
        fee_revenue = service_fees + surcharges
        revenue_after = net_revenue_after + fee_revenue
        cost_after = self.cost_to_serve + cost_change
        margin_after = revenue_after - self.cogs
        profit_after = margin_after - cost_after
        bill_change = revenue_after - self.net_revenue
        bill_pct = pct_of(bill_change, self.net_revenue)
        # At risk: the bill rises (by at least half a cent) by more than the threshold.
        at_risk = (bill_pct > scenario.at_risk_pct) & (bill_change >= PAYS_MORE_FROM)
        codes_after = quadrant_codes(revenue_after, pct_of(margin_after, revenue_after),
                                     pct_of(cost_after, revenue_after), cost_after,
                                     self.thresholds)

        # Usage given up on timed activities stays as unused capacity unless it follows.
        unsaved = 0.0
        if not scenario.capacity_follows_usage:
            scoped_total = self.usage_total if weight is None else weight @ self.usage
            given_up = scoped_total * (1.0 - keep)
            if column is not None:
                given_up[column] += consolidated_total
            unsaved = float((self.rate * given_up)[self.timed].sum())

        profit_before = float(self.profit.sum())
        profit_after_total = float(profit_after.sum()) - unsaved
        saved_total = -float(cost_change.sum())
        consolidation_total = float(consolidation_saved.sum())
        parts = {
            "service_fees": float(service_fees.sum()),
            "cost_saved": saved_total - consolidation_total,
            "core_price": float(price_effect.sum()),
            "surcharges": float(surcharges.sum()),
            "consolidation_saved": consolidation_total,
            "unsaved_capacity": -unsaved,
        }
        start_c, end_c, steps_c = _apportion(
            list(parts.values()), profit_before, profit_after_total
        )
        c = dict(zip(parts, steps_c, strict=True))
        bridge_cents = {
            "profit_before": start_c,
            "service_fees": c["service_fees"],
            "cost_saved": c["cost_saved"],
            "core_price": c["core_price"],
            "small_orders": c["surcharges"] + c["consolidation_saved"],
            "unsaved_capacity": c["unsaved_capacity"],
            "profit_after": end_c,
        }
        bridge = pd.DataFrame(
            {
                "key": [k for k, _ in BRIDGE_STEPS],
                "step": [label for _, label in BRIDGE_STEPS],
                "amount": [bridge_cents[k] / 100 for k, _ in BRIDGE_STEPS],
                "cents": [bridge_cents[k] for k, _ in BRIDGE_STEPS],
                "measure": ["absolute"] + ["relative"] * 5 + ["total"],
            }
        )
        migration = pd.DataFrame(
            np.bincount(
                self.quadrant_codes.astype(np.int64) * 4 + codes_after, minlength=16
            ).reshape(4, 4),
            index=pd.Index(QUADRANTS, name="before"),
            columns=pd.Index(QUADRANTS, name="after"),
        )
        in_scope = np.ones(self.customers, dtype=bool) if mask is None else mask
        figures = {
            "scenario_name": scenario.name,
            "profit_before": start_c / 100,
            "profit_after": end_c / 100,
            "fee_revenue": (c["service_fees"] + c["surcharges"]) / 100,
            "service_fee_revenue": c["service_fees"] / 100,
            "surcharge_revenue": c["surcharges"] / 100,
            "cost_saved": (c["cost_saved"] + c["consolidation_saved"]) / 100,
            "core_price_effect": c["core_price"] / 100,
            "small_order_effect": (c["surcharges"] + c["consolidation_saved"]) / 100,
            "unsaved_capacity_cost": -c["unsaved_capacity"] / 100,
            "customers": self.customers,
            "customers_in_scope": int(in_scope.sum()),
            "customers_paying_more": int((bill_change >= PAYS_MORE_FROM).sum()),
            "customers_at_risk": int(at_risk.sum()),
            "profit_at_stake": round_money(float(self.profit[at_risk].sum())),
            "profit_after_at_risk": round_money(float(profit_after[at_risk].sum())),
        }
        pnl = pd.DataFrame(
            {
                "net_revenue_before": self.net_revenue,
                "net_revenue_after": net_revenue_after,
                "fee_revenue": fee_revenue,
                "service_fee_revenue": service_fees,
                "surcharge_revenue": surcharges,
                "cost_to_serve_before": self.cost_to_serve,
                "cost_to_serve_after": cost_after,
                "profit_before": self.profit,
                "profit_after": profit_after,
                "bill_change": bill_change,
                "bill_change_pct": bill_pct,
                "quadrant_before": pd.Categorical.from_codes(self.quadrant_codes, QUADRANTS),
                "quadrant_after": pd.Categorical.from_codes(codes_after, QUADRANTS),
                "at_risk": at_risk,
                "in_scope": in_scope,
            },
            index=self.customer_ids,
            copy=False,
        )
        return ScenarioResult(
            scenario, pnl, bridge, migration, figures, self.whale_before, self
        )

    def menu_check(self, scenario: Scenario) -> MenuCheck:
        """Anderson & Narus's test of the menu against the full-service bundle.

        See :class:`MenuCheck` for the definitions.
        """
        fee, _, _ = self._terms(scenario)
        on_menu = np.flatnonzero(fee > 0)
        mask = self.scope_mask(scenario.scope)
        premium_share = -scenario.core_price_change_pct / 100.0
        if on_menu.size == 0:
            return MenuCheck(False, 0, 0.0, 0.0, True, 0, "No service carries a fee.")
        used = (self.usage[:, on_menu] > 0).sum(axis=1)
        collaborative = used > COLLABORATIVE_SHARE * on_menu.size
        if mask is not None:
            collaborative &= mask
        count = int(collaborative.sum())
        if count == 0:
            return MenuCheck(
                False, 0, 0.0, 0.0, True, 0,
                "No customer uses more than half of the services on the menu.",
            )
        menu_each = self.usage[collaborative][:, on_menu] @ fee[on_menu]
        premium_each = premium_share * self.net_revenue[collaborative]
        if premium_share <= 0:
            return MenuCheck(
                False, count, float(menu_each.sum()), 0.0, True, 0,
                "The core price is not lowered: there is no bundle premium to compare.",
            )
        menu_total, premium = float(menu_each.sum()), float(premium_each.sum())
        consistent = menu_total > premium
        undercut = int((menu_each <= premium_each).sum())
        note = (
            "The menu prices of the services collaborative customers use add up to more "
            "than the bundle premium."
            if consistent
            else "Warning: the menu undercuts the full-service bundle: collaborative "
            "customers pay less à la carte than the premium the bundle carries."
        )
        return MenuCheck(True, count, menu_total, premium, consistent, undercut, note)


# -- activities by name, and the presets ------------------------------------------------


def match_activities(
    activities, keywords: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> list[str]:
    """Activities whose name contains any keyword (case-insensitive) and no excluded word.

    >>> match_activities(["Order change", "Order entry", "Small order handling"], ("order",),
    ...                  exclude=("change", "small"))
    ['Order entry']
    """
    out = []
    for activity in activities:
        name = str(activity).lower()
        if any(k in name for k in keywords) and not any(x in name for x in exclude):
            out.append(activity)
    return out


ORDER_KEYWORDS = ("order processing", "order handling", "dispatch", "shipment", "order")
ORDER_EXCLUDE = ("change", "line", "small", "return", "resched", "cancel")
CHANGE_KEYWORDS = ("change", "amend", "modif", "resched")
SUPPORT_KEYWORDS = (
    "support", "complaint", "training", "help", "inquir", "enquir", "service case", "query",
)


def guess_order_activity(activities) -> str | None:
    """The activity most likely to count orders (None when no name suggests one).

    >>> guess_order_activity(["Order entry (EDI)", "Order picking & dispatch", "Order change"])
    'Order picking & dispatch'
    """
    for keyword in ORDER_KEYWORDS:
        found = match_activities(activities, (keyword,), ORDER_EXCLUDE)
        if found:
            return found[0]
    return None


def _price(rate: float) -> float:
    """A menu price from a cost rate: the cost, rounded up to a whole currency unit."""
    return float(max(1.0, math.ceil(round(rate, 6))))


def kanthal(base: ScenarioBase) -> Scenario:
    """"Kanthal: charge for order changes and set a minimum order" (DOMAIN.md §3).

    Every order-change activity (names with change, amend, modif, resched) carries a
    surcharge at its cost rate and customers give up 40 % of their changes; when order
    sizes are known, the base's minimum order value applies with a small-order fee of
    the order activity's rate, and half the small orders are consolidated.
    """
    changes = match_activities(base.activities, CHANGE_KEYWORDS)
    notes = []
    scenario = Scenario(
        "Kanthal: charge for order changes and set a minimum order",
        menu=tuple(
            MenuItem(a, fee_per_unit=_price(base.rate_of(a)), usage_response_pct=40.0)
            for a in changes
        ),
    )
    notes.append(
        f"Surcharge on {', '.join(changes)}." if changes
        else "No activity looks like an order change: no surcharge."
    )
    order_activity = guess_order_activity(base.activities)
    if base.has_orders and base.minimum_order_value and order_activity:
        scenario = scenario.with_changes(
            minimum_order_value=base.minimum_order_value,
            small_order_fee=_price(base.rate_of(order_activity)),
            consolidation_pct=50.0,
            order_activity=order_activity,
        )
        notes.append(
            f"Minimum order {base.minimum_order_value:g}; orders counted by {order_activity}."
        )
    else:
        notes.append("No order sizes (or no order activity): no minimum order.")
    return scenario.with_changes(description=" ".join(notes))


def unbundle(base: ScenarioBase) -> Scenario:
    """"Unbundle: lower core price, every service on the menu" (DOMAIN.md §6).

    The core ("naked") price falls by the share of net revenue that serving customers
    costs today (at most 30 %), so the core no longer pays for the services; every
    activity goes on the menu at its cost rate plus 10 % (so the menu adds up to more
    than the bundle premium), and customers give up 25 % of each service once it has a
    price.
    """
    revenue = float(base.net_revenue.sum())
    share = 100.0 * float(base.cost_to_serve.sum()) / revenue if revenue > 0 else 0.0
    cut = round(min(max(share, 0.0), 30.0), 1)
    return Scenario(
        "Unbundle: lower core price, every service on the menu",
        menu=tuple(
            MenuItem(a, fee_per_unit=_price(base.rate_of(a) * 1.1), usage_response_pct=25.0)
            for a in base.activities
        ),
        core_price_change_pct=-cut,
        description=(
            f"Core price {-cut:g} % (today's cost to serve as % of net revenue); "
            f"{len(base.activities)} activities on the menu at cost + 10 %."
        ),
    )


def move_support_online(base: ScenarioBase) -> Scenario:
    """"Move support online: lower the support rates" (DOMAIN.md §5, the aggressive quadrant).

    Support activities (names with support, complaint, training, help, inquiry...; else
    every activity of a resource whose name says support) become 40 % cheaper.
    """
    found = match_activities(base.activities, SUPPORT_KEYWORDS)
    if not found:
        found = [
            a for a, r in zip(base.activities, base.resource, strict=True)
            if r is not None and "support" in r.lower()
        ]
    return Scenario(
        "Move support online: lower the support rates",
        menu=tuple(MenuItem(a, rate_change_pct=-40.0) for a in found),
        description=(
            f"40 % lower rates for {', '.join(found)}." if found
            else "No support activity found: nothing changes."
        ),
    )


PRESETS = {"kanthal": kanthal, "unbundle": unbundle, "support_online": move_support_online}


def presets(base: ScenarioBase) -> dict[str, Scenario]:
    """Every preset, made for ``base``'s activities."""
    return {key: make(base) for key, make in PRESETS.items()}
