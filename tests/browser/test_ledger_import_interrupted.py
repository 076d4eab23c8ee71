"""Someone watches an import's progress bar; its worker dies: the page turns to 失败 with the
reason by itself, instead of showing "已处理 5 / 10 行" forever."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import actions, jobs
from shegong.core.models import JobRun, WorkerHeartbeat
from shegong.ledger import tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(testing.PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(re.compile(r"/$"))


def test_the_progress_bar_of_an_import_whose_worker_died_turns_to_failed(
    page, street_a_staff, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    worker = f"worker@{jobs.hostname()}:{dead.pid}"
    WorkerHeartbeat.objects.create(name=worker, host=jobs.hostname(), pid=dead.pid)
    job = JobRun.objects.create(
        kind=tasks.JOB_KIND, title="导入组织：组织.xlsx", status="running", total=10,
        created_by=street_a_staff, worker=worker, worker_host=jobs.hostname(),
        worker_pid=dead.pid, started_at=timezone.now(),
        result={"table": "organizations", "filename": "组织.xlsx", "dry_run": False},
    )  # fmt: skip
    tasks.progress_path(job.pk).write_text('{"progress": 5}')
    log_in(page, street_a_staff.phone)

    page.goto(f"/ledger/import/jobs/{job.pk}/")
    page.get_by_text("已处理 5 / 10 行").wait_for()

    assert actions.fail_interrupted_jobs() == {"jobs": 1, "tasks": 0}

    # The page polls every second; the next answer makes it reload and show the outcome.
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "后台任务中断：执行它的工作进程" in alert.inner_text()
    assert "请重新导入" in alert.inner_text()
    assert page.get_by_role("progressbar").count() == 0
    page.screenshot(path="/tmp/shegong-import-interrupted.png", full_page=True)
