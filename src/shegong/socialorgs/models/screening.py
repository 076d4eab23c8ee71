"""Illegal social organizations (非法社会组织) screening (issue 14 §7).

A ``Lead`` (线索) comes from a 随手拍 case (``reports.Report``), the public or another department;
the registrar screens in ``ScreeningRound``s (排查轮次): ``ScreeningVisit``s (走访, on a lead or
at a place), ``Interview``s (约谈 of the people behind it, with optional attachments), then a
handling opinion (处置意见) and an outcome (取缔, 移交 to a named department, 不予立案) with the
losses recovered for the public (挽回群众损失, yuan).

Party building (党建入章, instructors, 应建未建) keeps no rows here: it reads the charter
versions (§1) and the ledger's instructor assignments and visits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from .common import AttachmentBase


class LeadSource(models.TextChoices):
    REPORT = "report", "随手拍"
    PUBLIC = "public", "群众举报"
    DEPARTMENT = "department", "部门移交"


class LeadOutcome(models.TextChoices):
    BANNED = "banned", "依法取缔"
    REFERRED = "referred", "移交有关部门"
    NO_CASE = "no_case", "不予立案"


class LeadState(models.TextChoices):
    """Where a lead stands (derived, never stored): the screening worklists' filter."""

    UNVISITED = "unvisited", "待走访"
    PENDING = "pending", "待处置"
    CLOSED = "closed", "已办结"


class ScreeningRound(models.Model):
    name = models.CharField("轮次名称", max_length=100)
    starts_on = models.DateField("开始日期", db_index=True)
    ends_on = models.DateField("结束日期")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="排查区划"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="创建人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "排查轮次"
        verbose_name_plural = "排查轮次"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class Lead(models.Model):
    """A lead on a suspected illegal social organization, and its handling."""

    source = models.CharField("线索来源", max_length=20, choices=LeadSource.choices)
    source_detail = models.CharField("来源说明", max_length=200, blank=True)
    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="随手拍工单",
    )  # fmt: skip
    org_name = models.CharField("疑似组织名称", max_length=200)
    place = models.CharField("活动地点", max_length=300)
    description = models.TextField("线索内容")
    received_on = models.DateField("收到日期", db_index=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    opinion = models.TextField("处置意见", blank=True)
    opinion_on = models.DateField("意见日期", null=True, blank=True)
    outcome = models.CharField(
        "处置结果", max_length=20, choices=LeadOutcome.choices, blank=True, db_index=True
    )
    outcome_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    referred_to = models.CharField("移交部门", max_length=100, blank=True)
    losses_recovered = models.DecimalField(
        "挽回群众损失（元）", max_digits=14, decimal_places=2, default=0
    )
    outcome_note = models.TextField("处置说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "非法社会组织线索"
        verbose_name_plural = "非法社会组织线索"
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.org_name


class ScreeningVisit(models.Model):
    """One screening visit (走访) in a round: on a lead, or at a place found while patrolling."""

    round = models.ForeignKey(
        ScreeningRound, on_delete=models.PROTECT, related_name="visits", verbose_name="排查轮次"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
        verbose_name="线索",
    )  # fmt: skip
    visited_on = models.DateField("走访日期", db_index=True)
    place = models.CharField("走访地点", max_length=300)
    findings = models.TextField("走访发现")
    visitors = models.CharField("走访人员", max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="记录人",
    )  # fmt: skip
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "排查走访"
        verbose_name_plural = "排查走访"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"


class Interview(models.Model):
    """One interview (约谈) with the people behind a lead; ``people`` is a list of names."""

    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, related_name="interviews", verbose_name="线索"
    )
    interviewed_on = models.DateField("约谈日期", db_index=True)
    people = models.JSONField("约谈对象", default=list)
    record = models.TextField("约谈记录")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="记录人",
    )  # fmt: skip
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        ordering = ["-interviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.interviewed_on} {self.lead}"


class InterviewAttachment(AttachmentBase):
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="attachments", verbose_name="约谈"
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "interview__region"

    class Meta:
        verbose_name = "约谈附件"
        verbose_name_plural = "约谈附件"
        ordering = ["pk"]
