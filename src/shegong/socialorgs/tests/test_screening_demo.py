"""§7's demo: the seed's figures come out exactly (3 rounds, 34 visits, 5 interviews, 103,500
yuan recovered; party building in the targets' numbers), through the same queries as the
statistics page; loading twice adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shegong.core.demo import DemoContext
from shegong.socialorgs import demo
from shegong.socialorgs import screening_queries as sq
from shegong.socialorgs.demo import screening as screening_demo
from shegong.socialorgs.models import Lead, ScreeningVisit


def _load(district, size):
    ctx = DemoContext(size=size)
    ctx.region = lambda scope: district["district"]  # type: ignore[method-assign]
    assert demo.load(ctx) == demo.COUNTS[size]
    return ctx


def test_demo_figures(district, registrar):
    size = "small"  # the seed size's figures: test_demo_seed.py
    ctx = _load(district, size)
    year = date.today().year
    assert sq.year_figures(registrar, year) == {
        "rounds": 3, "visits": 34, "interviews": 5, "recovered": Decimal("103500"),
        "recovered_cases": 2,
    }  # fmt: skip
    assert Lead.objects.count() == 12
    assert ScreeningVisit.objects.filter(lead=None).count() == 15
    states = [sq.state_of(lead) for lead in Lead.objects.all()]
    assert states.count("unvisited") == 1 and states.count("pending") == 3
    targets = screening_demo.PARTY[size]
    assert sq.party_charter_list(registrar, sq.PARTY_WITH).count() == targets["chartered"]
    assert sq.instructor_figures(registrar) == (targets["instructors"], targets["orgs"])
    assert all(so.n_guidance_visits for so in sq.guided_orgs(registrar))
    assert screening_demo.load(ctx) == 0  # idempotent
