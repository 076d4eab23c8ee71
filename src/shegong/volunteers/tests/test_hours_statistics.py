"""Statistics of volunteer service: totals by month, community, team, volunteer; stars;
activities and people served; the page, its chart data and the Excel export."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shegong import testing
from shegong.volunteers.actions import hours
from shegong.volunteers.models import Volunteer
from shegong.volunteers.queries import statistics

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def served(district, hours_team, hours_member, hours_record, hours_leader_user):
    """Approved hours in community A (Jan 2 h + 1.5 h, Feb 3 h), one pending, one declined, one
    in community B (4 h), and a published activity with 30 people served in community A."""
    b_team = testing.team(district["community_b"], name="西城志愿服务队")
    records = [
        hours_record(hours="2.00", served_on=date(YEAR, 1, 5)),
        hours_record(hours="1.50", served_on=date(YEAR, 1, 20)),
        hours_record(hours="3.00", served_on=date(YEAR, 2, 1)),
        hours_record(team=b_team, hours="4.00", served_on=date(YEAR, 1, 7)),
    ]
    hours.approve_many(records, None)
    hours_record(hours="8.00", served_on=date(YEAR, 1, 6))  # pending: not counted
    hours.decline(hours_record(hours="9.00", served_on=date(YEAR, 1, 6)), None, "重复")
    zone = timezone.get_current_timezone()
    activity = testing.activity(
        hours_team, starts_at=datetime(YEAR, 3, 1, 9, tzinfo=zone), people_served=30
    )
    testing.activity(
        hours_team, title="已取消的活动", starts_at=datetime(YEAR, 3, 2, 9, tzinfo=zone),
        status="cancelled", people_served=99,
    )  # fmt: skip
    return activity


def test_region_by_month_sums_approved_hours_only(served, district):
    totals = statistics.region_month_hours(
        district["district"].prefix, date(YEAR, 1, 1), date(YEAR, 12, 31)
    )
    a, b = district["community_a"].code, district["community_b"].code
    assert totals == {
        (a, f"{YEAR}-01"): Decimal("3.50"),
        (a, f"{YEAR}-02"): Decimal("3.00"),
        (b, f"{YEAR}-01"): Decimal("4.00"),
    }
    street_a = statistics.region_month_hours(
        district["street_a"].prefix, date(YEAR, 1, 1), date(YEAR, 12, 31)
    )
    assert set(street_a) == {(a, f"{YEAR}-01"), (a, f"{YEAR}-02")}


def test_team_and_volunteer_totals_by_period(served, hours_team, hours_member):
    assert statistics.team_hours(hours_team) == Decimal("6.50")
    assert statistics.team_hours(hours_team, date(YEAR, 2, 1), date(YEAR, 2, 28)) == Decimal("3.00")
    volunteer = Volunteer.objects.get(pk=hours_member.pk)
    assert statistics.volunteer_hours(volunteer) == Decimal("10.50")  # incl. community B
    assert statistics.volunteer_hours(volunteer, date(YEAR, 1, 1), date(YEAR, 1, 31)) == Decimal(
        "7.50"
    )


def test_the_year_in_a_streets_scope(served, district, street_a_staff):
    stats = statistics.for_user(street_a_staff, YEAR)
    assert stats.hours[:3] == [Decimal("3.50"), Decimal("3.00"), Decimal("0.00")]
    assert stats.activities[2] == 1 and stats.served[2] == 30  # the cancelled one is not counted
    assert stats.totals["hours"] == Decimal("6.50") and stats.totals["served"] == 30
    (community,) = stats.communities
    assert community.name == district["community_a"].name and community.activities == 1
    stars = dict(stats.stars)
    assert stars[0] == stats.totals["volunteers"] >= 2  # the member and the leader, no star yet
    assert stats.chart()["labels"][0] == "1月"


def test_the_statistics_page_and_its_exports(client, served, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get(reverse("volunteers:statistics"))
    body = response.content.decode()
    assert response.status_code == 200 and "echarts.common.min.js" in body
    assert 'id="total-hours">6.50<' in body and "volunteer-chart-data" in body
    assert "西关" not in body and "西城" not in body
    export = client.get(reverse("volunteers:statistics_export"), {"year": YEAR})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["区划代码", "社区", "确认服务时长（小时）"] and rows[1][2] == 6.5
    export = client.get(reverse("volunteers:statistics_export"), {"year": YEAR, "table": "month"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content)))
    assert rows.get_sheet_by_index(0).to_python()[1][:2] == [f"{YEAR}-01", 3.5]
    assert client.get(reverse("volunteers:statistics"), {"year": "1900"}).status_code == 422


def test_statistics_need_the_view_permission(client, hours_leader_user):
    client.force_login(hours_leader_user)
    assert client.get(reverse("volunteers:statistics")).status_code == 403


def test_the_aggregate_reads_the_covering_index_without_sorting(served, district):
    """The region-by-month query walks ``record_totals`` alone (no table rows, no sort)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan")
    qs = statistics.day_region_query(
        district["district"].prefix, date(YEAR, 1, 1), date(YEAR, 12, 31)
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX record_totals" in plan and "TEMP B-TREE" not in plan, plan


def test_the_registered_volunteers_figure_is_the_active_volunteer_list(
    client, district, street_a_staff
):
    """在册志愿者 links to the volunteer list filtered to 在册 and equals its total; paused and
    left volunteers are in neither (issue 13, part 4)."""
    import re

    from shegong import testing
    from shegong.volunteers.choices import VolunteerStatus

    for n, status in enumerate(
        [VolunteerStatus.ACTIVE, VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED,
         VolunteerStatus.LEFT]
    ):  # fmt: skip
        testing.volunteer(district["community_a"], name=f"志愿者{n}", status=status,
                          birth=f"1990010{n + 1}")  # fmt: skip
    client.force_login(street_a_staff)
    page = client.get(reverse("volunteers:statistics")).content.decode()
    match = re.search(r'id="total-volunteers" href="([^"]+)" data-sg-count="(\d+)"', page)
    assert match and match.group(2) == "2"
    listed = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert 'data-sg-total="2"' in listed
