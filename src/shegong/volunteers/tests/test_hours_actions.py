"""Service hours: approve, decline, bulk approve, adjust, paper records, transfers, stars."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.volunteers.actions import hours
from shegong.volunteers.models import ServiceRecord, Volunteer
from shegong.volunteers.queries import hours as hours_queries

pytestmark = pytest.mark.django_db


def _total(volunteer) -> Decimal:
    return Volunteer.objects.get(pk=volunteer.pk).hours


def _audits(verb) -> int:
    return AuditEvent.objects.filter(verb=int(verb)).count()


def test_approving_adds_the_hours_to_the_total_audits_and_tells_the_volunteer(
    hours_record, hours_member, hours_leader_user, hours_member_user
):
    record = hours_record(hours="2.50")
    hours.approve(record, hours_leader_user, "辛苦了")
    record.refresh_from_db()
    assert record.status == "approved"
    assert record.reviewed_by == hours_leader_user and record.review_note == "辛苦了"
    assert _total(hours_member) == Decimal("2.50")
    event = AuditEvent.objects.get(verb=int(Verb.RECORD_APPROVED))
    assert event.data["total"] == "2.50" and event.region_id == record.region_id
    note = Notification.objects.get(recipient=hours_member_user)
    assert "2.50" in note.title and note.link == "/m/volunteer/hours/"


def test_street_staff_in_scope_approve_the_teams_of_their_street(
    hours_record, hours_member, street_a_staff
):
    hours.approve(hours_record(), street_a_staff)
    assert _total(hours_member) == Decimal("2.00")


def test_a_leader_of_another_team_gets_404_and_nothing_is_written(
    hours_record, hours_member, hours_other_leader_user, street_b_staff
):
    record = hours_record()
    for outsider in (hours_other_leader_user, street_b_staff):
        with pytest.raises(NotFound):
            hours.approve(record, outsider)
        with pytest.raises(NotFound):
            hours.decline(record, outsider, "不认识")
    record.refresh_from_db()
    assert record.status == "pending" and _total(hours_member) == 0
    assert _audits(Verb.RECORD_APPROVED) == 0


def test_an_approved_or_open_record_cannot_be_approved_again(hours_record, hours_leader_user):
    approved = hours_record(status="approved")
    with pytest.raises(hours.NotPending) as caught:
        hours.approve(approved, hours_leader_user)
    assert caught.value.status == 409 and "更正时长" in caught.value.detail
    with pytest.raises(hours.NotPending, match="尚未签退"):
        hours.approve(hours_record(status="open"), hours_leader_user)


def test_nobody_approves_their_own_hours(district, hours_team, hours_leader_user, hours_record):
    own = hours_record(volunteer=Volunteer.objects.get(person__user=hours_leader_user))
    with pytest.raises(DomainError, match="本人"):
        hours.approve(own, hours_leader_user)


def test_bulk_approval_is_all_or_nothing_with_one_audit_entry_per_record(
    hours_record, hours_member, hours_leader_user, district
):
    other = testing.volunteer(district["community_a"], name="王大明")
    first, second = hours_record(hours="1.00"), hours_record(volunteer=other, hours="3.00")
    done = hours.approve_many([first, second.pk, first.pk], hours_leader_user)
    assert [r.pk for r in done] == [first.pk, second.pk]
    assert _audits(Verb.RECORD_APPROVED) == 2
    assert _total(hours_member) == Decimal("1.00") and _total(other) == Decimal("3.00")

    pending, approved = hours_record(hours="4.00"), first
    with pytest.raises(hours.NotPending):
        hours.approve_many([pending, approved], hours_leader_user)
    pending.refresh_from_db()
    assert pending.status == "pending" and _total(hours_member) == Decimal("1.00")


def test_bulk_approval_with_another_teams_record_is_404_and_writes_nothing(
    hours_record, hours_other_leader_user, hours_leader_user, district
):
    from shegong.volunteers.models import Team

    mine = hours_record()
    theirs = hours_record(team=Team.objects.get(name="东关环保队"))
    with pytest.raises(NotFound):
        hours.approve_many([mine, theirs], hours_leader_user)
    mine.refresh_from_db()
    assert mine.status == "pending" and _audits(Verb.RECORD_APPROVED) == 0
    with pytest.raises(InvalidInput, match="请选择"):
        hours.approve_many([], hours_leader_user)


def test_declining_needs_a_reason_and_the_hours_never_count(
    hours_record, hours_member, hours_leader_user, hours_member_user
):
    record = hours_record()
    with pytest.raises(InvalidInput) as caught:
        hours.decline(record, hours_leader_user, "  ")
    assert caught.value.errors[0]["field"] == "note"
    hours.decline(record, hours_leader_user, "当天未到场")
    record.refresh_from_db()
    assert record.status == "declined" and record.review_note == "当天未到场"
    assert _total(hours_member) == 0 and _audits(Verb.RECORD_DECLINED) == 1
    assert "当天未到场" in Notification.objects.get(recipient=hours_member_user).body
    with pytest.raises(hours.NotPending):
        hours.approve(record, hours_leader_user)


def test_an_approved_record_is_corrected_by_a_new_adjusting_record(
    hours_record, hours_member, hours_leader_user
):
    record = hours_record(hours="3.00")
    hours.approve(record, hours_leader_user)
    correction = hours.adjust(record, hours_leader_user, "-0.50", "签退时间记录有误")
    record.refresh_from_db()
    assert record.hours == Decimal("3.00") and record.status == "approved"  # untouched
    assert correction.kind == "adjustment" and correction.status == "approved"
    assert correction.corrects == record and correction.hours == Decimal("-0.50")
    assert correction.reason == "签退时间记录有误"
    assert _total(hours_member) == Decimal("2.50")
    assert hours_queries.corrected_hours(record) == Decimal("2.50")
    event = AuditEvent.objects.get(verb=int(Verb.RECORD_ADJUSTED))
    assert event.data["corrects"] == record.pk and event.data["hours"] == ["3.00", "2.50"]


@pytest.mark.parametrize(
    ("delta", "reason", "field", "message"),
    [
        ("", "原因", "hours_delta", "请填写更正时长"),
        ("abc", "原因", "hours_delta", "应为数字"),
        ("0", "原因", "hours_delta", "不能为 0"),
        ("0.333", "原因", "hours_delta", "两位小数"),
        ("-3.5", "原因", "hours_delta", "不能为负数"),
        ("1", "", "reason", "请填写更正原因"),
    ],
)
def test_bad_corrections_are_refused_with_the_field_and_nothing_written(
    hours_record, hours_member, hours_leader_user, delta, reason, field, message
):
    record = hours_record(hours="3.00")
    hours.approve(record, hours_leader_user)
    with pytest.raises(InvalidInput) as caught:
        hours.adjust(record, hours_leader_user, delta, reason)
    assert caught.value.errors[0]["field"] == field and message in caught.value.detail
    assert ServiceRecord.objects.filter(kind="adjustment").count() == 0
    assert _total(hours_member) == Decimal("3.00")


def test_only_an_approved_original_is_corrected(hours_record, hours_leader_user):
    with pytest.raises(DomainError, match="待审核的记录请直接审核"):
        hours.adjust(hours_record(), hours_leader_user, "1", "原因")
    record = hours_record(hours="2.00")
    hours.approve(record, hours_leader_user)
    correction = hours.adjust(record, hours_leader_user, "1", "补记")
    with pytest.raises(DomainError, match="更正原记录"):
        hours.adjust(correction, hours_leader_user, "1", "再补")


def test_the_cached_total_equals_the_resum_after_approvals_and_adjustments(
    hours_record, hours_member, hours_leader_user
):
    records = [hours_record(hours=h) for h in ("1.25", "2.10", "0.35", "7.00")]
    hours.approve_many(records[:3], hours_leader_user)
    hours.approve(records[3], hours_leader_user)
    hours.adjust(records[0], hours_leader_user, "0.15", "补时")
    hours.adjust(records[3], hours_leader_user, "-6.99", "误填")
    hours.decline(hours_record(hours="5.00"), hours_leader_user, "重复")
    assert _total(hours_member) == hours_queries.approved_sum(hours_member) == Decimal("3.86")
    assert hours.recount(hours_member) == (Decimal("3.86"), Decimal("3.86"))


def test_recount_repairs_a_wrong_total(hours_record, hours_member, hours_leader_user):
    hours.approve(hours_record(hours="2.00"), hours_leader_user)
    Volunteer.objects.filter(pk=hours_member.pk).update(hours=Decimal("99.00"))
    assert hours.recount(hours_member) == (Decimal("99.00"), Decimal("2.00"))
    assert _total(hours_member) == Decimal("2.00")
    assert AuditEvent.objects.filter(verb=int(Verb.VOLUNTEER_UPDATED)).count() == 1


def test_approving_hours_past_a_threshold_never_sets_the_star(
    hours_record, hours_member, hours_leader_user, hours_member_user
):
    """Issue 18 A6: the star is awarded (申请 → 审核 → 公示 → 认定), no longer set when the hours
    that reach a threshold are approved. Under the old definition this volunteer became ★1."""
    Volunteer.objects.filter(pk=hours_member.pk).update(hours=Decimal("99.00"))
    record = hours_record(hours="1.50")
    hours.approve(record, hours_leader_user)
    volunteer = Volunteer.objects.get(pk=hours_member.pk)
    assert volunteer.hours == Decimal("100.50")
    assert volunteer.star == 0 and volunteer.star_reached_at is None
    assert _audits(Verb.STAR_REACHED) == 0
    titles = Notification.objects.filter(recipient=hours_member_user).values_list(
        "title", flat=True
    )
    assert not any("星志愿者" in t for t in titles)


def test_a_correction_never_takes_an_awarded_star_away(
    hours_record, hours_member, hours_leader_user
):
    record = hours_record(hours="2.00")
    hours.approve(record, hours_leader_user)
    Volunteer.objects.filter(pk=hours_member.pk).update(star=2)
    hours.adjust(record, hours_leader_user, "-1.00", "多记了1小时")
    hours.recount(hours_member)
    assert Volunteer.objects.get(pk=hours_member.pk).star == 2


def test_a_paper_record_is_entered_by_the_team_and_waits_for_review(
    hours_team, hours_member, hours_leader_user
):
    served = timezone.localdate() - timedelta(days=3)
    record = hours.enter_manual(
        hours_member, hours_team, actor=hours_leader_user, served_on=served, hours="3",
        content="社区义诊", reason="纸质签到表补录",
    )  # fmt: skip
    assert record.kind == "manual" and record.status == "pending"
    assert record.hours == Decimal("3.00") and record.region_id == hours_team.region_id
    assert record.recorded_by == hours_leader_user
    assert _audits(Verb.RECORD_ENTERED) == 1 and _total(hours_member) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "25"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"served_on": "tomorrow"}, "served_on"),
        ({"reason": ""}, "reason"),
        ({"content": ""}, "content"),
    ],
)
def test_a_bad_paper_record_is_refused_and_nothing_is_written(
    hours_team, hours_member, hours_leader_user, changes, field
):
    data = {"served_on": timezone.localdate(), "hours": "2", "content": "义诊", "reason": "补录"}
    data.update(changes)
    if data["served_on"] == "tomorrow":
        data["served_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput) as caught:
        hours.enter_manual(hours_member, hours_team, actor=hours_leader_user, **data)
    assert caught.value.errors[0]["field"] == field
    assert ServiceRecord.objects.count() == 0


def test_a_paper_record_names_only_an_activity_of_the_team(
    district, hours_team, hours_member, hours_leader_user
):
    elsewhere = testing.activity(testing.team(district["community_a"], name="别队"))
    with pytest.raises(InvalidInput, match="本队伍组织的活动"):
        hours.enter_manual(
            hours_member, hours_team, actor=hours_leader_user, served_on=timezone.localdate(),
            hours="2", content="义诊", reason="补录", activity=elsewhere,
        )  # fmt: skip
    ours = testing.activity(hours_team)
    record = hours.enter_manual(
        hours_member, hours_team, actor=hours_leader_user, served_on=timezone.localdate(),
        hours="2", content="义诊", reason="补录", activity=ours.pk,
    )  # fmt: skip
    assert record.activity == ours


def test_an_outsider_cannot_enter_records_for_a_team(hours_team, hours_member, street_b_staff):
    with pytest.raises(NotFound):
        hours.enter_manual(
            hours_member, hours_team, actor=street_b_staff, served_on=timezone.localdate(),
            hours="2", content="义诊", reason="补录",
        )  # fmt: skip


def test_a_transfer_carries_its_source_and_proof_and_counts_once_approved(
    hours_team, hours_member, hours_leader_user, street_a_staff
):
    record = hours.transfer_in(
        hours_member, hours_team, actor=hours_leader_user,
        source_organization="合肥市青年志愿者协会",
        served_on=timezone.localdate() - timedelta(days=30), hours="120",
        content="2025年度志愿服务", proof_note="原单位证明 ZM20250101ABCDEFGH",
    )  # fmt: skip
    assert record.kind == "transfer" and record.status == "pending"
    assert record.source_organization == "合肥市青年志愿者协会"
    assert _audits(Verb.RECORD_TRANSFERRED) == 1
    hours.approve(record, street_a_staff)
    assert _total(hours_member) == Decimal("120.00")
    assert Volunteer.objects.get(pk=hours_member.pk).star == 0  # eligible, not awarded
    with pytest.raises(InvalidInput) as caught:
        hours.transfer_in(
            hours_member, hours_team, actor=hours_leader_user, source_organization="",
            served_on=timezone.localdate(), hours="1", content="x", proof_note="证明",
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "source_organization"


def test_the_hot_path_rule_agrees_with_the_access_module(
    district, hours_team, hours_leader_user, hours_other_leader_user, hours_member_user,
    street_a_staff, street_b_staff, community_a_worker, district_admin, resident,
):  # fmt: skip
    from shegong.volunteers.models import Team
    from shegong.volunteers.queries import access

    teams = [*Team.objects.all(), testing.team(district["community_b"], name="西城队")]
    people = [hours_leader_user, hours_other_leader_user, hours_member_user, street_a_staff,
              street_b_staff, community_a_worker, district_admin, resident]  # fmt: skip
    for user in people:
        expected = set(access.teams_run_by(user).values_list("pk", flat=True))
        assert {t.pk for t in teams if access.runs_team(user, t)} == expected, user


def test_a_transfer_counts_once(hours_team, hours_member, hours_leader_user):
    from shegong.volunteers.models import Certificate

    served = timezone.localdate() - timedelta(days=30)
    entry = {
        "source_organization": "合肥市青年志愿者协会", "served_on": served, "hours": "12",
        "content": "社区服务", "proof_note": "原单位证明",
    }  # fmt: skip
    hours.transfer_in(hours_member, hours_team, actor=hours_leader_user, **entry)
    with pytest.raises(DomainError, match="请勿重复转入"):
        hours.transfer_in(hours_member, hours_team, actor=hours_leader_user, **entry)
    # A certificate this platform issued: its hours are in the total already.
    Certificate.objects.create(
        serial="ZM20260101ABCDEFGH", volunteer=hours_member, team=hours_team,
        period_start=served, period_end=served, hours=3, records=1, issuer_name="东关助老服务队",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        hours.transfer_in(
            hours_member, hours_team, actor=hours_leader_user,
            **{**entry, "hours": "3", "proof_note": "证明编号 zm20260101abcdefgh"},
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "proof_note"
    assert "由本平台出具" in caught.value.detail
    assert ServiceRecord.objects.filter(kind="transfer").count() == 1


def test_approval_carries_the_teams_evaluation(hours_record, hours_member, hours_leader_user):
    first, second, third = hours_record(), hours_record(), hours_record()
    hours.approve(first, hours_leader_user, evaluation="excellent")
    hours.approve_many([second], hours_leader_user, evaluation="良好")  # a label works too
    with pytest.raises(InvalidInput) as caught:
        hours.approve(third, hours_leader_user, evaluation="很好")
    assert caught.value.errors[0]["field"] == "evaluation"
    third.refresh_from_db()
    assert third.status == "pending"  # nothing written
    first.refresh_from_db()
    assert first.evaluation == "excellent" and first.get_evaluation_display() == "优秀"
    assert hours_queries.evaluations_of(hours_member) == {"excellent": 1, "good": 1, "pass": 0}
    event = AuditEvent.objects.filter(verb=Verb.RECORD_APPROVED).order_by("pk").first()
    assert event.data["evaluation"] == "excellent"


@pytest.mark.parametrize(("raw", "signed"), [("1e30", False), ("-1e30", True), ("1E+300", True)])
def test_a_huge_number_of_hours_is_refused_with_a_message_not_a_crash(raw, signed):
    from decimal import Decimal

    from shegong.volunteers.actions.hours import parse_hours

    with pytest.raises(InvalidInput) as refused:
        parse_hours(raw, high=Decimal("24"), signed=signed)
    assert refused.value.errors[0]["field"] == "hours"
    assert (
        "不能超过 24 小时" in refused.value.errors[0]["message"]
        or "不超过 24" in (refused.value.errors[0]["message"])
    )
