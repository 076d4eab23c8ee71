"""The ledger's spreadsheets: import templates, reading uploaded files, error workbooks, exports.

Reading is deliberately forgiving about *layout* — a title row above the header, merged header
cells, columns in any order, Chinese or English column names, blank rows, a CSV saved as GBK —
and strict about *values*: each row goes to the same schema the API uses (``schemas.py``), which
refuses a wrong checksum or a code Excel turned into scientific notation. A file that is not a
spreadsheet at all gets one clear message before any row is looked at.

Row numbers are Excel's (the header on row 1 means the first data row is row 2), also when blank
rows are skipped, so "第N行" in an error points at the row the user sees.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db import models
from django.http import HttpResponse
from django.utils import timezone

from shegong.core import audit, excel, sheets
from shegong.core.audit import Verb
from shegong.core.perms import Perm
from shegong.core.pii import mask_id_number, mask_name, mask_phone
from shegong.core.scope import scope_prefix

from .choices import (
    CoverageMode,
    Industry,
    Occupation,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PoliticalStatus,
)

# --- the tables ------------------------------------------------------------------------------

YES_NO = ("是", "否")
# Valid examples (checksums right), so an untouched example row imports cleanly.
EXAMPLE_CREDIT_CODE = "91340102MA2N0A1B22"


@dataclass(frozen=True)
class Field:
    """One column of an import table."""

    name: str  # the schema field (also accepted as the English header)
    label: str  # the Chinese header of the template
    note: str  # the header comment
    example: Any = ""
    choices: type[models.TextChoices] | None = None
    kind: str = "str"  # str | code (kept as text) | bool | date | int | float
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    fields: tuple[Field, ...]
    importable: bool = True

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]


REGION_NOTE = (
    "区划代码（12位）或名称，如 东关社区 或 东城街道东关社区（同名的写明街道）；"
    "须是您工作范围内的街道、社区或网格"
)
# The region column under the names offices give it: the code's, or the community's, street's
# or grid's name (a name is resolved within the importer's scope: ``regions.queries.RegionNames``).
REGION_ALIASES = (
    "区划代码", "所属网格代码", "网格代码", "社区代码", "所在社区", "所属社区", "社区", "所在街道",
    "所属街道", "街道", "所在网格", "所属网格", "网格", "所属区划", "区划",
)  # fmt: skip

ORGANIZATIONS = Table(
    "organizations",
    "组织",
    (
        Field("kind", "类型", "从下拉列表选择", "非公企业", OrgKind, required=True,
              aliases=("组织类型", "单位类型", "企业类型")),
        Field("name", "名称", "营业执照上的全称", "合肥示例科技有限公司", required=True,
              aliases=("单位名称", "组织名称", "企业名称"), width=28),
        Field("credit_code", "统一社会信用代码", "18位（GB 32100），按文本填写；商圈、楼宇、"
              "园区、市场可不填。校验位错误不会被自动更正", EXAMPLE_CREDIT_CODE, kind="code",
              aliases=("信用代码", "社会信用代码"), width=22),
        Field("region", "所属区划代码", REGION_NOTE, "340102001001", kind="code", required=True,
              aliases=REGION_ALIASES, width=16),
        Field("legal_rep", "法定代表人", "法定代表人或负责人姓名", "张三",
              aliases=("负责人", "法定代表人/负责人")),
        Field("legal_rep_phone", "负责人电话", "11位手机号，按文本填写", "13800000000",
              kind="code", aliases=("联系电话", "负责人手机")),
        Field("investors", "出资人", "多个出资人用逗号分隔", "张三，李四"),
        Field("address", "地址", "经营地址", "示例路1号", width=28),
        Field("industry", "行业门类", "GB/T 4754-2017 门类，从下拉列表选择", "制造业", Industry,
              aliases=("行业",), width=24),
        Field("employee_count", "从业人员数", "整数", 25, kind="int", aliases=("职工人数",)),
        Field("party_member_count", "党员人数", "单位申报的党员人数（整数）", 3, kind="int"),
        Field("party_contact", "党务联络员", "姓名", "李四"),
        Field("status", "状态", "从下拉列表选择；不填为在营", "在营", OrgStatus,
              aliases=("经营状态",)),
        Field("is_platform", "平台企业", "是/否", "否", kind="bool"),
        Field("former_names", "曾用名", "多个曾用名用逗号分隔", ""),
        Field("container_credit_code", "所在商圈/楼宇/园区信用代码",
              "所在商圈、楼宇、园区或市场的统一社会信用代码（须已登记），按文本填写", "",
              kind="code", width=22),
        Field("lat", "纬度", "WGS-84 纬度（小数）", "", kind="float"),
        Field("lon", "经度", "WGS-84 经度（小数）", "", kind="float"),
    ),
)  # fmt: skip

PEOPLE = Table(
    "people",
    "人员",
    (
        Field("name", "姓名", "身份证上的姓名", "王五", required=True),
        Field("id_number", "身份证号", "18位公民身份号码，按文本填写（否则 Excel 会变成科学计数法"
              "丢失末几位）；末位 x 可小写", "11010519491231002X", kind="code", required=True,
              aliases=("公民身份号码", "身份证号码"), width=22),
        Field("phone", "手机号", "11位手机号，按文本填写", "13900000000", kind="code",
              aliases=("联系电话", "手机")),
        Field("occupation", "职业", "从下拉列表选择；不填为企业职工", "企业职工", Occupation),
        Field("political_status", "政治面貌", "从下拉列表选择；不填为群众", "中共党员",
              PoliticalStatus),
        Field("party_joined_on", "入党时间", "日期，如 2010-07-01", "2010-07-01", kind="date"),
        Field("party_registered_at", "组织关系所在", "党员组织关系所在的党组织", "", width=24),
        Field("is_mobile_member", "流动党员", "是/否", "否", kind="bool"),
        Field("region", "所属区划代码", REGION_NOTE, "340102001001", kind="code", required=True,
              aliases=REGION_ALIASES),
        Field("organization_credit_code", "所在单位信用代码", "现任职单位的统一社会信用代码"
              "（须已登记），按文本填写", EXAMPLE_CREDIT_CODE, kind="code",
              aliases=("单位信用代码", "单位统一社会信用代码"), width=22),
        Field("position", "职务", "在该单位的职务", "技术员"),
        Field("is_manager", "经营管理人员", "是/否", "否", kind="bool"),
    ),
)  # fmt: skip

PARTY_ORGS = Table(
    "party-orgs",
    "党组织",
    (
        Field("name", "党组织名称", "全称", "中共合肥示例科技有限公司支部委员会", required=True,
              aliases=("名称",), width=32),
        Field("type", "党组织类型", "从下拉列表选择", "党支部", PartyOrgType, required=True,
              aliases=("类型",)),
        Field("region", "所属区划代码", REGION_NOTE, "340102001001", kind="code", required=True,
              aliases=REGION_ALIASES),
        Field("parent_name", "上级党组织", "上级党组织全称（须已登记或在本文件前面的行中）", "",
              aliases=("上级党组织名称",), width=32),
        Field("founded_on", "成立日期", "日期，如 2020-07-01", "2020-07-01", kind="date"),
        Field("term_end", "届满日期", "日期，如 2025-07-01", "2025-07-01", kind="date"),
    ),
)  # fmt: skip

COVERAGE = Table(
    "coverage",
    "党建覆盖",
    (
        Field("organization_credit_code", "单位信用代码", "被覆盖单位的统一社会信用代码，按文本"
              "填写；商圈、楼宇、园区、市场没有信用代码的可不填，填写单位名称", EXAMPLE_CREDIT_CODE,
              kind="code", aliases=("统一社会信用代码", "信用代码"), width=22),
        Field("organization_name", "单位名称", "没有信用代码的单位按名称查找；有信用代码的便于核对",
              "合肥示例科技有限公司", aliases=("名称",), width=28),
        Field("mode", "覆盖方式", "从下拉列表选择", "单独组建", CoverageMode, required=True),
        Field("party_org_name", "党组织名称", "单独组建、联合组建、挂靠时必填（须已登记）",
              "中共合肥示例科技有限公司支部委员会", width=32),
        Field("since", "起始日期", "日期，如 2023-01-01", "2023-01-01", kind="date"),
        Field("note", "说明", "", "", width=28),
    ),
)  # fmt: skip

VISITS = Table(
    "visits",
    "指导走访",
    (
        Field("organization_credit_code", "单位信用代码", "走访单位的统一社会信用代码，按文本"
              "填写；没有信用代码的商圈、楼宇等可不填，填写单位名称", EXAMPLE_CREDIT_CODE,
              kind="code", aliases=("统一社会信用代码", "信用代码"), width=22),
        Field("organization_name", "单位名称", "没有信用代码的单位按名称查找；有信用代码的便于核对",
              "合肥示例科技有限公司", aliases=("名称",), width=28),
        Field("instructor_phone", "指导员手机号", "党建指导员的登录手机号，按文本填写",
              "13700000000", kind="code", required=True, aliases=("手机号",)),
        Field("visited_on", "走访日期", "日期，如 2024-03-15，不能晚于今天", "2024-03-15",
              kind="date", required=True),
        Field("topic", "主题", "", "指导规范开展三会一课", required=True, width=28),
        Field("round", "轮次", "正整数，第几轮走访；不填为 1", 1, kind="int"),
        Field("notes", "记录", "", "", width=40),
    ),
)  # fmt: skip

TABLES: dict[str, Table] = {t.key: t for t in (ORGANIZATIONS, PEOPLE, PARTY_ORGS, COVERAGE, VISITS)}
IMPORTABLE = {key: t for key, t in TABLES.items() if t.importable}


class FileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, empty, no header)."""


# --- templates -------------------------------------------------------------------------------


def _formats(workbook: Any) -> dict[str, Any]:
    return {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "required": workbook.add_format(
            {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True}
        ),
        "text": workbook.add_format({"num_format": "@"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }


def write_template(table: Table, target: Any) -> None:
    """An import template: headers with notes, dropdowns, text columns, one example row."""
    workbook = xlsxwriter.Workbook(target, {"strings_to_numbers": False})
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet(table.title)
    lists = workbook.add_worksheet("选项")
    lists.hide()
    list_col = 0
    for col, spec in enumerate(table.fields):
        header_fmt = fmt["required"] if spec.required else fmt["header"]
        sheet.write_string(0, col, spec.label + ("*" if spec.required else ""), header_fmt)
        note = spec.note or spec.label
        if spec.required:
            note = f"必填。{note}"
        sheet.write_comment(0, col, f"{spec.label}（{spec.name}）：{note}",
                            {"x_scale": 2, "y_scale": 1.5})  # fmt: skip
        column_fmt = fmt["text"] if spec.kind == "code" else None
        if spec.kind == "date":
            column_fmt = fmt["date"]
        sheet.set_column(col, col, spec.width, column_fmt)
        options: Sequence[str] = ()
        if spec.choices is not None:
            options = [str(member.label) for member in spec.choices]
        elif spec.kind == "bool":
            options = YES_NO
        if options:
            # A list on the hidden sheet: an inline list is limited to 255 characters.
            for row, option in enumerate(options):
                lists.write_string(row, list_col, option)
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            sheet.data_validation(
                1, col, 50_000, col,
                {"validate": "list", "source": f"=选项!${letter}$1:${letter}${len(options)}",
                 "error_title": spec.label, "error_message": f"请从下拉列表选择{spec.label}"},
            )  # fmt: skip
            list_col += 1
        _write_example(sheet, 1, col, spec, fmt)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    workbook.close()


def _write_example(sheet: Any, row: int, col: int, spec: Field, fmt: dict[str, Any]) -> None:
    value = spec.example
    if value in ("", None):
        return
    if spec.kind == "code" or (isinstance(value, str) and spec.kind != "date"):
        sheet.write_string(row, col, str(value), fmt["text"] if spec.kind == "code" else None)
    elif spec.kind == "date":
        sheet.write_datetime(row, col, datetime.fromisoformat(str(value)), fmt["date"])
    else:
        sheet.write_number(row, col, value)


def template_bytes(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_template(table, buffer)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------------------------

HEADER_SCAN_ROWS = 20
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE files
ZIP_MAGIC = b"PK\x03\x04"
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "t"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "f"}


def _header_key(text: Any) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).lstrip("\ufeff")
    return re.sub(r"[\s*＊]+", "", text).lower()


header_key = _header_key  # a header as compared: NFKC, no spaces or *, lower case


def _aliases(table: Table) -> dict[str, str]:
    names: dict[str, str] = {}
    for spec in table.fields:
        for alias in (spec.name, spec.label, *spec.aliases):
            names[_header_key(alias)] = spec.name
    return names


def _match_header(cell: Any, names: dict[str, str]) -> str | None:
    key = _header_key(cell)
    if not key:
        return None
    if key in names:
        return names[key]
    # "统一社会信用代码（18位）", "身份证号(必填)": hints in brackets are not part of the name.
    bare = re.sub(r"[(（\[【].*?[)）\]】]", "", key)
    return names.get(bare)


IGNORED = "-"  # a column the user chose not to import (「不导入」)


def header_signature(headers: Sequence[str]) -> str:
    """What identifies a layout: the normalized header texts in order (trailing blanks off)."""
    keys = [_header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def header_changes(saved: Sequence[str], current: Sequence[str]) -> tuple[list[str], list[str]]:
    """(headers new in ``current``, headers of ``saved`` it lacks), as written."""
    saved_keys = {_header_key(h) for h in saved if _header_key(h)}
    current_keys = {_header_key(h) for h in current if _header_key(h)}
    new = [h for h in current if _header_key(h) and _header_key(h) not in saved_keys]
    missing = [h for h in saved if _header_key(h) and _header_key(h) not in current_keys]
    return new, missing


def resolve_field(table: Table, text: str) -> str | None:
    """A field named by its schema name, its Chinese label or an alias; None if none fits."""
    return _aliases(table).get(_header_key(text))


@dataclass(frozen=True)
class Mapping:
    """Which field each header of a file feeds (None: not imported), and constants for fields
    the file lacks ("类型 = 非公企业 for all rows", the value as the user would type it)."""

    headers: tuple[str, ...]
    columns: tuple[str | None, ...]  # per header position
    constants: dict[str, str] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        return header_signature(self.headers)

    def as_dict(self) -> dict[str, Any]:
        return {"headers": list(self.headers), "columns": list(self.columns),
                "constants": dict(self.constants)}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        return cls(tuple(data["headers"]), tuple(data["columns"]), dict(data.get("constants", {})))

    def problems(self, table: Table) -> list[str]:
        """What makes this mapping unusable for ``table``: two headers on one field, a required
        field neither mapped nor given a constant, a constant for a mapped field, a constant
        that is not a value of its field. Empty when it can be used."""
        problems: list[str] = []
        names = {f.name for f in table.fields}
        taken: dict[str, str] = {}
        for header, name in zip(self.headers, self.columns, strict=True):
            if name is None:
                continue
            if name not in names:
                problems.append(f"「{header}」对应的字段 {name} 不存在")
                continue
            label = table.field(name).label
            if name in taken:
                problems.append(f"「{taken[name]}」和「{header}」都对应到「{label}」，"
                                "一个字段只能对应文件中的一列")  # fmt: skip
            else:
                taken[name] = header
        for name, value in self.constants.items():
            if name not in names:
                problems.append(f"字段 {name} 不存在")
                continue
            spec = table.field(name)
            if name in taken:
                problems.append(
                    f"「{spec.label}」已对应文件的列「{taken[name]}」，不能再填写统一值"
                )
            elif (message := constant_problem(spec, value)) is not None:
                problems.append(message)
        for spec in table.required:
            if spec.name not in taken and not str(self.constants.get(spec.name, "")).strip():
                problems.append(f"必填字段「{spec.label}」既没有对应文件中的列，也没有填写统一值")
        return problems


def constant_problem(spec: Field, value: Any) -> str | None:
    """Why ``value`` cannot be the constant of ``spec`` (None: it can). The row schemas check it
    again with every row; this names the field once, before any row is read."""
    text = str(value).strip()
    if not text:
        return f"「{spec.label}」的统一值不能为空"
    if spec.choices is not None:
        if text not in {str(m.label) for m in spec.choices} | set(spec.choices.values):
            options = "、".join(str(m.label) for m in spec.choices)
            return f"「{spec.label}」的统一值「{text}」不是可选项（{options}）"
    elif spec.kind == "bool":
        if _header_key(text) not in TRUE_WORDS | FALSE_WORDS:
            return f"「{spec.label}」的统一值应填「是」或「否」"
    elif spec.kind == "int":
        if not re.fullmatch(r"-?\d+", _convert(text, spec)):
            return f"「{spec.label}」的统一值应为整数"
    elif spec.kind == "float":
        try:
            float(_convert(text, spec))
        except ValueError:
            return f"「{spec.label}」的统一值应为数字"
    elif spec.kind == "date" and not isinstance(_date(text), date):
        return f"「{spec.label}」的统一值应为日期，如 2024-01-31"
    return None


@dataclass
class Sheet:
    """An opened file: where its header is, which field each column holds, and its rows."""

    table: Table
    path: Path
    header_row: int  # 1-based, as Excel numbers it
    columns: list[str | None]  # field name per column (None: a column we do not import)
    headers: list[str]  # the header text as written in the file
    first_col: int  # the file's column index of columns[0] (calamine skips empty columns)
    total: int  # rows below the header, blank ones included
    _rows: Any = field(repr=False, default=None)
    guesses: list[str | None] = field(default_factory=list)  # by name and alias
    constants: dict[str, str] = field(default_factory=dict)  # field → value for every row
    mapping: Mapping | None = None  # the one applied (None: the headers as guessed)

    @property
    def signature(self) -> str:
        return header_signature(self.headers)

    def guessed_mapping(self) -> Mapping:
        return Mapping(tuple(self.headers), tuple(self.guesses))

    def matches_template(self) -> bool:
        """Every header named a field, none twice, every required one there: the file follows
        the template and the guessed mapping needs only confirming."""
        named = [g for h, g in zip(self.headers, self.guesses, strict=True) if h.strip()]
        return (
            all(named) and len(set(named)) == len(named)
            and not self.guessed_mapping().problems(self.table)
        )  # fmt: skip

    def apply(self, mapping: Mapping) -> None:
        """Read the rows through ``mapping`` (made for a file with these very headers)."""
        if mapping.signature != self.signature:
            new, missing = header_changes(mapping.headers, self.headers)
            raise FileError(f"文件的表头与列对应不一致（{_changes_text(new, missing)}），"
                            "请重新确认列对应")  # fmt: skip
        problems = mapping.problems(self.table)
        if problems:
            raise FileError("；".join(problems))
        self.columns = list(mapping.columns)
        self.constants = dict(mapping.constants)
        self.mapping = mapping

    def samples(self, count: int = 3) -> list[list[str]]:
        """The first ``count`` non-blank data rows as text, one cell per header."""
        picked: list[list[str]] = []
        for _number, cells in self._raw():
            width = len(self.headers)
            texts = [_cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]
            if any(texts):
                picked.append(texts)
            if len(picked) >= count:
                break
        return picked

    def column_of(self, name: str) -> int | None:
        """The file's 0-based column index holding field ``name``."""
        if name in self.columns:
            return self.first_col + self.columns.index(name)
        return None

    def label_of(self, name: str) -> str:
        col = self.columns.index(name) if name in self.columns else None
        if col is not None and self.headers[col].strip("*＊ "):
            return self.headers[col].strip("*＊ ")  # "身份证号*" marks a required column
        try:
            return self.table.field(name).label
        except StopIteration:
            return name

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(Excel row number, {field: value}) for every non-blank data row, lazily."""
        specs = {f.name: f for f in self.table.fields}
        for number, cells in self._raw():
            values: dict[str, Any] = {}
            blank = True
            for index, name in enumerate(self.columns):
                if index >= len(cells):
                    break
                value = cells[index]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                blank = False
                if name is not None:
                    values[name] = _convert(value, specs[name])
            if not blank:
                for name, constant in self.constants.items():
                    values[name] = _convert(constant, specs[name])
                yield number, values

    def raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cells as read) of the data rows, blank ones included."""
        return self._raw()

    def _raw(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows()


def _changes_text(new: list[str], missing: list[str]) -> str:
    parts = []
    if new:
        parts.append("新增列" + "".join(f"「{h}」" for h in new))
    if missing:
        parts.append("缺少列" + "".join(f"「{h}」" for h in missing))
    return "；".join(parts) or "列的顺序变了"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def _convert(value: Any, spec: Field) -> Any:
    """Layout-level clean-up only; the schema validates and normalises the value itself."""
    if isinstance(value, str):
        value = value.strip()
    if spec.kind == "bool":
        word = _header_key(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return value
    if spec.kind == "date":
        return _date(value)
    if spec.kind in ("int", "float") and isinstance(value, str):
        return unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if spec.kind == "str" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if spec.kind == "str" and isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return text
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return text
    return text


def sniff(path: Path) -> str:
    """ "xlsx" or "csv", or FileError with one clear message."""
    size = path.stat().st_size
    if size == 0:
        raise FileError("文件是空的（0 字节），请检查是否上传了正确的文件")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE2_MAGIC):
        raise FileError(
            "这是旧版 Excel 97-2003 文件（.xls），即使改了扩展名也不能读取；"
            "请在 Excel 中「另存为」Excel 工作簿（.xlsx）后再上传"
        )
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if path.suffix.lower() == ".csv":
        return "csv"
    raise FileError("无法识别的文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件")


def check_upload(path: Path) -> int:
    """The cheap check an upload gets inside the request (milliseconds, whatever its size):
    what kind of file it is and, for an xlsx, what its zip directory declares. Returns the
    bytes it will inflate to (for a CSV its size); FileError with the reason otherwise. Rows
    are read later, in the job (``open_sheet``)."""
    limits = sheets.Limits.from_settings()
    try:
        if sniff(path) == "csv":
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise FileError(limits.too_big)
            return size
        return sheets.inspect_upload(path, limits)
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc


def _checked(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc


def open_sheet(path: str | Path, table: Table, *, strict: bool = True) -> Sheet:
    """Open ``path`` (xlsx or CSV), find the header row; FileError if it cannot be used.

    ``strict``: a required column missing or a field named twice is refused here; otherwise
    the sheet comes back with its guesses for the mapping step (``Sheet.apply``).

    The file is checked within the import limits first (``core.sheets``: inflated size, rows,
    used cells), then read one row at a time."""
    path = Path(path)
    if not path.is_file():
        raise FileError("文件不存在")
    fmt = sniff(path)
    try:
        if fmt == "csv":
            encoding, total_rows = sheets.csv_encoding(path)

            def rows_csv() -> Iterator[list[Any]]:
                return _checked(sheets.iter_csv(path, encoding))

            return _locate_header(path, table, rows_csv, total_rows=total_rows, first_col=0,
                                  strict=strict)  # fmt: skip

        checked = sheets.open_xlsx(path)
    except sheets.SheetError as exc:
        raise FileError(str(exc)) from exc

    def rows_xlsx() -> Iterator[list[Any]]:
        # iter_rows pads the rows above the first used cell but not the columns to its left.
        return _checked(checked.rows())

    # Rows from the top of the sheet to the last used one (iter_rows yields exactly these).
    return _locate_header(path, table, rows_xlsx, total_rows=checked.rows_used,
                          first_col=checked.first_col, strict=strict)  # fmt: skip


def _locate_header(
    path: Path, table: Table, rows: Any, *, total_rows: int, first_col: int, strict: bool = True
) -> Sheet:
    names = _aliases(table)
    wanted = min(3, len(table.fields))
    header_index = None
    best: list[str | None] = []
    for index, cells in enumerate(rows()):
        if index >= HEADER_SCAN_ROWS:
            break
        matched = [_match_header(cell, names) for cell in cells]
        found = [m for m in matched if m]
        if len(found) >= wanted or (found and {f.name for f in table.required} <= set(found)):
            header_index, best, header_cells = index, matched, cells
            break
    if header_index is None:
        if total_rows == 0:
            raise FileError("文件中没有任何内容")
        raise FileError(
            f"找不到表头：前{HEADER_SCAN_ROWS}行中没有一行包含「{table.title}」表的列名"
            f"（如 {'、'.join(f.label for f in table.fields[:4])}）；请使用下载的模板"
        )
    seen: dict[str, int] = {}
    for col, name in enumerate(best):
        if name is None:
            continue
        if name in seen and strict:
            label = table.field(name).label
            raise FileError(f"表头中「{label}」出现了两次（第{seen[name] + 1}列和第{col + 1}列）")
        seen.setdefault(name, col)
    missing = [f.label for f in table.required if f.name not in seen]
    if missing and strict:
        raise FileError(f"表头缺少必填列：{'、'.join(missing)}")
    headers = [_cell_text(cell) for cell in header_cells]

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        for index, cells in enumerate(rows()):
            if index > header_index:
                yield index + 1, cells

    return Sheet(
        table=table, path=path, header_row=header_index + 1, columns=best, headers=headers,
        first_col=first_col, total=max(total_rows - header_index - 1, 0), _rows=data_rows,
        guesses=_one_guess_per_field(best, headers),
    )  # fmt: skip


# A file often names the street and the community in two columns; the finest names the region.
REGION_FINENESS = ("网格", "社区", "村", "街道", "镇", "乡")


def _one_guess_per_field(guesses: list[str | None], headers: list[str]) -> list[str | None]:
    """The mapping step's first proposal: where two headers match one field, only one keeps the
    guess (for the region the finest level — 所在社区 over 所属街道 —, otherwise the first) and
    the other starts as 不导入, so the proposal can be confirmed as it is."""
    chosen: dict[str, int] = {}
    for col, name in enumerate(guesses):
        if name is None:
            continue
        if name not in chosen:
            chosen[name] = col
        elif name == "region" and _fineness(headers[col]) < _fineness(headers[chosen[name]]):
            chosen[name] = col
    return [name if name is not None and chosen[name] == col else None
            for col, name in enumerate(guesses)]  # fmt: skip


def _fineness(header: str) -> int:
    return next(
        (n for n, word in enumerate(REGION_FINENESS) if word in header), len(REGION_FINENESS)
    )


# --- error workbook --------------------------------------------------------------------------


def write_error_workbook(sheet: Sheet, errors: list[dict[str, Any]], target: Path) -> Path:
    """A copy of the uploaded rows, each bad cell red with its reason as a comment, and a
    错误汇总 sheet listing every error. Errors without a column mark the row's first cell."""
    by_cell: dict[tuple[int, int], list[str]] = {}
    for error in errors:
        col = sheet.column_of(error.get("column") or "")
        col = sheet.first_col if col is None else col
        by_cell.setdefault((error["row"], col), []).append(error["message"])
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(target),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    red = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    data = workbook.add_worksheet(sheet.table.title)
    for col, header in enumerate(sheet.headers):
        data.write_string(sheet.header_row - 1, sheet.first_col + col, header, bold)
        data.set_column(sheet.first_col + col, sheet.first_col + col, 18)
    for number, cells in sheet.raw_rows():
        for index, value in enumerate(cells):
            col = sheet.first_col + index
            reasons = by_cell.pop((number, col), None)
            _write_raw(data, number - 1, col, value, red if reasons else None)
            if reasons:
                data.write_comment(number - 1, col, "\n".join(reasons), {"x_scale": 2})
    # Errors on cells beyond a short row (an empty required cell at the end of the line).
    for (number, col), reasons in by_cell.items():
        data.write_blank(number - 1, col, None, red)
        data.write_comment(number - 1, col, "\n".join(reasons), {"x_scale": 2})
    data.freeze_panes(sheet.header_row, 0)
    summary = workbook.add_worksheet("错误汇总")
    for col, (title, width) in enumerate((("行", 8), ("列", 20), ("原因", 60))):
        summary.write_string(0, col, title, bold)
        summary.set_column(col, col, width)
    for row, error in enumerate(sorted(errors, key=lambda e: e["row"]), start=1):
        summary.write_number(row, 0, error["row"])
        summary.write_string(row, 1, error.get("label") or error.get("column") or "")
        summary.write_string(row, 2, error["message"])
    workbook.close()
    return target


def _write_raw(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        sheet.write_string(row, col, value.isoformat()[:10], fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


# --- exports ---------------------------------------------------------------------------------


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _audit_export(user: Any, table: str, rows: int, *, unmasked: bool) -> None:
    prefix = scope_prefix(user)
    region = None
    membership = getattr(user, "active_membership", None)
    if prefix and membership is not None:
        region = membership.region_id
    data = {"table": table, "rows": rows, "masked": not unmasked}
    audit.record(Verb.LEDGER_EXPORTED, actor=user, region=region, data=data)
    if unmasked and rows:
        audit.record(Verb.PII_EXPORTED, actor=user, region=region, data=data)


def _audited_response(
    user: Any, table: str, filename: str, columns: list[excel.Column], rows: Iterator[Any],
    *, unmasked: bool,
) -> HttpResponse:  # fmt: skip
    response = excel.xlsx_response(filename, columns, rows, sheet_name=table)
    _audit_export(user, table, int(response["X-Export-Rows"]), unmasked=unmasked)
    return response


ORG_EXPORT_COLUMNS = [
    excel.Column("类型", 10), excel.Column("名称", 30), excel.Column("统一社会信用代码", 22),
    excel.Column("所属区划代码", 14), excel.Column("法定代表人", 10),
    excel.Column("负责人电话", 14), excel.Column("地址", 30), excel.Column("行业门类", 24),
    excel.Column("从业人员数", 10), excel.Column("党员人数", 10), excel.Column("状态", 10),
    excel.Column("平台企业", 8), excel.Column("覆盖方式", 12), excel.Column("更新时间", 18),
]  # fmt: skip


def export_organizations(queryset: models.QuerySet, user: Any) -> HttpResponse:
    """The filtered organizations as a streaming xlsx, within the caller's scope; the legal
    representative's name and phone are masked unless the role may see personal data."""
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    kinds, industries, statuses = (
        dict(OrgKind.choices),
        dict(Industry.choices),
        dict(OrgStatus.choices),
    )
    modes = dict(CoverageMode.choices)
    qs = queryset.visible_to(user).select_related("coverage").order_by("region_id", "name", "pk")

    def rows() -> Iterator[list[Any]]:
        for org in qs.iterator(chunk_size=2000):
            coverage = getattr(org, "coverage", None)
            yield [
                kinds.get(org.kind, org.kind), org.name, org.credit_code or "", org.region_id,
                org.legal_rep if reveal else mask_name(org.legal_rep),
                org.legal_rep_phone if reveal else mask_phone(org.legal_rep_phone),
                org.address, industries.get(org.industry, ""), org.employee_count,
                org.party_member_count, statuses.get(org.status, org.status), org.is_platform,
                modes.get(coverage.mode, "") if coverage else "", org.updated_at,
            ]  # fmt: skip

    return _audited_response(user, "organizations", f"组织台账-{_stamp()}.xlsx",
                             ORG_EXPORT_COLUMNS, rows(), unmasked=reveal)  # fmt: skip


PEOPLE_EXPORT_COLUMNS = [
    excel.Column("姓名", 10), excel.Column("身份证号", 22), excel.Column("性别", 6),
    excel.Column("出生日期", 12), excel.Column("手机号", 14), excel.Column("职业", 12),
    excel.Column("政治面貌", 12), excel.Column("入党时间", 12), excel.Column("组织关系所在", 24),
    excel.Column("流动党员", 8), excel.Column("所属区划代码", 14),
]  # fmt: skip


def export_people(queryset: models.QuerySet, user: Any) -> HttpResponse:
    """The filtered people as a streaming xlsx, within the caller's scope; name, phone and ID
    number are masked unless the role may see personal data (then the export is audited as
    personal data leaving the system)."""
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    occupations, statuses = dict(Occupation.choices), dict(PoliticalStatus.choices)
    sexes = {"M": "男", "F": "女"}
    qs = queryset.visible_to(user).order_by("region_id", "pk")

    def rows() -> Iterator[list[Any]]:
        for person in qs.iterator(chunk_size=2000):
            yield [
                person.name if reveal else mask_name(person.name),
                person.id_number if reveal else mask_id_number(person.id_number),
                sexes.get(person.sex, ""), person.birth_date if reveal else None,
                person.phone if reveal else mask_phone(person.phone),
                occupations.get(person.occupation, person.occupation),
                statuses.get(person.political_status, person.political_status),
                person.party_joined_on, person.party_registered_at, person.is_mobile_member,
                person.region_id,
            ]  # fmt: skip

    return _audited_response(user, "people", f"人员台账-{_stamp()}.xlsx",
                             PEOPLE_EXPORT_COLUMNS, rows(), unmasked=reveal)  # fmt: skip
