"""新就业群体 actions: register (self-service and by staff) and update."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.ledger.models import Organization, Person
from shegong.ledger.tests.records_fixtures import id_number
from shegong.stations import consent
from shegong.stations.actions import workers
from shegong.stations.models import Worker


@pytest.fixture
def rider(district):
    return testing.user(Role.WORKER, district["community_a"], name="骑手小王")


@pytest.fixture
def platform(district):
    return Organization.objects.create(
        kind="platform", name="美团外卖", region=district["street_a"]
    )


def register(actor, *, self_service=True, **extra):
    data = {
        "name": "王小明", "id_number": id_number(), "phone": "13800000001",
        "kind": "delivery_rider", "region": "341271001001", "consent": True,
        "self_service": self_service,
    }  # fmt: skip
    data.update(extra)
    return workers.register_worker(actor=actor, **data)


def field_errors(exc):
    return {e["field"]: e["message"] for e in exc.value.errors}


def test_self_registration_creates_person_links_user_and_records_consent(district, rider, platform):
    worker = register(rider, platform=platform.pk, delivery_site="东关站", party_member=True)
    person = worker.person
    assert person.user == rider
    assert person.name == "王小明" and person.occupation == "delivery_rider"
    assert worker.consent_version == consent.CONSENT_VERSION and worker.consent_at is not None
    assert worker.registered_by is None and worker.platform == platform
    assert worker.party_member and worker.delivery_site == "东关站"
    assert AuditEvent.objects.filter(verb=Verb.PERSON_CREATED, target_id=str(person.pk)).exists()
    event = AuditEvent.objects.get(verb=Verb.WORKER_REGISTERED)
    assert event.data["self_service"] and event.data["person_created"]
    assert "王小明" not in event.target_label  # masked


def test_missing_consent_is_a_field_error_and_writes_nothing(district, rider):
    with pytest.raises(InvalidInput) as exc:
        register(rider, consent=False)
    assert field_errors(exc)["consent"] == "请阅读并同意个人信息处理告知书"
    assert not Person.objects.exists() and not Worker.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bad_id_number_checksum_is_a_field_error(district, rider):
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        register(rider, id_number=bad)
    assert "id_number" in field_errors(exc)
    assert not Person.objects.exists()


def test_bad_kind_and_region_are_field_errors(district, rider):
    with pytest.raises(InvalidInput) as exc:
        register(rider, kind="employee", region="999999999999")
    assert {"kind", "region"} <= set(field_errors(exc))


def test_same_id_number_by_two_users_is_refused(district, rider):
    number = id_number()
    register(rider, id_number=number)
    other = testing.user(Role.WORKER, district["community_a"], name="冒名者")
    with pytest.raises(InvalidInput) as exc:
        register(other, id_number=number)
    assert "id_number" in field_errors(exc)
    assert Worker.objects.count() == 1
    assert Person.objects.get().user == rider


def test_second_profile_for_the_same_user_is_refused(district, rider):
    register(rider)
    with pytest.raises(DomainError):
        register(rider)
    assert Worker.objects.count() == 1


def test_person_linked_to_another_account_is_refused(district, rider, street_a_staff):
    number = id_number()
    other = testing.user(Role.RESIDENT, district["community_a"], name="别人")
    Person.objects.create(name="王小明", id_number=number, region=district["grid_a"], user=other)
    with pytest.raises(InvalidInput) as exc:
        register(rider, id_number=number)
    assert "已关联其他账号" in field_errors(exc)["id_number"]
    assert not Worker.objects.exists()


def test_existing_ledger_person_is_reused_not_copied(district, rider):
    number = id_number()
    person = Person.objects.create(name="王小明", id_number=number, region=district["grid_a"])
    worker = register(rider, id_number=number)
    assert Person.objects.count() == 1
    assert worker.person_id == person.pk
    person.refresh_from_db()
    assert person.user == rider and person.phone == "13800000001"  # empty phone filled
    assert not AuditEvent.objects.filter(verb=Verb.PERSON_CREATED).exists()


def test_existing_person_with_another_name_is_refused(district, rider):
    number = id_number()
    Person.objects.create(name="李四", id_number=number, region=district["grid_a"])
    with pytest.raises(InvalidInput) as exc:
        register(rider, id_number=number)
    assert "name" in field_errors(exc)
    assert Person.objects.get().user is None


def test_staff_registration_in_scope_records_registered_by(district, street_a_staff):
    worker = register(street_a_staff, self_service=False, region=district["grid_a"].code)
    assert worker.registered_by == street_a_staff
    assert worker.person.user is None  # staff do not link their own account
    assert worker.consent_version == consent.CONSENT_VERSION


def test_staff_registration_requires_confirmed_consent(district, street_a_staff):
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, self_service=False, consent=False)
    assert field_errors(exc)["consent"] == consent.STAFF_CONSENT_REQUIRED
    assert not Worker.objects.exists()


def test_staff_registration_outside_scope_is_refused(district, street_b_staff):
    with pytest.raises(InvalidInput) as exc:
        register(street_b_staff, self_service=False, region=district["community_a"].code)
    assert "region" in field_errors(exc)
    assert not Person.objects.exists()


def test_resident_cannot_register_others(district, resident):
    with pytest.raises(NotPermitted):
        register(resident, self_service=False)


def test_update_worker_changes_and_audits(district, street_a_staff, platform):
    worker = register(None, self_service=False)
    workers.update_worker(
        worker, actor=street_a_staff, kind="courier", platform=platform.pk,
        region=district["grid_a"].code,
    )  # fmt: skip
    worker.refresh_from_db()
    assert worker.kind == "courier" and worker.platform == platform
    event = AuditEvent.objects.get(verb=Verb.WORKER_UPDATED)
    assert event.data["changed"]["kind"] == ["delivery_rider", "courier"]


def test_update_worker_out_of_scope_is_not_found(district, street_b_staff):
    worker = register(None, self_service=False)
    with pytest.raises(NotFound):
        workers.update_worker(worker, actor=street_b_staff, kind="courier")
    worker.refresh_from_db()
    assert worker.kind == "delivery_rider"


# --- self-service edit ------------------------------------------------------------------------


def test_worker_edits_own_profile_region_anywhere_and_audit_says_self_service(
    district, rider, platform
):
    worker = register(rider)
    # Street B is outside the rider's membership: a rider moves across the district.
    workers.update_worker(
        worker, actor=rider, self_service=True, delivery_site="西关站", platform=platform.pk,
        party_member=True, region=district["community_b"].code,
    )  # fmt: skip
    worker.refresh_from_db()
    assert worker.delivery_site == "西关站" and worker.platform == platform
    assert worker.party_member and worker.region == district["community_b"]
    event = AuditEvent.objects.get(verb=Verb.WORKER_UPDATED)
    assert event.data["self_service"] is True and event.actor == rider
    assert event.data["changed"]["delivery_site"] == ["", "西关站"]


def test_self_service_edit_of_another_workers_profile_is_not_found(district, rider):
    theirs = register(None, self_service=False)
    with pytest.raises(NotFound):
        workers.update_worker(theirs, actor=rider, self_service=True, delivery_site="冒名")
    theirs.refresh_from_db()
    assert theirs.delivery_site == ""
    assert not AuditEvent.objects.filter(verb=Verb.WORKER_UPDATED).exists()


def test_self_service_cannot_change_name_id_or_phone(district, rider):
    worker = register(rider)
    with pytest.raises(InvalidInput) as exc:
        workers.update_worker(worker, actor=rider, self_service=True, name="王大明")
    assert "不能修改" in exc.value.detail
    assert Person.objects.get().name == "王小明"


def test_self_service_bad_values_are_field_errors_and_write_nothing(district, rider):
    worker = register(rider, delivery_site="东关站")
    with pytest.raises(InvalidInput) as exc:
        workers.update_worker(
            worker, actor=rider, self_service=True, kind="employee", region="999999999999",
            delivery_site="站" * 101,
        )  # fmt: skip
    errors = field_errors(exc)
    assert errors["region"] == "请选择所在街道或社区"
    assert {"kind", "delivery_site"} <= set(errors)
    worker.refresh_from_db()
    assert worker.delivery_site == "东关站"
    assert not AuditEvent.objects.filter(verb=Verb.WORKER_UPDATED).exists()


def test_staff_edit_without_self_service_is_still_scoped_to_the_staff(district, rider, resident):
    worker = register(rider)
    with pytest.raises(NotPermitted):  # the worker's own account is no staff
        workers.update_worker(worker, actor=rider, delivery_site="东关站")
    with pytest.raises(NotFound):  # a resident is not this worker
        workers.update_worker(worker, actor=resident, self_service=True, delivery_site="东关站")
