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


# --- dates the CSV reader types itself ----------------------------------------------
# A date column whose sampled values (the first 2,000) are all plain ISO dates is typed
# by DuckDB's CSV reader (dateformat '%Y-%m-%d'): no text kept, no cast per row. What
# the reader accepts must be what the long way reads, to the day; what it refuses (or
# reads as 1900-01-01: DuckDB reads 'infinity' and 'epoch' so) takes the long way.
PLAIN = [f"C{i % 7},2024-{1 + i % 12:02d}-{1 + i % 28:02d},O{i},P1,1,10,10,5"
         for i in range(2001)]


@pytest.mark.parametrize("cell, why", [
    ("infinity", "read as 1900-01-01 by the reader"),
    ("epoch", "read as 1900-01-01 by the reader"),
    (" Infinity ", "read as 1900-01-01 by the reader"),
    ("1900-01-01", "a real 1900-01-01: the long way reads it"),
    ("2024-01-05abc", "text after the date"),
    ("2024-02-30", "no such day"),
    ("2024-01-05 10:00", "a time of day"),
    ("\"\t2024-01-05\"", "a tab before the date: read by both"),
    ("\" 2024-1-5 \"", "spaces around a short date"),
    ("1899-12-31", "outside the years a date may have"),
    ("", "empty"),
])
def test_a_date_after_the_sampled_rows_is_read_as_the_long_way_reads_it(
        tmp_path, monkeypatch, cell, why):
    lines = [*PLAIN, f"C1,{cell},O9,P1,1,10,10,5"]
    acts = ACTIVITIES.splitlines()[0] + "\n" + "\n".join(
        f"C1,Order,1,{'2024-01-05' if i < 2001 else cell}" for i in range(2002)) + "\n"
    folder = write_dataset(tmp_path / "ds", transactions=HEADER + "\n".join(lines) + "\n",
                           activities=acts, rates=RATES, resources=RESOURCES,
                           customers=CUSTOMERS)
    # The one typed read first (each spy wraps the one before it).
    try:
        fast, fast_warnings, taken = _load(folder, monkeypatch, fused=True)
    except DatasetError:
        fast, taken = _problems(folder, monkeypatch, fused=True)
        slow, _ = _problems(folder, monkeypatch, fused=False)
        assert fast == slow and fast, why
        assert not taken.get("transactions"), why
        return
    slow = _load(folder, monkeypatch, fused=False)[:2]
    assert (fast, fast_warnings) == slow, why
    # What the reader reads as the long way does, it reads in the one typed read.
    if cell in ("\"\t2024-01-05\"", "\" 2024-1-5 \"", ""):
        assert taken["transactions"] is True, why


def test_plain_dates_are_typed_by_the_reader(tmp_path, monkeypatch):
    # The case above with only plain dates: the reader typed them (or it proves nothing).
    seen = []
    original = Importer._stage_fused

    def spy(self, name, spec, *args):
        rows = original(self, name, spec, *args)
        seen.append((spec.name, set(args[-1]) if rows else "declined"))
        return rows

    monkeypatch.setattr(Importer, "_stage_fused", spy)
    folder = write_dataset(tmp_path / "ds", transactions=HEADER + "\n".join(PLAIN) + "\n")
    store = Store(":memory:")
    try:
        store.load_folder(folder)
        assert store.info().rows["transactions"] == 2001
    finally:
        store.close()
    assert ("transactions", {"date"}) in seen
    assert ("activities", {"date"}) in seen


FUZZ_PIECES = ["2024", "1999", "2199", "1900", "-", "01", "1", "12", "13", "29", "30",
               "31", "0", " ", "\t", "\r", "\x0b", "\x0c", "\u00a0", "T", ":", "/", ".",
               "+", "e", "x", "infinity", "epoch", "BC", "(", ")"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FUZZ_PIECES), max_size=7).map("".join),
                min_size=1, max_size=300))
def test_the_reader_reads_a_date_only_as_the_long_way_does(tmp_path_factory, cells):
    # DuckDB's own behaviour the fused read stands on: every text its CSV reader types
    # as a date inside the years the fused read accepts is the long way's date.
    from data.dates import YEARS, date_sql, fast_date_sql

    cells += ["2024-01-05", " 2024-1-5", "\t1999-12-31\r", "infinity", "2024-01-05abc"]
    path = tmp_path_factory.mktemp("fuzz") / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("i,d\n" + "".join(
            f"{i},\"{c.replace(chr(34), chr(34) * 2)}\"\n" for i, c in enumerate(cells)))
    con = duckdb.connect()

    def source(kind: str, options: str = "") -> str:
        return (f"read_csv('{path}', columns={{'i': 'BIGINT', 'd': '{kind}'}}, header=true, "
                f"auto_detect=false, quote='\"', escape='\"', {options}store_rejects=true)")

    typed = con.execute(
        f"SELECT i, d FROM {source('DATE', 'dateformat=' + chr(39) + '%Y-%m-%d' + chr(39) + ', ')}"
        f" WHERE d BETWEEN DATE '{YEARS[0]}-01-02' AND DATE '{YEARS[1]}-12-31'").fetchall()
    long_way = dict(con.execute(
        f"SELECT i, {date_sql(fast_date_sql('d'), 'd', 'iso')} FROM {source('VARCHAR')}"
    ).fetchall())
    assert typed, "some value was typed by the reader"
    assert [(i, long_way[i]) for i, _ in typed] == typed


# Yes/no and choice columns (the master data's flags and relationship, the rates'
# relationship) are read by the one typed read with the long way's own expressions.
MASTER = ("customer_id,name,segment,region,since,wallet,referrals,co_development,invests,"
          "relationship\n")


@pytest.mark.parametrize("rows", [
    ["C1,Acme,Premium service,North,2019-03-01,1200.50,2,yes,false,Value-adding",
     "C2,Bolt,Price-driven,South,,, ,Y ,0, transactional ",
     "C3,Cog,Price-driven,North,2020-1-5,0,0,1.0,TRUE,",
     "C4,Dyn,,,,,,,,value adding"],
    ["C1,Acme,Premium service,North,2019-03-01,1200.50,2,maybe,false,value_adding"],
    ["C1,Acme,Premium service,North,2019-03-01,1200.50,2,yes,false,friendly"],
])
def test_flags_and_choices_take_one_read_and_give_what_the_long_way_gives(
        tmp_path, monkeypatch, rows):
    rates = "activity,resource,unit_time,relationship\nOrder,Customer service,40,Value-adding\n" \
            "Complaint,Customer service,220, transactional\n"
    folder = write_dataset(tmp_path / "ds", customers=MASTER + "\n".join(rows) + "\n",
                           rates=rates)
    try:  # the one typed read first (each spy wraps the one before it)
        fast, fast_warnings, taken = _load(folder, monkeypatch, fused=True)
    except DatasetError:
        fast, taken = _problems(folder, monkeypatch, fused=True)
        slow, _ = _problems(folder, monkeypatch, fused=False)
        assert fast == slow and fast
        assert taken["customers"] is False
        return
    slow = _load(folder, monkeypatch, fused=False)[:2]
    assert taken["customers"] is True and taken["rates"] is True
    assert (fast, fast_warnings) == slow


def test_a_date_a_drivers_condition_reads_stays_text(tmp_path):
    # A cost driver's condition on the date column reads its text: the reader must not
    # type that column (the load once stopped on ascii(DATE)).
    from data.recipe import parse_recipe

    export = tmp_path / "export"
    export.mkdir()
    (export / "lines.csv").write_text("Customer,Day,Sales,Order\n" + "".join(
        f"C{i % 3},2024-01-0{1 + i % 5},10.00,O{i}\n" for i in range(20)), encoding="utf-8")
    recipe = parse_recipe(
        '[transactions]\nfile = "export/lines.csv"\n[transactions.columns]\n'
        'customer_id = "Customer"\ndate = "Day"\nnet_revenue = "Sales"\n'
        'order_id = "Order"\n\n[[drivers]]\nactivity = "Launch-day order"\n'
        'per = "order"\nwhere = { "Day" = "2024-01-05" }\ncost_per_unit = 10\n',
        tmp_path)
    store = Store(":memory:")
    try:
        store.load_recipe(recipe)
        volumes = store.customer_base().volumes
        assert volumes["Launch-day order"].sum() == 4.0  # orders O4, O9, O14, O19
    finally:
        store.close()
