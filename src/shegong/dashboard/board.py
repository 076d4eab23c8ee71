"""The dashboard's reading (数据看板): what the caller asked for (a region of their scope and a
period), and the cards, rankings and trend of the indicators they may see, all from
``figures``. The pages (``views/board.py``), the workbench card (``cards.py``) and the API
(``api.py``) share it, so the three always show the same numbers.

A department user (a membership with a department) sees an indicator that has a ``dim_field``
counted for the department only (``dim=str(department.id)``), on every figure, trend and
drill-down list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.accounts.models import Department
from shegong.core import periods, registry
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.periods import Period
from shegong.core.registry import Indicator
from shegong.core.scope import scope_prefix
from shegong.regions.models import Region

from . import figures
from .models import Rollup, RollupState

# The period choices of the selector (本月 is the default).
PERIODS = {
    "month": "本月",
    "last_month": "上月",
    "quarter": "本季度",
    "year": "本年",
    "custom": "自定义",
}
# The levels the region selector offers (a grid is counted from its records, not the rollups,
# and offered only to those whose scope it is).
LEVELS = ("province", "city", "district", "street", "community")
STREET, COMMUNITY = 9, 12


class BadSelection(InvalidInput):
    """A period or region the dashboard cannot show (HTTP 400, the field named)."""

    status = 400


# --- the selection ------------------------------------------------------------------------


def _parse_day(value: str, field_name: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadSelection.field(field_name, f"{label}格式应为 YYYY-MM-DD") from None


def period_of(kind: str, start: str = "", end: str = "", today: date | None = None) -> Period:
    """The period ``kind`` names (``custom``: ``start``–``end``), checked: no end before the
    start, no day after today, at most ``periods.MAX_DAYS`` days."""
    today = today or timezone.localdate()
    if kind in ("", "month"):
        return Period(today.replace(day=1), today)
    if kind == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if kind == "quarter":
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if kind == "year":
        return Period(date(today.year, 1, 1), today)
    if kind != "custom":
        raise BadSelection.field("period", "统计期应为本月、上月、本季度、本年或自定义")
    if not start:
        raise BadSelection.field("start", "请填写开始日期")
    if not end:
        raise BadSelection.field("end", "请填写结束日期")
    first = _parse_day(start, "start", "开始日期")
    last = _parse_day(end, "end", "结束日期")
    if last < first:
        raise BadSelection.field("end", "结束日期不能早于开始日期")
    if last > today:
        raise BadSelection.field("end", "结束日期不能晚于今天")
    if (last - first).days + 1 > periods.MAX_DAYS:
        raise BadSelection.field("start", f"统计期不能超过 {periods.MAX_DAYS} 天（约 3 年）")
    return Period(first, last)


def previous_of(period: Period) -> Period:
    """The period of the same length just before ``period``."""
    days = (period.end - period.start).days + 1
    return Period(period.start - timedelta(days=days), period.start - timedelta(days=1))


@dataclass
class Selection:
    """Whose figures: the region (None: the whole deployment, a superuser's default), its code
    prefix, the period and the department (a department user's)."""

    user: Any
    region: Region | None
    prefix: str
    period: Period
    kind: str
    department: Department | None = None

    @property
    def region_code(self) -> str:
        return self.region.code if self.region is not None else ""

    @property
    def region_name(self) -> str:
        return self.region.name if self.region is not None else "全部区域"

    def dim_for(self, indicator: Indicator) -> str | None:
        if self.department is None or not has_dim(indicator):
            return None
        return str(self.department.pk)

    def query(self, **extra: str) -> str:
        """The selection as a query string (the drill-down's and the exports' links)."""
        from urllib.parse import urlencode

        params = {"region": self.region_code, "start": self.period.start.isoformat(),
                  "end": self.period.end.isoformat(), **extra}  # fmt: skip
        return urlencode({k: v for k, v in params.items() if v})


def has_dim(indicator: Indicator) -> bool:
    if indicator.kind == "rate":
        parts = [figures.get(indicator.numerator), figures.get(indicator.denominator)]
        return all(p.dim_field for p in parts)
    return bool(indicator.dim_field)


def _department(user: Any) -> Department | None:
    membership = getattr(user, "active_membership", None)
    if membership is None or not membership.department_id:
        return None
    return membership.department


def select(user: Any, params: Any, today: date | None = None) -> Selection:
    """The caller's selection from the query ``params`` (``region``, ``period``, ``start``,
    ``end``): a region outside the scope is NotFound (404), a bad period BadSelection (400).
    ``start``/``end`` without ``period`` are a custom period (the drill-down's links)."""
    scope = scope_prefix(user)
    if scope is None:
        raise NotFound("未找到该区划，或不在您的工作范围内")
    code = (params.get("region") or "").strip()
    if code:
        region = Region.objects.visible_to(user).filter(code=code).first()
        if region is None:
            raise NotFound("未找到该区划，或不在您的工作范围内")
    else:
        membership = user.active_membership
        region = membership.region if membership is not None else None
    kind = (params.get("period") or "").strip()
    start, end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if not kind and (start or end):
        kind = "custom"
    period = period_of(kind, start, end, today)
    prefix = region.prefix if region is not None else ""
    return Selection(user, region, prefix, period, kind or "month", _department(user))


def region_choices(user: Any) -> list[Region]:
    """The regions the selector offers: the caller's scope and below, to the communities (and
    the caller's own grid)."""
    membership = user.active_membership
    own = Q(code=membership.region_id) if membership is not None else Q(pk__in=[])
    return list(
        Region.objects.visible_to(user)
        .filter(Q(level__in=LEVELS) | own)
        .only("code", "name", "level", "parent_id")
        .order_by("code")[:2000]
    )


# --- the indicators the caller may see ------------------------------------------------------


def visible(user: Any) -> list[Indicator]:
    """The registered indicators whose ``perm`` the user holds, in section then order."""
    sections = list(registry.INDICATOR_SECTIONS)
    shown = [
        i
        for i in registry.indicators
        if i.section in registry.INDICATOR_SECTIONS
        and (i.perm is None or user.has_perm_in_scope(i.perm))
    ]
    return sorted(shown, key=lambda i: sections.index(i.section))


def visible_indicator(user: Any, code: str) -> Indicator:
    for indicator in visible(user):
        if indicator.code == code:
            return indicator
    raise NotFound("未找到该指标，或您无权查看")


def _split(sel: Selection, indicators: list[Indicator]) -> tuple[list[str], list[str]]:
    dimmed = [i.code for i in indicators if sel.dim_for(i) is not None]
    plain = [i.code for i in indicators if sel.dim_for(i) is None]
    return plain, dimmed


def totals(
    sel: Selection, indicators: list[Indicator], period: Period, by: str | None = None
) -> figures.Figures:
    """The figures of ``indicators`` for the selection (a department's own where it applies)."""
    plain, dimmed = _split(sel, indicators)
    result = figures.Figures()
    if plain:
        result.values.update(figures.totals(plain, sel.prefix, period, by=by).values)
    if dimmed and sel.department is not None:
        got = figures.totals(dimmed, sel.prefix, period, by=by, dim=str(sel.department.pk))
        result.values.update(got.values)
    return result


def monthly(sel: Selection, indicators: list[Indicator], months: list[date]) -> dict:
    plain, dimmed = _split(sel, indicators)
    series: dict[str, list[float | None]] = {}
    if plain:
        series.update(figures.monthly(plain, sel.prefix, months))
    if dimmed and sel.department is not None:
        series.update(figures.monthly(dimmed, sel.prefix, months, dim=str(sel.department.pk)))
    return series


def number(value: float | None, kind: str = "flow") -> str:
    """A figure as shown: "—" for a rate without denominator, integers without decimals."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """The ``points`` of an inline SVG polyline (missing values left out)."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    points = []
    for index, value in enumerate(values):
        if value is None:
            continue
        y = height - 2 - (value - low) / span * (height - 4) if high != low else height / 2
        points.append(f"{index * step:.1f},{y:.1f}")
    return " ".join(points)


@dataclass
class CardFigure:
    indicator: Indicator
    value: float | None
    previous: float | None
    trend: list[float | None] = field(default_factory=list)
    url: str = ""  # the drill-down's link, set by the page

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def shown(self) -> str:
        return number(self.value, self.indicator.kind)

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)

    @property
    def delta_shown(self) -> str:
        delta = self.delta
        if delta is None:
            return "—"
        arrow = "↑" if delta > 0 else "↓" if delta < 0 else "持平"
        if not delta:
            return arrow
        size = number(abs(delta), "flow")
        return f"{arrow}{size}{'个百分点' if self.indicator.kind == 'rate' else ''}"

    @property
    def points(self) -> str:
        return sparkline(self.trend)


def cards(sel: Selection, indicators: list[Indicator], months: list[date]) -> list[CardFigure]:
    now = totals(sel, indicators, sel.period)
    before = totals(sel, indicators, previous_of(sel.period))
    trend = monthly(sel, indicators, months) if months else {}
    return [
        CardFigure(i, now.value(i.code), before.value(i.code), trend.get(i.code, []))
        for i in indicators
    ]


def sections(sel: Selection, indicators: list[Indicator]) -> list[dict[str, Any]]:
    """One section per ``INDICATOR_SECTIONS`` key holding a visible indicator, with its cards."""
    months = figures.months_ending(sel.period.end, 12)
    by_code = {c.code: c for c in cards(sel, indicators, months)}
    out = []
    for key, title in registry.INDICATOR_SECTIONS.items():
        items = [by_code[i.code] for i in indicators if i.section == key]
        if items:
            out.append({"key": key, "title": title, "cards": items})
    return out


# --- rankings -------------------------------------------------------------------------------


def ranking_level(sel: Selection) -> str | None:
    """What the ranking ranks: the streets of a district (or wider), the communities of a
    street; a community has nothing below it to rank."""
    if len(sel.prefix) < STREET:
        return "street"
    if len(sel.prefix) < COMMUNITY:
        return "community"
    return None


def ranking(sel: Selection, indicator: Indicator) -> list[dict[str, Any]]:
    """The regions below the selection ranked by ``indicator``'s figure (highest first; a rate
    without denominator last), every child region listed, zero or not."""
    by = ranking_level(sel)
    if by is None:
        return []
    got = totals(sel, [indicator], sel.period, by=by)
    width = figures.GROUPS[by]
    level = "street" if by == "street" else "community"
    children = Region.objects.filter(level=level)
    if sel.prefix:
        children = children.filter(code__startswith=sel.prefix)
    names = {r.code[:width]: r.name for r in children.only("code", "name")}
    keys = set(names) | got.keys(indicator.code)
    missing = [k for k in keys if k not in names]
    if missing:
        own = Region.objects.in_bulk([k.ljust(12, "0") for k in missing])
        for key in missing:
            region = own.get(key.ljust(12, "0"))
            names[key] = f"{region.name}（本级）" if region is not None else key
    rows = [
        {"key": key, "code": key.ljust(12, "0"), "name": names[key],
         "value": got.value(indicator.code, key)}
        for key in keys
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["code"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["shown"] = number(row["value"], indicator.kind)
    return rows


def department_ranking(sel: Selection, indicator: Indicator) -> list[dict[str, Any]]:
    """The departments ranked by ``indicator`` (only for an indicator with a ``dim_field``)."""
    if not has_dim(indicator):
        return []
    got = totals(sel, [indicator], sel.period, by="dim")
    keys = [k for k in got.keys(indicator.code) if k]
    ids = [int(k) for k in keys if k.isdigit()]
    names = {str(d.pk): d.name for d in Department.objects.filter(pk__in=ids).only("name")}
    rows = [
        {"key": key, "name": names.get(key, "未指定部门"), "value": got.value(indicator.code, key)}
        for key in keys
    ]
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["shown"] = number(row["value"], indicator.kind)
    return rows


# --- the records behind a figure ------------------------------------------------------------


def records(sel: Selection, indicator: Indicator) -> QuerySet:
    """The drill-down's records (a flow's or stock's), ordered newest first."""
    qs = figures.records(indicator, sel.prefix, sel.period)
    dim = sel.dim_for(indicator)
    if dim is not None:
        qs = qs.filter(**{indicator.dim_field: dim})
    related = sorted({path.rsplit(".", 1)[0].replace(".", "__")
                      for _, path in indicator.columns if "." in path})  # fmt: skip
    if related:
        qs = qs.select_related(*related)
    return qs.order_by(f"-{indicator.date_field}", "-pk")


def total_of(qs: QuerySet, indicator: Indicator) -> float:
    """The drill-down's total: the count, or the sum of the measure (equal to the figure)."""
    from django.db.models import Sum

    if indicator.measure:
        return float(qs.aggregate(v=Sum(indicator.measure))["v"] or 0)
    return float(qs.count())


def cell(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
        if callable(value):
            value = value()
    return value


def rolled_at() -> Any:
    """When the rollups were last brought up to date (None: never)."""
    state = RollupState.objects.filter(name="changes").first()
    return state.rolled_at if state is not None else None


def has_rollups() -> bool:
    return Rollup.objects.exists()
