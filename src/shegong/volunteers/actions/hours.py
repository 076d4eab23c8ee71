"""Service records and hours (志愿服务记录与时长; issue §6, DOMAIN.md 4.2).

谁组织谁记录: the team that organised the service approves or declines its records — staff with
``volunteers.manage`` for the teams in their region, or the team's current leader. A record of
a team the actor does not run is a ``NotFound`` (a leader approving another team's record gets
the same 404 as a missing one).

Only a ``PENDING`` record is reviewed. An ``APPROVED`` record is never edited again: a correction
is a new ``ADJUSTMENT`` row (signed hours, a reason, ``corrects`` pointing at the original),
approved at once and audited as ``RECORD_ADJUSTED``. Paper records are entered by hand (补录)
and records from another organisation are transferred in (转入) with the source organisation and
a proof note; both wait for approval like any attendance. Service counts once: a transfer whose
proof names a certificate this platform issued is refused (those hours are already in the
volunteer's total, whichever team recorded them), and so is a second transfer of the same
service (same source, date and hours) while the first is pending or approved.

The hot path: approving adds the record's hours to ``Volunteer.hours`` with an ``F()`` update
(no SUM over the volunteer's records, whatever their number). It never changes the star: a star
is awarded through 星级认定 (``actions.star_awards``: 申请 → 审核 → 公示 → 认定); the
benchmark (``shegong bench hours``) holds it under 20 ms at a million records. ``recount``
re-sums the approved records for repair, and the tests keep the two equal.

Each entry point runs in one durable transaction and writes one audit entry per record.
``actor=None`` (demo, command line) skips the scope checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.notify import notify, register_event
from shegong.volunteers.choices import Evaluation, RecordKind, RecordStatus, ServiceKind
from shegong.volunteers.models import ZERO, Activity, ServiceRecord, Team, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.access import runs_team
from shegong.volunteers.queries.hours import approved_sum, corrected_hours

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = [
    "NotPending",
    "adjust",
    "adjust_within",
    "approve",
    "approve_many",
    "decline",
    "enter_manual",
    "parse_hours",
    "record_order_service",
    "recount",
    "transfer_in",
]

MANUAL_MAX_HOURS = Decimal("24")  # one day's service per paper record
# A certificate serial of this platform (certificates.new_serial) quoted in a proof note.
PLATFORM_SERIAL_RE = re.compile(r"ZM\d{8}[A-Z2-7]{8}")
TRANSFER_MAX_HOURS = Decimal("5000")  # a transfer may sum years of service elsewhere
ADJUST_MAX_HOURS = Decimal("1000")
BULK_MAX = 500
TEXT_LIMIT = 200

register_event(
    "volunteers.record_approved",
    title="志愿服务时长已确认：{{ hours }} 小时",
    body="{{ team }}：{{ content }}（{{ served_on }}）。累计确认 {{ total }} 小时。",
    link="{{ url }}",
)
register_event(
    "volunteers.record_declined",
    title="志愿服务记录未通过审核",
    body="{{ team }}：{{ content }}（{{ served_on }}）。原因：{{ note }}",
    link="{{ url }}",
)
register_event(
    "volunteers.record_adjusted",
    title="志愿服务时长已更正：{{ delta }} 小时",
    body=(
        "{{ team }}：{{ content }}（{{ served_on }}）。原因：{{ reason }}。"
        "累计确认 {{ total }} 小时。"
    ),
    link="{{ url }}",
)


class NotPending(DomainError):
    """The record is not waiting for review (HTTP 409), with what to do instead."""

    title = "该记录不能审核"

    MESSAGES: ClassVar[dict[str, str]] = {
        RecordStatus.OPEN: "该记录尚未签退（服务中），不能审核",
        RecordStatus.APPROVED: "该记录已确认，不能再次审核；如时长有误请使用「更正时长」",
        RecordStatus.DECLINED: "该记录已退回（未通过），不能再审核；如确有服务请补录",
    }

    def __init__(self, record: ServiceRecord):
        super().__init__(
            self.MESSAGES.get(record.status, "该记录不是待审核状态"),
            errors=[{"field": "status", "message": f"当前为「{record.get_status_display()}」"}],
        )
        self.record = record


# --- checks ---------------------------------------------------------------------------------


def parse_hours(
    value: Any, *, field: str = "hours", label: str = "服务时长", high: Decimal,
    signed: bool = False,
) -> Decimal:  # fmt: skip
    """``value`` as hours with at most two decimals, in (0, high] (or ±, non-zero, if signed)."""
    if value is None or str(value).strip() == "" or isinstance(value, bool):
        raise InvalidInput.field(field, f"请填写{label}（小时）")
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, f"{label}应为数字（小时），如 2 或 1.5") from None
    if not hours.is_finite():
        raise InvalidInput.field(field, f"{label}应为数字（小时），如 2 或 1.5")
    # The range first: quantizing a huge value (1e30) overflows the decimal context.
    if signed:
        if hours == 0:
            raise InvalidInput.field(field, f"{label}不能为 0")
        if abs(hours) > high:
            raise InvalidInput.field(field, f"{label}的绝对值不能超过 {high} 小时")
    elif not ZERO < hours <= high:
        raise InvalidInput.field(field, f"{label}应大于 0 且不超过 {high} 小时")
    if hours != hours.quantize(Decimal("0.01")):
        raise InvalidInput.field(field, f"{label}最多保留两位小数")
    return hours.quantize(Decimal("0.01"))


def _text(
    value: Any, field: str, label: str, *, required: bool = True, limit: int = TEXT_LIMIT
) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return text


def _served_on(value: Any) -> date:
    if not isinstance(value, date):
        raise InvalidInput.field("served_on", "请填写服务日期（YYYY-MM-DD）")
    if value > timezone.localdate():
        raise InvalidInput.field("served_on", "服务日期不能晚于今天")
    if value.year < 2000:
        raise InvalidInput.field("served_on", "服务日期有误")
    return value


class _Owner(TypedDict):
    owner_id: int | None  # the account of the record's volunteer, if they have one


def _record_for_write(actor: User | None, record: Any) -> WithAnnotations[ServiceRecord, _Owner]:
    """The record, locked, with its team and its volunteer's account id (``owner_id``), if it
    is one of a team the actor runs — else NotFound, the same as a missing record."""
    pk = getattr(record, "pk", record)
    rows = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("team")
        .annotate(owner_id=F("volunteer__person__user_id"))
        .filter(pk=pk)
        .order_by()  # one row by primary key: no ORDER BY to build or run
        if str(pk).isdigit()
        else ()
    )
    found = next(iter(rows), None)
    if found is None or (actor is not None and not runs_team(actor, found.team)):
        raise NotFound(access.RECORD_NOT_FOUND)
    # Nobody signs off their own hours, not even a leader of the team.
    if actor is not None and found.owner_id == actor.pk:
        raise DomainError(
            "不能审核或更正本人的服务记录，请由队伍其他负责人或社区工作人员处理",
            errors=[{"field": "volunteer", "message": "本人的服务记录"}],
        )
    return found


def _team_for_write(actor: User | None, team: Any) -> Team:
    pk = getattr(team, "pk", team)
    if actor is None:
        found = Team.objects.filter(pk=pk).first()
        if found is None:
            raise NotFound(access.TEAM_NOT_FOUND)
        return found
    return access.access_team(actor, pk)


def _my_hours_url() -> str:
    return reverse("volunteers_m:hours")


def _tell(volunteer_id: int, user_id: int | None, event: str, context: dict[str, Any]) -> None:
    """The volunteer hears of it in the inbox (and configured channels) if they have an account."""
    if not user_id:
        return
    user = User.objects.filter(pk=user_id, is_active=True).only("pk", "phone").first()
    if user is not None:
        notify(user, event, {"url": _my_hours_url(), **context})


def _apply_hours(volunteer_id: int, delta: Decimal) -> Decimal:
    """Add ``delta`` to the volunteer's running total; returns the new total.

    One UPDATE with an F() expression: concurrent approvals for the same volunteer each add
    their own hours (the row is locked by the first UPDATE until its commit), and nothing sums
    the volunteer's records. The star is not touched: it is awarded, never computed here.
    """
    if delta:
        Volunteer.objects.filter(pk=volunteer_id).update(hours=F("hours") + delta)
    total = Volunteer.objects.filter(pk=volunteer_id).values_list("hours", flat=True).get()
    return Decimal(total).quantize(Decimal("0.01"))


def _context(record: ServiceRecord) -> dict[str, Any]:
    return {
        "team": record.team.name, "content": record.content,
        "served_on": record.served_on.isoformat(),
    }  # fmt: skip


# --- review ---------------------------------------------------------------------------------


def _evaluation(value: Any) -> str:
    """评价: empty, or one of Evaluation's values (a label is accepted too)."""
    text = str(value or "").strip()
    if not text:
        return ""
    labels = {label: code for code, label in Evaluation.choices}
    code = labels.get(text, text)
    if code not in Evaluation.values:
        raise InvalidInput.field("evaluation", "服务评价应为 优秀、良好 或 合格（也可不评价）")
    return code


def _approve(
    record: WithAnnotations[ServiceRecord, _Owner],
    *,
    actor: User | None,
    note: str,
    now: Any,
    evaluation: str = "",
) -> ServiceRecord:
    if record.status != RecordStatus.PENDING:
        raise NotPending(record)
    record.status = RecordStatus.APPROVED
    record.reviewed_by = access.actor_or_none(actor)
    record.reviewed_at = now
    record.review_note = note
    record.evaluation = evaluation
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "evaluation"])
    user_id = record.owner_id
    total = _apply_hours(record.volunteer_id, record.hours)
    audit.record(
        Verb.RECORD_APPROVED, actor=actor, target=record,
        data={"hours": str(record.hours), "total": str(total), "note": note,
              "evaluation": evaluation},
    )  # fmt: skip
    _tell(
        record.volunteer_id, user_id, "volunteers.record_approved",
        {**_context(record), "hours": record.hours, "total": total},
    )  # fmt: skip
    return record


@transaction.atomic(durable=True)
def approve(record: Any, actor: User | None, note: str = "", evaluation: str = "") -> ServiceRecord:
    """确认: a pending record's hours count — added to the volunteer's total, star recomputed;
    with the team's 评价 of the service if given."""
    note = _text(note, "note", "审核意见", required=False)
    evaluation = _evaluation(evaluation)
    found = _record_for_write(actor, record)
    return _approve(found, actor=actor, note=note, now=timezone.now(), evaluation=evaluation)


@transaction.atomic(durable=True)
def approve_many(
    records: Iterable[Any], actor: User | None, note: str = "", evaluation: str = ""
) -> list[ServiceRecord]:
    """批量确认: every record or none (one transaction); one audit entry per record."""
    note = _text(note, "note", "审核意见", required=False)
    evaluation = _evaluation(evaluation)
    pks: list[Any] = []
    for record in records:
        pk = getattr(record, "pk", record)
        if pk not in pks:
            pks.append(pk)
    if not pks:
        raise InvalidInput.field("records", "请选择要确认的记录")
    if len(pks) > BULK_MAX:
        raise InvalidInput.field("records", f"一次最多确认 {BULK_MAX} 条记录")
    now = timezone.now()
    return [
        _approve(_record_for_write(actor, pk), actor=actor, note=note, now=now,
                 evaluation=evaluation)
        for pk in pks
    ]  # fmt: skip


@transaction.atomic(durable=True)
def decline(record: Any, actor: User | None, note: str) -> ServiceRecord:
    """不予确认: the record stays on file, its hours never count; the volunteer is told why."""
    note = _text(note, "note", "不予确认的原因")
    found = _record_for_write(actor, record)
    if found.status != RecordStatus.PENDING:
        raise NotPending(found)
    found.status = RecordStatus.DECLINED
    found.reviewed_by = access.actor_or_none(actor)
    found.reviewed_at = timezone.now()
    found.review_note = note
    found.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit.record(Verb.RECORD_DECLINED, actor=actor, target=found, data={"note": note})
    context = {**_context(found), "note": note}
    _tell(found.volunteer_id, found.owner_id, "volunteers.record_declined", context)
    return found


@transaction.atomic(durable=True)
def adjust(record: Any, actor: User | None, hours_delta: Any, reason: str) -> ServiceRecord:
    """更正: a new ADJUSTMENT row of ``hours_delta`` (signed) correcting an approved record.

    The original stays as it was; the adjustment counts at once (it is the reviewer's own
    correction), so the total and the star move with it.
    """
    return adjust_within(record, actor, hours_delta, reason)


def adjust_within(record: Any, actor: User | None, hours_delta: Any, reason: str) -> ServiceRecord:
    """``adjust`` inside a transaction the caller already holds (the answer to a volunteer's
    异议 corrects through it, with the same checks, audit entry and notice)."""
    delta = parse_hours(
        hours_delta, field="hours_delta", label="更正时长", high=ADJUST_MAX_HOURS, signed=True
    )
    reason = _text(reason, "reason", "更正原因")
    found = _record_for_write(actor, record)
    if found.kind == RecordKind.ADJUSTMENT:
        raise DomainError(
            "更正记录不能再更正，请更正原记录",
            errors=[{"field": "record", "message": "更正记录"}],
        )
    if found.status != RecordStatus.APPROVED:
        raise DomainError(
            "只有已确认的记录才需要更正；待审核的记录请直接审核",
            errors=[{"field": "status", "message": f"当前为「{found.get_status_display()}」"}],
        )
    current = corrected_hours(found)
    if current + delta < 0:
        raise InvalidInput.field(
            "hours_delta", f"更正后时长不能为负数（该记录现为 {current} 小时）"
        )
    now = timezone.now()
    correction = ServiceRecord.objects.create(
        volunteer_id=found.volunteer_id, team_id=found.team_id, activity_id=found.activity_id,
        region_id=found.region_id, kind=RecordKind.ADJUSTMENT, status=RecordStatus.APPROVED,
        service_kind=found.service_kind,
        content=f"更正：{found.content}"[:TEXT_LIMIT], served_on=found.served_on, hours=delta,
        corrects=found, reason=reason, recorded_by=access.actor_or_none(actor),
        reviewed_by=access.actor_or_none(actor), reviewed_at=now, created_at=now,
    )  # fmt: skip
    user_id = found.owner_id
    total = _apply_hours(found.volunteer_id, delta)
    audit.record(
        Verb.RECORD_ADJUSTED, actor=actor, target=correction,
        data={"corrects": found.pk, "hours_delta": str(delta), "hours": [str(current),
              str(current + delta)], "reason": reason, "total": str(total)},
    )  # fmt: skip
    _tell(
        found.volunteer_id, user_id, "volunteers.record_adjusted",
        {**_context(found), "delta": f"{delta:+}", "reason": reason, "total": total},
    )  # fmt: skip
    return correction


# --- entries ----------------------------------------------------------------------------------


def _service_kind(value: Any) -> str:
    """服务性质: one of ServiceKind's values (a label is accepted too); empty = 志愿服务."""
    text = str(value or "").strip()
    if not text:
        return ServiceKind.VOLUNTEER
    code = {label: code for code, label in ServiceKind.choices}.get(text, text)
    if code not in ServiceKind.values:
        labels = "、".join(str(label) for label in ServiceKind.labels)
        raise InvalidInput.field("service_kind", f"服务性质应为 {labels} 之一")
    return code


def _volunteer(volunteer: Any) -> Volunteer:
    pk = getattr(volunteer, "pk", volunteer)
    found = Volunteer.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise InvalidInput.field("volunteer", "未找到该志愿者，请核对志愿者编号")
    return found


def _activity_of(team: Team, activity: Any) -> Activity | None:
    if activity in (None, ""):
        return None
    pk = getattr(activity, "pk", activity)
    found = Activity.objects.filter(pk=pk, team=team).first() if str(pk).isdigit() else None
    if found is None:
        raise InvalidInput.field("activity", "该活动不是本队伍组织的活动")
    return found


@transaction.atomic(durable=True)
def enter_manual(
    volunteer: Any, team: Any, *, actor: User | None, served_on: date, hours: Any, content: str,
    reason: str, activity: Any = None, service_kind: Any = ServiceKind.VOLUNTEER,
) -> ServiceRecord:  # fmt: skip
    """补录: a paper record (or a forgotten check-in) entered by the team, pending review;
    ``service_kind`` says whether it counts towards a star (``stars.excluded_kinds``)."""
    found_team = _team_for_write(actor, team)
    person = _volunteer(volunteer)
    served = _served_on(served_on)
    amount = parse_hours(hours, high=MANUAL_MAX_HOURS)
    content = _text(content, "content", "服务内容")
    reason = _text(reason, "reason", "补录原因")
    found_activity = _activity_of(found_team, activity)
    kind = _service_kind(service_kind)
    record = ServiceRecord.objects.create(
        volunteer=person, team=found_team, activity=found_activity, service_kind=kind,
        region_id=found_activity.region_id if found_activity else found_team.region_id,
        kind=RecordKind.MANUAL, status=RecordStatus.PENDING, content=content, served_on=served,
        hours=amount, reason=reason, recorded_by=access.actor_or_none(actor),
    )  # fmt: skip
    audit.record(
        Verb.RECORD_ENTERED, actor=actor, target=record,
        data={"volunteer": person.number, "hours": str(amount), "served_on": served.isoformat(),
              "reason": reason, "service_kind": kind},
    )  # fmt: skip
    return record


def record_order_service(
    volunteer: Any, team: Any, *, actor: User | None, served_on: date, hours: Any, content: str,
    reason: str,
) -> ServiceRecord:  # fmt: skip
    """A service order's hours (点单服务, the matching app): recorded by the community's team,
    pending its approval like any record (谁组织谁记录). The helper who completed the order is
    the recorder, so there is no team check here; it joins the caller's transaction (the
    order's completion), and the caller writes the audit entry of its own verb."""
    found_team = team if isinstance(team, Team) else Team.objects.get(pk=team)
    person = _volunteer(volunteer)
    amount = parse_hours(hours, high=MANUAL_MAX_HOURS)
    return ServiceRecord.objects.create(
        volunteer=person, team=found_team, region_id=found_team.region_id,
        kind=RecordKind.ORDER, status=RecordStatus.PENDING,
        content=_text(content, "content", "服务内容"), served_on=_served_on(served_on),
        hours=amount, reason=_text(reason, "reason", "说明"),
        recorded_by=access.actor_or_none(actor),
    )  # fmt: skip


@transaction.atomic(durable=True)
def transfer_in(
    volunteer: Any, team: Any, *, actor: User | None, source_organization: str, served_on: date,
    hours: Any, content: str, proof_note: str, service_kind: Any = ServiceKind.VOLUNTEER,
) -> ServiceRecord:  # fmt: skip
    """转入: service recorded by another organisation (谁组织谁记录), entered here with the
    source and its proof (证明编号, 出具单位 …); it counts once approved, like any record, and
    this team never certifies it (谁记录谁证明 — the source organisation does)."""
    found_team = _team_for_write(actor, team)
    person = _volunteer(volunteer)
    served = _served_on(served_on)
    amount = parse_hours(hours, high=TRANSFER_MAX_HOURS)
    source = _text(source_organization, "source_organization", "转出单位", limit=100)
    content = _text(content, "content", "服务内容")
    proof = _text(proof_note, "proof_note", "证明材料说明")
    kind = _service_kind(service_kind)
    _check_counts_once(person, source=source, served=served, amount=amount, proof=proof)
    record = ServiceRecord.objects.create(
        volunteer=person, team=found_team, region_id=found_team.region_id, service_kind=kind,
        kind=RecordKind.TRANSFER, status=RecordStatus.PENDING, content=content, served_on=served,
        hours=amount, reason=proof, source_organization=source,
        recorded_by=access.actor_or_none(actor),
    )  # fmt: skip
    audit.record(
        Verb.RECORD_TRANSFERRED, actor=actor, target=record,
        data={"volunteer": person.number, "hours": str(amount), "source": source,
              "proof": proof, "service_kind": kind},
    )  # fmt: skip
    return record


def _check_counts_once(
    volunteer: Volunteer, *, source: str, served: date, amount: Decimal, proof: str
) -> None:
    """Refuse a transfer that would count service twice (see the module's docstring)."""
    from shegong.volunteers.models import Certificate

    for serial in PLATFORM_SERIAL_RE.findall(proof.upper()):
        if Certificate.objects.filter(serial=serial, volunteer=volunteer).exists():
            raise InvalidInput.field(
                "proof_note",
                f"证明 {serial} 由本平台出具，其中的时长已计入该志愿者的累计时长，无需转入",
            )
    twice = ServiceRecord.objects.filter(
        volunteer=volunteer, kind=RecordKind.TRANSFER, source_organization=source,
        served_on=served, hours=amount,
        status__in=[RecordStatus.PENDING, RecordStatus.APPROVED],
    ).first()  # fmt: skip
    if twice is not None:
        message = (
            f"已于 {timezone.localtime(twice.created_at):%Y-%m-%d} 转入过同一单位同日同时长的记录"
            f"（{twice.get_status_display()}），请勿重复转入"
        )
        raise DomainError(message, errors=[{"field": "source_organization", "message": message}])


# --- repair -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def recount(volunteer: Any, actor: User | None = None) -> tuple[Decimal, Decimal]:
    """Re-sum the volunteer's approved records into ``Volunteer.hours``; returns (old, new).
    Audited only when the total was off. The awarded star is left alone."""
    pk = getattr(volunteer, "pk", volunteer)
    found = Volunteer.objects.select_for_update().select_related("person").get(pk=pk)
    old = Decimal(found.hours).quantize(Decimal("0.01"))
    new = approved_sum(found)
    if old != new:
        Volunteer.objects.filter(pk=pk).update(hours=new)
        audit.record(
            Verb.VOLUNTEER_UPDATED, actor=actor, target=found,
            data={"hours": [str(old), str(new)], "recount": True},
        )  # fmt: skip
    return old, new
