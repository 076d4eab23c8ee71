"""Objections (异议) against public notices: the public submits one on a current notice (no
login; rate-limited per address and per phone), staff record one received by phone, assign it
to a handler in scope and answer it. Each verb is one durable transaction with one audit entry;
``Notice.open_objections`` and ``objection_count`` move with F() under the notice's row lock.

An open objection that ``holds`` stops the publicised thing (``queries.is_held``) until it is
answered; the answer (a verdict and a text) releases it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.accounts.queries import holders
from shegong.core import audit, limits, registry
from shegong.core.audit import Verb
from shegong.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    NotPermitted,
    RateLimited,
)
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm
from shegong.core.pii import validate_phone
from shegong.core.values import lock, move, require_scoped
from shegong.notices import queries
from shegong.notices.actions.notices import lock_notice, require_manager
from shegong.notices.choices import OBJECTION_TRANSITIONS, ObjectionStatus, ObjectionVerdict
from shegong.notices.models import Notice, Objection

__all__ = [
    "answer_objection",
    "assign_objection",
    "check_rate",
    "record_objection",
    "submit_objection",
]

NAME_MAX = 40
CONTENT_MAX = 2000
ANSWER_MAX = 2000
WINDOW_SECONDS = 3600
PER_ADDRESS = 10  # a shared NAT address (a community office) may send several
PER_PHONE = 3

register_event(
    "notices.objection_submitted",
    title="收到公示异议：{{ title }}",
    body="「{{ title }}」收到一条异议（受理编号 {{ number }}），请及时交办、答复。",
    link="{{ url }}",
)
register_event(
    "notices.objection_answered",
    title="您对公示提出的异议已答复：{{ title }}",
    body="处理结论：{{ verdict }}。{{ answer }}",
    link="{{ url }}",
)


def receipt_number(objection: Objection) -> str:
    """The 受理编号 a submitter is given (the date and the row's id)."""
    at = timezone.localtime(objection.submitted_at)
    return f"YY{at:%Y%m%d}{objection.pk:06d}"


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _fields(name: Any, phone: Any, content: Any) -> tuple[str, str, str]:
    errors: list[dict[str, str]] = []
    clean_name = " ".join(str(name or "").split())
    if len(clean_name) > NAME_MAX:
        errors.append({"field": "name", "message": f"姓名不能超过 {NAME_MAX} 字"})
    clean_phone = ""
    if not str(phone or "").strip():
        errors.append({"field": "phone", "message": "请填写联系电话，以便答复您"})
    else:
        try:
            clean_phone = validate_phone(str(phone))
        except ValidationError:
            errors.append({"field": "phone", "message": "手机号应为以1开头的11位数字"})
    clean_content = str(content or "").strip()
    if not clean_content:
        errors.append({"field": "content", "message": "请填写异议内容"})
    elif len(clean_content) > CONTENT_MAX:
        errors.append({"field": "content", "message": f"异议内容不能超过 {CONTENT_MAX} 字"})
    InvalidInput.raise_if_any(errors)
    return clean_name, clean_phone, clean_content


def check_rate(ip: str, phone: str) -> None:
    """Count one submission from ``ip`` and for ``phone``; 429 past either limit."""
    per_address = int(getattr(settings, "SHEGONG_NOTICES_OBJECTION_LIMIT", PER_ADDRESS))
    if ip and limits.hit(f"notices:objection:ip:{ip}", WINDOW_SECONDS) > per_address:
        raise RateLimited("提交过于频繁，请稍后再试；如情况紧急，请拨打公示上的监督电话")
    if phone and limits.hit(f"notices:objection:phone:{phone}", WINDOW_SECONDS) > PER_PHONE:
        raise RateLimited(f"同一手机号每小时最多提交 {PER_PHONE} 条异议，请稍后再试")


def _open_for_objections(notice: Notice) -> None:
    from shegong.notices.choices import NoticeStatus

    now = timezone.now()
    if notice.status != NoticeStatus.PUBLISHED or notice.starts_at > now:
        raise NotFound(queries.NOTICE_NOT_FOUND)
    if notice.ends_at <= now:
        raise DomainError("该公示已于公示期满结束，不再受理异议；如有问题请拨打监督电话")


def _create(
    notice: Notice, *, name: str, phone: str, content: str, holds: bool, submitter: Any
) -> Objection:
    objection = Objection.objects.create(
        notice=notice, region_id=notice.region_id, name=name, phone=phone, content=content,
        holds=holds, submitter=submitter,
    )  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(
        open_objections=F("open_objections") + 1, objection_count=F("objection_count") + 1
    )
    context = {
        "title": notice.title, "number": receipt_number(objection),
        "url": _url("notices:objection", objection.pk),
    }  # fmt: skip
    for user in holders(Perm.NOTICES_MANAGE, notice.region_id):
        notify(user, "notices.objection_submitted", context)
    return objection


def submit_objection(
    notice: Any,
    *,
    name: Any = "",
    phone: Any = "",
    content: Any = "",
    ip: str = "",
    submitter: Any = None,
) -> Objection:
    """A member of the public objects to a current notice (no login needed). Phone and content
    are required; a past or withdrawn notice is refused; counted per address and per phone."""
    clean = _fields(name, phone, content)
    check_rate(ip, clean[1])
    return _submit(notice, clean, submitter)


@transaction.atomic(durable=True)
def _submit(notice: Any, clean: tuple[str, str, str], submitter: Any) -> Objection:
    found = lock_notice(getattr(notice, "pk", notice))
    _open_for_objections(found)
    kind = registry.notice_kinds.get(found.kind)
    holds = bool(kind.holds) if kind is not None else True
    account = submitter if getattr(submitter, "is_authenticated", False) else None
    objection = _create(
        found, name=clean[0], phone=clean[1], content=clean[2], holds=holds, submitter=account
    )
    audit.record(
        Verb.OBJECTION_SUBMITTED, actor=account, target=objection,
        region=found.region_id, data={"notice": found.pk, "holds": holds, "channel": "public"},
        actor_label="" if account else "公众",
    )  # fmt: skip
    return objection


@transaction.atomic(durable=True)
def record_objection(
    notice: Any,
    *,
    actor: Any,
    name: Any = "",
    phone: Any = "",
    content: Any = "",
    holds: bool = True,
) -> Objection:
    """Staff record an objection received by phone or in person on a published notice (also
    after its window, when it came in time); ``holds``: whether it stops the publicised thing."""
    found = lock_notice(getattr(notice, "pk", notice))
    require_manager(actor, found.region_id)
    from shegong.notices.choices import NoticeStatus

    if found.status != NoticeStatus.PUBLISHED:
        raise DomainError("只有已发布的公示可以登记异议")
    clean_name, clean_phone, clean_content = _fields(name, phone, content)
    objection = _create(
        found, name=clean_name, phone=clean_phone, content=clean_content, holds=bool(holds),
        submitter=None,
    )  # fmt: skip
    audit.record(
        Verb.OBJECTION_SUBMITTED, actor=actor, target=objection,
        data={"notice": found.pk, "holds": bool(holds), "channel": "staff"},
    )  # fmt: skip
    return objection


def _require(actor: Any, region_code: str) -> None:
    """Staff with notices.manage in scope: objections are answered by a person, never the
    system."""
    if actor is None:
        raise NotPermitted("您当前的角色不能处理公示异议")
    require_scoped(
        actor, region_code, may=queries.may_manage, refusal="您当前的角色不能处理公示异议",
        missing=queries.OBJECTION_NOT_FOUND,
    )  # fmt: skip


@transaction.atomic(durable=True)
def assign_objection(objection: Any, *, actor: Any, assignee: Any) -> Objection:
    """交办: to a staff user who may handle notices in the objection's region."""
    pk = getattr(objection, "pk", objection)
    # the notice first, then the objection: the order every objection verb locks in
    notice_id = (
        Objection.objects.filter(pk=pk).values_list("notice_id", flat=True).first()
        if str(pk).isdigit()
        else None
    )
    if notice_id is None:
        raise NotFound(queries.OBJECTION_NOT_FOUND)
    lock_notice(notice_id)
    found = lock(Objection, pk, queries.OBJECTION_NOT_FOUND)
    _require(actor, found.region_id)
    move(found, ObjectionStatus.ASSIGNED, OBJECTION_TRANSITIONS, ObjectionStatus)
    raw = str(getattr(assignee, "pk", assignee) or "")
    allowed = {u.pk: u for u in holders(Perm.NOTICES_MANAGE, found.region_id)}
    user = allowed.get(int(raw)) if raw.isdigit() else None
    if user is None:
        raise InvalidInput.field("assignee", "请选择本辖区内可处理公示异议的工作人员")
    found.status = ObjectionStatus.ASSIGNED
    found.assignee = user
    found.assigned_at = timezone.now()
    found.save(update_fields=["status", "assignee", "assigned_at"])
    audit.record(
        Verb.OBJECTION_ASSIGNED, actor=actor, target=found,
        data={"notice": found.notice_id, "assignee": user.pk},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def answer_objection(objection: Any, *, actor: Any, verdict: Any, answer: Any) -> Objection:
    """答复: a verdict and the answer; the objection no longer holds the publicised thing."""
    pk = getattr(objection, "pk", objection)
    notice_id = (
        Objection.objects.filter(pk=pk).values_list("notice_id", flat=True).first()
        if str(pk).isdigit()
        else None
    )
    if notice_id is None:
        raise NotFound(queries.OBJECTION_NOT_FOUND)
    notice = lock_notice(notice_id)
    found = lock(Objection, pk, queries.OBJECTION_NOT_FOUND)
    _require(actor, found.region_id)
    move(found, ObjectionStatus.ANSWERED, OBJECTION_TRANSITIONS, ObjectionStatus)
    errors: list[dict[str, str]] = []
    if str(verdict or "") not in ObjectionVerdict.values:
        errors.append({"field": "verdict", "message": "请选择处理结论"})
    text = str(answer or "").strip()
    if not text:
        errors.append({"field": "answer", "message": "请填写答复内容"})
    elif len(text) > ANSWER_MAX:
        errors.append({"field": "answer", "message": f"答复内容不能超过 {ANSWER_MAX} 字"})
    InvalidInput.raise_if_any(errors)
    found.status = ObjectionStatus.ANSWERED
    found.verdict = str(verdict)
    found.answer = text
    found.answered_by = actor if getattr(actor, "pk", None) else None
    found.answered_at = timezone.now()
    found.save(update_fields=["status", "verdict", "answer", "answered_by", "answered_at"])
    Notice.objects.filter(pk=notice.pk, open_objections__gt=0).update(
        open_objections=F("open_objections") - 1
    )
    if found.submitter_id:
        notify(
            found.submitter, "notices.objection_answered",
            {"title": notice.title, "verdict": found.get_verdict_display(), "answer": text,
             "url": _url("notices_public:notice", notice.pk)},
        )  # fmt: skip
    audit.record(
        Verb.OBJECTION_ANSWERED, actor=actor, target=found,
        data={"notice": notice.pk, "verdict": found.verdict, "released": found.holds},
    )  # fmt: skip
    return found
