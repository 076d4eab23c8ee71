"""The quorum and decision rules: the law's defaults, "more than" is strict, overrides apply."""

import pytest

from shegong.deliberation.choices import MeetingKind
from shegong.deliberation.rules import decision_needed, quorum_needed, rule_for


@pytest.mark.parametrize(("expected", "needed"), [(40, 21), (41, 21), (1, 1), (0, 1), (300, 151)])
def test_a_residents_meeting_needs_more_than_half_of_those_expected(expected, needed):
    assert quorum_needed(MeetingKind.RESIDENTS, expected) == needed


def test_a_consultation_has_no_quorum_but_decides_by_a_majority_of_those_present():
    assert quorum_needed(MeetingKind.CONSULTATION, 50) == 0
    assert decision_needed(MeetingKind.CONSULTATION, present=12, expected=50) == 7


def test_a_party_meeting_decides_by_more_than_half_of_the_members_expected():
    assert decision_needed(MeetingKind.PARTY, present=20, expected=30) == 16


def test_a_village_meeting_is_noticed_ten_days_ahead_the_others_seven():
    assert rule_for(MeetingKind.VILLAGE).notice_days == 10
    assert rule_for(MeetingKind.RESIDENTS).notice_days == 7


def test_a_deployment_overrides_a_kind(settings):
    settings.SHEGONG_DELIBERATION_MEETING_RULES = {"representatives": {"quorum": "2/3"}}
    assert quorum_needed(MeetingKind.REPRESENTATIVES, 30) == 21
    assert quorum_needed(MeetingKind.RESIDENTS, 30) == 16


def test_the_seed_counts_count_what_their_definitions_say(district, topic_category):
    from datetime import timedelta

    from django.utils import timezone

    from shegong.deliberation.models import ActionItem, Meeting, Topic
    from shegong.deliberation.queries import counts

    now = timezone.now()
    community = district["community_a"]
    kept = Topic.objects.create(region=community, category=topic_category, title="a", body="b")
    Topic.objects.create(
        region=community, category=topic_category, title="c", body="d", status="merged",
        merged_into=kept,
    )  # fmt: skip
    Topic.objects.create(
        region=community, category=topic_category, title="e", body="f",
        created_at=now - timedelta(days=400),
    )  # fmt: skip
    year_ago = now - timedelta(days=365)
    assert counts.topics_collected(Topic.objects.all(), year_ago, now + timedelta(1)).count() == 1
    parent = ActionItem.objects.create(
        region=community, category=topic_category, title="p", owner_kind="person",
        owner_name="x", due_on=now.date(), status="done", done_at=now, progress=100,
    )  # fmt: skip
    ActionItem.objects.create(
        region=community, category=topic_category, title="c", owner_kind="person",
        owner_name="x", due_on=now.date(), status="done", done_at=now, progress=100,
        parent=parent,
    )  # fmt: skip
    assert counts.actions_delivered(ActionItem.objects.all()).count() == 1
    for kind, status in [
        ("thematic", "closed"),
        ("thematic", "noticed"),
        ("consultation", "closed"),
    ]:
        Meeting.objects.create(
            region=community, kind=kind, title="m", starts_at=now, place="p", status=status
        )
    assert counts.thematic_meetings(Meeting.objects.all()).count() == 1
