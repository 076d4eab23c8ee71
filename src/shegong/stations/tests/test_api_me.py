"""The worker's own API: GET /api/v1/stations/me (masked profile, this month's count, the last
20 visits, benefits, cover) and POST /api/v1/stations/checkin (201; forged token 404; 30-minute
rule 409 with the earlier time; station not open 409; unknown service 422). Self-scoped: a worker
never sees another worker's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.accounts import actions as account_actions
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.models import Person
from shegong.stations import qr, queries
from shegong.stations.actions import care, visits
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Station, Visit

from .visit_fixtures import station, worker

ME = "/api/v1/stations/me"
CHECKIN = "/api/v1/stations/checkin"
PHONE = "13912345678"


@pytest.fixture
def setup(district):
    rider = worker(district["community_a"], name="王小骑")
    Person.objects.filter(pk=rider.person_id).update(phone=PHONE)
    rider.person.refresh_from_db()
    return {
        "a": station("东关驿站", testing.POINT_A),
        "b": station("西城驿站", testing.POINT_B, facilities=["water"]),
        "rider": rider,
        "rider_b": worker(district["community_b"], name="李西骑"),
    }


def post_checkin(client, body, **headers):
    return client.post(CHECKIN, body, content_type="application/json", **headers)


# --- GET /me ----------------------------------------------------------------------------------


def test_me_needs_login(client, setup):
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_me_without_a_worker_profile_is_404(client, setup, resident, street_a_staff):
    for user in (resident, street_a_staff):
        client.force_login(user)
        response = client.get(ME)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "您还没有登记为新就业群体"


def test_me_shows_my_masked_profile_visits_benefits_and_cover(client, setup, district):
    rider, a, b = setup["rider"], setup["a"], setup["b"]
    now = timezone.now()
    last_month = queries.month_start() - timedelta(minutes=1)
    visits.record_visit(a, worker=rider, actor=None, at=last_month)
    visits.record_visit(a, worker=rider, actor=None, at=now, services=["water"])
    visits.record_visit(b, worker=rider, actor=None, at=now)
    today = timezone.localdate()
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5),
    )  # fmt: skip
    care.set_stock(campaign, a, 5, actor=None)
    care.give_benefit(campaign, worker=rider, station=a, actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年骑手意外险", insurer="某保险公司", policy_number="PA2026-001",
        region=district["street_a"], starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )  # fmt: skip
    care.enroll_workers(batch, [rider], actor=None)

    client.force_login(rider.person.user)
    response = client.get(ME)
    assert response.status_code == 200
    body = response.json()
    profile = body["profile"]
    assert profile["id"] == rider.pk and profile["name"] == "王**"
    assert profile["phone"] == "139****5678"
    assert profile["id_number"] == rider.person.id_number_masked
    assert profile["kind"] == "courier" and profile["region"] == district["community_a"].code
    text = response.content.decode()
    assert "王小骑" not in text and PHONE not in text and rider.person.id_number not in text
    assert body["visits_this_month"] == 2
    # newest first; the two at the same instant by the order they were counted
    assert [v["station_name"] for v in body["visits"]] == ["西城驿站", "东关驿站", "东关驿站"]
    assert {tuple(v["services"]) for v in body["visits"]} == {("water",), ()}
    assert body["benefits"] == [
        {"campaign": "清凉新力量", "benefit": "防暑降温包", "station_name": "东关驿站",
         "given_at": body["benefits"][0]["given_at"]},
    ]  # fmt: skip
    assert body["insurance"][0]["policy_number"] == "PA2026-001"
    assert body["insurance"][0]["active"] is True


def test_me_lists_the_last_20_visits_newest_first(client, setup):
    rider = setup["rider"]
    start = timezone.now() - timedelta(days=2)
    for i in range(23):
        visits.record_visit(setup["a"], worker=rider, actor=None, at=start + timedelta(hours=i))
    client.force_login(rider.person.user)
    got = client.get(ME).json()["visits"]
    assert len(got) == 20
    ats = [v["at"] for v in got]
    assert ats == sorted(ats, reverse=True)


def test_me_is_self_scoped(client, setup):
    """Worker B never sees worker A's visits, and the other way round."""
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None)
    visits.record_visit(setup["b"], worker=setup["rider_b"], actor=None)
    client.force_login(setup["rider_b"].person.user)
    body = client.get(ME).json()
    assert body["profile"]["id"] == setup["rider_b"].pk
    assert [v["station_name"] for v in body["visits"]] == ["西城驿站"]
    assert "王" not in client.get(ME).content.decode()
    client.force_login(setup["rider"].person.user)
    assert [v["station_name"] for v in client.get(ME).json()["visits"]] == ["东关驿站"]


def test_me_with_a_bearer_token(client, setup):
    account = setup["rider"].person.user
    _, key = account_actions.create_token(account, actor=account, name="骑手App")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["profile"]["id"] == setup["rider"].pk


# --- POST /checkin ----------------------------------------------------------------------------


def test_checkin_counts_my_visit(client, setup):
    rider = setup["rider"]
    client.force_login(rider.person.user)
    token = qr.checkin_token(setup["b"])  # a rider checks in at another street's station too
    response = post_checkin(client, {"token": token, "services": ["water"]})
    assert response.status_code == 201
    body = response.json()
    visit = Visit.objects.get()
    assert body["id"] == visit.pk and body["station_id"] == setup["b"].pk
    assert body["station_name"] == "西城驿站" and body["services"] == ["water"]
    assert body["source"] == "qr"
    assert visit.worker == rider and visit.recorded_by == rider.person.user
    event = AuditEvent.objects.get(verb=Verb.VISIT_RECORDED_AT_STATION)
    assert event.data["visit"] == visit.pk and event.data["source"] == "qr"


def test_checkin_takes_the_whole_scanned_url(client, setup):
    client.force_login(setup["rider"].person.user)
    url = "https://shegong.example.cn" + qr.checkin_path(setup["a"])
    assert post_checkin(client, {"token": url}).status_code == 201
    assert Visit.objects.get().station == setup["a"]


def test_a_second_scan_within_30_minutes_is_409_with_the_earlier_time(client, setup):
    client.force_login(setup["rider"].person.user)
    token = qr.checkin_token(setup["a"])
    first = post_checkin(client, {"token": token})
    assert first.status_code == 201
    again = post_checkin(client, {"token": token, "services": ["water"]})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    problem = again.json()
    earlier = timezone.localtime(Visit.objects.get().at)
    assert problem["title"] == "已签到"
    assert problem["detail"] == f"已签到（{earlier:%H:%M}），30分钟内不重复计数"
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "", "eyJzIjoxfQ:1tX:forged"],
)
def test_a_bad_or_forged_token_is_404_or_422(client, setup, token):
    client.force_login(setup["rider"].person.user)
    response = post_checkin(client, {"token": token})
    assert response.status_code == (422 if token == "" else 404)
    assert not Visit.objects.exists()


def test_a_token_altered_to_name_another_station_is_404(client, setup):
    client.force_login(setup["rider"].person.user)
    token = qr.checkin_token(setup["a"])
    head, rest = token.split(":", 1)
    other = qr.checkin_token(setup["b"]).split(":", 1)[0]
    assert post_checkin(client, {"token": f"{other}:{rest}"}).status_code == 404
    assert head != other and not Visit.objects.exists()


def test_a_deleted_station_token_is_404(client, setup):
    client.force_login(setup["rider"].person.user)
    gone = Station.objects.create(
        name="已撤站", address="某路", lat=testing.POINT_A[0], lon=testing.POINT_A[1],
        region=setup["a"].region,
    )  # fmt: skip
    token = qr.checkin_token(gone)
    gone.delete()
    assert post_checkin(client, {"token": token}).status_code == 404


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_a_station_not_open_is_409(client, setup, status):
    station_actions.set_station_status(setup["a"], actor=None, status=status, reason="装修")
    client.force_login(setup["rider"].person.user)
    response = post_checkin(client, {"token": qr.checkin_token(setup["a"])})
    assert response.status_code == 409 and "暂不能签到" in response.json()["detail"]
    assert not Visit.objects.exists()


def test_a_service_the_station_lacks_is_422(client, setup):
    client.force_login(setup["rider"].person.user)
    response = post_checkin(client, {"token": qr.checkin_token(setup["b"]), "services": ["sauna"]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "services"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "token"), ({"token": "x", "services": "water"}, "services"), ({"token": 5}, "token")],
)
def test_a_malformed_body_is_422_per_field(client, setup, body, field):
    client.force_login(setup["rider"].person.user)
    response = post_checkin(client, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_checkin_without_a_worker_profile_is_404(client, setup, resident):
    client.force_login(resident)
    response = post_checkin(client, {"token": qr.checkin_token(setup["a"])})
    assert response.status_code == 404
    assert response.json()["detail"] == "您还没有登记为新就业群体"
    assert not Visit.objects.exists()


def test_checkin_needs_login(client, setup):
    assert post_checkin(client, {"token": qr.checkin_token(setup["a"])}).status_code == 401


def test_checkin_retried_with_the_same_idempotency_key_counts_once(client, setup):
    client.force_login(setup["rider"].person.user)
    body = {"token": qr.checkin_token(setup["a"])}
    first = post_checkin(client, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    again = post_checkin(client, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Visit.objects.count() == 1


# --- the public detail still answers beside /me and /checkin ---------------------------------


def test_station_detail_takes_integer_ids_only(client, setup):
    assert client.get(f"/api/v1/stations/{setup['a'].pk}").json()["name"] == "东关驿站"
    response = client.get("/api/v1/stations/abc")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(CHECKIN).status_code == 405


def test_openapi_lists_the_worker_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/stations/me"]
    assert "post" in paths["/api/v1/stations/checkin"]
    assert "get" in paths["/api/v1/stations/{station_id}"]


def test_after_withdrawal_me_and_checkin_are_404(client, setup):
    from shegong.stations.actions import workers

    account = setup["rider"].person.user
    workers.withdraw_worker(setup["rider"], actor=None, self_service=False, reason="本人申请")
    client.force_login(account)
    assert client.get(ME).status_code == 404
    response = post_checkin(client, {"token": qr.checkin_token(setup["a"])})
    assert response.status_code == 404 and not Visit.objects.exists()
