"""A district admin imports regions in the browser: the upload is queued as a job, the page
polls it and shows 已完成 with the count when the worker is done, and the new regions are in the
tree; a file over the row cap ends in 失败 with the message naming the limit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong.core.models import JobRun
from shegong.regions import tasks
from shegong.regions.models import Region

from .test_ledger_records import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "代码,名称,层级,上级代码\n"
    "341271001002,东湖社区,社区,341271001000\n"
    "341271001002001,东湖社区第一网格,网格,341271001002\n"
)


@pytest.fixture(autouse=True)
def _background(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 0)  # every upload goes to the worker


def upload(page, path) -> JobRun:
    page.goto("/regions/import/")
    page.get_by_label("区划文件（CSV 或 xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(re.compile(r"/regions/import/jobs/\d+/$"))
    return JobRun.objects.get(kind=tasks.JOB_KIND, pk=int(page.url.rstrip("/").split("/")[-1]))


def test_an_admin_uploads_regions_watches_the_job_and_sees_them(
    page, district_admin, district, tmp_path
):
    path = tmp_path / "区划.csv"
    path.write_text(CSV, encoding="utf-8")
    log_in(page, district_admin.phone)
    job = upload(page, path)
    page.get_by_text("排队中，等待后台进程处理").wait_for()
    assert not Region.objects.filter(code="341271001002").exists()

    tasks.regions_import.func(job.pk)  # the worker runs the queued task

    # The page polls every second; the answer after the job ends reloads it with the outcome.
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "已完成" in alert.inner_text() and "已导入 2 个区划" in alert.inner_text()
    assert page.get_by_role("progressbar").count() == 0

    page.goto("/regions/341271001000/")
    expect(page.get_by_role("link", name="东湖社区").first).to_be_visible()
    page.goto("/regions/341271001002/")
    expect(page.get_by_text("东湖社区第一网格").first).to_be_visible()


def test_a_file_over_the_row_cap_fails_naming_the_limit(
    page, district_admin, district, tmp_path, settings
):
    settings.SHEGONG_IMPORT_MAX_ROWS = 2
    path = tmp_path / "区划.csv"
    path.write_text(CSV + "341271001003,南湖社区,社区,341271001000\n", encoding="utf-8")
    log_in(page, district_admin.phone)
    job = upload(page, path)
    tasks.run_import_job(job.pk)
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "失败" in alert.inner_text()
    assert page.get_by_text(
        "文件超过 2 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"
    ).is_visible()
    assert not Region.objects.filter(code="341271001002").exists()
