"""Station management pages: list, filters, export, form with the schedule editor, station
page with status, inspections and the defect banner; scope (404) and role (403)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Inspection, Station

ALWAYS = {"always_open": True}


@pytest.fixture
def stations(district):
    a = station_actions.create_station(
        actor=None, name="东关暖新驿站", kind="warm_station", address="东关路1号",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], schedule=ALWAYS,
        facilities=["water", "toilet"], seats=10,
    )  # fmt: skip
    a2 = station_actions.create_station(
        actor=None, name="东城司机之家", kind="driver_home", address="东城路9号",
        lat=32.93, lon=115.75, schedule={}, facilities=["charging"],
    )  # fmt: skip
    b = station_actions.create_station(
        actor=None, name="西关暖新驿站", kind="warm_station", address="西关路1号",
        lat=testing.POINT_B[0], lon=testing.POINT_B[1], schedule=ALWAYS, facilities=["water"],
    )  # fmt: skip
    return {"a": a, "a2": a2, "b": b}


def form_data(**extra):
    data = {
        "name": "东关新驿站", "kind": "warm_station", "address": "东关路8号",
        "lat": str(testing.POINT_A[0]), "lon": str(testing.POINT_A[1]), "crs": "wgs84",
        "facilities": ["water", "seats"], "seats": "6", "contact_name": "张三",
        "contact_phone": "0558-1234567",
        "d1_0_start": "08:00", "d1_0_end": "12:00", "d1_1_start": "14:00", "d1_1_end": "20:00",
        "c0_from": "2026-10-01", "c0_to": "2026-10-07", "c0_reason": "国庆",
    }  # fmt: skip
    data.update(extra)
    return data


def test_list_shows_scope_with_counts_and_badges(client, street_a_staff, stations):
    station_actions.record_inspection(
        stations["a"], actor=None, inspector=street_a_staff, inspected_on=date.today(),
        defects="饮水机漏水", follow_up="更换",
    )  # fmt: skip
    client.force_login(street_a_staff)
    page = client.get(reverse("stations:list")).content.decode()
    assert "东关暖新驿站" in page and "东城司机之家" in page
    assert "西关暖新驿站" not in page
    assert "共 <strong>2</strong> 个驿站" in page
    assert "待整改" in page and "现在开放" in page  # the 24 h station is open now


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "driver_home"}, ["东城司机之家"]),
        ({"facility": "toilet"}, ["东关暖新驿站"]),
        ({"q": "东城路"}, ["东城司机之家"]),
        ({"region": "341271001001"}, ["东城司机之家", "东关暖新驿站"]),
        ({"defect": "1"}, []),
        ({"status": "closed"}, []),
    ],
)
def test_list_filters(client, street_a_staff, stations, query, expected):
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:list"), query)
    names = [s.name for s, _ in response.context["rows"]]
    assert names == expected


def test_list_region_filter(client, street_a_staff, district_admin, stations):
    client.force_login(district_admin)
    response = client.get(reverse("stations:list"), {"region": "341271002000"})
    assert [s.name for s, _ in response.context["rows"]] == ["西关暖新驿站"]
    client.force_login(street_a_staff)  # another street is no choice for street A
    response = client.get(reverse("stations:list"), {"region": "341271002000"})
    assert response.context["rows"] == []


def test_export_is_scoped_and_audited(client, street_a_staff, stations):
    client.force_login(street_a_staff)
    response = client.get(reverse("stations:export"), {"kind": "warm_station"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["东关暖新驿站"]
    entry = AuditEvent.objects.get(verb=int(Verb.STATIONS_EXPORTED))
    assert entry.data["rows"] == 1 and entry.data["filters"] == {"kind": "warm_station"}


def test_outsider_gets_404_and_resident_403(client, street_b_staff, resident, stations):
    station, inspection = stations["a"], None
    client.force_login(street_b_staff)
    for name in ("detail", "edit"):
        assert client.get(reverse(f"stations:{name}", args=[station.pk])).status_code == 404
    post = client.post(reverse("stations:status", args=[station.pk]), {"status": "closed"})
    assert post.status_code == 404
    client.force_login(resident)
    assert client.get(reverse("stations:list")).status_code == 403
    assert client.get(reverse("stations:detail", args=[station.pk])).status_code == 403
    assert inspection is None


def test_create_through_the_form(client, street_a_staff, district):
    client.force_login(street_a_staff)
    assert client.get(reverse("stations:new")).status_code == 200
    response = client.post(reverse("stations:new"), form_data())
    station = Station.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stations:detail", args=[station.pk])
    assert station.schedule["week"]["1"] == [["08:00", "12:00"], ["14:00", "20:00"]]
    assert station.schedule["closures"][0]["reason"] == "国庆"
    assert set(station.facilities.values_list("code", flat=True)) == {"water", "seats"}
    page = client.get(response["Location"]).content.decode()
    assert "08:00–12:00、14:00–20:00" in page and "国庆" in page


def test_bad_schedule_shows_message_and_writes_nothing(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response = client.post(reverse("stations:new"), form_data(d2_0_start="20:00", d2_0_end="08:00"))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="schedule-errors"' in page and "周二的时段「20:00–08:00」结束早于开始" in page
    assert 'value="20:00"' in page  # the editor keeps what was typed
    assert not Station.objects.exists()


def test_form_shows_location_errors_beside_the_field(client, street_a_staff, district):
    client.force_login(street_a_staff)
    response = client.post(reverse("stations:new"), form_data(lat="31.0", lon="117.0"))
    assert response.status_code == 422
    assert "不在服务范围内" in response.content.decode()
    assert not Station.objects.exists()


def test_edit_through_the_form(client, street_a_staff, stations):
    station = stations["a"]
    client.force_login(street_a_staff)
    page = client.get(reverse("stations:edit", args=[station.pk])).content.decode()
    assert 'name="always_open" value="1" checked' in page
    response = client.post(
        reverse("stations:edit", args=[station.pk]),
        form_data(name="东关暖新驿站（改）", lat=str(station.lat), lon=str(station.lon)),
    )
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.name == "东关暖新驿站（改）" and not station.schedule["always_open"]
    changed = AuditEvent.objects.get(verb=int(Verb.STATION_UPDATED)).data["changed"]
    assert "name" in changed and "schedule" in changed and "facilities" in changed


def test_status_change_from_the_page(client, street_a_staff, stations):
    station = stations["a"]
    client.force_login(street_a_staff)
    url = reverse("stations:status", args=[station.pk])
    assert client.post(url, {"status": "suspended", "reason": ""}).status_code == 422
    assert client.post(url, {"status": "suspended", "reason": "装修"}).status_code == 302
    station.refresh_from_db()
    assert station.status == "suspended"


def test_inspection_and_resolve_flow_with_banner(client, street_a_staff, stations):
    station = stations["a"]
    client.force_login(street_a_staff)
    detail = reverse("stations:detail", args=[station.pk])
    assert 'id="defect-banner"' not in client.get(detail).content.decode()
    response = client.post(
        reverse("stations:inspect", args=[station.pk]),
        {"inspected_on": date.today().isoformat(), "ok_water": "0", "note_water": "饮水机漏水",
         "ok_toilet": "1", "follow_up": "三日内维修"},
    )  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert not inspection.resolved and "饮水机漏水" in inspection.defects
    assert inspection.checklist[0] == {"item": "饮水", "ok": False, "note": "饮水机漏水"}
    page = client.get(detail).content.decode()
    assert 'id="defect-banner"' in page and "三日内维修" in page
    resolve = reverse("stations:inspection_resolve", args=[inspection.pk])
    assert client.post(resolve, {"resolution": ""}).status_code == 422
    assert client.post(resolve, {"resolution": "已维修"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.resolved
    assert 'id="defect-banner"' not in client.get(detail).content.decode()


def test_resolve_another_streets_inspection_is_404(
    client, street_b_staff, street_a_staff, stations
):
    inspection = station_actions.record_inspection(
        stations["a"], actor=street_a_staff, inspected_on=date.today(), defects="漏水",
        follow_up="修",
    )  # fmt: skip
    client.force_login(street_b_staff)
    url = reverse("stations:inspection_resolve", args=[inspection.pk])
    assert client.post(url, {"resolution": "x"}).status_code == 404
    inspection.refresh_from_db()
    assert not inspection.resolved


def test_photo_view_checks_access(client, street_a_staff, street_b_staff, district):
    from shegong.stations.tests.test_actions import photo

    station = station_actions.create_station(
        actor=None, name="有照片的驿站", kind="warm_station", address="东关路2号",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], schedule=ALWAYS, photos=[photo()],
    )  # fmt: skip
    url = reverse("stations:photo", args=[station.pk, 0, "thumb"])
    client.force_login(street_a_staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("stations:photo", args=[station.pk, 1, "thumb"])).status_code == 404
    client.force_login(street_b_staff)
    assert client.get(url).status_code == 404
