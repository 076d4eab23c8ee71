"""The two lists in Excel: the columns of the export and of the import template, and reading an
upload into rows (checked by ``actions.lists.import_rows``, all or nothing).

The import is synchronous: up to ``IMPORT_MAX_ROWS`` rows, said on the page.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shegong.core import excel, sheets
from shegong.core.errors import InvalidInput

IMPORT_MAX_ROWS = 3000
NEEDS, OFFERS = "needs", "offers"


@dataclass(frozen=True)
class Col:
    field: str
    header: str
    width: int
    example: Any
    required: bool = False
    aliases: tuple[str, ...] = ()


# The community column under the names offices give it: the code's, or the community's name (a
# name is resolved within the importer's scope: ``regions.queries.RegionNames``); a street's or
# grid's name is read too, and refused on its row (the lists are kept by community).
REGION_ALIASES = (
    "区划代码", "社区代码", "所在社区", "所属社区", "社区", "所在街道", "所属街道", "街道",
    "所在网格", "所属网格", "网格", "所属区划", "区划",
)  # fmt: skip

IMPORT_COLUMNS: dict[str, list[Col]] = {
    NEEDS: [
        Col("region", "社区区划代码", 16, "341271001001", True, REGION_ALIASES),
        Col("category", "类别", 14, "助餐送餐", True),
        Col("description", "需求描述", 30, "独居老人每日午餐", True),
        Col("people_count", "涉及人数", 10, 12),
        Col("frequency", "频次", 10, "每天"),
        Col("urgency", "紧急程度", 10, "一般"),
        Col("sensitive", "服务对象敏感", 12, "是"),
        Col("note", "备注", 20, ""),
    ],
    OFFERS: [
        Col("region", "社区区划代码", 16, "341271001001", True, REGION_ALIASES),
        Col("category", "类别", 14, "助餐送餐", True),
        Col("title", "服务名称", 20, "午间送餐", True),
        Col("provider_kind", "提供方类型", 12, "商户", True),
        Col("provider_name", "提供方", 20, "东关饭店", True),
        Col("description", "服务内容", 30, "每天 11:30 送餐上门"),
        Col("contact_phone", "联系电话", 14, ""),
        Col("gives", "提供的资源/服务", 20, "午餐 20 份/天"),
        Col("gets_back", "希望换取（资源置换）", 20, "社区宣传"),
        Col("capacity_per_week", "每周可服务次数", 12, 20),
        Col("cost", "收费", 8, "低偿"),
        Col("price_note", "收费说明", 16, "每份 8 元"),
        Col("risky_ok", "可承接风险服务", 12, "否"),
        Col("insurance_note", "保险说明", 20, ""),
        Col("insured_until", "保险有效期至", 14, ""),
    ],
}
TITLES = {NEEDS: "需求清单", OFFERS: "供给清单"}


def template_rows(kind: str) -> tuple[list[excel.Column], list[list[Any]]]:
    cols = IMPORT_COLUMNS[kind]
    headers = [excel.Column(c.header + ("*" if c.required else ""), c.width) for c in cols]
    return headers, [[c.example for c in cols]]


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return value.strip()
    return value


def _header_key(text: Any) -> str:
    """A header as compared: full-width, spaces and the required mark "*" set aside."""
    return re.sub(r"[\s*＊]+", "", unicodedata.normalize("NFKC", str(text or "")))


def read_rows(path: str | Path, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """The upload's rows as (row number, {field: value}); InvalidInput for a file that is not a
    workbook, a header without a required column, or too many rows."""
    cols = IMPORT_COLUMNS[kind]
    try:
        sheet = sheets.open_xlsx(path)
        rows = sheet.rows()
        header = next(rows, None)
    except sheets.SheetError as exc:
        raise InvalidInput.field("file", str(exc)) from None
    names = [_header_key(h) for h in header or []]
    index: dict[str, int] = {}
    for c in cols:
        for text in (c.header, *c.aliases):
            if _header_key(text) in names:
                index[c.field] = names.index(_header_key(text))
                break
    missing = [c.header for c in cols if c.required and c.field not in index]
    if missing:
        raise InvalidInput.field("file", f"表头缺少列：{'、'.join(missing)}（请使用下载的模板）")
    result: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, row in enumerate(rows, start=2):
            values = {f: _cell(row[i]) if i < len(row) else "" for f, i in index.items()}
            if all(v in (None, "") for v in values.values()):
                continue
            result.append((number, {k: ("" if v is None else v) for k, v in values.items()}))
            if len(result) > IMPORT_MAX_ROWS:
                raise InvalidInput.field("file", f"一次最多导入 {IMPORT_MAX_ROWS} 行，请分批导入")
    except sheets.SheetError as exc:
        raise InvalidInput.field("file", str(exc)) from None
    if not result:
        raise InvalidInput.field("file", "文件中没有数据行")
    return result


def header_of(kind: str, field: str) -> str:
    for c in IMPORT_COLUMNS[kind]:
        if c.field == field:
            return c.header
    return ""
