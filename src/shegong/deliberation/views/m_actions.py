"""落地实事 on the phone (/m/deliberation/actions/): the public items of my community and the
items of the topics I follow, each with its progress and timeline."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shegong.deliberation.queries import actions as action_queries
from shegong.deliberation.queries import public
from shegong.deliberation.views.actions import photo_response
from shegong.web.http import AuthedRequest

PAGE = 20


@require_safe
def m_actions(request: AuthedRequest) -> HttpResponse:
    qs = action_queries.for_resident(request.user)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request, "deliberation/m_actions.html", {"rows": list(page.object_list), "page": page}
    )


@require_safe
def m_action(request: AuthedRequest, pk: int) -> HttpResponse:
    item = action_queries.resident_action(request.user, pk)
    entries = public.public_timeline(item)
    for entry in entries:
        entry.photo_indexes = [  # type: ignore[attr-defined]
            i for i, p in enumerate(entry.photos or []) if isinstance(p, dict) and p.get("thumb")
        ]
    context = {
        "item": item, "owner": public.owner_label(item.owner_kind, item.owner_name),
        "entries": entries, "children": public.public_children(item),
    }  # fmt: skip
    return render(request, "deliberation/m_action.html", context)


@require_safe
def m_action_photo(request: AuthedRequest, pk: int, entry: int, index: int, kind: str) -> Any:
    item = action_queries.resident_action(request.user, pk)
    return photo_response(item, entry, index, kind, public=True)
