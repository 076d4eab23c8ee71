"""Professional social-worker pages under /volunteers/social-workers/: the list with
"驻点社工 N 名 / 覆盖社区 M 个 / 结对 K 对", registration and edit, and the detail with the
stationings, pairings and guidance logs (a social worker logs guidance for their own pairings).

Names, phones and ID numbers are masked everywhere; ``socialwork.access_*`` decide who sees what
(another street's social worker, stationing or pairing is a 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError, NotFound, NotPermitted
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.volunteers.actions import socialwork
from shegong.volunteers.choices import Qualification
from shegong.volunteers.forms.people import (
    EndForm,
    GuidanceForm,
    PeriodForm,
    SocialWorkerFilterForm,
    SocialWorkerProfileForm,
    SocialWorkerRegisterForm,
)
from shegong.volunteers.models import GuidanceLog, Pairing, SocialWorker, Stationing
from shegong.volunteers.queries import people as queries
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.web.forms import first_error, run_action

PAGE_SIZE = 20


def _filtered(user: Any, form: SocialWorkerFilterForm) -> QuerySet:
    if not form.is_bound:
        return socialwork_queries.social_workers_visible(user)
    if not form.is_valid():
        return SocialWorker.objects.none()
    return queries.social_workers(user, form.cleaned_data)


@require_safe
def sw_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm_in_scope(Perm.VOLUNTEERS_VIEW):
        own = socialwork_queries.own_social_worker(user)
        if own is None:
            raise NotPermitted("您当前的角色没有此操作的权限")
        return redirect("volunteers:social_worker", pk=own.pk)
    form = SocialWorkerFilterForm(request.GET or None, user=user)
    current_stationings = socialwork_queries.current(Stationing.objects.select_related("region"))
    qs = (
        _filtered(user, form)
        .select_related("person", "employer", "region")
        .prefetch_related(Prefetch("stationings", current_stationings, to_attr="now"))
        .order_by("region_id", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    own = socialwork_queries.own_social_worker(user)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "overview": socialwork_queries.overview(user),
        "can_manage": socialwork_queries.may_manage(user),
        "own": own,
    }
    return render(request, "volunteers/sw_list.html", context)


def _profile_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "qualification": data["qualification"], "certificate_number": data["certificate_number"],
        "employer": data.get("employer") or None, "region": data["region"],
    }  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def sw_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.SOCIAL_WORK_MANAGE)
    if request.method in ("GET", "HEAD"):
        form = SocialWorkerRegisterForm(user=user)
        return render(request, "volunteers/sw_form.html", {"form": form, "sw": None})
    form = SocialWorkerRegisterForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        sw = run_action(
            form, socialwork.register_social_worker,
            actor=user, name=data["name"], id_number=data["id_number"], phone=data["phone"],
            **_profile_values(data),
        )  # fmt: skip
        if not form.errors:
            messages.success(request, f"已登记专业社工：{sw.person.name_masked}")
            return redirect_after_write(request, reverse("volunteers:social_worker", args=[sw.pk]))
    return render(request, "volunteers/sw_form.html", {"form": form, "sw": None}, status=422)


@require_safe
def sw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sw = socialwork_queries.access_social_worker(user, pk)
    can_manage = socialwork_queries.may_manage(user) and (
        SocialWorker.objects.visible_to(user).filter(pk=pk).exists()
    )
    is_self = sw.person.user_id == user.pk
    pairings = list(
        sw.pairings.select_related("region").prefetch_related(
            Prefetch("logs", GuidanceLog.objects.select_related("recorded_by"))
        )
    )
    context = {
        "sw": sw,
        "stationings": list(sw.stationings.select_related("region")),
        "pairings": pairings,
        "open_pairings": {p.pk for p in socialwork_queries.current(sw.pairings.all())},
        "can_manage": can_manage,
        "can_log": can_manage or is_self,
        "is_senior": sw.qualification == Qualification.SENIOR,
        "period_form": PeriodForm(user=user, auto_id="stationing_%s") if can_manage else None,
        "pairing_form": PeriodForm(user=user, auto_id="pairing_%s") if can_manage else None,
        "end_form": EndForm(),
        "guidance_form": GuidanceForm(),
    }
    return render(request, "volunteers/sw_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def sw_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sw = socialwork_queries.access_social_worker(user, pk, manage=True)
    if request.method in ("GET", "HEAD"):
        initial = {
            "qualification": sw.qualification, "certificate_number": sw.certificate_number,
            "employer": sw.employer_id or "", "region": sw.region_id,
        }  # fmt: skip
        form = SocialWorkerProfileForm(initial=initial, user=user)
        return render(request, "volunteers/sw_form.html", {"form": form, "sw": sw})
    form = SocialWorkerProfileForm(request.POST, user=user)
    if form.is_valid():
        run_action(
            form, socialwork.update_social_worker,
            sw, actor=user, **_profile_values(form.cleaned_data),
        )  # fmt: skip
        if not form.errors:
            messages.success(request, "已保存")
            return redirect_after_write(request, reverse("volunteers:social_worker", args=[pk]))
    return render(request, "volunteers/sw_form.html", {"form": form, "sw": sw}, status=422)


# --- stationings, pairings, guidance (posted from the detail page) -----------------------------


def _back(request: HttpRequest, sw_pk: int) -> HttpResponse:
    return redirect_after_write(request, reverse("volunteers:social_worker", args=[sw_pk]))


def _period(request: HttpRequest, pk: int, action: Any, what: str) -> HttpResponse:
    user = request.user
    sw = socialwork_queries.access_social_worker(user, pk, manage=True)
    form = PeriodForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, sw.pk)
    data = form.cleaned_data
    try:
        action(sw, actor=user, region=data["region"], starts_on=data["starts_on"],
               ends_on=data.get("ends_on"))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已登记{what}")
    return _back(request, sw.pk)


@require_POST
def stationing_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _period(request, pk, socialwork.add_stationing, "驻点")


@require_POST
def pairing_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _period(request, pk, socialwork.add_pairing, "结对帮扶")


def _end(request: HttpRequest, model: type, pk: int, action: Any, what: str) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.SOCIAL_WORK_MANAGE)
    scoped = SocialWorker.objects.visible_to(user).values("pk")
    row = model.objects.filter(pk=pk, social_worker__in=scoped).first()
    if row is None:
        raise NotFound(f"{what}记录不存在或不在您的管理范围内")
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, row.social_worker_id)
    try:
        action(row.pk, actor=user, ends_on=form.cleaned_data.get("ends_on"))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已结束{what}")
    return _back(request, row.social_worker_id)


@require_POST
def stationing_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, Stationing, pk, socialwork.end_stationing, "驻点")


@require_POST
def pairing_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, Pairing, pk, socialwork.end_pairing, "结对")


@require_POST
def guidance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """记录帮扶指导: the paired social worker, or staff with socialwork.manage in scope."""
    user = request.user
    pairing = socialwork_queries.access_pairing(user, pk)
    form = GuidanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, pairing.social_worker_id)
    data = form.cleaned_data
    try:
        socialwork.log_guidance(
            pairing, actor=user, on=data["on"], mode=data["mode"], topic=data["topic"],
            content=data.get("content", ""),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已记录帮扶指导")
    return _back(request, pairing.social_worker_id)
