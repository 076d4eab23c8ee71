"""The stations admin: read-only, superusers only, personal data masked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.ledger.tests.records_fixtures import id_number, party_member, person
from shegong.stations.actions import care, vanguard, visits, workers
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Station, Worker

from .visit_fixtures import ALWAYS

PHONE = "13912345678"
CONTACT_PHONE = "13687654321"


def _url(model, view, *args):
    return reverse(f"admin:stations_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(district):
    """One row of every stations table, made through the actions."""
    today = timezone.localdate()
    station = station_actions.create_station(
        actor=None, name="东关驿站", kind="warm_station", address="东关路1号",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], schedule=ALWAYS,
        facilities=["water"], contact_name="赵站长", contact_phone=CONTACT_PHONE,
    )  # fmt: skip
    number = id_number()
    rider = workers.register_worker(
        actor=None, name="王小明", id_number=number, phone=PHONE, kind="delivery_rider",
        region=district["community_a"].code, consent=True, self_service=False,
    )  # fmt: skip
    visits.record_visit(station, worker=rider, actor=None)
    visits.tally_visits(station, actor=None, on=today, count=3)
    station_actions.record_inspection(
        station, actor=None, inspected_on=today, defects="饮水机故障", follow_up="三日内修复",
        inspector=testing.user("street_staff", district["street_a"], name="检查员"),
    )  # fmt: skip
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=10),
    )  # fmt: skip
    care.set_stock(campaign, station, 2, actor=None)
    care.give_benefit(campaign, worker=rider, station=station, actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年骑手意外险", insurer="测试保险", policy_number="P2026001",
        region=district["street_a"], starts_on=today, ends_on=today + timedelta(days=365),
    )  # fmt: skip
    care.enroll_workers(batch, [rider], actor=None)
    member = party_member(district["community_a"], "李先锋", phone="13700001111")
    vanguard.save_vanguard_post(
        actor=None, kind="post", name="东关先锋岗", holders=[member],
        region=district["community_a"], since=today,
    )  # fmt: skip
    vanguard.save_role_model(
        actor=None, title="十佳骑手", year=today.year, person=person(district["community_a"]),
        citation="风雨无阻", region=district["community_a"],
    )  # fmt: skip
    secrets = [PHONE, number, "王小明", CONTACT_PHONE, "赵站长", "李先锋", "13700001111", "张三"]
    return {"station": station, "worker": rider, "id_number": number, "secrets": secrets}


def test_every_stations_table_opens_for_a_superuser(client, rows, superuser):
    client.force_login(superuser)
    models = [m for m in admin.site._registry if m._meta.app_label == "stations"]
    assert len(models) == 13
    for model in models:
        row = model._default_manager.first()
        assert row is not None, model  # the fixture made a row of each
        for url in (_url(model, "changelist"), _url(model, "change", row.pk)):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert not [s for s in rows["secrets"] if s in body], url


def test_workers_and_station_contacts_are_masked(client, rows, superuser):
    worker, station = rows["worker"], rows["station"]
    client.force_login(superuser)
    for url in (
        _url(Worker, "changelist"),
        _url(Worker, "change", worker.pk),
        _url(Station, "changelist"),
        _url(Station, "change", station.pk),
    ):
        body = client.get(url).content.decode()
        assert PHONE not in body and rows["id_number"] not in body and "王小明" not in body
        assert CONTACT_PHONE not in body and "赵站长" not in body
    body = client.get(_url(Worker, "change", worker.pk)).content.decode()
    assert worker.person.phone_masked in body and worker.person.id_number_masked in body
    assert "王**" in body
    body = client.get(_url(Station, "changelist")).content.decode()
    assert "赵**" in body and "136****4321" in body


def test_the_stations_admin_adds_and_deletes_nothing(client, rows, superuser):
    client.force_login(superuser)
    station = rows["station"]
    assert client.get(_url(Station, "add")).status_code == 403
    assert client.get(_url(Station, "delete", station.pk)).status_code == 403
    assert client.post(_url(Station, "change", station.pk), {"name": "改名"}).status_code == 403
    station.refresh_from_db()
    assert station.name == "东关驿站"


def test_staff_without_superuser_cannot_open_the_stations_admin(client, rows, street_a_staff):
    street_a_staff.is_staff = True
    street_a_staff.save()
    client.force_login(street_a_staff)
    assert client.get(_url(Worker, "changelist")).status_code in (302, 403)
    assert client.get(_url(Worker, "change", rows["worker"].pk)).status_code in (302, 403)
