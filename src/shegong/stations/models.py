"""The station network: stations, their facilities and their inspections (C3).

A station's location is stored in WGS-84 (converted on the way in from gcj02/bd09). Its weekly
opening schedule is a JSON document validated by ``schedule.parse_schedule`` (the one place
that knows its shape) and read by ``schedule.is_open``.
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.errors import DomainError
from shegong.core.scope import ScopedQuerySet

from .choices import StationKind, StationStatus


class Facility(models.Model):
    """One facility a station may offer (饮水, 充电, 药箱 …); the list is configurable."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务设施"
        verbose_name_plural = "服务设施"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """A 暖新驿站 / 司机之家 / 户外劳动者服务站: where outdoor workers rest, drink, charge."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField(
        "类型", max_length=20, choices=StationKind.choices, default=StationKind.WARM_STATION
    )
    operator = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="stations", verbose_name="运营单位",
    )  # fmt: skip
    address = models.CharField("地址", max_length=200)
    lat = models.FloatField("纬度")  # WGS-84
    lon = models.FloatField("经度")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    # {"always_open": bool, "week": {"1": [["08:00", "20:00"]], … "7": []},
    #  "closures": [{"from": "2026-10-01", "to": "2026-10-07", "reason": "国庆"}]}
    schedule = models.JSONField("开放时间", default=dict, blank=True)
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="stations", verbose_name="服务设施"
    )
    seats = models.PositiveIntegerField("座位/容量", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    photos = models.JSONField("照片", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=StationStatus.choices, default=StationStatus.OPEN
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "驿站"
        verbose_name_plural = "驿站"
        ordering = ["region_id", "name"]
        indexes = [
            models.Index(fields=["lat", "lon"]),
            models.Index(fields=["region", "status"]),
        ]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """A check of a station (date, inspector, checklist with defects, follow-up). A station
    with an unresolved defect shows it."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    inspector = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="检查人"
    )
    # [{"item": "饮水机可用", "ok": true, "note": ""}]
    checklist = models.JSONField("检查项", default=list, blank=True)
    defects = models.TextField("发现问题", blank=True)
    follow_up = models.TextField("整改要求", blank=True)
    resolved = models.BooleanField("已整改", default=True)
    resolved_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    resolution = models.TextField("整改情况", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "驿站检查"
        verbose_name_plural = "驿站检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["station", "resolved"])]

    def __str__(self) -> str:
        return f"{self.station} {self.inspected_on}"


WORKER_WITHDRAWN = "该人员已注销新就业群体登记"


class WorkerQuerySet(ScopedQuerySet):
    def live(self) -> Self:
        """Profiles still registered: not withdrawn (anonymised) ones. Use it wherever a worker
        is listed, exported, found or served."""
        return self.filter(person__isnull=False)

    def require_live(self, worker: Any) -> None:
        """Refuse (DomainError) a worker whose registration was withdrawn. Locks the row, so a
        withdrawal racing the caller's write (inside its transaction) waits for it or wins."""
        person_id = (
            self.model.objects.select_for_update()
            .filter(pk=worker.pk)
            .values_list("person_id", flat=True)
            .first()
        )
        if person_id is None:
            raise DomainError(WORKER_WITHDRAWN)


class Worker(models.Model):
    """A new-employment worker (新就业群体): a profile of a ledger ``Person``, never a copy —
    name, ID number and phone live on the Person (encrypted and masked there).

    A withdrawn profile (撤回同意并注销, ``actions.workers.withdraw_worker``) is anonymised, not
    deleted: ``person`` is cleared and ``withdrawn_at`` set, so the visits, benefits and
    enrolments it made still count in the statistics while nothing ties them to a person any
    more. The Person may register again (a new profile): one live profile per Person (OneToOne;
    several withdrawn ones share NULL)."""

    person = models.OneToOneField(
        "ledger.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="worker", verbose_name="人员",
    )  # fmt: skip
    kind = models.CharField("从业类型", max_length=30)  # ledger.choices.Occupation values
    platform = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="workers", verbose_name="所属平台企业",
    )  # fmt: skip
    delivery_site = models.CharField("配送站点", max_length=100, blank=True)
    party_member = models.BooleanField("党员", default=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务区域"
    )
    # The personal-data consent the worker gave (PIPL art. 14): which text, when. Kept after a
    # withdrawal as the record of what had been agreed to.
    consent_version = models.CharField("同意的告知书版本", max_length=20, blank=True)
    consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    registered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("注销时间", null=True, blank=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "新就业群体"
        verbose_name_plural = "新就业群体"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "kind"])]
        constraints = [
            # Withdrawn ⇔ anonymised: no half state where a person is kept after withdrawal.
            models.CheckConstraint(
                condition=Q(person__isnull=True, withdrawn_at__isnull=False)
                | Q(person__isnull=False, withdrawn_at__isnull=True),
                name="worker_withdrawn_is_anonymised",
            )
        ]

    def __str__(self) -> str:
        if self.person_id is None:
            return f"已注销的新就业群体 #{self.pk}"
        return str(self.person)

    @property
    def is_withdrawn(self) -> bool:
        return self.person_id is None


class Visit(models.Model):
    """One worker's visit to a station (scanned from its QR poster, or entered by staff).
    A worker is counted once per station per 30 minutes (``actions.visits.record_visit``)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="visits")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="visits")
    at = models.DateTimeField("签到时间", default=timezone.now)
    services = models.JSONField("使用的服务", default=list, blank=True)  # facility codes
    source = models.CharField("来源", max_length=10, default="qr")  # qr | staff
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "驿站服务记录"
        verbose_name_plural = "驿站服务记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["station", "at"]),
            models.Index(fields=["worker", "station", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.at:%Y-%m-%d %H:%M}"


class VisitTally(models.Model):
    """Anonymous visits counted by station staff (people served who did not scan)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="tallies")
    on = models.DateField("日期")
    count = models.PositiveIntegerField("人次")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "匿名服务人次"
        verbose_name_plural = "匿名服务人次"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["station", "on"])]

    def __str__(self) -> str:
        return f"{self.station} {self.on} {self.count}"


class CareCampaign(models.Model):
    """A care campaign (清凉"新"力量, 腊八粥 …) handing out one benefit per worker."""

    name = models.CharField("活动名称", max_length=100)
    benefit = models.CharField("发放物品/服务", max_length=100)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="活动范围"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "关爱活动"
        verbose_name_plural = "关爱活动"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignStock(models.Model):
    """How many of a campaign's benefit a station received; what is left is this minus its
    distributions."""

    campaign = models.ForeignKey(CareCampaign, on_delete=models.CASCADE, related_name="stocks")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="stocks")
    quantity = models.PositiveIntegerField("配发数量")

    class Meta:
        verbose_name = "活动物资"
        verbose_name_plural = "活动物资"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "station"], name="stock_one_per_station")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.station}: {self.quantity}"


class Distribution(models.Model):
    """One benefit handed to one worker at one station. A worker never receives the same
    campaign's benefit twice: a database constraint, checked first by the action for a clear
    message."""

    campaign = models.ForeignKey(
        CareCampaign, on_delete=models.PROTECT, related_name="distributions"
    )
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="benefits")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="distributions")
    given_at = models.DateTimeField("发放时间", default=timezone.now)
    given_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "物资发放"
        verbose_name_plural = "物资发放"
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "worker"], name="distribution_once_per_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.worker_id}"


class InsuranceBatch(models.Model):
    """A batch of accident-insurance enrolments bought for workers (insurer, policy, period)."""

    name = models.CharField("批次名称", max_length=100)
    insurer = models.CharField("保险公司", max_length=100)
    policy_number = models.CharField("保单号", max_length=60)
    starts_on = models.DateField("保障开始")
    ends_on = models.DateField("保障结束")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="投保范围"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "保险批次"
        verbose_name_plural = "保险批次"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A worker covered by an insurance batch."""

    batch = models.ForeignKey(InsuranceBatch, on_delete=models.CASCADE, related_name="enrollments")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "参保人员"
        verbose_name_plural = "参保人员"
        constraints = [
            models.UniqueConstraint(fields=["batch", "worker"], name="enrollment_once_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.batch} ← {self.worker_id}"


class VanguardPost(models.Model):
    """A 党员先锋岗 (a post held by party members) or 党员责任区 (an area they answer for)."""

    KIND_CHOICES = [("post", "党员先锋岗"), ("area", "党员责任区")]

    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES)
    name = models.CharField("名称", max_length=100)
    organization = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="所在单位",
    )  # fmt: skip
    area = models.CharField("责任区域", max_length=200, blank=True)
    holders = models.ManyToManyField("ledger.Person", related_name="+", verbose_name="岗位党员")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    since = models.DateField("设立日期")
    active = models.BooleanField("在岗", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员先锋岗/责任区"
        verbose_name_plural = "党员先锋岗/责任区"
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class RoleModel(models.Model):
    """A role model (e.g. a rider named a provincial 十佳) on the public honour roll."""

    title = models.CharField("荣誉称号", max_length=100)
    year = models.PositiveIntegerField("年度")
    person = models.ForeignKey(
        "ledger.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    citation = models.TextField("事迹")
    photo = models.JSONField("照片", default=list, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    published = models.BooleanField("公开展示", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The 公示 (kind stations.honors) that last listed it: an open objection on it holds the
    # role model's place on the public honour roll.
    notice = models.ForeignKey(
        "notices.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="公示",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"
