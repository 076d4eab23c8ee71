"""Staff order pages: one order (detail, the engine's explained candidates, the community's
buttons), the list of all orders with its Excel export, and 代为点单 / 随手拍转服务需求."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.ledger.models import Person
from shegong.matching import queries
from shegong.matching.actions import orders
from shegong.matching.choices import OrderStatus
from shegong.matching.forms.board import (
    AT_FORMAT,
    DispatchForm,
    OrderFilterForm,
    RateForm,
    ReasonForm,
    StaffOrderForm,
)
from shegong.matching.models import Assignment, Order
from shegong.matching.queries import board
from shegong.matching.views.board import PAGE, query_without_page
from shegong.regions.models import Region, ancestor_codes
from shegong.reports.models import Report
from shegong.web.exports import audited_xlsx
from shegong.web.forms import StyledForm, run_action

S = OrderStatus
# The buttons of the order page: verb → (label, the statuses it is offered at).
VERBS: dict[str, tuple[str, frozenset[str]]] = {
    "approve": ("审核通过", frozenset({S.REVIEW})),
    "refuse": ("不予受理", frozenset({S.REVIEW, S.WAITING})),
    "pool": ("放入抢单池", frozenset({S.REVIEW, S.WAITING})),
    "dispatch": ("派单", frozenset({S.REVIEW, S.WAITING})),
    "reassign": ("改派", frozenset({S.DISPATCHED, S.POOL, S.ACCEPTED, S.SERVING})),
    "cancel": ("取消", frozenset({S.REVIEW, S.WAITING, S.DISPATCHED, S.POOL, S.ACCEPTED})),
    "rate": ("代为评单", frozenset({S.DONE})),
}
PEOPLE_MAX = 30


def _at(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _order_context(request: HttpRequest, order: Order, **extra: Any) -> dict[str, Any]:
    user = request.user
    manage = queries.may_manage(user)
    candidates = (
        queries.shortlist(order, k=10) if manage and order.status in (S.REVIEW, S.WAITING) else []
    )
    verbs = {verb for verb, (_, at) in VERBS.items() if manage and order.status in at}
    forms = {
        "refuse": ReasonForm(prefix="refuse"),
        "reassign": ReasonForm(prefix="reassign"),
        "cancel": ReasonForm(prefix="cancel"),
        "rate": RateForm(prefix="rate"),
    }
    forms.update(extra.pop("forms", {}))
    return {
        "order": order,
        "clock": board.clock_of(order),
        "assignments": Assignment.objects.filter(order=order)
        .select_related("offer", "assigned_by")
        .order_by("created_at", "id"),
        "candidates": candidates,
        "verbs": verbs,
        "forms": forms,
        "can_reveal": user.has_perm_in_scope(Perm.PII_REVEAL),
        **extra,
    }


@require_safe
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.MATCHING_VIEW)
    order = _staff_order(request, pk)
    return render(request, "matching/order_detail.html", _order_context(request, order))


def _staff_order(request: HttpRequest, pk: Any, *, for_write: bool = False) -> Order:
    """The order when it is in the staff user's scope (a resident's own order is not a staff
    page: 404 here as well)."""
    order = queries.access_order(request.user, pk, for_write=for_write)
    if not queries.orders_for_staff(request.user).filter(pk=order.pk).exists():
        raise NotFound("未找到该服务订单")
    return order


def _run(request: HttpRequest, order: Order, verb: str) -> tuple[Any, Any]:
    """The form of ``verb`` and the action's result (None when the form or the action failed)."""
    user = request.user
    actions: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "approve": (None, lambda f: orders.approve(order, user)),
        "pool": (None, lambda f: orders.open_pool(order, user)),
        "refuse": (
            ReasonForm(request.POST, prefix="refuse"),
            lambda f: orders.refuse(order, user, f.cleaned_data["reason"]),
        ),
        "reassign": (
            ReasonForm(request.POST, prefix="reassign"),
            lambda f: orders.reassign(order, user, f.cleaned_data["reason"]),
        ),
        "cancel": (
            ReasonForm(request.POST, prefix="cancel"),
            lambda f: orders.cancel(order, user, f.cleaned_data["reason"]),
        ),
        "rate": (
            RateForm(request.POST, prefix="rate"),
            lambda f: orders.rate(
                order,
                user,
                stars=f.cleaned_data["stars"],
                comment=f.cleaned_data["comment"],
                closing_note=f.cleaned_data["closing_note"],
            ),
        ),
        "dispatch": (
            DispatchForm(request.POST),
            lambda f: orders.dispatch(order, f.cleaned_data["offer"], user),
        ),
    }
    form, call = actions[verb]
    if form is None:
        form = StyledForm(data={})  # nothing to parse; it only carries the action's error
        form.is_valid()
        return form, run_action(form, call, form)
    if not form.is_valid():
        return form, None
    return form, run_action(form, call, form)


@require_POST
def order_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One button of the order page, through its action; errors are shown on the page."""
    require_perm(request.user, Perm.MATCHING_VIEW)
    order = _staff_order(request, pk)
    if verb not in VERBS:
        raise Http404
    require_perm(request.user, Perm.MATCHING_MANAGE)
    form, done = _run(request, order, verb)
    if done is None:
        fresh = _staff_order(request, pk)
        errors = [str(e) for errs in form.errors.values() for e in errs]
        context = _order_context(
            request, fresh, forms={verb: form} if verb in ("refuse", "reassign", "cancel", "rate")
            else {}, action_error=f"{VERBS[verb][0]}未成功：{'；'.join(errors) or '输入有误'}",
            failed_verb=verb,
        )  # fmt: skip
        status = getattr(form, "error_status", 422) if form.errors else 422
        return render(request, "matching/order_detail.html", context, status=status)
    messages.success(request, f"{VERBS[verb][0]}：已完成")
    return redirect(reverse("matching:order", args=[order.pk]))


@require_POST
def order_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """查看明文: the beneficiary's name, the address and the phone in full, once; each field
    goes through ``reveal_pii`` (checks PII_REVEAL, writes the audit entry)."""
    from shegong.accounts.actions import reveal_pii

    require_perm(request.user, Perm.MATCHING_VIEW)
    order = _staff_order(request, pk)
    require_perm(request.user, Perm.PII_REVEAL)
    try:
        revealed = {
            "address": reveal_pii(order, actor=request.user, field="address") or "（未登记）",
            "phone": reveal_pii(order, actor=request.user, field="contact_phone") or "（未登记）",
            "name": (
                reveal_pii(order.beneficiary, actor=request.user, field="name")
                if order.beneficiary_id
                else "（未关联台账人员）"
            ),
        }
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(reverse("matching:order", args=[order.pk]))
    response = render(
        request, "matching/order_detail.html", _order_context(request, order, revealed=revealed)
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the list and its export -------------------------------------------------------------------


def _list_filters(form: OrderFilterForm) -> dict[str, Any]:
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    return {
        "status": data.get("status") or "", "category": data.get("category"),
        "community": data.get("community") or "", "channel": data.get("channel") or "",
        "date_from": data.get("date_from"), "date_to": data.get("date_to"),
    }  # fmt: skip


@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    """服务订单: every order of the user's communities, with filters."""
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = OrderFilterForm(request.GET or None, communities=board.communities(user))
    bad = form.is_bound and not form.is_valid()
    qs = Order.objects.none() if bad else board.order_list(user, **_list_filters(form))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "rows": list(page.object_list),
        "page": page,
        "query": query_without_page(request),
        "export_query": query_without_page(request),
        "can_manage": queries.may_manage(user),
    }
    return render(request, "matching/order_list.html", context, status=422 if bad else 200)


ORDER_COLUMNS = [
    excel.Column("订单编号", 18), excel.Column("社区", 14), excel.Column("类别", 12),
    excel.Column("服务项目", 14), excel.Column("来源", 14), excel.Column("服务对象", 10),
    excel.Column("需求描述", 36), excel.Column("紧急程度", 8), excel.Column("状态", 8),
    excel.Column("点单时间", 18), excel.Column("期望服务开始", 18), excel.Column("服务方", 24),
    excel.Column("接单时间", 18), excel.Column("完成时间", 18),
    excel.Column("服务时长（小时）", 10), excel.Column("评分", 6), excel.Column("未满足原因", 28),
]  # fmt: skip


@require_safe
def order_export(request: HttpRequest) -> HttpResponse:
    """The list's Excel export: the same filters, beneficiaries masked, one audit entry."""
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = OrderFilterForm(request.GET or None, communities=board.communities(user))
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，未导出")
        return redirect(f"{reverse('matching:orders')}?{request.GET.urlencode()}")
    filters = _list_filters(form)
    qs = board.order_list(user, **filters)

    def rows() -> Any:
        for o in qs.iterator(chunk_size=500):
            yield [
                o.number, o.region.name, o.category.name, o.item.name if o.item else "",
                o.get_channel_display(), o.beneficiary.name_masked if o.beneficiary else "",
                o.description, o.get_urgency_display(), o.get_status_display(),
                _at(o.created_at), _at(o.window_start), o.offer.provider_name if o.offer else "",
                _at(o.accepted_at), _at(o.finished_at), float(o.hours) if o.hours else "",
                o.stars or "", o.unmet_reason,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.ORDERS_EXPORTED, table="orders", title="服务订单", columns=ORDER_COLUMNS,
        rows=rows(), masked=True, filters=filters,
    )  # fmt: skip


# --- 代为点单, 随手拍转服务需求 ------------------------------------------------------------------


def _community_of(region_code: str) -> str:
    found = (
        Region.objects.filter(code__in=ancestor_codes(region_code), level="community")
        .values_list("code", flat=True)
        .first()
    )
    return found or ""


def _report_of(request: HttpRequest, number: Any) -> Report | None:
    text = str(number or "").strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return Report.objects.visible_to(request.user).filter(pk=int(text)).first()


def _people(request: HttpRequest, q: str, chosen: Any) -> list[Person]:
    from shegong.ledger.queries.records import find_person_by_id_number

    qs = Person.objects.visible_to(request.user).select_related("region")
    found: list[Person] = []
    if q:
        by_id = find_person_by_id_number(request.user, q) if len(q) >= 15 else None
        found = (
            [by_id] if by_id else list(qs.filter(name__contains=q).order_by("name")[:PEOPLE_MAX])
        )
    if str(chosen or "").isdigit() and all(p.pk != int(chosen) for p in found):
        found += list(qs.filter(pk=int(chosen)))
    for p in found:
        p.label = f"{p.name_masked} {p.id_number_masked}（{p.region.name}）"  # type: ignore[attr-defined]
    return found


def order_new(request: HttpRequest) -> HttpResponse:
    """代为点单 for a ledger Person without a phone, or 随手拍转服务需求 from a case number."""
    user = request.user
    require_perm(user, Perm.MATCHING_MANAGE)
    report_number = request.POST.get("report") or request.GET.get("report") or ""
    report = _report_of(request, report_number) if report_number else None
    report_error = (
        "未找到该随手拍工单，或不在您的工作范围内" if report_number and not report else ""
    )
    q = (request.GET.get("q") or "").strip()[:40]
    people = _people(request, q, request.POST.get("beneficiary"))
    communities = board.communities(user)
    initial: dict[str, Any] = {}
    if report is not None:
        initial = {
            "description": report.description[:300], "address": report.address,
            "lat": report.lat, "lon": report.lon, "report": report.pk,
            "region": _community_of(report.region_id),
        }  # fmt: skip
    start = timezone.localtime() + timedelta(hours=2)
    initial.setdefault("window_start", start.strftime(AT_FORMAT))
    initial.setdefault("window_end", (start + timedelta(hours=2)).strftime(AT_FORMAT))
    form = StaffOrderForm(
        request.POST or None, initial=initial, communities=communities, people=people,
        from_report=report is not None,
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        if report_error:
            form.add_error(None, report_error)
        if form.is_valid() and not report_error:
            data = form.cleaned_data
            order = run_action(
                form, orders.place, user, region=data["region"], category=data["category"],
                description=data["description"], window_start=data["window_start"],
                window_end=data["window_end"], address=data["address"],
                contact_phone=data["contact_phone"], beneficiary=data.get("beneficiary"),
                lat=data.get("lat"), lon=data.get("lon"),
                source_report_id=report.pk if report is not None else None,
            )  # fmt: skip
            if order is not None:
                messages.success(request, f"已代为点单：{order.number}，等待审核")
                return redirect(reverse("matching:order", args=[order.pk]))
        status = getattr(form, "error_status", 422)
    context = {
        "form": form,
        "q": q,
        "people": people,
        "report": report,
        "report_number": report_number,
        "report_error": report_error,
    }
    return render(request, "matching/order_new.html", context, status=status)
