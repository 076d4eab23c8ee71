"""The issue's own case, end to end: a street's ledger workbook as it is kept — the title
"东城街道非公企业党建工作台账（2025年11月）" merged across the top, 序号, 企业名称 … 所在社区 by
NAME (with a near miss and a street-and-community path), 企业类型 in the register's own words,
a phone Excel turned into a number — is imported by mapping its columns (类型 one value for all
rows) and resolving the communities within the importer's scope; it used to be refused whole
with "表头缺少必填列：类型、所属区划代码". A file with a street and a community column proposes
the community as the region."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from shegong import cli, testing
from shegong.core.perms import Role
from shegong.ledger import excel
from shegong.ledger.actions.imports import import_file
from shegong.ledger.models import Organization
from shegong.ledger.tests.records_fixtures import credit_code

pytestmark = pytest.mark.django_db

TITLE = "东城街道非公企业党建工作台账（2025年11月）"
HEADERS = ["序号", "企业名称", "统一社会信用代码", "法定代表人", "联系电话", "企业类型", "所在社区",
           "职工人数", "党员人数", "是否建立党组织", "备注"]  # fmt: skip
FLAGS = ["--map", "序号=-", "--map", "企业类型=-", "--set", "类型=非公企业"]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def office_workbook(path: Path, communities: list[str], headers=HEADERS, street="东城街道") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(headers) - 1, TITLE, workbook.add_format({"bold": True}))
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header)
    for i, community in enumerate(communities):
        row = {
            "序号": i + 1, "企业名称": f"东城台账企业{i}", "统一社会信用代码": credit_code(800 + i),
            "法定代表人": f"测试{i}", "联系电话": 13900000000 + i, "企业类型": "有限责任公司",
            "所在社区": community, "所属街道": street, "职工人数": 20 + i, "党员人数": 1,
            "是否建立党组织": "否", "备注": "",
        }  # fmt: skip
        for col, header in enumerate(headers):
            value = row[header]
            if isinstance(value, int):
                sheet.write_number(i + 2, col, value)
            elif value:
                sheet.write_string(i + 2, col, value)
    workbook.close()
    return path


def test_the_streets_own_workbook_imports_by_community_names(
    district, street_a_staff, tmp_path, capsys
):
    testing.add_namesakes(district)  # a second 东关社区 under 西城街道: outside street A
    path = office_workbook(
        tmp_path / "台账.xlsx", ["东关社区", "东关社区居委会", "东城街道东关社区", "鼓楼社区"]
    )
    args = ["shegong", "import", "organizations", str(path), "--as", street_a_staff.phone]
    # Unmapped, 企业类型 is read as 类型 and its register words are refused, row by row.
    assert cli.main(args) == 1
    assert "第3行「企业类型」：类型「有限责任公司」无效" in capsys.readouterr().err
    assert not Organization.objects.exists()
    assert cli.main([*args, *FLAGS]) == 0
    out = capsys.readouterr().out
    assert "所在社区 → 所属区划代码（region）" in out  # guessed by its name
    regions = dict(Organization.objects.values_list("name", "region_id"))
    dongguan = district["community_a"].code
    assert regions == {
        "东城台账企业0": dongguan, "东城台账企业1": dongguan, "东城台账企业2": dongguan,
        "东城台账企业3": "341271001002",
    }  # fmt: skip
    assert Organization.objects.get(name="东城台账企业0").legal_rep_phone == "13900000000"


def test_names_that_do_not_resolve_are_named_on_their_rows_and_nothing_is_written(
    district, street_a_staff, tmp_path
):
    testing.add_namesakes(district)
    path = office_workbook(tmp_path / "台账.xlsx", ["东关社区", "清河社区", "东官社区"])
    sheet = excel.open_sheet(path, excel.ORGANIZATIONS, strict=False)
    mapping = excel.Mapping(
        tuple(sheet.headers),
        tuple(
            None if h in ("序号", "企业类型") else g for h, g in zip(sheet.headers, sheet.guesses)
        ),
        {"kind": "非公企业"},
    )
    result = import_file("organizations", path, actor=street_a_staff, mapping=mapping)
    errors = [(e["row"], e["label"], e["message"]) for e in result.errors]
    assert errors == [
        (4, "所在社区", "「清河社区」不在您的工作范围内"),
        (5, "所在社区", "找不到「东官社区」，是否为：东关社区？"),
    ]
    assert not Organization.objects.exists()

    # A district-wide importer sees both 东关社区: refused, naming the two.
    admin = testing.user(Role.DISTRICT_ADMIN, district["district"], name="区管理员")
    result = import_file("organizations", path, actor=admin, mapping=mapping)
    first = next(e for e in result.errors if e["row"] == 3)
    assert first["message"].startswith("「东关社区」有2个：东城街道东关社区、西城街道东关社区")
    assert not Organization.objects.exists()


def test_a_street_and_a_community_column_propose_the_community_as_the_region(tmp_path):
    headers = [*HEADERS[:6], "所属街道", *HEADERS[6:]]
    path = office_workbook(tmp_path / "台账.xlsx", ["东关社区"], headers=headers)
    sheet = excel.open_sheet(path, excel.ORGANIZATIONS, strict=False)
    guesses = dict(zip(sheet.headers, sheet.guesses, strict=True))
    assert guesses["所在社区"] == "region" and guesses["所属街道"] is None
    # The proposal as it stands is a valid mapping.
    mapping = excel.Mapping(tuple(sheet.headers), tuple(sheet.guesses), {})
    assert mapping.problems(excel.ORGANIZATIONS) == []
