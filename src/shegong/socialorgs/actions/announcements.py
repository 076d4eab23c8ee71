"""Publish a 公告 (founding, 注销, changes of name/address/legal representative, penalties, the
60-day notice before a strike-off, inspection results). Other actions of the app call
``publish_announcement`` inside their own transaction (it writes its own audit entry only when
called on its own, through ``publish``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput

from ..models import Announcement, AnnouncementKind, SocialOrg
from ._checks import _check_actor, _check_scope

__all__ = ["make_announcement", "publish"]


def make_announcement(
    social_org: SocialOrg,
    kind: str,
    *,
    title: str,
    body: str,
    published_on: date | None = None,
    days: int | None = None,
) -> Announcement:
    """Create the 公告 row (inside the caller's transaction; the caller audits its own verb).
    ``days`` sets the notice period's end (e.g. 60 for a 拟撤销登记公告)."""
    if kind not in AnnouncementKind.values:
        raise InvalidInput.field("kind", "公告类型不在可选范围内")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InvalidInput.field("body" if title else "title", "请填写公告标题和正文")
    start = published_on or timezone.localdate()
    return Announcement.objects.create(
        social_org=social_org,
        region_id=social_org.organization.region_id,
        kind=kind,
        title=title[:200],
        body=body,
        published_on=start,
        ends_on=start + timedelta(days=days) if days else None,
    )


@transaction.atomic(durable=True)
def publish(
    social_org: SocialOrg,
    kind: str,
    *,
    title: str,
    body: str,
    days: int | None = None,
    actor: User | None,
) -> Announcement:
    """A registrar publishes a 公告 by hand."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    announcement = make_announcement(social_org, kind, title=title, body=body, days=days)
    audit.record(
        Verb.ANNOUNCEMENT_PUBLISHED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"announcement": announcement.pk, "kind": kind},
    )
    return announcement
