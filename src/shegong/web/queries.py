"""Read side of the platform tables: audit search, the inbox, the system status page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from shegong.core.audit import VERB_LABELS, Verb
from shegong.core.errors import NotFound
from shegong.core.models import AuditEvent, JobRun, Notification, ScanState, WorkerHeartbeat
from shegong.core.perms import reads_full_audit
from shegong.core.scans import SCANS
from shegong.core.scope import in_subtree
from shegong.core.verbs import SECURITY_VERBS
from shegong.regions.choices import Level
from shegong.regions.models import Region

# --- audit -----------------------------------------------------------------------------------

# Levels at or above which a district admin is the deployment's platform administrator.
_PLATFORM_LEVELS = {Level.PROVINCE, Level.CITY, Level.DISTRICT}


def sees_platform_events(user: Any) -> bool:
    """Whether ``user`` may see rows that belong to no region (logins, purges, demo loads …).

    Such rows concern the platform as a whole, so only its administrators see them: superusers
    and a district admin acting in a district-level (or higher) scope. A street or community
    user sees only rows of their own subtree, and a district admin acting in a street scope is,
    for that session, a street user.
    """
    if user.is_superuser:
        return True
    membership = user.active_membership
    return (
        membership is not None
        and membership.role == "district_admin"
        and membership.region.level in _PLATFORM_LEVELS
    )


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The audit rows ``user`` may see.

    The audit administrator (三员) reads the whole trail: every region, regionless rows, and the
    account and security events (logins, roles, passwords, second factor: ``SECURITY_VERBS``),
    which record what the system and security administrators do. Everyone else with
    ``audit.view`` (superusers included) reads their region scope, plus regionless rows for
    platform administrators (see ``sees_platform_events``), without the security events.
    """
    if reads_full_audit(user):
        return AuditEvent.objects.all()
    visible = AuditEvent.objects.visible_to(user)
    if sees_platform_events(user) and not user.is_superuser:
        visible = visible | AuditEvent.objects.filter(region__isnull=True)
    return visible.exclude(verb__in=SECURITY_VERBS)


def access_audit_event(user: Any, pk: int) -> AuditEvent:
    """One audit row inside the caller's scope; missing and forbidden both raise NotFound."""
    event = audit_events_visible_to(user).select_related("region").filter(pk=pk).first()
    if event is None:
        raise NotFound("未找到该审计记录，或不在您的工作范围内")
    return event


@dataclass(frozen=True)
class AuditFilter:
    """A parsed audit search. Dates are calendar days in Asia/Shanghai (TIME_ZONE)."""

    actor: str = ""
    verb: int | None = None
    target: str = ""
    region: str = ""  # a region code inside the caller's scope; its subtree is searched
    date_from: date | None = None
    date_to: date | None = None
    success: bool | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_audit(user: Any, search: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit rows visible to ``user`` matching ``search``, newest first.

    The actor keyword matches the stored label (name with masked phone) or, when it is a whole
    11-digit mobile number, the actor's phone exactly: a partial-phone search would let a user
    recover a masked number digit by digit.
    """
    qs = audit_events_visible_to(user)
    if search.actor:
        keyword = search.actor.strip()
        # Labels are stored masked, so a name is matched on the account itself.
        condition = Q(actor_label__icontains=keyword) | Q(actor__name=keyword)
        if keyword.isdigit() and len(keyword) == 11:
            condition |= Q(actor__phone=keyword)
        qs = qs.filter(condition)
    if search.verb is not None:
        qs = qs.filter(verb=search.verb)
    if search.target:
        keyword = search.target.strip()
        qs = qs.filter(
            Q(target_type__icontains=keyword)
            | Q(target_id=keyword)
            | Q(target_label__icontains=keyword)
        )
    if search.region:
        region = Region.objects.visible_to(user).filter(code=search.region).first()
        qs = in_subtree(qs, region.prefix) if region else qs.none()
    if search.date_from:
        qs = qs.filter(at__gte=_day_start(search.date_from))
    if search.date_to:
        qs = qs.filter(at__lt=_day_start(search.date_to + timedelta(days=1)))
    if search.success is not None:
        qs = qs.filter(success=search.success)
    return qs.select_related("region").order_by("-at", "-id")


def audit_region_choices(user: Any) -> list[tuple[str, str]]:
    """Regions offered in the audit filter: the caller's subtree down to communities."""
    rows = (
        Region.objects.visible_to(user)
        .exclude(level=Level.GRID)
        .exclude(level__in=[Level.PROVINCE, Level.CITY])
        .values_list("code", "name", "level")
        .order_by("code")
    )
    indent = {Level.DISTRICT: 0, Level.STREET: 1, Level.COMMUNITY: 2}
    return [(code, "　" * indent.get(Level(level), 0) + name) for code, name, level in rows]


AUDIT_EXPORT_HEADERS = [
    ("时间", 20),
    ("操作人", 22),
    ("操作", 16),
    ("对象类型", 18),
    ("对象编号", 18),
    ("对象", 28),
    ("区划代码", 17),
    ("区划", 16),
    ("来源IP", 16),
    ("渠道", 8),
    ("结果", 8),
]


def audit_export_rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The rows of an audit export, read in chunks (no model instances, constant memory)."""
    fields = (
        "at",
        "actor_label",
        "verb",
        "target_type",
        "target_id",
        "target_label",
        "region_id",
        "region__name",
        "ip",
        "via",
        "success",
    )
    for at, actor, verb, ttype, tid, label, code, rname, ip, via, ok in qs.values_list(
        *fields
    ).iterator(chunk_size=2000):
        try:
            verb_label = VERB_LABELS[Verb(verb)]
        except ValueError:
            verb_label = str(verb)
        yield [
            at,
            actor,
            verb_label,
            ttype,
            tid,
            label,
            code or "",
            rname or "",
            ip or "",
            via,
            "成功" if ok else "失败",
        ]


# --- inbox -----------------------------------------------------------------------------------


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications (never anyone else's): unread first, then newest."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    unread_rank = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(unread_rank, "-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (for the badge in the top bar)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user, unread_only=True).order_by().count()  # the inbox's 未读 tab, counted


def access_notification(user: Any, pk: int) -> Notification:
    notification = Notification.objects.filter(recipient_id=user.pk, pk=pk).first()
    if notification is None:
        raise NotFound("未找到该消息")
    return notification


# --- system status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanRow:
    name: str
    title: str
    interval: timedelta
    state: ScanState | None

    @property
    def interval_label(self) -> str:
        seconds = int(self.interval.total_seconds())
        for size, unit, single in (
            (86400, "天", "每天"),
            (3600, "小时", "每小时"),
            (60, "分钟", "每分钟"),
        ):
            if seconds % size == 0:
                count = seconds // size
                return single if count == 1 else f"每 {count} {unit}"
        return f"每 {seconds} 秒"

    @property
    def overdue(self) -> bool:
        """Due for longer than two intervals: the worker is not picking it up."""
        if self.state is None:
            return False
        return timezone.now() - self.state.next_run_at > 2 * self.interval


@dataclass(frozen=True)
class SystemStatus:
    heartbeats: list[WorkerHeartbeat]
    worker_running: bool
    scans: list[ScanRow]
    jobs: list[JobRun]
    task_counts: dict[str, int]
    audit_retention_days: int
    stale_after_seconds: int


TASK_STATUS_LABELS = {
    "READY": "等待执行",
    "RUNNING": "执行中",
    "SUCCESSFUL": "已完成",
    "FAILED": "失败",
}


def system_status(user: Any, *, jobs: int = 20) -> SystemStatus:
    """Everything the 运行状态 page shows, in a fixed number of queries."""
    from django_tasks_db.models import DBTaskResult

    heartbeats = list(WorkerHeartbeat.objects.order_by("name"))
    states = ScanState.objects.in_bulk(list(SCANS))
    scans = [
        ScanRow(scan.name, scan.title, scan.interval, states.get(scan.name))
        for scan in sorted(SCANS.values(), key=lambda s: s.name)
    ]
    job_rows = JobRun.objects.visible_to(user)
    if sees_platform_events(user) and not user.is_superuser:
        job_rows = job_rows | JobRun.objects.filter(region__isnull=True)
    counts = {status: 0 for status in TASK_STATUS_LABELS}
    for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return SystemStatus(
        heartbeats=heartbeats,
        worker_running=any(not hb.is_stale for hb in heartbeats),
        scans=scans,
        jobs=list(job_rows.order_by("-created_at")[:jobs]),
        task_counts=counts,
        audit_retention_days=max(settings.AUDIT_RETENTION_DAYS, 180),
        stale_after_seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS,
    )
