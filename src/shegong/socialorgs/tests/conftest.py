"""Personas of the social-organization tests: a registrar of the district and of street B."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.socialorgs.demo import credit_code


@pytest.fixture
def registrar(district):
    return testing.user(Role.REGISTRAR, district["district"], name="民政登记员")


@pytest.fixture
def registrar_b(district):
    return testing.user(Role.REGISTRAR, district["street_b"], name="西城登记员")


@pytest.fixture
def org_data(district):
    def make(**overrides):
        values = {
            "org_type": "association",
            "name": "东关书法家协会",
            "credit_code": credit_code("association", "341271", 1),
            "registration_number": "皖民证字第00001号",
            "registration_authority": "示范区民政局",
            "registered_on": "2020-05-01",
            "supervisor": "",
            "business_scope": "书法交流、培训",
            "activity_area": "示范区",
            "address": "东关路1号",
            "region": district["community_a"].code,
            "legal_rep": "张三丰",
            "legal_rep_phone": "13912345678",
            "term_start": "2021-06-01",
            "term_years": "5",
            "status": "normal",
        }
        values.update(overrides)
        return values

    return make


@pytest.fixture
def social_org(registrar, org_data):
    from shegong.socialorgs.actions import records

    return records.register_social_org(org_data(), actor=registrar)


@pytest.fixture
def org_user(district, social_org):
    """An ``org_account`` user bound to ``social_org`` (the organization portal's user)."""
    from shegong.socialorgs.actions import accounts

    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="协会秘书长")
    accounts.link_org_account(social_org, user.phone, actor=None)
    return user


@pytest.fixture
def charity_org(registrar, org_data):
    """A foundation recognized as a charity three years ago, inspected 合格 for the years the
    public-fundraising rule reads (charities part, §6)."""
    from datetime import timedelta

    from django.utils import timezone

    from shegong.socialorgs.actions import charity, records
    from shegong.socialorgs.models import AnnualReport

    today = timezone.localdate()
    so = records.register_social_org(
        org_data(
            org_type="foundation", name="东关慈善基金会",
            credit_code=credit_code("foundation", "341271", 3),
            registration_number="皖民证字第00003号", registered_on="2018-01-10",
            charity=True, charity_on=(today - timedelta(days=365 * 3)).isoformat(),
        ),
        actor=registrar,
    )  # fmt: skip
    for year in charity.inspection_years(today):
        AnnualReport.objects.create(social_org=so, year=year, conclusion="pass", state="concluded")
    return so
