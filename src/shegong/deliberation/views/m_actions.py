"""落地实事 on the phone (/m/deliberation/actions/): the public items of my community and the
items of the topics I follow, each with its progress and timeline; the owner account of an
item (a 楼组长, a volunteer) updates its progress here, with photos."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core.errors import DomainError
from shegong.deliberation.actions import actions as verbs
from shegong.deliberation.choices import OPEN_ACTION_STATUSES
from shegong.deliberation.models import ActionItem
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


def _errors(exc: DomainError) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in getattr(exc, "errors", None) or []:
        key = str(error.get("field") or "")
        found[key] = "；".join(filter(None, [found.get(key, ""), str(error.get("message", ""))]))
    return found or {"": exc.detail}


@require_http_methods(["GET", "HEAD", "POST"])
def m_action(request: AuthedRequest, pk: int) -> HttpResponse:
    """One item; its owner account updates the progress (with photos) here."""
    item = action_queries.resident_action(request.user, pk)
    mine = item.owner_user_id == request.user.pk and item.status in OPEN_ACTION_STATUSES
    if request.method == "POST" and mine:
        values = {k: request.POST.get(k, "") for k in ("progress", "text")}
        try:
            verbs.update_progress(
                request.user, item, values["progress"], values["text"],
                request.FILES.getlist("photos"),
            )  # fmt: skip
        except DomainError as exc:
            context = _context(item, mine=mine, errors=_errors(exc), values=values)
            return render(request, "deliberation/m_action.html", context, status=exc.status)
        messages.success(request, "进展已更新，感谢您的推进！")
        return redirect("deliberation_m:action", pk=item.pk)
    return render(request, "deliberation/m_action.html", _context(item, mine=mine))


def _context(item: ActionItem, **extra: Any) -> dict[str, Any]:
    entries = public.public_timeline(item)
    for entry in entries:
        entry.photo_indexes = [  # type: ignore[attr-defined]
            i for i, p in enumerate(entry.photos or []) if isinstance(p, dict) and p.get("thumb")
        ]
    return {
        "item": item, "owner": public.owner_label(item.owner_kind, item.owner_name),
        "entries": entries, "children": public.public_children(item), "errors": {},
        "values": {"progress": item.progress}, **extra,
    }  # fmt: skip


@require_safe
def m_action_photo(request: AuthedRequest, pk: int, entry: int, index: int, kind: str) -> Any:
    item = action_queries.resident_action(request.user, pk)
    return photo_response(item, entry, index, kind, public=True)
