"""The verbs of an action item: progress, 调整时限, edit, complete (and the topic's 反馈),
cancel, a 反馈 by hand, the overdue list and its daily reminder — each with its refusals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.deliberation.actions import actions as verbs
from shegong.deliberation.models import ActionItem, ActionUpdate, Topic, TopicFollower
from shegong.deliberation.queries import actions as action_queries


def jpeg(name="p.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def topic(district, topic_category, resident):
    return Topic.objects.create(
        region=district["community_a"], category=topic_category, title="3号楼加装电梯",
        body="老人上下楼难", submitter=resident, status="adopted",
    )  # fmt: skip


def make(worker, district, category, **more):
    fields = {
        "region": district["community_a"], "category": category, "title": "3号楼加装电梯",
        "due_on": timezone.localdate() + timedelta(days=30), "owner_kind": "department",
        "owner_name": "城建办",
    }  # fmt: skip
    fields.update(more)
    if fields["owner_kind"] == "department" and "owner_department" not in fields:
        fields.update(owner_kind="person", owner_name="东关社区居委会")
    return verbs.create_action(worker, **fields)


def test_progress_moves_planned_to_in_progress_with_photos_and_refuses_going_down_silently(
    district, topic_category, community_a_worker
):
    item = make(community_a_worker, district, topic_category)
    assert item.status == "planned"
    verbs.update_progress(community_a_worker, item, 40, "完成可行性论证", photos=[jpeg()])
    item.refresh_from_db()
    assert item.status == "in_progress" and item.progress == 40
    entry = ActionUpdate.objects.get(action=item)
    assert entry.kind == "progress" and entry.progress == 40 and len(entry.photos) == 1
    assert entry.photos[0]["path"].startswith("deliberation/")
    with pytest.raises(InvalidInput) as down:
        verbs.update_progress(community_a_worker, item, 30, "")
    assert "低于当前的 40%" in str(down.value.errors)
    for bad in (-1, 101, "abc"):
        with pytest.raises(InvalidInput):
            verbs.update_progress(community_a_worker, item, bad, "x")
    verbs.update_progress(community_a_worker, item, 30, "方案调整，部分工作返工")
    item.refresh_from_db()
    assert item.progress == 30
    assert AuditEvent.objects.filter(verb=Verb.ACTION_PROGRESS).count() == 2
    assert ActionUpdate.objects.filter(action=item).count() == 2


def test_progress_by_the_owner_account_and_refused_to_others(
    district, topic_category, community_a_worker, street_b_staff, resident, neighbour
):
    item = make(community_a_worker, district, topic_category, owner_kind="person",
                owner_user=resident, owner_name="")  # fmt: skip
    assert item.owner_user_id == resident.pk
    verbs.update_progress(resident, item, 10, "已联系施工方")
    with pytest.raises(NotPermitted):
        verbs.update_progress(neighbour, item, 20, "冒充")
    with pytest.raises(NotFound):
        verbs.update_progress(street_b_staff, item, 20, "越权")
    with pytest.raises(NotFound):
        verbs.update_progress(community_a_worker, 999999, 20, "不存在")
    item.refresh_from_db()
    assert item.progress == 10


def test_a_bad_photo_writes_nothing(district, topic_category, community_a_worker):
    item = make(community_a_worker, district, topic_category)
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(InvalidInput):
        verbs.update_progress(community_a_worker, item, 50, "有照片", photos=[bad])
    item.refresh_from_db()
    assert item.progress == 0 and not ActionUpdate.objects.exists()


def test_redate_needs_a_reason_and_is_the_only_way_to_move_the_due_date(
    district, topic_category, community_a_worker, resident
):
    item = make(community_a_worker, district, topic_category)
    old = item.due_on
    new = old + timedelta(days=15)
    with pytest.raises(InvalidInput) as no_reason:
        verbs.redate(community_a_worker, item, new, "  ")
    assert "调整原因" in str(no_reason.value.errors)
    with pytest.raises(InvalidInput):
        verbs.redate(community_a_worker, item, old, "同一天")
    with pytest.raises(InvalidInput):
        verbs.redate(community_a_worker, item, timezone.localdate() - timedelta(days=1), "过去")
    with pytest.raises(NotPermitted):
        verbs.redate(resident, item, new, "居民不能调整")
    with pytest.raises(InvalidInput) as edit_due:
        verbs.edit(community_a_worker, item, due_on=new)
    assert "调整时限" in str(edit_due.value.errors)
    child = verbs.create_action(
        community_a_worker, parent=item, category=topic_category, title="子事项",
        due_on=old, owner_kind="person", owner_name="王某",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as before_child:
        verbs.redate(community_a_worker, item, old - timedelta(days=1), "提前")
    assert "子事项的完成时限" in str(before_child.value.errors)
    with pytest.raises(InvalidInput) as after_parent:
        verbs.redate(community_a_worker, child, old + timedelta(days=1), "延后")
    assert "不能晚于上级事项" in str(after_parent.value.errors)
    verbs.redate(community_a_worker, item, new, "等待电梯厂家排期")
    item.refresh_from_db()
    assert item.due_on == new and item.redate_count == 1
    entry = ActionUpdate.objects.get(action=item, kind="redated")
    assert (entry.old_due_on, entry.new_due_on, entry.text) == (old, new, "等待电梯厂家排期")
    event = AuditEvent.objects.get(verb=Verb.ACTION_REDATED)
    assert event.data["old_due_on"] == old.isoformat()
    assert event.data["new_due_on"] == new.isoformat()
    assert event.data["reason"] == "等待电梯厂家排期"


def test_edit_changes_the_fields_and_the_owner(
    district, topic_category, community_a_worker, department_a
):
    item = make(community_a_worker, district, topic_category)
    verbs.edit(
        community_a_worker, item, title="3号楼电梯", budget="80000", funding_source="专项资金",
        public=False, owner_kind="department", owner_department=department_a,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.title == "3号楼电梯" and str(item.budget) == "80000.00"
    assert item.public is False and item.owner_name == "城管局"
    with pytest.raises(InvalidInput):
        verbs.edit(community_a_worker, item, title="")
    with pytest.raises(InvalidInput):
        verbs.edit(community_a_worker, item, status="done")
    assert AuditEvent.objects.filter(verb=Verb.ACTION_EDITED).count() == 1


def test_complete_is_refused_while_children_are_open_then_delivers_the_topic_with_feedback(
    district, topic_category, community_a_worker, topic, neighbour, resident
):
    TopicFollower.objects.create(topic=topic, user=neighbour)
    item = make(community_a_worker, district, topic_category, topic=topic)
    other = make(community_a_worker, district, topic_category, topic=topic, title="电梯井道")
    kids = [
        verbs.create_action(
            community_a_worker,
            parent=item,
            category=topic_category,
            title=f"子事项{i}",
            due_on=item.due_on,
            owner_kind="person",
            owner_name="王某",
        )
        for i in range(2)
    ]
    with pytest.raises(DomainError) as refused:
        verbs.complete(community_a_worker, item, "完工")
    assert "尚有 2 项子事项未完成" in str(refused.value)
    verbs.complete(community_a_worker, kids[0], "完成")
    verbs.cancel(community_a_worker, kids[1], "并入主体工程")
    with pytest.raises(InvalidInput):
        verbs.complete(community_a_worker, item, "")
    verbs.complete(community_a_worker, item, "电梯已投入使用", photos=[jpeg()])
    item.refresh_from_db()
    assert item.status == "done" and item.progress == 100 and item.done_at is not None
    topic.refresh_from_db()
    assert topic.status == "adopted"  # the other item is still open
    assert not Notification.objects.filter(event="deliberation.action_feedback").exists()
    verbs.complete(community_a_worker, other, "井道完成")
    topic.refresh_from_db()
    other.refresh_from_db()
    assert topic.status == "delivered" and topic.delivered_at is not None
    told = Notification.objects.filter(event="deliberation.action_feedback")
    assert {n.recipient_id for n in told} == {resident.pk, neighbour.pk}
    assert other.feedback_at is not None
    assert ActionUpdate.objects.filter(action=other, kind="feedback").count() == 1
    done = AuditEvent.objects.filter(verb=Verb.ACTION_DONE, target_id=str(other.pk)).get()
    assert done.data["topic_delivered"] == topic.pk and done.data["feedback_to"] == 2
    with pytest.raises(DomainError):
        verbs.update_progress(community_a_worker, other, 50, "已落实后不能再更新")


def test_cancel_needs_a_reason_and_feedback_by_hand(
    district, topic_category, community_a_worker, topic, resident
):
    item = make(community_a_worker, district, topic_category, topic=topic)
    with pytest.raises(InvalidInput):
        verbs.cancel(community_a_worker, item, "")
    verbs.send_feedback(community_a_worker, item, "已列入明年计划，请耐心等待")
    assert Notification.objects.filter(
        event="deliberation.action_feedback", recipient=resident
    ).exists()
    with pytest.raises(InvalidInput):
        verbs.send_feedback(community_a_worker, item, "")
    bare = make(community_a_worker, district, topic_category)
    with pytest.raises(DomainError):
        verbs.send_feedback(community_a_worker, bare, "无来源议题")
    verbs.cancel(community_a_worker, item, "居民意见不一，暂缓")
    item.refresh_from_db()
    assert item.status == "cancelled"
    with pytest.raises(DomainError):
        verbs.cancel(community_a_worker, item, "再次取消")
    topic.refresh_from_db()
    assert topic.status == "adopted"  # nothing done: not delivered


def test_an_overdue_item_stays_on_the_list_until_closed_or_redated_with_a_reason(
    district, topic_category, community_a_worker, resident
):
    today = timezone.localdate()
    item = make(community_a_worker, district, topic_category)
    ActionItem.objects.filter(pk=item.pk).update(due_on=today - timedelta(days=3))
    assert list(action_queries.overdue(community_a_worker)) == [item]
    verbs.update_progress(community_a_worker, item, 90, "接近完成")
    verbs.edit(community_a_worker, item, title="改个名字")
    assert list(action_queries.overdue(community_a_worker)) == [item]
    assert list(action_queries.overdue(resident)) == []
    with pytest.raises(InvalidInput):
        verbs.redate(community_a_worker, item, today + timedelta(days=10), "")
    assert list(action_queries.overdue(community_a_worker)) == [item]
    verbs.redate(community_a_worker, item, today + timedelta(days=10), "材料延迟到货")
    assert list(action_queries.overdue(community_a_worker)) == []
    assert AuditEvent.objects.filter(verb=Verb.ACTION_REDATED).exists()
    # and past the new date it is back until done
    assert list(action_queries.overdue(community_a_worker, today + timedelta(days=11))) == [item]
    verbs.complete(community_a_worker, item, "完成")
    assert list(action_queries.overdue(community_a_worker, today + timedelta(days=11))) == []


def test_the_daily_scan_tells_the_owner_and_the_managers_once_a_day(
    district, topic_category, community_a_worker, resident, street_a_staff
):
    today = timezone.localdate()
    item = make(community_a_worker, district, topic_category, owner_kind="person",
                owner_user=resident, owner_name="")  # fmt: skip
    make(community_a_worker, district, topic_category, title="未逾期")
    ActionItem.objects.filter(pk=item.pk).update(due_on=today - timedelta(days=1))
    assert verbs.notify_overdue(today) == 1
    told = set(
        Notification.objects.filter(event="deliberation.action_overdue").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {resident.pk, community_a_worker.pk}
    assert verbs.notify_overdue(today) == 0  # once per day
    assert verbs.notify_overdue(today + timedelta(days=1)) == 1
    assert AuditEvent.objects.filter(verb=Verb.ACTION_OVERDUE_NOTIFIED).count() == 2
    item.refresh_from_db()
    assert item.overdue_notified_on == today + timedelta(days=1)


def test_the_overdue_todo_counts_the_overdue_list(district, topic_category, community_a_worker):
    item = make(community_a_worker, district, topic_category)
    ActionItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    todo = testing.todo_of(community_a_worker, "deliberation.actions_overdue")
    assert todo is not None and todo["count"] == 1
    other = testing.user(Role.COMMUNITY_WORKER, district["community_b"])
    found = testing.todo_of(other, "deliberation.actions_overdue")
    assert found is None or found["count"] == 0
