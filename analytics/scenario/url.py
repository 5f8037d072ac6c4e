"""A pricing scenario in a URL's query parameters, and back: the Pricing page's link.

One readable parameter per value that differs from the default scenario, so a link
says what it changes (``?core=2.5&fee.Order%20change=25&capacity=cut``):

========================  ==============================================================
``name=TEXT``             the scenario's name (left out when it is the default name)
``core=2.5``              core price change, % (-50 to 50)
``elastic=-0.5``          volume response, % volume per 1 % price (-2 to 0)
``risk=15``               at risk above a bill increase of, % (0 to 50)
``defect=20``             at-risk customers' business lost, % (0 to 100)
``capacity=cut``          freed capacity is cut (``kept``, the default, is left out)
``min=250``               minimum order value (0 or more; 0, none, is left out)
``sof=25``                small-order surcharge per order below the minimum (0 or more)
``cons=50``               small orders consolidated, % (0 to 100)
``orders=ACTIVITY``       the activity that counts orders
``scope=KIND:VALUE``      one per value: ``quadrant:aggressive``, ``segment:Retail``,
                          ``customers:C0042`` (all customers: left out)
``fee.ACTIVITY=25``       the activity's fee per unit (0 or more)
``resp.ACTIVITY=20``      its usage response, % (0 to 100)
``rate.ACTIVITY=-40``     its rate change, % (-100 to 500)
``scenario=NAME``         a saved scenario by name (read by the page, not by :func:`decode`)
========================  ==============================================================

Numbers are written in Python's shortest round-trip form (``2.5``, ``25``, ``0.1``), so
``decode(encode(s)) == s`` exactly. The ranges are the Pricing page's inputs' ranges
(:data:`INPUT_RANGES`, :data:`MENU_URL_RANGES`). :func:`decode` reads only the keys
above (a page's other parameters, such as the sidebar's filters, pass untouched) and
ignores a bad value one by one, saying why; what is valid still applies. The URL keeps
neither the scenario's description (a preset's sentence) nor anything outside
:class:`~analytics.scenario.Scenario`.

Example
-------
>>> s = Scenario("My scenario", core_price_change_pct=2.5, capacity_follows_usage=True,
...              scope=Scope.quadrant("aggressive")).with_item("Order change",
...              fee_per_unit=25)
>>> encode(s, Scenario("My scenario"))
{'core': '2.5', 'capacity': 'cut', 'scope': ['quadrant:aggressive'], 'fee.Order change': '25'}
>>> query_string(encode(s, Scenario("My scenario")))
'core=2.5&capacity=cut&scope=quadrant%3Aaggressive&fee.Order%20change=25'
>>> decoded = decode({"core": "2.5", "risk": "abc", "fee.Nope": "3"}, activities=["Order"])
>>> decoded.scenario.core_price_change_pct, decoded.scenario.at_risk_pct
(2.5, 10.0)
>>> decoded.ignored
('risk=abc (not a number)', 'fee.Nope=3 (Nope is not an activity of this dataset)')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote

from analytics.quadrants import QUADRANTS
from analytics.scenario.parameters import SCOPES, MenuItem, Scenario, Scope

SAVED_KEY = "scenario"
NAME_LIMIT = 120  # the page's name input takes at most this many characters
# key -> (Scenario field, low, high): the Pricing page's inputs and their ranges.
NUMBER_KEYS = {
    "core": ("core_price_change_pct", -50.0, 50.0),
    "elastic": ("core_volume_elasticity", -2.0, 0.0),
    "risk": ("at_risk_pct", 0.0, 50.0),
    "defect": ("at_risk_defection_pct", 0.0, 100.0),
    "min": ("minimum_order_value", 0.0, math.inf),
    "sof": ("small_order_fee", 0.0, math.inf),
    "cons": ("consolidation_pct", 0.0, 100.0),
}
INPUT_RANGES = {key: (low, high) for key, (_, low, high) in NUMBER_KEYS.items()}
# menu prefix -> (MenuItem field, low, high), the menu table's ranges.
MENU_KEYS = {
    "fee": ("fee_per_unit", 0.0, math.inf),
    "resp": ("usage_response_pct", 0.0, 100.0),
    "rate": ("rate_change_pct", -100.0, 500.0),
}
MENU_URL_RANGES = {prefix: (low, high) for prefix, (_, low, high) in MENU_KEYS.items()}
TEXT_KEYS = ("name", "capacity", "orders", "scope")
CAPACITY = {"kept": False, "cut": True}
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def is_scenario_key(key: str) -> bool:
    """True for the keys this module writes (and ``scenario``, a saved one's name).

    >>> [is_scenario_key(k) for k in ("core", "fee.Order", "start", "segment", "feex")]
    [True, True, False, False, False]
    """
    prefix, dot, _ = key.partition(".")
    return (key in NUMBER_KEYS or key in TEXT_KEYS or key == SAVED_KEY
            or (bool(dot) and prefix in MENU_KEYS))


def number_text(value: float) -> str:
    """``value`` in the shortest text that reads back to the same float.

    >>> [number_text(v) for v in (2.5, 25.0, -0.0, 0.1, 1234567.891, 1e-07)]
    ['2.5', '25', '0', '0.1', '1234567.891', '1e-07']
    """
    if value == 0:
        return "0"
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def encode(scenario: Scenario,
           default: Scenario | None = None) -> dict[str, str | list[str]]:
    """The query parameters of ``scenario``: its values that differ from ``default``'s
    (the page's starting scenario; it must have an empty menu), in a fixed order.

    A menu item is written with its non-zero terms (an item of zeros as ``fee.A=0``);
    the scope as one ``scope=KIND:VALUE`` per value. The result maps a key to its text
    (a list of texts for ``scope``), ready for ``st.query_params`` or :func:`query_string`.
    """
    default = default or Scenario()
    if default.menu:
        raise ValueError("the default scenario of a URL must have an empty menu")
    out: dict[str, str | list[str]] = {}
    if scenario.name != default.name:
        out["name"] = scenario.name
    for key, (name, _, _) in NUMBER_KEYS.items():
        value = getattr(scenario, name)
        if value != getattr(default, name):
            out[key] = number_text(value)
    if scenario.capacity_follows_usage != default.capacity_follows_usage:
        out["capacity"] = "cut" if scenario.capacity_follows_usage else "kept"
    if scenario.order_activity != default.order_activity and scenario.order_activity:
        out["orders"] = scenario.order_activity
    if scenario.scope != default.scope:
        kind = scenario.scope.kind
        out["scope"] = [f"{kind}:{v}" for v in scenario.scope.values] or [kind]
    for item in scenario.menu:
        terms = {prefix: getattr(item, name) for prefix, (name, _, _) in MENU_KEYS.items()}
        written = {p: v for p, v in terms.items() if v != 0} or {"fee": 0.0}
        for prefix, value in written.items():
            out[f"{prefix}.{item.activity}"] = number_text(value)
    return out


def query_string(params: Mapping[str, str | list[str]]) -> str:
    """``params`` as a URL query (no leading ``?``): keys and values percent-encoded,
    a list as one ``key=value`` per value.

    >>> query_string({"fee.Order entry (manual)": "25", "scope": ["segment:A&B"]})
    'fee.Order%20entry%20%28manual%29=25&scope=segment%3AA%26B'
    """
    pairs = []
    for key, value in params.items():
        for one in [value] if isinstance(value, str) else value:
            pairs.append(f"{quote(key, safe='.-_~')}={quote(one, safe='.-_~')}")
    return "&".join(pairs)


@dataclass(frozen=True)
class Decoded:
    """The scenario a URL describes and the parameters it ignored, each with why."""

    scenario: Scenario
    ignored: tuple[str, ...] = ()

    def note(self) -> str:
        """One sentence naming every ignored parameter ('' when none was)."""
        if not self.ignored:
            return ""
        return ("Ignored in the link: " + "; ".join(self.ignored)
                + ". The rest of the link applies.")


def _values(params: Mapping[str, str | Iterable[str]]) -> dict[str, list[str]]:
    return {str(k): [v] if isinstance(v, str) else [str(x) for x in v]
            for k, v in params.items()}


def _number(text: str, low: float, high: float) -> tuple[float | None, str]:
    """The number ``text`` holds within [low, high], or None and why not."""
    if not NUMBER.fullmatch(text.strip()):
        return None, "not a number"
    value = float(text)
    if not math.isfinite(value):
        return None, "not a finite number"
    if not low <= value <= high:
        bounds = f"between {low:g} and {high:g}" if high < math.inf else f"{low:g} or more"
        return None, f"must be {bounds}"
    return value + 0.0, ""  # -0.0 -> 0.0


def decode(
    params: Mapping[str, str | Iterable[str]],
    base: Scenario | None = None,
    *,
    activities: Iterable[str] | None = None,
    segments: Iterable[str] | None = None,
    customers: Iterable[str] | None = None,
    orders_known: bool = True,
) -> Decoded:
    """The scenario ``params`` describe: ``base`` (default ``Scenario()``) with each
    valid parameter applied; each bad one ignored and named with why.

    Parameters
    ----------
    params
        The URL's query parameters (a key to a text or to all its texts); keys that are
        not a scenario's (:func:`is_scenario_key`) and ``scenario`` are left alone.
    base
        The scenario the parameters change (the default one, or a saved one by name).
    activities, segments, customers
        The dataset's: an activity, segment or customer outside them is ignored.
        ``None``: any.
    orders_known
        False when transactions have no order ids: a minimum order is ignored.

    Returns
    -------
    Decoded
        The scenario, and one ``key=value (why)`` per ignored parameter, in URL order.

    Examples
    --------
    >>> d = decode({"scope": ["segment:Retail", "segment:Nope"], "capacity": "maybe",
    ...             "sof": "5", "rate.Visit": "-40"}, segments=["Retail"])
    >>> d.scenario.scope, d.scenario.item("Visit").rate_change_pct
    (Scope(kind='segment', values=('Retail',)), -40.0)
    >>> d.ignored  # doctest: +NORMALIZE_WHITESPACE
    ('scope=segment:Nope (Nope is not a segment of this dataset)',
     'capacity=maybe (must be kept or cut)',
     'sof=5 (a small-order surcharge needs a minimum order: min=)')
    """
    base = base or Scenario()
    known = {
        "activity": None if activities is None else {str(a) for a in activities},
        "segment": None if segments is None else {str(s) for s in segments},
        "customers": None if customers is None else {str(c) for c in customers},
    }
    ignored: list[str] = []
    raw: dict[str, str] = {}
    changes: dict[str, object] = {}
    menu = {item.activity: item for item in base.menu}
    terms: dict[str, dict[str, float]] = {}
    scope_values: list[str] = []
    scope_kind = None

    for key, texts in _values(params).items():
        if key == SAVED_KEY or not is_scenario_key(key) or not texts:
            continue
        if key != "scope" and len(texts) > 1:
            ignored.append(f"{key}={texts[-1]} (given {len(texts)} times)")
            continue
        text = raw[key] = texts[0]
        prefix, dot, activity = key.partition(".")
        if dot:
            field, low, high = MENU_KEYS[prefix]
            value, why = _number(text, low, high)
            if value is None:
                ignored.append(f"{key}={text} ({why})")
            elif known["activity"] is not None and activity not in known["activity"]:
                ignored.append(f"{key}={text} ({activity} is not an activity of this "
                               "dataset)")
            else:
                terms.setdefault(activity, {})[field] = value
        elif key in NUMBER_KEYS:
            field, low, high = NUMBER_KEYS[key]
            value, why = _number(text, low, high)
            if value is None:
                ignored.append(f"{key}={text} ({why})")
            else:
                changes[field] = value
        elif key == "name":
            if not text.strip() or len(text) > NAME_LIMIT:
                ignored.append(f"name={text[:40]} (must be 1 to {NAME_LIMIT} characters)")
            else:
                changes["name"] = text
        elif key == "capacity":
            if text in CAPACITY:
                changes["capacity_follows_usage"] = CAPACITY[text]
            else:
                ignored.append(f"capacity={text} (must be kept or cut)")
        elif key == "orders":
            if known["activity"] is not None and text not in known["activity"]:
                ignored.append(f"orders={text} ({text} is not an activity of this dataset)")
            else:
                changes["order_activity"] = text
        else:  # scope
            scope_kind, scope_values = _scope(texts, known, ignored)

    if scope_kind is not None:
        changes["scope"] = Scope(scope_kind, tuple(scope_values)) if scope_values else Scope()
    for activity, values in terms.items():
        menu[activity] = replace(menu.get(activity) or MenuItem(activity), **values)
    changes["menu"] = tuple(menu.values())
    _small_orders(changes, base, orders_known, raw, ignored)
    try:
        return Decoded(replace(base, **changes), tuple(ignored))
    except ValueError as exc:  # valid values that do not go together with the base's
        return Decoded(base, (*ignored, f"the link's values together ({exc})"))


def _scope(texts: list[str], known: dict, ignored: list[str]) -> tuple[str | None, list[str]]:
    """The scope's kind and its valid values (kind None: the scope is ignored)."""
    kinds = {t.partition(":")[0] for t in texts}
    kind = next(iter(kinds))
    if len(kinds) > 1 or kind not in SCOPES:
        why = ("one kind of scope at a time" if len(kinds) > 1
               else f"the kind must be one of {', '.join(SCOPES)}")
        ignored.append(f"scope={'&scope='.join(texts)} ({why})")
        return None, []
    values: list[str] = []
    for text in texts:
        value = text.partition(":")[2]
        if kind == "all":
            if value:
                ignored.append(f"scope={text} (all customers takes no value)")
            continue
        allowed = set(QUADRANTS) if kind == "quadrant" else known[
            "segment" if kind == "segment" else "customers"]
        if not value:
            ignored.append(f"scope={text} (no {kind} named)")
        elif allowed is not None and value not in allowed:
            what = {"quadrant": "a quadrant", "segment": "a segment of this dataset",
                    "customers": "a customer of this dataset"}[kind]
            ignored.append(f"scope={text} ({value} is not {what})")
        elif value not in values:
            values.append(value)
    if kind != "all" and not values:
        return "all", []
    return kind, values


def _small_orders(changes: dict, base: Scenario, orders_known: bool,
                  raw: dict[str, str], ignored: list[str]) -> None:
    """Drop the small-order values that need a minimum order when there is none (or
    when orders are unknown), naming those the URL gave."""
    minimum = changes.get("minimum_order_value", base.minimum_order_value)
    if minimum and not orders_known:
        if "min" in raw:
            ignored.append(f"min={raw['min']} (transactions have no order ids)")
        minimum = changes["minimum_order_value"] = 0.0
    if minimum:
        return
    for key, field, what in (("sof", "small_order_fee", "a small-order surcharge"),
                             ("cons", "consolidation_pct", "consolidation"),
                             ("orders", "order_activity", "the activity that counts orders")):
        if changes.get(field):
            ignored.append(f"{key}={raw[key]} ({what} needs a minimum order: min=)")
    changes.update(small_order_fee=0.0, consolidation_pct=0.0, order_activity=None)
