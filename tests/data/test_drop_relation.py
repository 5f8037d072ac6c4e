"""One way to drop a cube relation (data.cube.drop_relation): the cube's relations are
tables in one store and views in another, and DuckDB refuses ``DROP VIEW IF EXISTS`` on a
table and ``DROP TABLE IF EXISTS`` on a view. So a store built one way and loaded again
the other way must work and give the customer table a store built that way once gives."""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd
import pytest

from data import Store, cube
from data.contract import TABLE_ORDER
from data.engines.duck import build_cube
from data.sample import write_sample
from data.sources import table_files


def _load_tables(store: Store, folder) -> None:
    """The cube's tables (data.cube.build), from the lines the store keeps."""
    store.cube_as_views = store.aggregate_on_read = False
    store.load_folder(folder)


_BUILT: dict = {}  # folder -> the DuckDB engine's cube of it (built once)


def _load_written(store: Store, folder) -> None:
    """The cube's tables as another engine built them (data.cube.write): the DuckDB
    engine's build of the same files, as the Spark path hands its own over."""
    if folder not in _BUILT:
        source = Store(":memory:")
        try:
            source.load_folder(folder)
            _BUILT[folder] = build_cube(source.con)[0]
        finally:
            source.close()
    tables = _BUILT[folder]
    store.cube_as_views = store.aggregate_on_read = False
    files, problems = table_files(folder, TABLE_ORDER)
    assert not problems
    store.commit(store.stage_files(files), cube_tables=tables)


def _load_line_views(store: Store, folder) -> None:
    """Views over the lines the store keeps (data.line_cube), as a report's store."""
    store.cube_as_views, store.aggregate_on_read = True, False
    store.load_folder(folder)
    assert store.info().lines_kept is True


def _load_read_views(store: Store, folder) -> None:
    """Views over the aggregates read from the files (data.read_cube), as ``report``."""
    store.cube_as_views = store.aggregate_on_read = True
    store.load_folder(folder)
    # It took the fast path (or this kind would be one of the others).
    assert store.info().lines_kept is False and store.read_aggregated


# Each kind's load, and what its cube's relations are (in a store aggregated while read,
# the reference prices are a table, empty, and the customer-months a table).
T, V = "BASE TABLE", "VIEW"
KINDS = {
    "tables": (_load_tables, (T, T, T, T)),
    "written": (_load_written, (T, T, T, T)),
    "line views": (_load_line_views, (V, V, V, V)),
    "read views": (_load_read_views, (T, T, V, V)),
}


def _relations(store: Store) -> tuple[str, ...]:
    """The kind of each cube relation (in :data:`data.cube.CUBE_TABLES` order)."""
    kinds = dict(store.con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_schema = 'main'").fetchall())
    return tuple(kinds.get(table) for table in cube.CUBE_TABLES)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drop-relation") / "sample"
    write_sample(folder, customers=60, seed=11)
    return folder


@pytest.fixture(scope="module")
def once(sample):
    """Each kind's whole-span customer table, from a store built that way once."""
    tables = {}
    for kind, (load, _) in KINDS.items():
        store = Store(":memory:")
        try:
            load(store, sample)
            tables[kind] = store.customer_base()
        finally:
            store.close()
    return tables


@pytest.mark.parametrize(("first", "then"), list(itertools.product(KINDS, KINDS)))
def test_a_store_built_one_way_then_the_other_gives_that_ways_table(sample, once, first,
                                                                     then):
    store = Store(":memory:")
    try:
        KINDS[first][0](store, sample)
        assert _relations(store) == KINDS[first][1]
        KINDS[then][0](store, sample)
        assert _relations(store) == KINDS[then][1]
        got, want = store.customer_base(), once[then]
    finally:
        store.close()
    assert len(want.customers) > 0
    pd.testing.assert_frame_equal(got.customers, want.customers)
    pd.testing.assert_frame_equal(got.volumes, want.volumes)
    pd.testing.assert_series_equal(got.period_volume, want.period_volume)
    assert (got.warnings, got.period_fraction) == (want.warnings, want.period_fraction)


def test_drop_relation_drops_a_table_or_a_view_and_leaves_the_rest():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.execute("CREATE VIEW v AS SELECT a FROM t")
    con.execute('CREATE TABLE "odd ""name" AS SELECT 2 AS a')
    con.execute("CREATE TABLE keep AS SELECT 3 AS a")
    # A temporary view of the same name is not the store's: left alone.
    con.execute("CREATE TEMP VIEW w AS SELECT 4 AS a")
    for name in ("v", "t", 'odd "name', "absent", "w"):
        cube.drop_relation(con, name)
    live = con.execute("SELECT table_name, table_type FROM information_schema.tables "
                       "ORDER BY 1").fetchall()
    assert live == [("keep", "BASE TABLE"), ("w", "VIEW")]
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM t")


def test_the_stamp_is_public_and_records_the_layout():
    con = duckdb.connect()
    cube.stamp(con)
    cube.stamp(con)  # again: replaced, one row
    assert con.execute("SELECT version FROM cube_version").fetchall() == [
        (cube.CUBE_VERSION,)]
