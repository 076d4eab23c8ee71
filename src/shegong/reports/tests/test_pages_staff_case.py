"""The case page: what it shows to whom, and every staff action through one POST per verb."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong.core.models import AuditEvent
from shegong.reports.actions.reports import add_assist, add_note, resolve_report, verify_report
from shegong.reports.choices import EventKind, Status
from shegong.reports.models import Report, ResponseTemplate

from .test_pages_staff import jpeg, message_texts, submit

pytestmark = pytest.mark.django_db


def act(client, report, verb, data=None, **extra):
    prefixed = {f"{verb}-{k}" if k != "next" else k: v for k, v in (data or {}).items()}
    return client.post(reverse("reports:act", args=[report.pk, verb]), prefixed, **extra)


def detail(client, report):
    return client.get(reverse("reports:detail", args=[report.pk]))


def event_kinds(report):
    return list(report.events.order_by("at", "id").values_list("kind", flat=True))


# --- what the page shows --------------------------------------------------------------------------


def test_the_case_page_shows_the_case_clock_answers_photos_and_full_timeline(
    client, dispatcher, rider, category
):
    category.attributes = [
        {"code": "size", "datatype": "singlevaluelist", "description": "破损面积",
         "values": [{"key": "small", "name": "小于1平方米"}, {"key": "big", "name": "更大"}]},
    ]  # fmt: skip
    category.save()
    report = submit(
        rider, category, address="东关路12号", attributes={"size": "small"}, photos=[jpeg()]
    )
    add_note(report, actor=dispatcher, note="已电话联系城管中队", public=False)
    client.force_login(dispatcher)
    response = detail(client, report)
    body = response.content.decode()
    assert response.status_code == 200
    assert "东关路12号" in body and "安徽省阜阳市示范区东城街道东关社区第一网格" in body
    assert "32.870000, 115.750000" in body
    assert "破损面积" in body and "小于1平方米" in body
    assert str(rider) in body and "骑手小王" not in body  # masked
    assert "已电话联系城管中队" in body and "内部" in body  # non-public events too
    assert 'data-deadline="' in body
    thumb = reverse("reports:photo", args=[report.pk, "report", 0, "thumb"])
    assert thumb in body
    image = client.get(thumb)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert (
        client.get(reverse("reports:photo", args=[report.pk, "report", 1, "full"])).status_code
        == 404
    )


def test_a_department_sees_an_anonymous_reporter_as_anonymous(
    client, handler, dispatcher, rider, category
):
    report = submit(rider, category, anonymous=True)
    client.force_login(handler)
    body = detail(client, report).content.decode()
    assert str(rider) not in body and "匿名" in body
    client.force_login(dispatcher)
    assert str(rider) in detail(client, report).content.decode()


def test_each_user_sees_only_the_actions_that_apply_to_them(
    client, handler, dispatcher, other_handler, rider, category, department_b
):
    report = submit(rider, category)
    add_assist(report, actor=dispatcher, department=department_b)
    client.force_login(handler)
    verbs = [v for v, *_ in detail(client, report).context["action_forms"]]
    assert verbs == ["respond", "resolve", "return", "note"]

    client.force_login(dispatcher)
    verbs = [v for v, *_ in detail(client, report).context["action_forms"]]
    assert verbs == ["reassign", "assist", "merge", "note", "hide", "public_text"]

    client.force_login(other_handler)  # assisting: may add notes only
    verbs = [v for v, *_ in detail(client, report).context["action_forms"]]
    assert verbs == ["note"]


# --- the dispatch desk's verbs --------------------------------------------------------------------


def test_a_dispatcher_accepts_then_transfers_with_assisting_departments(
    client, dispatcher, rider, unrouted_category, department_a, department_b
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = act(client, report, "accept", {"note": "已核实现场"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED

    response = act(
        client, report, "transfer",
        {"department": department_a.pk, "assisting": [department_b.pk], "note": "请尽快处置"},
    )  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED and report.lead_department == department_a
    roles = dict(report.assignments.values_list("department__code", "role"))
    assert roles == {"cgj": "lead", "scjgj": "assist"}
    assert message_texts(response)[-1] == f"工单 {report.number} 已派至城管局"


def test_a_transfer_without_a_department_is_a_field_error_and_changes_nothing(
    client, dispatcher, rider, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = act(client, report, "transfer", {"note": "缺部门"})
    assert response.status_code == 422
    assert "请选择主办部门" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_a_dispatcher_rejects_with_a_reason_the_reporter_sees(
    client, dispatcher, rider, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = act(client, report, "reject", {"reason": "not_ours", "note": "请拨打12345"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REJECTED and report.reject_reason == "not_ours"
    last = report.events.order_by("-id").first()
    assert last.public and last.note == "不属于受理范围：请拨打12345"


def test_a_rejection_without_an_explanation_is_refused_beside_the_field(
    client, dispatcher, rider, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    response = act(client, report, "reject", {"reason": "invalid", "note": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "请填写向上报人说明的理由" in body and "is-invalid" in body
    assert response.context["open_verb"] == "reject"
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_a_dispatcher_merges_a_duplicate_into_a_case_by_its_number(
    client, dispatcher, rider, resident, unrouted_category
):
    original = submit(rider, unrouted_category)
    duplicate = submit(resident, unrouted_category)
    client.force_login(dispatcher)
    response = act(client, duplicate, "merge", {"into": original.number})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    assert original.followers.filter(user=resident).exists()
    body = detail(client, original).content.decode()
    assert duplicate.number in body  # listed as merged into this case


def test_merging_into_an_unknown_number_is_a_field_error(
    client, dispatcher, rider, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    for value, message in (("99999999", "未找到工单 99999999"), ("abc", "工单编号应为数字")):
        response = act(client, report, "merge", {"into": value})
        assert response.status_code == 422
        assert message in response.content.decode()
    response = act(client, report, "merge", {"into": report.number})
    assert response.status_code == 422 and "不能与自身并单" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_a_dispatcher_reassigns_and_adds_an_assisting_department(
    client, dispatcher, rider, category, department_a, department_b, district
):
    from shegong.accounts.models import Department

    third = Department.objects.create(code="zjj", name="住建局", region=district["district"])
    report = submit(rider, category)
    client.force_login(dispatcher)
    response = act(
        client, report, "reassign", {"department": department_b.pk, "note": "属食品安全"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.lead_department == department_b and report.status == Status.TRANSFERRED
    response = act(client, report, "assist", {"department": third.pk})
    assert response.status_code == 302
    assert report.assignments.filter(department=third, active=True, role="assist").exists()


# --- the department's verbs -----------------------------------------------------------------------


def test_a_handler_responds_with_a_reply_template(client, handler, rider, category):
    ResponseTemplate.objects.create(
        category=category, status=Status.RESPONDED, title="已安排",
        text="{{ department }}已收到工单{{ number }}，正在安排人员处置",
    )  # fmt: skip
    report = submit(rider, category)
    client.force_login(handler)
    page = detail(client, report)
    assert "已安排" in page.content.decode()
    template = ResponseTemplate.objects.get()
    response = act(client, report, "respond", {"template": template.pk, "note": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.responded_at is not None
    event = report.events.get(kind=EventKind.RESPONDED)
    assert event.note == f"城管局已收到工单{report.number}，正在安排人员处置"
    assert event.actor_label == "城管局"


def test_a_handler_resolves_with_after_photos(client, handler, rider, category):
    report = submit(rider, category)
    client.force_login(handler)
    response = act(
        client, report, "resolve",
        {"result": "已更换松动地砖", "photos": [jpeg("后1.jpg"), jpeg("后2.png")]},
    )  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.result == "已更换松动地砖"
    assert len(report.result_photos) == 2
    full = client.get(reverse("reports:photo", args=[report.pk, "result", 1, "full"]))
    assert full.status_code == 200
    event = report.events.get(kind=EventKind.RESOLVED)
    body = detail(client, report).content.decode()
    assert reverse("reports:photo", args=[report.pk, f"e{event.pk}", 0, "thumb"]) in body


def test_a_resolution_with_a_fake_photo_or_no_result_is_refused(client, handler, rider, category):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = submit(rider, category)
    client.force_login(handler)
    fake = SimpleUploadedFile("a.jpg", b"MZ\x90\x00not a picture", content_type="image/jpeg")
    response = act(client, report, "resolve", {"result": "已处理", "photos": [fake]})
    assert response.status_code == 422
    assert "a.jpg" in response.content.decode()
    response = act(client, report, "resolve", {"result": ""})
    assert response.status_code == 422 and "请填写办理结果" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED and report.result_photos == []


def test_a_handler_returns_a_misrouted_case_to_the_dispatch_desk(
    client, handler, dispatcher, rider, category
):
    report = submit(rider, category)
    client.force_login(handler)
    response = act(client, report, "return", {"reason": "应由市场监管局处理"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.lead_department is None
    event = report.events.get(kind=EventKind.RETURNED)
    assert not event.public
    client.force_login(dispatcher)
    desk = client.get(reverse("reports:dispatch")).content.decode()
    assert "城管局退回：应由市场监管局处理" in desk


def test_a_wrong_step_shows_the_allowed_steps_and_changes_nothing(client, handler, rider, category):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=rider)
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    client.force_login(handler)
    before = (event_kinds(report), AuditEvent.objects.count())
    response = act(client, report, "resolve", {"result": "再次办理"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "当前状态为「已办结」，不能变更为「已办理」；允许的下一步：已重启" in body
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.result == "已修复"
    assert (event_kinds(report), AuditEvent.objects.count()) == before


def test_an_unknown_verb_is_not_found(client, dispatcher, rider, category):
    report = submit(rider, category)
    client.force_login(dispatcher)
    assert act(client, report, "delete").status_code == 404
    assert client.get(reverse("reports:act", args=[report.pk, "accept"])).status_code == 405


def test_a_handler_may_not_use_the_dispatch_desks_verbs(client, handler, rider, unrouted_category):
    report = submit(rider, unrouted_category)
    # Unrouted cases never reach a department, so the handler does not even see it.
    client.force_login(handler)
    assert act(client, report, "accept").status_code == 404


# --- verification, reopening, notes and moderation ------------------------------------------------


def test_street_staff_verify_and_the_desk_reopens_for_rework(
    client, street_a_staff, dispatcher, handler, rider, category
):
    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    client.force_login(street_a_staff)
    response = act(client, report, "verify", {"note": "网格员现场核实"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED

    client.force_login(dispatcher)
    response = act(client, report, "reopen", {"reason": "群众来电反映仍未修好"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.reopen_count == 1


def test_notes_are_internal_unless_marked_public(client, handler, rider, category):
    report = submit(rider, category)
    client.force_login(handler)
    act(client, report, "note", {"note": "需协调交警"})
    act(client, report, "note", {"note": "明日上午施工", "public": "on"})
    notes = list(report.events.filter(kind=EventKind.NOTE).values_list("note", "public"))
    assert notes[-2:] == [("需协调交警", False), ("明日上午施工", True)]
    response = act(client, report, "note", {"note": "  "})
    assert response.status_code == 422 and "请填写内容" in response.content.decode()


def test_a_moderator_hides_and_shows_a_case_with_a_reason(client, dispatcher, rider, category):
    report = submit(rider, category)
    client.force_login(dispatcher)
    response = act(client, report, "hide", {"reason": ""})
    assert response.status_code == 422 and "请填写原因" in response.content.decode()
    act(client, report, "hide", {"reason": "涉及个人隐私"})
    report.refresh_from_db()
    assert report.hidden and report.hidden_reason == "涉及个人隐私"
    assert not Report.objects.public().filter(pk=report.pk).exists()
    verbs = [v for v, *_ in detail(client, report).context["action_forms"]]
    assert "show" in verbs and "hide" not in verbs
    act(client, report, "show", {"reason": "已核实无隐私"})
    report.refresh_from_db()
    assert not report.hidden


def test_a_moderator_redacts_a_photo_and_staff_still_see_the_original(
    client, dispatcher, handler, rider, category
):
    report = submit(rider, category, photos=[jpeg(), jpeg("车牌.jpg", (10, 10, 10))])
    client.force_login(dispatcher)
    response = act(client, report, "redact", {"index": "1", "reason": "车牌号码"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.photos[1]["redacted"] and not report.photos[0].get("redacted")
    body = detail(client, report).content.decode()
    assert "已打码" in body
    public = client.get(reverse("reports:photo", args=[report.pk, "report", 1, "public"]))
    original = client.get(reverse("reports:photo", args=[report.pk, "report", 1, "full"]))
    assert public.status_code == 200 and original.status_code == 200
    response = act(client, report, "redact", {"index": "1", "reason": "再次"})
    assert response.status_code == 422 and "没有这张照片" in response.content.decode()
    client.force_login(handler)  # no moderation permission
    assert act(client, report, "redact", {"index": "0", "reason": "人脸"}).status_code == 403


def test_the_automatic_reply_is_labelled_as_the_systems_not_the_departments_note(
    client, dispatcher, rider, category
):
    ResponseTemplate.objects.create(
        category=None, status=Status.TRANSFERRED, title="受理告知", auto=True,
        text="您反映的问题（编号{{ number }}）已转{{ department }}办理。",
    )  # fmt: skip
    report = submit(rider, category)
    assert report.status == Status.TRANSFERRED
    ack = report.events.get(kind=EventKind.NOTE, data__auto=True)
    assert ack.actor_label == "城管局"  # written in the department's name …
    client.force_login(dispatcher)
    body = detail(client, report).content.decode()
    timeline = body[body.index('id="timeline"') : body.index('id="clock"')]
    # … but shown as the system's automatic reply, not as 备注 by 城管局.
    assert "自动回复" in timeline and "系统自动发送" in timeline
    assert "备注" not in timeline
    client.force_login(rider)
    mine = client.get(reverse("reports_m:my_detail", args=[report.pk])).content.decode()
    assert (
        "<strong>自动回复</strong> · 系统自动发送" in mine and "<strong>备注</strong>" not in mine
    )
