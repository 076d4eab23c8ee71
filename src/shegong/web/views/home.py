"""The workbench home, the mobile home and the error pages (helper views of the shell).

The audit, inbox and system pages live in ``staff.py``; the to-dos and the cards are registered
by each app (``core.registry.todos``, ``core.registry.cards``).
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from shegong.core import registry
from shegong.web.http import AuthedRequest, url_or_none
from shegong.web.menu import opened_by_role_of_their_own
from shegong.web.queries import unread_count
from shegong.web.todos import todos_for

# A phone or tablet browser (the H5 pages are theirs); anything else is a desktop.
MOBILE_AGENT = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS", re.IGNORECASE)

# --- workbench home -------------------------------------------------------------------------


def on_a_phone(request: HttpRequest) -> bool:
    return bool(MOBILE_AGENT.search(request.headers.get("User-Agent", "")))


def home(request: AuthedRequest) -> HttpResponse:
    """The to-dos and the registered cards for the active role. Field users (volunteer,
    worker, resident) go to /m/ — unless they run something on the workbench (a volunteer
    leading a team) and sit at a desktop, or ask for it from /m/ (``?workbench=1``)."""
    user = request.user
    if user.is_field_user:
        wants_workbench = not on_a_phone(request) or request.GET.get("workbench") == "1"
        if not (wants_workbench and opened_by_role_of_their_own(user)):
            return redirect("mobile_home")
    cards = []
    for card in registry.cards:
        if card.perm is not None and not user.has_perm_in_scope(card.perm):
            continue
        context = card.context(user)
        if context is not None:
            cards.append({"name": card.name, "template": card.template, "data": context})
    context = {
        "membership": user.active_membership,
        "memberships": user.membership_list(),
        "cards": cards,
        "todos": todos_for(user),
    }
    return render(request, "web/home.html", context)


def mobile_home(request: AuthedRequest) -> HttpResponse:
    """The H5 home for riders, volunteers and residents (and anyone on a phone)."""
    user = request.user
    context = {
        "membership": user.active_membership,
        "memberships": user.membership_list(),
        "unread": unread_count(user),
        "inbox_url": url_or_none("inbox:list"),
        # A team's leader runs the team on the workbench pages: /m/ links them.
        "runs_on_workbench": not user.is_workbench_user and opened_by_role_of_their_own(user),
    }
    return render(request, "web/mobile_home.html", context)


# --- error pages ----------------------------------------------------------------------------


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    """RFC 9457 problem details for an unknown /api/ route or an API crash."""
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        from shegong.core.api import problem_not_found

        return problem_not_found(request)
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]  # our views raise Http404 with a Chinese message
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(500, "服务器错误", "服务器内部错误，请稍后再试或联系管理员")
    # No request context: the error may have come from a context processor or the database.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


# --- health ------------------------------------------------------------------------------------


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: answers without touching the database. Also the floor
    of ``shegong bench report_intake`` (the cheapest JSON answer this server can give)."""
    return JsonResponse({"status": "ok"})
