"""Care actions: campaigns (dates, region, stock, once per worker — the check and the database
constraint racing it) and insurance enrolment (counts, duplicates and outsiders skipped)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.stations import queries
from shegong.stations.actions import care
from shegong.stations.models import CampaignStock, Distribution, Enrollment

from .visit_fixtures import station, worker

TODAY = timezone.localdate


def _campaign(region, *, starts=-1, ends=10, actor=None, name="清凉新力量"):
    today = TODAY()
    return care.create_campaign(
        actor=actor, name=name, benefit="防暑降温包", region=region,
        starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends),
    )  # fmt: skip


@pytest.fixture
def setup(district):
    a = station("东关驿站", testing.POINT_A)
    b = station("西城驿站", testing.POINT_B)
    campaign = _campaign(district["street_a"])
    care.set_stock(campaign, a, 2, actor=None)
    return {"a": a, "b": b, "campaign": campaign, "rider": worker(district["community_a"])}


def _audits(verb):
    return AuditEvent.objects.filter(verb=int(verb)).count()


def test_give_benefit_once_then_a_clear_refusal(setup):
    campaign, rider = setup["campaign"], setup["rider"]
    given = care.give_benefit(campaign, worker=rider, station=setup["a"], actor=None)
    assert given.worker == rider and given.station == setup["a"]
    assert _audits(Verb.BENEFIT_GIVEN) == 1
    with pytest.raises(care.AlreadyReceived) as exc:
        care.give_benefit(campaign, worker=rider, station=setup["a"], actor=None)
    assert "该人员已领取过本次活动物资" in exc.value.detail and "东关驿站" in exc.value.detail
    assert timezone.localtime(given.given_at).strftime("%Y-%m-%d %H:%M") in exc.value.detail
    assert Distribution.objects.count() == 1 and _audits(Verb.BENEFIT_GIVEN) == 1


def test_the_database_refuses_a_second_distribution(setup):
    campaign, rider = setup["campaign"], setup["rider"]
    Distribution.objects.create(campaign=campaign, worker=rider, station=setup["a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Distribution.objects.create(campaign=campaign, worker=rider, station=setup["a"])


def test_the_race_gets_the_same_message_and_writes_nothing(setup, monkeypatch):
    campaign, rider = setup["campaign"], setup["rider"]
    # The other hand-out commits between our check and our insert: the check sees nothing.
    Distribution.objects.create(campaign=campaign, worker=rider, station=setup["a"])
    real = care._previous
    calls = []

    def blind_first(c, w):
        calls.append(1)
        return None if len(calls) == 1 else real(c, w)

    monkeypatch.setattr(care, "_previous", blind_first)
    with pytest.raises(care.AlreadyReceived) as exc:
        care.give_benefit(campaign, worker=rider, station=setup["a"], actor=None)
    assert len(calls) == 2  # the IntegrityError path looked it up again
    assert "该人员已领取过本次活动物资（" in exc.value.detail and "东关驿站" in exc.value.detail
    assert Distribution.objects.count() == 1 and _audits(Verb.BENEFIT_GIVEN) == 0


def test_stock_runs_out(setup, district):
    campaign = setup["campaign"]
    for name in ("骑手甲", "骑手乙"):
        care.give_benefit(
            campaign, worker=worker(district["community_a"], name), station=setup["a"], actor=None
        )
    with pytest.raises(DomainError, match="该驿站物资已发完"):
        care.give_benefit(campaign, worker=setup["rider"], station=setup["a"], actor=None)
    assert Distribution.objects.count() == 2


def test_no_stock_at_a_station_is_out_of_stock(setup, district):
    other = station("东关二号驿站", testing.POINT_A)
    with pytest.raises(DomainError, match="该驿站物资已发完"):
        care.give_benefit(setup["campaign"], worker=setup["rider"], station=other, actor=None)


def test_stock_cannot_drop_below_what_was_given(setup):
    care.give_benefit(setup["campaign"], worker=setup["rider"], station=setup["a"], actor=None)
    with pytest.raises(InvalidInput, match="不能少于已发放数"):
        care.set_stock(setup["campaign"], setup["a"], 0, actor=None)
    care.set_stock(setup["campaign"], setup["a"], 5, actor=None)
    assert CampaignStock.objects.get().quantity == 5
    with pytest.raises(InvalidInput):
        care.set_stock(setup["campaign"], setup["a"], -1, actor=None)


@pytest.mark.parametrize(
    ("starts", "ends", "message"), [(1, 5, "活动尚未开始"), (-5, -1, "活动已结束")]
)
def test_outside_the_campaign_dates(setup, district, starts, ends, message):
    campaign = _campaign(district["street_a"], starts=starts, ends=ends)
    care.set_stock(campaign, setup["a"], 5, actor=None)
    with pytest.raises(DomainError, match=message):
        care.give_benefit(campaign, worker=setup["rider"], station=setup["a"], actor=None)
    assert not Distribution.objects.exists()


def test_station_outside_the_campaign_region(setup):
    with pytest.raises(InvalidInput, match="不在本次活动范围"):
        care.set_stock(setup["campaign"], setup["b"], 3, actor=None)
    with pytest.raises(InvalidInput, match="不在本次活动范围"):
        care.give_benefit(setup["campaign"], worker=setup["rider"], station=setup["b"], actor=None)
    assert not Distribution.objects.exists()


def test_campaign_input_and_permissions(district, street_a_staff, resident):
    with pytest.raises(InvalidInput) as exc:
        care.create_campaign(
            actor=street_a_staff, name="", benefit="", region=district["street_b"],
            starts_on=date(2026, 7, 2), ends_on=date(2026, 7, 1),
        )  # fmt: skip
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"name", "benefit", "region", "ends_on"}
    with pytest.raises(NotPermitted):
        _campaign(district["street_a"], actor=resident)
    made = _campaign(district["street_a"], actor=street_a_staff)
    assert made.created_by == street_a_staff and _audits(Verb.CARE_CAMPAIGN_SAVED) == 1


def test_scope_of_the_actor(setup, district, street_b_staff, community_a_worker):
    with pytest.raises(NotFound):
        care.give_benefit(
            setup["campaign"], worker=setup["rider"], station=setup["a"], actor=street_b_staff
        )
    # a street campaign is run by the community inside it
    given = care.give_benefit(
        setup["campaign"], worker=setup["rider"], station=setup["a"], actor=community_a_worker
    )
    assert given.given_by == community_a_worker
    assert set(queries.campaigns_visible_to(street_b_staff)) == set()
    district_wide = _campaign(district["district"], name="腊八粥")
    assert district_wide in queries.campaigns_visible_to(street_b_staff)


def test_find_worker_by_id_number_or_phone(setup, street_a_staff, street_b_staff):
    rider = setup["rider"]
    rider.person.phone = "13900001111"
    rider.person.save()
    assert queries.find_worker(street_a_staff, rider.person.id_number.lower()) == rider
    assert queries.find_worker(street_a_staff, "13900001111") == rider
    assert queries.find_worker(street_b_staff, rider.person.id_number) is None
    assert queries.find_worker(street_a_staff, "not a number") is None


# --- insurance ------------------------------------------------------------------------------


def _batch(region, actor=None, *, ends=300):
    today = TODAY()
    return care.create_insurance_batch(
        actor=actor, name="2026年骑手意外险", insurer="示范保险公司", policy_number="PA2026-001",
        region=region, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=ends),
    )  # fmt: skip


def test_enrolment_counts_and_duplicates(district, street_a_staff):
    batch = _batch(district["street_a"], street_a_staff)
    assert _audits(Verb.INSURANCE_BATCH_SAVED) == 1
    one, two = worker(district["community_a"], "骑手甲"), worker(district["community_a"], "骑手乙")
    outsider = worker(district["community_b"], "骑手丙")
    first = care.enroll_workers(batch, [one, one], actor=street_a_staff)
    assert (first.enrolled, first.already, first.outside) == (1, 0, 0)
    second = care.enroll_workers(batch, [one, two, outsider], actor=street_a_staff)
    assert (second.enrolled, second.already, second.outside) == (1, 1, 1)
    assert "新增参保 1 人" in second.message and "已参保跳过 1 人" in second.message
    assert set(Enrollment.objects.values_list("worker_id", flat=True)) == {one.pk, two.pk}
    assert _audits(Verb.WORKERS_ENROLLED) == 2


def test_enrolment_scope_and_input(district, street_a_staff, street_b_staff, resident):
    batch = _batch(district["street_a"])
    with pytest.raises(NotFound):
        care.enroll_workers(batch, [], actor=street_b_staff)
    with pytest.raises(NotPermitted):
        care.enroll_workers(batch, [], actor=resident)
    with pytest.raises(InvalidInput) as exc:
        care.create_insurance_batch(
            actor=street_a_staff, name="x", insurer="", policy_number="", region="nowhere",
            starts_on=date(2026, 1, 2), ends_on=date(2026, 1, 1),
        )  # fmt: skip
    assert {e["field"] for e in exc.value.errors} == {
        "insurer",
        "policy_number",
        "region",
        "ends_on",
    }
