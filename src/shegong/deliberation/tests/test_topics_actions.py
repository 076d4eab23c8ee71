"""Topics (议题) through their actions: submit (and from a case or a need), the clock, the
similar-topic finder, support with its threshold, answer, merge, settings and categories —
with the issue's bad input: a second support, support from outside, a merge into itself or
into a closed topic."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shegong import testing
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.core.verbs import Verb
from shegong.deliberation.actions import topics
from shegong.deliberation.choices import TopicSource, TopicStatus
from shegong.deliberation.models import CommunitySettings, Topic, TopicFollower, TopicSupport
from shegong.deliberation.queries import topics as topic_queries

SHANGHAI = ZoneInfo("Asia/Shanghai")


def raise_topic(actor, region, category, title="3号楼加装电梯", **fields):
    return topics.submit(
        actor, region=region, category=category, title=title,
        body=fields.pop("body", "3号楼老人多，上下楼困难，希望加装电梯。"), **fields,
    )  # fmt: skip


@pytest.fixture
def topic(district, resident, topic_category):
    return raise_topic(resident, district["community_a"], topic_category)


def audits(verb):
    return list(AuditEvent.objects.filter(verb=int(verb)))


# --- submit ----------------------------------------------------------------------------------


def test_a_resident_raises_a_topic_for_their_community(district, resident, topic_category):
    found = raise_topic(resident, district["community_a"].code, topic_category, place="3号楼")
    assert found.source == TopicSource.RESIDENT and found.status == TopicStatus.PENDING
    assert found.submitter == resident and found.answer_due_at is not None
    assert TopicFollower.objects.filter(topic=found, user=resident).exists()
    [entry] = audits(Verb.TOPIC_SUBMITTED)
    assert entry.target_id == str(found.pk) and entry.data["source"] == "resident"


def test_the_community_managers_hear_of_a_new_topic(community_a_worker, topic):
    assert Notification.objects.filter(
        recipient=community_a_worker, event="deliberation.topic_submitted"
    ).exists()


def test_a_party_member_says_so(district, neighbour, topic_category):
    found = raise_topic(neighbour, district["community_a"], topic_category, source="party_member")
    assert found.source == TopicSource.PARTY_MEMBER


def test_volunteers_and_riders_raise_topics_as_themselves(district, topic_category):
    volunteer = testing.user(Role.VOLUNTEER, district["community_a"], name="志愿者")
    rider = testing.user(Role.WORKER, district["grid_a"], name="骑手")
    assert raise_topic(volunteer, district["community_a"], topic_category).source == "volunteer"
    assert raise_topic(rider, district["community_a"], topic_category, title="路灯").source == (
        "worker"
    )


def test_a_resident_cannot_raise_one_for_another_community(district, resident, topic_category):
    with pytest.raises(InvalidInput) as caught:
        raise_topic(resident, district["community_b"], topic_category)
    assert caught.value.errors[0]["field"] == "region"
    assert not Topic.objects.exists()


def test_a_topic_needs_a_title_body_and_active_category(district, resident, topic_category):
    with pytest.raises(InvalidInput) as caught:
        raise_topic(resident, district["community_a"], topic_category, title="  ")
    assert caught.value.errors[0] == {"field": "title", "message": "请填写议题"}
    topic_category.is_active = False
    topic_category.save()
    with pytest.raises(InvalidInput) as caught:
        raise_topic(resident, district["community_a"], topic_category)
    assert caught.value.errors[0]["field"] == "category"
    assert not Topic.objects.exists() and not audits(Verb.TOPIC_SUBMITTED)


def test_staff_enter_a_topic_for_a_resident_who_phoned(
    district, community_a_worker, topic_category
):
    found = raise_topic(
        community_a_worker, district["community_a"], topic_category,
        on_behalf_label="居民王某（电话反映）",
    )  # fmt: skip
    assert found.source == TopicSource.STAFF and found.submitter_label == "居民王某（电话反映）"


def test_staff_cannot_enter_one_outside_their_scope(district, community_a_worker, topic_category):
    with pytest.raises(NotFound):
        raise_topic(community_a_worker, district["community_b"], topic_category)


def test_the_clock_counts_working_days_over_a_weekend(district, resident, topic_category):
    CommunitySettings.objects.create(region=district["community_a"], answer_workdays=1)
    friday = datetime(2026, 6, 5, 15, 0, tzinfo=SHANGHAI)
    found = raise_topic(resident, district["community_a"], topic_category, now=friday)
    assert found.answer_due_at == datetime(
        2026, 6, 8, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )  # Monday 24:00


def test_the_clock_skips_the_national_day_holiday(district, resident, topic_category):
    CommunitySettings.objects.create(region=district["community_a"], answer_workdays=1)
    before = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    found = raise_topic(resident, district["community_a"], topic_category, now=before)
    assert found.answer_due_at == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_the_default_clock_is_five_working_days(district, resident, topic_category):
    monday = datetime(2026, 6, 8, 9, 0, tzinfo=SHANGHAI)
    found = raise_topic(resident, district["community_a"], topic_category, now=monday)
    assert found.answer_due_at == datetime(2026, 6, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)


# --- from a case, from a need ----------------------------------------------------------------


def test_staff_turn_a_snap_report_into_a_topic(
    district, resident, community_a_worker, topic_category
):
    from shegong.reports.actions.reports import submit_report

    report = submit_report(
        actor=resident, category=testing.report_category(), description="小区门口井盖缺失",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    found = topics.raise_from_report(community_a_worker, report, category=topic_category)
    assert found.source == TopicSource.REPORT and found.report == report
    assert found.region_id == district["community_a"].code
    assert found.body == "小区门口井盖缺失"


def test_staff_turn_an_unmet_need_into_a_topic(
    district, community_a_worker, street_b_staff, topic_category
):
    from shegong.matching.models import Category, Need

    testing.match_catalogue()
    need = Need.objects.create(
        region=district["community_a"], category=Category.objects.first(), description="缺少助餐点"
    )
    found = topics.raise_from_need(
        community_a_worker, need, category=topic_category, title="建助餐点"
    )
    assert found.source == TopicSource.NEED and found.need == need and found.title == "建助餐点"
    with pytest.raises(NotFound):
        topics.raise_from_need(street_b_staff, need, category=topic_category)
    need.status = "closed"
    need.save()
    with pytest.raises(DomainError, match="只有待满足的需求"):
        topics.raise_from_need(community_a_worker, need, category=topic_category)


# --- similar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("3号楼加装电梯", "三号楼装电梯的事", True),
        ("小区停车难", "小区停车太难了", True),
        ("3号楼加装电梯", "广场舞噪音扰民", False),
        ("5号楼加装电梯", "增设快递柜", False),
    ],
)
def test_similarity_of_real_titles(a, b, alike):
    assert (topic_queries.similarity(a, b) >= topic_queries.SIMILAR_THRESHOLD) is alike


def test_similar_finds_open_topics_of_the_same_community_most_supported_first(
    district, resident, neighbour, outsider, topic_category
):
    first = raise_topic(resident, district["community_a"], topic_category, title="3号楼加装电梯")
    second = raise_topic(neighbour, district["community_a"], topic_category, title="3号楼电梯加装")
    raise_topic(outsider, district["community_b"], topic_category, title="3号楼加装电梯")
    raise_topic(resident, district["community_a"], topic_category, title="广场舞噪音")
    topics.support(resident, second)
    found = topic_queries.similar(district["community_a"], "三号楼装电梯的事", "")
    assert found == [second, first]


def test_similar_leaves_closed_topics_out(district, resident, community_a_worker, topic_category):
    closed = raise_topic(resident, district["community_a"], topic_category)
    topics.answer(community_a_worker, closed, TopicStatus.REJECTED, "已在改造计划中")
    assert topic_queries.similar(district["community_a"], "3号楼加装电梯") == []


# --- support ---------------------------------------------------------------------------------


def test_a_neighbour_supports_once(topic, neighbour):
    topics.support(neighbour, topic)
    topic.refresh_from_db()
    assert topic.support_count == 1
    assert TopicFollower.objects.filter(topic=topic, user=neighbour).exists()
    with pytest.raises(DomainError, match="您已支持过该议题"):
        topics.support(neighbour, topic)
    topic.refresh_from_db()
    assert topic.support_count == 1 and TopicSupport.objects.count() == 1
    assert len(audits(Verb.TOPIC_SUPPORTED)) == 1


def test_support_from_outside_the_community_is_refused(topic, outsider, community_a_worker):
    with pytest.raises(DomainError, match="只有本社区居民可以支持"):
        topics.support(outsider, topic)
    with pytest.raises(DomainError, match="只有本社区居民可以支持"):
        topics.support(community_a_worker, topic)  # staff do not support
    assert not TopicSupport.objects.exists()


def test_a_closed_topic_takes_no_support(topic, neighbour, community_a_worker):
    topics.answer(community_a_worker, topic, TopicStatus.REJECTED, "不属于社区事务")
    with pytest.raises(DomainError, match="不能再支持"):
        topics.support(neighbour, topic)


def test_reaching_the_threshold_puts_it_on_the_agenda_once(
    district, topic, neighbour, resident, community_a_worker
):
    CommunitySettings.objects.create(region=district["community_a"], support_threshold=2)
    topics.support(neighbour, topic)
    topic.refresh_from_db()
    assert topic.agenda_ready_at is None
    topics.support(resident, topic)
    topic.refresh_from_db()
    assert topic.agenda_ready_at is not None
    told = Notification.objects.filter(
        recipient=community_a_worker, event="deliberation.topic_agenda_ready"
    )
    assert told.count() == 1 and "请列入下次议事会议程" in told.get().title
    last = AuditEvent.objects.filter(verb=int(Verb.TOPIC_SUPPORTED)).order_by("-id").first()
    assert last.data == {"count": 2, "agenda_ready": True}
    assert not audits(Verb.TOPIC_AGENDA_READY)  # in the support's entry, not a second one
    assert list(topic_queries.agenda_ready(Topic.objects.all())) == [topic]
    topics.withdraw_support(neighbour, topic)
    topics.support(neighbour, topic)
    assert told.count() == 1


def test_withdrawing_a_support(topic, neighbour):
    topics.support(neighbour, topic)
    topics.withdraw_support(neighbour, topic)
    topic.refresh_from_db()
    assert topic.support_count == 0
    with pytest.raises(DomainError, match="您尚未支持该议题"):
        topics.withdraw_support(neighbour, topic)


def test_following_and_unfollowing(topic, neighbour, outsider):
    topics.follow(neighbour, topic)
    assert TopicFollower.objects.filter(topic=topic, user=neighbour).exists()
    topics.follow(neighbour, topic, on=False)
    assert not TopicFollower.objects.filter(topic=topic, user=neighbour).exists()
    with pytest.raises(NotFound):
        topics.follow(outsider, topic)


# --- answer ----------------------------------------------------------------------------------


def test_answering_stops_the_clock_and_tells_the_followers(
    topic, resident, neighbour, community_a_worker
):
    topics.support(neighbour, topic)
    topics.answer(community_a_worker, topic, TopicStatus.EVALUATING, "正在征求业主意见")
    topic.refresh_from_db()
    first = topic.answered_at
    assert topic.status == TopicStatus.EVALUATING and topic.public and first is not None
    topics.answer(community_a_worker, topic, TopicStatus.ADOPTED, "")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ADOPTED and topic.answered_at == first
    for person in (resident, neighbour):
        assert (
            Notification.objects.filter(
                recipient=person, event="deliberation.topic_answered"
            ).count()
            == 2
        )
    assert topic_queries.clock_of(topic).css == "success"


def test_rejecting_needs_a_reason(topic, community_a_worker):
    with pytest.raises(InvalidInput) as caught:
        topics.answer(community_a_worker, topic, TopicStatus.REJECTED, " ")
    assert caught.value.errors[0] == {"field": "reason", "message": "请填写不予采纳的理由"}
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PENDING and topic.answered_at is None


def test_an_answer_follows_the_transition_table(topic, community_a_worker):
    topics.answer(community_a_worker, topic, TopicStatus.REJECTED, "不属于社区事务")
    with pytest.raises(IllegalTransition):
        topics.answer(community_a_worker, topic, TopicStatus.ADOPTED, "")


def test_only_managers_in_scope_answer(topic, street_b_staff, neighbour):
    with pytest.raises(NotFound):
        topics.answer(street_b_staff, topic, TopicStatus.ADOPTED, "")
    with pytest.raises(NotPermitted):
        topics.answer(neighbour, topic, TopicStatus.ADOPTED, "")


# --- merge -----------------------------------------------------------------------------------


def test_merging_carries_supports_over_counting_each_person_once(
    district, resident, neighbour, community_a_worker, topic_category
):
    volunteer = testing.user(Role.VOLUNTEER, district["community_a"], name="志愿者")
    into = raise_topic(resident, district["community_a"], topic_category, title="3号楼加装电梯")
    source = raise_topic(neighbour, district["community_a"], topic_category, title="三号楼装电梯")
    topics.support(neighbour, into)
    topics.support(neighbour, source)  # supports both: counts once
    topics.support(volunteer, source)
    topics.support(resident, source)
    result = topics.merge(community_a_worker, source, into, "同一件事")
    into.refresh_from_db()
    source.refresh_from_db()
    assert result == into
    assert into.support_count == 3 == TopicSupport.objects.filter(topic=into).count()
    assert source.support_count == 0 and not TopicSupport.objects.filter(topic=source).exists()
    assert source.status == TopicStatus.MERGED and source.merged_into == into
    assert TopicFollower.objects.filter(topic=into, user=volunteer).exists()
    assert Notification.objects.filter(recipient=neighbour, event="deliberation.topic_merged")
    [entry] = audits(Verb.TOPIC_MERGED)
    assert entry.data["moved_supports"] == 2 and entry.data["duplicate_supports"] == 1


def test_a_topic_cannot_merge_into_itself(topic, community_a_worker):
    with pytest.raises(InvalidInput, match="不能将议题合并到其自身"):
        topics.merge(community_a_worker, topic, topic)


def test_a_topic_cannot_merge_into_a_closed_one(
    district, topic, neighbour, community_a_worker, topic_category
):
    closed = raise_topic(neighbour, district["community_a"], topic_category, title="加装电梯")
    topics.answer(community_a_worker, closed, TopicStatus.REJECTED, "不具备条件")
    with pytest.raises(InvalidInput, match="不能合并到已关闭的议题"):
        topics.merge(community_a_worker, topic, closed)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PENDING and not audits(Verb.TOPIC_MERGED)


def test_merged_or_cross_community_topics_are_refused(
    district, topic, neighbour, outsider, district_admin, community_a_worker, topic_category
):
    other = raise_topic(neighbour, district["community_a"], topic_category, title="电梯")
    topics.merge(community_a_worker, other, topic)
    with pytest.raises(DomainError, match="不能再合并"):
        topics.merge(community_a_worker, other, topic)
    far = raise_topic(outsider, district["community_b"], topic_category, title="电梯")
    with pytest.raises(InvalidInput, match="只能合并同一社区的议题"):
        topics.merge(district_admin, far, topic)
    with pytest.raises(NotFound):
        topics.merge(community_a_worker, far, topic)


# --- settings and categories -----------------------------------------------------------------


def test_settings_are_saved_and_checked(district, community_a_worker, street_b_staff):
    row = topics.save_settings(
        community_a_worker, district["community_a"], hall_name="樟树议事厅",
        support_threshold="15", answer_workdays=3, adults=1200,
    )  # fmt: skip
    assert row.support_threshold == 15 and row.hall_name == "樟树议事厅"
    with pytest.raises(InvalidInput) as caught:
        topics.save_settings(community_a_worker, district["community_a"], answer_workdays=0)
    assert caught.value.errors[0]["field"] == "answer_workdays"
    with pytest.raises(NotFound):
        topics.save_settings(street_b_staff, district["community_a"], support_threshold=3)
    assert len(audits(Verb.DELIBERATION_SETTINGS_SAVED)) == 1


def test_district_staff_keep_the_categories(district_admin, community_a_worker, topic_category):
    added = topics.save_category(district_admin, code="greening", name="绿化美化", order=20)
    assert added.is_active
    topics.save_category(district_admin, category=added, name="绿化", order=20, is_active=False)
    added.refresh_from_db()
    assert added.name == "绿化" and not added.is_active
    with pytest.raises(InvalidInput, match="已有同名"):
        topics.save_category(district_admin, code="x", name=topic_category.name)
    with pytest.raises(NotPermitted):
        topics.save_category(community_a_worker, code="y", name="其他2")
