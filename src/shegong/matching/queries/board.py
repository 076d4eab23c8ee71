"""The read side of the community dispatch board (派单台), the unmet list, the order list and
their to-dos. Every function starts from ``orders_for_staff(user)`` (scoped, none without the
permission), and the to-dos and the card count the very querysets the lists show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from shegong.matching.choices import OrderStatus
from shegong.matching.models import Order
from shegong.matching.queries import orders_for_staff
from shegong.regions.models import Region

S = OrderStatus


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    statuses: tuple[str, ...]


TABS = (
    Tab("review", "待审核", (S.REVIEW,)),
    Tab("waiting", "待处理", (S.WAITING,)),
    Tab("dispatched", "已派单", (S.DISPATCHED,)),
    Tab("pool", "抢单池", (S.POOL,)),
    Tab("serving", "服务中", (S.ACCEPTED, S.SERVING)),
    Tab("done", "待评价", (S.DONE,)),
)
TAB_BY_KEY = {t.key: t for t in TABS}
DEFAULT_TAB = "review"


def communities(user: Any) -> QuerySet[Region]:
    """The communities in the user's scope (the board's community filter)."""
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def filtered(
    qs: QuerySet[Order], *, community: str = "", category: Any = None, urgency: str = "",
    status: str = "", channel: str = "", date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Order]:  # fmt: skip
    """The common filters of the board and the order list."""
    if community:
        qs = qs.filter(region_id=community)
    if category not in (None, ""):
        qs = qs.filter(category_id=getattr(category, "pk", category))
    if urgency:
        qs = qs.filter(urgency=urgency)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def _with_relations(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("category", "item", "region", "beneficiary", "offer")


def tab_rows(user: Any, tab: str, **filters: Any) -> QuerySet[Order]:
    """One tab of the board: oldest first (the longest wait at the top)."""
    found = TAB_BY_KEY.get(tab) or TAB_BY_KEY[DEFAULT_TAB]
    qs = filtered(orders_for_staff(user), **filters).filter(status__in=found.statuses)
    if found.key == "dispatched":
        return _with_relations(qs).order_by("accept_deadline", "id")
    return _with_relations(qs).order_by("created_at", "id")


def tab_counts(user: Any, **filters: Any) -> dict[str, int]:
    """Tab key → its number of orders under the same filters (one grouped query)."""
    by_status = dict(
        filtered(orders_for_staff(user), **filters)
        .filter(status__in=[s for t in TABS for s in t.statuses])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {t.key: sum(by_status.get(s, 0) for s in t.statuses) for t in TABS}


def unmet(user: Any, *, category: Any = None, community: str = "") -> QuerySet[Order]:
    """未满足需求: orders at 待处理, the longest waiting first."""
    qs = filtered(orders_for_staff(user), category=category, community=community)
    return _with_relations(qs.filter(status=S.WAITING)).order_by("waiting_since", "id")


def unmet_by_category(user: Any, *, community: str = "") -> list[dict[str, Any]]:
    """Category id, name and how many orders of it wait (most first)."""
    rows = (
        unmet(user, community=community)
        .values("category_id", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category_id")
    )
    return [
        {"category": r["category_id"], "name": r["category__name"], "count": r["n"]} for r in rows
    ]


def overdue_dispatched(user: Any, now: datetime | None = None, **filters: Any) -> QuerySet[Order]:
    """Dispatched orders whose helper let the acceptance deadline pass (the scan has not yet
    forwarded them)."""
    now = now or timezone.now()
    qs = filtered(orders_for_staff(user), **filters).filter(
        status=S.DISPATCHED, accept_deadline__lt=now
    )
    return _with_relations(qs).order_by("accept_deadline", "id")


def order_list(user: Any, **filters: Any) -> QuerySet[Order]:
    """服务订单: every order in scope, newest first."""
    return _with_relations(filtered(orders_for_staff(user), **filters)).order_by(
        "-created_at", "-id"
    )


def today_figures(user: Any, now: datetime | None = None) -> dict[str, Any]:
    """The workbench card: today's new orders, and the queues the to-dos open."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "today": today,
        "placed_today": orders_for_staff(user).filter(created_at__date=today).count(),
        "review": tab_rows(user, "review").count(),
        "unmet": unmet(user).count(),
        "overdue": overdue_dispatched(user, now).count(),
    }


@dataclass(frozen=True)
class Clock:
    label: str
    overdue: bool


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} 小时 {minutes % 60} 分"
    return f"{hours // 24} 天"


def clock_of(order: Order, now: datetime | None = None) -> Clock:
    """The board's clock of one order: the time left to accept a dispatched order (red when
    past), otherwise how long it has waited at its step."""
    now = now or timezone.now()
    if order.status == S.DISPATCHED and order.accept_deadline:
        left = order.accept_deadline - now
        if left.total_seconds() < 0:
            return Clock(f"已超时 {_span(left)}", True)
        return Clock(f"剩余 {_span(left)} 接单", False)
    since = {
        S.REVIEW: order.created_at,
        S.WAITING: order.waiting_since or order.reviewed_at or order.created_at,
        S.POOL: order.reviewed_at or order.created_at,
        S.ACCEPTED: order.accepted_at,
        S.SERVING: order.started_at or order.accepted_at,
        S.DONE: order.finished_at,
    }.get(order.status) or order.created_at
    waited = now - since
    # Waiting for review or a helper for more than a day is late.
    late = order.status in (S.REVIEW, S.WAITING, S.POOL) and waited > timedelta(hours=24)
    return Clock(f"已等待 {_span(waited)}", late)


def days_waiting(order: Order, now: datetime | None = None) -> int:
    now = now or timezone.now()
    since = order.waiting_since or order.created_at
    return max((timezone.localdate(now) - timezone.localdate(since)).days, 0)
