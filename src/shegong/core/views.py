"""The workbench home, the mobile home and the error pages (helper views of the shell).

Staff pages of the core app (audit, inbox, system status) live in ``views_staff.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse

from shegong.core.perms import Perm
from shegong.regions.choices import Level
from shegong.regions.models import Region

from .models import AuditEvent, Notification, WorkerHeartbeat


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# --- workbench home -------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """Cards for the active role; field users (volunteer, worker, resident) go to /m/."""
    user = request.user
    if user.is_field_user:
        return redirect("mobile_home")
    membership = user.active_membership
    context: dict[str, Any] = {
        "membership": membership,
        "memberships": user.membership_list(),
        "is_workbench_user": user.is_workbench_user,
        "unread": Notification.objects.filter(recipient=user, read_at=None).count(),
        "inbox_url": _url_or_none("inbox:list"),
    }
    if user.is_workbench_user:
        counts = dict(
            Region.objects.visible_to(user)
            .values_list("level")
            .annotate(n=Count("code"))
            .values_list("level", "n")
        )
        context["region_counts"] = [
            (level.label, counts.get(level.value, 0))
            for level in (Level.STREET, Level.COMMUNITY, Level.GRID)
            if not membership or _below(membership.region.level, level)
        ]
        context["regions_url"] = _url_or_none("regions:list")
    if user.has_perm_in_scope(Perm.AUDIT_VIEW):
        context["recent_audit"] = list(
            AuditEvent.objects.visible_to(user).order_by("-at", "-id")[:8]
        )
        context["audit_url"] = _url_or_none("audit:list")
    if user.has_perm_in_scope(Perm.LEDGER_VIEW):
        context["ledger"] = _ledger_card(user)
    if user.has_perm_in_scope(Perm.SYSTEM_VIEW):
        context["workers"] = list(WorkerHeartbeat.objects.order_by("name"))
        context["system_url"] = _url_or_none("system:status")
    return render(request, "core/home.html", context)


def _ledger_card(user: Any) -> dict[str, Any]:
    """Counts for the 台账 card: three cheap scoped counts, no rule evaluation on the home page."""
    from django.utils import timezone

    from shegong.ledger.choices import OrgStatus
    from shegong.ledger.models import Organization, Person, ReviewTask

    open_tasks = ReviewTask.objects.visible_to(user).filter(assignee=user, done_at=None)
    return {
        "organizations": Organization.objects.visible_to(user)
        .filter(status=OrgStatus.ACTIVE)
        .count(),
        "people": Person.objects.visible_to(user).count(),
        "my_tasks": open_tasks.count(),
        "my_overdue": open_tasks.filter(due_on__lt=timezone.localdate()).count(),
    }


def _below(level: str, other: Level) -> bool:
    """Whether ``other`` is a level strictly below ``level`` in the tree."""
    order = list(Level)
    return order.index(other) > order.index(Level(level))


def mobile_home(request: HttpRequest) -> HttpResponse:
    """The H5 home for riders, volunteers and residents (and anyone on a phone)."""
    user = request.user
    context = {
        "membership": user.active_membership,
        "memberships": user.membership_list(),
        "unread": Notification.objects.filter(recipient=user, read_at=None).count(),
        "inbox_url": _url_or_none("inbox:list"),
    }
    return render(request, "core/mobile_home.html", context)


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
        from .api import problem_not_found

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
