"""Registration events (issue 14 §2): an organization's application (变更登记, 章程核准, 延续登记,
注销登记) with its attachments and clock, and the registrar's administrative penalties.

An ``Application`` moves draft → submitted → approved | returned (with reasons; edited and
submitted again) | withdrawn. ``due_on`` is its statutory deadline (变更登记: 30 days after the
business supervisor's approval; 注销登记: 15 days after the liquidation ends), kept as a column
so the queue filters overdue applications in SQL. Approving applies the change to the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from ..statutes import ApplicationKind, ApplicationState, Material, PenaltyKind
from .common import AttachmentBase


class Application(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="社会组织",
    )
    kind = models.CharField("申请事项", max_length=20, choices=ApplicationKind.choices)
    state = models.CharField(
        "办理状态",
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # The items of a 变更登记 (``ChangeItem`` values) and the values asked for, by item.
    items = models.JSONField("变更事项", default=list, blank=True)
    requested = models.JSONField("申请变更的内容", default=dict, blank=True)
    reason = models.TextField("申请事由", blank=True)
    supervisor_approved_on = models.DateField(
        "业务主管单位同意（或内部决议）日期", null=True, blank=True
    )
    dissolved_on = models.DateField("解散（终止）决议日期", null=True, blank=True)
    liquidation_ended_on = models.DateField("清算结束日期", null=True, blank=True)
    party_building = models.BooleanField("章程写入党建内容", default=False)
    due_on = models.DateField("法定申请期限", null=True, blank=True, db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    on_behalf = models.BooleanField("登记管理机关代为填报", default=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    late = models.BooleanField("逾期申请", default=False)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_on = models.DateField("核准日期", null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    return_reasons = models.TextField("退回理由", blank=True)
    times_returned = models.PositiveSmallIntegerField("退回次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "登记事项申请"
        verbose_name_plural = "登记事项申请"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["kind", "state", "decided_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.social_org} {ApplicationKind(self.kind).label}"


class ApplicationAttachment(AttachmentBase):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="申请",
    )
    material = models.CharField("材料类别", max_length=30, choices=Material.choices)

    @property
    def display_name(self) -> str:
        """The file's name without its extension, then its kind (PDF, 图片, 办公文档)."""
        stem = self.name.rsplit(".", 1)[0] if "." in self.name else self.name
        if self.content_type == "application/pdf":
            kind = "PDF"
        elif self.content_type.startswith("image/"):
            kind = "图片"
        else:
            kind = "办公文档"
        return f"{stem}（{kind}）"

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["material", "pk"]


class Penalty(models.Model):
    """An administrative penalty (警告, 罚款, 限期停止活动, 撤销登记) on its statutory ground."""

    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="penalties",
        verbose_name="社会组织",
    )
    kind = models.CharField("处罚种类", max_length=20, choices=PenaltyKind.choices)
    ground = models.CharField("处罚事由", max_length=40)
    article = models.CharField("法律依据", max_length=300)
    facts = models.TextField("违法事实", blank=True)
    decision_number = models.CharField("处罚决定书文号", max_length=100)
    amount = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2, null=True)
    suspended_until = models.DateField("停止活动期限至", null=True, blank=True)
    decided_on = models.DateField("处罚决定日期", db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "social_org__organization__region"

    class Meta:
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["kind", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.social_org} {PenaltyKind(self.kind).label}"
