"""What every part of the registrar's work shares.

- ``OrgAccount`` ties an ``org_account`` user to the one organization it speaks for (the
  organization portal shows that organization only).
- ``Announcement`` is a 公告: produced for founding, 注销 and changes of name, address or legal
  representative (§2), and the 60-day notice before a dormant organization is struck off (§5);
  public from ``published_on``.
- ``AttachmentBase`` is the shape of every uploaded file (checked by ``core.documents``).
- ``AnnualReport`` is one organization's 年检/年报 for one year; its ``conclusion`` is what the
  credit-list and dormant scans read. The inspection part (§3) adds the filing's content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet


class OrgAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="org_account",
        verbose_name="组织账号",
    )
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.CASCADE,
        related_name="accounts",
        verbose_name="社会组织",
    )
    created_at = models.DateTimeField("绑定时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "组织账号"
        verbose_name_plural = "组织账号"

    def __str__(self) -> str:
        return f"{self.social_org} · {self.user}"


class AnnouncementKind(models.TextChoices):
    FOUNDED = "founded", "成立登记公告"
    DEREGISTERED = "deregistered", "注销登记公告"
    NAME_CHANGED = "name_changed", "名称变更公告"
    ADDRESS_CHANGED = "address_changed", "住所变更公告"
    LEGAL_REP_CHANGED = "legal_rep_changed", "法定代表人变更公告"
    PENALTY = "penalty", "行政处罚公告"
    STRIKE_OFF_NOTICE = "strike_off_notice", "拟撤销登记公告"
    INSPECTION_RESULTS = "inspection_results", "年检结果公告"
    OTHER = "other", "其他公告"


class Announcement(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="announcements",
        verbose_name="社会组织",
        null=True,
        blank=True,
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属区划",
    )
    kind = models.CharField("公告类型", max_length=30, choices=AnnouncementKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_on = models.DateField("发布日期", db_index=True)
    ends_on = models.DateField("公告期满日期", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: models.Model, filename: str) -> str:
    """Never the sender's name on disk: documents/<yyyy>/<mm>/<uuid>.<ext>."""
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.now()
    return f"documents/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{ext}"


class AttachmentBase(models.Model):
    """An uploaded file (checked by ``core.documents.check_documents`` before it is saved).
    ``name`` is the sender's file name for display; the stored name is random."""

    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    SUPERVISOR_PASSED = "supervisor_passed", "业务主管单位初审通过"
    RETURNED = "returned", "退回修改"
    VERIFIED = "verified", "已核验"
    CONCLUDED = "concluded", "已作结论"


# The states in which a report waits for the authorities (the inspection worklists' rows).
AWAITING = (ReportState.SUBMITTED, ReportState.SUPERVISOR_PASSED, ReportState.VERIFIED)


class InspectionConclusion(models.TextChoices):
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"
    ABSENT = "absent", "未参检"


# 未参检 or 不合格: what counts against an organization (the 警告/撤销 worklists).
BAD = (InspectionConclusion.ABSENT, InspectionConclusion.FAIL)
# The conclusions that count as "inspected" (年检率's numerator: completed).
COMPLETED = frozenset(
    {InspectionConclusion.PASS, InspectionConclusion.BASIC, InspectionConclusion.FAIL}
)


class AnnualReport(models.Model):
    """One organization's annual inspection (年检) or annual report (年报) for ``year``."""

    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name="社会组织",
    )
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField(
        "办理状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    conclusion = models.CharField(
        "年检结论", max_length=10, choices=InspectionConclusion.choices, blank=True
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    late = models.BooleanField("逾期提交", default=False)
    concluded_at = models.DateTimeField("结论时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    # --- the inspection part (§3): the plan, the 报告书 form, the reviews ---------------------
    plan = models.ForeignKey(
        "socialorgs.InspectionPlan",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="年检年度",
        null=True,
        blank=True,
    )
    needs_rectification = models.BooleanField("须提交整改报告", default=False)
    activities = models.TextField("年度业务活动情况", blank=True)
    income = models.DecimalField("本年收入（元）", max_digits=14, decimal_places=2, null=True)
    expenditure = models.DecimalField("本年支出（元）", max_digits=14, decimal_places=2, null=True)
    charitable_spending = models.DecimalField(
        "公益慈善活动支出（元）", max_digits=14, decimal_places=2, null=True
    )
    management_cost = models.DecimalField(
        "管理费用（元）", max_digits=14, decimal_places=2, null=True
    )
    net_assets = models.DecimalField("年末净资产（元）", max_digits=14, decimal_places=2, null=True)
    staff_count = models.PositiveIntegerField("专职工作人员（人）", null=True)
    party_org = models.CharField("党组织建设情况", max_length=20, blank=True)
    supervisor_result = models.CharField("初审结果", max_length=10, blank=True)
    supervisor_note = models.TextField("初审意见", blank=True)
    supervisor_at = models.DateTimeField("初审时间", null=True, blank=True)
    supervisor_by = models.CharField("初审人", max_length=100, blank=True)
    supervisor_on_paper = models.BooleanField("纸质初审代录", default=False)
    verified_on = models.DateField("线下核验日期", null=True, blank=True)
    verified_by = models.CharField("核验人", max_length=100, blank=True)
    findings = models.TextField("核验情况", blank=True)
    grounds = models.JSONField("结论依据", default=list, blank=True)
    conclusion_note = models.TextField("结论说明", blank=True)
    corrections = models.TextField("退回修改意见", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "年检年报"
        verbose_name_plural = "年检年报"
        ordering = ["-year", "social_org__organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["social_org", "year"], name="annual_report_once_a_year")
        ]
        indexes = [
            models.Index(fields=["year", "conclusion"]),
            models.Index(fields=["state", "submitted_at"]),
            # The few reports awaiting the authorities among the many concluded ones, and the
            # few 未参检/不合格 among the many passed (the worklists repeat the conditions:
            # ``inspections._literal_in``).
            models.Index(
                fields=["state", "submitted_at"],
                condition=models.Q(state__in=AWAITING),
                name="annual_report_awaiting",
            ),
            models.Index(
                fields=["year"], condition=models.Q(conclusion__in=BAD), name="annual_report_bad"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.social_org} {self.year}年度"
