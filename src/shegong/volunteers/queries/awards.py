"""The read side of awards (表彰奖励): who sees which awards, who may record or revoke them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.volunteers.models import Award, Team, TeamMember, Volunteer
from shegong.volunteers.queries import access

AWARD_NOT_FOUND = "表彰记录不存在或不在您的管理范围内"


def awards_visible_to(user: Any) -> QuerySet:
    """Awards recorded by the teams the user runs, and (with volunteers.view) those in the
    user's region."""
    qs = Award.objects.filter(team__in=access.teams_run_by(user).values("pk"))
    if getattr(user, "is_authenticated", False) and user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        qs = qs | Award.objects.visible_to(user)
    return qs


def awards_writable_by(user: Any) -> QuerySet:
    """Awards the user may revoke: those of the teams the user runs, and the team-less ones in
    scope of staff who manage volunteers."""
    qs = Award.objects.filter(team__in=access.teams_run_by(user).values("pk"))
    if access.can_manage(user):
        qs = qs | Award.objects.visible_to(user).filter(team__isnull=True)
    return qs


def access_award(user: Any, pk: Any, *, for_write: bool = False) -> Award:
    """An award the user may see (``for_write``: one the user may revoke, locked)."""
    pk = getattr(pk, "pk", pk)
    if not str(pk).isdigit():
        raise NotFound(AWARD_NOT_FOUND)
    if for_write:
        qs = Award.objects.select_for_update(of=("self",)).filter(
            pk__in=awards_writable_by(user).values("pk")
        )
    else:
        qs = awards_visible_to(user)
    found = qs.select_related("volunteer", "team").filter(pk=pk).first()
    if found is None:
        raise NotFound(AWARD_NOT_FOUND)
    return found


def teams_for(user: Any, volunteer: Volunteer) -> list[Team]:
    """The teams in whose name the user may record an award for ``volunteer``: teams the user
    runs that the volunteer belongs or belonged to."""
    members = TeamMember.objects.filter(volunteer=volunteer).values("team_id")
    return list(access.teams_run_by(user).filter(pk__in=members).order_by("name", "pk").distinct())


def can_record_without_team(user: Any, volunteer: Volunteer) -> bool:
    """Staff who manage volunteers, with the volunteer in their scope."""
    return access.can_manage(user) and (
        Volunteer.objects.visible_to(user).filter(pk=volunteer.pk).exists()
    )
