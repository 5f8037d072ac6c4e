"""Cost drivers counted from invoice lines: the time equations of an order system.

An order system already records what makes a customer expensive to serve: orders,
lines, expedites, ship modes, returns. A :class:`Driver` turns such a count into an
activity: ``per`` order (distinct order ids), line, or unit (Σ |quantity|: a returned
unit is handled too), optionally only over the lines meeting every :class:`Condition`
(a column of the transactions file, mapped or not: equal to one of a list of values,
case-insensitive after trimming, or a comparison with a number such as ``< 0``). Each
driver has a ``cost_per_unit``, or a ``resource`` and a ``unit_time``; several drivers
on one resource form a time equation (Kaplan & Anderson): order handling = 5 minutes
per order + 1 per line + 10 per expedited order is three drivers on "Customer service".

Driver volumes are counted in one pass over the lines, grouped by customer and day
(``FILTER`` clauses, one per driver), so a period filter applies to them by the line's
date. A per-order driver counts an order once, on the date of its first matching line.
The query (:func:`driver_volumes_query`) is portable SQL: DuckDB runs it as it is, the
Spark engine the same text transpiled by SQLGlot.

>>> d = Driver("Expedited order", "order", (Condition("Priority", ("1-URGENT", "2-HIGH")),),
...            cost_per_unit=45.0)
>>> d.describe()
'orders where Priority is 1-URGENT or 2-HIGH, at 45.00 each'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

PER = ("order", "line", "unit")
PER_LABELS = {"order": "orders", "line": "lines", "unit": "units"}
OPERATORS = ("<=", ">=", "<>", "!=", "<", ">", "=")
_COMPARISON = re.compile(r"^\s*(<=|>=|<>|!=|<|>|=)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Condition:
    """Lines whose ``column`` (a header of the transactions file) is one of ``values``
    (case-insensitive, trimmed), or compares with ``number`` by ``op``."""

    column: str
    values: tuple[str, ...] = ()
    op: str | None = None
    number: float | None = None

    @classmethod
    def parse(cls, column: str, spec: object) -> Condition:
        """From a recipe's ``where`` entry: a list of values, one value, a number, or a
        comparison text such as ``"< 0"``. Raises ValueError saying what is wrong.

        >>> Condition.parse("Qty", "< 0")
        Condition(column='Qty', values=(), op='<', number=0.0)
        >>> Condition.parse("Ship Mode", ["Same Day", "First Class"]).values
        ('Same Day', 'First Class')
        """
        if not isinstance(column, str) or not column.strip():
            raise ValueError("a condition needs a column name")
        if isinstance(spec, bool):
            raise ValueError(f"{spec!r} is not a value, a list of values or a comparison")
        if isinstance(spec, int | float):
            return cls(column, op="=", number=_finite(spec))
        if isinstance(spec, str):
            match = _COMPARISON.match(spec)
            if match:
                op = "<>" if match.group(1) == "!=" else match.group(1)
                try:
                    number = _finite(float(match.group(2)))
                except ValueError:
                    raise ValueError(
                        f'"{spec}": a comparison needs a number, such as "< 0"'
                    ) from None
                return cls(column, op=op, number=number)
            spec = [spec]
        if isinstance(spec, list | tuple):
            values = tuple(str(v).strip() for v in spec if not isinstance(v, dict | list))
            if len(values) != len(spec) or not values or not all(values):
                raise ValueError("the values to match must be a non-empty list of texts")
            return cls(column, values=values)
        raise ValueError(f"{spec!r} is not a value, a list of values or a comparison")

    def toml_value(self) -> object:
        """The recipe form of the condition (see :meth:`parse`)."""
        if self.op is not None:
            return f"{self.op} {_number_text(self.number)}"
        return list(self.values)

    def describe(self) -> str:
        if self.op is not None:
            return f"{self.column} {self.op} {_number_text(self.number)}"
        return f"{self.column} is {' or '.join(self.values)}"


@dataclass(frozen=True)
class Driver:
    """An activity counted from the invoice lines, with its rate."""

    activity: str
    per: str
    where: tuple[Condition, ...] = ()
    cost_per_unit: float | None = None
    resource: str | None = None
    unit_time: float | None = None
    # The activity is relationship investment (visits, account management, joint teams).
    relationship: bool = False

    def problems(self) -> list[tuple[str, str]]:
        """(key, message) for each thing wrong with the driver on its own."""
        found = []
        if not isinstance(self.activity, str) or not self.activity.strip():
            found.append(("activity", "an activity name is needed"))
        if self.per not in PER:
            found.append(("per", f'"{self.per}" must be one of {", ".join(PER)}'))
        direct = self.cost_per_unit is not None
        timed = self.resource is not None or self.unit_time is not None
        if direct and timed:
            found.append(("cost_per_unit", "give cost_per_unit, or resource and unit_time, "
                          "not both"))
        elif not direct and not timed:
            found.append(("cost_per_unit", "a driver needs cost_per_unit, or resource and "
                          "unit_time"))
        elif timed and (self.resource is None or self.unit_time is None):
            missing = "unit_time" if self.unit_time is None else "resource"
            found.append((missing, f"a driver on a resource needs {missing} too"))
        for key, value in (("cost_per_unit", self.cost_per_unit),
                           ("unit_time", self.unit_time)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                found.append((key, f"{value!r} must be a number of 0 or more"))
        return found

    def counted(self) -> str:
        """What the driver counts, in words: ``orders where Priority is 1-URGENT``."""
        text = PER_LABELS.get(self.per, self.per)
        if self.where:
            text += " where " + " and ".join(c.describe() for c in self.where)
        return text

    def describe(self) -> str:
        text = self.counted()
        if self.cost_per_unit is not None:
            return f"{text}, at {self.cost_per_unit:,.2f} each"
        return f"{text}, {_number_text(self.unit_time)} of {self.resource}'s time each"

    @property
    def columns(self) -> tuple[str, ...]:
        """The file's columns its conditions read."""
        return tuple(dict.fromkeys(c.column for c in self.where))


@dataclass(frozen=True)
class ResourceSpec:
    """A resource group given in a recipe: its cost and practical capacity."""

    resource: str
    cost: float
    capacity: float


def _finite(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return value


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def sql_text(value: str) -> str:
    """``value`` as a standard SQL string literal (quotes doubled), which SQLGlot reads
    in DuckDB's dialect and writes in Spark's (backslashes escaped there).

    >>> sql_text("O'Neil")
    "'O''Neil'"
    """
    return "'" + str(value).replace("'", "''") + "'"


def sql_number(value: float) -> str:
    """``value`` as a DOUBLE in portable SQL (a cast of its text: the same double on every
    engine, whatever its literal rules)."""
    return f"CAST('{float(value)!r}' AS DOUBLE)"


def condition_sql(
    condition: Condition, text_of: Callable[[str], str], number_of: Callable[[str], str],
    params: dict | None = None,
) -> str:
    """The SQL test of one condition, its values written as literals (portable SQL: the
    Spark engine runs it transpiled). ``params`` is ignored (kept for old callers)."""
    if condition.op is not None:
        return (f"coalesce({number_of(condition.column)} {condition.op} "
                f"{sql_number(condition.number)}, false)")
    values = ", ".join(sql_text(v.strip().lower()) for v in condition.values)
    return f"coalesce(lower({text_of(condition.column)}) IN ({values}), false)"


def driver_volumes_query(
    drivers: tuple[Driver, ...],
    lines: str,
    text_of: Callable[[str], str],
    number_of: Callable[[str], str],
) -> str:
    """A query of driver volumes: ``customer_id, activity, quantity, date`` rows.

    ``lines`` is a FROM-clause with ``customer_id, date, order_id, quantity`` and the
    file's columns the conditions read (``text_of(header)`` gives the trimmed text,
    ``number_of(header)`` the number). One pass groups the lines by customer and day,
    a second the orders (per-order drivers only); zero volumes are left out.

    The query is portable SQL in DuckDB's dialect (values as literals, ``FILTER``
    clauses, explicit casts): DuckDB runs it as it is, the Spark engine transpiled by
    SQLGlot (:func:`data.engines.sql.transpile`) over a relation whose condition columns
    it typed itself; one definition of what a driver counts.

    >>> d = Driver("Return", "line", (Condition("Qty", op="<", number=0.0),), 20.0)
    >>> print(driver_volumes_query((d,), "lines", lambda h: "t_" + h, lambda h: "n_" + h))
    ... # doctest: +NORMALIZE_WHITESPACE
    WITH t AS (SELECT customer_id, date, order_id, quantity,
    (coalesce(n_Qty < CAST('0.0' AS DOUBLE), false)) AS k0 FROM lines),
    days AS (SELECT customer_id, date, count(*) FILTER (WHERE k0) AS v0 FROM t
    GROUP BY customer_id, date) SELECT customer_id, 'Return' AS activity,
    CAST(v0 AS DOUBLE) AS quantity, date FROM days WHERE v0 > 0
    """
    flags, by_day, by_order, parts = [], [], [], []
    for number, driver in enumerate(drivers):
        tests = [condition_sql(c, text_of, number_of) for c in driver.where]
        flags.append(f"({' AND '.join(tests) if tests else 'true'}) AS k{number}")
        activity = sql_text(driver.activity)
        if driver.per == "order":
            by_order.append(f"min(date) FILTER (WHERE k{number}) AS v{number}")
            parts.append(
                f"SELECT customer_id, {activity} AS activity, CAST(count(*) AS DOUBLE) AS "
                f"quantity, v{number} AS date FROM orders WHERE v{number} IS NOT NULL "
                f"GROUP BY customer_id, v{number}"
            )
        else:
            measure = "count(*)" if driver.per == "line" else "sum(abs(quantity))"
            by_day.append(f"{measure} FILTER (WHERE k{number}) AS v{number}")
            parts.append(
                f"SELECT customer_id, {activity} AS activity, CAST(v{number} AS DOUBLE) AS "
                f"quantity, date FROM days WHERE v{number} > 0"
            )
    ctes = [f"t AS (SELECT customer_id, date, order_id, quantity, {', '.join(flags)} "
            f"FROM {lines})"]
    if by_day:
        ctes.append(f"days AS (SELECT customer_id, date, {', '.join(by_day)} FROM t "
                    "GROUP BY customer_id, date)")
    if by_order:
        ctes.append(f"orders AS (SELECT customer_id, {', '.join(by_order)} FROM t "
                    "WHERE order_id IS NOT NULL GROUP BY customer_id, order_id)")
    return f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)


def driver_volumes_sql(
    drivers: tuple[Driver, ...],
    lines: str,
    text_of: Callable[[str], str],
    number_of: Callable[[str], str],
) -> tuple[str, dict]:
    """:func:`driver_volumes_query` and its parameters (none: values are literals), for
    callers that execute ``(sql, params)``."""
    return driver_volumes_query(drivers, lines, text_of, number_of), {}


def time_equation_rates(
    drivers: tuple[Driver, ...], resources: tuple[ResourceSpec, ...]
) -> dict[str, float | None]:
    """Each driver's cost per unit: its own, or unit time x the resource's capacity cost
    rate (None when the resource is unknown or has no capacity)."""
    rate_of = {r.resource: r.cost / r.capacity for r in resources if r.capacity > 0}
    return {
        d.activity: d.cost_per_unit if d.cost_per_unit is not None
        else (d.unit_time * rate_of[d.resource] if d.resource in rate_of else None)
        for d in drivers
    }
