"""/api/v1/reports/: intake, lists and detail through the real API (session or bearer token)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from shegong import testing
from shegong.accounts import actions as account_actions
from shegong.reports.actions.reports import add_note, submit_report
from shegong.reports.choices import Status
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"
LAT, LON = testing.POINT_A


def image(name: str = "路面.jpg", fmt: str = "JPEG", size: tuple[int, int] = (40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def post_json(client, url, body=None, **kwargs):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **kwargs)


def submit_json(client, category, **fields):
    body = {"category": category.service_code, "description": "人行道地砖松动",
            "lat": LAT, "lon": LON, **fields}  # fmt: skip
    return post_json(client, URL, body)


def submit(actor, category, point=testing.POINT_A, **kwargs):
    kwargs.setdefault("description", "人行道地砖松动，老人容易绊倒")
    return submit_report(actor=actor, category=category, lat=point[0], lon=point[1], **kwargs)


# --- intake ------------------------------------------------------------------------------------


def test_a_rider_submits_json_and_the_case_goes_straight_to_its_department(
    client, rider, category, department_a
):
    client.force_login(rider)
    response = submit_json(client, category, attributes={})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == Status.TRANSFERRED
    assert body["lead_department"] == {"code": "cgj", "name": "城管局"}
    assert body["channel"] == "api"
    assert body["region"]["code"] == "341271001001001"
    assert body["reporter_label"] == str(rider)  # the reporter sees themselves, masked
    assert [e["kind"] for e in body["events"]] == ["submitted", "transferred"]
    assert Report.objects.get().reporter == rider


def test_a_token_client_submits_a_multipart_form_with_photos(client, rider, category):
    _, key = account_actions.create_token(rider, actor=rider, name="随手拍App")
    form = {
        "category": category.service_code,
        "description": "井盖缺失",
        "lat": str(LAT),
        "lon": str(LON),
        "attributes": "{}",
        "anonymous": "true",
        "photos": [image("井盖.jpg"), image("近景.png", "PNG")],
    }
    response = client.post(URL, form, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["anonymous"] is True
    assert [p["index"] for p in body["photos"]] == [0, 1]
    full = client.get(body["photos"][1]["url"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).format == "JPEG"
    thumb = client.get(body["thumb_url"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert thumb.status_code == 200


def test_a_gcj02_point_is_converted_and_an_address_needs_its_region(
    client, rider, category, district
):
    client.force_login(rider)
    response = submit_json(client, category, crs="gcj02")
    assert response.status_code == 201
    assert response.json()["lat"] != LAT  # stored in WGS-84
    response = submit_json(client, category, lat=None, lon=None, address="东关路12号")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"
    response = submit_json(
        client, category, lat=None, lon=None, address="东关路12号",
        region=district["community_a"].code,
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["region"]["code"] == district["community_a"].code


def test_a_missing_location_is_a_field_error_and_nothing_is_written(client, rider, category):
    client.force_login(rider)
    response = submit_json(client, category, lat=None, lon=None)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    location = {"field": "location", "message": "请在地图上选点，或填写地址"}
    assert location in response.json()["errors"]
    assert not Report.objects.exists()


def test_bad_input_names_the_field(client, rider, category):
    client.force_login(rider)
    response = post_json(client, URL, {"category": "no-such", "lat": LAT, "lon": LON})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"
    response = submit_json(client, category, crs="utm")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "crs"
    form = {"category": category.service_code, "description": "x", "lat": str(LAT),
            "lon": str(LON), "attributes": "{不是JSON"}  # fmt: skip
    response = client.post(URL, form)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "attributes", "message": "附加问题的回答应为 JSON 对象"}
    ]
    response = submit_json(client, category, lat=31.0, lon=117.0)
    assert response.status_code == 422
    assert "不在服务范围内" in response.json()["errors"][0]["message"]
    response = client.post(URL, b"{oops", content_type="application/json")
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_photos_that_are_not_photos_are_refused_naming_each_file(client, rider, category):
    client.force_login(rider)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    form = {
        "category": category.service_code,
        "description": "违章搭建",
        "lat": str(LAT),
        "lon": str(LON),
        "photos": [
            SimpleUploadedFile("setup.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg"),
            SimpleUploadedFile("drawing.svg", svg, "image/svg+xml"),
            SimpleUploadedFile("empty.jpg", b"", "image/jpeg"),
        ],
    }
    response = client.post(URL, form)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {"photos"}
    messages = " ".join(e["message"] for e in errors)
    for name in ("setup.jpg", "drawing.svg", "empty.jpg"):
        assert name in messages
    assert not Report.objects.exists()


def test_staff_enter_a_phone_call_and_a_rider_may_not(client, dispatcher, rider, category):
    client.force_login(dispatcher)
    response = submit_json(client, category, caller_name="张三丰", caller_phone="13912345678")
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "staff"
    assert body["reporter_label"] == "张**（139****5678）"
    client.force_login(rider)
    response = submit_json(client, category, caller_name="张三丰", caller_phone="13912345678")
    assert response.status_code == 403


def test_the_same_idempotency_key_gives_one_case_and_the_same_answer(client, rider, category):
    client.force_login(rider)
    form = {"category": category.service_code, "description": "路灯不亮",
            "lat": str(LAT), "lon": str(LON)}  # fmt: skip
    first = client.post(URL, {**form, "photos": [image()]}, HTTP_IDEMPOTENCY_KEY="upload-1")
    again = client.post(URL, {**form, "photos": [image()]}, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Report.objects.count() == 1
    changed = client.post(URL, {**form, "description": "另一件事"}, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert changed.status_code == 422
    assert Report.objects.count() == 1


def test_a_burst_of_submissions_gets_429(client, rider, category, settings):
    settings.SHEGONG_REPORTS_RATE_LIMIT = 2
    client.force_login(rider)
    assert submit_json(client, category).status_code == 201
    assert submit_json(client, category).status_code == 201
    response = submit_json(client, category)
    assert response.status_code == 429
    assert response.json()["type"] == "/api/v1/problems/rate-limited"
    assert "每10分钟最多提交2件" in response.json()["detail"]
    assert Report.objects.count() == 2


def test_the_reporter_limit_holds_across_processes(rider, category, settings):
    """Each request as to a fresh process (new client, this process's caches emptied): of 3N
    submissions exactly N are filed."""
    limit = settings.SHEGONG_REPORTS_RATE_LIMIT = 3
    statuses = []
    for _ in range(3 * limit):
        testing.forget_process_memory()
        client = Client()
        client.force_login(rider)
        statuses.append(submit_json(client, category).status_code)
    assert statuses == [201] * limit + [429] * (2 * limit)
    assert Report.objects.count() == limit


def test_possible_duplicates_show_no_personal_data(client, rider, resident, category):
    report = submit(rider, category, description="人行道地砖松动，骑手小王13800001111反映")
    client.force_login(resident)
    response = client.get(f"{URL}/duplicates?category={category.service_code}&lat={LAT}&lon={LON}")
    assert response.status_code == 200
    [found] = response.json()
    assert found["id"] == report.pk
    assert found["number"] == report.number
    assert found["distance_m"] == 0
    assert set(found) == {"id", "number", "category", "status", "status_label", "distance_m",
                          "submitted_at", "description"}  # fmt: skip
    far = client.get(f"{URL}/duplicates?category={category.service_code}&lat={LAT}&lon=115.76")
    assert far.json() == []
    assert client.get(f"{URL}/duplicates?category=nope&lat=1&lon=1").status_code == 422


# --- catalogue --------------------------------------------------------------------------------


def test_the_catalogue_hides_staff_only_categories_from_the_public(
    client, rider, dispatcher, category
):
    testing.report_category("hotline", "热线转办", staff_only=True)
    testing.report_category(
        "noise",
        "噪声扰民",
        attributes=[{"code": "when", "datatype": "singlevaluelist", "description": "时段",
                     "required": True, "values": [{"key": "night", "name": "夜间"}]}],
    )  # fmt: skip
    client.force_login(rider)
    codes = [c["code"] for c in client.get(f"{URL}/categories").json()["items"]]
    assert "hotline" not in codes and {"road-damage", "noise"} <= set(codes)
    assert client.get(f"{URL}/categories/hotline").status_code == 404
    detail = client.get(f"{URL}/categories/noise").json()
    assert detail["attributes"][0]["code"] == "when"
    client.force_login(dispatcher)
    codes = [c["code"] for c in client.get(f"{URL}/categories").json()["items"]]
    assert "hotline" in codes


# --- lists and detail -------------------------------------------------------------------------


def test_a_field_user_sees_only_their_own_cases_and_only_public_steps(
    client, rider, resident, handler, category
):
    mine = submit(rider, category)
    other = submit(resident, category)
    add_note(mine, actor=handler, note="内部：联系施工方", public=False)
    add_note(mine, actor=handler, note="已安排维修", public=True)
    client.force_login(rider)
    listed = client.get(URL).json()
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    detail = client.get(f"{URL}/{mine.pk}").json()
    notes = [e["note"] for e in detail["events"]]
    assert "已安排维修" in notes and "内部：联系施工方" not in notes
    assert all(e["public"] for e in detail["events"])
    assert client.get(f"{URL}/{other.pk}").status_code == 404
    client.force_login(handler)
    notes = [e["note"] for e in client.get(f"{URL}/{mine.pk}").json()["events"]]
    assert "内部：联系施工方" in notes


def test_an_anonymous_case_hides_the_reporter_from_the_department(
    client, rider, handler, dispatcher, category
):
    report = submit(rider, category, anonymous=True)
    client.force_login(handler)
    body = client.get(f"{URL}/{report.pk}").json()
    assert body["reporter_label"] == "匿名"
    assert "骑" not in json.dumps(body, ensure_ascii=False)
    client.force_login(dispatcher)
    assert client.get(f"{URL}/{report.pk}").json()["reporter_label"] == str(rider)
    named = submit(rider, category)
    client.force_login(handler)
    assert client.get(f"{URL}/{named.pk}").json()["reporter_label"] == str(rider)


def test_a_handler_cannot_see_another_departments_case(
    client, rider, handler, other_handler, category
):
    report = submit(rider, category)
    client.force_login(other_handler)
    assert client.get(f"{URL}/{report.pk}").status_code == 404
    assert post_json(client, f"{URL}/{report.pk}/respond").status_code == 404
    assert client.get(f"{URL}/{report.pk}/photos/0").status_code == 404
    assert client.get(URL).json()["count"] == 0
    client.force_login(handler)
    assert client.get(URL).json()["count"] == 1


def test_an_outsider_gets_404_and_an_empty_list(client, rider, street_b_staff, category):
    report = submit(rider, category)
    client.force_login(street_b_staff)
    assert client.get(f"{URL}/{report.pk}").status_code == 404
    assert post_json(client, f"{URL}/{report.pk}/accept").status_code == 404
    assert client.get(URL).json() == {"items": [], "count": 0, "page": 1, "page_size": 20}


def test_the_list_filters(client, rider, resident, dispatcher, category, unrouted_category):
    routed = submit(rider, category, description="路灯不亮")
    waiting = submit(resident, unrouted_category, description="楼道堆物", address="东关路3号")
    Report.objects.filter(pk=routed.pk).update(response_due_at="2020-01-01T00:00:00Z")
    client.force_login(dispatcher)

    def ids(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [waiting.pk, routed.pk]
    assert ids("status=submitted,accepted") == [waiting.pk]
    assert ids("category=road-damage") == [routed.pk]
    assert ids("department=cgj") == [routed.pk]
    assert ids("overdue=true") == [routed.pk]
    assert ids("overdue=false") == [waiting.pk]
    assert ids("q=东关路") == [waiting.pk]
    assert ids(f"q={routed.number}") == [routed.pk]
    assert ids("region=341271001001") == [waiting.pk, routed.pk]
    assert ids("submitted_from=2020-01-01&submitted_to=2020-12-31") == []
    assert ids("mine=true") == []
    assert client.get(f"{URL}?status=done").json()["errors"][0]["field"] == "status"
    client.force_login(rider)
    assert ids("mine=true") == [routed.pk]
    assert client.get(f"{URL}?region=341271002").json()["errors"][0]["field"] == "region"


def test_the_list_costs_the_same_queries_for_one_case_or_many(
    client, rider, dispatcher, category, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(rider, category, photos=[image()])
    client.force_login(dispatcher)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        submit(rider, category, photos=[image()])
    assert queries() == one
    with django_assert_max_num_queries(8):
        client.get(URL)


def test_the_openapi_schema_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("", "/categories", "/duplicates", "/{report_id}", "/{report_id}/photos/{index}",
                 "/{report_id}/transfer", "/{report_id}/rate"):  # fmt: skip
        assert f"/api/v1/reports{path}" in paths, path
    create = paths["/api/v1/reports"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
