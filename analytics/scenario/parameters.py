"""The parameter objects of a pricing scenario: menu items, the scope, the scenario.

Frozen dataclasses that check their values when made; a :class:`Scenario` turns into a
plain dict (and JSON) and back, so it can be saved and shared.

Example
-------
>>> s = Scenario("Test").with_item("Order change", fee_per_unit=50, usage_response_pct=30)
>>> s.item("Order change").fee_per_unit, Scenario.from_json(s.to_json()) == s
(50.0, True)
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace

from analytics.quadrants import LABELS, QUADRANTS

SCOPES = ("all", "quadrant", "segment", "customers")


def finite_number(value, name: str) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return number


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
        fee = finite_number(self.fee_per_unit, f"{self.activity}: fee_per_unit")
        response = finite_number(self.usage_response_pct, f"{self.activity}: usage_response_pct")
        change = finite_number(self.rate_change_pct, f"{self.activity}: rate_change_pct")
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

    >>> Scope.quadrant("aggressive", "carriage_trade").label
    'quadrant: Aggressive, Carriage trade'
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
        if self.kind == "quadrant":
            return "quadrant: " + ", ".join(LABELS.get(v, v) for v in self.values)
        return f"{self.kind}: {', '.join(self.values)}"


@dataclass(frozen=True)
class Scenario:
    """A pricing scenario: the menu, the core price, small orders, capacity, scope.

    ``core_volume_elasticity`` is the volume response to the core price: % volume per
    1 % price (-2: a 3 % rise loses 6 % of the volume of the customers in scope, with
    its revenue, COGS and service usage). ``at_risk_defection_pct`` is the expected
    share of the at-risk customers' business lost (0-100).

    Immutable: the ``with_*`` methods return new scenarios. ``minimum_order_value`` 0
    means no minimum order. See :mod:`analytics.scenario` for the formulas.

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
    core_volume_elasticity: float = 0.0
    at_risk_defection_pct: float = 0.0

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
                     "consolidation_pct", "at_risk_pct", "core_volume_elasticity",
                     "at_risk_defection_pct"):
            object.__setattr__(self, name, finite_number(getattr(self, name), name))
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
        if not 0 <= self.at_risk_defection_pct <= 100:
            raise ValueError("at_risk_defection_pct must be between 0 and 100")
        if self.core_volume_change_pct < -100:
            raise ValueError(
                f"a core price change of {self.core_price_change_pct:g} % with a volume "
                f"response of {self.core_volume_elasticity:g} % per 1 % would cut volume by "
                f"{-self.core_volume_change_pct:g} %: more than all of it"
            )
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

    @property
    def core_volume_change_pct(self) -> float:
        """The volume change the core price change brings in scope (elasticity x price
        change; -6.0: customers in scope buy 6 % less)."""
        return self.core_volume_elasticity * self.core_price_change_pct

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
