"""The credit-list pages (issue 14 §4): the registrar's list with its filters and the export for
the credit platform, the forms of the organization page's 信用状况 card (returned letters,
rectifications, verification, removal), the organization portal's 信用状况 and the public
lookup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import credit_queries, queries
from ..actions import credit
from ..credit_forms import (
    CreditFilterForm,
    LeaveForm,
    LetterForm,
    LookupForm,
    RectificationForm,
    RemoveForm,
    VerifyForm,
)
from ..credit_rules import RULE_NAMES, leave_eligible
from ..models import CreditListing, ListKind, SocialOrg
from ..portal import portal_org
from .records import _query, _regions

PAGE_SIZE = 20
# The national credit platform's columns (民政部令第60号 公示信息).
EXPORT_COLUMNS = [
    excel.Column("统一社会信用代码", 22),
    excel.Column("名称", 36),
    excel.Column("名录", 16),
    excel.Column("列入日期", 12),
    excel.Column("列入事由", 40),
    excel.Column("作出决定机关", 20),
    excel.Column("移出日期", 12),
    excel.Column("移出事由", 40),
]


def _filters(form: CreditFilterForm) -> dict[str, str]:
    if not form.is_bound or not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v}


@require_safe
def credit_list(request: HttpRequest) -> HttpResponse:
    """信用名录: the listings in scope, filtered by list, state, rule and region."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = CreditFilterForm(request.GET or None, regions=_regions(user, ["street", "community"]))
    qs = credit_queries.filtered(user, **_filters(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/credit_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "rule_names": RULE_NAMES,
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
    )


@require_safe
def credit_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, in the credit platform's columns, as xlsx; audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = CreditFilterForm(request.GET or None, regions=_regions(user, ["street", "community"]))
    filters = _filters(form)
    qs = credit_queries.filtered(user, **filters)

    def rows() -> Iterator[list[Any]]:
        for listing in qs.iterator(chunk_size=500):
            org = listing.social_org.organization
            yield [
                org.credit_code or "",
                org.name,
                ListKind(listing.kind).label,
                listing.listed_on,
                listing.reason,
                listing.authority,
                listing.removed_on,
                listing.removal_reason,
            ]

    return audited_xlsx(
        user,
        verb=Verb.CREDIT_LISTINGS_EXPORTED,
        table="credit_listings",
        title="信用名录",
        columns=EXPORT_COLUMNS,
        rows=rows(),
        filters=filters,
    )


# --- the organization page's card -----------------------------------------------------------


def panel_context(so: SocialOrg, user: Any) -> dict[str, Any] | None:
    """The 信用状况 card of an organization's page."""
    today = timezone.localdate()
    found = list(so.credit_listings.select_related("rectification").order_by("-listed_on", "-pk"))
    for listing in found:
        listing.refusal = credit.removal_refusal(listing, today)  # type: ignore[attr-defined]
    return {
        "listings": found,
        "letters": list(so.returned_letters.all()[:10]),
        "rectifications": list(so.rectifications.all()[:10]),
        "rule_names": RULE_NAMES,
        "letter_form": LetterForm(),
        "rectification_form": RectificationForm(),
    }


def _render_form(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    action: str,
    so: SocialOrg,
    listing: CreditListing | None = None,
    confirm: str = "",
    button: str = "提交",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "socialorgs/credit_form.html",
        {
            "title": title,
            "form": form,
            "action": action,
            "so": so,
            "listing": listing,
            "confirm": confirm,
            "button": button,
            "rule_names": RULE_NAMES,
        },
        status=status,
    )


def _back(request: HttpRequest, so: SocialOrg) -> HttpResponse:
    return redirect_after_write(request, reverse("socialorgs:detail", args=[so.pk]) + "#credit")


@require_http_methods(["GET", "HEAD", "POST"])
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记挂号信退回."""
    user = request.user
    so = queries.access_social_org(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    page = {
        "title": "登记挂号信退回",
        "action": reverse("socialorgs:credit_letter", args=[pk]),
        "so": so,
        "button": "登记",
    }
    if request.method in ("GET", "HEAD"):
        return _render_form(request, form=LetterForm(), **page)
    form = LetterForm(request.POST)
    if form.is_valid():
        done = run_action(form, credit.record_returned_letter, so, form.cleaned_data, actor=user)
        if done is not None:
            messages.success(
                request, "已登记挂号信退回；两次退回后，系统将在下次扫描时列入活动异常名录"
            )
            return _back(request, so)
    return _render_form(request, form=form, status=getattr(form, "error_status", 422), **page)


@require_http_methods(["GET", "HEAD", "POST"])
def rectification_new(request: HttpRequest, pk: int) -> HttpResponse:
    """责令整改."""
    user = request.user
    so = queries.access_social_org(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    page = {
        "title": "责令整改",
        "action": reverse("socialorgs:credit_rectification", args=[pk]),
        "so": so,
        "button": "登记整改要求",
    }
    if request.method in ("GET", "HEAD"):
        return _render_form(request, form=RectificationForm(), **page)
    form = RectificationForm(request.POST)
    if form.is_valid():
        data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
        done = run_action(form, credit.order_rectification, so, data, actor=user)
        if done is not None:
            messages.success(request, "已登记整改要求；逾期未整改的，将列入活动异常名录")
            return _back(request, so)
    return _render_form(request, form=form, status=getattr(form, "error_status", 422), **page)


@require_http_methods(["GET", "HEAD", "POST"])
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """核实整改."""
    user = request.user
    rect = credit_queries.access_rectification(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    so = rect.social_org
    page = {
        "title": f"核实整改：{rect.matter[:30]}",
        "action": reverse("socialorgs:credit_verify", args=[pk]),
        "so": so,
        "button": "确认整改已完成",
        "confirm": "确认该组织已完成整改？核实后将自动移出活动异常名录。",
    }
    if request.method in ("GET", "HEAD"):
        return _render_form(request, form=VerifyForm(), **page)
    form = VerifyForm(request.POST)
    if form.is_valid():
        done = run_action(
            form,
            credit.verify_rectification,
            rect,
            form.cleaned_data["verification_note"],
            actor=user,
        )
        if done is not None:
            messages.success(request, "已核实整改；相关活动异常名录记录将在5个工作日内移出")
            return _back(request, so)
    return _render_form(request, form=form, status=getattr(form, "error_status", 422), **page)


@require_http_methods(["GET", "HEAD", "POST"])
def listing_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """移出信用名录 (refused without a verified rectification, before 2 years …)."""
    user = request.user
    listing = credit_queries.access_listing(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    so = listing.social_org
    page = {
        "title": f"移出{ListKind(listing.kind).label}",
        "action": reverse("socialorgs:credit_remove", args=[pk]),
        "so": so,
        "listing": listing,
        "button": "移出",
        "confirm": "确定将该组织移出名录？移出事由将向社会组织公开。",
    }
    if request.method in ("GET", "HEAD"):
        return _render_form(request, form=RemoveForm(), **page)
    form = RemoveForm(request.POST)
    if form.is_valid():
        done = run_action(
            form, credit.remove_listing, listing, form.cleaned_data["removal_reason"], actor=user
        )
        if done is not None:
            messages.success(request, f"已移出{ListKind(listing.kind).label}")
            return _back(request, so)
    return _render_form(request, form=form, status=getattr(form, "error_status", 422), **page)


# --- the organization portal ----------------------------------------------------------------


def _render_portal(
    request: HttpRequest,
    so: SocialOrg,
    *,
    leave_form: Any = None,
    failed: int | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    found = list(so.credit_listings.order_by("-listed_on", "-pk"))
    eligible = set(
        so.credit_listings.filter(leave_eligible(today), leave_applied_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for listing in found:
        listing.can_apply = listing.pk in eligible  # type: ignore[attr-defined]
        listing.form = leave_form if failed == listing.pk else LeaveForm()  # type: ignore[attr-defined]
    return render(
        request,
        "socialorgs/portal_credit.html",
        {"so": so, "listings": found, "open": [x for x in found if x.removed_on is None]},
        status=status,
    )


@require_safe
def portal_credit(request: HttpRequest) -> HttpResponse:
    """本组织 · 信用状况: the listings, their reasons and how to leave them."""
    return _render_portal(request, portal_org(request.user))


@require_POST
def portal_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """申请移出严重违法失信名单 (after 2 years)."""
    # another organization's listing: 404 before the portal's 403
    listing = CreditListing.objects.filter(pk=pk, social_org__accounts__user=request.user).first()
    if listing is None:
        raise NotFound(credit.NOT_FOUND)
    so = portal_org(request.user)
    form = LeaveForm(request.POST)
    if form.is_valid():
        done = run_action(
            form,
            credit.apply_to_leave,
            listing,
            form.cleaned_data["leave_statement"],
            actor=request.user,
        )
        if done is not None:
            messages.success(request, "已提交移出申请，登记管理机关核实后办理")
            return redirect_after_write(request, reverse("socialorgs:portal_credit"))
    status = getattr(form, "error_status", 422)
    return _render_portal(request, so, leave_form=form, failed=pk, status=status)


def portal_summary(so: SocialOrg) -> str:
    names = [
        ListKind(kind).label
        for kind in so.credit_listings.filter(removed_on__isnull=True).values_list(
            "kind", flat=True
        )
    ]
    return "当前列入：" + "、".join(names) if names else "未列入活动异常名录或严重违法失信名单"


# --- public lookup --------------------------------------------------------------------------


@login_not_required
@require_safe
def public_lookup(request: HttpRequest) -> HttpResponse:
    """社会组织信用查询: by name or credit code; only the open listings and their reasons."""
    form = LookupForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    found = credit_queries.public_lookup(text)
    return render(
        request,
        "socialorgs/public_credit.html",
        {"form": form, "q": text, "found": found, "searched": bool(text.strip())},
    )
