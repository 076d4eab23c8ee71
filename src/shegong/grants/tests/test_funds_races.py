"""Two disbursements at the same moment that together exceed the balance (issue 17, "Bad
input"): exactly one is paid, the other is refused with nothing written, the balance is never
negative. Real threads, each with its own connection and durable transaction; on SQLite on a
file copy of the test database (the shared in-memory one refuses a second writer at once), as
deliberation's and matching's races do."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from shegong import testing
from shegong.core.errors import DomainError
from shegong.grants.actions import ledger, spending
from shegong.grants.models import Fund, Item, Movement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_file(tmp_path) -> Iterator[Callable[[], None]]:
    settings_dict = connections.settings["default"]
    name = settings_dict["NAME"]
    switched = False

    def switch() -> None:
        nonlocal switched
        if connection.vendor != "sqlite":
            return
        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "race.sqlite3")
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        settings_dict["NAME"] = str(tmp_path / "race.sqlite3")
        switched = True

    yield switch
    if switched:
        settings_dict["NAME"] = name


def in_threads(*calls: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # judged by the test
            results[i] = exc
        finally:
            connection.close()

    start = threading.Barrier(len(calls), timeout=20)
    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


def _approved(fund, **fields):
    s = spending.request_spending(None, fund, title="助老餐", purpose="助餐", **fields)
    return spending.decide(
        None, s, approve=True, resolution="通过", votes_for=5, votes_against=0,
        supervisor=fund.committee.get(role="supervisor"), supervisor_opinion="同意",
    )  # fmt: skip


def test_two_disbursements_exceeding_the_balance_exactly_one_pays(district, on_file):
    fund = testing.community_fund(district["community_a"], balance="1000")
    first, second = _approved(fund, amount_value="700"), _approved(fund, amount_value="600")
    on_file()
    results = in_threads(
        lambda: spending.pay(None, first.pk), lambda: spending.pay(None, second.pk)
    )
    paid = [r for r in results if isinstance(r, Movement)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(paid) == 1 and len(refused) == 1, results
    assert type(refused[0]) is DomainError and "余额不足" in refused[0].detail

    def outcome() -> tuple[Decimal, int, Decimal]:
        found = Fund.objects.get(pk=fund.pk)
        out = Movement.objects.filter(fund=fund, kind="cash_out")
        return found.cash_balance, out.count(), out.get().balance_after

    balance, lines, after = in_threads(outcome)[0]
    assert lines == 1 and balance == after and balance in (Decimal("300"), Decimal("400"))


def test_the_same_item_spent_twice_at_once_only_once(district, on_file):
    fund = testing.community_fund(district["community_a"])
    line = ledger.record_donation(
        None, fund, kind="goods", donor_name="超市", donor_kind="merchant", item_name="大米",
        unit="袋", quantity_value="5", unit_value="40",
    )  # fmt: skip
    first = _approved(fund, item=line.item_id, quantity_value="5")
    second = _approved(fund, item=line.item_id, quantity_value="5")
    on_file()
    results = in_threads(
        lambda: spending.pay(None, first.pk), lambda: spending.pay(None, second.pk)
    )
    assert sum(isinstance(r, Movement) for r in results) == 1, results
    assert sum(type(r) is DomainError for r in results) == 1, results
    left = in_threads(lambda: Item.objects.get(pk=line.item_id).quantity_left)[0]
    assert left == 0
