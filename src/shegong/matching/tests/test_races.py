"""Two helpers at one order at the same moment (issue 15, "Bad input"): exactly one wins.

Real threads, each with its own database connection, and real durable transactions
(``transaction=True``). A barrier starts both at once.

- PostgreSQL: both threads first read the order as 抢单池 (the barrier waits inside the
  action, after the read, so each holds the stale copy a careless action would trust); then
  the conditional ``UPDATE … WHERE status = 'pool'`` decides — the second UPDATE waits on the
  first's row lock, finds the status changed and touches nothing.
- SQLite: ``BEGIN IMMEDIATE`` takes the write lock at the start of the action, so a second
  writer waits (the per-process writer queue of ``core.sqlite``, SQLite's busy timeout across
  processes) and then reads the order as it is. The suite's SQLite database is in memory with
  a shared cache, where a second writer fails at once with "database table is locked" instead
  of waiting; so on SQLite the race runs on a file copy of the test database, with the
  production backend and options (WAL, IMMEDIATE, busy timeout), as a deployment has it.

Either way the loser must get the plain Chinese message, never an OperationalError.
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from shegong import testing
from shegong.core.errors import DomainError, NotFound
from shegong.core.perms import Role
from shegong.matching import queries
from shegong.matching.actions import orders
from shegong.matching.choices import AssignmentOutcome, OrderStatus
from shegong.matching.models import Assignment, Offer, Order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    """A transactional test's flush empties every table, the default catalogue of migration
    0002 too: put it back for the next one."""
    from django.apps import apps

    migration = importlib.import_module("shegong.matching.migrations.0002_default_catalogue")
    migration.add_catalogue(apps, None)


@pytest.fixture
def on_file(tmp_path) -> Iterator[Callable[[], None]]:
    """On SQLite: ``switch()`` copies the in-memory test database to a file and points the
    threads' new connections at it (restored afterwards). Nothing to do on PostgreSQL."""
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


def in_threads(*calls: Callable[[], Any], wait_inside: Any = None) -> list[Any]:
    """Run the calls at once, each in its own thread and connection; their results or the
    exceptions they raised, in order."""
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # judged by the test
            results[i] = exc
        finally:
            connection.close()  # this thread's own connection

    start = threading.Barrier(len(calls), timeout=20)
    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


def read_back(fn: Callable[[], Any]) -> Any:
    """Read the outcome through a fresh connection (on SQLite: the file the racers used)."""
    return in_threads(fn)[0]


@pytest.fixture
def resident(district):
    return testing.user(Role.RESIDENT, district["community_a"], name="王大爷")


def helper(district: dict[str, Any], n: int, category: str = "meals") -> tuple[Any, Offer]:
    account = testing.user(Role.VOLUNTEER, district["community_a"], name=f"志愿者{n}")
    offer = testing.match_offer(
        district["community_a"], category, helper=account, name=f"志愿者{n}",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    return account, offer


def test_two_helpers_grab_the_same_pool_order_and_exactly_one_wins(
    district, resident, community_a_worker, monkeypatch, on_file
):
    (first, first_offer), (second, second_offer) = helper(district, 1), helper(district, 2)
    order = testing.match_order(resident, district["community_a"], "meals")
    orders.approve(order, community_a_worker)  # 助餐送餐 opens to the grab pool
    assert Order.objects.get(pk=order.pk).status == OrderStatus.POOL

    if connection.vendor == "postgresql":
        # Both read the order (as 抢单池) before either writes.
        read = threading.Barrier(2, timeout=20)
        refusal_for = queries.refusal_for

        def read_then_wait(*args: Any, **kwargs: Any) -> str:
            why = refusal_for(*args, **kwargs)
            read.wait()
            return why

        monkeypatch.setattr(queries, "refusal_for", read_then_wait)
    on_file()

    results = in_threads(
        lambda: orders.grab(order.pk, first), lambda: orders.grab(order.pk, second)
    )

    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if not isinstance(r, Order)]
    assert len(won) == 1 and len(lost) == 1, results
    assert type(lost[0]) is DomainError, repr(lost[0])
    assert "手慢了" in str(lost[0])

    def outcome() -> tuple[Any, ...]:
        final = Order.objects.get(pk=order.pk)
        live = list(
            Assignment.objects.filter(
                order=order, outcome__in=[AssignmentOutcome.PENDING, AssignmentOutcome.ACCEPTED]
            ).values_list("offer_id", flat=True)
        )
        loads = dict(Offer.objects.values_list("pk", "load"))
        return final.status, final.offer_id, live, loads

    status, offer_id, live, loads = read_back(outcome)
    assert status == OrderStatus.ACCEPTED
    assert live == [offer_id] and offer_id in (first_offer.pk, second_offer.pk)
    assert loads == {first_offer.pk: int(offer_id == first_offer.pk),
                     second_offer.pk: int(offer_id == second_offer.pk)}  # fmt: skip


@pytest.mark.parametrize("repeat", range(3))
def test_an_accept_racing_the_expiry_scan_has_one_outcome(
    district, resident, community_a_worker, on_file, repeat
):
    account, offer = helper(district, 1, "medical")
    order = testing.match_order(resident, district["community_a"], "medical")
    orders.approve(order, community_a_worker)  # 助医陪诊 waits for the dispatcher
    orders.dispatch(order, offer, community_a_worker)
    deadline = Assignment.objects.get(order=order, outcome=AssignmentOutcome.PENDING).deadline
    just_before, just_after = deadline - timedelta(seconds=1), deadline + timedelta(seconds=1)
    on_file()

    results = in_threads(
        lambda: orders.accept(order.pk, account, now=just_before),
        lambda: orders.expire_overdue(now=just_after),
    )
    accepted, expired = results
    rows = read_back(
        lambda: (
            Order.objects.get(pk=order.pk).status,
            list(Assignment.objects.filter(order=order).values_list("outcome", flat=True)),
            Offer.objects.get(pk=offer.pk).load,
        )
    )
    status, outcomes, load = rows
    if isinstance(accepted, Order):  # the accept came first: the scan found nothing to expire
        assert expired == 0
        assert status == OrderStatus.ACCEPTED and outcomes == [AssignmentOutcome.ACCEPTED]
        assert load == 1
    else:  # the scan came first: the helper is told it is gone, the order moved on
        assert expired == 1, results
        assert isinstance(accepted, NotFound | DomainError), repr(accepted)
        assert outcomes == [AssignmentOutcome.EXPIRED]
        assert status == OrderStatus.WAITING and load == 0  # nobody else to forward to


def test_the_loser_of_a_grab_is_told_plainly_even_without_a_race(
    district, resident, community_a_worker
):
    """The same message when the second grab simply comes later."""
    (first, _), (second, _) = helper(district, 1), helper(district, 2)
    order = testing.match_order(resident, district["community_a"], "meals")
    orders.approve(order, community_a_worker)
    orders.grab(order.pk, first, now=timezone.now())
    with pytest.raises(DomainError, match="手慢了"):
        orders.grab(order.pk, second)
    assert Assignment.objects.filter(order=order).count() == 1
