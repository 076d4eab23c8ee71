"""The 四单 loop through the actions on a real database: 点单 → 审核 → 派单 → 接单 → 签到 →
完成 (hours become a volunteer service record) → 评单; and the refusals of bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.matching.actions import orders
from shegong.matching.choices import AssignmentOutcome, OrderStatus
from shegong.matching.models import Assignment, CommunitySettings, Offer
from shegong.volunteers.models import ServiceRecord


@pytest.fixture
def resident(district):
    return testing.user(Role.RESIDENT, district["community_a"], name="王大爷")


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")


@pytest.fixture
def helper_offer(district, helper_user):
    volunteer = testing.volunteer(district["community_a"], name="送餐志愿者", account=helper_user)
    team = testing.team(district["community_a"], name="东关助餐队")
    CommunitySettings.objects.create(region=district["community_a"], record_team=team)
    return testing.match_offer(
        district["community_a"], "medical", helper=helper_user, volunteer=volunteer,
        name="送餐志愿者", lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


def test_whole_loop_makes_one_pending_service_record(
    district, resident, community_a_worker, helper_user, helper_offer
):
    order = testing.match_order(resident, district["community_a"], "medical", hours_from_now=0.1)
    assert order.status == OrderStatus.REVIEW and order.number.startswith("FW")
    orders.approve(order, community_a_worker)
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING  # 助医陪诊 is dispatched by the community
    orders.dispatch(order, helper_offer, community_a_worker)
    orders.accept(order, helper_user)
    orders.start(order, helper_user, lat=testing.POINT_A[0], lon=testing.POINT_A[1], accuracy=10)
    done = orders.complete(order, helper_user, note="陪同就医完毕", hours="1.5")
    assert done.status == OrderStatus.DONE
    record = ServiceRecord.objects.get(pk=done.service_record_id)
    assert (record.kind, record.status, record.hours) == ("order", "pending", done.hours)
    rated = orders.rate(order, resident, stars=5, comment="很好")
    assert rated.status == OrderStatus.RATED and rated.rated_as == "beneficiary"
    helper_offer.refresh_from_db()
    assert (helper_offer.load, helper_offer.rating_sum, helper_offer.rating_count) == (0, 5, 1)
    verbs = set(AuditEvent.objects.filter(target_id=str(order.pk)).values_list("verb", flat=True))
    assert {
        Verb.ORDER_PLACED,
        Verb.ORDER_DISPATCHED,
        Verb.ORDER_ACCEPTED,
        Verb.ORDER_RATED,
    } <= verbs


def test_decline_forwards_and_never_returns(
    district, resident, community_a_worker, helper_user, helper_offer
):
    order = testing.match_order(resident, district["community_a"], "medical")
    orders.approve(order, community_a_worker)
    orders.dispatch(order, helper_offer, community_a_worker)
    orders.decline(order, helper_user, "今天有事")
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING and "婉拒" in order.unmet_reason
    with pytest.raises(DomainError, match="已婉拒或超时未接本单"):
        orders.dispatch(order, helper_offer, community_a_worker)


def test_timeout_expires_and_waits_on_the_unmet_list(
    district, resident, community_a_worker, helper_offer
):
    order = testing.match_order(resident, district["community_a"], "medical")
    orders.approve(order, community_a_worker)
    orders.dispatch(order, helper_offer, community_a_worker)
    assert orders.expire_overdue(timezone.now() + timedelta(hours=3)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.WAITING and "超时" in order.unmet_reason
    assert Assignment.objects.get(order=order).outcome == AssignmentOutcome.EXPIRED


def test_bad_input_is_refused_with_nothing_written(district, resident, community_a_worker):
    from shegong.matching.models import Order

    with pytest.raises(InvalidInput, match="不能早于现在"):
        testing.match_order(resident, district["community_a"], hours_from_now=-3)
    with pytest.raises(InvalidInput, match="不在东关社区范围内"):
        testing.match_order(resident, district["community_a"], point=testing.POINT_B)
    assert not Order.objects.exists()


def test_rating_by_a_stranger_is_refused(
    district, resident, community_a_worker, helper_user, helper_offer
):
    order = testing.match_order(resident, district["community_a"], "medical", hours_from_now=0.1)
    orders.approve(order, community_a_worker)
    orders.dispatch(order, helper_offer, community_a_worker)
    orders.accept(order, helper_user)
    orders.complete(order, helper_user, note="完成", hours=1)
    stranger = testing.user(Role.RESIDENT, district["community_a"], name="路人")
    with pytest.raises(NotPermitted):
        orders.rate(order, stranger, stars=1, comment="差")
    outsider = testing.user(Role.COMMUNITY_WORKER, district["community_b"], name="西关社工")
    with pytest.raises(NotPermitted):
        orders.rate(order, outsider, stars=1, comment="差")


def test_risky_work_needs_an_insured_helper(district, resident, community_a_worker, helper_user):
    from shegong.matching.models import CatalogueItem

    offer = testing.match_offer(district["community_a"], "repair", helper=helper_user)
    item = CatalogueItem.objects.get(name="水电维修")
    order = testing.match_order(resident, district["community_a"], "repair", item=item)
    orders.open_pool(order, community_a_worker)
    with pytest.raises(DomainError, match="未投保"):
        orders.grab(order, helper_user)
    Offer.objects.filter(pk=offer.pk).update(risky_ok=True)
    assert orders.grab(order, helper_user).status == OrderStatus.ACCEPTED
    with pytest.raises(NotFound):
        orders.grab(order, testing.user(Role.VOLUNTEER, district["community_a"]))
