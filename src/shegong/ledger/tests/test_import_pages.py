"""The import wizard through the test client: upload → check → confirm, the background path,
the error workbook download, templates, and the outsider."""

from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shegong.core import pii
from shegong.core.models import JobRun
from shegong.ledger import tasks
from shegong.ledger.models import Organization
from shegong.ledger.tests.records_fixtures import id_number, org
from shegong.ledger.tests.test_import_files import (
    ORG_HEADER,
    PEOPLE_HEADER,
    A,
    B,
    org_rows,
    write_xlsx,
)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def upload(tmp_path, rows, name="组织.xlsx"):
    path = write_xlsx(tmp_path / "upload.xlsx", rows)
    return SimpleUploadedFile(name, path.read_bytes())


def test_the_wizard_checks_previews_and_imports_on_confirm(client, street_a_staff, tmp_path):
    client.force_login(street_a_staff)
    page = client.get(reverse("ledger:import"))
    assert page.status_code == 200 and "下载模板" in page.content.decode()
    response = client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(3)])},
    )
    job = JobRun.objects.get(kind="ledger_import")
    assert response.url == reverse("ledger:import_job", args=[job.pk])
    assert not Organization.objects.exists()  # the check writes nothing
    page = client.get(response.url).content.decode()
    assert "检查通过" in page and "将新增 3" in page and "企业0" in page and "确认导入" in page

    response = client.post(reverse("ledger:import_confirm", args=[job.pk]))
    done = JobRun.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("ledger:import_job", args=[done.pk])
    assert Organization.objects.filter(region_id=A).count() == 3
    assert "导入完成" in client.get(response.url).content.decode()
    assert done.log == "新增 3，更新 0，未变 0"


def test_the_preview_shows_rows_as_they_will_be_written(client, street_a_staff, tmp_path):
    """Region names, not codes; choices in words; defaults filled in; ID numbers and phones
    masked; the employer by name (issue 13, part 6)."""
    employer = org("341271001001", name="东关示范企业")
    person_id = id_number(7)
    rows = [
        PEOPLE_HEADER,
        ["王小明", person_id, "13912345678", "", A, employer.credit_code],
    ]
    client.force_login(street_a_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "people", "file": upload(tmp_path, rows, name="人员.xlsx")},
    )
    job = JobRun.objects.get(kind="ledger_import")
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "检查通过" in page and "按写入后的样子显示" in page
    table = page[page.index("行预览") :]
    assert "东关社区" in table and f'<td class="text-nowrap">{A}</td>' not in table
    assert "所属区划" in table
    assert "群众" in table  # 政治面貌 left blank: the default, in words
    assert person_id not in table and pii.mask_id_number(person_id) in table
    assert "13912345678" not in table and "139****5678" in table
    assert f"东关示范企业（{employer.credit_code}）" in table


def test_errors_are_listed_with_row_and_column_and_the_workbook_downloads(
    client, street_a_staff, tmp_path
):
    client.force_login(street_a_staff)
    rows = [ORG_HEADER, *org_rows(1), ["非公企业", "坏企业", "91341200ABC", A, "", 1]]
    client.post(
        reverse("ledger:import"), {"table": "organizations", "file": upload(tmp_path, rows)}
    )
    job = JobRun.objects.get()
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page and "第3行" in page and "统一社会信用代码应为18位" in page
    assert "确认导入" not in page
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 404
    download = client.get(reverse("ledger:import_errors", args=[job.pk]))
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["C3"].comment.text == "统一社会信用代码应为18位"


def test_an_unreadable_file_is_refused_on_the_form(client, street_a_staff):
    client.force_login(street_a_staff)
    old = SimpleUploadedFile("旧表.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    page = client.post(reverse("ledger:import"), {"table": "people", "file": old})
    assert page.status_code == 200 and "Excel 97-2003" in page.content.decode()
    assert not JobRun.objects.exists()


def test_a_large_file_runs_in_the_background_with_a_progress_bar(
    client, street_a_staff, tmp_path, monkeypatch
):
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 100)
    monkeypatch.setattr(tasks, "INLINE_MAX_ROWS", 2)
    client.force_login(street_a_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(3)])},
    )
    job = JobRun.objects.get()
    assert job.status == "queued" and job.total == 0  # the request did not read the rows
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page
    partial = client.get(reverse("ledger:import_job_progress", args=[job.pk]))
    assert "HX-Refresh" not in partial

    tasks.run_import_job(job.pk)  # what the worker does with the enqueued task
    tasks.run_import_job(job.pk)  # a second delivery finds the job claimed
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 3 and job.result["created"] == 3
    assert job.total == 3
    partial = client.get(reverse("ledger:import_job_progress", args=[job.pk]))
    assert partial["HX-Refresh"] == "true"
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "企业0" in page and "确认导入" in page  # the preview the worker left
    client.post(reverse("ledger:import_confirm", args=[job.pk]))
    commit = JobRun.objects.exclude(pk=job.pk).get()
    tasks.ledger_import.func(commit.pk)
    assert Organization.objects.count() == 3


def test_the_background_task_is_enqueued(client, street_a_staff, tmp_path, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)
    client.force_login(street_a_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(1)])},
    )
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("ledger.tasks.ledger_import")
    assert queued.args_kwargs["args"] == [JobRun.objects.get().pk]


def test_the_progress_side_file_is_read_while_running(street_a_staff, tmp_path):
    job = JobRun.objects.create(kind="ledger_import", title="t", total=10, status="running",
                                created_by=street_a_staff)  # fmt: skip
    tasks.progress_path(job.pk).write_text('{"progress": 7}')
    assert tasks.read_progress(job) == 7


def test_street_b_cannot_import_into_street_a(client, street_b_staff, tmp_path):
    client.force_login(street_b_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(2, region=A)])},
    )
    job = JobRun.objects.get()
    assert job.result["error_count"] == 2
    assert {e["label"] for e in job.result["errors"]} == {"所属区划代码"}
    assert not Organization.objects.exists()


def test_someone_elses_job_is_404(client, street_a_staff, street_b_staff, tmp_path):
    client.force_login(street_b_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(1, B)])},
    )
    job = JobRun.objects.get()
    client.force_login(street_a_staff)
    for name in ("ledger:import_job", "ledger:import_job_progress", "ledger:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 404
    assert "组织.xlsx" not in client.get(reverse("ledger:import")).content.decode()


def test_the_import_needs_the_import_permission(client, community_a_worker):
    client.force_login(community_a_worker)
    assert client.get(reverse("ledger:import")).status_code == 403


@pytest.mark.parametrize("table", ["organizations", "people", "party-orgs", "coverage", "visits"])
def test_every_template_downloads(client, street_a_staff, table):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:import_template", args=[table]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{table}-template.xlsx"; filename*=')
    assert quote("导入模板.xlsx") in disposition
    assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value


def test_the_cli_imports_and_reports_errors(district, street_a_staff, tmp_path, capsys):
    from shegong import cli

    good = write_xlsx(tmp_path / "good.xlsx", [ORG_HEADER, *org_rows(2)])
    assert cli.main(["shegong", "import", "organizations", str(good), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out and not Organization.objects.exists()
    assert cli.main(["shegong", "import", "organizations", str(good)]) == 0
    assert "新增 2" in capsys.readouterr().out
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [ORG_HEADER, ["非公企业", "坏", "1", A, "", 1], *org_rows(1, region=B, start=500)],
    )
    as_a = ["--as", street_a_staff.phone]
    assert cli.main(["shegong", "import", "organizations", str(bad), *as_a]) == 1
    err = capsys.readouterr().err
    assert "第2行「统一社会信用代码」：统一社会信用代码应为18位" in err
    assert "第3行「所属区划代码」：区划代码 341271002001 不存在或不在您的工作范围内" in err
    assert "错误工作簿 / error workbook: " in err and str(tmp_path / "imports") in err
    assert cli.main(["shegong", "import", "people", str(tmp_path / "none.xlsx")]) == 1
    assert "文件不存在" in capsys.readouterr().err
    assert cli.main(["shegong", "import", "organizations", str(good), "--as", "13000000000"]) == 1


def test_an_import_whose_worker_died_shows_failed_not_a_frozen_progress_bar(
    client, street_a_staff, tmp_path, monkeypatch
):
    import subprocess
    import sys

    from django_tasks_db.models import DBTaskResult

    from shegong.core import actions, jobs
    from shegong.core.models import WorkerHeartbeat

    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)  # the check runs in the worker
    client.force_login(street_a_staff)
    client.post(
        reverse("ledger:import"),
        {"table": "organizations", "file": upload(tmp_path, [ORG_HEADER, *org_rows(10)])},
    )
    job = JobRun.objects.get()
    # A worker of this host picks the job up, gets halfway, and is killed (kill -9, OOM).
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    name = f"worker@{jobs.hostname()}:{dead.pid}"
    WorkerHeartbeat.objects.create(name=name, host=jobs.hostname(), pid=dead.pid)
    DBTaskResult.objects.get().claim(name)
    monkeypatch.setattr(jobs, "CURRENT_WORKER", name)
    assert jobs.claim(JobRun.objects.filter(pk=job.pk)) == 1
    # It opened the file (10 rows) before it died.
    JobRun.objects.filter(pk=job.pk).update(worker_pid=dead.pid, total=10)
    tasks.progress_path(job.pk).write_text('{"progress": 5}')
    progress_url = reverse("ledger:import_job_progress", args=[job.pk])
    partial = client.get(progress_url)
    assert "已处理 5 / 10 行" in partial.content.decode() and "HX-Refresh" not in partial

    assert actions.fail_interrupted_jobs() == {"jobs": 1, "tasks": 1}

    partial = client.get(progress_url)
    assert partial["HX-Refresh"] == "true"  # the page reloads to show the outcome
    assert "失败" in partial.content.decode() and "已处理" not in partial.content.decode()
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "后台任务中断：执行它的工作进程" in page and "请重新导入" in page
    assert 'hx-trigger="every 1s"' not in page
    assert not Organization.objects.exists()
