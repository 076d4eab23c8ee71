"""Station actions: create, update, status, inspections (each with its audit entry, scope
refusal and bad input that writes nothing)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shegong import testing
from shegong.core import geo
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Inspection, Station

WEEKDAYS_8_20 = {"week": {d: [["08:00", "20:00"]] for d in "12345"}}


def photo(name: str = "a.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make(actor, point=testing.POINT_A, **extra):
    values = {
        "name": "东关暖新驿站", "kind": "warm_station", "address": "东关路1号",
        "lat": point[0], "lon": point[1], "schedule": WEEKDAYS_8_20,
        "facilities": ["water", "charging"], "seats": 8,
    }  # fmt: skip
    values.update(extra)
    return station_actions.create_station(actor=actor, **values)


def audits(verb):
    return AuditEvent.objects.filter(verb=int(verb))


def test_create_station_locates_and_audits(street_a_staff, district):
    station = make(street_a_staff, photos=[photo()])
    assert station.region_id == district["grid_a"].code
    assert sorted(station.facilities.values_list("code", flat=True)) == ["charging", "water"]
    assert station.schedule["week"]["1"] == [["08:00", "20:00"]]
    assert station.schedule["week"]["6"] == []
    assert station.photos[0]["path"].startswith("stations/")
    entry = audits(Verb.STATION_CREATED).get()
    assert entry.actor == street_a_staff and entry.target_id == str(station.pk)
    assert entry.region_id == district["grid_a"].code


def test_gcj02_input_is_stored_as_wgs84(street_a_staff):
    lat, lon = geo.from_wgs84(*testing.POINT_A, "gcj02")
    assert abs(lat - testing.POINT_A[0]) > 1e-4 or abs(lon - testing.POINT_A[1]) > 1e-4
    station = make(street_a_staff, point=(lat, lon), crs="gcj02")
    assert station.lat == pytest.approx(testing.POINT_A[0], abs=1e-6)
    assert station.lon == pytest.approx(testing.POINT_A[1], abs=1e-6)


def test_outsider_cannot_create_in_another_street(street_b_staff):
    with pytest.raises(InvalidInput) as caught:
        make(street_b_staff)
    assert "不在您的工作范围内" in caught.value.detail
    assert not Station.objects.exists() and not audits(Verb.STATION_CREATED).exists()


def test_resident_may_not_create(resident):
    with pytest.raises(NotPermitted):
        make(resident)


def test_bad_schedule_writes_nothing(street_a_staff, settings):
    bad = {"week": {"1": [["20:00", "08:00"]], "2": [["08:00", "12:00"], ["11:00", "14:00"]]}}
    with pytest.raises(InvalidInput) as caught:
        make(street_a_staff, schedule=bad, photos=[photo()])
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"schedule"}
    assert any("结束早于开始" in e["message"] for e in caught.value.errors)
    assert any("重叠" in e["message"] for e in caught.value.errors)
    assert not Station.objects.exists() and not AuditEvent.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any((media / "stations").rglob("*.jpg")) if (media / "stations").exists() else True


def test_point_outside_the_district_is_refused(street_a_staff):
    with pytest.raises(InvalidInput) as caught:
        make(street_a_staff, point=(31.0, 117.0))
    assert "不在服务范围内" in caught.value.detail
    assert not Station.objects.exists()


def test_swapped_coordinates_get_a_hint(street_a_staff):
    with pytest.raises(InvalidInput) as caught:
        make(street_a_staff, point=(testing.POINT_A[1], testing.POINT_A[0]))
    assert "填反" in caught.value.detail


def test_every_bad_field_reported_at_once(street_a_staff):
    with pytest.raises(InvalidInput) as caught:
        make(street_a_staff, name=" ", address="", kind="nope", seats=-1, facilities=["nope"])
    fields = {e["field"] for e in caught.value.errors}
    assert {"name", "address", "kind", "seats", "facilities"} <= fields


def test_system_may_create_without_actor(district):
    assert make(None).region_id == district["grid_a"].code


def test_failed_write_removes_stored_photos(street_a_staff, monkeypatch, settings):
    def boom(*args, **kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(station_actions, "_create", boom)
    with pytest.raises(RuntimeError):
        make(street_a_staff, photos=[photo()])
    assert not list((settings.MEDIA_ROOT / "stations").rglob("*.jpg"))


def test_update_records_changed_fields(street_a_staff):
    station = make(street_a_staff)
    station_actions.update_station(
        station, actor=street_a_staff, name="东关暖新驿站（新址）", seats=8,
        schedule={"always_open": True}, facilities=["water", "charging"],
    )  # fmt: skip
    station.refresh_from_db()
    assert station.name == "东关暖新驿站（新址）" and station.schedule["always_open"]
    entry = audits(Verb.STATION_UPDATED).get()
    assert entry.data["changed"] == ["name", "schedule"]
    station_actions.update_station(station, actor=street_a_staff, name="东关暖新驿站（新址）")
    assert audits(Verb.STATION_UPDATED).count() == 1  # nothing changed, nothing recorded


def test_update_relocates_and_refuses_bad_schedule(street_a_staff, district):
    station = make(street_a_staff)
    with pytest.raises(InvalidInput):
        station_actions.update_station(
            station, actor=street_a_staff, name="新名", schedule={"week": "x"}
        )
    station.refresh_from_db()
    assert station.name == "东关暖新驿站"
    moved = station_actions.update_station(station, actor=street_a_staff, lat=32.93, lon=115.75)
    assert moved.region_id == district["community_a"].code
    assert audits(Verb.STATION_UPDATED).get().data["changed"] == ["region", "lat"]


def test_update_by_outsider_is_not_found(street_a_staff, street_b_staff):
    station = make(street_a_staff)
    with pytest.raises(NotFound):
        station_actions.update_station(station, actor=street_b_staff, name="改名")


def test_update_photos_add_and_remove(street_a_staff):
    station = make(street_a_staff, photos=[photo("1.jpg"), photo("2.jpg")])
    first = station.photos[0]["path"]
    station = station_actions.update_station(
        station, actor=street_a_staff, remove_photos=[0], photos=[photo("3.jpg")]
    )
    assert len(station.photos) == 2 and first not in [p["path"] for p in station.photos]


def test_status_change_needs_a_reason(street_a_staff, street_b_staff):
    station = make(street_a_staff)
    with pytest.raises(InvalidInput):
        station_actions.set_station_status(
            station, actor=street_a_staff, status="suspended", reason=" "
        )
    station_actions.set_station_status(
        station, actor=street_a_staff, status="suspended", reason="装修"
    )
    station.refresh_from_db()
    assert station.status == "suspended"
    entry = audits(Verb.STATION_STATUS_CHANGED).get()
    assert entry.data == {"from": "open", "to": "suspended", "reason": "装修"}
    with pytest.raises(DomainError):
        station_actions.set_station_status(
            station, actor=street_a_staff, status="suspended", reason="再"
        )
    with pytest.raises(NotFound):
        station_actions.set_station_status(
            station, actor=street_b_staff, status="closed", reason="关"
        )


def test_inspection_with_defect_stays_unresolved_until_resolved(street_a_staff, street_b_staff):
    station = make(street_a_staff)
    today = date.today()
    checklist = [{"item": "饮水", "ok": False, "note": "饮水机漏水"}, {"item": "充电", "ok": True}]
    inspection = station_actions.record_inspection(
        station, actor=street_a_staff, inspected_on=today, checklist=checklist,
        follow_up="三日内更换",
    )  # fmt: skip
    assert not inspection.resolved and "饮水机漏水" in inspection.defects
    assert inspection.inspector == street_a_staff
    assert audits(Verb.STATION_INSPECTED).get().data["defects"] is True
    with pytest.raises(NotFound):
        station_actions.resolve_inspection(inspection, actor=street_b_staff, resolution="已换")
    with pytest.raises(InvalidInput):
        station_actions.resolve_inspection(inspection, actor=street_a_staff, resolution="")
    station_actions.resolve_inspection(inspection, actor=street_a_staff, resolution="已更换饮水机")
    inspection.refresh_from_db()
    assert inspection.resolved and inspection.resolved_at and inspection.resolution
    assert audits(Verb.INSPECTION_RESOLVED).count() == 1
    with pytest.raises(DomainError):
        station_actions.resolve_inspection(inspection, actor=street_a_staff, resolution="再来")


def test_clean_inspection_is_resolved_and_bad_ones_refused(street_a_staff, street_b_staff):
    station = make(street_a_staff)
    clean = station_actions.record_inspection(
        station, actor=street_a_staff, inspected_on=date.today()
    )
    assert clean.resolved
    with pytest.raises(InvalidInput):  # a defect needs a follow-up
        station_actions.record_inspection(
            station, actor=street_a_staff, inspected_on=date.today(), defects="漏水"
        )
    with pytest.raises(InvalidInput):
        station_actions.record_inspection(
            station, actor=street_a_staff, inspected_on=date.today() + timedelta(days=2)
        )
    with pytest.raises(NotFound):
        station_actions.record_inspection(station, actor=street_b_staff, inspected_on=date.today())
    assert Inspection.objects.count() == 1
