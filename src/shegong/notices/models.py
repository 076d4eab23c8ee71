"""Public notices (公示): a list the public should see and may object to — grant awards, star
volunteers, certificates before issue, fund disclosures, inspection results. Each kind is
registered by its app (``core.registry.notice_kinds``); a notice may point at the thing it
publicises (``target_type`` is the model label, ``target_id`` its pk), and an open objection
that holds stops that thing (``queries.is_held``).

Scope: ``region`` is the community, street or district the notice is published for (its level is
the notice's scope) and the region staff scope it by. ``open_objections`` is kept by the
objection actions so lists read it without a join. The objector's phone is encrypted; their name
is shown masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from shegong.core.pii import EncryptedTextField, mask_name, mask_phone
from shegong.core.scope import ScopedQuerySet
from shegong.notices.choices import NoticeStatus, ObjectionStatus, ObjectionVerdict

USER = settings.AUTH_USER_MODEL


class NoticeQuerySet(ScopedQuerySet):
    def current(self, now=None) -> NoticeQuerySet:  # type: ignore[no-untyped-def]
        """Published and inside their window now (the public list of current notices)."""
        now = now or timezone.now()
        return self.filter(status=NoticeStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now)

    def past(self, now=None) -> NoticeQuerySet:  # type: ignore[no-untyped-def]
        """Published and whose window has ended (the public archive)."""
        now = now or timezone.now()
        return self.filter(status=NoticeStatus.PUBLISHED, ends_at__lte=now)

    def public(self, now=None) -> NoticeQuerySet:  # type: ignore[no-untyped-def]
        """What a public page may show: published and started (current or past)."""
        now = now or timezone.now()
        return self.filter(status=NoticeStatus.PUBLISHED, starts_at__lte=now)

    def of(self, target: models.Model) -> NoticeQuerySet:
        return self.filter(target_type=target._meta.label_lower, target_id=target.pk)


class Notice(models.Model):
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="公示范围"
    )
    kind = models.CharField("公示类型", max_length=40, db_index=True)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", max_length=20000)
    # [{"name": "评审结果.xlsx", "path": "notices/…", "size": 1234}] — files in default storage.
    attachments = models.JSONField("附件", default=list, blank=True)
    starts_at = models.DateTimeField("公示开始")
    ends_at = models.DateTimeField("公示结束")
    phone = models.CharField("监督电话", max_length=30, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    target_type = models.CharField("公示对象类型", max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField("公示对象", null=True, blank=True)
    open_objections = models.PositiveIntegerField("未结异议数", default=0)
    objection_count = models.PositiveIntegerField("异议总数", default=0)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="创建人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    published_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="发布人",
    )  # fmt: skip
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="notice_window_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="notice_status_start"),
            models.Index(fields=["target_type", "target_id"], name="notice_target"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_current(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and self.starts_at <= now < self.ends_at


class Objection(models.Model):
    """An objection or complaint (异议) against a notice, from the public form or staff on a
    caller's behalf. ``holds``: whether it stops the publicised thing while open (staff may
    release a frivolous one by answering it)."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="objections", verbose_name="公示"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="公示范围"
    )
    name = models.CharField("姓名", max_length=40, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    content = models.TextField("异议内容", max_length=2000)
    attachments = models.JSONField("附件", default=list, blank=True)
    submitter = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="提交账号",
    )  # fmt: skip
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    holds = models.BooleanField("暂停公示事项", default=True)
    assignee = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="承办人",
    )  # fmt: skip
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    verdict = models.CharField(
        "处理结论", max_length=12, choices=ObjectionVerdict.choices, blank=True
    )
    answer = models.TextField("答复", max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="答复人",
    )  # fmt: skip
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["notice", "status"], name="objection_notice_status")]

    def __str__(self) -> str:
        return f"对「{self.notice_id}」的异议"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name) if self.name else "匿名"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
