"""The figures of 公益创投 and the 社区慈善基金 for the dashboard and the work brief (registered
in ``apps.ready``; docs/indicators.md lists them with their definitions).

The grants follow ``queries.calls.numbers`` (docs/metrics.md "公益创投"): a funded project is
every project except one terminated before a yuan was paid (``funded_q``), and "拨付发展经费12
万元" counts the amounts awarded. The page counts by the call's year; a dashboard period counts
a project on the day it was decided (立项时间 ``decided_at``), money paid on the tranche's
拨付日期. The funds follow ``queries.funds`` (docs/metrics.md "社区慈善基金"): each income entry
(cash, goods, 资源置换) is one resource, counted on the day it occurred."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Indicator

from .choices import MovementKind, SpendingStatus, TrancheStatus
from .models import Movement, Project, Spending, Tranche
from .queries.calls import funded_q
from .queries.funds import RESOURCE_KINDS

SEED_GRANTS = "评审扶持8个优质公益项目，拨付发展经费12万元"
SEED_FUND = "累计整合资源超百项，落地公益项目9个，惠及1.8万人次"
SEED_EXCHANGE = "推出“资源置换+商业反哺”，让经营主体反哺社区"
INCOME_KINDS = (*RESOURCE_KINDS, MovementKind.REFUND)
SPENDING_KINDS = (MovementKind.CASH_OUT, MovementKind.GOODS_OUT)


def funded_projects() -> Any:
    return Project.objects.filter(funded_q())


def paid_tranches() -> Any:
    return Tranche.objects.filter(status=TrancheStatus.PAID, paid_on__isnull=False)


def resources() -> Any:
    return Movement.objects.filter(kind__in=RESOURCE_KINDS)


def exchanges() -> Any:
    return Movement.objects.filter(kind=MovementKind.EXCHANGE_IN)


def income() -> Any:
    return Movement.objects.filter(kind__in=INCOME_KINDS)


def spending() -> Any:
    return Movement.objects.filter(kind__in=SPENDING_KINDS)


def paid_spendings() -> Any:
    return Spending.objects.filter(status=SpendingStatus.PAID, paid_at__isnull=False)


# The call's decision creates its projects (the call is the audit target); 终止 names the project.
PROJECT_TOUCHED = (("grants.call", "call_id"),)
# A donation's audit entry names the fund, a payment the spending: both move the fund's lines.
MOVEMENT_TOUCHED = (("grants.fund", "fund_id"), ("grants.spending", "spending_id"))
PROJECT_COLUMNS = (("项目名称", "title"), ("承接组织", "social_org.organization.name"),
                   ("所属区域", "region.name"), ("资助金额（元）", "amount"),
                   ("立项时间", "decided_at"))  # fmt: skip
TRANCHE_COLUMNS = (("项目名称", "project.title"), ("期次", "seq"), ("拨付节点", "milestone"),
                   ("金额（元）", "amount"), ("拨付日期", "paid_on"))  # fmt: skip
MOVEMENT_COLUMNS = (("基金", "fund.name"), ("摘要", "note"), ("金额/价值（元）", "amount"),
                    ("发生时间", "occurred_at"))  # fmt: skip
SPENDING_COLUMNS = (("项目名称", "title"), ("基金", "fund.name"), ("惠及人次", "beneficiaries"),
                    ("支付时间", "paid_at"))  # fmt: skip

INDICATORS = [
    Indicator(
        "grants.projects_funded", "评审扶持公益项目", "个", "grants",
        "经评审立项的公益创投项目，按立项时间所在日计入；立项后未拨付一元即终止的不计。"
        "与公益创投的“立项项目”相同（该页按申报年度统计）。",
        source=funded_projects, date_field="decided_at", touched_by=PROJECT_TOUCHED,
        columns=PROJECT_COLUMNS,
        sentence="评审扶持{value}个优质公益项目", seed=SEED_GRANTS, perm=Perm.GRANTS_VIEW,
        order=80,
    ),
    Indicator(
        "grants.amount_awarded", "资助金额（拨付发展经费）", "元", "grants",
        "上述立项项目的资助金额之和（评审确定的金额），按立项时间所在日计入；“拨付发展经费12万元”"
        "即此数。与公益创投的“资助金额”相同。",
        source=funded_projects, date_field="decided_at", touched_by=PROJECT_TOUCHED,
        measure="amount",
        columns=PROJECT_COLUMNS,
        sentence="拨付发展经费{value}元", seed=SEED_GRANTS, perm=Perm.GRANTS_VIEW, order=81,
    ),
    Indicator(
        "grants.amount_paid", "已拨付经费", "元", "grants",
        "公益创投项目已拨付期次的金额之和，按拨付日期计入（结项、终止时的结余退回不冲减）。",
        source=paid_tranches, date_field="paid_on", measure="amount", columns=TRANCHE_COLUMNS,
        sentence="已分期拨付项目经费{value}元", perm=Perm.GRANTS_VIEW, order=82,
    ),
    Indicator(
        "grants.resources", "慈善基金整合资源", "项", "grants",
        "社区慈善基金的收入登记：每笔现金捐赠、物资捐赠、资源置换各计一项（项目结余退回不计），"
        "按发生时间所在日计入。与基金页的“整合资源（项）”相同。",
        source=resources, date_field="occurred_at", touched_by=MOVEMENT_TOUCHED,
        columns=MOVEMENT_COLUMNS,
        sentence="累计整合资源{value}项", seed=SEED_FUND, perm=Perm.FUNDS_VIEW, order=83,
    ),
    Indicator(
        "grants.resources_value", "整合资源价值", "元", "grants",
        "上述收入登记的价值之和：现金为金额，物资和资源置换为数量×单价，按发生时间所在日计入。",
        source=resources, date_field="occurred_at", measure="amount",
        touched_by=MOVEMENT_TOUCHED, columns=MOVEMENT_COLUMNS,
        sentence="整合资源价值{value}元", seed=SEED_FUND, perm=Perm.FUNDS_VIEW, order=84,
    ),
    Indicator(
        "grants.exchanges", "资源置换", "项", "grants",
        "社区慈善基金登记的资源置换（商户以物资或服务换取反哺回馈），每笔计一项，按发生时间所在日"
        "计入。",
        source=exchanges, date_field="occurred_at", touched_by=MOVEMENT_TOUCHED,
        columns=(*MOVEMENT_COLUMNS, ("反哺回馈", "recognition")),
        sentence="通过“资源置换+商业反哺”引入资源{value}项", seed=SEED_EXCHANGE,
        perm=Perm.FUNDS_VIEW, order=85,
    ),
    Indicator(
        "grants.fund_income", "慈善基金收入", "元", "grants",
        "社区慈善基金的收入之和：现金捐赠、物资捐赠、资源置换的价值和项目结余退回，按发生时间所在日"
        "计入。与基金页的“月收入”相同。",
        source=income, date_field="occurred_at", measure="amount", touched_by=MOVEMENT_TOUCHED,
        columns=MOVEMENT_COLUMNS,
        sentence="社区慈善基金收入{value}元", perm=Perm.FUNDS_VIEW, order=86,
    ),
    Indicator(
        "grants.fund_spending", "慈善基金支出", "元", "grants",
        "社区慈善基金的支出之和：现金支出和物资使用的价值，按发生时间所在日计入。与基金页的"
        "“月支出”相同。",
        source=spending, date_field="occurred_at", measure="amount", touched_by=MOVEMENT_TOUCHED,
        columns=MOVEMENT_COLUMNS,
        sentence="社区慈善基金支出{value}元", perm=Perm.FUNDS_VIEW, order=87,
    ),
    Indicator(
        "grants.fund_beneficiaries", "慈善基金惠及人次", "人次", "grants",
        "已支付的基金支出登记的惠及人次之和，按支付时间所在日计入。与基金页的“惠及人次”相同。",
        source=paid_spendings, date_field="paid_at", measure="beneficiaries",
        columns=SPENDING_COLUMNS,
        sentence="惠及{value}人次", seed=SEED_FUND, perm=Perm.FUNDS_VIEW, order=88,
    ),
]  # fmt: skip
