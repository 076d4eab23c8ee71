"""Public notices (公示): other apps publish one with ``make_notice`` inside their own transaction
(they audit their own verb); staff draft, publish and withdraw one with the verbs below, each one
durable transaction with one audit entry.

The window: ``starts_at`` defaults to now, ``ends_at`` to start + the kind's days
(``settings.SHEGONG_NOTICE_DAYS`` overrides a kind's default); a window that ends before it starts
is refused (and the database's check constraint refuses it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from shegong.core import audit, registry
from shegong.core.audit import Verb
from shegong.core.documents import store_documents
from shegong.core.errors import IllegalTransition, InvalidInput, NotPermitted
from shegong.core.values import lock, move, require_scoped
from shegong.notices import queries
from shegong.notices.choices import NOTICE_TRANSITIONS, NoticeStatus
from shegong.notices.models import Notice

__all__ = [
    "create_draft",
    "default_days",
    "edit_draft",
    "kind_of",
    "make_notice",
    "publish",
    "withdraw",
]

TITLE_MAX = 120
BODY_MAX = 20000
PHONE_MAX = 30
REASON_MAX = 200


def kind_of(key: str) -> registry.NoticeKind:
    kind = registry.notice_kinds.get(key)
    if kind is None:
        raise InvalidInput.field("kind", "公示类型不在可选范围内")
    return kind


def default_days(key: str) -> int:
    overrides = getattr(settings, "SHEGONG_NOTICE_DAYS", {}) or {}
    return int(overrides.get(key, kind_of(key).days))


def default_phone() -> str:
    return str(getattr(settings, "SHEGONG_NOTICE_PHONE", "") or "")


def window(
    key: str, starts_at: datetime | None, ends_at: datetime | None
) -> tuple[datetime, datetime]:
    """The notice's window, checked: an end before (or at) the start is refused."""
    start = starts_at or timezone.now()
    end = ends_at or start + timedelta(days=default_days(key))
    if end <= start:
        raise InvalidInput.field("ends_at", "公示结束时间须晚于开始时间")
    return start, end


def make_notice(
    *,
    kind: str,
    region: Any,
    title: str,
    body: str,
    target: models.Model | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    phone: str | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    actor: Any = None,
    publish: bool = True,
) -> Notice:
    """Create a notice (published unless told) inside the caller's transaction; the caller
    writes its own audit entry. ``region`` is the community, street or district it is for."""
    kind_of(kind)
    title = " ".join(str(title or "").split())
    body = str(body or "").strip()
    if not title:
        raise InvalidInput.field("title", "请填写公示标题")
    if len(title) > TITLE_MAX:
        raise InvalidInput.field("title", f"公示标题不能超过 {TITLE_MAX} 字")
    if not body:
        raise InvalidInput.field("body", "请填写公示正文")
    if len(body) > BODY_MAX:
        raise InvalidInput.field("body", f"公示正文不能超过 {BODY_MAX} 字")
    phone = " ".join(str(phone if phone is not None else default_phone()).split())
    if len(phone) > PHONE_MAX:
        raise InvalidInput.field("phone", f"监督电话不能超过 {PHONE_MAX} 字")
    start, end = window(kind, starts_at, ends_at)
    actor_obj = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    return Notice.objects.create(
        region_id=getattr(region, "pk", region),
        kind=kind,
        title=title,
        body=body,
        attachments=list(attachments),
        starts_at=start,
        ends_at=end,
        phone=phone,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        status=NoticeStatus.PUBLISHED if publish else NoticeStatus.DRAFT,
        created_by=actor_obj,
        published_by=actor_obj if publish else None,
        published_at=now if publish else None,
    )


def require_manager(actor: Any, region_code: str) -> None:
    """Staff with notices.manage whose scope covers ``region_code`` (None: the system)."""
    require_scoped(
        actor, region_code, may=queries.may_manage, refusal="您当前的角色不能管理公示",
        missing=queries.NOTICE_NOT_FOUND,
    )  # fmt: skip


def lock_notice(pk: Any) -> Notice:
    return lock(Notice, pk, queries.NOTICE_NOT_FOUND)


@transaction.atomic(durable=True)
def publish(notice: Any, *, actor: Any) -> Notice:
    """Publish a draft; its window starts now if the drafted start has passed (the length is
    kept)."""
    found = lock_notice(getattr(notice, "pk", notice))
    require_manager(actor, found.region_id)
    move(found, NoticeStatus.PUBLISHED, NOTICE_TRANSITIONS, NoticeStatus)
    now = timezone.now()
    if found.starts_at < now:
        length = found.ends_at - found.starts_at
        found.starts_at, found.ends_at = now, now + length
    found.status = NoticeStatus.PUBLISHED
    found.published_by = actor if getattr(actor, "pk", None) else None
    found.published_at = now
    found.save(update_fields=["status", "starts_at", "ends_at", "published_by", "published_at"])
    audit.record(Verb.NOTICE_PUBLISHED, actor=actor, target=found, data={"kind": found.kind})
    return found


@transaction.atomic(durable=True)
def withdraw(notice: Any, *, reason: str, actor: Any) -> Notice:
    """Withdraw a draft or a published notice (it leaves the public pages), with the reason."""
    found = lock_notice(getattr(notice, "pk", notice))
    require_manager(actor, found.region_id)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput.field("reason", "请填写撤回原因")
    if len(reason) > REASON_MAX:
        raise InvalidInput.field("reason", f"撤回原因不能超过 {REASON_MAX} 字")
    move(found, NoticeStatus.WITHDRAWN, NOTICE_TRANSITIONS, NoticeStatus)
    found.status = NoticeStatus.WITHDRAWN
    found.withdrawn_at = timezone.now()
    found.withdraw_reason = reason
    found.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    audit.record(Verb.NOTICE_WITHDRAWN, actor=actor, target=found, data={"reason": reason})
    return found


# --- staff drafts: 起草 and 修改 a notice with attachments ----------------------------------------

SCOPE_LEVELS = ("community", "street", "district")
ATTACHMENT_FOLDER = "notices"


def _region(region: Any, actor: Any) -> Any:
    """The region a staff notice is for: a community, street or district in the actor's scope."""
    from shegong.regions.models import Region

    code = str(getattr(region, "pk", region) or "")
    found = Region.objects.filter(pk=code).first() if code else None
    if found is None:
        raise InvalidInput.field("region", "请选择公示范围（社区、街道或区）")
    if found.level not in SCOPE_LEVELS:
        raise InvalidInput.field("region", "公示范围须为社区、街道或区")
    require_manager(actor, found.code)
    return found


def _as_datetime(value: Any, field: str, label: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime):
        raise InvalidInput.field(field, f"{label}格式有误")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic(durable=True)
def create_draft(
    *,
    actor: Any,
    kind: str,
    region: Any,
    title: str,
    body: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    phone: str | None = None,
    files: Sequence[Any] = (),
) -> Notice:
    """起草公示: a draft in the actor's scope (not public until published); the window defaults
    to the kind's days from the start, the phone to ``SHEGONG_NOTICE_PHONE``."""
    if actor is None or not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能管理公示")
    found_region = _region(region, actor)
    start = _as_datetime(starts_at, "starts_at", "公示开始时间")
    end = _as_datetime(ends_at, "ends_at", "公示结束时间")
    kind_of(str(kind or ""))
    window(kind, start, end)  # refused before any file is stored
    notice = make_notice(
        kind=kind, region=found_region, title=title, body=body, starts_at=start, ends_at=end,
        phone=phone, actor=actor, publish=False,
    )  # fmt: skip
    attachments = store_documents(files, ATTACHMENT_FOLDER, field="attachments")
    if attachments:
        notice.attachments = attachments
        notice.save(update_fields=["attachments"])
    audit.record(
        Verb.NOTICE_DRAFTED, actor=actor, target=notice,
        data={"kind": notice.kind, "region": notice.region_id, "files": len(attachments)},
    )  # fmt: skip
    return notice


@transaction.atomic(durable=True)
def edit_draft(
    notice: Any,
    *,
    actor: Any,
    kind: str,
    region: Any,
    title: str,
    body: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    phone: str | None = None,
    files: Sequence[Any] = (),
    remove: Sequence[int] = (),
) -> Notice:
    """修改草稿: only a draft is edited (a published notice is withdrawn and drafted anew);
    ``remove`` lists the indexes of attachments to drop, ``files`` adds new ones."""
    found = lock_notice(getattr(notice, "pk", notice))
    require_manager(actor, found.region_id)
    if found.status != NoticeStatus.DRAFT:
        raise IllegalTransition(found.get_status_display(), "修改", ["草稿"])
    found_region = _region(region, actor)
    kind_of(str(kind or ""))
    title = " ".join(str(title or "").split())
    body = str(body or "").strip()
    if not title:
        raise InvalidInput.field("title", "请填写公示标题")
    if len(title) > TITLE_MAX:
        raise InvalidInput.field("title", f"公示标题不能超过 {TITLE_MAX} 字")
    if not body:
        raise InvalidInput.field("body", "请填写公示正文")
    if len(body) > BODY_MAX:
        raise InvalidInput.field("body", f"公示正文不能超过 {BODY_MAX} 字")
    phone = " ".join(str(phone if phone is not None else default_phone()).split())
    if len(phone) > PHONE_MAX:
        raise InvalidInput.field("phone", f"监督电话不能超过 {PHONE_MAX} 字")
    start, end = window(
        kind,
        _as_datetime(starts_at, "starts_at", "公示开始时间"),
        _as_datetime(ends_at, "ends_at", "公示结束时间"),
    )
    drop = {int(i) for i in remove if str(i).isdigit()}
    kept = [a for i, a in enumerate(found.attachments or []) if i not in drop]
    kept += store_documents(files, ATTACHMENT_FOLDER, field="attachments", have=len(kept))
    values = {
        "kind": kind, "region_id": found_region.code, "title": title, "body": body,
        "starts_at": start, "ends_at": end, "phone": phone, "attachments": kept,
    }  # fmt: skip
    changed = [name for name, value in values.items() if getattr(found, name) != value]
    found.kind, found.region_id, found.title, found.body = kind, found_region.code, title, body
    found.starts_at, found.ends_at, found.phone, found.attachments = start, end, phone, kept
    found.save(update_fields=["kind", "region", "title", "body", "starts_at", "ends_at", "phone",
                              "attachments"])  # fmt: skip
    audit.record(Verb.NOTICE_EDITED, actor=actor, target=found, data={"changed": changed})
    return found
