"""The grants' and the community funds' indicators on hand-built rows: each figure for a period
and a region equals the hand-counted number, from the rollups, from the raw records and as the
drill-down's rows; an action moves the figure at the next incremental step."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.grants.actions import ledger, projects, spending
from shegong.grants.models import Application, Movement, Project, Tranche
from shegong.grants.tests.calls_fixtures import open_call

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
SPRING = Period(date(2026, 3, 10), date(2026, 4, 30))
STREET_A = "341271001"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _project(call, org, region, title, amount, decided, status="in_progress", paid="0"):
    app = Application.objects.create(
        call=call, social_org=org, region=region, title=title, category="为老服务",
        summary="上门探访", beneficiaries="独居老人", amount=amount, self_funded="0",
        status="funded",
    )  # fmt: skip
    return Project.objects.create(
        application=app, call=call, social_org=org, region=region, title=title, amount=amount,
        status=status, decided_at=decided, paid=paid,
    )  # fmt: skip


def _tranche(project, seq, amount, paid_on, status="paid"):
    return Tranche.objects.create(
        project=project, region=project.region, seq=seq, milestone=f"第{seq}期节点",
        amount=amount, status=status, paid_on=paid_on,
    )  # fmt: skip


@pytest.fixture
def grants(district, social_org):
    """Projects decided in March 2026: two in 东关社区 (15,000 and 20,000; the second at 23:30
    local on 3-31), one in 西关社区 (10,000), one terminated before any payment (never counts),
    one terminated after a payment (counts), and one decided in February."""
    a, b = district["community_a"], district["community_b"]
    call = open_call(None, district)
    made = {
        "p1": _project(call, social_org, a, "银龄守望", "15000", at(date(2026, 3, 2))),
        "p2": _project(call, social_org, a, "童心驿站", "20000", at(date(2026, 3, 31), 23)),
        "west": _project(call, social_org, b, "西关助餐", "10000", at(date(2026, 3, 15))),
        "dropped": _project(call, social_org, a, "未拨付即终止", "8000", at(date(2026, 3, 5)),
                            status="terminated"),
        "stopped": _project(call, social_org, b, "拨付后终止", "6000", at(date(2026, 3, 6)),
                            status="terminated", paid="3000"),
        "feb": _project(call, social_org, a, "二月项目", "9000", at(date(2026, 2, 20))),
        "open": _project(call, social_org, a, "公示中项目", "5000", at(date(2026, 3, 20)),
                         status="publicizing"),
    }  # fmt: skip
    _tranche(made["p1"], 1, "5000", date(2026, 3, 12))
    _tranche(made["p1"], 2, "4000", date(2026, 4, 2))
    _tranche(made["west"], 1, "3000", date(2026, 3, 25))
    _tranche(made["stopped"], 1, "3000", date(2026, 3, 8))
    _tranche(made["p2"], 1, "7000", None, status="approved")  # not paid yet
    return made


def test_projects_and_amounts_equal_the_hand_count(grants):
    rollup.backfill()
    # March, district: p1, p2, west, stopped, open = 5 projects; 15000+20000+10000+6000+5000.
    cases = [
        ("grants.projects_funded", "", MARCH, 5),
        ("grants.projects_funded", STREET_A, MARCH, 3),  # p1, p2, open
        ("grants.projects_funded", "", Period(date(2026, 2, 1), date(2026, 3, 31)), 6),
        ("grants.amount_awarded", "", MARCH, 56000),
        ("grants.amount_awarded", STREET_A, MARCH, 40000),
        ("grants.amount_paid", "", MARCH, 11000),  # 5000 + 3000 + 3000
        ("grants.amount_paid", "", SPRING, 12000),  # 5000 + 3000 + 4000 in April; not 3-8
        ("grants.amount_paid", "341271002001", SPRING, 3000),
    ]
    for code, prefix, period, expected in cases:
        got = figures.totals([code], prefix, period).value(code)
        assert got == expected, (code, prefix, period)
        assert figures.raw_value(code, prefix, period) == expected, (code, prefix, period)
    rows = figures.records(figures.get("grants.projects_funded"), STREET_A, MARCH)
    assert sorted(rows.values_list("title", flat=True)) == ["公示中项目", "童心驿站", "银龄守望"]
    _columns_resolve("grants.projects_funded", rows)
    _columns_resolve(
        "grants.amount_paid", figures.records(figures.get("grants.amount_paid"), "", MARCH)
    )
    one_day = Period(date(2026, 3, 31), date(2026, 3, 31))  # 23:30 local is still the 31st
    assert figures.raw_value("grants.projects_funded", "", one_day) == 1


def test_terminating_an_unpaid_project_takes_it_out_at_the_next_step(grants, district):
    rollup.backfill()
    code = "grants.projects_funded"
    assert figures.totals([code], "", MARCH).value(code) == 5
    staff = testing.user("district_admin", district["district"])
    projects.terminate(staff, grants["open"], reason="公示期内异议成立")
    step = rollup.roll_all_changes()
    assert step.events >= 1 and step.days >= 1
    assert figures.totals([code], "", MARCH).value(code) == 4
    assert figures.totals(["grants.amount_awarded"], "", MARCH).value("grants.amount_awarded") == (
        51000
    )
    assert not rollup.drift(MARCH.start, MARCH.end)


@pytest.fixture
def fund_lines(district):
    """东关社区's fund: a cash gift of 1000 (today), then dated lines moved into March 2026."""
    fund = testing.community_fund(district["community_a"], balance="1000")
    ledger.record_donation(
        None, fund, kind="goods", donor_name="粮油店", donor_kind="merchant", item_name="大米",
        unit="袋", quantity_value="10", unit_value="50", occurred_at=at(date(2026, 3, 3)),
    )  # fmt: skip
    ledger.record_donation(
        None, fund, kind="exchange", donor_name="老王理发店", donor_kind="merchant",
        item_name="免费理发", unit="次", quantity_value="20", unit_value="15",
        recognition="公益榜鸣谢", occurred_at=at(date(2026, 3, 9)),
    )  # fmt: skip
    ledger.record_donation(
        None, fund, kind="cash", donor_name="爱心人士甲", donor_kind="person",
        amount_value="200", occurred_at=at(date(2026, 3, 20)),
    )  # fmt: skip
    return fund


def _pay(fund, amount, people, when):
    s = spending.request_spending(
        None, fund, title="助老餐", purpose="为高龄老人提供助餐", payee="东关助老食堂",
        amount_value=amount, beneficiaries=people,
    )  # fmt: skip
    supervisor = fund.committee.get(role="supervisor")
    spending.decide(
        None, s, approve=True, resolution="管委会会议通过", votes_for=4, votes_against=1,
        supervisor=supervisor, supervisor_opinion="程序合规，同意",
    )  # fmt: skip
    return spending.pay(None, s, occurred_at=when)


def test_fund_figures_equal_the_hand_count(fund_lines):
    _pay(fund_lines, "300", 12, at(date(2026, 3, 25)))
    rollup.backfill()
    # March: goods 500, exchange 300, cash 200 (resources 3, value 1000); spending 300.
    cases = [
        ("grants.resources", 3),
        ("grants.resources_value", 1000),
        ("grants.exchanges", 1),
        ("grants.fund_income", 1000),
        ("grants.fund_spending", 300),
    ]
    for code, expected in cases:
        assert figures.totals([code], STREET_A, MARCH).value(code) == expected, code
        assert figures.raw_value(code, STREET_A, MARCH) == expected, code
        assert figures.totals([code], "341271002", MARCH).value(code) == 0, code
    rows = figures.records(figures.get("grants.exchanges"), "", MARCH)
    assert list(rows.values_list("recognition", flat=True)) == ["公益榜鸣谢"]
    _columns_resolve("grants.exchanges", rows)
    # The spending was paid (paid_at) now: its 惠及人次 count today, not in March.
    today = timezone.localdate()
    now = Period(today, today)
    assert (
        figures.totals(["grants.fund_beneficiaries"], "", now).value("grants.fund_beneficiaries")
        == 12
    )
    assert figures.raw_value("grants.fund_beneficiaries", "", MARCH) == 0
    paid = figures.records(figures.get("grants.fund_beneficiaries"), "", now)
    _columns_resolve("grants.fund_beneficiaries", paid)


def test_a_donation_and_a_payment_move_the_figures_at_the_next_step(fund_lines):
    rollup.backfill()
    assert figures.totals(["grants.resources"], "", MARCH).value("grants.resources") == 3
    ledger.record_donation(
        None, fund_lines, kind="exchange", donor_name="便民超市", donor_kind="merchant",
        item_name="代收快递", unit="月", quantity_value="2", unit_value="100",
        recognition="门头挂牌", occurred_at=at(date(2026, 3, 28)),
    )  # fmt: skip
    _pay(fund_lines, "150", 5, at(date(2026, 3, 29)))
    step = rollup.roll_all_changes()
    assert step.events >= 2
    codes = ["grants.resources", "grants.exchanges", "grants.resources_value",
             "grants.fund_spending"]  # fmt: skip
    got = figures.totals(codes, "", MARCH)
    assert got.value("grants.resources") == 4
    assert got.value("grants.exchanges") == 2
    assert got.value("grants.resources_value") == 1200
    assert got.value("grants.fund_spending") == 150
    assert Movement.objects.filter(kind="cash_out").count() == 1
    assert not rollup.drift(MARCH.start, MARCH.end)
    today = timezone.localdate()
    assert not rollup.drift(today - timedelta(days=1), today)


def _columns_resolve(code, rows):
    """Every drill-down column names an attribute path the records have."""
    indicator = figures.get(code)
    assert indicator.columns and rows
    for row in rows:
        for _label, path in indicator.columns:
            value = row
            for part in path.split("."):
                value = getattr(value, part)


def test_the_demo_fund_tells_the_seed_sentence(settings):
    """ "累计整合资源超百项……惠及1.8万人次" out of the rollups of the demo's fund, the same
    numbers as the fund's page (``queries.funds.headline``)."""
    from shegong.core import demo
    from shegong.grants.demo import funds as funds_demo
    from shegong.grants.models import Fund
    from shegong.grants.queries import funds as fund_queries

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    funds_demo.load(ctx)
    rollup.backfill()
    fund = Fund.objects.get(name=funds_demo.FUND_NAME)
    page = fund_queries.headline(Fund.objects.filter(pk=fund.pk))
    ever = Period(date(2000, 1, 1), timezone.localdate())
    codes = ["grants.resources", "grants.fund_beneficiaries"]
    got = figures.totals(codes, fund.region_id, ever)
    assert got.value("grants.resources") == page["resources"] > 100
    assert got.value("grants.fund_beneficiaries") == page["beneficiaries"] == 18000
    assert not rollup.drift(date(2000, 1, 1), timezone.localdate())


def test_a_calls_decision_adds_its_projects_at_the_next_step(
    district, district_admin, org_user, reviewers
):
    """The decision's audit entry names the call, not the projects it creates."""
    from shegong.grants.actions import reviews
    from shegong.grants.tests.calls_fixtures import reviewing, score_all, submitted

    call = open_call(district_admin, district)
    first = submitted(org_user, call)
    reviewing(district_admin, call, [first], reviewers)
    score_all(call, reviewers, {first.pk: [60, 80, 100]})
    reviews.rank(district_admin, call)
    rollup.backfill()
    today = timezone.localdate()
    now = Period(today, today)
    codes = ["grants.projects_funded", "grants.amount_awarded"]
    assert [figures.totals(codes, "", now).value(c) for c in codes] == [0, 0]
    reviews.decide(district_admin, call, awards={first.pk: "12000"})
    assert rollup.roll_all_changes().days >= 1
    got = figures.totals(codes, "", now)
    assert [got.value(c) for c in codes] == [1, 12000]
    assert not rollup.drift(today, today)
