"""Meeting pages and API: the planner and its cadence status, the detail's buttons through the
actions (errors on the page with the numbers), the sign-in screen and QR, H5 sign-in by code
and by the scanned QR, and the API's paths (schedule → notice → agenda → record → close)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.deliberation.actions import meetings as actions
from shegong.deliberation.models import ActionItem, CommunitySettings, Meeting


@pytest.fixture
def worker_client(client, community_a_worker):
    client.force_login(community_a_worker)
    return client


def scheduled(worker, district, days=10):
    CommunitySettings.objects.get_or_create(region=district["community_a"], defaults={"adults": 40})
    return actions.schedule(
        worker, region=district["community_a"], kind="residents", title="东关居民会议",
        starts_at=timezone.now() + timedelta(days=days), place="社区会议室",
    )  # fmt: skip


def test_the_planner_lists_meetings_and_the_cadence(worker_client, community_a_worker, district):
    m = scheduled(community_a_worker, district)
    page = worker_client.get(reverse("deliberation:meetings")).content.decode()
    assert m.title in page and "本月未开" in page and 'data-sg-total="1"' in page
    missing = worker_client.get(reverse("deliberation:meetings") + "?cadence=missing")
    assert 'data-sg-total="1"' in missing.content.decode()
    assert testing.todo_of(community_a_worker, "deliberation.cadence")["count"] == 1


def test_new_meeting_form_rerenders_with_errors(worker_client, district):
    response = worker_client.post(reverse("deliberation:meeting_new"), {"title": ""})
    assert response.status_code == 422 and "请选择社区" in response.content.decode()
    response = worker_client.post(reverse("deliberation:meeting_new"), {
        "region": district["community_a"].code, "kind": "consultation", "title": "议事协商会",
        "starts_at": (timezone.localtime() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
        "place": "议事厅",
    })  # fmt: skip
    assert response.status_code == 302
    assert Meeting.objects.get().title == "议事协商会"


def test_the_notice_too_late_shows_the_days(worker_client, community_a_worker, district):
    m = scheduled(community_a_worker, district, days=3)
    url = reverse("deliberation:meeting_act", args=[m.pk, "notice"])
    response = worker_client.post(url, {"notice": "请参加"})
    assert response.status_code == 422
    assert "居民会议须提前 7 天发布通知，距召开仅剩 2 天" in response.content.decode()


def test_close_without_record_shows_why(worker_client, community_a_worker, district):
    m = scheduled(community_a_worker, district)
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    worker_client.post(
        reverse("deliberation:meeting_act", args=[m.pk, "agenda_add"]),
        {"title": "加装电梯", "is_vote": "on"},
    )
    response = worker_client.post(reverse("deliberation:meeting_act", args=[m.pk, "close"]))
    assert response.status_code == 409
    assert "会议纪要未完成" in response.content.decode()


def test_the_signin_screen_shows_a_qr_and_the_code(worker_client, community_a_worker, district):
    m = scheduled(community_a_worker, district)
    page = worker_client.get(reverse("deliberation:meeting_signin", args=[m.pk])).content.decode()
    assert (
        m.signin_code in page
        and "rotating_qr.js" in page
        and "应到 40，实到 0，过半数需 21" in page
    )
    png = worker_client.get(reverse("deliberation:meeting_qr", args=[m.pk]))
    assert png["Content-Type"] == "image/png" and png["Cache-Control"] == "no-store"
    assert worker_client.get(reverse("deliberation:meeting_print", args=[m.pk])).status_code == 200


def test_h5_sign_in_by_code_and_by_qr(client, community_a_worker, district, resident, neighbour):
    m = scheduled(community_a_worker, district)
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    client.force_login(resident)
    bad = client.post(reverse("deliberation_m:meetings"), {"code": "9999999"})
    assert bad.status_code == 422 and "签到码不正确" in bad.content.decode()
    ok = client.post(reverse("deliberation_m:meetings"), {"code": m.signin_code})
    assert ok.status_code == 302
    again = client.post(reverse("deliberation_m:meetings"), {"code": m.signin_code})
    assert "已签到" in again.content.decode()
    client.force_login(neighbour)
    url = reverse("deliberation_m:checkin", args=[actions.token_for(m)])
    assert "确认签到" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    old = actions.token_for(m, timezone.now() - timedelta(minutes=10))
    assert client.get(reverse("deliberation_m:checkin", args=[old])).status_code == 410
    m.refresh_from_db()
    assert m.present_count == 2


def test_h5_shows_only_published_meetings_of_my_community(
    client, community_a_worker, district, resident, outsider
):
    m = scheduled(community_a_worker, district)
    client.force_login(resident)
    assert m.title not in client.get(reverse("deliberation_m:meetings")).content.decode()
    actions.publish_notice(community_a_worker, m, "请准时参加")
    assert m.title in client.get(reverse("deliberation_m:meetings")).content.decode()
    assert client.get(reverse("deliberation_m:meeting", args=[m.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("deliberation_m:meeting", args=[m.pk])).status_code == 404


def test_api_schedule_to_close(client, community_a_worker, district, street_b_staff):
    client.force_login(community_a_worker)
    CommunitySettings.objects.create(region=district["community_a"], adults=10)
    starts = (timezone.now() + timedelta(days=8)).isoformat()
    made = client.post(
        "/api/v1/deliberation/meetings",
        {"region": district["community_a"].code, "kind": "residents", "title": "API会议",
         "starts_at": starts, "place": "会议室"}, content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["expected_count"] == 10
    base = f"/api/v1/deliberation/meetings/{pk}"
    assert client.post(f"{base}/notice", {"notice": "请参加"},
                       content_type="application/json").status_code == 200  # fmt: skip
    agenda = client.post(f"{base}/agenda", {"items": [{"title": "修路灯", "is_vote": True}]},
                         content_type="application/json")  # fmt: skip
    item = agenda.json()["items"][0]["id"]
    Meeting.objects.filter(pk=pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    refused = client.post(
        f"{base}/record", {"summary": "讨论", "paper_signins": 4,
                           "items": [{"pk": item, "votes_for": 4}]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["detail"] == "表决须实到过半数：应到 10 人，实到 4 人，至少需 6 人"
    saved = client.post(
        f"{base}/record",
        {"summary": "讨论", "paper_signins": 7,
         "items": [{"pk": item, "votes_for": 5, "decision": "修好路灯",
                    "owner_label": "物业", "due_on": "2030-01-01"}]},
        content_type="application/json",
    )  # fmt: skip
    assert saved.status_code == 200 and saved.json()["items"][0]["result"] == "passed"
    closed = client.post(f"{base}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert ActionItem.objects.filter(meeting_id=pk, title="修好路灯").exists()
    assert client.get("/api/v1/deliberation/meetings").json()["count"] == 1
    client.force_login(street_b_staff)
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/close").status_code == 404


def test_api_resident_sign_in_by_code_and_qr(client, community_a_worker, district, resident):
    m = scheduled(community_a_worker, district)
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now())
    client.force_login(resident)
    url = "/api/v1/deliberation/meetings/sign-in"
    wrong = client.post(url, {"code": "00000000"}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "code"
    old = actions.token_for(m, timezone.now() - timedelta(minutes=10))
    assert client.post(url, {"token": old}, content_type="application/json").status_code == 410
    scanned = f"https://x/m/deliberation/checkin/{actions.token_for(m)}/"
    ok = client.post(url, {"token": scanned}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["method"] == "qr"
    again = client.post(url, {"code": m.signin_code}, content_type="application/json")
    assert again.status_code == 409 and "已签到" in again.json()["detail"]
