"""The workbench's to-dos of deliberation (``core.registry.todos``). Each counts the very query
of the list it opens."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.deliberation.queries import actions as action_queries


def actions_overdue(user: Any) -> int:
    return action_queries.overdue(user).count()


TODOS: list[Todo] = [
    Todo(
        "deliberation.actions_overdue", "逾期未完成的落地实事", actions_overdue,
        "deliberation:actions", "overdue=1", order=70, perm=Perm.DELIBERATION_MANAGE,
        icon="alarm", hint="已过完成时限、尚未落实或调整时限的实事",
    ),
]  # fmt: skip
