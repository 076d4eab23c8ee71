"""Team actions: create/edit, members joining and leaving, leaders, incubation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.ledger.models import Organization
from shegong.volunteers.actions import teams
from shegong.volunteers.models import Team, TeamMember
from shegong.volunteers.queries import access


def fields(exc):
    return {e["field"]: e["message"] for e in exc.value.errors}


def test_create_team_in_scope_with_organization_and_parent(district, street_a_staff):
    org = Organization.objects.create(
        name="东关社区社会组织联合会", kind="other", region=district["community_a"]
    )
    parent = teams.create_team(actor=street_a_staff, name="东城街道志愿服务总队",
                               region=district["street_a"].code)  # fmt: skip
    team = teams.create_team(
        actor=street_a_staff, name="东关助老队", region=district["community_a"].code,
        kind="organization", organization=org.pk, parent=parent.pk, phone="0558-1234567",
    )  # fmt: skip
    assert team.parent == parent and team.organization == org and team.kind == "organization"
    assert team.created_by == street_a_staff
    assert AuditEvent.objects.filter(verb=Verb.TEAM_SAVED).count() == 2


def test_create_team_bad_input(district, street_a_staff, community_a_worker, resident):
    team_b = testing.team(district["community_b"], name="西城队")
    with pytest.raises(InvalidInput) as exc:
        teams.create_team(actor=street_a_staff, name="", region=district["community_b"].code,
                          kind="gang", parent=team_b.pk)  # fmt: skip
    errors = fields(exc)
    assert {"name", "region", "kind", "parent"} <= set(errors)
    testing.team(district["community_a"], name="同名队")
    with pytest.raises(InvalidInput) as exc:
        teams.create_team(actor=street_a_staff, name="同名队", region=district["community_a"])
    assert "同名" in fields(exc)["name"]
    with pytest.raises(NotPermitted):
        teams.create_team(actor=resident, name="居民队", region=district["community_a"])
    assert Team.objects.count() == 2


def test_a_team_cannot_sit_under_itself(district, street_a_staff):
    top = testing.team(district["street_a"], name="总队")
    child = testing.team(district["community_a"], name="分队", parent=top)
    with pytest.raises(InvalidInput) as exc:
        teams.update_team(top, actor=street_a_staff, parent=child.pk)
    assert "下级" in fields(exc)["parent"]


def test_leader_edits_description_but_not_staff_fields(people_team, people_leader_user):
    teams.update_team(people_team, actor=people_leader_user, description="每周六上门助老")
    people_team.refresh_from_db()
    assert people_team.description == "每周六上门助老"
    with pytest.raises(NotPermitted):
        teams.update_team(people_team, actor=people_leader_user, name="新名字")
    event = AuditEvent.objects.get(verb=Verb.TEAM_SAVED)
    assert event.data["changed"]["description"][1] == "每周六上门助老"


def test_leader_of_another_team_gets_not_found(district, people_team):
    other_user = testing.user(Role.VOLUNTEER, district["community_a"], name="别队队长")
    other = testing.volunteer(district["community_a"], name="别队队长", account=other_user)
    testing.team(district["community_a"], name="别的队", leader=other)
    with pytest.raises(NotFound):
        teams.update_team(people_team, actor=other_user, description="x")
    with pytest.raises(NotFound):
        teams.add_member(people_team, actor=other_user, volunteer=other.number)


def test_leader_adds_and_removes_members_by_number(
    district, people_team, people_leader_user, people_volunteer
):
    user = testing.user(Role.VOLUNTEER, district["community_a"], name="有账号的")
    with_account = testing.volunteer(district["community_a"], account=user)
    member = teams.add_member(people_team, actor=people_leader_user, volunteer=with_account.number)
    assert member.role == "member" and member.joined_on == timezone.localdate()
    assert Notification.objects.filter(recipient=user, event="volunteers.team_joined").exists()
    with pytest.raises(InvalidInput) as exc:
        teams.add_member(people_team, actor=people_leader_user, volunteer=with_account.number)
    assert "已是本队队员" in fields(exc)["volunteer"]
    with pytest.raises(InvalidInput) as exc:
        teams.add_member(people_team, actor=people_leader_user, volunteer="000")
    assert "未找到" in fields(exc)["volunteer"]
    with pytest.raises(NotPermitted):  # only staff appoint leaders
        teams.add_member(people_team, actor=people_leader_user, volunteer=people_volunteer.number,
                         role="leader")  # fmt: skip
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput):
        teams.add_member(people_team, actor=people_leader_user,
                         volunteer=people_volunteer.number, joined_on=tomorrow)  # fmt: skip
    left = teams.remove_member(people_team, member.pk, actor=people_leader_user, reason="搬家")
    assert left.left_on == timezone.localdate()
    with pytest.raises(DomainError, match="已于"):
        teams.remove_member(people_team, member.pk, actor=people_leader_user)
    # The same volunteer may join again later: history is kept.
    teams.add_member(people_team, actor=people_leader_user, volunteer=with_account.number)
    assert TeamMember.objects.filter(team=people_team, volunteer=with_account).count() == 2
    verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs.count(Verb.TEAM_MEMBER_JOINED) == 2 and verbs.count(Verb.TEAM_MEMBER_LEFT) == 1


def test_leaving_before_joining_or_a_paused_volunteer(
    people_team, people_leader_user, people_volunteer
):
    member = teams.add_member(people_team, actor=people_leader_user,
                              volunteer=people_volunteer.number)  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        teams.remove_member(people_team, member.pk, actor=people_leader_user,
                            left_on=member.joined_on - timedelta(days=1))  # fmt: skip
    assert "早于加入日期" in fields(exc)["left_on"]
    teams.remove_member(people_team, member.pk, actor=people_leader_user)
    people_volunteer.status = "paused"
    people_volunteer.save()
    with pytest.raises(InvalidInput) as exc:
        teams.add_member(people_team, actor=people_leader_user, volunteer=people_volunteer.number)
    assert "暂停服务" in fields(exc)["volunteer"]


def test_staff_appoint_leaders_and_a_leader_cannot_remove_a_leader(
    people_team, people_leader_user, street_a_staff, people_volunteer
):
    member = teams.add_member(people_team, actor=street_a_staff,
                              volunteer=people_volunteer.number)  # fmt: skip
    teams.set_member_role(people_team, member.pk, actor=street_a_staff, role="leader")
    member.refresh_from_db()
    assert member.role == "leader"
    assert people_team.pk in access.teams_run_by(street_a_staff).values_list("pk", flat=True)
    with pytest.raises(NotPermitted):
        teams.set_member_role(people_team, member.pk, actor=people_leader_user, role="member")
    with pytest.raises(NotPermitted):
        teams.remove_member(people_team, member.pk, actor=people_leader_user)
    teams.remove_member(people_team, member.pk, actor=street_a_staff)


def test_incubation_none_incubating_incubated(people_team, street_a_staff, people_leader_user):
    today = timezone.localdate()
    with pytest.raises(IllegalTransition):
        teams.change_incubation(people_team, actor=street_a_staff, state="incubated")
    with pytest.raises(NotPermitted):
        teams.change_incubation(people_team, actor=people_leader_user, state="incubating")
    start = today - timedelta(days=90)
    teams.change_incubation(people_team, actor=street_a_staff, state="incubating", on=start)
    with pytest.raises(InvalidInput) as exc:
        teams.change_incubation(people_team, actor=street_a_staff, state="incubated",
                                on=start - timedelta(days=1))  # fmt: skip
    assert "不能早于" in fields(exc)["on"]
    with pytest.raises(InvalidInput):
        teams.change_incubation(people_team, actor=street_a_staff, state="incubated",
                                on=today + timedelta(days=1))  # fmt: skip
    teams.change_incubation(people_team, actor=street_a_staff, state="incubated")
    people_team.refresh_from_db()
    assert people_team.incubation == "incubated"
    assert (people_team.incubation_started_on, people_team.incubated_on) == (start, today)
    with pytest.raises(IllegalTransition, match="已孵化"):
        teams.change_incubation(people_team, actor=street_a_staff, state="none")
    events = AuditEvent.objects.filter(verb=Verb.TEAM_INCUBATION_CHANGED).order_by("pk")
    assert [e.data["incubation"] for e in events] == [
        ["none", "incubating"],
        ["incubating", "incubated"],
    ]


def test_incubation_of_another_street_is_not_found(people_team, street_b_staff):
    with pytest.raises(NotFound):
        teams.change_incubation(people_team, actor=street_b_staff, state="incubating")


# --- a volunteer leaves a team themselves (H5) ------------------------------------------------


def test_a_volunteer_leaves_their_own_team_and_the_leader_is_told(
    district, people_team, people_leader_user
):
    user = testing.user(Role.VOLUNTEER, district["community_a"], name="自己退的")
    volunteer = testing.volunteer(district["community_a"], name="自己退的", account=user)
    member = teams.add_member(people_team, actor=people_leader_user, volunteer=volunteer.number)
    left = teams.leave_team(member.pk, actor=user, reason="搬家了")
    assert left.left_on == timezone.localdate()
    event = AuditEvent.objects.get(verb=Verb.TEAM_LEFT_BY_SELF)
    assert event.actor_id == user.pk and event.data["reason"] == "搬家了"
    told = Notification.objects.get(recipient=people_leader_user, event="volunteers.member_left")
    assert "已退出「东关助老服务队」" in told.title and volunteer.number in told.title
    with pytest.raises(DomainError, match="已于"):
        teams.leave_team(member.pk, actor=user)


def test_nobody_leaves_for_someone_else_and_a_leader_hands_over_first(
    district, people_team, people_leader_user, street_a_staff
):
    user = testing.user(Role.VOLUNTEER, district["community_a"], name="队员丙")
    volunteer = testing.volunteer(district["community_a"], name="队员丙", account=user)
    member = teams.add_member(people_team, actor=people_leader_user, volunteer=volunteer.number)
    for other in (people_leader_user, street_a_staff):
        with pytest.raises(NotFound):
            teams.leave_team(member.pk, actor=other)
    with pytest.raises(NotFound):
        teams.leave_team("x", actor=user)
    leader_member = TeamMember.objects.get(team=people_team, role="leader")
    with pytest.raises(DomainError, match="负责人交接"):
        teams.leave_team(leader_member.pk, actor=people_leader_user)
    assert TeamMember.objects.filter(left_on__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(verb=Verb.TEAM_LEFT_BY_SELF).exists()
