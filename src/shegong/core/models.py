"""Cross-cutting tables: audit trail, idempotency, rate limits, worker heartbeats, scans, jobs,
notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from .verbs import VERB_LABELS, Verb


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted through the ORM."""


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除；过期清理请用 purge_expired()")

    def purge_expired(self, *, now: Any = None) -> int:
        """Delete entries older than the retention period, and never a younger one.

        The cut-off is computed here from the setting (>= 180 days), not passed in, so no caller
        can shorten retention by mistake.
        """
        now = now or timezone.now()
        cutoff = now - timedelta(days=max(settings.AUDIT_RETENTION_DAYS, 180))
        expired = AuditEvent.objects.filter(at__lt=cutoff)
        return expired._raw_delete(expired.db)


class AuditEvent(models.Model):
    """Who did what to which object, in which region, when and from where. Append-only."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人", max_length=120)
    # No choices= here: every new verb would otherwise need a migration. Labels: verb_label.
    verb = models.PositiveSmallIntegerField("操作")
    target_type = models.CharField("对象类型", max_length=60, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    region = models.ForeignKey(
        settings.SHEGONG_REGION_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name="区划",
    )
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    via = models.CharField("渠道", max_length=10, default="system")
    success = models.BooleanField("成功", default=True)
    data = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["region", "at"]),
            models.Index(fields=["verb", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb_label}"

    @property
    def verb_label(self) -> str:
        try:
            return VERB_LABELS[Verb(self.verb)]
        except ValueError:
            return str(self.verb)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("审计日志只能追加，不能删除")


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for retries."""

    owner = models.CharField(max_length=80)  # "user:<id>" or "anon:<ip>"
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class RateCount(models.Model):
    """One fixed window of one rate-limit counter (``core.limits``), shared by every process.

    Times are Unix seconds, as the counter computes its windows from ``time.time()``; the
    ``limits.purge`` scan deletes the windows that are over."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # a multiple of the window length
    count = models.PositiveIntegerField(default=0)
    last_at = models.FloatField()  # the latest hit, for delays that grow with each failure
    expires_at = models.BigIntegerField(db_index=True)  # window_start + the window length

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratecount_key_window"),
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"


class WorkerHeartbeat(models.Model):
    """One row per named worker; the admin workbench shows it red when stale."""

    name = models.CharField(max_length=100, primary_key=True)
    pid = models.PositiveIntegerField(null=True)
    host = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    tasks_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    @property
    def is_stale(self) -> bool:
        age = timezone.now() - self.beat_at
        return age.total_seconds() > settings.WORKER_HEARTBEAT_STALE_SECONDS

    def __str__(self) -> str:
        return self.name


class ScanState(models.Model):
    """When a periodic scan last ran and is next due; claimed with a conditional UPDATE."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_result = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """A long job (import, export, scan) with progress and log lines the UI shows."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    region = models.ForeignKey(
        settings.SHEGONG_REGION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Who runs it, set when it is claimed (``core.jobs.claim``): a worker's name (its heartbeat
    # row) or web@host:pid for a job run inside a request. The ``jobs.interrupted`` scan fails
    # a running job whose process is gone.
    worker = models.CharField("执行进程", max_length=100, blank=True)
    worker_host = models.CharField(max_length=100, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="core_jobrun_status_idx")]

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """An in-app inbox entry. Every notify() writes one, whatever else is configured."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField("事件", max_length=60)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message to send through one external channel: the outbox the worker drains."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        DIGESTED = "digested", "已合并发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField(max_length=60, db_index=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, related_name="deliveries"
    )
    address = models.CharField(max_length=200, blank=True)  # phone for SMS; blank for robots
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest_of = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["channel", "status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel}: {self.title}"
