"""What a load derives once its files are staged (all in DuckDB, never row by row).

- list revenue from a discount rate (``list = net / (1 - rate)``, the rate's scale, a
  fraction or a percentage, decided from the whole column);
- the customers table from attributes repeated on the transactions file's lines (each
  customer's most frequent value; ties: the latest line);
- activity volumes counted from the lines by cost drivers (``data.drivers``), with their
  rates, and resources given inline by a recipe.

Extra columns the transactions table carried for this (attributes, the discount, the
columns the drivers' conditions read) are dropped afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from data.contract import TABLES
from data.drivers import driver_volumes_sql
from data.problems import Problem, quote_ident

if TYPE_CHECKING:
    from data.importer import Importer, StagedTable

MAX_SHOWN = 5
ATTRIBUTES = tuple(c.name for c in TABLES["customers"].columns if c.name != "customer_id")


class Deriver:
    """Runs the derivations of one import (see the module docstring)."""

    def __init__(self, importer: Importer):
        self.importer = importer
        self.con = importer.con
        self.options = importer.options
        self.staged = importer.staged

    def _problem(self, problem: Problem) -> None:
        self.staged.problems.append(problem)

    def _columns(self, staged: StagedTable) -> list[str]:
        return [row[0] for row in self.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [staged.name]
        ).fetchall()]

    def run(self) -> None:
        lines = self.staged.tables.get("transactions")
        failed = {p.file for p in self.staged.problems}
        if lines is None or lines.source.display in failed:
            return
        columns = self._columns(lines)
        if "discount" in columns:
            self._discount(lines)
        if self.options.customers_from_transactions:
            self._customers(lines)
        if self.options.drivers:
            self._drivers(lines)
        if self.options.resources:
            self._resources()
        extra = [c for c in columns if c == "discount" or c in ATTRIBUTES
                 or (c.startswith("x_") and not self.options.keep_all_columns)]
        for column in extra:
            self.con.execute(f"ALTER TABLE {quote_ident(lines.name)} DROP COLUMN "
                             f"{quote_ident(column)}")

    # -- discount -> list revenue --

    def _discount(self, lines: StagedTable) -> None:
        name, display = quote_ident(lines.name), lines.source.display
        largest, count = self.con.execute(
            f"SELECT max(abs(discount)), count(discount) FROM {name}"
        ).fetchall()[0]
        if not count:
            return
        scale = self.options.discount_scale or ("percent" if largest > 1 else "fraction")
        divisor = 100.0 if scale == "percent" else 1.0
        word = lines.source.line_word
        bad = self.con.execute(
            f"SELECT {lines.line_sql} AS line, discount FROM {name} "
            f"WHERE discount / {divisor} >= 1 ORDER BY line LIMIT {MAX_SHOWN + 1}"
        ).fetchall()
        for line, value in bad[:MAX_SHOWN]:
            self._problem(Problem(
                display, f"is a discount of 100 % or more (read as a {scale}; the discount "
                "scale can be chosen on the Data page or in a recipe's discount_scale): list "
                "revenue cannot be derived", line=int(line), column="discount",
                value=f"{value:g}",
                line_word=word,
            ))
        if bad:
            return
        self.con.execute(
            f"UPDATE {name} SET list_revenue = CAST(round(net_revenue / "
            f"(1 - discount / {divisor}), 2) AS DECIMAL(18,4)) "
            "WHERE discount IS NOT NULL AND discount <> 0"
        )
        how = ("a percentage (20 = 20 %)" if scale == "percent"
               else "a fraction (0.2 = 20 %)")
        why = "as the recipe says" if self.options.discount_scale else (
            f"its largest value is {largest:g}")
        self.staged.warnings.append(
            f"{display}: discount read as {how}, {why}; list revenue = net revenue / "
            "(1 - discount)."
        )

    # -- customer attributes from the lines --

    def _customers(self, lines: StagedTable) -> None:
        name = quote_ident(lines.name)
        mapped = [a for a in ATTRIBUTES if a in lines.present]
        parts, joins, selects, counts = [], [], [], []
        for attribute in ATTRIBUTES:
            if attribute not in mapped:
                selects.append(f"NULL AS {attribute}")
                continue
            column = quote_ident(attribute)
            # k: how many values the customer has (the warning below counts k > 1).
            parts.append(
                f"m_{attribute} AS (SELECT customer_id, arg_max(v, {{'n': n, 'd': d, 'l': l}}) "
                f"AS v, count(*) AS k FROM (SELECT customer_id, {column} AS v, count(*) AS n, "
                f"max(date) AS d, max({lines.line_sql}) AS l FROM {name} WHERE {column} IS NOT "
                "NULL GROUP BY ALL) GROUP BY customer_id)"
            )
            joins.append(f"LEFT JOIN m_{attribute} USING (customer_id)")
            selects.append(f"m_{attribute}.v AS {attribute}")
            counts.append(f"m_{attribute}.k AS k_{attribute}")
        target = self.importer.recipe_table("customers")
        ids = f"ids AS (SELECT DISTINCT customer_id FROM {name})"
        # One pass over the lines gives each customer's values and how many it has.
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _attributes AS WITH {', '.join([ids, *parts])} "
            f"SELECT customer_id, {', '.join(selects + counts)} FROM ids {' '.join(joins)}"
        )
        try:
            self.con.execute(
                f"INSERT INTO {quote_ident(target.name)} SELECT customer_id, "
                f"{', '.join(ATTRIBUTES)} FROM _attributes"
            )
            several = self.con.execute(
                "SELECT " + ", ".join(f"count(*) FILTER (WHERE k_{a} > 1)" for a in mapped)
                + " FROM _attributes"
            ).fetchall()[0] if mapped else ()
        finally:
            self.con.execute("DROP TABLE IF EXISTS _attributes")
        target.present = ("customer_id", *mapped)
        target.source = lines.source
        target.rows = self._count(target)
        for attribute, count in zip(mapped, several, strict=True):
            if count:
                self.staged.warnings.append(
                    f"{lines.source.display}, {attribute}: {count:,} customer(s) have "
                    "several values; each gets its most frequent one (ties: the latest line)."
                )

    def _count(self, staged: StagedTable) -> int:
        return self.con.execute(
            f"SELECT count(*) FROM {quote_ident(staged.name)}"
        ).fetchall()[0][0]

    # -- drivers, their rates, inline resources --

    def _drivers(self, lines: StagedTable) -> None:
        drivers, origin = self.options.drivers, self.options.origin
        needs = {"order": "order_id", "unit": "quantity"}
        ok = True
        for number, driver in enumerate(drivers, start=1):
            column = needs.get(driver.per)
            if column and column not in lines.present:
                self._problem(Problem(
                    origin, f"counts {driver.per}s, but {lines.source.display} has no "
                    f"{column} column: map it, or count per line",
                    column=f"drivers[{number}].per", value=driver.activity,
                ))
                ok = False
        ok = self._no_clash("activities", "activity", [d.activity for d in drivers]) and ok
        ok = self._no_clash("rates", "activity", [d.activity for d in drivers]) and ok
        if not ok:
            return

        def text_of(header: str) -> str:
            return lines.extras[header]

        def number_of(header: str) -> str:
            from data.importer import text_number_sql

            return text_number_sql(lines.extras[header], lines.decimal)

        sql, params = driver_volumes_sql(drivers, quote_ident(lines.name), text_of, number_of)
        activities = self.importer.recipe_table("activities")
        before = activities.rows
        self.con.execute(
            f"INSERT INTO {quote_ident(activities.name)} (customer_id, activity, quantity, "
            f"date) {sql}", params,
        )
        activities.rows = self._count(activities)
        activities.present = tuple(dict.fromkeys(
            (*activities.present, "customer_id", "activity", "quantity", "date")))
        rates = self.importer.recipe_table("rates")
        self.con.executemany(
            f"INSERT INTO {quote_ident(rates.name)} (activity, cost_per_unit, resource, "
            "unit_time, relationship) VALUES (?, ?, ?, ?, ?)",
            [[d.activity, d.cost_per_unit, d.resource, d.unit_time, d.relationship]
             for d in drivers],
        )
        rates.rows = self._count(rates)
        rates.present = tuple(dict.fromkeys((*rates.present, *(c.name for c in
                                                               TABLES["rates"].columns))))
        if any(d.per == "order" for d in drivers):
            orderless = self.con.execute(
                f"SELECT count(*) FROM {quote_ident(lines.name)} WHERE order_id IS NULL"
            ).fetchall()[0][0]
            if orderless:
                self.staged.warnings.append(
                    f"{lines.source.display}: {orderless:,} line(s) without an order_id are "
                    "not counted by the per-order drivers."
                )
        self.staged.warnings.append(
            f"{origin}: {len(drivers)} cost driver(s) counted from the invoice lines: "
            f"{activities.rows - before:,} activity rows (customer x day)."
        )

    def _no_clash(self, table: str, key: str, names: list[str]) -> bool:
        """True when no row of the staged ``table`` (from a file) uses one of ``names``."""
        staged = self.staged.tables.get(table)
        if staged is None or not names:
            return True
        clashes = self.con.execute(
            f"SELECT DISTINCT {key} FROM {quote_ident(staged.name)} WHERE list_contains(?, "
            f"{key}) ORDER BY 1", [names],
        ).fetchall()
        for (value,) in clashes:
            what = "a driver" if table in ("activities", "rates") else "a resource"
            article = "an" if key[0] in "aeiou" else "a"
            self._problem(Problem(
                self.options.origin, f"is both {what} of the recipe and {article} {key} in "
                f"{staged.source.display}: rename one of them", column=key, value=value,
            ))
        return not clashes

    def _resources(self) -> None:
        resources = self.options.resources
        if not self._no_clash("resources", "resource", [r.resource for r in resources]):
            return
        target = self.importer.recipe_table("resources")
        self.con.executemany(
            f"INSERT INTO {quote_ident(target.name)} (resource, cost, capacity) "
            "VALUES (?, ?, ?)", [[r.resource, r.cost, r.capacity] for r in resources],
        )
        target.rows = self._count(target)
        target.present = ("resource", "cost", "capacity")
