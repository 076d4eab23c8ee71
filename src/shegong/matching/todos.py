"""The workbench's to-dos of needs ↔ supply matching (``core.registry.todos``). Each counts the
very query of the list it opens."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.matching.queries import board, standing
from shegong.matching.queries import lists as list_queries

MISSED = {"missed": "today"}


def standing_missed_today(user: Any) -> int:
    return standing.filter_standing(user, MISSED).count()


def offers_to_review(user: Any) -> int:
    return list_queries.awaiting_review(user).count()


def to_review(user: Any) -> int:
    return board.tab_rows(user, "review").count()


def unmet(user: Any) -> int:
    return board.unmet(user).count()


def overdue(user: Any) -> int:
    return board.overdue_dispatched(user).count()


TODOS = [
    Todo(
        "matching.standing_missed", "常态化服务今日未按时完成", standing_missed_today,
        "matching:standing_list", urlencode(MISSED), order=45, perm=Perm.MATCHING_MANAGE,
        icon="alarm", hint="今日有任务未按时完成的常态化服务（如送餐）",
    ),
    Todo(
        "matching.offers_review", "待审核的服务供给", offers_to_review, "matching:offers",
        "status=new&sort=oldest", order=50, perm=Perm.MATCHING_MANAGE, icon="shop",
        hint="志愿者、队伍、单位登记的供给，审核后上架到项目超市",
    ),
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
