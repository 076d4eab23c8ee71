"""A street staff member imports a file that names the communities instead of giving their
codes (issue 18 B): the preview shows the communities the names resolve to within the street;
a file naming a community of another street, a misspelt one, gets each reason on its row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.ledger.models import Organization
from shegong.ledger.tests.records_fixtures import credit_code
from shegong.ledger.tests.test_import_files import ORG_HEADER, write_xlsx

from .test_ledger_import import upload
from .test_ledger_records import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def rows(*regions: str) -> list[list[object]]:
    return [ORG_HEADER, *[["非公企业", f"企业{i}", credit_code(700 + i), r, "张三", 10]
                          for i, r in enumerate(regions)]]  # fmt: skip


def test_a_file_naming_communities_is_previewed_by_name_and_imported(
    page, street_a_staff, district, tmp_path
):
    namesakes = testing.add_namesakes(district)
    log_in(page, street_a_staff.phone)
    upload(
        page,
        write_xlsx(tmp_path / "组织.xlsx", rows("东关社区", "鼓楼居委会", "东城街道/鼓楼社区")),
    )
    expect(page.get_by_text("检查通过")).to_be_visible()
    # The committee's name is shown as the community it resolves to.
    expect(page.get_by_role("cell", name="鼓楼社区", exact=True).first).to_be_visible()
    assert page.get_by_role("cell", name="鼓楼居委会").count() == 0
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))
    page.get_by_text("导入完成").wait_for()
    assert dict(Organization.objects.values_list("name", "region_id")) == {
        "企业0": district["community_a"].code, "企业1": namesakes["gulou"].code,
        "企业2": namesakes["gulou"].code,
    }  # fmt: skip


def test_names_that_cannot_be_resolved_are_listed_on_their_rows(
    page, street_a_staff, district, tmp_path
):
    testing.add_namesakes(district)
    log_in(page, street_a_staff.phone)
    upload(
        page, write_xlsx(tmp_path / "组织.xlsx", rows("东关社区", "西城街道东关社区", "鼓搂社区"))
    )
    page.get_by_text("文件中有 2 处错误").wait_for()
    errors = page.locator("table tbody tr")
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    assert any("第3行" in t and "「西城街道东关社区」不在您的工作范围内" in t for t in texts)
    assert any("第4行" in t and "找不到「鼓搂社区」，是否为：鼓楼社区？" in t for t in texts)
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert not Organization.objects.exists()
