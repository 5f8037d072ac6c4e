"""Display helpers shared by the pages: safe text, KPI row, downloads."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from analytics import METRICS, Analysis, format_money, format_pct
from analytics.export import export_file_name, human_csv_bytes, to_excel_bytes
from analytics.metrics import format_change_short, format_money_short
from analytics.money import whole_cents
from analytics.thin_data import DataGap, data_gaps
from pages.ui.state import CURRENCY, Selection, dataset_info, proration_notes

KPI_KEYS = ("customers", "net_revenue", "net_margin", "cost_to_serve", "profit",
            "unused_capacity_cost")
KPI_LABELS = {key: METRICS[key].label for key in KPI_KEYS}
DATA_PAGE = "pages/data.py"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
# An empty Streamlit directive: an empty <span>, nothing to see or to copy, but it ends
# the Markdown text node it sits in.
MD_BREAK = ":small[]"
# Where a break goes (in escaped text): after ":", "@" and "www" (links), and inside
# "->", "<-", "<->", "--", ">=", "<=", "~=" (arrows and dashes).
_TEXT_BREAKS = re.compile(r"\\:|@|(?i:www)|\\[<>~-](?=\\[->=])")


def md_escape(text: object) -> str:
    """A user string for a Markdown-rendering element, shown literally.

    Escapes Markdown syntax, Streamlit's ``:color[...]`` and ``:material/...:``
    directives, ``$`` (LaTeX), ``&`` (character references) and angle brackets, so
    ``<b>Acme</b>`` shows as typed. Escaping is not enough everywhere: after parsing,
    Streamlit's Markdown looks through each run of text (escapes and character
    references already decoded) for ``http://…``, ``www.…`` and e-mail addresses to
    link, ``:material_x:`` icons to draw, and ``->``, ``--``, ``>=`` and the like to
    turn into arrows, dashes and signs. So an empty directive (``MD_BREAK``: an empty
    ``<span>``) splits the text after each ``:``, ``@`` and ``www`` and inside each
    arrow; nothing invisible is left in the text a reader copies (an earlier word
    joiner, U+2060, was copied along).
    """
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", "" if text is None else str(text))
    return _TEXT_BREAKS.sub(lambda m: m.group(0) + MD_BREAK, escaped)


def data_notice_ui(message: str, fix: str, severity: str = "warning") -> None:
    """A sentence about the data, shown literally, and a link to the Data page labelled
    ``fix``. A page link stays in this session (with the sidebar's filters); a Markdown
    link would open a new tab and a new session."""
    # A wrapping row rather than columns: a column cut the link's label off on narrow
    # screens.
    row = st.container(horizontal=True, vertical_alignment="center")
    if severity == "warning":
        row.warning(md_escape(message), icon=":material/warning:")
    else:
        row.info(md_escape(message), icon=":material/info:")
    row.page_link(DATA_PAGE, label=fix, icon=":material/upload_file:")


def thin_data_ui(info, selection: Selection | None = None) -> list[DataGap]:
    """At the top of an analysis page: what the active dataset (a ``DatasetInfo``) lacks,
    one sentence each with the step that fixes it, and with ``selection`` the partial
    months its period and comparison period prorate (a store keeping monthly totals
    only). Returns the gaps shown."""
    gaps = data_gaps(
        activity_rows=info.rows.get("activities", 0),
        has_cogs=info.has_column("transactions", "cogs"),
        first_date=info.first_date,
        last_date=info.last_date,
    )
    for gap in gaps:
        data_notice_ui(gap.message, gap.fix, gap.severity)
    for note in proration_notes(selection) if selection is not None else ():
        st.warning(md_escape(note), icon=":material/info:")
    return gaps


# Up is good for these figures, bad for the others (st.metric's "inverse").
KPI_UP_IS_BAD = frozenset({"cost_to_serve", "unused_capacity_cost"})


def kpi_figures(result: Analysis) -> dict[str, float]:
    """The six headline amounts of an analysis (unrounded)."""
    totals = result.totals()
    return {"customers": float(len(result.pnl)),
            **{k: totals[k] for k in ("net_revenue", "net_margin", "cost_to_serve", "profit")},
            "unused_capacity_cost": result.unused_capacity_cost}


def _compared_with() -> str:
    """The comparison period of the sidebar's Selection, in words."""
    selection = st.session_state.get("selection")
    first = getattr(selection, "compare_start", None)
    last = getattr(selection, "compare_end", None)
    if first is None and last is None:
        return "the comparison period"
    return f"{first or '…'} to {last or '…'}"


def kpi_row(result: Analysis, base: Analysis | None = None,
            base_label: str | None = None) -> None:
    """The six headline figures in thousands or millions ($30.6M), each with its
    definition and exact amount as help.

    With ``base`` (the analysis of a comparison period, named by ``base_label``, else by
    the sidebar's comparison dates), each card shows its change from the base, amount and
    %, green when it is good news (a rise in cost to serve or unused capacity is red);
    without, the shares of net revenue.
    """
    figures = kpi_figures(result)
    totals = result.totals()
    values = {"customers": f"{len(result.pnl):,}"}
    helps = {"customers": METRICS["customers"].definition}
    for key in KPI_KEYS[1:]:
        values[key] = format_money_short(figures[key], CURRENCY)
        helps[key] = f"{METRICS[key].definition} Exactly {format_money(figures[key], CURRENCY)}."
    notes = {
        key: _share(figures[key], totals["net_revenue"])
        for key in ("net_margin", "cost_to_serve", "profit")
    }
    # Operating profit leaves unused capacity out; the company's profit is after it.
    after = totals["profit"] - result.unused_capacity_cost
    notes["unused_capacity_cost"] = (
        f"profit after it {format_money_short(after, CURRENCY)}")
    helps["unused_capacity_cost"] += (
        f" Operating profit after the cost of unused capacity: {format_money(after, CURRENCY)}.")
    colours = dict.fromkeys(KPI_KEYS, "off")
    if base is not None:
        before = kpi_figures(base)
        period = base_label or _compared_with()
        for key in KPI_KEYS:
            if notes.get(key):
                helps[key] += f" {notes[key][:1].upper()}{notes[key][1:]}."
            symbol = None if key == "customers" else CURRENCY
            notes[key] = format_change_short(figures[key], before[key], symbol)
            exact = (f"{int(before[key]):,}" if symbol is None
                     else format_money(before[key], CURRENCY))
            helps[key] += f" Change from {period}, when it was {exact}."
            colours[key] = "inverse" if key in KPI_UP_IS_BAD else "normal"
    columns = [*st.columns(3), *st.columns(3)]
    for column, key in zip(columns, KPI_KEYS, strict=True):
        column.metric(
            KPI_LABELS[key], values[key], delta=notes.get(key), delta_color=colours[key],
            delta_arrow="auto" if base is not None else "off", help=helps[key], border=True,
        )


def _share(part: float, whole: float) -> str | None:
    return f"{format_pct(100 * part / whole)} of net revenue" if whole > 0 else None


TABLE_LIMIT = 2_000  # rows of a long table sent to the browser (downloads have them all)


def first_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """The first :data:`TABLE_LIMIT` rows of a ranked table, said in a caption when there
    are more: sending 100,000 rows on every rerun would take far longer than the page
    (the downloads have them all)."""
    if len(frame) <= TABLE_LIMIT:
        return frame
    st.caption(f"The first {TABLE_LIMIT:,} of {len(frame):,} {what}; the downloads have "
               "them all.")
    return frame.head(TABLE_LIMIT)


def download_buttons(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str,
                     key: str, columns: dict | None = None, *, filtered: bool = True) -> None:
    """CSV and Excel downloads of a table, as a finance team reads them
    (:func:`analytics.export.human_csv_bytes`, :func:`analytics.export.to_excel_bytes`):
    human headers (``columns``: the table's ``column_config`` or plain labels, else the
    metric registry's), Yes/No flags, percentages as numbers, empty cells empty, an Excel
    sheet with number formats, widths, a frozen header and a "Columns" sheet naming each
    column in the data. Cells cannot run as spreadsheet formulas. The file name carries the
    sidebar's period and filters (``customers_2024-01-01_2024-12-31_Demanding.xlsx``)
    unless ``filtered`` is false (a table the filters do not choose).

    Each file is built only when its button is clicked: building an Excel file of
    thousands of rows on every rerun (a search box, a fragment) would cost far more than
    drawing the page. ``frame`` may be a function that builds the table, so that too
    waits for a click.
    """
    labels = column_labels(columns)

    def table() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    def csv() -> bytes:
        return human_csv_bytes(table(), labels)

    def xlsx() -> bytes:
        return to_excel_bytes(table(), name, labels, CURRENCY)

    file_name = _file_name(name) if filtered else export_file_name(name)
    left, right = st.columns(2)
    left.download_button("Download CSV", csv, f"{file_name}.csv", "text/csv",
                         key=f"{key}_csv", icon=":material/download:", width="stretch")
    right.download_button(
        "Download Excel", xlsx, f"{file_name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", icon=":material/table_view:", width="stretch",
    )


def column_labels(columns: dict | None) -> dict[str, str]:
    """Headers from a table's ``column_config`` (its labels) or a dict of labels."""
    labels = {}
    for column, setting in (columns or {}).items():
        label = setting.get("label") if isinstance(setting, dict) else setting
        if isinstance(label, str) and label:
            labels[column] = label
    return labels


def _file_name(name: str) -> str:
    """``name`` with the sidebar's period (open ends: the data's dates) and filters."""
    selection = st.session_state.get("selection")
    if selection is None:
        return export_file_name(name)
    first = last = None
    if selection.start is None or selection.end is None:
        info = dataset_info()
        first, last = info.first_date, info.last_date
    return export_file_name(name, selection, first, last)


_CURRENCY_PRESETS = {"$": "dollar", "€": "euro", "¥": "yen"}


def money_column(label: str, *, cents: bool = True, help: str | None = None):
    """A table column of money: currency, thousands separators, the sign before the symbol
    (-$1,234.50). Currencies without a preset show accounting format, (1,234.50), with
    the symbol in the header.

    Cents by default: Streamlit's presets *truncate* to the step (30,604,896.97 shows as
    30,604,896 in whole units), so whole units are only right for whole amounts."""
    preset = _CURRENCY_PRESETS.get(CURRENCY)
    step = 0.01 if cents else 1
    if preset:
        return st.column_config.NumberColumn(label, format=preset, step=step, help=help)
    return st.column_config.NumberColumn(f"{label} ({CURRENCY})", format="accounting",
                                         step=step, help=help)


def customer_table_columns(robustness_help: str | None = None) -> dict:
    """Column settings of a per-customer P&L table, in the order to show them: the id
    pinned, operating profit (what the rows are ranked by) before the details, so that a
    1440-pixel screen shows both without scrolling; money to the cent."""
    pct = "%.1f%%"
    return {
        "customer_id": st.column_config.TextColumn("Customer", pinned=True),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "profit": money_column("Operating profit"),
        "net_revenue": money_column("Net revenue"),
        "quadrant": st.column_config.TextColumn("Quadrant"),
        "net_margin": money_column("Net margin"),
        "net_margin_pct": st.column_config.NumberColumn("Net margin %", format=pct),
        "cost_to_serve": money_column("Cost to serve"),
        "cost_to_serve_pct": st.column_config.NumberColumn("Cost to serve %", format=pct),
        "robustness": st.column_config.TextColumn("Rate robustness", help=robustness_help),
        "segment": st.column_config.TextColumn("Segment"),
        "region": st.column_config.TextColumn("Region"),
    }


def whole_units(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of a table of totals with the money ``columns`` in whole currency units
    (half away from zero, from the cent: :func:`analytics.money.whole_cents`), for
    :func:`money_column` with ``cents=False``, whose presets truncate. Downloads keep
    the cents: pass them the table itself."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            cents = whole_cents(out[column])
            out[column] = np.copysign(np.floor((np.abs(cents) + 50) / 100), cents) + 0.0
    return out


def blank_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with missing text cells empty: Streamlit's tables write "None" in a
    missing cell (a customer without master data has no segment)."""
    text = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c].dtype)
            or pd.api.types.is_string_dtype(frame[c].dtype)]
    missing = [c for c in text if frame[c].isna().any()]
    if not missing:
        return frame
    return frame.assign(**{str(c): frame[c].astype(object).where(frame[c].notna(), "")
                           for c in missing})


def number_text(series: pd.Series, fmt: str, missing: str = "–") -> list[str]:
    """A column of numbers as text (``fmt``: a format like ``"{:,.2f}"``) with ``missing``
    where there is none: for a table whose blanks mean "does not apply" (a direct-cost
    activity has no unit time), shown in a right-aligned text column, never as "None"."""
    return [missing if pd.isna(v) else fmt.format(v) for v in series.to_numpy(dtype=object)]


def pct_column(label: str, help: str | None = None):
    """A table column of percentages (12.5 means 12.5 %), one decimal."""
    return st.column_config.NumberColumn(label, format="%.1f%%", help=help)


def metric_columns(*keys: str, **labels: str) -> dict:
    """Column settings for the figures ``keys`` from the metric registry
    (:data:`analytics.metrics.METRICS`): label (or ``labels[key]``), definition as help,
    format by unit."""
    settings = {}
    for key in keys:
        metric = METRICS[key]
        label = labels.get(key, metric.label)
        if metric.unit == "money":
            settings[key] = money_column(label, help=metric.definition)
        elif metric.unit == "pct":
            settings[key] = pct_column(label, help=metric.definition)
        elif metric.unit == "count":
            settings[key] = st.column_config.NumberColumn(label, format="%,d",
                                                          help=metric.definition)
        elif metric.unit == "probability":
            settings[key] = st.column_config.ProgressColumn(label, format="percent",
                                                            min_value=0.0, max_value=1.0,
                                                            help=metric.definition)
        elif metric.unit == "minutes":
            settings[key] = st.column_config.NumberColumn(f"{label} (min)", format="%,.1f",
                                                          help=metric.definition)
        else:
            settings[key] = st.column_config.NumberColumn(label, format="%,.4f",
                                                          help=metric.definition)
    return settings
