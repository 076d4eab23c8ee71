"""The response clock: periodic scans that escalate overdue cases and auto-verify resolved ones,
and the notification events of the closed loop.

Deadlines are columns (``response_due_at``, ``resolution_due_at``) with an index on
``(status, deadline)``, so "what is overdue" is an index range, however many cases are open.

Escalation (督办) happens once per level: level 1 when the response is overdue, level 2 when
the resolution is. A batch of cases is claimed and marked in ONE transaction with its timeline
events, audit entries and notifications: a worker killed mid-scan rolls back the batch it was
on (nothing of it was escalated), and the next run picks it up again — each case is escalated
exactly once per level. Two workers never take the same batch: on PostgreSQL the rows are
claimed ``FOR UPDATE SKIP LOCKED`` and the UPDATE re-checks the level; on SQLite the write
transaction (``BEGIN IMMEDIATE``) serialises the scans.

Supervisors are told once per department per batch ("城管局有 37 件工单超时"), not once per
case: a morning with thousands of overdue cases must not flood a robot channel.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import Department
from shegong.core.audit import Verb
from shegong.core.errors import DomainError
from shegong.core.models import AuditEvent
from shegong.core.notify import notify, register_event
from shegong.core.perms import Role
from shegong.core.scans import periodic_scan

from .choices import AWAITING_RESPONSE, WITH_DEPARTMENT, EventKind, Status
from .models import Report, ReportEvent

BATCH = 5000

register_event(
    "reports.received",
    title="您上报的问题已收到（编号 {{ number }}）",
    body="类别：{{ category }}。{{ handled_by }}进展将在这里通知您。",
    link="{{ url }}",
)
register_event(
    "reports.status",
    title="您上报的问题 {{ number }}：{{ status }}",
    body="{{ note }}",
    link="{{ url }}",
)
register_event(
    "reports.resolved",
    title="您上报的问题 {{ number }} 已办理完毕",
    body="{{ department }}：{{ result }}。如问题仍未解决，可在7天内申请重办。",
    link="{{ url }}",
)
register_event(
    "reports.closed",
    title="您上报的问题 {{ number }} 已办结，请评价",
    body="感谢您的参与，请对办理结果作出评价。",
    link="{{ url }}",
)
register_event(
    "reports.transferred",
    title="新工单 {{ number }}（{{ category }}，{{ part }}）",
    body="请在 {{ due }} 前响应。",
    link="{{ url }}",
)
register_event(
    "reports.to_dispatch",
    title="待受理工单 {{ number }}（{{ category }}）",
    body="没有匹配的派单规则，请受理并派单。",
    link="{{ url }}",
)
register_event(
    "reports.returned",
    title="工单 {{ number }} 被{{ department }}退回",
    body="退单理由：{{ reason }}",
    link="{{ url }}",
)
register_event(
    "reports.assigned_down",
    title="下派工单 {{ number }}（{{ category }}）",
    body="{{ by }}下派给您，请到现场核查处理后回复。{{ note }}",
    link="{{ url }}",
)
register_event(
    "reports.down_answered",
    title="下派工单 {{ number }} 已回复",
    body="{{ holder }}：{{ answer }}",
    link="{{ url }}",
)
register_event(
    "reports.rehandle",
    title="差评待重办：工单 {{ number }}（{{ category }}）",
    body="回访时群众表示不满意{{ solved }}，请在 {{ due }} 前重新办理。{{ note }}",
    link="{{ url }}",
)
register_event(
    "reports.rehandled",
    title="差评工单 {{ number }} 已重新办理",
    body="{{ department }}：{{ result }}",
    link="{{ url }}",
)
register_event(
    "reports.escalated",
    title="督办：{{ department }}有 {{ count }} 件工单{{ what }}",
    body="{{ numbers }}",
    link="{{ url }}",
)

LEVELS = (
    # level, statuses whose clock runs, deadline column, what it means
    (1, AWAITING_RESPONSE, "response_due_at", "超时未响应"),
    (2, WITH_DEPARTMENT, "resolution_due_at", "超期未办结"),
)


@periodic_scan("reports.sla", every=timedelta(minutes=1), title="随手拍超时督办")
def escalate_overdue(now: Any = None) -> int:
    """Escalate every case past its response or resolution deadline, once per level."""
    now = now or timezone.now()
    total = 0
    for level, statuses, column, what in LEVELS:
        while True:
            done = _escalate_batch(level, statuses, column, what, now)
            total += done
            if done < BATCH:
                break
    return total


@transaction.atomic(durable=True)
def _escalate_batch(level: int, statuses: set[str], column: str, what: str, now: Any) -> int:
    due = Report.objects.filter(
        status__in=list(statuses), escalation_level__lt=level, **{f"{column}__lt": now}
    ).order_by(column)
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    rows = list(due.values_list("pk", "lead_department_id", "region_id")[:BATCH])
    if not rows:
        return 0
    ids = [pk for pk, _, _ in rows]
    flag = "was_response_overdue" if level == 1 else "was_resolution_overdue"
    claimed = Report.objects.filter(pk__in=ids, escalation_level__lt=level).update(
        escalation_level=level, **{flag: True}, updated_at=now
    )
    if claimed != len(ids):  # only possible without row locks; never act on a case twice
        raise RuntimeError("overdue cases changed under the scan; the batch is retried")
    departments = Department.objects.in_bulk({d for _, d, _ in rows if d})
    ReportEvent.objects.bulk_create(
        [
            ReportEvent(
                report_id=pk,
                kind=EventKind.ESCALATED,
                from_status="",
                to_status="",
                actor_label="系统",
                at=now,
                public=False,
                note=f"{what}，已督办" + (f"{departments[d].name}" if d else ""),
                data={"level": level},
            )
            for pk, d, _ in rows
        ],
        batch_size=1000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                verb=int(Verb.REPORT_ESCALATED),
                actor_label="系统",
                at=now,
                target_type=Report._meta.label_lower,
                target_id=str(pk),
                target_label=f"{pk:08d}",
                region_id=region,
                via="system",
                data={"level": level},
            )
            for pk, _, region in rows
        ],
        batch_size=1000,
    )
    by_department: dict[int | None, list[int]] = defaultdict(list)
    for pk, d, _ in rows:
        by_department[d].append(pk)
    _tell_supervisors(by_department, departments, what)
    return len(rows)


def _tell_supervisors(
    by_department: dict[int | None, list[int]], departments: dict[int, Department], what: str
) -> None:
    from .queries import department_members, district_desk

    desk = {user.pk: user for user in district_desk()}  # hears of every escalation
    url = reverse("reports:board")
    for department_id, ids in by_department.items():
        department = departments.get(department_id) if department_id else None
        name = department.name if department else "未派单"
        numbers = "、".join(f"{pk:08d}" for pk in ids[:20]) + ("等" if len(ids) > 20 else "")
        context = {
            "department": name,
            "count": len(ids),
            "what": what,
            "numbers": numbers,
            "url": url,
        }
        recipients = dict(desk)
        if department is not None:
            for user in department_members(department, [Role.DEPARTMENT_SUPERVISOR]):
                recipients[user.pk] = user
        for user in recipients.values():
            notify(user, "reports.escalated", context)


@periodic_scan("reports.auto_verify", every=timedelta(minutes=10), title="随手拍无异议自动核实")
def auto_verify(now: Any = None) -> int:
    """Verify and close resolved cases nobody objected to within the objection period
    (``SHEGONG_REPORTS_AUTO_VERIFY_DAYS``, default 3 days)."""
    from .actions.reports import verify_report

    now = now or timezone.now()
    days = getattr(settings, "SHEGONG_REPORTS_AUTO_VERIFY_DAYS", 3)
    due = Report.objects.filter(status=Status.RESOLVED, resolved_at__lt=now - timedelta(days=days))
    count = 0
    for report in due.order_by("resolved_at")[:1000]:
        try:
            verify_report(report, actor=None)
        except DomainError:  # the case changed meanwhile (reopened…); nothing to verify
            continue
        count += 1
    return count
