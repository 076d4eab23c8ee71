"""The workbench's to-dos of needs ↔ supply matching (``core.registry.todos``). Each counts the
very query of the list it opens."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.matching.queries import lists as list_queries
from shegong.matching.queries import standing

MISSED = {"missed": "today"}


def standing_missed_today(user: Any) -> int:
    return standing.filter_standing(user, MISSED).count()


def offers_to_review(user: Any) -> int:
    return list_queries.awaiting_review(user).count()


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
]  # fmt: skip
