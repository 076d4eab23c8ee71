"""The inspection demo step: its figures come out exactly (small size here; the seed size's are
the same function of the pool: 99 → 89 completed, 10 未参检, 年检率 90%)."""

from __future__ import annotations

import pytest

from shegong.core.demo import DemoContext
from shegong.socialorgs import charity, demo, inspections
from shegong.socialorgs.demo import inspection as step
from shegong.socialorgs.models import AnnualReport, InspectionPlan

YEAR = demo.report_year()


def test_seed_figures_are_the_seeds():
    seed = step.figures(99)
    assert seed["completed"] == 89 and seed["absent"] == 10
    assert round(seed["completed"] * 100 / seed["required"]) == 90
    assert seed["pass"] + seed["basic"] + seed["fail"] == 89 and seed["pass"] > seed["basic"]


@pytest.mark.django_db
def test_small_demo(district, registrar):
    ctx = DemoContext(size="small")
    ctx.region = lambda scope: district["district"]  # type: ignore[method-assign]
    demo.load(ctx, through="inspection")  # the charity step marks more charities later
    active = demo.pool(ctx, "active")
    numbers = step.figures(len(active))
    assert inspections.inspection_rate(registrar, YEAR) == (
        numbers["completed"],
        numbers["required"],
    )
    reports = AnnualReport.objects.filter(year=YEAR)
    assert reports.filter(conclusion="absent").count() == numbers["absent"]
    assert reports.filter(conclusion="fail").count() == numbers["fail"]
    assert reports.filter(late=True).count() == min(step.LATE, numbers["completed"])
    dormant = {so.pk for so in demo.pool(ctx, "dormant")}
    # the dormant pool's missed years are the election step's (no plan): none of this step's
    assert not AnnualReport.objects.filter(social_org__in=dormant, plan__isnull=False).exists()
    charities = sum(1 for so in active[: numbers["completed"]] if so.charity)
    # The one definition: the charities' figures taken from their reports, audited; the
    # inspection list's filter shows the same reports.
    audited = charity.audits_on_file(registrar, YEAR)
    assert audited.count() == min(step.AUDITS, charities)
    assert inspections.filtered(registrar, year=YEAR, audit="1").count() == audited.count()
    assert set(audited.values_list("source", flat=True)) <= {"report"}
    assert inspections.filtered(registrar, worklist="revoke").count() >= 1
    assert InspectionPlan.objects.filter(year=YEAR + 1).exists()
    assert step.load(ctx) == 0  # idempotent
