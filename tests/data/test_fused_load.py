"""A clean CSV file is staged in one typed read (``Importer._stage_fused``); anything
else takes the long way. Both must give the same tables, warnings and problems.

Each case loads the same files twice, once with the one-read path switched off, and
compares every stored table row by row (exact values and types) or the problems word
for word; a spy checks which path each file took, so a case cannot pass by never
taking the one-read path.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import DatasetError, Store
from data.importer import Importer, trimmed_sql

from .conftest import ACTIVITIES, CUSTOMERS, RATES, RESOURCES, write_dataset

TABLES = ("transactions", "activities", "rates", "resources", "customers")
HEADER = "customer_id,date,order_id,product_id,quantity,net_revenue,list_revenue,cogs\n"


def _load(folder: Path, monkeypatch, fused: bool) -> tuple[dict, tuple, dict]:
    """(table -> rows with their types, warnings, table -> whether the one read staged it)."""
    taken: dict[str, bool] = {}
    original = Importer._stage_fused

    def spy(self, name, spec, *args):
        rows = original(self, name, spec, *args) if fused else 0
        taken[spec.name] = bool(rows)
        return rows

    monkeypatch.setattr(Importer, "_stage_fused", spy)
    store = Store(":memory:")
    try:
        result = store.load_folder(folder)
        tables = {}
        with store.cursor() as cur:
            for table in TABLES:
                described = cur.execute(f"DESCRIBE {table}").fetchall()
                values = cur.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                tables[table] = ([tuple(d[:2]) for d in described], values)
        return tables, result.warnings, taken
    finally:
        store.close()


def _problems(folder: Path, monkeypatch, fused: bool) -> tuple[list[str], dict]:
    taken: dict[str, bool] = {}
    original = Importer._stage_fused

    def spy(self, name, spec, *args):
        rows = original(self, name, spec, *args) if fused else 0
        taken[spec.name] = bool(rows)
        return rows

    monkeypatch.setattr(Importer, "_stage_fused", spy)
    store = Store(":memory:")
    try:
        with pytest.raises(DatasetError) as caught:
            store.load_folder(folder)
        return [str(p) for p in caught.value.problems], taken
    finally:
        store.close()


def test_a_clean_file_takes_one_read_and_gives_what_the_long_way_gives(tmp_path, monkeypatch):
    # Numbers as DuckDB's cast reads them (spaces, exponents, a bare point, more decimals
    # than a cent: rounded half up to DECIMAL(18,4)), ISO dates with and without a time,
    # empty optional cells, ids with spaces around them.
    lines = [
        "C1,2024-01-10,O1,P1,2,1000.00,1100.00,600.00",
        " C1 ,2024-1-5,O1 ,P2, 5 ,1e3,.5,5.",
        "C2,2024-03-05 10:00,,P3,1.5,1.23455,1.23445,0.00005",
        "C2,2024-02-29,O3,,,-20.5,-25,-15",
        "C3,2199-12-31,O4,P1,-1,999999999999.99,0,",
    ]
    folder = write_dataset(tmp_path / "ds", transactions=HEADER + "\n".join(lines) + "\n")
    fast, fast_warnings, taken = _load(folder, monkeypatch, fused=True)
    slow, slow_warnings, _ = _load(folder, monkeypatch, fused=False)
    assert taken == {t: True for t in TABLES}
    assert fast == slow
    assert fast_warnings == slow_warnings
    # The known answers of the long way itself, on the cells the one read must match.
    _, values = fast["transactions"]
    assert [str(v[2]) for v in values] == ["1000.0000", "1000.0000", "1.2346", "-20.5000",
                                          "999999999999.9900"]
    assert values[1][0] == "C1" and values[1][3] == "O1" and values[4][7] == 0  # cogs 0


@pytest.mark.parametrize("cells, why", [
    ("C1,31.03.2024,O1,P1,2,10,10,5", "a date in another format"),
    ("C1,2024/03/05,O1,P1,2,10,10,5", "a date the fast cast does not read"),
    ("C1,2024-03-05,O1,P1,2,\"1,234.50\",10,5", "a grouped number"),
    ("C1,2024-03-05,O1,P1,2,(5.00),10,5", "a negative in brackets"),
    ("C1,2024-03-05,O1,P1,2,10,\" \",5", "a blank optional number"),
])
def test_a_file_the_fast_casts_cannot_read_takes_the_long_way(tmp_path, monkeypatch, cells,
                                                              why):
    text = HEADER + "C1,2024-01-10,O1,P1,2,100.00,110.00,60.00\n" + cells + "\n"
    folder = write_dataset(tmp_path / "ds", transactions=text)
    fast, fast_warnings, taken = _load(folder, monkeypatch, fused=True)
    slow, slow_warnings, _ = _load(folder, monkeypatch, fused=False)
    assert taken["transactions"] is False, why
    assert fast == slow and fast_warnings == slow_warnings


@pytest.mark.parametrize("transactions, activities", [
    (HEADER + "C1,2024-01-10,O1,P1,2,abc,10,5\n", ACTIVITIES),  # not a number
    (HEADER + ",2024-01-10,O1,P1,2,10,10,5\n", ACTIVITIES),  # empty customer
    (HEADER + "C1,,O1,P1,2,10,10,5\n", ACTIVITIES),  # empty date
    (HEADER + "C1,1899-12-31,O1,P1,2,10,10,5\n", ACTIVITIES),  # year out of range
    (HEADER + "C1,infinity,O1,P1,2,10,10,5\n", ACTIVITIES),  # not a date
    (HEADER + "C1,2024-01-10,O1,P1,inf,10,10,5\n", ACTIVITIES),  # not a finite number
    (HEADER + "C1,2024-01-10,O1,P1,2,1e13,10,5\n", ACTIVITIES),  # out of range
    (HEADER + "C1,2024-01-10,O1,P1,2,10,10\n", ACTIVITIES),  # a field short
    (HEADER + "C1,2024-01-10,O1,P1,2,10,10,5\n",
     "customer_id,activity,quantity,date\nC1,Order,-1,2024-01-10\n"),  # negative volume
    (HEADER + "C1,2024-01-10,O1,P1,2,10,10,5\n",
     "customer_id,activity,quantity,date\nC1,Order,,2024-01-10\n"),  # empty volume
])
def test_problems_are_named_as_the_long_way_names_them(tmp_path, monkeypatch, transactions,
                                                       activities):
    folder = write_dataset(tmp_path / "ds", transactions=transactions, activities=activities,
                           rates=RATES, resources=RESOURCES, customers=CUSTOMERS)
    fast, taken = _problems(folder, monkeypatch, fused=True)
    slow, _ = _problems(folder, monkeypatch, fused=False)
    assert fast == slow
    assert fast  # there is a problem to name
    assert not any(taken.get(t) for t in ("transactions", "activities")
                   if t in " ".join(fast))  # the file with the problem took the long way


# Every kind of character at either end of an id: spaces DuckDB's trim removes (ASCII and
# Unicode Zs), other whitespace it keeps (tab, CR, LF), combining marks, non-ASCII letters.
EDGES = [" ", "\u00a0", "\u2003", "\u3000", "\t", "\r", "\n", "\r\n", "\u0301", "é",
         "x", "1", "-", "\u200b", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(EDGES), st.text(max_size=6),
                          st.sampled_from(EDGES)), min_size=1, max_size=40))
def test_the_cheap_trim_equals_nullif_trim(cells):
    values = [before + middle + after for before, middle, after in cells] + [None]
    con = duckdb.connect()
    con.execute("CREATE TABLE v AS SELECT unnest($1::VARCHAR[]) AS x", [values])
    different = con.execute(
        f"SELECT x FROM v WHERE {trimmed_sql('x')} IS DISTINCT FROM NULLIF(trim(x), '')"
    ).fetchall()
    assert different == []
