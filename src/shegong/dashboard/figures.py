"""Reading the indicators: a period's figures from the rollups, and the raw records behind them.

``totals(codes, prefix, period, by=…)`` answers the whole dashboard's figures in one query over
the rollups: whole months from the month rows, the period's ragged ends from the day rows, so a
year in a district reads about regions × (12 + 60) rows whatever the number of records. A flow
sums the period; a stock sums its changes from the beginning to the period's end; a rate is its
numerator ÷ its denominator over the same period (the same cohort of records). ``monthly`` gives
the trend, ``records`` and ``raw_value`` the records behind a figure (the drill-down, and the
raw side of the consistency check and the benchmark).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr

from shegong.core import registry
from shegong.core.periods import Period
from shegong.core.registry import Indicator
from shegong.core.scope import in_subtree

from .models import Rollup
from .rollup import COMMUNITY, date_range_filter, month_end, month_start

BEGINNING = date(1900, 1, 1)
# How a figure is broken down: the key of each part.
GROUPS = {"street": 9, "community": 12}


def get(code: str) -> Indicator:
    indicator = registry.indicators.get(code)
    if indicator is None:
        raise KeyError(code)
    return indicator


def _next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def _days_parts(start: date, end: date) -> list[Q]:
    """Rollup rows covering ``start``–``end`` exactly, as simple ranges: month rows for the whole
    months inside, day rows for the ragged ends. Each is read on its own: one index range
    (indicator, grain, day) apiece, where an OR of them makes SQLite scan the table."""
    first = start if start.day == 1 else _next_month(start)
    last = month_start(end) if end == month_end(end) else month_start(end) - timedelta(days=1)
    last = month_start(last)
    if first > last or first > end:
        return [Q(grain=Rollup.DAY, day__gte=start, day__lte=end)]
    parts = [Q(grain=Rollup.MONTH, day__gte=first, day__lte=last)]
    if start < first:
        parts.append(Q(grain=Rollup.DAY, day__gte=start, day__lt=first))
    after = _next_month(last)
    if after <= end:
        parts.append(Q(grain=Rollup.DAY, day__gte=after, day__lte=end))
    return parts


def _in_prefix(prefix: str) -> Q:
    return Q(region__gte=prefix, region__lt=prefix + ":") if prefix else Q()


def parts_of(indicator: Indicator) -> list[str]:
    """The rolled-up indicators a figure is read from: a rate's two, a sum's parts, or itself."""
    if indicator.kind == "rate":
        return [indicator.numerator, indicator.denominator]
    if indicator.kind == "sum":
        return list(indicator.parts)
    return [indicator.code]


def _base_codes(codes: Iterable[str]) -> tuple[set[str], set[str]]:
    """The flows and stocks needed for ``codes`` (a rate needs its two parts)."""
    flows: set[str] = set()
    stocks: set[str] = set()
    for code in codes:
        for part in parts_of(get(code)):
            (stocks if get(part).kind == "stock" else flows).add(part)
    return flows, stocks


def _dim_rows(rows: Any, dim: str | None, by_dim: bool) -> Any:
    """The totals' rows (dim ""), one breakdown value's rows, or every breakdown row. A
    breakdown's rows are kept per street (``rollup.raw_cells``): within a community's prefix
    there are none."""
    if dim is not None:
        return rows.filter(dim=dim)
    if by_dim:
        return rows.exclude(dim="")
    return rows.filter(dim="")


@dataclass
class Figures:
    """Values by indicator code and group key ("" without a breakdown)."""

    values: dict[str, dict[str, float]] = field(default_factory=dict)

    def value(self, code: str, key: str = "") -> float | None:
        """The figure (a rate in per cent, None when its denominator is 0)."""
        indicator = get(code)
        if indicator.kind == "rate":
            num = self.values.get(indicator.numerator, {}).get(key, 0.0)
            den = self.values.get(indicator.denominator, {}).get(key, 0.0)
            return round(100.0 * num / den, 1) if den else None
        if indicator.kind == "sum":
            return sum(self.values.get(part, {}).get(key, 0.0) for part in indicator.parts)
        return self.values.get(code, {}).get(key, 0.0)

    def keys(self, code: str) -> set[str]:
        return {key for part in parts_of(get(code)) for key in self.values.get(part, {})}


def totals(
    codes: Iterable[str], prefix: str, period: Period, by: str | None = None, dim: str | None = None
) -> Figures:
    """Every figure of ``codes`` for the region ``prefix`` over ``period``, in total or broken
    down ``by`` "street", "community" or "dim" (the indicator's ``dim_field``: values as strings,
    ``rollup.NO_DIM`` for records without one), in a query per range of rows (at most five);
    ``dim`` keeps one breakdown
    value's rows (a department's own cases; by street at the finest). A breakdown is kept per
    street, so within one community ``by="dim"`` and ``dim=`` find nothing."""
    codes = list(codes)
    flows, stocks = _base_codes(codes)
    if len(prefix) > COMMUNITY:
        return _raw_totals(flows | stocks, prefix, period, by, dim)
    queries = [(sorted(flows), q) for q in _days_parts(period.start, period.end) if flows]
    queries += [(sorted(stocks), q) for q in _days_parts(BEGINNING, period.end) if stocks]
    values: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for wanted, days in queries:
        rows = Rollup.objects.filter(days, indicator__in=wanted).filter(_in_prefix(prefix))
        rows = _dim_rows(rows, dim, by == "dim")
        if by in GROUPS:
            rows = rows.annotate(_key=Substr("region", 1, GROUPS[by]))
        elif by == "dim":
            rows = rows.annotate(_key=models.F("dim"))
        else:
            # "" as an expression of the row, not a constant: grouped by a constant, SQLite
            # skip-scans the whole index (benchmarks/dashboard.py at 100k cases: 456 → 24 ms).
            rows = rows.annotate(_key=Substr("region", 1, 0))
        for row in rows.values("indicator", "_key").annotate(total=models.Sum("value")).order_by():
            values[row["indicator"]][row["_key"]] += row["total"] or 0.0
    return Figures({code: dict(by_key) for code, by_key in values.items()})


def months_ending(end: date, count: int = 12) -> list[date]:
    """The first days of the ``count`` months ending with ``end``'s month, oldest first."""
    months = [month_start(end)]
    while len(months) < count:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    return months


def monthly(
    codes: Iterable[str], prefix: str, months: list[date], dim: str | None = None
) -> dict[str, list[float | None]]:
    """Each indicator's figure per month (a stock at each month's end), from the month rows."""
    codes = list(codes)
    flows, stocks = _base_codes(codes)
    if len(prefix) > COMMUNITY:
        each = [
            _raw_totals(flows | stocks, prefix, Period(m, month_end(m)), None, dim) for m in months
        ]
        return {code: [figures.value(code) for figures in each] for code in codes}
    first, last = months[0], months[-1]
    q = Q()
    if flows:
        q |= Q(indicator__in=sorted(flows), day__gte=first, day__lte=last)
    if stocks:
        # A lower bound too, though nothing is older: with both bounds on each side of the OR,
        # SQLite searches the unique index once per side (MULTI-INDEX OR) instead of reading
        # every flow's month rows up to ``last`` (benchmarks/dashboard.py: 432 → 51 ms).
        q |= Q(indicator__in=sorted(stocks), day__gte=BEGINNING, day__lte=last)
    per: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    if q:
        rows = Rollup.objects.filter(q, grain=Rollup.MONTH).filter(_in_prefix(prefix))
        rows = _dim_rows(rows, dim, False)
        for row in rows.values("indicator", "day").annotate(total=models.Sum("value")).order_by():
            per[row["indicator"]][row["day"]] += row["total"] or 0.0
    series: dict[str, list[float]] = {}
    for code in flows:
        series[code] = [per[code].get(m, 0.0) for m in months]
    for code in stocks:
        running = sum(v for d, v in per[code].items() if d < first)
        values = []
        for m in months:
            running += per[code].get(m, 0.0)
            values.append(running)
        series[code] = values
    result: dict[str, list[float | None]] = {}
    for code in codes:
        indicator = get(code)
        if indicator.kind == "rate":
            nums, dens = series[indicator.numerator], series[indicator.denominator]
            pairs = zip(nums, dens, strict=True)
            result[code] = [round(100.0 * n / d, 1) if d else None for n, d in pairs]
        elif indicator.kind == "sum":
            columns = zip(*(series[part] for part in indicator.parts), strict=True)
            result[code] = [sum(column) for column in columns]
        else:
            result[code] = list(series[code])
    return result


# --- the raw records ------------------------------------------------------------------------


def _raw_totals(
    codes: set[str], prefix: str, period: Period, by: str | None, dim: str | None
) -> Figures:
    """The figures of a region finer than the rollups keep (a grid: its records are rolled up
    with its community), counted from its records — a grid holds few. Keyed as ``totals`` keys
    them; a breakdown by ``dim`` is kept per street, so a grid has none (as a community)."""
    if dim is not None or by == "dim":
        return Figures({})
    key = prefix[: GROUPS[by]] if by in GROUPS else ""
    values: dict[str, dict[str, float]] = {}
    for code in codes:
        values[code] = {key: _raw_base(get(code), prefix, period)}
    return Figures(values)


def _raw_base(indicator: Indicator, prefix: str, period: Period) -> float:
    """A flow's or stock's figure counted from its records."""
    qs = records(indicator, prefix, period)
    if indicator.measure:
        return float(qs.aggregate(v=models.Sum(indicator.measure))["v"] or 0)
    return float(qs.count())


def records(indicator: Indicator, prefix: str, period: Period) -> Any:
    """The records behind a flow's or stock's figure: the source within the region prefix, on
    the period's days (a stock: standing at the period's end)."""
    qs = indicator.queryset()
    model = qs.model
    if indicator.kind == "stock":
        day_end = date_range_filter(model, indicator.date_field, BEGINNING, period.end)
        qs = qs.filter(**day_end)
        if indicator.end_field:
            ended = date_range_filter(model, indicator.end_field, BEGINNING, period.end)
            # Spelt out for an annotated end, whose NULL ``exclude`` would drop.
            qs = qs.filter(Q(**{f"{indicator.end_field}__isnull": True}) | ~Q(**ended))
    else:
        qs = qs.filter(**date_range_filter(model, indicator.date_field, period.start, period.end))
    if prefix:
        qs = in_subtree(qs, prefix, indicator.region_field)
    return qs


def raw_value(code: str, prefix: str, period: Period) -> float | None:
    """The figure counted from the raw records, without the rollups."""
    indicator = get(code)
    if indicator.kind == "rate":
        num = raw_value(indicator.numerator, prefix, period) or 0.0
        den = raw_value(indicator.denominator, prefix, period) or 0.0
        return round(100.0 * num / den, 1) if den else None
    if indicator.kind == "sum":
        return sum(raw_value(part, prefix, period) or 0.0 for part in indicator.parts)
    return _raw_base(indicator, prefix, period)
