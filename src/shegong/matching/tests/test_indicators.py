"""四单 matching's indicators on the statistics page's hand-built orders (test_statistics):
each figure for a period and a region equals the hand-counted number and the page's own, from
the rollups, from the raw records and as the drill-down's rows; an action moves the figure at
the next incremental step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong.dashboard import figures, rollup
from shegong.matching.actions import orders
from shegong.matching.models import Category, Need
from shegong.matching.queries import statistics
from shegong.matching.queries.statistics import Period
from shegong.matching.tests.test_statistics import _place, played, world  # noqa: F401

pytestmark = pytest.mark.django_db

COMMUNITY_A = "341271001001"


def _period(w):
    return Period(w["t0"].date() - timedelta(days=1), timezone.localdate())


def _need(region, description, at):
    return Need.objects.create(
        region=region, category=Category.objects.get(code="meals"), description=description,
        people_count=2, created_at=at,
    )  # fmt: skip


def _both(code, prefix, period):
    """The figure from the rollups, checked against the raw records."""
    got = figures.totals([code], prefix, period).value(code)
    assert figures.raw_value(code, prefix, period) == got, code
    return got


def test_order_figures_equal_the_hand_count_and_the_statistics_page(played):  # noqa: F811
    w = played
    _need(w["community"], "独居老人午餐送餐", w["t0"])
    _need(w["community"], "高龄老人助浴", w["t0"] + timedelta(days=1))
    _need(w["community_b"], "西关助餐", w["t0"])
    _need(w["community"], "很早登记的需求", w["t0"] - timedelta(days=60))
    rollup.backfill()
    period = _period(w)
    expected = {
        # 7 orders placed in 东关社区 in the period (the 8th, 50 days earlier, is outside).
        "matching.orders_placed": 7,
        # dispatched or grabbed: 1, 2 (declined later), 6 and the grab 7.
        "matching.orders_dispatched": 4,
        # held by a helper now: 1 and 6 (finished) and the grab 7; 2 was declined.
        "matching.orders_accepted": 3,
        "matching.orders_finished": 2,  # 1 and 6
        "matching.orders_rated": 2,  # 5 stars and 3 stars
        "matching.orders_satisfied": 1,
        "matching.satisfaction": 50.0,
        "matching.needs": 2,
        # The approved 助医陪诊 and 助餐送餐 offers; the 法律援助 one awaits review.
        "matching.offers": 2,
    }
    for code, value in expected.items():
        assert _both(code, COMMUNITY_A, period) == value, code
    # The district adds 西关社区's order and need.
    assert _both("matching.orders_placed", "341271", period) == 8
    assert _both("matching.needs", "341271", period) == 3
    # The same numbers as the page 对接统计.
    page = statistics.figures(w["worker"], period)
    assert page.placed == expected["matching.orders_placed"]
    assert page.dispatched == expected["matching.orders_dispatched"]
    assert page.finished == expected["matching.orders_finished"]
    assert (page.rated, page.satisfied) == (2, 1)
    assert page.satisfaction == expected["matching.satisfaction"]
    # The drill-down: the rated orders, by their stars.
    rated = figures.records(figures.get("matching.orders_rated"), COMMUNITY_A, period)
    assert sorted(rated.values_list("stars", flat=True)) == [3, 5]
    for code in ("matching.needs", "matching.offers", "matching.orders_rated"):
        _columns_resolve(code, figures.records(figures.get(code), COMMUNITY_A, period))
    # A period without ratings has no satisfaction at all (not 0 %).
    early = Period(w["t0"].date() - timedelta(days=55), w["t0"].date() - timedelta(days=20))
    rate = figures.totals(["matching.satisfaction"], "", early)
    assert rate.value("matching.satisfaction") is None
    assert _both("matching.orders_placed", "", early) == 1


def test_placing_and_dispatching_moves_the_figures_at_the_next_step(played):  # noqa: F811
    w = played
    rollup.backfill()
    period = _period(w)
    codes = ["matching.orders_placed", "matching.orders_dispatched", "matching.orders_accepted"]
    before = figures.totals(codes, COMMUNITY_A, period)
    assert [before.value(c) for c in codes] == [7, 4, 3]
    at = w["t0"] + timedelta(days=2)
    order = _place(w, w["resident"], at=at)
    orders.approve(order, w["worker"], now=at)
    orders.dispatch(order, w["medical"], w["worker"], now=at + timedelta(minutes=5))
    orders.accept(order, w["helper"], now=at + timedelta(minutes=6))
    # The reassignment of the grabbed order takes it back from its helper.
    pooled = orders_of(w, "meals")
    orders.reassign(pooled, w["worker"], "服务方临时有事", now=w["t0"] + timedelta(days=3))
    step = rollup.roll_all_changes()
    assert step.events >= 4 and step.days >= 1
    after = figures.totals(codes, COMMUNITY_A, period)
    assert [after.value(c) for c in codes] == [8, 5, 3]
    assert not rollup.drift(period.start, period.end)


def orders_of(w, code):
    from shegong.matching.models import Order

    return Order.objects.get(region=w["community"], category__code=code)


def _columns_resolve(code, rows):
    """Every drill-down column names an attribute path the records have."""
    indicator = figures.get(code)
    assert indicator.columns and rows
    for row in rows:
        for _label, path in indicator.columns:
            value = row
            for part in path.split("."):
                value = getattr(value, part)
