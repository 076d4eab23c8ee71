"""登记实名服务: staff count a worker served without scanning (found by ID number or phone in
their scope), at a time within the last 7 days; the station page shows its last 10 visits with
the names masked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent
from shegong.ledger.models import Person
from shegong.stations import queries
from shegong.stations.actions import stations as station_actions
from shegong.stations.actions import visits
from shegong.stations.models import Visit

from .visit_fixtures import station, worker

PHONE = "13912345678"


@pytest.fixture
def setup(district):
    rider = worker(district["community_a"], name="王小骑")
    Person.objects.filter(pk=rider.person_id).update(phone=PHONE)
    rider.person.refresh_from_db()
    return {
        "a": station("东关驿站", testing.POINT_A),
        "b": station("西城驿站", testing.POINT_B),
        "rider": rider,
        "rider_b": worker(district["community_b"], name="西城骑手"),
    }


def visit_url(s):
    return reverse("stations:visit", args=[s.pk])


def local_minute(at):
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


# --- the action -------------------------------------------------------------------------------


def test_staff_entry_time_is_not_in_the_future_nor_older_than_7_days(setup, street_a_staff):
    now = timezone.now()
    for at in (now + timedelta(minutes=5), now - timedelta(days=7, minutes=1)):
        with pytest.raises(InvalidInput) as caught:
            visits.record_visit(setup["a"], worker=setup["rider"], actor=street_a_staff,
                                source="staff", at=at)  # fmt: skip
        assert caught.value.errors[0]["field"] == "at"
    assert not Visit.objects.exists()
    done = visits.record_visit(setup["a"], worker=setup["rider"], actor=street_a_staff,
                               source="staff", at=now - timedelta(days=6))  # fmt: skip
    assert done.at == now - timedelta(days=6) and done.source == "staff"


def test_recent_visits_are_masked_newest_first_in_two_queries(setup, django_assert_num_queries):
    start = timezone.now() - timedelta(days=2)
    for i in range(12):
        visits.record_visit(setup["a"], worker=setup["rider"], actor=None, services=["water"],
                            at=start + timedelta(hours=i))  # fmt: skip
    with django_assert_num_queries(2):
        rows = queries.recent_at_station(setup["a"])
    assert len(rows) == 10
    assert rows[0]["at"] == start + timedelta(hours=11)
    assert rows[0]["name"] == "王**" and rows[0]["services"] == ["饮水"]
    assert rows[0]["source_label"] == "扫码"


# --- the page ---------------------------------------------------------------------------------


def test_station_page_shows_the_form_and_the_last_visits_masked(client, setup, street_a_staff):
    visits.record_visit(setup["a"], worker=setup["rider"], actor=None, services=["charging"])
    client.force_login(street_a_staff)
    page = client.get(reverse("stations:detail", args=[setup["a"].pk])).content.decode()
    assert 'id="visit-form"' in page and "登记实名服务" in page
    assert 'name="services" value="water"' in page and 'type="datetime-local"' in page
    assert 'id="recent-visits"' in page and "王**" in page and "充电" in page
    assert "王小骑" not in page and PHONE not in page


def test_staff_record_a_visit_by_phone(client, setup, street_a_staff):
    client.force_login(street_a_staff)
    at = timezone.now() - timedelta(hours=3)
    response = client.post(
        visit_url(setup["a"]), {"who": PHONE, "services": ["water"], "at": local_minute(at)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("stations:detail", args=[setup["a"].pk])
    done = Visit.objects.get()
    assert done.worker == setup["rider"] and done.source == "staff"
    assert done.recorded_by == street_a_staff and done.services == ["water"]
    assert local_minute(done.at) == local_minute(at)
    event = AuditEvent.objects.get(verb=Verb.VISIT_RECORDED_AT_STATION)
    assert event.data["source"] == "staff" and event.data["worker"] == setup["rider"].pk
    page = client.get(response["Location"]).content.decode()
    assert "已登记实名服务：王**" in page


def test_staff_record_a_visit_by_id_number_now_by_default(client, setup, street_a_staff):
    client.force_login(street_a_staff)
    before = timezone.now()
    id_number = setup["rider"].person.id_number
    response = client.post(visit_url(setup["a"]), {"who": id_number.lower(), "at": ""})
    assert response.status_code == 302
    done = Visit.objects.get()
    assert done.worker == setup["rider"] and done.services == []
    assert before <= done.at <= timezone.now()


def test_a_worker_not_found_is_a_clear_422(client, setup, street_a_staff):
    client.force_login(street_a_staff)
    for who in ("13900000009", "不是号码", setup["rider_b"].person.id_number):
        response = client.post(visit_url(setup["a"]), {"who": who})
        assert response.status_code == 422
        assert "未找到该新就业群体人员" in response.content.decode()
        assert "who" in response.context["visit_form"].errors
    assert not Visit.objects.exists()


def test_within_30_minutes_shows_the_earlier_time_and_writes_nothing(client, setup, street_a_staff):
    first = visits.record_visit(setup["a"], worker=setup["rider"], actor=None,
                                at=timezone.now() - timedelta(minutes=20))  # fmt: skip
    client.force_login(street_a_staff)
    response = client.post(visit_url(setup["a"]), {"who": PHONE})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"已签到（{timezone.localtime(first.at):%H:%M}）" in page
    assert 'id="visit-form"' in page and 'id="recent-visits"' in page
    assert Visit.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.VISIT_RECORDED_AT_STATION).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"who": ""}, "who", "请填写身份证号或手机号"),
        ({"who": PHONE, "at": "昨天"}, "at", "服务时间格式应为"),
        ({"who": PHONE, "at": "+1h"}, "at", "服务时间不能晚于现在"),
        ({"who": PHONE, "at": "-8d"}, "at", "只能补登 7 天内的服务"),
        ({"who": PHONE, "services": ["sauna"]}, "services", "本驿站没有该服务"),
    ],
)
def test_bad_input_is_422_per_field_and_writes_nothing(
    client, setup, street_a_staff, data, field, text
):
    now = timezone.now()
    if data.get("at") == "+1h":
        data = {**data, "at": local_minute(now + timedelta(hours=1))}
    elif data.get("at") == "-8d":
        data = {**data, "at": local_minute(now - timedelta(days=8))}
    client.force_login(street_a_staff)
    response = client.post(visit_url(setup["a"]), data)
    assert response.status_code == 422
    assert field in response.context["visit_form"].errors
    assert text in response.content.decode()
    assert not Visit.objects.exists()


def test_a_station_not_open_is_409(client, setup, street_a_staff):
    station_actions.set_station_status(setup["a"], actor=None, status="suspended", reason="维修")
    client.force_login(street_a_staff)
    response = client.post(visit_url(setup["a"]), {"who": PHONE})
    assert response.status_code == 409 and "暂不能签到" in response.content.decode()
    assert not Visit.objects.exists()


def test_outsider_404_and_no_permission_403(client, setup, street_b_staff, resident):
    client.force_login(street_b_staff)
    assert client.post(visit_url(setup["a"]), {"who": PHONE}).status_code == 404
    client.force_login(resident)
    assert client.post(visit_url(setup["a"]), {"who": PHONE}).status_code == 403
    assert not Visit.objects.exists()


def test_the_form_only_takes_post(client, setup, street_a_staff):
    client.force_login(street_a_staff)
    assert client.get(visit_url(setup["a"])).status_code == 405


def test_a_withdrawn_worker_is_not_found_and_their_visits_stay_unnamed(
    client, setup, street_a_staff
):
    from shegong.stations.actions import workers

    visits.record_visit(setup["a"], worker=setup["rider"], actor=None)
    workers.withdraw_worker(setup["rider"], actor=None, self_service=False, reason="本人申请")
    client.force_login(street_a_staff)
    page = client.get(reverse("stations:detail", args=[setup["a"].pk])).content.decode()
    assert "（已注销）" in page and "王**" not in page
    response = client.post(visit_url(setup["a"]), {"who": PHONE})
    assert response.status_code == 422 and "未找到该新就业群体人员" in response.content.decode()
    assert Visit.objects.count() == 1
