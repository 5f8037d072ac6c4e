"""The rate card: read it, and save an edited one (validated like a load, swapped in
atomically; every activity with rows must keep a rate)."""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import replace
from pathlib import Path

import pandas as pd

from data import cube
from data.catalog import STAGE_PREFIX, StoreBase, read_sql
from data.importer import DatasetError, Importer, Problem, quote_ident
from data.loader import _swap_in, in_place


class RateCardMixin(StoreBase):
    def replace_rate_card(self, rates: pd.DataFrame, resources: pd.DataFrame) -> str:
        """Validate an edited rate card and save it; return the new dataset version.

        Problems name the edited table's row (first row = 1). Every activity in the
        live activities table must keep a rate. ``rates`` may carry a ``relationship``
        column (bool: the activity is relationship investment); without it, or empty, no.
        """
        rate_columns = ["activity", "cost_per_unit", "resource", "unit_time", "relationship"]
        with self.temp_dir("rates-") as folder:
            files = {}
            for table, frame, columns in (
                ("rates", rates, rate_columns),
                ("resources", resources, ["resource", "cost", "capacity"]),
            ):
                if frame is None or frame.dropna(how="all").empty:
                    continue
                path = Path(folder) / f"{table}.csv"
                # Every text quoted: a name holding a line break stays one field.
                frame.reindex(columns=columns).dropna(how="all").to_csv(
                    path, index=False, quoting=csv.QUOTE_NONNUMERIC)
                files[table] = path
            names = {"rates": "Rates", "resources": "Resources"}
            with in_place(self), self._lock, self.cursor() as cur:
                token = uuid.uuid4().hex[:12]
                importer = Importer(cur, Path(folder), f"{STAGE_PREFIX}{token}_")
                try:
                    staged = importer.stage(files, None, names, require_transactions=False)
                except DatasetError as exc:
                    raise DatasetError([_as_row(p) for p in exc.problems]) from None
                problems = self._rates_cover_activities(cur, staged.tables.get("rates"))
                if problems:
                    importer.drop()
                    raise DatasetError(problems)
                version = uuid.uuid4().hex
                try:
                    cur.execute("BEGIN TRANSACTION")
                    _swap_in(cur, ("rates", "resources"),
                             {t: s.name for t, s in staged.tables.items()})
                    info = cur.execute(read_sql("dataset_counts")).fetchall()
                    counts, columns = (json.loads(v) for v in info[0])
                    for table in ("rates", "resources"):
                        counts[table] = staged.tables[table].rows if table in staged.tables else 0
                        columns[table] = (
                            list(staged.tables[table].present) if table in staged.tables else []
                        )
                    cur.execute(read_sql("dataset_rate_card_saved"),
                                [version, json.dumps(counts), json.dumps(columns)])
                    cur.execute("COMMIT")
                except Exception:
                    cur.execute("ROLLBACK")
                    importer.drop()
                    raise
        return version

    @staticmethod
    def _rates_cover_activities(cur, staged) -> list[Problem]:
        """Every activity with rows must keep a rate: read from the activity rows, or
        from the activity-month cube in a store that keeps the cube only (it counts
        customers there, not rows)."""
        rated = ([r[0] for r in cur.execute(
            f"SELECT DISTINCT activity FROM {quote_ident(staged.name)} "
            "WHERE activity IS NOT NULL").fetchall()] if staged else [])
        kept = cube.lines_kept(cur)
        rows = cur.execute(read_sql("rate_card_uncovered" if kept
                                    else "rate_card_uncovered_cube"),
                           {"rated": rated}).fetchall()
        unit = "rows" if kept else "customers"
        return [
            Problem("Rates", f'activity "{activity}" is used in the activity data '
                    f"({count:,} {unit}) and needs a rate")
            for activity, count in rows
        ]

    def rate_card(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        with self.cursor() as cur:
            return self._rate_card(cur)

    @staticmethod
    def _rate_card(cur) -> tuple[pd.DataFrame, pd.DataFrame]:
        rates = cur.execute(read_sql("rate_card_rates")).df()
        resources = cur.execute(read_sql("rate_card_resources")).df()
        return rates, resources


def _as_row(problem: Problem) -> Problem:
    """A problem in an edited table: its row (first data row = 1), not a CSV line."""
    if problem.line is None:
        return problem
    return replace(problem, line=problem.line - 1, line_word="row")
