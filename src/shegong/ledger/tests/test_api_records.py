"""/api/v1/ledger/: organizations, people and party organizations, all scoped."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.models import Coverage, Organization

from . import records_fixtures as build


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _send(client, method: str, url: str, body: dict, **headers):
    return client.generic(method, url, json.dumps(body), "application/json", **headers)


@pytest.fixture
def orgs(district):
    return {
        "a": build.org(district["grid_a"], "东关面馆"),
        "b": build.org(district["grid_b"], "西关超市"),
    }


def test_the_list_shows_only_the_callers_street(client, street_a_staff, street_b_staff, orgs):
    client.force_login(street_a_staff)
    body = client.get("/api/v1/ledger/organizations").json()
    assert [item["name"] for item in body["items"]] == ["东关面馆"]
    assert body["count"] == 1
    client.force_login(street_b_staff)
    body = client.get("/api/v1/ledger/organizations?q=东关").json()
    assert body["items"] == []


def test_the_list_filters_by_credit_code_and_refuses_a_region_outside_the_scope(
    client, street_a_staff, orgs, district
):
    client.force_login(street_a_staff)
    code = orgs["a"].credit_code
    body = client.get(f"/api/v1/ledger/organizations?q={code[-6:]}").json()
    assert body["count"] == 1
    response = client.get(f"/api/v1/ledger/organizations?region={district['street_b'].code}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"
    assert client.get("/api/v1/ledger/organizations?kind=bank").status_code == 422


def test_an_outsider_gets_404_for_an_organization(client, street_b_staff, orgs):
    client.force_login(street_b_staff)
    url = f"/api/v1/ledger/organizations/{orgs['a'].pk}"
    assert client.get(url).status_code == 404
    assert _send(client, "PUT", url, {}).status_code == 404
    assert _send(client, "PUT", url + "/coverage", {"mode": "none"}).status_code == 404


def test_it_creates_an_organization_once_per_idempotency_key(client, street_a_staff, district):
    client.force_login(street_a_staff)
    body = {"kind": "非公企业", "name": "东关科技", "credit_code": build.credit_code(),
            "region": district["grid_a"].code}  # fmt: skip
    first = _send(client, "POST", "/api/v1/ledger/organizations", body, HTTP_IDEMPOTENCY_KEY="k1")
    again = _send(client, "POST", "/api/v1/ledger/organizations", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["coverage"]["mode"] == "none"
    assert Organization.objects.filter(name="东关科技").count() == 1


def test_bad_input_names_the_field(client, street_a_staff, district, orgs):
    client.force_login(street_a_staff)
    bad = {"kind": "enterprise", "name": "坏代码", "credit_code": "91341200000000001X",
           "region": district["grid_a"].code}  # fmt: skip
    response = _send(client, "POST", "/api/v1/ledger/organizations", bad)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "credit_code"
    duplicate = {**bad, "credit_code": orgs["a"].credit_code}
    response = _send(client, "POST", "/api/v1/ledger/organizations", duplicate)
    assert response.status_code == 422
    assert "已登记" in response.json()["errors"][0]["message"]
    outside = {**bad, "credit_code": build.credit_code(), "region": district["grid_b"].code}
    response = _send(client, "POST", "/api/v1/ledger/organizations", outside)
    assert response.json()["errors"][0]["field"] == "region"


def test_put_replaces_the_record_and_audits_the_changed_fields(
    client, street_a_staff, district, orgs
):
    client.force_login(street_a_staff)
    org = orgs["a"]
    url = f"/api/v1/ledger/organizations/{org.pk}"
    record = {"kind": org.kind, "name": "东关面馆（总店）", "credit_code": org.credit_code,
              "region": org.region_id, "employee_count": 12}  # fmt: skip
    response = _send(client, "PUT", url, record)
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "东关面馆（总店）"
    event = AuditEvent.objects.get(verb=Verb.ORG_UPDATED, target_id=str(org.pk))
    assert set(event.data["changed"]) == {"name", "employee_count"}
    response = _send(client, "PUT", url, {**record, "employee_count": "many"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "employee_count", "message": "应为整数"}]


def test_coverage_needs_a_party_org_of_the_callers_scope(client, street_a_staff, district, orgs):
    client.force_login(street_a_staff)
    url = f"/api/v1/ledger/organizations/{orgs['a'].pk}/coverage"
    response = _send(client, "PUT", url, {"mode": "单独组建"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "party_org_id"
    branch_b = build.party_org(district["community_b"], "西关党支部")
    response = _send(client, "PUT", url, {"mode": "standalone", "party_org_id": branch_b.pk})
    assert response.status_code == 404
    branch = build.party_org(district["community_a"], "东关面馆党支部")
    response = _send(client, "PUT", url, {"mode": "standalone", "party_org_id": branch.pk})
    assert response.status_code == 200
    assert response.json()["mode_label"] == "单独组建"
    assert Coverage.objects.get(organization=orgs["a"]).party_org == branch


def test_people_are_masked_and_found_by_id_number(client, street_a_staff, street_b_staff, district):
    person = build.person(district["grid_a"], "张小明", phone="13912345678")
    client.force_login(street_a_staff)
    body = client.get(f"/api/v1/ledger/people?id_number={person.id_number.lower()}").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] != "张小明" and item["phone"] == "139****5678"
    assert person.id_number not in json.dumps(body)
    detail = client.get(f"/api/v1/ledger/people/{person.pk}")
    assert detail.status_code == 200 and "张小明" not in detail.content.decode()
    client.force_login(street_b_staff)
    assert client.get(f"/api/v1/ledger/people/{person.pk}").status_code == 404
    assert client.get("/api/v1/ledger/people").json()["count"] == 0


def test_it_creates_a_person_and_refuses_a_duplicate_id_number(client, street_a_staff, district):
    client.force_login(street_a_staff)
    body = {"name": "李四", "id_number": build.id_number(), "region": district["grid_a"].code}
    response = _send(client, "POST", "/api/v1/ledger/people", body)
    assert response.status_code == 201
    assert response.json()["name"] != "李四"
    response = _send(client, "POST", "/api/v1/ledger/people", body)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "id_number", "message": "该身份证号已登记"}


def test_party_orgs_are_created_listed_and_scoped(client, street_a_staff, street_b_staff, district):
    secretary = build.party_member(district["community_a"], "赵书记")
    client.force_login(street_a_staff)
    body = {"name": "东关社区党委", "type": "党委", "region": district["community_a"].code,
            "secretary_id": secretary.pk}  # fmt: skip
    response = _send(client, "POST", "/api/v1/ledger/party-orgs", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secretary"] == "赵**" and created["members_count"] == 1
    assert client.get("/api/v1/ledger/party-orgs").json()["count"] == 1
    client.force_login(street_b_staff)
    assert client.get("/api/v1/ledger/party-orgs").json()["count"] == 0
    assert client.get(f"/api/v1/ledger/party-orgs/{created['id']}").status_code == 404
    response = _send(client, "POST", "/api/v1/ledger/party-orgs", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in {"region", "secretary_id"}


def test_a_viewer_may_read_but_not_write(client, district, orgs):
    from shegong import testing
    from shegong.core.perms import Role

    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"])
    client.force_login(instructor)
    assert client.get("/api/v1/ledger/organizations").json()["count"] == 1
    url = f"/api/v1/ledger/organizations/{orgs['a'].pk}"
    record = {"kind": "enterprise", "name": "x", "region": orgs["a"].region_id,
              "credit_code": orgs["a"].credit_code}  # fmt: skip
    assert _send(client, "PUT", url, record).status_code == 403


def test_a_party_org_carries_its_extension_and_re_election_state(client, street_a_staff, district):
    from datetime import date, timedelta

    from shegong.ledger.actions.party import extend_term

    today = date.today()
    branch = build.party_org(
        district["community_a"], "东关党支部", term_end=today - timedelta(days=10)
    )
    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    client.force_login(street_a_staff)
    body = client.get(f"/api/v1/ledger/party-orgs/{branch.pk}").json()
    assert body["reelection_status"] == "overdue" and body["extended_to"] is None
    extend_term(
        branch, actor=street_a_staff, extended_to=today + timedelta(days=30),
        approved_by="东城街道党工委", document_no="东街党〔2026〕3号", approved_on=today,
    )  # fmt: skip
    body = client.get(f"/api/v1/ledger/party-orgs/{branch.pk}").json()
    assert body["reelection_status"] == "extended"
    assert body["extended_to"] == (today + timedelta(days=30)).isoformat()
    assert body["extension_document_no"] == "东街党〔2026〕3号"
    body = client.get(f"/api/v1/ledger/party-orgs/{temporary.pk}").json()
    assert body["reelection_status"] is None and body["dissolved_on"] is None


def test_party_org_steps_through_the_api(client, street_a_staff, street_b_staff, district):
    """转入/转出党员, 发展党员, 延期换届, 转建 and 撤销 over the API: each goes through its action
    (audited), refuses what the action refuses with a 422 naming the field, and another
    street's organization is 404."""
    from datetime import date, timedelta

    from shegong.ledger.models import PartyOrganization

    today = date.today()
    base = "/api/v1/ledger/party-orgs"
    branch = build.party_org(
        district["community_a"], "东关党支部", term_end=today - timedelta(days=10)
    )
    member = build.party_member(district["community_a"], "钱党员")
    applicant = build.person(district["community_a"], "孙群众")
    client.force_login(street_a_staff)

    response = _send(client, "POST", f"{base}/{branch.pk}/members", {"person_id": member.pk})
    assert response.status_code == 201, response.content
    assert response.json()["members_count"] == 1
    response = _send(client, "POST", f"{base}/{branch.pk}/members", {"person_id": applicant.pk})
    assert response.status_code == 422  # not a party member

    response = _send(client, "POST", f"{base}/{branch.pk}/develop", {"person_id": applicant.pk})
    assert response.status_code == 200, response.content
    assert response.json()["members_count"] == 2
    applicant.refresh_from_db()
    assert applicant.political_status == "party_probationary"
    response = _send(client, "POST", f"{base}/{branch.pk}/develop", {"person_id": member.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "person"

    extension = {"approved_by": "东城街道党工委", "document_no": "东街党〔2026〕9号",
                 "approved_on": today.isoformat()}  # fmt: skip
    too_far = (today + timedelta(days=400)).isoformat()
    response = _send(client, "POST", f"{base}/{branch.pk}/extension",
                     {**extension, "extended_to": too_far})  # fmt: skip
    assert response.status_code == 422
    branch.refresh_from_db()
    assert branch.extended_to is None
    later = (today + timedelta(days=60)).isoformat()
    response = _send(client, "POST", f"{base}/{branch.pk}/extension",
                     {**extension, "extended_to": later})  # fmt: skip
    assert response.status_code == 200 and response.json()["reelection_status"] == "extended"

    membership = branch.memberships.get(person=member)
    response = _send(client, "POST", f"{base}/{branch.pk}/members/{membership.pk}/leave", {})
    assert response.status_code == 200 and response.json()["members_count"] == 1

    temporary = build.party_org(district["community_a"], "项目临时党支部", "temporary_branch")
    response = _send(client, "POST", f"{base}/{temporary.pk}/develop", {"person_id": member.pk})
    assert response.status_code == 409  # a temporary branch develops no members
    assert "临时党支部不发展党员" in response.json()["detail"]
    response = _send(client, "POST", f"{base}/{temporary.pk}/convert", {"new_type": "branch"})
    assert response.status_code == 200, response.content
    formal = response.json()
    assert formal["id"] != temporary.pk and formal["name"] == "项目党支部"
    other = build.party_org(district["community_a"], "培训班临时党支部", "temporary_branch")
    response = _send(client, "POST", f"{base}/{other.pk}/dissolve", {"reason": ""})
    assert response.status_code == 422
    assert PartyOrganization.objects.get(pk=other.pk).is_active
    response = _send(client, "POST", f"{base}/{other.pk}/dissolve", {"reason": "培训班结业"})
    assert response.status_code == 200 and response.json()["dissolved_on"] == today.isoformat()

    verbs = set(
        AuditEvent.objects.filter(
            verb__in=[
                Verb.PARTY_MEMBER_ADDED,
                Verb.PARTY_MEMBER_DEVELOPED,
                Verb.PARTY_ORG_TERM_EXTENDED,
                Verb.PARTY_MEMBER_REMOVED,
                Verb.PARTY_ORG_CONVERTED,
                Verb.PARTY_ORG_DISSOLVED,
            ]
        ).values_list("verb", flat=True)
    )
    assert len(verbs) == 6

    client.force_login(street_b_staff)
    response = _send(client, "POST", f"{base}/{branch.pk}/develop", {"person_id": applicant.pk})
    assert response.status_code == 404
