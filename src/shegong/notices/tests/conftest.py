"""Fixtures the notices tests share (the district's are in the root conftest)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong.core import registry
from shegong.notices.actions.notices import make_notice

HOLDING_KIND = "notices.test_award"


@pytest.fixture(autouse=True)
def _holding_kind():
    """A kind that holds what it publicises (as grants.award does)."""
    if HOLDING_KIND not in registry.notice_kinds:
        registry.notice_kinds.add(registry.NoticeKind(HOLDING_KIND, "测试奖项公示", days=5))
    yield


@pytest.fixture
def notice(district, community_a_worker):
    """A current general notice of 东关社区 with a target (a region row stands in for it)."""
    return make_notice(
        kind=HOLDING_KIND, region=district["community_a"], title="2026年度公益创投拟资助项目公示",
        body="拟资助项目 8 个，资金 12 万元。", target=district["grid_a"],
        starts_at=timezone.now() - timedelta(hours=1), phone="0558-1234567",
    )  # fmt: skip


@pytest.fixture
def past_notice(district):
    return make_notice(
        kind="notices.general", region=district["community_a"], title="2025年度敬老之星公示",
        body="已结束",
        starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
