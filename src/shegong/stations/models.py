"""The station network: stations, their facilities and their inspections (C3).

A station's location is stored in WGS-84 (converted on the way in from gcj02/bd09). Its weekly
opening schedule is a JSON document validated by ``schedule.parse_schedule`` (the one place
that knows its shape) and read by ``schedule.is_open``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from shegong.regions.scope import ScopedQuerySet

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
