"""Totals of volunteer service: hours per volunteer, team, community and period; volunteers by
star; activities and people served; trainings and their attendances (培训人次) (issue §6, §9;
the figures of a work summary such as "累计开展志愿服务活动350场次，服务群众3243人次",
"培训志愿者2万余人次").

Hours by region and period read only the ``record_totals`` index (status, served_on, region,
hours): the aggregate groups by (served_on, region) — the index's own order, so the database
walks the index once without sorting or touching the table — and the handful of rows that
come back (days × regions) are rolled up to months and communities here. ``shegong bench
hours`` holds the region-by-month aggregate under 500 ms at a million records on SQLite.

Scope: records count where the service was given (their ``region``), so a street sees the hours
served in the street, whoever served them; volunteers count where they are registered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from shegong.core.scope import scope_prefix, subtree_range
from shegong.regions.models import Region
from shegong.volunteers.choices import ActivityStatus, Incubation, RecordStatus, VolunteerStatus
from shegong.volunteers.models import Activity, ServiceRecord, Team, Training, Volunteer

COMMUNITY_LENGTH = 12  # a grid's code extends its community's 12 digits
Q2 = Decimal("0.01")


def _q(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Q2)


def approved_in(prefix: str, start: date, end: date) -> QuerySet:
    """Approved records served in ``prefix``'s subtree between ``start`` and ``end`` inclusive —
    a range on the ``record_totals`` index."""
    qs = ServiceRecord.objects.filter(
        status=RecordStatus.APPROVED, served_on__gte=start, served_on__lte=end
    )
    if prefix:
        low, high = subtree_range(prefix)
        qs = qs.filter(region_id__gte=low, region_id__lt=high)
    return qs


def day_region_query(prefix: str, start: date, end: date) -> QuerySet:
    """Approved hours grouped by (served_on, region): the ``record_totals`` index's own order,
    so the database reads that index alone, once, with nothing to sort."""
    return (
        approved_in(prefix, start, end)
        .order_by()
        .values_list("served_on", "region_id")
        .annotate(h=Sum("hours"))
        .order_by("served_on", "region_id")
    )


def _money(value: Any) -> Decimal:
    """A sum from the database as hours with two decimals (SQLite sums to a float)."""
    if isinstance(value, float):
        return Decimal(f"{value:.2f}")
    return _q(value)


def region_month_hours(
    prefix: str, start: date, end: date, *, length: int = COMMUNITY_LENGTH
) -> dict[tuple[str, str], Decimal]:
    """{(region code cut to ``length``, "YYYY-MM"): hours} for the approved records of the
    subtree in the period — the region-by-month aggregate.

    The (day, region) rows are read through a plain cursor: a year has some ten thousand of
    them, and Django's per-row converters (date parsing, Decimal quantizing) would cost more
    than the database's whole scan. A day is "YYYY-MM-DD" on SQLite and a date elsewhere;
    either way its first seven characters name the month.
    """
    sql, params = day_region_query(prefix, start, end).query.sql_with_params()
    totals: dict[tuple[str, str], Any] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for day, region, hours in cursor.fetchall():
            totals[(region[:length], str(day)[:7])] += hours or 0
    return {key: _money(value) for key, value in totals.items()}


def team_hours(team: Team | int, start: date | None = None, end: date | None = None) -> Decimal:
    qs = ServiceRecord.objects.filter(
        team_id=getattr(team, "pk", team), status=RecordStatus.APPROVED
    )
    if start:
        qs = qs.filter(served_on__gte=start)
    if end:
        qs = qs.filter(served_on__lte=end)
    return _q(qs.aggregate(s=Sum("hours"))["s"])


def team_year(team: Team, year: int) -> dict[str, Any]:
    """A team's figures of one year, for its work summary: approved hours it recorded (by
    service date), published activities it organised that started in the year and the people
    they served, trainings it held and their attendances (人次), and its current members."""
    start, end = _year_bounds(year)
    activities = Activity.objects.filter(
        team=team, status=ActivityStatus.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    ).aggregate(n=Count("pk"), served=Sum("people_served"))
    trainings = Training.objects.filter(
        team=team, held_on__gte=date(year, 1, 1), held_on__lte=date(year, 12, 31)
    ).aggregate(n=Count("pk", distinct=True), trained=Count("attendances"))
    return {
        "year": year,
        "hours": team_hours(team, date(year, 1, 1), date(year, 12, 31)),
        "activities": activities["n"],
        "served": activities["served"] or 0,
        "trainings": trainings["n"],
        "trained": trainings["trained"],
        "members": team.members.filter(left_on__isnull=True).count(),
    }


def volunteer_hours(
    volunteer: Volunteer, start: date | None = None, end: date | None = None
) -> Decimal:
    """All-time: the running total kept on the volunteer; a period: the records' sum."""
    if start is None and end is None:
        return _q(volunteer.hours)
    qs = ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED)
    if start:
        qs = qs.filter(served_on__gte=start)
    if end:
        qs = qs.filter(served_on__lte=end)
    return _q(qs.aggregate(s=Sum("hours"))["s"])


# --- the statistics page ----------------------------------------------------------------------


@dataclass
class Community:
    code: str
    name: str
    hours: Decimal = Decimal("0.00")
    activities: int = 0
    served: int = 0
    volunteers: int = 0
    trained: int = 0  # 培训人次: attendances of trainings its teams held in the year


@dataclass
class Statistics:
    year: int
    months: list[str]
    hours: list[Decimal]
    activities: list[int]
    served: list[int]
    stars: list[tuple[int, int]]  # (star, volunteers)
    communities: list[Community] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)

    def chart(self) -> dict[str, Any]:
        return {
            "labels": [f"{int(m[5:])}月" for m in self.months],
            "hours": [float(h) for h in self.hours],
            "activities": self.activities,
            "served": self.served,
            "stars": {
                "labels": [f"{s}星" if s else "未评星" for s, _ in self.stars],
                "counts": [n for _, n in self.stars],
            },
        }


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
    )


def _activities(prefix: str, year: int) -> QuerySet:
    start, end = _year_bounds(year)
    qs = Activity.objects.filter(
        status=ActivityStatus.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    )
    return qs.in_region(prefix) if prefix else qs


def for_user(user: Any, year: int) -> Statistics | None:
    """The statistics of the year in the user's scope; None if the user has no scope."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    return for_prefix(prefix, year)


def for_prefix(prefix: str, year: int) -> Statistics:
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    by_region_month = region_month_hours(prefix, date(year, 1, 1), date(year, 12, 31))
    hours_month: dict[str, Decimal] = defaultdict(Decimal)
    communities: dict[str, Community] = {}
    for (code, month), hours in by_region_month.items():
        hours_month[month] += hours
        communities.setdefault(code, Community(code, "")).hours += hours

    activity_month: dict[str, int] = defaultdict(int)
    served_month: dict[str, int] = defaultdict(int)
    zone = timezone.get_current_timezone()
    for starts_at, region, served in _activities(prefix, year).values_list(
        "starts_at", "region_id", "people_served"
    ):
        month = f"{starts_at.astimezone(zone):%Y-%m}"
        activity_month[month] += 1
        served_month[month] += served
        code = region[:COMMUNITY_LENGTH]
        row = communities.setdefault(code, Community(code, ""))
        row.activities += 1
        row.served += served

    volunteers = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
    if prefix:
        volunteers = volunteers.in_region(prefix)
    for region, n in volunteers.order_by().values_list("region_id").annotate(n=Count("pk")):
        code = region[:COMMUNITY_LENGTH]
        communities.setdefault(code, Community(code, "")).volunteers += n
    stars = dict(volunteers.order_by().values_list("star").annotate(n=Count("pk")))

    # 培训: trainings held in the year in scope and their attendances (人次), in total and by
    # the community of the team that held them.
    trainings = Training.objects.filter(
        held_on__gte=date(year, 1, 1), held_on__lte=date(year, 12, 31)
    )
    if prefix:
        trainings = trainings.in_region(prefix)
    training_counts = trainings.order_by().aggregate(
        trainings=Count("pk", distinct=True), trained=Count("attendances")
    )
    for region, n in trainings.order_by().values_list("region_id").annotate(n=Count("attendances")):
        if n:
            code = region[:COMMUNITY_LENGTH]
            communities.setdefault(code, Community(code, "")).trained += n
    names = dict(Region.objects.filter(code__in=list(communities)).values_list("code", "name"))
    for row in communities.values():
        row.name = names.get(row.code, row.code)
    teams = Team.objects.filter(is_active=True)
    if prefix:
        teams = teams.in_region(prefix)
    team_counts = teams.aggregate(
        all=Count("pk"), incubated=Count("pk", filter=Q(incubation=Incubation.INCUBATED)),
        incubating=Count("pk", filter=Q(incubation=Incubation.INCUBATING)),
    )  # fmt: skip
    hours = [_q(hours_month.get(m)) for m in months]
    return Statistics(
        year=year,
        months=months,
        hours=hours,
        activities=[activity_month.get(m, 0) for m in months],
        served=[served_month.get(m, 0) for m in months],
        stars=[(s, stars.get(s, 0)) for s in range(0, 6)],
        communities=sorted(communities.values(), key=lambda c: (-c.hours, c.code)),
        totals={
            "hours": _q(sum(hours, Decimal(0))),
            "activities": sum(activity_month.values()),
            "served": sum(served_month.values()),
            "volunteers": sum(stars.values()),
            "starred": sum(n for s, n in stars.items() if s > 0),
            "teams": team_counts["all"],
            "incubated": team_counts["incubated"],
            "incubating": team_counts["incubating"],
            "trainings": training_counts["trainings"],
            "trained": training_counts["trained"],
        },
    )
