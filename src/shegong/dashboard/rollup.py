"""Keeping the rollups: from the raw records, for days, incrementally from the audit trail.

- ``raw_cells(indicator, start, end)`` counts an indicator's raw records per (day, region, dim):
  the definition in one grouped query (two for a stock: its starts and its ends).
- ``roll(indicator, days)`` replaces those days' rows, and the months they fall in, from
  ``raw_cells`` in one transaction: running it twice gives the same rows.
- ``roll_range(start, end)`` re-runs a date range (the backfill is the range from the first
  record to today, ``shegong rollup``).
- ``roll_changes()`` is the worker's incremental step. Every action writes one audit entry
  naming its target, and the audit trail's ids come in commit order (``core.auditchain``), so
  the entries after the last one read are exactly the changes since. Each indicator maps the
  targets that touch its records (its source, and ``touched_by``) to the days those records
  count on, and only those days are rolled again. The position is stored with the rows, in the
  same transaction: a crash repeats a step, never skips one.
- ``drift(start, end)`` compares the stored day rows with ``raw_cells``: the consistency check.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone

from shegong.core import registry
from shegong.core.audit import Verb
from shegong.core.registry import Indicator

from .models import Rollup, RollupState

logger = logging.getLogger(__name__)

COMMUNITY = 12  # digits of a community's code: a grid's records are kept with their community
STREET = 9  # digits of a street's prefix: a breakdown's rows are kept per street
BATCH_EVENTS = 20_000  # audit entries read per incremental step
CHUNK = 500  # ids per IN (…) when mapping changed targets to days

Cell = tuple[date, str, str]  # (day, region, dim)


def indicators(codes: Iterable[str] | None = None) -> list[Indicator]:
    """The rolled-up indicators (flows and stocks), all or the ones named."""
    wanted = set(codes) if codes is not None else None
    return [
        i
        for i in registry.indicators
        if i.kind in ("flow", "stock") and (wanted is None or i.code in wanted)
    ]


# --- the raw side -------------------------------------------------------------------------


def _is_datetime(model: type[models.Model], field: str) -> bool:
    try:
        return isinstance(model._meta.get_field(field), models.DateTimeField)
    except FieldDoesNotExist:  # a date the source computes as an annotation (a DateField)
        return False


def day_expression(model: type[models.Model], field: str) -> Any:
    """The local date a record counts on."""
    if _is_datetime(model, field):
        return TruncDate(field, tzinfo=timezone.get_default_timezone())
    return models.F(field)


def date_range_filter(model: type[models.Model], field: str, start: date, end: date) -> dict:
    """A filter for ``field`` between two local dates, inclusive, as an index range."""
    if _is_datetime(model, field):
        since = timezone.make_aware(datetime.combine(start, time.min))
        until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        return {f"{field}__gte": since, f"{field}__lt": until}
    return {f"{field}__gte": start, f"{field}__lte": end}


def _measure(indicator: Indicator) -> Any:
    return models.Sum(indicator.measure) if indicator.measure else models.Count("pk")


NO_DIM = "-"  # the breakdown's key for records without one (a case not yet dispatched)


def raw_cells(indicator: Indicator, start: date, end: date) -> dict[Cell, float]:
    """The indicator's raw values per (day, region, dim) for days ``start``–``end``: for a flow
    the day's amount, for a stock the day's change (records starting − records ending).

    Totals are kept per community with dim "". An indicator with a breakdown (``dim_field``)
    also gets one row per (day, street, dim value) — ``NO_DIM`` for records without one — which
    the rankings by department read: per street, so a breakdown costs streets × values rows, not
    communities × values."""
    qs = indicator.queryset()
    model = qs.model
    parts = [(indicator.date_field, 1)]
    if indicator.kind == "stock" and indicator.end_field:
        parts.append((indicator.end_field, -1))
    region = f"{indicator.region_field}_id"
    groupings: list[tuple[Any, Any]] = [
        (Substr(region, 1, COMMUNITY), models.Value("", output_field=models.CharField()))
    ]
    if indicator.dim_field:
        groupings.append((Substr(region, 1, STREET), Cast(indicator.dim_field, models.CharField())))
    cells: dict[Cell, float] = defaultdict(float)
    for field, sign in parts:
        for index, (region_expr, dim_expr) in enumerate(groupings):
            rows = (
                qs.filter(**date_range_filter(model, field, start, end))
                .annotate(_day=day_expression(model, field), _region=region_expr, _dim=dim_expr)
                .values("_day", "_region", "_dim")
                .annotate(_value=_measure(indicator))
                .order_by()
            )
            for row in rows:
                if not row["_value"]:
                    continue
                if index == 0:
                    key = (row["_day"], row["_region"], "")
                else:
                    code = row["_region"].ljust(COMMUNITY, "0")
                    key = (row["_day"], code, row["_dim"] or NO_DIM)
                cells[key] += sign * float(row["_value"])
    return {cell: value for cell, value in cells.items() if value}


# --- writing the rows ----------------------------------------------------------------------


def _ranges(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    run: list[date] = []
    for day in sorted(set(days)):
        if run and day != run[-1] + timedelta(days=1):
            yield run[0], run[-1]
            run = []
        run.append(day)
    if run:
        yield run[0], run[-1]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def roll(indicator: Indicator, days: Iterable[date]) -> int:
    """Replace the day rows of ``days`` and their months' rows from the raw records; returns the
    number of day rows written. Idempotent; call inside or outside a transaction.

    A month whose every day is rolled here (a backfill, a range of whole months) is summed from
    the cells just counted; a month rolled in part is summed again from its stored day rows."""
    days = set(days)
    if not days:
        return 0
    written = 0
    whole: dict[date, dict[tuple[str, str], float]] = {}
    for month in {month_start(d) for d in days}:
        if all(month + timedelta(days=n) in days for n in range(month_end(month).day)):
            whole[month] = defaultdict(float)
    with transaction.atomic():
        for start, end in _ranges(days):
            Rollup.objects.filter(
                indicator=indicator.code, grain=Rollup.DAY, day__gte=start, day__lte=end
            ).delete()
            cells = raw_cells(indicator, start, end)
            Rollup.objects.bulk_create(
                (
                    Rollup(
                        indicator=indicator.code, grain=Rollup.DAY, day=day, region=region,
                        dim=dim, value=value,
                    )
                    for (day, region, dim), value in cells.items()
                ),
                batch_size=2000,
            )  # fmt: skip
            written += len(cells)
            for (day, region, dim), value in cells.items():
                sums = whole.get(month_start(day))
                if sums is not None:
                    sums[(region, dim)] += value
        if whole:
            Rollup.objects.filter(
                indicator=indicator.code, grain=Rollup.MONTH, day__in=sorted(whole)
            ).delete()
            Rollup.objects.bulk_create(
                (
                    Rollup(indicator=indicator.code, grain=Rollup.MONTH, day=month,
                           region=region, dim=dim, value=value)
                    for month, sums in whole.items()
                    for (region, dim), value in sums.items()
                    if value
                ),
                batch_size=2000,
            )  # fmt: skip
        for month in sorted({month_start(d) for d in days} - whole.keys()):
            _roll_month(indicator.code, month)
    return written


def _roll_month(code: str, month: date) -> None:
    Rollup.objects.filter(indicator=code, grain=Rollup.MONTH, day=month).delete()
    sums = (
        Rollup.objects.filter(
            indicator=code, grain=Rollup.DAY, day__gte=month, day__lte=month_end(month)
        )
        .values("region", "dim")
        .annotate(total=models.Sum("value"))
        .order_by()
    )
    Rollup.objects.bulk_create(
        (
            Rollup(indicator=code, grain=Rollup.MONTH, day=month, region=row["region"],
                   dim=row["dim"], value=row["total"])
            for row in sums
            if row["total"]
        ),
        batch_size=2000,
    )  # fmt: skip


def first_day(indicator: Indicator) -> date | None:
    """The earliest day the indicator's records count on (None without records)."""
    qs = indicator.queryset()
    found = qs.aggregate(first=models.Min(indicator.date_field))["first"]
    if found is None:
        return None
    return timezone.localdate(found) if isinstance(found, datetime) else found


def roll_range(
    start: date | None = None, end: date | None = None, codes: Iterable[str] | None = None
) -> dict[str, int]:
    """Roll every day of ``start``–``end`` (default: each indicator's first record to today)
    for the indicators named (default: all); returns the day rows written per indicator. Days
    without records get their rows removed, so a range re-run after a deletion is right too."""
    today = timezone.localdate()
    end = end or today
    result: dict[str, int] = {}
    for indicator in indicators(codes):
        first = start or first_day(indicator)
        if first is None or first > end:
            result[indicator.code] = 0
            # Nothing counts any more: drop whatever was kept.
            if start is None:
                Rollup.objects.filter(indicator=indicator.code).delete()
            continue
        days = [first + timedelta(days=n) for n in range((end - first).days + 1)]
        result[indicator.code] = roll(indicator, days)
    return result


# --- incremental: from the audit trail -----------------------------------------------------


def _changed_days(indicator: Indicator, targets: dict[str, set[str]]) -> set[date]:
    """The days on which the records touched by ``targets`` (audit target type → ids) count,
    read from the source model without the indicator's filters (a record that just left the
    definition still moves its day)."""
    source = indicator.queryset()
    model = source.model
    manager = model._base_manager
    lookups = [(model._meta.label_lower, "pk"), *indicator.touched_by]
    fields = _date_fields(indicator)
    # A date the source computes (an annotation over the record's own columns, e.g. the 12-31
    # of an inspection year) is computed on the unfiltered rows the same way.
    computed = {f: source.query.annotations[f] for f in fields if f in source.query.annotations}
    days: set[date] = set()
    for label, lookup in lookups:
        ids = sorted(targets.get(label, ()))
        for n in range(0, len(ids), CHUNK):
            rows = manager.filter(**{f"{lookup}__in": ids[n : n + CHUNK]}).annotate(**computed)
            for field in fields:
                found = rows.annotate(_day=day_expression(model, field)).values_list(
                    "_day", flat=True
                )
                days.update(d for d in found.distinct().order_by() if d is not None)
    return days


@dataclass
class Step:
    events: int = 0
    cells: int = 0
    days: int = 0


def _clock_days(indicator: Indicator, since: datetime, now: datetime) -> set[date]:
    """The days of the records whose clock (``clock_fields``: a deadline the definition compares
    with now) passed in (``since``, ``now``]: time itself changed whether they count."""
    model = indicator.queryset().model
    days: set[date] = set()
    for clock in indicator.clock_fields:
        rows = model._base_manager.filter(**{f"{clock}__gt": since, f"{clock}__lte": now})
        for field in _date_fields(indicator):
            found = rows.annotate(_day=day_expression(model, field)).values_list("_day", flat=True)
            days.update(d for d in found.distinct().order_by() if d is not None)
    return days


def _date_fields(indicator: Indicator) -> list[str]:
    fields = [indicator.date_field]
    if indicator.kind == "stock" and indicator.end_field:
        fields.append(indicator.end_field)
    return fields


def roll_changes(limit: int = BATCH_EVENTS) -> Step:
    """Read the audit entries since the last step (at most ``limit``) and roll the days they
    touched, and the days of the records whose clock passed since the last step; the position
    advances in the same transaction."""
    from shegong.core.models import AuditEvent, AuditTarget

    step = Step()
    now = timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name="changes")
        events = list(
            AuditEvent.objects.filter(id__gt=state.event_id)
            .filter(~models.Q(target_type="") | models.Q(verb=Verb.LEDGER_IMPORTED))
            .order_by("id")
            .values_list("id", "target_type", "target_id")[:limit]
        )
        targets: dict[str, set[str]] = defaultdict(set)
        for _, label, target_id in events:
            if target_id:
                targets[label].add(target_id)
        # The records an import created are rows of its one entry, not entries of their own.
        if events:
            details = AuditTarget.objects.filter(
                event_id__gt=state.event_id, event_id__lte=events[-1][0]
            ).values_list("target_type", "target_id")
            for label, target_id in details.iterator(chunk_size=10_000):
                targets[label].add(target_id)
        for indicator in indicators():
            days = _changed_days(indicator, targets) if events else set()
            if state.rolled_at is not None and indicator.clock_fields:
                days |= _clock_days(indicator, state.rolled_at, now)
            if days:
                step.cells += roll(indicator, days)
                step.days += len(days)
        step.events = len(events)
        if events:
            state.event_id = events[-1][0]
        state.rolled_at = now
        state.save(update_fields=["event_id", "rolled_at"])
    return step


def roll_all_changes() -> Step:
    """Steps until the audit trail is read to its end (the worker's scan, and tests)."""
    total = Step()
    while True:
        step = roll_changes()
        total.events += step.events
        total.cells += step.cells
        total.days += step.days
        if not step.events:
            return total


def start_at_head() -> None:
    """Mark the audit trail read to its end (after a backfill, which counted everything)."""
    from shegong.core.models import AuditEvent

    head = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    RollupState.objects.update_or_create(
        name="changes", defaults={"event_id": head, "rolled_at": timezone.now()}
    )


def backfill(codes: Iterable[str] | None = None) -> dict[str, int]:
    """Every indicator from its first record to today, then the incremental step starts from
    the audit trail's head: ``shegong rollup`` without dates."""
    with transaction.atomic():
        result = roll_range(codes=codes)
        if codes is None:
            start_at_head()
    return result


# --- the consistency check -----------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    indicator: str
    day: date
    region: str
    dim: str
    stored: float
    raw: float


def drift(start: date, end: date, codes: Iterable[str] | None = None) -> list[Drift]:
    """Every day row of ``start``–``end`` that differs from the raw records (missing and
    extra rows included)."""
    found: list[Drift] = []
    for indicator in indicators(codes):
        raw = raw_cells(indicator, start, end)
        stored = {
            (row.day, row.region, row.dim): row.value
            for row in Rollup.objects.filter(
                indicator=indicator.code, grain=Rollup.DAY, day__gte=start, day__lte=end
            )
        }
        for cell in raw.keys() | stored.keys():
            a, b = stored.get(cell, 0.0), raw.get(cell, 0.0)
            if abs(a - b) > 1e-6:
                found.append(Drift(indicator.code, *cell, stored=a, raw=b))
    found.sort(key=lambda d: (d.indicator, d.day, d.region, d.dim))
    return found
