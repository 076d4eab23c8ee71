"""Cross-cutting tables: audit trail, idempotency, rate limits, worker heartbeats, scans, jobs,
notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

from . import auditchain
from .verbs import VERB_LABELS, Verb


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted through the ORM."""


# The database refuses to DELETE an audit entry younger than this many days whatever the
# setting (migration 0006): the legal floor (网络安全法: network logs kept six months or more).
AUDIT_RETENTION_FLOOR_DAYS = 180
# The purge keeps entries this much longer than the retention, so that a clock of the
# application server slightly ahead of the database's never makes the database refuse it.
PURGE_CLOCK_MARGIN = timedelta(hours=1)


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除；过期清理请用 audit.purge_expired()")

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            self.seal(objs)
            return super().bulk_create(objs, *args, **kwargs)

    def chain_head(self) -> str:
        """The hash a new entry links to: the newest entry's, else the newest anchor's."""
        last = self.order_by("-id").values_list("hash", flat=True).first()
        return last if last is not None else chain_anchor(self.db)[1]

    def seal(self, entries: Iterable[Any]) -> None:
        """Set prev_hash and hash on unsaved AuditEvents (or dicts of ``auditchain.FIELDS``), in
        insert order. Takes the chain lock: call inside the transaction that inserts them,
        right before the INSERT."""
        auditchain.lock(self.db)
        prev = self.chain_head()
        for entry in entries:
            if isinstance(entry, dict):
                entry["prev_hash"] = prev
                entry["hash"] = prev = auditchain.entry_hash(prev, entry)
            else:
                entry.prev_hash = prev
                values = {f: getattr(entry, f) for f in auditchain.FIELDS}
                entry.hash = prev = auditchain.entry_hash(prev, values)


def chain_anchor(using: str = "default") -> tuple[int, str]:
    """(id of the last purged entry, its hash): where the surviving chain starts."""
    row = (
        AuditChainAnchor.objects.using(using)
        .order_by("-id")
        .values_list("through_id", "hash")
        .first()
    )
    return row or (0, auditchain.GENESIS)


# The channels an entry came through (``AuditEvent.via``, set by ``audit.audit_context``).
VIA_LABELS = {
    "web": "网页",
    "api": "接口",
    "cli": "命令行",
    "task": "后台任务",
    "system": "系统",
}


def model_of(label: str) -> type[models.Model] | None:
    """The model a label such as ``reports.report`` names, or None."""
    if not label:
        return None
    try:
        return django_apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_name(label: str) -> str:
    """The Chinese name of the model a label names ("记录证明申请"), for people to read: a model
    without a Chinese verbose_name (Django's default is English) is just "对象"."""
    model = model_of(label)
    name = str(model._meta.verbose_name) if model is not None else ""
    return name if name and not name.isascii() else ("对象" if label else "")


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
    # The hash chain (core.auditchain): the previous entry's hash and this one's.
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, blank=True, editable=False)

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

    @property
    def via_label(self) -> str:
        return VIA_LABELS.get(self.via, self.via)

    @property
    def target_model(self) -> type[models.Model] | None:
        """The model ``target_type`` names (a label such as ``reports.report``), if it exists."""
        return model_of(self.target_type)

    @property
    def target_type_label(self) -> str:
        """The Chinese name of the target's kind ("记录证明申请"), never the model label."""
        return model_name(self.target_type)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # No savepoint: inside an action's transaction this adds nothing; called alone, the
        # lock taken by seal() lasts until the INSERT is committed.
        with transaction.atomic(using=using, savepoint=False):
            AuditEvent.objects.using(using).seal([self])
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditTarget(models.Model):
    """One record a bulk entry touched: the per-row detail of a ledger import's single
    ``LEDGER_IMPORTED`` entry (which record, created or joined how), in place of an entry per
    row. The entry's ``data["targets_sha256"]`` is the digest of its rows in id order
    (``audit.targets_digest``), so the hash chain covers them too. Written in bulk
    (``core.bulk.insert_rows``); never changed; purged with its entry."""

    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name="审计日志",
    )  # fmt: skip
    verb = models.PositiveSmallIntegerField("操作")
    target_type = models.CharField("对象类型", max_length=60)
    target_id = models.CharField("对象编号", max_length=64)
    target_label = models.CharField("对象", max_length=200, blank=True)
    detail = models.CharField("说明", max_length=64, blank=True)

    class Meta:
        verbose_name = "审计日志对象"
        verbose_name_plural = "审计日志对象"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.target_type} {self.target_id}"

    @property
    def verb_label(self) -> str:
        try:
            return VERB_LABELS[Verb(self.verb)]
        except ValueError:
            return str(self.verb)


class AuditChainAnchor(models.Model):
    """Where the hash chain starts after a purge: the last purged entry. Append-only."""

    through_id = models.BigIntegerField("清理至")
    hash = models.CharField("哈希", max_length=64)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "审计日志链锚点"
        verbose_name_plural = "审计日志链锚点"

    def __str__(self) -> str:
        return f"#{self.through_id} {self.hash[:12]}"


class AuditChainVerification(models.Model):
    """One row: the head the verify scan last found intact, and the break it last reported."""

    name = models.CharField(max_length=20, primary_key=True, default="chain")
    through_id = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(null=True)
    reported_break = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"#{self.through_id}"


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


class CalendarDay(models.Model):
    """A holiday (放假) or make-up working day (调休上班) the district administrator entered
    (/system/calendar/): it overrides ``chinese-calendar`` for that date (``core.workdays``).
    Only days that differ from Monday–Friday need entering; the rest follow the week."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班")
    name = models.CharField("名称", max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="录入人",
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name = "节假日日历"
        verbose_name_plural = "节假日日历"

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.day:%Y-%m-%d} {kind} {self.name}".strip()


class CalendarYear(models.Model):
    """A year whose holidays and make-up days the administrators entered and confirmed
    complete (确认本年度安排已录入完整): from then on the year counts as known to the calendar
    (``workdays.calendar_covers``) even when ``chinese-calendar`` does not carry it."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    complete = models.BooleanField("已录入完整", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "节假日日历年度"
        verbose_name_plural = "节假日日历年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class ImportMapping(models.Model):
    """A user's column mapping for one importer (``"ledger.organizations"``): which field each
    header of their file feeds, and constants for fields the file lacks. One per user and
    importer; offered again when a file with the same headers (``signature``) arrives."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    importer = models.CharField("导入表", max_length=60)
    signature = models.CharField("表头特征", max_length=64)
    headers = models.JSONField("表头", default=list)
    columns = models.JSONField("对应字段", default=list)
    constants = models.JSONField("统一值", default=dict, blank=True)
    updated_at = models.DateTimeField("保存时间", default=timezone.now)

    # Personal, like import jobs: read only by the user's own id (no region to scope by).
    objects: models.Manager[ImportMapping] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "importer"], name="core_import_mapping_once")
        ]
        verbose_name = "导入列对应"
        verbose_name_plural = "导入列对应"

    def __str__(self) -> str:
        return f"{self.importer}（{len(self.headers)}列）"
