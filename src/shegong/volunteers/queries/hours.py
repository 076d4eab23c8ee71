"""The read side of service records and hours: the review queue, what a team may certify, a
volunteer's evaluations and approved total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from shegong.volunteers.choices import Evaluation, RecordKind, RecordStatus
from shegong.volunteers.models import ServiceRecord, Team, Volunteer
from shegong.volunteers.queries import access

OLDEST = "oldest"


def queue(
    user: Any, *, team: Any = None, activity: Any = None, status: str | None = RecordStatus.PENDING,
    date_from: date | None = None, date_to: date | None = None, auto_closed: bool | None = None,
    volunteer_number: str = "", sort: str = "",
) -> QuerySet:  # fmt: skip
    """The records of the teams ``user`` runs, filtered; pending ones by default, latest
    service first, or — ``sort="oldest"`` — the longest waiting first. The workbench's to-do
    counts this very query."""
    qs = access.records_run_by(user)
    if team:
        qs = qs.filter(team_id=getattr(team, "pk", team))
    if activity:
        qs = qs.filter(activity_id=getattr(activity, "pk", activity))
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(served_on__gte=date_from)
    if date_to:
        qs = qs.filter(served_on__lte=date_to)
    if auto_closed is not None:
        qs = qs.filter(auto_closed=auto_closed)
    if volunteer_number:
        qs = qs.filter(volunteer__number=volunteer_number.strip())
    qs = qs.select_related("volunteer__person", "team", "activity")
    if sort == OLDEST:
        return qs.order_by("served_on", "pk")
    return qs.order_by("-served_on", "-pk")


def certifiable(team: Team | int, volunteer: Volunteer | int) -> QuerySet:
    """A team's approved records of a volunteer that its certificate may cover: what the team
    organised (attendance, paper records) and their corrections, never what it took over."""
    return ServiceRecord.objects.filter(
        team_id=getattr(team, "pk", team), volunteer_id=getattr(volunteer, "pk", volunteer),
        status=RecordStatus.APPROVED,
    ).exclude(Q(kind=RecordKind.TRANSFER) | Q(corrects__kind=RecordKind.TRANSFER))  # fmt: skip


def corrected_hours(record: ServiceRecord) -> Decimal:
    """An approved record's hours with its adjustments."""
    extra = record.corrections.filter(status=RecordStatus.APPROVED).aggregate(s=Sum("hours"))["s"]
    return (record.hours + Decimal(extra or 0)).quantize(Decimal("0.01"))


def evaluations_of(volunteer: Volunteer | int) -> dict[str, int]:
    """评价情况: how many of the volunteer's approved services were rated 优秀/良好/合格."""
    counts = dict(
        ServiceRecord.objects.filter(
            volunteer_id=getattr(volunteer, "pk", volunteer), status=RecordStatus.APPROVED
        )
        .exclude(evaluation="")
        .order_by()
        .values_list("evaluation")
        .annotate(n=Count("pk"))
    )
    return {code: counts.get(code, 0) for code in Evaluation.values}


def approved_sum(volunteer: Volunteer) -> Decimal:
    """The volunteer's approved hours summed from the records (the slow way, for checks)."""
    total = ServiceRecord.objects.filter(
        volunteer=volunteer, status=RecordStatus.APPROVED
    ).aggregate(s=Sum("hours"))["s"]
    return Decimal(total or 0).quantize(Decimal("0.01"))
