"""Saved pricing scenarios: they belong to the user, not the dataset, so loads keep them
(in the store's kept-state file, :mod:`data.kept`)."""

from __future__ import annotations

import datetime as dt
import json

from data.catalog import StoreBase, read_sql
from data.kept import as_time


class ScenarioStorageMixin(StoreBase):
    def save_scenario(self, name: str, definition: dict) -> None:
        """Save (or replace) the scenario ``name``; ``definition`` is JSON-ready."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a saved scenario needs a name")
        text = json.dumps(definition)
        now = dt.datetime.now().replace(microsecond=0)
        self.kept.execute(read_sql("scenario_save"), [name, text, now])

    def scenarios(self) -> list[tuple[str, dt.datetime]]:
        """The saved scenarios' names and save times, newest first."""
        rows = self.kept.execute(read_sql("scenario_list"))
        return [(str(name), as_time(saved_at)) for name, saved_at in rows]

    def load_scenario(self, name: str) -> dict | None:
        """The definition saved as ``name`` (None when there is none)."""
        rows = self.kept.execute(read_sql("scenario_load"), [name])
        return json.loads(rows[0][0]) if rows else None

    def delete_scenario(self, name: str) -> None:
        """Forget the scenario ``name`` (nothing happens when there is none)."""
        self.kept.execute(read_sql("scenario_delete"), [name])
