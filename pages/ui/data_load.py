"""The Data page's later steps: cost drivers, validation, the atomic load with its recipe,
the active dataset, templates and reset to the sample. Validation stages the dataset
beside the live one (``Store.stage_files``); "Replace the dataset" swaps it in
(``Store.commit``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pages.ui.data_files import (
    ATTRIBUTES,
    ROW_LABELS,
    SAMPLE_ROWS,
    TABLE_LABELS,
    TABLE_PURPOSE,
    discard_pending,
    flash,
    progress_bar,
    rows_sentence,
    write_upload,
)
from pages.ui.data_state import (
    TABLE_ORDER,
    TABLES,
    DatasetError,
    LoadOptions,
    Recipe,
    TableEntry,
    column_label,
    commit,
    contract_frame,
    importer_mapping,
    lines_preview,
    load_sample,
    problem_table,
    remember_mapping,
    remember_recipe,
    stage_files,
    template_csv,
)
from pages.ui.drivers import driver_preview_ui, drivers, drivers_ui, resources, resources_ui
from pages.ui.state import clear_caches, customer_count, dataset_info
from pages.ui.widgets import download_buttons, md_escape

state = st.session_state
# What the Data page says of a store that keeps the customer-month cube alone (issue 13).
MONTHLY_TOTALS_ONLY = (
    "This store keeps monthly totals only: each customer's revenue, COGS, invoice lines, "
    "orders and activity volumes per calendar month, not the invoice lines themselves. "
    "Every page reads these totals, to the cent for whole months; a period that starts or "
    "ends within a month counts that month by its days (prorated, with a warning). The "
    "row counts below are what the load read."
)


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
        if not info.lines_kept:
            st.info(MONTHLY_TOTALS_ONLY)
        columns = st.columns(len(TABLE_ORDER))
        for column, table in zip(columns, TABLE_ORDER, strict=True):
            if table == "customers":
                # The customers the analysis pages count, master data or not.
                masters = info.rows.get(table, 0)
                column.metric("Customers", f"{customer_count():,}", border=True,
                              help=f"Customers with invoice lines or activity; {masters:,} "
                              "with a row of customer master data.")
                continue
            column.metric(ROW_LABELS[table], f"{info.rows.get(table, 0):,}", border=True)
        files = pd.DataFrame(
            {
                "table": [TABLE_LABELS[t] for t in TABLE_ORDER],
                "file": [info.files.get(t, "") for t in TABLE_ORDER],
                "rows": [info.rows.get(t, 0) for t in TABLE_ORDER],
                "columns": [", ".join(info.columns.get(t, [])) for t in TABLE_ORDER],
            }
        )
        with st.expander("Source files and columns"):
            st.dataframe(files, hide_index=True, width="stretch", column_config={
                "table": st.column_config.TextColumn("Table", pinned=True),
                "file": "File",
                "rows": st.column_config.NumberColumn("Rows", format="%,d"),
                "columns": st.column_config.TextColumn("Columns (names in the data)",
                                                       width="large"),
            })
        if info.warnings:
            with st.expander(f"Warnings recorded at load ({len(info.warnings)})"):
                for warning in info.warnings:
                    st.text(f"• {warning}")


def _preview_columns(table: str) -> dict:
    """Labels (the contract name in the help), dates as dates and money to the cent in a
    preview of parsed rows."""
    config = {}
    for col in TABLES[table].columns:
        label, help_ = column_label(col.name), f"Contract column: {col.name}"
        if col.kind == "date":
            config[col.name] = st.column_config.DateColumn(label, format="YYYY-MM-DD",
                                                           help=help_)
        elif col.kind == "money":
            config[col.name] = st.column_config.NumberColumn(label, format="%,.2f",
                                                             help=help_)
        else:
            config[col.name] = st.column_config.Column(label, help=help_)
    return config


def signature_of(uploads: dict, mappings: dict, options: LoadOptions) -> tuple:
    """What a validation was made of: the files, the column choices and the options."""
    return (*(
        (t, uploads[t].file_id, tuple(sorted((k, v or "") for k, v in mappings.get(t, {}).items())))
        for t in sorted(uploads)
    ), repr(options))


def load_options(formats: dict, attributes: bool) -> LoadOptions:
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
    key = (upload.file_id, tuple(sorted((k, v or "") for k, v in mapping.items())),
           tuple(sorted(formats.items())))
    held = state.get("data_lines_preview")
    if held is not None and held[0] == key:
        return held[1]
    if held is not None and held[1] is not None:
        held[1].close()
    state.pop("data_lines_preview", None)
    bar, report = progress_bar("Reading the invoice lines for the preview…")
    names = TABLES["transactions"].names
    try:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            preview = lines_preview(
                write_upload(folder, "transactions", upload), upload.name,
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
    discard_pending()
    state.pop("data_problems", None)
    bar, report = progress_bar("Validating…")
    names = {t: u.name for t, u in uploads.items()}
    try:
        with tempfile.TemporaryDirectory(prefix="profitlens-upload-") as folder:
            files = {t: write_upload(folder, t, u) for t, u in uploads.items()}
            pending = stage_files(
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
            download_buttons(table, "validation-problems", key="problems", filtered=False)
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
        bar, report = progress_bar("Loading…")
        try:
            result = commit(pending, progress=report)
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
            remember_mapping(table, headers,
                             {k: v for k, v in mapping.items() if v and k in names})
        if "transactions" in mappings and state.get("data_recipe_toml"):
            remember_recipe(mappings["transactions"][0], state["data_recipe_toml"])
        state.pop("data_recipe", None)
        clear_caches()
        flash(f"The dataset was replaced: {rows_sentence(result.rows)}. Every page now "
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
                                 "column": st.column_config.TextColumn(
                                     "Column", width="small", pinned=True,
                                     help="The header a file uses for it."),
                                 "label": st.column_config.TextColumn("Label", width="small"),
                                 "kind": st.column_config.TextColumn("Kind", width="small"),
                                 "required": st.column_config.TextColumn("Required",
                                                                         width="small"),
                                 "meaning": st.column_config.TextColumn("Meaning",
                                                                        width="large"),
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
        discard_pending()
        bar, report = progress_bar("Preparing the sample dataset…")
        try:
            result = load_sample(progress=report)
        except Exception as exc:
            bar.empty()
            st.error(f"The reset failed; the current data is unchanged: {md_escape(exc)}",
                     icon=":material/error:")
            return
        clear_caches()
        flash(f"The sample dataset is loaded: {rows_sentence(result.rows)}.")
        state["data_generation"] = generation + 1
    st.rerun()


def forget_stale(uploads: dict, signature: tuple) -> None:
    """A validation made of other files or choices is discarded; per-file caches keep only
    the files still uploaded."""
    if state.get("data_pending") is not None and state.get("data_pending_for") != signature:
        discard_pending()
        st.toast("The files or column choices changed: validate again.", icon=":material/info:")
    if state.get("data_problems") is not None and state["data_problems"][0] != signature:
        state.pop("data_problems")
    current = {u.file_id for u in uploads.values()}
    for cache in ("data_headers", "data_defaults", "data_sample_rows"):
        state[cache] = {k: v for k, v in state.get(cache, {}).items() if k in current}
