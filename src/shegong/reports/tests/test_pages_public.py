"""The public case pages: public cases only, never a person, redacted photos as their blurred
copy, and no request to a tile server unless a key is configured."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shegong import testing
from shegong.core.pii import mask_name, mask_phone
from shegong.reports.actions.reports import (
    accept_report,
    add_note,
    hide_report,
    merge_reports,
    rate_report,
    redact_photo,
    reject_report,
    resolve_report,
    respond_report,
    submit_report,
    verify_report,
)
from shegong.reports.choices import RejectReason, Status
from shegong.reports.models import Report

pytestmark = pytest.mark.django_db

LIST = reverse("reports_public:list")


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile("street.jpg", buffer.getvalue(), content_type="image/jpeg")


def detail(report) -> str:
    return reverse("reports_public:detail", args=[report.pk])


def photo_url(report, index=0, kind="thumb") -> str:
    return reverse("reports_public:photo", args=[report.pk, index, kind])


def read(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def rider(district):
    return testing.user("worker", district["community_a"], name="骑手王大锤", phone="13712345678")


@pytest.fixture
def public_case(rider, category, handler):
    """Reported with a photo by a rider, answered, resolved, closed and rated with a comment;
    an internal note on its timeline."""
    report = submit_report(
        actor=rider, category=category, description="东关路井盖缺失，夜里很危险",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], address="东关路12号",
        photos=[photo()], anonymous=True,
    )  # fmt: skip
    add_note(report, actor=handler, note="内部备注：联系上报人13712345678", public=False)
    respond_report(report, actor=handler, note="已派人查看")
    resolve_report(report, actor=handler, result="已补装井盖")
    verify_report(report, actor=rider)
    rate_report(report, actor=rider, rating=5, comment="王大锤很满意，电话13712345678")
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def caller_case(dispatcher, category):
    """Entered by the dispatch desk for a caller (name and phone on the case)."""
    return submit_report(
        actor=dispatcher, category=category, description="路灯不亮", lat=testing.POINT_B[0],
        lon=testing.POINT_B[1], caller_name="张来电", caller_phone="13698765432",
    )  # fmt: skip


PERSONAL = [
    "骑手王大锤",
    "13712345678",
    mask_name("骑手王大锤"),
    mask_phone("13712345678"),
    "张来电",
    "13698765432",
    mask_phone("13698765432"),
    "匿名",
    "内部备注",
    "很满意",
]


def test_anyone_sees_the_public_list_without_logging_in(client, public_case, caller_case):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert detail(public_case) in html and detail(caller_case) in html
    assert "东关路井盖缺失" in html and "东关路12号" in html
    assert "东城街道 · 东关社区" in html  # down to the community, never the grid
    assert "东关社区第一网格" not in html
    assert photo_url(public_case) in html


def test_no_personal_data_on_the_list_or_the_case_pages(client, public_case, caller_case):
    pages = [LIST, detail(public_case), detail(caller_case)]
    for url in pages:
        html = client.get(url).content.decode()
        leaked = [text for text in PERSONAL if text in html]
        assert leaked == [], f"{url} shows {leaked}"


def test_the_public_timeline_has_public_steps_with_department_names(client, public_case):
    html = client.get(detail(public_case)).content.decode()
    timeline = html[html.index('id="case-timeline"') :]
    assert "城管局" in timeline  # the department, never the handler
    assert "城管处置员" not in html
    assert "已派人查看" in timeline and "已补装井盖" in timeline
    assert "满意（5星）" in timeline  # the level of the rating, without the comment
    assert "已办结" in html


def submit(rider, category):
    return submit_report(
        actor=rider, category=category, description="西城工单：垃圾堆放",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], photos=[photo()],
    )  # fmt: skip


@pytest.mark.parametrize("case", ["hidden", "rejected as invalid"])
def test_a_case_the_public_may_not_see_is_404(
    client, case, rider, category, unrouted_category, dispatcher
):
    if case == "hidden":
        report = submit(rider, category)
        hide_report(report, actor=dispatcher, hidden=True, reason="涉及隐私")
    else:
        report = submit(rider, unrouted_category)
        reject_report(report, actor=dispatcher, reason=RejectReason.INVALID, note="无效")
    assert client.get(detail(report)).status_code == 404
    assert client.get(photo_url(report)).status_code == 404
    assert detail(report) not in client.get(LIST).content.decode()
    assert client.get(reverse("reports_public:detail", args=[987654])).status_code == 404


def test_only_cases_accepted_into_the_loop_are_public(
    client, rider, category, unrouted_category, dispatcher
):
    """As Report.objects.public() says (shared with Open311): nobody has read a case waiting at
    the dispatch desk, so it is not found until accepted; a merged or rejected one is not public
    either. The public page of the case a duplicate was merged into stays."""
    new = submit(rider, unrouted_category)
    assert client.get(detail(new)).status_code == 404
    accept_report(new, actor=dispatcher)
    assert "已受理" in client.get(detail(new)).content.decode()
    main, merged = submit(rider, category), submit(rider, unrouted_category)
    merge_reports(merged, into=main, actor=dispatcher)
    assert client.get(detail(merged)).status_code == 404
    assert client.get(detail(main)).status_code == 200
    duplicate = submit(rider, unrouted_category)
    reject_report(duplicate, actor=dispatcher, reason=RejectReason.DUPLICATE, note="重复")
    assert client.get(detail(duplicate)).status_code == 404
    listed = client.get("/public/cases/").content.decode()
    assert detail(new) in listed and detail(main) in listed
    assert not any(detail(r) in listed for r in (merged, duplicate))


def test_a_redacted_photo_is_served_as_its_blurred_copy(client, public_case, dispatcher):
    original = public_case.photos[0]
    redact_photo(public_case, actor=dispatcher, index=0, reason="有人脸")
    redacted = Report.objects.get(pk=public_case.pk).photos[0]
    for kind, key, original_key in (("full", "public", "path"), ("thumb", "public_thumb", "thumb")):
        response = client.get(photo_url(public_case, kind=kind))
        assert response.status_code == 200
        body = read(response)
        with default_storage.open(redacted[key], "rb") as handle:
            assert body == handle.read()
        with default_storage.open(original[original_key], "rb") as handle:
            assert body != handle.read()


def test_an_unredacted_photo_is_served_and_a_bad_photo_address_is_404(client, public_case):
    response = client.get(photo_url(public_case, kind="full"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(photo_url(public_case, index=1)).status_code == 404
    assert client.get(photo_url(public_case, kind="original")).status_code == 404
    assert client.get(detail(public_case) + "999/").status_code == 404


def test_the_list_filters_by_category_status_and_street(
    client, district, public_case, caller_case, department_a
):
    food = testing.report_category("food", "食品安全", group="民生诉求")
    testing.routing_rule(food, district["district"], department_a)

    def shown(**params):
        html = client.get(LIST, params).content.decode()
        return {r for r in (public_case, caller_case) if detail(r) in html}

    assert shown(status="closed") == {public_case}
    assert shown(status="open") == {caller_case}
    assert shown(street=district["street_b"].code) == {caller_case}
    assert shown(category="road-damage") == {public_case, caller_case}
    assert shown(category="food") == set()


def test_a_bad_filter_is_a_422_with_a_clear_message(client, public_case):
    response = client.get(LIST, {"street": "999999999000"})
    assert response.status_code == 422
    assert "请从列表中选择" in response.content.decode()


def test_without_a_map_key_no_tile_is_requested(client, settings, public_case):
    settings.SHEGONG_MAP_TK = ""
    html = client.get(LIST).content.decode()
    assert "tianditu" not in html
    assert "leaflet-1.9.4/leaflet.js" in html and "shegong/map.js" in html
    assert "&quot;lat&quot;:32.87" in html  # the points are still drawn
    assert 'data-boundaries="/public/regions/boundaries/"' in html  # over the streets' outlines
    settings.SHEGONG_MAP_TK = "test-key"
    html = client.get(LIST).content.decode()
    assert "tianditu.gov.cn" in html and "test-key" in html


def test_the_public_pages_count_their_queries(client, public_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(LIST)
    with django_assert_max_num_queries(8):
        client.get(detail(public_case))


def test_a_case_returned_to_the_desk_reads_as_accepted(client, public_case):
    Report.objects.filter(pk=public_case.pk).update(status=Status.RETURNED)
    html = client.get(detail(public_case)).content.decode()
    assert "已受理" in html and "已退回" not in html
