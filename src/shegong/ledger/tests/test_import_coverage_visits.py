"""Importing the coverage (党建覆盖) and guidance-visit (指导走访) tables: the same rules as
``set_coverage`` and ``record_visit``, every error with its row and column, nothing written on
any error, re-imports unchanged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.actions.imports import import_file
from shegong.ledger.choices import JOINT_BRANCH_MAX_UNITS
from shegong.ledger.models import Coverage, GuidanceVisit
from shegong.ledger.tests.records_fixtures import org, party_org
from shegong.ledger.tests.test_import_files import A, B, write_xlsx

COVERAGE_HEADER = ["单位信用代码", "单位名称", "覆盖方式", "党组织名称", "起始日期", "说明"]
VISIT_HEADER = ["单位信用代码", "单位名称", "指导员手机号", "走访日期", "主题", "轮次", "记录"]


def errors(result) -> list[tuple[int, str, str]]:
    return [(e["row"], e["label"], e["message"]) for e in result.errors]


def imported(verb: Verb) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


# --- coverage --------------------------------------------------------------------------------


def test_coverage_is_set_by_code_or_place_name_then_reimport_is_unchanged(tmp_path, district):
    firm = org(A, "东城企业")
    place = org(A, "东城商圈", kind="business_district", credit_code="")
    branch = party_org(A, "东城企业党支部")
    rows = [
        COVERAGE_HEADER,
        [firm.credit_code, "", "单独组建", "东城企业党支部", "2023-01-01", "新建"],
        ["", "东城商圈", "instructor", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    first = import_file("coverage", path, actor=None)
    assert (first.created, first.updated, first.unchanged, first.errors) == (0, 2, 0, [])
    firm_cov = Coverage.objects.get(organization=firm)
    assert (firm_cov.mode, firm_cov.party_org_id) == ("standalone", branch.pk)
    assert (firm_cov.since, firm_cov.note) == (date(2023, 1, 1), "新建")
    assert Coverage.objects.get(organization=place).mode == "instructor"
    entry = AuditEvent.objects.get(verb=Verb.COVERAGE_SET, target_id=str(firm.pk))
    assert entry.data["before"] == {"mode": "none", "party_org": None}
    assert entry.data["party_org"] == branch.pk and entry.data["import"] is True
    assert AuditEvent.objects.get(verb=Verb.LEDGER_IMPORTED).data["table"] == "coverage"

    again = import_file("coverage", path, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert imported(Verb.COVERAGE_SET) == 2


def test_a_coverage_file_with_any_bad_row_writes_nothing_and_names_every_cell(tmp_path, district):
    firm = org(A, "东城企业")
    other = org(A, "另一企业")
    rows = [
        COVERAGE_HEADER,
        [firm.credit_code, "", "联合组建", "", "", ""],  # needs a party org
        [other.credit_code, "", "单独组建", "没有的党支部", "", ""],
        ["", "", "未覆盖", "", "", ""],  # no organization named
        ["", "不存在的商圈", "未覆盖", "", "", ""],
        [firm.credit_code, "", "乱填", "", "", ""],
        [other.credit_code, "", "未覆盖", "", "", ""],  # the same unit as row 3
        ["91341200000000001X", "", "未覆盖", "", "", ""],  # a wrong checksum
        [firm.credit_code, "", "未覆盖", "", "2023-02-30", "x" * 301],
    ]
    result = import_file("coverage", write_xlsx(tmp_path / "c.xlsx", rows), actor=None)
    got = errors(result)
    assert (2, "党组织名称", "「联合组建」须指定党组织") in got
    assert (3, "党组织名称", "党组织「没有的党支部」未登记或不在您的工作范围内") in got
    assert (4, "单位信用代码",
            "请填写单位信用代码（没有信用代码的商圈、楼宇等填写单位名称）") in got  # fmt: skip
    assert (5, "单位名称", "单位 「不存在的商圈」 未登记或不在您的工作范围内") in got
    assert any(r == 6 and label == "覆盖方式" and "无效" in m for r, label, m in got)
    assert (7, "单位信用代码", "与第3行是同一单位") in got
    assert any(r == 8 and label == "单位信用代码" for r, label, _ in got)
    assert (9, "起始日期", "日期格式应为 2024-01-31") in got
    assert result.error_workbook
    assert not Coverage.objects.exclude(mode="none").exists()
    assert not imported(Verb.COVERAGE_SET) and not imported(Verb.LEDGER_IMPORTED)


def test_a_note_too_long_is_refused(tmp_path, district):
    firm = org(A, "东城企业")
    rows = [COVERAGE_HEADER, [firm.credit_code, "", "未覆盖", "", "", "长" * 301]]
    result = import_file("coverage", write_xlsx(tmp_path / "c.xlsx", rows), actor=None)
    assert errors(result) == [(2, "说明", "不能超过300个字")]


def test_a_joint_branch_counts_the_rows_of_the_same_file(tmp_path, district):
    branch = party_org(A, "联合党支部", type="joint_branch")
    firms = [org(A, f"企业{i}") for i in range(JOINT_BRANCH_MAX_UNITS + 1)]
    # One unit already recorded; the file adds the rest.
    one = [firms[0].credit_code, "", "联合组建", "联合党支部"]
    first = write_xlsx(tmp_path / "one.xlsx", [COVERAGE_HEADER, one])
    assert import_file("coverage", first, actor=None).ok
    rows = [COVERAGE_HEADER, *[[f.credit_code, "", "联合组建", "联合党支部"] for f in firms]]
    result = import_file("coverage", write_xlsx(tmp_path / "c.xlsx", rows), actor=None)
    assert errors(result) == [
        (JOINT_BRANCH_MAX_UNITS + 2, "党组织名称",
         f"联合党支部覆盖的单位一般不超过{JOINT_BRANCH_MAX_UNITS}个"),
    ]  # fmt: skip
    assert Coverage.objects.filter(party_org=branch).count() == 1

    ok = write_xlsx(tmp_path / "ok.xlsx", rows[:-1])
    result = import_file("coverage", ok, actor=None)
    assert (result.errors, result.updated, result.unchanged) == ([], 4, 1)
    assert Coverage.objects.filter(party_org=branch, mode="joint").count() == 5


def test_coverage_outside_the_importers_scope_is_refused(tmp_path, street_b_staff, district):
    theirs = org(A, "东城企业")
    party_org(A, "东城企业党支部")
    mine = org(B, "西城企业")
    rows = [
        COVERAGE_HEADER,
        [theirs.credit_code, "", "未覆盖", "", "", "改"],
        [mine.credit_code, "", "单独组建", "东城企业党支部", "", ""],
    ]
    result = import_file("coverage", write_xlsx(tmp_path / "c.xlsx", rows), actor=street_b_staff)
    assert errors(result) == [
        (2, "单位信用代码", f"单位 {theirs.credit_code} 未登记或不在您的工作范围内"),
        (3, "党组织名称", "党组织「东城企业党支部」未登记或不在您的工作范围内"),
    ]
    assert Coverage.objects.get(organization=theirs).note == ""


# --- guidance visits -------------------------------------------------------------------------


@pytest.fixture
def instructor(district):
    return testing.user(Role.PARTY_INSTRUCTOR, district["street_a"], name="东城指导员")


def test_visits_are_recorded_then_reimport_is_unchanged(tmp_path, district, instructor):
    firm = org(A, "东城企业")
    place = org(A, "东城商圈", kind="business_district", credit_code="")
    rows = [
        VISIT_HEADER,
        [firm.credit_code, "", instructor.phone, "2024-03-15", "三会一课", 2, "记录甲"],
        ["", "东城商圈", instructor.phone, "2024-03-16", "组织生活", None, None],
    ]
    path = write_xlsx(tmp_path / "v.xlsx", rows)
    first = import_file("visits", path, actor=None)
    assert (first.created, first.unchanged, first.errors) == (2, 0, [])
    visit = GuidanceVisit.objects.get(organization=firm)
    assert (visit.instructor, visit.visited_on, visit.topic, visit.round, visit.notes) == (
        instructor,
        date(2024, 3, 15),
        "三会一课",
        2,
        "记录甲",
    )
    assert visit.region_id == A
    assert GuidanceVisit.objects.get(organization=place).round == 1
    entry = AuditEvent.objects.get(verb=Verb.VISIT_RECORDED, target_id=str(firm.pk))
    assert entry.data["visit"] == visit.pk and entry.data["import"] is True

    again = import_file("visits", path, actor=None)
    assert (again.created, again.unchanged, again.errors) == (0, 2, [])
    assert GuidanceVisit.objects.count() == 2 and imported(Verb.VISIT_RECORDED) == 2


def test_a_visit_file_with_any_bad_row_writes_nothing_and_names_every_cell(
    tmp_path, district, instructor
):
    firm = org(A, "东城企业")
    resident = testing.user(Role.COMMUNITY_WORKER, district["community_a"])
    west = testing.user(Role.PARTY_INSTRUCTOR, district["street_b"], name="西城指导员")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    p = instructor.phone
    rows = [
        VISIT_HEADER,
        [firm.credit_code, "", p, "2024-03-15", "好的一行", 1, ""],
        [firm.credit_code, "", p, tomorrow, "未来", 1, ""],
        [firm.credit_code, "", p, "2024-03-15", "   ", 1, ""],
        [firm.credit_code, "", p, "2024-03-15", "轮次", 0, ""],
        [firm.credit_code, "", resident.phone, "2024-03-15", "不是指导员", 1, ""],
        [firm.credit_code, "", west.phone, "2024-03-15", "别的街道的指导员", 1, ""],
        [firm.credit_code, "", "13999999999", "2024-03-15", "没有这个人", 1, ""],
        [firm.credit_code, "", p, "", "没有日期", 1, ""],
        [firm.credit_code, "", p, "2024-03-15", "好的一行", 1, ""],
        [firm.credit_code, "", p, "2024-03-15", "主" * 201, 1, ""],
    ]
    result = import_file("visits", write_xlsx(tmp_path / "v.xlsx", rows), actor=None)
    assert errors(result) == [
        (3, "走访日期", "走访日期不能晚于今天"),
        (4, "主题", "主题不能为空"),
        (5, "轮次", "轮次应为正整数"),
        (6, "指导员手机号", f"{resident.phone} 不是该单位所在区划的党建指导员"),
        (7, "指导员手机号", f"{west.phone} 不是该单位所在区划的党建指导员"),
        (8, "指导员手机号", "13999999999 不是该单位所在区划的党建指导员"),
        (9, "走访日期", "走访日期不能为空"),
        (10, "主题", "与第2行是同一次走访"),
        (11, "主题", "不能超过200个字"),
    ]
    assert result.error_workbook
    assert not GuidanceVisit.objects.exists() and not imported(Verb.VISIT_RECORDED)


def test_a_visit_outside_the_importers_scope_is_refused(
    tmp_path, district, instructor, street_b_staff
):
    theirs = org(A, "东城企业")
    rows = [VISIT_HEADER, [theirs.credit_code, "", instructor.phone, "2024-03-15", "走访", 1]]
    result = import_file("visits", write_xlsx(tmp_path / "v.xlsx", rows), actor=street_b_staff)
    assert errors(result) == [
        (2, "单位信用代码", f"单位 {theirs.credit_code} 未登记或不在您的工作范围内")
    ]
    assert not GuidanceVisit.objects.exists()


def test_the_cli_imports_visits(tmp_path, district, instructor, street_a_staff, capsys):
    from shegong import cli

    firm = org(A, "东城企业")
    row = [firm.credit_code, "", instructor.phone, "2024-03-15", "走访"]
    good = write_xlsx(tmp_path / "v.xlsx", [VISIT_HEADER, row])
    as_a = ["--as", street_a_staff.phone]
    assert cli.main(["shegong", "import", "visits", str(good), "--dry-run", *as_a]) == 0
    assert "试运行" in capsys.readouterr().out and not GuidanceVisit.objects.exists()
    assert cli.main(["shegong", "import", "visits", str(good), *as_a]) == 0
    assert "新增 1" in capsys.readouterr().out and GuidanceVisit.objects.count() == 1
    bad = write_xlsx(tmp_path / "bad.xlsx", [VISIT_HEADER, row[:4]])
    assert cli.main(["shegong", "import", "visits", str(bad), *as_a]) == 1
    assert "第2行「主题」：主题不能为空" in capsys.readouterr().err


def test_the_wizard_offers_both_tables(client, street_a_staff):
    from django.urls import reverse

    client.force_login(street_a_staff)
    page = client.get(reverse("ledger:import")).content.decode()
    assert '<option value="coverage">党建覆盖</option>' in page
    assert '<option value="visits">指导走访</option>' in page
