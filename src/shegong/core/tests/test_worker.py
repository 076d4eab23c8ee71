"""The worker: heartbeat, periodic scans, queued tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shegong.core import deliveries, notify, scans
from shegong.core.models import Delivery, ScanState, WorkerHeartbeat
from shegong.core.tasks import send_deliveries
from shegong.core.worker import Worker, default_name


# The worker checks connections and opens its own transactions like in production, so these
# tests run outside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_one_iteration_runs_a_queued_task_and_beats(resident, settings):
    settings.NOTIFY_CHANNELS = "console"
    notify.notify(resident, "test.hello", {"title": "新工单"})  # autocommit: task enqueued
    assert DBTaskResult.objects.ready().count() == 1

    call_command("worker", "--once", "--name", "测试进程")

    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    beat = WorkerHeartbeat.objects.get(name="测试进程")
    assert beat.tasks_done == 1
    assert not beat.is_stale


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_upserted_every_iteration():
    worker = Worker(name="w1")
    worker.run(once=True)
    first = WorkerHeartbeat.objects.get(name="w1").beat_at
    worker.run(once=True)
    beat = WorkerHeartbeat.objects.get(name="w1")
    assert beat.beat_at > first
    assert beat.started_at <= first
    assert WorkerHeartbeat.objects.count() == 1


def test_the_default_name_says_host_and_pid():
    import os

    assert default_name().startswith("worker@")
    assert default_name().endswith(f":{os.getpid()}")


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_does_not_stop_the_worker(resident, settings, monkeypatch):
    settings.NOTIFY_CHANNELS = "console"
    original = deliveries.send_due

    def send_due(channel, **kwargs):
        if channel == "坏":
            raise RuntimeError("provider bug")
        return original(channel, **kwargs)

    monkeypatch.setattr(deliveries, "send_due", send_due)
    send_deliveries.enqueue("坏")
    notify.notify(resident, "test.hello", {"title": "新工单"})
    Worker(name="w").run(once=True)
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "FAILED",
        "SUCCESSFUL",
    ]
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.fixture
def only_scans(monkeypatch):
    """Replace the registry with the scans of one test."""
    registry: dict[str, scans.Scan] = {}
    monkeypatch.setattr(scans, "SCANS", registry)
    monkeypatch.setattr(scans, "autodiscover", lambda: None)
    return registry


def _add(registry, name, function, minutes=1):
    registry[name] = scans.Scan(name, timedelta(minutes=minutes), function, name)


def test_a_failing_scan_does_not_stop_the_others(db, only_scans):
    ran = []

    def boom():
        raise ValueError("坏数据")

    _add(only_scans, "test.boom", boom)
    _add(only_scans, "test.ok", lambda: ran.append(1) or "ok")

    assert scans.run_due_scans() == ["test.boom", "test.ok"]
    assert ran == [1]
    assert ScanState.objects.get(name="test.boom").last_error == "ValueError: 坏数据"
    ok = ScanState.objects.get(name="test.ok")
    assert (ok.last_result, ok.last_error, ok.runs) == ("ok", "", 1)


def test_a_scan_runs_once_within_its_interval(db, only_scans):
    ran = []
    _add(only_scans, "test.once", lambda: ran.append(1), minutes=5)
    now = timezone.now()
    scans.run_due_scans(now)
    scans.run_due_scans(now + timedelta(seconds=30))
    assert ran == [1]
    scans.run_due_scans(now + timedelta(minutes=5))
    assert ran == [1, 1]
    assert ScanState.objects.get(name="test.once").runs == 2


def test_the_worker_registers_the_notify_flush_scan(db):
    scans.autodiscover()
    assert "notify.flush" in scans.SCANS
    assert "audit.purge" in scans.SCANS


@pytest.mark.django_db(transaction=True)
def test_a_thread_keeps_the_heartbeat_fresh_while_a_long_task_runs_except_on_sqlite():
    import threading
    import time

    from django.db import connection

    worker = Worker(name="w-long")
    worker.beat()
    first = WorkerHeartbeat.objects.get(name="w-long").beat_at
    with worker.beating_meanwhile(period=0.05):
        time.sleep(0.6)  # a long import: the loop cannot beat
    later = WorkerHeartbeat.objects.get(name="w-long").beat_at
    if connection.vendor == "sqlite":
        assert later == first  # the import would hold the one write lock; the pid decides
    else:
        assert later > first
    assert not any(t.name == "heartbeat" for t in threading.enumerate())
