"""The read side of 异议 on service records: the worklist of the teams the caller runs (open
first, the nearest deadline first, overdue marked), one dispute, a volunteer's own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.volunteers.choices import DisputeStatus, RecordKind, RecordStatus
from shegong.volunteers.models import RecordDispute, ServiceRecord, Volunteer
from shegong.volunteers.queries import access

DISPUTE_NOT_FOUND = "异议不存在或不在您的管理范围内"
PII = ("volunteer__person__id_number", "volunteer__person__id_number_index")


def disputes_run_by(user: Any) -> QuerySet:
    """Disputes of the records of the teams the caller runs (staff in scope, leaders)."""
    return RecordDispute.objects.filter(team__in=access.teams_run_by(user).values("pk"))


def worklist(
    user: Any, *, status: str | None = DisputeStatus.OPEN, team: Any = None,
    overdue: bool = False,
) -> QuerySet:  # fmt: skip
    """The caller's disputes, filtered; the nearest deadline first. The to-do counts the open
    ones with this very query."""
    qs = disputes_run_by(user)
    if status:
        qs = qs.filter(status=status)
    if team:
        qs = qs.filter(team_id=getattr(team, "pk", team))
    if overdue:
        qs = qs.filter(status=DisputeStatus.OPEN, due_at__lt=timezone.now())
    return (
        qs.select_related("volunteer__person", "team", "record")
        .defer(*PII)
        .order_by("due_at", "pk")
    )


def access_dispute(user: Any, pk: Any, *, for_write: bool = False) -> RecordDispute:
    """A dispute of a team the caller runs (``for_write``: locked); else NotFound."""
    pk = getattr(pk, "pk", pk)
    qs = disputes_run_by(user)
    if for_write:
        qs = RecordDispute.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk"))
    found = (
        qs.select_related("volunteer__person", "team", "record").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(DISPUTE_NOT_FOUND)
    return found


def my_disputes(volunteer: Volunteer) -> QuerySet:
    """The volunteer's own disputes, newest first."""
    return (
        RecordDispute.objects.filter(volunteer=volunteer)
        .select_related("team", "record")
        .order_by("-created_at", "-pk")
    )


def access_my_dispute(user: Any, pk: Any, *, for_write: bool = False) -> RecordDispute:
    volunteer = access.volunteer_of(user)
    pk = getattr(pk, "pk", pk)
    if volunteer is None or not str(pk).isdigit():
        raise NotFound(DISPUTE_NOT_FOUND)
    qs = RecordDispute.objects.filter(volunteer=volunteer, pk=pk)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("team", "record").first()
    if found is None:
        raise NotFound(DISPUTE_NOT_FOUND)
    return found


def access_my_record(user: Any, pk: Any) -> ServiceRecord:
    """One of the caller's own service records (anyone else's is NotFound)."""
    volunteer = access.volunteer_of(user)
    pk = getattr(pk, "pk", pk)
    found = (
        ServiceRecord.objects.select_related("team", "activity")
        .filter(volunteer=volunteer, pk=pk)
        .first()
        if volunteer is not None and str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(access.RECORD_NOT_FOUND)
    return found


def disputable(record: ServiceRecord) -> bool:
    """Whether the volunteer may dispute the record: an approved original (not a correction)."""
    return record.status == RecordStatus.APPROVED and record.kind != RecordKind.ADJUSTMENT
