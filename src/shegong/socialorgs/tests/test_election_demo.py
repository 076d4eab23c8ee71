"""The demo's 换届 and dormant year (small size): the figures come out as the pools say (the
seed size's are checked in test_demo_seed.py)."""

from __future__ import annotations

from datetime import date

from shegong.accounts.models import User
from shegong.core import demo
from shegong.core.perms import Role
from shegong.socialorgs.demo import election as election_demo
from shegong.socialorgs.demo import report_year
from shegong.socialorgs.models import DormantCase
from shegong.socialorgs.workbench import indicators, worklists


def test_the_small_demo_year(db):
    demo.load("small")
    year = report_year() + 1
    registrar = User.objects.filter(memberships__role=Role.REGISTRAR).first()
    assert registrar is not None
    figures = {i.key: i for i in indicators}
    done = figures["elections_completed"].value(registrar, year)
    assert 1 <= done <= election_demo.ELECTIONS["small"]
    cleared = figures["dormant_cleared"].value(registrar, year)
    assert cleared == 3  # the small dormant pool: serials 5–7
    cases = DormantCase.objects.all()
    assert sorted((c.state, c.outcome) for c in cases) == [
        ("cleared", "cancelled"), ("cleared", "deregistered"), ("rectified", ""),
    ]  # fmt: skip
    assert all(c.closed_on < date(year, 5, 31) for c in cases)
    # each closure is a registration event too: the status-based figures agree with the events'
    for status, event in (("deregistered", "deregistrations"), ("cancelled", "cancellations")):
        assert figures[f"records.{status}"].value(registrar, year) == 1
        assert figures[event].value(registrar, year) == 1
    counts = {w.key: w.todo.count(registrar) for w in worklists}
    assert counts["socialorgs.election.open"] >= 1
    assert counts["socialorgs.dormant.todo"] == 0
    # idempotent
    assert demo.load("small")["socialorgs"] == 0
    assert DormantCase.objects.count() == 3
