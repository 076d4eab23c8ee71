"""/api/v1/socialorgs/credit: list, detail with its facts, removal (refused with the reason),
scope, and the public lookup without login."""

from __future__ import annotations

from django.utils import timezone

from shegong.socialorgs.actions import credit
from shegong.socialorgs.models import AnnualReport, CreditListing

BASE = "/api/v1/socialorgs/credit"


def _listed(so):
    AnnualReport.objects.create(
        social_org=so, year=timezone.localdate().year - 1, conclusion="absent"
    )
    credit.scan()
    return CreditListing.objects.get(social_org=so)


def test_list_detail_and_refused_removal(client, registrar, social_org):
    listing = _listed(social_org)
    client.force_login(registrar)
    listed = client.get(BASE, {"state": "open", "kind": "abnormal"})
    assert listed.status_code == 200, listed.content
    body = listed.json()
    assert body["count"] == 1 and body["items"][0]["rule"] == "report_missed"
    assert body["items"][0]["rule_label"] == "未按规定参加年检"
    detail = client.get(f"{BASE}/{listing.pk}").json()
    assert detail["events"][0]["fact"] == {"year": timezone.localdate().year - 1}
    assert detail["removable"] is False and "核实" in detail["refusal"]
    refused = client.post(
        f"{BASE}/{listing.pk}/remove", {"removal_reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 409 and "核实" in refused.json()["detail"]
    missing = client.post(f"{BASE}/{listing.pk}/remove", {}, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "removal_reason"
    rect = credit.order_rectification(
        social_org, {"matter": "补报", "deadline": "2099-01-01"}, actor=registrar
    )
    credit.verify_rectification(rect, "已核实", actor=registrar)
    done = client.post(
        f"{BASE}/{listing.pk}/remove",
        {"removal_reason": "整改已核实"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["removal_reason"] == "整改已核实"


def test_scope_and_public_lookup(client, registrar_b, social_org):
    listing = _listed(social_org)
    client.force_login(registrar_b)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(f"{BASE}/{listing.pk}").status_code == 404
    client.logout()
    found = client.get(f"{BASE}/lookup", {"q": social_org.organization.credit_code}).json()
    assert found[0]["name"] == "东关书法家协会"
    assert found[0]["listings"][0]["reason"] == listing.reason
    assert "legal_rep" not in found[0]
    assert client.get(BASE).status_code in (401, 403)
