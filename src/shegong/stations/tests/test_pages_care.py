"""Care pages: campaigns (create, stock, give — the refusal shown on the form), insurance
batches (create, enrol by ID numbers or the whole region, the masked list for the insurer and
its audit), scope (outsider 404, resident 403) and the worker's own H5 page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.stations.actions import care
from shegong.stations.models import CareCampaign, Distribution, Enrollment, InsuranceBatch

from .visit_fixtures import station, worker


@pytest.fixture
def setup(district):
    today = timezone.localdate()
    a = station("东关驿站", testing.POINT_A)
    campaign = care.create_campaign(
        actor=None, name="清凉新力量", benefit="防暑降温包", region=district["street_a"],
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=30),
    )  # fmt: skip
    care.set_stock(campaign, a, 10, actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年骑手意外险", insurer="示范保险公司", policy_number="PA2026-001",
        region=district["street_a"], starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
    )  # fmt: skip
    rider = worker(district["community_a"])
    rider.person.phone = "13900001111"
    rider.person.save()
    return {"a": a, "campaign": campaign, "batch": batch, "rider": rider}


def test_campaign_list_and_create(client, district, street_a_staff):
    client.force_login(street_a_staff)
    assert client.get(reverse("stations:campaigns")).status_code == 200
    today = timezone.localdate()
    data = {
        "name": "腊八粥", "benefit": "腊八粥一份", "region": district["street_a"].code,
        "starts_on": today.isoformat(), "ends_on": today.isoformat(),
    }  # fmt: skip
    response = client.post(reverse("stations:campaigns"), data)
    made = CareCampaign.objects.get(name="腊八粥")
    assert response.status_code == 302
    assert response["Location"] == reverse("stations:campaign", args=[made.pk])
    bad = client.post(reverse("stations:campaigns"), {**data, "region": district["street_b"].code})
    assert bad.status_code == 422 and CareCampaign.objects.filter(name="腊八粥").count() == 1


def test_campaign_detail_stock_and_give(client, setup, street_a_staff):
    campaign, rider = setup["campaign"], setup["rider"]
    client.force_login(street_a_staff)
    listing = client.get(reverse("stations:campaigns")).content.decode()
    assert "清凉新力量" in listing and "进行中" in listing
    assert "PA2026-001" in client.get(reverse("stations:insurance")).content.decode()
    url = reverse("stations:campaign", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert 'id="give-form"' in page and "东关驿站" in page
    give = reverse("stations:campaign_give", args=[campaign.pk])
    response = client.post(give, {"who": rider.person.id_number, "station": setup["a"].pk})
    assert response.status_code == 302
    again = client.post(give, {"who": "13900001111", "station": setup["a"].pk})
    assert again.status_code == 409
    assert "该人员已领取过本次活动物资" in again.content.decode()
    assert Distribution.objects.count() == 1
    page = client.get(url).content.decode()
    assert rider.person.name_masked in page and rider.person.name not in page
    unknown = client.post(give, {"who": "13800000000", "station": setup["a"].pk})
    assert unknown.status_code == 422 and "未找到该新就业群体人员" in unknown.content.decode()
    stock = reverse("stations:campaign_stock", args=[campaign.pk])
    assert client.post(stock, {"station": setup["a"].pk, "quantity": 20}).status_code == 302
    assert campaign.stocks.get().quantity == 20
    assert client.post(stock, {"station": setup["a"].pk, "quantity": 0}).status_code == 422
    assert client.post(stock, {"station": "", "quantity": 3}).status_code == 422


def test_outsider_404_and_resident_403(client, setup, street_b_staff, resident):
    pk_c, pk_b = setup["campaign"].pk, setup["batch"].pk
    client.force_login(street_b_staff)
    for name, pk in (("campaign", pk_c), ("insurance_batch", pk_b), ("insurance_export", pk_b)):
        assert client.get(reverse(f"stations:{name}", args=[pk])).status_code == 404
    give = reverse("stations:campaign_give", args=[pk_c])
    post = {"who": setup["rider"].person.id_number, "station": setup["a"].pk}
    assert client.post(give, post).status_code == 404
    assert "清凉新力量" not in client.get(reverse("stations:campaigns")).content.decode()
    client.force_login(resident)
    assert client.get(reverse("stations:campaigns")).status_code == 403
    assert client.get(reverse("stations:insurance")).status_code == 403
    assert client.post(give, post).status_code == 403
    assert not Distribution.objects.exists()


def test_insurance_create_and_enrol(client, setup, district, street_a_staff):
    client.force_login(street_a_staff)
    today = timezone.localdate()
    response = client.post(reverse("stations:insurance"), {
        "name": "冬季批次", "insurer": "示范保险", "policy_number": "P-2", "region":
        district["street_a"].code, "starts_on": today.isoformat(), "ends_on": today.isoformat(),
    })  # fmt: skip
    assert response.status_code == 302 and InsuranceBatch.objects.filter(name="冬季批次").exists()
    batch, rider = setup["batch"], setup["rider"]
    other = worker(district["community_a"], "骑手小李")
    url = reverse("stations:insurance_batch", args=[batch.pk])
    lines = f"{rider.person.id_number}\n\n110101199003077777\n"
    response = client.post(url, {"id_numbers": lines}, follow=True)
    text = response.content.decode()
    assert "新增参保 1 人" in text and "未找到 1 人" in text
    response = client.post(url, {"everyone": "on"}, follow=True)
    assert (
        "新增参保 1 人" in response.content.decode()
        and "已参保跳过 1 人" in response.content.decode()
    )
    assert set(Enrollment.objects.values_list("worker_id", flat=True)) == {rider.pk, other.pk}
    assert client.post(url, {}).status_code == 422
    page = client.get(url).content.decode()
    assert rider.person.id_number_masked in page and rider.person.id_number not in page


def test_insurer_export_is_masked_and_audited(client, setup, street_a_staff):
    batch, rider = setup["batch"], setup["rider"]
    care.enroll_workers(batch, [rider], actor=None)
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:insurance_export", args=[batch.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert rider.person.id_number_masked in cells and "PA2026-001" in cells
    assert not any(rider.person.id_number in c for c in cells)
    assert not any("13900001111" in c for c in cells) and rider.person.name not in cells
    exported = AuditEvent.objects.get(verb=int(Verb.INSURANCE_EXPORTED))
    assert exported.data["rows"] == 1 and exported.actor == street_a_staff
    assert AuditEvent.objects.filter(verb=int(Verb.PII_EXPORTED)).count() == 1


def test_my_care_shows_only_mine(client, setup, district):
    rider = setup["rider"]
    other = worker(district["community_a"], "骑手小李")
    care.give_benefit(setup["campaign"], worker=other, station=setup["a"], actor=None)
    care.enroll_workers(setup["batch"], [other], actor=None)
    client.force_login(rider.person.user)
    page = client.get(reverse("stations_m:my_care")).content.decode()
    assert "暂无参保记录" in page and "还没有领取记录" in page
    care.give_benefit(setup["campaign"], worker=rider, station=setup["a"], actor=None)
    care.enroll_workers(setup["batch"], [rider], actor=None)
    page = client.get(reverse("stations_m:my_care")).content.decode()
    assert "清凉新力量" in page and "东关驿站" in page
    assert "示范保险公司" in page and "PA2026-001" in page and "保障中" in page
    client.force_login(other.person.user)
    assert "保障中" in client.get(reverse("stations_m:my_care")).content.decode()


def test_my_care_expired_and_no_profile(client, setup, resident):
    batch = setup["batch"]
    InsuranceBatch.objects.filter(pk=batch.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    care.enroll_workers(batch, [setup["rider"]], actor=None)
    client.force_login(setup["rider"].person.user)
    page = client.get(reverse("stations_m:my_care")).content.decode()
    assert "已到期" in page and "保障中" not in page
    client.force_login(resident)
    assert "去登记" in client.get(reverse("stations_m:my_care")).content.decode()


def test_mobile_home_links_my_care_for_workers_only(client, setup, resident):
    client.force_login(setup["rider"].person.user)
    page = client.get(reverse("mobile_home")).content.decode()
    assert reverse("stations_m:my_care") in page and "我的关爱与保险" in page
    client.force_login(resident)
    assert "我的关爱与保险" not in client.get(reverse("mobile_home")).content.decode()
