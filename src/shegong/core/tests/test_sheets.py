"""core.sheets: a spreadsheet is checked within the import limits before anything loads it —
zip bombs, lying zip directories, sparse-cell grids, DTDs, too many rows, corrupt files."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from shegong.core import sheets

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"


def base(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet().write_string(0, 0, "名称")
    book.close()
    return path


def with_sheet(tmp_path: Path, parts: list[bytes], repeat: int = 1, name: str = "x.xlsx") -> Path:
    """A real workbook whose first sheet is ``parts[0] + parts[1] * repeat + parts[2]``,
    written in a stream (a bomb is never held in memory here either)."""
    source = base(tmp_path / "base.xlsx")
    target = tmp_path / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHEET:
                new.writestr(info, old.read(info))
                continue
            with new.open(SHEET, "w", force_zip64=False) as out:
                out.write(parts[0])
                for _ in range(repeat):
                    out.write(parts[1])
                out.write(parts[2])
    return target


def rows_xml(n: int) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, n + 1)
    )


def test_a_plain_workbook_is_read_row_by_row(tmp_path):
    path = with_sheet(tmp_path, [HEAD, rows_xml(3), TAIL])
    sheet = sheets.open_xlsx(path)
    assert sheet.rows_used == 3 and sheet.first_col == 0
    assert list(sheet.rows()) == [[1.0], [2.0], [3.0]]


def test_a_zip_bomb_is_refused_from_its_directory_in_an_instant(tmp_path):
    # 150 MB of one repeated row: a ~150 KB file.
    path = with_sheet(tmp_path, [HEAD, b"<row>" + b" " * 1_048_571, TAIL], repeat=150)
    assert path.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(sheets.SheetError) as error:
        sheets.open_xlsx(path)
    assert time.monotonic() - started < 1
    assert str(error.value) == (
        "文件解压后超过 100 MB 的上限（SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB），请拆分后再导入"
    )
    with pytest.raises(sheets.SheetError):  # the request's own check says the same
        sheets.inspect_upload(path)


def test_a_small_bomb_under_the_size_cap_is_refused_by_its_ratio(tmp_path):
    path = with_sheet(tmp_path, [HEAD + b"<!--", b" " * 1_048_576, b"-->" + TAIL], repeat=20)
    with pytest.raises(sheets.SheetError, match=r"压缩比异常.*压缩炸弹"):
        sheets.inspect_upload(path)


def test_a_directory_that_understates_the_sizes_is_caught_while_inflating(tmp_path):
    path = with_sheet(tmp_path, [HEAD + b"<!--", b"x" * 1000, b"-->" + TAIL], repeat=5_000)
    data = bytearray(path.read_bytes())
    # The central directory entry of the sheet: declare 1 KB instead of 5 MB.
    at = data.find(SHEET.encode(), data.find(b"PK\x01\x02")) - 46
    assert data[at : at + 4] == b"PK\x01\x02"
    data[at + 24 : at + 28] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(sheets.SheetError, match="文件已损坏"):
        sheets.open_xlsx(path)


def test_two_far_apart_cells_are_refused_before_calamine_builds_the_grid(tmp_path):
    far = (
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="50000"><c r="XFD50000"><v>1</v></c></row>'
    )
    path = with_sheet(tmp_path, [HEAD, far, TAIL])
    with pytest.raises(sheets.SheetError) as error:
        sheets.open_xlsx(path)
    assert "2000000 个单元格的上限（SHEGONG_IMPORT_MAX_CELLS）" in str(error.value)
    corner = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    with pytest.raises(sheets.SheetError, match="100000 行的上限（SHEGONG_IMPORT_MAX_ROWS）"):
        sheets.open_xlsx(with_sheet(tmp_path, [HEAD, corner, TAIL], name="corner.xlsx"))


def test_formatting_only_cells_do_not_count(tmp_path):
    styled = (
        b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row>'
        b'<row r="90000"><c r="B90000" s="1"/></row>'
    )
    sheet = sheets.open_xlsx(with_sheet(tmp_path, [HEAD, styled, TAIL]))
    assert sheet.rows_used == 1 and list(sheet.rows()) == [[1.0]]


def test_the_row_cap_is_a_setting_and_named_in_the_message(tmp_path, settings):
    settings.SHEGONG_IMPORT_MAX_ROWS = 10
    path = with_sheet(tmp_path, [HEAD, rows_xml(11), TAIL])
    with pytest.raises(sheets.SheetError) as error:
        sheets.open_xlsx(path)
    assert str(error.value) == "文件超过 10 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"
    assert sheets.open_xlsx(with_sheet(tmp_path, [HEAD, rows_xml(10), TAIL], name="ok.xlsx"))


def test_cells_without_references_are_placed_as_excel_does(tmp_path):
    plain = b"<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"
    sheet = sheets.open_xlsx(with_sheet(tmp_path, [HEAD, plain, TAIL]))
    assert sheet.rows_used == 2 and list(sheet.rows()) == [[1.0, 2.0], [3.0, ""]]


def test_a_dtd_is_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
    )
    with pytest.raises(sheets.SheetError, match="文件已损坏"):
        sheets.open_xlsx(with_sheet(tmp_path, [laughs, b"", TAIL]))


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"\x00" * 100])
def test_a_damaged_file_gets_one_clear_message(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(sheets.SheetError, match=r"文件已损坏或不是 \.xlsx 工作簿"):
        sheets.open_xlsx(path)


def test_a_directory_of_millions_of_entries_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "many.xlsx"
    path.write_bytes(b"PK\x05\x06" + b"\xff" * 18)  # 65535 entries, a 4 GB directory
    with pytest.raises(sheets.SheetError, match="压缩包中的条目过多"):
        sheets.inspect_upload(path)


def test_a_truncated_workbook_gets_the_same_message(tmp_path):
    path = with_sheet(tmp_path, [HEAD, rows_xml(2000), TAIL])
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(sheets.SheetError, match="文件已损坏"):
        sheets.open_xlsx(path)


def test_a_csv_is_read_as_it_decodes_within_the_caps(tmp_path, settings):
    path = tmp_path / "x.csv"
    path.write_text("名称\n" + "".join(f"企业{i}\n" for i in range(5)), encoding="gb18030")
    assert sheets.csv_encoding(path) == ("gb18030", 6)
    assert list(sheets.iter_csv(path, "gb18030"))[1] == ["企业0"]
    settings.SHEGONG_IMPORT_MAX_ROWS = 5
    with pytest.raises(sheets.SheetError, match="超过 5 行的上限"):
        sheets.csv_encoding(path)
    settings.SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB = 0
    with pytest.raises(sheets.SheetError, match="解压后超过 0 MB"):
        sheets.csv_encoding(path)
