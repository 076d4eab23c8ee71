"""`shegong import regions FILE`: CSV or xlsx, row-level errors, nothing written on any error."""

from __future__ import annotations

import json

import pytest
import xlsxwriter

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.regions.importer import import_file, read_rows
from shegong.regions.models import Region
from shegong.testing import rect

HEADER = "code,name,level,parent_code,centroid_lat,centroid_lon,boundary\n"


def write(tmp_path, text, name="regions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def boundary_cell(*box):
    return '"' + json.dumps(rect(*box)).replace('"', '""') + '"'


def test_it_imports_a_good_csv(district, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "341271001002,南关社区,community,341271001000,32.96,115.75,"
        + boundary_cell(32.95, 115.72, 32.99, 115.78)
        + "\n"
        + "341271001002001,南关社区第一网格,grid,341271001002,,,\n",
    )
    created, errors = import_file(path)
    assert (created, errors) == (2, [])
    community = Region.objects.get(code="341271001002")
    assert (community.name, community.level, community.parent_id) == (
        "南关社区",
        "community",
        "341271001000",
    )
    assert community.boundary["type"] == "Polygon"
    assert community.min_lat == 32.95
    event = AuditEvent.objects.get(verb=Verb.REGIONS_IMPORTED)
    assert event.data == {"count": 2, "source": "regions.csv"}


def test_it_accepts_chinese_headers_levels_and_a_bom(district, tmp_path):
    path = write(
        tmp_path,
        "代码,名称,层级,上级代码,中心纬度,中心经度,边界\n"
        "341271003000,新华街道,街道,341271000000,,,\n"
        "341271003001,新华社区,社区,341271003000,,,\n",
        encoding="utf-8-sig",
    )
    assert import_file(path) == (2, [])
    assert Region.objects.get(code="341271003000").level == "street"


def test_it_imports_an_xlsx_and_keeps_numeric_codes_as_text(district, tmp_path):
    path = tmp_path / "regions.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["代码", "名称", "层级", "上级代码", "中心纬度", "中心经度"])
    sheet.write_row(1, 0, [341271001002, "南关社区", "社区/村", 341271001000, 32.96, 115.75])
    sheet.write_row(2, 0, ["341271001002001", "南关社区第一网格", "网格", "341271001002"])
    book.close()

    rows, errors = read_rows(path)
    assert errors == []
    assert [r.code for r in rows] == ["341271001002", "341271001002001"]
    assert rows[0].parent_code == "341271001000"
    assert rows[0].centroid_lat == 32.96
    assert import_file(path) == (2, [])


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "341271001002,南关社区,community,341271001000,,,\n"
            "341271001002,北关社区,community,341271001000,,,\n",
            "第4行 字段 code：代码与第3行重复：341271001002",
        ),
        (
            "341271002005,错挂社区,community,341271001000,,,\n",
            "第3行 字段 code：代码 341271002005 不在上级 341271001000 的代码范围内",
        ),
        (
            "3412710010021,长代码社区,community,341271001000,,,\n",
            "第3行 字段 code：社区/村的代码应为12位数字：3412710010021",
        ),
        (
            "341271001002,南关社区,community,341271001000,北纬,115.7,\n",
            "第3行 字段 centroid_lat：应为数字：北纬",
        ),
        (
            "341271001002,南关社区,community,341271001000,,,{not json\n",
            "第3行 字段 boundary：边界不是有效的 GeoJSON",
        ),
        (
            "341271001002,南关社区,小区,341271001000,,,\n",
            "第3行 字段 level：层级「小区」无效",
        ),
    ],
)
def test_a_bad_file_gets_row_level_errors_and_writes_nothing(district, tmp_path, lines, expected):
    # Every bad file also carries a good row: it must not be written either.
    path = write(tmp_path, HEADER + "341271001009,好社区,community,341271001000,,,\n" + lines)
    before = Region.objects.count()
    created, errors = import_file(path)
    assert created == 0
    assert any(e.startswith(expected) for e in errors), errors
    assert Region.objects.count() == before
    assert not AuditEvent.objects.filter(verb=Verb.REGIONS_IMPORTED).exists()


def test_it_refuses_a_file_without_the_required_columns(db, tmp_path):
    path = write(tmp_path, "编号,名字\n1,2\n")
    created, errors = import_file(path)
    assert created == 0
    assert "表头缺少列：code、name、level" in errors[0]


def test_it_refuses_an_unknown_file_type(db, tmp_path):
    path = write(tmp_path, "x", name="regions.txt")
    assert import_file(path) == (0, ["不支持的文件类型「.txt」，请使用 .csv 或 .xlsx"])


def test_it_refuses_a_csv_that_is_not_utf8(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes((HEADER + "341271001002,南关社区,社区,341271001000,,,\n").encode("gbk"))
    _created, errors = import_file(path)
    assert "UTF-8" in errors[0]


def test_a_file_over_the_row_cap_is_refused_naming_the_cap_and_writes_nothing(
    district, tmp_path, settings
):
    settings.SHEGONG_IMPORT_MAX_ROWS = 2
    lines = "".join(f"34127100100{i},社区{i},community,341271001000,,,\n" for i in range(5, 8))
    cap = "文件超过 2 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"
    assert import_file(write(tmp_path, HEADER + lines)) == (0, [cap])
    xlsx = tmp_path / "regions.xlsx"
    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet()
    for r, line in enumerate([HEADER, *lines.splitlines(keepends=True)]):
        for c, value in enumerate(line.rstrip("\n").split(",")):
            sheet.write_string(r, c, value)
    book.close()
    assert import_file(xlsx) == (0, [cap])
    assert not Region.objects.filter(name__in=["社区5", "社区6", "社区7"]).exists()
    old = write(tmp_path, "x", name="regions.xls")
    assert "另存为」Excel 工作簿（.xlsx）" in import_file(old)[1][0]
