"""The streaming xlsx writer: headers, types, time zone, the row cap, no formula injection."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import FileResponse
from python_calamine import CalamineWorkbook

from shegong.core import excel

COLUMNS = [
    excel.Column("姓名", 10),
    excel.Column("时间", 20),
    excel.Column("数量"),
    excel.Column("日期"),
    excel.Column("有效"),
]


def read(file):
    return CalamineWorkbook.from_filelike(io.BytesIO(file.read())).get_sheet_by_index(0).to_python()


def test_it_writes_a_header_and_typed_rows():
    utc_noon = datetime(2025, 3, 1, 4, 0, tzinfo=ZoneInfo("UTC"))
    result = excel.write_xlsx(COLUMNS, iter([["张三", utc_noon, 3, date(2025, 3, 2), True]]))
    rows = read(result.file)
    assert rows[0] == ["姓名", "时间", "数量", "日期", "有效"]
    assert rows[1][0] == "张三"
    assert rows[1][1] == datetime(2025, 3, 1, 12, 0)  # Shanghai wall-clock time
    assert rows[1][2] == 3
    assert rows[1][4] == "是"
    assert (result.rows, result.truncated) == (1, False)


def test_it_writes_formulas_as_plain_text():
    result = excel.write_xlsx(COLUMNS[:1], [['=HYPERLINK("http://x","点我")'], ["+1+1"]])
    rows = read(result.file)
    assert rows[1][0] == '=HYPERLINK("http://x","点我")'
    assert rows[2][0] == "+1+1"


def test_it_stops_at_the_cap_and_says_so():
    result = excel.write_xlsx(COLUMNS[:1], ([f"行{i}"] for i in range(10)), max_rows=3)
    rows = read(result.file)
    assert (result.rows, result.truncated) == (3, True)
    assert [r[0] for r in rows[1:4]] == ["行0", "行1", "行2"]
    assert "仅导出前 3 行" in rows[-1][0]


def test_the_response_is_a_download_with_a_chinese_name():
    response = excel.xlsx_response("审计日志.xlsx", COLUMNS[:1], [["甲"]])
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx"
    )
    body = b"".join(response.streaming_content)
    assert read(io.BytesIO(body))[1] == ["甲"]
