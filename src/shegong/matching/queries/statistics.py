"""The numbers of 四单 matching (issue 15 §6), each defined once here and in docs/metrics.md
("需求对接（四单）"): the statistics page, its Excel export and the workbench card all read
``figures(user, period, community)``, so they cannot disagree.

**The cohort.** Orders belong to the period in which they were placed (点单时间 ``created_at``,
local time): orders by category and month, time to dispatch, 接单率, completion rate and
满意度 are about the same orders. **Served** counts service given in the period (an order's
``finished_at``, a standing task's day). **Unmet needs** and **supply coverage** are snapshots
of now, whatever the period.

**Scope.** The orders, offers and tasks of the communities the user may see
(``visible_to``), with ``matching.view``; narrowed to one community on request (a community
outside the scope is NotFound).
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.errors import NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.periods import Period, rate
from shegong.core.scope import scope_prefix
from shegong.matching.choices import (
    FINISHED_STATUSES,
    AssignmentOutcome,
    OfferStatus,
    OrderStatus,
    TaskStatus,
)
from shegong.matching.models import Assignment, Category, Offer, Order, StandingTask
from shegong.matching.queries import is_staff
from shegong.regions.models import Region

DECIDED = (AssignmentOutcome.ACCEPTED, AssignmentOutcome.DECLINED, AssignmentOutcome.EXPIRED)


@dataclass
class Figures:
    period: Period
    community: str
    categories: list[tuple[int, str]]
    months: list[str]
    by_category_month: dict[int, list[int]]
    placed: int
    dispatch_minutes: float | None
    dispatched: int
    accepted: int
    decided: int
    finished: int
    completion_base: int
    refused: int
    cancelled_by_requester: int
    rated: int
    satisfied: int
    stars: list[int]
    unmet: list[dict[str, Any]]
    unmet_total: int
    coverage: list[dict[str, Any]]
    tasks_done: int
    tasks_missed: int
    served_times: int
    served_people: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def accept_rate(self) -> float | None:
        return rate(self.accepted, self.decided)

    @property
    def completion_rate(self) -> float | None:
        return rate(self.finished, self.completion_base)

    @property
    def satisfaction(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def punctuality(self) -> float | None:
        return rate(self.tasks_done, self.tasks_done + self.tasks_missed)

    @property
    def uncovered(self) -> int:
        return sum(len(row["missing"]) for row in self.coverage)

    def indicators(self) -> list[dict[str, Any]]:
        """The figures as rows (key, label, value or numerator / denominator = rate, unit and
        the definition): the page's cards and the export's sheet."""

        def row(
            key: str,
            label: str,
            definition: str,
            *,
            value: Any = None,
            num: int | None = None,
            den: int | None = None,
            unit: str = "",
        ) -> dict[str, Any]:
            ratio = rate(num, den) if den is not None and num is not None else None
            return {
                "key": key, "label": label, "definition": definition, "value": value,
                "numerator": num, "denominator": den, "unit": unit, "rate": ratio,
            }  # fmt: skip

        return [
            row("placed", "点单量", "本期内点单的订单数（含已拒绝、已取消）", value=self.placed,
                unit="单"),
            row("dispatch_minutes", "派单用时（中位数）",
                "本期点单的订单从点单到首次派单或被抢单的分钟数的中位数；未派单的不计",
                value=self.dispatch_minutes, unit="分钟"),
            row("accept_rate", "接单率",
                "本期点单的订单的派单记录中：已接单（含抢单） ÷ 已处理（已接单 + 婉拒 + 超时未接）",
                num=self.accepted, den=self.decided),
            row("completion_rate", "完成率",
                "本期点单的订单中已完成或已评价的 ÷ 本期点单数减去已拒绝和点单人自行取消的",
                num=self.finished, den=self.completion_base),
            row("satisfaction", "评单满意度", "本期点单的订单中评 4–5 星的 ÷ 已评价的",
                num=self.satisfied, den=self.rated),
            row("unmet", "未满足需求", "此刻处于待处理且有未满足原因的订单（不随统计期变化）",
                value=self.unmet_total, unit="单"),
            row("uncovered", "供给缺口",
                "此刻各社区没有已上架供给的服务类别数之和（不随统计期变化）",
                value=self.uncovered, unit="项"),
            row("punctuality", "常态化服务准时率",
                "本期内常态化服务任务：已完成 ÷（已完成 + 未按时完成）；暂停免做与待服务的不计",
                num=self.tasks_done, den=self.tasks_done + self.tasks_missed),
            row("served_times", "服务人次", "本期内完成的订单数 + 完成的常态化服务任务数",
                value=self.served_times, unit="人次"),
            row("served_people", "服务人数",
                "上述服务的不同服务对象：按台账人员计，无台账人员的按居民账号计；与人次分开，不相加",
                value=self.served_people, unit="人"),
        ]  # fmt: skip

    def chart(self) -> dict[str, Any]:
        """The charts' data (the same numbers as the tables)."""
        return {
            "months": self.months,
            "series": [
                {"name": name, "data": self.by_category_month[pk]}
                for pk, name in self.categories
                if any(self.by_category_month[pk])
            ],
            "stars": {"labels": [f"{n}星" for n in range(1, 6)], "counts": self.stars},
        }


def communities(user: Any) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def _require(user: Any) -> str:
    if not is_staff(user):
        raise NotPermitted("您当前的角色不能查看需求对接统计")
    prefix = scope_prefix(user)
    if prefix is None:
        raise NotPermitted("您当前的角色不能查看需求对接统计")
    return prefix


def _scoped(qs: QuerySet[Any], user: Any, community: str) -> QuerySet[Any]:
    qs = qs.visible_to(user)  # type: ignore[attr-defined]
    return qs.filter(region_id=community) if community else qs


def check_community(user: Any, community: str) -> str:
    """The community code if it is a community in the user's scope ("" for all), else
    NotFound."""
    community = (community or "").strip()
    if community and not communities(user).filter(code=community).exists():
        raise NotFound("未找到该社区")
    return community


def cohort(user: Any, period: Period, community: str = "") -> QuerySet[Order]:
    """The orders placed in the period, in scope."""
    return _scoped(Order.objects.all(), user, community).filter(
        created_at__gte=period.since, created_at__lt=period.until
    )


def cancelled_by_requester(orders: QuerySet[Order]) -> set[int]:
    """Of these orders, those cancelled by the requester (the cancellation's audit entry says
    ``by_staff`` false)."""
    ids = [
        str(pk) for pk in orders.filter(status=OrderStatus.CANCELLED).values_list("pk", flat=True)
    ]
    if not ids:
        return set()
    entries = AuditEvent.objects.filter(
        verb=int(Verb.ORDER_CANCELLED), target_type="matching.order", target_id__in=ids
    ).values_list("target_id", "data")
    return {int(pk) for pk, data in entries if not (data or {}).get("by_staff")}


def unmet(user: Any, community: str = "", *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Orders at 待处理 with an unmet reason, by category: how many, the longest and the
    average days waiting (from ``waiting_since``, else the placement)."""
    now = now or timezone.now()
    rows = (
        _scoped(Order.objects.all(), user, community)
        .filter(status=OrderStatus.WAITING)
        .exclude(unmet_reason="")
        .values_list("category_id", "category__name", "waiting_since", "created_at")
    )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for cat_id, name, since, created in rows:
        groups[(cat_id, name)].append(max((now - (since or created)).days, 0))
    return [
        {"category": name, "count": len(days), "max_days": max(days),
         "avg_days": round(sum(days) / len(days), 1)}
        for (_pk, name), days in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0][0]))
    ]  # fmt: skip


def coverage(user: Any, community: str = "") -> list[dict[str, Any]]:
    """Per community in scope: the active categories with no approved offer there."""
    cats = list(Category.objects.filter(is_active=True).values_list("pk", "name"))
    places = communities(user)
    if community:
        places = places.filter(code=community)
    have: dict[str, set[int]] = defaultdict(set)
    approved = _scoped(Offer.objects.all(), user, community).filter(status=OfferStatus.APPROVED)
    for region_id, cat_id in approved.values_list("region_id", "category_id").distinct():
        have[region_id].add(cat_id)
    return [
        {"code": r.code, "name": r.name,
         "missing": [name for pk, name in cats if pk not in have[r.code]],
         "covered": len([pk for pk, _n in cats if pk in have[r.code]]), "total": len(cats)}
        for r in places.only("code", "name")
    ]  # fmt: skip


def figures(user: Any, period: Period, community: str = "") -> Figures:
    """Every number of the page for the period and scope (see the module's docstring)."""
    _require(user)
    community = check_community(user, community)
    orders = cohort(user, period, community)
    cats = list(Category.objects.order_by("order", "code").values_list("pk", "name"))
    months = period.months()
    index = {m: i for i, m in enumerate(months)}
    by_cm: dict[int, list[int]] = {pk: [0] * len(months) for pk, _n in cats}
    rows = list(
        orders.values_list(
            "pk", "category_id", "created_at", "dispatched_at", "status", "stars",
        )
    )  # fmt: skip
    waits: list[float] = []
    status_count: Counter[str] = Counter()
    stars = [0] * 5
    for _pk, cat_id, created, dispatched, status, star in rows:
        month = f"{timezone.localtime(created):%Y-%m}"
        if month in index and cat_id in by_cm:
            by_cm[cat_id][index[month]] += 1
        if dispatched is not None:
            waits.append(max((dispatched - created).total_seconds() / 60, 0))
        status_count[status] += 1
        if star:
            stars[star - 1] += 1
    finished = sum(status_count[s] for s in FINISHED_STATUSES)
    refused = status_count[OrderStatus.REFUSED]
    withdrawn = len(cancelled_by_requester(orders))
    outcomes = Counter(
        Assignment.objects.filter(order__in=orders, outcome__in=DECIDED).values_list(
            "outcome", flat=True
        )
    )
    tasks = _scoped(StandingTask.objects.all(), user, community).filter(
        on__gte=period.start, on__lte=period.end
    )
    task_counts = Counter(
        tasks.filter(status__in=[TaskStatus.DONE, TaskStatus.MISSED]).values_list(
            "status", flat=True
        )
    )
    served_orders = _scoped(Order.objects.all(), user, community).filter(
        status__in=FINISHED_STATUSES, finished_at__gte=period.since, finished_at__lt=period.until
    )
    people: set[str] = set()
    served_times = 0
    for pk, person, account in served_orders.values_list(
        "pk", "beneficiary_id", "beneficiary_user_id"
    ):
        served_times += 1
        people.add(f"p{person}" if person else f"u{account}" if account else f"o{pk}")
    for person in tasks.filter(status=TaskStatus.DONE).values_list(
        "standing_order__beneficiary_id", flat=True
    ):
        served_times += 1
        people.add(f"p{person}")
    unmet_rows = unmet(user, community)
    return Figures(
        period=period, community=community, categories=cats, months=months,
        by_category_month=by_cm, placed=len(rows),
        dispatch_minutes=round(pystats.median(waits), 1) if waits else None,
        dispatched=len(waits), accepted=outcomes[AssignmentOutcome.ACCEPTED],
        decided=sum(outcomes.values()), finished=finished,
        completion_base=len(rows) - refused - withdrawn, refused=refused,
        cancelled_by_requester=withdrawn, rated=sum(stars), satisfied=stars[3] + stars[4],
        stars=stars, unmet=unmet_rows, unmet_total=sum(r["count"] for r in unmet_rows),
        coverage=coverage(user, community), tasks_done=task_counts[TaskStatus.DONE],
        tasks_missed=task_counts[TaskStatus.MISSED], served_times=served_times,
        served_people=len(people),
    )  # fmt: skip
