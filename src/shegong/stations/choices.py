"""Kinds and statuses of the station network (暖新驿站, C3)."""

from django.db import models


class StationKind(models.TextChoices):
    WARM_STATION = "warm_station", "暖新驿站"
    DRIVER_HOME = "driver_home", "司机之家"
    OUTDOOR_SERVICE = "outdoor_service", "户外劳动者服务站"
    PARTY_CENTER = "party_center", "党群服务中心"
    OTHER = "other", "其他"


class StationStatus(models.TextChoices):
    OPEN = "open", "开放"
    SUSPENDED = "suspended", "暂停服务"
    CLOSED = "closed", "已关闭"


# The facilities every deployment starts with (configurable afterwards): code, name.
DEFAULT_FACILITIES = [
    ("water", "饮水"),
    ("microwave", "热饭/微波炉"),
    ("charging", "充电"),
    ("seats", "休息座椅"),
    ("toilet", "卫生间"),
    ("first_aid", "药箱"),
    ("health_hut", "健康小屋"),
    ("driver_rest", "司机驿站"),
    ("meal_cart", "取餐车"),
    ("air_conditioning", "空调/取暖"),
    ("wifi", "无线网络"),
    ("repair_tools", "维修工具"),
]

WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"]  # ISO weekday numbers, Monday = 1
WEEKDAY_LABELS = dict(
    zip(WEEKDAYS, ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], strict=True)
)
