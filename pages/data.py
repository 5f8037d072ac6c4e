"""Data: the active dataset; upload, map, validate and load a new one; templates; reset.

Uploaded files are written to a temporary folder under safe names (``<table><suffix>``)
only while their headers are read or the dataset is validated, then removed. Validation
stages the dataset beside the live one (``Store.stage_files``); "Replace the dataset"
swaps it in (``Store.commit``). Changing a file or a column choice after validating
discards the staged load. Every string from an upload is shown as text.
"""

import streamlit as st

from pages.ui.frame import page_guard

page_guard()

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from data import TABLE_ORDER, TABLES, DatasetError  # noqa: E402
from data.contract import EXTENSIONS  # noqa: E402
from data.mapping import (  # noqa: E402
    contract_frame,
    importer_mapping,
    mapping_problems,
    problem_table,
    read_headers,
    restore_mapping,
    suggest_mapping,
    template_csv,
)
from data.sources import SourceError  # noqa: E402
from pages.ui.state import clear_caches, dataset_info, get_store  # noqa: E402
from pages.ui.widgets import download_buttons, md_escape  # noqa: E402

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


def mapping_ui(table: str, upload, headers: list[str], generation: int) -> dict[str, str | None]:
    """The column choices for one file: contract column -> header (None: not in file)."""
    spec = TABLES[table]
    # Choices made in this session for the same layout (a corrected file uploaded again)
    # come first, then those remembered from the last load of it, then the suggestion.
    layout = (table, store.layout_key(headers))
    kept = state.setdefault("data_layout_choices", {})
    defaults = state.setdefault("data_defaults", {})
    if upload.file_id not in defaults:
        saved = store.remembered_mapping(table, headers)
        if layout in kept:
            defaults[upload.file_id] = (restore_mapping(table, headers, kept[layout]),
                                        "kept from your previous file")
        elif saved is not None:
            defaults[upload.file_id] = (restore_mapping(table, headers, saved),
                                        "remembered from your last load of this layout")
        else:
            defaults[upload.file_id] = (suggest_mapping(table, headers), "matched automatically")
    default, origin = defaults[upload.file_id]
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
    kept[layout] = {k: v for k, v in mapping.items() if v}
    used = {h for h in mapping.values() if h}
    ignored = [h for h in options if h not in used and h.strip()]
    if ignored:
        st.caption("Not used: " + md_escape(", ".join(ignored)))
    for problem in mapping_problems(table, mapping):
        st.warning(md_escape(problem[:1].upper() + problem[1:]) + ".", icon=":material/warning:")
    return mapping


def columns_ui(uploads: dict, generation: int) -> tuple[dict, dict, bool]:
    """Step 2: headers and column choices per file; returns (headers, mappings, ready)."""
    all_headers: dict[str, list[str]] = {}
    mappings: dict[str, dict[str, str | None]] = {}
    ready = bool(uploads)
    with st.container(border=True):
        st.subheader("Step 2 · Check the columns")
        if not uploads:
            st.caption("The columns of each file appear here once it is uploaded.")
            return all_headers, mappings, False
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
                mappings[table] = mapping_ui(table, upload, headers, generation)
                ready = ready and not mapping_problems(table, mappings[table])
        if "transactions" not in uploads:
            st.warning("A transactions file is required: upload it in step 1.",
                       icon=":material/warning:")
            ready = False
    return all_headers, mappings, ready


def _preview_columns(table: str) -> dict:
    """Dates as dates and money to the cent in a preview of parsed rows."""
    config = {}
    for col in TABLES[table].columns:
        if col.kind == "date":
            config[col.name] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif col.kind == "money":
            config[col.name] = st.column_config.NumberColumn(format="%.2f")
    return config


def _signature(uploads: dict, mappings: dict) -> tuple:
    """What a validation was made of: the files and the column choices."""
    return tuple(
        (t, uploads[t].file_id, tuple(sorted((k, v or "") for k, v in mappings.get(t, {}).items())))
        for t in sorted(uploads)
    )


def validate(uploads: dict, headers: dict, mappings: dict, signature: tuple) -> None:
    _discard_pending()
    state.pop("data_problems", None)
    bar, report = _progress_bar("Validating…")
    names = {t: u.name for t, u in uploads.items()}
    try:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            files = {t: _write_upload(folder, t, u) for t, u in uploads.items()}
            pending = store.stage_files(
                files,
                mappings={t: importer_mapping(t, headers[t], m) for t, m in mappings.items()},
                display_names=names,
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
    finally:
        bar.empty()


def validate_ui(uploads: dict, headers: dict, mappings: dict, ready: bool, signature: tuple):
    """Step 3: validate and show the report; returns the pending load, if any."""
    with st.container(border=True):
        st.subheader("Step 3 · Validate")
        st.caption(
            "Reads every file and checks every value against the import contract. Nothing "
            "is saved: the current dataset stays as it is until step 4."
        )
        if st.button("Validate", type="primary", disabled=not ready, icon=":material/rule:"):
            validate(uploads, headers, mappings, signature)
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
                "them in step 4.", icon=":material/check_circle:",
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
    """Step 4: swap the validated dataset in."""
    with st.container(border=True):
        st.subheader("Step 4 · Load")
        st.caption(
            "Replaces the whole dataset at once: every page then shows the new data. If "
            "anything fails, the current dataset stays exactly as it was."
        )
        clicked = st.button("Replace the dataset", type="primary", disabled=pending is None,
                            icon=":material/published_with_changes:")
        if pending is None:
            st.caption("Validate the files in step 3 first.")
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
        for table, (headers, mapping) in state.pop("data_mappings", {}).items():
            store.remember_mapping(table, headers, {k: v for k, v in mapping.items() if v})
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
headers, mappings, ready = columns_ui(uploads, generation)
signature = _signature(uploads, mappings)
if state.get("data_pending") is not None and state.get("data_pending_for") != signature:
    _discard_pending()
    st.toast("The files or column choices changed: validate again.", icon=":material/info:")
if state.get("data_problems") is not None and state["data_problems"][0] != signature:
    state.pop("data_problems")
# Keep per-file caches to the files still uploaded.
for cache in ("data_headers", "data_defaults"):
    state[cache] = {
        k: v for k, v in state.get(cache, {}).items()
        if k in {u.file_id for u in uploads.values()}
    }
pending = validate_ui(uploads, headers, mappings, ready, signature)
load_ui(pending, generation)

st.header("Templates and reset")
templates_ui()
reset_ui(generation)
