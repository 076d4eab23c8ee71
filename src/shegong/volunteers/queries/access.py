"""Who may see and run what in volunteer service — the one place that decides it.

Staff see and manage through their role's permissions and region scope (the one scope helper,
``visible_to``). A team's current leaders (负责人, usually volunteers without a workbench role)
run their own team: its activities, roster, attendance and hours — and nothing of another team.
Anything outside the caller's reach is a ``NotFound``, never a hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import NotFound, NotPermitted
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import scope_prefix
from shegong.regions.choices import Level
from shegong.volunteers.choices import TeamRole
from shegong.volunteers.models import Activity, ServiceRecord, Team, TeamMember, Volunteer

TEAM_NOT_FOUND = "志愿服务队伍不存在或不在您的管理范围内"
ACTIVITY_NOT_FOUND = "活动不存在或不在您的管理范围内"
VOLUNTEER_NOT_FOUND = "志愿者不存在或不在您的管理范围内"
RECORD_NOT_FOUND = "服务记录不存在或不在您的管理范围内"
NOT_A_VOLUNTEER = "您还不是注册志愿者，请先完成志愿者注册"
NO_TEAM = "您不是任何志愿服务队伍的负责人，也没有志愿服务管理权限"
CONFIG_LEVELS = {Level.PROVINCE, Level.CITY, Level.DISTRICT}  # who may change the skills list


def volunteer_of(user: Any) -> Volunteer | None:
    """The caller's own volunteer profile, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(person__user=user).select_related("person", "region").first()


def my_volunteer(user: Any) -> Volunteer:
    """The caller's own volunteer profile, or NotFound."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise NotFound(NOT_A_VOLUNTEER)
    return volunteer


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


def may_configure(user: Any) -> bool:
    """volunteers.manage held at district level or above (or a superuser)."""
    if user is None:
        return True
    if not user.has_perm_in_scope(Perm.VOLUNTEERS_MANAGE):
        return False
    if user.is_superuser:
        return True
    membership = user.active_membership
    return membership is not None and membership.region.level in CONFIG_LEVELS


def require_runner(user: Any) -> None:
    """The hours pages are for those who run a team (staff in scope, or a team's leader)."""
    if user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        return
    if not led_team_ids(user):
        raise NotPermitted(NO_TEAM)


def teams_run_by(user: Any) -> QuerySet:
    """Teams the caller may run: in scope with volunteers.manage, or led by the caller."""
    led = led_team_ids(user)
    if can_manage(user):
        scoped = Team.objects.visible_to(user)
        return Team.objects.filter(pk__in=scoped.values("pk")) | Team.objects.filter(pk__in=led)
    return Team.objects.filter(pk__in=led)


def runs_team(actor: Any, team: Team) -> bool:
    """Whether ``actor`` runs ``team``: the rule of ``teams_run_by`` (staff with
    volunteers.manage whose region holds the team, or the team's current leader), answered for
    one team already loaded — without building that subquery, on the approval's hot path.
    A test keeps the two in agreement."""
    if can_manage(actor):
        prefix = scope_prefix(actor)
        if prefix is not None and team.region_id.startswith(prefix):
            return True
    return TeamMember.objects.filter(
        team_id=team.pk, role=TeamRole.LEADER, left_on__isnull=True,
        volunteer__person__user_id=actor.pk,
    ).exists()  # fmt: skip


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


def managed_volunteer(user: Any, pk: int) -> Volunteer:
    """A volunteer the caller may change: volunteers.manage, and the volunteer in scope."""
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    return access_volunteer(user, pk)


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
