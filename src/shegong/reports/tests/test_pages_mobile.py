"""The H5 pages riders use: /m/report (随手拍) and /m/my-reports (timeline, verify, rate…)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.models import IdempotencyRecord
from shegong.core.perms import Role
from shegong.reports.actions.reports import (
    add_note,
    redact_photo,
    resolve_report,
    respond_report,
    submit_report,
)
from shegong.reports.choices import Status
from shegong.reports.models import Follower, Report

pytestmark = pytest.mark.django_db

REPORT_URL = "/m/report/"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    """The submission limit counts in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def jpeg(name="现场.jpg", size=(64, 48), color=(200, 40, 40)):
    """A small real JPEG carrying EXIF (a camera make), as a phone would send it."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    Image.new("RGB", size, color).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(category, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "category": category.service_code,
        "description": "人行道地砖松动，老人容易绊倒",
        "lat": str(testing.POINT_A[0]),
        "lon": str(testing.POINT_A[1]),
        "crs": "wgs84",
        "address": "",
        "region": "",
    }
    data.update(overrides)
    return data


def submit(client, category, photos=None, **overrides):
    data = form_data(category, **overrides)
    data["photos"] = [jpeg()] if photos is None else photos
    return client.post(REPORT_URL, data)


def file_report(user, category, point=testing.POINT_A, **kwargs):
    kwargs.setdefault("description", "井盖缺失")
    return submit_report(
        actor=user, category=category, lat=point[0], lon=point[1], photos=[jpeg()], **kwargs
    )


@pytest.fixture
def questioned_category(district, department_a):
    category = testing.report_category(
        "manhole",
        "井盖缺失",
        group="安全隐患",
        keywords="下水道,窨井",
        notice="如有人员坠落，请立即拨打110",
        attributes=[
            {"code": "size", "datatype": "singlevaluelist", "description": "井口大小",
             "required": True, "values": [{"key": "s", "name": "小"}, {"key": "l", "name": "大"}]},
            {"code": "count", "datatype": "number", "description": "缺失数量"},
        ],
    )  # fmt: skip
    testing.routing_rule(category, district["district"], department_a)
    return category


@pytest.fixture
def other_rider(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手小李")


# --- the form -------------------------------------------------------------------------------------


def test_the_report_page_lists_categories_by_group_with_notice_keywords_and_questions(
    client, rider, category, questioned_category
):
    testing.report_category("staff-only", "内部巡查", staff_only=True)
    client.force_login(rider)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<legend>安全隐患</legend>" in body and "<legend>公共设施</legend>" in body
    assert "如有人员坠落，请立即拨打110" in body
    assert 'data-search="井盖缺失 安全隐患 下水道 窨井' in body
    assert f'name="a{questioned_category.pk}-size"' in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "内部巡查" not in body  # staff-only categories are not offered to riders
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    assert uuid.UUID(token)
    # The page does not pull the workbench's Bootstrap or icon font (page weight).
    assert "bootstrap" not in body and "htmx" not in body


def test_the_report_page_has_its_own_small_assets(client, rider, category):
    from django.contrib.staticfiles import finders

    client.force_login(rider)
    body = client.get(REPORT_URL).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body)
    total = len(body.encode()) + sum(
        len(open(finders.find(a.removeprefix("/static/")), "rb").read()) for a in assets
    )
    assert total < 100_000, total


def test_a_rider_files_a_report_with_a_photo_and_lands_on_the_case(
    client, rider, category, department_a
):
    client.force_login(rider)
    response = submit(client, category)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_m:my_detail", args=[report.pk])
    assert report.reporter == rider and report.status == Status.TRANSFERRED
    assert report.lead_department == department_a
    assert report.lat == pytest.approx(testing.POINT_A[0])
    assert len(report.photos) == 1
    with default_storage.open(report.photos[0]["path"], "rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and not stored.getexif()  # re-encoded, EXIF gone
    page = client.get(response["Location"])
    assert f"上报成功，工单编号 {report.number}" in page.content.decode()


def test_missing_location_is_a_field_error_and_nothing_is_written(client, rider, category):
    client.force_login(rider)
    response = submit(client, category, lat="", lon="", description="路灯不亮好几天了")
    assert response.status_code == 422
    body = response.content.decode()
    assert "请在地图上选点，或填写地址" in body
    assert "请重新选择照片" in body
    assert "路灯不亮好几天了" in body  # the rider's text is kept
    assert f'value="{category.service_code}" checked' in body
    assert Report.objects.count() == 0
    assert not IdempotencyRecord.objects.exists()


def test_a_missing_photo_is_a_field_error_shown_with_the_others(client, rider, category):
    client.force_login(rider)
    response = submit(client, category, photos=[], description="")
    assert response.status_code == 422
    body = response.content.decode()
    assert "请至少拍摄或选择一张照片" in body and "请描述问题" in body
    assert "请重新选择照片" not in body  # nothing was chosen, nothing lost
    assert Report.objects.count() == 0


def test_an_exe_renamed_jpg_is_refused_with_the_reason(client, rider, category):
    client.force_login(rider)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")
    response = submit(client, category, photos=[fake])
    assert response.status_code == 422
    assert "照片.jpg：不是图片文件" in response.content.decode()
    assert Report.objects.count() == 0


def test_an_address_without_a_point_needs_the_community(client, rider, category, district):
    client.force_login(rider)
    base = {"lat": "", "lon": "", "address": "人民路12号门口"}
    response = submit(client, category, **base)
    assert response.status_code == 422
    assert "只填写地址时，请选择所在社区或街道" in response.content.decode()
    response = submit(client, category, region=district["community_a"].code, **base)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.region == district["community_a"] and report.lat is None


def test_the_community_picker_offers_the_riders_district(client, rider, district):
    client.force_login(rider)
    body = client.get(REPORT_URL).content.decode()
    assert district["community_a"].name in body and district["community_b"].name in body


def test_a_point_outside_the_deployment_is_out_of_service(client, rider, category):
    client.force_login(rider)
    response = submit(client, category, lat="39.9", lon="116.4")
    assert response.status_code == 422
    assert "不在服务范围内" in response.content.decode()
    assert Report.objects.count() == 0


def test_extra_questions_are_checked_and_stored(client, rider, questioned_category):
    client.force_login(rider)
    size = f"a{questioned_category.pk}-size"
    count = f"a{questioned_category.pk}-count"
    response = submit(client, questioned_category, **{count: "两个"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "请回答：井口大小" in body and "缺失数量：应为数字" in body
    assert submit(client, questioned_category, **{size: "l", count: "2"}).status_code == 302
    assert Report.objects.get().attributes == {"size": "l", "count": 2}


def test_anonymity_is_kept_where_the_category_allows_it(client, rider, category):
    client.force_login(rider)
    submit(client, category, anonymous="1")
    assert Report.objects.get().anonymous is True
    category.anonymous_allowed = False
    category.save()
    submit(client, category, anonymous="1")
    assert Report.objects.latest("pk").anonymous is False


def test_a_double_submit_with_the_same_token_makes_one_case(client, rider, category):
    client.force_login(rider)
    token = str(uuid.uuid4())
    first = submit(client, category, token=token)
    second = submit(client, category, token=token)
    assert Report.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client.get(second["Location"])
    assert "该上报已提交成功，无需重复提交" in page.content.decode()


def test_a_token_still_in_flight_is_not_submitted_twice(client, rider, category):
    client.force_login(rider)
    token = str(uuid.uuid4())
    IdempotencyRecord.objects.create(
        owner=f"user:{rider.pk}", key=f"m-report:{token}", method="POST", path=REPORT_URL,
        fingerprint="",
    )  # fmt: skip
    response = submit(client, category, token=token)
    assert response.status_code == 302 and response["Location"] == "/m/my-reports/"
    assert Report.objects.count() == 0


def test_a_corrected_retry_with_the_same_token_still_succeeds(client, rider, category):
    client.force_login(rider)
    token = str(uuid.uuid4())
    assert submit(client, category, token=token, description="").status_code == 422
    assert submit(client, category, token=token).status_code == 302
    assert Report.objects.count() == 1


def test_a_burst_of_submissions_gets_the_429_message(client, settings, rider, category):
    limit = settings.SHEGONG_REPORTS_RATE_LIMIT = 2
    client.force_login(rider)
    for _ in range(limit):
        assert submit(client, category).status_code == 302
    response = submit(client, category)
    assert response.status_code == 429
    assert "提交过于频繁：每10分钟最多提交2件" in response.content.decode()
    assert Report.objects.count() == limit


def test_staff_may_open_the_h5_pages(client, street_a_staff, category):
    client.force_login(street_a_staff)
    assert client.get(REPORT_URL).status_code == 200
    assert client.get("/m/my-reports/").status_code == 200


def test_the_mobile_home_links_to_the_report_pages(client, rider):
    client.force_login(rider)
    body = client.get("/m/").content.decode()
    assert 'href="/m/report/"' in body and 'href="/m/my-reports/"' in body
    assert "随手拍" in body and "我的上报" in body


# --- duplicates and following ------------------------------------------------------------------


def test_a_nearby_open_case_is_suggested_and_can_be_followed(client, rider, other_rider, category):
    case = file_report(other_rider, category, description="东关路井盖松动")
    client.force_login(rider)
    url = reverse("reports_m:duplicates")
    response = client.get(url, {"category": category.service_code, "lat": POINT_NEAR[0],
                                "lon": POINT_NEAR[1], "crs": "wgs84"})  # fmt: skip
    body = response.content.decode()
    assert "附近已有人反映了这个问题，是否关注它而不是重复上报？" in body
    assert "东关路井盖松动" in body and reverse("reports_m:follow", args=[case.pk]) in body
    assert "骑手" not in body  # no reporter data
    follow = client.post(
        reverse("reports_m:follow", args=[case.pk]),
        {"category": category.service_code, "lat": POINT_NEAR[0], "lon": POINT_NEAR[1]},
    )
    assert follow.status_code == 302
    assert Follower.objects.filter(report=case, user=rider).exists()
    detail = client.get(follow["Location"])
    assert detail.status_code == 200 and "我关注的工单" in detail.content.decode()
    assert case in client.get("/m/my-reports/").context["page"].object_list


POINT_NEAR = (testing.POINT_A[0] + 0.0002, testing.POINT_A[1])  # about 22 m north


def test_no_suggestions_far_away_or_without_a_point(client, rider, other_rider, category):
    file_report(other_rider, category)
    client.force_login(rider)
    url = reverse("reports_m:duplicates")
    far = {"category": category.service_code, "lat": testing.POINT_A[0] + 0.01,
           "lon": testing.POINT_A[1]}  # fmt: skip
    assert client.get(url, far).content.strip() == b""
    assert client.get(url).content.strip() == b""
    assert client.get(url, {"category": category.service_code, "lat": "x"}).status_code == 200


def test_a_case_that_was_not_suggested_cannot_be_followed(client, rider, other_rider, category):
    case = file_report(other_rider, category)
    client.force_login(rider)
    url = reverse("reports_m:follow", args=[case.pk])
    far = {"category": category.service_code, "lat": testing.POINT_A[0] + 0.01,
           "lon": testing.POINT_A[1]}  # fmt: skip
    assert client.post(url, far).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert not Follower.objects.exists()


# --- my reports ---------------------------------------------------------------------------------


def test_my_reports_lists_my_cases_and_followed_ones_newest_first(
    client, rider, other_rider, category, django_assert_max_num_queries
):
    old = file_report(rider, category, description="第一件")
    Report.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    new = file_report(rider, category, description="第二件")
    followed = file_report(other_rider, category, description="别人的", point=testing.POINT_B)
    Follower.objects.create(report=followed, user=rider)
    not_mine = file_report(other_rider, category, description="与我无关", point=testing.POINT_B)
    client.force_login(rider)
    with django_assert_max_num_queries(12):
        response = client.get("/m/my-reports/")
    shown = list(response.context["page"].object_list)
    assert shown[0] in (new, followed) and shown[-1] == old
    assert set(shown) == {old, new, followed} and not_mine not in shown
    body = response.content.decode()
    assert "已派单" in body and new.number in body and "我关注的" in body


def test_my_reports_tabs_show_what_waits_for_me(client, rider, handler, category):
    report = file_report(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    client.force_login(rider)
    response = client.get("/m/my-reports/", {"tab": "todo"})
    assert list(response.context["page"].object_list) == [report]
    assert "已办理，请确认是否解决" in response.content.decode()
    assert list(client.get("/m/my-reports/", {"tab": "done"}).context["page"].object_list) == []


def test_another_riders_case_is_404_everywhere(client, rider, other_rider, category):
    case = file_report(other_rider, category)
    client.force_login(rider)
    urls = [
        reverse("reports_m:my_detail", args=[case.pk]),
        reverse("reports_m:photo", args=[case.pk, 0, "thumb"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("verify", "reopen", "rate"):
        assert client.post(reverse(f"reports_m:{name}", args=[case.pk])).status_code == 404
    assert case.pk not in [r.pk for r in client.get("/m/my-reports/").context["page"]]


def test_the_case_page_shows_public_steps_with_department_names_never_handlers(
    client, rider, handler, category
):
    report = file_report(rider, category)
    respond_report(report, actor=handler, note="已安排人员前往")
    add_note(report, actor=handler, note="内部备注：等待材料", public=False)
    resolve_report(report, actor=handler, result="已更换井盖", photos=[jpeg("after.jpg")])
    client.force_login(rider)
    body = client.get(reverse("reports_m:my_detail", args=[report.pk])).content.decode()
    assert "已安排人员前往" in body and "城管局" in body
    assert "内部备注" not in body
    assert "城管处置员" not in body and handler.name_masked not in body
    assert "已更换井盖" in body
    assert reverse("reports_m:photo", args=[report.pk, 0, "after-thumb"]) in body
    assert reverse("reports_m:photo", args=[report.pk, 0, "thumb"]) in body
    assert "确认已解决" in body and "申请重办" in body


def test_the_reporter_gets_photos_and_after_photos_through_the_checked_view(
    client, rider, handler, category
):
    report = file_report(rider, category)
    resolve_report(report, actor=handler, result="已修复", photos=[jpeg("after.jpg")])
    client.force_login(rider)
    for kind in ("thumb", "full", "after-thumb", "after-full"):
        response = client.get(reverse("reports_m:photo", args=[report.pk, 0, kind]))
        assert response.status_code == 200, kind
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
    for bad in ((report.pk, 1, "thumb"), (report.pk, 0, "original")):
        assert client.get(reverse("reports_m:photo", args=bad)).status_code == 404


def test_a_follower_sees_only_the_redacted_copy_of_a_photo(client, rider, other_rider, category):
    case = file_report(other_rider, category)
    Follower.objects.create(report=case, user=rider)
    moderator = testing.user(Role.DISPATCHER, case.region, name="审核员")
    redact_photo(case, actor=moderator, index=0, reason="有人脸")
    case.refresh_from_db()
    client.force_login(rider)
    response = client.get(reverse("reports_m:photo", args=[case.pk, 0, "full"]))
    served = b"".join(response.streaming_content)
    with default_storage.open(case.photos[0]["public"], "rb") as handle:
        assert served == handle.read()
    assert (
        "确认已解决"
        not in client.get(reverse("reports_m:my_detail", args=[case.pk])).content.decode()
    )


def test_the_reporter_confirms_then_rates_the_case(client, rider, handler, category):
    report = file_report(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    client.force_login(rider)
    response = client.post(reverse("reports_m:verify", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    body = client.get(response["Location"]).content.decode()
    assert "已确认问题解决" in body and "评价办理情况" in body
    rate_url = reverse("reports_m:rate", args=[report.pk])
    missing = client.post(rate_url, {"comment": "很好"})
    assert missing.status_code == 422 and "请选择星级" in missing.content.decode()
    assert client.post(rate_url, {"rating": "5", "comment": "很及时"}).status_code == 302
    report.refresh_from_db()
    assert report.rating == 5 and report.rating_comment == "很及时"
    again = client.post(rate_url, {"rating": "1"})
    assert again.status_code == 409 and "您已评价过此工单" in again.content.decode()
    body = client.get(reverse("reports_m:my_detail", args=[report.pk])).content.decode()
    assert "您的评价" in body and "★★★★★" in body


def test_confirming_a_case_that_is_not_resolved_shows_the_allowed_steps(client, rider, category):
    report = file_report(rider, category)
    client.force_login(rider)
    response = client.post(reverse("reports_m:verify", args=[report.pk]))
    assert response.status_code == 409
    assert "不能变更为「已核实」" in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == Status.TRANSFERRED


def test_the_reporter_asks_for_the_work_to_be_redone_within_7_days(
    client, rider, handler, category
):
    report = file_report(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    client.force_login(rider)
    url = reverse("reports_m:reopen", args=[report.pk])
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 422 and "请说明问题为何没有解决" in empty.content.decode()
    assert client.post(url, {"reason": "井盖还是松的"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REOPENED
    body = client.get(reverse("reports_m:my_detail", args=[report.pk])).content.decode()
    assert "井盖还是松的" in body and "已申请重办" in body


def test_reopening_after_7_days_is_refused_with_a_message(client, rider, handler, category):
    report = file_report(rider, category)
    resolve_report(report, actor=handler, result="已修复")
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    client.force_login(rider)
    detail = client.get(reverse("reports_m:my_detail", args=[report.pk])).content.decode()
    assert "办理完毕已超过7天，不能再申请重办" in detail
    response = client.post(reverse("reports_m:reopen", args=[report.pk]), {"reason": "没修好"})
    assert response.status_code == 409 and "超过7天" in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == Status.RESOLVED


def test_the_h5_home_badge_counts_the_todo_list_it_opens(client, rider, category, resident):
    handled = file_report(rider, category)
    file_report(rider, category, description="路灯不亮")  # still with the department
    others = file_report(resident, category, description="别人的")
    Report.objects.filter(pk__in=[handled.pk, others.pk]).update(status=Status.RESOLVED)
    client.force_login(rider)
    home = client.get(reverse("mobile_home")).content.decode()
    pattern = r'<a class="h5-tile" href="([^"]+)" id="tile-my_reports">(.*?)</a>'
    tile = re.search(pattern, home, re.S)
    assert tile is not None
    url, inner = tile.group(1).replace("&amp;", "&"), tile.group(2)
    assert url == reverse("reports_m:my_reports") + "?tab=todo"
    assert '<span class="rp-count" aria-label="1 项待办">1</span>' in inner
    listing = client.get(url).content.decode()
    assert listing.count('class="rp-case"') == 1 and handled.number in listing
    # Nothing to do: no badge, and the tile opens the whole list.
    Report.objects.filter(pk=handled.pk).update(status=Status.VERIFIED)
    client.force_login(rider)
    home = client.get(reverse("mobile_home")).content.decode()
    assert f'href="{reverse("reports_m:my_reports")}" id="tile-my_reports"' in home
    assert "项待办" not in home
