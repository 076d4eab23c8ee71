"""Sign-up with a waitlist and promotion, required skills, the volunteer's own state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.volunteers.actions import signups
from shegong.volunteers.models import Signup, Skill, VolunteerSkill
from shegong.volunteers.queries import activities as activity_queries


@pytest.fixture
def upcoming(activities_team):
    """A published activity starting tomorrow with one shift of 2 places."""
    return testing.activity(
        activities_team, starts_at=timezone.now() + timedelta(days=1), quota=2
    ).shifts.get()


def _volunteer(district, name="志愿者", **fields):
    return testing.volunteer(district["community_a"], name=name, **fields)


def test_within_the_quota_a_sign_up_is_confirmed_and_audited(
    upcoming, activities_member, activities_member_user
):
    signup = signups.sign_up(upcoming, activities_member, actor=activities_member_user)
    assert signup.status == "confirmed"
    event = AuditEvent.objects.get(verb=Verb.SIGNED_UP)
    assert event.data["status"] == "confirmed" and event.actor == activities_member_user


def test_over_the_quota_the_next_is_waitlisted_with_a_position(district, upcoming):
    people = [_volunteer(district, f"志愿者{i}") for i in range(4)]
    done = [signups.sign_up(upcoming, v, actor=None) for v in people]
    assert [s.status for s in done] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [activity_queries.waitlist_position(s) for s in done] == [None, None, 1, 2]


def test_a_second_sign_up_is_the_same_sign_up(upcoming, activities_member):
    first = signups.sign_up(upcoming, activities_member, actor=None)
    again = signups.sign_up(upcoming, activities_member, actor=None)
    assert again.pk == first.pk
    assert Signup.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_UP).count() == 1


def test_a_confirmed_cancellation_promotes_the_first_waitlisted_and_tells_them(
    district, upcoming, activities_member, activities_member_user
):
    first = signups.sign_up(upcoming, _volunteer(district, "甲"), actor=None)
    signups.sign_up(upcoming, _volunteer(district, "乙"), actor=None)
    waiting = signups.sign_up(upcoming, activities_member, actor=None)
    later = signups.sign_up(upcoming, _volunteer(district, "丁"), actor=None)
    assert waiting.status == "waitlisted"
    signups.cancel_signup(first, actor=None)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    assert later.status == "waitlisted" and activity_queries.waitlist_position(later) == 1
    assert AuditEvent.objects.filter(verb=Verb.SIGNUP_PROMOTED).count() == 1
    told = Notification.objects.get(recipient=activities_member_user)
    assert "候补成功" in told.title


def test_a_waitlisted_cancellation_promotes_nobody(district, upcoming):
    signups.sign_up(upcoming, _volunteer(district, "甲"), actor=None)
    signups.sign_up(upcoming, _volunteer(district, "乙"), actor=None)
    third = signups.sign_up(upcoming, _volunteer(district, "丙"), actor=None)
    signups.cancel_signup(third, actor=None)
    assert not AuditEvent.objects.filter(verb=Verb.SIGNUP_PROMOTED).exists()
    # A cancelled sign-up does not block signing up again.
    again = signups.sign_up(upcoming, third.volunteer, actor=None)
    assert again.pk != third.pk and again.status == "waitlisted"


def test_no_sign_up_or_cancellation_once_the_shift_started(activities_team, activities_member):
    started = testing.activity(activities_team).shifts.get()  # started an hour ago
    with pytest.raises(DomainError, match="报名已截止"):
        signups.sign_up(started, activities_member, actor=None)
    signup = Signup.objects.create(shift=started, volunteer=activities_member, status="confirmed")
    with pytest.raises(DomainError, match="不能再取消报名"):
        signups.cancel_signup(signup, actor=None)


def test_only_published_activities_take_sign_ups(activities_team, activities_member):
    shift = testing.activity(
        activities_team, starts_at=timezone.now() + timedelta(days=1), status="pending"
    ).shifts.get()
    with pytest.raises(DomainError, match="活动待审核，不能报名"):
        signups.sign_up(shift, activities_member, actor=None)


def test_missing_required_skills_are_listed(upcoming, activities_member):
    activity = upcoming.activity
    activity.required_skills.set(Skill.objects.filter(code__in=["medical", "counselling"]))
    with pytest.raises(DomainError) as caught:
        signups.sign_up(upcoming, activities_member, actor=None)
    assert "医疗护理" in caught.value.detail and "心理疏导" in caught.value.detail
    VolunteerSkill.objects.create(
        volunteer=activities_member, skill=Skill.objects.get(code="medical")
    )
    with pytest.raises(DomainError) as caught:
        signups.sign_up(upcoming, activities_member, actor=None)
    assert "医疗护理" not in caught.value.detail and "心理疏导" in caught.value.detail
    VolunteerSkill.objects.create(
        volunteer=activities_member, skill=Skill.objects.get(code="counselling")
    )
    assert signups.sign_up(upcoming, activities_member, actor=None).status == "confirmed"


def test_a_minor_without_guardian_consent_cannot_sign_up(district, upcoming):
    birth = (timezone.localdate() - timedelta(days=16 * 366)).strftime("%Y%m%d")
    minor = _volunteer(district, "小志愿者", birth=birth)
    with pytest.raises(DomainError, match="监护人"):
        signups.sign_up(upcoming, minor, actor=None)
    minor.guardian_consent_at = timezone.now()
    minor.save()
    assert signups.sign_up(upcoming, minor, actor=None).status == "confirmed"


def test_a_paused_volunteer_cannot_sign_up(district, upcoming):
    paused = _volunteer(district, "暂停者", status="paused")
    with pytest.raises(DomainError, match="暂停服务"):
        signups.sign_up(upcoming, paused, actor=None)
    assert not Signup.objects.exists()


def test_someone_else_cannot_sign_a_volunteer_up_or_cancel_unless_running_the_team(
    district, upcoming, activities_member, activities_leader, street_b_staff
):
    stranger = testing.user("volunteer", district["community_a"], name="路人")
    with pytest.raises(NotFound):
        signups.sign_up(upcoming, activities_member, actor=stranger)
    with pytest.raises(NotFound):
        signups.sign_up(upcoming, activities_member, actor=street_b_staff)
    signup = signups.sign_up(upcoming, activities_member, actor=activities_leader)
    with pytest.raises(NotFound):
        signups.cancel_signup(signup, actor=stranger)
    with pytest.raises(InvalidInput, match="请填写取消报名的原因"):  # the volunteer is told why
        signups.cancel_signup(signup, actor=activities_leader)
    signups.cancel_signup(signup, actor=activities_leader, reason="电话告知不能参加")
    assert Signup.objects.get().status == "cancelled"
