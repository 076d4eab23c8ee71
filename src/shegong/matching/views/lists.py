"""Staff pages of the two lists (需求清单, 供给清单/项目超市), the catalogue and a community's
settings, with the lists' Excel export and import.

Thin adapters: check the permission, find the entry among the caller's scope (another street's
entry is the same 404 as a missing one), parse the form, call ONE action, show its error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.accounts.models import User
from shegong.core import excel as core_excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound, NotPermitted
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.matching import excel, queries
from shegong.matching.actions import lists
from shegong.matching.choices import OfferStatus
from shegong.matching.forms.lists import (
    WEIGHT_LABELS,
    CategoryForm,
    ImportForm,
    ItemForm,
    NeedFilterForm,
    NeedForm,
    NeedStatusForm,
    OfferFilterForm,
    OfferForm,
    ReviewForm,
    SettingsForm,
    availability_to_slots,
    slots_to_availability,
)
from shegong.matching.models import CatalogueItem, Category, Need, Offer
from shegong.matching.queries import lists as list_queries
from shegong.volunteers.models import Team, Volunteer
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

PAGE_SIZE = 20


def _communities(user: Any) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in list_queries.communities(user)]


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _teams(user: Any, community: str | None = None) -> list[tuple[str, str]]:
    qs = Team.objects.visible_to(user).filter(is_active=True).order_by("region_id", "name")
    if community:
        qs = qs.filter(region_id=community)
    return [(str(t.pk), t.name) for t in qs[:500]]


def _cleaned(form: Any) -> dict[str, Any]:
    if form.is_bound and form.is_valid():
        return form.cleaned_data
    return {}


# --- 需求清单 --------------------------------------------------------------------------------


@require_safe
def needs(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = NeedFilterForm(request.GET or None, communities=_communities(user))
    filters = _cleaned(form)
    qs = (
        list_queries.filter_needs(user, filters)
        if not form.is_bound or form.is_valid()
        else (Need.objects.none())
    )
    page = Paginator(
        qs.select_related("category", "item", "region", "beneficiary"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "per_category": list_queries.per_category(qs),
        "can_manage": queries.may_manage(user),
        "status_form": NeedStatusForm(),
    }
    return render(request, "matching/needs.html", context)


def _need_values(form: NeedForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {"region": data.pop("region"), **data}


@require_http_methods(["GET", "HEAD", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    return _need_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.MATCHING_MANAGE)
    return _need_form(request, list_queries.access_need(request.user, pk))


def _need_form(request: HttpRequest, need: Need | None) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    communities = _communities(user)
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if need is not None:
            initial = {
                "region": need.region_id,
                "category": need.category_id,
                "description": need.description,
                "people_count": need.people_count,
                "frequency": need.frequency,
                "urgency": need.urgency,
                "sensitive": need.sensitive,
                "note": need.note,
            }
        form = NeedForm(initial=initial, communities=communities)
        return render(request, "matching/need_form.html", {"form": form, "need": need})
    form = NeedForm(request.POST, communities=communities)
    saved = None
    if form.is_valid():
        values = _need_values(form)
        if need is not None:
            values.pop("region")
        saved = run_action(form, lists.save_need, user, need=need, **values)
    if saved is None:
        status = getattr(form, "error_status", 422)
        return render(
            request, "matching/need_form.html", {"form": form, "need": need}, status=status
        )
    messages.success(request, "已保存需求")
    return redirect_after_write(request, reverse("matching:needs"))


@require_POST
def need_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    need = list_queries.access_need(user, pk)
    form = NeedStatusForm(request.POST)
    if form.is_valid():
        run_action(
            form,
            lists.set_need_status,
            need,
            user,
            form.cleaned_data["status"],
            form.cleaned_data["note"],
        )
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, "已更新需求状态")
    return redirect_after_write(request, reverse("matching:needs"))


# --- 供给清单 --------------------------------------------------------------------------------


@require_safe
def offers(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = OfferFilterForm(request.GET or None, communities=_communities(user))
    filters = _cleaned(form)
    qs = (
        list_queries.filter_offers(user, filters)
        if not form.is_bound or form.is_valid()
        else (Offer.objects.none())
    )
    page = Paginator(qs.select_related("category", "region"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "per_category": list_queries.per_category(qs),
        "can_manage": queries.may_manage(user),
        "statuses": OfferStatus,
    }
    return render(request, "matching/offers.html", context)


def _offer_values(user: Any, form: OfferForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    number = data.pop("volunteer_number", "")
    phone = data.pop("helper_phone", "").strip()
    helper = None
    if phone:
        account = User.objects.filter(phone=phone, is_active=True).first()
        helper = account.pk if account else -1
    volunteer = None
    if number:
        found = Volunteer.objects.visible_to(user).filter(number=number).first()
        volunteer = found.pk if found else -1
    return {
        **data,
        "volunteer": volunteer,
        "helper": helper,
        "availability": slots_to_availability(data.pop("slots")),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    return _offer_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.MATCHING_MANAGE)
    return _offer_form(request, list_queries.access_offer(request.user, pk))


def _offer_form(request: HttpRequest, offer: Offer | None) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    kwargs = {"communities": _communities(user), "teams": _teams(user)}
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if offer is not None:
            initial = {
                f: getattr(offer, f)
                for f in (
                    "title",
                    "description",
                    "provider_kind",
                    "provider_name",
                    "contact_phone",
                    "gives",
                    "gets_back",
                    "capacity_per_week",
                    "lat",
                    "lon",
                    "radius_m",
                    "cost",
                    "price_note",
                    "risky_ok",
                    "insurance_note",
                    "insured_until",
                )
            }
            initial.update(
                region=offer.region_id,
                category=offer.category_id,
                team=offer.team_id,
                slots=availability_to_slots(offer.availability),
                volunteer_number=offer.volunteer.number if offer.volunteer_id else "",
                helper_phone=offer.helper.phone if offer.helper_id else "",
            )
        form = OfferForm(initial=initial, **kwargs)
        return render(request, "matching/offer_form.html", {"form": form, "offer": offer})
    form = OfferForm(request.POST, **kwargs)
    saved = None
    if form.is_valid():
        values = _offer_values(user, form)
        region = values.pop("region")
        if offer is not None and values["helper"] is None:
            values["helper"] = offer.helper_id
        saved = run_action(
            form,
            lists.save_offer,
            user,
            offer=offer,
            region=region if offer is None else None,
            **values,
            field_map={
                "volunteer": "volunteer_number",
                "availability": "slots",
                "helper": "helper_phone",
            },
        )
    if saved is None:
        status = getattr(form, "error_status", 422)
        return render(
            request, "matching/offer_form.html", {"form": form, "offer": offer}, status=status
        )
    messages.success(
        request,
        f"已保存供给「{saved.title}」"
        + ("，等待审核上架" if saved.status == OfferStatus.NEW else ""),
    )
    return redirect_after_write(request, reverse("matching:offers"))


@require_POST
def offer_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    offer = list_queries.access_offer(user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        run_action(
            form,
            lists.review_offer,
            offer,
            user,
            form.cleaned_data["status"],
            form.cleaned_data["reason"],
        )
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"「{offer.title}」：{error}")
    else:
        done = {"approved": "已上架", "paused": "已暂停", "blocked": "已停用"}
        messages.success(request, f"「{offer.title}」{done[form.cleaned_data['status']]}")
    back = request.POST.get("next", "")
    target = reverse("matching:offers")
    return redirect_after_write(request, target + back if back.startswith("?") else target)


# --- 服务目录 --------------------------------------------------------------------------------


def _catalogue_forms(query: Any) -> tuple[CategoryForm, ItemForm]:
    """The two forms, the one named by ``?category=`` or ``?item=`` filled with that entry so
    that saving it changes it (修改)."""
    category_initial: dict[str, Any] = {}
    item_initial: dict[str, Any] = {}
    if str(query.get("category", "")).isdigit():
        category = Category.objects.filter(pk=query["category"]).first()
        if category is not None:
            category_initial = {
                "pk": category.pk, "code": category.code, "name": category.name,
                "dispatch_mode": category.dispatch_mode, "sensitive": category.sensitive,
                "order": category.order, "is_active": category.is_active,
            }  # fmt: skip
    if str(query.get("item", "")).isdigit():
        item = CatalogueItem.objects.filter(pk=query["item"]).first()
        if item is not None:
            item_initial = {
                "pk": item.pk, "category": item.category_id, "name": item.name,
                "typical_minutes": item.typical_minutes, "frequency": item.frequency,
                "urgency": item.urgency, "sensitive": item.sensitive, "risky": item.risky,
                "order": item.order, "is_active": item.is_active,
            }  # fmt: skip
    return (
        CategoryForm(prefix="c", initial=category_initial or None),
        ItemForm(prefix="i", initial=item_initial or None),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    can_edit = lists.may_edit_catalogue(user)
    category_form, item_form = _catalogue_forms(request.GET)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise NotPermitted("服务目录由区级工作人员统一维护")
        if request.POST.get("kind") == "item":
            item_form = ItemForm(request.POST, prefix="i")
            form: Any = item_form
            if item_form.is_valid():
                data = dict(item_form.cleaned_data)
                pk = data.pop("pk")
                item = CatalogueItem.objects.filter(pk=pk).first() if pk else None
                run_action(item_form, lists.save_item, user, item=item, **data)
        else:
            category_form = CategoryForm(request.POST, prefix="c")
            form = category_form
            if category_form.is_valid():
                data = dict(category_form.cleaned_data)
                pk = data.pop("pk")
                category = Category.objects.filter(pk=pk).first() if pk else None
                run_action(category_form, lists.save_category, user, category=category, **data)
        if not form.errors:
            messages.success(request, "已保存服务目录")
            return redirect_after_write(request, reverse("matching:catalogue"))
        status = getattr(form, "error_status", 422)
    categories = Category.objects.prefetch_related("items").order_by("order", "code")
    context = {
        "categories": categories,
        "can_edit": can_edit,
        "category_form": category_form,
        "item_form": item_form,
    }
    return render(request, "matching/catalogue.html", context, status=status)


# --- 社区派单设置 ----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def community_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    communities = _communities(user)
    code = request.GET.get("community") or (communities[0][0] if communities else "")
    if code and code not in dict(communities):
        raise NotFound("未找到该社区")
    current = queries.settings_of(code) if code else None
    teams = _teams(user, code) if code else []
    status = 200
    if request.method == "POST" and current is not None:
        require_perm(user, Perm.MATCHING_MANAGE)
        form = SettingsForm(request.POST, teams=teams)
        if form.is_valid():
            run_action(form, lists.save_settings, code, user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, "已保存派单设置")
                return redirect_after_write(
                    request, reverse("matching:settings") + f"?community={code}"
                )
        status = getattr(form, "error_status", 422)
    else:
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {f"weight_{n}": getattr(current, f"weight_{n}") for n in WEIGHT_LABELS}
            initial.update(
                accept_minutes=current.accept_minutes, record_team=current.record_team_id
            )
        form = SettingsForm(initial=initial, teams=teams)
    context = {
        "form": form,
        "communities": communities,
        "community": code,
        "can_manage": queries.may_manage(user),
        "default_minutes": queries.accept_minutes(code) if code else None,
    }
    return render(request, "matching/settings.html", context, status=status)


# --- Excel ----------------------------------------------------------------------------------

NEED_EXPORT = [
    core_excel.Column("社区", 14),
    core_excel.Column("类别", 12),
    core_excel.Column("服务项目", 14),
    core_excel.Column("需求描述", 30),
    core_excel.Column("涉及人数", 8),
    core_excel.Column("频次", 8),
    core_excel.Column("紧急程度", 8),
    core_excel.Column("服务对象", 10),
    core_excel.Column("敏感", 6),
    core_excel.Column("状态", 8),
    core_excel.Column("备注", 20),
    core_excel.Column("登记时间", 18),
]
OFFER_EXPORT = [
    core_excel.Column("社区", 14),
    core_excel.Column("类别", 12),
    core_excel.Column("服务名称", 20),
    core_excel.Column("提供方类型", 10),
    core_excel.Column("提供方", 20),
    core_excel.Column("服务内容", 30),
    core_excel.Column("提供的资源/服务", 20),
    core_excel.Column("希望换取", 20),
    core_excel.Column("每周可服务次数", 10),
    core_excel.Column("收费", 6),
    core_excel.Column("可承接风险服务", 8),
    core_excel.Column("保险有效期至", 12),
    core_excel.Column("状态", 8),
    core_excel.Column("登记时间", 18),
]


@require_safe
def export_needs(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = NeedFilterForm(request.GET or None, communities=_communities(user))
    filters = _cleaned(form)
    qs = list_queries.filter_needs(user, filters).select_related(
        "category", "item", "region", "beneficiary"
    )

    def rows() -> Iterator[list[Any]]:
        for n in qs.iterator(chunk_size=500):
            yield [
                n.region.name,
                n.category.name,
                n.item.name if n.item_id else "",
                n.description,
                n.people_count,
                n.get_frequency_display(),
                n.get_urgency_display(),
                n.beneficiary.name_masked if n.beneficiary_id else "",
                n.sensitive,
                n.get_status_display(),
                n.note,
                n.created_at,
            ]

    return audited_xlsx(
        user,
        verb=Verb.MATCH_LISTS_EXPORTED,
        table="needs",
        title="需求清单",
        columns=NEED_EXPORT,
        rows=rows(),
        filters=filters,
        masked=True,
    )


@require_safe
def export_offers(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = OfferFilterForm(request.GET or None, communities=_communities(user))
    filters = _cleaned(form)
    qs = list_queries.filter_offers(user, filters).select_related("category", "region")

    def rows() -> Iterator[list[Any]]:
        for o in qs.iterator(chunk_size=500):
            yield [
                o.region.name,
                o.category.name,
                o.title,
                o.get_provider_kind_display(),
                o.provider_name,
                o.description,
                o.gives,
                o.gets_back,
                o.capacity_per_week,
                o.get_cost_display(),
                o.risky_ok,
                o.insured_until,
                o.get_status_display(),
                o.created_at,
            ]

    return audited_xlsx(
        user,
        verb=Verb.MATCH_LISTS_EXPORTED,
        table="offers",
        title="供给清单",
        columns=OFFER_EXPORT,
        rows=rows(),
        filters=filters,
    )


def _kind(kind: str) -> str:
    if kind not in excel.IMPORT_COLUMNS:
        raise NotFound("未找到该清单")
    return kind


@require_safe
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    require_perm(request.user, Perm.MATCHING_MANAGE)
    kind = _kind(kind)
    columns, rows = excel.template_rows(kind)
    return core_excel.xlsx_response(
        f"{excel.TITLES[kind]}导入模板.xlsx", columns, rows, sheet_name=excel.TITLES[kind]
    )


@require_http_methods(["GET", "HEAD", "POST"])
def import_list(request: HttpRequest, kind: str) -> HttpResponse:
    """导入: every row checked first; any wrong row and nothing is written."""
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    kind = _kind(kind)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
                for chunk in form.cleaned_data["file"].chunks():
                    handle.write(chunk)
                handle.flush()
                rows = run_action(form, excel.read_rows, handle.name, kind)
            if rows is not None:
                count = run_action(form, lists.import_rows, user, kind, rows)
                if count is not None:
                    messages.success(request, f"已导入 {count} 条{excel.TITLES[kind]}条目")
                    return redirect_after_write(request, reverse(f"matching:{kind}"))
        status = getattr(form, "error_status", 422)
    context = {
        "form": form,
        "kind": kind,
        "title": excel.TITLES[kind],
        "max_rows": excel.IMPORT_MAX_ROWS,
        "columns": excel.IMPORT_COLUMNS[kind],
    }
    return render(request, "matching/import.html", context, status=status)
