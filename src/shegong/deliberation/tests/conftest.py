"""Fixtures the deliberation tests share (the district's are in the root conftest)."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.models import TopicCategory


@pytest.fixture
def topic_category(db):
    """加装电梯 (migration 0002's default categories; back after a flush)."""
    testing.deliberation_categories()
    return TopicCategory.objects.get(code="elevator")


@pytest.fixture
def neighbour(district):
    """A second resident of 东关社区 (on its first grid)."""
    return testing.user(Role.RESIDENT, district["grid_a"], name="东关邻居")


@pytest.fixture
def outsider(district):
    """A resident of 西关社区 (another street)."""
    return testing.user(Role.RESIDENT, district["community_b"], name="西关居民")
