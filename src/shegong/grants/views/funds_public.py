"""Public pages of community charity funds (/public/funds/): the district's funds with their
balance and numbers, a fund's disclosures and resources list, a disclosure. Anonymous donors are
爱心人士; committee members' phones never appear; nothing else personal is shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.core.errors import NotFound
from shegong.grants.models import Disclosure, Fund, Movement
from shegong.grants.queries import funds as fund_queries


@login_not_required
@require_safe
def funds_index(request: HttpRequest) -> HttpResponse:
    qs = fund_queries.public_funds()
    return render(
        request, "grants/funds/public_list.html",
        {"funds": list(qs), "headline": fund_queries.headline(qs)},
    )  # fmt: skip


def _fund(pk: int) -> Fund:
    found = fund_queries.public_funds().filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该社区慈善基金")
    return found


@login_not_required
@require_safe
def fund_page(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(pk)
    resources = [
        {"at": m.occurred_at, "kind": m.get_kind_display(), "donor": fund_queries.shown_donor(m),
         "item": m.item.name if m.item_id else "", "quantity": m.quantity if m.item_id else "",
         "unit": m.item.unit if m.item_id else "", "value": m.amount,
         "recognition": m.recognition}
        for m in Movement.objects.filter(fund=fund, kind__in=fund_queries.RESOURCE_KINDS)
        .select_related("item").order_by("-occurred_at", "-pk")[:200]
    ]  # fmt: skip
    context = {
        "fund": fund, "resources": resources,
        "disclosures": fund_queries.disclosures_of(fund)[:36],
        "committee": fund.committee.filter(ended_on__isnull=True).order_by("role", "pk"),
        "headline": fund_queries.headline(Fund.objects.filter(pk=fund.pk)),
    }  # fmt: skip
    return render(request, "grants/funds/public_fund.html", context)


@login_not_required
@require_safe
def disclosure_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = (
        Disclosure.objects.select_related("fund", "fund__host", "region")
        .exclude(fund__status="preparing")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("未找到该信息披露")
    return render(
        request, "grants/funds/public_disclosure.html", {"d": found, "lines": found.lines}
    )
