"""Every figure of docs/metrics.md "需求对接（四单）" on hand-built orders, played through the
order actions with backdated clocks: numerator, denominator, period and scope."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import periods
from shegong.core.errors import NotFound, NotPermitted
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching.actions import orders
from shegong.matching.choices import TaskStatus
from shegong.matching.models import Category, CommunitySettings, StandingOrder, StandingTask
from shegong.matching.queries import statistics
from shegong.matching.queries.statistics import Period

MIN = timedelta(minutes=1)


@pytest.fixture
def world(district, community_a_worker):
    community = district["community_a"]
    resident = testing.user(Role.RESIDENT, community, name="王大爷")
    helper = testing.user(Role.VOLUNTEER, community, name="陪诊志愿者")
    grabber = testing.user(Role.VOLUNTEER, community, name="送餐志愿者")
    team = testing.team(community, name="东关助老队")
    CommunitySettings.objects.create(region=community, record_team=team)
    medical = testing.match_offer(
        community, "medical", helper=helper, name="陪诊志愿者",
        volunteer=testing.volunteer(community, name="陪诊志愿者", account=helper),
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    meals = testing.match_offer(
        community, "meals", helper=grabber, name="送餐志愿者",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    testing.match_offer(community, "legal", name="律所（待审核）", status="new")
    person = Person.objects.create(name="李奶奶", region=community)
    t0 = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=10), time(8, 0))
    )
    return {
        "community": community, "worker": community_a_worker, "resident": resident,
        "helper": helper, "grabber": grabber, "medical": medical, "meals": meals,
        "person": person, "t0": t0, "community_b": district["community_b"],
    }  # fmt: skip


def _place(w, actor, code="medical", at=None, **extra):
    at = at or w["t0"]
    return orders.place(
        actor, region=w["community"], category=Category.objects.get(code=code),
        description="需要帮助", window_start=at + timedelta(hours=1),
        window_end=at + timedelta(hours=3), lat=testing.POINT_A[0], lon=testing.POINT_A[1],
        now=at, **extra,
    )  # fmt: skip


def _served(w, order, *, wait, stars=None, by=None):
    t0 = w["t0"]
    orders.approve(order, w["worker"], now=t0)
    orders.dispatch(order, w["medical"], w["worker"], now=t0 + wait)
    orders.accept(order, w["helper"], now=t0 + wait + MIN)
    orders.complete(order, w["helper"], note="完成", hours="1", now=t0 + wait + 60 * MIN)
    if stars:
        orders.rate(order, by or w["resident"], stars=stars, comment="评价", now=t0 + 2 * wait)


@pytest.fixture
def played(world):
    w = world
    t0 = w["t0"]
    # 1: dispatched after 30 min, accepted, finished, 5 stars.
    _served(w, _place(w, w["resident"]), wait=30 * MIN, stars=5)
    # 2: dispatched after 90 min, declined: nobody else, it waits on the unmet list.
    declined = _place(w, w["resident"])
    orders.approve(declined, w["worker"], now=t0)
    orders.dispatch(declined, w["medical"], w["worker"], now=t0 + 90 * MIN)
    orders.decline(declined, w["helper"], "没空", now=t0 + 100 * MIN)
    # 3: refused.  4: cancelled by the resident.  5: cancelled by staff.
    orders.refuse(_place(w, w["resident"]), w["worker"], "不属于服务范围")
    orders.cancel(_place(w, w["resident"]), w["resident"], "不需要了")
    orders.cancel(_place(w, w["resident"]), w["worker"], "重复点单")
    # 6: on behalf of 李奶奶, dispatched after 60 min, finished, 3 stars (staff rates).
    behalf = _place(w, w["worker"], beneficiary=w["person"])
    _served(w, behalf, wait=60 * MIN, stars=3, by=w["worker"])
    # 7: the grab pool, grabbed after 120 min (a grab counts as accepted), not finished.
    pooled = _place(w, w["resident"], "meals")
    orders.approve(pooled, w["worker"], now=t0)
    orders.grab(pooled, w["grabber"], now=t0 + 120 * MIN)
    # Outside the period (placed 60 days ago) and outside the scope (西关社区).
    _place(w, w["resident"], at=t0 - timedelta(days=50))
    west = testing.user(Role.RESIDENT, w["community_b"], name="西关居民")
    orders.place(
        west, region=w["community_b"], category=Category.objects.get(code="medical"),
        description="需要帮助", window_start=t0 + timedelta(hours=1),
        window_end=t0 + timedelta(hours=2), now=t0,
    )  # fmt: skip
    # Standing tasks for 李奶奶: 2 done, 1 missed, 1 due, 1 skipped in the period; 1 done before.
    standing = StandingOrder.objects.create(
        region=w["community"], category=Category.objects.get(code="meals"),
        beneficiary=w["person"], title="午餐送餐", weekdays=[1, 2, 3, 4, 5, 6, 7],
        at_time=time(11, 30), starts_on=t0.date() - timedelta(days=60),
    )  # fmt: skip
    statuses = [TaskStatus.DONE, TaskStatus.DONE, TaskStatus.MISSED, TaskStatus.DUE,
                TaskStatus.SKIPPED]  # fmt: skip
    for n, status in enumerate([*statuses, TaskStatus.DONE]):
        day = t0.date() + timedelta(days=n) if n < 5 else t0.date() - timedelta(days=40)
        StandingTask.objects.create(
            standing_order=standing, region=w["community"], on=day, status=status,
            due_at=timezone.make_aware(datetime.combine(day, time(11, 30))),
        )  # fmt: skip
    return w


def _period(w):
    return Period(w["t0"].date() - timedelta(days=1), timezone.localdate())


def test_every_figure_on_hand_built_orders(played):
    w = played
    f = statistics.figures(w["worker"], _period(w))
    assert f.placed == 7  # the one placed 50 days earlier is outside the period
    medical = Category.objects.get(code="medical")
    meals = Category.objects.get(code="meals")
    assert sum(f.by_category_month[medical.pk]) == 6
    assert sum(f.by_category_month[meals.pk]) == 1
    # Time to dispatch: median of 30, 90, 60, 120 minutes (first dispatch or the grab).
    assert (f.dispatched, f.dispatch_minutes) == (4, 75.0)
    # 接单率: accepted 1, 6 and the grab of 7; declined 2 → 3 / 4.
    assert (f.accepted, f.decided, f.accept_rate) == (3, 4, 75.0)
    # Completion: finished 1 and 6; placed 7 less the refused and the requester's cancel.
    assert (f.finished, f.refused, f.cancelled_by_requester) == (2, 1, 1)
    assert (f.completion_base, f.completion_rate) == (5, 40.0)
    # 满意度: 4–5 stars among the rated.
    assert (f.satisfied, f.rated, f.satisfaction, f.stars) == (1, 2, 50.0, [0, 0, 1, 0, 1])
    # Unmet: the declined order waits at 待处理 with its reason.
    assert f.unmet_total == 1 and f.unmet[0]["category"] == "助医陪诊"
    assert f.unmet[0]["max_days"] >= 9
    # Coverage: approved offers only for 助医陪诊 and 助餐送餐 (the 法律援助 one is not approved).
    row = next(r for r in f.coverage if r["code"] == w["community"].code)
    assert row["covered"] == 2 and "法律援助" in row["missing"] and "助餐送餐" not in row["missing"]
    # Punctuality: done ÷ (done + missed), in the period only.
    assert (f.tasks_done, f.tasks_missed, f.punctuality) == (2, 1, 66.7)
    # Served: 人次 = 2 finished orders + 2 done tasks; 人数 = 王大爷 (account) and 李奶奶 (Person:
    # her order and her meals are one person).
    assert (f.served_times, f.served_people) == (4, 2)


def test_scope_and_community_filter(played, district, street_b_staff):
    w = played
    period = _period(w)
    assert statistics.figures(street_b_staff, period).placed == 1  # only 西关社区's order
    with pytest.raises(NotFound):
        statistics.figures(street_b_staff, period, w["community"].code)
    assert statistics.figures(w["worker"], period, w["community"].code).placed == 7
    with pytest.raises(NotFound):
        statistics.figures(w["worker"], period, district["community_b"].code)
    with pytest.raises(NotPermitted):
        statistics.figures(w["resident"], period)


def test_empty_period_has_no_rates(world):
    f = statistics.figures(world["worker"], periods.this_month())
    assert f.placed == 0
    assert (f.accept_rate, f.completion_rate, f.satisfaction, f.punctuality) == (None,) * 4
    assert f.dispatch_minutes is None and f.served_people == 0


def test_months_of_a_period():
    from datetime import date

    assert Period(date(2025, 11, 20), date(2026, 2, 1)).months() == [
        "2025-11", "2025-12", "2026-01", "2026-02",
    ]  # fmt: skip


# --- the page, the export, the card -----------------------------------------------------------

PAGE = "/matching/statistics/"
EXPORT = "/matching/statistics/export/"


def _query(w):
    period = _period(w)
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _value(html, key):
    import re

    found = re.search(rf'data-indicator="{key}".*?data-sg-value="([^"]*)"', html, re.S)
    assert found, key
    return found.group(1)


def test_page_shows_the_figures_and_the_charts_data(client, played):
    w = played
    client.force_login(w["worker"])
    html = client.get(PAGE, _query(w)).content.decode()
    assert _value(html, "placed") == "7"
    assert _value(html, "accept_rate") == "75.0"
    assert _value(html, "completion_rate") == "40.0"
    assert "3 / 4" in html and "2 / 5" in html
    assert 'id="matching-chart-data"' in html and "echarts" in html
    assert "助医陪诊" in html and "法律援助" in html  # unmet and coverage tables
    narrowed = client.get(PAGE, {**_query(w), "community": w["community"].code})
    assert narrowed.status_code == 200 and _value(narrowed.content.decode(), "placed") == "7"


def test_bad_filters_are_refused_with_a_message(client, played, district):
    w = played
    client.force_login(w["worker"])
    bad = client.get(PAGE, {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    assert client.get(PAGE, {"start": "2020-01-01", "end": "2026-01-01"}).status_code == 422
    assert client.get(PAGE, {"start": "昨天"}).status_code == 422
    # A community outside the scope is not a choice: the form refuses it.
    other = client.get(PAGE, {"community": district["community_b"].code})
    assert other.status_code == 422
    assert client.get(EXPORT, {"start": "2026-05-02", "end": "2026-05-01"}).status_code == 422


def test_permission_and_scope(client, played, street_b_staff):
    w = played
    client.force_login(w["resident"])
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.force_login(street_b_staff)
    html = client.get(PAGE, _query(w)).content.decode()
    assert _value(html, "placed") == "1"  # 西关社区's only


def test_export_is_audited_and_carries_the_figures(client, played):
    from io import BytesIO

    from openpyxl import load_workbook

    from shegong.core.audit import Verb
    from shegong.core.models import AuditEvent

    w = played
    client.force_login(w["worker"])
    answer = client.get(EXPORT, _query(w))
    assert answer.status_code == 200
    book = load_workbook(BytesIO(b"".join(answer.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["完成率"][2:5] == (2, 5, 40.0)
    assert by_label["点单量"][1] == 7
    month = client.get(EXPORT, {**_query(w), "table": "month"})
    rows = list(load_workbook(BytesIO(b"".join(month.streaming_content))).active.values)
    assert sum(sum(r[1:]) for r in rows[1:] if r[0] == "助医陪诊") == 6
    entries = AuditEvent.objects.filter(verb=Verb.ORDERS_EXPORTED, actor=w["worker"])
    assert {e.data["table"] for e in entries} == {
        "matching_statistics", "matching_statistics_month",
    }  # fmt: skip


def test_card_equals_the_page_and_the_menu_links_it(client, world):
    w = world
    now = timezone.now()
    first = _place(w, w["resident"], at=now)
    orders.refuse(first, w["worker"], "不属于服务范围")
    _place(w, w["resident"], at=now)
    client.force_login(w["worker"])
    home = client.get("/").content.decode()
    assert 'id="card-matching"' in home and "对接统计" in home
    page = client.get(PAGE).content.decode()  # default: this month
    for key in ("placed", "completion_rate", "satisfaction", "unmet"):
        assert _value(home, key) == _value(page, key), key
    assert _value(home, "placed") == "2"
