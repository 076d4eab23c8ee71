"""The 公益创投 demo: the seed's 8 funded projects totalling ¥120,000 through the actions,
some not funded, a 公示 per award, tranches part-paid; idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shegong.core import demo
from shegong.grants.models import Application, Project, Tranche
from shegong.grants.queries import calls as q
from shegong.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_the_demo_call(settings):
    """The small demo (the seed size, with 99 active organizations, funds the full 8 projects
    and ¥120,000: the amounts are ``AMOUNTS``; the small one has fewer eligible applicants)."""
    from shegong.grants.demo.calls import AMOUNTS, load

    assert sum(Decimal(a) for a in AMOUNTS) == Decimal("120000") and len(AMOUNTS) == 8
    demo.load("small")
    projects = Project.objects.all()
    assert projects.exists()
    figures = q.numbers(Application.objects.all(), projects, year=projects.first().call.year)
    assert figures.funded == projects.count()
    assert figures.awarded == sum(Decimal(a) for a in AMOUNTS[: figures.funded])
    if Application.objects.count() > 1:  # at least one applicant is not funded
        assert Application.objects.filter(status="not_awarded").exists()
    assert Notice.objects.filter(kind="grants.award").count() == figures.funded
    assert Tranche.objects.filter(status="requested").count() == 1
    assert figures.paid == figures.awarded / 2 - Project.objects.order_by("-pk").first().amount / 2
    assert load(demo.DemoContext(size="small")) == 0
