"""Upload helpers: header reading, suggested and remembered mappings, templates."""

import io

import pandas as pd
import pytest

from data import TABLE_ORDER, TABLES, DatasetError, Store
from data.contract import normalise_header
from data.mapping import (
    SYNONYMS,
    contract_frame,
    importer_mapping,
    mapping_problems,
    problem_table,
    read_headers,
    restore_mapping,
    suggest_mapping,
    template_csv,
)
from data.sources import SourceError

ERP_HEADERS = ["Cust No", "Invoice Date", "Amount", "Qty", "Sales Order", "Cost"]
ERP_CSV = (
    "Cust No;Invoice Date;Amount;Qty;Sales Order;Cost\n"
    "C1;10.01.2024;1.000,00;2;O1;600,00\n"
    "C2;15.01.2024;200,00;1;O2;150,00\n"
)


# --- headers from each format ----------------------------------------------------------


def test_headers_of_a_csv_with_bom_semicolons_and_quotes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes('\ufeff"Cust No";"Invoice; Date";Amount\r\nC1;2024-01-01;5\r\n'.encode())
    assert read_headers(path) == ["Cust No", "Invoice; Date", "Amount"]


def test_headers_of_a_windows_1252_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("Kunde,Datum,Umsatz €\nC1,01.01.2024,5\n".encode("cp1252"))
    assert read_headers(path) == ["Kunde", "Datum", "Umsatz €"]


def test_headers_of_a_utf16_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("Kunde\tDatum\tUmsatz\r\nC1\t01.01.2024\t5\r\n".encode("utf-16"))
    assert read_headers(path) == ["Kunde", "Datum", "Umsatz"]


def test_headers_of_an_xlsx(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"Cust No": ["C1"], "Invoice Date": ["2024-01-01"], "Amount": [5.0]}).to_excel(
        path, index=False
    )
    assert read_headers(path) == ["Cust No", "Invoice Date", "Amount"]


def test_headers_of_a_parquet(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"Cust No": ["C1"], "Invoice Date": ["2024-01-01"], "Amount": [5.0]}).to_parquet(
        path
    )
    assert read_headers(path) == ["Cust No", "Invoice Date", "Amount"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.csv", b"", "the file is empty"),
        ("t.csv", b"\n\n", "the file is empty"),
        ("t.csv", b"a,b\x00c\n", "is not a text file"),
        ("t.txt", b"a,b\n", "is not a CSV, Excel (.xlsx) or Parquet file"),
        ("t.xlsx", b"not a workbook", "is not a readable Excel workbook"),
        ("t.parquet", b"not parquet", "is not a readable Parquet file"),
    ],
)
def test_unreadable_files_are_refused_by_name(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"^Report\.csv: ") as error:
        read_headers(path, display="Report.csv")
    assert message in str(error.value)


# --- suggestions -----------------------------------------------------------------------


def test_an_erp_export_maps_by_synonyms():
    assert suggest_mapping("transactions", ERP_HEADERS) == {
        "customer_id": "Cust No",
        "date": "Invoice Date",
        "net_revenue": "Amount",
        "order_id": "Sales Order",
        "quantity": "Qty",
        "cogs": "Cost",
    }


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Customer", "customer_id"), ("Customer Number", "customer_id"),
        ("ACCOUNT", "customer_id"), ("Kunde", "customer_id"), ("Debitor", "customer_id"),
        ("Posting Date", "date"), ("Datum", "date"), ("Net Amount", "net_revenue"),
        ("Net Sales", "net_revenue"), ("Revenue", "net_revenue"), ("Umsatz", "net_revenue"),
        ("Gross Amount", "list_revenue"), ("List Amount", "list_revenue"),
        ("COGS", "cogs"), ("Cost of Sales", "cogs"), ("Order", "order_id"),
        ("Order No", "order_id"), ("Sales Order", "order_id"),
    ],
)
def test_transaction_synonyms(header, column):
    assert suggest_mapping("transactions", [header]) == {column: header}


def test_contract_names_win_over_synonyms_and_a_header_feeds_one_column():
    headers = ["Amount", "Net Revenue", "Customer ID", "Customer"]
    mapping = suggest_mapping("transactions", headers)
    assert mapping["net_revenue"] == "Net Revenue"
    assert mapping["customer_id"] == "Customer ID"
    assert "Amount" not in mapping.values()  # no other transaction column means "amount"
    assert suggest_mapping("activities", ["Cust No", "Service", "Qty"]) == {
        "customer_id": "Cust No", "activity": "Service", "quantity": "Qty",
    }
    assert suggest_mapping("activities", ["Activity Type"]) == {"activity": "Activity Type"}


def test_synonyms_are_written_normalised_and_name_contract_columns():
    for table, columns in SYNONYMS.items():
        for column, synonyms in columns.items():
            assert column in TABLES[table].names
            for synonym in synonyms:
                assert normalise_header(synonym) == synonym
                assert synonym not in TABLES[table].names


def test_mapping_problems_name_unmapped_required_columns_and_doubles():
    assert mapping_problems("transactions", {"customer_id": "A", "date": "B",
                                             "net_revenue": "C"}) == []
    problems = mapping_problems("transactions", {"customer_id": "A", "date": None,
                                                 "net_revenue": "A"})
    assert problems[0] == 'choose the column that holds "date" (required)'
    assert 'the column "A" is chosen for customer_id and net_revenue' in problems[1]


def test_importer_mapping_keeps_a_column_marked_absent_out(tmp_path):
    headers = ["customer_id", "date", "net_revenue", "cogs"]
    mapping = {"customer_id": "customer_id", "date": "date", "net_revenue": "net_revenue"}
    full = importer_mapping("transactions", headers, mapping)
    assert full["cogs"] is None and full["customer_id"] == "customer_id"
    # The importer then ignores the file's cogs column: COGS defaults to 0.
    path = tmp_path / "transactions.csv"
    path.write_text("customer_id,date,net_revenue,cogs\nC1,2024-01-01,10,7\n")
    store = Store(":memory:")
    result = store.load_files({"transactions": path}, mappings={"transactions": full})
    assert any("no cogs column" in w for w in result.warnings)
    assert store.query_df("SELECT cogs FROM transactions")["cogs"].tolist() == [0]


def test_an_erp_export_loads_with_its_suggested_mapping(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text(ERP_CSV, encoding="utf-8")
    headers = read_headers(path)
    mapping = suggest_mapping("transactions", headers)
    store = Store(":memory:")
    pending = store.stage_files(
        {"transactions": path},
        mappings={"transactions": importer_mapping("transactions", headers, mapping)},
        display_names={"transactions": "Export.csv"}, sample_rows=5,
    )
    assert pending.rows == {"transactions": 2}
    sample = pending.samples["transactions"]
    assert list(sample["customer_id"]) == ["C1", "C2"]
    assert float(sample["net_revenue"].sum()) == 1200.0
    store.commit(pending)
    assert store.info().rows["transactions"] == 2
    store.close()


def test_a_column_marked_absent_is_not_read(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text("customer_id,date,net_revenue,cogs\nC1,2024-01-01,10,oops\n")
    headers = read_headers(path)
    store = Store(":memory:")
    with pytest.raises(DatasetError, match="cogs"):
        store.stage_files({"transactions": path})
    mapping = {"customer_id": "customer_id", "date": "date", "net_revenue": "net_revenue"}
    pending = store.stage_files(
        {"transactions": path},
        mappings={"transactions": importer_mapping("transactions", headers, mapping)},
    )
    assert "cogs" not in pending.columns["transactions"]
    store.discard(pending)
    store.close()


# --- remembered mappings ---------------------------------------------------------------


def test_a_remembered_mapping_round_trips_through_the_store():
    store = Store(":memory:")
    assert store.remembered_mapping("transactions", ERP_HEADERS) is None
    mapping = {"customer_id": "Cust No", "date": "Invoice Date", "net_revenue": "Amount"}
    store.remember_mapping("transactions", ERP_HEADERS, mapping)
    # The same layout, written in another case, finds it again.
    same_layout = [h.upper() for h in ERP_HEADERS]
    saved = store.remembered_mapping("transactions", same_layout)
    assert saved == mapping
    assert restore_mapping("transactions", same_layout, saved) == {
        "customer_id": "CUST NO", "date": "INVOICE DATE", "net_revenue": "AMOUNT",
    }
    assert store.remembered_mapping("transactions", [*ERP_HEADERS, "Extra"]) is None
    assert store.remembered_mapping("activities", ERP_HEADERS) is None
    store.close()


def test_restore_mapping_drops_unknown_columns_and_headers():
    saved = {"customer_id": "Cust No", "date": "Gone", "bogus": "Amount"}
    assert restore_mapping("transactions", ERP_HEADERS, saved) == {"customer_id": "Cust No"}


# --- templates -------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLE_ORDER)
def test_every_contract_column_is_in_its_template(table):
    frame = pd.read_csv(io.BytesIO(template_csv(table)), dtype=str)
    assert list(frame.columns) == [c.name for c in TABLES[table].stored]
    assert 1 <= len(frame) <= 2
    for name in TABLES[table].required_names:
        assert frame[name].notna().all()


def test_the_templates_load_together_through_the_importer(tmp_path):
    files = {}
    for table in TABLE_ORDER:
        path = tmp_path / f"{table}.csv"
        path.write_bytes(template_csv(table))
        files[table] = path
    store = Store(":memory:")
    result = store.load_files(files, source="templates")
    assert result.rows == {"transactions": 2, "activities": 2, "rates": 2, "resources": 1,
                           "customers": 2}
    info = store.info()
    assert all(set(info.columns[t]) == {c.name for c in TABLES[t].stored} for t in TABLE_ORDER)
    store.close()


def test_contract_frame_lists_every_column():
    frame = contract_frame("transactions")
    assert list(frame["column"]) == list(TABLES["transactions"].names)
    assert list(frame.loc[frame["required"] == "yes", "column"]) == [
        "customer_id", "date", "net_revenue",
    ]


def test_problem_table_has_one_row_per_problem(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text("customer_id,date,net_revenue\nC1,2024-01-01,12O.00\n,2024-01-02,5\n")
    with pytest.raises(DatasetError) as error:
        Store(":memory:").stage_files({"transactions": path},
                                      display_names={"transactions": "<b>Sales</b>.csv"})
    table = problem_table(error.value.problems)
    assert list(table.columns) == ["file", "line", "column", "value", "problem", "details"]
    bad = table[table["column"] == "net_revenue"].iloc[0]
    assert (bad["file"], bad["line"], bad["value"]) == ("<b>Sales</b>.csv", "line 2", "12O.00")
    assert bad["problem"] == "is not a number"
    assert bad["details"] == '<b>Sales</b>.csv line 2, net_revenue: "12O.00" is not a number'
    assert "line 3" in set(table["line"])


def test_headers_agree_with_the_importer_on_blank_lines_before_the_header(tmp_path):
    """The page must not map a file the importer then refuses."""
    path = tmp_path / "transactions.csv"
    path.write_text("\n\ncustomer_id,date,net_revenue\nA,2024-01-05,10\n")
    with pytest.raises(SourceError, match="the header row is empty"):
        read_headers(path)
    with pytest.raises(DatasetError, match="the header row is empty"):
        Store(":memory:").load_files({"transactions": path})
