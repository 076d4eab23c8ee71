"""Django's SQLite backend with one write transaction at a time per process, queued fairly.

SQLite has one writer at a time. A thread that finds the write lock taken waits in SQLite's
busy handler, which sleeps in growing steps (1, 2, 5 … 100 ms) and retries: under a burst of
submissions from one web process's threads, most of the time goes to those sleeps, and the
order is luck. Here a thread takes a process-wide Python lock before ``BEGIN IMMEDIATE`` and
gives it back at COMMIT/ROLLBACK, so the threads of one process queue for the writer without
sleeping; only writers of OTHER processes (the second gunicorn worker, the task worker) still
meet SQLite's busy handler. Measured with ``shegong bench report_intake``.

Only for a database file: the in-memory test database is left as Django has it.

WAL checkpoints: SQLite copies the write-ahead log back into the database file when a COMMIT
finds the log over ``wal_autocheckpoint`` pages, inside that COMMIT — a request that happens to
cross the line waits for the copy (``shegong bench hours`` saw one approval in fifty take 6×
the median for it). The worker checkpoints every half minute instead (``checkpoint``, the
``sqlite.checkpoint`` scan), and settings' ``init_command`` raises the automatic limit from
1,000 to 8,000 pages (32 MB), the safety net for a machine without a worker.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_WRITE_LOCK = threading.Lock()
LOCK_TIMEOUT_SECONDS = 20


def checkpoint(connection: Any) -> dict[str, Any]:
    """Copy the write-ahead log into the database file without blocking anyone (PASSIVE: pages
    a reader still needs wait for the next run). Nothing to do for PostgreSQL or an in-memory
    database. Returns what SQLite reports: log pages, pages copied, and whether it was busy."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return {"skipped": connection.vendor}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, log_pages, copied = cursor.fetchone()
    return {"busy": bool(busy), "log_pages": log_pages, "checkpointed": copied}


class DatabaseWrapper(base.DatabaseWrapper):
    # Every ``type: ignore[misc]`` below: the methods overridden here are private to Django's
    # backends and django-stubs leaves them out, so mypy reports each ``super()`` call to one
    # as undefined in the superclass. Django itself has them (base and sqlite3 backends).

    _holds_write_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        if self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()  # type: ignore[misc]
        # Bounded like SQLite's own busy timeout: should a writer of this process ever hang
        # with its transaction open, the others fall back to SQLite's busy handler (and its
        # "database is locked" error) instead of waiting here forever.
        self._holds_write_lock = _WRITE_LOCK.acquire(timeout=LOCK_TIMEOUT_SECONDS)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _WRITE_LOCK.release()

    def _commit(self) -> None:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
