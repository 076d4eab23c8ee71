"""我能提供 on the phone: a registered volunteer proposes their own offer (it waits for the
community's review), sees its status, and receives orders once approved; bad input is refused
with its reason and nothing written; someone who is not a volunteer cannot propose."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.perms import Role
from shegong.matching.actions import lists
from shegong.matching.choices import OfferStatus
from shegong.matching.models import Category, Offer
from shegong.matching.queries import mobile


@pytest.fixture
def volunteer_user(district):
    account = testing.user(Role.VOLUNTEER, district["community_a"], name="热心志愿者")
    testing.volunteer(district["community_a"], name="热心志愿者", account=account)
    return account


def test_a_volunteer_proposes_an_offer_that_waits_for_review(
    client, district, volunteer_user, community_a_worker
):
    client.force_login(volunteer_user)
    url = reverse("matching_m:my_offers")
    assert "登记一项服务" in client.get(url).content.decode()
    meals = Category.objects.get(code="meals")
    answer = client.post(url, {
        "category": meals.pk, "title": "周末送午餐", "capacity_per_week": "3",
        "slot": ["6-am", "7-am"],
    })  # fmt: skip
    assert answer.status_code == 302
    offer = Offer.objects.get()
    assert (offer.status, offer.helper, offer.region_id) == (
        OfferStatus.NEW,
        volunteer_user,
        district["community_a"].code,
    )
    assert offer.availability == {"6": ["am"], "7": ["am"]} and offer.capacity_per_week == 3
    page = client.get(url).content.decode()
    assert "周末送午餐" in page and "待审核" in page
    assert not mobile.is_helper(volunteer_user)  # not before the community approves it
    lists.review_offer(offer, community_a_worker, OfferStatus.APPROVED)
    fresh = type(volunteer_user).objects.get(pk=volunteer_user.pk)  # is_helper is memoised
    assert mobile.is_helper(fresh)


def test_bad_input_is_refused_and_nothing_written(client, district, volunteer_user):
    client.force_login(volunteer_user)
    answer = client.post(reverse("matching_m:my_offers"), {"title": "", "capacity_per_week": "0"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "请选择服务类别" in page
    assert not Offer.objects.exists()


def test_someone_who_is_not_a_volunteer_cannot_propose(client, district):
    resident = testing.user(Role.RESIDENT, district["community_a"], name="居民")
    client.force_login(resident)
    url = reverse("matching_m:my_offers")
    assert "注册成为志愿者后" in client.get(url).content.decode()
    meals = Category.objects.get(code="meals")
    client.post(url, {"category": meals.pk, "title": "送餐"})
    assert not Offer.objects.exists()
