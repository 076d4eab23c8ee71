"""A registrar registers a social organization in the browser, then changes its status with
its legal basis, confirming the change in the dialog; the history shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import SocialOrg

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_registers_and_changes_status(page, district):
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/")
    page.get_by_role("link", name="登记社会组织").click()
    page.wait_for_url(re.compile(r"/socialorgs/new/$"))
    page.locator("#id_org_type").select_option("association")
    page.locator("#id_name").fill("东关书法家协会")
    # First an enterprise's code: refused, naming the rule, nothing registered.
    page.locator("#id_credit_code").fill("91341271MA2N12345W")
    page.locator("#id_registration_number").fill("示民证字第00001号")
    page.locator("#id_registration_authority").fill("示范区民政局")
    page.locator("#id_registered_on").fill("2020-05-01")
    page.locator("#id_region").select_option(district["community_a"].code)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("不是民政部门登记的社会组织代码").first).to_be_visible()
    assert not SocialOrg.objects.exists()
    page.locator("#id_credit_code").fill(credit_code("association", "341271", 1))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/socialorgs/\d+/$"))
    assert page.locator("#socialorg-status").inner_text() == "正常"

    page.locator("#id_status").select_option("suspended")
    page.locator("#id_legal_basis").fill("《社会团体登记管理条例》第三十条")
    dialogs: list[str] = []

    def dismiss_first(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", dismiss_first)
    page.get_by_role("button", name="变更状态").click()  # dismissed: nothing is sent
    assert SocialOrg.objects.get().status == "normal"
    page.get_by_role("button", name="变更状态").click()  # accepted
    page.wait_for_function(
        "document.querySelector('#socialorg-status').innerText.includes('限期停止活动')"
    )
    assert len(dialogs) == 2 and "变更" in dialogs[0]
    assert (
        page.locator("#socialorg-history")
        .get_by_text("《社会团体登记管理条例》第三十条")
        .is_visible()
    )
    assert SocialOrg.objects.get().status == "suspended"


def test_registrar_registers_a_social_organization_the_ledger_already_holds(page, district):
    """From the workbench's worklist to the form filled from the ledger's row: the record is
    that same organization."""
    from shegong.ledger.choices import OrgKind
    from shegong.ledger.models import Organization

    code = credit_code("association", "341271", 3)
    row = Organization.objects.create(
        kind=OrgKind.SOCIAL_ORG, name="东关老年体育协会", credit_code=code,
        region=district["community_a"], address="东关路8号", employee_count=4,
    )  # fmt: skip
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    log_in(page, registrar.phone)
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/socialorgs/workbench/")
    page.get_by_role("link", name=re.compile("台账中尚未登记建档的社会组织")).first.click()
    page.wait_for_url(re.compile(r"/socialorgs/unregistered/"))
    expect(page.get_by_role("cell", name="东关老年体育协会")).to_be_visible()
    page.get_by_role("link", name="登记建档").click()
    page.wait_for_url(re.compile(r"/socialorgs/new/\?ledger=\d+$"))
    expect(page.locator("#id_name")).to_have_value("东关老年体育协会")
    expect(page.locator("#id_credit_code")).to_have_value(code)
    page.locator("#id_org_type").select_option("association")
    page.locator("#id_registration_number").fill("示民证字第00003号")
    page.locator("#id_registration_authority").fill("示范区民政局")
    page.locator("#id_registered_on").fill("2019-03-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/socialorgs/\d+/$"))
    so = SocialOrg.objects.get()
    assert so.organization_id == row.pk and Organization.objects.count() == 1
    assert Organization.objects.get().employee_count == 4
