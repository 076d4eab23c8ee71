"""Deliberation and accountability (C8, 议事厅): topics (议题) residents raise and support,
meetings (议事会) with their notice, invitations, sign-in and record, and the action items
(落地实事) decisions become, with their timeline.

Every row belongs to a community (``region``) and is scoped through ``visible_to``. Counts the
lists show (supports, 实到) are columns kept by the actions, read without a join. Nothing reaches
a public page before staff answered it (``Topic.public``) or published it (``Meeting.record
_published_at``, ``ActionItem.public``). Photos are ``core.photos`` records (paths, never the
upload as sent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet
from shegong.deliberation.choices import (
    ActionStatus,
    InviteeKind,
    ItemResult,
    MeetingKind,
    MeetingStatus,
    OwnerKind,
    QuorumBase,
    SignInMethod,
    TopicSource,
    TopicStatus,
    UpdateKind,
)

USER = settings.AUTH_USER_MODEL


class TopicCategory(models.Model):
    """A category of topics and action items (环境卫生, 加装电梯 …)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "议题类别"
        verbose_name_plural = "议题类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CommunitySettings(models.Model):
    """A community's deliberation settings; a community without a row uses the defaults in
    ``settings.SHEGONG_DELIBERATION`` (``queries.settings_for``)."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name="社区"
    )
    hall_name = models.CharField("议事厅名称", max_length=40, blank=True)
    support_threshold = models.PositiveIntegerField("列入议程所需支持数", default=10)
    answer_workdays = models.PositiveIntegerField("答复时限（工作日）", default=5)
    monthly_cadence = models.BooleanField("一月一会", default=True)
    adults = models.PositiveIntegerField("十八周岁以上居民数", default=0)
    households = models.PositiveIntegerField("户数", default=0)
    groups = models.PositiveIntegerField("居民小组数", default=0)
    representatives = models.PositiveIntegerField("居民代表数", default=0)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "社区议事设置"
        verbose_name_plural = "社区议事设置"

    def __str__(self) -> str:
        return self.hall_name or f"议事设置 {self.region_id}"


class Topic(models.Model):
    """A topic (议题) raised in a community: by a resident, volunteer, rider, party member or
    staff, or from a 随手拍 case or an unmet need. ``answer_due_at`` is the answer clock (set on
    submission, workdays); ``support_count`` is kept by the support actions; ``agenda_ready_at``
    is when supports reached the community's threshold; ``merged_into`` points at the topic it
    was merged into (its supports moved there)."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    category = models.ForeignKey(
        TopicCategory, on_delete=models.PROTECT, related_name="topics", verbose_name="类别"
    )
    title = models.CharField("议题", max_length=60)
    body = models.TextField("具体内容", max_length=2000)
    place = models.CharField("地点", max_length=100, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    photos = models.JSONField("照片", default=list, blank=True)
    source = models.CharField(
        "来源", max_length=16, choices=TopicSource.choices, default=TopicSource.RESIDENT
    )
    report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="来源随手拍",
    )  # fmt: skip
    need = models.ForeignKey(
        "matching.Need", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="来源需求",
    )  # fmt: skip
    submitter = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="提出人",
    )  # fmt: skip
    submitter_label = models.CharField("提出人（显示）", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=TopicStatus.choices, default=TopicStatus.PENDING
    )
    answer = models.TextField("答复", max_length=1000, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="答复人",
    )  # fmt: skip
    answer_due_at = models.DateTimeField("答复时限", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_topics",
        verbose_name="合并至",
    )  # fmt: skip
    support_count = models.PositiveIntegerField("支持数", default=0)
    agenda_ready_at = models.DateTimeField("达到上会支持数时间", null=True, blank=True)
    public = models.BooleanField("已公开", default=False)
    delivered_at = models.DateTimeField("落实时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "created_at"]),
            models.Index(fields=["status", "answer_due_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class TopicSupport(models.Model):
    """One resident's support of a topic (one per person, residents of its community only)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "议题支持"
        verbose_name_plural = "议题支持"
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"支持 {self.topic_id}"


class TopicFollower(models.Model):
    """Someone told of a topic's answer, its meeting and its action items' progress (the
    submitter and supporters follow by default; anyone of the community may follow)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "议题关注"
        verbose_name_plural = "议题关注"
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"关注 {self.topic_id}"


class Meeting(models.Model):
    """A meeting (议事会) of a community: kind, time and place, the notice, 应到 and its base,
    and the record. ``present_count`` (实到) is the sign-ins plus ``paper_signins`` (names
    signed on paper), kept by the actions. A meeting closes only with its record and, when an
    item was put to the vote, a met quorum."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=60)
    theme = models.CharField("专题", max_length=60, blank=True)
    starts_at = models.DateTimeField("召开时间")
    place = models.CharField("地点", max_length=100)
    host = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="主持人",
    )  # fmt: skip
    host_name = models.CharField("主持人（显示）", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    notice = models.TextField("会议通知", max_length=2000, blank=True)
    notice_published_at = models.DateTimeField("通知发布时间", null=True, blank=True)
    quorum_base = models.CharField(
        "应到口径", max_length=20, choices=QuorumBase.choices, default=QuorumBase.INVITED
    )
    expected_count = models.PositiveIntegerField("应到人数", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    paper_signins = models.PositiveIntegerField("纸质签到人数", default=0)
    signin_code = models.CharField("签到码", max_length=8, blank=True)
    requested_by = models.CharField("提议召开方", max_length=100, blank=True)
    summary = models.TextField("议事情况（各方意见）", max_length=5000, blank=True)
    record_published_at = models.DateTimeField("纪要公开时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "议事会"
        verbose_name_plural = "议事会"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["region", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """An invitee of a meeting: a resident or representative (an account when they have one),
    a 驻区单位, the 业委会, the 物业, a social organization (a ledger Organization)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField("类别", max_length=20, choices=InviteeKind.choices)
    name = models.CharField("名称", max_length=100)
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "ledger.Organization", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="组织",
    )  # fmt: skip
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)

    class Meta:
        verbose_name = "参会邀请"
        verbose_name_plural = "参会邀请"
        ordering = ["meeting", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="invite_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """A sign-in (签到): by the rotating QR, the meeting's code, or by staff for someone."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("姓名或单位", max_length=100)
    kind = models.CharField(
        "身份", max_length=20, choices=InviteeKind.choices, default=InviteeKind.RESIDENT
    )
    method = models.CharField("签到方式", max_length=10, choices=SignInMethod.choices)
    signed_at = models.DateTimeField("签到时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        ordering = ["meeting", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="sign_in_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    """An item of a meeting's agenda (a topic, or a matter of its own) and, in the record, the
    views, the vote and the decision with its owner and due date (the action item it became)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
        verbose_name="议题",
    )  # fmt: skip
    title = models.CharField("事项", max_length=60)
    order = models.PositiveIntegerField("顺序", default=0)
    is_vote = models.BooleanField("付诸表决", default=False)
    views = models.TextField("各方意见", max_length=3000, blank=True)
    votes_for = models.PositiveIntegerField("赞成", default=0)
    votes_against = models.PositiveIntegerField("反对", default=0)
    votes_abstain = models.PositiveIntegerField("弃权", default=0)
    result = models.CharField(
        "结果", max_length=12, choices=ItemResult.choices, default=ItemResult.PENDING
    )
    decision = models.CharField("决定事项", max_length=300, blank=True)
    owner_label = models.CharField("责任方", max_length=100, blank=True)
    due_on = models.DateField("完成时限", null=True, blank=True)

    class Meta:
        verbose_name = "议程事项"
        verbose_name_plural = "议程事项"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """An action item (落地实事): a decision being delivered. Owner is a person, a department or
    an organization; ``progress`` 0–100 and ``status`` are kept by the actions, each change a
    timeline entry (``ActionUpdate``). Child items (``parent``) split a big one. ``due_on``
    changes only through 调整时限 with a reason (audited), so an overdue item never leaves the
    overdue list unless closed or re-dated."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    category = models.ForeignKey(
        TopicCategory, on_delete=models.PROTECT, related_name="actions", verbose_name="类别"
    )
    title = models.CharField("实事名称", max_length=60)
    description = models.TextField("内容", max_length=2000, blank=True)
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name="来源议题",
    )  # fmt: skip
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name="来源决定",
    )  # fmt: skip
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name="议定会议",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name="上级事项",
    )  # fmt: skip
    owner_kind = models.CharField("责任方类型", max_length=16, choices=OwnerKind.choices)
    owner_user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="责任人",
    )  # fmt: skip
    owner_department = models.ForeignKey(
        "accounts.Department", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="责任部门",
    )  # fmt: skip
    owner_organization = models.ForeignKey(
        "ledger.Organization", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="责任组织",
    )  # fmt: skip
    owner_name = models.CharField("责任方", max_length=100)
    due_on = models.DateField("完成时限")
    budget = models.DecimalField(
        "预算（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField("资金来源", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    public = models.BooleanField("公开", default=True)
    redate_count = models.PositiveIntegerField("调整时限次数", default=0)
    done_at = models.DateTimeField("落实时间", null=True, blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    overdue_notified_on = models.DateField("最近逾期提醒", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "落地实事"
        verbose_name_plural = "落地实事"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["region", "status", "due_on"]),
            models.Index(fields=["public", "region", "category"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="action_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """A timeline entry of an action item: progress with photos, a new due date with its
    reason, done, cancelled, or the feedback sent to the topic's submitters."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField("类型", max_length=12, choices=UpdateKind.choices)
    progress = models.PositiveSmallIntegerField("进度（%）", null=True, blank=True)
    text = models.TextField("说明", max_length=1000, blank=True)
    photos = models.JSONField("照片", default=list, blank=True)
    old_due_on = models.DateField("原完成时限", null=True, blank=True)
    new_due_on = models.DateField("新完成时限", null=True, blank=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "实事进展"
        verbose_name_plural = "实事进展"
        ordering = ["action", "-at", "-id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return self.get_kind_display()
