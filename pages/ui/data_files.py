"""The Data page's upload and column steps: files, a recipe to load with, column
choices with date formats, the discount scale and customer attributes.

Uploaded files are written to a temporary folder under safe names (``<table><suffix>``)
only while their headers are read or the dataset is validated, then removed. Every
string from an upload is shown as text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pages.ui.data_state import (
    DATE_FORMATS,
    DERIVED,
    EXTENSIONS,
    TABLE_ORDER,
    TABLES,
    TWO_DIGIT_YEARS,
    DatasetError,
    Recipe,
    SourceError,
    column_label,
    discard,
    guess_date_format,
    layout_key,
    mapping_problems,
    parse_recipe,
    read_date,
    read_headers,
    read_sample_rows,
    remembered_mapping,
    remembered_recipe,
    restore_mapping,
    suggest_mapping,
)
from pages.ui.drivers import set_recipe_drivers
from pages.ui.widgets import md_escape

TABLE_LABELS = {
    "transactions": "Transactions",
    "activities": "Activities",
    "rates": "Rates",
    "resources": "Resources",
    "customers": "Customers",
}
ROW_LABELS = {
    "transactions": "Invoice lines",
    "activities": "Activity rows",
    "rates": "Rates",
    "resources": "Resources",
    "customers": "Customers",
}
TABLE_PURPOSE = {
    "transactions": "Invoice lines: who bought what, when, for how much.",
    "activities": "Service activity per customer: orders, deliveries, support calls…",
    "rates": "The cost of each activity, per unit or through a resource's time.",
    "resources": "Teams or assets that perform activities: their cost and capacity.",
    "customers": "Customer master data: names, segments, regions.",
}
SAMPLE_ROWS = 20
NOT_IN_FILE = -1  # the selectbox option meaning "this optional column is not in the file"
AUTO = "detect"  # the date format option meaning "decide from the column's values"
ATTRIBUTES = tuple(c for c in TABLES["customers"].columns if c.name != "customer_id")
state = st.session_state


def progress_bar(text: str):
    """An ``st.progress`` bar and the callback the store reports to."""
    bar = st.progress(0.0, text=text)

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=md_escape(message))

    return bar, report


def write_upload(folder: str, table: str, upload) -> Path:
    """The upload as ``<table><suffix>`` in ``folder``: never the user's name as a path."""
    suffix = Path(upload.name).suffix.lower()
    if table not in TABLES or suffix not in EXTENSIONS:
        raise ValueError(f"not a table file: {table}{suffix}")
    path = Path(folder) / f"{table}{suffix}"
    path.write_bytes(upload.getbuffer())
    return path


def _headers(table: str, upload) -> tuple[list[str], str | None]:
    """(headers, None) or ([], readable error); read once per uploaded file."""
    cache = state.setdefault("data_headers", {})
    if upload.file_id not in cache:
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            result = ([], f"{upload.name}: is not a CSV, Excel (.xlsx) or Parquet file")
        elif upload.size == 0:
            result = ([], f"{upload.name}: the file is empty")
        else:
            with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
                try:
                    result = (read_headers(write_upload(folder, table, upload), upload.name),
                              None)
                except SourceError as exc:
                    result = ([], str(exc))
        cache[upload.file_id] = result
    return cache[upload.file_id]


def _sample_rows(table: str, upload) -> pd.DataFrame:
    """The file's first rows as text (for date previews), read once per uploaded file."""
    cache = state.setdefault("data_sample_rows", {})
    if upload.file_id not in cache:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            try:
                cache[upload.file_id] = read_sample_rows(write_upload(folder, table, upload),
                                                         upload.name)
            except (SourceError, ValueError, OSError):
                cache[upload.file_id] = pd.DataFrame()
    return cache[upload.file_id]


def discard_pending() -> None:
    pending = state.pop("data_pending", None)
    if pending is not None:
        discard(pending)


def flash(message: str) -> None:
    """A message shown once, after the rerun that follows a load or a reset."""
    state["data_flash"] = message


def rows_sentence(rows: dict[str, int]) -> str:
    parts = [f"{rows[t]:,} {ROW_LABELS[t].lower()}" for t in TABLE_ORDER if rows.get(t)]
    return ", ".join(parts)


def upload_ui(generation: int) -> dict:
    """Step 1: one uploader per table; returns {table: uploaded file}."""
    max_mb = int(st.get_option("server.maxUploadSize"))
    with st.container(border=True):
        st.subheader("Step 1 · Upload your files")
        st.markdown(
            "One file per table, as CSV, Excel (.xlsx) or Parquet, each up to "
            f"{max_mb} MB. Only **transactions** is required; add service activity, "
            "rates and resources to trace the cost to serve, and customer master data for "
            "names, segments and regions."
        )
        st.caption(
            f"A file larger than {max_mb} MB is refused as it is dropped: it is marked in red, "
            "and pointing at it says why. Export a shorter period, or save it as Parquet, "
            "which is several times smaller than CSV."
        )
        help_text = (
            f"CSV, Excel (.xlsx, first worksheet) or Parquet, up to {max_mb} MB. "
            "Headers in any case and order; columns with other names can be matched in "
            "step 2."
        )
        uploads = {}
        first, *rest = TABLE_ORDER
        uploads[first] = st.file_uploader(
            f"**{TABLE_LABELS[first]}** (required): {TABLE_PURPOSE[first]}",
            key=f"upload_{first}_{generation}", help=help_text,
        )
        st.caption("Optional tables")
        for column, table in zip(st.columns(len(rest)), rest, strict=True):
            with column:
                uploads[table] = st.file_uploader(
                    f"**{TABLE_LABELS[table]}**", key=f"upload_{table}_{generation}",
                    help=f"{TABLE_PURPOSE[table]} {help_text}",
                )
        recipe_ui(generation)
        uploads = {t: u for t, u in uploads.items() if u is not None}
        if not uploads:
            st.info(
                "Start by uploading your invoice lines (transactions). Not sure what the "
                "files should look like? Download a template under *Templates and the import "
                "contract* below, or export from your ERP as it is: columns are matched in "
                "the next step.",
                icon=":material/upload_file:",
            )
        return uploads


def recipe_ui(generation: int) -> None:
    """Load with a recipe: its column choices, date formats and drivers become the
    defaults of the steps below (files are matched to its tables by name)."""
    upload = st.file_uploader(
        "**Load with a recipe** (optional): a ProfitLens recipe (.toml) from an earlier load",
        type=["toml"], key=f"upload_recipe_{generation}",
        help="A recipe says which file feeds which table, how its columns and dates are read, "
        "and which cost drivers are counted from the invoice lines. Download one in the last "
        "step after a load.",
    )
    applied = state.get("data_recipe")
    if upload is None:
        if applied is not None and applied[2] == "upload":
            state.pop("data_recipe")
        return
    if applied is not None and applied[1] == upload.file_id:
        st.caption(f"Recipe {md_escape(upload.name)} applied to the steps below.")
        return
    try:
        recipe = parse_recipe(upload.getvalue().decode("utf-8-sig"), Path("."), upload.name)
    except (DatasetError, UnicodeDecodeError) as exc:
        problems = exc.problems if isinstance(exc, DatasetError) else [exc]
        st.error("The recipe cannot be used:  \n" + "  \n".join(md_escape(p) for p in problems),
                 icon=":material/error:")
        return
    _apply_recipe(recipe, upload.file_id, "upload")
    st.caption(f"Recipe {md_escape(upload.name)} applied to the steps below.")


def _apply_recipe(recipe: Recipe, key: str, origin: str) -> None:
    state["data_recipe"] = (recipe, key, origin)
    state["data_recipe_serial"] = state.get("data_recipe_serial", 0) + 1
    state["data_defaults"] = {}
    set_recipe_drivers(recipe.drivers, recipe.resources)


def _recipe_defaults(table: str, upload, headers: list[str]) -> tuple[dict, dict, str] | None:
    """(mapping, date formats, origin) a recipe gives this file, if any."""
    applied = state.get("data_recipe")
    if applied is None:
        return None
    recipe, _, origin = applied
    entry = recipe.tables.get(table)
    by_name = entry is not None and entry.file.name.lower() == upload.name.lower()
    if entry is None or (origin == "upload" and not by_name and table != "transactions"):
        return None
    mapping = restore_mapping(table, headers, {k: v for k, v in entry.columns.items() if v})
    formats = dict(entry.date_formats)
    if table == "transactions" and recipe.customers_from_transactions:
        customers = recipe.tables["customers"]
        mapping.update(restore_mapping("customers", headers, {
            k: v for k, v in customers.columns.items() if v and k != "customer_id"}))
        formats.update(customers.date_formats)
    where = "from the recipe" if origin == "upload" else "from the recipe remembered for " \
        "this layout"
    return mapping, formats, where


def _attribute_label(name: str) -> str:
    """A customer attribute's label: "Customer name", "Customer since", "Wallet"."""
    label = column_label(name)
    return f"Customer {label.lower()}" if name in ("name", "segment", "region") else label


def _attributes_ui(upload, headers: list[str], default: dict, generation: int,
                   options: list[str], customers_file: bool) -> dict[str, str | None]:
    """Customer attributes (name, segment, region…) taken from the transactions file."""
    suggested = {k: v for k, v in suggest_mapping("customers", headers).items()
                 if k != "customer_id"}
    chosen = {a.name: default.get(a.name) for a in ATTRIBUTES if default.get(a.name)}
    on = st.toggle(
        "This file also holds customer attributes (name, segment, region…)",
        value=bool(chosen or (suggested and not customers_file)),
        key=f"attrs_{generation}_{upload.file_id}",
        help="Each customer gets its most frequent value (ties: the latest line); a warning "
        "counts customers with several values. A customers file uploaded in step 1 is then "
        "not needed.",
    )
    if not on:
        return {}
    chosen = chosen or suggested
    mapping: dict[str, str | None] = {}
    grid = st.columns(len(ATTRIBUTES))
    for column, col in zip(grid, ATTRIBUTES, strict=True):
        picked = column.selectbox(
            _attribute_label(col.name), [NOT_IN_FILE, *range(len(options))],
            index=options.index(chosen[col.name]) + 1 if chosen.get(col.name) in options else 0,
            format_func=lambda i: "(not in file)" if i == NOT_IN_FILE else options[i],
            key=f"attr_{generation}_{upload.file_id}_{col.name}",
            help=f"{col.description} Contract column: `{col.name}` (customers file).",
        )
        mapping[col.name] = None if picked == NOT_IN_FILE else options[picked]
    return mapping


def _date_format_ui(table: str, upload, column: str, header: str | None, default: str | None,
                    generation: int) -> str | None:
    """The date format of one date column, and its first dates as they will be read."""
    labels = [AUTO, *DATE_FORMATS]
    picked = st.selectbox(
        f"Date format of {md_escape(header or column)}", labels,
        index=labels.index(default) if default in labels else 0,
        format_func=lambda f: "Detect from the values" if f == AUTO else DATE_FORMATS[f][2],
        key=f"datefmt_{generation}_{table}_{upload.file_id}_{column}",
        help="Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999.",
    )
    sample = _sample_rows(table, upload)
    if header is None or header not in sample.columns:
        return None if picked == AUTO else picked
    values = [v for v in sample[header].dropna().astype(str).str.strip().unique() if v][:200]
    delimiter = sample.attrs.get("delimiter", ",")
    fmt, decided = (picked, True) if picked != AUTO else guess_date_format(values, delimiter)
    shown = []
    for value in values[:3]:
        read = read_date(value, fmt)
        shown.append(f"{value} → {read:%-d %b %Y}" if read else f"{value} → not a date")
    note = ""
    if not decided and fmt in TWO_DIGIT_YEARS:
        note = (" · two-digit years, and the first rows do not show whether the day or the "
                "month comes first: choose DD/MM/YY or MM/DD/YY (the load refuses the column "
                "otherwise, unless a later value decides)")
    elif not decided:
        note = (" · the first rows do not show whether the day or the month comes first: "
                "choose the format if this is wrong")
    st.caption(md_escape(" · ".join(shown)) + note)
    return None if picked == AUTO else picked


SCALES = {"detect": "Decide from the values (a value above 1: percentages)",
          "fraction": "Fractions (0.2 = 20 %)", "percent": "Percentages (20 = 20 %)"}


def _discount_scale_ui(upload, mapping: dict, generation) -> str | None:
    """How the discount column is read, when one is mapped (a recipe's choice first)."""
    if not mapping.get("discount"):
        return None
    applied = state.get("data_recipe")
    default = (applied[0].discount_scale if applied else None) or "detect"
    picked = st.selectbox(
        f"Discounts in {md_escape(mapping['discount'])} are", list(SCALES),
        index=list(SCALES).index(default), format_func=SCALES.get,
        key=f"discount_scale_{generation}_{upload.file_id}",
        help="List revenue = net revenue / (1 - discount rate).",
    )
    return None if picked == "detect" else picked


def mapping_ui(table: str, upload, headers: list[str], generation: int,
               customers_file: bool = False
               ) -> tuple[dict[str, str | None], dict[str, str], bool]:
    """The column choices for one file: contract column -> header (None: not in file), the
    date formats chosen (column -> format), and whether customer attributes come along."""
    spec = TABLES[table]
    # Choices made in this session for the same layout (a corrected file uploaded again)
    # come first, then those remembered from the last load of it, then the suggestion.
    layout = (table, layout_key(headers))
    kept = state.setdefault("data_layout_choices", {})
    defaults = state.setdefault("data_defaults", {})
    if upload.file_id not in defaults:
        saved = remembered_mapping(table, headers)
        from_recipe = _recipe_defaults(table, upload, headers)
        if from_recipe is not None:
            defaults[upload.file_id] = (from_recipe[0], from_recipe[2], from_recipe[1])
        elif layout in kept:
            defaults[upload.file_id] = (restore_mapping(table, headers, kept[layout]),
                                        "kept from your previous file", {})
        elif saved is not None:
            defaults[upload.file_id] = (restore_mapping(table, headers, saved),
                                        "remembered from your last load of this layout", {})
        else:
            defaults[upload.file_id] = (suggest_mapping(table, headers), "matched automatically",
                                        {})
    default, origin, default_formats = defaults[upload.file_id]
    options = list(dict.fromkeys(headers))  # a header written twice is one choice
    st.markdown(f"**{TABLE_LABELS[table]}** · {md_escape(upload.name)}")
    st.caption(f"{len(headers)} columns in the file; choices {origin}.")
    mapping: dict[str, str | None] = {}
    grid = st.columns(4)
    for number, col in enumerate(spec.columns):
        choices = list(range(len(options))) if col.required else [NOT_IN_FILE,
                                                                  *range(len(options))]
        chosen = default.get(col.name)
        index = options.index(chosen) if chosen in options else None
        if index is not None and not col.required:
            index += 1
        elif index is None and not col.required:
            index = 0
        with grid[number % 4]:
            picked = st.selectbox(
                f"{column_label(col.name)} (required)" if col.required
                else column_label(col.name),
                choices, index=index,
                format_func=lambda i: "(not in file)" if i == NOT_IN_FILE else options[i],
                key=f"map_{generation}_{table}_{upload.file_id}_{col.name}",
                placeholder="Choose a column…",
                help=f"{col.description} Contract column: `{col.name}`.",
            )
        mapping[col.name] = None if picked is None or picked == NOT_IN_FILE else options[picked]
    attributes: dict[str, str | None] = {}
    if table == "transactions":
        attributes = _attributes_ui(upload, headers, default, generation, options,
                                    customers_file)
    formats: dict[str, str] = {}
    dated = [c for c in (*spec.columns, *(a for a in ATTRIBUTES if a.name in attributes))
             if c.kind == "date" and (mapping.get(c.name) or attributes.get(c.name))]
    for col in dated:
        fmt = _date_format_ui(table, upload, col.name,
                              mapping.get(col.name) or attributes.get(col.name),
                              default_formats.get(col.name), generation)
        if fmt:
            formats[col.name] = fmt
    if table == "transactions":
        state["data_discount_scale"] = _discount_scale_ui(upload, mapping, generation)
    mapping.update(attributes)
    kept[layout] = {k: v for k, v in mapping.items() if v}
    used = {h for h in mapping.values() if h}
    ignored = [h for h in options if h not in used and h.strip()]
    if ignored:
        st.caption("Not used: " + md_escape(", ".join(ignored)))
    for problem in _mapping_problems(table, mapping):
        st.warning(md_escape(problem[:1].upper() + problem[1:]) + ".", icon=":material/warning:")
    return mapping, formats, bool(attributes)


def _mapping_problems(table: str, mapping: dict[str, str | None]) -> list[str]:
    base = {k: v for k, v in mapping.items() if k in TABLES[table].names}
    problems = mapping_problems(table, base)
    used = {}
    for name, header in mapping.items():
        if header:
            used.setdefault(header, []).append(name)
    problems += [f'the column "{h}" is chosen for {" and ".join(n)}: each column of the file '
                 "can feed one field only" for h, n in used.items()
                 if len(n) > 1 and not set(n) <= set(base)]
    for target, inputs in DERIVED.items():
        given = [c for c in inputs if mapping.get(c)]
        if table == "transactions" and len(given) > 1:
            problems.append(f"{' and '.join(given)} both give {target}: keep one of them")
    return problems


def columns_ui(uploads: dict, generation: int) -> tuple[dict, dict, dict, bool, bool]:
    """Step 2: headers and column choices per file; returns (headers, mappings, date
    formats, attributes from the transactions file, ready)."""
    all_headers: dict[str, list[str]] = {}
    mappings: dict[str, dict[str, str | None]] = {}
    formats: dict[str, dict[str, str]] = {}
    attributes = False
    ready = bool(uploads)
    with st.container(border=True):
        st.subheader("Step 2 · Check the columns")
        if not uploads:
            st.caption("The columns of each file appear here once it is uploaded.")
            return all_headers, mappings, formats, False, False
        st.caption(
            "Each field ProfitLens needs is matched to a column of your file. Change a choice "
            "if it is wrong; the choices are remembered for the next file with the same "
            "columns."
        )
        for table, upload in uploads.items():
            headers, error = _headers(table, upload)
            with st.container(border=True):
                if error:
                    st.markdown(f"**{TABLE_LABELS[table]}** · {md_escape(upload.name)}")
                    st.error(md_escape(error) + ". Remove it or upload another file.",
                             icon=":material/error:")
                    ready = False
                    continue
                all_headers[table] = headers
                if table == "transactions":
                    _remembered_recipe(upload, headers)
                # A recipe applied later gives new widgets, so its choices show.
                keyed = f"{generation}r{state.get('data_recipe_serial', 0)}"
                mappings[table], chosen, attrs = mapping_ui(table, upload, headers, keyed,
                                                            "customers" in uploads)
                if chosen:
                    formats[table] = chosen
                attributes = attributes or attrs
                ready = ready and not _mapping_problems(table, mappings[table])
        if "transactions" not in uploads:
            st.warning("A transactions file is required: upload it in step 1.",
                       icon=":material/warning:")
            ready = False
        if attributes and "customers" in uploads:
            st.warning("Customer attributes come from the transactions file: remove the "
                       "customers file, or turn the attributes off.", icon=":material/warning:")
            ready = False
    return all_headers, mappings, formats, attributes, ready


def _remembered_recipe(upload, headers: list[str]) -> None:
    """A recipe remembered for this transactions layout becomes the defaults, once."""
    if state.get("data_recipe") is not None:
        return
    found = remembered_recipe(headers)
    if found is None:
        return
    try:
        recipe = parse_recipe(found[0], Path("."), "remembered recipe")
    except DatasetError:
        return
    _apply_recipe(recipe, upload.file_id, "remembered")
    st.toast(f"Using the recipe remembered for this layout (saved {found[1]:%Y-%m-%d}).",
             icon=":material/history:")
