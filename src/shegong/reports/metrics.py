"""The three rates (三率) and the clock numbers of the closed loop, computed in the database.

Definitions are in ``docs/metrics.md``; in short, for the cases *submitted* in a period:

- 响应率 = responded ÷ response due; 按时响应率 = responded within the limit (and never
  escalated for the response) ÷ response due. A response is due once a department holds the case
  and either answered or its response deadline has passed.
- 办结率 (the department's own record; the board called it 解决率 until issue 18) = resolved
  (resolved / verified / closed) ÷ resolution due or done; 按期办结率 = resolved by the
  resolution deadline (never escalated for it) ÷ the same.
- 解决率 (Beijing's 接诉即办 definition) = cases the requester called 已解决 at the 回访 ÷ cases
  with a 回访 answer; 回访率 = closed cases with a 回访 ÷ closed cases (target 100 %).
- 差评 = 不满意 at the 回访; 按期重办率 = re-handled within the working-day limit ÷ 差评;
  待重办 and 重办超期 are snapshots *now*, like overdue.
- 满意率 = (满意 + w × 基本满意) ÷ rated, ``w`` = ``SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT``;
  unrated cases are left out and reported as 参评率 = rated ÷ closed.
- average response / resolution time in hours from the transfer; 督办 (escalated) count.
- overdue is a snapshot *now* (open cases past the deadline that runs), whatever the period.

Counting is done by the database (``values(keys).annotate(Count(filter=…), Sum(filter=…))``),
never by a Python loop over cases. The board asks ONE query grouped by (lead department,
category, street) and rolls the groups up into the total and its three tables (``breakdown``),
plus one for the monthly trend: a district with ~10k cases renders in well under a second.

The caller scopes the queryset (``Report.objects.visible_to(user)``). ``visible_to`` of a
department member joins assignments and adds DISTINCT, which does not de-duplicate inside an
aggregate; such a queryset is flattened first (``pk IN (subquery)``), so each case counts once.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from shegong.accounts.models import Department
from shegong.regions.models import Region

from .choices import AWAITING_RESPONSE, WITH_DEPARTMENT, Status
from .models import Category, Report

NOT_ACCEPTED = [Status.SUBMITTED, Status.REJECTED, Status.MERGED]
RESOLVED = [Status.RESOLVED, Status.VERIFIED, Status.CLOSED]
UNKNOWN = "—"


def basic_satisfied_weight() -> float:
    """How much a 基本满意 counts in 满意率 (0–1; settings, default 1.0)."""
    return float(getattr(settings, "SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT", 1.0))


# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Cases submitted in ``[start, end)`` (aware datetimes, local midnight boundaries)."""

    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return _local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return _local_midnight(self.last + timedelta(days=1))

    @property
    def label(self) -> str:
        if self.first.day == 1 and self.last == _month_end(self.first):
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls(day.replace(day=1), _month_end(day))

    @classmethod
    def this_month(cls, today: date | None = None) -> Period:
        return cls.month_of(today or timezone.localdate())

    @classmethod
    def last_month(cls, today: date | None = None) -> Period:
        first = (today or timezone.localdate()).replace(day=1)
        return cls.month_of(first - timedelta(days=1))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


# --- the numbers ----------------------------------------------------------------------------


def _percent(part: float, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


COUNT_FIELDS = (
    "cases",
    "response_due",
    "responded",
    "responded_on_time",
    "resolution_due",
    "resolved",
    "resolved_on_time",
    "closed",
    "rated",
    "satisfied",
    "basic",
    "unsatisfied",
    "escalated",
    "overdue",
    "followed_up",
    "answered",
    "solved",
    "bad_reviews",
    "rehandled",
    "rehandled_on_time",
    "rehandle_pending",
    "rehandle_overdue",
)

# 回访率's target: every closed case is followed up (接诉即办).
FOLLOWUP_TARGET = 100


@dataclass
class Rates:
    """The counts of one group and the rates derived from them (None = nothing to rate).

    Counts add up (``a + b``), so a finer grouping rolls up into a coarser one exactly; the
    averages are kept as totals for that reason.
    """

    cases: int = 0
    response_due: int = 0
    responded: int = 0
    responded_on_time: int = 0
    resolution_due: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    escalated: int = 0
    overdue: int = 0
    followed_up: int = 0  # closed cases with a 回访
    answered: int = 0  # cases with a 回访 answer (solved or not)
    solved: int = 0  # of them, the requester said 已解决
    bad_reviews: int = 0  # 差评: 不满意 at the 回访
    rehandled: int = 0
    rehandled_on_time: int = 0
    rehandle_pending: int = 0  # now: 差评 not re-handled yet (any period)
    rehandle_overdue: int = 0  # now: of them, past the limit
    response_seconds: float = 0.0  # summed over the responded cases
    resolution_seconds: float = 0.0  # summed over the resolved cases
    weight: float = 1.0

    def __add__(self, other: Rates) -> Rates:
        values = {name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS}
        return Rates(
            **values,
            # Each case's duration is whole milliseconds (ElapsedSeconds): rounding the float sum
            # keeps a roll-up of groups equal to the database's own total.
            response_seconds=round(self.response_seconds + other.response_seconds, 6),
            resolution_seconds=round(self.resolution_seconds + other.resolution_seconds, 6),
            weight=self.weight,
        )

    @property
    def response_rate(self) -> float | None:
        return _percent(self.responded, self.response_due)

    @property
    def on_time_response_rate(self) -> float | None:
        return _percent(self.responded_on_time, self.response_due)

    @property
    def completion_rate(self) -> float | None:
        """办结率: the department's record — resolved ÷ resolution due or done."""
        return _percent(self.resolved, self.resolution_due)

    @property
    def solved_rate(self) -> float | None:
        """解决率: the requester's own answer at the 回访 — 已解决 ÷ answered."""
        return _percent(self.solved, self.answered)

    @property
    def followup_rate(self) -> float | None:
        """回访率: closed cases with a 回访 ÷ closed cases (target ``FOLLOWUP_TARGET``)."""
        return _percent(self.followed_up, self.closed)

    @property
    def on_time_rehandle_rate(self) -> float | None:
        """按期重办率: 差评 re-handled within the limit ÷ 差评."""
        return _percent(self.rehandled_on_time, self.bad_reviews)

    @property
    def on_time_resolution_rate(self) -> float | None:
        return _percent(self.resolved_on_time, self.resolution_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return _percent(self.satisfied + self.weight * self.basic, self.rated)

    @property
    def participation_rate(self) -> float | None:
        """参评率: rated ÷ closed (the unrated are not in 满意率, so say how many there are)."""
        return _percent(self.rated, self.closed)

    @property
    def avg_response_hours(self) -> float | None:
        return round(self.response_seconds / self.responded / 3600, 1) if self.responded else None

    @property
    def avg_resolution_hours(self) -> float | None:
        if not self.resolved:
            return None
        return round(self.resolution_seconds / self.resolved / 3600, 1)

    @classmethod
    def from_row(cls, row: dict[str, Any], weight: float) -> Rates:
        values = {name: row.get(name) or 0 for name in COUNT_FIELDS}
        return cls(
            **values,
            response_seconds=_seconds(row.get("response_time")),
            resolution_seconds=_seconds(row.get("resolution_time")),
            weight=weight,
        )


def _seconds(value: Any) -> float:
    return round(float(value), 6) if value is not None else 0.0


@dataclass
class Row:
    """One line of a grouped table: the group's key, its label and its numbers."""

    key: Any
    label: str
    rates: Rates = field(default_factory=Rates)


def overdue_q(now: datetime) -> Q:
    """``Report.overdue()`` as a query: past the deadline that runs now (the response one
    before the department answers, the resolution one while it works)."""
    return Q(status__in=list(AWAITING_RESPONSE), response_due_at__lt=now) | Q(
        status__in=list(WITH_DEPARTMENT), resolution_due_at__lt=now
    )


class ElapsedSeconds(Func):
    """Seconds from ``start`` to ``end`` as a float, computed natively by the database. (Django's
    own datetime subtraction calls a Python function per row on SQLite: ten times slower.)
    Rounded to the millisecond per case: SQLite's julianday() carries ~10 µs of float noise, and
    without the rounding a sum by department and the overall sum of the same cases would differ
    in their last digits."""

    output_field = FloatField()
    arity = 2
    template = "ROUND(EXTRACT(EPOCH FROM (%(expressions)s))::numeric, 3)"  # PostgreSQL
    arg_joiner = " - "

    def __init__(self, end: str, start: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


def rehandle_pending_q() -> Q:
    """差评 not re-handled yet (the worklist 差评待重办), whenever the case was submitted."""
    return Q(rehandle_due_at__isnull=False, rehandled_at__isnull=True)


def rehandle_overdue_q(now: datetime) -> Q:
    """差评 past the re-handling limit now (重办超期)."""
    return rehandle_pending_q() & Q(rehandle_due_at__lt=now)


def _aggregates(
    period: Period, now: datetime, *, overdue: bool = True, times: bool = True
) -> dict[str, Any]:
    cohort = Q(submitted_at__gte=period.start, submitted_at__lt=period.end)
    # With a department (a returned case is back at the dispatch desk: lead_department is None).
    held = cohort & ~Q(status__in=NOT_ACCEPTED) & Q(lead_department__isnull=False)
    response_due = (
        held
        & Q(transferred_at__isnull=False)
        & (Q(responded_at__isnull=False) | Q(response_due_at__lte=now))
    )
    responded = response_due & Q(responded_at__isnull=False)
    resolved = held & Q(status__in=RESOLVED, resolved_at__isnull=False)
    resolution_due = resolved | (held & Q(resolution_due_at__lte=now))
    closed = cohort & Q(status=Status.CLOSED)
    rated = cohort & Q(rating__isnull=False)
    aggregates = {
        "cases": Count("pk", filter=cohort),
        "response_due": Count("pk", filter=response_due),
        "responded": Count("pk", filter=responded),
        "responded_on_time": Count(
            "pk",
            filter=responded
            & Q(responded_at__lte=F("response_due_at"), was_response_overdue=False),
        ),
        "resolution_due": Count("pk", filter=resolution_due),
        "resolved": Count("pk", filter=resolved),
        "resolved_on_time": Count(
            "pk",
            filter=resolved
            & Q(resolved_at__lte=F("resolution_due_at"), was_resolution_overdue=False),
        ),
        "closed": Count("pk", filter=closed),
        "rated": Count("pk", filter=rated),
        "satisfied": Count("pk", filter=rated & Q(rating__gte=4)),
        "basic": Count("pk", filter=rated & Q(rating=3)),
        "unsatisfied": Count("pk", filter=rated & Q(rating__lte=2)),
        "escalated": Count(
            "pk", filter=cohort & (Q(was_response_overdue=True) | Q(was_resolution_overdue=True))
        ),
        "followed_up": Count("pk", filter=closed & Q(followup_at__isnull=False)),
        "answered": Count("pk", filter=cohort & Q(followup_solved__isnull=False)),
        "solved": Count("pk", filter=cohort & Q(followup_solved=True)),
        "bad_reviews": Count("pk", filter=cohort & Q(rehandle_due_at__isnull=False)),
        "rehandled": Count(
            "pk", filter=cohort & Q(rehandle_due_at__isnull=False, rehandled_at__isnull=False)
        ),
        "rehandled_on_time": Count(
            "pk",
            filter=cohort
            & Q(rehandle_due_at__isnull=False, rehandled_at__lte=F("rehandle_due_at")),
        ),
    }
    if times:
        aggregates["response_time"] = Sum(
            ElapsedSeconds("responded_at", "transferred_at"), filter=responded
        )
        aggregates["resolution_time"] = Sum(
            ElapsedSeconds("resolved_at", "transferred_at"), filter=resolved
        )
    if overdue:
        aggregates["overdue"] = Count("pk", filter=overdue_q(now))
        aggregates["rehandle_pending"] = Count("pk", filter=rehandle_pending_q())
        aggregates["rehandle_overdue"] = Count("pk", filter=rehandle_overdue_q(now))
    return aggregates


def flat(cases: QuerySet) -> QuerySet:
    """The same cases without joins (``pk IN (subquery)``): safe to aggregate over."""
    return Report.objects.filter(pk__in=cases.values("pk"))


def _flat(cases: QuerySet) -> QuerySet:
    if cases.query.distinct:  # a join that may repeat a case: count each case once
        cases = flat(cases)
    return cases.order_by()


def _relevant(cases: QuerySet, period: Period, now: datetime) -> QuerySet:
    # Only rows that can count: submitted in the period, overdue now, or a 差评 waiting for its
    # re-handling (each side indexed).
    in_period = Q(submitted_at__gte=period.start, submitted_at__lt=period.end)
    return _flat(cases).filter(in_period | overdue_q(now) | rehandle_pending_q())


def summary(cases: QuerySet, period: Period, *, now: datetime | None = None) -> Rates:
    """All the numbers of ``cases`` for ``period`` (one query)."""
    now = now or timezone.now()
    row = _relevant(cases, period, now).aggregate(**_aggregates(period, now))
    return Rates.from_row(row, basic_satisfied_weight())


def grouped(
    cases: QuerySet, period: Period, *keys: Any, now: datetime | None = None
) -> list[tuple[tuple, Rates]]:
    """``(key values, Rates)`` per combination of ``keys`` (field names or expressions), in
    one query."""
    now = now or timezone.now()
    weight = basic_satisfied_weight()
    names = [f"g{i}" for i in range(len(keys))]
    annotations = {n: F(k) if isinstance(k, str) else k for n, k in zip(names, keys, strict=True)}
    rows = (
        _relevant(cases, period, now)
        .annotate(**annotations)
        .values(*names)
        .annotate(**_aggregates(period, now))
        .order_by()
    )
    return [(tuple(row[n] for n in names), Rates.from_row(row, weight)) for row in rows]


STREET = Substr("region_id", 1, 9)
COMMUNITY = Substr("region_id", 1, 12)


@dataclass
class Breakdown:
    """The board's numbers: the total and the three tables, rolled up from ONE query grouped
    by (lead department, category, street), so they always add up to the same total."""

    total: Rates
    departments: list[Row]
    categories: list[Row]
    streets: list[Row]


def breakdown(cases: QuerySet, period: Period, *, now: datetime | None = None) -> Breakdown:
    groups = grouped(cases, period, "lead_department_id", "category_id", STREET, now=now)
    weight = basic_satisfied_weight()
    total = Rates(weight=weight)
    per: list[dict[Any, Rates]] = [{}, {}, {}]
    for keys, rates in groups:
        total = total + rates
        for index, key in enumerate(keys):
            per[index][key] = per[index].get(key, Rates(weight=weight)) + rates
    return Breakdown(
        total=total,
        departments=_department_rows(per[0].items()),
        categories=_category_rows(per[1].items()),
        streets=_region_rows(per[2].items()),
    )


def _department_rows(groups: Iterable[tuple[Any, Rates]]) -> list[Row]:
    groups = list(groups)
    names = dict(
        Department.objects.filter(pk__in=[k for k, _ in groups if k]).values_list("pk", "name")
    )
    rows = [Row(k, names.get(k, UNKNOWN) if k else "区指挥中心（未派单）", r) for k, r in groups]
    return sorted(rows, key=lambda row: (row.key is None, row.label))


def _category_rows(groups: Iterable[tuple[Any, Rates]]) -> list[Row]:
    groups = list(groups)
    names = dict(Category.objects.filter(pk__in=[k for k, _ in groups]).values_list("pk", "name"))
    return sorted((Row(k, names.get(k, UNKNOWN), r) for k, r in groups), key=lambda r: r.label)


def _region_rows(groups: Iterable[tuple[Any, Rates]]) -> list[Row]:
    codes = {k: (k + "000")[:12] for k, _ in groups}
    names = dict(Region.objects.filter(code__in=codes.values()).values_list("code", "name"))
    return [Row(codes[k], names.get(codes[k], codes[k]), r) for k, r in sorted(groups)]


def _single(cases: QuerySet, period: Period, key: Any, now: datetime | None) -> list:
    return [(keys[0], rates) for keys, rates in grouped(cases, period, key, now=now)]


def by_department(cases: QuerySet, period: Period, *, now: datetime | None = None) -> list[Row]:
    """Per lead department (首接负责: the lead owns the clock). Cases without one — at the
    dispatch desk — are the row with key None, "区指挥中心（未派单）"."""
    return _department_rows(_single(cases, period, "lead_department_id", now))


def by_category(cases: QuerySet, period: Period, *, now: datetime | None = None) -> list[Row]:
    return _category_rows(_single(cases, period, "category_id", now))


def by_street(cases: QuerySet, period: Period, *, now: datetime | None = None) -> list[Row]:
    """Per street (乡镇/街道: the first 9 digits of the region code)."""
    return _region_rows(_single(cases, period, STREET, now))


def by_community(cases: QuerySet, period: Period, *, now: datetime | None = None) -> list[Row]:
    """Per community (村/社区: the first 12 digits of the region code)."""
    return _region_rows(_single(cases, period, COMMUNITY, now))


def by_month(cases: QuerySet, period: Period, *, now: datetime | None = None) -> list[Row]:
    """Per month of submission inside ``period`` (local time), oldest first; months without
    cases are present with zeros, so a trend line has no gaps. One query: the month is a CASE
    over local month boundaries (no per-row date function), the period an index range."""
    now = now or timezone.now()
    weight = basic_satisfied_weight()
    months = []
    month = period.first.replace(day=1)
    while month <= period.last:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    bucket = Case(
        *[
            When(
                submitted_at__gte=_local_midnight(m),
                submitted_at__lt=_local_midnight(_month_end(m) + timedelta(days=1)),
                then=Value(m.isoformat()),
            )
            for m in months
        ],
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        _flat(cases)
        .filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
        .annotate(month=bucket)
        .values("month")
        .annotate(**_aggregates(period, now, overdue=False, times=False))
        .order_by()
    )
    found = {row["month"]: Rates.from_row(row, weight) for row in rows}
    return [
        Row(m, f"{m.year}-{m.month:02d}", found.get(m.isoformat()) or Rates(weight=weight))
        for m in months
    ]


def trailing_months(period: Period, months: int = 12) -> Period:
    """The ``months`` calendar months that end with the period's last month (the trend)."""
    first = period.last.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, _month_end(period.last))


def overdue_cases(cases: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Open cases past the deadline that runs now, the oldest running deadline first."""
    now = now or timezone.now()
    running = Case(
        When(status__in=list(AWAITING_RESPONSE), then=F("response_due_at")),
        default=F("resolution_due_at"),
    )
    return cases.filter(overdue_q(now)).order_by(running.asc(), "pk")


def chart_data(rows: Iterable[Row]) -> dict[str, list]:
    """Labels and the rate series of ``rows`` for ECharts (json_script)."""
    rows = list(rows)
    return {
        "labels": [row.label for row in rows],
        "response_rate": [row.rates.response_rate for row in rows],
        "on_time_response_rate": [row.rates.on_time_response_rate for row in rows],
        "completion_rate": [row.rates.completion_rate for row in rows],
        "solved_rate": [row.rates.solved_rate for row in rows],
        "satisfaction_rate": [row.rates.satisfaction_rate for row in rows],
        "cases": [row.rates.cases for row in rows],
    }


# --- appointments: each supervisor's reports ----------------------------------------------------

# A report that was not worth a case: rejected as invalid or as a duplicate, or merged into the
# case it repeated. "Not our responsibility" is a real problem sent to the wrong channel: valid.
INVALID_REPORT = Q(status=Status.REJECTED, reject_reason__in=["invalid", "duplicate"]) | Q(
    status=Status.MERGED
)


def with_report_counts(appointments: QuerySet) -> QuerySet:
    """Annotate each appointment with ``report_count`` (cases the appointee reported while in
    office: from the appointment date to the end date or today) and ``invalid_count``; two
    correlated subqueries on the ``(reporter, submitted_at)`` index, whatever the page size."""
    in_office = Report.objects.filter(
        reporter=OuterRef("user_id"),
        submitted_at__date__gte=OuterRef("appointed_on"),
        submitted_at__date__lte=OuterRef("in_office_until"),
    ).order_by()

    def count(reports: QuerySet) -> Coalesce:
        n = reports.values("reporter").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(n), 0)

    return appointments.annotate(
        in_office_until=Coalesce("ended_on", Value(date.max)),
    ).annotate(report_count=count(in_office), invalid_count=count(in_office.filter(INVALID_REPORT)))


def valid_rate(report_count: int, invalid_count: int) -> float | None:
    """有效上报率 = reports not found invalid ÷ all reports (None without reports)."""
    return _percent(report_count - invalid_count, report_count)
