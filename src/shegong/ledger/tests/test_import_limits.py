"""The import limits through the ledger (core.sheets does the checking): a file over the row cap
or a zip bomb gets one message naming the limit and writes nothing, the request never reads the
rows, and the page never opens the uploaded file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shegong.core.models import AuditEvent, JobRun
from shegong.core.tests.test_sheets import HEAD, TAIL, with_sheet
from shegong.ledger import excel, tasks
from shegong.ledger.actions.imports import import_file
from shegong.ledger.models import Organization
from shegong.ledger.tests.test_import_files import ORG_HEADER, org_rows, write_csv, write_xlsx

CAP = "文件超过 5 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.SHEGONG_IMPORT_MAX_ROWS = 5


def test_a_file_over_the_row_cap_is_refused_with_the_cap_and_nothing_is_written(tmp_path, district):
    path = write_xlsx(tmp_path / "orgs.xlsx", [ORG_HEADER, *org_rows(5)])  # 6 rows
    result = import_file("organizations", path, actor=None)
    assert [(e["row"], e["message"]) for e in result.errors] == [(0, CAP)]
    assert result.error_workbook == ""
    assert not Organization.objects.exists() and not AuditEvent.objects.exists()
    path = write_csv(tmp_path / "orgs.csv", [ORG_HEADER, *org_rows(5)], "utf-8")
    assert import_file("organizations", path, actor=None).errors[0]["message"] == CAP
    path = write_xlsx(tmp_path / "fits.xlsx", [ORG_HEADER, *org_rows(4)])
    assert import_file("organizations", path, actor=None).created == 4


def test_over_the_cap_the_check_job_fails_with_the_message_on_the_page(
    client, street_a_staff, tmp_path
):
    client.force_login(street_a_staff)
    path = write_xlsx(tmp_path / "orgs.xlsx", [ORG_HEADER, *org_rows(5)])
    upload = SimpleUploadedFile("组织.xlsx", path.read_bytes())
    response = client.post(reverse("ledger:import"), {"table": "organizations", "file": upload})
    job = JobRun.objects.get()
    assert response.url == reverse("ledger:import_job", args=[job.pk])
    assert job.status == "failed" and job.result["errors"][0]["message"] == CAP
    page = client.get(response.url).content.decode()
    assert CAP in page and "确认导入" not in page
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 404
    assert not Organization.objects.exists()


def test_a_zip_bomb_is_refused_on_the_form_without_a_job(client, street_a_staff, tmp_path):
    client.force_login(street_a_staff)
    bomb = with_sheet(tmp_path, [HEAD, b"<row>" + b" " * 1_048_571, TAIL], repeat=150)
    upload = SimpleUploadedFile("组织.xlsx", bomb.read_bytes())
    page = client.post(reverse("ledger:import"), {"table": "organizations", "file": upload})
    assert page.status_code == 200
    assert "文件解压后超过 100 MB 的上限（SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB）" in (
        page.content.decode()
    )
    assert not JobRun.objects.exists()
    assert not list(tasks.imports_dir().glob("upload-*"))  # the upload is not kept


def test_the_request_reads_no_row_and_the_worker_leaves_the_preview(
    client, street_a_staff, tmp_path, monkeypatch
):
    def no_rows(*args, **kwargs):
        raise AssertionError("the request opened the sheet")

    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)
    client.force_login(street_a_staff)
    path = write_xlsx(tmp_path / "orgs.xlsx", [ORG_HEADER, *org_rows(2)])
    with monkeypatch.context() as patched:
        patched.setattr(excel, "open_sheet", no_rows)
        client.post(
            reverse("ledger:import"),
            {"table": "organizations", "file": SimpleUploadedFile("组织.xlsx", path.read_bytes())},
        )
    job = JobRun.objects.get()
    assert job.status == "queued"
    tasks.run_import_job(job.pk)
    with monkeypatch.context() as patched:
        patched.setattr(excel, "open_sheet", no_rows)
        page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "企业0" in page and "企业1" in page and "确认导入" in page


def test_an_upload_over_the_size_cap_is_refused_by_the_form(client, street_a_staff, settings):
    settings.SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB = 1
    client.force_login(street_a_staff)
    upload = SimpleUploadedFile("组织.csv", b"a" * (1024 * 1024 + 1))
    page = client.post(reverse("ledger:import"), {"table": "organizations", "file": upload})
    assert "文件超过 1 MB 的上限（SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB）" in page.content.decode()
    assert not JobRun.objects.exists()
