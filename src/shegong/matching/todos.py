"""The workbench's to-dos of needs ↔ supply matching (``core.registry.todos``). Each counts the
very query of the list it opens."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.matching.queries import lists as list_queries


def offers_to_review(user: Any) -> int:
    return list_queries.awaiting_review(user).count()


TODOS = [
    Todo(
        "matching.offers_review", "待审核的服务供给", offers_to_review, "matching:offers",
        "status=new&sort=oldest", order=50, perm=Perm.MATCHING_MANAGE, icon="shop",
        hint="志愿者、队伍、单位登记的供给，审核后上架到项目超市",
    ),
]  # fmt: skip
