"""The rollups the dashboard reads instead of the domains' raw records (docs/indicators.md).

A ``Rollup`` row is one cell: an indicator's value for one region (a community, or a street's or
district's own records) on one day (``grain`` "d") or in one month (``grain`` "m", ``day`` is the
month's first day; the sum of the month's day rows). Flows store the day's amount, stocks the
day's change. Rows are only ever replaced whole — a day of an indicator is deleted and written
again from the raw records in one transaction — so re-running a day gives the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shegong.core.scope import ScopedQuerySet


class Rollup(models.Model):
    DAY = "d"
    MONTH = "m"

    indicator = models.CharField("指标", max_length=64)
    grain = models.CharField("粒度", max_length=1, choices=[(DAY, "日"), (MONTH, "月")])
    day = models.DateField("日期")
    region = models.CharField("区划代码", max_length=15)
    dim = models.CharField("分组", max_length=40, blank=True, default="")
    value = models.FloatField("数值")

    class Meta:
        verbose_name = verbose_name_plural = "指标汇总"
        constraints = [
            # Also the index every read uses: indicator and grain equal, a range of days.
            models.UniqueConstraint(
                fields=["indicator", "grain", "day", "region", "dim"], name="dashboard_rollup_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region} {self.day}: {self.value}"


class RollupState(models.Model):
    """How far the incremental rollup has read the audit trail (the domains' change log)."""

    name = models.CharField(max_length=40, primary_key=True)
    event_id = models.BigIntegerField("已汇总至审计编号", default=0)
    rolled_at = models.DateTimeField("汇总时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "汇总进度"

    def __str__(self) -> str:
        return f"{self.name} @ {self.event_id}"


class BriefKind(models.TextChoices):
    """The work brief's kinds, each with its default .docx template (``brief_templates/``)."""

    MONTHLY = "月报", "月报"
    QUARTERLY = "季度总结", "季度总结"
    YEARLY = "年度总结", "年度总结"
    SPECIAL = "专项简报", "专项简报"


class BriefTemplate(models.Model):
    """A staff-uploaded .docx template (docxtpl) for one kind of brief, kept for the uploader's
    region: the active one nearest a brief's region (the region itself, then its ancestors)
    replaces the default. Removing one only deactivates it, so the audit trail still names a
    file that exists."""

    kind = models.CharField("简报类型", max_length=10, choices=BriefKind.choices)
    file = models.FileField("模板文件", upload_to="dashboard/brief_templates/", max_length=200)
    name = models.CharField("原文件名", max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="适用区划"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作简报模板"
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.kind}模板 {self.name or self.file.name}"
