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


# --- the notice manager's and the objection queue's filters ---------------------------------

FILTER_KEYS = ("kind", "state", "region", "open", "q")
STATES = {
    "current": "公示中",
    "upcoming": "待开始",
    "past": "已结束",
    "draft": "草稿",
    "withdrawn": "已撤回",
}


def state_of(notice: Notice, now: Any = None) -> str:
    """The state a list shows: current/upcoming/past for a published notice by its window."""
    from django.utils import timezone

    from shegong.notices.choices import NoticeStatus

    if notice.status == NoticeStatus.DRAFT:
        return "draft"
    if notice.status == NoticeStatus.WITHDRAWN:
        return "withdrawn"
    now = now or timezone.now()
    if notice.starts_at > now:
        return "upcoming"
    return "current" if notice.ends_at > now else "past"


def by_state(qs: Any, state: str, now: Any = None) -> Any:
    from django.utils import timezone

    from shegong.notices.choices import NoticeStatus

    now = now or timezone.now()
    if state == "current":
        return qs.current(now)
    if state == "past":
        return qs.past(now)
    if state == "upcoming":
        return qs.filter(status=NoticeStatus.PUBLISHED, starts_at__gt=now)
    if state in ("draft", "withdrawn"):
        return qs.filter(status=state)
    return qs


def _in_region(qs: Any, code: str) -> Any:
    """Rows of the region ``code`` and below (an unknown code: nothing)."""
    if not code:
        return qs
    from shegong.core.scope import in_subtree
    from shegong.regions.models import Region

    found = Region.objects.filter(pk=code[:15]).first()
    return in_subtree(qs, found.prefix) if found is not None else qs.none()


def filter_notices(user: Any, params: Any) -> models.QuerySet[Notice]:
    """The notice manager's list: kind, state, region (a code in scope: its subtree), with open
    objections, title contains; newest window first."""
    qs: Any = notices(user).select_related("region")
    kind = str(params.get("kind") or "")
    if kind:
        qs = qs.filter(kind=kind)
    qs = by_state(qs, str(params.get("state") or ""))
    qs = _in_region(qs, str(params.get("region") or ""))
    if str(params.get("open") or "") in ("1", "true", "True"):
        qs = qs.filter(open_objections__gt=0)
    text = " ".join(str(params.get("q") or "").split())[:60]
    if text:
        qs = qs.filter(title__icontains=text)
    return qs.order_by("-starts_at", "-pk")


OBJECTION_TABS = ("open", "assigned", "answered")


def filter_objections(user: Any, params: Any) -> models.QuerySet[Objection]:
    """The objection queue: by status tab (open/assigned/answered), notice, mine."""
    qs = objections(user).select_related("notice", "assignee")
    status = str(params.get("status") or "")
    if status in OBJECTION_TABS:
        qs = qs.filter(status=status)
    elif status == "open_all":  # not answered yet: the to-do and the card
        qs = qs.filter(status__in=OPEN_OBJECTION_STATUSES)
    notice = str(params.get("notice") or "")
    if notice.isdigit():
        qs = qs.filter(notice_id=int(notice))
    if str(params.get("mine") or "") == "1" and getattr(user, "pk", None):
        qs = qs.filter(assignee_id=user.pk)
    return qs.order_by("submitted_at", "pk")


def open_objections(user: Any) -> models.QuerySet[Objection]:
    """The objections not answered yet in ``user``'s scope (the to-do and the card)."""
    return objections(user).filter(status__in=OPEN_OBJECTION_STATUSES)


def public_notices(params: Any) -> Any:
    """The public list: current (default) or past published notices, by kind and region."""
    qs: Any = Notice.objects.select_related("region")
    qs = qs.past() if params.get("tab") == "past" else qs.current()
    kind = str(params.get("kind") or "")
    if kind:
        qs = qs.filter(kind=kind)
    qs = _in_region(qs, str(params.get("region") or ""))
    return qs.order_by("-starts_at", "-pk")


def public_notice(pk: Any) -> Notice:
    found = (
        Notice.objects.public().select_related("region").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(NOTICE_NOT_FOUND)
    return found


def target_url(notice: Notice) -> str:
    """The staff page of the thing the notice publicises (``registry.object_pages``), or ""."""
    from django.urls import NoReverseMatch, reverse

    from shegong.core import registry

    if not notice.target_type or notice.target_id is None:
        return ""
    page = registry.object_pages.get(notice.target_type)
    if page is None:
        return ""
    try:
        return reverse(page.url_name, args=[notice.target_id] if page.pk else [])
    except NoReverseMatch:
        return ""
