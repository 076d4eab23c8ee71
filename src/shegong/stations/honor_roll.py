"""What the public honour roll (光荣榜) shows: published role models, less those held by an open
objection to the 先进典型公示 that listed them (``actions.honor_notice``)."""

from __future__ import annotations

from django.db.models import QuerySet

from shegong.notices.choices import OPEN_OBJECTION_STATUSES
from shegong.notices.models import Objection

from .models import RoleModel


def holding_notices() -> QuerySet[Objection]:
    """The notice ids with an open objection that holds what they publicise."""
    return Objection.objects.filter(
        status__in=OPEN_OBJECTION_STATUSES, holds=True, notice__kind="stations.honors"
    ).values("notice_id")


def on_roll() -> QuerySet[RoleModel]:
    """Published role models not held by an open objection."""
    return RoleModel.objects.filter(published=True).exclude(notice_id__in=holding_notices())


def is_held(model: RoleModel) -> bool:
    return (
        model.notice_id is not None and holding_notices().filter(notice_id=model.notice_id).exists()
    )
