"""/api/v1/socialorgs: list, detail, create, status change — scoped, masked, Chinese errors."""

from __future__ import annotations

from shegong.socialorgs.actions import records
from shegong.socialorgs.models import SocialOrg

BASE = "/api/v1/socialorgs"


def test_create_list_detail_and_status(client, registrar, org_data):
    client.force_login(registrar)
    created = client.post(BASE, org_data(), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "东关书法家协会" and body["term_end"] == "2026-06-01"
    listed = client.get(BASE, {"org_type": "association"}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    changed = client.post(
        f"{BASE}/{body['id']}/status",
        {"status": "deregistered", "legal_basis": "注销登记申请 已清算"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["status_label"] == "注销"
    assert changed.json()["history"][0]["data"]["legal_basis"] == "注销登记申请 已清算"
    refused = client.post(
        f"{BASE}/{body['id']}/status",
        {"status": "normal", "legal_basis": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 409


def test_wrong_category_is_422_in_chinese(client, registrar, org_data):
    client.force_login(registrar)
    response = client.post(
        BASE, org_data(credit_code="91341271MA2N12345W"), content_type="application/json"
    )
    assert response.status_code == 422
    assert "51社会团体" in response.json()["detail"]
    assert not SocialOrg.objects.exists()


def test_scope_and_masking(client, registrar, registrar_b, community_a_worker, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    client.force_login(registrar_b)
    assert client.get(f"{BASE}/{so.pk}").status_code == 404
    assert client.get(BASE).json()["items"] == []
    client.force_login(registrar)
    assert client.get(f"{BASE}/{so.pk}").json()["legal_rep"] == "张三丰"  # may reveal
    client.force_login(community_a_worker)  # no socialorgs.view
    assert client.get(BASE).status_code == 403
