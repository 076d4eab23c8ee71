"""The system status page: is the worker running, are scans on time, what is queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.core.models import JobRun, ScanState, WorkerHeartbeat

BANNER = "后台任务进程未运行"
STALE = "已停止/心跳超时"


def status_page(client, user):
    client.force_login(user)
    response = client.get(reverse("system:status"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_red_when_no_worker_ever_beat(client, district_admin):
    page = status_page(client, district_admin)
    assert BANNER in page
    assert "尚无任何后台进程的心跳记录" in page


def test_it_is_red_when_the_heartbeat_is_stale(client, district_admin, settings):
    WorkerHeartbeat.objects.create(
        name="worker-1",
        pid=123,
        host="web1",
        beat_at=timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 5),
    )
    page = status_page(client, district_admin)
    assert BANNER in page
    assert STALE in page
    assert "worker-1" in page and "web1" in page


def test_a_fresh_heartbeat_is_green(client, district_admin):
    WorkerHeartbeat.objects.create(name="worker-1", pid=123, host="web1")
    WorkerHeartbeat.objects.create(name="worker-old", beat_at=timezone.now() - timedelta(days=1))
    page = status_page(client, district_admin)
    assert BANNER not in page
    assert "运行中" in page
    assert STALE in page  # the old one is still shown red


def test_scans_show_their_schedule_and_last_error(client, district_admin):
    ScanState.objects.create(
        name="audit.purge",
        last_error="OperationalError: database is locked",
        last_finished_at=timezone.now(),
        next_run_at=timezone.now() + timedelta(hours=1),
    )
    page = status_page(client, district_admin)
    assert "audit.purge" in page and "清理超过保存期限的审计日志" in page
    assert "每天" in page
    assert '<span class="text-danger">OperationalError: database is locked</span>' in page


def test_jobs_show_progress_and_the_queue_and_retention_are_shown(client, district_admin, settings):
    from django_tasks_db.models import DBTaskResult  # noqa: F401 - the table exists

    settings.AUDIT_RETENTION_DAYS = 200
    JobRun.objects.create(kind="import", title="导入区划", status="running", progress=30, total=120)
    page = status_page(client, district_admin)
    assert "导入区划" in page and 'style="width: 25%"' in page
    assert "任务队列" in page and "等待执行" in page
    assert '<span class="fs-4">200</span> 天' in page


@pytest.mark.parametrize("persona", ["street_a_staff", "community_a_worker", "resident"])
def test_only_system_viewers_may_open_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("system:status")).status_code == 403


def test_the_page_lists_every_registered_scan_and_speaks_chinese(client, district_admin):
    from datetime import timedelta

    from django.utils import timezone

    from shegong.core.models import WorkerHeartbeat
    from shegong.core.scans import SCANS

    WorkerHeartbeat.objects.create(name="w1", beat_at=timezone.now() - timedelta(minutes=5))
    client.force_login(district_admin)
    body = client.get("/system/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert {"audit.purge", "idempotency.purge", "notify.flush"} <= set(SCANS)
    for name in SCANS:
        assert name in body
    assert "minutes" not in body and "分钟" in body


def test_healthz_answers_anyone_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_broken_audit_chain_shows_as_the_verify_scans_error(client, district_admin):
    from django.db import connection

    from shegong.core import audit, scans

    entries = [audit.record(audit.Verb.LOGIN, actor=None) for _ in range(2)]
    with connection.cursor() as cursor:  # an attacker with rights on the database
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
        cursor.execute("UPDATE core_auditevent SET via = 'api' WHERE id = %s", [entries[1].pk])
    ScanState.objects.create(name="audit.verify_chain", next_run_at=timezone.now())
    assert "audit.verify_chain" in scans.run_due_scans()
    page = status_page(client, district_admin)
    assert "核验审计日志哈希链" in page
    assert "拒绝删除 180 天内的记录" in page
    assert f"审计日志哈希链在 #{entries[1].pk} 处断开" in page
