"""The demo's 换届 and dormant year (small size): the figures come out as the pools say."""

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
    assert cleared == 2  # the small dormant pool: serials 5–6
    cases = DormantCase.objects.all()
    assert {c.outcome for c in cases} == {"cancelled", "deregistered"}
    assert all(c.closed_on < date(year, 5, 31) for c in cases)
    counts = {w.key: w.todo.count(registrar) for w in worklists}
    assert counts["socialorgs.election.open"] >= 1
    assert counts["socialorgs.dormant.todo"] == 0
    # idempotent
    assert demo.load("small")["socialorgs"] == 0
    assert DormantCase.objects.count() == 2


def test_the_seed_figures(db, registrar):
    """Seed size (the base organizations and this step only): 36 associations complete a 换届
    this year, and the 32 dormant organizations are cleared before 31 May."""
    from shegong.regions.demo import load_regions
    from shegong.socialorgs.demo import _load_base

    ctx = demo.DemoContext(size="seed")
    load_regions(ctx)
    assert _load_base(ctx) == 170
    election_demo.load(ctx)
    year = report_year() + 1
    district_registrar = User.objects.get(pk=registrar.pk)
    figures = {i.key: i for i in indicators}
    assert figures["elections_completed"].value(district_registrar, year) == 36
    assert figures["dormant_cleared"].value(district_registrar, year) == 32
    outcomes = [c.outcome for c in DormantCase.objects.all()]
    assert outcomes.count("cancelled") == 12 and outcomes.count("deregistered") == 20
    counts = {w.key: w.todo.count(district_registrar) for w in worklists}
    for key in ("due6", "due3", "late", "extensions", "open"):
        assert counts[f"socialorgs.election.{key}"] >= 1, key
    assert election_demo.load(ctx) == 0
