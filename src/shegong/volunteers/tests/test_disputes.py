"""异议 on a service record (issue 18 A8): raised by the volunteer on their own approved record,
answered by the record's team in time — 维持, or 更正 through the adjustment path."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.core.workdays import add_workdays
from shegong.volunteers import todos
from shegong.volunteers.actions import disputes, hours
from shegong.volunteers.models import RecordDispute, ServiceRecord


@pytest.fixture
def record(hours_record, hours_leader_user):
    """An approved 2-hour record of the member with ``hours_team``."""
    found = hours_record(hours="2.00")
    hours.approve(found, hours_leader_user)
    found.refresh_from_db()
    return found


def _raise(record, user, **kwargs):
    kwargs.setdefault("reason", "当天服务了 3 小时，签退时手机没电")
    return disputes.raise_dispute(record, actor=user, **kwargs)


def test_a_volunteer_disputes_their_approved_record_and_the_team_is_told(
    record, hours_member_user, hours_leader_user
):
    dispute = _raise(record, hours_member_user, hours="3")
    assert dispute.status == "open" and dispute.claimed_hours == Decimal("3.00")
    assert dispute.due_at == add_workdays(dispute.created_at, 10)
    assert AuditEvent.objects.filter(verb=int(Verb.RECORD_DISPUTED)).count() == 1
    assert Notification.objects.filter(
        recipient=hours_leader_user, event="volunteers.record_disputed"
    ).exists()
    assert todos.disputes_to_answer(hours_leader_user) == 1


def test_the_answer_period_is_a_setting(record, hours_member_user, settings):
    settings.SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS = 5
    dispute = _raise(record, hours_member_user)
    assert dispute.due_at == add_workdays(dispute.created_at, 5)


def test_what_cannot_be_disputed(
    record, hours_record, hours_member_user, hours_other_leader_user, hours_leader_user
):
    pending = hours_record(hours="1.00")
    with pytest.raises(DomainError, match="只能对已确认的服务记录"):
        _raise(pending, hours_member_user)
    correction = hours.adjust(record, hours_leader_user, "0.50", "补记")
    with pytest.raises(DomainError, match="只能对已确认的服务记录"):
        _raise(correction, hours_member_user)
    with pytest.raises(NotFound):  # someone else's record
        _raise(record, hours_other_leader_user)
    with pytest.raises(InvalidInput, match="请填写异议理由"):
        _raise(record, hours_member_user, reason=" ")
    with pytest.raises(InvalidInput, match="应大于 0"):
        _raise(record, hours_member_user, hours="30")
    with pytest.raises(InvalidInput, match="应为数字"):
        _raise(record, hours_member_user, hours="三")
    assert not RecordDispute.objects.exists()
    _raise(record, hours_member_user)
    with pytest.raises(DomainError, match=r"已于 .* 对该记录提出异议"):
        _raise(record, hours_member_user)
    assert RecordDispute.objects.count() == 1


def test_a_correction_goes_through_the_adjustment_path(
    record, hours_member, hours_member_user, hours_leader_user
):
    dispute = _raise(record, hours_member_user, hours="3")
    answered = disputes.answer_dispute(
        dispute, actor=hours_leader_user, decision="correct", hours="3",
        answer="核对签到表，当日服务 3 小时",
    )  # fmt: skip
    assert answered.status == "corrected"
    record.refresh_from_db()
    assert record.hours == Decimal("2.00")  # never edited
    correction = ServiceRecord.objects.get(kind="adjustment", corrects=record)
    assert correction == answered.correction and correction.hours == Decimal("1.00")
    hours_member.refresh_from_db()
    assert hours_member.hours == Decimal("3.00")
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert int(Verb.RECORD_ADJUSTED) in verbs and int(Verb.RECORD_DISPUTE_CORRECTED) in verbs
    assert Notification.objects.filter(
        recipient=hours_member_user, event="volunteers.record_dispute_answered"
    ).exists()
    with pytest.raises(DomainError, match="无需再答复"):
        disputes.answer_dispute(
            dispute, actor=hours_leader_user, decision="maintain", answer="再答一次"
        )


def test_maintaining_writes_no_record(record, hours_member_user, hours_leader_user):
    dispute = _raise(record, hours_member_user)
    disputes.answer_dispute(
        dispute, actor=hours_leader_user, decision="maintain", answer="签到签退记录无误"
    )
    dispute.refresh_from_db()
    assert dispute.status == "maintained" and dispute.answer == "签到签退记录无误"
    assert not ServiceRecord.objects.filter(kind="adjustment").exists()
    assert AuditEvent.objects.filter(verb=int(Verb.RECORD_DISPUTE_MAINTAINED)).exists()


def test_bad_answers_are_refused_and_write_nothing(
    record, hours_member_user, hours_leader_user, street_b_staff
):
    dispute = _raise(record, hours_member_user)
    with pytest.raises(InvalidInput, match="相同"):
        disputes.answer_dispute(
            dispute, actor=hours_leader_user, decision="correct", hours="2", answer="x"
        )
    with pytest.raises(InvalidInput, match="更正后的时长"):
        disputes.answer_dispute(dispute, actor=hours_leader_user, decision="correct", answer="x")
    with pytest.raises(InvalidInput, match="请填写答复意见"):
        disputes.answer_dispute(dispute, actor=hours_leader_user, decision="maintain", answer="")
    with pytest.raises(NotFound):
        disputes.answer_dispute(dispute, actor=street_b_staff, decision="maintain", answer="x")
    dispute.refresh_from_db()
    assert dispute.status == "open" and not ServiceRecord.objects.filter(kind="adjustment")


def test_the_worklist_shows_overdue_and_filters(
    client, record, hours_member_user, hours_leader_user, street_b_staff
):
    dispute = _raise(record, hours_member_user)
    client.force_login(hours_leader_user)
    page = client.get(reverse("volunteers:disputes")).content.decode()
    assert f'id="dispute-{dispute.pk}"' in page and 'badge text-bg-danger">已超期' not in page
    assert (
        f'id="dispute-{dispute.pk}"'
        not in client.get(reverse("volunteers:disputes"), {"overdue": "on"}).content.decode()
    )
    RecordDispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - timedelta(days=1))
    overdue = client.get(reverse("volunteers:disputes"), {"overdue": "on"}).content.decode()
    assert f'id="dispute-{dispute.pk}"' in overdue and 'badge text-bg-danger">已超期' in overdue
    client.force_login(street_b_staff)
    assert (
        f'id="dispute-{dispute.pk}"'
        not in client.get(reverse("volunteers:disputes")).content.decode()
    )
    assert client.get(reverse("volunteers:dispute", args=[dispute.pk])).status_code == 404


def test_the_pages_raise_and_answer_a_dispute_with_a_confirmation(
    client, record, hours_member_user, hours_leader_user
):
    client.force_login(hours_member_user)
    mine = client.get(reverse("volunteers_m:hours")).content.decode()
    assert reverse("volunteers_m:record_dispute", args=[record.pk]) in mine
    url = reverse("volunteers_m:record_dispute", args=[record.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "少记了 1 小时", "hours": "3"}).status_code == 302
    dispute = RecordDispute.objects.get()
    client.force_login(hours_leader_user)
    answer = reverse("volunteers:dispute", args=[dispute.pk])
    unconfirmed = client.post(answer, {"decision": "correct", "hours": "3", "answer": "属实"})
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.content.decode()
    assert not ServiceRecord.objects.filter(kind="adjustment").exists()
    done = client.post(
        answer, {"decision": "correct", "hours": "3", "answer": "属实", "confirmed": "on"}
    )
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "corrected"


def test_the_volunteer_may_withdraw_an_open_dispute(client, record, hours_member_user):
    dispute = _raise(record, hours_member_user)
    client.force_login(hours_member_user)
    client.post(reverse("volunteers_m:dispute_withdraw", args=[dispute.pk]))
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"
    assert AuditEvent.objects.filter(verb=int(Verb.RECORD_DISPUTE_WITHDRAWN)).exists()


def test_the_api_raises_and_answers_a_dispute(
    client, record, hours_member_user, hours_leader_user, street_b_staff
):
    api = "/api/v1/service-records"
    client.force_login(hours_member_user)
    bad = client.post(
        f"{api}/{record.pk}/disputes", {"reason": ""}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    made = client.post(
        f"{api}/{record.pk}/disputes", {"reason": "少记 1 小时", "hours": "3"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "open"
    again = client.post(
        f"{api}/{record.pk}/disputes", {"reason": "少记"}, content_type="application/json"
    )
    assert again.status_code == 409
    dispute_id = made.json()["id"]
    client.force_login(street_b_staff)
    assert client.get(f"{api}/disputes").json()["items"] == []
    outsider = client.post(
        f"{api}/disputes/{dispute_id}/answer", {"decision": "maintain", "answer": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert outsider.status_code == 404
    client.force_login(hours_leader_user)
    assert [d["id"] for d in client.get(f"{api}/disputes").json()["items"]] == [dispute_id]
    answered = client.post(
        f"{api}/disputes/{dispute_id}/answer",
        {"decision": "correct", "hours": "3", "answer": "属实"}, content_type="application/json",
    )  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "corrected"
    assert answered.json()["correction_id"]
