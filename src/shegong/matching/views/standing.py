"""Standing-order pages (常态化服务): the list with its filters and counts, create/edit, the
detail with the rota editor, pause/resume/end and the month calendar, the monthly summary with
its Excel export; and the helper's H5 page of today's tasks with a 完成 button.

Thin adapters: check the permission, find the object among those the user may see (another
street's is the same 404 as a missing one), parse the form, call ONE action. Beneficiaries are
shown masked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.ledger.models import Person
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action
from shegong.web.http import AuthedRequest

from ..actions import standing as actions
from ..choices import OfferStatus, StandingStatus
from ..forms.standing import DoneForm, EndForm, FilterForm, PauseForm, RotaForm, StandingForm
from ..models import CatalogueItem, Category, Offer, StandingOrder
from ..queries import standing as queries

LIST_LIMIT = 300
PEOPLE_LIMIT = 1000


def _communities(user: Any) -> list[tuple[str, str]]:
    rows = Region.objects.visible_to(user).filter(level="community").order_by("code")
    return [(r.code, r.name) for r in rows.only("code", "name")[:500]]


def _categories() -> list[tuple[str, str]]:
    return [(str(c.pk), c.name) for c in Category.objects.filter(is_active=True)]


def _form(user: Any, data: Any = None, **kwargs: Any) -> StandingForm:
    people = (
        Person.objects.visible_to(user)
        .select_related("region")
        .order_by("region_id", "name", "pk")[:PEOPLE_LIMIT]
    )
    items = CatalogueItem.objects.filter(is_active=True).select_related("category")
    return StandingForm(
        data, regions=_communities(user),
        people=[(str(p.pk), f"{p.name_masked}（{p.region.name}）") for p in people],
        categories=_categories(),
        items=[(str(i.pk), f"{i.category.name} · {i.name}") for i in items], **kwargs,
    )  # fmt: skip


def _values(form: StandingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "region": data["region"], "beneficiary": data["beneficiary"],
        "category": data["category"], "item": data.get("item") or None, "title": data["title"],
        "weekdays": [int(d) for d in data["weekdays"]], "at_time": data["at_time"],
        "minutes": data["minutes"], "starts_on": data["starts_on"],
        "ends_on": data.get("ends_on"), "address": data.get("address", ""),
        "funding_source": data.get("funding_source", ""),
    }  # fmt: skip


# --- list -----------------------------------------------------------------------------------


@require_safe
def standing_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    rows = queries.filter_standing(user, request.GET)
    counts = queries.status_counts(rows)
    filters = FilterForm(request.GET or None, regions=_communities(user), categories=_categories())
    context = {
        "rows": rows[:LIST_LIMIT], "total": sum(counts.values()),
        "counts": [(StandingStatus(s).label, n) for s, n in counts.items()],
        "filters": filters, "missed": request.GET.get("missed") == "today",
        "can_manage": user.has_perm_in_scope(Perm.MATCHING_MANAGE),
    }  # fmt: skip
    return render(request, "matching/standing_list.html", context)


@require_POST
def standing_generate(request: AuthedRequest) -> HttpResponse:
    """生成今日任务 (the scan does it every hour; idempotent)."""
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    made = actions.generate_tasks(timezone.localdate(), actor=user)
    messages.success(request, f"已生成今日任务 {made} 项" if made else "今日任务均已生成")
    return redirect_after_write(request, reverse("matching:standing_list"))


# --- create / edit --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def standing_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    if request.method != "POST":
        form = _form(user, initial={"starts_on": timezone.localdate(), "at_time": "11:30"})
        return render(request, "matching/standing_form.html", {"form": form})
    form = _form(user, request.POST)
    if form.is_valid():
        saved = run_action(form, actions.save_standing, user, **_values(form))
        if saved is not None and not form.errors:
            messages.success(request, f"已登记常态化服务：{saved.title}，请为它排班")
            return redirect_after_write(request, reverse("matching:standing", args=[saved.pk]))
    status = getattr(form, "error_status", 422)
    return render(request, "matching/standing_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def standing_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    found = queries.access_standing(user, pk)
    if request.method != "POST":
        initial = {
            "region": found.region_id, "beneficiary": str(found.beneficiary_id),
            "category": str(found.category_id), "item": str(found.item_id or ""),
            "title": found.title, "weekdays": [str(d) for d in found.weekdays],
            "at_time": found.at_time, "minutes": found.minutes, "starts_on": found.starts_on,
            "ends_on": found.ends_on, "address": found.address,
            "funding_source": found.funding_source,
        }  # fmt: skip
        form = _form(user, initial=initial)
        return render(request, "matching/standing_form.html", {"form": form, "standing": found})
    form = _form(user, request.POST)
    if form.is_valid():
        run_action(form, actions.save_standing, user, found, **_values(form))
        if not form.errors:
            messages.success(request, "已保存")
            return redirect_after_write(request, reverse("matching:standing", args=[found.pk]))
    status = getattr(form, "error_status", 422)
    context = {"form": form, "standing": found}
    return render(request, "matching/standing_form.html", context, status=status)


# --- detail, rota, pause / resume / end -----------------------------------------------------


def _offers(standing: StandingOrder) -> list[tuple[str, str]]:
    rows = Offer.objects.filter(
        region_id=standing.region_id, category_id=standing.category_id,
        status=OfferStatus.APPROVED,
    ).order_by("provider_name", "pk")  # fmt: skip
    return [(str(o.pk), f"{o.provider_name}：{o.title}") for o in rows[:300]]


def _render_detail(
    request: AuthedRequest, found: StandingOrder, *, rota_form: RotaForm | None = None,
    pause_form: PauseForm | None = None, end_form: EndForm | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    can_manage = user.has_perm_in_scope(Perm.MATCHING_MANAGE)
    first, _ = queries.month_bounds(request.GET.get("month"))
    slots = {s.weekday: s for s in found.rota.select_related("offer")}
    live = found.status != StandingStatus.ENDED and can_manage
    if rota_form is None and live:
        rota_form = RotaForm(
            weekdays=found.weekdays, offers=_offers(found),
            initial={f"day_{d}": str(s.offer_id) for d, s in slots.items()},
        )  # fmt: skip
    context = {
        "standing": found, "can_manage": can_manage, "live": live,
        "rota": [(actions.WEEKDAY_NAMES[d], slots.get(d)) for d in found.weekdays],
        "rota_form": rota_form,
        "pause_form": pause_form or (PauseForm(
            initial={"until": timezone.localdate() + timedelta(days=7)}) if live else None),
        "end_form": end_form or (EndForm() if live else None),
        "weeks": queries.month_calendar(found, first), "month": first,
        "prev_month": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (first + timedelta(days=31)).strftime("%Y-%m"),
    }  # fmt: skip
    return render(request, "matching/standing_detail.html", context, status=status)


@require_safe
def standing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.MATCHING_VIEW)
    return _render_detail(request, queries.access_standing(request.user, pk))


@require_POST
def standing_rota(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    found = queries.access_standing(user, pk)
    form = RotaForm(request.POST, weekdays=found.weekdays, offers=_offers(found))
    if form.is_valid():
        rota = {d: form.cleaned_data.get(f"day_{d}") or None for d in found.weekdays}
        run_action(form, actions.set_rota, found, rota, user)
        if not form.errors:
            messages.success(request, "已保存排班")
            return redirect_after_write(request, reverse("matching:standing", args=[pk]))
    status = getattr(form, "error_status", 422)
    return _render_detail(request, found, rota_form=form, status=status)


@require_POST
def standing_pause(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    found = queries.access_standing(user, pk)
    form = PauseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run_action(form, actions.pause, found, user, until=data["until"], reason=data["reason"])
        if not form.errors:
            messages.success(request, f"已暂停至 {data['until']:%Y-%m-%d}")
            return redirect_after_write(request, reverse("matching:standing", args=[pk]))
    status = getattr(form, "error_status", 422)
    return _render_detail(request, found, pause_form=form, status=status)


@require_POST
def standing_resume(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    found = queries.access_standing(user, pk)
    form = EndForm(request.POST)
    run_action(form, actions.resume, found, user)
    if form.errors:
        return _render_detail(request, found, end_form=form, status=form.error_status)
    messages.success(request, "已恢复服务")
    return redirect_after_write(request, reverse("matching:standing", args=[pk]))


@require_POST
def standing_end(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    found = queries.access_standing(user, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        run_action(form, actions.end, found, user, reason=form.cleaned_data.get("reason", ""))
        if not form.errors:
            messages.success(request, "已结束该常态化服务")
            return redirect_after_write(request, reverse("matching:standing", args=[pk]))
    status = getattr(form, "error_status", 422)
    return _render_detail(request, found, end_form=form, status=status)


# --- monthly summary ------------------------------------------------------------------------


@require_safe
def standing_summary(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    first, _ = queries.month_bounds(request.GET.get("month"))
    community = str(request.GET.get("community") or "")
    communities = _communities(user)
    if community and community not in dict(communities):
        raise NotFound("未找到该社区")
    summary = queries.monthly_summary(user, first, community)
    if request.GET.get("export") == "xlsx":
        columns = [
            excel.Column(header, width)
            for header, width in (
                ("汇总对象", 10), ("名称", 24), ("社区/服务", 24), ("应服务", 8), ("已完成", 8),
                ("未按时完成", 10), ("准时完成", 10), ("准时率", 10),
            )
        ]  # fmt: skip
        rows = [
            ("服务对象", r["name"], r["community"], r["due"], r["done"], r["missed"],
             r["on_time"], r["punctuality"]) for r in summary["people"]
        ] + [
            ("服务方", r["name"], r["title"], r["due"], r["done"], r["missed"], r["on_time"],
             r["punctuality"]) for r in summary["helpers"]
        ]  # fmt: skip
        return audited_xlsx(
            user, verb=Verb.STANDING_SUMMARY_EXPORTED, table="matching.standing_summary",
            title=f"常态化服务月度汇总{first:%Y%m}", columns=columns, rows=rows,
            filters={"month": f"{first:%Y-%m}", "community": community}, masked=True,
        )  # fmt: skip
    context = {
        **summary, "month": first, "month_value": f"{first:%Y-%m}", "community": community,
        "communities": communities,
    }  # fmt: skip
    return render(request, "matching/standing_summary.html", context)


# --- H5: the helper's tasks of today --------------------------------------------------------


@require_safe
def m_tasks(request: AuthedRequest) -> HttpResponse:
    rows = list(queries.helper_tasks(request.user, timezone.localdate()))
    return render(request, "matching/m_standing_tasks.html", {"rows": rows})


@require_POST
def m_task_done(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if not queries.helper_tasks(user, timezone.localdate()).filter(pk=pk).exists():
        raise NotFound("未找到该服务任务")
    form = DoneForm(request.POST)
    form.is_valid()
    run_action(form, actions.mark_done, pk, user, note=form.cleaned_data.get("note", ""))
    if form.errors:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        messages.success(request, "已标记完成，谢谢您！")
    return redirect_after_write(request, reverse("matching_m:standing_tasks"))
