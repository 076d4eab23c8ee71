"""Excel exports for reporting upward (issue 13): 覆盖统计, 六清楚 and 回头看 progress. Each
workbook is opened with python-calamine; its headers are checked and its figures equal the
page's; each export is scoped and leaves one LEDGER_EXPORTED audit entry."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.actions.campaigns import complete_task, create_campaign
from shegong.ledger.choices import CoverageMode, OrgKind
from shegong.ledger.tests.test_rules import FULL, MASSES, PROBATIONARY, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(district):
    grid = district["grid_a"]
    return {
        "big": org(grid, name="东城大企业", staff=(FULL,) * 4, mode=CoverageMode.JOINT),
        "three": org(grid, name="东城三党员企业", staff=(FULL, FULL, FULL)),
        "two": org(grid, name="东城两党员企业", staff=(FULL, PROBATIONARY)),
        "none": org(grid, name="东城群众企业", staff=(MASSES,)),
        "building": org(grid, name="东城大厦", kind=OrgKind.BUILDING, staff=(FULL,)),
        "west": org(district["grid_b"], name="西城应建企业", staff=(FULL,) * 3),
    }


def sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def test_the_coverage_export_equals_the_page(client, street_a_staff, orgs):
    client.force_login(street_a_staff)
    page = client.get(reverse("ledger:coverage"))
    summary = page.context["summary"]
    assert 'id="coverage-export"' in page.content.decode()
    response = client.get(reverse("ledger:coverage"), {"format": "xlsx"})
    assert (
        "%E5%85%9A%E5%BB%BA%E8%A6%86%E7%9B%96%E7%BB%9F%E8%AE%A1"
        in (
            response["Content-Disposition"]  # 党建覆盖统计 (a Chinese file name)
        )
    )
    rows = sheet(response)
    header = rows[0]
    assert header[:4] == ["区划", "在营单位", "有党员", "≥3名正式党员"]
    counts_end = header.index("有党员未覆盖") + 1
    assert header[counts_end - 2 : counts_end] == ["应建未建", "有党员未覆盖"]
    # No rate over every kind: the rates come per group, each over its own units.
    assert "组织覆盖率（%）" not in header and "工作覆盖率（%）" not in header
    assert header[counts_end:] == [
        f"{group}{title}"
        for group in ("非公企业", "社会组织", "个体工商户")
        for title in (
            "在营单位", "组织覆盖（单独+联合组建）", "组织覆盖率（%）", "单独组建",
            "单独组建率（%）", "工作覆盖率（%）",
        )
    ]  # fmt: skip
    by_name = {row[0]: [number(v) for v in row] for row in rows[1:]}
    for row in summary.rows:
        c = row.counts
        got = by_name[row.name]
        assert got[1:4] == [c.units, c.with_members, c.with_three_full]
        assert got[counts_end - 2 : counts_end] == [c.should_establish, c.members_uncovered]
    total = summary.total
    assert by_name["合计"][1] == total.units == 4  # street A only, the building counted apart
    assert by_name["合计"][header.index("应建未建")] == total.should_establish == 2
    # 非公企业: 4 enterprises, one joint branch: 1 ÷ 4; no 社会组织 at all.
    got = by_name["合计"]
    assert got[header.index("非公企业在营单位")] == 4
    assert got[header.index("非公企业组织覆盖率（%）")] == pytest.approx(25.0)
    assert (
        got[header.index("非公企业组织覆盖率（%）")]
        == summary.groups["non_public"].organization_rate
    )
    assert got[header.index("非公企业单独组建率（%）")] == 0
    assert got[header.index("社会组织组织覆盖率（%）")] == "—"
    # A kind's row has counts only: its rates are its group's.
    kind_row = by_name["其中：非公企业"]
    assert kind_row[1] == 4 and kind_row[header.index("非公企业组织覆盖率（%）")] == ""
    assert "西城应建企业" not in str(rows)
    event = AuditEvent.objects.get(verb=Verb.LEDGER_EXPORTED)
    assert event.data["table"] == "coverage" and event.actor == street_a_staff


def test_the_completeness_export_equals_the_page(client, street_a_staff, orgs, street_b_staff):
    client.force_login(street_a_staff)
    page = client.get(reverse("ledger:completeness"), {"score": "incomplete"})
    shown = [(o.name, c.score) for o, c in page.context["rows"]]
    assert 'id="completeness-export"' in page.content.decode()
    rows = sheet(
        client.get(reverse("ledger:completeness"), {"score": "incomplete", "format": "xlsx"})
    )
    assert rows[0][:6] == ["单位", "统一社会信用代码", "类型", "街道", "社区/网格", "得分"]
    assert rows[0][6:12] == [
        "企业基本情况",
        "出资人/负责人",
        "经营管理人员",
        "职工队伍",
        "党员情况",
        "党组织建设",
    ]
    assert [(r[0], number(r[5])) for r in rows[1:]] == shown
    assert all(r[3] == "东城街道" for r in rows[1:])
    assert "西城应建企业" not in str(rows)
    event = AuditEvent.objects.get(verb=Verb.LEDGER_EXPORTED)
    assert event.data["table"] == "completeness" and event.data["rows"] == len(shown)
    assert event.data["filters"] == {"score": "incomplete"}
    client.force_login(street_b_staff)
    west = sheet(client.get(reverse("ledger:completeness"), {"format": "xlsx"}))
    assert [r[0] for r in west[1:]] == ["西城应建企业"]


def test_the_campaign_progress_export_equals_the_page(
    client, street_a_staff, street_b_staff, orgs, district
):
    campaign = create_campaign(
        actor=street_a_staff, name="东城回头看", region=district["street_a"], criteria={},
        due_on=timezone.localdate() + timedelta(days=5), assignee=street_a_staff,
    )  # fmt: skip
    first = campaign.tasks.order_by("pk").first()
    complete_task(first, actor=street_a_staff, outcome="verified")
    client.force_login(street_a_staff)
    url = reverse("ledger:campaign", args=[campaign.pk])
    page = client.get(url)
    assert 'id="progress-export"' in page.content.decode()
    total = page.context["total"]
    street = page.context["by_street"][0]
    rows = sheet(client.get(url, {"format": "xlsx"}))
    assert rows[0][:6] == ["分组", "街道/核查人", "任务", "已完成", "完成率（%）", "逾期"]
    assert rows[0][6:] == ["核实无误", "已更新", "已关停", "已迁出"]
    lines = {(r[0], r[1]): [number(v) for v in r[2:6]] for r in rows[1:]}
    assert lines[("按街道", "东城街道")] == [
        street.total,
        street.done,
        street.percent,
        street.overdue,
    ]
    assert lines[("合计", "合计")] == [total.total, total.done, total.percent, total.overdue]
    assert total.total == 5 and total.done == 1
    event = AuditEvent.objects.get(verb=Verb.LEDGER_EXPORTED)
    assert event.data["table"] == "campaign_progress" and event.target_id == str(campaign.pk)
    client.force_login(street_b_staff)
    assert client.get(url, {"format": "xlsx"}).status_code == 404
