"""Care pages: care campaigns (stock per station, benefits handed out) and insurance batches
(enrolment, the list for the insurer) under /stations/, and the worker's own benefits and cover
on H5 (/m/my-care/).

Thin adapters (STYLE.md rule 11): check the permission, find the campaign or batch among those
the user may see (another street's is the same 404 as a missing one), parse the form, call ONE
action of ``actions/care.py``. Names, phones and ID numbers are shown masked everywhere here, the
insurer's list included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import audit, excel
from shegong.core.audit import Verb
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_id_number, mask_name, mask_phone
from shegong.core.scope import in_subtree
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import run_action

from .. import queries
from ..actions import care, workers
from ..forms.care import BatchForm, CampaignForm, EnrolForm, GiveForm, StockForm
from ..models import CareCampaign, Distribution, Enrollment, InsuranceBatch, Worker
from .workers import _region_choices

LIST_LIMIT = 200
AREA_LEVELS = [Level.DISTRICT, Level.STREET, Level.COMMUNITY]
# --- helpers --------------------------------------------------------------------------------


def _area_choices(user: Any) -> list[tuple[str, str]]:
    return _region_choices(Region.objects.visible_to(user), AREA_LEVELS)


def _can_manage(user: Any) -> bool:
    return user.has_perm_in_scope(Perm.STATIONS_MANAGE)


# --- campaigns ------------------------------------------------------------------------------


def _campaign(user: Any, pk: int) -> CareCampaign:
    require_perm(user, Perm.STATIONS_VIEW)
    return queries.access_campaign(user, pk)


@require_http_methods(["GET", "HEAD", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    """关爱活动: the campaigns the user runs or sees, and a form to start one."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = None
    status = 200
    if request.method == "POST":
        require_perm(user, Perm.STATIONS_MANAGE)
        form = CampaignForm(request.POST, regions=_area_choices(user))
        if form.is_valid():
            data = form.cleaned_data
            campaign = run_action(
                form, care.create_campaign,
                actor=user, name=data["name"], benefit=data["benefit"],
                region=data["region"], starts_on=data["starts_on"], ends_on=data["ends_on"],
            )  # fmt: skip
            if not form.errors:
                messages.success(request, f"已创建关爱活动：{campaign.name}")
                return redirect_after_write(
                    request, reverse("stations:campaign", args=[campaign.pk])
                )
        status = 422
    elif _can_manage(user):
        form = CampaignForm(regions=_area_choices(user))
    rows = list(queries.campaigns_visible_to(user).select_related("region")[:LIST_LIMIT])
    context = {"rows": rows, "form": form, "today": timezone.localdate()}
    return render(request, "stations/care_list.html", context, status=status)


def _render_campaign(
    request: HttpRequest,
    campaign: CareCampaign,
    *,
    stock_form: StockForm | None = None,
    give_form: GiveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    stations = queries.campaign_stations(user, campaign)
    choices = [(s.pk, s.name) for s in stations.order_by("name").only("pk", "name")]
    can_manage = _can_manage(user)
    given = (
        Distribution.objects.filter(campaign=campaign, station__in=stations)
        .select_related("worker__person", "station", "given_by")
        .order_by("-given_at", "-pk")
    )
    context = {
        "campaign": campaign,
        "stocks": queries.stock_rows(campaign, stations),
        "given": given[:LIST_LIMIT],
        "given_count": given.count(),
        "can_manage": can_manage,
        "stock_form": stock_form or (StockForm(stations=choices) if can_manage else None),
        "give_form": give_form or (GiveForm(stations=choices) if can_manage else None),
        "today": timezone.localdate(),
    }
    return render(request, "stations/care_detail.html", context, status=status)


@require_safe
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_campaign(request, _campaign(request.user, pk))


@require_POST
def campaign_stock(request: HttpRequest, pk: int) -> HttpResponse:
    """配发: how many of the benefit a station received."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    found = _campaign(user, pk)
    choices = [(s.pk, s.name) for s in queries.campaign_stations(user, found).only("pk", "name")]
    form = StockForm(request.POST, stations=choices)
    if form.is_valid():
        station = queries.access_campaign_station(user, found, form.cleaned_data["station"])
        run_action(form, care.set_stock, found, station, form.cleaned_data["quantity"], actor=user)
        if form.errors:
            return _render_campaign(request, found, stock_form=form, status=form.error_status)
        messages.success(request, f"已配发：{station.name} {form.cleaned_data['quantity']} 份")
        return redirect_after_write(request, reverse("stations:campaign", args=[pk]))
    return _render_campaign(request, found, stock_form=form, status=422)


@require_POST
def campaign_give(request: HttpRequest, pk: int) -> HttpResponse:
    """发放: hand the benefit to a worker found by ID number or phone."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    found = _campaign(user, pk)
    choices = [(s.pk, s.name) for s in queries.campaign_stations(user, found).only("pk", "name")]
    form = GiveForm(request.POST, stations=choices)
    if form.is_valid():
        station = queries.access_campaign_station(user, found, form.cleaned_data["station"])
        worker = queries.find_worker(user, form.cleaned_data["who"])
        if worker is None:
            form.add_error("who", "未找到该新就业群体人员（请核对身份证号或手机号，或先登记）")
            return _render_campaign(request, found, give_form=form, status=422)
        run_action(form, care.give_benefit, found, worker=worker, station=station, actor=user)
        if form.errors:
            return _render_campaign(request, found, give_form=form, status=form.error_status)
        messages.success(request, f"已发放：{worker.person.name_masked}（{station.name}）")
        return redirect_after_write(request, reverse("stations:campaign", args=[pk]))
    return _render_campaign(request, found, give_form=form, status=422)


# --- insurance ------------------------------------------------------------------------------


def _batch(user: Any, pk: int) -> InsuranceBatch:
    require_perm(user, Perm.STATIONS_VIEW)
    return queries.access_batch(user, pk)


@require_http_methods(["GET", "HEAD", "POST"])
def insurance(request: HttpRequest) -> HttpResponse:
    """保险批次: the batches, and a form to file one."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    form = None
    status = 200
    if request.method == "POST":
        require_perm(user, Perm.STATIONS_MANAGE)
        form = BatchForm(request.POST, regions=_area_choices(user))
        if form.is_valid():
            data = form.cleaned_data
            batch = run_action(
                form, care.create_insurance_batch,
                actor=user, name=data["name"], insurer=data["insurer"],
                policy_number=data["policy_number"], region=data["region"],
                starts_on=data["starts_on"], ends_on=data["ends_on"],
            )  # fmt: skip
            if not form.errors:
                messages.success(request, f"已创建保险批次：{batch.name}")
                return redirect_after_write(
                    request, reverse("stations:insurance_batch", args=[batch.pk])
                )
        status = 422
    elif _can_manage(user):
        form = BatchForm(regions=_area_choices(user))
    rows = list(queries.batches_visible_to(user).select_related("region")[:LIST_LIMIT])
    context = {"rows": rows, "form": form, "today": timezone.localdate()}
    return render(request, "stations/insurance_list.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def insurance_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: its enrolled workers (masked) and the enrolment form."""
    user = request.user
    batch = _batch(user, pk)
    can_manage = _can_manage(user)
    form = EnrolForm() if can_manage else None
    status = 200
    if request.method == "POST":
        require_perm(user, Perm.STATIONS_MANAGE)
        form = EnrolForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data.get("everyone"):
                live = Worker.objects.visible_to(user).live()
                chosen = list(in_subtree(live, batch.region.prefix).only("pk"))
                missing: list[str] = []
            else:
                chosen, missing = [], []
                for line in data["lines"]:
                    worker = queries.find_worker(user, line)
                    (chosen.append(worker) if worker is not None else missing.append(line))
            result = run_action(form, care.enroll_workers, batch, chosen, actor=user)
            if form.errors:
                status = form.error_status
            else:
                text = result.message
                if missing:
                    text += (
                        f"；未找到 {len(missing)} 人（第 "
                        + "、".join(str(data["lines"].index(m) + 1) for m in missing[:20])
                        + " 行）"
                    )
                messages.success(request, text)
                return redirect_after_write(request, reverse("stations:insurance_batch", args=[pk]))
        else:
            status = 422
    enrolled = queries.enrolments_visible_to(user, batch)
    context = {
        "batch": batch,
        "form": form,
        "enrolled": enrolled[:LIST_LIMIT],
        "enrolled_count": enrolled.count(),
        "kinds": dict(workers.WORKER_KINDS),
        "covered": queries.covered(batch),
    }
    return render(request, "stations/insurance_detail.html", context, status=status)


EXPORT_COLUMNS = [
    excel.Column("序号", 6), excel.Column("姓名", 10), excel.Column("身份证号", 20),
    excel.Column("手机号", 14), excel.Column("从业类型", 12), excel.Column("所属平台企业", 24),
    excel.Column("保障开始", 12), excel.Column("保障结束", 12), excel.Column("保单号", 20),
    excel.Column("保险公司", 20),
]  # fmt: skip


@require_safe
def insurance_export(request: HttpRequest, pk: int) -> HttpResponse:
    """参保名单 for the insurer, as xlsx: masked names, ID numbers and phones only."""
    user = request.user
    batch = _batch(user, pk)
    qs = queries.enrolments_visible_to(user, batch)
    kinds = dict(workers.WORKER_KINDS)
    starts, ends = f"{batch.starts_on:%Y-%m-%d}", f"{batch.ends_on:%Y-%m-%d}"

    def rows() -> Iterator[list[Any]]:
        for n, e in enumerate(qs.iterator(chunk_size=500), start=1):
            w, p = e.worker, e.worker.person
            yield [
                n, mask_name(p.name), mask_id_number(p.id_number), mask_phone(p.phone),
                kinds.get(w.kind, w.kind), w.platform.name if w.platform_id else "",
                starts, ends, batch.policy_number, batch.insurer,
            ]  # fmt: skip

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = excel.xlsx_response(
        f"参保名单-{batch.name}-{stamp}.xlsx", EXPORT_COLUMNS, rows(), sheet_name="参保名单"
    )
    count = int(response["X-Export-Rows"])
    audit.record(
        Verb.INSURANCE_EXPORTED, actor=user, target=batch,
        data={"rows": count, "masked": True, "policy_number": batch.policy_number},
    )  # fmt: skip
    # The list leaves the system for a third party (the insurer): personal data, masked.
    audit.record(
        Verb.PII_EXPORTED, actor=user, target=batch,
        data={"table": "insurance_enrollments", "rows": count, "masked": True,
              "recipient": batch.insurer},
    )  # fmt: skip
    return response


# --- H5: my benefits and cover --------------------------------------------------------------


@require_safe
def m_my_care(request: HttpRequest) -> HttpResponse:
    """我的关爱与保险: only the caller's own benefits and insurance cover."""
    worker = Worker.objects.filter(person__user=request.user).first()
    benefits: list[Distribution] = []
    cover: list[dict[str, Any]] = []
    if worker is not None:
        benefits = list(
            Distribution.objects.filter(worker=worker).select_related("campaign", "station")[
                :LIST_LIMIT
            ]
        )
        today = timezone.localdate()
        for e in (
            Enrollment.objects.filter(worker=worker)
            .select_related("batch")
            .order_by("-batch__ends_on", "-pk")[:LIST_LIMIT]
        ):
            cover.append({"batch": e.batch, "active": queries.covered(e.batch, today)})
    context = {"worker": worker, "benefits": benefits, "cover": cover}
    return render(request, "stations/m_my_care.html", context)
