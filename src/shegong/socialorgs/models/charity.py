"""Charities and fundraising (issue 14 §6; 慈善法 2023 and 慈善组织公开募捐管理办法).

- ``FundraisingApplication``: a charity's application for the public-fundraising
  qualification (公开募捐资格, 慈善法 art. 22): its eligibility checklist as found when filed,
  its 20-day clock (calendar days, ``due_on``) and the decision (granted / refused with reasons).
- ``FundraisingPlan``: a 募捐方案 filed before the campaign (art. 24), with its supervision log
  (``SupervisionEntry``) and its disclosures (``Disclosure``, art. 79: at least every 3 months
  for a campaign over 6 months, in full within 3 months after the end). ``disclosure_due_on`` is
  the next disclosure owed (None once the final one is recorded): stored, so "overdue" is a query.
- ``CharityFinancials``: one charity's figures for one year (income, spending, management cost,
  audited with its report), with the art. 61 ratios checked when saved (``flagged``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from .common import AttachmentBase


class LabelledDocument:
    """A document's name as shown on a page: the stem, and the kind in capitals
    (内部治理制度.pdf → 内部治理制度（PDF）)."""

    name: str

    @property
    def label(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}（{ext.upper()}）" if dot and stem else self.name


class ApplicationState(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "准予"
    REFUSED = "refused", "不予"


class FundraisingApplication(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="fundraising_applications",
        verbose_name="社会组织",
    )
    filed_on = models.DateField("申请日期", db_index=True)
    due_on = models.DateField("办理期限")
    via_portal = models.BooleanField("组织在线申请", default=False)
    note = models.TextField("申请说明", blank=True)
    checklist = models.JSONField("资格条件核对", default=list)
    state = models.CharField(
        "办理状态",
        max_length=10,
        choices=ApplicationState.choices,
        default=ApplicationState.PENDING,
        db_index=True,
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    reasons = models.TextField("决定理由", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "公开募捐资格申请"
        verbose_name_plural = "公开募捐资格申请"
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.social_org} 公开募捐资格申请 {self.filed_on:%Y-%m-%d}"


class ApplicationDocumentKind(models.TextChoices):
    GOVERNANCE = "governance", "内部治理制度"
    OTHER = "other", "其他材料"


class ApplicationDocument(LabelledDocument, AttachmentBase):
    application = models.ForeignKey(
        FundraisingApplication,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name="申请",
    )
    kind = models.CharField(
        "材料类型", max_length=20, choices=ApplicationDocumentKind.choices, default="other"
    )

    class Meta:
        verbose_name = "公开募捐资格申请材料"
        verbose_name_plural = "公开募捐资格申请材料"
        ordering = ["pk"]


class FundraisingPlan(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="fundraising_plans",
        verbose_name="社会组织",
    )
    title = models.CharField("募捐活动名称", max_length=200)
    purpose = models.TextField("募捐目的")
    starts_on = models.DateField("募捐开始日期")
    ends_on = models.DateField("募捐结束日期", db_index=True)
    channels = models.TextField("募捐方式与渠道（平台、网站）")
    target_amount = models.DecimalField("募捐目标金额（元）", max_digits=14, decimal_places=2)
    filed_on = models.DateField("备案日期")
    late = models.BooleanField("逾期备案", default=False)
    disclosure_due_on = models.DateField("下次信息公开期限", null=True, blank=True, db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="备案人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "募捐方案"
        verbose_name_plural = "募捐方案"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class SupervisionEntry(models.Model):
    plan = models.ForeignKey(
        FundraisingPlan, on_delete=models.CASCADE, related_name="supervision", verbose_name="方案"
    )
    checked_on = models.DateField("检查日期")
    checked = models.TextField("检查内容")
    findings = models.TextField("发现的问题及处理", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "募捐监督记录"
        verbose_name_plural = "募捐监督记录"
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} 监督检查 {self.checked_on:%Y-%m-%d}"


class Disclosure(models.Model):
    plan = models.ForeignKey(
        FundraisingPlan, on_delete=models.CASCADE, related_name="disclosures", verbose_name="方案"
    )
    disclosed_on = models.DateField("公开日期")
    content = models.TextField("公开内容")
    final = models.BooleanField("募捐结束后的全面公开", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "募捐信息公开"
        verbose_name_plural = "募捐信息公开"
        ordering = ["-disclosed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} 信息公开 {self.disclosed_on:%Y-%m-%d}"


class DisclosureDocument(LabelledDocument, AttachmentBase):
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="documents", verbose_name="信息公开"
    )

    class Meta:
        verbose_name = "信息公开附件"
        verbose_name_plural = "信息公开附件"
        ordering = ["pk"]


class FinancialsSource(models.TextChoices):
    MANUAL = "manual", "登记管理机关或组织录入"
    REPORT = "report", "取自年检年报"


class CharityFinancialsQuerySet(ScopedQuerySet):
    def audits_on_file(self, year: int) -> CharityFinancialsQuerySet:
        """THE definition of "charities with an audit on file" for ``year`` (docs/metrics.md),
        used by every indicator and list that shows it: the charity's figures for the year are
        marked audited — an audit report attached to its filed annual report (年检年报材料
        审计报告), or uploaded with figures entered by hand."""
        return self.filter(year=year, audited=True)


class CharityFinancials(models.Model):
    """A charity's figures for ``year`` (元). ``previous_income`` is the previous year's total
    income the 70% rule compares with (taken from last year's record or filed annual report when
    not entered).

    ``source`` says where the figures come from: a filed annual report (``report``; they follow
    the report at each submission and at its conclusion, and win over entry by hand) or entry
    by hand (``manual``, for an organization without an online report)."""

    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="charity_financials",
        verbose_name="社会组织",
    )
    year = models.PositiveSmallIntegerField("年度")
    income = models.DecimalField("本年总收入", max_digits=14, decimal_places=2)
    previous_income = models.DecimalField(
        "上年总收入", max_digits=14, decimal_places=2, null=True, blank=True
    )
    total_spending = models.DecimalField("本年总支出", max_digits=14, decimal_places=2)
    charitable_spending = models.DecimalField("慈善活动支出", max_digits=14, decimal_places=2)
    management_cost = models.DecimalField("管理费用", max_digits=14, decimal_places=2)
    audited = models.BooleanField("已完成年度审计", default=False, db_index=True)
    spending_ratio = models.DecimalField(
        "慈善活动支出比例（%）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    management_ratio = models.DecimalField(
        "管理费用比例（%）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    ratios_apply = models.BooleanField("适用支出比例规定", default=False)
    flagged = models.BooleanField("支出比例不达标", default=False, db_index=True)
    flags = models.JSONField("不达标项", default=list)
    source = models.CharField(
        "数据来源", max_length=10, choices=FinancialsSource.choices, default=FinancialsSource.MANUAL
    )
    report = models.OneToOneField(
        "socialorgs.AnnualReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="charity_financials",
        verbose_name="年检年报",
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = CharityFinancialsQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "慈善组织年度财务"
        verbose_name_plural = "慈善组织年度财务"
        ordering = ["-year", "social_org__organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["social_org", "year"], name="charity_financials_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.social_org} {self.year}年度财务"


class AuditReport(LabelledDocument, AttachmentBase):
    financials = models.ForeignKey(
        CharityFinancials,
        on_delete=models.CASCADE,
        related_name="audit_reports",
        verbose_name="年度财务",
    )

    class Meta:
        verbose_name = "审计报告"
        verbose_name_plural = "审计报告"
        ordering = ["-pk"]
