"""Visit actions: the 30-minute rule, open stations only, services, the anonymous tally, and the
服务人次 statistics (by station, street and month in Asia/Shanghai time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.stations import queries
from shegong.stations.actions import stations as station_actions
from shegong.stations.actions import visits
from shegong.stations.models import Station, Visit, VisitTally

from .visit_fixtures import station, worker

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def setup(district):
    return {
        "a": station("东关驿站", testing.POINT_A),
        "b": station("西城驿站", testing.POINT_B, facilities=["water"]),
        "rider": worker(district["community_a"]),
    }


def test_second_scan_within_30_minutes_is_not_counted(setup):
    start = timezone.now() - timedelta(hours=2)
    s, rider = setup["a"], setup["rider"]
    first = visits.record_visit(s, worker=rider, actor=rider.person.user, at=start,
                                services=["water"])  # fmt: skip
    with pytest.raises(visits.AlreadyCheckedIn) as caught:
        visits.record_visit(s, worker=rider, actor=None, at=start + timedelta(minutes=29))
    hhmm = timezone.localtime(first.at).strftime("%H:%M")
    assert caught.value.detail == f"已签到（{hhmm}），30分钟内不重复计数"
    assert Visit.objects.count() == 1
    visits.record_visit(s, worker=rider, actor=None, at=start + timedelta(minutes=31))
    assert Visit.objects.count() == 2
    assert first.services == ["water"] and first.source == "qr"
    assert AuditEvent.objects.filter(verb=Verb.VISIT_RECORDED_AT_STATION).count() == 2


def test_another_station_inside_the_window_counts(setup):
    at = timezone.now()
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None, at=at)
    visits.record_visit(setup["b"], worker=setup["rider"], actor=None, at=at)
    assert Visit.objects.count() == 2


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_a_station_not_open_refuses_visits(setup, status):
    station_actions.set_station_status(setup["a"], actor=None, status=status, reason="装修")
    with pytest.raises(DomainError, match="暂不能签到"):
        visits.record_visit(setup["a"], worker=setup["rider"], actor=None)
    assert not Visit.objects.exists()


def test_a_service_the_station_lacks_is_refused(setup):
    with pytest.raises(InvalidInput) as caught:
        visits.record_visit(setup["b"], worker=setup["rider"], actor=None, services=["charging"])
    assert caught.value.errors[0]["field"] == "services"
    assert not Visit.objects.exists()


def test_staff_entry_needs_manage_and_scope(setup, street_b_staff, resident, street_a_staff):
    with pytest.raises(NotFound):
        visits.record_visit(setup["a"], worker=setup["rider"], actor=street_b_staff,
                            source="staff")  # fmt: skip
    with pytest.raises(NotPermitted):
        visits.record_visit(setup["a"], worker=setup["rider"], actor=resident, source="staff")
    visit = visits.record_visit(setup["a"], worker=setup["rider"], actor=street_a_staff,
                                source="staff")  # fmt: skip
    assert visit.recorded_by == street_a_staff and visit.source == "staff"


def test_tally_checks_perm_scope_and_input(setup, street_a_staff, street_b_staff, resident):
    today = timezone.localdate()
    with pytest.raises(NotFound):
        visits.tally_visits(setup["a"], actor=street_b_staff, on=today, count=3)
    with pytest.raises(NotPermitted):
        visits.tally_visits(setup["a"], actor=resident, on=today, count=3)
    for count in (0, -2):
        with pytest.raises(InvalidInput) as caught:
            visits.tally_visits(setup["a"], actor=street_a_staff, on=today, count=count)
        assert caught.value.errors[0]["field"] == "count"
    with pytest.raises(InvalidInput) as caught:
        visits.tally_visits(setup["a"], actor=street_a_staff, on=today + timedelta(days=1),
                            count=2)  # fmt: skip
    assert caught.value.errors[0]["field"] == "on"
    assert not VisitTally.objects.exists()
    tally = visits.tally_visits(setup["a"], actor=street_a_staff, on=today, count=7, note="雨天")
    assert tally.count == 7 and tally.recorded_by == street_a_staff
    event = AuditEvent.objects.get(verb=Verb.VISITS_TALLIED)
    assert event.data["count"] == 7


def test_statistics_by_station_street_and_month(setup, district):
    a, b, rider = setup["a"], setup["b"], setup["rider"]
    # 2025-01-31 23:30 in Shanghai is still January there (15:30 UTC).
    jan_late = datetime(2025, 1, 31, 23, 30, tzinfo=SHANGHAI)
    # 2025-03-01 00:10 in Shanghai is March, though UTC is still February.
    mar_early = datetime(2025, 3, 1, 0, 10, tzinfo=SHANGHAI)
    visits.record_visit(a, worker=rider, actor=None, at=jan_late)
    visits.record_visit(a, worker=rider, actor=None, at=mar_early)
    visits.record_visit(b, worker=rider, actor=None, at=mar_early)
    visits.record_visit(a, worker=rider, actor=None,
                        at=datetime(2024, 12, 31, 23, 59, tzinfo=SHANGHAI))  # fmt: skip
    VisitTally.objects.create(station=a, on=date(2025, 1, 5), count=10)
    VisitTally.objects.create(station=b, on=date(2025, 2, 1), count=4)
    VisitTally.objects.create(station=b, on=date(2024, 2, 1), count=99)

    stats = queries.statistics(Station.objects.all(), 2025)
    assert stats["totals"] == {"scans": 3, "tallied": 14, "total": 17}
    months = {m["month"]: m["total"] for m in stats["months"]}
    assert months[1] == 11 and months[2] == 4 and months[3] == 2
    assert sum(months.values()) == 17
    by_station = {r["name"]: (r["scans"], r["tallied"], r["total"]) for r in stats["stations"]}
    assert by_station == {"东关驿站": (2, 10, 12), "西城驿站": (1, 4, 5)}
    streets = {r["name"]: r["total"] for r in stats["streets"]}
    assert streets == {district["street_a"].name: 12, district["street_b"].name: 5}

    scoped = queries.statistics(Station.objects.filter(pk=a.pk), 2025)
    assert scoped["totals"]["total"] == 12
    assert queries.statistics(Station.objects.all(), 2024)["totals"]["total"] == 100


def test_statistics_query_count_does_not_grow_with_visits(
    setup, district, django_assert_num_queries
):
    other = station("东关二号驿站", testing.POINT_A)
    base = timezone.now() - timedelta(days=1)
    for i in range(3):
        visits.record_visit(other, worker=setup["rider"], actor=None, at=base + timedelta(hours=i))
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None, at=base)
    # visits by station, tallies by station, visits by month, tallies by month, names, streets
    with django_assert_num_queries(6):
        queries.statistics(Station.objects.all(), timezone.localdate(base).year)


def test_a_streets_station_count_is_the_station_list_of_that_street(
    setup, district, client, street_a_staff
):
    """驿站数 of a street counts its stations served this year or not, closed ones too: the
    number the station list filtered by that street shows (issue 13, part 4: 36 against 43)."""
    from django.urls import reverse

    from shegong.stations.choices import StationStatus

    year = timezone.localdate().year
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None, at=timezone.now())
    quiet = station("东关二号驿站", testing.POINT_A)
    closed = station("东关三号驿站", testing.POINT_A)
    Station.objects.filter(pk=closed.pk).update(status=StationStatus.CLOSED)
    stats = queries.statistics(Station.objects.all(), year)
    streets = {r["name"]: r["stations"] for r in stats["streets"]}
    assert streets == {district["street_a"].name: 3, district["street_b"].name: 1}
    assert [r["name"] for r in stats["stations"]] == ["东关驿站"]  # served ones only
    assert quiet.pk not in {r["pk"] for r in stats["stations"]}

    client.force_login(street_a_staff)
    html = client.get(reverse("stations:visits")).content.decode()
    street = district["street_a"].code
    link = f'href="{reverse("stations:list")}?region={street}" data-sg-count="3"'
    assert link in html
    listed = client.get(reverse("stations:list"), {"region": street})
    assert listed.context["page"].paginator.count == 3
    assert 'data-sg-total="3"' in listed.content.decode()
