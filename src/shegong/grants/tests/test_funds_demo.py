"""The funds demo: "整合资源超百项，落地公益项目9个，惠及1.8万人次" comes out as a query, the
disclosures are published, and a second load adds nothing."""

from __future__ import annotations

import pytest

from shegong.core import demo
from shegong.grants.demo import funds as funds_demo
from shegong.grants.models import Disclosure, Fund
from shegong.grants.queries import funds as fund_queries

pytestmark = pytest.mark.django_db


def test_the_seed_numbers_come_out_of_the_demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    assert funds_demo.load(ctx) == 110
    qs = Fund.objects.filter(name=funds_demo.FUND_NAME)
    found = fund_queries.headline(qs)
    assert found["resources"] > 100 and found["projects"] == 9
    assert found["beneficiaries"] == 18000
    assert Disclosure.objects.filter(fund__in=qs, notice__isnull=False).count() >= 5
    assert qs.get().cash_balance >= 0
    assert funds_demo.load(ctx) == 0
