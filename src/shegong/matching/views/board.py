"""The community dispatch board (派单台) and the unmet list (未满足需求)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shegong.core.perms import Perm, require_perm
from shegong.matching.forms.board import BoardFilterForm
from shegong.matching.models import Order
from shegong.matching.queries import board, may_manage

PAGE = 50


def query_without_page(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for name in ("page", *drop):
        params.pop(name, None)
    return params.urlencode()


def board_filters(form: BoardFilterForm) -> dict[str, Any]:
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    return {
        "community": data.get("community") or "",
        "category": data.get("category"),
        "urgency": data.get("urgency") or "",
    }


def with_clocks(orders: list[Order]) -> list[Order]:
    now = timezone.now()
    for order in orders:
        order.clock = board.clock_of(order, now)  # type: ignore[attr-defined]
        order.days_waiting = board.days_waiting(order, now)  # type: ignore[attr-defined]
    return orders


@require_safe
def dispatch_board(request: HttpRequest) -> HttpResponse:
    """派单台: the open orders of the user's communities in tabs, each with its count."""
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = BoardFilterForm(request.GET or None, communities=board.communities(user))
    filters = board_filters(form)
    status = 422 if form.is_bound and form.errors else 200
    tab = request.GET.get("tab") or board.DEFAULT_TAB
    if tab not in board.TAB_BY_KEY:
        tab = board.DEFAULT_TAB
    overdue = request.GET.get("overdue") == "1"
    if overdue:  # the to-do "超时未接单": dispatched orders past their deadline
        tab = "dispatched"
        qs = board.overdue_dispatched(user, **filters)
    else:
        qs = board.tab_rows(user, tab, **filters)
    if status != 200:
        qs = Order.objects.none()
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    counts = board.tab_counts(user, **filters) if status == 200 else {}
    tabs = [
        {"key": t.key, "label": t.label, "count": counts.get(t.key, 0), "active": t.key == tab}
        for t in board.TABS
    ]
    context = {
        "form": form,
        "tabs": tabs,
        "tab": board.TAB_BY_KEY[tab],
        "rows": with_clocks(list(page.object_list)),
        "page": page,
        "query": query_without_page(request),
        "filter_query": query_without_page(request, "tab"),
        "can_manage": may_manage(user),
        "overdue": overdue,
    }
    return render(request, "matching/board.html", context, status=status)


@require_safe
def unmet(request: HttpRequest) -> HttpResponse:
    """未满足需求: orders at 待处理 with their reason and days waiting, by category."""
    user = request.user
    require_perm(user, Perm.MATCHING_VIEW)
    form = BoardFilterForm(request.GET or None, communities=board.communities(user))
    filters = board_filters(form)
    status = 422 if form.is_bound and form.errors else 200
    community = filters.get("community", "")
    qs = (
        board.unmet(user, category=filters.get("category"), community=community)
        if status == 200
        else Order.objects.none()
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "by_category": board.unmet_by_category(user, community=community),
        "total": page.paginator.count,
        "rows": with_clocks(list(page.object_list)),
        "page": page,
        "query": query_without_page(request),
        "chosen_category": filters.get("category"),
    }
    return render(request, "matching/unmet.html", context, status=status)
