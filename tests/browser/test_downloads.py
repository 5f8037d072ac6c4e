"""Downloads in a browser (issue 12, item 7): the Customers table's Excel file carries the
period and filters in its name, human headers, number formats and a frozen header."""

import openpyxl

from tests.browser.conftest import exceptions, shot, wait_for_app


def test_customers_excel_download_is_named_and_formatted(server, page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{server.url}/customers?start=2024-01-01&end=2024-12-31&segment=Demanding")
    wait_for_app(page)
    button = page.get_by_role("button", name="Download Excel").first
    button.wait_for(timeout=60_000)
    button.scroll_into_view_if_needed()
    shot(page, "customers-download-1440")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    name = download.value.suggested_filename
    assert name == "customers_2024-01-01_2024-12-31_Demanding.xlsx"
    path = tmp_path / name
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Customer", "Name", "Operating profit", "Net revenue"]
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=3).number_format == '"$"#,##0.00;-"$"#,##0.00'
    assert {sheet.cell(row=r, column=headers.index("Segment") + 1).value
            for r in range(2, sheet.max_row + 1)} == {"Demanding"}
    assert "Columns" in book.sheetnames
    assert not exceptions(page)
    assert not server.errors()
