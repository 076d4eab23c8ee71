"""The stations' indicators on hand-built data: each figure equals the hand count, the raw
records and the drill-down after a backfill, and the stations pages' own numbers; the actions
(a scan, a tally, a benefit, an enrolment) move them at the next incremental step."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.reports import metrics as report_metrics
from shegong.reports.actions.reports import resolve_report, submit_report, verify_report
from shegong.reports.catalogue import WORKER_GROUP
from shegong.reports.queries import worker_demands_visible_to
from shegong.stations import indicators, queries
from shegong.stations.actions import care, visits
from shegong.stations.models import Station, VanguardPost, Visit, VisitTally

from .visit_fixtures import station, worker

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
SPRING = Period(date(2026, 3, 1), date(2026, 4, 30))
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
STREET_A, STREET_B = "341271001", "341271002"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_copied_definitions_are_the_closed_loops():
    assert indicators.WORKER_GROUP == WORKER_GROUP
    assert indicators.RESOLVED == report_metrics.RESOLVED


@pytest.fixture
def places(district):
    """Stations A (street A, March 5), C (street A, closed, March 20), B (street B, April 10);
    scans: two at A on March 2, one at B on March 15 (23:30 local), one at A on April 1;
    tallies: 5 at A on March 10, 3 at B on April 2; vanguard posts: one since February, one
    area since May, one no longer in place."""
    a = station("东关驿站", testing.POINT_A)
    b = station("西城驿站", testing.POINT_B)
    c = station("东关二号驿站", testing.POINT_A)
    Station.objects.filter(pk=a.pk).update(created_at=at(date(2026, 3, 5)))
    Station.objects.filter(pk=b.pk).update(created_at=at(date(2026, 4, 10)))
    Station.objects.filter(pk=c.pk).update(created_at=at(date(2026, 3, 20)), status="closed")
    w1 = worker(district["community_a"], "骑手甲")
    w2 = worker(district["community_b"], "骑手乙")
    for st, w, when in [
        (a, w1, at(date(2026, 3, 2))), (a, w2, at(date(2026, 3, 2))),
        (b, w1, at(date(2026, 3, 15), 23)), (a, w1, at(date(2026, 4, 1))),
    ]:  # fmt: skip
        Visit.objects.create(station=st, worker=w, at=when)
    VisitTally.objects.create(station=a, on=date(2026, 3, 10), count=5)
    VisitTally.objects.create(station=b, on=date(2026, 4, 2), count=3)
    for kind, since, active in [
        ("post", date(2026, 2, 1), True), ("area", date(2026, 5, 1), True),
        ("post", date(2026, 1, 1), False),
    ]:  # fmt: skip
        VanguardPost.objects.create(
            kind=kind, name="测试先锋岗", region=district["community_a"], since=since,
            active=active,
        )  # fmt: skip
    return {"a": a, "b": b, "c": c, "w1": w1, "w2": w2}


@pytest.mark.parametrize(
    ("code", "prefix", "period", "expected"),
    [
        ("stations.stations", "", MARCH, 2),  # A and the closed C
        ("stations.stations", "", YEAR, 3),
        ("stations.stations", STREET_B, MARCH, 0),
        ("stations.visits_scanned", "", MARCH, 3),
        ("stations.visits_scanned", STREET_A, MARCH, 2),
        ("stations.visits_scanned", STREET_B, Period(date(2026, 3, 15), date(2026, 3, 15)), 1),
        ("stations.visits_scanned", "", SPRING, 4),
        ("stations.visits_tallied", "", MARCH, 5),
        ("stations.visits_tallied", STREET_B, SPRING, 3),
        ("stations.vanguard_posts", "", MARCH, 1),
        ("stations.vanguard_posts", "", YEAR, 2),
    ],
)
def test_each_figure_equals_the_hand_count_the_raw_records_and_the_list(
    places, code, prefix, period, expected
):
    rollup.backfill()
    assert figures.totals([code], prefix, period).value(code) == expected
    assert figures.raw_value(code, prefix, period) == expected
    indicator = figures.get(code)
    rows = figures.records(indicator, prefix, period)
    listed = sum(r.count for r in rows) if indicator.measure else rows.count()
    assert listed == expected


def test_the_year_equals_the_visits_page(places):
    rollup.backfill()
    page = queries.statistics(Station.objects.all(), 2026)
    got = figures.totals(["stations.visits_scanned", "stations.visits_tallied"], "", YEAR)
    assert got.value("stations.visits_scanned") == page["totals"]["scans"] == 4
    assert got.value("stations.visits_tallied") == page["totals"]["tallied"] == 8
    served = figures.totals(["stations.visits"], "", YEAR)
    assert served.value("stations.visits") == page["totals"]["total"] == 12
    assert figures.raw_value("stations.visits", STREET_B, YEAR) == 4
    trend = figures.monthly(["stations.visits"], "", figures.months_ending(date(2026, 4, 30), 3))
    assert trend["stations.visits"] == [0, 8, 4]
    by_street = figures.totals(["stations.visits"], "", YEAR, by="street")
    assert by_street.keys("stations.visits") == {STREET_A, STREET_B}
    assert by_street.value("stations.visits", STREET_A) == 8
    stations_by_street = {row["code"][:9]: row["stations"] for row in page["streets"]}
    by_street = figures.totals(["stations.stations"], "", YEAR, by="street")
    assert by_street.values["stations.stations"] == stations_by_street == {STREET_A: 2, STREET_B: 1}


def test_the_actions_move_the_figures(places, district):
    rollup.backfill()
    today = timezone.localdate()
    period = Period(today, today)
    codes = ["stations.visits_scanned", "stations.visits_tallied", "stations.benefits",
             "stations.insured"]  # fmt: skip
    assert [figures.totals(codes, "", period).value(c) for c in codes] == [0, 0, 0, 0]
    a, w1, w2 = places["a"], places["w1"], places["w2"]
    visits.record_visit(a, worker=w1, actor=None)
    visits.tally_visits(a, actor=None, on=today, count=4)
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5),
    )  # fmt: skip
    care.set_stock(campaign, a, 5, actor=None)
    care.give_benefit(campaign, worker=w1, station=a, actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年度意外险", insurer="测试保险公司", policy_number="TEST-001",
        region=district["district"], starts_on=today, ends_on=today + timedelta(days=365),
    )  # fmt: skip
    care.enroll_workers(batch, [w1, w2], actor=None)
    assert rollup.roll_all_changes().days >= 4
    got = figures.totals(codes, "", period)
    assert [got.value(c) for c in codes] == [1, 4, 1, 2]
    assert figures.totals(["stations.insured"], STREET_B, period).value("stations.insured") == 1
    # The March scans were re-rolled with the station's: still the same figures.
    assert (
        figures.totals(["stations.visits_scanned"], "", MARCH).value("stations.visits_scanned") == 3
    )
    assert not rollup.drift(date(2026, 3, 1), today)


@pytest.fixture
def demands(district, handler, department_a):
    """Three workers' demands (one resolved and verified) and one other case, today."""
    school = testing.report_category("worker-school", "子女入学", group=WORKER_GROUP)
    testing.routing_rule(school, district["district"], department_a)
    road = testing.report_category()
    testing.routing_rule(road, district["district"], department_a)
    rider = testing.user("worker", district["community_a"], name="骑手小王")

    def submit(category):
        return submit_report(
            actor=rider, category=category, description="孩子入学咨询",
            lat=testing.POINT_A[0], lon=testing.POINT_A[1],
        )  # fmt: skip

    made = [submit(school) for _ in range(3)]
    submit(road)
    resolve_report(made[0], actor=handler, result="已协调")
    verify_report(made[0], actor=rider)
    return {"cases": made, "rider": rider}


def test_the_workers_demands_equal_the_visits_page(demands, district_admin, handler):
    rollup.backfill()
    today = timezone.localdate()
    period = Period(today.replace(month=1, day=1), today)
    codes = ["stations.worker_demands", "stations.worker_demands_resolved"]
    got = figures.totals(codes, "", period)
    assert [got.value(c) for c in codes] == [3, 1]
    rows = worker_demands_visible_to(district_admin, today.year)
    assert got.value("stations.worker_demands") == sum(r["total"] for r in rows)
    for code in codes:
        assert figures.raw_value(code, "", period) == got.value(code)
        assert figures.records(figures.get(code), "", period).count() == got.value(code)
    # Resolving a second demand moves the figure at the next step.
    resolve_report(demands["cases"][1], actor=handler, result="已协调")
    rollup.roll_all_changes()
    resolved = figures.totals(codes, "", period).value("stations.worker_demands_resolved")
    assert resolved == 2
