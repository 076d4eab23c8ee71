"""Personas of the closed loop on top of the district of the root conftest.

- ``dispatcher``: the district dispatch desk (区指挥中心);
- ``handler`` (root conftest): 城管局 handler; ``supervisor``: 城管局's supervisor;
- ``other_handler``: a handler of 市场监管局, another department;
- ``rider``: a delivery rider (新就业群体) who reports;
- ``category``: 道路破损, routed to 城管局 for the whole district.
"""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.perms import Role


@pytest.fixture
def dispatcher(district):
    return testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")


@pytest.fixture
def supervisor(district, department_a):
    return testing.user(
        Role.DEPARTMENT_SUPERVISOR, district["district"], name="城管督办", department=department_a
    )


@pytest.fixture
def department_b(district):
    return Department.objects.create(code="scjgj", name="市场监管局", region=district["district"])


@pytest.fixture
def other_handler(district, department_b):
    return testing.user(
        Role.DEPARTMENT_HANDLER,
        district["district"],
        name="市场监管处置员",
        department=department_b,
    )


@pytest.fixture
def rider(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手小王")


@pytest.fixture
def category(district, department_a):
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    return category


@pytest.fixture
def unrouted_category(district):
    return testing.report_category("other", "其他问题", group="民生诉求")
