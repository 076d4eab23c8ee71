"""Import templates: header notes, dropdowns, text columns, an example row that imports."""

from __future__ import annotations

import io

import openpyxl

from shegong.ledger import excel
from shegong.ledger.actions.imports import import_file


def load(table):
    return openpyxl.load_workbook(io.BytesIO(excel.template_bytes(table)))


def test_every_header_has_a_note_and_choice_columns_have_dropdowns():
    book = load(excel.PEOPLE)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["姓名*", "身份证号*"]
    assert all(cell.comment is not None for cell in sheet[1])
    assert "科学计数法" in sheet["B1"].comment.text
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    political = headers.index("政治面貌") + 1
    letter = openpyxl.utils.get_column_letter(political)
    assert any(r.startswith(f"{letter}2") for r in ranges)
    options = book["选项"]
    assert options.sheet_state == "hidden"
    assert "中共预备党员" in [c.value for col in options.iter_cols() for c in col]


def test_code_id_and_phone_columns_are_text():
    sheet = load(excel.ORGANIZATIONS).worksheets[0]
    assert sheet["C2"].number_format == "@"  # 统一社会信用代码
    assert sheet["D2"].number_format == "@"  # 所属区划代码


def test_the_example_rows_are_valid(tmp_path, district, settings):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "t.xlsx"
    path.write_bytes(excel.template_bytes(excel.ORGANIZATIONS))
    result = import_file("organizations", path, actor=None, dry_run=True)
    # Only the example's region (a code of another district) is refused.
    assert [e["label"] for e in result.errors] == ["所属区划代码"]
