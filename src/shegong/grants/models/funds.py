"""社区慈善基金: a community fund hosted by a charity (``Host``: the host's account receives every
yuan and item; the fund has no account of its own), its agreement and committee, and its ledger.

The ledger is ``Movement``: one row per receipt or payment, in cash or in kind. The cash balance is
a running balance kept on the fund row (``Fund.cash_balance``) and on each cash movement
(``balance_after``), moved only under the fund's row lock; the database's check constraints refuse
a negative balance whatever the code does. An in-kind item (``Item``) keeps its quantity left the
same way, so an item cannot be spent twice. Donors may ask to be anonymous to the public
(``anonymous``); their names are never on a public page then.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet
from shegong.grants.choices import (
    CommitteeRole,
    DonorKind,
    FundStatus,
    MovementKind,
    PledgeStatus,
    SpendingStatus,
    SpendingTarget,
)

USER = settings.AUTH_USER_MODEL
ZERO = Decimal("0")


def money(label: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def qty(label: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(label, max_digits=12, decimal_places=2, **kwargs)


class Host(models.Model):
    """The charity that hosts community funds (托管慈善组织): its account receives everything;
    ``receipt_seq`` numbers its donation receipts (捐赠票据), one series per host."""

    name = models.CharField("托管慈善组织", max_length=80)
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="登记信息",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所在区域"
    )
    account_name = models.CharField("收款户名", max_length=80)
    bank = models.CharField("开户银行", max_length=80, blank=True)
    account_no = models.CharField("银行账号", max_length=40, blank=True)
    receipt_prefix = models.CharField("票据编号前缀", max_length=12, default="JZ")
    receipt_seq = models.PositiveIntegerField("已用票据号", default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "托管慈善组织"
        verbose_name_plural = "托管慈善组织"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Fund(models.Model):
    """A community charity fund (社区慈善基金), one per community as a rule. The agreement with
    the host fixes purpose, use, termination and leftover funds. ``cash_balance`` is the
    running balance; ``last_movement_at`` feeds the dormant check."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    host = models.ForeignKey(
        Host, on_delete=models.PROTECT, related_name="funds", verbose_name="托管慈善组织"
    )
    name = models.CharField("基金名称", max_length=80)
    status = models.CharField(
        "状态", max_length=12, choices=FundStatus.choices, default=FundStatus.PREPARING
    )
    agreement_no = models.CharField("协议编号", max_length=40, blank=True)
    agreement_signed_on = models.DateField("协议签订日期", null=True, blank=True)
    purpose = models.TextField("设立宗旨", max_length=2000, blank=True)
    use_scope = models.TextField("资金使用范围", max_length=2000, blank=True)
    termination_terms = models.TextField("终止情形", max_length=2000, blank=True)
    leftover_terms = models.TextField("剩余财产处理", max_length=2000, blank=True)
    agreement = models.JSONField("协议文本", default=list, blank=True)
    cash_balance = money("现金余额（元）")
    last_movement_at = models.DateTimeField("最近收支时间", null=True, blank=True)
    dormant_flagged_at = models.DateTimeField("休眠提示时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="创建人",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "社区慈善基金"
        verbose_name_plural = "社区慈善基金"
        ordering = ["region", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_balance__gte=0), name="grant_fund_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A member of the fund's management committee (管委会): at least 5, an odd number, unpaid,
    with at least one supervisor (监督员) — checked when the fund is activated and before each
    spending is approved (``actions``)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="committee")
    name = models.CharField("姓名", max_length=40)
    role = models.CharField("职务", max_length=12, choices=CommitteeRole.choices)
    unit = models.CharField("工作单位/身份", max_length=80, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    started_on = models.DateField("任职日期", default=timezone.localdate)
    ended_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "管委会成员"
        verbose_name_plural = "管委会成员"
        ordering = ["fund", "role", "pk"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """An in-kind resource received (物资 or a service, from a donation or 资源置换): its unit
    value, the quantity received and the quantity left. ``quantity_left`` never goes below zero
    (a check constraint), so the same item is never spent twice."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="items")
    name = models.CharField("物资/服务名称", max_length=60)
    unit = models.CharField("单位", max_length=10, default="件")
    is_service = models.BooleanField("服务类", default=False)
    unit_value = money("单价（元）", validators=[MinValueValidator(ZERO)])
    quantity = qty("数量", validators=[MinValueValidator(ZERO)])
    quantity_left = qty("结存数量")
    received_on = models.DateField("接收日期", default=timezone.localdate)
    expires_on = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "物资与服务资源"
        verbose_name_plural = "物资与服务资源"
        ordering = ["fund", "-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_left__gte=0) & Q(quantity_left__lte=F("quantity")),
                name="grant_item_left_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.quantity_left}{self.unit}）"


class Spending(models.Model):
    """A spending request: to a project (a grant project, an action item, a standing service, or
    another named project), in cash (``amount``) or from an item (``item`` × ``quantity``).
    Approved by the committee (``resolution``: the meeting, its date and vote) with the
    supervisor's opinion recorded (``supervisor`` and ``supervisor_opinion``, required), then
    paid — the payment is the ledger's ``Movement``."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="spendings")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    target = models.CharField(
        "支出去向", max_length=16, choices=SpendingTarget.choices, default=SpendingTarget.OTHER
    )
    project = models.ForeignKey(
        "grants.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="公益创投项目",
    )  # fmt: skip
    action_item = models.ForeignKey(
        "deliberation.ActionItem", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="落地实事",
    )  # fmt: skip
    standing_order = models.ForeignKey(
        "matching.StandingOrder", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="常态化服务",
    )  # fmt: skip
    title = models.CharField("项目名称", max_length=80)
    purpose = models.TextField("用途说明", max_length=2000)
    payee = models.CharField("收款方", max_length=80, blank=True)
    amount = money("金额（元）", validators=[MinValueValidator(ZERO)])
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="spendings",
        verbose_name="物资/服务",
    )  # fmt: skip
    quantity = qty("数量", validators=[MinValueValidator(ZERO)])
    beneficiaries = models.PositiveIntegerField("惠及人次", default=0)
    status = models.CharField(
        "状态", max_length=12, choices=SpendingStatus.choices, default=SpendingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="申请人",
    )  # fmt: skip
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    resolution = models.CharField("管委会决议", max_length=300, blank=True)
    votes_for = models.PositiveSmallIntegerField("赞成票", default=0)
    votes_against = models.PositiveSmallIntegerField("反对票", default=0)
    supervisor = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="监督员",
    )  # fmt: skip
    supervisor_opinion = models.TextField("监督员意见", max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="审议登记人",
    )  # fmt: skip
    decided_at = models.DateTimeField("审议时间", null=True, blank=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "基金支出"
        verbose_name_plural = "基金支出"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["fund", "status"], name="grant_spending_fund_status")]

    def __str__(self) -> str:
        return self.title


class Movement(models.Model):
    """One line of a fund's ledger (收支流水), append-only. Cash lines carry ``amount`` and the
    running ``balance_after``; item lines carry the ``item``, ``quantity`` and their value in
    ``amount`` (the running cash balance is untouched, ``balance_after`` repeats it). Income
    lines from a donor carry the receipt number (one series per host: ``receipt_no`` is unique
    within ``host``)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="movements")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    kind = models.CharField("类型", max_length=12, choices=MovementKind.choices)
    occurred_at = models.DateTimeField("发生时间", default=timezone.now)
    amount = money("金额/价值（元）", validators=[MinValueValidator(ZERO)])
    balance_after = money("现金余额（元）")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="movements",
        verbose_name="物资/服务",
    )  # fmt: skip
    quantity = qty("数量")
    donor_name = models.CharField("捐赠方", max_length=80, blank=True)
    donor_kind = models.CharField(
        "捐赠方类型", max_length=12, choices=DonorKind.choices, blank=True
    )
    anonymous = models.BooleanField("对外匿名", default=False)
    recognition = models.CharField("反哺回馈（资源置换）", max_length=200, blank=True)
    receipt_no = models.CharField("捐赠票据号", max_length=30, blank=True)
    spending = models.OneToOneField(
        Spending, on_delete=models.PROTECT, null=True, blank=True, related_name="movement",
        verbose_name="支出申请",
    )  # fmt: skip
    pledge = models.ForeignKey(
        "grants.Pledge", on_delete=models.PROTECT, null=True, blank=True, related_name="movements",
        verbose_name="认捐",
    )  # fmt: skip
    note = models.CharField("摘要", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )  # fmt: skip
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "基金收支"
        verbose_name_plural = "基金收支"
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="grant_movement_balance_not_negative"
            ),
            models.UniqueConstraint(
                fields=["host", "receipt_no"],
                condition=~Q(receipt_no=""),
                name="grant_receipt_once_per_host",
            ),
        ]
        indexes = [
            # Covering the period sums (a month's movements by kind) without reading the rows.
            models.Index(
                fields=["fund", "occurred_at", "kind", "amount"], name="grant_movement_fund_kind"
            ),
            # A period's in-kind lines in time order (a disclosure's items): only item lines.
            models.Index(
                fields=["fund", "occurred_at"], condition=Q(item__isnull=False),
                name="grant_movement_item_time",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class MonthTotal(models.Model):
    """A fund's movements of one kind in one month (local time): their sum and count, kept by
    every action that writes a ``Movement`` (``actions._funds.post``, under the fund's row lock),
    so a month's disclosure and the balance at a month's end are read from a few rows, not summed
    over the month's movements. ``actions.ledger.rebuild_month_totals`` makes them anew from the
    movements (after a bulk load)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # its first day
    kind = models.CharField("类型", max_length=12, choices=MovementKind.choices)
    amount = money("金额/价值（元）")
    count = models.PositiveIntegerField("笔数", default=0)

    class Meta:
        verbose_name = "基金月度汇总"
        verbose_name_plural = "基金月度汇总"
        constraints = [
            models.UniqueConstraint(fields=["fund", "month", "kind"], name="grant_month_total_once")
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.month:%Y-%m} {self.kind} {self.amount}"


class Pledge(models.Model):
    """A pledge (认捐): a donor promises an amount by a date; fulfilments are cash movements
    pointing at it, and ``fulfilled`` is kept by the action that records them."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    donor_name = models.CharField("认捐方", max_length=80)
    donor_kind = models.CharField("认捐方类型", max_length=12, choices=DonorKind.choices)
    anonymous = models.BooleanField("对外匿名", default=False)
    amount = money("认捐金额（元）", validators=[MinValueValidator(ZERO)])
    fulfilled = money("已兑现（元）")
    due_on = models.DateField("兑现期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.OPEN
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "认捐"
        verbose_name_plural = "认捐"
        ordering = ["fund", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.donor_name} 认捐 {self.amount}"


class Disclosure(models.Model):
    """A period's disclosure (信息公开): income, spending and balance of a month (or the final
    disclosure at winding-up), snapshotted when generated and published as a notice."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disclosures")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    cash_in = money("现金收入（元）")
    cash_out = money("现金支出（元）")
    goods_in = money("物资收入价值（元）")
    goods_out = money("物资使用价值（元）")
    balance = money("期末现金余额（元）")
    lines = models.JSONField("明细", default=list, blank=True)
    notice = models.ForeignKey(
        "notices.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="公示",
    )  # fmt: skip
    generated_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "基金信息披露"
        verbose_name_plural = "基金信息披露"
        ordering = ["fund", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "period_start", "period_end"], name="grant_disclosure_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.period_start}—{self.period_end}"
