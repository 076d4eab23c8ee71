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
