"""Meetings (议事会): schedule, notice, agenda, invitations, sign-in, the record, close and the
record's publication, and the 一月一会 cadence alarm.

Each verb runs in one durable transaction on the locked meeting row and writes one audit entry.
实到 (``present_count``) is always sign-ins + ``paper_signins``, recomputed by every verb that
changes either. A meeting closes only with its record (the summary and every agenda item's
result) and, when an item was put to the vote, a met quorum; closing turns each decision into an
action item (``actions._create``) in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, rotating
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.core.notify import notify, register_event
from shegong.core.times import MINUTE, local
from shegong.core.values import lock, long_text, text
from shegong.deliberation import queries, rules
from shegong.deliberation.actions import topics
from shegong.deliberation.actions._common import require_manager
from shegong.deliberation.actions.actions import _create
from shegong.deliberation.choices import (
    OPEN_TOPIC_STATUSES,
    InviteeKind,
    ItemResult,
    MeetingKind,
    MeetingStatus,
    OwnerKind,
    QuorumBase,
    SignInMethod,
    TopicStatus,
)
from shegong.deliberation.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Topic,
    TopicCategory,
)
from shegong.deliberation.queries import meetings as meeting_queries
from shegong.deliberation.queries.meetings import month_bounds
from shegong.ledger.models import Organization
from shegong.regions.models import Region

__all__ = [
    "cadence_alarm", "cancel", "close", "edit", "invite", "meeting_from_token",
    "publish_notice", "publish_record", "save_record", "schedule", "set_agenda",
    "set_paper_signins", "sign_in", "sign_in_for", "token_for", "uninvite",
]  # fmt: skip

MEETING_NOT_FOUND = queries.MEETING_NOT_FOUND
SALT = "deliberation.meeting_signin"
TOKEN_INVALID = "签到二维码无效，请扫描会场出示的二维码"
SIGNIN_EARLY = timedelta(hours=1)
SIGNIN_LATE = timedelta(hours=4)
CODE_DIGITS = "0123456789"
MAX_AGENDA = 30
MAX_INVITEES = 500
OPEN_MEETING = frozenset({MeetingStatus.PLANNED, MeetingStatus.NOTICED})
DECISION_RESULTS = frozenset({ItemResult.PASSED, ItemResult.CONSULTED})

register_event(
    "deliberation.meeting_notice",
    title="议事会通知：{{ meeting.title }}",
    body="{{ when }} 在{{ meeting.place }}召开{{ kind }}。{{ notice }}",
    link="{{ url }}",
)
register_event(
    "deliberation.meeting_cancelled",
    title="议事会取消：{{ meeting.title }}",
    body="原定 {{ when }} 召开的{{ kind }}已取消：{{ reason }}",
    link="{{ url }}",
)
register_event(
    "deliberation.cadence_alarm",
    title="{{ community }}{{ month }}未召开议事会",
    body="按照“一月一会”制度，{{ community }}{{ month }}没有召开议事会，请尽快安排。",
    link="{{ url }}",
)


# --- the rotating QR ------------------------------------------------------------------------


def _qr_seconds() -> int:
    return int(getattr(settings, "SHEGONG_VOLUNTEER_QR_SECONDS", rotating.DEFAULT_SECONDS))


def token_for(meeting: Meeting, at: datetime | None = None) -> str:
    """The sign-in token of ``meeting`` for now's time bucket (the QR the sign-in screen shows)."""
    return rotating.make_token(SALT, meeting.pk, at, seconds=_qr_seconds())


def refresh_in(at: datetime | None = None) -> int:
    return rotating.refresh_in(at, seconds=_qr_seconds())


def meeting_from_token(token: str, at: datetime | None = None) -> Meeting:
    """The meeting a token names (forged: NotFound; from a bucket long past: QrExpired 410)."""
    pk = rotating.read_token(
        SALT, rotating.token_from_text(token), at, seconds=_qr_seconds(),
        invalid=TOKEN_INVALID, expired="签到二维码已过期，请重新扫描会场屏幕上的二维码",
    )  # fmt: skip
    found = Meeting.objects.select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound(TOKEN_INVALID)
    return found


# --- helpers --------------------------------------------------------------------------------


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _community(region: Any) -> Region:
    code = getattr(region, "code", region) or ""
    found = Region.objects.filter(code=str(code)).first() if code else None
    if found is None or found.level != "community":
        raise InvalidInput.field("region", "请选择召开议事会的社区")
    return found


def _kind(kind: Any) -> str:
    if kind not in MeetingKind.values:
        raise InvalidInput.field("kind", "请选择会议类型")
    return str(kind)


def _starts_at(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput.field("starts_at", "请填写召开时间")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _count(value: Any, field: str, label: str, *, limit: int = 1_000_000) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput.field(field, f"{label}应为整数") from None
    if number < 0 or number > limit:
        raise InvalidInput.field(field, f"{label}应在 0 到 {limit} 之间")
    return number


def _host(host: Any) -> User | None:
    if host in (None, ""):
        return None
    found = User.objects.filter(pk=getattr(host, "pk", host), is_active=True).first()
    if found is None:
        raise InvalidInput.field("host", "未找到该主持人账号")
    return found


def expected_from_settings(region: Any, base: str, invited: int = 0) -> int:
    """应到 by the quorum base: the community's adults/households/groups/representatives, or
    the invitations (受邀参会人员; also the fallback when the settings say 0)."""
    found = queries.settings_for(region)
    by_base = {
        QuorumBase.ADULTS: found.adults, QuorumBase.HOUSEHOLDS: found.households,
        QuorumBase.GROUPS: found.groups, QuorumBase.REPRESENTATIVES: found.representatives,
    }  # fmt: skip
    return by_base.get(base, 0) or invited  # type: ignore[call-overload]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_DIGITS) for _ in range(6))


def _locked(meeting: Any, actor: User | None) -> Meeting:
    found = lock(Meeting, meeting, MEETING_NOT_FOUND)
    require_manager(actor, found.region_id, MEETING_NOT_FOUND)
    return found


def _open(meeting: Meeting, what: str) -> None:
    if meeting.status not in OPEN_MEETING:
        raise DomainError(f"议事会{meeting.get_status_display()}，不能{what}")


def _recount(meeting: Meeting) -> None:
    """实到 = sign-ins + names on the paper sheet (kept on the row, read without a join)."""
    meeting.present_count = meeting.attendances.count() + meeting.paper_signins


def quorum_line(meeting: Meeting) -> dict[str, Any]:
    """应到, 实到, how many the quorum needs and whether it is met (0 needed: no quorum rule)."""
    needed = rules.quorum_needed(meeting.kind, meeting.expected_count)
    return {
        "expected": meeting.expected_count, "present": meeting.present_count, "needed": needed,
        "met": meeting.present_count >= needed,
    }  # fmt: skip


def _quorum_refusal(meeting: Meeting) -> str:
    line = quorum_line(meeting)
    return (
        f"表决须实到过半数：应到 {line['expected']} 人，实到 {line['present']} 人，"
        f"至少需 {line['needed']} 人"
    )


def _notify_invitees(meeting: Meeting, event: str, context: dict[str, Any]) -> int:
    sent = 0
    for invitation in meeting.invitations.filter(user__isnull=False, user__is_active=True):
        notify(invitation.user, event, context)
        sent += 1
    return sent


def _context(meeting: Meeting, **extra: Any) -> dict[str, Any]:
    return {
        "meeting": meeting, "when": local(meeting.starts_at, MINUTE),
        "kind": meeting.get_kind_display(),
        "url": _url("deliberation_m:meeting", meeting.pk), **extra,
    }  # fmt: skip


# --- schedule, edit, cancel -----------------------------------------------------------------


@transaction.atomic(durable=True)
def schedule(
    actor: User | None, *, region: Any, kind: Any, title: Any, starts_at: Any, place: Any,
    theme: Any = "", host: Any = None, quorum_base: Any = None, expected_count: Any = None,
    requested_by: Any = "",
) -> Meeting:  # fmt: skip
    """安排 a meeting in a community of the actor's scope. 应到's base defaults to the kind's
    rule; 应到 to the community's settings for that base; a 6-digit sign-in code is drawn."""
    community = _community(region)
    require_manager(actor, community.code, "未找到该社区")
    kind = _kind(kind)
    base = quorum_base or rules.rule_for(kind).base
    if base not in QuorumBase.values:
        raise InvalidInput.field("quorum_base", "请选择应到口径")
    host_user = _host(host)
    expected = (
        expected_from_settings(community, base)
        if expected_count in (None, "")
        else _count(expected_count, "expected_count", "应到人数")
    )
    meeting = Meeting.objects.create(
        region=community, kind=kind, title=text(title, "title", "会议名称", 60),
        theme=text(theme, "theme", "专题", 60, required=False),
        starts_at=_starts_at(starts_at), place=text(place, "place", "地点", 100),
        host=host_user, host_name=host_user.name if host_user else "", quorum_base=base,
        expected_count=expected, signin_code=_new_code(),
        requested_by=text(requested_by, "requested_by", "提议召开方", 100, required=False),
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.MEETING_SCHEDULED, actor=actor, target=meeting,
        data={"kind": kind, "starts_at": meeting.starts_at.isoformat(), "expected": expected},
    )  # fmt: skip
    return meeting


@transaction.atomic(durable=True)
def edit(
    actor: User | None, meeting: Any, *, title: Any, starts_at: Any, place: Any, theme: Any = "",
    host: Any = None, quorum_base: Any = None, expected_count: Any = None,
    requested_by: Any = "",
) -> Meeting:  # fmt: skip
    """修改 a meeting not yet closed or cancelled (kind and community stay)."""
    found = _locked(meeting, actor)
    _open(found, "修改")
    base = quorum_base or found.quorum_base
    if base not in QuorumBase.values:
        raise InvalidInput.field("quorum_base", "请选择应到口径")
    host_user = _host(host)
    found.title = text(title, "title", "会议名称", 60)
    found.theme = text(theme, "theme", "专题", 60, required=False)
    found.starts_at = _starts_at(starts_at)
    found.place = text(place, "place", "地点", 100)
    found.host, found.host_name = host_user, (host_user.name if host_user else "")
    found.quorum_base = base
    found.expected_count = (
        expected_from_settings(found.region_id, base, found.invitations.count())
        if expected_count in (None, "")
        else _count(expected_count, "expected_count", "应到人数")
    )
    found.requested_by = text(requested_by, "requested_by", "提议召开方", 100, required=False)
    found.save()
    audit.record(
        Verb.MEETING_EDITED, actor=actor, target=found,
        data={"starts_at": found.starts_at.isoformat(), "expected": found.expected_count},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def cancel(actor: User | None, meeting: Any, reason: Any) -> Meeting:
    """取消 a meeting not yet held; invitees told when the notice was out."""
    found = _locked(meeting, actor)
    _open(found, "取消")
    found.cancel_reason = text(reason, "reason", "取消原因", 200)
    found.status = MeetingStatus.CANCELLED
    found.save(update_fields=["cancel_reason", "status"])
    if found.notice_published_at:
        _notify_invitees(
            found, "deliberation.meeting_cancelled", _context(found, reason=found.cancel_reason)
        )
    audit.record(Verb.MEETING_CANCELLED, actor=actor, target=found, data={"reason": reason})
    return found


# --- notice ---------------------------------------------------------------------------------


def days_left(starts_at: datetime, now: datetime) -> int:
    """Whole days from now to the start (3 days and 20 hours count as 3)."""
    return max((starts_at - now) // timedelta(days=1), 0)


@transaction.atomic(durable=True)
def publish_notice(actor: User | None, meeting: Any, notice: Any) -> Meeting:
    """发布通知: at least the kind's ``notice_days`` ahead (7; 10 for a village meeting); tells
    the invitees with an account; the notice then shows on the community's H5 page."""
    found = _locked(meeting, actor)
    _open(found, "发布通知")
    body = long_text(notice, "notice", "会议通知", 2000)
    now = timezone.now()
    need = rules.rule_for(found.kind).notice_days
    left = days_left(found.starts_at, now)
    if found.starts_at - now < timedelta(days=need):
        raise InvalidInput.field(
            "notice",
            f"{found.get_kind_display()}须提前 {need} 天发布通知，距召开仅剩 {left} 天",
        )
    found.notice, found.notice_published_at = body, now
    found.status = MeetingStatus.NOTICED
    found.save(update_fields=["notice", "notice_published_at", "status"])
    sent = _notify_invitees(found, "deliberation.meeting_notice", _context(found, notice=body))
    found.invitations.filter(user__isnull=False).update(notified_at=now)
    audit.record(
        Verb.MEETING_NOTICE_PUBLISHED, actor=actor, target=found,
        data={"days_ahead": left, "notified": sent},
    )  # fmt: skip
    return found


# --- agenda ---------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


@transaction.atomic(durable=True)
def set_agenda(actor: User | None, meeting: Any, items: list[dict[str, Any]]) -> Meeting:
    """议程: the items in order, each an open topic of the community (``topic``) or a matter of
    its own (``title``), with ``is_vote``. Items kept (same topic, or same ``pk``) keep what the
    record already says of them; the others are removed."""
    found = _locked(meeting, actor)
    _open(found, "修改议程")
    if not isinstance(items, list) or len(items) > MAX_AGENDA:
        raise InvalidInput.field("items", f"议程最多 {MAX_AGENDA} 项")
    existing = {item.pk: item for item in found.items.all()}
    by_topic = {item.topic_id: item for item in existing.values() if item.topic_id}
    kept: list[int] = []
    seen_topics: set[int] = set()
    for order, raw in enumerate(items, start=1):
        field = f"items[{order - 1}]"
        topic = None
        topic_pk = raw.get("topic")
        if topic_pk not in (None, ""):
            topic = (
                Topic.objects.filter(pk=topic_pk, region_id=found.region_id).first()
                if str(topic_pk).isdigit()
                else None
            )
            if topic is None:
                raise InvalidInput.field(field, f"第 {order} 项：未找到本社区的该议题")
            if topic.status not in OPEN_TOPIC_STATUSES:
                raise InvalidInput.field(
                    field,
                    f"第 {order} 项：议题「{topic.title}」"
                    f"{topic.get_status_display()}，不能列入议程",
                )
            if topic.pk in seen_topics:
                raise InvalidInput.field(field, f"第 {order} 项：议题「{topic.title}」已在议程中")
            seen_topics.add(topic.pk)
        title = text(
            raw.get("title") or (topic.title if topic else ""), field, f"第 {order} 项事项", 60
        )
        row = (by_topic.get(topic.pk) if topic else None) or existing.get(
            int(raw["pk"]) if str(raw.get("pk", "")).isdigit() else -1
        )
        if row is None or row.pk in kept:
            row = AgendaItem(meeting=found)
        row.topic, row.title, row.order = topic, title, order
        row.is_vote = _truthy(raw.get("is_vote"))
        row.save()
        kept.append(row.pk)
    found.items.exclude(pk__in=kept).delete()
    audit.record(
        Verb.MEETING_AGENDA_SAVED, actor=actor, target=found,
        data={"items": len(kept), "topics": sorted(seen_topics)},
    )  # fmt: skip
    return found


# --- invitations ----------------------------------------------------------------------------


def _follow_invitations(meeting: Meeting) -> None:
    """应到 follows the invitations when it counts the invitees, or when the community's
    settings give no number for the base (e.g. 有表决权的党员: the members invited)."""
    base = meeting.quorum_base
    if base == QuorumBase.INVITED or not expected_from_settings(meeting.region_id, base):
        meeting.expected_count = meeting.invitations.count()
        meeting.save(update_fields=["expected_count"])


def _is_of_community(user: User, code: str) -> bool:
    return any(region.code == code for region in queries.communities_of(user))


@transaction.atomic(durable=True)
def invite(actor: User | None, meeting: Any, invitees: list[dict[str, Any]]) -> int:
    """邀请: residents and representatives (``user``: an account of the community, or a
    ``name``), 驻区单位, 业委会, 物业, social organizations (``organization``: a ledger row, or a
    ``name``). An account already invited is skipped. With 应到 counted as the invitees, 应到
    follows. Returns how many were added."""
    found = _locked(meeting, actor)
    _open(found, "邀请")
    if not isinstance(invitees, list) or not invitees or len(invitees) > MAX_INVITEES:
        raise InvalidInput.field("invitees", "请选择邀请对象")
    added = 0
    for index, raw in enumerate(invitees):
        field = f"invitees[{index}]"
        kind = raw.get("kind") or InviteeKind.RESIDENT
        if kind not in InviteeKind.values:
            raise InvalidInput.field(field, "请选择邀请对象类别")
        user = organization = None
        if raw.get("user") not in (None, ""):
            pk = getattr(raw["user"], "pk", raw["user"])
            user = User.objects.filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
            if user is None or not _is_of_community(user, found.region_id):
                raise InvalidInput.field(field, "只能邀请本社区的居民账号")
        if raw.get("organization") not in (None, ""):
            pk = getattr(raw["organization"], "pk", raw["organization"])
            organization = Organization.objects.filter(pk=pk).first() if str(pk).isdigit() else None
            if organization is None:
                raise InvalidInput.field(field, "未找到该组织，请先在台账中登记")
        fallback = user.name if user else (organization.name if organization else "")
        name = text(raw.get("name") or fallback, field, "邀请对象名称", 100)
        if user is not None and found.invitations.filter(user=user).exists():
            continue
        Invitation.objects.create(
            meeting=found, kind=kind, name=name, user=user, organization=organization,
            notified_at=None,
        )  # fmt: skip
        if user is not None and found.notice_published_at:
            notify(user, "deliberation.meeting_notice", _context(found, notice=found.notice))
        added += 1
    _follow_invitations(found)
    audit.record(
        Verb.MEETING_INVITATIONS_SAVED, actor=actor, target=found,
        data={"added": added, "invited": found.invitations.count()},
    )  # fmt: skip
    return added


@transaction.atomic(durable=True)
def uninvite(actor: User | None, meeting: Any, invitation: Any) -> Meeting:
    found = _locked(meeting, actor)
    _open(found, "修改邀请")
    pk = getattr(invitation, "pk", invitation)
    row = found.invitations.filter(pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        raise NotFound("未找到该邀请")
    row.delete()
    _follow_invitations(found)
    audit.record(
        Verb.MEETING_INVITATIONS_SAVED, actor=actor, target=found,
        data={"removed": row.name, "invited": found.invitations.count()},
    )  # fmt: skip
    return found


# --- sign-in --------------------------------------------------------------------------------


def _in_window(meeting: Meeting, now: datetime) -> None:
    opens, closes = meeting.starts_at - SIGNIN_EARLY, meeting.starts_at + SIGNIN_LATE
    if now < opens:
        raise DomainError(f"签到将于 {local(opens, MINUTE)} 开始（会前 1 小时）")
    if now > closes:
        raise DomainError("会议已结束签到（会后 4 小时内可签到）")


def _by_code(user: User, code: str, now: datetime) -> Meeting:
    codes = [region.code for region in queries.communities_of(user)]
    found = (
        Meeting.objects.filter(
            region_id__in=codes,
            signin_code=code,
            status__in=OPEN_MEETING,
            starts_at__gte=now - SIGNIN_LATE,
            starts_at__lte=now + SIGNIN_EARLY,
        )
        .order_by("starts_at")
        .first()
    )
    if found is None:
        raise InvalidInput.field("code", "签到码不正确，或本社区此时没有可签到的议事会")
    return found


@transaction.atomic(durable=True)
def sign_in(
    actor: User, meeting: Any = None, *, token: Any = None, code: Any = None,
    now: datetime | None = None,
) -> Attendance:  # fmt: skip
    """签到 by a resident of the community: scanning the rotating QR (``token``) or typing the
    meeting's code (``code``; with no meeting, the community's meeting of that code now). Once
    per person; from 1 hour before the start to 4 hours after."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(MEETING_NOT_FOUND)
    if token not in (None, ""):
        target: Meeting = meeting_from_token(str(token), now)
        method = SignInMethod.QR
    else:
        typed = "".join(str(code or "").split())
        if not typed:
            raise InvalidInput.field("code", "请输入签到码")
        target = _by_code(actor, typed, now) if meeting is None else meeting
        if typed != target.signin_code:
            raise InvalidInput.field("code", "签到码不正确")
        method = SignInMethod.CODE
    found = lock(Meeting, target, MEETING_NOT_FOUND)
    if not _is_of_community(actor, found.region_id):
        raise NotFound(MEETING_NOT_FOUND)
    _open(found, "签到")
    _in_window(found, now)
    if found.attendances.filter(user=actor).exists():
        raise DomainError("您已签到，无需重复签到")
    invitation = found.invitations.filter(user=actor).first()
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=found, user=actor, name=actor.name,
                kind=invitation.kind if invitation else InviteeKind.RESIDENT, method=method,
                signed_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError("您已签到，无需重复签到") from None
    _recount(found)
    found.save(update_fields=["present_count"])
    audit.record(
        Verb.MEETING_SIGNED_IN, actor=actor, target=found,
        data={"method": method, "present": found.present_count},
    )  # fmt: skip
    return attendance


@transaction.atomic(durable=True)
def sign_in_for(
    actor: User | None, meeting: Any, name: Any, kind: Any = InviteeKind.RESIDENT,
    user: Any = None,
) -> Attendance:  # fmt: skip
    """代签: staff sign someone in (a name, or an account of the community, once)."""
    found = _locked(meeting, actor)
    _open(found, "签到")
    if kind not in InviteeKind.values:
        raise InvalidInput.field("kind", "请选择参会身份")
    person = None
    if user not in (None, ""):
        pk = getattr(user, "pk", user)
        person = User.objects.filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
        if person is None or not _is_of_community(person, found.region_id):
            raise InvalidInput.field("user", "只能为本社区的居民账号代签")
        if found.attendances.filter(user=person).exists():
            raise DomainError(f"{person.name}已签到")
    shown = text(name or (person.name if person else ""), "name", "姓名或单位", 100)
    attendance = Attendance.objects.create(
        meeting=found, user=person, name=shown, kind=kind, method=SignInMethod.STAFF,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _recount(found)
    found.save(update_fields=["present_count"])
    audit.record(
        Verb.MEETING_SIGNED_IN, actor=actor, target=found,
        data={"method": SignInMethod.STAFF, "name": shown, "present": found.present_count},
    )  # fmt: skip
    return attendance


@transaction.atomic(durable=True)
def set_paper_signins(actor: User | None, meeting: Any, count: Any) -> Meeting:
    """纸质签到人数 (names signed on the paper sheet); 实到 follows."""
    found = _locked(meeting, actor)
    _open(found, "修改签到")
    found.paper_signins = _count(count, "paper_signins", "纸质签到人数", limit=100_000)
    _recount(found)
    found.save(update_fields=["paper_signins", "present_count"])
    audit.record(
        Verb.MEETING_SIGNED_IN, actor=actor, target=found,
        data={"paper": found.paper_signins, "present": found.present_count},
    )  # fmt: skip
    return found


# --- the record -----------------------------------------------------------------------------


def _due(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput.field(field, "完成时限应为日期（年-月-日）") from None


def _write_item(meeting: Meeting, item: AgendaItem, raw: dict[str, Any], quorate: bool) -> None:
    field = f"items.{item.pk}"
    label = f"议程「{item.title}」"
    item.views = long_text(raw.get("views"), f"{field}.views", "各方意见", 3000, required=False)
    votes = [
        _count(raw.get(key) or 0, f"{field}.{key}", f"{label}{name}票数")
        for key, name in (("votes_for", "赞成"), ("votes_against", "反对"),
                          ("votes_abstain", "弃权"))
    ]  # fmt: skip
    if sum(votes) > meeting.present_count:
        raise InvalidInput.field(
            f"{field}.votes_for",
            f"{label}的票数合计 {sum(votes)} 超过实到人数 {meeting.present_count}",
        )
    item.votes_for, item.votes_against, item.votes_abstain = votes
    wanted = raw.get("result") or ItemResult.PENDING
    if wanted not in ItemResult.values:
        raise InvalidInput.field(f"{field}.result", f"请选择{label}的结果")
    item.decision = text(raw.get("decision"), f"{field}.decision", "决定事项", 300, required=False)
    cast_votes: int = sum(votes)
    if item.is_vote and (cast_votes > 0 or wanted in (ItemResult.PASSED, ItemResult.FAILED)):
        if not quorate:
            raise InvalidInput.field(f"{field}.votes_for", _quorum_refusal(meeting))
        needed = rules.decision_needed(
            meeting.kind, present=meeting.present_count, expected=meeting.expected_count
        )
        wanted = ItemResult.PASSED if item.votes_for >= needed else ItemResult.FAILED
    elif not item.is_vote and wanted in (ItemResult.PASSED, ItemResult.FAILED):
        raise InvalidInput.field(f"{field}.result", f"{label}未付诸表决，结果应为协商一致或暂缓")
    item.result = wanted
    item.owner_label = text(
        raw.get("owner_label"), f"{field}.owner_label", "责任方", 100, required=False
    )
    item.due_on = _due(raw.get("due_on"), f"{field}.due_on")
    if _becomes_action(item):
        if not item.owner_label:
            raise InvalidInput.field(f"{field}.owner_label", f"请填写{label}决定的责任方")
        if item.due_on is None:
            raise InvalidInput.field(f"{field}.due_on", f"请填写{label}决定的完成时限")
    item.save()


def _becomes_action(item: AgendaItem) -> bool:
    return item.result == ItemResult.PASSED or (
        item.result == ItemResult.CONSULTED and bool(item.decision)
    )


@transaction.atomic(durable=True)
def save_record(
    actor: User | None, meeting: Any, *, summary: Any, items: list[dict[str, Any]] | None = None,
    paper_signins: Any = None,
) -> Meeting:  # fmt: skip
    """纪要: the summary of views, and per agenda item (by ``pk``) the views, the vote counts
    (at most 实到 in all), the result, the decision with its owner and due date. A vote on an
    ``is_vote`` item is refused without quorum, with the numbers; its result is computed from
    the kind's decision rule (PASSED when 赞成 reaches ``rules.decision_needed``)."""
    found = _locked(meeting, actor)
    _open(found, "填写纪要")
    if paper_signins not in (None, ""):
        found.paper_signins = _count(paper_signins, "paper_signins", "纸质签到人数", limit=100_000)
        _recount(found)
    found.summary = long_text(summary, "summary", "议事情况", 5000, required=False)
    found.save(update_fields=["summary", "paper_signins", "present_count"])
    quorate = quorum_line(found)["met"]
    rows = {item.pk: item for item in found.items.all()}
    for raw in items or []:
        pk = raw.get("pk")
        item = rows.get(int(str(pk))) if str(pk).isdigit() else None
        if item is None:
            raise InvalidInput.field("items", "议程中没有该事项")
        _write_item(found, item, raw, quorate)
    audit.record(
        Verb.MEETING_RECORD_SAVED, actor=actor, target=found,
        data={"present": found.present_count, "items": len(items or [])},
    )  # fmt: skip
    return found


# --- close, publish -------------------------------------------------------------------------


def _other_category() -> TopicCategory:
    found = TopicCategory.objects.filter(code="other").first()
    if found is None:
        found = TopicCategory.objects.create(code="other", name="其他", order=99)
    return found


@transaction.atomic(durable=True)
def close(actor: User | None, meeting: Any, *, now: datetime | None = None) -> Meeting:
    """结束 a meeting held: refused without its record (the summary and every item's result)
    and, when an item was put to the vote, without quorum — each with the numbers. Each
    decision becomes an action item (owner and due date from the record, category from the
    topic or 其他); a topic still pending or being evaluated becomes 已采纳."""
    found = _locked(meeting, actor)
    _open(found, "结束")
    now = now or timezone.now()
    if found.starts_at > now:
        raise DomainError(f"议事会定于 {local(found.starts_at, MINUTE)} 召开，尚未召开不能结束")
    items = list(found.items.select_related("topic", "topic__category"))
    missing = [item for item in items if item.result == ItemResult.PENDING]
    if not found.summary.strip() or missing:
        parts = [] if found.summary.strip() else ["议事情况（各方意见）未填写"]
        if missing:
            names = "、".join(f"「{item.title}」" for item in missing[:5])
            parts.append(f"{len(missing)} 项议程未记录结果：{names}")
        raise DomainError("会议纪要未完成，不能结束会议：" + "；".join(parts))
    if any(item.is_vote for item in items) and not quorum_line(found)["met"]:
        raise DomainError(_quorum_refusal(found) + "，不能结束会议")
    made: list[int] = []
    for item in items:
        if not _becomes_action(item):
            continue
        topic = item.topic
        action = _create(
            actor, region=found.region_id,
            category=topic.category if topic else _other_category(),
            title=(item.decision or item.title)[:60], due_on=item.due_on,
            owner_kind=OwnerKind.ORGANIZATION, owner_name=item.owner_label,
            description=item.decision, topic=topic, agenda_item=item, meeting=found,
        )  # fmt: skip
        made.append(action.pk)
        if topic is not None and topic.status in (TopicStatus.PENDING, TopicStatus.EVALUATING):
            held = lock(Topic, topic, "未找到该议题")
            topics.settle(
                held, actor, TopicStatus.ADOPTED,
                held.answer or f"经{found.title}议定：{item.decision or item.title}", now,
            )  # fmt: skip
    found.status, found.closed_at = MeetingStatus.CLOSED, now
    found.save(update_fields=["status", "closed_at"])
    audit.record(
        Verb.MEETING_CLOSED, actor=actor, target=found,
        data={"present": found.present_count, "expected": found.expected_count,
              "actions": made},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def publish_record(actor: User | None, meeting: Any) -> Meeting:
    """公开纪要: the community's residents see the record on their H5 page."""
    found = _locked(meeting, actor)
    if found.status != MeetingStatus.CLOSED:
        raise DomainError("会议结束后才能公开纪要")
    if found.record_published_at:
        raise DomainError("纪要已公开")
    found.record_published_at = timezone.now()
    found.save(update_fields=["record_published_at"])
    audit.record(Verb.MEETING_RECORD_PUBLISHED, actor=actor, target=found, data={})
    return found


# --- the 一月一会 cadence -------------------------------------------------------------------


def cadence_communities(today: date) -> list[str]:
    """Communities under 一月一会 (``queries.meetings.under_cadence``)."""
    return sorted(meeting_queries.under_cadence(None, today))


def held_in(codes: list[str], start: datetime, end: datetime) -> set[str]:
    """The communities among ``codes`` with a closed meeting counting for 一月一会 in [start,
    end)."""
    return set(
        Meeting.objects.filter(
            region_id__in=codes, status=MeetingStatus.CLOSED,
            kind__in=meeting_queries.cadence_kinds(), starts_at__gte=start, starts_at__lt=end,
        ).values_list("region_id", flat=True)
    )  # fmt: skip


@transaction.atomic(durable=True)
def cadence_alarm(today: date | None = None) -> int:
    """For each community under 一月一会 with no held meeting in the previous calendar month,
    tell its managers once (audit MEETING_CADENCE_ALARMED with the month: never twice for the
    same month). Returns how many communities were alarmed."""
    today = today or timezone.localdate()
    last_month_day = today.replace(day=1) - timedelta(days=1)
    start, end = month_bounds(last_month_day)
    month = f"{last_month_day:%Y-%m}"
    codes = cadence_communities(last_month_day)
    missing = [code for code in codes if code not in held_in(codes, start, end)]
    if not missing:
        return 0
    done = set(
        AuditEvent.objects.filter(
            verb=int(Verb.MEETING_CADENCE_ALARMED), region_id__in=missing, data__month=month
        ).values_list("region_id", flat=True)
    )
    names = dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
    label = f"{last_month_day.year}年{last_month_day.month}月"
    alarmed = 0
    for code in missing:
        if code in done or code not in names:
            continue
        for manager in queries.managers_of(code):
            notify(
                manager, "deliberation.cadence_alarm",
                {"community": names[code], "month": label,
                 "url": _url("deliberation:meetings") + f"?region={code}"},
            )  # fmt: skip
        audit.record(
            Verb.MEETING_CADENCE_ALARMED, actor=None, region=code,
            data={"month": month, "community": names[code]},
        )  # fmt: skip
        alarmed += 1
    return alarmed
