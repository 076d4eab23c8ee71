"""The charity demo step reproduces its figures (seed size): 4 charities with audited figures for
the report year, two qualifications granted and one pending, two plans (one disclosure overdue), one
spending ratio flagged — through the actions, and idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shegong.core.demo import DemoContext
from shegong.socialorgs import demo
from shegong.socialorgs.demo import charity as charity_demo
from shegong.socialorgs.models import CharityFinancials, FundraisingApplication, FundraisingPlan


@pytest.mark.parametrize("size", ["small", "seed"])
def test_the_charity_demo_figures(district, size):
    ctx = DemoContext(size=size)
    ctx.region = lambda scope: district["district"]  # type: ignore[method-assign]
    demo.load(ctx)
    year = demo.report_year()
    audited = CharityFinancials.objects.filter(year=year, audited=True)
    assert audited.count() == 4
    # The art. 61 ratios bind public-fundraising foundations only: the small demo's four active
    # organizations include none, so only the seed shows the flag.
    assert audited.filter(flagged=True).count() == (1 if size == "seed" else 0)
    assert audited.filter(ratios_apply=True).exists() == (size == "seed")
    # The one flag of the district (the workbench's 支出比例不达标 lists every year's rows).
    assert CharityFinancials.objects.filter(flagged=True).count() == (1 if size == "seed" else 0)
    # The seed's charities filed their audited figures with their annual reports.
    if size == "seed":
        assert set(audited.values_list("source", flat=True)) == {"report"}
        assert all(fin.report.attachments.filter(kind="audit").exists() for fin in audited)
    # Granted only to charities recognized a full year before the grant.
    granted = FundraisingApplication.objects.filter(state="granted").count()
    assert granted == 2 if size == "seed" else granted in (1, 2)
    pending = FundraisingApplication.objects.get(state="pending")
    assert (pending.due_on - timezone.localdate()).days == 14
    assert FundraisingPlan.objects.count() == granted
    today = timezone.localdate()
    assert FundraisingPlan.objects.filter(disclosure_due_on__lt=today).count() == 1
    assert FundraisingPlan.objects.filter(disclosure_due_on__isnull=True).count() == granted - 1
    assert all(p.supervision.exists() for p in FundraisingPlan.objects.all())
    pool = {so.pk for so in demo.pool(ctx, "active")}
    assert set(audited.values_list("social_org", flat=True)) <= pool
    assert charity_demo.load(ctx) == 0  # idempotent
