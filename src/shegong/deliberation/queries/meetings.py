"""Read side of meetings (议事会): the planner's filtered list, the cadence status per community
(本月已开/未开), the agenda's candidate topics, the residents' notices and published records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.deliberation import rules
from shegong.deliberation.choices import OPEN_TOPIC_STATUSES, MeetingKind, MeetingStatus
from shegong.deliberation.models import CommunitySettings, Meeting, Topic
from shegong.deliberation.queries import MEETING_NOT_FOUND, communities_of, meetings_for_staff
from shegong.regions.models import Region

__all__ = [
    "agenda_candidates", "cadence_status", "filter_meetings", "month_bounds",
    "months_without_meeting", "resident_meeting", "resident_meetings",
]  # fmt: skip


def month_bounds(day: date) -> tuple[Any, Any]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    make = timezone.make_aware
    return (
        make(datetime.combine(start, datetime.min.time())),
        make(datetime.combine(following, datetime.min.time())),
    )


def filter_meetings(user: Any, params: Any) -> QuerySet[Meeting]:
    """The planner's list: region (a prefix), kind, status, month (YYYY-MM)."""
    rows = meetings_for_staff(user).select_related("region")
    region = str(params.get("region") or "").strip()
    if region.isdigit():
        rows = rows.filter(region_id__startswith=region)
    kind = params.get("kind") or ""
    if kind in MeetingKind.values:
        rows = rows.filter(kind=kind)
    status = params.get("status") or ""
    if status in MeetingStatus.values:
        rows = rows.filter(status=status)
    month = str(params.get("month") or "")
    if len(month) == 7 and month[:4].isdigit() and month[5:].isdigit() and month[4] == "-":
        try:
            start, end = month_bounds(date(int(month[:4]), int(month[5:]), 1))
        except ValueError:
            pass
        else:
            rows = rows.filter(starts_at__gte=start, starts_at__lt=end)
    return rows.order_by("-starts_at", "-id")


def cadence_kinds() -> list[str]:
    """The meeting kinds that count for 一月一会 (``rules.rule_for(kind).cadence``)."""
    return [kind for kind in MeetingKind.values if rules.rule_for(kind).cadence]


def under_cadence(codes: list[str] | None, today: date) -> set[str]:
    """The communities (of ``codes``; None: all) under 一月一会 — the one definition the
    planner, the to-do, the card, the statistics and the alarm scan share: a settings row with
    the cadence on, or, without a row, any meeting (not cancelled) in the past year (so a
    community that never used the hall is not nagged)."""
    year_ago = month_bounds(today)[0] - timedelta(days=366)
    settings_rows = CommunitySettings.objects.all()
    recent_meetings = Meeting.objects.filter(starts_at__gte=year_ago).exclude(
        status=MeetingStatus.CANCELLED
    )
    if codes is not None:
        settings_rows = settings_rows.filter(region_id__in=codes)
        recent_meetings = recent_meetings.filter(region_id__in=codes)
    rows = dict(settings_rows.values_list("region_id", "monthly_cadence"))
    recent = set(recent_meetings.values_list("region_id", flat=True).distinct())
    return {code for code, on in rows.items() if on} | {c for c in recent if c not in rows}


def cadence_status(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """Per community in scope: whether a meeting counting for 一月一会 was held (closed) this
    month, and the month's meetings (the calendar strip)."""
    today = today or timezone.localdate()
    start, end = month_bounds(today)
    communities = list(Region.objects.visible_to(user).filter(level="community").order_by("code"))
    codes = [c.code for c in communities]
    on = under_cadence(codes, today)
    month_rows = list(
        meetings_for_staff(user)
        .filter(region_id__in=codes, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    kinds = set(cadence_kinds())
    result = []
    for community in communities:
        mine = [m for m in month_rows if m.region_id == community.code]
        held = any(m.status == MeetingStatus.CLOSED and m.kind in kinds for m in mine)
        result.append({
            "community": community, "meetings": mine, "held": held,
            "cadence": community.code in on,
            "days": sorted({timezone.localtime(m.starts_at).day for m in mine}),
        })  # fmt: skip
    return result


def months_without_meeting(user: Any, today: date | None = None) -> list[Region]:
    """The communities in scope under 一月一会 with no meeting held (closed) this month."""
    return [
        row["community"]
        for row in cadence_status(user, today)
        if row["cadence"] and not row["held"]
    ]


def agenda_candidates(meeting: Meeting) -> QuerySet[Topic]:
    """Open topics of the meeting's community: adopted or agenda-ready first, then by supports."""
    return (
        Topic.objects.filter(region_id=meeting.region_id, status__in=OPEN_TOPIC_STATUSES)
        .annotate(
            first=Case(
                When(status="adopted", then=Value(0)),
                When(agenda_ready_at__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("first", "-support_count", "-created_at")
    )


def resident_meetings(user: Any) -> QuerySet[Meeting]:
    """What a resident sees of their community's meetings: those with a published notice, and
    those whose record was published."""
    codes = [region.code for region in communities_of(user)]
    return (
        Meeting.objects.filter(region_id__in=codes)
        .filter(Q(notice_published_at__isnull=False) | Q(record_published_at__isnull=False))
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("region")
        .order_by("-starts_at", "-id")
    )


def resident_meeting(user: Any, pk: Any) -> Meeting:
    if not str(pk).isdigit():
        raise NotFound(MEETING_NOT_FOUND)
    found = resident_meetings(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(MEETING_NOT_FOUND)
    return found
