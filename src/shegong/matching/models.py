"""Needs ↔ supply matching (C7, 四单): the catalogue, the two lists per community, orders and
their assignments, ratings, standing orders with their rota and daily tasks.

Every list row belongs to a community (``region``) and is scoped through ``visible_to``.
Beneficiaries are ledger ``Person`` rows, never copies; an order's address and contact phone are
encrypted (a lonely elderly person's door is personal data) and shown masked. Helpers come into
the matching pool only as an approved ``Offer`` (a volunteer's, a team's, an organization's …):
one candidate table, so every candidate was approved by the community, and the engine's figures
(load, rating, last assignment) are columns on it, kept by the actions, read without a join.
Hours of finished orders are the volunteers app's ``ServiceRecord`` rows (never a second hours
table); ``Order.service_record_id`` points at the one it made.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.pii import EncryptedTextField, mask_phone
from shegong.core.scope import ScopedQuerySet
from shegong.matching.choices import (
    AssignmentMode,
    AssignmentOutcome,
    Channel,
    Cost,
    DispatchMode,
    Frequency,
    NeedStatus,
    OfferStatus,
    OrderStatus,
    ProviderKind,
    RatedAs,
    StandingStatus,
    TaskStatus,
    Urgency,
)

ZERO = Decimal("0.00")


class Category(models.Model):
    """One of the catalogue's categories of need (关爱一老一小, 心理干预 …), with how its orders
    are dispatched and the skills that fit it."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30)
    dispatch_mode = models.CharField(
        "派单方式", max_length=10, choices=DispatchMode.choices, default=DispatchMode.MANUAL
    )
    sensitive = models.BooleanField("服务对象通常为敏感人群", default=False)
    skills = models.ManyToManyField(
        "volunteers.Skill", blank=True, related_name="+", verbose_name="相关技能"
    )
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "需求类别"
        verbose_name_plural = "需求类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CatalogueItem(models.Model):
    """A service item of a category (上门送餐, 陪同就医 …): typical duration, frequency, urgency,
    whether its beneficiaries are sensitive and whether the work is risky (insurance needed,
    志愿服务条例 art. 17)."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name="类别"
    )
    name = models.CharField("服务项目", max_length=40)
    typical_minutes = models.PositiveIntegerField("通常时长（分钟）", default=60)
    frequency = models.CharField(
        "频次", max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    sensitive = models.BooleanField("服务对象敏感", default=False)
    risky = models.BooleanField("有人身风险（须投保）", default=False)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["category__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="catalogue_item_once")
        ]

    def __str__(self) -> str:
        return self.name


class CommunitySettings(models.Model):
    """A community's matching settings: the engine's weights, the acceptance timeout, and the
    team that records the hours of its orders (谁组织谁记录)."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name="社区"
    )
    weight_skill = models.FloatField("技能匹配权重", default=3.0)
    weight_distance = models.FloatField("距离权重", default=2.0)
    weight_availability = models.FloatField("时间吻合权重", default=2.0)
    weight_load = models.FloatField("当前负荷权重", default=1.5)
    weight_rating = models.FloatField("历史评价权重", default=1.5)
    weight_rotation = models.FloatField("轮换公平权重", default=1.0)
    accept_minutes = models.PositiveIntegerField("接单时限（分钟）", null=True, blank=True)
    record_team = models.ForeignKey(
        "volunteers.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="记录服务时长的队伍",
    )  # fmt: skip
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "社区派单设置"
        verbose_name_plural = "社区派单设置"

    def __str__(self) -> str:
        return f"派单设置 {self.region_id}"


class Need(models.Model):
    """An entry of a community's needs list (需求清单): what 摸排 found, for whom (a ledger
    Person when one is named) and how often; orders may be placed against it."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="needs", verbose_name="类别"
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="needs",
        verbose_name="服务项目",
    )  # fmt: skip
    beneficiary = models.ForeignKey(
        "ledger.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="服务对象",
    )  # fmt: skip
    people_count = models.PositiveIntegerField("涉及人数", default=1)
    description = models.CharField("需求描述", max_length=200)
    frequency = models.CharField(
        "频次", max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    sensitive = models.BooleanField("服务对象敏感", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "需求清单条目"
        verbose_name_plural = "需求清单"
        ordering = ["region", "category__order", "-created_at", "-id"]
        indexes = [models.Index(fields=["region", "status", "category"])]

    def __str__(self) -> str:
        return self.description


class Offer(models.Model):
    """An entry of a community's supply list (供给清单, the 项目超市): who gives what, when, where,
    at what cost, what they get back (资源置换), and the community's approval.

    ``helper`` is the account that receives the orders (the volunteer, the team's leader, the
    organization's account). ``load``, ``rating_sum``/``rating_count``, ``assigned_count`` and
    ``last_assigned_at`` are the engine's figures, kept by the order actions with ``F()``."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务社区"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="offers", verbose_name="类别"
    )
    title = models.CharField("服务名称", max_length=60)
    description = models.CharField("服务内容", max_length=300, blank=True)
    provider_kind = models.CharField("提供方类型", max_length=16, choices=ProviderKind.choices)
    provider_name = models.CharField("提供方", max_length=100)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="志愿者",
    )  # fmt: skip
    team = models.ForeignKey(
        "volunteers.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="志愿服务队",
    )  # fmt: skip
    organization = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="单位/社会组织",
    )  # fmt: skip
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="接单账号",
    )  # fmt: skip
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    gives = models.CharField("提供的资源/服务", max_length=200, blank=True)
    gets_back = models.CharField("希望换取（资源置换）", max_length=200, blank=True)
    capacity_per_week = models.PositiveIntegerField("每周可服务次数", default=5)
    # {"1": ["am", "pm"], "6": ["eve"]}: ISO weekday → parts of the day (choices.DAY_PART_HOURS).
    availability = models.JSONField("可服务时段", default=dict, blank=True)
    lat = models.FloatField("服务中心纬度（WGS-84）", null=True, blank=True)
    lon = models.FloatField("服务中心经度（WGS-84）", null=True, blank=True)
    radius_m = models.PositiveIntegerField("服务半径（米）", default=3000)
    cost = models.CharField("收费", max_length=8, choices=Cost.choices, default=Cost.FREE)
    price_note = models.CharField("收费说明", max_length=100, blank=True)
    skills = models.ManyToManyField(
        "volunteers.Skill", blank=True, related_name="+", verbose_name="具备技能"
    )
    risky_ok = models.BooleanField("可承接有风险的服务（已投保）", default=False)
    insurance_note = models.CharField("保险说明（险种、保单号）", max_length=200, blank=True)
    insured_until = models.DateField("保险有效期至", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=OfferStatus.choices, default=OfferStatus.NEW
    )
    status_reason = models.CharField("审核/停用说明", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # The engine's figures (kept by the order actions).
    load = models.PositiveIntegerField("在办订单", default=0)
    rating_sum = models.PositiveIntegerField("评价星数合计", default=0)
    rating_count = models.PositiveIntegerField("评价次数", default=0)
    assigned_count = models.PositiveIntegerField("累计派单", default=0)
    last_assigned_at = models.DateTimeField("最近派单时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "供给清单条目"
        verbose_name_plural = "供给清单"
        ordering = ["region", "category__order", "-created_at", "-id"]
        indexes = [
            # The engine's one look-up: approved offers of a category in a community.
            models.Index(
                fields=["region", "category"],
                condition=Q(status="approved"),
                name="offer_candidates",
            ),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["helper", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.provider_name}：{self.title}"

    @property
    def rating(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    def insured_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.risky_ok and (self.insured_until is None or self.insured_until >= day)


class Order(models.Model):
    """One service order (点单) through its whole life; see ``choices.ORDER_TRANSITIONS``."""

    number = models.CharField("订单编号", max_length=20, unique=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="orders", verbose_name="类别"
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
        verbose_name="服务项目",
    )  # fmt: skip
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders",
        verbose_name="对应需求清单",
    )  # fmt: skip
    channel = models.CharField("来源", max_length=10, choices=Channel.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="点单人",
    )  # fmt: skip
    beneficiary = models.ForeignKey(
        "ledger.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="服务对象",
    )  # fmt: skip
    beneficiary_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="服务对象账号",
    )  # fmt: skip
    source_report_id = models.PositiveIntegerField("来源随手拍工单", null=True, blank=True)
    description = models.CharField("需求描述", max_length=300)
    sensitive = models.BooleanField("服务对象敏感", default=False)
    risky = models.BooleanField("有人身风险（须投保）", default=False)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    window_start = models.DateTimeField("期望服务开始")
    window_end = models.DateTimeField("期望服务结束")
    address = EncryptedTextField("服务地址", blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lon = models.FloatField("经度（WGS-84）", null=True, blank=True)
    photos = models.JSONField("照片", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.REVIEW
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
        verbose_name="承接的供给",
    )  # fmt: skip
    accept_deadline = models.DateTimeField("接单截止", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("首次派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    started_at = models.DateTimeField("签到（开始服务）时间", null=True, blank=True)
    start_distance_m = models.PositiveIntegerField("签到距离（米）", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    finish_distance_m = models.PositiveIntegerField("签退距离（米）", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=2, default=ZERO)
    completion_note = models.CharField("服务记录", max_length=300, blank=True)
    completion_photos = models.JSONField("服务照片", default=list, blank=True)
    service_record_id = models.PositiveIntegerField("志愿服务记录", null=True, blank=True)
    stars = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    comment = models.CharField("评价", max_length=300, blank=True)
    rated_as = models.CharField("评价人", max_length=12, choices=RatedAs.choices, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    closing_note = models.CharField("结项说明", max_length=300, blank=True)
    refused_reason = models.CharField("不予受理原因", max_length=200, blank=True)
    cancelled_reason = models.CharField("取消原因", max_length=200, blank=True)
    # Why an order waits with nobody to serve it (the unmet list): set when the engine finds no
    # candidate or the last one declined / timed out; cleared on dispatch.
    unmet_reason = models.CharField("未满足原因", max_length=200, blank=True)
    waiting_since = models.DateTimeField("进入待处理时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("点单时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务订单"
        verbose_name_plural = "服务订单"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="order_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="order_stars_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "created_at"]),
            models.Index(fields=["status", "accept_deadline"]),
            models.Index(fields=["created_at", "category"]),
            models.Index(fields=["requester", "created_at"]),
            models.Index(fields=["offer", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def address_masked(self) -> str:
        text = self.address or ""
        return text[:6] + "****" if len(text) > 6 else ("****" if text else "")


class Assignment(models.Model):
    """One offer of an order to one helper (派单, 自动派单 or 抢单) and what became of it. At most
    one per order and offer: a helper who declined or let it expire is never offered it
    again; at most one pending or accepted per order: two grabs at once, one wins."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="assignments")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="assignments")
    mode = models.CharField("方式", max_length=10, choices=AssignmentMode.choices)
    outcome = models.CharField(
        "结果", max_length=10, choices=AssignmentOutcome.choices,
        default=AssignmentOutcome.PENDING,
    )  # fmt: skip
    score = models.FloatField("匹配得分", null=True, blank=True)
    explanation = models.JSONField("匹配说明", default=dict, blank=True)
    deadline = models.DateTimeField("接单截止", null=True, blank=True)
    reason = models.CharField("婉拒/改派原因", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("派单时间", default=timezone.now)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "派单记录"
        verbose_name_plural = "派单记录"
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "offer"], name="assignment_once_per_offer"),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(outcome__in=["pending", "accepted"]),
                name="assignment_one_live",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "deadline"])]

    def __str__(self) -> str:
        return f"派单 {self.pk}（{self.get_outcome_display()}）"


class StandingOrder(models.Model):
    """A daily or weekly service for one beneficiary (a meal every day at 11:30): a rota of
    helpers, a task generated for each day it falls on, paused for a hospital stay, paid from a
    named funding source."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="standing_orders", verbose_name="类别"
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="服务项目",
    )  # fmt: skip
    beneficiary = models.ForeignKey(
        "ledger.Person", on_delete=models.PROTECT, related_name="+", verbose_name="服务对象"
    )
    title = models.CharField("服务内容", max_length=60)
    address = EncryptedTextField("服务地址", blank=True)
    lat = models.FloatField("纬度（WGS-84）", null=True, blank=True)
    lon = models.FloatField("经度（WGS-84）", null=True, blank=True)
    # ISO weekdays it runs on ([1..7] = every day) and the time of day.
    weekdays = models.JSONField("服务日（周一=1）", default=list)
    at_time = models.TimeField("服务时间")
    minutes = models.PositiveIntegerField("每次时长（分钟）", default=30)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=StandingStatus.choices, default=StandingStatus.ACTIVE
    )
    paused_until = models.DateField("暂停至", null=True, blank=True)
    pause_reason = models.CharField("暂停原因", max_length=100, blank=True)
    funding_source = models.CharField("经费来源", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "常态化服务"
        verbose_name_plural = "常态化服务"
        ordering = ["region", "at_time", "id"]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return self.title


class RotaSlot(models.Model):
    """Who serves a standing order on a weekday (the rota, 排班)."""

    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="rota", verbose_name="常态化服务"
    )
    weekday = models.PositiveSmallIntegerField("星期（周一=1）")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="rota_slots", verbose_name="服务方"
    )

    class Meta:
        verbose_name = "排班"
        verbose_name_plural = "排班"
        ordering = ["standing_order", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["standing_order", "weekday"], name="rota_one_per_weekday"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="rota_weekday_1_7"
            ),
        ]

    def __str__(self) -> str:
        return f"排班 {self.pk}"


class StandingTask(models.Model):
    """One day's service of a standing order: due at a time, done by the rota's helper or
    missed (the community is alerted within an hour)."""

    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="tasks", verbose_name="常态化服务"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    on = models.DateField("服务日期")
    due_at = models.DateTimeField("应服务时间")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
        verbose_name="服务方",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.DUE
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.CharField("说明", max_length=200, blank=True)
    service_record_id = models.PositiveIntegerField("志愿服务记录", null=True, blank=True)
    alerted_at = models.DateTimeField("未完成提醒时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "常态化服务任务"
        verbose_name_plural = "常态化服务任务"
        ordering = ["-on", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["standing_order", "on"], name="task_once_per_day")
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["region", "on"]),
            models.Index(fields=["offer", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.standing_order_id}"
