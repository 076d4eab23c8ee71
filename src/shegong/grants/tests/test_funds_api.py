"""/api/v1/grants/funds: the loop (donate, request, decide, pay, disclose) through the API,
scope (another street's fund is a 404), and bad input as problems — a pay beyond the balance is
a 409 with nothing written, never a 500."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shegong import testing
from shegong.grants.models import Fund, Movement

BASE = "/api/v1/grants"
pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def fund(district):
    return testing.community_fund(district["community_a"], balance="500")


def test_the_loop_through_the_api(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    listed = client.get(f"{BASE}/funds").json()
    assert listed["count"] == 1 and listed["items"][0]["cash_balance"] == "500.00"
    r = _post(client, f"{BASE}/funds/{fund.pk}/movements", {
        "kind": "exchange", "donor_name": "老王理发店", "donor_kind": "merchant",
        "item_name": "免费理发", "unit": "次", "quantity": "10", "unit_value": "20",
        "is_service": True, "recognition": "爱心商户挂牌",
    })  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "200.00" and r.json()["receipt_no"]
    r = _post(client, f"{BASE}/funds/{fund.pk}/spending", {
        "title": "助老餐", "purpose": "高龄老人助餐", "amount": "300", "beneficiaries": 40,
    })  # fmt: skip
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    supervisor = fund.committee.get(role="supervisor").pk
    r = _post(client, f"{BASE}/spending/{sid}/decide", {
        "approve": True, "resolution": "第5次会议通过", "votes_for": 5, "votes_against": 0,
        "supervisor": supervisor, "supervisor_opinion": "同意",
    })  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "approved", r.content
    r = _post(client, f"{BASE}/spending/{sid}/pay", {})
    assert r.status_code == 200 and r.json()["status"] == "paid"
    ledger = client.get(f"{BASE}/funds/{fund.pk}/movements?kind=cash_out").json()
    assert ledger["count"] == 1 and ledger["items"][0]["balance_after"] == "200.00"
    items = client.get(f"{BASE}/funds/{fund.pk}/items").json()
    assert items["items"][0]["quantity_left"] == "10.00"


def test_pay_beyond_the_balance_is_409_nothing_written(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    sid = _post(client, f"{BASE}/funds/{fund.pk}/spending", {
        "title": "修缮", "purpose": "修缮活动室", "amount": "900",
    }).json()["id"]  # fmt: skip
    _post(client, f"{BASE}/spending/{sid}/decide", {
        "approve": True, "resolution": "通过", "votes_for": 3, "votes_against": 0,
        "supervisor": fund.committee.get(role="supervisor").pk, "supervisor_opinion": "同意",
    })  # fmt: skip
    before = Movement.objects.count()
    r = _post(client, f"{BASE}/spending/{sid}/pay", {})
    assert r.status_code == 409 and "余额不足" in r.json()["detail"]
    assert Movement.objects.count() == before
    assert Fund.objects.get(pk=fund.pk).cash_balance == Decimal("500.00")


@pytest.mark.parametrize(
    "body",
    [{}, {"kind": "cash"}, {"kind": "cash", "donor_name": "甲", "donor_kind": "person"},
     {"kind": "cash", "donor_name": "甲", "donor_kind": "person", "amount": "1e999"},
     {"kind": 5, "amount": []}],
)  # fmt: skip
def test_bad_donation_is_422(client, fund, community_a_worker, body):
    client.force_login(community_a_worker)
    before = Movement.objects.count()
    r = _post(client, f"{BASE}/funds/{fund.pk}/movements", body)
    assert r.status_code == 422, r.content
    assert Movement.objects.count() == before


def test_decision_without_opinion_is_422(client, fund, community_a_worker):
    client.force_login(community_a_worker)
    sid = _post(client, f"{BASE}/funds/{fund.pk}/spending", {
        "title": "修缮", "purpose": "修缮活动室", "amount": "9",
    }).json()["id"]  # fmt: skip
    r = _post(client, f"{BASE}/spending/{sid}/decide", {"approve": False})
    assert r.status_code == 422


def test_another_streets_fund_is_404(client, fund, street_b_staff):
    client.force_login(street_b_staff)
    assert client.get(f"{BASE}/funds").json()["count"] == 0
    assert client.get(f"{BASE}/funds/{fund.pk}").status_code == 404
    assert client.get(f"{BASE}/funds/{fund.pk}/movements").status_code == 404
    r = _post(client, f"{BASE}/funds/{fund.pk}/movements", {"kind": "cash", "amount": "5"})
    assert r.status_code == 404


def test_disclose_on_demand(client, fund, community_a_worker):
    from django.utils import timezone

    client.force_login(community_a_worker)
    month = timezone.localdate().strftime("%Y-%m")
    r = _post(client, f"{BASE}/funds/{fund.pk}/disclosures", {"month": month})
    assert r.status_code == 201 and r.json()["cash_in"] == "500.00", r.content
    again = _post(client, f"{BASE}/funds/{fund.pk}/disclosures", {"month": month})
    assert again.json()["id"] == r.json()["id"]
    assert _post(client, f"{BASE}/funds/{fund.pk}/disclosures", {"month": "x"}).status_code == 422
