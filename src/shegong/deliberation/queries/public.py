"""Read side of the public accountability page (no login): only ``public=True`` action items,
no personal data. Each section is one query: the seed's three counts (``queries.counts``, one
COUNT each), the
breakdown by category, the breakdown by community, and one page of items (plus its count).
The owner shows as the department's or organization's name, or "社区居委会" for a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Coalesce

from shegong.core.errors import NotFound
from shegong.deliberation.choices import OPEN_ACTION_STATUSES, ActionStatus, OwnerKind, UpdateKind
from shegong.deliberation.models import ActionItem, ActionUpdate, Meeting, Topic, TopicCategory
from shegong.deliberation.queries import ACTION_NOT_FOUND, counts
from shegong.regions.models import Region

__all__ = [
    "PAGE_SIZE", "PUBLIC_KINDS", "PublicFilter", "by_category", "by_community", "item_page",
    "owner_label", "public_action", "public_items", "public_timeline", "seed_counts",
]  # fmt: skip

PAGE_SIZE = 20
PERSON_OWNER = "社区居委会"
# What the public timeline shows (the 反馈 to the submitters is theirs).
PUBLIC_KINDS = (UpdateKind.PROGRESS, UpdateKind.REDATED, UpdateKind.DONE, UpdateKind.CANCELLED)
LIST_FIELDS = (
    "id", "title", "region__name", "category__name", "owner_kind", "owner_name", "progress",
    "status", "due_on", "done_at",
)  # fmt: skip


def owner_label(owner_kind: str, owner_name: str) -> str:
    """The public name of an owner: never a person's."""
    return PERSON_OWNER if owner_kind == OwnerKind.PERSON else owner_name


@dataclass(frozen=True)
class PublicFilter:
    region: Region | None
    category: int | None
    status: str


def parse_filter(params: Any) -> PublicFilter:
    code = (params.get("region") or "").strip()
    region = Region.objects.filter(code=code).first() if code.isdigit() else None
    category = (params.get("category") or "").strip()
    status = params.get("status") or ""
    return PublicFilter(
        region=region,
        category=int(category) if category.isdigit() else None,
        status=status if status in ("open", ActionStatus.DONE) else "",
    )


def _in_region(qs: QuerySet, region: Region | None) -> QuerySet:
    return qs.in_region(region.prefix) if region is not None else qs


def public_items(f: PublicFilter) -> QuerySet[ActionItem]:
    """The public top-level items of the region (child items show on their parent's page)."""
    qs = _in_region(ActionItem.objects.filter(public=True, parent__isnull=True), f.region)
    if f.category is not None:
        qs = qs.filter(category_id=f.category)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    elif f.status == ActionStatus.DONE:
        qs = qs.filter(status=ActionStatus.DONE)
    else:
        qs = qs.exclude(status=ActionStatus.CANCELLED)
    return qs


def seed_counts(f: PublicFilter) -> dict[str, int]:
    """收集议题 N 项, 落地实事 M 件, 专题议事 K 场 for the region, one COUNT each: the very
    definitions of ``queries.counts`` over the region's rows (``in_region``), so the public page,
    the statistics page and the card agree. A count shows nobody's data."""
    topics = counts.topics_collected(_in_region(Topic.objects.all(), f.region))
    delivered = counts.actions_delivered(_in_region(ActionItem.objects.all(), f.region))
    thematic = counts.thematic_meetings(_in_region(Meeting.objects.all(), f.region))
    return {
        "topics": topics.count(),
        "actions": delivered.count(),
        "thematic": thematic.count(),
    }


def _aggregates() -> dict[str, Any]:
    return {
        "total": Count("id"),
        "done": Count("id", filter=Q(status=ActionStatus.DONE)),
        "progress": Coalesce(Avg("progress"), 0.0),
    }


def by_category(f: PublicFilter) -> list[dict[str, Any]]:
    """Per category: items, done, mean progress (one GROUP BY)."""
    rows = (
        public_items(PublicFilter(f.region, None, f.status))
        .values("category_id")
        .annotate(**_aggregates())
        .order_by("category_id")
    )
    names = dict(TopicCategory.objects.values_list("pk", "name"))
    return [
        {**row, "name": names.get(row["category_id"], ""), "progress": round(row["progress"])}
        for row in rows
    ]


def by_community(f: PublicFilter, limit: int = 50) -> list[dict[str, Any]]:
    """Per community: items, done, mean progress (one GROUP BY), the busiest first."""
    rows = list(
        public_items(f)
        .values("region_id", "region__name")
        .annotate(**_aggregates())
        .order_by("-total", "region_id")[:limit]
    )
    return [{**row, "progress": round(row["progress"])} for row in rows]


def item_page(f: PublicFilter, page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of items (open first, then by due date) and the number of them."""
    qs = public_items(f)
    total = qs.count()
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        qs.order_by("status", "due_on", "id").values(*LIST_FIELDS)[start : start + PAGE_SIZE]
    )
    for row in rows:
        row["owner"] = owner_label(row.pop("owner_kind"), row.pop("owner_name"))
        row["status_label"] = ActionStatus(row["status"]).label
    return rows, total


def public_action(pk: Any) -> ActionItem:
    """A public item (missing and not public look the same)."""
    if not str(pk).isdigit():
        raise NotFound(ACTION_NOT_FOUND)
    found = (
        ActionItem.objects.filter(public=True, pk=pk)
        .select_related("region", "category", "parent")
        .first()
    )
    if found is None or (found.parent is not None and not found.parent.public):
        raise NotFound(ACTION_NOT_FOUND)
    return found


def public_timeline(item: ActionItem) -> list[ActionUpdate]:
    return list(
        ActionUpdate.objects.filter(action=item, kind__in=PUBLIC_KINDS)
        .only("id", "kind", "progress", "text", "photos", "old_due_on", "new_due_on", "at")
        .order_by("-at", "-id")
    )


def public_children(item: ActionItem) -> list[ActionItem]:
    return list(
        item.children.filter(public=True)
        .exclude(status=ActionStatus.CANCELLED)
        .only("id", "title", "progress", "status", "due_on", "owner_kind", "owner_name")
        .order_by("due_on", "id")
    )
