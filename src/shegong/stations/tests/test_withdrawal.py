"""撤回同意并注销: a worker's profile is anonymised, not deleted — the statistics it is part of
stay true, nothing ties it to the person, and a withdrawn profile can no longer be found,
served or enrolled. The person may register again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.models import Person
from shegong.stations import queries
from shegong.stations.actions import care, visits, workers
from shegong.stations.models import Distribution, Enrollment, Station, Visit, Worker

from .visit_fixtures import station, worker

WITHDRAWN = "该人员已注销新就业群体登记"


@pytest.fixture
def setup(district):
    today = timezone.localdate()
    east = station("东关驿站", testing.POINT_A)
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=10),
    )  # fmt: skip
    care.set_stock(campaign, east, 5, actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年骑手意外险", insurer="某保险公司", policy_number="P-001",
        region=district["street_a"], starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=300),
    )  # fmt: skip
    rider = worker(district["community_a"])
    rider.delivery_site = "美团东关站"
    rider.consent_version, rider.consent_at = "2026-11", timezone.now()
    rider.save()
    return {"station": east, "campaign": campaign, "batch": batch, "rider": rider}


def _served(setup):
    """The rider checked in, received a benefit and was enrolled: what statistics count."""
    rider = setup["rider"]
    visits.record_visit(setup["station"], worker=rider, actor=None)
    care.give_benefit(setup["campaign"], worker=rider, station=setup["station"], actor=None)
    care.enroll_workers(setup["batch"], [rider], actor=None)


def test_self_withdrawal_anonymises_the_profile_and_keeps_what_it_counted(setup):
    _served(setup)
    rider = setup["rider"]
    account = rider.person.user
    person_pk = rider.person_id
    year = timezone.localdate().year
    before = queries.statistics(Station.objects.all(), year)["totals"]

    workers.withdraw_worker(rider, actor=account, self_service=True, reason="不再跑外卖")

    rider.refresh_from_db()
    assert rider.person is None and rider.delivery_site == "" and rider.withdrawn_at is not None
    assert rider.consent_version == "2026-11" and rider.consent_at is not None  # the record
    assert rider.kind == "courier" and rider.region_id  # anonymous categories stay
    assert Person.objects.filter(pk=person_pk, user=account).exists()  # the ledger's, kept
    # Nothing deleted: the visit, the benefit and the enrolment still count.
    assert Visit.objects.filter(worker=rider).count() == 1
    assert Distribution.objects.filter(worker=rider).count() == 1
    assert Enrollment.objects.filter(worker=rider).count() == 1
    assert queries.statistics(Station.objects.all(), year)["totals"] == before
    assert not Worker.objects.live().exists()
    event = AuditEvent.objects.get(verb=Verb.WORKER_WITHDRAWN)
    assert event.data == {"self_service": True, "reason": "不再跑外卖"}
    assert event.actor == account and event.target_id == str(rider.pk)
    assert "骑手" not in event.target_label and "*" not in event.target_label  # no name at all
    assert event.region_id == rider.region_id


def test_someone_elses_self_withdrawal_is_not_found(setup, district):
    other = testing.user(Role.WORKER, district["community_a"], name="别的骑手")
    with pytest.raises(NotFound):
        workers.withdraw_worker(setup["rider"], actor=other, self_service=True)
    assert Worker.objects.live().count() == 1
    assert not AuditEvent.objects.filter(verb=Verb.WORKER_WITHDRAWN).exists()


def test_staff_withdraw_in_scope_with_a_reason(setup, street_a_staff, street_b_staff, resident):
    rider = setup["rider"]
    with pytest.raises(NotFound):
        workers.withdraw_worker(rider, actor=street_b_staff, self_service=False, reason="本人申请")
    with pytest.raises(NotPermitted):
        workers.withdraw_worker(rider, actor=resident, self_service=False, reason="本人申请")
    with pytest.raises(InvalidInput) as exc:
        workers.withdraw_worker(rider, actor=street_a_staff, self_service=False, reason="  ")
    assert exc.value.errors[0]["field"] == "reason"
    with pytest.raises(InvalidInput):
        workers.withdraw_worker(rider, actor=street_a_staff, self_service=False, reason="长" * 201)
    assert Worker.objects.live().count() == 1
    workers.withdraw_worker(rider, actor=street_a_staff, self_service=False, reason="本人申请")
    event = AuditEvent.objects.get(verb=Verb.WORKER_WITHDRAWN)
    assert event.data == {"self_service": False, "reason": "本人申请"}


def test_a_withdrawn_profile_cannot_be_withdrawn_or_edited_again(setup, street_a_staff):
    rider = setup["rider"]
    account = rider.person.user
    workers.withdraw_worker(rider, actor=None, self_service=False, reason="本人申请")
    with pytest.raises(NotFound):
        workers.withdraw_worker(rider, actor=account, self_service=True)
    with pytest.raises(NotFound):
        workers.update_worker(rider, actor=street_a_staff, delivery_site="东关站")
    with pytest.raises(DomainError) as exc:
        workers.withdraw_worker(rider, actor=None, self_service=False, reason="再次")
    assert exc.value.detail == WITHDRAWN
    assert AuditEvent.objects.filter(verb=Verb.WORKER_WITHDRAWN).count() == 1


def test_the_person_may_register_again_after_withdrawing(district):
    account = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    data = {
        "name": "王小明", "id_number": testing.id_number(), "phone": "13800000001",
        "kind": "delivery_rider", "region": district["community_a"].code, "consent": True,
        "self_service": True,
    }  # fmt: skip
    first = workers.register_worker(actor=account, **data)
    workers.withdraw_worker(first, actor=account, self_service=True)
    second = workers.register_worker(actor=account, **data)
    assert second.pk != first.pk and second.person_id == Person.objects.get().pk
    assert Worker.objects.count() == 2 and list(Worker.objects.live()) == [second]
    account.person.refresh_from_db()
    assert account.person.worker == second  # the one live profile


def test_a_withdrawn_worker_cannot_check_in(setup):
    rider = setup["rider"]
    workers.withdraw_worker(rider, actor=None, self_service=False, reason="本人申请")
    with pytest.raises(DomainError) as exc:
        visits.record_visit(setup["station"], worker=rider, actor=None)
    assert exc.value.detail == WITHDRAWN
    assert not Visit.objects.exists()


def test_a_withdrawn_worker_receives_nothing_and_is_not_enrolled(setup, street_a_staff):
    rider = setup["rider"]
    stale = Worker.objects.get(pk=rider.pk)  # loaded before the withdrawal
    workers.withdraw_worker(rider, actor=None, self_service=False, reason="本人申请")
    with pytest.raises(DomainError) as exc:
        care.give_benefit(setup["campaign"], worker=stale, station=setup["station"], actor=None)
    assert exc.value.detail == WITHDRAWN
    with pytest.raises(DomainError) as exc:
        care.enroll_workers(setup["batch"], [stale], actor=street_a_staff)
    assert exc.value.detail == WITHDRAWN
    assert not Distribution.objects.exists() and not Enrollment.objects.exists()
    assert not AuditEvent.objects.filter(verb__in=[Verb.BENEFIT_GIVEN, Verb.WORKERS_ENROLLED])


def test_find_worker_never_finds_a_withdrawn_profile(setup, street_a_staff):
    rider = setup["rider"]
    person = rider.person
    person.phone = "13812340000"
    person.save(update_fields=["phone"])
    assert queries.find_worker(street_a_staff, person.phone) == rider
    assert queries.find_worker(None, person.id_number) == rider
    workers.withdraw_worker(rider, actor=None, self_service=False, reason="本人申请")
    assert queries.find_worker(street_a_staff, person.phone) is None
    assert queries.find_worker(None, person.id_number) is None


def test_the_database_refuses_a_half_withdrawn_row(setup):
    rider = setup["rider"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Worker.objects.filter(pk=rider.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Worker.objects.filter(pk=rider.pk).update(person=None)
