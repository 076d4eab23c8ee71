"""Django's SQLite backend with one write transaction at a time per process, queued fairly.

SQLite has one writer at a time. A thread that finds the write lock taken waits in SQLite's
busy handler, which sleeps in growing steps (1, 2, 5 … 100 ms) and retries: under a burst of
submissions from one web process's threads, most of the time goes to those sleeps, and the
order is luck. Here a thread takes a process-wide Python lock before ``BEGIN IMMEDIATE`` and
gives it back at COMMIT/ROLLBACK, so the threads of one process queue for the writer without
sleeping; only writers of OTHER processes (the second gunicorn worker, the task worker) still
meet SQLite's busy handler. Measured with ``shegong bench report_intake``.

Only for a database file: the in-memory test database is left as Django has it.
"""

from __future__ import annotations

import threading

from django.db.backends.sqlite3 import base

_WRITE_LOCK = threading.Lock()
LOCK_TIMEOUT_SECONDS = 20


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        if self.is_in_memory_db():
            return super()._start_transaction_under_autocommit()
        # Bounded like SQLite's own busy timeout: should a writer of this process ever hang
        # with its transaction open, the others fall back to SQLite's busy handler (and its
        # "database is locked" error) instead of waiting here forever.
        self._holds_write_lock = _WRITE_LOCK.acquire(timeout=LOCK_TIMEOUT_SECONDS)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _WRITE_LOCK.release()

    def _commit(self) -> None:
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            return super()._close()
        finally:
            self._release_write_lock()
