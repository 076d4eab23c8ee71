"""Professional social workers: register, edit, stationing, senior pairing, guidance logs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.volunteers.actions import socialwork
from shegong.volunteers.models import GuidanceLog, Pairing, SocialWorker, Stationing
from shegong.volunteers.queries import socialwork as socialwork_queries

from .people_fixtures import id_for


def fields(exc):
    return {e["field"]: e["message"] for e in exc.value.errors}


def register(actor, district, **extra):
    data = {
        "name": "陈社工", "id_number": id_for(38), "phone": "13800000031",
        "qualification": "senior", "certificate_number": "GJ-2021-0001",
        "region": district["street_a"].code,
    }  # fmt: skip
    data.update(extra)
    return socialwork.register_social_worker(actor=actor, **data)


@pytest.fixture
def sw(district, street_a_staff, people_agency):
    return register(street_a_staff, district, employer=people_agency.pk)


def days(n):
    return timezone.localdate() + timedelta(days=n)


def test_register_and_edit(district, street_a_staff, people_agency, sw):
    assert sw.employer == people_agency and sw.qualification == "senior"
    assert sw.person.name == "陈社工"
    socialwork.update_social_worker(sw, actor=street_a_staff, certificate_number="GJ-2")
    sw.refresh_from_db()
    assert sw.certificate_number == "GJ-2"
    assert AuditEvent.objects.filter(verb=Verb.SOCIAL_WORKER_SAVED).count() == 2


def test_register_bad_input_and_permission(district, street_a_staff, community_a_worker):
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, district, qualification="master", employer=999999,
                 region=district["community_b"].code, id_number="123")  # fmt: skip
    assert {"qualification", "employer", "region", "id_number"} <= set(fields(exc))
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, district, qualification="none")
    assert "certificate_number" in fields(exc)
    with pytest.raises(NotPermitted):  # a community worker has no socialwork.manage
        register(community_a_worker, district)
    number = id_for(41)
    register(street_a_staff, district, id_number=number)
    with pytest.raises(InvalidInput) as exc:
        register(street_a_staff, district, id_number=number)
    assert "已登记为专业社工" in fields(exc)["id_number"]
    assert SocialWorker.objects.count() == 1


def test_stationing_one_open_per_community(district, street_a_staff, street_b_staff, sw):
    stationing = socialwork.add_stationing(
        sw, actor=street_a_staff, region=district["community_a"].code, starts_on=days(-30)
    )
    with pytest.raises(InvalidInput) as exc:
        socialwork.add_stationing(sw, actor=street_a_staff, region=district["community_a"].code,
                                  starts_on=days(-1))  # fmt: skip
    assert "已在东关社区驻点" in fields(exc)["region"]
    with pytest.raises(InvalidInput):  # not a community in scope
        socialwork.add_stationing(sw, actor=street_a_staff, region=district["community_b"].code,
                                  starts_on=days(-1))  # fmt: skip
    with pytest.raises(InvalidInput) as exc:  # ends before it starts
        socialwork.add_stationing(sw, actor=street_a_staff, region=district["community_a"].code,
                                  starts_on=days(-1), ends_on=days(-5))  # fmt: skip
    assert "早于开始日期" in fields(exc)["ends_on"]
    with pytest.raises(NotFound):
        socialwork.add_stationing(sw, actor=street_b_staff, region=district["community_b"].code,
                                  starts_on=days(-1))  # fmt: skip
    socialwork.end_stationing(stationing.pk, actor=street_a_staff)
    stationing.refresh_from_db()
    assert stationing.ends_on == timezone.localdate()
    with pytest.raises(NotFound):
        socialwork.end_stationing(stationing.pk, actor=street_b_staff)
    # After it ended, a new stationing at the same community may start.
    socialwork.add_stationing(sw, actor=street_a_staff, region=district["community_a"].code,
                              starts_on=days(1))  # fmt: skip
    assert Stationing.objects.count() == 2
    assert AuditEvent.objects.filter(verb=Verb.STATIONING_SAVED).count() == 3


def test_only_senior_social_workers_pair(district, street_a_staff, sw):
    junior = register(street_a_staff, district, id_number=id_for(28), name="赵社工",
                      qualification="assistant", certificate_number="ZL-1")  # fmt: skip
    with pytest.raises(InvalidInput, match="高级社会工作师"):
        socialwork.add_pairing(junior, actor=street_a_staff, region=district["community_a"].code,
                               starts_on=days(-10))  # fmt: skip
    pairing = socialwork.add_pairing(
        sw, actor=street_a_staff, region=district["community_a"].code, starts_on=days(-10)
    )
    assert Pairing.objects.get() == pairing
    with pytest.raises(DomainError, match="结对"):  # downgrading a paired senior is refused
        socialwork.update_social_worker(sw, actor=street_a_staff, qualification="intermediate")
    assert AuditEvent.objects.filter(verb=Verb.PAIRING_SAVED).count() == 1


def test_guidance_by_the_paired_social_worker_and_by_staff(
    district, street_a_staff, street_b_staff, sw
):
    account = testing.user(Role.SOCIAL_WORKER, district["community_a"], name="陈社工")
    sw.person.user = account
    sw.person.save()
    pairing = socialwork.add_pairing(
        sw, actor=street_a_staff, region=district["community_a"].code, starts_on=days(-10)
    )
    log = socialwork.log_guidance(pairing, actor=account, on=days(-1), mode="offline",
                                  topic="社区议事协商指导", content="指导议事规则")  # fmt: skip
    assert log.recorded_by == account
    socialwork.log_guidance(pairing.pk, actor=street_a_staff, on=days(0), mode="online",
                            topic="线上答疑")  # fmt: skip
    with pytest.raises(NotFound):
        socialwork.log_guidance(pairing.pk, actor=street_b_staff, on=days(0), mode="online",
                                topic="越权")  # fmt: skip
    other = testing.user(Role.SOCIAL_WORKER, district["community_a"], name="别的社工")
    with pytest.raises(NotFound):  # a social worker logs only for their own pairings
        socialwork.log_guidance(pairing.pk, actor=other, on=days(0), mode="online", topic="x")
    assert GuidanceLog.objects.count() == 2
    assert AuditEvent.objects.filter(verb=Verb.GUIDANCE_LOGGED).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mode": "phone"}, "mode"),
        ({"topic": ""}, "topic"),
        ({"topic": "长" * 101}, "topic"),
        ({"on": None}, "on"),
    ],
)
def test_guidance_bad_input(district, street_a_staff, sw, changes, field):
    pairing = socialwork.add_pairing(
        sw, actor=street_a_staff, region=district["community_a"].code, starts_on=days(-10)
    )
    data = {"on": days(-1), "mode": "offline", "topic": "主题"}
    data.update(changes)
    with pytest.raises(InvalidInput) as exc:
        socialwork.log_guidance(pairing, actor=street_a_staff, **data)
    assert field in fields(exc)
    assert not GuidanceLog.objects.exists()


def test_guidance_dates_within_the_pairing(district, street_a_staff, sw):
    pairing = socialwork.add_pairing(
        sw, actor=street_a_staff, region=district["community_a"].code, starts_on=days(-10)
    )
    for day in (days(-11), days(1)):
        with pytest.raises(InvalidInput):
            socialwork.log_guidance(pairing, actor=street_a_staff, on=day, mode="offline",
                                    topic="t")  # fmt: skip


def test_overview_counts_today_in_scope(district, street_a_staff, street_b_staff, sw):
    socialwork.add_stationing(sw, actor=street_a_staff, region=district["community_a"].code,
                              starts_on=days(-5))  # fmt: skip
    socialwork.add_pairing(sw, actor=street_a_staff, region=district["community_a"].code,
                           starts_on=days(-5))  # fmt: skip
    assert socialwork_queries.overview(street_a_staff) == {
        "stationed_workers": 1, "covered_communities": 1, "pairings": 1, "senior": 1,
    }  # fmt: skip
    assert socialwork_queries.overview(street_b_staff) == {
        "stationed_workers": 0, "covered_communities": 0, "pairings": 0, "senior": 0,
    }  # fmt: skip
