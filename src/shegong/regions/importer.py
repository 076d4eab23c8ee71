"""Read a regions file (CSV or xlsx) into ``RegionRow``s; the action validates and writes.

Columns (English or Chinese header): code 代码, name 名称, level 层级, parent_code 上级代码,
centroid_lat 中心纬度, centroid_lon 中心经度, boundary 边界 (GeoJSON text). The level accepts the
stored value (``street``) or a Chinese label (街道, 乡镇, 街道/乡镇, 社区, 村 …). Parse errors are
collected per row and field in the same shape as ``regions.actions`` errors, so one report
lists everything wrong with the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shegong.core import sheets

from .actions import RegionRow
from .choices import Level

COLUMNS = ("code", "name", "level", "parent_code", "centroid_lat", "centroid_lon", "boundary")
ALIASES = {
    "代码": "code", "区划代码": "code", "编码": "code",
    "名称": "name",
    "层级": "level", "级别": "level",
    "上级代码": "parent_code", "上级区划代码": "parent_code",
    "中心纬度": "centroid_lat", "纬度": "centroid_lat",
    "中心经度": "centroid_lon", "经度": "centroid_lon",
    "边界": "boundary",
}  # fmt: skip
# The column of an error, as the page names it (the template's Chinese header).
FIELD_LABELS = {
    "code": "代码", "name": "名称", "level": "层级", "parent_code": "上级代码",
    "centroid_lat": "中心纬度", "centroid_lon": "中心经度", "boundary": "边界", "file": "文件",
}  # fmt: skip
LEVEL_LABELS = {
    "省": Level.PROVINCE, "省级": Level.PROVINCE,
    "市": Level.CITY, "地级市": Level.CITY, "市级": Level.CITY,
    "区": Level.DISTRICT, "县": Level.DISTRICT, "区县": Level.DISTRICT, "县区": Level.DISTRICT,
    "街道": Level.STREET, "乡镇": Level.STREET, "乡": Level.STREET, "镇": Level.STREET,
    "社区": Level.COMMUNITY, "村": Level.COMMUNITY, "村居": Level.COMMUNITY,
    "网格": Level.GRID,
}  # fmt: skip
for _level in Level:
    LEVEL_LABELS[_level.label] = _level


class FileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


def _text(value: Any) -> str:
    """A cell as text; a numeric cell 341271001000.0 becomes "341271001000"."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _level(value: str) -> str:
    text = value.strip()
    if text in Level.values:
        return text
    level = LEVEL_LABELS.get(text)
    return level.value if level is not None else text  # the action names an unknown level


def _header(cells: list[Any]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        text = _text(cell).lstrip("\ufeff").strip()
        key = text.lower() if text.lower() in COLUMNS else ALIASES.get(text)
        names.append(key)
    missing = [c for c in ("code", "name", "level") if c not in names]
    if missing:
        raise FileError(
            f"表头缺少列：{'、'.join(missing)}（应包含 {', '.join(COLUMNS)} 或中文列名）"
        )
    return names


def _table_csv(path: Path) -> list[list[Any]]:
    limits = sheets.Limits.from_settings()
    if path.stat().st_size > limits.max_bytes:
        raise FileError(limits.too_big)
    table: list[list[Any]] = []
    try:
        for row in sheets.iter_csv(path, "utf-8-sig"):
            if len(table) >= limits.max_rows:
                raise FileError(limits.too_many_rows)
            table.append(row)
    except UnicodeDecodeError as exc:
        raise FileError("CSV 文件应为 UTF-8 编码（Excel 另存为「CSV UTF-8」）") from exc
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc
    return table


def _table_xlsx(path: Path) -> list[list[Any]]:
    """The first sheet from A1, checked within the import limits (``core.sheets``) first."""
    try:
        sheet = sheets.open_xlsx(path)
        # iter_rows starts at the leftmost used column: pad back to column A.
        pad: list[Any] = [""] * sheet.first_col
        return [pad + row for row in sheet.rows()]
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc


def _kind(path: Path) -> str:
    """ "csv" or "xlsx" by the file's suffix, or FileError naming what is not supported."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".xls", ".ods"):
        # Only xlsx can be checked within the import limits before it is loaded.
        raise FileError(
            f"不支持「{suffix}」文件：请在 Excel 中「另存为」Excel 工作簿（.xlsx）后再上传"
        )
    raise FileError(f"不支持的文件类型「{suffix}」，请使用 .csv 或 .xlsx")


def check_upload(path: str | Path) -> int:
    """The cheap check an upload gets inside the request (milliseconds, whatever its size):
    its kind and, for an xlsx, what its zip directory declares (``core.sheets``). Returns the
    bytes it will inflate to (a CSV: its size); FileError with the reason otherwise. The rows
    are read later, in the import job (``read_rows``)."""
    path = Path(path)
    kind = _kind(path)
    size = path.stat().st_size
    if size == 0:
        raise FileError("文件是空的（0 字节），请检查是否上传了正确的文件")
    limits = sheets.Limits.from_settings()
    if kind == "csv":
        if size > limits.max_bytes:
            raise FileError(limits.too_big)
        return size
    try:
        return sheets.inspect_upload(path, limits)
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc


def read_table(path: str | Path) -> list[list[Any]]:
    path = Path(path)
    if not path.exists():
        raise FileError(f"文件不存在：{path}")
    if _kind(path) == "csv":
        return _table_csv(path)
    return _table_xlsx(path)


def parse_rows(table: list[list[Any]]) -> tuple[list[RegionRow], list[dict[str, Any]]]:
    """Rows (numbered from the header = row 1) and every parse error (row, field, message)."""
    if not table:
        raise FileError("文件是空的")
    names = _header(table[0])
    rows: list[RegionRow] = []
    errors: list[dict[str, Any]] = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            name: _text(cells[i]) if i < len(cells) else "" for i, name in enumerate(names) if name
        }
        if not any(values.values()):
            continue  # blank line
        row = RegionRow(
            code=values.get("code", ""), name=values.get("name", ""),
            level=_level(values.get("level", "")), parent_code=values.get("parent_code", ""),
            row=number,
        )  # fmt: skip
        for field in ("centroid_lat", "centroid_lon"):
            raw = values.get(field, "")
            if raw:
                try:
                    setattr(row, field, float(raw))
                except ValueError:
                    errors.append({"row": number, "field": field, "message": f"应为数字：{raw}"})
        raw = values.get("boundary", "")
        if raw:
            try:
                boundary = json.loads(raw)
            except ValueError:
                errors.append(
                    {"row": number, "field": "boundary", "message": "边界不是有效的 GeoJSON"}
                )
            else:
                if isinstance(boundary, dict):
                    row.boundary = boundary
                else:
                    errors.append(
                        {"row": number, "field": "boundary", "message": "边界应为 GeoJSON 对象"}
                    )
        rows.append(row)
    return rows, errors


def read_rows(path: str | Path) -> tuple[list[RegionRow], list[dict[str, Any]]]:
    return parse_rows(read_table(path))


def format_error(error: dict[str, Any]) -> str:
    return f"第{error.get('row', '?')}行 字段 {error.get('field', '')}：{error['message']}"


def import_file(path: str | Path, *, actor: Any = None) -> tuple[int, list[str]]:
    """Import a file all-or-nothing: (regions created, error lines). Errors → nothing written."""
    from shegong.core.errors import InvalidInput

    from .actions import import_regions, scope_errors, validate_rows

    try:
        rows, errors = read_rows(path)
    except FileError as exc:
        return 0, [str(exc)]
    if not rows and not errors:
        return 0, ["文件中没有数据行"]
    if errors:
        # Report the scope and tree errors of the parsable rows too, so one pass shows
        # everything.
        errors = [*errors, *scope_errors(rows, actor=actor), *validate_rows(rows)]
        errors.sort(key=lambda e: (e["row"], e["field"]))
        return 0, [format_error(e) for e in errors]
    try:
        created = import_regions(rows, actor=actor, source=Path(path).name)
    except InvalidInput as exc:
        return 0, [format_error(e) for e in exc.errors] or [exc.detail]
    return len(created), []
