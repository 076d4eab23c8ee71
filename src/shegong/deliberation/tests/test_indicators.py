"""The 议事厅's indicators on the statistics page's hand-built rows (test_statistics): each
figure for a period and a region equals the hand-counted number and the page's own, from the
rollups, from the raw records and as the drill-down's rows; delivering an action item moves
its own figure and its topic's at the next incremental step."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.deliberation.actions import actions
from shegong.deliberation.choices import ActionStatus, TopicStatus
from shegong.deliberation.models import ActionItem, Topic
from shegong.deliberation.queries import statistics
from shegong.deliberation.tests.test_statistics import PERIOD, TODAY, at, build_world

pytestmark = pytest.mark.django_db

COMMUNITY_A = "341271001001"
COMMUNITY_B = "341271002001"


@pytest.fixture
def world(district, topic_category):
    return build_world(district, topic_category)


def _both(code, prefix, period):
    """The figure from the rollups, checked against the raw records."""
    got = figures.totals([code], prefix, period).value(code)
    assert figures.raw_value(code, prefix, period) == got, code
    return got


def test_figures_equal_the_hand_count_and_the_statistics_page(world, district_admin):
    rollup.backfill()
    expected = {
        # Feb: adopted, pending, delivered, rejected (the merged one is a duplicate); Mar:
        # evaluating; Apr: 西关's adopted. December 2024's is before the period.
        "deliberation.topics": 6,
        "deliberation.actions_delivered": 2,  # Mar 11 and Apr 21; the child item is a part
        "deliberation.meetings": 6,  # 东关 Jan, Feb, Mar, Apr (专题), May; 西关 Jan
        "deliberation.thematic_meetings": 1,
        "deliberation.topics_decided": 4,
        "deliberation.topics_adopted": 3,
        "deliberation.topics_delivered": 1,
        "deliberation.adoption_rate": 75.0,
        "deliberation.delivery_rate": 33.3,
    }
    for code, value in expected.items():
        assert _both(code, "", PERIOD) == value, code
    assert _both("deliberation.topics", COMMUNITY_A, PERIOD) == 5
    assert _both("deliberation.meetings", COMMUNITY_A, PERIOD) == 5
    assert _both("deliberation.meetings", COMMUNITY_B, PERIOD) == 1
    assert _both("deliberation.actions_delivered", "", Period(date(2025, 1, 1), TODAY)) == 2
    assert (
        _both("deliberation.actions_delivered", "", Period(date(2025, 1, 1), date(2025, 8, 31)))
        == 3
    )
    # The same numbers as the page 议事统计.
    page = statistics.figures(district_admin, PERIOD, today=TODAY)
    assert (page.collected, page.delivered, page.thematic) == (6, 2, 1)
    assert (page.adoption_rate, page.delivery_rate) == (75.0, 33.3)
    assert sum(page.meetings_by_month) == expected["deliberation.meetings"]
    # The drill-down: the delivered items, by their day.
    rows = figures.records(figures.get("deliberation.actions_delivered"), COMMUNITY_A, PERIOD)
    days = sorted(timezone.localdate(d) for d in rows.values_list("done_at", flat=True))
    assert days == [date(2025, 3, 11), date(2025, 4, 21)]
    for code in ("deliberation.topics", "deliberation.actions_delivered", "deliberation.meetings"):
        _columns_resolve(code, figures.records(figures.get(code), "", PERIOD))
    # A period without decided topics has no rate (not 0 %).
    quiet = Period(date(2025, 6, 1), date(2025, 6, 30))
    got = figures.totals(["deliberation.adoption_rate"], "", quiet)
    assert got.value("deliberation.adoption_rate") is None


def test_delivering_an_item_moves_it_and_its_topic_at_the_next_step(world, district_admin):
    adopted = Topic.objects.get(region_id=COMMUNITY_A, status=TopicStatus.ADOPTED)
    item = ActionItem.objects.create(
        region=adopted.region, category=adopted.category, title="加装扶手", topic=adopted,
        owner_kind="person", owner_name="社区居委会", due_on=date(2025, 9, 30),
        status=ActionStatus.IN_PROGRESS, created_at=at(2025, 2, 20),
    )  # fmt: skip
    rollup.backfill()
    today = timezone.localdate()
    now = Period(today, today)
    assert _both("deliberation.topics_delivered", "", PERIOD) == 1
    assert _both("deliberation.actions_delivered", "", now) == 0
    actions.complete(district_admin, item, "扶手已安装并验收")
    step = rollup.roll_all_changes()
    assert step.events >= 1 and step.days >= 1
    # The item counts today (its done time); its topic, raised in February, is now delivered.
    assert (
        figures.totals(["deliberation.actions_delivered"], "", now).value(
            "deliberation.actions_delivered"
        )
        == 1
    )
    got = figures.totals(
        ["deliberation.topics_delivered", "deliberation.delivery_rate"], "", PERIOD
    )
    assert got.value("deliberation.topics_delivered") == 2
    assert got.value("deliberation.delivery_rate") == 66.7
    assert not rollup.drift(PERIOD.start, PERIOD.end)
    assert not rollup.drift(today, today)


def _columns_resolve(code, rows):
    """Every drill-down column names an attribute path the records have."""
    indicator = figures.get(code)
    assert indicator.columns and rows
    for row in rows:
        for _label, path in indicator.columns:
            value = row
            for part in path.split("."):
                value = getattr(value, part)


def test_the_demo_community_tells_the_seed_sentence(settings):
    """The seed's "收集民生议题134项，落地实事超100件" and "6场专题议事" out of the rollups
    of the demo's 樟树社区."""
    from shegong.core import demo
    from shegong.deliberation import demo as deliberation_demo
    from shegong.regions.models import Region

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    deliberation_demo.load(ctx)
    rollup.backfill()
    community = Region.objects.get(name="樟树社区").code
    ever = Period(date(2000, 1, 1), timezone.localdate())
    codes = [
        "deliberation.topics",
        "deliberation.actions_delivered",
        "deliberation.thematic_meetings",
    ]
    got = figures.totals(codes, community, ever)
    assert [got.value(code) for code in codes] == [134, 102, 6]
    sentence = figures.get("deliberation.topics").sentence.format(value=134)
    assert sentence in figures.get("deliberation.topics").seed
    assert not rollup.drift(date(2000, 1, 1), timezone.localdate())
