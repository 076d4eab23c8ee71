"""Every page a phone user reaches stays in the one H5 shell: its bottom navigation, and none of
the desktop stack (no Bootstrap, no icon font). The pages are listed by URL name; a new page in
an app's ``mobile_patterns`` (or the shell's) must be listed here, or among the endpoints that
are not pages, so it is checked too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.actions import topics as deliberation_topics
from shegong.deliberation.actions.actions import create_action
from shegong.deliberation.actions.meetings import token_for as meeting_token
from shegong.deliberation.models import TopicCategory
from shegong.matching.actions import orders as match_orders
from shegong.reports.actions.holding import assign_down
from shegong.reports.actions.reports import submit_report
from shegong.stations import qr
from shegong.stations.tests.visit_fixtures import station, worker
from shegong.volunteers.actions import attendance

MOBILE_NAMESPACES = ("reports_m", "stations_m", "volunteers_m", "matching_m", "deliberation_m")
SHELL_PAGES = ("mobile_home", "m_inbox", "m_me", "m_password_change")

# Endpoints under /m/ that are no page: POST-only actions, files, the duplicate check (JSON).
NOT_PAGES = {
    "reports_m:duplicates", "reports_m:follow", "reports_m:verify", "reports_m:reopen",
    "reports_m:rate", "reports_m:photo",
    "volunteers_m:signup", "volunteers_m:signup_cancel", "volunteers_m:certificate_pdf",
    "volunteers_m:certificate_request", "volunteers_m:certificate_request_withdraw",
    "volunteers_m:team_leave", "volunteers_m:status", "volunteers_m:dispute_withdraw",
    "volunteers_m:star_apply", "volunteers_m:star_withdraw",
    "matching_m:standing_task_done",
    "matching_m:order_photo", "matching_m:helper_photo",
    "deliberation_m:topic_photo",
    "deliberation_m:action_photo",
}  # fmt: skip


@pytest.fixture
def people(district, street_a_staff, community_a_worker):
    """The personas of the phone: a rider, a volunteer who leads a team, a resident, a community
    worker holding a case assigned down to the community (下派)."""
    region = district["community_a"]
    rider = worker(region, name="骑手小王")
    leader_user = testing.user(Role.VOLUNTEER, region, name="志愿队长")
    leader = testing.volunteer(region, name="志愿队长", account=leader_user)
    team = testing.team(region, name="东关助老服务队", leader=leader)
    activity = testing.activity(team, title="陪伴老人")
    category = testing.report_category()
    resident = testing.user(Role.RESIDENT, region, name="东关居民")
    report = submit_report(
        actor=resident, category=category, description="井盖缺失",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    found = station("东关驿站", testing.POINT_A)
    assign_down(report, actor=street_a_staff, community=region)
    helper = testing.user(Role.VOLUNTEER, region, name="送餐志愿者")
    testing.match_offer(region, "meals", helper=helper, name="送餐志愿者")
    order = testing.match_order(resident, region, "meals", description="想请人送午饭")
    match_orders.approve(order, community_a_worker)  # 助餐送餐: into the grab pool
    testing.deliberation_categories()
    topic = deliberation_topics.submit(
        resident, region=region, category=TopicCategory.objects.first(), title="3号楼加装电梯",
        body="老人上下楼难",
    )  # fmt: skip
    delib_action = create_action(
        community_a_worker, region=region, category=TopicCategory.objects.get(code="elevator"),
        title="东关加装电梯", due_on=timezone.localdate(), owner_kind="person",
        owner_name="东关社区居委会",
    )  # fmt: skip
    return {
        "topic": topic,
        "delib_action": delib_action,
        "helper": helper,
        "matching_order": order,
        "community_worker": community_a_worker,
        "rider": rider.person.user,
        "volunteer": leader_user,
        "resident": resident,
        "report": report,
        "activity": activity,
        "shift": activity.shifts.get(),
        "service_record": _approved_record(leader, team),
        "station": found,
        "meeting": _meeting(region),
    }


def _approved_record(volunteer, team):
    """An approved paper record of the volunteer (the one a 异议 is raised on)."""
    from shegong.volunteers.models import ServiceRecord

    return ServiceRecord.objects.create(
        volunteer=volunteer, team=team, region=team.region, kind="manual", status="approved",
        hours=2, content="陪伴老人", served_on=timezone.localdate(),
    )  # fmt: skip


def _meeting(region):
    """A meeting of 东关社区 with its notice out, starting now (the QR is good)."""
    from django.utils import timezone

    from shegong.deliberation.models import Meeting

    return Meeting.objects.create(
        region=region, kind="consultation", title="东关议事协商会", starts_at=timezone.now(),
        place="议事厅", signin_code="135790", notice="请参加", notice_published_at=timezone.now(),
        status="noticed",
    )  # fmt: skip


# name -> (persona, arguments)
PAGES: dict[str, tuple[str, Callable[[dict[str, Any]], list[Any]]]] = {
    "mobile_home": ("resident", lambda p: []),
    "m_inbox": ("resident", lambda p: []),
    "m_me": ("resident", lambda p: []),
    "m_password_change": ("resident", lambda p: []),
    "matching_m:standing_tasks": ("volunteer", lambda p: []),
    "reports_m:report": ("resident", lambda p: []),
    "reports_m:my_reports": ("resident", lambda p: []),
    "reports_m:my_detail": ("resident", lambda p: [p["report"].pk]),
    "reports_m:tasks": ("community_worker", lambda p: []),
    "reports_m:task_detail": ("community_worker", lambda p: [p["report"].pk]),
    "stations_m:worker_register": ("resident", lambda p: []),
    "stations_m:worker": ("rider", lambda p: []),
    "stations_m:worker_profile": ("rider", lambda p: []),
    "stations_m:worker_edit": ("rider", lambda p: []),
    "stations_m:worker_withdraw": ("rider", lambda p: []),
    "stations_m:checkin": ("rider", lambda p: [qr.checkin_token(p["station"])]),
    "stations_m:my_visits": ("rider", lambda p: []),
    "stations_m:my_care": ("rider", lambda p: []),
    "stations_m:m_nearest": ("rider", lambda p: []),
    "volunteers_m:home": ("volunteer", lambda p: []),
    "volunteers_m:register": ("resident", lambda p: []),
    "volunteers_m:edit": ("volunteer", lambda p: []),
    "volunteers_m:location_consent": ("volunteer", lambda p: []),
    "volunteers_m:activities": ("volunteer", lambda p: []),
    "volunteers_m:my_activities": ("volunteer", lambda p: []),
    "volunteers_m:activity": ("volunteer", lambda p: [p["activity"].pk]),
    "volunteers_m:shift_qr": ("volunteer", lambda p: [p["shift"].pk]),
    "volunteers_m:checkin": ("volunteer", lambda p: [attendance.token_for(p["shift"])]),
    "volunteers_m:hours": ("volunteer", lambda p: []),
    "volunteers_m:certificates": ("volunteer", lambda p: []),
    "volunteers_m:record_dispute": ("volunteer", lambda p: [p["service_record"].pk]),
    "matching_m:place": ("resident", lambda p: []),
    "matching_m:orders": ("resident", lambda p: []),
    "matching_m:order": ("resident", lambda p: [p["matching_order"].pk]),
    "matching_m:helper": ("helper", lambda p: []),
    "matching_m:my_offers": ("helper", lambda p: []),
    "matching_m:helper_order": ("helper", lambda p: [p["matching_order"].pk]),
    "deliberation_m:hall": ("resident", lambda p: []),
    "deliberation_m:topic_new": ("resident", lambda p: []),
    "deliberation_m:mine": ("resident", lambda p: []),
    "deliberation_m:topic": ("resident", lambda p: [p["topic"].pk]),
    "deliberation_m:meetings": ("resident", lambda p: []),
    "deliberation_m:meeting": ("resident", lambda p: [p["meeting"].pk]),
    "deliberation_m:checkin": ("resident", lambda p: [meeting_token(p["meeting"])]),
    "deliberation_m:actions": ("resident", lambda p: []),
    "deliberation_m:action": ("resident", lambda p: [p["delib_action"].pk]),
}


def mobile_url_names() -> set[str]:
    names: set[str] = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in MOBILE_NAMESPACES:
            names |= {f"{entry.namespace}:{p.name}" for p in entry.url_patterns if p.name}
    return names


def test_every_h5_page_is_listed():
    listed = set(PAGES) | NOT_PAGES
    assert mobile_url_names() - listed == set(), "list the new H5 page in PAGES or NOT_PAGES"
    assert set(SHELL_PAGES) <= set(PAGES)
    assert set(PAGES) - mobile_url_names() - set(SHELL_PAGES) == set()  # no stale entry


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_stays_in_the_shell_without_the_desktop_stack(client, people, name):
    persona, arguments = PAGES[name]
    client.force_login(people[persona])
    url = reverse(name, args=arguments(people))
    response = client.get(url)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.get('Location')}"
    html = response.content.decode()
    assert "vendor/bootstrap" not in html and "bootstrap-icons" not in html, name
    assert "shegong/shell.css" not in html and "htmx" not in html, name
    assert 'id="h5-nav"' in html and "shegong/h5.css" in html, name
