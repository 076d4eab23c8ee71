"""Read side of volunteer people: the filtered lists shared by the pages, the export and the API.

Every list starts from the caller's scope (``visible_to``) and only narrows it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotPermitted
from shegong.core.perms import Perm
from shegong.core.pii import mask_name
from shegong.core.scope import in_subtree
from shegong.regions.models import Region
from shegong.volunteers.choices import TeamRole, VolunteerStatus
from shegong.volunteers.models import Skill, Stationing, Team, TeamMember, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.volunteers.stars import stars_label

PUBLIC_LIMIT = 200


def _region(user: Any, qs: QuerySet, code: str) -> QuerySet:
    region = Region.objects.visible_to(user).filter(code=code).first()
    return in_subtree(qs, region.prefix) if region is not None else qs.none()


def volunteers(user: Any, data: dict[str, Any]) -> QuerySet:
    """Volunteers in scope, by region (subtree), skill, status, star, current team, and name or
    number (prefix)."""
    qs = Volunteer.objects.visible_to(user)
    if data.get("region"):
        qs = _region(user, qs, data["region"])
    if data.get("skill"):
        qs = qs.filter(skill_rows__skill__code=data["skill"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("star") not in (None, ""):
        qs = qs.filter(star=int(data["star"]))
    if data.get("team"):
        members = TeamMember.objects.filter(team_id=data["team"], left_on__isnull=True)
        qs = qs.filter(pk__in=members.values("volunteer_id"))
    text = str(data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(number__startswith=text) | Q(person__name__icontains=text))
    return qs


def team_base(user: Any) -> QuerySet:
    """The teams the caller sees: in scope (volunteers.view) plus those they lead; neither is
    a 403."""
    led = access.led_team_ids(user)
    if user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        scoped = Team.objects.visible_to(user).values("pk")
        return Team.objects.filter(Q(pk__in=scoped) | Q(pk__in=led))
    if not led:
        raise NotPermitted("您当前的角色没有此操作的权限")
    return Team.objects.filter(pk__in=led)


def teams(user: Any, data: dict[str, Any], *, with_incubation: bool = True) -> QuerySet:
    qs = team_base(user)
    if data.get("region"):
        qs = _region(user, qs, data["region"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    text = str(data.get("q") or "").strip()
    if text:
        qs = qs.filter(name__icontains=text)
    if with_incubation and data.get("incubation"):
        qs = qs.filter(incubation=data["incubation"])
    return qs


def social_workers(user: Any, data: dict[str, Any]) -> QuerySet:
    """Social workers the caller sees, by name, qualification, the community they are stationed
    at now, and whether they are stationed now."""
    qs = socialwork_queries.social_workers_visible(user)
    text = str(data.get("q") or "").strip()
    if text:
        qs = qs.filter(person__name__icontains=text)
    if data.get("qualification"):
        qs = qs.filter(qualification=data["qualification"])
    now = socialwork_queries.current(Stationing.objects.all())
    if data.get("community"):
        qs = qs.filter(pk__in=now.filter(region_id=data["community"]).values("social_worker_id"))
    stationed = data.get("stationed")
    if stationed in ("1", True):
        qs = qs.filter(pk__in=now.values("social_worker_id"))
    elif stationed in ("0", False):
        qs = qs.exclude(pk__in=now.values("social_worker_id"))
    return qs


def active_skills() -> Any:
    return Skill.objects.filter(is_active=True).order_by("order", "code")


# --- the public honour list -------------------------------------------------------------------


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
