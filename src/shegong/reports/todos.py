"""The workbench's to-dos of the closed loop (``core.registry.todos``): cases waiting for the
dispatch desk, cases a department sent back, cases done and waiting to be verified, cases
waiting for a department's answer, running clocks past their deadline. Each counts
``queries.queue_rows`` with the very filters its link gives the queue page (工单), oldest
first."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from . import queries
from .choices import Status


def _query(criteria: dict[str, Any]) -> str:
    """The queue page's query string for ``criteria`` (a ticked box is "on")."""
    return urlencode({k: "on" if v is True else v for k, v in criteria.items()})


def _todo(key: str, label: str, criteria: dict[str, Any], **fields: Any) -> Todo:
    criteria = {**criteria, "sort": queries.OLDEST}

    def count(user: Any) -> int:
        return queries.queue_rows(user, criteria, timezone.now()).count()

    return Todo(key, label, count, "reports:queue", _query(criteria), **fields)


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
]  # fmt: skip
