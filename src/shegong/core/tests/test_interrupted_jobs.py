"""The jobs.interrupted scan: a running job or task whose process is gone is marked failed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from shegong.core import actions, jobs, scans
from shegong.core.models import AuditEvent, JobRun, ScanState, WorkerHeartbeat
from shegong.core.verbs import Verb
from shegong.core.worker import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process of this host that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def stale(settings) -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 5)


def beat(name, *, host="web2", pid=4242, beat_at=None, started_at=None) -> WorkerHeartbeat:
    long_ago = timezone.now() - timedelta(hours=2)
    return WorkerHeartbeat.objects.create(
        name=name, host=host, pid=pid, beat_at=beat_at or timezone.now(),
        started_at=started_at or long_ago,
    )  # fmt: skip


def running_job(worker, *, host="web2", pid=4242, status="running", started_at=None) -> JobRun:
    return JobRun.objects.create(
        kind="ledger_import", title="导入组织：组织.xlsx", status=status, progress=50, total=100,
        worker=worker, worker_host=host, worker_pid=pid,
        started_at=started_at or timezone.now() - timedelta(minutes=10),
    )  # fmt: skip


def running_task(worker, *, started_at=None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [1], "kwargs": {}}, backend_name="default",
        task_path="shegong.ledger.tasks.ledger_import", run_after=get_date_max(),
        worker_ids=[worker], started_at=started_at or timezone.now() - timedelta(minutes=10),
    )  # fmt: skip


def test_a_job_whose_worker_stopped_beating_is_failed(settings):
    beat("worker@web2:4242", beat_at=stale(settings))
    job = running_job("worker@web2:4242")

    assert actions.fail_interrupted_jobs() == {"jobs": 1, "tasks": 0}

    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED
    assert job.finished_at is not None
    assert job.log.startswith("后台任务中断：执行它的工作进程（worker@web2:4242）已停止")
    assert "请重新导入" in job.log
    event = AuditEvent.objects.get(verb=Verb.JOBS_INTERRUPTED)
    assert event.data == {"jobs": [job.pk], "tasks": []}
    assert event.actor_label == "系统"


def test_a_job_whose_worker_beats_is_left_running():
    beat("worker@web2:4242")
    job = running_job("worker@web2:4242")

    assert actions.fail_interrupted_jobs() == {"jobs": 0, "tasks": 0}

    job.refresh_from_db()
    assert (job.status, job.log, job.finished_at) == ("running", "", None)
    assert not AuditEvent.objects.filter(verb=Verb.JOBS_INTERRUPTED).exists()


def test_on_this_host_a_dead_pid_decides_even_before_the_heartbeat_goes_stale(dead_pid):
    host = jobs.hostname()
    beat(f"worker@{host}:{dead_pid}", host=host, pid=dead_pid)  # beat a second ago
    job = running_job(f"worker@{host}:{dead_pid}", host=host, pid=dead_pid)

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.FAILED


def test_on_this_host_a_live_process_keeps_its_job_though_its_heartbeat_is_stale(settings):
    """A long import on SQLite blocks every other write, the heartbeat too: it is not dead."""
    host, pid = jobs.hostname(), os.getpid()
    beat("worker@long", host=host, pid=pid, beat_at=stale(settings))
    job = running_job("worker@long", host=host, pid=pid)

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.RUNNING


def test_a_worker_restarted_under_the_same_name_no_longer_runs_the_job():
    host = jobs.hostname()
    beat("worker-1", host=host, pid=os.getpid(), started_at=timezone.now())  # the new process
    job = running_job("worker-1", host=host, pid=os.getpid(),
                      started_at=timezone.now() - timedelta(minutes=1))  # fmt: skip

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.FAILED


def test_a_job_run_in_a_web_request_elsewhere_is_failed_only_when_far_too_old():
    young = running_job("web@web3:77", host="web3", pid=77)
    too_old = timezone.now() - jobs.REQUEST_JOB_MAX - timedelta(minutes=1)
    old = running_job("web@web3:78", host="web3", pid=78, started_at=too_old)

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=young.pk).status == JobRun.Status.RUNNING
    assert JobRun.objects.get(pk=old.pk).status == JobRun.Status.FAILED


def test_a_web_request_job_of_this_host_is_failed_once_its_process_died(dead_pid):
    """gunicorn kills a request that runs too long (or a web process crashes)."""
    host = jobs.hostname()
    job = running_job(f"web@{host}:{dead_pid}", host=host, pid=dead_pid,
                      started_at=timezone.now())  # fmt: skip

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.FAILED


def test_finished_and_queued_jobs_are_untouched(settings):
    beat("worker@web2:4242", beat_at=stale(settings))
    done = running_job("worker@web2:4242", status="succeeded")
    failed = running_job("worker@web2:4242", status="failed")
    queued = JobRun.objects.create(kind="ledger_import", title="排队", status="queued")

    assert actions.fail_interrupted_jobs() == {"jobs": 0, "tasks": 0}

    assert [JobRun.objects.get(pk=j.pk).status for j in (done, failed, queued)] == [
        "succeeded", "failed", "queued",
    ]  # fmt: skip
    assert JobRun.objects.get(pk=done.pk).log == ""


def test_the_action_is_idempotent(settings):
    beat("worker@web2:4242", beat_at=stale(settings))
    job = running_job("worker@web2:4242")
    task = running_task("worker@web2:4242")

    assert actions.fail_interrupted_jobs() == {"jobs": 1, "tasks": 1}
    first = JobRun.objects.get(pk=job.pk).finished_at
    assert actions.fail_interrupted_jobs() == {"jobs": 0, "tasks": 0}

    assert JobRun.objects.get(pk=job.pk).finished_at == first
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"
    assert AuditEvent.objects.filter(verb=Verb.JOBS_INTERRUPTED).count() == 1


def test_a_task_stuck_running_on_a_dead_worker_is_failed_and_a_live_ones_is_not(settings, dead_pid):
    host = jobs.hostname()
    beat("worker-dead", host=host, pid=dead_pid)
    beat("worker-live", host=host, pid=os.getpid())
    dead = running_task("worker-dead")
    live = running_task("worker-live")

    assert actions.fail_interrupted_jobs() == {"jobs": 0, "tasks": 1}

    dead.refresh_from_db()
    assert dead.status == "FAILED" and dead.finished_at is not None
    assert dead.exception_class_path == "shegong.core.jobs.WorkerGone"
    assert "工作进程（worker-dead）已停止" in dead.traceback
    assert dead.task_result.errors[0].exception_class is jobs.WorkerGone
    assert DBTaskResult.objects.get(pk=live.pk).status == "RUNNING"


def test_a_running_job_from_before_owners_were_recorded_is_failed_after_a_day():
    now = timezone.now()
    old = JobRun.objects.create(kind="ledger_import", title="旧", status="running",
                                created_at=now - timedelta(days=2))  # fmt: skip
    recent = JobRun.objects.create(kind="ledger_import", title="新", status="running",
                                   created_at=now - timedelta(hours=1))  # fmt: skip

    actions.fail_interrupted_jobs()

    assert JobRun.objects.get(pk=old.pk).log.startswith("后台任务中断：执行它的工作进程（未知）")
    assert JobRun.objects.get(pk=recent.pk).status == JobRun.Status.RUNNING


def test_the_scan_runs_in_the_worker(settings):
    scans.autodiscover()
    assert "jobs.interrupted" in scans.SCANS
    beat("worker@web2:4242", beat_at=stale(settings))
    job = running_job("worker@web2:4242")

    assert "jobs.interrupted" in scans.run_due_scans()

    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.FAILED
    assert ScanState.objects.get(name="jobs.interrupted").last_result == "{'jobs': 1, 'tasks': 0}"


def test_a_claim_records_the_process_running_the_job(monkeypatch):
    job = JobRun.objects.create(kind="ledger_import", title="t")
    monkeypatch.setattr(jobs, "CURRENT_WORKER", "worker@here:1")

    assert jobs.claim(JobRun.objects.filter(pk=job.pk)) == 1
    assert jobs.claim(JobRun.objects.filter(pk=job.pk)) == 0  # already running

    job.refresh_from_db()
    assert (job.status, job.worker, job.worker_pid) == ("running", "worker@here:1", os.getpid())
    assert job.worker_host == jobs.hostname() and job.started_at is not None
    monkeypatch.setattr(jobs, "CURRENT_WORKER", "")
    assert jobs.owner_fields()["worker"] == f"web@{jobs.hostname()}:{os.getpid()}"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_says_when_this_worker_process_started():
    """A worker restarted under a fixed --name gets a new started_at: its old jobs are gone."""
    Worker(name="w-fixed").beat()
    first = WorkerHeartbeat.objects.get(name="w-fixed").started_at
    restarted = Worker(name="w-fixed")
    restarted.beat()
    assert WorkerHeartbeat.objects.get(name="w-fixed").started_at == restarted.started_at > first


def test_a_job_that_finishes_between_the_search_and_the_update_keeps_its_outcome(settings):
    beat("worker@web2:4242", beat_at=stale(settings))
    seen_running = running_job("worker@web2:4242")
    JobRun.objects.filter(pk=seen_running.pk).update(status="succeeded", log="新增 3")

    assert actions._fail_gone([seen_running], [], actor=None, now=timezone.now()) == {
        "jobs": 0, "tasks": 0,
    }  # fmt: skip

    job = JobRun.objects.get(pk=seen_running.pk)
    assert (job.status, job.log) == ("succeeded", "新增 3")
    assert not AuditEvent.objects.filter(verb=Verb.JOBS_INTERRUPTED).exists()
