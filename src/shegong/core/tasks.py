"""Background tasks and periodic scans of the platform itself (thin wrappers, STYLE.md rule 15)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from . import actions, deliveries
from .scans import periodic_scan


@task(queue_name="notify")
def send_deliveries(channel: str) -> dict[str, int]:
    """Send one channel's due deliveries (enqueued after the commit of a notify())."""
    return deliveries.send_due(channel)


@periodic_scan("notify.flush", every=timedelta(minutes=1), title="发送到期的外部通知")
def flush_notifications() -> dict[str, dict[str, int]]:
    return deliveries.flush()


@periodic_scan("sqlite.checkpoint", every=timedelta(seconds=30), title="整理数据库预写日志")
def checkpoint_sqlite() -> dict[str, object]:
    """Keep WAL checkpoints out of the requests' commits (``core.sqlite.base``)."""
    from django.db import connection

    from .sqlite.base import checkpoint

    return checkpoint(connection)


@periodic_scan(
    "jobs.interrupted", every=timedelta(minutes=1), title="标记执行进程已停止的后台任务为失败"
)
def fail_interrupted_jobs() -> dict[str, int]:
    return actions.fail_interrupted_jobs(actor=None)
