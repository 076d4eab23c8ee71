"""The public accountability pages (no login): 议事厅 落地实事 by community and category with
progress bars and the seed's counts; an item's public timeline with its photos. Only
``public=True`` items; no personal data (owners show as the department, the organization or
"社区居委会")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.deliberation.models import TopicCategory
from shegong.deliberation.queries import public
from shegong.deliberation.views.actions import photo_response
from shegong.regions.models import Region


class _Counted(Paginator):
    """A paginator told the count (one COUNT already ran) over one page of rows."""

    def __init__(self, rows: list[Any], total: int, per_page: int):
        super().__init__(rows, per_page)
        self._total = total

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._total


def _page(rows: list[Any], total: int, number: int) -> Page:
    paginator = _Counted(rows, total, public.PAGE_SIZE)
    number = min(max(number, 1), paginator.num_pages)
    return Page(rows, number, paginator)


@login_not_required
@require_safe
def accountability(request: HttpRequest) -> HttpResponse:
    """议事厅 · 落地实事公开."""
    f = public.parse_filter(request.GET)
    raw = request.GET.get("page") or "1"
    number = int(raw) if raw.isdigit() else 1
    rows, total = public.item_page(f, number)
    params = request.GET.copy()
    params.pop("page", None)
    regions = Region.objects.filter(level__in=("district", "street", "community")).order_by("code")
    context = {
        "f": f, "counts": public.seed_counts(f), "categories": public.by_category(f),
        "communities": public.by_community(f), "rows": rows, "page": _page(rows, total, number),
        "query": params.urlencode(),
        "region_choices": list(regions.values_list("code", "name", "level")[:500]),
        "category_choices": list(
            TopicCategory.objects.filter(is_active=True).values_list("pk", "name")
        ),
    }  # fmt: skip
    return render(request, "deliberation/public_accountability.html", context)


@login_not_required
@require_safe
def public_action(request: HttpRequest, pk: int) -> HttpResponse:
    item = public.public_action(pk)
    entries = public.public_timeline(item)
    for entry in entries:
        entry.photo_indexes = [  # type: ignore[attr-defined]
            i for i, p in enumerate(entry.photos or []) if isinstance(p, dict) and p.get("thumb")
        ]
    context = {
        "item": item, "owner": public.owner_label(item.owner_kind, item.owner_name),
        "entries": entries, "children": public.public_children(item),
    }  # fmt: skip
    return render(request, "deliberation/public_action.html", context)


@login_not_required
@require_safe
def public_photo(request: HttpRequest, pk: int, entry: int, index: int, kind: str) -> Any:
    return photo_response(public.public_action(pk), entry, index, kind, public=True)
