"""The department workbench (queue): scope, filters, countdowns, export, bulk transfer.

Personas: ``handler`` (城管局), ``other_handler`` (市场监管局), ``dispatcher`` (区指挥中心),
``street_a_staff`` and the outsider ``street_b_staff``.
"""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports.actions.reports import reject_report, submit_report, transfer_report
from shegong.reports.choices import Status
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

QUEUE = reverse("reports:queue")


def submit(actor, category, point=testing.POINT_A, **kwargs):
    kwargs.setdefault("description", "人行道地砖松动，老人容易绊倒")
    return submit_report(actor=actor, category=category, lat=point[0], lon=point[1], **kwargs)


def jpeg(name="现场.jpg", colour=(30, 120, 200)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def market_category(district, department_b):
    category = testing.report_category("food-safety", "食品安全", group="民生诉求")
    testing.routing_rule(category, district["district"], department_b)
    return category


# --- scope ----------------------------------------------------------------------------------------


def test_a_handler_sees_their_departments_queue_and_not_another_departments_case(
    client, handler, rider, category, market_category
):
    ours = submit(rider, category, description="井盖缺失")
    theirs = submit(rider, market_category, description="路边摊售卖过期食品")
    client.force_login(handler)
    body = client.get(QUEUE).content.decode()
    assert ours.number in body and "井盖缺失" in body
    assert theirs.number not in body and "过期食品" not in body

    assert client.get(reverse("reports:detail", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("reports:act", args=[theirs.pk, "respond"]), {})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.TRANSFERRED and theirs.responded_at is None


def test_an_outsider_street_gets_404_for_a_street_a_case(client, street_b_staff, rider, category):
    report = submit(rider, category, photos=[jpeg()])
    client.force_login(street_b_staff)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    photo = reverse("reports:photo", args=[report.pk, "report", 0, "full"])
    assert client.get(photo).status_code == 404
    assert client.post(reverse("reports:act", args=[report.pk, "verify"])).status_code == 404
    assert report.number not in client.get(QUEUE).content.decode()


def test_street_staff_see_every_case_of_their_street_but_may_not_dispatch(
    client, street_a_staff, rider, category, unrouted_category
):
    routed = submit(rider, category)
    waiting = submit(rider, unrouted_category)
    client.force_login(street_a_staff)
    body = client.get(QUEUE).content.decode()
    assert routed.number in body and waiting.number in body
    assert 'name="ids"' not in body  # no bulk transfer without the dispatch permission
    assert client.get(reverse("reports:dispatch")).status_code == 403


def test_a_resident_may_not_open_the_queue(client, resident):
    client.force_login(resident)
    assert client.get(QUEUE).status_code == 403


# --- the queue's order, countdowns and filters ----------------------------------------------------


def test_the_queue_is_sorted_by_deadline_with_a_countdown(
    client, handler, rider, category, settings
):
    later = submit(rider, category, description="较晚期限")
    sooner = submit(rider, category, description="较早期限")
    Report.objects.filter(pk=sooner.pk).update(response_due_at=timezone.now() + timedelta(hours=2))
    client.force_login(handler)
    body = client.get(QUEUE).content.decode()
    assert body.index("较早期限") < body.index("较晚期限")
    assert 'data-deadline="' in body
    assert '响应 <span class="sg-countdown-text">剩余 1小时59分' in body
    assert "text-warning-emphasis" in body  # under 4 hours: amber
    assert later.number in body


def test_an_overdue_case_is_red_and_found_by_the_overdue_filter(client, handler, rider, category):
    late = submit(rider, category, description="早已超时")
    submit(rider, category, description="尚未超时")
    Report.objects.filter(pk=late.pk).update(
        response_due_at=timezone.now() - timedelta(hours=3, minutes=5)
    )
    client.force_login(handler)
    body = client.get(QUEUE, {"overdue": "on"}).content.decode()
    assert "早已超时" in body and "尚未超时" not in body
    assert "超时 3小时5分" in body and "text-danger" in body


def test_the_queue_filters_by_number_status_and_department(
    client, dispatcher, rider, category, unrouted_category, department_a
):
    routed = submit(rider, category, description="路面塌陷")
    waiting = submit(rider, unrouted_category, description="噪音扰民")
    client.force_login(dispatcher)

    body = client.get(QUEUE, {"q": str(waiting.pk)}).content.decode()
    assert "噪音扰民" in body and "路面塌陷" not in body

    body = client.get(QUEUE, {"department": str(department_a.pk)}).content.decode()
    assert "路面塌陷" in body and "噪音扰民" not in body

    body = client.get(QUEUE, {"status": Status.SUBMITTED}).content.decode()
    assert "噪音扰民" in body and "路面塌陷" not in body

    # The tabs count per status over the other filters.
    response = client.get(QUEUE)
    tabs = {t["value"]: t["count"] for t in response.context["tabs"]}
    assert tabs[""] == 2 and tabs[Status.SUBMITTED] == 1 and tabs[Status.TRANSFERRED] == 1
    assert routed.number in response.content.decode()


def test_finished_cases_leave_the_working_queue_but_stay_under_all(
    client, dispatcher, rider, unrouted_category
):
    report = submit(rider, unrouted_category, description="已不予受理的问题")
    reject_report(report, actor=dispatcher, reason="invalid", note="信息不全")
    client.force_login(dispatcher)
    assert "已不予受理的问题" not in client.get(QUEUE).content.decode()
    assert "已不予受理的问题" in client.get(QUEUE, {"status": "all"}).content.decode()


def test_a_filter_outside_the_users_scope_is_refused_with_a_message(
    client, street_a_staff, district, rider, category
):
    submit(rider, category)
    client.force_login(street_a_staff)
    response = client.get(QUEUE, {"region": district["street_b"].code})
    body = response.content.decode()
    assert "所选项不在您的工作范围内" in body
    assert response.context["page"].paginator.count == 0


def test_a_reversed_date_range_is_refused(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get(QUEUE, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_filter_answers_htmx_with_the_results_only(client, handler, rider, category):
    submit(rider, category)
    client.force_login(handler)
    response = client.get(QUEUE, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "report-table" in body and "<html" not in body


def test_the_queue_page_costs_a_bounded_number_of_queries(
    client, dispatcher, rider, category, unrouted_category, django_assert_max_num_queries
):
    for i in range(10):
        submit(rider, category, description=f"路灯不亮 {i}")
        submit(rider, unrouted_category, description=f"占道经营 {i}")
    client.force_login(dispatcher)
    client.get(QUEUE)  # warm the session and the menu
    with django_assert_max_num_queries(16):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 20


# --- export ---------------------------------------------------------------------------------------


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_the_export_masks_the_reporter_and_is_audited(client, dispatcher, rider, category):
    report = submit(rider, category, description="导出测试工单")
    client.force_login(dispatcher)
    response = client.get(reverse("reports:export"), {"q": "导出测试"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    assert rows[0][0] == "工单编号" and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=False))
    assert row["工单编号"] == report.number and row["问题描述"] == "导出测试工单"
    assert row["上报人"] == str(rider) and "骑手小王" not in row["上报人"]
    assert rider.phone not in row["上报人"]
    entry = AuditEvent.objects.get(verb=Verb.REPORTS_EXPORTED)
    assert entry.actor == dispatcher and entry.data["rows"] == 1 and entry.data["masked"]


def test_an_anonymous_reporter_is_anonymous_in_a_departments_export(
    client, handler, rider, category
):
    submit(rider, category, anonymous=True)
    client.force_login(handler)
    rows = _sheet(client.get(reverse("reports:export")))
    assert rows[1][rows[0].index("上报人")] == "匿名"


def test_the_export_of_an_outsider_holds_nothing_of_street_a(
    client, street_b_staff, rider, category
):
    submit(rider, category)
    client.force_login(street_b_staff)
    assert len(_sheet(client.get(reverse("reports:export")))) == 1  # the header only


# --- bulk transfer --------------------------------------------------------------------------------


def test_a_bulk_transfer_goes_on_past_a_case_that_fails(
    client, dispatcher, rider, unrouted_category, department_a, department_b
):
    first = submit(rider, unrouted_category, description="一")
    second = submit(rider, unrouted_category, description="二")
    taken = submit(rider, unrouted_category, description="三")
    transfer_report(taken, actor=dispatcher, department=department_b)
    client.force_login(dispatcher)
    response = client.post(
        reverse("reports:bulk_transfer"),
        {"ids": [first.pk, taken.pk, second.pk], "department": department_a.pk,
         "next": QUEUE},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == QUEUE
    for report in (first, second):
        report.refresh_from_db()
        assert report.status == Status.TRANSFERRED and report.lead_department == department_a
    taken.refresh_from_db()
    assert taken.lead_department == department_b  # untouched
    [text] = message_texts(response)
    assert f"已派至城管局 2 件：{first.number}、{second.number}" in text
    assert f"1 件未派出：{taken.number}（当前状态为「已派单」" in text


def test_a_bulk_transfer_needs_a_department_and_the_dispatch_permission(
    client, dispatcher, handler, rider, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = client.post(reverse("reports:bulk_transfer"), {"ids": [report.pk]})
    assert message_texts(response) == ["请选择主办部门"]
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    client.force_login(handler)
    response = client.post(reverse("reports:bulk_transfer"), {"ids": [report.pk]})
    assert response.status_code == 403


def test_a_bulk_transfer_cannot_reach_a_case_outside_the_dispatchers_region(
    client, district, rider, unrouted_category, department_a
):
    from shegong.core.perms import Role

    street_desk = testing.user(Role.DISPATCHER, district["street_b"], name="西城派单员")
    report = submit(rider, unrouted_category)  # street A
    client.force_login(street_desk)
    response = client.post(
        reverse("reports:bulk_transfer"), {"ids": [report.pk], "department": department_a.pk}
    )
    assert "未找到该工单" in message_texts(response)[0]
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_the_open_tab_counts_exactly_the_cases_it_lists(
    client, handler, dispatcher, rider, category, department_b
):
    """A department's 在办 is what it holds now: a case it returned or lost to 改派 stays
    readable (全部, its status tab) but is neither listed nor counted under 在办 (issue 13,
    part 4: the department's "在办 4" listed 2 cases)."""
    from shegong.reports.actions.reports import reassign_report, return_report

    held = submit(rider, category)
    lost = submit(rider, category, testing.POINT_B)
    reassign_report(lost, actor=dispatcher, department=department_b, note="属市场监管")
    returned = submit(rider, category)
    return_report(returned, actor=handler, reason="不属于本部门")
    client.force_login(handler)
    response = client.get(QUEUE)
    tabs = {t["value"]: t["count"] for t in response.context["tabs"]}
    listed = {report.pk for report, _ in response.context["rows"]}
    assert listed == {held.pk}
    assert tabs[""] == 1 == response.context["page"].paginator.count
    assert tabs["all"] == 3
    html = response.content.decode()
    assert 'data-sg-count="1"' in html and 'data-sg-total="1"' in html
    response = client.get(QUEUE, {"status": "all"})
    assert response.context["page"].paginator.count == 3
