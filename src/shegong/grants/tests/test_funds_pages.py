"""The fund pages with the Django client: list, fund page (ledger with running balance, host
account), the verbs' forms (a 资源置换 donation, a spending decided and paid, a pay beyond the
balance refused on the page), the export, the spending queue, and the public pages (anonymous
donors as 爱心人士, persons' names masked)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.grants.actions import disclosures, ledger, spending
from shegong.grants.models import Fund, Movement, Spending

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(district):
    return testing.community_fund(district["community_a"], balance="500")


def test_list_and_fund_page(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    page = client.get(reverse("grants:funds")).content.decode()
    assert fund.name in page and "500.00" in page and 'data-sg-total="1"' in page
    page = client.get(reverse("grants:fund", args=[fund.pk])).content.decode()
    assert "示范区慈善会" in page and "不设独立账户" in page and "CSH" in page
    assert 'id="form-donate"' in page and 'id="form-spend"' in page


def test_exchange_donation_on_the_page(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    url = reverse("grants:fund_act", args=[fund.pk, "donate"])
    r = client.post(url, {
        "donate-kind": "exchange", "donate-donor_name": "老王理发店",
        "donate-donor_kind": "merchant", "donate-item_name": "免费理发", "donate-unit": "次",
        "donate-quantity": "10", "donate-unit_value": "20", "donate-recognition": "",
    })  # fmt: skip
    assert r.status_code == 422 and "反哺回馈" in r.content.decode()
    assert Movement.objects.count() == 1
    r = client.post(url, {
        "donate-kind": "exchange", "donate-donor_name": "老王理发店",
        "donate-donor_kind": "merchant", "donate-item_name": "免费理发", "donate-unit": "次",
        "donate-quantity": "10", "donate-unit_value": "20", "donate-recognition": "爱心商户挂牌",
    })  # fmt: skip
    assert r.status_code == 302
    line = Movement.objects.get(kind="exchange_in")
    assert line.amount == Decimal("200.00") and line.item.quantity_left == 10


def test_spending_decided_and_paid_on_the_pages(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    r = client.post(reverse("grants:fund_act", args=[fund.pk, "spend"]), {
        "spend-title": "助老餐", "spend-purpose": "高龄老人助餐", "spend-target": "other",
        "spend-amount": "600", "spend-beneficiaries": "30",
    })  # fmt: skip
    assert r.status_code == 302
    s = Spending.objects.get()
    queue = client.get(reverse("grants:fund_spending_queue")).content.decode()
    assert "助老餐" in queue
    act = reverse("grants:fund_spending_act", args=[s.pk, "decide"])
    supervisor = fund.committee.get(role="supervisor").pk
    r = client.post(act, {
        "decide-approve": "1", "decide-resolution": "第3次会议", "decide-votes_for": "5",
        "decide-votes_against": "0", "decide-supervisor": str(supervisor),
        "decide-supervisor_opinion": "",
    })  # fmt: skip
    assert r.status_code == 422 and "监督员意见" in r.content.decode()
    r = client.post(act, {
        "decide-approve": "1", "decide-resolution": "第3次会议", "decide-votes_for": "5",
        "decide-votes_against": "0", "decide-supervisor": str(supervisor),
        "decide-supervisor_opinion": "同意",
    })  # fmt: skip
    assert r.status_code == 302
    page = client.get(reverse("grants:fund_spending", args=[s.pk])).content.decode()
    assert 'data-confirm="确认从基金支付' in page
    r = client.post(reverse("grants:fund_spending_act", args=[s.pk, "pay"]), {"pay-note": ""})
    assert r.status_code == 409 and "余额不足" in r.content.decode()
    assert Fund.objects.get(pk=fund.pk).cash_balance == Decimal("500.00")


def test_export_and_scope(client, fund, community_a_worker, street_b_staff):
    client.force_login(community_a_worker)
    r = client.get(reverse("grants:fund_export", args=[fund.pk]))
    assert r.status_code == 200 and r["X-Export-Rows"] == "1"
    client.force_login(street_b_staff)
    assert client.get(reverse("grants:fund", args=[fund.pk])).status_code == 404
    assert fund.name not in client.get(reverse("grants:funds")).content.decode()


def test_public_pages_hide_anonymous_and_mask_persons(client, fund):
    ledger.record_donation(
        None, fund, kind="cash", donor_name="李秘密", donor_kind="person", amount_value="50",
        anonymous=True,
    )  # fmt: skip
    ledger.record_donation(
        None, fund, kind="cash", donor_name="王大明", donor_kind="person", amount_value="20"
    )
    d = disclosures.disclose(None, fund, timezone.localdate().strftime("%Y-%m"))
    for url in (
        reverse("grants_public:funds"), reverse("grants_public:fund", args=[fund.pk]),
        reverse("grants_public:fund_disclosure", args=[d.pk]),
    ):  # fmt: skip
        page = client.get(url).content.decode()
        assert "李秘密" not in page and "王大明" not in page, url
    page = client.get(reverse("grants_public:fund_disclosure", args=[d.pk])).content.decode()
    assert "爱心人士" in page and "王**" in page and "爱心企业" in page
    assert "6200001234" not in page


def test_spending_paid_from_an_item(client, fund, community_a_worker):
    line = ledger.record_donation(
        None, fund, kind="goods", donor_name="超市", donor_kind="merchant", item_name="食用油",
        unit="桶", quantity_value="3", unit_value="60",
    )  # fmt: skip
    s = spending.request_spending(
        None, fund, title="慰问", purpose="慰问困难户", item=line.item, quantity_value="3"
    )
    assert s.amount == Decimal("180.00")
