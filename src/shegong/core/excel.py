"""Excel export: write xlsx row by row in constant memory, hand it back as a download.

xlsxwriter's ``constant_memory`` mode flushes each row to a temporary file as soon as the next
row starts, so a 100k-row export costs a few MB whatever its size. An xlsx file is a zip whose
directory is written last, so it cannot be sent before it is finished; we build it in an
anonymous temporary file and stream that file to the client (FileResponse reads it in chunks),
which keeps the web process's memory flat as well.

Every string is written with ``write_string``: a cell such as ``=HYPERLINK(...)`` typed into a
name field by a user must arrive in the spreadsheet as text, never as a formula (CSV/Excel
injection).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

from shegong.core.downloads import content_disposition

DEFAULT_MAX_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its Chinese header and its width in characters."""

    header: str
    width: int = 16


@dataclass(frozen=True)
class ExportResult:
    file: IO[bytes]
    rows: int
    truncated: bool


def _naive_local(value: datetime) -> datetime:
    # Excel has no time zones: write the wall-clock time of Asia/Shanghai (TIME_ZONE).
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def write_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    max_rows: int = DEFAULT_MAX_ROWS,
    file: IO[bytes] | None = None,
) -> ExportResult:
    """Write a header row and ``rows`` (at most ``max_rows``) into ``file`` (a temporary file
    by default); return the file rewound to its start, the row count and whether rows were cut.

    ``rows`` is consumed lazily, so pass a generator or ``queryset.iterator()``.
    """
    target = file if file is not None else tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, bold)
    sheet.freeze_panes(1, 0)

    count, truncated = 0, False
    for values in rows:
        if count >= max_rows:
            truncated = True
            break
        count += 1
        for index, value in enumerate(values):
            _write_cell(sheet, count, index, value, when, day)
    if truncated:
        sheet.write_string(
            count + 1,
            0,
            f"结果超过 {max_rows} 行，仅导出前 {max_rows} 行；请缩小筛选范围后分批导出",
        )
    workbook.close()
    target.seek(0)
    return ExportResult(target, count, truncated)


def _write_cell(sheet: Any, row: int, col: int, value: Any, when: Any, day: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, _naive_local(value), when)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def xlsx_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    max_rows: int = DEFAULT_MAX_ROWS,
) -> FileResponse:
    """A download of ``rows`` as ``filename`` (a Chinese name is fine: RFC 5987 encoding).

    Headers ``X-Export-Rows`` and ``X-Export-Truncated`` tell scripts what they got.
    """
    result = write_xlsx(columns, rows, sheet_name=sheet_name, max_rows=max_rows)
    response = FileResponse(result.file, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Export-Rows"] = str(result.rows)
    response["X-Export-Truncated"] = "1" if result.truncated else "0"
    return response
