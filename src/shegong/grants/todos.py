"""The workbench's to-dos of grants (``core.registry.todos``); each counts the very query of the
list it opens."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.grants.queries import calls as call_queries


def applications_to_check(user: Any) -> int:
    return call_queries.to_check(user).count()


def tranches_to_approve(user: Any) -> int:
    return call_queries.tranches_to_approve(user).count()


def reviews_to_do(user: Any) -> int:
    return call_queries.reviews_to_do(user).count()


TODOS: tuple[Todo, ...] = (
    # 公益创投
    Todo(
        "grants.applications_to_check", "待资格审查的公益创投申报", applications_to_check,
        "grants:checks", "", order=80, perm=Perm.GRANTS_MANAGE, icon="clipboard-check",
        hint="已提交、等待人工资格审查的项目申报",
    ),
    Todo(
        "grants.tranches_to_approve", "待审核的拨付申请", tranches_to_approve, "grants:tranches",
        "status=requested", order=81, perm=Perm.GRANTS_MANAGE, icon="cash-coin",
        hint="社会组织已提交进展报告、等待审核的拨付期次",
    ),
    Todo(
        "grants.reviews_to_do", "待完成的评审", reviews_to_do, "grants:reviews", "todo=1",
        order=82, perm=Perm.GRANTS_REVIEW, icon="pencil-square",
        hint="分配给您、尚未提交评分的项目",
    ),
)  # fmt: skip
