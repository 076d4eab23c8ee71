"""The workbench's to-dos of deliberation (``core.registry.todos``). Each counts the very query
of the list it opens."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.deliberation.queries import is_staff
from shegong.deliberation.queries import meetings as meeting_queries


def months_without_meeting(user: Any) -> int:
    if not is_staff(user):
        return 0
    return len(meeting_queries.months_without_meeting(user))


TODOS = [
    # meetings (议事会)
    Todo(
        "deliberation.cadence", "本月尚未召开议事会的社区", months_without_meeting,
        "deliberation:meetings", "cadence=missing", order=70, perm=Perm.DELIBERATION_MANAGE,
        icon="calendar-x", hint="按“一月一会”制度，本月还没有召开（结束）议事会的社区",
    ),
]  # fmt: skip
