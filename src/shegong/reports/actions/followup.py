"""The 回访 (follow-up call or visit) and the re-handling of a 差评 (重新办理).

After a case is closed (已办结) the dispatch desk or the street asks the requester two things
and records the answers (``record_followup``): was the problem solved (已解决 / 未解决 — the
numerator of 解决率, apart from the department's own 已办结) and were they satisfied (满意 /
基本满意 / 不满意). A 不满意 is a 差评: the lead department must re-handle the case within
``SHEGONG_REPORTS_REHANDLE_WORKDAYS`` working days (default 15), counted from the 回访 by
``core.workdays.add_workdays``; its handlers are told at once. The department records what it
did (``rehandle_report``); the requester and the dispatch desk hear of it.

The case keeps its status throughout (已办结): the re-handling is a clock of its own, listed in
the queue under 差评待重办 and 重办超期 (``queries.filter_queue``'s ``rehandle``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.notify import notify
from shegong.core.perms import Role
from shegong.core.workdays import add_workdays

from ..choices import EventKind, FollowupSatisfaction, Status
from ..models import Report
from ..queries import department_members, dispatchers_for
from .reports import (
    _audit,
    _event,
    _link,
    _lock,
    _require_dispatch,
    _require_lead_handler,
    _save,
    _tell_reporters,
)

__all__ = ["record_followup", "rehandle_days", "rehandle_report"]

NOTE_MAX = 500
RESULT_MAX = 2000


def rehandle_days() -> int:
    """Working days a department has to re-handle a 差评 (setting, default 15)."""
    return int(getattr(settings, "SHEGONG_REPORTS_REHANDLE_WORKDAYS", 15))


@transaction.atomic(durable=True)
def record_followup(
    report: Report, *, actor: User | None, solved: bool, satisfaction: str, note: str = ""
) -> Report:
    """Record the requester's answers at the 回访 of a closed case (once per closing; a
    reopened case is asked again when it closes again). 不满意 starts the 差评 clock."""
    report = _lock(report)
    _require_dispatch(actor, report)
    if not isinstance(solved, bool):
        raise InvalidInput.field("solved", "请选择群众反映问题是否已解决")
    if satisfaction not in FollowupSatisfaction.values:
        raise InvalidInput.field("satisfaction", "请选择群众的满意度：满意、基本满意或不满意")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput.field("note", f"回访记录不能超过{NOTE_MAX}字")
    if report.status != Status.CLOSED:
        raise DomainError(f"工单{report.status_label}，办结后才能回访")
    if report.followup_at is not None:
        raise DomainError("该工单已回访，不能重复记录")
    now = timezone.now()
    report.followup_at = now
    report.followup_solved = solved
    report.followup_satisfaction = satisfaction
    report.followup_note = note
    bad = satisfaction == FollowupSatisfaction.UNSATISFIED
    lead = report.lead_department
    fields = ["followup_at", "followup_solved", "followup_satisfaction", "followup_note"]
    if bad:
        if lead is None:
            raise DomainError("该工单没有主办部门，无法安排重新办理")
        report.rehandle_due_at = add_workdays(now, rehandle_days())
        report.rehandled_at = None
        report.rehandle_result = ""
        fields += ["rehandle_due_at", "rehandled_at", "rehandle_result"]
    _save(report, *fields)
    answer = f"{'已解决' if solved else '未解决'}，{FollowupSatisfaction(satisfaction).label}"
    _event(
        report,
        EventKind.FOLLOWED_UP,
        actor=actor,
        before=report.status,
        note=f"回访：{answer}" + (f"。{note}" if note else ""),
        public=False,
        data={"solved": solved, "satisfaction": satisfaction},
    )
    _audit(Verb.REPORT_FOLLOWUP_RECORDED, report, actor, solved=solved, satisfaction=satisfaction)
    if bad and lead is not None:
        due = timezone.localtime(report.rehandle_due_at).strftime("%Y-%m-%d")
        for user in department_members(lead, [Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_SUPERVISOR]):
            notify(
                user,
                "reports.rehandle",
                {
                    "number": report.number,
                    "category": report.category.name,
                    "solved": "" if solved else "、问题未解决",
                    "due": due,
                    "note": note,
                    "url": _link(report, staff=True),
                },
            )
    return report


@transaction.atomic(durable=True)
def rehandle_report(report: Report, *, actor: User | None, result: str) -> Report:
    """The lead department records the re-handling of a 差评 (重新办理): what it did again.
    The clock stops; the requester and the dispatch desk hear of it."""
    report = _lock(report)
    department = _require_lead_handler(actor, report)
    result = (result or "").strip()
    if not result:
        raise InvalidInput.field("result", "请填写重新办理的情况")
    if len(result) > RESULT_MAX:
        raise InvalidInput.field("result", f"重新办理情况不能超过{RESULT_MAX}字")
    due = report.rehandle_due_at
    if due is None or report.rehandled_at is not None:
        raise DomainError("该工单没有待重新办理的差评")
    report.rehandled_at = timezone.now()
    report.rehandle_result = result
    _save(report, "rehandled_at", "rehandle_result")
    _event(
        report,
        EventKind.REHANDLED,
        actor=actor,
        before=report.status,
        department=department,
        note=result,
    )
    late = report.rehandled_at > due
    _audit(Verb.REPORT_REHANDLED, report, actor, department=department.code, late=late)
    context = {"department": department.name, "result": result}
    for user in dispatchers_for(report.region_id):
        notify(
            user,
            "reports.rehandled",
            {"number": report.number, "url": _link(report, staff=True), **context},
        )
    _tell_reporters(report, "reports.status", note=f"已重新办理：{result}")
    return report
