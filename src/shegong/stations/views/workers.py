"""新就业群体 pages: staff list/export/register/detail/edit/withdraw under /stations/workers/,
and the worker's own H5 pages under /m/worker/: the home (nearest stations, visits, demands,
care), registration, the profile, self-service edit and withdrawal of consent.

Thin adapters (STYLE.md rule 11): check the permission, find the worker among
``Worker.objects.visible_to(user).live()`` (another street's worker, or a withdrawn profile, is
the same 404 as a missing one), parse the form, call ONE action of ``actions/workers.py``.
Names, phones and ID numbers are shown masked everywhere here, the export included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_id_number, mask_name, mask_phone
from shegong.core.scope import in_subtree
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region
from shegong.regions.queries import h5_region_groups
from shegong.reports.queries import worker_demands_of
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import consent, queries
from ..actions import workers
from ..forms.workers import WorkerFilterForm, WorkerProfileForm, WorkerRegisterForm
from ..models import Distribution, Enrollment, Visit, Worker

PAGE_SIZE = 20
MAX_REGION_OPTIONS = 500


# --- region choices (shared with the care and vanguard pages) -------------------------------


FILTER_LEVELS = [Level.STREET, Level.COMMUNITY]
FORM_LEVELS = [Level.STREET, Level.COMMUNITY, Level.GRID]
INDENT = {Level.STREET: "", Level.COMMUNITY: "　", Level.GRID: "　　"}


def _region_choices(regions: QuerySet, levels: list[str] = FILTER_LEVELS) -> list[tuple[str, str]]:
    rows = regions.filter(level__in=levels).order_by("code")
    return [
        (r.code, f"{INDENT.get(r.level, '')}{r.name}")
        for r in rows.only("code", "name", "level")[:MAX_REGION_OPTIONS]
    ]


def _action_values(form: forms.Form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"], "platform": data.get("platform") or None,
        "delivery_site": data.get("delivery_site", ""),
        "party_member": bool(data.get("party_member")), "region": data["region"],
    }  # fmt: skip


# --- the staff list -------------------------------------------------------------------------


def _filtered(user: Any, form: WorkerFilterForm) -> QuerySet:
    qs = Worker.objects.visible_to(user).live()
    if not form.is_valid():
        return qs.none() if form.is_bound else qs
    data = form.cleaned_data
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("platform"):
        qs = qs.filter(platform_id=data["platform"])
    if data.get("party") in ("0", "1"):
        qs = qs.filter(party_member=data["party"] == "1")
    if data.get("region"):
        region = Region.objects.visible_to(user).filter(code=data["region"]).first()
        qs = in_subtree(qs, region.prefix) if region is not None else qs.none()
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(person__name__icontains=text)
    return qs


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _filter_form(request: HttpRequest) -> WorkerFilterForm:
    regions = _region_choices(Region.objects.visible_to(request.user))
    return WorkerFilterForm(request.GET or None, regions=regions)


@require_safe
def worker_list(request: HttpRequest) -> HttpResponse:
    """新就业群体: the workers in scope, masked, filtered."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = _filter_form(request)
    qs = _filtered(user, form).select_related("person", "platform", "region")
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "kinds": dict(workers.WORKER_KINDS),
        "query": _query(request),
        "can_manage": user.has_perm_in_scope(Perm.STATIONS_MANAGE),
    }
    return render(request, "stations/worker_list.html", context)


EXPORT_COLUMNS = [
    excel.Column("姓名", 10), excel.Column("手机号", 14), excel.Column("身份证号", 20),
    excel.Column("从业类型", 12), excel.Column("所属平台企业", 24), excel.Column("配送站点", 20),
    excel.Column("党员", 6), excel.Column("服务区域", 16), excel.Column("区划代码", 16),
    excel.Column("登记时间", 18), excel.Column("告知书版本", 10),
]  # fmt: skip


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, masked, as a streaming xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，未导出")
        return redirect_after_write(request, reverse("stations:workers"))
    qs = (
        _filtered(user, form)
        .select_related("person", "platform", "region")
        .order_by("-created_at", "-pk")
    )
    kinds = dict(workers.WORKER_KINDS)

    def rows() -> Iterator[list[Any]]:
        for w in qs.iterator(chunk_size=500):
            p = w.person
            yield [
                mask_name(p.name), mask_phone(p.phone), mask_id_number(p.id_number),
                kinds.get(w.kind, w.kind), w.platform.name if w.platform_id else "",
                w.delivery_site, "是" if w.party_member else "", w.region.name, w.region_id,
                timezone.localtime(w.created_at).strftime("%Y-%m-%d %H:%M"), w.consent_version,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.STATIONS_EXPORTED, table="workers", title="新就业群体",
        columns=EXPORT_COLUMNS, rows=rows(), masked=True,
        filters=form.cleaned_data if form.is_bound else None,
    )  # fmt: skip


# --- staff: register, detail, edit ----------------------------------------------------------


def _worker(user: Any, pk: int, *, manage: bool = False) -> Worker:
    require_perm(user, Perm.STATIONS_MANAGE if manage else Perm.STATIONS_VIEW)
    return queries.access_worker(user, pk)


def _staff_regions(user: Any) -> list[tuple[str, str]]:
    return _region_choices(Region.objects.visible_to(user), FORM_LEVELS)


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """登记新就业群体 (by staff)."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    regions = _staff_regions(user)
    if request.method in ("GET", "HEAD"):
        form = WorkerRegisterForm(regions=regions)
        return render(
            request,
            "stations/worker_form.html",
            {"form": form, "worker": None, "consent_version": consent.CONSENT_VERSION},
        )
    form = WorkerRegisterForm(request.POST, regions=regions)
    if form.is_valid():
        data = form.cleaned_data
        worker = run_action(
            form, workers.register_worker,
            actor=user, name=data["name"], id_number=data["id_number"],
            phone=data["phone"], consent=data["consent"], self_service=False,
            **_action_values(form),
        )  # fmt: skip
        if not form.errors:
            messages.success(request, f"已登记：{worker.person.name_masked}")
            return redirect_after_write(request, reverse("stations:worker", args=[worker.pk]))
    return render(
        request,
        "stations/worker_form.html",
        {"form": form, "worker": None, "consent_version": consent.CONSENT_VERSION},
        status=422,
    )


def _render_detail(
    request: HttpRequest, worker: Worker, *, reason: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "worker": worker,
        "kind_label": dict(workers.WORKER_KINDS).get(worker.kind, worker.kind),
        "can_manage": user.has_perm_in_scope(Perm.STATIONS_MANAGE),
        "can_ledger": user.has_perm_in_scope(Perm.LEDGER_VIEW),
        "withdraw_reason": reason,
        "withdraw_error": error,
        "max_reason": workers.MAX_REASON,
    }
    return render(request, "stations/worker_detail.html", context, status=status)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _worker(request.user, pk))


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """注销登记 (by staff, on the worker's request): the profile is anonymised, not deleted."""
    user = request.user
    worker = _worker(user, pk, manage=True)
    reason = request.POST.get("reason", "").strip()
    label = worker.person.name_masked
    try:
        workers.withdraw_worker(worker, actor=user, self_service=False, reason=reason)
    except DomainError as exc:
        return _render_detail(request, worker, reason=reason, error=exc.detail, status=exc.status)
    messages.success(request, f"已注销登记：{label}（档案已匿名化，服务记录仍计入统计）")
    return redirect_after_write(request, reverse("stations:workers"))


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    worker = _worker(user, pk, manage=True)
    regions = _staff_regions(user)
    if request.method in ("GET", "HEAD"):
        initial = {
            "kind": worker.kind, "platform": str(worker.platform_id or ""),
            "delivery_site": worker.delivery_site, "party_member": worker.party_member,
            "region": worker.region_id,
        }  # fmt: skip
        form = WorkerProfileForm(initial=initial, regions=regions)
        return render(request, "stations/worker_form.html", {"form": form, "worker": worker})
    form = WorkerProfileForm(request.POST, regions=regions)
    if form.is_valid():
        run_action(form, workers.update_worker, worker, actor=user, **_action_values(form))
        if not form.errors:
            messages.success(request, "已保存")
            return redirect_after_write(request, reverse("stations:worker", args=[worker.pk]))
    context = {"form": form, "worker": worker}
    return render(request, "stations/worker_form.html", context, status=422)


# --- H5: the worker's own pages -------------------------------------------------------------


def _default_region(user: Any) -> str:
    membership = user.active_membership
    if membership is None:
        return ""
    region = membership.region
    if region.level == Level.GRID:  # the picker offers streets and communities
        return region.code[: PREFIX_LENGTH[Level.COMMUNITY]].ljust(12, "0")
    return region.code


M_FIELDS = ["name", "id_number", "phone", "kind", "platform", "delivery_site", "party_member",
            "region", "consent"]  # fmt: skip


def _m_render(
    request: HttpRequest, values: dict[str, Any], errors: dict[str, str], *, status: int = 200
) -> HttpResponse:
    context = {
        "values": values,
        "errors": errors,
        "kinds": workers.WORKER_KINDS,
        "platforms": list(workers.platforms().only("pk", "name")),
        "regions": h5_region_groups(request.user),
        "consent_title": consent.CONSENT_TITLE,
        "consent_summary": consent.CONSENT_SUMMARY,
        "consent_sections": consent.CONSENT_SECTIONS,
        "consent_version": consent.CONSENT_VERSION,
    }
    return render(request, "stations/m_worker_register.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_register(request: HttpRequest) -> HttpResponse:
    """新就业群体登记 (H5): the worker registers themself and agrees to the notice."""
    user = request.user
    if queries.own_worker(user) is not None:
        messages.info(request, "您已登记过，以下是您的档案")
        return redirect("stations_m:worker_profile")
    if request.method in ("GET", "HEAD"):
        values = {"name": user.name, "phone": user.phone, "region": _default_region(user)}
        return _m_render(request, values, {})
    post = request.POST
    values = {name: post.get(name, "").strip() for name in M_FIELDS}
    try:
        workers.register_worker(
            actor=user, name=values["name"], id_number=values["id_number"],
            phone=values["phone"], kind=values["kind"], platform=values["platform"] or None,
            delivery_site=values["delivery_site"], party_member=bool(values["party_member"]),
            region=values["region"], consent=bool(values["consent"]), self_service=True,
        )  # fmt: skip
    except DomainError as exc:
        errors = {e["field"]: e["message"] for e in exc.errors if e.get("field") in M_FIELDS}
        if not errors:
            errors["top"] = exc.detail
        return _m_render(request, values, errors, status=exc.status)
    messages.success(request, "登记成功")
    return redirect("stations_m:worker")


HOME_LIMIT = 3


def _month_start() -> Any:
    """Midnight of the first day of this month, local time (Asia/Shanghai)."""
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@require_safe
def m_home(request: HttpRequest) -> HttpResponse:
    """暖新驿站 H5 home: greeting, the nearest stations (the browser's location, fetched by the
    page from the public API), my visits, my demands, my care and cover. A fixed number of
    queries whatever the history (each list is cut to the last three)."""
    from shegong.reports.catalogue import WORKER_GROUP

    user = request.user
    worker = queries.own_worker(user)
    if worker is None:
        return redirect("stations_m:worker_register")
    today = timezone.localdate()
    # The batches covering today: ``queries.covered`` as a filter (start and end days included).
    cover = [
        e.batch
        for e in Enrollment.objects.filter(
            worker=worker, batch__starts_on__lte=today, batch__ends_on__gte=today
        )
        .select_related("batch")
        .order_by("batch__ends_on", "pk")[:HOME_LIMIT]
    ]
    context = {
        "worker": worker,
        "kind_label": dict(workers.WORKER_KINDS).get(worker.kind, worker.kind),
        "cover": cover,
        "benefit_count": Distribution.objects.filter(worker=worker).count(),
        "visits_this_month": Visit.objects.filter(worker=worker, at__gte=_month_start()).count(),
        "recent_visits": list(
            Visit.objects.filter(worker=worker).select_related("station")[:HOME_LIMIT]
        ),
        "demands": worker_demands_of(user, limit=HOME_LIMIT),
        "worker_group": WORKER_GROUP,
        "nearest_limit": HOME_LIMIT,
    }
    return render(request, "stations/m_home.html", context)


@require_safe
def m_profile(request: HttpRequest) -> HttpResponse:
    """我的档案 (H5): the worker's own profile: their own name in full, the numbers masked."""
    worker = queries.own_worker(request.user)
    if worker is None:
        return redirect("stations_m:worker_register")
    context = {
        "worker": worker,
        "kind_label": dict(workers.WORKER_KINDS).get(worker.kind, worker.kind),
    }
    return render(request, "stations/m_worker_profile.html", context)


EDIT_FIELDS = ["kind", "platform", "delivery_site", "party_member", "region"]


def _m_edit_render(
    request: HttpRequest,
    worker: Worker,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HttpResponse:
    regions = h5_region_groups(request.user)
    offered = {r.code for street, communities in regions for r in [street, *communities] if r}
    context = {
        "worker": worker,
        "values": values,
        "errors": errors,
        "kinds": workers.WORKER_KINDS,
        "platforms": list(workers.platforms().only("pk", "name")),
        "regions": regions,
        # A region the picker does not offer (a grid, another district) stays choosable.
        "current_region": None if worker.region_id in offered else worker.region,
    }
    return render(request, "stations/m_worker_edit.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_edit(request: HttpRequest) -> HttpResponse:
    """修改从业信息 (H5): the worker changes their own work details; name, ID number and phone
    are the ledger's and changed by staff."""
    user = request.user
    worker = queries.own_worker(user)
    if worker is None:
        return redirect("stations_m:worker_register")
    if request.method in ("GET", "HEAD"):
        values = {
            "kind": worker.kind, "platform": str(worker.platform_id or ""),
            "delivery_site": worker.delivery_site, "party_member": worker.party_member,
            "region": worker.region_id,
        }  # fmt: skip
        return _m_edit_render(request, worker, values, {})
    post = request.POST
    values = {name: post.get(name, "").strip() for name in EDIT_FIELDS}
    try:
        workers.update_worker(
            worker, actor=user, self_service=True, kind=values["kind"],
            platform=values["platform"] or None, delivery_site=values["delivery_site"],
            party_member=bool(values["party_member"]), region=values["region"],
        )  # fmt: skip
    except DomainError as exc:
        errors = {e["field"]: e["message"] for e in exc.errors if e.get("field") in EDIT_FIELDS}
        if not errors:
            errors["top"] = exc.detail
        return _m_edit_render(request, worker, values, errors, status=exc.status)
    messages.success(request, "已保存")
    return redirect("stations_m:worker_profile")


@require_http_methods(["GET", "HEAD", "POST"])
def m_withdraw(request: HttpRequest) -> HttpResponse:
    """撤回同意并注销 (H5): GET explains what happens, POST withdraws."""
    user = request.user
    worker = queries.own_worker(user)
    if worker is None:
        return redirect("stations_m:worker_register")
    reason = request.POST.get("reason", "").strip() if request.method == "POST" else ""
    error = ""
    status = 200
    if request.method == "POST":
        try:
            workers.withdraw_worker(worker, actor=user, self_service=True, reason=reason)
        except DomainError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(
                request,
                "已撤回同意，您的新就业群体登记已注销。签到、领取等记录已匿名化，仅用于统计；"
                "如需再次使用驿站服务，可重新登记。",
            )
            return redirect("mobile_home")
    context = {
        "worker": worker,
        "reason": reason,
        "error": error,
        "max_reason": workers.MAX_REASON,
        "consent_title": consent.CONSENT_TITLE,
        "consent_sections": [
            (h, t) for h, t in consent.CONSENT_SECTIONS if h.startswith(("五", "六"))
        ],
    }
    return render(request, "stations/m_worker_withdraw.html", context, status=status)
