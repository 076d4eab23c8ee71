"""异议: a volunteer disputes one of their service records (民政部令第67号: a volunteer may report
an error in their record, and the organisation that recorded it must verify and correct it).

* ``raise_dispute`` — the volunteer themself, on their own **approved** record (a pending one is
  still being reviewed; a correction row is disputed through its original), with a reason and,
  optionally, the hours they believe right. One open dispute per record (a partial unique
  constraint settles two taps). The record's team (谁组织谁记录) must answer within
  ``SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS`` working days (``core.workdays``: the day it is
  raised is not counted, the deadline is 24:00 of the last working day); its leaders and the
  nearest staff are told, and it waits on their worklist and to-do, overdue marked.
* ``answer_dispute`` — by those who run the team, never on their own record: 维持 with an
  explanation, or 更正 to the hours the record should have. A correction is never an edit: it
  goes through ``hours.adjust_within``, the same path as 更正时长 (an ADJUSTMENT record, its
  ``RECORD_ADJUSTED`` audit entry, the running total and the star moved). The volunteer is told.
* ``withdraw_dispute`` — the volunteer, while it is open.

Each action is one durable transaction with its audit entry; notices are sent after commit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.notify import notify, register_event
from shegong.core.workdays import add_workdays
from shegong.volunteers.actions import hours as hours_actions
from shegong.volunteers.actions.certificate_requests import deciders
from shegong.volunteers.choices import DisputeStatus
from shegong.volunteers.models import ZERO, RecordDispute
from shegong.volunteers.queries import access
from shegong.volunteers.queries.disputes import (
    access_dispute,
    access_my_dispute,
    access_my_record,
    disputable,
)
from shegong.volunteers.queries.hours import corrected_hours

__all__ = ["CORRECT", "MAINTAIN", "answer_dispute", "raise_dispute", "withdraw_dispute"]

MAINTAIN = "maintain"
CORRECT = "correct"
TEXT_MAX = 200
HOURS_MAX = Decimal("24")  # one record is one day's service at most (a paper record's limit)

register_event(
    "volunteers.record_disputed",
    title="志愿者对服务记录提出异议（{{ team }}）",
    body=(
        "{{ volunteer }}（志愿者编号 {{ number }}）对 {{ served_on }}「{{ content }}」的服务记录"
        "提出异议：{{ reason }}。请于 {{ due }} 前核实答复。"
    ),
    link="{{ url }}",
)
register_event(
    "volunteers.record_dispute_answered",
    title="您对服务记录的异议已答复：{{ outcome }}",
    body="{{ served_on }}「{{ content }}」：{{ answer }}",
    link="{{ url }}",
)


def _hours(value: Any, field: str, label: str) -> Decimal:
    text = str(value if value is not None else "").strip()
    try:
        if text and Decimal(text) == 0:
            return ZERO
    except ArithmeticError:
        pass
    return hours_actions.parse_hours(value, field=field, label=label, high=HOURS_MAX)


def _text(value: Any, field: str, label: str) -> str:
    text = access.one_line(value)
    if not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > TEXT_MAX:
        raise InvalidInput.field(field, f"{label}不能超过 {TEXT_MAX} 字")
    return text


def _context(dispute: RecordDispute) -> dict[str, Any]:
    record = dispute.record
    return {"served_on": record.served_on.isoformat(), "content": record.content,
            "team": dispute.team.name}  # fmt: skip


@transaction.atomic(durable=True)
def raise_dispute(record: Any, *, actor: User, reason: str, hours: Any = None) -> RecordDispute:
    """提出异议 on one of the actor's own approved records."""
    found = access_my_record(actor, record)
    if not disputable(found):
        raise DomainError(
            "只能对已确认的服务记录提出异议；待审核的记录请等待队伍确认，更正记录请对原记录提出",
            errors=[{"field": "record", "message": f"当前为「{found.get_status_display()}」"}],
        )
    reason = _text(reason, "reason", "异议理由")
    claimed = None if hours in (None, "") else _hours(hours, "hours", "您认为应为的时长")
    open_one = RecordDispute.objects.filter(record=found, status=DisputeStatus.OPEN).first()
    if open_one is not None:
        raise DomainError(
            f"您已于 {timezone.localdate(open_one.created_at):%Y-%m-%d} 对该记录提出异议，"
            f"队伍应于 {timezone.localtime(open_one.due_at):%Y-%m-%d} 前答复，请耐心等待"
        )
    now = timezone.now()
    due = add_workdays(now, settings.SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS)
    try:
        with transaction.atomic():  # two taps: the partial unique constraint keeps one
            dispute = RecordDispute.objects.create(
                record=found, volunteer_id=found.volunteer_id, team=found.team,
                region_id=found.team.region_id, reason=reason, claimed_hours=claimed,
                due_at=due, created_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError("该记录已有待答复的异议") from None
    audit.record(
        Verb.RECORD_DISPUTED, actor=actor, target=dispute, region=found.team.region_id,
        data={"record": found.pk, "reason": reason, "due": due.date().isoformat(),
              "claimed_hours": None if claimed is None else str(claimed)},
    )  # fmt: skip
    volunteer = dispute.volunteer
    context = {
        **_context(dispute), "volunteer": volunteer.person.name_masked,
        "number": volunteer.number, "reason": reason, "due": f"{due:%Y-%m-%d} 24:00",
        "url": reverse("volunteers:disputes"),
    }  # fmt: skip
    for user in deciders(found.team):
        if user.pk != actor.pk:
            notify(user, "volunteers.record_disputed", context)
    return dispute


@transaction.atomic(durable=True)
def answer_dispute(
    dispute: Any, *, actor: User | None, decision: str, answer: str, hours: Any = None
) -> RecordDispute:
    """答复: 维持 (with the explanation) or 更正 to ``hours`` through the adjustment path."""
    if actor is None:
        found = (
            RecordDispute.objects.select_for_update()
            .select_related("team", "record")
            .get(pk=getattr(dispute, "pk", dispute))
        )
    else:
        found = access_dispute(actor, dispute, for_write=True)
    if found.status != DisputeStatus.OPEN:
        raise DomainError(f"该异议{found.get_status_display()}，无需再答复")
    if decision not in (MAINTAIN, CORRECT):
        raise InvalidInput.field("decision", "请选择维持原记录或更正")
    answer = _text(answer, "answer", "答复意见")
    record = found.record
    if actor is not None and record.volunteer.person.user_id == actor.pk:
        raise DomainError("不能答复本人服务记录的异议，请由队伍其他负责人或社区工作人员处理")
    now = timezone.now()
    data: dict[str, Any] = {"record": record.pk, "decision": decision, "answer": answer,
                            "overdue": now > found.due_at}  # fmt: skip
    if decision == CORRECT:
        target = _hours(hours, "hours", "更正后的时长")
        current = corrected_hours(record)
        if target == current:
            raise InvalidInput.field(
                "hours", f"更正后的时长与现有时长（{current} 小时）相同；如不需更正，请选择维持"
            )
        correction = hours_actions.adjust_within(
            record, actor, target - current, f"异议更正：{answer}"[:200]
        )
        found.status = DisputeStatus.CORRECTED
        found.correction = correction
        data.update(hours=[str(current), str(target)], correction=correction.pk)
        verb = Verb.RECORD_DISPUTE_CORRECTED
        outcome = f"已更正为 {target} 小时"
    else:
        found.status = DisputeStatus.MAINTAINED
        verb = Verb.RECORD_DISPUTE_MAINTAINED
        outcome = "维持原记录"
    found.answer = answer
    found.answered_by = access.actor_or_none(actor)
    found.answered_at = now
    found.save(update_fields=["status", "answer", "answered_by", "answered_at", "correction"])
    audit.record(verb, actor=actor, target=found, region=found.region_id, data=data)
    user = User.objects.filter(person__volunteer__pk=found.volunteer_id, is_active=True).first()
    if user is not None:
        notify(
            user, "volunteers.record_dispute_answered",
            {**_context(found), "outcome": outcome, "answer": answer,
             "url": reverse("volunteers_m:hours")},
        )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def withdraw_dispute(dispute: Any, *, actor: User) -> RecordDispute:
    """撤回 my open dispute."""
    found = access_my_dispute(actor, dispute, for_write=True)
    if found.status != DisputeStatus.OPEN:
        raise DomainError(f"该异议{found.get_status_display()}，不能撤回")
    found.status = DisputeStatus.WITHDRAWN
    found.answered_at = timezone.now()
    found.save(update_fields=["status", "answered_at"])
    audit.record(
        Verb.RECORD_DISPUTE_WITHDRAWN, actor=actor, target=found, region=found.region_id,
        data={"record": found.record_id},
    )  # fmt: skip
    return found
