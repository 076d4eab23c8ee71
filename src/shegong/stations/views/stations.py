"""Station management pages: the list (filters, export), the form with its schedule editor,
and the station page (hours, facilities, photos, status, inspections).

Thin adapters (STYLE.md rule 11): check the permission, find the station among
``Station.objects.visible_to(user)`` (another street's station is the same 404 as a missing
one), parse the form, call ONE action, and show its ``DomainError`` beside the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.web import maps
from shegong.web.exports import audited_xlsx
from shegong.web.forms import add_domain_error, run_action

from .. import queries, schedule
from ..actions import stations as station_actions
from ..choices import StationKind, StationStatus
from ..forms.stations import (
    CLOSURE_ROWS,
    PERIODS_PER_DAY,
    InspectionForm,
    ResolveForm,
    StationFilterForm,
    StationForm,
    StatusForm,
    checklist_from_data,
    schedule_from_data,
    schedule_rows,
    station_initial,
)
from ..models import Station
from .visits import detail_context

PAGE_SIZE = 20
PHOTO_KEYS = {"thumb": "thumb", "full": "path"}
FILTER_LEVELS = ("street", "community")


# --- helpers --------------------------------------------------------------------------------


def _station(user: Any, pk: int, *, manage: bool = False) -> Station:
    require_perm(user, Perm.STATIONS_MANAGE if manage else Perm.STATIONS_VIEW)
    return queries.access_station(user, pk)


def _region_choices(user: Any) -> list[tuple[str, str]]:
    regions = Region.objects.visible_to(user).filter(level__in=FILTER_LEVELS).order_by("code")
    return [
        (code, name if level == "street" else f"　{name}")
        for code, name, level in regions.values_list("code", "name", "level")
    ]


def _filtered(user: Any, form: StationFilterForm) -> QuerySet:
    if not form.is_bound:
        return queries.filter_stations(user, {})
    if not form.is_valid():
        return queries.with_defects(Station.objects.none())
    return queries.filter_stations(user, form.cleaned_data)


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- the list -------------------------------------------------------------------------------


@require_safe
def station_list(request: HttpRequest) -> HttpResponse:
    """驿站: the stations in scope, filtered, with their state and "open now"."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = StationFilterForm(request.GET or None, regions=_region_choices(user))
    qs = _filtered(user, form)
    counts = qs.order_by().aggregate(
        total=Count("id", distinct=True),
        open=Count("id", filter=Q(status=StationStatus.OPEN), distinct=True),
        defects=Count("id", filter=Q(has_defect=True), distinct=True),
    )
    rows = qs.select_related("region", "operator").prefetch_related("facilities")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "form": form,
        "page": page,
        "rows": [
            (s, s.status == StationStatus.OPEN and schedule.is_open(s.schedule, now)) for s in page
        ],
        "counts": counts,
        "query": _query(request),
        "can_manage": user.has_perm_in_scope(Perm.STATIONS_MANAGE),
        **_list_map(qs),
    }
    return render(request, "stations/staff_list.html", context)


def _list_map(qs: QuerySet) -> dict[str, Any]:
    """The listed stations (as filtered, every page) for the list's map: green when open."""
    found = qs.order_by("region_id", "name", "pk").values_list(
        "pk", "name", "lat", "lon", "status"
    )[: maps.MAX_POINTS]
    points = [
        maps.point(lat, lon, name, url=reverse("stations:detail", args=[pk]),
                   closed=status != StationStatus.OPEN)
        for pk, name, lat, lon, status in found
        if lat is not None and lon is not None
    ]  # fmt: skip
    return {"map_points": maps.points_json(points), "map_point_count": len(points)}


EXPORT_COLUMNS = [
    excel.Column("名称", 30), excel.Column("类型", 14), excel.Column("状态", 8),
    excel.Column("所属区划", 16), excel.Column("区划代码", 16), excel.Column("地址", 30),
    excel.Column("纬度(WGS-84)", 12), excel.Column("经度(WGS-84)", 12),
    excel.Column("运营单位", 24), excel.Column("服务设施", 30), excel.Column("座位/容量", 8),
    excel.Column("开放时间", 40), excel.Column("联系人", 10), excel.Column("联系电话", 14),
    excel.Column("未整改问题", 8),
]  # fmt: skip


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as a streaming xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = StationFilterForm(request.GET or None, regions=_region_choices(user))
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，未导出")
        return redirect_after_write(request, reverse("stations:list"))
    qs = _filtered(user, form).select_related("region", "operator").prefetch_related("facilities")
    kinds, statuses = dict(StationKind.choices), dict(StationStatus.choices)

    def rows() -> Iterator[list[Any]]:
        for s in qs.iterator(chunk_size=500):
            hours = "；".join(f"{d} {t}" for d, t in schedule.describe(s.schedule))
            yield [
                s.name, kinds.get(s.kind, s.kind), statuses.get(s.status, s.status),
                s.region.name, s.region_id, s.address, s.lat, s.lon,
                s.operator.name if s.operator_id else "",
                "、".join(f.name for f in s.facilities.all()), s.seats, hours,
                s.contact_name, s.contact_phone, "是" if s.has_defect else "",
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.STATIONS_EXPORTED, table="stations", title="驿站",
        columns=EXPORT_COLUMNS, rows=rows(), filters=form.cleaned_data if form.is_bound else None,
    )  # fmt: skip


# --- the form -------------------------------------------------------------------------------


def _form_values(form: StationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"], "kind": data["kind"], "operator": data["operator"],
        "address": data["address"], "lat": data["lat"], "lon": data["lon"], "crs": data["crs"],
        "facilities": list(data["facilities"]), "seats": data["seats"],
        "contact_name": data["contact_name"], "contact_phone": data["contact_phone"],
        "photos": data["photos"],
    }  # fmt: skip


def _place_error(form: StationForm, exc: DomainError) -> list[str]:
    """Put a domain error on the form; return the schedule's messages (shown by the editor)."""
    schedule_errors = [e["message"] for e in exc.errors if e.get("field") == "schedule"]
    rest = [e for e in exc.errors if e.get("field") != "schedule"]
    if rest or not schedule_errors:
        add_domain_error(form, InvalidInput(exc.detail, errors=rest) if rest else exc)
    return schedule_errors


def _render_form(
    request: HttpRequest,
    form: StationForm,
    station: Station | None,
    schedule_source: Any,
    *,
    from_data: bool,
    schedule_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "station": station,
        "editor": schedule_rows(schedule_source, from_data=from_data),
        "schedule_errors": schedule_errors or [],
        "periods": range(PERIODS_PER_DAY),
        "closure_rows": range(CLOSURE_ROWS),
        "photos": _photos(station) if station is not None else [],
    }
    return render(request, "stations/staff_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """新建驿站."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    if request.method in ("GET", "HEAD"):
        form = StationForm(user=user)
        return _render_form(request, form, None, {}, from_data=False)
    form = StationForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _render_form(request, form, None, request.POST, from_data=True, status=422)
    try:
        station = station_actions.create_station(
            actor=user, schedule=schedule_from_data(request.POST), **_form_values(form)
        )
    except DomainError as exc:
        errors = _place_error(form, exc)
        return _render_form(request, form, None, request.POST, from_data=True,
                            schedule_errors=errors, status=exc.status)  # fmt: skip
    messages.success(request, f"已新建驿站「{station.name}」")
    return redirect_after_write(request, reverse("stations:detail", args=[station.pk]))


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改驿站: every field, the schedule and the photos."""
    user = request.user
    station = _station(user, pk, manage=True)
    if request.method in ("GET", "HEAD"):
        form = StationForm(initial=station_initial(station), user=user, station=station)
        return _render_form(request, form, station, station.schedule, from_data=False)
    form = StationForm(request.POST, request.FILES, user=user, station=station)
    if not form.is_valid():
        return _render_form(request, form, station, request.POST, from_data=True, status=422)
    values = _form_values(form)
    try:
        station_actions.update_station(
            station, actor=user, schedule=schedule_from_data(request.POST),
            remove_photos=form.cleaned_data.get("remove_photos") or [], **values,
        )  # fmt: skip
    except DomainError as exc:
        errors = _place_error(form, exc)
        return _render_form(request, form, station, request.POST, from_data=True,
                            schedule_errors=errors, status=exc.status)  # fmt: skip
    messages.success(request, f"已保存驿站「{station.name}」")
    return redirect_after_write(request, reverse("stations:detail", args=[station.pk]))


# --- the station page -----------------------------------------------------------------------


def _photos(station: Station) -> list[dict[str, str]]:
    return [
        {
            "thumb": reverse("stations:photo", args=[station.pk, i, "thumb"]),
            "full": reverse("stations:photo", args=[station.pk, i, "full"]),
        }
        for i, record in enumerate(station.photos or [])
        if isinstance(record, dict)
    ]


def _render_detail(
    request: HttpRequest,
    station: Station,
    *,
    status_form: StatusForm | None = None,
    inspection_form: InspectionForm | None = None,
    resolve_forms: dict[int, ResolveForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    inspections = list(station.inspections.select_related("inspector"))
    resolve_forms = resolve_forms or {}
    today = schedule.describe(station.schedule)
    weekday = timezone.localtime(now).isoweekday()
    context = {
        "station": station,
        "open_now": station.status == StationStatus.OPEN
        and schedule.is_open(station.schedule, now),
        "week": today,
        "today": today[0][1] if station.schedule.get("always_open") else today[weekday - 1][1],
        "closure_today": schedule.closure_on(station.schedule, timezone.localdate()),
        "closures": station.schedule.get("closures") or [],
        "facilities": list(station.facilities.all()),
        "photos": _photos(station),
        "inspections": [(i, resolve_forms.get(i.pk) or ResolveForm()) for i in inspections],
        "unresolved": [i for i in inspections if not i.resolved],
        "can_manage": user.has_perm_in_scope(Perm.STATIONS_MANAGE),
        "status_form": status_form or StatusForm(initial={"status": station.status}),
        "inspection_form": inspection_form
        or InspectionForm(initial={"inspected_on": timezone.localdate()}),
        **detail_context(station),
        "map_points": maps.points_json(
            [maps.point(station.lat, station.lon, station.name,
                        closed=station.status != StationStatus.OPEN)]
        ) if station.lat is not None and station.lon is not None else "",
    }  # fmt: skip
    return render(request, "stations/staff_detail.html", context, status=status)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _station(request.user, pk))


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    station = _station(user, pk, manage=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        run_action(
            form, station_actions.set_station_status,
            station, actor=user, status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
        if form.errors:
            return _render_detail(request, station, status_form=form, status=form.error_status)
        label = StationStatus(form.cleaned_data["status"]).label
        messages.success(request, f"驿站状态已改为「{label}」")
        return redirect_after_write(request, reverse("stations:detail", args=[pk]))
    return _render_detail(request, station, status_form=form, status=422)


@require_POST
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    station = _station(user, pk, manage=True)
    form = InspectionForm(request.POST)
    if form.is_valid():
        inspection = run_action(
            form, station_actions.record_inspection,
            station, actor=user, inspected_on=form.cleaned_data["inspected_on"],
            checklist=checklist_from_data(station, request.POST),
            defects=form.cleaned_data["defects"], follow_up=form.cleaned_data["follow_up"],
        )  # fmt: skip
        if form.errors:
            return _render_detail(request, station, inspection_form=form, status=form.error_status)
        if inspection.resolved:
            messages.success(request, "已记录检查：未发现问题")
        else:
            messages.warning(request, "已记录检查：发现问题，待整改")
        return redirect_after_write(request, reverse("stations:detail", args=[pk]))
    return _render_detail(request, station, inspection_form=form, status=422)


@require_POST
def inspection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """整改完成 of one inspection (pk: the inspection)."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    inspection = queries.access_inspection(user, pk)
    station = _station(user, inspection.station_id, manage=True)
    form = ResolveForm(request.POST)
    if form.is_valid():
        run_action(
            form, station_actions.resolve_inspection,
            inspection, actor=user, resolution=form.cleaned_data["resolution"],
        )  # fmt: skip
        if form.errors:
            return _render_detail(
                request, station, resolve_forms={pk: form}, status=form.error_status
            )
        messages.success(request, "已标记整改完成")
        return redirect_after_write(request, reverse("stations:detail", args=[station.pk]))
    return _render_detail(request, station, resolve_forms={pk: form}, status=422)


@require_safe
def photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    """One stored photo of a station in the caller's reach."""
    station = _station(request.user, pk)
    records = station.photos if isinstance(station.photos, list) else []
    if kind not in PHOTO_KEYS or not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    record = records[index] if isinstance(records[index], dict) else {}
    path = record.get(PHOTO_KEYS[kind]) or ""
    folder = station_actions.PHOTO_FOLDER + "/"
    if not path.startswith(folder) or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
