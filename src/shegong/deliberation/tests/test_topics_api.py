"""/api/v1/deliberation/topics: list (staff: scope; residents: their community), detail,
create, support, withdraw, follow, answer, merge — scoped, problems on bad input."""

from __future__ import annotations

import json

import pytest

from shegong.deliberation.actions import topics
from shegong.deliberation.models import Topic, TopicFollower

pytestmark = pytest.mark.django_db

BASE = "/api/v1/deliberation/topics"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def raise_topic(actor, region, category, title="3号楼加装电梯"):
    return topics.submit(actor, region=region, category=category, title=title, body="老人上下楼难")


def test_a_resident_creates_lists_and_supports(
    client, district, resident, neighbour, outsider, topic_category
):
    client.force_login(resident)
    created = _post(client, BASE, {
        "region": district["community_a"].code, "category": topic_category.pk,
        "title": "3号楼加装电梯", "body": "老人上下楼难", "party_member": True,
    })  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source"] == "party_member" and body["status"] == "pending"
    raise_topic(outsider, district["community_b"], topic_category, title="西关停车难")
    listed = client.get(BASE).json()
    assert [t["title"] for t in listed["items"]] == ["3号楼加装电梯"]
    client.force_login(neighbour)
    supported = _post(client, f"{BASE}/{body['id']}/support")
    assert supported.status_code == 200 and supported.json()["support_count"] == 1
    again = _post(client, f"{BASE}/{body['id']}/support")
    assert again.status_code == 409 and again.json()["detail"] == "您已支持过该议题"
    withdrawn = _post(client, f"{BASE}/{body['id']}/withdraw")
    assert withdrawn.json()["support_count"] == 0
    followed = _post(client, f"{BASE}/{body['id']}/follow", {"on": False})
    assert followed.status_code == 200
    assert not TopicFollower.objects.filter(topic_id=body["id"], user=neighbour).exists()


def test_outsiders_get_404_and_bad_input_422(client, district, resident, outsider, topic_category):
    topic = raise_topic(resident, district["community_a"], topic_category)
    client.force_login(outsider)
    assert client.get(f"{BASE}/{topic.pk}").status_code == 404
    assert _post(client, f"{BASE}/{topic.pk}/support").status_code == 404
    bad = _post(client, BASE, {
        "region": district["community_a"].code, "category": topic_category.pk, "title": "x",
        "body": "y",
    })  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region"
    empty = _post(
        client,
        BASE,
        {"region": district["community_b"].code, "category": 0, "title": "", "body": "y"},
    )
    assert empty.status_code == 422
    assert Topic.objects.count() == 1


def test_staff_answer_and_merge(
    client, district, resident, neighbour, community_a_worker, street_b_staff, topic_category
):
    into = raise_topic(resident, district["community_a"], topic_category)
    source = raise_topic(neighbour, district["community_a"], topic_category, title="三号楼装电梯")
    client.force_login(community_a_worker)
    listed = client.get(BASE, {"sort": "newest", "clock": "due_soon"})
    assert listed.status_code == 200
    assert client.get(BASE, {"clock": "bogus"}).status_code == 422
    reject = _post(client, f"{BASE}/{into.pk}/answer", {"status": "rejected", "reason": ""})
    assert reject.status_code == 422 and reject.json()["errors"][0]["field"] == "reason"
    bad = _post(client, f"{BASE}/{into.pk}/answer", {"reason": "x"})
    assert bad.status_code == 422
    adopted = _post(client, f"{BASE}/{into.pk}/answer", {"status": "adopted", "reason": "采纳"})
    assert adopted.status_code == 200 and adopted.json()["status"] == "adopted"
    itself = _post(client, f"{BASE}/{source.pk}/merge", {"into": source.pk})
    assert itself.status_code == 422 and itself.json()["errors"][0]["field"] == "into"
    merged = _post(client, f"{BASE}/{source.pk}/merge", {"into": into.pk})
    assert merged.status_code == 200 and merged.json()["id"] == into.pk
    client.force_login(street_b_staff)
    assert _post(client, f"{BASE}/{into.pk}/answer", {"status": "adopted"}).status_code == 404
    assert client.get(f"{BASE}/{into.pk}").status_code == 404


def test_a_resident_cannot_answer(client, district, resident, topic_category):
    topic = raise_topic(resident, district["community_a"], topic_category)
    client.force_login(resident)
    assert _post(client, f"{BASE}/{topic.pk}/answer", {"status": "adopted"}).status_code == 404
