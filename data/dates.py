"""Dates as exports write them: the formats, their detection, and their SQL.

Each format has a detection pattern, a ``strptime`` pattern and the label users see.
Two-digit years (``03/01/19``) are read as 2000-2068 for 00-68 and 1969-1999 for 69-99
(the POSIX rule DuckDB's ``%y`` and Python's share); a column is read that way only when
its values decide between day and month first, or when the format is chosen explicitly.

>>> read_date("03/01/19", "dmy_slash_yy")
datetime.date(2019, 1, 3)
>>> read_date("03/01/19", "dmy_slash") is None
True
"""

from __future__ import annotations

import datetime as dt
import re

DATE_FORMATS = {
    # name: (detection regex, strptime format, label)
    "iso": (r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?", None, "YYYY-MM-DD"),
    "dmy_dot": (r"\d{1,2}\.\d{1,2}\.\d{4}( .*)?", "%d.%m.%Y", "DD.MM.YYYY"),
    "dmy_dash": (r"\d{1,2}-\d{1,2}-\d{4}( .*)?", "%d-%m-%Y", "DD-MM-YYYY"),
    "ymd_slash": (r"\d{4}/\d{1,2}/\d{1,2}( .*)?", "%Y/%m/%d", "YYYY/MM/DD"),
    "dmy_slash": (r"\d{1,2}/\d{1,2}/\d{4}( .*)?", "%d/%m/%Y", "DD/MM/YYYY"),
    "mdy_slash": (r"\d{1,2}/\d{1,2}/\d{4}( .*)?", "%m/%d/%Y", "MM/DD/YYYY"),
    "compact": (r"\d{8}", "%Y%m%d", "YYYYMMDD"),
    "dmy_slash_yy": (r"\d{1,2}/\d{1,2}/\d{2}( .*)?", "%d/%m/%y", "DD/MM/YY"),
    "mdy_slash_yy": (r"\d{1,2}/\d{1,2}/\d{2}( .*)?", "%m/%d/%y", "MM/DD/YY"),
    "dmy_dot_yy": (r"\d{1,2}\.\d{1,2}\.\d{2}( .*)?", "%d.%m.%y", "DD.MM.YY"),
    "dmy_dash_yy": (r"\d{1,2}-\d{1,2}-\d{2}( .*)?", "%d-%m-%y", "DD-MM-YY"),
}
_ISO_RE = DATE_FORMATS["iso"][0]
# Detection never picks these: the other order of each pair looks the same, and dashes
# with two-digit years are as often year first.
_NOT_DETECTED = ("mdy_slash", "mdy_slash_yy", "dmy_dash_yy")
# The pairs whose day/month order is decided per column from values above 12.
SLASH_PAIRS = {"dmy_slash": "mdy_slash", "dmy_slash_yy": "mdy_slash_yy"}
TWO_DIGIT_YEARS = ("dmy_slash_yy", "mdy_slash_yy", "dmy_dot_yy", "dmy_dash_yy")
LABELS = {label: name for name, (_, _, label) in DATE_FORMATS.items()}
UNAMBIGUOUS_DATES = ("dmy_dot", "ymd_slash")
YEARS = (1900, 2199)  # a date outside these is a typo, not data
TWO_DIGIT_RULE = "two-digit years 00-68 are 2000-2068 and 69-99 are 1969-1999"


def format_name(text: str) -> str | None:
    """The format named by a label (``DD/MM/YY``, any case) or an internal name."""
    if text in DATE_FORMATS:
        return text
    return LABELS.get(str(text).strip().upper())


_DETECTED = {name: re.compile(pattern) for name, (pattern, _, _) in DATE_FORMATS.items()
             if name not in _NOT_DETECTED}


def detect_date_format(samples: list[str]) -> str:
    """The date format most sample values match; ISO when none do."""
    best, best_hits = "iso", 0
    for name, pattern in _DETECTED.items():
        hits = sum(1 for v in samples if v and pattern.fullmatch(v))
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def read_date(text: str | None, fmt: str) -> dt.date | None:
    """One value read as the importer reads it with format ``fmt`` (None: not a date).

    For previews of a few values; the importer itself parses in SQL (:func:`date_sql`).
    """
    if text is None:
        return None
    value = str(text).strip()
    candidates = [fmt, *UNAMBIGUOUS_DATES]
    parsed = None
    iso = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso and re.fullmatch(_ISO_RE, value):
        try:
            parsed = dt.date(*map(int, iso.groups()))
        except ValueError:
            parsed = None
    for name in candidates:
        if parsed is not None:
            break
        pattern, strptime, _ = DATE_FORMATS[name]
        if strptime and re.fullmatch(pattern, value):
            try:
                parsed = dt.datetime.strptime(value.split(" ")[0], strptime).date()
            except ValueError:
                parsed = None
    if parsed is None or not YEARS[0] <= parsed.year <= YEARS[1]:
        return None
    return parsed


# The blanks trimmed around a date: ASCII space, tab, line feed, vertical tab, form feed
# and carriage return, as DuckDB's CSV reader skips them around a date it types
# (``dateformat``, the one typed read of data/importer.py) and Python's ``strip`` does.
_BLANKS = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def fast_date_sql(raw: str) -> str:
    return f"TRY_CAST({raw} AS DATE)"


def date_sql(fast: str, raw: str, fmt: str, *, bounded: bool = True) -> str:
    """The parsed date: DuckDB's ISO cast, else ISO, the column's own format and the
    unambiguous ones on the trimmed text; NULL outside :data:`YEARS`.

    The fast cast also accepts ``epoch``, ``infinity`` and two-digit years (``24-01-05``,
    ``1/5/24``): it counts only for a value with a four-digit year followed by ``-``.
    Each other format must match its pattern before it is parsed.
    """
    ok = (f"{fast} IS NOT NULL AND isfinite({fast}) AND ascii({raw}) BETWEEN 48 AND 57 "
          f"AND substr({raw}, 5, 1) = '-'")
    text = f"trim({raw}, {_BLANKS})"
    iso = (
        f"CASE WHEN regexp_full_match({text}, '{_ISO_RE}') THEN TRY_CAST({text} AS DATE) END"
    )
    parts = [iso]
    for name in (fmt, *UNAMBIGUOUS_DATES):
        pattern, strptime, _ = DATE_FORMATS[name]
        part = (
            f"CASE WHEN regexp_full_match({text}, '{pattern}') THEN "
            f"TRY_CAST(try_strptime(split_part({text}, ' ', 1), '{strptime}') AS DATE) END"
        )
        if strptime and part not in parts:
            parts.append(part)
    parsed = f"(CASE WHEN {ok} THEN {fast} ELSE COALESCE({', '.join(parts)}) END)"
    if not bounded:
        return parsed
    return f"(CASE WHEN year({parsed}) BETWEEN {YEARS[0]} AND {YEARS[1]} THEN {parsed} END)"


def guess_date_format(values: list[str], delimiter: str = ",") -> tuple[str, bool]:
    """(format, decided) from a few values, as the importer decides from the whole column:
    day or month first from values above 12, else as the importer falls back (day first in
    semicolon files, month first otherwise); ``decided`` is False when nothing in the
    values decides (two-digit years are then refused unless chosen)."""
    values = [str(v).strip() for v in values if v is not None and str(v).strip()]
    fmt = detect_date_format(values)
    if fmt not in SLASH_PAIRS:
        return fmt, True
    pattern = DATE_FORMATS[fmt][0]
    parts = [v.split(" ")[0].split("/") for v in values if re.fullmatch(pattern, v)]
    if any(int(p[0]) > 12 for p in parts):
        return fmt, True
    if any(int(p[1]) > 12 for p in parts):
        return SLASH_PAIRS[fmt], True
    # Undecided: as the importer reads it, day first in semicolon files only.
    return (fmt if delimiter == ";" else SLASH_PAIRS[fmt]), False
