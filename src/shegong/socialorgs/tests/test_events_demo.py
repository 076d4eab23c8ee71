"""The events demo reproduces its figures exactly (small size: ``demo.events.TARGETS``), and
each statistics indicator equals the total of the list it links to."""

from __future__ import annotations

import re

from django.urls import reverse

from shegong import testing
from shegong.core import demo
from shegong.core.perms import Role
from shegong.socialorgs import demo as socialorgs_demo
from shegong.socialorgs.demo import events as demo_events
from shegong.socialorgs.demo import report_year
from shegong.socialorgs.models import Application, SocialOrg
from shegong.socialorgs.workbench import indicators


def test_small_demo_figures_and_indicators(db, client):
    demo.load("small")
    year = report_year() + 1
    goal = demo_events.TARGETS["small"]
    district = demo.DemoContext(size="small").region("district")
    registrar = testing.user(Role.REGISTRAR, district, phone="13912340514")
    client.force_login(registrar)
    found = {i.key: i for i in indicators if i.section == "events"}
    expected = {
        "renewals": goal["renewal"],
        "changes": goal["change"],
        "cancellations": goal["cancellation"],
        "deregistrations": goal["deregistration"],
    }
    for key, figure in expected.items():
        indicator = found[key]
        assert indicator.value(registrar, year) == figure, key
        html = client.get(indicator.url(year)).content.decode()
        assert int(re.search(r'data-sg-total="(\d+)"', html).group(1)) == figure, key
    # the year's closures are the dormant clean-up's: by status and closed_on they agree
    dormant = {so.pk for so in socialorgs_demo.pool(demo.DemoContext(size="small"), "dormant")}
    closed = SocialOrg.objects.filter(closed_on__year=year)
    assert set(closed.values_list("pk", flat=True)) <= dormant
    assert closed.filter(status="deregistered").count() == goal["deregistration"]
    assert closed.filter(status="cancelled").count() == goal["cancellation"]
    assert Application.objects.filter(state="submitted").exists()
    queue = client.get(reverse("socialorgs:applications"), {"state": "submitted"})
    assert queue.status_code == 200
    # idempotent
    assert demo_events.load(demo.DemoContext(size="small")) == 0


def test_seed_targets_are_the_seed_figures_and_fit_the_pools():
    from shegong.socialorgs.demo import DORMANT_OUTCOMES, POOLS

    seed = demo_events.TARGETS["seed"]
    assert seed == {"renewal": 13, "change": 38, "cancellation": 2, "deregistration": 21}
    size = {name: last - first + 1 for name, (first, last) in POOLS["seed"].items()}
    assert seed["renewal"] + seed["change"] + 4 <= size["active"]
    outcomes = DORMANT_OUTCOMES["seed"]
    assert seed["deregistration"] == outcomes["deregistration"]
    assert seed["cancellation"] == outcomes["cancellation"]
    assert sum(outcomes.values()) == size["dormant"] == 32  # 清理僵尸型社会组织32家
