"""/api/v1/notices: staff drafts, publish, withdraw; the public list and the objection form;
assign and answer; scope and bad input as problems."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from shegong.notices.models import Notice, Objection

BASE = "/api/v1/notices"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_loop_through_the_api(client, district, community_a_worker):
    client.force_login(community_a_worker)
    created = _post(client, f"{BASE}/", {
        "region": district["community_a"].code, "title": "星级志愿者公示", "body": "名单如下",
    })  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert client.get(f"{BASE}/public/{pk}").status_code == 404  # a draft is not public
    published = _post(client, f"{BASE}/{pk}/publish")
    assert published.status_code == 200 and published.json()["state"] == "current"
    assert _post(client, f"{BASE}/{pk}/publish").status_code == 409
    client.logout()
    public = client.get(f"{BASE}/public").json()
    assert [n["id"] for n in public["items"]] == [pk]
    assert "open_objections" not in public["items"][0]
    receipt = _post(client, f"{BASE}/{pk}/objections", {"phone": "13912345678", "content": "有误"})
    assert receipt.status_code == 201 and receipt.json()["number"].startswith("YY")
    client.force_login(community_a_worker)
    listed = client.get(f"{BASE}/{pk}/objections").json()
    assert listed["count"] == 1 and listed["items"][0]["phone"] == "139****5678"
    oid = listed["items"][0]["id"]
    assigned = _post(client, f"{BASE}/objections/{oid}/assign", {"assignee": community_a_worker.pk})
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    answered = _post(client, f"{BASE}/objections/{oid}/answer",
                     {"verdict": "rejected", "answer": "经核实无误"})  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert client.get(f"{BASE}/", {"open": True}).json()["count"] == 0
    withdrawn = _post(client, f"{BASE}/{pk}/withdraw", {"reason": "重新发布"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.get(f"{BASE}/public/{pk}").status_code == 404


def test_bad_input_is_a_problem_and_nothing_is_written(client, district, community_a_worker):
    client.force_login(community_a_worker)
    assert _post(client, f"{BASE}/", {}).status_code == 422
    start = timezone.now() + timedelta(days=3)
    refused = _post(client, f"{BASE}/", {
        "region": district["community_a"].code, "title": "t", "body": "b",
        "starts_at": start.isoformat(), "ends_at": (start - timedelta(days=1)).isoformat(),
    })  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "ends_at"
    assert Notice.objects.count() == 0
    assert _post(client, f"{BASE}/", {"title": "t", "body": "b", "region": "x"}).status_code == 422


def test_objection_problems(client, notice, past_notice):
    bad = _post(client, f"{BASE}/{notice.pk}/objections", {"phone": "12", "content": ""})
    assert bad.status_code == 422
    closed = _post(client, f"{BASE}/{past_notice.pk}/objections",
                   {"phone": "13912345678", "content": "有误"})  # fmt: skip
    assert closed.status_code == 409 and "公示期满" in closed.json()["detail"]
    assert Objection.objects.count() == 0


def test_scoped(client, notice, street_b_staff, community_a_worker):
    client.force_login(street_b_staff)
    assert client.get(f"{BASE}/").json()["count"] == 0
    assert client.get(f"{BASE}/{notice.pk}").status_code == 404
    assert _post(client, f"{BASE}/{notice.pk}/withdraw", {"reason": "x"}).status_code == 404
    client.force_login(community_a_worker)
    assert client.get(f"{BASE}/").json()["count"] == 1
