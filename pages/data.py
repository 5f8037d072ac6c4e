"""Data: the active dataset; upload, map, validate and load a new one; templates; reset.

Uploaded files are written to a temporary folder under safe names (``<table><suffix>``)
only while their headers are read or the dataset is validated, then removed. Validation
stages the dataset beside the live one (``Store.stage_files``); "Replace the dataset"
swaps it in (``Store.commit``). Changing a file or a column choice after validating
discards the staged load. Every string from an upload is shown as text.
"""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from data import TABLE_ORDER, TABLES, DatasetError
from data.contract import EXTENSIONS
from data.dates import (
    DATE_FORMATS,
    TWO_DIGIT_YEARS,
    guess_date_format,
    read_date,
)
from data.mapping import (
    contract_frame,
    importer_mapping,
    mapping_problems,
    problem_table,
    read_headers,
    read_sample_rows,
    restore_mapping,
    suggest_mapping,
    template_csv,
)
from data.recipe import LoadOptions, Recipe, TableEntry, parse_recipe
from data.sources import SourceError
from pages.ui.drivers import (
    driver_preview_ui,
    drivers,
    drivers_ui,
    resources,
    resources_ui,
    set_recipe_drivers,
)
from pages.ui.frame import page_guard
from pages.ui.state import clear_caches, customer_count, dataset_info, get_store
from pages.ui.widgets import download_buttons, md_escape

page_guard()

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
store = get_store()
max_mb = int(st.get_option("server.maxUploadSize"))


def _progress_bar(text: str):
    """An ``st.progress`` bar and the callback the store reports to."""
    bar = st.progress(0.0, text=text)

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=md_escape(message))

    return bar, report


def _write_upload(folder: str, table: str, upload) -> Path:
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
                    result = (read_headers(_write_upload(folder, table, upload), upload.name),
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
                cache[upload.file_id] = read_sample_rows(_write_upload(folder, table, upload),
                                                         upload.name)
            except (SourceError, ValueError, OSError):
                cache[upload.file_id] = pd.DataFrame()
    return cache[upload.file_id]


def _discard_pending() -> None:
    pending = state.pop("data_pending", None)
    if pending is not None:
        store.discard(pending)


def _flash(message: str) -> None:
    """A message shown once, after the rerun that follows a load or a reset."""
    state["data_flash"] = message


def _rows_sentence(rows: dict[str, int]) -> str:
    parts = [f"{rows[t]:,} {ROW_LABELS[t].lower()}" for t in TABLE_ORDER if rows.get(t)]
    return ", ".join(parts)


def active_dataset_ui() -> None:
    info = dataset_info()
    with st.container(border=True):
        st.subheader("Active dataset")
        span = (
            f"{info.first_date:%Y-%m-%d} to {info.last_date:%Y-%m-%d}"
            if info.first_date and info.last_date else "no dates"
        )
        st.markdown(
            f"**Source:** {md_escape(info.source)}  \n"
            f"**Loaded:** {info.loaded_at:%Y-%m-%d %H:%M}  \n"
            f"**Invoice dates:** {span}"
        )
        columns = st.columns(len(TABLE_ORDER))
        for column, table in zip(columns, TABLE_ORDER, strict=True):
            if table == "customers":
                # The customers the analysis pages count, master data or not.
                masters = info.rows.get(table, 0)
                column.metric("Customers", f"{customer_count(info.version):,}", border=True,
                              help=f"Customers with invoice lines or activity; {masters:,} "
                              "with a row of customer master data.")
                continue
            column.metric(ROW_LABELS[table], f"{info.rows.get(table, 0):,}", border=True)
        files = pd.DataFrame(
            {
                "table": list(TABLE_ORDER),
                "file": [info.files.get(t, "") for t in TABLE_ORDER],
                "rows": [info.rows.get(t, 0) for t in TABLE_ORDER],
                "columns": [", ".join(info.columns.get(t, [])) for t in TABLE_ORDER],
            }
        )
        with st.expander("Source files and columns"):
            st.dataframe(files, hide_index=True, width="stretch")
        if info.warnings:
            with st.expander(f"Warnings recorded at load ({len(info.warnings)})"):
                for warning in info.warnings:
                    st.text(f"• {warning}")


def upload_ui(generation: int) -> dict:
    """Step 1: one uploader per table; returns {table: uploaded file}."""
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
            f"customer {col.name}", [NOT_IN_FILE, *range(len(options))],
            index=options.index(chosen[col.name]) + 1 if chosen.get(col.name) in options else 0,
            format_func=lambda i: "(not in file)" if i == NOT_IN_FILE else options[i],
            key=f"attr_{generation}_{upload.file_id}_{col.name}", help=col.description,
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
    layout = (table, store.layout_key(headers))
    kept = state.setdefault("data_layout_choices", {})
    defaults = state.setdefault("data_defaults", {})
    if upload.file_id not in defaults:
        saved = store.remembered_mapping(table, headers)
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
                f"{col.name} (required)" if col.required else col.name,
                choices, index=index,
                format_func=lambda i: "(not in file)" if i == NOT_IN_FILE else options[i],
                key=f"map_{generation}_{table}_{upload.file_id}_{col.name}",
                placeholder="Choose a column…", help=col.description,
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
    for target, inputs in (("cogs", ("cogs", "gross_profit", "unit_cost")),
                           ("list revenue", ("list_revenue", "discount"))):
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
    found = store.remembered_recipe(headers)
    if found is None:
        return
    try:
        recipe = parse_recipe(found[0], Path("."), "remembered recipe")
    except DatasetError:
        return
    _apply_recipe(recipe, upload.file_id, "remembered")
    st.toast(f"Using the recipe remembered for this layout (saved {found[1]:%Y-%m-%d}).",
             icon=":material/history:")


def _preview_columns(table: str) -> dict:
    """Dates as dates and money to the cent in a preview of parsed rows."""
    config = {}
    for col in TABLES[table].columns:
        if col.kind == "date":
            config[col.name] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif col.kind == "money":
            config[col.name] = st.column_config.NumberColumn(format="%.2f")
    return config


def _signature(uploads: dict, mappings: dict, options: LoadOptions) -> tuple:
    """What a validation was made of: the files, the column choices and the options."""
    return (*(
        (t, uploads[t].file_id, tuple(sorted((k, v or "") for k, v in mappings.get(t, {}).items())))
        for t in sorted(uploads)
    ), repr(options))


def _options(formats: dict, attributes: bool) -> LoadOptions:
    scale = state.get("data_discount_scale")
    return LoadOptions(date_formats=formats, customers_from_transactions=attributes,
                       drivers=drivers(), resources=resources(), origin="Cost drivers",
                       discount_scale=scale)


def _recipe(uploads: dict, mappings: dict, options: LoadOptions) -> Recipe:
    """The choices made on this page as a recipe (files named as uploaded)."""
    tables = {}
    for table, upload in uploads.items():
        names = TABLES[table].names
        columns = {k: v for k, v in mappings.get(table, {}).items() if k in names}
        formats = {k: v for k, v in options.date_formats.get(table, {}).items() if k in names}
        tables[table] = TableEntry(Path(upload.name), columns, formats)
    lines = mappings.get("transactions", {})
    if options.customers_from_transactions and "transactions" in uploads:
        attributes = {a.name: lines.get(a.name) for a in ATTRIBUTES}
        tables["customers"] = TableEntry(
            Path(uploads["transactions"].name),
            {"customer_id": lines.get("customer_id"), **attributes},
            {k: v for k, v in options.date_formats.get("transactions", {}).items()
             if k == "since"},
        )
    return Recipe(tables, options.drivers, options.resources, options.discount_scale,
                  name="profitlens-recipe.toml")


def drivers_step_ui(uploads: dict, mappings: dict, formats: dict, ready: bool) -> None:
    """Step 3: cost drivers counted from the invoice lines, with a live preview."""
    with st.container(border=True):
        st.subheader("Step 3 · Cost drivers (optional)")
        st.caption(
            "No activities file? Count the cost to serve from what your invoice lines already "
            "record: orders, lines, expedites, ship modes, returns. Each driver gets a cost "
            "per unit, or a unit time on a resource (several drivers on one resource form a "
            "time equation, e.g. 5 minutes per order + 1 per line + 10 per expedited order)."
        )
        upload = uploads.get("transactions")
        lines = mappings.get("transactions", {})
        if upload is None or not ready:
            st.caption("Upload the transactions file and choose its columns first.")
            return
        preview = _lines_preview(upload, lines, formats.get("transactions", {}))
        if preview is None:
            return
        given = resources_ui()
        found = drivers_ui(preview, given, lines.get("quantity"), lines.get("order_id"))
        driver_preview_ui(preview, found, given)


def _lines_preview(upload, mapping: dict, formats: dict):
    """The transactions file read for driver previews, once per file and column choice."""
    from data.preview import LinesPreview

    key = (upload.file_id, tuple(sorted((k, v or "") for k, v in mapping.items())),
           tuple(sorted(formats.items())))
    held = state.get("data_lines_preview")
    if held is not None and held[0] == key:
        return held[1]
    if held is not None and held[1] is not None:
        held[1].close()
    state.pop("data_lines_preview", None)
    bar, report = _progress_bar("Reading the invoice lines for the preview…")
    names = TABLES["transactions"].names
    try:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            preview = LinesPreview(
                _write_upload(folder, "transactions", upload), upload.name,
                {k: mapping.get(k) or None for k in names},
                LoadOptions(date_formats={"transactions": formats}), progress=report,
            )
    except DatasetError as exc:
        bar.empty()
        st.error("The invoice lines cannot be read yet, so drivers cannot be previewed. "
                 "Validate in step 4 to see every problem; the first:  \n"
                 + md_escape(exc.problems[0]), icon=":material/error:")
        return None
    except Exception as exc:  # never a traceback
        bar.empty()
        st.error(f"The invoice lines could not be read for the preview: {md_escape(exc)}",
                 icon=":material/error:")
        return None
    bar.empty()
    state["data_lines_preview"] = (key, preview)
    return preview


def validate(uploads: dict, headers: dict, mappings: dict, signature: tuple,
             options: LoadOptions) -> None:
    _discard_pending()
    state.pop("data_problems", None)
    bar, report = _progress_bar("Validating…")
    names = {t: u.name for t, u in uploads.items()}
    try:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            files = {t: _write_upload(folder, t, u) for t, u in uploads.items()}
            pending = store.stage_files(
                files,
                mappings={t: {**importer_mapping(t, headers[t], m), **m}
                          for t, m in mappings.items()},
                display_names=names,
                options=options,
                source="Upload: " + ", ".join(names[t] for t in TABLE_ORDER if t in names),
                progress=report,
                sample_rows=SAMPLE_ROWS,
            )
    except DatasetError as exc:
        order = {name: number for number, name in enumerate(names.values())}
        problems = sorted(exc.problems, key=lambda p: (order.get(p.file, -1), p.line or 0))
        state["data_problems"] = (signature, problem_table(problems))
    except Exception as exc:  # an unexpected failure: say so, never a traceback
        state["data_problems"] = (signature, pd.DataFrame({
            "file": ["upload"], "line": [""], "column": [""], "value": [""],
            "problem": [f"could not be validated: {exc}"],
            "details": [f"The files could not be validated: {exc}"],
        }))
    else:
        state["data_pending"] = pending
        state["data_pending_for"] = signature
        state["data_mappings"] = {t: (headers[t], mappings[t]) for t in mappings}
        state["data_recipe_toml"] = _recipe(uploads, mappings, options).to_toml()
    finally:
        bar.empty()


def validate_ui(uploads: dict, headers: dict, mappings: dict, ready: bool, signature: tuple,
                options: LoadOptions):
    """Step 4: validate and show the report; returns the pending load, if any."""
    with st.container(border=True):
        st.subheader("Step 4 · Validate")
        st.caption(
            "Reads every file and checks every value against the import contract. Nothing "
            "is saved: the current dataset stays as it is until step 5."
        )
        if st.button("Validate", type="primary", disabled=not ready, icon=":material/rule:"):
            validate(uploads, headers, mappings, signature, options)
        pending = state.get("data_pending")
        problems = state.get("data_problems")
        if problems is not None and problems[0] == signature:
            table = problems[1]
            st.error(
                f"{len(table):,} problem(s) found: nothing was saved and the current dataset "
                "is unchanged. Correct the files (or the column choices) and validate again.",
                icon=":material/error:",
            )
            st.dataframe(
                table.drop(columns="details"), hide_index=True, width="stretch",
                column_config={
                    "file": "File", "line": "Line", "column": "Column", "value": "Value",
                    "problem": st.column_config.TextColumn("Problem", width="large"),
                },
            )
            download_buttons(table, "validation-problems", key="problems")
        if pending is not None:
            st.success(
                "The files are valid. Check the figures and the first rows below, then load "
                "them in step 5.", icon=":material/check_circle:",
            )
            loaded = [t for t in TABLE_ORDER if t in pending.rows]
            for column, table in zip(st.columns(len(TABLE_ORDER)), loaded, strict=False):
                column.metric(ROW_LABELS[table], f"{pending.rows[table]:,}", border=True)
            if pending.warnings:
                st.warning(
                    "\n".join(f"- {md_escape(w)}" for w in pending.warnings),
                    icon=":material/info:",
                )
            tables = [t for t in TABLE_ORDER if t in pending.samples]
            tabs = st.tabs([TABLE_LABELS[t] for t in tables])
            for tab, table in zip(tabs, tables, strict=True):
                with tab:
                    shown = min(SAMPLE_ROWS, pending.rows[table])
                    st.caption(f"The first {shown:,} of {pending.rows[table]:,} rows, as they "
                               "will be stored.")
                    st.dataframe(pending.samples[table].drop(columns="_line", errors="ignore"),
                                 hide_index=True, width="stretch",
                                 column_config=_preview_columns(table))
        return pending


def load_ui(pending, generation: int) -> None:
    """Step 5: swap the validated dataset in."""
    with st.container(border=True):
        st.subheader("Step 5 · Load")
        st.caption(
            "Replaces the whole dataset at once: every page then shows the new data. If "
            "anything fails, the current dataset stays exactly as it was."
        )
        clicked = st.button("Replace the dataset", type="primary", disabled=pending is None,
                            icon=":material/published_with_changes:")
        if pending is None:
            st.caption("Validate the files in step 4 first.")
        else:
            st.download_button(
                "Download recipe", state.get("data_recipe_toml", ""),
                "profitlens-recipe.toml", "application/toml", icon=":material/receipt_long:",
                on_click="ignore", key="download_recipe",
                help="These choices as a recipe: load next month's export of the same layout "
                "with it here, or on the command line (python -m analytics load --recipe).",
            )
        if not clicked or pending is None:
            return
        bar, report = _progress_bar("Loading…")
        try:
            result = store.commit(pending, progress=report)
        except DatasetError as exc:
            bar.empty()
            state.pop("data_pending", None)
            st.error("The dataset was not replaced; the current data is unchanged.  \n"
                     + "  \n".join(md_escape(p) for p in exc.problems), icon=":material/error:")
            return
        except Exception as exc:
            bar.empty()
            st.error(f"The dataset was not replaced; the current data is unchanged: "
                     f"{md_escape(exc)}", icon=":material/error:")
            return
        state.pop("data_pending", None)
        mappings = state.pop("data_mappings", {})
        for table, (headers, mapping) in mappings.items():
            names = TABLES[table].names
            store.remember_mapping(table, headers,
                                   {k: v for k, v in mapping.items() if v and k in names})
        if "transactions" in mappings and state.get("data_recipe_toml"):
            store.remember_recipe(mappings["transactions"][0], state["data_recipe_toml"])
        state.pop("data_recipe", None)
        clear_caches()
        _flash(f"The dataset was replaced: {_rows_sentence(result.rows)}. Every page now "
               "shows the new data.")
        state["data_generation"] = generation + 1
    st.rerun()


def templates_ui() -> None:
    with st.container(border=True):
        st.subheader("Templates and the import contract")
        st.markdown(
            "A dataset is one file per table. Headers are matched in any case and order; "
            "unknown columns are ignored. Numbers may use `1,234.56` or `1.234,56`; dates "
            "ISO (`2024-03-31`), `31.03.2024`, `31/03/2024` or `03/31/2024`. Each template "
            "holds the table's columns and example rows; together they form a dataset that "
            "loads."
        )
        for column, table in zip(st.columns(len(TABLE_ORDER)), TABLE_ORDER, strict=True):
            column.download_button(
                f"{table}.csv", template_csv(table), f"{table}.csv", "text/csv",
                key=f"template_{table}", icon=":material/download:", on_click="ignore",
                width="stretch", help=f"Template: {TABLE_PURPOSE[table]}",
            )
        tabs = st.tabs([TABLE_LABELS[t] for t in TABLE_ORDER])
        for tab, table in zip(tabs, TABLE_ORDER, strict=True):
            spec = TABLES[table]
            with tab:
                need = "Required." if spec.required else "Optional."
                if table == "rates":
                    need = "Required when there are activities."
                elif table == "resources":
                    need = "Required when a rate names a resource."
                st.caption(f"{need} {spec.description}")
                st.dataframe(contract_frame(table), hide_index=True, width="stretch",
                             column_config={
                                 "column": st.column_config.TextColumn(width="small"),
                                 "kind": st.column_config.TextColumn(width="small"),
                                 "required": st.column_config.TextColumn(width="small"),
                                 "meaning": st.column_config.TextColumn(width="large"),
                             })


def reset_ui(generation: int) -> None:
    with st.container(border=True):
        st.subheader("Reset to the sample data")
        st.caption(
            "Replaces the current dataset with the embedded sample: a supplier with 2,000 "
            "customers over three years. Your uploaded data is removed from ProfitLens."
        )
        confirmed = st.checkbox("Yes, replace the current dataset with the sample data",
                                key=f"reset_confirm_{generation}")
        if not st.button("Reset to the sample data", disabled=not confirmed,
                         icon=":material/restart_alt:"):
            return
        _discard_pending()
        bar, report = _progress_bar("Preparing the sample dataset…")
        try:
            result = store.load_sample(progress=report)
        except Exception as exc:
            bar.empty()
            st.error(f"The reset failed; the current data is unchanged: {md_escape(exc)}",
                     icon=":material/error:")
            return
        clear_caches()
        _flash(f"The sample dataset is loaded: {_rows_sentence(result.rows)}.")
        state["data_generation"] = generation + 1
    st.rerun()


generation = state.setdefault("data_generation", 0)
st.title("Data")
st.caption("The dataset every page analyses: what is loaded now, and how to load your own.")
if message := state.pop("data_flash", None):
    st.success(message, icon=":material/check_circle:")
active_dataset_ui()

st.header("Load your own data")
uploads = upload_ui(generation)
headers, mappings, formats, attributes, ready = columns_ui(uploads, generation)
drivers_step_ui(uploads, mappings, formats, ready)
options = _options(formats, attributes)
signature = _signature(uploads, mappings, options)
if state.get("data_pending") is not None and state.get("data_pending_for") != signature:
    _discard_pending()
    st.toast("The files or column choices changed: validate again.", icon=":material/info:")
if state.get("data_problems") is not None and state["data_problems"][0] != signature:
    state.pop("data_problems")
# Keep per-file caches to the files still uploaded.
for cache in ("data_headers", "data_defaults", "data_sample_rows"):
    state[cache] = {
        k: v for k, v in state.get(cache, {}).items()
        if k in {u.file_id for u in uploads.values()}
    }
pending = validate_ui(uploads, headers, mappings, ready, signature, options)
load_ui(pending, generation)

st.header("Templates and reset")
templates_ui()
reset_ui(generation)
