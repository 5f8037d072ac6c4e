"""The Data page's door to ``data/``: the import contract, the file and recipe helpers
and the store's load operations (stage, commit, discard, remembered mappings and
recipes, the sample).

The Data page works on files before they are a dataset, so it needs more of ``data/``
than the analysis pages do; like :mod:`pages.ui.state` for them, this is the one place
its UI modules reach it through (a test checks that no other page module imports
``data``).
"""

from __future__ import annotations

from data import TABLE_ORDER, TABLES, DatasetError
from data.contract import DERIVED, EXTENSIONS
from data.dates import DATE_FORMATS, TWO_DIGIT_YEARS, guess_date_format, read_date
from data.drivers import PER, PER_LABELS, Condition, Driver, ResourceSpec
from data.mapping import (
    column_label,
    contract_frame,
    importer_mapping,
    mapping_problems,
    problem_table,
    read_headers,
    read_sample_rows,
    restore_mapping,
    suggest_mapping,
    template_csv,
)
from data.recipe import LoadOptions, Recipe, TableEntry, parse_recipe
from data.sources import SourceError
from pages.ui.state import get_store

__all__ = [
    "DATE_FORMATS", "DERIVED", "EXTENSIONS", "PER", "PER_LABELS", "TABLES", "TABLE_ORDER",
    "TWO_DIGIT_YEARS", "Condition", "DatasetError", "Driver", "LoadOptions", "Recipe",
    "ResourceSpec", "SourceError", "TableEntry", "column_label", "contract_frame",
    "guess_date_format",
    "importer_mapping", "mapping_problems", "parse_recipe", "problem_table", "read_date",
    "read_headers", "read_sample_rows", "restore_mapping", "suggest_mapping", "template_csv",
]


def lines_preview(*args, **kwargs):
    """A :class:`data.preview.LinesPreview` (imported on first use: only the drivers step
    needs it)."""
    from data.preview import LinesPreview

    return LinesPreview(*args, **kwargs)


def stage_files(files, **kwargs):
    """Validate and stage uploaded files (``Store.stage_files``): the pending load."""
    return get_store().stage_files(files, **kwargs)


def commit(pending, **kwargs):
    """Replace the dataset with a staged load (``Store.commit``)."""
    return get_store().commit(pending, **kwargs)


def discard(pending) -> None:
    get_store().discard(pending)


def load_sample(**kwargs):
    """Replace the dataset with the embedded sample."""
    return get_store().load_sample(**kwargs)


def layout_key(headers):
    return get_store().layout_key(headers)


def remembered_mapping(table: str, headers):
    return get_store().remembered_mapping(table, headers)


def remember_mapping(table: str, headers, mapping: dict) -> None:
    get_store().remember_mapping(table, headers, mapping)


def remembered_recipe(headers):
    return get_store().remembered_recipe(headers)


def remember_recipe(headers, recipe_toml: str) -> None:
    get_store().remember_recipe(headers, recipe_toml)
