"""Who runs a job, and whether that process is gone.

A ``JobRun`` is claimed with ``claim()``: a conditional UPDATE queued → running that also
records the process running it — the worker's name (its ``WorkerHeartbeat`` row) or
``web@host:pid`` for a small job run inside a request — with its host, pid and start time.
django-tasks-db records the worker's name in ``DBTaskResult.worker_ids`` itself.

``owner_gone()`` decides whether that process is gone, from what can be known for sure:

* the heartbeat row of that name now belongs to another process (a worker restarted under a
  fixed ``--name``: other pid, or started after the job) → gone;
* the process is on this host → gone exactly when its pid no longer exists (the common case:
  ``shegong serve`` restarts its worker on the same host, and the new worker runs the scan);
* on another host → gone when its worker heartbeat is stale (red on the system page; a thread
  keeps it fresh while a long task runs, ``Worker.beating_meanwhile``); a job without any
  heartbeat (run inside a web request elsewhere) once it is older than any request can run.

The JobRun itself is not touched while a job runs: an import writes in ONE transaction, and on
SQLite nothing else can write meanwhile, so a per-job heartbeat could not be kept fresh.
``actions.fail_interrupted_jobs`` (the ``jobs.interrupted`` scan) uses this.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import JobRun

if TYPE_CHECKING:
    from .models import WorkerHeartbeat


class WorkerGone(Exception):
    """The process running a task stopped before the task finished."""


# Set by ``Worker.run`` in the worker process: jobs claimed there belong to that worker.
CURRENT_WORKER = ""
# A job run inside a web request on another host, not finished after this long, is gone
# (gunicorn kills a request after 30 s by default).
REQUEST_JOB_MAX = timedelta(hours=1)
# A running job from before owners were recorded is considered gone after this long.
UNOWNED_JOB_MAX = timedelta(days=1)


def hostname() -> str:
    return socket.gethostname()[:100]


def owner_fields() -> dict[str, object]:
    """The running-job columns naming this process."""
    pid = os.getpid()
    return {
        "worker": CURRENT_WORKER or f"web@{hostname()}:{pid}"[:100],
        "worker_host": hostname(),
        "worker_pid": pid,
        "started_at": timezone.now(),
    }


def claim(jobs: QuerySet[JobRun]) -> int:
    """queued → running for this process; how many rows it claimed (0: someone else did)."""
    return jobs.filter(status=JobRun.Status.QUEUED).update(
        status=JobRun.Status.RUNNING, **owner_fields()
    )


def process_gone(host: str, pid: int | None) -> bool | None:
    """Whether process ``pid`` of ``host`` is gone; None when that cannot be seen from here."""
    if not pid or host != hostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user
        return False
    return False


def owner_gone(
    *,
    name: str,
    host: str,
    pid: int | None,
    since: datetime | None,
    beat: WorkerHeartbeat | None,
    now: datetime,
) -> bool:
    """Whether the process named ``name`` (on ``host`` with ``pid``, if known) that started a
    job at ``since`` is gone. ``beat``: the heartbeat row of that name, if any."""
    if not name:
        return since is None or since < now - UNOWNED_JOB_MAX
    if beat is not None:
        if since is not None and beat.started_at > since:
            return True  # that worker restarted after the job began
        if pid and (beat.host, beat.pid) != (host, pid):
            return True  # the name now belongs to another process
        host, pid = host or beat.host, pid or beat.pid
    local = process_gone(host, pid)
    if local is not None:
        return local
    if beat is not None:
        return beat.is_stale
    return since is None or since < now - REQUEST_JOB_MAX
