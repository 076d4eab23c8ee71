"""The supervisor board (督办与三率) and its Excel export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports.actions.reports import resolve_report, respond_report, submit_report
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

BOARD = reverse("reports:board")
EXPORT = reverse("reports:metrics_export")


def submit(actor, category, point=testing.POINT_A):
    return submit_report(
        actor=actor, category=category, description="路面塌陷", lat=point[0], lon=point[1]
    )


@pytest.fixture
def cases(district, rider, category, handler, department_b, other_handler):
    """城管局: one case answered, one overdue unanswered; 市场监管局: one answered."""
    food = testing.report_category("food", "食品安全", group="民生诉求")
    testing.routing_rule(food, district["district"], department_b)
    answered = submit(rider, category)
    respond_report(answered, actor=handler)
    overdue = submit(rider, category, testing.POINT_B)
    Report.objects.filter(pk=overdue.pk).update(
        response_due_at=timezone.now() - timedelta(hours=1), escalation_level=1
    )
    other = submit(rider, food)
    respond_report(other, actor=other_handler)
    return {"answered": answered, "overdue": overdue, "other": other}


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_the_board_shows_the_three_rates_per_department_and_the_overdue_list(
    client, dispatcher, cases
):
    client.force_login(dispatcher)
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rate-response"' in html and "66.7%" in html  # 2 of 3 due answered
    departments = table(html, "department-table")
    assert "城管局" in departments and "市场监管局" in departments
    overdue = table(html, "overdue-table")
    assert cases["overdue"].number in overdue and "1级督办" in overdue
    assert reverse("reports:detail", args=[cases["overdue"].pk]) in overdue
    assert cases["answered"].number not in overdue
    assert "echarts.common.min.js" in html
    assert "board-chart-data" in html


def test_a_department_supervisor_sees_only_their_departments_numbers(client, supervisor, cases):
    client.force_login(supervisor)
    html = client.get(BOARD).content.decode()
    departments = table(html, "department-table")
    assert "城管局" in departments
    assert "市场监管局" not in departments
    assert "食品安全" not in html
    assert 'id="rate-response">50.0%' in html  # 城管局: 1 of 2 due answered


def test_a_street_sees_only_its_streets_cases(client, street_a_staff, cases):
    client.force_login(street_a_staff)
    html = client.get(BOARD).content.decode()
    streets = table(html, "street-table")
    assert "东城街道" in streets and "西城街道" not in streets
    assert cases["overdue"].number not in html  # the overdue case is in street B


@pytest.mark.parametrize("persona", ["handler", "rider", "community_a_worker"])
def test_the_board_is_refused_without_the_supervise_permission(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(BOARD).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_last_month_and_a_custom_period_are_chosen_with_the_form(client, dispatcher, cases):
    client.force_login(dispatcher)
    response = client.get(BOARD, {"period": "last_month"})
    assert response.status_code == 200
    assert response.context["total"].cases == 0
    today = timezone.localdate()
    response = client.get(
        BOARD, {"period": "custom", "start": (today - timedelta(days=3)).isoformat(),
                "end": today.isoformat()},
    )  # fmt: skip
    assert response.context["total"].cases == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "start": "2026-03-01"}, "自定义期间请填写结束日期"),
        ({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}, "结束日期不能早于"),
        ({"period": "custom", "start": "2026-13-01", "end": "2026-03-01"}, "日期格式应为"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-03-01"}, "不能超过3年"),
        ({"period": "forever"}, "forever"),
    ],
)
def test_a_bad_period_is_a_422_with_a_clear_message(client, dispatcher, params, message):
    client.force_login(dispatcher)
    response = client.get(BOARD, params)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_an_export_with_a_bad_period_is_a_422_and_nothing_is_exported(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get(EXPORT, {"period": "custom", "start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not AuditEvent.objects.filter(verb=Verb.REPORTS_EXPORTED).exists()


def test_the_department_table_exports_to_excel_and_is_audited(client, dispatcher, cases):
    client.force_login(dispatcher)
    response = client.get(EXPORT, {"period": "this_month"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "部门" and "响应率" in header and "满意率" in header
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"城管局", "市场监管局", "合计"}
    assert by_name["城管局"][header.index("应响应")] == 2
    assert by_name["合计"][header.index("上报")] == 3
    event = AuditEvent.objects.get(verb=Verb.REPORTS_EXPORTED)
    assert event.data["list"] == "metrics_by_department" and event.data["rows"] == 3


def test_the_board_runs_the_same_queries_however_many_cases(client, dispatcher, cases, rider):
    client.force_login(dispatcher)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BOARD).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(5):
        submit(rider, cases["answered"].category)
    assert queries() == before <= 15


def test_a_case_the_department_resolved_counts_as_resolved_not_as_closed(
    client, dispatcher, rider, category, handler
):
    """已办理 (the department reported the work done) is not 已办结 (closed): the board names
    the first 已办理, and 已办结 (closed) stays 0 until the case is closed (issue 13, part 4)."""
    case = submit(rider, category)
    resolve_report(case, actor=handler, result="已修复")
    client.force_login(dispatcher)
    response = client.get(BOARD)
    html = response.content.decode()
    assert response.context["total"].resolved == 1 and response.context["total"].closed == 0
    assert 'id="resolved-count">已办理 1</span>' in html
    assert "已办结 1" not in html
    export = client.get(EXPORT, {"period": "this_month"})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    header, total = rows[0], rows[-1]
    assert total[header.index("已办理")] == 1 and total[header.index("已办结")] == 0
