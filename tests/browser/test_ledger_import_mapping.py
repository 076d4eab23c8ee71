"""A street staff member imports the street's own ledger workbook in the browser: the mapping
step (a column to a field, columns not imported, 类型 as one value for all rows), the check's
preview of the mapped columns and the rows as they will be written, nothing written until
confirmed; the mapping is offered again for the next file with the same headers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong.core.models import ImportMapping
from shegong.ledger.models import Organization
from shegong.ledger.tests.test_import_mapping import street_workbook

from .test_ledger_records import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def upload(page, path) -> None:
    page.goto("/ledger/import/")
    page.get_by_label("导入到").select_option(label="组织")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))


def test_street_staff_maps_a_street_ledger_previews_and_imports(
    page, street_a_staff, district, tmp_path
):
    log_in(page, street_a_staff.phone)
    path = street_workbook(tmp_path / "东城街道台账.xlsx")
    upload(page, path)
    expect(page.get_by_role("heading", name="第二步：确认列对应")).to_be_visible()
    expect(page.get_by_role("cell", name="13800000000；13800000001；13800000002")).to_be_visible()
    expect(page.get_by_label("企业名称")).to_have_value("name")  # guessed by alias
    page.get_by_label("所在社区").select_option(label="所属区划代码（必填）")
    page.get_by_label("企业类型").select_option(label="不导入")
    # Two columns on one field: refused, naming both; nothing saved.
    page.get_by_label("备注").select_option(label="名称（必填）")
    page.get_by_role("button", name="按此对应检查").click()
    expect(page.get_by_text("「企业名称」和「备注」都对应到「名称」")).to_be_visible()
    expect(page.get_by_text("必填字段「类型」既没有对应文件中的列")).to_be_visible()
    assert not ImportMapping.objects.exists()

    page.get_by_label("所在社区").select_option(label="所属区划代码（必填）")
    page.get_by_label("企业类型").select_option(label="不导入")
    page.get_by_label("备注").select_option(label="不导入")
    page.get_by_role("row", name="类型 *").get_by_role("combobox").select_option("非公企业")
    page.get_by_role("button", name="按此对应检查").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))
    expect(page.get_by_text("检查通过")).to_be_visible()
    mapping = page.locator("#import-mapping")
    expect(mapping.get_by_role("row", name="所在社区 所属区划代码")).to_be_visible()
    expect(mapping.get_by_role("row", name="序号 不导入")).to_be_visible()
    expect(page.get_by_role("columnheader", name="类型（统一值）")).to_be_visible()
    expect(page.get_by_role("cell", name="东城示范企业2")).to_be_visible()
    expect(page.get_by_role("cell", name="东关社区").first).to_be_visible()
    assert not Organization.objects.exists()  # previewed, not written
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入完成").wait_for()
    assert Organization.objects.filter(kind="enterprise").count() == 3

    # The next file with the same headers: the saved mapping, pre-filled.
    upload(page, street_workbook(tmp_path / "十二月台账.xlsx"))
    expect(page.get_by_text("已按您上次保存的列对应填好")).to_be_visible()
    expect(page.get_by_label("所在社区")).to_have_value("region")
    expect(page.get_by_label("企业类型")).to_have_value("-")


def test_the_streets_workbook_with_community_names_imports_through_the_mapping_step(
    page, street_a_staff, district, tmp_path
):
    """The issue's case on the page: 所在社区 by name (a near miss, a street-and-community
    path) is proposed as the region, 企业类型's register words are not imported, 类型 is one
    value; the preview shows each row's community as it resolves."""
    from shegong.ledger.tests.test_import_office_files import office_workbook

    log_in(page, street_a_staff.phone)
    path = office_workbook(
        tmp_path / "东城街道台账.xlsx", ["东关社区居委会", "东城街道东关社区", "东关社区"]
    )
    upload(page, path)
    expect(page.get_by_role("heading", name="第二步：确认列对应")).to_be_visible()
    expect(page.get_by_label("所在社区")).to_have_value("region")  # guessed by its name
    page.get_by_label("企业类型").select_option(label="不导入")
    page.get_by_role("row", name="类型 *").get_by_role("combobox").select_option("非公企业")
    page.get_by_role("button", name="按此对应检查").click()
    page.wait_for_url(re.compile(r"/ledger/import/jobs/\d+/$"))
    expect(page.get_by_text("检查通过")).to_be_visible()
    expect(page.get_by_role("cell", name="东关社区", exact=True)).to_have_count(3)
    assert not Organization.objects.exists()
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入完成").wait_for()
    assert set(Organization.objects.values_list("region_id", flat=True)) == {
        district["community_a"].code
    }
    assert Organization.objects.count() == 3
