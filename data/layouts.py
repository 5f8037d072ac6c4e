"""What the store remembers per file layout (its headers, in order): the column mapping
of each table, and the recipe a transactions layout was loaded with. Kept across loads
in the store's kept-state file (:mod:`data.kept`), not in a dataset version."""

from __future__ import annotations

import datetime as dt
import json

from data.catalog import StoreBase, read_sql
from data.contract import normalise_header
from data.kept import as_time


class LayoutMemoryMixin(StoreBase):
    @staticmethod
    def layout_key(headers: list[str]) -> str:
        """A file layout's identity: its normalised headers, in order."""
        return "|".join(normalise_header(h) for h in headers)

    def remembered_mapping(self, table: str, headers: list[str]) -> dict[str, str] | None:
        rows = self.kept.execute(read_sql("mapping_remembered"),
                                 [table, self.layout_key(headers)])
        return json.loads(rows[0][0]) if rows else None

    def remember_mapping(self, table: str, headers: list[str], mapping: dict[str, str]) -> None:
        self.kept.execute(
            read_sql("mapping_remember"),
            [table, self.layout_key(headers), json.dumps(mapping),
             dt.datetime.now().replace(microsecond=0)],
        )

    def remember_recipe(self, headers: list[str], recipe_toml: str) -> None:
        """Keep the recipe a transactions file of this layout was loaded with."""
        self.kept.execute(
            read_sql("recipe_remember"),
            [self.layout_key(headers), recipe_toml, dt.datetime.now().replace(microsecond=0)],
        )

    def remembered_recipe(self, headers: list[str]) -> tuple[str, dt.datetime] | None:
        """(recipe TOML, when it was saved) for a transactions file of this layout."""
        rows = self.kept.execute(read_sql("recipe_remembered"), [self.layout_key(headers)])
        return (rows[0][0], as_time(rows[0][1])) if rows else None
