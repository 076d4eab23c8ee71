"""Star levels (星级) by cumulative approved hours (DOMAIN.md 4.3).

The thresholds come from ``settings.SHEGONG_VOLUNTEER_STAR_HOURS`` (default 100/300/600/1000/1500
hours for 1–5 stars, the 《中国社区志愿者注册管理办法》 scheme; Beijing's is a setting away). A
volunteer's star is read from ``Volunteer.star``, which ``hours.approve`` and ``hours.adjust``
keep equal to ``star_for(Volunteer.hours)``; nothing here sums records.

The public honour list shows volunteers who reached a new star within
``SHEGONG_VOLUNTEER_NEW_STAR_DAYS``: masked name, star and team — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.pii import mask_name
from shegong.volunteers.choices import TeamRole, VolunteerStatus
from shegong.volunteers.models import TeamMember, Volunteer

PUBLIC_LIMIT = 200


def thresholds() -> list[int]:
    """Hours needed for 1–5 stars, ascending."""
    return list(settings.SHEGONG_VOLUNTEER_STAR_HOURS)


def star_for(hours: Decimal | float | int) -> int:
    """The star level ``hours`` of approved service give (0 below the first threshold)."""
    value = Decimal(str(hours))
    return sum(1 for needed in thresholds() if value >= needed)


@dataclass(frozen=True)
class NextStar:
    star: int
    hours: int  # the threshold
    missing: Decimal  # hours still to serve


def next_star(hours: Decimal | float | int) -> NextStar | None:
    """The next star and how many hours are still missing; None at five stars."""
    value = Decimal(str(hours))
    for star, needed in enumerate(thresholds(), start=1):
        if value < needed:
            return NextStar(star, needed, (Decimal(needed) - value).quantize(Decimal("0.01")))
    return None


def stars_label(star: int) -> str:
    return "★" * star if star else "—"


def new_stars(*, now: Any = None) -> QuerySet:
    """Active volunteers who reached their current (non-zero) star within the public period."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.SHEGONG_VOLUNTEER_NEW_STAR_DAYS)
    return (
        Volunteer.objects.filter(
            star__gt=0, star_reached_at__gte=since, status=VolunteerStatus.ACTIVE
        )
        .select_related("person")
        .order_by("-star_reached_at", "-pk")
    )


def public_rows(*, now: Any = None, limit: int = PUBLIC_LIMIT) -> list[dict[str, Any]]:
    """The public honour list: masked name, star, team name(s), the day it was reached."""
    fields = ("pk", "star", "star_reached_at", "person__name")
    volunteers = list(new_stars(now=now).only(*fields)[:limit])
    teams: dict[int, list[str]] = {}
    memberships = (
        TeamMember.objects.filter(
            volunteer_id__in=[v.pk for v in volunteers], left_on__isnull=True, team__is_active=True
        )
        .order_by("-role", "joined_on")
        .values_list("volunteer_id", "team__name", "role")
    )
    for volunteer_id, team_name, role in memberships:
        names = teams.setdefault(volunteer_id, [])
        if team_name not in names and (role == TeamRole.LEADER or len(names) < 2):
            names.append(team_name)
    return [
        {
            "name": mask_name(v.person.name),
            "star": v.star,
            "stars": stars_label(v.star),
            "teams": "、".join(teams.get(v.pk, [])) or "—",
            "reached_on": timezone.localdate(v.star_reached_at),
        }
        for v in volunteers
    ]
