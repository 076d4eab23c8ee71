"""Read side of the action items (落地实事): the staff board's filters, the overdue list, a
resident's items on the phone, and an item's timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.deliberation.choices import OPEN_ACTION_STATUSES, ActionStatus
from shegong.deliberation.models import ActionItem, ActionUpdate, TopicFollower
from shegong.deliberation.queries import (
    ACTION_NOT_FOUND,
    actions_for_staff,
    communities_of,
)

__all__ = [
    "FILTER_KEYS", "filter_actions", "for_resident", "overdue", "resident_action", "timeline",
]  # fmt: skip

FILTER_KEYS = ("community", "category", "status", "overdue", "owner", "due_month", "q")


def overdue_of(qs: QuerySet[ActionItem], today: date | None = None) -> QuerySet[ActionItem]:
    """Open items past their due date: they leave only when done, cancelled or re-dated."""
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)


def overdue(user: Any, today: date | None = None) -> QuerySet[ActionItem]:
    """逾期未完成的落地实事 in the staff member's scope."""
    return overdue_of(actions_for_staff(user), today)


def _month(value: str) -> tuple[date, date] | None:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        start = date(year, month, 1)
    except (TypeError, ValueError):
        return None
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def filter_actions(user: Any, params: Any) -> QuerySet[ActionItem]:
    """The board's rows: community, category, status, overdue, owner (text), due month (YYYY-MM),
    free text; unknown values are ignored."""
    qs = actions_for_staff(user).select_related("region", "category", "parent")
    get = params.get
    if community := (get("community") or "").strip():
        qs = qs.filter(region_id=community)
    if (category := (get("category") or "").strip()).isdigit():
        qs = qs.filter(category_id=int(category))
    if (status := get("status") or "") in ActionStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    if get("overdue") in ("1", "true", "yes"):
        qs = overdue_of(qs)
    if owner := (get("owner") or "").strip():
        qs = qs.filter(owner_name__icontains=owner)
    if (month := _month((get("due_month") or "").strip())) is not None:
        qs = qs.filter(due_on__gte=month[0], due_on__lt=month[1])
    if q := (get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("due_on", "id")


def timeline(item: ActionItem, *, public: bool = False) -> QuerySet[ActionUpdate]:
    """The item's timeline, newest first."""
    return ActionUpdate.objects.filter(action=item).select_related("by").order_by("-at", "-id")


def for_resident(user: Any) -> QuerySet[ActionItem]:
    """A resident's items on the phone: the public items of their communities and those of the
    topics they follow, and the items they are the owner account of."""
    if not getattr(user, "is_authenticated", False):
        return ActionItem.objects.none()
    codes = [c.code for c in communities_of(user)]
    followed = TopicFollower.objects.filter(user=user).values("topic_id")
    return (
        ActionItem.objects.filter(
            Q(public=True, region_id__in=codes)
            | Q(public=True, topic_id__in=followed)
            | Q(owner_user=user)
        )
        .select_related("region", "category")
        .order_by("-updated_at", "-id")
    )


def resident_action(user: Any, pk: Any) -> ActionItem:
    if not str(pk).isdigit():
        raise NotFound(ACTION_NOT_FOUND)
    found = for_resident(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(ACTION_NOT_FOUND)
    return found
