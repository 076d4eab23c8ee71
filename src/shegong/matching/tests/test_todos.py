"""Matching's to-dos and workbench card: each count equals the rows of the list its link
opens, as that person; the outsider sees none. And the 5-minute scan that forwards orders not
accepted in time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.core.scans import SCANS
from shegong.matching import cards
from shegong.matching.actions import orders
from shegong.matching.choices import AssignmentOutcome, OrderStatus
from shegong.matching.models import Assignment, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="陪诊志愿者")


@pytest.fixture
def offer(district, helper_user):
    return testing.match_offer(
        district["community_a"], "medical", helper=helper_user, name="陪诊志愿者",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


@pytest.fixture
def queue(district, community_a_worker, resident, offer):
    """Two orders to review, one waiting with nobody, one dispatched past its deadline."""
    at = district["community_a"]
    review = [testing.match_order(resident, at, "medical") for _ in range(2)]
    waiting = testing.match_order(resident, at, "legal")
    orders.approve(waiting, community_a_worker)
    late = testing.match_order(resident, at, "medical")
    orders.approve(late, community_a_worker)
    orders.dispatch(late, offer, community_a_worker)
    Order.objects.filter(pk=late.pk).update(accept_deadline=timezone.now() - timedelta(hours=1))
    Assignment.objects.filter(order=late).update(deadline=timezone.now() - timedelta(hours=1))
    return {"review": review, "waiting": waiting, "late": late}


def open_todo(client, user, key):
    todo = testing.todo_of(user, key)
    assert todo is not None, f"{key} is not shown"
    client.force_login(user)
    response = client.get(todo["url"])
    assert response.status_code == 200
    return todo["count"], response


@pytest.mark.parametrize(
    ("key", "expected"),
    [("matching.review", "review"), ("matching.unmet", "waiting"), ("matching.overdue", "late")],
)
def test_each_todo_count_equals_its_list(client, community_a_worker, queue, key, expected):
    count, response = open_todo(client, community_a_worker, key)
    wanted = queue[expected] if isinstance(queue[expected], list) else [queue[expected]]
    assert count == response.context["page"].paginator.count == len(wanted)
    assert [o.pk for o in response.context["rows"]] == [o.pk for o in wanted]


def test_the_outsider_sees_no_todo(street_b_staff, queue):
    for key in ("matching.review", "matching.unmet", "matching.overdue"):
        assert testing.todo_of(street_b_staff, key) is None


def test_the_card_equals_the_lists_it_links_to(client, community_a_worker, queue):
    figures = cards.today(community_a_worker)
    assert (figures["placed_today"], figures["review"], figures["unmet"], figures["overdue"]) == (
        4,
        2,
        1,
        1,
    )
    client.force_login(community_a_worker)
    home = client.get("/").content.decode()
    assert 'id="card-matching-board"' in home
    today = figures["today"].isoformat()
    listed = client.get(f"/matching/orders/?date_from={today}&date_to={today}")
    assert listed.context["page"].paginator.count == figures["placed_today"]
    board = client.get("/matching/board/?tab=dispatched&overdue=1")
    assert board.context["page"].paginator.count == figures["overdue"]


def test_the_scan_forwards_orders_past_their_deadline(community_a_worker, queue, offer):
    scan = SCANS["matching.expire_overdue"]
    assert scan.interval == timedelta(minutes=5)
    assert scan.function() == 1
    late = Order.objects.get(pk=queue["late"].pk)
    assert late.status == OrderStatus.WAITING and "超时未接单" in late.unmet_reason
    assert Assignment.objects.get(order=late).outcome == AssignmentOutcome.EXPIRED
    assert scan.function() == 0
