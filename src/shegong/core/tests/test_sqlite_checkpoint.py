"""The worker's WAL checkpoint (core.sqlite.base.checkpoint, the sqlite.checkpoint scan)."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from shegong.core import scans
from shegong.core.sqlite.base import DatabaseWrapper, checkpoint

pytestmark = pytest.mark.django_db


def _file_database(path):
    pragmas = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=8000;"
    database = {"ENGINE": "shegong.core.sqlite", "NAME": str(path)}
    database["OPTIONS"] = {"init_command": pragmas}
    settings = connections.configure_settings({"default": database})["default"]
    return DatabaseWrapper(settings, alias="checkpoint_test")


def test_the_checkpoint_copies_the_log_back_and_leaves_the_rows(tmp_path):
    wrapper = _file_database(tmp_path / "wal.sqlite3")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
            cursor.executemany("INSERT INTO t (body) VALUES (%s)", [("x" * 500,)] * 2000)
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == 8000  # the requests leave the log alone
        assert (tmp_path / "wal.sqlite3-wal").stat().st_size > 1_000_000
        result = checkpoint(wrapper)
        assert result["busy"] is False and result["log_pages"] > 200
        assert result["checkpointed"] == result["log_pages"]
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            assert cursor.fetchone()[0] == 2000
    finally:
        wrapper.close()


def test_the_scan_is_registered_and_skips_other_databases():
    scans.autodiscover()
    scan = scans.SCANS["sqlite.checkpoint"]
    assert scan.interval.total_seconds() == 30
    if connection.vendor == "sqlite":  # the tests' in-memory database has no log
        assert scan.function() == {"skipped": "sqlite"}
    else:
        assert scan.function() == {"skipped": connection.vendor}
