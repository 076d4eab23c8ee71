"""Who may see and run what in volunteer service — the one place that decides it.

Staff see and manage through their role's permissions and region scope (the one scope helper,
``visible_to``). A team's current leaders (负责人, usually volunteers without a workbench role)
run their own team: its activities, roster, attendance and hours — and nothing of another team.
Anything outside the caller's reach is a ``NotFound``, never a hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.volunteers.choices import TeamRole
from shegong.volunteers.models import Activity, ServiceRecord, Team, Volunteer

TEAM_NOT_FOUND = "志愿服务队伍不存在或不在您的管理范围内"
ACTIVITY_NOT_FOUND = "活动不存在或不在您的管理范围内"
VOLUNTEER_NOT_FOUND = "志愿者不存在或不在您的管理范围内"
RECORD_NOT_FOUND = "服务记录不存在或不在您的管理范围内"


def volunteer_of(user: Any) -> Volunteer | None:
    """The caller's own volunteer profile, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(person__user=user).select_related("person", "region").first()


def leads_a_team(user: Any) -> bool:
    """Whether the caller currently leads a team (opens the team workbench's menu entries)."""
    return bool(led_team_ids(user))


def led_team_ids(user: Any) -> set[int]:
    """The teams the caller currently leads (as a volunteer)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Team.objects.filter(
            members__volunteer__person__user=user,
            members__role=TeamRole.LEADER,
            members__left_on__isnull=True,
        ).values_list("pk", flat=True)
    )


def can_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.VOLUNTEERS_MANAGE
    )


def teams_run_by(user: Any) -> QuerySet:
    """Teams the caller may run: in scope with volunteers.manage, or led by the caller."""
    led = led_team_ids(user)
    if can_manage(user):
        scoped = Team.objects.visible_to(user)
        return Team.objects.filter(pk__in=scoped.values("pk")) | Team.objects.filter(pk__in=led)
    return Team.objects.filter(pk__in=led)


def access_team(user: Any, pk: Any, *, for_write: bool = False) -> Team:
    qs = teams_run_by(user)
    if for_write:
        qs = Team.objects.select_for_update().filter(pk__in=qs.values("pk"))
    team = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if team is None:
        raise NotFound(TEAM_NOT_FOUND)
    return team


def activities_run_by(user: Any) -> QuerySet:
    return Activity.objects.filter(team__in=teams_run_by(user).values("pk"))


def access_activity(user: Any, pk: Any, *, for_write: bool = False) -> Activity:
    qs = activities_run_by(user)
    if for_write:
        qs = Activity.objects.select_for_update().filter(pk__in=qs.values("pk"))
    activity = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if activity is None:
        raise NotFound(ACTIVITY_NOT_FOUND)
    return activity


def records_run_by(user: Any) -> QuerySet:
    """Service records the caller may review: those of the teams the caller runs."""
    return ServiceRecord.objects.filter(team__in=teams_run_by(user).values("pk"))


def access_record(user: Any, pk: Any, *, for_write: bool = False) -> ServiceRecord:
    qs = records_run_by(user)
    if for_write:
        qs = ServiceRecord.objects.select_for_update().filter(pk__in=qs.values("pk"))
    record = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if record is None:
        raise NotFound(RECORD_NOT_FOUND)
    return record


def access_volunteer(user: Any, pk: Any) -> Volunteer:
    """A volunteer visible to staff in scope (volunteers.view)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm_in_scope(
        Perm.VOLUNTEERS_VIEW
    ):
        raise NotFound(VOLUNTEER_NOT_FOUND)
    volunteer = (
        Volunteer.objects.visible_to(user).select_related("person", "region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if volunteer is None:
        raise NotFound(VOLUNTEER_NOT_FOUND)
    return volunteer


# --- small helpers of the actions ---------------------------------------------------------------


def one_line(value: Any) -> str:
    """Free text as one line: runs of whitespace (newlines too) become one space."""
    return " ".join(str(value or "").split())


def actor_or_none(actor: Any) -> Any:
    """The acting user to store on a row, or None for the system (demo, command line)."""
    return actor if getattr(actor, "pk", None) else None


def volunteer_or_404(value: Any) -> Volunteer:
    """A volunteer (with their person) given or named by pk, else NotFound."""
    pk = getattr(value, "pk", value)
    found = (
        Volunteer.objects.select_related("person").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(VOLUNTEER_NOT_FOUND)
    return found
