r"""Exports that are safe to open in a spreadsheet, and that stay rows.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or their fullwidth forms
``＝＋－＠``), also after leading spaces, control or format characters, or that starts
with a tab, carriage return or line feed, could run as a formula in Excel or LibreOffice
(OWASP's CSV injection); it is prefixed with a single quote. Numbers are left as numbers.
Money is rounded to the cent, per value (:mod:`analytics.money`).

Every CSV (the app's downloads and the command line's files) comes from one writer,
:func:`csv_bytes` / :func:`to_csv`: Arrow's, which quotes every text field, so a carriage
return, line feed, comma or quote inside a name stays inside its cell.

Example
-------
>>> import pandas as pd
>>> frame = pd.DataFrame({"name": ["=HYPERLINK(1)", " =1+1", "\uff1d1", "Acme"],
...                       "x": [-1.0, 2.0, 3.0, 4.0]})
>>> neutralise(frame)["name"].tolist()
["'=HYPERLINK(1)", "' =1+1", "'＝1", 'Acme']
>>> csv_bytes(pd.DataFrame({"name": ["Acme\r=1+1"], "x": [-1.0]}))
b'"name","x"\n"Acme\r=1+1",-1\n'
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
import unicodedata
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.metrics import METRICS, MONEY_PREFIXES
from analytics.metrics import is_money as metric_is_money
from analytics.money import round_money
from analytics.quadrants import LABELS as QUADRANT_LABELS

# What starts a formula, also after leading whitespace, control and format characters
# (" =1", "\x00=1", "\u200b@x"); a tab, CR or LF there is enough by itself.
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                 "\t", "\r", "\n")
# Columns no metric declares (a page's own table) are money by their name's ending.
MONEY_SUFFIXES = ("revenue", "discounts", "cogs", "margin", "cost_to_serve", "profit", "cost")
_FORMULA_CHARS = frozenset(FORMULA_START)
_IGNORED_CATEGORIES = ("Cc", "Cf")  # control and format characters (NUL, U+200B, U+FEFF…)


def starts_formula(text: str) -> bool:
    r"""Whether a spreadsheet could read ``text`` as a formula: it starts with one of
    :data:`FORMULA_START`, also after whitespace, control and format characters.

    >>> [starts_formula(t) for t in ("-5 kg", "\x00=1", "\u200b@x", "\tx", "Acme", "a=1")]
    [True, True, True, True, False, False]
    """
    for char in text:
        if char in _FORMULA_CHARS:
            return True
        if char.isalnum():  # the usual first character: decided at once
            return False
        if not (char.isspace() or unicodedata.category(char) in _IGNORED_CATEGORIES):
            return False
    return False


def _safe_text(value: object) -> object:
    if isinstance(value, str) and starts_formula(value):
        return "'" + value
    return value


def _is_text(dtype) -> bool:
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _unsettled(series: pd.Series) -> np.ndarray:
    """The cells :func:`starts_formula` must look at: all but those that start with an
    ASCII letter or digit (never a formula: the usual first character), found for the
    whole column at once (0.05 s instead of 0.5 s for 400,000 cells)."""
    try:
        settled = series.str.match("[A-Za-z0-9]", na=False)
    except (AttributeError, TypeError):  # not text to pandas: look at every cell
        return np.ones(len(series), dtype=bool)
    return ~settled.to_numpy(dtype=bool, na_value=False)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot run as spreadsheet formulas.

    Only ``str`` values are touched: numbers, also in a column of mixed values, stay
    numbers. A text column that needs a prefix becomes an object column; a categorical one
    with text categories too.
    """
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame never changes
    for position, column in enumerate(out.columns):
        series = out.iloc[:, position]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            if not (_is_text(dtype.categories.dtype)
                    and any(_safe_text(c) is not c for c in dtype.categories)):
                continue
        elif not _is_text(dtype):
            continue
        unsettled = np.flatnonzero(_unsettled(series))
        if not len(unsettled):  # every cell starts with a letter or digit: none to look at
            continue
        values = series.to_numpy(dtype=object)
        risky = np.zeros(len(values), dtype=bool)
        risky[unsettled] = [isinstance(v, str) and starts_formula(v)
                            for v in values[unsettled]]
        if risky.any():
            values = values.copy()
            values[risky] = ["'" + v for v in values[risky]]
            out.isetitem(position, pd.Series(values, index=out.index, dtype=object,
                                              name=column))
    if not isinstance(out.columns, pd.MultiIndex):
        names = [_safe_text(c) for c in out.columns]
        if any(n is not c for n, c in zip(names, out.columns, strict=True)):
            out.columns = pd.Index(names, dtype=object)
    return out


def is_money(column: str) -> bool:
    """Money is what :data:`analytics.metrics.METRICS` declares money (and the ``cts_``
    family); a column no metric declares is money when its name ends like money."""
    if column in METRICS or column.startswith(MONEY_PREFIXES):
        return metric_is_money(column)
    return column.endswith(MONEY_SUFFIXES) or column == "wallet"


def round_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """Money to the cent (:func:`analytics.money.round_money`), percentages and other
    figures to four decimals."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame never changes
    for position, column in enumerate(out.columns):
        series = out.iloc[:, position]
        if not pd.api.types.is_float_dtype(series.dtype):
            continue
        if is_money(str(column)):
            out.isetitem(position, round_money(series).astype(series.dtype))
        else:
            out.isetitem(position, series.round(4))
    return out


def _as_text(series: pd.Series) -> list:
    """Cells Arrow cannot write as they are (mixed objects, lists, periods), as text:
    numbers as written, anything else guarded like any other text."""
    def text(value: object) -> str | None:
        if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                             and pd.isna(value)):
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, numbers.Number):
            return str(value)
        return _safe_text(str(value))

    return [text(v) for v in series.to_numpy(dtype=object)]


def _arrow_table(frame: pd.DataFrame):
    """An Arrow table of ``frame``'s columns (names as text, duplicates kept)."""
    import pyarrow as pa

    arrays = []
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        try:
            array = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            array = None
        if array is None or not _writable(array.type):
            array = pa.array(_as_text(series), type=pa.string())
        if frame.shape[1] == 1 and array.null_count:
            # One column: a missing cell would be an empty line, which readers skip.
            array = array.cast(pa.string()).fill_null("")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])


def _writable(kind) -> bool:
    """Whether Arrow's CSV writer writes ``kind`` as a reader expects (durations would be
    bare integers; nested, binary and extension types, pandas' periods, cannot be
    written)."""
    import pyarrow as pa
    import pyarrow.types as t

    return not (t.is_duration(kind) or t.is_nested(kind) or t.is_binary(kind)
                or t.is_large_binary(kind) or t.is_fixed_size_binary(kind)
                or t.is_dictionary(kind) or isinstance(kind, pa.ExtensionType))


# A table this long is formatted in slices, one per core at a time (Arrow's CSV writer
# releases the GIL, and formatting numbers is most of its time), written in order; a
# slice holds at most SLICE_ROWS rows, so what waits in memory stays small.
PARALLEL_ROWS = 20_000
SLICE_ROWS = 65_536


def _write_csv(frame: pd.DataFrame, sink) -> None:
    write_table(_arrow_table(neutralise(round_for_export(frame))), sink)


def write_table(table, sink, *, workers: int | None = None) -> None:
    """Write the Arrow ``table`` to ``sink`` (a path, an Arrow stream or a binary file
    object) as CSV: the bytes of Arrow's writer with ``quoting_style="needed"``, which
    quotes every text field (and each column name), whatever it holds, so a CR, LF,
    comma or quote in a cell never ends the cell or the row; numbers unquoted, a missing
    cell empty.

    A table of :data:`PARALLEL_ROWS` rows or more is formatted in slices on ``workers``
    threads (default: Arrow's count of cores), the same bytes in the same order.

    >>> import pyarrow as pa
    >>> sink = pa.BufferOutputStream()
    >>> write_table(pa.table({"name": ['A "b" c', None], "x": [1.5, 2.0]}), sink)
    >>> sink.getvalue().to_pybytes()
    b'"name","x"\\n"A ""b"" c",1.5\\n,2\\n'
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    def options(header: bool):
        return pa_csv.WriteOptions(quoting_style="needed", include_header=header)

    rows = table.num_rows
    workers = pa.cpu_count() if workers is None else workers
    if rows < max(PARALLEL_ROWS, 2) or workers < 2:
        pa_csv.write_csv(table, sink, options(True))
        return

    def formatted(start: int, length: int):
        buffer = pa.BufferOutputStream()
        pa_csv.write_csv(table.slice(start, length), buffer, options(start == 0))
        return buffer.getvalue()

    parts = max(workers, -(-rows // SLICE_ROWS))
    length = -(-rows // parts)
    opened = isinstance(sink, (str, os.PathLike))
    if opened:
        stream = pa.OSFile(os.fspath(sink), mode="wb")
    else:  # an Arrow stream, or a Python file object as Arrow's writer takes it
        stream = sink if isinstance(sink, pa.NativeFile) else pa.PythonFile(sink, mode="w")
    try:
        with ThreadPoolExecutor(workers) as pool:
            waiting: deque = deque()
            for start in range(0, rows, length):
                waiting.append(pool.submit(formatted, start, length))
                if len(waiting) > workers:
                    stream.write(waiting.popleft().result())
            while waiting:
                stream.write(waiting.popleft().result())
    finally:
        if opened:
            stream.close()


def csv_bytes(frame: pd.DataFrame, *, bom: bool = False) -> bytes:
    """``frame`` as UTF-8 CSV: formula-safe cells, money to the cent, one line per row
    (text fields quoted, so line breaks inside a cell stay in it), ``\\n`` line ends.

    ``bom`` starts the file with a byte order mark, so that Excel reads it as UTF-8 (the
    app's downloads); readers such as pandas and DuckDB skip it.
    """
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    if bom:
        sink.write(b"\xef\xbb\xbf")
    _write_csv(frame, sink)
    return sink.getvalue().to_pybytes()


def to_csv(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` to ``path`` as :func:`csv_bytes` does, without a byte order mark
    (Arrow's writer: several times faster than pandas')."""
    _write_csv(frame, path)


# -- the dashboard's downloads: human headers, Yes/No, percentages, Excel formats -------

# Columns no metric declares, named for a reader.
COMMON_LABELS = {
    "customer_id": "Customer ID", "name": "Name", "segment": "Segment", "region": "Region",
    "quadrant": "Quadrant", "activity": "Activity", "resource": "Resource",
    "driver": "Driver", "date": "Date", "month": "Month", "year": "Year",
    "robustness": "Rate robustness", "status": "Status", "product_id": "Product ID",
    "order_id": "Order ID", "rate": "Rate per unit", "share_pct": "Share %",
    "used_pct": "Used %", "top_customer_share_pct": "Biggest user's share %",
}
_PCT_UNITS = ("pct", "probability")


def column_label(column: str) -> str:
    """The header a person reads for a column: the metric registry's label, a common
    name's, ``Cost to serve: <activity>`` for the ``cts_`` family, else the name in words.

    >>> [column_label(c) for c in ("net_margin_pct", "customer_id", "cts_Order change",
    ...                            "avg_order_lines", "Already human")]
    ['Net margin %', 'Customer ID', 'Cost to serve: Order change', 'Avg order lines', \
'Already human']
    """
    if column in METRICS:
        return METRICS[column].label
    if column in COMMON_LABELS:
        return COMMON_LABELS[column]
    if column.startswith("cts_"):
        return f"Cost to serve: {column[4:]}"
    if column != column.lower() or " " in column:  # a page's own human name
        return column
    words = column.replace("_pct", " %").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def column_kind(column: str, series: pd.Series) -> str:
    """How a column is shown: ``flag`` (Yes/No), ``money``, ``pct`` (12.5 means 12.5 %),
    ``probability`` (0 to 1), ``count``, ``minutes``, ``rate``, ``number``, ``id`` (a
    whole number never given separators: a year, an id), ``date`` or ``text``.

    >>> [column_kind(c, pd.Series(v)) for c, v in (("profit", [1.5]), ("flag", [True]),
    ...  ("share_pct", [2.0]), ("year", [2024]), ("orders", [3]), ("name", ["A"]))]
    ['money', 'flag', 'pct', 'id', 'count', 'text']
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or (
            pd.api.types.is_object_dtype(dtype) and series.notna().any()
            and series.dropna().map(type).eq(bool).all()):
        return "flag"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if not pd.api.types.is_numeric_dtype(dtype):
        return "text"
    metric = METRICS.get(column)
    if metric is not None:
        return metric.unit
    if is_money(column):
        return "money"
    if column.endswith("_pct"):
        return "pct"
    if pd.api.types.is_integer_dtype(dtype):
        return "id" if column.endswith(("_id", "year", "cohort")) else "count"
    return "number"


@dataclass(frozen=True)
class ExportColumn:
    """One column of a download: its name in the data (``key``), the header shown, its
    kind (:func:`column_kind`) and the definition, when the registry has one."""

    key: str
    header: str
    kind: str
    definition: str = ""


def export_columns(frame: pd.DataFrame,
                   labels: dict[str, str] | None = None) -> list[ExportColumn]:
    """The columns of ``frame`` as a download shows them: ``labels[key]`` (a page's own
    header) or :func:`column_label`; a percentage's header ends with ``%`` (its cells
    are percentages); a header that repeats gets its key in brackets.

    >>> [(c.header, c.kind) for c in export_columns(
    ...     pd.DataFrame({"share_pct": [1.0], "cost": [2.0]}), {"share_pct": "Share"})]
    [('Share %', 'pct'), ('Resource cost', 'money')]
    """
    labels = labels or {}
    out, seen = [], set()
    for position, column in enumerate(frame.columns):
        key = str(column)
        kind = column_kind(key, frame.iloc[:, position])
        header = str(labels.get(key) or column_label(key))
        if kind in _PCT_UNITS and "%" not in header:
            header += " %"
        if header in seen:
            header = f"{header} ({key})"
        header = _safe_text(header)
        seen.add(header)
        metric = METRICS.get(key)
        out.append(ExportColumn(key, header, kind, metric.definition if metric else ""))
    return out


def _yes_no(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=object)
    return pd.Series([None if v is None or v is pd.NA or (isinstance(v, float) and v != v)
                      else ("Yes" if v else "No") for v in values],
                     index=series.index, dtype=object)


def human_frame(frame: pd.DataFrame, labels: dict[str, str] | None = None, *,
                fractions: bool = False) -> tuple[pd.DataFrame, list[ExportColumn]]:
    """``frame`` as a person reads it, ready for a file: money to the cent, flags as
    Yes/No, percentages as percentages with two decimals (33.5052 -> 33.51; a
    probability 0.335 -> 33.5) or, with ``fractions`` (Excel, whose % format multiplies
    by 100), as fractions (0.335052), missing values empty, human headers
    (:func:`export_columns`), text that cannot run as a formula.

    >>> out, _ = human_frame(pd.DataFrame({"customer_id": ["=C1"], "net_margin_pct": [33.5052],
    ...                                    "flag": [True], "profit": [1.005],
    ...                                    "quadrant": ["carriage_trade"]}))
    >>> out.columns.tolist()
    ['Customer ID', 'Net margin %', 'Flag', 'Operating profit', 'Quadrant']
    >>> [str(v) for v in out.iloc[0]]
    ["'=C1", '33.51', 'Yes', '1.01', 'Carriage trade']
    """
    columns = export_columns(frame, labels)
    out = round_for_export(frame)
    for position, column in enumerate(columns):
        series = out.iloc[:, position]
        if column.kind == "flag":
            out.isetitem(position, _yes_no(series))
        elif column.kind == "text" and (column.key == "quadrant"
                                        or column.key.startswith("quadrant_")):
            # Quadrant keys (carriage_trade) read as on screen (Carriage trade).
            out.isetitem(position, series.map(lambda v: QUADRANT_LABELS.get(v, v)))
        elif column.kind in _PCT_UNITS:
            points = series.astype(float) * (100 if column.kind == "probability" else 1)
            out.isetitem(position, (points / 100).round(8) if fractions else points.round(2))
    out.columns = pd.Index([c.header for c in columns], dtype=object)
    return neutralise(out), columns


def human_csv_bytes(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> bytes:
    """The dashboard's CSV download: :func:`human_frame` written by the CLI's writer
    (:func:`csv_bytes`), with a byte order mark so that Excel reads it as UTF-8. The
    command line's files keep the data's names (a contract for scripts)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table, _ = human_frame(frame, labels)
    sink = pa.BufferOutputStream()
    sink.write(b"\xef\xbb\xbf")
    pa_csv.write_csv(_arrow_table(table), sink, pa_csv.WriteOptions(quoting_style="needed"))
    return sink.getvalue().to_pybytes()


def excel_formats(currency: str = "$") -> dict[str, str]:
    """Excel number formats by column kind (money with the symbol before, the minus sign
    first, as on screen: -$1,234.50).

    >>> excel_formats("€")["money"], excel_formats()["pct"]
    ('"€"#,##0.00;-"€"#,##0.00', '0.0%')
    """
    symbol = '"' + currency.replace('"', '""') + '"'
    return {"money": f"{symbol}#,##0.00;-{symbol}#,##0.00", "pct": "0.0%",
            "probability": "0.0%", "count": "#,##0", "minutes": "#,##0.0",
            "rate": "#,##0.0000", "number": "#,##0.00", "id": "0", "date": "yyyy-mm-dd"}


def _cell_width(column: ExportColumn, series: pd.Series) -> int:
    """Characters the column needs (header and values, values measured on up to 2,000
    rows), between 8 and 50."""
    sample = series.head(2000)
    if column.kind in ("text", "flag"):
        lengths = sample.dropna().astype(str).str.len()
        content = int(lengths.max()) if len(lengths) else 0
    elif column.kind == "date":
        content = 10
    else:
        numbers_ = pd.to_numeric(sample, errors="coerce").abs().dropna()
        biggest = float(numbers_.max()) if len(numbers_) else 0.0
        digits = len(f"{biggest:,.0f}")
        content = digits + {"money": 5, "pct": 3, "probability": 3, "minutes": 3,
                            "rate": 6, "number": 4}.get(column.kind, 1)
    return max(8, min(50, max(len(column.header), content) + 2))


def to_excel_bytes(frame: pd.DataFrame, sheet: str = "data",
                   labels: dict[str, str] | None = None, currency: str = "$") -> bytes:
    """An .xlsx workbook of ``frame`` as a finance team expects it: human headers
    (:func:`human_frame`) in a bold, frozen first row with a filter, money in a currency
    format, percentages as numbers with a ``0.0%`` format, counts with separators,
    Yes/No flags, empty cells empty, columns as wide as their contents; and a second
    sheet, "Columns", that names each column in the data (the CLI's CSV headers) with its
    definition. Every text cell is stored as text, never a formula.
    """
    import io

    import xlsxwriter

    table, columns = human_frame(frame, labels, fractions=True)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False,
                                        "strings_to_urls": False})
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True,
                              "valign": "top"})
    formats = {kind: book.add_format({"num_format": code})
               for kind, code in excel_formats(currency).items()}
    sheet_ = book.add_worksheet(_sheet_name(sheet))
    for position, column in enumerate(columns):
        series = table.iloc[:, position]
        cell_format = formats.get(column.kind)
        sheet_.set_column(position, position, _cell_width(column, series), cell_format)
        sheet_.write_string(0, position, column.header, header)
        if column.kind == "date":
            series = pd.to_datetime(series).dt.tz_localize(None) if getattr(
                series.dt, "tz", None) else series
        for row, value in enumerate(_cells(series, column.kind), start=1):
            if value is None:
                continue  # empty, never "None" or "nan"
            if isinstance(value, str):
                sheet_.write_string(row, position, value)
            elif column.kind == "date":
                sheet_.write_datetime(row, position, value, cell_format)
            else:
                sheet_.write_number(row, position, value, cell_format)
    sheet_.freeze_panes(1, 0)
    if columns:
        sheet_.autofilter(0, 0, len(table), len(columns) - 1)
    notes = book.add_worksheet("Columns")
    notes.write_row(0, 0, ["Column", "Name in the data", "Definition"], header)
    for row, column in enumerate(columns, start=1):
        notes.write_row(row, 0, [column.header, _safe_text(column.key), column.definition])
    notes.set_column(0, 1, 32)
    notes.set_column(2, 2, 90)
    notes.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    """A valid, non-reserved sheet name (31 characters, none of ``[]:*?/\\``)."""
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in name).strip("'")[:31]
    return "data" if not cleaned or cleaned.lower() == "columns" else cleaned


def _cells(series: pd.Series, kind: str) -> list:
    """The cells of a column as Python values for the writer: ``None`` when missing,
    numbers as floats, text as text (anything else as its text, guarded)."""
    out = []
    for value in series.to_numpy(dtype=object):
        if value is None or value is pd.NA or value is pd.NaT or (
                isinstance(value, float) and math.isnan(value)):
            out.append(None)
        elif isinstance(value, str):
            out.append(value)
        elif kind == "date" and hasattr(value, "to_pydatetime"):
            out.append(value.to_pydatetime())
        elif kind == "date" or isinstance(value, dt.date):
            out.append(value)
        elif isinstance(value, numbers.Number) and not isinstance(value, bool):
            number = float(value)
            out.append(number if math.isfinite(number) else None)
        else:
            out.append(_safe_text(str(value)))
    return out


def export_file_name(name: str, selection=None, first: dt.date | None = None,
                     last: dt.date | None = None) -> str:
    """A download's file name (without extension) carrying the period and filters of
    ``selection`` (a :class:`~analytics.selection.Selection`; its open ends are the
    data's ``first`` and ``last`` dates): ``customers_2024-01-01_2024-12-31_Demanding``.
    Characters a file system may refuse become ``-``.

    >>> from analytics.selection import Selection
    >>> export_file_name("customers", Selection(segments=["Demanding"]),
    ...                  dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    'customers_2024-01-01_2024-12-31_Demanding'
    >>> export_file_name("customers", Selection(dt.date(2024, 3, 1), regions=["N/E", "S"]),
    ...                  dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    'customers_2024-03-01_2024-12-31_N-E_S'
    >>> export_file_name("problems")
    'problems'
    """
    if selection is None:
        return _file_safe(name)
    start = selection.start or first
    end = selection.end or last
    parts = [name]
    if start is not None or end is not None:
        parts += [str(start or "start"), str(end or "end")]
    parts += [*selection.segments, *selection.regions]
    return _file_safe("_".join(_file_safe(p) for p in parts))[:150]


def _file_safe(text: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]+", "-", str(text), flags=re.UNICODE).strip(" .-")
    return re.sub(r"\s+", "-", cleaned) or "export"
