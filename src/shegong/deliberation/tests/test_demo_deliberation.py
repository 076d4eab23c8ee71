"""The 议事厅 demo (樟树议事厅): the seed's numbers read through the defined queries, the
invariants the actions keep, the logins, and a second load adding nothing."""

from __future__ import annotations

import time

import pytest
from django.db.models import Count, F, Q

from shegong.accounts.models import User
from shegong.core import demo, periods
from shegong.deliberation import demo as deliberation_demo
from shegong.deliberation.choices import ActionStatus, MeetingKind, MeetingStatus, TopicStatus
from shegong.deliberation.models import ActionItem, ActionUpdate, Meeting, Topic, TopicSupport
from shegong.deliberation.queries import counts, statistics
from shegong.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    return ctx


def test_the_demo_tells_the_seed_numbers_and_keeps_the_invariants(ctx, client):
    started = time.monotonic()
    written = deliberation_demo.load(ctx)
    assert time.monotonic() - started < 10
    community = Region.objects.get(name="樟树社区")
    assert community.level == "community" and community.parent.name == "东城街道"
    assert Region.objects.filter(parent=community, level="grid").count() == 1
    topics = Topic.objects.filter(region=community)
    actions = ActionItem.objects.filter(region=community)
    meetings = Meeting.objects.filter(region=community)
    assert written == counts.topics_collected(topics).count() == 134
    assert counts.actions_delivered(actions).count() == 102
    assert counts.thematic_meetings(meetings).count() == 6
    # a year of 一月一会: 12 closed 议事协商会 with a published record, one per month
    held = meetings.filter(kind=MeetingKind.CONSULTATION, status=MeetingStatus.CLOSED)
    assert held.count() == 12 and not held.filter(record_published_at__isnull=True).exists()
    assert len({f"{m.starts_at:%Y-%m}" for m in held}) == 12
    # 实到 = sign-ins + paper sign-ins; quorum and decisions met
    for meeting in meetings.annotate(signed=Count("attendances")):
        assert meeting.present_count == meeting.signed + meeting.paper_signins
        for item in meeting.items.filter(is_vote=True):
            assert item.votes_for + item.votes_against + item.votes_abstain == meeting.present_count
    # support_count equals the rows; agenda_ready_at only at the threshold
    counted = topics.annotate(rows=Count("supports"))
    assert not counted.exclude(support_count=F("rows")).exists()
    assert not topics.filter(support_count__lt=10, agenda_ready_at__isnull=False).exists()
    assert TopicSupport.objects.filter(topic__region=community).count() > 500
    # merged topics point at an open-or-delivered topic and are not collected
    assert topics.filter(status=TopicStatus.MERGED, merged_into__isnull=False).count() == 6
    # pending topics: clocks running, 2 past them; nothing pending is public
    pending = topics.filter(status=TopicStatus.PENDING)
    assert pending.count() == 9 and not pending.filter(public=True).exists()
    assert pending.filter(answer_due_at__lt=deliberation_demo.timezone.now()).count() == 2
    answered = topics.exclude(status=TopicStatus.PENDING)
    on_time = answered.filter(answered_at__lte=F("answer_due_at")).count()
    assert on_time > 0.9 * answered.count()
    # a topic is delivered iff all its items are done; progress 100 iff done
    for topic in topics.filter(status__in=[TopicStatus.DELIVERED, TopicStatus.ADOPTED]):
        done = [a.status == ActionStatus.DONE for a in topic.actions.all()]
        assert done and all(done) == (topic.status == TopicStatus.DELIVERED)
    assert not actions.filter(Q(progress=100) ^ Q(status=ActionStatus.DONE)).exists()
    open_items = actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
    assert open_items.count() == 15
    assert statistics.overdue_actions(actions).count() == 2
    assert ActionUpdate.objects.filter(action__region=community, kind="feedback").count() == 102
    assert actions.filter(parent__isnull=False).count() == 6
    # the logins
    worker = User.objects.get(phone=deliberation_demo.WORKER_PHONE)
    resident = User.objects.get(phone=deliberation_demo.RESIDENT_PHONE)
    assert worker.check_password(demo.PASSWORD) and resident.check_password(demo.PASSWORD)
    assert worker.active_membership.region == community
    assert resident.active_membership.region == community
    # the worker's statistics page and card tell the seed's sentence
    figures = statistics.figures(worker, periods.past_year())
    assert figures.headline() == "收集议题 134 项 · 落地实事 102 件 · 专题议事 6 场"
    assert (figures.cadence_met, figures.cadence_due) == (12, 12)
    client.force_login(worker)
    page = client.get("/deliberation/statistics/").content.decode()
    assert "收集议题" in page and 'data-sg-value="134"' in page
    home = client.get("/").content.decode()
    assert 'id="card-deliberation"' in home

    # loading twice adds nothing
    before = (Topic.objects.count(), ActionItem.objects.count(), User.objects.count(),
              Region.objects.count())  # fmt: skip
    assert deliberation_demo.load(ctx) == 0
    assert before == (Topic.objects.count(), ActionItem.objects.count(), User.objects.count(),
                      Region.objects.count())  # fmt: skip
