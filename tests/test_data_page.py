"""AppTest of the Data page through app.py (uploads are driven by the browser tests)."""

import json

from streamlit.testing.v1 import AppTest

from data import TABLE_ORDER, Store
from data.mapping import template_csv


def data_page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    app.switch_page("pages/data.py")
    app.run()
    return app


def test_the_page_shows_the_active_dataset_steps_and_templates(app_env):
    app = data_page()
    assert not app.exception
    assert app.title[0].value == "Data"
    subheaders = [s.value for s in app.subheader]
    assert subheaders == [
        "Active dataset", "Step 1 · Upload your files", "Step 2 · Check the columns",
        "Step 3 · Cost drivers (optional)", "Step 4 · Validate", "Step 5 · Load",
        "Templates and the import contract",
        "Reset to the sample data",
    ]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Customers"] == "2,000"
    assert int(metrics["Invoice lines"].replace(",", "")) > 100_000
    assert any("Embedded sample dataset" in m.value for m in app.markdown)
    assert any("Invoice dates:" in m.value for m in app.markdown)
    downloads = app.get("download_button")
    assert [d.proto.label for d in downloads] == [f"{t}.csv" for t in TABLE_ORDER]
    # Nothing uploaded: the empty state says what to do, and nothing can be validated.
    assert any("Start by uploading your invoice lines" in i.value for i in app.info)
    buttons = {b.label: b for b in app.button}
    assert buttons["Validate"].disabled
    assert buttons["Replace the dataset"].disabled
    assert buttons["Reset to the sample data"].disabled


def test_the_contract_is_shown_per_table(app_env):
    app = data_page()
    tables = [d.value for d in app.dataframe]
    contracts = [t for t in tables if list(t.columns) == ["column", "label", "kind",
                                                            "required", "meaning"]]
    assert len(contracts) == len(TABLE_ORDER)
    assert list(contracts[0]["column"][:3]) == ["customer_id", "date", "net_revenue"]
    assert list(contracts[0]["label"][:3]) == ["Customer ID", "Date", "Net revenue"]


def test_the_source_files_table_counts_rows_with_separators(app_env):
    app = data_page()
    files = next(d for d in app.dataframe if "rows" in d.value.columns)
    assert files.value["table"].iloc[0] == "Transactions"
    rows = json.loads(files.proto.columns)["rows"]
    assert rows["type_config"]["format"] == "%,d" and rows["label"] == "Rows"


def test_reset_needs_a_confirmation_and_loads_the_sample(private_app):
    store = Store(private_app)
    folder = private_app.parent / "templates"
    folder.mkdir()
    for table in TABLE_ORDER:
        (folder / f"{table}.csv").write_bytes(template_csv(table))
    store.load_folder(folder)
    store.close()

    app = data_page()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Customers"] == "2"
    app.checkbox[0].check().run()
    reset = next(b for b in app.button if b.label == "Reset to the sample data")
    assert not reset.disabled
    reset.click().run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Customers"] == "2,000"
    assert any("The sample dataset is loaded" in s.value for s in app.success)
    assert not app.checkbox[0].value  # the confirmation does not stay ticked


def test_uploaded_strings_are_shown_literally(private_app, tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text("customer_id,date,net_revenue\nC1,2024-01-01,10\n", encoding="utf-8")
    store = Store(private_app)
    store.load_files({"transactions": path}, display_names={"transactions": "<b>Acme</b>.csv"},
                     source="Upload: <b>Acme</b>.csv")
    store.close()
    app = data_page()
    assert not app.exception
    source = next(m.value for m in app.markdown if "**Source:**" in m.value)
    assert "<b>" not in source
    assert r"\<b\>Acme\</b\>" in source
    files = next(d.value for d in app.dataframe if "file" in d.value.columns)
    assert files.loc[files["table"] == "Transactions", "file"].item() == "<b>Acme</b>.csv"


def test_without_master_data_the_page_counts_the_customers_the_analysis_counts(thin_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    overview = {m.label: m.value for m in app.metric}
    app.switch_page("pages/data.py")
    app.run()
    assert not app.exception
    data = {m.label: m.value for m in app.metric}
    assert overview["Customers"] == data["Customers"] == "2"
