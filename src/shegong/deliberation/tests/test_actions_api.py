"""/api/v1/deliberation/actions: the loop through the API, scope, and bad input as problems."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.models import ActionItem, ActionUpdate

BASE = "/api/v1/deliberation/actions"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _body(district, category, **more):
    return {
        "region": district["community_a"].code, "category": category.pk, "title": "修缮路灯",
        "owner_kind": "person", "owner_name": "东关社区居委会",
        "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(), **more,
    }  # fmt: skip


def test_the_loop_through_the_api(client, district, topic_category, community_a_worker):
    client.force_login(community_a_worker)
    response = _post(client, BASE, _body(district, topic_category, budget="3000"))
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    child = _post(client, BASE, _body(district, topic_category, title="采购灯具", parent=pk))
    assert child.status_code == 201 and child.json()["parent_id"] == pk
    body = _post(client, f"{BASE}/{pk}/progress", {"progress": 30, "text": "已采购"}).json()
    assert body["status"] == "in_progress" and body["progress"] == 30
    new = (timezone.localdate() + timedelta(days=25)).isoformat()
    body = _post(client, f"{BASE}/{pk}/redate", {"new_due_on": new, "reason": "灯具延迟"}).json()
    assert body["due_on"] == new and body["redate_count"] == 1
    refused = _post(client, f"{BASE}/{pk}/complete", {"text": "完工"})
    assert refused.status_code == 409 and "尚有 1 项子事项未完成" in refused.content.decode()
    assert (
        _post(client, f"{BASE}/{child.json()['id']}/cancel", {"reason": "合并"}).status_code == 200
    )
    body = _post(client, f"{BASE}/{pk}/complete", {"text": "路灯已亮"}).json()
    assert body["status"] == "done" and body["progress"] == 100
    detail = client.get(f"{BASE}/{pk}").json()
    assert [e["kind"] for e in detail["timeline"]] == ["done", "redated", "progress"]
    assert detail["children"][0]["status"] == "cancelled"
    listed = client.get(BASE, {"status": "done"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk


def test_scoped_and_forbidden(client, district, topic_category, community_a_worker, street_b_staff):
    client.force_login(community_a_worker)
    pk = _post(client, BASE, _body(district, topic_category)).json()["id"]
    client.force_login(street_b_staff)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(f"{BASE}/{pk}").status_code == 404
    for verb in ("progress", "redate", "complete", "cancel"):
        assert _post(client, f"{BASE}/{pk}/{verb}").status_code == 404, verb
    assert _post(client, BASE, _body(district, topic_category)).status_code == 404
    client.force_login(testing.user(Role.REGISTRAR, district["community_a"], name="登记员"))
    response = client.get(BASE)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert ActionItem.objects.get(pk=pk).progress == 0


def test_bad_input_is_a_problem_and_writes_nothing(
    client, district, topic_category, community_a_worker
):
    client.force_login(community_a_worker)
    response = _post(client, BASE, _body(district, topic_category, title=""))
    assert response.status_code == 422 and "请填写实事名称" in response.content.decode()
    response = _post(client, BASE, _body(district, topic_category, due_on=None))
    assert response.status_code == 422 and "完成时限" in response.content.decode()
    response = _post(client, BASE, {})  # an empty body (the fuzzer found a 500 here)
    assert response.status_code == 422 and "请选择实事所在的社区" in response.content.decode()
    assert not ActionItem.objects.exists()
    pk = _post(client, BASE, _body(district, topic_category)).json()["id"]
    response = _post(client, f"{BASE}/{pk}/progress", {"progress": 120, "text": "x"})
    assert response.status_code == 422 and "0 到 100" in response.content.decode()
    response = _post(client, f"{BASE}/{pk}/redate", {"new_due_on": "2099-01-01"})
    assert response.status_code == 422 and "调整原因" in response.content.decode()
    response = _post(client, f"{BASE}/{pk}/progress", {"progress": "abc"})
    assert response.status_code == 422
    response = _post(client, f"{BASE}/{pk}/cancel", {"reason": ""})
    assert response.status_code == 422 and "取消原因" in response.content.decode()
    assert not ActionUpdate.objects.exists()
    assert ActionItem.objects.get(pk=pk).status == "planned"
    child = _post(client, BASE, {**_body(district, topic_category), "region": "", "parent": pk})
    assert child.status_code == 201  # a child item takes its parent's community
    assert ActionItem.objects.get(pk=child.json()["id"]).region_id == district["community_a"].code
