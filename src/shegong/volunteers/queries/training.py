"""The read side of trainings (培训情况): who sees which, a team's and a volunteer's trainings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.volunteers.models import Team, Training, TrainingAttendance, Volunteer
from shegong.volunteers.queries import access

TRAINING_NOT_FOUND = "培训记录不存在或不在您的管理范围内"


def trainings_visible_to(user: Any) -> QuerySet:
    """Trainings of the teams the user runs, and (with volunteers.view) those in the user's
    region."""
    qs = Training.objects.filter(team__in=access.teams_run_by(user).values("pk"))
    if getattr(user, "is_authenticated", False) and user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        qs = qs | Training.objects.visible_to(user)
    return qs


def access_training(user: Any, pk: Any, *, for_write: bool = False) -> Training:
    """A training the user may see; ``for_write``: one of a team the user runs, locked."""
    pk = getattr(pk, "pk", pk)
    if not str(pk).isdigit():
        raise NotFound(TRAINING_NOT_FOUND)
    if for_write:
        qs = Training.objects.select_for_update(of=("self",)).filter(
            team__in=access.teams_run_by(user).values("pk")
        )
    else:
        qs = trainings_visible_to(user)
    found = qs.select_related("team", "region").filter(pk=pk).first()
    if found is None:
        raise NotFound(TRAINING_NOT_FOUND)
    return found


def of_team(team: Team | int) -> QuerySet:
    """The team's trainings, newest first, each with ``trainees`` (the number of them)."""
    return (
        Training.objects.filter(team_id=getattr(team, "pk", team))
        .annotate(trainees=Count("attendances"))
        .order_by("-held_on", "-pk")
    )


def of_volunteer(volunteer: Volunteer | int) -> QuerySet:
    """The trainings the volunteer attended, newest first, with their team."""
    return (
        Training.objects.filter(attendances__volunteer_id=getattr(volunteer, "pk", volunteer))
        .select_related("team")
        .order_by("-held_on", "-pk")
    )


def totals_of(volunteer: Volunteer | int) -> tuple[int, Decimal]:
    """(trainings attended, their total length in hours): 培训 N 次 / M 小时."""
    row = TrainingAttendance.objects.filter(
        volunteer_id=getattr(volunteer, "pk", volunteer)
    ).aggregate(n=Count("pk"), h=Sum("training__hours"))
    return row["n"] or 0, Decimal(row["h"] or 0).quantize(Decimal("0.1"))
