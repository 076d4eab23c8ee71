"""The regions import page: the request stores the file and pre-checks it; a ``JobRun`` reads,
checks and imports the rows (all or none), and its page lists row-level errors in a table."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shegong import testing
from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, JobRun
from shegong.core.perms import Role
from shegong.regions import importer, tasks
from shegong.regions.models import Region


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


GOOD_CSV = (
    "代码,名称,层级,上级代码\n"
    "341271001002,东湖社区,社区,341271001000\n"
    "341271001002001,东湖社区第一网格,网格,341271001002\n"
)


def upload(client, user, name, content):
    client.force_login(user)
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("regions:import"), {"file": file}, follow=True)


def test_a_good_csv_is_imported_with_a_count(client, district_admin, district):
    response = upload(client, district_admin, "regions.csv", GOOD_CSV.encode("utf-8-sig"))
    assert "已导入 2 个区划" in response.content.decode()
    assert Region.objects.get(code="341271001002001").parent_id == "341271001002"
    assert AuditEvent.objects.filter(verb=Verb.REGIONS_IMPORTED).exists()


def test_an_xlsx_is_imported_too(client, district_admin, district):
    result = excel.write_xlsx(
        [excel.Column(h) for h in ("code", "name", "level", "parent_code")],
        [["341271002002", "西湖社区", "community", "341271002000"]],
    )
    response = upload(client, district_admin, "regions.xlsx", result.file.read())
    assert "已导入 1 个区划" in response.content.decode()
    assert Region.objects.filter(code="341271002002").exists()


def test_any_bad_row_means_nothing_is_written_and_every_error_is_listed(
    client, district_admin, district
):
    bad = GOOD_CSV + ("34127100100,短代码社区,社区,341271001000\n341271001003,,社区,341271001000\n")
    before = Region.objects.count()
    response = upload(client, district_admin, "regions.csv", bad.encode())
    html = response.content.decode()
    assert response.redirect_chain[0][0].startswith("/regions/import/jobs/")
    assert "失败，未导入任何数据" in html
    assert "第4行" in html and "社区/村的代码应为12位数字" in html
    assert "第5行" in html and "名称不能为空" in html
    assert Region.objects.count() == before


def test_a_bad_number_cell_is_reported_with_the_tree_errors(client, district_admin, district):
    content = (
        "code,name,level,parent_code,centroid_lat\n341271001006,某社区,社区,341271001000,北纬\n"
    )
    html = upload(client, district_admin, "regions.csv", content.encode()).content.decode()
    assert "第2行" in html and "中心纬度" in html and "应为数字" in html
    assert "centroid_lat" not in html
    assert not Region.objects.filter(code="341271001006").exists()


def test_a_file_of_the_wrong_kind_is_refused_on_the_form(client, district_admin, tmp_path):
    response = upload(client, district_admin, "regions.txt", b"x")
    assert response.status_code == 422 and "不支持的文件类型「.txt」" in response.content.decode()
    assert not JobRun.objects.exists()
    assert not any((tmp_path / "imports").iterdir())  # the stored upload was removed


def _zip_bomb() -> bytes:
    """A small xlsx whose directory declares a sheet inflating far beyond the limits."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("regions.xlsx", _zip_bomb(), "压缩"),
        ("regions.xlsx", b"PK\x03\x04 not really a zip", "无法读取该 Excel 文件"),
        ("regions.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "另存为」Excel 工作簿（.xlsx）"),
        ("regions.csv", b"", "文件是空的"),
    ],
)
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_written_or_queued(
    client, district_admin, tmp_path, name, content, message
):
    from django_tasks_db.models import DBTaskResult

    before = Region.objects.count()
    response = upload(client, district_admin, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not JobRun.objects.exists() and not DBTaskResult.objects.exists()
    assert Region.objects.count() == before
    assert not list((tmp_path / "imports").glob("regions-*"))


def test_a_header_without_the_needed_columns_is_named(client, district_admin):
    html = upload(client, district_admin, "regions.csv", "名字\n甲\n".encode()).content.decode()
    assert "表头缺少列" in html and "失败" in html


def test_the_request_reads_no_rows_and_queues_a_job(client, district_admin, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    def no_reading(path):
        raise AssertionError("the request must not read the rows")

    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)
    monkeypatch.setattr(importer, "read_rows", no_reading)
    client.force_login(district_admin)
    file = SimpleUploadedFile("regions.csv", GOOD_CSV.encode())
    response = client.post(reverse("regions:import"), {"file": file})
    job = JobRun.objects.get(kind=tasks.JOB_KIND)
    assert response.status_code == 302
    assert response.url == reverse("regions:import_job", args=[job.pk])
    assert job.status == "queued" and job.created_by == district_admin
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("regions.tasks.regions_import")
    assert queued.args_kwargs["args"] == [job.pk]
    assert not Region.objects.filter(code="341271001002").exists()


def test_a_large_file_is_imported_by_the_worker_while_the_page_polls(
    client, district_admin, district, monkeypatch
):
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)
    client.force_login(district_admin)
    file = SimpleUploadedFile("regions.csv", GOOD_CSV.encode())
    client.post(reverse("regions:import"), {"file": file})
    job = JobRun.objects.get()
    page = client.get(reverse("regions:import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page
    partial = client.get(reverse("regions:import_progress", args=[job.pk]))
    assert "HX-Refresh" not in partial

    tasks.regions_import.func(job.pk)  # what the worker does with the enqueued task
    tasks.run_import_job(job.pk)  # a second delivery finds the job claimed
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 2 and job.total == 2
    assert not Path(job.result["path"]).exists()  # the upload is removed once imported
    assert AuditEvent.objects.get(verb=Verb.REGIONS_IMPORTED).via == "task"
    partial = client.get(reverse("regions:import_progress", args=[job.pk]))
    assert partial["HX-Refresh"] == "true"
    page = client.get(reverse("regions:import_job", args=[job.pk])).content.decode()
    assert "已完成" in page and "已导入 2 个区划" in page and "hx-trigger" not in page
    assert Region.objects.get(code="341271001002001").parent_id == "341271001002"


def test_a_file_over_the_row_cap_fails_in_the_job_naming_the_limit(
    client, district_admin, district, settings, monkeypatch
):
    settings.SHEGONG_IMPORT_MAX_ROWS = 2
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)
    lines = "".join(f"34127100100{i},社区{i},社区,341271001000\n" for i in range(5, 8))
    client.force_login(district_admin)
    file = SimpleUploadedFile("regions.csv", ("代码,名称,层级,上级代码\n" + lines).encode())
    client.post(reverse("regions:import"), {"file": file})
    job = JobRun.objects.get()
    assert job.status == "queued"  # the pre-check passed: the cap is the job's
    tasks.run_import_job(job.pk)
    job.refresh_from_db()
    cap = "文件超过 2 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"
    assert job.status == "failed" and job.result["errors"][0]["message"] == cap
    page = client.get(reverse("regions:import_job", args=[job.pk])).content.decode()
    assert "失败" in page and cap in page
    assert not Region.objects.filter(name__in=["社区5", "社区6", "社区7"]).exists()


def test_a_job_that_breaks_shows_failed_with_the_reason(
    client, district_admin, district, monkeypatch
):
    def broken(path):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)
    client.force_login(district_admin)
    client.post(reverse("regions:import"), {"file": SimpleUploadedFile("r.csv", GOOD_CSV.encode())})
    job = JobRun.objects.get()
    monkeypatch.setattr(importer, "read_rows", broken)
    with pytest.raises(RuntimeError):
        tasks.run_import_job(job.pk)
    page = client.get(reverse("regions:import_job", args=[job.pk])).content.decode()
    assert "失败" in page and "导入出错：磁盘已满" in page


def test_someone_elses_job_is_not_found(client, district_admin, district, superuser):
    client.force_login(district_admin)
    upload(client, district_admin, "regions.csv", GOOD_CSV.encode())
    job = JobRun.objects.get()
    other = testing.user(Role.DISTRICT_ADMIN, district["district"], name="另一位管理员")
    client.force_login(other)
    assert client.get(reverse("regions:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("regions:import_progress", args=[job.pk])).status_code == 404
    client.force_login(superuser)
    assert client.get(reverse("regions:import_job", args=[job.pk])).status_code == 404


def test_no_file_is_asked_for(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("regions:import"), {})
    assert response.status_code == 422
    assert "请选择要导入的文件" in response.content.decode()


def test_a_manager_cannot_import_outside_their_scope(client, district):
    admin_of_b = testing.user(Role.DISTRICT_ADMIN, district["street_b"], name="西城管理员")
    html = upload(client, admin_of_b, "regions.csv", GOOD_CSV.encode()).content.decode()
    assert "未导入任何数据" in html and "不在您的工作范围内" in html
    assert not Region.objects.filter(code="341271001002").exists()


def test_one_upload_lists_format_scope_and_tree_errors_together(client, district):
    """Format errors (a bad number), scope errors (a parent in another street) and tree errors
    come in one list: the scope errors do not wait until the format is fixed."""
    admin_of_a = testing.user(Role.DISTRICT_ADMIN, district["street_a"], name="东城管理员")
    content = (
        "代码,名称,层级,上级代码,中心纬度\n"
        "341271001006,东湖社区,社区,341271001000,\n"  # fine
        "341271002006,西湖社区,社区,341271002000,北纬\n"  # format + scope
        "341271002007,,社区,341271002000,\n"  # scope + tree (no name)
    )
    html = upload(client, admin_of_a, "regions.csv", content.encode()).content.decode()
    assert "失败，未导入任何数据" in html and "文件中有 4 处错误" in html
    assert html.count("上级区划 341271002000 不存在或不在您的工作范围内") == 2
    assert "应为数字：北纬" in html and "名称不能为空" in html
    assert not Region.objects.filter(code="341271001006").exists()


def test_only_managers_may_open_the_page(client, street_a_staff, district_admin):
    client.force_login(street_a_staff)
    assert client.get(reverse("regions:import")).status_code == 403
    client.force_login(district_admin)
    assert "导入区划" in client.get(reverse("regions:import")).content.decode()
