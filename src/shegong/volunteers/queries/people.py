"""Read side of volunteer people: the filtered lists shared by the pages, the export and the API.

Every list starts from the caller's scope (``visible_to``) and only narrows it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shegong.core.errors import NotPermitted
from shegong.core.perms import Perm
from shegong.core.scope import in_subtree
from shegong.regions.models import Region
from shegong.volunteers.actions import socialwork
from shegong.volunteers.models import Stationing, Team, TeamMember, Volunteer
from shegong.volunteers.queries import access


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
    qs = socialwork.social_workers_visible(user)
    text = str(data.get("q") or "").strip()
    if text:
        qs = qs.filter(person__name__icontains=text)
    if data.get("qualification"):
        qs = qs.filter(qualification=data["qualification"])
    now = socialwork.current(Stationing.objects.all())
    if data.get("community"):
        qs = qs.filter(pk__in=now.filter(region_id=data["community"]).values("social_worker_id"))
    stationed = data.get("stationed")
    if stationed in ("1", True):
        qs = qs.filter(pk__in=now.values("social_worker_id"))
    elif stationed in ("0", False):
        qs = qs.exclude(pk__in=now.values("social_worker_id"))
    return qs
