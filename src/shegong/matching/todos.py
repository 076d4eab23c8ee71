"""The workbench's to-dos of matching: standing orders with a task missed today."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from .queries import standing

MISSED = {"missed": "today"}


def standing_missed_today(user: Any) -> int:
    return standing.filter_standing(user, MISSED).count()


TODOS = [
    Todo(
        "matching.standing_missed", "常态化服务今日未按时完成", standing_missed_today,
        "matching:standing_list", urlencode(MISSED), order=45, perm=Perm.MATCHING_MANAGE,
        icon="alarm", hint="今日有任务未按时完成的常态化服务（如送餐）",
    ),
]  # fmt: skip
