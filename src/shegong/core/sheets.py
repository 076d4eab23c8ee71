"""Open an uploaded spreadsheet (xlsx or CSV) within fixed limits, whatever the file holds.

python-calamine is fast, but it builds the whole first sheet in memory as a dense grid (every
row × every column between the first and last used cell, strings included) before the first row
can be read. An xlsx is a zip, so a 20 MB upload can expand to gigabytes, and two cells at A1 and
XFD1048576 make a 17-billion-cell grid from a file of a few kilobytes. So before calamine sees a
file, ``open_xlsx``:

1. reads the zip's end record and directory (refusing a directory of thousands of entries or one
   declaring more than ``SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB`` or an absurd compression ratio) —
   this costs milliseconds and is what ``inspect_upload`` does inside a request;
2. inflates every member itself, from the raw bytes, counting what actually comes out (a zip can
   declare small sizes and inflate to much more: the count is what is trusted) and stopping as
   soon as the total passes the cap;
3. meanwhile feeds the first worksheet to expat (no DTD, no entities), which tracks only the last
   used row and the leftmost/rightmost used column, stopping as soon as the last row passes
   ``SHEGONG_IMPORT_MAX_ROWS``; the used area (rows × columns) must stay within
   ``SHEGONG_IMPORT_MAX_CELLS``.

Only then does calamine load the sheet, now bounded by all three limits, and rows are handed out
one at a time (``iter_rows``, never ``to_python``). CSV is read straight from the file, decoded
as it goes, never held whole. With the default limits a check peaks well under 500 MB
(``benchmarks/import_memory.py`` measures it).

Every refusal is a ``SheetError`` whose message is Chinese and names the limit and its setting.
"""

from __future__ import annotations

import csv
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.parsers import expat

from django.conf import settings

__all__ = [
    "Limits",
    "SheetError",
    "XlsxSheet",
    "csv_encoding",
    "inspect_upload",
    "iter_csv",
    "open_xlsx",
]

CORRUPT = "无法读取该 Excel 文件（文件已损坏或不是 .xlsx 工作簿）；请在 Excel 中重新另存为 .xlsx"
# A real workbook has a few dozen parts (a few hundred with pictures).
MAX_MEMBERS = 5_000
# Text compresses well (an xlsx sheet ~10-30×); far beyond that is a zip bomb.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small parts may compress arbitrarily well
CHUNK = 1024 * 1024
EXCEL_MAX_ROW, EXCEL_MAX_COL = 1_048_576, 16_384
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_VALUE = frozenset({"v", "f", "is"})  # what a cell holds; <c r="X1" s="3"/> is formatting only


class SheetError(Exception):
    """The file cannot be read within the limits; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_cells: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024,
            max_rows=settings.SHEGONG_IMPORT_MAX_ROWS,
            max_cells=settings.SHEGONG_IMPORT_MAX_CELLS,
        )

    @property
    def too_big(self) -> str:
        mb = self.max_bytes // (1024 * 1024)
        setting = "SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB"
        return f"文件解压后超过 {mb} MB 的上限（{setting}），请拆分后再导入"

    @property
    def too_many_rows(self) -> str:
        return f"文件超过 {self.max_rows} 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"

    @property
    def too_many_cells(self) -> str:
        return (
            f"表格的使用区域超过 {self.max_cells} 个单元格的上限（SHEGONG_IMPORT_MAX_CELLS）；"
            "请删除多余的列或远处的单元格，或拆分后再导入"
        )


# --- the zip ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    name: str
    offset: int  # of its local header
    method: int
    compressed: int
    size: int  # as declared


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _directory(path: Path, limits: Limits) -> list[_Member]:
    """The zip's members from its central directory, refusing an absurd one before reading it
    whole (a directory of millions of entries is itself a memory bomb)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))  # the end record plus the longest comment
        tail = handle.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) - end < 22:
            raise SheetError(CORRUPT)
        count, cd_size, cd_offset = _u16(tail, end + 10), _u32(tail, end + 12), _u32(tail, end + 16)
        if count > MAX_MEMBERS or cd_size > MAX_MEMBERS * 1024:  # also every ZIP64 marker
            raise SheetError("文件结构异常（压缩包中的条目过多），不是正常的 Excel 工作簿")
        handle.seek(cd_offset)
        directory = handle.read(cd_size)
    members: list[_Member] = []
    at = 0
    for _ in range(count):
        if directory[at : at + 4] != b"PK\x01\x02" or len(directory) < at + 46:
            raise SheetError(CORRUPT)
        method, compressed, declared = (
            _u16(directory, at + 10), _u32(directory, at + 20), _u32(directory, at + 24),
        )  # fmt: skip
        name_len, extra_len, comment_len = (
            _u16(directory, at + 28), _u16(directory, at + 30), _u16(directory, at + 32),
        )  # fmt: skip
        offset = _u32(directory, at + 42)
        name = directory[at + 46 : at + 46 + name_len].decode("utf-8", "replace")
        at += 46 + name_len + extra_len + comment_len
        if method not in (0, 8):  # stored or deflated: all Excel writes
            raise SheetError(CORRUPT)
        members.append(_Member(name, offset, method, compressed, declared))
    if sum(m.size for m in members) > limits.max_bytes:
        raise SheetError(limits.too_big)
    for m in members:
        if m.size > RATIO_FLOOR and m.size > MAX_RATIO * max(m.compressed, 1):
            raise SheetError(f"文件压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹，已拒绝")
    return members


def _inflate(handle: Any, member: _Member, budget: int) -> Iterator[bytes]:
    """The member's real content in chunks, inflated here from its raw bytes and counted: the
    sizes a zip declares are not trusted. Raises SheetError("") once more than ``budget`` bytes
    come out (the caller names the limit), and CORRUPT if the content is not the declared size."""
    handle.seek(member.offset)
    header = handle.read(30)
    if header[:4] != b"PK\x03\x04":
        raise SheetError(CORRUPT)
    handle.seek(member.offset + 30 + _u16(header, 26) + _u16(header, 28))
    left = member.compressed
    inflater = zlib.decompressobj(-15) if member.method == 8 else None
    out = 0
    while left > 0:
        raw = handle.read(min(CHUNK, left))
        if not raw:
            raise SheetError(CORRUPT)
        left -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                data, pending = pending, b""
            else:
                # Never more than a chunk at a time, however well the input compresses.
                data = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
            out += len(data)
            if out > budget:
                raise SheetError("")
            if out > member.size:  # more than declared: a crafted zip
                raise SheetError(CORRUPT)
            if data:
                yield data
            if inflater is not None and inflater.eof:
                break
    if out != member.size:
        raise SheetError(CORRUPT)


# --- the first worksheet ---------------------------------------------------------------------


def _attr(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name (``r:id`` or ``id``)."""
    for key, value in attrs.items():
        if key == name or key.endswith(":" + name):
            return value
    return None


def _parser() -> Any:
    parser = expat.ParserCreate()

    def refuse(*args: Any) -> None:
        raise SheetError(CORRUPT)  # no DTD and no entity in any Office part

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _small_xml(data: bytes, element: str) -> list[dict[str, str]]:
    """The attributes of every ``element`` in a small part (workbook.xml, its rels)."""
    found: list[dict[str, str]] = []
    parser = _parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == element:
            found.append(attrs)

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise SheetError(CORRUPT) from exc
    return found


def _first_sheet(read: Any) -> str:
    """The zip path of the workbook's first sheet, as calamine finds it."""
    sheets = _small_xml(read("xl/workbook.xml"), "sheet")
    rels = _small_xml(read("xl/_rels/workbook.xml.rels"), "Relationship")
    rel_id = _attr(sheets[0], "id") if sheets else None
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if not target:
        raise SheetError(CORRUPT)
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in PurePosixPath("xl", target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


class _Extent:
    """Follows ``<row>``/``<c>`` through a worksheet: the last used row, the used columns."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.row = 0  # 1-based, of the current <row>
        self.col = 0  # 1-based, of the current or last <c>
        self.cell: tuple[int, int] | None = None  # (row, col) of an open <c>
        self.last_row = 0
        self.min_col, self.max_col = EXCEL_MAX_COL + 1, 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # One call per element of the sheet, so it is kept lean: no end handler (a cell's value
        # is seen as the next element starting inside it; anything else closes it).
        if self.cell is not None:
            row, col = self.cell
            self.cell = None
            if name in _VALUE or name.rpartition(":")[2] in _VALUE:
                if row > self.last_row:
                    if row > self.limits.max_rows:
                        raise SheetError(self.limits.too_many_rows)
                    self.last_row = row
                if col < self.min_col:
                    self.min_col = col
                if col > self.max_col:
                    self.max_col = col
                if self.last_row * (self.max_col - self.min_col + 1) > self.limits.max_cells:
                    raise SheetError(self.limits.too_many_cells)
                return
        if name == "c" or name.endswith(":c"):
            ref = attrs.get("r")
            row = self.row
            if ref:
                match = _REF.fullmatch(ref)
                if match is None:
                    raise SheetError(CORRUPT)
                letters, digits = match.groups()
                col = 0
                for letter in letters:
                    col = col * 26 + ord(letter) - 64
                self.col = col
                row = int(digits)
            else:
                self.col += 1
            if not (1 <= row <= EXCEL_MAX_ROW and 1 <= self.col <= EXCEL_MAX_COL):
                raise SheetError(CORRUPT)
            self.cell = (row, self.col)
        elif name == "row" or name.endswith(":row"):
            ref = attrs.get("r")
            self.row = int(ref) if ref and ref.isdigit() else self.row + 1
            self.col = 0


@dataclass
class XlsxSheet:
    """The first worksheet, checked and loaded; ``rows()`` hands out its rows one at a time
    (Python objects for one row at a time: never the whole sheet as a list)."""

    path: Path
    rows_used: int  # the last used row (iter_rows yields rows 1..rows_used)
    first_col: int  # 0-based column of the leftmost used cell (iter_rows starts there)
    limits: Limits
    sheet: Any = field(repr=False)

    def rows(self) -> Iterator[list[Any]]:
        for count, row in enumerate(self.sheet.iter_rows(), start=1):
            if count > self.limits.max_rows:  # cannot happen after the scan; cheap to keep
                raise SheetError(self.limits.too_many_rows)
            yield row


def inspect_upload(path: str | Path, limits: Limits | None = None) -> int:
    """The declared uncompressed size of an xlsx (milliseconds, fit for a request); SheetError
    for a damaged zip, a directory of absurd size or ratio, or one declaring too much."""
    limits = limits or Limits.from_settings()
    return sum(m.size for m in _directory(Path(path), limits))


def open_xlsx(path: str | Path, limits: Limits | None = None) -> XlsxSheet:
    """Check the whole xlsx within ``limits`` (see the module docstring), then return its first
    sheet ready to be read row by row. Time grows with the file; memory does not."""
    path = Path(path)
    limits = limits or Limits.from_settings()
    members = _directory(path, limits)
    by_name = {m.name: m for m in members}
    spent = 0
    with path.open("rb") as handle:

        def read(name: str) -> bytes:
            member = by_name.get(name)
            if member is None:
                raise SheetError(CORRUPT)
            return b"".join(_guarded(handle, member))

        def _guarded(handle: Any, member: _Member) -> Iterator[bytes]:
            nonlocal spent
            try:
                for chunk in _inflate(handle, member, limits.max_bytes - spent):
                    spent += len(chunk)
                    yield chunk
            except SheetError as exc:
                raise SheetError(str(exc) or limits.too_big) from None
            except zlib.error as exc:
                raise SheetError(CORRUPT) from exc

        sheet_name = _first_sheet(read)
        if sheet_name not in by_name:
            raise SheetError(CORRUPT)
        extent = _Extent(limits)
        parser = _parser()
        parser.StartElementHandler = extent.start
        try:
            for member in members:
                if member.name == sheet_name:
                    for chunk in _guarded(handle, member):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
                elif member.name not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                    for _chunk in _guarded(handle, member):
                        pass
        except expat.ExpatError as exc:
            raise SheetError(CORRUPT) from exc
    from python_calamine import CalamineWorkbook

    # Within the limits: calamine may load it now. Its own view of the used area is taken (the
    # scan's is the same or wider: a formula cell without a cached value counts there).
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as exc:  # calamine's own types for damaged or foreign zip files
        raise SheetError(CORRUPT) from exc
    start, end = sheet.start or (0, 0), sheet.end
    return XlsxSheet(
        path=path, rows_used=end[0] + 1 if end else 0, first_col=start[1], limits=limits,
        sheet=sheet,
    )  # fmt: skip


# --- CSV -------------------------------------------------------------------------------------


def csv_encoding(path: str | Path, limits: Limits | None = None) -> tuple[str, int]:
    """(encoding, rows) of a CSV file — UTF-8 (with or without BOM) or else GB18030 — read once
    in chunks, never whole; SheetError if it is too big, has too many rows, holds NUL bytes (a
    binary file) or is in neither encoding."""
    path = Path(path)
    limits = limits or Limits.from_settings()
    if path.stat().st_size > limits.max_bytes:
        raise SheetError(limits.too_big)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            rows = 0
            for _row in iter_csv(path, encoding):
                rows += 1
                if rows > limits.max_rows:
                    raise SheetError(limits.too_many_rows)
            return encoding, rows
        except UnicodeDecodeError:
            continue
    raise SheetError("CSV 文件的编码无法识别；请在 Excel 中另存为「CSV UTF-8」或 .xlsx")


def iter_csv(path: str | Path, encoding: str) -> Iterator[list[str]]:
    """The rows of a CSV file, decoded as they are read."""
    with Path(path).open(encoding=encoding, errors="strict", newline="") as text:
        try:
            yield from csv.reader(_text_lines(text))
        except csv.Error as exc:
            raise SheetError(f"CSV 文件格式有误：{exc}") from exc


def _text_lines(stream: Any) -> Iterator[str]:
    for line in stream:
        if "\x00" in line:
            raise SheetError("无法识别的文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件")
        yield line
