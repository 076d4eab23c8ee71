"""Personas and records the grants and fund tests share (the district's are in the root
conftest): the district's registrar, two social organizations of 东关社区 inspected 合格 last
year (one of them a charity that hosts community funds), the portal account of the first, and
three review experts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.demo import credit_code


@pytest.fixture
def registrar(district):
    return testing.user(Role.REGISTRAR, district["district"], name="民政登记员")


def _register(registrar, district, *, name, kind, serial, charity=False):
    from shegong.socialorgs.actions import records
    from shegong.socialorgs.models import AnnualReport

    today = timezone.localdate()
    so = records.register_social_org(
        {
            "org_type": kind, "name": name, "credit_code": credit_code(kind, "341271", serial),
            "registration_number": f"皖民证字第{serial:05d}号",
            "registration_authority": "示范区民政局", "registered_on": "2019-05-01",
            "supervisor": "", "business_scope": "为老服务、社区服务", "activity_area": "示范区",
            "address": "东关路1号", "region": district["community_a"].code,
            "legal_rep": "张三丰", "legal_rep_phone": "13912345678",
            "term_start": "2021-06-01", "term_years": "5", "status": "normal",
            **({"charity": True, "charity_on": "2020-01-10"} if charity else {}),
        },
        actor=registrar,
    )  # fmt: skip
    for year in (today.year - 2, today.year - 1):
        AnnualReport.objects.create(social_org=so, year=year, conclusion="pass", state="concluded")
    return so


@pytest.fixture
def social_org(registrar, district):
    """东关为老服务中心 (社会服务机构), 年检合格 the last two years, not on any credit list."""
    return _register(registrar, district, name="东关为老服务中心", kind="service", serial=11)


@pytest.fixture
def other_org(registrar, district):
    """东关青少年成长协会, also eligible: a second applicant."""
    return _register(registrar, district, name="东关青少年成长协会", kind="association", serial=12)


@pytest.fixture
def charity_org(registrar, district):
    """东关慈善基金会: a charity that hosts community funds."""
    return _register(
        registrar, district, name="东关慈善基金会", kind="foundation", serial=13, charity=True
    )


@pytest.fixture
def org_user(district, social_org):
    """The portal account of ``social_org``."""
    from shegong.socialorgs.actions import accounts

    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="服务中心主任")
    accounts.link_org_account(social_org, user.phone, actor=None)
    return user


@pytest.fixture
def reviewers(district):
    """Three review experts of the district's committee."""
    return [
        testing.user(Role.GRANT_REVIEWER, district["district"], name=name)
        for name in ("评审专家甲", "评审专家乙", "评审专家丙")
    ]
