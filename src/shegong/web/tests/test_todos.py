"""The workbench's "待办" panel renders whatever to-dos the apps registered, for the role that
may see them, and a volunteer leading a team reaches the workbench from a desktop and from /m/.

Personas: ``street_a_staff``, an audit administrator (no to-do of any app applies), a team
leader (a volunteer, no workbench role) and a volunteer leading nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import registry
from shegong.core.perms import Perm, Role
from shegong.core.registry import Registry, Todo
from shegong.web.todos import todos_for

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
)


@pytest.fixture
def todos(monkeypatch):
    """An empty to-do registry the test fills (the apps' own are put back afterwards)."""
    fresh: Registry[Todo] = Registry("todos")
    monkeypatch.setattr(registry, "todos", fresh)
    return fresh


def test_the_panel_lists_the_todos_with_something_to_do_in_order_with_their_links(
    client, street_a_staff, todos
):
    todos.add(
        Todo("b", "待审核的需求", lambda user: 3, "inbox:list", "status=new&sort=oldest", order=20,
             hint="提交后等待审核的需求"),
        Todo("a", "待回复的留言", lambda user: 12, "home", order=10, perm=Perm.LEDGER_VIEW),
        Todo("done", "已清零的事项", lambda user: 0, "home", order=5),
        Todo("not-mine", "仅系统管理员", lambda user: 99, "home", perm=Perm.SYSTEM_VIEW),
        Todo("not-here", "本部署未启用", lambda user: 5, "no-such-page"),
    )  # fmt: skip
    assert [(t["key"], t["count"], t["url"]) for t in todos_for(street_a_staff)] == [
        ("a", 12, "/"),
        ("b", 3, "/inbox/?status=new&sort=oldest"),
    ]
    client.force_login(street_a_staff)
    page = client.get("/").content.decode()
    panel = page[page.index('id="todos"') :]
    assert panel.index("待回复的留言") < panel.index("待审核的需求")
    assert 'href="/inbox/?status=new&amp;sort=oldest"' in panel
    assert "提交后等待审核的需求" in panel
    assert "已清零的事项" not in page and "仅系统管理员" not in page and "本部署未启用" not in page
    assert page.index('id="todos"') < page.index('id="card-scope"')  # the day starts there


def test_when_everything_is_done_the_panel_says_so(client, street_a_staff, todos):
    todos.add(Todo("done", "已清零的事项", lambda user: 0, "home"))
    assert todos_for(street_a_staff) == []
    client.force_login(street_a_staff)
    page = client.get("/").content.decode()
    assert 'id="todos-empty"' in page and "暂无待办，您的事项都已处理。" in page


def test_a_role_no_todo_applies_to_sees_no_panel(client, district, todos):
    auditor = testing.user(Role.AUDIT_ADMIN, district["district"], name="审计管理员")
    todos.add(Todo("a", "待回复的留言", lambda user: 4, "home", perm=Perm.LEDGER_VIEW))
    assert todos_for(auditor) is None
    client.force_login(auditor)
    assert 'id="todos"' not in client.get("/").content.decode()


# --- a team's leader --------------------------------------------------------------------------


@pytest.fixture
def leader(district):
    """A volunteer leading 东关志愿服务队, with one service record waiting for the team."""
    from shegong.volunteers.models import ServiceRecord

    account = testing.user(Role.VOLUNTEER, district["community_a"], name="东关队长")
    volunteer = testing.volunteer(district["community_a"], name="东关队长", account=account)
    team = testing.team(district["community_a"], name="东关志愿服务队", leader=volunteer)
    ServiceRecord.objects.create(
        volunteer=testing.volunteer(district["community_a"], name="李小红"), team=team,
        region=team.region, kind="manual", status="pending", hours=Decimal("2.00"),
        served_on=timezone.localdate() - timedelta(days=1), content="陪伴独居老人",
    )  # fmt: skip
    return account


def test_a_team_leader_on_a_desktop_lands_on_the_workbench_with_the_teams_todos(client, leader):
    client.force_login(leader)
    response = client.get("/", HTTP_USER_AGENT=DESKTOP)
    assert response.status_code == 200
    page = response.content.decode()
    assert "待确认的服务时长" in page and 'href="/volunteers/records/?sort=oldest"' in page
    assert "服务时长审核" in page and "志愿服务队伍" in page  # the team's pages, in the menu


def test_a_team_leader_on_a_phone_goes_to_m_which_links_the_team_workbench(client, leader):
    client.force_login(leader)
    response = client.get("/", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302 and response["Location"] == "/m/"
    page = client.get("/m/", HTTP_USER_AGENT=PHONE).content.decode()
    assert 'id="team-workbench-link" href="/?workbench=1"' in page
    response = client.get("/?workbench=1", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200 and "待确认的服务时长" in response.content.decode()


def test_a_volunteer_leading_nothing_stays_on_m(client, district):
    volunteer = testing.user(Role.VOLUNTEER, district["community_a"], name="普通志愿者")
    client.force_login(volunteer)
    for agent in (DESKTOP, PHONE):
        response = client.get("/?workbench=1", HTTP_USER_AGENT=agent)
        assert response.status_code == 302 and response["Location"] == "/m/"
    assert "team-workbench-link" not in client.get("/m/").content.decode()


def test_a_superuser_sees_every_apps_todos_and_a_user_without_a_role_sees_none(
    client, superuser, district
):
    from shegong.reports.actions.reports import submit_report

    category = testing.report_category("other", "其他问题", group="民生诉求")  # unrouted
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    submit_report(actor=rider, category=category, description="路灯不亮，夜里很黑",
                  lat=testing.POINT_A[0], lon=testing.POINT_A[1])  # fmt: skip
    client.force_login(superuser)
    page = client.get("/").content.decode()
    assert 'id="todo-reportssubmitted"' in page and "待受理工单" in page

    nobody = testing.user(Role.RESIDENT, district["community_a"], name="无角色")
    nobody.memberships.all().delete()
    assert todos_for(nobody) is None
