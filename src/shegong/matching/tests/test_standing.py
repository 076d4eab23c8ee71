"""Standing orders (常态化服务) through the actions on a real database: saving, the rota, idempotent
task generation, pause → skipped, done with a pending volunteer service record, missed with an
alert within the hour, and bad input; the scans."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.matching import scans
from shegong.matching.actions import standing
from shegong.matching.choices import StandingStatus, TaskStatus
from shegong.matching.models import CatalogueItem, Category, CommunitySettings, StandingTask
from shegong.volunteers.models import ServiceRecord

FUNDING = "社区公益基金（慈善会+企业）"


def elder(region, name="孙示范", birth="19400101"):
    return Person.objects.create(name=name, id_number=testing.id_number(birth), region=region)


@pytest.fixture
def helper_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="送餐志愿者")


@pytest.fixture
def meal_offer(district, helper_user):
    volunteer = testing.volunteer(district["community_a"], name="送餐志愿者", account=helper_user)
    team = testing.team(district["community_a"], name="东关助餐队")
    CommunitySettings.objects.create(region=district["community_a"], record_team=team)
    return testing.match_offer(
        district["community_a"], "meals", helper=helper_user, volunteer=volunteer,
        name="送餐志愿者",
    )  # fmt: skip


def make_standing(actor, district, person=None, **extra):
    values = {
        "region": district["community_a"], "category": Category.objects.get(code="meals"),
        "item": CatalogueItem.objects.get(name="上门送餐"),
        "beneficiary": person or elder(district["grid_a"]), "title": "上门送餐",
        "weekdays": [1, 2, 3, 4, 5, 6, 7], "at_time": time(11, 30), "minutes": 30,
        "starts_on": timezone.localdate() - timedelta(days=3), "funding_source": FUNDING,
    }  # fmt: skip
    values.update(extra)
    return standing.save_standing(actor, **values)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def test_save_standing_records_the_funding_source_and_an_audit_entry(district, community_a_worker):
    saved = make_standing(community_a_worker, district)
    assert saved.status == StandingStatus.ACTIVE and saved.funding_source == FUNDING
    assert saved.weekdays == [1, 2, 3, 4, 5, 6, 7]
    assert AuditEvent.objects.filter(verb=Verb.STANDING_SAVED, target_id=str(saved.pk)).exists()


def test_save_standing_refuses_bad_input_and_writes_nothing(district, community_a_worker):
    with pytest.raises(InvalidInput) as caught:
        make_standing(community_a_worker, district, weekdays=[0, 8])
    assert "周一至周日" in str(caught.value.errors)
    with pytest.raises(InvalidInput):
        make_standing(community_a_worker, district, weekdays=[])
    with pytest.raises(InvalidInput):
        make_standing(community_a_worker, district, minutes=0)
    with pytest.raises(InvalidInput):
        make_standing(
            community_a_worker, district, ends_on=timezone.localdate() - timedelta(days=10)
        )
    # A person of another street is not in the worker's scope.
    with pytest.raises(InvalidInput) as caught:
        make_standing(community_a_worker, district, person=elder(district["grid_b"], "钱示范"))
    assert "台账" in str(caught.value.errors)
    assert not standing.StandingOrder.objects.exists()


def test_save_standing_outside_the_scope_or_without_the_permission(district, street_b_staff):
    with pytest.raises(NotFound):
        make_standing(street_b_staff, district)
    resident = testing.user(Role.RESIDENT, district["community_a"])
    with pytest.raises(NotPermitted):
        make_standing(resident, district)


def test_rota_takes_only_approved_offers_of_the_category_and_community(
    district, community_a_worker, meal_offer
):
    order = make_standing(community_a_worker, district)
    other_category = testing.match_offer(district["community_a"], "medical", name="陪诊")
    other_place = testing.match_offer(district["community_b"], "meals", name="西关饭堂")
    paused = testing.match_offer(district["community_a"], "meals", name="暂停", status="paused")
    for bad in (other_category, other_place, paused):
        with pytest.raises(InvalidInput):
            standing.set_rota(order, {1: bad}, community_a_worker)
    assert not order.rota.exists()
    standing.set_rota(order, {d: meal_offer for d in range(1, 8)}, community_a_worker)
    assert order.rota.count() == 7
    assert AuditEvent.objects.filter(verb=Verb.ROTA_SAVED).count() == 1


def test_rota_of_a_risky_item_needs_an_insured_offer(district, community_a_worker):
    item = CatalogueItem.objects.get(name="上门送餐")
    item.risky = True
    item.save()
    order = make_standing(community_a_worker, district)
    uninsured = testing.match_offer(district["community_a"], "meals", name="未投保")
    with pytest.raises(InvalidInput) as caught:
        standing.set_rota(order, {1: uninsured}, community_a_worker)
    assert "投保" in str(caught.value.errors)
    insured = testing.match_offer(district["community_a"], "meals", name="已投保", risky_ok=True)
    standing.set_rota(order, {1: insured}, community_a_worker)


def test_generate_tasks_is_idempotent_and_uses_the_rota(district, community_a_worker, meal_offer):
    order = make_standing(community_a_worker, district)
    standing.set_rota(order, {d: meal_offer for d in range(1, 8)}, community_a_worker)
    weekly = make_standing(
        community_a_worker, district, person=elder(district["grid_a"], "李示范"), weekdays=[1]
    )
    day = timezone.localdate()
    made = standing.generate_tasks(day)
    assert made == (2 if day.isoweekday() == 1 else 1)
    assert standing.generate_tasks(day) == 0
    task = StandingTask.objects.get(standing_order=order, on=day)
    assert task.offer == meal_offer and task.status == TaskStatus.DUE
    assert task.due_at == at(day, 11, 30)
    assert StandingTask.objects.filter(standing_order=weekly).count() == (day.isoweekday() == 1)


def test_paused_order_gets_skipped_tasks_and_resumes(district, community_a_worker, meal_offer):
    order = make_standing(community_a_worker, district)
    today = timezone.localdate()
    standing.generate_tasks(today + timedelta(days=1))
    standing.pause(order, community_a_worker, until=today + timedelta(days=2), reason="住院")
    assert StandingTask.objects.get(on=today + timedelta(days=1)).status == TaskStatus.SKIPPED
    standing.generate_tasks(today + timedelta(days=2))
    standing.generate_tasks(today + timedelta(days=3))  # after the pause: due again
    statuses = dict(StandingTask.objects.values_list("on", "status"))
    assert statuses[today + timedelta(days=2)] == TaskStatus.SKIPPED
    assert statuses[today + timedelta(days=3)] == TaskStatus.DUE
    with pytest.raises(InvalidInput):
        standing.pause(order, community_a_worker, until=today - timedelta(days=1), reason="住院")
    standing.resume(order, community_a_worker)
    order.refresh_from_db()
    assert order.status == StandingStatus.ACTIVE
    assert StandingTask.objects.get(on=today + timedelta(days=1)).status == TaskStatus.DUE
    with pytest.raises(DomainError):
        standing.resume(order, community_a_worker)


def test_done_by_the_helper_makes_a_pending_service_record(
    district, community_a_worker, helper_user, meal_offer
):
    order = make_standing(community_a_worker, district)
    standing.set_rota(order, {d: meal_offer for d in range(1, 8)}, community_a_worker)
    day = timezone.localdate()
    standing.generate_tasks(day)
    task = StandingTask.objects.get(on=day)
    done = standing.mark_done(task, helper_user, note="已送达", now=at(day, 11, 40))
    assert done.status == TaskStatus.DONE and done.done_by == helper_user
    record = ServiceRecord.objects.get(pk=done.service_record_id)
    assert (record.kind, record.status, str(record.hours)) == ("order", "pending", "0.50")
    with pytest.raises(DomainError):
        standing.mark_done(task, helper_user, now=at(day, 11, 50))


def test_done_by_someone_else_is_refused(district, community_a_worker, meal_offer):
    order = make_standing(community_a_worker, district)
    standing.set_rota(order, {d: meal_offer for d in range(1, 8)}, community_a_worker)
    day = timezone.localdate()
    standing.generate_tasks(day)
    task = StandingTask.objects.get(on=day)
    stranger = testing.user(Role.VOLUNTEER, district["community_a"], name="路人")
    with pytest.raises(NotFound):
        standing.mark_done(task, stranger, now=at(day, 11, 40))
    # Staff of the community may mark it done for the helper (no record without a volunteer).
    standing.mark_done(task, community_a_worker, now=at(day, 11, 40))


def test_missed_task_alerts_the_community_workers_within_the_hour(
    district, community_a_worker, street_a_staff, street_b_staff, meal_offer
):
    order = make_standing(community_a_worker, district)
    standing.set_rota(order, {d: meal_offer for d in range(1, 8)}, community_a_worker)
    day = timezone.localdate()
    standing.generate_tasks(day)
    assert standing.flag_missed(at(day, 11, 59)) == 0  # not yet 30 minutes late
    assert standing.flag_missed(at(day, 12, 1)) == 1
    task = StandingTask.objects.get(on=day)
    assert task.status == TaskStatus.MISSED and task.alerted_at == at(day, 12, 1)
    assert task.alerted_at - task.due_at < timedelta(hours=1)
    told = set(
        Notification.objects.filter(event="matching.standing_missed").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {community_a_worker.pk, street_a_staff.pk}
    assert AuditEvent.objects.filter(verb=Verb.STANDING_TASK_MISSED).count() == 1
    assert standing.flag_missed(at(day, 13, 0)) == 0  # once
    # A missed task may still be done late.
    assert standing.mark_done(task, community_a_worker, now=at(day, 13, 0)).status == "done"


def test_end_drops_future_tasks(district, community_a_worker):
    order = make_standing(community_a_worker, district)
    today = timezone.localdate()
    standing.generate_tasks(today)
    standing.generate_tasks(today + timedelta(days=1))
    standing.end(order, community_a_worker, reason="搬离社区")
    assert list(StandingTask.objects.values_list("on", flat=True)) == [today]
    assert standing.generate_tasks(today + timedelta(days=2)) == 0
    with pytest.raises(DomainError):
        standing.set_rota(order, {}, community_a_worker)


def test_scans_generate_today_and_tomorrow_and_flag_missed(district, community_a_worker):
    make_standing(community_a_worker, district)
    assert scans.generate_standing_tasks() == 2
    assert scans.generate_standing_tasks() == 0
    StandingTask.objects.update(due_at=timezone.now() - timedelta(hours=1))
    assert scans.flag_missed_standing_tasks() == 2
