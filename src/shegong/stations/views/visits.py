"""Visits: the station's QR poster, the anonymous tally, the 服务人次 statistics (staff) and
the H5 check-in page a worker reaches by scanning the poster (with "my visits").

Thin adapters: the poster and statistics read ``Station.objects.visible_to(user)`` (another
street's station is a 404); the tally and the check-in call ONE action each. The check-in page
is for any logged-in worker of any street (a rider crosses streets): the signed token in its
URL is the only way to name the station there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import audit, excel
from shegong.core.audit import Verb
from shegong.core.downloads import content_disposition
from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.reports.queries import worker_demands_visible_to
from shegong.web.forms import run_action

from .. import qr, queries
from ..actions import visits
from ..choices import StationStatus
from ..forms.visits import PeriodForm, TallyForm, VisitForm
from ..models import Facility, Station, Visit

POSTER_FORMATS = {"png": "image/png", "pdf": "application/pdf"}
SORTS = {
    "total": lambda r: (-r["total"], r["name"]),
    "scans": lambda r: (-r["scans"], r["name"]),
    "tallied": lambda r: (-r["tallied"], r["name"]),
    "name": lambda r: (r["name"],),
    "street": lambda r: (r["street"], r["name"]),
}
MY_VISITS_LIMIT = 100
RECENT_VISITS = 10
WORKER_NOT_FOUND = "未找到该新就业群体人员（请核对身份证号或手机号，或先登记）"
WORKER_REGISTER_PATH = "/m/worker/register/"


# --- staff: poster and tally ----------------------------------------------------------------


@require_safe
def poster(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """下载签到二维码海报 as PNG or PDF."""
    require_perm(request.user, Perm.STATIONS_VIEW)
    station = queries.access_station(request.user, pk)
    if fmt not in POSTER_FORMATS:
        raise NotFound("不支持的格式")
    url = request.build_absolute_uri(qr.checkin_path(station))
    body = qr.poster_pdf(station, url) if fmt == "pdf" else qr.poster_png(station, url)
    response = HttpResponse(body, content_type=POSTER_FORMATS[fmt])
    response["Content-Disposition"] = content_disposition(
        f"驿站签到海报-{station.name}.{fmt}", fallback=f"station-{station.pk}-poster.{fmt}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def tally(request: HttpRequest, pk: int) -> HttpResponse:
    """登记匿名服务人次 (people served who did not scan)."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    station = queries.access_station(user, pk)
    form = TallyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            form, visits.tally_visits,
            station, actor=user, on=data["on"], count=data["count"], note=data["note"],
        )  # fmt: skip
        if form.errors:
            return _render_tally(request, station, form, status=form.error_status)
        messages.success(request, f"已登记 {data['on']:%Y-%m-%d} 匿名服务 {data['count']} 人次")
        return redirect_after_write(request, reverse("stations:detail", args=[pk]))
    return _render_tally(request, station, form, status=422)


def detail_context(station: Station) -> dict[str, Any]:
    """What the station page shows of visits: the named-visit form and the last 10 visits."""
    return {
        "visit_form": VisitForm(station=station),
        "recent_visits": queries.recent_at_station(station, RECENT_VISITS),
    }


@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    """登记实名服务: staff count a worker (found by ID number or phone in their scope) who was
    served without scanning."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    station = queries.access_station(user, pk)
    form = VisitForm(request.POST, station=station)
    if not form.is_valid():
        return _render_visit(request, station, form, status=422)
    data = form.cleaned_data
    worker = queries.find_worker(user, data["who"])
    if worker is None:
        form.add_error("who", WORKER_NOT_FOUND)
        return _render_visit(request, station, form, status=422)
    done = run_action(
        form, visits.record_visit,
        station, worker=worker, actor=user, services=data["services"], source="staff",
        at=data["at"] or timezone.now(),
    )  # fmt: skip
    if form.errors:
        return _render_visit(request, station, form, status=form.error_status)
    local = timezone.localtime(done.at)
    messages.success(
        request, f"已登记实名服务：{worker.person.name_masked}（{local:%Y-%m-%d %H:%M}）"
    )
    return redirect_after_write(request, reverse("stations:detail", args=[pk]))


def _render_visit(request: HttpRequest, station: Station, form: VisitForm, *, status: int):
    context = {
        "station": station, "visit_form": form,
        "recent_visits": queries.recent_at_station(station, RECENT_VISITS),
    }  # fmt: skip
    return render(request, "stations/visits_visit.html", context, status=status)


def _render_tally(request: HttpRequest, station: Station, form: TallyForm, *, status: int):
    context = {"station": station, "form": form}
    return render(request, "stations/visits_tally.html", context, status=status)


# --- staff: statistics ----------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, int | None]:
    form = PeriodForm(request.GET or None)
    this_year = timezone.localdate().year
    if not form.is_bound:
        return form, this_year
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data.get("year") or this_year


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """驿站服务人次: visits + tallied counts by month, street and station, for the year."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form, year = _period(request)
    if year is None:
        context = {"form": form, "stats": None, "sort": "total"}
        return render(request, "stations/visits_stats.html", context, status=422)
    stats = queries.statistics(Station.objects.visible_to(user), year)
    _link_streets(user, stats["streets"])
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "total"
    stats["stations"].sort(key=SORTS[sort])
    chart = {
        "labels": [m["label"] for m in stats["months"]],
        "scans": [m["scans"] for m in stats["months"]],
        "tallied": [m["tallied"] for m in stats["months"]],
    }
    facilities = _stations_by_facility(user)
    chart["facilities"] = {
        "labels": [f.name for f in facilities],
        "counts": [f.n for f in facilities],
    }
    demands = worker_demands_visible_to(user, year)
    context = {"form": form, "stats": stats, "chart": chart, "sort": sort, "year": year,
               "facilities": facilities, "demands": demands}  # fmt: skip
    return render(request, "stations/visits_stats.html", context)


def _link_streets(user: Any, streets: list[dict[str, Any]]) -> None:
    """Each street row's 驿站数 links to the station list of that street: filtered by the
    street where the list offers it (a street's staff), or the whole list when the user's
    stations lie in one street they cannot pick (a community's worker sees the stations
    around them)."""
    listed = reverse("stations:list")
    pickable = set(
        Region.objects.visible_to(user)
        .filter(code__in=[s["code"] for s in streets], level__in=("street", "community"))
        .values_list("code", flat=True)
    )
    for street in streets:
        if street["code"] in pickable:
            street["url"] = f"{listed}?region={street['code']}"
        elif len(streets) == 1:
            street["url"] = listed


def _stations_by_facility(user: Any) -> list[Facility]:
    """How many of the user's open stations offer each facility (one query)."""
    mine = Station.objects.visible_to(user).filter(status=StationStatus.OPEN)
    return list(
        Facility.objects.filter(is_active=True)
        .annotate(n=Count("stations", filter=Q(stations__in=mine)))
        .order_by("-n", "order")
    )


EXPORT_COLUMNS = [
    excel.Column("驿站", 30), excel.Column("所属街道", 16), excel.Column("扫码签到", 10),
    excel.Column("匿名登记", 10), excel.Column("服务人次", 10),
]  # fmt: skip


@require_safe
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The by-station table of the statistics as xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    _form, year = _period(request)
    if year is None:
        messages.error(request, "统计年度有误，未导出")
        return redirect_after_write(request, reverse("stations:visits"))
    stats = queries.statistics(Station.objects.visible_to(user), year)

    def rows() -> Iterator[list[Any]]:
        for r in stats["stations"]:
            yield [r["name"], r["street_name"], r["scans"], r["tallied"], r["total"]]
        totals = stats["totals"]
        yield ["合计", "", totals["scans"], totals["tallied"], totals["total"]]

    response = excel.xlsx_response(
        f"驿站服务人次-{year}.xlsx", EXPORT_COLUMNS, rows(), sheet_name="服务人次"
    )
    membership = user.active_membership
    audit.record(
        Verb.STATIONS_EXPORTED,
        actor=user,
        region=membership.region_id if membership is not None else None,
        data={
            "table": "station_visits",
            "rows": int(response["X-Export-Rows"]),
            "filters": {"year": str(year)},
        },
    )
    return response


# --- H5: check-in and my visits -------------------------------------------------------------


def _register_url() -> str:
    try:
        return reverse("stations_m:worker_register")
    except NoReverseMatch:
        return WORKER_REGISTER_PATH


def _render_checkin(
    request: HttpRequest, station: Station, *, notice: str = "", error: str = "", status=200
) -> HttpResponse:
    context = {
        "station": station,
        "facilities": [f for f in station.facilities.all() if f.is_active],
        "is_open": station.status == StationStatus.OPEN,
        "hours": queries.today_hours(station),
        "notice": notice,
        "error": error,
        "chosen": request.POST.getlist("services") if request.method == "POST" else [],
    }
    return render(request, "stations/m_checkin.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """扫码签到: GET shows the station and the services; POST counts the visit."""
    station = qr.station_from_token(token)
    worker = queries.worker_of(request.user)
    if worker is None:
        messages.info(request, "请先完成新就业群体登记，再扫码签到")
        target = _register_url()
        return HttpResponseRedirect(f"{target}?next={request.path}")
    if request.method in ("GET", "HEAD"):
        return _render_checkin(request, station)
    try:
        visit = visits.record_visit(
            station, worker=worker, actor=request.user,
            services=request.POST.getlist("services"), source="qr",
        )  # fmt: skip
    except visits.AlreadyCheckedIn as exc:
        return _render_checkin(request, station, notice=exc.detail)
    except DomainError as exc:
        return _render_checkin(request, station, error=exc.detail, status=exc.status)
    local = timezone.localtime(visit.at)
    messages.success(request, f"签到成功：{station.name}（{local:%H:%M}）")
    return redirect_after_write(request, reverse("stations_m:my_visits"))


@require_safe
def m_my_visits(request: HttpRequest) -> HttpResponse:
    """我的签到记录: only the caller's own visits."""
    worker = queries.worker_of(request.user)
    rows: list[Visit] = []
    if worker is not None:
        rows = list(Visit.objects.filter(worker=worker).select_related("station")[:MY_VISITS_LIMIT])
    context = {"worker": worker, "rows": rows, "register_url": _register_url()}
    return render(request, "stations/m_visits.html", context)
