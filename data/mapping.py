"""Column mapping for uploads: file headers, suggested matches, CSV templates.

An ERP export rarely says ``customer_id``; it says ``Cust No`` or ``Debitor``. This
module reads a file's header row (CSV, Excel or Parquet, without reading the data),
suggests which header feeds each contract column (the contract name first, then
common synonyms), and writes a CSV template per table. A *mapping* is
``{contract column: header as in the file}``, the form ``Store.stage_files`` and
``Store.remember_mapping`` take; a column the file lacks is left out.

>>> suggest_mapping("transactions", ["Cust No", "Invoice Date", "Amount", "Qty"])
{'customer_id': 'Cust No', 'date': 'Invoice Date', 'net_revenue': 'Amount', 'quantity': 'Qty'}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from data.contract import EXTENSIONS, TABLES, normalise_header
from data.sources import SourceError, _cell_text, _check_text, check_workbook_size, csv_header

# Headers real exports use for each contract column, best first (matched after
# normalise_header, so case, spaces and hyphens do not matter). The contract name
# itself always comes before any synonym.
_CUSTOMER_ID = (
    "customer", "customer_no", "customer_number", "customer_nr", "customer_code",
    "customer_key", "cust_no", "cust_id", "cust", "account", "account_no",
    "account_number", "client", "client_id", "kunde", "kunden_nr", "kundennummer",
    "kundennr", "debitor", "debitorennummer", "debtor", "sold_to", "sold_to_party",
)
_ORDER_ID = (
    "order", "order_no", "order_number", "order_nr", "sales_order", "sales_order_no",
    "so_number", "auftrag", "auftragsnummer", "auftragsnr",
)
_DATE = ("datum", "day", "transaction_date")
_ACTIVITY = ("activity_type", "activity_name", "service", "service_type", "task",
             "cost_driver", "driver", "tätigkeit", "aktivität")
_RESOURCE = ("resource_group", "resource_name", "department", "cost_centre",
             "cost_center", "team", "kostenstelle")

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "transactions": {
        "customer_id": _CUSTOMER_ID,
        "date": ("invoice_date", "posting_date", "billing_date", "document_date",
                 "rechnungsdatum", "buchungsdatum", "order_date", "ship_date", *_DATE),
        "net_revenue": ("net_amount", "net_sales", "net_value", "net_revenue_amount",
                        "amount", "revenue", "sales", "sales_amount", "line_amount",
                        "invoice_amount", "umsatz", "nettoumsatz", "nettobetrag",
                        "betrag"),
        "order_id": _ORDER_ID,
        "product_id": ("product", "product_no", "product_number", "product_code", "item",
                       "item_no", "item_number", "item_code", "sku", "article",
                       "article_no", "material", "artikel", "artikelnummer", "artikelnr"),
        "quantity": ("qty", "units", "quantity_sold", "menge", "anzahl"),
        "list_revenue": ("gross_amount", "list_amount", "list_value", "gross_sales",
                         "gross_revenue", "list_price_amount", "bruttoumsatz",
                         "listenumsatz"),
        "gross_profit": ("profit", "gross_margin", "margin", "gross_profit_amount",
                         "contribution", "rohertrag", "deckungsbeitrag"),
        "unit_cost": ("cost_per_unit", "unit_cost_price", "standard_unit_cost",
                      "einstandspreis"),
        "discount": ("discount_rate", "discount_pct", "discount_percent", "rabatt"),
        "cogs": ("cost", "cost_of_sales", "cost_of_goods_sold", "cost_amount",
                 "standard_cost", "cost_of_goods", "wareneinsatz", "einstandswert",
                 "herstellkosten"),
    },
    "activities": {
        "customer_id": _CUSTOMER_ID,
        "activity": _ACTIVITY,
        "quantity": ("qty", "count", "volume", "units", "driver_quantity", "times",
                     "menge", "anzahl"),
        "date": ("activity_date", "service_date", "posting_date", *_DATE),
        "order_id": _ORDER_ID,
    },
    "rates": {
        "activity": _ACTIVITY,
        "cost_per_unit": ("rate", "unit_cost", "cost_per_driver", "cost_rate",
                          "price_per_unit", "kostensatz"),
        "resource": _RESOURCE,
        "unit_time": ("time_per_unit", "minutes", "minutes_per_unit", "unit_minutes",
                      "hours_per_unit", "standard_time", "zeit"),
        "relationship": ("relationship_investment", "relationship_activity"),
    },
    "resources": {
        "resource": _RESOURCE,
        "cost": ("total_cost", "annual_cost", "cost_supplied", "budget", "kosten"),
        "capacity": ("practical_capacity", "capacity_minutes", "capacity_hours",
                     "available_time", "kapazität"),
    },
    "customers": {
        "customer_id": _CUSTOMER_ID,
        "name": ("customer_name", "company", "company_name", "account_name", "client_name",
                 "name_1", "name1", "firma", "kundenname"),
        "segment": ("customer_segment", "customer_group", "group", "category", "class",
                    "kundengruppe", "segmentierung"),
        "region": ("area", "territory", "sales_region", "country", "zone", "gebiet",
                   "land"),
        "since": ("customer_since", "first_order", "first_order_date", "start_date",
                  "created", "created_on", "kunde_seit"),
        "wallet": ("share_of_wallet_base", "wallet_size", "potential", "total_spend",
                   "category_spend", "potenzial"),
        "referrals": ("referral", "references", "word_of_mouth", "endorsements",
                      "empfehlungen"),
        "co_development": ("codevelopment", "co_develops", "joint_development",
                           "collaborates"),
        "invests": ("invests_in_us", "investment_in_supplier", "investor"),
        "relationship": ("relationship_type", "relationship_kind", "account_type",
                         "beziehung"),
    },
}

# Example rows for the templates: together the five templates form a dataset that loads
# (every activity has a rate, every rate's resource is in resources).
TEMPLATE_ROWS: dict[str, list[dict[str, str]]] = {
    "transactions": [
        {"customer_id": "C001", "date": "2024-01-15", "net_revenue": "1200.00",
         "order_id": "SO-1001", "product_id": "P-100", "quantity": "10",
         "list_revenue": "1350.00", "cogs": "780.00"},
        {"customer_id": "C002", "date": "2024-01-16", "net_revenue": "-45.50",
         "order_id": "SO-1002", "product_id": "P-200", "quantity": "-1",
         "list_revenue": "-50.00", "cogs": "-30.00"},
    ],
    "activities": [
        {"customer_id": "C001", "activity": "Order entry", "quantity": "1",
         "date": "2024-01-15", "order_id": "SO-1001"},
        {"customer_id": "C002", "activity": "Freight", "quantity": "2",
         "date": "2024-01-16", "order_id": "SO-1002"},
    ],
    "rates": [
        {"activity": "Order entry", "cost_per_unit": "", "resource": "Customer service",
         "unit_time": "12", "relationship": "no"},
        {"activity": "Freight", "cost_per_unit": "35.00", "resource": "", "unit_time": "",
         "relationship": ""},
    ],
    "resources": [
        {"resource": "Customer service", "cost": "250000", "capacity": "400000"},
    ],
    "customers": [
        {"customer_id": "C001", "name": "Example Industries Ltd", "segment": "Premium service",
         "region": "North", "since": "2019-04-01", "wallet": "50000", "referrals": "2",
         "co_development": "yes", "invests": "no", "relationship": "collaborative"},
        {"customer_id": "C002", "name": "Sample Trading GmbH", "segment": "Price-driven",
         "region": "South", "since": "2021-09-15", "wallet": "", "referrals": "",
         "co_development": "", "invests": "", "relationship": "transactional"},
    ],
}


def read_headers(path: str | Path, display: str | None = None) -> list[str]:
    """The header row of a CSV, Excel (first worksheet) or Parquet file, as written.

    Reads only what it needs (the first 64 KiB of a CSV, the first row of a
    worksheet, a Parquet file's schema). Raises :class:`SourceError`, naming
    ``display`` (the file name by default), for an empty, unreadable or unsupported file.
    """
    path = Path(path)
    display = display or path.name
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise SourceError(display, "is not a CSV, Excel (.xlsx) or Parquet file")
    if path.stat().st_size == 0:
        raise SourceError(display, "the file is empty")
    if suffix == ".xlsx":
        check_workbook_size(path, display)
        headers = _xlsx_headers(path, display)
    elif suffix == ".parquet":
        headers = _parquet_headers(path, display)
    else:
        headers = _csv_headers(path, display)
    if not any(h.strip() for h in headers):
        raise SourceError(display, "the header row is empty")
    return headers


def read_sample_rows(path: str | Path, display: str | None = None, rows: int = 200
                     ) -> pd.DataFrame:
    """The first ``rows`` records of a file as text, under its headers (for previews such
    as dates as they will be read). Reads only the start of a CSV or worksheet."""
    path = Path(path)
    display = display or path.name
    suffix = path.suffix.lower()
    headers = read_headers(path, display)
    sniffed = ","
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            records = [[_cell_text(c) for c in row] for row in
                       book.worksheets[0].iter_rows(min_row=2, max_row=rows + 1,
                                                    values_only=True)]
        finally:
            book.close()
    elif suffix == ".parquet":
        import duckdb

        con = duckdb.connect(":memory:")
        try:
            frame = con.execute("SELECT * FROM read_parquet(?) LIMIT ?",
                                [str(path), int(rows)]).df()
        finally:
            con.close()
        records = [[None if pd.isna(v) else str(v) for v in row]
                   for row in frame.itertuples(index=False)]
    else:
        encoding, head = _check_text(path, display)
        codec = {"utf-16": "utf-16", "windows-1252": "cp1252"}.get(encoding, "utf-8")
        text = head.decode(codec, errors="ignore").lstrip("\ufeff")
        delimiter, _ = csv_header(text, display)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        sniffed = delimiter
        next(reader, None)
        records = [row for _, row in zip(range(rows), reader, strict=False) if any(row)]
    width = len(headers)
    names = [h if h.strip() else f"column {i + 1}" for i, h in enumerate(headers)]
    names = [n if names.index(n) == i else f"{n} ({i + 1})" for i, n in enumerate(names)]
    cells = [list(r[:width]) + [None] * (width - len(r)) for r in records]
    frame = pd.DataFrame(cells, columns=names, dtype=object)
    frame.attrs["delimiter"] = sniffed
    return frame


def _csv_headers(path: Path, display: str) -> list[str]:
    encoding, head = _check_text(path, display)
    if encoding == "utf-16":
        text = head.decode("utf-16", errors="ignore")
    elif encoding == "windows-1252":
        text = head.decode("cp1252", errors="replace")
    else:
        text = head.decode("utf-8", errors="ignore")
    return csv_header(text, display)[1]


def _xlsx_headers(path: Path, display: str) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise SourceError(display, f"is not a readable Excel workbook ({exc})") from None
    try:
        if not book.worksheets:
            raise SourceError(display, "the workbook has no worksheet")
        first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), None)
    finally:
        book.close()
    if first is None or all(c is None for c in first):
        raise SourceError(display, "the file is empty")
    return [_cell_text(c) or "" for c in first]


def _parquet_headers(path: Path, display: str) -> list[str]:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        rows = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error:
        raise SourceError(display, "is not a readable Parquet file") from None
    finally:
        con.close()
    return [row[0] for row in rows]


def suggest_mapping(table: str, headers: list[str]) -> dict[str, str]:
    """Contract column -> file header, for every column a header can be found for.

    A header whose normalised form is the contract name wins; otherwise the first
    synonym present (in :data:`SYNONYMS` order). Each header feeds one column at most.
    """
    spec = TABLES[table]
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalise_header(header), header)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for name in spec.names:  # exact names first, so a synonym never steals one
        if name in by_key:
            mapping[name] = by_key[name]
            taken.add(name)
    for name in spec.names:
        if name in mapping:
            continue
        for synonym in SYNONYMS.get(table, {}).get(name, ()):
            key = normalise_header(synonym)
            if key in by_key and key not in taken:
                mapping[name] = by_key[key]
                taken.add(key)
                break
    return {name: mapping[name] for name in spec.names if name in mapping}


def restore_mapping(table: str, headers: list[str], saved: dict[str, str]) -> dict[str, str]:
    """A remembered mapping applied to this file's headers (matched by normalised name).

    Columns whose remembered header is not in the file are left out.
    """
    by_key = {normalise_header(h): h for h in reversed(headers)}
    return {
        name: by_key[normalise_header(header)]
        for name, header in saved.items()
        if name in TABLES[table].names and normalise_header(header) in by_key
    }


def mapping_problems(table: str, mapping: dict[str, str | None]) -> list[str]:
    """Why a mapping cannot be used: required columns unmapped, a header used twice."""
    spec = TABLES[table]
    problems = [
        f'choose the column that holds "{name}" (required)'
        for name in spec.required_names
        if not mapping.get(name)
    ]
    users: dict[str, list[str]] = {}
    for name, header in mapping.items():
        if header:
            users.setdefault(normalise_header(header), []).append(name)
    for names in users.values():
        if len(names) > 1:
            header = mapping[names[0]]
            problems.append(f'the column "{header}" is chosen for {" and ".join(names)}: '
                            "each column of the file can feed one field only")
    return problems


def importer_mapping(
    table: str, headers: list[str], mapping: dict[str, str | None]
) -> dict[str, str | None]:
    """The mapping as the importer needs it: every contract column, with ``None`` for a
    column the user marked as not in the file (the importer then ignores a header that
    happens to carry its name)."""
    return {name: mapping.get(name) or None for name in TABLES[table].names}


# What a person reads for each contract column (the Data page's mapping, the contract
# tables); the contract name stays in the help text.
COLUMN_LABELS = {
    "customer_id": "Customer ID", "date": "Date", "net_revenue": "Net revenue",
    "order_id": "Order ID", "product_id": "Product ID", "quantity": "Quantity",
    "list_revenue": "List revenue", "cogs": "COGS (cost of goods sold)",
    "gross_profit": "Gross profit", "unit_cost": "Unit cost", "discount": "Discount",
    "activity": "Activity", "cost_per_unit": "Cost per unit", "resource": "Resource",
    "unit_time": "Unit time", "relationship": "Relationship", "cost": "Cost",
    "capacity": "Practical capacity", "name": "Name", "segment": "Segment",
    "region": "Region", "since": "Customer since", "wallet": "Wallet",
    "referrals": "Referrals", "co_development": "Co-development", "invests": "Invests",
}


def column_label(name: str) -> str:
    """The label of a contract column (its name in words when none is declared).

    >>> column_label("net_revenue"), column_label("cogs"), column_label("new_thing")
    ('Net revenue', 'COGS (cost of goods sold)', 'New thing')
    """
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def contract_frame(table: str) -> pd.DataFrame:
    """The contract of one table as a DataFrame: column, label, kind, required, meaning."""
    spec = TABLES[table]
    return pd.DataFrame(
        {
            "column": [c.name for c in spec.columns],
            "label": [column_label(c.name) for c in spec.columns],
            "kind": [c.kind for c in spec.columns],
            "required": ["yes" if c.required else "no" for c in spec.columns],
            "meaning": [c.description for c in spec.columns],
        }
    )


def problem_table(problems) -> pd.DataFrame:
    """Importer problems as a table: file, line, column, value, problem, and the full text.

    Values are kept as written (a table shows text as is); the line reads "line 4"
    for CSV, "row 4" for Excel and Parquet.
    """
    return pd.DataFrame(
        {
            "file": [p.file for p in problems],
            "line": [
                "" if p.line is None else f"{p.line_word} {p.line}" for p in problems
            ],
            "column": [p.column or "" for p in problems],
            "value": ["" if p.value is None else p.value for p in problems],
            "problem": [p.message for p in problems],
            "details": [str(p) for p in problems],
        },
        dtype=object,
    )


def template_csv(table: str) -> bytes:
    """A CSV template for ``table``: the contract's columns, then example rows.

    >>> template_csv("resources").decode().splitlines()[0]
    'resource,cost,capacity'
    """
    names = [c.name for c in TABLES[table].stored]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in TEMPLATE_ROWS[table]:
        writer.writerow([row.get(name, "") for name in names])
    return buffer.getvalue().encode("utf-8")


__all__ = [
    "SYNONYMS",
    "contract_frame",
    "importer_mapping",
    "mapping_problems",
    "problem_table",
    "read_headers",
    "read_sample_rows",
    "restore_mapping",
    "suggest_mapping",
    "template_csv",
]
