"""Professional social-worker pages: the list with its counts and filters, registration, the
detail with stationings, pairings and guidance logs; a social worker logs for their own
pairing; another street gets 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.volunteers.actions import socialwork
from shegong.volunteers.models import GuidanceLog, Pairing, SocialWorker, Stationing
from shegong.volunteers.queries import socialwork as socialwork_queries

from .people_fixtures import id_for


@pytest.fixture
def sw(district, street_a_staff, people_agency):
    return socialwork.register_social_worker(
        actor=street_a_staff, name="陈社工", id_number=id_for(38), qualification="senior",
        certificate_number="GJ-1", employer=people_agency.pk, region=district["street_a"].code,
    )  # fmt: skip


def today(n=0):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_register_station_pair_and_log(client, district, street_a_staff, people_agency):
    client.force_login(street_a_staff)
    number = id_for(40)
    response = client.post(reverse("volunteers:social_worker_new"), {
        "name": "林社工", "id_number": number, "phone": "13800000041", "qualification": "senior",
        "certificate_number": "GJ-9", "employer": people_agency.pk, "region": "341271001000",
    })  # fmt: skip
    sw = SocialWorker.objects.get()
    url = reverse("volunteers:social_worker", args=[sw.pk])
    assert response["Location"] == url
    client.post(reverse("volunteers:stationing_add", args=[sw.pk]),
                {"region": "341271001001", "starts_on": today(-3)})  # fmt: skip
    client.post(reverse("volunteers:pairing_add", args=[sw.pk]),
                {"region": "341271001001", "starts_on": today(-3)})  # fmt: skip
    pairing = Pairing.objects.get()
    client.post(reverse("volunteers:guidance_add", args=[pairing.pk]),
                {"on": today(), "mode": "offline", "topic": "居民议事指导"})  # fmt: skip
    body = client.get(url).content.decode()
    assert "东关社区" in body and "驻点中" in body and "居民议事指导" in body
    assert "林*" in body and number not in body and "东城社工服务中心" in body
    body = client.get(reverse("volunteers:social_workers")).content.decode()
    assert "驻点社工 1 名 / 覆盖社区 1 个 / 结对 1 对" in body
    # A second open stationing at the same community is refused with a message.
    response = client.post(
        reverse("volunteers:stationing_add", args=[sw.pk]),
        {"region": "341271001001", "starts_on": today()}, follow=True,
    )  # fmt: skip
    assert "已在东关社区驻点" in response.content.decode()
    assert Stationing.objects.count() == 1
    stationing = Stationing.objects.get()
    client.post(reverse("volunteers:stationing_end", args=[stationing.pk]), {})
    stationing.refresh_from_db()
    assert stationing.ends_on == timezone.localdate()


def test_list_filters(client, district, street_a_staff, sw):
    socialwork.add_stationing(sw, actor=street_a_staff, region="341271001001",
                              starts_on=timezone.localdate())  # fmt: skip
    other = socialwork.register_social_worker(
        actor=street_a_staff, name="何社工", id_number=id_for(30), qualification="assistant",
        certificate_number="ZL-1", region=district["street_a"].code,
    )  # fmt: skip
    client.force_login(street_a_staff)
    url = reverse("volunteers:social_workers")
    body = client.get(url, {"stationed": "1"}).content.decode()
    assert "陈*" in body and "何*" not in body
    body = client.get(url, {"stationed": "0"}).content.decode()
    assert "何*" in body and "陈*" not in body
    body = client.get(url, {"qualification": "assistant"}).content.decode()
    assert "何*" in body and "陈*" not in body
    body = client.get(url, {"community": "341271001001"}).content.decode()
    assert "陈*" in body and "何*" not in body
    assert other.pk


def test_the_social_worker_logs_for_their_own_pairing(client, district, street_a_staff, sw):
    account = testing.user(Role.SOCIAL_WORKER, district["community_a"], name="陈社工")
    sw.person.user = account
    sw.person.save()
    pairing = socialwork.add_pairing(sw, actor=street_a_staff, region="341271001001",
                                     starts_on=timezone.localdate())  # fmt: skip
    client.force_login(account)
    body = client.get(reverse("volunteers:social_workers")).content.decode()
    assert "我的驻点与结对" in body
    body = client.get(reverse("volunteers:social_worker", args=[sw.pk])).content.decode()
    assert f'id="guidance-form-{pairing.pk}"' in body and 'id="pairing-form"' not in body
    client.post(reverse("volunteers:guidance_add", args=[pairing.pk]),
                {"on": today(), "mode": "online", "topic": "线上答疑"})  # fmt: skip
    assert GuidanceLog.objects.get().recorded_by == account
    response = client.post(
        reverse("volunteers:guidance_add", args=[pairing.pk]),
        {"on": today(1), "mode": "online", "topic": "未来"}, follow=True,
    )  # fmt: skip
    assert "日期不能晚于今天" in response.content.decode()
    # Managing is the staff's.
    response = client.post(reverse("volunteers:stationing_add", args=[sw.pk]),
                           {"region": "341271001001", "starts_on": today()})  # fmt: skip
    assert response.status_code == 403


def test_another_street_gets_404(client, street_b_staff, street_a_staff, sw):
    pairing = socialwork.add_pairing(sw, actor=street_a_staff, region="341271001001",
                                     starts_on=timezone.localdate())  # fmt: skip
    client.force_login(street_b_staff)
    assert client.get(reverse("volunteers:social_worker", args=[sw.pk])).status_code == 404
    for name, pk in [("guidance_add", pairing.pk), ("pairing_end", pairing.pk),
                     ("stationing_add", sw.pk)]:  # fmt: skip
        response = client.post(reverse(f"volunteers:{name}", args=[pk]),
                               {"on": today(), "mode": "online", "topic": "x"})  # fmt: skip
        assert response.status_code == 404, name
    assert not GuidanceLog.objects.exists()
    body = client.get(reverse("volunteers:social_workers")).content.decode()
    assert "陈*" not in body and "驻点社工 0 名" in body


def test_registration_errors_stay_on_the_form(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.post(reverse("volunteers:social_worker_new"), {
        "name": "林社工", "id_number": "123", "qualification": "none",
        "certificate_number": "X", "region": "341271001000",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422 and "证书编号" in body
    assert not SocialWorker.objects.exists()


def test_a_street_sees_the_social_workers_stationed_in_it_but_edits_only_its_own(
    client, district, street_a_staff, street_b_staff, people_agency
):
    from shegong.core.errors import NotFound

    guest = socialwork.register_social_worker(
        actor=street_b_staff, name="韩社工", id_number=id_for(42), qualification="senior",
        certificate_number="GJ-7", employer=people_agency.pk, region=district["street_b"].code,
    )  # fmt: skip
    client.force_login(street_a_staff)
    assert client.get(reverse("volunteers:social_worker", args=[guest.pk])).status_code == 404
    socialwork.add_stationing(guest, actor=None, region=district["community_a"].code,
                              starts_on=timezone.localdate())  # fmt: skip
    body = client.get(reverse("volunteers:social_workers")).content.decode()
    assert guest.person.name_masked in body and "GJ-7" in body
    detail = reverse("volunteers:social_worker", args=[guest.pk])
    body = client.get(detail).content.decode()
    assert "GJ-7" in body
    assert reverse("volunteers:social_worker_edit", args=[guest.pk]) not in body
    assert client.get(reverse("volunteers:social_worker_edit", args=[guest.pk])).status_code == 404
    with pytest.raises(NotFound):
        socialwork_queries.access_social_worker(street_a_staff, guest.pk, manage=True)
