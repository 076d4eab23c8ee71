"""Configuration pages of the closed loop: categories (with their extra questions), routing rules
and reply templates.

Thin adapters (STYLE.md rule 11): parse the form, check the permission, call one action of
``actions.categories``, ``actions.routing`` or ``actions.templates``, render. Every page needs
``reports.configure`` (403 without it). Categories and templates are district-wide
configuration; routing rules are listed and changed only inside the caller's region scope
(another region's rule is a 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.web.forms import add_domain_error, run_action

from ..actions.categories import save_category, set_category_active
from ..actions.routing import delete_routing_rule, save_routing_rule
from ..actions.templates import save_template
from ..choices import AttributeType, Status
from ..forms.config import (
    AttributeFormSet,
    CategoryForm,
    RouteCheckForm,
    RoutingRuleForm,
    TemplateForm,
    format_options,
)
from ..models import Category, ResponseTemplate, RoutingRule
from ..queries import access_category_by_pk, route

ROUTING_HINT = "更具体的区划优先，没有规则的进入区派单中心"


def _require(request: HttpRequest) -> None:
    require_perm(request.user, Perm.REPORTS_CONFIGURE)


# --- categories --------------------------------------------------------------------------------


def _attribute_initial(category: Category | None) -> list[dict[str, Any]]:
    if category is None:
        return []
    return [
        {
            "code": a.get("code", ""),
            "datatype": a.get("datatype", ""),
            "description": a.get("description", ""),
            "required": a.get("required", False),
            "values": format_options(a.get("values") or []),
        }
        for a in sorted(category.attributes or [], key=lambda a: a.get("order", 0))
    ]


def _with_one_more_row(data: Any, prefix: str) -> Any:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        data[key] = "1"
    return data


def _place_attribute_errors(
    exc: DomainError, formset: Any, kept: list[int], form: CategoryForm
) -> None:
    """Put ``attributes.<row>.<field>`` messages beside the row's field; the rest on the form."""
    rest: list[dict[str, str]] = []
    for error in exc.errors:
        parts = error.get("field", "").split(".")
        if parts[0] == "attributes" and len(parts) == 3 and parts[1].isdigit():
            row = int(parts[1])
            if row < len(kept):
                target = formset.forms[kept[row]]
                name = parts[2] if parts[2] in target.fields else None
                target.add_error(name, error["message"])
                continue
        rest.append(error)
    if rest or not exc.errors:
        add_domain_error(form, InvalidInput(exc.detail, errors=rest))


def categories(request: HttpRequest) -> HttpResponse:
    """The catalogue: every category with its clock, flags, questions and district routing."""
    _require(request)
    qs = Category.objects.prefetch_related(
        Prefetch("rules", queryset=RoutingRule.objects.select_related("department", "region"))
    ).annotate(n_reports=Count("reports"))
    group = request.GET.get("group", "")
    active = request.GET.get("active", "")
    q = request.GET.get("q", "").strip()
    if group:
        qs = qs.filter(group=group)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(service_code__icontains=q) | Q(keywords__icontains=q)
        )
    rows = list(qs.order_by("order", "group", "service_code"))
    groups = list(
        Category.objects.order_by("group").values_list("group", flat=True).distinct()
    )  # fmt: skip
    return render(
        request,
        "reports/config_categories.html",
        {
            "rows": rows,
            "groups": groups,
            "filters": {"group": group, "active": active, "q": q},
        },
    )


def category_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or edit a category and its extra questions."""
    _require(request)
    category = access_category_by_pk(pk) if pk is not None else None
    post = request.POST if request.method == "POST" else None
    adding_row = post is not None and "add_row" in post
    if adding_row:
        post = _with_one_more_row(post, "attr")
    form = CategoryForm(post, category=category, initial=CategoryForm.initial_for(category))
    formset = AttributeFormSet(post, prefix="attr", initial=_attribute_initial(category))
    status = 200
    if post is not None and not adding_row:
        if form.is_valid() and formset.is_valid():
            kept = [
                i
                for i, row_form in enumerate(formset.forms)
                if not row_form.cleaned_data.get("DELETE") and not row_form.is_blank()
            ]
            data = dict(form.cleaned_data)
            data["service_code"] = category.service_code if category else data["service_code"]
            data["attributes"] = [formset.forms[i].row() for i in kept]
            try:
                saved = save_category(category, actor=request.user, data=data)
            except DomainError as exc:
                _place_attribute_errors(exc, formset, kept, form)
            else:
                verb = "已保存" if category else "已新增"
                messages.success(request, f"{verb}问题类别「{saved.name}」")
                return redirect_after_write(request, reverse("reports:categories"))
        status = 422
    groups = Category.objects.order_by("group").values_list("group", flat=True).distinct()
    return render(
        request,
        "reports/config_category_form.html",
        {
            "form": form,
            "formset": formset,
            "category": category,
            "groups": list(groups),
            "choice_types": [AttributeType.SINGLE.value, AttributeType.MULTI.value],
        },
        status=status,
    )


@require_POST
def category_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 启用 a category (categories are never deleted: their cases keep them)."""
    _require(request)
    category = access_category_by_pk(pk)
    active = request.POST.get("active") == "1"
    set_category_active(category, actor=request.user, active=active)
    messages.success(request, f"已{'启用' if active else '停用'}问题类别「{category.name}」")
    return redirect_after_write(request, reverse("reports:categories"))


# --- routing rules -----------------------------------------------------------------------------


def explain_route(category: Category, region: Region) -> dict[str, Any]:
    """The department ``queries.route`` picks for a case of ``category`` in ``region``, and the
    rule that decided it (None: no rule, the dispatch desk)."""
    department = route(category, region.code)
    rule = None
    if department is not None:
        candidates = [
            r
            for r in RoutingRule.objects.filter(
                category=category, department=department
            ).select_related("region")
            if region.code.startswith(r.region.prefix)
        ]
        rule = max(candidates, key=lambda r: len(r.region.prefix), default=None)
    return {"category": category, "region": region, "department": department, "rule": rule}


def routing(request: HttpRequest) -> HttpResponse:
    """Routing rules in the scope, filtered by category; add a rule; check where a case goes."""
    _require(request)
    user = request.user
    form = RoutingRuleForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = run_action(
            form,
            save_routing_rule,
            actor=user,
            category=data["category"],
            region=data["region"],
            department=data["department"],
        )
        if not form.errors:
            messages.success(
                request,
                f"已保存派单规则：{rule.category.name} · {rule.region.name} → {rule.department}",
            )
            query = f"?category={rule.category_id}"
            return redirect_after_write(request, reverse("reports:routing") + query)
    rules = RoutingRule.objects.visible_to(user).select_related("category", "region", "department")
    selected = request.GET.get("category", "")
    if selected.isdigit():
        rules = rules.filter(category_id=int(selected))
    rules = rules.order_by("category__order", "category_id", "region_id")
    check_form = RouteCheckForm(
        request.GET if "check-category" in request.GET else None, user=user, prefix="check"
    )
    explained = None
    if check_form.is_bound and check_form.is_valid():
        explained = explain_route(
            check_form.cleaned_data["category"], check_form.cleaned_data["region"]
        )
    routed = set(RoutingRule.objects.values_list("category_id", flat=True))
    return render(
        request,
        "reports/config_routing.html",
        {
            "form": form,
            "rules": list(rules),
            "categories": Category.objects.order_by("order", "group", "pk"),
            "selected": selected,
            "check_form": check_form,
            "explained": explained,
            "unrouted": Category.objects.filter(is_active=True).exclude(pk__in=routed),
            "hint": ROUTING_HINT,
        },
        status=422 if form.errors else 200,
    )


@require_POST
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    rule = RoutingRule.objects.visible_to(request.user).filter(pk=pk).first()
    if rule is None:
        raise NotFound("未找到该派单规则")
    name = f"{rule.category.name} · {rule.region.name} → {rule.department}"
    delete_routing_rule(rule, actor=request.user)
    messages.success(request, f"已删除派单规则：{name}")
    return redirect_after_write(request, reverse("reports:routing"))


# --- reply templates ---------------------------------------------------------------------------


def templates(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows = ResponseTemplate.objects.select_related("category").order_by(
        "status", "category__order", "title"
    )
    labels = dict(Status.choices)
    return render(
        request,
        "reports/config_templates.html",
        {"rows": [(t, labels.get(t.status, t.status)) for t in rows]},
    )


def template_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request)
    template = None
    if pk is not None:
        template = ResponseTemplate.objects.filter(pk=pk).select_related("category").first()
        if template is None:
            raise NotFound("未找到该回复模板")
    initial = {}
    if template is not None:
        initial = {
            "category": template.category, "status": template.status, "title": template.title,
            "text": template.text, "auto": template.auto,
        }  # fmt: skip
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_action(
            form,
            save_template,
            template,
            actor=request.user,
            category=data["category"],
            status=data["status"],
            title=data["title"],
            text=data["text"],
            auto=data["auto"],
        )
        if not form.errors:
            messages.success(request, f"已保存回复模板「{saved.title}」")
            return redirect_after_write(request, reverse("reports:templates"))
    return render(
        request,
        "reports/config_template_form.html",
        {"form": form, "template": template},
        status=422 if form.errors else 200,
    )
