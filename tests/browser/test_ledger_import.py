"""A street staff member imports organizations in the browser: upload, see the check's preview,
confirm; a file over the row cap gets the message naming the limit and imports nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong.ledger.models import Organization
from shegong.ledger.tests.records_fixtures import credit_code
from shegong.ledger.tests.test_import_files import ORG_HEADER, A, B, org_rows, write_xlsx

from .test_ledger_records import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.SHEGONG_IMPORT_MAX_ROWS = 10


def upload(page, path) -> None:
    page.goto("/ledger/import/")
    page.get_by_label("导入到").select_option(label="组织")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))


def test_street_staff_checks_previews_and_imports_a_file(page, street_a_staff, district, tmp_path):
    log_in(page, street_a_staff.phone)
    upload(page, write_xlsx(tmp_path / "组织.xlsx", [ORG_HEADER, *org_rows(3)]))
    expect(page.get_by_text("检查通过")).to_be_visible()
    expect(page.get_by_role("cell", name="企业2")).to_be_visible()  # the check left the preview
    # As written: the region by name, not its code.
    expect(page.get_by_role("cell", name="东关社区").first).to_be_visible()
    assert page.get_by_role("cell", name=A, exact=True).count() == 0
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))
    page.get_by_text("导入完成").wait_for()
    assert Organization.objects.count() == 3


def test_one_check_lists_format_and_scope_errors_together(page, street_a_staff, district, tmp_path):
    rows = [
        ORG_HEADER,
        ["非公企业", "双错企业", "91341200ABC", B, "张三", 10],  # a bad code, another street
        ["非公企业", "越界企业", credit_code(503), B, "张三", 10],  # another street only
    ]
    log_in(page, street_a_staff.phone)
    upload(page, write_xlsx(tmp_path / "组织.xlsx", rows))
    page.get_by_text("文件中有 3 处错误").wait_for()
    errors = page.locator("table tbody tr")
    assert errors.count() == 3
    texts = [errors.nth(i).inner_text() for i in range(3)]
    assert sum("第2行" in t for t in texts) == 2 and sum("第3行" in t for t in texts) == 1
    assert any("统一社会信用代码" in t and "18位" in t for t in texts)
    assert sum("不在您的工作范围内" in t for t in texts) == 2
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert not Organization.objects.exists()


def test_a_file_over_the_row_cap_names_the_limit(page, street_a_staff, district, tmp_path):
    log_in(page, street_a_staff.phone)
    upload(page, write_xlsx(tmp_path / "组织.xlsx", [ORG_HEADER, *org_rows(12)]))
    assert page.get_by_text(
        "文件超过 10 行的上限（SHEGONG_IMPORT_MAX_ROWS），请拆分后再导入"
    ).is_visible()
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert not Organization.objects.exists()
