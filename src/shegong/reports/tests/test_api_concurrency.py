"""Two dispatchers transfer the same case at the same moment: one wins, the other gets 409.

Real threads and real transactions (``transaction=True``): each request runs
``transfer_report`` in its own durable transaction, which locks the case row (PostgreSQL:
SELECT … FOR UPDATE; SQLite: BEGIN IMMEDIATE takes the write lock). The second one waits for
the first to commit, then finds the case already transferred — and "transferred →
transferred" is not in the transition table.

To make the race certain rather than likely, both requests first load the case (both hold it
as "submitted", the stale copy a careless action would write back) and only then act. On
PostgreSQL they then really run at once and the row lock decides. The SQLite test database is
in memory with a shared cache, where a second writer fails at once with "database table is
locked" instead of waiting as it does on the real database file (busy_timeout): there the two
requests take turns from that point, which still proves the action re-reads the case under its
lock instead of trusting the copy it was given.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from shegong.reports import queries
from shegong.reports.choices import EventKind, Status
from shegong.reports.models import Assignment, Report, ReportEvent

from .test_api import URL, submit


@pytest.fixture
def both_loaded(monkeypatch):
    """Each request waits, once it has loaded the case, until the other one has too."""
    loaded = threading.Barrier(2, timeout=10)
    turns = threading.Lock() if connection.vendor == "sqlite" else None
    holder = threading.local()
    access_report = queries.access_report

    def access_then_wait(user, pk, **kwargs):
        report = access_report(user, pk, **kwargs)
        loaded.wait()
        if turns is not None:
            turns.acquire()
            holder.turn = True
        return report

    def done():
        if getattr(holder, "turn", False):
            holder.turn = False
            turns.release()

    monkeypatch.setattr(queries, "access_report", access_then_wait)
    return done


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_transfer_the_same_case_at_once_and_one_gets_409(
    rider, dispatcher, department_a, department_b, unrouted_category, both_loaded
):
    report = submit(rider, unrouted_category)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(dispatcher)
        clients.append(client)
    results: dict[str, object] = {}

    def transfer(client: Client, department: str) -> None:
        try:
            response = client.post(
                f"{URL}/{report.pk}/transfer",
                json.dumps({"department": department}),
                content_type="application/json",
            )
            results[department] = response
        except BaseException as exc:  # surfaced by the assertions below
            results[department] = exc
        finally:
            both_loaded()
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=transfer, args=(clients[0], "cgj")),
        threading.Thread(target=transfer, args=(clients[1], "scjgj")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(getattr(r, "status_code", repr(r)) for r in results.values())
    assert codes == [200, 409], results
    loser = next(r for r in results.values() if r.status_code == 409)
    assert "已派单" in loser.json()["detail"]
    winner = next(code for code, r in results.items() if r.status_code == 200)
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED
    assert report.lead_department.code == winner
    assert Assignment.objects.filter(report=report, active=True).count() == 1
    transfers = ReportEvent.objects.filter(report=report, kind=EventKind.TRANSFERRED)
    assert transfers.count() == 1
    assert Report.objects.count() == 1
