"""社区慈善基金 in the browser: a community worker records a 资源置换 from a merchant, asks to
spend from it and from the cash, the committee's decision is recorded with the supervisor's
opinion, the payment is confirmed on the page; the public reads the month's disclosure, where an
anonymous donor is 爱心人士."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shegong import testing
from shegong.core.perms import Role
from shegong.grants.actions import disclosures, ledger
from shegong.grants.models import Application, Item, Project, Spending
from shegong.grants.tests.calls_fixtures import open_call
from shegong.grants.tests.conftest import _register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_project(district):
    """A grant project of an organization of 东关社区, signed (written directly)."""
    registrar = testing.user(Role.REGISTRAR, district["district"], name="民政登记员")
    org = _register(registrar, district, name="东关为老服务中心", kind="service", serial=11)
    call = open_call(None, district)
    app = Application.objects.create(
        call=call, social_org=org, region=district["community_a"], title="银龄守望",
        category="为老服务", summary="上门探访", beneficiaries="独居老人", amount="10000",
        self_funded="0", status="funded",
    )  # fmt: skip
    return Project.objects.create(
        application=app, call=call, social_org=org, region=district["community_a"],
        title="银龄守望", amount="10000", status="signed",
    )  # fmt: skip


def test_a_worker_records_an_exchange_and_pays_from_the_fund(page, district):
    fund = testing.community_fund(district["community_a"], balance="500")
    worker = testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工")
    project = _signed_project(district)
    testing.browser_log_in(page, worker.phone)
    page.goto(f"/grants/funds/{fund.pk}/")

    donate = page.locator("#form-donate")
    donate.get_by_label("收入类型").select_option("exchange")
    donate.get_by_label("捐赠方", exact=True).fill("东关理发店")
    donate.get_by_label("捐赠方类型").select_option("merchant")
    donate.get_by_label("物资/服务名称").fill("爱心理发")
    donate.get_by_label("单位").fill("次")
    donate.get_by_label("数量").fill("40")
    donate.get_by_label("单价（元）").fill("15")
    donate.get_by_label("服务类").check()
    donate.get_by_label("反哺回馈（资源置换必填）").fill("社区公示栏挂牌致谢")
    donate.locator("#do-donate").click()
    expect(page.locator("#item-table")).to_contain_text("爱心理发")
    item = Item.objects.get(name="爱心理发")
    assert item.quantity_left == 40 and item.unit_value == 15

    spend = page.locator("#form-spend")
    spend.get_by_label("项目名称").fill("助老理发日")
    spend.get_by_label("用途说明").fill("为独居老人上门理发")
    # The project is chosen from the community's signed projects, not typed as a number; the
    # select shows only once its target kind is chosen.
    pick = spend.get_by_label("公益创投项目", exact=True)
    expect(pick).to_be_hidden()
    spend.get_by_label("支出去向").select_option("grant")
    expect(pick).to_be_visible()
    expect(spend.get_by_label("议事厅落地实事", exact=True)).to_be_hidden()
    pick.select_option(
        label=f"银龄守望（已签约，{project.social_org.organization.name}，资助 10000.00 元）"
    )
    spend.get_by_label("收款方").fill("东关理发店")
    spend.get_by_label("现金金额（元）").fill("800")
    spend.get_by_label("惠及人次").fill("40")
    spend.locator("#do-spend").click()
    expect(page.locator("h1")).to_contain_text("助老理发日")
    request = Spending.objects.get(title="助老理发日")
    assert request.target == "grant" and request.project_id == project.pk
    page.goto(f"/grants/funds/spending/{request.pk}/")

    decide = page.locator("#form-decide")
    decide.get_by_label("审议结果").select_option("1")
    decide.get_by_label("管委会决议（会议、日期）").fill("管委会第3次会议")
    decide.get_by_label("赞成票").fill("5")
    decide.get_by_label("反对票").fill("0")
    decide.get_by_label("监督员", exact=True).select_option(label="委员2")
    decide.get_by_label("监督员意见（必填）").fill("程序合规，同意")
    decide.locator("#do-decide").click()
    expect(page.locator("#supervisor-opinion")).to_contain_text("程序合规，同意")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#do-pay").click()
    expect(page.locator("#action-error")).to_contain_text("余额不足")
    request.refresh_from_db()
    assert request.status == "approved" and request.paid_at is None

    ledger.record_donation(
        None, fund, kind="cash", donor_name="东关超市", donor_kind="company", amount_value="300"
    )
    page.goto(f"/grants/funds/spending/{request.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#do-pay").click()
    expect(page.locator("#spending-paid")).to_contain_text("支付后现金余额 0.00 元")
    fund.refresh_from_db()
    assert fund.cash_balance == Decimal("0.00")


def test_the_public_reads_a_disclosure_without_anonymous_names(page, district):
    fund = testing.community_fund(district["community_a"], balance="1000")
    ledger.record_donation(
        None, fund, kind="cash", donor_name="王秀英", donor_kind="person", anonymous=True,
        amount_value="200",
    )  # fmt: skip
    today = timezone.localdate()
    disclosure = disclosures.disclose(None, fund, today)
    page.goto("/public/funds/")
    page.get_by_role("link", name=fund.name).click()
    expect(page.locator("body")).to_contain_text("示范区慈善会")
    page.goto(f"/public/funds/disclosures/{disclosure.pk}/")
    body = page.locator("body")
    expect(body).to_contain_text("爱心人士")
    expect(body).to_contain_text("1200")
    expect(body).not_to_contain_text("王秀英")
