"""数据看板: the cards' figures on hand-built data, card = drill-down total, the scope, bad
periods, the Excel exports, the API, HEAD, the workbench card."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import registry
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.core.registry import Indicator
from shegong.dashboard import rollup
from shegong.dashboard.models import Rollup
from shegong.volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

MARCH = "start=2026-03-01&end=2026-03-31"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def data(district):
    """March 2026: street A's community holds two activities (10 + 5 people served) and 5.5
    approved hours; street B's one activity (1 person) and 2 hours. February: one activity of
    street A (the previous period). A cancelled activity and a pending record never count."""
    team_a = testing.team(district["community_a"], name="东关测试队")
    team_b = testing.team(district["community_b"], name="西关测试队")
    testing.activity(
        team_a, title="东关测试活动一", starts_at=at(date(2026, 3, 2)), people_served=10
    )
    testing.activity(team_a, title="东关测试活动二", starts_at=at(date(2026, 3, 31), 23),
                     people_served=5)  # fmt: skip
    testing.activity(team_b, title="西关测试活动", starts_at=at(date(2026, 3, 20)), people_served=1)
    testing.activity(team_a, title="二月测试活动", starts_at=at(date(2026, 2, 10)), people_served=4)
    testing.activity(team_a, title="取消的活动", starts_at=at(date(2026, 3, 5)), status="cancelled")
    volunteer_a = testing.volunteer(district["community_a"], name="测试志愿者甲")
    volunteer_b = testing.volunteer(district["community_b"], name="测试志愿者乙", birth="19910101")

    def record(volunteer, team, hours, day, status="approved"):
        ServiceRecord.objects.create(
            volunteer=volunteer, team=team, region=team.region, kind="manual", status=status,
            hours=Decimal(hours), served_on=day, content="陪伴测试老人",
        )  # fmt: skip

    record(volunteer_a, team_a, "3.50", date(2026, 3, 3))
    record(volunteer_a, team_a, "2.00", date(2026, 3, 25))
    record(volunteer_a, team_a, "9.00", date(2026, 3, 26), status="pending")
    record(volunteer_b, team_b, "2.00", date(2026, 3, 4))
    rollup.backfill()
    return {"team_a": team_a, "team_b": team_b}


def card_values(html: str) -> dict[str, str]:
    """data-indicator → the card's data-sg-value."""
    found = re.findall(r'data-indicator="([^"]+)".*?data-sg-value="([^"]*)"', html, re.S)
    return dict(found)


def test_cards_show_the_periods_figures_and_the_change(client, district_admin, data):
    client.force_login(district_admin)
    response = client.get(f"/dashboard/?{MARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    values = card_values(html)
    assert values["volunteers.activities"] == "3.0"
    assert values["volunteers.people_served"] == "16.0"
    assert values["volunteers.hours"] == "7.5"
    # The previous 31 days (Jan 29 – Feb 28) held one activity: 3 − 1 = ↑2.
    card = html.split('data-indicator="volunteers.activities"')[1].split("</svg>")[0]
    assert 'data-delta="2.0"' in card and "环比 ↑2" in card
    assert "<polyline" in card  # the sparkline, inline SVG
    assert "志愿服务与专业社工" in html
    assert "已发布的志愿服务活动" in html  # the definition


def test_card_figure_equals_the_drill_down_total(client, district_admin, data):
    client.force_login(district_admin)
    html = client.get(f"/dashboard/?{MARCH}").content.decode()
    values = card_values(html)
    for code in ("volunteers.activities", "volunteers.people_served", "volunteers.hours"):
        link = re.search(rf'href="(/dashboard/records/{re.escape(code)}/\?[^"]+)"', html)
        assert link, code
        page = client.get(link.group(1).replace("&amp;", "&"))
        assert page.status_code == 200
        total = re.search(r'data-sg-total="([^"]+)"', page.content.decode()).group(1)
        assert float(total) == float(values[code]), code


def test_drill_down_lists_the_records_of_the_region(client, district_admin, district, data):
    client.force_login(district_admin)
    url = f"/dashboard/records/volunteers.activities/?region={district['street_a'].code}&{MARCH}"
    html = client.get(url).content.decode()
    assert "东关测试活动一" in html and "东关测试活动二" in html
    assert "西关测试活动" not in html and "取消的活动" not in html and "二月测试活动" not in html
    assert 'data-sg-total="2"' in html


def test_a_street_user_cannot_pick_another_street(client, street_a_staff, district, data):
    client.force_login(street_a_staff)
    assert client.get(f"/dashboard/?region={district['street_b'].code}").status_code == 404
    assert client.get(f"/dashboard/?region={district['district'].code}").status_code == 404
    url = f"/dashboard/records/volunteers.activities/?region={district['community_b'].code}"
    assert client.get(url).status_code == 404
    html = client.get(f"/dashboard/?{MARCH}").content.decode()
    assert card_values(html)["volunteers.activities"] == "2.0"
    ranking = html.split('id="ranking-regions"')[1].split("</table>")[0]
    assert "东关社区" in ranking
    assert "西关社区" not in ranking and "西城街道" not in ranking


def test_the_district_ranks_its_streets(client, district_admin, data):
    client.force_login(district_admin)
    html = client.get(f"/dashboard/?{MARCH}&code=volunteers.people_served").content.decode()
    ranking = html.split('id="ranking-regions"')[1].split("</table>")[0]
    assert ranking.index("东城街道") < ranking.index("西城街道")
    assert ">15<" in ranking and ">1<" in ranking
    assert "board-trend-data" in html and "echarts" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-03-10&end=2026-03-01", "结束日期不能早于开始日期"),
        ("start=2026-03-01&end=2099-01-01", "结束日期不能晚于今天"),
        ("start=2020-01-01&end=2026-03-01", "统计期不能超过"),
        ("start=2026-13-01&end=2026-03-01", "开始日期格式应为 YYYY-MM-DD"),
        ("period=custom&start=2026-03-01", "请填写结束日期"),
        ("period=decade", "统计期应为"),
    ],
)
def test_bad_periods_are_400_with_the_message(client, district_admin, data, query, message):
    client.force_login(district_admin)
    for url in (f"/dashboard/?{query}", f"/dashboard/records/volunteers.hours/?{query}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in response.content.decode()


def test_the_records_export_is_audited_and_matches(client, district_admin, district, data):
    client.force_login(district_admin)
    url = f"/dashboard/records/volunteers.hours/export/?region={district['street_a'].code}&{MARCH}"
    response = client.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("服务内容", "记录单位", "服务日期", "时长（小时）")
    assert sorted(r[3] for r in rows[1:]) == [2.0, 3.5]
    assert all(r[1] == "东关测试队" for r in rows[1:])
    entry = AuditEvent.objects.filter(verb=Verb.DASHBOARD_EXPORTED).get()
    assert entry.data["rows"] == 2 and entry.data["masked"] is True
    assert entry.data["filters"]["code"] == "volunteers.hours"


def test_the_ranking_exports(client, district_admin, data):
    client.force_login(district_admin)
    response = client.get(f"/dashboard/rankings/export/?{MARCH}&code=volunteers.activities")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1:] == [(1, "街道", "东城街道", 2), (2, "街道", "西城街道", 1)]
    assert AuditEvent.objects.filter(verb=Verb.DASHBOARD_EXPORTED).count() == 1


def test_head_works_and_the_page_needs_the_permission(client, district_admin, resident, data):
    client.force_login(district_admin)
    for url in ("/dashboard/", "/dashboard/records/volunteers.hours/"):
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405
    client.force_login(resident)
    assert client.get("/dashboard/").status_code == 403
    client.logout()
    assert client.get("/dashboard/").status_code == 302


def test_an_unknown_indicator_is_404(client, district_admin, data):
    client.force_login(district_admin)
    assert client.get("/dashboard/records/no.such/").status_code == 404


def test_empty_state_before_any_rollup(client, district_admin):
    client.force_login(district_admin)
    Rollup.objects.all().delete()
    html = client.get("/dashboard/").content.decode()
    assert "暂无汇总数据" in html and "数据尚未汇总" in html


@pytest.fixture
def per_activity_rate():
    """A rate for the test: people served per activity (×100), registered for the test only."""
    rate = Indicator(
        "test.per_activity", "测试人均比率", "%", "volunteers", "测试用比率。", kind="rate",
        numerator="volunteers.people_served", denominator="volunteers.activities",
    )  # fmt: skip
    registry.indicators.add(rate)
    yield rate
    registry.indicators.remove(rate.code)


def test_a_rate_without_denominator_shows_a_dash_and_drills_to_its_parts(
    client, district_admin, data, per_activity_rate
):
    client.force_login(district_admin)
    html = client.get("/dashboard/?start=2026-05-01&end=2026-05-31").content.decode()
    card = html.split('data-indicator="test.per_activity"')[1].split("</svg>")[0]
    assert 'data-sg-value=""' in card and "—" in card
    html = client.get(f"/dashboard/records/test.per_activity/?{MARCH}").content.decode()
    assert "533.3%" in html  # 16 ÷ 3
    assert "/dashboard/records/volunteers.people_served/?" in html
    assert "/dashboard/records/volunteers.activities/?" in html


def test_the_workbench_card(client, street_a_staff, data):
    client.force_login(street_a_staff)
    html = client.get("/").content.decode()
    assert 'id="card-dashboard"' in html
    assert 'data-indicator="volunteers.activities"' in html


def test_the_api(client, district_admin, street_a_staff, district, data):
    client.force_login(district_admin)
    listed = client.get("/api/v1/dashboard/indicators").json()
    hours = next(i for i in listed if i["code"] == "volunteers.hours")
    assert hours["section_title"] == "志愿服务与专业社工" and hours["definition"]
    got = client.get(
        "/api/v1/dashboard/figures", {"codes": "volunteers.activities,volunteers.hours",
                                      "start": "2026-03-01", "end": "2026-03-31"},
    ).json()  # fmt: skip
    assert {f["code"]: f["value"] for f in got["figures"]} == {
        "volunteers.activities": 3,
        "volunteers.hours": 7.5,
    }
    assert got["figures"][0]["previous"] == 1
    bad = client.get("/api/v1/dashboard/figures", {"start": "2026-03-05", "end": "2026-03-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.json()["detail"]
    unknown = client.get("/api/v1/dashboard/figures", {"codes": "no.such"})
    assert unknown.status_code == 400
    client.force_login(street_a_staff)
    other = client.get("/api/v1/dashboard/figures", {"region": district["street_b"].code})
    assert other.status_code == 404
    march = {"codes": "volunteers.activities", "start": "2026-03-01", "end": "2026-03-31"}
    mine = client.get("/api/v1/dashboard/figures", march)
    assert mine.json()["figures"][0]["value"] == 2


def test_a_department_user_sees_the_departments_ranking(
    client, district, district_admin, department_a
):
    """An indicator with a ``dim_field``: the rankings name the departments (rows by hand)."""
    dimmed = Indicator(
        "test.dimmed", "测试部门指标", "件", "volunteers", "测试用。",
        source="shegong.volunteers.indicators.held_activities", date_field="starts_at",
        dim_field="team_id",
    )  # fmt: skip
    registry.indicators.add(dimmed)
    try:
        for dim, value in ((str(department_a.pk), 4), ("999999", 1)):
            for grain in (Rollup.DAY, Rollup.MONTH):
                Rollup.objects.create(indicator="test.dimmed", grain=grain, region="341271001001",
                                      day=date(2026, 3, 1), dim=dim, value=value)  # fmt: skip
        client.force_login(district_admin)
        html = client.get(f"/dashboard/?{MARCH}&code=test.dimmed").content.decode()
        table = html.split('id="ranking-departments"')[1].split("</table>")[0]
        assert table.index("城管局") < table.index("未指定部门")
        handler = testing.user(
            Role.DEPARTMENT_SUPERVISOR, district["district"], department=department_a
        )
        client.force_login(handler)
        values = card_values(client.get(f"/dashboard/?{MARCH}").content.decode())
        assert values["test.dimmed"] == "4.0"  # the department's own rows only
    finally:
        registry.indicators.remove("test.dimmed")


def test_a_grid_worker_sees_the_grid_s_own_figures(client, district, data):
    """A 网格员 (a community worker whose scope is one grid) sees the grid's figures, counted
    from its records, and its drill-down lists the same records: not zeros, not the community's."""
    team_grid = testing.team(district["grid_a"], name="网格测试队")
    testing.activity(team_grid, title="网格里的活动", starts_at=at(date(2026, 3, 9)),
                     people_served=6)  # fmt: skip
    worker = testing.user(Role.COMMUNITY_WORKER, district["grid_a"], name="网格员")
    client.force_login(worker)
    html = client.get(f"/dashboard/?{MARCH}").content.decode()
    values = card_values(html)
    assert values["volunteers.activities"] == "1.0"
    assert values["volunteers.people_served"] == "6.0"
    link = re.search(r'href="(/dashboard/records/volunteers.activities/\?[^"]+)"', html)
    page = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "网格里的活动" in page and "东关测试活动一" not in page
