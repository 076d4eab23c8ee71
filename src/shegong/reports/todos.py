"""The workbench's to-dos of the closed loop (``core.registry.todos``): cases waiting for the
dispatch desk, cases a department sent back, cases done and waiting to be verified, cases
waiting for a department's answer, running clocks past their deadline, and for a community
worker the cases assigned down (下派) not answered yet, and the 差评 (不满意 at the 回访)
waiting for their re-handling (差评待重办) or past its limit (差评重办超期). Each counts the
very query of the list its link opens, oldest first: ``queries.queue_rows`` with the link's
filters for the queue page (工单), ``queries.held_by`` for 派给我的工单."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.http import urlencode

from shegong.core.perms import Perm, Role
from shegong.core.registry import Todo

from . import queries
from .choices import FINISHED, Status


def _query(criteria: dict[str, Any]) -> str:
    """The queue page's query string for ``criteria`` (a ticked box is "on")."""
    return urlencode({k: "on" if v is True else v for k, v in criteria.items()})


def _todo(key: str, label: str, criteria: dict[str, Any], **fields: Any) -> Todo:
    criteria = {**criteria, "sort": queries.OLDEST}

    def count(user: Any) -> int:
        return queries.queue_rows(user, criteria, timezone.now()).count()

    return Todo(key, label, count, "reports:queue", _query(criteria), **fields)


def _assigned_down(user: Any) -> int | None:
    """下派待回复: cases given to the community worker's community or to them, not answered
    yet — the rows of 派给我的工单 (``queries.held_by``'s waiting ones)."""
    if getattr(user, "active_role", None) != Role.COMMUNITY_WORKER:
        return None
    return (
        queries.held_by(user)
        .filter(held_answered_at__isnull=True)
        .exclude(status__in=FINISHED)
        .count()
    )


TODOS = [
    _todo(
        "reports.submitted", "待受理工单", {"status": Status.SUBMITTED.value}, order=10,
        perm=Perm.REPORTS_DISPATCH, icon="inbox", hint="群众上报、等待派单台受理的工单",
    ),
    _todo(
        "reports.accepted", "已受理待派单", {"status": Status.ACCEPTED.value}, order=11,
        perm=Perm.REPORTS_DISPATCH, icon="signpost-split", hint="已受理、尚未派给部门的工单",
    ),
    _todo(
        "reports.returned", "部门退回的工单", {"status": Status.RETURNED.value}, order=12,
        perm=Perm.REPORTS_DISPATCH, icon="arrow-return-left", hint="部门退回、需重新派单的工单",
    ),
    _todo(
        "reports.resolved", "待核实工单", {"status": Status.RESOLVED.value}, order=13,
        perm=Perm.REPORTS_DISPATCH, icon="patch-question",
        hint="部门已办理完毕、等待核实办结的工单",
    ),
    _todo(
        "reports.awaiting", "待响应工单", {"status": queries.AWAITING_FILTER}, order=14,
        perm=Perm.REPORTS_HANDLE, icon="hourglass-split",
        hint="已派给本部门（或被重启）、尚未响应的工单",
    ),
    _todo(
        "reports.overdue", "超时工单", {"overdue": True}, order=15, perm=Perm.REPORTS_VIEW,
        icon="stopwatch", hint="在办工单中响应或办理已超过期限的",
    ),
    _todo(
        "reports.rehandle", "差评待重办",
        {"status": queries.ALL_FILTER, "rehandle": queries.REHANDLE_DUE}, order=17,
        perm=Perm.REPORTS_HANDLE, icon="hand-thumbs-down",
        hint="回访时群众不满意、本部门尚未重新办理的工单",
    ),
    _todo(
        "reports.rehandle_overdue", "差评重办超期",
        {"status": queries.ALL_FILTER, "rehandle": queries.REHANDLE_OVERDUE}, order=18,
        perm=Perm.REPORTS_VIEW, icon="exclamation-octagon",
        hint="差评超过重新办理时限仍未重新办理的工单",
    ),
    Todo(
        "reports.assigned_down", "下派待回复", _assigned_down, "reports_m:tasks", order=16,
        perm=Perm.REPORTS_VIEW, icon="arrow-down-right-square",
        hint="街道下派给本社区或本人、尚未回复的工单",
    ),
]  # fmt: skip
