"""The workbench's to-dos of grants (``core.registry.todos``); each counts the very query of the
list it opens."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.grants.queries import calls as call_queries
from shegong.grants.queries import funds as fund_queries


def applications_to_check(user: Any) -> int:
    return call_queries.to_check(user).count()


def tranches_to_approve(user: Any) -> int:
    return call_queries.tranches_to_approve(user).count()


def reviews_to_do(user: Any) -> int:
    return call_queries.reviews_to_do(user).count()


# 社区慈善基金
def fund_spending_to_decide(user: Any) -> int:
    return fund_queries.spending_queue(user, "requested").count()


def fund_spending_to_pay(user: Any) -> int:
    return fund_queries.spending_queue(user, "approved").count()


def funds_dormant(user: Any) -> int:
    return fund_queries.flagged(user).count()


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
    # 社区慈善基金
    Todo(
        "grants.fund_spending_decide", "待管委会审议的基金支出", fund_spending_to_decide,
        "grants:fund_spending_queue", "status=requested", order=80, perm=Perm.FUNDS_MANAGE,
        icon="clipboard-check", hint="社区慈善基金的支出申请，须经管委会审议并记录监督员意见",
    ),
    Todo(
        "grants.fund_spending_pay", "待支付的基金支出", fund_spending_to_pay,
        "grants:fund_spending_queue", "status=approved", order=81, perm=Perm.FUNDS_MANAGE,
        icon="cash-coin", hint="管委会已批准、尚未支付的支出",
    ),
    Todo(
        "grants.funds_dormant", "长期无收支的社区慈善基金", funds_dormant, "grants:funds",
        "dormant=1", order=82, perm=Perm.FUNDS_MANAGE, icon="moon",
        hint="超过规定期限没有收支，请评估是否进入清算",
    ),
)  # fmt: skip
