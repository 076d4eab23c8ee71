"""Every figure of docs/metrics.md "议事厅" on hand-built rows (exact numbers): numerator,
denominator, period and scope. The rows are written through the models as the demo writes them
(the verbs are other parts' work); each keeps the invariants the actions keep."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from shegong.core.errors import NotFound, NotPermitted
from shegong.deliberation.choices import ActionStatus, MeetingKind, MeetingStatus, TopicStatus
from shegong.deliberation.models import ActionItem, CommunitySettings, Meeting, Topic
from shegong.deliberation.queries import counts, statistics
from shegong.deliberation.queries.statistics import Period

PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))
TODAY = date(2025, 7, 15)


def at(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h))


def topic(region, category, status, created, *, due=None, answered=None, supports=0, **extra):
    return Topic.objects.create(
        region=region, category=category, title=f"议题 {status}", body="内容", status=status,
        created_at=created, answer_due_at=due, answered_at=answered, support_count=supports,
        **extra,
    )  # fmt: skip


def meeting(region, kind, starts, status=MeetingStatus.CLOSED):
    return Meeting.objects.create(
        region=region, kind=kind, title="议事会", starts_at=starts, place="议事厅", status=status,
        closed_at=starts if status == MeetingStatus.CLOSED else None,
    )  # fmt: skip


def action(region, category, status, *, due, created=None, done=None, parent=None):
    return ActionItem.objects.create(
        region=region, category=category, title="实事", owner_kind="person", owner_name="张三",
        due_on=due, status=status, created_at=created or at(2025, 1, 2), done_at=done,
        progress=100 if status == ActionStatus.DONE else 0, parent=parent,
    )  # fmt: skip


@pytest.fixture
def world(district, topic_category):
    return build_world(district, topic_category)


def build_world(district, cat):
    """The hand-built rows (shared with test_statistics_pages)."""
    a, b = district["community_a"], district["community_b"]
    S = TopicStatus
    t2 = topic(
        a, cat, S.ADOPTED, at(2025, 2, 3), due=at(2025, 2, 10), answered=at(2025, 2, 8), supports=5
    )
    topic(a, cat, S.PENDING, at(2025, 2, 1), due=at(2025, 2, 8))  # due, never answered
    topic(
        a,
        cat,
        S.DELIVERED,
        at(2025, 2, 4),
        due=at(2025, 2, 11),
        answered=at(2025, 2, 5),
        supports=3,
        delivered_at=at(2025, 4, 21),
    )
    topic(a, cat, S.REJECTED, at(2025, 2, 5), due=at(2025, 2, 12), answered=at(2025, 2, 20))
    topic(
        a,
        cat,
        S.MERGED,
        at(2025, 2, 6),
        due=at(2025, 2, 13),
        answered=at(2025, 2, 7),
        merged_into=t2,
    )  # answered (merging is an answer), not collected
    topic(a, cat, S.EVALUATING, at(2025, 3, 1), due=at(2025, 3, 8), answered=at(2025, 3, 2))
    topic(a, cat, S.DELIVERED, at(2024, 12, 1), due=at(2024, 12, 8), answered=at(2024, 12, 2))
    topic(b, cat, S.ADOPTED, at(2025, 4, 1), due=at(2025, 4, 8), answered=at(2025, 4, 3),
          supports=2)  # fmt: skip

    A = ActionStatus
    a1 = action(a, cat, A.DONE, due=date(2025, 3, 31), created=at(2025, 3, 1), done=at(2025, 3, 11))
    action(a, cat, A.DONE, due=date(2025, 3, 31), done=at(2025, 3, 5), parent=a1)  # a part
    action(a, cat, A.DONE, due=date(2025, 4, 30), created=at(2025, 4, 1), done=at(2025, 4, 21))
    action(a, cat, A.DONE, due=date(2025, 8, 30), created=at(2025, 7, 1), done=at(2025, 8, 1))
    action(a, cat, A.IN_PROGRESS, due=date(2025, 7, 1))  # overdue
    action(a, cat, A.PLANNED, due=date(2025, 8, 1))  # not yet due
    action(a, cat, A.CANCELLED, due=date(2025, 1, 1))  # closed
    top_b = action(b, cat, A.IN_PROGRESS, due=date(2025, 9, 1))
    action(b, cat, A.PLANNED, due=date(2025, 7, 10), parent=top_b)  # overdue child

    K = MeetingKind
    for month in (1, 2, 3, 5):
        meeting(a, K.CONSULTATION, at(2025, month, 20, 19))
    meeting(a, K.THEMATIC, at(2025, 4, 12))  # counts for the cadence, and as 专题议事
    meeting(a, K.CONSULTATION, at(2025, 6, 28), MeetingStatus.PLANNED)  # not held
    meeting(a, K.CONSULTATION, at(2025, 6, 5), MeetingStatus.CANCELLED)
    meeting(a, K.THEMATIC, at(2025, 8, 12))  # after the period
    meeting(b, K.RESIDENTS, at(2025, 1, 9))
    CommunitySettings.objects.create(region=a, monthly_cadence=True)
    CommunitySettings.objects.create(region=b, monthly_cadence=False)
    return district


def test_every_figure_on_hand_built_rows(world, district_admin):
    f = statistics.figures(district_admin, PERIOD, today=TODAY)
    assert (f.collected, f.delivered, f.thematic) == (6, 2, 1)
    assert f.headline() == "收集议题 6 项 · 落地实事 2 件 · 专题议事 1 场"
    # 按时答复: 7 clocks ran out in the period (the merged one too), 5 answered in time
    assert (f.answered_on_time, f.answers_due, f.on_time_rate) == (5, 7, 71.4)
    # 采纳率: adopted or delivered ÷ decided (rejected too; pending, evaluating left out)
    assert (f.adopted, f.decided, f.adoption_rate) == (3, 4, 75.0)
    assert (f.topic_delivered, f.delivery_rate) == (1, 33.3)
    assert (f.supports, f.supports_per_topic) == (10, 1.7)
    assert f.delivery_days == 15.0  # (10 + 20) / 2, top-level items only
    assert f.overdue == 2  # an item in progress and a child, both past due
    # 一月一会: 东关 met Jan–May (the thematic meeting in April counts), not June; 西关 is off
    assert (f.cadence_met, f.cadence_due, f.cadence_rate) == (5, 6, 83.3)
    assert [row["name"] for row in f.cadence] == ["东关社区"]
    assert f.cadence[0]["counts"] == [1, 1, 1, 1, 1, 0]
    assert f.meetings_by_month == [2, 1, 1, 1, 1, 0]
    assert f.months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert f.topics_by_status_month["adopted"] == [0, 1, 0, 1, 0, 0]
    assert f.topics_by_status_month["merged"] == [0] * 6
    rows = {row["name"]: row for row in f.by_community}
    assert (rows["东关社区"]["topics"], rows["东关社区"]["delivered"]) == (5, 2)
    assert (rows["东关社区"]["on_time"], rows["东关社区"]["due"]) == (4, 6)
    assert (rows["东关社区"]["meetings"], rows["东关社区"]["overdue"]) == (5, 1)
    assert rows["西关社区"]["cadence_rate"] is None and rows["西关社区"]["overdue"] == 1
    elevator = next(r for r in f.by_category if r["name"] == "加装电梯")
    assert (elevator["topics"], elevator["delivered"], elevator["open"]) == (6, 2, 3)
    # the headline numbers are the defined ones (queries/counts.py)
    assert f.collected == counts.topics_collected(Topic.objects.all(), PERIOD.since,
                                                  PERIOD.until).count()  # fmt: skip
    indicators = {row["key"]: row for row in f.indicators()}
    assert indicators["cadence_rate"]["numerator"] == 5
    assert indicators["cadence_rate"]["rate"] == 83.3


def test_the_running_month_is_in_the_heatmap_not_in_the_rate(world, district_admin):
    f = statistics.figures(district_admin, Period(date(2025, 5, 1), date(2025, 6, 20)),
                           today=date(2025, 6, 20))  # fmt: skip
    assert f.cadence[0]["counts"] == [1, 0]
    assert (f.cadence_met, f.cadence_due) == (1, 1)


def test_scope_narrows_every_figure(world, community_a_worker, street_b_staff):
    mine = statistics.figures(community_a_worker, PERIOD, today=TODAY)
    assert (mine.collected, mine.delivered, mine.thematic, mine.overdue) == (5, 2, 1, 1)
    assert [row["name"] for row in mine.by_community] == ["东关社区"]
    theirs = statistics.figures(street_b_staff, PERIOD, today=TODAY)
    assert (theirs.collected, theirs.delivered, theirs.overdue, theirs.cadence_due) == (1, 0, 1, 0)
    assert theirs.cadence_rate is None
    with pytest.raises(NotFound):
        statistics.figures(street_b_staff, PERIOD, world["community_a"].code)
    one = statistics.figures(community_a_worker, PERIOD, world["community_a"].code, today=TODAY)
    assert one.collected == 5


def test_a_resident_sees_no_statistics(world, resident):
    with pytest.raises(NotPermitted):
        statistics.figures(resident, PERIOD)


def test_the_cards_lists(world, district_admin):
    topics = Topic.objects.visible_to(district_admin)
    assert statistics.pending_topics(topics).count() == 1
    assert statistics.overdue_actions(ActionItem.objects.all(), TODAY).count() == 2
    # this month: 东关 has not met yet (its cadence is on); 西关 has the cadence off
    assert [r.name for r in statistics.months_without_meeting(district_admin)] == ["东关社区"]
    meeting(world["community_a"], MeetingKind.PARTY, timezone.now())
    assert statistics.months_without_meeting(district_admin) == []
