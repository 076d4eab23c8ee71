"""/api/v1/service-records: list, approve, decline, adjust, bulk, me, public verify."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.volunteers.actions import certificates, hours
from shegong.volunteers.models import ServiceRecord, Team, Volunteer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/service-records"


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def test_the_list_holds_my_teams_records_with_masked_names(
    client, hours_record, hours_leader_user, hours_other_leader_user
):
    mine = hours_record(hours="2.50", auto_closed=True)
    hours_record(team=Team.objects.get(name="东关环保队"))
    client.force_login(hours_leader_user)
    body = client.get(BASE).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == mine.pk and item["hours"] == 2.5 and item["auto_closed"] is True
    assert item["volunteer_name"] == "李**" and item["team_name"] == "东关助老服务队"
    assert client.get(BASE, {"status": "approved"}).json()["count"] == 0
    assert client.get(BASE, {"status": "nonsense"}).status_code == 422


def test_approve_decline_and_adjust_through_the_api(
    client, hours_record, hours_member, hours_leader_user
):
    first, second = hours_record(hours="3.00"), hours_record()
    client.force_login(hours_leader_user)
    response = _post(client, f"{BASE}/{first.pk}/approve", {"note": "好"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Volunteer.objects.get(pk=hours_member.pk).hours == Decimal("3.00")
    again = _post(client, f"{BASE}/{first.pk}/approve")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"

    missing_reason = _post(client, f"{BASE}/{second.pk}/decline")
    assert missing_reason.status_code == 422
    assert missing_reason.json()["errors"][0]["field"] == "note"
    assert _post(client, f"{BASE}/{second.pk}/decline", {"note": "未到场"}).status_code == 200

    url = f"{BASE}/{first.pk}/adjust"
    bad = _post(client, url, {"hours_delta": "x", "reason": "原因"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "hours_delta"
    key = {"HTTP_IDEMPOTENCY_KEY": "adjust-1"}
    made = _post(client, url, {"hours_delta": -1, "reason": "多记1小时"}, **key)
    replay = _post(client, url, {"hours_delta": -1, "reason": "多记1小时"}, **key)
    assert made.status_code == 201 and made.json()["hours"] == -1.0
    assert replay.status_code == 201 and replay.json()["id"] == made.json()["id"]
    assert ServiceRecord.objects.filter(kind="adjustment").count() == 1
    assert Volunteer.objects.get(pk=hours_member.pk).hours == Decimal("2.00")


def test_an_outsider_gets_404_even_with_a_bad_body(
    client, hours_record, hours_other_leader_user, street_b_staff
):
    record = hours_record()
    for outsider in (hours_other_leader_user, street_b_staff):
        client.force_login(outsider)
        for verb in ("approve", "decline", "adjust"):
            response = _post(client, f"{BASE}/{record.pk}/{verb}", {"hours_delta": "nonsense"})
            assert response.status_code == 404, verb
        assert client.get(BASE).json()["count"] == 0
    record.refresh_from_db()
    assert record.status == "pending"


def test_bulk_approval_is_all_or_nothing(client, hours_record, hours_leader_user, street_a_staff):
    first, second = hours_record(hours="1.00"), hours_record(hours="2.00")
    hours.approve(second, street_a_staff)
    client.force_login(hours_leader_user)
    response = _post(client, f"{BASE}/approve", {"ids": [first.pk, second.pk]})
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.status == "pending"
    third = hours_record(hours="0.50")
    response = _post(client, f"{BASE}/approve", {"ids": [first.pk, third.pk]})
    assert response.status_code == 200
    assert response.json()["approved"] == 2 and response.json()["hours"] == 1.5


def test_my_hours_show_total_star_and_next_star(
    client, hours_record, hours_member, hours_member_user, hours_leader_user, resident
):
    hours.approve(hours_record(hours="6.00"), hours_leader_user)
    hours_record(hours="1.00")
    client.force_login(hours_member_user)
    body = client.get(f"{BASE}/me").json()
    assert body["number"] == hours_member.number and body["hours"] == 6.0
    assert body["star"] == 0 and body["next_star"] == 1 and body["missing_hours"] == 94.0
    assert body["pending_records"] == 1 and len(body["records"]) == 2
    client.force_login(resident)
    assert client.get(f"{BASE}/me").status_code == 404


def test_the_public_verify_shows_masked_facts_only(
    client, hours_record, hours_member, hours_team, hours_leader_user
):
    record = hours_record(hours="6.00")
    hours.approve(record, hours_leader_user)
    cert = testing.issued_certificate(
        hours_member, hours_team, record.served_on, timezone.localdate(), hours_leader_user
    )
    response = client.get(f"{BASE}/certificates/{cert.serial}/verify")  # no login
    body = response.json()
    assert response.status_code == 200 and body["name"] == "李**" and body["hours"] == 6.0
    assert body["issuer"] == "东关助老服务队" and body["status"] == "valid"
    text = json.dumps(body, ensure_ascii=False)
    assert "李小红" not in text and hours_member.number not in text
    forged = client.get(f"{BASE}/certificates/ZM20990101FORGED00/verify")
    assert forged.status_code == 404
    certificates.revoke(cert, hours_leader_user, "重开")
    revoked = client.get(f"{BASE}/certificates/{cert.serial}/verify")
    assert revoked.status_code == 410 and revoked.json()["detail"] == "该证明已作废"


def test_the_api_approves_with_an_evaluation_and_the_volunteer_sees_it(
    client, hours_record, hours_member, hours_member_user, hours_leader_user
):
    record, other = hours_record(), hours_record()
    client.force_login(hours_leader_user)
    bad = _post(client, f"{BASE}/{record.pk}/approve", {"evaluation": "满分"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "evaluation"
    done = _post(client, f"{BASE}/{record.pk}/approve", {"evaluation": "good"})
    assert done.status_code == 200 and done.json()["evaluation"] == "good"
    bulk = _post(client, f"{BASE}/approve", {"ids": [other.pk], "evaluation": "pass"})
    assert bulk.status_code == 200
    client.force_login(hours_member_user)
    mine = client.get(f"{BASE}/me").json()["records"]
    assert {r["evaluation_label"] for r in mine} == {"良好", "合格"}
    record_out = client.get("/api/v1/volunteers/me/record").json()
    assert record_out["evaluations"] == {"excellent": 0, "good": 1, "pass": 1}
