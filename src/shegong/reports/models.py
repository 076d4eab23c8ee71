"""Tables of the snap-and-report closed loop (随手拍, C2).

A ``Report`` is one case. Its deadlines are columns (``response_due_at``, ``resolution_due_at``),
never timers: the SLA scan finds what is overdue with an indexed query. Its timeline is
``ReportEvent`` rows, written only by ``actions/reports.py``; they are what the reporter sees and
what every metric is computed from. Which departments work on it is ``Assignment`` rows (one lead,
any number assisting).
"""

from __future__ import annotations

import math
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core import geo
from shegong.core.pii import EncryptedTextField, mask_name, mask_phone, scrub_text
from shegong.core.scope import ScopedQuerySet

from .choices import (
    FINISHED,
    PUBLIC_STATUSES,
    AppointmentKind,
    Channel,
    EventKind,
    FollowupSatisfaction,
    LimitUnit,
    Rating,
    RejectReason,
    Status,
    satisfaction,
)
from .choices import Role as AssignmentRole

# Public points keep 3 decimals: about 110 m of latitude, 90 m of longitude at 35°N.
PUBLIC_DECIMALS = 3


class Category(models.Model):
    """A kind of problem (Open311 "service"): its questions, its clock and its rules."""

    service_code = models.SlugField("类别编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    group = models.CharField("分组", max_length=30)
    description = models.CharField("说明", max_length=300, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="以逗号分隔")
    notice = models.CharField(
        "上报须知", max_length=200, blank=True, help_text="上报前向群众显示，例如紧急情况请拨打110"
    )
    # Extra questions, Open311 attributes: [{code, datatype, required, description, order,
    # values: [{key, name}]}] — validated by schemas.CategoryAttribute.
    attributes = models.JSONField("附加问题", default=list, blank=True)
    response_hours = models.PositiveIntegerField("响应时限（小时）", default=24)
    resolution_limit = models.PositiveIntegerField("办理时限", default=5)
    resolution_unit = models.CharField(
        "办理时限单位", max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKDAYS
    )
    urgent = models.BooleanField("紧急类", default=False)
    public_may_reopen = models.BooleanField("群众可在7日内申请重办", default=True)
    anonymous_allowed = models.BooleanField("可对处置部门匿名", default=True)
    staff_only = models.BooleanField("仅工作人员可选", default=False)
    public_exact_location = models.BooleanField(
        "公开精确位置",
        default=False,
        help_text="默认向公众显示的位置只精确到约100米；需要精确定位才能看懂的类别（如井盖缺失）可勾选",
    )
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["order", "service_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]

    @property
    def resolution_limit_label(self) -> str:
        return f"{self.resolution_limit}{LimitUnit(self.resolution_unit).label}"


class ResponseTemplate(models.Model):
    """A reply text staff can pick, bound to a status; ``auto`` ones are sent by the system
    when a case of the category enters that status (e.g. the acknowledgement on transfer).
    ``{{ number }}``, ``{{ category }}``, ``{{ department }}``, ``{{ due }}`` are filled in."""

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name="类别",
        help_text="留空则适用于所有类别",
    )
    status = models.CharField("适用状态", max_length=20, choices=Status.choices)
    title = models.CharField("名称", max_length=60)
    text = models.TextField("内容")
    auto = models.BooleanField("自动发送", default=False)

    class Meta:
        verbose_name = "回复模板"
        verbose_name_plural = "回复模板"
        ordering = ["status", "title"]

    def __str__(self) -> str:
        return self.title


class RoutingRule(models.Model):
    """(category, region subtree) → department. The most specific region wins; a case with no
    rule stays at the district dispatch desk (兜底)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name="类别"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="适用区划"
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name="承办部门",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = "派单规则"
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="routing_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.region_id} → {self.department}"


class ReportQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """What ``user`` may see, built on the one region-scope helper.

        - a department member (handler or supervisor, a membership with a department): the
          cases that department works on (lead or assisting), inside the membership's region;
        - other staff (dispatch desk, street, community): every case in their region subtree;
        - a field user (rider, resident…): their own cases, the ones they follow and the ones
          assigned down to them as grid worker (红骑网格员, 下派).
        """
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        from shegong.core.perms import STAFF_ROLES

        membership = user.active_membership
        if membership is None or membership.role not in STAFF_ROLES:
            return self.filter(
                Q(reporter=user) | Q(followers__user=user) | Q(holder=user)
            ).distinct()
        scoped = super().visible_to(user)
        if membership.department_id:
            return scoped.filter(assignments__department_id=membership.department_id).distinct()
        return scoped

    def open(self) -> models.QuerySet:
        return self.exclude(status__in=FINISHED)

    def public(self) -> Self:
        """What ``/public/cases`` and Open311 show: cases accepted into the loop (by the
        dispatch desk or a routing rule) and not hidden by a moderator. A case waiting to be
        accepted, rejected, or merged into another is not public: nobody has looked at what the
        reporter typed yet. The public sees the scrubbed text and a rounded point
        (``Report.public_description`` …), never the reporter."""
        return self.filter(hidden=False, status__in=PUBLIC_STATUSES)

    def near(self, lat: float, lon: float, metres: float) -> models.QuerySet:
        """Cases inside a bounding box of ``metres`` around the point (indexed); callers check
        the exact distance with ``Report.distance_to``."""
        dlat = metres / 111_320
        dlon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        return self.filter(
            lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon
        )


class Report(models.Model):
    """One case: a problem someone saw on the street, from report to rating."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name="类别"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    description = models.TextField("问题描述", max_length=4000)
    address = models.CharField("地址", max_length=200, blank=True)
    # WGS-84, converted on the way in; null when only an address was given.
    lat = models.FloatField("纬度", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    attributes = models.JSONField("附加信息", default=dict, blank=True)
    # [{path, thumb, width, height, redacted: bool, public, public_thumb}] (core.photos)
    photos = models.JSONField("照片", default=list, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.H5)

    # Who reported. Always known to staff; never public; hidden from departments if anonymous.
    reporter = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="上报人",
    )
    # A caller reported on behalf of (staff intake) or through Open311 without an account.
    caller_name = models.CharField("来电人姓名", max_length=50, blank=True)
    caller_phone = EncryptedTextField("来电人电话", blank=True, default="")
    entered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代报人",
    )
    anonymous = models.BooleanField("对处置部门匿名", default=False)

    lead_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="主办部门",
    )
    reject_reason = models.CharField(
        "不予受理原因", max_length=20, choices=RejectReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name="并入工单",
    )

    # The clock (rows, not timers).
    submitted_at = models.DateTimeField("上报时间", default=timezone.now, db_index=True)
    transferred_at = models.DateTimeField("派单时间", null=True, blank=True)
    response_due_at = models.DateTimeField("响应期限", null=True, blank=True)
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    resolution_due_at = models.DateTimeField("办理期限", null=True, blank=True)
    resolved_at = models.DateTimeField("办理完毕时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    # 0 none, 1 response overdue (督办), 2 resolution overdue (再次督办); each level once.
    escalation_level = models.PositiveSmallIntegerField("督办级别", default=0)
    was_response_overdue = models.BooleanField("曾超时未响应", default=False)
    was_resolution_overdue = models.BooleanField("曾超期未办结", default=False)

    # Who holds the case on the ground (下派, 街道 → 社区 → 网格员): a community, and in it
    # perhaps one grid worker. It does not stop or restart the clock: the department's (or the
    # dispatch desk's) 24-hour loop runs on; the holder answers the street (``held_answered_at``).
    holder_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="下派社区",
    )
    holder = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_reports",
        verbose_name="下派网格员",
    )
    held_since = models.DateTimeField("下派时间", null=True, blank=True)
    held_answered_at = models.DateTimeField("下派回复时间", null=True, blank=True)

    result = models.TextField("办理结果", blank=True)
    result_photos = models.JSONField("办理后照片", default=list, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重启次数", default=0)

    rating = models.PositiveSmallIntegerField("评价", choices=Rating.choices, null=True, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    # The 回访 (follow-up call or visit, by the dispatch desk or the street): the requester's
    # own answer — solved or not (解决率) and satisfied or not. 不满意 is a 差评: the lead
    # department must re-handle it (重新办理) by ``rehandle_due_at`` (working days).
    followup_at = models.DateTimeField("回访时间", null=True, blank=True)
    followup_solved = models.BooleanField("回访：问题是否解决", null=True, blank=True)
    followup_satisfaction = models.CharField(
        "回访：满意度", max_length=12, choices=FollowupSatisfaction.choices, blank=True
    )
    followup_note = models.CharField("回访记录", max_length=500, blank=True)
    rehandle_due_at = models.DateTimeField("差评重办期限", null=True, blank=True)
    rehandled_at = models.DateTimeField("差评重办时间", null=True, blank=True)
    rehandle_result = models.TextField("重办结果", blank=True)

    hidden = models.BooleanField("不公开", default=False)
    hidden_reason = models.CharField("不公开原因", max_length=200, blank=True)
    # What the public sees instead of the reporter's own words, when staff corrected it
    # (empty: the words with phone and ID numbers masked, see ``public_description``).
    public_text = models.TextField("公开描述（人工更正）", max_length=4000, blank=True)
    public_place = models.CharField("公开地址（人工更正）", max_length=200, blank=True)

    objects = ReportQuerySet.as_manager()

    # Not columns: on a case written in this transaction (``submit_report``), the timeline rows
    # and assignments written with it, in order, so the answer is built without reading them
    # back (``schemas.ReportDetail``). None on a case read from the database.
    written_events: list[ReportEvent] | None = None
    written_assignments: list[Assignment] | None = None
    # The audit entries of that transaction, written last, just before it commits: linking an
    # entry takes the audit chain's lock until the commit (PostgreSQL), held the shortest time.
    audit_later: list[tuple[Any, Any, dict[str, Any]]] | None = None

    class Meta:
        verbose_name = "随手拍工单"
        verbose_name_plural = "随手拍工单"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "response_due_at"], name="report_response_clock"),
            models.Index(fields=["status", "resolution_due_at"], name="report_resolution_clock"),
            models.Index(fields=["category", "status", "submitted_at"]),
            models.Index(fields=["lat", "lon"]),
            models.Index(fields=["reporter", "submitted_at"]),
            models.Index(fields=["rehandled_at", "rehandle_due_at"], name="report_rehandle_clock"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_to_5",
            ),
        ]

    # --- what the public sees ------------------------------------------------------------------

    @property
    def public_description(self) -> str:
        """The description on public pages and Open311: staff's correction, or the reporter's
        words with phone, ID and other long numbers masked."""
        return self.public_text or scrub_text(self.description)

    @property
    def public_address(self) -> str:
        return self.public_place or scrub_text(self.address)

    def public_point(self) -> tuple[float, float] | None:
        """The point the public sees: rounded to 3 decimals (about 100 m) unless the category
        needs the exact spot. A rider's exact point can be their door."""
        if self.lat is None or self.lon is None:
            return None
        if self.category.public_exact_location:
            return self.lat, self.lon
        return round(self.lat, PUBLIC_DECIMALS), round(self.lon, PUBLIC_DECIMALS)

    def __str__(self) -> str:
        return f"{self.number} {self.category.name if self.category_id else ''}".strip()

    @property
    def number(self) -> str:
        """The case number people quote on the phone (also the Open311 service_request_id)."""
        return f"{self.pk:08d}" if self.pk else ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    @property
    def satisfaction(self) -> str:
        return satisfaction(self.rating)

    @property
    def awaiting_rehandle(self) -> bool:
        """A 差评 whose re-handling is not recorded yet."""
        return self.rehandle_due_at is not None and self.rehandled_at is None

    def rehandle_overdue(self, now: Any = None) -> bool:
        return self.awaiting_rehandle and self.rehandle_due_at < (now or timezone.now())

    @property
    def reporter_label(self) -> str:
        """Masked name and phone of whoever reported (staff only, never public)."""
        if self.reporter_id:
            return str(self.reporter)
        if self.caller_name or self.caller_phone:
            return f"{mask_name(self.caller_name)}（{mask_phone(self.caller_phone)}）"
        return "匿名"

    def distance_to(self, lat: float, lon: float) -> float | None:
        """Metres to the point (haversine), or None without coordinates."""
        if self.lat is None or self.lon is None:
            return None
        return geo.haversine_m(self.lat, self.lon, lat, lon)

    def overdue(self, now: Any = None) -> bool:
        """Past the deadline that runs now: the response one before the department answers,
        the resolution one after."""
        now = now or timezone.now()
        if self.status in (Status.TRANSFERRED, Status.REOPENED) and self.response_due_at:
            if self.response_due_at < now:
                return True
        if self.status in (Status.TRANSFERRED, Status.RESPONDED, Status.REOPENED):
            return bool(self.resolution_due_at and self.resolution_due_at < now)
        return False


class Assignment(models.Model):
    """A department working on a case: the lead (首接负责) or one assisting."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="report_assignments",
        verbose_name="部门",
    )
    role = models.CharField("角色", max_length=10, choices=AssignmentRole.choices)
    assigned_at = models.DateTimeField("派单时间", default=timezone.now)
    active = models.BooleanField("在办", default=True)

    class Meta:
        verbose_name = "承办部门"
        verbose_name_plural = "承办部门"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "department"],
                condition=Q(active=True),
                name="assignment_one_active_per_department",
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
        ]
        indexes = [models.Index(fields=["department", "active"])]

    def __str__(self) -> str:
        return f"{self.report.number} {self.department} {self.get_role_display()}"


class ReportEvent(models.Model):
    """One step on a case's timeline: who, when, from which status to which, a note, photos.

    ``actor_label`` is what the public and the reporter see: a department's name for a
    department's step (never the handler's), "系统" for the scan, masked for the reporter.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField("办理方", max_length=100, blank=True)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    note = models.TextField("说明", blank=True)
    photos = models.JSONField(default=list, blank=True)
    public = models.BooleanField("公开", default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "工单进度"
        verbose_name_plural = "工单进度"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["report", "at"])]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind_label}"

    @property
    def is_automatic(self) -> bool:
        """Written by the system on someone's behalf (the acknowledgement on transfer), not by a
        person: the timeline must not show it as the department's own note."""
        return bool((self.data or {}).get("auto")) and self.kind == EventKind.NOTE

    @property
    def kind_label(self) -> str:
        return "自动回复" if self.is_automatic else self.get_kind_display()

    @property
    def by_label(self) -> str:
        """Who the timeline names: the system for an automatic reply, else ``actor_label``."""
        return "系统自动发送" if self.is_automatic else self.actor_label


class Follower(models.Model):
    """Someone who gets a case's updates without having reported it: a merged duplicate's
    reporter, or a resident who chose "follow instead of report"."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="follower_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.report_id}"


class Appointment(models.Model):
    """A rider or worker appointed 城市流动监督员 / 红骑网格员."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="report_appointments",
        verbose_name="人员",
    )
    kind = models.CharField("聘任类型", max_length=20, choices=AppointmentKind.choices)
    appointed_by = models.CharField("聘任单位", max_length=100)
    appointed_on = models.DateField("聘任日期")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="负责区域"
    )
    active = models.BooleanField("在任", default=True)
    ended_on = models.DateField("解聘日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "监督员聘任"
        verbose_name_plural = "监督员聘任"
        ordering = ["-appointed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(active=True),
                name="appointment_one_active_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user}"


class ApiKey(models.Model):
    """An Open311 ``api_key`` for an integration (only its SHA-256 is stored)."""

    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "Open311 接口密钥"
        verbose_name_plural = "Open311 接口密钥"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


__all__ = [
    "ApiKey",
    "Appointment",
    "Assignment",
    "Category",
    "Follower",
    "Report",
    "ReportEvent",
    "ResponseTemplate",
    "RoutingRule",
]
