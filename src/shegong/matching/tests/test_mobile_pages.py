"""The phone pages of 四单 through the test client: a resident places (quick pick, photo),
follows, cancels and rates an order; a helper accepts, declines, grabs (the loser is told
"手慢了"), checks in at the beneficiary and completes. Bad input is refused on the page with
its Chinese reason and nothing written; anyone else's order is 404."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.perms import Role
from shegong.core.registry import h5_tiles
from shegong.matching.actions import orders
from shegong.matching.choices import OrderStatus
from shegong.matching.models import Category, Order

ADDRESS = "东关社区幸福里3号楼2单元401"


@pytest.fixture
def resident(district):
    return testing.user(Role.RESIDENT, district["community_a"], name="王大爷")


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")


@pytest.fixture
def helper_offer(district, helper_user):
    volunteer = testing.volunteer(district["community_a"], name="送餐志愿者", account=helper_user)
    return testing.match_offer(
        district["community_a"], "meals", helper=helper_user, volunteer=volunteer,
        name="送餐志愿者", lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile("门口.jpg", buffer.getvalue(), content_type="image/jpeg")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _order(resident, district, *, category="meals", address=ADDRESS, **fields) -> Order:
    return testing.match_order(
        resident, district["community_a"], category, hours_from_now=0.1, address=address,
        **fields,
    )  # fmt: skip


def _dispatched(resident, district, worker, offer) -> Order:
    order = _order(resident, district, category="meals")
    orders.approve(order, worker)  # 助餐送餐 opens the grab pool
    order.refresh_from_db()
    orders.reassign(order, worker, "改为派单")
    orders.dispatch(order, offer, worker)
    order.refresh_from_db()
    return order


# --- the resident ---------------------------------------------------------------------------


def test_the_form_shows_the_active_categories_and_the_community(client, district, resident):
    Category.objects.filter(code="legal").update(is_active=False)
    client.force_login(resident)
    html = client.get(reverse("matching_m:place")).content.decode()
    assert "助餐送餐" in html and "心理干预" in html and "法律援助" not in html
    assert "东关社区" in html and "上门送餐" in html and "明天" in html and "晚上" in html


def test_a_resident_places_an_order_with_a_quick_pick_and_a_photo(client, district, resident):
    client.force_login(resident)
    meals = Category.objects.get(code="meals")
    response = client.post(reverse("matching_m:place"), {
        "category": meals.pk, "description": "腿脚不便，想请人送午饭", "day": "tomorrow",
        "part": "am", "region": district["community_a"].code, "address": ADDRESS,
        "lat": testing.POINT_A[0], "lon": testing.POINT_A[1], "photos": [_photo()],
    })  # fmt: skip
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching_m:order", args=[order.pk])
    start = timezone.localtime(order.window_start)
    assert start.date() == timezone.localdate() + timedelta(days=1)
    assert (start.hour, timezone.localtime(order.window_end).hour) == (6, 12)
    assert order.status == OrderStatus.REVIEW and order.channel == "resident"
    assert order.requester == resident and order.address == ADDRESS
    assert len(order.photos) == 1
    page = client.get(response["Location"])
    html = page.content.decode()
    assert order.number in html and "待审核" in html and "点单" in html
    thumb = reverse("matching_m:order_photo", args=[order.pk, 0, "thumb"])
    assert thumb in html and client.get(thumb).status_code == 200


def test_a_window_in_the_past_is_refused_and_nothing_written(client, district, resident):
    client.force_login(resident)
    past = timezone.now() - timedelta(hours=3)
    response = client.post(reverse("matching_m:place"), {
        "category": Category.objects.get(code="meals").pk, "description": "送餐",
        "day": "exact", "window_start": _local(past),
        "window_end": _local(past + timedelta(hours=1)), "region": district["community_a"].code,
    })  # fmt: skip
    assert response.status_code == 422
    assert "期望服务时间不能早于现在" in response.content.decode()
    assert not Order.objects.exists()


def test_a_location_outside_the_community_is_refused(client, district, resident):
    client.force_login(resident)
    response = client.post(reverse("matching_m:place"), {
        "category": Category.objects.get(code="meals").pk, "description": "送餐",
        "day": "tomorrow", "part": "pm", "region": district["community_a"].code,
        "lat": testing.POINT_B[0], "lon": testing.POINT_B[1],
    })  # fmt: skip
    assert response.status_code == 422
    assert "服务地点不在东关社区范围内" in response.content.decode()
    assert not Order.objects.exists()


def test_missing_category_and_other_community_are_refused(client, district, resident):
    client.force_login(resident)
    base = {"description": "送餐", "day": "tomorrow", "part": "pm"}
    response = client.post(
        reverse("matching_m:place"), {**base, "region": district["community_a"].code}
    )
    assert response.status_code == 422 and "请选择服务类别" in response.content.decode()
    meals = Category.objects.get(code="meals").pk
    response = client.post(
        reverse("matching_m:place"),
        {**base, "category": meals, "region": district["community_b"].code},
    )
    assert response.status_code == 422 and "请选择您所在的社区" in response.content.decode()
    assert not Order.objects.exists()


def test_my_orders_lists_only_mine(client, district, resident):
    mine = _order(resident, district, description="我的送餐需求")
    other = testing.user(Role.RESIDENT, district["community_a"], name="邻居")
    theirs = _order(other, district, description="邻居的需求")
    client.force_login(resident)
    html = client.get(reverse("matching_m:orders")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert client.get(reverse("matching_m:order", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("matching_m:order", args=[theirs.pk]), {"action": "cancel", "reason": "x"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.REVIEW


def test_a_resident_cancels_before_acceptance_with_a_reason(client, district, resident):
    order = _order(resident, district)
    client.force_login(resident)
    url = reverse("matching_m:order", args=[order.pk])
    response = client.post(url, {"action": "cancel", "reason": ""})
    assert response.status_code == 422 and "请填写取消原因" in response.content.decode()
    response = client.post(url, {"action": "cancel", "reason": "家人已经帮忙解决"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancelled_reason == "家人已经帮忙解决"
    assert "已取消" in client.get(url).content.decode()


def test_no_cancel_after_acceptance(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _order(resident, district)
    orders.approve(order, community_a_worker)
    orders.grab(order, helper_user)
    client.force_login(resident)
    url = reverse("matching_m:order", args=[order.pk])
    assert "取消订单" not in client.get(url).content.decode()
    response = client.post(url, {"action": "cancel", "reason": "不要了"})
    assert response.status_code == 409 and "已有人接单" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_rating_when_done_and_never_by_a_stranger(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _order(resident, district)
    orders.approve(order, community_a_worker)
    orders.grab(order, helper_user)
    orders.complete(order, helper_user, note="午饭已送到", hours="0.5")
    url = reverse("matching_m:order", args=[order.pk])
    stranger = testing.user(Role.RESIDENT, district["community_a"], name="路人")
    client.force_login(stranger)
    assert client.post(url, {"action": "rate", "stars": "1"}).status_code == 404
    client.force_login(helper_user)
    assert client.post(url, {"action": "rate", "stars": "5"}).status_code == 404
    client.force_login(resident)
    html = client.get(url).content.decode()
    assert "评单" in html and "午饭已送到" in html
    response = client.post(url, {"action": "rate", "stars": "0"})
    assert response.status_code == 422 and "请选择 1 到 5 星" in response.content.decode()
    response = client.post(url, {"action": "rate", "stars": "2", "comment": ""})
    assert response.status_code == 422 and "请填写评价" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.stars is None
    response = client.post(url, {"action": "rate", "stars": "5", "comment": "很准时"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.stars, order.comment) == (OrderStatus.RATED, 5, "很准时")
    assert "您的评价" in client.get(url).content.decode()


# --- the helper -----------------------------------------------------------------------------


def test_helper_accepts_a_dispatched_order_and_sees_the_address_only_then(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _dispatched(resident, district, community_a_worker, helper_offer)
    client.force_login(helper_user)
    home = client.get(reverse("matching_m:helper")).content.decode()
    assert order.description in home and "内接单" in home
    url = reverse("matching_m:helper_order", args=[order.pk])
    html = client.get(url).content.decode()
    assert ADDRESS not in html and "接单后显示详细地址" in html
    assert "王大爷" not in html
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    html = client.get(url).content.decode()
    assert ADDRESS in html and "到达签到" in html


def test_helper_declines_with_a_reason(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _dispatched(resident, district, community_a_worker, helper_offer)
    client.force_login(helper_user)
    url = reverse("matching_m:helper_order", args=[order.pk])
    response = client.post(url, {"action": "decline", "reason": ""})
    assert response.status_code == 422 and "请填写婉拒原因" in response.content.decode()
    response = client.post(url, {"action": "decline", "reason": "该时段已有安排"})
    assert response.status_code == 302 and response["Location"] == reverse("matching_m:helper")
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING and "该时段已有安排" in order.unmet_reason


def test_two_helpers_grab_one_wins_the_other_is_told(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _order(resident, district)
    orders.approve(order, community_a_worker)
    rival = testing.user(Role.VOLUNTEER, district["community_a"], name="热心邻居")
    testing.match_offer(district["community_a"], "meals", helper=rival, name="热心邻居")
    client.force_login(rival)
    assert order.description in client.get(reverse("matching_m:helper")).content.decode()
    client.force_login(helper_user)
    url = reverse("matching_m:helper_order", args=[order.pk])
    assert ADDRESS not in client.get(url).content.decode()
    assert client.post(url, {"action": "grab"}).status_code == 302
    client.force_login(rival)
    response = client.post(url, {"action": "grab"}, follow=True)
    assert "手慢了" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.offer == helper_offer
    assert client.get(url).status_code == 404  # no longer in the pool, never theirs


def test_check_in_is_refused_beyond_the_fence_then_complete(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _order(resident, district)
    orders.approve(order, community_a_worker)
    orders.grab(order, helper_user)
    client.force_login(helper_user)
    url = reverse("matching_m:helper_order", args=[order.pk])
    far = {"action": "start", "lat": testing.POINT_A[0] + 0.02, "lon": testing.POINT_A[1],
           "accuracy": "10"}  # fmt: skip
    response = client.post(url, far)
    assert response.status_code == 409
    assert "您距服务地点约" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.started_at is None
    near = {"action": "start", "lat": testing.POINT_A[0], "lon": testing.POINT_A[1],
            "accuracy": "10"}  # fmt: skip
    assert client.post(url, near).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVING and order.start_distance_m == 0
    response = client.post(url, {"action": "complete", "note": "", "hours": "1"})
    assert response.status_code == 422 and "请填写服务记录" in response.content.decode()
    response = client.post(url, {
        "action": "complete", "note": "午饭已送到，老人状态良好", "hours": "0.5",
        "photos": [_photo()],
    })  # fmt: skip
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and str(order.hours) == "0.50"
    assert len(order.completion_photos) == 1
    photo = reverse("matching_m:helper_photo", args=[order.pk, 0, "done-thumb"])
    assert client.get(photo).status_code == 200
    client.force_login(resident)
    assert (
        client.get(reverse("matching_m:order_photo", args=[order.pk, 0, "done-full"])).status_code
        == 200
    )


def test_a_stranger_helper_never_sees_the_order(
    client, district, resident, community_a_worker, helper_user, helper_offer
):
    order = _dispatched(resident, district, community_a_worker, helper_offer)
    other = testing.user(Role.VOLUNTEER, district["community_a"], name="别的志愿者")
    testing.match_offer(district["community_a"], "medical", helper=other, name="别的志愿者")
    client.force_login(other)
    url = reverse("matching_m:helper_order", args=[order.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept"}).status_code == 404
    assert order.description not in client.get(reverse("matching_m:helper")).content.decode()
    client.force_login(resident)
    assert client.get(url).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


def test_the_tiles(client, district, resident, helper_user, helper_offer):
    def keys(user):
        return {
            t.key for t in h5_tiles if t.key.startswith("matching")
            and (t.visible is None or t.visible(user))
        }  # fmt: skip

    assert keys(resident) == {"matching_place", "matching_orders"}
    assert keys(helper_user) == {
        "matching_place",
        "matching_orders",
        "matching_helper",
        "matching_offer",
    }
    client.force_login(helper_user)
    html = client.get(reverse("mobile_home")).content.decode()
    assert reverse("matching_m:helper") in html and reverse("matching_m:place") in html


def test_quick_picks_of_today():
    from datetime import datetime

    from shegong.matching.views import mobile

    tz = timezone.get_current_timezone()
    now = datetime(2030, 5, 6, 14, 30, tzinfo=tz)
    request = {"day": "today", "part": "pm"}
    start, end = mobile._window(request, now)
    assert (start, end) == (now, datetime(2030, 5, 6, 18, tzinfo=tz))  # begun: from now on
    start, end = mobile._window({"day": "today", "part": "am"}, now)
    assert end is not None and end < now  # over: handed on, the action refuses it
    start, end = mobile._window({"day": "tomorrow", "part": "eve"}, now)
    assert (start.day, start.hour, end.hour) == (7, 18, 23)
    assert mobile._window({"day": "today"}, now) == (None, None)


def test_a_quick_pick_without_a_part_is_refused(client, district, resident):
    client.force_login(resident)
    response = client.post(reverse("matching_m:place"), {
        "category": Category.objects.get(code="meals").pk, "description": "送餐",
        "day": "today", "part": "", "region": district["community_a"].code,
    })  # fmt: skip
    assert response.status_code == 422 and "请选择服务时间" in response.content.decode()
    assert not Order.objects.exists()


def test_a_double_tap_makes_one_order(client, district, resident):
    client.force_login(resident)
    form = {
        "category": Category.objects.get(code="meals").pk, "description": "送餐",
        "day": "tomorrow", "part": "pm", "region": district["community_a"].code,
        "token": "6f1c1c55-1d5e-4a49-8a39-3c1f5b0c1a11",
    }  # fmt: skip
    first = client.post(reverse("matching_m:place"), form)
    second = client.post(reverse("matching_m:place"), form)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == reverse("matching_m:order", args=[order.pk])


def test_a_refused_submission_frees_its_token(client, district, resident):
    client.force_login(resident)
    form = {
        "category": Category.objects.get(code="meals").pk, "description": "",
        "day": "tomorrow", "part": "pm", "region": district["community_a"].code,
        "token": "0b9f3c55-1d5e-4a49-8a39-3c1f5b0c1a22",
    }  # fmt: skip
    response = client.post(reverse("matching_m:place"), form)
    assert response.status_code == 422 and "请填写需求描述" in response.content.decode()
    assert 'value="0b9f3c55-1d5e-4a49-8a39-3c1f5b0c1a22"' in response.content.decode()
    response = client.post(reverse("matching_m:place"), {**form, "description": "送餐"})
    assert response.status_code == 302 and Order.objects.count() == 1
