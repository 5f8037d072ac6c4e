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

import numbers
import unicodedata

import numpy as np
import pandas as pd

from analytics.metrics import METRICS, MONEY_PREFIXES
from analytics.metrics import is_money as metric_is_money
from analytics.money import round_money

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


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot run as spreadsheet formulas.

    Only ``str`` values are touched: numbers, also in a column of mixed values, stay
    numbers. A text column that needs a prefix becomes an object column; a categorical one
    with text categories too.
    """
    out = frame.copy()
    for position, column in enumerate(out.columns):
        series = out.iloc[:, position]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            if not (_is_text(dtype.categories.dtype)
                    and any(_safe_text(c) is not c for c in dtype.categories)):
                continue
        elif not _is_text(dtype):
            continue
        values = series.to_numpy(dtype=object)
        risky = np.fromiter((isinstance(v, str) and starts_formula(v) for v in values),
                            dtype=bool, count=len(values))
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
    out = frame.copy()
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


def _write_csv(frame: pd.DataFrame, sink) -> None:
    import pyarrow.csv as pa_csv

    table = _arrow_table(neutralise(round_for_export(frame)))
    # "needed" quotes every text field (and each column name), whatever it holds, so a
    # CR, LF, comma or quote in a cell never ends the cell or the row.
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(quoting_style="needed"))


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


def to_excel_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of ``frame`` (every text cell stored as text, never a formula)."""
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        neutralise(round_for_export(frame)).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
