"""The accounts API: who am I, and one's own API tokens."""

import json

from django.test import Client

from shegong import testing
from shegong.accounts import actions
from shegong.accounts.models import ApiToken
from shegong.core import limits
from shegong.core.models import AuditEvent, IdempotencyRecord


def test_me_describes_the_caller_with_their_own_name_and_a_masked_phone(
    client, handler, department_a
):
    client.force_login(handler)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    membership = handler.memberships.get()
    assert (
        body
        == {
            "id": handler.pk,
            "name": handler.name,  # one's own name in full: masking is for others
            "phone": f"{handler.phone[:3]}****{handler.phone[-4:]}",
            "is_superuser": False,
            "must_change_password": False,
            "memberships": [body["active_membership"]],
            "active_membership": {
                "id": membership.pk,
                "role": "department_handler",
                "role_label": "部门处置人员",
                "region_code": "341271000000",
                "region_name": "示范区",
                "region_level": "district",
                "department_code": "cgj",
                "department_name": "城管局",
            },
            "permissions": ["regions.view", "reports.handle", "reports.view", "workbench"],
        }
    )
    assert handler.phone not in response.content.decode()


def test_me_of_a_superuser_lists_every_permission(client, superuser):
    client.force_login(superuser)
    body = client.get("/api/v1/me").json()
    assert body["is_superuser"] is True
    assert body["active_membership"] is None
    assert "pii.reveal" in body["permissions"]


def test_a_user_creates_lists_and_revokes_their_tokens(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", {"name": "巡查App"}, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith("sg_")
    assert created["prefix"] == created["key"][:10]
    assert created["is_active"] is True
    token = ApiToken.objects.get(pk=created["id"])
    assert token.key_hash == ApiToken.hash(created["key"])
    assert AuditEvent.objects.filter(target_id=str(token.pk), verb=112).count() == 1

    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1
    assert listed["items"][0]["name"] == "巡查App"
    assert "key" not in listed["items"][0]
    assert created["key"] not in json.dumps(listed)

    revoked = client.delete(f"/api/v1/tokens/{token.pk}")
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['key']}"})
    assert me.status_code == 401


def test_the_outsider_neither_sees_nor_revokes_anothers_token(
    client, street_a_staff, street_b_staff
):
    token, _ = actions.create_token(street_a_staff, actor=street_a_staff, name="东城App")
    client.force_login(street_b_staff)
    assert client.get("/api/v1/tokens").json() == {
        "items": [],
        "count": 0,
        "page": 1,
        "page_size": 20,
    }
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "未找到该访问令牌"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_it_refuses_a_token_without_a_name(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "请填写令牌用途"}]
    response = client.post("/api/v1/tokens", {"name": 7}, content_type="application/json")
    assert response.json()["errors"] == [{"field": "name", "message": "应为文本"}]


def test_token_creation_is_never_replayed_so_no_plaintext_is_stored(client, street_a_staff):
    client.force_login(street_a_staff)
    headers = {"Idempotency-Key": "same"}
    first = client.post(
        "/api/v1/tokens", {"name": "App"}, content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/tokens", {"name": "App"}, content_type="application/json", headers=headers
    )
    assert first.json()["key"] != second.json()["key"]
    assert "Idempotent-Replayed" not in second
    assert not IdempotencyRecord.objects.exists()


def test_token_creation_is_limited_across_processes(street_a_staff, monkeypatch):
    """20 a minute per user, counted where every process sees it: each request below comes as
    to a fresh process, and the 21st is refused."""
    monkeypatch.setattr(limits, "now", lambda: 1_800_000_015.0)  # 45 s before the minute ends
    statuses = []
    for n in range(21):
        testing.forget_process_memory()
        client = Client()
        client.force_login(street_a_staff)
        body = {"name": f"App{n}"}
        response = client.post("/api/v1/tokens", body, content_type="application/json")
        statuses.append(response.status_code)
    assert statuses == [201] * 20 + [429]
    assert response.json()["detail"] == "请求过于频繁，请稍后再试"
    assert response["Retry-After"] == "45"
    assert ApiToken.objects.filter(user=street_a_staff).count() == 20
