"""Statuses and kinds of grants (公益创投) and community charity funds (社区慈善基金).

公益创投 (DOMAIN.md "Community funds and grants"): 需求征集 → 申报 → 资格预审 (年检合格, no
credit listing) → 评审委员会 → 公示 → 签约 → 分期拨付 → 督导/中期评估 → 结项. 社区慈善基金: not a
legal person — every yuan and every item goes through the host charity's account; a committee
of at least 5 (odd, unpaid) with at least one supervisor whose opinion is recorded on every
spending; regular disclosure; a dormant fund is wound up.
"""

from __future__ import annotations

from django.db import models

# --- grants -----------------------------------------------------------------------------------


class CallStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "申报中"
    REVIEWING = "reviewing", "评审中"
    DECIDED = "decided", "已立项"
    CLOSED = "closed", "已结束"


CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.DRAFT: frozenset({CallStatus.OPEN, CallStatus.CLOSED}),
    CallStatus.OPEN: frozenset({CallStatus.REVIEWING, CallStatus.CLOSED}),
    CallStatus.REVIEWING: frozenset({CallStatus.DECIDED, CallStatus.CLOSED}),
    CallStatus.DECIDED: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset(),
}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ELIGIBLE = "eligible", "资格审查通过"
    INELIGIBLE = "ineligible", "资格审查未通过"
    AWARDED = "awarded", "拟立项"
    NOT_AWARDED = "not_awarded", "未立项"
    WITHDRAWN = "withdrawn", "已撤回"


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.ELIGIBLE: frozenset(
        {ApplicationStatus.AWARDED, ApplicationStatus.NOT_AWARDED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.INELIGIBLE: frozenset({ApplicationStatus.ELIGIBLE}),  # 复核 on appeal
    ApplicationStatus.AWARDED: frozenset({ApplicationStatus.NOT_AWARDED}),  # upheld objection
    ApplicationStatus.NOT_AWARDED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}


class ProjectStatus(models.TextChoices):
    """A funded project (立项): 公示 → 签约 → 实施 (tranches, supervision) → 结项 or 终止."""

    PUBLICIZING = "publicizing", "公示中"
    SIGNED = "signed", "已签约"
    IN_PROGRESS = "in_progress", "实施中"
    COMPLETED = "completed", "已结项"
    TERMINATED = "terminated", "已终止"


PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PUBLICIZING: frozenset({ProjectStatus.SIGNED, ProjectStatus.TERMINATED}),
    ProjectStatus.SIGNED: frozenset({ProjectStatus.IN_PROGRESS, ProjectStatus.TERMINATED}),
    ProjectStatus.IN_PROGRESS: frozenset({ProjectStatus.COMPLETED, ProjectStatus.TERMINATED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.TERMINATED: frozenset(),
}


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", "待申请"
    REQUESTED = "requested", "待审核"
    APPROVED = "approved", "已审核待拨付"
    PAID = "paid", "已拨付"
    REJECTED = "rejected", "退回补充"


TRANCHE_TRANSITIONS: dict[str, frozenset[str]] = {
    TrancheStatus.PLANNED: frozenset({TrancheStatus.REQUESTED}),
    TrancheStatus.REQUESTED: frozenset({TrancheStatus.APPROVED, TrancheStatus.REJECTED}),
    TrancheStatus.REJECTED: frozenset({TrancheStatus.REQUESTED}),
    TrancheStatus.APPROVED: frozenset({TrancheStatus.PAID}),
    TrancheStatus.PAID: frozenset(),
}


class VisitKind(models.TextChoices):
    SUPERVISION = "supervision", "督导"
    MIDTERM = "midterm", "中期评估"
    FINAL = "final", "结项评估"


class VisitRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# --- community charity funds ------------------------------------------------------------------


class FundStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    ACTIVE = "active", "运行中"
    WINDING_UP = "winding_up", "清算中"
    CLOSED = "closed", "已终止"


FUND_TRANSITIONS: dict[str, frozenset[str]] = {
    FundStatus.PREPARING: frozenset({FundStatus.ACTIVE, FundStatus.CLOSED}),
    FundStatus.ACTIVE: frozenset({FundStatus.WINDING_UP}),
    FundStatus.WINDING_UP: frozenset({FundStatus.ACTIVE, FundStatus.CLOSED}),
    FundStatus.CLOSED: frozenset(),
}


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", "主任"
    MEMBER = "member", "委员"
    SUPERVISOR = "supervisor", "监督员"


class DonorKind(models.TextChoices):
    PERSON = "person", "个人"
    COMPANY = "company", "企业"
    MERCHANT = "merchant", "商户（资源置换）"
    CHARITY = "charity", "慈善组织"
    GOVERNMENT = "government", "政府及部门"
    OTHER = "other", "其他"


class MovementKind(models.TextChoices):
    """A line of the fund's ledger. Cash lines move ``Fund.cash_balance``; item lines move an
    in-kind item's quantity left. ``EXCHANGE_IN`` is 资源置换: goods or services a merchant gives
    for recognition, valued and counted as a resource."""

    CASH_IN = "cash_in", "现金捐赠"
    CASH_OUT = "cash_out", "现金支出"
    GOODS_IN = "goods_in", "物资捐赠"
    EXCHANGE_IN = "exchange_in", "资源置换"
    GOODS_OUT = "goods_out", "物资使用"
    REFUND = "refund", "项目结余退回"


INCOME_KINDS = frozenset(
    {MovementKind.CASH_IN, MovementKind.GOODS_IN, MovementKind.EXCHANGE_IN, MovementKind.REFUND}
)
CASH_KINDS = frozenset({MovementKind.CASH_IN, MovementKind.CASH_OUT, MovementKind.REFUND})


class PledgeStatus(models.TextChoices):
    OPEN = "open", "待兑现"
    PARTLY = "partly", "部分兑现"
    FULFILLED = "fulfilled", "已兑现"
    CANCELLED = "cancelled", "已取消"


class SpendingStatus(models.TextChoices):
    """A spending request: 申请 → 管委会审议 (with the supervisor's recorded opinion) → 支付."""

    REQUESTED = "requested", "待审议"
    APPROVED = "approved", "已批准待支付"
    PAID = "paid", "已支付"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已撤销"


SPENDING_TRANSITIONS: dict[str, frozenset[str]] = {
    SpendingStatus.REQUESTED: frozenset(
        {SpendingStatus.APPROVED, SpendingStatus.REJECTED, SpendingStatus.CANCELLED}
    ),
    SpendingStatus.APPROVED: frozenset({SpendingStatus.PAID, SpendingStatus.CANCELLED}),
    SpendingStatus.PAID: frozenset(),
    SpendingStatus.REJECTED: frozenset(),
    SpendingStatus.CANCELLED: frozenset(),
}


class SpendingTarget(models.TextChoices):
    """What a spending pays for (落地公益项目): a funded grant project, an action item of the
    议事厅, a standing service of 四单, or another project named by the committee."""

    GRANT = "grant", "公益创投项目"
    ACTION_ITEM = "action_item", "议事厅落地实事"
    STANDING_ORDER = "standing_order", "常态化服务"
    OTHER = "other", "其他公益项目"
