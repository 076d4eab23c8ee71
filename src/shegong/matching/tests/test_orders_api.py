"""/api/v1/matching/orders: the community's list, detail, 点单, 审核, explained candidates, 派单,
抢单池, 改派, 取消, 评单, and the helper's 抢单, 接单, 婉拒, 签到, 完成 — scoped, problems on bad
input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.choices import OrderStatus
from shegong.matching.models import Category, CommunitySettings, Order

pytestmark = pytest.mark.django_db

BASE = "/api/v1/matching/orders"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="陪诊志愿者")


@pytest.fixture
def offer(district, helper_user):
    volunteer = testing.volunteer(district["community_a"], name="陪诊志愿者", account=helper_user)
    team = testing.team(district["community_a"], name="东关助医队")
    CommunitySettings.objects.create(region=district["community_a"], record_team=team)
    return testing.match_offer(
        district["community_a"], "medical", helper=helper_user, volunteer=volunteer,
        name="陪诊志愿者", lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


@pytest.fixture
def elder(district):
    return Person.objects.create(
        name="张秀英", id_number=testing.id_number("19400101"), region=district["community_a"]
    )


def _window(hours=3):
    start = timezone.now() + timedelta(hours=hours)
    return start.isoformat(), (start + timedelta(hours=2)).isoformat()


def _place_body(district, **extra):
    start, end = _window()
    return {
        "region": district["community_a"].code,
        "category": Category.objects.get(code="medical").pk,
        "description": "陪同去医院复查", "window_start": start, "window_end": end,
        "address": "东关社区幸福路18号3单元", "contact_phone": "13812345678",
        "lat": testing.POINT_A[0], "lon": testing.POINT_A[1], **extra,
    }  # fmt: skip


def test_the_whole_loop_through_the_api(
    client, district, community_a_worker, elder, offer, helper_user
):
    client.force_login(community_a_worker)
    response = _post(client, BASE, _place_body(district, beneficiary=elder.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    order_id = body["id"]
    assert body["status"] == "review" and body["channel"] == "staff"
    assert body["beneficiary_name"] == "张**" and body["contact_phone"] != "13812345678"
    assert "幸福路18号3单元" not in body["address"]
    assert _post(client, f"{BASE}/{order_id}/approve").json()["status"] == "waiting"
    candidates = client.get(f"{BASE}/{order_id}/candidates").json()
    assert [c["offer_id"] for c in candidates] == [offer.pk]
    assert {f["name"] for f in candidates[0]["factors"]} == {
        "skill", "distance", "availability", "load", "rating", "rotation"
    }  # fmt: skip
    assert all(f["note"] for f in candidates[0]["factors"])
    body = _post(client, f"{BASE}/{order_id}/dispatch", {"offer": offer.pk}).json()
    assert body["status"] == "dispatched" and body["assignments"][0]["outcome"] == "pending"

    client.force_login(helper_user)
    assert client.get(f"{BASE}/{order_id}").status_code == 200
    assert _post(client, f"{BASE}/{order_id}/accept").json()["status"] == "accepted"
    point = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1], "accuracy": 10}
    assert _post(client, f"{BASE}/{order_id}/start", point).json()["status"] == "serving"
    done = _post(client, f"{BASE}/{order_id}/complete", {"note": "已陪同复查", "hours": 1.5})
    assert done.json()["status"] == "done" and done.json()["hours"] == 1.5
    # the helper may not rate
    assert _post(client, f"{BASE}/{order_id}/rate", {"stars": 5}).status_code == 403

    client.force_login(community_a_worker)
    body = _post(
        client, f"{BASE}/{order_id}/rate", {"stars": 5, "comment": "很满意", "closing_note": "结项"}
    ).json()
    assert body["status"] == "rated" and body["stars"] == 5


def test_list_is_scoped_and_filtered(client, district, community_a_worker, street_b_staff, elder):
    order = testing.match_order(
        community_a_worker, district["community_a"], "medical", beneficiary=elder.pk
    )
    client.force_login(community_a_worker)
    body = client.get(BASE).json()
    assert body["count"] == 1 and body["items"][0]["number"] == order.number
    assert client.get(BASE, {"status": "done"}).json()["count"] == 0
    assert client.get(BASE, {"status": "nonsense"}).status_code == 422
    client.force_login(street_b_staff)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(f"{BASE}/{order.pk}").status_code == 404
    for verb in ("approve", "refuse", "dispatch", "pool", "reassign", "cancel", "rate"):
        assert _post(client, f"{BASE}/{order.pk}/{verb}").status_code == 404, verb
    assert client.get(f"{BASE}/{order.pk}/candidates").status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.REVIEW


def test_a_role_without_the_permission_is_403(client, district):
    client.force_login(testing.user(Role.REGISTRAR, district["community_a"], name="登记员"))
    response = client.get(BASE)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_bad_input_is_a_problem_and_writes_nothing(client, district, community_a_worker, elder):
    client.force_login(community_a_worker)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = _post(client, BASE, _place_body(district, beneficiary=elder.pk, window_start=past))
    assert response.status_code == 422
    assert "期望服务时间不能早于现在" in response.content.decode()
    outside = _place_body(
        district, beneficiary=elder.pk, lat=testing.POINT_B[0], lon=testing.POINT_B[1]
    )
    response = _post(client, BASE, outside)
    assert response.status_code == 422 and "不在东关社区范围内" in response.content.decode()
    assert not Order.objects.exists()


def test_refuse_needs_a_reason_and_dispatch_a_valid_offer(
    client, district, community_a_worker, elder, offer
):
    order = testing.match_order(
        community_a_worker, district["community_a"], "medical", beneficiary=elder.pk
    )
    client.force_login(community_a_worker)
    assert _post(client, f"{BASE}/{order.pk}/refuse").status_code == 422
    blocked = testing.match_offer(district["community_a"], "medical", status="blocked")
    response = _post(client, f"{BASE}/{order.pk}/dispatch", {"offer": blocked.pk})
    assert response.status_code == 409 and "不能派给" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.REVIEW


def test_pool_grab_decline_reassign_cancel(
    client, district, community_a_worker, elder, offer, helper_user
):
    order = testing.match_order(
        community_a_worker, district["community_a"], "medical", beneficiary=elder.pk
    )
    client.force_login(community_a_worker)
    assert _post(client, f"{BASE}/{order.pk}/pool").json()["status"] == "pool"
    client.force_login(helper_user)
    assert _post(client, f"{BASE}/{order.pk}/grab").json()["status"] == "accepted"
    again = _post(client, f"{BASE}/{order.pk}/grab")
    assert again.status_code == 409
    client.force_login(community_a_worker)
    body = _post(client, f"{BASE}/{order.pk}/reassign", {"reason": "服务方临时有事"}).json()
    assert body["status"] == "waiting" and body["assignments"][0]["outcome"] == "withdrawn"
    body = _post(client, f"{BASE}/{order.pk}/cancel", {"reason": "家属已安排"}).json()
    assert body["status"] == "cancelled" and body["cancelled_reason"] == "家属已安排"


def test_decline_forwards_through_the_api(
    client, district, community_a_worker, elder, offer, helper_user
):
    order = testing.match_order(
        community_a_worker, district["community_a"], "medical", beneficiary=elder.pk
    )
    client.force_login(community_a_worker)
    _post(client, f"{BASE}/{order.pk}/approve")
    _post(client, f"{BASE}/{order.pk}/dispatch", {"offer": offer.pk})
    client.force_login(helper_user)
    assert _post(client, f"{BASE}/{order.pk}/decline").status_code == 422
    body = _post(client, f"{BASE}/{order.pk}/decline", {"reason": "今天要值班"}).json()
    assert body["status"] == "waiting" and "婉拒" in body["unmet_reason"]
    # no longer the helper's: the order is not theirs to see
    assert client.get(f"{BASE}/{order.pk}").status_code == 404
