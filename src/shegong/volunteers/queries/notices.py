"""The lists volunteer service publishes as 公示 (issue 17 §3): the volunteers who reached a new
star in a period, and the certificates issued in a period, each in a region's subtree. What a
row shows is what the public may see: a masked name, the team, the star, the hours — never a
phone, an ID number or a volunteer number.

The staff form previews these rows; ``actions.notices`` publishes the same rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.pii import mask_name
from shegong.core.scope import in_subtree
from shegong.regions.models import Region
from shegong.volunteers.choices import TeamRole, VolunteerStatus
from shegong.volunteers.models import Certificate, Team, TeamMember, Volunteer

STAR_KIND = "volunteers.stars"
CERTIFICATE_KIND = "volunteers.certificates"
ROW_LIMIT = 500  # a notice lists at most this many; a longer period is split by the staff
STAR_NAMES = {1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The period's days as aware datetimes: from ``since`` 00:00 to the day after ``until``."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def new_stars(region: Region, since: date, until: date) -> QuerySet[Volunteer]:
    """Active volunteers of ``region``'s subtree AWARDED their current star in the period."""
    start, end = bounds(since, until)
    qs = Volunteer.objects.filter(
        star__gt=0,
        star_reached_at__gte=start,
        star_reached_at__lt=end,
        status=VolunteerStatus.ACTIVE,
    )
    return in_subtree(qs, region.prefix).order_by("-star", "star_reached_at", "pk")


def team_names(volunteer_ids: list[int]) -> dict[int, str]:
    teams: dict[int, list[str]] = {}
    memberships = (
        TeamMember.objects.filter(
            volunteer_id__in=volunteer_ids, left_on__isnull=True, team__is_active=True
        )
        .order_by("-role", "joined_on")
        .values_list("volunteer_id", "team__name", "role")
    )
    for volunteer_id, team_name, role in memberships:
        names = teams.setdefault(volunteer_id, [])
        if team_name not in names and (role == TeamRole.LEADER or len(names) < 2):
            names.append(team_name)
    return {pk: "、".join(names) for pk, names in teams.items()}


def star_rows(region: Region, since: date, until: date) -> list[dict[str, Any]]:
    """The new-star list: masked name, team(s), star, cumulative approved hours."""
    found = list(
        new_stars(region, since, until)
        .select_related("person")
        .only("pk", "star", "hours", "star_reached_at", "person__name")[:ROW_LIMIT]
    )
    teams = team_names([v.pk for v in found])
    return [
        {
            "name": mask_name(v.person.name),
            "teams": teams.get(v.pk) or "—",
            "star": v.star,
            "star_label": STAR_NAMES.get(v.star, f"{v.star}星"),
            "hours": Decimal(v.hours).quantize(Decimal("0.01")),
            "reached_on": timezone.localdate(v.star_reached_at),
        }
        for v in found
    ]


def issued_certificates(region: Region, since: date, until: date) -> QuerySet[Certificate]:
    """Certificates (not revoked) issued in the period by teams of ``region``'s subtree."""
    start, end = bounds(since, until)
    teams = in_subtree(Team.objects.all(), region.prefix).values("pk")
    return Certificate.objects.filter(
        team__in=teams, issued_at__gte=start, issued_at__lt=end, revoked_at__isnull=True
    ).order_by("issued_at", "pk")


def certificate_rows(region: Region, since: date, until: date) -> list[dict[str, Any]]:
    """The issued-certificate list: masked name, issuer, service period, hours."""
    found = (
        issued_certificates(region, since, until)
        .select_related("volunteer__person")
        .only(
            "pk", "hours", "period_start", "period_end", "issuer_name", "issued_at",
            "volunteer__person__name",
        )[:ROW_LIMIT]
    )  # fmt: skip
    return [
        {
            "name": mask_name(c.volunteer.person.name),
            "issuer": c.issuer_name,
            "period_start": c.period_start,
            "period_end": c.period_end,
            "hours": c.hours,
            "issued_on": timezone.localdate(c.issued_at),
        }
        for c in found
    ]
