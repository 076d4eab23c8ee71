"""Open311 GeoReport v2 at /open311/v2/, checked against the spec's own examples.

The field sets below are those of the sample responses in the spec
(open311/open311.github.io GeoReport_v2/index.md); each method is exercised in JSON (top-level
arrays) and in XML (parsed here, so it must be well-formed).
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.models import IdempotencyRecord, RateCount
from shegong.core.perms import Role
from shegong.reports import open311
from shegong.reports.actions.keys import create_api_key, revoke_api_key
from shegong.reports.actions.reports import (
    accept_report,
    hide_report,
    rate_report,
    redact_photo,
    reject_report,
    resolve_report,
    respond_report,
    submit_report,
    verify_report,
)
from shegong.reports.choices import Channel, RejectReason, Status
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
# The spec's sample responses.
SERVICE_FIELDS = {
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
}  # fmt: skip
ATTRIBUTE_FIELDS = {
    "variable", "code", "datatype", "required", "datatype_description", "order", "description",
    "values",
}  # fmt: skip
CREATED_FIELDS = {"service_request_id", "service_notice", "account_id"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
}  # fmt: skip
UPDATE_FIELDS = {
    "update_id", "service_request_id", "status", "updated_datetime", "description", "media_url",
    "external_status_code",
}  # fmt: skip
QUESTIONS = [
    {
        "code": "SIZE",
        "datatype": "singlevaluelist",
        "description": "破损面积多大？",
        "required": True,
        "order": 1,
        "values": [{"key": "small", "name": "小于1平方米"}, {"key": "large", "name": "更大"}],
    },
    {
        "code": "HAZARD",
        "datatype": "multivaluelist",
        "description": "有哪些危险？",
        "order": 2,
        "values": [{"key": "trip", "name": "绊倒"}, {"key": "car", "name": "车辆"}],
    },
    {"code": "DEPTH", "datatype": "number", "description": "坑深（厘米）", "order": 3},
]


@pytest.fixture
def key():
    _, plaintext = create_api_key(actor=None, name="12345热线对接")
    return plaintext


@pytest.fixture
def questioned(category):
    category.attributes = QUESTIONS
    category.description = "道路、人行道坑洼破损"
    category.keywords = "坑洼，路面,破损"
    category.save()
    return category


def get_json(client, path, **params):
    response = client.get(BASE + path + ".json", params)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response, json.loads(response.content)


def get_xml(client, path, **params):
    response = client.get(BASE + path + ".xml", params)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return response, ET.fromstring(response.content)


def post(client, fmt="json", **fields):
    response = client.post(BASE + f"requests.{fmt}", fields)
    if fmt == "json":
        return response, json.loads(response.content)
    return response, ET.fromstring(response.content)


def children(element):
    return {child.tag for child in element}


def submit(actor, category, point=testing.POINT_A, **kwargs):
    kwargs.setdefault("description", "人行道地砖松动，老人容易绊倒")
    return submit_report(actor=actor, category=category, lat=point[0], lon=point[1], **kwargs)


def jpeg(color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile("road.jpg", buffer.getvalue(), content_type="image/jpeg")


def assert_error(response, body, status):
    """The spec's error shape: a list of {code, description}."""
    assert response.status_code == status
    if isinstance(body, list):
        assert body and all(set(e) == {"code", "description"} for e in body)
        assert body[0]["code"] == status
    else:
        assert body.tag == "errors"
        assert [e.tag for e in body] == ["error"] * len(body) and len(body) >= 1
        assert children(body[0]) == {"code", "description"}
        assert body[0].findtext("code") == str(status)


# --- discovery, services, service definitions -----------------------------------------------


def test_discovery_names_the_spec_the_endpoint_and_both_formats(client, district):
    response, body = get_json(client, "discovery")
    assert response.status_code == 200
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    assert "区指挥中心" in body["key_service"]
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    _, root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_list_the_public_categories_as_in_the_spec(client, questioned, unrouted_category):
    testing.report_category("staff-only", "内部类别", staff_only=True)
    testing.report_category("retired", "停用类别", is_active=False)
    response, body = get_json(client, "services")
    assert response.status_code == 200
    assert isinstance(body, list)  # a top-level array, the Spark convention
    by_code = {s["service_code"]: s for s in body}
    assert set(by_code) == {"road-damage", "other"}
    road = by_code["road-damage"]
    assert set(road) == SERVICE_FIELDS
    assert road == {
        "service_code": "road-damage",
        "service_name": "道路破损",
        "description": "道路、人行道坑洼破损",
        "metadata": True,
        "type": "realtime",
        "keywords": "坑洼,路面,破损",
        "group": "公共设施",
    }
    assert by_code["other"]["metadata"] is False

    _, root = get_xml(client, "services")
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 2
    road = next(s for s in services if s.findtext("service_code") == "road-damage")
    assert children(road) == SERVICE_FIELDS
    assert road.findtext("metadata") == "true" and road.findtext("type") == "realtime"


def test_a_service_definition_gives_the_extra_questions_as_attributes(client, questioned):
    response, body = get_json(client, "services/road-damage")
    assert response.status_code == 200
    assert body["service_code"] == "road-damage"
    size, hazard, depth = body["attributes"]
    assert set(size) == ATTRIBUTE_FIELDS
    assert size == {
        "variable": True,
        "code": "SIZE",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "破损面积多大？",
        "values": [{"key": "small", "name": "小于1平方米"}, {"key": "large", "name": "更大"}],
    }
    assert hazard["datatype"] == "multivaluelist" and hazard["required"] is False
    assert depth["datatype"] == "number" and "values" not in depth

    _, root = get_xml(client, "services/road-damage")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "road-damage"
    first = root.find("attributes/attribute")
    assert children(first) == ATTRIBUTE_FIELDS
    assert first.findtext("required") == "true"
    assert [(v.findtext("key"), v.findtext("name")) for v in first.findall("values/value")] == [
        ("small", "小于1平方米"),
        ("large", "更大"),
    ]


@pytest.mark.parametrize("code", ["no-such-service", "staff-only"])
def test_an_unknown_or_staff_only_service_is_404_in_the_spec_shape(client, district, code):
    testing.report_category("staff-only", "内部类别", staff_only=True)
    response, body = get_json(client, f"services/{code}")
    assert_error(response, body, 404)
    response, root = get_xml(client, f"services/{code}")
    assert_error(response, root, 404)


# --- jurisdiction, tokens, unknown addresses ------------------------------------------------


def test_jurisdiction_id_is_optional_and_a_foreign_one_is_404(client, category, settings):
    assert get_json(client, "services", jurisdiction_id="")[0].status_code == 200
    assert get_json(client, "services", jurisdiction_id="testserver")[0].status_code == 200
    response, body = get_json(client, "services", jurisdiction_id="sfgov.org")
    assert_error(response, body, 404)
    assert "sfgov.org" in body[0]["description"]
    settings.SHEGONG_OPEN311_JURISDICTION = "shifanqu.gov.cn"
    assert get_json(client, "services", jurisdiction_id="shifanqu.gov.cn")[0].status_code == 200
    assert get_json(client, "services", jurisdiction_id="testserver")[0].status_code == 404


def test_tokens_never_exist_because_requests_are_realtime(client, district):
    response, body = get_json(client, "tokens/12345")
    assert_error(response, body, 404)
    assert "实时" in body[0]["description"]
    response, root = get_xml(client, "tokens/12345")
    assert_error(response, root, 404)


def test_unknown_methods_and_formats_are_404_and_other_verbs_405(client, district):
    response = client.get(BASE + "services.csv")
    assert_error(response, ET.fromstring(response.content), 404)
    response = client.get(BASE + "nothing.json")
    assert_error(response, json.loads(response.content), 404)
    response = client.delete(BASE + "services.json")
    assert_error(response, json.loads(response.content), 405)
    assert response["Allow"] == "GET, HEAD"
    assert client.head(BASE + "services.json").status_code == 200


# --- POST requests -------------------------------------------------------------------------------


def spec_example(key, **overrides):
    """The spec's example POST, moved to our district and our service."""
    fields = {
        "api_key": key,
        "jurisdiction_id": "testserver",
        "service_code": "road-damage",
        "lat": str(testing.POINT_A[0]),
        "long": str(testing.POINT_A[1]),
        "address_string": "东关路12号",
        "email": "smit333@example.com",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "小明",
        "last_name": "张",
        "phone": "13912345678",
        "description": "人行道上有个大坑",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        "attribute[SIZE]": "large",
        "attribute[HAZARD][]": ["trip", "car"],
        "attribute[DEPTH]": "15",
    }
    fields.update(overrides)
    return fields


def test_the_specs_example_post_files_a_case_routed_at_once(
    client, questioned, key, department_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response, body = post(client, **spec_example(key))
    assert response.status_code == 200, body
    [created] = body
    assert set(created) == CREATED_FIELDS
    assert created["account_id"] == "123456"
    assert created["service_notice"] == "已收到，24小时内响应，5工作日内办理完毕"
    report = Report.objects.get()
    assert created["service_request_id"] == report.number
    assert report.channel == Channel.OPEN311
    assert report.reporter is None and report.entered_by is None
    assert report.caller_name == "张小明" and report.caller_phone == "13912345678"
    assert report.attributes == {"SIZE": "large", "HAZARD": ["trip", "car"], "DEPTH": 15}
    assert report.address == "东关路12号"
    assert report.region_id == "341271001001001"  # located to grid A
    assert report.status == Status.TRANSFERRED and report.lead_department == department_a
    assert report.photos == []  # media_url is never fetched
    assert report.events.first().actor_label == "Open311"


def test_a_post_answers_in_xml_too(client, category, key):
    response, root = post(client, "xml", **spec_example(key, **{"attribute[HAZARD][]": []}))
    assert response.status_code == 200
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert children(request) == CREATED_FIELDS
    assert request.findtext("service_request_id") == Report.objects.get().number


def test_a_post_without_a_description_takes_the_service_name(client, category, key):
    response, _ = post(client, **spec_example(key, description=""))
    assert response.status_code == 200
    assert Report.objects.get().description == "道路破损"


@pytest.mark.parametrize(("api_key", "word"), [("", "缺少 api_key"), ("o311_not-a-key", "无效")])
def test_a_post_without_a_valid_key_is_403_and_files_nothing(client, category, api_key, word):
    response, root = post(client, "xml", **spec_example(api_key))
    assert_error(response, root, 403)
    response, body = post(client, **spec_example(api_key))
    assert_error(response, body, 403)
    assert word in body[0]["description"]
    assert not Report.objects.exists()


def test_a_revoked_key_is_refused(client, category):
    api_key, plaintext = create_api_key(actor=None, name="旧平台")
    revoke_api_key(api_key, actor=None)
    response, body = post(client, **spec_example(plaintext))
    assert_error(response, body, 403)
    assert not Report.objects.exists()


def test_a_post_for_an_unknown_service_is_404_and_without_one_400(client, category, key):
    response, body = post(client, **spec_example(key, service_code="no-such"))
    assert_error(response, body, 404)
    response, body = post(client, **spec_example(key, service_code=""))
    assert_error(response, body, 400)
    assert "service_code" in body[0]["description"]
    assert not Report.objects.exists()


def test_bad_input_gets_one_error_per_field_and_files_nothing(client, questioned, key):
    fields = spec_example(key, lat="", long="", address_string="", description="")
    fields.pop("attribute[SIZE]")
    fields["attribute[HAZARD][]"] = ["trip", "boat"]
    response, body = post(client, **fields)
    assert_error(response, body, 400)
    text = [e["description"] for e in body]
    assert any(t.startswith("lat/long/address_string：") for t in text), text
    assert any(t.startswith("attribute[SIZE]：") and "破损面积" in t for t in text), text
    assert any(t.startswith("attribute[HAZARD]：") for t in text), text
    response, root = post(client, "xml", **fields)
    assert_error(response, root, 400)
    assert len(root) == len(body)
    assert not Report.objects.exists()


def test_coordinates_must_be_numbers_inside_the_district(client, category, key):
    response, body = post(client, **spec_example(key, lat="北纬32度"))
    assert_error(response, body, 400)
    assert body[0]["description"].startswith("lat：")
    response, body = post(client, **spec_example(key, lat="39.9", long="116.4"))  # Beijing
    assert_error(response, body, 400)
    assert any("不在服务范围内" in e["description"] for e in body)
    assert not Report.objects.exists()


def test_an_address_alone_lands_in_the_region_named_by_address_id_or_the_district(
    client, category, key, district
):
    fields = spec_example(key, lat="", long="")
    response, body = post(client, **fields, address_id="341271002001")
    assert response.status_code == 200, body
    report = Report.objects.get(pk=int(body[0]["service_request_id"]))
    assert report.region == district["community_b"] and report.lat is None
    response, body = post(client, **fields)
    assert response.status_code == 200, body
    assert Report.objects.get(pk=int(body[0]["service_request_id"])).region == district["district"]
    response, body = post(client, **fields, address_id="999999999999")
    assert_error(response, body, 400)
    assert body[0]["description"].startswith("address_id：")


def test_a_burst_from_one_key_is_429(client, category, key, settings):
    settings.SHEGONG_REPORTS_RATE_LIMIT = 2
    assert post(client, **spec_example(key))[0].status_code == 200
    assert post(client, **spec_example(key))[0].status_code == 200
    response, body = post(client, **spec_example(key))
    assert_error(response, body, 429)
    assert "频繁" in body[0]["description"]
    assert Report.objects.count() == 2
    _, other = create_api_key(actor=None, name="另一个平台")
    assert post(client, **spec_example(other))[0].status_code == 200  # counted per key


@pytest.mark.parametrize("store", ["database", "redis"])
def test_the_key_limit_holds_across_processes(category, key, settings, store, request):
    """Each request comes as to a fresh process: a new client, every cache of this process
    emptied. Of 3N submissions exactly N are filed (with a count kept in process memory, two
    workers let 2N through), whether counted in the database or in Redis."""
    if store == "redis":
        request.getfixturevalue("redis_limits")
    limit = settings.SHEGONG_REPORTS_RATE_LIMIT = 3
    statuses = []
    for _ in range(3 * limit):
        testing.forget_process_memory()
        statuses.append(post(Client(), **spec_example(key))[0].status_code)
    assert statuses == [200] * limit + [429] * (2 * limit)
    assert Report.objects.count() == limit
    assert RateCount.objects.exists() == (store == "database")


def test_a_retry_with_the_same_idempotency_key_files_one_case(client, category, key, settings):
    settings.SHEGONG_REPORTS_RATE_LIMIT = 1
    headers = {"Idempotency-Key": "7d6f0c1e-open311"}
    first = client.post(BASE + "requests.json", spec_example(key), headers=headers)
    again = client.post(BASE + "requests.json", spec_example(key), headers=headers)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Report.objects.count() == 1  # and the replay did not count against the limit
    assert IdempotencyRecord.objects.get().owner.startswith("user:open311-key-")


# --- GET requests --------------------------------------------------------------------------------


@pytest.fixture
def reporter(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手赵六", phone="13955556666")


def test_get_requests_returns_the_specs_fields_in_json_and_xml(client, category, reporter):
    report = submit(reporter, category)
    response, body = get_json(client, "requests")
    assert response.status_code == 200
    [row] = body
    assert set(row) == REQUEST_FIELDS
    report.refresh_from_db()
    assert row["service_request_id"] == report.number
    assert row["status"] == "open"
    assert row["status_notes"] == "按派单规则自动派至城管局"
    assert row["service_code"] == "road-damage" and row["service_name"] == "道路破损"
    assert row["agency_responsible"] == "城管局"
    assert row["service_notice"] == "24小时内响应，5工作日内办理完毕"
    assert row["requested_datetime"] == open311.w3c(report.submitted_at)
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"] == open311.w3c(report.response_due_at)  # before response
    assert row["address_id"] == "341271001001001" and row["address"] == "东关社区第一网格"
    assert (row["lat"], row["long"]) == testing.POINT_A
    assert row["zipcode"] is None and row["media_url"] is None

    response, root = get_xml(client, "requests")
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == str(testing.POINT_A[0])
    assert request.find("zipcode").text is None  # an empty element, as in the spec's sample


def test_a_resolved_case_is_closed_with_the_result_as_status_notes(
    client, category, reporter, handler
):
    report = submit(reporter, category)
    respond_report(report, actor=handler, note="已安排人员前往")
    report = resolve_report(report, actor=handler, result="已重新铺设地砖")
    response, body = get_json(client, f"requests/{report.number}")
    assert response.status_code == 200
    [row] = body
    assert row["status"] == "closed"
    assert row["status_notes"] == "已重新铺设地砖"
    assert row["updated_datetime"] == open311.w3c(report.resolved_at)
    assert row["expected_datetime"] == open311.w3c(report.resolution_due_at)
    _, root = get_xml(client, f"requests/{report.pk}")  # with or without the leading zeros
    assert root.find("request").findtext("status") == "closed"


def test_the_status_filter_splits_open_and_closed(client, category, reporter, handler):
    still_open = submit(reporter, category)
    done = resolve_report(submit(reporter, category), actor=handler, result="已修复")

    def ids(**params):
        return [r["service_request_id"] for r in get_json(client, "requests", **params)[1]]

    assert ids(status="open") == [still_open.number]
    assert ids(status="closed") == [done.number]
    assert set(ids(status="open,closed")) == set(ids()) == {still_open.number, done.number}
    response, body = get_json(client, "requests", status="pending")
    assert_error(response, body, 400)


def test_service_request_id_overrides_every_other_filter(client, category, reporter):
    first, _second, third = (submit(reporter, category) for _ in range(3))
    Report.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    _, body = get_json(
        client,
        "requests",
        service_request_id=f"{first.number},{third.pk},abc,99999999999999999999999",
        service_code="something-else",
        status="closed",
    )
    assert {r["service_request_id"] for r in body} == {first.number, third.number}


def test_service_code_filters_by_a_comma_list(client, category, unrouted_category, district):
    other = testing.report_category("graffiti", "乱涂乱画")
    testing.routing_rule(other, district["district"], category.rules.get().department)
    rider = testing.user(Role.WORKER, district["community_a"])
    road, graffiti = submit(rider, category), submit(rider, other)

    def ids(codes):
        rows = get_json(client, "requests", service_code=codes)[1]
        return {r["service_request_id"] for r in rows}

    assert ids("graffiti") == {graffiti.number}
    assert ids("graffiti,road-damage") >= {graffiti.number, road.number}


def test_dates_default_to_the_last_90_days_and_may_not_span_more(client, category, reporter):
    recent, old = submit(reporter, category), submit(reporter, category)
    Report.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=91))

    def ids(**params):
        return [r["service_request_id"] for r in get_json(client, "requests", **params)[1]]

    assert ids() == [recent.number]
    old_day = timezone.localtime(timezone.now() - timedelta(days=92))
    start = old_day.isoformat(timespec="seconds")
    assert ids(start_date=start) == [old.number]  # start + 90 days
    end = (old_day + timedelta(days=2)).isoformat(timespec="seconds")
    assert ids(end_date=end) == [old.number]  # end - 90 days
    assert ids(start_date=start, end_date=end) == [old.number]
    utc = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=utc) == [recent.number]
    # A client that forgets to encode "+" in the offset sends a space; read it as "+".
    raw = client.get(BASE + f"requests.json?start_date={start}").json()
    assert [r["service_request_id"] for r in raw] == [old.number]

    for params, word in [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}, "90天"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "早于"),
        ({"start_date": "yesterday"}, "格式"),
        ({"start_date": "2026-01-01T00:00:00"}, "时区"),
    ]:
        response, body = get_json(client, "requests", **params)
        assert_error(response, body, 400)
        assert word in body[0]["description"], (params, body)
        response, root = get_xml(client, "requests", **params)
        assert_error(response, root, 400)


def test_at_most_the_newest_rows_of_the_cap_are_returned(client, category, reporter, monkeypatch):
    reports = [submit(reporter, category) for _ in range(3)]
    monkeypatch.setattr(open311, "MAX_ROWS", 2)
    _, body = get_json(client, "requests")
    assert [r["service_request_id"] for r in body] == [reports[2].number, reports[1].number]
    assert open311.MAX_ROWS == 2 and get_json(client, "discovery")[1]["max_requests"] == 2


def test_cases_the_public_may_not_see_never_appear(
    client, category, unrouted_category, reporter, dispatcher, handler
):
    waiting = submit(reporter, unrouted_category)  # at the dispatch desk: nobody read it yet
    accepted = submit(reporter, unrouted_category)
    accept_report(accepted, actor=dispatcher)
    rejected = submit(reporter, unrouted_category)
    reject_report(rejected, actor=dispatcher, reason=RejectReason.INVALID, note="看不清")
    hidden = submit(reporter, category)
    hide_report(hidden, actor=dispatcher, hidden=True, reason="涉及个人隐私")
    respond_report(hidden, actor=handler, note="已收到")
    shown = submit(reporter, category)  # routed by a rule at once: accepted into the loop
    never = {rejected.number, hidden.number, waiting.number}
    for fmt in ("json", "xml"):
        body = client.get(BASE + f"requests.{fmt}").content.decode()
        assert shown.number in body and accepted.number in body
        assert not any(number in body for number in never)
        updates = client.get(BASE + f"servicerequestupdates.{fmt}").content.decode()
        assert shown.number in updates
        assert not any(number in updates for number in never)
        for report in (rejected, hidden, waiting):
            response = client.get(BASE + f"requests/{report.number}.{fmt}")
            assert response.status_code == 404
    ids = ",".join(never)
    assert get_json(client, "requests", service_request_id=ids)[1] == []


def test_no_response_ever_shows_who_reported(client, category, reporter, key, handler):
    submit(reporter, category)
    _, body = post(client, **spec_example(key))
    number = body[0]["service_request_id"]
    report = Report.objects.get(pk=int(number))
    respond_report(report, actor=handler, note="已派人")
    resolve_report(report, actor=handler, result="已修复")
    secrets = ["骑手赵六", "赵", "13955556666", "5555", "张小明", "13912345678", "smit333"]
    paths = [
        "requests", f"requests/{number}", "servicerequestupdates", "services", "discovery",
    ]  # fmt: skip
    for path in paths:
        for fmt in ("json", "xml"):
            response = client.get(BASE + f"{path}.{fmt}")
            assert response.status_code == 200
            text = response.content.decode()
            if fmt == "json":
                text = json.dumps(json.loads(text), ensure_ascii=False)
            assert not [s for s in secrets if s in text], (path, fmt)
            assert "requestor_name" not in text


def test_texts_the_xml_cannot_carry_are_dropped_and_markup_escaped(client, category, reporter):
    submit(reporter, category, description="井盖<b>缺失</b> & 危险\x0b！")
    _, root = get_xml(client, "requests")
    assert root.find("request").findtext("description") == "井盖<b>缺失</b> & 危险！"
    _, body = get_json(client, "requests")
    assert body[0]["description"] == "井盖<b>缺失</b> & 危险！"


# --- photos --------------------------------------------------------------------------------------


def test_media_url_serves_the_first_public_photo_and_its_redacted_copy(
    client, category, reporter, dispatcher
):
    report = submit(reporter, category, photos=[jpeg(), jpeg((0, 0, 255))])
    _, body = get_json(client, f"requests/{report.number}")
    url = body[0]["media_url"]
    assert url == f"http://testserver/open311/v2/media/{report.pk}/0.jpg"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with default_storage.open(report.photos[0]["path"], "rb") as original:
        assert b"".join(response.streaming_content) == original.read()

    report = redact_photo(report, actor=dispatcher, index=0, reason="有人脸")
    response = client.get(url)
    served = b"".join(response.streaming_content)
    with default_storage.open(report.photos[0]["public"], "rb") as blurred:
        assert served == blurred.read()
    with default_storage.open(report.photos[0]["path"], "rb") as original:
        assert served != original.read()
    assert client.get(BASE + f"media/{report.pk}/7.jpg").status_code == 404

    hide_report(report, actor=dispatcher, hidden=True, reason="不宜公开")
    assert client.get(url).status_code == 404


def test_media_of_a_case_rejected_as_invalid_is_404(
    client, unrouted_category, reporter, dispatcher
):
    report = submit(reporter, unrouted_category, photos=[jpeg()])
    assert client.get(BASE + f"media/{report.pk}/0.jpg").status_code == 404  # not accepted yet
    accept_report(report, actor=dispatcher)
    assert client.get(BASE + f"media/{report.pk}/0.jpg").status_code == 200
    reject_report(report, actor=dispatcher, reason=RejectReason.INVALID, note="无关照片")
    assert client.get(BASE + f"media/{report.pk}/0.jpg").status_code == 404


# --- servicerequestupdates ------------------------------------------------------------------------


def test_updates_carry_the_richer_states_of_the_timeline(client, category, reporter, handler):
    report = submit(reporter, category)
    respond_report(report, actor=handler, note="已安排人员前往")
    resolve_report(report, actor=handler, result="已修复")
    verify_report(report, actor=reporter)
    rate_report(report, actor=reporter, rating=2, comment="修得太慢，赵某很不满意")
    response, body = get_json(client, "servicerequestupdates")
    assert response.status_code == 200
    assert all(set(u) == UPDATE_FIELDS for u in body)
    assert [(u["status"], u["description"]) for u in body] == [
        ("investigating", "按派单规则自动派至城管局"),
        ("in_progress", "已安排人员前往"),
        ("fixed", "已修复"),
        ("fixed", "上报人确认已解决"),
        ("closed", "工单已办结"),
    ]  # the submission and the rating are no updates
    assert {u["service_request_id"] for u in body} == {report.number}
    event_ids = set(report.events.values_list("pk", flat=True))
    assert {int(u["update_id"]) for u in body} <= event_ids
    assert body[0]["updated_datetime"].endswith("+08:00")

    _, root = get_xml(client, "servicerequestupdates")
    assert root.tag == "service_requests_updates"
    updates = root.findall("request_update")
    assert [u.findtext("status") for u in updates] == [u["status"] for u in body]

    later = timezone.localtime() + timedelta(minutes=1)
    _, body = get_json(client, "servicerequestupdates", start_date=later.isoformat())
    assert body == []
    response, body = get_json(
        client, "servicerequestupdates", start_date="2026-01-01T00:00:00Z",
        end_date="2026-06-01T00:00:00Z",
    )  # fmt: skip
    assert_error(response, body, 400)


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (Status.SUBMITTED, "", "open"),
        (Status.ACCEPTED, "", "investigating"),
        (Status.TRANSFERRED, "", "investigating"),
        (Status.RESPONDED, "", "in_progress"),
        (Status.RETURNED, "", "internal_referral"),
        (Status.RESOLVED, "", "fixed"),
        (Status.VERIFIED, "", "fixed"),
        (Status.CLOSED, "", "closed"),
        (Status.REOPENED, "", "open"),
        (Status.MERGED, "", "duplicate"),
        (Status.REJECTED, RejectReason.NOT_OURS, "not_councils_responsibility"),
        (Status.REJECTED, RejectReason.INVALID, "no_further_action"),
        (Status.REJECTED, RejectReason.DUPLICATE, "duplicate"),
    ],
)
def test_every_status_maps_to_an_extended_and_a_standard_status(status, reason, expected):
    assert open311.extended_status(status, reason) == expected
    closing = {"fixed", "closed", "duplicate", "not_councils_responsibility", "no_further_action"}
    assert (open311.open311_status(status) == "closed") == (expected in closing)


def test_lists_take_one_query_however_many_cases(
    client, category, reporter, handler, django_assert_num_queries
):
    for _ in range(3):
        respond_report(submit(reporter, category, photos=[jpeg()]), actor=handler)
    for path in ("requests", "servicerequestupdates", "services"):
        with django_assert_num_queries(1):
            assert client.get(BASE + f"{path}.json").status_code == 200
