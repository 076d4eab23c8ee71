"""Credit lists (issue 14 §4, 民政部令第60号《社会组织信用信息管理办法》).

- ``CreditListing``: one organization on the 活动异常名录 or the 严重违法失信名单, from
  ``listed_on`` until ``removed_on``; at most one OPEN listing per organization and list
  (a unique constraint), so a rule firing twice never lists twice.
- ``CreditEvent``: a fact a rule found (a year's missed inspection, an overdue rectification, the
  second returned letter, two years on the 异常名录, a 撤销/吊销), once per (organization, rule,
  ``ref``) ever; it lists the organization, or restarts the clock of its open listing.
- ``Rectification``: a rectification ordered by the registrar (by whom, what, deadline) and its
  verification; other parts may create these too.
- ``ReturnedLetter``: a registered letter to the registered address that came back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

SCOPE = "social_org__organization__region"


class ListKind(models.TextChoices):
    ABNORMAL = "abnormal", "活动异常名录"
    SERIOUS = "serious", "严重违法失信名单"


class Rectification(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name="社会组织",
    )
    ordered_by = models.CharField("责令机关", max_length=100)
    ordered_on = models.DateField("责令日期")
    matter = models.TextField("整改事项")
    deadline = models.DateField("整改期限", db_index=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="核实人",
    )
    verification_note = models.TextField("核实情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "整改"
        verbose_name_plural = "整改"
        ordering = ["-ordered_on", "-pk"]
        indexes = [models.Index(fields=["verified_at", "deadline"], name="rectification_open")]

    def __str__(self) -> str:
        return f"{self.social_org} 整改（{self.deadline:%Y-%m-%d}前）"


class ReturnedLetter(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="returned_letters",
        verbose_name="社会组织",
    )
    sent_on = models.DateField("寄出日期")
    returned_on = models.DateField("退回日期")
    address = models.CharField("寄送地址", max_length=300)
    tracking_number = models.CharField("挂号信编号", max_length=50, blank=True)
    event = models.ForeignKey(
        "socialorgs.CreditEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name="认定事实",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "挂号信退回"
        verbose_name_plural = "挂号信退回"
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.social_org} 挂号信（{self.sent_on:%Y-%m-%d}寄出）"


class CreditListing(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="credit_listings",
        verbose_name="社会组织",
    )
    kind = models.CharField("名录", max_length=10, choices=ListKind.choices)
    rule = models.CharField("列入规则", max_length=40, db_index=True)
    fact = models.JSONField("认定事实", default=dict, blank=True)
    fact_on = models.DateField("事实发生日期")
    listed_on = models.DateField("列入日期", db_index=True)
    reason = models.TextField("列入事由")
    how_to_leave = models.TextField("移出条件")
    authority = models.CharField("作出决定机关", max_length=100)
    clock_from = models.DateField("计时起点")
    needs_rectification = models.BooleanField("需整改后移出", default=False)
    rectification = models.ForeignKey(
        Rectification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name="整改要求",
    )
    from_listing = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="由此名录转入",
    )
    leave_applied_at = models.DateTimeField("申请移出时间", null=True, blank=True)
    leave_statement = models.TextField("移出申请说明", blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True, db_index=True)
    removal_reason = models.TextField("移出事由", blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="移出人",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "信用名录"
        verbose_name_plural = "信用名录"
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["social_org", "kind"],
                condition=Q(removed_on__isnull=True),
                name="credit_listing_open_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "listed_on"],
                condition=Q(removed_on__isnull=True),
                name="credit_listing_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.social_org} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.removed_on is None


class CreditEvent(models.Model):
    """A fact found by a rule, once per (organization, rule, ref) ever: ``ref`` is the year of
    a missed inspection, the rectification's, second letter's or abnormal listing's id, or 0."""

    social_org = models.ForeignKey(
        "socialorgs.SocialOrg",
        on_delete=models.PROTECT,
        related_name="credit_events",
        verbose_name="社会组织",
    )
    rule = models.CharField("规则", max_length=40)
    ref = models.PositiveBigIntegerField("事实编号")
    fact = models.JSONField("认定事实", default=dict, blank=True)
    fact_on = models.DateField("事实发生日期")
    listing = models.ForeignKey(
        CreditListing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="信用名录",
    )
    found_at = models.DateTimeField("发现时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "信用认定事实"
        verbose_name_plural = "信用认定事实"
        ordering = ["-fact_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["social_org", "rule", "ref"], name="credit_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.social_org} {self.rule} {self.ref}"
