"""Activities: create with shifts, edit, submit, review, cancel (the actions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import geo
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.volunteers.actions import activities, signups
from shegong.volunteers.models import Activity, Signup


def _values(team, **over):
    start = timezone.now() + timedelta(days=2)
    values = {
        "team": team, "title": "敬老院陪伴", "category": "elderly", "address": "东关敬老院",
        "lat": testing.POINT_A[0], "lon": testing.POINT_A[1], "starts_at": start,
        "ends_at": start + timedelta(hours=4), "quota": 5,
    }  # fmt: skip
    values.update(over)
    return values


def _published(team, actor, **over):
    activity = activities.create_activity(actor=actor, **_values(team, **over))
    activities.submit_activity(activity, actor=actor)
    return activities.review_activity(activity, actor=None, approve=True)


def test_a_leader_creates_a_draft_with_one_shift_spanning_the_window(
    activities_team, activities_leader
):
    activity = activities.create_activity(actor=activities_leader, **_values(activities_team))
    assert activity.status == "draft"
    assert activity.region_id == activities_team.region_id
    shift = activity.shifts.get()
    assert (shift.starts_at, shift.ends_at, shift.quota) == (
        activity.starts_at, activity.ends_at, 5,
    )  # fmt: skip
    event = AuditEvent.objects.get(verb=Verb.ACTIVITY_SAVED)
    assert event.actor == activities_leader and event.data["shifts"] == 1


def test_several_shifts_must_lie_inside_the_window(activities_team, activities_leader):
    values = _values(activities_team)
    start = values["starts_at"]
    shifts = [
        {"starts_at": start, "ends_at": start + timedelta(hours=2), "quota": 3},
        {"starts_at": start + timedelta(hours=2), "ends_at": start + timedelta(hours=4),
         "quota": 4},
    ]  # fmt: skip
    activity = activities.create_activity(actor=activities_leader, shifts=shifts, **values)
    assert [s.quota for s in activity.shifts.all()] == [3, 4]

    outside = [{"starts_at": start, "ends_at": start + timedelta(hours=5), "quota": 3}]
    with pytest.raises(InvalidInput, match="第1班次须在活动时间"):
        activities.create_activity(actor=activities_leader, shifts=outside, **values)


def test_gcj02_input_is_stored_as_wgs84(activities_team, activities_leader):
    g_lon, g_lat = geo.wgs84_to_gcj02(testing.POINT_A[1], testing.POINT_A[0])
    activity = activities.create_activity(
        actor=activities_leader, crs="gcj02", **_values(activities_team, lat=g_lat, lon=g_lon)
    )
    assert activity.lat == pytest.approx(testing.POINT_A[0], abs=1e-5)
    assert activity.lon == pytest.approx(testing.POINT_A[1], abs=1e-5)


def test_bad_input_is_reported_field_by_field_and_nothing_is_written(
    activities_team, activities_leader
):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(InvalidInput) as caught:
        activities.create_activity(
            actor=activities_leader, **_values(
                activities_team, title="", lat=testing.POINT_A[1], lon=testing.POINT_A[0],
                ends_at=start - timedelta(hours=1), starts_at=start, quota=0, risky=True,
                radius_m=10,
            ),
        )  # fmt: skip
    fields = {e["field"] for e in caught.value.errors}
    assert {"title", "lat", "ends_at", "insurance_note", "radius_m"} <= fields
    assert "填反" in caught.value.detail
    assert "志愿服务条例第十七条" in caught.value.detail
    assert not Activity.objects.exists()


def test_another_teams_leader_cannot_create_for_this_team(district, activities_team):
    stranger = testing.user("volunteer", district["community_a"], name="别队队长")
    other = testing.team(
        district["community_a"], name="别的队",
        leader=testing.volunteer(district["community_a"], account=stranger),
    )  # fmt: skip
    assert other.pk != activities_team.pk
    with pytest.raises(NotFound):
        activities.create_activity(actor=stranger, **_values(activities_team))


def test_street_b_staff_cannot_see_street_a_teams(street_b_staff, activities_team):
    with pytest.raises(NotFound):
        activities.create_activity(actor=street_b_staff, **_values(activities_team))


def test_required_skills_must_exist(activities_team, activities_leader):
    with pytest.raises(InvalidInput, match="技能不存在"):
        activities.create_activity(
            actor=activities_leader, required_skills=["no-such-skill"], **_values(activities_team)
        )
    activity = activities.create_activity(
        actor=activities_leader, required_skills=["medical"], **_values(activities_team)
    )
    assert list(activity.required_skills.values_list("code", flat=True)) == ["medical"]


def test_review_publishes_or_rejects_with_a_note(
    activities_team, activities_leader, street_a_staff, street_b_staff
):
    activity = activities.create_activity(actor=activities_leader, **_values(activities_team))
    with pytest.raises(IllegalTransition):
        activities.review_activity(activity, actor=street_a_staff, approve=True)
    activities.submit_activity(activity, actor=activities_leader)
    with pytest.raises(NotFound):
        activities.review_activity(activity, actor=street_b_staff, approve=True)
    with pytest.raises(InvalidInput, match="审核意见"):
        activities.review_activity(activity, actor=street_a_staff, approve=False)
    activities.review_activity(activity, actor=street_a_staff, approve=False, note="地点写清楚")
    activity.refresh_from_db()
    assert activity.status == "rejected" and activity.review_note == "地点写清楚"
    told = Notification.objects.get(recipient=activities_leader)
    assert "未通过" in told.title

    activities.update_activity(activity, actor=activities_leader, address="东关敬老院二楼")
    activities.submit_activity(activity, actor=activities_leader)
    activities.review_activity(activity, actor=street_a_staff, approve=True)
    activity.refresh_from_db()
    assert activity.status == "published" and activity.published_at is not None
    assert AuditEvent.objects.filter(verb=Verb.ACTIVITY_REVIEWED).count() == 2


def test_community_workers_cannot_review(activities_team, activities_leader, community_a_worker):
    activity = activities.create_activity(actor=activities_leader, **_values(activities_team))
    activities.submit_activity(activity, actor=activities_leader)
    with pytest.raises(NotFound):
        activities.review_activity(activity, actor=community_a_worker, approve=True)


def test_time_and_place_are_fixed_once_someone_signed_up(
    activities_team, activities_leader, activities_member
):
    activity = _published(activities_team, activities_leader)
    activities.update_activity(activity, actor=activities_leader, address="新地点")  # nobody yet
    signups.sign_up(activity.shifts.get(), activities_member, actor=None)
    with pytest.raises(DomainError, match="已有 1 人报名，活动的时间和地点不能再修改"):
        activities.update_activity(activity, actor=activities_leader, address="又一个地点")
    with pytest.raises(DomainError, match="时间和地点"):
        activities.update_activity(
            activity, actor=activities_leader,
            starts_at=activity.starts_at + timedelta(hours=1),
        )  # fmt: skip
    activities.update_activity(activity, actor=activities_leader, title="敬老院陪伴（重阳）")
    activity.refresh_from_db()
    assert activity.title == "敬老院陪伴（重阳）" and activity.address == "新地点"


def test_raising_a_quota_promotes_the_waitlist_and_lowering_below_confirmed_is_refused(
    district, activities_team, activities_leader, activities_member
):
    activity = _published(activities_team, activities_leader, quota=1)
    shift = activity.shifts.get()
    signups.sign_up(shift, activities_member, actor=None)
    second = testing.volunteer(district["community_a"], name="候补者")
    waiting = signups.sign_up(shift, second, actor=None)
    assert waiting.status == "waitlisted"
    spec = {"id": shift.pk, "starts_at": shift.starts_at, "ends_at": shift.ends_at}
    activities.update_activity(activity, actor=activities_leader, shifts=[{**spec, "quota": 2}])
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    with pytest.raises(InvalidInput, match="招募人数不能少于 2"):
        activities.update_activity(activity, actor=activities_leader, shifts=[{**spec, "quota": 1}])


def test_cancel_before_start_tells_everyone_signed_up(
    activities_team, activities_leader, activities_member, activities_member_user
):
    activity = _published(activities_team, activities_leader)
    signups.sign_up(activity.shifts.get(), activities_member, actor=None)
    with pytest.raises(InvalidInput, match="取消原因"):
        activities.cancel_activity(activity, actor=activities_leader, reason=" ")
    activities.cancel_activity(activity, actor=activities_leader, reason="台风预警")
    activity.refresh_from_db()
    assert activity.status == "cancelled" and activity.cancelled_reason == "台风预警"
    assert Signup.objects.get().status == "cancelled"
    told = Notification.objects.get(recipient=activities_member_user)
    assert "已取消" in told.title and "台风预警" in told.body
    with pytest.raises(DomainError, match="已取消"):
        activities.update_activity(activity, actor=activities_leader, title="x")


def test_a_started_activity_cannot_be_cancelled(activities_team, activities_leader):
    activity = testing.activity(activities_team)  # started an hour ago
    with pytest.raises(DomainError, match="开始，不能取消"):
        activities.cancel_activity(activity, actor=activities_leader, reason="下雨")


def test_after_the_end_only_people_served_can_change(activities_team, activities_leader):
    activity = testing.activity(
        activities_team, starts_at=timezone.now() - timedelta(hours=5), hours=2
    )
    with pytest.raises(DomainError, match="只能填写服务对象人次"):
        activities.update_activity(activity, actor=activities_leader, title="新名字")
    activities.update_activity(activity, actor=activities_leader, people_served=37)
    activity.refresh_from_db()
    assert activity.people_served == 37


def test_unknown_fields_are_refused(activities_team, activities_leader):
    activity = testing.activity(activities_team)
    with pytest.raises(InvalidInput, match="不能修改的字段：status"):
        activities.update_activity(activity, actor=activities_leader, status="published")
