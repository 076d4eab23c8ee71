"""/api/v1/volunteers: list (paged, masked, scoped, filtered), create by staff (bad input 422,
idempotent), detail (another street 404), me, teams (incubation count), team detail (leader
yes, other leader 404), social workers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions import socialwork
from shegong.volunteers.models import TeamMember, Volunteer

from .people_fixtures import id_for

BASE = "/api/v1/volunteers"


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


@pytest.fixture
def three(district):
    a1 = testing.volunteer(district["community_a"], name="张一", star=1)
    a2 = testing.volunteer(district["community_a"], name="王二", status="paused")
    b1 = testing.volunteer(district["community_b"], name="西城志愿者")
    return a1, a2, b1


def test_list_is_paged_masked_and_scoped(client, street_a_staff, three):
    a1, a2, _ = three
    client.force_login(street_a_staff)
    body = client.get(BASE, {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1 and body["page_size"] == 1
    body = client.get(BASE).json()
    numbers = {i["number"] for i in body["items"]}
    assert numbers == {a1.number, a2.number}
    item = next(i for i in body["items"] if i["number"] == a1.number)
    assert item["name"] == "张*" and "id_number" not in item and item["star"] == 1
    assert item["sign_up_block"] is None and item["guardian_consent"] is None
    paused = client.get(BASE, {"status": "paused"}).json()["items"]
    assert [i["number"] for i in paused] == [a2.number]
    assert "暂停服务" in paused[0]["sign_up_block"]


def test_list_needs_login_and_permission(client, resident):
    assert client.get(BASE).status_code == 401
    client.force_login(resident)
    response = client.get(BASE)
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_detail_scoped(client, street_a_staff, three):
    a1, _, b1 = three
    client.force_login(street_a_staff)
    body = client.get(f"{BASE}/{a1.pk}").json()
    assert body["number"] == a1.number and body["id_number"].count("*") == 10
    assert a1.person.id_number not in str(body)
    assert client.get(f"{BASE}/{b1.pk}").status_code == 404


def test_create_by_staff_and_bad_input(client, street_a_staff):
    client.force_login(street_a_staff)
    payload = {
        "name": "钱八", "id_number": id_for(22), "phone": "13800000088",
        "region": "341271001001", "consent": True,
        "skills": [{"skill": "it", "certificate_name": "软考证书"}],
        "availability": {"6": ["am"]},
    }  # fmt: skip
    response = post(client, BASE, payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "钱*" and body["skills"][0]["certificate_name"] == "软考证书"
    again = post(client, BASE, payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Volunteer.objects.count() == 1
    bad = post(client, BASE, {**payload, "id_number": id_for(11), "consent": False})
    assert bad.status_code == 422
    errors = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert {"consent", "id_number"} <= set(errors)
    assert "未满14周岁不能注册为志愿者" in errors["id_number"]
    missing = post(client, BASE, {"name": "x"})
    assert missing.status_code == 422 and missing.json()["errors"]
    assert Volunteer.objects.count() == 1


def test_create_refused_without_manage(client, resident):
    client.force_login(resident)
    response = post(client, BASE, {"name": "x", "id_number": id_for(30), "region": "341271001001",
                                   "consent": True})  # fmt: skip
    assert response.status_code == 403


def test_me(client, people_user, district):
    client.force_login(people_user)
    response = client.get(f"{BASE}/me")
    assert response.status_code == 404 and "还没有注册" in response.json()["detail"]
    volunteer = testing.volunteer(district["community_a"], name="东关居民", account=people_user,
                                  birth=id_for(16)[6:14])  # fmt: skip
    body = client.get(f"{BASE}/me").json()
    assert body["number"] == volunteer.number and body["guardian_consent"] is False
    assert "监护人" in body["sign_up_block"]


def test_teams_list_counts_incubated_and_detail(
    client, district, street_a_staff, people_team, people_volunteer
):
    testing.team(district["community_a"], name="已孵化队", incubation="incubated")
    testing.team(district["community_b"], name="西城已孵化队", incubation="incubated")
    TeamMember.objects.create(team=people_team, volunteer=people_volunteer)
    client.force_login(street_a_staff)
    body = client.get(f"{BASE}/teams", {"incubation": "incubated"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "已孵化队"
    items = client.get(f"{BASE}/teams").json()["items"]
    assert next(t for t in items if t["id"] == people_team.pk)["members"] == 2
    body = client.get(f"{BASE}/teams/{people_team.pk}").json()
    assert {m["number"] for m in body["roster"]} >= {people_volunteer.number}
    assert all("*" in m["name"] for m in body["roster"])


def test_team_detail_for_leaders(client, district, people_team, people_leader_user):
    client.force_login(people_leader_user)
    assert client.get(f"{BASE}/teams/{people_team.pk}").status_code == 200
    assert [t["id"] for t in client.get(f"{BASE}/teams").json()["items"]] == [people_team.pk]
    other_user = testing.user(Role.VOLUNTEER, district["community_a"], name="别队队长")
    other = testing.volunteer(district["community_a"], account=other_user)
    testing.team(district["community_a"], name="别的队", leader=other)
    client.force_login(other_user)
    assert client.get(f"{BASE}/teams/{people_team.pk}").status_code == 404


def test_social_workers(client, district, street_a_staff, street_b_staff, people_agency):
    sw = socialwork.register_social_worker(
        actor=street_a_staff, name="陈社工", id_number=id_for(38), qualification="senior",
        certificate_number="GJ-1", employer=people_agency.pk, region=district["street_a"].code,
    )  # fmt: skip
    today = timezone.localdate()
    socialwork.add_stationing(sw, actor=street_a_staff, region="341271001001", starts_on=today)
    pairing = socialwork.add_pairing(sw, actor=street_a_staff, region="341271001001",
                                     starts_on=today)  # fmt: skip
    socialwork.log_guidance(pairing, actor=street_a_staff, on=today, mode="offline", topic="指导")
    client.force_login(street_a_staff)
    body = client.get(f"{BASE}/social-workers", {"stationed": "true"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "陈**" and item["employer"] == "东城社工服务中心"
    assert item["stationings"][0]["region_name"] == "东关社区"
    assert item["pairings"][0]["logs"][0]["topic"] == "指导"
    client.force_login(street_b_staff)
    assert client.get(f"{BASE}/social-workers").json()["count"] == 0
