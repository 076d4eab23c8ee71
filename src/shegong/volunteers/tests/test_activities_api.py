"""/api/v1/activities: the scoped list and detail, the public list, the volunteer's own
sign-up, cancellation, check-in and check-out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.volunteers.actions import attendance
from shegong.volunteers.models import ServiceRecord, Signup

LAT, LON = testing.POINT_A


@pytest.fixture
def upcoming(activities_team):
    return testing.activity(
        activities_team, title="东关敬老院陪伴", starts_at=timezone.now() + timedelta(days=1),
        quota=1,
    )  # fmt: skip


@pytest.fixture
def street_b_activity(district):
    team = testing.team(district["community_b"], name="西城志愿服务队")
    return testing.activity(
        team, title="西城河道清理", point=testing.POINT_B,
        starts_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def test_the_staff_list_and_detail_are_scoped(client, street_a_staff, upcoming, street_b_activity):
    client.force_login(street_a_staff)
    items = client.get("/api/v1/activities").json()["items"]
    assert [a["title"] for a in items] == ["东关敬老院陪伴"]
    detail = client.get(f"/api/v1/activities/{upcoming.pk}").json()
    assert detail["shifts"][0]["places_left"] == 1
    missing = client.get(f"/api/v1/activities/{street_b_activity.pk}")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


def test_the_public_list_needs_no_login_and_shows_no_person(
    client, upcoming, street_b_activity, activities_member
):
    Signup.objects.create(shift=upcoming.shifts.get(), volunteer=activities_member,
                          status="confirmed")  # fmt: skip
    response = client.get(
        f"/api/v1/activities/public?lat={testing.POINT_B[0]}&lon={testing.POINT_B[1]}"
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [a["title"] for a in items] == ["西城河道清理", "东关敬老院陪伴"]
    assert items[1]["places_left"] == 0 and items[0]["distance_m"] < 10
    body = response.content.decode("unicode_escape")
    assert activities_member.person.name_masked not in body
    assert activities_member.number not in body
    bad = client.get(f"/api/v1/activities/public?lat={LON}&lon={LAT}")
    assert bad.status_code == 422 and "填反" in bad.json()["detail"]


def test_sign_up_again_and_cancel(
    client, district, activities_member_user, activities_member, upcoming
):
    client.force_login(activities_member_user)
    url = f"/api/v1/activities/{upcoming.pk}/signup"
    first = _post(client, url)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = _post(client, url)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    mine = client.get("/api/v1/activities/me").json()
    assert [s["title"] for s in mine] == ["东关敬老院陪伴"]
    cancelled = _post(client, f"/api/v1/activities/{upcoming.pk}/signup/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _post(client, f"/api/v1/activities/{upcoming.pk}/signup/cancel").status_code == 404


def test_over_the_quota_the_api_says_the_position(
    client, district, activities_member_user, activities_member, upcoming
):
    Signup.objects.create(
        shift=upcoming.shifts.get(),
        status="confirmed",
        volunteer=testing.volunteer(district["community_a"], name="先到者"),
    )
    client.force_login(activities_member_user)
    response = _post(client, f"/api/v1/activities/{upcoming.pk}/signup")
    assert response.json()["status"] == "waitlisted" and response.json()["position"] == 1


def test_a_caller_without_a_volunteer_profile_gets_404(client, street_a_staff, upcoming):
    client.force_login(street_a_staff)
    response = _post(client, f"/api/v1/activities/{upcoming.pk}/signup")
    assert response.status_code == 404 and "注册志愿者" in response.json()["detail"]


def test_a_bad_shift_is_422(client, activities_member_user, activities_member, upcoming):
    client.force_login(activities_member_user)
    response = _post(client, f"/api/v1/activities/{upcoming.pk}/signup", {"shift_id": 999999})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "shift_id"


def test_check_in_then_again_then_out(
    client, activities_team, activities_member_user, activities_member
):
    shift = testing.activity(activities_team).shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    client.force_login(activities_member_user)
    token = attendance.token_for(shift)
    body = {"token": f"http://testserver/m/activities/checkin/{token}/", "lat": str(LAT),
            "lon": str(LON), "accuracy": 15}  # fmt: skip
    first = _post(client, "/api/v1/activities/checkin", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and first.json()["status"] == "open"
    again = _post(client, "/api/v1/activities/checkin", body)
    assert again.status_code == 200 and again.json()["repeated"] is True
    out = _post(
        client,
        "/api/v1/activities/checkout",
        {"record_id": first.json()["id"], "lat": str(LAT), "lon": str(LON)},
    )
    assert out.status_code == 200 and out.json()["status"] == "pending"
    assert ServiceRecord.objects.count() == 1


def test_refusals_are_problem_details(
    client, activities_team, activities_member_user, activities_member
):
    shift = testing.activity(activities_team).shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    client.force_login(activities_member_user)
    far = {"token": attendance.token_for(shift), "lat": str(LAT + 0.02), "lon": str(LON)}
    response = _post(client, "/api/v1/activities/checkin", far)
    assert response.status_code == 409 and "需在 300 米内签到" in response.json()["detail"]
    old = attendance.token_for(shift, timezone.now() - timedelta(minutes=10))
    expired = _post(client, "/api/v1/activities/checkin", {**far, "token": old})
    assert expired.status_code == 410
    forged = _post(client, "/api/v1/activities/checkin", {**far, "token": "forged"})
    assert forged.status_code == 404
    nothing = _post(client, "/api/v1/activities/checkout", {"lat": str(LAT), "lon": str(LON)})
    assert nothing.status_code == 422
    assert not ServiceRecord.objects.exists()


def test_another_volunteers_record_cannot_be_checked_out(
    client, district, activities_team, activities_member_user
):
    shift = testing.activity(activities_team).shifts.get()
    someone = testing.volunteer(district["community_a"], name="别人")
    record = ServiceRecord.objects.create(
        volunteer=someone, team=activities_team, activity=shift.activity, shift=shift,
        region=activities_team.region, content="x", served_on=timezone.localdate(),
        check_in_at=shift.starts_at,
    )  # fmt: skip
    testing.volunteer(district["community_a"], account=activities_member_user)
    client.force_login(activities_member_user)
    response = _post(
        client,
        "/api/v1/activities/checkout",
        {"record_id": record.pk, "lat": str(LAT), "lon": str(LON)},
    )
    assert response.status_code == 404


# --- the team: roster, signing up on a volunteer's behalf, cancelling --------------------------


def test_the_leader_signs_up_cancels_and_reads_the_roster(
    client, activities_leader, upcoming, activities_member, district
):
    client.force_login(activities_leader)
    url = f"/api/v1/activities/{upcoming.pk}/roster"
    assert client.get(url).json() == []
    first = _post(client, url, {"number": activities_member.number})
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = _post(client, url, {"number": activities_member.number})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = testing.volunteer(district["community_a"], name="东关二号", birth="19920202")
    waiting = _post(client, url, {"number": other.number})
    assert waiting.status_code == 201 and waiting.json()["position"] == 1
    rows = client.get(url).json()
    assert [(r["volunteer_number"], r["status"], r["position"]) for r in rows] == [
        (activities_member.number, "confirmed", None), (other.number, "waitlisted", 1),
    ]  # fmt: skip
    assert rows[0]["name"] == activities_member.person.name_masked
    cancel = f"/api/v1/activities/signups/{first.json()['id']}/cancel"
    missing_reason = _post(client, cancel, {"reason": " "})
    assert missing_reason.status_code == 422
    done = _post(client, cancel, {"reason": "电话告知不能参加"})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert Signup.objects.get(volunteer=other).status == "confirmed"  # promoted


def test_the_team_endpoints_refuse_bad_input_and_other_teams(
    client, activities_leader, activities_member_user, upcoming, street_b_activity,
    activities_member,
):  # fmt: skip
    client.force_login(activities_leader)
    unknown = _post(client, f"/api/v1/activities/{upcoming.pk}/roster", {"number": "NOSUCH"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "number"
    other_team = f"/api/v1/activities/{street_b_activity.pk}/roster"
    assert client.get(other_team).status_code == 404
    assert _post(client, other_team, {"number": activities_member.number}).status_code == 404
    signup = Signup.objects.create(
        shift=street_b_activity.shifts.get(), volunteer=activities_member, status="confirmed"
    )
    cancel = _post(client, f"/api/v1/activities/signups/{signup.pk}/cancel", {"reason": "x"})
    assert cancel.status_code == 404
    client.force_login(activities_member_user)  # a volunteer who runs no team
    assert client.get(f"/api/v1/activities/{upcoming.pk}/roster").status_code == 404
    assert not Signup.objects.filter(shift__activity=upcoming).exists()
