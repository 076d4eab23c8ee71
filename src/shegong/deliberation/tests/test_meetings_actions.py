"""Meetings (议事会) through the actions: schedule with 应到 from the settings, notice days (7;
10 for a village meeting), agenda of open topics, invitations, sign-in by code and the rotating
QR (once per person, within the window), the record's quorum and vote rules, close creating the
action items, publishing the record, and the 一月一会 cadence alarm (once a month)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shegong.core import rotating
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.deliberation.actions import meetings as actions
from shegong.deliberation.choices import ItemResult, MeetingStatus, TopicStatus
from shegong.deliberation.models import ActionItem, CommunitySettings, Meeting, Topic
from shegong.deliberation.queries import meetings as queries


def topic(district, category, **more):
    return Topic.objects.create(
        region=district["community_a"], category=category, title=more.pop("title", "3号楼加装电梯"),
        body="居民希望加装电梯", **more,
    )  # fmt: skip


def meeting(worker, district, *, days=10, kind="residents", **more):
    CommunitySettings.objects.get_or_create(
        region=district["community_a"], defaults={"adults": 40, "households": 30}
    )
    return actions.schedule(
        worker, region=district["community_a"], kind=kind, title="三月居民议事会",
        starts_at=timezone.now() + timedelta(days=days), place="社区二楼会议室", **more,
    )  # fmt: skip


def held(m: Meeting, minutes: int = 10) -> Meeting:
    """Move the meeting to ``minutes`` ago (the test's clock is the real one)."""
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() - timedelta(minutes=minutes))
    return Meeting.objects.get(pk=m.pk)


def test_schedule_takes_expected_from_the_settings_and_draws_a_code(district, community_a_worker):
    m = meeting(community_a_worker, district)
    assert m.quorum_base == "adults" and m.expected_count == 40
    assert len(m.signin_code) == 6 and m.signin_code.isdigit()
    assert AuditEvent.objects.filter(verb=Verb.MEETING_SCHEDULED, target_id=str(m.pk)).exists()
    consult = meeting(community_a_worker, district, kind="consultation", expected_count=12)
    assert consult.quorum_base == "invited" and consult.expected_count == 12


def test_schedule_refuses_bad_input_and_other_streets(
    district, community_a_worker, street_b_staff, resident
):
    with pytest.raises(InvalidInput):
        meeting(community_a_worker, district, kind="nonsense")
    with pytest.raises(InvalidInput):
        actions.schedule(
            community_a_worker, region=district["community_a"], kind="residents", title="",
            starts_at=timezone.now(), place="x",
        )  # fmt: skip
    with pytest.raises(NotFound):
        meeting(street_b_staff, district)
    with pytest.raises(NotPermitted):
        meeting(resident, district)
    assert not Meeting.objects.exists()


def test_the_notice_needs_7_days_and_10_for_a_village(district, community_a_worker, resident):
    m = meeting(community_a_worker, district, days=3)
    actions.invite(community_a_worker, m, [{"user": resident.pk, "kind": "resident"}])
    with pytest.raises(InvalidInput) as caught:
        actions.publish_notice(community_a_worker, m, "请准时参加")
    assert "居民会议须提前 7 天发布通知，距召开仅剩 2 天" in caught.value.detail
    village = meeting(community_a_worker, district, days=8, kind="village")
    with pytest.raises(InvalidInput) as caught:
        actions.publish_notice(community_a_worker, village, "请准时参加")
    assert "须提前 10 天" in caught.value.detail
    ok = meeting(community_a_worker, district, days=8)
    actions.invite(community_a_worker, ok, [{"user": resident.pk}])
    actions.publish_notice(community_a_worker, ok, "请准时参加")
    ok.refresh_from_db()
    assert ok.status == MeetingStatus.NOTICED and ok.notice_published_at
    assert Notification.objects.filter(recipient=resident, event="deliberation.meeting_notice")
    assert ok in queries.resident_meetings(resident)


def test_agenda_takes_open_topics_of_the_community_only(
    district, community_a_worker, topic_category
):
    m = meeting(community_a_worker, district)
    open_topic = topic(district, topic_category)
    rejected = topic(district, topic_category, title="拒绝的", status=TopicStatus.REJECTED)
    actions.set_agenda(
        community_a_worker, m,
        [{"topic": open_topic.pk, "is_vote": True}, {"title": "楼道清理", "is_vote": False}],
    )  # fmt: skip
    assert [(i.title, i.is_vote) for i in m.items.all()] == [
        ("3号楼加装电梯", True), ("楼道清理", False)
    ]  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        actions.set_agenda(community_a_worker, m, [{"topic": rejected.pk}])
    assert "不予采纳" in caught.value.detail
    assert m.items.count() == 2


def test_invitations_of_every_kind_and_accounts_of_the_community_only(
    district, community_a_worker, resident, outsider
):
    m = meeting(community_a_worker, district, kind="consultation")
    added = actions.invite(
        community_a_worker, m,
        [{"user": resident.pk, "kind": "representative"}, {"kind": "property", "name": "某物业"},
         {"kind": "owners_committee", "name": "业委会"}, {"kind": "unit", "name": "区税务局"}],
    )  # fmt: skip
    assert added == 4
    m.refresh_from_db()
    assert m.expected_count == 4
    assert actions.invite(community_a_worker, m, [{"user": resident.pk}]) == 0
    with pytest.raises(InvalidInput):
        actions.invite(community_a_worker, m, [{"user": outsider.pk}])
    invitation = m.invitations.get(name="某物业")
    actions.uninvite(community_a_worker, m, invitation.pk)
    m.refresh_from_db()
    assert m.expected_count == 3


def test_sign_in_by_code_once_per_person_within_the_window(
    district, community_a_worker, resident, neighbour, outsider
):
    m = held(meeting(community_a_worker, district))
    with pytest.raises(InvalidInput):
        actions.sign_in(resident, code="000000" if m.signin_code != "000000" else "111111")
    actions.sign_in(resident, code=m.signin_code)
    with pytest.raises(DomainError) as again:
        actions.sign_in(resident, code=m.signin_code)
    assert "已签到" in again.value.detail
    with pytest.raises(InvalidInput):
        actions.sign_in(outsider, code=m.signin_code)
    actions.sign_in_for(community_a_worker, m, "张大爷")
    actions.set_paper_signins(community_a_worker, m, 5)
    m.refresh_from_db()
    assert m.present_count == 7
    early = meeting(community_a_worker, district, days=1)
    with pytest.raises(DomainError) as caught:
        actions.sign_in(neighbour, early, code=early.signin_code)
    assert "会前 1 小时" in caught.value.detail
    late = actions.sign_in
    Meeting.objects.filter(pk=early.pk).update(starts_at=timezone.now() - timedelta(hours=5))
    with pytest.raises(DomainError):
        late(neighbour, Meeting.objects.get(pk=early.pk), code=early.signin_code)


def test_sign_in_by_the_rotating_qr_expires(district, community_a_worker, resident):
    m = held(meeting(community_a_worker, district))
    now = timezone.now()
    old = actions.token_for(m, now - timedelta(minutes=10))
    with pytest.raises(rotating.QrExpired):
        actions.sign_in(resident, token=old)
    with pytest.raises(NotFound):
        actions.sign_in(resident, token="forged-token")
    attendance = actions.sign_in(resident, token=actions.token_for(m))
    assert attendance.method == "qr"


def record_of(m, **item):
    rows = [{"pk": i.pk, "result": "consulted"} for i in m.items.all()]
    rows[0].update(item)
    return rows


def test_a_vote_without_quorum_is_refused_with_the_numbers(
    district, community_a_worker, topic_category
):
    m = held(meeting(community_a_worker, district))
    actions.set_agenda(community_a_worker, m, [{"topic": topic(district, topic_category).pk,
                                                 "is_vote": True}])  # fmt: skip
    actions.set_paper_signins(community_a_worker, m, 18)
    with pytest.raises(InvalidInput) as caught:
        actions.save_record(
            community_a_worker, m, summary="各方发言",
            items=record_of(m, votes_for=15, result="passed", decision="加装电梯",
                            owner_label="居委会", due_on="2030-01-01"),
        )  # fmt: skip
    assert caught.value.detail == "表决须实到过半数：应到 40 人，实到 18 人，至少需 21 人"
    with pytest.raises(InvalidInput) as too_many:
        actions.set_paper_signins(community_a_worker, m, 22)
        actions.save_record(
            community_a_worker, m, summary="x", items=record_of(m, votes_for=20, votes_against=5)
        )
    assert "超过实到人数 22" in too_many.value.detail


def test_close_refuses_without_record_and_without_quorum(
    district, community_a_worker, topic_category
):
    m = held(meeting(community_a_worker, district))
    actions.set_agenda(community_a_worker, m, [{"title": "加装电梯", "is_vote": True}])
    with pytest.raises(DomainError) as caught:
        actions.close(community_a_worker, m)
    assert "会议纪要未完成" in caught.value.detail and "1 项议程未记录结果" in caught.value.detail
    actions.save_record(
        community_a_worker, m, summary="各方发言", items=[{"pk": m.items.get().pk,
                                                         "result": "deferred"}],
    )  # fmt: skip
    actions.set_paper_signins(community_a_worker, m, 10)
    with pytest.raises(DomainError) as quorum:
        actions.close(community_a_worker, m)
    assert "应到 40 人，实到 10 人，至少需 21 人" in quorum.value.detail
    assert Meeting.objects.get(pk=m.pk).status != MeetingStatus.CLOSED


def test_close_turns_decisions_into_action_items_and_adopts_the_topic(
    district, community_a_worker, topic_category, resident
):
    m = held(meeting(community_a_worker, district))
    lift = topic(district, topic_category, submitter=resident)
    actions.set_agenda(
        community_a_worker, m,
        [{"topic": lift.pk, "is_vote": True}, {"title": "楼道清理"}, {"title": "路灯"}],
    )  # fmt: skip
    actions.set_paper_signins(community_a_worker, m, 24)
    first, second, third = m.items.all()
    actions.save_record(
        community_a_worker, m, summary="居民充分发表意见",
        items=[
            {"pk": first.pk, "votes_for": 13, "votes_against": 8, "result": "passed",
             "decision": "3号楼加装电梯", "owner_label": "东关社区居委会", "due_on": "2030-06-30"},
            {"pk": second.pk, "result": "consulted", "decision": "每周清理一次",
             "owner_label": "物业", "due_on": date(2030, 1, 31)},
            {"pk": third.pk, "result": "deferred"},
        ],
    )  # fmt: skip
    first.refresh_from_db()
    assert first.result == ItemResult.PASSED  # 13 of 24 present: more than half
    actions.close(community_a_worker, m)
    m.refresh_from_db()
    assert m.status == MeetingStatus.CLOSED
    items = ActionItem.objects.filter(meeting=m).order_by("pk")
    assert [(a.title, a.owner_name, a.category.code) for a in items] == [
        ("3号楼加装电梯", "东关社区居委会", "elevator"), ("每周清理一次", "物业", "other")
    ]  # fmt: skip
    lift.refresh_from_db()
    assert lift.status == TopicStatus.ADOPTED and lift.public and lift.answered_at
    assert lift.answer == "经三月居民议事会议定：3号楼加装电梯"
    assert Notification.objects.filter(recipient=resident, title__contains="3号楼加装电梯").exists()
    assert AuditEvent.objects.filter(verb=Verb.MEETING_CLOSED, target_id=str(m.pk)).count() == 1
    with pytest.raises(DomainError):
        actions.close(community_a_worker, m)
    actions.publish_record(community_a_worker, m)
    assert queries.resident_meeting(resident, m.pk).record_published_at


def test_a_failed_vote_makes_no_action(district, community_a_worker):
    m = held(meeting(community_a_worker, district))
    actions.set_agenda(community_a_worker, m, [{"title": "收停车费", "is_vote": True}])
    actions.set_paper_signins(community_a_worker, m, 30)
    actions.save_record(
        community_a_worker, m, summary="意见分歧",
        items=[{"pk": m.items.get().pk, "votes_for": 15, "votes_against": 15}],
    )  # fmt: skip
    assert m.items.get().result == ItemResult.FAILED  # 15 of 30 is not more than half
    actions.close(community_a_worker, m)
    assert not ActionItem.objects.filter(meeting=m).exists()


def test_cadence_alarm_once_a_month(district, community_a_worker):
    CommunitySettings.objects.create(region=district["community_a"], monthly_cadence=True)
    today = date(2031, 3, 5)
    assert actions.cadence_alarm(today) == 1
    assert actions.cadence_alarm(today) == 0
    assert actions.cadence_alarm(today + timedelta(days=1)) == 0
    assert (
        Notification.objects.filter(
            recipient=community_a_worker, event="deliberation.cadence_alarm"
        ).count()
        == 1
    )
    event = AuditEvent.objects.get(verb=Verb.MEETING_CADENCE_ALARMED)
    assert event.data["month"] == "2031-02" and event.region_id == district["community_a"].code
    # a meeting held in March: April's scan stays silent
    m = actions.schedule(
        community_a_worker, region=district["community_a"], kind="consultation", title="三月会",
        starts_at=timezone.make_aware(timezone.datetime(2031, 3, 10, 19)), place="会议室",
    )  # fmt: skip
    Meeting.objects.filter(pk=m.pk).update(status=MeetingStatus.CLOSED)
    assert actions.cadence_alarm(date(2031, 4, 2)) == 0
    assert actions.cadence_alarm(date(2031, 5, 2)) == 1


def test_months_without_meeting_lists_communities_in_scope(district, community_a_worker):
    assert queries.months_without_meeting(community_a_worker) == []  # no cadence yet
    CommunitySettings.objects.create(region=district["community_a"], monthly_cadence=True)
    rows = queries.months_without_meeting(community_a_worker)
    assert [r.code for r in rows] == [district["community_a"].code]


def test_edit_and_cancel_tell_the_invitees(district, community_a_worker, resident):
    m = meeting(community_a_worker, district)
    actions.invite(community_a_worker, m, [{"user": resident.pk}])
    actions.edit(
        community_a_worker, m, title="改期的居民会议", starts_at=m.starts_at + timedelta(days=1),
        place="新会议室", expected_count=35,
    )  # fmt: skip
    m.refresh_from_db()
    assert (m.title, m.place, m.expected_count) == ("改期的居民会议", "新会议室", 35)
    actions.publish_notice(community_a_worker, m, "请参加")
    with pytest.raises(InvalidInput):
        actions.cancel(community_a_worker, m, "")
    actions.cancel(community_a_worker, m, "场地临时占用")
    m.refresh_from_db()
    assert m.status == MeetingStatus.CANCELLED
    assert Notification.objects.filter(recipient=resident, event="deliberation.meeting_cancelled")
    with pytest.raises(DomainError):
        actions.publish_notice(community_a_worker, m, "再发")
    assert m not in queries.resident_meetings(resident)


def test_agenda_candidates_put_adopted_and_agenda_ready_first(
    district, community_a_worker, topic_category
):
    m = meeting(community_a_worker, district)
    plain = topic(district, topic_category, title="普通议题", support_count=50)
    ready = topic(district, topic_category, title="达到支持数", agenda_ready_at=timezone.now())
    adopted = topic(district, topic_category, title="已采纳", status=TopicStatus.ADOPTED)
    topic(district, topic_category, title="已合并", status=TopicStatus.MERGED)
    order = [t.pk for t in queries.agenda_candidates(m)]
    assert set(order[:2]) == {ready.pk, adopted.pk} and order[2:] == [plain.pk]


def test_a_party_meeting_counts_the_invited_members(district, community_a_worker, resident):
    m = meeting(community_a_worker, district, kind="party")
    assert m.quorum_base == "party_members" and m.expected_count == 0
    actions.invite(
        community_a_worker, m,
        [{"user": resident.pk, "kind": "party_member"}, {"kind": "party_member", "name": "李党员"}],
    )  # fmt: skip
    m.refresh_from_db()
    assert m.expected_count == 2
