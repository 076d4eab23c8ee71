"""Team pages: the list with incubation counts, create/edit, and the team workbench reached by
staff in scope and by the team's own leader (another team's leader gets 404)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.models import Team, TeamMember


def test_list_counts_incubated_teams_and_filters(client, district, street_a_staff):
    testing.team(district["community_a"], name="孵化完成队", incubation="incubated",
                 incubated_on=timezone.localdate())  # fmt: skip
    testing.team(district["community_a"], name="正在孵化队", incubation="incubating")
    testing.team(district["street_a"], name="街道总队")
    testing.team(district["community_b"], name="西城队", incubation="incubated")
    client.force_login(street_a_staff)
    body = client.get(reverse("volunteers:teams")).content.decode()
    assert "共 3 支，已孵化 1 支，孵化中 1 支" in body and "西城队" not in body
    body = client.get(reverse("volunteers:teams"), {"incubation": "incubated"}).content.decode()
    assert "孵化完成队" in body and "正在孵化队" not in body
    assert "共 3 支，已孵化 1 支" in body  # the counts ignore the incubation filter
    body = client.get(reverse("volunteers:teams"), {"region": "341271001001"}).content.decode()
    assert "街道总队" not in body and "共 2 支" in body


def test_create_and_edit_a_team(client, district, street_a_staff):
    client.force_login(street_a_staff)
    page = client.get(reverse("volunteers:team_new")).content.decode()
    assert "西关社区" not in page
    response = client.post(reverse("volunteers:team_new"), {
        "name": "东关文艺队", "kind": "team", "region": "341271001001", "phone": "0558-1",
    })  # fmt: skip
    team = Team.objects.get()
    assert response["Location"] == reverse("volunteers:team", args=[team.pk])
    response = client.post(reverse("volunteers:team_new"), {
        "name": "东关文艺队", "kind": "team", "region": "341271001001",
    })  # fmt: skip
    assert response.status_code == 422 and "同名" in response.content.decode()
    response = client.post(reverse("volunteers:team_edit", args=[team.pk]), {
        "name": "东关文艺志愿服务队", "kind": "team", "region": "341271001001",
        "description": "广场舞、合唱",
    })  # fmt: skip
    team.refresh_from_db()
    assert response.status_code == 302 and team.name == "东关文艺志愿服务队"


def test_the_leader_reaches_the_workbench_and_runs_the_roster(
    client, people_team, people_leader_user, people_volunteer
):
    client.force_login(people_leader_user)
    body = client.get(reverse("volunteers:teams")).content.decode()
    assert "东关助老服务队" in body
    url = reverse("volunteers:team", args=[people_team.pk])
    body = client.get(url).content.decode()
    assert "队员名册" in body and "设为负责人" not in body and 'id="incubation-form"' not in body
    for name in ("volunteers:activities", "volunteers:records"):
        assert f"{reverse(name)}?team={people_team.pk}" in body
    response = client.post(
        reverse("volunteers:team_members", args=[people_team.pk]),
        {"number": people_volunteer.number, "role": "member"},
    )
    assert response.status_code == 302
    member = TeamMember.objects.get(volunteer=people_volunteer)
    body = client.get(url).content.decode()
    assert "已加入本队" in body and people_volunteer.number in body
    response = client.post(
        reverse("volunteers:team_member_leave", args=[people_team.pk, member.pk]), {}
    )
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    # Staff-only steps are refused to the leader.
    assert (
        client.post(
            reverse("volunteers:team_incubation", args=[people_team.pk]), {"state": "incubating"}
        ).status_code
        == 403
    )
    leader = TeamMember.objects.get(team=people_team, role="leader")
    assert (
        client.post(
            reverse("volunteers:team_member_role", args=[people_team.pk, leader.pk]),
            {"role": "member"},
        ).status_code
        == 403
    )
    # The leader's edit form has only the phone and the description.
    page = client.get(reverse("volunteers:team_edit", args=[people_team.pk])).content.decode()
    assert 'name="description"' in page and 'name="region"' not in page


def test_add_member_errors_are_shown(client, people_team, people_leader_user):
    client.force_login(people_leader_user)
    response = client.post(
        reverse("volunteers:team_members", args=[people_team.pk]),
        {"number": "34127199999999", "role": "member"}, follow=True,
    )  # fmt: skip
    assert "未找到该志愿者编号" in response.content.decode()
    assert TeamMember.objects.filter(team=people_team).count() == 1


def test_another_leader_and_another_street_get_404(client, district, people_team, street_b_staff):
    other_user = testing.user(Role.VOLUNTEER, district["community_a"], name="别队队长")
    other = testing.volunteer(district["community_a"], name="别队队长", account=other_user)
    testing.team(district["community_a"], name="别的队", leader=other)
    for user in (other_user, street_b_staff):
        client.force_login(user)
        assert client.get(reverse("volunteers:team", args=[people_team.pk])).status_code == 404
        response = client.post(
            reverse("volunteers:team_members", args=[people_team.pk]), {"number": other.number}
        )
        assert response.status_code == 404
    assert TeamMember.objects.filter(team=people_team).count() == 1


def test_staff_run_incubation_and_leaders(client, people_team, street_a_staff, people_volunteer):
    client.force_login(street_a_staff)
    url = reverse("volunteers:team", args=[people_team.pk])
    assert 'id="incubation-form"' in client.get(url).content.decode()
    client.post(reverse("volunteers:team_incubation", args=[people_team.pk]),
                {"state": "incubating"})  # fmt: skip
    people_team.refresh_from_db()
    assert people_team.incubation == "incubating"
    client.post(reverse("volunteers:team_members", args=[people_team.pk]),
                {"number": people_volunteer.number, "role": "leader"})  # fmt: skip
    assert TeamMember.objects.get(volunteer=people_volunteer).role == "leader"
    response = client.post(
        reverse("volunteers:team_incubation", args=[people_team.pk]), {"state": "none"},
        follow=True,
    )  # fmt: skip
    assert "孵化状态已变更为「未纳入孵化」" in response.content.decode()
    response = client.post(
        reverse("volunteers:team_incubation", args=[people_team.pk]), {"state": "incubated"},
        follow=True,
    )  # fmt: skip
    assert "不能变更为「已孵化」" in response.content.decode()


def test_a_resident_without_teams_is_refused_the_list(client, resident):
    client.force_login(resident)
    assert client.get(reverse("volunteers:teams")).status_code == 403


def test_a_leader_without_a_workbench_role_finds_the_team_pages_in_the_menu(
    client, people_team, people_leader_user, people_user
):
    client.force_login(people_leader_user)
    body = client.get(reverse("volunteers:teams")).content.decode()
    for name in ("volunteers:teams", "volunteers:activities", "volunteers:records",
                 "volunteers:certificates"):  # fmt: skip
        assert f'href="{reverse(name)}"' in body
    assert f'href="{reverse("volunteers:list")}"' not in body  # the register stays staff's
    client.force_login(people_user)  # a volunteer who leads no team
    body = client.get(reverse("inbox:list")).content.decode()
    assert f'href="{reverse("volunteers:teams")}"' not in body


def test_a_large_roster_is_paged_and_searchable(client, district, street_a_staff, people_team):
    from shegong.volunteers.views.teams import ROSTER_PAGE

    members = [
        testing.volunteer(
            district["community_a"], name=f"队员{i:02d}", birth=f"1990{1 + i % 12:02d}15"
        )
        for i in range(ROSTER_PAGE + 3)
    ]
    for v in members:
        TeamMember.objects.create(team=people_team, volunteer=v, role="member")
    total = TeamMember.objects.filter(team=people_team, left_on=None).count()  # + the leader
    client.force_login(street_a_staff)
    url = reverse("volunteers:team", args=[people_team.pk])
    body = client.get(url).content.decode()
    assert f"现有 {total} 人" in body and "第 1/2 页" in body
    assert body.count('member-leave"') == ROSTER_PAGE
    body = client.get(f"{url}?page=2").content.decode()
    assert body.count('member-leave"') == total - ROSTER_PAGE
    body = client.get(f"{url}?q={members[5].number}").content.decode()
    assert body.count('member-leave"') == 1 and members[5].number in body
    body = client.get(f"{url}?q=没有这个人").content.decode()
    assert "没有找到「没有这个人」" in body


def test_the_team_page_sums_up_its_year_for_the_work_summary(
    client, district, street_a_staff, people_team, people_volunteer
):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from shegong.volunteers.models import ServiceRecord
    from shegong.volunteers.queries import statistics

    today = timezone.localdate()
    activity = testing.activity(people_team, title="重阳敬老", starts_at=timezone.now())
    activity.people_served = 35
    activity.save(update_fields=["people_served"])
    for status, hours in (("approved", "2.50"), ("approved", "1.50"), ("pending", "9")):
        ServiceRecord.objects.create(
            volunteer=people_volunteer, team=people_team, region=people_team.region,
            kind="manual", status=status, content="服务", served_on=today, hours=Decimal(hours),
        )  # fmt: skip
    ServiceRecord.objects.create(  # last year's service is not this year's
        volunteer=people_volunteer, team=people_team, region=people_team.region, kind="manual",
        status="approved", content="去年", served_on=today.replace(month=1, day=1)
        - timedelta(days=1), hours=Decimal("7"),
    )  # fmt: skip
    figures = statistics.team_year(people_team, today.year)
    assert figures["hours"] == Decimal("4.00") and figures["activities"] == 1
    assert figures["served"] == 35
    client.force_login(street_a_staff)
    body = client.get(reverse("volunteers:team", args=[people_team.pk])).content.decode()
    assert (
        f"{today.year}年，{people_team.name}现有队员{figures['members']}人，开展志愿服务活动1场次，"
        "服务群众35人次，确认志愿服务时长4.00小时。"
    ) in body


def test_a_volunteer_leaves_a_team_from_the_phone_home(client, district):
    """我的队伍 offers 退出队伍 (asking first) for a member, not for a leader; someone else's
    membership is 404 and a leader's own leaving is refused with the reason."""
    user = testing.user(Role.VOLUNTEER, district["community_a"], name="东关队员")
    volunteer = testing.volunteer(district["community_a"], name="东关队员", account=user)
    team = testing.team(district["community_a"], name="东关助老服务队")
    led = testing.team(district["community_a"], name="东关巡河队", leader=volunteer)
    member = TeamMember.objects.create(team=team, volunteer=volunteer)
    leading = TeamMember.objects.get(team=led)
    client.force_login(user)
    body = client.get(reverse("volunteers_m:home")).content.decode()
    leave = reverse("volunteers_m:team_leave", args=[member.pk])
    assert leave in body and "data-confirm=" in body and "shegong/confirm" in body
    assert reverse("volunteers_m:team_leave", args=[leading.pk]) not in body
    assert client.get(leave).status_code == 405

    refused = client.post(reverse("volunteers_m:team_leave", args=[leading.pk]))
    assert refused.status_code == 409 and "负责人交接" in refused.content.decode()

    stranger = testing.user(Role.VOLUNTEER, district["community_a"], name="别人")
    testing.volunteer(district["community_a"], name="别人", account=stranger)
    client.force_login(stranger)
    assert client.post(leave).status_code == 404

    client.force_login(user)
    response = client.post(leave, {"reason": "工作调动"})
    assert response.status_code == 302 and response["Location"] == reverse("volunteers_m:home")
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert "您已退出「东关助老服务队」" in body and leave not in body


def test_a_volunteer_pauses_resumes_and_leaves_on_the_phone(client, district):
    """服务状态 on 我的志愿服务: pause and resume, leave (asking first: data-confirm) which ends
    the team memberships, rejoin; a bad status is a clear 422 and changes nothing."""
    from shegong.core.audit import Verb
    from shegong.core.models import AuditEvent

    user = testing.user(Role.VOLUNTEER, district["community_a"], name="东关队员")
    volunteer = testing.volunteer(district["community_a"], name="东关队员", account=user)
    member = TeamMember.objects.create(
        team=testing.team(district["community_a"], name="东关助老服务队"), volunteer=volunteer
    )
    status = reverse("volunteers_m:status")
    client.force_login(user)
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert "服务状态：在册" in body and "暂停志愿服务" in body and "确定退出志愿服务？" in body

    bad = client.post(status, {"status": "deleted"})
    assert bad.status_code == 422 and "请选择状态" in bad.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == "active"

    assert client.post(status, {"status": "paused"}).status_code == 302
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert "已暂停志愿服务" in body and "恢复志愿服务" in body
    client.post(status, {"status": "active"})
    client.post(status, {"status": "left"})
    volunteer.refresh_from_db()
    member.refresh_from_db()
    assert volunteer.status == "left" and member.left_on == timezone.localdate()
    body = client.get(reverse("volunteers_m:home")).content.decode()
    assert "您已退出志愿服务" in body and "重新加入志愿服务" in body
    events = AuditEvent.objects.filter(verb=Verb.VOLUNTEER_STATUS_CHANGED)
    assert events.count() == 3 and all(e.data["self_service"] for e in events)

    stranger = testing.user(Role.VOLUNTEER, district["community_a"], name="没注册的")
    client.force_login(stranger)
    assert client.post(status, {"status": "left"}).status_code == 404
