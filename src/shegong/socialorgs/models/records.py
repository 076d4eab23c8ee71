"""A social organization's registration record: a profile of a ledger Organization.

The organization's name, credit code, address, legal representative and region live on the
ledger ``Organization`` (one row, never a copy); this profile adds what the registrar keeps.
The history of every change is the audit trail of the profile (one source of truth).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from ..choices import DEFAULT_TERM_YEARS, Grade, SocialOrgStatus, SocialOrgType


def add_years(start: date, years: int) -> date:
    """``start`` plus whole years (29 February → 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


class SocialOrg(models.Model):
    organization = models.OneToOneField(
        "ledger.Organization",
        on_delete=models.PROTECT,
        related_name="social_org",
        verbose_name="组织",
    )
    org_type = models.CharField(
        "社会组织类型", max_length=20, choices=SocialOrgType.choices, db_index=True
    )
    registration_number = models.CharField("登记证号", max_length=50, unique=True)
    registration_authority = models.CharField("登记管理机关", max_length=100)
    registered_on = models.DateField("登记日期", db_index=True)
    supervisor = models.CharField("业务主管单位", max_length=100, blank=True)
    business_scope = models.TextField("业务范围", blank=True)
    activity_area = models.CharField("活动地域", max_length=100, blank=True)
    term_start = models.DateField("本届理事会起始日期", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField("每届任期（年）", default=DEFAULT_TERM_YEARS)
    term_end = models.DateField("本届任期届满日期", null=True, blank=True, db_index=True)
    charity = models.BooleanField("认定为慈善组织", default=False)
    charity_on = models.DateField("慈善组织认定日期", null=True, blank=True)
    public_fundraising = models.BooleanField("具有公开募捐资格", default=False)
    public_fundraising_on = models.DateField("取得公开募捐资格日期", null=True, blank=True)
    grade = models.CharField("评估等级", max_length=2, choices=Grade.choices, blank=True)
    grade_valid_until = models.DateField("评估等级有效期至", null=True, blank=True)
    status = models.CharField(
        "登记状态",
        max_length=20,
        choices=SocialOrgStatus.choices,
        default=SocialOrgStatus.NORMAL,
        db_index=True,
    )
    # The day the organization last entered 撤销/吊销/注销 (set by ``change_status``): the
    # statistics count closures by its year.
    closed_on = models.DateField("撤销/吊销/注销日期", null=True, blank=True, db_index=True)
    # Whether the latest charter version writes in party building (党建入章); False also while
    # no charter is on file. Kept by ``actions.records.create_charter``, the one writer of
    # charters, so the 党建入章 lists read an indexed column instead of a subquery per row.
    charter_party_building = models.BooleanField(
        "最新章程党建入章", default=False, editable=False, db_index=True
    )
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = "organization__region"

    class Meta:
        verbose_name = "社会组织"
        verbose_name_plural = "社会组织"
        ordering = ["organization__name"]
        indexes = [
            # Covers the 党建入章 lists' pass over every organization in scope (reached from
            # the ledger organization's region): count and sort without reading the rows.
            models.Index(
                fields=["organization", "status", "charter_party_building", "registered_on"],
                name="social_org_party_lists",
            ),
        ]

    def __str__(self) -> str:
        return self.organization.name


class CharterVersion(models.Model):
    """One approved version of the charter (章程), with whether it writes in party building."""

    social_org = models.ForeignKey(
        SocialOrg, on_delete=models.CASCADE, related_name="charters", verbose_name="社会组织"
    )
    version_date = models.DateField("章程核准日期")
    party_building = models.BooleanField("党建入章", default=False)
    party_building_on = models.DateField("党建入章日期", null=True, blank=True)
    file = models.FileField("章程文件", upload_to="socialorgs/charters/", blank=True)
    file_name = models.CharField("章程文件名", max_length=200, blank=True)
    file_type = models.CharField("章程文件类型", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "章程版本"
        verbose_name_plural = "章程版本"
        ordering = ["-version_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.social_org} 章程 {self.version_date:%Y-%m-%d}"
