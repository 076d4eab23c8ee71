"""State changes of the platform tables that belong to no domain app (the inbox, …)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import audit, jobs, workdays
from .errors import InvalidInput, NotPermitted
from .holidays import Entry
from .models import CalendarDay, CalendarYear, JobRun, Notification, WorkerHeartbeat
from .perms import require_calendar_admin
from .verbs import Verb

INTERRUPTED_LOG = "后台任务中断：执行它的工作进程（{worker}）已停止，任务没有完成，请重新导入。"


@transaction.atomic(durable=True)
def mark_notifications_read(user: Any, ids: Iterable[int] | None = None, *, actor: Any) -> int:
    """Mark the user's own notifications read: those in ``ids``, or all unread when None.

    Returns how many changed. Ids of other users' notifications are ignored, never an error
    that would reveal they exist. Only the recipient may do this.

    Not audited: marking a message read changes only the reader's own view of their own inbox;
    it grants nothing, reveals no one's data and changes no shared record, so an audit row
    would be noise among the security events the log exists for.
    """
    if actor is None or actor.pk != user.pk:
        raise NotPermitted("只能标记自己的消息")
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    # A conditional UPDATE: a notification already read keeps its first read_at.
    return unread.update(read_at=timezone.now())


def fail_interrupted_jobs(*, actor: Any = None, now: datetime | None = None) -> dict[str, int]:
    """Mark failed every running job and task whose process is gone (``jobs.owner_gone``).

    A ``JobRun`` gets status failed, ``finished_at`` and a log line saying why, so its page
    shows 失败 instead of a progress bar that never moves; a django-tasks-db task stuck in
    RUNNING gets FAILED with ``WorkerGone``. Nothing is re-queued: a job that killed its worker
    (out of memory) would kill the next one, and core cannot tell which jobs are safe to run
    twice; the person re-imports, and the platform's own work (pending deliveries) is redone by
    its periodic scans anyway. Idempotent; one audit entry per run that failed something.

    The search only reads; the write transaction is opened only when something is to be failed
    (on SQLite a transaction takes the one write lock, which a long import may hold).
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    beats = {beat.name: beat for beat in WorkerHeartbeat.objects.all()}
    gone_jobs = [
        job
        for job in JobRun.objects.filter(status=JobRun.Status.RUNNING)
        if jobs.owner_gone(
            name=job.worker,
            host=job.worker_host,
            pid=job.worker_pid,
            since=job.started_at or job.created_at,
            beat=beats.get(job.worker),
            now=now,
        )
    ]
    by_task_id = {name[:64]: beat for name, beat in beats.items()}
    gone_tasks = [
        task
        for task in DBTaskResult.objects.filter(status="RUNNING")
        if jobs.owner_gone(
            name=_task_worker(task),
            host="",
            pid=None,
            since=task.started_at,
            beat=by_task_id.get(_task_worker(task)),
            now=now,
        )
    ]
    if not gone_jobs and not gone_tasks:
        return {"jobs": 0, "tasks": 0}
    return _fail_gone(gone_jobs, gone_tasks, actor=actor, now=now)


def _task_worker(task: Any) -> str:
    return task.worker_ids[-1] if task.worker_ids else ""


@transaction.atomic(durable=True)
def _fail_gone(
    gone_jobs: list[JobRun], gone_tasks: list[Any], *, actor: Any, now: datetime
) -> dict[str, int]:
    """Each row changes with a conditional UPDATE (still running, same owner), so a job that
    finished meanwhile keeps its outcome."""
    from django_tasks_db.models import DBTaskResult

    failed_jobs = [
        job.pk
        for job in gone_jobs
        if JobRun.objects.filter(
            pk=job.pk, status=JobRun.Status.RUNNING, worker=job.worker, started_at=job.started_at
        ).update(
            status=JobRun.Status.FAILED,
            log=INTERRUPTED_LOG.format(worker=job.worker or "未知"),
            finished_at=now,
        )
    ]
    gone = f"{jobs.WorkerGone.__module__}.{jobs.WorkerGone.__qualname__}"
    failed_tasks = [
        str(task.pk)
        for task in gone_tasks
        if DBTaskResult.objects.filter(
            pk=task.pk, status="RUNNING", worker_ids=task.worker_ids
        ).update(
            status="FAILED",
            finished_at=now,
            exception_class_path=gone,
            traceback=f"后台任务中断：执行它的工作进程（{_task_worker(task) or '未知'}）已停止 / "
            "the worker running this task is gone",
        )
    ]
    if failed_jobs or failed_tasks:
        audit.record(
            audit.Verb.JOBS_INTERRUPTED,
            actor=actor,
            data={"jobs": failed_jobs, "tasks": failed_tasks},
        )
    return {"jobs": len(failed_jobs), "tasks": len(failed_tasks)}


# --- the holiday calendar (/system/calendar/, core.workdays) ---------------------------------

CALENDAR_YEARS = (2000, 2100)


def _calendar_year(year: int) -> int:
    if not (CALENDAR_YEARS[0] <= int(year) <= CALENDAR_YEARS[1]):
        raise InvalidInput.field("year", f"年度应在 {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]} 之间")
    return int(year)


def _calendar_changed() -> None:
    # This process forgets its copy now and again once the change is committed (other
    # processes read the table again within workdays.OVERRIDES_TTL).
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)


@transaction.atomic(durable=True)
def set_calendar_year(year: int, entries: Sequence[Entry], *, actor: Any) -> int:
    """Make ``entries`` the year's holidays and make-up working days: the days entered for
    ``year`` before are replaced by the list (checked by ``core.holidays``). One audit entry;
    returns how many days the year now has."""
    require_calendar_admin(actor)
    year = _calendar_year(year)
    wrong = [e for e in entries if e.day.year != year]
    if wrong:
        raise InvalidInput.field("rows", f"日期 {wrong[0].day:%Y-%m-%d} 不在 {year} 年")
    if len({e.day for e in entries}) != len(entries):
        raise InvalidInput.field("rows", "同一日期出现了两次")
    before = CalendarDay.objects.filter(day__year=year)
    removed = before.count()
    before.delete()
    now = timezone.now()
    CalendarDay.objects.bulk_create(
        CalendarDay(day=e.day, is_workday=e.is_workday, name=e.name, entered_by=actor,
                    entered_at=now)
        for e in entries
    )  # fmt: skip
    audit.record(
        Verb.CALENDAR_DAYS_SAVED,
        actor=actor,
        data={
            "year": year,
            "holidays": sum(not e.is_workday for e in entries),
            "workdays": sum(e.is_workday for e in entries),
            "replaced": removed,
        },
    )
    _calendar_changed()
    return len(entries)


@transaction.atomic(durable=True)
def save_calendar_day(entry: Entry, *, actor: Any) -> CalendarDay:
    """Enter one day (or change the one entered for that date). One audit entry."""
    require_calendar_admin(actor)
    _calendar_year(entry.day.year)
    day, _ = CalendarDay.objects.update_or_create(
        day=entry.day,
        defaults={
            "is_workday": entry.is_workday,
            "name": entry.name,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    audit.record(
        Verb.CALENDAR_DAYS_SAVED,
        actor=actor,
        target=day,
        data={"year": entry.day.year, "day": entry.day.isoformat(), "workday": entry.is_workday},
    )
    _calendar_changed()
    return day


@transaction.atomic(durable=True)
def remove_calendar_day(day: date, *, actor: Any) -> None:
    """Remove an entered day: the date follows the package (or the week) again."""
    require_calendar_admin(actor)
    found = CalendarDay.objects.filter(day=day).first()
    if found is None:
        raise InvalidInput.field("day", f"{day:%Y-%m-%d} 没有录入，无需删除")
    found.delete()
    audit.record(
        Verb.CALENDAR_DAYS_SAVED,
        actor=actor,
        data={"year": day.year, "day": day.isoformat(), "removed": True},
    )
    _calendar_changed()


@transaction.atomic(durable=True)
def confirm_calendar_year(year: int, *, actor: Any) -> CalendarYear:
    """确认本年度安排已录入完整: the year counts as known from now on (the check and the
    system page stop warning about it). A year with nothing entered is refused."""
    require_calendar_admin(actor)
    year = _calendar_year(year)
    if not CalendarDay.objects.filter(day__year=year).exists():
        raise InvalidInput.field("year", f"{year} 年还没有录入任何放假或调休上班日期")
    row, _ = CalendarYear.objects.update_or_create(
        year=year,
        defaults={"complete": True, "confirmed_by": actor, "confirmed_at": timezone.now()},
    )
    audit.record(Verb.CALENDAR_YEAR_CONFIRMED, actor=actor, target=row, data={"year": year})
    _calendar_changed()
    return row
