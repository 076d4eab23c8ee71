"""The read side of public notices: access helpers, and what other apps ask (``is_held``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from shegong.core.errors import NotFound
from shegong.core.perms import Perm
from shegong.notices.choices import OPEN_OBJECTION_STATUSES
from shegong.notices.models import Notice, Objection

NOTICE_NOT_FOUND = "未找到该公示，或您无权查看"
OBJECTION_NOT_FOUND = "未找到该异议，或您无权查看"


def may_view(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.NOTICES_VIEW
    )


def may_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(
        Perm.NOTICES_MANAGE
    )


def notices(user: Any) -> models.QuerySet[Notice]:
    """The notices in ``user``'s scope (nothing for a user without notices.view)."""
    if not may_view(user):
        return Notice.objects.none()
    return Notice.objects.visible_to(user)


def access_notice(user: Any, pk: Any) -> Notice:
    found = notices(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(NOTICE_NOT_FOUND)
    return found


def objections(user: Any) -> models.QuerySet[Objection]:
    if not may_view(user):
        return Objection.objects.none()
    return Objection.objects.visible_to(user)


def access_objection(user: Any, pk: Any) -> Objection:
    found = (
        objections(user).select_related("notice").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(OBJECTION_NOT_FOUND)
    return found


def holding(target: models.Model) -> models.QuerySet[Objection]:
    """The open objections that hold ``target`` (on any notice that publicises it)."""
    return Objection.objects.filter(
        notice__target_type=target._meta.label_lower,
        notice__target_id=target.pk,
        status__in=OPEN_OBJECTION_STATUSES,
        holds=True,
    )


def is_held(target: models.Model) -> bool:
    """Whether an open objection stops ``target`` (an award is not signed while one is open)."""
    return holding(target).exists()


def notices_of(target: models.Model) -> models.QuerySet[Notice]:
    return Notice.objects.of(target)
