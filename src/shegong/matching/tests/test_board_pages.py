"""The dispatch board, the order page and its buttons, the unmet list, the order list and its
export, 代为点单 and 随手拍转服务需求 — through the Django test client, as the roles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.actions import orders
from shegong.matching.choices import AssignmentOutcome, OrderStatus
from shegong.matching.models import Assignment, Order


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="陪诊志愿者")


@pytest.fixture
def offer(district, helper_user):
    return testing.match_offer(
        district["community_a"], "medical", helper=helper_user, name="陪诊志愿者",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


@pytest.fixture
def elder(district):
    return Person.objects.create(
        name="张秀英", id_number=testing.id_number("19400101"), region=district["community_a"]
    )


@pytest.fixture
def order(district, community_a_worker, elder):
    return testing.match_order(
        community_a_worker, district["community_a"], "medical", beneficiary=elder.pk,
        description="陪同去医院复查", address="东关社区幸福路18号3单元",
        contact_phone="13812345678",
    )  # fmt: skip


def _registrar(district):
    return testing.user(Role.REGISTRAR, district["community_a"], name="登记员")


# --- the board ----------------------------------------------------------------------------------


def test_board_tabs_count_and_list_with_masked_beneficiary(client, community_a_worker, order):
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:board")).content.decode()
    assert order.number in page
    assert 'data-tab="review"' in page and 'data-sg-count="1"' in page
    assert "张秀英" not in page and "张**" in page
    assert "已等待" in page
    # another tab is empty, with its empty state
    page = client.get(reverse("matching:board") + "?tab=pool").content.decode()
    assert order.number not in page and "「抢单池」暂无订单" in page


def test_board_filters_by_category_and_community(client, community_a_worker, order):
    client.force_login(community_a_worker)
    other = order.category.pk + 1
    page = client.get(reverse("matching:board") + f"?category={other}").content.decode()
    assert order.number not in page
    page = client.get(
        reverse("matching:board") + f"?community={order.region_id}&urgency=normal"
    ).content.decode()
    assert order.number in page


def test_board_clock_is_red_past_the_acceptance_deadline(client, community_a_worker, order, offer):
    orders.approve(order, community_a_worker)
    orders.dispatch(order, offer, community_a_worker)
    Order.objects.filter(pk=order.pk).update(accept_deadline=timezone.now() - timedelta(minutes=30))
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:board") + "?tab=dispatched").content.decode()
    assert 'data-overdue="1"' in page and "已超时" in page


def test_board_is_403_without_the_permission(client, district):
    client.force_login(_registrar(district))
    assert client.get(reverse("matching:board")).status_code == 403
    assert client.get(reverse("matching:unmet")).status_code == 403
    assert client.get(reverse("matching:orders")).status_code == 403


def test_street_b_sees_nothing_and_gets_404_on_the_order(client, street_b_staff, order):
    client.force_login(street_b_staff)
    assert order.number not in client.get(reverse("matching:board")).content.decode()
    assert client.get(reverse("matching:order", args=[order.pk])).status_code == 404
    response = client.post(reverse("matching:order_act", args=[order.pk, "approve"]))
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.REVIEW


# --- the order page -----------------------------------------------------------------------------


def test_detail_explains_candidates_and_dispatches_the_top_one(
    client, community_a_worker, order, offer
):
    client.force_login(community_a_worker)
    response = client.post(reverse("matching:order_act", args=[order.pk, "approve"]))
    assert response.status_code == 302
    page = client.get(reverse("matching:order", args=[order.pk])).content.decode()
    assert "陪诊志愿者：陪诊志愿者的服务" in page
    for label in ("技能", "距离", "时间", "负荷", "评价", "轮换"):
        assert f"<td>{label}</td>" in page
    response = client.post(
        reverse("matching:order_act", args=[order.pk, "dispatch"]), {"offer": offer.pk}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED and order.offer_id == offer.pk
    page = client.get(reverse("matching:order", args=[order.pk])).content.decode()
    assert "待接单" in page and "派单人 东关社工" in page


def test_refuse_needs_a_reason_shown_on_the_page(client, community_a_worker, order):
    client.force_login(community_a_worker)
    url = reverse("matching:order_act", args=[order.pk, "refuse"])
    response = client.post(url, {"refuse-reason": ""})
    assert response.status_code == 422
    assert "不予受理未成功" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.REVIEW
    assert client.post(url, {"refuse-reason": "不属于本社区服务范围"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refused_reason) == (OrderStatus.REFUSED, "不属于本社区服务范围")


def test_a_rule_broken_in_the_action_is_shown_with_its_status(client, community_a_worker, order):
    client.force_login(community_a_worker)
    client.post(reverse("matching:order_act", args=[order.pk, "approve"]))
    response = client.post(reverse("matching:order_act", args=[order.pk, "approve"]))
    assert response.status_code == 409
    assert "不在待审核状态" in response.content.decode()


def test_pool_reassign_cancel_and_rate(client, community_a_worker, order, offer, helper_user):
    client.force_login(community_a_worker)
    act = lambda verb, **data: client.post(  # noqa: E731
        reverse("matching:order_act", args=[order.pk, verb]), data
    )
    assert act("pool").status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.POOL
    assert act("reassign", **{"reassign-reason": "抢单池无人响应"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING and order.unmet_reason.startswith("改派")
    orders.dispatch(order, offer, community_a_worker)
    orders.accept(order, helper_user)
    orders.complete(order, helper_user, note="已陪同复查", hours="2")
    response = act("rate", **{"rate-stars": "2", "rate-comment": ""})
    assert response.status_code == 422 and "请填写评价" in response.content.decode()
    response = act(
        "rate", **{"rate-stars": "4", "rate-comment": "老人满意", "rate-closing_note": "结项"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.stars, order.rated_as) == (OrderStatus.RATED, 4, "staff")
    assert order.closing_note == "结项"


def test_cancel_with_reason(client, community_a_worker, order):
    client.force_login(community_a_worker)
    url = reverse("matching:order_act", args=[order.pk, "cancel"])
    assert client.post(url, {"cancel-reason": "家属已自行安排"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_unknown_verb_is_404(client, community_a_worker, order):
    client.force_login(community_a_worker)
    assert client.post(reverse("matching:order_act", args=[order.pk, "explode"])).status_code == 404


def test_reveal_needs_pii_reveal_and_is_audited(client, district, community_a_worker, order):
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:order", args=[order.pk])).content.decode()
    assert "张秀英" not in page and "13812345678" not in page and "幸福路18号" not in page
    assert client.post(reverse("matching:order_reveal", args=[order.pk])).status_code == 403
    staff = testing.user(Role.STREET_STAFF, district["street_a"], name="东城干部")
    client.force_login(staff)
    page = client.get(reverse("matching:order", args=[order.pk])).content.decode()
    assert 'id="reveal"' in page
    response = client.post(reverse("matching:order_reveal", args=[order.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "张秀英" in body and "13812345678" in body and "东关社区幸福路18号3单元" in body
    fields = set(
        AuditEvent.objects.filter(verb=Verb.PII_REVEALED, actor=staff).values_list(
            "data__field", flat=True
        )
    )
    assert fields == {"address", "contact_phone", "name"}


# --- the unmet list -----------------------------------------------------------------------------


def test_unmet_lists_waiting_orders_with_reason_days_and_category_counts(
    client, community_a_worker, order
):
    orders.approve(order, community_a_worker)
    Order.objects.filter(pk=order.pk).update(
        waiting_since=timezone.now() - timedelta(days=4), unmet_reason="暂无符合条件的服务方"
    )
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:unmet")).content.decode()
    assert order.number in page and "暂无符合条件的服务方" in page
    assert '<td class="text-end text-danger fw-semibold">4</td>' in page
    assert "助医陪诊" in page and 'data-sg-count="1"' in page


# --- the order list and its export --------------------------------------------------------------


def test_order_list_filters_and_export_is_masked_and_audited(client, community_a_worker, order):
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:orders") + "?status=review&channel=staff").content
    assert order.number in page.decode()
    page = client.get(reverse("matching:orders") + "?status=done").content
    assert order.number not in page.decode()
    bad = client.get(reverse("matching:orders") + "?date_from=2026-05-02&date_to=2026-05-01")
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    response = client.get(reverse("matching:orders_export") + "?status=review")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    text = repr(rows)
    assert order.number in text and "张秀英" not in text
    event = AuditEvent.objects.get(verb=Verb.ORDERS_EXPORTED)
    assert event.data["masked"] is True and event.data["filters"] == {"status": "review"}


# --- 代为点单 and 随手拍转服务需求 ------------------------------------------------------------


def _form(district, category_code="medical", **extra):
    from shegong.matching.models import Category

    start = timezone.localtime() + timedelta(hours=3)
    return {
        "region": district["community_a"].code,
        "category": Category.objects.get(code=category_code).pk,
        "description": "行动不便，需要陪同就医",
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "address": "东关社区幸福路18号",
        **extra,
    }


def test_staff_places_an_order_for_a_person_found_by_name(
    client, district, community_a_worker, elder
):
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:order_new") + "?q=张秀").content.decode()
    assert "找到 1 人" in page and "张**" in page and "张秀英" not in page
    response = client.post(
        reverse("matching:order_new") + "?q=张秀", _form(district, beneficiary=elder.pk)
    )
    assert response.status_code == 302
    placed = Order.objects.get()
    assert (placed.channel, placed.beneficiary_id, placed.status) == (
        "staff",
        elder.pk,
        OrderStatus.REVIEW,
    )


def test_staff_order_bad_input_is_shown_and_nothing_written(
    client, district, community_a_worker, elder
):
    client.force_login(community_a_worker)
    past = timezone.localtime() - timedelta(days=1)
    response = client.post(
        reverse("matching:order_new") + "?q=张秀",
        _form(district, beneficiary=elder.pk, window_start=past.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 422
    assert "期望服务时间不能早于现在" in response.content.decode()
    response = client.post(reverse("matching:order_new"), _form(district))
    assert response.status_code == 422
    assert "代为点单须选择服务对象" in response.content.decode()
    assert not Order.objects.exists()


def test_a_person_out_of_scope_cannot_be_picked(client, district, community_a_worker):
    outsider = Person.objects.create(
        name="西城老人", id_number=testing.id_number("19450101"), region=district["community_b"]
    )
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:order_new") + "?q=西城").content.decode()
    assert "找到 0 人" in page
    response = client.post(reverse("matching:order_new"), _form(district, beneficiary=outsider.pk))
    assert response.status_code == 422 and not Order.objects.exists()


def test_report_turned_into_a_service_need(client, district, community_a_worker, resident):
    from shegong.reports.actions import reports as report_actions

    category = testing.report_category()
    report = report_actions.submit_report(
        actor=resident, category=category, description="楼道里有位老人摔倒后行动不便",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], address="东关社区幸福路20号",
    )  # fmt: skip
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:order_new") + f"?report={report.number}").content.decode()
    assert "随手拍转服务需求" in page and "楼道里有位老人摔倒后行动不便" in page
    data = _form(district, report=report.pk, description="楼道里有位老人摔倒后行动不便")
    response = client.post(reverse("matching:order_new") + f"?report={report.number}", data)
    assert response.status_code == 302, response.content.decode()
    placed = Order.objects.get()
    assert (placed.channel, placed.source_report_id) == ("report", report.pk)


def test_a_report_out_of_scope_is_not_found(client, district, street_b_staff, resident):
    from shegong.reports.actions import reports as report_actions

    report = report_actions.submit_report(
        actor=resident, category=testing.report_category(), description="东城的事",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    client.force_login(street_b_staff)
    page = client.get(reverse("matching:order_new") + f"?report={report.number}").content.decode()
    assert "未找到该随手拍工单" in page and "东城的事" not in page


def test_order_new_is_403_for_a_viewer_without_manage(client, district):
    client.force_login(_registrar(district))
    assert client.get(reverse("matching:order_new")).status_code == 403


def test_assignment_timeline_shows_outcome_and_reason(
    client, community_a_worker, order, offer, helper_user
):
    orders.approve(order, community_a_worker)
    orders.dispatch(order, offer, community_a_worker)
    orders.decline(order, helper_user, "今天要值班")
    assert Assignment.objects.get().outcome == AssignmentOutcome.DECLINED
    client.force_login(community_a_worker)
    page = client.get(reverse("matching:order", args=[order.pk])).content.decode()
    assert "已婉拒" in page and "原因：今天要值班" in page
