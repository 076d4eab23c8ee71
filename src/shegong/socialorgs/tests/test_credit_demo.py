"""The demo's credit lists: the rules run over whatever history the demo has (the inspection
step's 未参检 rows after the merge; hand-made rows here): every organization that missed
report_year()'s inspection listed within 5 working days of the window's close, two removed after
a verified rectification, one unreachable, each 撤销 organization on the 严重违法失信名单."""

from __future__ import annotations

from datetime import date

import pytest

from shegong.core import demo
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import _load_base, dormant_split, pool, report_year
from shegong.socialorgs.demo import credit as credit_demo
from shegong.socialorgs.models import AnnualReport, CreditListing, ListKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    _load_base(ctx)
    return ctx


def test_the_rules_list_the_missed_and_the_story_comes_out(ctx):
    year = report_year()
    active = pool(ctx, "active")  # 4 in the small demo
    for so in active:
        missed = so in active[:3]
        AnnualReport.objects.create(
            social_org=so, year=year, state="concluded", conclusion="absent" if missed else "pass"
        )
    cancelled = dormant_split(ctx)["cancellation"][0]
    records.change_status(cancelled, "cancelled", legal_basis="条例第三十条", actor=None)
    assert credit_demo.load(ctx) > 0
    abnormal = CreditListing.objects.filter(kind=ListKind.ABNORMAL, rule="report_missed")
    assert abnormal.count() == 3  # every organization that missed the inspection
    closed = date(year + 1, 5, 31)
    deadline = credit_demo._workday_after(closed, 5)
    assert all(x.listed_on <= min(deadline, date.today()) for x in abnormal)
    assert abnormal.filter(removed_on__isnull=False).count() == 2  # rectified and removed
    assert all("核实" in x.removal_reason for x in abnormal.exclude(removed_on=None))
    unreachable = CreditListing.objects.get(rule="unreachable")
    assert unreachable.social_org == active[3] and unreachable.removed_on is None
    serious = CreditListing.objects.get(kind=ListKind.SERIOUS)
    assert serious.social_org == cancelled and serious.rule == "struck_off"
    before = CreditListing.objects.count()
    assert credit_demo.load(ctx) == 0  # idempotent
    assert CreditListing.objects.count() == before
