"""The annual inspection (年检) and annual report (年报), issue 14 §3.

- ``InspectionPlan``: one registration authority's year: who must file (registered at least six
  months by the cut-off, 12-31 by default or 06-30), the window (the supervisor's 初审 by 3-31
  where an organization has one, the registrar's by 5-31), the materials required and the
  checklist of grounds a 基本合格/不合格 conclusion names. Opening the year creates the required
  set: one ``AnnualReport`` per organization that must file ("not started"); the set is fixed
  then (a later-qualifying organization is added only by an explicit action).
- ``ReportAttachment``: the materials filed with a report (报告书 scan, financial report, audit
  report, certificate copy, 整改报告).

The filing's own content (the 报告书 form), the 初审, the 线下核验 and the conclusion's grounds
are fields of ``AnnualReport`` (models/common.py).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from .common import AttachmentBase


class Cutoff(models.TextChoices):
    """The date by which an organization must have been registered six months to file."""

    YEAR_END = "12-31", "当年12月31日前登记满6个月"
    MID_YEAR = "06-30", "当年6月30日前登记（满6个月）"


class Ground(models.TextChoices):
    """The checklist of grounds for a 基本合格/不合格 conclusion (configurable per plan)."""

    UNFILED_CHANGES = "unfiled_changes", "变更事项未按规定办理登记或备案"
    OVERDUE_ELECTION = "overdue_election", "未按期换届"
    OFFICERS = "officers", "负责人超龄或超届任职"
    CHARTER = "charter", "章程修改未经核准"
    OUTSIDE_SCOPE = "outside_scope", "超出章程规定的宗旨和业务范围开展活动"
    NO_ACTIVITY = "no_activity", "未正常开展活动"
    PARTY_BUILDING = "party_building", "党建工作未落实"
    OFFICIALS = "officials", "党政机关领导干部违规兼职"
    FINANCE = "finance", "财务管理不规范"


class MaterialKind(models.TextChoices):
    FORM = "form", "年度工作报告书（签章扫描件）"
    FINANCIAL = "financial", "年度财务会计报告"
    AUDIT = "audit", "年度审计报告"
    CERTIFICATE = "certificate", "登记证书副本"
    RECTIFICATION = "rectification", "整改报告"
    OTHER = "other", "其他材料"


class PartyOrg(models.TextChoices):
    OWN = "own", "单独建立党组织"
    JOINT = "joint", "联合建立党组织"
    INSTRUCTOR = "instructor", "选派党建工作指导员"
    NONE = "none", "未建立党组织"


def _default_grounds() -> list[str]:
    return list(Ground.values)


class InspectionPlan(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记管理机关所在区划",
    )
    authority = models.CharField("登记管理机关", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    cutoff = models.CharField(
        "参检范围", max_length=5, choices=Cutoff.choices, default=Cutoff.YEAR_END
    )
    supervisor_due = models.DateField("业务主管单位初审截止日期")
    registrar_due = models.DateField("登记管理机关年检截止日期")
    require_certificate = models.BooleanField("须提交登记证书副本", default=True)
    grounds = models.JSONField("结论依据清单", default=_default_grounds)
    opened_at = models.DateTimeField("开启时间", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="开启人",
    )
    closed_at = models.DateTimeField("截止处理时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "region"

    class Meta:
        verbose_name = "年检年度"
        verbose_name_plural = "年检年度"
        ordering = ["-year", "authority"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year"], name="inspection_plan_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}年度年检"

    @property
    def registered_by(self) -> date:
        """Organizations registered on or before this date must file (registered at least six
        months by the cut-off: 06-30 for a 12-31 cut-off, the previous 12-31 for 06-30)."""
        if self.cutoff == Cutoff.YEAR_END:
            return date(self.year, 6, 30)
        return date(self.year - 1, 12, 31)

    def ground_labels(self) -> list[tuple[str, str]]:
        labels = dict(Ground.choices)
        return [(key, labels.get(key, key)) for key in self.grounds]


class ReportAttachment(AttachmentBase):
    report = models.ForeignKey(
        "socialorgs.AnnualReport",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="年检年报",
    )
    kind = models.CharField("材料类型", max_length=20, choices=MaterialKind.choices)

    class Meta:
        verbose_name = "年检材料"
        verbose_name_plural = "年检材料"
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["kind", "report"])]
