"""Reading uploaded files as they come from real ERP exports.

Each file becomes a *source*: a DuckDB FROM-clause that yields every column as text,
plus what was sniffed (delimiter, encoding, number and date conventions). Parsing into
types and validation happen in SQL (``data.importer``), never row by row in Python.

CSV: UTF-8 with or without BOM, or Windows-1252 / Latin-1 (re-encoded to UTF-8 in
chunks first, because DuckDB reads UTF-8 only); CRLF or LF; delimiter comma, semicolon,
tab or pipe, chosen from the header line; fields quoted with ``"`` may hold delimiters
and line breaks. Excel: the first worksheet, first row as header. Parquet: as is.

Lines: a CSV problem names its *line* as a record number with the header as line 1,
the number a spreadsheet shows as the row when the file has no blank lines (a field
holding a line break does not add lines; blank lines are skipped and not counted).
Excel problems name the worksheet row; Parquet problems the row number (first data
row = 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import mmap
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from data.contract import normalise_header

SNIFF_BYTES = 1 << 16
# Reading limits, each configurable (``PROFITLENS_MAX_COLUMNS``...; see data/DICTIONARY.md).
MAX_COLUMNS = 2_000
MAX_UNPACKED_MB = 1_024
# Rows in one workbook or Parquet file: above the largest benchmarks (6.3 million lines
# at 100,000 customers, 6 million for TPC-H SF1) with room to spare.
MAX_ROWS = 20_000_000
# A workbook is read row by row into Python lists, so never more rows than an Excel
# worksheet holds (1,048,576 with the header), whatever PROFITLENS_MAX_ROWS says.
WORKSHEET_ROWS = 1_048_575
MAX_LINE_MB = 8  # one CSV line (DuckDB's max_line_size), the header included
# Rows DuckDB keeps of a file it cannot split: enough to name the first ones and count
# on; a file of a million broken lines would otherwise cost gigabytes.
REJECTS_KEPT = 10_000
CHUNK = 1 << 24
DELIMITERS = (",", ";", "\t", "|")


class SourceError(Exception):
    """A file that cannot be read at all."""

    def __init__(self, display: str, message: str, line: int | None = None):
        super().__init__(f"{display}{'' if line is None else f' line {line}'}: {message}")
        self.display, self.message, self.line = display, message, line


@dataclass
class Source:
    table: str
    path: Path
    display: str
    kind: str  # csv, xlsx, parquet
    headers: list[str]  # as in the file
    from_sql: str  # yields columns c0..cN as VARCHAR
    params: list = field(default_factory=list)
    line_word: str = "line"
    line_sql: str = "rowid + 2"
    delimiter: str = ","
    encoding: str = "utf-8"
    rejects: str | None = None  # DuckDB rejects table for CSV scans
    notes: list[str] = field(default_factory=list)
    newlines: bool = False  # read through normalise_newlines
    typed: frozenset[int] = frozenset()  # columns with a numeric twin n<i> (Excel, Parquet)
    nested: dict[int, str] = field(default_factory=dict)  # Parquet: column -> nested type

    def number_sql(self, index: int) -> str | None:
        """The column's numbers as typed by the file (NULL for text cells), if any."""
        return f'"n{index}"' if index in self.typed else None

    @property
    def normalised(self) -> list[str]:
        return [normalise_header(h) for h in self.headers]

    def column_sql(self, index: int) -> str:
        return f'"c{index}"'


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def max_line_mb() -> int:
    """The longest CSV line read, in MB (``PROFITLENS_MAX_LINE_MB``; at least 1)."""
    return max(1, limit("MAX_LINE_MB", MAX_LINE_MB))


def max_line_bytes() -> int:
    return max_line_mb() << 20


def line_too_long() -> str:
    """The refusal of a CSV line longer than the limit."""
    return (f"the line is longer than the {max_line_mb():,} MB allowed for one line (raise "
            "PROFITLENS_MAX_LINE_MB to read it)")


def read_head(handle, display: str) -> bytes:
    """The first bytes of a file: at least ``SNIFF_BYTES``, and on until a line ends, so a
    header longer than that (thousands of columns) is read whole; refused when the header
    is longer than a line may be."""
    most = max_line_bytes()
    head = handle.read(SNIFF_BYTES)
    while (b"\n" not in head and b"\r" not in head and len(head) <= most
           and (more := handle.read(SNIFF_BYTES))):
        head += more
    first = head[: most + 1]
    if len(first) > most and b"\n" not in first and b"\r" not in first:
        raise SourceError(display, line_too_long().replace("the line", "the header"), line=1)
    return head


def too_many_rows(display: str, most: int) -> SourceError:
    return SourceError(display, f"has more than {most:,} rows, the most allowed in one file "
                       "(raise PROFITLENS_MAX_ROWS to read it)")


def _check_text(path: Path, display: str) -> tuple[str, bytes]:
    """Return (encoding, first bytes); raise for empty or binary files.

    The encoding is ``utf-16`` (Excel's "Unicode text" export, recognised by its
    byte-order mark), ``windows-1252`` when the first bytes are not valid UTF-8, and
    otherwise ``utf-8``. Invalid UTF-8 further in is caught by DuckDB while reading
    (an ``INVALID ENCODING`` reject), and the importer then reads the file again as
    Windows-1252: validating every byte here would cost more than the parse itself.
    """
    size = path.stat().st_size
    if size == 0:
        raise SourceError(display, "the file is empty")
    with path.open("rb") as handle:
        head = read_head(handle, display)
    if head.startswith(b"PK\x03\x04"):
        raise SourceError(
            display, "is not a text file (it looks like an Excel workbook: save it with an "
            ".xlsx name, or export it as CSV)"
        )
    if head.startswith(UTF16_BOMS):
        return "utf-16", head
    # A NUL byte never occurs in text; searching for one is as fast as reading the file.
    # (Counting line ends on the way, for a row limit, is not: 0.75 s more for the 377 MB
    # of invoice lines of the 100,000-customer benchmark, whose whole report takes 4.4 s.
    # A CSV's rows are bounded by the upload size and DuckDB's memory limit instead.)
    if _has_nul(path):
        raise SourceError(display, "is not a text file (CSV expected)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == size)
    except UnicodeDecodeError:
        return "windows-1252", head
    return "utf-8", head


def _has_nul(path: Path) -> bool:
    """Whether the file holds a NUL byte: searched in the file mapped into memory (no
    copy: 0.08 s instead of 0.23 s for 387 MB), else read in chunks."""
    with path.open("rb") as handle:
        try:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return mapped.find(b"\x00") >= 0
        except (OSError, ValueError):  # not mappable (a special file): read it
            pass
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return True
    return False


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("profitlens-latin1", _latin1_fallback)


def _decode_legacy(chunk: bytes) -> str:
    # Windows-1252 leaves five bytes undefined; only those are read as Latin-1 (the
    # C1 control character of the same number), so nothing is lost and the rest of the
    # text, euro signs included, stays Windows-1252.
    return chunk.decode("cp1252", errors="profitlens-latin1")


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return _decode_legacy(bytes(bad)), error.end


codecs.register_error("profitlens-cp1252", _cp1252_fallback)
# ``utf-8+cp1252``: UTF-8 whose stray invalid bytes (one Windows-1252 name pasted into an
# otherwise UTF-8 export) are read as Windows-1252, each on its own.
ENCODING_NOTES = {
    "windows-1252": "not UTF-8, read as Windows-1252.",
    "utf-8+cp1252": "not valid UTF-8 throughout: the bytes that are not were read as "
    "Windows-1252.",
}


def _reencode(path: Path, workdir: Path, encoding: str, serial: int) -> Path:
    """A UTF-8 copy of ``path`` (DuckDB reads UTF-8 only), written chunk by chunk."""
    target = workdir / f"src_{serial}.utf8.csv"
    if encoding == "utf-16":
        decode = codecs.getincrementaldecoder("utf-16")(errors="replace").decode
    elif encoding == "utf-8+cp1252":
        decode = codecs.getincrementaldecoder("utf-8")(errors="profitlens-cp1252").decode
    else:
        decode = _decode_legacy
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decode(chunk))
    return target


def _link(path: Path, workdir: Path, name: str) -> Path:
    """``path`` under a fixed name in ``workdir``: DuckDB reads a path as a glob pattern,
    so a folder named ``a*b`` or ``a[x]b`` would otherwise match other files."""
    target = workdir / name
    try:
        target.symlink_to(path.resolve())
    except OSError:
        shutil.copyfile(path, target)
    return target


def normalise_newlines(path: Path, workdir: Path, serial: int) -> Path:
    """A copy of a UTF-8 file with every CRLF and lone CR turned into LF: DuckDB's
    parser refuses files that mix line ends."""
    target = workdir / f"src_{serial}.lf.csv"
    carry = b""
    with path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            if carry:
                chunk = chunk[:-1]
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        dst.write(carry.replace(b"\r", b"\n"))
    return target


def _first_record(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        return next(reader)
    except (StopIteration, csv.Error):
        return []


def sniff_delimiter(head: str) -> str:
    """The delimiter that splits the header into the most fields (comma on a tie)."""
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        count = len(_first_record(head, delimiter))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def csv_header(head: str, display: str) -> tuple[str, list[str]]:
    """(delimiter, header names) from a CSV's first decoded bytes; raises for an empty
    file or header. The importer and the upload page's column mapping both use it, so
    a file the page maps is a file the importer reads."""
    head = head.lstrip("\ufeff")
    if not head.strip():
        raise SourceError(display, "the file is empty")
    delimiter = sniff_delimiter(head)
    headers = _first_record(head, delimiter)
    if not any(h.strip() for h in headers):
        raise SourceError(display, "the header row is empty", line=1)
    return delimiter, headers


def open_csv(
    table: str, path: Path, display: str, workdir: Path, serial: int,
    encoding: str | None = None, newlines: bool = False,
) -> Source:
    """A CSV source. ``encoding`` forces one (after DuckDB found the file is not UTF-8);
    ``newlines`` reads a copy with uniform line ends (after DuckDB's parser gave up)."""
    detected, _ = _check_text(path, display)
    encoding = encoding or detected
    notes = []
    if encoding == "utf-8":
        read_path = _link(path, workdir, f"src_{serial}.csv")
    else:
        read_path = _reencode(path, workdir, encoding, serial)
        if encoding in ENCODING_NOTES:
            notes.append(f"{display}: {ENCODING_NOTES[encoding]}")
    if newlines:
        read_path = normalise_newlines(read_path, workdir, serial)
        notes.append(f"{display}: mixed line ends (CRLF, LF, CR) read as one kind.")
    with read_path.open("rb") as handle:
        head = read_head(handle, display).decode("utf-8", errors="ignore")
    delimiter, headers = csv_header(head, display)
    check_columns(headers, display)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers)))
    rejects = f"_rejects_{serial}"
    from_sql = (
        f"read_csv(?, columns={{{columns}}}, header=true, delim=?, quote='\"', escape='\"', "
        f"auto_detect=false, store_rejects=true, rejects_table='{rejects}', "
        f"rejects_scan='{rejects}_scan', rejects_limit={REJECTS_KEPT}, "
        f"max_line_size={max_line_bytes()})"
    )
    return Source(
        table=table,
        path=path,
        display=display,
        kind="csv",
        headers=headers,
        from_sql=from_sql,
        params=[str(read_path), delimiter],
        delimiter=delimiter,
        encoding=encoding,
        rejects=rejects,
        notes=notes,
        newlines=newlines,
    )


def record_lines(path: Path, lines: list[int]) -> dict[int, int]:
    """Map DuckDB's CSV line numbers (which count blank lines) to this module's convention.

    DuckDB numbers a rejected row by records, blank lines included; here blank lines are
    not counted. Reads ``path`` (the UTF-8 file DuckDB read) only up to the last line
    asked for, tracking quotes so a blank line inside a quoted field is not a blank line.
    """
    targets = sorted(set(lines))
    found: dict[int, int] = {}
    record = blanks = 0
    in_quotes = False
    with path.open(encoding="utf-8", errors="replace", newline=None) as handle:
        for text in handle:  # universal newlines: LF, CRLF and lone CR all end a line
            starts_record = not in_quotes
            if text.count('"') % 2:
                in_quotes = not in_quotes
            if in_quotes:
                continue
            record += 1
            if starts_record and not text.strip("\r\n"):
                blanks += 1
            while targets and targets[0] <= record:
                found[targets.pop(0)] = record - blanks
            if not targets:
                break
    for line in targets:  # past the end (an unclosed quote): keep DuckDB's number
        found[line] = line - blanks
    return found


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Whole numbers read as floats (ids such as 1001.0) keep their integer spelling.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def limit(name: str, default: int) -> int:
    """A reading limit: ``PROFITLENS_<NAME>`` from the environment, else ``default``."""
    text = os.environ.get(f"PROFITLENS_{name}", "")
    return int(text) if text.strip().isdigit() else default


def check_columns(headers: list[str], display: str) -> None:
    most = limit("MAX_COLUMNS", MAX_COLUMNS)
    if len(headers) > most:
        raise SourceError(display, f"has {len(headers):,} columns, more than the {most:,} "
                          "allowed (raise PROFITLENS_MAX_COLUMNS to read it)")


def check_workbook_size(path: Path, display: str) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, before opening it: an
    .xlsx is a zip, and a few megabytes can unpack to gigabytes."""
    most = limit("MAX_UNPACKED_MB", MAX_UNPACKED_MB)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: openpyxl says what is wrong
    if unpacked > most * 1024 * 1024:
        raise SourceError(display, f"unpacks to {unpacked / 1024 / 1024:,.0f} MB, more than "
                          f"the {most:,} MB allowed for a workbook (save it as CSV or "
                          "Parquet, or raise PROFITLENS_MAX_UNPACKED_MB)")


def read_xlsx_frame(path: Path, display: str):
    """The first worksheet as a DataFrame of text columns c0..cN plus ``_line``, its rows
    streamed and refused at the row limit (blank rows count: a few bytes can declare
    millions of them)."""
    import openpyxl
    import pandas as pd

    check_workbook_size(path, display)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise SourceError(display, f"is not a readable Excel workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or not any(c is not None for c in header):
            raise SourceError(display, "the file is empty")
        width = len(header)
        headers = [_cell_text(c) or "" for c in header]
        check_columns(headers, display)
        most = limit("MAX_ROWS", MAX_ROWS)
        lines: list[int] = []
        cells: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[list[float | None]] = [[] for _ in range(width)]
        for number, row in enumerate(rows, start=2):
            if number - 1 > min(most, WORKSHEET_ROWS):
                if most <= WORKSHEET_ROWS:
                    raise too_many_rows(display, most)
                raise SourceError(display, f"has more than {WORKSHEET_ROWS:,} rows, more "
                                  "than an Excel worksheet holds (save it as CSV or Parquet)")
            if row is None or all(c is None for c in row):
                continue
            lines.append(number)
            for i in range(width):
                value = row[i] if i < len(row) else None
                cells[i].append(_cell_text(value))
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                numbers[i].append(float(value) if numeric else None)
    finally:
        book.close()
    columns = {f"c{i}": pd.Series(cells[i], dtype=object) for i in range(width)}
    # Numeric cells keep their value beside the text, so a decimal comma decided from the
    # text cells never re-reads a typed 10.125 as 10125.
    typed = frozenset(i for i in range(width) if any(v is not None for v in numbers[i]))
    for i in sorted(typed):
        columns[f"n{i}"] = pd.Series(numbers[i], dtype="float64")
    frame = pd.DataFrame(columns)
    frame["_line"] = pd.Series(lines, dtype="int64")
    return headers, frame, typed


NUMERIC_TYPES = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|"
    r"UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$"
)


NESTED_TYPES = re.compile(r"^(STRUCT|MAP|UNION)\(|.*\[\d*\]$")


def open_parquet(
    table: str, path: Path, display: str, con, workdir: Path, serial: int
) -> Source:
    path_read = _link(path, workdir, f"src_{serial}.parquet")
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT name FROM parquet_schema(?) WHERE num_children IS NULL OR "
                "num_children = 0", [str(path_read)]
            ).fetchall()
        ]
        described = con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(path_read)]
        ).fetchall()
    except Exception:
        raise SourceError(display, "is not a readable Parquet file") from None
    headers = [row[0] for row in described] or names
    check_columns(headers, display)
    most = limit("MAX_ROWS", MAX_ROWS)
    (rows,) = con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)",
                          [str(path_read)]).fetchone()  # from the footer: nothing read
    if (rows or 0) > most:
        raise too_many_rows(display, most)
    types = [str(row[1]).upper() for row in described]
    typed = frozenset(i for i, kind in enumerate(types) if NUMERIC_TYPES.match(kind))
    nested = {i: kind for i, kind in enumerate(types) if NESTED_TYPES.match(kind)}
    quoted = ['"' + h.replace('"', '""') + '"' for h in headers]
    casts = [f'CAST({q} AS VARCHAR) AS "c{i}"' for i, q in enumerate(quoted)]
    casts += [f'TRY_CAST({quoted[i]} AS DOUBLE) AS "n{i}"' for i in sorted(typed)]
    return Source(
        table=table,
        path=path,
        display=display,
        kind="parquet",
        headers=headers,
        from_sql=f"(SELECT {', '.join(casts)} FROM read_parquet(?))",
        params=[str(path_read)],
        line_word="row",
        line_sql="rowid + 1",
        typed=typed,
        nested=nested,
    )


_TABLE_FILE = re.compile(r"^(?P<stem>.+?)\.(?P<ext>csv|xlsx|parquet)$", re.IGNORECASE)


def table_files(folder: Path, tables: tuple[str, ...]) -> tuple[dict[str, Path], list[str]]:
    """Map table name to file in a dataset folder; return (files, problems)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        match = _TABLE_FILE.match(path.name)
        if not path.is_file() or not match:
            continue
        stem = match.group("stem").strip().lower()
        if stem in tables:
            found.setdefault(stem, []).append(path)
    problems = [
        f"{folder.name}: more than one file for table {table}: "
        + ", ".join(p.name for p in paths)
        for table, paths in found.items()
        if len(paths) > 1
    ]
    return {table: paths[0] for table, paths in found.items()}, problems
