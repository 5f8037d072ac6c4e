"""A live preview of cost drivers on an uploaded transactions file, before any load.

The file is read once, as the importer reads it (same mapping, date formats and
checks), into a private in-memory DuckDB with every column of the file kept as text;
each change of the drivers then costs one ``GROUP BY`` over it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from data.contract import normalise_header
from data.drivers import Driver, ResourceSpec, driver_volumes_sql, time_equation_rates
from data.importer import Importer, Progress, text_number_sql
from data.problems import quote_ident
from data.recipe import LoadOptions

MAX_VALUES = 40


class LinesPreview:
    """The invoice lines of one transactions file, staged privately for driver previews.

    Raises :class:`data.DatasetError` when the file does not validate with the mapping.
    """

    def __init__(
        self, path: Path, display: str, mapping: dict[str, str | None],
        options: LoadOptions | None = None, progress: Progress | None = None,
    ):
        self.con = duckdb.connect(":memory:")
        options = replace(options or LoadOptions(), drivers=(), resources=(),
                          customers_from_transactions=False, keep_all_columns=True)
        with tempfile.TemporaryDirectory(prefix="profitlens-preview-") as workdir:
            importer = Importer(self.con, Path(workdir), "_preview_", progress)
            try:
                staged = importer.stage({"transactions": Path(path)},
                                        {"transactions": mapping}, {"transactions": display},
                                        options=options)
            except BaseException:
                self.con.close()
                raise
        self.lines = staged.tables["transactions"]
        self.table = quote_ident(self.lines.name)
        self.headers = list(self.lines.extras)
        self._by_key = {}
        for header, column in self.lines.extras.items():
            self._by_key.setdefault(normalise_header(header), column)
        self._distinct: dict[str, int] = {}
        self.present = self.lines.present
        self.rows = self.lines.rows

    def close(self) -> None:
        self.con.close()

    def has_column(self, header: str) -> bool:
        """Whether the file has ``header`` (matched as the importer matches headers)."""
        return normalise_header(header) in self._by_key

    def missing(self, driver: Driver) -> str | None:
        """Why the load would refuse ``driver`` on this file (None: it would not)."""
        absent = [c for c in driver.columns if not self.has_column(c)]
        if absent:
            return (f'column "{absent[0]}" is not in the file (its columns: '
                    f"{', '.join(self.headers)})")
        needs = {"order": "order_id", "unit": "quantity"}.get(driver.per)
        if needs and needs not in self.present:
            return f"counts {driver.per}s, but no column is mapped as {needs}"
        return None

    def _text(self, header: str) -> str:
        return self._by_key[normalise_header(header)]

    def _number(self, header: str) -> str:
        return text_number_sql(self._text(header), self.lines.decimal)

    def values(self, header: str, limit: int = MAX_VALUES) -> pd.DataFrame:
        """The column's most frequent values (as trimmed text) and their line counts."""
        column = self._text(header)
        return self.con.execute(
            f"SELECT {column} AS value, count(*) AS lines FROM {self.table} "
            f"WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY lines DESC, value LIMIT ?",
            [int(limit)],
        ).df()

    def distinct_count(self, header: str) -> int:
        if header not in self._distinct:
            self._distinct[header] = self.con.execute(
                f"SELECT count(DISTINCT {self._text(header)}) FROM {self.table}"
            ).fetchall()[0][0]
        return self._distinct[header]

    def preview(
        self, drivers: tuple[Driver, ...], resources: tuple[ResourceSpec, ...], top: int = 5
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(each driver's count, rate and cost; the ``top`` customers by the drivers' cost)."""
        columns = ["activity", "counted", "count", "rate", "cost"]
        drivers = tuple(d for d in drivers if self.missing(d) is None)
        if not drivers:
            return pd.DataFrame(columns=columns), pd.DataFrame(
                columns=["customer_id", "cost_to_serve"])
        sql, params = driver_volumes_sql(drivers, self.table, self._text, self._number)
        volumes = self.con.execute(
            f"SELECT customer_id, activity, sum(quantity) AS quantity FROM ({sql}) "
            "GROUP BY ALL", params,
        ).df()
        rates = time_equation_rates(drivers, resources)
        volumes["cost"] = volumes["quantity"] * volumes["activity"].map(rates).astype(float)
        totals = volumes.groupby("activity")[["quantity", "cost"]].sum()
        table = pd.DataFrame({
            "activity": [d.activity for d in drivers],
            "counted": [d.counted() for d in drivers],
            "count": [float(totals["quantity"].get(d.activity, 0.0)) for d in drivers],
            "rate": [rates[d.activity] for d in drivers],
        })
        table["cost"] = [
            float(totals["cost"].get(d.activity, 0.0)) if rates[d.activity] is not None
            else None for d in drivers
        ]
        customers = (volumes.groupby("customer_id")["cost"].sum().round(2)
                     .sort_values(ascending=False, kind="stable").head(top)
                     .rename("cost_to_serve").reset_index())
        return table, customers
