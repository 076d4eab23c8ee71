"""``shegong worker``: heartbeat, periodic scans and queued tasks in one loop.

Each iteration (a) upserts this worker's ``WorkerHeartbeat`` so the admin workbench shows it
alive (a thread keeps beating while tasks run, except on SQLite), (b) runs the scans that are
due (``scans.run_due_scans``; each claimed with a conditional UPDATE, so several workers never
run one twice), (c) drains ready tasks with django-tasks-db's own worker in batch mode, then
(d) sleeps ``interval`` seconds. SIGINT/SIGTERM finish the task
at hand and stop.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from . import jobs, scans
from .models import WorkerHeartbeat

if TYPE_CHECKING:
    from django_tasks_db.management.commands.db_worker import Worker as DbWorker

logger = logging.getLogger("shegong.worker")

# Tasks run per iteration at most, so the heartbeat stays fresh while a long queue drains.
TASKS_PER_ITERATION = 100


def default_name() -> str:
    return f"worker@{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(self, *, name: str | None = None, interval: float = 1.0, backend: str = "default"):
        self.name = (name or default_name())[:100]
        self.interval = interval
        self.backend = backend
        self.running = True
        self._drainer: DbWorker | None = None
        self.tasks_done = 0
        self.started_at = timezone.now()

    # --- one iteration ------------------------------------------------------------------------

    def beat(self) -> None:
        """Upsert this process's row. ``started_at`` is this process's start, also when a
        worker restarts under the same ``--name``: jobs it began before are then known gone."""
        WorkerHeartbeat.objects.update_or_create(
            name=self.name,
            defaults={
                "beat_at": timezone.now(),
                "started_at": self.started_at,
                "pid": os.getpid(),
                "host": socket.gethostname()[:100],
            },
        )

    def run_scans(self) -> list[str]:
        try:
            return scans.run_due_scans()
        except Exception:  # a broken scan registry must not kill the worker
            logger.exception("running due scans failed")
            return []

    def drain(self) -> int:
        """Run ready tasks through django-tasks-db's Worker (batch mode); return how many."""
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.compat import task_backends
        from django_tasks_db.management.commands.db_worker import Worker as DbWorker

        if not isinstance(task_backends[self.backend], DatabaseBackend):
            return 0  # another backend (e.g. RQ) has its own workers
        self._drainer = DbWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=self.backend,
            startup_delay=False,
            max_tasks=TASKS_PER_ITERATION,
            worker_id=self.name[:64],
            excluded_queue_names=[],
        )
        jobs.CURRENT_WORKER = self.name  # the JobRuns its tasks claim are this worker's
        try:
            with self.beating_meanwhile():
                self._drainer.run()
            done = self._drainer._run_tasks
        finally:
            self._drainer = None
            jobs.CURRENT_WORKER = ""
        if done:
            self.tasks_done += done
            WorkerHeartbeat.objects.filter(name=self.name).update(tasks_done=F("tasks_done") + done)
        return done

    @contextmanager
    def beating_meanwhile(self, period: float | None = None) -> Iterator[None]:
        """Keep the heartbeat fresh from a thread while a long task runs, so the system page
        and the ``jobs.interrupted`` scan of a worker on another host see this one alive.

        Not on SQLite: there a long import holds the one write lock, so the beat could not be
        written anyway, and every worker shares this host, where a dead pid is what decides.
        """
        if connection.vendor == "sqlite":
            yield
            return
        period = period or max(settings.WORKER_HEARTBEAT_STALE_SECONDS / 6, 1.0)
        done = threading.Event()

        def beat_until_done() -> None:
            try:
                while not done.wait(period):
                    try:
                        self.beat()
                    except Exception:  # the database may be briefly unreachable
                        logger.exception("background heartbeat failed")
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=beat_until_done, name="heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def iteration(self) -> dict[str, object]:
        self.beat()
        ran = self.run_scans()
        done = self.drain() if self.running else 0
        return {"scans": ran, "tasks": done}

    # --- the loop -----------------------------------------------------------------------------

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s stopping (%s)", self.name, signal.strsignal(signum))
        self.running = False
        if self._drainer is not None:
            self._drainer.running = False  # finish the task at hand, take no other

    def run(self, *, once: bool = False) -> None:
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        logger.info("worker %s started", self.name)
        try:
            while self.running:
                close_old_connections()
                try:
                    self.iteration()
                except Exception:  # the database may be briefly unreachable; keep looping
                    logger.exception("worker iteration failed")
                if once:
                    break
                deadline = time.monotonic() + self.interval
                while self.running and time.monotonic() < deadline:
                    time.sleep(min(0.2, self.interval))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker %s stopped", self.name)
