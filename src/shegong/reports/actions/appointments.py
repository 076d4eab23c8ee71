"""Appointments of riders as 城市流动监督员 or 红骑网格员: one function per verb.

Both need ``reports.configure``; each runs in one durable transaction with its audit entry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region

from ..models import Appointment

__all__ = ["appoint", "end_appointment"]


@transaction.atomic(durable=True)
def appoint(
    user: User,
    *,
    actor: User,
    kind: str,
    appointed_by: str,
    appointed_on: Any,
    region: Region,
) -> Appointment:
    """Appoint a rider as 城市流动监督员 or 红骑网格员 in a region."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        raise NotPermitted("该区划不在您的工作范围内")
    if not (appointed_by or "").strip():
        raise InvalidInput.field("appointed_by", "请填写聘任单位")
    if Appointment.objects.filter(user=user, kind=kind, active=True).exists():
        raise InvalidInput.field("user", "此人已在任，无需重复聘任")
    appointment = Appointment.objects.create(
        user=user,
        kind=kind,
        appointed_by=appointed_by.strip(),
        appointed_on=appointed_on,
        region=region,
    )
    audit.record(
        Verb.APPOINTMENT_SAVED,
        actor=actor,
        target=appointment,
        data={"kind": kind, "user": user.pk},
    )
    return appointment


@transaction.atomic(durable=True)
def end_appointment(appointment: Appointment, *, actor: User, ended_on: Any) -> Appointment:
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    if not appointment.active:
        raise DomainError("该聘任已结束")
    if ended_on < appointment.appointed_on:
        raise InvalidInput.field("ended_on", "解聘日期不能早于聘任日期")
    appointment.active = False
    appointment.ended_on = ended_on
    appointment.save(update_fields=["active", "ended_on"])
    audit.record(Verb.APPOINTMENT_ENDED, actor=actor, target=appointment)
    return appointment
