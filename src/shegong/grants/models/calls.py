"""公益创投: a call (申报通知) with its budget, categories and weighted criteria; applications by
social organizations through their portal; reviews by assigned committee members (a conflict
declared before scoring blocks that application); the funded project (立项) with its 公示,
agreement, tranches against milestones, supervision visits and 结项.

Money is ``Decimal`` yuan with two places. Every row is scoped by ``region``: the call's region is
the district or street that runs it; an application's and a project's region is the applying
organization's, so a street sees its own organizations' applications to a district call.
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
    ApplicationStatus,
    CallStatus,
    ProjectStatus,
    TrancheStatus,
    VisitKind,
    VisitRating,
)

USER = settings.AUTH_USER_MODEL
ZERO = Decimal("0")


def money(label: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class Call(models.Model):
    """A call for applications (公益创投申报). ``categories`` are the call's project fields
    (为老服务, 青少年…); ``drop_extremes`` drops each application's highest and lowest total
    before averaging (when at least 3 reviewers scored it)."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="主办区域"
    )
    title = models.CharField("名称", max_length=80)
    year = models.PositiveIntegerField("年度")
    description = models.TextField("申报说明", max_length=10000, blank=True)
    budget = money("资助总额（元）", validators=[MinValueValidator(ZERO)])
    max_per_project = money("单个项目资助上限（元）", validators=[MinValueValidator(ZERO)])
    categories = models.JSONField("项目类别", default=list, blank=True)
    needs = models.TextField("需求征集结果", max_length=5000, blank=True)
    opens_on = models.DateField("申报开始")
    closes_on = models.DateField("申报截止")
    review_by = models.DateField("评审完成", null=True, blank=True)
    require_inspection = models.BooleanField("须上年度年检合格", default=True)
    drop_extremes = models.BooleanField("去掉最高分和最低分", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="创建人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "公益创投申报"
        verbose_name_plural = "公益创投申报"
        ordering = ["-year", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="grant_call_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A scoring criterion of a call, with its weight (the weights of a call sum to 100) and the
    top score a reviewer may give."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("评审指标", max_length=40)
    description = models.CharField("评分说明", max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField("权重（%）")
    max_score = models.PositiveSmallIntegerField("满分", default=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评审指标"
        verbose_name_plural = "评审指标"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A project application (项目申报书) of a social organization to a call. ``eligibility``
    keeps the automatic check's findings ([{"rule", "ok", "detail"}]) and the manual reviewer's
    note; ``score`` and ``rank`` are written when the committee ranks the call."""

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name="申报"
    )
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="+",
        verbose_name="申报组织",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域"
    )
    title = models.CharField("项目名称", max_length=80)
    category = models.CharField("项目类别", max_length=30)
    summary = models.TextField("项目概述", max_length=5000)
    beneficiaries = models.CharField("服务对象", max_length=200)
    beneficiary_count = models.PositiveIntegerField("预计受益人次", default=0)
    # [{"name": "开展活动", "target": 24, "unit": "场"}]
    indicators = models.JSONField("绩效指标", default=list, blank=True)
    amount = money("申请金额（元）", validators=[MinValueValidator(ZERO)])
    self_funded = money("自筹金额（元）", validators=[MinValueValidator(ZERO)])
    starts_on = models.DateField("计划开始", null=True, blank=True)
    ends_on = models.DateField("计划结束", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    attachments = models.JSONField("附件", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    eligibility = models.JSONField("资格审查结果", default=list, blank=True)
    eligibility_note = models.CharField("资格审查意见", max_length=500, blank=True)
    checked_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="资格审查人",
    )  # fmt: skip
    checked_at = models.DateTimeField("资格审查时间", null=True, blank=True)
    score = models.DecimalField("评审得分", max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="填报人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "项目申报"
        verbose_name_plural = "项目申报"
        ordering = ["call", "rank", "-submitted_at", "-pk"]
        indexes = [models.Index(fields=["call", "status"], name="grant_app_call_status")]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """A line of an application's budget (预算明细)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    item = models.CharField("支出科目", max_length=60)
    amount = money("金额（元）", validators=[MinValueValidator(ZERO)])
    note = models.CharField("测算依据", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "预算明细"
        verbose_name_plural = "预算明细"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"


class Review(models.Model):
    """A reviewer assigned to an application. The reviewer declares first (``conflict`` None:
    not declared yet); a declared conflict blocks scoring this application; ``submitted_at``
    set when the scores are handed in (then they are final). ``total`` is the weighted total."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name="申报项目"
    )
    reviewer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="评审专家"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域"
    )
    conflict = models.BooleanField("存在利益冲突", null=True, blank=True)
    conflict_note = models.CharField("利益冲突说明", max_length=300, blank=True)
    declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    total = models.DecimalField("加权总分", max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", max_length=2000, blank=True)
    submitted_at = models.DateTimeField("提交评分时间", null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="分配人",
    )  # fmt: skip
    assigned_at = models.DateTimeField("分配时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="grant_review_once_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"评审 {self.application_id} · {self.reviewer_id}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="grant_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="grant_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Project(models.Model):
    """A funded project (立项): the award of an application, its 公示 (``notices``), the
    agreement, the tranches, the visits and the 结项. ``paid`` and ``returned`` are kept by the
    tranche and completion actions; ``beneficiaries_reached`` is reported at 结项."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="project", verbose_name="申报项目"
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="projects")
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="+",
        verbose_name="承接组织",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域"
    )
    title = models.CharField("项目名称", max_length=80)
    amount = money("资助金额（元）", validators=[MinValueValidator(ZERO)])
    status = models.CharField(
        "状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PUBLICIZING
    )
    decided_at = models.DateTimeField("立项时间", default=timezone.now)
    agreement_no = models.CharField("协议编号", max_length=40, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    agreement = models.JSONField("协议文本", default=list, blank=True)
    paid = money("已拨付（元）")
    returned = money("结余退回（元）")
    indicators_achieved = models.JSONField("指标完成情况", default=list, blank=True)
    beneficiaries_reached = models.PositiveIntegerField("实际受益人次", default=0)
    completion_note = models.TextField("结项意见", max_length=3000, blank=True)
    completed_on = models.DateField("结项日期", null=True, blank=True)
    terminated_reason = models.CharField("终止原因", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "立项项目"
        verbose_name_plural = "立项项目"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid__lte=F("amount")), name="grant_project_paid_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(returned__lte=F("paid")), name="grant_project_returned_within_paid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Tranche(models.Model):
    """A disbursement tranche (分期拨付) against a milestone: requested by the organization with
    evidence, approved by staff, then paid."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域"
    )
    seq = models.PositiveSmallIntegerField("期次")
    milestone = models.CharField("拨付节点", max_length=200)
    amount = money("金额（元）", validators=[MinValueValidator(ZERO)])
    due_on = models.DateField("计划时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    report = models.TextField("进展报告", max_length=5000, blank=True)
    evidence = models.JSONField("佐证材料", default=list, blank=True)
    requested_at = models.DateTimeField("申请时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=500, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="审核人",
    )  # fmt: skip
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_no = models.CharField("拨付凭证号", max_length=40, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "拨付期次"
        verbose_name_plural = "拨付期次"
        ordering = ["project", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["project", "seq"], name="grant_tranche_seq"),
        ]

    def __str__(self) -> str:
        return f"第{self.seq}期 {self.amount}"


class Visit(models.Model):
    """A supervision visit (督导), mid-term evaluation (中期评估) or final evaluation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="visits")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区域"
    )
    kind = models.CharField("类型", max_length=12, choices=VisitKind.choices)
    visited_on = models.DateField("日期")
    visitor = models.CharField("督导人员", max_length=60)
    findings = models.TextField("发现与建议", max_length=3000)
    rating = models.CharField("评价", max_length=12, choices=VisitRating.choices, blank=True)
    attachments = models.JSONField("附件", default=list, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="记录人",
    )  # fmt: skip
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导评估"
        verbose_name_plural = "督导评估"
        ordering = ["project", "-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on}"
