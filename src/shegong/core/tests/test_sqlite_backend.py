"""The SQLite backend's per-process writer queue (``shegong.core.sqlite``), on a database file."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from shegong.core.sqlite import base


@pytest.fixture
def file_db(tmp_path, django_db_blocker):
    """A second database alias on a real file (the test database itself is in memory); not
    a test database, so pytest-django's guard is lifted for it."""
    alias = f"queue_{tmp_path.name}"
    connections.settings[alias] = {
        **connections.settings["default"],
        "NAME": str(tmp_path / "queue.sqlite3"),
        "TEST": {"NAME": str(tmp_path / "queue.sqlite3")},
    }
    with django_db_blocker.unblock():
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def _writer(alias, log, name, hold):
    from django.db import connections as conns
    from django.db import transaction

    with transaction.atomic(using=alias):
        conns[alias].cursor().execute("INSERT INTO t (who) VALUES (%s)", [name])
        log.append(f"{name} in" if base._WRITE_LOCK.locked() else f"{name} unqueued")
        time.sleep(hold)
        log.append(f"{name} out")
    conns[alias].close()


@pytest.mark.skipif(connections["default"].vendor != "sqlite", reason="SQLite only")
def test_writers_of_one_process_take_turns_and_release_the_lock(file_db):
    with connections[file_db].cursor() as cursor:
        cursor.execute("CREATE TABLE t (who TEXT)")
    connections[file_db].close()
    log: list[str] = []
    threads = [threading.Thread(target=_writer, args=(file_db, log, n, 0.05)) for n in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Never two inside at once: every "in" is followed by its own "out".
    assert [entry.split()[1] for entry in log] == ["in", "out"] * 3
    assert not base._WRITE_LOCK.locked()
    with connections[file_db].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == 3


@pytest.mark.skipif(connections["default"].vendor != "sqlite", reason="SQLite only")
def test_a_failed_transaction_gives_the_lock_back(file_db):
    from django.db import transaction

    with connections[file_db].cursor() as cursor:
        cursor.execute("CREATE TABLE t (who TEXT)")
    with pytest.raises(ZeroDivisionError), transaction.atomic(using=file_db):
        connections[file_db].cursor().execute("INSERT INTO t (who) VALUES ('x')")
        1 / 0
    assert not base._WRITE_LOCK.locked()
