"""The public-data check: what a reporter types never reaches a public page or Open311 with a
phone or ID number in it, a case is public only once accepted, and a public point is rounded.

Every public surface is crawled after cases were submitted with a mobile number, an ID number
and a landline in their description and address: the case list and map, each case's page, and
Open311's requests, single request and updates, in JSON and XML.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.pii import scrub_text
from shegong.reports.actions.keys import create_api_key
from shegong.reports.actions.reports import accept_report, correct_public_text, submit_report
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

PHONE = "13987654321"
ID_NUMBER = "34120219900101123X"
TYPED = f"路灯不亮，晚上很危险。联系我{PHONE}，身份证{ID_NUMBER}，座机0558-2345678"
PLACE = f"东关路12号 电话{PHONE}"
ANY_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ANY_ID = re.compile(r"(?<!\d)\d{17}[\dXx]")


def leaks(body: str) -> list[str]:
    return ANY_MOBILE.findall(body) + ANY_ID.findall(body)


@pytest.fixture
def open311_case(client, category):
    """Filed through Open311 by a 12345 hotline integration; a routing rule accepts it."""
    _, key = create_api_key(actor=None, name="12345热线对接")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key, "service_code": category.service_code,
            "lat": str(testing.POINT_A[0]), "long": str(testing.POINT_A[1]),
            "address_string": PLACE, "description": TYPED,
        },
    )  # fmt: skip
    assert response.status_code == 200, response.content
    return Report.objects.get(pk=int(response.json()[0]["service_request_id"]))


@pytest.fixture
def rider_case(rider, unrouted_category, dispatcher):
    """Filed by a rider on H5, waiting at the dispatch desk until accepted."""
    return submit_report(
        actor=rider, category=unrouted_category, description=TYPED, address=PLACE,
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


def public_bodies(client, reports):
    """Every public page and Open311 answer that may show these cases."""
    paths = ["/public/cases/", "/public/cases/?q=路灯"]
    for fmt in ("json", "xml"):
        paths += [f"/open311/v2/requests.{fmt}", f"/open311/v2/servicerequestupdates.{fmt}"]
    for report in reports:
        paths.append(reverse("reports_public:detail", args=[report.pk]))
        paths += [f"/open311/v2/requests/{report.number}.{fmt}" for fmt in ("json", "xml")]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        yield path, response.content.decode()


def test_no_phone_or_id_number_reaches_a_public_page_or_open311(
    client, open311_case, rider_case, dispatcher
):
    accept_report(rider_case, actor=dispatcher)
    for path, body in public_bodies(client, [open311_case, rider_case]):
        assert leaks(body) == [], path
    page = client.get(reverse("reports_public:detail", args=[rider_case.pk])).content.decode()
    assert "139****4321" in page and "3412**********123X" in page and "0558-****78" in page
    assert "东关路12号 电话139****4321" in page


def test_staff_see_the_reporters_own_words(client, rider_case, dispatcher):
    client.force_login(dispatcher)
    page = client.get(reverse("reports:detail", args=[rider_case.pk])).content.decode()
    assert PHONE in page and ID_NUMBER in page


def test_a_case_waiting_at_the_desk_is_not_found_by_the_public(client, rider_case, dispatcher):
    assert client.get(reverse("reports_public:detail", args=[rider_case.pk])).status_code == 404
    assert client.get(f"/open311/v2/requests/{rider_case.number}.json").status_code == 404
    assert rider_case.number not in client.get("/open311/v2/requests.json").content.decode()
    accept_report(rider_case, actor=dispatcher)
    assert client.get(f"/open311/v2/requests/{rider_case.number}.json").status_code == 200


def test_a_public_point_is_rounded_unless_the_category_needs_the_exact_spot(client, open311_case):
    lat, lon = open311_case.lat, open311_case.lon
    [case] = client.get(f"/open311/v2/requests/{open311_case.number}.json").json()
    assert (case["lat"], case["long"]) == (round(lat, 3), round(lon, 3))
    page = client.get(reverse("reports_public:detail", args=[open311_case.pk]))
    assert json.loads(page.context["map_points"])[0]["lat"] == round(lat, 3)
    listed = json.loads(client.get("/public/cases/").context["map_points"])
    assert [(p["lat"], p["lon"]) for p in listed] == [(round(lat, 3), round(lon, 3))]
    open311_case.category.public_exact_location = True
    open311_case.category.save()
    [case] = client.get(f"/open311/v2/requests/{open311_case.number}.json").json()
    assert (case["lat"], case["long"]) == (lat, lon)


def test_staff_correct_the_public_text_on_the_case_page_audited(client, open311_case, dispatcher):
    client.force_login(dispatcher)
    response = client.post(
        reverse("reports:act", args=[open311_case.pk, "public_text"]),
        {
            "public_text-description": "路灯不亮，夜间行人有危险",
            "public_text-address": "东关路",
            "public_text-reason": "去掉联系方式",
        },
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(reverse("reports_public:detail", args=[open311_case.pk])).content.decode()
    assert "路灯不亮，夜间行人有危险" in page and "139****4321" not in page
    [case] = client.get(f"/open311/v2/requests/{open311_case.number}.json").json()
    assert (case["description"], case["address"]) == ("路灯不亮，夜间行人有危险", "东关路")
    entry = AuditEvent.objects.get(verb=Verb.REPORT_PUBLIC_TEXT_CORRECTED)
    assert entry.actor == dispatcher
    assert entry.data["reason"] == "去掉联系方式" and PHONE not in str(entry.data)
    assert Report.objects.get(pk=open311_case.pk).description == TYPED  # staff keep the original


def test_clearing_the_correction_goes_back_to_the_masked_words(open311_case, dispatcher):
    correct_public_text(open311_case, actor=dispatcher, description="已更正", address="",
                        reason="更正")  # fmt: skip
    report = correct_public_text(
        Report.objects.get(pk=open311_case.pk), actor=dispatcher, description="", address="",
        reason="恢复原文（已打码）",
    )  # fmt: skip
    assert report.public_description == scrub_text(TYPED)
    assert report.public_address == scrub_text(PLACE)


def test_a_correction_needs_a_reason_and_the_moderation_permission(
    client, open311_case, dispatcher, handler, street_b_staff
):
    client.force_login(dispatcher)
    response = client.post(
        reverse("reports:act", args=[open311_case.pk, "public_text"]),
        {"public_text-description": "x", "public_text-reason": ""},
    )
    assert response.status_code == 422 and "请填写原因" in response.content.decode()
    assert Report.objects.get(pk=open311_case.pk).public_text == ""
    for outsider in (handler, street_b_staff):
        client.force_login(outsider)
        response = client.post(
            reverse("reports:act", args=[open311_case.pk, "public_text"]),
            {"public_text-description": "x", "public_text-reason": "试试"},
        )
        assert response.status_code in (403, 404)
    assert Report.objects.get(pk=open311_case.pk).public_text == ""
    assert not AuditEvent.objects.filter(verb=Verb.REPORT_PUBLIC_TEXT_CORRECTED).exists()
