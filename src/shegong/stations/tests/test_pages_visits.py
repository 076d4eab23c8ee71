"""Visit pages: the H5 check-in (30-minute notice, closed station, no worker profile), my
visits, the tally form (perm, scope, bad input) and the statistics page with its export."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.stations import qr
from shegong.stations.actions import stations as station_actions
from shegong.stations.actions import visits
from shegong.stations.models import Visit, VisitTally

from .visit_fixtures import station, worker


@pytest.fixture
def setup(district):
    return {
        "a": station("东关驿站", testing.POINT_A),
        "b": station("西城驿站", testing.POINT_B),
        "rider": worker(district["community_a"]),
    }


def checkin_url(s):
    return reverse("stations_m:checkin", args=[qr.checkin_token(s)])


def test_checkin_page_and_post(client, setup):
    rider = setup["rider"]
    client.force_login(rider.person.user)
    url = checkin_url(setup["b"])  # a rider checks in at another street's station too
    page = client.get(url).content.decode()
    assert "西城驿站" in page and 'name="services" value="water"' in page and "签到" in page
    response = client.post(url, {"services": ["water", "charging"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("stations_m:my_visits")
    visit = Visit.objects.get()
    assert visit.worker == rider and visit.services == ["water", "charging"]
    again = client.post(url, {})
    assert again.status_code == 200
    assert "30分钟内不重复计数" in again.content.decode()
    assert Visit.objects.count() == 1


def test_checkin_at_a_suspended_station(client, setup):
    station_actions.set_station_status(setup["a"], actor=None, status="suspended", reason="维修")
    client.force_login(setup["rider"].person.user)
    page = client.get(checkin_url(setup["a"])).content.decode()
    assert "暂不能签到" in page and 'id="checkin-form"' not in page
    response = client.post(checkin_url(setup["a"]), {})
    assert response.status_code == 409 and not Visit.objects.exists()


def test_checkin_without_worker_profile_goes_to_registration(client, setup, resident):
    client.force_login(resident)
    response = client.get(checkin_url(setup["a"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/m/worker/register/")


def test_checkin_needs_login(client, setup):
    response = client.get(checkin_url(setup["a"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_visits_shows_only_mine(client, setup, district):
    other = worker(district["community_a"], name="骑手小李")
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None)
    visits.record_visit(setup["b"], worker=other, actor=None)
    client.force_login(setup["rider"].person.user)
    response = client.get(reverse("stations_m:my_visits"))
    assert [v.station.name for v in response.context["rows"]] == ["东关驿站"]


def test_tally_form(client, setup, street_a_staff, street_b_staff, resident):
    url = reverse("stations:tally", args=[setup["a"].pk])
    today = timezone.localdate()
    client.force_login(street_b_staff)
    assert client.post(url, {"on": today, "count": 3}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"on": today, "count": 3}).status_code == 403
    client.force_login(street_a_staff)
    for data, field in (
        ({"on": today, "count": 0}, "count"),
        ({"on": today, "count": -4}, "count"),
        ({"on": today + timedelta(days=1), "count": 2}, "on"),
    ):
        response = client.post(url, data)
        assert response.status_code == 422
        assert field in response.context["form"].errors
    assert not VisitTally.objects.exists()
    response = client.post(url, {"on": today, "count": 5, "note": "雨天"})
    assert response.status_code == 302
    assert VisitTally.objects.get().count == 5
    detail = client.get(reverse("stations:detail", args=[setup["a"].pk])).content.decode()
    assert "下载签到二维码海报" in detail and 'id="tally-form"' in detail


def test_statistics_page_scope_and_export(client, setup, street_a_staff, resident):
    shanghai = ZoneInfo("Asia/Shanghai")
    year = timezone.localdate().year
    at = datetime(year, 1, 1, 0, 5, tzinfo=shanghai)  # UTC is still last year
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None, at=at)
    visits.record_visit(setup["b"], worker=setup["rider"], actor=None, at=at)
    VisitTally.objects.create(station=setup["a"], on=date(year, 1, 2), count=6)
    client.force_login(resident)
    assert client.get(reverse("stations:visits")).status_code == 403
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:visits"))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["totals"] == {"scans": 1, "tallied": 6, "total": 7}
    assert stats["months"][0]["total"] == 7
    page = response.content.decode()
    assert "东关驿站" in page and "西城驿站" not in page and "chart-months" in page
    sorted_page = client.get(reverse("stations:visits"), {"year": year, "sort": "name"})
    assert sorted_page.context["sort"] == "name"
    assert client.get(reverse("stations:visits"), {"year": "1999"}).status_code == 422
    export = client.get(reverse("stations:visits_export"), {"year": year})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("东关驿站", street_a_staff.active_membership.region.name, 1, 6, 7)
    assert AuditEvent.objects.filter(verb=Verb.STATIONS_EXPORTED,
                                     data__table="station_visits").count() == 1  # fmt: skip


def test_statistics_show_facilities_and_the_workers_demands_by_category_and_state(
    client, setup, street_a_staff
):
    from shegong.reports.actions import reports as report_actions
    from shegong.stations.models import Facility

    water = Facility.objects.get(code="water")
    setup["a"].facilities.add(water)
    setup["b"].facilities.add(water)  # street B: not counted for street A
    category = testing.report_category("worker-parking", "车辆停放", group="新就业群体诉求")
    report_actions.submit_report(
        actor=setup["rider"].person.user, category=category, description="电动车被锁",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:visits"))
    by_facility = {f.code: f.n for f in response.context["facilities"]}
    assert by_facility["water"] == 1
    demands = response.context["demands"]
    assert demands == [{"category": "车辆停放", "total": 1, "open": 1, "done": 0,
                        "statuses": {"待受理": 1}}]  # fmt: skip
    assert "chart-facilities" in response.content.decode()
