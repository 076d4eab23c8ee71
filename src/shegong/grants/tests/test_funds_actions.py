"""社区慈善基金 through its actions: activation rules, income (cash, goods, 资源置换, pledges,
receipt numbers), spending with the committee's decision and the supervisor's opinion, the
balance that never goes negative, disclosures, dormant funds and winding up."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.grants.actions import disclosures, funds, ledger, spending
from shegong.grants.models import Disclosure, Fund, Item, MonthTotal, Movement, Spending
from shegong.grants.queries import funds as fund_queries
from shegong.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(district):
    return testing.community_fund(district["community_a"], balance="1000")


def _approved(fund, *, amount=None, item=None, quantity=None, title="助老餐", people=10):
    s = spending.request_spending(
        None, fund, title=title, purpose="为高龄老人提供助餐", payee="东关助老食堂",
        amount_value=amount, item=item, quantity_value=quantity, beneficiaries=people,
    )  # fmt: skip
    supervisor = fund.committee.get(role="supervisor")
    return spending.decide(
        None, s, approve=True, resolution="2026年第3次管委会会议通过", votes_for=4,
        votes_against=1, supervisor=supervisor, supervisor_opinion="程序合规，同意",
    )  # fmt: skip


def test_activation_names_each_missing_rule(district):
    host = funds.save_host(
        None, name="示范区慈善会", region=district["district"], account_name="示范区慈善会"
    )
    fund = funds.create_fund(None, host=host, region=district["community_a"], name="东关基金")
    for i in range(4):
        funds.add_member(None, fund, name=f"委员{i}", role="member")
    with pytest.raises(InvalidInput) as caught:
        funds.activate(None, fund)
    message = str(caught.value.errors)
    assert "不少于 5 人" in message and "单数" in message and "监督员" in message
    assert "设立宗旨" in message and "剩余财产处理" in message
    assert Fund.objects.get(pk=fund.pk).status == "preparing"


def test_active_fund_and_host_account(fund):
    assert fund.status == "active" and fund.cash_balance == Decimal("1000.00")
    line = fund.movements.get()
    assert line.host_id == fund.host_id and line.balance_after == Decimal("1000.00")
    assert line.receipt_no == f"CSH{timezone.localdate().year}000001"


def test_exchange_donation_is_an_item_valued_quantity_times_unit(fund):
    line = ledger.record_donation(
        None, fund, kind="exchange", donor_name="老王理发店", donor_kind="merchant",
        item_name="免费理发", unit="次", quantity_value="20", unit_value="15",
        is_service=True, recognition="社区公示栏致谢、爱心商户挂牌",
    )  # fmt: skip
    assert line.kind == "exchange_in" and line.amount == Decimal("300.00")
    assert line.item.quantity_left == Decimal("20") and line.item.is_service
    assert line.balance_after == Decimal("1000.00")
    assert line.receipt_no.endswith("000002")
    with pytest.raises(InvalidInput) as caught:
        ledger.record_donation(
            None, fund, kind="exchange", donor_name="商户", donor_kind="merchant",
            item_name="理发", quantity_value="1", unit_value="10",
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "recognition"
    assert fund.movements.count() == 2


def test_pledge_fulfilment_keeps_status(fund):
    pledge = ledger.record_pledge(
        None, fund, donor_name="王先生", donor_kind="person", amount_value="500", anonymous=True
    )
    ledger.record_donation(
        None, fund, kind="cash", donor_name="王先生", donor_kind="person", amount_value="200",
        pledge=pledge, anonymous=True,
    )  # fmt: skip
    pledge.refresh_from_db()
    assert (pledge.status, pledge.fulfilled) == ("partly", Decimal("200.00"))
    ledger.record_donation(
        None, fund, kind="cash", donor_name="王先生", donor_kind="person", amount_value="300",
        pledge=pledge,
    )  # fmt: skip
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled"
    with pytest.raises(InvalidInput):
        ledger.record_donation(
            None, fund, kind="cash", donor_name="王先生", donor_kind="person",
            amount_value="1", pledge=pledge,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "cash", "amount_value": "-5"}, "amount"),
        ({"kind": "cash", "amount_value": "abc"}, "amount"),
        ({"kind": "cash", "amount_value": "NaN"}, "amount"),
        ({"kind": "bitcoin", "amount_value": "5"}, "kind"),
        (
            {"kind": "goods", "item_name": "米", "quantity_value": "0", "unit_value": "5"},
            "quantity",
        ),
    ],
)
def test_bad_donation_writes_nothing(fund, fields, field):
    before = Movement.objects.count(), Fund.objects.get(pk=fund.pk).host.receipt_seq
    with pytest.raises(InvalidInput) as caught:
        ledger.record_donation(None, fund, donor_name="甲", donor_kind="person", **fields)
    assert caught.value.errors[0]["field"] == field
    assert (Movement.objects.count(), Fund.objects.get(pk=fund.pk).host.receipt_seq) == before


def test_decision_requires_supervisor_opinion_even_when_rejected(fund):
    s = spending.request_spending(
        None, fund, title="修缮", purpose="修缮活动室", amount_value="100"
    )
    member = fund.committee.filter(role="member").first()
    with pytest.raises(InvalidInput) as caught:
        spending.decide(
            None, s, approve=False, resolution="不同意", votes_for=1, votes_against=4,
            supervisor=member, supervisor_opinion="",
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "supervisor"
    supervisor = fund.committee.get(role="supervisor")
    with pytest.raises(InvalidInput) as caught:
        spending.decide(
            None, s, approve=False, resolution="不同意", votes_for=1, votes_against=4,
            supervisor=supervisor, supervisor_opinion=" ",
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "supervisor_opinion"
    with pytest.raises(InvalidInput):  # no majority
        spending.decide(
            None, s, approve=True, resolution="同意", votes_for=2, votes_against=3,
            supervisor=supervisor, supervisor_opinion="同意",
        )  # fmt: skip
    assert Spending.objects.get(pk=s.pk).status == "requested"
    spending.decide(
        None, s, approve=False, resolution="预算不合理", votes_for=1, votes_against=4,
        supervisor=supervisor, supervisor_opinion="建议重新询价",
    )  # fmt: skip
    assert Spending.objects.get(pk=s.pk).supervisor_opinion == "建议重新询价"


def test_pay_moves_the_running_balance(fund):
    s = _approved(fund, amount="400")
    line = spending.pay(None, s)
    assert line.kind == "cash_out" and line.balance_after == Decimal("600.00")
    assert Fund.objects.get(pk=fund.pk).cash_balance == Decimal("600.00")
    assert AuditEvent.objects.filter(verb=Verb.FUND_SPENDING_PAID).count() == 1
    with pytest.raises(IllegalTransition):
        spending.pay(None, s)


def test_pay_beyond_the_balance_is_refused_with_nothing_written(fund):
    s = _approved(fund, amount="1000.01")
    before = Movement.objects.count()
    with pytest.raises(DomainError) as caught:
        spending.pay(None, s)
    assert "余额不足" in str(caught.value)
    assert Movement.objects.count() == before
    assert Spending.objects.get(pk=s.pk).status == "approved"
    assert Fund.objects.get(pk=fund.pk).cash_balance == Decimal("1000.00")


def test_database_refuses_a_negative_balance(fund):
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(cash_balance=F("cash_balance") - 2000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(fund=fund, name="米", quantity=1, quantity_left=2)


def test_in_kind_item_spent_twice_is_refused(fund):
    line = ledger.record_donation(
        None, fund, kind="goods", donor_name="粮油店", donor_kind="merchant", item_name="大米",
        unit="袋", quantity_value="10", unit_value="50",
    )  # fmt: skip
    first = _approved(fund, item=line.item, quantity="10", title="大米慰问")
    second = _approved(fund, item=line.item, quantity="10", title="大米慰问二")
    out = spending.pay(None, first)
    assert out.kind == "goods_out" and out.amount == Decimal("500.00")
    before = Movement.objects.count()
    with pytest.raises(DomainError) as caught:
        spending.pay(None, second)
    assert "不能重复使用" in str(caught.value)
    assert Movement.objects.count() == before
    assert Item.objects.get(pk=line.item_id).quantity_left == 0
    with pytest.raises(InvalidInput):  # a request beyond what is left
        spending.request_spending(
            None, fund, title="再用", purpose="再用", item=line.item, quantity_value="1"
        )


def test_out_of_scope_manager_cannot_touch_the_fund(fund, street_b_staff, community_a_worker):
    with pytest.raises(NotFound):
        ledger.record_donation(
            street_b_staff, fund, kind="cash", donor_name="甲", donor_kind="person",
            amount_value="5",
        )  # fmt: skip
    line = ledger.record_donation(
        community_a_worker, fund, kind="cash", donor_name="甲", donor_kind="person",
        amount_value="5",
    )  # fmt: skip
    assert line.recorded_by == community_a_worker


def test_monthly_disclosure_is_published_once_and_hides_anonymous(district):
    fund = testing.community_fund(district["community_a"])
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    at = timezone.make_aware(timezone.datetime(last_month.year, last_month.month, 5, 10))
    Fund.objects.filter(pk=fund.pk).update(created_at=at - timedelta(days=40))
    for name, amount, anonymous in (("爱心企业", "1000", False), ("张秘密", "88", True)):
        ledger.record_donation(
            None, fund, kind="cash", donor_name=name, donor_kind="person", amount_value=amount,
            anonymous=anonymous, occurred_at=at,
        )  # fmt: skip
    assert disclosures.monthly() == 1
    assert disclosures.monthly() == 0
    d = Disclosure.objects.get(fund=fund)
    assert d.cash_in == Decimal("1088.00") and d.balance == Decimal("1088.00")
    notice = Notice.objects.get(kind="grants.disclosure")
    assert notice.status == "published" and d.notice == notice
    assert "爱心人士" in notice.body and "张秘密" not in notice.body
    assert "张秘密" not in str(d.lines)
    again = disclosures.disclose(None, fund, last_month.strftime("%Y-%m"))
    assert again.pk == d.pk


def test_dormant_fund_flagged_once_then_wound_up_and_closed(fund, community_a_worker):
    old = timezone.now() - timedelta(days=400)
    Fund.objects.filter(pk=fund.pk).update(last_movement_at=old)
    assert disclosures.flag_dormant() == 1
    assert disclosures.flag_dormant() == 0
    assert fund_queries.flagged(community_a_worker).count() == 1
    funds.wind_up(community_a_worker, fund, "连续一年无收支")
    with pytest.raises(DomainError):
        ledger.record_donation(
            None, fund, kind="cash", donor_name="甲", donor_kind="person", amount_value="5"
        )
    closed = funds.close(community_a_worker, fund, leftover_to="示范区慈善会助老项目")
    assert closed.status == "closed" and closed.cash_balance == 0
    final = Disclosure.objects.get(fund=fund)
    assert final.balance == 0 and final.notice is not None


def test_numbers_on_hand_built_data(fund):
    ledger.record_donation(
        None, fund, kind="goods", donor_name="超市", donor_kind="merchant", item_name="食用油",
        unit="桶", quantity_value="4", unit_value="60",
    )  # fmt: skip
    ledger.record_donation(
        None, fund, kind="exchange", donor_name="药店", donor_kind="merchant",
        item_name="义诊", unit="次", quantity_value="2", unit_value="100", recognition="挂牌",
    )  # fmt: skip
    spending.pay(None, _approved(fund, amount="100", title="助老餐", people=30))
    spending.pay(None, _approved(fund, amount="100", title="助老餐", people=20))
    spending.pay(None, _approved(fund, amount="100", title="儿童托管", people=15))
    _approved(fund, amount="100", title="未支付的项目", people=999)
    qs = Fund.objects.filter(pk=fund.pk)
    found = fund_queries.headline(qs)
    assert found["resources"] == 3
    assert found["resources_value"] == Decimal("1440.00")
    assert found["projects"] == 2
    assert found["beneficiaries"] == 65
    months = fund_queries.monthly(qs)
    assert months[-1]["income"] == Decimal("1440.00")
    assert months[-1]["spending"] == Decimal("300.00")


def _sums_by_hand(fund, low=None, high=None):
    """The movements of ``fund`` summed per kind in Python, the way a clerk adds up the book."""
    found = {}
    for line in Movement.objects.filter(fund=fund):
        day = timezone.localtime(line.occurred_at).date()
        if (low is None or day >= low) and (high is None or day <= high):
            total, n = found.get(line.kind, (Decimal("0"), 0))
            found[line.kind] = (total + line.amount, n + 1)
    return found


def test_the_month_totals_equal_the_movements_they_sum(district):
    """Every writer of the ledger (income, payment, closing) keeps the month totals; a period's
    summary over whole and part months equals the movements summed by hand."""
    fund = testing.community_fund(district["community_a"])
    today = timezone.localdate()
    two_months_ago = (today.replace(day=1) - timedelta(days=40)).replace(day=3)
    for day, amount in ((two_months_ago, "300"), (two_months_ago + timedelta(days=20), "40.5")):
        at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9))
        ledger.record_donation(
            None, fund, kind="cash", donor_name="甲", donor_kind="person", amount_value=amount,
            occurred_at=at,
        )  # fmt: skip
    ledger.record_donation(
        None, fund, kind="exchange", donor_name="药店", donor_kind="merchant", item_name="义诊",
        unit="次", quantity_value="3", unit_value="50", recognition="挂牌致谢",
    )  # fmt: skip
    spending.pay(None, _approved(fund, amount="100"))
    totals = {(t.month, t.kind): (t.amount, t.count) for t in MonthTotal.objects.filter(fund=fund)}
    by_hand = {}
    for line in Movement.objects.filter(fund=fund):
        key = (timezone.localtime(line.occurred_at).date().replace(day=1), line.kind)
        total, n = by_hand.get(key, (Decimal("0"), 0))
        by_hand[key] = (total + line.amount, n + 1)
    assert totals == by_hand and len(totals) == 3
    # A period that starts and ends inside months: whole months from the totals, the edges
    # from the movements.
    start, end = two_months_ago + timedelta(days=10), today
    summary = fund_queries.period_summary(fund, start, end)
    hand = _sums_by_hand(fund, start, end)
    assert summary["cash_in"] == hand["cash_in"][0] == Decimal("40.50")
    assert summary["cash_out"] == Decimal("100.00") and summary["goods_in"] == Decimal("150.00")
    assert summary["balance"] == Decimal("240.50")
    earlier = fund_queries.period_summary(fund, two_months_ago, two_months_ago)
    assert earlier["cash_in"] == Decimal("300.00") and earlier["balance"] == Decimal("300.00")
    assert fund_queries.resources(Fund.objects.filter(pk=fund.pk))["count"] == 3
    closed = funds.close(None, funds.wind_up(None, fund, "协议到期"), leftover_to="慈善会")
    assert closed.cash_balance == 0
    assert MonthTotal.objects.get(
        fund=fund, month=today.replace(day=1), kind="cash_out"
    ).amount == (Decimal("340.50"))
    assert ledger.rebuild_month_totals(fund) == 3
    rebuilt = {(t.month, t.kind): (t.amount, t.count) for t in MonthTotal.objects.filter(fund=fund)}
    assert rebuilt[(today.replace(day=1), "cash_out")] == (Decimal("340.50"), 2)


def test_an_item_is_received_on_the_local_day(fund):
    """01:00 on 1 December in Beijing is still 30 November in UTC: the item's day is the local."""
    at = timezone.datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # as timezone.now() gives
    line = ledger.record_donation(
        None, fund, kind="goods", donor_name="超市", donor_kind="merchant", item_name="大米",
        unit="袋", quantity_value="2", unit_value="50", occurred_at=at,
    )  # fmt: skip
    assert str(line.item.received_on) == "2026-12-01"
