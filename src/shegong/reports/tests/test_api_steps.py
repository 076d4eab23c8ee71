"""/api/v1/reports/{id}/<verb>: every workflow step through the API, each calling one action."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shegong.accounts.models import Department
from shegong.reports.choices import Status
from shegong.reports.models import Follower, Report

from .test_api import URL, image, post_json, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(district):
    return Department.objects.create(code="jjdd", name="交警大队", region=district["district"])


def step(client, report, verb, body=None, **kwargs):
    return post_json(client, f"{URL}/{report.pk}/{verb}", body, **kwargs)


def ok(response, status):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == status
    return body


def test_the_whole_loop_through_the_api(
    client, rider, dispatcher, handler, department_b, traffic, unrouted_category
):
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    ok(step(client, report, "accept", {"note": "已受理"}), Status.ACCEPTED)
    body = ok(
        step(client, report, "transfer", {"department": "scjgj", "assisting": ["cgj"]}),
        Status.TRANSFERRED,
    )
    assert body["lead_department"]["code"] == "scjgj"
    assert {(d["department"]["code"], d["role"]) for d in body["departments"]} == {
        ("scjgj", "lead"), ("cgj", "assist")
    }  # fmt: skip
    body = ok(step(client, report, "assist", {"department": "jjdd"}), Status.TRANSFERRED)
    assert len(body["departments"]) == 3
    body = ok(
        step(client, report, "reassign", {"department": "cgj", "note": "属城管职责"}),
        Status.TRANSFERRED,
    )
    assert body["lead_department"]["code"] == "cgj"

    client.force_login(handler)
    ok(step(client, report, "respond", {"note": "已安排人员"}), Status.RESPONDED)
    body = ok(
        step(client, report, "note", {"note": "材料已采购", "public": True}), Status.RESPONDED
    )
    assert body["events"][-1]["note"] == "材料已采购"
    assert body["events"][-1]["actor_label"] == "城管局"  # the department, never the handler
    response = client.post(
        f"{URL}/{report.pk}/resolve", {"result": "已更换地砖", "photos": [image("修好了.jpg")]}
    )
    body = ok(response, Status.RESOLVED)
    assert body["result"] == "已更换地砖"
    [after] = body["result_photos"]
    assert client.get(after["url"]).status_code == 200

    client.force_login(rider)
    ok(step(client, report, "verify"), Status.CLOSED)
    body = ok(step(client, report, "rate", {"rating": 5, "comment": "很快"}), Status.CLOSED)
    assert body["satisfaction"] == "满意"
    body = ok(step(client, report, "reopen", {"reason": "又松动了"}), Status.REOPENED)
    assert body["rating"] is None


def test_the_dispatch_desk_rejects_and_merges(
    client, rider, resident, dispatcher, unrouted_category
):
    junk = submit(rider, unrouted_category)
    main = submit(rider, unrouted_category)
    again = submit(resident, unrouted_category)
    client.force_login(dispatcher)
    response = step(client, junk, "reject", {"reason": "invalid"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "note"
    body = ok(step(client, junk, "reject", {"reason": "invalid", "note": "照片看不清"}), "rejected")
    assert body["reject_reason"] == "invalid"
    body = ok(step(client, again, "merge", {"into": main.pk}), Status.MERGED)
    assert body["merged_into"] == main.pk
    assert Follower.objects.filter(report=main, user=resident).exists()
    response = step(client, main, "merge", {"into": 999999})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "into"


def test_a_department_returns_a_misrouted_case(client, rider, handler, category):
    report = submit(rider, category)
    client.force_login(handler)
    assert step(client, report, "return").json()["errors"][0]["field"] == "reason"
    body = ok(step(client, report, "return", {"reason": "属市场监管职责"}), Status.RETURNED)
    assert body["lead_department"] is None


def test_a_department_outside_the_cases_area_cannot_be_chosen(
    client, rider, dispatcher, district, unrouted_category
):
    Department.objects.create(code="xc", name="西城中队", region=district["street_b"])
    report = submit(rider, unrouted_category)
    client.force_login(dispatcher)
    for department in ("xc", "nope", ""):
        response = step(client, report, "transfer", {"department": department})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "department"
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_a_resident_follows_a_public_case_instead_of_reporting_it(
    client, rider, resident, street_b_staff, category
):
    report = submit(rider, category)
    client.force_login(street_b_staff)
    assert step(client, report, "follow").status_code == 404  # staff: only inside their scope
    client.force_login(resident)
    body = ok(step(client, report, "follow"), Status.TRANSFERRED)
    assert body["reporter_label"] is None  # another resident never sees the reporter
    assert client.get(f"{URL}/{report.pk}").status_code == 200
    assert [i["id"] for i in client.get(URL).json()["items"]] == [report.pk]


def test_moderation_hides_a_case_and_redacts_a_photo_for_the_public_only(
    client, rider, resident, dispatcher, category
):
    report = submit(rider, category, photos=[image()])
    Follower.objects.create(report=report, user=resident)
    client.force_login(dispatcher)
    body = ok(step(client, report, "hide", {"hidden": True, "reason": "涉及隐私"}), "transferred")
    assert body["hidden"] is True
    body = ok(step(client, report, "redact", {"index": 0, "reason": "有人脸"}), "transferred")
    assert body["photos"][0]["redacted"] is True
    assert step(client, report, "redact", {"index": 3, "reason": "x"}).status_code == 422
    url = body["photos"][0]["url"]
    original = b"".join(client.get(url).streaming_content)
    client.force_login(rider)
    assert b"".join(client.get(url).streaming_content) == original  # the reporter's own photo
    client.force_login(resident)
    blurred = b"".join(client.get(url).streaming_content)
    assert blurred != original
    assert Image.open(io.BytesIO(blurred)).format == "JPEG"


def test_resolving_a_closed_case_is_409_listing_the_allowed_steps(client, rider, handler, category):
    from shegong.reports.actions.reports import resolve_report, verify_report

    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=rider)
    client.force_login(handler)
    response = step(client, report, "resolve", {"result": "再修一次"})
    assert response.status_code == 409
    assert response.json()["type"] == "/api/v1/problems/illegal-transition"
    assert "允许的下一步：已重启" in response.json()["detail"]


def test_steps_refuse_who_may_not_take_them(client, rider, resident, handler, category):
    report = submit(rider, category)
    client.force_login(rider)
    assert step(client, report, "transfer", {"department": "cgj"}).status_code == 403
    assert step(client, report, "respond").status_code == 403
    client.force_login(handler)
    assert step(client, report, "rate", {"rating": 5}).status_code == 403
    response = step(client, report, "rate", {"rating": "five"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "rating", "message": "应为整数"}]
    response = client.post(f"{URL}/{report.pk}/respond", b"{oops", content_type="application/json")
    assert response.status_code == 400


def test_a_grid_worker_verifies_a_case_in_their_community(
    client, rider, handler, community_a_worker, category
):
    from shegong.reports.actions.reports import resolve_report

    report = submit(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    client.force_login(community_a_worker)
    body = ok(step(client, report, "verify", {"note": "现场核查属实"}), Status.CLOSED)
    assert body["closed_at"] is not None
