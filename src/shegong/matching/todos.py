"""The workbench's to-dos of matching: orders waiting for review, orders nobody serves yet
(the unmet list), dispatched orders past their acceptance deadline. Each counts the very query
of the list it opens (``queries.board``)."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.matching.queries import board


def to_review(user: Any) -> int:
    return board.tab_rows(user, "review").count()


def unmet(user: Any) -> int:
    return board.unmet(user).count()


def overdue(user: Any) -> int:
    return board.overdue_dispatched(user).count()


TODOS = [
    Todo(
        "matching.review", "待审核的服务订单", to_review, "matching:board", "tab=review",
        order=60, perm=Perm.MATCHING_MANAGE, icon="clipboard-check",
        hint="群众点单、代为点单，等待社区审核（最早的在前）",
    ),
    Todo(
        "matching.unmet", "未满足的服务需求", unmet, "matching:unmet", order=61,
        perm=Perm.MATCHING_MANAGE, icon="hourglass-split",
        hint="已审核、暂无服务方承接的订单（等待最久的在前）",
    ),
    Todo(
        "matching.overdue", "超时未接的派单", overdue, "matching:board",
        "tab=dispatched&overdue=1", order=62, perm=Perm.MATCHING_MANAGE,
        icon="alarm", hint="已派单但超过接单时限仍未接单",
    ),
]  # fmt: skip
