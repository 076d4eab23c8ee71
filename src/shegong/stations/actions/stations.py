"""Every state change of a station and its inspections: one function per verb.

Each entry point runs in one durable transaction and writes one audit entry. ``actor`` is the
staff member (``stations.manage``, and the station inside their scope) or None for the system
(demo data, the command line), which skips the permission and scope checks.

A station's location comes in any of the three coordinate systems (``crs``) and is stored in
WGS-84; it must lie inside the deployment (``regions.queries.locate``). Photos are decoded and
re-encoded (``core.photos``) before the transaction; if the transaction fails, the stored
files are removed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, geo
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.geo import check_point
from shegong.core.perms import Perm, require_perm
from shegong.ledger.models import Organization
from shegong.regions.models import Region
from shegong.regions.queries import locate

from ..choices import StationKind, StationStatus
from ..models import Facility, Inspection, Station
from ..schedule import parse_schedule

__all__ = [
    "create_station",
    "record_inspection",
    "resolve_inspection",
    "set_station_status",
    "update_station",
]

PHOTO_FOLDER = "stations"
MAX_SEATS = 1000
NOT_IN_SCOPE = "该位置不在您的工作范围内"
STATION_NOT_FOUND = "未找到该驿站，或您无权查看"
# Fields update_station accepts (photos: new uploads appended; remove_photos: indices).
EDITABLE = {
    "name", "kind", "operator", "address", "lat", "lon", "crs", "schedule", "facilities",
    "seats", "contact_name", "contact_phone", "photos", "remove_photos",
}  # fmt: skip


# --- checks ---------------------------------------------------------------------------------


def _check_actor(actor: User | None) -> None:
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)


def _check_station_scope(actor: User | None, station: Station) -> None:
    if actor is not None and not Station.objects.visible_to(actor).filter(pk=station.pk).exists():
        raise NotFound(STATION_NOT_FOUND)


def _bad(errors: list[dict[str, str]], field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _check_fields(values: dict[str, Any], errors: list[dict[str, str]]) -> None:
    """Plain field rules (name, kind, address, seats, contact)."""
    if "name" in values:
        if not values["name"]:
            _bad(errors, "name", "请填写驿站名称")
        elif len(values["name"]) > 100:
            _bad(errors, "name", "驿站名称不能超过100字")
    if "kind" in values and values["kind"] not in StationKind.values:
        _bad(errors, "kind", "请选择驿站类型")
    if "address" in values:
        if not values["address"]:
            _bad(errors, "address", "请填写地址")
        elif len(values["address"]) > 200:
            _bad(errors, "address", "地址不能超过200字")
    seats = values.get("seats")
    if seats is not None and not (isinstance(seats, int) and 0 <= seats <= MAX_SEATS):
        _bad(errors, "seats", f"座位/容量应为 0 到 {MAX_SEATS} 之间的整数")
    if len(values.get("contact_name", "")) > 50:
        _bad(errors, "contact_name", "联系人不能超过50字")
    phone = values.get("contact_phone", "")
    if phone and (len(phone) > 20 or not all(c.isdigit() or c in "-+ " for c in phone)):
        _bad(errors, "contact_phone", "联系电话只能包含数字和“-”，不超过20位")


def _located(
    actor: User | None, lat: Any, lon: Any, crs: str, errors: list[dict[str, str]]
) -> tuple[Region, float, float] | None:
    """The region of the point and its WGS-84 coordinates; errors appended otherwise."""
    try:
        check_point(lat, lon, crs)  # numbers, China, swapped lat/lon, known crs
    except InvalidInput as exc:
        errors.extend(exc.errors or [{"field": "lat", "message": exc.detail}])
        return None
    lat, lon = float(lat), float(lon)
    try:
        region = locate(lat, lon, crs).region
    except InvalidInput as exc:
        errors.extend(exc.errors or [{"field": "lat", "message": exc.detail}])
        return None
    if actor is not None and not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        _bad(errors, "lat", NOT_IN_SCOPE)
        return None
    lat, lon = geo.to_wgs84(lat, lon, crs)
    return region, round(lat, 7), round(lon, 7)


def _operator(
    actor: User | None, operator: Any, errors: list[dict[str, str]]
) -> Organization | None:
    if operator in (None, ""):
        return None
    pk = operator.pk if isinstance(operator, Organization) else operator
    qs = Organization.objects.all() if actor is None else Organization.objects.visible_to(actor)
    found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        _bad(errors, "operator", "运营单位不存在或不在您的工作范围内")
    return found


def _facilities(values: Iterable[Any] | None, errors: list[dict[str, str]]) -> list[Facility]:
    wanted = list(values or [])
    codes = {v.code if isinstance(v, Facility) else str(v) for v in wanted}
    found = list(Facility.objects.filter(code__in=codes, is_active=True))
    missing = codes - {f.code for f in found}
    if missing:
        _bad(errors, "facilities", f"服务设施不存在或已停用：{'、'.join(sorted(missing))}")
    return found


def _schedule(raw: Any, errors: list[dict[str, str]]) -> dict[str, Any] | None:
    try:
        return parse_schedule(raw)
    except InvalidInput as exc:
        errors.extend(exc.errors or [{"field": "schedule", "message": exc.detail}])
        return None


def _store_photos(files: Sequence[Any] | None, *, room: int) -> list[dict]:
    processed = photo_intake.process_photos(files, field="photos", max_photos=max(room, 0))
    return photo_intake.store_photos(processed, folder=PHOTO_FOLDER) if processed else []


# --- stations -------------------------------------------------------------------------------


def create_station(
    *,
    actor: User | None,
    name: str,
    kind: str,
    address: str,
    lat: float,
    lon: float,
    crs: str = "wgs84",
    operator: Organization | int | None = None,
    schedule: Any,
    facilities: Iterable[Facility | str] = (),
    seats: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    photos: Sequence[Any] | None = None,
) -> Station:
    """Register a station. Every bad field is reported at once (InvalidInput); nothing is
    written then."""
    _check_actor(actor)
    values = {
        "name": _text(name), "kind": kind, "address": _text(address), "seats": seats,
        "contact_name": _text(contact_name), "contact_phone": _text(contact_phone),
    }  # fmt: skip
    errors: list[dict[str, str]] = []
    _check_fields(values, errors)
    place = _located(actor, lat, lon, crs, errors)
    org = _operator(actor, operator, errors)
    chosen = _facilities(facilities, errors)
    cleaned = _schedule(schedule, errors)
    _raise(errors)
    assert place is not None and cleaned is not None
    stored = _store_photos(photos, room=photo_intake.MAX_PHOTOS)
    try:
        return _create(actor, values, place, org, chosen, cleaned, stored)
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


@transaction.atomic(durable=True)
def _create(
    actor: User | None,
    values: dict[str, Any],
    place: tuple[Region, float, float],
    operator: Organization | None,
    facilities: list[Facility],
    schedule: dict[str, Any],
    photos: list[dict],
) -> Station:
    region, lat, lon = place
    now = timezone.now()
    station = Station.objects.create(
        **values, region=region, lat=lat, lon=lon, operator=operator, schedule=schedule,
        photos=photos, created_at=now, updated_at=now,
    )  # fmt: skip
    station.facilities.set(facilities)
    audit.record(
        Verb.STATION_CREATED,
        actor=actor,
        target=station,
        data={"kind": station.kind, "facilities": sorted(f.code for f in facilities)},
    )
    return station


def update_station(station: Station, *, actor: User | None, **changes: Any) -> Station:
    """Change some fields of a station; the audit entry names the fields that changed.
    A new location (``lat``/``lon``, with ``crs``) is located again and must stay in scope."""
    _check_actor(actor)
    _check_station_scope(actor, station)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    for field in ("name", "address", "contact_name", "contact_phone"):
        if field in changes:
            values[field] = _text(changes[field])
    for field in ("kind", "seats"):
        if field in changes:
            values[field] = changes[field]
    _check_fields(values, errors)
    if "lat" in changes or "lon" in changes:
        place = _located(
            actor, changes.get("lat", station.lat), changes.get("lon", station.lon),
            changes.get("crs", "wgs84"), errors,
        )  # fmt: skip
        if place is not None:
            values["region"], values["lat"], values["lon"] = place
    if "operator" in changes:
        values["operator"] = _operator(actor, changes["operator"], errors)
    if "schedule" in changes:
        values["schedule"] = _schedule(changes["schedule"], errors)
    facilities = _facilities(changes["facilities"], errors) if "facilities" in changes else None
    remove = {int(i) for i in changes.get("remove_photos") or []}
    kept = [p for i, p in enumerate(station.photos or []) if i not in remove]
    _raise(errors)
    stored = _store_photos(changes.get("photos"), room=photo_intake.MAX_PHOTOS - len(kept))
    try:
        return _update(station.pk, actor, values, facilities, remove, stored)
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


@transaction.atomic(durable=True)
def _update(
    pk: int,
    actor: User | None,
    values: dict[str, Any],
    facilities: list[Facility] | None,
    remove: set[int],
    stored: list[dict],
) -> Station:
    station = Station.objects.select_for_update().get(pk=pk)
    changed = [
        field
        for field, value in values.items()
        if getattr(station, field if field != "region" else "region_id")
        != (value.pk if field == "region" else value)
    ]
    for field in changed:
        setattr(station, field, values[field])
    if facilities is not None:
        before = set(station.facilities.values_list("code", flat=True))
        if before != {f.code for f in facilities}:
            station.facilities.set(facilities)
            changed.append("facilities")
    if remove or stored:
        photos = [p for i, p in enumerate(station.photos or []) if i not in remove]
        removed = [p for i, p in enumerate(station.photos or []) if i in remove]
        station.photos = photos + stored
        changed.append("photos")
        transaction.on_commit(lambda: photo_intake.delete_stored(removed))
    if not changed:
        return station
    station.updated_at = timezone.now()
    station.save(update_fields=[f for f in changed if f != "facilities"] + ["updated_at"])
    audit.record(Verb.STATION_UPDATED, actor=actor, target=station, data={"changed": changed})
    return station


@transaction.atomic(durable=True)
def set_station_status(
    station: Station, *, actor: User | None, status: str, reason: str
) -> Station:
    """Open, suspend or close a station, with a reason (shown in the audit trail)."""
    _check_actor(actor)
    _check_station_scope(actor, station)
    reason = _text(reason)
    errors: list[dict[str, str]] = []
    if status not in StationStatus.values:
        _bad(errors, "status", "请选择状态")
    if not reason:
        _bad(errors, "reason", "请填写变更原因")
    elif len(reason) > 500:
        _bad(errors, "reason", "变更原因不能超过500字")
    _raise(errors)
    station = Station.objects.select_for_update().get(pk=station.pk)
    if station.status == status:
        raise DomainError(f"驿站已是「{StationStatus(status).label}」状态")
    before = station.status
    station.status = status
    station.updated_at = timezone.now()
    station.save(update_fields=["status", "updated_at"])
    audit.record(
        Verb.STATION_STATUS_CHANGED,
        actor=actor,
        target=station,
        data={"from": before, "to": status, "reason": reason},
    )
    return station


# --- inspections ----------------------------------------------------------------------------


def _checklist(raw: Any, errors: list[dict[str, str]]) -> list[dict[str, Any]]:
    items = []
    for entry in raw or []:
        if not isinstance(entry, dict) or not _text(entry.get("item")):
            _bad(errors, "checklist", "检查项格式不正确")
            continue
        items.append({
            "item": _text(entry["item"])[:60],
            "ok": bool(entry.get("ok")),
            "note": _text(entry.get("note"))[:200],
        })  # fmt: skip
    return items


@transaction.atomic(durable=True)
def record_inspection(
    station: Station,
    *,
    actor: User | None,
    inspected_on: date,
    checklist: Any = (),
    defects: str = "",
    follow_up: str = "",
    inspector: Any = None,
) -> Inspection:
    """Record a check of a station. A defect (the text, or a checklist item not ok) leaves the
    inspection unresolved until ``resolve_inspection``. ``inspector`` defaults to the actor
    (the system, actor None, must name one)."""
    _check_actor(actor)
    _check_station_scope(actor, station)
    errors: list[dict[str, str]] = []
    inspector = actor if actor is not None else inspector
    if inspector is None:
        _bad(errors, "inspector", "请指定检查人")
    if not isinstance(inspected_on, date):
        _bad(errors, "inspected_on", "请填写检查日期")
    elif inspected_on > timezone.localdate():
        _bad(errors, "inspected_on", "检查日期不能晚于今天")
    items = _checklist(checklist, errors)
    defects, follow_up = _text(defects), _text(follow_up)
    if len(defects) > 2000:
        _bad(errors, "defects", "发现问题不能超过2000字")
    if len(follow_up) > 2000:
        _bad(errors, "follow_up", "整改要求不能超过2000字")
    failed = [i for i in items if not i["ok"]]
    if failed and not defects:
        defects = "；".join(f"{i['item']}：{i['note'] or '不合格'}" for i in failed)
    if defects and not follow_up:
        _bad(errors, "follow_up", "发现问题时请填写整改要求")
    _raise(errors)
    inspection = Inspection.objects.create(
        station=station, inspected_on=inspected_on, inspector=inspector, checklist=items,
        defects=defects, follow_up=follow_up, resolved=not defects,
    )  # fmt: skip
    audit.record(
        Verb.STATION_INSPECTED,
        actor=actor,
        target=station,
        data={"inspection": inspection.pk, "defects": bool(defects), "failed": len(failed)},
    )
    return inspection


@transaction.atomic(durable=True)
def resolve_inspection(
    inspection: Inspection, *, actor: User | None, resolution: str
) -> Inspection:
    """整改完成: close an inspection's defects with what was done."""
    _check_actor(actor)
    _check_station_scope(actor, inspection.station)
    resolution = _text(resolution)
    if not resolution:
        raise InvalidInput.field("resolution", "请填写整改情况")
    if len(resolution) > 2000:
        raise InvalidInput.field("resolution", "整改情况不能超过2000字")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.resolved:
        raise DomainError("该检查发现的问题已整改完成")
    inspection.resolved = True
    inspection.resolved_at = timezone.now()
    inspection.resolution = resolution
    inspection.save(update_fields=["resolved", "resolved_at", "resolution"])
    audit.record(
        Verb.INSPECTION_RESOLVED,
        actor=actor,
        target=inspection.station,
        data={"inspection": inspection.pk},
    )
    return inspection
