"""The registrar's statistics (issue 14 §8): the registered indicators of a year, grouped by
section, the §1 record's own figures (登记概况) and the tables behind the page's charts.

Every figure is counted by the very query of the list it links to (``queries.filtered`` with
the list's filters), so a figure and its list cannot disagree. Definitions: docs/metrics.md,
"社会组织登记统计".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import ExtractYear, Substr
from django.urls import reverse
from django.utils import timezone

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.regions.models import Region

from . import queries
from .choices import CLOSED_STATUSES, SocialOrgStatus, SocialOrgType
from .workbench import SECTIONS, Indicator, Worklist, indicators, worklists

YEARS_IN_TREND = 5
STREET_CODE_LENGTH = 9  # 统计用区划代码: province 2 + city 2 + county 2 + township 3
REGION_LEVELS = ["district", "street", "community"]


def default_year(today: date | None = None) -> int:
    """The year the page opens on: last year, whose inspection window has closed."""
    return (today or timezone.localdate()).year - 1


def list_url(**filters: Any) -> str:
    """The registrar's list (``/socialorgs/``) with these filters (empty ones left out)."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return reverse("socialorgs:list") + (f"?{urlencode(params)}" if params else "")


# --- 登记概况: the record's own indicators ----------------------------------------------------


@dataclass(frozen=True)
class _ListFigure:
    """A count of the registrar's list under fixed filters; ``yearly`` names the filter that
    takes the year (None: a figure of today, whatever the year)."""

    filters: dict[str, str]
    yearly: str | None = None

    def params(self, year: int, region: str) -> dict[str, Any]:
        params: dict[str, Any] = dict(self.filters)
        if self.yearly:
            params[self.yearly] = year
        params["region"] = region
        return params

    def value(self, user: Any, year: int, region: str = "") -> int:
        return queries.filtered(user, **self.params(year, region)).count()

    def url(self, year: int, region: str = "") -> str:
        return list_url(**self.params(year, region))


def _record_indicator(
    key: str, label: str, figure: _ListFigure, order: int, definition: str, **extra: Any
) -> Indicator:
    return Indicator(
        key=f"records.{key}", label=label, section="records", value=figure.value,
        url=figure.url, order=order, definition=definition, regional=True, **extra,
    )  # fmt: skip


NORMAL = SocialOrgStatus.NORMAL.value
RECORD_INDICATORS = [
    _record_indicator(
        "normal",
        "正常状态的社会组织（当前）",
        _ListFigure({"status": NORMAL}),
        10,
        "范围内登记状态为“正常”的社会组织数，统计时点为当前（不随所选年度变化）。",
        featured=True,
    ),
    *[
        _record_indicator(
            f"normal_{kind.value}",
            f"其中：{kind.label}",
            _ListFigure({"status": NORMAL, "org_type": kind.value}),
            11 + i,
            f"范围内类型为“{kind.label}”、登记状态为“正常”的社会组织数，统计时点为当前。",
        )
        for i, kind in enumerate(SocialOrgType)
    ],
    _record_indicator(
        "suspended",
        "限期停止活动（当前）",
        _ListFigure({"status": SocialOrgStatus.SUSPENDED.value}),
        15,
        "范围内登记状态为“限期停止活动”的社会组织数，统计时点为当前。",
    ),
    _record_indicator(
        "preparing",
        "筹备中（当前）",
        _ListFigure({"status": SocialOrgStatus.PREPARING.value}),
        16,
        "范围内登记状态为“筹备”的社会组织数，统计时点为当前。",
    ),
    _record_indicator(
        "registered",
        "本年度新登记",
        _ListFigure({}, yearly="registered_year"),
        20,
        "登记日期在所选年度（1月1日至12月31日）内的社会组织数，不论其现在的状态。",
        featured=True,
    ),
    _record_indicator(
        "deregistered",
        "本年度注销登记",
        _ListFigure({"status": SocialOrgStatus.DEREGISTERED.value}, yearly="closed_year"),
        21,
        "现登记状态为“注销”、且注销生效日期在所选年度内的社会组织数。",
        featured=True,
    ),
    _record_indicator(
        "cancelled",
        "本年度撤销登记",
        _ListFigure({"status": SocialOrgStatus.CANCELLED.value}, yearly="closed_year"),
        22,
        "现登记状态为“撤销”、且撤销生效日期在所选年度内的社会组织数（其后已注销的计入注销）。",
        featured=True,
    ),
    _record_indicator(
        "revoked",
        "本年度吊销登记证书",
        _ListFigure({"status": SocialOrgStatus.REVOKED.value}, yearly="closed_year"),
        23,
        "现登记状态为“吊销”、且吊销生效日期在所选年度内的社会组织数（其后已注销的计入注销）。",
    ),
]
indicators.add(*RECORD_INDICATORS)


# --- the page's figures -----------------------------------------------------------------------


def region_choices(user: Any) -> list[tuple[str, str]]:
    """The regions the page may be narrowed to: the user's district, streets and communities."""
    found = Region.objects.visible_to(user).filter(level__in=REGION_LEVELS).order_by("code")
    return [(r.code, r.name if r.level != "community" else f"　{r.name}") for r in found]


def _number(indicator: Indicator, user: Any, year: int, region: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": indicator.key, "label": indicator.label, "unit": indicator.unit,
        "definition": indicator.definition, "value": None, "numerator": None,
        "denominator": None, "rate": None, "url": "", "denominator_url": "",
    }  # fmt: skip
    if region and not indicator.regional:
        row["not_regional"] = True
        return row
    args: tuple[Any, ...] = (year, region) if indicator.regional else (year,)
    value = indicator.value(user, *args)
    if value is None:
        return row
    if isinstance(value, tuple):
        n, d = value
        row.update(numerator=n, denominator=d, rate=round(100 * n / d, 1) if d else None)
        if indicator.denominator_url:
            row["denominator_url"] = indicator.denominator_url(*args)
    else:
        row["value"] = value
    if indicator.url:
        row["url"] = indicator.url(*args)
    return row


def figures(
    user: Any, year: int, region: str = "", *, featured: bool = False
) -> list[dict[str, Any]]:
    """The registered indicators for ``year`` (in ``region``), by section in SECTIONS order;
    ``featured`` keeps only the workbench's key figures."""
    grouped: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTIONS}
    for indicator in indicators:
        if featured and not indicator.featured:
            continue
        grouped.setdefault(indicator.section, []).append(_number(indicator, user, year, region))
    return [
        {"key": key, "title": SECTIONS.get(key, key), "rows": rows}
        for key, rows in grouped.items()
        if rows
    ]


def rate_text(row: dict[str, Any]) -> str:
    """ "89 / 99 = 89.9%" (or "0 / 0" when nobody was due)."""
    n, d, rate = row["numerator"], row["denominator"], row["rate"]
    return f"{n} / {d} = {rate}%" if rate is not None else f"{n} / {d}"


# --- the charts' tables -----------------------------------------------------------------------


def charts(user: Any, year: int, region: str = "") -> dict[str, Any]:
    """The tables behind the charts: existing organizations (not 撤销/吊销/注销) by type and by
    street, all organizations by status, and registrations and closures in the 5 years
    ending with ``year``."""
    every = queries.filtered(user, region=region).order_by()
    existing = every.exclude(status__in=CLOSED_STATUSES)
    by_type = dict(
        existing.values_list("org_type").annotate(n=Count("id")).values_list("org_type", "n")
    )
    by_status = dict(every.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    streets = dict(
        existing.annotate(street=Substr("organization__region_id", 1, STREET_CODE_LENGTH))
        .values_list("street")
        .annotate(n=Count("id"))
        .values_list("street", "n")
    )
    names = dict(Region.objects.filter(code__in=list(streets)).values_list("code", "name"))
    years = list(range(year - YEARS_IN_TREND + 1, year + 1))
    registered = dict(
        every.filter(registered_on__year__gte=years[0], registered_on__year__lte=year)
        .annotate(y=ExtractYear("registered_on"))
        .values_list("y")
        .annotate(n=Count("id"))
        .values_list("y", "n")
    )
    closed = dict(
        every.filter(closed_on__year__gte=years[0], closed_on__year__lte=year)
        .annotate(y=ExtractYear("closed_on"))
        .values_list("y")
        .annotate(n=Count("id"))
        .values_list("y", "n")
    )
    return {
        "by_type": [{"label": t.label, "n": by_type.get(t.value, 0)} for t in SocialOrgType],
        "by_status": [
            {
                "label": s.label,
                "n": by_status.get(s.value, 0),
                "url": list_url(status=s.value, region=region),
            }
            for s in SocialOrgStatus
        ],
        "by_street": [
            {"label": names.get(code, code), "n": n} for code, n in sorted(streets.items())
        ],
        "by_year": [
            {
                "year": y,
                "registered": registered.get(y, 0),
                "closed": closed.get(y, 0),
                "registered_url": list_url(registered_year=y, region=region),
                "closed_url": list_url(closed_year=y, region=region),
            }
            for y in years
        ],
    }


def chart_data(tables: dict[str, Any]) -> dict[str, Any]:
    """What the page's script draws (``json_script``): labels and counts only."""
    return {
        name: {
            "labels": [r["label"] for r in tables[name]],
            "counts": [r["n"] for r in tables[name]],
        }
        for name in ("by_type", "by_status", "by_street")
    } | {
        "by_year": {
            "labels": [f"{r['year']}年" for r in tables["by_year"]],
            "registered": [r["registered"] for r in tables["by_year"]],
            "closed": [r["closed"] for r in tables["by_year"]],
        }
    }


def _unregistered(user: Any) -> int | None:
    if not user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE):
        return None
    return queries.unregistered(user).count()


worklists.add(
    Worklist(
        "records",
        Todo(
            key="socialorgs.unregistered",
            label="台账中尚未登记建档的社会组织",
            count=_unregistered,
            url_name="socialorgs:unregistered",
            order=505,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="building-add",
            hint="台账（普查、导入）中类型为社会组织、在此尚无登记档案：逐一登记建档，或在台账中更正类型",
        ),
        on_home=False,
    )
)
