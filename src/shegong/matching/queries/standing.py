"""The read side of standing orders: the scoped list and its filters, one order's month
calendar, the monthly summary per beneficiary and per helper, and a helper's tasks of today."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.matching.choices import StandingStatus, TaskStatus
from shegong.matching.models import StandingOrder, StandingTask

from . import is_staff

ON_TIME = timedelta(minutes=30)


def standing_for_staff(user: Any) -> QuerySet[StandingOrder]:
    if not is_staff(user):
        return StandingOrder.objects.none()
    return StandingOrder.objects.visible_to(user)


def access_standing(user: Any, pk: Any) -> StandingOrder:
    if not str(pk).isdigit():
        raise NotFound("未找到该常态化服务")
    found = (
        standing_for_staff(user)
        .select_related("region", "category", "item", "beneficiary")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("未找到该常态化服务")
    return found


def filter_standing(user: Any, params: Any) -> QuerySet[StandingOrder]:
    """The list's rows: community (a code in scope), category (id), status, and ``missed=today``
    (those with a task missed today, the to-do's list)."""
    rows = standing_for_staff(user)
    community = str(params.get("community") or "")
    if community:
        rows = rows.filter(region_id=community)
    category = str(params.get("category") or "")
    if category.isdigit():
        rows = rows.filter(category_id=int(category))
    status = str(params.get("status") or "")
    if status in StandingStatus.values:
        rows = rows.filter(status=status)
    if params.get("missed") == "today":
        rows = rows.filter(
            tasks__on=timezone.localdate(), tasks__status=TaskStatus.MISSED
        ).distinct()
    return rows.select_related("region", "category", "beneficiary").order_by(
        "region_id", "at_time", "pk"
    )


def status_counts(rows: QuerySet[StandingOrder]) -> dict[str, int]:
    counts = {s: 0 for s in StandingStatus.values}
    for status in rows.order_by().values_list("status", flat=True):
        counts[status] += 1
    return counts


def missed_today(user: Any) -> int:
    return filter_standing(user, {"missed": "today"}).count()


def month_bounds(value: Any) -> tuple[date, date]:
    """The first and last day of the month ``YYYY-MM`` (this month when unreadable)."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in str(value or "").split("-", 1))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def month_calendar(standing: StandingOrder, first: date) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of the month, each day with its task (or None)."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    tasks = {
        t.on: t
        for t in StandingTask.objects.filter(standing_order=standing, on__gte=first, on__lte=last)
    }
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append(
            [{"day": d, "in_month": d.month == first.month, "task": tasks.get(d)} for d in week]
        )
    return weeks


def _rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def monthly_summary(user: Any, first: date, community: str = "") -> dict[str, list[dict]]:
    """Per beneficiary and per helper for the month: tasks due (not skipped), done, missed,
    done on time (within 30 minutes of the time), punctuality = on time / due."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    orders = standing_for_staff(user)
    if community:
        orders = orders.filter(region_id=community)
    tasks = (
        StandingTask.objects.filter(standing_order__in=orders, on__gte=first, on__lte=last)
        .exclude(status=TaskStatus.SKIPPED)
        .select_related("standing_order__beneficiary", "standing_order__region", "offer")
    )
    people: dict[int, dict[str, Any]] = {}
    helpers: dict[Any, dict[str, Any]] = defaultdict(dict)
    for task in tasks:
        standing = task.standing_order
        person = standing.beneficiary
        row = people.setdefault(
            person.pk,
            {"name": person.name_masked, "community": standing.region.name, "due": 0, "done": 0,
             "missed": 0, "on_time": 0},
        )  # fmt: skip
        key = task.offer_id
        helper = helpers[key] or helpers.setdefault(key, {})
        if not helper:
            helper.update(
                name=task.offer.provider_name if task.offer else "未排班",
                title=task.offer.title if task.offer else "",
                due=0, done=0, missed=0, on_time=0,
            )  # fmt: skip
        on_time = (
            task.status == TaskStatus.DONE
            and task.done_at is not None
            and task.done_at <= task.due_at + ON_TIME
        )
        for target in (row, helper):
            target["due"] += 1
            target["done"] += task.status == TaskStatus.DONE
            target["missed"] += task.status == TaskStatus.MISSED
            target["on_time"] += on_time
    for target in [*people.values(), *helpers.values()]:
        target["punctuality"] = _rate(target["on_time"], target["due"])
    return {
        "people": sorted(people.values(), key=lambda r: (r["community"], r["name"])),
        "helpers": sorted(helpers.values(), key=lambda r: (-r["due"], r["name"])),
    }


def helper_tasks(user: Any, day: date) -> QuerySet[StandingTask]:
    """The day's standing tasks of the helper's offers."""
    if not getattr(user, "is_authenticated", False):
        return StandingTask.objects.none()
    return (
        StandingTask.objects.filter(offer__helper=user, on=day)
        .select_related("standing_order", "standing_order__beneficiary", "offer")
        .order_by("due_at", "pk")
    )
