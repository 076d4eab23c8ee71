"""The numbers the seed judges a 议事厅 by, defined once (docs/metrics.md, section 议事厅):
"收集议题134项，落地实事超100件", "6场专题议事". The public accountability page, the statistics
page and the workbench card all read them here.

Each takes the rows to count (a queryset already scoped: a staff member's ``visible_to``, or a
region's ``in_region`` for the public page) and a half-open period [start, end) of aware
datetimes (``None``: unbounded).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from shegong.deliberation.choices import ActionStatus, MeetingKind, MeetingStatus, TopicStatus
from shegong.deliberation.models import ActionItem, Meeting, Topic

__all__ = ["actions_delivered", "thematic_meetings", "topics_collected"]


def _period(qs: QuerySet, field: str, start: datetime | None, end: datetime | None) -> QuerySet:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def topics_collected(
    topics: QuerySet[Topic], start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Topic]:
    """收集议题: topics raised in the period, a merged duplicate not counted twice."""
    return _period(topics.exclude(status=TopicStatus.MERGED), "created_at", start, end)


def actions_delivered(
    actions: QuerySet[ActionItem], start: datetime | None = None, end: datetime | None = None
) -> QuerySet[ActionItem]:
    """落地实事: top-level action items (a child item is part of its parent) done in the
    period."""
    done = actions.filter(parent__isnull=True, status=ActionStatus.DONE)
    return _period(done, "done_at", start, end)


def thematic_meetings(
    meetings: QuerySet[Meeting], start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Meeting]:
    """专题议事: thematic meetings held (closed with their record) in the period."""
    held = meetings.filter(kind=MeetingKind.THEMATIC, status=MeetingStatus.CLOSED)
    return _period(held, "starts_at", start, end)
