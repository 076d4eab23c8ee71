"""The living ledger (台账): organizations, people, employment, party organizations, coverage,
instructors and their visits, and 回头看 review campaigns.

Every row that belongs somewhere carries ``region`` (the grid or community code), so the one
scope helper filters it with an indexed range and no join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.pii import IdentityFields, mask_name, mask_phone
from shegong.core.scope import ScopedQuerySet

from .choices import (
    PARTY_STATUSES,
    CampaignStatus,
    CoverageMode,
    Industry,
    Occupation,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PartyRole,
    PoliticalStatus,
    ReviewOutcome,
)


class Organization(models.Model):
    """An enterprise, social organization, platform company, shop, or a place holding tenants."""

    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices, db_index=True)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, null=True, blank=True
    )
    name = models.CharField("名称", max_length=200, db_index=True)
    former_names = models.JSONField("曾用名", default=list, blank=True)
    legal_rep = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    legal_rep_phone = models.CharField("负责人电话", max_length=11, blank=True)
    investors = models.TextField("出资人", blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属网格/社区"
    )
    lat = models.FloatField("纬度", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices, blank=True)
    employee_count = models.PositiveIntegerField("从业人员数", null=True, blank=True)
    party_member_count = models.PositiveIntegerField(
        "党员人数（申报）",
        null=True,
        blank=True,
        help_text="单位申报的党员人数；与台账登记的在职党员核对",
    )
    party_contact = models.CharField("党务联络员", max_length=50, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=OrgStatus.choices, default=OrgStatus.ACTIVE, db_index=True
    )
    is_platform = models.BooleanField("平台企业", default=False)
    container = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenants",
        verbose_name="所在商圈/楼宇/园区",
    )
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["region", "name"]
        indexes = [
            models.Index(fields=["region", "kind", "status"]),
            models.Index(fields=["region", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class Person(IdentityFields):
    """A real-name identity, one per ID number. Workers, volunteers and party members are
    profiles of a Person, never copies."""

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11, blank=True)
    occupation = models.CharField(
        "职业", max_length=24, choices=Occupation.choices, default=Occupation.EMPLOYEE
    )
    political_status = models.CharField(
        "政治面貌",
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
        db_index=True,
    )
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    party_registered_at = models.CharField("组织关系所在", max_length=200, blank=True)
    is_mobile_member = models.BooleanField("流动党员", default=False)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属区划",
        help_text="登记地：所在单位或居住地的网格/社区",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="登录账号",
    )
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["region", "id"]
        indexes = [models.Index(fields=["region", "political_status"])]

    def __str__(self) -> str:
        return (
            f"{mask_name(self.name)}（{mask_phone(self.phone)}）"
            if self.phone
            else mask_name(self.name)
        )

    @property
    def is_party_member(self) -> bool:
        return self.political_status in PARTY_STATUSES

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Employment(models.Model):
    """A person's job at an organization; ``ended_on`` empty means current."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="employments"
    )
    position = models.CharField("职务", max_length=60, blank=True)
    is_manager = models.BooleanField("经营管理人员", default=False)
    started_on = models.DateField("入职日期", null=True, blank=True)
    ended_on = models.DateField("离职日期", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        indexes = [models.Index(fields=["organization", "ended_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"],
                condition=models.Q(ended_on__isnull=True),
                name="employment_one_current_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"


class PartyOrganization(models.Model):
    """A basic-level party organization (党委/党总支/党支部/联合/临时/功能型)."""

    name = models.CharField("名称", max_length=200)
    type = models.CharField("类型", max_length=20, choices=PartyOrgType.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级党组织",
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="书记",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    term_end = models.DateField("届满日期", null=True, blank=True, db_index=True)
    is_active = models.BooleanField("存续", default=True)
    converted_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="converted_from",
        verbose_name="转为正式党组织",
    )
    converted_on = models.DateField("转建日期", null=True, blank=True)
    # A 临时党支部 dissolves with its body (the project, class or group ends).
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolved_reason = models.CharField("撤销原因", max_length=200, blank=True)
    # An approved 延期换届 (at most a year beyond ``term_end``) and its approval.
    extended_to = models.DateField("延期换届至", null=True, blank=True)
    extension_approved_by = models.CharField("延期批准机关", max_length=100, blank=True)
    extension_document_no = models.CharField("延期批准文号", max_length=60, blank=True)
    extension_approved_on = models.DateField("延期批准日期", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name


class PartyMembership(models.Model):
    """A person's membership (and role) in a party organization."""

    party_org = models.ForeignKey(
        PartyOrganization, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="party_memberships")
    role = models.CharField("职务", max_length=20, choices=PartyRole.choices, default="member")
    joined_on = models.DateField("转入日期", null=True, blank=True)
    left_on = models.DateField("转出日期", null=True, blank=True)
    # 组织关系转入: False for a member who works here with the relation kept elsewhere (组织关系
    # 不转接) — the members a 临时党支部 is set up for.
    transferred = models.BooleanField("组织关系已转入", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party_org", "person"],
                condition=models.Q(left_on__isnull=True),
                name="party_membership_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.party_org}"


class Coverage(models.Model):
    """How party work reaches one organization (one current row per organization)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="coverage"
    )
    mode = models.CharField(
        "覆盖方式",
        max_length=12,
        choices=CoverageMode.choices,
        default=CoverageMode.NONE,
        db_index=True,
    )
    party_org = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered",
        verbose_name="党组织",
    )
    since = models.DateField("起始日期", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党建覆盖"
        verbose_name_plural = "党建覆盖"

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_mode_display()}"


class InstructorAssignment(models.Model):
    """A party-building instructor (党建指导员) sent to an organization."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="instructor_assignments",
        verbose_name="党建指导员",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="instructor_assignments"
    )
    started_on = models.DateField("派驻日期", default=timezone.localdate)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "指导员派驻"
        verbose_name_plural = "指导员派驻"

    def __str__(self) -> str:
        return f"{self.instructor} → {self.organization}"


class GuidanceVisit(models.Model):
    """One guidance visit by an instructor to an organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="guidance_visits"
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党建指导员",
    )
    visited_on = models.DateField("走访日期")
    topic = models.CharField("主题", max_length=200)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    notes = models.TextField("记录", blank=True)
    photos = models.JSONField("照片", default=list, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "指导走访"
        verbose_name_plural = "指导走访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.organization} {self.topic}"


class ReviewCampaign(models.Model):
    """A 回头看 campaign: one task per selected organization."""

    name = models.CharField("名称", max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField("筛选条件", default=dict, blank=True)
    due_on = models.DateField("截止日期")
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ReviewTask(models.Model):
    """Re-check one organization, by a named staff member, before a due date."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="tasks")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="review_tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_tasks",
        verbose_name="核查人",
    )
    due_on = models.DateField("截止日期")
    outcome = models.CharField(
        "结果", max_length=10, choices=ReviewOutcome.choices, blank=True, db_index=True
    )
    note = models.TextField("说明", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    reminded_at = models.DateTimeField("催办时间", null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "核查任务"
        verbose_name_plural = "核查任务"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="review_task_once_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.organization}"
